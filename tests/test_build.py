"""The whole path on the embedded sample and on crafted inputs: accounting, reasons, releases."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest

import pipeline
from pipeline.errors import InputError, ValidationFailed
from tests.conftest import HEADER, SAMPLE, write

GOLDEN = Path(__file__).parent / "golden"
EVENT_COLUMNS = ["incident_id", "event_type", "date", "date_start", "date_end", "date_precision",
                 "place", "admin1", "iso3", "geo_precision", "actor1", "killed_low",
                 "killed_best", "killed_high", "injured_low", "injured_best", "injured_high",
                 "troops", "source_count", "report_ids", "independent_sources", "grade",
                 "grade_reasons"]
REPORT_COLUMNS = ["report_id", "incident_id", "event_type", "date", "date_start", "date_end",
                  "date_precision", "date_method", "place", "admin1", "iso3", "latitude",
                  "longitude", "geo_precision", "place_method", "actor1", "killed_low",
                  "killed_high", "injured_low", "injured_high", "troops"]


def _frame(table: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    out = table[columns].copy()
    for c in columns:
        out[c] = out[c].map(lambda v: "|".join(v) if isinstance(v, list | tuple) or hasattr(
            v, "tolist") and not isinstance(v, str) else ("" if v is None or v is pd.NA
                                                          or v != v else str(v)))
    return out.reset_index(drop=True)


@pytest.mark.parametrize(("table", "columns"), [("events", EVENT_COLUMNS),
                                                ("reports", REPORT_COLUMNS),
                                                ("quarantine", ["input_file", "input_line",
                                                                "report_id", "reason", "message"])])
def test_sample_matches_golden(sample_build, table, columns, update_golden):
    got = _frame(pipeline.load(table, root=sample_build), columns)
    path = GOLDEN / f"{table}.csv"
    if update_golden:
        path.parent.mkdir(exist_ok=True)
        got.to_csv(path, index=False, lineterminator="\n")
    want = pd.read_csv(path, dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(got, want)


def test_sample_accounting_and_descriptor(sample_build):
    d = json.loads((sample_build / "versions" / "v1" / "datapackage.json").read_text())
    rows = {r["name"]: r["rows"] for r in d["resources"]}
    raw_rows = sum(i["rows"] for i in d["inputs"])
    assert raw_rows == rows["reports"] + rows["quarantine"]
    assert rows["reports"] >= 100 and rows["events"] >= 25
    assert d["version"] == "v1" and d["parent"] is None
    assert d["validation"] == {"success": True, "expectations": 76, "failed": 0}
    assert d["changes"] == {"added": rows["events"], "removed": 0, "changed": 0, "absorbed": 0,
                            "split": 0}
    for r in d["resources"]:
        data = (sample_build / "versions" / "v1" / r["path"]).read_bytes()
        assert r["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
        assert r["file_bytes"] == len(data)
    inputs = {i["path"] for i in d["inputs"]}
    assert {"2024-01.csv", "seed-article.jsonl"} <= inputs
    assert (sample_build / "LATEST").read_text() == "v1\n"
    assert (sample_build / "versions" / "v1" / "validation" / "results.json").exists()


def test_seed_article_claims(sample_build):
    reports = pipeline.load("reports", root=sample_build).set_index("report_id")
    us, police = reports.loc["freebeacon-2024-01-04-01"], reports.loc["freebeacon-2024-01-04-02"]
    assert us["incident_id"] == police["incident_id"]
    assert (us["killed_low"], police["killed_low"], police["injured_low"]) == (2, 4, 6)
    assert str(police["date"]) == "2024-01-04" and police["geo_precision"] == "near"
    troops = reports.loc[["freebeacon-2024-01-04-04", "freebeacon-2024-01-04-05"],
                         ["iso3", "troops", "event_type"]]
    assert troops.values.tolist() == [["SYR", 900, "troop_presence"],
                                      ["IRQ", 2500, "troop_presence"]]
    last_month = reports.loc["freebeacon-2024-01-04-06"]
    assert (str(last_month["date_start"]), str(last_month["date_end"]),
            last_month["date_precision"], last_month["injured_low"]) == (
        "2023-12-01", "2023-12-31", "month", 3)
    event = pipeline.load("events", root=sample_build).set_index("incident_id").loc[
        us["incident_id"]]
    assert (event["killed_low"], event["killed_high"]) == (2, 4)


@pytest.mark.slow  # whole-sample builds: `make test-all` and CI run it
def test_rebuild_is_unchanged_and_byte_identical(tmp_path):
    first = pipeline.build(SAMPLE, tmp_path / "a")
    again = pipeline.build(SAMPLE, tmp_path / "a")
    other = pipeline.build(SAMPLE, tmp_path / "b")
    assert (first.status, again.status, again.line()) == ("published", "unchanged", "unchanged: v1")
    assert other.version == "v1"
    for table in ("events", "reports", "quarantine"):
        a = (tmp_path / "a" / "versions" / "v1" / f"{table}.parquet").read_bytes()
        b = (tmp_path / "b" / "versions" / "v1" / f"{table}.parquet").read_bytes()
        assert a == b


@pytest.mark.parametrize(("given", "expected"), [(None, "1000"), ("25", "25")])
def test_arrow_gives_freed_pages_back_after_a_second_unless_the_user_said_otherwise(given,
                                                                                    expected):
    """Importing `pipeline` sets mimalloc's purge delay before pyarrow is loaded (a fresh
    interpreter: mimalloc reads it once, when pyarrow is first imported); a value already in
    the environment is kept."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "MIMALLOC_PURGE_DELAY"}
    if given is not None:
        env["MIMALLOC_PURGE_DELAY"] = given
    code = ("import os, sys; import pipeline; "
            "print(os.environ['MIMALLOC_PURGE_DELAY'], 'pyarrow' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == [expected, "True"]


def test_blocks_travel_as_codes_and_reconciled_one_by_one_are_the_reports_reconciled():
    """The blocks an engine's workers reconcile carry each repeated text column as codes and
    the values the block uses; decoded, they are the reports' columns, and reconciled block
    by block they give the incidents and the events that all the reports at once give."""
    from pipeline.build import BLOCK_COLUMNS, _blocks, _decoded, _reconcile_block, normalize
    from pipeline.events import vocabulary
    from pipeline.grade import KEYS, source_keys
    from pipeline.read import read_raw
    from pipeline.reconcile import assign_incidents

    plain, _ = normalize(read_raw(SAMPLE))
    # as a build's reports: their source keys made (from the text, which blocks do not carry)
    reports = plain.assign(**dict(zip(KEYS, source_keys(plain), strict=True)))
    blocks = list(_blocks(reports))
    assert len(blocks) > 1 and sum(len(b) for b in blocks) == len(reports)
    assert [len(b) for b in blocks] == sorted((len(b) for b in blocks), reverse=True)
    family = reports["event_type"].map(lambda t: vocabulary()[t].family)
    assert len(blocks) == len(set(zip(reports["iso3"], family, strict=True)))
    for block in blocks:  # one country and event family each: all of its reports
        assert block["iso3"].nunique() == 1 and family[block.index].nunique() == 1
    carried = list(BLOCK_COLUMNS)
    assert set(carried) <= set(reports.columns) and {"killed_high", "date", *KEYS} <= set(carried)
    assert not {"quote", "source_url", "extra"} & set(carried)
    for block in blocks:
        assert list(block.columns) == carried
        for c in ("place", "raw_date", "source", "admin2"):
            values = block[c].cat.categories
            assert sorted(values) == sorted(set(reports.loc[block.index, c].dropna()))
        assert not isinstance(block["report_id"].dtype, pd.CategoricalDtype)  # unique
        assert isinstance(block["date_start"].dtype, pd.ArrowDtype)  # days travel as date32
        pd.testing.assert_frame_equal(_decoded(block), reports.loc[block.index, carried])
    assert reports["admin2"].isna().any()  # a missing value travels as one
    done = [_reconcile_block(b) for b in blocks]
    ids = pd.concat([i for i, _ in done])
    pd.testing.assert_series_equal(ids.reindex(reports.index), assign_incidents(reports))
    events = pd.concat([e for _, e in done], ignore_index=True)
    by_block = pipeline.reconcile_reports(reports, (ids, events))
    at_once = pipeline.reconcile_reports(plain)  # keyed from the text
    assert len(by_block[0]) == len(set(ids)) > len(blocks)
    for a, b in zip(by_block, at_once, strict=True):
        pd.testing.assert_frame_equal(a, b)


@pytest.mark.slow  # starts two worker processes
def test_worker_processes_publish_the_same_bytes(sample_build, tmp_path, monkeypatch):
    """Parts normalized, reconciled and validated in two processes (the pool's row threshold
    lowered so that the sample uses it) give the bytes one process gives."""
    from pipeline import publish
    from pipeline.build import BLOCK_COLUMNS
    from pipeline.engines import PoolEngine, _Through

    monkeypatch.setattr(PoolEngine, "min_rows", 0)
    sent: list[tuple[str, list]] = []
    pool_submit = PoolEngine.submit

    def submit(self, fn, items):  # noqa: ANN001, ANN202
        items = list(items)
        sent.append((fn.__name__, items))
        return pool_submit(self, fn, items)

    monkeypatch.setattr(PoolEngine, "submit", submit)
    write_parquet = publish._write_parquet
    monkeypatch.setattr(publish, "_write_parquet", lambda table, path: (
        sent.append((path.name, [])), write_parquet(table, path))[1])
    taken = []  # results read back from the files they travelled as, here
    take = _Through.take
    monkeypatch.setattr(_Through, "take", staticmethod(lambda path: (
        taken.append(path), take(path))[1]))
    result = pipeline.build(SAMPLE, tmp_path / "pool", workers=2)
    assert result.status == "published"
    assert max(len(items) for _, items in sent) > 1  # the pool did take parts
    assert len(taken) == sum(len(items) for _, items in sent)  # every part as a file
    assert not any(path.exists() for path in taken)
    # what each step sent: normalizing, no quote or URL; validating, each table's parts, and
    # its suite's count and whole-column checks too (this process needs no GX)
    parts = [items for name, items in sent if name == "_normalize_part"][0]
    assert len(parts) == 2 and not {"quote", "source_url"} & set(parts[0][0].columns)
    # before them, each distinct place text with its hint, dealt once to one of the workers;
    # each part then carries the places of its rows, resolved
    dealt = [items for name, items in sent if name == "_resolve_timed"][0]
    pairs = [pair for chunk in dealt for pair in chunk]
    assert len(dealt) == 2 and len(pairs) == len(set(pairs)) > 1
    assert all(set(rows.index) == set(known[0].index) for rows, known, _ in parts)
    # and the dates: the rows dealt out by their date text, each text to one worker only;
    # each part then carries its rows' dates
    dated = [items for name, items in sent if name == "_dates_timed"][0]
    texts = [set(rows["date"].dropna()) for rows in dated]
    assert len(dated) == 2 and texts[0] and texts[1] and not texts[0] & texts[1]
    assert sorted(i for rows in dated for i in rows.index) == sorted(
        i for rows, _, _ in parts for i in rows.index)
    assert all(rows.index.equals(dates.index) for rows, _, dates in parts)
    # then reconciling: blocks of the reports with their source keys, made here, not text
    blocks = [items for name, items in sent if name == "_reconcile_block"][0]
    assert len(blocks) > 1 and all(list(b.columns) == list(BLOCK_COLUMNS) for b in blocks)
    # each table's suite and checks started as soon as the table is written, while the
    # next is written
    checked = [items for name, items in sent if name == "_check"]
    assert [{task.table for task in items} for items in checked] == [
        {"events"}, {"reports"}, {"quarantine"}]
    assert [name for name, _ in sent if name in ("_suite_problem", "_check")
            or name.endswith(".parquet")] == [
        name for table in ("events", "reports", "quarantine")
        for name in (f"{table}.parquet", "_suite_problem", "_check")]
    for table in ("events", "reports", "quarantine"):
        a = (sample_build / "versions" / "v1" / f"{table}.parquet").read_bytes()
        b = (tmp_path / "pool" / "versions" / "v1" / f"{table}.parquet").read_bytes()
        assert a == b, table


def test_a_part_travels_as_a_file_and_a_full_disk_stops_the_build(tmp_path, monkeypatch):
    """A pool's part and its result pass through files of the build's shelf, each removed
    once read; a folder that cannot be written stops the build as the output's would, with
    the advice its reason calls for."""
    import errno
    import tempfile

    from pipeline.engines import _Through
    from pipeline.errors import OutputError

    through = _Through(lambda frame: frame.assign(b=frame["a"] * 2), tmp_path)
    result = through(through.put(pd.DataFrame({"a": [1, 2]})))
    assert list(tmp_path.iterdir()) == [result]
    assert through.take(result)["b"].tolist() == [2, 4]
    assert not list(tmp_path.iterdir())
    gone = _Through(str, tmp_path / "out" / ".shelf-1")  # the folder is not there
    with pytest.raises(OutputError, match=r"cannot write to .*out: No such file or directory; "
                                          r"choose another --out$"):
        gone.put("part")

    def refused(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(tempfile, "mkstemp", refused)
    with pytest.raises(OutputError, match=r"cannot write to .*: Read-only file system; "
                                          r"choose a writable --out$"):
        through.put("part")


def test_pool_starts_its_workers_early_only_for_a_large_input(tmp_path):
    """Workers start before reading (their start overlaps it) only when the raw files are
    large enough for the build to use them; a small build never starts one."""
    from pipeline.engines import PoolEngine
    from pipeline.read import raw_bytes

    engine = PoolEngine(2)
    engine.expect(raw_bytes(SAMPLE))
    engine.prefetch(int)
    assert engine._pool is None
    assert raw_bytes(tmp_path / "missing") == 0  # reading says why, not this
    assert 0 < raw_bytes(SAMPLE) < PoolEngine.min_bytes


def test_a_small_build_never_starts_a_worker(tmp_path, monkeypatch):
    """Under `min_rows` rows the whole build runs in this process, whatever `--workers`
    says: starting workers costs seconds that a small build never wins back."""
    from pipeline.engines import PoolEngine

    def refuse(self):  # noqa: ANN001, ANN202
        raise AssertionError("a worker was started")

    monkeypatch.setattr(PoolEngine, "_start", refuse)
    assert pipeline.build(SAMPLE, tmp_path / "out", workers=2).status == "published"


def test_a_run_owns_how_a_build_uses_its_engine_and_memory():
    """`Run`: the work is split only from the engine's `min_rows` on (else mapped here), the
    collector is paused through the data steps and runs again for validation, a step's
    `forget` modules lose their memos, and the steps' seconds add up to the run's."""
    import gc
    import time
    import types
    from functools import lru_cache

    from pipeline.engines import Run

    class Engine:
        parts, min_rows, reads, local = 2, 100, False, True
        mapped: list = []

        def map(self, fn, items):  # noqa: ANN001, ANN202
            self.mapped.append(items)
            return [fn(i) for i in items]

        def expect(self, raw_bytes):  # noqa: ANN001, ANN202
            pass

        def prefetch(self, fn):  # noqa: ANN001, ANN202
            self.mapped.append("prefetch")

    memo = lru_cache(maxsize=8)(lambda x: x)
    module = types.SimpleNamespace(memo=memo)
    engine = Engine()
    started = time.perf_counter()
    assert gc.isenabled()
    with Run(engine, started=started) as run:
        assert not gc.isenabled()
        assert (run.plan(99), run.map(str, [1, 2]), engine.mapped) == (1, ["1", "2"], [])
        run.prefetch(int)
        assert engine.mapped == []  # no workers to prepare when the work is not split
        with run.step("normalize", "normalizing", forget=(module,)):  # type: ignore[arg-type]
            memo(1)
            assert not gc.isenabled()
        assert memo.cache_info().currsize == 0
        assert (run.plan(100), run.map(str, [3]), engine.mapped) == (2, ["3"], [[3]])
        with run.step("validate", "validating", collect=True):
            assert gc.isenabled()
    assert gc.isenabled()
    assert set(run.seconds) == {"normalize", "validate"}
    assert sum(run.seconds.values()) == pytest.approx(time.perf_counter() - started, abs=0.05)


@pytest.mark.slow  # starts two worker processes
def test_pool_workers_pause_the_garbage_collector():
    """As a build's own process does: running, the collector nearly doubled the workers'
    normalizing time at a million reports."""
    from pipeline.engines import PoolEngine

    engine = PoolEngine(2)
    try:
        assert engine.map(eval, ["__import__('gc').isenabled()"] * 2) == [False, False]
    finally:
        engine.close()


# Run on a pool worker: an object whose teardown leaves a line in a file, held by a module
# until the interpreter's teardown frees it.
_PROBE = """
import sys
class Probe:
    def __del__(self):
        with open({path!r}, "a") as f:
            f.write("torn down\\n")
sys.modules["pipeline"].__dict__.setdefault("probes", []).append(Probe())
"""


@pytest.mark.slow  # starts two worker processes
def test_pool_workers_leave_without_the_interpreter_teardown(tmp_path):
    """A worker's memory (gazetteer, GX, a build's memos) is not freed object by object when
    the build ends, which kept a million-report build waiting about two seconds; the workers
    still end cleanly."""
    from pipeline.engines import PoolEngine

    probe = tmp_path / "probe.txt"
    engine = PoolEngine(2)
    try:
        engine.map(exec, [_PROBE.format(path=str(probe))] * 4)
        workers = list(engine._pool._processes.values())
    finally:
        engine.close()
    assert [w.exitcode for w in workers] == [0, 0]
    assert not probe.exists()


def test_workers_must_be_one_or_more(tmp_path):
    from pipeline.errors import UsageError

    with pytest.raises(UsageError, match="--workers must be at least 1, not 0"):
        pipeline.build(SAMPLE, tmp_path / "out", workers=0)
    with pytest.raises(UsageError, match="--workers is for the pandas engine"):
        pipeline.build(SAMPLE, tmp_path / "out", engine="dask", workers=2)


def test_stages_account_for_the_build(tmp_path):
    """Seconds per stage (what `make bench` prints): the wall stages add up to the build,
    and the normalizers fit inside normalize; an unchanged build does no validation."""
    first = pipeline.build(SAMPLE, tmp_path / "a")
    walls = ["read", "normalize", "reconcile", "write", "validate"]
    inside = ["dates", "places", "types/counts", "keys"]  # in one process: one after another
    assert set(first.stages) == set(walls) | set(inside)
    assert sum(first.stages[s] for s in walls) == pytest.approx(first.seconds, abs=0.05)
    inner = sum(first.stages[s] for s in inside)
    # each stage is rounded to 0.01 s: four parts and their whole may differ by 0.03
    assert 0 < inner <= first.stages["normalize"] + 0.03
    again = pipeline.build(SAMPLE, tmp_path / "a")
    assert "validate" not in again.stages and again.stages["write"] >= 0


def test_tables_are_checked_as_they_are_written_unless_the_inputs_are_the_latest_s(
        sample_copy, tmp_path, monkeypatch):
    """A build begins each table's checks once it is written, while it makes and writes the
    next; with the latest version's inputs it may publish nothing, so it checks nothing
    before it knows (and then nothing: the version is unchanged)."""
    from pipeline import publish
    from pipeline.validate import Validation

    begun: list[str] = []
    begin, make = Validation.begin, publish.arrow_table
    monkeypatch.setattr(Validation, "begin", lambda self, table, path: (
        begun.append(table), begin(self, table, path))[1])
    monkeypatch.setattr(publish, "arrow_table", lambda name, *a: (
        begun.append(f"make {name}"), make(name, *a))[1])
    out = tmp_path / "out"
    assert pipeline.build(sample_copy, out).status == "published"
    assert begun == ["make events", "events", "make reports", "reports", "make quarantine",
                     "quarantine"]
    begun.clear()
    assert pipeline.build(sample_copy, out).status == "unchanged"
    assert [b for b in begun if not b.startswith("make")] == []
    write(sample_copy, "late.csv", HEADER + "late-1,AP,2024-01-06T09:00:00Z,drone strike,"
          "Thursday,eastern Baghdad,Iraq,3,,\n")
    begun.clear()
    assert pipeline.build(sample_copy, out).version == "v2"
    assert [b for b in begun if not b.startswith("make")] == ["events", "reports", "quarantine"]


def test_new_report_publishes_v2_and_keeps_ids(sample_copy, tmp_path):
    out = tmp_path / "out"
    pipeline.build(sample_copy, out)
    v1 = pipeline.load("events", root=out)
    write(sample_copy, "late.csv", HEADER + "late-1,AP,2024-01-06T09:00:00Z,drone strike,"
          "Thursday,eastern Baghdad,Iraq,3,,\n")
    result = pipeline.build(sample_copy, out)
    assert (result.status, result.version) == ("published", "v2")
    v2 = pipeline.load("events", root=out)
    assert set(v1["incident_id"]) == set(v2["incident_id"])
    changed = pipeline.diff("v1", "v2", root=out)["changed"]
    [(iid, fields)] = changed.items()
    assert "late-1" in fields["report_ids"][1] and fields["source_count"][1] == \
        fields["source_count"][0] + 1
    assert pipeline.load("events", version="v1", root=out).equals(v1)  # v1 never changes
    versions = pipeline.versions(out)
    assert versions[["version", "added", "removed", "changed", "latest"]].values.tolist() == [
        ["v1", len(v1), 0, 0, False], ["v2", 0, 0, 1, True]]


REASON_ROWS = {
    "date_unparseable": "q1,AP,2024-02-05,airstrike,31 February 2024,Erbil,Iraq,,,",
    "date_after_publication": "q2,AP,2024-02-05,airstrike,\"February 9, 2024\",Erbil,Iraq,,,",
    "place_unresolved": "q3,AP,2024-02-05,airstrike,Sunday,Xyzzy,,,,",
    "place_ambiguous": "q4,AP,2024-02-05,airstrike,Sunday,Erbil and Damascus,,,,",
    "event_type_unknown": "q5,AP,2024-02-05,parade,Sunday,Erbil,Iraq,,,",
    "invalid_count": "q6,AP,2024-02-05,airstrike,Sunday,Erbil,Iraq,4-2,,",
    "missing_field": "q7,AP,2024-02-05,airstrike,,Erbil,Iraq,,,",
    "duplicate_report_id": "ok,AP,2024-02-05,airstrike,Sunday,Erbil,Iraq,,,",
    "malformed_row": "q8,AP,2024-02-05,airstrike",
}


def test_each_reason_code_lands_in_quarantine(raw, tmp_path):
    ok = "ok,AP,2024-02-05,airstrike,Sunday,Erbil,Iraq,1,,"
    write(raw, "a.csv", HEADER + "\n".join([ok, *REASON_ROWS.values()]) + "\n")
    result = pipeline.build(raw, tmp_path / "out")
    q = pipeline.load("quarantine", root=tmp_path / "out")
    assert q[["input_line", "reason"]].values.tolist() == [
        [line, reason] for line, reason in enumerate(REASON_ROWS, start=3)]
    assert q.set_index("reason").loc["invalid_count", "message"] == \
        "killed: range '4-2' ends below its start"
    assert json.loads(q.set_index("reason").loc["place_ambiguous", "raw"])["place"] == \
        "Erbil and Damascus"
    assert (result.raw_rows, result.reports, result.quarantined) == (10, 1, 9)


def test_unreadable_input_publishes_nothing(raw, tmp_path):
    write(raw, "a.csv", HEADER + "r1,AP,2024-01-05,drone strike,Thursday,Baghdad,Iraq,,,\n")
    write(raw, "b.csv", "report_id,source\nx,y\n")
    with pytest.raises(InputError, match=r"^b\.csv:1: missing required column"):
        pipeline.build(raw, tmp_path / "out")
    assert not (tmp_path / "out" / "LATEST").exists()


def test_failed_validation_publishes_nothing(raw, tmp_path, monkeypatch):
    suites = tmp_path / "suites"
    suites.mkdir()
    for name in ("reports", "quarantine"):
        (suites / f"{name}.json").write_text(json.dumps({"name": name, "expectations": [
            {"type": "expect_table_row_count_to_be_between", "kwargs": {"min_value": 0}}]}))
    (suites / "events.json").write_text(json.dumps({"name": "events", "meta": {"key": "incident_id"},
                                                    "expectations": [
        {"type": "expect_column_values_to_be_between",
         "kwargs": {"column": "killed_low", "max_value": 1}, "meta": {"why": "crafted"}}]}))
    monkeypatch.setattr("pipeline.validate.EXPECTATIONS", suites)
    write(raw, "a.csv", HEADER + "r1,AP,2024-01-05,drone strike,Thursday,Baghdad,Iraq,4,,\n")
    out = tmp_path / "out"
    with pytest.raises(ValidationFailed) as err:
        pipeline.build(raw, out)
    assert err.value.exit_code == 1
    line = str(err.value).splitlines()[1]
    assert line.startswith("events.killed_low: expect_column_values_to_be_between failed for "
                           "1 row(s) (e.g. ct-")
    assert not (out / "LATEST").exists() and list((out / "versions").iterdir()) == []
    [failed] = list((out / "failed").iterdir())
    assert json.loads((failed / "results.json").read_text())["failed"] == 1


def test_unknown_expectation_type_is_an_error(tmp_path, monkeypatch, raw):
    from pipeline.errors import PipelineError

    suites = tmp_path / "suites"
    suites.mkdir()
    for name in ("events", "reports", "quarantine"):
        (suites / f"{name}.json").write_text(json.dumps({"name": name, "expectations": [
            {"type": "expect_table_row_count_to_be_between", "kwargs": {"min_value": 0}},
            {"type": "expect_column_to_be_wonderful", "kwargs": {"column": "x"}}]}))
    monkeypatch.setattr("pipeline.validate.EXPECTATIONS", suites)
    write(raw, "a.csv", HEADER + "r1,AP,2024-01-05,drone strike,Thursday,Baghdad,Iraq,,,\n")
    with pytest.raises(PipelineError, match="2 expectations written but 1 loaded"):
        pipeline.build(raw, tmp_path / "out")


def _incident_of(out, report_id: str, version: str = "latest") -> str:
    reports = pipeline.load("reports", version=version, root=out).set_index("report_id")
    return reports.loc[report_id, "incident_id"]


@pytest.mark.slow  # whole-sample builds: `make test-all` and CI run it
def test_incident_id_survives_removed_and_corrected_reports(sample_copy, tmp_path):
    out = tmp_path / "out"
    pipeline.build(sample_copy, out)
    tower = _incident_of(out, "taskandpurpose-2024-01-28-01")
    members = pipeline.load("events", root=out).set_index("incident_id").loc[tower, "report_ids"]
    earliest, later = members[0], members[-1]
    assert later != earliest
    # Remove a later report of the incident: its id stays.
    path = sample_copy / "2024-01.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(line for line in lines if not line.startswith(later + ",")),
                    encoding="utf-8")
    assert pipeline.build(sample_copy, out).version == "v2"
    assert _incident_of(out, earliest) == tower
    # Correct a report's figure (same report_id, new text): the id stays, the figure changes.
    text = path.read_text(encoding="utf-8")
    assert text.count(",Three,34,") == 1
    path.write_text(text.replace(",Three,34,", ",Four,34,"), encoding="utf-8")
    assert pipeline.build(sample_copy, out).version == "v3"
    assert _incident_of(out, "taskandpurpose-2024-01-28-01") == tower
    changed = pipeline.diff("v2", "v3", root=out)["changed"]
    assert list(changed) == [tower] and changed[tower]["killed_high"] == [3, 4]


def test_stage_memory_charges_every_step_of_a_build():
    """`python -m benchmarks.stage_memory`, the command behind the README's peak per step."""
    from benchmarks.stage_memory import stage_peaks

    peaks, line = stage_peaks("today", 300)
    assert line.startswith("published v1: ")
    assert {"reading", "normalizing", "reconciling", "publishing", "validating"} <= set(peaks)
    assert min(peaks.values()) > 50  # MiB: a Python process with pandas loaded


def test_shuffled_ids_keep_every_report_and_only_move_its_id(tmp_path):
    """`stage_memory --shuffled-ids`: the same raw rows, their ids in random order."""
    from benchmarks.stage_memory import shuffle_ids
    from benchmarks.synth import write_raw

    raw = write_raw(500, tmp_path / "raw", shape="today")

    def rows() -> pd.DataFrame:
        return pd.concat([pd.read_csv(f, dtype=str, keep_default_na=False)
                          for f in sorted(raw.glob("*.csv"))], ignore_index=True)

    before = rows()
    shuffle_ids(raw)
    after = rows()
    assert sorted(after["report_id"]) == sorted(before["report_id"])
    assert (after["report_id"] != before["report_id"]).mean() > 0.9
    pd.testing.assert_frame_equal(after.drop(columns="report_id"),
                                  before.drop(columns="report_id"))


@pytest.mark.parametrize(("files", "expected"), [
    ({"cpu.max": "max 100000\n"}, None),  # cgroup v2, no quota
    ({"cpu.max": "150000 100000\n"}, 1),  # one and a half CPUs: one worker
    ({"cpu.max": "400000 100000\n"}, 4),
    ({"cpu/cpu.cfs_quota_us": "-1\n", "cpu/cpu.cfs_period_us": "100000\n"}, None),  # v1
    ({"cpu/cpu.cfs_quota_us": "200000\n", "cpu/cpu.cfs_period_us": "100000\n"}, 2),
    ({"cpu.max": "garbage"}, None),
    ({}, None),  # no cgroup files: no quota
])
def test_default_workers_respect_a_containers_cpu_quota(tmp_path, files, expected):
    """Affinity shows a container every core of its host; its CPU quota caps the default."""
    from pipeline.engines import _cpu_quota, cores

    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    assert _cpu_quota(tmp_path) == expected
    affinity = cores(tmp_path / "none")  # no cgroup files there
    assert cores(tmp_path) == (affinity if expected is None else max(1, min(affinity, expected)))
