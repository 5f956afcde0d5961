"""Plain-Python reader of generated landing files, independent of the product's loader.

Meant for tests that recompute expected report values from the landing zone: every
value comes back exactly as written (a string, or None for an empty/missing value),
keys in lower case; SMPP files give one {"line": ...} per line.
"""

from __future__ import annotations

import csv
import gzip
import json
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq


def read_file(path: str | Path) -> list[dict]:
    """Rows of one landing file (csv, jsonl/ndjson, parquet, log/txt; optionally .gz)."""
    path = Path(path)
    name = path.name.lower()
    if name.endswith(".parquet"):
        rows = pq.read_table(path).to_pylist()
        return [{k.lower(): v for k, v in r.items()} for r in rows]
    opener = gzip.open if name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", newline="") as f:
        if ".csv" in name:
            return [{k.lower(): v or None for k, v in r.items()} for r in csv.DictReader(f)]
        if ".jsonl" in name or ".ndjson" in name:
            return [{k.lower(): v for k, v in json.loads(line).items()}
                    for line in f if line.strip()]
        return [{"line": line.rstrip("\r\n")} for line in f]


def entity_files(root: str | Path, entity: str) -> list[Path]:
    """Files of an entity, sorted by path (the order docs/RULES.md, Versions and repeats tie-breaks use)."""
    return sorted(p for p in Path(root, entity).rglob("*")
                  if p.is_file() and not p.name.startswith("."))


def iter_rows(root: str | Path, entity: str) -> Iterator[tuple[Path, int, dict]]:
    """(file, 1-based row number, row) for every row of an entity, in path order."""
    for path in entity_files(root, entity):
        for number, row in enumerate(read_file(path), start=1):
            yield path, number, row


def read_entity(root: str | Path, entity: str) -> list[dict]:
    """All rows of an entity in path order."""
    return [row for _, _, row in iter_rows(root, entity)]
