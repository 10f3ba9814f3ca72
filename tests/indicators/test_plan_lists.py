"""The staff lists of a plan (carry-over, yearly entry, review queue, summary) page as
Django's Paginator pages the ordered queryset: on PostgreSQL they are read by walking the
plan's policies and projects in order (indicators.plan_lists), elsewhere from the queryset
itself."""

from decimal import Decimal

import pytest
from django.core.paginator import Paginator

from indicators import plan_lists, reports
from indicators.models import Actual, Indicator
from indicators.services import workflow
from indicators.services.summaries import refresh_plan_summaries
from policies.models import BasicPolicy, Department, Plan, Project

pytestmark = pytest.mark.django_db


@pytest.fixture
def planner_client(client, make_user):
    client.force_login(make_user("planner"))
    return client


ASKED = [None, "", "x", "-3", "0", "1", "2", "3", "4", "5", "99", "1000000001", "1" + "0" * 30]


@pytest.fixture
def tangled_plan(build_plan):
    """A plan whose order is none of its ids' orders: policies numbered against their
    creation, project numbers that sort as text ("10" before "9"), several indicators to a
    project out of their creation order, figures of other years and states; and another
    plan beside it."""
    build_plan(projects_per_policy=2, policies=2, slug="other", published=False)
    plan = build_plan(projects_per_policy=3, policies=3, published=False)
    first, _second, third = BasicPolicy.objects.filter(plan=plan).order_by("number")
    BasicPolicy.objects.filter(pk=first.pk).update(number=9)
    BasicPolicy.objects.filter(pk=third.pk).update(number=1)
    BasicPolicy.objects.filter(pk=first.pk).update(number=3)
    projects = list(Project.objects.filter(plan=plan).order_by("pk"))
    Project.objects.filter(pk=projects[6].pk).update(number="9")
    Project.objects.filter(pk=projects[7].pk).update(number="10")
    for project, orders in [(projects[7], [3, 0, 1]), (projects[4], [2, 2])]:
        for order in orders:
            indicator = Indicator.objects.create(
                project=project,
                name=f"指標{order}",
                unit="人",
                order=order,
                target_kind="numeric",
                target_value=Decimal("10"),
            )
            Actual.objects.create(
                indicator=indicator, fiscal_year=2024, value=Decimal("1"), state="submitted"
            )
    Actual.objects.filter(fiscal_year=2024, indicator__project__number__in=["201", "9"]).update(
        state="submitted"
    )
    Actual.objects.create(
        indicator=Indicator.objects.filter(project=projects[2]).first(),
        fiscal_year=2023,
        value=Decimal("1"),
        state="submitted",
    )
    Actual.objects.filter(indicator__project__plan__slug="other").update(state="submitted")
    # The raw updates above bypass the services: count the stored summaries again, as
    # manage.py recompute_judgements does.
    refresh_plan_summaries()
    return plan


def _same_pages(paginator, expected_list, per_page, assert_same_page):
    for asked in ASKED:
        expected = Paginator(expected_list, per_page).get_page(asked)
        assert_same_page(paginator().get_page(asked), expected)


def _same_pages_of_every_size(paginator_of, expected_list, assert_same_page):
    """``paginator_of(per_page)`` pages as Django's Paginator, 1, 2 and 4 to a page."""
    for per_page in (1, 2, 4):
        _same_pages(
            lambda per_page=per_page: paginator_of(per_page),
            expected_list,
            per_page,
            assert_same_page,
        )


def test_the_carry_over_list_pages_as_the_ordered_queryset(tangled_plan, assert_same_page):
    indicators = Indicator.objects.filter(project__plan=tangled_plan)
    expected = indicators.order_by(
        "project__basic_policy__number", "project__number", "order", "pk"
    )
    assert expected.count() == 14
    _same_pages(
        lambda: plan_lists.plan_indicators(tangled_plan, indicators, 4),
        expected,
        4,
        assert_same_page,
    )


@pytest.fixture
def departments(tangled_plan):
    """Two departments sharing the projects of both plans, a third of them with none."""
    first, second = (Department.objects.create(name=name) for name in ("子育て支援課", "保育課"))
    for index, project in enumerate(Project.objects.order_by("pk")):
        project.department = (first, second, None)[index % 3]
        project.save()  # as the admin saves it: the working summaries move the project
    return first, second


@pytest.mark.parametrize("scoped", [False, True], ids=["planner", "officer"])
def test_the_yearly_entry_pages_plan_by_plan_as_the_ordered_queryset(
    tangled_plan, departments, assert_same_page, scoped
):
    other = Plan.objects.get(slug="other")  # made first: the plans' order is their names'
    for plan, name in [(tangled_plan, "A計画"), (other, "B計画")]:
        plan.name = name
        plan.save()
    plans = [tangled_plan, other]
    indicators = Indicator.objects.filter(project__plan__in=plans)
    department_ids = None
    if scoped:
        indicators = indicators.filter(project__department=departments[0])
        department_ids = [departments[0].pk]
    expected = [
        indicator
        for plan in plans
        for indicator in indicators.filter(project__plan=plan).order_by(
            "project__basic_policy__number", "project__number", "order", "pk"
        )
    ]
    assert len(expected) == (5 if scoped else 18)
    assert [i.project.plan for i in (expected[0], expected[-1])] == plans
    _same_pages_of_every_size(
        lambda per_page: plan_lists.plans_indicators(plans, indicators, per_page, department_ids),
        expected,
        assert_same_page,
    )


def test_the_yearly_entry_of_no_department_is_empty(tangled_plan):
    plans = [tangled_plan]
    paginator = plan_lists.plans_indicators(plans, Indicator.objects.none(), 50, [])
    assert paginator.count == 0 and list(paginator.get_page(1).object_list) == []


def test_the_review_queue_pages_as_the_ordered_queryset(tangled_plan, assert_same_page):
    actuals = Actual.objects.filter(
        indicator__project__plan=tangled_plan, fiscal_year=2024, state="submitted"
    )
    expected = actuals.order_by(
        "indicator__project__basic_policy__number", "indicator__project__number", "pk"
    )
    assert expected.count() == 7
    _same_pages(
        lambda: plan_lists.submitted_actuals(tangled_plan, 2024, actuals, 2),
        expected,
        2,
        assert_same_page,
    )


@pytest.mark.parametrize("year", [2023, 2024])
def test_the_summary_pages_as_the_ordered_queryset(tangled_plan, assert_same_page, year):
    """Each policy's table in its order (not the projects' ids), without the projects left
    out of the tables or started after the year."""
    projects = list(Project.objects.filter(plan=tangled_plan).order_by("pk"))
    for project, order in zip(projects, [3, 1, 2, None, 2, 1, 5, 4, None], strict=True):
        Project.objects.filter(pk=project.pk).update(summary_order=order)
    Project.objects.filter(pk=projects[5].pk).update(fiscal_year_added=2024, number="R6-1")
    listed = reports.summary_projects(tangled_plan, year)
    expected = list(listed)
    assert len(expected) == (6 if year == 2023 else 7)
    assert [p.pk for p in expected[:3]] != sorted(p.pk for p in expected[:3])
    _same_pages_of_every_size(
        lambda per_page: plan_lists.summary_projects(tangled_plan, year, listed, per_page),
        expected,
        assert_same_page,
    )


def test_the_review_queue_count_follows_the_workflow(tangled_plan, make_user):
    def counted():
        return plan_lists.submitted_actuals(tangled_plan, 2024, actuals, 2).count

    actuals = Actual.objects.filter(
        indicator__project__plan=tangled_plan, fiscal_year=2024, state="submitted"
    )
    assert counted() == actuals.count() == 7
    first, second = actuals.order_by("pk")[:2]
    workflow.approve(user=make_user("planner"), actual_ids=[first.pk])
    workflow.return_to_officer(user=make_user("planner"), actual_ids=[second.pk], comment="確認")
    assert counted() == actuals.count() == 5
    workflow.submit(user=make_user("planner"), actual_ids=[second.pk])
    assert counted() == actuals.count() == 6


def test_the_carry_over_count_follows_the_plans_indicators(tangled_plan):
    def counted():
        return plan_lists.plan_indicator_count(tangled_plan)

    def indicators():
        return Indicator.objects.filter(project__plan=tangled_plan).count()

    assert counted() == indicators() == 14
    Indicator.objects.filter(project__plan=tangled_plan).first().delete()
    assert counted() == indicators() == 13
    Project.objects.filter(plan=tangled_plan, number="10").get().delete()
    assert counted() == indicators()
    moved = Indicator.objects.filter(project__plan__slug="other").first()
    moved.project = Project.objects.filter(plan=tangled_plan).first()
    moved.save()
    assert counted() == indicators()
