"""Tests for policies.fiscal_years: era formatting and parsing of fiscal years."""

import datetime

import pytest

from policies.fiscal_years import (
    MAX_YEAR,
    MIN_YEAR,
    FiscalYearError,
    fiscal_year_of,
    format_era,
    format_era_long,
    parse_fiscal_year,
)


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2024, "R6"),
        (2020, "R2"),
        (2019, "R元年"),  # never H31
        (2018, "H30"),
        (1990, "H2"),
        (1989, "H元年"),
        (1988, "S63"),
        (1927, "S2"),
        (1926, "S元年"),
        (2100, "R82"),
    ],
)
def test_format_era(year, expected):
    assert format_era(year) == expected


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2024, "令和6年度"),
        (2019, "令和元年度"),
        (2018, "平成30年度"),
        (1989, "平成元年度"),
        (1988, "昭和63年度"),
        (1926, "昭和元年度"),
    ],
)
def test_format_era_long(year, expected):
    assert format_era_long(year) == expected


@pytest.mark.parametrize("formatter", [format_era, format_era_long])
@pytest.mark.parametrize("year", [1925, 1868, 0, -1, MAX_YEAR + 1])
def test_format_out_of_range_raises(formatter, year):
    with pytest.raises(ValueError):
        formatter(year)


@pytest.mark.parametrize("formatter", [format_era, format_era_long])
@pytest.mark.parametrize("value", ["2024", 2024.0, True, None])
def test_format_rejects_non_int(formatter, value):
    with pytest.raises(TypeError):
        formatter(value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("R6", 2024),
        ("R 6", 2024),
        ("r6", 2024),
        ("R06", 2024),
        ("R元年", 2019),
        ("R元", 2019),
        ("R 元年", 2019),
        ("R元年度", 2019),
        ("R6年度", 2024),
        ("令和6年度", 2024),
        ("令和元年度", 2019),
        ("令和6年", 2024),
        ("令和 6 年度", 2024),
        ("H30", 2018),
        ("h30", 2018),
        ("平成30年度", 2018),
        ("H31", 2019),
        ("平成31年度", 2019),
        ("H元年", 1989),
        ("平成元年度", 1989),
        ("S63", 1988),
        ("昭和63年度", 1988),
        ("S元年", 1926),
        ("2024", 2024),
        ("2024年度", 2024),
        ("2024年", 2024),
        ("FY2024", 2024),
        ("fy2024", 2024),
        ("FY 2024", 2024),
        ("Ｒ６", 2024),
        ("ｒ６", 2024),
        ("Ｈ３０", 2018),
        ("２０２４", 2024),
        ("２０２４年度", 2024),
        ("ＦＹ２０２４", 2024),
        ("令和６年度", 2024),
        ("㍻30", 2018),  # the square era sign
        ("  R6  ", 2024),
        ("\u3000R6\u3000", 2024),  # ideographic spaces
        ("\tH30\n", 2018),
        (str(MIN_YEAR), MIN_YEAR),
        (str(MAX_YEAR), MAX_YEAR),
    ],
)
def test_parse_fiscal_year(text, expected):
    assert parse_fiscal_year(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "abc",
        "R",
        "元年",
        "R0",
        "R00",
        "令和0年度",
        "H0",
        "H32",
        "平成32年度",
        "S0",
        "S64",
        "昭和64年度",
        "R6.5",
        "R-6",
        "R100",
        "T10",  # 大正 is out of range
        "大正10年",
        "1925",
        "1868年度",
        "2101",
        "20245",
        "24",
        "FY24",
        "R6年度R7",
        "6R",
        "2024-25",
        "令和6年度 予算",
    ],
)
def test_parse_fiscal_year_rejects(text):
    with pytest.raises(FiscalYearError):
        parse_fiscal_year(text)


def test_fiscal_year_error_is_value_error():
    assert issubclass(FiscalYearError, ValueError)


def test_parse_error_message_is_japanese_and_names_the_input():
    with pytest.raises(FiscalYearError) as excinfo:
        parse_fiscal_year("abc")
    assert str(excinfo.value) == "「abc」は年度として読み取れません。例: R6、令和6年度、2024"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("H32", "平成は元年〜31年"),
        ("R0", "令和は元年〜"),
        ("S64", "昭和は元年〜63年"),
        ("1900", f"{MIN_YEAR}年度〜{MAX_YEAR}年度"),
    ],
)
def test_parse_range_error_explains_the_range(text, fragment):
    with pytest.raises(FiscalYearError) as excinfo:
        parse_fiscal_year(text)
    message = str(excinfo.value)
    assert f"「{text}」" in message
    assert fragment in message


def test_parse_empty_message():
    with pytest.raises(FiscalYearError, match="年度が空です"):
        parse_fiscal_year("")


@pytest.mark.parametrize("value", [None, 2024, b"R6"])
def test_parse_non_string_raises_fiscal_year_error(value):
    with pytest.raises(FiscalYearError):
        parse_fiscal_year(value)


@pytest.mark.parametrize("year", range(MIN_YEAR, MAX_YEAR + 1))
def test_round_trip_every_year(year):
    assert parse_fiscal_year(format_era(year)) == year
    assert parse_fiscal_year(format_era_long(year)) == year
    assert parse_fiscal_year(str(year)) == year


def test_h31_parses_but_2019_formats_as_reiwa():
    assert parse_fiscal_year("H31") == parse_fiscal_year("R元年") == 2019
    assert format_era(parse_fiscal_year("H31")) == "R元年"


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (datetime.date(2024, 4, 1), 2024),
        (datetime.date(2024, 12, 31), 2024),
        (datetime.date(2025, 1, 1), 2024),
        (datetime.date(2025, 3, 31), 2024),
        (datetime.date(2019, 4, 30), 2019),  # still 平成31年 by the calendar: R元年度
    ],
)
def test_fiscal_year_of_a_date(day, expected):
    assert fiscal_year_of(day) == expected
