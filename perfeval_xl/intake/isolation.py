"""Run a picklable function over many files in supervised, persistent child processes.

Parsers of untrusted files can abort the whole process (python-calamine does on a
sheet with a far-away cell), exhaust memory or loop. Here each file is handled in a
worker process; a worker that dies, times out or runs out of memory is killed and
replaced, that file gets its own finding (WORKER_CRASHED / WORKER_TIMEOUT /
WORKER_MEMORY, or WORKER_EXCEPTION when the function raised), and the batch goes on.

Hot-path design (10,000 files in ≤ 30 s on 2 cores): workers are started once and
fed (index, path) tuples through one pipe each, never file bytes; each worker holds
`prefetch` tasks so it never waits for the parent between files. The per-file
timeout of a queued task starts when the worker reports the previous result.

Order: `IsolatedPool.imap` and `iter_isolated` yield outcomes as they complete;
`IsolatedPool.map` and `run_isolated` return them in input order. Either way the
progress callback is called once per completed file, in completion order.

On Linux each worker gets RLIMIT_AS (address space; default 1 GiB) and RLIMIT_CORE 0
(no core files from aborts). Worker stderr goes to a temporary file per worker: an
abort message there ("memory allocation of N bytes failed") turns a crash into
WORKER_MEMORY, and a parser's warnings do not flood the console.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from collections import deque
from multiprocessing import get_context
from typing import Any, Callable, Iterable, Iterator, Sequence

from pydantic import BaseModel, ConfigDict

from perfeval_xl.findings.model import Finding, Location, finding
from perfeval_xl.intake.models import MiB
from perfeval_xl.intake.worker_child import worker_main
from perfeval_xl.intake.worker_handles import (
    MEMORY_MARKERS,
    STARTUP_TIMEOUT,
    Waiter,
    WorkerHandle,
    exit_description,
    memory_line,
)

ProgressCallback = Callable[[int, int], None]
_STDERR_READ = 64 * 1024


class IsolationLimits(BaseModel):
    model_config = ConfigDict(frozen=True)

    workers: int | None = None  # default: the CPUs this process may use
    timeout_s: float = 10.0
    memory_bytes: int | None = 1024 * MiB  # RLIMIT_AS per worker (Linux); None: no limit
    prefetch: int = 2  # tasks queued per worker
    start_method: str | None = None  # default "forkserver" where available (lean children)
    capture_stderr: bool = True


class Outcome(BaseModel):
    """The result of one file: `value` when the function returned, else findings saying why not."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    index: int
    path: str
    value: Any = None
    findings: list[Finding] = []
    elapsed_s: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.findings


class IsolationError(RuntimeError):
    """The pool itself cannot work (a worker cannot even start): a programming error, not bad data."""


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def run_isolated(func: Callable[[str], Any], paths: Sequence[str | os.PathLike[str]],
                 limits: IsolationLimits | None = None,
                 progress: ProgressCallback | None = None) -> list[Outcome]:
    """Outcomes in input order."""
    with IsolatedPool(func, limits) as pool:
        return pool.map(paths, progress)


def iter_isolated(func: Callable[[str], Any], paths: Sequence[str | os.PathLike[str]],
                  limits: IsolationLimits | None = None,
                  progress: ProgressCallback | None = None) -> Iterator[Outcome]:
    """Outcomes in completion order."""
    with IsolatedPool(func, limits) as pool:
        yield from pool.imap(paths, progress)


def in_input_order(outcomes: Iterable[Outcome]) -> Iterator[Outcome]:
    """Completion-order outcomes re-sequenced by index; only those that finished early are held."""
    early: dict[int, Outcome] = {}
    following = 0
    for outcome in outcomes:
        early[outcome.index] = outcome
        while following in early:
            yield early.pop(following)
            following += 1


class IsolatedPool:
    """Persistent supervised workers for one function. Use as a context manager."""

    def __init__(self, func: Callable[[str], Any], limits: IsolationLimits | None = None) -> None:
        self._func = func
        self._limits = limits or IsolationLimits()
        self._ctx = _context(func, self._limits)
        self._size = self._limits.workers or default_workers()
        self._tmpdir = tempfile.mkdtemp(prefix="perfeval-workers-") if self._limits.capture_stderr else None
        self._workers: list[WorkerHandle] = []
        self._waiter = Waiter()
        self._busy = False
        self._closed = False
        self.replaced = 0  # workers replaced after a crash, timeout or memory failure

    def __enter__(self) -> "IsolatedPool":
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def map(self, paths: Sequence[str | os.PathLike[str]], progress: ProgressCallback | None = None) -> list[Outcome]:
        """Outcomes in input order."""
        return list(in_input_order(self.imap(paths, progress)))

    def imap(self, paths: Sequence[str | os.PathLike[str]],
             progress: ProgressCallback | None = None) -> Iterator[Outcome]:
        """Outcomes in completion order."""
        if self._closed:
            raise IsolationError("the pool is closed")
        if self._busy:
            raise IsolationError("one imap at a time per pool")
        self._busy = True
        tasks = [os.fspath(p) for p in paths]
        try:
            yield from self._run(tasks, progress)
        finally:
            self._busy = False
            # Stopped early (or interrupted): in-flight results would leak into the next
            # batch, so those workers go; the next batch starts fresh ones.
            for worker in [w for w in self._workers if w.queue]:
                self._discard(worker)
                self._workers.remove(worker)

    def close(self) -> None:
        self._closed = True
        for worker in self._workers:
            try:
                worker.conn.send(None)
            except OSError:
                pass
        for worker in self._workers:
            worker.process.join(timeout=1.0)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            self._waiter.remove(worker)
            worker.conn.close()
        self._workers = []
        self._waiter.close()
        self._waiter = Waiter()
        if self._tmpdir:
            shutil.rmtree(self._tmpdir, ignore_errors=True)
            self._tmpdir = None

    # -- the supervision loop -------------------------------------------------------

    def _run(self, tasks: list[str], progress: ProgressCallback | None) -> Iterator[Outcome]:
        total = len(tasks)
        pending: deque[int] = deque(range(total))
        done = 0
        while len(self._workers) < min(self._size, max(total, 1)):
            used = {w.slot for w in self._workers}
            self._workers.append(self._spawn(min(set(range(self._size)) - used)))
        while done < total:
            self._feed(tasks, pending)
            finished = self._collect(tasks, pending)
            for outcome in finished:
                done += 1
                if progress is not None:
                    progress(done, total)
                yield outcome

    def _feed(self, tasks: list[str], pending: deque[int]) -> None:
        for worker in self._workers:
            while pending and len(worker.queue) < self._limits.prefetch:
                index = pending.popleft()
                try:
                    worker.conn.send((index, tasks[index]))
                except OSError:
                    pending.appendleft(index)  # the worker died; _collect will notice
                    break
                if not worker.queue:
                    self._start_head(worker)
                worker.queue.append(index)

    def _start_head(self, worker: WorkerHandle) -> None:
        # The worker may already be running (even dying of) this task: its stderr mark
        # comes from the worker's own last message, never from a later look at the file.
        worker.started = time.monotonic()
        worker.stderr_mark = worker.next_mark

    def _collect(self, tasks: list[str], pending: deque[int]) -> list[Outcome]:
        busy = [w for w in self._workers if w.queue or not w.ready]
        if not busy:
            return []
        now = time.monotonic()
        nearest = min(w.deadline(self._limits.timeout_s) for w in busy)
        events = self._waiter.wait(busy, max(0.0, nearest - now))
        out: list[Outcome] = []
        # Messages first: a worker's last results must be read before its death is judged.
        for worker, kind in sorted(events, key=lambda event: event[1] != "conn"):
            if worker not in self._workers:
                continue  # replaced during this round
            if kind == "conn":
                self._receive(worker, tasks, pending, out)
            elif not worker.process.is_alive():
                out.extend(self._died(worker, tasks, pending))
        now = time.monotonic()
        for worker in list(self._workers):
            if worker.queue and worker.ready and now >= worker.started + self._limits.timeout_s:
                out.append(self._timed_out(worker, tasks, pending))
            elif not worker.ready and now >= worker.spawned + STARTUP_TIMEOUT:
                raise IsolationError("a worker did not start within the startup timeout")
        return out

    def _receive(self, worker: WorkerHandle, tasks: list[str], pending: deque[int], out: list[Outcome]) -> None:
        """Read one message (the pipe is readable); a closed pipe means the worker died."""
        try:
            message = worker.conn.recv()
        except (EOFError, OSError):
            out.extend(self._died(worker, tasks, pending))
            return
        self._handle(worker, message, tasks, pending, out)

    def _handle(self, worker: WorkerHandle, message: tuple, tasks: list[str], pending: deque[int],
                out: list[Outcome]) -> None:
        if message[0] == "ready":
            worker.ready = True
            worker.next_mark = message[2]
            if worker.queue:
                self._start_head(worker)
            return
        index, status, payload, worker.next_mark = message
        elapsed = time.monotonic() - worker.started
        if not worker.queue or worker.queue[0] != index:
            raise IsolationError(f"worker answered task {index} out of order")
        worker.queue.popleft()
        if worker.queue:
            self._start_head(worker)
        if status == "ok":
            out.append(Outcome.model_construct(index=index, path=tasks[index], value=payload,
                                               findings=[], elapsed_s=elapsed))
        elif status == "memory":
            out.append(self._failed(index, tasks, elapsed, "WORKER_MEMORY",
                                    limit=self._memory_label(), detail=payload))
            self._requeue_and_replace(worker, pending)
        else:
            out.append(self._failed(index, tasks, elapsed, "WORKER_EXCEPTION", detail=payload))

    def _died(self, worker: WorkerHandle, tasks: list[str], pending: deque[int]) -> list[Outcome]:
        out: list[Outcome] = []
        # Results it sent before dying still count; read them all first.
        try:
            while worker in self._workers and worker.conn.poll():
                self._handle(worker, worker.conn.recv(), tasks, pending, out)
        except (EOFError, OSError):
            pass
        if worker not in self._workers:
            return out  # replaced while handling a message (MemoryError report)
        worker.process.join(timeout=1.0)
        if not worker.ready:
            self._requeue_and_replace(worker, pending)
            raise IsolationError(f"a worker died while starting (exit code {worker.process.exitcode}); "
                                 "is the function importable and picklable?")
        if not worker.queue:
            self._requeue_and_replace(worker, pending)
            return out
        index = worker.queue.popleft()
        elapsed = time.monotonic() - worker.started
        tail = self._stderr_since_start(worker)
        how = exit_description(worker.process.exitcode)
        self._requeue_and_replace(worker, pending)
        if any(marker in tail for marker in MEMORY_MARKERS):
            out.append(self._failed(index, tasks, elapsed, "WORKER_MEMORY", limit=self._memory_label(),
                                    detail=f"{how}; {memory_line(tail)}"))
        else:
            out.append(self._failed(index, tasks, elapsed, "WORKER_CRASHED", detail=how))
        return out

    def _timed_out(self, worker: WorkerHandle, tasks: list[str], pending: deque[int]) -> Outcome:
        index = worker.queue.popleft()
        elapsed = time.monotonic() - worker.started
        self._requeue_and_replace(worker, pending)
        return self._failed(index, tasks, elapsed, "WORKER_TIMEOUT", seconds=self._limits.timeout_s)

    def _failed(self, index: int, tasks: list[str], elapsed: float, code: str, **params: Any) -> Outcome:
        found = finding(code, Location(file=tasks[index]), **params)
        return Outcome(index=index, path=tasks[index], findings=[found], elapsed_s=elapsed)

    def _requeue_and_replace(self, worker: WorkerHandle, pending: deque[int]) -> None:
        # Tasks still queued in the dead worker's pipe never started: give them to others.
        pending.extendleft(reversed(worker.queue))
        worker.queue.clear()
        self._replace(worker)

    def _replace(self, worker: WorkerHandle) -> None:
        self._discard(worker)
        self._workers[self._workers.index(worker)] = self._spawn(worker.slot)
        self.replaced += 1

    def _discard(self, worker: WorkerHandle) -> None:
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join()
        self._waiter.remove(worker)
        worker.conn.close()

    def _spawn(self, slot: int) -> WorkerHandle:
        stderr_path = None
        if self._tmpdir:
            stderr_path = os.path.join(self._tmpdir, f"worker-{slot}.stderr")
            open(stderr_path, "wb").close()  # a fresh file per worker process
        parent_conn, child_conn = self._ctx.Pipe(duplex=True)
        process = self._ctx.Process(target=worker_main, name=f"perfeval-worker-{slot}", daemon=True,
                                    args=(child_conn, self._func, self._limits.memory_bytes, stderr_path))
        process.start()
        child_conn.close()
        worker = WorkerHandle(slot, process, parent_conn, stderr_path)
        self._waiter.add(worker)
        return worker

    def _stderr_since_start(self, worker: WorkerHandle) -> str:
        if not worker.stderr_path:
            return ""
        try:
            # From where this task started: an abort message comes first, a backtrace may follow.
            with open(worker.stderr_path, "rb") as handle:
                handle.seek(worker.stderr_mark)
                return handle.read(_STDERR_READ).decode("utf-8", "replace")
        except OSError:
            return ""

    def _memory_label(self) -> str:
        limit = self._limits.memory_bytes
        return f"{limit // MiB} MiB" if limit else "none"


def start_workers_early(func: Callable[[str], Any], limits: IsolationLimits | None = None) -> None:
    """Start the fork server now, so its imports (a second or more) overlap the caller's own work
    before the pool's first worker is needed (a no-op for the other start methods)."""
    context = _context(func, limits or IsolationLimits())
    if context.get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()  # returns at once; the server imports in its own process


def _context(func: Callable[[str], Any], limits: IsolationLimits) -> Any:
    method = limits.start_method
    if method is None:
        method = "forkserver" if sys.platform.startswith("linux") else None
    context = get_context(method)
    if method == "forkserver":
        # Children fork from the server with these modules imported: a replacement
        # worker starts in milliseconds. Takes effect only if the server is not yet running.
        context.set_forkserver_preload(_preload_modules(func))
    return context


def _preload_modules(func: Callable[[str], Any]) -> list[str]:
    # "__main__": the server imports the main script once; otherwise every worker imports it
    # again while starting (for the CLI, every command's modules: ~0.7 s of CPU per worker).
    modules = ["__main__", __name__]
    target = getattr(func, "func", func)  # functools.partial
    module = getattr(target, "__module__", None)
    if module and module != "__main__":
        modules.append(module)
    return modules
