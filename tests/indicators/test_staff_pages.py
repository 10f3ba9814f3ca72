"""Planners' status pages: numbers against hand-computed ones, access, query counts."""

from decimal import Decimal

import pytest
from django.urls import reverse

from indicators import reports
from indicators.models import Actual, Indicator, OfficialStatus
from policies.models import Department, ReportingYear


@pytest.fixture
def plan(build_plan):
    """Two policies of three projects; 2024 actuals 100 / 96 / 50 (達成 / 概ね / 未達成) as
    drafts. Policy 1 belongs to 子育て支援課, policy 2 has no department."""
    plan = build_plan(published=False)
    department = Department.objects.create(name="子育て支援課")
    for project in plan.projects.filter(basic_policy__number=1):
        project.department = department
        project.save()  # as the admin does: the working summaries count it again
    return plan


def indicators_of(plan, policy):
    return list(
        Indicator.objects.filter(
            project__basic_policy__plan=plan, project__basic_policy__number=policy
        ).order_by("project__number")
    )


def plan_indicators(plan):
    return Indicator.objects.filter(project__plan=plan)


def counts(row):
    return [count for count, _change in row.cells], [change for _count, change in row.cells]


def test_dashboard_counts_changes_and_differences(plan):
    first, _second, third = indicators_of(plan, 1)
    Actual.objects.create(indicator=first, fiscal_year=2023, value=Decimal("100"))
    # The city decided 達成 where the rule computes 未達成 (50 of 100).
    OfficialStatus.objects.create(
        indicator=third, fiscal_year=2024, status="achieved", reason="判断"
    )

    board = reports.dashboard(plan, 2024)

    policy1, policy2 = board.by_policy
    assert counts(policy1) == ([2, 1, 0, 0], [1, 1, 0, -2])
    assert counts(policy2) == ([1, 1, 1, 0], [1, 1, 1, -3])
    assert counts(board.total) == ([3, 2, 1, 0], [2, 2, 1, -5])
    assert [row.label for row in board.by_department] == ["子育て支援課", "（担当課なし）"]
    assert counts(board.by_department[0])[0] == [2, 1, 0, 0]
    assert [row.label for row in board.by_measure] == ["1 施策1", "2 施策2"]
    differences = reports.differences(plan_indicators(plan), 2024)
    assert list(differences) == [third]
    assert reports.year_statuses(differences, 2024)[0].computed_label == "未達成"


def test_dashboard_counts_added_projects_from_their_first_year(plan):
    first = indicators_of(plan, 2)[0]
    first.project.fiscal_year_added = 2024
    first.project.save()
    assert counts(reports.dashboard(plan, 2023).total)[0] == [
        0,
        0,
        0,
        5,
    ]
    assert reports.dashboard(plan, 2024).total.current.total == 6


def test_project_totals_follow_the_data(plan):
    project = plan.projects.get(number="200")
    project.number, project.fiscal_year_added = "R5-1", 2023
    project.save()
    assert reports.project_totals(plan, 2022) == reports.ProjectTotals(initial=5, added=0)
    assert reports.project_totals(plan, 2024).total == 6
    assert reports.project_totals(plan, 2024).added == 1


def test_trajectory_lists_indicators_behind_the_line_worst_first(plan):
    # Line from 80 (2019) to 100 (2024): 92 expected in 2022.
    a, b, c = indicators_of(plan, 1)
    Actual.objects.create(indicator=a, fiscal_year=2022, value=Decimal("91"))
    Actual.objects.create(indicator=b, fiscal_year=2022, value=Decimal("70"))
    Actual.objects.create(indicator=c, fiscal_year=2022, value=Decimal("92"))

    rows = reports.trajectory_rows(reports.off_trajectory(plan, 2022))

    assert [row.indicator for row in rows] == [b, a]
    assert rows[0].expected == Decimal("92")
    assert rows[0].gap == Decimal("22") / Decimal("92")
    assert rows[0].gap_percent == "23.9%"
    # The target year itself is judged by the rule, not the line.
    assert not reports.off_trajectory(plan, 2024).exists()


def test_trajectory_of_a_lower_is_better_indicator(plan):
    a = indicators_of(plan, 1)[0]
    Indicator.objects.filter(pk=a.pk).update(
        direction="down", baseline_value=Decimal("20"), target_value=Decimal("0")
    )
    Actual.objects.create(indicator=a, fiscal_year=2021, value=Decimal("13"))  # expected 12
    rows = reports.trajectory_rows(reports.off_trajectory(plan, 2021))
    assert [(row.indicator, row.expected) for row in rows] == [(a, Decimal("12"))]


def test_submission_tracker_counts_states_per_department(plan):
    a, b, _c = indicators_of(plan, 1)
    for indicator, state in ((a, "submitted"), (b, "approved")):
        actual = indicator.actuals.get(fiscal_year=2024)
        actual.state = state
        actual.save()
    Actual.objects.filter(indicator=indicators_of(plan, 2)[0], fiscal_year=2024).delete()

    department, nobody = reports.submission_tracker(plan, 2024)

    assert (department.label, department.indicators, department.reported) == ("子育て支援課", 3, 3)
    assert (department.draft, department.submitted, department.approved, department.missing) == (
        1,
        1,
        1,
        0,
    )
    assert (nobody.indicators, nobody.reported, nobody.draft, nobody.missing) == (3, 2, 2, 1)


PAGES = ["staff:dashboard", "staff:trajectory", "staff:tracker", "staff:review_queue"]
ALL_PAGES = [*PAGES, "staff:summary", "staff:comparison", "staff:carry_over"]


@pytest.mark.parametrize("name", ALL_PAGES)
def test_pages_are_for_planners_only(client, plan, make_user, name):
    url = reverse(name, args=[plan.slug, 2024])
    assert client.get(url).status_code == 302  # to the admin login
    client.force_login(make_user("officer", departments=Department.objects.all()))
    assert client.get(url).status_code == 403
    client.force_login(make_user("planner"))
    response = client.get(url)
    assert response.status_code == 200
    assert "Content-Security-Policy" in response.headers


def test_year_outside_the_plan_is_not_found(client, plan, make_user):
    client.force_login(make_user("planner"))
    assert client.get(reverse("staff:dashboard", args=[plan.slug, 2030])).status_code == 404


def test_dashboard_page_shows_counts_and_differences(client, plan, make_user):
    third = indicators_of(plan, 1)[2]
    OfficialStatus.objects.create(
        indicator=third, fiscal_year=2024, status="achieved", reason="市の判断"
    )
    client.force_login(make_user("planner"))
    html = client.get(reverse("staff:dashboard", args=[plan.slug, 2024])).content.decode()
    assert "方針1をつなぐまちへ" in html
    assert "子育て支援課" in html
    assert "市の判断" in html
    assert "事業数 6（計画策定当初 6、策定後新規実施 0）" in html


def test_tracker_page_shows_due_date_passed(client, plan, make_user):
    ReportingYear.objects.create(plan=plan, fiscal_year=2024, due_date="2020-05-31")
    client.force_login(make_user("planner"))
    html = client.get(reverse("staff:tracker", args=[plan.slug, 2024])).content.decode()
    assert "2020-05-31" in html
    assert "期限を過ぎています" in html


def test_tracker_lists_a_departments_outstanding_indicators(client, plan, make_user):
    a, b, c = indicators_of(plan, 1)
    Actual.objects.filter(indicator=a, fiscal_year=2024).update(state="submitted")
    Actual.objects.filter(indicator=c, fiscal_year=2024).delete()
    department = Department.objects.get()
    client.force_login(make_user("planner"))
    url = reverse("staff:tracker", args=[plan.slug, 2024])

    html = client.get(url, {"department": department.pk}).content.decode()

    assert f'href="?department={department.pk}#outstanding">2</a>' in html
    listed = html.split('id="outstanding"')[1]
    assert str(b) in listed and str(c) in listed and str(a) not in listed
    html = client.get(url, {"department": "none"}).content.decode()
    assert "（担当課なし）" in html.split('id="outstanding"')[1]
    assert 'id="outstanding"' not in client.get(url, {"department": "x"}).content.decode()


# Constant whatever the size of the plan: session, user, groups, plan, then per page:
# dashboard: the stored working summaries of both years (one query), policies, measures
# (departments when there are any), project totals, the ids of a page of the differences
# with their count (and the page and their statuses when there are any); trajectory: the
# same for the judgements behind their line; tracker: the year's stored working summaries
# (indicators and figures per state), departments, + reporting year; review: the actuals
# counted, the ids of a page of them, the page and their earlier years. Each includes 2 for the admin's header and app list
# (the user's permissions), 1 for the second factor's device and 3 for the session's
# sliding expiry (saved on every request).
QUERIES = {
    "staff:dashboard": 15,
    "staff:trajectory": 11,
    "staff:tracker": 12,
    "staff:review_queue": 14,
}


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("size", [(2, 1), (6, 3)])
def test_pages_run_a_fixed_number_of_queries(
    client, build_plan, make_user, django_assert_num_queries, name, size
):
    projects_per_policy, policies = size
    plan = build_plan(projects_per_policy=projects_per_policy, policies=policies, published=False)
    Actual.objects.update(state="submitted")
    client.force_login(make_user("planner"))
    with django_assert_num_queries(QUERIES[name]):
        assert client.get(reverse(name, args=[plan.slug, 2024])).status_code == 200


def test_status_pages_carry_the_admin_header_and_mark_the_current_page(
    client, build_plan, make_user
):
    plan = build_plan(projects_per_policy=1, policies=1)
    client.force_login(make_user("planner", username="kikaku"))
    html = client.get(reverse("staff:tracker", args=[plan.slug, 2024])).content.decode()
    assert "ゆめプラン 管理" in html  # the admin's site header, not Django's default
    assert "ログアウト" in html
    tracker = reverse("staff:tracker", args=[plan.slug, 2024])
    assert f'<a href="{tracker}" aria-current="page">' in html
    dashboard = reverse("staff:dashboard", args=[plan.slug, 2024])
    assert f'<a href="{dashboard}">' in html
