"""`perfeval feedback`: what goes back to a unit for each returned file with findings.

- An accepted file with findings gets an annotated COPY (annotate.py): problem cells
  filled and commented, and a 问题清单 sheet marked as ours (layout/feedback_sheet.py) so the
  integrity check accepts the fixed copy back.
- A rejected file (a gate failure, tampering: any reject-level finding) gets a
  one-page 退回通知 to print, sign and stamp (letter.py).

The original is never written to. Outputs are written atomically into `out_dir`
and are byte-identical for the same input.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from perfeval_xl.atomic import write_bytes_atomic
from perfeval_xl.feedback.annotate import annotate
from perfeval_xl.feedback.letter import LetterInfo, letter_bytes
from perfeval_xl.layout.feedback_sheet import FEEDBACK_PROPERTY, FEEDBACK_TITLE, is_feedback_sheet
from perfeval_xl.findings import Finding, Severity
from perfeval_xl.intake.gate import gate_file

ANNOTATED_SUFFIX = "_反馈"
LETTER_SUFFIX = "_退回通知"

__all__ = ["FEEDBACK_PROPERTY", "FEEDBACK_TITLE", "Feedback", "FeedbackError", "LetterInfo", "is_feedback_sheet",
           "write_feedback"]


class FeedbackError(Exception):
    """No feedback could be written for a file (the message is Chinese)."""


@dataclass(frozen=True)
class Feedback:
    kind: Literal["annotated", "letter"]
    path: Path
    findings: int  # findings the output shows
    marked: tuple[tuple[str, str], ...] = ()  # (sheet, cell) highlighted in an annotated copy


def write_feedback(
    original: str | os.PathLike[str],
    findings: Sequence[Finding],
    out_dir: str | os.PathLike[str],
    *,
    letter: LetterInfo | None = None,
    min_severity: Severity = Severity.WARNING,
    name: str | None = None,
) -> Feedback | None:
    """Write the feedback for one returned file into `out_dir`; None when there is nothing to say.

    `findings` are the file's findings (a location's sheet and cell mark that cell;
    engine findings without one are placed through the layout the workbook carries).
    The file is gated again before openpyxl parses it: a file the gate refuses gets
    the letter. Findings below `min_severity` are left out of an annotated copy.
    `name` is the file's name as the unit sent it, when `original` is a copy under
    another name (the collector's archive): outputs are named after it.
    """
    source = Path(original)
    sent = Path(name or source.name)
    target_dir = Path(out_dir)
    gate = gate_file(source)
    rejects = [*gate.findings, *findings] if not gate.accepted else list(findings)
    if any(f.severity is Severity.REJECT for f in rejects):
        path = target_dir / f"{sent.stem}{LETTER_SUFFIX}.xlsx"
        _not_the_original(source, path)
        write_bytes_atomic(path, letter_bytes(sent.name, rejects, letter or LetterInfo()))
        return Feedback("letter", path, len(rejects))
    shown = [f for f in findings if f.severity.rank >= min_severity.rank]
    if not shown:
        return None
    stem = sent.stem.removesuffix(ANNOTATED_SUFFIX)  # a later round keeps one suffix
    path = target_dir / f"{stem}{ANNOTATED_SUFFIX}{source.suffix}"
    _not_the_original(source, path)
    try:
        annotated = annotate(source, shown, sent.name)
    except Exception as exc:  # openpyxl on an odd but gate-accepted package
        raise FeedbackError(f"无法为 {sent.name} 生成反馈副本：{type(exc).__name__}: {exc}") from exc
    write_bytes_atomic(path, annotated.bytes)
    return Feedback("annotated", path, annotated.listed, annotated.marked)


def _not_the_original(source: Path, path: Path) -> None:
    if path.resolve() == source.resolve():
        raise FeedbackError(f"反馈文件不能覆盖原件 {source}，请换一个输出文件夹。")
