"""The methodology page: how 達成 / 概ね達成 / 未達成 are decided, with the plan's own
threshold and worked examples from its published data."""

from decimal import Decimal

from django.db.models import Case, F, FilteredRelation, Q, Value, When, Window
from django.db.models.functions import RowNumber
from django.shortcuts import get_object_or_404, render

from indicators import published
from indicators.models import AchievementStatus, TargetKind
from indicators.statuses import AchievementRow
from policies.models import Plan

from .caching import cached_public
from .summary import INDICATOR_ORDER, summary_indicators, summary_projects

EXAMPLE_STATUSES = ("achieved", "mostly_achieved", "not_achieved")


def threshold_percent(threshold: Decimal) -> str:
    """0.950 → "95", 0.925 → "92.5": the plan's threshold as a citizen reads it."""
    return format((threshold * 100).normalize(), "f")


def worked_examples(plan, fiscal_year: int) -> list:
    """One row per status for a numeric target, then one for a qualitative target: the
    first of each in the plan's summary table, from its published data (whatever exists;
    never made up). One query picks them (the first of each kind, by a window), whatever
    the size of the plan; one more reads their statuses."""
    kind = Case(
        When(~Q(target_kind=TargetKind.NUMERIC), then=Value("qualitative")),
        default=F("judged__published_status"),
    )
    first = Window(RowNumber(), partition_by=kind, order_by=[F(name) for name in INDICATOR_ORDER])
    found = {
        indicator.kind: indicator
        for indicator in summary_indicators(plan)
        .select_related("project__basic_policy__plan")
        .annotate(
            judged=FilteredRelation("judgements", condition=Q(judgements__fiscal_year=fiscal_year))
        )
        .filter(judged__published_status__in=AchievementStatus.values)  # any status
        .annotate(kind=kind, first=first)
        .filter(first=1)
    }
    ordered = [found[key] for key in (*EXAMPLE_STATUSES, "qualitative") if key in found]
    statuses = published.statuses(ordered, [fiscal_year])
    return [
        AchievementRow(indicator.project, indicator, statuses[(indicator.pk, fiscal_year)], 1)
        for indicator in ordered
    ]


@cached_public
def methodology(request, slug):
    plan = get_object_or_404(Plan, slug=slug)
    context = {
        "plan": plan,
        "threshold_percent": threshold_percent(plan.achievement_threshold),
        "examples": worked_examples(plan, plan.target_fiscal_year),
        "indicator_count": summary_indicators(plan).count(),
        "summary_project_count": summary_projects(plan).count(),
    }
    return render(request, "public/methodology.html", context)
