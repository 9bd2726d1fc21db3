"""Parity with a real spreadsheet: random returns written by the generator, recalculated by
LibreOffice, show in every keyed formula cell exactly what the engine computes.

The corpus (tests/parity/randomized.py) covers every indicator kind × situation with a
rule at least 5 times over the three frameworks and the three shipped profiles. Every
workbook carries a wrong cached value in its total cell (and the first one in more
cells), so a value read back equal to the engine's proves a real recalculation ran.
Run with `-rP` (or `-s -p no:xdist`) to see the coverage table and the cell count.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from perfeval_xl.engine import evaluate
from perfeval_xl.layout.contract import WorkbookLayout
from perfeval_xl.layout.mapping import expected_values
from perfeval_xl.libreoffice import recalculate
from perfeval_xl.writer.workbook import issued_layout, write_project
from tests.parity.randomized import BATCH, COUNT, SEED, ParityCase, corpus
from tests.parity.situations import DEFINED, classify, coverage, coverage_table
from tests.support.keyed_cells import compare, error_cells, read_keyed
from tests.support.sentinel import set_cached_values

pytestmark = [pytest.mark.libreoffice, pytest.mark.slow]

CHUNK = 150  # files per soffice call (REFERENCE §9: ≤ 200 is reliable)
STALE_NUMBER = -12.34  # no rule ever scores below 0
STALE_TEXT = "陈旧"


@dataclass
class Run:
    cases: list[ParityCase]
    layouts: dict[str, WorkbookLayout]
    written: Path
    recalculated: Path
    sentinels: dict[str, dict[str, object]]  # stem → key → planted cached value


def _plant(path: Path, layout: WorkbookLayout, keys: list[str]) -> dict[str, object]:
    planted: dict[str, dict[str, object]] = {}
    values: dict[str, object] = {}
    for key in keys:
        sheet, cell = layout.locate(key)
        value = STALE_TEXT if key == "grade" else STALE_NUMBER
        planted.setdefault(sheet, {})[cell.ref] = value
        values[key] = value
    for sheet, cells in planted.items():
        set_cached_values(path, sheet, cells)
    return values


@pytest.fixture(scope="module")
def run(soffice: Path, tmp_path_factory: pytest.TempPathFactory) -> Run:
    cases = corpus(SEED, COUNT)
    root = tmp_path_factory.mktemp("parity")
    written, out = root / "written", root / "recalculated"
    written.mkdir()
    layouts, sentinels = {}, {}
    for i, case in enumerate(cases):
        path = written / f"{case.stem}.xlsx"
        write_project(path, BATCH, case.project, case.profile, case.framework, case.inputs)
        layouts[case.stem] = layout = issued_layout(BATCH, case.project, case.profile, case.framework)[0]
        keys = ["total"]
        if i == 0:
            keys += ["grade", "unfilled"] + [k for k in expected_values_keys(layout) if k.endswith(":score")][:3]
        sentinels[case.stem] = _plant(path, layout, keys)
    files = [written / f"{c.stem}.xlsx" for c in cases]
    workers = max(1, min(2, os.cpu_count() or 1))
    share = -(-len(files) // workers)
    with ThreadPoolExecutor(workers) as pool:  # one soffice (and profile) per call
        done = pool.map(lambda part: recalculate(part, out, chunk_size=CHUNK, soffice=soffice),
                        [files[i:i + share] for i in range(0, len(files), share)])
        assert sum(len(part) for part in done) == len(files)
    return Run(cases, layouts, written, out, sentinels)


def expected_values_keys(layout: WorkbookLayout) -> list[str]:
    return [cell.key for _, cell in layout.keyed() if cell.formula]


def test_sentinels_prove_a_real_recalculation(run: Run) -> None:
    first = run.cases[0].stem
    assert len(run.sentinels[first]) >= 4
    for case in run.cases:
        planted = run.sentinels[case.stem]
        layout = run.layouts[case.stem]
        before = read_keyed(run.written / f"{case.stem}.xlsx", layout, list(planted))
        after = read_keyed(run.recalculated / f"{case.stem}.xlsx", layout, list(planted))
        assert before == planted, f"{case.stem}: the stale values were not planted"
        for key, stale in planted.items():
            assert after[key] != stale, f"{case.stem} {key}: still the planted {stale!r}: no recalculation"


def test_every_formula_cell_matches_the_engine(run: Run) -> None:
    counts = coverage(row for c in run.cases for row in classify(c.project, c.inputs, c.profile))
    compared, mismatches, errors = 0, [], []
    for case in run.cases:
        layout = run.layouts[case.stem]
        expected = expected_values(layout, case.project, evaluate(case.project, case.inputs, case.profile))
        path = run.recalculated / f"{case.stem}.xlsx"
        compared += len(expected)
        mismatches += [f"{case.stem} ({case.profile.name}, {case.framework.id}) {m}"
                       for m in compare(path, layout, expected)]
        errors += [f"{case.stem} {ref}" for ref in error_cells(path)]
    print(f"\nLibreOffice parity: {len(run.cases)} workbooks, {compared} keyed formula cells compared, "
          f"{len(mismatches)} mismatches, {len(errors)} error cells")
    print(coverage_table(counts))
    assert not errors, "formula cells computing an error:\n" + "\n".join(errors[:20])
    assert not mismatches, f"{len(mismatches)} cells differ from the engine:\n" + "\n".join(mismatches[:40])
    assert compared >= 15_000
    assert min(counts[combo] for combo in DEFINED) >= 5


def test_recalculated_workbooks_keep_their_sheets(run: Run) -> None:
    """A sanity check on the oracle's output: same sheets, _meta still present."""
    case = run.cases[0]
    names = CalamineWorkbook.from_path(str(run.recalculated / f"{case.stem}.xlsx")).sheet_names
    assert names == [s.name for s in run.layouts[case.stem].sheets]
