"""A one-sheet XLSX workbook written as a stream: the first bytes leave before the last row
is read, and memory holds one chunk of rows, whatever the size of the table.

openpyxl (even write-only) builds the whole file before its first byte; this writes the
few parts a workbook needs with the standard library's zipfile into an unseekable sink.
Text cells are inline strings and numbers are numbers; no cell is ever a formula, so
text that starts with "=" stays text.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from decimal import Decimal
from xml.sax.saxutils import escape

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
HEADER = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
ROWS_PER_CHUNK = 500

# Characters XML 1.0 cannot carry (control characters other than tab, newline, return).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _parts(sheet_name: str) -> dict[str, str]:
    content_types = (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        "</Types>"
    )
    return {
        "[Content_Types].xml": HEADER + content_types,
        "_rels/.rels": HEADER + f'<Relationships xmlns="{RELATIONSHIPS}"><Relationship Id="rId1" '
        f'Type="{DOCUMENT}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": HEADER + f'<workbook xmlns="{MAIN}" xmlns:r="{DOCUMENT}"><sheets>'
        f'<sheet name="{escape(sheet_name)}" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": HEADER
        + f'<Relationships xmlns="{RELATIONSHIPS}"><Relationship Id="rId1" '
        f'Type="{DOCUMENT}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
    }


def _cell(value) -> str:
    if value is None or value == "":
        return "<c/>"
    if isinstance(value, bool):
        return f'<c t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | Decimal):
        return f"<c><v>{value}</v></c>"
    text = escape(_NOT_XML.sub("", str(value)))
    return f'<c t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def _row(values: Iterable) -> str:
    return "<row>" + "".join(_cell(value) for value in values) + "</row>"


class _Sink(io.RawIOBase):
    """Where zipfile writes; the stream takes what has been written so far."""

    def __init__(self):
        self._chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._chunks.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


def stream_workbook(sheet_name: str, rows: Iterable[Iterable]) -> Iterator[bytes]:
    """The bytes of an XLSX file holding ``rows`` (the first is the header) on one sheet."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in _parts(sheet_name).items():
            archive.writestr(name, text)
        yield sink.take()
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(f'{HEADER}<worksheet xmlns="{MAIN}"><sheetData>'.encode())
            batch = []
            for row in rows:
                batch.append(_row(row))
                if len(batch) == ROWS_PER_CHUNK:
                    sheet.write("".join(batch).encode())
                    batch.clear()
                    yield sink.take()
            sheet.write(("".join(batch) + "</sheetData></worksheet>").encode())
    yield sink.take()
