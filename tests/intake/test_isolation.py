"""Supervised workers: order, progress, and every way a worker can fail."""

from __future__ import annotations

import os
import time

import pytest

from perfeval_xl.intake.isolation import (
    IsolatedPool,
    IsolationError,
    IsolationLimits,
    Outcome,
    in_input_order,
    iter_isolated,
    run_isolated,
)
from tests.intake.isolation_funcs import echo, misbehave

MiB = 1024 * 1024
FAST = IsolationLimits(workers=2, timeout_s=5.0, memory_bytes=512 * MiB)


def _codes(outcomes):
    return [o.findings[0].code if o.findings else o.value for o in outcomes]


def test_results_in_input_order_with_progress():
    calls: list[tuple[int, int]] = []
    paths = [f"/data/file{i}.xlsx" for i in range(50)]
    outcomes = run_isolated(echo, paths, FAST, progress=lambda done, total: calls.append((done, total)))
    assert [o.index for o in outcomes] == list(range(50))
    assert [o.value for o in outcomes] == paths
    assert calls == [(i, 50) for i in range(1, 51)]
    assert all(o.ok and o.elapsed_s < 1 for o in outcomes)


def test_the_cyclic_collector_is_paused_during_each_task():
    outcomes = run_isolated(misbehave, ["gc-1", "raise-1", "gc-2"], FAST.model_copy(update={"workers": 1}))
    assert [o.value for o in outcomes] == [False, None, False]
    assert outcomes[1].findings[0].code == "WORKER_EXCEPTION"


def test_iter_isolated_yields_in_completion_order():
    # prefetch=1: nothing waits behind the slow file (with prefetch 2, "a" would queue behind it).
    paths = ["sleep-0.6", "a", "b", "c"]
    order = [o.path for o in iter_isolated(misbehave, paths, FAST.model_copy(update={"prefetch": 1}))]
    assert sorted(order) == sorted(paths)
    assert order[-1] == "sleep-0.6"


def test_in_input_order_resequences_completion_order():
    finished = [3, 0, 2, 1, 5, 4]
    out = []
    source = (Outcome(index=i, path=str(i)) for i in finished)
    for outcome in in_input_order(source):
        out.append(outcome.index)
    assert out == [0, 1, 2, 3, 4, 5]
    slow_first = ["sleep-0.6", "a", "b", "c"]
    assert [o.path for o in in_input_order(iter_isolated(misbehave, slow_first, FAST))] == slow_first


@pytest.mark.parametrize("bad, code, detail", [
    ("abort", "WORKER_CRASHED", "SIGABRT"),
    ("segv", "WORKER_CRASHED", "SIGSEGV"),
    ("exit", "WORKER_CRASHED", "exited with code 7"),
    ("alloc", "WORKER_MEMORY", "MemoryError"),
    ("raise", "WORKER_EXCEPTION", "ValueError: bad data in raise"),
    ("unpicklable", "WORKER_EXCEPTION", "result not sendable"),
])
def test_a_failing_file_gets_its_finding_and_the_batch_goes_on(bad, code, detail):
    paths = ["a", bad, "b", "c", bad + "-2", "d"]
    with IsolatedPool(misbehave, FAST) as pool:
        outcomes = pool.map(paths)
        replaced = pool.replaced
    assert _codes(outcomes) == ["a", code, "b", "c", code, "d"]
    found = outcomes[1].findings[0]
    assert detail in str(found.params.get("detail")), found.params
    assert found.location.file == bad
    assert found.severity == "reject"
    assert replaced == (2 if code in ("WORKER_CRASHED", "WORKER_MEMORY") else 0)


def test_memory_limit_is_applied_in_workers():
    outcomes = run_isolated(misbehave, ["rlimit"], FAST)
    assert outcomes[0].value == 512 * MiB
    assert outcomes[0].findings == []


def test_timeout_kills_and_replaces_the_worker():
    limits = IsolationLimits(workers=1, timeout_s=0.5, memory_bytes=512 * MiB)
    started = time.monotonic()
    outcomes = run_isolated(misbehave, ["a", "sleep-30", "b"], limits)
    assert time.monotonic() - started < 5
    assert _codes(outcomes) == ["a", "WORKER_TIMEOUT", "b"]
    assert 0.5 <= outcomes[1].elapsed_s < 1.5
    assert outcomes[1].findings[0].params == {"seconds": 0.5}


def test_prefetched_tasks_of_a_dead_worker_are_run_elsewhere():
    # One worker, prefetch 3: "b" and "c" sit in the pipe when "abort" kills the worker.
    limits = IsolationLimits(workers=1, timeout_s=5.0, memory_bytes=512 * MiB, prefetch=3)
    assert _codes(run_isolated(misbehave, ["abort", "b", "c", "d"], limits)) == ["WORKER_CRASHED", "b", "c", "d"]


def test_workers_are_persistent():
    with IsolatedPool(misbehave, FAST) as pool:
        pids = {o.value for o in pool.map([f"pid{i}" for i in range(200)])}
        again = {o.value for o in pool.map([f"pid{i}" for i in range(20)])}
    assert len(pids) == 2 and os.getpid() not in pids
    assert again <= pids


def test_stopping_early_does_not_leak_results_into_the_next_batch():
    with IsolatedPool(misbehave, FAST) as pool:
        for _outcome in pool.imap(["sleep-0.2", "sleep-0.2", "x", "y", "z"]):
            break
        assert [o.value for o in pool.map(["p", "q"])] == ["p", "q"]


def test_an_exception_in_the_progress_callback_propagates_and_the_pool_recovers():
    def progress(done: int, _total: int) -> None:
        if done == 3:
            raise KeyboardInterrupt

    with IsolatedPool(misbehave, FAST) as pool:
        with pytest.raises(KeyboardInterrupt):
            pool.map([f"f{i}" for i in range(10)], progress)
        assert [o.value for o in pool.map(["p", "q", "r"])] == ["p", "q", "r"]
    with pytest.raises(IsolationError):
        pool.map(["late"])


def test_empty_batch():
    assert run_isolated(echo, [], FAST) == []


def test_per_file_overhead_is_small():
    """Measured overhead per file of the pool itself (function does nothing)."""
    paths = [f"/data/batch/unit{i:05d}.xlsx" for i in range(2000)]
    with IsolatedPool(echo, IsolationLimits(workers=2)) as pool:
        pool.map(paths[:20])  # workers started
        started = time.perf_counter()
        outcomes = pool.map(paths)
        elapsed = time.perf_counter() - started
    assert [o.value for o in outcomes] == paths
    per_file_ms = elapsed / len(paths) * 1000
    print(f"isolation overhead: {per_file_ms:.3f} ms/file over {len(paths)} trivial tasks")
    assert per_file_ms < 0.5
