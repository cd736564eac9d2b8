"""Peak memory of each step of one build: `python -m benchmarks.stage_memory SHAPE ROWS`.

`make bench` gives a build's high-water mark; this says which step reaches it. It writes
ROWS SYNTHETIC reports of SHAPE (`benchmarks.synth`) to a temporary folder, builds them in
this process and samples its RSS every 0.1 s, charging each sample to the step the build
last announced (reading, normalizing, reconciling, publishing, validating).
"""

from __future__ import annotations

import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

from benchmarks.synth import SHAPES, write_raw
from pipeline.build import build


def stage_peaks(shape: str, rows: int, every: float = 0.1) -> tuple[dict[str, int], str]:
    """(peak RSS in MiB per announced step, the build's summary line)."""
    proc = psutil.Process()
    step = ["before"]  # the files generated, the build not yet started
    peaks: dict[str, int] = {}
    done = threading.Event()

    def record() -> None:
        rss = proc.memory_info().rss >> 20
        peaks[step[0]] = max(peaks.get(step[0], 0), rss)

    def sample() -> None:
        while not done.is_set():
            record()
            time.sleep(every)

    def announce(message: str) -> None:  # each step gets a sample, however short it is
        record()
        step[0] = message.split(" ")[0]
        record()

    with tempfile.TemporaryDirectory() as tmp:
        raw = write_raw(rows, Path(tmp) / "raw", shape=shape)
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        try:
            result = build(raw, Path(tmp) / "out", progress=announce)
        finally:
            done.set()
            sampler.join()
    return peaks, result.line()


def main() -> None:
    if len(sys.argv) != 3 or sys.argv[1] not in SHAPES or not sys.argv[2].isdigit():
        raise SystemExit(f"usage: python -m benchmarks.stage_memory {{{','.join(SHAPES)}}} ROWS")
    peaks, line = stage_peaks(sys.argv[1], int(sys.argv[2]))
    print(line)
    for step, mib in peaks.items():
        print(f"{step:<14}{mib:>8,} MiB peak RSS")


if __name__ == "__main__":
    main()
