"""The achievement table (主な指標とその達成状況) as the city publishes it."""

from dataclasses import dataclass

from .models import Indicator, IndicatorStatus


@dataclass
class AchievementRow:
    """One row of the table: a project's indicator, or a project with no indicator.

    A project with several indicators spans several rows; ``project_rowspan`` is set on
    its first row only and is 0 on the others.
    """

    project: object
    indicator: Indicator | None
    status: IndicatorStatus | None
    project_rowspan: int


def achievement_rows(
    projects, indicators, fiscal_year: int, *, published_only: bool = True
) -> list[AchievementRow]:
    """Rows for ``projects`` (in their order) from ``indicators`` judged for ``fiscal_year``.

    Public pages show published figures only; staff pages pass ``published_only=False``.
    """
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
            rows.append(
                AchievementRow(
                    project=project,
                    indicator=indicator,
                    status=indicator.status_for(fiscal_year, published_only=published_only),
                    project_rowspan=len(project_indicators) if position == 0 else 0,
                )
            )
    return rows
