"""Every uploaded or imported file is bounded before it is parsed (indicators/file_limits.py):
size, an XLSX's parts and unpacked size, rows, columns and cell length. A file over a
limit is refused with a message naming the limit, quickly, and nothing is written."""

import io
import time
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from indicators import file_limits
from indicators.models import Actual
from indicators.services import imports, plan_io
from policies.models import Plan

HEADER = "ID,年度,事業番号,指標項目,実績値,備考\n"


def xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def zip_bomb(unpacked: int) -> bytes:
    """A workbook whose sheet unpacks to ``unpacked`` bytes of rows, built at test time."""
    out = io.BytesIO()
    base = zipfile.ZipFile(io.BytesIO(xlsx([["ID"]])))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in base.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                archive.writestr(info, base.read(info))
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            row = b'<row><c t="inlineStr"><is><t>0</t></is></c></row>'
            sheet.write(
                b'<worksheet xmlns="http://schemas.openxmlformats.org/'
                b'spreadsheetml/2006/main"><sheetData>'
            )
            chunk = row * 20_000
            for _ in range(unpacked // len(chunk) + 1):
                sheet.write(chunk)
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


@pytest.fixture
def officer_client(client, build_plan, make_user):
    build_plan(projects_per_policy=1, policies=1, published=False)
    client.force_login(make_user("admin"))
    return client


def refused_upload(client, name, data) -> str:
    actuals = Actual.objects.count()
    started = time.monotonic()
    response = client.post(
        reverse("admin:indicators_actual_upload"), {"file": SimpleUploadedFile(name, data)}
    )
    assert time.monotonic() - started < 2
    assert response.status_code == 200 and "preview" not in response.context
    assert Actual.objects.count() == actuals
    return " ".join(response.context["form"].errors["file"])


def test_a_zip_bomb_is_refused_from_its_directory(officer_client, settings):
    settings.UPLOAD_MAX_UNPACKED_BYTES = 2 * 1024 * 1024
    bomb = zip_bomb(20 * 1024 * 1024)
    assert len(bomb) < 200_000  # small packed, huge unpacked
    message = refused_upload(officer_client, "bomb.xlsx", bomb)
    assert "展開後の大きさが上限（2MB）" in message


def test_too_many_parts_are_refused(officer_client, settings):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for number in range(settings.UPLOAD_MAX_XLSX_PARTS + 1):
            archive.writestr(f"part{number}.xml", "")
    assert "200 個まで" in refused_upload(officer_client, "parts.xlsx", out.getvalue())


def test_a_file_over_the_upload_size_is_refused(officer_client, settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    data = (HEADER + "1,R6,100,x,1,\n" * 100_000).encode()
    assert "1MB まで" in refused_upload(officer_client, "big.csv", data)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_too_many_rows_are_refused(officer_client, settings, kind):
    settings.UPLOAD_MAX_ROWS = 100
    rows = [HEADER.strip().split(",")] + [["1", "R6", "100", "x", "1", ""]] * 100
    data = "\n".join(",".join(row) for row in rows).encode() if kind == "csv" else xlsx(rows)
    assert "100 行まで" in refused_upload(officer_client, f"rows.{kind}", data)


def test_too_many_columns_are_refused(officer_client):
    data = (HEADER + ",".join(["1"] * 101) + "\n").encode()
    assert "2 行目: 列が多すぎます（100 列まで）" in refused_upload(officer_client, "w.csv", data)


@pytest.mark.parametrize("length", [10_001, 131_073])
def test_an_overlong_cell_is_refused_with_its_row(officer_client, length):
    data = (HEADER + f'1,R6,100,x,1,"{"あ" * length}"\n').encode()
    message = refused_upload(officer_client, "long.csv", data)
    assert "2 行目" in message and "10000 文字" in message


def test_an_unclosed_quote_is_a_message(officer_client):
    data = (HEADER + '1,R6,100,x,1,"never closed\n').encode()
    assert "2 行目" in refused_upload(officer_client, "q.csv", data)


def test_a_row_wider_than_its_header_is_a_row_error(client, build_plan, make_user):
    plan = build_plan(projects_per_policy=1, policies=1, published=False)
    client.force_login(make_user("admin"))
    indicator = plan.projects.get().indicators.get()
    row = f"{indicator.pk},R5,{indicator.project.number},{indicator.name},1,234,\n"
    response = client.post(
        reverse("admin:indicators_actual_upload"),
        {"file": SimpleUploadedFile("a.csv", (HEADER + row).encode())},
    )
    preview = response.context["preview"]
    assert not preview.is_valid
    assert [e.row for e in preview.errors] == [2]
    assert "見出しより多くの列があります" in preview.errors[0].message


def test_readers_are_bounded_outside_the_admin_too(settings):
    settings.UPLOAD_MAX_ROWS = 10
    with pytest.raises(imports.UploadError, match="10 行まで"):
        imports.read_upload("a.csv", (HEADER + "1,R6,1,x,1,\n" * 10).encode())
    with pytest.raises(file_limits.FileLimitError, match="10 行まで"):
        list(file_limits.csv_rows("a\n" * 11))


def test_whole_plan_import_refuses_a_bomb_in_the_admin_and_the_command(
    client, make_user, settings, tmp_path
):
    settings.UPLOAD_MAX_UNPACKED_BYTES = 2 * 1024 * 1024
    bomb = zip_bomb(20 * 1024 * 1024)
    client.force_login(make_user("planner"))
    started = time.monotonic()
    response = client.post(
        reverse("admin:policies_plan_import"), {"file": SimpleUploadedFile("p.xlsx", bomb)}
    )
    assert time.monotonic() - started < 2
    assert "展開後の大きさが上限（2MB）" in " ".join(response.context["form"].errors["file"])

    path = tmp_path / "bomb.xlsx"
    path.write_bytes(bomb)
    started = time.monotonic()
    with pytest.raises(CommandError, match="展開後の大きさが上限"):
        call_command("import_plan", str(path))
    assert time.monotonic() - started < 2
    with pytest.raises(plan_io.PlanImportError, match="展開後の大きさが上限"):
        plan_io.check_plan(bomb)
    assert not Plan.objects.exists()


def test_import_plan_command_refuses_a_file_over_the_upload_size(settings, tmp_path, db):
    settings.UPLOAD_MAX_BYTES = 1024
    path = tmp_path / "big.xlsx"
    path.write_bytes(b"x" * 2048)
    with pytest.raises(CommandError, match="ファイルが大きすぎます"):
        call_command("import_plan", str(path))


def test_rows_of_a_sheet_are_counted_before_openpyxl_reads_them(settings):
    settings.UPLOAD_MAX_ROWS = 10
    data = xlsx([["ID"]] * 11)
    with pytest.raises(file_limits.FileLimitError, match="10 行まで"):
        file_limits.check_xlsx(data)
    file_limits.check_xlsx(xlsx([["ID"]] * 10))


def test_rows_of_all_sheets_count_together(settings):
    settings.UPLOAD_MAX_ROWS = 10
    book = openpyxl.Workbook()
    for sheet in (book.active, book.create_sheet("second")):
        for _ in range(6):
            sheet.append(["ID"])
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(
        file_limits.FileLimitError, match="ファイル全体で、見出しを含めて 10 行まで"
    ):
        file_limits.check_xlsx(out.getvalue())


@pytest.mark.parametrize("sheet", [None, object()], ids=["no sheet", "chart sheet"])
def test_a_workbook_without_a_worksheet_is_refused(sheet):
    with pytest.raises(file_limits.FileLimitError, match="Excel ファイルとして読み取れません"):
        list(file_limits.xlsx_rows(sheet))
