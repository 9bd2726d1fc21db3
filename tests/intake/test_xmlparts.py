"""Bounded XML access: workbook facts, custom properties, streaming sheet scans."""

from __future__ import annotations

import io
import tracemalloc
import zipfile

import openpyxl
import pytest
from openpyxl.packaging.custom import IntProperty, StringProperty

from perfeval_xl.intake.gate import gate_open
from perfeval_xl.intake.sheetscan import cells_outside, scan_sheet
from perfeval_xl.intake.xmlparts import read_custom_properties, read_workbook
from perfeval_xl.intake.xmlsafe import XmlUnsafe
from perfeval_xl.intake.zipread import PartMissing, PartTooLarge
from tests.hostile.builders import base_xlsx, build_zip, entries_of, mutate_xlsx

SHEET = "xl/worksheets/sheet1.xml"


def _workbook_file(tmp_path) -> str:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "自评表"
    ws["B2"] = 95
    ws["C2"] = "=B2/100"
    ws["F9"] = "stray"
    ws.protection.sheet = True
    ws.protection.password = "x"
    hidden = wb.create_sheet("hidden")
    hidden.sheet_state = "hidden"
    meta = wb.create_sheet("_meta")
    meta.sheet_state = "veryHidden"
    wb.security.lockStructure = True
    wb.custom_doc_props.append(StringProperty(name="perfeval.signature", value="c2ln"))
    wb.custom_doc_props.append(IntProperty(name="perfeval.batch", value=7))
    wb.defined_names["actual_1"] = openpyxl.workbook.defined_name.DefinedName("actual_1", attr_text="'自评表'!$B$2")
    path = tmp_path / "wb.xlsx"
    wb.save(path)
    return str(path)


def _accepted(path: str):
    result, archive = gate_open(path)
    assert result.accepted, result.findings
    assert archive is not None
    return result, archive


def test_read_workbook_sheets_states_parts_protection(tmp_path):
    _result, archive = _accepted(_workbook_file(tmp_path))
    workbook = read_workbook(archive)
    assert workbook.part == "xl/workbook.xml"
    assert [(s.name, s.state, s.part) for s in workbook.sheets] == [
        ("自评表", "visible", "xl/worksheets/sheet1.xml"),
        ("hidden", "hidden", "xl/worksheets/sheet2.xml"),
        ("_meta", "veryHidden", "xl/worksheets/sheet3.xml"),
    ]
    assert workbook.workbook_protection is not None
    assert workbook.workbook_protection.get("lockStructure") == "1"
    assert [(n.name, n.value) for n in workbook.defined_names] == [("actual_1", "'自评表'!$B$2")]
    assert workbook.strict is False


def test_read_workbook_through_zipfile_too(tmp_path):
    path = _workbook_file(tmp_path)
    with zipfile.ZipFile(path) as zf:
        assert [s.state for s in read_workbook(zf).sheets] == ["visible", "hidden", "veryHidden"]
        assert [(p.name, p.type, p.value) for p in read_custom_properties(zf)] == [
            ("perfeval.signature", "lpwstr", "c2ln"), ("perfeval.batch", "i4", "7")]


def test_custom_properties_absent_is_empty():
    data = base_xlsx()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert read_custom_properties(zf) == []


def test_scan_sheet_finds_protection_dimension_counts_and_outside_cells(tmp_path):
    _result, archive = _accepted(_workbook_file(tmp_path))
    scan = scan_sheet(archive, SHEET, allowed=[(2, 2, 2, 3)])  # B2:C2
    assert scan.dimension == "B2:F9"
    assert scan.protection is not None and scan.protection["sheet"] == "1"
    assert "password" in scan.protection
    assert (scan.cells, scan.filled, scan.formulas) == (3, 3, 1)
    assert scan.extent == (2, 2, 9, 6)
    assert scan.outside == ["F9"]
    assert scan.outside_truncated is False
    assert cells_outside(archive, SHEET, [(1, 1, 100, 100)]) == []


def test_unprotected_sheet_has_no_protection():
    data = base_xlsx()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert scan_sheet(zf, "xl/worksheets/sheet2.xml").protection is None
        assert scan_sheet(zf, SHEET).protection is not None  # base_xlsx protects sheet 1


def test_styled_empty_cells_are_not_filled():
    sheet = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
             b'<row r="1"><c r="A1" s="1"/><c r="B1" t="s"><v>0</v></c><c s="2"/><c><f>1+1</f></c></row>'
             b'<row><c t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>')
    data = build_zip([("s.xml", sheet)])
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        scan = scan_sheet(zf, "s.xml")
    # Cells without r follow the previous one; rows without r follow the previous row.
    assert scan.outside == ["B1", "D1", "A2"]
    assert (scan.cells, scan.filled, scan.formulas) == (5, 3, 1)


def _big_sheet(rows: int, cols: int = 10) -> bytes:
    parts = [b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>']
    letters = [chr(65 + i) for i in range(cols)]
    for r in range(1, rows + 1):
        cells = b"".join(b'<c r="%s%d"><v>%d</v></c>' % (c.encode(), r, r) for c in letters)
        parts.append(b'<row r="%d">%s</row>' % (r, cells))
    parts.append(b"</sheetData></worksheet>")
    return b"".join(parts)


def _peak_memory(func):
    tracemalloc.start()
    try:
        value = func()
        return value, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_cells_outside_stops_at_limit_without_reading_on():
    sheet = _big_sheet(60_000)  # ~19 MB of XML
    assert len(sheet) > 18_000_000
    with zipfile.ZipFile(io.BytesIO(build_zip([(SHEET, sheet)]))) as zf:
        outside, peak = _peak_memory(lambda: cells_outside(zf, SHEET, [(1, 1, 10, 10)], limit=5))
    assert outside == ["A11", "B11", "C11", "D11", "E11"]
    assert peak < 2_000_000, peak


@pytest.mark.slow
def test_scan_sheet_streams_the_whole_part_in_bounded_memory():
    sheet = _big_sheet(8_000)  # ~2.4 MB of XML; a whole read would need more than that
    assert len(sheet) > 2_300_000
    with zipfile.ZipFile(io.BytesIO(build_zip([(SHEET, sheet)]))) as zf:
        scan, peak = _peak_memory(lambda: scan_sheet(zf, SHEET, [(1, 1, 7_999, 10)], limit=3))
    assert scan.outside == ["A8000", "B8000", "C8000"] and scan.outside_truncated
    assert scan.filled == 80_000 and scan.extent == (1, 1, 8_000, 10)
    print(f"scan_sheet peak traced memory: {peak} bytes for {len(sheet)} bytes of XML")
    # Chunked reads hold at most ~256 KB compressed + 256 KB inflated at a time (peak stays
    # near 2 MB however big the sheet grows); holding the XML alone would take 2.4 MB.
    assert peak < 2_000_000, peak


def test_caps_and_missing_parts_raise_typed_errors():
    data = build_zip([(SHEET, _big_sheet(100))])
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        with pytest.raises(PartTooLarge) as too_large:
            scan_sheet(zf, SHEET, cap=1000)
        assert too_large.value.code == "GATE_STRUCTURE"
        with pytest.raises(PartMissing):
            scan_sheet(zf, "xl/worksheets/sheet9.xml")


def test_scan_sheet_refuses_dtd():
    sheet = b'<!DOCTYPE w [<!ENTITY e "x">]><worksheet><sheetData/></worksheet>'
    with zipfile.ZipFile(io.BytesIO(build_zip([(SHEET, sheet)]))) as zf:
        with pytest.raises(XmlUnsafe) as unsafe:
            scan_sheet(zf, SHEET)
    assert unsafe.value.code == "GATE_XML_UNSAFE"


def test_case_insensitive_part_lookup():
    # OPC names compare case-insensitively; a rels target may differ in case from the zip entry.
    data = mutate_xlsx()
    renamed = [(n.replace("sheet1.xml", "Sheet1.xml"), d) for n, d in entries_of(data)]
    with zipfile.ZipFile(io.BytesIO(build_zip(renamed))) as zf:
        workbook = read_workbook(zf)
    assert workbook.sheets[0].part == "xl/worksheets/Sheet1.xml"


_PARSE_EDITS = [b"<!DOCTYPE x>", b'<!DOCTYPE x [<!ENTITY a "b">]>', b"<!ENTITY e SYSTEM 'f'>", b"&a;", b"&#0;", b"&#x10FFFF;",
                b"<", b"&", b"\x00", b"\xff", b"]]>", b"<?xml version='1.0' encoding='latin-1'?>", b"\xef\xbb\xbf",
                b"\xff\xfe", b"x:", b' a="1" a="2"', b"<!-- c -->", b"<?pi x?>", b"<![CDATA[z]]>", b"</", b">", b'"',
                b"\r\n", b"<a>", b"<x:a/>", b" "]


def test_parse_xml_answers_as_defusedxml_did():
    # parse_xml used defusedxml (forbid_dtd, forbid_entities, forbid_external); the same
    # trees, the same refusals and the same error texts, on valid parts and mutations.
    import random
    from xml.etree.ElementTree import ParseError, tostring

    import defusedxml
    import defusedxml.ElementTree as safe_etree

    from perfeval_xl.intake.xmlsafe import XmlError, parse_xml

    def old(data: bytes) -> tuple[str, ...]:
        try:
            root = safe_etree.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
        except defusedxml.DTDForbidden:
            return ("XmlUnsafe", "p: DTD")
        except (ParseError, ValueError, UnicodeError) as exc:
            return ("XmlMalformed", f"p: malformed XML ({str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__})")
        return ("ok", tostring(root).decode())

    def new(data: bytes) -> tuple[str, ...]:
        try:
            return ("ok", tostring(parse_xml(data, "p")).decode())
        except XmlError as exc:
            return (type(exc).__name__, str(exc))

    sources = [data for name, data in entries_of(base_xlsx()) if name.endswith((".xml", ".rels"))]
    rng = random.Random(3)
    cases = []
    for source in sources:
        cut = source.find(b"?>") + 2
        cases += [source, *(source[:cut] + edit + source[cut:] for edit in _PARSE_EDITS)]
    for _ in range(1500):
        out = bytearray(rng.choice(sources))
        for _edit in range(rng.randint(1, 3)):
            at = rng.randrange(len(out) + 1)
            out[at:at + rng.randint(0, 3)] = rng.choice(_PARSE_EDITS)
        cases.append(bytes(out))
    kinds = set()
    for data in cases:
        expected = old(data)
        kinds.add(expected[0])
        assert new(data) == expected, data
    assert kinds == {"ok", "XmlUnsafe", "XmlMalformed"}
