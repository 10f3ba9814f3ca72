"""Japanese fiscal years (年度) and their era names.

A Japanese fiscal year runs from April to March and is named by the year it starts in.
Throughout Yumeplan a fiscal year is stored as that integer Western start year (2024), and
shown the way municipal documents write it: "R6", "R元年", "H30", or "令和6年度" in running
text.

Era boundaries are by *fiscal* year, not by calendar date:

- 令和 (R) from FY2019. FY2019 began on 1 April 2019 under 平成31年 but the era changed on
  1 May 2019, and documents name the year 令和元年度, so ``format_era(2019)`` is "R元年",
  never "H31". When *reading*, "H31" / "平成31年度" (used in budgets drawn up before May
  2019) is still accepted and means 2019.
- 平成 (H) for FY1989–2018.
- 昭和 (S) for FY1926–1988. 昭和64年 ended on 7 January 1989, before FY1989 began, so
  "S64" is not a fiscal year.

Earlier years raise ``ValueError``; nothing in the plans we track predates 昭和.

The first year of an era is 元年 ("gan-nen"), never "1": the short form is "R元年" (the
documents write the 年 there, but "R2" without it), the long form "令和元年度".

This module is pure Python (stdlib only) so that it can be used and tested without Django.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass

__all__ = [
    "MAX_YEAR",
    "MIN_YEAR",
    "FiscalYearError",
    "fiscal_year_of",
    "format_era",
    "format_era_long",
    "parse_fiscal_year",
]


@dataclass(frozen=True)
class _Era:
    letter: str  # short prefix used in tables: "R"
    name: str  # kanji name: "令和"
    first_year: int  # first fiscal year written in this era
    last_year: int  # last fiscal year *written* in this era
    last_parse_year: int  # last fiscal year still *accepted* when parsing (H31 = 2019)


MIN_YEAR = 1926
"""First fiscal year this module knows (昭和元年度)."""

MAX_YEAR = 2100
"""Last fiscal year accepted; a sanity bound that catches typing errors such as "2204"."""

# Newest first: format_era picks the first era whose range contains the year.
_ERAS: tuple[_Era, ...] = (
    _Era("R", "令和", 2019, MAX_YEAR, MAX_YEAR),
    _Era("H", "平成", 1989, 2018, 2019),
    _Era("S", "昭和", 1926, 1988, 1988),
)
_ERA_BY_KEY: dict[str, _Era] = {key: era for era in _ERAS for key in (era.letter, era.name)}

_EXAMPLES = "例: R6、令和6年度、2024"

_WESTERN_RE = re.compile(r"^(?:FY)?(?P<year>[0-9]{4})(?:年度|年)?$")
_ERA_RE = re.compile(r"^(?P<era>R|H|S|令和|平成|昭和)(?P<num>[0-9]{1,2}|元)(?:年度|年)?$")


class FiscalYearError(ValueError):
    """A text could not be read as a fiscal year. The message is Japanese, for end users."""


def _era_of(year: int) -> tuple[_Era, int]:
    """Return the era a fiscal year is written in and the year number within it."""
    if isinstance(year, bool) or not isinstance(year, int):
        raise TypeError(f"fiscal year must be an int, got {type(year).__name__}")
    for era in _ERAS:
        if era.first_year <= year <= era.last_year:
            return era, year - era.first_year + 1
    raise ValueError(f"{year}年度は対応範囲外です（{MIN_YEAR}年度〜{MAX_YEAR}年度）。")


def fiscal_year_of(day: datetime.date) -> int:
    """The fiscal year a date falls in: 2025-03-31 → 2024, 2025-04-01 → 2025."""
    return day.year if day.month >= 4 else day.year - 1


def format_era(year: int) -> str:
    """Short era form as tables write it: 2024 → "R6", 2019 → "R元年", 2018 → "H30"."""
    era, number = _era_of(year)
    if number == 1:
        return f"{era.letter}元年"
    return f"{era.letter}{number}"


def format_era_long(year: int) -> str:
    """Long form for running text: 2024 → "令和6年度", 2019 → "令和元年度"."""
    era, number = _era_of(year)
    return f"{era.name}{'元' if number == 1 else number}年度"


def parse_fiscal_year(text: str) -> int:
    """Read a fiscal year as people type or documents print it; return the Western year.

    Accepted (case-insensitive, full-width characters and spaces anywhere are fine):
    "R6", "R 6", "r6", "R元年", "R元", "R6年度", "令和6年度", "令和元年度", "令和6年",
    "H30", "平成30年度", "H31" (= 2019), "S63", "2024", "2024年度", "2024年", "FY2024".

    Raises FiscalYearError (a ValueError with a Japanese message) for anything else,
    including year 0 of an era ("R0") and numbers past the era's end ("H32", "S64").
    """
    if not isinstance(text, str):
        raise FiscalYearError(f"「{text!r}」は年度として読み取れません。{_EXAMPLES}")
    shown = text.strip()
    # NFKC folds full-width letters and digits ("Ｒ６") and the square era signs ("㍻").
    normalised = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).upper()
    if not normalised:
        raise FiscalYearError(f"年度が空です。{_EXAMPLES}")

    match = _WESTERN_RE.match(normalised)
    if match:
        year = int(match["year"])
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise FiscalYearError(
                f"「{shown}」は年度として読み取れません。"
                f"{MIN_YEAR}年度〜{MAX_YEAR}年度の範囲で指定してください。"
            )
        return year

    match = _ERA_RE.match(normalised)
    if match:
        era = _ERA_BY_KEY[match["era"]]
        number = 1 if match["num"] == "元" else int(match["num"])
        last_number = era.last_parse_year - era.first_year + 1
        if not 1 <= number <= last_number:
            raise FiscalYearError(
                f"「{shown}」は年度として読み取れません。"
                f"{era.name}は元年〜{last_number}年の範囲で指定してください。"
            )
        return era.first_year + number - 1

    raise FiscalYearError(f"「{shown}」は年度として読み取れません。{_EXAMPLES}")
