"""The public project page: yearly published actuals, chart, status and how it was judged."""

from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.models import Actual, ActualCorrection, Indicator, OfficialStatus
from policies.models import Department, Project

pytestmark = pytest.mark.django_db


def project_url(plan, number):
    return reverse("public:project_detail", kwargs={"slug": plan.slug, "number": number})


def test_project_page_shows_indicator_years_status_and_reason(client, build_plan):
    plan = build_plan(projects_per_policy=3, policies=1)
    indicator = Indicator.objects.get(project__number="101")
    Actual.objects.create(
        indicator=indicator, fiscal_year=2022, value=Decimal("90"), published_value=Decimal("90")
    )
    html = client.get(project_url(plan, "101")).content.decode()
    assert "<h1>" in html and "事業1-1" in html
    assert "方針1をつなぐまちへ" in html and "施策1" in html
    assert "80 人" in html  # baseline
    assert "90 人" in html and "96 人" in html  # R4 and R6 actuals
    # Every plan year has a row: era with the Western year beside it.
    assert html.count('<th scope="row"><abbr') == 5
    assert (
        '<abbr title="令和4年度（2022年度）">R4</abbr> <span class="western-year">2022</span>'
        in html
    )
    # R6 is mostly achieved: mark + word, and the reason with the numbers and the ratio.
    assert '<span class="status-mark" aria-hidden="true">○</span>概ね達成' in html
    assert "目標値 100 人に対し 96 人（96.0%）" in html
    assert "目標の 95% 以上なら「概ね達成」" in html


def test_chart_is_inline_svg_with_title_desc_and_a_point_per_published_actual(client, build_plan):
    plan = build_plan(projects_per_policy=1, policies=1)
    indicator = Indicator.objects.get()
    Actual.objects.create(
        indicator=indicator, fiscal_year=2021, value=Decimal("60"), published_value=Decimal("60")
    )
    Actual.objects.create(indicator=indicator, fiscal_year=2022, value=Decimal("70"))  # draft
    html = client.get(project_url(plan, "100")).content.decode()
    assert '<svg class="chart"' in html and 'role="img"' in html
    assert '<title id="chart-1-title">利用者数の年度別実績</title>' in html
    assert "2021年度 60 人、2024年度 100 人" in html  # desc: the published series only
    assert html.count('<circle class="chart-point"') == 2
    assert 'class="chart-baseline"' in html and 'class="chart-target"' in html
    assert "70 人" not in html


def test_unpublished_figures_never_show_and_are_not_reported(client, build_plan):
    plan = build_plan(projects_per_policy=1, policies=1, published=False)
    html = client.get(project_url(plan, "100")).content.decode()
    assert "100 人" in html  # the target only
    assert html.count('<span class="not-reported">未集計') == 5
    assert "判定なし" in html


def test_official_status_differing_from_computed_shows_both_and_the_reason(client, build_plan):
    plan = build_plan(projects_per_policy=3, policies=1, official=True)
    html = client.get(project_url(plan, "102")).content.decode()
    assert "市が公表した達成状況は「達成」です（計算上は 未達成）。" in html
    assert '理由: <span lang="ja">判断</span>' in html


def test_corrections_of_published_figures_are_listed(client, build_plan):
    plan = build_plan(projects_per_policy=1, policies=1)
    actual = Actual.objects.get()
    ActualCorrection.objects.create(
        actual=actual, old_value=Decimal("1000"), new_value=Decimal("100"), reason="桁の誤り"
    )
    html = client.get(project_url(plan, "100")).content.decode()
    assert "公表後の訂正" in html
    assert "1,000 人" in html and "桁の誤り" in html


def test_policy_table_links_to_project_pages(client, build_plan):
    plan = build_plan(projects_per_policy=1, policies=1)
    html = client.get(plan.get_absolute_url() + "policies/1/").content.decode()
    assert f'href="{project_url(plan, "100")}"' in html


def test_added_project_number_and_unknown_project(client, build_plan):
    plan = build_plan(projects_per_policy=1, policies=1)
    project = Project.objects.get()
    Project.objects.create(
        basic_policy=project.basic_policy,
        number="R5-1",
        name="めだか親子教室",
        fiscal_year_added=2023,
    )
    html = client.get(project_url(plan, "R5-1")).content.decode()
    assert "めだか親子教室" in html and "この事業には指標の記載がありません" in html
    assert client.get(project_url(plan, "9999")).status_code == 404


@pytest.mark.parametrize("language_prefix", ["", "/en"])
@pytest.mark.parametrize("indicators", [1, 6])
def test_project_page_runs_a_fixed_number_of_queries(
    client, build_plan, django_assert_num_queries, indicators, language_prefix
):
    plan = build_plan(projects_per_policy=1, policies=1)
    project = Project.objects.get()
    project.department = Department.objects.create(name="こども未来課")
    project.save()
    for order in range(1, indicators):
        extra = Indicator.objects.create(
            project=project,
            name=f"指標{order}",
            unit="件",
            target_kind="numeric",
            target_value=Decimal("5"),
            order=order,
        )
        actual = Actual.objects.create(
            indicator=extra, fiscal_year=2024, value=Decimal(4), published_value=Decimal(4)
        )
        ActualCorrection.objects.create(
            actual=actual, old_value=Decimal(3), new_value=Decimal(4), reason="訂正"
        )
        OfficialStatus.objects.create(indicator=extra, fiscal_year=2024, status="mostly_achieved")
    # the public version, project (with policy, plan, measure, department), indicators, actuals, official
    # statuses, corrections
    with django_assert_num_queries(6):
        url = f"{language_prefix}/plans/{plan.slug}/projects/100/"
        assert client.get(url).status_code == 200


def test_the_published_note_shows_beside_its_year_and_a_working_note_never(client, build_plan):
    plan = build_plan(projects_per_policy=2, policies=1)
    Actual.objects.filter(indicator__project__number="100").update(
        published_note="年度途中に集計方法を変更", note="公開前の書きかけ"
    )
    html = client.get(project_url(plan, "100")).content.decode()
    assert '<th scope="col">備考</th>' in html
    assert "年度途中に集計方法を変更" in html
    assert "公開前の書きかけ" not in html
    other = client.get(project_url(plan, "101")).content.decode()
    assert '<th scope="col">備考</th>' not in other  # no column when no year has a note
