"""The same dbt project on Apache Spark (dbt-spark, session method, `local[2]`) equals DuckDB.

Until Spark loads the landing files itself, raw comes from the DuckDB-loaded warehouse
(orchestration/spark/raw_copy.py); dbt then builds every other schema with `--target spark`, and
every `marts` and `audit` relation must hold DuckDB's rows (orchestration/spark/compare.py), after a
first run and after a nightly with late receipts and a file rewritten in place.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from orchestration.paths import REPO_ROOT
from orchestration.spark.compare import compare
from orchestration.spark.raw_copy import copy_raw
from tests.e2e.conftest import copy_days, run_mmsreport
from tests.e2e.test_incremental import _rewrite_csv

pytestmark = pytest.mark.slow  # runs the real command and dbt on Spark

SEED, MESSAGES, DAYS = 5, 1500, 3
MASTER = "local[2]"
DBT = str(Path(sys.executable).parent / "dbt")


def dbt_build_spark(warehouse: Path, work: Path, *args: str) -> float:
    """`dbt build --target spark` on the Spark warehouse folder; seconds taken."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MMSREPORT_", "DBT_"))}
    env.update({"MMSREPORT_WAREHOUSE": str(warehouse), "MMSREPORT_SPARK_MASTER": MASTER, "TZ": "America/New_York"})
    started = time.perf_counter()
    result = subprocess.run(
        [DBT, "build", "--target", "spark", "--project-dir", str(REPO_ROOT), "--profiles-dir", str(REPO_ROOT),
         "--target-path", str(work / "target"), "--log-path", str(work / "logs"), *args],
        cwd=work, env=env, capture_output=True, text=True, timeout=1500,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]
    return time.perf_counter() - started


def differences(duckdb_file: Path, warehouse: Path) -> dict[str, str]:
    diffs = compare(duckdb_file, warehouse, MASTER)
    assert {d.name.split(".")[0] for d in diffs} == {"marts", "audit"}
    assert sum(d.rows for d in diffs if d.name == "marts.fct_messages") > 0
    return {d.name: f"+{d.only_in_spark} spark, +{d.only_in_duckdb} duckdb" for d in diffs if not d.equal}


def rewrite_messages(path: Path) -> None:
    """A file rewritten in place: every 5th message moves to the last row's campaign and contact,
    every 9th disappears."""
    def change(rows: list[dict]) -> list[dict]:
        moved = {k: v for k, v in rows[-1].items() if k.lower() in ("campaign_id", "contact_id")}
        return [{**r, **moved} if i % 5 == 0 else r for i, r in enumerate(rows) if i % 9 != 4]

    _rewrite_csv(path, change)


@pytest.fixture(scope="module")
def nights(tmp_path_factory):
    """Two nights on both engines: (first-night differences, nightly differences, timings)."""
    root = tmp_path_factory.mktemp("spark")
    source = root / "generated"
    result = run_mmsreport("generate", "--out", str(source), "--seed", str(SEED), "--messages", str(MESSAGES),
                           "--days", str(DAYS), "--quiet", cwd=root)
    assert result.returncode == 0, result.stderr
    days = sorted(d.name for d in (source / "messages").iterdir())
    landing, duckdb_file, warehouse = root / "landing", root / "warehouse.duckdb", root / "spark"
    landing.mkdir()
    timings: dict[str, float] = {}

    def night(name: str, *dbt_args: str) -> dict[str, str]:
        started = time.perf_counter()
        result = run_mmsreport("run", "--landing", str(landing), "--warehouse", str(duckdb_file), cwd=root)
        assert result.returncode == 0, result.stdout + result.stderr
        timings[f"{name} duckdb run"] = time.perf_counter() - started
        started = time.perf_counter()
        copy_raw(duckdb_file, warehouse, MASTER)
        timings[f"{name} raw copy"] = time.perf_counter() - started
        timings[f"{name} spark dbt build"] = dbt_build_spark(warehouse, root, *dbt_args)
        started = time.perf_counter()
        found = differences(duckdb_file, warehouse)
        timings[f"{name} compare"] = time.perf_counter() - started
        return found

    # Night 1: the first two days, the second day's receipts held back. Unit tests run here too.
    copy_days(source, landing, days[:2])
    late = landing / "receipts" / days[1]
    held = root / "held_receipts"
    late.rename(held)
    first = night("first")

    # Night 2: the third day, the late receipts, and the first day's messages file rewritten.
    copy_days(source, landing, days[2:])
    held.rename(late)
    [messages_file] = (landing / "messages" / days[0]).glob("*.csv")
    rewrite_messages(messages_file)
    nightly = night("nightly", "--exclude-resource-type", "unit_test")
    print("\n" + "; ".join(f"{k}: {v:.1f} s" for k, v in timings.items()))
    return first, nightly, warehouse


def test_first_run_equals_duckdb(nights):
    first, _, _ = nights
    assert first == {}


def test_nightly_equals_duckdb(nights):
    _, nightly, _ = nights
    assert nightly == {}


def test_tables_are_parquet_under_schema_folders(nights):
    *_, warehouse = nights
    tables = [("raw", "messages"), ("staging", "delivery_status_map"), ("intermediate", "int_messages_classified"),
              ("marts", "fct_messages"), ("marts", "fct_campaign_overview")]
    for schema, table in tables:
        folder = warehouse / f"{schema}.db" / table
        assert any(folder.glob("*.parquet")), folder
    assert (warehouse / "metastore_db").is_dir()
