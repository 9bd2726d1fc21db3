"""Build tests/fixtures/round_libreoffice.csv: what LibreOffice's ROUND gives on boundary cases.

Our engine rounds with Decimal ROUND_HALF_UP; spreadsheets compute in binary
doubles and round those. This fixture records LibreOffice's results for values
and expressions that sit exactly on a rounding boundary in decimal (x.xx5) but
not in binary, written the way our formulas are (ROUND(B/A*w,2), MIN(B/A,1)*w,
deductions, rescaling), so a test can check that the engine agrees with a real
spreadsheet without LibreOffice installed.

Each case is computed twice: with the numbers written into the formula, and with
the formula referring to input cells (as the generated workbooks do).

Usage: python scripts/make_round_fixture.py [--output PATH]
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import openpyxl
from python_calamine import CalamineWorkbook

from perfeval_xl.libreoffice import recalculate

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO_ROOT / "tests" / "fixtures" / "round_libreoffice.csv"
COLUMNS = (
    "case",
    "expression",
    "value",
    "numerator",
    "denominator",
    "weight",
    "libreoffice_result",
    "libreoffice_result_by_reference",
)
INPUTS = ("value", "numerator", "denominator", "weight")
# Input columns of the sheet (C..F) in INPUTS order; G and H hold the two formulas.
INPUT_COLUMNS = dict(zip(INPUTS, "CDEF"))
SHEET = "ROUND"


@dataclass(frozen=True)
class Case:
    """One formula: `template` with {value}/{numerator}/{denominator}/{weight} placeholders."""

    name: str
    template: str
    value: str = ""
    numerator: str = ""
    denominator: str = ""
    weight: str = ""

    def inputs(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in INPUTS}

    def literal(self) -> str:
        return self.template.format(**self.inputs())

    def by_reference(self, row: int) -> str:
        return self.template.format(**{name: f"{column}{row}" for name, column in INPUT_COLUMNS.items()})


def _values(template: str, prefix: str, values: list[str]) -> list[Case]:
    return [Case(f"{prefix} {value}", template, value=value) for value in values]


def _ratios(template: str, label: str, triples: list[tuple[str, str, str]]) -> list[Case]:
    """Cases over (numerator, denominator, weight); `label` names each from n, d and w."""
    return [Case(label.format(n=n, d=d, w=w), template, numerator=n, denominator=d, weight=w) for n, d, w in triples]


SCORE = "ROUND({numerator}/{denominator}*{weight},2)"  # positive: B/A*w; reverse ratio: A/B*w
BUDGET = "ROUND(MIN({numerator}/{denominator},1)*{weight},2)"  # 预算执行率: min(B/A,1)*10
LINEAR = "ROUND(MAX(0,1-({numerator}-{denominator})/{denominator})*{weight},2)"  # reverse, linear variant
DEDUCTION = "ROUND(MAX(0,{weight}-{numerator}/{denominator}*0.5),2)"  # 每降低1个百分点扣0.5分
# The same with binary noise removed before the 2-decimal ROUND (a candidate remedy, see the test).
DEDUCTION_PRE_ROUNDED = "ROUND(ROUND(MAX(0,{weight}-{numerator}/{denominator}*0.5),10),2)"
RESCALE = "ROUND({numerator}*100/{denominator},2)"  # N/A indicators dropped: Σscores*100/Σweights

CASES: tuple[Case, ...] = (
    # Halves written as numbers; most are not exact in binary (1.005 is 1.00499999...).
    *_values(
        "ROUND({value},2)",
        "value",
        [
            "2.025",
            "2.035",
            "1.005",
            "0.125",
            "89.995",
            "9.4345",
            "0.285",
            "1.015",
            "2.675",
            "8.345",
            "0.145",
            "0.005",
            "1234567.885",
            "99999.995",
        ],
    ),
    *_values("ROUND({value},2)", "negative", ["-2.025", "-0.125", "-1.005", "-89.995", "-2.675", "-0.005", "-0.285"]),
    *_values("ROUND({value},0)", "integer", ["2.5", "-2.5", "0.5"]),
    *_values("ROUND({value},1)", "one decimal", ["0.45", "59.05"]),
    Case("three decimals 9.4345", "ROUND({value},3)", value="9.4345"),
    Case("four decimals 0.94345", "ROUND({value},4)", value="0.94345"),
    # Scores B/A*w; from 193.7/400*20 on, the double lands just below the decimal half.
    *_ratios(
        SCORE,
        "score {n}/{d}*{w}",
        [
            ("1.62", "8", "10"),
            ("188.69", "200", "10"),
            ("12.84", "21.76", "10"),
            ("0.92", "0.95", "10"),
            ("193.7", "400", "20"),
            ("63.15", "80", "8"),
            ("0.01", "0.8", "10"),
            ("38.65", "80", "8"),
            ("12.12", "32", "20"),
            ("114.04", "160", "20"),
            ("4.35", "200", "20"),
            ("8.2", "80", "30"),
            ("83.1", "200", "10"),
            ("56.08", "80", "15"),
            ("198.25", "200", "20"),
            ("31.72", "64", "8"),
        ],
    ),
    *_ratios(SCORE, "reverse ratio {n}/{d}*{w}", [("90", "96", "10")]),
    *_ratios(
        BUDGET,
        "budget min({n}/{d},1)*{w}",
        [
            ("121.88", "147", "10"),
            ("208", "221", "10"),
            ("250", "200", "10"),
            ("0.7", "200", "10"),
            ("2.3", "200", "10"),
        ],
    ),
    *_ratios(
        LINEAR,
        "reverse linear B={n} A={d} w={w}",
        [("8.06", "8", "10"), ("16.12", "16", "10"), ("96", "90", "10"), ("15.22", "8", "10"), ("15.98", "8", "10")],
    ),
    # Deductions and the linear reverse rule subtract from the weight: when the result is small,
    # cancellation leaves a relative error far above 1e-15, more than ROUND's own correction hides.
    *_ratios(
        DEDUCTION,
        "deduction shortfall {n} step {d} of {w}",
        [
            ("2.35", "1", "10"),
            ("2.49", "1", "10"),
            ("12.05", "1", "10"),
            ("16.01", "1", "10"),
            ("18.01", "1", "10"),
            ("19.89", "1", "10"),
            ("19.91", "1", "10"),
        ],
    ),
    *_ratios(
        DEDUCTION_PRE_ROUNDED,
        "deduction pre-rounded shortfall {n} step {d} of {w}",
        [("18.01", "1", "10"), ("19.89", "1", "10"), ("19.91", "1", "10")],
    ),
    *_ratios(RESCALE, "rescale {n}*100/{d}", [("71.42", "80", ""), ("80.37", "90", "")]),
    # Completion rates shown as percent with 2 decimals, and a stated figure at its own precision.
    *_ratios(
        "ROUND({numerator}/{denominator},4)",
        "rate {n}/{d}",
        [("188.69", "200", ""), ("12.84", "21.76", ""), ("121.88", "147", "")],
    ),
    *_ratios("ROUND({numerator}/{denominator},3)", "rate 3 decimals {n}/{d}", [("1.62", "8", "")]),
    *_ratios(
        "ROUND({numerator}/{denominator}*100,1)",
        "stated percent {n}/{d}",
        [("12.84", "21.76", ""), ("208", "221", "")],
    ),
    # Sums and means of scores: binary noise from addition before the ROUND.
    Case("sum", "ROUND(0.1+0.2+0.345,2)"),
    Case("mean of evaluators 001", "ROUND((89+96+86)/3,2)"),
    Case("mean of evaluators 000", "ROUND((99+99.5+99.5+99.5)/4,2)"),
)


def build_workbook(path: Path, cases: tuple[Case, ...] = CASES) -> None:
    """One row per case: name, expression text, inputs in C..F, literal formula in G, by-reference in H."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(["case", "expression", *INPUTS, "literal", "by_reference"])
    for row, case in enumerate(cases, start=2):
        ws.cell(row, 1, case.name)
        ws.cell(row, 2, case.literal())
        for name, column in INPUT_COLUMNS.items():
            text = case.inputs()[name]
            if text:
                ws[f"{column}{row}"] = float(text) if "." in text else int(text)
        ws[f"G{row}"] = "=" + case.literal()
        ws[f"H{row}"] = "=" + case.by_reference(row)
    wb.save(path)


def read_results(path: Path, count: int) -> list[tuple[str, str]]:
    """The two computed results of each case, as the shortest text of the double ("" on error)."""
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(SHEET).to_python()[1 : count + 1]
    return [(_text(row[6]), _text(row[7])) for row in rows]


def _text(cell: object) -> str:
    return repr(cell) if isinstance(cell, float) else ""


def write_fixture(output: Path, work_dir: Path, cases: tuple[Case, ...] = CASES) -> None:
    """Build the workbook in `work_dir`, recalculate it with LibreOffice, write the CSV."""
    book = work_dir / "round_cases.xlsx"
    build_workbook(book, cases)
    (recalculated,) = recalculate([book], work_dir / "recalculated")
    results = read_results(recalculated, len(cases))
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        for case, (literal, by_reference) in zip(cases, results):
            inputs = case.inputs()
            writer.writerow([case.name, case.literal(), *(inputs[name] for name in INPUTS), literal, by_reference])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="CSV to write")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="round-fixture-") as work:
        write_fixture(args.output, Path(work))
    print(f"wrote {len(CASES)} cases to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
