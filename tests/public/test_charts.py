"""The chart's geometry: round ticks, years spaced by time, targets drawn or stated."""

import itertools
from decimal import Decimal

import pytest

from indicators.models import Indicator
from yumeplan.public import charts


@pytest.mark.parametrize(
    ("top", "ticks"),
    [
        ("150", ["0", "50", "100", "150"]),
        ("32", ["0", "10", "20", "30", "40"]),
        ("99.80", ["0", "25", "50", "75", "100"]),
        ("688518", ["0", "200000", "400000", "600000", "800000"]),
        ("0.9", ["0", "0.25", "0.50", "0.75", "1.00"]),
        ("0", ["0", "1"]),
    ],
)
def test_ticks_are_round_numbers_from_zero_to_at_least_the_top(top, ticks):
    assert charts.nice_ticks(Decimal(top)) == [Decimal(tick) for tick in ticks]


def _indicator(build_plan, **changes):
    build_plan(projects_per_policy=1, policies=1)
    Indicator.objects.update(**changes)
    return Indicator.objects.select_related("project__basic_policy__plan").get()


def test_one_figure_is_drawn_against_the_baseline_year_not_four_empty_years(build_plan):
    indicator = _indicator(build_plan)
    chart = charts.chart_geometry(indicator, [(2024, Decimal("96"))], 2019)
    assert [label["year"] for label in chart["x_labels"]] == [2019, 2024]
    assert len(chart["points"]) == 1 and chart["polyline"].count(",") == 1
    assert Decimal(chart["baseline"]["x"]) == chart["left"] + charts.INSET
    assert chart["target"] is not None
    assert chart["latest"].label == "96 人" and chart["latest_anchor"] == "end"
    # Tick labels are numbers only; the unit is written once.
    assert [tick["text"] for tick in chart["y_ticks"]] == ["0", "25", "50", "75", "100"]
    assert chart["unit"] == "人"


def test_qualitative_targets_draw_no_target_line_but_maintain_draws_the_baseline(build_plan):
    indicator = _indicator(build_plan, target_kind="increase", target_value=None)
    assert charts.chart_geometry(indicator, [(2024, Decimal("96"))], 2019)["target"] is None
    indicator.target_kind = "maintain"
    chart = charts.chart_geometry(indicator, [(2024, Decimal("96"))], 2019)
    assert chart["target"]["y"] == chart["baseline"]["y"]


def test_no_published_figure_still_draws_axes_and_the_target(build_plan):
    indicator = _indicator(build_plan, baseline_value=None, baseline_fiscal_year=None)
    chart = charts.chart_geometry(indicator, [], 2019)
    assert chart["points"] == [] and chart["latest"] is None
    assert [label["year"] for label in chart["x_labels"]] == [2024]


def test_close_years_keep_their_labels_apart(build_plan):
    indicator = _indicator(build_plan)
    published = [(year, Decimal("90")) for year in range(2005, 2025)]
    labels = charts.chart_geometry(indicator, published, 2004)["x_labels"]
    xs = [Decimal(label["x"]) for label in labels]
    assert labels[0]["year"] == 2004 and labels[-1]["year"] == 2024
    assert all(b - a >= charts.MIN_LABEL_GAP for a, b in itertools.pairwise(xs))
