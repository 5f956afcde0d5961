"""The suppression export (docs/RULES.md, Suppression): content, owner-only file, atomic replacement, Dagster asset."""

from __future__ import annotations

import csv
import os
import stat
from pathlib import Path

import duckdb
import pytest

from orchestration.publish import suppressions as export_module
from orchestration.publish.suppressions import EXPORT_COLUMNS, export_suppressions, write_suppressions_export


def _make_warehouse(path: Path) -> Path:
    """A warehouse with just what the export reads: raw.contacts, the current version of each contact as
    staging.stg_raw__contacts picks it (hand-picked here), marts.contact_suppressions."""
    with duckdb.connect(str(path)) as con:
        con.execute("create schema raw; create schema staging; create schema marts")
        con.execute("create table raw.load_log (load_id bigint, is_current boolean, status varchar)")
        con.execute("insert into raw.load_log values (1, true, 'loaded'), (2, true, 'loaded'), "
                    "(3, false, 'loaded'), (4, true, 'failed')")
        con.execute("create table raw.contacts (contact_id varchar, account_id varchar, phone_number varchar, "
                    "updated_at timestamp, _load_id bigint, _source_file varchar, _row_number bigint)")
        con.execute("""insert into raw.contacts values
            ('k1', 'a1', '+447700900001', '2026-11-01 00:00:00', 1, 'contacts/a.csv', 1),
            ('k1', 'a1', '+447700900011', '2026-11-02 00:00:00', 2, 'contacts/b.csv', 1), -- newer version wins
            ('k1', 'a1', '+447700900099', '2026-11-09 00:00:00', 3, 'contacts/old.csv', 1), -- not current
            ('k2', 'a2', '+33612345678', null, 1, 'contacts/a.csv', 2),
            ('k3', 'a1', '+447700900003', null, 1, 'contacts/a.csv', 3),
            ('k5', 'a1', '+447700900005', null, 4, 'contacts/bad.csv', 1) -- failed load
        """)
        # k1: the newer version of load 2 wins (load 3 is superseded); k5's only file failed: not current.
        con.execute("create table staging.stg_raw__contacts (contact_id varchar, account_id varchar, "
                    "phone_number_masked varchar, _load_id bigint, _source_file varchar, _row_number bigint)")
        con.execute("""insert into staging.stg_raw__contacts values
            ('k1', 'a1', '+44******0011', 2, 'contacts/b.csv', 1),
            ('k2', 'a2', '+33******5678', 1, 'contacts/a.csv', 2),
            ('k3', 'a1', '+44******0003', 1, 'contacts/a.csv', 3)
        """)
        con.execute("""create table marts.contact_suppressions (contact_id varchar, account_id varchar,
            hard_bounce_count bigint, consecutive_hard_bounces bigint, threshold_reached_at timestamp,
            is_suppressed boolean, suppressed_at timestamp)""")
        con.execute("""insert into marts.contact_suppressions values
            ('k2', 'a2', 3, 3, '2026-11-03 10:00:00', true, '2026-11-03 10:00:00'),
            ('k1', 'a1', 4, 1, '2026-11-04 11:30:15', true, '2026-11-04 11:30:15'),
            ('k3', 'a1', 3, 0, '2026-11-04 12:00:00', false, null),
            ('k4', 'a1', 1, 1, null, false, null),
            ('k5', 'a1', 3, 3, '2026-11-05 09:00:00', true, '2026-11-05 09:00:00')
        """)
    return path


@pytest.fixture
def warehouse(tmp_path) -> Path:
    return _make_warehouse(tmp_path / "warehouse.duckdb")


def _read(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_export_writes_the_suppressed_contacts_with_their_current_number(warehouse, tmp_path):
    out = tmp_path / "out" / "suppressions.csv"
    result = write_suppressions_export(warehouse, out)
    assert _read(out) == [
        EXPORT_COLUMNS,
        ["k1", "a1", "+447700900011", "2026-11-04T11:30:15Z", "4"],
        ["k2", "a2", "+33612345678", "2026-11-03T10:00:00Z", "3"],
    ]
    # k5 is suppressed but its contact row is not loaded (its only file failed): no number to export.
    assert (result.rows, result.missing_numbers) == (2, 1)
    assert export_suppressions(warehouse, out) == 2


def test_export_is_owner_only_whatever_the_umask(warehouse, tmp_path):
    out = tmp_path / "suppressions.csv"
    out.write_text("old\n")
    out.chmod(0o644)
    previous = os.umask(0)
    try:
        export_suppressions(warehouse, out)
    finally:
        os.umask(previous)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert _read(out)[0] == EXPORT_COLUMNS


def test_a_failed_export_leaves_the_previous_file_and_no_temporary_file(warehouse, tmp_path, monkeypatch):
    out = tmp_path / "suppressions.csv"
    export_suppressions(warehouse, out)
    before = out.read_bytes()

    class BrokenWriter:
        def __init__(self, handle):
            self.handle = handle

        def writerow(self, row):
            self.handle.write("partial,")

        def writerows(self, rows):
            raise OSError("disk full")

    monkeypatch.setattr(export_module.csv, "writer", BrokenWriter)
    with pytest.raises(OSError, match="disk full"):
        export_suppressions(warehouse, out)
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["suppressions.csv", "warehouse.duckdb"]


def test_an_empty_list_still_writes_the_header(tmp_path):
    warehouse = _make_warehouse(tmp_path / "w.duckdb")
    with duckdb.connect(str(warehouse)) as con:
        con.execute("update marts.contact_suppressions set is_suppressed = false, suppressed_at = null")
    out = tmp_path / "suppressions.csv"
    assert export_suppressions(warehouse, out) == 0
    assert _read(out) == [EXPORT_COLUMNS]


def test_the_dagster_asset_writes_the_export_next_to_the_published_warehouse(warehouse, tmp_path):
    from dagster import materialize

    from orchestration.defs.export_assets import SUPPRESSIONS_EXPORT_KEY, suppressions_export, suppressions_export_path
    from orchestration.defs.resources import WarehouseResource

    assert suppressions_export_path(warehouse) == tmp_path / "warehouse.suppressions.csv"
    result = materialize(
        [suppressions_export],
        resources={"warehouse": WarehouseResource(landing_dir=str(tmp_path / "landing"),
                                                  warehouse_path=str(warehouse))},
    )
    assert result.success
    [event] = result.get_asset_materialization_events()
    materialization = event.materialization
    assert materialization.asset_key == SUPPRESSIONS_EXPORT_KEY
    assert materialization.metadata["rows"].value == 2
    assert materialization.metadata["path"].value == str(tmp_path / "warehouse.suppressions.csv")
    assert len(_read(tmp_path / "warehouse.suppressions.csv")) == 3
    assert stat.S_IMODE((tmp_path / "warehouse.suppressions.csv").stat().st_mode) == 0o600


def test_the_asset_runs_after_publishing():
    from orchestration.defs.export_assets import suppressions_export
    from orchestration.defs.publish_assets import PUBLISHED_KEY

    spec = next(iter(suppressions_export.specs))
    assert [dep.asset_key for dep in spec.deps] == [PUBLISHED_KEY]
    assert spec.group_name == "publish"
