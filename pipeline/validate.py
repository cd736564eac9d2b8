"""Expectation suites (`expectations/*.json`, one per table) → a typed validation report.

Great Expectations runs the suites. Checks that need a computation GX has no cheap
expectation for (dates as integer days, a list's length, a reference to another table)
read helper columns that `validation_frame` adds; the published tables never hold them.
GX is imported only here and only when validating: it costs seconds to import.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pyarrow as pa

from .config import EXPECTATIONS, PACKAGE_DATA
from .errors import PipelineError
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
    """Dates or timestamps → whole days since 1970-01-01 (nullable int): fast to compare."""
    arr = pa.array(col, from_pandas=True)
    if pa.types.is_timestamp(arr.type):
        arr = arr.cast(pa.int64()).to_numpy(zero_copy_only=False) // (86_400 * 10**6)
        return pd.Series(arr, index=col.index).where(col.notna()).astype("Int64")
    if pa.types.is_date(arr.type) or pa.types.is_null(arr.type):
        return pd.Series(arr.cast(pa.int32()).to_pandas(), index=col.index).astype("Int64")
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


def validation_frame(table: str, frame: pd.DataFrame, events: pd.DataFrame | None = None
                     ) -> pd.DataFrame:
    """The table plus the helper columns its suite reads."""
    df = frame.copy()
    if table in ("events", "reports"):
        for c in ("date", "date_start", "date_end"):
            df[f"{c}_day"] = _days(df[c])
        is_troop = df["event_type"].isin(TROOP_TYPES)
        df["_troops_ok"] = df["troops"].notna() == is_troop
        df["_in_country_box"] = _in_box(df)
    if table == "events":
        df["_sources_n"] = df["sources"].map(len).astype("Int64")
        df["_report_ids_n"] = df["report_ids"].map(len).astype("Int64")
        df["first_reported_day"] = _days(df["first_reported"])
        df["last_reported_day"] = _days(df["last_reported"])
        df["_first_reported_limit_day"] = df["first_reported_day"] + 2
    if table == "reports":
        df["published_day"] = _days(df["published"])
        df["_published_limit_day"] = df["published_day"] + 2
        known = set(events["incident_id"]) if events is not None else set()
        df["_incident_known"] = df["incident_id"].isin(known)
    for c in ("sources", "report_ids"):  # lists are not hashable; GX never reads them
        if c in df:
            df = df.drop(columns=c)
    return df


def _quiet_gx() -> None:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    logging.getLogger("great_expectations").setLevel(logging.CRITICAL)


def validate_tables(tables: dict[str, pd.DataFrame], root: Path | None = None) -> ValidationReport:
    """Run every table's suite; never raises for bad data, only for a broken suite."""
    _quiet_gx()
    import great_expectations as gx
    from great_expectations.core import ExpectationSuite

    ctx = gx.get_context(mode="ephemeral")
    ctx.variables.progress_bars = {"globally": False}  # type: ignore[assignment]
    source = ctx.data_sources.add_pandas("timeline")
    report = ValidationReport(success=True, evaluated=0, failed=0)
    for table, frame in tables.items():
        spec = load_suite(table, root)
        suite = ExpectationSuite(name=table, expectations=spec["expectations"])
        if len(suite.expectations) != len(spec["expectations"]):
            raise PipelineError(
                f"expectations/{table}.json: {len(spec['expectations'])} expectations written but "
                f"{len(suite.expectations)} loaded; check the expectation types")
        suite = ctx.suites.add(suite)
        batch_def = source.add_dataframe_asset(table).add_batch_definition_whole_dataframe(table)
        vdef = ctx.validation_definitions.add(
            gx.ValidationDefinition(name=table, data=batch_def, suite=suite))
        df = validation_frame(table, frame, tables.get("events"))
        key = spec.get("meta", {}).get("key")
        result = vdef.run(batch_parameters={"dataframe": df},
                          result_format={"result_format": "SUMMARY",
                                         "partial_unexpected_count": 20})
        failed = 0
        for res in result.results:  # GX may reorder results: read each one's own config
            cfg = res.expectation_config
            assert cfg is not None
            kwargs, info = dict(cfg.kwargs), res.result or {}
            column = kwargs.get("column") or (f"{kwargs['column_A']}/{kwargs['column_B']}"
                                              if "column_A" in kwargs else None)
            report.results.append({"table": table, "expectation": cfg.type, "column": column,
                                   "why": (cfg.meta or {}).get("why", ""),
                                   "success": bool(res.success),
                                   "unexpected_count": info.get("unexpected_count")})
            if res.success:
                continue
            failed += 1
            examples = []
            if key in df.columns:
                examples = [str(df.at[i, key]) for i in
                            (info.get("partial_unexpected_index_list") or [])[:EXAMPLES]
                            if not isinstance(i, dict) and i in df.index]
            if not examples:
                examples = [str(v) for v in (info.get("partial_unexpected_list") or [])[:EXAMPLES]]
            count = info.get("unexpected_count")
            report.failures.append(Failure(
                table, cfg.type, column, (cfg.meta or {}).get("why", ""),
                int(count) if count is not None else len(df), examples))
        report.tables[table] = {"rows": len(frame), "expectations": len(spec["expectations"]),
                                "failed": failed}
        report.evaluated += len(spec["expectations"])
        report.failed += failed
    report.success = report.failed == 0
    return report
