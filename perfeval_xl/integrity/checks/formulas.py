"""Formula cells: still formulas, and the same formulas once normalised.

The reference is the register's normalised formula text when collecting, else the
issued layout's. A formula cell without `<f>` now holds a value (FORMULA_REPLACED,
with the value it holds); a formula whose normal form differs, or that cannot be
read, was altered (FORMULA_CHANGED). Shared formulas are expanded from their master
first. Cached results are not judged here: recomputation compares them.
"""

from __future__ import annotations

from functools import lru_cache

from collections.abc import Mapping

from perfeval_xl.findings import Finding, finding
from perfeval_xl.intake.cellref import parse_ref
from perfeval_xl.intake.checks.context import CheckContext
from perfeval_xl.intake.xmlparts import FormulaCell
from perfeval_xl.integrity.checks.issued import issued_for
from perfeval_xl.integrity.checks.sheetmap import issued_pairing
from perfeval_xl.integrity.checks.values import shown
from perfeval_xl.integrity.formula_norm import FormulaSyntaxError, normalise_formula
from perfeval_xl.integrity.formula_shift import shift_formula
from perfeval_xl.integrity.issue import formula_texts
from perfeval_xl.layout.contract import Role, WorkbookLayout

SharedMasters = dict[str, tuple[int, int, str]]  # shared index → (row, col, master text)


def check_formulas(ctx: CheckContext) -> list[Finding]:
    """Every issued formula cell that now holds a value or another formula."""
    issued = issued_for(ctx)
    if issued is None:
        return []
    expected = issued.registered_formulas or formula_texts(issued.layout)
    written = _written(issued.layout)
    pairing = issued_pairing(ctx, issued)
    masters: dict[str, SharedMasters] = {}
    out: list[Finding] = []
    for key, normal in expected.items():
        sheet_name, _, ref = key.rpartition("!")
        sheet = pairing.by_expected.get(sheet_name)
        if sheet is None:
            continue
        issued_text = written.get(sheet_name, {}).get(ref)
        stored = sheet.formulas.get(ref)
        if stored is None:
            position = parse_ref(ref)
            value = sheet.value(*position) if position else None
            out.append(finding("FORMULA_REPLACED", ctx.at(sheet_name, ref), sheet=sheet_name, cell=ref,
                               expected=issued_text or normal, found=shown(value)))
            continue
        if sheet_name not in masters:
            masters[sheet_name] = shared_masters(sheet.formulas)
        text = formula_text(ref, stored, masters[sheet_name])
        if text is None or (text != issued_text and not _same(normal, text)):
            out.append(finding("FORMULA_CHANGED", ctx.at(sheet_name, ref), sheet=sheet_name, cell=ref,
                               expected=issued_text or normal, found=text if text is not None else "（无法读取的共享公式）"))
    return out


def _written(layout: WorkbookLayout) -> dict[str, dict[str, str]]:
    """Per sheet, each formula cell's formula as the layout writes it, without its "=" (keyed by the
    layout's own strings: no 'sheet!A1' text made for every cell of every file)."""
    formula = Role.FORMULA
    return {s.name: {c.ref: (c.formula or "").removeprefix("=") for c in s.cells if c.role is formula}
            for s in layout.sheets}


def shared_masters(formulas: Mapping[str, FormulaCell]) -> SharedMasters:
    """The master (the cell holding the text) of each shared formula of a sheet."""
    out: SharedMasters = {}
    for ref, cell in formulas.items():
        position = parse_ref(ref)
        if cell.shared_index is not None and cell.text and position is not None:
            out.setdefault(cell.shared_index, (position[0], position[1], cell.text))
    return out


def formula_text(ref: str, cell: FormulaCell, masters: SharedMasters) -> str | None:
    """The formula `cell` means: its own text, or its shared master's moved to `ref`; None if unreadable."""
    if cell.text or cell.shared_index is None:
        return cell.text
    master = masters.get(cell.shared_index)
    position = parse_ref(ref)
    if master is None or position is None:
        return None
    try:
        return shift_formula(master[2], position[0] - master[0], position[1] - master[1])
    except FormulaSyntaxError:
        return None


# Returns share formula texts across files (same rules, same rows): normalise each text once per worker.
_normalised = lru_cache(maxsize=1 << 16)(normalise_formula)


def _same(normal: str, actual: str) -> bool:
    try:
        return _normalised(actual) == normal
    except FormulaSyntaxError:
        return False
