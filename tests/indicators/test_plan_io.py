"""Whole-plan workbook: export, import into an empty database, refusals that write nothing."""

import io
import multiprocessing

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from indicators import sheet_reader
from indicators.cache import public_cache_version
from indicators.models import Actual, Indicator, OfficialStatus
from indicators.services.plan_io import PlanImportError, check_plan, export_plan, import_plan
from policies.models import BasicPolicy, Department, Highlight, Measure, Plan, Project

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


@pytest.mark.parametrize("read_ahead", [True, False], ids=["read ahead", "in process"])
def test_a_limit_met_halfway_through_a_sheet_is_reported_and_writes_nothing(
    kanazawa, settings, monkeypatch, read_ahead
):
    """The limit is met by the reader (in its child when read ahead) after earlier sheets
    were checked and written, and after the sheet's first rows: all of it is rolled back."""
    monkeypatch.setattr(sheet_reader, "READ_AHEAD", read_ahead)
    monkeypatch.setattr(sheet_reader, "BATCH_ROWS", 2)  # the sheet's first rows arrive first
    longest = max(
        len(str(value))
        for rows in cells(export_plan(kanazawa)).values()
        for row in rows
        for value in row
        if value is not None
    )
    settings.UPLOAD_MAX_CELL_CHARS = longest
    data = broken(kanazawa, lambda book: book["actuals"].cell(6, 1, "長" * (longest + 1)))

    with pytest.raises(PlanImportError) as caught:
        import_plan(data)

    [(sheet, row, message)] = caught.value.errors
    assert (sheet, row) == ("actuals", 0)
    assert "6 行目: セルの文字数が上限" in message
    assert [model.objects.count() for model in MODELS] == [0] * len(MODELS)
    assert multiprocessing.active_children() == []


def test_import_command_reports_errors_and_not_a_zip(tmp_path, db):
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"not a workbook")
    with pytest.raises(CommandError, match="何も保存していません"):
        call_command("import_plan", str(path))
    assert Plan.objects.count() == 0


def append_rows(sheet, rows):
    def change(book):
        for row in rows:
            book[sheet].append(row)

    return change


def test_duplicate_rows_in_the_workbook_are_refused_with_both_rows(kanazawa):
    book = openpyxl.load_workbook(io.BytesIO(export_plan(kanazawa)))
    first_actual = [c.value for c in book["actuals"][2]]
    data = broken(kanazawa, append_rows("actuals", [first_actual]))
    with pytest.raises(PlanImportError) as caught:
        import_plan(data)
    sheet, row, reason = caught.value.errors[0]
    assert (sheet, reason) == ("actuals", "2 行目と indicator, fiscal_year が重複しています。")
    assert row == len(cells(data)["actuals"])
    assert Plan.objects.count() == 0


def test_import_queries_do_not_grow_with_actual_rows(kanazawa):
    plain = export_plan(kanazawa)
    book = openpyxl.load_workbook(io.BytesIO(plain))
    extra_years(book)
    more = io.BytesIO()
    book.save(more)
    added = len(cells(more.getvalue())["actuals"]) - len(cells(plain)["actuals"])
    assert added > len(cells(plain)["actuals"])
    counted = []
    for data in (plain, more.getvalue()):
        wipe()
        with CaptureQueriesContext(connection) as queries:
            import_plan(data)
        counted.append(len(queries))
    # Rows go in bulk: more rows add only INSERT batches (SQLite caps the variables per
    # statement), at most one query per ten rows, never one per row.
    assert counted[1] - counted[0] <= added // 10


def extra_years(book):
    """Actuals for R2–R5 of every indicator: more rows, same sheets."""
    keys = [row[0] for row in book["indicators"].iter_rows(min_row=2, values_only=True)]
    header = [c.value for c in book["actuals"][1]]
    for key in keys:
        for year in (2020, 2021, 2022, 2023):
            row = dict.fromkeys(header)
            row.update(indicator=key, fiscal_year=year, value="1", state="draft")
            book["actuals"].append([row[h] for h in header])


def test_import_refreshes_the_public_cache_and_a_dry_run_does_not(kanazawa):
    data = export_plan(kanazawa)
    wipe()
    version = public_cache_version()
    check_plan(data)
    assert public_cache_version() == version  # rolled back with the dry run
    import_plan(data)
    assert int(public_cache_version()) > int(version)
