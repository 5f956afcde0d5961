"""`mmsreport export-suppressions`: suppressed contacts with their E.164 number, for the sender.

This is the one output that carries raw phone numbers (SECURITY: the marts only hold
masked ones), so the number is read from raw.contacts here, not from a BI-facing table,
and the file is readable by its owner only (0600).

The file is written to a temporary file in the destination folder, flushed to disk and
renamed into place: a reader (the sending platform's loader) never sees a half-written
export, and a failed export leaves the previous one untouched.

A suppressed contact whose contact row has not been loaded yet (late-arriving data)
has no phone number to export; it is left out, counted in `ExportResult.missing_numbers`
and logged, and is exported by the first run after the contact arrives.
"""

from __future__ import annotations

import csv
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb

EXPORT_COLUMNS = ["contact_id", "account_id", "phone_number", "suppressed_at", "hard_bounce_count"]

progress_log = logging.getLogger("mmsreport.progress")

# The current version of each contact, as stg_raw__contacts picks it (docs/RULES.md, Versions and repeats, macro
# latest_version_first): only the staging view hashes the number, so it is re-derived here.
_QUERY = """
with current_contacts as (
    select contact_id, cast(phone_number as varchar) as phone_number,
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
    _write_csv_atomically(out, EXPORT_COLUMNS, exportable)
    return ExportResult(path=out, rows=len(exportable), missing_numbers=missing)


def _write_csv_atomically(out: Path, header: list[str], rows: list[tuple]) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    for stale in out.parent.glob(f".{out.name}.*.tmp"):  # left by a killed export (callers hold the writer lock)
        stale.unlink(missing_ok=True)
    # mkstemp creates the file with mode 0600 in the destination folder (same file system).
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, 0o600)
        os.replace(tmp_name, out)
        _fsync_dir(out.parent)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
