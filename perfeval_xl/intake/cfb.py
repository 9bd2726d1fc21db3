"""A small, bounded reader of an OLE2 compound file's directory (MS-CFB).

The gate only needs the stream names to tell an encrypted OOXML package
(EncryptionInfo + EncryptedPackage) from a legacy BIFF workbook (Workbook or Book) or
another Office document. Every chain walk is bounded and cycle-checked, because the
input is untrusted; any inconsistency raises CfbError.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Callable

from perfeval_xl.intake.sniff import OLE2_MAGIC

ReadAt = Callable[[int, int], bytes]

_HEADER = struct.Struct("<8s16sHHHHH6sIIIIIIIII")
_DIR_ENTRY = struct.Struct("<64sHBBIII16sIQQIQ")
_MAXREGSECT = 0xFFFFFFFA
_ENDOFCHAIN = 0xFFFFFFFE
_NOSTREAM = 0xFFFFFFFF
_TYPE_NAMES = {1: "storage", 2: "stream", 5: "root"}


class CfbError(Exception):
    """The compound file's structure is damaged or hostile."""


@dataclass(frozen=True)
class CfbEntry:
    path: str  # "Workbook", "\x06DataSpaces/Version"
    kind: str  # storage | stream
    size: int


def read_directory(read_at: ReadAt, file_size: int, max_entries: int = 4096) -> list[CfbEntry]:
    """List the storages and streams reachable from the root entry."""
    header = read_at(0, 512)
    if len(header) < 512:
        raise CfbError("header truncated")
    (magic, _clsid, _minor, major, byte_order, sector_shift, mini_shift, _res, n_dir_sectors,
     n_fat_sectors, first_dir, _txn, _cutoff, _first_minifat, _n_minifat, first_difat,
     n_difat) = _HEADER.unpack_from(header, 0)
    if magic != OLE2_MAGIC or byte_order != 0xFFFE:
        raise CfbError("bad signature or byte order")
    if (major, sector_shift) not in ((3, 9), (4, 12)):
        raise CfbError(f"unsupported version {major} / sector shift {sector_shift}")
    sector_size = 1 << sector_shift
    n_sectors = max(0, (file_size - sector_size + sector_size - 1) // sector_size)
    header_difat = struct.unpack_from("<109I", header, 76)
    fat = _FatReader(read_at, sector_size, n_sectors, header_difat, first_difat, n_difat, n_fat_sectors)
    entries = _read_entries(read_at, fat, first_dir, sector_size, n_sectors, max_entries)
    return _walk_tree(entries, max_entries)


class _FatReader:
    """Looks up FAT entries lazily: only the sectors a chain walk touches are read."""

    def __init__(self, read_at: ReadAt, sector_size: int, n_sectors: int, header_difat: tuple[int, ...],
                 first_difat: int, n_difat: int, n_fat_sectors: int) -> None:
        self._read_at = read_at
        self._ss = sector_size
        self._n_sectors = n_sectors
        self._per_sector = sector_size // 4
        self._fat_sectors = [s for s in header_difat[:min(109, n_fat_sectors)]]
        self._next_difat = first_difat
        self._difat_left = min(n_difat, n_sectors)
        self._n_fat_sectors = n_fat_sectors
        self._seen_difat: set[int] = set()

    def sector_offset(self, sector: int) -> int:
        if sector > _MAXREGSECT or sector >= self._n_sectors:
            raise CfbError(f"sector {sector} outside the file")
        return (sector + 1) * self._ss

    def next(self, sector: int) -> int:
        index, slot = divmod(sector, self._per_sector)
        fat_sector = self._fat_sector(index)
        raw = self._read_at(self.sector_offset(fat_sector) + slot * 4, 4)
        if len(raw) < 4:
            raise CfbError("FAT truncated")
        return struct.unpack("<I", raw)[0]

    def _fat_sector(self, index: int) -> int:
        if index >= self._n_fat_sectors:
            raise CfbError("chain points beyond the FAT")
        while index >= len(self._fat_sectors):
            self._load_difat_sector()
        return self._fat_sectors[index]

    def _load_difat_sector(self) -> None:
        sector = self._next_difat
        if self._difat_left <= 0 or sector > _MAXREGSECT or sector in self._seen_difat:
            raise CfbError("DIFAT chain broken")
        self._seen_difat.add(sector)
        self._difat_left -= 1
        raw = self._read_at(self.sector_offset(sector), self._ss)
        if len(raw) < self._ss:
            raise CfbError("DIFAT sector truncated")
        values = struct.unpack(f"<{self._per_sector}I", raw)
        self._fat_sectors.extend(values[:-1])
        self._next_difat = values[-1]


def _read_entries(read_at: ReadAt, fat: _FatReader, first_dir: int, sector_size: int, n_sectors: int,
                  max_entries: int) -> list[bytes]:
    entries: list[bytes] = []
    seen: set[int] = set()
    sector = first_dir
    max_dir_sectors = max(1, max_entries * 128 // sector_size)
    while sector != _ENDOFCHAIN:
        if sector in seen:
            raise CfbError("directory chain loops")
        if len(seen) >= max_dir_sectors:
            raise CfbError("directory larger than the limit")
        seen.add(sector)
        raw = read_at(fat.sector_offset(sector), sector_size)
        if len(raw) < sector_size:
            raw = raw + bytes(sector_size - len(raw))  # a short last sector: pad, entries stay checked
        entries.extend(raw[i:i + 128] for i in range(0, sector_size, 128))
        sector = fat.next(sector)
    if not entries:
        raise CfbError("no directory")
    return entries


def _entry_fields(raw: bytes) -> tuple[str, int, int, int, int, int]:
    (name_raw, name_len, kind, _color, left, right, child, _clsid, _state, _created, _modified,
     _start, size) = _DIR_ENTRY.unpack(raw)
    if name_len > 64 or name_len % 2:
        raise CfbError("bad directory entry name length")
    name = name_raw[:max(0, name_len - 2)].decode("utf-16-le", errors="replace")
    return name, kind, left, right, child, size


def _walk_tree(entries: list[bytes], max_entries: int) -> list[CfbEntry]:
    """Walk the red-black trees from the root: only reachable entries count."""
    root_name, root_kind, _l, _r, root_child, _s = _entry_fields(entries[0])
    if root_kind != 5:
        raise CfbError("first directory entry is not the root")
    out: list[CfbEntry] = []
    visited: set[int] = {0}
    stack: list[tuple[int, str]] = [(root_child, "")]
    while stack:
        index, prefix = stack.pop()
        if index == _NOSTREAM:
            continue
        if index >= len(entries) or index in visited:
            raise CfbError("directory tree is inconsistent")
        visited.add(index)
        if len(visited) > max_entries:
            raise CfbError("directory larger than the limit")
        name, kind, left, right, child, size = _entry_fields(entries[index])
        if kind not in (1, 2):
            raise CfbError(f"unexpected entry type {kind} in the tree")
        path = prefix + name
        out.append(CfbEntry(path, _TYPE_NAMES[kind], size))
        stack.append((left, prefix))
        stack.append((right, prefix))
        if kind == 1:
            stack.append((child, path + "/"))
    return out
