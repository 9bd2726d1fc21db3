"""Performance sanity: check_file's CPU time per sample return, and a report small
enough to pickle cheaply between processes. The figure is printed (pytest -s) and
recorded as a property; bench/check_bench.py measures it properly."""

from __future__ import annotations

import pickle
import time
from pathlib import Path

import pytest

from perfeval_xl.intake.pipeline import check_file
from tests.support.returns import Sample

CPU_MS_PER_FILE_LIMIT = 150.0  # ~18 ms measured (docs/check.md); generous for loaded CI machines
REPORT_BYTES_LIMIT = 32 * 1024


def test_check_file_cost_per_sample_return(sample: Sample, tmp_path: Path,
                                           record_property: pytest.RecordProperty) -> None:
    paths = [sample.write(tmp_path / f"{p.id}.xlsx", p.id) for p in sample.loaded.manifest.projects]
    check_file(paths[0])  # first-call costs (imports, caches) out of the way
    best = float("inf")
    for _ in range(2):
        start = time.process_time()
        reports = [check_file(path) for path in paths]
        best = min(best, (time.process_time() - start) / len(paths) * 1000)
    record_property("check_file_cpu_ms_per_file", round(best, 1))
    print(f"\ncheck_file: {best:.1f} ms/file CPU over {len(paths)} sample returns")
    assert best < CPU_MS_PER_FILE_LIMIT
    assert all(r.outcome != "rejected" for r in reports)
    sizes = [len(pickle.dumps(r)) for r in reports]
    assert max(sizes) < REPORT_BYTES_LIMIT, max(sizes)
