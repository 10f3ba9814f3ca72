"""Build a SYNTHETIC plan — made-up names and figures, never a city's data — for
benchmarks, demonstrations and trying the staff pages on a plan of realistic size.

Everything it creates is marked as synthetic: the plan is named 「【合成データ】…」, the
departments 「【合成】…」, and the figures come from a seeded pseudo-random generator,
so the same arguments build the same plan. Called by ``manage.py generate_synthetic_plan``
and by the scripts under ``bench/``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from indicators.cache import bump_public_cache
from indicators.models import Actual, ActualState, Direction, Indicator, TargetKind
from indicators.services.judgements import refresh_plan_judgements
from policies.models import BasicPolicy, Department, Measure, Plan, Project, ReportingYear

SYNTHETIC_PLAN_PREFIX = "【合成データ】"
SYNTHETIC_DEPARTMENT_PREFIX = "【合成】"

START_YEAR, END_YEAR, BASELINE_YEAR = 2020, 2024, 2019
# Rows per INSERT: bounded statements (SQLite's parameter limit, PostgreSQL's memory) for
# plans of 100,000 projects and more.
BATCH_SIZE = 2000

# The reporting year's figures: how many are still missing, entered, submitted, approved.
CURRENT_YEAR_STATES = [
    (None, 25),
    (ActualState.DRAFT, 15),
    (ActualState.SUBMITTED, 30),
    (ActualState.APPROVED, 20),
    (ActualState.PUBLISHED, 10),
]


@dataclass
class SyntheticPlan:
    plan: Plan
    projects: int
    indicators: int
    actuals: int


def _indicator(rng: random.Random, project: Project, order: int) -> Indicator:
    kind = rng.choices(
        [TargetKind.NUMERIC, TargetKind.MAINTAIN, TargetKind.INCREASE, TargetKind.DECREASE],
        weights=[70, 10, 15, 5],
    )[0]
    direction = (
        Direction.DOWN if kind == TargetKind.DECREASE or rng.random() < 0.1 else Direction.UP
    )
    baseline = Decimal(rng.randrange(20, 5000))
    target = None
    if kind == TargetKind.NUMERIC:
        change = Decimal(rng.randrange(5, 40)) / 100
        factor = 1 - change if direction == Direction.DOWN else 1 + change
        target = (baseline * factor).quantize(Decimal(1))
    return Indicator(
        project=project,
        name=f"合成指標{project.number}-{order}",
        unit=rng.choice(["人", "件", "回", "か所"]),
        direction=direction,
        baseline_value=baseline,
        baseline_fiscal_year=BASELINE_YEAR,
        target_kind=kind,
        target_value=target,
        target_fiscal_year=END_YEAR if target is not None else None,
        order=order,
        is_main=order == 1 and rng.random() < 0.3,
    )


def _value(rng: random.Random, indicator: Indicator, year: int) -> Decimal:
    """A figure near the straight line from the baseline to the target (or to ±10 %)."""
    base = indicator.baseline_value
    goal = indicator.target_value
    if goal is None:
        goal = base * (Decimal("0.9") if indicator.direction == Direction.DOWN else Decimal("1.1"))
    share = Decimal(year - BASELINE_YEAR) / (END_YEAR - BASELINE_YEAR)
    on_line = base + (goal - base) * share
    noise = Decimal(rng.randrange(80, 116)) / 100
    return max(Decimal(0), (on_line * noise).quantize(Decimal(1)))


@transaction.atomic
def build_synthetic_plan(
    *,
    slug: str,
    projects: int,
    policies: int = 5,
    measures_per_policy: int = 3,
    departments: int = 12,
    reporting_year: int = END_YEAR,
    seed: int = 1,
) -> SyntheticPlan:
    """Create the plan ``slug`` with ``projects`` projects (about 1.3 indicators each),
    published actuals for every year before ``reporting_year`` and, for that year, a mix
    of missing, draft, submitted, approved and published figures."""
    rng = random.Random(seed)
    plan = Plan.objects.create(
        name=f"{SYNTHETIC_PLAN_PREFIX}{slug}（架空の計画）",
        name_en=f"[Synthetic data] {slug} (a made-up plan)",
        slug=slug,
        start_fiscal_year=START_YEAR,
        end_fiscal_year=END_YEAR,
        baseline_fiscal_year=BASELINE_YEAR,
        philosophy="架空の基本理念（合成データ）",
    )
    ReportingYear.objects.create(
        plan=plan, fiscal_year=reporting_year, due_date=date(reporting_year + 1, 5, 31)
    )
    department_objects = Department.objects.bulk_create(
        Department(name=f"{SYNTHETIC_DEPARTMENT_PREFIX}{slug} 第{n}課")
        for n in range(1, departments + 1)
    )
    policy_objects = BasicPolicy.objects.bulk_create(
        BasicPolicy(plan=plan, number=n, title=f"合成方針{n}") for n in range(1, policies + 1)
    )
    measure_objects = Measure.objects.bulk_create(
        Measure(basic_policy=policy, title=f"合成施策{policy.number}-{m}", order=m)
        for policy in policy_objects
        for m in range(1, measures_per_policy + 1)
    )
    project_objects = _projects(plan, projects, measure_objects, department_objects)
    Project.objects.bulk_create(project_objects, batch_size=BATCH_SIZE)
    indicators = []
    for project in project_objects:
        count = 2 if rng.random() < 0.3 else 1
        indicators += [_indicator(rng, project, order) for order in range(1, count + 1)]
    Indicator.objects.bulk_create(indicators, batch_size=BATCH_SIZE)
    actuals = _actuals(rng, indicators, reporting_year)
    Actual.objects.bulk_create(actuals, batch_size=BATCH_SIZE)
    refresh_plan_judgements(plan.pk)
    bump_public_cache()
    return SyntheticPlan(plan, len(project_objects), len(indicators), len(actuals))


def _projects(plan, projects: int, measures: list, departments: list) -> list[Project]:
    """The plan's projects, spread evenly over the measures and in turn over the
    departments; about a tenth start during the plan (numbered as R3-1 …)."""
    project_objects = []
    added = max(1, projects // 10)
    for i in range(1, projects + 1):
        measure = measures[(i - 1) * len(measures) // projects]
        later = i > projects - added
        year_added = START_YEAR + 1 + (i % (END_YEAR - START_YEAR)) if later else None
        project_objects.append(
            Project(
                plan=plan,
                basic_policy=measure.basic_policy,
                measure=measure,
                number=f"R{year_added - 2018}-{i}" if later else str(i),
                name=f"合成事業{i}",
                department=departments[i % len(departments)],
                fiscal_year_added=year_added,
                summary_order=i,
            )
        )
    return project_objects


def _actuals(rng, indicators: list[Indicator], reporting_year: int) -> list[Actual]:
    """Published figures for every year of each indicator before ``reporting_year``, and
    that year a mix of missing, draft, submitted, approved and published ones."""
    now = timezone.now()
    states, weights = zip(*CURRENT_YEAR_STATES, strict=True)
    actuals = []
    for indicator in indicators:
        first_year = indicator.project.fiscal_year_added or START_YEAR
        for year in range(first_year, reporting_year + 1):
            state = ActualState.PUBLISHED
            if year == reporting_year:
                state = rng.choices(states, weights=weights)[0]
                if state is None:
                    continue
            value = _value(rng, indicator, year)
            published = state == ActualState.PUBLISHED
            actuals.append(
                Actual(
                    indicator=indicator,
                    fiscal_year=year,
                    value=value,
                    state=state,
                    published_value=value if published else None,
                    published_at=now if published else None,
                    submitted_at=now if state != ActualState.DRAFT else None,
                    approved_at=now
                    if state in (ActualState.APPROVED, ActualState.PUBLISHED)
                    else None,
                )
            )
    return actuals
