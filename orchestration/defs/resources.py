"""Configuration shared by every asset: where the landing zone and warehouse are."""

import json
import logging
from contextlib import contextmanager
from pathlib import Path

from dagster import ConfigurableResource, MaterializeResult

from orchestration.publish.readers_copy import default_readers_copy_path
from orchestration.publish.warehouse import WarehouseLock, wait_for_other_writers, working_path
from orchestration.site.assemble import default_site_dir
from orchestration.variables import validated

progress_log = logging.getLogger("mmsreport.progress")


def duckdb_only(what: str) -> MaterializeResult:
    """The result of a step that reads or writes DuckDB files, on the Spark engine: skipped, and said so."""
    progress_log.info("%s: skipped on the Spark engine (it reads the DuckDB warehouse file)", what)
    return MaterializeResult(metadata={"skipped": f"{what}: DuckDB engine only"})


class WarehouseResource(ConfigurableResource):
    """Landing folder, published warehouse file and dbt variables (docs/RULES.md, Commands and variables).

    Assets write to the working database beside the published file; the publish
    asset copies it into place once everything is built and tested.
    """

    landing_dir: str
    warehouse_path: str
    dbt_vars_json: str = "{}"
    site_dir: str = ""  # the report site folder; empty: MMSREPORT_SITE, else <warehouse stem>_site/ beside it
    bi_file: str = ""  # the readers' copy; empty: MMSREPORT_BI_FILE, else <warehouse stem>_bi.duckdb beside it
    engine: str = "duckdb"  # duckdb: warehouse_path is a DuckDB file; spark: a Spark warehouse folder
    spark_master: str = ""  # the Spark cluster; empty: MMSREPORT_SPARK_MASTER, else local[*]

    @property
    def is_spark(self) -> bool:
        return self.engine == "spark"

    @property
    def dbt_vars(self) -> dict:
        """The configured dbt variables, checked (a bad value fails the asset before it writes anything)."""
        return validated(json.loads(self.dbt_vars_json))

    @property
    def published(self) -> Path:
        return Path(self.warehouse_path)

    @property
    def site(self) -> Path:
        return Path(self.site_dir) if self.site_dir else default_site_dir(self.published)

    @property
    def readers_copy(self) -> Path:
        return Path(self.bi_file) if self.bi_file else default_readers_copy_path(self.published)

    @property
    def working(self) -> Path:
        return working_path(self.published)

    @contextmanager
    def writing(self):
        """One writer at a time on the working database, across runs and processes.

        Also waits for a process our locks do not cover: a dbt child that outlived a killed run.
        """
        with WarehouseLock(self.published, wait=True, suffix=".writer.lock"):
            if self.is_spark:  # Spark writes its tables in place (docs/SCALING.md)
                yield self.published
                return
            wait_for_other_writers(self.working)
            yield self.working
