"""Scan one worksheet part: dimension, protection, counts, formulas, cells outside given ranges.

    scan_sheet(archive, part, allowed, ...) -> SheetScan
    scan_chunks(chunks, part, allowed, ...) -> SheetScan   the general path over any bytes

Two paths with one result. A small part the gate has already read whole (SafeZip keeps
it, and what sheetfast found in it) goes to sheetfast, which matches the shapes Excel,
WPS, LibreOffice and XlsxWriter write with compiled regular expressions. Anything else, and anything sheetfast does not
fully understand, takes the general path: expat over the part as streamed chunks, with
DTDs and entity declarations refused. Errors are PartError and XmlError, as in xmlparts.
"""

from __future__ import annotations

from typing import Iterable, Sequence
from xml.parsers import expat

from perfeval_xl.intake.cellref import cell_name, parse_ref
from perfeval_xl.intake.models import MiB
from perfeval_xl.intake.sheetfast import FastSheet, fast_sheet
from perfeval_xl.intake.xmlparts import Archive, FormulaCell, Rect, SheetScan
from perfeval_xl.intake.xmlsafe import XmlMalformed, XmlUnsafe
from perfeval_xl.intake.zipread import PartMissing, SafeZip, iter_part_chunks, resolve_name

SHEET_PART_CAP = 256 * MiB  # streamed, so this bounds time, not memory


def scan_sheet(archive: Archive, part: str, allowed: Sequence[Rect] = (), limit: int = 100,
               cap: int = SHEET_PART_CAP, stop_at_limit: bool = False,
               collect_formulas: bool = False) -> SheetScan:
    """Scan a sheet part once: dimension, protection, counts, and filled cells outside `allowed`.

    `allowed` rectangles are (min_row, min_col, max_row, max_col), 1-based and inclusive.
    At most `limit` outside cells are listed; with `stop_at_limit` the scan ends there
    (protection and counts then cover only the part read). With `collect_formulas`
    every formula cell's stored text is kept (the reader compares them with the register).
    """
    stored = resolve_name(archive, part)
    if stored is None:
        raise PartMissing(part, "part missing")
    allowed = tuple(allowed)
    kept = archive.kept(stored, cap) if isinstance(archive, SafeZip) and not stop_at_limit else None
    if kept is not None:
        assert isinstance(archive, SafeZip)
        sheet = _fast_sheet(archive, stored, kept)
        if sheet is not None:
            return sheet.scan(stored, allowed, limit, collect_formulas)
        chunks: Iterable[bytes] = (kept,)
    else:
        chunks = iter_part_chunks(archive, stored, cap)
    return scan_chunks(chunks, stored, allowed, limit, stop_at_limit, collect_formulas)


def fast_understood(archive: SafeZip, part: str, cap: int) -> bool:
    """Whether scan_sheet reads `part` on the fast path (kept whole and in the regular shape)."""
    stored = archive.resolve(part)
    kept = archive.kept(part, cap)
    return stored is not None and kept is not None and _fast_sheet(archive, stored, kept) is not None


def _fast_sheet(archive: SafeZip, stored: str, kept: bytes) -> FastSheet | None:
    # Once per part and archive: the gate's extent check and the reader's scan both ask.
    key = ("sheetfast", stored, len(kept))
    if key not in archive.facts:
        archive.facts[key] = fast_sheet(kept)
    return archive.facts[key]  # type: ignore[return-value]


def cells_outside(archive: Archive, part: str, allowed: Sequence[Rect], limit: int = 100,
                  cap: int = SHEET_PART_CAP) -> list[str]:
    """Filled cells (value, inline string or formula) outside `allowed`, at most `limit`, in file order."""
    return scan_sheet(archive, part, allowed, limit, cap, stop_at_limit=True).outside


def scan_chunks(chunks: Iterable[bytes], part: str, allowed: Sequence[Rect] = (), limit: int = 100,
                stop_at_limit: bool = False, collect_formulas: bool = False) -> SheetScan:
    """The general path of scan_sheet: expat over the part's bytes, element names matched without prefix."""
    state = _SheetState(part, tuple(allowed), limit, stop_at_limit, collect_formulas)
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = state.doctype
    parser.EntityDeclHandler = state.doctype
    parser.ExternalEntityRefHandler = state.doctype
    parser.StartElementHandler = state.start
    parser.EndElementHandler = state.end
    if collect_formulas:
        parser.CharacterDataHandler = state.text
        parser.buffer_text = True
    try:
        for chunk in chunks:
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except _LimitReached:
        pass
    except expat.ExpatError as exc:
        raise XmlMalformed(part, f"malformed XML ({str(exc)[:160]})") from None
    return state.result()


class _LimitReached(Exception):
    pass


class _SheetState:
    """expat callbacks for scan_sheet; element names are matched without their prefix."""

    def __init__(self, part: str, allowed: tuple[Rect, ...], limit: int, stop_at_limit: bool,
                 collect_formulas: bool = False) -> None:
        self.part = part
        self.collect_formulas = collect_formulas
        self.formula_cells: dict[str, FormulaCell] = {}
        self.formula_attrs: dict[str, str] | None = None
        self.formula_text: list[str] | None = None
        self.formula_done = ""
        self.cell_has_value = False
        self.in_value = False
        self.allowed = allowed
        self.limit = limit
        self.stop_at_limit = stop_at_limit
        self.dimension: str | None = None
        self.protection: dict[str, str] | None = None
        self.cells = self.filled = self.formulas = 0
        self.outside: list[str] = []
        self.truncated = False
        self.row = 0
        self.col = 0
        self.in_cell = False
        self.cell_filled = False
        self.cell_formula = False
        self.extent: list[int] | None = None
        self.unreadable = 0
        self.first_unreadable = ""

    def doctype(self, *_args: object) -> None:
        raise XmlUnsafe(self.part, "DTD or entity")

    # start/end run for every element (thousands per sheet): cheapest tests first, no helper calls.

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if ":" in name:
            name = name.rpartition(":")[2]
        if name == "c":
            self.cells += 1
            self.in_cell = True
            self.cell_filled = self.cell_formula = self.cell_has_value = False
            self.formula_attrs = None
            ref = attrs.get("r")
            position = parse_ref(ref) if ref else None
            if position is not None:
                self.row, self.col = position
                return
            if ref:
                self.unreadable += 1
                self.first_unreadable = self.first_unreadable or ref[:40]
            self.col += 1  # r is optional: the cell follows the previous one
        elif self.in_cell and (name == "v" or name == "is"):
            self.cell_filled = True
            self.in_value = name == "v"
        elif self.in_cell and name == "f":
            self.cell_filled = self.cell_formula = True
            if self.collect_formulas:
                self.formula_attrs = dict(attrs)
                self.formula_text = []
        elif name == "row":
            r = attrs.get("r", "")
            self.row = int(r) if r.isdigit() and len(r) <= 7 else self.row + 1
            self.col = 0
        elif name == "dimension":
            self.dimension = attrs.get("ref")
        elif name == "sheetProtection":
            self.protection = dict(attrs)

    def text(self, data: str) -> None:
        if self.formula_text is not None:
            self.formula_text.append(data)
        elif self.in_value and data.strip():
            self.cell_has_value = True  # openpyxl writes an empty <v/> after a formula: no cached result

    def end(self, name: str) -> None:
        if ":" in name:
            name = name.rpartition(":")[2]
        if name == "c":
            self._end_cell()
        elif name == "v":
            self.in_value = False
        elif name == "f" and self.formula_text is not None:
            self.formula_done = "".join(self.formula_text)
            self.formula_text = None

    def _end_cell(self) -> None:
        self.in_cell = False
        if not self.cell_filled:
            return
        self.filled += 1
        self.formulas += self.cell_formula
        row, col = self.row, self.col
        if self.cell_formula and self.formula_attrs is not None:
            attrs = self.formula_attrs
            shared = attrs.get("t") == "shared"
            self.formula_cells[cell_name(row, col)] = FormulaCell(
                text=self.formula_done, shared_index=attrs.get("si") if shared else None,
                shared_ref=attrs.get("ref") if shared else None, array=attrs.get("t") == "array",
                has_value=self.cell_has_value)
            self.formula_done = ""
        e = self.extent
        if e is None:
            self.extent = [row, col, row, col]
        else:
            if row < e[0]:
                e[0] = row
            elif row > e[2]:
                e[2] = row
            if col < e[1]:
                e[1] = col
            elif col > e[3]:
                e[3] = col
        for r1, c1, r2, c2 in self.allowed:
            if r1 <= row <= r2 and c1 <= col <= c2:
                return
        if len(self.outside) < self.limit:
            self.outside.append(cell_name(row, col))
        else:
            self.truncated = True
            if self.stop_at_limit:
                raise _LimitReached

    def result(self) -> SheetScan:
        return SheetScan(part=self.part, dimension=self.dimension, protection=self.protection,
                         cells=self.cells, filled=self.filled, formulas=self.formulas,
                         extent=tuple(self.extent) if self.extent else None,
                         outside=self.outside, outside_truncated=self.truncated,
                         unreadable_refs=self.unreadable, first_unreadable_ref=self.first_unreadable,
                         formula_cells=self.formula_cells)
