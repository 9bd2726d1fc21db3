"""The parent's handles on worker processes: one per worker, and a waiter over all of them."""

from __future__ import annotations

import os
import selectors
import signal
import time
from collections import deque
from multiprocessing.connection import Connection, wait
from typing import Any

STARTUP_TIMEOUT = 60.0
MEMORY_MARKERS = ("memory allocation of", "MemoryError", "Cannot allocate memory", "std::bad_alloc",
                  "out of memory")


class WorkerHandle:
    def __init__(self, slot: int, process: Any, conn: Connection, stderr_path: str | None) -> None:
        self.slot = slot
        self.process = process
        self.conn = conn
        self.stderr_path = stderr_path
        self.ready = False
        self.spawned = time.monotonic()
        self.queue: deque[int] = deque()  # head is running, the rest wait in the pipe
        self.started = 0.0  # when the head task started
        self.stderr_mark = 0  # where the head task's stderr output starts
        self.next_mark = 0  # stderr end reported by the worker with its last message

    def handles(self) -> tuple[Any, int]:
        return self.conn, self.process.sentinel

    def deadline(self, timeout: float) -> float:
        if not self.ready:
            return self.spawned + STARTUP_TIMEOUT
        return self.started + timeout


class Waiter:
    """Waits for worker pipes and exit sentinels.

    On POSIX a selector is kept for the pool's life (multiprocessing.connection.wait
    builds a new one per call: a measurable cost per file); elsewhere it falls back
    to connection.wait, which also understands Windows handles.
    """

    def __init__(self) -> None:
        self._selector = selectors.DefaultSelector() if os.name == "posix" else None

    def add(self, worker: WorkerHandle) -> None:
        if self._selector is not None:
            self._selector.register(worker.conn.fileno(), selectors.EVENT_READ, (worker, "conn"))
            self._selector.register(worker.process.sentinel, selectors.EVENT_READ, (worker, "exit"))

    def remove(self, worker: WorkerHandle) -> None:
        if self._selector is not None:
            for fd in (worker.conn.fileno(), worker.process.sentinel):
                try:
                    self._selector.unregister(fd)
                except (KeyError, ValueError):
                    pass

    def wait(self, busy: list[WorkerHandle], timeout: float) -> list[tuple[WorkerHandle, str]]:
        if self._selector is not None:
            return [key.data for key, _events in self._selector.select(timeout)]
        owners = {id(h): (w, kind) for w in busy for h, kind in zip(w.handles(), ("conn", "exit"), strict=True)}
        return [owners[id(h)] for h in wait([h for w in busy for h in w.handles()], timeout)]

    def close(self) -> None:
        self._closed = True
        if self._selector is not None:
            self._selector.close()


def exit_description(exitcode: int | None) -> str:
    if exitcode is None:
        return "exit status unknown"
    if exitcode < 0:
        try:
            return f"killed by signal {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"killed by signal {-exitcode}"
    return f"exited with code {exitcode}"


def memory_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    for line in lines:
        if any(marker in line for marker in MEMORY_MARKERS):
            return line[:200]
    return lines[-1][:200] if lines else ""
