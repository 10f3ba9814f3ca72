"""The methodology page, the legend that links to it and the stacked status bars."""

import re
from decimal import Decimal

import pytest

from indicators.models import Indicator
from indicators.services.judgements import refresh_plan_judgements
from policies.models import Plan, Project
from yumeplan.public.methodology import EXAMPLE_STATUSES


def policy_url(plan, number):
    return f"/plans/{plan.slug}/policies/{number}/"


def methodology_url(plan):
    return f"/plans/{plan.slug}/methodology/"


def test_methodology_states_the_plans_threshold_as_a_percentage(client, build_plan):
    plan = build_plan(projects_per_policy=3, policies=1)
    Plan.objects.filter(pk=plan.pk).update(achievement_threshold=Decimal("0.925"))
    html = client.get(methodology_url(plan)).content.decode()
    assert "目標の 92.5% 以上まで来た" in html
    assert "0.925" not in html
    for anchor in ("status-achieved", "status-mostly_achieved", "status-not_achieved"):
        assert f'id="{anchor}"' in html


def test_methodology_works_examples_from_the_plans_own_data(client, build_plan):
    plan = build_plan(projects_per_policy=3, policies=1)
    response = client.get(methodology_url(plan))
    examples = response.context["examples"]
    assert [row.status.code for row in examples] == ["achieved", "mostly_achieved", "not_achieved"]
    html = response.content.decode()
    assert "目標値 100 人に対し 96 人（96.0%）" in html
    assert "/plans/test-plan/projects/101/" in html


def test_methodology_explains_the_project_count_and_blank_years(client, build_plan):
    plan = build_plan(projects_per_policy=2, policies=2)
    Plan.objects.filter(pk=plan.pk).update(project_count_total=412)
    html = client.get(methodology_url(plan)).content.decode()
    assert "計画には計 412 事業がありますが" in html
    assert "4 事業の主な指標 4 件" in html
    assert "未達成とは扱いません" in html
    assert "H30 は 2018 年度" in html


def test_methodology_in_english_and_404_for_an_unknown_plan(client, build_plan):
    plan = build_plan(policies=1)
    html = client.get(f"/en{methodology_url(plan)}").content.decode()
    assert "How achievement is judged" in html
    assert "95%" in html
    assert client.get("/plans/nope/methodology/").status_code == 404


@pytest.mark.parametrize("page", ["plan", "policy", "project"])
def test_every_page_with_a_status_has_the_legend_and_the_methodology_link(client, build_plan, page):
    plan = build_plan(projects_per_policy=3, policies=1)
    url = {
        "plan": plan.get_absolute_url(),
        "policy": policy_url(plan, 1),
        "project": "/plans/test-plan/projects/100/",
    }[page]
    html = client.get(url).content.decode()
    assert 'class="legend"' in html
    assert f'href="{methodology_url(plan)}"' in html
    assert "目標の 95% 以上" in html


def test_search_status_column_links_to_the_methodology(client, build_plan):
    plan = build_plan(projects_per_policy=1, policies=1)
    html = client.get(f"/plans/{plan.slug}/search/").content.decode()
    assert f'<a href="{methodology_url(plan)}">達成状況</a>' in html


def test_plan_page_draws_a_stacked_bar_per_policy_and_for_the_plan(client, build_plan):
    plan = build_plan(projects_per_policy=4, policies=2)
    html = client.get(plan.get_absolute_url()).content.decode()
    bars = re.findall(r'<div class="status-bar" role="img" aria-label="([^"]+)">', html)
    # the whole plan, then each policy: 2 achieved (100, 100), 1 mostly, 1 not per policy
    assert bars[0] == "達成 4、概ね達成 2、未達成 2、未集計 0"
    assert bars[1:] == ["達成 2、概ね達成 1、未達成 1、未集計 0"] * 2
    # counts written on the segments with their marks; widths by class, never style=
    assert re.search(
        r'status-achieved pct-50" aria-hidden="true"><span class="status-mark">◎</span>4<', html
    )
    assert "pct-25" in html and "style=" not in html


def test_status_bar_percentages_round_half_up_without_floats(build_plan):
    from indicators.statuses import StatusCounts
    from indicators.templatetags.status_bars import status_segments

    segments = status_segments(StatusCounts(achieved=1, mostly_achieved=1, not_achieved=1))
    assert [s["percent"] for s in segments] == [33, 33, 33, 0]
    segments = status_segments(StatusCounts(achieved=1, not_reported=7))
    assert [s["percent"] for s in segments] == [13, 0, 0, 88]
    assert [s["percent"] for s in status_segments(StatusCounts())] == [0, 0, 0, 0]


def test_highlights_link_to_their_projects(client, build_plan):
    plan = build_plan(projects_per_policy=2, policies=1)
    html = client.get(policy_url(plan, 1)).content.decode()
    assert (
        '<a href="/plans/test-plan/projects/100/"><span class="project-number">No. 100</span>'
        in html
    )


def test_search_hides_the_department_filter_when_the_plan_has_none(client, build_plan):
    plan = build_plan(projects_per_policy=1, policies=1)
    html = client.get(f"/plans/{plan.slug}/search/").content.decode()
    assert 'id="department"' not in html
    assert 'id="status"' in html


def test_pages_explain_the_baseline_year_and_the_number_of_rated_indicators(client, build_plan):
    plan = build_plan(projects_per_policy=3, policies=2)
    Plan.objects.filter(pk=plan.pk).update(project_count_total=412)
    html = client.get(plan.get_absolute_url()).content.decode()
    assert "達成状況を示すのは、このうち主な指標 6 件です。" in html
    assert f'href="{methodology_url(plan)}#reading-heading"' in html
    html = client.get(policy_url(plan, 1)).content.decode()
    assert "（H30）のように年度を添えたものは、その年度の実績です。" in html
    assert '<meta name="description" content="テスト計画 基本方針 1「方針1をつなぐまちへ」' in html
    html = client.get("/plans/test-plan/projects/100/").content.decode()
    assert '<meta name="description" content="テスト計画 No. 100 事業1-0:' in html


@pytest.mark.parametrize("projects_per_policy", [3, 30])
def test_methodology_reads_a_fixed_number_of_queries(
    client, build_plan, django_assert_num_queries, projects_per_policy
):
    """The public version, the plan, the policies (each one's first indicator of each
    kind and its stored counts), the examples and their statuses: whatever the size of
    the plan."""
    plan = build_plan(projects_per_policy=projects_per_policy, policies=2)
    with django_assert_num_queries(5):
        response = client.get(methodology_url(plan))
    assert [row.status.code for row in response.context["examples"]] == list(EXAMPLE_STATUSES)


def test_methodology_examples_are_the_first_of_each_kind_in_the_summary_order(client, build_plan):
    plan = build_plan(projects_per_policy=6, policies=2)
    Project.objects.filter(number="100").update(summary_order=None)  # not in the table
    Indicator.objects.filter(project__number="104").update(
        target_kind="increase", target_value=None, target_wording="拡充"
    )
    refresh_plan_judgements(plan.pk)
    examples = client.get(methodology_url(plan)).context["examples"]
    assert [row.project.number for row in examples] == ["103", "101", "102", "104"]
