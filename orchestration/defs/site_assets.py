"""The campaign report site, rebuilt from the published warehouse after every build (issue 9)."""

import logging

from dagster import AssetExecutionContext, AssetKey, MaterializeResult, MetadataValue, asset

from orchestration.defs.publish_assets import published_warehouse
from orchestration.defs.resources import WarehouseResource, duckdb_only
from orchestration.site import build_site

progress_log = logging.getLogger("mmsreport.progress")

SITE_KEY = AssetKey(["reports", "site"])


@asset(
    key=SITE_KEY,
    group_name="publish",
    deps=[published_warehouse],
    kinds={"html"},
    description=(
        "The campaign report site: static HTML pages (campaign list, one page per campaign with the message "
        "preview, tiles, charts and paginated delivery tabs, one suppression list per account) built from the "
        "marts of the published warehouse, opened read-only. Written to the warehouse resource's site_dir "
        "(MMSREPORT_SITE; default <warehouse stem>_site/ next to the warehouse) and swapped into place when "
        "complete; pages of campaigns and accounts whose data did not change are reused from the previous site "
        "(incremental; .build-manifest.json). Open index.html in a browser: no server needed."
    ),
)
def report_site(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
    if warehouse.is_spark:
        return duckdb_only('the report site')
    result = build_site(warehouse.published, warehouse.site)
    progress_log.info("wrote the report site (%d pages; %d of %d campaigns re-rendered) to %s", result.pages,
                      result.campaigns_rendered, result.campaigns_rendered + result.campaigns_reused, result.out)
    return MaterializeResult(metadata={
        "path": MetadataValue.path(str(result.out / "index.html")),
        "pages": MetadataValue.int(result.pages),
        "data_files": MetadataValue.int(result.data_files),
        "files": MetadataValue.int(result.files),
        "size_bytes": MetadataValue.int(result.bytes),
        "largest_page_bytes": MetadataValue.int(result.largest_page_bytes),
        "seconds": MetadataValue.float(round(result.seconds, 2)),
        "campaigns_rendered": MetadataValue.int(result.campaigns_rendered),
        "campaigns_reused": MetadataValue.int(result.campaigns_reused),
        "accounts_rendered": MetadataValue.int(result.accounts_rendered),
        "accounts_reused": MetadataValue.int(result.accounts_reused),
    })
