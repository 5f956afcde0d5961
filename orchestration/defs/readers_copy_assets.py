"""The readers' copy for BI tools and analysts, written after every published build (issue 16)."""

import logging

from dagster import AssetExecutionContext, AssetKey, MaterializeResult, MetadataValue, asset

from orchestration.defs.dbt_project import dbt_project
from orchestration.defs.publish_assets import published_warehouse
from orchestration.defs.resources import WarehouseResource, duckdb_only
from orchestration.publish.readers_copy import publish_readers_copy

progress_log = logging.getLogger("mmsreport.progress")

READERS_COPY_KEY = AssetKey(["warehouse", "readers_copy"])


@asset(
    key=READERS_COPY_KEY,
    group_name="publish",
    deps=[published_warehouse],
    kinds={"duckdb"},
    description=(
        "The readers' copy for BI tools: the marts and audit schemas of the published warehouse as tables, "
        "with the dbt yml descriptions as table and column comments, no phone number anywhere (checked), "
        "written in DuckDB storage version v1.4.0 so DuckDB 1.4+ clients open it; <warehouse stem>_bi.duckdb "
        "next to the warehouse (MMSREPORT_BI_FILE), mode 0640 (MMSREPORT_BI_FILE_MODE), replaced atomically."
    ),
)
def readers_copy(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
    if warehouse.is_spark:
        return duckdb_only("the readers' copy")
    with warehouse.writing():  # one writer of the files beside the warehouse at a time
        result = publish_readers_copy(warehouse.published, warehouse.readers_copy, dbt_project.manifest_path)
    progress_log.info("wrote the readers' copy (%d tables, %d rows, %.1f s) to %s", len(result.tables),
                      result.rows, result.seconds, result.path)
    return MaterializeResult(metadata={
        "path": MetadataValue.path(str(result.path)),
        "tables": MetadataValue.int(len(result.tables)),
        "rows": MetadataValue.int(result.rows),
        "comments": MetadataValue.int(result.comments),
        "size_bytes": MetadataValue.int(result.size_bytes),
        "seconds": MetadataValue.float(round(result.seconds, 2)),
    })
