"""Wall time and peak memory of a child process and everything it starts.

`run_measured(cmd, ...)` starts the command, and while it runs:

- records each line it writes to stderr with the seconds since the start
  (the phases of `mmsreport run` are read from its progress lines), and copies
  stdout and stderr into a log file;
- samples the resident memory of the whole process tree every `interval`
  seconds from /proc (children found through /proc/<pid>/task/*/children):
  `peak_tree_rss` is the largest *sum* seen, e.g. Dagster's Python process and
  the dbt process it runs, together;
- reaps the child with os.wait4, whose rusage gives `peak_rss`: the largest
  RSS any single process of the tree reached (the kernel's high-water mark,
  exact, not sampled; children that were waited for are included).

A child's high-water mark starts at its parent's when it is started (Linux
carries it over the fork and exec), so before each run this process resets
its own to its current RSS (/proc/self/clear_refs): otherwise every run after
the harness itself once held a lot of memory reports at least that much.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


@dataclass
class Measurement:
    seconds: float
    returncode: int
    peak_rss: int  # bytes, largest single process (wait4 ru_maxrss)
    peak_tree_rss: int  # bytes, largest sampled sum over the process tree
    stdout: str
    marks: list[tuple[float, str]] = field(default_factory=list)  # (seconds since start, stderr line)
    log: Path | None = None

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def stderr_tail(self, lines: int = 5) -> str:
        return "\n".join(text for _, text in self.marks[-lines:])


def _children(pid: int) -> list[int]:
    found = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as handle:
                found.extend(int(c) for c in handle.read().split())
        except OSError:
            continue
    return found


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as handle:
            return int(handle.read().split()[1]) * PAGE_SIZE
    except (OSError, IndexError, ValueError):
        return 0


def reset_peak_rss() -> None:
    """Reset this process's peak RSS to its current RSS, which a child inherits (Linux 4.0+; else a no-op)."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
    except OSError:
        pass


def tree_rss(root: int) -> int:
    """Resident bytes of a process and all its descendants (now)."""
    total, stack, seen = 0, [root], set()
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        total += _rss(pid)
        stack.extend(_children(pid))
    return total


def run_measured(cmd: list[str], *, log: Path, env: dict | None = None, cwd: Path | None = None,
                 interval: float = 0.1, echo=None) -> Measurement:
    """Run `cmd` to completion and measure it (see the module docstring).

    `echo`, when given, is called with each stderr line as it arrives (progress).
    """
    log.parent.mkdir(parents=True, exist_ok=True)
    lock = threading.Lock()
    marks: list[tuple[float, str]] = []
    out_lines: list[str] = []
    done = threading.Event()
    peak_tree = 0

    with open(log, "w", encoding="utf-8") as log_file:
        log_file.write("$ " + " ".join(str(c) for c in cmd) + "\n")
        reset_peak_rss()
        started = time.perf_counter()
        proc = subprocess.Popen([str(c) for c in cmd], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=env, cwd=cwd, text=True, encoding="utf-8", errors="replace", bufsize=1)

        def pump(stream, is_err: bool) -> None:
            for line in stream:
                t = time.perf_counter() - started
                text = line.rstrip("\n")
                with lock:
                    log_file.write(f"[{t:9.2f}] {'' if is_err else 'out: '}{text}\n")
                    if is_err:
                        marks.append((t, text))
                    else:
                        out_lines.append(line)
                if is_err and echo:
                    echo(text)

        def sample() -> None:
            nonlocal peak_tree
            while not done.is_set():
                peak_tree = max(peak_tree, tree_rss(proc.pid))
                done.wait(interval)

        threads = [threading.Thread(target=pump, args=(proc.stdout, False), daemon=True),
                   threading.Thread(target=pump, args=(proc.stderr, True), daemon=True),
                   threading.Thread(target=sample, daemon=True)]
        for thread in threads:
            thread.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        done.set()
        proc.returncode = os.waitstatus_to_exitcode(status)
        for thread in threads:
            thread.join(timeout=10)
        with lock:
            log_file.write(f"exit {proc.returncode} after {seconds:.2f} s, peak RSS {usage.ru_maxrss * 1024} B "
                           f"(largest process), {peak_tree} B (tree, sampled)\n")
    return Measurement(
        seconds=seconds,
        returncode=proc.returncode,
        peak_rss=usage.ru_maxrss * 1024,
        peak_tree_rss=max(peak_tree, usage.ru_maxrss * 1024),
        stdout="".join(out_lines),
        marks=marks,
        log=log,
    )
