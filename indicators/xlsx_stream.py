"""An XLSX workbook written as a stream: the first bytes leave before the first row is
read, and memory holds one chunk of rows, whatever the size of the tables.

openpyxl (even write-only) builds the whole file before its first byte; this writes the
few parts a workbook needs with the standard library's zipfile into an unseekable sink,
one sheet after another. Every text cell goes through ``spreadsheet_safety.neutralise``
here, so no caller can forget it, and is an inline string; numbers are numbers; no cell is
ever a formula. The public open data and the staff workbooks are written with it.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Iterable, Iterator
from decimal import Decimal
from xml.sax.saxutils import escape

from .spreadsheet_safety import neutralise

__all__ = ["ROWS_PER_CHUNK", "sheet_names", "stream_workbook"]

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
HEADER = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
ROWS_PER_CHUNK = 500

# Characters XML 1.0 cannot carry (control characters other than tab, newline, return).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# A carriage return is written as a reference: XML would read it back as a line feed.
_TEXT_ENTITIES = {"\r": "&#13;"}
_ATTRIBUTE_ENTITIES = {'"': "&quot;", "\r": "&#13;", "\n": "&#10;", "\t": "&#9;"}
# What Excel refuses in a sheet's name (besides control characters), its longest name, and
# the name it keeps for itself.
_NOT_IN_SHEET_NAME = re.compile(r"[\[\]:*?/\\\x00-\x1f\x7f\ufffe\uffff]")
SHEET_NAME_LENGTH = 31
_RESERVED_NAMES = frozenset({"history"})


def sheet_names(names: Iterable[str]) -> list[str]:
    """The names Excel accepts for sheets called ``names``, in order: no ``[]:*?/\\`` or
    control characters, at most 31 characters, no quote at either end, not empty and
    distinct (ignoring case); a name taken already gets " (2)", " (3)"… at its end."""
    taken = set(_RESERVED_NAMES)
    result = []
    for number, name in enumerate(names, 1):
        base = _NOT_IN_SHEET_NAME.sub("", str(name))[:SHEET_NAME_LENGTH].strip("'")
        base = base or f"Sheet{number}"
        name, copy = base, 1
        while name.casefold() in taken:
            copy += 1
            suffix = f" ({copy})"
            name = base[: SHEET_NAME_LENGTH - len(suffix)].rstrip("'") + suffix
        taken.add(name.casefold())
        result.append(name)
    return result


def _parts(names: list[str]) -> dict[str, str]:
    numbers = range(1, len(names) + 1)
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{SHEET_TYPE}"/>'
        for n in numbers
    )
    content_types = (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        f"{overrides}</Types>"
    )
    sheets = "".join(
        f'<sheet name="{escape(name, _ATTRIBUTE_ENTITIES)}" sheetId="{n}" r:id="rId{n}"/>'
        for n, name in zip(numbers, names, strict=True)
    )
    targets = "".join(
        f'<Relationship Id="rId{n}" Type="{DOCUMENT}/worksheet" Target="worksheets/sheet{n}.xml"/>'
        for n in numbers
    )
    return {
        "[Content_Types].xml": HEADER + content_types,
        "_rels/.rels": HEADER + f'<Relationships xmlns="{RELATIONSHIPS}"><Relationship Id="rId1" '
        f'Type="{DOCUMENT}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": HEADER
        + f'<workbook xmlns="{MAIN}" xmlns:r="{DOCUMENT}"><sheets>{sheets}</sheets></workbook>',
        "xl/_rels/workbook.xml.rels": HEADER
        + f'<Relationships xmlns="{RELATIONSHIPS}">{targets}</Relationships>',
    }


def _number(value: int | float | Decimal) -> str | None:
    """A number as a cell's value, as openpyxl writes it (99.80 → "99.8", 80.00 → "80");
    None for what a cell cannot hold (NaN, infinity)."""
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else None
    if not value.is_finite():
        return None
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _cell(value) -> str:
    if value is None:
        return "<c/>"
    if isinstance(value, bool):
        return f'<c t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float | Decimal):
        number = _number(value)
        return "<c/>" if number is None else f"<c><v>{number}</v></c>"
    # Lazy translations and other objects are written as their text.
    text = neutralise(_NOT_XML.sub("", str(value)))
    if not text:
        return "<c/>"
    text = escape(text, _TEXT_ENTITIES)
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


def _sheet(archive, sink: _Sink, number: int, rows: Iterable[Iterable]) -> Iterator[bytes]:
    """One sheet's part, written ROWS_PER_CHUNK rows at a time."""
    with archive.open(f"xl/worksheets/sheet{number}.xml", "w", force_zip64=True) as part:
        part.write(f'{HEADER}<worksheet xmlns="{MAIN}"><sheetData>'.encode())
        batch = []
        for row in rows:
            batch.append(_row(row))
            if len(batch) == ROWS_PER_CHUNK:
                part.write("".join(batch).encode())
                batch.clear()
                yield sink.take()
        part.write(("".join(batch) + "</sheetData></worksheet>").encode())


def stream_workbook(sheets: Iterable[tuple[str, Iterable[Iterable]]]) -> Iterator[bytes]:
    """The bytes of an XLSX file with a sheet for each (name, rows) of ``sheets``, in order.

    The pairs are taken first (their names go into the workbook's index, written before
    the sheets), then each sheet's rows are read, a sheet after the other, as the stream
    is consumed; names are made valid for Excel (``sheet_names``). Numbers (int, Decimal,
    float) are numbers, booleans booleans, None an empty cell, anything else neutralised
    text. A workbook without sheets gets an empty one (Excel opens none without).
    """
    sheets = list(sheets) or [("Sheet1", [])]
    names = sheet_names(name for name, _rows in sheets)
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in _parts(names).items():
            archive.writestr(name, text)
        yield sink.take()
        for number, (_name, rows) in enumerate(sheets, 1):
            for data in _sheet(archive, sink, number, rows):
                if data:
                    yield data
    yield sink.take()
