"""`mmsreport export-suppressions`: suppressed contacts with their E.164 number, for the sender.

This is the one output that carries raw phone numbers (SECURITY: the marts only hold
masked ones), and the file is readable by its owner only (0600). Every rule comes from the
dbt models: who is suppressed from marts.contact_suppressions, which version of a contact is
current from staging.stg_raw__contacts (docs/RULES.md, Versions and repeats). Only the E.164
number itself is read from raw.contacts, the one place it is stored, by the row that staging
view picked (its _load_id, _source_file and _row_number): nothing is re-derived here.

The file replaces the previous one atomically (orchestration/publish/atomic.py): a reader
(the sending platform's loader) never sees a half-written export, and a failed export leaves
the previous one untouched.

A suppressed contact whose contact row has not been loaded yet (late-arriving data)
has no phone number to export; it is left out, counted in `ExportResult.missing_numbers`
and logged, and is exported by the first run after the contact arrives.
"""

from __future__ import annotations

import csv
import logging
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration.publish.atomic import OWNER_ONLY, replacing

EXPORT_COLUMNS = ["contact_id", "account_id", "phone_number", "suppressed_at", "hard_bounce_count"]

progress_log = logging.getLogger("mmsreport.progress")

# The suppressed contacts (the mart), the current version of each (the staging view), and that raw row's number.
_QUERY = """
select s.contact_id, s.account_id, cast(r.phone_number as varchar) as phone_number,
    strftime(s.suppressed_at, '%Y-%m-%dT%H:%M:%SZ') as suppressed_at, s.hard_bounce_count
from marts.contact_suppressions s
left join staging.stg_raw__contacts c on c.contact_id = s.contact_id
left join raw.contacts r
    on r._load_id = c._load_id and r._source_file = c._source_file and r._row_number = c._row_number
where s.is_suppressed
order by s.account_id, s.contact_id
"""


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: int
    missing_numbers: int = 0


def suppressed_contacts(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """Every suppressed contact in EXPORT_COLUMNS order; phone_number None when the contact is not loaded."""
    return con.execute(_QUERY).fetchall()


def export_suppressions(warehouse: str | Path, out: str | Path) -> int:
    """Write the suppressed contacts to `out` (CSV, owner-only, atomic); return how many were written."""
    return write_suppressions_export(warehouse, out).rows


def write_suppressions_export(warehouse: str | Path, out: str | Path) -> ExportResult:
    out = Path(out)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        con.execute("set TimeZone = 'UTC'")
        rows = suppressed_contacts(con)
    exportable = [row for row in rows if row[2]]
    missing = len(rows) - len(exportable)
    if missing:
        progress_log.warning(
            "%d suppressed contact(s) left out of %s: their contact row (phone number) is not loaded yet",
            missing, out.name)
    with replacing(out, OWNER_ONLY) as tmp, open(tmp, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(EXPORT_COLUMNS)
        writer.writerows(exportable)
    return ExportResult(path=out, rows=len(exportable), missing_numbers=missing)
