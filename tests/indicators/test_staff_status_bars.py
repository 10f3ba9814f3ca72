"""Planners see the public site's stacked status bars too: per policy, measure and
department, the previous (or compared) year beside the current one."""

import re
from decimal import Decimal

from indicators.models import Actual, Indicator


def bars(html):
    return re.findall(r'<div class="status-bar" role="img" aria-label="([^"]+)">', html)


def test_dashboard_shows_a_bar_per_group_for_both_years(client, build_plan, make_user):
    plan = build_plan(projects_per_policy=3, policies=2)
    indicator = Indicator.objects.get(project__number="100")
    Actual.objects.create(indicator=indicator, fiscal_year=2023, value=Decimal("50"))
    client.force_login(make_user("planner"))
    response = client.get(f"/staff/plans/{plan.slug}/2024/")
    html = response.content.decode()
    assert "indicators/status_bars.css" in html
    assert "内訳（R5 と R6）" in html
    found = bars(html)
    # total, 2 policies, 2 measures, 1 department row: R6 each; R5 only where it has counts
    assert found[:2] == [
        "達成 0、概ね達成 0、未達成 1、未集計 5",
        "達成 2、概ね達成 2、未達成 2、未集計 0",
    ]
    assert found[2:4] == [
        "達成 0、概ね達成 0、未達成 1、未集計 2",
        "達成 1、概ね達成 1、未達成 1、未集計 0",
    ]
    assert len(found) == 2 * (1 + 2 + 2 + 1)
    assert "style=" not in html.split('<div class="status-bar"', 1)[1]


def test_comparison_shows_the_bars_of_the_compared_year(client, build_plan, make_user):
    plan = build_plan(projects_per_policy=3, policies=1)
    indicator = Indicator.objects.get(project__number="100")
    Actual.objects.create(indicator=indicator, fiscal_year=2022, value=Decimal("100"))
    client.force_login(make_user("planner"))
    html = client.get(f"/staff/plans/{plan.slug}/2024/comparison/?with=2022").content.decode()
    assert "内訳（R4 と R6）" in html
    assert bars(html)[:2] == [
        "達成 1、概ね達成 0、未達成 0、未集計 2",
        "達成 1、概ね達成 1、未達成 1、未集計 0",
    ]
