"""Fault injection (issue 8): SIGKILL the real `mmsreport run` at many points, re-run, compare.

Each round starts `mmsreport run` on the same small generated landing folder into
a fresh warehouse, kills it, re-runs it to completion and checks the published
warehouse equals the one of an uninterrupted run: every mart and audit table
(EXCEPT ALL both ways), the raw row counts, the load log and the suppression
export; no temporary file is left behind.

Kill points:
- by phase, watching the run's progress output: during loading (after the k-th
  entity), during the dbt build (after the m-th model), during publishing (as
  soon as the temporary copy of the published file appears);
- by time: uniform over the measured duration of an uninterrupted run (seeded).

Kill modes:
- `group`: SIGKILL to the whole process group, like a CI timeout;
- `main`: SIGKILL to the `mmsreport` process only, like the OOM killer: a dbt
  child left running must not corrupt anything, and the next run must wait for
  it or complete.

CI runs 4 rounds (one per phase, one at a random time); `MMSREPORT_FAULT_ROUNDS=N` runs N rounds of each kind
(N phase rounds per phase and mode, 2N time rounds) — see docs/RELIABILITY.md.
A failing run on a dbt test leaving the published warehouse unchanged is
tests/e2e/test_publishing.py::test_a_failing_build_leaves_the_published_warehouse_as_it_was.
"""

from __future__ import annotations

import json
import os
import queue
import random
import signal
import subprocess
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from tests.e2e.conftest import MMSREPORT

pytestmark = pytest.mark.slow  # kills the real command many times (the fast lane is -m 'not slow')

SEED, MESSAGES, DAYS = 11, 400, 2
ROUNDS = int(os.environ.get("MMSREPORT_FAULT_ROUNDS", "0"))
RNG = random.Random(20261128)
KILL_COUNTS: Counter = Counter()  # (phase reached, mode) -> kills, shown in pytest's terminal summary


@dataclass(frozen=True)
class Plan:
    trigger: str  # loading | dbt | publish | time
    mode: str  # group | main
    at: float  # loading: entities done; dbt: models built; time: fraction of the uninterrupted duration

    def __str__(self) -> str:
        return f"{self.trigger}-{self.mode}-{self.at:g}"


def _plans() -> list[Plan]:
    if not ROUNDS:
        # CI: 4 kills, 10 runs of `mmsreport` in all (reference, 4 killed + 4 re-runs, the waiting test)
        return [Plan("loading", "group", 3), Plan("dbt", "main", 8), Plan("publish", "group", 0),
                Plan("time", "main", round(RNG.uniform(0.05, 0.95), 3))]
    plans = []
    for _ in range(ROUNDS):
        for mode in ("group", "main"):
            plans.append(Plan("loading", mode, RNG.randint(0, 8)))
            plans.append(Plan("dbt", mode, RNG.randint(0, 36)))
            plans.append(Plan("publish", mode, 0))
            plans.append(Plan("time", mode, round(RNG.uniform(0.0, 1.0), 3)))
    return plans


def _env(state: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MMSREPORT_", "DAGSTER_"))}
    env.update({"TZ": "America/New_York", "XDG_STATE_HOME": str(state)})
    return env


def _run(args: list[str], cwd: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([MMSREPORT, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """Landing data, an uninterrupted reference run (and its duration), a shared Dagster state folder."""
    root = tmp_path_factory.mktemp("faults")
    env = _env(root / "state")
    landing = root / "landing"
    result = _run(["generate", "--out", str(landing), "--seed", str(SEED), "--messages", str(MESSAGES),
                   "--days", str(DAYS), "--quiet"], root, env)
    assert result.returncode == 0, result.stderr
    reference = root / "reference" / "warehouse.duckdb"
    # The kill window of time-based rounds: from the start to "published" of an uninterrupted run.
    run = Run(["run", "--landing", str(landing), "--warehouse", str(reference)], root, env)
    started = time.monotonic()
    duration = None
    while (line := run.next_line(timeout=1.0)) is not None:
        if line and line.startswith("published ") and duration is None:
            duration = time.monotonic() - started
    assert run.proc.wait() == 0, run.seen
    return {"root": root, "env": env, "landing": landing, "reference": reference, "duration": duration}


def kill_summary() -> str | None:
    """Kills by phase reached and mode, for the terminal summary (tests/conftest.py)."""
    if not KILL_COUNTS:
        return None
    return "kills by phase reached and mode: " + json.dumps(
        {f"{phase}/{mode}": n for (phase, mode), n in sorted(KILL_COUNTS.items())})


class Run:
    """`mmsreport run` in its own process group; its stderr lines as they come."""

    def __init__(self, args: list[str], cwd: Path, env: dict):
        self.proc = subprocess.Popen([MMSREPORT, *args], cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, text=True, start_new_session=True)
        self.lines: queue.Queue = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self):
        for line in self.proc.stderr:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def next_line(self, timeout: float = 0.001) -> str | None | bool:
        """The next line, None at the end, False when none came within `timeout`."""
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            return False
        if line is not None:
            self.seen.append(line)
        return line

    def kill(self, mode: str) -> None:
        if mode == "group":
            os.killpg(self.proc.pid, signal.SIGKILL)
        else:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=60)

    def survivors(self) -> bool:
        try:
            os.killpg(self.proc.pid, 0)
            return True
        except ProcessLookupError:
            return False

    def reap(self) -> None:
        """End what is left of our own process group (an orphaned dbt child), if anything."""
        if self.survivors():
            os.killpg(self.proc.pid, signal.SIGKILL)


def _phase(lines: list[str]) -> str:
    if any(line.startswith("published ") for line in lines):
        return "export"
    if any(line.startswith("dbt build") for line in lines):
        return "dbt/publish"
    if any(line.startswith("  raw.") for line in lines) or lines[1:]:
        return "loading"
    return "start-up"


def _kill_per_plan(plan: Plan, run: Run, warehouse: Path, duration: float) -> str:
    """Wait for the plan's kill point, kill, and say which phase the run was in."""
    deadline = time.monotonic() + (plan.at * duration if plan.trigger == "time" else 600)
    raw_done = models_built = 0
    in_dbt = False
    while True:
        if plan.trigger == "publish" and in_dbt and any(warehouse.parent.glob(f".{warehouse.name}.*.tmp")):
            run.kill(plan.mode)
            return "publish"
        line = run.next_line()
        if line is None:
            return "finished"  # the run ended before the kill point: nothing to kill
        if line:
            raw_done += line.startswith("  raw.")
            in_dbt = in_dbt or line.startswith("dbt build")
            models_built += line.startswith("  built ")
        if (plan.trigger == "loading" and raw_done >= plan.at) or \
                (plan.trigger == "dbt" and in_dbt and models_built >= plan.at) or \
                (plan.trigger == "publish" and any(s.startswith("published ") for s in run.seen)) or \
                (plan.trigger == "time" and time.monotonic() >= deadline):
            run.kill(plan.mode)
            return _phase(run.seen)


def _tables(con, schemas: tuple[str, ...]) -> list[tuple[str, str]]:
    return con.execute(
        "select table_schema, table_name from information_schema.tables where table_schema in "
        f"({', '.join('?' for _ in schemas)}) order by 1, 2", list(schemas)).fetchall()


def assert_same_warehouse(actual: Path, reference: Path) -> None:
    con = duckdb.connect(":memory:")
    try:
        con.execute("set TimeZone = 'UTC'")
        con.execute("attach ? as a (read_only)", [str(actual)])
        con.execute("attach ? as r (read_only)", [str(reference)])
        tables = _tables(con, ("marts", "audit"))
        assert {t for t in tables}, "no marts"
        for schema, table in tables:
            name = f'"{schema}"."{table}"'
            for left, right in (("a", "r"), ("r", "a")):
                diff = con.execute(f"select count(*) from (select * from {left}.{name} except all "
                                   f"select * from {right}.{name})").fetchone()[0]
                assert diff == 0, f"{schema}.{table}: {diff} rows in {left} not in {right}"
        # raw.build_log is a history of builds recorded for publishing: a run killed while publishing
        # leaves its row in the working copy, so compare what the last build was made from, not the count.
        raw_tables = [t for s, t in _tables(con, ("raw",)) if t != "build_log"]
        last_build = "select last_load_id, fingerprint from {}.raw.build_log order by build_id desc limit 1"
        assert con.execute(last_build.format("a")).fetchall() == con.execute(last_build.format("r")).fetchall()
        for table in raw_tables:
            counts = [con.execute(f'select count(*) from {db}.raw."{table}"').fetchone()[0] for db in ("a", "r")]
            assert counts[0] == counts[1], f"raw.{table}: {counts[0]} rows, uninterrupted {counts[1]}"
        log = "select entity, path, content_hash, status, rows_loaded, rows_rejected, is_current from {}.raw.load_log"
        for left, right in (("a", "r"), ("r", "a")):
            assert con.execute(f"select count(*) from ({log.format(left)} except all {log.format(right)})"
                               ).fetchone()[0] == 0
    finally:
        con.close()


@pytest.mark.parametrize("plan", _plans(), ids=str)
def test_a_killed_run_then_a_rerun_equals_an_uninterrupted_run(world, tmp_path, plan):
    warehouse = tmp_path / "warehouse.duckdb"
    args = ["run", "--landing", str(world["landing"]), "--warehouse", str(warehouse)]
    run = Run(args, world["root"], world["env"])
    try:
        phase = _kill_per_plan(plan, run, warehouse, world["duration"])
        survivors = plan.mode == "main" and run.survivors()  # dbt, or Dagster helpers (tail -F, watch_orphans)
        KILL_COUNTS[(phase, plan.mode + ("+survivors" if survivors else ""))] += 1
        # Re-run at once, with whatever the kill left running.
        result = _run(args, world["root"], world["env"])
        assert result.returncode == 0, f"re-run after a kill in {phase} failed:\n{result.stderr[-3000:]}"
    finally:
        run.reap()
    assert_same_warehouse(warehouse, world["reference"])
    export = warehouse.with_name("warehouse.suppressions.csv")
    assert export.read_bytes() == world["reference"].with_name("warehouse.suppressions.csv").read_bytes()
    leftovers = sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp"))
    assert leftovers == [], f"temporary files left behind: {leftovers}"


HOLDER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1])
print("holding", flush=True)
sys.stdin.readline()  # hold the database open until the test says so
con.close()
"""


def test_a_run_waits_for_an_orphaned_writer_of_the_working_database(world, tmp_path):
    """Deterministic stand-in for a dbt child orphaned by an OOM kill of its parent, busy in a long query:
    another process holds the working database open. The next run waits for it, then completes.

    No fixed wait: the holder keeps the database open until the run says it is waiting (on however slow a
    host), and only then lets go."""
    import shutil
    import sys

    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copyfile(world["reference"], warehouse)
    shutil.copyfile(world["reference"], tmp_path / "warehouse.duckdb.work")
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(tmp_path / "warehouse.duckdb.work")],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    run = None
    try:
        assert holder.stdout.readline().strip() == "holding"
        run = Run(["run", "--landing", str(world["landing"]), "--warehouse", str(warehouse)],
                  world["root"], world["env"])
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            line = run.next_line(timeout=1.0)
            assert line is not None, f"the run ended without waiting for the holder:\n{run.seen}"
            if line and "waiting for" in line:
                break
        else:
            pytest.fail(f"the run did not say it was waiting within 600 s:\n{run.seen}")
        assert holder.poll() is None  # the run is waiting while the holder still has the database open
        holder.stdin.close()  # let go
        assert holder.wait(timeout=60) == 0
        while run.next_line(timeout=600) is not None:
            pass
        assert run.proc.wait(timeout=600) == 0, run.seen[-40:]
    finally:
        holder.kill()
        holder.wait()
        if run is not None:
            run.reap()
    assert_same_warehouse(warehouse, world["reference"])
