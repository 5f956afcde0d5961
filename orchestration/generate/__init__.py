"""Synthetic, deterministic landing data for mmsreport (docs/RULES.md, Input files; `mmsreport generate`).

    generate(out_dir, *, seed=42, messages=5000, days=7, start_date=date(2026, 11, 1),
             progress=None, overwrite=False, threads=None) -> dict

writes `out_dir/<entity>/dt=YYYY-MM-DD/<entity>_YYYYMMDD_NN.<ext>` for the entities of
docs/RULES.md, Input files and returns a summary with keys: out_dir, seed, messages_requested, days,
start_date, rows (rows/lines written per entity, bad and duplicate rows included),
files (files per entity), files_written, formats (entity -> extension -> files),
bad_rows (entity -> reason -> rows), bad_rows_total, duplicates (exact repeats per
entity), orphan_receipts, order_updates, messages_generated, elapsed_seconds.

`add_arguments(parser)` / `run(args)` wire the CLI options.
"""

from orchestration.generate.cli import add_arguments, run
from orchestration.generate.runner import generate

__all__ = ["add_arguments", "generate", "run"]
