"""The actuals' admin list: its fiscal-year filter and its counts, as Django's own."""

from decimal import Decimal

import pytest
from django.contrib.admin import AllValuesFieldListFilter
from django.urls import reverse

from indicators import admin_lists
from indicators.admin_lists import FiscalYearFilter, years_with_rows
from indicators.models import Actual, Indicator
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


def test_an_unfiltered_list_is_counted_once(
    client, build_plan, make_user, django_assert_num_queries
):
    build_plan(projects_per_policy=3, policies=2)
    client.force_login(make_user("planner"))
    with django_assert_num_queries(15) as unfiltered:
        response = client.get(URL)
    counts = [q["sql"] for q in unfiltered.captured_queries if "COUNT(*)" in q["sql"]]
    assert len(counts) == 1
    assert (response.context["cl"].result_count, response.context["cl"].full_result_count) == (6, 6)
    assert "DISTINCT" not in " ".join(q["sql"] for q in unfiltered.captured_queries)


def test_a_filtered_list_shows_its_length_and_the_total(client, build_plan, make_user):
    build_plan(projects_per_policy=3, policies=2)
    Actual.objects.filter(indicator__project__number="100").update(state="submitted")
    client.force_login(make_user("planner"))

    response = client.get(URL, {"state": "submitted"})

    cl = response.context["cl"]
    assert (cl.result_count, cl.full_result_count) == (1, 6)
