"""Bytes that are text, but not UTF-8: UTF-16 and UTF-32, with or without a byte order mark, are
said as what they are (they decode as UTF-8 full of NUL bytes, or not at all), so that the user
knows to save the file as UTF-8."""

from __future__ import annotations

import codecs

_MARKS = (
    (codecs.BOM_UTF32_LE, "UTF-32 (little-endian byte order mark)"),  # before UTF-16: FF FE 00 00 starts with FF FE
    (codecs.BOM_UTF32_BE, "UTF-32 (big-endian byte order mark)"),
    (codecs.BOM_UTF16_LE, "UTF-16 (little-endian byte order mark)"),
    (codecs.BOM_UTF16_BE, "UTF-16 (big-endian byte order mark)"),
)
_SAMPLE = 4096  # bytes looked at for NULs in every other byte
_FEWEST_PAIRS = 8  # fewer byte pairs say too little: "A\x00B." is binary data, not UTF-16


def wide_encoding(data: bytes) -> str | None:
    """Why `data` is not read as a document when it is UTF-16 or UTF-32 text; None otherwise."""
    sample = data[:_SAMPLE]
    if b"\x00" not in sample and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None  # the common case, at the cost of one search: UTF-8 text has no NUL
    for mark, name in _MARKS:
        if data.startswith(mark):
            return f"{name} text: save it as UTF-8"
    # Latin text in UTF-16 has a NUL in every other byte: the second of each pair (little-endian)
    # or the first (big-endian).
    pairs = len(sample) // 2
    first, second = sample[0::2].count(0), sample[1::2].count(0)
    if pairs >= _FEWEST_PAIRS and max(first, second) >= 0.6 * pairs and min(first, second) < 0.1 * pairs:
        order = "little" if second > first else "big"
        return f"UTF-16 ({order}-endian, without a byte order mark) text: save it as UTF-8"
    return None
