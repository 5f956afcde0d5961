"""A load killed mid-run (SIGKILL) leaves no partial batch of files, and the next run completes it (docs/RULES.md,
Loading guarantees).

The loading runs in a child process, in batches of BATCH files (one transaction each), and prints a line
after each file (the `progress` callback of load_entity, called once its batch is committed). The DuckDB
file is locked by its writer, so the parent does not poll the database while the child runs: it reads the
child's stdout and kills on cue.
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from ingestion_helpers import csv_text, landing_path, load_log, query, rejected_rows

from orchestration.ingestion.loader import connect, load_entity

pytestmark = pytest.mark.slow  # kills real loader processes (the fast lane is -m 'not slow')

FILES = 10
ROWS_PER_FILE = 20_000  # ~0.15 s per file: the whole load takes 1-2 s
BATCH = 3  # files per batch: 10 files load in 4 transactions (3, 3, 3, 1 files)
HEADER = ["message_id", "campaign_id", "contact_id", "sent_at", "body", "segments"]

CHILD = textwrap.dedent("""
    import sys
    from orchestration.ingestion.loader import connect, load_entity

    warehouse, landing, pause_before_commit, batch = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])


    class PauseBeforeCommit:
        '''Connection proxy: stops inside the transaction of the N-th batch, just before its commit.

        Only usable for CSV files without phone columns: other readers hand Arrow tables to
        DuckDB by a local variable name, which a proxy frame would hide.
        '''

        def __init__(self, con, nth):
            self._con, self._nth, self._commits = con, nth, 0

        def __getattr__(self, name):
            return getattr(self._con, name)

        def execute(self, sql, *args, **kwargs):
            if sql.strip().lower() == "commit":
                self._commits += 1
                if self._commits == self._nth:
                    print("paused", flush=True)
                    sys.stdin.readline()  # wait to be killed
            return self._con.execute(sql, *args, **kwargs)


    con = connect(warehouse)
    if pause_before_commit:
        con = PauseBeforeCommit(con, pause_before_commit)
    print("ready", flush=True)


    def progress(entity, outcome):
        print("file", outcome.status, outcome.path, outcome.rows_loaded, flush=True)


    load_entity(con, landing, "messages", progress=progress, batch_files=batch)
    print("done", flush=True)
""")


@pytest.fixture(scope="module")
def landing(tmp_path_factory) -> Path:
    """10 CSV files of 20k messages each, with ids unique across files."""
    root = tmp_path_factory.mktemp("kill") / "landing"
    for f in range(FILES):
        rows = [[f"f{f}-m{i}", f"c{i % 7}", f"k{i}", "2026-11-27T09:15:00Z", f"Hello {i}", str(1 + i % 3)]
                for i in range(ROWS_PER_FILE)]
        landing_path(root, "messages", f"send_{f:02d}.csv", dt=f"dt=2026-11-{10 + f}").write_text(
            csv_text(HEADER, rows))
    return root


class Child:
    """The loader in a child process; lines of its stdout on demand."""

    def __init__(self, warehouse: Path, landing: Path, pause_before_commit: int = 0):
        self.proc = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(warehouse), str(landing), str(pause_before_commit), str(BATCH)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        self.lines: list[str] = []

    def wait_for(self, prefix: str) -> str:
        while True:
            line = self.proc.stdout.readline()
            if not line:
                self.proc.wait(timeout=30)
                raise AssertionError(f"child ended before {prefix!r}: rc={self.proc.returncode}\n"
                                     f"stdout: {self.lines}\nstderr: {self.proc.stderr.read()}")
            self.lines.append(line.rstrip("\n"))
            if line.startswith(prefix):
                return line

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)
        rest = self.proc.stdout.read()
        self.lines.extend(line for line in rest.splitlines() if line)
        self.proc.stdin.close()
        self.proc.stdout.close()
        self.proc.stderr.close()

    @property
    def files_reported(self) -> int:
        return sum(1 for line in self.lines if line.startswith("file loaded"))


def _committed_files(warehouse: Path) -> int:
    con = connect(warehouse)
    try:
        return query(con, "select count(*) as n from raw.load_log")[0]["n"]
    finally:
        con.close()


def _finish_and_check(warehouse: Path, landing: Path) -> None:
    """Re-run the load in-process and check every file's rows are there exactly once."""
    con = connect(warehouse)
    try:
        load_entity(con, landing, "messages")
        log = load_log(con, "messages")
        assert len(log) == FILES
        assert {(r["status"], r["is_current"], r["rows_loaded"], r["rows_rejected"]) for r in log} == {
            ("loaded", True, ROWS_PER_FILE, 0)}
        assert len({r["path"] for r in log}) == FILES

        per_file = query(con, "select _source_file, _load_id, count(*) as n, count(distinct message_id) as ids, "
                              "count(distinct _row_number) as row_numbers "
                              "from raw.messages group by all order by 1")
        assert len(per_file) == FILES
        assert {(r["n"], r["ids"], r["row_numbers"]) for r in per_file} == {(ROWS_PER_FILE,) * 3}
        assert {(r["_source_file"], r["_load_id"]) for r in per_file} == {(r["path"], r["load_id"]) for r in log}
        assert query(con, "select count(*) as n, count(distinct message_id) as ids from raw.messages") == [
            {"n": FILES * ROWS_PER_FILE, "ids": FILES * ROWS_PER_FILE}]
        assert rejected_rows(con) == []

        # and one more run changes nothing
        assert {f.status for f in load_entity(con, landing, "messages").files} == {"skipped"}
        assert len(load_log(con)) == FILES
    finally:
        con.close()


def test_kill_after_the_first_file(tmp_path, landing):
    warehouse = tmp_path / "warehouse.duckdb"
    child = Child(warehouse, landing)
    try:
        child.wait_for("file loaded")
    finally:
        child.kill()
    assert "done" not in child.lines
    committed = _committed_files(warehouse)
    assert BATCH <= committed <= child.files_reported + BATCH
    assert committed % BATCH == 0  # whole batches only
    _finish_and_check(warehouse, landing)


def test_kill_inside_an_open_transaction(tmp_path, landing):
    """Deterministic: the child stops right before committing batch `nth`, with its rows inserted."""
    nth = 2
    warehouse = tmp_path / "warehouse.duckdb"
    child = Child(warehouse, landing, pause_before_commit=nth)
    try:
        child.wait_for("paused")
    finally:
        child.kill()
    con = connect(warehouse)
    try:
        assert len(load_log(con)) == (nth - 1) * BATCH
        assert query(con, "select count(*) as n from raw.messages") == [{"n": (nth - 1) * BATCH * ROWS_PER_FILE}]
        assert rejected_rows(con) == []
    finally:
        con.close()
    _finish_and_check(warehouse, landing)


@pytest.mark.parametrize("attempt", range(3))
def test_kill_at_a_random_time(tmp_path, landing, attempt):
    delay = random.Random(20261127 + attempt).uniform(0.2, 1.0)
    warehouse = tmp_path / "warehouse.duckdb"
    child = Child(warehouse, landing)
    try:
        child.wait_for("ready")
        time.sleep(delay)  # decides when to kill; nothing is asserted about timing
    finally:
        child.kill()
    assert _committed_files(warehouse) in (0, BATCH, 2 * BATCH, 3 * BATCH, FILES)  # whole batches only
    _finish_and_check(warehouse, landing)


def test_kill_twice_then_finish(tmp_path, landing):
    """A run killed, a second run killed too, then a third one completes the work."""
    warehouse = tmp_path / "warehouse.duckdb"
    for nth in (2, 2):
        child = Child(warehouse, landing, pause_before_commit=nth)
        try:
            child.wait_for("paused")
        finally:
            child.kill()
    assert _committed_files(warehouse) == 2 * BATCH  # one batch committed per killed run
    _finish_and_check(warehouse, landing)
