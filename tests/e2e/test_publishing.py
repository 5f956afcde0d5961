"""Issue 6: BI readers during a run, atomic publishing, a failed run, two runs at once (issue 16: the readers' copy)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import pytest

from tests.e2e.conftest import MMSREPORT, copy_days, copy_first_days, query, run_mmsreport

pytestmark = pytest.mark.slow  # runs the real command / dbt (the fast lane is -m 'not slow')

TOTALS = "select sum(messages_sent) as sent, count(*) as campaigns from marts.fct_campaign_overview"

@pytest.fixture(scope="module")
def two_drops(first_days, tmp_path_factory):
    """A landing folder with the first three days published, and the rest to add."""
    root = tmp_path_factory.mktemp("publishing")
    partial, warehouse = copy_first_days(first_days, root)
    return root, partial, warehouse


READER = textwrap.dedent("""
    import sys, duckdb
    con = duckdb.connect(sys.argv[1], read_only=True)
    query = sys.argv[2]
    for line in sys.stdin:
        print(con.execute(query).fetchone(), flush=True)
""")


def test_a_reader_keeps_its_consistent_numbers_during_a_run_and_new_readers_see_new_ones(two_drops, landing):
    root, partial, warehouse = two_drops
    before = query(warehouse, TOTALS)[0]
    reader = subprocess.Popen([sys.executable, "-c", READER, str(warehouse), TOTALS], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        reader.stdin.write("go\n")
        reader.stdin.flush()
        first = reader.stdout.readline().strip()

        all_days = sorted({d.name for e in landing.iterdir() for d in e.iterdir()})
        copy_days(landing, partial, all_days)
        result = run_mmsreport("run", "--landing", str(partial), "--warehouse", str(warehouse), cwd=root)
        assert result.returncode == 0, result.stderr  # the run succeeds while the reader holds the file

        reader.stdin.write("go\n")
        reader.stdin.flush()
        during = reader.stdout.readline().strip()
    finally:
        reader.stdin.close()
        reader.wait(timeout=30)
    assert first == during == str((before["sent"], before["campaigns"]))
    after = query(warehouse, TOTALS)[0]
    assert after["sent"] > before["sent"]


def test_a_failing_build_leaves_the_published_warehouse_as_it_was(two_drops):
    """A dbt test of error severity fails: nothing is published, the command says so and exits non-zero."""
    import duckdb

    root, partial, warehouse = two_drops
    before = warehouse.read_bytes()
    readers_copy = warehouse.with_name(f"{warehouse.stem}_bi.duckdb")
    readers_copy_before = readers_copy.read_bytes()
    working = warehouse.with_name(warehouse.name + ".work")
    # Simulate a bad value that slipped past the loader: a campaign of an unknown type.
    with duckdb.connect(str(working)) as con:
        load_id = con.execute("select max(load_id) + 1 from raw.load_log").fetchone()[0]
        con.execute("insert into raw.load_log (load_id, entity, path, content_hash, size_bytes, mtime_ns, "
                    "rows_loaded, rows_rejected, status, error, is_current, loaded_at) values "
                    "(?, 'campaigns', 'campaigns/injected.csv', 'x', 0, 0, 1, 0, 'loaded', null, true, now())",
                    [load_id])
        con.execute("insert into raw.campaigns (campaign_id, account_id, name, message_type, _load_id, "
                    "_source_file, _row_number, _loaded_at) values ('cmp_bad', 'acc_001', 'Bad', 'FAX', ?, "
                    "'campaigns/injected.csv', 1, now())", [load_id])
    try:
        result = run_mmsreport("run", "--landing", str(partial), "--warehouse", str(warehouse), cwd=root)
        assert result.returncode == 1
        assert "accepted_values" in result.stderr
        assert warehouse.read_bytes() == before
        assert readers_copy.read_bytes() == readers_copy_before  # the BI copy is not replaced either
    finally:
        with duckdb.connect(str(working)) as con:
            con.execute("delete from raw.campaigns where campaign_id = 'cmp_bad'")
            con.execute("delete from raw.load_log where path = 'campaigns/injected.csv'")


def test_two_runs_at_once_one_waits_out_with_a_clear_message(two_drops):
    root, partial, warehouse = two_drops
    args = [MMSREPORT, "run", "--landing", str(partial), "--warehouse", str(warehouse)]
    first = subprocess.Popen(args, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(1.0)
    second = subprocess.run(args, cwd=root, capture_output=True, text=True, timeout=300)
    first_out, first_err = first.communicate(timeout=600)
    assert first.returncode == 0, first_err
    assert second.returncode == 3
    assert "another run is building" in second.stderr
    assert query(warehouse, TOTALS)[0]["campaigns"] > 0
