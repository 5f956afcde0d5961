"""Loading alone: every entity of a landing folder into a fresh warehouse, timed per entity.

    python -m bench.loading LANDING WAREHOUSE

The raw assets' order (accounts first: phone numbers need their regions), one connection,
as `mmsreport run` loads. Prints a JSON object: seconds per entity, files, rows and the total.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from orchestration.ingestion.loader import connect, load_entity
from orchestration.ingestion.raw_schema import ENTITIES


def load_all(landing: Path, warehouse: Path) -> dict:
    if warehouse.exists():
        warehouse.unlink()
    started = time.perf_counter()
    con = connect(warehouse)
    result: dict = {"entities": {}}
    try:
        for entity in ENTITIES:
            t0 = time.perf_counter()
            summary = load_entity(con, landing, entity)
            result["entities"][entity] = {
                "files": summary.count("loaded"), "failed": summary.count("failed"),
                "rows": summary.rows_loaded, "rejected": summary.rows_rejected,
                "seconds": round(time.perf_counter() - t0, 3),
            }
    finally:
        con.close()
    result["seconds"] = round(time.perf_counter() - started, 3)
    for key in ("files", "failed", "rows", "rejected"):
        result[key] = sum(e[key] for e in result["entities"].values())
    return result


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2:
        print("usage: python -m bench.loading LANDING WAREHOUSE", file=sys.stderr)
        return 2
    print(json.dumps(load_all(Path(argv[0]), Path(argv[1]))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
