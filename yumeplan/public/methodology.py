"""The methodology page: how 達成 / 概ね達成 / 未達成 are decided, with the plan's own
threshold and worked examples from its published data."""

from decimal import Decimal

from django.shortcuts import get_object_or_404, render

from indicators.models import TargetKind
from policies.models import Plan

from .caching import cached_public
from .summary import summary_rows

EXAMPLE_STATUSES = ("achieved", "mostly_achieved", "not_achieved")


def threshold_percent(threshold: Decimal) -> str:
    """0.950 → "95", 0.925 → "92.5": the plan's threshold as a citizen reads it."""
    return format((threshold * 100).normalize(), "f")


def worked_examples(rows) -> list:
    """One row per status for a numeric target, then one for a qualitative target, from the
    plan's own published data (whatever exists; never made up)."""
    examples, seen = [], set()
    for row in rows:
        if row.indicator is None or not row.status or not row.status.code:
            continue
        numeric = row.indicator.target_kind == TargetKind.NUMERIC
        key = row.status.code if numeric else "qualitative"
        if key not in seen and (key == "qualitative" or key in EXAMPLE_STATUSES):
            seen.add(key)
            examples.append(row)
    order = [*EXAMPLE_STATUSES, "qualitative"]
    return sorted(
        examples,
        key=lambda row: order.index(
            row.status.code if row.indicator.target_kind == TargetKind.NUMERIC else "qualitative"
        ),
    )


@cached_public
def methodology(request, slug):
    plan = get_object_or_404(Plan, slug=slug)
    rows = summary_rows(plan, plan.target_fiscal_year)
    context = {
        "plan": plan,
        "threshold_percent": threshold_percent(plan.achievement_threshold),
        "examples": worked_examples(rows),
        "indicator_count": sum(1 for row in rows if row.indicator is not None),
        "summary_project_count": len({row.project.pk for row in rows}),
    }
    return render(request, "public/methodology.html", context)
