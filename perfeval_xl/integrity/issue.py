"""What is signed and registered when a workbook is issued.

The locked content is every label and data cell of the layout (targets, weights,
names, the form's own text and the _meta facts), in sheet order; formulas are not
signed (spreadsheets re-serialise them) but registered in normalised form.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

from perfeval_xl.integrity.formula_norm import normalise_formula
from perfeval_xl.integrity.keys import KeyPair
from perfeval_xl.integrity.payload import CellValue, PayloadMeta, build_payload, payload_bytes
from perfeval_xl.integrity.signing import Signature, sign
from perfeval_xl.layout.builder import SheetBuilder
from perfeval_xl.layout.contract import LOCKED_ROLES, META_SHEET, Cell, Role, SheetSpec, WorkbookLayout

SIGNATURE_KEY = "signature"
UNSIGNED_KEY_ID = "ed25519:0000000000000000"  # the payload of an unsigned batch names no real key
# The signature row of _meta (its label and its value) is added after signing.
SIGNED_META_EXCLUDED = frozenset({f"meta:{SIGNATURE_KEY}", f"meta_label:{SIGNATURE_KEY}"})


def signed_cells(sheet: SheetSpec) -> list[Cell]:
    """The cells of `sheet` the signature covers (blank ones included): its labels and data."""
    return [cell for cell in sheet.cells if cell.role in LOCKED_ROLES and cell.key not in SIGNED_META_EXCLUDED]


def locked_cells(layout: WorkbookLayout) -> list[tuple[str, dict[str, CellValue]]]:
    """Every label and data cell of every sheet, by address, in sheet order."""
    out: list[tuple[str, dict[str, CellValue]]] = []
    for sheet in layout.sheets:
        cells: dict[str, CellValue] = {}
        for cell in signed_cells(sheet):
            if cell.value is not None and cell.value != "":
                cells[cell.ref] = cell.value  # type: ignore[assignment]
        out.append((sheet.name, cells))
    return out


def payload_meta(layout: WorkbookLayout) -> PayloadMeta:
    def meta(key: str) -> str:
        found = layout.locate(f"meta:{key}")
        if found is None:
            raise KeyError(f"layout has no _meta entry {key}")
        return str(found[1].value)

    return PayloadMeta(
        year=int(meta("year")),
        batch_id=meta("batch_id"),
        unit=meta("unit"),
        project_id=meta("project_id"),
        template_version=meta("template_version"),
        key_id=meta("key_id") or UNSIGNED_KEY_ID,
        issued_version=int(meta("issued_version")),
    )


def layout_payload(layout: WorkbookLayout) -> dict:
    return build_payload(payload_meta(layout), locked_cells(layout))


def payload_hash(layout: WorkbookLayout) -> str:
    return hashlib.sha256(payload_message(layout)).hexdigest()


def payload_message(layout: WorkbookLayout) -> bytes:
    """The canonical bytes of the layout's payload: what is signed; its SHA-256 is `payload_hash`."""
    return payload_bytes(payload_meta(layout), locked_cells(layout))


def formula_texts(layout: WorkbookLayout) -> dict[str, str]:
    """'sheet!A1' → normalised formula, for every formula cell."""
    return {f"{s.name}!{c.ref}": normalise_formula(c.formula or "")
            for s in layout.sheets for c in s.cells if c.role is Role.FORMULA}


def sign_layout(layout: WorkbookLayout, keypair: KeyPair, message: bytes | None = None) -> Signature:
    """Sign the layout's locked content and store the signature in _meta and the document properties.

    `message`: `payload_message(layout)` when the caller already has it.
    """
    if message is None:
        message = payload_message(layout)
    signature = sign(None, keypair.private_key, keypair.key_id, message=message)
    meta = layout.sheet(META_SHEET)
    row = meta.max_row + 1
    SheetBuilder(meta).data(row, 1, SIGNATURE_KEY, "data", key=f"meta_label:{SIGNATURE_KEY}")
    SheetBuilder(meta).data(row, 2, signature.to_text(), "data", key=f"meta:{SIGNATURE_KEY}")
    layout.properties[f"perfeval_{SIGNATURE_KEY}"] = signature.to_text()
    layout.reindex()
    return signature


def with_meta(layout: WorkbookLayout, **values: str) -> WorkbookLayout:
    """Change _meta values (and their property mirrors) before signing, e.g. key_id, issued_version."""
    meta = layout.sheet(META_SHEET)
    for i, cell in enumerate(meta.cells):
        name = (cell.key or "").removeprefix("meta:")
        if cell.key and name in values:
            layout.replace_cell(meta, i, replace(cell, value=values[name]))
            layout.properties[f"perfeval_{name}"] = values[name]
    return layout
