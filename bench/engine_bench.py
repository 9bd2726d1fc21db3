"""Engine throughput: score projects totalling ≥ 100,000 indicators. Prints one JSON object.

    PYTHONPATH=. python bench/engine_bench.py [--corpus bench/corpus/n10000] [--indicators 100000] [--reps 5]

The projects are the first ones of the corpus manifest (distinct projects, three
frameworks) until the indicator count is reached; their inputs are the corpus's
filled-in returns (inputs.json: 90% clean, 10% with input faults). Setup (loading the
manifest, reading the inputs) is not timed. Timed, each `--reps` times, garbage
collector on as in any program:

- loop_cold   `[evaluate(p, i, profile) for ...]` with every resolution cache emptied first
              (targets parsed, kinds inferred, as for projects never seen);
- loop        the same loop on projects the manifest loader already validated (their
              resolution is remembered per project object, as in `load_batch`, the
              generator and the collector, which all resolve before scoring);
- many_cold / many   `evaluate_many(pairs, profile)` (the collector's full passes held back
              during the call, its young ones running), plus a young-generation collection
              right after it (what the call left young), timed with it;
- loop_without_gc   `loop` with the cyclic collector disabled (diagnosis: its share of `loop`);
- two_processes   the 100k split over 2 forked processes (data loaded before the fork),
              each running `evaluate_many` on its half: wall time until both finish.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import tempfile
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from perfeval_xl.engine import evaluate, evaluate_many, memo  # noqa: E402
from perfeval_xl.engine import resolve as resolve_mod  # noqa: E402
from perfeval_xl.engine.evaluate import resolve_project  # noqa: E402
from perfeval_xl.manifest import load_manifest  # noqa: E402
from perfeval_xl.manifest.inputs_reader import read_inputs  # noqa: E402


def clear_caches() -> None:
    memo.clear()
    for name in ("_shape", "_parse", "_parse_deduction", "_same_unit"):
        fn = getattr(resolve_mod, name, None)
        if fn is not None and hasattr(fn, "cache_clear"):
            fn.cache_clear()


def load(corpus: Path, indicators: int):
    doc = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    picked, count = [], 0
    for p in doc["projects"]:
        picked.append(p)
        count += len(p.get("indicators") or []) or 20  # framework-coded projects carry 20 leaves
        if count >= indicators * 1.05:
            break
    doc["projects"] = picked
    scratch = tempfile.TemporaryDirectory(prefix="perfeval-engine-bench-")  # the corpus folder stays untouched
    tmp = Path(scratch.name) / "manifest.json"
    tmp.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    loaded = load_manifest(tmp)
    projects, total = [], 0
    for p in loaded.manifest.projects:
        projects.append(p)
        total += len(p.indicators)
        if total >= indicators:
            break
    by_id = {p.id: p for p in projects}
    inputs_doc = json.loads((corpus / "inputs.json").read_text(encoding="utf-8"))
    inputs_doc["projects"] = {k: v for k, v in inputs_doc["projects"].items() if k in by_id}
    tmp_inputs = Path(scratch.name) / "inputs.json"
    tmp_inputs.write_text(json.dumps(inputs_doc, ensure_ascii=False), encoding="utf-8")
    given, problems = read_inputs(tmp_inputs, types.SimpleNamespace(project=by_id.get))
    scratch.cleanup()
    assert not problems, problems[:3]
    pairs = [(p, given.get(p.id)) for p in projects]
    return loaded.profile, pairs, total


def timed(fn, reps: int, before=None) -> dict:
    walls, cpus = [], []
    for _ in range(reps):
        if before:
            before()
        gc.collect()
        t, c = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    return {"wall_best": min(walls), "wall_median": statistics.median(walls),
            "cpu_best": min(cpus), "cpu_median": statistics.median(cpus), "walls": walls, "cpus": cpus}


def two_processes(profile, pairs) -> float:
    halves = [pairs[0::2], pairs[1::2]]
    gc.collect()
    gc.freeze()
    start = time.perf_counter()
    pids = []
    for half in halves:
        pid = os.fork()
        if pid == 0:  # child: score its half, then leave without tearing down the heap
            results = evaluate_many(half, profile)
            gc.collect(1)
            os._exit(0 if len(results) == len(half) else 1)
        pids.append(pid)
    codes = [os.waitpid(pid, 0)[1] for pid in pids]
    elapsed = time.perf_counter() - start
    gc.unfreeze()
    assert all(code == 0 for code in codes), codes
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path, default=ROOT / "bench" / "corpus" / "n10000")
    parser.add_argument("--indicators", type=int, default=100_000)
    parser.add_argument("--reps", type=int, default=5)
    args = parser.parse_args()
    t = time.perf_counter()
    profile, pairs, total = load(args.corpus, args.indicators)
    setup = time.perf_counter() - t
    out: dict = {"projects": len(pairs), "indicators": total, "setup_s": round(setup, 1)}
    results: list = []

    def loop() -> None:
        results[:] = [evaluate(p, i, profile) for p, i in pairs]

    def many() -> None:
        results[:] = evaluate_many(pairs, profile)
        gc.collect(1)  # the young-generation pass over what evaluate_many left young

    out["loop_cold"] = timed(loop, args.reps, before=lambda: (results.clear(), clear_caches()))
    for p, _ in pairs:  # what the manifest loader's validation leaves behind
        resolve_project(p, profile)
    out["loop"] = timed(loop, args.reps, before=results.clear)

    def loop_nogc() -> None:  # diagnosis only: how much of `loop` is the cyclic collector
        gc.disable()
        try:
            loop()
        finally:
            gc.enable()

    out["loop_without_gc"] = timed(loop_nogc, args.reps, before=results.clear)
    out["many_cold"] = timed(many, args.reps, before=lambda: (results.clear(), clear_caches()))
    for p, _ in pairs:
        resolve_project(p, profile)
    out["many"] = timed(many, args.reps, before=results.clear)
    results.clear()
    walls = [two_processes(profile, pairs) for _ in range(args.reps)]
    out["two_processes"] = {"wall_best": min(walls), "wall_median": statistics.median(walls), "walls": walls}
    out["findings"] = sum(len(r.findings) for r in evaluate_many(pairs, profile))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
