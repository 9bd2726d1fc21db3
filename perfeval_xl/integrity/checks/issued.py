"""What a returned workbook is compared with: the form as it was issued.

When collecting, the issuance register's entry is the reference (the units never
hold it, so editing both a visible cell and the embedded definition of an unsigned
batch still shows). Otherwise (`perfeval check` on any PC) the reference is the
definition the workbook carries in `_meta`, which the signature covers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from perfeval_xl.intake.bind import issued_layout_for
from perfeval_xl.intake.checks.context import CheckContext
from perfeval_xl.intake.reader import WorkbookRead
from perfeval_xl.integrity.register import RegisterEntry
from perfeval_xl.layout.contract import WorkbookLayout
from perfeval_xl.layout.definition import IssuedDefinition

# The xlwings flavour (a macro-enabled .xlsm) records itself in _meta as formulas = xlwings.
MACRO_FLAVOUR_KEY = "meta:formulas"
MACRO_FLAVOUR = "xlwings"
_MEMO_KEY = "integrity.issued"


@dataclass(frozen=True)
class Issued:
    layout: WorkbookLayout
    definition: IssuedDefinition
    key_id: str | None  # None: issued unsigned (as far as the reference knows)
    file_format: str  # "xlsx" | "xlsm"
    sheets: tuple[str, ...]
    registered_formulas: Mapping[str, str] | None  # register: 'sheet!A1' → normalised formula
    vba_hash: str | None  # register: hash of the VBA project issued in an .xlsm
    from_register: bool


def issued_for(ctx: CheckContext) -> Issued | None:
    """The reference for `ctx`, or None when the workbook was not read or carries no readable definition."""
    # Every integrity check asks, and building it compares whole definitions: once per file,
    # again only if the workbook has been bound since.
    cached = ctx.memo.get(_MEMO_KEY)
    if isinstance(cached, tuple) and cached[0] is ctx.bound:
        return cached[1]
    issued = _issued_for(ctx)
    ctx.memo[_MEMO_KEY] = (ctx.bound, issued)
    return issued


def _issued_for(ctx: CheckContext) -> Issued | None:
    if not ctx.read.ok:
        return None
    entry = ctx.register
    if entry is not None:
        definition = entry.definition()
        reuse = ctx.bound is not None and _same_issue(ctx.bound.layout, ctx.bound.definition, definition, entry)
        if reuse and ctx.bound:
            # Equal to the register's: the bound objects themselves, so that later comparisons
            # with what the workbook carries (content.py) are by identity, not field by field.
            layout, definition = ctx.bound.layout, ctx.bound.definition
        else:
            layout = _register_layout(definition, entry)
        return Issued(layout=layout, definition=definition, key_id=entry.key_id or None,
                      file_format=entry.file_format, sheets=tuple(entry.sheets),
                      registered_formulas=entry.formulas, vba_hash=entry.vba_hash, from_register=True)
    if ctx.bound is None:
        return None
    layout = ctx.bound.layout
    flavour = layout.locate(MACRO_FLAVOUR_KEY)
    return Issued(layout=layout, definition=ctx.bound.definition, key_id=claimed_key_id(ctx.read),
                  file_format="xlsm" if flavour and flavour[1].value == MACRO_FLAVOUR else "xlsx",
                  sheets=tuple(s.name for s in layout.sheets), registered_formulas=None, vba_hash=None,
                  from_register=False)


def claimed_key_id(read: WorkbookRead) -> str | None:
    """The key id the workbook says it was signed with (_meta, else its property mirror)."""
    return (read.meta.get("key_id") or read.properties.get("perfeval_key_id") or "").strip() or None


def _meta_value(layout: WorkbookLayout, name: str) -> str:
    found = layout.locate(f"meta:{name}")
    return "" if found is None or found[1].value is None else str(found[1].value)


def _same_issue(layout: WorkbookLayout, bound: IssuedDefinition, registered: IssuedDefinition,
                entry: RegisterEntry) -> bool:
    """Whether the bound layout is exactly the register's (the pipeline may bind through the register)."""
    return (bound == registered
            and _meta_value(layout, "issued_version") == str(entry.issued_version)
            and _meta_value(layout, "key_id") == (entry.key_id or ""))


def _register_layout(definition: IssuedDefinition, entry: RegisterEntry) -> WorkbookLayout:
    return issued_layout_for(definition, {"issued_version": str(entry.issued_version), "key_id": entry.key_id or ""})
