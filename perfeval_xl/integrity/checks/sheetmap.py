"""Which sheet of a returned workbook is which issued sheet: kept, renamed, added or removed.

Names compare exactly after NFC. A missing issued sheet and an unknown sheet at the
same position are one renamed sheet; so are the only missing and the only unknown
sheet. Our own feedback sheet (feedback/marker.py: its name, its title in A1 and the
workbook's perfeval_feedback property) is left out: the bureau adds it, not the unit.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from perfeval_xl.intake.checks.context import CheckContext
from perfeval_xl.intake.reader import SheetRead, WorkbookRead
from perfeval_xl.integrity.checks.issued import Issued
from perfeval_xl.layout.feedback_sheet import is_feedback_sheet

_MEMO_KEY = "integrity.pairing"


@dataclass(frozen=True)
class SheetPairing:
    by_expected: dict[str, SheetRead | None]  # issued name → the sheet read in its place (None: removed)
    renamed: list[tuple[str, str]] = field(default_factory=list)  # (issued name, name found)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def _nfc(name: str) -> str:
    return unicodedata.normalize("NFC", name)


def issued_pairing(ctx: CheckContext, issued: Issued) -> SheetPairing:
    """`pair_sheets` of the issued sheets with the workbook read, once per file and reference
    (five integrity checks ask). Callers read the pairing, never change it."""
    cached = ctx.memo.get(_MEMO_KEY)
    if isinstance(cached, tuple) and cached[0] is issued:
        return cached[1]
    pairing = pair_sheets(issued.sheets, ctx.read)
    ctx.memo[_MEMO_KEY] = (issued, pairing)
    return pairing


def pair_sheets(expected: Sequence[str], read: WorkbookRead) -> SheetPairing:
    found = [s for s in read.sheets if not is_feedback_sheet(_nfc(s.name), s.value(1, 1), read.properties)]
    by_name = {_nfc(s.name): s for s in found}
    wanted = {_nfc(name) for name in expected}
    pairs: dict[str, SheetRead | None] = {name: by_name.get(_nfc(name)) for name in expected}
    missing = [name for name in expected if pairs[name] is None]
    extra = [i for i, s in enumerate(found) if _nfc(s.name) not in wanted]  # positions in `found`
    renamed: list[tuple[str, str]] = []

    def rename(name: str, position: int) -> None:
        pairs[name] = found[position]
        renamed.append((name, found[position].name))
        missing.remove(name)
        extra.remove(position)

    for position, name in enumerate(expected):
        if name in missing and position in extra:
            rename(name, position)
    if len(missing) == 1 and len(extra) == 1:
        rename(missing[0], extra[0])
    return SheetPairing(by_expected=pairs, renamed=renamed, added=[found[i].name for i in extra], removed=missing)
