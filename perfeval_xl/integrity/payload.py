"""The signed payload of one workbook: its metadata and its locked cells.

The generator and the collector both call `build_payload`, so the two sides cannot
drift. Structure (then encoded by canonical.canonical_bytes):

    {"format": "perfeval-payload-v1",
     "meta": {year, batch_id, unit, project_id, template_version, key_id, issued_version},
     "sheets": [{"name": <sheet name>, "cells": [[<address>, <value>], ...]}, ...]}

Sheets stay in the order given (the order is part of the form). Cells are a list of
[address, value] pairs in row-major order (row, then column), because canonical
encoding sorts dict keys as text ("A10" < "A2").

Cell values are normalised to what a spreadsheet can hold and give back, so a value
written by the generator and the same value read back from a re-saved file agree:
- int and Decimal are both numbers (Decimal); Excel stores every number as a double
  and openpyxl reads Decimal("95.00") back as int 95.
- a datetime at midnight is a date (openpyxl reads date-formatted cells as datetimes).
- None and "" are blank and left out; a blank cell is simply absent.
- float is refused: the reader converts it first (engine.numbers.to_decimal uses the
  shortest repr), so that the conversion lives in one place.
Numbers must have at most 15 significant digits to survive a round trip through a
double; the generator should read each written file back and verify it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from functools import lru_cache
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from perfeval_xl.integrity.canonical import CanonicalError, canonical_bytes, canonical_text, nfc
from perfeval_xl.integrity.keys import KEY_ID_PATTERN

PAYLOAD_FORMAT = "perfeval-payload-v1"

CellValue = str | Decimal | int | bool | None | dt.date | dt.datetime

_ADDRESS = re.compile(r"\$?([A-Z]{1,3})\$?([1-9][0-9]{0,6})")
_MAX_ROW = 1_048_576
_MAX_COLUMN = 16_384


class PayloadMeta(BaseModel):
    """The signed metadata of one workbook. Strict: "2024" is not a year, so both sides must pass the same types."""

    model_config = ConfigDict(strict=True, frozen=True, extra="forbid")

    year: Annotated[int, Field(ge=1900, le=9999)]
    batch_id: Annotated[str, Field(min_length=1)]
    unit: Annotated[str, Field(min_length=1)]
    project_id: Annotated[str, Field(min_length=1)]
    template_version: Annotated[str, Field(min_length=1)]
    key_id: Annotated[str, Field(pattern=KEY_ID_PATTERN)]
    issued_version: Annotated[int, Field(ge=1)]


def build_payload(
    meta: Mapping[str, Any] | PayloadMeta,
    sheets: Sequence[tuple[str, Mapping[str, CellValue]]],
) -> dict[str, Any]:
    """The payload structure for `meta` and the locked cells of each sheet, in sheet order."""
    checked = _checked_meta(meta)
    sheet_items = [{"name": name, "cells": _cells(name, cells)} for name, cells in _named(sheets)]
    return {"format": PAYLOAD_FORMAT, "meta": checked.model_dump(), "sheets": sheet_items}


def payload_bytes(
    meta: Mapping[str, Any] | PayloadMeta,
    sheets: Sequence[tuple[str, Mapping[str, CellValue]]],
) -> bytes:
    """`canonical_bytes(build_payload(meta, sheets))`, what is signed, without building the payload.

    Each cell's encoded [address, value] is kept across payloads (a form's labels recur in every
    workbook). Any error is raised by `build_payload` itself, which says where."""
    checked = _checked_meta(meta)
    try:
        sheet_texts = [f'{{"cells":[{_cells_text(cells)}],"name":{canonical_text(name)}}}'
                       for name, cells in _named(sheets)]
    except (CanonicalError, TypeError):  # TypeError: an unhashable value
        return canonical_bytes(build_payload(checked, sheets))
    meta_text = canonical_text(checked.model_dump())
    text = f'{{"format":{canonical_text(PAYLOAD_FORMAT)},"meta":{meta_text},"sheets":[{",".join(sheet_texts)}]}}'
    return text.encode("utf-8")


def _checked_meta(meta: Mapping[str, Any] | PayloadMeta) -> PayloadMeta:
    return meta if isinstance(meta, PayloadMeta) else PayloadMeta.model_validate(dict(meta))


def _named(sheets: Sequence[tuple[str, Mapping[str, CellValue]]]) -> Iterator[tuple[str, Mapping[str, CellValue]]]:
    """Each sheet's NFC name and cells; raises CanonicalError for an empty or repeated name."""
    seen: set[str] = set()
    for name, cells in sheets:
        if not isinstance(name, str) or not name:
            raise CanonicalError(f"sheet name {name!r} must be a non-empty str")
        norm_name = nfc(name)
        if norm_name in seen:
            raise CanonicalError(f"sheet {name!r} appears twice")
        seen.add(norm_name)
        yield norm_name, cells


@lru_cache(maxsize=1024)  # every payload repeats its form's addresses; errors are not cached
def address_key(address: str) -> tuple[int, int]:
    """(row, column) of an A1 address ("$B$3" -> (3, 2)); raises CanonicalError if malformed."""
    match = _ADDRESS.fullmatch(address.strip().upper())
    if match is None:
        raise CanonicalError(f"cell address {address!r} is not an A1 address")
    letters, digits = match.groups()
    column = 0
    for letter in letters:
        column = column * 26 + ord(letter) - ord("A") + 1
    row = int(digits)
    if row > _MAX_ROW or column > _MAX_COLUMN:
        raise CanonicalError(f"cell address {address!r} lies outside the sheet")
    return row, column


def _cells(sheet: str, cells: Mapping[str, CellValue]) -> list[list[Any]]:
    keyed: dict[tuple[int, int], tuple[str, Any]] = {}
    for address, raw in cells.items():
        key, text = _address(address)
        if key in keyed:
            raise CanonicalError(f"sheet {sheet!r}: cell {address!r} given twice")
        kind = type(raw)  # text, Decimals and blanks (most cells) are taken as they are: no call
        if (kind is str and raw) or kind is Decimal:
            keyed[key] = (text, raw)
        elif raw is not None:
            value = _cell_value(raw, sheet, address)
            if value is not None:
                keyed[key] = (text, value)
    return [[text, value] for _, (text, value) in sorted(keyed.items())]


@lru_cache(maxsize=1024)  # as address_key
def _address(address: str) -> tuple[tuple[int, int], str]:
    """(row, column) and the plain text ("$b$3" -> "B3") of an address."""
    return address_key(address), address.replace("$", "").strip().upper()


def _cells_text(cells: Mapping[str, CellValue]) -> str:
    """The encoded `_cells(cells)` list without its brackets; raises where `_cells` does (not saying where)."""
    encoded = [_cell_text(address, raw) if type(raw) is not str or len(raw) <= _CACHED_CHARS
               else _cell_text.__wrapped__(address, raw) for address, raw in cells.items()]
    if len(dict(encoded)) != len(encoded):
        raise CanonicalError("a cell is given twice")
    encoded.sort()
    return ",".join([text for _, text in encoded if text])


# Longer text is encoded each time: a hostile workbook must not fill the cache with megabytes.
_CACHED_CHARS = 200


@lru_cache(maxsize=8192, typed=True)  # typed: True, 1 and Decimal(1) are different cells
def _cell_text(address: str, raw: CellValue) -> tuple[tuple[int, int], str]:
    """(row, column) of the cell and its encoded [address, value] pair ("" when blank)."""
    key, text = _address(address)
    value = _cell_value(raw, "", address)
    return key, "" if value is None else canonical_text([text, value])


def _cell_value(raw: CellValue, sheet: str, address: str) -> Any:
    if raw is None or raw == "":
        return None
    if isinstance(raw, (bool, str, Decimal)):
        return raw
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, dt.datetime):
        return raw.date() if raw.time() == dt.time(0) and raw.tzinfo is None else raw
    if isinstance(raw, dt.date):
        return raw
    raise CanonicalError(
        f"sheet {sheet!r} cell {address}: unsupported value type {type(raw).__name__}"
        + ("; convert floats with engine.numbers.to_decimal" if isinstance(raw, float) else "")
    )
