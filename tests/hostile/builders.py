"""Byte-level builders for the hostile corpus: workbooks, zips, compound files.

Everything is built in memory at test time; nothing hostile is committed. Zip
mutations work on the raw bytes with offsets read through zipfile, so each case
changes exactly the field it is about.
"""

from __future__ import annotations

import io
import struct
import warnings
import zipfile
from functools import lru_cache

import openpyxl

# ----------------------------------------------------------------------------- workbooks


@lru_cache(maxsize=None)
def base_xlsx() -> bytes:
    """A small valid workbook: two sheets, numbers, text, a formula, a hidden sheet."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "绩效自评表"
    ws["A1"] = "项目名称"
    ws["B1"] = "测试项目"
    for row in range(2, 30):
        ws.cell(row=row, column=1, value=f"指标{row}")
        ws.cell(row=row, column=2, value=row * 1.5)
        ws.cell(row=row, column=3, value=f"=B{row}*2")
    meta = wb.create_sheet("_meta")
    meta["A1"] = "version"
    meta["B1"] = "1.0"
    meta.sheet_state = "veryHidden"
    ws.protection.sheet = True
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def entries_of(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return [(info.filename, zf.read(info)) for info in zf.infolist()]


def build_zip(entries: list[tuple[str, bytes]] | list[tuple[str, bytes, int]],
              method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """Write entries (name, data[, method]) in order; duplicates and odd names are kept as given."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for entry in entries:
            name, data = entry[0], entry[1]
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = entry[2] if len(entry) > 2 else method  # type: ignore[misc]
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # "Duplicate name" is what some cases want
                zf.writestr(info, data)
    return buf.getvalue()


def mutate_xlsx(replace: dict[str, bytes | None] | None = None, add: list[tuple[str, bytes]] | None = None,
                base: bytes | None = None) -> bytes:
    """The base workbook with parts replaced (None drops a part) and parts appended."""
    replace = replace or {}
    out: list[tuple[str, bytes]] = []
    for name, data in entries_of(base or base_xlsx()):
        if name in replace:
            if replace[name] is None:
                continue
            data = replace[name]  # type: ignore[assignment]
        out.append((name, data))
    out.extend(add or [])
    return build_zip(out)


def part_of(name: str, base: bytes | None = None) -> bytes:
    return dict(entries_of(base or base_xlsx()))[name]


def with_content_type_override(part: str, content_type: str, base: bytes | None = None) -> bytes:
    types = part_of("[Content_Types].xml", base)
    extra = f'<Override PartName="/{part}" ContentType="{content_type}"/>'.encode()
    return types.replace(b"</Types>", extra + b"</Types>")


# ----------------------------------------------------------------------------- raw zip surgery


def _eocd(data: bytes) -> tuple[int, int, int, int]:
    pos = data.rfind(b"PK\x05\x06")
    _sig, _d, _cd, _n1, n_total, cd_size, cd_offset, _clen = struct.unpack_from("<4sHHHHIIH", data, pos)
    return pos, n_total, cd_size, cd_offset


def central_offsets(data: bytes) -> list[int]:
    """Offsets of each central directory record, in order."""
    _pos, n_total, _size, cd_offset = _eocd(data)
    out, pos = [], cd_offset
    for _ in range(n_total):
        out.append(pos)
        nlen, elen, clen = struct.unpack_from("<HHH", data, pos + 28)
        pos += 46 + nlen + elen + clen
    return out


def local_offset(data: bytes, index: int) -> int:
    return struct.unpack_from("<I", data, central_offsets(data)[index] + 42)[0]


def patch(data: bytes, offset: int, fmt: str, *values: int) -> bytes:
    buf = bytearray(data)
    struct.pack_into(fmt, buf, offset, *values)
    return bytes(buf)


def index_of(data: bytes, name: str) -> int:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return [i.filename for i in zf.infolist()].index(name)


def set_sizes(data: bytes, index: int, compressed: int | None = None, size: int | None = None,
              local: bool = True) -> bytes:
    """Rewrite an entry's declared sizes in the central record (and its local header)."""
    cd = central_offsets(data)[index]
    lh = local_offset(data, index)
    if compressed is not None:
        data = patch(data, cd + 20, "<I", compressed)
        if local:
            data = patch(data, lh + 18, "<I", compressed)
    if size is not None:
        data = patch(data, cd + 24, "<I", size)
        if local:
            data = patch(data, lh + 22, "<I", size)
    return data


def set_method(data: bytes, index: int, method: int) -> bytes:
    data = patch(data, central_offsets(data)[index] + 10, "<H", method)
    return patch(data, local_offset(data, index) + 8, "<H", method)


def set_flags(data: bytes, index: int, flags: int) -> bytes:
    """OR `flags` into an entry's general-purpose bits (central and local); zipfile resets them on write."""
    cd, lh = central_offsets(data)[index], local_offset(data, index)
    data = patch(data, cd + 8, "<H", struct.unpack_from("<H", data, cd + 8)[0] | flags)
    return patch(data, lh + 6, "<H", struct.unpack_from("<H", data, lh + 6)[0] | flags)


def set_crc(data: bytes, index: int, crc: int) -> bytes:
    data = patch(data, central_offsets(data)[index] + 16, "<I", crc)
    return patch(data, local_offset(data, index) + 14, "<I", crc)


def point_entry_at(data: bytes, index: int, offset: int) -> bytes:
    return patch(data, central_offsets(data)[index] + 42, "<I", offset)


# ----------------------------------------------------------------------------- compound files (MS-CFB)

_FREESECT, _ENDOFCHAIN, _FATSECT, _NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def _dir_entry(name: str, kind: int, left: int = _NOSTREAM, right: int = _NOSTREAM,
               child: int = _NOSTREAM, start: int = _ENDOFCHAIN, size: int = 0) -> bytes:
    raw_name = (name + "\x00").encode("utf-16-le") if name else b""
    return struct.pack("<64sHBBIII16sIQQIQ", raw_name.ljust(64, b"\x00"), len(raw_name), kind, 1,
                       left, right, child, b"\x00" * 16, 0, 0, 0, start, size)


def build_cfb(streams: list[str], version: int = 3, loop_directory: bool = False,
              loop_tree: bool = False) -> bytes:
    """A minimal compound file whose root holds `streams` (empty streams, valid FAT/directory).

    Layout: sector 0 = FAT, sectors 1.. = directory. The root's children form a chain
    of right siblings (a legal, if unbalanced, tree).
    """
    ss = 512 if version == 3 else 4096
    entries = [_dir_entry("Root Entry", 5, child=1 if streams else _NOSTREAM)]
    for i, name in enumerate(streams, start=1):
        right = i + 1 if i < len(streams) else _NOSTREAM
        if loop_tree and i == len(streams):
            right = 1
        entries.append(_dir_entry(name, 2, right=right))
    per_sector = ss // 128
    while len(entries) % per_sector:
        entries.append(_dir_entry("", 0))
    dir_sectors = len(entries) // per_sector
    fat = [_FATSECT] + [i + 2 for i in range(dir_sectors - 1)] + [_ENDOFCHAIN]
    if loop_directory:
        fat[dir_sectors] = 1  # the last directory sector points back to the first
    fat += [_FREESECT] * (ss // 4 - len(fat))
    header = struct.pack("<8s16sHHHHH6sIIIIIIIII", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\x00" * 16,
                         0x3E, version, 0xFFFE, 9 if version == 3 else 12, 6, b"\x00" * 6,
                         0 if version == 3 else dir_sectors, 1, 1, 0, 4096, _ENDOFCHAIN, 0, _ENDOFCHAIN, 0)
    header += struct.pack("<109I", 0, *([_FREESECT] * 108))
    header = header.ljust(ss, b"\x00")
    fat_sector = struct.pack(f"<{ss // 4}I", *fat)
    return header + fat_sector + b"".join(entries)
