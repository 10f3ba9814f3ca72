"""A planner starts a plan from the table Kanazawa published: 計画 → 達成状況表から作成,
uploads the PDF's text, reads the preview (threshold range, proposal), tries a stricter
threshold and sees the row the city judged differently, goes back to the proposal,
confirms, and citizens see the same table on the new plan's policy page."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_planner_previews_corrects_and_confirms_a_summary(
    live_server, sign_in, page, console_errors, make_user, kanazawa_seed
):
    from indicators.models import Indicator
    from policies.models import Plan

    planner = make_user("planner", username="planner")
    sign_in(page, planner.username)
    page.goto(live_server.url + "/admin/policies/plan/")
    page.get_by_role("link", name="達成状況表から作成").click()

    page.set_input_files("input[name=file]", str(kanazawa_seed))
    page.fill("input[name=slug]", "kanazawa-import")
    page.fill("input[name=name]", "かなざわ子育て夢プラン 2020（取込）")
    page.get_by_role("button", name="確認する").click()

    range_text = page.locator("p.summary-threshold-range").inner_text()
    assert "634,531 ÷ 688,518 ≈ 0.9216" in range_text and "40 ÷ 41 ≈ 0.9756" in range_text
    assert "提案する基準: 0.95" in page.locator("p.summary-threshold-proposal").inner_text()
    assert page.locator("input[name=threshold]").input_value() == "0.95"
    assert page.locator("p.summary-agree").is_visible()
    assert page.locator("table.summary-indicators tbody tr").count() == 18
    assert not Plan.objects.exists()

    # A stricter threshold than the city's: No. 4 would not be 概ね達成.
    page.fill("input[name=threshold]", "0.98")
    page.get_by_role("button", name="再確認する").click()
    differing = page.locator("table.summary-disagreements tbody tr")
    assert differing.count() == 1
    assert "4 実施か所数" in differing.inner_text() and "未達成" in differing.inner_text()

    # The planner marks an indicator lower-is-better, then goes back to the proposal.
    page.select_option("select[name='direction:127/0']", "down")
    page.fill("input[name=threshold]", "0.95")
    page.get_by_role("button", name="再確認する").click()
    assert page.locator("select[name='direction:127/0']").input_value() == "down"
    page.select_option("select[name='direction:127/0']", "up")
    page.get_by_role("button", name="確定して作成する").click()

    assert "達成状況表から作成しました" in page.locator("ul.messagelist").inner_text()
    plan = Plan.objects.get(slug="kanazawa-import")
    assert Indicator.objects.filter(project__plan=plan, direction="up").count() == 18

    page.goto(live_server.url + "/plans/kanazawa-import/policies/1/")
    table = page.locator("table").first.inner_text()
    assert "688,518 人" in table and "概ね達成" in table
    assert [e for e in console_errors if "Content Security Policy" in e] == []


def test_the_upload_and_preview_have_no_serious_violation(
    live_server, sign_in, axe_page, serious_violations, make_user, kanazawa_seed
):
    make_user("planner", username="planner")
    sign_in(axe_page, "planner")
    axe_page.goto(live_server.url + "/admin/policies/plan/summary/")
    assert serious_violations(axe_page) == []
    axe_page.set_input_files("input[name=file]", str(kanazawa_seed))
    axe_page.fill("input[name=slug]", "k")
    axe_page.fill("input[name=name]", "夢プラン")
    axe_page.fill("input[name=threshold]", "0.98")  # with a disagreeing row listed
    axe_page.get_by_role("button", name="確認する").click()
    axe_page.wait_for_selector("table.summary-disagreements")
    assert serious_violations(axe_page) == []
