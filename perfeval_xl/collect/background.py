"""The collector's writes in a background thread while the workers go on checking.

Without it the supervision loop stops while the manifest and register are imported
(seconds for 10,000 projects) and while each chunk is written (a few hundred
milliseconds per 100 files), and the check workers, fed only a couple of files ahead,
sit idle meanwhile. Writes run one at a time in submission order, each in its own
transaction(s), so what a crash leaves behind is the same as when writing inline.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Any

_STOP = object()


class BackgroundWriter:
    """Runs every submitted call, in order, in one thread; the first error is raised in the submitter.

    `depth` calls may wait (bounding memory); `submit` blocks beyond that. Leaving the
    block normally waits for every submitted call; leaving it by an exception drops the
    calls not started (their transactions never began) and waits only for the current one.
    """

    def __init__(self, depth: int = 4) -> None:
        self._queue: queue.Queue[object] = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._abandon = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="perfeval-store", daemon=True)

    def __enter__(self) -> BackgroundWriter:
        self._thread.start()
        return self

    def submit(self, func: Callable[..., Any], *args: Any) -> None:
        self._raise_error()
        item = (func, args)
        while True:
            try:
                self._queue.put(item, timeout=0.2)
                return
            except queue.Full:
                self._raise_error()  # the writer died: its queue will never drain

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if kind is not None:
            self._abandon.set()
        self._queue.put(_STOP)
        self._thread.join()
        if kind is None:
            self._raise_error()

    def _raise_error(self) -> None:
        if self._error is not None:
            raise self._error

    def _loop(self) -> None:
        while True:
            item = self._queue.get()
            if item is _STOP or self._error is not None or self._abandon.is_set():
                if item is _STOP:
                    return
                continue
            func, args = item  # type: ignore[misc]
            try:
                func(*args)
            except BaseException as exc:  # handed to the submitting thread
                self._error = exc
