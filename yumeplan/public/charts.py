"""The project page's chart of an indicator, drawn as SVG on the server (no JavaScript).

Hand-written rather than pygal or Vega-Lite: the chart is small and fixed (a line of
published figures, the baseline, the target), and writing it ourselves keeps what a
library would not give together: Decimal arithmetic, the era years (R元, H30), the
``lang`` attribute on Japanese text on English pages, ids for ``aria-labelledby`` and no
``style=`` attribute under the strict CSP, with no dependency to install.

Geometry is in SVG user units; the SVG scales to its container, and the view box is
narrow (360) so that 13-unit labels stay at least 12 px on a 390 px phone. Only the y
tick labels, the unit, the era years and the latest figure are text in the SVG; what the
lines mean is written in the legend beside it, so no text is drawn on a line.
"""

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from indicators.values import format_value

WIDTH, HEIGHT = 360, 230
TOP, BOTTOM, RIGHT = 40, 32, 8
INSET = 14  # between the y axis (and the right edge) and the first (and last) year
FONT = 13  # the labels' font size in user units (site.css .chart-label)
FONT_MIDDLE = Decimal("4.5")  # from a label's baseline to the middle of its digits
CHAR_WIDTH = Decimal("8.5")  # a generous width of a digit or comma at FONT
MIN_LABEL_GAP = 40  # user units between two year labels' centres
NICE_STEPS = (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10))
ONE_PLACE = Decimal("0.1")


@dataclass
class Point:
    x: str
    y: str
    year: int
    label: str


def _coordinate(value: Decimal) -> str:
    return str(value.quantize(ONE_PLACE, rounding=ROUND_HALF_UP))


def nice_ticks(top_value: Decimal, count: int = 4) -> list[Decimal]:
    """0 and round steps (1, 2, 2.5, 5 × 10ⁿ) up to the first tick at or above the top value."""
    if top_value <= 0:
        return [Decimal(0), Decimal(1)]
    raw = top_value / count
    magnitude = Decimal(1).scaleb(raw.adjusted())
    step = next(magnitude * nice for nice in NICE_STEPS if magnitude * nice >= raw)
    steps = (top_value / step).to_integral_value(rounding=ROUND_CEILING)
    return [step * index for index in range(int(steps) + 1)]


def _decimals(values) -> int:
    return max((max(0, -value.normalize().as_tuple().exponent) for value in values), default=0)


def _x_positions(years: list[int], left: int) -> dict[int, Decimal]:
    """Years spaced by time, inset from the axis so that no point sits on a tick label."""
    first, last = min(years), max(years)
    start = Decimal(left + INSET)
    span = Decimal(WIDTH - RIGHT - INSET) - start
    if first == last:
        return {first: start + span / 2}
    return {year: start + span * (year - first) / (last - first) for year in years}


def _year_labels(positions: dict[int, Decimal]) -> list[dict]:
    """Era labels of the years drawn, dropping any too close to the one kept before it;
    the last year is always labelled (it replaces the previous label if need be)."""
    years = sorted(positions)
    kept = [years[0]]
    for year in years[1:]:
        if positions[year] - positions[kept[-1]] >= MIN_LABEL_GAP:
            kept.append(year)
    if kept[-1] != years[-1]:
        if len(kept) > 1:
            kept.pop()
        kept.append(years[-1])
    return [{"x": _coordinate(positions[year]), "year": year} for year in kept]


def _anchor(x: Decimal, left: int) -> str:
    """Where the latest figure's label sits: ending at a point on the right, starting at one
    on the left, centred on one in the middle, so that it stays inside the view box."""
    centre = (Decimal(left) + WIDTH - RIGHT) / 2
    if x > centre + 20:
        return "end"
    if x < centre - 20:
        return "start"
    return "middle"


def chart_geometry(indicator, published: list[tuple[int, Decimal]], baseline_year: int) -> dict:
    """Everything the chart template draws: ``published`` is (fiscal year, value), oldest first."""
    baseline = indicator.baseline_value
    target = indicator.target_value if indicator.target_kind == "numeric" else None
    if indicator.target_kind == "maintain":
        target = baseline
    target_year = indicator.effective_target_fiscal_year
    values = [value for _year, value in published] + [v for v in (baseline, target) if v]
    ticks = nice_ticks(max(values, default=Decimal(0)))
    decimals = _decimals(ticks)
    tick_labels = [format_value(tick, "", decimals) for tick in ticks]
    left = int(max(len(label) for label in tick_labels) * CHAR_WIDTH) + 12
    plot_height = Decimal(HEIGHT - TOP - BOTTOM)

    def y_of(value):
        return _coordinate(TOP + plot_height - plot_height * value / ticks[-1])

    years = {year for year, _value in published}
    if baseline is not None:
        years.add(baseline_year)
    if target is not None or not years:
        years.add(target_year)
    positions = _x_positions(sorted(years), left)
    points = [
        Point(_coordinate(positions[year]), y_of(value), year, indicator.format(value))
        for year, value in published
    ]
    latest = points[-1] if points else None
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": left,
        "right_edge": WIDTH - RIGHT,
        "top": TOP,
        "bottom": HEIGHT - BOTTOM,
        "year_label_y": HEIGHT - BOTTOM + FONT + 8,
        "unit": indicator.unit.strip(),
        "y_ticks": [
            {
                "y": y_of(tick),
                "label_y": _coordinate(Decimal(y_of(tick)) + FONT_MIDDLE),
                "text": text,
            }
            for tick, text in zip(ticks, tick_labels, strict=True)
        ],
        "x_labels": _year_labels(positions),
        "baseline": None
        if baseline is None
        else {"y": y_of(baseline), "x": _coordinate(positions[baseline_year])},
        "target": None
        if target is None
        else {"y": y_of(target), "x": _coordinate(positions[target_year])},
        "points": points,
        "polyline": " ".join(f"{point.x},{point.y}" for point in points),
        "latest": latest,
        "latest_label_y": None if latest is None else _coordinate(Decimal(latest.y) - 10),
        "latest_anchor": None if latest is None else _anchor(Decimal(latest.x), left),
    }
