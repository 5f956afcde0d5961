"""Test-session settings shared by every test folder.

Hypothesis profiles (issue 8, docs/RELIABILITY.md):

- `ci` (the default): a bounded number of examples per property, so the whole fuzz set
  (tests/test_fuzz_loaders.py, tests/test_fuzz_smpp.py) stays under about two minutes here.
- `long`: many more examples, for a night on a spare machine:

      HYPOTHESIS_PROFILE=long .venv/bin/pytest tests/test_fuzz_loaders.py tests/test_fuzz_smpp.py

  `MMSREPORT_FUZZ_EXAMPLES=N` overrides the number of examples of the `long` profile.
"""

from __future__ import annotations

import os
import sys

import pytest
from hypothesis import HealthCheck, settings
from ingestion_helpers import open_warehouse

_SLOW_OK = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]

# ci: derandomized, so CI runs the same examples every time; long: random, a new search each run.
settings.register_profile("ci", max_examples=60, deadline=None, suppress_health_check=_SLOW_OK,
                          print_blob=True, derandomize=True)
settings.register_profile("long", max_examples=int(os.environ.get("MMSREPORT_FUZZ_EXAMPLES", "500")),
                          deadline=None, suppress_health_check=_SLOW_OK, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


# Under `pytest -n 2 --dist loadgroup` (scripts/test.sh) each group runs whole on one worker, groups in
# the order of their first test. The end-to-end modules that share the session's builds
# (tests/e2e/conftest.py: `build`, `first_days`) form one group, so those builds are made once; every
# other module is a group of its own. The longest start first (scripts/test.sh passes
# --no-loadscope-reorder so that xdist keeps this order), so that no worker finishes alone at
# the end (measured with `pytest --durations=0`).
#
# The groups are given to xdist by our own scheduler, not by `xdist_group` marks: xdist 3.8 marks a
# group by renaming the test's nodeid, which pytest 9 no longer lets it do, so with the marks every
# test became a group of its own and the module fixtures (the Spark nights, ~13 min) were built on
# both workers.
OWN_DATA_E2E = {"tests/e2e/test_spark.py", "tests/e2e/test_incremental.py", "tests/e2e/test_provider_native.py"}
SHARED_BUILDS = "tests/e2e (shared builds)"
LONGEST_FIRST = [  # minutes under two workers (CI=true scripts/test.sh --durations=0)
    SHARED_BUILDS,  # ~17
    "tests/e2e/test_spark.py",  # ~15
    "tests/test_fault_injection.py",  # ~5
    "tests/e2e/test_incremental.py",
    "tests/test_bench.py",
    "tests/test_pii.py",
]


def group_of(nodeid: str) -> str:
    """The group of a test: its module, or SHARED_BUILDS for the e2e modules that share builds."""
    module = nodeid.split("::")[0]
    return SHARED_BUILDS if module.startswith("tests/e2e/") and module not in OWN_DATA_E2E else module


def pytest_collection_modifyitems(items):
    rank = {group: position for position, group in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(group_of(item.nodeid), len(rank)))  # stable: the others keep their order


def pytest_xdist_make_scheduler(config, log):
    """`--dist loadgroup`: xdist's scope scheduling, with group_of() as the scope."""
    if config.getoption("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class GroupScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return group_of(nodeid)

    return GroupScheduling(config, log)


def pytest_terminal_summary(terminalreporter):
    """How many kills tests/test_fault_injection.py made in each phase of a run."""
    module = sys.modules.get("test_fault_injection") or sys.modules.get("tests.test_fault_injection")
    line = module.kill_summary() if module else None
    if line:
        terminalreporter.write_sep("-", "fault injection")
        terminalreporter.write_line(line)


# The loader tests' fixtures (tests/test_loader.py, tests/test_provider_loaders.py): an empty landing
# folder and a fresh warehouse with the raw schema. A module or folder defining its own wins.
@pytest.fixture
def landing(tmp_path):
    path = tmp_path / "landing"
    path.mkdir()
    return path


@pytest.fixture
def con(tmp_path):
    connection = open_warehouse(tmp_path)
    yield connection
    connection.close()
