"""Issue 6/7: a nightly run with nothing new costs a directory walk, not a rebuild."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from orchestration.publish.build_state import is_up_to_date
from tests.e2e.conftest import run_mmsreport

pytestmark = pytest.mark.slow  # runs the real command / dbt (the fast lane is -m 'not slow')


def _copy_warehouse(source, target_dir, readers_copy: bool = True):
    for suffix in ("", ".work"):
        shutil.copy2(source.with_name(source.name + suffix), target_dir / f"warehouse.duckdb{suffix}")
    if readers_copy:
        shutil.copy2(source.with_name(f"{source.stem}_bi.duckdb"), target_dir / "warehouse_bi.duckdb")
    return target_dir / "warehouse.duckdb"


def test_nothing_new_skips_the_build_and_leaves_the_published_file_alone(build, landing, tmp_path):
    warehouse = _copy_warehouse(build(), tmp_path)
    published_before = warehouse.stat().st_mtime_ns

    result = run_mmsreport("run", "--landing", str(landing), "--warehouse", str(warehouse), cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert "skipped: nothing new, the published warehouse is up to date" in result.stderr
    assert "Blocking asset check" not in result.stderr  # Dagster's notes go to the run log
    assert warehouse.stat().st_mtime_ns == published_before


def test_a_missing_readers_copy_is_rebuilt_even_with_nothing_new(build, landing, tmp_path):
    """Issue 16: a warehouse published before the readers' copy existed (or whose copy was deleted) gets one."""
    warehouse = _copy_warehouse(build(), tmp_path, readers_copy=False)

    result = run_mmsreport("run", "--landing", str(landing), "--warehouse", str(warehouse), cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert "skipped" not in result.stderr
    assert "readers' copy:" in result.stderr
    assert (tmp_path / "warehouse_bi.duckdb").exists()


def test_other_variables_rebuild_even_with_nothing_new(build, landing, tmp_path):
    warehouse = _copy_warehouse(build(), tmp_path)

    result = run_mmsreport("run", "--landing", str(landing), "--warehouse", str(warehouse),
                           "--var", "hard_bounce_threshold=2", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert "skipped" not in result.stderr
    assert "models built:" in result.stderr
    assert is_up_to_date(warehouse, warehouse.with_name("warehouse.duckdb.work"), {"hard_bounce_threshold": 2})
    assert not is_up_to_date(warehouse, warehouse.with_name("warehouse.duckdb.work"), {})


def test_pending_expiry_depends_on_the_hour_of_the_run_so_it_always_rebuilds(build, tmp_path):
    warehouse = _copy_warehouse(build(), tmp_path)
    working = warehouse.with_name("warehouse.duckdb.work")
    assert is_up_to_date(warehouse, working, {})
    assert not is_up_to_date(warehouse, working, {"pending_expiry_hours": 72})


def test_a_changed_variable_rebuilds_in_full_and_equals_a_build_with_it(build, landing, tmp_path):
    """Incremental state made under other rules is not reused: a build with pending expiry on, then a
    nightly with it off, equals a build with it off (the expired messages are pending again)."""
    expired = _copy_warehouse(build(pending_expiry_hours=1), tmp_path)

    result = run_mmsreport("run", "--landing", str(landing), "--warehouse", str(expired), cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert "full refresh" in result.stderr
    with duckdb.connect(str(expired), read_only=True) as con:
        con.execute(f"attach '{build()}' as expected (read_only)")
        for table in ("fct_messages", "fct_campaign_contacts", "fct_campaign_overview"):
            differing = con.execute(
                f"select count(*) from (select * from marts.{table} except all select * from expected.marts.{table})"
            ).fetchone()[0]
            assert differing == 0, table
