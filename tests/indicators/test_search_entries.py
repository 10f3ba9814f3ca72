"""The stored search entries say what the projects, indicators and published judgements
say, after every kind of change, and the search reads them alone."""

import unicodedata

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.models import Indicator, Judgement, SearchEntry
from indicators.services import search_entries, workflow
from indicators.services.synthetic import build_synthetic_plan
from policies.models import BasicPolicy, Department, Measure, Plan, Project

pytestmark = pytest.mark.django_db

FIELDS = (
    "project_id",
    "indicator_id",
    "policy_number",
    "measure_id",
    "department_id",
    "summary_order",
    "project_number",
    "indicator_order",
    "fiscal_year",
    "published_status",
    "text",
)


def by_hand(plan) -> set[tuple]:
    """The plan's entries made in Python from the models, one object at a time,
    independently of the service's queries."""
    rows = set()
    for project in Project.objects.filter(plan=plan).select_related("basic_policy"):
        year = plan.end_fiscal_year
        common = (
            project.basic_policy.number,
            project.measure_id,
            project.department_id,
            project.summary_order,
            project.number,
        )
        names = [project.number, project.name, project.name_en]
        indicators = list(Indicator.objects.filter(project=project))
        for indicator in indicators:
            judgement = Judgement.objects.filter(indicator=indicator, fiscal_year=year).first()
            text = "\n".join([*names, indicator.name, indicator.name_en])
            rows.add(
                (
                    project.pk,
                    indicator.pk,
                    *common,
                    indicator.order,
                    year,
                    judgement.published_status if judgement else "",
                    unicodedata.normalize("NFKC", text).casefold(),
                )
            )
        if not indicators:
            text = unicodedata.normalize("NFKC", "\n".join(names)).casefold()
            rows.add((project.pk, None, *common, -1, year, "", text))
    return rows


def stored(plan) -> set[tuple]:
    return set(SearchEntry.objects.filter(plan=plan).values_list(*FIELDS))


def test_the_kanazawa_entries_are_written():
    call_command("loaddata", "kanazawa_yumeplan2020", verbosity=0)
    plan = Plan.objects.get()
    entries = stored(plan)
    assert entries == by_hand(plan)
    assert (
        len(entries)
        == Indicator.objects.count() + Project.objects.filter(indicators__isnull=True).count()
    )
    assert {status for *_fields, status, _text in entries} >= {"achieved", "not_achieved"}


def test_a_synthetic_plan_is_written():
    plan = build_synthetic_plan(slug="synthetic", projects=60, seed=3).plan
    assert stored(plan) == by_hand(plan)


def test_edits_of_projects_indicators_and_policies_are_written(build_plan):
    plan = build_plan(projects_per_policy=3, policies=2)
    project = Project.objects.get(number="101")
    project.name = "ＡＢＣ子育て"  # full-width letters are stored as typed elsewhere
    project.summary_order = None
    project.department = Department.objects.create(name="保育幼稚園課")
    project.measure = Measure.objects.get(basic_policy__number=2)
    project.save()
    indicator = Indicator.objects.get(project__number="200")
    indicator.name = "派遣回数"
    indicator.project = Project.objects.get(number="201")  # moved to another project
    indicator.save()
    policy = BasicPolicy.objects.get(number=2)
    policy.number = 3
    policy.save()
    Project.objects.create(basic_policy=policy, number="R6-1", name="宅食")
    assert stored(plan) == by_hand(plan)
    assert "abc子育て" in SearchEntry.objects.get(project=project).text


def test_deletes_are_written(build_plan):
    plan = build_plan(projects_per_policy=3, policies=2)
    Indicator.objects.get(project__number="100").delete()  # its project now has none
    Project.objects.get(number="101").delete()
    Measure.objects.get(basic_policy__number=2).delete()
    assert stored(plan) == by_hand(plan)
    assert SearchEntry.objects.get(project__number="100").indicator_id is None
    Plan.objects.get().delete()
    assert not SearchEntry.objects.exists()


def test_a_publication_writes_the_published_status(build_plan, make_user):
    plan = build_plan(projects_per_policy=3, policies=1, published=False)
    assert {row[-2] for row in stored(plan)} == {""}
    planner = make_user("planner")
    actuals = [a.pk for a in Indicator.objects.get(project__number="100").actuals.all()]
    workflow.submit(user=make_user("planner"), actual_ids=actuals)
    workflow.approve(user=planner, actual_ids=actuals)
    workflow.publish(user=planner, actual_ids=actuals)
    assert stored(plan) == by_hand(plan)
    assert SearchEntry.objects.get(project__number="100").published_status == "achieved"


def test_the_plans_years_and_a_recompute_write_every_entry(build_plan):
    plan = build_plan(projects_per_policy=2, policies=1)
    plan.end_fiscal_year = 2025  # another target year: no status yet
    plan.save()
    assert stored(plan) == by_hand(plan)
    assert {row[-2] for row in stored(plan)} == {""}
    SearchEntry.objects.all().delete()
    call_command("recompute_judgements", verbosity=0)
    assert stored(plan) == by_hand(plan)


def test_the_search_reads_one_table_without_a_join(client, build_plan):
    plan = build_plan(projects_per_policy=3, policies=2)
    url = reverse("public:search", kwargs={"slug": plan.slug})
    with CaptureQueriesContext(connection) as queries:
        client.get(url, {"q": "事業 ", "status": "achieved", "policy": "1"})
    searched = [q["sql"] for q in queries if "indicators_searchentry" in q["sql"]]
    assert len(searched) == 1
    assert "JOIN" not in searched[0].upper()


def test_search_words_are_normalised_as_the_entries():
    assert search_entries.search_words("  ＤＩＳＰＡＴＣＨ　ｶﾅｻﾞﾜ ") == ["dispatch", "カナザワ"]
    assert search_entries.search_text("R5-1", "Ｎａｍｅ") == "r5-1\nname"


def test_a_draft_changes_no_published_status_and_writes_no_entry(build_plan, make_user):
    from decimal import Decimal

    from indicators.services.workflow import DraftEntry

    plan = build_plan(projects_per_policy=3, policies=1)
    indicator = Indicator.objects.get(project__number="102")  # published: not achieved
    officer = make_user("planner")
    with CaptureQueriesContext(connection) as queries:
        workflow.save_drafts(
            user=officer,
            fiscal_year=plan.end_fiscal_year,
            entries=[DraftEntry(indicator.pk, Decimal("100"), note="見直し")],
        )
    assert Judgement.objects.get(indicator=indicator, fiscal_year=2024).working_status == (
        "achieved"
    )
    assert not [q for q in queries if "indicators_searchentry" in q["sql"]]
    assert SearchEntry.objects.get(indicator=indicator).published_status == "not_achieved"
