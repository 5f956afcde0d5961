"""The dbt project as Dagster sees it: built once, manifest kept fresh."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from dagster_dbt import DbtProject

from orchestration.paths import REPO_ROOT

DBT_SOURCES = ("dbt_project", "seeds", "dbt_project.yml", "profiles.yml")


def dbt_executable() -> str:
    """The dbt of this environment (dagster-dbt needs one; never a random one on PATH)."""
    candidate = Path(sys.executable).parent / "dbt"
    return str(candidate) if candidate.exists() else "dbt"


dbt_project = DbtProject(project_dir=REPO_ROOT, profiles_dir=REPO_ROOT, target_path=REPO_ROOT / "target")


def _newest_source_mtime() -> float:
    newest = 0.0
    for name in DBT_SOURCES:
        path = REPO_ROOT / name
        files = [path] if path.is_file() else path.rglob("*")
        for file in files:
            if file.is_file():
                newest = max(newest, file.stat().st_mtime)
    return newest


def ensure_manifest() -> Path:
    """Run `dbt parse` when the manifest is missing or older than the dbt sources."""
    manifest = dbt_project.manifest_path
    if manifest.exists() and manifest.stat().st_mtime >= _newest_source_mtime():
        return manifest
    target = Path(dbt_project.target_path)
    target.mkdir(parents=True, exist_ok=True)
    # Parse into a private folder, then rename: two processes starting at once never see half a manifest.
    with tempfile.TemporaryDirectory(prefix=".parse-", dir=target) as scratch:
        result = subprocess.run(
            [dbt_executable(), "parse", "--project-dir", str(REPO_ROOT), "--profiles-dir", str(REPO_ROOT),
             "--target-path", scratch, "--log-path", scratch, "--quiet"],
            cwd=REPO_ROOT, capture_output=True, text=True, check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"dbt parse failed:\n{result.stdout}\n{result.stderr}")
        os.replace(Path(scratch) / "manifest.json", manifest)
    return manifest
