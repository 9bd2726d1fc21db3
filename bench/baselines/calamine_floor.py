"""Baseline (frozen): the practical floor — a bare python-calamine read of every sheet.

    PYTHONPATH=. python bench/baselines/calamine_floor.py FOLDER [--files LIST.json] [--processes N]

Opens each workbook with python-calamine and reads every sheet's cached values
(`to_python()`), nothing else: no gate, no XML pass, no binding, no checks, no store.
One process by default (the floor the ratio is stated against); --processes N splits
the files over N processes for reference. Hostile files (a claimed A1:XFD1048576
dimension aborts calamine's whole process, REFERENCE §8) are left out via --files.
"""

from __future__ import annotations

import argparse
import json
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from python_calamine import CalamineWorkbook


def read_all(paths: list[str]) -> tuple[int, int]:
    cells = failed = 0
    for path in paths:
        try:
            book = CalamineWorkbook.from_path(path)
            for name in book.sheet_names:
                rows = book.get_sheet_by_name(name).to_python()
                cells += sum(len(r) for r in rows)
        except Exception:  # noqa: BLE001
            failed += 1
    return cells, failed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", type=Path)
    parser.add_argument("--files", type=Path)
    parser.add_argument("--processes", type=int, default=1)
    args = parser.parse_args()
    names = json.loads(args.files.read_text()) if args.files else sorted(p.name for p in args.folder.glob("*.xlsx"))
    paths = [str(args.folder / n) for n in names]
    start = time.perf_counter()
    if args.processes <= 1:
        cells, failed = read_all(paths)
    else:
        shards = [paths[i::args.processes] for i in range(args.processes)]
        with ProcessPoolExecutor(args.processes) as pool:
            results = list(pool.map(read_all, shards))
        cells, failed = sum(r[0] for r in results), sum(r[1] for r in results)
    elapsed = time.perf_counter() - start
    print(json.dumps({"files": len(paths), "failed": failed, "cells": cells, "seconds": round(elapsed, 2)}))


if __name__ == "__main__":
    main()
