"""Expectation suites (`expectations/*.json`, one per table) → a typed validation report.

Great Expectations runs the suites. Checks that need a computation GX has no cheap
expectation for (dates as integer days, a list's length, a reference to another table)
read helper columns that `validation_frame` adds; the published tables never hold them.
GX is imported only here and only when validating: it costs seconds to import.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TypeAlias

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .config import EXPECTATIONS, PACKAGE_DATA
from .errors import PipelineError
from .memory import release
from .schema import TROOP_TYPES

EXAMPLES = 5


@dataclass
class Failure:
    """One failed expectation: what it checks, on which table and column, and which rows."""

    table: str
    expectation: str
    column: str | None
    why: str
    unexpected_count: int
    examples: list[str]

    def line(self) -> str:
        where = f"{self.table}.{self.column}" if self.column else self.table
        ex = f" (e.g. {', '.join(self.examples)})" if self.examples else ""
        return f"{where}: {self.expectation} failed for {self.unexpected_count} row(s){ex}"


@dataclass
class ValidationReport:
    """The outcome of every suite: counts per table and each failure with example keys."""

    success: bool
    evaluated: int
    failed: int
    tables: dict[str, dict] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)
    results: list[dict] = field(default_factory=list)  # every expectation, passed or not

    def summary(self) -> dict:
        """The short form recorded in datapackage.json."""
        return {"success": self.success, "expectations": self.evaluated, "failed": self.failed}

    def to_json(self) -> dict:
        """Everything, for validation/results.json."""
        return asdict(self)


def load_suite(table: str, root: Path | None = None) -> dict:
    """Read one suite; the file is data, so it is checked for shape here."""
    path = (root or EXPECTATIONS) / f"{table}.json"
    try:
        suite = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise PipelineError(f"{path}: cannot read expectation suite ({exc})") from None
    if not isinstance(suite.get("expectations"), list) or not suite["expectations"]:
        raise PipelineError(f"{path}: suite has no expectations")
    return suite


def _days(col: pd.Series) -> pd.Series:
    """Dates or timestamps → whole days since 1970-01-01 as float64, null → NaN: fast to
    compare. Not a nullable Int64: GX compares those value by value in Python (1.5 million
    calls at a million reports), and float64 holds every day exactly."""
    arr = pa.array(col, from_pandas=True)
    if pa.types.is_timestamp(arr.type):
        arr = arr.cast(pa.int64()).to_numpy(zero_copy_only=False) // (86_400 * 10**6)
        return pd.Series(arr, index=col.index, dtype="f8").where(col.notna())
    if pa.types.is_date(arr.type) or pa.types.is_null(arr.type):
        days = arr.cast(pa.int32()).to_numpy(zero_copy_only=False)  # positions, not labels
        return pd.Series(days, index=col.index, dtype="f8")
    raise TypeError(f"not a date column: {arr.type}")


@lru_cache(maxsize=1)
def country_boxes() -> pd.DataFrame:
    """Bounding box of each country (iso3 → min/max lat/lon), from data/country_boxes.csv."""
    return pd.read_csv(PACKAGE_DATA / "country_boxes.csv", keep_default_na=False).set_index("iso3")


def _in_box(df: pd.DataFrame) -> pd.Series:
    """True when the row's point lies in its country's box (or the country has no box)."""
    boxes = country_boxes().reindex(df["iso3"].astype(object))
    boxes.index = df.index
    lat, lon = df["latitude"].astype(float), df["longitude"].astype(float)
    inside = ((lat >= boxes["min_lat"]) & (lat <= boxes["max_lat"])
              & (lon >= boxes["min_lon"]) & (lon <= boxes["max_lon"]))
    return inside | boxes["min_lat"].isna()


def _geometry_ok(df: pd.DataFrame) -> pd.Series:
    """True when the WKB `geometry` is the bytes `geo.point_array` writes for the row's
    latitude/longitude, and null exactly when the row has no point: readers of the GeoParquet
    layer see what the latitude/longitude columns say. Whole columns at once: a Python
    decode per row cost seconds at a million rows."""
    from .geo import point_array

    written = pa.array([g if isinstance(g, bytes) else None for g in df["geometry"]], pa.binary())
    expected = point_array(pa.array(df["latitude"], pa.float64(), from_pandas=True),
                           pa.array(df["longitude"], pa.float64(), from_pandas=True))
    same = pc.fill_null(pc.equal(written, expected), False)
    neither = pc.and_(written.is_null(), expected.is_null())
    return pd.Series(pc.or_(same, neither).to_numpy(zero_copy_only=False), index=df.index,
                     dtype=bool)


Helper: TypeAlias = Callable[[pd.DataFrame], pd.Series]


def _lengths(column: str) -> Helper:
    """The length of each list (int64: GX's vectorized path); read from Arrow's offsets when
    the column is still Arrow's, as `_check` leaves it."""
    def lengths(df: pd.DataFrame) -> pd.Series:
        values = df[column]
        if isinstance(values.dtype, pd.ArrowDtype):
            return values.list.len().astype("i8")
        return values.map(len).astype("i8")
    return lengths


def _day_of(column: str, plus: int = 0) -> Helper:
    return lambda df: _days(df[column]) + plus


def _known(ids: pa.Array | None) -> Helper:
    """Whether each report's incident is in the events table, whose incident ids are `ids`
    (none given: no incident is known), by Arrow's hash lookup."""
    value_set = pa.array([], pa.string()) if ids is None else ids.cast(pa.string())

    def known(df: pd.DataFrame) -> pd.Series:
        values = pa.array(df["incident_id"], pa.string(), from_pandas=True)
        return pd.Series(pc.is_in(values, value_set=value_set).to_numpy(zero_copy_only=False),
                         index=df.index, dtype=bool)
    return known


def _helpers(table: str, known: pa.Array | None = None
             ) -> dict[str, tuple[tuple[str, ...], Helper]]:
    """The helper columns of a table's validation frame: name → (the published columns it is
    computed from, how). `known`: the events' incident ids, which reports refer to."""
    if table not in ("events", "reports"):
        return {}
    out: dict[str, tuple[tuple[str, ...], Helper]] = {
        f"{c}_day": ((c,), _day_of(c)) for c in ("date", "date_start", "date_end")}
    out["_troops_ok"] = (("troops", "event_type"),
                         lambda df: df["troops"].notna() == df["event_type"].isin(TROOP_TYPES))
    out["_in_country_box"] = (("iso3", "latitude", "longitude"), _in_box)
    out["_geometry_ok"] = (("geometry", "latitude", "longitude"), _geometry_ok)
    if table == "events":
        for c in LISTS:
            out[f"_{c}_n"] = ((c,), _lengths(c))
        out["first_reported_day"] = (("first_reported",), _day_of("first_reported"))
        out["last_reported_day"] = (("last_reported",), _day_of("last_reported"))
        out["_first_reported_limit_day"] = (("first_reported",), _day_of("first_reported", 2))
    else:
        out["published_day"] = (("published",), _day_of("published"))
        out["_published_limit_day"] = (("published",), _day_of("published", 2))
        out["_incident_known"] = (("incident_id",), _known(known))
    return out


LISTS = ("sources", "report_ids", "grade_reasons")  # not hashable; GX never reads them


def validation_frame(table: str, frame: pd.DataFrame, helpers: Iterable[str] | None = None,
                     known: pa.Array | None = None) -> pd.DataFrame:
    """The table plus the helper columns its suite reads (a shallow copy: pandas copies a
    column only when it is written, and only helper columns are): all of them, or only
    `helpers`. `known`: the incident ids of the events table, for reports."""
    df = frame.copy(deep=False)
    wanted = None if helpers is None else set(helpers)
    for name, (inputs, compute) in _helpers(table, known).items():
        if (wanted is None or name in wanted) and all(c in df for c in inputs):
            df[name] = compute(df)
    return df.drop(columns=[c for c in LISTS if c in df])


def validation_columns(table: str, columns: Iterable[str]) -> list[str]:
    """The columns of the validation frame of a table with these `columns`: what a suite's
    column-set expectation compares against."""
    columns = list(columns)
    helpers = [name for name, (inputs, _) in _helpers(table).items()
               if all(c in columns for c in inputs)]
    return [c for c in columns if c not in LISTS] + helpers


def _sources(table: str, read: Iterable[str]) -> tuple[list[str], list[str]]:
    """(the published columns to convert, the helpers to compute) for a validation frame
    from which these columns are `read`."""
    helpers = _helpers(table)
    names = [c for c in read if c in helpers]
    columns = [c for c in read if c not in helpers]
    columns += [i for name in names for i in helpers[name][0]]
    return list(dict.fromkeys(columns)), names


def _quiet_gx() -> None:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    logging.getLogger("great_expectations").setLevel(logging.CRITICAL)


# Expectations about the whole column (a duplicate, a minimum) must see every row at once;
# the rest are row by row and run part by part, so a million reports never sit in GX whole.
WHOLE_TABLE = {"expect_column_values_to_be_unique", "expect_compound_columns_to_be_unique",
               "expect_column_min_to_be_between", "expect_column_max_to_be_between",
               "expect_column_mean_to_be_between", "expect_table_row_count_to_be_between",
               "expect_table_row_count_to_equal"}
PART_ROWS = 250_000  # as a build normalizes: a part of a table in GX at once


def _columns(expectation: dict) -> list[str]:
    kwargs = expectation.get("kwargs", {})
    return [c for k in ("column", "column_A", "column_B") if (c := kwargs.get(k))] + list(
        kwargs.get("column_list", []))


def _name(expectations: list[dict]) -> str:
    return hashlib.sha256(json.dumps(expectations, sort_keys=True).encode()).hexdigest()[:16]


class _Runner:
    """One ephemeral GX context per process; runs a list of expectations on a frame and
    returns each result keyed by its position in that list."""

    def __init__(self) -> None:
        _quiet_gx()
        import great_expectations as gx

        # GX fingerprints every frame it is given (an md5 of pandas' hash of every row and
        # column), a batch marker nothing here reads: a sixth to a third of the time a part of
        # a million reports took to check (throwaway timing). It skips frames at or over its
        # threshold: with the threshold at zero, it hashes none.
        from great_expectations.execution_engine import pandas_execution_engine

        pandas_execution_engine.HASH_THRESHOLD = 0
        self.gx = gx
        self.ctx = gx.get_context(mode="ephemeral")
        self.ctx.variables.progress_bars = {"globally": False}  # type: ignore[assignment]
        self.source = self.ctx.data_sources.add_pandas("timeline")
        self.defs: dict[str, object] = {}

    @staticmethod
    def suite(path: str, expectations: list[dict]):  # noqa: ANN205 (a GX ExpectationSuite)
        """The GX suite of `expectations`, each marked with its position. GX drops a type it
        does not know without a word, so the count is checked."""
        from great_expectations.core import ExpectationSuite

        marked = [dict(e, meta={**(e.get("meta") or {}), "_pos": i})
                  for i, e in enumerate(expectations)]
        suite = ExpectationSuite(name=_name(expectations), expectations=marked)
        if len(suite.expectations) != len(expectations):
            raise PipelineError(
                f"{path}: {len(expectations)} expectations written but "
                f"{len(suite.expectations)} loaded; check the expectation types")
        return suite

    def run(self, path: str, expectations: list[dict], df: pd.DataFrame,
            result_format: str = "BASIC") -> dict[int, dict]:
        """GX's `BASIC` result: success, unexpected count and values. `SUMMARY` adds the index
        of failing rows, which GX computes for every row-by-row expectation, failing or not,
        with two more passes over the frame: asked for only where one failed."""
        name = _name(expectations)
        if name not in self.defs:
            suite = self.ctx.suites.add(self.suite(path, expectations))
            batch = self.source.add_dataframe_asset(name).add_batch_definition_whole_dataframe(name)
            self.defs[name] = self.ctx.validation_definitions.add(
                self.gx.ValidationDefinition(name=name, data=batch, suite=suite))
        result = self.defs[name].run(  # type: ignore[attr-defined]
            batch_parameters={"dataframe": df},
            result_format={"result_format": result_format, "partial_unexpected_count": 20})
        out = {}
        for res in result.results:  # GX may reorder results: each carries its position
            cfg = res.expectation_config
            assert cfg is not None
            out[int((cfg.meta or {})["_pos"])] = {"success": bool(res.success),
                                                  "result": res.result or {}}
        return out


@lru_cache(maxsize=1)
def _runner() -> _Runner:
    return _Runner()


def warm_validation() -> None:
    """Import Great Expectations and make this process's context now (about 2 s), before
    there is anything to validate: an engine's idle workers do it while a build works."""
    _runner()


@dataclass
class _Staged:
    """Row groups of a table's Parquet file: a part that is read where it is checked (an
    engine's worker reads its own, only the columns it checks; only the path travels)."""

    path: Path
    groups: list[int]

    def read(self, columns: list[str]) -> pa.Table:
        file = pq.ParquetFile(self.path)
        return file.read_row_groups(self.groups, columns=[c for c in columns
                                                          if c in file.schema_arrow.names])


Table: TypeAlias = "pd.DataFrame | pa.Table | Path"  # in memory, or its Parquet file


@dataclass
class _Task:
    """One part of one table to check: runs wherever the engine sends it."""

    table: str
    part: pd.DataFrame | pa.Table | _Staged
    start: int
    expectations: list[dict]
    positions: list[int]  # of `expectations` in the table's suite
    key: str | None
    columns: list[str]  # of the whole validation frame: what a column-set check sees
    known: pa.Array | None = None  # the events' incident ids, for reports

    def sources(self) -> tuple[list[str], list[str]]:
        """(the published columns to read, the helpers to compute): for the columns of the
        validation frame this task's expectations read, and its key."""
        reads = dict.fromkeys([c for e in self.expectations for c in _columns(e)]
                              + ([self.key] if self.key else []))
        return _sources(self.table, reads)


def _check(task: _Task) -> dict[int, dict]:
    """Run a task's expectations → {suite position: outcome}. Only the columns they read are
    converted and computed: a million reports' quotes and raw text were converted to pandas,
    and checked by nothing."""
    columns, helpers = task.sources()
    part = task.part
    if isinstance(part, _Staged):
        part = part.read(columns)
    if isinstance(part, pa.Table):  # lists stay Arrow's: only their lengths are checked
        part = part.select([c for c in columns if c in part.column_names]).to_pandas(
            types_mapper=lambda t: pd.ArrowDtype(t) if pa.types.is_list(t) else None)
        part.index = pd.RangeIndex(task.start, task.start + len(part))
    else:
        part = part[[c for c in columns if c in part.columns]]
    out = _outcomes(task, validation_frame(task.table, part, helpers, task.known))
    release()
    return out


def _outcomes(task: _Task, df: pd.DataFrame) -> dict[int, dict]:
    """{suite position: success, unexpected count, example keys} of the task's expectations.

    GX filters the whole frame it is given, row by row, for every expectation, so column
    expectations see only the columns they read (a million reports' raw text made this
    most of validation's time); table expectations (the column set) see every column of
    the validation frame and no rows."""
    path = f"expectations/{task.table}.json"
    table = [i for i, e in enumerate(task.expectations) if not _columns(e)]
    column = [i for i in range(len(task.expectations)) if i not in table]
    read = [c for c in dict.fromkeys([c for i in column for c in _columns(task.expectations[i])]
                                     + [task.key]) if c in df.columns]  # GX reports a missing one
    results: dict[int, dict] = {}
    for picked, frame in ((column, df[read]), (table, pd.DataFrame(columns=task.columns))):
        if picked:
            ran = _runner().run(path, [task.expectations[i] for i in picked], frame)
            results.update({picked[j]: res for j, res in ran.items()})
    failed = [i for i in column if not results[i]["success"]]
    if failed and task.key in df.columns:  # which rows: the examples a failure names
        again = _runner().run(path, [task.expectations[i] for i in failed], df[read], "SUMMARY")
        results.update({failed[j]: res for j, res in again.items()})
    out = {}
    for i, res in results.items():
        info = res["result"]
        out[task.positions[i]] = {"success": res["success"],
                                  "count": info.get("unexpected_count"),
                                  "examples": [] if res["success"] else _examples(info, df, task.key)}
    return out


def validate_tables(tables: dict[str, pd.DataFrame] | dict[str, pa.Table] | dict[str, Path],
                    root: Path | None = None, part_rows: int = PART_ROWS,
                    mapper: Callable[[Callable, list], Iterable] = map, shared: bool = True
                    ) -> ValidationReport:
    """Run every table's suite; never raises for bad data, only for a broken suite.

    Tables may be pandas, Arrow or Parquet files (a build's staged version: then no table
    is held whole, and each part is read where it is checked, or here, the columns it
    checks, when the `mapper`'s workers do not share this machine's files). Row-by-row
    expectations run on parts of about `part_rows` rows (a file's parts are runs of its row
    groups) through `mapper` (an engine's workers, or here) and add up; whole-column ones
    run once, in the same map, on just the columns they read. The suites' count check runs
    there as well: with workers, this process never imports GX."""
    known = _incident_ids(tables.get("events"))
    plans = {table: _plan(table, frame, root, part_rows, known if table == "reports" else None,
                          shared) for table, frame in tables.items()}
    # GX drops a type it does not know without a word: each whole suite is checked first
    # (where the work runs: this process need not import GX when workers validate)
    _raise_problems(mapper(_suite_problem, [_suite(table, plan[0])
                                            for table, plan in plans.items()]))
    # every table's tasks in one map, so that an engine's workers check the events while
    # others check parts of the reports, or the columns that must be seen whole
    tasks = [task for plan in plans.values() for task in plan[1]]
    return _report(tables, {table: plan[0] for table, plan in plans.items()}, (
        (task.table, out) for task, out in zip(tasks, mapper(_check, tasks), strict=True)))


class Validation:
    """A build's validation begun table by table, each as soon as its staged file is
    written (`begin`): an engine's workers check the events while the build writes the
    reports, and the reports while it writes the quarantine. `submit` starts a map on the
    engine and returns what collects it (`engines.Run.submit`). `report` collects the
    outcomes as `validate_tables` would give them for the same files."""

    def __init__(self, submit: Callable[[Callable, list], Callable[[], list]],
                 part_rows: int = PART_ROWS, shared: bool = True) -> None:
        self.submit, self.part_rows, self.shared = submit, part_rows, shared
        self.files: dict[str, Path] = {}
        self.suites: dict[str, list[dict]] = {}
        # per table begun: what collects its suite's problem, and its tasks' outcomes
        self.started: dict[str, tuple[Callable[[], list], Callable[[], list]]] = {}

    def begin(self, table: str, path: Path) -> None:
        """Start checking one staged table. The reports' check that each incident is in the
        events reads the events' file: the reports wait for it if it comes later."""
        self.files[table] = path
        if table == "reports" and "events" not in self.files:
            return
        known = _incident_ids(self.files.get("events")) if table == "reports" else None
        expectations, tasks = _plan(table, path, None, self.part_rows, known, self.shared)
        self.suites[table] = expectations
        self.started[table] = (self.submit(_suite_problem, [_suite(table, expectations)]),
                               self.submit(_check, tasks))
        if table == "events" and "reports" in self.files and "reports" not in self.started:
            self.begin("reports", self.files["reports"])

    def report(self, staged: dict[str, Path]) -> ValidationReport:
        """Every table of `staged` checked (those not begun yet begun now) → the report."""
        for table, path in staged.items():
            if table not in self.started:
                self.begin(table, path)
        _raise_problems(p for table in staged for p in self.started[table][0]())
        return _report(staged, self.suites, (
            (table, out) for table in staged for out in self.started[table][1]()))


def _suite(table: str, expectations: list[dict]) -> tuple[str, list[dict]]:
    return f"expectations/{table}.json", expectations


def _raise_problems(problems: Iterable[str | None]) -> None:
    for problem in problems:
        if problem:
            raise PipelineError(problem)


def _report(tables: dict, suites: dict[str, list[dict]],
            outcomes: Iterable[tuple[str, dict[int, dict]]]) -> ValidationReport:
    """The tasks' outcomes ((table, {suite position: outcome}), each table's in the order of
    its parts) added up per expectation, in each table's suite order."""
    report = ValidationReport(success=True, evaluated=0, failed=0)
    found: dict[str, dict[int, list[dict]]] = {table: {} for table in tables}
    for table, out in outcomes:
        for i, outcome in out.items():
            found[table].setdefault(i, []).append(outcome)
    for table, frame in tables.items():
        expectations = suites[table]
        failed = 0
        for i in sorted(found[table]):
            cfg = expectations[i]
            kwargs = cfg.get("kwargs", {})
            column = kwargs.get("column") or (f"{kwargs['column_A']}/{kwargs['column_B']}"
                                              if "column_A" in kwargs else None)
            why = (cfg.get("meta") or {}).get("why", "")
            parts_out = found[table][i]
            success = all(o["success"] for o in parts_out)
            counts = [o["count"] for o in parts_out if o["count"] is not None]
            count = sum(counts) if counts else None
            report.results.append({"table": table, "expectation": cfg["type"], "column": column,
                                   "why": why, "success": success, "unexpected_count": count})
            if success:
                continue
            failed += 1
            examples = next(o["examples"] for o in parts_out if not o["success"])
            report.failures.append(Failure(table, cfg["type"], column, why,
                                           int(count) if count is not None else _rows(frame),
                                           examples))
        report.tables[table] = {"rows": _rows(frame), "expectations": len(expectations),
                                "failed": failed}
        report.evaluated += len(expectations)
        report.failed += failed
    report.success = report.failed == 0
    return report


def _plan(table: str, frame: Table, root: Path | None, part_rows: int, known: pa.Array | None,
          shared: bool) -> tuple[list[dict], list[_Task]]:
    """A table's suite and the tasks that check it: one task when it is one part (every
    expectation at once, as GX would), else one per part with the row-by-row expectations,
    and one with the whole-column ones, which reads only the columns they check of every
    row (a million reports' ids: it runs beside the parts, not after them)."""
    spec = load_suite(table, root)
    expectations = spec["expectations"]
    key = spec.get("meta", {}).get("key")
    starts = _parts(frame, part_rows)
    everything = list(range(len(expectations)))
    work = [(start, part, everything) for start, part in starts]
    if len(starts) > 1:
        rows = [i for i in everything if expectations[i].get("type") not in WHOLE_TABLE]
        whole = [i for i in everything if i not in rows]
        work = [(start, part, rows) for start, part in starts]
        if whole:
            work.append((0, _whole(frame), whole))
    columns = validation_columns(table, _names(frame))
    tasks = [_Task(table, part, start, [expectations[i] for i in positions], positions, key,
                   columns, known) for start, part, positions in work]
    if not shared:  # a cluster's worker may not see the file: it is sent its part
        for task in tasks:
            if isinstance(task.part, _Staged):
                task.part = task.part.read(task.sources()[0])
    return expectations, tasks


def _whole(frame: Table) -> pd.DataFrame | pa.Table | _Staged:
    """A table as one part: a Parquet file's every row group."""
    if isinstance(frame, Path):
        return _Staged(frame, list(range(pq.read_metadata(frame).num_row_groups)))
    return frame


def _suite_problem(suite: tuple[str, list[dict]]) -> str | None:
    """Why GX cannot run a whole suite (`_Runner.suite`), or None."""
    try:
        _Runner.suite(*suite)
    except PipelineError as exc:
        return str(exc)
    return None


def _rows(frame: Table) -> int:
    return pq.read_metadata(frame).num_rows if isinstance(frame, Path) else len(frame)


def _names(frame: Table) -> list[str]:
    if isinstance(frame, Path):
        return pq.read_schema(frame).names
    return frame.column_names if isinstance(frame, pa.Table) else list(frame.columns)


def _incident_ids(events: Table | None) -> pa.Array | None:
    """The events table's incident ids, which the reports' `_incident_known` looks up."""
    if events is None:
        return None
    if isinstance(events, Path):
        return pq.read_table(events, columns=["incident_id"]).column(0).combine_chunks()
    if isinstance(events, pa.Table):
        return events.column("incident_id").combine_chunks()
    return pa.array(events["incident_id"], pa.string(), from_pandas=True)


def _parts(frame: Table, part_rows: int) -> list[tuple[int, pd.DataFrame | pa.Table | _Staged]]:
    """(first row, part) of a table: slices of `part_rows` rows, or for a Parquet file, runs
    of whole row groups of up to `part_rows` rows (at least one group each)."""
    if not isinstance(frame, Path):
        total = len(frame)
        return [(start, frame.slice(start, part_rows) if isinstance(frame, pa.Table)
                 else frame.iloc[start:start + part_rows])
                for start in range(0, max(total, 1), part_rows)]
    meta = pq.read_metadata(frame)
    parts: list[tuple[int, pd.DataFrame | pa.Table | _Staged]] = []
    start = rows = 0
    groups: list[int] = []
    for group in range(meta.num_row_groups):
        size = meta.row_group(group).num_rows
        if groups and rows + size > part_rows:
            parts.append((start, _Staged(frame, groups)))
            start, rows, groups = start + rows, 0, []
        groups.append(group)
        rows += size
    parts.append((start, _Staged(frame, groups)))
    return parts


def _examples(info: dict, df: pd.DataFrame, key: str | None) -> list[str]:
    """Up to EXAMPLES keys of failing rows (the table's key column), else failing values."""
    examples = []
    if key in df.columns:
        examples = [str(df.at[i, key]) for i in
                    (info.get("partial_unexpected_index_list") or [])[:EXAMPLES]
                    if not isinstance(i, dict) and i in df.index]
    return examples or [str(v) for v in (info.get("partial_unexpected_list") or [])[:EXAMPLES]]
