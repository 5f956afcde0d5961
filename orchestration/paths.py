"""Where things are: the repository's dbt project, default landing/warehouse, Dagster state."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_LANDING = "data/landing"
DEFAULT_WAREHOUSE = "data/warehouse.duckdb"
# Everything the dbt build reads besides the warehouse: the project, its seeds and its profile.
DBT_SOURCES = ("dbt_project", "seeds", "dbt_project.yml", "profiles.yml")


def dbt_source_files() -> list[Path]:
    """The files of the dbt project, its seeds and profile, in a stable order."""
    files = []
    for name in DBT_SOURCES:
        path = REPO_ROOT / name
        files.extend([path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file()))
    return files


def default_landing() -> Path:
    return Path(os.environ.get("MMSREPORT_LANDING", DEFAULT_LANDING)).expanduser().resolve()


def default_warehouse() -> Path:
    return Path(os.environ.get("MMSREPORT_WAREHOUSE", DEFAULT_WAREHOUSE)).expanduser().resolve()


def dagster_home() -> Path:
    """DAGSTER_HOME if set, else a per-user state folder (XDG), created on demand."""
    if os.environ.get("DAGSTER_HOME"):
        home = Path(os.environ["DAGSTER_HOME"])
    else:
        state = Path(os.environ.get("XDG_STATE_HOME", Path.home() / ".local" / "state"))
        home = state / "mmsreport" / "dagster"
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        # No telemetry from a warehouse that runs on closed networks.
        config.write_text("telemetry:\n  enabled: false\n")
    return home


def log_dir() -> Path:
    """Where `mmsreport run` keeps the full dbt/Dagster output of each run."""
    path = dagster_home().parent / "logs"
    path.mkdir(parents=True, exist_ok=True)
    return path
