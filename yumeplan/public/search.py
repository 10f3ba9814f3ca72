"""The plan search: every project and indicator of a plan, filtered in SQL, paged.

A result is an indicator, or a project with no indicator. ``matching_rows`` returns the
sort keys of every match (small tuples, so that a plan of 50,000 indicators pages in a
fraction of a second); ``page_rows`` loads the objects of one page only.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from django.db.models import Q

from indicators import published
from indicators.models import Indicator
from indicators.statuses import AchievementRow, not_reported
from policies.models import Project

NOT_REPORTED = "none"
TEXT_FIELDS = ("number", "name", "name_en")


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


def matching_rows(plan, filters: Filters) -> list[tuple]:
    """Sort keys of every matching row, in the plan's order: (policy, summary order,
    project number, project id, indicator order, indicator id or None)."""
    year = plan.target_fiscal_year
    indicators = Indicator.objects.filter(
        _project_filters(filters, "project__"),
        _words(filters, "project__", ("name", "name_en")),
        project__plan=plan,
    )
    if filters.status == NOT_REPORTED:
        indicators = indicators.exclude(pk__in=published.judged_ids(indicators, year))
    elif filters.status:
        indicators = indicators.filter(
            pk__in=published.judged_ids(indicators, year, filters.status)
        )
    keys = list(
        indicators.values_list(
            "project__basic_policy__number",
            "project__summary_order",
            "project__number",
            "project_id",
            "order",
            "pk",
        )
    )
    if filters.status in ("", NOT_REPORTED):
        bare = Project.objects.filter(
            _project_filters(filters, ""), _words(filters, ""), plan=plan, indicators__isnull=True
        )
        keys += [
            (*row, -1, None)
            for row in bare.values_list("basic_policy__number", "summary_order", "number", "pk")
        ]
    keys.sort(key=lambda k: (k[0], k[1] is None, k[1] or 0, k[2], k[3], k[4], k[5] or 0))
    return keys


def page_rows(plan, keys) -> list[AchievementRow]:
    """The rows of one page of ``matching_rows``, in three queries."""
    projects = Project.objects.select_related("basic_policy", "department").in_bulk(
        {key[3] for key in keys}
    )
    indicators = Indicator.objects.select_related("project__basic_policy__plan").in_bulk(
        [key[5] for key in keys if key[5] is not None]
    )
    year = plan.target_fiscal_year
    statuses = published.statuses(indicators.values(), [year])
    rows = []
    for key in keys:
        indicator = indicators.get(key[5]) if key[5] is not None else None
        status = None
        if indicator is not None:
            status = statuses.get((indicator.pk, year)) or not_reported(indicator, year)
        rows.append(AchievementRow(projects[key[3]], indicator, status, 1))
    return rows
