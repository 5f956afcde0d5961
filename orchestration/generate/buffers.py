"""Per-entity staging tables holding formatted rows until their day folder is written.

Every row carries `fd` (folder day index from the start date), `sk` (sort seconds)
and `tk` (a unique tie key: generated rows have tk % 16 < 8; a bad-row copy of a
row gets its tk * 16 + 8 + kind).
"""

from __future__ import annotations

import duckdb

from orchestration.generate.layout import COLUMNS, ENTITIES

META = "fd integer, sk bigint, tk bigint"


def create(con: duckdb.DuckDBPyConnection) -> None:
    for entity in ENTITIES:
        cols = ", ".join(f'"{c}" varchar' for c in COLUMNS[entity])
        con.execute(f"create or replace table buf_{entity} ({cols}, {META})")


def insert(con: duckdb.DuckDBPyConnection, entity: str, select_sql: str, days: int) -> int:
    """Insert rows of `select_sql` (by column name) whose folder day is inside the period."""
    return con.execute(
        f"insert into buf_{entity} by name "  # noqa: S608 - generator-internal SQL
        f"select * from ({select_sql}) where fd < {int(days)}"
    ).fetchall()[0][0]


def count(con: duckdb.DuckDBPyConnection, entity: str, day: int) -> int:
    return con.execute(f"select count(*) from buf_{entity} where fd = {int(day)}").fetchall()[0][0]


def release(con: duckdb.DuckDBPyConnection, day: int) -> None:
    """Forget rows of folders up to `day` (already written)."""
    for entity in ENTITIES:
        con.execute(
            f"create or replace table buf_{entity} as "  # noqa: S608
            f"select * from buf_{entity} where fd > {int(day)}"
        )
