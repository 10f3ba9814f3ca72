"""The stored published summaries count what the judgements and figures say, after every
kind of change, and a cascading delete counts again once, not once per row it takes."""

from collections import Counter, defaultdict
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from indicators import published
from indicators.models import Actual, ActualState, Indicator, Judgement, PublishedSummary
from indicators.services import judgements, workflow
from indicators.services.synthetic import build_synthetic_plan
from policies.models import BasicPolicy, Plan, Project

pytestmark = pytest.mark.django_db

FIELDS = ("indicators", "achieved", "mostly_achieved", "not_achieved", "published_figures")


def counted_by_hand(plan) -> dict[tuple[int, int], dict]:
    """The plan's summaries counted in Python from the indicators, stored judgements and
    actuals, independently of the service's GROUP BY queries."""
    indicators = Counter(
        Indicator.objects.filter(project__basic_policy__plan=plan).values_list(
            "project__basic_policy_id", flat=True
        )
    )
    rows: dict[tuple[int, int], dict] = defaultdict(lambda: dict.fromkeys(FIELDS, 0))
    for policy_id, count in indicators.items():
        for year in range(plan.start_fiscal_year, plan.end_fiscal_year + 1):
            rows[policy_id, year]["indicators"] = count
    judged = Judgement.objects.filter(indicator__project__basic_policy__plan=plan).values_list(
        "indicator__project__basic_policy_id", "fiscal_year", "published_status"
    )
    for policy_id, year, status in judged:
        rows[policy_id, year]["indicators"] = indicators[policy_id]
        if status:
            rows[policy_id, year][status] += 1
    figures = Actual.objects.filter(
        indicator__project__basic_policy__plan=plan, published_value__isnull=False
    ).values_list("indicator__project__basic_policy_id", "fiscal_year")
    for policy_id, year in figures:
        rows[policy_id, year]["published_figures"] += 1
    return dict(rows)


def stored(plan) -> dict[tuple[int, int], dict]:
    found = PublishedSummary.objects.filter(basic_policy__plan=plan)
    return {
        (row["basic_policy_id"], row["fiscal_year"]): {name: row[name] for name in FIELDS}
        for row in found.values()
    }


def test_the_kanazawa_summaries_count_the_citys_18_published_statuses():
    call_command("loaddata", "kanazawa_yumeplan2020", verbosity=0)
    plan = Plan.objects.get()
    assert stored(plan) == counted_by_hand(plan)
    counts = published.policy_counts(plan, plan.target_fiscal_year)
    judged = sum(c.achieved + c.mostly_achieved + c.not_achieved for c in counts.values())
    assert judged == 18
    assert published.published_years(plan) == [2024]
    assert published.last_published_at(plan) is None  # the city's figures carry no date


def test_a_synthetic_plan_is_counted_as_its_judgements_say():
    plan = build_synthetic_plan(slug="synthetic", projects=60, seed=3).plan
    assert stored(plan) == counted_by_hand(plan)
    years = Actual.objects.filter(published_value__isnull=False).values_list("fiscal_year")
    assert published.published_years(plan) == sorted({year for (year,) in years})


def test_publication_counts_the_year_again_and_dates_it(build_plan, make_user):
    plan = build_plan(projects_per_policy=3, published=False)
    assert published.policy_counts(plan, 2024)[plan.basic_policies.first().pk].not_reported == 3
    assert published.published_years(plan) == [] and published.last_published_at(plan) is None
    ids = list(Actual.objects.values_list("pk", flat=True))
    Actual.objects.update(state=ActualState.APPROVED)
    before = timezone.now()
    workflow.publish(user=make_user("planner"), actual_ids=ids)
    assert stored(plan) == counted_by_hand(plan)
    for counts in published.policy_counts(plan, 2024).values():
        assert (counts.achieved, counts.mostly_achieved, counts.not_achieved) == (1, 1, 1)
        assert counts.not_reported == 0
    assert published.published_years(plan) == [2024]
    assert published.last_published_at(plan) >= before
    policy = plan.basic_policies.first()
    assert published.last_published_at(plan, policy) >= before


def test_drafts_change_nothing_public(build_plan, make_user):
    plan = build_plan(projects_per_policy=2)
    before = stored(plan)
    indicator = Indicator.objects.filter(project__plan=plan).first()
    workflow.save_drafts(
        user=make_user("planner"),
        fiscal_year=2023,
        entries=[workflow.DraftEntry(indicator_id=indicator.pk, value=Decimal("1"))],
    )
    assert Judgement.objects.filter(indicator=indicator, fiscal_year=2023).exists()
    assert stored(plan) == before == counted_by_hand(plan)


def test_a_draft_over_a_published_figure_counts_no_published_summary(build_plan, make_user):
    """A draft correcting a published figure, and a new one, move the working columns only:
    the published summaries are not counted again, and still count what the public sees."""
    plan = build_plan(projects_per_policy=2)
    before = stored(plan)
    first, second = Indicator.objects.filter(project__plan=plan).order_by("pk")[:2]
    with CaptureQueriesContext(connection) as queries:
        workflow.save_drafts(
            user=make_user("planner"),
            fiscal_year=2024,
            entries=[
                workflow.DraftEntry(indicator_id=first.pk, value=Decimal("1")),  # was 100
                workflow.DraftEntry(indicator_id=second.pk, value=Decimal("200")),
            ],
        )
    assert Judgement.objects.get(indicator=first, fiscal_year=2024).working_status == (
        "not_achieved"
    )
    assert not [q for q in queries if "indicators_publishedsummary" in q["sql"]]
    assert stored(plan) == before == counted_by_hand(plan)


def test_a_draft_refresh_finding_a_stale_published_status_counts_it(build_plan):
    """Should a stored published status be out of date when drafts are judged, the
    published summaries are counted again rather than left wrong."""
    plan = build_plan(projects_per_policy=2)
    indicator = Indicator.objects.filter(project__plan=plan).order_by("pk").first()
    Judgement.objects.filter(indicator=indicator, fiscal_year=2024).update(
        published_status="not_achieved"
    )
    PublishedSummary.objects.filter(
        basic_policy=indicator.project.basic_policy, fiscal_year=2024
    ).update(achieved=0)
    judgements.refresh_draft_judgements([indicator.pk], [2024])
    assert Judgement.objects.get(indicator=indicator, fiscal_year=2024).published_status == (
        "achieved"
    )
    assert stored(plan) == counted_by_hand(plan)


def test_structure_changes_are_counted(build_plan):
    plan = build_plan(projects_per_policy=3)
    first, second = plan.basic_policies.order_by("number")
    project = Project.objects.filter(basic_policy=first).order_by("number").first()
    project.basic_policy = second
    project.save()
    assert published.policy_counts(plan, 2024)[second.pk].total == 4
    assert stored(plan) == counted_by_hand(plan)

    Indicator.objects.filter(project__basic_policy=second).order_by("pk").first().delete()
    assert published.policy_counts(plan, 2024)[second.pk].total == 3
    Project.objects.filter(basic_policy=second, indicators__isnull=False).first().delete()
    assert published.policy_counts(plan, 2024)[second.pk].total == 2
    assert stored(plan) == counted_by_hand(plan)

    indicator = Indicator.objects.filter(project__basic_policy=first).first()
    indicator.project = Project.objects.filter(basic_policy=second).first()
    indicator.save()
    assert stored(plan) == counted_by_hand(plan)

    plan.end_fiscal_year = 2026
    plan.save()
    assert (first.pk, 2026) in stored(plan)
    assert stored(plan) == counted_by_hand(plan)


def test_a_moved_policy_is_counted_in_its_new_plans_years(build_plan):
    plan = build_plan(projects_per_policy=1, policies=1)
    other = Plan.objects.create(
        name="次期計画",
        slug="next",
        start_fiscal_year=2025,
        end_fiscal_year=2029,
        baseline_fiscal_year=2024,
    )
    policy = BasicPolicy.objects.get(plan=plan)
    policy.plan = other
    policy.save()
    years = {year for (_policy, year) in stored(other)}
    assert {2024, *range(2025, 2030)} <= years  # its judged year and the new plan's
    assert stored(other) == counted_by_hand(other)


def test_a_cascading_delete_counts_again_once(build_plan, monkeypatch):
    """Deleting a project takes its indicators, actuals and statuses: the policy is counted
    again once and no judgement is refreshed for the rows on their way out."""
    from indicators import signals

    plan = build_plan(projects_per_policy=4, official=True)
    calls = Counter()
    for name in ("refresh_summaries", "refresh_judgements"):
        original = getattr(signals, name)

        def counting(*args, _original=original, _name=name, **kwargs):
            calls[_name] += 1
            return _original(*args, **kwargs)

        monkeypatch.setattr(signals, name, counting)
    Project.objects.filter(plan=plan).order_by("pk").first().delete()
    assert calls == Counter(refresh_summaries=1)
    assert stored(plan) == counted_by_hand(plan)

    calls.clear()
    plan.delete()
    assert calls == Counter()
    assert not PublishedSummary.objects.exists()


def test_deleting_one_actual_still_judges_its_indicator_again(build_plan):
    plan = build_plan(projects_per_policy=1, policies=1)
    Actual.objects.get().delete()
    assert not Judgement.objects.exists()
    assert published.policy_counts(plan, 2024)[plan.basic_policies.get().pk].not_reported == 1
    assert stored(plan) == counted_by_hand(plan)


def test_recompute_rebuilds_the_summaries():
    plan = build_synthetic_plan(slug="synthetic", projects=20, seed=5).plan
    before = stored(plan)
    PublishedSummary.objects.all().delete()
    call_command("recompute_judgements", verbosity=0)
    assert stored(plan) == before == counted_by_hand(plan)
