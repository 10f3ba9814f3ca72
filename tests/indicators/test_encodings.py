import codecs

import pytest

from indicators.encodings import EncodingError, decode_upload

TEXT = "事業番号,指標項目,実績値\n1,保育所の待機児童数,０人\n2,ファミリー・サポート①,99.8%\n"


def test_utf8_with_bom():
    data = codecs.BOM_UTF8 + TEXT.encode("utf-8")
    assert decode_upload(data) == (TEXT, "utf-8-sig")


def test_utf8_without_bom():
    assert decode_upload(TEXT.encode("utf-8")) == (TEXT, "utf-8")


def test_cp932_as_japanese_excel_saves_it():
    data = TEXT.encode("cp932")
    assert data != TEXT.encode("utf-8")
    assert decode_upload(data) == (TEXT, "cp932")


def test_shift_jis_bytes_are_read_as_cp932():
    text = "担当課,こども未来課\n"
    assert decode_upload(text.encode("shift_jis")) == (text, "cp932")


def test_ascii_is_utf8():
    assert decode_upload(b"a,b\n1,2\n") == ("a,b\n1,2\n", "utf-8")


def test_empty_bytes():
    assert decode_upload(b"") == ("", "utf-8")


@pytest.mark.parametrize(
    "data",
    [
        "保育".encode("utf-16"),  # Excel's "Unicode text": CP932 would misread it
        "ab".encode("utf-16-be"),  # NUL bytes, no BOM
        b"\x81\x39\xff\xfe",  # invalid in both
        codecs.BOM_UTF8 + "保育".encode("cp932"),  # BOM followed by non-UTF-8
    ],
)
def test_other_encodings_are_refused_in_japanese(data):
    with pytest.raises(EncodingError, match="文字コードを読み取れません"):
        decode_upload(data)
