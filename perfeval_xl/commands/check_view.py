"""`perfeval check` on the terminal: one block per file (its outcome, then a table of
findings naming sheet, cell and what to do), and a summary line."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from perfeval_xl.commands.check_report import summary, where
from perfeval_xl.commands.render import FINDING_HEADERS, SEVERITY_NAMES, SEVERITY_STYLES, Lang
from perfeval_xl.intake.report import FileOutcome, FileReport

OUTCOME_NAMES = {
    Lang.zh: {FileOutcome.REJECTED: "退回", FileOutcome.ACCEPTED_WITH_ERRORS: "已接收，有错误",
              FileOutcome.ACCEPTED: "通过"},
    Lang.en: {FileOutcome.REJECTED: "rejected", FileOutcome.ACCEPTED_WITH_ERRORS: "accepted with errors",
              FileOutcome.ACCEPTED: "accepted"},
}
OUTCOME_STYLES = {FileOutcome.REJECTED: "bold red", FileOutcome.ACCEPTED_WITH_ERRORS: "red",
                  FileOutcome.ACCEPTED: "green"}
WHOLE_FILE = {Lang.zh: "整个文件", Lang.en: "whole file"}


def print_reports(console: Console, reports: Sequence[FileReport], lang: Lang) -> None:
    for number, report in enumerate(reports, start=1):
        console.print(file_heading(report, number, len(reports), lang))
        if report.findings:
            console.print(findings_table(report, lang))
        else:
            console.print("  未发现问题。" if lang is Lang.zh else "  No findings.")
    console.print(summary_text(reports, lang))


def file_heading(report: FileReport, number: int, total: int, lang: Lang) -> Text:
    zh = lang is Lang.zh
    text = Text(f"[{number}/{total}] ", style="bold")
    text.append(report.file, style="bold")
    facts = []
    if report.project_id:
        facts.append(f"项目 {report.project_id}" if zh else f"project {report.project_id}")
    if report.result is not None and report.result.total is not None:
        total_text = format(report.result.total, "f")
        grade = f" {report.result.grade}" if report.result.grade else ""
        facts.append(f"重算总分 {total_text}{grade}" if zh else f"recomputed total {total_text}{grade}")
    if facts:
        text.append("（" + "，".join(facts) + "）" if zh else " (" + ", ".join(facts) + ")")
    text.append("：" if zh else ": ")
    text.append(OUTCOME_NAMES[lang][report.outcome], style=OUTCOME_STYLES[report.outcome])
    return text


def findings_table(report: FileReport, lang: Lang) -> Table:
    severity, code, place, message = FINDING_HEADERS[lang]
    table = Table(expand=True)
    table.add_column(severity, no_wrap=True)
    table.add_column(code, no_wrap=True)
    table.add_column(place, ratio=1, overflow="fold")  # Chinese has no spaces to wrap at: fold
    table.add_column(message, ratio=3, overflow="fold")
    for f in report.findings:
        table.add_row(Text(SEVERITY_NAMES[lang][f.severity], style=SEVERITY_STYLES[f.severity]), Text(f.code),
                      Text(where(f.location, lang) or WHOLE_FILE[lang]), Text(f.message(lang.value)))
    return table


def summary_text(reports: Sequence[FileReport], lang: Lang) -> str:
    s = summary(reports)
    if lang is Lang.zh:
        line = (f"共检查 {s.files} 个文件：退回 {s.rejected} 个，已接收但有错误 {s.accepted_with_errors} 个，"
                f"通过 {s.accepted} 个。")
        if s.rejected:
            line += "退回的文件请报送单位按说明修改后重新报送。"
        if s.accepted_with_errors:
            line += "有错误的文件请把问题清单反馈报送单位更正。"
        return line
    return (f"{s.files} files checked: {s.rejected} rejected, {s.accepted_with_errors} accepted with errors, "
            f"{s.accepted} accepted.")
