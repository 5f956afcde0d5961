#!/usr/bin/env bash
# Install the project with its pinned dependencies into .venv, lint, and run the tests.
#   ./scripts/test.sh                 everything (what CI runs)
#   ./scripts/test.sh --fast          the fast lane: pytest -m "not slow" (no real command, dbt build or browser)
#   ./scripts/test.sh [PYTEST ARGS]   any other arguments go to pytest, e.g. tests/test_loader.py -x
# pytest runs on MMSREPORT_TEST_WORKERS workers (default 2, pytest-xdist; 0 = in this process).
set -euo pipefail
cd "$(dirname "$0")/.."
FAST=0
if [ "${1:-}" = "--fast" ]; then
    FAST=1
    shift
    set -- -m "not slow" "$@"
fi
PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null || PYTHON=python3
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -c constraints.txt -e ".[dev]"
# The site's browser tests drive Debian's chromium through Playwright (its own browser download
# cannot be fetched here); install it on a clean machine.
[ "$FAST" = 1 ] || command -v chromium >/dev/null || \
    (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium)
# With the browser installed, the browser tests must run: never skipped in the full suite.
[ "$FAST" = 1 ] || export MMSREPORT_REQUIRE_BROWSER=1
# The Spark engine's tests (pyspark 4) need Java 17; install Debian's headless runtime when missing.
[ "$FAST" = 1 ] || command -v java >/dev/null || \
    (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q openjdk-17-jre-headless)
echo "== ruff"
.venv/bin/ruff check .
echo "== dagster definitions validate"
root=$(pwd)
(cd /tmp && "$root/.venv/bin/dagster" definitions validate -m orchestration.definitions)
echo "== sqlfluff"
# The dbt templater opens the profile's database: lint against an in-memory one.
MMSREPORT_WAREHOUSE=:memory: .venv/bin/sqlfluff lint dbt_project/models dbt_project/tests --processes 2
echo "== pytest"
# Two workers (the machines have 2 cores; much of a test is single-threaded Python: dbt, Dagster, pytest).
# Each group of tests runs whole on one worker (shared builds are built once), longest first in the
# order of tests/conftest.py (--no-loadscope-reorder: xdist would otherwise order the groups by their
# number of tests, and the Spark module has 5). MMSREPORT_TEST_WORKERS=0 runs everything in this process.
.venv/bin/pytest -q -n "${MMSREPORT_TEST_WORKERS:-2}" --dist loadgroup --no-loadscope-reorder "$@"
