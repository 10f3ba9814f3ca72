"""indicators/sheet_reader.py: a workbook's sheets read ahead in a forked child give the
rows, limits and errors that reading them here gives; the child never outlives the read."""

import io
import multiprocessing

import openpyxl
import pytest

from indicators import file_limits, sheet_reader

NAMES = ["first", "second", "empty"]


def workbook(second_rows: int = 7, cell: str = "x") -> bytes:
    book = openpyxl.Workbook()
    first = book.active
    first.title = "first"
    first.append(["name", "value"])
    for number in range(1, 12):
        first.append([f"row {number}", number])
    second = book.create_sheet("second")
    second.append(["text"])
    for number in range(second_rows):
        second.append([cell if number == 4 else f"second {number}"])
    book.create_sheet("empty")
    book.create_sheet("unrequested").append(["not", "asked", "for"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def expected(data: bytes, name: str) -> list[tuple]:
    book = file_limits.open_xlsx(data)
    return list(file_limits.xlsx_rows(book[name]))


@pytest.fixture(params=[True, False], ids=["read ahead", "in process"])
def read_ahead(request, monkeypatch):
    monkeypatch.setattr(sheet_reader, "READ_AHEAD", request.param)
    monkeypatch.setattr(sheet_reader, "BATCH_ROWS", 3)  # several messages per sheet
    return request.param


def no_child_left():
    return multiprocessing.active_children() == []


def test_rows_are_file_limits_rows_of_each_sheet(read_ahead):
    data = workbook()
    with sheet_reader.read_sheets(data, NAMES) as book:
        assert book.sheetnames == ["first", "second", "empty", "unrequested"]
        assert type(book) is (sheet_reader._ReadAhead if read_ahead else sheet_reader._InProcess)
        # As plan_io reads them: every header first, then each sheet's other rows.
        rows = {name: book.rows(name) for name in NAMES}
        headers = {name: next(rows[name], None) for name in NAMES}
        read = {name: [headers[name], *rows[name]] for name in NAMES}
    assert headers == {"first": ("name", "value"), "second": ("text",), "empty": None}
    for name in ("first", "second"):
        assert read[name] == expected(data, name)
    assert len(read["first"]) == 12
    assert read["empty"] == [None]
    assert no_child_left()


def test_sheets_read_out_of_order_are_kept_until_read(read_ahead):
    data = workbook()
    with sheet_reader.read_sheets(data, NAMES) as book:
        second = list(book.rows("second"))
        first = list(book.rows("first"))
    assert (first, second) == (expected(data, "first"), expected(data, "second"))


def test_a_limit_met_in_a_sheet_is_raised_where_its_rows_are_read(read_ahead, settings):
    settings.UPLOAD_MAX_CELL_CHARS = 20
    data = workbook(cell="長" * 21)
    with sheet_reader.read_sheets(data, NAMES) as book:
        assert list(book.rows("first")) == expected(data, "first")
        second = book.rows("second")
        read = []
        with pytest.raises(file_limits.FileLimitError, match="6 行目: セルの文字数が上限"):
            for row in second:
                read.append(row)
    assert read == [("text",), *[(f"second {n}",) for n in range(4)]]  # the rows before it
    assert no_child_left()


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"not a workbook", "Excel ファイルとして読み取れません"), (b"x" * 101, "大きすぎます")],
)
def test_a_file_that_is_not_a_workbook_or_too_large_is_refused_on_opening(
    read_ahead, settings, data, message
):
    settings.UPLOAD_MAX_BYTES = 100
    with pytest.raises(file_limits.FileLimitError, match=message):
        with sheet_reader.read_sheets(data, NAMES):
            pytest.fail("opened")
    assert no_child_left()


def test_a_reader_left_early_stops_its_child(monkeypatch):
    monkeypatch.setattr(sheet_reader, "READ_AHEAD", True)
    data = workbook(second_rows=20_000)  # more than the pipe holds: the child waits to send
    with sheet_reader.read_sheets(data, NAMES) as book:
        assert next(book.rows("second")) == ("text",)
        child = book.process
        assert child.is_alive()
    assert no_child_left()


def test_a_child_that_dies_cuts_its_unread_sheets_short(monkeypatch):
    monkeypatch.setattr(sheet_reader, "READ_AHEAD", True)
    data = workbook(second_rows=20_000)
    with sheet_reader.read_sheets(data, NAMES) as book:
        first = list(book.rows("first"))
        book.process.kill()
        book.process.join()
        with pytest.raises(file_limits.FileLimitError, match="最後まで読めませんでした"):
            list(book.rows("second"))
        assert list(book.rows("empty")) == []  # known empty before the child died
    assert first == expected(data, "first")
    assert no_child_left()


def test_a_daemonic_process_reads_in_process(monkeypatch):
    """multiprocessing lets a daemonic process (a worker of a pool) have no child."""
    monkeypatch.setattr(sheet_reader, "READ_AHEAD", True)
    monkeypatch.setattr(multiprocessing.current_process(), "daemon", True)
    data = workbook()
    with sheet_reader.read_sheets(data, NAMES) as book:
        assert type(book) is sheet_reader._InProcess
        assert list(book.rows("first")) == expected(data, "first")
