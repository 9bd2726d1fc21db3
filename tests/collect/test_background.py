"""The collector's background store thread: order, errors, and what an interruption drops."""

from __future__ import annotations

import threading

import pytest

from perfeval_xl.collect.background import BackgroundWriter


def test_items_are_written_in_order_by_one_other_thread() -> None:
    written: list[int] = []
    threads: set[str] = set()

    def write(item: int) -> None:
        written.append(item)
        threads.add(threading.current_thread().name)

    with BackgroundWriter(depth=2) as writer:
        for item in range(50):
            writer.submit(write, item)
    assert written == list(range(50))
    assert threads == {"perfeval-store"}


def test_a_write_error_reaches_the_submitter_and_stops_later_writes() -> None:
    written: list[int] = []

    def write(item: int) -> None:
        if item == 3:
            raise RuntimeError("disk full")
        written.append(item)

    with pytest.raises(RuntimeError, match="disk full"):
        with BackgroundWriter(depth=1) as writer:
            for item in range(100):
                writer.submit(write, item)
    assert written == [0, 1, 2]


def test_an_error_in_the_last_write_is_raised_on_leaving() -> None:
    def write(item: int) -> None:
        raise ValueError(f"bad {item}")

    with pytest.raises(ValueError, match="bad 0"):
        with BackgroundWriter() as writer:
            writer.submit(write, 0)


def test_an_interrupted_submitter_drops_the_items_not_started() -> None:
    started = threading.Event()
    release = threading.Event()
    written: list[int] = []

    def write(item: int) -> None:
        if item == 0:
            started.set()
            release.wait(5)
        written.append(item)

    with pytest.raises(KeyboardInterrupt):
        with BackgroundWriter(depth=4) as writer:
            writer.submit(write, 0)
            started.wait(5)
            writer.submit(write, 1)
            writer.submit(write, 2)
            # Item 0 is still being written when the interruption reaches the writer.
            threading.Timer(0.3, release.set).start()
            raise KeyboardInterrupt
    assert written == [0]
