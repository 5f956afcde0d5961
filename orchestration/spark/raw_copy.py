"""Copy the `raw` schema of a DuckDB warehouse into a Spark warehouse folder (Parquet tables).

A stand-in for Spark's own loader in tests: the DuckDB loader fills raw, this copies it table by
table (DuckDB writes Parquet, Spark registers it as `raw.<table>` under DIR/raw.db/<table>/), and
dbt then builds the other schemas with `--target spark`. Naive DuckDB timestamps (UTC by the
project's rule) are written as UTC instants, which Spark reads as its `timestamp` type.

    python -m orchestration.spark.raw_copy WAREHOUSE.duckdb SPARK_DIR [--spark-master URL]
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import duckdb

from orchestration.spark.session import duckdb_and_spark_arguments, spark_session


def export_raw(duckdb_file: Path, folder: Path) -> dict[str, Path]:
    """Write each raw base table of `duckdb_file` to `folder`/<table>.parquet."""
    con = duckdb.connect(str(duckdb_file), read_only=True)
    try:
        con.execute("set TimeZone = 'UTC'")
        columns = con.execute(
            """
            select c.table_name, c.column_name, c.data_type
            from information_schema.columns as c
            inner join information_schema.tables as t
                on c.table_schema = t.table_schema and c.table_name = t.table_name
            where c.table_schema = 'raw' and t.table_type = 'BASE TABLE'
            order by c.table_name, c.ordinal_position
            """
        ).fetchall()
        tables: dict[str, list[str]] = {}
        for table, column, data_type in columns:
            quoted = f'"{column}"'
            expression = f"{quoted}::timestamptz as {quoted}" if data_type == "TIMESTAMP" else quoted
            tables.setdefault(table, []).append(expression)
        files = {}
        for table, expressions in tables.items():
            files[table] = folder / f"{table}.parquet"
            con.execute(
                f"copy (select {', '.join(expressions)} from raw.{table}) "
                f"to '{files[table]}' (format parquet)"
            )
        return files
    finally:
        con.close()


def copy_raw(duckdb_file: Path, warehouse: Path, master: str | None = None) -> list[str]:
    """Replace the raw tables of the Spark warehouse `warehouse` by those of `duckdb_file`."""
    with tempfile.TemporaryDirectory(prefix="mmsreport-raw-") as tmp:
        files = export_raw(duckdb_file, Path(tmp))
        with spark_session(warehouse, master) as spark:
            spark.sql("create database if not exists raw")
            for table, path in files.items():
                spark.read.parquet(str(path)).write.mode("overwrite").format("parquet").saveAsTable(
                    f"raw.{table}"
                )
    return sorted(files)


def main(argv: list[str] | None = None) -> None:
    args = duckdb_and_spark_arguments(__doc__, argv)
    tables = copy_raw(args.duckdb_file, args.warehouse, args.spark_master)
    print(f"copied {len(tables)} raw tables into {args.warehouse}")


if __name__ == "__main__":
    main()
