"""Long staff lists of a plan in the plan's order, a page at a time, at any size of plan.

The carry-over page lists a plan's indicators, the yearly entry those of several plans (an
officer's, of their departments only) and the review queue a year's submitted actuals, all
by basic policy number, then project number; the staff summary lists the projects of each
policy's achievement table in the table's order. Those keys live on two joined tables, so
PostgreSQL sorts every row of the list to find the first fifty (and a window count sorted
them with the count): 47 and 57 ms at 41,200 projects. Here PostgreSQL walks the plan's
(or plans') policies in number order and, for each (a LATERAL join), its projects in
order (the ``project_policy_number`` or ``project_summary_order`` index) with their
indicators or actuals, and stops once it has the page: its time grows with the page's
number, not with the plan. Other databases (SQLite, for tests and development) read the
same ids from the ordered queryset; tests compare both with Django's Paginator over it.

The lengths of the lists are stored: the carry-over's is the sum of its policies'
indicator counts (``PolicyCounts``), the yearly entry's the sum of the indicators in the
plans' working summaries (of the departments only, for an officer), the review
queue's the sum of the year's submitted figures there (``working.submitted_count``). The
summary's is not (it depends on the year the projects started): a COUNT of the plan's
projects, which sorts nothing.
"""

from django.db import connections
from django.db.models import Sum

from . import working
from .models import ActualState, PolicyCounts
from .paging import WalkedPaginator

INDICATOR_ORDER = ("project__basic_policy__number", "project__number", "order", "pk")
ACTUAL_ORDER = ("indicator__project__basic_policy__number", "indicator__project__number", "pk")

# The plans' order (``Plan.Meta.ordering``: newest first, then by name) and, within a plan,
# the carry-over's. The inner LIMIT keeps each policy's walk to the rows the page may need;
# {departments} is "" or IN_DEPARTMENTS.
PLAN_ORDER = ("-project__plan__start_fiscal_year", "project__plan__name", "project__plan")
PLANS_INDICATORS = """
SELECT listed.id FROM policies_plan plan
JOIN policies_basicpolicy policy ON policy.plan_id = plan.id
CROSS JOIN LATERAL (
    SELECT indicator.id, project.number, indicator."order"
    FROM policies_project project
    JOIN indicators_indicator indicator ON indicator.project_id = project.id
    WHERE project.basic_policy_id = policy.id {departments}
    ORDER BY project.number, indicator."order", indicator.id
    LIMIT %(stop)s
) listed (id, project_number, indicator_order)
WHERE plan.id = ANY(%(plans)s)
ORDER BY plan.start_fiscal_year DESC, plan.name, plan.id, policy.number,
    listed.project_number, listed.indicator_order, listed.id
LIMIT %(size)s OFFSET %(start)s
"""
IN_DEPARTMENTS = "AND project.department_id = ANY(%(departments)s)"

YEAR_ACTUALS = """
SELECT listed.id FROM policies_basicpolicy policy CROSS JOIN LATERAL (
    SELECT actual.id, project.number
    FROM policies_project project
    JOIN indicators_indicator indicator ON indicator.project_id = project.id
    JOIN indicators_actual actual ON actual.indicator_id = indicator.id
    WHERE project.basic_policy_id = policy.id AND project.plan_id = %(plan)s
        AND actual.fiscal_year = %(year)s AND actual.state = %(state)s
    ORDER BY project.number, actual.id
    LIMIT %(stop)s
) listed (id, project_number)
WHERE policy.plan_id = %(plan)s
ORDER BY policy.number, listed.project_number, listed.id
LIMIT %(size)s OFFSET %(start)s
"""

# The staff summary's projects: each policy's achievement table in its order (the
# ``project_summary_order`` index), of the projects started by the year.
SUMMARY_PROJECTS = """
SELECT listed.id FROM policies_basicpolicy policy CROSS JOIN LATERAL (
    SELECT project.id, project.summary_order
    FROM policies_project project
    WHERE project.basic_policy_id = policy.id AND project.plan_id = %(plan)s
        AND project.summary_order IS NOT NULL
        AND (project.fiscal_year_added IS NULL OR project.fiscal_year_added <= %(year)s)
    ORDER BY project.summary_order, project.id
    LIMIT %(stop)s
) listed (id, summary_order)
WHERE policy.plan_id = %(plan)s
ORDER BY policy.number, listed.summary_order, listed.id
LIMIT %(size)s OFFSET %(start)s
"""


def _on_postgresql(queryset) -> bool:
    return connections[queryset.db].vendor == "postgresql"


def _sql(queryset, sql: str, params: dict) -> list[tuple]:
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _walk(queryset, sql: str, **params):
    """``walk(start, stop)`` for WalkedPaginator: the ids of rows start to stop of the
    ordered ``queryset``, read by ``sql`` on PostgreSQL."""

    def walk(start: int, stop: int) -> list[int]:
        if not _on_postgresql(queryset):
            return list(queryset.values_list("pk", flat=True)[start:stop])
        found = _sql(queryset, sql, {**params, "start": start, "stop": stop, "size": stop - start})
        return [pk for (pk,) in found]

    return walk


def plan_indicator_count(plan) -> int:
    """The plan's indicators, from its policies' stored counts: a row per basic policy."""
    counts = PolicyCounts.objects.filter(basic_policy__plan=plan)
    return counts.aggregate(n=Sum("indicators"))["n"] or 0


def plan_indicators(plan, indicators, per_page: int) -> WalkedPaginator:
    """A paginator of ``indicators`` (the plan's, all of them) in the plan's order."""
    indicators = indicators.order_by(*INDICATOR_ORDER)
    walk = _walk(indicators, PLANS_INDICATORS.format(departments=""), plans=[plan.pk])
    return WalkedPaginator(
        indicators, per_page, count=lambda: plan_indicator_count(plan), walk=walk
    )


def plans_indicators(plans, indicators, per_page: int, departments=None) -> WalkedPaginator:
    """A paginator of ``indicators`` (every indicator of ``plans``, or of their
    ``departments`` only, a list of ids) plan by plan as plans are listed, each in the
    plan's order. Its length is read from the working summaries
    (``working.indicator_count``): a page is a query for the length, one walk of all the
    plans, and the page's indicators."""
    plan_ids = [plan.pk for plan in plans]
    indicators = indicators.order_by(*PLAN_ORDER, *INDICATOR_ORDER)
    sql = PLANS_INDICATORS.format(departments="" if departments is None else IN_DEPARTMENTS)
    walk = _walk(indicators, sql, plans=plan_ids, departments=departments)
    return WalkedPaginator(
        indicators,
        per_page,
        count=lambda: working.indicator_count(departments, plans=plan_ids),
        walk=walk,
    )


def submitted_actuals(plan, year: int, actuals, per_page: int) -> WalkedPaginator:
    """A paginator of ``actuals`` (the plan's submitted figures of ``year``) in the plan's
    order."""
    actuals = actuals.order_by(*ACTUAL_ORDER)
    params = {"plan": plan.pk, "year": year, "state": ActualState.SUBMITTED.value}
    walk = _walk(actuals, YEAR_ACTUALS, **params)
    return WalkedPaginator(
        actuals, per_page, count=lambda: working.submitted_count(plan, year), walk=walk
    )


def summary_projects(plan, year: int, projects, per_page: int) -> WalkedPaginator:
    """A paginator of ``projects`` (``reports.summary_projects``: the plan's projects in
    its policies' achievement tables, started by ``year``) in the tables' order. Its
    length is a COUNT of the plan's projects, with no sort: a window count sorted all
    41,200 of a plan with their policies (13 ms) to number a page of them."""
    params = {"plan": plan.pk, "year": year}
    return WalkedPaginator(
        projects, per_page, count=projects.count, walk=_walk(projects, SUMMARY_PROJECTS, **params)
    )
