"""Every expectation of every suite fires on a table with exactly one crafted bad row."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline.config import EXPECTATIONS
from pipeline.validate import WHOLE_TABLE, validate_tables

SUITES = {t: json.loads((EXPECTATIONS / f"{t}.json").read_text()) for t in
          ("events", "reports", "quarantine")}
CASES = [(t, i) for t, s in SUITES.items() for i in range(len(s["expectations"]))]
KEYS = {"events": "incident_id", "reports": "report_id", "quarantine": "input_line"}


@pytest.fixture(scope="module")
def tables(sample_build):
    folder = sample_build / "versions" / "v1"
    return {t: pq.read_table(folder / f"{t}.parquet").to_pandas() for t in SUITES}


def _row(frame: pd.DataFrame, *need: str) -> int:
    """A row where the given columns are all present (so breaking it is visible)."""
    ok = frame[list(need)].notna().all(axis=1) if need else pd.Series(True, index=frame.index)
    return int(frame.index[ok][0])


def _break(table: str, df: pd.DataFrame, kwargs: dict, kind: str) -> int:  # noqa: C901
    """Make one row of `df` violate the expectation; return that row's index."""
    col = kwargs.get("column")
    if kind == "expect_table_columns_to_match_set":
        df["unexpected_column"] = 1
        return 0
    if kind == "expect_compound_columns_to_be_unique":
        df.loc[1, kwargs["column_list"]] = df.loc[0, kwargs["column_list"]].values
        return 1
    if kind == "expect_column_pair_values_to_be_equal":  # source_count = number of sources
        df.loc[0, "source_count"] += 1
        return 0
    if kind == "expect_column_pair_values_a_to_be_greater_than_b":
        a, b = kwargs["column_A"], kwargs["column_B"]
        if a.endswith("_day") or b.endswith("_day"):
            i = _row(df, "date_start", "date_end")
            day = timedelta(days=1)
            change = {("date_day", "date_start_day"): ("date", df.at[i, "date_start"] - day),
                      ("date_end_day", "date_day"): ("date", df.at[i, "date_end"] + day)}
            if (a, b) in change:
                c, v = change[(a, b)]
            elif a == "_published_limit_day":
                c, v = "date_end", df.at[i, "published"].date() + 5 * day
            elif a == "_first_reported_limit_day":
                c, v = "first_reported", pd.Timestamp(df.at[i, "date_start"], tz="UTC") - 5 * day
            else:  # last_reported before first_reported
                c, v = "last_reported", df.at[i, "first_reported"] - day
            df[c] = df[c].astype(object)
            df.at[i, c] = v
            return i
        i = _row(df, b)
        df[a] = df[a].astype(object)
        df.at[i, a] = df.at[i, b] - 1
        return i
    if kind == "expect_column_values_to_be_unique":
        df.loc[1, col] = df.loc[0, col]
        return 1
    if kind == "expect_column_values_to_match_regex":
        df.loc[0, col] = "not-an-id"
        return 0
    if kind == "expect_column_values_to_be_between" and col == "date_start_day":  # ≥ 1990
        df["date_start"] = df["date_start"].astype(object)
        df.at[0, "date_start"] = df.at[0, "date_start"].replace(year=1989)
        return 0
    helper = {"published_day": ("published", None), "_sources_n": None, "_report_ids_n": None}
    if kind == "expect_column_values_to_not_be_null":
        base = helper.get(col, (col, None))[0]
        df[base] = df[base].astype(object)
        df.at[0, base] = None
        return 0
    if kind == "expect_column_values_to_be_in_set":
        if col == "_troops_ok":
            i = int(df.index[~df["event_type"].str.startswith("troop")][0])
            df["troops"] = df["troops"].astype(object)
            df.at[i, "troops"] = 5
            return i
        if col == "_in_country_box":
            i = int(df.index[df["iso3"] == "IRQ"][0])
            df.at[i, "latitude"], df.at[i, "longitude"] = 0.0, 0.0
            return i
        if col == "_geometry_ok":  # a point moved without its WKB
            df.at[0, "latitude"] = df.at[0, "latitude"] + 1.0
            return 0
        if col == "_incident_known":
            df.at[0, "incident_id"] = "ct-000000000000"
            return 0
        df[col] = df[col].astype(object)
        df.at[0, col] = "bogus"
        return 0
    if kind == "expect_column_values_to_be_between":
        if col in ("_report_ids_n", "_grade_reasons_n"):
            df.at[0, col[1:-2]] = []
            return 0
        value = kwargs["min_value"] - 1 if "min_value" in kwargs else kwargs["max_value"] + 1
        df[col] = df[col].astype(object)
        df.at[0, col] = value
        return 0
    raise AssertionError(f"no way to break {kind}")


def _only(table: str, index: int, folder: Path) -> Path:
    """Suites in which `table` holds just its expectation `index` and the others their first
    one: GX's cost is per expectation, and the whole suites 70 times took minutes."""
    folder.mkdir()
    for name, suite in SUITES.items():
        keep = [suite["expectations"][index]] if name == table else suite["expectations"][:1]
        (folder / f"{name}.json").write_text(json.dumps(dict(suite, expectations=keep)))
    return folder


@pytest.mark.parametrize(("table", "index"), CASES,
                         ids=[f"{t}-{i}-{SUITES[t]['expectations'][i]['type']}" for t, i in CASES])
def test_expectation_fires_on_one_bad_row(tables, table, index, tmp_path):
    spec = SUITES[table]["expectations"][index]
    frame = tables[table].copy()
    bad = _break(table, frame, dict(spec["kwargs"]), spec["type"])
    given = {table: frame} if table != "reports" else {"events": tables["events"], "reports": frame}
    report = validate_tables(given, root=_only(table, index, tmp_path / "suites"))
    column = spec["kwargs"].get("column") or (
        f"{spec['kwargs']['column_A']}/{spec['kwargs']['column_B']}" if "column_A" in spec["kwargs"]
        else None)
    hits = [f for f in report.failures if f.table == table and f.expectation == spec["type"]
            and f.column == column]
    assert hits, [f.line() for f in report.failures]
    failure = hits[0]
    assert failure.why == spec["meta"]["why"]
    if spec["type"] != "expect_table_columns_to_match_set":
        assert failure.unexpected_count in (1, 2)  # a duplicate counts both copies
        assert failure.examples
        if spec["kwargs"].get("column") != KEYS[table]:  # the example names the bad row
            assert str(frame.at[bad, KEYS[table]]) in failure.examples


def test_gx_fingerprints_no_frame_it_checks(tables, monkeypatch):
    """GX hashes every frame it is given into a batch marker nothing reads; the runner turns
    that off (a sixth to a third of checking a part). Were the knob gone from GX, the hash
    would run and this fails."""
    from great_expectations.execution_engine import pandas_execution_engine

    hashed = []
    real = pandas_execution_engine.hash_pandas_dataframe
    monkeypatch.setattr(pandas_execution_engine, "hash_pandas_dataframe",
                        lambda df: hashed.append(len(df)) or real(df))
    report = validate_tables({"events": tables["events"]})
    assert report.success and report.evaluated == len(SUITES["events"]["expectations"])
    assert hashed == []


def _summary(report) -> list[tuple]:
    return [(r["table"], r["expectation"], r["column"], r["success"], r["unexpected_count"])
            for r in report.results]


@pytest.mark.slow
def test_validating_in_parts_gives_the_same_results(tables):
    """Parts of 7 rows (the sample has ~50 per table) against one part."""
    whole = validate_tables(dict(tables))
    parts = validate_tables(dict(tables), part_rows=7)
    assert whole.success and parts.success
    assert _summary(parts) == _summary(whole)


@pytest.mark.slow
@pytest.mark.parametrize(("kind", "column"), [("expect_column_values_to_be_unique", None),
                                              ("expect_column_values_to_be_in_set", None),
                                              ("expect_column_values_to_be_between",
                                               "date_start_day")])
def test_a_bad_row_in_a_later_part_is_found(tables, kind, column):
    """A duplicate across parts and a bad row in a later part fail as they do in one part."""
    spec = next(e for e in SUITES["reports"]["expectations"] if e["type"] == kind
                and column in (None, e["kwargs"].get("column")))
    frame = tables["reports"].copy()
    frame = pd.concat([frame, frame.iloc[:0]], ignore_index=True)
    _break("reports", frame, dict(spec["kwargs"]), kind)
    frame = pd.concat([frame.iloc[2:], frame.iloc[:2]], ignore_index=True)  # bad rows go last
    given = {"events": tables["events"], "reports": frame}
    whole, parts = validate_tables(given), validate_tables(given, part_rows=7)
    assert not parts.success
    assert _summary(parts) == _summary(whole)
    assert [f.line() for f in parts.failures] == [f.line() for f in whole.failures]


@pytest.mark.slow
def test_parts_go_through_the_engines_mapper(tables):
    """The Dask engine validates parts on its workers: every part is one mapped task, and
    so are a table's whole-column checks, in the same map (not after the parts)."""
    sent = []

    def mapper(fn, tasks):
        if fn.__name__ == "_check":  # not the suites' count check
            sent.extend((t.table, len(t.part), {e["type"] for e in t.expectations})
                        for t in tasks)
        called.append(fn.__name__)
        return [fn(t) for t in tasks]

    called: list[str] = []
    report = validate_tables(dict(tables), part_rows=20, mapper=mapper)
    assert report.success
    # everything runs where the engine sends it: this process needs no GX
    assert called == ["_suite_problem", "_check"]
    parts = sorted(n for t, n, kinds in sent if t == "reports" and not kinds & WHOLE_TABLE)
    assert sum(parts) == len(tables["reports"]) and max(parts) == 20
    assert len(parts) == -(-len(tables["reports"]) // 20)
    whole = [(n, kinds) for t, n, kinds in sent if t == "reports" and kinds & WHOLE_TABLE]
    assert whole == [(len(tables["reports"]), {"expect_column_values_to_be_unique"})]


def _staged(sample_build: Path, folder: Path, groups: int, bad_incident: int | None = None
            ) -> dict[str, Path]:
    """The sample version's tables as Parquet files of `groups` rows per row group, one
    report's incident changed to one the events do not have when `bad_incident` is given."""
    import pyarrow as pa

    folder.mkdir()
    files = {}
    for table in SUITES:
        data = pq.read_table(sample_build / "versions" / "v1" / f"{table}.parquet")
        if table == "reports" and bad_incident is not None:
            ids = data.column("incident_id").to_pylist()
            ids[bad_incident] = "not-an-incident"
            data = data.set_column(data.schema.get_field_index("incident_id"), "incident_id",
                                   pa.array(ids, pa.string()))
        files[table] = folder / f"{table}.parquet"
        pq.write_table(data, files[table], row_group_size=groups)
    return files


@pytest.mark.slow
def test_validating_parquet_files_gives_the_same_results(tables, sample_build, tmp_path):
    """A build validates its staged files, each part a run of row groups read where it is
    checked: the same outcomes as the tables in memory, and a bad row found in a later
    part names its report."""
    files = _staged(sample_build, tmp_path / "good", groups=7)
    assert pq.read_metadata(files["reports"]).num_row_groups > 3
    sent = []

    def mapper(fn, tasks):
        if fn.__name__ == "_check":
            sent.extend(t.table for t in tasks)
        return [fn(t) for t in tasks]

    parts = validate_tables(files, part_rows=14, mapper=mapper)
    assert parts.success
    assert _summary(parts) == _summary(validate_tables(dict(tables)))
    # two groups of 7 a part, and the whole-column checks (the ids' uniqueness) as one more
    assert sent.count("reports") == -(-len(tables["reports"]) // 14) + 1
    bad = len(tables["reports"]) - 3
    broken = validate_tables(_staged(sample_build, tmp_path / "bad", 7, bad), part_rows=14)
    assert [(f.table, f.column, f.unexpected_count, f.examples) for f in broken.failures] == [
        ("reports", "_incident_known", 1, [tables["reports"].at[bad, "report_id"]])]
    far = []

    def remote(fn, tasks):
        if fn.__name__ == "_check":
            far.extend(type(t.part).__name__ for t in tasks)
        return [fn(t) for t in tasks]

    validate_tables(files, part_rows=14, shared=False, mapper=remote)
    assert set(far) == {"Table"}  # a cluster's worker is sent its part's columns, not a path


@pytest.mark.slow
def test_tables_checked_as_each_is_written_give_the_report_of_all_at_once(tables, sample_build,
                                                                          tmp_path):
    """A build begins each staged table's checks as soon as it is written (`Validation`):
    whatever order the tables come in (the reports' incidents are looked up in the events,
    which may come after them), the report is `validate_tables`' for the same files, and a
    report's unknown incident is still found."""
    from pipeline.validate import Validation

    def started(fn, items):  # noqa: ANN001, ANN202 (as an engine's submit, collected later)
        started_with.append(fn.__name__)
        return lambda: [fn(item) for item in items]

    for name, bad in (("good", None), ("bad", len(tables["reports"]) - 3)):
        files = _staged(sample_build, tmp_path / name, 7, bad)
        at_once = validate_tables(files, part_rows=14)
        for order in (["events", "reports", "quarantine"], ["reports", "quarantine", "events"]):
            started_with: list[str] = []
            validation = Validation(started, part_rows=14)
            for table in order[:-1]:
                validation.begin(table, files[table])
            # the reports are begun only once the events are there
            assert started_with.count("_check") == (2 if order[0] == "events" else 1)
            report = validation.report(files)
            assert started_with.count("_check") == 3
            assert _summary(report) == _summary(at_once)
            assert [(f.table, f.column, f.examples) for f in report.failures] == [
                (f.table, f.column, f.examples) for f in at_once.failures]
        assert at_once.success == (bad is None)


@pytest.mark.parametrize("given", ["pandas", "parquet"])
def test_list_lengths_are_checked_from_arrow_as_from_pandas(tables, given, tmp_path):
    """A build validates its Parquet files, whose list columns stay Arrow's and give their
    lengths from Arrow's offsets; a frame's lists are Python's. Either way, a source count
    that is not the number of sources and an incident without report ids fail, each once."""
    frame = tables["events"].copy()
    frame.loc[0, "source_count"] += 1
    frame.at[1, "report_ids"] = []
    if given == "parquet":
        pq.write_table(pa.Table.from_pandas(frame, preserve_index=False),
                       path := tmp_path / "events.parquet")
    report = validate_tables({"events": frame if given == "pandas" else path})
    failed = sorted((f.column, f.unexpected_count) for f in report.failures)
    assert failed == [("_report_ids_n", 1), ("source_count/_sources_n", 1)]
