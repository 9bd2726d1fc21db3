"""End to end with a real spreadsheet: the sample batch is issued (signed), returns are
filled with `write_project(..., inputs)`, most are saved by LibreOffice so they carry
real cached results (one holds a planted wrong result that only a real recalculation
replaces), then `perfeval check` judges them."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from perfeval_xl.cli import app
from perfeval_xl.integrity.keys import write_private_key
from perfeval_xl.libreoffice import recalculate
from perfeval_xl.writer.generate import generate
from tests.support.returns import Sample, edit_sheet, resave_with_openpyxl, set_cached, set_formula
from tests.support.sentinel import set_cached_values

pytestmark = [pytest.mark.libreoffice, pytest.mark.slow]

CLEAN = ("S000", "P001")  # sample inputs with no error
BLANK_REASON = "P004"  # its sample return leaves a deviation reason blank
TEXT, FORMULA, OUTSIDE = "P002", "P003", "P005"


def where(sample: Sample, project_id: str, key: str) -> tuple[str, str]:
    found = sample.layout(project_id).locate(key)
    assert found is not None, key
    return found[0], found[1].ref


def first_actual(sample: Sample, project_id: str) -> str:
    layout = sample.layout(project_id)
    return next(i.id for i in sample.project(project_id).indicators if layout.locate(f"ind:{i.id}:actual"))


@pytest.fixture(scope="module")
def returns(sample: Sample, soffice: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("batch")
    private = write_private_key(sample.keypair, root / "batch.key", force=True)
    issued = generate(sample.loaded, root / "forms", key_path=private, workers=1)
    assert len(issued) == len(sample.loaded.manifest.projects)
    filled = root / "filled"
    filled.mkdir()
    for project_id in (*CLEAN, BLANK_REASON, FORMULA, OUTSIDE):
        sample.write(filled / f"{project_id}.xlsx", project_id)
    # A planted wrong total: only a real recalculation makes this return clean.
    sheet, total = where(sample, CLEAN[0], "total")
    set_cached_values(filled / f"{CLEAN[0]}.xlsx", sheet, {total: 0})
    indicator = first_actual(sample, TEXT)
    inputs = sample.inputs[TEXT]
    text = inputs.model_copy(update={"indicators": {**inputs.indicators, indicator: inputs.indicator(
        indicator).model_copy(update={"actual": "约九十"})}})
    sample.write(filled / f"{TEXT}.xlsx", TEXT, text)
    indicator = first_actual(sample, FORMULA)
    sheet, ref = where(sample, FORMULA, f"ind:{indicator}:actual")
    actual = sample.inputs[FORMULA].indicator(indicator).actual
    form = filled / f"{FORMULA}.xlsx"
    edit_sheet(form, filled / "formula.xlsx", sheet, lambda xml: set_formula(xml, ref, f"{actual}+0", str(actual)))
    (filled / "formula.xlsx").replace(form)
    sheet, _ = where(sample, OUTSIDE, "total")

    def scribble(wb) -> None:
        wb[sheet]["L40"] = "补充说明"

    resave_with_openpyxl(filled / f"{OUTSIDE}.xlsx", filled / "outside.xlsx", scribble)
    (filled / "outside.xlsx").replace(filled / f"{OUTSIDE}.xlsx")
    saved = root / "saved"
    paths = {p.stem: p for p in recalculate(sorted(filled.glob("*.xlsx")), saved, soffice=soffice)}
    sheet, total = where(sample, CLEAN[1], "total")
    paths["forged"] = edit_sheet(paths[CLEAN[1]], root / "forged.xlsx", sheet,
                                 lambda xml: set_cached(xml, total, "100"))
    paths["program"] = resave_with_openpyxl(filled / f"{CLEAN[1]}.xlsx", root / "program.xlsx")
    return paths


def check(*paths: Path) -> tuple[int, list[dict]]:
    result = CliRunner().invoke(app, ["check", "--json", *map(str, paths)])
    assert result.exit_code in (0, 1, 3), result.output
    return result.exit_code, json.loads(result.output)["files"]


def placed(report: dict, code: str) -> list[tuple[str, str]]:
    return [(f["location"]["sheet"], f["location"]["cell"]) for f in report["findings"] if f["code"] == code]


def serious(report: dict) -> set[str]:
    return {f["code"] for f in report["findings"] if f["severity"] in ("reject", "error")}


def test_clean_returns_pass(returns: dict[str, Path]) -> None:
    code, reports = check(*(returns[p] for p in CLEAN))
    assert code == 0, [r["findings"] for r in reports]
    assert all(r["has_cached_values"] and r["total"] is not None for r in reports)


def test_forged_cached_total(sample: Sample, returns: dict[str, Path]) -> None:
    code, [report] = check(returns["forged"])
    assert code == 1 and serious(report) == {"CACHED_RESULT_MISMATCH"}
    assert placed(report, "CACHED_RESULT_MISMATCH") == [where(sample, CLEAN[1], "total")]
    mismatch = next(f for f in report["findings"] if f["code"] == "CACHED_RESULT_MISMATCH")
    assert mismatch["params"]["cached"] == "100.00"
    assert Decimal(mismatch["params"]["expected"]) == Decimal(report["total"])


def test_written_by_a_program(returns: dict[str, Path]) -> None:
    code, [report] = check(returns["program"])
    assert code == 0 and "CACHED_VALUES_ABSENT" in {f["code"] for f in report["findings"]}
    assert report["has_cached_values"] is False


def test_blank_reason(sample: Sample, returns: dict[str, Path]) -> None:
    code, [report] = check(returns[BLANK_REASON])
    assert code == 1 and serious(report) == {"REASON_MISSING"}
    cells = placed(report, "REASON_MISSING")
    reasons = {f["location"]["indicator_id"] for f in report["findings"] if f["code"] == "REASON_MISSING"}
    assert cells == [where(sample, BLANK_REASON, f"ind:{i}:reason") for i in sorted(reasons)]


def test_text_in_a_number_cell(sample: Sample, returns: dict[str, Path]) -> None:
    code, [report] = check(returns[TEXT])
    assert code == 1 and serious(report) == {"INPUT_NOT_NUMBER"}  # the spreadsheet agrees with the engine
    assert placed(report, "INPUT_NOT_NUMBER") == [where(sample, TEXT, f"ind:{first_actual(sample, TEXT)}:actual")]


def test_formula_typed_into_an_input(sample: Sample, returns: dict[str, Path]) -> None:
    code, [report] = check(returns[FORMULA])
    assert code == 1 and serious(report) == {"INPUT_FORMULA"}
    assert placed(report, "INPUT_FORMULA") == [where(sample, FORMULA, f"ind:{first_actual(sample, FORMULA)}:actual")]


def test_something_typed_outside_the_form(sample: Sample, returns: dict[str, Path]) -> None:
    code, [report] = check(returns[OUTSIDE])
    assert code == 0 and serious(report) == set()
    sheet, _ = where(sample, OUTSIDE, "total")
    assert placed(report, "OUTSIDE_FORM_FILLED") == [(sheet, "L40")]
