"""DDL of the `raw` schema: the loader's tables and the file manifest.

Column lists here are the contract read by dbt sources
(dbt_project/models/staging/raw/_raw__sources.yml).
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from orchestration.ingestion.entities import SPECS, SQL_TYPES
from orchestration.ingestion.phones import destination

# Bookkeeping columns carried by every entity table.
META_COLUMNS: dict[str, str] = {
    "_load_id": "BIGINT NOT NULL",
    "_source_file": "VARCHAR NOT NULL",
    "_row_number": "BIGINT NOT NULL",
    "_extra": "VARCHAR",
    "_loaded_at": "TIMESTAMP NOT NULL",
}

# Typed columns of each entity, in the order of docs/RULES.md, Input files.
ENTITY_COLUMNS: dict[str, dict[str, str]] = {
    name: {column.name: SQL_TYPES[column.kind] for column in spec.columns}
    for name, spec in SPECS.items()
}

ENTITIES: tuple[str, ...] = tuple(ENTITY_COLUMNS)

LOAD_LOG_DDL = """
create table if not exists raw.load_log (
    load_id bigint primary key,
    entity varchar not null,
    path varchar not null,
    content_hash varchar not null,
    size_bytes bigint,
    mtime_ns bigint,
    rows_loaded bigint,
    rows_rejected bigint,
    status varchar not null,
    error varchar,
    is_current boolean not null,
    loaded_at timestamp not null,
    superseded_by_load_id bigint
)
"""

# Warehouses created before superseded_by_load_id existed get the column.
LOAD_LOG_MIGRATION = "alter table raw.load_log add column if not exists superseded_by_load_id bigint"


REJECTED_ROWS_DDL = """
create table if not exists raw.rejected_rows (
    load_id bigint not null,
    entity varchar not null,
    source_file varchar not null,
    row_number bigint,
    reason varchar not null,
    original_row varchar,
    rejected_at timestamp not null
)
"""


def entity_table_ddl(entity: str) -> str:
    columns = {**ENTITY_COLUMNS[entity], **META_COLUMNS}
    body = ",\n    ".join(f"{name} {sql_type}" for name, sql_type in columns.items())
    return f"create table if not exists raw.{entity} (\n    {body}\n)"


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw schema and all its tables if they do not exist yet."""
    con.execute("create schema if not exists raw")
    con.execute(LOAD_LOG_DDL)
    con.execute(LOAD_LOG_MIGRATION)
    con.execute(REJECTED_ROWS_DDL)
    added: set[tuple[str, str]] = set()
    for entity in ENTITIES:
        con.execute(entity_table_ddl(entity))
        # Warehouses created by an older version get the columns added since.
        existing = {row[0] for row in con.execute(
            "select column_name from duckdb_columns() where schema_name = 'raw' and table_name = ?",
            [entity]).fetchall()}
        for name, sql_type in ENTITY_COLUMNS[entity].items():
            if name not in existing:
                con.execute(f"alter table raw.{entity} add column {name} {sql_type}")
                added.add((entity, name))
    if ("contacts", "country_code") in added:
        backfill_phone_destinations(con)


def backfill_phone_destinations(con: duckdb.DuckDBPyConnection) -> None:
    """Fill country and carrier of contacts loaded before those columns existed (once, when they are added)."""
    numbers = [row[0] for row in con.execute(
        "select distinct phone_number from raw.contacts where country_code is null and carrier is null"
    ).fetchall()]
    if not numbers:
        return
    facts = [destination(number) for number in numbers]
    found = pa.table({  # noqa: F841 - read by DuckDB's replacement scan
        "phone_number": pa.array(numbers, pa.string()),
        "country_code": pa.array([country for country, _ in facts], pa.string()),
        "carrier": pa.array([carrier for _, carrier in facts], pa.string()),
    })
    con.execute(
        "update raw.contacts set country_code = found.country_code, carrier = found.carrier from found "
        "where raw.contacts.phone_number = found.phone_number "
        "and raw.contacts.country_code is null and raw.contacts.carrier is null"
    )
