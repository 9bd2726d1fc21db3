"""Parse a zip file's directory (end record, central directory, local headers) ourselves.

zipfile trusts what it reads and, on Python < 3.11.8, does not notice entries that
overlap (CVE-2024-0450). This parser reads only headers, never file data, with every
length checked against the file; judging what it found (limits, names, overlaps) is
zipcheck's job. It raises ZipDirError only when the directory cannot be parsed at all.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Callable

ReadAt = Callable[[int, int], bytes]

_EOCD = struct.Struct("<4sHHHHIIH")  # 22 bytes
_ZIP64_LOCATOR = struct.Struct("<4sIQI")  # 20 bytes
_ZIP64_EOCD = struct.Struct("<4sQHHIIQQQQ")  # 56 bytes
_CENTRAL = struct.Struct("<4sHHHHHHIIIHHHHHII")  # 46 bytes
_LOCAL = struct.Struct("<4sHHHHHIIIHH")  # 30 bytes
_MAX_COMMENT = 0xFFFF


class ZipDirError(Exception):
    """The directory is unreadable. `too_many` is set when only the entry count is the problem."""

    def __init__(self, detail: str, too_many: int | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.too_many = too_many


@dataclass(frozen=True)
class LocalHeader:
    ok: bool  # signature present and header within the file
    name_raw: bytes = b""
    flags: int = 0
    method: int = 0
    crc: int = 0
    compressed_size: int = 0
    size: int = 0
    header_len: int = 0  # 30 + name + extra


@dataclass(frozen=True)
class ZipEntry:
    index: int
    name: str
    name_raw: bytes
    flags: int
    method: int
    crc: int
    compressed_size: int
    size: int
    offset: int  # of the local header
    local: LocalHeader

    @property
    def data_start(self) -> int:
        return self.offset + self.local.header_len

    @property
    def data_end(self) -> int:
        return self.data_start + self.compressed_size

    @property
    def is_dir(self) -> bool:
        return self.name.endswith("/")


@dataclass(frozen=True)
class ZipDirectory:
    entries: list[ZipEntry]
    cd_offset: int
    cd_size: int
    file_size: int


def read_directory(read_at: ReadAt, file_size: int, max_entries: int) -> ZipDirectory:
    """Parse the end record and central directory, then every local header."""
    eocd_pos, eocd = _find_eocd(read_at, file_size)
    _sig, disk, cd_disk, n_disk, n_total, cd_size, cd_offset, _clen = eocd
    if disk or cd_disk or n_disk != n_total:
        raise ZipDirError("spanned (multi-disk) archive")
    cd_end_limit = eocd_pos
    if n_total == 0xFFFF or 0xFFFFFFFF in (cd_size, cd_offset):
        n_total, cd_size, cd_offset, cd_end_limit = _zip64_end(read_at, eocd_pos)
    if n_total > max_entries:
        raise ZipDirError(f"{n_total} entries", too_many=n_total)
    if cd_offset + cd_size != cd_end_limit:
        # Excel, WPS and LibreOffice never prepend or insert data: treat it as damage.
        raise ZipDirError("central directory is not where the end record says")
    cd = read_at(cd_offset, cd_size)
    if len(cd) != cd_size:
        raise ZipDirError("central directory truncated")
    entries = _parse_central(read_at, cd, n_total, file_size)
    return ZipDirectory(entries=entries, cd_offset=cd_offset, cd_size=cd_size, file_size=file_size)


def _find_eocd(read_at: ReadAt, file_size: int) -> tuple[int, tuple]:
    if file_size < _EOCD.size:
        raise ZipDirError("file too short for a zip")
    tail_len = min(file_size, _EOCD.size + _MAX_COMMENT)
    tail = read_at(file_size - tail_len, tail_len)
    pos = tail.rfind(b"PK\x05\x06")
    while pos >= 0:
        if pos + _EOCD.size <= len(tail):
            fields = _EOCD.unpack_from(tail, pos)
            # Strict: the comment must end exactly at the end of the file.
            if pos + _EOCD.size + fields[7] == len(tail):
                return file_size - tail_len + pos, fields
        pos = tail.rfind(b"PK\x05\x06", 0, pos)
    raise ZipDirError("end of central directory not found (truncated?)")


def _zip64_end(read_at: ReadAt, eocd_pos: int) -> tuple[int, int, int, int]:
    if eocd_pos < _ZIP64_LOCATOR.size:
        raise ZipDirError("zip64 locator missing")
    sig, disk, rec_offset, n_disks = _ZIP64_LOCATOR.unpack(read_at(eocd_pos - _ZIP64_LOCATOR.size, _ZIP64_LOCATOR.size))
    if sig != b"PK\x06\x07" or disk or n_disks > 1:
        raise ZipDirError("zip64 locator missing or spanned")
    raw = read_at(rec_offset, _ZIP64_EOCD.size)
    if len(raw) != _ZIP64_EOCD.size:
        raise ZipDirError("zip64 end record truncated")
    sig, _rec_size, _vm, _vn, disk, cd_disk, n_disk, n_total, cd_size, cd_offset = _ZIP64_EOCD.unpack(raw)
    if sig != b"PK\x06\x06" or disk or cd_disk or n_disk != n_total:
        raise ZipDirError("zip64 end record bad")
    return n_total, cd_size, cd_offset, rec_offset


def _parse_central(read_at: ReadAt, cd: bytes, n_total: int, file_size: int) -> list[ZipEntry]:
    entries: list[ZipEntry] = []
    pos = 0
    for index in range(n_total):
        if pos + _CENTRAL.size > len(cd):
            raise ZipDirError("central directory ends early")
        (sig, _vmade, _vneed, flags, method, _time, _date, crc, csize, usize, nlen, elen, clen,
         disk, _iattr, _eattr, offset) = _CENTRAL.unpack_from(cd, pos)
        if sig != b"PK\x01\x02":
            raise ZipDirError(f"central directory entry {index} has a bad signature")
        end = pos + _CENTRAL.size + nlen + elen + clen
        if end > len(cd):
            raise ZipDirError(f"central directory entry {index} runs past the directory")
        name_raw = cd[pos + _CENTRAL.size: pos + _CENTRAL.size + nlen]
        extra = cd[pos + _CENTRAL.size + nlen: pos + _CENTRAL.size + nlen + elen]
        if 0xFFFFFFFF in (csize, usize, offset) or disk == 0xFFFF:
            usize, csize, offset = _zip64_extra(extra, usize, csize, offset)
        name = name_raw.decode("utf-8" if flags & 0x800 else "cp437", errors="replace")
        local = _read_local(read_at, offset, file_size)
        entries.append(ZipEntry(index, name, name_raw, flags, method, crc, csize, usize, offset, local))
        pos = end
    if pos != len(cd):
        raise ZipDirError("central directory holds more than the end record says")
    return entries


def _zip64_extra(extra: bytes, usize: int, csize: int, offset: int) -> tuple[int, int, int]:
    pos = 0
    while pos + 4 <= len(extra):
        tag, size = struct.unpack_from("<HH", extra, pos)
        if tag == 0x0001:
            data = extra[pos + 4: pos + 4 + size]
            values = list(struct.unpack_from(f"<{len(data) // 8}Q", data)) if len(data) >= 8 else []
            wanted = [usize == 0xFFFFFFFF, csize == 0xFFFFFFFF, offset == 0xFFFFFFFF]
            out = [usize, csize, offset]
            for i, need in enumerate(wanted):
                if need:
                    if not values:
                        raise ZipDirError("zip64 extra field too short")
                    out[i] = values.pop(0)
            return out[0], out[1], out[2]
        pos += 4 + size
    raise ZipDirError("zip64 sizes without a zip64 extra field")


def _read_local(read_at: ReadAt, offset: int, file_size: int) -> LocalHeader:
    if offset + _LOCAL.size > file_size:
        return LocalHeader(ok=False)
    raw = read_at(offset, _LOCAL.size)
    sig, _ver, flags, method, _t, _d, crc, csize, usize, nlen, elen = _LOCAL.unpack(raw)
    if sig != b"PK\x03\x04" or offset + _LOCAL.size + nlen + elen > file_size:
        return LocalHeader(ok=False)
    name_raw = read_at(offset + _LOCAL.size, nlen)
    return LocalHeader(True, name_raw, flags, method, crc, csize, usize, _LOCAL.size + nlen + elen)
