"""The closing summary of `mmsreport run`."""

from __future__ import annotations

import sys

from orchestration.cli.run_job import RunSummary


def print_run_summary(summary: RunSummary, out=sys.stderr) -> None:
    def say(text: str = "") -> None:
        print(text, file=out)

    say()
    say("Summary")
    files = summary.files
    say(f"  files loaded:    {files.get('loaded', 0)}"
        + (f"   failed: {len(summary.failed_files)}" if summary.failed_files else ""))
    say(f"  rows loaded:     {summary.rows_loaded:,}")
    say(f"  rows rejected:   {summary.rows_rejected:,}   (see raw.rejected_rows)")
    counts = summary.dbt_counts
    built = sum(v for k, v in counts.items() if k.split()[0] in ("models", "seeds") and k.endswith("success"))
    passed = counts.get("tests pass", 0) + counts.get("unit_tests pass", 0)
    failed = sum(v for k, v in counts.items() if k.endswith((" fail", " error")))
    warned = sum(v for k, v in counts.items() if k.endswith(" warn"))
    if summary.up_to_date:
        say("  dbt build:       skipped: nothing new, the published warehouse is up to date")
    else:
        say(f"  models built:    {built}")
        say(f"  tests passed:    {passed}" + (f"   warned: {warned}" if warned else "")
            + (f"   failed: {failed}" if failed else ""))
    say(f"  time:            {summary.seconds:.1f} s")
    for error in summary.failed_files:
        say(f"  ✗ unreadable file {error}")
    for name in summary.unknown_folders:
        say(f"  ! landing folder {name}/ is not a known entity: its files were not loaded")
    for failure in summary.dbt_failures[:10]:
        say(f"  ✗ {failure}")
    if summary.error and not summary.dbt_failures:
        say(f"  ✗ {summary.error}")
    if summary.log_file:
        say(f"  full log:        {summary.log_file}")
    if summary.dbt_results:
        say(f"  dbt results:     {summary.dbt_results}")
    if summary.readers_copy:
        say(f"  readers' copy:   {summary.readers_copy}  ({summary.readers_copy_tables} tables of marts and audit, "
            f"{summary.readers_copy_seconds:.1f} s; for BI tools)")
    if summary.success and summary.site_dir and (summary.site_dir / "index.html").exists():
        say(f"  report site:     {summary.site_dir / 'index.html'}  (open it in a browser)")
    if summary.success and not summary.failed_files:
        say("OK")
    elif summary.success:
        say("Done, but some files could not be read: fix or replace them and run again.")
    else:
        say("FAILED: the warehouse build did not complete (see above).")
