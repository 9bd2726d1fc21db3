"""Small tests of the integrity checks' parts and of the cases the matrix does not cover."""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

import pytest

from perfeval_xl.findings import Severity
from perfeval_xl.intake.models import GateResult
from perfeval_xl.intake.reader import SheetRead, WorkbookRead
from perfeval_xl.layout.feedback_sheet import FEEDBACK_PROPERTY, FEEDBACK_PROPERTY_VALUE, FEEDBACK_TITLE
from perfeval_xl.intake.bind import read_returned
from perfeval_xl.intake.xmlparts import WorkbookXml
from perfeval_xl.integrity.checks.sheetmap import pair_sheets
from perfeval_xl.integrity.checks.signals import saved_elsewhere
from perfeval_xl.integrity.checks.values import difference, same, shown
from perfeval_xl.integrity.formula_shift import shift_formula
from perfeval_xl.integrity.vba import vba_project_hash
from perfeval_xl.layout.context import FEEDBACK_SHEET
from perfeval_xl.layout.definition import decode
from tests.integrity import xmledit
from tests.integrity.conftest import Batches
from tests.integrity.forms import findings, with_vba
from tests.integrity.tampering import META, SCORING, by_xml, definition_bomb, meta_row

# --- values ---------------------------------------------------------------------------

def test_values_compare_exactly_after_nfc() -> None:
    assert same("Caf\u00e9", "Cafe\u0301")  # NFD spelling of the same text
    assert not same("jixiao", "jixiа" + "o")  # Cyrillic а
    assert not same("≥98%", "≥９８%")  # full-width digits
    assert not same("15", Decimal(15)) and not same(True, Decimal(1))
    assert same(Decimal("15"), Decimal("15.0")) and same(None, "") and same(15, Decimal("15"))


def test_difference_names_the_character() -> None:
    zh, en = difference("jixiao@x", "jixiaо@x")
    assert "第 6 个字符" in zh and "U+006F LATIN SMALL LETTER O" in zh and "U+043E CYRILLIC SMALL LETTER O" in zh
    assert "Character 6" in en
    zh, _ = difference("≥98%", "≥９８%")
    assert "全角" in zh
    zh, _ = difference("abc", "abc ")
    assert "文本结束" in zh and "U+0020 SPACE" in zh
    assert difference("15", Decimal(15))[0].startswith("类型不同")
    assert difference(Decimal(1), Decimal(2)) == ("", "")


def test_shown_cuts_long_text() -> None:
    assert shown(Decimal("15.0")) == "15" and shown(None) == ""
    assert shown("x" * 500).endswith("（共 500 字）")


# --- shared formulas ------------------------------------------------------------------

@pytest.mark.parametrize(("formula", "rows", "cols", "expected"), [
    ("H6", 1, 0, "H7"),
    ("=$F$2*E7+SUM(A:B)", 2, 1, "$F$2*F9+SUM(B:C)"),
    ("SUM($3:4)", 1, 0, "SUM($3:5)"),
    ("'预算执行'!C$5+\"A1\"", 3, 2, "'预算执行'!E$5+\"A1\""),
    ("A1-1", -1, 0, "#REF!-1"),
])
def test_shift_formula(formula: str, rows: int, cols: int, expected: str) -> None:
    assert shift_formula(formula, rows, cols) == expected


def test_a_shared_formula_altered_at_its_master_is_found(batches: Batches, out: Path) -> None:
    def shared(xml: str) -> str:
        xml = xml.replace("<f>H6</f>", '<f t="shared" ref="K6:K10" si="0">H6+1</f>', 1)
        for row in (7, 8, 9, 10):
            xml = xml.replace(f"<f>H{row}</f>", '<f t="shared" si="0"/>', 1)
        return xml
    found = findings(by_xml(batches.signed.paths["S002"], out, {SCORING: shared}), keys=batches.signed.keys)
    assert {(f.code, f.location.cell) for f in found} == {("FORMULA_CHANGED", f"K{r}") for r in range(6, 11)}
    assert {f.params["found"] for f in found} == {f"H{r}+1" for r in range(6, 11)}


# --- sheets ---------------------------------------------------------------------------

def _read(*names: str, values: dict[str, dict[tuple[int, int], object]] | None = None) -> WorkbookRead:
    sheets = [SheetRead(n, "visible", f"xl/worksheets/sheet{i}.xml", values=(values or {}).get(n, {}))  # type: ignore[arg-type]
              for i, n in enumerate(names, start=1)]
    return WorkbookRead(path="x.xlsx", gate=GateResult(path="x.xlsx"), sheets=sheets)


def test_pairing_renamed_added_removed() -> None:
    pairing = pair_sheets(["A", "B", "C"], _read("A", "B2", "C", "D"))
    assert pairing.renamed == [("B", "B2")] and pairing.added == ["D"] and pairing.removed == []
    pairing = pair_sheets(["A", "B", "C"], _read("A", "X", "Y"))
    assert pairing.renamed == [("B", "X"), ("C", "Y")] and not pairing.added and not pairing.removed
    pairing = pair_sheets(["A", "B", "C"], _read("A", "C"))
    assert pairing.removed == ["B"] and not pairing.renamed
    assert pair_sheets(["A"], _read("A")).by_expected["A"] is not None


def test_feedback_sheet_needs_its_marker() -> None:
    assert pair_sheets(["A"], _read("A", FEEDBACK_SHEET)).added == [FEEDBACK_SHEET]
    marked = _read("A", FEEDBACK_SHEET, values={FEEDBACK_SHEET: {(1, 1): FEEDBACK_TITLE}})
    assert pair_sheets(["A"], marked).added == [FEEDBACK_SHEET]  # the title alone is not enough
    marked.properties[FEEDBACK_PROPERTY] = FEEDBACK_PROPERTY_VALUE
    assert pair_sheets(["A"], marked).added == []


# --- re-save signals -------------------------------------------------------------------

@pytest.mark.parametrize(("app", "app_name", "props", "elsewhere"), [
    ("Microsoft Excel 16.0300", "xl", {}, False),
    ("Microsoft Macintosh Excel 16.0300", "xl", {}, False),
    ("Microsoft Excel 12.0000", "xl", {"KSOProductBuildVer": "2052-12.1"}, False),
    ("WPS 表格", "", {}, False),
    ("LibreOffice/7.4.7.2$Linux_X86_64", "Calc", {}, True),
    ("Microsoft Excel Compatible / Openpyxl 3.1.5 3.1", "", {}, True),
    ("", "", {}, True),
])
def test_saved_elsewhere(app: str, app_name: str, props: dict[str, str], elsewhere: bool) -> None:
    read = WorkbookRead(path="x", gate=GateResult(path="x"), application=app, properties=props,
                        workbook=WorkbookXml(part="xl/workbook.xml", sheets=[], app_name=app_name))
    assert (saved_elsewhere(read) is not None) is elsewhere


# --- signatures and batches ------------------------------------------------------------

def test_unsigned_batch_gets_an_info_note_and_no_signature_demand(batches: Batches) -> None:
    path, entry = batches.unsigned.paths["S002"], batches.unsigned.entries["S002"]
    assert [(f.code, f.severity) for f in findings(path)] == [("SIGNATURE_NOT_REQUIRED", Severity.INFO)]
    assert [f.code for f in findings(path, register=entry)] == ["SIGNATURE_NOT_REQUIRED"]
    # With public keys loaded the bureau expects signatures: an unsigned file is refused.
    assert [f.code for f in findings(path, keys=batches.signed.keys)] == ["SIGNATURE_MISSING"]


def test_signed_file_checked_without_keys_is_not_verified(batches: Batches) -> None:
    assert [f.code for f in findings(batches.signed.paths["S002"])] == ["SIGNATURE_NOT_VERIFIED"]


def test_collecting_verifies_with_the_key_kept_in_the_register(batches: Batches) -> None:
    entry = batches.signed.entries["S002"]
    assert entry.public_key
    assert findings(batches.signed.paths["S002"], keys=batches.foreign.keys, register=entry) == []


def test_collecting_with_the_register_key_missing_from_the_keys(batches: Batches) -> None:
    entry = batches.signed.entries["S002"].model_copy(update={"public_key": None})
    found = findings(batches.signed.paths["S002"], keys=batches.foreign.keys, register=entry)
    assert [f.code for f in found] == ["SIGNATURE_UNKNOWN_KEY"]


def test_a_file_of_another_project_collected_against_this_register_entry(batches: Batches) -> None:
    found = findings(batches.signed.paths["S000"], keys=batches.signed.keys, register=batches.signed.entries["S002"])
    assert {f.code for f in found} == {"SIGNATURE_INVALID", "LOCKED_CELL_CHANGED", "SHEET_RENAMED",
                                       "FORMULA_REPLACED", "FORMULA_CHANGED"}


def test_wrong_batch_and_year_from_the_register_when_no_expectation_is_given(batches: Batches) -> None:
    found = findings(batches.old.paths["S002"], keys=batches.old.keys, register=batches.signed.entries["S002"],
                     expected_batch=None, expected_year=None)
    assert {"WRONG_BATCH", "WRONG_PERIOD"} <= {f.code for f in found}
    assert findings(batches.old.paths["S002"], keys=batches.old.keys, expected_batch=None, expected_year=None) == []


# --- macros ---------------------------------------------------------------------------

def test_vba_changed_in_a_workbook_issued_as_xlsm_is_a_warning(batches: Batches, out: Path) -> None:
    path = xmledit.add_vba(batches.signed.paths["S002"], out.with_suffix(".xlsm"), data=b"another project")
    ours = vba_project_hash([b"our project"])
    entry = with_vba(batches.signed.entries["S002"], ours)
    found = findings(path, keys=batches.signed.keys, register=entry)
    assert [(f.code, f.severity) for f in found] == [("VBA_CHANGED", Severity.WARNING)]
    assert read_returned(path).vba_hash == vba_project_hash([b"another project"])
    same_project = xmledit.add_vba(batches.signed.paths["S002"], out.with_suffix(".same.xlsm"), data=b"our project")
    assert findings(same_project, keys=batches.signed.keys, register=entry) == []
    removed = findings(batches.signed.paths["S002"], keys=batches.signed.keys, register=entry)
    assert [(f.code, f.params["found"]) for f in removed] == [("VBA_CHANGED", "-")]


# --- the issued definition ------------------------------------------------------------

def test_definition_bomb_does_not_inflate() -> None:
    with pytest.raises(ValueError, match="expands beyond"):
        decode([definition_bomb()])


def test_meta_sheet_removed_means_nothing_to_compare_with(batches: Batches, out: Path) -> None:
    path = xmledit.remove_sheet(batches.signed.paths["S002"], out, META)
    assert [f.code for f in findings(path, keys=batches.signed.keys)] == ["ISSUE_DEFINITION_UNREADABLE"]
    collected = {f.code for f in findings(path, keys=batches.signed.keys, register=batches.signed.entries["S002"])}
    assert {"SHEET_REMOVED", "SIGNATURE_INVALID"} <= collected


def test_changed_definition_names_the_fields(batches: Batches, out: Path) -> None:
    from tests.integrity.tampering import edited_definition
    src = batches.signed.paths["S002"]
    chunk = edited_definition(src, "S002-02", "≥90%")[0]
    path = by_xml(src, out, {META: lambda x: xmledit.set_cell(x, f"B{meta_row(src, 'definition_1')}", chunk)})
    found = [f for f in findings(path, keys=batches.signed.keys, register=batches.signed.entries["S002"])
             if f.code == "LOCKED_CELL_CHANGED"]
    assert len(found) == 1 and "project.indicators[2].target_text" in str(found[0].params["detail"])


# --- robustness -----------------------------------------------------------------------

def test_random_edits_never_break_a_check(batches: Batches, tmp_path: Path) -> None:
    """Random locked, input and _meta cells overwritten with random values: findings, never an internal error."""
    rng = random.Random(6)
    src = batches.signed.paths["S002"]
    sheet_values = read_returned(src).sheets
    cells = [(s.name, f"{chr(64 + c)}{r}") for s in sheet_values for (r, c) in s.values if c <= 10]
    values: list[str | int | Decimal] = ["", "=1", "abc", 0, -1, Decimal("1E+300"), "\u0000x", "x" * 40000, "2024"]
    for i in range(25):
        sheet, ref = rng.choice(cells)
        value = rng.choice(values)
        edit = {sheet: lambda x, ref=ref, value=value: xmledit.set_cell(x, ref, value)}
        path = by_xml(src, tmp_path / f"r{i}.xlsx", edit)
        for kwargs in ({}, {"register": batches.signed.entries["S002"]}):
            found = findings(path, keys=batches.signed.keys, **kwargs)
            assert "CHECK_INTERNAL_ERROR" not in {f.code for f in found}
