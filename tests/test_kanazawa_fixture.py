"""The Kanazawa fixture reproduces the city's published achievement summary.

The fixture ``fixtures/kanazawa_yumeplan2020.json`` is transcribed from the seed document
(かなざわ子育て夢プラン 2020 施策達成状況概要). These tests pin its shape and check that the
rule computes every status the city published (design note achievement-rules.md: "The
seed's statuses are loaded as official and must equal the computed ones").
"""

from decimal import Decimal

import pytest
from django.core.management import call_command

from indicators import published as published_path
from indicators import working
from indicators.models import Actual, Indicator, OfficialStatus
from policies.models import BasicPolicy, Department, Highlight, Measure, Plan, Project

FISCAL_YEAR = 2024

# The ground-truth table of design/domain.md: (project number, indicator name, status).
GROUND_TRUTH = [
    ("1", "実施個所数", "達成"),
    ("2", "児童館数", "達成"),
    ("2", "利用者数", "未達成"),
    ("4", "実施か所数", "概ね達成"),
    ("30", "配布率", "達成"),
    ("48", "受入可能人数", "達成"),
    ("63", "活動件数", "達成"),
    ("64", "クラブ数", "達成"),
    ("64", "受入人数", "達成"),
    ("104", "訪問率", "達成"),
    ("127", "派遣回数", "未達成"),
    ("152", "プログラム策定による就業実績", "未達成"),
    ("170", "受入可能か所数", "達成"),
    ("246", "はたらく人にやさしい事業所表彰か所数（累計）", "達成"),
    ("331", "整備か所数", "達成"),
    ("335", "ノンステップバス購入台数", "達成"),
    ("348", "実施か所数", "達成"),
    ("350", "子育てお役立ちWEB アクセス数", "未達成"),
]
STATUS_CODES = {"達成": "achieved", "概ね達成": "mostly_achieved", "未達成": "not_achieved"}


@pytest.fixture
def plan(db):
    call_command("loaddata", "kanazawa_yumeplan2020", verbosity=0)
    return Plan.objects.get(slug="kanazawa-yumeplan-2020")


def get_indicator(plan, number, name):
    return Indicator.objects.for_plan(plan).get(project__number=number, name=name)


@pytest.mark.django_db
def test_plan_fields(plan):
    assert plan.name == "かなざわ子育て夢プラン 2020"
    assert (plan.start_fiscal_year, plan.end_fiscal_year, plan.baseline_fiscal_year) == (
        2020,
        2024,
        2019,
    )
    assert plan.philosophy == "「みんなでつながり 支え合う 子育ての喜びを分かち合うまち金沢」"
    assert plan.viewpoint_list == [
        "こどもの幸せを第一とする",
        "いろいろな価値観や生き方を認め合う",
        "人と地域のつながりを大切にする",
    ]
    assert (plan.project_count_total, plan.project_count_initial, plan.project_count_added) == (
        412,
        365,
        47,
    )
    assert plan.successor_name == "金沢こどもまんなか未来プラン"
    assert plan.achievement_threshold == Decimal("0.950")


@pytest.mark.django_db
def test_counts(plan):
    assert Plan.objects.count() == 1
    assert BasicPolicy.objects.filter(plan=plan).count() == 5
    measures_per_policy = [
        Measure.objects.filter(basic_policy__plan=plan, basic_policy__number=number).count()
        for number in range(1, 6)
    ]
    assert measures_per_policy == [4, 6, 7, 9, 3]
    assert Indicator.objects.for_plan(plan).count() == 18
    assert Actual.objects.filter(indicator__project__plan=plan).count() == 18
    assert not Actual.objects.exclude(fiscal_year=FISCAL_YEAR).exists()
    assert set(Actual.objects.values_list("fiscal_year", flat=True)) == {FISCAL_YEAR}
    assert OfficialStatus.objects.filter(fiscal_year=FISCAL_YEAR).count() == 18
    assert Highlight.objects.filter(project__plan=plan).count() == 13
    assert not Department.objects.exists()
    assert not Project.objects.filter(department__isnull=False).exists()
    # The figures are published, but the seed says nowhere when: no date is made up.
    assert not Actual.objects.filter(published_value__isnull=True).exists()
    assert not Actual.objects.filter(published_at__isnull=False).exists()
    assert not OfficialStatus.objects.filter(recorded_at__isnull=False).exists()


@pytest.mark.django_db
def test_project_353_has_no_indicator(plan):
    project = Project.objects.get(plan=plan, number="353")
    assert project.name == "保育利用支援事業"
    assert project.summary_order is not None
    assert not project.indicators.exists()


@pytest.mark.django_db
def test_summary_order_follows_the_tables(plan):
    numbers = {
        policy.number: list(
            Project.objects.filter(basic_policy=policy)
            .in_summary()
            .values_list("number", flat=True)
        )
        for policy in plan.basic_policies.all()
    }
    assert numbers == {
        1: ["1", "2", "4", "30"],
        2: ["48", "63", "64", "104", "127"],
        3: ["152", "170"],
        4: ["246", "331", "335"],
        5: ["348", "353", "350"],
    }


@pytest.mark.django_db
def test_projects_added_after_adoption_have_their_year(plan):
    added = dict(
        Project.objects.filter(plan=plan, number__startswith="R").values_list(
            "number", "fiscal_year_added"
        )
    )
    assert added == {
        "R4-9": 2022,
        "R5-1": 2023,
        "R5-4": 2023,
        "R6-1": 2024,
        "R6-2": 2024,
        "R6-3": 2024,
        "R6-6": 2024,
    }
    assert (
        not Project.objects.filter(plan=plan, fiscal_year_added__isnull=False)
        .exclude(number__startswith="R")
        .exists()
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("number", "name", "published"), GROUND_TRUTH)
def test_computed_status_equals_published_and_official(plan, number, name, published):
    indicator = get_indicator(plan, number, name)
    expected = STATUS_CODES[published]
    status = working.status_for(indicator, FISCAL_YEAR)
    assert published_path.status_for(indicator, FISCAL_YEAR) == status
    assert status.computed == expected
    assert indicator.official_status_for(FISCAL_YEAR).status == expected
    assert not status.differs


@pytest.mark.django_db
def test_ground_truth_covers_every_indicator(plan):
    loaded = {(i.project.number, i.name) for i in Indicator.objects.for_plan(plan)}
    assert loaded == {(number, name) for number, name, _status in GROUND_TRUTH}


@pytest.mark.django_db
def test_baseline_from_an_earlier_year(plan):
    indicator = get_indicator(plan, "63", "活動件数")
    assert indicator.baseline_value == Decimal("6914")
    assert indicator.baseline_fiscal_year == 2018
    assert indicator.baseline_display == "6,914 件 (H30)"


@pytest.mark.django_db
def test_percentage_target_keeps_its_precision(plan):
    indicator = get_indicator(plan, "30", "配布率")
    assert indicator.decimals == 2
    assert indicator.target_display == "99.80%"


@pytest.mark.django_db
def test_baseline_with_typeset_spaces(plan):
    indicator = get_indicator(plan, "350", "子育てお役立ちWEB アクセス数")
    assert indicator.baseline_value == Decimal("615536")
    assert indicator.actual_for(FISCAL_YEAR).value == Decimal("476288")


@pytest.mark.django_db
def test_only_the_cumulative_indicator_is_cumulative(plan):
    cumulative = Indicator.objects.for_plan(plan).filter(is_cumulative=True)
    assert [i.name for i in cumulative] == ["はたらく人にやさしい事業所表彰か所数（累計）"]


@pytest.mark.django_db
def test_highlights_in_document_order(plan):
    numbers = {
        policy.number: [
            h.project.number
            for h in Highlight.objects.filter(project__basic_policy=policy).order_by("order")
        ]
        for policy in plan.basic_policies.all()
    }
    assert numbers == {
        1: ["R5-1", "20", "27"],
        2: ["R5-4", "R6-1"],
        3: ["157", "R6-2", "R6-3"],
        4: ["R4-9", "R6-6"],
        5: ["349", "354", "361"],
    }
    assert not Project.objects.filter(
        highlights__isnull=False, summary_order__isnull=False
    ).exists()
