"""Values a column cannot hold are messages on every path, never a 500 or a silent rounding:
the entry screen, the upload's preview and confirmation, the workflow service."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indicators.models import Actual, Indicator
from indicators.services import imports, workflow
from policies.models import Department

TOO_BIG = "100000000000000000000"
TOO_PRECISE = "1.23456789"
HEADER = "ID,年度,事業番号,指標項目,実績値,備考\n"


@pytest.fixture
def world(build_plan, make_user):
    plan = build_plan(projects_per_policy=1, policies=1, published=False)
    department = Department.objects.create(name="A課")
    plan.projects.update(department=department)
    return {
        "own": Indicator.objects.get(),
        "officer": make_user("officer", departments=[department]),
    }


@pytest.mark.parametrize(
    ("typed", "message"),
    [(TOO_BIG, "整数部分は 16 桁まで"), (TOO_PRECISE, "小数点以下は 4 桁まで")],
)
def test_entry_screen_refuses_more_digits_than_the_column_holds(client, world, typed, message):
    pk = world["own"].pk
    client.force_login(world["officer"])
    response = client.post(
        f"{reverse('admin:indicators_actual_entry')}?fiscal_year=2023",
        {"fiscal_year": 2023, "action": "save", f"value_{pk}": typed, f"version_{pk}": 0},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Actual.objects.filter(fiscal_year=2023).exists()


@pytest.mark.parametrize(
    ("typed", "message"),
    [(TOO_BIG, "整数部分は 16 桁まで"), (TOO_PRECISE, "小数点以下は 4 桁まで")],
)
def test_upload_preview_shows_the_row_error_and_nothing_can_be_confirmed(
    client, world, typed, message
):
    own = world["own"]
    client.force_login(world["officer"])
    row = f"{own.pk},R5,{own.project.number},{own.name},{typed},\n"
    response = client.post(
        reverse("admin:indicators_actual_upload"),
        {"file": SimpleUploadedFile("a.csv", (HEADER + row).encode())},
    )
    preview = response.context["preview"]
    assert not preview.is_valid
    assert [(e.row, message in e.message) for e in preview.errors] == [(2, True)]
    response = client.post(reverse("admin:indicators_actual_upload_confirm"))
    assert response.status_code == 302
    assert not Actual.objects.filter(fiscal_year=2023).exists()


def test_the_service_refuses_too_many_digits_whoever_calls_it(world):
    entries = [workflow.DraftEntry(world["own"].pk, Decimal(TOO_BIG))]
    with pytest.raises(ValidationError, match="16 桁まで"):
        workflow.save_drafts(user=world["officer"], fiscal_year=2023, entries=entries)
    records = [{imports.ID: str(world["own"].pk), imports.YEAR: "R5", imports.VALUE: TOO_PRECISE}]
    with pytest.raises(ValidationError, match="4 桁まで"):
        imports.confirm(user=world["officer"], records=records)
    assert not Actual.objects.filter(fiscal_year=2023).exists()


@pytest.mark.parametrize("number", ["²", "9" * 5000, "99999999999999999999", "-1", "１２"])
def test_odd_numbers_in_urls_and_cells_are_never_a_500(client, world, number):
    client.force_login(world["officer"])
    for name in ("admin:indicators_actual_entry", "admin:indicators_actual_template"):
        assert client.get(reverse(name), {"fiscal_year": number}).status_code == 200
    records = [{imports.ID: number, imports.YEAR: "R5", imports.VALUE: "1", imports.NOTE: ""}]
    preview = imports.build_preview(user=world["officer"], records=records)
    assert [e.row for e in preview.errors] == [2]
