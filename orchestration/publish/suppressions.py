"""`mmsreport export-suppressions`: suppressed contacts with their E.164 number, for the sender.

This is the one output that carries raw phone numbers (SECURITY: the marts only hold
masked ones), so the number is read from raw.contacts here, not from a BI-facing table.
The file is written next to its destination and renamed into place: a reader never
sees a half-written export.
"""

from __future__ import annotations

import csv
import os
import tempfile
from pathlib import Path

import duckdb

EXPORT_COLUMNS = ["contact_id", "account_id", "phone_number", "suppressed_at", "hard_bounce_count"]

_QUERY = """
with current_contacts as (
    select contact_id, account_id, phone_number,
        row_number() over (
            partition by contact_id
            order by updated_at desc nulls last, _source_file desc, _row_number desc
        ) as version_rank
    from raw.contacts
    where _load_id in (select load_id from raw.load_log where is_current and status = 'loaded')
)
select s.contact_id, s.account_id, c.phone_number,
    strftime(s.suppressed_at, '%Y-%m-%dT%H:%M:%SZ') as suppressed_at, s.hard_bounce_count
from marts.contact_suppressions s
left join current_contacts c on c.contact_id = s.contact_id and c.version_rank = 1
where s.is_suppressed
order by s.account_id, s.contact_id
"""


def suppressed_contacts(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute(_QUERY).fetchall()


def export_suppressions(warehouse: str | Path, out: str | Path) -> int:
    """Write the suppressed contacts to `out` (CSV, owner-readable only); return how many."""
    out = Path(out)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        con.execute("set TimeZone = 'UTC'")
        rows = suppressed_contacts(con)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(EXPORT_COLUMNS)
            writer.writerows(rows)
        os.chmod(tmp_name, 0o600)
        os.replace(tmp_name, out)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return len(rows)
