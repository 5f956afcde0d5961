"""RESULTS.md from the results of bench/run_bench.py."""

from __future__ import annotations

import statistics

DESCRIPTIONS = {
    "B0": "scan floor: every landing file read once (count + hash)",
    "B1": "baseline: bench/baseline.sql, five marts from the files",
    "B2": "`mmsreport run --full-refresh`, empty warehouse",
    "B3": "nightly run, one new day on top of the year",
    "B4": "nightly run, nothing new",
    "B2S": "B2 on the Spark engine (`--engine spark`, Parquet tables)",
}
TARGETS = [  # (label, key, limit, unit)
    ("B2/B1 ≤ 2.0 (stretch 1.5)", "B2/B1", 2.0, ""),
    ("loading (B2's load phase) ≤ 2× B0", "load/B0", 2.0, "×"),
    ("B3/B2 ≤ 0.10", "B3/B2", 0.10, ""),
    ("B4 ≤ 10 s", "B4", 10.0, " s"),
    ("peak RSS ≤ 4 GiB (B2–B4, process tree)", "rss", 4.0, " GiB"),
    ("S→M no worse than 1.2× beyond linear (B2)", "scale B2", 1.2, "×"),
    ("S→M no worse than 1.2× beyond linear (B3)", "scale B3", 1.2, "×"),
]
GIB = 2**30
MIB = 2**20


def _f(value, digits: int = 1, unit: str = "") -> str:
    if value is None:
        return "–"
    return f"{value:,.{digits}f}{unit}"


def _gib(n) -> str:
    return "–" if not n else f"{n / GIB:.2f}"


def _table(header: list[str], rows: list[list[str]], align: str | None = None) -> list[str]:
    align = align or ("l" + "r" * (len(header) - 1))
    marks = {"l": ":---", "r": "---:", "c": ":---:"}
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(marks[a] for a in align) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return lines + [""]


def _median(size: dict, bench: str) -> float | None:
    s = size.get("summary", {}).get(bench, {})
    return s.get("median") if s.get("n") else None


def _rows(size: dict) -> int | None:
    b0 = size.get("details", {}).get("B0", {})
    if b0.get("rows"):
        return b0["rows"]
    rows = size.get("landing", {}).get("rows")
    return sum(rows.values()) if rows else None


def ratios(size: dict) -> dict:
    b0, b1, b2, b3, b4, b2s = (_median(size, b) for b in ("B0", "B1", "B2", "B3", "B4", "B2S"))
    rss = [size["summary"][b]["peak_tree_rss"] for b in ("B2", "B3", "B4")
           if size.get("summary", {}).get(b, {}).get("n")]
    load = (_median_phases(size, "B2") or {}).get("load")
    return {
        "B2/B1": b2 / b1 if b2 and b1 else None,
        "load/B0": load / b0 if load and b0 else None,
        "B3/B2": b3 / b2 if b3 and b2 else None,
        "B1/B0": b1 / b0 if b1 and b0 else None,
        "B4": b4,
        "rss": max(rss) / GIB if rss else None,
        "B2S/B2": b2s / b2 if b2s and b2 else None,
    }


def scaling(small: dict, large: dict) -> dict:
    """(time ratio) / (volume ratio) per benchmark: 1.0 is linear, above is worse than linear."""
    rs, rl = _rows(small), _rows(large)
    out = {"volume": rl / rs if rs and rl else None}
    for bench in ("B0", "B1", "B2", "B3", "B4"):
        ts, tl = _median(small, bench), _median(large, bench)
        out[bench] = (tl / ts) / out["volume"] if ts and tl and out["volume"] else None
    return out


def _pairs(sizes: dict) -> list[tuple[str, str]]:
    names = list(sizes)
    return [(a, b) for i, a in enumerate(names) for b in names[i + 1:]
            if sizes[a]["days"] == sizes[b]["days"] and sizes[a]["messages"] < sizes[b]["messages"]]


def _median_phases(size: dict, bench: str) -> dict | None:
    details = size.get("details", {}).get(bench) or []
    runs = size.get("runs", {}).get(bench) or []
    counted = [d["phases"] for d, r in zip(details, runs, strict=False)
               if not r["warmup"] and r["returncode"] == 0 and "dbt nodes" in d.get("phases", {})]
    if not counted:
        counted = [d["phases"] for d, r in zip(details, runs, strict=False)
                   if not r["warmup"] and "dbt nodes" in d.get("phases", {})]
    if not counted:
        return None
    keys = counted[0].keys()
    values = {k: [p[k] for p in counted if p.get(k) is not None] for k in keys}
    return {k: statistics.median(v) if v else None for k, v in values.items()}


def _last_counted(size: dict, bench: str) -> dict | None:
    details = size.get("details", {}).get(bench) or []
    runs = size.get("runs", {}).get(bench) or []
    pairs = [d for d, r in zip(details, runs, strict=False) if not r["warmup"]]
    return pairs[-1] if pairs else None


def _targets(sizes: dict) -> tuple[str, dict]:
    """The size the targets are checked at (M, else the largest measured) and the values."""
    if not sizes:
        return "", {}
    at = "M" if "M" in sizes else max(sizes, key=lambda n: (sizes[n]["days"], sizes[n]["messages"]))
    values = dict(ratios(sizes[at]))
    lower = [a for a, b in _pairs(sizes) if b == at]
    if lower:
        pick = "S" if "S" in lower else lower[-1]
        sc = scaling(sizes[pick], sizes[at])
        values["scale B2"], values["scale B3"] = sc["B2"], sc["B3"]
        values["scale from"] = pick
    return at, values


def render(results: dict, partial: bool = False) -> str:
    sizes: dict = results.get("sizes", {})
    out: list[str] = ["# Benchmark results (issue 7)", ""]
    out.append(f"Regenerated by `.venv/bin/{results['command']}` (see [README.md](README.md)); "
               f"started {results.get('started_at')}, finished {results.get('finished_at', '–')}. "
               f"{results.get('repeats')} counted run(s) per benchmark after {results.get('warmup')} warm-up "
               f"run(s) of B0–B2; times are wall-clock seconds, median [min–max].")
    if results.get("run_cmd", "mmsreport run") != "mmsreport run":
        out += ["", f"**B2–B4 ran `{results['run_cmd']}` instead of `mmsreport run` (harness test).**"]
    if partial:
        out += ["", "**Partial: the run is still going or was interrupted.**"]
    product = results.get("product") or []
    if len({p["fingerprint"] for p in product}) > 1:
        changes = ", ".join(f"{p['at']}: {p['fingerprint']} (commit {p['commit']})" for p in product)
        out += ["", f"**Warning: the product's code changed during the run** — fingerprints of orchestration/, "
                f"dbt_project/, seeds/ and the configuration: {changes}. Sizes measured on different code "
                "are not comparable; run again."]
    elif product:
        out += ["", f"Product code fingerprint {product[0]['fingerprint']} (commit {product[0]['commit']} plus "
                "any uncommitted changes), unchanged during the run."]
    out.append("")

    m = results.get("machine", {})
    out += ["## Machine", ""]
    out += _table(["", ""], [
        ["CPU", f"{m.get('cpu_model')} — {m.get('nproc')} cores available (nproc)"
         + (f", cgroup cpu.max {m['cgroup_cpu_max']}" if m.get("cgroup_cpu_max") else "")],
        ["Memory", f"{m.get('memory_gib')} GiB"
         + (f" (cgroup limit {m['cgroup_memory_max_gib']} GiB)" if m.get("cgroup_memory_max_gib") else "")],
        ["Kernel", m.get("kernel")],
        ["Work folder", f"{m.get('workdir')} ({m.get('workdir_free_gib')} GiB free at start)"],
        ["Load average (1/5/15 min) before → after",
         f"{m.get('load_before')} → {results.get('load_after', '–')} (other work on the machine skews times)"],
    ], "ll")
    out += ["## Versions", ""]
    out += _table(["software", "version"], [[k, v] for k, v in results.get("versions", {}).items()], "ll")

    out += ["## Data", ""]
    out.append("`mmsreport generate --messages N --days D --seed 42`; S and M both span 365 daily folders, so the "
               "S→M factor measures volume alone. Rows are the rows/lines written (bad and duplicate rows "
               "included); *all rows* is what B0 read.")
    out.append("")
    rows = []
    for name, s in sizes.items():
        landing = s.get("landing", {})
        r = landing.get("rows", {})
        gen = landing.get("generate", {})
        rows.append([name, f"{s['messages']:,}", s["days"], f"{s.get('landing_files', 0):,}",
                     _f(s.get("landing_bytes", 0) / MIB, 0), _f(r.get("messages"), 0),
                     _f((r.get("receipts") or 0) + (r.get("smpp_receipts") or 0), 0), _f(r.get("clicks"), 0),
                     _f(r.get("orders"), 0), _f(r.get("contacts"), 0), _f(r.get("unsubscribes"), 0),
                     _f(_rows(s), 0), _f(gen.get("seconds"), 1) + (" (cached)" if landing.get("cached") else "")])
    out += _table(["size", "messages asked", "days", "files", "MB", "messages", "receipts (incl. SMPP)",
                   "clicks", "orders", "contacts", "unsubscribes", "all rows", "generate s"], rows)

    out += ["## Times", ""]
    out.append("Peak RSS: *largest process* is the kernel's high-water mark of the biggest single process "
               "(wait4 rusage; for B2–B4 usually the dbt process); *process tree* is the largest sampled "
               "sum over the command and all its children (Dagster's Python and dbt together), sampled "
               "every 0.1 s.")
    out.append("")
    rows = []
    for name, s in sizes.items():
        for bench in ("B0", "B1", "B2", "B2S", "B3", "B4"):
            st = s.get("summary", {}).get(bench)
            if not st or not st.get("n"):
                continue
            flag = f" ✗ {st['failed']} failed" if st.get("failed") else ""
            rows.append([name, f"{bench}{flag}", DESCRIPTIONS[bench], _f(st["median"], 1), _f(st["min"], 1),
                         _f(st["max"], 1), st["n"], _gib(st["peak_rss"]), _gib(st["peak_tree_rss"])])
    out += _table(["size", "bench", "what", "median s", "min s", "max s", "runs", "peak RSS GiB (largest process)",
                   "peak RSS GiB (process tree)"], rows, "lllrrrrrr")
    for name, s in sizes.items():
        if s.get("b2_is_history"):
            h = s["b2_is_history"]
            out.append(f"{name}: B2 was timed on the history build of B3/B4 (`--history-as-b2`): "
                       f"`mmsreport run --full-refresh` of {h['days']} of the {h['of']} days, on an empty "
                       "warehouse; the year is not built a second time.")
            out.append("")

    out += ["## Ratios", ""]
    rows = []
    for name, s in sizes.items():
        r = ratios(s)
        rows.append([name, _f(r["B2/B1"], 2), _f(r["B3/B2"], 2), _f(r["B1/B0"], 2), _f(r["B4"], 1),
                     _f(r["rss"], 2), _f(r["B2S/B2"], 2)])
    out += _table(["size", "B2/B1", "B3/B2", "B1/B0", "B4 s", "peak RSS B2–B4 GiB (tree)", "B2S/B2 (Spark/DuckDB)"],
                  rows)

    pairs = _pairs(sizes)
    out += ["## Scaling", ""]
    if pairs:
        out.append("Factor = (time ratio) / (volume ratio), volume = rows read by B0; 1.00 is linear, above "
                   "is worse than linear. Only between sizes with the same number of days.")
        out.append("")
        rows = []
        for a, b in pairs:
            sc = scaling(sizes[a], sizes[b])
            rows.append([f"{a}→{b}", _f(sc["volume"], 2)] + [_f(sc[x], 2) for x in ("B0", "B1", "B2", "B3", "B4")])
        out += _table(["sizes", "volume ratio", "B0", "B1", "B2", "B3", "B4"], rows)
    else:
        out += ["Not measured: needs two sizes with the same number of days (S and M).", ""]

    at, values = _targets(sizes)
    out += ["## Targets", ""]
    if at and at != "M":
        out.append(f"The targets apply at M, which was not run: checked at {at}, indicative only.")
        out.append("")
    rows = []
    for label, key, limit, unit in TARGETS:
        value = values.get(key)
        digits = 2 if key != "B4" else 1
        verdict = "–" if value is None else ("pass" if value <= limit else "**FAIL**")
        shown = _f(value, digits, unit)
        if key.startswith("scale") and value is not None:
            shown += f" ({values.get('scale from')}→{at})"
        rows.append([label, shown, verdict])
    if "S" in sizes:  # the S target of issue 13, whatever size the others are checked at
        value = ratios(sizes["S"]).get("B2/B1")
        verdict = "–" if value is None else ("pass" if value <= 4.0 else "**FAIL**")
        rows.append(["at S: B2/B1 ≤ 4", _f(value, 2), verdict])
    if "XS" in sizes:  # fixed costs: a whole small run
        value = _median(sizes["XS"], "B2")
        verdict = "–" if value is None else ("pass" if value <= 20.0 else "**FAIL**")
        rows.append(["at XS: B2 (a full `mmsreport run`) ≤ 20 s", _f(value, 1, " s"), verdict])
    out += _table([f"target (at {at or 'M'})", "measured", "verdict"], rows, "lrl")

    out += ["## Disk", ""]
    rows = [[name, item, _f(n / MIB, 1)] for name, s in sizes.items()
            for item, n in s.get("sizes_on_disk", {}).items()]
    rows += [[name, "landing files", _f(s.get("landing_bytes", 0) / MIB, 1)] for name, s in sizes.items()]
    out += _table(["size", "file", "MB"], rows, "llr")

    out += ["## Where the time goes", ""]
    out.append("Phases of `mmsreport run` (median of the counted runs), from the moments its progress lines "
               "appear: *start* = process start until the loaders' first report (Python imports, Dagster "
               "definitions, dbt manifest check, and the accounts, loaded first: a file or two); *load* = the "
               "raw loaders; *dbt nodes* = dbt's own "
               "\"Finished running … in\" time; *dbt overhead + publish* = dbt start-up and parsing, "
               "Dagster event handling and the copy of the working database over the published file; "
               "*finish* = summary and exit.")
    out.append("")
    rows = []
    for name, s in sizes.items():
        for bench in ("B2", "B3", "B4"):
            p = _median_phases(s, bench)
            if p:
                rows.append([name, bench] + [_f(p.get(k), 1) for k in
                                             ("start", "load", "dbt nodes", "dbt overhead + publish", "finish",
                                              "total")])
    out += _table(["size", "bench", "start", "load", "dbt nodes", "dbt overhead + publish", "finish", "total"],
                  rows, "llrrrrrr")
    for name, s in sizes.items():
        load = ((_last_counted(s, "B2") or {}).get("load") or {})
        for key, title in (("by_entity", "entity"), ("by_format", "format")):
            table = load.get(key) or {}
            if not table:
                continue
            out.append(f"**{name} B2, raw loaders by {title}** (last counted run; time between the loaders' "
                       "progress lines, the first one not counted):")
            out.append("")
            rows = [[k, f"{v['files']:,}", f"{v['rows']:,}", _f(v["seconds"], 1),
                     _f(1000 * v["seconds"] / v["files"], 0) if v["files"] else "–",
                     _f(v["rows"] / v["seconds"], 0) if v["seconds"] else "–"]
                    for k, v in sorted(table.items(), key=lambda kv: -kv[1]["seconds"])]
            total = {f: sum(v[f] for v in table.values()) for f in ("files", "rows", "seconds")}
            rows.append(["**all**", f"{total['files']:,}", f"{total['rows']:,}", _f(total["seconds"], 1),
                         _f(1000 * total["seconds"] / total["files"], 0) if total["files"] else "–",
                         _f(total["rows"] / total["seconds"], 0) if total["seconds"] else "–"])
            out += _table([title, "files", "rows", "seconds", "ms per file", "rows per s"], rows)
        for bench in ("B2", "B3"):
            info = _last_counted(s, bench)
            dbt = (info or {}).get("dbt") or {}
            if not dbt.get("nodes"):
                continue
            out.append(f"**{name} {bench}, dbt nodes by kind** (last counted run; node seconds add up over "
                       f"dbt's threads, dbt reported {_f(dbt.get('finished_seconds'), 1)} s wall):")
            out.append("")
            out += _table(["kind", "nodes", "seconds"],
                          [[k, v["nodes"], _f(v["seconds"], 1)] for k, v in dbt["by_kind"].items()])
            out.append(f"**{name} {bench}, slowest dbt nodes:**")
            out.append("")
            out += _table(["node", "kind", "status", "seconds"],
                          [[n["name"], n["kind"], n["status"], _f(n["seconds"], 2)] for n in dbt["slowest"]],
                          "lllr")
            if dbt.get("not_ok"):
                out.append(f"Nodes not OK: {', '.join(n['name'] + ' ' + n['status'] for n in dbt['not_ok'])}")
                out.append("")
        b1 = s.get("details", {}).get("B1", {})
        if b1.get("steps"):
            steps = sorted(b1["steps"], key=lambda x: -x["seconds"])[:10]
            out.append(f"**{name} B1, slowest statements of bench/baseline.sql** (last run):")
            out.append("")
            out += _table(["statement", "seconds"], [[x["step"], _f(x["seconds"], 2)] for x in steps])
        b0 = s.get("details", {}).get("B0", {})
        if b0.get("formats"):
            out.append(f"**{name} B0 by format** (last run):")
            out.append("")
            out += _table(["format", "files", "MB", "rows", "seconds"],
                          [[k, v["files"], _f(v["bytes"] / MIB, 1), f"{v['rows']:,}", _f(v["seconds"], 2)]
                           for k, v in b0["formats"].items()])

    out += ["## Baseline against the product (sanity check)", ""]
    out.append("Totals of fct_campaign_overview, mart row counts and a row-by-row comparison, product "
               "(last B2) vs baseline (last B1) on the same files. The baseline normalises phone numbers "
               "with a regular expression and breaks ties inside a file by content, so small differences "
               "are possible.")
    out.append("")
    for name, s in sizes.items():
        if s.get("sanity_error"):
            out += [f"{name}: could not compare ({s['sanity_error']})", ""]
        if not s.get("sanity"):
            continue
        rows = [[x["measure"], _f(x["product"], 2 if "revenue" in x["measure"] else 0),
                 _f(x["baseline"], 2 if "revenue" in x["measure"] else 0),
                 _f(x["diff"], 2 if "revenue" in x["measure"] else 0),
                 "–" if x["rel"] is None else f"{x['rel'] * 100:+.3f}%"] for x in s["sanity"]]
        different = sum(1 for x in s["sanity"] if x["diff"])
        out.append(f"**{name}**: {different} of {len(rows)} measures differ.")
        out.append("")
        out += _table(["measure", "product", "baseline", "difference", "relative"], rows, "lrrrr")
        if s.get("sanity_rows"):
            out.append(f"**{name}, row by row** (rows of a mart in one warehouse and not in the other, "
                       "over the columns both have):")
            out.append("")
            out += _table(["mart", "columns compared", "only in the product", "only in the baseline"],
                          [[x["mart"], x["columns"], _f(x["only_product"], 0), _f(x["only_baseline"], 0)]
                           for x in s["sanity_rows"]])

    out += ["## Method", ""]
    out += [
        "- Every run is a child process measured from the harness: wall time from start to exit "
        "(so Python start-up counts), peak memory as above. Runs are sequential.",
        "- B2 deletes the warehouse, its working copy, WAL and lock files before every run.",
        "- B3: the landing data without the last day's `dt=` folders (hard links) is built once, "
        "untimed, and that warehouse (published file and working copy) is restored before each repeat; "
        "the last day's folders are linked in and `mmsreport run` (no --full-refresh) is timed. "
        "B4 is the next `mmsreport run` on the same folders, with no new file.",
        "- `mmsreport run` uses a Dagster home under the work folder (`DAGSTER_HOME`), so its "
        "`last_run.log` (the dbt log the node timings come from) is the benchmark's own.",
        "- A failed `mmsreport run` (for instance while dbt models are being edited) is retried after a "
        "pause; runs that still fail are marked ✗ and only count when no run succeeded.",
    ]
    out.append("")
    return "\n".join(out)
