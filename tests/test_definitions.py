"""The Dagster definitions: they load, the asset graph is as reviewed, schedule and sensor behave."""

from __future__ import annotations

import os
from pathlib import Path

from dagster import RunRequest, build_schedule_context, build_sensor_context

from orchestration.definitions import BUILD_JOB, build_definitions

SNAPSHOT = Path(__file__).parent / "snapshots" / "asset_graph.txt"


def _defs(tmp_path: Path):
    return build_definitions(tmp_path / "landing", tmp_path / "warehouse.duckdb", {"hard_bounce_threshold": 3})


def _graph_lines(defs) -> list[str]:
    graph = defs.resolve_asset_graph()
    lines = []
    for key in sorted(graph.get_all_asset_keys(), key=lambda k: k.to_user_string()):
        node = graph.get(key)
        parents = sorted(p.to_user_string() for p in node.parent_keys)
        lines.append(f"{key.to_user_string()} [{node.group_name}] <- {', '.join(parents) or '-'}")
    return lines


def test_the_asset_graph_matches_the_reviewed_snapshot(tmp_path):
    """An unintended change to the graph shows in review: run with UPDATE_SNAPSHOTS=1 to accept one."""
    lines = _graph_lines(_defs(tmp_path))
    if os.environ.get("UPDATE_SNAPSHOTS"):
        SNAPSHOT.write_text("\n".join(lines) + "\n")
    assert lines == SNAPSHOT.read_text().splitlines()


def test_every_mart_is_downstream_of_its_raw_assets(tmp_path):
    graph = _defs(tmp_path).resolve_asset_graph()
    keys = {k.to_user_string(): k for k in graph.get_all_asset_keys()}
    overview = keys["marts/fct_campaign_overview"]
    upstream = {k.to_user_string() for k in graph.upstream_key_iterator(overview)} if hasattr(
        graph, "upstream_key_iterator") else _ancestors(graph, overview)
    assert {"raw/messages", "raw/receipts", "raw/smpp_receipts", "raw/clicks", "raw/campaigns"} <= upstream


def test_only_staging_reads_raw(tmp_path):
    """The layers of the lineage: every asset with a raw parent is a staging model (or raw/load_log, which
    the raw assets write)."""
    graph = _defs(tmp_path).resolve_asset_graph()
    readers = {key.to_user_string() for key in graph.get_all_asset_keys()
               if any(parent.path[0] == "raw" for parent in graph.get(key).parent_keys)}
    assert readers
    assert {r for r in readers if not r.startswith("staging/")} == {"raw/contacts", "raw/orders", "raw/unsubscribes",
                                                                    "raw/load_log"}


def _ancestors(graph, key) -> set[str]:
    seen, todo = set(), [key]
    while todo:
        for parent in graph.get(todo.pop()).parent_keys:
            if parent.to_user_string() not in seen:
                seen.add(parent.to_user_string())
                todo.append(parent)
    return seen


def test_dbt_tests_are_asset_checks(tmp_path):
    graph = _defs(tmp_path).resolve_asset_graph()
    checks = {c.name for c in graph.asset_check_keys}
    assert any(name.startswith("unique_fct_messages_message_id") for name in checks)
    assert any("accepted_values" in name for name in checks)


def test_the_nightly_schedule_runs_the_build_job_at_two_utc(tmp_path):
    defs = _defs(tmp_path)
    schedule = defs.get_schedule_def("nightly_build")
    assert schedule.cron_schedule == "0 2 * * *"
    assert schedule.execution_timezone == "UTC"
    assert schedule.job_name == BUILD_JOB
    result = schedule.evaluate_tick(build_schedule_context())
    assert len(result.run_requests) == 1


def test_the_schedule_is_configurable_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("MMSREPORT_SCHEDULE_CRON", "30 4 * * *")
    assert _defs(tmp_path).get_schedule_def("nightly_build").cron_schedule == "30 4 * * *"


def test_the_sensor_is_off_by_default_and_fires_on_new_files(tmp_path):
    defs = _defs(tmp_path)
    sensor = defs.get_sensor_def("new_landing_files")
    assert sensor.default_status.value == "STOPPED"
    folder = tmp_path / "landing" / "messages" / "dt=2026-11-01"
    folder.mkdir(parents=True)
    (folder / "a.csv").write_text("message_id,campaign_id,contact_id,sent_at\nm1,c1,k1,2026-11-01T10:00:00Z\n")
    resources = {"warehouse": defs.resources["warehouse"]}

    first = sensor.evaluate_tick(build_sensor_context(resources=resources))
    assert [type(r) for r in first.run_requests] == [RunRequest]
    cursor = first.cursor

    again = sensor.evaluate_tick(build_sensor_context(cursor=cursor, resources=resources))
    assert not again.run_requests
    assert "no new or changed" in again.skip_message

    (folder / "b.csv").write_text("message_id,campaign_id,contact_id,sent_at\nm2,c1,k1,2026-11-01T11:00:00Z\n")
    after = sensor.evaluate_tick(build_sensor_context(cursor=cursor, resources=resources))
    assert len(after.run_requests) == 1
