"""Canonical bytes of a JSON-like value: the exact bytes that get signed.

Rules (format "canonical-v1"; docs/decisions/0005-integrity-signatures.md):

- Output is JSON text, UTF-8, with no whitespace between tokens.
- str: NFC-normalised, then a JSON string. Only `"`, `\\` and U+0000..U+001F are
  escaped: \\b \\f \\n \\r \\t in short form, other controls as \\u00XX (lower-case hex);
  every other character is written as itself. Lone surrogates are rejected.
- dict: keys must be str; they are NFC-normalised and sorted by Unicode code point.
  Two keys equal after NFC are rejected. Keys starting with "$" are reserved for the
  type tags below and rejected, so a tagged value can never be forged by a dict.
- list / tuple: a JSON array, order kept.
- bool: true / false. None: null.
- int: {"$int": "<decimal digits>"} (e.g. {"$int":"-12"}).
- Decimal: {"$dec": "<plain>"} where <plain> is the value's normalised form in
  fixed-point notation: no exponent, no trailing fractional zeros, no trailing ".",
  no "+" and no "-0" (Decimal("95.00") -> "95", Decimal("1.5E-3") -> "0.0015",
  Decimal("-0.0") -> "0"). The scale is the value's, not a declared one: a spreadsheet
  keeps no trailing zeros, and quantising to a declared scale would hide changes below it.
- datetime.date: {"$date": "YYYY-MM-DD"}; naive datetime.datetime:
  {"$datetime": "YYYY-MM-DDTHH:MM:SS[.ffffff]"} (microseconds only when non-zero).
- Rejected: float (pass Decimal), NaN / infinite Decimals, Decimals whose adjusted
  exponent lies outside ±400, time-zone-aware datetimes, and any other type.

So text "1", int 1, Decimal("1") and Decimal("1.5") all encode differently; int 1 and
True do too (bool is checked before int).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from decimal import Decimal
from json.encoder import encode_basestring
from typing import Any

# A double's range is about 1e±308 (subnormals to 5e-324); ±400 keeps every
# spreadsheet number and bounds the plain string to a few hundred digits.
_MAX_ADJUSTED_EXPONENT = 400



class CanonicalError(ValueError):
    """The value cannot be encoded canonically (a caller's bug, not a user's input)."""


def canonical_bytes(value: Any) -> bytes:
    """The canonical-v1 encoding of `value` as UTF-8 bytes."""
    return canonical_text(value).encode("utf-8")


def canonical_text(value: Any) -> str:
    """The canonical-v1 encoding of `value` as text (its UTF-8 bytes are `canonical_bytes`)."""
    parts: list[str] = []
    _encode(value, parts, None)
    return "".join(parts)


def canonical_hash(value: Any) -> str:
    """SHA-256 hex digest of `canonical_bytes(value)`."""
    return hashlib.sha256(canonical_bytes(value)).hexdigest()


def decimal_plain(value: Decimal) -> str:
    """The fixed-point text of a finite Decimal's normalised value ("95.00" -> "95")."""
    if not value.is_finite():
        raise CanonicalError(f"non-finite Decimal {value}")
    if value.is_zero():
        return "0"  # also folds -0 and 0E-5
    if abs(value.adjusted()) > _MAX_ADJUSTED_EXPONENT:
        raise CanonicalError(f"Decimal {value} is outside 1E±{_MAX_ADJUSTED_EXPONENT}")
    # Not value.normalize(): it rounds to the context precision (28 digits by default).
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def nfc(text: str) -> str:
    """NFC-normalised text; rejects lone surrogates, which have no UTF-8 encoding."""
    if text.isascii():  # ASCII is always valid and already NFC
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise CanonicalError(f"text {text!r} is not valid Unicode (lone surrogate)") from exc
    return unicodedata.normalize("NFC", text)


# Where a value sits, for error messages only: (parent, list index or dict key), None at the root.
# Kept as a chain of tuples because formatting "$.sheets[0].cells[12][1]" for every value
# cost more than encoding it; the text is made only when an error needs it.
_Path = tuple[Any, int | str] | None


def _path_text(path: _Path) -> str:
    steps: list[str] = []
    while path is not None:
        path, step = path
        steps.append(f"[{step}]" if isinstance(step, int) else f".{step}")
    return "$" + "".join(reversed(steps))


def _encode(value: Any, out: list[str], path: _Path) -> None:
    # Exact types first (a payload is mostly text, [address, value] pairs and Decimals); anything
    # else, subclasses included, takes the general chain in `_encode_other`.
    kind = type(value)
    if kind is str:
        out.append(_string(value if value.isascii() else nfc(value)))
    elif kind is list or kind is tuple:
        _encode_list(value, out, path)
    elif kind is Decimal:
        _encode_decimal(value, out, path)
    elif kind is dict:
        _encode_dict(value, out, path)
    else:
        _encode_other(value, out, path)


def _encode_list(value: list[Any] | tuple[Any, ...], out: list[str], path: _Path) -> None:
    append = out.append
    append("[")
    for index, item in enumerate(value):
        # Each item followed by ",", the last one's replaced by "]". Text and nested lists are
        # dispatched here, without a call to _encode; a payload's [address, text or Decimal] pairs
        # (most of its items) are written whole, without a call at all.
        kind = type(item)
        if kind is str:
            append(_string(item if item.isascii() else nfc(item)))
        elif kind is list:
            first, second = item if len(item) == 2 else (None, None)
            if type(first) is not str:
                _encode_list(item, out, (path, index))
            elif type(second) is str:
                append("[" + _string(first if first.isascii() else nfc(first)) + ","
                       + _string(second if second.isascii() else nfc(second)) + "]")
            elif type(second) is Decimal:
                try:
                    number = decimal_plain(second)
                except CanonicalError:
                    _encode_list(item, out, (path, index))  # raises again, saying where
                else:
                    append("[" + _string(first if first.isascii() else nfc(first)) + ',{"$dec":'
                           + _string(number) + "}]")
            else:
                _encode_list(item, out, (path, index))
        else:
            _encode(item, out, (path, index))
        append(",")
    if value:
        out[-1] = "]"
    else:
        append("]")


def _encode_decimal(value: Decimal, out: list[str], path: _Path) -> None:
    try:
        _tagged(out, "$dec", decimal_plain(value))
    except CanonicalError as exc:
        raise CanonicalError(f"{_path_text(path)}: {exc}") from None


def _encode_other(value: Any, out: list[str], path: _Path) -> None:
    # Order matters only where types overlap: bool before int (bool is an int; the identity
    # tests catch it), datetime before date (a subclass).
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, str):
        out.append(_string(nfc(value)))
    elif isinstance(value, (list, tuple)):
        _encode_list(value, out, path)
    elif isinstance(value, Decimal):
        _encode_decimal(value, out, path)
    elif isinstance(value, dict):
        _encode_dict(value, out, path)
    elif isinstance(value, int):
        _tagged(out, "$int", str(int(value)))
    elif isinstance(value, float):
        raise CanonicalError(f"{_path_text(path)}: float {value!r} is not allowed; pass a Decimal")
    elif isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            raise CanonicalError(f"{_path_text(path)}: time-zone-aware datetime {value} is not allowed")
        _tagged(out, "$datetime", value.isoformat())
    elif isinstance(value, dt.date):
        _tagged(out, "$date", value.isoformat())
    else:
        raise CanonicalError(f"{_path_text(path)}: unsupported type {type(value).__name__}")


def _encode_dict(value: dict[Any, Any], out: list[str], path: _Path) -> None:
    items: dict[str, Any] = {}
    for key, item in value.items():
        if not isinstance(key, str):
            raise CanonicalError(f"{_path_text(path)}: dict key {key!r} is not a str")
        norm = nfc(key)
        if norm.startswith("$"):
            raise CanonicalError(f"{_path_text(path)}: dict key {key!r} starts with the reserved '$'")
        if norm in items:
            raise CanonicalError(f"{_path_text(path)}: dict keys collide after NFC normalisation: {norm!r}")
        items[norm] = item
    out.append("{")
    for index, key in enumerate(sorted(items)):
        if index:
            out.append(",")
        out.append(_string(key))
        out.append(":")
        _encode(items[key], out, (path, key))
    out.append("}")


def _tagged(out: list[str], tag: str, text: str) -> None:
    out.append('{"' + tag + '":' + _string(text) + "}")


# The json module's (C) string encoder escapes exactly the canonical-v1 set above: quote,
# backslash, the five short forms and every other control character as a lower-case \u00XX;
# tests/integrity/test_canonical.py compares it with that rule for every BMP character.
_string = encode_basestring
