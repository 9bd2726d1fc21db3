"""Ed25519 key pairs per batch: generate, write safely, load with clear errors.

Key files are PEM with a short header naming the key id and batch:

    # <Chinese comment for the person holding the file>
    Key-Id: ed25519:0123456789abcdef
    Batch-Id: 2024-01
    -----BEGIN PUBLIC KEY-----            (PRIVATE KEY: unencrypted PKCS8)
    ...
    -----END PUBLIC KEY-----

OpenSSL and `cryptography` skip text before "-----BEGIN", so the files stay plain PEM
for outside tools. The key id is derived from the key, and checked on load.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pydantic import BaseModel, ConfigDict, Field

from perfeval_xl.integrity.errors import IntegrityError

KEY_ID_PREFIX = "ed25519:"
KEY_ID_PATTERN = r"^ed25519:[0-9a-f]{16}$"
MAX_BATCH_ID_LENGTH = 100
PUBLIC_KEY_SUFFIX = ".pub"

# A key file is a few hundred bytes; refuse to slurp anything large by mistake.
_MAX_KEY_FILE_BYTES = 64 * 1024

_PRIVATE_COMMENT = "# 绩效自评签名私钥：仅限财政部门保管，切勿外传、放入共享目录或代码仓库。"
_PUBLIC_COMMENT = "# 绩效自评签名公钥：用于核验回收表格的签名，可以公开分发。"
_PEM_BLOCK = re.compile(r"-----BEGIN ([A-Z ]+)-----\n.*?-----END \1-----\n?", re.S)
_HEADER = re.compile(r"([A-Za-z-]+):[ \t]*(.*)")


class KeyPair(BaseModel):
    """A batch's signing key with its derived key id. The private key is never printed."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    batch_id: str
    key_id: str
    private_key: Ed25519PrivateKey = Field(repr=False)

    @classmethod
    def from_private_key(cls, batch_id: str, private_key: Ed25519PrivateKey) -> "KeyPair":
        return cls(
            batch_id=check_batch_id(batch_id),
            key_id=key_id_for(private_key.public_key()),
            private_key=private_key,
        )

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.private_key.public_key()


class PublicKeyInfo(BaseModel):
    """A public key as loaded from a .pub file."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    batch_id: str
    key_id: str
    public_key: Ed25519PublicKey


def key_id_for(public_key: Ed25519PublicKey) -> str:
    """"ed25519:" + the first 16 hex digits of SHA-256 over the 32 raw public-key bytes."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return KEY_ID_PREFIX + hashlib.sha256(raw).hexdigest()[:16]


def check_batch_id(batch_id: str) -> str:
    """The batch id, NFC-normalised; it goes into a one-line file header, so no control characters."""
    text = unicodedata.normalize("NFC", batch_id.strip())
    if (
        not text
        or len(text) > MAX_BATCH_ID_LENGTH
        or any(unicodedata.category(ch).startswith("C") for ch in text)
    ):
        raise IntegrityError("KEY_BATCH_INVALID", batch_id=batch_id, max_length=MAX_BATCH_ID_LENGTH)
    return text


def generate_keypair(batch_id: str) -> KeyPair:
    """A fresh random Ed25519 key pair for `batch_id`."""
    return KeyPair.from_private_key(batch_id, Ed25519PrivateKey.generate())


def find_git_worktree(path: Path) -> Path | None:
    """The nearest folder at or above `path` that holds `.git` (a folder, or a file in linked worktrees)."""
    for folder in [path, *path.parents]:
        if (folder / ".git").exists():
            return folder
    return None


def check_private_key_location(path: Path, forbidden_dirs: Iterable[Path] = ()) -> None:
    """Refuse a private-key path inside a Git working tree or inside one of `forbidden_dirs`.

    REFERENCE §10: the private key lives outside the project, so it can be neither
    committed by accident nor shipped inside a batch folder sent to the units.
    """
    target = path.expanduser().resolve()
    for folder in forbidden_dirs:
        resolved = folder.expanduser().resolve()
        if target.is_relative_to(resolved):
            raise IntegrityError("KEY_IN_OUTPUT_DIR", folder=resolved, path=target)
    repo = find_git_worktree(target.parent)
    if repo is not None:
        raise IntegrityError("KEY_IN_GIT_TREE", repo=repo, path=target)


def write_private_key(
    pair: KeyPair, path: Path, *, force: bool = False, forbidden_dirs: Iterable[Path] = ()
) -> Path:
    """Write the private key as PKCS8 PEM, created with mode 0600; never overwrites.

    `force` only skips the location check (Git tree, output folders).
    """
    if not force:
        check_private_key_location(path, forbidden_dirs)
    pem = pair.private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode("ascii")
    _create_exclusive(path, _key_text(_PRIVATE_COMMENT, pair.key_id, pair.batch_id, pem), mode=0o600)
    return path


def write_public_key(pair: KeyPair, path: Path) -> Path:
    """Write the public key file to distribute (mode 0644); never overwrites."""
    pem = pair.public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")
    _create_exclusive(path, _key_text(_PUBLIC_COMMENT, pair.key_id, pair.batch_id, pem), mode=0o644)
    return path


def load_private_key(path: Path) -> KeyPair:
    """The key pair stored in a private key file written by `write_private_key`."""
    invalid = "PRIVATE_KEY_FILE_INVALID"
    headers, kind, pem = _read_key_file(path, invalid)
    if kind != "PRIVATE KEY":
        raise IntegrityError(invalid, path=path, detail=f"PEM block {kind}")
    try:
        key = serialization.load_pem_private_key(pem.encode("ascii"), password=None)
    except (ValueError, TypeError) as exc:  # TypeError: an encrypted key
        raise IntegrityError(invalid, path=path, detail=str(exc)) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise IntegrityError(invalid, path=path, detail=f"not Ed25519 ({type(key).__name__})")
    pair = KeyPair.from_private_key(headers["Batch-Id"], key)
    _check_key_id(path, headers["Key-Id"], pair.key_id)
    return pair


def load_public_key(path: Path) -> PublicKeyInfo:
    """The public key stored in a .pub file written by `write_public_key`."""
    invalid = "PUBLIC_KEY_FILE_INVALID"
    headers, kind, pem = _read_key_file(path, invalid)
    if kind == "PRIVATE KEY":
        raise IntegrityError("KEY_FILE_IS_PRIVATE", path=path)
    if kind != "PUBLIC KEY":
        raise IntegrityError(invalid, path=path, detail=f"PEM block {kind}")
    try:
        key = serialization.load_pem_public_key(pem.encode("ascii"))
    except ValueError as exc:
        raise IntegrityError(invalid, path=path, detail=str(exc)) from None
    if not isinstance(key, Ed25519PublicKey):
        raise IntegrityError(invalid, path=path, detail=f"not Ed25519 ({type(key).__name__})")
    key_id = key_id_for(key)
    _check_key_id(path, headers["Key-Id"], key_id)
    return PublicKeyInfo(batch_id=check_batch_id(headers["Batch-Id"]), key_id=key_id, public_key=key)


def load_public_keys(path: Path) -> dict[str, Ed25519PublicKey]:
    """Key id -> public key, from one .pub file or from every *.pub file directly in a folder."""
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix == PUBLIC_KEY_SUFFIX and p.is_file())
        if not files:
            raise IntegrityError("KEY_FOLDER_EMPTY", path=path)
    else:
        files = [path]
    found: dict[str, PublicKeyInfo] = {}
    for file in files:
        info = load_public_key(file)
        earlier = found.get(info.key_id)
        if earlier is not None and earlier.batch_id != info.batch_id:
            raise IntegrityError("KEY_ID_DUPLICATE", key_id=info.key_id, first=earlier.batch_id, second=info.batch_id)
        found[info.key_id] = info
    return {key_id: info.public_key for key_id, info in found.items()}


def _key_text(comment: str, key_id: str, batch_id: str, pem: str) -> str:
    return f"{comment}\nKey-Id: {key_id}\nBatch-Id: {batch_id}\n{pem}"


def _create_exclusive(path: Path, text: str, mode: int) -> None:
    # O_EXCL makes "does it exist" and "create it" one step (no race, no overwrite);
    # the mode applies at creation, so the key is never readable by others, even briefly.
    if not path.parent.is_dir():
        raise IntegrityError("KEY_DIR_MISSING", path=path.parent)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), mode)
    except FileExistsError:
        raise IntegrityError("KEY_FILE_EXISTS", path=path) from None
    except OSError as exc:
        raise IntegrityError("KEY_WRITE_FAILED", path=path, detail=exc.strerror or str(exc)) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:
        path.unlink(missing_ok=True)  # never leave a torn key behind
        raise IntegrityError("KEY_WRITE_FAILED", path=path, detail=exc.strerror or str(exc)) from None


def _read_key_file(path: Path, invalid: str) -> tuple[dict[str, str], str, str]:
    """(headers, PEM block type, PEM block text) of a key file; `invalid` is the code for a bad file."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(_MAX_KEY_FILE_BYTES + 1)
    except FileNotFoundError:
        raise IntegrityError("KEY_FILE_MISSING", path=path) from None
    except OSError as exc:
        raise IntegrityError("KEY_FILE_UNREADABLE", path=path, detail=exc.strerror or str(exc)) from None
    if len(data) > _MAX_KEY_FILE_BYTES:
        raise IntegrityError(invalid, path=path, detail="file too large")
    try:
        text = data.decode("utf-8-sig").replace("\r\n", "\n")  # Notepad may add a BOM and CRLF
    except UnicodeDecodeError:
        raise IntegrityError(invalid, path=path, detail="not UTF-8 text") from None
    block = _PEM_BLOCK.search(text)
    if block is None:
        raise IntegrityError(invalid, path=path, detail="no PEM block")
    headers: dict[str, str] = {}
    for line in text[: block.start()].splitlines():
        match = _HEADER.fullmatch(line.strip())
        if match:
            headers[match.group(1)] = match.group(2).strip()
    for required in ("Key-Id", "Batch-Id"):
        if not headers.get(required):
            raise IntegrityError(invalid, path=path, detail=f"header {required} missing")
    return headers, block.group(1), block.group(0)


def _check_key_id(path: Path, stated: str, actual: str) -> None:
    if stated != actual:
        raise IntegrityError("KEY_ID_MISMATCH", path=path, stated=stated, actual=actual)
