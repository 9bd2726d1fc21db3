"""The issuance register: what was issued, kept by the bureau beside the batch folder.

One JSON line per issued workbook version. Each line is self-contained (batch,
profile, framework and project definition as issued), so the collector can rebuild
the exact layout of any version it receives and recompute from the registered
targets and weights. Re-issuing a corrected form appends a new version; nothing is
ever removed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError, create_model

from perfeval_xl.engine.profile import ScoringProfile
from perfeval_xl.layout.definition import IssuedDefinition
from perfeval_xl.model import Batch, Project
from perfeval_xl.model.framework import Framework

REGISTER_FORMAT = "perfeval-register-v1"


class RegisterEntry(BaseModel):
    model_config = ConfigDict(frozen=True)

    format: str = REGISTER_FORMAT
    project_id: str
    issued_version: int
    file: str
    file_format: str  # xlsx | xlsm
    payload_hash: str
    key_id: str | None
    public_key: str | None = None  # base64 of the raw Ed25519 public key: collect verifies without --public-key
    form_version: str
    sheets: tuple[str, ...]
    formulas: dict[str, str]  # 'sheet!A1' → normalised formula
    vba_hash: str | None = None
    batch: Batch
    profile: ScoringProfile
    framework: Framework
    project: Project

    def definition(self) -> IssuedDefinition:
        """The definition this version was issued with (what its workbook's _meta encodes)."""
        return IssuedDefinition(batch=self.batch, profile=self.profile, framework=self.framework, project=self.project)


def default_register_path(out_dir: Path) -> Path:
    """Beside the batch folder, so regenerating the folder never loses it."""
    return out_dir.parent / f"{out_dir.name}.register.jsonl"


def read_register(path: Path) -> list[RegisterEntry]:
    if not path.exists():
        return []
    entries = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                entries.append(RegisterEntry.model_validate_json(line))
    return entries


def latest_versions(entries: list[RegisterEntry]) -> dict[str, RegisterEntry]:
    latest: dict[str, RegisterEntry] = {}
    for entry in entries:
        current = latest.get(entry.project_id)
        if current is None or entry.issued_version > current.issued_version:
            latest[entry.project_id] = entry
    return latest


def register_line(entry: RegisterEntry) -> str:
    """The entry's line in the register file (without the newline)."""
    return json.dumps(entry.model_dump(mode="json"), ensure_ascii=False, sort_keys=True)


# The index reads lines as bytes (decoding 18 KB lines of Chinese text cost more than the searches):
# a JSON string's bytes never contain '"' or '\\' inside a multibyte character, so these find what
# the same patterns find in the decoded text.
_VERSION = re.compile(rb'"issued_version":\s*(\d+)')
_PROJECT_ID = re.compile(rb'"project_id":\s*"((?:[^"\\]|\\.)*)"')
_KEY_ID = re.compile(rb'"key_id":\s*"([^"]*)"')
_PUBLIC_KEY = re.compile(rb'"public_key":\s*"([^"]*)"')
_PAYLOAD_HASH = re.compile(rb'"payload_hash":\s*"([^"]*)"')
_BATCH_ID = re.compile(rb'"batch_id":\s*"((?:[^"\\]|\\.)*)"')


class RegisterLines:
    """Where each issued version's line is (project id → (version, byte offset, length)); parses
    only the lines asked for. Small and picklable: the collector builds it once and hands it to its
    check workers, instead of each worker reading the whole register again."""

    def __init__(self, path: Path, lines: dict[str, list[tuple[int, int, int]]]) -> None:
        self.path = path
        self._lines = lines

    def entry(self, project_id: str, version: int) -> RegisterEntry | None:
        for issued_version, offset, length in self._lines.get(project_id, []):
            if issued_version == version:
                # The line's bytes at once: a buffered readline of an 18 KB line cost twice as much.
                with open(self.path, "rb", buffering=0) as fh:
                    fh.seek(offset)
                    return parse_line(fh.read(length))
        return None

    def __contains__(self, project_id: str) -> bool:
        return project_id in self._lines

    def versions(self, project_id: str) -> list[int]:
        return [v for v, _, _ in self._lines.get(project_id, [])]


class RegisterIndex:
    """Look up issued versions without parsing the whole register: the file is indexed once (project
    id and version per line; `lines`) and only the lines needed are parsed."""

    def __init__(self, path: Path) -> None:
        self.path = path
        lines: dict[str, list[tuple[int, int, int]]] = {}
        self.payload_hashes: dict[tuple[str, int], str] = {}  # (project id, version) → payload hash
        self.public_keys: dict[str, str] = {}  # key id → base64 raw public key
        self.batches: set[str] = set()
        offset = 0
        with path.open("rb") as fh:
            for raw in fh:
                version = _VERSION.search(raw)
                # The first project_id after the version (the line's own: keys are sorted, nested ones come before).
                project = _PROJECT_ID.search(raw, version.end()) if version else None
                if project:
                    project_id = _json_string(project.group(1))
                    issued_version = int(version.group(1))  # type: ignore[union-attr]
                    lines.setdefault(project_id, []).append((issued_version, offset, len(raw)))
                    payload = _PAYLOAD_HASH.search(raw)
                    self.payload_hashes[(project_id, issued_version)] = _text(payload.group(1)) if payload else ""
                    key, public, batch = _KEY_ID.search(raw), _PUBLIC_KEY.search(raw), _BATCH_ID.search(raw)
                    if key and public and key.group(1):
                        self.public_keys[_text(key.group(1))] = _text(public.group(1))
                    if batch:
                        self.batches.add(_json_string(batch.group(1)))
                offset += len(raw)
        self.lines = RegisterLines(path.absolute(), lines)  # absolute: workers may resolve it elsewhere

    def entry(self, project_id: str, version: int) -> RegisterEntry | None:
        return self.lines.entry(project_id, version)

    def entries(self) -> Iterator[RegisterEntry]:
        """Every entry, parsed one line at a time."""
        with self.path.open("rb") as fh:
            for raw in fh:
                if raw.strip():
                    yield parse_line(raw)

    def __contains__(self, project_id: str) -> bool:
        return project_id in self.lines

    def versions(self, project_id: str) -> list[int]:
        return self.lines.versions(project_id)


def parse_line(line: bytes) -> RegisterEntry:
    """`RegisterEntry.model_validate_json(line)`; the batch, profile and framework, the same in every line
    of a batch, are validated once per process (and shared: they are frozen).

    They are cut out of a line as `register_line` writes it. The cut is sound: each piece must validate
    on its own, hence be one whole JSON value, and the rest must validate without those keys (extra
    keys forbidden), hence they were the line's own. Anything else is validated the usual way."""
    cut = _shared_members(line)
    if cut is not None:
        rest, shared = cut
        try:
            own = _EntryOwn.model_validate_json(rest)
            models = {name: _shared_model(name, raw) for name, raw in shared.items()}
        except ValidationError:
            pass  # the usual way says why, or finds that the cut was wrong
        else:
            return RegisterEntry.model_construct(own.model_fields_set | models.keys(), **dict(own), **models)
    return RegisterEntry.model_validate_json(line)


_SHARED = (("batch", b', "file": '), ("framework", b', "issued_version": '), ("profile", b', "project": '))
_EntryOwn = create_model("_EntryOwn", __config__=ConfigDict(extra="forbid"), **{
    name: (field.annotation, field) for name, field in RegisterEntry.model_fields.items()
    if name not in dict(_SHARED)})


def _shared_members(line: bytes) -> tuple[bytes, dict[str, bytes]] | None:
    """The line without the shared members, and each member's value; None when the line is not as written."""
    rest, shared, at = [], {}, 0
    for name, follower in _SHARED:
        key = b'"' + name.encode() + b'": '
        start = line.find(key, at)
        end = line.find(follower, start) if start >= 0 else -1
        if end < 0:
            return None
        rest.append(line[at:start])
        shared[name] = line[start + len(key):end]
        at = end + 2  # the member and the ", " after it
    rest.append(line[at:])
    return b"".join(rest), shared


@lru_cache(maxsize=16)
def _shared_model(name: str, raw: bytes) -> BaseModel:
    return RegisterEntry.model_fields[name].annotation.model_validate_json(raw)  # type: ignore[union-attr]


def _text(raw: bytes) -> str:
    return raw.decode("utf-8")


def _json_string(raw: bytes) -> str:
    """The text of a JSON string's body (escapes resolved)."""
    return json.loads(b'"' + raw + b'"')
