"""Publishing: the tested working database replaces the warehouse BI tools read."""

import logging

from dagster import AssetExecutionContext, AssetKey, MaterializeResult, asset

from orchestration.defs.dbt_assets import dbt_models
from orchestration.defs.resources import WarehouseResource, duckdb_only
from orchestration.publish.build_state import record_build
from orchestration.publish.warehouse import publish

progress_log = logging.getLogger("mmsreport.progress")

PUBLISHED_KEY = AssetKey(["warehouse", "published"])


@asset(
    key=PUBLISHED_KEY,
    group_name="publish",
    deps=[dbt_models],
    kinds={"duckdb"},
    description="The published warehouse file: replaced atomically once loading, models and tests succeeded.",
)
def published_warehouse(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
    if warehouse.is_spark:
        return duckdb_only('publishing by copy')
    with warehouse.writing() as database:
        record_build(database, warehouse.dbt_vars)
        publish(database, warehouse.published)
    progress_log.info("published %s", warehouse.published)
    return MaterializeResult(metadata={
        "path": str(warehouse.published),
        "size_bytes": warehouse.published.stat().st_size,
    })
