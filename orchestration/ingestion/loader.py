"""Load new landing files of one entity into raw.<entity>, in batches: one transaction per batch.

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
from orchestration.ingestion.phones import DEFAULT_REGION
from orchestration.ingestion.raw_schema import ensure_raw_schema
from orchestration.ingestion.readers import (
    BATCH_FORMATS,
    UnreadableFileError,
    csv_header_line,
    file_format,
    parquet_text_columns,
    read_csv_files,
    read_file,
    read_files,
    read_parquet_files,
)
from orchestration.ingestion.validate import (
    BATCH_REJECTS,
    INVALID_ROWS,
    VALID_ROWS,
    MissingColumnError,
    add_rows,
    check_rows,
    drop_units,
    start_batch,
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


# A batch: new files of one entity read, validated and written together, in one transaction.
# Bounded so memory stays bounded: at most this many files and bytes of text (a compressed file
# counted as GZIP_RATIO times its size: generated CSV and JSON compress 5-8 times).
BATCH_FILES = 256
BATCH_BYTES = 64 << 20
GZIP_RATIO = 8


@dataclass
class Pending:
    """A new file version to load."""

    relative: str
    path: Path
    content_hash: str
    stat: os.stat_result


def load_entity(
    con: duckdb.DuckDBPyConnection,
    landing: str | Path,
    entity: str,
    progress=None,
    batch_files: int = BATCH_FILES,
    batch_bytes: int = BATCH_BYTES,
) -> EntityLoadSummary:
    """Load every new or changed file of `entity` under `landing`, in batches of files."""
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
        (path, content_hash)
        for path, content_hash in con.execute(
            "select path, content_hash from raw.load_log where entity = ? and status = 'failed'",
            [entity],
        ).fetchall()
    }
    pending: list[Pending] = []
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
        pending.append(Pending(relative, path, content_hash, stat))
    regions = account_regions(con) if any(c.kind == "phone" for c in SPECS[entity].columns) else {}
    for batch in _batches(pending, batch_files, batch_bytes):
        validated = read_and_validate(con, entity, [(p.relative, p.path) for p in batch], regions)
        for outcome in write_batch(con, entity, batch, validated, failed_before):
            summary.files.append(outcome)
            if progress:
                progress(entity, outcome)
    return summary


def _batches(pending: list[Pending], max_files: int, max_bytes: int) -> Iterator[list[Pending]]:
    batch: list[Pending] = []
    size = 0
    for item in pending:
        if batch and (len(batch) >= max_files or size + _text_bytes(item) > max_bytes):
            yield batch
            batch, size = [], 0
        batch.append(item)
        size += _text_bytes(item)
    if batch:
        yield batch


def _text_bytes(item: Pending) -> int:
    compressed = item.path.name.lower().endswith(".gz")
    return item.stat.st_size * (GZIP_RATIO if compressed else 1)


def account_regions(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Each account's default region (its latest current version's, else GB), for phone numbers."""
    return dict(con.execute(
        "select account_id, coalesce(first(default_region order by updated_at desc nulls last, "
        "_source_file desc, _row_number desc), ?) as default_region "
        "from raw.accounts where _load_id in (select load_id from raw.load_log where is_current) "
        "group by account_id",
        [DEFAULT_REGION],
    ).fetchall())


@dataclass
class ValidatedBatch:
    """What read_and_validate made of a batch of files (the rows are in the temp tables
    valid_rows and invalid_rows, until the next batch): per file read, its valid and rejected row counts; per file
    that cannot be loaded, why."""

    counts: dict[str, tuple[int, int]]
    errors: dict[str, str]


def read_and_validate(
    con: duckdb.DuckDBPyConnection,
    entity: str,
    files: list[tuple[str, Path]],
    regions: dict[str, str],
) -> ValidatedBatch:
    """Read and validate `files` (relative path, absolute path) of `entity`, touching no raw table.

    Leaves on `con` the temp view `valid_rows` (_source_file, _row_number, _extra and the
    entity's typed columns) and the temp table `invalid_rows` (_source_file, _row_number, _reason, _original:
    the rows failing a check and the records a reader could not split). `regions` maps
    account_id to its default region (account_regions). CSV files of the same header line
    are read in one scan; if that scan fails they are read one by one, so one bad file
    never keeps the others out. A file that cannot be read, or lacks a required column,
    has no rows and is in `errors`.
    """
    spec = SPECS[entity]
    start_batch(con, spec)
    errors: dict[str, str] = {}
    for key, unit in _read_units(entity, files):
        _add_unit(con, spec, key, unit, errors)
    check_rows(con, spec, regions)
    counts = {relative: (0, 0) for relative, _ in files if relative not in errors}
    for relative, valid, invalid in con.execute(
        f"select _source_file, count(*) filter (where valid), count(*) filter (where not valid) from ("
        f"select _source_file, true as valid from {VALID_ROWS} "
        f"union all select _source_file, false from {INVALID_ROWS}) group by _source_file"
    ).fetchall():
        counts[relative] = (valid, invalid)
    return ValidatedBatch(counts, errors)


def _read_units(entity: str, files: list[tuple[str, Path]]) -> list[tuple[tuple, list[tuple[str, Path]]]]:
    """The batch's files as reader calls ((format, what the files share), files): CSV files of the same
    header line together, Parquet files of the same text columns together, files of a line-based
    format together, others alone."""
    together: dict[tuple, list[tuple[str, Path]]] = {}
    alone: list[tuple[tuple, list[tuple[str, Path]]]] = []
    for relative, path in files:
        fmt = file_format(path, entity)
        header = csv_header_line(path) if fmt == "csv" else None
        text_columns = parquet_text_columns(path) if fmt == "parquet" else None
        if fmt in BATCH_FORMATS:
            together.setdefault((fmt,), []).append((relative, path))
        elif header is not None and _one_csv_dialect(header):
            together.setdefault((fmt, header, path.name.lower().endswith(".gz")), []).append((relative, path))
        elif text_columns is not None:
            together.setdefault((fmt, text_columns), []).append((relative, path))
        else:
            alone.append(((fmt,), [(relative, path)]))
    return [(key, unit) for key, unit in together.items()] + alone


def _one_csv_dialect(header: bytes) -> bool:
    """A header line whose dialect DuckDB's sniffer cannot read differently from file to file:
    comma-separated, no other candidate separator, quotes balanced on the line."""
    return b"," in header and not any(ch in header for ch in (b";", b"|", b"\t")) and header.count(b'"') % 2 == 0


def _add_unit(con, spec, key: tuple, unit: list[tuple[str, Path]], errors: dict[str, str]) -> None:
    """Read one reader call's files into the batch; a unit of several files that fails is read again
    file by file, so that only the bad file fails."""
    fmt = key[0]
    try:
        if fmt in BATCH_FORMATS:
            groups = read_files(con, unit, fmt)
        elif fmt == "csv" or (fmt == "parquet" and len(unit) > 1):
            scan = read_parquet_files(con, unit, key[1]) if fmt == "parquet" else read_csv_files(con, unit)
            groups = iter([([relative for relative, _ in unit], scan)])
        else:
            relative, path = unit[0]
            if fmt is None:
                raise UnreadableFileError(f"unsupported file type for {spec.name}: {path.name}")
            groups = iter([(relative, read_file(con, path, fmt))])
        for relatives, columns in groups:
            try:
                add_rows(con, spec, columns, relatives)
            except MissingColumnError as exc:  # nothing of these files added
                for relative in [relatives] if isinstance(relatives, str) else relatives:
                    errors[relative] = f"{relative}: missing required column(s) {exc}"
        return
    except Exception as exc:  # noqa: BLE001 - one bad file must never stop the others
        _forget(con, unit, errors)
        if len(unit) > 1:
            for one in unit:
                _add_unit(con, spec, key, [one], errors)
            return
        relative = unit[0][0]
        if isinstance(exc, UnreadableFileError):
            errors[relative] = f"{relative}: {exc}"
        else:
            first = str(exc).splitlines()[0] if str(exc) else ""
            errors[relative] = f"{relative}: cannot load ({type(exc).__name__}: {first})"


def _forget(con, unit: list[tuple[str, Path]], errors: dict[str, str]) -> None:
    """Take back whatever a failed unit appended to the batch."""
    relatives = [relative for relative, _ in unit]
    for relative in relatives:
        errors.pop(relative, None)
    drop_units(con, relatives)
    con.execute(f"delete from {BATCH_REJECTS} where _source_file in (select unnest(?::varchar[]))", [relatives])


# superseded_by_load_id is set later, when a newer version of the path loads.
LOAD_LOG_INSERT_COLUMNS = (
    "(load_id, entity, path, content_hash, size_bytes, mtime_ns, rows_loaded, rows_rejected, "
    "status, error, is_current, loaded_at)"
)


def write_batch(
    con: duckdb.DuckDBPyConnection,
    entity: str,
    batch: list[Pending],
    validated: ValidatedBatch,
    failed_before: set | frozenset = frozenset(),
) -> list[FileOutcome]:
    """Write a validated batch in one transaction: rows, rejected rows and a load_log row per file version
    (load ids in file order; a failure already recorded for the same content is not recorded again)."""
    loaded_at = datetime.now(UTC).replace(tzinfo=None)
    outcomes, manifest = [], []
    for item in batch:
        error = validated.errors.get(item.relative)
        if error is None:
            loaded, rejected = validated.counts[item.relative]
            outcomes.append(FileOutcome(item.relative, "loaded", loaded, rejected))
            manifest.append((item, "loaded", loaded, rejected, None))
        else:
            outcomes.append(FileOutcome(item.relative, "failed", error=error))
            if (item.relative, item.content_hash) not in failed_before:
                manifest.append((item, "failed", 0, 0, error))
    names = ", ".join(c.name for c in SPECS[entity].columns)
    v_names = ", ".join(f"v.{c.name}" for c in SPECS[entity].columns)
    con.execute("begin transaction")
    try:
        first_id = con.execute("select coalesce(max(load_id), 0) + 1 from raw.load_log").fetchone()[0]
        columns = list(zip(*[
            (first_id + n, item.relative, item.content_hash, item.stat.st_size, item.stat.st_mtime_ns,
             loaded, rejected, status, error)
            for n, (item, status, loaded, rejected, error) in enumerate(manifest)
        ], strict=True)) or [[]] * 9
        con.execute(
            "create or replace temp table batch_manifest as select unnest(?::bigint[]) as load_id, "
            "unnest(?::varchar[]) as path, unnest(?::varchar[]) as content_hash, "
            "unnest(?::bigint[]) as size_bytes, unnest(?::bigint[]) as mtime_ns, "
            "unnest(?::bigint[]) as rows_loaded, unnest(?::bigint[]) as rows_rejected, "
            "unnest(?::varchar[]) as status, unnest(?::varchar[]) as error",
            [list(c) for c in columns],
        )
        con.execute(
            f"insert into raw.{entity} ({names}, _load_id, _source_file, _row_number, _extra, _loaded_at) "
            f"select {v_names}, m.load_id, v._source_file, v._row_number, v._extra, ? "
            f"from {VALID_ROWS} v join batch_manifest m on m.path = v._source_file and m.status = 'loaded'",
            [loaded_at],
        )
        con.execute(
            "insert into raw.rejected_rows select m.load_id, ?, i._source_file, i._row_number, i._reason, "
            f"i._original, ? from {INVALID_ROWS} i "
            "join batch_manifest m on m.path = i._source_file and m.status = 'loaded'",
            [entity, loaded_at],
        )
        con.execute(
            "update raw.load_log set is_current = false, superseded_by_load_id = m.load_id from batch_manifest m "
            "where raw.load_log.entity = ? and raw.load_log.path = m.path and raw.load_log.is_current "
            "and m.status = 'loaded'",
            [entity],
        )
        con.execute(
            f"insert into raw.load_log {LOAD_LOG_INSERT_COLUMNS} select load_id, ?, path, content_hash, "
            "size_bytes, mtime_ns, rows_loaded, rows_rejected, status, error, status = 'loaded', ? "
            "from batch_manifest order by load_id",
            [entity, loaded_at],
        )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return outcomes
