"""The one Dagster Definitions object: raw loaders, dbt assets, the build job and its schedule.

`dagster dev` loads `defs` (configured from MMSREPORT_LANDING, MMSREPORT_WAREHOUSE, MMSREPORT_VARS);
`mmsreport run` builds the same definitions with its own arguments.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from dagster import AssetSelection, Definitions, define_asset_job, in_process_executor
from dagster_dbt import DbtCliResource

from orchestration.defs.automation import landing_sensor, nightly_schedule
from orchestration.defs.dbt_assets import dbt_models
from orchestration.defs.dbt_project import dbt_executable, dbt_project
from orchestration.defs.export_assets import suppressions_export
from orchestration.defs.publish_assets import published_warehouse
from orchestration.defs.raw_assets import raw_assets
from orchestration.defs.readers_copy_assets import readers_copy
from orchestration.defs.resources import WarehouseResource
from orchestration.defs.site_assets import report_site
from orchestration.paths import ENGINES, default_landing, default_warehouse, engine_from_environment
from orchestration.variables import validated

BUILD_JOB = "build_warehouse"

build_job = define_asset_job(
    BUILD_JOB,
    selection=AssetSelection.all(),
    description="Load new landing files, build and test every dbt model, then publish the warehouse.",
    # One process: a DuckDB file has one writer at a time.
    executor_def=in_process_executor,
)


def build_definitions(landing: Path, warehouse: Path, dbt_vars: dict | None = None,
                      site_dir: Path | None = None, engine: str | None = None,
                      spark_master: str | None = None) -> Definitions:
    """site_dir: where the report site goes; default MMSREPORT_SITE, else <warehouse stem>_site/.
    engine: duckdb or spark; default MMSREPORT_ENGINE, else duckdb (spark: `warehouse` is a folder)."""
    return Definitions(
        assets=[*raw_assets, dbt_models, published_warehouse, readers_copy, suppressions_export, report_site],
        jobs=[build_job],
        schedules=[nightly_schedule(build_job)],
        sensors=[landing_sensor(build_job)],
        resources={
            "warehouse": WarehouseResource(
                landing_dir=str(landing),
                warehouse_path=str(warehouse),
                dbt_vars_json=json.dumps(dbt_vars or {}),
                site_dir=str(site_dir) if site_dir else "",
                engine=engine or default_engine(),
                spark_master=spark_master or "",
            ),
            "dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable()),
        },
    )


def default_engine() -> str:
    """MMSREPORT_ENGINE, else duckdb."""
    engine = engine_from_environment()
    if engine not in ENGINES:
        raise ValueError(f"MMSREPORT_ENGINE={engine!r}: expected one of {', '.join(ENGINES)}")
    return engine


def vars_from_environment() -> dict:
    """dbt variables for `dagster dev` and the daemon: MMSREPORT_VARS as a JSON object, checked."""
    raw = os.environ.get("MMSREPORT_VARS", "").strip()
    return validated(json.loads(raw)) if raw else {}


defs = build_definitions(default_landing(), default_warehouse(), vars_from_environment())
