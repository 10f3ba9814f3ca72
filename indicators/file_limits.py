"""Limits on uploaded and imported files, and the bounded readers that enforce them.

Every file is checked before it is parsed, and refused with a Japanese message that names
the limit: its size (``UPLOAD_MAX_BYTES``); for XLSX, the ZIP's parts as their headers
declare them (``UPLOAD_MAX_XLSX_PARTS`` parts, ``UPLOAD_MAX_UNPACKED_BYTES`` unpacked in
all, which stops a "zip bomb" whose sheet unpacks to hundreds of megabytes: zipfile never
inflates a part beyond its declared size); then, while reading, rows
(``UPLOAD_MAX_ROWS``), columns (``UPLOAD_MAX_COLUMNS``) and characters in a cell
(``UPLOAD_MAX_CELL_CHARS``). The limits are settings read from the environment
(yumeplan/settings.py); the officers' uploads (services/imports.py), the whole-plan import
(services/plan_io.py) and its command all read through here.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A row element of a worksheet's XML, with or without a namespace prefix.
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")


class FileLimitError(ValueError):
    """A file over a limit, or not readable as its kind. The message is Japanese."""


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_unpacked_bytes: int
    max_parts: int
    max_rows: int
    max_columns: int
    max_cell_chars: int

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            max_bytes=settings.UPLOAD_MAX_BYTES,
            max_unpacked_bytes=settings.UPLOAD_MAX_UNPACKED_BYTES,
            max_parts=settings.UPLOAD_MAX_XLSX_PARTS,
            max_rows=settings.UPLOAD_MAX_ROWS,
            max_columns=settings.UPLOAD_MAX_COLUMNS,
            max_cell_chars=settings.UPLOAD_MAX_CELL_CHARS,
        )


def _megabytes(size: int) -> str:
    return f"{round(size / (1024 * 1024), 1):g}MB"


def check_size(size: int) -> None:
    """Refuse a file of ``size`` bytes over UPLOAD_MAX_BYTES, before reading it."""
    limit = settings.UPLOAD_MAX_BYTES
    if size > limit:
        raise FileLimitError(
            _("ファイルが大きすぎます（%(limit)s まで。このファイルは %(size)s）。")
            % {"limit": _megabytes(limit), "size": _megabytes(size)}
        )


def _not_xlsx() -> FileLimitError:
    return FileLimitError(
        _(
            "Excel ファイルとして読み取れません。Excel（.xlsx）形式で保存したファイルを選んでください。"
        )
    )


def check_xlsx(data: bytes, limits: Limits | None = None) -> None:
    """Refuse an XLSX whose ZIP has too many parts or unpacks to too much, from the ZIP's
    directory alone (nothing is inflated), then one whose sheets hold too many rows,
    counted in their raw XML."""
    limits = limits or Limits.from_settings()
    check_size(len(data))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise _not_xlsx() from exc
    if len(infos) > limits.max_parts:
        raise FileLimitError(
            _("Excel ファイルの構成部品が多すぎます（%(limit)d 個まで）。")
            % {"limit": limits.max_parts}
        )
    unpacked = sum(info.file_size for info in infos)
    if unpacked > limits.max_unpacked_bytes:
        raise FileLimitError(
            _(
                "Excel ファイルの展開後の大きさが上限（%(limit)s）を超えています"
                "（%(size)s）。行や列を減らすか、ファイルを分けてください。"
            )
            % {
                "limit": _megabytes(limits.max_unpacked_bytes),
                "size": _megabytes(unpacked),
            }
        )
    _check_sheet_rows(archive, infos, limits)


def _too_many_rows(limits: Limits) -> FileLimitError:
    return FileLimitError(
        _(
            "行が多すぎます（ファイル全体で、見出しを含めて %(limit)d 行まで）。"
            "ファイルを分けてください。"
        )
        % {"limit": limits.max_rows}
    )


def _check_sheet_rows(archive: zipfile.ZipFile, infos, limits: Limits) -> None:
    """Count the worksheets' row elements in their raw XML (fast, no parsing) and refuse
    a workbook with more than UPLOAD_MAX_ROWS in all, before openpyxl reads it."""
    rows = 0
    for info in infos:
        if info.filename.startswith("xl/worksheets/"):
            for found in _row_tags(archive, info):
                rows += found
                if rows > limits.max_rows:
                    raise _too_many_rows(limits)


def _row_tags(archive: zipfile.ZipFile, info) -> Iterator[int]:
    """Row elements in each megabyte of a part (a tag cut between two is counted once)."""
    tail = b""
    try:
        with archive.open(info) as part:
            while chunk := part.read(1 << 20):
                buffer = tail + chunk
                yield sum(1 for m in _ROW_TAG.finditer(buffer) if m.end() > len(tail))
                tail = buffer[-64:]
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError) as exc:
        raise _not_xlsx() from exc


def open_xlsx(data: bytes, limits: Limits | None = None):
    """An openpyxl read-only workbook (values, not formulas) of checked bytes, for
    ``xlsx_rows``."""
    from indicators import xlsx_reading

    check_xlsx(data, limits)
    try:
        return xlsx_reading.load_workbook(data)
    except Exception as exc:  # openpyxl raises many kinds on a broken file
        raise _not_xlsx() from exc


def _check_row(number: int, row, limits: Limits) -> None:
    if number > limits.max_rows:
        raise _too_many_rows(limits)
    if len(row) > limits.max_columns:
        raise FileLimitError(
            _("%(row)d 行目: 列が多すぎます（%(limit)d 列まで）。")
            % {"row": number, "limit": limits.max_columns}
        )
    for cell in row:
        if isinstance(cell, str) and len(cell) > limits.max_cell_chars:
            raise FileLimitError(
                _("%(row)d 行目: セルの文字数が上限（%(limit)d 文字）を超えています。")
                % {"row": number, "limit": limits.max_cell_chars}
            )


def xlsx_rows(sheet, limits: Limits | None = None) -> Iterator[tuple]:
    """The rows of a read-only worksheet as tuples of values, row 1 first, each checked
    against the limits. A broken sheet is refused as one, never half read. The sheet's
    declared size is never trusted (it would pad every row): rows end at their last value."""
    from indicators import xlsx_reading

    limits = limits or Limits.from_settings()
    if not hasattr(sheet, "reset_dimensions"):  # no sheet, or a chart sheet: no rows
        raise _not_xlsx()
    rows = xlsx_reading.sheet_rows(sheet, max_col=limits.max_columns + 1)
    number = 0
    while True:
        try:
            row = next(rows, None)
        except Exception as exc:  # malformed XML inside the sheet
            raise _not_xlsx() from exc
        if row is None:
            return
        number += 1
        end = len(row)
        while end and row[end - 1] is None:
            end -= 1
        row = tuple(row[:end])
        _check_row(number, row, limits)
        yield row


def csv_rows(text: str, limits: Limits | None = None) -> Iterator[list[str]]:
    """The rows of CSV text, row 1 first, each checked against the limits.

    Rows are numbered as a spreadsheet numbers them (a cell may span lines); a field
    longer than csv's own limit is refused with its row, as one over
    UPLOAD_MAX_CELL_CHARS is."""
    limits = limits or Limits.from_settings()
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    number = 0
    while True:
        number += 1
        try:
            row = next(reader, None)
        except csv.Error as exc:
            raise FileLimitError(
                _(
                    "%(row)d 行目: CSV として読み取れません（セルが長すぎるか、引用符の"
                    "使い方が違います。セルの文字数は %(limit)d 文字まで）。"
                )
                % {"row": number, "limit": limits.max_cell_chars}
            ) from exc
        if row is None:
            return
        _check_row(number, row, limits)
        yield row
