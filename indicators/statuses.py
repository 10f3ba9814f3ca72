"""Stored judgements read as the statuses pages show, in a fixed number of queries.

The two read paths bind a ``StatusReader`` to their own columns of ``Judgement``:
``indicators.published`` (public pages, API, downloads) to the published figures and
``indicators.working`` (staff pages) to the working ones. Nothing here chooses between them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import get_language

from . import achievement
from .models import AchievementStatus, Indicator, Judgement

STATUS_FIELDS = ("achieved", "mostly_achieved", "not_achieved", "not_reported")


@dataclass
class StatusCounts:
    """Indicators per status; ``not_reported`` counts those with no status for the year."""

    achieved: int = 0
    mostly_achieved: int = 0
    not_achieved: int = 0
    not_reported: int = 0

    def add(self, code: str | None, count: int = 1):
        field = code or "not_reported"
        setattr(self, field, getattr(self, field) + count)

    def __iadd__(self, other: StatusCounts) -> StatusCounts:
        for name in STATUS_FIELDS:
            self.add(name, getattr(other, name))
        return self

    @property
    def total(self) -> int:
        return self.achieved + self.mostly_achieved + self.not_achieved + self.not_reported


@dataclass(frozen=True)
class Status:
    """An indicator's status for a fiscal year: the figure, the status shown (the official
    one where the city recorded one), the computed one and how it was judged. Years with
    no stored judgement are "not reported"."""

    indicator: Indicator
    fiscal_year: int
    value: Decimal | None = None
    code: str | None = None
    computed: str | None = None
    official: str | None = None
    official_reason: str = ""
    reason: str = ""
    reason_en: str = ""

    @property
    def label(self) -> str:
        return AchievementStatus(self.code).label if self.code else ""

    @property
    def computed_label(self) -> str:
        return AchievementStatus(self.computed).label if self.computed else ""

    @property
    def differs(self) -> bool:
        return self.official is not None and self.official != self.computed

    @property
    def localized_reason(self) -> str:
        """How the status was judged, in English on English pages, else in Japanese."""
        english = (get_language() or "").lower().startswith("en")
        return self.reason_en if english else self.reason

    @property
    def display_value(self) -> str:
        return self.indicator.format(self.value)


def not_reported(indicator: Indicator, fiscal_year: int) -> Status:
    """The status of a year with no stored judgement: none, and why (no figure yet, or a
    definition that cannot be judged, which the entry screens must say)."""
    why = achievement.unjudged(
        indicator.target_kind, indicator.target_value, indicator.baseline_value
    )
    return Status(indicator, fiscal_year, reason=why.reason, reason_en=why.reason_en)


@dataclass
class AchievementRow:
    """One row of the achievement table (主な指標とその達成状況): a project's indicator, or a
    project with no indicator. A project with several indicators spans several rows;
    ``project_rowspan`` is set on its first row only and is 0 on the others."""

    project: object
    indicator: Indicator | None
    status: Status | None
    project_rowspan: int


class StatusReader:
    """Reads one column set of the stored judgements (``prefix`` "published" or "working")."""

    def __init__(self, prefix: str):
        self.value = f"{prefix}_value"
        self.status = f"{prefix}_status"
        self.columns = (
            "indicator_id",
            "fiscal_year",
            f"{prefix}_value",
            f"{prefix}_status",
            f"{prefix}_computed",
            "official_status",
            "official_reason",
            f"{prefix}_reason",
            f"{prefix}_reason_en",
        )
        # Rows this path may see at all: a figure of its own, or (staff) an official status.
        self.visible = ~Q(**{f"{prefix}_status": ""}) | Q(**{f"{prefix}_value__isnull": False})

    def judgements(self, indicator_ids, fiscal_years: Iterable[int] | None = None):
        """The visible stored judgements of these indicators (ids or a queryset of ids)."""
        rows = Judgement.objects.filter(self.visible, indicator_id__in=indicator_ids)
        if fiscal_years is not None:
            rows = rows.filter(fiscal_year__in=list(fiscal_years))
        return rows

    def statuses(
        self, indicators: Iterable[Indicator], fiscal_years: Iterable[int]
    ) -> dict[tuple[int, int], Status]:
        """Statuses of loaded indicators for some years, keyed (indicator id, year): one
        query. Years with none are missing: ``statuses.get(key) or not_reported(…)``."""
        by_id = {indicator.pk: indicator for indicator in indicators}
        if not by_id:
            return {}
        found = self.judgements(list(by_id), fiscal_years).values_list(*self.columns)
        return {
            (indicator_id, year): self._status(by_id[indicator_id], year, rest)
            for indicator_id, year, *rest in found
        }

    def _status(self, indicator, year, columns) -> Status:
        value, code, computed, official, official_reason, reason, reason_en = columns
        return Status(
            indicator=indicator,
            fiscal_year=year,
            value=value,
            code=code or None,
            computed=computed or None,
            # An official status counts on this path only where the path has a status.
            official=official if code and official else None,
            official_reason=official_reason if code else "",
            reason=reason,
            reason_en=reason_en,
        )

    def status_for(self, indicator: Indicator, fiscal_year: int) -> Status:
        """One indicator's status for one year (a query); lists use ``statuses``."""
        found = self.statuses([indicator], [fiscal_year])
        return found.get((indicator.pk, fiscal_year)) or not_reported(indicator, fiscal_year)

    def achievement_rows(
        self, projects, indicators, fiscal_year: int, statuses=None
    ) -> list[AchievementRow]:
        """Rows for ``projects`` (in their order) with their ``indicators`` (in theirs);
        ``statuses`` when the caller read them already for more indicators."""
        indicators = list(indicators)
        if statuses is None:
            statuses = self.statuses(indicators, [fiscal_year])
        by_project: dict[int, list[Indicator]] = {}
        for indicator in indicators:
            by_project.setdefault(indicator.project_id, []).append(indicator)
        rows = []
        for project in projects:
            project_indicators = by_project.get(project.pk, [])
            if not project_indicators:
                rows.append(AchievementRow(project, None, None, 1))
                continue
            for position, indicator in enumerate(project_indicators):
                status = statuses.get((indicator.pk, fiscal_year)) or not_reported(
                    indicator, fiscal_year
                )
                span = len(project_indicators) if position == 0 else 0
                rows.append(AchievementRow(project, indicator, status, span))
        return rows
