"""The gate's pass over one worksheet part: no DTD, UTF-8, and a sane extent.

A sheet claiming or holding cells far away (A1:XFD1048576, or one cell at XFD1048576)
makes calamine abort the whole process while allocating the range (REFERENCE §8;
calamine 0.9 aborts on the far cell even though it now survives the big dimension).
The gate finds both by a byte-level scan: a regular expression over decompressed
chunks is far cheaper per cell than an XML parser, and the prolog check has already
proved the part holds no DTD, so no entity can hide a reference.
"""

from __future__ import annotations

import re

from perfeval_xl.intake.cellref import MAX_COL, MAX_ROW, cell_name, col_to_index
from perfeval_xl.intake.models import GateLimits
from perfeval_xl.intake.xmlsafe import PrologChecker, XmlMalformed
from perfeval_xl.intake.zipread import SafeZip

_PREFIX = rb"<(?:[A-Za-z_][\w.-]*:)?"
_CELL_REF = re.compile(_PREFIX + rb"c\s[^>]*?\br\s*=\s*[\"']([A-Za-z]{1,10})([0-9]{1,12})[\"']")
_DIMENSION = re.compile(_PREFIX + rb"dimension\s[^>]*?\bref\s*=\s*[\"']([^\"']{0,100})[\"']")
_REF_PARTS = re.compile(rb"([A-Za-z]{1,10})([0-9]{1,12})")
_CARRY_MAX = 4096


class HugeExtent(Exception):
    def __init__(self, ref: str, detail: str) -> None:
        super().__init__(detail)
        self.ref = ref
        self.detail = detail


class _Extent:
    def __init__(self) -> None:
        self.min_row = self.min_col = 1 << 62
        self.max_row = self.max_col = 0

    def add_rows(self, rows: set[bytes]) -> None:
        values = [int(r) for r in rows]
        self.min_row, self.max_row = min(self.min_row, *values), max(self.max_row, *values)

    def add_cols(self, cols: set[bytes]) -> None:
        values = [col_to_index(c.decode("ascii")) for c in cols]
        self.min_col, self.max_col = min(self.min_col, *values), max(self.max_col, *values)

    def ref(self) -> str:
        return f"{cell_name(self.min_row, self.min_col)}:{cell_name(self.max_row, self.max_col)}"


def check_extent(min_row: int, min_col: int, max_row: int, max_col: int, ref: str, what: str,
                 limits: GateLimits) -> None:
    """Raise HugeExtent if the rectangle breaks the row, column or cell-count bound."""
    rows, cols = max_row - min_row + 1, max_col - min_col + 1
    if max_row > MAX_ROW or max_col > MAX_COL:
        raise HugeExtent(ref, f"{what} beyond the last cell of a sheet")
    if rows > limits.max_rows:
        raise HugeExtent(ref, f"{what} spans {rows} rows, limit {limits.max_rows}")
    if cols > limits.max_cols:
        raise HugeExtent(ref, f"{what} spans {cols} columns, limit {limits.max_cols}")
    if rows * cols > limits.max_cells:
        raise HugeExtent(ref, f"{what} spans {rows * cols} cells, limit {limits.max_cells}")


def scan_sheet_part(archive: SafeZip, part: str, limits: GateLimits) -> None:
    """Raise XmlUnsafe/XmlMalformed/PartError/HugeExtent; return quietly when the part is fine."""
    prolog = PrologChecker(part)
    extent = _Extent()
    carry = b""
    first = True
    dimension_seen = False
    for chunk in archive.iter_chunks(part, limits.max_total_uncompressed):
        if not prolog.done:
            prolog.feed(chunk)  # first, so a DTD is reported as unsafe whatever the encoding
        if first:
            _require_utf8(chunk, part)
            first = False
        buf = carry + chunk
        cut = buf.rfind(b"<")
        if cut < 0 or len(buf) - cut > _CARRY_MAX:
            cut = len(buf)
        body, carry = buf[:cut], buf[cut:]
        if not dimension_seen:
            dimension_seen = _check_dimension(body, limits)
        _scan_refs(body, extent)
    if not prolog.done:
        prolog.feed(b"", final=True)
    if carry:
        _scan_refs(carry, extent)
    if extent.max_row:
        check_extent(extent.min_row, extent.min_col, extent.max_row, extent.max_col, extent.ref(),
                     "cells", limits)


def _require_utf8(chunk: bytes, part: str) -> None:
    # The byte scan assumes UTF-8 (what Excel, WPS and LibreOffice write); UTF-16 would hide refs.
    head = chunk[:200]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head:
        raise XmlMalformed(part, "sheet part is not UTF-8 encoded")
    decl = re.match(rb"(?:\xef\xbb\xbf)?<\?xml[^>]*?encoding\s*=\s*[\"']([^\"']*)[\"']", head)
    if decl and decl.group(1).lower().replace(b"-", b"") not in (b"utf8",):
        raise XmlMalformed(part, f"sheet part is encoded as {decl.group(1).decode('ascii', 'replace')}")


def _check_dimension(body: bytes, limits: GateLimits) -> bool:
    match = _DIMENSION.search(body)
    if not match:
        return False
    ref = match.group(1).decode("ascii", "replace")
    parts = _REF_PARTS.findall(match.group(1))
    if not parts:
        return True
    if any(len(row) > 7 or len(col) > 3 for col, row in parts):
        raise HugeExtent(ref, "dimension beyond the last cell of a sheet")
    rows = [int(row) for _col, row in parts]
    cols = [col_to_index(col.decode("ascii")) for col, _row in parts]
    check_extent(min(rows), min(cols), max(rows), max(cols), ref, "dimension", limits)
    return True


def _scan_refs(body: bytes, extent: _Extent) -> None:
    refs = _CELL_REF.findall(body)
    if not refs:
        return
    rows = {row for _col, row in refs}
    cols = {col.upper() for col, _row in refs}
    long_row = next((r for r in rows if len(r) > 7), None)
    long_col = next((c for c in cols if len(c) > 3), None)
    if long_row is not None or long_col is not None:
        ref = (long_col or b"A").decode("ascii", "replace") + (long_row or b"1").decode("ascii")
        raise HugeExtent(ref, "cell beyond the last cell of a sheet")
    extent.add_rows(rows)
    extent.add_cols(cols)
