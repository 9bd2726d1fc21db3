"""The child side of the isolation layer: one worker process's loop.

Runs in a fresh (forkserver) child: limits first (RLIMIT_AS, no core files), stderr to
the file the parent reads after a crash, then one task at a time from the pipe. Every
reply carries where stderr ends, so the parent knows where the next task's messages
start even if it only learns of them after the worker died.
"""

from __future__ import annotations

import gc
import os
import signal
import traceback
from multiprocessing.connection import Connection
from typing import Any, Callable


def worker_main(conn: Connection, func: Callable[[str], Any], memory_bytes: int | None,
                 stderr_path: str | None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    if stderr_path:
        fd = os.open(stderr_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        os.dup2(fd, 2)
        os.close(fd)
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if memory_bytes:
            resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    except (ImportError, ValueError, OSError):
        pass  # not Linux, or not allowed: the timeout still applies
    conn.send(("ready", os.getpid(), stderr_end()))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        index, path = message
        # The cyclic collector paused for the task: a file's objects die by reference counting
        # when it ends, so the collections its allocations would trigger (and their walks over
        # the long-lived register index) find nothing; cycles wait for the next collection.
        gc.disable()
        try:
            reply = (index, "ok", func(path))
        except MemoryError:
            reply = (index, "memory", "MemoryError")
        except BaseException as exc:  # the function's bug or bad data it did not handle
            reply = (index, "error", describe(exc))
        finally:
            gc.enable()
        # Where stderr ends now is where the next task's messages start (see _stderr_since_start).
        mark = stderr_end()
        try:
            conn.send((*reply, mark))
        except MemoryError:
            reply = (index, "memory", "MemoryError while sending the result")
            conn.send((*reply, mark))
        except Exception as exc:  # e.g. an unpicklable result
            conn.send((index, "error", f"result not sendable: {describe(exc)}", mark))
        if reply[1] == "memory":
            os._exit(3)  # heap state unknown after MemoryError: be replaced


def stderr_end() -> int:
    try:
        return os.lseek(2, 0, os.SEEK_END)
    except OSError:
        return 0  # stderr is a terminal or pipe: nothing to mark


def describe(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" at {os.path.basename(frames[-1].filename)}:{frames[-1].lineno}" if frames else ""
    return f"{type(exc).__name__}: {exc}"[:240] + where
