"""The landing files of a benchmark run, grouped by entity and reader, as DuckDB table expressions.

B0 (scan floor) and B1 (hand-written baseline) read the landing zone straight
with DuckDB's readers. This module lists the files and writes the reader calls:

- CSV (`.csv`, `.csv.gz`): `read_csv(all_varchar, union_by_name)` with the
  dialect given (comma, double quotes, header); DuckDB matches header names
  case-insensitively across files.
- JSON Lines (`.jsonl`, `.ndjson`, + `.gz`): `read_json(union_by_name)`, one call
  per distinct key list (read from each file's first line), because the JSON
  reader matches keys case-sensitively; `union all by name` then merges the
  groups case-insensitively.
- Parquet: `read_parquet(union_by_name)` (case-insensitive).
- SMPP text (`.log`, `.txt`, + `.gz`): `read_csv` of whole lines.

`relation(entity, files)` always includes a typed empty row set with the
entity's columns (docs/RULES.md, Input files), so a script can name every column even when a
format (or the whole entity) has no file at a tiny size.
"""

from __future__ import annotations

import gzip
import json
from collections import defaultdict
from pathlib import Path

from orchestration.generate.layout import COLUMNS
from orchestration.ingestion.readers import QUERY_STRING_ENTITIES

ENTITIES: tuple[str, ...] = tuple(COLUMNS)
FORMATS = ("csv", "json", "parquet", "lines")
# A byte that never occurs in a receipt line, so read_csv returns whole lines.
LINE_DELIMITER = "\x1f"


def file_format(path: Path, entity: str) -> str | None:
    """csv | json | parquet | lines (SMPP text, query strings), or None for a file the product would not read."""
    name = path.name.lower()
    if name.startswith((".", "_")):
        return None
    if name.endswith(".gz"):
        name = name[:-3]
    if name.endswith(".csv"):
        return "csv"
    if name.endswith((".jsonl", ".ndjson")):
        return "json"
    if name.endswith(".parquet") and not path.name.lower().endswith(".gz"):
        return "parquet"
    if entity == "smpp_receipts" and name.endswith((".log", ".txt")):
        return "lines"
    if entity in QUERY_STRING_ENTITIES and name.endswith((".log", ".txt", ".qs")):
        return "lines"  # one webhook query string per line
    return None


def list_files(landing: Path) -> dict[str, dict[str, list[Path]]]:
    """entity -> format -> files, sorted by path (every sub-folder of the entity folder)."""
    found: dict[str, dict[str, list[Path]]] = {e: {f: [] for f in FORMATS} for e in ENTITIES}
    for entity in ENTITIES:
        root = landing / entity
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            fmt = file_format(path, entity) if path.is_file() else None
            if fmt:
                found[entity][fmt].append(path)
    return found


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def sql_list(paths: list[Path]) -> str:
    return "[" + ", ".join(_sql_text(str(p)) for p in paths) + "]"


def _json_keys(path: Path) -> tuple[str, ...]:
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", errors="replace") as handle:
        for line in handle:
            if line.strip():
                try:
                    record = json.loads(line)
                except json.JSONDecodeError:
                    return ()
                return tuple(record) if isinstance(record, dict) else ()
    return ()


def json_groups(paths: list[Path]) -> list[list[Path]]:
    """JSON files grouped by the key list of their first record (so casing agrees within a group)."""
    groups: dict[tuple[str, ...], list[Path]] = defaultdict(list)
    for path in paths:
        groups[_json_keys(path)].append(path)
    return [groups[key] for key in sorted(groups)]


def csv_reader(paths: list[Path]) -> str:
    # The dialect is given (RFC 4180: comma, double quotes, a header line): sniffing it
    # in each of hundreds of files would cost more than reading them.
    return (f"read_csv({sql_list(paths)}, all_varchar = true, union_by_name = true, delim = ',', "
            "quote = '\"', escape = '\"', header = true, filename = true, hive_partitioning = false)")


def json_reader(paths: list[Path]) -> str:
    return (f"read_json({sql_list(paths)}, format = 'newline_delimited', union_by_name = true, "
            "filename = true, hive_partitioning = false)")


def parquet_reader(paths: list[Path]) -> str:
    return f"read_parquet({sql_list(paths)}, union_by_name = true, filename = true, hive_partitioning = false)"


def lines_reader(paths: list[Path]) -> str:
    return (f"read_csv({sql_list(paths)}, columns = {{'line': 'varchar'}}, header = false, "
            f"delim = '{LINE_DELIMITER}', quote = '', escape = '', auto_detect = false, "
            "filename = true, hive_partitioning = false)")


def _empty(columns: tuple[str, ...]) -> str:
    cols = ", ".join(f"cast(null as varchar) as {c}" for c in (*columns, "filename"))
    return f"select {cols} where false"


def relation(entity: str, files: dict[str, list[Path]]) -> str:
    """A parenthesised query over every tabular file of the entity (columns by name, plus `filename`)."""
    parts = [_empty(COLUMNS[entity])]
    if files["csv"]:
        parts.append(f"select * from {csv_reader(files['csv'])}")
    for group in json_groups(files["json"]):
        parts.append(f"select * from {json_reader(group)}")
    if files["parquet"]:
        parts.append(f"select * from {parquet_reader(files['parquet'])}")
    return "(\n        " + "\n        union all by name\n        ".join(parts) + "\n    )"


def lines_relation(entity: str, files: dict[str, list[Path]]) -> str:
    """A parenthesised query of (line, filename) over the entity's text files."""
    parts = [_empty(("line",))]
    if files["lines"]:
        parts.append(f"select line, filename from {lines_reader(files['lines'])}")
    return "(\n        " + "\n        union all\n        ".join(parts) + "\n    )"
