"""`mmsreport run` reads its own dbt invocation's results and prunes only finished, old target folders.

Two runs on different warehouses may share an installation (and its dbt target folder) at once.
"""

from __future__ import annotations

import json
import os
import time
from types import SimpleNamespace

from orchestration.cli import run_job
from orchestration.defs import dbt_project as dbt_project_module


def _invocation(target, name, results=None, age=0.0):
    folder = target / name
    folder.mkdir(parents=True)
    if results is not None:
        (folder / "run_results.json").write_text(json.dumps({"results": results}))
    stamp = time.time() - age
    for path in [*folder.iterdir(), folder]:
        os.utime(path, (stamp, stamp))
    return folder


def test_prune_keeps_recent_finished_and_every_unfinished_folder(tmp_path):
    finished = [_invocation(tmp_path, f"dbt_models-run{i:04d}-aaaaaaa", [], age=100 - i) for i in range(5)]
    running = _invocation(tmp_path, "dbt_models-running-bbbbbbb", age=3600)  # another run, still writing
    crashed = _invocation(tmp_path, "dbt_models-crashed-ccccccc", age=3 * 86400)
    run_job._prune_old_run_folders(tmp_path, keep=3)
    assert [p.exists() for p in finished] == [False, False, True, True, True]
    assert running.exists() and not crashed.exists()


def test_results_are_this_runs_own(tmp_path, monkeypatch):
    monkeypatch.setattr(dbt_project_module, "dbt_project", SimpleNamespace(target_path=tmp_path))
    ours = [{"unique_id": "model.p.a", "status": "success"}, {"unique_id": "test.p.t", "status": "fail",
                                                              "message": "Got 1 result"}]
    _invocation(tmp_path, "dbt_models-1234567-aaaaaaa", ours, age=10)
    _invocation(tmp_path, "dbt_models-7654321-bbbbbbb", [{"unique_id": "model.p.b", "status": "error"}])
    summary = run_job.RunSummary(success=True, seconds=1.0, log_file=tmp_path / "log")
    run_job._collect_dbt_results(summary, "1234567-89ab-cdef")
    assert summary.dbt_counts == {"models success": 1, "tests fail": 1}
    assert summary.dbt_failures == ["test.p.t: Got 1 result"]
