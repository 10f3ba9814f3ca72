"""Published summaries: each basic policy's published counts per fiscal year, stored.
(A refresh counts the working summaries of ``indicators.services.working_summaries`` too.)

The plan page and the open data's "last published" read a few ``PublishedSummary`` rows
instead of counting a plan's judgements and figures, so they cost the same at any size.
``refresh_judgements`` (and the plan-wide refreshes) call ``refresh_summaries`` for the
policies and years they judged, in the same transaction; ``indicators.signals`` calls it
where a plan's structure changes what is counted (an indicator deleted, a project moved to
another policy or deleted, the plan's years changed). A refresh counts again from the
stored judgements and the published actuals, so it is idempotent.

A refresh of every year (not a writer of figures) counts the policies' ``PolicyCounts``
again too; ``indicators.signals`` also counts them where a project is added or put in or
out of the summary table.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps as installed_apps
from django.db.models import Count, Max, Q

from policies.models import BasicPolicy

from .search_entries import refresh_plans
from .working_summaries import counted_models, refresh_working_summaries

STATUS_FIELDS = ("achieved", "mostly_achieved", "not_achieved")


def write_summaries(apps, policy_ids: Iterable[int], fiscal_years: Iterable[int] | None = None):
    """Count again the summaries of these policies, of every year (the plan's years and any
    year with a judgement) or only of ``fiscal_years`` (a writer of figures: indicators
    are added, moved and deleted one at a time, and those refresh every year); ``apps`` is
    the app registry (a migration passes its historical one). Returns the rows written."""
    models = counted_models(apps, "PublishedSummary")
    policy_ids = sorted(set(policy_ids))
    if not policy_ids:
        return 0
    only = {} if fiscal_years is None else {"fiscal_year__in": sorted(set(fiscal_years))}
    if not only:  # a writer of figures moves no structure
        _write_policy_counts(apps, policy_ids)
    rows = _counted(models, policy_ids, only)
    summary = models["PublishedSummary"]
    summary.objects.filter(basic_policy_id__in=policy_ids, **only).delete()
    summary.objects.bulk_create(
        summary(basic_policy_id=policy_id, fiscal_year=year, **fields)
        for (policy_id, year), fields in rows.items()
    )
    return len(rows)


def write_policy_counts(models, policy_ids: list[int]) -> None:
    """Count again these policies' ``PolicyCounts``: two GROUP BY queries, a delete and
    an insert (no row for a policy with nothing to count)."""
    indicators = models["Indicator"].objects.filter(project__basic_policy_id__in=policy_ids)
    per_policy = (
        indicators.order_by()
        .values_list("project__basic_policy_id")
        .annotate(
            n=Count("pk"),
            main=Count("pk", filter=Q(is_main=True, project__summary_order__isnull=False)),
        )
    )
    counts = {policy_id: [n, 0, main] for policy_id, n, main in per_policy}
    own = indicators.values("project_id")
    projects = (  # yumeplan.public.summary.summary_projects, per policy
        models["Project"]
        .objects.filter(basic_policy_id__in=policy_ids, summary_order__isnull=False)
        .filter(Q(pk__in=own.filter(is_main=True)) | ~Q(pk__in=own))
        .order_by()
        .values_list("basic_policy_id")
        .annotate(n=Count("pk"))
    )
    for policy_id, n in projects:
        counts.setdefault(policy_id, [0, 0, 0])[1] = n
    stored = models["PolicyCounts"]
    stored.objects.filter(basic_policy_id__in=policy_ids).delete()
    stored.objects.bulk_create(
        stored(
            basic_policy_id=policy_id,
            indicators=n,
            summary_projects=summary,
            summary_indicators=main,
        )
        for policy_id, (n, summary, main) in counts.items()
    )


def _indicator_counts(models, policy_ids) -> dict[int, int]:
    counted = (
        models["Indicator"]
        .objects.filter(project__basic_policy_id__in=policy_ids)
        .order_by()
        .values_list("project__basic_policy_id")
        .annotate(n=Count("pk"))
    )
    return dict(counted)


def _counted(models, policy_ids: list[int], only: dict) -> dict[tuple[int, int], dict]:
    """The rows' fields keyed (policy id, year): three GROUP BY queries and one of years."""
    indicators = _indicator_counts(models, policy_ids)
    rows: dict[tuple[int, int], dict] = {}

    def row(policy_id: int, year: int) -> dict:
        return rows.setdefault(
            (policy_id, year),
            {
                "indicators": indicators.get(policy_id, 0),
                **dict.fromkeys(STATUS_FIELDS, 0),
                "published_figures": 0,
                "last_published_at": None,
            },
        )

    if only:
        years = {policy_id: only["fiscal_year__in"] for policy_id in indicators}
    else:
        plans = models["BasicPolicy"].objects.filter(pk__in=policy_ids)
        years = {
            policy_id: range(start, end + 1)
            for policy_id, start, end in plans.values_list(
                "pk", "plan__start_fiscal_year", "plan__end_fiscal_year"
            )
            if policy_id in indicators
        }
    for policy_id, policy_years in years.items():
        for year in policy_years:
            row(policy_id, year)
    judged = (
        models["Judgement"]
        .objects.filter(indicator__project__basic_policy_id__in=policy_ids, **only)
        .exclude(published_status="")
        .order_by()
        .values_list("indicator__project__basic_policy_id", "fiscal_year", "published_status")
        .annotate(n=Count("pk"))
    )
    for policy_id, year, status, count in judged:
        row(policy_id, year)[status] = count
    figures = (
        models["Actual"]
        .objects.filter(
            indicator__project__basic_policy_id__in=policy_ids,
            published_value__isnull=False,
            **only,
        )
        .order_by()
        .values_list("indicator__project__basic_policy_id", "fiscal_year")
        .annotate(n=Count("pk"), last=Max("published_at"))
    )
    for policy_id, year, count, last in figures:
        row(policy_id, year).update(published_figures=count, last_published_at=last)
    return rows


def refresh_summaries(policy_ids: Iterable[int], fiscal_years: Iterable[int] | None = None):
    """Count these policies' published and working summaries again (of ``fiscal_years``
    only, where given)."""
    policy_ids = set(policy_ids)
    fiscal_years = None if fiscal_years is None else set(fiscal_years)
    refresh_working_summaries(policy_ids, fiscal_years)
    return write_summaries(installed_apps, policy_ids, fiscal_years)


def _write_policy_counts(apps, policy_ids: list[int]) -> None:
    try:
        stored = apps.get_model("indicators", "PolicyCounts")
    except LookupError:  # a migration before 0022, which counts them all
        return
    models = {
        "PolicyCounts": stored,
        "Indicator": apps.get_model("indicators", "Indicator"),
        "Project": apps.get_model("policies", "Project"),
    }
    write_policy_counts(models, policy_ids)


def refresh_policy_counts(policy_ids: Iterable[int]):
    """Count these policies' structure again (a project added or put in or out of the
    summary table: nothing published moves)."""
    policy_ids = sorted(set(policy_ids))
    if policy_ids:
        _write_policy_counts(installed_apps, policy_ids)


def refresh_plan_summaries(plan_id: int | None = None):
    """Count again every summary of a plan (of every plan when ``plan_id`` is None), and
    write its search entries again (a plan-wide change: an import, a recompute, its years)."""
    policies = BasicPolicy.objects.all()
    if plan_id is not None:
        policies = policies.filter(plan_id=plan_id)
    refresh_plans(plan_id)
    return refresh_summaries(list(policies.values_list("pk", flat=True)))
