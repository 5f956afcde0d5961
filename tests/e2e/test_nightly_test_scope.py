"""Nightly data tests test the rows the run touched; full refreshes test every row.

macros/test_scope.sql narrows the generic data tests of the large relations
to the run's touched keys on a nightly run (DECISIONS.md, "Nightly test
scope"). These tests read the SQL dbt ran (run_results.json of the run) and
check that a bad row in a touched message still fails the nightly, and keeps
failing it until it is gone.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import pytest

from tests.e2e.conftest import copy_days, copy_first_days, run_mmsreport

pytestmark = pytest.mark.slow  # runs the real command / dbt (the fast lane is -m 'not slow')

SCOPED = {  # test name prefix -> text only the scoped SQL contains
    "unique_fct_messages_message_id": "int_messages_touched",
    "unique_int_receipts_mapped_receipt_key": "int_receipt_provider_message_ids_touched",
    "unique_combination_of_columns_fct_campaign_contacts_campaign_id__contact_id": "int_campaign_contacts_touched",
    "unique_stg_raw__messages_message_id": "int_runs_completed",
    "not_null_stg_raw__receipts_status": "int_runs_completed",
}
UNSCOPED = ("relationships_fct_messages_contact_id", "unique_dim_contacts_contact_id")
BAD_LOAD = "messages/injected.csv"


def _run(root: Path, partial: Path, warehouse: Path, *extra: str):
    """`mmsreport run`, and the SQL of every data test it ran (from its dbt run_results.json)."""
    result = run_mmsreport("run", "--landing", str(partial), "--warehouse", str(warehouse), *extra, cwd=root)
    # The summary names this run's own results (other runs may share the dbt target folder meanwhile).
    [results_file] = re.findall(r"^  dbt results: +(.+)$", result.stderr, flags=re.M) or [None]
    assert results_file, (result.stdout, result.stderr)
    results = json.loads(Path(results_file).read_text())["results"]
    sql = {r["unique_id"].split(".")[2]: r.get("compiled_code") or "" for r in results
           if r["unique_id"].startswith("test.")}
    statuses = {r["unique_id"].split(".")[2]: r["status"] for r in results}
    return result, sql, statuses


def _sql_of(sql: dict[str, str], prefix: str) -> str:
    [name] = [n for n in sql if n.startswith(prefix)]
    return sql[name]


@pytest.fixture(scope="module")
def history(landing, first_days, tmp_path_factory):
    """Three days built; the other days added to the landing folder for the nightly run."""
    root = tmp_path_factory.mktemp("test_scope")
    partial, warehouse = copy_first_days(first_days, root)
    copy_days(landing, partial, sorted({d.name for e in landing.iterdir() for d in e.iterdir()}))
    return root, partial, warehouse


def _inject_message_without_sent_at(working: Path) -> None:
    """A bad raw row that slipped past the loader: a new message with no sent_at (tested not_null)."""
    with duckdb.connect(str(working)) as con:
        load_id = con.execute("select max(load_id) + 1 from raw.load_log").fetchone()[0]
        con.execute("insert into raw.load_log (load_id, entity, path, content_hash, size_bytes, mtime_ns, "
                    "rows_loaded, rows_rejected, status, error, is_current, loaded_at) values "
                    "(?, 'messages', ?, 'x', 0, 0, 1, 0, 'loaded', null, true, now())", [load_id, BAD_LOAD])
        con.execute("insert into raw.messages (message_id, campaign_id, contact_id, sent_at, _load_id, "
                    "_source_file, _row_number, _loaded_at) "
                    "select 'msg_injected', campaign_id, contact_id, null, ?, ?, 1, now() "
                    "from raw.messages limit 1", [load_id, BAD_LOAD])


def _remove_injected(working: Path) -> None:
    with duckdb.connect(str(working)) as con:
        con.execute("delete from raw.messages where _source_file = ?", [BAD_LOAD])
        con.execute("delete from raw.load_log where path = ?", [BAD_LOAD])


def test_nightly_tests_are_scoped_to_the_touched_rows_and_full_refresh_tests_all(history):
    root, partial, warehouse = history
    result, sql, statuses = _run(root, partial, warehouse)
    assert result.returncode == 0, result.stdout + result.stderr
    for prefix, marker in SCOPED.items():
        assert marker in _sql_of(sql, prefix), prefix
    for prefix in UNSCOPED:
        assert "_touched" not in _sql_of(sql, prefix), prefix
        assert "int_runs_completed" not in _sql_of(sql, prefix), prefix
    assert set(statuses.values()) <= {"success", "pass", "warn", "no-op"}  # no-op: the saved queries

    # A bad row in a touched message fails the nightly; the watermark does not
    # move, so the next nightly tests that message again and fails again.
    working = warehouse.with_name(warehouse.name + ".work")
    _inject_message_without_sent_at(working)
    try:
        for _ in range(2):
            result, sql, statuses = _run(root, partial, warehouse)
            assert result.returncode == 1, result.stdout + result.stderr
            assert "not_null_stg_raw__messages_sent_at" in result.stderr
            assert statuses[next(n for n in statuses if n.startswith("not_null_stg_raw__messages_sent_at"))] == "fail"
            assert "int_runs_completed" in _sql_of(sql, "not_null_stg_raw__messages_sent_at")
    finally:
        _remove_injected(working)

    # test_scope=all: every row, on a nightly run.
    result, sql, _ = _run(root, partial, warehouse, "--var", "test_scope=all")
    assert result.returncode == 0, result.stdout + result.stderr
    for prefix, marker in SCOPED.items():
        assert marker not in _sql_of(sql, prefix), prefix

    # A full refresh tests every row.
    result, sql, _ = _run(root, partial, warehouse, "--full-refresh")
    assert result.returncode == 0, result.stdout + result.stderr
    for prefix, marker in SCOPED.items():
        assert marker not in _sql_of(sql, prefix), prefix
