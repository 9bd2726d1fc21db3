"""The archive: every received file copied once, named by its SHA-256, read-only, never modified.

Layout: ROOT/ab/abcdef…(64 hex).xlsx, the suffix taken from the name the file arrived
under. The source is hashed first; content already archived (and intact) is not copied
again. Otherwise a copy is written to ROOT/.incoming/, hashed while copying (it must
match the first hash: the file did not change meanwhile), synced to disk, made read-only,
and only then renamed into place (`put_all` syncs a whole batch of copies at once; a
read-back right after the sync would come from the page cache and prove nothing more): an archived name always holds
exactly the bytes its name promises. The source is opened read-only and never written.
The collector should process the archived copy, not the original, so what it reads is
what it keeps.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from perfeval_xl.store.atomic import fsync_dir
from perfeval_xl.store.errors import StoreError
from perfeval_xl.store.killpoints import KillPoints

CHUNK = 1 << 20
_SHA256 = re.compile(r"[0-9a-f]{64}")
_SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,10}")
INCOMING = ".incoming"


class ArchivedFile(BaseModel):
    model_config = ConfigDict(frozen=True)

    sha256: str
    size: int
    relative_path: str  # "ab/abcdef….xlsx", with "/" on every platform
    path: Path
    created: bool  # False: the archive already held this content


def sha256_file(path: Path) -> tuple[str, int]:
    """(hex SHA-256, size) of a file, read in chunks."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def archive_suffix(name: str) -> str:
    """The lower-case suffix of `name` if it is a plain one (".xlsx"), else ""."""
    suffix = Path(name).suffix
    return suffix.lower() if _SUFFIX.fullmatch(suffix) else ""


class Archive:
    """A content-addressed folder of received files."""

    def __init__(self, root: Path, *, killpoints: KillPoints | None = None) -> None:
        self.root = Path(root)
        self._killpoints = killpoints

    def find(self, sha256: str) -> Path | None:
        """The archived file holding this content, if any."""
        if not _SHA256.fullmatch(sha256):
            raise ValueError(f"not a lower-case hex SHA-256: {sha256!r}")
        shard = self.root / sha256[:2]
        try:
            names = sorted(os.listdir(shard))  # names, not paths: a path each cost more than the search
        except (FileNotFoundError, NotADirectoryError):
            return None
        return next((shard / name for name in names if _content_hash(name) == sha256), None)

    def contents(self) -> dict[str, Path]:
        """SHA-256 → archived file, for everything archived (one listing per shard, not one per file)."""
        found: dict[str, Path] = {}
        if not self.root.is_dir():
            return found
        for shard in os.scandir(self.root):
            if not (shard.is_dir() and len(shard.name) == 2 and shard.name != INCOMING):
                continue
            for entry in os.scandir(shard.path):
                sha256 = _content_hash(entry.name)
                if sha256 is not None:
                    found.setdefault(sha256, Path(entry.path))
        return found

    def verify(self, sha256: str) -> bool:
        """True when the archive holds this content intact; False when absent; StoreError when damaged."""
        return self._intact(sha256) is not None

    def _intact(self, sha256: str) -> Path | None:
        """The archived file holding this content, checked; None when absent; StoreError when damaged."""
        found = self.find(sha256)
        if found is not None and sha256_file(found)[0] != sha256:
            raise StoreError("STORE_ARCHIVE_CORRUPT", path=found)
        return found

    def put(self, source: Path) -> ArchivedFile:
        """Archive `source` unless its content is already archived (then nothing is written)."""
        return self.put_all([source])[0]

    def put_all(self, sources: Sequence[Path], hashes: Sequence[str] | None = None) -> list[ArchivedFile]:
        """`put` for several files, in order. The copies are made durable together: every copy
        is written to .incoming, then one filesystem sync, then the renames into place, then
        one more sync; not two fsyncs per file (each forces a journal commit: ~1–5 ms).
        `hashes`: the sources' SHA-256 when the caller has just computed them (not read again
        before copying; a copy whose bytes differ still fails with STORE_ARCHIVE_CHANGED)."""
        staged: dict[str, tuple[Path, Path]] = {}  # sha256 → (source, its copy in .incoming)
        found: list[tuple[str, int, Path]] = []  # per source: sha256, size, archived path
        try:
            for index, source in enumerate(map(Path, sources)):
                found.append(self._stage(source, staged, hashes[index] if hashes is not None else None))
            self._commit(staged, {sha256: path for sha256, _, path in found})
        finally:
            for _, temp in staged.values():
                temp.unlink(missing_ok=True)
        entries: list[ArchivedFile] = []
        for sha256, size, path in found:
            entries.append(ArchivedFile(sha256=sha256, size=size, relative_path=path.relative_to(self.root).as_posix(),
                                        path=path, created=sha256 in staged))
            staged.pop(sha256, None)  # a second source with the same content created nothing
        return entries

    def _stage(self, source: Path, staged: dict[str, tuple[Path, Path]],
               known: str | None) -> tuple[str, int, Path]:
        """Hash `source` (unless `known`); copy it to .incoming unless archived (or staged) already.
        Its archive path."""
        try:
            expected, size = (known, source.stat().st_size) if known is not None else sha256_file(source)
            if expected in staged:
                return expected, size, self._target(expected, staged[expected][0])
            found = self._intact(expected)
            if found is not None:
                return expected, size, found
            incoming = self.root / INCOMING
            incoming.mkdir(parents=True, exist_ok=True)
            temp = incoming / f"{secrets.token_hex(8)}.part"
            staged[expected] = (source, temp)
            sha256, size = self._copy(source, temp)
        except OSError as exc:
            raise StoreError("STORE_ARCHIVE_FAILED", name=source.name, path=self.root,
                             detail=exc.strerror or str(exc)) from None
        if sha256 != expected:  # the source changed while it was being copied
            raise StoreError("STORE_ARCHIVE_CHANGED", name=source.name)
        return sha256, size, self._target(sha256, source)

    def _target(self, sha256: str, source: Path) -> Path:
        return self.root / sha256[:2] / f"{sha256}{archive_suffix(source.name)}"

    def _commit(self, staged: dict[str, tuple[Path, Path]], targets: dict[str, Path]) -> None:
        """Sync the staged copies, rename each into place (read-only), then sync the renames."""
        name = next((source.name for source, _ in staged.values()), "")
        try:
            if not staged:
                return
            _sync([temp for _, temp in staged.values()])  # the bytes before any name points at them
            shards = {targets[sha256].parent for sha256 in staged}
            missing = [shard for shard in sorted(shards) if not shard.is_dir()]
            for shard in missing:
                shard.mkdir()
            if missing:
                fsync_dir(self.root)  # the new shards' entries, once, before any name in them
            for sha256, (source, temp) in staged.items():
                name = source.name
                os.chmod(temp, 0o444)
                os.replace(temp, targets[sha256])
            _sync(sorted(shards))
        except OSError as exc:
            raise StoreError("STORE_ARCHIVE_FAILED", name=name, path=self.root,
                             detail=exc.strerror or str(exc)) from None

    def clean_incoming(self) -> int:
        """Remove partial copies left by an interrupted run; call only while holding the collector lock."""
        incoming = self.root / INCOMING
        if not incoming.is_dir():
            return 0
        removed = 0
        for part in incoming.glob("*.part"):
            part.unlink(missing_ok=True)
            removed += 1
        return removed

    def _copy(self, source: Path, temp: Path) -> tuple[str, int]:
        digest = hashlib.sha256()
        size = 0
        with open(source, "rb") as src, open(temp, "xb") as dst:
            while chunk := src.read(CHUNK):
                dst.write(chunk)
                digest.update(chunk)
                size += len(chunk)
                if self._killpoints is not None:
                    self._killpoints.hit("archive_copy")
        return digest.hexdigest(), size



def _content_hash(name: str) -> str | None:
    """The SHA-256 an archive file name holds ("<sha256>" or "<sha256>.xlsx"), else None."""
    sha256, suffix = name[:64], name[64:]
    return sha256 if _SHA256.fullmatch(sha256) and (not suffix or _SUFFIX.fullmatch(suffix)) else None


def _sync(paths: Sequence[Path]) -> None:
    """Make these files' data (or these folders' entries) durable: one `sync()` where the
    system has it, else an fsync each (folders cannot be fsynced on Windows)."""
    if hasattr(os, "sync"):
        os.sync()
        return
    for path in paths:
        if path.is_dir():
            fsync_dir(path)
        else:
            with open(path, "rb+") as handle:
                os.fsync(handle.fileno())
