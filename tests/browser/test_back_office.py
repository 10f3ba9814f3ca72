"""An officer enters and submits a year's figures; a planner approves and publishes them;
citizens then see them on the policy page."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def log_out(page):
    page.context.clear_cookies()


def test_officer_submits_and_planner_publishes(
    live_server, sign_in, page, console_errors, build_plan, make_user
):
    from indicators.models import Actual, Indicator
    from policies.models import Department

    plan = build_plan(projects_per_policy=1, policies=1, published=False)
    department = Department.objects.create(name="こども政策課")
    plan.projects.update(department=department)
    indicator = Indicator.objects.get(project__plan=plan)
    officer = make_user("officer", departments=[department], username="officer")
    planner = make_user("planner", username="planner")

    # The public page shows no figure yet: nothing is published.
    policy_url = live_server.url + plan.get_absolute_url() + "policies/1/"
    page.goto(policy_url)
    assert "1,234 人" not in page.content()

    sign_in(page, officer.username)
    page.goto(live_server.url + "/admin/indicators/actual/entry/?fiscal_year=2024")
    row = page.locator(f"tr[data-indicator='{indicator.pk}']")
    assert "事業1-0" in row.inner_text()
    row.locator("input.entry-value").fill("１，２３４人")
    row.locator("textarea.entry-note").fill("新施設の開設により増加")
    page.get_by_role("button", name="保存して提出").click()
    assert "1 件を提出しました" in page.locator("ul.messagelist").inner_text()
    assert (
        "提出済み" in page.locator(f"tr[data-indicator='{indicator.pk}'] .entry-state").inner_text()
    )
    log_out(page)

    sign_in(page, planner.username)
    actual = Actual.objects.get(indicator=indicator, fiscal_year=2024)
    page.goto(live_server.url + "/admin/indicators/actual/?state__exact=submitted")
    page.check(f"input[name=_selected_action][value='{actual.pk}']")
    page.select_option("select[name=action]", "approve_selected")
    page.click("button[name=index]")
    assert "1 件を承認しました" in page.locator("ul.messagelist").inner_text()

    page.goto(live_server.url + "/admin/indicators/actual/?state__exact=approved")
    page.check(f"input[name=_selected_action][value='{actual.pk}']")
    page.select_option("select[name=action]", "publish_selected")
    page.click("button[name=index]")
    page.get_by_role("button", name="実績の公表").click()
    assert "1 件を公表しました" in page.locator("ul.messagelist").inner_text()
    # Admin pages request /favicon.ico (404); what matters is that CSP blocked nothing.
    assert [e for e in console_errors if "Content Security Policy" in e] == []

    page.goto(policy_url)
    assert "1,234 人" in page.get_by_role("table").inner_text()
