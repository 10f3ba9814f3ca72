"""Stored judgements: written when an input changes, equal to what the rule computes now."""

import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from indicators import achievement, published, reports, working
from indicators.models import Actual, ActualState, Indicator, Judgement, OfficialStatus
from indicators.services import bulk, judgements, workflow
from indicators.services.synthetic import build_synthetic_plan
from indicators.services.workflow import DraftEntry
from indicators.statuses import StatusCounts

pytestmark = pytest.mark.django_db


def fresh(indicator: Indicator, value: Decimal | None) -> str | None:
    """What the rule says now, computed here from the indicator's current definition."""
    status = achievement.judge(
        direction=achievement.Direction(indicator.direction),
        target_kind=achievement.TargetKind(indicator.target_kind),
        target_value=indicator.target_value,
        baseline_value=indicator.baseline_value,
        actual=value,
        threshold=indicator.project.plan.achievement_threshold,
    ).status
    return status.value if status else None


def assert_stored_equals_fresh(indicators) -> int:
    checked = 0
    for indicator in indicators.select_related("project__plan"):
        stored = {j.fiscal_year: j for j in Judgement.objects.filter(indicator=indicator)}
        actuals = {a.fiscal_year: a for a in Actual.objects.filter(indicator=indicator)}
        officials = {o.fiscal_year: o for o in OfficialStatus.objects.filter(indicator=indicator)}
        assert set(stored) == set(actuals) | set(officials)
        for year, judgement in stored.items():
            actual = actuals.get(year)
            official = officials.get(year)
            working_value = actual.value if actual else None
            published_value = actual.published_value if actual else None
            assert judgement.working_computed == (fresh(indicator, working_value) or "")
            assert judgement.published_computed == (
                fresh(indicator, published_value) or "" if published_value is not None else ""
            )
            shown = official.status if official else judgement.working_computed
            assert judgement.working_status == (shown if actual or official else "")
            if published_value is None:
                assert judgement.published_status == "" and judgement.published_value is None
            else:
                assert judgement.published_status == (
                    official.status if official else judgement.published_computed
                )
            line = reports.trajectory_line(indicator)
            gap = line.gap(year, working_value) if line else None
            rounded = gap.quantize(Decimal("0.000001"), ROUND_HALF_UP) if gap is not None else None
            assert judgement.working_gap == rounded
            assert judgement.plan_id == indicator.project.plan_id
            checked += 1
    return checked


def test_stored_judgements_equal_the_rule_on_the_kanazawa_plan():
    call_command("loaddata", "kanazawa_yumeplan2020", verbosity=0)
    assert assert_stored_equals_fresh(Indicator.objects.all()) == 18
    # the city's 18 published statuses, public as published
    assert Judgement.objects.exclude(published_status="").count() == 18


def test_stored_judgements_equal_the_rule_on_a_synthetic_plan():
    build_synthetic_plan(slug="synthetic", projects=60, seed=3)
    assert assert_stored_equals_fresh(Indicator.objects.all()) > 200


def test_recompute_rebuilds_every_judgement_as_it_was():
    build_synthetic_plan(slug="synthetic", projects=30, seed=4)
    before = list(Judgement.objects.order_by("indicator", "fiscal_year").values())
    Judgement.objects.all().delete()
    call_command("recompute_judgements", verbosity=0)
    after = list(Judgement.objects.order_by("indicator", "fiscal_year").values())
    assert [dict(row, id=None) for row in after] == [dict(row, id=None) for row in before]


def _status(path, indicator, year=2024):
    return path.status_for(Indicator.objects.get(pk=indicator.pk), year)


def test_a_saved_draft_is_judged_for_staff_and_not_for_the_public(build_plan, make_user):
    build_plan(projects_per_policy=1, policies=1, published=False)
    indicator = Indicator.objects.get()
    planner = make_user("planner")
    workflow.save_drafts(
        user=planner, fiscal_year=2023, entries=[DraftEntry(indicator.pk, Decimal("40"))]
    )
    assert _status(working, indicator, 2023).code == "not_achieved"
    assert _status(published, indicator, 2023).code is None


def test_publication_judges_the_published_figure(build_plan, make_user):
    build_plan(projects_per_policy=1, policies=1, published=False)
    indicator = Indicator.objects.get()
    actual = Actual.objects.get()
    Actual.objects.filter(pk=actual.pk).update(state=ActualState.APPROVED)
    workflow.publish(user=make_user("planner"), actual_ids=[actual.pk])
    status = _status(published, indicator)
    assert (status.value, status.code) == (Decimal("100"), "achieved")


def test_a_changed_target_or_threshold_judges_again(build_plan):
    plan = build_plan(projects_per_policy=2, policies=1)
    first, second = Indicator.objects.order_by("project__number")
    assert _status(published, second).code == "mostly_achieved"  # 96 of 100
    first.target_value = Decimal("200")
    first.save()
    assert _status(published, first).code == "not_achieved"  # 100 of 200
    plan.achievement_threshold = Decimal("0.97")
    plan.save()
    assert _status(published, second).code == "not_achieved"  # 96 of 100 < 0.97


def _gap(indicator, year):
    return Judgement.objects.get(indicator=indicator, fiscal_year=year).working_gap


def test_a_changed_line_measures_the_gap_again(build_plan):
    """A gap follows the line: the indicator's and the plan's baseline and target years."""
    plan = build_plan(projects_per_policy=1, policies=1)  # 80 in 2019 to 100 in 2024
    indicator = Indicator.objects.get()
    indicator.baseline_fiscal_year = indicator.target_fiscal_year = None  # the plan's years
    indicator.save()
    Actual.objects.create(indicator=indicator, fiscal_year=2022, value=Decimal("70"))
    assert _gap(indicator, 2022) == Decimal("0.239130")  # 22 behind 92
    plan.baseline_fiscal_year = 2021  # 80 in 2021 to 100 in 2024: 86.67 expected
    plan.save()
    assert _gap(indicator, 2022) == Decimal("0.192308")
    plan.end_fiscal_year = 2022  # the target year: the rule judges it, no line
    plan.save()
    assert _gap(indicator, 2022) is None
    indicator.target_fiscal_year = 2026  # 80 in 2021 to 100 in 2026: 84 expected
    indicator.save()
    assert _gap(indicator, 2022) == Decimal("0.166667")


def test_a_project_moved_to_another_plan_moves_its_judgements(build_plan):
    first = build_plan(projects_per_policy=1, policies=1)
    second = build_plan(projects_per_policy=1, policies=1, slug="second")
    project = first.projects.get()
    assert set(
        Judgement.objects.filter(indicator__project=project).values_list("plan_id", flat=True)
    ) == {first.pk}
    project.basic_policy = second.basic_policies.get()
    project.number = "900"
    project.save()
    moved = Judgement.objects.filter(indicator__project=project)
    assert moved.exists()
    assert set(moved.values_list("plan_id", flat=True)) == {second.pk}
    assert not Judgement.objects.filter(plan_id=first.pk).exists()
    assert assert_stored_equals_fresh(Indicator.objects.all()) == Judgement.objects.count()


def test_an_official_status_recorded_or_deleted_judges_again(build_plan):
    build_plan(projects_per_policy=1, policies=1)
    indicator = Indicator.objects.get()
    official = OfficialStatus.objects.create(
        indicator=indicator, fiscal_year=2024, status="not_achieved", reason="理由"
    )
    status = _status(published, indicator)
    assert (status.code, status.computed, status.differs) == ("not_achieved", "achieved", True)
    assert status.official_reason == "理由"
    official.delete()
    assert _status(published, indicator).code == "achieved"


def status_box(page: str) -> str:
    """The project page's status of the year (the legend above it shows every status)."""
    return re.search(r'<div class="status-box">.*?</div>', page, re.S).group(0)


def test_an_official_status_waits_for_its_figure_on_every_public_path(
    client, build_plan, make_user
):
    """A submitted figure with an official status: staff see both, the public nothing
    about the year until the figure is published, then both."""
    plan = build_plan(projects_per_policy=1, policies=1, published=False)
    indicator = Indicator.objects.get()
    actual = Actual.objects.get()
    Actual.objects.filter(pk=actual.pk).update(state=ActualState.APPROVED)
    OfficialStatus.objects.create(indicator=indicator, fiscal_year=2024, status="achieved")
    assert _status(working, indicator).code == "achieved"

    def public_views():
        page = client.get(f"/plans/{plan.slug}/projects/100/").content.decode()
        api = client.get(f"/api/v1/plans/{plan.slug}/indicators/").json()["indicators"][0]
        csv = b"".join(client.get(f"/data/{plan.slug}/indicators.csv").streaming_content)
        return page, api["status"], csv.decode("utf-8-sig")

    page, api, csv = public_views()
    assert "status-achieved" not in status_box(page) and "判定なし" in page
    assert api == {
        "fiscal_year": 2024,
        "code": None,
        "label": None,
        "computed_code": None,
        "official": False,
    }
    assert "achieved" not in csv
    workflow.publish(user=make_user("planner"), actual_ids=[actual.pk])
    page, api, csv = public_views()
    assert "status-achieved" in status_box(page)
    assert api["code"] == "achieved" and api["official"] is True
    assert ",achieved,達成" in csv


def test_a_whole_plan_import_judges_what_it_imports(build_plan):
    from indicators.services.plan_io import export_plan, import_plan

    plan = build_plan(projects_per_policy=3, policies=1)
    workbook = export_plan(plan)
    plan.delete()
    imported = import_plan(workbook)
    counts = StatusCounts()
    for policy_counts in published.policy_counts(imported, 2024).values():
        counts += policy_counts
    assert (counts.achieved, counts.mostly_achieved, counts.not_achieved) == (1, 1, 1)


def test_a_refresh_of_an_unknown_indicator_writes_nothing():
    assert judgements.refresh_judgements([123456]) == 0
    assert not Judgement.objects.exists()


def test_a_refresh_of_some_years_rewrites_only_those_years():
    """Writers refresh only the years they changed (a year is judged on its own figures)."""
    plan = build_synthetic_plan(slug="years", projects=3).plan
    indicator = Indicator.objects.filter(project__plan=plan).order_by("pk").first()
    Judgement.objects.filter(indicator=indicator).update(working_reason="古い")
    judgements.refresh_judgements([indicator.pk], fiscal_years=[2022])
    reasons = dict(
        Judgement.objects.filter(indicator=indicator).values_list("fiscal_year", "working_reason")
    )
    assert reasons[2022] != "古い"
    assert {year for year, reason in reasons.items() if reason == "古い"} == set(reasons) - {2022}
    judgements.refresh_judgements(iter([indicator.pk]), fiscal_years=iter([2021, 2023]))
    assert_stored_equals_fresh(Indicator.objects.filter(pk=indicator.pk))
    assert Judgement.objects.filter(indicator=indicator, working_reason="古い").count() == (
        len(reasons) - 3
    )


def _judgement_writes(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries
        if "indicators_judgement" in q["sql"]
        and q["sql"].lstrip().split()[0].upper() in {"INSERT", "UPDATE", "DELETE", "CREATE"}
    ]


def test_a_recomputation_that_changes_nothing_writes_nothing():
    build_synthetic_plan(slug="synthetic", projects=20, seed=5)
    before = list(Judgement.objects.order_by("pk").values())
    with CaptureQueriesContext(connection) as queries:
        written = judgements.recompute_all_judgements()
    assert written == len(before) > 0
    assert _judgement_writes(queries.captured_queries) == []
    assert list(Judgement.objects.order_by("pk").values()) == before


@pytest.mark.parametrize("copy_from", [1, 1000])
def test_a_refresh_inserts_updates_and_deletes_only_what_changed(monkeypatch, copy_from):
    """Raw writes (no signals) to figures and official statuses, then one refresh: new
    rows inserted, changed ones updated in place (same pk), rows with nothing left to
    judge deleted, the rest untouched; on PostgreSQL through both ways of updating."""
    monkeypatch.setattr(bulk, "COPY_UPDATE_ROWS", copy_from)
    plan = build_synthetic_plan(slug="synthetic", projects=30, seed=6).plan
    indicators = list(Indicator.objects.filter(project__plan=plan).order_by("pk"))
    changed, emptied, official_only, untouched = indicators[:4]
    pks = {
        (indicator, year): pk
        for pk, indicator, year in Judgement.objects.values_list("pk", "indicator", "fiscal_year")
    }
    year = Actual.objects.filter(indicator=changed).order_by("fiscal_year").first().fiscal_year
    Actual.objects.filter(indicator=changed, fiscal_year=year).update(value=Decimal("1"))
    Actual.objects.filter(indicator=emptied).delete()
    OfficialStatus.objects.bulk_create(
        [OfficialStatus(indicator=official_only, fiscal_year=2030, status="achieved")]
    )
    judgements.refresh_judgements([changed.pk, emptied.pk, official_only.pk, untouched.pk])

    assert_stored_equals_fresh(Indicator.objects.filter(project__plan=plan))
    after = {
        (indicator, year): pk
        for pk, indicator, year in Judgement.objects.values_list("pk", "indicator", "fiscal_year")
    }
    assert not any(indicator == emptied.pk for indicator, _year in after)
    assert (official_only.pk, 2030) in after and (official_only.pk, 2030) not in pks
    kept = {key: pk for key, pk in pks.items() if key[0] != emptied.pk}
    assert {key: after[key] for key in kept} == kept  # updated in place, not rewritten
    row = Judgement.objects.get(indicator=changed, fiscal_year=year)
    expected = achievement.judge(
        direction=changed.direction,
        target_kind=changed.target_kind,
        target_value=changed.target_value,
        baseline_value=changed.baseline_value,
        actual=Decimal("1"),
        threshold=plan.achievement_threshold,
        unit=changed.unit,
        decimals=changed.decimals,
    )
    assert (row.working_value, row.working_reason, row.working_reason_en) == (
        Decimal("1"),
        expected.reason,
        expected.reason_en,
    )


@pytest.mark.parametrize("picked", [(0, 2), (0, -1)], ids=["ids close together", "ids apart"])
def test_a_refresh_leaves_the_indicators_between_its_own_alone(picked):
    """Indicators whose ids are close are read as a range of ids: the rows of the
    indicators between them are neither rewritten nor deleted."""
    plan = build_synthetic_plan(slug="synthetic", projects=12, seed=7).plan
    indicators = list(Indicator.objects.filter(project__plan=plan).order_by("pk"))
    chosen = [indicators[k] for k in picked]
    Judgement.objects.all().update(working_reason="古い")
    rows = Judgement.objects.count()
    judgements.refresh_judgements(indicator.pk for indicator in chosen)
    assert Judgement.objects.count() == rows
    stale = set(Judgement.objects.filter(working_reason="古い").values_list("indicator", flat=True))
    assert stale == {i.pk for i in indicators} - {i.pk for i in chosen}
    assert_stored_equals_fresh(Indicator.objects.filter(pk__in=[i.pk for i in chosen]))
