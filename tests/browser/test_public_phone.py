"""Phone first (issue 12): at 390 px every column of the achievement table and of the
search results is on screen without sideways scrolling, the status first; every page that
shows a status has the legend and the methodology link; new pages pass axe at both widths."""

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db(transaction=True)

PLAN = "/plans/kanazawa-yumeplan-2020/"
WIDTHS = [390, 1280]


@pytest.fixture
def kanazawa(db):
    call_command("loaddata", "kanazawa_yumeplan2020", verbosity=0)


@pytest.fixture
def at_width(browser):
    contexts = []

    def open_page(width, bypass_csp=False):
        context = browser.new_context(
            viewport={"width": width, "height": 800}, locale="ja-JP", bypass_csp=bypass_csp
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield open_page
    for context in contexts:
        context.close()


CELLS_OFF_SCREEN = """(width) => {
  const cells = [...document.querySelectorAll('table.card-table tbody th, table.card-table tbody td')];
  return {
    count: cells.length,
    off: cells.filter(cell => {
      const box = cell.getBoundingClientRect();
      return box.width === 0 || box.left < 0 || box.right > width + 0.5;
    }).map(cell => cell.textContent.trim().slice(0, 30)),
  };
}"""


@pytest.mark.parametrize(
    "path", ["policies/1/", "policies/2/", "search/", "search/?status=not_achieved"]
)
def test_every_table_cell_is_on_screen_at_390_px(live_server, at_width, kanazawa, path):
    page = at_width(390)
    page.goto(f"{live_server.url}{PLAN}{path}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    cells = page.evaluate(CELLS_OFF_SCREEN, 390)
    assert cells["count"] > 10
    assert cells["off"] == []


def test_the_status_comes_first_in_each_card_at_390_px(live_server, at_width, kanazawa):
    page = at_width(390)
    page.goto(f"{live_server.url}{PLAN}policies/1/")
    row = page.locator("table.achievement-table tbody tr").first
    status_top = row.locator(".status-cell").bounding_box()["y"]
    for selector in (".project-number", ".project-name", "td.number"):
        assert status_top < row.locator(selector).first.bounding_box()["y"]
    # The column's name is written beside each value, as the header row is hidden.
    label = row.locator("td.number").last.evaluate(
        "cell => getComputedStyle(cell, '::before').content"
    )
    assert label == '"R6実績"'


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", ["", "policies/3/", "projects/30/"])
def test_pages_with_a_status_show_the_legend_and_methodology_link(
    live_server, at_width, kanazawa, width, path
):
    page = at_width(width)
    page.goto(f"{live_server.url}{PLAN}{path}")
    legend = page.get_by_role("complementary", name="達成状況の凡例")
    assert legend.is_visible()
    link = legend.get_by_role("link", name="達成状況の決め方")
    assert link.is_visible()
    link.click()
    page.wait_for_url(f"{live_server.url}{PLAN}methodology/")
    assert page.locator("h1").inner_text() == "達成状況の決め方"


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(
    "path",
    [
        f"{PLAN}methodology/",
        "/data/",
        "/data/api/",
        f"/en{PLAN}methodology/",
        "/en/data/",
        # the pages that changed: cards at 390 px, the legend, the new chart
        f"{PLAN}policies/2/",
        f"{PLAN}projects/64/",
        f"{PLAN}search/",
        f"/en{PLAN}projects/2/",
    ],
)
def test_new_and_changed_pages_have_no_serious_accessibility_violations(
    live_server, at_width, kanazawa, serious_violations, width, path
):
    page = at_width(width, bypass_csp=True)
    page.goto(f"{live_server.url}{path}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert serious_violations(page) == []


@pytest.mark.parametrize("width", WIDTHS)
def test_plan_page_with_status_bars_has_no_serious_accessibility_violations(
    live_server, at_width, kanazawa, serious_violations, width
):
    page = at_width(width, bypass_csp=True)
    page.goto(f"{live_server.url}{PLAN}")
    bars = page.locator(".status-bar")
    assert bars.count() == 6
    assert bars.first.get_attribute("aria-label") == "達成 13、概ね達成 1、未達成 4、未集計 0"
    assert serious_violations(page) == []


@pytest.mark.parametrize("width", WIDTHS)
def test_status_bar_segments_are_as_wide_as_their_share(live_server, at_width, kanazawa, width):
    page = at_width(width)
    page.goto(f"{live_server.url}{PLAN}")
    bar = page.locator(".status-bar").first  # the whole plan: 13, 1 and 4 of 18
    total = bar.bounding_box()["width"]
    shares = [
        segment.bounding_box()["width"] / total
        for segment in bar.locator(".status-bar-segment").all()
    ]
    assert len(shares) == 3
    # A small segment keeps room for its mark and count (min-width), so on a phone the
    # others give up a little of their share.
    tolerance = 0.03 if width > 390 else 0.08
    assert abs(shares[0] - 13 / 18) < tolerance
    assert abs(shares[2] - 4 / 18) < tolerance
    assert shares[0] > shares[2] > shares[1]
    assert sum(shares) > 0.98  # the segments fill the bar
