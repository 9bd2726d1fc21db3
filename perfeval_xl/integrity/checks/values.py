"""Comparing a locked cell as issued with the cell as read, and saying how they differ.

Values compare exactly after the payload's normalisation: text NFC-normalised (so a
canonically equivalent NFD spelling is the same text) and nothing else folded, so a
Cyrillic "о" for a Latin "o" or a full-width "９" for "9" is a change; numbers as
Decimals (15 = 15.0); a date-time at midnight as its date; blank and "" alike; text
"1" and the number 1 differ. `difference` names the first differing character by
code point and Unicode name, because such changes are invisible on screen.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from decimal import Decimal

from perfeval_xl.engine.numbers import to_decimal
from perfeval_xl.integrity.canonical import CanonicalError, canonical_bytes, decimal_plain

SHOWN_CHARS = 120
_PLAIN_INT = 10**400  # below it an int's canonical text is its digits (canonical.decimal_plain's range)


def normal(value: object) -> object:
    """The value as the signed payload holds it (None for blank)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float, Decimal)):
        return to_decimal(value)
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time(0) and value.tzinfo is None else value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return value
    return str(value)


def same(expected: object, found: object) -> bool:
    """Exact equality of the normalised values, type included (text "1" is not the number 1)."""
    if type(expected) is type(found) and expected == found:  # the common case, without canonical encoding
        return True
    if (expected is None or expected == "") and (found is None or found == ""):
        return True  # blank both ways (an issued "" reads back as nothing)
    if type(expected) is int and type(found) is Decimal and found == expected and abs(expected) < _PLAIN_INT:
        return True  # an issued count or serial number read back as a number
    return _key(normal(expected)) == _key(normal(found))


def _key(value: object) -> bytes:
    try:
        return canonical_bytes(value)
    except CanonicalError:  # a NaN-like Decimal or a lone surrogate: compare the text instead
        return repr(value).encode("utf-8", "backslashreplace")


def shown(value: object) -> str:
    """The value as a message shows it: numbers plain, long text cut with its length."""
    value = normal(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, Decimal):
        return decimal_plain(value) if value.is_finite() else str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    text = str(value)
    if len(text) > SHOWN_CHARS:
        return f"{text[:SHOWN_CHARS]}…（共 {len(text)} 字）"
    return text


def _kind(value: object) -> tuple[str, str]:
    if value is None:
        return "空白", "blank"
    if isinstance(value, str):
        return "文本", "text"
    if isinstance(value, bool):
        return "逻辑值", "boolean"
    if isinstance(value, Decimal):
        return "数字", "number"
    return "日期", "date"


def _char(text: str, index: int, end: str) -> str:
    if index >= len(text):
        return end
    ch = text[index]
    return f"U+{ord(ch):04X} {unicodedata.name(ch, 'UNNAMED')}"


def difference(expected: object, found: object) -> tuple[str, str]:
    """(Chinese, English) note on how two different values differ; ("", "") when nothing useful to add."""
    a, b = normal(expected), normal(found)
    (kind_a, kind_a_en), (kind_b, kind_b_en) = _kind(a), _kind(b)
    if kind_a != kind_b:
        return f"类型不同：下发时为{kind_a}，现为{kind_b}。", f"Type differs: issued {kind_a_en}, now {kind_b_en}."
    if not (isinstance(a, str) and isinstance(b, str)):
        return "", ""
    index = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    end = "（文本结束）"
    zh = f"第 {index + 1} 个字符不同：下发时为 {_char(a, index, end)}，现为 {_char(b, index, end)}。"
    en = (f"Character {index + 1} differs: issued {_char(a, index, '(end of text)')}, "
          f"now {_char(b, index, '(end of text)')}.")
    if unicodedata.normalize("NFKC", a) == unicodedata.normalize("NFKC", b):
        zh += "两者外观相近，仅全角/半角或兼容字符不同。"
        en += " They differ only in full-width or compatibility forms."
    return zh, en
