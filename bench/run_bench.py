"""The benchmark of issue 7: scan floor, hand-written baseline, full build, nightly runs.

    .venv/bin/python -m bench.run_bench --sizes S,M --repeats 3 --workdir /tmp/bench

For each size: generate the landing data with `mmsreport generate` (kept in
WORKDIR/<size>/landing and reused while the size, seed and generator code
are unchanged), then measure, each `--repeats` times after `--warmup` runs
that are not counted:

- B0 scan floor: every landing file read once by DuckDB (bench/scan.py);
- B1 baseline: bench/baseline.sql, the five marts straight from the files;
- B2 `mmsreport run --full-refresh` on an empty warehouse;
- B3 a nightly run adding the last day's folders to a warehouse built from
  all the days before (that warehouse is built once, untimed, and restored
  before each repeat);
- B4 a nightly run right after B3 with nothing new;

with the wall time and peak memory of each (bench/measure.py), then write
RESULTS.md (bench/report.py) and WORKDIR/results.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import re
import shlex
import shutil
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench import compare, dbtlog, report, sysinfo
from bench.measure import Measurement, run_measured

REPO = Path(__file__).resolve().parents[1]
DEFAULT_RESULTS = Path(__file__).with_name("RESULTS.md")
DEFAULT_BENCHMARKS = ("B0", "B1", "B2", "B3", "B4")
BENCHMARKS = (*DEFAULT_BENCHMARKS, "B2S")  # B2S (B2 on the Spark engine) only when asked for: it needs Java


@dataclass(frozen=True)
class Size:
    name: str
    messages: int
    days: int


SIZES = {
    "XS": Size("XS", 20_000, 30),
    "S": Size("S", 1_000_000, 365),
    "M": Size("M", 10_000_000, 365),
}


def _parse_size(text: str) -> Size:
    match = re.fullmatch(r"(\w+)=(\d+):(\d+)", text.strip())
    if not match:
        raise argparse.ArgumentTypeError(f"--size expects NAME=MESSAGES:DAYS, got {text!r}")
    return Size(match.group(1), int(match.group(2)), int(match.group(3)))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.run_bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="S",
                        help="comma-separated sizes: XS (20k messages, 30 days), S (1M, 365), M (10M, 365), "
                             "or names defined with --size (default S)")
    parser.add_argument("--size", type=_parse_size, action="append", default=[], metavar="NAME=MESSAGES:DAYS",
                        help="define another size, e.g. T=5000:5")
    parser.add_argument("--repeats", type=int, default=3, help="counted runs of each benchmark (default 3)")
    parser.add_argument("--warmup", type=int, default=1,
                        help="uncounted runs of B0, B1 and B2 before the counted ones (default 1); B3/B4 "
                             "follow the untimed build of the history, which warms up the same way")
    parser.add_argument("--benchmarks", default=",".join(DEFAULT_BENCHMARKS),
                        help="which of B0..B4 and B2S to run (default B0..B4)")
    parser.add_argument("--spark-master", default="local[2]", help="B2S's Spark master (default local[2])")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/bench"),
                        help="landing data, warehouses and logs (default /tmp/bench)")
    parser.add_argument("--results", type=Path, default=DEFAULT_RESULTS,
                        help=f"the report to write (default {DEFAULT_RESULTS.relative_to(REPO)})")
    parser.add_argument("--seed", type=int, default=42, help="generator seed (default 42)")
    parser.add_argument("--regenerate", action="store_true", help="generate the landing data even if cached")
    parser.add_argument("--retries", type=int, default=2,
                        help="re-run a failed `mmsreport run` this many times (default 2)")
    parser.add_argument("--retry-wait", type=float, default=60.0,
                        help="seconds to wait before a retry (default 60)")
    parser.add_argument("--history-as-b2", action="store_true",
                        help="time the history build of B3/B4 (a full refresh of all days but the last) as B2 "
                             "instead of building the year twice: saves one full build at M")
    parser.add_argument("--run-cmd", default=None,
                        help="command used instead of `mmsreport run` for B2-B4 (testing the harness)")
    return parser


def _now() -> str:
    return dt.datetime.now().strftime("%H:%M:%S")


def say(message: str) -> None:
    print(f"[{_now()}] {message}", flush=True)


def gib(n: int | None) -> str:
    return "-" if n is None else f"{n / 2**30:.2f} GiB"


def _run_record(m: Measurement, warmup: bool, **extra) -> dict:
    return {"seconds": round(m.seconds, 3), "returncode": m.returncode, "peak_rss": m.peak_rss,
            "peak_tree_rss": m.peak_tree_rss, "warmup": warmup, "log": str(m.log), **extra}


def summarize(runs: list[dict]) -> dict:
    """Median, min and max of the counted runs (the successful ones when there are any)."""
    counted = [r for r in runs if not r["warmup"]]
    ok = [r for r in counted if r["returncode"] == 0]
    use = ok or counted
    if not use:
        return {"n": 0}
    seconds = [r["seconds"] for r in use]
    return {
        "n": len(use),
        "failed": len(counted) - len(ok),
        "median": statistics.median(seconds),
        "min": min(seconds),
        "max": max(seconds),
        "peak_rss": max(r["peak_rss"] for r in use),
        "peak_tree_rss": max(r["peak_tree_rss"] for r in use),
    }


def _generator_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted((REPO / "orchestration" / "generate").glob("*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


_WROTE = re.compile(r"Wrote ([\d,]+) files in ([\d.]+) s: (.*); (\d+) deliberately bad rows")


def _parse_generate(marks: list[tuple[float, str]]) -> dict:
    for _, line in marks:
        match = _WROTE.search(line)
        if match:
            rows = {name: int(count.replace(",", ""))
                    for name, count in re.findall(r"(\w+) ([\d,]+)", match.group(3))}
            return {"files": int(match.group(1).replace(",", "")), "generator_seconds": float(match.group(2)),
                    "rows": rows, "bad_rows": int(match.group(4))}
    return {}


def _unlink_warehouse(warehouse: Path) -> None:
    """An empty warehouse: no published file, no working copy, no write-ahead logs, no lock files."""
    for suffix in ("", ".work", ".wal", ".work.wal", ".lock", ".writer.lock"):
        warehouse.with_name(warehouse.name + suffix).unlink(missing_ok=True)
    for tmp in warehouse.parent.glob(f".{warehouse.name}.*.tmp"):
        tmp.unlink(missing_ok=True)


def _link_tree(files: list[Path], source: Path, target: Path) -> None:
    for path in files:
        dest = target / path.relative_to(source)
        dest.parent.mkdir(parents=True, exist_ok=True)
        if dest.exists():
            continue
        try:
            os.link(path, dest)  # landing files are never modified: a hard link is a free copy
        except OSError:
            shutil.copy2(path, dest)


def _day_of(path: Path) -> str | None:
    for part in path.parts:
        if part.startswith("dt="):
            return part[3:]
    return None


class Bench:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.workdir: Path = args.workdir.resolve()
        self.python = sys.executable
        self.mmsreport = str(Path(sys.executable).parent / "mmsreport")
        self.run_cmd = shlex.split(args.run_cmd) if args.run_cmd else [self.mmsreport, "run"]
        self.dagster_home = self.workdir / "dagster" / "home"
        self.dbt_log = self.workdir / "dagster" / "logs" / "last_run.log"
        python_path = os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH", "")) if p)
        self.env = {**os.environ, "DAGSTER_HOME": str(self.dagster_home), "PYTHONUNBUFFERED": "1",
                    "PYTHONPATH": python_path}
        self.selected = [b.strip().upper() for b in args.benchmarks.split(",") if b.strip()]

    # ------------------------------------------------------------------ helpers

    def measure(self, label: str, cmd: list, log: Path, echo=None) -> Measurement:
        m = run_measured(cmd, log=log, env=self.env, cwd=REPO, echo=echo)
        status = "ok" if m.ok else f"EXIT {m.returncode}"
        say(f"  {label}: {m.seconds:.1f} s, peak RSS {gib(m.peak_rss)} (tree {gib(m.peak_tree_rss)}) [{status}]")
        return m

    def product_run(self, label: str, landing: Path, warehouse: Path, log: Path, *, full_refresh: bool = False,
                    prepare=None, extra: tuple[str, ...] = ()) -> tuple[Measurement, dict]:
        """One `mmsreport run`, retried after a pause when it fails (others may be mid-edit)."""
        cmd = [*self.run_cmd, "--landing", str(landing), "--warehouse", str(warehouse), *extra]
        if full_refresh:
            cmd.append("--full-refresh")

        def echo(line: str) -> None:
            if line.startswith(("dbt build", "FAILED", "  ✗")):
                print(f"           {line.strip()}", flush=True)

        for attempt in range(self.args.retries + 1):
            if prepare:
                prepare()
            if self.dbt_log.exists():
                self.dbt_log.unlink()
            m = self.measure(label, cmd, log, echo=echo)
            dbt = {}
            if self.dbt_log.exists():
                shutil.copyfile(self.dbt_log, log.with_suffix(".dbt.log"))
                dbt = dbtlog.parse_dbt_log(self.dbt_log.read_text(errors="replace"))
            if m.ok or attempt == self.args.retries:
                break
            say(f"  {label} failed: {m.stderr_tail(3)!r}; retrying in {self.args.retry_wait:.0f} s")
            time.sleep(self.args.retry_wait)
        info = {"phases": dbtlog.phases(m.marks, m.seconds, dbt.get("finished_seconds")), "dbt": dbt,
                "load": dbtlog.load_breakdown(m.marks)}
        if not m.ok:
            info["error"] = m.stderr_tail(6)
        return m, info

    # ------------------------------------------------------------------ landing data

    def landing(self, size: Size, folder: Path) -> tuple[Path, dict]:
        landing = folder / "landing"
        marker = folder / "landing.json"
        params = {"messages": size.messages, "days": size.days, "seed": self.args.seed,
                  "generator": _generator_digest()}
        if marker.exists() and not self.args.regenerate:
            cached = json.loads(marker.read_text())
            if cached.get("params") == params and landing.is_dir():
                say(f"{size.name}: reusing the landing data in {landing} (generated {cached['generated_at']})")
                return landing, {**cached, "cached": True}
        shutil.rmtree(landing, ignore_errors=True)
        say(f"{size.name}: generating {size.messages:,} messages over {size.days} days into {landing}")
        m = self.measure("generate", [self.mmsreport, "generate", "--out", landing, "--messages", size.messages,
                                      "--days", size.days, "--seed", self.args.seed, "--quiet"],
                         folder / "logs" / "generate.log")
        if not m.ok:
            raise RuntimeError(f"mmsreport generate failed: {m.stderr_tail()}")
        info = {"params": params, "generated_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
                "generate": _run_record(m, False), **_parse_generate(m.marks)}
        marker.write_text(json.dumps(info, indent=2))
        return landing, {**info, "cached": False}

    # ------------------------------------------------------------------ benchmarks

    def repeat(self, name: str, size: Size, body, warmup: int) -> list[dict]:
        runs = []
        total = warmup + self.args.repeats
        for i in range(total):
            is_warmup = i < warmup
            label = f"{size.name} {name} " + (f"warm-up {i + 1}/{warmup}" if is_warmup
                                               else f"{i - warmup + 1}/{self.args.repeats}")
            runs.append(body(label, i, is_warmup))
        return runs

    def bench_size(self, size: Size) -> dict:
        folder = self.workdir / size.name
        logs = folder / "logs"
        folder.mkdir(parents=True, exist_ok=True)
        landing, landing_info = self.landing(size, folder)
        files = sorted(p for p in landing.rglob("*") if p.is_file())
        result: dict = {
            "messages": size.messages, "days": size.days, "landing": landing_info,
            "landing_files": len(files), "landing_bytes": sum(p.stat().st_size for p in files),
            "runs": {}, "summary": {}, "details": {}, "sizes_on_disk": {},
        }
        warm = self.args.warmup

        if "B0" in self.selected:
            say(f"{size.name} B0: scan every landing file once")

            def b0(label, i, is_warmup):
                m = self.measure(label, [self.python, "-m", "bench.scan", landing], logs / f"B0-{i}.log")
                scan = json.loads(m.stdout) if m.ok else {}
                result["details"]["B0"] = scan or result["details"].get("B0", {})
                return _run_record(m, is_warmup, rows=scan.get("rows"))

            result["runs"]["B0"] = self.repeat("B0", size, b0, warm)

        baseline_db = folder / "baseline" / "baseline.duckdb"
        if "B1" in self.selected:
            say(f"{size.name} B1: hand-written DuckDB baseline (bench/baseline.sql)")
            baseline_db.parent.mkdir(parents=True, exist_ok=True)

            def b1(label, i, is_warmup):
                m = self.measure(label, [self.python, "-m", "bench.baseline", landing, baseline_db],
                                 logs / f"B1-{i}.log")
                out = json.loads(m.stdout) if m.ok else {}
                result["details"]["B1"] = out or result["details"].get("B1", {})
                return _run_record(m, is_warmup)

            result["runs"]["B1"] = self.repeat("B1", size, b1, warm)
            if baseline_db.exists():
                result["sizes_on_disk"]["baseline output (B1)"] = baseline_db.stat().st_size

        b2_warehouse = folder / "b2" / "warehouse.duckdb"
        if "B2" in self.selected and self.args.history_as_b2:
            say(f"{size.name} B2: timed as the history build of B3/B4 (--history-as-b2)")
        elif "B2" in self.selected:
            say(f"{size.name} B2: mmsreport run --full-refresh on an empty warehouse")
            b2_warehouse.parent.mkdir(parents=True, exist_ok=True)

            def b2(label, i, is_warmup):
                m, info = self.product_run(label, landing, b2_warehouse, logs / f"B2-{i}.log", full_refresh=True,
                                           prepare=lambda: _unlink_warehouse(b2_warehouse))
                result["details"].setdefault("B2", []).append(info)
                return _run_record(m, is_warmup)

            result["runs"]["B2"] = self.repeat("B2", size, b2, warm)
            for suffix, label in (("", "warehouse after B2 (published)"), (".work", "working copy after B2")):
                path = b2_warehouse.with_name(b2_warehouse.name + suffix)
                if path.exists():
                    result["sizes_on_disk"][label] = path.stat().st_size
            product = next((p for p in (b2_warehouse, b2_warehouse.with_name(b2_warehouse.name + ".work"))
                            if p.exists()), None)
            if product and baseline_db.exists():
                try:
                    result["sanity"] = compare.compare(product, baseline_db)
                    result["sanity_rows"] = compare.row_differences(product, baseline_db)
                except Exception as exc:  # noqa: BLE001 - a sanity check never stops the benchmark
                    result["sanity_error"] = f"{type(exc).__name__}: {exc}"

        if "B2S" in self.selected:
            self.b2_on_spark(size, folder, landing, result)
        if "B3" in self.selected or "B4" in self.selected:
            self.nightly(size, folder, landing, files, result)
        return result

    def b2_on_spark(self, size: Size, folder: Path, landing: Path, result: dict) -> None:
        """B2S: B2 with `--engine spark` on an empty Spark warehouse folder (Parquet tables, Derby metastore)."""
        say(f"{size.name} B2S: mmsreport run --engine spark --spark-master {self.args.spark_master} --full-refresh")
        warehouse = folder / "b2s" / "spark"

        def b2s(label, i, is_warmup):
            m, info = self.product_run(label, landing, warehouse, folder / "logs" / f"B2S-{i}.log", full_refresh=True,
                                       prepare=lambda: shutil.rmtree(warehouse, ignore_errors=True),
                                       extra=("--engine", "spark", "--spark-master", self.args.spark_master))
            result["details"].setdefault("B2S", []).append(info)
            return _run_record(m, is_warmup)

        result["runs"]["B2S"] = self.repeat("B2S", size, b2s, self.args.warmup)
        if warehouse.exists():
            result["sizes_on_disk"]["Spark warehouse folder after B2S"] = sum(
                p.stat().st_size for p in warehouse.rglob("*") if p.is_file())

    def nightly(self, size: Size, folder: Path, landing: Path, files: list[Path], result: dict) -> None:
        """B3 (one new day on top of the year) and B4 (nothing new), from a restored history warehouse."""
        logs = folder / "logs"
        days = sorted({d for d in (_day_of(p.relative_to(landing)) for p in files) if d})
        last_day = days[-1] if days else None
        new_files = [p for p in files if _day_of(p.relative_to(landing)) == last_day]
        history_files = [p for p in files if _day_of(p.relative_to(landing)) != last_day]
        nightly_landing = folder / "landing_nightly"
        shutil.rmtree(nightly_landing, ignore_errors=True)
        _link_tree(history_files, landing, nightly_landing)
        warehouse = folder / "nightly" / "warehouse.duckdb"
        snapshot = folder / "nightly" / "history"
        warehouse.parent.mkdir(parents=True, exist_ok=True)
        result["nightly"] = {"history_days": len(days) - 1, "new_day": last_day, "new_files": len(new_files),
                             "new_bytes": sum(p.stat().st_size for p in new_files)}

        as_b2 = self.args.history_as_b2 and "B2" in self.selected
        timed = "timed as B2: full refresh of all days but the last" if as_b2 else "untimed"
        say(f"{size.name} B3/B4: building the history ({len(days) - 1} days, {timed}) in {warehouse}")
        m, info = self.product_run(f"{size.name} history build" + (" = B2 1/1" if as_b2 else ""), nightly_landing,
                                   warehouse, logs / ("B2-0.log" if as_b2 else "history.log"),
                                   full_refresh=as_b2, prepare=lambda: _unlink_warehouse(warehouse))
        result["nightly"]["history_run"] = {**_run_record(m, True), **info}
        if as_b2:
            result["runs"]["B2"] = [_run_record(m, False, history_days=len(days) - 1)]
            result["details"].setdefault("B2", []).append(info)
            result["b2_is_history"] = {"days": len(days) - 1, "of": len(days)}
        shutil.rmtree(snapshot, ignore_errors=True)
        snapshot.mkdir(parents=True)
        kept = []
        for suffix in ("", ".work"):
            path = warehouse.with_name(warehouse.name + suffix)
            if path.exists():
                shutil.copyfile(path, snapshot / path.name)
                kept.append(path.name)

        def restore() -> None:
            _unlink_warehouse(warehouse)
            for name in kept:
                shutil.copyfile(snapshot / name, warehouse.with_name(name))
            _link_tree(new_files, landing, nightly_landing)

        runs3, runs4 = [], []
        for i in range(self.args.repeats):
            if "B3" in self.selected:
                label = f"{size.name} B3 {i + 1}/{self.args.repeats} (+{last_day})"
                m, info = self.product_run(label, nightly_landing, warehouse, logs / f"B3-{i}.log", prepare=restore)
                result["details"].setdefault("B3", []).append(info)
                runs3.append(_run_record(m, False))
            elif "B4" in self.selected:  # B4 alone: load the new day untimed first
                self.product_run(f"{size.name} new day (untimed)", nightly_landing, warehouse,
                                 logs / f"B3-untimed-{i}.log", prepare=restore)
            if "B4" in self.selected:
                label = f"{size.name} B4 {i + 1}/{self.args.repeats} (nothing new)"
                m, info = self.product_run(label, nightly_landing, warehouse, logs / f"B4-{i}.log")
                result["details"].setdefault("B4", []).append(info)
                runs4.append(_run_record(m, False))
            for path in new_files:  # back to the history for the next repeat
                (nightly_landing / path.relative_to(landing)).unlink(missing_ok=True)
        if runs3:
            result["runs"]["B3"] = runs3
        if runs4:
            result["runs"]["B4"] = runs4
        if warehouse.exists():
            result["sizes_on_disk"]["warehouse after B3/B4 (published)"] = warehouse.stat().st_size

    # ------------------------------------------------------------------ main

    def run(self, sizes: list[Size], argv: list[str]) -> dict:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.dagster_home.mkdir(parents=True, exist_ok=True)
        results: dict = {
            "command": "python -m bench.run_bench " + " ".join(shlex.quote(a) for a in argv),
            "started_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
            "machine": sysinfo.machine(self.workdir),
            "versions": sysinfo.versions(REPO),
            "repeats": self.args.repeats, "warmup": self.args.warmup,
            "run_cmd": " ".join(self.run_cmd) if self.args.run_cmd else "mmsreport run",
            "product": [{"at": "start", "fingerprint": sysinfo.product_fingerprint(REPO),
                         "commit": sysinfo.git_head(REPO)}],
            "sizes": {},
        }
        say(f"benchmark {', '.join(s.name for s in sizes)}: {self.args.repeats} repeat(s), {self.args.warmup} "
            f"warm-up(s), workdir {self.workdir}")
        for size in sizes:
            started = time.monotonic()
            data = self.bench_size(size)
            data["summary"] = {name: summarize(runs) for name, runs in data["runs"].items()}
            data["wall_seconds"] = round(time.monotonic() - started, 1)
            results["sizes"][size.name] = data
            results["product"].append({"at": f"after {size.name}", "fingerprint": sysinfo.product_fingerprint(REPO),
                                       "commit": sysinfo.git_head(REPO)})
            if results["product"][-1]["fingerprint"] != results["product"][-2]["fingerprint"]:
                say(f"WARNING: the product's code changed while {size.name} ran (see RESULTS.md)")
            self.write(results, final=False)
            say(f"{size.name} done in {data['wall_seconds'] / 60:.1f} min")
        results["finished_at"] = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        results["load_after"] = sysinfo.load_average()
        self.write(results, final=True)
        return results

    def write(self, results: dict, final: bool) -> None:
        (self.workdir / "results.json").write_text(json.dumps(results, indent=2, default=str))
        self.args.results.parent.mkdir(parents=True, exist_ok=True)
        self.args.results.write_text(report.render(results, partial=not final))
        if final:
            say(f"wrote {self.args.results} and {self.workdir / 'results.json'}")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser().parse_args(argv)
    known = {**SIZES, **{s.name: s for s in args.size}}
    names = [n.strip() for n in args.sizes.split(",") if n.strip()]
    unknown = [n for n in names if n not in known]
    if unknown:
        print(f"unknown size(s) {', '.join(unknown)}; known: {', '.join(known)}", file=sys.stderr)
        return 2
    bad = [b for b in args.benchmarks.split(",") if b.strip() and b.strip().upper() not in BENCHMARKS]
    if bad or args.repeats < 1 or args.warmup < 0:
        print("--benchmarks takes B0..B4 and B2S, --repeats >= 1, --warmup >= 0", file=sys.stderr)
        return 2
    Bench(args).run([known[n] for n in names], argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
