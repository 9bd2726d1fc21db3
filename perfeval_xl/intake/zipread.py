"""Bounded reads of parts from a zip whose directory the gate has checked.

SafeZip decompresses with its own loop so that every read is capped twice: by the
caller's byte cap and by the part's declared size (which the gate has already held to
its limits). A part that inflates beyond its declared size, fails its CRC or ends
early is reported as corrupt. Readers may also pass a zipfile.ZipFile opened on a
file the gate accepted; `iter_part_chunks` caps those reads too.
"""

from __future__ import annotations

import os
import zipfile
import zlib
from typing import BinaryIO, Iterator, Protocol
from xml.etree.ElementTree import Element

from perfeval_xl.intake.zipdir import ZipDirectory, ZipEntry

CHUNK = 256 * 1024
# Whole parts kept after a verified read (the gate's sheet pass) for the reader to reuse:
# one chunk each at most, so a kept part costs no more memory than streaming it did.
KEEP_PART_MAX = CHUNK
KEEP_BUDGET = 16 * 1024 * 1024


class PartError(Exception):
    """A part cannot be read; `code` is the gate finding code it maps to."""

    code = "GATE_STRUCTURE"

    def __init__(self, part: str, detail: str) -> None:
        super().__init__(f"{part}: {detail}")
        self.part = part
        self.detail = detail


class PartMissing(PartError):
    code = "GATE_STRUCTURE"


class PartTooLarge(PartError):
    # Bigger than a reader's cap for that part, though within the gate's zip limits.
    code = "GATE_STRUCTURE"


class PartCorrupt(PartError):
    code = "GATE_ZIP_CORRUPT"


class ByteSource(Protocol):
    size: int

    def read_at(self, offset: int, length: int) -> bytes: ...


class BytesSource:
    """A whole small file held in memory: the common case (forms are tens of KB)."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.size = len(data)

    def read_at(self, offset: int, length: int) -> bytes:
        if offset < 0 or length < 0:
            return b""
        return self.data[offset:offset + length]


class FileSource:
    """Positioned reads from an open file, for files too large to hold in memory."""

    def __init__(self, handle: BinaryIO) -> None:
        self._handle = handle
        self.size = os.fstat(handle.fileno()).st_size

    def read_at(self, offset: int, length: int) -> bytes:
        if offset < 0 or length < 0 or offset >= self.size:
            return b""
        length = min(length, self.size - offset)
        if hasattr(os, "pread"):
            return os.pread(self._handle.fileno(), length, offset)
        self._handle.seek(offset)  # Windows has no pread
        return self._handle.read(length)


class SafeZip:
    """Part access over a checked directory. Name lookups fall back to case-insensitive (OPC)."""

    def __init__(self, source: ByteSource, directory: ZipDirectory) -> None:
        self._source = source
        self._entries = {e.name: e for e in directory.entries if not e.is_dir}
        self._folded = {name.lower(): name for name in self._entries}
        self.directory = directory
        # Small XML parts as parsed by xmlparts.read_xml_part: stored name → (bytes, root).
        self.parsed: dict[str, tuple[int, Element]] = {}
        self.facts: dict[tuple[str, str, int], object] = {}  # what xmlparts and sheetscan derived from parts
        self._kept: dict[str, bytes] = {}  # stored name → whole verified data (iter_chunks keep=True)
        self._kept_bytes = 0

    def names(self) -> list[str]:
        return list(self._entries)

    def whole(self) -> bytes | None:
        """The whole file when it is held in memory (as it is for every zip the gate accepts)."""
        return self._source.data if isinstance(self._source, BytesSource) else None

    def resolve(self, name: str) -> str | None:
        """The stored name for `name`, matched exactly or else ignoring ASCII case."""
        if name in self._entries:
            return name
        return self._folded.get(name.lower())

    def entry(self, name: str) -> ZipEntry:
        stored = self.resolve(name)
        if stored is None:
            raise PartMissing(name, "part missing")
        return self._entries[stored]

    def iter_chunks(self, name: str, cap: int, chunk: int = CHUNK, keep: bool = False) -> Iterator[bytes]:
        """Decompressed data in chunks; raises PartError subclasses. Stopping early is fine.

        With `keep`, a small part read to its end (size and CRC verified) is kept whole
        for `kept`, within KEEP_BUDGET."""
        entry = self.entry(name)
        if entry.size > cap:
            raise PartTooLarge(entry.name, f"{entry.size} bytes, limit {cap}")
        if entry.method == 0:
            chunks = self._stored_chunks(entry, chunk)
        elif entry.method == 8:
            chunks = self._deflated_chunks(entry, chunk)
        else:
            raise PartCorrupt(entry.name, f"compression method {entry.method}")
        if not keep or not self._keeps(entry):
            yield from chunks
            return
        pieces = []
        for data in chunks:
            pieces.append(data)
            yield data
        # Reached only when the generator ran to its end, past the size and CRC checks.
        self._kept[entry.name] = b"".join(pieces)
        self._kept_bytes += entry.size

    def keeps(self, name: str) -> bool:
        """Whether a keep=True read of `name` to its end would keep it."""
        return self._keeps(self.entry(name))

    def _keeps(self, entry: ZipEntry) -> bool:
        return entry.size <= KEEP_PART_MAX and self._kept_bytes + entry.size <= KEEP_BUDGET

    def kept(self, name: str, cap: int) -> bytes | None:
        """The whole data of a part an earlier keep=True read verified; None if not kept or over `cap`."""
        stored = self.resolve(name)
        data = self._kept.get(stored) if stored is not None else None
        return data if data is not None and len(data) <= cap else None

    def read(self, name: str, cap: int) -> bytes:
        return b"".join(self.iter_chunks(name, cap))

    def _stored_chunks(self, entry: ZipEntry, chunk: int) -> Iterator[bytes]:
        crc, pos, left = 0, entry.data_start, entry.size
        while left > 0:
            data = self._source.read_at(pos, min(chunk, left))
            if not data:
                raise PartCorrupt(entry.name, "data ends early")
            pos, left = pos + len(data), left - len(data)
            crc = zlib.crc32(data, crc)
            yield data
        if crc != entry.crc:
            raise PartCorrupt(entry.name, "CRC mismatch")

    def _deflated_chunks(self, entry: ZipEntry, chunk: int) -> Iterator[bytes]:
        inflater = zlib.decompressobj(-15)
        crc, produced = 0, 0
        pos, left = entry.data_start, entry.compressed_size
        while not inflater.eof:
            if inflater.unconsumed_tail:
                raw = inflater.unconsumed_tail
            elif left > 0:
                raw = self._source.read_at(pos, min(chunk, left))
                if not raw:
                    raise PartCorrupt(entry.name, "data ends early")
                pos, left = pos + len(raw), left - len(raw)
            else:
                raw = b""  # input all fed: drain output zlib may still hold
            try:
                # max_length bounds each step's output: memory stays at one chunk.
                data = inflater.decompress(raw, chunk)
            except zlib.error as exc:
                raise PartCorrupt(entry.name, f"bad compressed data ({exc})") from None
            if not raw and not data and not inflater.eof:
                raise PartCorrupt(entry.name, "compressed stream ends early")
            produced += len(data)
            if produced > entry.size:
                raise PartCorrupt(entry.name, "expands beyond its declared size")
            if data:
                crc = zlib.crc32(data, crc)
                yield data
        if produced != entry.size:
            raise PartCorrupt(entry.name, "shorter than its declared size")
        if crc != entry.crc:
            raise PartCorrupt(entry.name, "CRC mismatch")


def iter_part_chunks(archive: SafeZip | zipfile.ZipFile, name: str, cap: int,
                     chunk: int = CHUNK) -> Iterator[bytes]:
    """Chunks of a part from a SafeZip or a zipfile.ZipFile, never more than `cap` bytes."""
    if isinstance(archive, SafeZip):
        yield from archive.iter_chunks(name, cap, chunk)
        return
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise PartMissing(name, "part missing") from None
    if info.file_size > cap:
        raise PartTooLarge(name, f"{info.file_size} bytes, limit {cap}")
    total = 0
    try:
        with archive.open(info) as stream:
            while data := stream.read(chunk):
                total += len(data)
                if total > cap:
                    raise PartTooLarge(name, f"more than {cap} bytes")
                yield data
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise PartCorrupt(name, str(exc)) from None


def read_part(archive: SafeZip | zipfile.ZipFile, name: str, cap: int) -> bytes:
    """A whole part, at most `cap` bytes (PartTooLarge beyond)."""
    return b"".join(iter_part_chunks(archive, name, cap))


def resolve_name(archive: SafeZip | zipfile.ZipFile, name: str) -> str | None:
    if isinstance(archive, SafeZip):
        return archive.resolve(name)
    names = archive.namelist()
    if name in names:
        return name
    folded = name.lower()
    return next((n for n in names if n.lower() == folded), None)
