"""A collector stand-in for the lock tests: open the store, wait for the start signal, take the lock.

    python -m tests.store.lock_child URL ARCHIVE START_FILE HOLD_SECONDS

Prints READY once the store is open; after START_FILE appears, tries the lock once:
prints "ACQUIRED <pid>" and holds it for HOLD_SECONDS (exit 0), or prints the refusal
in Chinese (exit 3).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from perfeval_xl.store import CollectorLock, LockBusy, open_store


def main(url: str, archive: str, start_file: str, hold: str) -> int:
    store = open_store(url)
    print("READY", flush=True)
    while not Path(start_file).exists():
        time.sleep(0.001)
    try:
        with CollectorLock(store, Path(archive)):
            print(f"ACQUIRED {os.getpid()}", flush=True)
            time.sleep(float(hold))
    except LockBusy as busy:
        print(busy.message("zh"), flush=True)
        return 3
    finally:
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
