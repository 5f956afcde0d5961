"""The day-by-day generation loop and its summary."""

from __future__ import annotations

import datetime as dt
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from orchestration.generate import (
    badrows,
    buffers,
    clicks,
    layout,
    native,
    orders,
    receipts,
    reference,
    sendlog,
    sqlkit,
    unsubscribes,
    writer,
)
from orchestration.generate.plan import build_plan
from orchestration.generate.scale import Scale


def _prepare(out: Path, overwrite: bool) -> None:
    existing = [out / e for e in layout.ENTITIES if (out / e).exists()]
    if existing and not overwrite:
        raise FileExistsError(
            f"{out} already holds landing data ({existing[0].name}/); "
            "pass overwrite=True (--overwrite) to replace it")
    for path in existing:
        shutil.rmtree(path)
    out.mkdir(parents=True, exist_ok=True)


CHUNK_MESSAGES = 250_000  # messages generated per batch of days (memory vs. overhead)


class _Tally:
    """Counters for the summary."""

    def __init__(self, days: int) -> None:
        self.rows = {e: 0 for e in layout.ENTITIES}
        self.dups = {e: 0 for e in layout.ENTITIES}
        self.extra = {"orphan_receipts": 0, "order_updates": 0, "messages_generated": 0}
        self.files: list[tuple[str, Path, int]] = []
        self.bad = badrows.BadRows(days)


def _stage(con, plan, days: range, tally: _Tally) -> None:
    """Stage every row caused by the sends of `days` (rows may land in later folders)."""
    reference.stage(con, plan, days)
    tally.extra["messages_generated"] += sendlog.build(con, plan, days)
    tally.dups["messages"] += sendlog.stage(con, plan)["duplicates"]
    receipts.build(con)
    for entity, stats in receipts.stage(con, plan).items():
        tally.dups[entity] += stats["duplicates"]
        tally.extra["orphan_receipts"] += stats["orphans"]
    for entity, stats in native.stage(con, plan).items():
        tally.dups[entity] += stats["duplicates"]
    clicks.build(con)
    tally.dups["clicks"] += clicks.stage(con, plan)["duplicates"]
    orders.build(con, plan, days)
    tally.extra["order_updates"] += orders.stage(con, plan)["updates"]
    tally.dups["unsubscribes"] += unsubscribes.stage(con, plan, days)["duplicates"]


def generate(
    out_dir: str | Path,
    *,
    seed: int = 42,
    messages: int = 5000,
    days: int = 7,
    start_date: dt.date | str = dt.date(2026, 11, 1),
    progress: Callable[[str], None] | None = None,
    overwrite: bool = False,
    threads: int | None = None,
) -> dict:
    """Write synthetic landing data into `out_dir/<entity>/dt=YYYY-MM-DD/`.

    Deterministic: the same arguments give byte-identical files (whatever `threads`).
    `overwrite` first removes existing entity folders in `out_dir` (else they are an
    error). Returns the summary dict described in the package docstring.
    """
    started = time.monotonic()
    if isinstance(start_date, str):
        start_date = dt.date.fromisoformat(start_date)
    scale = Scale.of(messages, days)  # validates before anything is touched
    out = Path(out_dir)
    _prepare(out, overwrite)
    plan = build_plan(seed, scale, start_date)
    con = sqlkit.connect(seed, threads)
    buffers.create(con)
    reference.register(con, plan)
    sendlog.register(con)
    receipts.register(con)
    tally = _Tally(days)
    tally.bad.add("contacts", "invalid_phone", plan.scale.invalid_contacts)
    step = max(1, CHUNK_MESSAGES * days // messages)
    for first in range(0, days, step):
        chunk = range(first, min(days, first + step))
        _stage(con, plan, chunk, tally)
        for day in chunk:  # folders of `chunk` are complete: their rows come from days <= them
            tally.bad.inject(con, day)
            date = start_date + dt.timedelta(days=day)
            day_files = writer.write_day(con, out, day, date)
            tally.files.extend(day_files)
            for entity, _, n in day_files:
                tally.rows[entity] += n
            if progress:
                sent = sum(hi - lo for _, lo, hi, _, _ in plan.day_slices(day))
                progress(f"{date}: {sent} messages sent, {len(day_files)} files written")
        buffers.release(con, chunk.stop - 1)
    con.close()
    return _summary(out, seed, messages, days, start_date, tally, time.monotonic() - started)


def _summary(out, seed, messages, days, start_date, tally: _Tally, elapsed) -> dict:
    file_counts = {e: 0 for e in layout.ENTITIES}
    formats: dict[str, dict[str, int]] = {e: {} for e in layout.ENTITIES}
    for entity, path, _ in tally.files:
        file_counts[entity] += 1
        ext = path.name.split(".", 1)[1]
        formats[entity][ext] = formats[entity].get(ext, 0) + 1
    bad_rows = {e: dict(sorted(r.items())) for e, r in tally.bad.counts.items() if r}
    return {
        "out_dir": str(out),
        "seed": seed,
        "messages_requested": messages,
        "days": days,
        "start_date": start_date.isoformat(),
        "rows": tally.rows,
        "files": file_counts,
        "files_written": len(tally.files),
        "formats": formats,
        "bad_rows": bad_rows,
        "bad_rows_total": sum(sum(r.values()) for r in bad_rows.values()),
        "duplicates": tally.dups,
        **tally.extra,
        "elapsed_seconds": round(elapsed, 2),
    }
