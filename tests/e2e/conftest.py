"""End-to-end fixtures: generated landing data, built by the real `mmsreport` command.

One landing folder per test session; one warehouse per set of dbt variables,
built once and shared by the tests that need it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.reference.landing import read_landing

MMSREPORT = str(Path(sys.executable).parent / "mmsreport")
SEED, MESSAGES, DAYS = 7, 3000, 6


def run_mmsreport(*args: str, cwd: Path, env_extra: dict | None = None) -> subprocess.CompletedProcess:
    """The installed command, as a user runs it: another working directory, a non-UTC zone."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MMSREPORT_", "DAGSTER_"))}
    env.update({"TZ": "America/New_York", "XDG_STATE_HOME": str(cwd / "state")})
    env.update(env_extra or {})
    return subprocess.run([MMSREPORT, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="session")
def e2e_root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("e2e")


@pytest.fixture(scope="session")
def landing(e2e_root) -> Path:
    out = e2e_root / "landing"
    result = run_mmsreport("generate", "--out", str(out), "--seed", str(SEED), "--messages", str(MESSAGES),
                           "--days", str(DAYS), "--quiet", cwd=e2e_root)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="session")
def reference_landing(landing):
    return read_landing(landing)


def warehouse_builder(landing: Path, folder: Path, cwd: Path):
    """build(**vars) -> a warehouse in `folder` built from `landing` with those dbt vars by the real command,
    once per set of vars: the modules that only read a warehouse share it."""
    built: dict[tuple, Path] = {}

    def _build(**dbt_vars) -> Path:
        key = tuple(sorted(dbt_vars.items()))
        if key not in built:
            name = "_".join(f"{k}-{v}" for k, v in key) or "default"
            warehouse = folder / f"{name}.duckdb"
            args = ["run", "--landing", str(landing), "--warehouse", str(warehouse)]
            for k, v in key:
                args += ["--var", f"{k}={v}"]
            result = run_mmsreport(*args, cwd=cwd)
            assert result.returncode == 0, result.stdout + result.stderr
            built[key] = warehouse
        return built[key]

    return _build


@pytest.fixture(scope="session")
def build(e2e_root, landing):
    """build(**vars) -> path of a warehouse built from the session's landing data with those dbt vars."""
    yield warehouse_builder(landing, e2e_root / "warehouses", e2e_root)
    shutil.rmtree(e2e_root / "warehouses", ignore_errors=True)


def query(warehouse: Path, sql: str, params=None) -> list[dict]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        con.execute("set TimeZone = 'UTC'")
        cursor = con.execute(sql, params or [])
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


FIRST_DAYS = ("dt=2026-11-01", "dt=2026-11-02", "dt=2026-11-03")


def copy_days(source: Path, target: Path, days) -> None:
    """Copy the `dt=` folders named in `days` of every entity from one landing folder to another."""
    for entity_dir in source.iterdir():
        for day in entity_dir.iterdir():
            if day.name in days:
                shutil.copytree(day, target / entity_dir.name / day.name, dirs_exist_ok=True)


@pytest.fixture(scope="session")
def first_days(e2e_root, landing) -> tuple[Path, Path]:
    """A landing folder holding the first three days, built into a warehouse by the real command, once per
    session: a module that runs on it takes its own copy (copy_first_days)."""
    root = e2e_root / "first_days"
    partial = root / "landing"
    partial.mkdir(parents=True)
    copy_days(landing, partial, FIRST_DAYS)
    warehouse = root / "warehouse.duckdb"
    result = run_mmsreport("run", "--landing", str(partial), "--warehouse", str(warehouse), cwd=root)
    assert result.returncode == 0, result.stderr
    return partial, warehouse


def copy_first_days(first_days: tuple[Path, Path], root: Path) -> tuple[Path, Path]:
    """root/landing and root/warehouse.duckdb: a copy of the first-days landing folder and of everything the
    run wrote next to its warehouse (working file, readers' copy, site, export; not the lock files)."""
    partial, warehouse = first_days
    shutil.copytree(partial, root / "landing")
    for path in warehouse.parent.glob(f"{warehouse.stem}*"):
        if path.is_dir():
            shutil.copytree(path, root / path.name)
        elif not path.name.endswith(".lock"):
            shutil.copy2(path, root / path.name)
    return root / "landing", root / warehouse.name

