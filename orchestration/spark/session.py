"""The Spark session of a warehouse folder, configured from profiles.yml's `spark` target.

dbt-spark (method `session`) builds its session from the target's `server_side_parameters`; the
loader and the tests build theirs from the same settings, rendered here, so the master, warehouse
directory, metastore and time zone are written once (profiles.yml).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from orchestration.paths import REPO_ROOT

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

# dbt-spark forces this on every session it opens (dbt/adapters/spark/connections.py).
DBT_SPARK_FORCED = {"spark.sql.ansi.enabled": "false"}


def spark_settings(warehouse: Path, master: str | None = None) -> dict[str, str]:
    """The Spark configuration dbt uses for `warehouse` (a folder), with `master` if given."""
    from dbt.config.renderer import ProfileRenderer
    from dbt_common.context import set_invocation_context

    env = dict(os.environ, MMSREPORT_WAREHOUSE=str(Path(warehouse).resolve()))
    if master:
        env["MMSREPORT_SPARK_MASTER"] = master
    set_invocation_context(env)
    profile = yaml.safe_load((REPO_ROOT / "profiles.yml").read_text(encoding="utf-8"))
    target = ProfileRenderer({}).render_data(profile["mmsreport"]["outputs"]["spark"])
    settings = {str(key): str(value) for key, value in target["server_side_parameters"].items()}
    return settings | DBT_SPARK_FORCED


@contextmanager
def spark_session(warehouse: Path, master: str | None = None) -> Iterator[SparkSession]:
    """A Spark session on `warehouse`. On exit the session stops and its JVM ends: the embedded
    Derby metastore stays locked until then, and dbt (another process) must open it next."""
    from pyspark import SparkContext
    from pyspark.sql import SparkSession

    # Python tasks (the loader's readers) run in this environment unless the cluster says otherwise.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.enableHiveSupport()
    for key, value in spark_settings(warehouse, master).items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    try:
        yield spark
    finally:
        spark.stop()
        gateway = SparkContext._gateway
        if gateway is not None:
            gateway.shutdown()
            process = getattr(gateway, "proc", None)
            if process is not None:  # the JVM exits when its stdin closes
                process.stdin.close()
                process.wait(timeout=60)
            SparkContext._gateway = None
            SparkContext._jvm = None


def duckdb_and_spark_arguments(doc: str, argv: list[str] | None) -> argparse.Namespace:
    """Command-line arguments of the DuckDB-to-Spark helpers: duckdb_file, warehouse, spark_master."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("duckdb_file", type=Path)
    parser.add_argument("warehouse", type=Path, help="Spark warehouse folder")
    parser.add_argument("--spark-master")
    return parser.parse_args(argv)
