"""What the planners' status pages show, computed from a plan's indicators in memory.

Each builder takes indicators loaded with ``Indicator.objects.for_plan(plan)`` (a fixed
number of queries) and reads the working figures' stored judgements (``indicators.working``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from . import achievement, working
from .models import ActualState, Indicator, TargetKind
from .spreadsheet_safety import xlsx_row
from .statuses import STATUS_FIELDS, Status, StatusCounts, not_reported
from .values import format_value


@dataclass
class CountRow:
    """A group's status counts for a year and their change since the previous year."""

    label: str
    current: StatusCounts = field(default_factory=StatusCounts)
    previous: StatusCounts = field(default_factory=StatusCounts)

    @property
    def cells(self) -> list[tuple[int, int]]:
        """(count, change since the previous year) for each status, in STATUS_FIELDS order."""
        return [
            (
                getattr(self.current, name),
                getattr(self.current, name) - getattr(self.previous, name),
            )
            for name in STATUS_FIELDS
        ]


@dataclass
class Dashboard:
    by_policy: list[CountRow]
    by_measure: list[CountRow]
    by_department: list[CountRow]
    total: CountRow
    differences: list[Status]


def _add(rows: dict, key, label: str, current: str | None, previous: str | None) -> None:
    row = rows.setdefault(key, CountRow(label))
    row.current.add(current)
    row.previous.add(previous)


def dashboard(indicators, fiscal_year: int, previous_year: int | None = None) -> Dashboard:
    """Counts per policy, measure and department, and the indicators whose official status
    differs from the computed one for ``fiscal_year``; changes are counted since
    ``previous_year`` (the year before by default)."""
    if previous_year is None:
        previous_year = fiscal_year - 1
    by_policy: dict = {}
    by_measure: dict = {}
    by_department: dict = {}
    total = CountRow(_("合計"))
    differences = []
    indicators = [indicator for indicator in indicators if _exists_in(indicator, fiscal_year)]
    statuses = working.statuses(indicators, [fiscal_year, previous_year])
    for indicator in indicators:
        status = statuses.get((indicator.pk, fiscal_year)) or not_reported(indicator, fiscal_year)
        before = statuses.get((indicator.pk, previous_year))
        before = before.code if before else None
        project = indicator.project
        policy = project.basic_policy
        _add(by_policy, policy.number, str(policy), status.code, before)
        measure = project.measure
        measure_key = (
            (policy.number, measure.order, measure.pk) if measure else (policy.number, 0, 0)
        )
        measure_label = measure.title if measure else _("（基本施策なし）")
        _add(by_measure, measure_key, f"{policy.number} {measure_label}", status.code, before)
        department = project.department
        department_label = department.name if department else _("（担当課なし）")
        _add(by_department, department_label, department_label, status.code, before)
        total.current.add(status.code)
        total.previous.add(before)
        if status.differs:
            differences.append(status)
    return Dashboard(
        by_policy=[by_policy[key] for key in sorted(by_policy)],
        by_measure=[by_measure[key] for key in sorted(by_measure)],
        by_department=[by_department[key] for key in sorted(by_department)],
        total=total,
        differences=differences,
    )


def _exists_in(indicator: Indicator, fiscal_year: int) -> bool:
    """A project added during the plan (R5-1) counts from the year it started."""
    added = indicator.project.fiscal_year_added
    return added is None or added <= fiscal_year


@dataclass
class ProjectTotals:
    """Projects of a plan by a year: those from the start and those added since (R5-1)."""

    initial: int
    added: int

    @property
    def total(self) -> int:
        return self.initial + self.added


def project_totals(plan, fiscal_year: int) -> ProjectTotals:
    from policies.models import Project

    years = Project.objects.for_plan(plan).values_list("fiscal_year_added", flat=True)
    years = list(years)
    return ProjectTotals(
        initial=sum(1 for year in years if year is None),
        added=sum(1 for year in years if year is not None and year <= fiscal_year),
    )


# --- trajectory -----------------------------------------------------------------------------


@dataclass
class TrajectoryRow:
    indicator: Indicator
    expected: Decimal
    actual: Decimal
    gap: Decimal  # how far behind the line, as a share of the expected value (positive)

    @property
    def expected_display(self) -> str:
        return self.indicator.format(
            self.expected.quantize(Decimal(1).scaleb(-self.indicator.decimals))
        )

    @property
    def gap_percent(self) -> str:
        return format_value((self.gap * 100).quantize(Decimal("0.1")), "%", 1)

    @property
    def actual_display(self) -> str:
        return self.indicator.format(self.actual)


def expected_value(indicator: Indicator, fiscal_year: int) -> Decimal | None:
    """The value on the straight line from baseline to target in ``fiscal_year``; the
    target of 現状維持 is the baseline; other qualitative targets have no line."""
    if indicator.target_kind == TargetKind.NUMERIC:
        target = indicator.target_value
    elif indicator.target_kind == TargetKind.MAINTAIN:
        target = indicator.baseline_value
    else:
        return None
    return achievement.expected_on_trajectory(
        baseline_value=indicator.baseline_value,
        baseline_year=indicator.baseline_fiscal_year or indicator.plan.baseline_fiscal_year,
        target_value=target,
        target_year=indicator.effective_target_fiscal_year,
        year=fiscal_year,
    )


def off_trajectory(indicators, fiscal_year: int) -> list[TrajectoryRow]:
    """Indicators behind their straight line in a year before their target year, worst first."""
    rows = []
    for indicator in indicators:
        if fiscal_year >= indicator.effective_target_fiscal_year:
            continue
        expected = expected_value(indicator, fiscal_year)
        actual = indicator.working_value_for(fiscal_year)
        on_track = achievement.is_on_track(
            direction=achievement.Direction(indicator.direction), expected=expected, actual=actual
        )
        if on_track is not False:
            continue
        shortfall = abs(actual - expected)
        gap = shortfall / abs(expected) if expected else shortfall
        rows.append(TrajectoryRow(indicator, expected, actual, gap))
    rows.sort(key=lambda row: row.gap, reverse=True)
    return rows


# --- submission tracker ---------------------------------------------------------------------


@dataclass
class TrackerRow:
    department: object  # Department or None
    label: str
    indicators: int = 0
    missing: int = 0  # no figure at all
    draft: int = 0  # entered but not handed in (draft or returned)
    submitted: int = 0
    approved: int = 0  # approved or published
    # not yet handed in (no figure, draft or returned): what the reminders list
    outstanding: list = field(default_factory=list)

    @property
    def reported(self) -> int:
        return self.indicators - self.missing


def submission_tracker(indicators, fiscal_year: int) -> list[TrackerRow]:
    """Per department: how many of its indicators have a figure for the year, and in which
    state. Projects not yet started that year are left out."""
    rows: dict = {}
    for indicator in indicators:
        if not _exists_in(indicator, fiscal_year):
            continue
        department = indicator.project.department
        label = department.name if department else _("（担当課なし）")
        row = rows.setdefault(label, TrackerRow(department, label))
        row.indicators += 1
        actual = indicator.actual_for(fiscal_year)
        if actual is None:
            row.missing += 1
            row.outstanding.append(indicator)
        elif actual.state in (ActualState.DRAFT, ActualState.RETURNED):
            row.draft += 1
            row.outstanding.append(indicator)
        elif actual.state == ActualState.SUBMITTED:
            row.submitted += 1
        else:
            row.approved += 1
    return [rows[key] for key in sorted(rows)]


# --- achievement summary (施策達成状況概要) ------------------------------------------------


@dataclass
class PolicySummary:
    policy: object
    measures: list
    rows: list  # indicators.tables.AchievementRow of the main indicators
    highlights: list


def achievement_summary(plan, fiscal_year: int) -> list[PolicySummary]:
    """One summary per basic policy: its measures, its main indicators' table (projects in
    the published table's order) and its highlights, in a fixed number of queries."""
    from policies.models import BasicPolicy, Highlight, Project

    policies = list(BasicPolicy.objects.filter(plan=plan).prefetch_related("measures"))
    projects = Project.objects.for_plan(plan).in_summary().select_related("department")
    indicators = Indicator.objects.for_plan(plan).filter(is_main=True)
    highlights = Highlight.objects.filter(project__plan=plan).select_related("project")
    by_policy: dict[int, dict[str, list]] = {
        p.pk: {"projects": [], "indicators": [], "highlights": []} for p in policies
    }
    for project in projects:
        if _started_by(project, fiscal_year):
            by_policy[project.basic_policy_id]["projects"].append(project)
    indicators = list(indicators)
    statuses = working.statuses(indicators, [fiscal_year])
    for indicator in indicators:
        by_policy[indicator.project.basic_policy_id]["indicators"].append(indicator)
    for highlight in highlights:
        by_policy[highlight.project.basic_policy_id]["highlights"].append(highlight)
    return [
        PolicySummary(
            policy=policy,
            measures=list(policy.measures.all()),
            rows=working.achievement_rows(
                by_policy[policy.pk]["projects"],
                by_policy[policy.pk]["indicators"],
                fiscal_year,
                statuses,
            ),
            highlights=by_policy[policy.pk]["highlights"],
        )
        for policy in policies
    ]


def _started_by(project, fiscal_year: int) -> bool:
    return project.fiscal_year_added is None or project.fiscal_year_added <= fiscal_year


# --- comparison of two fiscal years ----------------------------------------------------------


@dataclass
class ComparisonRow:
    indicator: Indicator
    first: Status
    second: Status

    @property
    def changed(self) -> bool:
        return self.first.code != self.second.code


def comparison(indicators, first_year: int, second_year: int) -> list[ComparisonRow]:
    indicators = list(indicators)
    statuses = working.statuses(indicators, [first_year, second_year])
    return [
        ComparisonRow(
            indicator,
            statuses.get((indicator.pk, first_year)) or not_reported(indicator, first_year),
            statuses.get((indicator.pk, second_year)) or not_reported(indicator, second_year),
        )
        for indicator in indicators
    ]


# --- XLSX ------------------------------------------------------------------------------------
# Machine-readable per 総務省's rules: one value per cell, numbers as numbers, units in their
# own column, Western years with the era beside them, no merged cells.


def _append(sheet, values) -> None:
    """A row, with lazy translations turned into plain text openpyxl can write."""
    sheet.append(xlsx_row(sheet, [str(v) if isinstance(v, Promise) else v for v in values]))


def _workbook():
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    return workbook


def summary_workbook(plan, fiscal_year: int, summaries: list[PolicySummary]):
    from policies.fiscal_years import format_era

    workbook = _workbook()
    for summary in summaries:
        sheet = workbook.create_sheet(title=f"{_('基本方針')}{summary.policy.number}")
        _append(sheet, [plan.name])
        _append(sheet, [str(summary.policy)])
        _append(sheet, [_("年度"), fiscal_year, format_era(fiscal_year)])
        for measure in summary.measures:
            _append(sheet, [_("基本施策"), measure.title])
        _append(sheet, [])
        _append(
            sheet,
            [
                _("事業番号"),
                _("事業名"),
                _("指標"),
                _("単位"),
                _("基準値"),
                _("基準年度"),
                _("目標値"),
                _("目標"),
                _("目標年度"),
                _("実績"),
                _("達成状況"),
                _("計算上の達成状況"),
            ],
        )
        for row in summary.rows:
            indicator = row.indicator
            if indicator is None:
                _append(sheet, [row.project.number, row.project.name])
                continue
            _append(
                sheet,
                [
                    row.project.number,
                    row.project.name,
                    indicator.name,
                    indicator.unit,
                    indicator.baseline_value,
                    indicator.baseline_fiscal_year,
                    indicator.target_value,
                    indicator.target_display,
                    indicator.effective_target_fiscal_year,
                    row.status.value,
                    row.status.label,
                    row.status.computed_label,
                ],
            )
        _append(sheet, [])
        _append(sheet, [_("主な取組実績")])
        for highlight in summary.highlights:
            _append(sheet, [highlight.project.number, highlight.project.name, highlight.text])
    return workbook


def comparison_workbook(plan, first_year: int, second_year: int, rows: list[ComparisonRow]):
    workbook = _workbook()
    sheet = workbook.create_sheet(title=_("年度比較"))
    _append(
        sheet,
        [
            _("基本方針"),
            _("事業番号"),
            _("指標"),
            _("単位"),
            f"{_('実績')} {first_year}",
            f"{_('達成状況')} {first_year}",
            f"{_('実績')} {second_year}",
            f"{_('達成状況')} {second_year}",
            _("変化"),
        ],
    )
    for row in rows:
        _append(
            sheet,
            [
                row.indicator.project.basic_policy.number,
                row.indicator.project.number,
                row.indicator.name,
                row.indicator.unit,
                row.first.value,
                row.first.label,
                row.second.value,
                row.second.label,
                _("変化あり") if row.changed else "",
            ],
        )
    return workbook
