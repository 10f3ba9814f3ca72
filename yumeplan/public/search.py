"""The plan search: every project and indicator of a plan, filtered in SQL, paged.

A result is an indicator, or a project with no indicator: a stored ``SearchEntry``
(``indicators.services.search_entries``). ``matching_page`` filters, counts and sorts the
plan's entries in one query of one table, walked in the plan's order (so that a plan of
50,000 indicators pages in the time of one pass over its matches), and reads one page of
their keys; ``page_rows`` loads that page's objects.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import NamedTuple

from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Q, Window

from indicators import published
from indicators.models import SEARCH_ORDER, Indicator
from indicators.paging import MAX_PAGE_NUMBER
from indicators.services.search_entries import search_words
from indicators.statuses import AchievementRow, not_reported
from policies.models import Project

NOT_REPORTED = "none"
# A query's bounds (a hostile one of thousands of words would be thousands of LIKEs, more
# than SQLite's expression depth allows): its first characters and distinct words.
MAX_QUERY_LENGTH = 200
MAX_WORDS = 10


class Key(NamedTuple):
    """A match: a project and its indicator (None for a project without one)."""

    project_id: int
    indicator_id: int | None


@dataclass(frozen=True)
class Filters:
    q: str = ""
    policy: str = ""
    measure: str = ""
    department: str = ""
    status: str = ""

    @classmethod
    def from_query(cls, query) -> Filters:
        values = {f.name: query.get(f.name, "").strip() for f in fields(cls)}
        values["q"] = values["q"][:MAX_QUERY_LENGTH]
        return cls(**values)

    def as_dict(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def as_query(self) -> dict[str, str]:
        return {key: value for key, value in self.as_dict().items() if value}

    @property
    def is_filtered(self) -> bool:
        return bool(self.as_query())

    @property
    def words(self) -> list[str]:
        """The query's distinct words, normalised, the first ``MAX_WORDS`` of them."""
        return self._all_words[:MAX_WORDS]

    @property
    def words_left_out(self) -> bool:
        return len(self._all_words) > MAX_WORDS

    @property
    def _all_words(self) -> list[str]:
        return list(dict.fromkeys(search_words(self.q)))


def _number(text: str) -> int:
    """A filter's id; anything else matches nothing (ids start at 1)."""
    return int(text) if text.isdecimal() and len(text) < 10 else 0


def _conditions(filters: Filters) -> Q:
    condition = Q()
    if filters.policy:
        condition &= Q(policy_number=_number(filters.policy))
    if filters.measure:
        condition &= Q(measure_id=_number(filters.measure))
    if filters.department:
        condition &= Q(department_id=_number(filters.department))
    if filters.status == NOT_REPORTED:  # a project without an indicator has no status
        condition &= Q(published_status="")
    elif filters.status:
        condition &= Q(published_status=filters.status)
    for word in filters.words:
        condition &= Q(text__contains=word)  # both sides normalised: a plain LIKE
    return condition


def _entries(plan, filters: Filters):
    """The plan's published search entries that match ``filters``."""
    return published.search_entries(plan).filter(_conditions(filters))


def _matches(plan, filters: Filters):
    """The keys of the plan's matching entries in the plan's order, each with how many
    match in all."""
    order = [F(name).asc(nulls_last=True) for name in SEARCH_ORDER]
    return (
        _entries(plan, filters)
        .annotate(total=Window(Count("pk")))
        .order_by(*order)
        .values_list("project_id", "indicator_id", "total")
    )


def _read(matches, start: int, size: int) -> tuple[list[Key], int]:
    """The keys of ``matches`` from ``start``, and how many match in all (0 when the page
    is past the end), in one query."""
    keys, count = [], 0
    for project_id, indicator_id, total in matches[start : start + size]:
        keys.append(Key(project_id, indicator_id))
        count = total
    return keys, count


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
        count = _entries(plan, filters).count()
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
