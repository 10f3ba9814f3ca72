from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.models import Indicator
from policies.models import BasicPolicy, Plan, Project

pytestmark = pytest.mark.django_db


def policy_url(plan, number):
    return reverse("public:basic_policy_detail", kwargs={"slug": plan.slug, "number": number})


def test_front_page_redirects_to_the_only_plan(client, build_plan):
    plan = build_plan()
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == plan.get_absolute_url()


def test_front_page_lists_plans_when_there_are_several(client, build_plan):
    build_plan(slug="one")
    build_plan(slug="two")
    response = client.get("/")
    assert response.status_code == 200
    assert response.content.decode().count('href="/plans/') == 2


def test_front_page_without_plans_says_so(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert "公開されている計画はまだありません" in response.content.decode()


def test_plan_page_shows_the_plan_and_status_counts_per_policy(client, build_plan):
    plan = build_plan(projects_per_policy=4)
    response = client.get(plan.get_absolute_url())
    assert response.status_code == 200
    policies = response.context["basic_policies"]
    assert [p.number for p in policies] == [1, 2]
    counts = policies[0].status_counts
    # Actuals cycle 100, 96, 50, 100 against a target of 100 with θ = 0.95.
    assert (counts.achieved, counts.mostly_achieved, counts.not_achieved) == (2, 1, 1)
    assert counts.not_reported == 0
    html = response.content.decode()
    assert "みんなで" in html and "視点その二" in html
    assert "令和2年度〜令和6年度" in html
    assert "<strong>つなぐ</strong>" in html


def test_plan_page_counts_indicators_without_an_actual_as_not_reported(client, build_plan):
    plan = build_plan(projects_per_policy=1, policies=1)
    Indicator.objects.get().actuals.all().delete()
    response = client.get(plan.get_absolute_url())
    counts = response.context["basic_policies"][0].status_counts
    assert counts.not_reported == 1
    assert counts.achieved == counts.mostly_achieved == counts.not_achieved == 0


def test_official_status_wins_on_public_pages_and_the_difference_is_said(client, build_plan):
    plan = build_plan(projects_per_policy=3, policies=1, official=True)
    response = client.get(plan.get_absolute_url())
    assert response.context["basic_policies"][0].status_counts.achieved == 3
    html = client.get(policy_url(plan, 1)).content.decode()
    assert "（計算上は 概ね達成）" in html
    assert "（計算上は 未達成）" in html


def test_policy_page_shows_the_achievement_table(client, build_plan):
    plan = build_plan(projects_per_policy=3)
    response = client.get(policy_url(plan, 1))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<caption" in html and '<th scope="col">R元年実績</th>' in html
    assert '<th scope="col">R6目標値</th>' in html and '<th scope="col">R6実績</th>' in html
    assert "80 人" in html and "100 人" in html and "96 人" in html
    rows = response.context["rows"]
    assert [row.status.code for row in rows] == ["achieved", "mostly_achieved", "not_achieved"]
    assert "施策1" in html and "取組2" in html


def test_headings_follow_the_plan_years(client, build_plan):
    plan = build_plan(projects_per_policy=1, policies=1)
    Plan.objects.filter(pk=plan.pk).update(baseline_fiscal_year=2018, end_fiscal_year=2026)
    html = client.get(policy_url(plan, 1)).content.decode()
    assert '<th scope="col">H30実績</th>' in html
    assert '<th scope="col">R8目標値</th>' in html


def test_project_with_two_indicators_spans_two_rows_and_one_without_shows_a_row(client, build_plan):
    plan = build_plan(projects_per_policy=1, policies=1)
    project = Project.objects.get()
    Indicator.objects.create(
        project=project,
        name="実施回数",
        unit="回",
        target_kind="maintain",
        baseline_value=Decimal("10"),
        baseline_fiscal_year=2019,
        order=1,
    )
    Project.objects.create(
        basic_policy=project.basic_policy, number="999", name="指標のない事業", summary_order=9
    )
    html = client.get(policy_url(plan, 1)).content.decode()
    assert 'rowspan="2"' in html
    assert "指標のない事業" in html and "指標の記載なし" in html
    # The maintain indicator has no actual: no status, never 未達成.
    assert "未集計" in html


def test_projects_outside_the_summary_table_are_not_rows(client, build_plan):
    plan = build_plan(projects_per_policy=2, policies=1)
    Project.objects.filter(number="101").update(summary_order=None)
    rows = client.get(policy_url(plan, 1)).context["rows"]
    assert [row.project.number for row in rows] == ["100"]


def test_unknown_plan_and_policy_answer_404(client, build_plan):
    plan = build_plan(policies=1)
    assert client.get("/plans/nope/").status_code == 404
    assert client.get(policy_url(plan, 7)).status_code == 404


@pytest.mark.parametrize("projects_per_policy", [1, 12])
def test_pages_run_a_fixed_number_of_queries(
    client, build_plan, django_assert_num_queries, projects_per_policy
):
    plan = build_plan(projects_per_policy=projects_per_policy, policies=3)
    # the public version, plan, policies, the counts, the last publication, the years with
    # a published figure (PDF links): all three from the stored summaries; and the public
    # version's date (no figure has a publication date here)
    with django_assert_num_queries(7):
        assert client.get(plan.get_absolute_url()).status_code == 200
    # + measures, a page of summary projects (their number stored, read with the policy),
    # highlights, sibling policies (the plan comes with the policy)
    with django_assert_num_queries(8):
        assert client.get(policy_url(plan, 2)).status_code == 200


def test_policy_title_emphasises_its_keyword(db, build_plan):
    build_plan(policies=1)
    policy = BasicPolicy.objects.get()
    assert policy.title_parts == ("方針1を", "つなぐ", "まちへ")


def test_pages_carry_a_strict_content_security_policy(client, build_plan):
    plan = build_plan(policies=1)
    response = client.get(plan.get_absolute_url())
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "<script" not in response.content.decode()
    assert "style=" not in response.content.decode()


def test_public_pages_show_published_figures_only(client, build_plan):
    from indicators.models import Actual
    from indicators.services.judgements import recompute_all_judgements

    plan = build_plan(projects_per_policy=3, policies=1, published=False)
    # One figure was published at 100 and later edited to 50, not yet republished.
    Actual.objects.filter(indicator__project__number="100").update(
        state="published", published_value=Decimal("100"), value=Decimal("50")
    )
    recompute_all_judgements()  # a raw update sends no signal
    response = client.get(plan.get_absolute_url())
    counts = response.context["basic_policies"][0].status_counts
    assert (counts.achieved, counts.not_reported) == (1, 2)
    html = client.get(policy_url(plan, 1)).content.decode()
    assert "100 人" in html  # the published value and the target
    assert "96 人" not in html and "50 人" not in html
    assert html.count('<span class="not-reported">未集計</span>') == 2


def test_plan_page_totals_the_whole_plan_at_a_glance(client, build_plan):
    plan = build_plan(projects_per_policy=3, policies=2)
    response = client.get(plan.get_absolute_url())
    total = response.context["total_counts"]
    assert (total.achieved, total.mostly_achieved, total.not_achieved, total.total) == (2, 2, 2, 6)
    assert "計画全体（指標 6）" in response.content.decode()


def test_plan_page_says_when_figures_were_last_published(client, build_plan):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from indicators.models import Actual
    from indicators.services.summaries import refresh_plan_summaries

    plan = build_plan(projects_per_policy=2, policies=1)
    tokyo = ZoneInfo("Asia/Tokyo")
    Actual.objects.update(published_at=datetime(2025, 3, 31, 10, tzinfo=tokyo))
    Actual.objects.filter(indicator__project__number="101").update(
        published_at=datetime(2025, 6, 2, 9, tzinfo=tokyo), value=Decimal("1")
    )
    refresh_plan_summaries(plan.pk)  # as the publication service does
    html = client.get(plan.get_absolute_url()).content.decode()
    assert '<time datetime="2025-06-02">2025年6月2日</time>' in html
    english = client.get("/en" + plan.get_absolute_url()).content.decode()
    assert "Last published" in english and "June 2, 2025" in english


def test_plan_page_leaves_the_date_out_when_it_is_not_known(client, build_plan):
    from indicators.models import Actual
    from indicators.services.summaries import refresh_plan_summaries

    plan = build_plan(projects_per_policy=1, policies=1)
    Actual.objects.update(published_at=None)  # published, but nobody recorded when
    refresh_plan_summaries(plan.pk)
    assert "実績の最終公表日" not in client.get(plan.get_absolute_url()).content.decode()


def test_policy_page_lists_main_indicators_a_page_at_a_time_and_links_the_full_list(
    client, build_plan, monkeypatch
):
    from yumeplan.public import views

    plan = build_plan(projects_per_policy=5, policies=1)
    Indicator.objects.get(project__number="101").delete()  # a project with no indicator
    not_main = Indicator.objects.get(project__number="102")
    not_main.is_main = False
    not_main.save()
    monkeypatch.setattr(views, "POLICY_PAGE_SIZE", 2)
    first = client.get(policy_url(plan, 1))
    numbers = [row.project.number for row in first.context["rows"]]
    assert numbers == ["100", "101"]  # 102 has no main indicator: not in the summary table
    second = client.get(policy_url(plan, 1) + "?page=2")
    assert [row.project.number for row in second.context["rows"]] == ["103", "104"]
    html = first.content.decode()
    assert 'href="?page=2" rel="next"' in html
    assert f'href="/plans/{plan.slug}/search/?policy=1"' in html
