"""`mmsreport metrics`: the semantic layer (MetricFlow) queried read-only against the readers' copy.

MetricFlow's `mf` reads `target/semantic_manifest.json` of the dbt project and connects through the
dbt profile. The profile's `readers` target attaches the readers' copy read-only under the catalog
name `warehouse`, so a query never takes the write lock a nightly run needs, and it sees the last
published build (the copy is replaced by rename, never written in place).

Money metrics: revenue is in each account's currency, cost in the currency it was billed or listed
in. When a query asks for one without its currency dimension (`campaign__currency`,
`message_cost__currency`), that dimension is added to its group-by, so no number adds two currencies.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from orchestration.paths import REPO_ROOT, dbt_source_files

READERS_TARGET = "readers"
READERS_CATALOG = "warehouse"
# Metrics whose values are amounts of money, and the dimension naming their currency:
# revenue is in the account's currency, cost in the currency it was billed or listed in.
CURRENCY_OF_MONEY_METRICS = {
    "direct_revenue": "campaign__currency",
    "assisted_revenue": "campaign__currency",
    "cost": "message_cost__currency",
}


def _executable(name: str) -> str:
    candidate = Path(sys.executable).parent / name
    return str(candidate) if candidate.exists() else name


def readers_environment(bi_file: Path) -> dict[str, str]:
    """The environment `mf` and `dbt` need to query `bi_file` through the profile's readers target."""
    env = dict(os.environ)
    env.update({"MMSREPORT_DBT_TARGET": READERS_TARGET, "MMSREPORT_BI_FILE": str(bi_file),
                "DBT_PROFILES_DIR": str(REPO_ROOT), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "TZ": "UTC"})
    return env


def _manifest_is_current(manifest: Path) -> bool:
    if not manifest.exists():
        return False
    if manifest.stat().st_mtime < max((f.stat().st_mtime for f in dbt_source_files()), default=0.0):
        return False
    models = json.loads(manifest.read_text()).get("semantic_models", [])
    return bool(models) and all(
        m["node_relation"]["relation_name"].startswith(f'"{READERS_CATALOG}".') for m in models)


def ensure_semantic_manifest(bi_file: Path) -> Path:
    """target/semantic_manifest.json for the readers target, parsed again when the dbt project changed."""
    manifest = REPO_ROOT / "target" / "semantic_manifest.json"
    if _manifest_is_current(manifest):
        return manifest
    manifest.parent.mkdir(parents=True, exist_ok=True)
    # A private target folder: the nightly's manifest and parse state are left alone.
    with tempfile.TemporaryDirectory(prefix=".parse-readers-", dir=manifest.parent) as scratch:
        result = subprocess.run(
            [_executable("dbt"), "parse", "--project-dir", str(REPO_ROOT), "--profiles-dir", str(REPO_ROOT),
             "--target", READERS_TARGET, "--target-path", scratch, "--log-path", scratch, "--no-partial-parse",
             "--quiet"],
            cwd=REPO_ROOT, env=readers_environment(bi_file), capture_output=True, text=True, check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"dbt parse failed:\n{result.stdout}\n{result.stderr}")
        os.replace(Path(scratch) / "semantic_manifest.json", manifest)
    return manifest


def with_currency(metrics: list[str], group_by: list[str]) -> list[str]:
    """The group-by, with the currency dimension of each money metric asked for added when missing."""
    wanted = dict.fromkeys(CURRENCY_OF_MONEY_METRICS[m] for m in metrics if m in CURRENCY_OF_MONEY_METRICS)
    return [*group_by, *(dimension for dimension in wanted if dimension not in group_by)]


def mf_query_args(metrics: list[str], group_by: list[str], where: list[str] | None = None,
                  order: list[str] | None = None, limit: int | None = None, csv: Path | None = None,
                  saved_query: str | None = None, explain: bool = False) -> list[str]:
    args = ["query"]
    if saved_query:
        args += ["--saved-query", saved_query]
    else:
        args += ["--metrics", ",".join(metrics)]
        group_by = with_currency(metrics, group_by)
        if group_by:
            args += ["--group-by", ",".join(group_by)]
    for clause in where or []:
        args += ["--where", clause]
    if order:
        args += ["--order", ",".join(order)]
    if limit is not None:
        args += ["--limit", str(limit)]
    if csv:
        args += ["--csv", str(csv)]
    if explain:
        args.append("--explain")
    return args


def run_mf(args: list[str], bi_file: Path, capture: bool = False) -> subprocess.CompletedProcess:
    """Run `mf` against the readers' copy (read-only)."""
    if not bi_file.exists():
        raise FileNotFoundError(f"no readers' copy at {bi_file}: run `mmsreport run` first")
    ensure_semantic_manifest(bi_file)
    return subprocess.run([_executable("mf"), *args], cwd=REPO_ROOT, env=readers_environment(bi_file),
                          capture_output=capture, text=True, check=False)
