"""Signals, not proof (warnings, REFERENCE §4 and §8): protection removed, sheet visibility
changed, and a file last saved by software other than Excel or WPS.

A LibreOffice re-save alone drops workbook structure protection and turns veryHidden
into hidden, so these are reported but never reject a workbook: the locked content
and formulas are checked cell by cell whatever the protection.
"""

from __future__ import annotations

from perfeval_xl.findings import Finding, finding
from perfeval_xl.intake.checks.context import CheckContext
from perfeval_xl.intake.reader import WorkbookRead
from perfeval_xl.integrity.checks.issued import issued_for
from perfeval_xl.integrity.checks.sheetmap import issued_pairing

_TRUE = ("1", "true")
_STATES = {"visible": ("可见", "visible"), "hidden": ("隐藏", "hidden"), "veryHidden": ("深度隐藏", "very hidden")}
# WPS marks the files it saves with this custom document property.
WPS_PROPERTY = "KSOProductBuildVer"


def check_protection(ctx: CheckContext) -> list[Finding]:
    """Sheet protection (of every sheet issued protected) and workbook structure protection."""
    issued = issued_for(ctx)
    if issued is None:
        return []
    pairing = issued_pairing(ctx, issued)
    out: list[Finding] = []
    for spec in issued.layout.sheets:
        sheet = pairing.by_expected.get(spec.name)
        if spec.protect and sheet is not None and not _on(sheet.protection, "sheet"):
            out.append(finding("SHEET_PROTECTION_REMOVED", ctx.at(sheet.name), sheet=sheet.name))
    workbook = ctx.read.workbook
    if workbook is not None and not _on(workbook.workbook_protection, "lockStructure"):
        out.append(finding("WORKBOOK_PROTECTION_REMOVED", ctx.at()))
    return out


def check_visibility(ctx: CheckContext) -> list[Finding]:
    """Sheets shown or hidden other than as issued (e.g. the veryHidden _meta made visible)."""
    issued = issued_for(ctx)
    if issued is None:
        return []
    pairing = issued_pairing(ctx, issued)
    out: list[Finding] = []
    for spec in issued.layout.sheets:
        sheet = pairing.by_expected.get(spec.name)
        expected = "veryHidden" if spec.very_hidden else "visible"
        if sheet is not None and sheet.state != expected:
            (zh, en), (found_zh, found_en) = _STATES[expected], _STATES.get(sheet.state, (sheet.state, sheet.state))
            out.append(finding("SHEET_VISIBILITY_CHANGED", ctx.at(sheet.name), sheet=sheet.name, expected=zh,
                               found=found_zh, expected_en=en, found_en=found_en))
    return out


def check_resaved(ctx: CheckContext) -> list[Finding]:
    """The file was last saved by something other than Excel or WPS (LibreOffice, openpyxl, ...)."""
    if not ctx.read.ok or ctx.read.workbook is None:
        return []
    other = saved_elsewhere(ctx.read)
    return [] if other is None else [finding("RESAVED_ELSEWHERE", ctx.at(), app=other)]


def saved_elsewhere(read: WorkbookRead) -> str | None:
    """The saving software when it is neither Excel nor WPS, else None.

    Excel writes <fileVersion appName="xl"> and app.xml Application "Microsoft Excel"
    (our generator too); LibreOffice writes appName "Calc"; openpyxl writes no
    fileVersion and "Microsoft Excel Compatible / Openpyxl".
    """
    app = read.application
    if WPS_PROPERTY in read.properties or "WPS" in app.upper() or "KINGSOFT" in app.upper():
        return None
    app_name = read.workbook.app_name if read.workbook else ""
    if app_name == "xl" and app.startswith("Microsoft") and "Excel" in app and "Compatible" not in app:
        return None
    return app or (f"appName={app_name}" if app_name else "未知软件")


def _on(attributes: dict[str, str] | None, name: str) -> bool:
    return attributes is not None and attributes.get(name, "").strip().lower() in _TRUE
