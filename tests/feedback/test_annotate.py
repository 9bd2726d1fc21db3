"""The annotated copy: marks every problem cell, lists every finding, and keeps the form as issued."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from perfeval_xl.api import ScoredBatch
from perfeval_xl.feedback import Feedback, FeedbackError, write_feedback
from perfeval_xl.feedback.annotate import FILLS
from perfeval_xl.layout.feedback_sheet import (
    COMMENT_AUTHOR,
    FEEDBACK_PROPERTY,
    FEEDBACK_SHEET,
    FEEDBACK_TITLE,
    is_feedback_sheet,
)
from perfeval_xl.findings import Finding, Location, Severity, finding
from perfeval_xl.intake.bind import Bound, allowed_ranges, bind, definition_from_meta, issued_layout_for
from perfeval_xl.intake.bind import read_returned
from perfeval_xl.intake.reader import WorkbookRead
from perfeval_xl.integrity.formula_norm import normalise_formula
from perfeval_xl.layout.contract import LOCKED_ROLES
from tests.feedback.conftest import sha256
from tests.support.xlsx_read import parts, worksheet_parts

INPUT_FILL = "FFFFF2CC"  # the generator's input style


def _findings(batch: ScoredBatch, pid: str) -> list[Finding]:
    return list(batch.results[pid].findings)


def _read_bound(path: Path) -> tuple[WorkbookRead, Bound]:
    meta = read_returned(path).meta
    definition = definition_from_meta(meta)
    layout = issued_layout_for(definition, meta)
    read = read_returned(path)
    return read, bind(read, layout, definition)


def _locked(read: WorkbookRead, bound: Bound) -> dict[str, dict[str, object]]:
    """Every label and data cell of the form, as read: what the unit cannot change."""
    out: dict[str, dict[str, object]] = {}
    for spec in bound.layout.sheets:
        sheet = read.sheet(spec.name)
        out[spec.name] = {c.ref: sheet.value(c.row, c.col) if sheet else None
                          for c in spec.cells if c.role in LOCKED_ROLES}
    return out


@pytest.fixture
def p004(batch: ScoredBatch, returned: dict[str, Path], tmp_path: Path) -> tuple[Path, Feedback]:
    extra = finding("OVER_ACHIEVEMENT", Location(sheet="绩效自评", cell="E8"), indicator="x", actual="1", target="1")
    done = write_feedback(returned["P004"], [*_findings(batch, "P004"), extra], tmp_path / "out")
    assert done is not None
    return returned["P004"], done


def test_copy_written_original_untouched(batch: ScoredBatch, returned: dict[str, Path], tmp_path: Path) -> None:
    before = sha256(returned["P004"])
    done = write_feedback(returned["P004"], _findings(batch, "P004"), tmp_path / "out")
    assert sha256(returned["P004"]) == before
    assert done is not None and done.kind == "annotated"
    assert done.path == tmp_path / "out" / f"{returned['P004'].stem}_反馈.xlsx"
    assert done.marked == (("绩效自评", "I7"),)  # REASON_MISSING of P004-01, placed through the layout
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [done.path.name]


def test_every_problem_cell_filled_and_commented(batch: ScoredBatch, p004: tuple[Path, Feedback]) -> None:
    _, done = p004
    wb = load_workbook(done.path)
    assert set(done.marked) == {("绩效自评", "I7"), ("绩效自评", "E8")}
    reason = wb["绩效自评"]["I7"]
    assert reason.comment.author == COMMENT_AUTHOR
    assert next(f for f in _findings(batch, "P004") if f.code == "REASON_MISSING").message() in reason.comment.text
    assert reason.fill.fgColor.rgb == FILLS[Severity.ERROR]
    assert wb["绩效自评"]["E8"].fill.fgColor.rgb == FILLS[Severity.WARNING]
    assert reason.protection.locked is False  # still an input cell
    commented = {(ws.title, c.coordinate) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.comment}
    assert commented == set(done.marked)


def test_feedback_sheet_lists_every_finding_and_carries_the_marker(batch: ScoredBatch,
                                                                  p004: tuple[Path, Feedback]) -> None:
    _, done = p004
    read = read_returned(done.path)
    sheet = read.sheet(FEEDBACK_SHEET)
    assert sheet is not None and sheet.state == "visible"
    assert sheet.value(1, 1) == FEEDBACK_TITLE and read.properties[FEEDBACK_PROPERTY] == "1"
    assert is_feedback_sheet(sheet.name, sheet.value(1, 1), read.properties)
    listed = [(sheet.value(r, 2), sheet.value(r, 3), sheet.value(r, 4), sheet.value(r, 5)) for r in range(5, 7)]
    assert listed[0][:3] == ("错误", "绩效自评", "I7") and listed[1][:3] == ("警告", "绩效自评", "E8")
    assert sheet.value(7, 1) is None and done.findings == 2
    ws = load_workbook(done.path)[FEEDBACK_SHEET]
    assert ws["D5"].hyperlink.location == "'绩效自评'!I7"
    assert ws.protection.sheet and load_workbook(done.path).active.title == FEEDBACK_SHEET


def test_the_form_is_kept_as_issued(p004: tuple[Path, Feedback]) -> None:
    original, done = p004
    before, after = worksheet_parts(original), worksheet_parts(done.path)
    assert list(after) == [*before, FEEDBACK_SHEET]
    for name, body in before.items():
        copy = after[name]
        for tag in ("<dataValidation ", "<cfRule ", "<mergeCell "):
            assert copy.count(tag) == body.count(tag), (name, tag)
        password = re.search(r'<sheetProtection[^>]*password="(\w+)"', body)
        assert password and f'password="{password.group(1)}"' in copy and 'sheet="1"' in copy, name
        assert re.findall(r"<f>(.*?)</f>", copy) == re.findall(r"<f>(.*?)</f>", body), name
    book_before, book_after = parts(original)["xl/workbook.xml"], parts(done.path)["xl/workbook.xml"]
    assert re.search(r'<sheet name="_meta" sheetId="\d+" state="veryHidden"', book_after)
    assert 'lockStructure="1"' in book_after and 'fullCalcOnLoad="1"' in book_after
    names = re.compile(r'<definedName name="([^"]+)"[^>]*>([^<]+)</definedName>')

    def defined(book: str) -> set[tuple[str, str]]:  # openpyxl quotes sheet names that need no quotes
        return {(name, target.replace("'", "")) for name, target in names.findall(book)}

    assert defined(book_after) == defined(book_before) | {("_xlnm.Print_Titles", f"{FEEDBACK_SHEET}!$4:$4")}
    custom_before = read_returned(original).properties
    assert len(custom_before) > 5 and read_returned(done.path).properties == {**custom_before, FEEDBACK_PROPERTY: "1"}
    assert "<f>" not in after[FEEDBACK_SHEET] and "<f " not in after[FEEDBACK_SHEET]


def test_the_collector_reads_the_same_form_from_the_copy(p004: tuple[Path, Feedback]) -> None:
    original, done = p004
    read_before, before = _read_bound(original)
    read_after, after = _read_bound(done.path)
    assert read_after.gate.accepted and not read_after.findings
    assert after.extra_sheets == [FEEDBACK_SHEET] and not after.missing_sheets
    assert after.inputs == before.inputs and after.input_values == before.input_values
    assert _locked(read_after, after) == _locked(read_before, before) and read_after.meta == read_before.meta
    assert {k: normalise_formula(f.text) for k, f in after.formulas.items() if f} == {
        k: normalise_formula(f.text) for k, f in before.formulas.items() if f}
    assert all(not s.outside for s in read_after.sheets)


def test_same_bytes_each_time(batch: ScoredBatch, returned: dict[str, Path], tmp_path: Path) -> None:
    first = write_feedback(returned["P005"], _findings(batch, "P005"), tmp_path / "a")
    again = write_feedback(returned["P005"], _findings(batch, "P005"), tmp_path / "b")
    assert first is not None and again is not None
    assert first.path.read_bytes() == again.path.read_bytes()


def test_a_later_round_replaces_the_earlier_marks(p004: tuple[Path, Feedback], tmp_path: Path) -> None:
    _, first = p004
    later = finding("INPUT_MISSING", Location(sheet="绩效自评", cell="E9"), indicator="x", field="实际完成值")
    done = write_feedback(first.path, [later], tmp_path / "round2")
    assert done is not None and done.path.name == first.path.name  # one _反馈 suffix, not two
    wb = load_workbook(done.path)
    assert wb.sheetnames.count(FEEDBACK_SHEET) == 1 and wb[FEEDBACK_SHEET]["C6"].value is None
    ws = wb["绩效自评"]
    assert ws["I7"].comment is None and ws["E8"].comment is None
    assert ws["I7"].fill.fgColor.rgb == INPUT_FILL and ws["E8"].fill.fgColor.rgb == INPUT_FILL
    assert ws["E9"].comment.author == COMMENT_AUTHOR and done.marked == (("绩效自评", "E9"),)


def test_text_from_findings_never_becomes_a_formula(returned: dict[str, Path], tmp_path: Path) -> None:
    hostile = finding("MANIFEST_FIELD_MISSING", Location(sheet="绩效自评", cell="E7"), field='=HYPERLINK("x","y")')
    assert hostile.message().startswith("=")
    done = write_feedback(returned["P004"], [hostile], tmp_path / "out")
    assert done is not None
    ws = load_workbook(done.path)[FEEDBACK_SHEET]
    assert ws["E5"].value == hostile.message() and ws["E5"].data_type == "s" and ws["E5"].quotePrefix
    assert "<f>" not in worksheet_parts(done.path)[FEEDBACK_SHEET]


def test_a_merged_cell_is_marked_on_its_top_left(returned: dict[str, Path], tmp_path: Path) -> None:
    ws = load_workbook(returned["P004"])["绩效自评"]
    area = next(a for a in ws.merged_cells.ranges if a.max_col > a.min_col)
    inside = f"{chr(64 + area.max_col)}{area.min_row}"
    hint = finding("OVER_ACHIEVEMENT", Location(sheet="绩效自评", cell=inside), indicator="x", actual="1", target="1")
    done = write_feedback(returned["P004"], [hint], tmp_path / "out")
    assert done is not None and done.marked == (("绩效自评", area.start_cell.coordinate),)


def test_nothing_below_the_threshold_no_copy(batch: ScoredBatch, returned: dict[str, Path], tmp_path: Path) -> None:
    notes = [f for f in _findings(batch, "P005") if f.severity is Severity.INFO]
    assert notes and write_feedback(returned["P005"], notes, tmp_path / "out") is None
    assert not (tmp_path / "out").exists()
    done = write_feedback(returned["P005"], notes, tmp_path / "out", min_severity=Severity.INFO)
    assert done is not None and done.findings == len(notes)


def test_never_overwrites_the_original(batch: ScoredBatch, returned: dict[str, Path]) -> None:
    named = returned["P004"].rename(returned["P004"].with_name("P004_反馈.xlsx"))
    before = sha256(named)
    with pytest.raises(FeedbackError, match="不能覆盖原件"):
        write_feedback(named, _findings(batch, "P004"), named.parent)
    assert sha256(named) == before
