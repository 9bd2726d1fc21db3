"""How findings look on the terminal and in JSON: severity names, "sheet 第N行 列X"."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from enum import Enum

from rich.console import Console
from rich.table import Table
from rich.text import Text

from perfeval_xl.engine.indicator import FIELD_LABELS
from perfeval_xl.findings import Finding, Location, Severity


class Lang(str, Enum):
    zh = "zh"
    en = "en"


SEVERITY_NAMES = {
    Lang.zh: {Severity.REJECT: "退回", Severity.ERROR: "错误", Severity.WARNING: "警告", Severity.INFO: "提示"},
    Lang.en: {s: s.value for s in Severity},
}
SEVERITY_STYLES = {Severity.REJECT: "bold red", Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "dim"}
FINDING_HEADERS = {Lang.zh: ("级别", "代码", "位置", "说明"), Lang.en: ("Severity", "Code", "Location", "Message")}
# Input fields the engine names in Location.field ("received:省财政", "evaluator:0", ...).
FIELD_NAMES = {**FIELD_LABELS, "evaluator": "评价人员", "evaluators": "评价人员", "stated": "填报数字",
               "annual_budget": "全年预算数"}


def is_error(finding: Finding) -> bool:
    return finding.severity in (Severity.REJECT, Severity.ERROR)


def describe_location(loc: Location, lang: Lang) -> str:
    """"绩效自评 I7" for a workbook cell; "指标 第12行 列J 年度指标值" for a manifest row;
    the key path of a YAML file; else the project, indicator and input field."""
    zh = lang is Lang.zh
    parts: list[str] = []
    if loc.sheet:
        parts.append(loc.sheet)
        if loc.cell:
            parts.append(loc.cell)
        if loc.row is not None:
            parts.append(f"第{loc.row}行" if zh else f"row {loc.row}")
        if loc.column:
            parts.append(f"列{loc.column}" if zh else f"column {loc.column}")
        return (" " if zh else ", ").join(parts)
    if loc.column:
        parts.append(loc.column)
    if loc.project_id:
        parts.append(f"项目 {loc.project_id}" if zh else f"project {loc.project_id}")
    if loc.indicator_id:
        parts.append(f"指标 {loc.indicator_id}" if zh else f"indicator {loc.indicator_id}")
    if loc.field:
        parts.append(_field_name(loc.field) if zh else loc.field)
    return " ".join(parts) or (loc.file or "")


def finding_json(finding: Finding, lang: Lang) -> dict[str, object]:
    return {
        "code": finding.code,
        "severity": finding.severity.value,
        "location": finding.location.model_dump(exclude_none=True),
        "where": describe_location(finding.location, lang),
        "message": finding.message(lang.value),
    }


def print_findings(console: Console, findings: Sequence[Finding], lang: Lang) -> None:
    if not findings:
        console.print("没有发现问题。" if lang is Lang.zh else "No findings.")
        return
    severity, code, where, text = FINDING_HEADERS[lang]
    table = Table(expand=True)
    table.add_column(severity, no_wrap=True)
    table.add_column(code, no_wrap=True)
    table.add_column(where, ratio=1, overflow="fold")  # Chinese has no spaces to wrap at: fold
    table.add_column(text, ratio=2, overflow="fold")
    for f in findings:
        table.add_row(Text(SEVERITY_NAMES[lang][f.severity], style=SEVERITY_STYLES[f.severity]), Text(f.code),
                      Text(describe_location(f.location, lang)), Text(f.message(lang.value)))
    console.print(table)
    console.print(summary_line(findings, lang))


def summary_line(findings: Sequence[Finding], lang: Lang) -> str:
    counts = Counter(f.severity for f in findings)
    names = SEVERITY_NAMES[lang]
    parts = [f"{names[s]} {counts[s]}" for s in Severity if counts[s]]
    return (f"共 {len(findings)} 条：" if lang is Lang.zh else f"{len(findings)} findings: ") + ", ".join(parts)


def _field_name(field: str) -> str:
    name, _, detail = field.partition(":")
    label = FIELD_NAMES.get(name, name)
    if name in ("evaluator", "stated") and detail.isdigit():
        return f"{label} 第{int(detail) + 1}条"
    return f"{label} {detail}".strip()
