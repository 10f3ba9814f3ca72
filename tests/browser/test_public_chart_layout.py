"""The project chart at 390 and 1280 px (issue 12): no text outside the view box, no two
labels overlapping, labels at least 12 px on a phone, for one figure as for five."""

from decimal import Decimal

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db(transaction=True)

KANAZAWA = "/plans/kanazawa-yumeplan-2020/projects/"

TEXT_BOXES = """() => [...document.querySelectorAll('svg.chart')].map(svg => {
  const view = svg.viewBox.baseVal;
  const scale = svg.getScreenCTM().a;
  return [...svg.querySelectorAll('text')].map(text => {
    const box = text.getBBox();
    const screen = text.getBoundingClientRect();
    return {
      text: text.textContent,
      inside: box.x >= view.x && box.y >= view.y
        && box.x + box.width <= view.x + view.width && box.y + box.height <= view.y + view.height,
      px: parseFloat(getComputedStyle(text).fontSize) * scale,
      left: screen.left, right: screen.right, top: screen.top, bottom: screen.bottom,
    };
  });
})"""


def overlapping(boxes):
    pairs = []
    for index, a in enumerate(boxes):
        for b in boxes[index + 1 :]:
            width = min(a["right"], b["right"]) - max(a["left"], b["left"])
            height = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
            if width > 0.5 and height > 0.5:
                pairs.append((a["text"], b["text"]))
    return pairs


def assert_readable_charts(page, width, expected_charts):
    charts = page.evaluate(TEXT_BOXES)
    assert len(charts) == expected_charts
    for boxes in charts:
        assert len(boxes) >= 5  # ticks, years, the unit or the latest figure
        assert [box["text"] for box in boxes if not box["inside"]] == []
        assert overlapping(boxes) == []
        if width <= 390:
            assert min(box["px"] for box in boxes) >= 12


@pytest.fixture
def five_years(build_plan):
    """A synthetic series with a figure every year and long numbers, beside a qualitative
    target with a baseline from another year (H30)."""
    from indicators.models import Actual, Indicator

    plan = build_plan(projects_per_policy=2, policies=1, slug="series")
    indicator = Indicator.objects.get(project__number="100", project__plan=plan)
    Indicator.objects.filter(pk=indicator.pk).update(
        baseline_value=Decimal("612345"), target_value=Decimal("700000")
    )
    Actual.objects.filter(indicator=indicator).delete()
    values = ("598000", "640250", "655010", "688518", "701234")
    for year, value in zip(range(2020, 2025), values, strict=True):
        Actual.objects.create(
            indicator=indicator, fiscal_year=year, value=Decimal(value), published_value=value
        )
    Indicator.objects.filter(project__number="101", project__plan=plan).update(
        target_kind="increase", target_value=None, target_wording="拡充", baseline_fiscal_year=2018
    )
    return plan


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("number", ["1", "2", "30", "44", "R5-1"])
def test_kanazawa_charts_have_no_clipped_or_overlapping_text(
    live_server, browser, db, width, number
):
    call_command("loaddata", "kanazawa_yumeplan2020", verbosity=0)
    from indicators.models import Indicator

    count = Indicator.objects.filter(
        project__number=number, project__plan__slug="kanazawa-yumeplan-2020"
    ).count()
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="ja-JP")
    page = context.new_page()
    page.goto(f"{live_server.url}{KANAZAWA}{number}/")
    assert_readable_charts(page, width, count)
    context.close()


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("language", ["", "/en"])
def test_five_years_and_qualitative_targets_read_at_both_widths(
    live_server, browser, five_years, width, language
):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="ja-JP")
    page = context.new_page()
    page.goto(f"{live_server.url}{language}/plans/series/projects/100/")
    assert_readable_charts(page, width, 1)
    chart = page.locator("svg.chart")
    assert chart.locator("circle.chart-point").count() == 5
    assert chart.locator("line.chart-target").count() == 1
    page.goto(f"{live_server.url}{language}/plans/series/projects/101/")
    assert_readable_charts(page, width, 1)
    assert page.locator("svg.chart line.chart-target").count() == 0
    legend = page.locator(".chart-legend").inner_text()
    assert ("基準値を上回ること" in legend) or ("above the baseline" in legend)
    context.close()
