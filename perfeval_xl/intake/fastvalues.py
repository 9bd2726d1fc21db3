"""Cell values of a regular sheet part, as ReturnReader makes them of python-calamine's, from sheetfast's pass.

    tables = value_tables(archive, workbook)       # shared strings, number styles, parts; or None
    values = sheet_values(sheet, data, tables)     # {(row, col): value}; or None: ask calamine

calamine parses every sheet part again after sheetfast has tokenised it. For a part in
the regular shape the values are in those tokens already; this module converts them as
calamine 0.37's xlsx reader does (cells_reader.rs `read_v`, mod.rs `read_string_with_bufs`
and `read_styles`, formats.rs) and as ReturnReader then normalises them. Wherever
calamine's reading is not certainly the same (or it would fail) the answer is None and
the caller asks calamine, so a value never depends on which path read it. Declined:
inline strings, error, date and unknown cell types, numbers in any but the plain number
formats (calamine turns date formats into dates), number texts outside the plain
decimal form, duplicate or row-0 references, odd <row r> or <dimension> values, and
shared strings with phonetic runs, nested items, `_xHHHH_` escapes or carriage returns.
Tests compare both paths on the corpus and on mutations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from xml.etree.ElementTree import Element

from perfeval_xl.engine.numbers import to_decimal
from perfeval_xl.intake.models import MiB
from perfeval_xl.intake.opc import PACKAGE_RELS_PART, local_name, rels_part_for
from perfeval_xl.intake.sheetfast import ATTR_PAIR, FastSheet, char_data
from perfeval_xl.intake.xmlparts import WorkbookXml, read_relationships, read_xml_part
from perfeval_xl.intake.xmlsafe import XmlError, parse_xml_quick
from perfeval_xl.intake.zipread import PartError, SafeZip

TABLE_PART_CAP = 16 * MiB  # shared strings or styles beyond this: calamine reads the values

_OFFICE_DOCUMENT = "/relationships/officeDocument"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_DATE_BUILTINS = frozenset({"14", "15", "16", "17", "18", "19", "20", "21", "22", "45", "46", "47"})
_PLAIN_CODE = re.compile(r"General|[0#,.%]*")  # number formats no calamine version reads as dates
_NUMBER = re.compile(rb"-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]{1,3})?")  # parsed alike by Rust and Python
_INDEX = re.compile(rb"[0-9]{1,9}")
_ROW_R = re.compile(rb'<row\b[^>]*?\sr="([^"]*)"')
_ROW_NUMBER = re.compile(rb"[1-9][0-9]{0,6}")
_ROW_ZERO = re.compile(rb'<c r="[A-Z]{1,3}0+"')
_SI_TAG = re.compile(rb"<si[\s/>]")
_PREFIXED = re.compile(rb"<[A-Za-z_][\w.-]*:")
_DIMENSION = re.compile(r"[A-Z]{1,3}[1-9][0-9]{0,6}(?::[A-Z]{1,3}[1-9][0-9]{0,6})?")


@dataclass(frozen=True)
class ValueTables:
    """What calamine reads once per file, where it reads it exactly as here."""

    strings: list[str]
    plain_styles: list[bool]  # per cellXfs index: its numbers stay numbers
    parts: frozenset[str]  # worksheet parts calamine certainly reads for the sheets' names


def value_tables(archive: SafeZip, workbook: WorkbookXml) -> ValueTables | None:
    """The tables, or None when calamine might find other parts or read them differently."""
    try:
        return _value_tables(archive, workbook)
    except (PartError, XmlError):
        return None


def _value_tables(archive: SafeZip, workbook: WorkbookXml) -> ValueTables | None:
    names = archive.names()
    # calamine finds parts by name ignoring case and "\" against "/": keep to packages
    # where that finds the very parts found here.
    if any("\\" in name for name in names) or len({name.lower() for name in names}) != len(names):
        return None
    package_rels = read_relationships(archive, "")
    office = [rel for rel in package_rels if rel.type.endswith(_OFFICE_DOCUMENT)]
    if not office or _count(archive, PACKAGE_RELS_PART, "Relationship") != len(package_rels):
        return None
    target = office[-1].target  # calamine takes the last
    folder = target[:target.rfind("/") + 1]
    xl_path = folder[1:] if folder.startswith("/") else folder
    if archive.resolve(workbook.part) != xl_path + "workbook.xml":
        return None
    rels = read_relationships(archive, workbook.part)
    if _count(archive, rels_part_for(workbook.part), "Relationship") != len(rels) or not _same_sheets(
            archive, workbook):
        return None
    targets = {rel.id: rel.target for rel in rels}  # the last of an id wins, in calamine too
    parts = set()
    for sheet in workbook.sheets:
        target = targets.get(sheet.rel_id, "")
        path = target[1:] if target.startswith("/") else xl_path + target
        if sheet.kind == "worksheet" and sheet.part and path == sheet.part:
            parts.add(sheet.part)
    strings = _shared_strings(archive, xl_path + "sharedStrings.xml")
    styles = _plain_styles(archive, xl_path + "styles.xml")
    if strings is None or styles is None:
        return None
    return ValueTables(strings=strings, plain_styles=styles, parts=frozenset(parts))


def _tree(archive: SafeZip, part: str) -> tuple[bytes, Element] | None:
    if archive.resolve(part) is None:
        return None
    data = archive.read(part, TABLE_PART_CAP)
    return data, parse_xml_quick(data, part)


def _count(archive: SafeZip, part: str, name: str) -> int:
    """Elements of that local name anywhere in the part (calamine's readers look at any depth)."""
    return sum(local_name(el.tag) == name for el in read_xml_part(archive, part).iter())


def _same_sheets(archive: SafeZip, workbook: WorkbookXml) -> bool:
    """calamine's sheets (any <sheet>, its one "id" attribute of any prefix) are the ones read here."""
    elements = [el for el in read_xml_part(archive, workbook.part).iter() if local_name(el.tag) == "sheet"]
    if len(elements) != len(workbook.sheets):
        return False
    for el, sheet in zip(elements, workbook.sheets):
        ids = [value for key, value in el.attrib.items() if local_name(key) == "id"]
        if ids != [sheet.rel_id] or el.get("name") != sheet.name:
            return False
    return True


def _shared_strings(archive: SafeZip, part: str) -> list[str] | None:
    found = _tree(archive, part)
    if found is None:
        return []  # calamine reads none either
    data, root = found
    ns = _namespace(data, root, "sst")
    if (ns is None or b"\r" in data or b"<rPh" in data
            or data.count(b"xml:space") != data.count(b'xml:space="preserve"')):
        return None
    items = root.findall(ns + "si")
    if len(_SI_TAG.findall(data)) != len(items):
        return None  # an <si> elsewhere, which calamine would read too
    strings: list[str] = []
    for item in items:
        # calamine joins the <t> of an item in document order (a rich string's runs, or one).
        texts = []
        for el in item.iter(ns + "t"):
            value = el.text or ""
            if len(el) or "_x" in value or "_X" in value:
                return None  # calamine stops at a nested </t>, and unescapes _xHHHH_
            texts.append(value if el.get(_XML_SPACE) == "preserve" else value.strip(" \t\r\n"))
        strings.append("".join(texts))
    return strings


def _plain_styles(archive: SafeZip, part: str) -> list[bool] | None:
    found = _tree(archive, part)
    if found is None:
        return []
    data, root = found
    ns = _namespace(data, root, "styleSheet")
    # calamine matches numFmtId as written (the tree has it decoded), and reads <numFmts>
    # and <cellXfs> wherever they are: here each must be one child of the root, in that order.
    if ns is None or b"&#" in data:
        return None
    custom, cell_formats = root.find(ns + "numFmts"), root.find(ns + "cellXfs")
    if (data.count(b"<numFmts") != (custom is not None) or data.count(b"<cellXfs") != (cell_formats is not None)
            or (custom is not None and cell_formats is not None and list(root).index(custom) > list(root).index(
                cell_formats))):
        return None
    formats: dict[str, str] = {}
    plain: list[bool] = []
    for el in custom.iter(ns + "numFmt") if custom is not None else ():
        key, code = el.get("numFmtId"), el.get("formatCode")
        if key is not None and code is not None:
            formats[key] = code
    for el in cell_formats.iter(ns + "xf") if cell_formats is not None else ():
        key = el.get("numFmtId")
        plain.append(key is None or (bool(_PLAIN_CODE.fullmatch(formats[key])) if key in formats
                                     else key not in _DATE_BUILTINS))
    return plain


def _namespace(data: bytes, root: Element, name: str) -> str | None:
    """The root's "{namespace}" when every element is in it and unprefixed (so names compare
    whole), and no comment or CDATA section splits or adds text."""
    ns, _, local = root.tag.rpartition("}")
    if (local != name or _PREFIXED.search(data) or data.count(b"xmlns=") > 1
            or b"<!--" in data or b"<![CDATA[" in data):
        return None
    return ns + "}" if ns else ""


def sheet_values(sheet: FastSheet, data: bytes, tables: ValueTables) -> dict[tuple[int, int], Decimal | str | bool] | None:
    """The part's non-blank values by (row, col), or None where calamine might read otherwise."""
    positions = sheet.positions
    if (len(set(positions)) != len(positions) or _ROW_ZERO.search(data)
            or not all(_ROW_NUMBER.fullmatch(r) for r in _ROW_R.findall(data))
            or not _dimension_ok(sheet, data)):
        return None
    strings, styles = tables.strings, tables.plain_styles
    values: dict[tuple[int, int], Decimal | str | bool] = {}
    known = _cell_attr_cache
    for position, (attrs, body, text) in zip(positions, sheet.filled):
        style, kind = known.get(attrs) or _cell_attrs(attrs)
        if body.startswith(b"<is>"):
            return None
        if kind is None or kind == b"n":
            if not text:
                continue
            if not _NUMBER.fullmatch(text):
                return None
            if style is not None:
                if not _INDEX.fullmatch(style) or int(style) >= len(styles) or not styles[int(style)]:
                    return None
            number = to_decimal(float(text))
            if number is not None:
                values[position] = number
        elif kind == b"s":
            if not text:
                continue
            if not _INDEX.fullmatch(text) or int(text) >= len(strings):
                return None
            if strings[int(text)]:
                values[position] = strings[int(text)]
        elif kind == b"str":
            if text and (b"\r" in text or b"_x" in text or b"_X" in text):
                return None
            value = char_data(text) if text else ""
            if value:
                values[position] = value
        elif kind == b"b":
            if not text:
                continue
            if b"&" in text:
                return None
            values[position] = text != b"0"
        elif b"<v" in body:
            return None  # error, date, inline and unknown types
    return values


def _dimension_ok(sheet: FastSheet, data: bytes) -> bool:
    # calamine reads every <dimension> before <sheetData> and fails on one it cannot read.
    count = data.count(b"<dimension")
    if count == 0:
        return True
    start = data.find(b"<sheetData")
    return (count == 1 and sheet.dimension is not None and 0 <= data.find(b"<dimension") < start
            and bool(_DIMENSION.fullmatch(sheet.dimension)))


_cell_attr_cache: dict[bytes, tuple[bytes | None, bytes | None]] = {}
_CELL_ATTR_CACHE_MAX = 1 << 10


def _cell_attrs(attrs: bytes) -> tuple[bytes | None, bytes | None]:
    """The s and t attributes of a cell (the forms of a batch use a few dozen attribute strings)."""
    found = _cell_attr_cache.get(attrs)
    if found is None:
        pairs = dict(ATTR_PAIR.findall(attrs))
        found = (pairs.get(b"s"), pairs.get(b"t"))
        if len(attrs) <= 64:
            if len(_cell_attr_cache) >= _CELL_ATTR_CACHE_MAX:
                _cell_attr_cache.clear()
            _cell_attr_cache[attrs] = found
    return found
