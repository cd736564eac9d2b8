"""`make bench`: normalization and build figures on SYNTHETIC reports → benchmarks/results.json.

Whole builds of every shape of `benchmarks/synth.py` (today, dense, long_tail, heavy; see
benchmarks/README.md) at each size, each build in a child process so that its peak memory is
its own, repeated to give a range. On the `today` shape only: the normalizers against naive
baselines (what a hand-made pipeline does: per-row `dateparser.parse` with RELATIVE_BASE; an
exact gazetteer lookup per row, measured on a sample of the same data), reconciliation, a
build on the dask engine, and `extract` on article files.

Environment (all optional):
  BENCH_SHAPES=today,dense         shapes to build (default: all four)
  BENCH_BUILD_ROWS=100000,1000000  build sizes (reports)
  BENCH_REPEAT=3                   builds per shape and size; figures as fastest (min-max)
  BENCH_WORKERS=1                  processes of each pandas build (`build --workers`; default:
                                   one per core, as the CLI)
  BENCH_ROWS=1000000               reports for the normalizer and reconcile figures
  BENCH_NAIVE_ROWS=20000           sample for the naive baselines
  BENCH_OUT=path.json              where to write (default benchmarks/results.json)
"""

from __future__ import annotations

import json
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from benchmarks import tree_memory
from benchmarks.synth import SHAPES, synth_reports, write_raw
from pipeline.build import NORMALIZERS
from pipeline.engines import cores

HERE = Path(__file__).parent
# A build's stages; "normalize" is the wall time of dates, places and types/counts together,
# and of the source keys the build's process makes meanwhile.
STAGES = ["read", "normalize", "dates", "places", "types/counts", "keys", "reconcile", "validate",
          "write"]
ROWS = int(os.environ.get("BENCH_ROWS", "1000000"))
WORKERS = int(os.environ.get("BENCH_WORKERS", str(cores())))  # as `conflict-timeline build`
NAIVE_ROWS = int(os.environ.get("BENCH_NAIVE_ROWS", "20000"))
BUILD_ROWS = sorted(int(n) for n in os.environ.get("BENCH_BUILD_ROWS", "100000,1000000").split(","))
BUILD_SHAPES = [s.strip() for s in os.environ.get("BENCH_SHAPES", ",".join(SHAPES)).split(",")
                if s.strip()]
REPEAT = int(os.environ.get("BENCH_REPEAT", "1"))
OUT = Path(os.environ.get("BENCH_OUT", HERE / "results.json"))


def _timed(fn, *args):  # noqa: ANN001, ANN202
    """Seconds for one call, with the cyclic GC paused as a build pauses it."""
    from pipeline.memory import gc_paused

    with gc_paused():
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
    (events, reports), t_rec = _timed(reconcile_reports, reports)
    t_grade, t_lineage = _trust_seconds(events, reports)
    return {"reports": len(reports), "incidents": len(events),
            "normalize_seconds": round(t_norm, 2), "seconds": round(t_rec, 2),
            "rows_per_s": round(len(reports) / t_rec),
            # inside `seconds`: grading; beside it: a version's lineage against itself
            "grade_seconds": round(t_grade, 2), "lineage_seconds": round(t_lineage, 2)}


def _trust_seconds(events: pd.DataFrame, reports: pd.DataFrame) -> tuple[float, float]:
    """Seconds of grading (again, on the reconciled incidents) and of a lineage of a million
    report ids: what the trust signals add to a build."""
    import pyarrow as pa

    from pipeline.grade import grade_events
    from pipeline.publish import lineage

    base = events.drop(columns=["independent_sources", "grade", "grade_reasons"])
    code = pd.Index(base["incident_id"]).get_indexer(reports["incident_id"])
    _, t_grade = _timed(grade_events, base, reports, code)
    ids = pa.Table.from_pandas(reports[["report_id", "incident_id"]], preserve_index=False)
    _, t_lineage = _timed(lineage, ids, ids)
    return t_grade, t_lineage


def bench_build(rows: int, engine: str = "pandas", shape: str = "today", repeat: int = 1) -> dict:
    """Whole builds (read → publish) of `rows` synthetic reports of `shape`, `repeat` times on
    the same raw files, each in a child process (so its peak RSS is the build's own) writing a
    fresh output folder. Seconds and each stage's seconds are the fastest over the runs, with
    [min, max] ranges; peak RSS is the largest run's."""
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        raw = write_raw(rows, Path(tmp) / "raw", shape=shape)
        generate = time.perf_counter() - start
        raw_mb = sum(f.stat().st_size for f in raw.iterdir()) / 2**20
        runs = [_build_once(raw, Path(tmp) / f"out-{k}", engine) for k in range(repeat)]
    seconds = [r["seconds"] for r in runs]
    memory = [r["peak_rss_mb"] for r in runs]
    tree = [r["tree_peak_rss_mb"] for r in runs]
    stages = {k: [min(r["stages"][k] for r in runs), max(r["stages"][k] for r in runs)]
              for k in runs[0]["stages"]}
    return {"shape": shape, "rows": rows, "engine": engine, "runs": len(runs),
            "generate_seconds": round(generate, 1), "raw_mb": round(raw_mb),
            "seconds": min(seconds), "seconds_range": [min(seconds), max(seconds)],
            "rows_per_s": round(rows / min(seconds)),
            "peak_rss_mb": max(memory), "peak_rss_mb_range": [min(memory), max(memory)],
            "workers": WORKERS if engine == "pandas" else None,
            "tree_peak_rss_mb": max(tree), "tree_peak_rss_mb_range": [min(tree), max(tree)],
            "stages": {k: v[0] for k, v in stages.items()}, "stages_range": stages,
            "incidents": runs[0]["incidents"], "reports": runs[0]["reports"]}


def _build_once(raw: Path, out: Path, engine: str) -> dict:
    """One `pipeline.build` in a child process: its seconds, stages, counts, its peak RSS and
    (sampled every 0.2 s, `benchmarks.tree_memory`) that of all its processes, workers too."""
    code = ("import json, time, pipeline\n"
            "from benchmarks.run import peak_mb\n"
            "t0 = time.perf_counter()\n"
            f"r = pipeline.build({str(raw)!r}, {str(out)!r}, engine={engine!r}, "
            f"workers={WORKERS if engine == 'pandas' else None!r})\n"
            "print(json.dumps({'seconds': round(time.perf_counter() - t0, 2),"
            " 'stages': r.stages, 'incidents': r.incidents, 'reports': r.reports,"
            " 'peak_rss_mb': peak_mb()}))\n")
    with tempfile.TemporaryFile("w+") as out_file, tempfile.TemporaryFile("w+") as err_file:
        _, tree_mb, exit_code = tree_memory.run([sys.executable, "-c", code], cwd=HERE.parent,
                                            stdout=out_file, stderr=err_file, text=True)
        out_file.seek(0)
        err_file.seek(0)
        if exit_code:  # say why (an out-of-memory kill shows as -9), not only that it failed
            raise SystemExit(f"build of {raw} exited with {exit_code}:\n{err_file.read()[-3000:]}")
        return {**json.loads(out_file.read().strip().splitlines()[-1]), "tree_peak_rss_mb": tree_mb}


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
    unknown = sorted(set(BUILD_SHAPES) - set(SHAPES))
    if unknown:
        raise SystemExit(f"BENCH_SHAPES: unknown shape(s) {', '.join(unknown)}; "
                         f"known: {', '.join(SHAPES)}")
    machine = {"python": platform.python_version(), "cpus": os.cpu_count(),
               "platform": platform.platform(), "processor": _cpu()}
    results: dict = {"machine": machine,
                     "settings": {"shapes": BUILD_SHAPES, "build_rows": BUILD_ROWS,
                                  "workers": WORKERS,
                                  "repeat": REPEAT, "rows": ROWS, "naive_rows": NAIVE_ROWS}}
    if "today" in BUILD_SHAPES:  # figures of single functions, on today's shape
        print(f"generating {ROWS:,} synthetic reports (today) …", flush=True)
        frame, t_gen = _timed(synth_reports, ROWS)
        results["generate_seconds"] = round(t_gen, 1)
        print("normalizers and naive baselines, reconcile, extract …", flush=True)
        results["normalize"] = bench_normalizers(frame)
        results["reconcile"] = bench_reconcile(frame)
        del frame
        results["extract"] = bench_extract()
    results["builds"] = []
    for shape in BUILD_SHAPES:
        for rows in BUILD_ROWS:
            print(f"build: {shape}, {rows:,} reports, {REPEAT} run(s) …", flush=True)
            results["builds"].append(bench_build(rows, shape=shape, repeat=REPEAT))
    if "today" in BUILD_SHAPES:
        # the same build on a local dask cluster of two workers (client RSS only)
        print("dask build …", flush=True)
        results["dask_build"] = bench_build(BUILD_ROWS[0], "dask")
    results["linearity"] = _linearity(results["builds"])
    results["bench_peak_rss_mb"] = peak_mb()
    OUT.write_text(json.dumps(results, indent=2) + "\n")
    _print(results)
    print(f"\nwritten to {OUT}")


def _print(results: dict) -> None:
    if "normalize" in results:
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
        print(f"reconcile {rec['reports']:,} reports → {rec['incidents']:,} incidents: "
              f"{rec['seconds']} s ({rec['rows_per_s']:,} rows/s; normalizing them first took "
              f"{rec['normalize_seconds']} s); of it grading {rec['grade_seconds']} s, and a "
              f"lineage of its reports {rec['lineage_seconds']} s")
        ext = results["extract"]
        print(f"extract {ext['articles']:,} articles → {ext['reports']:,} reports "
              f"({ext['errors']:,} errors): {ext['seconds']} s ({ext['articles_per_s']:,} articles/s)")
    print(f"\nwhole builds (read → publish), {results['settings']['repeat']} run(s) each: "
          "fastest (min-max)")
    print(f"{'shape':<11}{'reports':>11}{'seconds':>24}{'rows/s':>10}{'peak RSS MB':>18}"
          f"{'all processes':>18}{'incidents':>11}{'raw MB':>8}{'gen s':>7}")
    for b in results["builds"]:
        print(f"{b['shape']:<11}{b['rows']:>11,}{_range(b['seconds_range']):>24}"
              f"{b['rows_per_s']:>10,}{_range(b['peak_rss_mb_range']):>18}"
              f"{_range(b['tree_peak_rss_mb_range']):>18}{b['incidents']:>11,}"
              f"{b['raw_mb']:>8,}{b['generate_seconds']:>7}")
    print(f"(pandas builds with {results['settings']['workers']} worker process(es); "
          "peak RSS: the build's own process; all processes: with its workers)")
    for shape in dict.fromkeys(b["shape"] for b in results["builds"]):
        builds = [b for b in results["builds"] if b["shape"] == shape]
        print(f"\n{shape}: seconds per stage, fastest (min-max)")
        print(f"  {'reports':<16}" + "".join(f"{b['rows']:>24,}" for b in builds))
        for stage in STAGES:
            label = f"  {stage}" if stage in (*NORMALIZERS, "keys") else stage
            cells = [_range(b["stages_range"][stage]) if stage in b["stages_range"] else ""
                     for b in builds]
            if any(cells):
                print(f"  {label:<16}" + "".join(f"{c:>24}" for c in cells))
    if "dask_build" in results:
        d = results["dask_build"]
        print(f"\ndask engine, local cluster of 2 workers, {d['rows']:,} reports (today): "
              f"{d['seconds']} s ({d['rows_per_s']:,} rows/s)")
    for shape, lin in results["linearity"].items():
        print(f"linearity, {shape}: {lin['rows'][1]:,} reports took "
              f"{_range(lin['ratio_range'], lin['ratio'])}× "
              f"the time of {lin['rows'][0]:,} ({lin['rows'][1] / lin['rows'][0]:g}× the reports; "
              "target ≤ 10.5×)")
    machine = results["machine"]
    print(f"machine: {machine['processor']}, {machine['cpus']} CPUs, Python {machine['python']}")


def _range(pair: list, first: float | None = None) -> str:
    """`7.9 (7.9-8.3)`: `first` (by default the least), then the range when runs differ."""
    lo, hi = pair
    first = lo if first is None else first
    return f"{first}" if lo == hi else f"{first} ({lo}-{hi})"


def _linearity(builds: list[dict]) -> dict:
    """Per shape, wall time of the largest build over the smallest: cost should grow with rows,
    no faster. `ratio` compares the fastest runs; `ratio_range` pairs the best and worst."""
    out = {}
    for shape in dict.fromkeys(b["shape"] for b in builds):
        own = [b for b in builds if b["shape"] == shape]
        if len(own) < 2:
            continue
        small, large = own[0], own[-1]  # BUILD_ROWS is sorted
        (s_lo, s_hi), (l_lo, l_hi) = small["seconds_range"], large["seconds_range"]
        ratio = round(l_lo / s_lo, 2)
        out[shape] = {"rows": [small["rows"], large["rows"]], "ratio": ratio,
                      "ratio_range": [round(l_lo / s_hi, 2), round(l_hi / s_lo, 2)]}
    return out


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
