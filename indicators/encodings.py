"""Decode uploaded CSV bytes as Japanese offices save them. Pure: no Django import.

Excel in Japan saves "CSV" as CP932 (Shift_JIS with Microsoft's extensions); "CSV UTF-8"
adds a byte-order mark; other tools write plain UTF-8. The encoding is detected, never
asked: a BOM means UTF-8, otherwise strict UTF-8 is tried first (CP932 text is almost
never valid UTF-8), then CP932.
"""

from __future__ import annotations

import codecs

ENCODINGS = ("utf-8", "cp932")


class EncodingError(ValueError):
    """The bytes are in none of the accepted encodings. The message is Japanese."""


def decode_upload(data: bytes) -> tuple[str, str]:
    """Return (text, encoding name) for uploaded bytes; raise EncodingError otherwise.

    The encoding name is "utf-8-sig", "utf-8" or "cp932".
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in data:
        raise _error(None)  # UTF-16/32 or a binary file: CP932 would misread it
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise _error(exc) from exc
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise _error(None)


def _error(exc: UnicodeDecodeError | None) -> EncodingError:
    where = f"（{exc.start + 1} バイト目）" if exc is not None else ""
    return EncodingError(
        "ファイルの文字コードを読み取れません"
        f"{where}。UTF-8（BOM 付き・なし）または Shift_JIS（CP932）の CSV、"
        "または Excel（.xlsx）ファイルを選んでください。"
    )
