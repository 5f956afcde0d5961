"""Loading on Spark: Spark's executors read the landing files, with the DuckDB loader's own code.

The driver lists each entity's files and skips those whose size and modification time match their
current version (the DuckDB loader's rule). The other files go to the executors as a DataFrame of
paths; each task hashes its files and runs `read_and_validate` (orchestration/ingestion) on an
in-memory DuckDB connection, so every reader, validation rule and rejection reason is the same code
on both engines. The rows come back as Arrow and are staged as Parquet under DIR/_loading/.

Writing is append-only, because plain Parquet tables have no UPDATE or DELETE:
1. the rows go to raw.<entity> and the rejected rows to raw.rejected_rows, under new load ids;
2. then one row per file version goes to raw.load_log_entries: the commit point.
raw.load_log is a view over raw.load_log_entries with the DuckDB table's columns (is_current and
superseded_by_load_id are derived). Staging reads only rows whose load id is current, so rows of a
batch killed before step 2 stay invisible, and the next run loads those files again under load ids
above every id already used.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from orchestration.ingestion.entities import SPECS
from orchestration.ingestion.loader import (
    EntityLoadSummary,
    FileOutcome,
    account_regions,
    discover_files,
    file_sha256,
    read_and_validate,
)
from orchestration.ingestion.raw_schema import ensure_raw_schema
from orchestration.ingestion.validate import INVALID_ROWS, VALID_ROWS

# The columns of raw.load_log that are stored; is_current and superseded_by_load_id are derived.
LOAD_LOG_STORED = ("load_id", "entity", "path", "content_hash", "size_bytes", "mtime_ns", "rows_loaded",
                   "rows_rejected", "status", "error", "loaded_at")
LOAD_LOG_VIEW = """
create or replace view raw.load_log as
select
    load_id, entity, path, content_hash, size_bytes, mtime_ns, rows_loaded, rows_rejected, status, error,
    coalesce(status = 'loaded' and load_id = max(case when status = 'loaded' then load_id end)
        over (partition by entity, path), false) as is_current,
    loaded_at,
    case when status = 'loaded' then min(case when status = 'loaded' then load_id end)
        over (partition by entity, path order by load_id rows between 1 following and unbounded following)
    end as superseded_by_load_id
from raw.load_log_entries
"""
FILE_FIELDS = pa.schema([("relative", pa.string()), ("path", pa.string()), ("known_hash", pa.string())])
# Bytes of landing files per executor task (one read_and_validate batch).
TASK_BYTES = 64 << 20


def _duckdb_raw() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the raw schema: the one definition of raw's columns and types."""
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    ensure_raw_schema(con)
    return con


def _select_list(con: duckdb.DuckDBPyConnection, table: str, skip: tuple[str, ...] = ()) -> list[str]:
    """Columns of raw.<table> as a select list; naive timestamps (UTC) become instants for Spark."""
    rows = con.execute("select column_name, data_type from duckdb_columns() where schema_name = 'raw' "
                       "and table_name = ? order by column_index", [table]).fetchall()
    return [f"{name}::timestamptz as {name}" if kind == "TIMESTAMP" else name
            for name, kind in rows if name not in skip]


def _arrow_schema(con: duckdb.DuckDBPyConnection, sql: str) -> pa.Schema:
    return con.sql(f"select * from ({sql}) limit 0").to_arrow_table().schema


def ensure_spark_raw(spark) -> None:
    """raw.<entity>, raw.rejected_rows, raw.load_log_entries and the view raw.load_log, if missing."""
    from pyspark.sql.pandas.types import from_arrow_schema

    con = _duckdb_raw()
    spark.sql("create database if not exists raw")
    tables = {entity: f"select {', '.join(_select_list(con, entity))} from raw.{entity}" for entity in SPECS}
    tables["rejected_rows"] = f"select {', '.join(_select_list(con, 'rejected_rows'))} from raw.rejected_rows"
    stored = [c for c in _select_list(con, "load_log") if c.split(" as ")[-1] in LOAD_LOG_STORED]
    tables["load_log_entries"] = f"select {', '.join(stored)} from raw.load_log"
    for table, sql in tables.items():
        if not spark.catalog.tableExists(f"raw.{table}"):
            schema = from_arrow_schema(_arrow_schema(con, sql))
            spark.createDataFrame([], schema).write.format("parquet").saveAsTable(f"raw.{table}")
    spark.sql(LOAD_LOG_VIEW)
    con.close()


def _staged_schema(entity: str) -> pa.Schema:
    """What executors return: one row per valid row, rejected row or file ('kind'), null where n/a."""
    con = _duckdb_raw()
    rows = _arrow_schema(con, f"select {', '.join(_select_list(con, entity, ('_load_id', '_loaded_at')))} "
                              f"from raw.{entity}")
    con.close()
    fields = [pa.field("kind", pa.string()), *rows,
              pa.field("_reason", pa.string()), pa.field("_original", pa.string()),
              pa.field("content_hash", pa.string()), pa.field("size_bytes", pa.int64()),
              pa.field("mtime_ns", pa.int64()), pa.field("rows_loaded", pa.int64()),
              pa.field("rows_rejected", pa.int64()), pa.field("error", pa.string())]
    return pa.schema(fields)


def validate_on_executor(entity: str, regions: dict[str, str], schema: pa.Schema):
    """The function Spark maps over batches of file paths (mapInArrow)."""

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        files = [row for batch in batches for row in batch.to_pylist()]
        if not files:
            return
        con = duckdb.connect()
        con.execute("set TimeZone = 'UTC'")
        con.execute("set threads = 1")  # Spark runs one task per core
        file_rows, todo = [], []
        for item in files:
            path = Path(item["path"])
            try:
                stat = path.stat()
                content_hash = file_sha256(path)
            except FileNotFoundError:
                continue  # removed since the driver listed it
            kind = "unchanged" if content_hash == item["known_hash"] else "file"
            file_rows.append({"kind": kind, "_source_file": item["relative"], "content_hash": content_hash,
                              "size_bytes": stat.st_size, "mtime_ns": stat.st_mtime_ns})
            if kind == "file":
                todo.append((item["relative"], path))
        if todo:
            validated = read_and_validate(con, entity, todo, regions)
            for row in file_rows:
                row["error"] = validated.errors.get(row["_source_file"])
                row["rows_loaded"], row["rows_rejected"] = validated.counts.get(row["_source_file"], (0, 0))
            columns = [f.name for f in schema if f.name in {c.name for c in SPECS[entity].columns}]
            typed = ", ".join(f"{c}::timestamptz as {c}" if pa.types.is_timestamp(schema.field(c).type) else c
                              for c in columns)
            table = con.sql(
                f"select 'row' as kind, _source_file, _row_number, cast(_extra as varchar) as _extra, {typed} "
                f"from {VALID_ROWS} union all by name "
                "select 'reject' as kind, _source_file, _row_number, _reason, cast(_original as varchar) as "
                f"_original from {INVALID_ROWS}"
            ).to_arrow_table()
            yield from _conform(table, schema).to_batches()
        yield from _conform(pa.Table.from_pylist(file_rows), schema).to_batches()
        con.close()

    return run


def _conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """`table` with exactly `schema`'s columns, in order (nulls for those it lacks)."""
    columns = [table.column(f.name).cast(f.type) if f.name in table.column_names
               else pa.nulls(table.num_rows, f.type) for f in schema]
    return pa.Table.from_arrays(columns, schema=schema)


def _cached(cache: dict, name: str, compute, spark):
    """`compute(spark)`, once per `cache` (one per run: each read of the raw tables costs a Spark job; a
    run with nothing new reads raw.load_log once for all its entities)."""
    if name not in cache:
        cache[name] = compute(spark)
    return cache[name]


def _load_log(spark) -> dict[str, tuple[dict, set]]:
    """Per entity: its current files {path: (hash, size, mtime_ns)} and its failed (path, hash) pairs."""
    log: dict[str, tuple[dict, set]] = {}
    for r in spark.sql("select entity, path, content_hash, size_bytes, mtime_ns, status, is_current "
                       "from raw.load_log where is_current or status = 'failed'").collect():
        current, failed = log.setdefault(r.entity, ({}, set()))
        if r.is_current:
            current[r.path] = (r.content_hash, r.size_bytes, r.mtime_ns)
        if r.status == "failed":
            failed.add((r.path, r.content_hash))
    return log


def _regions(spark) -> dict[str, str]:
    """Each account's default region, by the DuckDB loader's own rule (account_regions) on the current rows."""
    con = _duckdb_raw()
    accounts = spark.sql("select * from raw.accounts where _load_id in "
                         "(select load_id from raw.load_log where is_current)").toArrow()
    log = spark.sql("select load_id, is_current from raw.load_log where is_current").toArrow()
    con.register("accounts_rows", accounts)
    con.register("log_rows", log)
    con.execute("insert into raw.accounts by name select * from accounts_rows")
    con.execute("insert into raw.load_log (load_id, entity, path, content_hash, status, is_current, loaded_at) "
                "select load_id, 'accounts', '', '', 'loaded', is_current, now() from log_rows")
    regions = account_regions(con)
    con.close()
    return regions


def load_entity_spark(spark, landing: Path, warehouse: Path, entity: str, progress=None,
                      cache: dict | None = None) -> EntityLoadSummary:
    """Load the new and changed files of `entity` into the Spark warehouse's raw tables.

    `cache` holds reads shared by the entities of one run (engine.run_cache); a new dict reads afresh."""
    summary = EntityLoadSummary(entity)
    cache = {} if cache is None else cache
    current, failed_before = _cached(cache, "load_log", _load_log, spark).get(entity, ({}, set()))
    candidates = []
    for relative, path in discover_files(Path(landing), entity):
        try:
            stat = path.stat()
        except FileNotFoundError:
            continue
        known = current.get(relative)
        if known and known[1] == stat.st_size and known[2] == stat.st_mtime_ns:
            summary.files.append(FileOutcome(relative, "skipped"))
            continue
        candidates.append((relative, str(path), known[0] if known else None, stat.st_size))
    if not candidates:
        return summary
    # Accounts load first and have no phone column: the regions read once serve every later entity.
    needs_regions = any(c.kind == "phone" for c in SPECS[entity].columns)
    regions = _cached(cache, "regions", _regions, spark) if needs_regions else {}
    staging = Path(warehouse) / "_loading" / entity
    _stage(spark, entity, candidates, regions, staging)
    try:
        _write(spark, entity, staging, failed_before, summary, progress)
    finally:
        cache.pop("load_log", None)  # the log changed (or may have): the next entity reads it afresh
        shutil.rmtree(staging, ignore_errors=True)
        with contextlib.suppress(OSError):
            staging.parent.rmdir()  # when no other entity is staged
    return summary


def _stage(spark, entity: str, candidates: list, regions: dict, staging: Path) -> None:
    """Read and validate the candidate files on the executors; the result as Parquet in `staging`."""
    total = sum(size for *_, size in candidates)
    tasks = max(1, min(len(candidates), max(spark.sparkContext.defaultParallelism, total // TASK_BYTES + 1)))
    paths = spark.createDataFrame(pa.Table.from_pylist(
        [{"relative": r, "path": p, "known_hash": h} for r, p, h, _ in candidates], schema=FILE_FIELDS))
    schema = _staged_schema(entity)
    from pyspark.sql.pandas.types import from_arrow_schema

    staged = paths.repartition(tasks).mapInArrow(validate_on_executor(entity, regions, schema),
                                                 from_arrow_schema(schema))
    staged.write.mode("overwrite").parquet(str(staging))


def _write(spark, entity: str, staging: Path, failed_before: set, summary: EntityLoadSummary, progress) -> None:
    staged = spark.read.parquet(str(staging))
    files = sorted(staged.where("kind in ('file', 'unchanged')").select(
        "kind", "_source_file", "content_hash", "size_bytes", "mtime_ns", "rows_loaded", "rows_rejected",
        "error").collect(), key=lambda r: r._source_file)
    first_id = _next_load_id(spark, entity)
    loaded_at = datetime.now(UTC)  # aware: Spark would read a naive one in the machine's time zone
    manifest = []
    for item in files:
        if item.kind == "unchanged":  # touched, not changed (Parquet keeps no new mtime: hashed again next run)
            summary.files.append(FileOutcome(item._source_file, "skipped"))
            continue
        if item.error is None:
            outcome = FileOutcome(item._source_file, "loaded", item.rows_loaded, item.rows_rejected)
        else:
            outcome = FileOutcome(item._source_file, "failed", error=item.error)
            if (item._source_file, item.content_hash) in failed_before:
                summary.files.append(outcome)
                continue
        manifest.append({"load_id": first_id + len(manifest), "entity": entity, "path": item._source_file,
                         "content_hash": item.content_hash, "size_bytes": item.size_bytes,
                         "mtime_ns": item.mtime_ns, "rows_loaded": outcome.rows_loaded,
                         "rows_rejected": outcome.rows_rejected, "status": outcome.status,
                         "error": outcome.error, "loaded_at": loaded_at})
        summary.files.append(outcome)
        if progress:
            progress(entity, outcome)
    if not manifest:
        return
    entries = spark.createDataFrame(manifest, schema=spark.table("raw.load_log_entries").schema)
    entries.createOrReplaceTempView("batch_manifest")
    staged.createOrReplaceTempView("batch_staged")
    columns = [f.name for f in spark.table(f"raw.{entity}").schema.fields]
    picks = {"_load_id": "m.load_id", "_loaded_at": "m.loaded_at"}
    select = ", ".join(picks.get(c, f"s.{c}") for c in columns)
    spark.sql(f"insert into raw.{entity} select {select} from batch_staged s join batch_manifest m "
              "on m.path = s._source_file and m.status = 'loaded' where s.kind = 'row'")
    spark.sql("insert into raw.rejected_rows select m.load_id, m.entity, s._source_file, s._row_number, "
              "s._reason, s._original, m.loaded_at from batch_staged s join batch_manifest m "
              "on m.path = s._source_file and m.status = 'loaded' where s.kind = 'reject'")
    entries.write.insertInto("raw.load_log_entries")  # the commit point


def _next_load_id(spark, entity: str) -> int:
    """Above every load id used, also by rows of a batch that never reached the log."""
    return spark.sql(
        "select coalesce(greatest(max(a), max(b), max(c)), 0) + 1 from ("
        "select max(load_id) as a, null as b, null as c from raw.load_log_entries "
        f"union all select null, max(_load_id), null from raw.{entity} "
        "union all select null, null, max(load_id) from raw.rejected_rows)").collect()[0][0]
