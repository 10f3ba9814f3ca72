"""Whole-plan workbook: export, import into an empty database, refusals that write nothing."""

import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from indicators.models import Actual, Indicator, OfficialStatus
from policies.models import BasicPolicy, Department, Highlight, Measure, Plan, Project
from policies.services.plan_io import PlanImportError, export_plan, import_plan

SLUG = "kanazawa-yumeplan-2020"
MODELS = [Plan, BasicPolicy, Measure, Project, Highlight, Indicator, Actual, OfficialStatus]


def cells(data: bytes) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book}


def wipe():
    Plan.objects.all().delete()
    Department.objects.all().delete()


@pytest.fixture
def kanazawa(db):
    call_command("loaddata", "kanazawa_yumeplan2020", verbosity=0)
    return Plan.objects.get(slug=SLUG)


def test_export_import_export_gives_the_same_cells(kanazawa, tmp_path):
    counts = [model.objects.count() for model in MODELS]
    first = tmp_path / "first.xlsx"
    call_command("export_plan", SLUG, str(first), stdout=io.StringIO())
    wipe()
    assert Plan.objects.count() == 0
    call_command("import_plan", str(first), stdout=io.StringIO())
    assert [model.objects.count() for model in MODELS] == counts
    second = export_plan(Plan.objects.get(slug=SLUG))
    assert cells(second) == cells(first.read_bytes())
    assert len(cells(second)["actuals"]) == counts[MODELS.index(Actual)] + 1


def test_sample_file_is_the_exported_kanazawa_plan(kanazawa, settings):
    sample = settings.BASE_DIR / "fixtures" / "sample_plan.xlsx"
    assert cells(sample.read_bytes()) == cells(export_plan(kanazawa))


def test_a_plan_that_exists_is_refused(kanazawa):
    with pytest.raises(PlanImportError, match="すでにあります"):
        import_plan(export_plan(kanazawa))


def broken(kanazawa, change) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(export_plan(kanazawa)))
    change(book)
    wipe()
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def set_cell(sheet, row, column):
    def change(book):
        ws = book[sheet]
        header = [c.value for c in ws[1]]
        ws.cell(row=row, column=header.index(column) + 1, value=VALUES[(sheet, column)])

    return change


VALUES = {
    ("projects", "basic_policy"): "9",
    ("indicators", "project"): "999",
    ("actuals", "value"): "たくさん",
    ("indicators", "target_kind"): "never",
    ("basic_policies", "number"): "abc",
    ("actuals", "indicator"): 12345,
}


@pytest.mark.parametrize(
    ("change", "sheet", "row", "reason"),
    [
        (set_cell("projects", 3, "basic_policy"), "projects", 3, "基本方針「9」が見つかりません"),
        (set_cell("indicators", 4, "project"), "indicators", 4, "事業番号「999」が見つかりません"),
        (set_cell("actuals", 2, "value"), "actuals", 2, "数値として読み取れません"),
        (set_cell("indicators", 2, "target_kind"), "indicators", 2, "target_kind"),
        (set_cell("basic_policies", 2, "number"), "basic_policies", 2, "整数ではありません"),
        (set_cell("actuals", 5, "indicator"), "actuals", 5, "指標 key「12345」"),
        (lambda book: book.remove(book["measures"]), "measures", 1, "シートがありません"),
        (
            lambda book: book["highlights"].cell(1, 1, "projekt"),
            "highlights",
            1,
            "足りない列: project",
        ),
    ],
)
def test_broken_workbook_is_refused_with_sheet_row_reason_and_writes_nothing(
    kanazawa, change, sheet, row, reason
):
    data = broken(kanazawa, change)
    with pytest.raises(PlanImportError) as caught:
        import_plan(data)
    assert any(
        (s, r) == (sheet, row) and reason in message for s, r, message in caught.value.errors
    ), caught.value.errors
    assert f"シート「{sheet}」{row} 行目" in str(caught.value)
    assert [model.objects.count() for model in MODELS] == [0] * len(MODELS)
    assert Department.objects.count() == 0


def test_import_command_reports_errors_and_not_a_zip(tmp_path, db):
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"not a workbook")
    with pytest.raises(CommandError, match="何も保存していません"):
        call_command("import_plan", str(path))
    assert Plan.objects.count() == 0
