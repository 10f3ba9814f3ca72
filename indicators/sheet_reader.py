"""A checked workbook's sheets, read in a child process while the caller works on the rows.

Reading a whole-plan workbook (parsing its XML and checking each row against the limits,
``file_limits.xlsx_rows``) took a quarter of ``import_plan``'s time at 41,200 projects, on
the core that then also checks and writes every row. lxml holds Python's lock while it
parses, so a thread cannot take that work; a process can. Where the platform forks,
``read_sheets`` forks a child that opens the workbook, sends every requested sheet's
first row (its header), then each sheet's remaining rows in the requested order, in
batches down a pipe. The pipe's buffer bounds how far the child reads ahead: it waits
while the caller is busy, so neither process holds more than a batch or two.

The child checks the bytes against the limits before it parses them (``open_xlsx``),
reads only them (inherited by the fork, not copied), and leaves by ``os._exit`` without
running any clean-up of the parent's objects (its database connections stay the
parent's). A limit it meets is sent as the message of the FileLimitError the caller gets
where it reads that sheet, in the caller's language (the child inherits it). Without
fork, with ``READ_AHEAD`` off, or in a daemonic process (which multiprocessing does not
let have children), the same rows are read in this process.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import sys
from collections import deque
from collections.abc import Iterator, Sequence

from django.utils.translation import gettext as _

from indicators import file_limits

READ_AHEAD = "fork" in multiprocessing.get_all_start_methods()
BATCH_ROWS = 500  # rows per message: a few tens of kilobytes pickled


class _InProcess:
    """The sheets read here, as they are iterated."""

    def __init__(self, data: bytes):
        self.book = file_limits.open_xlsx(data)
        self.sheetnames = list(self.book.sheetnames)

    def rows(self, name: str) -> Iterator[tuple]:
        return file_limits.xlsx_rows(self.book[name])

    def close(self) -> None:
        self.book.close()


def _send_rows(connection, data: bytes, names: Sequence[str]) -> None:
    """The child: the sheet names, each sheet's header row, then each sheet's other rows.
    A message is (sheet, rows, whether the sheet is done, error message or "")."""
    try:
        book = file_limits.open_xlsx(data)
    except file_limits.FileLimitError as exc:
        connection.send(("", [], True, str(exc)))
        return
    present = [name for name in names if name in book.sheetnames]
    connection.send(("", list(book.sheetnames), True, ""))
    sheets = {}
    for name in present:
        try:
            sheets[name] = file_limits.xlsx_rows(book[name])
            first = next(sheets[name], None)
        except file_limits.FileLimitError as exc:
            connection.send((name, [], True, str(exc)))
            return
        connection.send((name, [] if first is None else [first], first is None, ""))
    for name in present:
        batch = []
        try:
            for row in sheets[name]:
                batch.append(row)
                if len(batch) == BATCH_ROWS:
                    connection.send((name, batch, False, ""))
                    batch = []
        except file_limits.FileLimitError as exc:
            connection.send((name, batch, True, str(exc)))
            return
        connection.send((name, batch, True, ""))


def _child(connection, data: bytes, names: Sequence[str]) -> None:
    try:
        _send_rows(connection, data, names)
    except (BrokenPipeError, EOFError):
        pass  # the caller stopped reading: nothing more to do
    finally:
        connection.close()


class _ReadAhead:
    """The rows a forked child sends, kept per sheet until the caller reads them."""

    def __init__(self, data: bytes, names: Sequence[str]):
        for stream in (sys.stdout, sys.stderr):
            stream.flush()  # or the child, leaving, would write what is buffered again
        context = multiprocessing.get_context("fork")
        self.connection, sending = context.Pipe(duplex=False)
        self.process = context.Process(target=_child, args=(sending, data, names), daemon=True)
        self.process.start()
        sending.close()
        self.queues: dict[str, deque] = {name: deque() for name in names}
        self.done: dict[str, bool] = dict.fromkeys(names, False)
        self.errors: dict[str, str] = {}
        _name, self.sheetnames, _done, error = self._receive()
        if error:
            self.close()
            raise file_limits.FileLimitError(error)

    def _receive(self) -> tuple:
        try:
            return self.connection.recv()
        except EOFError:  # the child died (killed, out of memory) without a word
            return ("", [], True, _("ファイルを最後まで読めませんでした。もう一度お試しください。"))

    def rows(self, name: str) -> Iterator[tuple]:
        queue = self.queues[name]
        while True:
            while not queue and not self.done[name]:
                self._dispatch(*self._receive())
            if queue:
                yield queue.popleft()
            elif name in self.errors:
                raise file_limits.FileLimitError(self.errors[name])
            else:
                return

    def _dispatch(self, name: str, rows: list, done: bool, error: str) -> None:
        if not name:  # the child stopped without naming a sheet: every sheet is cut short
            for sheet in self.done:
                if not self.done[sheet]:
                    self.done[sheet] = True
                    self.errors[sheet] = error
            return
        self.queues[name].extend(rows)
        self.done[name] = done
        if error:
            self.errors[name] = error

    def close(self) -> None:
        self.connection.close()  # a child still sending meets a broken pipe and stops
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.process.close()


@contextlib.contextmanager
def read_sheets(data: bytes, names: Sequence[str]):
    """The workbook ``data`` as an object with ``sheetnames`` and ``rows(name)`` (the
    sheet's rows as ``file_limits.xlsx_rows`` gives them, header first), for the sheets
    ``names``, read fastest in that order. Raises FileLimitError for a file over the limits
    or not a workbook; ``rows`` raises it for a sheet that breaks a limit."""
    ahead = READ_AHEAD and not multiprocessing.current_process().daemon
    sheets = _ReadAhead(data, names) if ahead else _InProcess(data)
    try:
        yield sheets
    finally:
        sheets.close()
