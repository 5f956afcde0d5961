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
import zlib
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from orchestration.ingestion.smpp import smpp_parse_sql

FILE_ROWS = "file_rows"
FILE_LINES = "file_lines"
READER_REJECTS = "reader_rejects"


class UnreadableFileError(Exception):
    """The file cannot be read at all (not a row-level problem)."""


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
    if entity in QUERY_STRING_ENTITIES and name.endswith((".log", ".txt", ".qs")):
        return "querystring"
    return None


# Entities whose webhooks may arrive as query strings (GET requests), one per line.
QUERY_STRING_ENTITIES = ("vonage_dlr",)


def _positional(count: int) -> list[str]:
    return [f"c{i}" for i in range(count)]


# RFC 4180 quoting, never sniffed: a body with two apostrophes must not make ' the quote character.
_CSV_OPTIONS = ("all_varchar = true, header = true, quote = '\"', escape = '\"', store_rejects = true, "
                "hive_partitioning = false")
# One line per record, nothing split or unquoted: a separator no text line contains.
_LINE_OPTIONS = ("columns = {'line': 'VARCHAR'}, header = false, delim = '\x1f', quote = '', escape = '', "
                 "auto_detect = false, strict_mode = false, store_rejects = true, hive_partitioning = false")


def _start_rejects(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"create or replace temp table {READER_REJECTS} "
                "(_row_number bigint, _reason varchar, _original varchar)")
    con.execute("drop table if exists reject_errors")
    con.execute("drop table if exists reject_scans")


def _keep_scan_rejects(con: duckdb.DuckDBPyConnection, table: str, what: str, header_lines: int) -> None:
    """Move DuckDB's own rejects of the last scan into reader_rejects and fix `table`'s row numbers.

    DuckDB leaves rejected records out of the scan, so row_number() counts only
    the records it kept: every kept row moves down by the rejects before it.
    """
    con.execute(
        f"insert into {READER_REJECTS} select line - ?, 'unreadable {what} (line ' || line || ') ' || "
        "string_agg(distinct error_type, '; '), any_value(csv_line) from reject_errors group by line",
        [header_lines],
    )
    if not con.execute(f"select count(*) from {READER_REJECTS}").fetchone()[0]:
        return
    con.execute(
        f"update {table} set _row_number = _row_number + (select count(*) from "
        f"(select _row_number as r, row_number() over (order by _row_number) as i from {READER_REJECTS}) "
        f"where r - i < {table}._row_number)"
    )


def _read_csv(con: duckdb.DuckDBPyConnection, path: Path) -> list[str]:
    header = con.sql(f"select * from read_csv(?, {_CSV_OPTIONS}) limit 0", params=[str(path)])
    names = header.columns
    _start_rejects(con)
    con.execute(
        f"create or replace temp table {FILE_ROWS} as "
        f"select row_number() over () as _row_number, * "
        f"from read_csv(?, {_CSV_OPTIONS}, names = ?)",
        [str(path), _positional(len(names))],
    )
    _keep_scan_rejects(con, FILE_ROWS, "CSV record", header_lines=1)
    return [n.strip().lower() for n in names]


def _start_batch_scan(con: duckdb.DuckDBPyConnection, files: list[tuple[str, Path]]) -> list[str]:
    """Empty reader_rejects (with a `_source_file` column) and list the scan's files in `batch_paths`."""
    paths = [str(path) for _, path in files]
    _start_rejects(con)
    con.execute(f"alter table {READER_REJECTS} add column _source_file varchar")
    con.execute("create or replace temp table batch_paths as "
                "select unnest(?::varchar[]) as relative, unnest(?::varchar[]) as path",
                [[relative for relative, _ in files], paths])
    return paths


# A multi-file scan numbered in scan order, as for one file: each file's records are contiguous and in
# order, so a record's number in its file is its number in the scan less its file's first one, plus one.
_PER_FILE_NUMBER = "_seq - min(_seq) over (partition by scan.filename) + 1"


def _keep_batch_rejects(con: duckdb.DuckDBPyConnection, table: str, what: str, header_lines: int) -> None:
    """_keep_scan_rejects for a scan of the files in `batch_paths`: rejects and row numbers per file."""
    con.execute(
        f"insert into {READER_REJECTS} select line - ?, 'unreadable {what} (line ' || line || ') ' || "
        "string_agg(distinct error_type, '; '), any_value(csv_line), p.relative from reject_errors e "
        "join reject_scans s on s.scan_id = e.scan_id and s.file_id = e.file_id "
        "join batch_paths p on p.path = s.file_path group by p.relative, line",
        [header_lines],
    )
    if not con.execute(f"select count(*) from {READER_REJECTS}").fetchone()[0]:
        return
    con.execute(
        f"update {table} set _row_number = _row_number + (select count(*) from "
        "(select _source_file as f, _row_number as r, "
        f"row_number() over (partition by _source_file order by _row_number) as i from {READER_REJECTS}) "
        f"where f = {table}._source_file and r - i < {table}._row_number)"
    )


def read_csv_files(con: duckdb.DuckDBPyConnection, files: list[tuple[str, Path]]) -> list[str]:
    """Several CSV files of the same header line in one scan: `file_rows` and `reader_rejects` as for
    one file, plus each row's `_source_file` (the relative path); row numbers count per file.

    Raise UnreadableFileError if the scan fails (the caller reads the files one by one then).
    """
    try:
        paths = _start_batch_scan(con, files)
        names = con.sql(f"select * from read_csv(?, {_CSV_OPTIONS}) limit 0", params=[paths[0]]).columns
        positional = ", ".join(_positional(len(names)))
        con.execute(
            f"create or replace temp table {FILE_ROWS} as "
            f"with scan as (select row_number() over () as _seq, * "
            f"from read_csv(?, {_CSV_OPTIONS}, names = ?, filename = true)) "
            f"select p.relative as _source_file, {_PER_FILE_NUMBER} as _row_number, {positional} "
            "from scan join batch_paths p on p.path = scan.filename",
            [paths, _positional(len(names))],
        )
        _keep_batch_rejects(con, FILE_ROWS, "CSV record", header_lines=1)
    except (duckdb.Error, OSError, UnicodeError) as exc:
        raise UnreadableFileError(f"cannot read {len(files)} files as one CSV scan: {exc}") from exc
    return [n.strip().lower() for n in names]


def csv_header_line(path: Path) -> bytes | None:
    """The first line of a CSV file (decompressed), with its line break; None if there is no complete
    first line or it cannot be read. Files of the same header line are read in one scan."""
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    try:
        with opener(path, "rb") as handle:
            line = handle.readline(1 << 16)
    except (OSError, EOFError, zlib.error):
        return None
    return line if line.endswith(b"\n") else None


def _read_lines(con: duckdb.DuckDBPyConnection, files: list[tuple[str, Path]], keep_undecodable: bool = False) -> None:
    """The files' lines as `file_lines(_source_file, _row_number, line)`, numbered from 1 as an editor does.

    A line that is not valid UTF-8 is a rejected row, unless `keep_undecodable`:
    then it is kept with its bad bytes replaced (as DuckDB reports it).
    """
    paths = _start_batch_scan(con, files)
    con.execute(
        f"create or replace temp table {FILE_LINES} as "
        f"with scan as (select row_number() over () as _seq, line, filename "
        f"from read_csv(?, {_LINE_OPTIONS}, filename = true)) "
        f"select p.relative as _source_file, {_PER_FILE_NUMBER} as _row_number, rtrim(line, chr(13)) as line "
        "from scan join batch_paths p on p.path = scan.filename",
        [paths],
    )
    _keep_batch_rejects(con, FILE_LINES, "line", header_lines=0)
    if keep_undecodable:
        undecodable = f"from {READER_REJECTS} where _reason like '%INVALID ENCODING%'"
        con.execute(f"insert into {FILE_LINES} select _source_file, _row_number, rtrim(_original, chr(13)) "
                    f"{undecodable}")
        con.execute(f"delete {undecodable}")


def _read_parquet(con: duckdb.DuckDBPyConnection, path: Path) -> list[str]:
    _start_rejects(con)
    table = con.sql("select * from read_parquet(?, hive_partitioning = false)", params=[str(path)]).to_arrow_table()
    text_columns = [_column_as_text(table.column(i)) for i in range(table.num_columns)]
    _register_rows(con, text_columns, list(range(1, table.num_rows + 1)))
    return [n.strip().lower() for n in table.column_names]


def parquet_text_columns(path: Path) -> tuple[str, ...] | None:
    """The column names of a Parquet file whose columns are all text, from its footer; None otherwise.
    Files of the same text columns are read in one scan (their values need no conversion to text)."""
    try:
        schema = pq.read_schema(path)
    except (pa.ArrowException, OSError):
        return None
    names = tuple(schema.names)
    plain = len(set(names)) == len(names) and not {"filename", "file_row_number"} & {n.lower() for n in names}
    text = all(pa.types.is_string(t) or pa.types.is_large_string(t) for t in schema.types)
    return names if names and plain and text else None


def read_parquet_files(con: duckdb.DuckDBPyConnection, files: list[tuple[str, Path]],
                       names: tuple[str, ...]) -> list[str]:
    """Parquet files of the same text columns `names` in one scan, as read_csv_files does CSV files.

    Raise UnreadableFileError if the scan fails (the caller reads the files one by one then).
    """
    try:
        paths = _start_batch_scan(con, files)
        positional = ", ".join(f"#{i + 1} as c{i}" for i in range(len(names)))
        con.execute(
            f"create or replace temp table {FILE_ROWS} as select p.relative as _source_file, "
            f"s.file_row_number + 1 as _row_number, s.* exclude (filename, file_row_number) "
            f"from (select {positional}, filename, file_row_number from read_parquet(?, filename = true, "
            "file_row_number = true, hive_partitioning = false)) s join batch_paths p on p.path = s.filename",
            [paths],
        )
    except (duckdb.Error, OSError) as exc:
        raise UnreadableFileError(f"cannot read {len(files)} files as one Parquet scan: {exc}") from exc
    return [n.strip().lower() for n in names]


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


def _json_pointer(key: str) -> str:
    """RFC 6901 pointer to a top-level key: any key, no quoting problems."""
    return "/" + key.replace("~", "~0").replace("/", "~1")


def _key_groups(con: duckdb.DuckDBPyConnection, files: list[tuple[str, Path]], keys_sql: str,
                params: list | None = None) -> dict[tuple[str, ...], list[str]]:
    """Files by their keys in order of first appearance (`keys_sql`: _source_file, key, first).

    Files of the same keys are read together; a file without any key forms the group ().
    """
    keys: dict[str, list[str]] = {relative: [] for relative, _ in files}
    for relative, key in con.execute(f"select _source_file, key from ({keys_sql}) order by _source_file, first",
                                     params or []).fetchall():
        keys[relative].append(key)
    groups: dict[tuple[str, ...], list[str]] = {}
    for relative, found in keys.items():
        groups.setdefault(tuple(found), []).append(relative)
    return groups


def _group_rows(con: duckdb.DuckDBPyConnection, source: str, columns_sql: str, params: list,
                relatives: list[str], group_by: str = "") -> None:
    """file_rows of one key group: `columns_sql` over `source`'s rows of the files `relatives`
    (`params`: those of columns_sql, then those of source)."""
    con.execute(f"create or replace temp table {FILE_ROWS} as select _source_file, _row_number{columns_sql} "
                f"from {source} where _source_file in (select unnest(?::varchar[])) {group_by}",
                [*params, relatives])


def _read_jsonl(con: duckdb.DuckDBPyConnection, files: list[tuple[str, Path]]) -> Iterator[tuple[list[str], list[str]]]:
    """JSON Lines: one object per line; keys matched case-insensitively, values kept as text."""
    _read_lines(con, files)
    con.execute(f"""
        create or replace temp table json_lines as
        select _source_file, _row_number, line,
            case when not json_valid(line) then 'invalid JSON'
                 when json_type(line) <> 'OBJECT' then 'JSON line is not an object' end as _reason
        from {FILE_LINES}
        where not regexp_full_match(coalesce(line, ''), '\\s*')
    """)
    con.execute(f"insert into {READER_REJECTS} select _row_number, _reason, line, _source_file from json_lines "
                "where _reason is not null")
    groups = _key_groups(con, files, """
        select _source_file, key, min([_row_number, position]) as first from (
            select _source_file, _row_number, unnest(json_keys(line)) as key,
                generate_subscripts(json_keys(line), 1) as position
            from json_lines where _reason is null
        ) group by _source_file, key
    """)
    for keys, relatives in groups.items():
        names, selects, params = _jsonl_columns(keys)
        columns = "".join(f", {sql} as c{i}" for i, sql in enumerate(selects))
        # Every key's value from one parse of the line: _v[i] is the i-th key's.
        source = ("(select _source_file, _row_number, line, json_extract_string(line, ?::varchar[]) as _v "
                  "from json_lines where _reason is null)")
        _group_rows(con, source, columns, [*params, [_json_pointer(k) for k in keys]], relatives)
        yield relatives, names


def _jsonl_columns(keys: tuple[str, ...]) -> tuple[list[str], list[str], list[str]]:
    """Column names, their SQL over `line` and `_v` (the keys' values) and its parameters, for a file's keys
    in order."""
    variants: dict[str, list[str]] = {}
    for key in keys:
        variants.setdefault(key.strip().lower(), []).append(key)
    # A column per name (its first spelling that is present); a later spelling present in the same
    # object as an earlier one is kept as an extra column `<name>_<n>`.
    value = {key: f"_v[{i}]" for i, key in enumerate(keys, start=1)}
    names, selects, params = [], [], []
    for name, spellings in variants.items():
        names.append(name)
        selects.append("coalesce(" + ", ".join(value[k] for k in spellings) + ")")
        for n, later in enumerate(spellings[1:], start=1):
            names.append(f"{name}_{n}")
            earlier = " or ".join("json_exists(line, ?)" for _ in spellings[:n])
            selects.append(f"case when {earlier} then {value[later]} end")
            params.extend(_json_pointer(k) for k in spellings[:n])
    return names, selects, params


def _read_smpp(con: duckdb.DuckDBPyConnection, files: list[tuple[str, Path]]) -> Iterator[tuple[list[str], list[str]]]:
    # A receipt's `text:` may hold the SMSC's raw encoding: it is ignored, so such lines are kept.
    _read_lines(con, files, keep_undecodable=True)
    # smpp_parse_sql reads (_row_number, line): a number unique in the batch, mapped back after.
    con.execute(f"create or replace temp table smpp_lines as select row_number() over () as _row_number, "
                f"_source_file, _row_number as _file_row, line from {FILE_LINES}")
    con.execute("create or replace temp table smpp_parsed as select l._source_file, l._file_row, p.* "
                f"from ({smpp_parse_sql('smpp_lines')}) p join smpp_lines l using (_row_number)")
    con.execute(f"insert into {READER_REJECTS} select _file_row, _reason, line, _source_file from smpp_parsed "
                "where _reason is not null")
    iso = "'%Y-%m-%dT%H:%M:%S'"
    con.execute(
        f"create or replace temp table {FILE_ROWS} as select _source_file, _file_row as _row_number, "
        f"provider_message_id as c0, status as c1, error_code as c2, strftime(submitted_at, {iso}) as c3, "
        f"strftime(event_at, {iso}) as c4 from smpp_parsed where _reason is null"
    )
    yield [relative for relative, _ in files], list(SMPP_COLUMNS)


def _read_querystring(con: duckdb.DuckDBPyConnection,
                      files: list[tuple[str, Path]]) -> Iterator[tuple[list[str], list[str]]]:
    """One webhook query string per line (`msisdn=447700900000&messageId=0C00...&status=delivered`).

    A request line or URL before the `?` is dropped (`GET /webhooks/dlr?a=1 HTTP/1.1`); `+` is a
    space and `%XX` is decoded, as in a form; a repeated field keeps its first value.
    """
    _read_lines(con, files)
    con.execute(rf"""
        create or replace temp table qs_lines as
        select _source_file, _row_number, line,
            regexp_replace(regexp_replace(trim(line), '^[^?=&]*[?]', ''), '\s+HTTP/[0-9.]+$', '') as query
        from {FILE_LINES}
        where not regexp_full_match(coalesce(line, ''), '\s*')
    """)
    # try(): a %-escape that is not UTF-8 rejects its line, not the whole file.
    con.execute("""
        create or replace temp table qs_fields as
        select _source_file, _row_number, position,
            try(url_decode(replace(split_part(pair, '=', 1), '+', ' '))) as raw_key,
            try(url_decode(replace(substr(pair, strpos(pair, '=') + 1), '+', ' '))) as value,
            substr(pair, strpos(pair, '=') + 1) as raw_value
        from (
            select _source_file, _row_number, unnest(string_split(query, '&')) as pair,
                generate_subscripts(string_split(query, '&'), 1) as position
            from qs_lines
        )
        where strpos(pair, '=') > 1
    """)
    line = "(_source_file, _row_number)"
    con.execute(f"insert into {READER_REJECTS} select _row_number, 'not a query string (no name=value field)', "
                f"line, _source_file from qs_lines where {line} not in (select {line} from qs_fields)")
    con.execute(f"insert into {READER_REJECTS} select _row_number, 'undecodable %-escape (not UTF-8)', line, "
                f"_source_file from qs_lines where {line} in (select {line} from qs_fields "
                "where raw_key is null or (value is null and raw_value is not null))")
    con.execute(f"""
        create or replace temp table qs_pairs as
        select _source_file, _row_number, lower(trim(raw_key)) as key, value, position from qs_fields
        where {line} not in (select {line} from {READER_REJECTS})
    """)
    groups = _key_groups(con, files, "select _source_file, key, min([_row_number, position]) as first "
                                     "from qs_pairs group by _source_file, key")
    for keys, relatives in groups.items():
        columns = "".join(f", arg_min(value, position) filter (where key = ?) as c{i}" for i in range(len(keys)))
        _group_rows(con, "qs_pairs", columns, list(keys), relatives, "group by _source_file, _row_number")
        yield relatives, list(keys)


SMPP_COLUMNS = ["provider_message_id", "status", "error_code", "submitted_at", "event_at"]


# Readers of one file at a time (file_rows without _source_file), and readers of many files in one scan:
# generators yielding (files, column names) each time file_rows (with _source_file) holds a group of
# files of the same columns and reader_rejects holds (at least) their rejected records.
_READERS = {"csv": _read_csv, "parquet": _read_parquet}
_BATCH_READERS = {"jsonl": _read_jsonl, "smpp": _read_smpp, "querystring": _read_querystring}
BATCH_FORMATS = tuple(_BATCH_READERS)


def read_file(con: duckdb.DuckDBPyConnection, path: Path, fmt: str) -> list[str]:
    """Read `path` (CSV or Parquet) into the temp tables `file_rows` and `reader_rejects`; return the
    column names. Raise UnreadableFileError if the file cannot be read at all.
    """
    try:
        return _READERS[fmt](con, path)
    except UnreadableFileError:
        raise
    except (duckdb.Error, pa.ArrowException, OSError, UnicodeError) as exc:
        raise UnreadableFileError(f"cannot read {path.name} as {fmt}: {exc}".strip()) from exc


def read_files(con: duckdb.DuckDBPyConnection, files: list[tuple[str, Path]],
               fmt: str) -> Iterator[tuple[list[str], list[str]]]:
    """Read files of a line-based format (JSON Lines, SMPP logs, query strings) in one scan: yields
    (relative paths, column names) per group of files of the same columns, as `_BATCH_READERS`.
    Raise UnreadableFileError if the scan fails (with one file: that file cannot be read at all).
    """
    what = f"{files[0][1].name} as {fmt}" if len(files) == 1 else f"{len(files)} files as one {fmt} scan"
    try:
        yield from _BATCH_READERS[fmt](con, files)
    except UnreadableFileError:
        raise
    except (duckdb.Error, OSError, UnicodeError) as exc:
        raise UnreadableFileError(f"cannot read {what}: {exc}".strip()) from exc
