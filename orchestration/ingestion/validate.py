"""Row validation: `file_rows` (text) -> `valid_rows` (typed) + `invalid_rows` (with reasons).

Set-based, per batch of files: each reader's `file_rows` is appended to the batch
(`add_rows`), then one SQL pass types and checks the whole batch (`check_rows`).
Phone numbers are the only values handed to Python (phonenumbers), and only the
distinct (number, region) pairs of the batch.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from orchestration.ingestion.entities import EntitySpec
from orchestration.ingestion.phones import DEFAULT_REGION, normalise
from orchestration.ingestion.readers import FILE_ROWS, READER_REJECTS
from orchestration.ingestion.smpp import smpp_date_sql

VALID_ROWS = "valid_rows"
INVALID_ROWS = "invalid_rows"

# The hours of a trailing UTC offset after a time of day (`09:15:00+01:00`, `09:15+0100`).
_OFFSET_HOURS = r"[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:[.][0-9]+)?)?\s*[+-]([0-9]{2}):?[0-9]{2}$"
_TRUE = "('true', '1', 'yes', 'y', 't')"
_FALSE = "('false', '0', 'no', 'n', 'f')"


class MissingColumnError(Exception):
    """A required column is absent from the file's header."""


# RFC 2822 dates as Twilio writes them (`Thu, 24 Aug 2023 05:01:45 +0000`), day name optional.
_RFC2822 = "['%a, %d %b %Y %H:%M:%S %z', '%d %b %Y %H:%M:%S %z']"


def _parse_expr(kind: str, value: str) -> str:
    """SQL turning the trimmed text `value` into the column's type (null if unparseable)."""
    if kind == "datetime":  # ISO 8601 as everywhere, else RFC 2822 (`GMT`/`UT` read as +0000)
        rfc = f"regexp_replace({value}, '\\s(GMT|UTC?)$', ' +0000')"
        return (f"coalesce({_parse_expr('timestamp', value)}, "
                f"cast(try_strptime({rfc}, {_RFC2822}) as timestamp))")
    return {
        "text": value,
        "upper": f"upper({value})",
        "lower": f"lower({value})",
        "phone": "null",  # filled from the phone map
        # A date first: DuckDB would also read 'epoch' or 'infinity' as timestamps.
        # UTC offsets run from -12:00 to +14:00: DuckDB would also take +25:00.
        "timestamp": (f"case when regexp_matches({value}, '^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}') "
                      f"and coalesce(try_cast(regexp_extract({value}, '{_OFFSET_HOURS}', 1) as integer), 0) <= 14 "
                      f"then cast(try_cast({value} as timestamptz) as timestamp) end"),
        # Whole numbers only: DuckDB would round '3.7' to 4.
        "int": (f"case when regexp_full_match({value}, '[+-]?[0-9]+([.]0*)?') "
                f"then try_cast(split_part({value}, '.', 1) as integer) end"),
        "money": f"try_cast({value} as decimal(18, 2))",
        "price": f"try_cast({value} as decimal(18, 6))",
        "smpp_date": smpp_date_sql(value),
        "bool": (f"case when lower({value}) in {_TRUE} then true "
                 f"when lower({value}) in {_FALSE} then false end"),
    }[kind]


def _json_object_sql(positions: list[int], names: list[str]) -> tuple[str, list[str]]:
    """json_object(?, c_i, ...) with the names as parameters, never as SQL text."""
    if not positions:
        return "null", []
    parts = ", ".join(f"?, c{i}" for i in positions)
    return f"json_object({parts})", [names[i] for i in positions]


# The batch's rows as text, every file's columns mapped to the entity's (add_rows), and the
# records its readers could not split; check_rows types and checks them all at once.
# Each reader call's rows are kept as two temp tables, written once each (appending to one
# growing table cost more than the reading): `batch_text_<unit>` (the reader's own text
# columns, for the original of a rejected row) and `batch_cleaned_<unit>` (mapped to the
# entity's columns, trimmed). `cleaned_rows` is the view of all the batch's cleaned units.
CLEANED_ROWS = "cleaned_rows"
BATCH_REJECTS = "batch_rejects"
# Per unit: its id, the reader's column names (for a rejected row's original, made JSON as
# json_object(name, value, ...) would make it) and the files it holds.
BATCH_UNITS = "batch_units"
_ORIGINAL_JSON = ("case when len(n.names) > 0 then '{' || array_to_string(list_transform(list_zip(n.names, {values}), "
                  "lambda x: to_json(x[1]) || ':' || coalesce(to_json(x[2]), 'null')), ',') || '}' end")


def _text_table(unit: int) -> str:
    return f"batch_text_{unit}"


def _cleaned_table(unit: int) -> str:
    return f"batch_cleaned_{unit}"


def start_batch(con: duckdb.DuckDBPyConnection, spec: EntitySpec) -> None:
    """Empty the batch: no units, and the temp table `batch_rejects` empty."""
    drop_units(con)
    text = ", ".join(f"{c.name} varchar" for c in spec.columns if not c.is_derived)
    # The shape of a cleaned unit, and the rows of a batch without any.
    con.execute("create or replace temp table batch_cleaned_none (_source_file varchar, _row_number bigint, "
                f"{text}, _extra varchar, _unit integer)")
    con.execute(f"create or replace temp table {BATCH_UNITS} (_unit integer, names varchar[], files varchar[])")
    con.execute(f"create or replace temp table {BATCH_REJECTS} "
                "(_source_file varchar, _row_number bigint, _reason varchar, _original varchar)")


def drop_units(con: duckdb.DuckDBPyConnection, files: list[str] | None = None) -> None:
    """Drop the batch's units (those holding any of `files`, if given) and what they read."""
    if not con.execute("select count(*) from duckdb_tables() where temporary and table_name = ?",
                       [BATCH_UNITS]).fetchone()[0]:
        return
    where = "" if files is None else " where len(list_intersect(files, ?::varchar[])) > 0"
    units = [u for (u,) in con.execute(f"select _unit from {BATCH_UNITS}{where}",
                                       [] if files is None else [files]).fetchall()]
    for unit in units:
        con.execute(f"drop table if exists {_text_table(unit)}")
        con.execute(f"drop table if exists {_cleaned_table(unit)}")
    con.execute(f"delete from {BATCH_UNITS} where _unit in (select unnest(?::integer[]))", [units])


def add_rows(con: duckdb.DuckDBPyConnection, spec: EntitySpec, columns: list[str], source: str | list[str]) -> None:
    """Append `file_rows` and `reader_rejects` (what a reader made of `columns`) to the batch.

    `source` is the file's relative path; or, when the reader read several files and `file_rows`
    and `reader_rejects` carry each row's `_source_file`, the paths of the files to take.
    Raise MissingColumnError (nothing appended) if a required column is absent.
    """
    columns = [spec.column_name(name) for name in columns]
    first_position: dict[str, int] = {}
    for i, name in enumerate(columns):
        first_position.setdefault(name, i)
    missing = [c for c in spec.required_columns if c not in first_position]
    if missing and columns:
        raise MissingColumnError(", ".join(missing))
    known = {c.name for c in spec.columns if not c.is_derived}
    extra_positions = [i for i, n in enumerate(columns) if n not in known or first_position[n] != i]
    extra_sql, extra_params = _json_object_sql(extra_positions, columns)
    text_cols = []
    for column in spec.columns:
        if column.is_derived:
            continue
        pos = first_position.get(column.name)
        text_cols.append(f"nullif(trim(c{pos}), '')" if pos is not None else "cast(null as varchar)")
    if isinstance(source, str):
        source_sql, source_params, rejects_where, files = "?", [source], "", [source]
    else:  # the rejects of every file of the scan are there: these files' only
        source_sql, source_params = "_source_file", []
        rejects_where, files = " where _source_file in (select unnest(?::varchar[]))", list(source)
    unit = con.execute(f"select coalesce(max(_unit), -1) + 1 from {BATCH_UNITS}").fetchone()[0]
    con.execute(
        f"create or replace temp table {_cleaned_table(unit)} as select cast({source_sql} as varchar) as _source_file, "
        "cast(_row_number as bigint) as _row_number, " + ", ".join(text_cols)
        + f", cast({extra_sql} as varchar) as _extra, cast(? as integer) as _unit from {FILE_ROWS}",
        source_params + extra_params + [unit],
    )
    if source_params:  # file_rows has no _source_file: the file's rows are copied with it
        con.execute(f"create or replace temp table {_text_table(unit)} as select ? as _source_file, * "
                    f"from {FILE_ROWS}", source_params)
    else:  # kept as read, for the originals of rejected rows: no copy
        con.execute(f"drop table if exists {_text_table(unit)}")
        con.execute(f"alter table {FILE_ROWS} rename to {_text_table(unit)}")
    con.execute(f"insert into {BATCH_UNITS} values (?, ?::varchar[], ?::varchar[])", [unit, columns, files])
    con.execute(f"insert into {BATCH_REJECTS} select {source_sql}, _row_number, _reason, _original "
                f"from {READER_REJECTS}{rejects_where}", source_params or [source])


def check_rows(con: duckdb.DuckDBPyConnection, spec: EntitySpec, regions: dict[str, str]) -> None:
    """Type and check the batch: temp view valid_rows, temp table invalid_rows (reader rejects included).

    `regions`: each account's default region, for phone numbers without a country code.
    """
    read_columns = [c for c in spec.columns if not c.is_derived]
    phone_columns = [c.name for c in spec.columns if c.kind == "phone"]
    units = dict(con.execute(f"select _unit, len(names) from {BATCH_UNITS} order by _unit").fetchall())
    con.execute(f"create or replace temp view {CLEANED_ROWS} as " + " union all ".join(
        f"select * from {table}" for table in ["batch_cleaned_none", *map(_cleaned_table, units)]))
    if phone_columns:
        _build_phone_map(con, phone_columns, regions)

    typed, checks, joins = [], [], []
    for column in spec.columns:
        if column.kind == "phone":
            alias = f"phone_{len(joins)}"
            joins.append(f"left join phone_map {alias} on {alias}.raw_phone = r.{column.name} "
                         f"and {alias}.region = r._region")
            typed.append(f"{alias}.e164 as {column.name}")
        elif column.is_derived:  # from the entity's (first) phone column
            fact = {"phone_country": "country_code", "phone_carrier": "carrier"}[column.kind]
            typed.append(f"phone_0.{fact} as {column.name}")
        else:
            typed.append(f"{_parse_expr(column.kind, 'r.' + column.name)} as {column.name}")
        if column.required:
            checks.append(f"case when _text_{column.name} is null then "
                          f"'missing required value: {column.name}' end")
    rows = f"(select r.*, coalesce(a.default_region, ?) as _region from {CLEANED_ROWS} r " \
        "left join account_regions a on a.account_id = r.account_id)" if phone_columns else CLEANED_ROWS
    typed_sql = (
        "select r._source_file, r._row_number, r._extra, r._unit, "
        + ", ".join(f"r.{c.name} as _text_{c.name}" for c in read_columns) + ", "
        + ", ".join(typed)
        + f" from {rows} r " + " ".join(joins)
    )
    for column in read_columns:
        if column.kind in ("text", "upper", "lower"):
            continue
        label = {"phone": "invalid phone number", "money": "unparseable number", "price": "unparseable number",
                 "int": "unparseable number", "bool": "unparseable boolean",
                 "timestamp": "unparseable timestamp", "datetime": "unparseable timestamp",
                 "smpp_date": "unparseable date (expected YYMMDDhhmm)"}[column.kind]
        checks.append(f"case when _text_{column.name} is not null and {column.name} is null "
                      f"then '{label}: {column.name}' end")
        if column.kind == "money":
            checks.append(f"case when {column.name} < 0 then 'negative revenue: {column.name}' end")
    for group in spec.one_of:
        cond = " and ".join(f"_text_{name} is null" for name in group)
        checks.append(f"case when {cond} then 'missing required value: one of "
                      f"{' or '.join(group)}' end")
    for name, values in spec.allowed:
        listed = ", ".join(f"'{v}'" for v in values)
        checks.append(f"case when {name} is not null and {name} not in ({listed}) "
                      f"then 'unknown {name}' end")
    reason = "concat_ws('; ', " + ", ".join(checks) + ")" if checks else "''"
    # One materialisation of the typed and checked batch; valid_rows is a view of it.
    con.execute(
        f"create or replace temp table checked_rows as select *, nullif({reason}, '') as _reason from ({typed_sql})",
        [DEFAULT_REGION] if phone_columns else [],
    )
    names = ", ".join(c.name for c in spec.columns)
    con.execute(f"create or replace temp view {VALID_ROWS} as select _source_file, _row_number, _extra, "
                f"{names} from checked_rows where _reason is null")
    # A rejected row's original: its reader's columns, found again in its unit's text table.
    con.execute("create or replace temp table rejected_checked as select _source_file, _row_number, _reason, _unit "
                "from checked_rows where _reason is not null")
    originals = []
    for (unit,) in con.execute("select distinct _unit from rejected_checked order by _unit").fetchall():
        values = "[" + ", ".join(f"t.c{i}" for i in range(units[unit])) + "]::varchar[]"
        original = _ORIGINAL_JSON.replace("{values}", values)
        originals.append(
            f"select c._source_file, c._row_number, c._reason, {original} as _original "
            f"from rejected_checked c join {BATCH_UNITS} n on n._unit = c._unit join {_text_table(unit)} t "
            f"on t._source_file = c._source_file and t._row_number = c._row_number where c._unit = {int(unit)}")
    originals.append(f"select _source_file, _row_number, _reason, _original from {BATCH_REJECTS}")
    con.execute(f"create or replace temp table {INVALID_ROWS} as " + " union all ".join(originals))
    # What memory the batch needs no more.
    con.execute(f"drop view if exists {CLEANED_ROWS}")
    drop_units(con)
    for table in (FILE_ROWS, "rejected_checked"):
        con.execute(f"drop table if exists {table}")


def _build_phone_map(con: duckdb.DuckDBPyConnection, phone_columns: list[str], regions: dict[str, str]) -> None:
    """Distinct (number, region) pairs of the batch, normalised once each in Python."""
    given = pa.table({  # noqa: F841 - read by DuckDB's replacement scan
        "account_id": pa.array(list(regions), pa.string()),
        "default_region": pa.array(list(regions.values()), pa.string()),
    })
    con.execute("create or replace temp table account_regions as select * from given")
    union = " union ".join(
        f"select r.{name} as raw_phone, coalesce(a.default_region, ?) as region from {CLEANED_ROWS} r "
        f"left join account_regions a on a.account_id = r.account_id where r.{name} is not null"
        for name in phone_columns
    )
    pairs = con.execute(f"select distinct raw_phone, region from ({union})",
                        [DEFAULT_REGION] * len(phone_columns)).fetchall()
    numbers = [normalise(p, r) for p, r in pairs]
    staged = pa.table({  # noqa: F841 - read by DuckDB's replacement scan
        "raw_phone": pa.array([p for p, _ in pairs], pa.string()),
        "region": pa.array([r for _, r in pairs], pa.string()),
        "e164": pa.array([n.e164 if n else None for n in numbers], pa.string()),
        "country_code": pa.array([n.country if n else None for n in numbers], pa.string()),
        "carrier": pa.array([n.carrier if n else None for n in numbers], pa.string()),
    })
    con.execute("create or replace temp table phone_map as select * from staged")
