"""The intake gate: decide from a file's bytes whether a reader may open it.

    result = gate_file(path)            # GateResult: format, VBA present, parts, findings
    result, archive = gate_open(path)   # the same, plus a SafeZip when the file was accepted

The gate sniffs magic bytes (never the extension), classifies OLE2 containers by
their streams, checks a zip's directory against GateLimits before anything is
decompressed, then checks the package structure, every XML part's prolog and every
sheet's extent. It never raises for bad data; a bug in a check becomes a
GATE_INTERNAL_ERROR finding. MemoryError is let through so that the isolation layer
can report WORKER_MEMORY.
"""

from __future__ import annotations

import os
from pathlib import Path

from perfeval_xl.findings.model import Finding, Location, finding
from perfeval_xl.intake.cfb import CfbError
from perfeval_xl.intake.cfb import read_directory as read_cfb_directory
from perfeval_xl.intake.kinds import not_workbook
from perfeval_xl.intake.models import FileFormat, GateLimits, GateResult, ZipPart
from perfeval_xl.intake.package import inspect_package
from perfeval_xl.intake.sniff import HEAD_BYTES, sniff
from perfeval_xl.intake.zipcheck import check_directory
from perfeval_xl.intake.zipdir import ZipDirError
from perfeval_xl.intake.zipdir import read_directory as read_zip_directory
from perfeval_xl.intake.zipread import ByteSource, BytesSource, FileSource, SafeZip

_DEFAULT_LIMITS = GateLimits()
_SNIFF_FORMATS = {
    "pdf": FileFormat.PDF,
    "html": FileFormat.HTML,
    "csv": FileFormat.CSV,
    "text": FileFormat.TEXT,
    "unknown": FileFormat.UNKNOWN,
}


def gate_file(path: str | os.PathLike[str], limits: GateLimits = _DEFAULT_LIMITS) -> GateResult:
    """Check one file; never raises for bad data."""
    return gate_open(path, limits)[0]


def gate_open(path: str | os.PathLike[str],
              limits: GateLimits = _DEFAULT_LIMITS) -> tuple[GateResult, SafeZip | None]:
    """Check one file and, when it is an accepted xlsx/xlsm, return its SafeZip for the reader."""
    location = Location(file=str(path))
    try:
        return _gate(Path(path), limits, location)
    except MemoryError:
        raise
    except Exception as exc:  # a bug in a check must not stop the batch
        detail = f"{type(exc).__name__}: {exc}"[:300]
        return GateResult(path=str(path), findings=[finding("GATE_INTERNAL_ERROR", location, detail=detail)]), None


def _gate(path: Path, limits: GateLimits, location: Location) -> tuple[GateResult, SafeZip | None]:
    try:
        handle = open(path, "rb")
    except OSError as exc:
        return _result(path, 0, FileFormat.UNKNOWN, [_unreadable(exc, location)]), None
    with handle:
        try:
            size = os.fstat(handle.fileno()).st_size
            if size == 0:
                return _result(path, 0, FileFormat.EMPTY, [finding("GATE_EMPTY", location)]), None
            # Whole small files are read at once: one system call, then slicing.
            whole = size <= limits.max_file_bytes
            source: ByteSource = BytesSource(handle.read()) if whole else FileSource(handle)
            size = source.size
        except OSError as exc:
            return _result(path, 0, FileFormat.UNKNOWN, [_unreadable(exc, location)]), None
        if size == 0:
            return _result(path, 0, FileFormat.EMPTY, [finding("GATE_EMPTY", location)]), None
        sniffed = sniff(source.read_at(0, HEAD_BYTES))
        if sniffed.kind == "ole2":
            return _gate_ole(path, source, limits, location), None
        if sniffed.kind == "zip":
            if not whole:
                return _result(path, size, FileFormat.ZIP_OTHER, [finding(
                    "GATE_ZIP_BOMB", location, detail=f"file is {size} bytes, limit {limits.max_file_bytes}")]), None
            return _gate_zip(path, source, limits, location)
        fmt = _SNIFF_FORMATS.get(sniffed.kind, FileFormat.UNKNOWN)
        return _result(path, size, fmt, [not_workbook(location, sniffed.label)],
                       detail=sniffed.label), None


def _unreadable(exc: OSError, location: Location) -> Finding:
    return finding("GATE_FILE_UNREADABLE", location, detail=f"{type(exc).__name__}: {exc.strerror or exc}")


def _result(path: Path, size: int, fmt: FileFormat, findings: list[Finding], **fields: object) -> GateResult:
    return GateResult(path=str(path), size=size, format=fmt, findings=findings, **fields)


def _gate_ole(path: Path, source: ByteSource, limits: GateLimits, location: Location) -> GateResult:
    try:
        entries = read_cfb_directory(source.read_at, source.size, limits.ole_max_directory_entries)
    except CfbError as exc:
        return _result(path, source.size, FileFormat.OLE_OTHER,
                       [finding("GATE_OLE_CORRUPT", location, detail=str(exc))])
    # Stream names compare case-insensitively in MS-CFB.
    top = {e.path.lower() for e in entries if "/" not in e.path}
    if {"encryptioninfo", "encryptedpackage"} <= top:
        return _result(path, source.size, FileFormat.ENCRYPTED, [finding("GATE_ENCRYPTED", location)],
                       detail="encrypted OOXML")
    for stream, detail in (("workbook", "BIFF8"), ("book", "BIFF5")):
        if stream in top:
            has_vba = any(e.path.lower().startswith("_vba_project_cur/") for e in entries)
            return _result(path, source.size, FileFormat.LEGACY_XLS,
                           [finding("GATE_LEGACY_XLS", location, kind=".xls/.et")],
                           detail=detail, has_vba=has_vba)
    kind = "Word document (doc)" if "worddocument" in top else (
        "PowerPoint (ppt)" if "powerpoint document" in top else "OLE2 compound file")
    return _result(path, source.size, FileFormat.OLE_OTHER, [not_workbook(location, kind)],
                   detail=kind)


def _gate_zip(path: Path, source: ByteSource, limits: GateLimits,
              location: Location) -> tuple[GateResult, SafeZip | None]:
    try:
        directory = read_zip_directory(source.read_at, source.size, limits.max_parts)
    except ZipDirError as exc:
        if exc.too_many is not None:
            found = finding("GATE_ZIP_TOO_MANY_PARTS", location, count=exc.too_many, limit=limits.max_parts)
        else:
            found = finding("GATE_ZIP_CORRUPT", location, detail=exc.detail)
        return _result(path, source.size, FileFormat.ZIP_OTHER, [found]), None
    parts = [ZipPart(name=e.name, size=e.size, compressed_size=e.compressed_size, method=e.method, offset=e.offset)
             for e in directory.entries if not e.is_dir]
    problems = check_directory(directory, limits, location)
    if problems:
        return _result(path, source.size, FileFormat.ZIP_OTHER, problems, parts=parts), None
    archive = SafeZip(source, directory)
    report = inspect_package(archive, limits, location)
    result = _result(path, source.size, report.format, report.findings, parts=parts, detail=report.detail,
                     has_vba=report.has_vba, has_xlm_macros=report.has_xlm_macros,
                     workbook_part=report.workbook_part, sheets=report.sheets)
    return result, (archive if result.accepted else None)
