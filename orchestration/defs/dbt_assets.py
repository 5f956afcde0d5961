"""dbt models, seeds and tests as Dagster assets and asset checks (dagster-dbt)."""


import json
import logging
import os
from collections.abc import Mapping
from typing import Any

from dagster import (
    AssetCheckResult,
    AssetExecutionContext,
    AssetMaterialization,
    Config,
    Failure,
    Output,
)
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from orchestration.defs.dbt_project import dbt_project, ensure_manifest, keep_parse_state
from orchestration.defs.resources import WarehouseResource
from orchestration.publish.build_state import is_up_to_date, needs_full_refresh
from orchestration.spark.engine import close_shared_session

progress_log = logging.getLogger("mmsreport.progress")


class LayerTranslator(DagsterDbtTranslator):
    """Asset groups follow the dbt folders: staging, intermediate, marts, audit, seeds."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "seeds"
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else "dbt"


class DbtBuildConfig(Config):
    full_refresh: bool = False


@dbt_assets(manifest=ensure_manifest(), project=dbt_project, dagster_dbt_translator=LayerTranslator())
def dbt_models(context: AssetExecutionContext, config: DbtBuildConfig, dbt: DbtCliResource,
               warehouse: WarehouseResource):
    with warehouse.writing() as database:
        yield from _build(context, config, dbt, warehouse, database)


def _build(context, config, dbt, warehouse, database):
    if warehouse.is_spark:
        yield from _build_on_spark(context, config, dbt, warehouse, database)
        return
    # A missing readers' copy (a warehouse published before it existed, or a deleted one) is rebuilt too.
    if (not config.full_refresh and warehouse.readers_copy.exists()
            and is_up_to_date(warehouse.published, database, warehouse.dbt_vars)):
        # Yielding no output skips the dbt assets and everything downstream (publishing, exports).
        progress_log.info("dbt build skipped: nothing new since the published build, which is up to date")
        return
    # The repo-local profile reads the warehouse path from the environment.
    os.environ["MMSREPORT_WAREHOUSE"] = str(database)
    full_refresh = config.full_refresh
    if not full_refresh and needs_full_refresh(warehouse.published, warehouse.dbt_vars):
        progress_log.info("the dbt project or its variables changed since the published build: full refresh")
        full_refresh = True
    yield from _run_dbt(context, dbt, warehouse, full_refresh)


def _build_on_spark(context, config, dbt, warehouse, folder):
    """dbt build --target spark on the warehouse folder, after the loader's Spark session has ended (the
    embedded metastore admits one JVM). Every run rebuilds (docs/SCALING.md): the touched-scope models are
    tables on Spark, and a DuckDB file's build state does not apply."""
    close_shared_session()
    os.environ["MMSREPORT_WAREHOUSE"] = str(folder)
    if warehouse.spark_master:
        os.environ["MMSREPORT_SPARK_MASTER"] = warehouse.spark_master
    yield from _run_dbt(context, dbt, warehouse, config.full_refresh, target="spark")


def _run_dbt(context, dbt, warehouse, full_refresh: bool, target: str | None = None):
    # Unit tests check the SQL, not the data: CI runs them (tests/test_dbt_unit_tests.py), nightly runs do not.
    # dbt.log at info, not debug: writing every statement and adapter event to it cost ~10 % of a small
    # build's CPU (bench/MEASUREMENTS.md, fixed costs); the compiled SQL stays in the run's target folder.
    args = ["build", "--exclude-resource-type", "unit_test", "--log-level-file", "info",
            "--vars", json.dumps(warehouse.dbt_vars)]
    if target:
        args += ["--target", target]
    if full_refresh:
        args.append("--full-refresh")
    progress_log.info("dbt build (seeds, models and tests)...")
    invocation = dbt.cli(args, context=context, raise_on_error=False)
    try:
        for event in invocation.stream():
            _report(event)
            yield event
        invocation.wait()
    finally:
        # Whatever happened, the dbt process has exited (and released the warehouse) before we go on.
        if invocation.process.poll() is None:
            invocation.process.terminate()
            invocation.process.wait()
    if not invocation.is_successful():
        raise Failure(
            description="dbt build failed: " + "; ".join(_failed_nodes(invocation)),
        )
    keep_parse_state(invocation.target_path)


def _report(event) -> None:
    if isinstance(event, Output):
        progress_log.info("  built %s", event.output_name.replace("__", ".", 1))
    elif isinstance(event, AssetMaterialization):
        progress_log.info("  built %s", event.asset_key.to_user_string().replace("/", "."))
    elif isinstance(event, AssetCheckResult) and not event.passed:
        progress_log.warning("  ✗ check %s on %s (%s)", event.check_name, event.asset_key.to_user_string(),
                             event.severity.value.lower())


def _failed_nodes(invocation) -> list[str]:
    try:
        results = invocation.get_artifact("run_results.json").get("results", [])
    except Exception:  # noqa: BLE001 - no artifact when dbt failed before running anything
        error = invocation.get_error()
        return [str(error).strip().splitlines()[-1] if error else "see the dbt log"]
    failed = [f"{r['unique_id']} ({r['status']})" for r in results if r["status"] in ("error", "fail")]
    return failed or ["see the dbt log"]
