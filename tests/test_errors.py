"""decode_text: the text of a protocol, calibration or import file, or exit 7 naming it."""

from __future__ import annotations

import pytest

from rom_tracker.errors import FileFormatError, decode_text

CASES = [
    # (case, bytes, text or None, words of the error)
    ("ascii", b'name = "neck"\n', 'name = "neck"\n', []),
    ("utf-8", "cue = 'K\u00f6pfe \u2192'\n".encode(), "cue = 'K\u00f6pfe \u2192'\n", []),
    ("utf-8 bom", b"\xef\xbb\xbfname = 1\n", "name = 1\n", []),
    ("latin-1", "a = 1\ncue = 'caf\u00e9'\n".encode("latin-1"), None, ["(line 2: byte 0xe9)"]),
    ("utf-16", "a = 1\n".encode("utf-16"), None, ["UTF-16 byte-order mark"]),
    ("utf-16 no bom", "a = 1\n".encode("utf-16-be"), None, ["(line 1: byte 0x00)"]),
    ("binary", bytes(range(1, 256)), None, ["(line 2: byte 0x80)"]),
    ("first bad byte", b"a = 1\nb = \x00\xff", None, ["(line 2: byte 0x00)"]),
    ("line after bom", b"\xef\xbb\xbfa = 1\n\xff", None, ["(line 2: byte 0xff)"]),
    ("surrogate", b"\xed\xa0\x80", None, ["(line 1: byte 0xed)"]),
]


@pytest.mark.parametrize(("case", "data", "text", "words"), CASES, ids=[c[0] for c in CASES])
def test_decode_text(case: str, data: bytes, text: str | None, words: list[str]) -> None:
    if text is not None:
        assert decode_text(data, "p.toml", "fix it") == text
        return
    with pytest.raises(FileFormatError) as info:
        decode_text(data, "p.toml", "fix it")
    message = str(info.value)
    assert info.value.exit_code == 7
    assert message.startswith("p.toml is not UTF-8 text (") and message.endswith(") - fix it")
    for word in words:
        assert word in message
