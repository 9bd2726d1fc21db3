"""The signature check: the payload is rebuilt from the returned workbook itself.

Which cells are signed comes from the issued layout; their values, and the `_meta`
facts, come from the workbook AS READ (never from the layout), so any change of a
locked cell, of a sheet name or of `_meta` breaks the signature. Which key: the
register's when collecting (a signature by any other key is an unknown key), else
any public key given.

When no signature is demanded: a batch the register records as unsigned; without a
register, a workbook naming no key and holding no signature, unless public keys were
given (then the bureau expects signatures, and blanking the key id does not help).
Without a register and without public keys a signature cannot be verified: a warning.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from functools import lru_cache

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pydantic import ValidationError

from perfeval_xl.findings import Finding, finding
from perfeval_xl.intake.checks.context import CheckContext
from perfeval_xl.intake.reader import WorkbookRead
from perfeval_xl.integrity.canonical import CanonicalError
from perfeval_xl.integrity.checks.issued import Issued, issued_for
from perfeval_xl.integrity.issue import SIGNATURE_KEY, UNSIGNED_KEY_ID, signed_cells
from perfeval_xl.integrity.payload import CellValue, PayloadMeta, payload_bytes
from perfeval_xl.integrity.signing import Signature, SignatureFormatError, verify
from perfeval_xl.layout.contract import META_SHEET, Cell, SheetSpec, WorkbookLayout

SIGNATURE_PROPERTY = f"perfeval_{SIGNATURE_KEY}"
_VERIFIED_KEY = "integrity.signature"  # memo: (the layout whose locked cells were verified, valid or not)


def check_signature(ctx: CheckContext) -> list[Finding]:
    """Signature missing, malformed, by an unknown key, or not matching the locked content as read."""
    issued = issued_for(ctx)
    if issued is None:
        return []
    where = ctx.at(META_SHEET)
    text = signature_text(ctx.read)
    if issued.key_id is None and (issued.from_register or (text is None and not ctx.public_keys)):
        return [finding("SIGNATURE_NOT_REQUIRED", where)]
    if text is None:
        return [finding("SIGNATURE_MISSING", where, key_id=issued.key_id)]
    if not ctx.public_keys and not issued.from_register:
        # `check` on a PC without the batch's public key: say so rather than reject every form.
        return [finding("SIGNATURE_NOT_VERIFIED", where, key_id=issued.key_id or "")]
    try:
        signature = Signature.from_text(text)
    except SignatureFormatError as exc:
        return [finding("SIGNATURE_MALFORMED", where, detail=str(exc))]
    try:
        message = message_as_read(issued.layout, ctx.read, ctx.signed_cells)
    except (CanonicalError, ValidationError, ValueError) as exc:
        return [finding("SIGNATURE_INVALID", where, detail=f"payload cannot be rebuilt: {exc}"[:300])]
    result = verify(None, signature, _keys(ctx, issued), message=message)
    ctx.memo[_VERIFIED_KEY] = (issued.layout, result.ok)
    found = result.finding(where)
    return [] if found is None else [found]


def signature_expected(ctx: CheckContext) -> bool:
    """Whether `check_signature` will verify a signature (it may still find it invalid): the register
    names the batch's key, or, without a register, public keys are given and the workbook holds one."""
    if ctx.register is not None:
        return bool(ctx.register.key_id)
    return bool(ctx.public_keys) and signature_text(ctx.read) is not None


def signature_verified(ctx: CheckContext, layout: WorkbookLayout) -> bool:
    """Whether `check_signature` found the signature valid over the locked cells of `layout` as read."""
    verified = ctx.memo.get(_VERIFIED_KEY)
    return isinstance(verified, tuple) and verified[0] is layout and verified[1] is True


def signature_text(read: WorkbookRead) -> str | None:
    """The stored signature: the _meta cell, else its document-property mirror."""
    for text in (read.meta.get(SIGNATURE_KEY), read.properties.get(SIGNATURE_PROPERTY)):
        if text and text.strip():
            return text
    return None


def message_as_read(layout: WorkbookLayout, read: WorkbookRead,
                    signed: Callable[[SheetSpec], list[Cell]] = signed_cells) -> bytes:
    """The signed bytes of the returned workbook: its payload, the layout's locked cells with the values read.
    `signed`: `signed_cells`, or a caller's copy of its results.

    Raises ValueError / ValidationError / CanonicalError when _meta or a value cannot
    form a payload (the caller reports the signature as invalid).
    """
    meta = read.meta
    payload_meta = PayloadMeta(
        year=int(meta.get("year", "")),
        batch_id=meta.get("batch_id", ""),
        unit=meta.get("unit", ""),
        project_id=meta.get("project_id", ""),
        template_version=meta.get("template_version", ""),
        key_id=meta.get("key_id") or UNSIGNED_KEY_ID,
        issued_version=int(meta.get("issued_version", "")),
    )
    sheets: list[tuple[str, dict[str, CellValue]]] = []
    for spec in layout.sheets:
        sheet = read.sheet(spec.name)
        cells: dict[str, CellValue] = {}
        if sheet is not None:
            get = sheet.values.get
            cells = {cell.ref: get((cell.row, cell.col)) for cell in signed(spec)}
        sheets.append((spec.name, cells))
    return payload_bytes(payload_meta, sheets)


def _keys(ctx: CheckContext, issued: Issued) -> dict[str, Ed25519PublicKey]:
    """Without a register, any key given; collecting, only the register's key (kept in the register
    since generation, else among the keys given)."""
    if not issued.from_register:
        return ctx.public_keys
    if not issued.key_id:
        return {}
    registered = ctx.register.public_key if ctx.register is not None else None
    if registered:
        return {issued.key_id: _public_key(registered)}
    key = ctx.public_keys.get(issued.key_id)
    return {issued.key_id: key} if key is not None else {}


@lru_cache(maxsize=8)  # a register names one key per batch: loaded once per worker, not per file
def _public_key(raw_base64: str) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(base64.b64decode(raw_base64))
