"""`make bench`: normalization and build figures on SYNTHETIC reports → benchmarks/results.json.

Stages are timed on the library functions a build uses; the naive baselines are what a
hand-made pipeline does (per-row `dateparser.parse` with RELATIVE_BASE; an exact gazetteer
lookup per row), measured on a sample of the same data and compared in rows per second.
The whole build runs in a child process so that its peak memory is its own.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from benchmarks.synth import synth_reports, write_raw
from pipeline.build import NORMALIZERS

HERE = Path(__file__).parent
# A build's stages; "normalize" is the wall time of dates, places and types/counts together.
STAGES = ["read", "normalize", "dates", "places", "types/counts", "reconcile", "validate", "write"]
ROWS = int(os.environ.get("BENCH_ROWS", "1000000"))
NAIVE_ROWS = int(os.environ.get("BENCH_NAIVE_ROWS", "20000"))
BUILD_ROWS = [int(n) for n in os.environ.get("BENCH_BUILD_ROWS", "100000,1000000").split(",")]


def _timed(fn, *args):  # noqa: ANN001, ANN202
    """Seconds for one call, with the cyclic GC paused as a build pauses it."""
    from pipeline.build import _without_gc

    with _without_gc():
        start = time.perf_counter()
        out = fn(*args)
        return out, time.perf_counter() - start


def naive_dates(frame: pd.DataFrame) -> None:
    """The baseline: dateparser on every row, anchored on the publication time."""
    import dateparser

    for text, pub, lang in zip(frame["date"], frame["published"], frame["language"], strict=True):
        base = pd.Timestamp(pub).tz_localize(None).to_pydatetime()
        dateparser.parse(text, languages=[lang], settings={"RELATIVE_BASE": base,
                                                           "PREFER_DATES_FROM": "past"})


def naive_places(frame: pd.DataFrame) -> None:
    """The baseline: one exact gazetteer lookup per row."""
    from pipeline.places import fold, gazetteer

    names = gazetteer().names
    for text in frame["place"]:
        names.get(fold(text))


def bench_normalizers(frame: pd.DataFrame) -> dict:
    from pipeline.dates import normalize_dates, parse_published
    from pipeline.places import gazetteer, normalize_places

    gazetteer()  # loading the index is a build's fixed cost, not per-row work
    pub_days = [parse_published(p).date() for p in frame["published"]]
    distinct = len(set(zip(frame["date"], pub_days, frame["language"], strict=True)))
    dates, t_dates = _timed(normalize_dates, frame["date"], frame["published"], frame["language"])
    places, t_places = _timed(normalize_places, frame["place"], frame["country"])
    sample = frame.sample(NAIVE_ROWS, random_state=0)
    _, t_naive_dates = _timed(naive_dates, sample)
    _, t_naive_places = _timed(naive_places, sample)
    n = len(frame)
    ours, naive = n / (t_dates + t_places), NAIVE_ROWS / (t_naive_dates + t_naive_places)
    return {
        "rows": n, "distinct_date_inputs": distinct,
        "pipeline": {"rows_per_s": round(ours), "naive_rows_per_s": round(naive),
                     "speedup": round(ours / naive, 1)},
        "dates": {"seconds": round(t_dates, 2), "rows_per_s": round(n / t_dates),
                  "rejected": int(dates["error_reason"].notna().sum()),
                  "naive_rows": NAIVE_ROWS, "naive_rows_per_s": round(NAIVE_ROWS / t_naive_dates),
                  "speedup": round((n / t_dates) / (NAIVE_ROWS / t_naive_dates), 1)},
        "places": {"seconds": round(t_places, 2), "rows_per_s": round(n / t_places),
                   "unresolved": int(places["error_reason"].notna().sum()),
                   "naive_rows_per_s": round(NAIVE_ROWS / t_naive_places),
                   "speedup": round((n / t_places) / (NAIVE_ROWS / t_naive_places), 2)},
    }


def bench_reconcile(frame: pd.DataFrame) -> dict:
    """Normalize every row as a build does, then time grouping reports into incidents."""
    from pipeline.build import normalize, reconcile_reports
    from pipeline.read import RawBatch

    rows = frame.assign(source_url=None, quote=None, extra=None, input_file="synthetic.csv",
                        input_line=range(2, len(frame) + 2))
    (reports, _), t_norm = _timed(normalize, RawBatch(rows=rows))
    (events, _), t_rec = _timed(reconcile_reports, reports)
    return {"reports": len(reports), "incidents": len(events),
            "normalize_seconds": round(t_norm, 2), "seconds": round(t_rec, 2),
            "rows_per_s": round(len(reports) / t_rec)}


def bench_build(rows: int, engine: str = "pandas") -> dict:
    """A whole build (read → publish) of `rows` synthetic reports in a child process."""
    with tempfile.TemporaryDirectory() as tmp:
        raw = write_raw(rows, Path(tmp) / "raw")
        code = ("import json, time, pipeline\n"
                "from benchmarks.run import peak_mb\n"
                "t0 = time.perf_counter()\n"
                f"r = pipeline.build({str(raw)!r}, {str(Path(tmp) / 'out')!r}, engine={engine!r})\n"
                "print(json.dumps({'seconds': round(time.perf_counter() - t0, 2),"
                " 'stages': r.stages, 'incidents': r.incidents, 'reports': r.reports,"
                " 'peak_rss_mb': peak_mb()}))\n")
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             cwd=HERE.parent, check=True)
        result = json.loads(out.stdout.strip().splitlines()[-1])
        result["rows"] = rows
        result["engine"] = engine
        result["rows_per_s"] = round(rows / result["seconds"])
        return result


def bench_extract(articles: int = 1000) -> dict:
    """`extract` on `articles` article files: the test articles, each copied with publication
    times a day apart so that relative dates resolve anew; the gazetteer is loaded first (a
    fixed cost of any run, as in `bench_normalizers`)."""
    from pipeline.extract import extract_files, read_article
    from pipeline.places import gazetteer

    corpus = sorted((HERE.parent / "tests" / "data" / "articles").glob("*.txt"))
    gazetteer()
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i in range(articles):
            header, body = read_article(corpus[i % len(corpus)])
            published = pd.Timestamp(header["published"]) + pd.Timedelta(days=i // len(corpus))
            lines = [f"{k}: {v}" for k, v in header.items() if k != "published"]
            path = Path(tmp) / f"{i:04d}-{corpus[i % len(corpus)].name}"
            path.write_text("\n".join([f"published: {published.isoformat()}", *lines, "", body]),
                            encoding="utf-8")
            paths.append(path)
        (rows, errors), seconds = _timed(extract_files, paths)
    return {"articles": articles, "reports": len(rows), "errors": len(errors),
            "seconds": round(seconds, 2), "articles_per_s": round(articles / seconds)}


def main() -> None:
    machine = {"python": platform.python_version(), "cpus": os.cpu_count(),
               "platform": platform.platform(), "processor": _cpu()}
    print(f"generating {ROWS:,} synthetic reports …", flush=True)
    frame, t_gen = _timed(synth_reports, ROWS)
    results = {"machine": machine, "generate_seconds": round(t_gen, 1),
               "normalize": bench_normalizers(frame), "reconcile": bench_reconcile(frame),
               "build": [bench_build(n) for n in BUILD_ROWS],
               # the same build on a local dask cluster of two workers (client RSS only)
               "dask_build": bench_build(min(BUILD_ROWS), "dask"),
               "bench_peak_rss_mb": peak_mb()}
    results["linearity"] = _linearity(results["build"])
    (HERE / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    norm = results["normalize"]
    print(f"\n{'stage':<10}{'rows':>11}{'seconds':>9}{'rows/s':>11}{'naive rows/s':>14}{'×':>8}")
    for stage in ("dates", "places"):
        s = norm[stage]
        print(f"{stage:<10}{norm['rows']:>11,}{s['seconds']:>9}{s['rows_per_s']:>11,}"
              f"{s['naive_rows_per_s']:>14,}{s['speedup']:>8}")
    pipe = norm["pipeline"]
    print(f"{'both':<10}{norm['rows']:>11,}{'':>9}{pipe['rows_per_s']:>11,}"
          f"{pipe['naive_rows_per_s']:>14,}{pipe['speedup']:>8}")
    print(f"distinct (date text, publication day, language): {norm['distinct_date_inputs']:,}")
    rec = results["reconcile"]
    print(f"reconcile {rec['reports']:,} reports → {rec['incidents']:,} incidents: {rec['seconds']} s "
          f"({rec['rows_per_s']:,} rows/s; normalizing them first took {rec['normalize_seconds']} s)")
    for b in results["build"]:
        print(f"\nbuild of {b['rows']:,} reports: {b['seconds']} s ({b['rows_per_s']:,} rows/s), "
              f"peak RSS {b['peak_rss_mb']} MB, {b['incidents']:,} incidents")
        print(f"  {'stage':<16}{'seconds':>9}{'rows/s':>12}")
        for stage in STAGES:
            seconds = b["stages"].get(stage)
            label = f"  {stage}" if stage in NORMALIZERS else stage
            if seconds:
                print(f"  {label:<16}{seconds:>9}{round(b['rows'] / seconds):>12,}")
    d = results["dask_build"]
    print(f"\ndask engine, local cluster of 2 workers, {d['rows']:,} reports: {d['seconds']} s "
          f"({d['rows_per_s']:,} rows/s)")
    if results["linearity"]:
        lin = results["linearity"]
        print(f"linearity: {lin['rows'][1]:,} rows took {lin['ratio']}× the time of {lin['rows'][0]:,} "
              f"({lin['rows'][1] // lin['rows'][0]}× the rows; target ≤ 11×)")
    print(f"machine: {machine['processor']}, {machine['cpus']} CPUs, Python {machine['python']}")


def _linearity(builds: list[dict]) -> dict | None:
    """Wall time of the largest build over the smallest: cost should grow with rows, no faster."""
    if len(builds) < 2:
        return None
    small, large = min(builds, key=lambda b: b["rows"]), max(builds, key=lambda b: b["rows"])
    return {"rows": [small["rows"], large["rows"]],
            "ratio": round(large["seconds"] / small["seconds"], 2)}


def peak_mb() -> int:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited over exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


if __name__ == "__main__":
    main()
