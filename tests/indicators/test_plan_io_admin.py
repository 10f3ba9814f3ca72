"""Whole-plan workbook in the admin: planners export (XLSX, CSV ZIP) and import with a preview."""

import csv
import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from indicators.admin_plan_io import SESSION_KEY
from indicators.models import Actual, Indicator
from indicators.services.plan_io import check_plan, export_plan, plan_tables
from policies.models import Department, Plan, Project

SLUG = "kanazawa-yumeplan-2020"
CHANGELIST = "admin:policies_plan_changelist"
IMPORT = "admin:policies_plan_import"
CONFIRM = "admin:policies_plan_import_confirm"


@pytest.fixture
def kanazawa(db):
    call_command("loaddata", "kanazawa_yumeplan2020", verbosity=0)
    return Plan.objects.get(slug=SLUG)


def cells(data: bytes) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book}


def wipe():
    Plan.objects.all().delete()
    Department.objects.all().delete()


def run_action(client, action, plans):
    return client.post(
        reverse(CHANGELIST), {"action": action, "_selected_action": [p.pk for p in plans]}
    )


def test_planner_exports_a_plan_as_xlsx(client, make_user, kanazawa):
    client.force_login(make_user("planner"))
    response = run_action(client, "export_workbook_xlsx", [kanazawa])
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{SLUG}.xlsx"'
    assert cells(response.content) == cells(export_plan(kanazawa))


def test_planner_exports_a_plan_as_csv_files_in_a_zip(client, make_user, kanazawa):
    client.force_login(make_user("planner"))
    response = run_action(client, "export_workbook_csv", [kanazawa])
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    tables = plan_tables(kanazawa)
    assert archive.namelist() == [f"{name}.csv" for name in tables]
    raw = archive.read("indicators.csv")
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    expected = [["" if c is None else str(c) for c in row] for row in tables["indicators"]]
    assert rows == expected
    assert len(rows) == Indicator.objects.filter(project__plan=kanazawa).count() + 1
    assert "配布率" in {row[rows[0].index("name")] for row in rows[1:]}


def test_export_needs_exactly_one_plan(client, make_user, kanazawa, build_plan):
    other = build_plan()
    client.force_login(make_user("planner"))
    response = run_action(client, "export_workbook_xlsx", [kanazawa, other])
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "1 つだけ選んでください" in page


def test_officer_can_neither_export_nor_import(client, make_user, kanazawa):
    officer = make_user("officer", departments=[Department.objects.create(name="A課")])
    client.force_login(officer)
    assert run_action(client, "export_workbook_xlsx", [kanazawa]).status_code == 403
    assert client.get(reverse(IMPORT)).status_code == 403
    assert client.post(reverse(CONFIRM)).status_code == 403


def test_planner_imports_a_workbook_after_a_preview_of_counts(client, make_user, kanazawa):
    data = export_plan(kanazawa)
    projects = Project.objects.count()
    actuals = Actual.objects.count()
    wipe()
    client.force_login(make_user("planner"))
    assert reverse(IMPORT) in client.get(reverse(CHANGELIST)).content.decode()

    response = client.post(reverse(IMPORT), {"file": SimpleUploadedFile("plan.xlsx", data)})
    assert response.status_code == 200
    counts = dict(response.context["counts"])
    assert counts["事業"] == projects and counts["実績"] == actuals
    assert Plan.objects.count() == 0 and Department.objects.count() == 0  # preview only
    assert SESSION_KEY in client.session

    response = client.post(reverse(CONFIRM))
    plan = Plan.objects.get(slug=SLUG)
    assert response.url == reverse("admin:policies_plan_change", args=[plan.pk])
    assert cells(export_plan(plan)) == cells(data)
    assert SESSION_KEY not in client.session


def test_broken_workbook_shows_sheet_row_reason_and_cannot_be_confirmed(
    client, make_user, kanazawa
):
    book = openpyxl.load_workbook(io.BytesIO(export_plan(kanazawa)))
    header = [c.value for c in book["projects"][1]]
    book["projects"].cell(row=3, column=header.index("basic_policy") + 1, value="9")
    out = io.BytesIO()
    book.save(out)
    wipe()
    client.force_login(make_user("planner"))
    response = client.post(
        reverse(IMPORT), {"file": SimpleUploadedFile("plan.xlsx", out.getvalue())}
    )
    assert ("projects", 3, "基本方針「9」が見つかりません。") in response.context["errors"]
    assert "基本方針「9」が見つかりません" in response.content.decode()
    assert SESSION_KEY not in client.session
    assert client.post(reverse(CONFIRM)).status_code == 302
    assert Plan.objects.count() == 0 and Department.objects.count() == 0


def test_check_plan_counts_rows_and_writes_nothing(kanazawa):
    data = export_plan(kanazawa)
    indicators = Indicator.objects.count()
    wipe()
    counts = check_plan(data)
    assert counts["plan"] == 1 and counts["indicators"] == indicators
    assert Plan.objects.count() == 0 and Department.objects.count() == 0
