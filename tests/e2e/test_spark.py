"""`mmsreport run --engine spark` (Spark `local[2]`) equals `mmsreport run` on DuckDB.

Both engines load the same landing folder themselves (on Spark, the executors read the files) and
build with the same dbt project; every `marts` and `audit` relation must hold DuckDB's rows
(orchestration/spark/compare.py), after a first run and after a nightly with late receipts and a
file rewritten in place. raw.load_log and raw.rejected_rows have the same columns and rows.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from orchestration.paths import REPO_ROOT
from orchestration.spark.compare import compare
from orchestration.spark.session import spark_session
from tests.e2e.conftest import copy_days, run_mmsreport
from tests.e2e.test_incremental import _rewrite_csv

pytestmark = pytest.mark.slow  # runs the real command and dbt on Spark

SEED, MESSAGES, DAYS = 5, 1500, 3
MASTER = "local[2]"
DBT = str(Path(sys.executable).parent / "dbt")


def run_spark(landing: Path, warehouse: Path, cwd: Path) -> None:
    """The real command on the Spark engine, from a machine time zone that is not UTC."""
    result = run_mmsreport("run", "--engine", "spark", "--spark-master", MASTER, "--landing", str(landing),
                           "--warehouse", str(warehouse), cwd=cwd, env_extra={"TZ": "America/New_York"})
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-6000:]


def raw_bookkeeping_differences(duckdb_file: Path, spark) -> dict[str, int]:
    """Rows of raw.load_log (but load ids and times) and raw.rejected_rows (but load ids) in one engine only."""
    con = duckdb.connect(str(duckdb_file), read_only=True)
    log = con.execute("select entity, path, content_hash, size_bytes, rows_loaded, rows_rejected, status, "
                      "error, is_current, superseded_by_load_id is null as latest from raw.load_log").fetchall()
    rejected = con.execute("select entity, source_file, row_number, reason, original_row "
                           "from raw.rejected_rows").fetchall()
    columns = {t: [r[0] for r in con.execute(
        "select column_name from duckdb_columns() where schema_name = 'raw' and table_name = ? "
        "order by column_index", [t]).fetchall()] for t in ("load_log", "rejected_rows")}
    con.close()
    spark_columns = {t: spark.table(f"raw.{t}").columns for t in columns}
    spark_log = [tuple(r) for r in spark.sql(
        "select entity, path, content_hash, size_bytes, rows_loaded, rows_rejected, status, error, "
        "is_current, superseded_by_load_id is null from raw.load_log").collect()]
    spark_rejected = [tuple(r) for r in spark.sql(
        "select entity, source_file, row_number, reason, original_row from raw.rejected_rows").collect()]
    assert spark_columns == columns
    return {"load_log": len(set(log) ^ set(spark_log)) + abs(len(log) - len(spark_log)),
            "rejected_rows": len(set(rejected) ^ set(spark_rejected)) + abs(len(rejected) - len(spark_rejected))}


def differences(duckdb_file: Path, warehouse: Path, spark) -> dict[str, str]:
    diffs = compare(duckdb_file, warehouse, spark=spark)
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

    bookkeeping: dict[str, dict[str, int]] = {}

    def night(name: str) -> dict[str, str]:
        started = time.perf_counter()
        result = run_mmsreport("run", "--landing", str(landing), "--warehouse", str(duckdb_file), cwd=root)
        assert result.returncode == 0, result.stdout + result.stderr
        timings[f"{name} duckdb run"] = time.perf_counter() - started
        started = time.perf_counter()
        run_spark(landing, warehouse, root)
        timings[f"{name} spark run"] = time.perf_counter() - started
        started = time.perf_counter()
        with spark_session(warehouse, MASTER) as spark:  # one JVM for both comparisons
            found = differences(duckdb_file, warehouse, spark)
            bookkeeping[name] = raw_bookkeeping_differences(duckdb_file, spark)
        timings[f"{name} compare"] = time.perf_counter() - started
        return found

    # Night 1: the first two days, the second day's receipts held back.
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
    nightly = night("nightly")
    print("\n" + "; ".join(f"{k}: {v:.1f} s" for k, v in timings.items()))
    return first, nightly, warehouse, bookkeeping


def test_first_run_equals_duckdb(nights):
    first, *_ = nights
    assert first == {}


def test_nightly_equals_duckdb(nights):
    _, nightly, *_ = nights
    assert nightly == {}


def test_tables_are_parquet_under_schema_folders(nights):
    _, _, warehouse, _ = nights
    tables = [("raw", "messages"), ("staging", "delivery_status_map"), ("intermediate", "int_messages_classified"),
              ("marts", "fct_messages"), ("marts", "fct_campaign_overview")]
    for schema, table in tables:
        folder = warehouse / f"{schema}.db" / table
        assert any(folder.glob("*.parquet")), folder
    assert (warehouse / "metastore_db").is_dir()


def test_load_log_and_rejected_rows_equal_duckdb(nights):
    *_, bookkeeping = nights
    assert bookkeeping == {name: {"load_log": 0, "rejected_rows": 0} for name in ("first", "nightly")}


def test_dbt_unit_tests_pass_on_spark(nights, tmp_path):
    """Every dbt unit test (hand-made cases of the rules) also passes on Spark."""
    _, _, warehouse, _ = nights
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MMSREPORT_", "DBT_"))}
    env.update({"MMSREPORT_WAREHOUSE": str(warehouse), "MMSREPORT_SPARK_MASTER": MASTER})
    result = subprocess.run(
        [DBT, "test", "--resource-type", "unit_test", "--target", "spark", "--project-dir", str(REPO_ROOT),
         "--profiles-dir", str(REPO_ROOT), "--target-path", str(tmp_path / "target"),
         "--log-path", str(tmp_path / "logs")],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=1500,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]
    assert "ERROR=0" in result.stdout and "PASS=0 " not in result.stdout, result.stdout[-3000:]
