"""English pages under /en/, a language switch that keeps the page, English names if entered."""

import pytest

from policies.models import Plan, Project

pytestmark = pytest.mark.django_db


def test_japanese_is_the_default_at_the_stable_urls(client, build_plan):
    plan = build_plan(policies=1)
    html = client.get(plan.get_absolute_url()).content.decode()
    assert '<html lang="ja">' in html and "本文へ移動" in html
    # Even a browser asking for English gets the Japanese page at the Japanese URL.
    html = client.get(plan.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="ja">' in html


def test_english_pages_translate_the_interface_and_use_english_names(client, build_plan):
    plan = build_plan(projects_per_policy=3, policies=1)
    Plan.objects.filter(pk=plan.pk).update(name_en="Test plan")
    Project.objects.filter(number="100").update(name_en="Picture books")
    html = client.get(f"/en/plans/{plan.slug}/").content.decode()
    assert '<html lang="en">' in html
    assert "Skip to content" in html and "Basic policies and their status" in html
    assert "<h1>Test plan</h1>" in html
    assert "Mostly achieved" in html
    html = client.get(f"/en/plans/{plan.slug}/policies/1/").content.decode()
    assert "Picture books" in html and "事業1-1" in html  # no English name: Japanese stays
    assert '<th scope="col">R6 target</th>' in html
    html = client.get(f"/en/plans/{plan.slug}/projects/100/").content.decode()
    assert "Picture books" in html and "How it was judged" in html
    assert "Higher is better" in html
    html = client.get(f"/en/plans/{plan.slug}/search/?status=achieved").content.decode()
    assert "1 result" in html and "Search projects and indicators" in html


def test_language_switch_links_to_the_same_page_with_its_filters(client, build_plan):
    plan = build_plan(policies=1)
    html = client.get(f"/plans/{plan.slug}/search/?q=%E4%BA%8B%E6%A5%AD&status=achieved")
    assert (
        f'href="/en/plans/{plan.slug}/search/?q=%E4%BA%8B%E6%A5%AD&amp;status=achieved" '
        'hreflang="en" lang="en">English</a>'
    ) in html.content.decode()
    html = client.get(f"/en/plans/{plan.slug}/policies/1/").content.decode()
    assert f'href="/plans/{plan.slug}/policies/1/" hreflang="ja" lang="ja">日本語</a>' in html


def test_accessibility_statement_in_both_languages(client, db):
    html = client.get("/accessibility/").content.decode()
    assert "ウェブアクセシビリティ方針" in html and "JIS X 8341-3:2016" in html
    assert "axe-core" in html
    html = client.get("/en/accessibility/").content.decode()
    assert "Web accessibility policy" in html and "WCAG 2.1 level AA" in html
    assert 'href="/accessibility/"' in client.get("/").content.decode()


def test_qualitative_targets_are_translated_on_english_pages(client, build_plan):
    from indicators.models import Indicator

    plan = build_plan(projects_per_policy=1, policies=1)
    Indicator.objects.update(target_kind="increase", target_value=None, target_wording="拡充")
    assert "拡充" in client.get(f"/plans/{plan.slug}/policies/1/").content.decode()
    html = client.get(f"/en/plans/{plan.slug}/policies/1/").content.decode()
    assert '<td class="number" data-label="R6 target">Expand</td>' in html


def test_english_pages_write_fiscal_years_without_japanese(client, build_plan):
    plan = build_plan(policies=1)
    html = client.get(f"/en/plans/{plan.slug}/").content.decode()
    assert "Reiwa 2 to Reiwa 6 (FY2020–2024)" in html
    assert "令和" not in html
    html = client.get(f"/en/plans/{plan.slug}/projects/100/").content.decode()
    assert '<abbr title="Reiwa 1 (FY2019)">R1</abbr>' in html and "元年" not in html
    html = client.get(f"/plans/{plan.slug}/projects/100/").content.decode()
    assert '<abbr title="令和元年度（2019年度）">R元年</abbr>' in html


def test_english_project_page_says_in_english_how_the_status_was_judged(client, build_plan):
    plan = build_plan(projects_per_policy=3, policies=1)
    html = client.get(f"/en/plans/{plan.slug}/projects/101/").content.decode()
    assert (
        '<p class="judgement">How it was judged: 96 人 against a target of 100 人 (96.0%)</p>'
        in html
    )
    assert "目標値" not in html and "に対し" not in html
    # The Japanese page keeps the Japanese sentence and has no English one.
    html = client.get(f"/plans/{plan.slug}/projects/101/").content.decode()
    assert '<p class="judgement">判定の根拠: 目標値 100 人に対し 96 人（96.0%）</p>' in html
    assert "against a target" not in html


def test_english_project_page_says_in_english_when_there_is_no_figure(client, build_plan):
    plan = build_plan(projects_per_policy=1, policies=1, published=False)
    html = client.get(f"/en/plans/{plan.slug}/projects/100/").content.decode()
    assert "How it was judged: No actual reported yet</p>" in html
    assert "実績が未集計です" not in html
    html = client.get(f"/plans/{plan.slug}/projects/100/").content.decode()
    assert "判定の根拠: 実績が未集計です</p>" in html
