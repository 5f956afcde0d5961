"""Arguments of `mmsreport generate` and the glue from parsed arguments to `generate`."""

from __future__ import annotations

import argparse
import datetime as dt
import json

from orchestration.generate.runner import generate


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the `generate` options to an (sub)parser."""
    parser.add_argument("--out", required=True, help="landing folder to write into")
    parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    parser.add_argument("--messages", type=int, default=5000,
                        help="approximate number of messages (default 5000)")
    parser.add_argument("--days", type=int, default=7, help="number of daily folders (default 7)")
    parser.add_argument("--start-date", type=dt.date.fromisoformat,
                        default=dt.date(2026, 11, 1), help="first day, YYYY-MM-DD")
    parser.add_argument("--overwrite", action="store_true",
                        help="replace existing entity folders in --out")
    parser.add_argument("--quiet", action="store_true", help="no per-day progress lines")


def run(args: argparse.Namespace) -> dict:
    """Run `generate` from parsed arguments; prints progress and a JSON summary."""
    summary = generate(
        args.out, seed=args.seed, messages=args.messages, days=args.days,
        start_date=args.start_date, overwrite=args.overwrite,
        progress=None if args.quiet else print,
    )
    print(json.dumps(summary, indent=2))
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m orchestration.generate",
                                     description="Generate synthetic landing data.")
    add_arguments(parser)
    run(parser.parse_args(argv))
    return 0
