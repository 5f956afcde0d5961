"""Exports for other systems, written after every published build."""

import logging
from pathlib import Path

from dagster import AssetExecutionContext, AssetKey, MaterializeResult, MetadataValue, asset

from orchestration.defs.publish_assets import published_warehouse
from orchestration.defs.resources import WarehouseResource, duckdb_only
from orchestration.publish.suppressions import write_suppressions_export

progress_log = logging.getLogger("mmsreport.progress")

SUPPRESSIONS_EXPORT_KEY = AssetKey(["exports", "suppressions"])


def suppressions_export_path(published: Path) -> Path:
    """`<published stem>.suppressions.csv` next to the published warehouse (data/warehouse.suppressions.csv)."""
    return published.with_name(f"{published.stem}.suppressions.csv")


@asset(
    key=SUPPRESSIONS_EXPORT_KEY,
    group_name="publish",
    deps=[published_warehouse],
    kinds={"csv"},
    description=(
        "The hard-bounce suppression list for the sending platform (docs/RULES.md, Suppression): the suppressed "
        "contacts of "
        "marts.contact_suppressions with their E.164 number, written atomically, owner-only, next to the "
        "published warehouse as <warehouse stem>.suppressions.csv (the same file as "
        "`mmsreport export-suppressions`)."
    ),
)
def suppressions_export(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
    if warehouse.is_spark:
        return duckdb_only('the suppression export')
    out = suppressions_export_path(warehouse.published)
    with warehouse.writing():  # one writer of the files beside the warehouse at a time
        result = write_suppressions_export(warehouse.published, out)
    progress_log.info("exported %d suppressed contacts to %s", result.rows, out)
    return MaterializeResult(metadata={
        "path": MetadataValue.path(str(out)),
        "rows": MetadataValue.int(result.rows),
        "missing_numbers": MetadataValue.int(result.missing_numbers),
    })
