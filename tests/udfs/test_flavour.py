"""Formula flavours in the layout: native output unchanged byte for byte; the xlwings flavour
wraps exactly the cells the engine scores, each around the native formula it would otherwise hold."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from perfeval_xl.layout.contract import Role, WorkbookLayout
from perfeval_xl.layout.flavour import CONFIG_SHEET, ENGINE_NATIVE, ENGINE_PYTHON, NATIVE, XLWINGS, profile_json
from perfeval_xl.udf.cells import profile as read_profile
from tests.support.native_golden import GOLDEN, fingerprints
from tests.support.xlwings_books import Book, books

CALL = re.compile(r"^(IF\(.*,\"\",)?PE_[A-Z_]+\(.*\)\)?$")
# The keys of the cells the engine scores (every other computed cell is plain arithmetic or a reference).
SCORED_KEY = re.compile(r"^(ind:[^:]+:(rate|score)|budget:score|total|grade|fund:[^:]+:execution_rate"
                        r"|budget:execution_rate)$")


def test_native_workbooks_are_unchanged(tmp_path: Path) -> None:
    assert fingerprints(tmp_path) == json.loads(GOLDEN.read_text(encoding="utf-8"))


def formula_cells(layout: WorkbookLayout) -> dict[tuple[str, str], str]:
    return {(s.name, c.ref): c.formula or "" for s in layout.sheets for c in s.cells if c.role is Role.FORMULA}


NA_GUARD = re.compile(r'=IF\([^,]*="不适用","",')


@pytest.mark.parametrize("book", books(), ids=lambda b: b.name)
def test_xlwings_wraps_every_scored_cell_around_its_native_formula(book: Book) -> None:
    native, xlwings = book.layout(NATIVE), book.layout(XLWINGS)
    native_formulas, xlwings_formulas = formula_cells(native), formula_cells(xlwings)
    keys = {(s.name, c.ref): c.key for s in xlwings.sheets for c in s.cells}
    entered = {c.key for s in xlwings.sheets for c in s.cells if c.key and c.key.endswith(":score_input")}
    status = [ref for ref, formula in xlwings_formulas.items() if "PE_ENGINE" in formula]
    assert set(xlwings_formulas) - set(native_formulas) == set(status) and len(status) == 1
    wrapped = set()
    for ref, formula in native_formulas.items():
        got = xlwings_formulas[ref]
        if got == formula:
            continue
        # A 不适用 guard outside both (the budget score follows the choice on the scoring sheet).
        guard = NA_GUARD.match(formula)
        if guard and got.startswith(guard.group(0)):
            formula, got = "=" + formula[guard.end():-1], "=" + got[guard.end():-1]
        # The fallback is the native formula, unchanged.
        assert got.endswith("," + formula[1:] + ")"), got
        call = _call(got, formula)
        assert CALL.match(call), call
        assert got in (XLWINGS.wrap(formula, call), XLWINGS.wrap_choice(formula, call, ["优", "良", "中", "差"]))
        wrapped.add(keys[ref])
    scored = {k for k in keys.values() if k and SCORED_KEY.match(k) and _formula_key(native, k)}
    # Qualitative and direct rows: the validated entered score (the hidden 计分 cell) is scored.
    scored |= {k.replace(":score_input", ":eff") for k in entered}
    scored -= {k for k in scored if k.startswith("ind:BUDGET:")}  # references to the budget sheet
    assert wrapped == scored


def _call(wrapped: str, native: str) -> str:
    head = wrapped[: -len(native)]  # "=IFERROR(1*<call>," or "=IFERROR(INDEX({..},MATCH(<call>,{..},0)),"
    if head.startswith("=IFERROR(1*"):
        return head[len("=IFERROR(1*"):-1]
    return head.split("MATCH(", 1)[1].rsplit(",{", 1)[0]


def _formula_key(layout: WorkbookLayout, key: str) -> bool:
    found = layout.locate(key)
    return found is not None and found[1].role is Role.FORMULA and not found[1].formula.startswith("='")


def test_engine_status_cell() -> None:
    formula = XLWINGS.engine_status()
    assert formula == (f'=IFERROR(IF(1*PE_ENGINE()=1,"{ENGINE_PYTHON}","{ENGINE_NATIVE}"),"{ENGINE_NATIVE}")')
    assert NATIVE.engine_status() is None


def test_config_sheet_and_profile_name() -> None:
    book = next(b for b in books() if b.name == "kinds_filled_provincial")
    layout = book.layout(XLWINGS)
    conf = layout.sheets[-1]
    assert conf.name == CONFIG_SHEET and conf.very_hidden and conf.protect
    values = {c.ref: c.value for c in conf.cells}
    assert values["A1"] == "UDF Modules" and values["B1"] == "perfeval_xl.udfs"
    assert set(values) == {"A1", "B1", "A2", "B2"}  # keys contiguous from A1, values beside them
    assert read_profile(values["B2"]).reverse_variant == "linear"  # what provincial sets
    assert layout.names["PE_PROFILE"] == "'xlwings.conf'!$B$2"
    assert layout.properties["perfeval_formulas"] == "xlwings"
    assert "PE_PROFILE" not in book.layout(NATIVE).names


def test_profile_json_round_trip_keeps_every_option() -> None:
    for book in books():
        parsed = read_profile(profile_json(book.profile))
        assert parsed.model_dump(exclude={"name", "description"}) == book.profile.model_dump(
            exclude={"name", "description"})
