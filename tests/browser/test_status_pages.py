"""A planner opens the dashboard, approves from the review queue and opens the report."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_planner_reads_dashboard_reviews_and_opens_report(
    live_server, sign_in, page, console_errors, build_plan, make_user
):
    from indicators.models import Actual

    plan = build_plan(projects_per_policy=3, policies=1, published=False)
    officer = make_user("officer", username="officer")
    Actual.objects.update(state="submitted", submitted_by=officer)
    planner = make_user("planner", username="planner")

    sign_in(page, planner.username)

    page.goto(f"{live_server.url}/staff/plans/{plan.slug}/2024/")
    row = page.locator("table.staff-counts").nth(1).locator("tbody tr").first
    assert "方針1をつなぐまちへ" in row.inner_text()
    # 達成 1, 概ね達成 1, 未達成 1, 未集計 0 (3 fewer than the year before)
    assert [cell.inner_text() for cell in row.locator("td").all()[:4]] == [
        "1 (+1)",
        "1 (+1)",
        "1 (+1)",
        "0 (-3)",
    ]
    # and the stacked bars of both years, as on the public site
    assert row.get_by_role("img", name="達成 1、概ね達成 1、未達成 1、未集計 0").is_visible()
    assert row.get_by_role("img", name="達成 0、概ね達成 0、未達成 0、未集計 3").is_visible()

    page.get_by_role("link", name="承認待ち").click()
    page.locator("input[name=actual]").first.check()
    page.locator("input[name=actual]").nth(1).check()
    page.get_by_role("button", name="選んだ実績を承認").click()
    assert "2 件を承認しました" in page.locator("ul.messagelist").inner_text()
    assert page.locator("input[name=actual]").count() == 1

    page.get_by_role("link", name="施策達成状況概要").click()
    assert "主な指標とその達成状況" in page.content()
    assert page.locator("table.summary-table tbody tr").count() == 3
    with page.expect_download() as download:
        page.get_by_role("link", name="XLSX でダウンロード").click()
    assert download.value.suggested_filename == f"{plan.slug}-2024-summary.xlsx"
    assert console_errors == []
