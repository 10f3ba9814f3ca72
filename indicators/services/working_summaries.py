"""Working summaries: a plan's working figures counted per group of indicators and year, stored.

The planners' dashboard, comparison and submission tracker read ``WorkingSummary`` rows
(a few hundred for a plan of 40,000 projects) instead of grouping every judgement and
figure of the plan. A group is the indicators of one basic policy's projects that share a
measure, a department and the year the project was added, so that a page can count the
indicators that exist in any year (a project added in R5 counts from R5) without another
query.

``indicators.services.summaries.refresh_summaries`` calls ``refresh_working_summaries``
for the policies and years whose judgements it counted, in the same transaction; the
workflow calls it where a figure's state changes and nothing is judged again (submit,
approve, return); ``indicators.signals`` where a project changes group. A refresh counts
again from the indicators, stored judgements and actuals, so it is idempotent.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps as installed_apps
from django.db.models import Count, FilteredRelation, Q

STATUS_FIELDS = ("achieved", "mostly_achieved", "not_achieved")
STATE_FIELDS = {  # a figure's state → the field that counts it
    "draft": "draft",
    "returned": "draft",
    "submitted": "submitted",
    "approved": "approved",
    "published": "approved",
}
COUNTED = (*STATUS_FIELDS, "draft", "submitted", "approved", "behind_line")
GROUP = ("basic_policy_id", "measure_id", "department_id", "fiscal_year_added")


def counted_models(apps, summary: str) -> dict:
    """The models a summary writer counts from, and its own (``summary``), by name, from
    ``apps`` (the app registry, or a migration's historical one)."""
    names = [("indicators", name) for name in (summary, "Indicator", "Judgement", "Actual")]
    return {name: apps.get_model(app, name) for app, name in [*names, ("policies", "BasicPolicy")]}


def write_working_summaries(
    apps, policy_ids: Iterable[int], fiscal_years: Iterable[int] | None = None
) -> int:
    """Count again the working summaries of these policies, of every year (the plan's
    years, the one before them, and any year with a judgement or figure) or only of
    ``fiscal_years``; ``apps`` is the app registry (a migration passes its historical one).
    Returns the rows written."""
    models = counted_models(apps, "WorkingSummary")
    policy_ids = sorted(set(policy_ids))
    if not policy_ids:
        return 0
    if fiscal_years is None:
        only = {}
        rows = _counted(models, policy_ids)
    else:
        only = {"fiscal_year__in": sorted(set(fiscal_years))}
        rows = _counted_in_years(models, policy_ids, only["fiscal_year__in"])
    summary = models["WorkingSummary"]
    summary.objects.filter(basic_policy_id__in=policy_ids, **only).delete()
    summary.objects.bulk_create(
        summary(**dict(zip(GROUP, group, strict=True)), fiscal_year=year, **fields)
        for (group, year), fields in rows.items()
    )
    return len(rows)


def _grouped(queryset, *fields):
    """``queryset``'s rows counted per group (its project's policy, measure, department and
    year added) and ``fields``: one GROUP BY query."""
    prefix = (
        "project__" if queryset.model._meta.model_name == "indicator" else "indicator__project__"
    )
    return (
        queryset.order_by()
        .values_list(*(prefix + name for name in GROUP), *fields)
        .annotate(n=Count("pk"))
    )


def _counted_in_years(models, policy_ids: list[int], years: list[int]) -> dict[tuple, dict]:
    """The rows' fields keyed ((group), year) for a writer of figures (a year or two): per
    year, one pass over the policies' indicators, each with its judgement and its figure
    of the year beside it (both unique per indicator and year), which counts the
    indicators, their statuses and their figures' states at once."""
    indicators = models["Indicator"].objects.filter(project__basic_policy_id__in=policy_ids)
    rows: dict[tuple, dict] = {}
    for year in years:
        beside = indicators.annotate(
            judged=FilteredRelation("judgements", condition=Q(judgements__fiscal_year=year)),
            figure=FilteredRelation("actuals", condition=Q(actuals__fiscal_year=year)),
        ).annotate(behind=Q(judged__working_gap__isnull=False))
        grouped = _grouped(beside, "judged__working_status", "figure__state", "behind")
        for *group, status, state, behind, n in grouped:
            fields = rows.setdefault(
                (tuple(group), year), {"indicators": 0, **dict.fromkeys(COUNTED, 0)}
            )
            fields["indicators"] += n
            if status:
                fields[status] += n
            if state:
                fields[STATE_FIELDS[state]] += n
            if behind:
                fields["behind_line"] += n
    return rows


def _counted(models, policy_ids: list[int]) -> dict[tuple, dict]:
    """The rows' fields keyed ((group), year), of every year: three GROUP BY queries and
    one of the plans' years."""
    groups = {
        tuple(group): n
        for *group, n in _grouped(
            models["Indicator"].objects.filter(project__basic_policy_id__in=policy_ids)
        )
    }
    rows: dict[tuple, dict] = {}

    def row(group: tuple, year: int) -> dict:
        return rows.setdefault(
            (group, year),
            {"indicators": groups.get(group, 0), **dict.fromkeys(COUNTED, 0)},
        )

    plans = models["BasicPolicy"].objects.filter(pk__in=policy_ids)
    years = {
        policy_id: range(start - 1, end + 1)
        for policy_id, start, end in plans.values_list(
            "pk", "plan__start_fiscal_year", "plan__end_fiscal_year"
        )
    }
    for group in groups:
        for year in years.get(group[0], ()):
            row(group, year)
    in_policies = {"indicator__project__basic_policy_id__in": policy_ids}
    # A judgement behind its line has a status: a line needs what the rule judges by.
    judged = models["Judgement"].objects.filter(**in_policies).exclude(working_status="")
    judged = judged.annotate(behind=Q(working_gap__isnull=False))
    for *group, year, status, behind, n in _grouped(
        judged, "fiscal_year", "working_status", "behind"
    ):
        found = row(tuple(group), year)
        found[status] += n
        if behind:
            found["behind_line"] += n
    figures = models["Actual"].objects.filter(**in_policies)
    for *group, year, state, n in _grouped(figures, "fiscal_year", "state"):
        row(tuple(group), year)[STATE_FIELDS[state]] += n
    return rows


def refresh_working_summaries(
    policy_ids: Iterable[int], fiscal_years: Iterable[int] | None = None
) -> int:
    """Count these policies' working summaries again (of ``fiscal_years`` only, where given)."""
    return write_working_summaries(installed_apps, policy_ids, fiscal_years)
