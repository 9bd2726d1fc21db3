"""Store chunks of checked files in a background thread while the workers go on checking.

Without it the supervision loop stops while a chunk is written (a few hundred
milliseconds per 100 files), and the check workers, fed only a couple of files ahead,
sit idle meanwhile. Chunks are stored one at a time in submission order, each in its
own transaction, so what a crash leaves behind is the same as when storing inline.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Generic, TypeVar

T = TypeVar("T")

_STOP = object()


class BackgroundWriter(Generic[T]):
    """`write(item)` for every submitted item, in order, in one thread; its first error is raised here.

    `depth` chunks may wait (bounding memory); `submit` blocks beyond that. Leaving the
    block normally waits for every submitted item; leaving it by an exception drops the
    items not started (their transactions never began) and waits only for the current one.
    """

    def __init__(self, write: Callable[[T], None], depth: int = 4) -> None:
        self._write = write
        self._queue: queue.Queue[object] = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._abandon = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="perfeval-store", daemon=True)

    def __enter__(self) -> BackgroundWriter[T]:
        self._thread.start()
        return self

    def submit(self, item: T) -> None:
        self._raise_error()
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
            try:
                self._write(item)  # type: ignore[arg-type]
            except BaseException as exc:  # handed to the submitting thread
                self._error = exc
