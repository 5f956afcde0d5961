"""The Spark session of a run: opened by the first raw asset, shared by the others, closed before dbt.

The build job runs its steps one after another in one process. Starting a JVM per entity would cost
seconds each, and the embedded Derby metastore admits one JVM at a time: dbt (another process)
can open the warehouse only once this session's JVM has ended.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path

from orchestration.spark.session import spark_session

_open: tuple[tuple[str, str | None], AbstractContextManager, object] | None = None
_run_caches: dict[str, dict] = {}


def shared_session(warehouse: Path, master: str | None = None):
    """The run's Spark session on `warehouse` (opened on first use, with raw's tables in place)."""
    global _open
    key = (str(Path(warehouse).resolve()), master)
    if _open is not None and _open[0] != key:
        close_shared_session()
    if _open is None:
        from orchestration.spark.loader import ensure_spark_raw

        context = spark_session(Path(warehouse), master)
        spark = context.__enter__()
        spark.sparkContext.setLogLevel("ERROR")
        _open = (key, context, spark)
        ensure_spark_raw(spark)
    return _open[2]


def run_cache(run_id: str) -> dict:
    """Reads the Spark loader shares between the entities of run `run_id`, never with another run."""
    if run_id not in _run_caches:
        _run_caches.clear()
        _run_caches[run_id] = {}
    return _run_caches[run_id]


def close_shared_session() -> None:
    """Stop the session and its JVM (releasing the metastore), if one is open."""
    global _open
    _run_caches.clear()
    if _open is not None:
        _, context, _ = _open
        _open = None
        context.__exit__(None, None, None)
