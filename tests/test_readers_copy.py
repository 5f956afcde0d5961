"""The readers' copy (issue 16) on a small hand-made warehouse: what it holds, comments, mode, atomicity, PII."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import duckdb
import pytest

from orchestration.publish.readers_copy import (
    PhoneNumberFoundError,
    default_readers_copy_path,
    publish_readers_copy,
    readers_copy_mode,
)


def _warehouse(path: Path, extra_sql: str = "") -> Path:
    """raw with a phone number, intermediate, a marts table and an audit view over intermediate (as dbt builds)."""
    with duckdb.connect(str(path)) as con:
        con.execute("""
            create schema raw; create schema staging; create schema intermediate; create schema marts;
            create schema audit;
            create table raw.contacts (contact_id varchar, phone_number varchar);
            insert into raw.contacts values ('c1', '+447700900123'), ('c2', '+447700900456');
            create table intermediate.int_things (thing_id varchar, amount decimal(18, 2));
            insert into intermediate.int_things values ('t1', 1.50), ('t2', 2.25);
            create table marts.fct_things (thing_id varchar, amount decimal(18, 2), masked varchar, n integer);
            insert into marts.fct_things values ('t1', 1.50, '+44*******0123', 1), ('t2', 2.25, null, 2);
            create table marts.dim_new (new_id varchar);
            insert into marts.dim_new values ('x');
            create view audit.big_things as select * from intermediate.int_things where amount > 2;
            create view staging.stg_things as select * from intermediate.int_things;
        """ + extra_sql)
    return path


def _manifest(path: Path) -> Path:
    node = {"resource_type": "model", "schema": "marts", "name": "fct_things", "alias": "fct_things",
            "description": "One row per thing. It's documented.",
            "columns": {"thing_id": {"description": "The thing."}, "amount": {"description": "Its amount."},
                        "masked": {"description": "A masked number."}, "n": {"description": ""}}}
    audit = {"resource_type": "model", "schema": "audit", "name": "big_things", "alias": "big_things",
             "description": "Things above 2.", "columns": {"amount": {"description": "Above 2."}}}
    path.write_text(json.dumps({"nodes": {"model.x.fct_things": node, "model.x.big_things": audit}}))
    return path


def _tables(path: Path) -> dict[str, str]:
    with duckdb.connect(str(path), read_only=True) as con:
        return dict(con.execute(
            "select schema_name || '.' || table_name, comment from duckdb_tables() "
            "where database_name = current_database()").fetchall())


def test_the_copy_holds_marts_and_audit_as_tables_with_comments(tmp_path):
    warehouse = _warehouse(tmp_path / "warehouse.duckdb")
    target = default_readers_copy_path(warehouse)
    assert target == tmp_path / "warehouse_bi.duckdb"

    result = publish_readers_copy(warehouse, target, _manifest(tmp_path / "manifest.json"))

    assert sorted(result.tables) == ["audit.big_things", "marts.dim_new", "marts.fct_things"]
    assert result.rows == 4
    tables = _tables(target)
    assert tables == {"marts.fct_things": "One row per thing. It's documented.", "marts.dim_new": None,
                      "audit.big_things": "Things above 2."}
    with duckdb.connect(str(target), read_only=True) as con:
        assert con.execute("select count(*) from duckdb_views() where not internal").fetchone()[0] == 0
        schemas = {r[0] for r in con.execute("select schema_name from duckdb_schemas() where not internal "
                                             "and database_name = current_database()").fetchall()}
        assert schemas == {"marts", "audit"}
        comments = dict(con.execute("select table_name || '.' || column_name, comment from duckdb_columns() "
                                    "where database_name = current_database()").fetchall())
        assert con.execute("select * from audit.big_things").fetchall() == [("t2", pytest.approx(2.25))]
        assert con.execute("select tags['storage_version'] from duckdb_databases() "
                           "where database_name = current_database()").fetchone()[0].startswith("v1.4.0")
        types = dict(con.execute("select column_name, data_type from duckdb_columns() "
                                 "where table_name = 'fct_things'").fetchall())
    assert comments == {"fct_things.thing_id": "The thing.", "fct_things.amount": "Its amount.",
                        "fct_things.masked": "A masked number.", "fct_things.n": None,
                        "dim_new.new_id": None, "big_things.thing_id": None, "big_things.amount": "Above 2."}
    assert types["amount"] == "DECIMAL(18,2)"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert result.comments == 6
    assert sorted(p.name for p in tmp_path.iterdir()) == ["manifest.json", "warehouse.duckdb", "warehouse_bi.duckdb"]


def test_environment_overrides_path_and_mode(tmp_path, monkeypatch):
    warehouse = _warehouse(tmp_path / "warehouse.duckdb")
    monkeypatch.setenv("MMSREPORT_BI_FILE", str(tmp_path / "bi" / "shared.duckdb"))
    monkeypatch.setenv("MMSREPORT_BI_FILE_MODE", "0644")
    target = default_readers_copy_path(warehouse)
    assert target == tmp_path / "bi" / "shared.duckdb"
    publish_readers_copy(warehouse, target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    monkeypatch.setenv("MMSREPORT_BI_FILE_MODE", "rw-r-----")
    with pytest.raises(ValueError, match="octal"):
        readers_copy_mode()


@pytest.mark.parametrize("value", ["+447700900123", "call +447700900456 now", "447700900123", "+33612345678"])
def test_a_phone_number_fails_the_publish_and_leaves_the_old_copy(tmp_path, value):
    warehouse = _warehouse(tmp_path / "warehouse.duckdb")
    target = tmp_path / "warehouse_bi.duckdb"
    publish_readers_copy(warehouse, target)
    before = target.read_bytes()
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create table audit.leak (note varchar, code integer)")
        con.execute("insert into audit.leak values ('fine', 1), (?, 2)", [value])

    with pytest.raises(PhoneNumberFoundError, match=r"audit\.leak\.note \(1 rows\)"):
        publish_readers_copy(warehouse, target)

    assert target.read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.endswith((".tmp", ".wal"))]


def test_hashes_masks_and_ids_are_not_phone_numbers(tmp_path):
    warehouse = _warehouse(tmp_path / "warehouse.duckdb", """
        create table marts.fct_ids (phone_number_hash varchar, error_code varchar, message_id varchar,
                                    tags varchar[]);
        insert into marts.fct_ids values (sha256('+447700900123'), '30003', 'msg_000123456789', ['a', 'b']);
    """)
    result = publish_readers_copy(warehouse, tmp_path / "bi.duckdb")
    assert "marts.fct_ids" in result.tables


def test_a_number_inside_a_list_column_is_found(tmp_path):
    warehouse = _warehouse(tmp_path / "warehouse.duckdb", """
        create table marts.fct_lists (values_seen varchar[]);
        insert into marts.fct_lists values (['x', '+447700900456']);
    """)
    with pytest.raises(PhoneNumberFoundError, match="fct_lists.values_seen"):
        publish_readers_copy(warehouse, tmp_path / "bi.duckdb")


def test_stale_temporary_copies_of_a_killed_publish_are_removed(tmp_path):
    warehouse = _warehouse(tmp_path / "warehouse.duckdb")
    stale = tmp_path / ".warehouse_bi.duckdb.123-abc.tmp"
    stale.write_bytes(b"half a file")
    stale_log = tmp_path / ".warehouse_bi.duckdb.123-abc.tmp.wal"
    stale_log.write_bytes(b"its log")
    publish_readers_copy(warehouse, tmp_path / "warehouse_bi.duckdb")
    assert not stale.exists() and not stale_log.exists()
    assert os.path.exists(tmp_path / "warehouse_bi.duckdb")


def test_reconnect_behaviour_documented_for_analysts(tmp_path):
    """README "When do readers see a new build?": within one process DuckDB reuses the open instance of a path."""
    warehouse = _warehouse(tmp_path / "warehouse.duckdb")
    target = tmp_path / "warehouse_bi.duckdb"
    publish_readers_copy(warehouse, target)
    count = "select count(*) from marts.dim_new"
    older = duckdb.connect(str(target), read_only=True)
    assert older.execute(count).fetchone() == (1,)
    with duckdb.connect(str(warehouse)) as con:
        con.execute("insert into marts.dim_new values ('y')")
    publish_readers_copy(warehouse, target)  # the next build's copy, renamed over the file

    newer = duckdb.connect(str(target), read_only=True)
    assert newer.execute(count).fetchone() == (1,)  # the old build: `older` keeps the instance open
    assert older.execute(count).fetchone() == (1,)
    newer.close()
    older.close()
    with duckdb.connect(str(target), read_only=True) as fresh:
        assert fresh.execute(count).fetchone() == (2,)


def test_the_storage_version_is_configurable(tmp_path, monkeypatch):
    warehouse = _warehouse(tmp_path / "warehouse.duckdb")
    monkeypatch.setenv("MMSREPORT_BI_STORAGE_VERSION", "v1.5.0")
    publish_readers_copy(warehouse, tmp_path / "bi.duckdb")
    with duckdb.connect(str(tmp_path / "bi.duckdb"), read_only=True) as con:
        assert con.execute("select tags['storage_version'] from duckdb_databases() "
                           "where database_name = current_database()").fetchone()[0].startswith("v1.5.0")
