"""Compare the `marts` and `audit` tables of a Spark warehouse folder with a DuckDB warehouse's.

Every relation of those schemas must exist in both and hold the same rows: `EXCEPT ALL` both ways
in Spark, on DuckDB's rows exported to Parquet (timestamps as UTC instants, decimals exact; doubles
rounded to DOUBLE_DIGITS decimals, since the engines' float arithmetic differs in the last bits,
e.g. percentile interpolation).

    python -m orchestration.spark.compare WAREHOUSE.duckdb SPARK_DIR [--spark-master URL]
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration.spark.session import duckdb_and_spark_arguments, spark_session

SCHEMAS = ("marts", "audit")
DOUBLE_DIGITS = 9


@dataclass(frozen=True)
class TableDiff:
    name: str  # schema.table
    rows: int  # DuckDB's row count
    only_in_spark: int
    only_in_duckdb: int

    @property
    def equal(self) -> bool:
        return self.only_in_spark == 0 and self.only_in_duckdb == 0


def export_schemas(duckdb_file: Path, folder: Path) -> dict[str, tuple[Path, list[str], int]]:
    """DuckDB's marts and audit relations as Parquet files: name -> (file, columns, rows)."""
    con = duckdb.connect(str(duckdb_file), read_only=True)
    try:
        con.execute("set TimeZone = 'UTC'")
        columns = con.execute(
            f"""
            select table_schema, table_name, column_name, data_type
            from information_schema.columns
            where table_schema in ({", ".join(f"'{schema}'" for schema in SCHEMAS)})
            order by table_schema, table_name, ordinal_position
            """
        ).fetchall()
        relations: dict[str, list[tuple[str, str]]] = {}
        for schema, table, column, data_type in columns:
            relations.setdefault(f"{schema}.{table}", []).append((column, data_type))
        exported = {}
        for name, typed in relations.items():
            select = ", ".join(
                f'"{column}"::timestamptz as "{column}"' if data_type == "TIMESTAMP" else f'"{column}"'
                for column, data_type in typed
            )
            path = folder / f"{name}.parquet"
            con.execute(f"copy (select {select} from {name}) to '{path}' (format parquet)")
            rows = con.execute(f"select count(*) from {name}").fetchone()[0]
            exported[name] = (path, [column for column, _ in typed], rows)
        return exported
    finally:
        con.close()


def compare(duckdb_file: Path, warehouse: Path, master: str | None = None, spark=None) -> list[TableDiff]:
    """One TableDiff per marts/audit relation of either warehouse (a relation missing on one side
    counts all its rows as missing there). `spark`: an open session on `warehouse` (else one is opened)."""
    if spark is None:
        with spark_session(warehouse, master) as session:
            return compare(duckdb_file, warehouse, spark=session)
    with tempfile.TemporaryDirectory(prefix="mmsreport-compare-") as tmp:
        exported = export_schemas(duckdb_file, Path(tmp))
        in_spark = {
            f"{schema}.{row.tableName}"
            for schema in SCHEMAS
            for row in spark.sql(f"show tables in {schema}").collect()
            if not row.isTemporary
        }
        diffs = []
        for name in sorted(set(exported) | in_spark):
            if name not in exported:
                diffs.append(TableDiff(name, 0, spark.table(name).count(), 0))
                continue
            path, columns, rows = exported[name]
            if name not in in_spark:
                diffs.append(TableDiff(name, rows, 0, rows))
                continue
            diffs.append(TableDiff(name, rows, *_rows_in_one_only(spark.table(name), spark.read.parquet(str(path)),
                                                                  columns)))
        return diffs


def _rows_in_one_only(mine, theirs, columns: list[str]) -> tuple[int, int]:
    """(rows of `mine` not in `theirs`, rows of `theirs` not in `mine`), as multisets: one Spark job."""
    from pyspark.sql import functions

    mine, theirs = _comparable(mine, columns), _comparable(theirs, columns)
    tagged = (mine.exceptAll(theirs).withColumn("_side", functions.lit(0))
              .unionByName(theirs.exceptAll(mine).withColumn("_side", functions.lit(1))))
    counts = dict(tagged.groupBy("_side").count().collect())
    return counts.get(0, 0), counts.get(1, 0)


def _comparable(frame, columns: list[str]):
    """`columns` of `frame`, doubles rounded to DOUBLE_DIGITS decimals."""
    from pyspark.sql import functions

    types = dict(frame.dtypes)
    return frame.select(*[
        functions.round(column, DOUBLE_DIGITS).alias(column) if types[column] in ("double", "float") else column
        for column in columns
    ])


def main(argv: list[str] | None = None) -> None:
    args = duckdb_and_spark_arguments(__doc__, argv)
    diffs = compare(args.duckdb_file, args.warehouse, args.spark_master)
    for diff in diffs:
        state = "equal" if diff.equal else f"DIFFERENT (+{diff.only_in_spark} spark, +{diff.only_in_duckdb} duckdb)"
        print(f"{diff.name}: {diff.rows} rows, {state}")
    raise SystemExit(0 if all(diff.equal for diff in diffs) else 1)


if __name__ == "__main__":
    main()
