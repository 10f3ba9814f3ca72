"""Start a plan from the achievement table a city already publishes (docs/import-format.md §3).

``read_summary`` reads a file (bounded like every upload) with ``indicators.summary_table``;
``build_preview`` adds the thresholds the published statuses allow, a proposal and the
rows whose published status the rule would not give; ``create_plan`` writes the plan,
its policies, 基本施策, projects, highlights, indicators, published actuals and official
statuses in one transaction, all or nothing, and moves the public version on. The admin
(``indicators.admin_summary_import``) and the ``import_summary`` command call these alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from simple_history.utils import bulk_create_with_history

from indicators import achievement, file_limits, summary_table
from indicators.cache import bump_public_cache
from indicators.models import Actual, ActualState, Indicator, OfficialStatus
from indicators.services.judgements import refresh_plan_judgements
from indicators.services.workflow import refusal_messages
from indicators.summary_table import Summary, SummaryError
from policies.fiscal_years import parse_fiscal_year
from policies.models import ADDED_PROJECT_NUMBER, BasicPolicy, Highlight, Measure, Plan, Project

# The reason of an official status taken from the table, as the Kanazawa fixture has it.
OFFICIAL_REASON = "施策達成状況概要で公表された達成状況"
BATCH = 500


@dataclass
class Preview:
    summary: Summary
    threshold_range: summary_table.ThresholdRange
    proposed_threshold: Decimal
    threshold: Decimal
    disagreements: list[summary_table.Disagreement]

    @property
    def counts(self) -> dict[str, int]:
        projects = self.summary.projects
        return {
            "policies": len(self.summary.policies),
            "measures": sum(len(p.measures) for p in self.summary.policies),
            "projects": len(projects),
            "indicators": len(self.summary.indicators),
            "highlights": sum(len(p.highlights) for p in projects),
            "statuses": sum(1 for i in self.summary.indicators if i.published_status),
        }


def read_summary(
    name: str,
    data: bytes,
    *,
    start: int | None = None,
    end: int | None = None,
    mapping: dict[str, summary_table.Column] | None = None,
    directions: dict[str, str] | None = None,
) -> Summary:
    """The summary in a file; raises SummaryError listing every row it cannot read.

    ``directions`` maps an indicator's key ("2/1") to "up" or "down", the planner's choice.
    """
    if name.lower().endswith(".xlsx"):
        try:
            file_limits.check_xlsx(data)  # the settings' limits, as every other import
        except file_limits.FileLimitError as error:
            raise SummaryError([("-", str(error))]) from error
    rows = summary_table.read_rows(name, data, max_bytes=settings.UPLOAD_MAX_BYTES)
    summary = summary_table.parse_summary(rows, start=start, end=end, mapping=mapping)
    for indicator in summary.indicators:
        if directions and indicator.key in directions:
            indicator.direction = achievement.Direction(directions[indicator.key])
    return summary


def build_preview(summary: Summary, threshold: Decimal | None = None) -> Preview:
    """What the import would create, and how the published statuses fit the rule, judged
    with ``threshold`` or, without one, with the threshold proposed from the statuses."""
    found = summary_table.threshold_range(summary.indicators)
    proposed = summary_table.propose_threshold(found)
    chosen = proposed if threshold is None else threshold
    return Preview(
        summary=summary,
        threshold_range=found,
        proposed_threshold=proposed,
        threshold=chosen,
        disagreements=summary_table.disagreements(summary.indicators, chosen),
    )


def create_plan(
    summary: Summary,
    *,
    slug: str,
    name: str,
    threshold: Decimal,
    user=None,
    dry_run: bool = False,
) -> Plan | None:
    """Write the plan (nothing on ``dry_run``: every check runs and is rolled back).

    Raises SummaryError with (where, reason) for anything the models refuse; then nothing
    is written.
    """
    errors: list[tuple[str, str]] = []
    with transaction.atomic():
        try:
            plan = _Writer(summary, errors, user).write(slug=slug, name=name, threshold=threshold)
        except IntegrityError as exc:  # a rule the checks missed: still refused, nothing kept
            errors.append(("-", f"保存できません: {exc}"))
        if errors or dry_run:
            transaction.set_rollback(True)
        else:
            refresh_plan_judgements(plan.pk)  # bulk inserts send no signals
            bump_public_cache()  # a new plan with published figures is public
    if errors:
        raise SummaryError(errors)
    return None if dry_run else plan


def _added_year(number: str) -> int | None:
    """ "R5-1" is the first project added in R5: 2023."""
    match = ADDED_PROJECT_NUMBER.match(number)
    return parse_fiscal_year(f"R{match[1]}") if match else None


class _Writer:
    """Builds every object, checks each like a form (``full_clean`` without queries: the
    parser already made numbers and titles unique within the plan), then writes each
    model with one bulk insert (with history where the model keeps one)."""

    def __init__(self, summary: Summary, errors: list, user):
        self.summary = summary
        self.errors = errors
        self.user = user

    def check(self, where: str, obj, **options):
        try:
            obj.full_clean(**options)
        except ValidationError as error:
            self.errors.extend((where, message) for message in refusal_messages(error))

    def quick_check(self, where: str, obj):
        relations = [f.name for f in obj._meta.fields if f.is_relation]
        self.check(where, obj, exclude=relations, validate_unique=False, validate_constraints=False)

    def write(self, *, slug: str, name: str, threshold: Decimal) -> Plan | None:
        summary = self.summary
        plan = Plan(
            slug=slug,
            name=name,
            start_fiscal_year=summary.start_fiscal_year,
            end_fiscal_year=summary.end_fiscal_year,
            baseline_fiscal_year=summary.baseline_fiscal_year,
            achievement_threshold=threshold,
            **summary.overview,
        )
        self.check("-", plan)
        if self.errors:
            return None
        plan.save()
        policies = self.write_policies(plan)
        projects = self.write_projects(plan, policies)
        if not self.errors:
            self.write_indicators(projects)
        return plan

    def write_policies(self, plan: Plan) -> dict[int, BasicPolicy]:
        policies = {
            p.number: BasicPolicy(plan=plan, number=p.number, title=p.title, keyword=p.keyword)
            for p in self.summary.policies
        }
        for rows in self.summary.policies:
            self.quick_check(rows.where, policies[rows.number])
        measures = []
        for rows in self.summary.policies:
            for order, title in enumerate(rows.measures, 1):
                measure = Measure(basic_policy=policies[rows.number], title=title, order=order)
                self.quick_check(rows.where, measure)
                measures.append(measure)
        if not self.errors:
            # Objects assigned before their related object was saved take its id at insert.
            BasicPolicy.objects.bulk_create(policies.values())
            Measure.objects.bulk_create(measures, batch_size=BATCH)
        return policies

    def write_projects(self, plan: Plan, policies: dict[int, BasicPolicy]) -> dict[str, Project]:
        projects: dict[str, Project] = {}
        highlights = []
        for policy in self.summary.policies:
            for rows in policy.projects:
                project = Project(
                    plan=plan,
                    basic_policy=policies[policy.number],
                    number=rows.number,
                    name=rows.name,
                    fiscal_year_added=_added_year(rows.number),
                    summary_order=rows.summary_order,
                )
                self.quick_check(rows.where, project)
                projects[rows.number] = project
        if self.errors:
            return projects
        Project.objects.bulk_create(projects.values(), batch_size=BATCH)
        for policy in self.summary.policies:
            order = 0
            for rows in policy.projects:
                for text in rows.highlights:
                    order += 1
                    highlight = Highlight(project=projects[rows.number], text=text, order=order)
                    self.quick_check(rows.where, highlight)
                    highlights.append(highlight)
        if not self.errors:
            Highlight.objects.bulk_create(highlights, batch_size=BATCH)
        return projects

    def write_indicators(self, projects: dict[str, Project]):
        built = []
        for project in self.summary.projects:
            for order, rows in enumerate(project.indicators):
                indicator = Indicator(
                    project=projects[project.number],
                    name=rows.name,
                    unit=rows.unit,
                    direction=rows.direction.value,
                    is_cumulative=rows.is_cumulative,
                    decimals=rows.decimals,
                    baseline_value=rows.baseline_value,
                    baseline_decimals=rows.baseline_decimals,
                    baseline_fiscal_year=rows.baseline_fiscal_year,
                    target_kind=rows.target_kind.value,
                    target_wording=rows.target_wording,
                    target_value=rows.target_value,
                    target_fiscal_year=rows.target_fiscal_year,
                    order=order,
                )
                self.quick_check(rows.where, indicator)
                built.append((rows, indicator))
        if self.errors:
            return
        bulk_create_with_history([i for _r, i in built], Indicator, batch_size=BATCH)
        actuals = [
            Actual(
                indicator=indicator,
                fiscal_year=year,
                value=value,
                published_value=value,
                state=ActualState.PUBLISHED,
            )
            for rows, indicator in built
            for year, value in sorted(rows.actuals.items())
        ]
        statuses = [
            OfficialStatus(
                indicator=indicator,
                fiscal_year=rows.target_fiscal_year,
                status=rows.published_status.value,
                reason=OFFICIAL_REASON,
                recorded_by=self.user,
            )
            for rows, indicator in built
            if rows.published_status is not None
        ]
        bulk_create_with_history(actuals, Actual, batch_size=BATCH)
        bulk_create_with_history(statuses, OfficialStatus, batch_size=BATCH)
