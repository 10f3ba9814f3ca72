"""The admin links planners to the status pages (staff_views): on the index and on a
plan's change page, for the year the plan is being reported on; officers see no link."""

import datetime
import re

import pytest
from django.urls import reverse

from policies.models import Department, Plan, ReportingYear

INDEX = "admin:index"


def staff_links(page: str) -> list[str]:
    return re.findall(r'href="(/staff/[^"]*)"', page)


@pytest.fixture
def plans(build_plan):
    """Three plans of 2020–2024: reporting set up for 2023 and 2024, for 2022 only, and
    none at all."""
    first, second, third = (build_plan(slug=slug) for slug in ["first", "second", "third"])
    ReportingYear.objects.create(plan=first, fiscal_year=2023, is_locked=True)
    ReportingYear.objects.create(plan=first, fiscal_year=2024)
    ReportingYear.objects.create(plan=second, fiscal_year=2022)
    return first, second, third


@pytest.mark.parametrize("role", ["planner", "admin"])
def test_planners_and_superusers_get_each_plans_pages_on_the_index(client, plans, make_user, role):
    client.force_login(make_user(role))
    page = client.get(reverse(INDEX)).content.decode()
    links = staff_links(page)
    for slug, year in [("first", 2024), ("second", 2022)]:
        assert f"/staff/plans/{slug}/{year}/" in links
        for name in ["review_queue", "tracker", "summary", "comparison", "carry_over"]:
            assert reverse(f"staff:{name}", args=[slug, year]) in links
    # No reporting year: the last fiscal year that has ended, within the plan period
    # (the plans ended in 2024, so today that is 2024).
    assert "/staff/plans/third/2024/" in links
    assert len(links) == 3 * 6
    assert "テスト計画 R6（2024）の達成状況" in page
    assert "達成状況・提出状況（企画担当）" in page


def test_the_links_open_the_pages(client, plans, make_user):
    client.force_login(make_user("planner"))
    links = staff_links(client.get(reverse(INDEX)).content.decode())
    assert {client.get(link).status_code for link in links} == {200}


@pytest.mark.parametrize("role", ["officer", None])
def test_officers_and_other_staff_get_no_link(client, plans, make_user, role):
    departments = [Department.objects.create(name="A課")] if role else []
    client.force_login(make_user(role, departments=departments))
    response = client.get(reverse(INDEX))
    assert response.status_code == 200
    assert staff_links(response.content.decode()) == []
    assert "達成状況・提出状況" not in response.content.decode()
    # …and the pages themselves refuse them (staff_views.planner_required).
    assert client.get("/staff/plans/first/2024/").status_code == 403


def test_the_index_takes_the_same_queries_whatever_the_number_of_plans(
    client, build_plan, make_user, django_assert_num_queries
):
    client.force_login(make_user("planner"))
    plan = build_plan(slug="only")
    ReportingYear.objects.create(plan=plan, fiscal_year=2024)
    # 7, + the second factor's device and the session's sliding expiry (3 to save it)
    with django_assert_num_queries(11) as one_plan:
        page = client.get(reverse(INDEX)).content.decode()
    assert len(staff_links(page)) == 6
    for slug in ["two", "three", "four"]:
        other = build_plan(slug=slug)
        ReportingYear.objects.create(plan=other, fiscal_year=2023)
        ReportingYear.objects.create(plan=other, fiscal_year=2024)
    with django_assert_num_queries(len(one_plan.captured_queries)):
        page = client.get(reverse(INDEX)).content.decode()
    assert len(staff_links(page)) == 4 * 6


def test_the_plan_change_page_links_its_pages(client, plans, make_user):
    first, _second, third = plans
    client.force_login(make_user("planner"))
    page = client.get(reverse("admin:policies_plan_change", args=[first.pk])).content.decode()
    assert staff_links(page) == [
        "/staff/plans/first/2024/",
        "/staff/plans/first/2024/review/",
        "/staff/plans/first/2024/tracker/",
    ]
    assert "R6（2024）の達成状況" in page
    page = client.get(reverse("admin:policies_plan_change", args=[third.pk])).content.decode()
    assert staff_links(page)[0] == "/staff/plans/third/2024/"  # no reporting year: see above
    assert client.get(reverse("admin:policies_plan_add")).status_code == 200  # no plan, no link


def test_officers_get_no_link_on_the_plan_page_even_with_its_permission(client, plans, make_user):
    from django.contrib.auth.models import Permission

    officer = make_user("officer")
    officer.user_permissions.add(Permission.objects.get(codename="view_plan"))
    client.force_login(officer)
    response = client.get(reverse("admin:policies_plan_change", args=[plans[0].pk]))
    assert response.status_code == 200
    assert staff_links(response.content.decode()) == []


def test_a_rejected_slug_does_not_break_the_links(client, plans, make_user):
    first = plans[0]
    client.force_login(make_user("admin"))
    url = reverse("admin:policies_plan_change", args=[first.pk])
    response = client.post(url, {"name": first.name, "slug": "not a slug!"})
    assert response.status_code == 200  # the form again, with its errors
    assert "/staff/plans/first/2024/" in staff_links(response.content.decode())


@pytest.mark.parametrize(
    ("reporting_years", "today", "expected"),
    [
        ([2022, 2024], datetime.date(2021, 5, 1), 2024),  # the latest reporting year
        ([], datetime.date(2023, 3, 31), 2021),  # FY2022 has not ended yet
        ([], datetime.date(2023, 4, 1), 2022),
        ([], datetime.date(2020, 6, 1), 2020),  # nothing has ended: the first year
        ([], datetime.date(2030, 6, 1), 2024),  # long over: the last year
        ([2030], datetime.date(2023, 4, 1), 2022),  # outside the period: ignored
        ([2019], datetime.date(2023, 4, 1), 2019),  # the baseline year the pages accept
    ],
)
def test_status_fiscal_year(build_plan, reporting_years, today, expected):
    plan = build_plan()
    for year in reporting_years:
        ReportingYear.objects.create(plan=plan, fiscal_year=year)
    assert Plan.objects.get(pk=plan.pk).status_fiscal_year(today) == expected
    annotated = Plan.objects.with_latest_reporting_year().get(pk=plan.pk)
    assert annotated.status_fiscal_year(today) == expected
