"""What the planners' status pages show, read in SQL from a plan's stored judgements.

Counts are GROUP BY queries and lists are querysets the pages show a page at a time, so a
page costs a fixed number of queries and time that does not grow with the plan. Statuses
are the working figures' stored judgements (``indicators.working``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Q,
)
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import achievement, plan_lists, working
from .models import AchievementStatus, Actual, ActualState, Indicator
from .paging import StoredCountPaginator
from .statuses import STATUS_FIELDS, Status, StatusCounts, not_reported
from .values import format_value
from .xlsx_stream import stream_workbook

CHUNK = 2000  # indicators or projects read at a time by the XLSX downloads


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


def existing(indicators, fiscal_year: int):
    """The indicators (a queryset) whose project exists in the year: a project added
    during the plan (R5-1) counts from the year it started."""
    return indicators.filter(
        Q(project__fiscal_year_added__isnull=True) | Q(project__fiscal_year_added__lte=fiscal_year)
    )


def dashboard(plan, fiscal_year: int, previous_year: int | None = None) -> Dashboard:
    """Counts per policy, measure and department of the plan's indicators existing in
    ``fiscal_year``, for that year and ``previous_year`` (the one before by default), from
    its stored working summaries: four queries."""
    if previous_year is None:
        previous_year = fiscal_year - 1
    from policies.models import BasicPolicy, Department, Measure

    counts = working.year_counts(plan, fiscal_year, [fiscal_year, previous_year])
    policies = BasicPolicy.objects.in_bulk({key[0] for key in counts})
    measures = Measure.objects.in_bulk({key[1] for key in counts} - {None})
    departments = Department.objects.in_bulk({key[2] for key in counts} - {None})
    by_policy: dict = {}
    by_measure: dict = {}
    by_department: dict = {}
    total = CountRow(_("合計"))
    for key, years in counts.items():
        policy, measure, department = (
            policies[key[0]],
            measures.get(key[1]),
            departments.get(key[2]),
        )
        measure_label = measure.title if measure else _("（基本施策なし）")
        department_label = department.name if department else _("（担当課なし）")
        measure_key = (
            (policy.number, measure.order, measure.pk) if measure else (policy.number, 0, 0)
        )
        measure_row = by_measure.setdefault(
            measure_key, CountRow(f"{policy.number} {measure_label}")
        )
        for row in (
            by_policy.setdefault(policy.number, CountRow(str(policy))),
            measure_row,
            by_department.setdefault(department_label, CountRow(department_label)),
            total,
        ):
            row.current += years[fiscal_year]
            row.previous += years[previous_year]
    return Dashboard(
        by_policy=[by_policy[key] for key in sorted(by_policy)],
        by_measure=[by_measure[key] for key in sorted(by_measure)],
        by_department=[by_department[key] for key in sorted(by_department)],
        total=total,
    )


def differences(indicators, fiscal_year: int):
    """The indicators (a queryset, in its order) existing in the year whose official status
    differs from the one the rule computes from the working figure."""
    differing = (
        working.judgements(indicators.values("pk"), [fiscal_year])
        .exclude(official_status="")
        .exclude(official_status=F("working_computed"))
        .values("indicator_id")
    )
    return existing(indicators, fiscal_year).filter(pk__in=differing)


def year_statuses(indicators, fiscal_year: int) -> list[Status]:
    """The statuses of loaded indicators (a page) for a year, in their order: one query."""
    indicators = list(indicators)
    statuses = working.statuses(indicators, [fiscal_year])
    return [
        statuses.get((indicator.pk, fiscal_year)) or not_reported(indicator, fiscal_year)
        for indicator in indicators
    ]


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

    totals = Project.objects.for_plan(plan).aggregate(
        initial=Count("pk", filter=Q(fiscal_year_added__isnull=True)),
        added=Count("pk", filter=Q(fiscal_year_added__lte=fiscal_year)),
    )
    return ProjectTotals(**totals)


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


def trajectory_line(indicator: Indicator) -> achievement.Line | None:
    """The indicator's straight line to its target (``achievement.Line``), or None."""
    return achievement.Line.of(
        direction=indicator.direction,
        target_kind=indicator.target_kind,
        baseline_value=indicator.baseline_value,
        baseline_year=indicator.baseline_fiscal_year,
        target_value=indicator.target_value,
        target_year=indicator.target_fiscal_year,
        plan_years=(indicator.plan.baseline_fiscal_year, indicator.plan.end_fiscal_year),
    )


def off_trajectory(plan, fiscal_year: int):
    """The working judgements (a queryset) of the plan's indicators behind their straight
    line in a year before their target year, worst first: those with a stored gap
    (``Judgement.working_gap``, written with the judgement), read by its index."""
    rows = working.judgements_behind_line(plan, fiscal_year)
    return rows.select_related(
        "indicator__project__basic_policy__plan", "indicator__project__department"
    ).order_by("-working_gap", "indicator__project__basic_policy__number", "indicator__pk")


def off_trajectory_pages(plan, fiscal_year: int, per_page: int) -> StoredCountPaginator:
    """``off_trajectory`` a page at a time, its length read from the stored summaries:
    a page is one query, read from the start of the index (a COUNT would read every
    row behind the line)."""
    count = working.behind_line_count(plan, fiscal_year)
    return StoredCountPaginator(off_trajectory(plan, fiscal_year), per_page, count)


def trajectory_rows(judgements) -> list[TrajectoryRow]:
    """The rows of a page of ``off_trajectory``, with the expected value and the gap in
    Decimal, unrounded, from the indicator's line."""
    rows = []
    for judgement in judgements:
        indicator, actual, year = (
            judgement.indicator,
            judgement.working_value,
            judgement.fiscal_year,
        )
        line = trajectory_line(indicator)
        rows.append(TrajectoryRow(indicator, line.expected(year), actual, line.gap(year, actual)))
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

    @property
    def reported(self) -> int:
        return self.indicators - self.missing

    @property
    def outstanding(self) -> int:
        """Not yet handed in (no figure, draft or returned): what the reminders list."""
        return self.missing + self.draft


def submission_tracker(plan, fiscal_year: int) -> list[TrackerRow]:
    """Per department: how many of the plan's indicators have a figure for the year, and
    in which state, from its stored working summaries: two queries. Projects not yet
    started that year are left out."""
    from policies.models import Department

    counted = working.state_counts(plan, fiscal_year)
    departments = Department.objects.in_bulk(set(counted) - {None})
    rows = []
    for pk, counts in counted.items():
        department = departments.get(pk)
        label = department.name if department else _("（担当課なし）")
        row = TrackerRow(department, label, **counts)
        row.missing = row.indicators - row.draft - row.submitted - row.approved
        rows.append(row)
    return sorted(rows, key=lambda row: row.label)


def outstanding(indicators, fiscal_year: int):
    """The indicators (a queryset) existing in the year whose figure is not handed in yet:
    none, or a draft or a returned one."""
    handed_in = Actual.objects.filter(
        indicator=OuterRef("pk"),
        fiscal_year=fiscal_year,
        state__in=[ActualState.SUBMITTED, ActualState.APPROVED, ActualState.PUBLISHED],
    )
    return existing(indicators, fiscal_year).filter(~Exists(handed_in))


# --- achievement summary (施策達成状況概要) ------------------------------------------------


@dataclass
class PolicySummary:
    policy: object
    measures: list
    rows: list  # indicators.statuses.AchievementRow of the main indicators
    highlights: list


def summary_projects(plan, fiscal_year: int):
    """The projects (a queryset) of every policy's achievement table that have started by
    the year, policy by policy in the table's order."""
    from policies.models import Project

    return (
        Project.objects.for_plan(plan)
        .in_summary()
        .filter(Q(fiscal_year_added__isnull=True) | Q(fiscal_year_added__lte=fiscal_year))
        .select_related("department")
        .order_by("basic_policy__number", "summary_order", "pk")
    )


def achievement_summary(plan, fiscal_year: int, projects=None) -> list[PolicySummary]:
    """One summary per basic policy: its measures, its main indicators' table and its
    highlights, in five queries. With ``projects`` (a page of ``summary_projects``) only
    the policies, rows and highlights of those projects; by default every policy's."""
    from policies.models import BasicPolicy, Highlight

    policies = BasicPolicy.objects.filter(plan=plan).prefetch_related("measures")
    if projects is None:
        projects = summary_projects(plan, fiscal_year)
    else:
        policies = policies.filter(pk__in={project.basic_policy_id for project in projects})
    projects = list(projects)
    indicators = _main_indicators(projects)
    statuses = working.statuses(indicators, [fiscal_year])
    by_policy: dict[int, dict[str, list]] = {}
    for policy in policies:
        by_policy[policy.pk] = {"projects": [], "highlights": []}
    for project in projects:
        by_policy[project.basic_policy_id]["projects"].append(project)
    for highlight in Highlight.objects.filter(project__in=projects).select_related("project"):
        by_policy[highlight.project.basic_policy_id]["highlights"].append(highlight)
    return [
        PolicySummary(
            policy=policy,
            measures=list(policy.measures.all()),
            rows=working.achievement_rows(
                by_policy[policy.pk]["projects"], indicators, fiscal_year, statuses
            ),
            highlights=by_policy[policy.pk]["highlights"],
        )
        for policy in policies
    ]


def _main_indicators(projects) -> list[Indicator]:
    return list(
        Indicator.objects.filter(project__in=projects, is_main=True)
        .select_related("project__basic_policy__plan")
        .order_by("order", "pk")
    )


# --- comparison of two fiscal years ----------------------------------------------------------


@dataclass
class ComparisonRow:
    indicator: Indicator
    first: Status
    second: Status

    @property
    def changed(self) -> bool:
        return self.first.code != self.second.code


def comparison_indicators(plan):
    """The plan's indicators (a queryset) in the order the comparison lists them: the
    plan's order of ``plan_lists`` (policy, project number), which its pages walk."""
    return (
        Indicator.objects.filter(project__plan=plan)
        .select_related("project__basic_policy__plan")
        .order_by(*plan_lists.INDICATOR_ORDER)
    )


def comparison(indicators, first_year: int, second_year: int) -> list[ComparisonRow]:
    """The rows of loaded indicators (a page): one query."""
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


def _chunks(queryset, related: tuple[str, ...]) -> Iterator[list]:
    """The objects of a queryset a chunk at a time, with their ``related`` objects: their
    ids first, then one query per chunk by id alone (the queryset's filters again would
    make SQLite search the plan's rows for every chunk), so that a download holds one
    chunk in memory whatever the size of the plan."""
    ids = list(queryset.values_list("pk", flat=True))
    objects = queryset.model.objects.select_related(*related)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        loaded = objects.in_bulk(chunk)
        yield [loaded[pk] for pk in chunk]


# --- XLSX ------------------------------------------------------------------------------------
# Machine-readable per 総務省's rules: one value per cell, numbers as numbers, units in their
# own column, Western years with the era beside them, no merged cells. Streamed
# (``xlsx_stream``): the first bytes leave at once, memory holds a chunk of rows.


def summary_xlsx(plan, fiscal_year: int) -> Iterator[bytes]:
    """The summary of every policy, a sheet each, as a streamed workbook. The rows of all
    the sheets are read in one pass over the plan's projects (and one over its
    highlights), a chunk at a time: the queries do not grow with the plan's policies."""
    return stream_workbook(_summary_sheets(plan, fiscal_year))


def _summary_sheets(plan, fiscal_year: int) -> Iterator[tuple[str, Iterator[list]]]:
    from policies.models import BasicPolicy

    rows = _ByPolicy(_summary_rows(plan, fiscal_year))
    highlights = _ByPolicy(_highlight_rows(plan))
    policies = BasicPolicy.objects.filter(plan=plan).prefetch_related("measures")
    for policy in policies.order_by("number"):
        sheet = _policy_sheet(
            plan, fiscal_year, policy, rows.of(policy.pk), highlights.of(policy.pk)
        )
        yield f"{_('基本方針')}{policy.number}", sheet


def _policy_sheet(plan, fiscal_year: int, policy, rows, highlights) -> Iterator[list]:
    from policies.fiscal_years import format_era

    yield [plan.name]
    yield [str(policy)]
    yield [_("年度"), fiscal_year, format_era(fiscal_year)]
    for measure in policy.measures.all():
        yield [_("基本施策"), measure.title]
    yield []
    yield SUMMARY_COLUMNS
    yield from rows
    yield []
    yield [_("主な取組実績")]
    yield from highlights


def _summary_rows(plan, fiscal_year: int) -> Iterator[tuple[int, list]]:
    """(policy id, cells) of every policy's table, policy by policy in the table's order."""
    for chunk in _chunks(summary_projects(plan, fiscal_year), ("department",)):
        for row in working.achievement_rows(chunk, _main_indicators(chunk), fiscal_year):
            yield row.project.basic_policy_id, _summary_cells(row)


def _highlight_rows(plan) -> Iterator[tuple[int, list]]:
    """(policy id, cells) of every highlight of the plan's projects, policy by policy."""
    from policies.models import Highlight

    highlights = Highlight.objects.filter(project__basic_policy__plan=plan).order_by(
        "project__basic_policy__number", "order", "pk"
    )
    for chunk in _chunks(highlights, ("project",)):
        for highlight in chunk:
            project = highlight.project
            yield project.basic_policy_id, [project.number, project.name, highlight.text]


class _ByPolicy:
    """The items of a stream of (policy id, item) sorted by policy, taken a policy at a
    time in the same order: ``of(policy_id)`` gives that policy's, reading no further."""

    _END = object()

    def __init__(self, pairs: Iterator[tuple[int, list]]):
        self._pairs = pairs
        self._next = None  # the pair read but not given yet; read on the first ``of``

    def of(self, policy_id: int) -> Iterator[list]:
        if self._next is None:
            self._next = next(self._pairs, self._END)
        while self._next is not self._END and self._next[0] == policy_id:
            yield self._next[1]
            self._next = next(self._pairs, self._END)


SUMMARY_COLUMNS = [
    gettext_lazy("事業番号"),
    gettext_lazy("事業名"),
    gettext_lazy("指標"),
    gettext_lazy("単位"),
    gettext_lazy("基準値"),
    gettext_lazy("基準年度"),
    gettext_lazy("目標値"),
    gettext_lazy("目標"),
    gettext_lazy("目標年度"),
    gettext_lazy("実績"),
    gettext_lazy("達成状況"),
    gettext_lazy("計算上の達成状況"),
]


def _summary_cells(row) -> list:
    indicator = row.indicator
    if indicator is None:
        return [row.project.number, row.project.name]
    return [
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
    ]


def comparison_xlsx(plan, first_year: int, second_year: int) -> Iterator[bytes]:
    """Every indicator's two years on one sheet, as a streamed workbook."""
    return stream_workbook([(_("年度比較"), comparison_table(plan, first_year, second_year))])


def comparison_table(plan, first_year: int, second_year: int) -> Iterator[list]:
    """The comparison's header and rows, every indicator's, read a chunk at a time."""
    yield [
        _("基本方針"),
        _("事業番号"),
        _("指標"),
        _("単位"),
        f"{_('実績')} {first_year}",
        f"{_('達成状況')} {first_year}",
        f"{_('実績')} {second_year}",
        f"{_('達成状況')} {second_year}",
        _("変化"),
    ]
    labels = {code: str(label) for code, label in AchievementStatus.choices}
    ids = list(comparison_indicators(plan).values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        # Plain values, not models: the download has every indicator of the plan.
        described = Indicator.objects.filter(pk__in=chunk).values_list(
            "pk", "project__basic_policy__number", "project__number", "name", "unit"
        )
        described = {pk: rest for pk, *rest in described}
        judged = working.judgements(chunk, [first_year, second_year]).values_list(
            "indicator_id", "fiscal_year", "working_value", "working_status"
        )
        judged = {(pk, year): (value, code) for pk, year, value, code in judged}
        for pk in chunk:
            first_value, first_code = judged.get((pk, first_year), (None, ""))
            second_value, second_code = judged.get((pk, second_year), (None, ""))
            yield [
                *described[pk],
                first_value,
                labels.get(first_code, ""),
                second_value,
                labels.get(second_code, ""),
                _("変化あり") if first_code != second_code else "",
            ]
