"""Safe publishing for BI readers: build in a working copy, publish by atomic rename.

`--warehouse FILE` names the *published* warehouse that analysts and BI tools
open read-only. Every run builds in a working database next to it
(`FILE.work`), and only after the load, the dbt build and its tests succeeded
is the working database checkpointed, copied next to FILE and renamed over it.
On Linux a rename never disturbs a reader: connections already open keep the
previous file (a consistent state) until they close; a connection opened by another
process afterwards sees the new one (within one process DuckDB reuses the open
instance of a path, so a new connection there sees the old file until every older
connection to it has closed). Nobody ever sees a half-built warehouse, and a failed
run publishes nothing.
"""

from __future__ import annotations

import fcntl
import logging
import os
import re
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from orchestration.publish.atomic import OWNER_ONLY, replacing

progress_log = logging.getLogger("mmsreport.progress")


class WarehouseBusyError(RuntimeError):
    """Another run holds the warehouse."""


def working_path(published: Path) -> Path:
    return published.with_name(published.name + ".work")


def prepare_working_copy(published: Path, working: Path) -> None:
    """Start the working database from the published one when it has none yet."""
    if working.exists() or not published.exists():
        return
    _copy_atomically(published, working)


def wait_for_other_writers(database: Path, timeout: float = 3600.0, poll: float = 0.5) -> None:
    """Wait while another process still has `database` open (DuckDB's own file lock).

    Our locks are released when a run dies, but a child it started may live on: a dbt
    process whose parent was killed alone (the OOM killer) keeps writing the working
    database until its current statement ends. The next run waits for it instead of
    failing on DuckDB's "Could not set lock" error.
    """
    if not database.exists():
        return
    deadline = time.monotonic() + timeout
    told = False
    while True:
        try:
            duckdb.connect(str(database)).close()
            return
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                raise
            if not told:
                holder = re.search(r"PID \d+", str(exc))
                progress_log.warning("waiting for another process (%s) to close %s",
                                     holder.group(0) if holder else "unknown", database.name)
                told = True
            time.sleep(poll)


def checkpoint(database: Path) -> None:
    """Fold the write-ahead log into the database file, so the file alone is complete."""
    with duckdb.connect(str(database)) as con:
        con.execute("checkpoint")


def publish(working: Path, published: Path) -> None:
    """Replace the published warehouse by the working one, atomically."""
    checkpoint(working)
    _copy_atomically(working, published)


def _copy_atomically(source: Path, target: Path) -> None:
    with replacing(target, OWNER_ONLY) as tmp:  # phone numbers live in raw: owner only
        shutil.copyfile(source, tmp)


class WarehouseLock:
    """An exclusive lock on a warehouse for one whole run (a lock file beside it).

    `wait=False` raises WarehouseBusyError at once, naming the holder; `wait=True` blocks.
    The operating system releases the lock when the process dies, so a killed run
    never leaves a stale lock behind.
    """

    def __init__(self, published: Path, wait: bool = False, suffix: str = ".lock"):
        self.path = published.with_name(published.name + suffix)
        self.wait = wait
        self._handle = None

    def __enter__(self) -> WarehouseLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+")  # noqa: SIM115 - held for the lock's lifetime
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if self.wait else fcntl.LOCK_NB))
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            raise WarehouseBusyError(
                f"another run is building {self.path.name.removesuffix('.lock')} ({holder}); "
                "wait for it to finish and run again"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}, started {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC\n")
        handle.flush()
        self._handle = handle
        return self

    def __exit__(self, *exc) -> None:
        if self._handle:
            self._handle.seek(0)
            self._handle.truncate()
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None
