"""The staff read path: the working figures officers enter and planners review, and their
judgements. Staff pages and the back office read statuses through this module; the public
site never does (it reads ``indicators.published``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import F, Q, Sum

from .models import Judgement, WorkingSummary
from .statuses import StatusCounts, StatusReader

_reader = StatusReader("working")

judgements = _reader.judgements
statuses = _reader.statuses
status_for = _reader.status_for
achievement_rows = _reader.achievement_rows


def judgements_behind_line(plan, fiscal_year: int):
    """The plan's judgements of a year whose working figure is behind its straight line
    (a stored ``working_gap``, which only a working figure has): by the plan and year each
    row stores, counted and read from a partial index, with no join."""
    return Judgement.objects.filter(
        plan_id=plan.pk, fiscal_year=fiscal_year, working_gap__isnull=False
    )


# What the planners' pages count of a whole plan comes from its stored working summaries
# (indicators.services.working_summaries): a few hundred rows, whatever its size.

STATUS_CODES = ("achieved", "mostly_achieved", "not_achieved")
Group = tuple[int, int | None, int | None]  # (basic policy, measure, department) ids


def _summaries(plan, existing_in: int, fiscal_years: set[int], *counted: str):
    """The summary rows of the indicators that exist in ``existing_in`` (their project
    was there from the start or added by then), of some years and of the plan's first:
    their group (policy, measure, department, year added), year, indicators and
    ``counted`` fields."""
    return (
        WorkingSummary.objects.filter(
            Q(fiscal_year_added__isnull=True) | Q(fiscal_year_added__lte=existing_in),
            basic_policy__plan=plan,
            fiscal_year__in={plan.start_fiscal_year, *fiscal_years},
        )
        .order_by()
        .values_list(
            "basic_policy_id",
            "measure_id",
            "department_id",
            "fiscal_year_added",
            "fiscal_year",
            "indicators",
            *counted,
        )
    )


def year_counts(
    plan, existing_in: int, fiscal_years: Iterable[int]
) -> dict[Group, dict[int, StatusCounts]]:
    """The working statuses of the plan's indicators that exist in ``existing_in``, per
    group and for each of some years: one query. Every row of a group carries the group's
    indicators (whatever its year), so a year with no rows (nothing judged) counts them
    all as not reported."""
    fiscal_years = set(fiscal_years)
    counts: dict[Group, dict[int, StatusCounts]] = defaultdict(lambda: defaultdict(StatusCounts))
    indicators: dict[tuple, int] = {}
    rows = _summaries(plan, existing_in, fiscal_years, *STATUS_CODES)
    for policy, measure, department, added, year, n, *statuses in rows:
        group = (policy, measure, department)
        indicators[(group, added)] = n
        if year in fiscal_years:
            for code, count in zip(STATUS_CODES, statuses, strict=True):
                counts[group][year].add(code, count)
                counts[group][year].not_reported -= count
    for (group, _added), n in indicators.items():
        for year in fiscal_years:
            counts[group][year].not_reported += n
    return counts


def state_counts(plan, fiscal_year: int) -> dict[int | None, dict[str, int]]:
    """Per department id: the plan's indicators that exist in the year and how many of
    their figures for the year are in each state ("draft" counts returned ones too,
    "approved" published ones); one query."""
    counts: dict[int | None, dict[str, int]] = defaultdict(
        lambda: {"indicators": 0, "draft": 0, "submitted": 0, "approved": 0}
    )
    indicators: dict[tuple, int] = {}
    rows = _summaries(plan, fiscal_year, {fiscal_year}, "draft", "submitted", "approved")
    for *group, year, n, draft, submitted, approved in rows:
        indicators[tuple(group)] = n
        if year == fiscal_year:
            row = counts[group[2]]
            row["draft"] += draft
            row["submitted"] += submitted
            row["approved"] += approved
    for group, n in indicators.items():
        counts[group[2]]["indicators"] += n
    return counts


def submitted_count(plan, fiscal_year: int) -> int:
    """The plan's figures of the year waiting for review (submitted): one query."""
    rows = WorkingSummary.objects.filter(basic_policy__plan=plan, fiscal_year=fiscal_year)
    return rows.aggregate(n=Sum("submitted"))["n"] or 0


def behind_line_count(plan, fiscal_year: int) -> int:
    """How many of the plan's judgements of the year are behind their straight line (the
    length of ``judgements_behind_line``), from its stored summaries: one query."""
    rows = WorkingSummary.objects.filter(basic_policy__plan=plan, fiscal_year=fiscal_year)
    return rows.aggregate(n=Sum("behind_line"))["n"] or 0


def figure_count(departments=None) -> int:
    """Every figure (actual) of every plan, or of the projects of ``departments`` (ids)
    only, whatever its state and year, from the stored summaries: one query."""
    rows = WorkingSummary.objects.all()
    if departments is not None:
        rows = rows.filter(department_id__in=departments)
    totals = rows.aggregate(
        draft=Sum("draft"), submitted=Sum("submitted"), approved=Sum("approved")
    )
    return sum(n or 0 for n in totals.values())


def indicator_count(departments=None, plans=None) -> int:
    """Every indicator of every plan (of ``plans`` only, ids, where given), or of the
    projects of ``departments`` (ids) only, from the stored summaries (every group has a
    row in its plan's first year, carrying the group's indicators): one query."""
    rows = WorkingSummary.objects.filter(fiscal_year=F("basic_policy__plan__start_fiscal_year"))
    if plans is not None:
        rows = rows.filter(basic_policy__plan__in=plans)
    if departments is not None:
        rows = rows.filter(department_id__in=departments)
    return rows.aggregate(n=Sum("indicators"))["n"] or 0
