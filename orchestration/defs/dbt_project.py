"""The dbt project as Dagster sees it: built once, manifest kept fresh."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from dagster_dbt import DbtProject

from orchestration.paths import REPO_ROOT, dbt_source_files


def dbt_executable() -> str:
    """The dbt of this environment (dagster-dbt needs one; never a random one on PATH)."""
    candidate = Path(sys.executable).parent / "dbt"
    return str(candidate) if candidate.exists() else "dbt"


dbt_project = DbtProject(project_dir=REPO_ROOT, profiles_dir=REPO_ROOT, target_path=REPO_ROOT / "target")


def _newest_source_mtime() -> float:
    return max((file.stat().st_mtime for file in dbt_source_files()), default=0.0)


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


PARTIAL_PARSE_FILE = "partial_parse.msgpack"


def keep_parse_state(run_target: Path) -> None:
    """Keep a successful build's parse state where dagster-dbt looks for it next time.

    dagster-dbt gives every run its own target folder and seeds it with
    `target/partial_parse.msgpack`. dbt only reuses that state when the profile
    (the warehouse path) and the vars are the same, which is the nightly case:
    the next run then skips a full re-parse of the project.
    """
    source = Path(run_target) / PARTIAL_PARSE_FILE
    if not source.exists():
        return
    target = Path(dbt_project.target_path)
    with tempfile.NamedTemporaryFile(dir=target, prefix=".partial-parse-", delete=False) as scratch:
        scratch.write(source.read_bytes())
    os.replace(scratch.name, target / PARTIAL_PARSE_FILE)
