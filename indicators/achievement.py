"""Achievement status (達成状況) of an indicator: the rule of design note achievement-rules.md.

One pure function, ``judge``, takes an indicator's definition and one year's actual and
returns a ``Judgement``: a status (達成 / 概ね達成 / 未達成, or None when it cannot be
judged), the ratio used, and a sentence saying how it was judged, in Japanese and in
English (for the English public pages; units stay as the plan writes them). No database,
no Django, stdlib only, ``Decimal`` throughout (floats are refused).

The rule (θ is the plan's threshold for 概ね達成, 0 < θ < 1; Kanazawa uses 0.95):

1. Numeric target T. up: r = actual / T; down: r = T / actual.
   r ≥ 1 → 達成; θ ≤ r < 1 → 概ね達成; r < θ → 未達成.
2. 現状維持 / 維持 (MAINTAIN): the same, with the baseline B as the reference.
3. 増加 / 拡充 (INCREASE) on an ``up`` indicator: 達成 when actual > B; 概ね達成 when
   θ·B ≤ actual ≤ B (holding the level is not an increase); otherwise 未達成.
4. 減少 (DECREASE): 達成 when actual < B; 概ね達成 when B ≤ actual ≤ B / θ; otherwise 未達成.

Which of rules 3 and 4 applies:

- INCREASE + up   → rule 3 (exceed the baseline).
- INCREASE + down → rule 4. For a lower-is-better indicator (待機児童数) "拡充/増加" of the
  outcome means improvement, i.e. going lower; the design reads it as 減少.
- DECREASE + down → rule 4.
- DECREASE + up   → rule 4, literally "fall below the baseline". The target kind states
  what the plan promised, so we judge that promise even though the indicator is
  higher-is-better in general (an odd but possible definition).

Edge cases, decided here so that nothing divides by zero:

- Statuses are decided by exact comparison (sums and products of Decimals that are never
  rounded), written without division: r ≥ θ is ``actual ≥ θ·T`` (up) or ``θ·actual ≤ T`` (down). The ratio
  returned is for display only.
- down with actual 0 (and a positive reference): r = ∞ → 達成; the ratio is returned as
  None because it is infinite.
- T = 0 with direction down: 達成 when actual ≤ 0, else 未達成 (ratio None).
- Reference (T or B) of 0 for up (e.g. MAINTAIN with B = 0): 達成 when actual ≥ 0, else
  未達成; the ratio is None.
- In general, when the reference is not positive (or, for down, the actual is not
  positive) the ratio is undefined and None. The bands are then taken relative to |ref|:
  概ね達成 means within (1 − θ)·|ref| below the reference (up) or within (1 − θ)/θ·|ref|
  above it (down). For a positive reference this is exactly θ·ref and ref / θ, i.e. the
  rule above; for a zero reference the band is empty; for a negative reference it keeps
  the same relative width instead of inverting.

What cannot be judged (status None, with the reason):

- a numeric target without a target value, or a qualitative target (maintain, increase,
  decrease) without a baseline. These are checked first: entering the actual would not
  help, and the data-entry screens must say so.
- no actual for the year: "実績が未集計です" (shown as "—"), never 未達成.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Callable
from dataclasses import dataclass
from decimal import (
    MAX_EMAX,
    MAX_PREC,
    MIN_EMIN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    Inexact,
    Rounded,
)
from typing import NamedTuple

from indicators.values import format_value, value_formatter

__all__ = [
    "Direction",
    "Judgement",
    "Line",
    "Rule",
    "Status",
    "TargetKind",
    "expected_on_trajectory",
    "is_judgeable",
    "is_on_track",
    "judge",
    "unjudged",
]


class Status(enum.StrEnum):
    ACHIEVED = "achieved"
    MOSTLY_ACHIEVED = "mostly_achieved"
    NOT_ACHIEVED = "not_achieved"

    @property
    def label(self) -> str:
        """The word the documents print: 達成 / 概ね達成 / 未達成."""
        return _STATUS_LABELS[self]


_STATUS_LABELS = {
    Status.ACHIEVED: "達成",
    Status.MOSTLY_ACHIEVED: "概ね達成",
    Status.NOT_ACHIEVED: "未達成",
}


class Direction(enum.StrEnum):
    UP = "up"  # higher is better (the default)
    DOWN = "down"  # lower is better, e.g. 待機児童数


class TargetKind(enum.StrEnum):
    NUMERIC = "numeric"  # 数値: a value written in the plan
    MAINTAIN = "maintain"  # 現状維持 / 維持
    INCREASE = "increase"  # 増加 / 拡充 (read as 減少 for a down indicator)
    DECREASE = "decrease"  # 減少


@dataclass(frozen=True)
class Judgement:
    """The outcome of ``judge``.

    ``status`` is None when the indicator cannot be judged; ``ratio`` is the achievement
    ratio (1 = exactly on target), None when it is undefined or infinite; ``reason`` is a
    Japanese sentence for the screens, e.g. "目標値 20 人に対し 17 人（85.0%）", and
    ``reason_en`` the same in English, from the same numbers, e.g. "17 人 against a target
    of 20 人 (85.0%)" (the unit is left as the plan writes it).
    """

    status: Status | None
    ratio: Decimal | None
    reason: str
    reason_en: str

    def reason_for(self, language: str | None) -> str:
        """The reason in ``language`` (a language code such as "en" or "en-us"): English
        for English, Japanese for anything else."""
        return self.reason_en if (language or "").lower().startswith("en") else self.reason


REASON_NOT_ENTERED = "実績が未集計です"
REASON_NO_TARGET_VALUE = "数値目標の目標値が未設定のため判定できません"
REASON_NO_BASELINE = "定性的な目標に基準値がないため判定できません"
_LOWER_IS_BETTER_NOTE = "少ないほど良い指標"

REASON_NOT_ENTERED_EN = "No actual reported yet"
REASON_NO_TARGET_VALUE_EN = "Cannot be judged: the numeric target has no target value"
REASON_NO_BASELINE_EN = "Cannot be judged: the qualitative target has no baseline"
_LOWER_IS_BETTER_NOTE_EN = "lower is better"


def _as_decimal(value: object, name: str) -> Decimal:
    if type(value) is Decimal and value.is_finite():
        return value  # the common case, first
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"{name} must be a Decimal or int, got {type(value).__name__}")
    value = Decimal(value)
    if not value.is_finite():
        raise ValueError(f"{name} must be finite, got {value}")
    return value


def _as_optional_decimal(value: object, name: str) -> Decimal | None:
    return None if value is None else _as_decimal(value, name)


def _check_threshold(threshold: object) -> Decimal:
    if isinstance(threshold, bool) or not isinstance(threshold, Decimal):
        raise TypeError(f"threshold must be a Decimal, got {type(threshold).__name__}")
    if not threshold.is_finite() or not 0 < threshold < 1:
        raise ValueError(f"threshold must satisfy 0 < θ < 1, got {threshold}")
    return threshold


# Sums and products of Decimals, exact: the precision is as large as libmpdec allows (a
# result only takes the digits it needs), and a rounding would raise rather than pass.
_EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN, traps=[Inexact, Rounded])


class _Band(NamedTuple):
    """Where an actual stands against a reference: achieved, within the θ band, or below.

    ``strict`` makes "achieved" require strictly passing the reference (increase/decrease
    targets: holding the level is not an increase). The band's edge is worked out once,
    exactly (``_EXACT``), so that placing an actual is one or two comparisons:
    up, a ≥ ref − (1 − θ)|ref| (a ≥ θ·ref when ref ≥ 0); down, θ·a ≤ θ·ref + (1 − θ)|ref|
    (a ≤ ref / θ when ref ≥ 0), written without division.
    """

    reference: Decimal
    theta: Decimal
    lower_is_better: bool
    strict: bool
    edge: Decimal

    @classmethod
    def of(
        cls, reference: Decimal, theta: Decimal, *, lower_is_better: bool, strict: bool
    ) -> _Band:  # a NamedTuple: cheaper to make than a frozen dataclass, once per rule
        slack = _EXACT.multiply(_EXACT.subtract(Decimal(1), theta), reference.copy_abs())
        if lower_is_better:
            edge = _EXACT.add(_EXACT.multiply(theta, reference), slack)
        else:
            edge = _EXACT.subtract(reference, slack)
        return cls(reference, theta, lower_is_better, strict, edge)

    def place(self, actual: Decimal) -> Status:
        ref = self.reference
        if not self.lower_is_better:
            achieved = actual > ref if self.strict else actual >= ref
            mostly = actual >= self.edge
        else:
            achieved = actual < ref if self.strict else actual <= ref
            mostly = _EXACT.multiply(self.theta, actual) <= self.edge
        if achieved:
            return Status.ACHIEVED
        if mostly:
            return Status.MOSTLY_ACHIEVED
        return Status.NOT_ACHIEVED


def _ratio(actual: Decimal, reference: Decimal, *, lower_is_better: bool) -> Decimal | None:
    """actual / ref (up) or ref / actual (down); None when undefined or infinite."""
    if reference <= 0:
        return None
    if not lower_is_better:
        return actual / reference
    if actual <= 0:
        return None
    return reference / actual


@functools.lru_cache(maxsize=4096)
def _percent_text(percent: Decimal) -> str:
    # Keyed by the rounded percentage: equal keys have the same digits (one decimal).
    return format_value(percent, "%", 1)


def _percent(ratio: Decimal) -> str:
    return _percent_text((ratio * 100).quantize(_TENTH, rounding=ROUND_HALF_UP))


_TENTH = Decimal("0.1")


def _details(percent: str | None, *, lower_is_better: bool, lead: str = "") -> str:
    """The parenthesised tail of a reason: "（85.0%）", "（673 回、69.0%）", ""."""
    parts = [lead] if lead else []
    if percent is not None:
        parts.append(percent)
    if lower_is_better:
        parts.append(_LOWER_IS_BETTER_NOTE)
    return f"（{'、'.join(parts)}）" if parts else ""


def _details_en(percent: str | None, *, lower_is_better: bool, lead: str = "") -> str:
    """The English tail: " (85.0%)", " (673 回, 69.0%)", " (80.0%, lower is better)", ""."""
    parts = [lead] if lead else []
    if percent is not None:
        parts.append(percent)
    if lower_is_better:
        parts.append(_LOWER_IS_BETTER_NOTE_EN)
    return f" ({', '.join(parts)})" if parts else ""


def is_judgeable(
    target_kind: TargetKind, target_value: Decimal | None, baseline_value: Decimal | None
) -> bool:
    """Whether the definition can be judged at all: a numeric target needs its value, a
    qualitative one a baseline."""
    if TargetKind(target_kind) is TargetKind.NUMERIC:
        return target_value is not None
    return baseline_value is not None


def unjudged(
    target_kind: TargetKind, target_value: Decimal | None, baseline_value: Decimal | None
) -> Judgement:
    """The judgement of a year with no actual, or of a definition that cannot be judged:
    no status, and why (what is missing from the definition comes first)."""
    if TargetKind(target_kind) is TargetKind.NUMERIC and target_value is None:
        return Judgement(None, None, REASON_NO_TARGET_VALUE, REASON_NO_TARGET_VALUE_EN)
    if TargetKind(target_kind) is not TargetKind.NUMERIC and baseline_value is None:
        return Judgement(None, None, REASON_NO_BASELINE, REASON_NO_BASELINE_EN)
    return Judgement(None, None, REASON_NOT_ENTERED, REASON_NOT_ENTERED_EN)


def judge(
    *,
    direction: Direction,
    target_kind: TargetKind,
    target_value: Decimal | None,
    baseline_value: Decimal | None,
    actual: Decimal | None,
    threshold: Decimal,
    unit: str = "",
    decimals: int | None = None,
) -> Judgement:
    """Judge one year's actual against the indicator's target (see the module docstring).

    ``unit`` and ``decimals`` only shape the numbers in the reasons (via format_value).
    Raises ValueError for a threshold outside 0 < θ < 1 or non-finite values, TypeError
    for floats. To judge many actuals of one definition, make its ``Rule`` once.
    """
    rule = Rule(
        direction=direction,
        target_kind=target_kind,
        target_value=target_value,
        baseline_value=baseline_value,
        threshold=threshold,
        unit=unit,
        decimals=decimals,
    )
    return rule.judge(actual)


# Enum members by value ("up" → Direction.UP): a dictionary lookup, where calling the enum
# costs a microsecond per rule; anything else goes to the enum, which refuses it.
_DIRECTIONS = {member.value: member for member in Direction}
_TARGET_KINDS = {member.value: member for member in TargetKind}


class Rule:
    """The rule for one indicator's definition, for judging any number of its actuals:
    ``Rule(...).judge(actual)`` is ``judge(..., actual=actual)``, with the definition
    checked once and what does not depend on the actual (the band's edge, the target and
    baseline as the reasons write them) worked out on the first judged figure."""

    __slots__ = (
        "_baseline",
        "_direction",
        "_format",
        "_judgeable",
        "_kind",
        "_prepared",
        "_target",
        "_theta",
    )

    def __init__(
        self,
        *,
        direction: Direction,
        target_kind: TargetKind,
        target_value: Decimal | None,
        baseline_value: Decimal | None,
        threshold: Decimal,
        unit: str = "",
        decimals: int | None = None,
    ):
        self._direction = _DIRECTIONS.get(direction) or Direction(direction)
        self._kind = _TARGET_KINDS.get(target_kind) or TargetKind(target_kind)
        self._theta = _check_threshold(threshold)
        self._target = _as_optional_decimal(target_value, "target_value")
        self._baseline = _as_optional_decimal(baseline_value, "baseline_value")
        self._judgeable = is_judgeable(self._kind, self._target, self._baseline)
        # Prepared on the first figure: the unit and decimals are only read to write one.
        self._prepared: _Prepared | None = None
        self._format = (unit, decimals)

    def judge(self, actual: Decimal | None) -> Judgement:
        """Judge one year's actual (None: not reported yet)."""
        value = _as_optional_decimal(actual, "actual")
        if value is None or not self._judgeable:
            return unjudged(self._kind, self._target, self._baseline)
        prepared = self._prepared
        if prepared is None:
            prepared = self._prepared = self._prepare()
        return prepared.judge(value)

    def _prepare(self) -> _Prepared:
        fmt = value_formatter(*self._format)
        theta, target, baseline = self._theta, self._target, self._baseline
        if self._kind in (TargetKind.NUMERIC, TargetKind.MAINTAIN):
            lower = self._direction is Direction.DOWN
            if self._kind is TargetKind.NUMERIC:
                assert target is not None
                reference, text = target, fmt(target)
                what, what_en = f"目標値 {text}", f"a target of {text}"
            else:
                assert baseline is not None
                reference, text = baseline, fmt(baseline)
                what, what_en = (
                    f"基準値 {text}（現状維持）",
                    f"a baseline of {text} to be maintained",
                )
            band = _Band.of(reference, theta, lower_is_better=lower, strict=False)
            return _Prepared(band, fmt, what, what_en, relative=False)
        # INCREASE / DECREASE against the baseline.
        assert baseline is not None
        lower = self._kind is TargetKind.DECREASE or self._direction is Direction.DOWN
        band = _Band.of(baseline, theta, lower_is_better=lower, strict=True)
        return _Prepared(band, fmt, fmt(baseline), "", relative=True)


class _Prepared(NamedTuple):
    """A judgeable definition's band and the fixed words of its reasons: for a numeric or
    maintain target what the actual is held against ("目標値 20 人" / "a target of 20 人"),
    for an increase or decrease (``relative``) the baseline as written."""

    band: _Band
    fmt: Callable[[Decimal], str]
    what: str
    what_en: str
    relative: bool

    def judge(self, value: Decimal) -> Judgement:
        band = self.band
        lower = band.lower_is_better
        status = band.place(value)
        ratio = _ratio(value, band.reference, lower_is_better=lower)
        percent = None if ratio is None else _percent(ratio)
        text = self.fmt(value)
        if not self.relative:
            reason = f"{self.what}に対し {text}{_details(percent, lower_is_better=lower)}"
            details_en = _details_en(percent, lower_is_better=lower)
            return Judgement(status, ratio, reason, f"{text} against {self.what_en}{details_en}")
        baseline = self.what
        change = "減少" if lower else "増加"
        if status is Status.ACHIEVED:
            reason = f"基準値 {baseline}より{change}（{text}）"
            change_en = "Decreased" if lower else "Increased"
            reason_en = f"{change_en} from a baseline of {baseline} to {text}"
        else:
            details = _details(percent, lower_is_better=False, lead=text)
            reason = f"基準値 {baseline}から{change}せず{details}"
            change_en = "decrease" if lower else "increase"
            details_en = _details_en(percent, lower_is_better=False, lead=text)
            reason_en = f"No {change_en} from a baseline of {baseline}{details_en}"
        return Judgement(status, ratio, reason, reason_en)


def expected_on_trajectory(
    *,
    baseline_value: Decimal | None,
    baseline_year: int | None,
    target_value: Decimal | None,
    target_year: int | None,
    year: int,
) -> Decimal | None:
    """Expected value in ``year`` on the straight line from (baseline year, B) to (target
    year, T); None when any input is missing.

    Before the baseline year the expectation is B, from the target year on it is T (the
    line is not extrapolated). For a qualitative target the caller decides what T is (for
    現状維持, T = B) or passes None. Raises ValueError when the target year precedes the
    baseline year.
    """
    if None in (baseline_value, baseline_year, target_value, target_year):
        return None
    assert baseline_year is not None and target_year is not None
    base = _as_decimal(baseline_value, "baseline_value")
    target = _as_decimal(target_value, "target_value")
    if target_year < baseline_year:
        raise ValueError(f"target_year {target_year} precedes baseline_year {baseline_year}")
    return Line(Direction.UP, base, baseline_year, target, target_year).expected(year)


def is_on_track(
    *, direction: Direction, expected: Decimal | None, actual: Decimal | None
) -> bool | None:
    """Whether the actual is at least the expected value (at most, for down); None when
    either is missing."""
    direction = Direction(direction)
    if expected is None or actual is None:
        return None
    expected = _as_decimal(expected, "expected")
    actual = _as_decimal(actual, "actual")
    if direction is Direction.DOWN:
        return actual <= expected
    return actual >= expected


# The largest gap ``Line.gap`` returns: a figure further off its line than this (a million
# million times its expected value) sorts with the others that are.
MAX_GAP = Decimal(10) ** 12


class Line(NamedTuple):
    """The straight line from (baseline year, B) to (target year, T) that an indicator's
    figures are expected to follow; T is the target value, or B for 現状維持."""

    direction: Direction
    baseline_value: Decimal
    baseline_year: int
    target_value: Decimal
    target_year: int

    @classmethod
    def of(
        cls,
        *,
        direction: str,
        target_kind: str,
        baseline_value: Decimal | None,
        baseline_year: int | None,
        target_value: Decimal | None,
        target_year: int | None,
        plan_years: tuple[int | None, int] = (None, 0),
    ) -> Line | None:
        """An indicator's line, or None: other qualitative targets, a missing baseline or
        target value, or a target year before the baseline year draw none. An indicator
        without its own baseline or target year takes its plan's baseline or end year
        (``plan_years``)."""
        if target_kind == TargetKind.MAINTAIN:
            target_value = baseline_value
        elif target_kind != TargetKind.NUMERIC:
            return None
        baseline_year = baseline_year or plan_years[0]
        target_year = target_year or plan_years[1]
        if baseline_value is None or target_value is None or not (baseline_year and target_year):
            return None
        if target_year < baseline_year:
            return None
        baseline_value = _as_decimal(baseline_value, "baseline_value")
        target_value = _as_decimal(target_value, "target_value")
        return cls(Direction(direction), baseline_value, baseline_year, target_value, target_year)

    def expected(self, year: int) -> Decimal:
        """The value on the line in ``year``: B up to the baseline year, T from the target
        year on (the line is not extrapolated)."""
        base, start, end = self.baseline_value, self.baseline_year, self.target_year
        if year >= end:
            return self.target_value
        if year <= start:
            return base
        return base + (self.target_value - base) * (year - start) / (end - start)

    def gap(self, year: int, actual: Decimal | None) -> Decimal | None:
        """How far ``actual`` is behind the line in a year before the target year, as a
        share of the expected value (of the shortfall itself where that is 0), at most
        ``MAX_GAP``; None on or ahead of the line, without a figure, and from the target
        year on (the rule judges those years)."""
        if actual is None or year >= self.target_year:
            return None
        expected = self.expected(year)
        if actual >= expected if self.direction is Direction.UP else actual <= expected:
            return None  # on or ahead of the line (``is_on_track``)
        shortfall = abs(actual - expected)
        return min(shortfall / abs(expected) if expected else shortfall, MAX_GAP)
