"""Downloads per plan and per policy: CSV (UTF-8 with BOM) and JSON, published data only."""

import csv
import io
import json
from decimal import Decimal

import pytest

from indicators.models import Actual, Indicator
from indicators.services.judgements import recompute_all_judgements

pytestmark = pytest.mark.django_db


def body_of(response) -> bytes:
    """Downloads are streamed: the body is read as a client reads it."""
    return b"".join(response.streaming_content)


def read_csv(response):
    body = body_of(response)
    assert body.startswith("\ufeff".encode())  # the BOM Excel needs to read UTF-8
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def test_plan_csv_has_one_row_per_indicator_and_year_with_plain_numbers(client, build_plan):
    plan = build_plan(projects_per_policy=2, policies=2)
    indicator = Indicator.objects.get(project__number="100")
    indicator.baseline_value = Decimal("688518")
    indicator.save()
    response = client.get(f"/data/{plan.slug}/indicators.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="test-plan-indicators.csv"' in response["Content-Disposition"]
    assert 'rel="license"' in response["Link"]
    rows = read_csv(response)
    assert len(rows) == 4 * 5  # 4 indicators × FY2020–2024
    row = next(r for r in rows if r["project_number"] == "100" and r["fiscal_year"] == "2024")
    assert row["baseline_value"] == "688518"  # a number, no separators, unit apart
    assert row["unit"] == "人" and row["indicator"] == "利用者数"
    assert (row["baseline_fiscal_year"], row["baseline_era"]) == ("2019", "R元年")
    assert (row["fiscal_year"], row["era"]) == ("2024", "R6")
    assert row["actual_value"] == "100" and row["target_value"] == "100"
    assert (row["status_code"], row["status_label"]) == ("achieved", "達成")
    assert row["actual_note"] == ""
    earlier = next(r for r in rows if r["project_number"] == "100" and r["fiscal_year"] == "2021")
    assert earlier["actual_value"] == "" and earlier["status_code"] == ""


def test_policy_downloads_hold_that_policy_only(client, build_plan):
    plan = build_plan(projects_per_policy=2, policies=2)
    rows = read_csv(client.get(f"/data/{plan.slug}/policies/2/indicators.csv"))
    assert {r["policy_number"] for r in rows} == {"2"}
    data = json.loads(body_of(client.get(f"/data/{plan.slug}/policies/2/indicators.json")))
    assert [i["project_number"] for i in data["indicators"]] == ["200", "201"]
    assert data["licence"]["name"] == "CC BY 4.0"
    assert client.get(f"/data/{plan.slug}/policies/9/indicators.csv").status_code == 404
    assert client.get(f"/data/{plan.slug}/indicators.xml").status_code == 404


def test_downloads_hold_published_values_only(client, build_plan):
    plan = build_plan(projects_per_policy=1, policies=1, published=False)
    Actual.objects.update(published_value=Decimal("90"))
    Actual.objects.update(value=Decimal("12345"))
    recompute_all_judgements()  # raw updates send no signal
    body = body_of(client.get(f"/data/{plan.slug}/indicators.csv")).decode("utf-8-sig")
    assert "12345" not in body and ",90," in body


def test_pages_link_the_downloads(client, build_plan):
    plan = build_plan(policies=1)
    html = client.get(plan.get_absolute_url()).content.decode()
    assert f'href="/data/{plan.slug}/indicators.csv"' in html
    assert "CC BY 4.0" in html
    html = client.get(plan.get_absolute_url() + "policies/1/").content.decode()
    assert f'href="/data/{plan.slug}/policies/1/indicators.json"' in html


@pytest.mark.parametrize("projects_per_policy", [1, 8])
def test_downloads_run_a_fixed_number_of_queries(
    client, build_plan, django_assert_num_queries, projects_per_policy
):
    """The plan, the indicators' ids, then three queries per chunk of indicators read (their
    rows, published actuals and statuses): the count does not grow with rows in a chunk."""
    plan = build_plan(projects_per_policy=projects_per_policy, policies=2)
    with django_assert_num_queries(5):
        body_of(client.get(f"/data/{plan.slug}/indicators.csv"))
    with django_assert_num_queries(5):
        body_of(client.get(f"/data/{plan.slug}/indicators.xlsx"))
    # + the policy, and when a figure was last published
    with django_assert_num_queries(7):
        body_of(client.get(f"/data/{plan.slug}/policies/1/indicators.json"))


def test_the_published_note_goes_into_the_csv_and_json_and_a_working_note_does_not(
    client, build_plan
):
    plan = build_plan(projects_per_policy=1, policies=1)
    Actual.objects.update(published_note="集計方法を変更", note="未公表のメモ")
    rows = read_csv(client.get(f"/data/{plan.slug}/indicators.csv"))
    row = next(r for r in rows if r["fiscal_year"] == "2024")
    assert row["actual_note"] == "集計方法を変更"
    body = body_of(client.get(f"/data/{plan.slug}/indicators.json")).decode()
    assert "集計方法を変更" in body and "未公表のメモ" not in body


def test_the_xlsx_download_holds_the_csv_table_with_numbers_as_numbers(client, build_plan):
    from openpyxl import load_workbook

    plan = build_plan(projects_per_policy=2, policies=2)
    Indicator.objects.filter(project__number="100").update(name="=HYPERLINK(1)")
    csv_rows = read_csv(client.get(f"/data/{plan.slug}/indicators.csv"))
    response = client.get(f"/data/{plan.slug}/indicators.xlsx")
    assert response["Content-Disposition"] == f'attachment; filename="{plan.slug}-indicators.xlsx"'
    sheet = load_workbook(io.BytesIO(body_of(response))).active
    header, *rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert header == list(csv_rows[0])
    assert len(rows) == len(csv_rows)
    for row, expected in zip(rows, csv_rows, strict=True):
        record = dict(zip(header, row, strict=True))
        assert record["actual_value"] == (
            float(expected["actual_value"]) if expected["actual_value"] else None
        )
        assert record["project_number"] == expected["project_number"]
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)  # text stays text
    # and is neutralised as in every export (docs/security.md): a quote in front
    assert any(cell.value == "'=HYPERLINK(1)" for cell in cells)


def test_the_whole_plan_json_names_a_qualitative_target_by_its_kind(client, build_plan):
    """A qualitative target with no wording of its own is named by its kind (a translated
    label): the streamed JSON writes it as text like the API does."""
    plan = build_plan(projects_per_policy=1, policies=1)
    Indicator.objects.update(
        target_kind="increase", target_value=None, target_wording="", baseline_value=80
    )
    data = json.loads(body_of(client.get(f"/data/{plan.slug}/indicators.json")))
    [record] = data["indicators"]
    assert record["target"]["kind"] == "increase" and record["target"]["wording"] == "増加・拡充"
    api = client.get(f"/api/v1/plans/{plan.slug}/indicators/").json()
    assert api["indicators"] == data["indicators"]
