"""The plan search: every project and indicator of a plan, filtered in SQL, paged.

A result is an indicator, or a project with no indicator. ``matching_page`` sorts and
counts the matches in the database and reads one page of their sort keys (so that a plan
of 50,000 indicators pages in the time of one scan); ``page_rows`` loads that page's
objects.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import NamedTuple

from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, Value, When

from indicators import published
from indicators.models import Indicator
from indicators.paging import MAX_PAGE_NUMBER
from indicators.statuses import AchievementRow, not_reported
from policies.models import Project

NOT_REPORTED = "none"
TEXT_FIELDS = ("number", "name", "name_en")


class Key(NamedTuple):
    """A match, by what sorts it in the plan's order (a project without an indicator has
    indicator_order -1 and indicator_id None)."""

    policy_number: int
    unlisted: int  # 1 for a project outside the summary table: after those in it
    summary_order: int | None
    project_number: str
    project_id: int
    indicator_order: int
    indicator_id: int | None


KEY_COLUMNS = Key._fields


@dataclass(frozen=True)
class Filters:
    q: str = ""
    policy: str = ""
    measure: str = ""
    department: str = ""
    status: str = ""

    @classmethod
    def from_query(cls, query) -> Filters:
        return cls(**{f.name: query.get(f.name, "").strip() for f in fields(cls)})

    def as_dict(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def as_query(self) -> dict[str, str]:
        return {key: value for key, value in self.as_dict().items() if value}

    @property
    def is_filtered(self) -> bool:
        return bool(self.as_query())

    @property
    def words(self) -> list[str]:
        return self.q.casefold().split()


def _project_filters(filters: Filters, prefix: str) -> Q:
    condition = Q()
    if filters.policy:
        condition &= Q(**{f"{prefix}basic_policy__number": _number(filters.policy)})
    if filters.measure:
        condition &= Q(**{f"{prefix}measure_id": _number(filters.measure)})
    if filters.department:
        condition &= Q(**{f"{prefix}department_id": _number(filters.department)})
    return condition


def _number(text: str) -> int:
    """A filter's id; anything else matches nothing (ids start at 1)."""
    return int(text) if text.isdecimal() and len(text) < 10 else 0


def _words(filters: Filters, project_prefix: str, own_fields=()) -> Q:
    condition = Q()
    for word in filters.words:
        matches = Q()
        for name in TEXT_FIELDS:
            matches |= Q(**{f"{project_prefix}{name}__icontains": word})
        for name in own_fields:
            matches |= Q(**{f"{name}__icontains": word})
        condition &= matches
    return condition


def _indicator_keys(plan, filters: Filters):
    """The sort keys of the matching indicators (see ``KEY_COLUMNS``)."""
    year = plan.target_fiscal_year
    rows = Indicator.objects.filter(
        _project_filters(filters, "project__"),
        _words(filters, "project__", ("name", "name_en")),
        project__plan=plan,
    )
    if filters.status == NOT_REPORTED:
        rows = rows.exclude(published.judged(year))
    elif filters.status:
        rows = rows.filter(published.judged(year, filters.status))
    unlisted = Case(When(project__summary_order__isnull=True, then=Value(1)), default=Value(0))
    return rows.order_by().values_list(
        F("project__basic_policy__number"),
        unlisted,
        F("project__summary_order"),
        F("project__number"),
        F("project_id"),
        F("order"),
        F("pk"),
    )


def _bare_project_keys(plan, filters: Filters):
    """The sort keys of the matching projects that have no indicator."""
    rows = Project.objects.filter(
        _project_filters(filters, ""),
        _words(filters, ""),
        ~Exists(Indicator.objects.filter(project=OuterRef("pk"))),
        plan=plan,
    )
    unlisted = Case(When(summary_order__isnull=True, then=Value(1)), default=Value(0))
    return rows.order_by().values_list(
        F("basic_policy__number"),
        unlisted,
        F("summary_order"),
        F("number"),
        F("pk"),
        Value(-1),
        Value(None, output_field=IntegerField()),
    )


def _matches(plan, filters: Filters):
    """Every match's sort key, unordered: indicators, and (unless a status is asked for,
    which a project without an indicator has not) projects without one."""
    keys = _indicator_keys(plan, filters)
    if filters.status in ("", NOT_REPORTED):
        keys = keys.union(_bare_project_keys(plan, filters), all=True)
    return keys


def _read(matches, start: int, size: int) -> tuple[list[tuple], int]:
    """The keys of ``matches`` from ``start`` in the plan's order, and how many match in
    all (0 when the page is past the end), in one query: the matches are sorted and
    counted in the database, whatever their number."""
    connection = connections[matches.db]
    # The ORM's own SQL for the union, its values passed apart as parameters: no text of
    # the request is ever part of the statement.
    sql, params = matches.query.get_compiler(connection=connection).as_sql()
    columns = ", ".join(str(n) for n in range(1, len(KEY_COLUMNS) + 1))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT *, COUNT(*) OVER () FROM ({sql}) matches "
            f"ORDER BY {columns} LIMIT %s OFFSET %s",
            (*params, size, start),
        )
        rows = cursor.fetchall()
    return [Key(*row[:-1]) for row in rows], rows[0][-1] if rows else 0


def matching_page(plan, filters: Filters, number, per_page: int) -> Page:
    """One page of the matches in the plan's order, as ``Paginator.get_page`` gives it (a
    page that is not a number is the first; one past the end or below 1, the last)."""
    matches = _matches(plan, filters)
    try:
        number = int(number)
    except (TypeError, ValueError):
        number = 1
    keys, count = [], 0
    if 1 <= number <= MAX_PAGE_NUMBER:
        keys, count = _read(matches, (number - 1) * per_page, per_page)
    if not keys and number != 1:
        count = matches.count()
        number = max(1, -(-count // per_page))
        keys, count = _read(matches, (number - 1) * per_page, per_page)
    return Page(keys, number, Paginator(range(count), per_page))  # a length, not rows


def page_rows(plan, keys) -> list[AchievementRow]:
    """The rows of one page of ``matching_page``, in three queries."""
    projects = Project.objects.select_related("basic_policy", "department").in_bulk(
        {key.project_id for key in keys}
    )
    indicators = Indicator.objects.select_related("project__basic_policy__plan").in_bulk(
        [key.indicator_id for key in keys if key.indicator_id is not None]
    )
    year = plan.target_fiscal_year
    statuses = published.statuses(indicators.values(), [year])
    rows = []
    for key in keys:
        indicator = indicators.get(key.indicator_id)
        status = None
        if indicator is not None:
            status = statuses.get((indicator.pk, year)) or not_reported(indicator, year)
        rows.append(AchievementRow(projects[key.project_id], indicator, status, 1))
    return rows
