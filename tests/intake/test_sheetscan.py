"""The sheet scan's two paths give one result: sheetfast (regular shapes) and the general expat scan.

Every case runs both on the same bytes: sheetfast must either decline (None) or equal
the general scan; the shapes real writers produce must not be declined.
"""

from __future__ import annotations

import io
import random
import zipfile

import pytest
import xlsxwriter

from perfeval_xl.intake.gate import gate_open
from perfeval_xl.intake.sheetfast import fast_scan
from perfeval_xl.intake.sheetscan import scan_chunks, scan_sheet
from perfeval_xl.intake.xmlsafe import XmlError, XmlMalformed, XmlUnsafe
from perfeval_xl.intake.zipread import SafeZip
from tests.hostile.builders import base_xlsx, entries_of, mutate_xlsx, part_of

ALLOWED = ((1, 1, 6, 3), (9, 2, 12, 4))
HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        b'<dimension ref="A1:K30"/><sheetViews><sheetView workbookViewId="0"/></sheetViews>')
TAIL = (b'<sheetProtection sheet="true" objects="true" password="CC3D"/>'
        b'<dataValidations count="1"><dataValidation type="decimal" sqref="E15" prompt="a&gt;b &amp; &#x4E00;">'
        b'<formula1>0</formula1></dataValidation></dataValidations></worksheet>')
# As LibreOffice writes it (the shape of every return in the benchmark corpus).
LIBREOFFICE_ROWS = (
    b'<row r="1" customFormat="false" ht="15" hidden="false" customHeight="false" outlineLevel="0" collapsed="false">'
    b'<c r="A1" s="1" t="s"><v>21</v></c><c r="B1" s="1"/><c r="C1" s="1"/></row>'
    b'<row r="6" customFormat="false" ht="15" hidden="false" customHeight="true" outlineLevel="0" collapsed="false">'
    b'<c r="A6" s="12" t="s"><v>109</v></c><c r="D6" s="23" t="n"><f aca="false">\xe9\xa2\x84\xe7\xae\x97!C9</f>'
    b'<v>1620.36</v></c><c r="G7" s="24" t="n"><f aca="false">IF(ISNUMBER(E7),IF(E7&lt;0,&quot;&quot;,E7/19700),'
    b'&quot;&quot;)</f><v>1.00766497461929</v></c><c r="K6" s="30" t="n"><f aca="false">H6</f><v>9.32</v></c></row>')
WRITER_SHAPES = {
    "libreoffice": HEAD + b"<sheetData>" + LIBREOFFICE_ROWS + b"</sheetData>" + TAIL,
    "empty_sheet_data": HEAD + b"<sheetData/>" + TAIL,
    "no_declaration": HEAD[HEAD.index(b"<worksheet"):] + b"<sheetData>" + LIBREOFFICE_ROWS + b"</sheetData></worksheet>",
    "cells_of_every_kind": HEAD + (
        b'<sheetData><row r="2" spans="1:5" x14ac:dyDescent="0.25"><c r="A2"><v>1</v></c><c r="B2"></c>'
        b'<c r="C2"><v/></c><c r="D2"><f/></c><c r="E2" t="str"><f>"a"&amp;"b"</f><v> </v></c></row>'
        b'<row r="9"/><row r="10"><c r="B10" t="inlineStr"><is><r><rPr><b/></rPr><t>x</t></r><rPh sb="0"><t>y</t>'
        b'</rPh></is></c><c r="C10"><f t="shared" ref="C10:C12" si="0">B10*2</f><v>2</v></c>'
        b'<c r="C11"><f t="shared" si="0"/><v>4</v></c><c r="D11"><f t="array" ref="D11:D12">SUM(A1:A2)</f>'
        b'<v>3</v></c><c r="AB12"><f>1&#10;+2</f><v>&#32;</v></c><c r="XFD1048576"><v>5</v></c></row>'
        b'</sheetData>') + TAIL,
    "protection_as_root": b'<sheetProtection sheet="1"/>',  # odd, but understood: the root is checked too
    "formula_text_with_line_ends": HEAD + b'<sheetData><row r="1"><c r="A1"><f>1\r\n+2\r+3</f><v>6</v></c></row>'
                                          b'</sheetData>' + TAIL,
}
# Valid sheets outside the regular shape: sheetfast declines, the general scan decides.
DECLINED = {
    "prefixed_cells": b'<x:worksheet xmlns:x="urn:x"><x:sheetData><x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c>'
                      b'</x:row></x:sheetData></x:worksheet>',
    "prefixed_protection": HEAD + b"<sheetData/><x:sheetProtection xmlns:x='urn:x' sheet='1'/></worksheet>",
    "cdata": HEAD + b'<sheetData><row r="1"><c r="A1" t="str"><f><![CDATA[1+1]]></f></c></row></sheetData></worksheet>',
    "comment": HEAD + b'<sheetData><!-- <c r="A1"><v>1</v></c> --></sheetData></worksheet>',
    "processing_instruction": HEAD + b'<sheetData><?pi <c r="A1"><v>1</v></c>?></sheetData></worksheet>',
    "cell_without_reference": HEAD + b'<sheetData><row r="3"><c><v>1</v></c><c s="1"><f>2</f></c></row>'
                                     b'</sheetData></worksheet>',
    "absolute_reference": HEAD + b'<sheetData><row r="1"><c r="$A$1"><v>1</v></c></row></sheetData></worksheet>',
    "single_quotes": HEAD + b"<sheetData><row r='1'><c r='B1'><v>1</v></c></row></sheetData></worksheet>",
    "pretty_printed": HEAD + b'<sheetData>\n  <row r="1">\n    <c r="B1"><v>1</v></c>\n  </row>\n</sheetData>'
                             b'</worksheet>',
    "entity_in_attribute": HEAD + b'<sheetData><row r="1"><c r="A1"><f t="shared" ref="A1:A2" si="&#48;">1</f>'
                                  b'</c></row></sheetData></worksheet>',
    "cell_outside_sheet_data": HEAD + b'<sheetData/><extLst><c r="A1"><v>1</v></c></extLst></worksheet>',
    "latin1": b'<?xml version="1.0" encoding="ISO-8859-1"?><worksheet><sheetData><row r="1"><c r="A1">'
              b'<f>"\xe9"</f></c></row></sheetData></worksheet>',
    "protection_in_inline_string": HEAD + b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>x</t>'
                                          b'<sheetProtection sheet="1"/></is></c></row></sheetData></worksheet>',
    "cell_as_root": b'<?xml version="1.0"?><c r="A1"><v>1</v></c>',
    "two_values": HEAD + b'<sheetData><row r="1"><c r="A1"><v>1</v><v>2</v></c></row></sheetData></worksheet>',
}
MALFORMED = {
    "mismatched": HEAD + b'<sheetData><row r="1"><c r="A1"><v>1</c></v></row></sheetData></worksheet>',
    "truncated": (HEAD + b"<sheetData>" + LIBREOFFICE_ROWS)[:-30],
    "duplicate_attribute": HEAD + b'<sheetData><row r="1"><c r="A1" s="1" s="2"><v>1</v></c></row></sheetData>'
                                  b'</worksheet>',
    "undefined_entity": HEAD + b'<sheetData><row r="1"><c r="A1"><f>&nbsp;</f></c></row></sheetData></worksheet>',
    "control_character": HEAD + b'<sheetData><row r="1"><c r="A1"><f>\x01</f></c></row></sheetData></worksheet>',
    "bad_utf8": HEAD + b'<sheetData><row r="1"><c r="A1"><f>\xff</f></c></row></sheetData></worksheet>',
    "two_roots": HEAD + b"<sheetData/></worksheet><worksheet/>",
}
UNSAFE = {
    "doctype": b'<!DOCTYPE w [<!ENTITY e "x">]><worksheet><sheetData/></worksheet>',
}


def _general(data: bytes, **options):
    try:
        return scan_chunks([data], "s.xml", **options)
    except XmlError as exc:
        return type(exc), exc.detail


def _options():
    for collect in (False, True):
        for limit in (0, 1, 100):
            yield {"allowed": ALLOWED, "limit": limit, "collect_formulas": collect}


def _fast(data: bytes, allowed, limit, collect_formulas):
    return fast_scan(data, "s.xml", allowed, limit, collect_formulas)


@pytest.mark.parametrize("name", sorted(WRITER_SHAPES))
def test_regular_shapes_take_the_fast_path_with_the_general_result(name):
    data = WRITER_SHAPES[name]
    for options in _options():
        fast = _fast(data, **options)
        assert fast is not None, name
        assert fast == _general(data, **options)


def test_fast_path_reads_what_the_general_path_reads():
    scan = _fast(WRITER_SHAPES["cells_of_every_kind"], ALLOWED, 100, True)
    assert (scan.cells, scan.filled, scan.formulas) == (11, 10, 6)
    assert scan.outside == ["D2", "E2", "AB12", "XFD1048576"] and scan.extent == (2, 1, 1048576, 16384)
    cells = scan.formula_cells
    assert cells["E2"].text == '"a"&"b"' and not cells["E2"].has_value
    assert cells["D2"].text == "" and cells["C11"].shared_index == "0" and cells["C11"].text == ""
    assert cells["C10"].shared_ref == "C10:C12" and cells["D11"].array and cells["AB12"].text == "1\n+2"
    assert scan.protection == {"sheet": "true", "objects": "true", "password": "CC3D"}
    assert scan.dimension == "A1:K30"
    lines = _fast(WRITER_SHAPES["formula_text_with_line_ends"], (), 0, True)
    assert lines.formula_cells["A1"].text == "1\n+2\n+3"


@pytest.mark.parametrize("name", sorted(DECLINED))
def test_other_valid_shapes_fall_back_to_the_general_path(name):
    data = DECLINED[name]
    for options in _options():
        assert _fast(data, **options) is None, name
    assert not isinstance(_general(data, **next(_options())), tuple)


@pytest.mark.parametrize("name", sorted(MALFORMED) + sorted(UNSAFE))
def test_malformed_and_unsafe_parts_are_left_to_the_general_path(name):
    data = {**MALFORMED, **UNSAFE}[name]
    assert _fast(data, ALLOWED, 100, True) is None
    expected = XmlUnsafe if name in UNSAFE else XmlMalformed
    assert _general(data, allowed=ALLOWED)[0] is expected


def _xlsxwriter_book() -> bytes:
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    sheet = book.add_worksheet("表")
    sheet.write("A1", "项目")
    sheet.write_number("B2", 12.5)
    sheet.write_formula("C2", '=IF(B2>10,"大","小")', None, "大")
    sheet.write_formula("D2", "=B2*2")
    sheet.write_array_formula("E2:E3", "{=B2:B3*2}")
    sheet.write_boolean("F9", True)
    sheet.protect("pw")
    book.close()
    return buf.getvalue()


@pytest.mark.parametrize("make", [base_xlsx, _xlsxwriter_book])
def test_writers_sheets_through_the_gate_take_the_fast_path(tmp_path, make):
    path = tmp_path / "book.xlsx"
    path.write_bytes(make())
    result, archive = gate_open(path)
    assert result.accepted and archive is not None
    sheets = [name for name in archive.names() if name.startswith("xl/worksheets/")]
    assert sheets
    for part in sheets:
        kept = archive.kept(part, 1 << 30)
        assert kept is not None  # the gate's read is reused
        fast = fast_scan(kept, part, ALLOWED, 3, True)
        assert fast is not None, part
        assert fast == scan_chunks([kept], part, ALLOWED, 3, False, True)
        assert scan_sheet(archive, part, ALLOWED, 3, collect_formulas=True) == fast


TOKENS = [b"<", b">", b'"', b"'", b"&", b"&amp;", b"&#1;", b":", b"x:", b" ", b"\n", b"\r", b"/", b"<c r=\"B2\">",
          b"</c>", b"<v>", b"</v>", b"<f>", b"<is>", b"<row>", b"<!--", b"<?", b"]]>", b"\x00", b"\xff", b"A0", b"$"]


@pytest.mark.parametrize("seed", range(3))
def test_mutated_parts_give_one_result_on_both_paths(seed):
    rng = random.Random(seed)
    sources = [*WRITER_SHAPES.values(), *(d for n, d in entries_of(_xlsxwriter_book()) if "worksheets/" in n)]
    fast_taken = 0
    for _ in range(400):
        out = bytearray(rng.choice(sources))
        for _edit in range(rng.randint(1, 3)):
            at = rng.randrange(len(out) + 1)
            if rng.random() < 0.6:
                out[at:at + rng.randint(0, 4)] = rng.choice(TOKENS)
            else:
                del out[at:at + rng.randint(1, 12)]
        data = bytes(out)
        options = {"allowed": ALLOWED, "limit": rng.choice((0, 2, 100)), "collect_formulas": rng.random() < 0.5}
        fast = _fast(data, **options)
        if fast is not None:
            fast_taken += 1
            assert fast == _general(data, **options), data
    assert fast_taken > 20  # the mutations left many parts in the regular shape


def test_scan_sheet_without_a_kept_copy_streams(tmp_path):
    data = base_xlsx()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        streamed = scan_sheet(zf, "xl/worksheets/sheet1.xml", ALLOWED, collect_formulas=True)
    path = tmp_path / "b.xlsx"
    path.write_bytes(data)
    _result, archive = gate_open(path)
    assert archive is not None
    assert scan_sheet(archive, "xl/worksheets/sheet1.xml", ALLOWED, collect_formulas=True) == streamed


@pytest.mark.parametrize("seed", range(2))
def test_gate_sheet_verdict_is_the_same_whether_the_part_is_kept(tmp_path, monkeypatch, seed):
    # A kept part's extent comes from sheetfast; a streamed one's from the canonical scan
    # (and the exact one when needed): the verdicts must agree on any bytes.
    rng = random.Random(seed)
    sheet = part_of("xl/worksheets/sheet1.xml")
    far = [b'<c r="XFD1048576"><v>1</v></c>', b'<c r="A200000" s="1"/>', b'<c r="ZZ9"><v>2</v></c>',
           b'<c r="B3" t="s"><v>0</v></c>']
    path = tmp_path / "b.xlsx"

    def verdict(keep: bool) -> list[tuple[str, str]]:
        with monkeypatch.context() as patched:
            if not keep:
                patched.setattr(SafeZip, "keeps", lambda self, name: False)
            result, _archive = gate_open(path)
        return [(f.code, repr(f.params)) for f in result.findings]

    fast_taken = huge = 0
    for _ in range(80):
        out = bytearray(sheet)
        for _edit in range(rng.randint(1, 2)):
            at = out.find(b"<c ", rng.randrange(len(out)))
            at = at if at >= 0 else rng.randrange(len(out) + 1)
            out[at:at + (0 if rng.random() < 0.7 else rng.randint(1, 8))] = rng.choice(far if rng.random() < 0.7 else TOKENS)
        path.write_bytes(mutate_xlsx({"xl/worksheets/sheet1.xml": bytes(out)}))
        kept = verdict(True)
        assert kept == verdict(False), bytes(out)
        if fast_scan(bytes(out), "s", (), 0, False) is not None:
            fast_taken += 1
            huge += any(code == "GATE_DIMENSION_HUGE" for code, _params in kept)
    assert fast_taken > 12 and huge > 3
