"""Shared helpers for the ingestion tests: hand-made landing files and raw-table queries.

Landing layout (docs/RULES.md, Input files): `<landing>/<entity>/dt=YYYY-MM-DD/<file>`.
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import io
import json
import os
import time
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from orchestration.ingestion.loader import EntityLoadSummary, connect, load_entity

DEFAULT_DT = "dt=2026-11-27"

# Column order of a messages file used by many tests.
MESSAGE_COLUMNS = ["message_id", "campaign_id", "contact_id", "sent_at", "body", "segments",
                   "provider", "provider_message_id"]


# ---------------------------------------------------------------- landing files

def landing_path(landing: Path, entity: str, name: str, dt: str = DEFAULT_DT) -> Path:
    """The path of a landing file, with its folders created."""
    folder = landing / entity / dt
    folder.mkdir(parents=True, exist_ok=True)
    return folder / name


def relative(landing: Path, path: Path) -> str:
    """The path as the loader records it (relative to the landing folder, posix)."""
    return path.relative_to(landing).as_posix()


def write_bytes(landing: Path, entity: str, name: str, data: bytes, dt: str = DEFAULT_DT) -> Path:
    """Write a file as-is (no compression applied)."""
    path = landing_path(landing, entity, name, dt)
    path.write_bytes(data)
    return path


def write_text(landing: Path, entity: str, name: str, text: str, dt: str = DEFAULT_DT) -> Path:
    """Write text, gzip-compressed when the name ends with .gz."""
    data = text.encode("utf-8")
    if name.lower().endswith(".gz"):
        data = gzip.compress(data)
    return write_bytes(landing, entity, name, data, dt)


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A CSV document; None becomes an empty field."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return buffer.getvalue()


def jsonl_text(records: Iterable[dict]) -> str:
    return "".join(json.dumps(record) + "\n" for record in records)


def write_csv(landing: Path, entity: str, name: str, header: Sequence[str],
              rows: Iterable[Sequence[object]], dt: str = DEFAULT_DT) -> Path:
    return write_text(landing, entity, name, csv_text(header, rows), dt)


def write_jsonl(landing: Path, entity: str, name: str, records: Iterable[dict],
                dt: str = DEFAULT_DT) -> Path:
    return write_text(landing, entity, name, jsonl_text(records), dt)


def write_parquet(landing: Path, entity: str, name: str, table: pa.Table, dt: str = DEFAULT_DT) -> Path:
    path = landing_path(landing, entity, name, dt)
    pq.write_table(table, path)
    return path


def write_records(landing: Path, entity: str, name: str, header: Sequence[str],
                  rows: Sequence[Sequence[object]], dt: str = DEFAULT_DT) -> Path:
    """Write the same rows as CSV, JSON lines or Parquet (all-string columns), by extension.

    In JSON lines a None value is left out of the object; in CSV it is an empty field.
    """
    lowered = name.lower()
    if lowered.endswith((".csv", ".csv.gz")):
        return write_csv(landing, entity, name, header, rows, dt)
    if lowered.endswith((".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")):
        records = [{k: v for k, v in zip(header, row, strict=True) if v is not None} for row in rows]
        return write_jsonl(landing, entity, name, records, dt)
    if lowered.endswith(".parquet"):
        columns = {h: pa.array([None if r[i] is None else str(r[i]) for r in rows], pa.string())
                   for i, h in enumerate(header)}
        return write_parquet(landing, entity, name, pa.table(columns), dt)
    raise ValueError(f"no writer for {name}")


# ---------------------------------------------------------------- warehouse

def open_warehouse(directory: Path) -> duckdb.DuckDBPyConnection:
    return connect(directory / "warehouse.duckdb")


def load(con: duckdb.DuckDBPyConnection, landing: Path, *entities: str) -> dict[str, EntityLoadSummary]:
    """Load the entities in the given order; the summaries by entity."""
    return {entity: load_entity(con, landing, entity) for entity in entities}


def query(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] = ()) -> list[dict]:
    cursor = con.execute(sql, list(params))
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] = ()):
    return con.execute(sql, list(params)).fetchone()[0]


def raw_rows(con: duckdb.DuckDBPyConnection, entity: str) -> list[dict]:
    """All rows of raw.<entity>, in file and row order."""
    return query(con, f"select * from raw.{entity} order by _source_file, _row_number, _load_id")


def raw_count(con: duckdb.DuckDBPyConnection, entity: str) -> int:
    return scalar(con, f"select count(*) from raw.{entity}")


def load_log(con: duckdb.DuckDBPyConnection, entity: str | None = None) -> list[dict]:
    where = "where entity = ?" if entity else ""
    return query(con, f"select * from raw.load_log {where} order by load_id", [entity] if entity else [])


def rejected_rows(con: duckdb.DuckDBPyConnection, entity: str | None = None) -> list[dict]:
    where = "where entity = ?" if entity else ""
    return query(con, f"select * from raw.rejected_rows {where} order by source_file, row_number",
                 [entity] if entity else [])


def snapshot(con: duckdb.DuckDBPyConnection, *entities: str) -> dict:
    """Everything a re-load must leave unchanged: the manifest, the rejects and every raw row.

    The manifest's mtime_ns is left out: a touched file's new mtime is remembered (so it is
    not re-hashed next time) without loading anything.
    """
    return {
        "load_log": [{k: v for k, v in row.items() if k != "mtime_ns"} for row in load_log(con)],
        "rejected_rows": rejected_rows(con),
        **{entity: raw_rows(con, entity) for entity in entities},
    }


# ---------------------------------------------------------------- values

def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    """A stored UTC timestamp (DuckDB TIMESTAMP comes back as a naive datetime)."""
    return datetime(year, month, day, hour, minute, second)


@contextlib.contextmanager
def process_timezone(name: str) -> Iterator[None]:
    """Run with the process time zone (TZ) set to `name`; restored afterwards."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = name
    time.tzset()
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = before
        time.tzset()
