"""Every dbt unit test (`unit_tests:` in the model yml files), run with the real dbt CLI.

Nightly builds skip unit tests (they test the SQL, not the data); this runs them
against an empty warehouse: raw tables created, seeds loaded, models built empty.
"""

from __future__ import annotations

import os
import re
import subprocess

import duckdb
import pytest

from orchestration.defs.dbt_project import dbt_executable
from orchestration.ingestion.raw_schema import ensure_raw_schema
from orchestration.paths import REPO_ROOT

pytestmark = pytest.mark.slow  # runs every dbt unit test with the real dbt (the fast lane is -m 'not slow')


def _dbt(*args: str, env: dict, target) -> subprocess.CompletedProcess:
    return subprocess.run(
        [dbt_executable(), *args, "--project-dir", str(REPO_ROOT), "--profiles-dir", str(REPO_ROOT),
         "--target-path", str(target), "--log-path", str(target)],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=900,
    )


def test_every_dbt_unit_test_passes(tmp_path):
    warehouse = tmp_path / "unit.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        ensure_raw_schema(con)
    env = {**os.environ, "MMSREPORT_WAREHOUSE": str(warehouse)}
    target = tmp_path / "target"
    built = _dbt("build", "--empty", "--exclude-resource-type", "unit_test", "--exclude-resource-type", "test",
                 env=env, target=target)
    assert built.returncode == 0, built.stdout[-4000:]
    tested = _dbt("test", "--select", "test_type:unit", env=env, target=target)
    assert tested.returncode == 0, tested.stdout[-6000:]
    done = re.search(r"PASS=(\d+) WARN=(\d+) ERROR=(\d+) SKIP=(\d+) NO-OP=\d+ TOTAL=(\d+)", tested.stdout)
    passed, warned, errors, skipped, total = map(int, done.groups())
    assert passed == total and errors == skipped == warned == 0
    assert total >= 30  # every rule of docs/RULES.md has its hand-made case
