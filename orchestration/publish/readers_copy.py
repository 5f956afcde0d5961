"""The readers' copy: a PII-free, documented, old-client-readable copy of the marts for BI tools.

After every successful DuckDB build, `<warehouse stem>_bi.duckdb` (or `MMSREPORT_BI_FILE`) is written
next to the published warehouse:

- only the `marts` and `audit` schemas, every relation materialized as a table (audit models are views
  in the warehouse; a view would point at schemas the copy does not have), never `raw`;
- every table and column carries the description of the dbt yml files as a DuckDB comment
  (`COMMENT ON TABLE/COLUMN`, read from dbt's manifest.json), so BI tools show our documentation;
- written with an older storage format (`STORAGE_VERSION`, default v1.4.0, `MMSREPORT_BI_STORAGE_VERSION`)
  that DuckDB clients from 1.4 on (and the BI drivers bundling them) can open;
- checked to hold no phone number: every text column is searched for E.164-looking values and for any
  number of the warehouse's raw contacts, orders and unsubscribes; a hit fails the publish;
- built in a temporary file next to the target, then chmod-ed (`MMSREPORT_BI_FILE_MODE`, default 0640)
  and renamed over the previous copy: readers never see a partial copy, a failure leaves the old one.

The tables are picked up from the warehouse at publish time, so a new mart needs no change here.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from orchestration.publish.atomic import replacing

SCHEMAS = ("marts", "audit")
DEFAULT_MODE = 0o640
DEFAULT_STORAGE_VERSION = "v1.4.0"
# An E.164 number (a '+', then 7 to 15 digits) not inside a longer run of digits or a word.
E164_PATTERN = r"(^|[^0-9A-Za-z])\+[1-9][0-9]{6,14}([^0-9]|$)"
# Raw tables holding phone numbers, and their number column: the values the copy must never contain.
RAW_PHONE_COLUMNS = (("contacts", "phone_number"), ("orders", "phone_number"), ("unsubscribes", "phone_number"))
# Column types that cannot hold a phone number; every other column is searched as text.
_NON_TEXT_TYPES = ("BOOLEAN", "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
                   "UINTEGER", "UBIGINT", "UHUGEINT", "FLOAT", "DOUBLE", "DATE", "TIME", "TIMESTAMP",
                   "TIMESTAMP WITH TIME ZONE", "INTERVAL", "UUID")


class PhoneNumberFoundError(RuntimeError):
    """The readers' copy would contain a phone number: it is not published."""


@dataclass
class ReadersCopyResult:
    path: Path
    tables: list[str] = field(default_factory=list)
    rows: int = 0
    comments: int = 0
    size_bytes: int = 0
    seconds: float = 0.0


def default_readers_copy_path(published: Path) -> Path:
    """MMSREPORT_BI_FILE when set, else `<warehouse stem>_bi.duckdb` next to the warehouse."""
    if os.environ.get("MMSREPORT_BI_FILE"):
        return Path(os.environ["MMSREPORT_BI_FILE"]).expanduser().resolve()
    return published.with_name(f"{published.stem}_bi.duckdb")


def readers_copy_mode() -> int:
    """MMSREPORT_BI_FILE_MODE as octal digits (`0640`, `640`, `0o640`), default 0640."""
    raw = os.environ.get("MMSREPORT_BI_FILE_MODE", "").strip()
    if not raw:
        return DEFAULT_MODE
    try:
        mode = int(raw.removeprefix("0o"), 8)
    except ValueError:
        raise ValueError(f"MMSREPORT_BI_FILE_MODE must be an octal file mode such as 0640, got {raw!r}") from None
    if not 0 <= mode <= 0o777:
        raise ValueError(f"MMSREPORT_BI_FILE_MODE must be an octal file mode such as 0640, got {raw!r}")
    return mode


def storage_version() -> str:
    return os.environ.get("MMSREPORT_BI_STORAGE_VERSION", "").strip() or DEFAULT_STORAGE_VERSION


def dbt_descriptions(manifest: Path | None) -> dict[tuple[str, str], dict]:
    """(schema, table) -> {"description": ..., "columns": {column: description}} from dbt's manifest."""
    if manifest is None or not manifest.exists():
        return {}
    nodes = json.loads(manifest.read_text()).get("nodes", {})
    docs = {}
    for node in nodes.values():
        if node.get("resource_type") not in ("model", "seed", "snapshot"):
            continue
        name = node.get("alias") or node["name"]
        docs[(node["schema"].lower(), name.lower())] = {
            "description": (node.get("description") or "").strip(),
            "columns": {col.lower(): (spec.get("description") or "").strip()
                        for col, spec in node.get("columns", {}).items()},
        }
    return docs


def publish_readers_copy(warehouse: Path, target: Path, manifest: Path | None = None, mode: int | None = None,
                         version: str | None = None) -> ReadersCopyResult:
    """Write the readers' copy of `warehouse` (the published file, opened read-only) to `target`, atomically."""
    started = time.monotonic()
    mode = readers_copy_mode() if mode is None else mode
    result = ReadersCopyResult(path=target)
    try:
        with replacing(target, mode) as tmp:
            tmp.unlink()  # DuckDB creates the database file itself
            # The warehouse is the main database (its views name its own catalog); the copy is attached beside it.
            with duckdb.connect(str(warehouse), read_only=True) as con:
                con.execute("set TimeZone = 'UTC'")
                con.execute(f"attach '{_sql_text(str(tmp))}' as readers_copy "
                            f"(read_only false, storage_version '{_sql_text(version or storage_version())}')")
                _copy_tables(con, result)
                result.comments = _add_comments(con, dbt_descriptions(manifest))
                _check_no_phone_numbers(con)
                con.execute("checkpoint readers_copy")
                con.execute("detach readers_copy")
    finally:
        # DuckDB's log beside the copy: empty after the checkpoint, or left by a failed or killed copy.
        for log in target.parent.glob(f".{target.name}.*.tmp.wal"):
            log.unlink(missing_ok=True)
    result.size_bytes = target.stat().st_size
    result.seconds = time.monotonic() - started
    return result


def _copy_tables(con: duckdb.DuckDBPyConnection, result: ReadersCopyResult) -> None:
    relations = con.execute(
        "select table_schema, table_name from information_schema.tables "
        "where table_catalog = current_database() and table_schema in ? order by 1, 2",
        [list(SCHEMAS)],
    ).fetchall()
    for schema in SCHEMAS:
        con.execute(f"create schema readers_copy.{schema}")
    for schema, table in relations:
        con.execute(f"create table readers_copy.{_ident(schema)}.{_ident(table)} as "
                    f"select * from {_ident(schema)}.{_ident(table)}")
        result.tables.append(f"{schema}.{table}")
        result.rows += con.execute(f"select count(*) from readers_copy.{_ident(schema)}.{_ident(table)}").fetchone()[0]


def _add_comments(con: duckdb.DuckDBPyConnection, docs: dict) -> int:
    count = 0
    for schema, table in _copied(con):
        doc = docs.get((schema.lower(), table.lower()))
        if not doc:
            continue
        relation = f"readers_copy.{_ident(schema)}.{_ident(table)}"
        if doc["description"]:
            con.execute(f"comment on table {relation} is '{_sql_text(doc['description'])}'")
            count += 1
        for (column,) in con.execute(
            "select column_name from duckdb_columns() where database_name = 'readers_copy' "
            "and schema_name = ? and table_name = ? order by column_index", [schema, table],
        ).fetchall():
            text = doc["columns"].get(column.lower())
            if text:
                con.execute(f"comment on column {relation}.{_ident(column)} is '{_sql_text(text)}'")
                count += 1
    return count


def _copied(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    return con.execute(
        "select schema_name, table_name from duckdb_tables() where database_name = 'readers_copy' order by 1, 2"
    ).fetchall()


def _check_no_phone_numbers(con: duckdb.DuckDBPyConnection) -> None:
    """Fail when any text value of the copy looks like an E.164 number or is a number of the raw tables."""
    con.execute("create or replace temp table known_phone_numbers (phone_number varchar primary key)")
    present = {row[0] for row in con.execute(
        "select table_name from duckdb_tables() where database_name = current_database() and schema_name = 'raw'"
    ).fetchall()}
    sources = [f"select cast({column} as varchar) as n from raw.{table} where {column} is not null"
               for table, column in RAW_PHONE_COLUMNS if table in present]
    if sources:  # each number as stored (E.164) and without its '+', the national digits BI users might paste
        numbers = " union ".join(sources)
        con.execute(f"insert into known_phone_numbers select distinct n from ({numbers}) "
                    f"union select distinct ltrim(n, '+') from ({numbers})")
    hits = []
    for schema, table in _copied(con):
        columns = [name for name, kind in con.execute(
            "select column_name, data_type from duckdb_columns() where database_name = 'readers_copy' "
            "and schema_name = ? and table_name = ?", [schema, table],
        ).fetchall() if not kind.startswith(("DECIMAL",)) and kind not in _NON_TEXT_TYPES]
        for column in columns:
            text = f"cast({_ident(column)} as varchar)"
            found = con.execute(
                f"select count(*) from readers_copy.{_ident(schema)}.{_ident(table)} "
                f"where regexp_matches({text}, '{E164_PATTERN}') "
                f"or {text} in (select phone_number from known_phone_numbers)"
            ).fetchone()[0]
            if found:
                hits.append(f"{schema}.{table}.{column} ({found} rows)")
    con.execute("drop table known_phone_numbers")
    if hits:
        raise PhoneNumberFoundError("the readers' copy would contain phone numbers in " + ", ".join(hits)
                                    + "; it was not published")


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sql_text(text: str) -> str:
    return text.replace("'", "''")
