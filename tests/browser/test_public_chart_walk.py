"""A reader walks from / to a project's chart in Japanese, then in English."""

from decimal import Decimal

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def plan(build_plan):
    from indicators.models import Actual, Indicator
    from policies.models import Plan, Project

    plan = build_plan(projects_per_policy=2, policies=2)
    Plan.objects.filter(pk=plan.pk).update(name_en="Test plan")
    Project.objects.filter(number="201").update(name_en="Picture books")
    indicator = Indicator.objects.get(project__number="201")
    Actual.objects.create(
        indicator=indicator, fiscal_year=2022, value=Decimal("90"), published_value=Decimal("90")
    )
    return plan


def test_walk_to_a_project_chart_in_japanese_and_english(live_server, page, console_errors, plan):
    page.goto(live_server.url + "/")
    assert page.locator("h1").inner_text() == "テスト計画"
    page.get_by_role("link", name="方針2をつなぐまちへ").click()
    page.get_by_role("link", name="事業2-1", exact=True).click()
    assert "事業2-1" in page.locator("h1").inner_text()
    chart = page.get_by_role("img", name="利用者数の年度別実績")
    assert chart.is_visible()
    assert chart.locator("circle.chart-point").count() == 2
    table = page.get_by_role("table", name="利用者数の年度別実績")
    assert "90 人" in table.inner_text() and "96 人" in table.inner_text()
    assert "概ね達成" in page.locator(".status-box").inner_text()

    # The language switch keeps the page.
    page.get_by_role("link", name="English").click()
    assert page.url == f"{live_server.url}/en/plans/{plan.slug}/projects/201/"
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Picture books" in page.locator("h1").inner_text()
    assert page.get_by_role("img", name="利用者数: actuals by fiscal year").is_visible()

    # And the English walk from the top.
    page.goto(live_server.url + "/en/")
    assert page.locator("h1").inner_text() == "Test plan"
    page.get_by_role("link", name="Search projects and indicators").click()
    page.get_by_label("Status", exact=True).select_option("mostly_achieved")
    page.get_by_role("button", name="Search").click()
    assert "status=mostly_achieved" in page.url
    assert page.locator(".result-count").inner_text() == "2 results"
    page.get_by_role("link", name="Picture books").click()
    assert page.get_by_role("img", name="利用者数: actuals by fiscal year").is_visible()
    assert "Mostly achieved" in page.locator(".status-box").inner_text()
    assert console_errors == []
