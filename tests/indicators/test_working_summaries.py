"""The stored working summaries count what the indicators, judgements and figures say,
after every kind of change a planner or officer makes, and the staff pages read them."""

from collections import Counter, defaultdict
from decimal import Decimal

import pytest
from django.core.management import call_command

from indicators import reports
from indicators.models import Actual, ActualState, Indicator, Judgement, WorkingSummary
from indicators.services import workflow
from indicators.services.synthetic import build_synthetic_plan
from indicators.services.working_summaries import COUNTED, GROUP, STATE_FIELDS
from policies.models import Department, Measure, Plan, Project

pytestmark = pytest.mark.django_db

FIELDS = ("indicators", *COUNTED)
PROJECT_GROUP = tuple(f"project__{name}" for name in GROUP)


def counted_by_hand(plan) -> dict[tuple, dict]:
    """The plan's working summaries counted in Python, row by row, independently of the
    service's GROUP BY queries: keyed ((policy, measure, department, year added), year)."""
    group_of = {
        indicator_id: tuple(group)
        for indicator_id, *group in Indicator.objects.filter(
            project__basic_policy__plan=plan
        ).values_list("pk", *PROJECT_GROUP)
    }
    indicators = Counter(group_of.values())
    rows: dict[tuple, dict] = defaultdict(lambda: dict.fromkeys(FIELDS, 0))

    def row(group, year):
        found = rows[group, year]
        found["indicators"] = indicators[group]
        return found

    for group in indicators:
        for year in range(plan.start_fiscal_year - 1, plan.end_fiscal_year + 1):
            row(group, year)
    for indicator_id, year, status, gap in Judgement.objects.filter(
        indicator_id__in=group_of
    ).values_list("indicator_id", "fiscal_year", "working_status", "working_gap"):
        found = row(group_of[indicator_id], year)
        if status:
            found[status] += 1
        if gap is not None:
            found["behind_line"] += 1
    for indicator_id, year, state in Actual.objects.filter(indicator_id__in=group_of).values_list(
        "indicator_id", "fiscal_year", "state"
    ):
        row(group_of[indicator_id], year)[STATE_FIELDS[state]] += 1
    return dict(rows)


def stored(plan) -> dict[tuple, dict]:
    found = WorkingSummary.objects.filter(basic_policy__plan=plan).values()
    return {
        (tuple(row[name] for name in GROUP), row["fiscal_year"]): {
            name: row[name] for name in FIELDS
        }
        for row in found
    }


def test_the_kanazawa_summaries_are_counted():
    call_command("loaddata", "kanazawa_yumeplan2020", verbosity=0)
    plan = Plan.objects.get()
    assert stored(plan) == counted_by_hand(plan)
    board = reports.dashboard(plan, plan.target_fiscal_year)
    current = board.total.current
    assert current.achieved + current.mostly_achieved + current.not_achieved == 18


def test_a_synthetic_plan_is_counted():
    plan = build_synthetic_plan(slug="synthetic", projects=60, seed=3).plan
    rows = stored(plan)
    assert rows == counted_by_hand(plan)
    assert any(fields["submitted"] for fields in rows.values())  # states are counted
    assert any(fields["behind_line"] for fields in rows.values())  # and gaps
    assert any(added is not None for (_p, _m, _d, added), _year in rows)  # R5-1 projects


def test_every_step_of_the_workflow_is_counted(build_plan, make_user):
    plan = build_plan(projects_per_policy=3, published=False)
    # A planner may enter every department's figures; another one reviews them.
    officer, planner = make_user("planner"), make_user("planner")
    indicator = Indicator.objects.filter(project__plan=plan).order_by("pk").first()
    workflow.save_drafts(
        user=planner,
        fiscal_year=2023,
        entries=[workflow.DraftEntry(indicator_id=indicator.pk, value=Decimal("80"))],
    )
    assert stored(plan) == counted_by_hand(plan)
    ids = list(Actual.objects.filter(fiscal_year=2024).values_list("pk", flat=True))
    workflow.submit(user=officer, actual_ids=ids)
    tracker = reports.submission_tracker(plan, 2024)
    assert sum(row.submitted for row in tracker) == len(ids)
    assert stored(plan) == counted_by_hand(plan)
    workflow.return_to_officer(user=planner, actual_ids=ids[:1], comment="確認してください")
    workflow.approve(user=planner, actual_ids=ids[1:])
    assert stored(plan) == counted_by_hand(plan)
    workflow.publish(user=planner, actual_ids=ids[1:])
    tracker = reports.submission_tracker(plan, 2024)
    assert (sum(row.draft for row in tracker), sum(row.approved for row in tracker)) == (
        1,
        len(ids) - 1,
    )
    assert stored(plan) == counted_by_hand(plan)


def test_a_project_changing_group_is_counted(build_plan):
    plan = build_plan(projects_per_policy=3)
    project = Project.objects.filter(plan=plan).order_by("pk").first()
    project.department = Department.objects.create(name="こども未来課")
    project.save()
    assert stored(plan) == counted_by_hand(plan)
    rows = {row.label: row for row in reports.submission_tracker(plan, 2024)}
    assert rows["こども未来課"].indicators == 1

    project.fiscal_year_added = 2024
    project.save()
    assert stored(plan) == counted_by_hand(plan)
    rows = {row.label: row for row in reports.submission_tracker(plan, 2023)}
    assert "こども未来課" not in rows  # not started in 2023
    assert reports.dashboard(plan, 2024).total.current.total == 6

    project.measure = Measure.objects.create(basic_policy=project.basic_policy, title="新施策")
    project.save()
    assert stored(plan) == counted_by_hand(plan)
    labels = [row.label for row in reports.dashboard(plan, 2024).by_measure]
    assert "1 新施策" in labels


def test_a_deleted_measure_leaves_its_indicators_without_one(build_plan):
    plan = build_plan(projects_per_policy=2)
    measure = Measure.objects.filter(basic_policy__plan=plan).order_by("pk").first()
    measure.delete()
    assert stored(plan) == counted_by_hand(plan)
    labels = [row.label for row in reports.dashboard(plan, 2024).by_measure]
    assert "1 （基本施策なし）" in labels


def test_deleting_indicators_and_figures_is_counted(build_plan):
    plan = build_plan(projects_per_policy=3)
    Indicator.objects.filter(project__plan=plan).order_by("pk").first().delete()
    Actual.objects.filter(fiscal_year=2024).order_by("pk").first().delete()
    assert stored(plan) == counted_by_hand(plan)
    assert reports.dashboard(plan, 2024).total.current.total == 5
    assert sum(row.missing for row in reports.submission_tracker(plan, 2024)) == 1


def test_a_year_with_no_rows_counts_every_indicator_as_not_reported(build_plan):
    plan = build_plan(projects_per_policy=3)
    board = reports.dashboard(plan, 2024, previous_year=2010)  # the comparison's ?with=2010
    assert board.total.previous.not_reported == 6
    assert board.total.current.not_reported == 0


def test_recompute_rebuilds_the_working_summaries():
    plan = build_synthetic_plan(slug="synthetic", projects=20, seed=5).plan
    before = stored(plan)
    WorkingSummary.objects.all().delete()
    call_command("recompute_judgements", verbosity=0)
    assert stored(plan) == before == counted_by_hand(plan)


def test_a_workflow_state_change_counts_only_its_policys_year(build_plan, make_user):
    """Submitting one figure rewrites the rows of its policy and year, not the plan's."""
    plan = build_plan(projects_per_policy=2)
    actual = Actual.objects.filter(fiscal_year=2024).order_by("pk").first()
    actual.state = ActualState.DRAFT
    actual.save()
    untouched = WorkingSummary.objects.exclude(
        basic_policy=actual.indicator.project.basic_policy, fiscal_year=2024
    )
    ids = set(untouched.values_list("pk", flat=True))
    workflow.submit(user=make_user("planner"), actual_ids=[actual.pk])
    assert ids <= set(WorkingSummary.objects.values_list("pk", flat=True))
    assert stored(plan) == counted_by_hand(plan)
