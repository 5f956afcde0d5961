"""The one Dagster Definitions object: raw loaders, dbt assets, the build job and its schedule.

`dagster dev` loads `defs` (configured from MMSREPORT_LANDING / MMSREPORT_WAREHOUSE);
`mmsreport run` builds the same definitions with its own arguments.
"""

from __future__ import annotations

import json
from pathlib import Path

from dagster import AssetSelection, Definitions, ScheduleDefinition, define_asset_job, in_process_executor
from dagster_dbt import DbtCliResource

from orchestration.defs.dbt_assets import dbt_models
from orchestration.defs.dbt_project import dbt_executable, dbt_project
from orchestration.defs.publish_assets import published_warehouse
from orchestration.defs.raw_assets import raw_assets
from orchestration.defs.resources import WarehouseResource
from orchestration.paths import default_landing, default_warehouse

BUILD_JOB = "build_warehouse"

build_job = define_asset_job(
    BUILD_JOB,
    selection=AssetSelection.all(),
    description="Load new landing files, build and test every dbt model, then publish the warehouse.",
    # One process: a DuckDB file has one writer at a time.
    executor_def=in_process_executor,
)

nightly_schedule = ScheduleDefinition(
    name="nightly_build",
    job=build_job,
    cron_schedule="0 2 * * *",
    execution_timezone="UTC",
)


def build_definitions(landing: Path, warehouse: Path, dbt_vars: dict | None = None) -> Definitions:
    return Definitions(
        assets=[*raw_assets, dbt_models, published_warehouse],
        jobs=[build_job],
        schedules=[nightly_schedule],
        resources={
            "warehouse": WarehouseResource(
                landing_dir=str(landing),
                warehouse_path=str(warehouse),
                dbt_vars_json=json.dumps(dbt_vars or {}),
            ),
            "dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable()),
        },
    )


defs = build_definitions(default_landing(), default_warehouse())
