import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_citizen_walks_from_the_front_page_to_a_policy_table(
    live_server, page, console_errors, build_plan
):
    build_plan(projects_per_policy=3, policies=2)
    page.goto(live_server.url + "/")
    assert page.locator("h1").inner_text() == "テスト計画"
    page.get_by_role("link", name="方針2をつなぐまちへ").click()
    table = page.get_by_role("table")
    assert "基本方針 2 の主な指標" in table.locator("caption").inner_text()
    statuses = table.locator("td.status-cell").all_inner_texts()
    assert [s.strip() for s in statuses] == ["◎達成", "○概ね達成", "△未達成"]
    assert console_errors == []


def test_policy_page_fits_a_phone_and_keyboard_reaches_the_skip_link(
    live_server, browser, build_plan
):
    plan = build_plan(projects_per_policy=3, policies=1)
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="ja-JP")
    page = context.new_page()
    page.goto(live_server.url + plan.get_absolute_url() + "policies/1/")
    page_width = page.evaluate("document.documentElement.scrollWidth")
    assert page_width <= 360, "the page must not scroll sideways; only the table may"
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "本文へ移動"
    context.close()
