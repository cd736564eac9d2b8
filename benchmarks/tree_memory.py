"""Wall time and peak memory of a command with all its processes: `python -m
benchmarks.tree_memory conflict-timeline build --workers 2 ...`.

A build's own high-water mark (`make bench`'s peak RSS) leaves out the worker processes of
`--workers N`; this samples the summed RSS of the command and its descendants every 0.2 s,
so one and several workers compare fairly (a peak shorter than a sample can be missed).
"""

from __future__ import annotations

import subprocess
import sys
import time
from typing import Any

import psutil


def run(command: list[str], every: float = 0.2, **popen: Any) -> tuple[float, int, int]:
    """(wall seconds, peak summed RSS in MiB, exit code) of `command`; `popen`: options of
    `subprocess.Popen` (where its output goes: read it after, from files)."""
    started = time.perf_counter()
    child = subprocess.Popen(command, **popen)
    proc = psutil.Process(child.pid)
    peak = 0
    while child.poll() is None:
        try:
            rss = proc.memory_info().rss + sum(
                c.memory_info().rss for c in proc.children(recursive=True))
            peak = max(peak, rss)
        except psutil.Error:  # a process ended between listing and reading it
            pass
        time.sleep(every)
    return time.perf_counter() - started, peak // 2**20, child.returncode


def main() -> None:
    if len(sys.argv) < 2:
        raise SystemExit("usage: python -m benchmarks.tree_memory COMMAND [ARG ...]")
    seconds, mib, code = run(sys.argv[1:])
    print(f"wall {seconds:.1f} s, peak RSS of the process tree {mib} MiB, exit code {code}")
    raise SystemExit(code)


if __name__ == "__main__":
    main()
