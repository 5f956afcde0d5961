"""B1, the baseline: run bench/baseline.sql against the landing files into a fresh DuckDB file.

    python -m bench.baseline LANDING OUT.duckdb

Replaces the script's @landing(<entity>), @lines(<entity>) and @seed(<name>)
placeholders (see bench/landing.py), runs its statements one by one and
prints a JSON object: seconds per statement, rows per mart, the file size.
"""

from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path

import duckdb

from bench.landing import lines_relation, list_files, relation

SCRIPT = Path(__file__).with_name("baseline.sql")
SEEDS = Path(__file__).resolve().parents[1] / "seeds"
MARTS = ("fct_messages", "fct_campaign_contacts", "fct_campaign_overview", "fct_order_attribution",
         "contact_suppressions")

_PLACEHOLDER = re.compile(r"@(landing|lines|seed)\((\w+)\)")


def render(landing: Path, script: str | None = None) -> str:
    """The baseline script with its placeholders replaced by readers of the files under `landing`."""
    files = list_files(landing)
    text = SCRIPT.read_text() if script is None else script

    def replace(match: re.Match) -> str:
        kind, name = match.groups()
        if kind == "seed":
            return "'" + str(SEEDS / f"{name}.csv").replace("'", "''") + "'"
        if name not in files:
            raise ValueError(f"unknown entity {name!r} in {match.group(0)}")
        return relation(name, files[name]) if kind == "landing" else lines_relation(name, files[name])

    return _PLACEHOLDER.sub(replace, text)


def _label(statement: str) -> str:
    words = " ".join(line for line in statement.splitlines() if not line.lstrip().startswith("--")).split()
    match = re.search(r"(?:table|macro)\s+([\w.]+)", " ".join(words[:8]))
    return match.group(1) if match else " ".join(words[:3])


def run(landing: Path, out: Path) -> dict:
    for stale in (out, out.with_name(out.name + ".wal")):
        stale.unlink(missing_ok=True)
    started = time.perf_counter()
    con = duckdb.connect(str(out))
    steps = []
    for statement in con.extract_statements(render(landing)):
        t0 = time.perf_counter()
        con.execute(statement)
        steps.append((_label(statement.query), round(time.perf_counter() - t0, 3)))
    seconds = time.perf_counter() - started
    rows = {mart: con.execute(f"select count(*) from marts.{mart}").fetchone()[0] for mart in MARTS}
    con.close()
    return {
        "seconds": round(seconds, 3),
        "rows": rows,
        "file_bytes": out.stat().st_size,
        "steps": [{"step": name, "seconds": secs} for name, secs in steps if secs >= 0.001],
    }


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2:
        print("usage: python -m bench.baseline LANDING OUT.duckdb", file=sys.stderr)
        return 2
    print(json.dumps(run(Path(argv[0]), Path(argv[1]))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
