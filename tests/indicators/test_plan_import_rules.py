"""The whole-plan import applies the entry screen's value rules and note lengths; notes have
one maximum length everywhere, held by the database too."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse

from indicators.models import NOTE_FIELDS, NOTE_MAX_LENGTH, Actual, Indicator
from indicators.services.plan_io import PlanImportError, export_plan, import_plan
from policies.models import Department, Plan

HEADER = "ID,年度,事業番号,指標項目,実績値,備考\n"


def edited(plan, sheet_name, column, value, unit=None) -> bytes:
    """The plan's workbook with ``column`` of the first row of a sheet set to ``value``,
    the plan then deleted so that the workbook can be imported again."""
    book = openpyxl.load_workbook(io.BytesIO(export_plan(plan)))
    sheet = book[sheet_name]
    headers = [cell.value for cell in sheet[1]]
    sheet.cell(row=2, column=headers.index(column) + 1, value=value)
    if unit is not None:
        indicators = book["indicators"]
        unit_column = [cell.value for cell in indicators[1]].index("unit") + 1
        for row in range(2, indicators.max_row + 1):
            indicators.cell(row=row, column=unit_column, value=unit)
    out = io.BytesIO()
    book.save(out)
    Plan.objects.all().delete()
    Department.objects.all().delete()
    return out.getvalue()


@pytest.fixture
def plan(build_plan):
    return build_plan(projects_per_policy=1, policies=1)


@pytest.mark.parametrize(
    ("column", "value", "unit", "message"),
    [
        ("value", "-5", None, "マイナス"),
        ("published_value", "-5", None, "マイナス"),
        ("value", "150", "%", "100 以下"),
        ("published_value", "150", "%", "100 以下"),
        ("value", "1.23456789", None, "4 桁まで"),
        ("note", "あ" * (NOTE_MAX_LENGTH + 1), None, f"{NOTE_MAX_LENGTH} 文字以内"),
        ("published_note", "あ" * (NOTE_MAX_LENGTH + 1), None, f"{NOTE_MAX_LENGTH} 文字以内"),
        ("internal_note", "あ" * (NOTE_MAX_LENGTH + 1), None, f"{NOTE_MAX_LENGTH} 文字以内"),
        ("note", "あ" * 1_000_000, None, "10000 文字"),
    ],
)
def test_import_refuses_what_the_entry_screen_refuses(plan, column, value, unit, message):
    data = edited(plan, "actuals", column, value, unit)
    with pytest.raises(PlanImportError) as error:
        import_plan(data)
    assert message in str(error.value)
    assert not Plan.objects.exists() and not Actual.objects.exists()


def test_import_accepts_a_note_of_the_maximum_length(plan):
    data = edited(plan, "actuals", "note", "あ" * NOTE_MAX_LENGTH)
    imported = import_plan(data)
    assert len(Actual.objects.get(indicator__project__plan=imported).note) == NOTE_MAX_LENGTH


@pytest.mark.parametrize("field", NOTE_FIELDS)
def test_the_database_refuses_an_overlong_note(plan, field):
    with pytest.raises(IntegrityError), transaction.atomic():
        Actual.objects.update(**{field: "x" * (NOTE_MAX_LENGTH + 1)})


def test_entry_screen_and_upload_refuse_an_overlong_note(client, plan, make_user):
    department = Department.objects.create(name="A課")
    plan.projects.update(department=department)
    indicator = Indicator.objects.get()
    client.force_login(make_user("officer", departments=[department]))
    pk, long_note = indicator.pk, "あ" * (NOTE_MAX_LENGTH + 1)
    response = client.post(
        f"{reverse('admin:indicators_actual_entry')}?fiscal_year=2023",
        {"fiscal_year": 2023, "action": "save", f"value_{pk}": "1", f"note_{pk}": long_note},
    )
    assert response.status_code == 200
    assert f"{NOTE_MAX_LENGTH} 文字以下" in response.content.decode()

    row = f"{pk},R5,{indicator.project.number},{indicator.name},1,{long_note}\n"
    response = client.post(
        reverse("admin:indicators_actual_upload"),
        {"file": SimpleUploadedFile("a.csv", (HEADER + row).encode())},
    )
    errors = response.context["preview"].errors
    assert [(e.row, f"{NOTE_MAX_LENGTH} 文字以内" in e.message) for e in errors] == [(2, True)]
    assert not Actual.objects.filter(fiscal_year=2023).exists()


@pytest.mark.parametrize(("published", "problems"), [("-5", 2), ("5", 1)])
def test_a_bad_value_and_its_published_value_are_each_named(plan, published, problems):
    book = openpyxl.load_workbook(io.BytesIO(edited(plan, "actuals", "value", "-5")))
    sheet = book["actuals"]
    headers = [cell.value for cell in sheet[1]]
    sheet.cell(row=2, column=headers.index("published_value") + 1, value=published)
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(PlanImportError) as error:
        import_plan(out.getvalue())
    message = str(error.value)
    assert message.count("マイナス") == problems
    assert ("published_value: 実績値にマイナス" in message) == (problems == 2)
    assert "value: 実績値にマイナス" in message and not Plan.objects.exists()
