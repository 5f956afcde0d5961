"""One large CSV file of messages, loaded under a memory limit (issue 8).

    .venv/bin/python -m bench.large_file --gb 3 --memory-limit 3GB --workdir /tmp/large-file

writes a single `messages` CSV of about the given size, loads it with the real
loader in a child process with `MMSREPORT_MEMORY_LIMIT`, and prints the rows
loaded, the time and the child's peak RSS. tests/test_large_file.py runs it small.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import duckdb

BYTES_PER_ROW = 185  # of the rows written below, measured


def write_messages_csv(path: Path, rows: int) -> None:
    """`rows` valid messages in one CSV file, written by DuckDB."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect() as con:
        rows_sql = con.sql(
            "select 'm' || i as message_id, 'cmp_' || (i % 50) as campaign_id, "
            "'c' || (i % 100000) as contact_id, timestamp '2026-11-01' + to_seconds(i % 86400) as sent_at, "
            "repeat('Hello there, this is a long body of a message ', 3) as body, 1 as segments "
            "from range(?) t(i)", params=[rows])
        rows_sql.write_csv(str(path), header=True)


CHILD = """
import json, resource, sys, time
from orchestration.ingestion.loader import connect, load_entity
con = connect(sys.argv[1])
started = time.monotonic()
summary = load_entity(con, sys.argv[2], "messages")
print(json.dumps({"rows_loaded": summary.rows_loaded, "rows_rejected": summary.rows_rejected,
                  "failures": [f.error for f in summary.failures], "seconds": time.monotonic() - started,
                  "peak_rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))
"""


def load_in_child(warehouse: Path, landing: Path, memory_limit: str) -> dict:
    """Load the landing folder's messages in a child process; its result and its own peak RSS in bytes."""
    env = {"MMSREPORT_MEMORY_LIMIT": memory_limit, "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", CHILD, str(warehouse), str(landing)], env=env,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gb", type=float, default=3.0, help="size of the CSV file in GB (default 3)")
    parser.add_argument("--memory-limit", default="3GB", help="MMSREPORT_MEMORY_LIMIT for the load (default 3GB)")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/large-file"))
    args = parser.parse_args(argv)
    rows = int(args.gb * 1e9 / BYTES_PER_ROW)
    csv = args.workdir / "landing" / "messages" / "big.csv"
    started = time.monotonic()
    write_messages_csv(csv, rows)
    print(f"wrote {csv} ({csv.stat().st_size / 1e9:.2f} GB, {rows:,} rows) in {time.monotonic() - started:.0f} s")
    warehouse = args.workdir / "warehouse.duckdb"
    for stale in args.workdir.glob("warehouse.duckdb*"):
        stale.unlink()
    result = load_in_child(warehouse, csv.parents[1], args.memory_limit)
    print(f"loaded {result['rows_loaded']:,} rows ({result['rows_rejected']} rejected) in {result['seconds']:.0f} s "
          f"with memory_limit {args.memory_limit}: peak RSS {result['peak_rss'] / 2**30:.2f} GiB")
    return 0 if result["rows_loaded"] == rows and not result["failures"] else 1


if __name__ == "__main__":
    sys.exit(main())
