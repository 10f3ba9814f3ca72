"""Tests for indicators.values: reading and writing values as documents print them."""

from decimal import Decimal

import pytest

from indicators.values import (
    ParsedValue,
    ValueParseError,
    decimals_of,
    format_value,
    format_value_with_year,
    parse_value,
    parse_value_with_year,
)

D = Decimal


@pytest.mark.parametrize(
    ("text", "value", "decimals", "unit", "is_percent"),
    [
        ("688,518", D("688518"), 0, "", False),
        ("615, 536", D("615536"), 0, "", False),
        ("615, 536 件", D("615536"), 0, "件", False),
        ("476, 288 件", D("476288"), 0, "件", False),
        ("1,234,567", D("1234567"), 0, "", False),
        ("1,  234", D("1234"), 0, "", False),
        ("99.80%", D("99.80"), 2, "%", True),
        ("99.8％", D("99.8"), 1, "%", True),
        ("99.4%", D("99.4"), 1, "%", True),
        ("99.1 %", D("99.1"), 1, "%", True),
        ("96%", D("96"), 0, "%", True),
        ("１２３", D("123"), 0, "", False),
        ("１，２３４", D("1234"), 0, "", False),
        ("１，２３４．５ 人", D("1234.5"), 1, "人", False),
        ("13,435 人", D("13435"), 0, "人", False),
        ("13,435人", D("13435"), 0, "人", False),
        ("145 か所", D("145"), 0, "か所", False),
        ("976 回", D("976"), 0, "回", False),
        ("50 社", D("50"), 0, "社", False),
        ("15 台", D("15"), 0, "台", False),
        ("-3", D("-3"), 0, "", False),
        ("−3", D("-3"), 0, "", False),  # U+2212 minus sign
        ("－3", D("-3"), 0, "", False),  # full-width hyphen-minus
        ("+3", D("3"), 0, "", False),
        ("-1,234.50 人", D("-1234.50"), 2, "人", False),
        ("-0", D("0"), 0, "", False),
        ("0.5", D("0.5"), 1, "", False),
        ("0.50", D("0.50"), 2, "", False),
        (" 40 ", D("40"), 0, "", False),
        ("\u300040\u3000か所", D("40"), 0, "か所", False),
        ("1234", D("1234"), 0, "", False),
        ("12 m²", D("12"), 0, "m²", False),
        ("３ ｋｍ", D("3"), 0, "km", False),
    ],
)
def test_parse_value(text, value, decimals, unit, is_percent):
    parsed = parse_value(text)
    assert parsed == ParsedValue(value=value, decimals=decimals, unit=unit, is_percent=is_percent)
    # Decimal equality ignores trailing zeros; the written precision must survive too.
    assert str(parsed.value) == str(value)


def test_parse_value_keeps_written_precision():
    parsed = parse_value("99.80%")
    assert parsed.value.as_tuple().exponent == -2
    assert str(parsed.value) == "99.80"


def test_parse_value_negative_zero_is_plain_zero():
    assert str(parse_value("-0.0").value) == "0.0"


@pytest.mark.parametrize(
    ("value", "decimals"),
    [
        (D("99.80"), 2),
        (D("688518"), 0),
        (D("1E+3"), 0),
        (D("-0.125"), 3),
        (7, 0),
    ],
)
def test_parse_value_passes_numbers_through(value, decimals):
    parsed = parse_value(value)
    assert parsed == ParsedValue(value=D(value), decimals=decimals, unit="", is_percent=False)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "\u3000",
        "abc",
        "約100",
        "1,2,3",
        "12,34",
        "1,2345",
        "1234,567",
        "1,23",
        ",123",
        "1.2.3",
        "12.",
        ".5",
        "1 2",
        "100 200",
        "100人 200人",
        "1e5",
        "NaN",
        "nan",
        "Infinity",
        "-Infinity",
        "inf",
        "-",
        "--3",
        "+-3",
        "6,914 件 (H30)",  # needs parse_value_with_year
        "١٢٣",  # Arabic-Indic digits are not accepted
    ],
)
def test_parse_value_rejects(text):
    with pytest.raises(ValueParseError):
        parse_value(text)


def test_trailing_words_are_the_unit():
    assert parse_value("100以上").unit == "以上"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("abc", "「abc」は数値として読み取れません"),
        ("約100", "「約100」"),
        ("12,34", "3桁ごと"),
        ("1,2,3", "「1,2,3」"),
        ("100 200", "1つだけ"),
        ("", "値が空です"),
    ],
)
def test_parse_value_error_messages(text, fragment):
    with pytest.raises(ValueParseError) as excinfo:
        parse_value(text)
    assert fragment in str(excinfo.value)


@pytest.mark.parametrize("value", [D("NaN"), D("Infinity"), D("-Infinity"), D("sNaN")])
def test_parse_value_rejects_non_finite_decimals(value):
    with pytest.raises(ValueParseError):
        parse_value(value)


@pytest.mark.parametrize("value", [1.5, None, True, b"12"])
def test_parse_value_rejects_other_types(value):
    with pytest.raises(TypeError):
        parse_value(value)


def test_value_parse_error_is_value_error():
    assert issubclass(ValueParseError, ValueError)


@pytest.mark.parametrize(
    ("text", "value", "unit", "year"),
    [
        ("6,914 件 (H30)", D("6914"), "件", 2018),
        ("96% (H30)", D("96"), "%", 2018),
        ("976 回 (H30)", D("976"), "回", 2018),
        ("976回（Ｈ３０）", D("976"), "回", 2018),
        ("12,797 人 (R元年)", D("12797"), "人", 2019),
        ("5 件 ( 令和6年度 )", D("5"), "件", 2024),
        ("5 件 (2024)", D("5"), "件", 2024),
        ("145 か所", D("145"), "か所", None),
        ("99.80%", D("99.80"), "%", None),
    ],
)
def test_parse_value_with_year(text, value, unit, year):
    parsed, parsed_year = parse_value_with_year(text)
    assert parsed.value == value
    assert parsed.unit == unit
    assert parsed_year == year


def test_parse_value_with_year_passes_decimal_through():
    assert parse_value_with_year(D("1.5")) == (parse_value(D("1.5")), None)


@pytest.mark.parametrize(
    "text",
    [
        "6,914 件 (abc)",
        "6,914 件 (H32)",
        "6,914 件 ()",
        "(H30)",
        "abc (H30)",
        "1 (H30) 2",
        "6,914 件 (H30) (R1)",
    ],
)
def test_parse_value_with_year_rejects(text):
    with pytest.raises(ValueParseError):
        parse_value_with_year(text)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (D("99.80"), 2),
        (D("99.8"), 1),
        (D("688518"), 0),
        (D("1E+3"), 0),
        (D("1.000"), 3),
        (D("-0.5"), 1),
        (5, 0),
    ],
)
def test_decimals_of(value, expected):
    assert decimals_of(value) == expected


@pytest.mark.parametrize("value", [D("NaN"), D("Infinity")])
def test_decimals_of_rejects_non_finite(value):
    with pytest.raises(ValueError):
        decimals_of(value)


@pytest.mark.parametrize(
    ("value", "unit", "decimals", "expected"),
    [
        (D("688518"), "", None, "688,518"),
        (D("688518"), "人", None, "688,518 人"),
        (D("634531"), "人", 0, "634,531 人"),
        (D("145"), "か所", None, "145 か所"),
        (D("99.80"), "%", None, "99.80%"),
        (D("99.8"), "%", 2, "99.80%"),
        (D("99.8"), "％", None, "99.8％"),
        (D("96"), "%", None, "96%"),
        (D("1234567.891"), "", 2, "1,234,567.89"),
        (D("0.125"), "", 2, "0.13"),  # half-up, not banker's rounding
        (D("0.135"), "", 2, "0.14"),
        (D("2.5"), "", 0, "3"),
        (D("-2.5"), "", 0, "-3"),
        (D("-1234.5"), "人", None, "-1,234.5 人"),
        (D("-3"), "", None, "-3"),
        (D("-0.04"), "", 1, "0.0"),
        (D("-0"), "", None, "0"),
        (D("1E+3"), "", None, "1,000"),
        (D("1.5E+7"), "件", None, "15,000,000 件"),
        (D("1E-7"), "", None, "0.0000001"),
        (D("123456789012345678901234567890"), "", None, "123,456,789,012,345,678,901,234,567,890"),
        (D("5"), "", 3, "5.000"),
        (D("999"), "", None, "999"),
        (D("1000"), "", None, "1,000"),
        (0, "", None, "0"),
        (6914, "件", None, "6,914 件"),
        (D("40"), "  か所 ", None, "40 か所"),
    ],
)
def test_format_value(value, unit, decimals, expected):
    assert format_value(value, unit, decimals) == expected


@pytest.mark.parametrize("value", [D("NaN"), D("Infinity")])
def test_format_value_rejects_non_finite(value):
    with pytest.raises(ValueError):
        format_value(value)


@pytest.mark.parametrize("value", [1.5, "12", None])
def test_format_value_rejects_other_types(value):
    with pytest.raises(TypeError):
        format_value(value)


@pytest.mark.parametrize("decimals", [-1, 1.5, True])
def test_format_value_rejects_bad_decimals(decimals):
    with pytest.raises(ValueError):
        format_value(D("1"), "", decimals)


@pytest.mark.parametrize(
    ("value", "unit", "decimals", "year", "expected"),
    [
        (D("6914"), "件", None, 2018, "6,914 件 (H30)"),
        (D("96"), "%", None, 2018, "96% (H30)"),
        (D("12797"), "人", 0, 2019, "12,797 人 (R元年)"),
        (D("145"), "か所", None, None, "145 か所"),
    ],
)
def test_format_value_with_year(value, unit, decimals, year, expected):
    assert format_value_with_year(value, unit, decimals, year) == expected


@pytest.mark.parametrize(
    "text",
    ["688,518 人", "615,536 件", "99.80%", "99.4%", "-1,234.50", "0.5", "145 か所", "1,000"],
)
def test_round_trip(text):
    parsed = parse_value(text)
    assert format_value(parsed.value, parsed.unit, parsed.decimals) == text


@pytest.mark.parametrize("text", ["6,914 件 (H30)", "96% (H30)", "12,797 人 (R元年)"])
def test_round_trip_with_year(text):
    parsed, year = parse_value_with_year(text)
    assert format_value_with_year(parsed.value, parsed.unit, parsed.decimals, year) == text
