"""The methodology page: how 達成 / 概ね達成 / 未達成 are decided, with the plan's own
threshold and worked examples from its published data."""

from decimal import Decimal

from django.db.models import OuterRef, Q, Subquery
from django.shortcuts import get_object_or_404, render

from indicators import published
from indicators.models import AchievementStatus, Indicator, PolicyCounts, TargetKind
from indicators.statuses import AchievementRow
from policies.models import BasicPolicy, Plan

from .caching import cached_public
from .summary import INDICATOR_ORDER, summary_indicators

EXAMPLE_STATUSES = ("achieved", "mostly_achieved", "not_achieved")


def threshold_percent(threshold: Decimal) -> str:
    """0.950 → "95", 0.925 → "92.5": the plan's threshold as a citizen reads it."""
    return format((threshold * 100).normalize(), "f")


EXAMPLE_KINDS = (*EXAMPLE_STATUSES, "qualitative")
# The summary table's order within a policy (INDICATOR_ORDER after the policy's number).
POLICY_INDICATOR_ORDER = INDICATOR_ORDER[1:]


def _first_of_kind(kind: str, fiscal_year: int) -> Subquery:
    """The id of a policy's first main indicator of this kind in its summary table: one
    walk of its projects in order (the ``project_summary_order`` index) that stops at the
    first hit, on PostgreSQL, rather than a sort of the whole plan."""
    if kind == "qualitative":
        of_kind = ~Q(target_kind=TargetKind.NUMERIC) & Q(
            judgements__published_status__in=AchievementStatus.values  # any status
        )
    else:
        of_kind = Q(target_kind=TargetKind.NUMERIC, judgements__published_status=kind)
    first = (
        Indicator.objects.filter(
            of_kind,
            judgements__fiscal_year=fiscal_year,
            project__basic_policy=OuterRef("pk"),
            project__summary_order__isnull=False,
            is_main=True,
        )
        .order_by(*POLICY_INDICATOR_ORDER)
        .values("pk")[:1]
    )
    return Subquery(first)


def policy_rows(plan, fiscal_year: int) -> list[tuple]:
    """Per policy of the plan, in order: its first indicator of each example kind (ids or
    None) and its stored summary-table counts (projects, main indicators). One query."""
    counts = PolicyCounts.objects.filter(basic_policy=OuterRef("pk"))
    # Scalar subqueries, not a join: PostgreSQL keeps no statistics of that small table
    # (too few rows for autovacuum to analyze), and a join's guess of its size made the
    # query look costly enough to compile (JIT, 50 ms).
    return list(
        BasicPolicy.objects.filter(plan=plan)
        .order_by("number")
        .annotate(
            **{kind: _first_of_kind(kind, fiscal_year) for kind in EXAMPLE_KINDS},
            summary_projects=Subquery(counts.values("summary_projects")),
            summary_indicators=Subquery(counts.values("summary_indicators")),
        )
        .values_list(*EXAMPLE_KINDS, "summary_projects", "summary_indicators")
    )


def worked_examples(plan, fiscal_year: int, policies: list[tuple]) -> list:
    """One row per status for a numeric target, then one for a qualitative target: the
    first of each in the plan's summary table, from its published data (whatever exists;
    never made up), from ``policy_rows``. Two queries read them and their statuses."""
    firsts = {}
    for row in policies:
        for kind, pk in zip(EXAMPLE_KINDS, row, strict=False):
            if pk is not None:
                firsts.setdefault(kind, pk)
    loaded = summary_indicators(plan).select_related("project__basic_policy__plan")
    found = loaded.in_bulk(list(firsts.values())) if firsts else {}
    ordered = [found[firsts[kind]] for kind in EXAMPLE_KINDS if kind in firsts]
    statuses = published.statuses(ordered, [fiscal_year])
    return [
        AchievementRow(indicator.project, indicator, statuses[(indicator.pk, fiscal_year)], 1)
        for indicator in ordered
    ]


@cached_public
def methodology(request, slug):
    plan = get_object_or_404(Plan, slug=slug)
    policies = policy_rows(plan, plan.target_fiscal_year)
    context = {
        "plan": plan,
        "threshold_percent": threshold_percent(plan.achievement_threshold),
        "examples": worked_examples(plan, plan.target_fiscal_year, policies),
        # the summary table's length, stored per policy (indicators.models.PolicyCounts)
        "indicator_count": sum(row[-1] or 0 for row in policies),
        "summary_project_count": sum(row[-2] or 0 for row in policies),
    }
    return render(request, "public/methodology.html", context)
