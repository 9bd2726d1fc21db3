"""Ed25519 signatures over canonical payload bytes, and their verification.

A signature is stored in a workbook as one line of text (`Signature.to_text()`):

    perfeval-sig-v1;ed25519:0123456789abcdef;<base64 of the 64-byte signature>

"perfeval-sig-v1" means: Ed25519 (RFC 8032, pure) over canonical-v1 bytes of the
payload. The base64 is standard and padded, and must be canonical (re-encoding gives
the same text).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from perfeval_xl.findings.model import Finding, Location, finding
from perfeval_xl.integrity.canonical import canonical_bytes
from perfeval_xl.integrity.keys import KEY_ID_PATTERN, key_id_for

SIGNATURE_ALGORITHM = "perfeval-sig-v1"


class SignatureFormatError(ValueError):
    """Signature text that does not follow the perfeval-sig-v1 format."""


class Signature(BaseModel):
    """A well-formed signature: construction validates every field."""

    model_config = ConfigDict(frozen=True)

    algorithm: str = Field(default=SIGNATURE_ALGORITHM, pattern=f"^{SIGNATURE_ALGORITHM}$")
    key_id: str = Field(pattern=KEY_ID_PATTERN)
    value: str = Field(pattern=r"^[A-Za-z0-9+/]{86}==$")  # 64 bytes, padded

    @field_validator("value")
    @classmethod
    def _canonical_base64(cls, value: str) -> str:
        # Non-zero padding bits decode to the same bytes; refusing them makes every
        # edit of the stored text visible.
        if base64.b64encode(base64.b64decode(value)).decode("ascii") != value:
            raise ValueError("signature value is not canonical base64")
        return value

    def to_text(self) -> str:
        return f"{self.algorithm};{self.key_id};{self.value}"

    @classmethod
    def from_text(cls, text: str) -> "Signature":
        """Parse stored signature text; raises SignatureFormatError."""
        parts = text.strip().split(";")
        if len(parts) != 3:
            raise SignatureFormatError(f"expected 3 fields separated by ';', found {len(parts)}")
        try:
            return cls(algorithm=parts[0], key_id=parts[1], value=parts[2])
        except ValidationError as exc:
            fields = ", ".join(str(err["loc"][0]) for err in exc.errors())
            raise SignatureFormatError(f"invalid {fields}") from None

    def raw(self) -> bytes:
        return base64.b64decode(self.value)


class SignatureStatus(StrEnum):
    VALID = "valid"
    MISSING = "missing"
    MALFORMED = "malformed"
    UNKNOWN_KEY = "unknown_key"
    INVALID = "invalid"


_FINDING_CODES = {
    SignatureStatus.MISSING: "SIGNATURE_MISSING",
    SignatureStatus.MALFORMED: "SIGNATURE_MALFORMED",
    SignatureStatus.UNKNOWN_KEY: "SIGNATURE_UNKNOWN_KEY",
    SignatureStatus.INVALID: "SIGNATURE_INVALID",
}


class VerifyResult(BaseModel):
    """The outcome of `verify`; `detail` is an English note for logs."""

    model_config = ConfigDict(frozen=True)

    status: SignatureStatus
    key_id: str | None = None
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.status is SignatureStatus.VALID

    def finding(self, location: Location | None = None) -> Finding | None:
        """The reject-level finding for a failed verification; None when valid."""
        if self.ok:
            return None
        return finding(_FINDING_CODES[self.status], location, key_id=self.key_id, detail=self.detail)


def sign(payload: Any, private_key: Ed25519PrivateKey, key_id: str, *, message: bytes | None = None) -> Signature:
    """Sign the canonical bytes of `payload`; `key_id` must be the key's own id.

    `message`: those bytes, when the caller already encoded the payload (`payload` is then unused).
    """
    actual = key_id_for(private_key.public_key())
    if key_id != actual:
        raise ValueError(f"key id {key_id} does not belong to this private key ({actual})")
    raw = private_key.sign(message if message is not None else canonical_bytes(payload))
    return Signature(key_id=key_id, value=base64.b64encode(raw).decode("ascii"))


def verify(
    payload: Any,
    signature: Signature | str | None,
    public_keys: Mapping[str, Ed25519PublicKey],
    *,
    message: bytes | None = None,
) -> VerifyResult:
    """Check `signature` (a Signature, its stored text, or None) over `payload`.

    `message`: the payload's canonical bytes, when the caller already encoded it (`payload` is then unused).
    Raises only for a payload that cannot be encoded (a caller's bug); every problem
    with the signature itself is a status.
    """
    if message is None:
        message = canonical_bytes(payload)
    if signature is None or (isinstance(signature, str) and not signature.strip()):
        return VerifyResult(status=SignatureStatus.MISSING)
    if isinstance(signature, str):
        try:
            signature = Signature.from_text(signature)
        except SignatureFormatError as exc:
            return VerifyResult(status=SignatureStatus.MALFORMED, detail=str(exc))
    key = public_keys.get(signature.key_id)
    if key is None:
        return VerifyResult(status=SignatureStatus.UNKNOWN_KEY, key_id=signature.key_id)
    try:
        key.verify(signature.raw(), message)
    except InvalidSignature:
        return VerifyResult(status=SignatureStatus.INVALID, key_id=signature.key_id)
    return VerifyResult(status=SignatureStatus.VALID, key_id=signature.key_id)
