"""One small test per check of a returned workbook, each on a sample form changed the
way a unit (or its software) would change it, through `check_file`."""

from __future__ import annotations

import base64
import zlib
from decimal import Decimal
from pathlib import Path

import pytest

from perfeval_xl.engine.numbers import round_half_up
from perfeval_xl.findings import CATALOGUE, Finding, Location, Severity
from perfeval_xl.intake.checks import CheckContext, run_checks
from perfeval_xl.intake.models import GateResult
from perfeval_xl.intake.pipeline import check_file
from perfeval_xl.intake.reader import WorkbookRead
from perfeval_xl.intake.report import FileOutcome, FileReport
from perfeval_xl.layout.contract import META_SHEET
from perfeval_xl.model import IndicatorInput
from tests.support.returns import Sample, edit_sheet, resave_with_openpyxl, set_cached, set_formula
from tests.support.xlsx import write_sheets

CLEAN = "P001"  # its sample inputs give no error


def codes(report: FileReport) -> set[str]:
    """The codes of the intake's own checks (integrity findings are tests/integrity's subject)."""
    return {f.code for f in report.findings if CATALOGUE[f.code].layer != "integrity"}


def only(report: FileReport, code: str) -> list[Finding]:
    return [f for f in report.findings if f.code == code]


def cell_of(sample: Sample, project_id: str, key: str) -> tuple[str, str]:
    found = sample.layout(project_id).locate(key)
    assert found is not None, key
    return found[0], found[1].ref


def with_input(sample: Sample, project_id: str, indicator_id: str, **change: object):
    inputs = sample.inputs[project_id]
    indicators = dict(inputs.indicators)
    indicators[indicator_id] = indicators.get(indicator_id, IndicatorInput()).model_copy(update=change)
    return inputs.model_copy(update={"indicators": indicators})


def first_actual(sample: Sample, project_id: str) -> str:
    """The first indicator of the project whose actual value is an input."""
    for ind in sample.project(project_id).indicators:
        if sample.layout(project_id).locate(f"ind:{ind.id}:actual") is not None:
            return ind.id
    raise AssertionError(project_id)


# ----------------------------------------------------------------------------- clean


def test_clean_return_is_accepted(sample: Sample, tmp_path: Path) -> None:
    report = check_file(sample.write(tmp_path / "r.xlsx", CLEAN))
    assert report.outcome is FileOutcome.ACCEPTED, report.findings
    assert report.project_id == CLEAN and report.batch_id == sample.loaded.manifest.batch.batch_id
    assert report.form_version == "PE-FORM-1.0" and report.issued_version == 1
    assert report.has_cached_values is True and report.result is not None and report.result.total is not None
    assert report.inputs is not None and report.inputs.project_id == CLEAN
    assert len(report.sha256) == 64 and report.size == (tmp_path / "r.xlsx").stat().st_size


# ----------------------------------------------------------------------------- identity


def test_form_identity_other_workbook(tmp_path: Path) -> None:
    path = write_sheets(tmp_path / "other.xlsx", {"Sheet1": [["项目", "得分"], ["x", 90]]})
    report = check_file(path)
    assert codes(report) == {"FORM_NOT_OURS"} and report.outcome is FileOutcome.REJECTED


def test_form_identity_meta_sheet_deleted(sample: Sample, tmp_path: Path) -> None:
    form = sample.write(tmp_path / "f.xlsx", CLEAN)
    path = resave_with_openpyxl(form, tmp_path / "r.xlsx", lambda wb: wb.remove(wb[META_SHEET]))
    report = check_file(path)
    assert codes(report) == {"FORM_META_MISSING"}
    assert report.project_id == CLEAN  # still told by the document properties


def test_form_version_unknown(sample: Sample, tmp_path: Path) -> None:
    form = sample.write(tmp_path / "f.xlsx", CLEAN)

    def older(wb) -> None:
        wb[META_SHEET]["B1"] = "PE-FORM-0.9"

    report = check_file(resave_with_openpyxl(form, tmp_path / "r.xlsx", older))
    assert codes(report) == {"FORM_VERSION_UNKNOWN"}
    assert only(report, "FORM_VERSION_UNKNOWN")[0].params["version"] == "PE-FORM-0.9"


def _set_meta(wb, key: str, value: str) -> None:
    for row in wb[META_SHEET].iter_rows():
        if row[0].value == key:
            row[1].value = value
            return
    raise AssertionError(key)


def test_form_definition_damaged(sample: Sample, tmp_path: Path) -> None:
    form = sample.write(tmp_path / "f.xlsx", CLEAN)
    path = resave_with_openpyxl(form, tmp_path / "r.xlsx", lambda wb: _set_meta(wb, "definition_1", "AAAA"))
    assert codes(check_file(path)) == {"FORM_DEFINITION_UNREADABLE"}


def test_form_definition_bomb_is_bounded(sample: Sample, tmp_path: Path) -> None:
    bomb = base64.b64encode(zlib.compress(b"{" + b" " * 20_000_000, 9)).decode()
    assert len(bomb) < 30_000
    form = sample.write(tmp_path / "f.xlsx", CLEAN)
    path = resave_with_openpyxl(form, tmp_path / "r.xlsx", lambda wb: _set_meta(wb, "definition_1", bomb))
    report = check_file(path)
    assert codes(report) == {"FORM_DEFINITION_UNREADABLE"}
    assert "expands beyond" in only(report, "FORM_DEFINITION_UNREADABLE")[0].params["detail"]


# ----------------------------------------------------------------------------- structure


def test_sheet_missing(sample: Sample, tmp_path: Path) -> None:
    form = sample.write(tmp_path / "f.xlsx", CLEAN)
    sheet = sample.loaded.frameworks[sample.project(CLEAN).framework].sheet

    def rename(wb) -> None:
        wb[sheet].title = "自评表"

    report = check_file(resave_with_openpyxl(form, tmp_path / "r.xlsx", rename))
    assert codes(report) == {"SHEET_MISSING"}  # and no value checks on a misread form
    assert only(report, "SHEET_MISSING")[0].params["sheet"] == sheet


def test_fixed_label_missing(sample: Sample, tmp_path: Path) -> None:
    form = sample.write(tmp_path / "f.xlsx", CLEAN)
    sheet, ref = cell_of(sample, CLEAN, "total")
    label = "A" + ref[1:]  # the total's row title

    def clear(wb) -> None:
        assert wb[sheet][label].value
        wb[sheet][label].value = None

    report = check_file(resave_with_openpyxl(form, tmp_path / "r.xlsx", clear))
    assert codes(report) == {"LABEL_MISSING"}
    found = only(report, "LABEL_MISSING")[0]
    assert (found.location.sheet, found.location.cell, found.params["count"]) == (sheet, label, 1)


def test_defined_names(sample: Sample, tmp_path: Path) -> None:
    form = sample.write(tmp_path / "f.xlsx", CLEAN)
    sheet, grade = cell_of(sample, CLEAN, "grade")

    def edit(wb) -> None:
        del wb.defined_names["PE_TOTAL"]
        wb.defined_names["PE_GRADE"].attr_text = f"{sheet}!$A$1"  # moved
        wb.defined_names["PE_UNFILLED"].attr_text = wb.defined_names["PE_UNFILLED"].attr_text.replace("'", "")

    report = check_file(resave_with_openpyxl(form, tmp_path / "r.xlsx", edit))
    assert [f.params["name"] for f in only(report, "NAME_MISSING")] == ["PE_TOTAL"]
    assert [f.params["name"] for f in only(report, "NAME_CHANGED")] == ["PE_GRADE"]  # unquoted is the same
    assert report.outcome is FileOutcome.ACCEPTED_WITH_ERRORS


# ----------------------------------------------------------------------------- values


def test_formula_typed_into_an_input(sample: Sample, tmp_path: Path) -> None:
    indicator = first_actual(sample, CLEAN)
    sheet, ref = cell_of(sample, CLEAN, f"ind:{indicator}:actual")
    actual = sample.inputs[CLEAN].indicator(indicator).actual
    form = sample.write(tmp_path / "f.xlsx", CLEAN)
    path = edit_sheet(form, tmp_path / "r.xlsx", sheet, lambda xml: set_formula(xml, ref, f"{actual}*1", str(actual)))
    report = check_file(path)
    found = only(report, "INPUT_FORMULA")
    assert [(f.location.sheet, f.location.cell) for f in found] == [(sheet, ref)]
    assert found[0].params["formula"] == f"={actual}*1" and "实际完成值" in found[0].params["item"]
    assert "CACHED_RESULT_MISMATCH" not in codes(report)  # its value is what the engine read


def test_text_in_a_number_cell(sample: Sample, tmp_path: Path) -> None:
    indicator = first_actual(sample, CLEAN)
    path = sample.write(tmp_path / "r.xlsx", CLEAN, with_input(sample, CLEAN, indicator, actual="约九十"))
    found = only(check_file(path), "INPUT_NOT_NUMBER")
    assert [(f.location.sheet, f.location.cell) for f in found] == [cell_of(sample, CLEAN, f"ind:{indicator}:actual")]
    assert found[0].params["value"] == "约九十"


def test_engine_findings_are_placed_on_their_cells(sample: Sample, tmp_path: Path) -> None:
    project = sample.project(CLEAN)
    indicator = first_actual(sample, CLEAN)
    inputs = with_input(sample, CLEAN, indicator, actual=Decimal(-3))
    fund = inputs.funds[0]
    inputs = inputs.model_copy(update={"funds": (fund.model_copy(update={"executed": "五十"}), *inputs.funds[1:])})
    report = check_file(sample.write(tmp_path / "r.xlsx", CLEAN, inputs))
    placed = {(f.code, f.location.sheet, f.location.cell) for f in report.findings}
    assert ("NEGATIVE_INPUT", *cell_of(sample, CLEAN, f"ind:{indicator}:actual")) in placed
    assert ("INPUT_NOT_NUMBER", *cell_of(sample, CLEAN, f"fund:{fund.source}:executed")) in placed
    assert all(f.location.project_id == project.id for f in report.findings)


def test_blank_reason(sample: Sample, tmp_path: Path) -> None:
    report = check_file(sample.write(tmp_path / "r.xlsx", "P004"))
    found = only(report, "REASON_MISSING")
    assert found
    for f in found:
        assert (f.location.sheet, f.location.cell) == cell_of(sample, "P004", f"ind:{f.location.indicator_id}:reason")


def test_content_outside_the_form(sample: Sample, tmp_path: Path) -> None:
    form = sample.write(tmp_path / "f.xlsx", CLEAN)
    sheet, total = cell_of(sample, CLEAN, "total")
    spec = sample.layout(CLEAN).sheet(sheet)
    far_row = spec.max_row + 5

    def scribble(wb) -> None:
        wb[sheet][f"B{far_row}"] = "偏差原因写在这里"
        wb[sheet]["Z3"] = 5

    report = check_file(resave_with_openpyxl(form, tmp_path / "r.xlsx", scribble))
    found = only(report, "OUTSIDE_FORM_FILLED")
    assert len(found) == 1 and found[0].severity is Severity.WARNING
    assert found[0].location.sheet == sheet
    assert set(found[0].params["cells"].split("、")) == {f"B{far_row}", "Z3"}


def test_stray_value_inside_the_form_rectangle(sample: Sample, tmp_path: Path) -> None:
    form = sample.write(tmp_path / "f.xlsx", CLEAN)
    layout = sample.layout(CLEAN)
    sheet, _ = cell_of(sample, CLEAN, "goal:actual")
    used = {c.ref for c in layout.sheet(sheet).cells}
    assert "B2" not in used  # the blank row under the title

    def scribble(wb) -> None:
        wb[sheet]["B2"] = "备注"

    found = only(check_file(resave_with_openpyxl(form, tmp_path / "r.xlsx", scribble)), "OUTSIDE_FORM_FILLED")
    assert [(f.location.sheet, f.params["cells"]) for f in found] == [(sheet, "B2")]


# ----------------------------------------------------------------------------- recompute


def test_forged_cached_total(sample: Sample, tmp_path: Path) -> None:
    sheet, ref = cell_of(sample, CLEAN, "total")
    form = sample.write(tmp_path / "f.xlsx", CLEAN)
    report = check_file(edit_sheet(form, tmp_path / "r.xlsx", sheet, lambda xml: set_cached(xml, ref, "99.99")))
    found = only(report, "CACHED_RESULT_MISMATCH")
    assert [(f.location.sheet, f.location.cell) for f in found] == [(sheet, ref)]
    assert found[0].params["cached"] == "99.99"
    assert found[0].params["expected"] == format(report.result.total, "f")
    assert found[0].params["item"] == "总分" and report.outcome is FileOutcome.ACCEPTED_WITH_ERRORS


def test_cached_rate_compared_at_four_decimals(sample: Sample, tmp_path: Path) -> None:
    sheet, ref = cell_of(sample, CLEAN, "budget:execution_rate")
    form = sample.write(tmp_path / "f.xlsx", CLEAN)
    report = check_file(form)
    rate = report.result.budget.execution_rate
    close = format(round_half_up(rate, 6), "f")  # shorter, but the same at 4 decimals
    far = format(rate + Decimal("0.001"), "f")
    near = check_file(edit_sheet(form, tmp_path / "near.xlsx", sheet, lambda xml: set_cached(xml, ref, close)))
    off = check_file(edit_sheet(form, tmp_path / "off.xlsx", sheet, lambda xml: set_cached(xml, ref, far)))
    assert "CACHED_RESULT_MISMATCH" not in codes(near)
    assert [f.location.cell for f in only(off, "CACHED_RESULT_MISMATCH")] == [ref]


def test_return_written_by_a_program(sample: Sample, tmp_path: Path) -> None:
    form = sample.write(tmp_path / "f.xlsx", CLEAN)
    report = check_file(resave_with_openpyxl(form, tmp_path / "r.xlsx"))
    assert codes(report) - {"EVALUATOR_MEAN_DIFFERS"} == {"CACHED_VALUES_ABSENT"}  # the other is the sample's
    assert report.has_cached_values is False and report.outcome is FileOutcome.ACCEPTED


# ----------------------------------------------------------------------------- machinery


def test_a_failing_check_becomes_a_finding(tmp_path: Path) -> None:
    def broken(ctx: CheckContext) -> list[Finding]:
        raise KeyError("oops")

    def fine(ctx: CheckContext) -> list[Finding]:
        return []

    ctx = CheckContext(read=WorkbookRead(path="x.xlsx", gate=GateResult(path="x.xlsx")))
    found = run_checks(ctx, [broken, fine])
    assert [(f.code, f.params["check"]) for f in found] == [("CHECK_INTERNAL_ERROR", "broken")]


def test_a_pipeline_bug_becomes_a_reject(sample: Sample, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import perfeval_xl.intake.pipeline as pipeline

    def bind(*_args: object) -> None:
        raise RuntimeError("bug")

    monkeypatch.setattr(pipeline, "bind", bind)
    report = check_file(sample.write(tmp_path / "r.xlsx", CLEAN))
    assert codes(report) == {"INTAKE_INTERNAL_ERROR"} and report.outcome is FileOutcome.REJECTED
    assert report.findings[0].location == Location(file=str(tmp_path / "r.xlsx"))
