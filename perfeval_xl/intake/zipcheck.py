"""Judge a parsed zip directory against the gate's limits, before anything is decompressed.

Each kind of problem becomes one finding (its first example plus a count), so a
hostile file with 2,000 bad names yields a handful of findings, not thousands.
"""

from __future__ import annotations

import re

from perfeval_xl.findings.model import Finding, Location, finding
from perfeval_xl.intake.models import GateLimits
from perfeval_xl.intake.zipdir import ZipDirectory, ZipEntry

ALLOWED_METHODS = {0: "stored", 8: "deflate"}
_METHOD_NAMES = {1: "shrink", 6: "implode", 9: "deflate64", 12: "bzip2", 14: "LZMA", 19: "LZ77",
                 93: "zstd", 95: "xz", 96: "JPEG", 97: "WavPack", 98: "PPMd", 99: "AES"}
_FLAG_ENCRYPTED = 0x0001
_FLAG_STRONG_ENCRYPTION = 0x0040
_FLAG_DATA_DESCRIPTOR = 0x0008
_DRIVE = re.compile(r"^[A-Za-z]:")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class _Collector:
    """First example and count per code, in the order problems were met."""

    def __init__(self, location: Location) -> None:
        self._location = location
        self._seen: dict[str, tuple[dict[str, object], int]] = {}

    def add(self, code: str, **params: object) -> None:
        first, count = self._seen.get(code, (params, 0))
        self._seen[code] = (first, count + 1)

    def findings(self) -> list[Finding]:
        return [finding(code, self._location, **params, count=count)
                for code, (params, count) in self._seen.items()]


def check_directory(directory: ZipDirectory, limits: GateLimits, location: Location) -> list[Finding]:
    """Findings for every limit the directory breaks; empty when it is safe to read."""
    out = _Collector(location)
    _check_names(directory.entries, limits, out)
    _check_methods_and_sizes(directory.entries, limits, out)
    overlapping = _check_overlaps(directory, out)
    _check_local_headers(directory.entries, overlapping, out)
    return out.findings()


def name_problem(name: str, name_raw: bytes, max_bytes: int) -> str | None:
    """Why a part name is unsafe or ambiguous, or None."""
    if not name:
        return "empty name"
    if len(name_raw) > max_bytes:
        return "name too long"
    if "\\" in name:
        return "backslash in name"
    if name.startswith("/"):
        return "absolute path"
    if _DRIVE.match(name):
        return "drive letter"
    if _CONTROL.search(name):
        return "control character in name"
    if "\ufffd" in name:
        return "name is not valid UTF-8"
    segments = name[:-1].split("/") if name.endswith("/") else name.split("/")
    if ".." in segments:
        return "parent directory (..)"
    if "." in segments or "" in segments:
        return "non-canonical path"
    return None


def _check_names(entries: list[ZipEntry], limits: GateLimits, out: _Collector) -> None:
    seen: set[str] = set()
    for entry in entries:
        problem = name_problem(entry.name, entry.name_raw, limits.max_name_bytes)
        if problem:
            out.add("GATE_ZIP_PATH", part=entry.name[:200], detail=problem)
        # OPC part names compare case-insensitively: "XL/Workbook.xml" duplicates "xl/workbook.xml".
        key = entry.name.lower()
        if key in seen:
            out.add("GATE_ZIP_DUPLICATE", part=entry.name[:200])
        seen.add(key)


def _check_methods_and_sizes(entries: list[ZipEntry], limits: GateLimits, out: _Collector) -> None:
    total = 0
    for entry in entries:
        total += entry.size
        if entry.flags & (_FLAG_ENCRYPTED | _FLAG_STRONG_ENCRYPTION) or entry.method == 99:
            out.add("GATE_ZIP_ENCRYPTED", part=entry.name[:200])
        elif entry.method not in ALLOWED_METHODS:
            label = _METHOD_NAMES.get(entry.method, "unknown")
            out.add("GATE_ZIP_METHOD", part=entry.name[:200], method=f"{label} ({entry.method})")
        if entry.method == 0 and entry.compressed_size != entry.size:
            out.add("GATE_ZIP_CORRUPT", detail=f"stored part '{entry.name[:200]}' has two different sizes")
        elif entry.compressed_size == 0 and entry.size > 0:
            out.add("GATE_ZIP_CORRUPT", detail=f"part '{entry.name[:200]}' has no data but a size")
        elif entry.size > limits.ratio_min_size and entry.size > entry.compressed_size * limits.max_ratio:
            ratio = entry.size // max(1, entry.compressed_size)
            out.add("GATE_ZIP_BOMB", detail=f"part '{entry.name[:200]}' expands {ratio}:1")
    if total > limits.max_total_uncompressed:
        out.add("GATE_ZIP_BOMB", detail=f"{total} bytes declared in total, limit {limits.max_total_uncompressed}")


def _check_overlaps(directory: ZipDirectory, out: _Collector) -> set[int]:
    """Indexes of entries whose byte ranges overlap another entry or the central directory."""
    overlapping: set[int] = set()
    spans = []
    for entry in directory.entries:
        end = entry.data_end if entry.local.ok else entry.offset + 1
        spans.append((entry.offset, end, entry))
    spans.sort(key=lambda span: (span[0], span[1]))
    prev_end, prev_entry = -1, None
    for start, end, entry in spans:
        if prev_entry is not None and start < prev_end:
            overlapping.update((entry.index, prev_entry.index))
            out.add("GATE_ZIP_OVERLAP", part=entry.name[:200], detail=f"starts inside '{prev_entry.name[:200]}'")
        if end > directory.cd_offset:
            overlapping.add(entry.index)
            out.add("GATE_ZIP_OVERLAP", part=entry.name[:200], detail="runs into the central directory")
        if end > prev_end:
            prev_end, prev_entry = end, entry
    return overlapping


def _check_local_headers(entries: list[ZipEntry], overlapping: set[int], out: _Collector) -> None:
    for entry in entries:
        if entry.index in overlapping:
            continue  # already reported; a mismatch there is the overlap, not a second problem
        local = entry.local
        name = entry.name[:200]
        if not local.ok:
            out.add("GATE_ZIP_CORRUPT", detail=f"local header of '{name}' missing")
            continue
        if local.name_raw != entry.name_raw:
            out.add("GATE_ZIP_CORRUPT", detail=f"local and central names of '{name}' differ")
        elif local.method != entry.method:
            out.add("GATE_ZIP_CORRUPT", detail=f"local and central methods of '{name}' differ")
        elif local.flags & (_FLAG_ENCRYPTED | _FLAG_STRONG_ENCRYPTION) and not entry.flags & _FLAG_ENCRYPTED:
            out.add("GATE_ZIP_ENCRYPTED", part=name)
        elif not local.flags & _FLAG_DATA_DESCRIPTOR and _sizes_differ(local.compressed_size, local.size, entry):
            out.add("GATE_ZIP_CORRUPT", detail=f"local and central sizes of '{name}' differ")


def _sizes_differ(csize: int, usize: int, entry: ZipEntry) -> bool:
    if 0xFFFFFFFF in (csize, usize):
        return False  # zip64: real sizes live in the local extra field; the central ones rule
    return (csize, usize) != (entry.compressed_size, entry.size)
