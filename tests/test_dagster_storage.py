"""Our Dagster instance: its dagster.yaml, and the pooled SQLite event log (orchestration/dagster_storage.py)."""

from __future__ import annotations

import sqlite3

import pytest
from dagster import AssetKey, DagsterInstance, asset, materialize

from orchestration.dagster_storage import KEPT_ENGINES, PooledSqliteEventLogStorage
from orchestration.paths import OLD_INSTANCE_CONFIG, dagster_home


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster"))
    return tmp_path / "dagster"


@asset
def numbers():
    return [1, 2, 3]


def test_a_new_home_gets_telemetry_off_and_the_pooled_event_log(home):
    dagster_home()
    config = (home / "dagster.yaml").read_text()
    assert config.startswith(OLD_INSTANCE_CONFIG) and "PooledSqliteEventLogStorage" in config
    with DagsterInstance.get() as instance:
        assert isinstance(instance.event_log_storage, PooledSqliteEventLogStorage)
        assert not instance.telemetry_enabled


def test_the_config_older_versions_wrote_is_replaced_and_a_users_config_is_kept(home):
    home.mkdir()
    (home / "dagster.yaml").write_text(OLD_INSTANCE_CONFIG)
    dagster_home()
    assert "PooledSqliteEventLogStorage" in (home / "dagster.yaml").read_text()
    users = "# mine\ntelemetry:\n  enabled: false\n"
    (home / "dagster.yaml").write_text(users)
    dagster_home()
    assert (home / "dagster.yaml").read_text() == users


def test_runs_are_stored_where_dagster_keeps_them_and_read_back_by_a_new_instance(home):
    dagster_home()
    with DagsterInstance.get() as instance:
        results = [materialize([numbers], instance=instance) for _ in range(KEPT_ENGINES + 2)]
        assert all(r.success for r in results)
        assert len(instance.event_log_storage._engines) <= KEPT_ENGINES  # older runs' engines let go
    # A second process (`mmsreport ui`) sees every run, its events and the asset's materializations.
    with DagsterInstance.get() as instance:
        assert {r.run_id for r in instance.get_runs()} == {r.run_id for r in results}
        assert all(instance.all_logs(r.run_id) for r in results)
        records = instance.fetch_materializations(AssetKey("numbers"), limit=100).records
        assert len(records) == len(results)
    # The same files as Dagster's default storage: one SQLite database per run, and the index.
    runs = home / "history" / "runs"
    assert {p.stem for p in runs.glob("*.db")} == {r.run_id for r in results} | {"index"}
    with sqlite3.connect(runs / "index.db") as con:
        assert con.execute("select count(*) from event_logs where asset_key is not null").fetchone()[0] > 0


def test_wiping_the_instance_lets_go_of_the_run_databases(home):
    dagster_home()
    with DagsterInstance.get() as instance:
        assert materialize([numbers], instance=instance).success
        instance.wipe()
        assert not instance.get_runs()
        assert materialize([numbers], instance=instance).success
        assert len(instance.get_runs()) == 1
