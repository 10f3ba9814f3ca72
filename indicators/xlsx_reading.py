"""The cell values of a workbook's sheets, as openpyxl's read-only mode gives them, fast.

openpyxl reads a read-only sheet's XML twice (once when the workbook opens, looking for a
size that a workbook written in write-only mode never declares, and once for the rows)
and builds Python objects for every cell and inline string: a whole-plan workbook of
40,000 projects (2.4 million cells) took 50 s of CPU to read. Here the workbook is opened
by openpyxl as before (shared strings, styles and their date formats, the epoch, sheet
names), without the first pass, and each sheet's rows are parsed by lxml with only the
work that ``iter_rows(values_only=True)`` does per cell: the same values (numbers, dates
of date-formatted cells, booleans, shared and inline strings, errors as text, cached
values of formulas), the same columns and the same missing rows.

Only ``indicators/file_limits.py`` uses this module; it bounds the file before and the
rows while they are read. Entities are not expanded and nothing is fetched from a network
(Excel writes neither DTDs nor entities).
"""

from __future__ import annotations

import io
from collections.abc import Iterator

from lxml import etree
from openpyxl.cell.text import Text
from openpyxl.reader.excel import ExcelReader
from openpyxl.utils.cell import column_index_from_string, coordinate_to_tuple
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.xml.constants import SHEET_MAIN_NS

_ROW, _CELL, _VALUE, _INLINE, _TEXT = (
    f"{{{SHEET_MAIN_NS}}}{name}" for name in ("row", "c", "v", "is", "t")
)
_DIGITS = "0123456789"


class _Sheet(ReadOnlyWorksheet):
    def _get_size(self):
        """Declared sizes are never trusted (file_limits counts the rows): no first pass."""


class _Reader(ExcelReader):
    """openpyxl's reader, whose read-only sheets are opened without reading them."""

    def read_worksheets(self):
        for sheet, rel in self.parser.find_sheets():
            if rel.target not in self.valid_files:
                continue
            if "chartsheet" in rel.Type:
                self.read_chartsheet(sheet, rel)
                continue
            ws = _Sheet(self.wb, sheet.name, rel.target, self.shared_strings)
            ws.sheet_state = sheet.state
            self.wb._sheets.append(ws)


def load_workbook(data: bytes):
    """A read-only workbook of values (not formulas), as ``openpyxl.load_workbook(…,
    read_only=True, data_only=True)`` opens it; read its sheets with ``sheet_rows``."""
    reader = _Reader(io.BytesIO(data), read_only=True, data_only=True)
    reader.read()
    return reader.wb


class _Cells:
    """What turns a sheet's cell elements into values: its workbook's shared strings and
    date formats, and the columns of the cell references seen so far."""

    def __init__(self, sheet):
        book = sheet.parent
        self.shared_strings = sheet._shared_strings
        self.date_formats = book._date_formats
        self.timedelta_formats = book._timedelta_formats
        self.epoch = book.epoch
        self.columns: dict[str, int] = {}

    def column(self, ref: str) -> int:
        """The column of a reference such as "AB12", as openpyxl's coordinate_to_tuple
        reads it (which raises on a malformed one)."""
        letters = ref.rstrip(_DIGITS)
        found = self.columns.get(letters) if letters != ref else None
        if found is None:
            found = coordinate_to_tuple(ref)[1]
            if letters != ref and letters.isalpha():
                self.columns[letters] = column_index_from_string(letters)
        return found

    def number(self, text: str, style: int):
        value = float(text) if "." in text or "E" in text or "e" in text else int(text)
        if style in self.date_formats:
            try:
                return from_excel(value, self.epoch, timedelta=style in self.timedelta_formats)
            except (OverflowError, ValueError):
                return "#VALUE!"  # as openpyxl: a date out of range is an error cell
        return value

    def value(self, cell, kind: str):
        """A cell's value, as openpyxl's WorkSheetParser.parse_cell gives it (data only)."""
        if kind == "inlineStr":
            child = _child(cell, _INLINE)
            return None if child is None else _inline_text(child)
        child = _child(cell, _VALUE)
        text = None if child is None else child.text
        if not text:
            return None
        if kind == "n":
            style = cell.get("s", 0)  # read only here: numbers alone depend on their style
            return self.number(text, int(style) if style else style)
        if kind == "s":
            return self.shared_strings[int(text)]
        if kind == "b":
            return bool(int(text))
        if kind == "d":
            return from_ISO8601(text)
        return text  # "str" (a formula's text), "e" (an error) and unknown kinds


def _child(element, tag: str):
    """The first child of ``element`` with ``tag``, or None. A cell has one child as a
    rule, taken by its index: lxml's find() parses its path in Python, and iterating
    builds an iterator (ten times the time of an index, per cell)."""
    if len(element) == 1:
        child = element[0]
        return child if child.tag == tag else None
    for child in element:
        if child.tag == tag:
            return child
    return None


def _inline_text(element) -> str:
    """An inline string's text, as ``Text.from_tree(element).content`` (runs joined,
    phonetic guides left out), without building its objects in the common case."""
    if len(element) == 1 and not element.keys():
        child = element[0]
        if child.tag == _TEXT:
            return child.text or ""
    return Text.from_tree(element).content


def _row_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        number = float(text)
        if not number.is_integer():
            raise ValueError(f"{text} is not a valid row number") from None
        return int(number)


def _parsed_rows(source, cells: _Cells, max_col: int) -> Iterator[tuple[int, list]]:
    """(row number, values of columns 1 to ``max_col``) of each row element, in file
    order; the parsed elements are freed as it goes, so memory stays flat."""
    number = 0
    for _event, row in etree.iterparse(
        source,
        tag=_ROW,
        resolve_entities=False,
        no_network=True,
        remove_comments=True,
        remove_pis=True,
    ):
        ref = row.get("r")
        number = number + 1 if ref is None else _row_number(ref)
        values: list = []
        column = 0
        for cell in row.iterchildren(_CELL):
            ref = cell.get("r")
            column = cells.column(ref) if ref else column + 1
            if not len(cell):  # no value, of any kind: None
                if column <= len(values):
                    values[column - 1] = None  # a cell given twice: the last one counts
                continue  # else as the row's missing cells
            kind = cell.get("t", "n")
            if kind == "inlineStr" and len(cell) == 1:
                # The common inline string (our exports' text cells), without two calls.
                child = cell[0]
                if child.tag != _INLINE:
                    value = None
                elif len(child) == 1 and child[0].tag == _TEXT and not child.keys():
                    value = child[0].text or ""
                else:
                    value = _inline_text(child)
            else:
                value = cells.value(cell, kind)
            if column <= max_col:
                if column > len(values):
                    values.extend([None] * (column - len(values)))
                values[column - 1] = value
        row.clear()
        while row.getprevious() is not None:
            del row.getparent()[0]
        yield number, values


def sheet_rows(sheet, max_col: int) -> Iterator[list]:
    """The values of a sheet of ``load_workbook``'s (or openpyxl's read-only) workbook, a
    list per row from row 1 (a missing row is empty), columns 1 to ``max_col``: what
    ``sheet.iter_rows(values_only=True, max_col=max_col)`` gives once its dimensions are
    reset, except that trailing empty cells may be left out."""
    cells = _Cells(sheet)
    expected = 1
    with sheet._get_source() as source:
        for number, values in _parsed_rows(source, cells, max_col):
            if number < expected:
                continue  # as openpyxl: a row numbered before one already read is skipped
            for _missing in range(expected, number):
                yield []
            expected = number + 1
            yield values
