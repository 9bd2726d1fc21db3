"""Baseline (frozen): a naive single-process openpyxl + pandas loop over returned forms.

    PYTHONPATH=. python bench/baselines/naive_read.py FOLDER [--files LIST.json]

What a bureau's analyst writes first: open every workbook with openpyxl (cached
values, `data_only=True`), walk every sheet row by row, take the indicator rows of
the scoring sheet (a name in column C and a number of points in column F) plus the
project id from _meta, and build one pandas table. No checks, no isolation, no
recomputation: it does much less than ingest. Files it cannot open are counted and
skipped; hostile files (which can hang or kill a naive reader) are left out by the
caller via --files.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import openpyxl
import pandas as pd

SCORING_SHEETS = ("绩效自评", "评价指标评分", "指标体系")


def read_one(path: Path) -> list[dict]:
    wb = openpyxl.load_workbook(path, data_only=True)
    project_id = None
    if "_meta" in wb.sheetnames:
        for key, value, *_ in wb["_meta"].iter_rows(values_only=True):
            if key == "project_id":
                project_id = value
    rows: list[dict] = []
    for ws in wb.worksheets:
        for values in ws.iter_rows(values_only=True):
            if ws.title not in SCORING_SHEETS or len(values) < 9:
                continue
            name, points = values[2], values[5]
            if isinstance(name, str) and isinstance(points, (int, float)):
                rows.append({"file": path.name, "project_id": project_id, "level1": values[0], "level2": values[1],
                             "indicator": name, "target": values[3], "actual": values[4], "points": points,
                             "rate": values[6], "score": values[7], "reason": values[8]})
    wb.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", type=Path)
    parser.add_argument("--files", type=Path, help="JSON list of file names to read (default: every .xlsx)")
    args = parser.parse_args()
    names = json.loads(args.files.read_text()) if args.files else sorted(p.name for p in args.folder.glob("*.xlsx"))
    start = time.perf_counter()
    records: list[dict] = []
    failed = 0
    for name in names:
        try:
            records.extend(read_one(args.folder / name))
        except Exception:  # noqa: BLE001 - a naive loop skips what it cannot open
            failed += 1
    table = pd.DataFrame.from_records(records)
    elapsed = time.perf_counter() - start
    print(json.dumps({"files": len(names), "failed": failed, "rows": len(table), "seconds": round(elapsed, 2)}))


if __name__ == "__main__":
    main()
