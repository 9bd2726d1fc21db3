"""Inspect a zip package the directory check passed: which format, and is it whole and safe?

Order matters: ODS by its mimetype entry, then OPC content types and the package
rels to find the main part and so the format, then (xlsx/xlsm only) workbook.xml,
its sheets and their parts, then every XML part's prolog and every worksheet's extent.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from perfeval_xl.findings.model import Finding, Location, finding
from perfeval_xl.intake.kinds import not_workbook
from perfeval_xl.intake.models import FileFormat, GateLimits, SheetInfo
from perfeval_xl.intake.opc import (
    CONTENT_TYPES_PART,
    OTHER_MAIN_TYPES,
    PACKAGE_RELS_PART,
    SPREADSHEET_MAIN_TYPES,
    VBA_CONTENT_TYPE,
    ContentTypes,
    parse_content_types,
    rels_part_for,
)
from perfeval_xl.intake.sheetcheck import HugeExtent, scan_sheet_part
from perfeval_xl.intake.xmlparts import read_relationships, read_workbook, read_xml_part
from perfeval_xl.intake.xmlsafe import XmlError, check_prolog
from perfeval_xl.intake.zipread import PartError, SafeZip

_PROLOG_CHUNK = 16 * 1024
_XML_EXTENSIONS = ("xml", "rels", "vml")


@dataclass
class PackageReport:
    format: FileFormat = FileFormat.ZIP_OTHER
    detail: str = ""
    workbook_part: str = ""
    has_vba: bool = False
    has_xlm_macros: bool = False
    sheets: list[SheetInfo] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def inspect_package(archive: SafeZip, limits: GateLimits, location: Location) -> PackageReport:
    """Classify and check a package; problems become findings on the report."""
    report = PackageReport()
    try:
        _inspect(archive, limits, location, report)
    except (PartError, XmlError) as exc:
        report.findings.append(_part_finding(exc, location))
    return report


def _part_finding(exc: PartError | XmlError, location: Location) -> Finding:
    if exc.code == "GATE_XML_UNSAFE":
        return finding(exc.code, location, part=exc.part, detail=exc.detail)
    if exc.code == "GATE_ZIP_CORRUPT":
        return finding(exc.code, location, detail=f"{exc.part}: {exc.detail}")
    return finding("GATE_STRUCTURE", location, detail=f"{exc.part}: {exc.detail}")


def _inspect(archive: SafeZip, limits: GateLimits, location: Location, report: PackageReport) -> None:
    names = archive.names()
    if archive.resolve("mimetype") is not None:
        mimetype = archive.read("mimetype", 256).decode("ascii", "replace").strip()
        if mimetype.startswith("application/vnd.oasis.opendocument."):
            _opendocument(mimetype, location, report)
            return
    if archive.resolve(CONTENT_TYPES_PART) is None:
        if any(n.lower().startswith("xl/") for n in names):
            report.format = FileFormat.XLSX
            report.findings.append(finding("GATE_STRUCTURE", location, detail=f"{CONTENT_TYPES_PART} missing"))
        else:
            report.findings.append(not_workbook(location, "zip archive"))
        return
    types = parse_content_types(read_xml_part(archive, CONTENT_TYPES_PART, limits.max_small_xml_bytes))
    main_part, main_type = _main_part(archive, types, limits)
    if main_type in OTHER_MAIN_TYPES:
        report.findings.append(not_workbook(location, OTHER_MAIN_TYPES[main_type]))
        return
    if main_type not in SPREADSHEET_MAIN_TYPES:
        if any(n.lower().startswith("xl/") for n in names):
            report.format = FileFormat.XLSX
            report.findings.append(finding("GATE_STRUCTURE", location, detail="no workbook part declared"))
        else:
            report.findings.append(not_workbook(location, "zip archive"))
        return
    fmt, report.detail = SPREADSHEET_MAIN_TYPES[main_type]
    report.format = FileFormat(fmt)
    report.workbook_part = main_part
    if report.format is FileFormat.XLSB:
        report.findings.append(finding("GATE_XLSB", location))
        return
    _inspect_workbook(archive, types, limits, location, report)


def _opendocument(mimetype: str, location: Location, report: PackageReport) -> None:
    kind = mimetype.rpartition(".")[2]
    if kind.startswith("spreadsheet"):
        report.format, report.detail = FileFormat.ODS, "ods" if kind == "spreadsheet" else "ots"
        report.findings.append(finding("GATE_ODS", location))
    else:
        report.detail = kind
        report.findings.append(not_workbook(location, f"OpenDocument {kind}"))


def _main_part(archive: SafeZip, types: ContentTypes, limits: GateLimits) -> tuple[str, str]:
    """The package's main part and its content type ("" when none is declared)."""
    if archive.resolve(PACKAGE_RELS_PART) is not None:
        for rel in read_relationships(archive, "", limits.max_small_xml_bytes):
            if rel.kind == "officeDocument" and rel.part:
                return rel.part, types.of(rel.part) or ""
    # No package rels: fall back on an override declaring a main part.
    for known in (*SPREADSHEET_MAIN_TYPES, *OTHER_MAIN_TYPES):
        found = types.parts_of_type(known)
        if found:
            return found[0], known
    return "", ""


def _inspect_workbook(archive: SafeZip, types: ContentTypes, limits: GateLimits, location: Location,
                      report: PackageReport) -> None:
    if archive.resolve(report.workbook_part) is None:
        report.findings.append(finding("GATE_STRUCTURE", location,
                                       detail=f"workbook part {report.workbook_part} missing"))
        return
    report.has_vba = any(n.lower().endswith("vbaproject.bin") or types.of(n) == VBA_CONTENT_TYPE
                         for n in archive.names())
    workbook = read_workbook(archive, report.workbook_part, limits.max_small_xml_bytes)
    if workbook.strict:
        report.findings.append(finding("GATE_OOXML_STRICT", location))
        return
    report.sheets = workbook.sheets
    report.has_xlm_macros = any(s.kind == "macrosheet" for s in workbook.sheets)
    structure = _sheet_structure(archive, workbook.sheets)
    if structure:
        report.findings.append(finding("GATE_STRUCTURE", location, detail=structure))
        return
    _check_parts(archive, types, workbook.sheets, limits, location, report)
    kinds = [k for k, present in (("VBA", report.has_vba), ("Excel 4.0 (XLM)", report.has_xlm_macros)) if present]
    if kinds:
        report.findings.append(finding("GATE_MACROS_PRESENT", location, kind=", ".join(kinds)))


def _sheet_structure(archive: SafeZip, sheets: list[SheetInfo]) -> str:
    """The first structural problem of the sheet list, or ""."""
    if not sheets:
        return "the workbook has no sheets"
    seen: set[str] = set()
    for sheet in sheets:
        if not sheet.name:
            return "a sheet has no name"
        if sheet.name.lower() in seen:
            return f"sheet name '{sheet.name}' is used twice"
        seen.add(sheet.name.lower())
        if not sheet.rel_id:
            return f"sheet '{sheet.name}' has no relationship id"
        if not sheet.part:
            return f"the part of sheet '{sheet.name}' ({sheet.rel_id}) is missing"
    return ""


def _check_parts(archive: SafeZip, types: ContentTypes, sheets: list[SheetInfo], limits: GateLimits,
                 location: Location, report: PackageReport) -> None:
    """Prolog of every XML part; full extent scan of every worksheet. One finding per problem kind."""
    worksheets = {s.part: s for s in sheets if s.kind == "worksheet"}
    # Parsed whole by xmlsafe.parse_xml already: no need to check their prologs again.
    parsed = {archive.resolve(p) for p in (CONTENT_TYPES_PART, PACKAGE_RELS_PART, report.workbook_part,
                                           rels_part_for(report.workbook_part))}
    seen_codes: set[str] = set()
    for name in archive.names():
        if name in parsed:
            continue
        try:
            if name in worksheets:
                scan_sheet_part(archive, name, limits)
            elif _is_xml(name, types):
                check_prolog(archive.iter_chunks(name, limits.max_total_uncompressed, _PROLOG_CHUNK), name)
        except HugeExtent as exc:
            if "GATE_DIMENSION_HUGE" not in seen_codes:
                seen_codes.add("GATE_DIMENSION_HUGE")
                report.findings.append(finding("GATE_DIMENSION_HUGE", location, sheet=worksheets[name].name,
                                               ref=exc.ref, detail=exc.detail))
        except (PartError, XmlError) as exc:
            found = _part_finding(exc, location)
            if found.code not in seen_codes:
                seen_codes.add(found.code)
                report.findings.append(found)


def _is_xml(name: str, types: ContentTypes) -> bool:
    if name.rpartition(".")[2].lower() in _XML_EXTENSIONS:
        return True
    content_type = types.of(name) or ""
    return content_type.endswith("xml")
