"""indicators/xlsx_reading.py gives the values openpyxl's read-only mode gives, cell for
cell: workbooks saved by openpyxl (shared strings, dates, rich text), written row by row
(inline strings, as every export of ours), and sheets written by hand with what Excel and
other programs may put in a sheet's XML."""

import datetime
import io
import zipfile

import openpyxl
import pytest
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from indicators import xlsx_reading
from indicators.spreadsheet_safety import xlsx_row

MAX_COL = 12
NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def saved(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def with_sheet_xml(sheet_data: str, *, epoch_1904: bool = False) -> bytes:
    """An openpyxl-saved workbook (with a date style, s="1") whose first sheet's rows are
    ``sheet_data``."""
    book = openpyxl.Workbook()
    book.epoch = openpyxl.utils.datetime.MAC_EPOCH if epoch_1904 else book.epoch
    book.active["A1"] = datetime.date(2024, 4, 1)  # makes style 1 a date format
    book.active["A2"] = datetime.time(9, 30)  # and style 2 a time format
    base = zipfile.ZipFile(io.BytesIO(saved(book)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in base.infolist():
            data = base.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = b"<worksheet %s><sheetData>%s</sheetData></worksheet>" % (
                    NS,
                    sheet_data.encode(),
                )
            archive.writestr(info, data)
    return out.getvalue()


def openpyxl_rows(data: bytes, sheet: str | None = None) -> list[list]:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    ws = book[sheet] if sheet else book.active
    ws.reset_dimensions()
    rows = [list(row) for row in ws.iter_rows(values_only=True, max_col=MAX_COL)]
    book.close()
    return [trimmed(row) for row in rows]


def fast_rows(data: bytes, sheet: str | None = None) -> list[list]:
    book = xlsx_reading.load_workbook(data)
    ws = book[sheet] if sheet else book.active
    rows = [trimmed(row) for row in xlsx_reading.sheet_rows(ws, MAX_COL)]
    book.close()
    return rows


def trimmed(row) -> list:
    row = list(row)
    while row and row[-1] is None:
        row.pop()
    return row


def same_rows(data: bytes, sheet: str | None = None) -> list[list]:
    expected = openpyxl_rows(data, sheet)
    assert fast_rows(data, sheet) == expected
    assert [[type(v) for v in row] for row in fast_rows(data, sheet)] == [
        [type(v) for v in row] for row in expected
    ]
    return expected


def test_a_workbook_saved_by_openpyxl_reads_the_same():
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "いろいろ"
    rich = CellRichText("普通", TextBlock(InlineFont(b=True), "太字"), "の後")
    rows = [
        ["ID", "年度", "実績値", "備考", None, "空の後"],
        [1, "R6", 99.8, "=SUM(A1:A2)", True, False],
        [2, "R5", 1e-7, '\'=HYPERLINK("x")', datetime.datetime(2024, 4, 1, 9, 30), rich],
        [],
        [None, None, 12345678901234567, "  前後に空白  ", datetime.date(2023, 3, 31)],
        [3, "", -5, "改行\nあり", datetime.time(17, 45), 0],
    ]
    for row in rows:
        ws.append(row)
    ws.cell(row=7, column=MAX_COL + 3, value="範囲の外")
    second = book.create_sheet("二枚目")
    second["C3"] = "離れたセル"
    data = saved(book)
    found = same_rows(data)
    assert found[1][:3] == [1, "R6", 99.8] and found[2][5] == "普通太字の後"
    assert same_rows(data, "二枚目") == [[], [], [None, None, "離れたセル"]]


def test_rows_written_as_every_export_writes_them_read_the_same():
    book = openpyxl.Workbook(write_only=True)
    ws = book.create_sheet("plan")
    for row in [
        ["key", "value", "note"],
        [1, "2259", None],
        [2, "0.5", "=1+1"],
        [3, None, "'quoted"],
        [4, "", "＝全角"],
    ]:
        cells = xlsx_row(ws, row)
        for cell in cells:
            if hasattr(cell, "data_type"):
                cell.row = cell.column = 1
        ws.append(cells)
    data = saved(book)
    assert same_rows(data, "plan")[2] == [2, "0.5", "'=1+1"]


HAND_WRITTEN = [
    # Rows and cells without references, a missing row, a row out of order (skipped).
    '<row><c><v>1</v></c><c t="inlineStr"><is><t>a</t></is></c></row>'
    '<row r="3"><c r="B3"><v>2.50</v></c><c><v>3E2</v></c></row>'
    '<row r="2"><c r="A2"><v>7</v></c></row>'
    '<row r="4.0"><c r="a4" t="b"><v>1</v></c><c r="C4" t="b"><v>0</v></c></row>',
    # Every kind of cell: strings of formulas, errors, ISO dates, dates by style.
    '<row r="1"><c r="A1" t="str"><f>"x"&amp;"y"</f><v>xy</v></c>'
    '<c r="B1" t="e"><v>#N/A</v></c><c r="C1" t="d"><v>2024-04-01T09:30:00</v></c>'
    '<c r="D1" s="1"><v>45383</v></c><c r="E1" s="2"><v>0.5</v></c>'
    '<c r="F1" s="1"><v>45383.25</v></c><c r="G1" s="1"><v>99999999</v></c>'
    '<c r="H1"><f>1+1</f><v>2</v></c><c r="I1"><f>1+1</f></c><c r="J1"><v></v></c></row>',
    # Inline strings: runs, phonetic guides, an empty text, escaped and spaced text.
    '<row r="2"><c r="A2" t="inlineStr"><is><r><rPr><b/></rPr><t>太</t></r>'
    '<r><t xml:space="preserve"> 字 </t></r><rPh sb="0" eb="1"><t>ふと</t></rPh></is></c>'
    '<c r="B2" t="inlineStr"><is><t/></is></c><c r="C2" t="inlineStr"/>'
    '<c r="D2" t="inlineStr"><is><t>&lt;&amp;&#21512;</t></is></c>'
    '<c r="E2" t="inlineStr"><is><t>a</t><t>b</t></is></c>'
    '<c r="F2" t="inlineStr"><is><!-- note --><t><![CDATA[c<d]]></t></is></c></row>',
    # A repeated column (the last one counts, even empty), cells past the last column.
    '<row r="1"><c r="A1"><v>1</v></c><c r="A1"/><c r="B1"><v>2</v></c>'
    '<c r="M1"><v>13</v></c><c r="XFD1"><v>0</v></c><c r="C1"><v>3</v></c></row>',
]


@pytest.mark.parametrize("sheet_data", HAND_WRITTEN)
@pytest.mark.parametrize("epoch_1904", [False, True], ids=["1900", "1904"])
def test_sheets_written_by_hand_read_the_same(sheet_data, epoch_1904):
    same_rows(with_sheet_xml(sheet_data, epoch_1904=epoch_1904))


@pytest.mark.parametrize(
    "sheet_data",
    [
        '<row r="1"><c r="1A"><v>1</v></c></row>',
        '<row r="1"><c r="A"><v>1</v></c></row>',
        '<row r="x"><c><v>1</v></c></row>',
        '<row r="1.5"><c><v>1</v></c></row>',
        '<row r="1"><c><v>one</v></c></row>',
        '<row r="1"><c t="s"><v>99</v></c></row>',
        '<row r="1"><c s="x"><v>1</v></c></row>',
        '<row r="1"><c><v>1</v></c>',
    ],
    ids=["ref", "ref-no-row", "row", "row-fraction", "number", "string-index", "style", "xml"],
)
def test_what_openpyxl_cannot_read_is_not_read_either(sheet_data):
    data = with_sheet_xml(sheet_data)
    with pytest.raises(Exception):  # noqa: B017 (openpyxl raises many kinds)
        openpyxl_rows(data)
    with pytest.raises(Exception):  # noqa: B017
        fast_rows(data)


def test_entities_are_not_expanded():
    data = with_sheet_xml("")
    archive = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as copy:
        for info in archive.infolist():
            part = archive.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                part = (
                    b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY big "BIGBIGBIG">]>'
                    b"<worksheet " + NS + b'><sheetData><row r="1"><c t="inlineStr"><is>'
                    b"<t>&big;</t></is></c></row></sheetData></worksheet>"
                )
            copy.writestr(info, part)
    rows = fast_rows(out.getvalue())
    assert "BIG" not in str(rows)
