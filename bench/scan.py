"""B0, the scan floor: read every landing file once with DuckDB, count rows and hash every value.

    python -m bench.scan LANDING

One query per format over the files of every entity: CSV (incl. .gz) with
read_csv(all_varchar), JSON Lines with read_json, Parquet with read_parquet,
SMPP text with read_csv as whole lines; each computes count(*) and
sum(hash(row)), so every column of every row is materialised. Prints a JSON
object: per format the files, rows, hash and seconds, and the totals.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import duckdb

from bench.landing import ENTITIES, csv_reader, json_reader, lines_reader, list_files, parquet_reader

READERS = {"csv": csv_reader, "json": json_reader, "parquet": parquet_reader, "lines": lines_reader}


def scan(landing: Path) -> dict:
    files = list_files(landing)
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    result: dict = {"formats": {}}
    started = time.perf_counter()
    for fmt, reader in READERS.items():
        paths = [p for entity in ENTITIES for p in files[entity][fmt]]
        if not paths:
            continue
        t0 = time.perf_counter()
        rows, digest = con.execute(f"select count(*), sum(hash(t)) from {reader(paths)} t").fetchone()
        result["formats"][fmt] = {
            "files": len(paths),
            "rows": int(rows),
            "hash": str(digest),
            "bytes": sum(p.stat().st_size for p in paths),
            "seconds": round(time.perf_counter() - t0, 3),
        }
    result["seconds"] = round(time.perf_counter() - started, 3)
    result["rows"] = sum(f["rows"] for f in result["formats"].values())
    result["files"] = sum(f["files"] for f in result["formats"].values())
    result["bytes"] = sum(f["bytes"] for f in result["formats"].values())
    con.close()
    return result


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print("usage: python -m bench.scan LANDING", file=sys.stderr)
        return 2
    print(json.dumps(scan(Path(argv[0]))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
