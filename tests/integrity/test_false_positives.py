"""False positives: legitimate things units and spreadsheets do to a form raise nothing above a warning.

Every variant is checked as `perfeval check` does (public key, batch, year) and as
`collect` does (the register entry); each lists exactly the warnings it may show:

| variant | tool | warnings allowed |
|---|---|---|
| untouched (all 27 sample projects, every framework) | — | none |
| inputs_filled_openpyxl | openpyxl | RESAVED_ELSEWHERE |
| inputs_filled_xml | XML | none |
| column_widths | openpyxl, XML | RESAVED_ELSEWHERE (openpyxl) |
| zoom | openpyxl, XML | RESAVED_ELSEWHERE (openpyxl) |
| comment_added | openpyxl | RESAVED_ELSEWHERE |
| print_area | openpyxl, XML | RESAVED_ELSEWHERE (openpyxl) |
| row_heights | openpyxl, XML | RESAVED_ELSEWHERE (openpyxl) |
| unprotect_reprotect | openpyxl, XML | RESAVED_ELSEWHERE (openpyxl) |
| tab_colour | openpyxl, XML | RESAVED_ELSEWHERE (openpyxl) |
| selection_and_active_sheet | openpyxl, XML | RESAVED_ELSEWHERE (openpyxl) |
| data_validation_kept | openpyxl | RESAVED_ELSEWHERE |
| shared_formulas | XML | none |
| formulas_respelled | XML | none |
| saved_by_excel_365 | XML | none |
| saved_by_wps | XML | none |
| our_feedback_sheet | XML | none |
| libreoffice_resave | LibreOffice | RESAVED_ELSEWHERE, WORKBOOK_PROTECTION_REMOVED, SHEET_VISIBILITY_CHANGED |
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook
from openpyxl.comments import Comment

from perfeval_xl.findings import Finding, Severity
from perfeval_xl.integrity.keys import generate_keypair
from perfeval_xl.layout.feedback_sheet import FEEDBACK_PROPERTY, FEEDBACK_PROPERTY_VALUE, FEEDBACK_TITLE
from perfeval_xl.layout.context import FEEDBACK_SHEET
from perfeval_xl.libreoffice import recalculate
from perfeval_xl.writer.xlsx import legacy_password_hash
from tests.integrity import xmledit
from tests.integrity.conftest import Batches
from tests.integrity.forms import BATCH_ID, findings, issue, sample_manifest
from tests.integrity.tampering import SCORING, by_openpyxl, by_xml
from tests.integrity.unit_inputs import fill_openpyxl, fill_xml

OPENPYXL = frozenset({"RESAVED_ELSEWHERE"})
LIBREOFFICE = frozenset({"RESAVED_ELSEWHERE", "WORKBOOK_PROTECTION_REMOVED", "SHEET_VISIBILITY_CHANGED"})
PASSWORD = "perfeval2024"  # the sample batch's protection password


def _assert_clean(found: list[Finding], allowed: frozenset[str]) -> None:
    above = [(f.code, f.location.sheet, f.location.cell, f.params) for f in found
             if f.severity.rank > Severity.WARNING.rank]
    assert not above, above
    assert {f.code for f in found if f.severity is Severity.WARNING} <= allowed


def _check_both(path: Path, batches: Batches, allowed: frozenset[str], project: str = "S002") -> None:
    keys = batches.signed.keys
    _assert_clean(findings(path, keys=keys), allowed)
    _assert_clean(findings(path, keys=keys, register=batches.signed.entries[project]), allowed)
    _assert_clean(findings(path, keys=keys, register=batches.signed.entries[project], bind_register=True), allowed)


def test_untouched_form_has_no_finding(batches: Batches) -> None:
    path = batches.signed.paths["S002"]
    assert findings(path, keys=batches.signed.keys) == []
    assert findings(path, keys=batches.signed.keys, register=batches.signed.entries["S002"]) == []


def test_every_sample_project_checks_clean(tmp_path: Path) -> None:
    """All frameworks and project shapes of the sample batch, as issued: no finding at all, both ways."""
    loaded = sample_manifest()
    assert loaded.manifest is not None
    issued = issue(tmp_path, tuple(p.id for p in loaded.manifest.projects), generate_keypair(BATCH_ID))
    for project_id, path in issued.paths.items():
        assert findings(path, keys=issued.keys) == [], project_id
        assert findings(path, keys=issued.keys, register=issued.entries[project_id]) == [], project_id


def test_inputs_filled_with_openpyxl(batches: Batches, out: Path) -> None:
    _check_both(by_openpyxl(batches.signed.paths["S002"], out, fill_openpyxl("S002")), batches, OPENPYXL)


def test_inputs_filled_in_the_xml(batches: Batches, out: Path) -> None:
    src = batches.signed.paths["S002"]
    path = by_xml(src, out, fill_xml(src, "S002"))
    found = findings(path, keys=batches.signed.keys, register=batches.signed.entries["S002"])
    assert found == []
    _check_both(path, batches, frozenset())


def _column_width(wb: Workbook) -> None:
    wb[SCORING].column_dimensions["I"].width = 60


def _zoom(wb: Workbook) -> None:
    wb[SCORING].sheet_view.zoomScale = 150


def _print_area(wb: Workbook) -> None:
    wb[SCORING].print_area = "A1:I30"


def _row_height(wb: Workbook) -> None:
    wb[SCORING].row_dimensions[7].height = 48


def _reprotect(wb: Workbook) -> None:
    sheet = wb[SCORING]
    sheet.protection.sheet = False
    sheet.protection.set_password(PASSWORD)
    sheet.protection.sheet = True


def _tab_colour(wb: Workbook) -> None:
    wb[SCORING].sheet_properties.tabColor = "FFC000"


def _selection(wb: Workbook) -> None:
    wb.active = 4
    wb[SCORING].sheet_view.selection[0].activeCell = "E8"
    wb[SCORING].sheet_view.selection[0].sqref = "E8"


def _comment(wb: Workbook) -> None:
    wb[SCORING]["I8"].comment = Comment("已与财务核对", "填报人")


def _validation_kept(wb: Workbook) -> None:
    assert wb[SCORING].data_validations.dataValidation  # openpyxl keeps them; nothing to change


OPENPYXL_VARIANTS: dict[str, Callable[[Workbook], None]] = {
    "column_widths": _column_width,
    "zoom": _zoom,
    "print_area": _print_area,
    "row_heights": _row_height,
    "unprotect_reprotect": _reprotect,
    "tab_colour": _tab_colour,
    "selection_and_active_sheet": _selection,
    "comment_added": _comment,
    "data_validation_kept": _validation_kept,
}


@pytest.mark.parametrize("name", sorted(OPENPYXL_VARIANTS))
def test_openpyxl_variant(name: str, batches: Batches, out: Path) -> None:
    edit = OPENPYXL_VARIANTS[name]
    fill = fill_openpyxl("S002")

    def both(wb: Workbook) -> None:
        fill(wb)
        edit(wb)
    _check_both(by_openpyxl(batches.signed.paths["S002"], out, both), batches, OPENPYXL)


def _shared_column(xml: str) -> str:
    """J6:J10 (=H6 … =H10) written as one shared formula, as Excel writes a filled-down run."""
    xml = xml.replace("<f>H6</f>", '<f t="shared" ref="J6:J10" si="0">H6</f>', 1)
    for row in (7, 8, 9, 10):
        xml = xml.replace(f"<f>H{row}</f>", '<f t="shared" si="0"/>', 1)
    return xml


def _respelled(xml: str) -> str:
    """Formulas as other spreadsheets re-serialise them: lower case, spaces, unquoted sheet names, _xlfn."""
    assert "<f>H7</f>" in xml and "<f>'预算执行'!C6</f>" in xml and "<f>IF(ISNUMBER(E7)" in xml
    xml = xml.replace("<f>H7</f>", "<f> h7 </f>", 1).replace("<f>'预算执行'!C6</f>", "<f>预算执行!c6</f>", 1)
    return xml.replace("<f>IF(ISNUMBER(E7)", "<f>_xlfn.IF( isnumber( E7 )", 1)


def _xml_edit(sheet_edits: dict[str, Callable[[str], str]] | None = None,
              parts: dict[str, xmledit.PartEdit] | None = None) -> Callable[[Path, Path], Path]:
    return lambda src, dst: by_xml(src, dst, sheet_edits, parts)


def _zoom_xml(xml: str) -> str:
    return xml.replace("<sheetView ", '<sheetView zoomScale="150" zoomScaleNormal="150" ', 1)


def _width_xml(xml: str) -> str:
    return xml.replace('<col min="9" max="9" width="34.7109375"', '<col min="9" max="9" width="60"', 1)


def _height_xml(xml: str) -> str:
    return xml.replace('<row r="7" ', '<row r="7" ht="48" customHeight="1" ', 1)


def _tab_xml(xml: str) -> str:
    return xml.replace("<sheetPr>", '<sheetPr><tabColor rgb="FFFFC000"/>', 1) if "<sheetPr>" in xml else \
        xml.replace("<dimension ", '<sheetPr><tabColor rgb="FFFFC000"/></sheetPr><dimension ', 1)


def _reprotect_xml(xml: str) -> str:
    """Protection removed, then set again with the same password (attributes in another order)."""
    again = (f'<sheetProtection sheet="1" formatRows="0" formatColumns="0" objects="1" scenarios="1" '
             f'password="{legacy_password_hash(PASSWORD)}"/>')
    return xmledit.drop_element(xml, "sheetProtection").replace("</sheetData>", "</sheetData>" + again, 1)


def _print_area_xml(xml: str) -> str:
    name = "<definedName name=\"_xlnm.Print_Area\" localSheetId=\"4\">'绩效自评'!$A$1:$I$30</definedName>"
    return xml.replace("<definedNames>", "<definedNames>" + name, 1)


def _excel_365(xml: str) -> str:
    return xml.replace("<AppVersion>12.0000</AppVersion>", "<AppVersion>16.0300</AppVersion>")


def _wps_property(xml: str) -> str:
    prop = ('<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="99" name="KSOProductBuildVer">'
            "<vt:lpwstr>2052-12.1.0.16250</vt:lpwstr></property>")
    return xml.replace("</Properties>", prop + "</Properties>")


def _feedback_sheet(src: Path, dst: Path) -> Path:
    """The sheet `perfeval feedback` adds: named 问题清单, its title in A1, the workbook property set."""
    added = xmledit.add_sheet(by_xml(src, dst.with_suffix(".tmp.xlsx")), dst.with_suffix(".added.xlsx"), FEEDBACK_SHEET)
    prop = ('<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="98" '
            f'name="{FEEDBACK_PROPERTY}"><vt:lpwstr>{FEEDBACK_PROPERTY_VALUE}</vt:lpwstr></property>')
    return xmledit.rewrite(added, dst, {
        "xl/worksheets/sheet99.xml": lambda x: x.replace("<t>备注</t>", f"<t>{FEEDBACK_TITLE}</t>", 1),
        "docProps/custom.xml": lambda x: x.replace("</Properties>", prop + "</Properties>")})


XML_VARIANTS: dict[str, Callable[[Path, Path], Path]] = {
    "column_widths": _xml_edit({SCORING: _width_xml}),
    "zoom": _xml_edit({SCORING: _zoom_xml}),
    "print_area": _xml_edit(parts={"xl/workbook.xml": _print_area_xml}),
    "row_heights": _xml_edit({SCORING: _height_xml}),
    "unprotect_reprotect": _xml_edit({SCORING: _reprotect_xml}),
    "tab_colour": _xml_edit({SCORING: _tab_xml}),
    "selection_and_active_sheet": _xml_edit(parts={
        "xl/workbook.xml": lambda x: x.replace("<workbookView ", '<workbookView activeTab="4" ', 1)}),
    "shared_formulas": _xml_edit({SCORING: _shared_column}),
    "formulas_respelled": _xml_edit({SCORING: _respelled}),
    "saved_by_excel_365": _xml_edit(parts={"docProps/app.xml": _excel_365}),
    "saved_by_wps": _xml_edit(parts={"docProps/custom.xml": _wps_property}),
    "our_feedback_sheet": _feedback_sheet,
}


@pytest.mark.parametrize("name", sorted(XML_VARIANTS))
def test_xml_variant(name: str, batches: Batches, out: Path) -> None:
    path = XML_VARIANTS[name](batches.signed.paths["S002"], out)
    _check_both(path, batches, frozenset())
    assert findings(path, keys=batches.signed.keys) == []


@pytest.mark.libreoffice
def test_libreoffice_resave_of_filled_forms(batches: Batches, tmp_path: Path, soffice: Path) -> None:
    filled = [by_openpyxl(batches.signed.paths[p], tmp_path / f"{p}.xlsx", fill_openpyxl(p)) for p in ("S002", "S000")]
    resaved = recalculate(filled, tmp_path / "lo", soffice=soffice)
    for project, path in zip(("S002", "S000"), resaved, strict=True):
        _check_both(path, batches, LIBREOFFICE, project)
    codes = {f.code for f in findings(resaved[0], keys=batches.signed.keys)}
    assert codes == LIBREOFFICE  # LibreOffice re-saves show exactly these signals


def test_variant_count() -> None:
    assert len(set(OPENPYXL_VARIANTS) | set(XML_VARIANTS) | {"inputs", "libreoffice_resave"}) >= 10
