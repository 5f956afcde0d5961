"""The machine and the software versions a benchmark ran on."""

from __future__ import annotations

import hashlib
import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path

PACKAGES = ("duckdb", "dbt-core", "dbt-duckdb", "dagster", "dagster-dbt", "pyarrow")


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


def machine(workdir: Path) -> dict:
    cpuinfo = _read("/proc/cpuinfo")
    model = next((line.split(":", 1)[1].strip() for line in cpuinfo.splitlines()
                  if line.lower().startswith("model name")), platform.processor() or "?")
    meminfo = {line.split(":")[0]: line.split(":")[1].strip() for line in _read("/proc/meminfo").splitlines()
               if ":" in line}
    mem_kib = int(meminfo.get("MemTotal", "0 kB").split()[0])
    disk = os.statvfs(workdir)
    info = {
        "cpu_model": model,
        "nproc": len(os.sched_getaffinity(0)),
        "memory_gib": round(mem_kib / 2**20, 1),
        "kernel": f"{platform.system()} {platform.release()}",
        "workdir": str(workdir),
        "workdir_free_gib": round(disk.f_bavail * disk.f_frsize / 2**30, 1),
        "load_before": load_average(),
    }
    cpu_max = _read("/sys/fs/cgroup/cpu.max").strip()
    if cpu_max and not cpu_max.startswith("max"):
        info["cgroup_cpu_max"] = cpu_max
    mem_max = _read("/sys/fs/cgroup/memory.max").strip()
    if mem_max and mem_max != "max":
        info["cgroup_memory_max_gib"] = round(int(mem_max) / 2**30, 1)
    return info


def versions(repo: Path) -> dict:
    found = {"python": platform.python_version()}
    for package in PACKAGES:
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = "not installed"
    try:
        commit = subprocess.run(["git", "-C", str(repo), "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, check=False).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(repo), "status", "--porcelain"], capture_output=True, text=True,
                               check=False).stdout.strip()
        found["mmsreport commit"] = (commit or "?") + (" (with uncommitted changes)" if dirty else "")
    except OSError:
        found["mmsreport commit"] = "?"
    return found


PRODUCT_SOURCES = ("orchestration", "dbt_project", "seeds", "dbt_project.yml", "profiles.yml", "pyproject.toml")


def product_fingerprint(repo: Path) -> str:
    """A digest of the product's code (Python, dbt project, seeds, configuration) as it is on disk,
    committed or not: a change during a benchmark run makes its results incomparable."""
    digest = hashlib.sha256()
    for name in PRODUCT_SOURCES:
        root = repo / name
        files = [root] if root.is_file() else sorted(root.rglob("*")) if root.is_dir() else []
        for path in files:
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                digest.update(str(path.relative_to(repo)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def git_head(repo: Path) -> str:
    try:
        return subprocess.run(["git", "-C", str(repo), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=False).stdout.strip() or "?"
    except OSError:
        return "?"
