"""Parsing of SMPP delivery-receipt texts, as SMSCs write them, in set-based SQL.

    id:0123456789 sub:001 dlvrd:001 submit date:2611270915 done date:2611270916 stat:DELIVRD err:000 text:Hi

Field names come in any case and order; `sub`, `dlvrd`, `err` and `text` are
optional; dates are YYMMDDhhmm, YYMMDDhhmmss or YYYYMMDDhhmmss (UTC); vendor
fields after `err` are ignored. `text:` runs to the end of the line, so any
field-like words inside it are not read as fields. A field whose value is
blank (`id: sub:001`) is missing: the next field name is never taken as its value.
An empty `text:` (followed by white space and a field name, `text: stat:DELIVRD`)
is just that: the fields after it are read, not swallowed as its text.

The loader runs `smpp_parse_sql` over a whole file's lines at once (DuckDB's
RE2 regular expressions); `parse_smpp_receipt` runs the same SQL on one line.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime

import duckdb

# Any field name followed by its colon (what a blank value would otherwise swallow).
_KEYS = r"(?i)^(id|sub|dlvrd|submit[\s_]*date|done[\s_]*date|stat|err|text)\s*:"
_FIELD_KEYS = {"id": "id", "stat": "stat", "err": "err",
               "submit": r"submit[\s_]*date", "done": r"done[\s_]*date"}
_DATE_HINT = "(expected YYMMDDhhmm[ss] or YYYYMMDDhhmmss)"
# Empty `text:` fields (white space, then a known field name): removed before the real text is cut off.
_EMPTY_TEXTS = r"(?i)(^|\s)(?:text:\s+)+((?:id|sub|dlvrd|submit[\s_]*date|done[\s_]*date|stat|err)\s*:)"


class SmppParseError(ValueError):
    """The line is not a usable SMPP delivery receipt."""


@dataclass(frozen=True)
class SmppReceipt:
    provider_message_id: str
    status: str
    error_code: str | None
    submitted_at: datetime | None
    event_at: datetime


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _field_sql(name: str) -> str:
    """The field's value in `head` (the line before `text:`), or null when absent or blank."""
    pattern = _quote(r"(?i)(?:^|\s)" + _FIELD_KEYS[name] + r":\s*(.*)$")
    rest = f"regexp_extract(head, {pattern}, 1)"
    return (f"case when regexp_matches({rest}, {_quote(_KEYS)}) then null "
            f"else nullif(regexp_extract({rest}, '^(\\S+)', 1), '') end")


def smpp_date_sql(value: str) -> str:
    """SQL reading an SMPP date (10, 12 or 14 digits) as a UTC timestamp; null if it is not one."""
    return (f"case when regexp_full_match({value}, '[0-9]+') then case length({value}) "
            f"when 10 then try_strptime({value}, '%y%m%d%H%M') "
            f"when 12 then try_strptime({value}, '%y%m%d%H%M%S') "
            f"when 14 then try_strptime({value}, '%Y%m%d%H%M%S') end end")


def _bad_date_reason(value: str) -> str:
    return f"'unparseable SMPP receipt: unparseable date ''' || {value} || ''' {_DATE_HINT}'"


def smpp_parse_sql(lines: str) -> str:
    """A query over `lines(_row_number, line)` giving each non-blank line's fields or its reject reason.

    Columns: _row_number, line, provider_message_id, status, error_code,
    submitted_at, event_at, _reason (null when the receipt is usable).
    """
    fields = ",\n        ".join(f"{_field_sql(name)} as f_{name}" for name in _FIELD_KEYS)
    missing = " || ".join(
        f"case when f_{name} is null then ', {label}' else '' end"
        for name, label in (("id", "id"), ("stat", "stat"), ("done", "done date"))
    )
    return f"""
    with heads as (
        select _row_number, line,
            regexp_replace(regexp_replace(line, {_quote(_EMPTY_TEXTS)}, '\\1\\2', 'g'), '(?i)(^|\\s)text:.*$', '')
                as head
        from {lines}
        where not regexp_full_match(coalesce(line, ''), '\\s*')
    ), found as (
        select _row_number, line,
        {fields}
        from heads
    ), parsed as (
        select *, {smpp_date_sql('f_submit')} as submit_ts, {smpp_date_sql('f_done')} as done_ts,
            {missing} as missing
        from found
    )
    select _row_number, line,
        f_id as provider_message_id, upper(f_stat) as status, f_err as error_code,
        submit_ts as submitted_at, done_ts as event_at,
        case
            when missing <> '' then 'unparseable SMPP receipt: missing field(s): ' || substr(missing, 3)
            when f_submit is not null and submit_ts is null then {_bad_date_reason('f_submit')}
            when done_ts is null then {_bad_date_reason('f_done')}
        end as _reason
    from parsed
    """


_local = threading.local()


def _connection() -> duckdb.DuckDBPyConnection:
    if not hasattr(_local, "con"):
        _local.con = duckdb.connect()
    return _local.con


def parse_smpp_date(value: str) -> datetime:
    """Read an SMPP receipt date (YYMMDDhhmm, YYMMDDhhmmss or YYYYMMDDhhmmss), UTC."""
    parsed = _connection().execute(f"select {smpp_date_sql('$value')}", {"value": value}).fetchone()[0]
    if parsed is None:
        raise SmppParseError(f"unparseable date {value!r} {_DATE_HINT}")
    return parsed


def parse_smpp_receipt(line: str) -> SmppReceipt:
    """Parse one receipt text with the loader's SQL; raise SmppParseError naming what is wrong."""
    con = _connection()
    row = con.execute(
        smpp_parse_sql("(select 1 as _row_number, $line as line)"), {"line": line}
    ).fetchone()
    if row is None:
        raise SmppParseError("missing field(s): id, stat, done date")  # a blank line
    _, _, message_id, status, error_code, submitted_at, event_at, reason = row
    if reason:
        raise SmppParseError(reason.removeprefix("unparseable SMPP receipt: "))
    return SmppReceipt(message_id, status, error_code, submitted_at, event_at)
