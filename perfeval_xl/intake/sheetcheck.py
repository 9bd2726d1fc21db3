"""The gate's pass over one worksheet part: no DTD, UTF-8, and a sane extent.

A sheet holding a value far away (one cell at XFD1048576) makes calamine abort the
whole process while allocating the range; a huge <dimension> did too in older
versions (REFERENCE §8; calamine 0.9 survives the dimension, not the far cell) and
makes row-by-row readers run for ever.

Two paths. The fast one counts cell tags and matches the canonical form every known
writer uses (`<c r="A1"`, reference first, unprefixed) with byte-level regular
expressions over decompressed chunks: far cheaper per cell than an XML parser, and
sound because the prolog check has proved the part has no DTD. It includes style-only
cells, so it can only overstate the extent. Whenever a cell is written any other way
(prefix, attribute order, quoting, character references) or the fast extent breaks a
bound, the exact path re-reads the part (sheetscan.scan_sheet), counting
only cells that hold something, as readers do. A part SafeZip keeps whole goes straight
to the exact path when that takes sheetfast's pass (the reader reuses that pass).
"""

from __future__ import annotations

import re

from perfeval_xl.intake.cellref import MAX_COL, MAX_ROW, cell_name, col_to_index
from perfeval_xl.intake.models import GateLimits
from perfeval_xl.intake.sheetscan import fast_understood, scan_sheet
from perfeval_xl.intake.xmlsafe import PrologChecker, XmlMalformed
from perfeval_xl.intake.zipread import SafeZip

_DIMENSION = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?dimension\s[^>]*?\bref\s*=\s*[\"']([^\"']{0,100})[\"']")
_REF_PARTS = re.compile(rb"([A-Za-z]{1,10})([0-9]{1,12})")
_CANONICAL_CELLS = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"')  # (column letters, row digits)
# Either means some cell tag is not in the canonical form: take the exact path.
# (Two patterns with a literal first byte each: one alternation would be ten times slower.)
_ODD_UNPREFIXED = re.compile(rb"<c[\t\n\r/>]")
_ODD_PREFIXED = re.compile(rb":c[\t\n\r />]")
_CARRY_MAX = 4096


class HugeExtent(Exception):
    def __init__(self, ref: str, detail: str) -> None:
        super().__init__(detail)
        self.ref = ref
        self.detail = detail


class _FastExtent:
    """Extent of canonical cell references; `exact_needed` once anything is not canonical."""

    def __init__(self) -> None:
        self.min_row = self.min_col = 1 << 62
        self.max_row = self.max_col = 0
        self.exact_needed = False

    def scan(self, body: bytes) -> None:
        if self.exact_needed:
            return
        cells = _CANONICAL_CELLS.findall(body)
        if (len(cells) != body.count(b"<c ") or _ODD_UNPREFIXED.search(body)
                or _ODD_PREFIXED.search(body)):
            self.exact_needed = True
            return
        if not cells:
            return
        row_values = [int(r) for r in {r for _c, r in cells}]
        col_values = [col_to_index(c.decode("ascii")) for c in {c for c, _r in cells}]
        self.min_row, self.max_row = min(self.min_row, *row_values), max(self.max_row, *row_values)
        self.min_col, self.max_col = min(self.min_col, *col_values), max(self.max_col, *col_values)


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
    fast = _FastExtent()
    # A part kept whole waits for sheetfast, which the reader runs on it anyway: its bodies
    # are scanned here only if sheetfast declines.
    deferred: list[bytes] | None = [] if archive.keeps(part) else None
    carry = b""
    first = True
    dimension_seen = False
    for chunk in archive.iter_chunks(part, limits.max_total_uncompressed, keep=True):  # the reader rescans it
        if not prolog.done:
            prolog.feed(chunk)  # first, so a DTD is reported as unsafe whatever the encoding
        if first:
            _require_utf8(chunk, part)
            first = False
        buf = carry + chunk
        # Cut before the last tag so no tag is split between two scans.
        cut = buf.rfind(b"<")
        if cut < 0 or len(buf) - cut > _CARRY_MAX:
            cut = len(buf)
        body, carry = buf[:cut], buf[cut:]
        if not dimension_seen:
            dimension_seen = _check_dimension(body, limits)
        if deferred is None:
            fast.scan(body)
        else:
            deferred.append(body)
    if not prolog.done:
        prolog.feed(b"", final=True)
    if deferred is not None:
        if fast_understood(archive, part, limits.max_total_uncompressed):
            # The exact extent, read on the fast path: the canonical one would only have
            # decided whether to read it (it covers it, so passes whenever it would).
            _exact_extent(archive, part, limits)
            return
        for body in deferred:
            fast.scan(body)
    fast.scan(carry)
    if fast.exact_needed or _breaks_bounds(fast, limits):
        _exact_extent(archive, part, limits)


def _breaks_bounds(fast: _FastExtent, limits: GateLimits) -> bool:
    if not fast.max_row:
        return False
    try:
        check_extent(fast.min_row, fast.min_col, fast.max_row, fast.max_col, "", "cells", limits)
    except HugeExtent:
        return True
    return False


def _exact_extent(archive: SafeZip, part: str, limits: GateLimits) -> None:
    scan = scan_sheet(archive, part, cap=limits.max_total_uncompressed, limit=0)
    if scan.unreadable_refs:
        raise HugeExtent(scan.first_unreadable_ref, "cell reference unreadable or beyond the last cell")
    if scan.extent is not None:
        r1, c1, r2, c2 = scan.extent
        check_extent(r1, c1, r2, c2, f"{cell_name(r1, c1)}:{cell_name(r2, c2)}", "cells", limits)


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
