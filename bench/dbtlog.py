"""Where the time of a `mmsreport run` goes: its progress lines and the dbt log of the run."""

from __future__ import annotations

import re
from collections import defaultdict

# "12 of 600 OK created sql table model intermediate.int_x ..... [OK in 3.21s]"
_NODE = re.compile(r"^\s*\d+ of \d+ (?P<body>.+?)\s*\.*\s*\[(?P<status>[A-Z]+)(?: \d+)? in (?P<secs>[\d.]+)s\]\s*$")
_FINISHED = re.compile(r"^Finished running .* \((?P<secs>[\d.]+)s\)\.?\s*$")


def _kind(body: str, name: str) -> str:
    if " model " in f" {body} ":
        match = re.search(r"sql (\w+) model", body)
        return f"{match.group(1) if match else 'other'} models"
    if "seed" in body:
        return "seeds"
    if "::" in name:
        return "unit tests"
    return "data tests"


def parse_dbt_log(text: str) -> dict:
    """Per-node timings of a dbt build log: totals by kind, the slowest nodes, dbt's own total."""
    nodes = []
    finished = None
    for line in text.splitlines():
        match = _NODE.match(line)
        if match:
            body = match.group("body")
            name = body.split()[-1]
            nodes.append({"name": name, "kind": _kind(body, name), "status": match.group("status"),
                          "seconds": float(match.group("secs"))})
            continue
        match = _FINISHED.match(line.strip())
        if match:
            finished = float(match.group("secs"))
    by_kind: dict[str, dict] = defaultdict(lambda: {"nodes": 0, "seconds": 0.0})
    for node in nodes:
        by_kind[node["kind"]]["nodes"] += 1
        by_kind[node["kind"]]["seconds"] = round(by_kind[node["kind"]]["seconds"] + node["seconds"], 2)
    slowest = sorted(nodes, key=lambda n: -n["seconds"])[:12]
    return {
        "finished_seconds": finished,
        "nodes": len(nodes),
        "node_seconds": round(sum(n["seconds"] for n in nodes), 2),
        "by_kind": dict(sorted(by_kind.items())),
        "slowest": slowest,
        "not_ok": [n for n in nodes if n["status"] in ("ERROR", "FAIL", "WARN", "SKIP")][:20],
    }


# Per file (`mmsreport -v run`, and earlier versions): "  loaded messages/dt=.../x.csv (1000 rows, 2 rejected)"
_LOADED = re.compile(r"^  loaded (?P<path>\S+) \((?P<rows>\d+) rows")
# Per entity: "  raw.messages        268 new files, 1,000,942 rows,   932 rejected,    0 unchanged"
_ENTITY = re.compile(r"^  raw\.(?P<entity>\w+)\s+(?P<files>\d+) new files,\s+(?P<rows>[\d,]+) rows")


def _is_load_line(line: str) -> bool:
    return bool(_LOADED.match(line) or _ENTITY.match(line))


def _format_of(path: str) -> str:
    name = path.rsplit("/", 1)[-1].lower()
    return name.split(".", 1)[1] if "." in name else "?"


def load_breakdown(marks: list[tuple[float, str]]) -> dict:
    """Seconds of the raw loaders by entity (and by file format when files are reported one by one).

    The loaders run one after another and report when each file (or each entity) is
    done, so the time between two reports is the second one's. The first report of
    the run is not counted: its time is the run's start (Python, Dagster, the
    manifest) plus the accounts, loaded first (a file or two).
    """
    per_file = any(_LOADED.match(line) for _, line in marks)
    pattern = _LOADED if per_file else _ENTITY
    by_entity: dict[str, dict] = defaultdict(lambda: {"files": 0, "rows": 0, "seconds": 0.0})
    by_format: dict[str, dict] = defaultdict(lambda: {"files": 0, "rows": 0, "seconds": 0.0})
    previous = None
    for t, line in marks:
        match = pattern.match(line)
        if not match:
            continue
        if previous is not None:
            rows = int(match.group("rows").replace(",", ""))
            if per_file:
                path = match.group("path")
                keys = ((path.split("/", 1)[0], by_entity, 1), (_format_of(path), by_format, 1))
            else:
                keys = ((match.group("entity"), by_entity, int(match.group("files"))),)
            for key, table, files in keys:
                table[key]["files"] += files
                table[key]["rows"] += rows
                table[key]["seconds"] = round(table[key]["seconds"] + t - previous, 3)
        previous = t
    return {"by_entity": dict(by_entity), "by_format": dict(by_format)}


def phases(marks: list[tuple[float, str]], total: float, dbt_seconds: float | None) -> dict:
    """Phases of one `mmsreport run` from the times its progress lines appeared on stderr.

    - start: process start until the loaders' first report (Python, Dagster definitions,
      dbt manifest check, and the first file or entity: the accounts, a file or two);
    - load: from there until dbt starts (the raw loaders);
    - dbt nodes: the time dbt reports for running its nodes (models, tests, seeds);
    - dbt overhead + publish: dbt start-up and parsing, Dagster events, the publish copy;
    - finish: after publishing (run summary, exit).
    """
    def first(predicate) -> float | None:
        return next((t for t, line in marks if predicate(line)), None)

    t_load = first(_is_load_line)
    t_dbt = first(lambda line: line.startswith("dbt build"))
    t_pub = first(lambda line: line.startswith("published "))
    if t_dbt is None:
        return {"total": round(total, 2)}
    end = t_pub if t_pub is not None else total
    result = {
        "start": t_load if t_load is not None else t_dbt,
        "load": (t_dbt - t_load) if t_load is not None else 0.0,
        "dbt nodes": dbt_seconds,
        "dbt overhead + publish": (end - t_dbt - dbt_seconds) if dbt_seconds is not None else end - t_dbt,
        "finish": total - end,
        "total": total,
    }
    return {k: (round(v, 2) if v is not None else None) for k, v in result.items()}
