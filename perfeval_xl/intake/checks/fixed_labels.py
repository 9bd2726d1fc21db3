"""The form's fixed labels (headers, row titles) must still be where the layout put them.
A blank where a label belongs means rows or columns were deleted, inserted or moved, so
every input would be read from the wrong cell. One reject per sheet, naming the cells.
Only presence is checked here; a label with changed text is the integrity checks'
"locked content changed"."""

from __future__ import annotations

from perfeval_xl.findings import Finding, finding
from perfeval_xl.intake.checks.context import CheckContext
from perfeval_xl.layout.contract import Role

LISTED = 10  # cells named in the message


def fixed_labels(ctx: CheckContext) -> list[Finding]:
    assert ctx.bound is not None
    out: list[Finding] = []
    for spec in ctx.bound.layout.sheets:
        sheet = ctx.read.sheet(spec.name)
        if sheet is None or not sheet.part:
            continue  # reported by sheets_present
        label, values = Role.LABEL, sheet.values
        missing = [cell.ref for cell in spec.cells
                   if cell.role is label and isinstance(cell.value, str) and cell.value.strip()
                   and values.get((cell.row, cell.col)) is None]
        if missing:
            listed = "、".join(missing[:LISTED]) + ("…" if len(missing) > LISTED else "")
            out.append(finding("LABEL_MISSING", ctx.at(sheet=spec.name, cell=missing[0]), sheet=spec.name,
                               count=len(missing), cells=listed))
    return out
