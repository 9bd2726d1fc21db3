"""What a generated workbook holds, read back from its XML: locks, validations,
protection, formulas, functions, _meta, document properties and defined names.

Checked on the sample batch as `perfeval generate` issues it (blank) and on nine
random projects written with their returns (one per framework × profile, two of them
with 40+ indicators).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from perfeval_xl.engine.excel import ALLOWED_FUNCTIONS
from perfeval_xl.layout import a1
from perfeval_xl.layout.build import NAMED_KEYS, build_layout
from perfeval_xl.layout.contract import META_SHEET, InputType, Role, Validation, WorkbookLayout
from perfeval_xl.manifest import load_manifest
from perfeval_xl.writer.generate import generate
from perfeval_xl.layout.definition import PREFIX as DEFINITION_PREFIX
from perfeval_xl.writer.workbook import issued_layout, write_project
from tests.parity.randomized import BATCH, SEED, corpus
from tests.support.xlsx_parts import XlsxParts, XmlValidation

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "manifest.yaml"
STRING = re.compile(r'"(?:[^"]|"")*"')
FUNCTION = re.compile(r"(?<![A-Za-z0-9_.])([A-Za-z_][A-Za-z0-9_.]*)\(")


@dataclass(frozen=True)
class Issued:
    name: str
    path: Path
    parts: XlsxParts
    layout: WorkbookLayout
    tiers: tuple[str, ...]


@pytest.fixture(scope="module")
def issued(tmp_path_factory: pytest.TempPathFactory) -> list[Issued]:
    root = tmp_path_factory.mktemp("structure")
    loaded = load_manifest(SAMPLES)
    batch, profile = loaded.manifest.batch, loaded.profile
    tiers = tuple(t.name for t in profile.qualitative_tiers)
    out = []
    for project, path in zip(loaded.manifest.projects, generate(loaded, root / "samples", workers=1)):
        layout = build_layout(batch, project, profile, loaded.frameworks[project.framework])
        out.append(Issued(project.id, path, XlsxParts(path), layout, tiers))
    for case in corpus(SEED, 9):
        path = root / f"{case.stem}.xlsx"
        write_project(path, BATCH, case.project, case.profile, case.framework, case.inputs)
        layout = issued_layout(BATCH, case.project, case.profile, case.framework)[0]
        tiers = tuple(t.name for t in case.profile.qualitative_tiers)
        out.append(Issued(case.stem, path, XlsxParts(path), layout, tiers))
    return out


def test_unlocked_cells_are_exactly_the_layouts_inputs(issued: list[Issued]) -> None:
    for book in issued:
        for sheet in book.layout.sheets:
            inputs = {c.ref for c in sheet.cells if c.role is Role.INPUT}
            assert book.parts.unlocked(sheet.name) == inputs, f"{book.name} {sheet.name}"
        assert any(c.role is Role.INPUT for s in book.layout.sheets for c in s.cells)


def expected_validation(v: Validation) -> tuple[str, str, str | None, str | None]:
    """(type, operator, formula1, formula2) the declared input type calls for."""
    if v.type in (InputType.NUMBER, InputType.PERCENT, InputType.MONEY):
        return "decimal", "greaterThanOrEqual", "0", None
    if v.type is InputType.SCORE:  # between 0 and the row's weight cell
        return "decimal", "between", "0", v.maximum_cell
    if v.type is InputType.EVALUATOR_SCORE:
        return "decimal", "between", "0", "100"
    if v.type is InputType.TIER_SCORE:
        return "custom", "between", v.formula, None
    if v.type is InputType.CHOICE:
        return "list", "between", '"' + ",".join(v.choices) + '"', None
    assert v.type is InputType.TEXT
    return "textLength", "lessThanOrEqual", str(v.max_length), None


def test_every_input_carries_the_validation_of_its_type(issued: list[Issued]) -> None:
    seen_types: set[InputType] = set()
    for book in issued:
        for sheet in book.layout.sheets:
            found: dict[str, list[XmlValidation]] = {}
            for v in book.parts.validations(sheet.name):
                found.setdefault(v.ref, []).append(v)
            inputs = {c.ref: c for c in sheet.cells if c.role is Role.INPUT}
            assert set(found) == set(inputs), f"{book.name} {sheet.name}: validations off the inputs"
            for ref, cell in inputs.items():
                [v] = found[ref]
                where = f"{book.name} {sheet.name}!{ref} ({cell.key})"
                assert (v.type, v.operator, v.formula1, v.formula2) == expected_validation(cell.validation), where
                if cell.validation.type is InputType.SCORE:
                    weight = next(c for c in sheet.cells if c.ref == v.formula2)
                    assert weight.role is Role.DATA and weight.value == cell.validation.maximum, where
                if cell.key.endswith(":tier"):
                    assert len(book.tiers) == 3 and cell.validation.choices == book.tiers, where
                seen_types.add(cell.validation.type)
    assert seen_types == set(InputType)


def test_every_sheet_and_the_structure_are_protected(issued: list[Issued]) -> None:
    for book in issued:
        assert [s.name for s in book.layout.sheets] == list(book.parts.sheet_parts)
        for name in book.parts.sheet_parts:
            protection = book.parts.protection(name)
            assert protection is not None and protection.get("sheet") == "1", f"{book.name} {name}"
        assert (book.parts.workbook_protection or {}).get("lockStructure") == "1", book.name


def test_formula_cells_hold_exactly_the_builders_formulas(issued: list[Issued]) -> None:
    for book in issued:
        for sheet in book.layout.sheets:
            written = {c.ref: "=" + c.formula for c in book.parts.cells(sheet.name) if c.formula is not None}
            declared = {c.ref: c.formula for c in sheet.cells if c.role is Role.FORMULA}
            assert written == declared, f"{book.name} {sheet.name}"


def functions_in(formula: str) -> set[str]:
    return {name.upper() for name in FUNCTION.findall(STRING.sub('""', formula))}


def test_formulas_use_only_functions_every_spreadsheet_knows(issued: list[Issued]) -> None:
    used: set[str] = set()
    for book in issued:
        for name in book.parts.sheet_parts:
            texts = [c.formula for c in book.parts.cells(name) if c.formula is not None]
            texts += book.parts.conditional_formulas(name)
            texts += [v.formula1 or "" for v in book.parts.validations(name) if v.type == "custom"]
            for text in texts:
                assert "_xlfn" not in text and "_xlws" not in text, text
                found = functions_in(text)
                assert found <= ALLOWED_FUNCTIONS, f"{book.name} {name}: {sorted(found - ALLOWED_FUNCTIONS)} in {text}"
                used |= found
    assert {"IF", "ROUND", "SUM", "SUMPRODUCT", "ISNUMBER", "ISBLANK", "MIN", "MAX", "AND", "OR"} <= used
    assert functions_in('IF(A1="SUM(",ROUND(B1,2),xlfn.IFS(1))') == {"IF", "ROUND", "XLFN.IFS"}


def test_meta_is_very_hidden_and_mirrored_in_document_properties(issued: list[Issued]) -> None:
    for book in issued:
        states = book.parts.sheet_states
        assert states.pop(META_SHEET) == "veryHidden", book.name
        assert set(states.values()) == {"visible"}, book.name
        data = CalamineWorkbook.from_path(str(book.path)).get_sheet_by_name(META_SHEET).to_python()
        meta = {str(key): "" if value is None else str(value) for key, value in data}
        assert meta["project_id"] == book.layout.project_id
        # The definition is long and lives in _meta only; every short fact is mirrored.
        facts = {k: v for k, v in meta.items() if not k.startswith(DEFINITION_PREFIX)}
        assert book.parts.custom_properties == {f"perfeval_{k}": v for k, v in facts.items()}, book.name


def test_defined_names_point_at_their_cells(issued: list[Issued]) -> None:
    for book in issued:
        names = {k: v for k, v in book.parts.defined_names.items() if not k.startswith("_xlnm.")}  # print titles
        assert names == book.layout.names, book.name
        assert {"PE_TOTAL", "PE_UNFILLED", "PE_FORM_VERSION", "PE_PROJECT_ID", "PE_BATCH_ID"} <= set(names)
        for name, key in NAMED_KEYS.items():
            found = book.layout.locate(key)
            if found is None:
                assert name not in names, (book.name, name)
                continue
            sheet, cell = found
            assert names[name] == a1.qualified(sheet, a1.absolute(cell.ref)), (book.name, name)
        total_sheet, total = book.layout.locate("total")
        assert any(c.ref == total.ref and c.formula for c in book.parts.cells(total_sheet)), book.name
