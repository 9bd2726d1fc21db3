"""The fast path of sheetscan.scan_sheet: a whole small sheet part in the shapes writers produce.

Excel, WPS, LibreOffice and XlsxWriter write worksheets in one regular shape: no
namespace prefixes on the elements that matter, no comments, CDATA or processing
instructions, double-quoted attributes, every cell with its reference first
(`<c r="B7" ...>`), holding an optional <f> then an optional <v>, or an <is>. Over such
a part a few compiled regular expressions find everything the scan reports, far
cheaper per cell than parser callbacks.

`fast_sheet` reads what a part holds independently of the ranges asked about (so the
gate's extent check and the reader's scan share one pass); `fast_scan` applies them.
Both return None whenever the part holds anything outside that shape (or is not
well-formed, which expat, without callbacks, decides); the caller then runs the
general expat scan, so the result never depends on which path ran. Tests run both on
the same parts and compare.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import compress
from xml.parsers import expat

from perfeval_xl.intake.cellref import cell_name, parse_ref
from perfeval_xl.intake.xmlparts import FormulaCell, Rect, SheetScan

# An attribute as the regular writers put it: one space, a plain name, double quotes, and
# a value with nothing expat would rewrite (entity references, tabs, line ends).
_ATTR = rb' [A-Za-z_][\w.:-]*="[^"&<\t\n\r]*"'
_ATTR_PAIR = re.compile(rb' ([A-Za-z_][\w.:-]*)="([^"&<\t\n\r]*)"')
# Inline-string content: text and tags, none of them one the scan looks at.
_IS_BODY = rb'[^<]*(?:<(?!/?(?:[^\s/>]*:)?(?:c|v|is|f|row|dimension|sheetProtection)[\s/>])[^<]*)*'
# The tokens of <sheetData>: row tags, and whole cells, their reference first, holding an
# optional <f> then an optional <v>, or an <is>. openpyxl writes "<v />". Groups: the
# reference, the body (None when self-closing), <f>'s attributes (None without <f>), its
# text, the text of <v>. The repeats are possessive (a fifth cheaper): giving anything back
# could never help, as what follows an attribute list (" /", "/", ">") cannot start an
# attribute, and what follows text ("<") cannot be in it.
_TOKEN = re.compile(
    rb'<row(?:%s)*+(?: ?/>|>)|</row>|<c r="([A-Z]{1,3}[0-9]{1,7})"(?:%s)*+(?: ?/>|>('
    rb'(?:<f((?:%s)*+)(?: ?/>|>([^<]*+)</f>))?(?:<v(?: ?/>|>([^<]*+)</v>))?|<is>%s</is>)</c>)'
    % (_ATTR, _ATTR, _ATTR, _IS_BODY))
_STRIDE = 6  # re.split gives the text before each token, then its five groups
# Outside <sheetData> only <dimension> and <sheetProtection> matter; no cell or row may be
# there, nor a comment, CDATA or processing instruction (which could hide or fake a tag).
_OUTER_TAG = re.compile(rb'<(?:([!?])|(c|row|dimension|sheetProtection)(?=[\s/>]))')
# Any of them with a prefix (or a colon before the name in text: a needless fallback, no harm).
_PREFIXED = re.compile(rb':(?:c|row|dimension|sheetProtection)[\s/>]')
_OUTER_ELEMENT = re.compile(rb'<(?:dimension|sheetProtection)((?:%s)*)(?: ?/)?>' % _ATTR)
_PROLOG = re.compile(rb'(?:\xef\xbb\xbf)?(?:<\?xml((?: [a-z]+="[^"]*")*) ?\?>)?\s*<[A-Za-z_]')
_ENCODING = re.compile(rb' encoding="([^"]*)"')
_ENTITY = re.compile(r"&(#x[0-9a-fA-F]+|#[0-9]+|lt|gt|amp|quot|apos);")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}
# Formulas as stored, by (attributes, text, has a value): forms of a batch share them too.
_FORMULA_CACHE_MAX = 1 << 12
_FORMULA_CACHED_TEXT = 512  # longer <f> tags are not kept (a hostile part's cannot fill memory)
_formulas: dict[tuple[bytes, bytes | None, bool], FormulaCell] = {}
# Cell references (bytes, as the token holds them) → (row, col): forms reuse the same few hundred.
_POSITION_CACHE_MAX = 1 << 12
_positions: dict[bytes, tuple[int, int]] = {}
_NUMBER_START = frozenset(b"0123456789-.")


@dataclass(frozen=True)
class FastSheet:
    """What a regular part holds, before any ranges are applied: SafeZip keeps it for both the gate and the reader."""

    dimension: str | None
    protection: dict[str, str] | None
    cells: int
    positions: list[tuple[int, int]]  # of the filled cells, in file order
    extent: Rect | None  # of the filled cells
    formulas: list[tuple[bytes, bytes, bytes | None, bytes | None]]  # (ref, <f> attributes, its text, <v> text)

    def scan(self, part: str, allowed: tuple[Rect, ...], limit: int, collect_formulas: bool) -> SheetScan:
        """The scan sheetscan.scan_chunks gives for these ranges and options."""
        positions = self.positions
        outside = positions
        for r1, c1, r2, c2 in allowed:
            outside = [p for p in outside if not (r1 <= p[0] <= r2 and c1 <= p[1] <= c2)]
        return SheetScan(
            part=part, dimension=self.dimension, protection=self.protection, cells=self.cells,
            filled=len(positions), formulas=len(self.formulas), extent=self.extent,
            outside=[cell_name(row, col) for row, col in outside[:limit]], outside_truncated=len(outside) > limit,
            formula_cells=_formula_cells(self.formulas) if collect_formulas else {})


def fast_scan(data: bytes, part: str, allowed: tuple[Rect, ...], limit: int,
              collect_formulas: bool) -> SheetScan | None:
    """The scan of a whole part (as sheetscan.scan_chunks would give it), or None when not understood."""
    sheet = fast_sheet(data)
    return None if sheet is None else sheet.scan(part, allowed, limit, collect_formulas)


def fast_sheet(data: bytes) -> FastSheet | None:
    """The facts of a whole part, or None when it is not in the regular shape (or not well-formed)."""
    prolog = _PROLOG.match(data)
    if prolog is None:
        return None  # UTF-16, or something before the root that is not the XML declaration
    declared = _ENCODING.search(prolog.group(1) or b"")
    if declared and declared.group(1).lower() != b"utf-8":
        return None
    start = data.find(b"<sheetData>")
    if start < 0:  # an empty <sheetData/>, or none: the outer checks see there are no cells
        start = end = len(data)
    else:
        end = data.find(b"</sheetData>", start)
        if end < 0:
            return None
    tokens = _TOKEN.split(data[start + 11:end])
    if any(tokens[::_STRIDE]):
        return None  # something between the tokens: not the regular shape
    before = _outer_facts(data, prolog.end() - 2, start)  # from the root's "<": it is checked too
    after = _outer_facts(data, end, len(data))
    if before is None or after is None or not _well_formed(data):
        return None
    refs, bodies = tokens[1::_STRIDE], tokens[2::_STRIDE]
    # Each cell is a whole token, so one whose body is not empty holds a value, an inline
    # string or a formula: it is filled. Rows do not matter: every cell has its reference.
    # The last <dimension> and <sheetProtection> win, as in the general path (the writers
    # put <dimension> before <sheetData> and <sheetProtection> after it).
    positions = [_positions.get(ref) or _position(ref) for ref in compress(refs, bodies)]
    return FastSheet(
        dimension=after[0] if after[0] is not None else before[0],
        protection=after[1] if after[1] is not None else before[1],
        cells=len(refs) - refs.count(None),
        positions=positions,
        extent=_extent(positions),
        formulas=[cell for cell in zip(refs, tokens[3::_STRIDE], tokens[4::_STRIDE], tokens[5::_STRIDE])
                  if cell[1] is not None])


def _outer_facts(data: bytes, begin: int, end: int) -> tuple[str | None, dict[str, str] | None] | None:
    """The last <dimension> ref and <sheetProtection> attributes in data[begin:end]; None if not understood."""
    if _PREFIXED.search(data, begin, end):
        return None
    dimension: str | None = None
    protection: dict[str, str] | None = None
    for match in _OUTER_TAG.finditer(data, begin, end):
        name = match.group(2)
        if name is None or name in (b"c", b"row"):
            return None
        element = _OUTER_ELEMENT.match(data, match.start(), end)
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


def _position(ref: bytes) -> tuple[int, int]:
    """The (row, col) of a token's reference, kept in `_positions`."""
    position = _positions.get(ref)
    if position is None:
        # The token's pattern admits plain references only (at most 10 bytes), which parse_ref always reads.
        position = parse_ref(ref.decode("ascii"))  # type: ignore[assignment]
        if len(_positions) >= _POSITION_CACHE_MAX:
            _positions.clear()
        _positions[ref] = position
    return position  # type: ignore[return-value]


def _extent(positions: list[tuple[int, int]]) -> Rect | None:
    if not positions:
        return None
    rows, cols = zip(*positions)
    return min(rows), min(cols), max(rows), max(cols)


def _formula_cells(found: list[tuple[bytes, bytes, bytes | None, bytes | None]]) -> dict[str, FormulaCell]:
    cells: dict[str, FormulaCell] = {}
    for ref, f_attrs, f_text, v_text in found:
        row, col = _position(ref)
        key = (f_attrs, f_text, _has_value(v_text))
        formula = _formulas.get(key)
        if formula is None:
            formula = _formula(*key)
            if len(f_attrs) + len(f_text or b"") <= _FORMULA_CACHED_TEXT:
                if len(_formulas) >= _FORMULA_CACHE_MAX:
                    _formulas.clear()
                _formulas[key] = formula  # FormulaCell is frozen: one instance serves every form
        cells[cell_name(row, col)] = formula
    return cells


def _has_value(v_text: bytes | None) -> bool:
    """A cached <v> with something besides white space (as the general path's text handler decides)."""
    if not v_text:
        return False
    if v_text[0] in _NUMBER_START:
        return True  # a number: no need to decode
    return bool(_text(v_text).strip())


def _formula(f_attrs: bytes, f_text: bytes | None, has_value: bool) -> FormulaCell:
    attrs = {k.decode(): a.decode() for k, a in _ATTR_PAIR.findall(f_attrs)} if f_attrs else {}
    shared = attrs.get("t") == "shared"
    return FormulaCell(text=_text(f_text) if f_text else "", shared_index=attrs.get("si") if shared else None,
                       shared_ref=attrs.get("ref") if shared else None, array=attrs.get("t") == "array",
                       has_value=has_value)


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
