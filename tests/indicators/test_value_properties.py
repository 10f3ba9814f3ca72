"""Property-based: whatever text a user types or a file holds, the value parser answers a
value or a message, and an upload's preview answers a row or a row error, never an
exception. Derandomised, so the examples are the same on every run."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indicators.models import Indicator
from indicators.services import imports
from indicators.values import ValueParseError, digit_errors, parse_value

PROPERTIES = settings(
    derandomize=True,
    deadline=None,
    max_examples=300,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

numberish = st.one_of(
    st.text(),
    st.text(alphabet="0123456789,.-+ %人件１２３，．－　()R元年H", max_size=40),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.decimals(allow_nan=False, allow_infinity=False).map(str),
    st.decimals(allow_nan=False, allow_infinity=False, places=8).map(lambda d: f"{d:,f}"),
)


@PROPERTIES
@given(numberish)
def test_the_parser_answers_a_value_or_a_message(text):
    try:
        parsed = parse_value(text)
    except ValueParseError as error:
        assert str(error)
        return
    assert isinstance(parsed.value, Decimal) and parsed.value.is_finite()
    assert isinstance(digit_errors(parsed.value), list)


@pytest.mark.parametrize(
    "value,errors",
    [
        (Decimal("1234567890123456.9999"), 0),
        (Decimal("12345678901234567"), 1),
        (Decimal("100000000000000000000"), 1),
        (Decimal("1.23456789"), 1),
        (Decimal("1.50000000"), 0),
        (Decimal("1E+30"), 1),
        (Decimal("0E-30"), 0),
    ],
)
def test_digit_rule(value, errors):
    assert len(digit_errors(value)) == errors


@pytest.fixture
def world(build_plan, make_user):
    plan = build_plan(projects_per_policy=2, policies=1, published=False)
    indicators = list(Indicator.objects.filter(project__plan=plan).select_related("project"))
    return {"indicators": indicators, "user": make_user("admin")}


def records(indicators):
    known = [str(i.pk) for i in indicators] + [i.project.number for i in indicators]
    cell = st.one_of(st.sampled_from(known), numberish, st.just(""))
    record = st.fixed_dictionaries(
        {
            imports.ID: st.one_of(st.sampled_from([str(i.pk) for i in indicators]), cell),
            imports.YEAR: st.one_of(st.sampled_from(["R5", "R6", "2023", "H30", "R元年"]), cell),
            imports.PROJECT_NUMBER: st.one_of(st.just(""), cell),
            imports.INDICATOR: st.one_of(st.just("利用者数"), cell),
            imports.VALUE: numberish,
            imports.NOTE: st.text(max_size=20),
        },
        optional={imports.EXTRA: st.text(max_size=5)},
    )
    return st.lists(record, max_size=6)


def test_every_upload_row_is_a_row_or_a_row_error(world):
    @settings(PROPERTIES, max_examples=120)
    @given(records(world["indicators"]))
    def check(rows):
        preview = imports.build_preview(user=world["user"], records=rows)
        counted = {row.row for row in preview.rows} | {error.row for error in preview.errors}
        assert counted <= set(range(imports.FIRST_DATA_ROW, len(rows) + imports.FIRST_DATA_ROW))
        if preview.is_valid:
            try:
                imports.confirm(user=world["user"], records=rows)
            except (ValidationError, PermissionDenied):
                pass  # a refusal with its messages: also fine

    check()
