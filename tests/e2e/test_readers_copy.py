"""Issue 16: the readers' copy a real `mmsreport run` publishes for BI tools, opened by real clients.

- the file, its mode, its schemas, its comments, equality with the warehouse's marts and audit;
- no phone number of the landing contacts, orders or unsubscribes in any text column;
- a DuckDB 1.4 client (its own venv, created under a cache folder) opens it and reads the same marts;
- SQLAlchemy 2.0 + duckdb-engine reflect the marts and run an aggregate.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import textwrap
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tests.e2e.conftest import query

pytestmark = pytest.mark.slow

OLD_CLIENT_VERSION = "1.4.0"  # the oldest release the copy promises to open (storage version v1.4.0)


@pytest.fixture(scope="module")
def built(build) -> tuple[Path, Path]:
    warehouse = build()
    return warehouse, warehouse.with_name(f"{warehouse.stem}_bi.duckdb")


def _relations(path: Path) -> dict[str, str]:
    rows = query(path, "select table_schema || '.' || table_name as name, table_type from information_schema.tables "
                       "where table_catalog = current_database()")
    return {r["name"]: r["table_type"] for r in rows}


def test_the_copy_is_published_with_its_mode_and_only_marts_and_audit(built):
    warehouse, copy = built
    assert copy.exists()
    assert stat.S_IMODE(copy.stat().st_mode) == 0o640
    assert stat.S_IMODE(warehouse.stat().st_mode) == 0o600
    in_copy, in_warehouse = _relations(copy), _relations(warehouse)
    expected = {name for name in in_warehouse if name.split(".")[0] in ("marts", "audit")}
    assert set(in_copy) == expected
    assert set(in_copy.values()) == {"BASE TABLE"}  # audit views materialized: nothing points at absent schemas
    assert {"marts.fct_campaign_overview", "marts.fct_messages", "audit.orphan_receipts"} <= set(in_copy)
    tags = query(copy, "select tags['storage_version'] as v from duckdb_databases() "
                       "where database_name = current_database()")
    assert tags[0]["v"].startswith("v1.4.0")


def test_every_table_and_column_carries_its_dbt_description(built):
    _, copy = built
    manifest = json.loads((Path(__file__).resolve().parents[2] / "target" / "manifest.json").read_text())
    docs = {(n["schema"], n["name"]): n for n in manifest["nodes"].values() if n["resource_type"] == "model"}
    tables = query(copy, "select schema_name, table_name, comment from duckdb_tables() "
                         "where database_name = current_database()")
    for table in tables:
        node = docs[(table["schema_name"], table["table_name"])]
        assert table["comment"] == node["description"].strip(), table
    columns = query(copy, "select schema_name, table_name, column_name, comment from duckdb_columns() "
                          "where database_name = current_database()")
    missing = [c for c in columns if not c["comment"]]
    assert not missing, missing
    overview = {c["column_name"]: c["comment"] for c in columns if c["table_name"] == "fct_campaign_overview"}
    assert overview["messages_sent"] == docs[("marts", "fct_campaign_overview")]["columns"]["messages_sent"][
        "description"].strip()


def test_the_copy_equals_the_warehouse_marts_and_audit(built):
    warehouse, copy = built
    with duckdb.connect(str(warehouse), read_only=True) as con:
        con.execute("set TimeZone = 'UTC'")
        con.execute(f"attach '{copy}' as bi (read_only)")
        names = [r[0] for r in con.execute(
            "select table_schema || '.' || table_name from information_schema.tables "
            "where table_catalog = 'bi' order by 1").fetchall()]
        for name in names:
            for left, right in ((name, f"bi.{name}"), (f"bi.{name}", name)):
                extra = con.execute(f"select count(*) from (select * from {left} except all "
                                    f"select * from {right})").fetchone()[0]
                assert extra == 0, (left, right)
            assert con.execute(f"select count(*) from bi.{name}").fetchone() == \
                con.execute(f"select count(*) from {name}").fetchone()


def test_no_phone_number_of_the_landing_data_is_in_any_text_column(built, reference_landing):
    """Every E.164 number of the landing contacts, orders and unsubscribes (normalised by the reference
    reader, not by the product), searched as a substring of every text column of every table."""
    _, copy = built
    numbers = sorted({row["phone_number"] for entity in ("contacts", "orders", "unsubscribes")
                      for row in reference_landing.rows[entity] if row.get("phone_number")})
    assert len(numbers) > 100
    with duckdb.connect(str(copy), read_only=True) as con:
        con.execute("create temp table numbers as select unnest(?) as n", [numbers])
        columns = con.execute("select schema_name, table_name, column_name from duckdb_columns() "
                              "where database_name = current_database() and data_type = 'VARCHAR'").fetchall()
        assert len(columns) > 30
        hits = []
        for schema, table, column in columns:
            found = con.execute(
                f'select count(*) from "{schema}"."{table}" t join numbers '
                f'on contains(t."{column}", n) or contains(t."{column}", ltrim(n, \'+\'))').fetchone()[0]
            if found:
                hits.append((schema, table, column, found))
    assert not hits


MARTS_QUERY = ("select campaign_id, messages_sent, messages_delivered, unique_clicks, direct_revenue, currency "
               "from marts.fct_campaign_overview order by campaign_id")


@pytest.fixture(scope="session")
def old_duckdb_python() -> Path:
    """A venv with a DuckDB 1.4 client, made once under the user's cache folder (pip from PyPI)."""
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "mmsreport-tests"
    venv = cache / f"duckdb-{OLD_CLIENT_VERSION}"
    python = venv / "bin" / "python"
    probe = [str(python), "-c", "import duckdb; print(duckdb.__version__)"]
    ok = python.exists() and subprocess.run(probe, capture_output=True, text=True).stdout.strip() == \
        OLD_CLIENT_VERSION
    if not ok:
        cache.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", f"duckdb=={OLD_CLIENT_VERSION}"],
                       check=True, timeout=600)
    assert subprocess.run(probe, capture_output=True, text=True).stdout.strip() == OLD_CLIENT_VERSION
    return python


def test_a_duckdb_1_4_client_opens_the_copy_and_reads_the_same_marts(built, old_duckdb_python):
    warehouse, copy = built
    script = textwrap.dedent("""
        import json, sys, duckdb
        con = duckdb.connect(sys.argv[1], read_only=True)
        con.execute("set TimeZone = 'UTC'")
        rows = con.execute(sys.argv[2]).fetchall()
        print(json.dumps([duckdb.__version__, [[str(v) for v in row] for row in rows]]))
    """)
    result = subprocess.run([str(old_duckdb_python), "-c", script, str(copy), MARTS_QUERY],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    version, rows = json.loads(result.stdout)
    assert version == OLD_CLIENT_VERSION
    expected = [[str(v) for v in row.values()] for row in query(warehouse, MARTS_QUERY)]
    assert rows == expected
    assert len(rows) > 5

    # The warehouse file itself is written by DuckDB 2: a 1.4 client cannot open it (why the copy exists).
    refused = subprocess.run([str(old_duckdb_python), "-c", script, str(warehouse), "select 1"],
                             capture_output=True, text=True, timeout=120)
    assert refused.returncode != 0


def test_sqlalchemy_and_duckdb_engine_reflect_the_marts_and_aggregate(built):
    import sqlalchemy as sa

    assert sa.__version__.startswith("2.0.")
    warehouse, copy = built
    # read_only as Superset's URI spells it; the aggregate has no timestamp, so the session zone does not matter.
    engine = sa.create_engine(f"duckdb:///{copy}?access_mode=read_only")
    try:
        inspector = sa.inspect(engine)
        assert "fct_campaign_overview" in inspector.get_table_names(schema="marts")
        columns = {c["name"]: c for c in inspector.get_columns("fct_campaign_overview", schema="marts")}
        assert {"campaign_id", "messages_sent", "direct_revenue", "currency"} <= set(columns)
        assert columns["campaign_id"]["comment"]

        # A table built from the reflected columns: Table(autoload_with=...) also reflects the primary key,
        # whose pg_catalog query (a REGCLASS cast) the DuckDB 2.0 Python client does not support.
        overview = sa.Table("fct_campaign_overview", sa.MetaData(),
                            *(sa.Column(c["name"], c["type"]) for c in columns.values()), schema="marts")
        statement = (sa.select(overview.c.currency, sa.func.sum(overview.c.messages_sent),
                               sa.func.sum(overview.c.direct_revenue))
                     .group_by(overview.c.currency).order_by(overview.c.currency))
        with engine.connect() as con:
            got = [tuple(row) for row in con.execute(statement)]
    finally:
        engine.dispose()
    expected = [(r["currency"], r["sent"], r["revenue"]) for r in query(
        warehouse, "select currency, sum(messages_sent) as sent, sum(direct_revenue) as revenue "
                   "from marts.fct_campaign_overview group by currency order by currency")]
    assert got == expected
    assert all(isinstance(revenue, Decimal) for _, _, revenue in got)
