"""Indicator values as municipal documents write them, read into Decimal and written back.

Documents print values with thousands separators ("688,518"), sometimes with stray spaces
left by typesetting ("615, 536 件"), in full-width characters ("１，２３４"), with a unit
after the number ("13,435 人", "145 か所", "99.80%") and occasionally with the fiscal year of
the figure in parentheses ("6,914 件 (H30)"). Percentages keep the precision they were
written with ("99.80%" has two decimals), so the number of decimals is part of the value.

Values are always ``Decimal``; floats are refused. This module is pure Python (stdlib
only) so it can be used and tested without Django.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from policies.fiscal_years import FiscalYearError, format_era, parse_fiscal_year

__all__ = [
    "MAX_DECIMAL_PLACES",
    "MAX_DIGITS",
    "ParsedValue",
    "ValueParseError",
    "cell_text",
    "decimals_of",
    "digit_errors",
    "format_value",
    "format_value_with_year",
    "parse_value",
    "parse_value_with_year",
    "parse_whole_number",
    "plain_number",
    "value_formatter",
]

PERCENT_UNITS = frozenset({"%", "％"})
# What a value column holds (indicators.models' DecimalFields): 20 digits, 4 of them after
# the point. A value with more is refused with a message (digit_errors), never rounded.
MAX_DIGITS = 20
MAX_DECIMAL_PLACES = 4
MAX_INTEGER_DIGITS = MAX_DIGITS - MAX_DECIMAL_PLACES

# Full-width ASCII (U+FF01..U+FF5E) → ASCII, ideographic space → space, and the various
# minus signs → "-". Deliberately narrower than NFKC, which would also turn "m²" into "m2".
_WIDTH_TABLE: dict[int, str] = {code: chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)}
_WIDTH_TABLE.update(
    {
        0x3000: " ",  # ideographic space
        0x2212: "-",  # minus sign
        0x2012: "-",  # figure dash
        0x2013: "-",  # en dash
        0xFE63: "-",  # small hyphen-minus
    }
)

# sign, integer part (either well-formed comma groups, stray spaces allowed after a comma,
# or plain digits), optional fraction, then whatever follows (the unit).
_NUMBER_RE = re.compile(
    r"""
    (?P<sign>[-+]?)\s*
    (?P<int>[0-9]{1,3}(?:,\s*[0-9]{3})+(?![0-9])|[0-9]+)
    (?:\.(?P<frac>[0-9]+))?
    \s*(?P<unit>.*)
    """,
    re.VERBOSE | re.DOTALL,
)
# A value followed by the fiscal year of the figure: "6,914 件 (H30)".
_WITH_YEAR_RE = re.compile(r"(?P<value>.*?)\s*\(\s*(?P<year>[^()]*?)\s*\)\s*", re.DOTALL)
_DIGIT_RE = re.compile(r"\d")


class ValueParseError(ValueError):
    """A text could not be read as one number. The message is Japanese, for end users."""


@dataclass(frozen=True)
class ParsedValue:
    """A number as written: its value, decimals shown, and unit ("" when none)."""

    value: Decimal
    decimals: int
    unit: str
    is_percent: bool


def _normalise_width(text: str) -> str:
    return text.translate(_WIDTH_TABLE)


def _check_decimal(value: object) -> Decimal:
    """Return value as a finite Decimal; ints are converted, floats and the rest refused."""
    if type(value) is Decimal and value.is_finite():
        return value  # the common case, first
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"value must be a Decimal or int, got {type(value).__name__}")
    value = Decimal(value)
    if not value.is_finite():
        raise ValueError(f"値が有限の数ではありません: {value}")
    return value


def decimals_of(value: Decimal) -> int:
    """Digits after the decimal point as the Decimal holds them: 99.80 → 2, 1E+3 → 0."""
    exponent = _check_decimal(value).as_tuple().exponent
    assert isinstance(exponent, int)  # finite, checked above
    return max(0, -exponent)


def digit_errors(value: Decimal | int) -> list[str]:
    """What keeps a value from being stored exactly: more than 16 digits before the point
    or more than 4 after it (trailing zeros do not count: "1.50000" is 1.5). The one rule
    for the entry screen, uploads and the whole-plan import."""
    value = _check_decimal(value)
    if value.is_zero():
        return []
    _sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)  # finite, checked above
    significant = 0  # trailing zeros (not all digits are zeros: the value is not zero)
    while not digits[-1 - significant]:
        significant += 1
    errors = []
    if value.adjusted() >= MAX_INTEGER_DIGITS:
        errors.append(f"値が大きすぎます（整数部分は {MAX_INTEGER_DIGITS} 桁まで）。")
    if -(exponent + significant) > MAX_DECIMAL_PLACES:
        errors.append(f"小数点以下は {MAX_DECIMAL_PLACES} 桁までで入力してください。")
    return errors


def parse_value(text: str | Decimal | int) -> ParsedValue:
    """Read one number with an optional trailing unit.

    "688,518" → 688518 (0 decimals); "615, 536 件" → 615536 件; "99.80%" → 99.80 % (2
    decimals); "１，２３４" → 1234; "−3" → -3. Decimal and int input pass through with no
    unit. Raises ValueParseError on empty text, text that is not a number ("abc",
    "約100"), malformed grouping ("12,34", "1,2,3"), two numbers, NaN or Infinity.
    """
    if isinstance(text, Decimal | int) and not isinstance(text, bool):
        try:
            value = _check_decimal(text)
        except ValueError as exc:
            raise ValueParseError(f"「{text}」は数値として読み取れません。") from exc
        return ParsedValue(value=value, decimals=decimals_of(value), unit="", is_percent=False)
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, Decimal or int, got {type(text).__name__}")

    shown = text.strip()
    normalised = _normalise_width(text).strip()
    if not normalised:
        raise ValueParseError("値が空です。数値を入力してください。")

    match = _NUMBER_RE.fullmatch(normalised)
    if match is None:
        raise ValueParseError(f"「{shown}」は数値として読み取れません。")
    unit = match["unit"].strip()
    if unit[:1] in {",", "."}:
        raise ValueParseError(
            f"「{shown}」は数値として読み取れません。桁区切りのカンマは3桁ごとに入れてください。"
        )
    if _DIGIT_RE.search(unit):
        raise ValueParseError(
            f"「{shown}」は数値として読み取れません。数値は1つだけ入力してください。"
        )

    digits = re.sub(r"[,\s]", "", match["int"])
    frac = match["frac"] or ""
    value = Decimal(f"{match['sign']}{digits}.{frac}" if frac else f"{match['sign']}{digits}")
    if value.is_zero():
        value = abs(value)  # no "-0"
    return ParsedValue(
        value=value,
        decimals=len(frac),
        unit=unit,
        is_percent=unit in PERCENT_UNITS,
    )


def parse_whole_number(text: str, max_digits: int = 9) -> int | None:
    """A non-negative whole number typed in a form, a URL or a cell ("12", "１２"), or None
    for any other text, including one of more than ``max_digits`` digits (so that it fits
    any integer column, and "²" or a thousand-digit id never reach int() or a query)."""
    text = _normalise_width(text).strip()
    if not text or len(text) > max_digits or not (text.isascii() and text.isdigit()):
        return None
    return int(text)


def parse_value_with_year(text: str | Decimal | int) -> tuple[ParsedValue, int | None]:
    """Read a value that may carry the fiscal year of the figure in parentheses.

    "6,914 件 (H30)" → (6914 件, 2018); "96% (H30)" → (96 %, 2018); "145 か所" → (…, None).
    Full-width parentheses are accepted. Raises ValueParseError when the value or the year
    cannot be read.
    """
    if not isinstance(text, str):
        return parse_value(text), None
    match = _WITH_YEAR_RE.fullmatch(_normalise_width(text).strip())
    if match is None:
        return parse_value(text), None
    try:
        year = parse_fiscal_year(match["year"])
    except FiscalYearError as exc:
        raise ValueParseError(
            f"「{text.strip()}」の括弧内「{match['year']}」は年度として読み取れません。"
        ) from exc
    return parse_value(match["value"]), year


def format_value(value: Decimal | int, unit: str = "", decimals: int | None = None) -> str:
    """Write a value as documents do: "688,518 人", "99.80%", "145 か所", "-1,234.5".

    With ``decimals`` the value is rounded half-up to that many digits; with None it keeps
    the digits the Decimal holds (99.80 stays "99.80"). Never scientific notation. "%"
    follows the number directly, any other unit after one space.
    """
    number = _check_decimal(value)
    return value_formatter(unit, decimals)(number)


@functools.lru_cache(maxsize=256, typed=True)  # typed: decimals=True is refused, 1 is not
def value_formatter(unit: str = "", decimals: int | None = None) -> Callable[[Decimal | int], str]:
    """``format_value`` with this unit and number of decimals, for writing many values:
    what depends only on the unit and decimals is worked out once (and kept for the next
    caller: plans use a handful of units)."""
    quantum = None
    if decimals is not None:
        if isinstance(decimals, bool) or not isinstance(decimals, int) or decimals < 0:
            raise ValueError(f"decimals must be a non-negative int, got {decimals!r}")
        quantum = Decimal(1).scaleb(-decimals)
    unit = unit.strip()
    suffix = "" if not unit else unit if unit in PERCENT_UNITS else f" {unit}"

    def write(value: Decimal | int) -> str:
        number = _check_decimal(value)
        if quantum is not None:
            number = number.quantize(quantum, rounding=ROUND_HALF_UP)
        if number.is_zero():
            number = abs(number)  # "-0.0" after rounding -0.04 reads as 0.0
        return format(number, ",f") + suffix

    return write


def format_value_with_year(
    value: Decimal | int,
    unit: str = "",
    decimals: int | None = None,
    year: int | None = None,
) -> str:
    """format_value plus the figure's fiscal year in era form: "6,914 件 (H30)"."""
    text = format_value(value, unit, decimals)
    if year is None:
        return text
    return f"{text} ({format_era(year)})"


def cell_text(value) -> str:
    """A spreadsheet cell as text, stripped. openpyxl gives numbers as int or float: a
    float's repr is the shortest text that reads back to it ("99.8"), never a binary
    expansion."""
    if value is None:
        return ""
    if isinstance(value, float):
        text = repr(value)
        return text[:-2] if text.endswith(".0") else text
    return str(value).strip()


def plain_number(value: Decimal | None) -> str:
    """A value as plain digits ("1234.5"), which parse_value reads back exactly."""
    return "" if value is None else format(value.normalize(), "f")
