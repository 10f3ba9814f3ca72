"""Exporting actuals as XLSX and CSV from the admin."""

import codecs
import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from policies.models import Department

EXPORT = "admin:indicators_actual_export"


@pytest.fixture
def world(build_plan, make_user):
    plan = build_plan(projects_per_policy=2, policies=1)
    mine, theirs = Department.objects.create(name="A課"), Department.objects.create(name="B課")
    first, second = plan.projects.order_by("number")
    first.department, second.department = mine, theirs
    first.save()
    second.save()
    return {
        "first": first,
        "second": second,
        "officer": make_user("officer", departments=[mine]),
        "planner": make_user("planner"),
    }


def test_planner_exports_every_actual_as_csv_with_bom(client, world):
    client.force_login(world["planner"])
    response = client.get(reverse(EXPORT) + "?format=csv")
    assert response.status_code == 200
    assert response.content.startswith(codecs.BOM_UTF8)
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(r["事業番号"], r["年度"], r["実績値"], r["公表値"], r["状態"]) for r in rows] == [
        (world["first"].number, "R6", "100", "100", "公表済み"),
        (world["second"].number, "R6", "96", "96", "公表済み"),
    ]
    assert rows[1]["担当課"] == "B課"


def test_officer_exports_only_their_department_as_xlsx(client, world):
    client.force_login(world["officer"])
    response = client.get(reverse(EXPORT) + "?format=xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("計画", "ID", "年度")
    assert [row[3] for row in rows[1:]] == [world["first"].number]


def test_year_filter(client, world):
    client.force_login(world["planner"])
    response = client.get(reverse(EXPORT) + "?format=csv&fiscal_year=2023")
    assert len(response.content.decode("utf-8-sig").strip().splitlines()) == 1  # header only
