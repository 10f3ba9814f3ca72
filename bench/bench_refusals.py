"""Time how long the readers take to refuse the hostile files of issue 9, with the default
limits (indicators/file_limits.py, docs/security.md).

Run: SECRET_KEY=x .venv/bin/python bench/bench_refusals.py

Builds each file in memory: a workbook whose sheet unpacks to 223 MB (3 million rows), a
17 MB CSV, a CSV of 3 million short rows under the size limit, a workbook of 60,000 rows,
and a CSV field of 200,000 characters. Prints the file's size, the seconds the officers'
upload reader (imports.read_upload) and the whole-plan import (plan_io.check_plan) take to
refuse it, and the message.
"""

from __future__ import annotations

import io
import time
import zipfile

from _django import setup_throwaway_django

HEADER = "ID,年度,事業番号,指標項目,実績値,備考\r\n"


def workbook(rows: int) -> bytes:
    """A workbook of ``rows`` rows, its sheet XML written straight into the ZIP."""
    import openpyxl

    book = openpyxl.Workbook()
    plain = io.BytesIO()
    book.save(plain)
    base = zipfile.ZipFile(plain)
    out = io.BytesIO()
    row = b'<row><c t="inlineStr"><is><t>123456789012345678901234567890</t></is></c></row>'
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in base.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                archive.writestr(info, base.read(info))
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/')
            sheet.write(b'spreadsheetml/2006/main"><sheetData>')
            for _ in range(rows // 10_000):
                sheet.write(row * 10_000)
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


def main() -> None:
    tmp = setup_throwaway_django()
    from indicators.services import imports, plan_io

    files = {
        "xlsx, 3 million rows unpacking to 223 MB": ("bomb.xlsx", workbook(3_000_000)),
        "xlsx, 60,000 rows": ("rows.xlsx", workbook(60_000)),
        "csv, 17 MB": ("big.csv", (HEADER + "1,R6,100,利用者数,1,\r\n" * 700_000).encode()),
        "csv, 3 million short rows": ("rows.csv", (HEADER + "1\r\n" * 3_000_000).encode()),
        "csv, a 200,000-character field": (
            "long.csv",
            (HEADER + f'1,R6,100,x,1,"{"x" * 200_000}"\r\n').encode(),
        ),
    }
    for label, (name, data) in files.items():
        started = time.monotonic()
        try:
            imports.read_upload(name, data)
        except imports.UploadError as error:
            message = str(error)
        upload = time.monotonic() - started
        plan = "-"
        if name.endswith(".xlsx"):
            started = time.monotonic()
            try:
                plan_io.check_plan(data)
            except plan_io.PlanImportError:
                plan = f"{time.monotonic() - started:.2f} s"
        print(
            f"{label}: {len(data) / 1024 / 1024:.1f} MB; upload refused in {upload:.2f} s, "
            f"plan import in {plan}: {message}"
        )
    tmp.cleanup()


if __name__ == "__main__":
    main()
