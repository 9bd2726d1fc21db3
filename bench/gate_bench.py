"""Measure the intake gate and the isolation layer.

    PYTHONPATH=. python bench/gate_bench.py [--files 2000]

Prints: gate cost per typical small form in-process (ms/file), the isolation pool's
own overhead per file on trivial tasks, and gate_many throughput over N distinct files.
"""

from __future__ import annotations

import argparse
import io
import tempfile
import time
from functools import partial
from pathlib import Path

import openpyxl
from openpyxl.styles import Font, PatternFill, Protection

from perfeval_xl.intake.batch import gate_many
from perfeval_xl.intake.gate import gate_file
from perfeval_xl.intake.isolation import IsolatedPool, IsolationLimits
from perfeval_xl.intake.models import GateLimits


def typical_form() -> bytes:
    """About the size of a real self-evaluation form: 3 sheets, ~60 indicator rows, formulas, styles."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "绩效自评表"
    headers = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "完成率", "得分", "偏差原因"]
    for col, text in enumerate(headers, start=1):
        ws.cell(row=1, column=col, value=text).font = Font(bold=True)
    for row in range(2, 62):
        ws.cell(row=row, column=1, value="产出指标")
        ws.cell(row=row, column=2, value="数量指标")
        ws.cell(row=row, column=3, value=f"指标{row}")
        ws.cell(row=row, column=4, value="≥95%")
        cell = ws.cell(row=row, column=5, value=0.96)
        cell.protection = Protection(locked=False)
        cell.fill = PatternFill("solid", fgColor="FFF2CC")
        ws.cell(row=row, column=6, value=2)
        ws.cell(row=row, column=7, value=f"=IFERROR(E{row}/0.95,\"\")")
        ws.cell(row=row, column=8, value=f"=IF(G{row}=\"\",\"\",ROUND(MIN(G{row},1)*F{row},2))")
    ws["H63"] = "=SUM(H2:H61)"
    ws.protection.sheet = True
    budget = wb.create_sheet("预算执行情况")
    for row in range(1, 12):
        budget.cell(row=row, column=1, value=f"项目{row}")
        budget.cell(row=row, column=2, value=row * 10.5)
    meta = wb.create_sheet("_meta")
    meta["A1"], meta["B1"] = "template_version", "2025.1"
    meta.sheet_state = "veryHidden"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def echo(path: str) -> str:
    return path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=2000)
    args = parser.parse_args()
    data = typical_form()
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i in range(args.files):
            path = Path(tmp) / f"unit{i:05d}.xlsx"
            path.write_bytes(data)
            paths.append(str(path))
        gate_file(paths[0])
        start, cpu = time.perf_counter(), time.process_time()
        for path in paths[:500]:
            assert gate_file(path).accepted
        in_process = (time.perf_counter() - start) / 500 * 1000
        in_process_cpu = (time.process_time() - cpu) / 500 * 1000
        # CPU time is the steadier figure on a shared machine; wall time includes waiting for a core.
        print(f"typical form: {len(data)} bytes; gate in-process: {in_process_cpu:.3f} ms/file CPU, "
              f"{in_process:.3f} ms/file wall")

        with IsolatedPool(echo, IsolationLimits()) as pool:
            pool.map(paths[:20])
            start = time.perf_counter()
            pool.map(paths)
            overhead = (time.perf_counter() - start) / len(paths) * 1000
        print(f"isolation overhead (trivial task, {len(paths)} files, default workers): {overhead:.3f} ms/file")

        start = time.perf_counter()
        results = gate_many(paths)
        elapsed = time.perf_counter() - start
        assert all(r.accepted for r in results)
        print(f"gate_many over {len(paths)} files (incl. worker start-up): {elapsed:.2f} s, "
              f"{elapsed / len(paths) * 1000:.3f} ms/file wall")

        with IsolatedPool(partial(gate_file, limits=GateLimits()), IsolationLimits()) as pool:
            pool.map(paths[:20])
            best = min(_timed(pool.map, paths) for _ in range(3))
        print(f"gate in a warm pool, best of 3: {best / len(paths) * 1000:.3f} ms/file wall")


def _timed(func, *args) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    func(*args)
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
