"""`mmsreport run`: execute the build job of the Dagster definitions in-process."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from orchestration.paths import dagster_home, log_dir


@dataclass
class RunSummary:
    success: bool
    seconds: float
    files: dict[str, int] = field(default_factory=dict)
    rows_loaded: int = 0
    rows_rejected: int = 0
    failed_files: list[str] = field(default_factory=list)
    dbt_counts: dict[str, int] = field(default_factory=dict)
    dbt_failures: list[str] = field(default_factory=list)
    error: str | None = None
    log_file: Path | None = None
    up_to_date: bool = False  # nothing new: dbt and publishing were skipped
    site_dir: Path | None = None
    dbt_results: Path | None = None  # this run's dbt run_results.json
    readers_copy: Path | None = None  # the BI file written by this run, with its metadata
    readers_copy_tables: int = 0
    readers_copy_seconds: float = 0.0
    unknown_folders: list[str] = field(default_factory=list)  # landing folders that are no entity


def run_build(landing: Path, warehouse: Path, dbt_vars: dict, full_refresh: bool = False,
              engine: str = "duckdb", spark_master: str | None = None) -> RunSummary:
    """Load new landing files and build everything through the Dagster build job."""
    os.environ.setdefault("DAGSTER_HOME", str(dagster_home()))
    from dagster import DagsterInstance

    from orchestration.definitions import BUILD_JOB, build_definitions
    from orchestration.defs.publish_assets import PUBLISHED_KEY
    from orchestration.defs.readers_copy_assets import READERS_COPY_KEY
    from orchestration.ingestion.loader import unknown_entity_folders

    started = time.monotonic()
    unknown = unknown_entity_folders(landing)  # warned about in the summary
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    defs = build_definitions(landing, warehouse, dbt_vars, engine=engine, spark_master=spark_master)
    job = defs.resolve_job_def(BUILD_JOB)
    log_file = log_dir() / "last_run.log"
    with (DagsterInstance.get() as instance, open(log_file, "w") as log, contextlib.redirect_stdout(log),
          _dagster_warnings_to(log)):
        result = job.execute_in_process(
            instance=instance,
            run_config={
                "ops": {"dbt_models": {"config": {"full_refresh": full_refresh}}},
                "loggers": {"console": {"config": {"log_level": "CRITICAL"}}},
            },
            raise_on_error=False,
        )
    summary = RunSummary(success=result.success, seconds=time.monotonic() - started, log_file=log_file,
                         site_dir=defs.resources["warehouse"].site, unknown_folders=unknown)
    materializations = result.get_asset_materialization_events()
    summary.up_to_date = result.success and not any(event.asset_key == PUBLISHED_KEY for event in materializations)
    for event in materializations:
        if event.asset_key == READERS_COPY_KEY and "path" in event.materialization.metadata:
            metadata = event.materialization.metadata
            summary.readers_copy = Path(metadata["path"].value)
            summary.readers_copy_tables = metadata["tables"].value
            summary.readers_copy_seconds = metadata["seconds"].value
    if not result.success:
        failures = [e for e in result.all_events if e.is_step_failure]
        summary.error = "; ".join(
            f"{e.step_key}: {e.step_failure_data.error.message.strip().splitlines()[0]}"
            for e in failures if e.step_failure_data and e.step_failure_data.error
        ) or "the Dagster run failed"
    _collect_load_stats(materializations, summary)
    if engine == "spark":
        summary.site_dir = None  # the site is built from DuckDB warehouses only
    _collect_dbt_results(summary, result.run_id)
    return summary


@contextlib.contextmanager
def _dagster_warnings_to(log):
    """Dagster's own Python warnings belong in the run log, not between our progress lines."""
    logger = logging.getLogger("dagster")
    handler = logging.StreamHandler(log)
    logger.addHandler(handler)
    propagate, logger.propagate = logger.propagate, False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def _collect_load_stats(materializations, summary: RunSummary) -> None:
    """Files and rows loaded, and the files that failed, from the raw assets' metadata (either engine)."""
    for event in materializations:
        if event.asset_key.path[0] != "raw" or "files_loaded" not in event.materialization.metadata:
            continue
        meta = {key: value.value for key, value in event.materialization.metadata.items()}
        for status in ("loaded", "skipped", "failed"):
            if meta[f"files_{status}"]:
                summary.files[status] = summary.files.get(status, 0) + meta[f"files_{status}"]
        summary.rows_loaded += meta["rows_loaded"]
        summary.rows_rejected += meta["rows_rejected"]
        summary.failed_files += list(meta["failed_files"])


def _collect_dbt_results(summary: RunSummary, run_id: str) -> None:
    from orchestration.defs.dbt_project import dbt_project

    # dagster-dbt gives each invocation its own target folder, named after the op and the run's id
    # (`dbt_models-<run id[:7]>-<uuid>`): this run's, not another run's that finished meanwhile.
    target = Path(dbt_project.target_path)
    candidates = list(target.glob(f"*-{run_id[:7]}-*/run_results.json"))
    if not candidates:
        return  # dbt did not run this time
    results_file = max(candidates, key=lambda p: p.stat().st_mtime)
    _prune_old_run_folders(target)
    summary.dbt_results = results_file
    results = json.loads(results_file.read_text())
    for item in results.get("results", []):
        kind = item["unique_id"].split(".")[0]
        status = item["status"]
        key = f"{kind}s {status}"
        summary.dbt_counts[key] = summary.dbt_counts.get(key, 0) + 1
        if status in ("error", "fail"):
            summary.dbt_failures.append(f"{item['unique_id']}: {(item.get('message') or '').strip()}")


def _prune_old_run_folders(target: Path, keep: int = 3, stale_after: float = 86400.0) -> None:
    """Keep the last few per-invocation dbt target folders, not one per night forever.

    Only finished invocations (with run_results.json) are pruned, and unfinished ones a day old:
    another `mmsreport run` (another warehouse) may be writing its folder right now.
    """
    finished = sorted((p for p in target.glob("dbt_models-*") if (p / "run_results.json").exists()),
                      key=lambda p: (p / "run_results.json").stat().st_mtime)
    stale = [p for p in target.glob("dbt_models-*")
             if not (p / "run_results.json").exists() and time.time() - p.stat().st_mtime > stale_after]
    for old in finished[:-keep] + stale:
        shutil.rmtree(old, ignore_errors=True)
