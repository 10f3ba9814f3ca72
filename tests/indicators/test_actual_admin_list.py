"""The actuals' admin list: its fiscal-year filter and its counts, as Django's own."""

from decimal import Decimal

import pytest
from django.contrib.admin import AllValuesFieldListFilter
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators import admin_lists
from indicators.admin import ActualAdmin
from indicators.admin_lists import FiscalYearFilter, years_with_rows
from indicators.models import Actual, Indicator
from indicators.services import workflow
from policies.models import Department, Project

pytestmark = pytest.mark.django_db

URL = reverse("admin:indicators_actual_changelist")


def _filter_years(response) -> list[str]:
    """The fiscal-year filter's choices as shown, "All" first."""
    spec = next(
        spec
        for spec in response.context["cl"].filter_specs
        if isinstance(spec, AllValuesFieldListFilter)
    )
    return [choice["display"] for choice in spec.choices(response.context["cl"])]


def test_the_year_filter_offers_the_years_with_an_actual(client, build_plan, make_user):
    build_plan(projects_per_policy=2, policies=1)  # actuals of 2024 only, plan 2020-2024
    indicator = Indicator.objects.first()
    Actual.objects.create(indicator=indicator, fiscal_year=2019, value=Decimal("1"))
    client.force_login(make_user("planner"))

    response = client.get(URL)

    assert isinstance(response.context["cl"].filter_specs[0], FiscalYearFilter)
    assert _filter_years(response)[1:] == ["2019", "2024"]


def test_an_officer_is_offered_the_years_of_their_departments_only(client, build_plan, make_user):
    build_plan(projects_per_policy=2, policies=1)
    mine, theirs = Department.objects.create(name="自課"), Department.objects.create(name="他課")
    first, second = Project.objects.order_by("number")
    Project.objects.filter(pk=first.pk).update(department=mine)
    Project.objects.filter(pk=second.pk).update(department=theirs)
    Actual.objects.create(
        indicator=Indicator.objects.get(project=second), fiscal_year=2022, value=Decimal("1")
    )
    client.force_login(make_user("officer", departments=[mine]))

    assert _filter_years(client.get(URL))[1:] == ["2024"]


def test_years_are_those_django_finds(build_plan, monkeypatch):
    plan = build_plan(projects_per_policy=3, policies=2)
    for year in (2010, 2019, 2021, 2023):
        Actual.objects.create(
            indicator=Indicator.objects.first(), fiscal_year=year, value=Decimal("1")
        )
    expected = list(Actual.objects.order_by("fiscal_year").values_list("fiscal_year", flat=True))
    assert years_with_rows(Actual.objects.all(), "fiscal_year") == sorted(set(expected))
    monkeypatch.setattr(admin_lists, "MAX_PROBED_YEARS", 5)  # read with a DISTINCT
    assert years_with_rows(Actual.objects.all(), "fiscal_year") == sorted(set(expected))
    plan.delete()
    assert years_with_rows(Actual.objects.all(), "fiscal_year") == []


def test_an_unfiltered_list_reads_its_length_from_the_summaries(
    client, build_plan, make_user, django_assert_num_queries
):
    build_plan(projects_per_policy=3, policies=2)
    client.force_login(make_user("planner"))
    with django_assert_num_queries(15) as unfiltered:
        response = client.get(URL)
    sql = " ".join(q["sql"] for q in unfiltered.captured_queries)
    assert "COUNT(" not in sql and "DISTINCT" not in sql
    assert 'SUM("indicators_workingsummary"."draft")' in sql
    assert (response.context["cl"].result_count, response.context["cl"].full_result_count) == (6, 6)


def test_a_page_of_a_long_list_is_the_page_django_shows(client, build_plan, make_user, monkeypatch):
    build_plan(projects_per_policy=3, policies=2)
    client.force_login(make_user("planner"))
    monkeypatch.setattr(ActualAdmin, "list_per_page", 4)
    first, second = (client.get(URL, {"p": page}).context["cl"] for page in (1, 2))
    expected = list(Actual.objects.order_by("indicator_id", "fiscal_year"))
    assert list(first.result_list) == expected[:4] and list(second.result_list) == expected[4:]
    assert (first.multi_page, second.paginator.num_pages) == (True, 2)


@pytest.mark.parametrize("role", ["planner", "officer"])
def test_the_stored_total_is_the_users_actuals_through_the_workflow(
    client, build_plan, make_user, role
):
    """Every state, a year outside the plan, another plan, another department, a figure
    returned and one deleted: the total read equals Django's count of the same list."""
    build_plan(projects_per_policy=2, policies=2)
    build_plan(projects_per_policy=1, policies=1, slug="other")
    mine, theirs = Department.objects.create(name="自課"), Department.objects.create(name="他課")
    for index, project in enumerate(Project.objects.order_by("pk")):
        project.department = (mine, theirs, None)[index % 3]
        project.save()
    planner = make_user("planner")
    user = planner if role == "planner" else make_user("officer", departments=[mine])
    client.force_login(user)
    scoped = Actual.objects.for_user(user)

    def shown():
        cl = client.get(URL).context["cl"]
        return cl.result_count, cl.full_result_count

    for indicator in Indicator.objects.order_by("pk")[:4]:
        workflow.save_drafts(
            user=planner,
            fiscal_year=2019,
            entries=[workflow.DraftEntry(indicator_id=indicator.pk, value=Decimal("3"))],
        )
    assert shown() == (scoped.count(), scoped.count())
    assert scoped.count() > 2
    assert (scoped.count() == Actual.objects.count()) == (role == "planner")
    drafts = list(scoped.filter(fiscal_year=2019).values_list("pk", flat=True))
    workflow.submit(user=planner, actual_ids=drafts)
    workflow.return_to_officer(user=planner, actual_ids=drafts[:1], comment="確認")
    Actual.objects.get(pk=drafts[-1]).delete()
    assert shown() == (scoped.count(), scoped.count())


def test_a_filtered_list_shows_its_length_and_the_total(client, build_plan, make_user):
    build_plan(projects_per_policy=3, policies=2)
    Actual.objects.filter(indicator__project__number="100").update(state="submitted")
    client.force_login(make_user("planner"))

    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, {"state": "submitted"})

    cl = response.context["cl"]
    assert (cl.result_count, cl.full_result_count) == (1, 6)
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"]]
    assert len(counts) == 1 and "submitted" in counts[0]  # the total is stored
