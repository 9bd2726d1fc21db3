"""Unit tests of the gate's parts: sniffing, the CFB reader, zip directory and part reads."""

from __future__ import annotations

import io
import struct
import zipfile

import pytest

from perfeval_xl.findings.model import Location
from perfeval_xl.intake import gate as gate_module
from perfeval_xl.intake.batch import gate_many
from perfeval_xl.intake.cfb import CfbError
from perfeval_xl.intake.cfb import read_directory as read_cfb
from perfeval_xl.intake.gate import gate_file, gate_open
from perfeval_xl.intake.isolation import IsolationLimits
from perfeval_xl.intake.models import FileFormat, GateLimits
from perfeval_xl.intake.opc import rels_part_for, resolve_target
from perfeval_xl.intake.sniff import sniff
from perfeval_xl.intake.zipcheck import check_directory, name_problem
from perfeval_xl.intake.zipdir import read_directory as read_zip
from perfeval_xl.intake.zipread import BytesSource, PartCorrupt, PartTooLarge, SafeZip
from tests.hostile.builders import (
    base_xlsx,
    build_cfb,
    build_zip,
    entries_of,
    set_sizes,
)

LIMITS = GateLimits()


def _safezip(data: bytes) -> SafeZip:
    source = BytesSource(data)
    return SafeZip(source, read_zip(source.read_at, source.size, 2000))


# ----------------------------------------------------------------------------- sniff

@pytest.mark.parametrize("head, kind, label", [
    (b"", "empty", "empty file"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "ole2", "OLE2 compound file"),
    (b"PK\x03\x04rest", "zip", "zip"),
    (b"PK\x05\x06" + bytes(18), "zip", "zip"),
    (b"%PDF-1.4", "pdf", "PDF"),
    (b"Rar!\x1a\x07\x00", "unknown", "RAR archive"),
    ("<!DOCTYPE html><html>".encode(), "html", "HTML web page"),
    ("\ufeff名称,值\n甲,1\n".encode("utf-8"), "csv", "CSV text"),
    ("名称\t值\n甲\t1\n".encode("utf-16"), "csv", "CSV text"),  # Excel's "Unicode text"
    ("一段说明文字".encode("gbk"), "text", "plain text"),
    (b"\x00\x01\x02\x03binary", "unknown", "unknown binary data"),
])
def test_sniff(head, kind, label):
    sniffed = sniff(head)
    assert (sniffed.kind, sniffed.label) == (kind, label)


# ----------------------------------------------------------------------------- CFB

def test_cfb_lists_root_streams():
    data = build_cfb(["Workbook", "\x05SummaryInformation", "\x05DocumentSummaryInformation"])
    entries = read_cfb(lambda o, n: data[o:o + n], len(data))
    assert sorted(e.path for e in entries) == ["\x05DocumentSummaryInformation", "\x05SummaryInformation",
                                                "Workbook"]
    assert {e.kind for e in entries} == {"stream"}


@pytest.mark.parametrize("mutate, message", [
    (lambda d: d[:100], "header truncated"),
    (lambda d: d[:28] + b"\xff\xff" + d[30:], "bad signature or byte order"),
    (lambda d: d[:30] + struct.pack("<H", 10) + d[32:], "unsupported version"),
])
def test_cfb_damage_raises(mutate, message):
    data = mutate(build_cfb(["Workbook"]))
    with pytest.raises(CfbError, match=message):
        read_cfb(lambda o, n: data[o:o + n], len(data))


def test_cfb_entry_limit_is_enforced():
    data = build_cfb([f"s{i}" for i in range(40)])
    with pytest.raises(CfbError, match="limit"):
        read_cfb(lambda o, n: data[o:o + n], len(data), max_entries=8)


# ----------------------------------------------------------------------------- zip directory

@pytest.mark.parametrize("name, problem", [
    ("xl/workbook.xml", None),
    ("xl/", None),
    ("", "empty name"),
    ("/xl/workbook.xml", "absolute path"),
    ("xl/../../x", "parent directory (..)"),
    ("xl\\workbook.xml", "backslash in name"),
    ("c:/x", "drive letter"),
    ("xl/a\x00b", "control character in name"),
    ("xl//workbook.xml", "non-canonical path"),
    ("xl/./workbook.xml", "non-canonical path"),
    ("x" * 2000, "name too long"),
])
def test_name_problem(name, problem):
    assert name_problem(name, name.encode(), 1024) == problem


def _to_zip64_end_record(data: bytes) -> bytes:
    """Rewrite the end record the zip64 way (as writers do for big archives)."""
    pos = data.rfind(b"PK\x05\x06")
    _sig, _d, _cd, _n1, n_total, cd_size, cd_offset, _clen = struct.unpack_from("<4sHHHHIIH", data, pos)
    record = struct.pack("<4sQHHIIQQQQ", b"PK\x06\x06", 44, 45, 45, 0, 0, n_total, n_total, cd_size, cd_offset)
    locator = struct.pack("<4sIQI", b"PK\x06\x07", 0, pos, 1)
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    return data[:pos] + record + locator + end


def test_zip64_end_record_and_zip64_local_headers_are_accepted(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for name, body in entries_of(base_xlsx()):
            with out.open(name, "w", force_zip64=True) as handle:  # zip64 extra in local headers
                handle.write(body)
    path = tmp_path / "zip64.xlsx"
    path.write_bytes(_to_zip64_end_record(buf.getvalue()))
    result = gate_file(path)
    assert result.accepted, result.findings
    assert result.format is FileFormat.XLSX
    assert len(result.parts) == 10


def test_directory_check_reports_each_problem_kind_once_with_count():
    entries = entries_of(base_xlsx()) + [(f"../evil{i}", b"x") for i in range(5)] + [("/abs", b"x")]
    data = build_zip(entries)
    source = BytesSource(data)
    findings = check_directory(read_zip(source.read_at, source.size, 2000), LIMITS, Location(file="f"))
    assert [(f.code, f.params["count"]) for f in findings] == [("GATE_ZIP_PATH", 6)]
    assert findings[0].params["part"] == "../evil0"


# ----------------------------------------------------------------------------- part reads

def test_safezip_reads_stored_and_deflated_parts():
    data = build_zip([("a.txt", b"hello" * 1000, zipfile.ZIP_STORED), ("b.txt", b"world" * 1000)])
    archive = _safezip(data)
    assert archive.read("a.txt", 10_000) == b"hello" * 1000
    assert archive.read("B.TXT", 10_000) == b"world" * 1000  # OPC: case-insensitive fallback
    with pytest.raises(PartTooLarge):
        archive.read("b.txt", 4999)


def test_safezip_refuses_a_part_larger_than_declared():
    body = b"a" * 100_000
    data = set_sizes(build_zip([("a.txt", body)]), 0, size=1000)
    with pytest.raises(PartCorrupt, match="beyond its declared size"):
        _safezip(data).read("a.txt", 1_000_000)


def test_safezip_reports_a_part_shorter_than_declared():
    data = build_zip([("a.txt", b"x" * 1000)])
    archive = _safezip(set_sizes(data, 0, size=2000))
    with pytest.raises(PartCorrupt, match="shorter than its declared size"):
        archive.read("a.txt", 10_000)


def test_safezip_reports_a_compressed_stream_cut_short():
    body = bytes(range(256)) * 400
    data = build_zip([("a.txt", body)])
    info = zipfile.ZipFile(io.BytesIO(data)).infolist()[0]
    archive = _safezip(set_sizes(data, 0, compressed=info.compress_size // 2, local=False))
    with pytest.raises(PartCorrupt):
        archive.read("a.txt", 1_000_000)


# ----------------------------------------------------------------------------- OPC helpers

@pytest.mark.parametrize("source, target, part", [
    ("xl/workbook.xml", "worksheets/sheet1.xml", "xl/worksheets/sheet1.xml"),
    ("xl/workbook.xml", "/xl/worksheets/sheet1.xml", "xl/worksheets/sheet1.xml"),
    ("xl/worksheets/sheet1.xml", "../drawings/d1.xml", "xl/drawings/d1.xml"),
    ("xl/workbook.xml", "../../../etc/passwd", ""),
    ("xl/workbook.xml", "sheet%201.xml", "xl/sheet 1.xml"),
    ("", "xl/workbook.xml", "xl/workbook.xml"),
])
def test_resolve_target(source, target, part):
    assert resolve_target(source, target) == part


def test_rels_part_for():
    assert rels_part_for("") == "_rels/.rels"
    assert rels_part_for("xl/workbook.xml") == "xl/_rels/workbook.xml.rels"


# ----------------------------------------------------------------------------- the gate itself

def test_gate_open_returns_the_archive_only_when_accepted(tmp_path):
    good = tmp_path / "good.bin"
    good.write_bytes(base_xlsx())
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"%PDF-1.7")
    result, archive = gate_open(good)
    assert result.accepted and archive is not None
    assert result.workbook_part == "xl/workbook.xml"
    assert [s.state for s in result.sheets] == ["visible", "veryHidden"]
    assert {p.name for p in result.parts} >= {"xl/workbook.xml", "xl/worksheets/sheet1.xml"}
    assert all(p.method == 8 for p in result.parts)
    assert archive.read("xl/workbook.xml", 10_000).startswith(b"<workbook")
    result, archive = gate_open(bad)
    assert not result.accepted and archive is None
    assert result.format is FileFormat.PDF


def test_a_bug_in_a_check_becomes_an_internal_error_finding(tmp_path, monkeypatch):
    path = tmp_path / "x.xlsx"
    path.write_bytes(base_xlsx())

    def broken(*_args, **_kwargs):
        raise KeyError("oops")

    monkeypatch.setattr(gate_module, "inspect_package", broken)
    result = gate_file(path)
    assert result.codes == ["GATE_INTERNAL_ERROR"]
    assert result.findings[0].params["detail"] == "KeyError: 'oops'"
    assert not result.accepted


def test_memory_error_is_not_swallowed(tmp_path, monkeypatch):
    path = tmp_path / "x.xlsx"
    path.write_bytes(base_xlsx())

    def exhausted(*_args, **_kwargs):
        raise MemoryError

    monkeypatch.setattr(gate_module, "inspect_package", exhausted)
    with pytest.raises(MemoryError):
        gate_file(path)


def test_missing_file_is_unreadable(tmp_path):
    result = gate_file(tmp_path / "nope.xlsx")
    assert result.codes == ["GATE_FILE_UNREADABLE"]
    assert "FileNotFoundError" in result.findings[0].params["detail"]


def test_limits_are_configurable(tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_bytes(base_xlsx())
    assert gate_file(path, GateLimits(max_parts=5)).codes == ["GATE_ZIP_TOO_MANY_PARTS"]
    assert gate_file(path, GateLimits(max_total_uncompressed=10_000)).codes == ["GATE_ZIP_BOMB"]
    assert gate_file(path, GateLimits(max_rows=10)).codes == ["GATE_DIMENSION_HUGE"]


def test_gate_many_in_order_with_worker_failures_as_results(tmp_path):
    good = tmp_path / "a.xlsx"
    good.write_bytes(base_xlsx())
    empty = tmp_path / "b.xlsx"
    empty.write_bytes(b"")
    results = gate_many([good, empty, good], isolation=IsolationLimits(workers=2))
    assert [r.codes for r in results] == [[], ["GATE_EMPTY"], []]
    assert [r.path for r in results] == [str(good), str(empty), str(good)]


def test_formats_and_macro_flags_of_corpus_cases(tmp_path):
    from tests.hostile.corpus import CASES

    by_name = {case.name: case for case in CASES}
    expected = {
        "xlsm_with_vba_project": (FileFormat.XLSM, "xlsm", True, False),
        "xlsx_holding_vba_bin": (FileFormat.XLSX, "xlsx", True, False),
        "xlm_macro_sheet": (FileFormat.XLSX, "xlsx", False, True),
        "valid_xltx_template": (FileFormat.XLSX, "xltx", False, False),
        "legacy_et_book_stream": (FileFormat.LEGACY_XLS, "BIFF5", False, False),
        "encrypted_ooxml": (FileFormat.ENCRYPTED, "encrypted OOXML", False, False),
        "ods_spreadsheet": (FileFormat.ODS, "ods", False, False),
        "xlsb_binary_workbook": (FileFormat.XLSB, "xlsb", False, False),
    }
    for name, (fmt, detail, vba, xlm) in expected.items():
        path = tmp_path / name
        path.write_bytes(by_name[name].build())
        result = gate_file(path)
        assert (result.format, result.detail, result.has_vba, result.has_xlm_macros) == (fmt, detail, vba, xlm), name
