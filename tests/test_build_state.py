"""When a build must be a full refresh: the published build was made by other models or variables."""

from __future__ import annotations

import duckdb

from orchestration.publish.build_state import BUILD_LOG_DDL, model_fingerprint, needs_full_refresh, record_build


def _published(tmp_path, dbt_vars: dict):
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create schema raw")
        con.execute("create table raw.load_log (load_id bigint)")
    record_build(path, dbt_vars)
    return path


def test_nothing_published_yet_is_a_full_build_anyway(tmp_path):
    assert not needs_full_refresh(tmp_path / "warehouse.duckdb", {})


def test_the_same_project_and_variables_build_incrementally(tmp_path):
    assert not needs_full_refresh(_published(tmp_path, {"hard_bounce_threshold": 2}), {"hard_bounce_threshold": 2})


def test_other_variables_rebuild_in_full(tmp_path):
    assert needs_full_refresh(_published(tmp_path, {}), {"pending_expiry_hours": 48})


def test_the_test_scope_and_the_pinned_clock_do_not_change_the_models(tmp_path):
    published = _published(tmp_path, {})
    assert not needs_full_refresh(published, {"test_scope": "all", "run_at": "2026-12-01T00:00:00"})
    assert model_fingerprint({"test_scope": "all"}) == model_fingerprint({})


def test_a_warehouse_published_by_an_older_version_rebuilds_in_full(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create schema raw")
        con.execute(BUILD_LOG_DDL.replace(",\n    model_fingerprint varchar", ""))
        con.execute("insert into raw.build_log values (1, 1, 'old', now())")
    assert needs_full_refresh(path, {})
