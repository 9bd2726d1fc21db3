"""Worker functions for the isolation tests; the file's base name says how to misbehave."""

from __future__ import annotations

import gc
import os
import resource
import signal
import time


def echo(path: str) -> str:
    return path


def misbehave(path: str) -> object:
    name = os.path.basename(path)
    if name.startswith("abort"):
        os.abort()
    if name.startswith("segv"):
        os.kill(os.getpid(), signal.SIGSEGV)
    if name.startswith("exit"):
        os._exit(7)
    if name.startswith("sleep"):
        time.sleep(float(name.split("-")[1]))
    if name.startswith("alloc"):
        return len(bytearray(2 * 1024 ** 3))  # beyond the test's RLIMIT_AS
    if name.startswith("raise"):
        raise ValueError("bad data in " + name)
    if name.startswith("unpicklable"):
        return lambda: None
    if name.startswith("rlimit"):
        return resource.getrlimit(resource.RLIMIT_AS)[0]
    if name.startswith("pid"):
        return os.getpid()
    if name.startswith("gc"):
        return gc.isenabled()
    return name

