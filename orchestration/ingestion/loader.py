"""Load new landing files of one entity into raw.<entity>, one transaction per file.

The file manifest `raw.load_log` makes loading idempotent: a file version
(entity, path, content hash) already loaded is skipped; a changed file is
loaded as a new version and becomes the current one for its path. A file
whose size and modification time match its current version is not even
re-hashed, so a nightly run with nothing new costs a directory walk.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from orchestration.ingestion.entities import SPECS
from orchestration.ingestion.raw_schema import ensure_raw_schema
from orchestration.ingestion.readers import READER_REJECTS, UnreadableFileError, file_format, read_file
from orchestration.ingestion.validate import (
    INVALID_ROWS,
    VALID_ROWS,
    MissingColumnError,
    validate,
)
from orchestration.paths import default_memory_limit


@dataclass
class FileOutcome:
    path: str
    status: str  # loaded | skipped | failed
    rows_loaded: int = 0
    rows_rejected: int = 0
    error: str | None = None


@dataclass
class EntityLoadSummary:
    entity: str
    files: list[FileOutcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for f in self.files if f.status == status)

    @property
    def rows_loaded(self) -> int:
        return sum(f.rows_loaded for f in self.files)

    @property
    def rows_rejected(self) -> int:
        return sum(f.rows_rejected for f in self.files)

    @property
    def failures(self) -> list[FileOutcome]:
        return [f for f in self.files if f.status == "failed"]


def connect(warehouse: str | Path) -> duckdb.DuckDBPyConnection:
    """A connection to the warehouse with UTC session time and the raw schema in place."""
    Path(warehouse).parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(warehouse))
    os.chmod(warehouse, 0o600)  # phone numbers live in raw: owner only
    con.execute("set TimeZone = 'UTC'")
    con.execute("set memory_limit = ?", [memory_limit()])
    con.execute("set enable_progress_bar = false")  # the loader reports its own progress
    ensure_raw_schema(con)
    return con


def memory_limit() -> str:
    """DuckDB's memory bound for loading, the same as the dbt build's: MMSREPORT_MEMORY_LIMIT, else the
    default written once, in profiles.yml."""
    return os.environ.get("MMSREPORT_MEMORY_LIMIT") or default_memory_limit()


def discover_files(landing: Path, entity: str) -> Iterator[tuple[str, Path]]:
    """(relative path, absolute path) of the entity's files, sorted by relative path.

    Hidden files (`.*`) and marker files (`_*`, e.g. `_SUCCESS`) are skipped;
    symbolic links that lead outside the landing folder are not followed.
    """
    root = landing / entity
    if not root.is_dir():
        return
    landing_real = landing.resolve()
    found = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "_")))
        for name in filenames:
            if name.startswith((".", "_")):
                continue
            path = Path(dirpath) / name
            if not path.resolve().is_relative_to(landing_real):
                continue
            found.append((path.relative_to(landing).as_posix(), path))
    yield from sorted(found)


def unknown_entity_folders(landing: str | Path) -> list[str]:
    """Folders directly under the landing folder that are no entity: their files are never loaded.

    Hidden (`.*`) and marker (`_*`) folders are not reported.
    """
    root = Path(landing)
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir()
                  if p.is_dir() and p.name not in SPECS and not p.name.startswith((".", "_")))


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_entity(
    con: duckdb.DuckDBPyConnection,
    landing: str | Path,
    entity: str,
    progress=None,
) -> EntityLoadSummary:
    """Load every new or changed file of `entity` under `landing`."""
    landing = Path(landing)
    summary = EntityLoadSummary(entity)
    current = {
        path: (content_hash, size, mtime)
        for path, content_hash, size, mtime in con.execute(
            "select path, content_hash, size_bytes, mtime_ns from raw.load_log "
            "where entity = ? and is_current",
            [entity],
        ).fetchall()
    }
    failed_before = {
        (path, content_hash, error)
        for path, content_hash, error in con.execute(
            "select path, content_hash, error from raw.load_log where entity = ? and status = 'failed'",
            [entity],
        ).fetchall()
    }
    for relative, path in discover_files(landing, entity):
        try:
            stat = path.stat()
        except FileNotFoundError:
            continue  # a dangling symbolic link, or a file removed since the walk: nothing to load
        known = current.get(relative)
        if known and known[1] == stat.st_size and known[2] == stat.st_mtime_ns:
            summary.files.append(FileOutcome(relative, "skipped"))
            continue
        content_hash = file_sha256(path)
        if known and known[0] == content_hash:
            # Touched, not changed: remember the new mtime so the next run need not re-hash it.
            con.execute("update raw.load_log set mtime_ns = ? where entity = ? and path = ? and is_current",
                        [stat.st_mtime_ns, entity, relative])
            summary.files.append(FileOutcome(relative, "skipped"))
            continue
        outcome = load_file(con, entity, relative, path, content_hash, stat, failed_before)
        summary.files.append(outcome)
        if progress:
            progress(entity, outcome)
    return summary


# superseded_by_load_id is set later, when a newer version of the path loads.
LOAD_LOG_INSERT_COLUMNS = (
    "(load_id, entity, path, content_hash, size_bytes, mtime_ns, rows_loaded, rows_rejected, "
    "status, error, is_current, loaded_at)"
)


def load_file(
    con: duckdb.DuckDBPyConnection,
    entity: str,
    relative: str,
    path: Path,
    content_hash: str,
    stat: os.stat_result,
    failed_before: set | frozenset = frozenset(),
) -> FileOutcome:
    """Read, validate and write one file version in a single transaction."""
    con.execute("begin transaction")
    try:
        error = _read_and_validate(con, entity, relative, path)
        if error is None:
            outcome = _write_rows(con, entity, relative, content_hash, stat)
            con.execute("commit")
            return outcome
    except BaseException:
        con.execute("rollback")
        raise
    con.execute("rollback")
    return _record_failure(con, entity, relative, content_hash, stat, error, failed_before)


def _read_and_validate(con, entity: str, relative: str, path: Path) -> str | None:
    """Fill valid_rows, invalid_rows and reader_rejects; or say why the file cannot be loaded."""
    fmt = file_format(path, entity)
    try:
        if fmt is None:
            raise UnreadableFileError(f"unsupported file type for {entity}: {path.name}")
        columns = read_file(con, path, fmt)
        validate(con, SPECS[entity], columns)
    except MissingColumnError as exc:
        return f"{relative}: missing required column(s) {exc}"
    except UnreadableFileError as exc:
        return f"{relative}: {exc}"
    except Exception as exc:  # noqa: BLE001 - one bad file must never stop the others
        return f"{relative}: cannot load ({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''})"
    return None


def _write_rows(con, entity: str, relative: str, content_hash: str, stat: os.stat_result) -> FileOutcome:
    loaded_at = datetime.now(UTC).replace(tzinfo=None)
    names = ", ".join(c.name for c in SPECS[entity].columns)
    load_id = con.execute("select coalesce(max(load_id), 0) + 1 from raw.load_log").fetchone()[0]
    loaded = con.execute(
        f"insert into raw.{entity} ({names}, _load_id, _source_file, _row_number, _extra, "
        f"_loaded_at) select {names}, ?, ?, _row_number, _extra, ? from {VALID_ROWS}",
        [load_id, relative, loaded_at],
    ).fetchone()[0]
    rejected = con.execute(
        "insert into raw.rejected_rows select ?, ?, ?, _row_number, _reason, _original, ? "
        f"from (select _row_number, _reason, cast(_original as varchar) as _original from {INVALID_ROWS} "
        f"union all select _row_number, _reason, _original from {READER_REJECTS})",
        [load_id, entity, relative, loaded_at],
    ).fetchone()[0]
    con.execute(
        "update raw.load_log set is_current = false, superseded_by_load_id = ? "
        "where entity = ? and path = ? and is_current",
        [load_id, entity, relative],
    )
    con.execute(
        f"insert into raw.load_log {LOAD_LOG_INSERT_COLUMNS} "
        "values (?, ?, ?, ?, ?, ?, ?, ?, 'loaded', null, true, ?)",
        [load_id, entity, relative, content_hash, stat.st_size, stat.st_mtime_ns,
         loaded, rejected, loaded_at],
    )
    return FileOutcome(relative, "loaded", loaded, rejected)


def _record_failure(con, entity, relative, content_hash, stat, error, failed_before) -> FileOutcome:
    if not any(p == relative and h == content_hash for p, h, _ in failed_before):
        con.execute("begin transaction")
        load_id = con.execute("select coalesce(max(load_id), 0) + 1 from raw.load_log").fetchone()[0]
        con.execute(
            f"insert into raw.load_log {LOAD_LOG_INSERT_COLUMNS} "
            "values (?, ?, ?, ?, ?, ?, 0, 0, 'failed', ?, false, ?)",
            [load_id, entity, relative, content_hash, stat.st_size, stat.st_mtime_ns, error,
             datetime.now(UTC).replace(tzinfo=None)],
        )
        con.execute("commit")
    return FileOutcome(relative, "failed", error=error)
