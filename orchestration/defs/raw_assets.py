"""One Dagster asset per landing entity: load new files into raw.<entity>; and raw/load_log, the log every
one of them writes, as an asset downstream of them all (staging reads it to know the current files)."""


import logging
from pathlib import Path

from dagster import AssetExecutionContext, AssetKey, MaterializeResult, MetadataValue, asset

from orchestration.defs.resources import WarehouseResource
from orchestration.ingestion.entities import SPECS
from orchestration.ingestion.loader import FileOutcome, connect, load_entity
from orchestration.publish.warehouse import prepare_working_copy
from orchestration.spark.engine import run_cache, shared_session
from orchestration.spark.loader import load_entity_spark

progress_log = logging.getLogger("mmsreport.progress")

# Entities whose phone numbers are read with their account's default_region.
_NEEDS_ACCOUNTS = {name for name, spec in SPECS.items() if any(c.kind == "phone" for c in spec.columns)}


def _report(entity: str, outcome: FileOutcome) -> None:
    if outcome.status == "failed":
        progress_log.warning("  ✗ %s: %s", entity, outcome.error)
    else:
        progress_log.debug("  loaded %s (%d rows, %d rejected)", outcome.path, outcome.rows_loaded,
                           outcome.rows_rejected)


def build_raw_asset(entity: str):
    deps = [AssetKey(["raw", "accounts"])] if entity in _NEEDS_ACCOUNTS else []

    @asset(
        key=AssetKey(["raw", entity]),
        group_name="raw",
        deps=deps,
        description=f"Landing files of `{entity}` loaded into raw.{entity} (new and changed files only).",
        kinds={"duckdb", "python"},
    )
    def _load(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
        if warehouse.is_spark:
            with warehouse.writing() as folder:
                spark = shared_session(folder, warehouse.spark_master or None)
                summary = load_entity_spark(spark, Path(warehouse.landing_dir), folder, entity, progress=_report,
                                            cache=run_cache(context.run_id))
                total_rows = spark.table(f"raw.{entity}").count()
            return _summarise(context, entity, summary, total_rows)
        with warehouse.writing() as database:
            prepare_working_copy(warehouse.published, database)
            con = connect(database)
            try:
                summary = load_entity(con, warehouse.landing_dir, entity, progress=_report)
                total_rows = con.execute(f"select count(*) from raw.{entity}").fetchone()[0]
            finally:
                con.close()  # dbt opens the file next: one writer at a time
        return _summarise(context, entity, summary, total_rows)

    return _load


def _summarise(context: AssetExecutionContext, entity: str, summary, total_rows: int) -> MaterializeResult:
    """Report an entity's load (progress line, errors) as the asset's materialization."""
    for failure in summary.failures:
        context.log.error(failure.error)
    progress_log.info("  raw.%-14s %4d new files, %9s rows, %5s rejected, %4d unchanged", entity,
                      summary.count("loaded"), f"{summary.rows_loaded:,}", f"{summary.rows_rejected:,}",
                      summary.count("skipped"))
    return MaterializeResult(metadata={
        "files_loaded": summary.count("loaded"),
        "files_skipped": summary.count("skipped"),
        "files_failed": summary.count("failed"),
        "rows_loaded": summary.rows_loaded,
        "rows_rejected": summary.rows_rejected,
        "total_rows": total_rows,
        "failed_files": MetadataValue.json([f.error for f in summary.failures]),
    })


LOAD_LOG_KEY = AssetKey(["raw", "load_log"])


@asset(
    key=LOAD_LOG_KEY,
    group_name="raw",
    deps=[AssetKey(["raw", entity]) for entity in SPECS],
    description="raw.load_log: every file version the raw assets loaded, skipped as unchanged or failed to read "
                "(written by them as they load; complete once they all ran). Staging keeps the current versions.",
    kinds={"duckdb"},
)
def load_log(warehouse: WarehouseResource) -> MaterializeResult:
    if warehouse.is_spark:
        with warehouse.writing() as folder:
            current, failed = shared_session(folder, warehouse.spark_master or None).sql(
                "select count_if(is_current and status = 'loaded'), count_if(status = 'failed') "
                "from raw.load_log").collect()[0]
        return MaterializeResult(metadata={"current_files": current, "failed_attempts": failed})
    with warehouse.writing() as database, connect(database) as con:
        current, failed = con.execute(
            "select count(*) filter (where is_current and status = 'loaded'), "
            "count(*) filter (where status = 'failed') from raw.load_log").fetchone()
    return MaterializeResult(metadata={"current_files": current, "failed_attempts": failed})


raw_assets = [*(build_raw_asset(entity) for entity in SPECS), load_log]
