"""Property-based: ``Rule`` (a definition prepared once, then judging many figures, as the
stored judgements are written) gives for every figure exactly what the rule as first
written gives, status, ratio and both reasons. ``reference_judge`` below is that first
version, kept here verbatim as the oracle: exact fractions, every number formatted anew.
Derandomised, so the examples are the same on every run."""

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from indicators import achievement
from indicators import values as values_module
from indicators.achievement import Direction, Judgement, Rule, Status, TargetKind
from indicators.values import value_formatter

PROPERTIES = settings(derandomize=True, deadline=None, max_examples=300)


# --- the rule as first written (indicators/achievement.py before Rule) ----------------------


def format_value(value, unit="", decimals=None):
    """indicators.values.format_value as first written (before value_formatter)."""
    number = values_module._check_decimal(value)
    if decimals is not None:
        if isinstance(decimals, bool) or not isinstance(decimals, int) or decimals < 0:
            raise ValueError(f"decimals must be a non-negative int, got {decimals!r}")
        number = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if number.is_zero():
        number = abs(number)
    text = format(number, ",f")
    unit = unit.strip()
    if not unit:
        return text
    if unit in values_module.PERCENT_UNITS:
        return f"{text}{unit}"
    return f"{text} {unit}"


def _band(actual, reference, theta, *, lower_is_better, strict):
    a, ref, t = Fraction(actual), Fraction(reference), Fraction(theta)
    if not lower_is_better:
        achieved = a > ref if strict else a >= ref
        mostly = a >= ref - (1 - t) * abs(ref)
    else:
        achieved = a < ref if strict else a <= ref
        mostly = t * a <= t * ref + (1 - t) * abs(ref)
    if achieved:
        return Status.ACHIEVED
    if mostly:
        return Status.MOSTLY_ACHIEVED
    return Status.NOT_ACHIEVED


def _ratio(actual, reference, *, lower_is_better):
    if reference <= 0:
        return None
    if not lower_is_better:
        return actual / reference
    if actual <= 0:
        return None
    return reference / actual


def _percent(ratio):
    return format_value((ratio * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP), "%", 1)


def _details(ratio, *, lower_is_better, lead=""):
    parts = [lead] if lead else []
    if ratio is not None:
        parts.append(_percent(ratio))
    if lower_is_better:
        parts.append("少ないほど良い指標")
    return f"（{'、'.join(parts)}）" if parts else ""


def _details_en(ratio, *, lower_is_better, lead=""):
    parts = [lead] if lead else []
    if ratio is not None:
        parts.append(_percent(ratio))
    if lower_is_better:
        parts.append("lower is better")
    return f" ({', '.join(parts)})" if parts else ""


def reference_judge(
    *, direction, target_kind, target_value, baseline_value, actual, threshold, unit, decimals
):
    direction, target_kind = Direction(direction), TargetKind(target_kind)
    theta, target, baseline, value = threshold, target_value, baseline_value, actual

    def fmt(number):
        return format_value(number, unit, decimals)

    if value is None or not achievement.is_judgeable(target_kind, target, baseline):
        return achievement.unjudged(target_kind, target, baseline)
    if target_kind in (TargetKind.NUMERIC, TargetKind.MAINTAIN):
        lower = direction is Direction.DOWN
        if target_kind is TargetKind.NUMERIC:
            reference, what = target, f"目標値 {fmt(target)}"
            what_en = f"a target of {fmt(target)}"
        else:
            reference, what = baseline, f"基準値 {fmt(baseline)}（現状維持）"
            what_en = f"a baseline of {fmt(baseline)} to be maintained"
        status = _band(value, reference, theta, lower_is_better=lower, strict=False)
        ratio = _ratio(value, reference, lower_is_better=lower)
        reason = f"{what}に対し {fmt(value)}{_details(ratio, lower_is_better=lower)}"
        reason_en = f"{fmt(value)} against {what_en}{_details_en(ratio, lower_is_better=lower)}"
        return Judgement(status, ratio, reason, reason_en)
    lower = target_kind is TargetKind.DECREASE or direction is Direction.DOWN
    status = _band(value, baseline, theta, lower_is_better=lower, strict=True)
    ratio = _ratio(value, baseline, lower_is_better=lower)
    change = "減少" if lower else "増加"
    if status is Status.ACHIEVED:
        reason = f"基準値 {fmt(baseline)}より{change}（{fmt(value)}）"
        change_en = "Decreased" if lower else "Increased"
        reason_en = f"{change_en} from a baseline of {fmt(baseline)} to {fmt(value)}"
    else:
        details = _details(ratio, lower_is_better=False, lead=fmt(value))
        reason = f"基準値 {fmt(baseline)}から{change}せず{details}"
        change_en = "decrease" if lower else "increase"
        details_en = _details_en(ratio, lower_is_better=False, lead=fmt(value))
        reason_en = f"No {change_en} from a baseline of {fmt(baseline)}{details_en}"
    return Judgement(status, ratio, reason, reason_en)


# --- the property -------------------------------------------------------------------------


def outcome(function, *args, **kwargs):
    """What a call gives: its result, or the kind of error it raises (a value too long for
    the decimal context's 28 digits is refused by both versions alike)."""
    try:
        return function(*args, **kwargs)
    except ArithmeticError as error:
        return type(error)


# Values of every scale the columns hold (and beyond, the rule is pure): negative, zero,
# up to 4 decimals, more than 28 digits (where a ratio is rounded).
values = st.builds(
    lambda digits, exponent: Decimal(digits).scaleb(exponent),
    st.one_of(
        st.integers(min_value=-50, max_value=5_000),
        st.integers(min_value=-(10**30), max_value=10**30),
    ),
    st.integers(min_value=-6, max_value=3),
)
optional_values = st.one_of(st.none(), values)
# Kanazawa's 0.95, the plan field's three decimals, and finer ones.
thresholds = st.one_of(
    st.just(Decimal("0.95")),
    st.integers(min_value=1, max_value=999).map(lambda n: Decimal(n).scaleb(-3)),
    st.integers(min_value=1, max_value=10**12 - 1).map(lambda n: Decimal(n).scaleb(-12)),
)
definitions = st.fixed_dictionaries(
    {
        "direction": st.sampled_from(Direction),
        "target_kind": st.sampled_from(TargetKind),
        "target_value": optional_values,
        "baseline_value": optional_values,
        "threshold": thresholds,
        "unit": st.sampled_from(["", "人", "%", "％", " 件 ", "か所"]),
        "decimals": st.one_of(st.none(), st.integers(min_value=0, max_value=4)),
    }
)


def near(definition):
    """Figures around the definition's own target and baseline, where the bands' edges lie,
    and anywhere else."""
    references = [v for v in (definition["target_value"], definition["baseline_value"]) if v]
    around = [
        st.builds(
            lambda ref, share: ref * share,
            st.sampled_from(references),
            st.integers(min_value=80, max_value=120).map(lambda n: Decimal(n) / 100),
        )
    ]
    return st.lists(
        st.one_of(optional_values, *(around if references else [])), min_size=1, max_size=12
    )


@PROPERTIES
@given(st.data(), definitions)
def test_a_prepared_rule_judges_every_figure_as_the_rule_as_first_written(data, definition):
    actuals = data.draw(near(definition))
    rule = Rule(**definition)
    for actual in actuals:
        expected = outcome(reference_judge, **definition, actual=actual)
        assert outcome(rule.judge, actual) == expected
        assert outcome(achievement.judge, **definition, actual=actual) == expected


@PROPERTIES
@given(values, values, thresholds)
def test_the_band_edges_are_exactly_the_fractions(actual, reference, theta):
    for lower in (False, True):
        for strict in (False, True):
            band = achievement._Band.of(reference, theta, lower_is_better=lower, strict=strict)
            assert band.place(actual) is _band(
                actual, reference, theta, lower_is_better=lower, strict=strict
            )


def test_the_percent_memo_keeps_every_figure_its_own_text():
    """One memo entry per rounded percentage: figures sharing a rule get their own ratio
    and text, never a neighbour's."""
    rule = Rule(
        direction=Direction.UP,
        target_kind=TargetKind.NUMERIC,
        target_value=Decimal("3"),
        baseline_value=None,
        threshold=Decimal("0.95"),
        unit="人",
    )
    reasons = [rule.judge(Decimal(n)).reason for n in (1, 2, 3, 2, 1)]
    assert reasons == [
        "目標値 3 人に対し 1 人（33.3%）",
        "目標値 3 人に対し 2 人（66.7%）",
        "目標値 3 人に対し 3 人（100.0%）",
        "目標値 3 人に対し 2 人（66.7%）",
        "目標値 3 人に対し 1 人（33.3%）",
    ]


def test_a_rule_reads_unit_and_decimals_only_to_write_a_figure():
    """As judge() always did: a definition that cannot be judged, or a year without a
    figure, never formats a number (so a bad ``decimals`` is only refused then)."""
    rule = Rule(
        direction=Direction.UP,
        target_kind=TargetKind.NUMERIC,
        target_value=Decimal("3"),
        baseline_value=None,
        threshold=Decimal("0.95"),
        decimals=-1,
    )
    assert rule.judge(None).reason == achievement.REASON_NOT_ENTERED
    try:
        rule.judge(Decimal("1"))
    except ValueError as error:
        assert "decimals" in str(error)
    else:
        raise AssertionError("decimals=-1 was accepted")


@PROPERTIES
@given(
    values,
    st.sampled_from(["", "人", "%", "％", " 件 "]),
    st.one_of(st.none(), st.integers(min_value=0, max_value=4)),
)
def test_format_value_and_a_value_formatter_write_as_first_written(value, unit, decimals):
    expected = outcome(format_value, value, unit, decimals)
    assert outcome(values_module.format_value, value, unit, decimals) == expected
    assert outcome(value_formatter(unit, decimals), value) == expected
