"""The streamed XLSX writer: several sheets that openpyxl reads back, valid sheet names,
inert text, and bytes that leave before the rows are all read."""

import io
import random
import zipfile
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook

from indicators.spreadsheet_safety import restore, xlsx_row
from indicators.xlsx_stream import ROWS_PER_CHUNK, sheet_names, stream_workbook

CALC = "=cmd|' /C calc'!A0"


def load(chunks) -> Workbook:
    return load_workbook(io.BytesIO(b"".join(chunks)))


def cells(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_several_sheets_in_order_with_their_rows():
    book = load(
        stream_workbook(
            [
                ("first", [["a", 1], ["b", 2]]),
                ("second", iter([["x"], [], ["y", None, Decimal("99.80")]])),
                ("third", []),
            ]
        )
    )
    assert book.sheetnames == ["first", "second", "third"]
    assert cells(book["first"]) == [["a", 1], ["b", 2]]
    assert cells(book["second"]) == [["x", None, None], [None, None, None], ["y", None, 99.8]]
    assert cells(book["third"]) == []


def test_the_archive_is_a_valid_package():
    data = b"".join(stream_workbook([("one", [["a"]]), ("two", [["b"]])]))
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    names = set(archive.namelist())
    assert {"xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"} <= names
    types = ElementTree.fromstring(archive.read("[Content_Types].xml"))
    parts = {override.get("PartName") for override in types}
    assert {"/xl/worksheets/sheet1.xml", "/xl/worksheets/sheet2.xml", "/xl/workbook.xml"} <= parts
    relations = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    assert {r.get("Target") for r in relations} == {
        "worksheets/sheet1.xml",
        "worksheets/sheet2.xml",
    }
    for name in names:  # every part is well-formed XML
        ElementTree.fromstring(archive.read(name))


def test_a_workbook_without_sheets_gets_an_empty_one():
    assert load(stream_workbook([])).sheetnames == ["Sheet1"]


def test_values_read_back_as_openpyxl_writes_them():
    """Numbers, booleans, empty cells, lazy translations and text (with spaces, line
    breaks, XML's special characters) read back as from openpyxl's own workbook."""
    row = [
        1,
        -5,
        Decimal("80.00"),
        Decimal("99.80"),
        Decimal("-0.5"),
        0.25,
        True,
        False,
        None,
        "",
        gettext_lazy("達成"),
        "  spaced  ",
        "a\nb\tc\rd",
        '<&>"',
        "'quoted",
    ]
    expected = Workbook(write_only=True)
    sheet = expected.create_sheet("s")
    sheet.append(xlsx_row(sheet, [str(v) if isinstance(v, Promise) else v for v in row]))
    saved = io.BytesIO()
    expected.save(saved)
    streamed = load(stream_workbook([("s", [row])]))["s"]
    reference = load_workbook(io.BytesIO(saved.getvalue()))["s"]
    assert cells(streamed) == cells(reference)
    assert [type(v) for v in cells(streamed)[0]] == [type(v) for v in cells(reference)[0]]


def test_a_decimal_keeps_its_digits_up_to_a_floats():
    """openpyxl would round 12345678901234.5678 to 16 digits; Excel reads a double."""
    value = Decimal("12345678901234.5678")
    assert load(stream_workbook([("s", [[value]])]))["s"]["A1"].value == float(value)


def test_numbers_a_cell_cannot_hold_are_left_empty():
    book = load(stream_workbook([("s", [[Decimal("NaN"), float("inf"), Decimal("Infinity"), 1]])]))
    assert cells(book["s"]) == [[None, None, None, 1]]


@pytest.mark.parametrize(
    "text,expected",
    [
        (CALC, "'" + CALC),
        ("\x01" + CALC, "'" + CALC),  # a control character cannot hide the formula
        ("\r=1+1", "'\r=1+1"),
        ("＝1+1", "'＝1+1"),
        ("'=already quoted", "''=already quoted"),
        ("-5", "-5"),  # a plain number, not a formula: kept as it is
        ("plain\x00\x1f text", "plain text"),
    ],
)
def test_text_is_neutralised_and_never_a_formula(text, expected):
    sheet = load(stream_workbook([("s", [[text]])]))["s"]
    cell = sheet["A1"]
    assert (cell.value, cell.data_type) == (expected, "s")
    assert restore(cell.value) == text.replace("\x01", "").replace("\x00", "").replace("\x1f", "")


def test_hostile_sheet_names_are_made_valid_for_excel():
    given = [
        CALC,
        "a[b]:c*d?e/f\\g",
        "x" * 40,
        "Sheet",
        "sheet",
        "History",
        "'quoted'",
        "",
        '<&"> \x07bell',
        "y" * 40,
        "y" * 40,
    ]
    names = sheet_names(given)
    assert names == [
        "=cmd|' C calc'!A0",
        "abcdefg",
        "x" * 31,
        "Sheet",
        "sheet (2)",
        "History (2)",
        "quoted",
        "Sheet8",
        '<&"> bell',
        "y" * 31,
        "y" * 27 + " (2)",
    ]
    book = load(stream_workbook([(name, [[name]]) for name in given]))
    assert book.sheetnames == names
    assert book[names[0]]["A1"].value == "'" + CALC


def test_names_are_distinct_ignoring_case():
    assert sheet_names(["Data", "DATA", "data"]) == ["Data", "DATA (2)", "data (3)"]


class Counted:
    """Rows that record how many were read when each chunk of bytes left."""

    def __init__(self, count: int):
        rng = random.Random(0)
        self.rows = [[n, f"{rng.getrandbits(256):x}"] for n in range(count)]
        self.read = 0

    def __iter__(self):
        for row in self.rows:
            self.read += 1
            yield row


def test_bytes_leave_before_the_rows_are_read():
    first, second = Counted(4 * ROWS_PER_CHUNK), Counted(10)
    read_when_sent = []
    chunks = []
    for chunk in stream_workbook([("first", first), ("second", second)]):
        assert chunk  # no empty chunks
        chunks.append(chunk)
        read_when_sent.append((first.read, second.read))
    assert read_when_sent[0] == (0, 0)  # the first bytes leave before any row is read
    # Rows leave a chunk at a time (compressed), not at the end of the sheet...
    assert any(0 < read < len(first.rows) for read, _second in read_when_sent)
    # ...and the second sheet is read only after the first.
    assert all(read == len(first.rows) for read, later in read_when_sent if later)
    book = load(chunks)
    assert cells(book["first"]) == first.rows
    assert cells(book["second"]) == second.rows
