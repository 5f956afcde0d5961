"""Writes one day folder per entity from the staging buffers, in that day's format."""

from __future__ import annotations

import datetime as dt
import gzip
import math
import os
from pathlib import Path

import duckdb

from orchestration.generate import buffers, layout

COPY_OPTIONS = {
    "csv": "format csv, header true",
    "csv.gz": "format csv, header true, compression gzip",
    "jsonl": "format json",
    "ndjson.gz": "format json, compression gzip",
    "parquet": "format parquet",
}


def _select_list(entity: str, day: int) -> str:
    style = layout.header_style(entity, day)
    cols = [f'"{c}" as "{layout.styled(c, style)}"' for c in layout.COLUMNS[entity]]
    if layout.has_extra(entity, day):
        name, expr = layout.EXTRA_COLUMNS[entity]
        cols.append(f'{expr} as "{layout.styled(name, style)}"')
    return ", ".join(cols)


# Webhooks received as GET requests, logged one query string per line.
QUERY_STRING_ENTITIES = ("vonage_dlr",)


def _query_string_sql(entity: str) -> str:
    """SQL of one logged webhook request: `name=value&...` of the fields present, form-encoded."""
    parts = [f"""case when "{c}" is not null then '{c}=' || replace(replace(replace(replace("{c}", '%', '%25'),
             '&', '%26'), ':', '%3A'), ' ', '+') end""" for c in layout.COLUMNS[entity]]
    query = f"concat_ws('&', {', '.join(parts)})"
    return f"case when tk % 5 = 0 then 'GET /webhooks/delivery-receipt?' || {query} || ' HTTP/1.1' else {query} end"


def _write_text(con, path: Path, where: str, ext: str, newline: str, line_sql: str = "line") -> None:
    lines = [row[0] for row in con.execute(
        f"select {line_sql} from w where {where} order by rn").fetchall()]  # noqa: S608
    data = (newline.join(lines) + newline).encode("utf-8")
    with open(path, "wb") as raw:
        if ext.endswith(".gz"):
            with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
                gz.write(data)
        else:
            raw.write(data)


def write_day(con: duckdb.DuckDBPyConnection, out_dir: Path, day: int,
              date: dt.date) -> list[tuple[str, Path, int]]:
    """Write every entity's rows of folder `day`; returns (entity, path, rows) per file."""
    written = []
    for entity in layout.ENTITIES:
        n = buffers.count(con, entity, day)
        if not n:
            continue
        ext = layout.file_format(entity, day)
        n_files = max(1, math.ceil(n / layout.MAX_ROWS_PER_FILE))
        if n >= 20:
            n_files = max(n_files, layout.MIN_FILES.get(entity, 1))
        con.execute(f"""create or replace temp table w as
            select *, row_number() over (order by sk, tk) as rn
            from buf_{entity} where fd = {day}""")  # noqa: S608
        folder = out_dir / layout.folder(entity, date)
        folder.mkdir(parents=True, exist_ok=True)
        for part in range(1, n_files + 1):
            lo, hi = n * (part - 1) // n_files, n * part // n_files
            where = f"rn > {lo} and rn <= {hi}"
            path = folder / layout.file_name(entity, date, part, ext)
            tmp = path.with_name(f".{path.name}.tmp")
            if entity == "smpp_receipts":
                _write_text(con, tmp, where, ext, "\r\n" if day % 3 == 2 else "\n")
            elif entity in QUERY_STRING_ENTITIES and ext.split(".")[0] in ("log", "txt"):
                _write_text(con, tmp, where, ext, "\n", _query_string_sql(entity))
            else:
                con.execute(  # the path is a parameter: --out may hold quotes or semicolons
                    f"copy (select {_select_list(entity, day)} from w "  # noqa: S608
                    f"where {where} order by rn) to ? ({COPY_OPTIONS[ext]})", [str(tmp)])
            os.replace(tmp, path)
            written.append((entity, path, hi - lo))
    return written
