"""Where things are: the repository's dbt project, default landing/warehouse, Dagster state."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_LANDING = "data/landing"
DEFAULT_WAREHOUSE = "data/warehouse.duckdb"
# Everything the dbt build reads besides the warehouse: the project, its seeds and its profile.
DBT_SOURCES = ("dbt_project", "seeds", "dbt_project.yml", "profiles.yml")


def default_memory_limit() -> str:
    """The default DuckDB memory limit: the fallback of env_var('MMSREPORT_MEMORY_LIMIT', ...) in
    profiles.yml, the one place it is written (dbt reads it there, the loader here)."""
    profile = (REPO_ROOT / "profiles.yml").read_text(encoding="utf-8")
    return re.search(r"env_var\('MMSREPORT_MEMORY_LIMIT',\s*'([^']+)'\)", profile).group(1)


def dbt_source_files() -> list[Path]:
    """The files of the dbt project, its seeds and profile, in a stable order."""
    files = []
    for name in DBT_SOURCES:
        path = REPO_ROOT / name
        files.extend([path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file()))
    return files


ENGINES = ("duckdb", "spark")


def engine_from_environment() -> str:
    """MMSREPORT_ENGINE (any case), else duckdb; not checked here (the CLI and the definitions say what is wrong)."""
    return os.environ.get("MMSREPORT_ENGINE", "").strip().lower() or "duckdb"


def default_landing() -> Path:
    return Path(os.environ.get("MMSREPORT_LANDING", DEFAULT_LANDING)).expanduser().resolve()


def default_warehouse() -> Path:
    return Path(os.environ.get("MMSREPORT_WAREHOUSE", DEFAULT_WAREHOUSE)).expanduser().resolve()


def dagster_home() -> Path:
    """DAGSTER_HOME if set, else a per-user state folder (XDG), created on demand, owner-only.

    Its event logs and compute logs hold file paths and error texts of every run: 0700.
    """
    if os.environ.get("DAGSTER_HOME"):
        home = Path(os.environ["DAGSTER_HOME"])
        home.mkdir(mode=0o700, parents=True, exist_ok=True)
    else:
        state = Path(os.environ.get("XDG_STATE_HOME", Path.home() / ".local" / "state"))
        home = state / "mmsreport" / "dagster"
        home.mkdir(mode=0o700, parents=True, exist_ok=True)
        for folder in (home, home.parent):  # ours: owner-only even if an older version made them 0755
            folder.chmod(0o700)
    config = home / "dagster.yaml"
    if not config.exists() or config.read_text() == OLD_INSTANCE_CONFIG:
        config.write_text(_instance_config(home))
    return home


# dagster.yaml as versions before the pooled event log wrote it: replaced. Any other existing
# dagster.yaml is the user's and left alone.
OLD_INSTANCE_CONFIG = "telemetry:\n  enabled: false\n"


def _instance_config(home: Path) -> str:
    """No telemetry (warehouses run on closed networks); Dagster's SQLite event log in its default
    place, with pooled connections (orchestration/dagster_storage.py)."""
    return OLD_INSTANCE_CONFIG + (
        "event_log_storage:\n"
        "  module: orchestration.dagster_storage\n"
        "  class: PooledSqliteEventLogStorage\n"
        "  config:\n"
        f"    base_dir: {json.dumps(str(home / 'history' / 'runs'))}\n"
    )


def log_dir() -> Path:
    """Where `mmsreport run` keeps the full dbt/Dagster output of each run."""
    path = dagster_home().parent / "logs"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.chmod(0o700)
    for log in path.iterdir():  # owner-only, also files an older version created 0644
        if log.is_file():
            log.chmod(0o600)
    return path
