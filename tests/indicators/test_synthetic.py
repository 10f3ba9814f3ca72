"""generate_synthetic_plan: a made-up plan of realistic size, marked as synthetic."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from indicators.models import Actual, ActualState, Indicator, Judgement
from indicators.services.synthetic import build_synthetic_plan
from policies.models import Department, Plan, Project

pytestmark = pytest.mark.django_db


def test_the_command_builds_a_plan_marked_as_synthetic():
    out = StringIO()
    call_command("generate_synthetic_plan", "--projects", "40", "--departments", "4", stdout=out)
    plan = Plan.objects.get(slug="synthetic")
    assert plan.name.startswith("【合成データ】")
    assert plan.name_en.startswith("[Synthetic data]")
    assert Project.objects.filter(plan=plan).count() == 40
    departments = Department.objects.filter(projects__plan=plan).distinct()
    assert departments.count() == 4
    assert all(d.name.startswith("【合成】") for d in departments)
    indicators = Indicator.objects.filter(project__plan=plan).count()
    assert 40 <= indicators <= 80
    assert f"40 projects, {indicators} indicators" in out.getvalue()


def test_earlier_years_are_published_and_the_reporting_year_is_a_mix():
    built = build_synthetic_plan(slug="s", projects=120, reporting_year=2023)
    actuals = Actual.objects.filter(indicator__project__plan=built.plan)
    assert actuals.count() == built.actuals
    earlier = actuals.filter(fiscal_year__lt=2023)
    assert earlier.exists()
    assert not earlier.exclude(state=ActualState.PUBLISHED).exists()
    assert not earlier.filter(published_value__isnull=True).exists()
    assert not actuals.filter(fiscal_year=2024).exists()
    states = set(actuals.filter(fiscal_year=2023).values_list("state", flat=True))
    assert {ActualState.DRAFT, ActualState.SUBMITTED, ActualState.APPROVED} <= states
    missing = built.indicators - actuals.filter(fiscal_year=2023).count()
    assert missing > 0  # some figures of the reporting year are not in yet
    assert (
        not actuals.exclude(state=ActualState.PUBLISHED)
        .filter(published_value__isnull=False)
        .exists()
    )


def test_projects_added_during_the_plan_have_no_figures_before_they_started():
    built = build_synthetic_plan(slug="s", projects=50)
    added = Project.objects.filter(plan=built.plan, fiscal_year_added__isnull=False)
    assert added.exists()
    for project in added:
        era = project.fiscal_year_added - 2018
        assert project.number.startswith(f"R{era}-")
        assert not Actual.objects.filter(
            indicator__project=project, fiscal_year__lt=project.fiscal_year_added
        ).exists()


def test_the_same_seed_builds_the_same_figures():
    def figures(slug):
        plan = build_synthetic_plan(slug=slug, projects=30, seed=7).plan
        return list(
            Actual.objects.filter(indicator__project__plan=plan)
            .order_by("indicator__project__summary_order", "indicator__order", "fiscal_year")
            .values_list("fiscal_year", "value", "state")
        )

    assert figures("a") == figures("b")


def test_the_command_refuses_a_slug_in_use_and_writes_nothing():
    build_synthetic_plan(slug="taken", projects=3)
    with pytest.raises(CommandError, match="exists already"):
        call_command("generate_synthetic_plan", "--slug", "taken", "--projects", "3")
    assert Plan.objects.count() == 1


def test_the_staff_pages_and_the_public_site_open_on_a_synthetic_plan(client, make_user):
    build_synthetic_plan(slug="demo", projects=30)
    assert client.get("/plans/demo/").status_code == 200
    client.force_login(make_user("planner"))
    for url in ["/staff/plans/demo/2024/", "/staff/plans/demo/2024/tracker/"]:
        assert client.get(url).status_code == 200, url


def test_the_counts_it_reports_are_the_rows_it_wrote_in_batches():
    with CaptureQueriesContext(connection) as queries:
        built = build_synthetic_plan(slug="s", projects=2100)
    projects = Project.objects.filter(plan=built.plan)
    assert built.projects == projects.count() == 2100
    assert built.indicators == Indicator.objects.filter(project__plan=built.plan).count()
    assert built.actuals == Actual.objects.filter(indicator__project__plan=built.plan).count()
    assert list(projects.order_by("summary_order").values_list("summary_order", flat=True)) == (
        list(range(1, 2101))
    )
    # Rows are inserted many at a time (SQLite's parameter limit allows some 50 actuals or
    # judgements per INSERT), never one query per row.
    judgements = Judgement.objects.filter(indicator__project__plan=built.plan).count()
    rows = built.projects + built.indicators + built.actuals + judgements
    assert len(queries) * 40 < rows
