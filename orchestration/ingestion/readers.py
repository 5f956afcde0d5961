"""Readers: one landing file -> a DuckDB temp table of text columns.

Every reader produces the same shape, so validation is format-blind:
a temp table `file_rows(_row_number, c0, c1, ...)` of VARCHAR columns, the
file's column names lower-cased (position i is column `c{i}`), and the records
the reader itself could not split (row number, reason, original text).
No file name or value is pasted into SQL: paths go in as parameters and the
file's own column names never reach SQL text (columns are renamed c0..cN).
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from orchestration.ingestion.smpp import SmppParseError, parse_smpp_receipt

FILE_ROWS = "file_rows"


class UnreadableFileError(Exception):
    """The file cannot be read at all (not a row-level problem)."""


@dataclass
class ReadResult:
    columns: list[str]
    parse_rejects: list[tuple[int, str, str]] = field(default_factory=list)


def file_format(path: Path, entity: str) -> str | None:
    """The format of a landing file by its extension, or None if unsupported."""
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    if name.endswith(".csv"):
        return "csv"
    if name.endswith((".jsonl", ".ndjson")):
        return "jsonl"
    if name.endswith(".parquet") and not path.name.lower().endswith(".gz"):
        return "parquet"
    if entity == "smpp_receipts" and name.endswith((".log", ".txt")):
        return "smpp"
    return None


def _positional(count: int) -> list[str]:
    return [f"c{i}" for i in range(count)]


def _read_csv(con: duckdb.DuckDBPyConnection, path: Path) -> ReadResult:
    options = "all_varchar = true, header = true, store_rejects = true, hive_partitioning = false"
    header = con.sql(f"select * from read_csv(?, {options}) limit 0", params=[str(path)])
    names = header.columns
    con.execute("drop table if exists reject_errors")
    con.execute("drop table if exists reject_scans")
    con.execute(
        f"create or replace temp table {FILE_ROWS} as "
        f"select row_number() over () as _row_number, * "
        f"from read_csv(?, {options}, names = ?)",
        [str(path), _positional(len(names))],
    )
    rejects = con.execute(
        "select line, string_agg(distinct error_type, '; '), any_value(csv_line) from reject_errors "
        "group by line order by line"
    ).fetchall()
    parse_rejects = [(int(line) - 1, f"unreadable CSV record (line {line}) {msg}", text)
                     for line, msg, text in rejects]
    if parse_rejects:
        con.execute("create or replace temp table csv_reject_numbers as "
                    "select r, row_number() over (order by r) as i from unnest(?) t(r)",
                    [[n for n, _, _ in parse_rejects]])
        con.execute(f"update {FILE_ROWS} set _row_number = _row_number + (select count(*) "
                    f"from csv_reject_numbers where r - i < {FILE_ROWS}._row_number)")
    return ReadResult([n.strip().lower() for n in names], parse_rejects)


def _read_parquet(con: duckdb.DuckDBPyConnection, path: Path) -> ReadResult:
    table = con.sql("select * from read_parquet(?, hive_partitioning = false)", params=[str(path)]).to_arrow_table()
    text_columns = [_column_as_text(table.column(i)) for i in range(table.num_columns)]
    _register_rows(con, text_columns, list(range(1, table.num_rows + 1)))
    return ReadResult([n.strip().lower() for n in table.column_names])


def _column_as_text(column: pa.ChunkedArray) -> pa.ChunkedArray:
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        return column.cast(pa.string())
    try:
        return column.cast(pa.string())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return pa.chunked_array([pa.array([None if v is None else str(v) for v in column.to_pylist()],
                                          pa.string())])


def _register_rows(con: duckdb.DuckDBPyConnection, columns: list, row_numbers: list[int]) -> None:
    arrays = [pa.array(row_numbers, pa.int64()), *columns]
    names = ["_row_number", *_positional(len(columns))]
    staged = pa.table(arrays, names=names)  # noqa: F841 - read by DuckDB's replacement scan
    con.execute(f"create or replace temp table {FILE_ROWS} as select * from staged")


def _text_lines(path: Path):
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    try:
        with opener(path, "rb") as handle:
            for number, raw in enumerate(handle, start=1):
                yield number, raw.decode("utf-8", errors="replace").rstrip("\r\n")
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise UnreadableFileError(f"cannot read {path.name}: {exc}") from exc


def _read_jsonl(con: duckdb.DuckDBPyConnection, path: Path) -> ReadResult:
    records: list[tuple[int, dict]] = []
    rejects: list[tuple[int, str, str]] = []
    names: dict[str, int] = {}
    for number, line in _text_lines(path):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            rejects.append((number, f"invalid JSON: {exc.msg}", line))
            continue
        if not isinstance(obj, dict):
            rejects.append((number, "JSON line is not an object", line))
            continue
        row = {}
        for key, value in obj.items():
            name = base = str(key).strip().lower()
            suffix = 0
            while name in row:
                suffix += 1
                name = f"{base}_{suffix}"
            names.setdefault(name, len(names))
            row[name] = _json_value_as_text(value)
        records.append((number, row))
    ordered = sorted(names, key=names.get)
    columns = [pa.array([row.get(name) for _, row in records], pa.string()) for name in ordered]
    _register_rows(con, columns, [number for number, _ in records])
    return ReadResult(ordered, rejects)


def _json_value_as_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return json.dumps(value)
    return json.dumps(value, ensure_ascii=False)


SMPP_COLUMNS = ["provider_message_id", "status", "error_code", "submitted_at", "event_at"]


def _read_smpp(con: duckdb.DuckDBPyConnection, path: Path) -> ReadResult:
    values: list[list] = [[] for _ in SMPP_COLUMNS]
    row_numbers: list[int] = []
    rejects: list[tuple[int, str, str]] = []
    for number, line in _text_lines(path):
        if not line.strip():
            continue
        try:
            receipt = parse_smpp_receipt(line)
        except SmppParseError as exc:
            rejects.append((number, f"unparseable SMPP receipt: {exc}", line))
            continue
        row_numbers.append(number)
        for column, value in zip(SMPP_COLUMNS, (
            receipt.provider_message_id,
            receipt.status,
            receipt.error_code,
            receipt.submitted_at.isoformat() if receipt.submitted_at else None,
            receipt.event_at.isoformat(),
        ), strict=True):
            values[SMPP_COLUMNS.index(column)].append(value)
    _register_rows(con, [pa.array(v, pa.string()) for v in values], row_numbers)
    return ReadResult(list(SMPP_COLUMNS), rejects)


_READERS = {"csv": _read_csv, "parquet": _read_parquet, "jsonl": _read_jsonl, "smpp": _read_smpp}


def read_file(con: duckdb.DuckDBPyConnection, path: Path, fmt: str) -> ReadResult:
    """Read `path` into the temp table `file_rows`; raise UnreadableFileError if impossible."""
    try:
        return _READERS[fmt](con, path)
    except UnreadableFileError:
        raise
    except (duckdb.Error, pa.ArrowException, OSError, UnicodeError, EOFError) as exc:
        raise UnreadableFileError(f"cannot read {path.name} as {fmt}: {exc}".strip()) from exc
