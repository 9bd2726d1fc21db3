"""The tamper matrix: every scenario made with openpyxl AND by editing the XML, checked as
`perfeval check` does (public key, expected batch and year, no register) AND as `collect`
does (the register entry), each detected with the code of its class.

For each case: every code in `expect` is found; nothing is found outside
expect | allow (openpyxl saves add RESAVED_ELSEWHERE); the worst severity is `severity`.

| scenario | source | expect (class codes) | severity |
|---|---|---|---|
| target_text | signed | LOCKED_CELL_CHANGED, SIGNATURE_INVALID | reject |
| target_on_targets_sheet | signed | LOCKED_CELL_CHANGED, SIGNATURE_INVALID | reject |
| weight | signed | LOCKED_CELL_CHANGED, SIGNATURE_INVALID | reject |
| indicator_name | signed | LOCKED_CELL_CHANGED, SIGNATURE_INVALID | reject |
| homoglyph_cyrillic_o | signed | LOCKED_CELL_CHANGED, SIGNATURE_INVALID | reject |
| fullwidth_digits | signed | LOCKED_CELL_CHANGED, SIGNATURE_INVALID | reject |
| formula_to_value | signed | FORMULA_REPLACED | reject |
| formula_altered | signed | FORMULA_CHANGED | reject |
| formula_in_locked_cell | signed | LOCKED_CELL_CHANGED, SIGNATURE_INVALID | reject |
| rows_inserted | signed | LOCKED_CELL_CHANGED, SIGNATURE_INVALID | reject |
| sheet_renamed | signed | SHEET_RENAMED, SIGNATURE_INVALID | reject |
| sheet_added | signed | SHEET_ADDED | reject |
| sheet_removed | signed | SHEET_REMOVED, SIGNATURE_INVALID | reject |
| signature_edited | signed | SIGNATURE_INVALID | reject |
| signature_removed | signed | SIGNATURE_MISSING | reject |
| signature_transplanted | signed | SIGNATURE_INVALID | reject |
| downgraded_to_unsigned | signed | SIGNATURE_MISSING | reject |
| meta_project_id | signed | LOCKED_CELL_CHANGED, SIGNATURE_INVALID | reject |
| meta_year | signed | WRONG_PERIOD, LOCKED_CELL_CHANGED, SIGNATURE_INVALID | reject |
| last_years_file | old | WRONG_PERIOD, WRONG_BATCH, SIGNATURE_UNKNOWN_KEY | reject |
| another_key | foreign | SIGNATURE_UNKNOWN_KEY | reject |
| vba_added | signed | VBA_UNEXPECTED | reject |
| definition_edited | signed | SIGNATURE_INVALID | reject |
| definition_bomb | signed | check: ISSUE_DEFINITION_UNREADABLE; collect: LOCKED_CELL_CHANGED, SIGNATURE_INVALID | reject |
| unsigned_target_and_definition | unsigned | LOCKED_CELL_CHANGED (collect only) | reject |
| sheet_protection_removed | signed | SHEET_PROTECTION_REMOVED | warning |
| workbook_protection_removed | signed | WORKBOOK_PROTECTION_REMOVED | warning |
| meta_unhidden | signed | SHEET_VISIBILITY_CHANGED | warning |

(The `allow` column in SCENARIOS lists the further codes a case may show, e.g. a
formula check noticing shifted rows.)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from openpyxl import Workbook

from perfeval_xl.findings import Finding
from tests.integrity import xmledit
from tests.integrity.conftest import Batches
from tests.integrity.forms import Issued, findings
from tests.integrity.tampering import (
    META,
    SCORING,
    TARGETS,
    by_openpyxl,
    by_xml,
    definition_bomb,
    edited_definition,
    edited_signature,
    meta_row,
    meta_value,
)

LOCKED, SIG_INVALID = "LOCKED_CELL_CHANGED", "SIGNATURE_INVALID"
FORMULAS = frozenset({"FORMULA_REPLACED", "FORMULA_CHANGED"})
HOMOGLYPH = "jixiao@example.gov.cn"


@dataclass(frozen=True)
class Scenario:
    name: str
    openpyxl: Callable[[Workbook, Path, Batches], None] | None  # edit the loaded workbook
    xml: Callable[[Path, Path, Batches], Path]  # (source, destination, batches) → destination
    expect: frozenset[str]
    severity: str = "reject"
    allow: frozenset[str] = frozenset()
    source: str = "signed"
    modes: tuple[str, ...] = ("check", "collect")
    expect_by_mode: dict[str, frozenset[str]] = field(default_factory=dict)
    vba: bool = False


def _cell(sheet: str, ref: str, value: object) -> Callable[[Workbook, Path, Batches], None]:
    def edit(wb: Workbook, src: Path, b: Batches) -> None:
        wb[sheet][ref] = value
    return edit


def _xml_cell(sheet: str, ref: str, value: str | int) -> Callable[[Path, Path, Batches], Path]:
    return lambda src, dst, b: by_xml(src, dst, {sheet: lambda x: xmledit.set_cell(x, ref, value)})


def _meta_cell(key: str, value: str) -> tuple[Callable[[Workbook, Path, Batches], None],
                                              Callable[[Path, Path, Batches], Path]]:
    def edit(wb: Workbook, src: Path, b: Batches) -> None:
        wb[META].cell(meta_row(src, key), 2).value = value

    def xml(src: Path, dst: Path, b: Batches) -> Path:
        return by_xml(src, dst, {META: lambda x: xmledit.set_cell(x, f"B{meta_row(src, key)}", value)})
    return edit, xml


def _signature(value: Callable[[str, Batches], str | None]) -> tuple[Callable[[Workbook, Path, Batches], None],
                                                                     Callable[[Path, Path, Batches], Path]]:
    """Set (or with None remove) the signature in _meta and in the document property."""
    def edit(wb: Workbook, src: Path, b: Batches) -> None:
        row = meta_row(src, "signature")
        new = value(meta_value(src, "signature"), b)
        wb[META].cell(row, 2).value = new
        if new is None:
            wb[META].cell(row, 1).value = None
            del wb.custom_doc_props["perfeval_signature"]
        else:
            wb.custom_doc_props["perfeval_signature"].value = new

    def xml(src: Path, dst: Path, b: Batches) -> Path:
        row = meta_row(src, "signature")
        new = value(meta_value(src, "signature"), b)
        sheet_edit = ((lambda x: xmledit.drop_row(x, row)) if new is None
                      else (lambda x: xmledit.set_cell(x, f"B{row}", new)))
        return by_xml(src, dst, {META: sheet_edit},
                      {"docProps/custom.xml": lambda x: xmledit.set_property(x, "perfeval_signature", new)})
    return edit, xml


def _downgrade_openpyxl(wb: Workbook, src: Path, b: Batches) -> None:
    _signature(lambda text, b: None)[0](wb, src, b)
    wb[META].cell(meta_row(src, "key_id"), 2).value = None
    wb.custom_doc_props["perfeval_key_id"].value = ""


def _downgrade_xml(src: Path, dst: Path, b: Batches) -> Path:
    sig, key = meta_row(src, "signature"), meta_row(src, "key_id")
    return by_xml(src, dst, {META: lambda x: xmledit.set_cell(xmledit.drop_row(x, sig), f"B{key}", "")},
                  {"docProps/custom.xml": lambda x: xmledit.set_property(
                      xmledit.set_property(x, "perfeval_signature", None), "perfeval_key_id", "")})


def _rows_inserted_openpyxl(wb: Workbook, src: Path, b: Batches) -> None:
    wb[SCORING].insert_rows(8)


def _sheet_renamed_openpyxl(wb: Workbook, src: Path, b: Batches) -> None:
    wb[TARGETS].title = "绩效目标表"


def _sheet_added_openpyxl(wb: Workbook, src: Path, b: Batches) -> None:
    wb.create_sheet("补充说明")["A1"] = "备注"


def _sheet_removed_openpyxl(wb: Workbook, src: Path, b: Batches) -> None:
    del wb["评价人员"]


def _unprotect_openpyxl(wb: Workbook, src: Path, b: Batches) -> None:
    wb[SCORING].protection.sheet = False


def _unlock_structure_openpyxl(wb: Workbook, src: Path, b: Batches) -> None:
    wb.security.lockStructure = False


def _unhide_openpyxl(wb: Workbook, src: Path, b: Batches) -> None:
    wb[META].sheet_state = "visible"


def _definition_edits(src: Path) -> tuple[list[tuple[int, str]], list[tuple[str, str, str]]]:
    """(_meta rows and new chunks, visible cells and new values) of a consistent target change."""
    chunks = edited_definition(src, "S002-02", "≥90%")
    rows = [(meta_row(src, f"definition_{i}"), chunk) for i, chunk in enumerate(chunks, start=1)]
    return rows, [(SCORING, "D8", "≥90%"), (TARGETS, "C5", "≥90%")]


def _definition_openpyxl(wb: Workbook, src: Path, b: Batches) -> None:
    rows, cells = _definition_edits(src)
    for row, chunk in rows:
        wb[META].cell(row, 2).value = chunk
    for sheet, ref, value in cells:
        wb[sheet][ref] = value


def _definition_xml(src: Path, dst: Path, b: Batches) -> Path:
    rows, cells = _definition_edits(src)

    def meta(x: str) -> str:
        for row, chunk in rows:
            x = xmledit.set_cell(x, f"B{row}", chunk)
        return x
    return by_xml(src, dst, {META: meta, SCORING: lambda x: xmledit.set_cell(x, "D8", "≥90%"),
                             TARGETS: lambda x: xmledit.set_cell(x, "C5", "≥90%")})


def _transplant(text: str, b: Batches) -> str:
    return meta_value(b.signed.paths["S000"], "signature")


SCENARIOS = [
    Scenario("target_text", _cell(SCORING, "D8", "≥95%"), _xml_cell(SCORING, "D8", "≥95%"),
             frozenset({LOCKED, SIG_INVALID})),
    Scenario("target_on_targets_sheet", _cell(TARGETS, "C5", "≥95%"), _xml_cell(TARGETS, "C5", "≥95%"),
             frozenset({LOCKED, SIG_INVALID})),
    Scenario("weight", _cell(SCORING, "F8", 20), _xml_cell(SCORING, "F8", 20), frozenset({LOCKED, SIG_INVALID})),
    Scenario("indicator_name", _cell(SCORING, "C8", "系统功能达标率（核心）"),
             _xml_cell(SCORING, "C8", "系统功能达标率（核心）"), frozenset({LOCKED, SIG_INVALID})),
    Scenario("homoglyph_cyrillic_o",
             _cell("填表说明", "A4", f"联系方式：预算绩效管理科，0898-00000000，{HOMOGLYPH.replace('o', 'о', 1)}"),
             _xml_cell("填表说明", "A4", f"联系方式：预算绩效管理科，0898-00000000，{HOMOGLYPH.replace('o', 'о', 1)}"),
             frozenset({LOCKED, SIG_INVALID})),
    Scenario("fullwidth_digits", _cell(SCORING, "D8", "≥９８%"), _xml_cell(SCORING, "D8", "≥９８%"),
             frozenset({LOCKED, SIG_INVALID})),
    Scenario("formula_to_value", _cell(SCORING, "H7", 15),
             lambda src, dst, b: by_xml(src, dst, {SCORING: lambda x: xmledit.drop_formula(x, "H7")}),
             frozenset({"FORMULA_REPLACED"})),
    Scenario("formula_altered", _cell(SCORING, "H7", "=F7"),
             lambda src, dst, b: by_xml(src, dst, {SCORING: lambda x: xmledit.set_formula(x, "H7", "F7")}),
             frozenset({"FORMULA_CHANGED"})),
    Scenario("formula_in_locked_cell", _cell(SCORING, "F8", "=10+10"),
             lambda src, dst, b: by_xml(src, dst, {SCORING: lambda x: xmledit.set_formula_cell(x, "F8", "10+10", 20)}),
             frozenset({LOCKED}), allow=frozenset({SIG_INVALID})),
    Scenario("rows_inserted", _rows_inserted_openpyxl,
             lambda src, dst, b: by_xml(src, dst, {SCORING: lambda x: xmledit.shift_rows(x, 8)}),
             frozenset({LOCKED, SIG_INVALID}), allow=FORMULAS),
    Scenario("sheet_renamed", _sheet_renamed_openpyxl,
             lambda src, dst, b: by_xml(src, dst, parts={
                 "xl/workbook.xml": lambda x: xmledit.rename_sheet(x, TARGETS, "绩效目标表")}),
             frozenset({"SHEET_RENAMED", SIG_INVALID})),
    Scenario("sheet_added", _sheet_added_openpyxl,
             lambda src, dst, b: xmledit.add_sheet(by_xml(src, dst.with_suffix(".tmp.xlsx")), dst, "补充说明"),
             frozenset({"SHEET_ADDED"})),
    Scenario("sheet_removed", _sheet_removed_openpyxl,
             lambda src, dst, b: xmledit.remove_sheet(by_xml(src, dst.with_suffix(".tmp.xlsx")), dst, "评价人员"),
             frozenset({"SHEET_REMOVED", SIG_INVALID})),
    Scenario("signature_edited", *_signature(lambda text, b: edited_signature(text)), frozenset({SIG_INVALID})),
    Scenario("signature_removed", *_signature(lambda text, b: None), frozenset({"SIGNATURE_MISSING"}),
             allow=frozenset({LOCKED})),
    Scenario("signature_transplanted", *_signature(_transplant), frozenset({SIG_INVALID})),
    Scenario("downgraded_to_unsigned", _downgrade_openpyxl, _downgrade_xml, frozenset({"SIGNATURE_MISSING"}),
             allow=frozenset({LOCKED})),
    Scenario("meta_project_id", *_meta_cell("project_id", "S000"), frozenset({LOCKED, SIG_INVALID})),
    Scenario("meta_year", *_meta_cell("year", "2023"), frozenset({"WRONG_PERIOD", LOCKED, SIG_INVALID})),
    Scenario("last_years_file", None, lambda src, dst, b: by_xml(src, dst),
             frozenset({"WRONG_PERIOD", "WRONG_BATCH", "SIGNATURE_UNKNOWN_KEY"}), source="old",
             allow=frozenset({LOCKED}) | FORMULAS),
    Scenario("another_key", None, lambda src, dst, b: by_xml(src, dst), frozenset({"SIGNATURE_UNKNOWN_KEY"}),
             source="foreign", allow=frozenset({LOCKED})),
    Scenario("vba_added", None, lambda src, dst, b: xmledit.add_vba(by_xml(src, dst.with_suffix(".tmp.xlsx")), dst),
             frozenset({"VBA_UNEXPECTED"}), vba=True),
    Scenario("definition_edited", _definition_openpyxl, _definition_xml, frozenset({SIG_INVALID}),
             allow=frozenset({LOCKED}) | FORMULAS),
    Scenario("definition_bomb", *_meta_cell("definition_1", definition_bomb()), frozenset(),
             expect_by_mode={"check": frozenset({"ISSUE_DEFINITION_UNREADABLE"}),
                             "collect": frozenset({LOCKED, SIG_INVALID})}),
    Scenario("unsigned_target_and_definition", _definition_openpyxl, _definition_xml, frozenset({LOCKED}),
             source="unsigned", modes=("collect",), allow=FORMULAS | {"SIGNATURE_NOT_REQUIRED"}),
    Scenario("sheet_protection_removed", _unprotect_openpyxl,
             lambda src, dst, b: by_xml(src, dst, {SCORING: lambda x: xmledit.drop_element(x, "sheetProtection")}),
             frozenset({"SHEET_PROTECTION_REMOVED"}), severity="warning"),
    Scenario("workbook_protection_removed", _unlock_structure_openpyxl,
             lambda src, dst, b: by_xml(src, dst, parts={
                 "xl/workbook.xml": lambda x: xmledit.drop_element(x, "workbookProtection")}),
             frozenset({"WORKBOOK_PROTECTION_REMOVED"}), severity="warning"),
    Scenario("meta_unhidden", _unhide_openpyxl,
             lambda src, dst, b: by_xml(src, dst, parts={
                 "xl/workbook.xml": lambda x: x.replace('state="veryHidden" ', "", 1)}),
             frozenset({"SHEET_VISIBILITY_CHANGED"}), severity="warning"),
]


def _issued(batches: Batches, scenario: Scenario) -> Issued:
    return getattr(batches, scenario.source)


def _make(scenario: Scenario, tool: str, batches: Batches, out: Path) -> Path:
    src = _issued(batches, scenario).paths["S002"]
    if tool == "xml":
        return scenario.xml(src, out, batches)
    if scenario.openpyxl is None:
        vba = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 if scenario.vba else None
        return by_openpyxl(src, out.with_suffix(".xlsm") if vba else out, vba=vba)
    return by_openpyxl(src, out, lambda wb: scenario.openpyxl(wb, src, batches))  # type: ignore[misc]


def _run(path: Path, mode: str, batches: Batches, scenario: Scenario) -> list[Finding]:
    keys = batches.signed.keys if scenario.source != "unsigned" else {}
    register = batches.signed.entries["S002"] if scenario.source != "unsigned" else batches.unsigned.entries["S002"]
    if mode == "check":
        return findings(path, keys=keys)
    return findings(path, keys=keys, register=register)


CASES = [pytest.param(s, tool, mode, id=f"{s.name}-{tool}-{mode}")
         for s in SCENARIOS for tool in ("openpyxl", "xml") for mode in s.modes]


def test_matrix_is_large_enough() -> None:
    assert len(SCENARIOS) >= 20
    assert len({s.name for s in SCENARIOS}) == len(SCENARIOS)


@pytest.mark.parametrize(("scenario", "tool", "mode"), CASES)
def test_tamper_is_detected(scenario: Scenario, tool: str, mode: str, batches: Batches, out: Path) -> None:
    path = _make(scenario, tool, batches, out)
    found = _run(path, mode, batches, scenario)
    codes = {f.code for f in found}
    expect = scenario.expect_by_mode.get(mode, scenario.expect)
    allowed = expect | scenario.allow | ({"RESAVED_ELSEWHERE"} if tool == "openpyxl" else set())
    assert expect <= codes, f"missing {expect - codes}; found {sorted(codes)}"
    assert codes <= allowed, f"unexpected {codes - allowed}"
    worst = max(found, key=lambda f: f.severity.rank).severity
    assert worst == scenario.severity, [(f.code, f.severity) for f in found]
