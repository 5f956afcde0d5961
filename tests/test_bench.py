"""The benchmark harness (bench/, issue 7) end to end at a tiny size."""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

import pytest

from bench import dbtlog, report, run_bench
from bench.measure import run_measured

TABLE_ROWS = ("| T | B0 |", "| T | B1 |", "| T | B2 |", "| T | B3 |", "| T | B4 |")


def _run_harness(tmp_path: Path, *extra: str) -> tuple[str, dict]:
    results = tmp_path / "RESULTS.md"
    code = run_bench.main([
        "--size", "T=5000:5", "--sizes", "T", "--repeats", "1", "--warmup", "0",
        "--workdir", str(tmp_path / "work"), "--results", str(results), "--retries", "0", *extra,
    ])
    assert code == 0
    return results.read_text(), json.loads((tmp_path / "work" / "results.json").read_text())


@pytest.mark.slow
def test_harness_end_to_end_against_the_real_product(tmp_path):
    """The whole harness at a tiny size, with the real `mmsreport run` (no stand-in)."""
    text, results = _run_harness(tmp_path)
    for row in TABLE_ROWS:
        assert row in text, f"missing {row!r} in RESULTS.md"
    for section in ("## Machine", "## Versions", "## Data", "## Times", "## Ratios", "## Scaling", "## Targets",
                    "## Disk", "## Where the time goes", "## Baseline against the product"):
        assert section in text
    for label, *_ in report.TARGETS:
        assert label in text
    size = results["sizes"]["T"]
    assert set(size["summary"]) == set(run_bench.DEFAULT_BENCHMARKS)
    for bench, summary in size["summary"].items():
        assert summary["n"] == 1 and summary["failed"] == 0, bench
        assert summary["median"] > 0 and summary["peak_rss"] > 0, bench
    # B0 read every row the generator wrote.
    assert size["details"]["B0"]["rows"] == sum(size["landing"]["rows"].values())
    assert size["nightly"]["new_files"] > 0 and size["nightly"]["history_days"] == 4
    dbt = size["details"]["B2"][-1]["dbt"]
    assert dbt["nodes"] > 0 and dbt["finished_seconds"]


def test_measure_reports_time_memory_and_stderr_lines(tmp_path):
    code = ("import sys, time; b = bytearray(64 * 2**20); print('hello'); "
            "print('dbt build', file=sys.stderr); time.sleep(0.3); sys.exit(3)")
    m = run_measured([sys.executable, "-c", code], log=tmp_path / "log.txt")
    assert m.returncode == 3 and not m.ok
    assert m.seconds >= 0.3
    assert m.peak_rss >= 64 * 2**20
    assert m.stdout.strip() == "hello"
    assert [line for _, line in m.marks] == ["dbt build"]
    assert "exit 3" in (tmp_path / "log.txt").read_text()


def test_a_run_does_not_report_the_harness_own_peak_memory(tmp_path):
    """Linux hands a parent's high-water mark to each child it starts: a tiny command run after the
    harness once held 1 GiB more than it holds now must not be reported at that peak. (The child
    still starts from the harness's current RSS, which the reset keeps.)"""
    held = bytearray(2**30)
    held[:: 4096] = b"x" * len(held[:: 4096])  # touch every page so that it counts as resident
    del held
    m = run_measured([sys.executable, "-c", "pass"], log=tmp_path / "log.txt")
    assert m.ok
    assert m.peak_rss < _own_rss() + 2**28


def _own_rss() -> int:
    """This process's resident memory now, in bytes."""
    status = Path("/proc/self/status").read_text()
    return int(status.split("VmRSS:")[1].split()[0]) * 1024


def test_dbt_log_parsing_and_phases():
    log = textwrap.dedent("""
        Running with dbt=1.11.16
        2 of 6 PASS stg_raw__accounts::stg_raw__accounts_defaults ................. [PASS in 0.27s]
        4 of 6 OK created sql view model staging.stg_raw__accounts ................ [OK in 0.10s]
        5 of 6 OK created sql table model intermediate.int_messages_classified .... [OK in 3.21s]
        6 of 6 PASS not_null_stg_raw__accounts_account_id ......................... [PASS in 0.07s]
        7 of 6 FAIL 2 unique_fct_messages_message_id .............................. [FAIL 2 in 0.50s]
        1 of 6 OK loaded seed file staging.delivery_status_map .................... [INSERT 59 in 0.20s]

        Finished running 1 seed, 1 table model in 0 hours 0 minutes and 4.50 seconds (4.50s).
    """)
    parsed = dbtlog.parse_dbt_log(log)
    assert parsed["finished_seconds"] == 4.5
    assert parsed["nodes"] == 6
    assert parsed["slowest"][0]["name"] == "intermediate.int_messages_classified"
    assert parsed["by_kind"]["table models"]["seconds"] == 3.21
    assert parsed["by_kind"]["unit tests"]["nodes"] == 1
    assert parsed["by_kind"]["data tests"]["nodes"] == 2
    assert parsed["by_kind"]["seeds"]["nodes"] == 1
    assert [n["name"] for n in parsed["not_ok"]] == ["unique_fct_messages_message_id"]

    marks = [(1.0, "Building x"), (2.0, "  loaded accounts/a.csv (4 rows, 0 rejected)"),
             (5.0, "dbt build (seeds, models and tests)..."), (12.0, "published x")]
    p = dbtlog.phases(marks, 13.0, 4.5)
    assert p == {"start": 2.0, "load": 3.0, "dbt nodes": 4.5, "dbt overhead + publish": 2.5, "finish": 1.0,
                 "total": 13.0}


def test_load_breakdown_attributes_time_between_progress_lines():
    marks = [(0.1, "Building w from l"), (9.0, "  loaded accounts/dt=2026-11-01/a.csv (4 rows, 0 rejected)"),
             (9.5, "  loaded messages/dt=2026-11-01/m.csv.gz (100 rows, 1 rejected)"),
             (10.5, "  loaded messages/dt=2026-11-02/m.parquet (50 rows, 0 rejected)"),
             (11.0, "dbt build (seeds, models and tests)...")]
    load = dbtlog.load_breakdown(marks)
    assert load["by_entity"] == {"messages": {"files": 2, "rows": 150, "seconds": 1.5}}
    assert load["by_format"]["csv.gz"] == {"files": 1, "rows": 100, "seconds": 0.5}
    assert load["by_format"]["parquet"] == {"files": 1, "rows": 50, "seconds": 1.0}


def test_load_breakdown_from_per_entity_lines():
    marks = [(0.2, "Building w from l"),
             (6.0, "  raw.accounts          2 new files,         5 rows,     0 rejected,    0 unchanged"),
             (9.0, "  raw.campaigns       178 new files,       246 rows,     2 rejected,    0 unchanged"),
             (40.0, "  raw.messages        268 new files, 1,000,942 rows,   932 rejected,    0 unchanged"),
             (41.0, "dbt build (seeds, models and tests)..."), (60.0, "published w")]
    load = dbtlog.load_breakdown(marks)
    assert load["by_entity"] == {"campaigns": {"files": 178, "rows": 246, "seconds": 3.0},
                                 "messages": {"files": 268, "rows": 1000942, "seconds": 31.0}}
    assert load["by_format"] == {}
    p = dbtlog.phases(marks, 62.0, 15.0)
    assert p["start"] == 6.0 and p["load"] == 35.0 and p["dbt overhead + publish"] == 4.0
