"""Measure `check_file` on the sample batch's returns.

    PYTHONPATH=. python bench/check_bench.py [--rounds 3] [--libreoffice]

Writes every sample project's return (filled with samples/inputs.yaml, cached results
from the writer; with --libreoffice also as LibreOffice saves them), then prints
check_file's cost per file in-process (CPU, best of rounds, with its stages) and
check_files' wall time per file through the supervised pool (pool start-up included).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from perfeval_xl.engine.evaluate import evaluate
from perfeval_xl.intake.bind import allowed_ranges, bind, definition_from_meta, issued_layout_for
from perfeval_xl.intake.checks import CheckContext, run_checks
from perfeval_xl.intake.checks.runners import RECOMPUTE_CHECKS, STRUCTURE_CHECKS, VALUE_CHECKS
from perfeval_xl.intake.isolation import IsolationLimits
from perfeval_xl.intake.pipeline import check_file, check_files
from perfeval_xl.intake.reader import ReturnReader
from perfeval_xl.libreoffice import recalculate
from tests.support.returns import Sample


def write_returns(folder: Path) -> list[Path]:
    sample = Sample.load()
    folder.mkdir()
    return [sample.write(folder / f"{p.id}.xlsx", p.id) for p in sample.loaded.manifest.projects]


def per_file_cpu(paths: list[Path], rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for path in paths:
            check_file(path)
        best = min(best, (time.process_time() - start) / len(paths))
    return best * 1000


def stages(paths: list[Path]) -> dict[str, float]:
    """CPU ms per file of each stage, as check_file runs them."""
    spent: dict[str, float] = defaultdict(float)

    def timed(name: str, func, *args):
        start = time.process_time()
        value = func(*args)
        spent[name] += time.process_time() - start
        return value

    for path in paths:
        reader = timed("gate", ReturnReader, path)
        timed("_meta", reader.read_meta)
        definition = timed("definition", definition_from_meta, reader.read.meta)
        layout = timed("layout", issued_layout_for, definition, reader.read.meta)
        timed("sheets", reader.read_sheets, allowed_ranges(layout))
        reader.close()
        bound = timed("bind", bind, reader.read, layout, definition)
        result = timed("engine", evaluate, definition.project, bound.inputs, definition.profile)
        ctx = CheckContext(read=reader.read, definition=definition, bound=bound, result=result)
        for name, checks in (("structure", STRUCTURE_CHECKS), ("values", VALUE_CHECKS),
                             ("recompute", RECOMPUTE_CHECKS)):
            timed(name, run_checks, ctx, checks)
    return {name: seconds / len(paths) * 1000 for name, seconds in spent.items()}


def pooled_wall(paths: list[Path], copies: int) -> float:
    batch = paths * copies
    start = time.perf_counter()
    check_files(batch, isolation=IsolationLimits())
    return (time.perf_counter() - start) / len(batch) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--libreoffice", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        paths = write_returns(Path(tmp) / "written")
        sets = {"written by perfeval_xl": paths}
        if args.libreoffice:
            sets["saved by LibreOffice"] = recalculate(paths, Path(tmp) / "saved")
        for label, files in sets.items():
            check_file(files[0])  # imports and first-call costs out of the way
            print(f"{label}: {len(files)} returns, check_file {per_file_cpu(files, args.rounds):.1f} ms/file CPU")
            print("  stages (ms/file CPU): " + ", ".join(f"{k} {v:.2f}" for k, v in stages(files).items()))
            print(f"  check_files through the pool: {pooled_wall(files, 4):.1f} ms/file wall (start-up included)")


if __name__ == "__main__":
    main()
