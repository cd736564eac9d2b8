"""Peak memory of each step of one build:
`python -m benchmarks.stage_memory SHAPE ROWS [--workers N] [--shuffled-ids] [--widen K]`.

`make bench` gives a build's high-water mark; this says which step reaches it. It writes
ROWS SYNTHETIC reports of SHAPE (`benchmarks.synth`) to a temporary folder, builds them in
this process (with `--workers N`, as `make bench` does, on N worker processes beside it) and
samples this process's RSS every 0.1 s, charging each sample to the step the build last
announced (reading, normalizing, reconciling, publishing, validating).
`--shuffled-ids` gives the reports their ids in random order, as real inputs have them;
`--widen K` (heavy only) writes each quote K times over: the same reports with wider text, so
that two runs show what the text's width alone costs.
"""

from __future__ import annotations

import pipeline  # noqa: F401  # first: it sets Arrow's allocator up before pandas loads pyarrow

# isort: split
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import psutil

from benchmarks.synth import SHAPES, write_raw
from pipeline.build import build
from pipeline.memory import release


def shuffle_ids(raw: Path, seed: int = 0) -> None:
    """Give the raw files' reports their ids in a random order. The shapes number reports in
    input order, and real inputs' ids are in no particular order: a step that sorts by id
    costs nothing on the one and a copy of every report on the other."""
    files = sorted(raw.glob("*.csv"))
    frames = [pd.read_csv(f, dtype=str, keep_default_na=False) for f in files]
    ids = np.random.default_rng(seed).permutation(np.concatenate([f["report_id"] for f in frames]))
    start = 0
    for path, frame in zip(files, frames, strict=True):
        frame["report_id"] = ids[start:start + len(frame)]
        start += len(frame)
        frame.to_csv(path, index=False)


def stage_peaks(shape: str, rows: int, every: float = 0.1, shuffled: bool = False,
                widen: int = 1, workers: int | None = None) -> tuple[dict[str, int], str]:
    """(peak RSS in MiB per announced step, the build's summary line); `shuffled`: the
    reports' ids in random order (`shuffle_ids`); `widen`: heavy's quotes that many times
    over; `workers`: the build's worker processes (None: none)."""
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
        raw = write_raw(rows, Path(tmp) / "raw", shape=shape,
                        **({"widen": widen} if widen != 1 else {}))
        if shuffled:
            shuffle_ids(raw)
        release()  # the frames written or read go back to the system before the build
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        try:
            result = build(raw, Path(tmp) / "out", progress=announce, workers=workers)
        finally:
            done.set()
            sampler.join()
    return peaks, result.line()


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m benchmarks.stage_memory")
    parser.add_argument("shape", choices=list(SHAPES))
    parser.add_argument("rows", type=int)
    parser.add_argument("--workers", type=int, default=None, metavar="N",
                        help="build on N worker processes (make bench: one per core)")
    parser.add_argument("--shuffled-ids", action="store_true")
    parser.add_argument("--widen", type=int, default=1, metavar="K",
                        help="heavy only: each quote K times over")
    args = parser.parse_args()
    if args.widen < 1 or (args.widen > 1 and args.shape != "heavy"):
        parser.error("--widen takes a whole number of at least 1, for the heavy shape only")
    if args.workers is not None and args.workers < 1:
        parser.error("--workers takes a whole number of at least 1")
    peaks, line = stage_peaks(args.shape, args.rows, shuffled=args.shuffled_ids,
                              widen=args.widen, workers=args.workers)
    print(line)
    for step, mib in peaks.items():
        print(f"{step:<14}{mib:>8,} MiB peak RSS")


if __name__ == "__main__":
    main()
