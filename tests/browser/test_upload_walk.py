"""An officer enters a year's figures as a file: downloads the Excel template from the
admin's upload page, fills it in, uploads it, reads the preview (new, changed and a
rejected row with its row number and reason), fixes the file, confirms, and the figures
are saved as drafts. A CSV saved by Japanese Excel (CP932) goes the same way."""

from decimal import Decimal

import openpyxl
import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def upload(page, path):
    page.set_input_files("input[name=file]", str(path))
    page.get_by_role("button", name="確認する").click()
    page.wait_for_selector("p.upload-summary")


def rows(page, table: str) -> list[list[str]]:
    return [
        [cell.inner_text().strip() for cell in row.locator("td").all()]
        for row in page.locator(f"table.{table} tbody tr").all()
    ]


@pytest.fixture
def officer_world(build_plan, make_user):
    """One policy of three projects, all the officer's department. R6 (2024) has draft
    figures 100 and 96 for the first two; the third has none yet."""
    from indicators.models import Actual, Indicator
    from policies.models import Department

    plan = build_plan(projects_per_policy=3, policies=1, published=False)
    department = Department.objects.create(name="こども政策課")
    plan.projects.update(department=department)
    first, second, third = Indicator.objects.filter(project__plan=plan).order_by("project__number")
    Actual.objects.filter(indicator=third).delete()
    officer = make_user("officer", departments=[department], username="officer")
    return officer, (first, second, third)


def test_officer_fills_in_the_excel_template_fixes_a_row_and_saves_drafts(
    live_server, sign_in, page, console_errors, officer_world, tmp_path
):
    from indicators.models import Actual

    officer, (first, second, third) = officer_world
    sign_in(page, officer.username)
    page.goto(live_server.url + "/admin/indicators/actual/upload/")

    with page.expect_download() as download:
        page.get_by_role("link", name="R6 の様式（.xlsx）").click()
    assert download.value.suggested_filename == "actuals-template-2024.xlsx"
    template = tmp_path / download.value.suggested_filename
    download.value.save_as(template)
    workbook = openpyxl.load_workbook(template)
    sheet = workbook.active
    headers = [cell.value for cell in sheet[1]]
    column = {name: headers.index(name) + 1 for name in ["ID", "年度", "実績値", "備考"]}
    by_id = {int(sheet.cell(row, column["ID"]).value): row for row in range(2, sheet.max_row + 1)}
    assert sheet.max_row == 4  # the header and the officer's three indicators
    assert {sheet.cell(row, column["年度"]).value for row in by_id.values()} == {"R6"}
    # The year's figures so far are filled in; the third indicator has none yet.
    assert sheet.cell(by_id[first.pk], column["実績値"]).value == "100"
    assert sheet.cell(by_id[third.pk], column["実績値"]).value in (None, "")

    sheet.cell(by_id[first.pk], column["実績値"]).value = "百二十"  # not a number
    sheet.cell(by_id[second.pk], column["実績値"]).value = 98
    sheet.cell(by_id[second.pk], column["備考"]).value = "教室を増設"
    sheet.cell(by_id[third.pk], column["実績値"]).value = 75
    filled = tmp_path / "実績_R6.xlsx"
    workbook.save(filled)

    upload(page, filled)
    assert page.locator("p.upload-summary").inner_text() == (
        "新規 1 件、変更 1 件、変更なし 0 件、エラー 1 件"
    )
    assert rows(page, "upload-errors") == [
        [str(by_id[first.pk]), "「百二十」は数値として読み取れません。"]
    ]
    assert [(row[0], row[1], row[4], row[5]) for row in rows(page, "upload-rows")] == [
        (str(by_id[second.pk]), "変更", "96 人", "98 人"),
        (str(by_id[third.pk]), "新規", "", "75 人"),
    ]
    assert page.get_by_role("button", name="確定して保存する").count() == 0
    assert Actual.objects.get(indicator=second, fiscal_year=2024).value == Decimal("96")

    page.get_by_role("link", name="ファイルを選び直す").click()
    sheet.cell(by_id[first.pk], column["実績値"]).value = 120
    fixed = tmp_path / "実績_R6_修正.xlsx"
    workbook.save(fixed)
    upload(page, fixed)
    assert page.locator("p.upload-summary").inner_text() == (
        "新規 1 件、変更 2 件、変更なし 0 件、エラー 0 件"
    )
    assert page.locator("table.upload-errors").count() == 0
    page.get_by_role("button", name="確定して保存する").click()
    assert "取り込みました（新規 1 件、更新 2 件、変更なし 0 件）" in (
        page.locator("ul.messagelist").inner_text()
    )

    saved = {
        actual.indicator_id: actual
        for actual in Actual.objects.filter(fiscal_year=2024, indicator__in=[first, second, third])
    }
    assert {pk: (a.value, a.note, a.state) for pk, a in saved.items()} == {
        first.pk: (Decimal("120"), "", "draft"),
        second.pk: (Decimal("98"), "教室を増設", "draft"),
        third.pk: (Decimal("75"), "", "draft"),
    }
    assert saved[third.pk].history.first().history_user == officer
    assert [e for e in console_errors if "Content Security Policy" in e] == []


def test_officer_uploads_a_cp932_csv(
    live_server, page, console_errors, sign_in, officer_world, tmp_path
):
    from indicators.models import Actual

    officer, (first, _second, _third) = officer_world
    number = first.project.number
    text = (
        "ID,年度,事業番号,指標項目,実績値,備考\r\n"
        f"{first.pk},R5,{number},{first.name},１，２３４人,①新施設の開設（髙橋町）\r\n"
    )
    csv = tmp_path / "実績_R5.csv"
    # What Japanese Excel writes: CP932, with characters plain Shift_JIS lacks (①, 髙).
    csv.write_bytes(text.encode("cp932"))

    sign_in(page, officer.username)
    page.goto(live_server.url + "/admin/indicators/actual/upload/")
    upload(page, csv)
    assert page.locator("p.upload-summary").inner_text() == (
        "新規 1 件、変更 0 件、変更なし 0 件、エラー 0 件"
    )
    [row] = rows(page, "upload-rows")
    assert row[:2] == ["2", "新規"]
    assert row[5:] == ["1,234 人", "①新施設の開設（髙橋町）"]
    page.get_by_role("button", name="確定して保存する").click()
    assert "取り込みました（新規 1 件" in page.locator("ul.messagelist").inner_text()

    actual = Actual.objects.get(indicator=first, fiscal_year=2023)
    assert (actual.value, actual.note, actual.state) == (
        Decimal("1234"),
        "①新施設の開設（髙橋町）",
        "draft",
    )
    assert [e for e in console_errors if "Content Security Policy" in e] == []
