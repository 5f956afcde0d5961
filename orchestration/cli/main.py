"""`mmsreport`: run, generate, demo, report, export-suppressions, site, metrics (docs/RULES.md, Commands)."""

from __future__ import annotations

import argparse
import ipaddress
import json
import logging
import os
import sys
from datetime import date
from pathlib import Path

from orchestration.generate.cli import add_arguments as add_generate_arguments
from orchestration.paths import ENGINES, default_landing, default_warehouse, engine_from_environment
from orchestration.publish.warehouse import WarehouseBusyError, WarehouseLock


def _configure_progress(verbose: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger = logging.getLogger("mmsreport.progress")
    logger.handlers[:] = [handler]
    logger.setLevel(logging.DEBUG if verbose else logging.INFO)
    logger.propagate = False


def _path(value: str) -> Path:
    return Path(value).expanduser().resolve()


def cmd_run(args: argparse.Namespace) -> int:
    from orchestration.cli.run_job import run_build
    from orchestration.cli.summary import print_run_summary
    from orchestration.variables import parse_pairs

    try:
        dbt_vars = parse_pairs(args.var)
    except ValueError as exc:
        print(f"mmsreport run: {exc}", file=sys.stderr)
        return 2
    if args.engine not in ENGINES:
        print(f"mmsreport run: engine {args.engine!r} (MMSREPORT_ENGINE): expected {' or '.join(ENGINES)}",
              file=sys.stderr)
        return 2
    if not args.landing.is_dir():
        print(f"mmsreport run: landing folder {args.landing} does not exist "
              "(create it, or generate data with `mmsreport generate --out DIR`)", file=sys.stderr)
        return 2
    print(f"Building {args.warehouse} from {args.landing}", file=sys.stderr)
    try:
        with WarehouseLock(args.warehouse):
            summary = run_build(args.landing, args.warehouse, dbt_vars, full_refresh=args.full_refresh,
                                engine=args.engine, spark_master=args.spark_master)
    except WarehouseBusyError as exc:
        print(f"mmsreport run: {exc}", file=sys.stderr)
        return 3
    print_run_summary(summary)
    return 0 if summary.success and not summary.failed_files else 1


def cmd_generate(args: argparse.Namespace) -> int:
    from orchestration.generate import generate

    print(f"Generating about {args.messages:,} messages over {args.days} days into {args.out}", file=sys.stderr)
    try:
        result = generate(args.out, seed=args.seed, messages=args.messages, days=args.days,
                          start_date=args.start_date, overwrite=args.overwrite,
                          progress=None if args.quiet else lambda msg: print(f"  {msg}", file=sys.stderr))
    except FileExistsError as exc:
        print(f"mmsreport generate: {exc} (use --overwrite to replace the generated folders)", file=sys.stderr)
        return 2
    rows = ", ".join(f"{entity} {count:,}" for entity, count in result["rows"].items())
    print(f"Wrote {result['files_written']:,} files in {result['elapsed_seconds']:.1f} s: {rows}; "
          f"{result['bad_rows_total']} deliberately bad rows", file=sys.stderr)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    landing, warehouse = default_landing(), default_warehouse()
    if landing.is_dir() and any(landing.iterdir()):
        print(f"Using the landing data already in {landing}", file=sys.stderr)
    else:
        gen = argparse.Namespace(out=landing, seed=42, messages=5000, days=7, start_date=date(2026, 11, 1),
                                 overwrite=False, quiet=True)
        if cmd_generate(gen) != 0:
            return 1
    # The run's own defaults (every option of `mmsreport run`), on the embedded engine.
    code = cmd_run(build_parser().parse_args(
        ["run", "--landing", str(landing), "--warehouse", str(warehouse), "--engine", "duckdb"]))
    if warehouse.exists():
        cmd_report(argparse.Namespace(warehouse=warehouse, campaign=None))
        from orchestration.cli.report import alert_summary

        alerts = alert_summary(warehouse)
        if alerts:
            print("\n" + "\n".join(alerts) + "\n(details: mmsreport report --deliverability)")
        from orchestration.site import default_site_dir

        site = default_site_dir(warehouse) / "index.html"
        if site.exists():
            print(f"\nThe campaign report site: open {site} in a browser", file=sys.stderr)
    return code


def cmd_report(args: argparse.Namespace) -> int:
    from orchestration.cli.report import print_report

    if not args.warehouse.exists():
        print(f"mmsreport report: no warehouse at {args.warehouse} (run `mmsreport run` first)", file=sys.stderr)
        return 2
    if getattr(args, "account", None) and not getattr(args, "deliverability", False):
        print("mmsreport report: --account goes with --deliverability", file=sys.stderr)
        return 2
    if getattr(args, "deliverability", False):
        if args.campaign:
            print("mmsreport report: --campaign and --deliverability are separate reports; give one",
                  file=sys.stderr)
            return 2
        from orchestration.cli.report import print_deliverability

        return print_deliverability(args.warehouse, args.account)
    return print_report(args.warehouse, args.campaign)


def cmd_export_suppressions(args: argparse.Namespace) -> int:
    from orchestration.publish.suppressions import export_suppressions

    if not args.warehouse.exists():
        print(f"mmsreport export-suppressions: no warehouse at {args.warehouse}", file=sys.stderr)
        return 2
    count = export_suppressions(args.warehouse, args.out)
    print(f"Wrote {count} suppressed contacts to {args.out}", file=sys.stderr)
    return 0


def cmd_site(args: argparse.Namespace) -> int:
    from orchestration.site import build_site, default_site_dir

    if not args.warehouse.exists():
        print(f"mmsreport site: no warehouse at {args.warehouse} (run `mmsreport run` first)", file=sys.stderr)
        return 2
    out = args.out or default_site_dir(args.warehouse)
    result = build_site(args.warehouse, out, full=args.full)
    campaigns = result.campaigns_rendered + result.campaigns_reused
    accounts = result.accounts_rendered + result.accounts_reused
    how = f"full build: {result.full_reason}" if result.full_reason else "the others reused from the previous site"
    print(f"Re-rendered {result.campaigns_rendered:,} of {campaigns:,} campaigns and {result.accounts_rendered:,} of "
          f"{accounts:,} suppression lists ({how})", file=sys.stderr)
    print(f"Wrote {result.pages:,} pages and {result.data_files:,} data files ({result.files:,} files, "
          f"{result.bytes / 1e6:.1f} MB; largest page "
          f"{result.largest_page_bytes / 1e3:.0f} kB) in {result.seconds:.1f} s", file=sys.stderr)
    print(f"Open {result.out / 'index.html'} in a browser", file=sys.stderr)
    return 0


def _names(value: str) -> list[str]:
    return [name.strip() for name in value.split(",") if name.strip()]


def cmd_metrics(args: argparse.Namespace) -> int:
    from orchestration.publish.readers_copy import default_readers_copy_path
    from orchestration.semantic import mf_query_args, run_mf, with_currency

    bi_file = args.bi_file or default_readers_copy_path(args.warehouse)
    if not bi_file.exists():
        print(f"mmsreport metrics: no readers' copy at {bi_file} (run `mmsreport run` first)", file=sys.stderr)
        return 2
    if not args.metrics and not args.saved_query:
        print("mmsreport metrics: give --metrics or --saved-query (the saved queries: campaign_list, "
              "delivery_by_send_week)", file=sys.stderr)
        return 2
    metrics, group_by = _names(args.metrics or ""), _names(args.group_by or "")
    if not args.saved_query and with_currency(metrics, group_by) != group_by:
        print("money metrics are per currency: grouping by campaign__currency too", file=sys.stderr)
    mf_args = mf_query_args(metrics, group_by, where=args.where, order=_names(args.order or ""),
                            limit=args.limit, csv=args.csv, saved_query=args.saved_query, explain=args.explain)
    return run_mf(mf_args, bi_file).returncode


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def ui_command(args: argparse.Namespace) -> tuple[list[str], dict, str | None]:
    """`dagster dev` for our definitions: its argv, environment, and a warning when not on loopback."""
    from orchestration.paths import dagster_home
    from orchestration.variables import parse_pairs

    env = dict(os.environ)
    env["DAGSTER_HOME"] = str(dagster_home())  # the same default (and the same runs) as `mmsreport run`
    env["MMSREPORT_LANDING"] = str(args.landing)
    env["MMSREPORT_WAREHOUSE"] = str(args.warehouse)
    if args.var:
        env["MMSREPORT_VARS"] = json.dumps(parse_pairs(args.var))
    dagster = Path(sys.executable).with_name("dagster")
    argv = [str(dagster) if dagster.exists() else "dagster", "dev", "-m", "orchestration.definitions",
            "-h", args.host, "-p", str(args.port)]
    warning = None if _is_loopback(args.host) else (
        f"warning: the Dagster UI will listen on {args.host}, reachable from other machines; it has no "
        "login and can start runs and show run logs (file paths, errors). Prefer 127.0.0.1 and an SSH tunnel.")
    return argv, env, warning


def cmd_ui(args: argparse.Namespace) -> int:
    try:
        argv, env, warning = ui_command(args)
    except ValueError as exc:
        print(f"mmsreport ui: {exc}", file=sys.stderr)
        return 2
    if warning:
        print(warning, file=sys.stderr)
    print(f"Dagster UI on http://{args.host}:{args.port} (Ctrl-C stops it)", file=sys.stderr)
    sys.stderr.flush()
    os.execvpe(argv[0], argv, env)  # dagster dev takes over this process (and its signals)
    return 0  # not reached


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mmsreport", description="SMS/MMS campaign reporting warehouse.")
    parser.add_argument("-v", "--verbose", action="store_true", help="show every dbt node as it builds")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="load what is new in the landing folder and build everything")
    run.add_argument("--landing", type=_path, default=default_landing())
    run.add_argument("--warehouse", type=_path, default=default_warehouse())
    run.add_argument("--var", action="append", default=[], metavar="NAME=VALUE",
                     help="dbt variable, e.g. attribution_model=first_click (repeatable)")
    run.add_argument("--full-refresh", action="store_true", help="rebuild incremental models from raw")
    run.add_argument("--engine", choices=ENGINES, default=engine_from_environment(),
                     help="duckdb (default; also MMSREPORT_ENGINE): --warehouse is a DuckDB file; "
                          "spark: --warehouse is a Spark warehouse folder (docs/SCALING.md)")
    run.add_argument("--spark-master", default=os.environ.get("MMSREPORT_SPARK_MASTER") or None,
                     metavar="URL", help="the Spark cluster (also MMSREPORT_SPARK_MASTER; default local[*])")
    run.set_defaults(func=cmd_run)

    gen = sub.add_parser("generate", help="write realistic synthetic landing data")
    add_generate_arguments(gen)
    gen.set_defaults(func=cmd_generate)

    demo = sub.add_parser("demo", help="generate, run and print the campaign report (./data)")
    demo.set_defaults(func=cmd_demo)

    report = sub.add_parser("report", help="the campaign list, or one campaign's overview")
    report.add_argument("--warehouse", type=_path, default=default_warehouse())
    report.add_argument("--campaign", help="campaign_id for the overview tiles and delivery tabs")
    report.add_argument("--deliverability", action="store_true",
                        help="delivery rates by country and carrier, top error codes and drop alerts")
    report.add_argument("--account", help="with --deliverability: only this account_id")
    report.set_defaults(func=cmd_report)

    export = sub.add_parser("export-suppressions", help="write suppressed contacts (E.164) to CSV")
    export.add_argument("--warehouse", type=_path, default=default_warehouse())
    export.add_argument("--out", type=_path, required=True)
    export.set_defaults(func=cmd_export_suppressions)

    site = sub.add_parser("site", help="build the static campaign report site (HTML pages, no server needed)")
    site.add_argument("--warehouse", type=_path, default=default_warehouse())
    site.add_argument("--out", type=_path, default=None,
                      help="output folder (default: <warehouse stem>_site next to the warehouse)")
    site.add_argument("--full", action="store_true",
                      help="render every page (default: reuse the pages of campaigns and accounts whose data "
                           "did not change since the previous build)")
    site.set_defaults(func=cmd_site)

    metrics = sub.add_parser("metrics", help="query the semantic layer (MetricFlow) on the readers' copy, read-only")
    metrics.add_argument("--metrics", help="comma-separated metrics, e.g. messages_sent,delivery_rate")
    metrics.add_argument("--group-by", help="comma-separated dimensions/entities, e.g. campaign,metric_time__week")
    metrics.add_argument("--saved-query", help="a saved query instead of --metrics/--group-by, e.g. campaign_list")
    metrics.add_argument("--where", action="append", default=[],
                         help="filter, e.g. \"{{ Dimension('campaign__message_type') }} = 'MMS'\" (repeatable)")
    metrics.add_argument("--order", help="comma-separated; prefix - for descending")
    metrics.add_argument("--limit", type=int)
    metrics.add_argument("--csv", type=_path, help="write the result to this CSV file")
    metrics.add_argument("--explain", action="store_true", help="show the SQL instead of running it")
    metrics.add_argument("--warehouse", type=_path, default=default_warehouse(),
                         help="the published warehouse whose readers' copy is queried")
    metrics.add_argument("--bi-file", type=_path, default=None,
                         help="the readers' copy (default: MMSREPORT_BI_FILE, else <warehouse stem>_bi.duckdb)")
    metrics.set_defaults(func=cmd_metrics)


    ui = sub.add_parser("ui", help="the Dagster UI (dagster dev) for these definitions, on 127.0.0.1")
    ui.add_argument("--landing", type=_path, default=default_landing())
    ui.add_argument("--warehouse", type=_path, default=default_warehouse())
    ui.add_argument("--var", action="append", default=[], metavar="NAME=VALUE",
                    help="dbt variable for runs started from the UI (repeatable)")
    ui.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    ui.add_argument("--port", type=int, default=3000)
    ui.set_defaults(func=cmd_ui)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    _configure_progress(args.verbose)
    if args.command in ("run", "demo", "ui", "export-suppressions"):
        # Warehouse, its write-ahead log, exports, logs, Dagster's state: readable by the owner only.
        os.umask(0o077)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
