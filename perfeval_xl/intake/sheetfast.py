"""The fast path of sheetscan.scan_sheet: a whole small sheet part in the shapes writers produce.

Excel, WPS, LibreOffice and XlsxWriter write worksheets in one regular shape: no
namespace prefixes on the elements that matter, no comments, CDATA or processing
instructions, double-quoted attributes, every cell with its reference first
(`<c r="B7" ...>`), holding an optional <f> then an optional <v>, or an <is>. Over such
a part a few compiled regular expressions find everything the scan reports, far
cheaper per cell than parser callbacks.

`fast_scan` returns None whenever the part holds anything outside that shape (or is
not well-formed, which expat, without callbacks, decides); the caller then runs the
general expat scan, so the result never depends on which path ran. Tests run both on
the same parts and compare.
"""

from __future__ import annotations

import re
from xml.parsers import expat

from perfeval_xl.intake.cellref import cell_name, col_to_index
from perfeval_xl.intake.xmlparts import FormulaCell, Rect, SheetScan

# An attribute as the regular writers put it: one space, a plain name, double quotes, and
# a value with nothing expat would rewrite (entity references, tabs, line ends).
_ATTR = rb' [A-Za-z_][\w.:-]*="[^"&<\t\n\r]*"'
_ATTR_PAIR = re.compile(rb' ([A-Za-z_][\w.:-]*)="([^"&<\t\n\r]*)"')
_REF = rb'<c r="([A-Z]{1,3})([0-9]{1,7})"'
# Inline-string content: text and tags, none of them one the scan looks at.
_IS_BODY = rb'[^<]*(?:<(?!/?(?:[^\s/>]*:)?(?:c|v|is|f|row)[\s/>])[^<]*)*'
_F = rb'(<f((?:%s)*)(?: ?/>|>([^<]*)</f>))' % _ATTR  # openpyxl writes "<v />"
_V = rb'(<v(?: ?/>|>([^<]*)</v>))'
_CELL_BODY = rb'(?:(?:%s)?%s?|(<is>)%s</is>)' % (_F, _V, _IS_BODY)
# The whole of <sheetData>: rows holding cells, nothing else. Atomic groups: no backtracking.
_SHEET_DATA = re.compile(
    rb'(?>(?><row(?:%s)* ?/>)|(?><row(?:%s)*>(?>%s(?:%s)*(?: ?/>|>%s</c>))*</row>))*'
    % (_ATTR, _ATTR, _REF, _ATTR, _CELL_BODY))
# A cell with content; groups (b"" when absent): letters, digits, f, f attributes, f text, v, v text, is.
_FILLED_CELL = re.compile(rb'%s(?:%s)*>%s</c>' % (_REF, _ATTR, _CELL_BODY))
# Outside <sheetData> only <dimension> and <sheetProtection> matter (and no cell or row may be there).
_OUTER_TAG = re.compile(rb'<(c|row|dimension|sheetProtection)(?=[\s/>])')
# Any of them with a prefix (or a colon before the name in text: a needless fallback, no harm).
_PREFIXED = re.compile(rb':(?:c|row|dimension|sheetProtection)[\s/>]')
_OUTER_ELEMENT = re.compile(rb'<(?:dimension|sheetProtection)((?:%s)*)(?: ?/)?>' % _ATTR)
_PROLOG = re.compile(rb'(?:\xef\xbb\xbf)?(?:<\?xml((?: [a-z]+="[^"]*")*) ?\?>)?\s*<[A-Za-z_]')
_ENCODING = re.compile(rb' encoding="([^"]*)"')
_ENTITY = re.compile(r"&(#x[0-9a-fA-F]+|#[0-9]+|lt|gt|amp|quot|apos);")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}
_COLS: dict[bytes, int] = {}


def fast_scan(data: bytes, part: str, allowed: tuple[Rect, ...], limit: int,
              collect_formulas: bool) -> SheetScan | None:
    """The scan of a whole part (as sheetscan.scan_chunks would give it), or None when not understood."""
    body = _body(data)
    if body is None:
        return None
    head, sheet_data, tail = body
    if _SHEET_DATA.fullmatch(sheet_data) is None:
        return None
    before, after = _outer_facts(head), _outer_facts(tail)
    if before is None or after is None or not _well_formed(data):
        return None
    # The last of each wins, as in the general path (the writers put <dimension> before
    # <sheetData> and <sheetProtection> after it).
    dimension = after[0] if after[0] is not None else before[0]
    protection = after[1] if after[1] is not None else before[1]
    cells = sheet_data.count(b'<c r="')
    formulas = 0
    rows: list[int] = []
    cols: list[int] = []
    outside: list[str] = []
    truncated = False
    formula_cells: dict[str, FormulaCell] = {}
    for letters, digits, f, f_attrs, f_text, v, v_text, inline in _FILLED_CELL.findall(sheet_data):
        if not (f or v or inline):
            continue  # <c r="A1"></c>
        row, col = int(digits), _COLS.get(letters) or _col(letters)
        rows.append(row)
        cols.append(col)
        if f:
            formulas += 1
            if collect_formulas:
                formula_cells[cell_name(row, col)] = _formula(f_attrs, f_text, v_text)
        for r1, c1, r2, c2 in allowed:
            if r1 <= row <= r2 and c1 <= col <= c2:
                break
        else:
            if len(outside) < limit:
                outside.append(cell_name(row, col))
            else:
                truncated = True
    extent = (min(rows), min(cols), max(rows), max(cols)) if rows else None
    return SheetScan(part=part, dimension=dimension, protection=protection, cells=cells, filled=len(rows),
                     formulas=formulas, extent=extent, outside=outside,
                     outside_truncated=truncated, formula_cells=formula_cells)


def _body(data: bytes) -> tuple[bytes, bytes, bytes] | None:
    """(before, inside, after) <sheetData>, or None for a part not in the regular shape."""
    prolog = _PROLOG.match(data)
    if prolog is None or b"<!" in data or data.find(b"<?", prolog.end()) >= 0:
        return None  # UTF-16, DTD, comment, CDATA or processing instruction
    declared = _ENCODING.search(prolog.group(1) or b"")
    if declared and declared.group(1).lower() != b"utf-8":
        return None
    start = data.find(b"<sheetData>")
    if start < 0:
        return data, b"", b""  # an empty <sheetData/>, or none: _outer_facts checks there are no cells
    end = data.find(b"</sheetData>", start)
    if end < 0:
        return None
    return data[:start], data[start + 11:end], data[end:]


def _outer_facts(outer: bytes) -> tuple[str | None, dict[str, str] | None] | None:
    """The last <dimension> ref and <sheetProtection> attributes outside <sheetData>; None if not understood."""
    dimension: str | None = None
    protection: dict[str, str] | None = None
    if _PREFIXED.search(outer):
        return None
    for match in _OUTER_TAG.finditer(outer):
        name = match.group(1)
        if name in (b"c", b"row"):
            return None
        element = _OUTER_ELEMENT.match(outer, match.start())
        if element is None:
            return None
        attrs = {k.decode(): v.decode() for k, v in _ATTR_PAIR.findall(element.group(1))}
        if name == b"dimension":
            dimension = attrs.get("ref")
        else:
            protection = attrs
    return dimension, protection


def _well_formed(data: bytes) -> bool:
    # No handlers, so no callbacks: expat in C only. Its errors are reported by the general path.
    try:
        expat.ParserCreate().Parse(data, True)
    except expat.ExpatError:
        return False
    return True


def _formula(f_attrs: bytes, f_text: bytes, v_text: bytes) -> FormulaCell:
    attrs = {k.decode(): a.decode() for k, a in _ATTR_PAIR.findall(f_attrs)} if f_attrs else {}
    shared = attrs.get("t") == "shared"
    return FormulaCell(text=_text(f_text), shared_index=attrs.get("si") if shared else None,
                       shared_ref=attrs.get("ref") if shared else None, array=attrs.get("t") == "array",
                       has_value=bool(v_text) and bool(_text(v_text).strip()))


def _col(letters: bytes) -> int:
    # At most 26 + 26² + 26³ keys (the pattern allows three letters): a bounded cache.
    col = _COLS[letters] = col_to_index(letters.decode("ascii"))
    return col


def _text(raw: bytes) -> str:
    """Character data as expat delivers it: line ends normalised, then references replaced."""
    text = raw.decode("utf-8")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "&" not in text:
        return text
    if "&#" in text:
        return _ENTITY.sub(_entity, text)
    # Only the five named references (expat has checked there are no others); &amp; last.
    return (text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
            .replace("&apos;", "'").replace("&amp;", "&"))


def _entity(match: re.Match[str]) -> str:
    name = match.group(1)
    if name[0] != "#":
        return _NAMED[name]
    return chr(int(name[2:], 16) if name[1] == "x" else int(name[1:]))
