"""Zoom to 200 % without loss (a 1280 px window at 200 % is 640 CSS px) and the print view."""

from decimal import Decimal

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def plan(build_plan):
    from indicators.models import Actual, Indicator

    plan = build_plan(projects_per_policy=3, policies=2)
    indicator = Indicator.objects.get(project__number="100")
    Actual.objects.create(
        indicator=indicator, fiscal_year=2022, value=Decimal("75"), published_value=Decimal("75")
    )
    return plan


@pytest.mark.parametrize(
    "path", ["", "policies/1/", "projects/100/", "search/?q=%E4%BA%8B%E6%A5%AD"]
)
def test_pages_do_not_scroll_sideways_at_200_percent(live_server, browser, plan, path):
    context = browser.new_context(viewport={"width": 640, "height": 400}, locale="ja-JP")
    page = context.new_page()
    page.goto(f"{live_server.url}{plan.get_absolute_url()}{path}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 640
    context.close()


def test_policy_page_prints_without_navigation(live_server, page, plan):
    page.goto(f"{live_server.url}{plan.get_absolute_url()}policies/1/")
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.locator(".policy-nav").is_visible()
    assert not page.locator(".downloads").is_visible()
    assert page.get_by_role("table").is_visible()
    assert page.locator("h1").is_visible()


def test_plan_page_prints_its_legend_and_status_bars(live_server, page, plan):
    page.goto(f"{live_server.url}{plan.get_absolute_url()}")
    page.emulate_media(media="print")
    assert page.locator(".legend").is_visible()
    assert page.locator(".status-bar").first.is_visible()
    assert not page.locator(".plan-links").is_visible()
    adjust = page.locator(".status-bar-segment").first.evaluate(
        "segment => getComputedStyle(segment).printColorAdjust"
    )
    assert adjust == "exact"
