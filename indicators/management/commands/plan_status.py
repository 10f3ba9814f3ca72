from django.core.management.base import BaseCommand
from django.db.models import Count, Max
from django.utils import timezone

from indicators.cache import SITE
from indicators.models import Actual, ActualState, Indicator, PublicVersion
from policies.models import Measure, Plan, Project


class Command(BaseCommand):
    help = (
        "For the operator: each plan's counts (policies, measures, projects, indicators, "
        "actuals by state), its last publication, and the public version."
    )

    def handle(self, *args, **options):
        for plan in Plan.objects.annotate(policy_count=Count("basic_policies")).order_by("pk"):
            self.stdout.write(self._plan_lines(plan))
        version = PublicVersion.objects.filter(scope=SITE).first()
        if version is None:
            self.stdout.write("公開内容の版: なし（まだ何も公開されていません）")
        else:
            self.stdout.write(
                f"公開内容の版: {version.number}（{_local(version.changed_at)} 更新）"
            )

    def _plan_lines(self, plan) -> str:
        actuals = Actual.objects.filter(indicator__project__plan=plan)
        by_state = dict(actuals.values_list("state").annotate(n=Count("pk")).order_by())
        states = "、".join(
            f"{label} {by_state.get(value, 0)}" for value, label in ActualState.choices
        )
        last = actuals.aggregate(last=Max("published_at"))["last"]
        counts = (
            f"基本方針 {plan.policy_count}、"
            f"施策 {Measure.objects.filter(basic_policy__plan=plan).count()}、"
            f"事業 {Project.objects.filter(plan=plan).count()}、"
            f"指標 {Indicator.objects.filter(project__plan=plan).count()}"
        )
        return "\n".join(
            [
                f"計画「{plan.name}」({plan.slug}): {counts}",
                f"  実績: {states}",
                f"  最後の公表: {_local(last) if last else 'なし'}",
            ]
        )


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S %Z")
