"""ACLED and UCDP in and out: exports of a version in other shapes, imports of coded datasets.

Analysts hold ACLED and UCDP GED files for the conflicts we cover and hand timelines to tools
that expect those shapes, GIS layers or a flat table. Export writes a published version's
events as an ACLED- or UCDP-shaped CSV, GeoJSON or flat CSV; import turns an ACLED or UCDP GED
export into a raw-contract file (SPEC §3) that `build` reads unchanged, its coordinates and
admin names used as given. How their precision codes and event types meet ours is data
(`pipeline/data/crosswalk.csv`), so the README's table and the code never disagree.
"""

from __future__ import annotations

import calendar
import contextlib
import csv
import datetime as dt
import io
import json
import math
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from .config import DEFAULT_RAW, PACKAGE_DATA
from .errors import InputError, OutputError, UsageError
from .read import check_header, decode

FORMATS = ("acled", "ucdp", "geojson", "csv")
DATASETS = {"acled": "ACLED", "ucdp": "UCDP GED"}

ACLED_COLUMNS = ["event_id_cnty", "event_date", "year", "time_precision", "event_type",
                 "sub_event_type", "actor1", "actor2", "iso", "country", "admin1", "admin2",
                 "location", "latitude", "longitude", "geo_precision", "source", "notes",
                 "fatalities", "timestamp"]
UCDP_COLUMNS = ["id", "year", "type_of_violence", "side_a", "side_b", "source_article",
                "where_prec", "where_coordinates", "where_description", "adm_1", "adm_2",
                "latitude", "longitude", "country", "date_prec", "date_start", "date_end",
                "best", "high", "low"]
# Two columns of ours after theirs carry what their shapes cannot: our event type (theirs are
# coarser, and UCDP codes who fought, not how) and a troop count (neither codes deployments).
# Their readers select columns by name, so the files stay theirs; `import` reads them back, so
# an export re-imported rebuilds the same incidents.
EXTENSION_COLUMNS = ["ct_event_type", "ct_troops"]
# What an import needs of each dataset's export. The rest of their columns are carried along,
# each as a column of the raw file named for the dataset (`acled_event_type`, `ucdp_conflict_name`,
# `_carried`), which the build keeps in the report's `extra` as it keeps any unknown column
# (SPEC §3); only our own two columns (EXTENSION_COLUMNS) are read into the report instead.
ACLED_REQUIRED = ("event_id_cnty", "event_date", "time_precision", "sub_event_type", "actor1",
                  "actor2", "country", "admin1", "admin2", "location", "latitude", "longitude",
                  "geo_precision", "source", "notes", "fatalities")
UCDP_REQUIRED = ("id", "date_start", "date_end", "date_prec", "where_prec", "where_coordinates", "adm_1",
                 "adm_2", "latitude", "longitude", "country", "type_of_violence", "best", "low",
                 "high", "side_a", "side_b", "source_article")
RAW_HEADER = ["report_id", "source", "published", "event_type", "date", "place", "country",
              "actor1", "actor2", "killed", "troops", "quote", "latitude", "longitude", "admin1",
              "admin2", "geo_precision"]


# --- the crosswalk ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Crosswalk:
    """Their codes → our values (import) and our values → their codes (export), per field."""

    to_ours: dict[tuple[str, str, str], str]  # (dataset, field, code) → our value ("" = none)
    to_theirs: dict[tuple[str, str, str], str]  # (dataset, field, our value) → code


@lru_cache(maxsize=1)
def crosswalk() -> Crosswalk:
    """`pipeline/data/crosswalk.csv`: a row marked `both` reads either way, `import` only from
    their code, `export` only from our value; each direction is a function (checked here)."""
    rows = pd.read_csv(PACKAGE_DATA / "crosswalk.csv", dtype=str, keep_default_na=False)
    to_ours: dict[tuple[str, str, str], str] = {}
    to_theirs: dict[tuple[str, str, str], str] = {}
    for r in rows.itertuples(index=False):
        if r.direction in ("both", "import"):
            key = (r.dataset, r.field, r.code)
            if key in to_ours:
                raise ValueError(f"crosswalk.csv: {key} is read two ways")
            to_ours[key] = r.our_value
        if r.direction in ("both", "export"):
            key = (r.dataset, r.field, r.our_value)
            if key in to_theirs:
                raise ValueError(f"crosswalk.csv: {key} is written two ways")
            to_theirs[key] = r.code
    return Crosswalk(to_ours, to_theirs)


# --- export ----------------------------------------------------------------------------------


def _blank(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _text(value: object) -> str:
    return "" if _blank(value) else str(value)


def _iso_numeric(iso3: str) -> str:
    """ACLED's `iso` is the numeric ISO 3166 code (368 for Iraq)."""
    import pycountry

    country = pycountry.countries.get(alpha_3=iso3) if iso3 else None
    return str(int(country.numeric)) if country is not None else ""


def _epoch(value: object) -> str:
    return "" if _blank(value) else str(int(pd.Timestamp(value).timestamp()))  # type: ignore[arg-type]


def _middle(start: dt.date, end: dt.date) -> dt.date:
    return start + (end - start) // 2


def _code(dataset: str, field: str, ours: object) -> str:
    return crosswalk().to_theirs.get((dataset, field, _text(ours)), "")


def _notes(row: dict) -> str:
    """ACLED notes cite where the figures come from: our sources and incident id."""
    sources = "; ".join(row["sources"])
    return (f"Conflict Timeline incident {row['incident_id']}: {row['place']}, "
            f"{row['event_type'].replace('_', ' ')}. Sources: {sources}.")


def acled_rows(events: pd.DataFrame) -> list[dict]:
    """Events as ACLED rows: their column names and codes, `fatalities` our best figure (empty
    where no source gave one; ACLED would write 0), event_date the day ACLED's code reads
    back to our span (the first day, or the middle day of a span of a few days)."""
    out = []
    for row in events.to_dict("records"):
        code = _code("ACLED", "time_precision", row["date_precision"])
        day = (_middle(row["date_start"], row["date_end"]) if code == "2" else row["date"])
        out.append({
            "event_id_cnty": row["incident_id"], "event_date": day.isoformat(),
            "year": str(day.year), "time_precision": code,
            "event_type": _text(row["acled_event_type"]),
            "sub_event_type": _text(row["acled_sub_event_type"]),
            "actor1": _text(row["actor1"]), "actor2": _text(row["actor2"]),
            "iso": _iso_numeric(row["iso3"]), "country": _text(row["country"]),
            "admin1": _text(row["admin1"]), "admin2": _text(row["admin2"]),
            "location": _text(row["place"]), "latitude": _text(row["latitude"]),
            "longitude": _text(row["longitude"]),
            "geo_precision": _code("ACLED", "geo_precision", row["geo_precision"]),
            "source": "; ".join(row["sources"]), "notes": _notes(row),
            "fatalities": _text(row["killed_best"]), "timestamp": _epoch(row["last_reported"]),
            **_extension(row),
        })
    return out


def ucdp_rows(events: pd.DataFrame) -> list[dict]:
    """Events as UCDP GED rows: best/low/high our killed figures (empty where unknown),
    date_start/date_end our span, date_prec and where_prec by the crosswalk. `id` is our
    incident_id (UCDP's are integers); `type_of_violence` is empty, since our event types say
    by what means, not whether a state fought."""
    out = []
    for row in events.to_dict("records"):
        out.append({
            "id": row["incident_id"], "year": str(row["date"].year), "type_of_violence": "",
            "side_a": _text(row["actor1"]), "side_b": _text(row["actor2"]),
            "source_article": "; ".join(row["sources"]),
            "where_prec": _code("UCDP GED", "where_prec", row["geo_precision"]),
            "where_coordinates": _text(row["place"]), "where_description": _text(row["place"]),
            "adm_1": _text(row["admin1"]), "adm_2": _text(row["admin2"]),
            "latitude": _text(row["latitude"]), "longitude": _text(row["longitude"]),
            "country": _text(row["country"]),
            "date_prec": _code("UCDP GED", "date_prec", row["date_precision"]),
            "date_start": row["date_start"].isoformat(), "date_end": row["date_end"].isoformat(),
            "best": _text(row["killed_best"]), "high": _text(row["killed_high"]),
            "low": _text(row["killed_low"]), **_extension(row),
        })
    return out


def _extension(row: dict) -> dict[str, str]:
    return {"ct_event_type": _text(row["event_type"]), "ct_troops": _text(row["troops"])}


def _plain(value: object) -> object:
    """A cell as JSON: lists as arrays, dates and times as ISO text, nulls as null."""
    if hasattr(value, "tolist") and not isinstance(value, str | bytes):
        return [_plain(v) for v in value.tolist()]  # type: ignore[attr-defined]
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if _blank(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()  # type: ignore[attr-defined]
    return value


def geojson_text(events: pd.DataFrame) -> str:
    """A GeoJSON FeatureCollection (RFC 7946): one feature per incident, its point or a null
    geometry, every column but the WKB as properties."""
    features = []
    for row in events.drop(columns=["geometry"], errors="ignore").to_dict("records"):
        props = {k: _plain(v) for k, v in row.items()}
        lat, lon = props["latitude"], props["longitude"]
        geometry = None if lat is None or lon is None else {"type": "Point",
                                                            "coordinates": [lon, lat]}
        features.append({"type": "Feature", "id": props["incident_id"], "geometry": geometry,
                         "properties": props})
    return json.dumps({"type": "FeatureCollection", "features": features},
                      ensure_ascii=False) + "\n"


def flat_rows(events: pd.DataFrame) -> list[dict]:
    """Every column but the WKB, lists joined with "; ", dates and times as ISO text."""
    out = []
    for row in events.drop(columns=["geometry"], errors="ignore").to_dict("records"):
        flat = {}
        for k, v in row.items():
            value = _plain(v)
            flat[k] = ("; ".join(value) if isinstance(value, list)
                       else "" if value is None else str(value))
        out.append(flat)
    return out


def _csv_text(rows: list[dict], columns: list[str]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def _write(path: Path, text: str) -> None:
    """Write beside the target and rename, so a failed export leaves no half file."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None


def export(fmt: str, output: Path | str, version: str = "latest",
           root: Path | str | None = None) -> int:
    """Write a version's events as `fmt` (acled, ucdp, geojson or csv) to `output`; return
    the number of incidents written."""
    from .publish import load

    if fmt not in FORMATS:
        raise UsageError(f"unknown export format {fmt!r}: choose one of {', '.join(FORMATS)}")
    events = load("events", version, root)
    if fmt == "acled":
        text = _csv_text(acled_rows(events), ACLED_COLUMNS + EXTENSION_COLUMNS)
    elif fmt == "ucdp":
        text = _csv_text(ucdp_rows(events), UCDP_COLUMNS + EXTENSION_COLUMNS)
    elif fmt == "geojson":
        text = geojson_text(events)
    else:
        rows = flat_rows(events)
        text = _csv_text(rows, [c for c in events.columns if c != "geometry"])
    _write(Path(output), text)
    return len(events)


# --- import ----------------------------------------------------------------------------------


class _Table(NamedTuple):
    """A dataset's CSV export as read: the file's name, its header (trimmed, lower case) and its
    rows that are not blank, each the line it begins on and its fields, trimmed."""

    name: str
    header: list[str]
    rows: list[tuple[int, list[str]]]


def _read_table(path: Path, dataset: str, required: tuple[str, ...]) -> _Table:
    """A dataset's CSV export read as `build` reads a raw CSV file (`read._read_csv`), with the
    same strict CSV and the same refusals: InputError (exit 2), naming the file and line, for
    a file that cannot be read or decoded, an empty file, a duplicate column (which of the two
    would be meant?), a column the import needs missing, or a quote that is never closed or is
    followed by text (it would swallow the rows after it into one field). A row of more or
    fewer fields than the header is returned as read: `import_file` writes it for the build
    to quarantine, as the build quarantines such a row of a raw file."""
    name = path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(str(path), None, f"cannot read the file ({exc.strerror})") from None
    reader = csv.reader(io.StringIO(decode(data, name), newline=""), strict=True)
    try:
        fields = next(reader, None)
    except csv.Error as exc:
        raise InputError(name, 1, f"not a CSV header ({exc})") from None
    if fields is None:
        raise InputError(name, 1, "empty file: no header row")
    header = check_header(fields, name, required, dataset)  # as `build` checks a raw file's
    rows: list[tuple[int, list[str]]] = []
    start = reader.line_num + 1
    while True:
        try:
            fields = next(reader, None)
        except csv.Error as exc:
            where = "" if reader.line_num == start else (
                f": the row that begins here runs to line {reader.line_num} (a quote never closed?)")
            raise InputError(name, start, f"not valid CSV ({exc}){where}") from None
        if fields is None:
            return _Table(name, header, rows)
        line, start = start, reader.line_num + 1
        if any(v.strip() for v in fields):
            rows.append((line, [v.strip() for v in fields]))


def _carried(dataset: str, header: list[str], required: tuple[str, ...]) -> list[tuple[int, str]]:
    """The export's columns the import does not require, as (position, raw column): each is
    written under the dataset's name for it (`acled_event_type`), which no column of the raw
    contract or of ours bears, and the build keeps it in the report's `extra` (SPEC §3). Our
    own two columns are read into the report instead."""
    return [(i, f"{dataset}_{key}") for i, key in enumerate(header)
            if key not in required and key not in EXTENSION_COLUMNS]


# The raw file's column holding an export row that cannot be read as columns (`_malformed`).
MALFORMED_COLUMN = "coded_row"


def _malformed(dataset: str, table: _Table, line: int, fields: list[str], problem: str,
               id_column: str) -> list[str]:
    """An export row of more or fewer fields than its header, which cannot be read as columns
    (which field is missing or surplus cannot be known, so no value is taken for another's),
    as a record of three fields, report_id, source and MALFORMED_COLUMN, the first three of the
    raw file: fewer than its header, the build quarantines it as `malformed_row` (SPEC §5),
    and its raw JSON names these three correctly. The third holds the row as read (file, line,
    problem, fields), so that nothing of it is lost. The report_id is the field at the id
    column's place, which a missing or surplus field after it cannot move (the id is the
    first column of both datasets' exports)."""
    position = table.header.index(id_column)
    rid = fields[position] if position < len(fields) else ""
    row = {"file": table.name, "line": line, "problem": problem, "fields": fields}
    return [f"{dataset}:{rid}" if rid else "", DATASETS[dataset],
            json.dumps(row, ensure_ascii=False)]


def _day(text: str) -> dt.date | None:
    """A coded dataset's date: ISO (`2024-01-04`) or ACLED's older `04 January 2024`."""
    for fmt in ("%Y-%m-%d", "%d %B %Y", "%d-%B-%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _ours(dataset: str, field: str, code: str) -> str | None:
    return crosswalk().to_ours.get((dataset, field, code))


def _bad_code(dataset: str, field: str, code: str) -> str:
    """The text written in place of a value whose code the crosswalk does not know: it names
    the code, and the build quarantines the row with it as the message."""
    codes = sorted({k[2] for k in crosswalk().to_ours if k[:2] == (dataset, field)})
    return f"{dataset} {field} {code or '(empty)'} (not one of {', '.join(codes)})"


def _acled_date(row: dict[str, str]) -> str:
    """ACLED's event_date and time_precision → our date text: the day, the 7 days around it,
    or its calendar month (crosswalk.csv)."""
    precision = _ours("ACLED", "time_precision", row["time_precision"])
    day = _day(row["event_date"])
    if precision is None:
        return _bad_code("ACLED", "time_precision", row["time_precision"])
    if day is None or precision == "day":
        return day.isoformat() if day else row["event_date"]
    if precision == "month":  # its last day from the calendar: no date past 9999-12-31 is made
        last = calendar.monthrange(day.year, day.month)[1]
        return f"{day.replace(day=1).isoformat()}/{day.replace(day=last).isoformat()}"
    try:
        start, end = day - dt.timedelta(days=3), day + dt.timedelta(days=3)
    except OverflowError:
        # A week running off Python's calendar (within 3 days of 0001-01-01 or 9999-12-31) is
        # written as coded, as an event_date that cannot be read is: values are written as
        # coded and the build quarantines what it cannot use (here date_out_of_range, which
        # no week around such a day escapes).
        return row["event_date"]
    return f"{start.isoformat()}/{end.isoformat()}"


def _published(timestamp: str, date_text: str) -> str:
    """A coded row's publication time: ACLED's `timestamp` (when the row was last coded)
    when given, else the last day of the event's span (neither dataset says when a source
    published)."""
    # A timestamp that is no time (`²` or `١٧٠٤` are digits to str.isdigit, int() takes the
    # latter; 99999999999999999 lies past year 9999) is read as the code has always read a
    # blank or non-numeric one: as absent. It only stands in for the publication time (it
    # says when ACLED coded the row), so it is no reason to quarantine an event the row codes
    # well; its text is kept in the report's extra (`acled_timestamp`, `_carried`).
    if timestamp.isascii() and timestamp.isdecimal():
        with contextlib.suppress(OverflowError, OSError, ValueError):
            moment = dt.datetime.fromtimestamp(int(timestamp), dt.UTC)
            return moment.isoformat().replace("+00:00", "Z")
    return date_text.rsplit("/", 1)[-1]


def acled_to_raw(row: dict[str, str]) -> dict[str, str]:
    """One ACLED row → one raw report (SPEC §3) whose point and admin names the build uses."""
    sub = row["sub_event_type"]
    geo = _ours("ACLED", "geo_precision", row["geo_precision"])
    if geo == "admin1" and not row["admin1"]:
        geo = "country"  # a larger region with no province named: only the country is sure
    date_text = _acled_date(row)
    return {
        "report_id": f"acled:{row['event_id_cnty']}", "source": "ACLED",
        "published": _published(row.get("timestamp", ""), date_text),
        "event_type": row.get("ct_event_type") or _ours("ACLED", "sub_event_type", sub) or sub,
        "date": date_text, "place": row["location"], "country": row["country"],
        "actor1": row["actor1"], "actor2": row["actor2"], "killed": row["fatalities"],
        "troops": row.get("ct_troops", ""),
        "quote": row["notes"], "latitude": row["latitude"], "longitude": row["longitude"],
        "admin1": row["admin1"], "admin2": row["admin2"],
        "geo_precision": geo or _bad_code("ACLED", "geo_precision", row["geo_precision"]),
        "coded_sources": row["source"], "coded_event_type": sub,
        "coded_date_precision": row["time_precision"],
        "coded_geo_precision": row["geo_precision"],
    }


# GED's CSV writes a day as a timestamp at midnight: 2017-09-11 00:00:00.000
_MIDNIGHT = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T]00:00:00(?:\.0+)?$")


def ucdp_to_raw(row: dict[str, str]) -> dict[str, str]:
    """One UCDP GED row → one raw report: date_start/date_end as an interval, `best` as the
    figure (low and high kept in `extra`), type_of_violence through the crosswalk (or our
    event type, in an export of ours)."""
    violence = row["type_of_violence"]
    event_type = row.get("ct_event_type") or _ours("UCDP GED", "type_of_violence", violence)
    if not event_type:  # one-sided violence, or a code UCDP does not use
        meaning = "one-sided violence" if violence == "3" else "an unknown kind of violence"
        event_type = f"{meaning} (UCDP type_of_violence {violence or 'empty'})"
    start, end = (_MIDNIGHT.sub(r"\1", row[c]) for c in ("date_start", "date_end"))
    date_text = start if start == end or not end else f"{start}/{end}"
    if _ours("UCDP GED", "date_prec", row["date_prec"]) is None:
        date_text = _bad_code("UCDP GED", "date_prec", row["date_prec"])
    geo = _ours("UCDP GED", "where_prec", row["where_prec"])
    if row["where_prec"] == "5" and row["adm_1"]:
        geo = "admin1"  # a road or a region inside the province UCDP names: the province is sure
    return {
        "report_id": f"ucdp:{row['id']}", "source": "UCDP GED",
        "published": _published("", end or start), "event_type": event_type,
        "date": date_text, "place": row["where_coordinates"] or row.get("where_description", ""),
        "country": row["country"], "actor1": row["side_a"], "actor2": row["side_b"],
        "killed": row["best"], "troops": row.get("ct_troops", ""),
        "quote": row["source_article"], "latitude": row["latitude"],
        "longitude": row["longitude"], "admin1": row["adm_1"], "admin2": row["adm_2"],
        "geo_precision": geo or _bad_code("UCDP GED", "where_prec", row["where_prec"]),
        "coded_date_precision": row["date_prec"], "coded_geo_precision": row["where_prec"],
        "coded_low": row["low"], "coded_high": row["high"],
    }


class Imported(NamedTuple):
    """What `import_file` wrote: the raw file, its rows, and a note for each export row that
    could not be read as columns (written for the build to quarantine)."""

    path: Path
    rows: int
    notes: list[str]


def import_file(dataset: str, path: Path | str, raw: Path | str = DEFAULT_RAW) -> Imported:
    """Turn an ACLED or UCDP GED CSV export into `<raw>/<dataset>-<name>.csv` in the raw
    contract, one row per row of the export; return (the file written, its rows, notes).
    Rows are written as coded: a bad value (a latitude of 123, an unknown precision code) is
    the build's to quarantine, with a message naming it, and so is a row of more or fewer
    fields than the header (`malformed_row`, `_malformed`). A file that cannot be read as CSV
    stops the import (`_read_table`). The raw folder is immutable input, so an existing
    different file of the same name is an error, not overwritten."""
    if dataset not in DATASETS:
        raise UsageError(f"unknown dataset {dataset!r}: choose one of {', '.join(DATASETS)}")
    source = Path(path)
    required, convert, id_column = ((ACLED_REQUIRED, acled_to_raw, "event_id_cnty")
                                    if dataset == "acled" else (UCDP_REQUIRED, ucdp_to_raw, "id"))
    table = _read_table(source, DATASETS[dataset], required)
    carried = _carried(dataset, table.header, required)
    rows: list[dict[str, str] | list[str]] = []
    notes: list[str] = []
    for line, fields in table.rows:
        if len(fields) != len(table.header):
            problem = f"{len(fields)} fields, header has {len(table.header)}"
            rows.append(_malformed(dataset, table, line, fields, problem, id_column))
            notes.append(f"{table.name}:{line}: {problem}; written for the build to quarantine "
                         "(malformed_row)")
            continue
        row = convert(dict(zip(table.header, fields, strict=True)))
        rows.append({**row, **{column: fields[i] for i, column in carried}})
    columns = list(dict.fromkeys(c for r in rows if isinstance(r, dict) for c in r)) or RAW_HEADER
    if notes:  # the malformed rows' three fields are the file's first three columns
        columns = ["report_id", "source", MALFORMED_COLUMN,
                   *(c for c in columns if c not in ("report_id", "source"))]
    text = _raw_text(rows, columns)
    folder = Path(raw)
    target = folder / f"{dataset}-{source.stem}.csv"
    if target.exists() and target.read_text(encoding="utf-8", errors="replace") != text:
        raise UsageError(f"{target} exists with other rows; remove it or import into another "
                         "--raw folder (raw files are never overwritten)")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from None
    _write(target, text)
    return Imported(target, len(rows), notes)


def _raw_text(rows: list[dict[str, str] | list[str]], columns: list[str]) -> str:
    """The raw file: a row as a dict under the columns, a malformed one as its list of fields."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(r if isinstance(r, list) else [r.get(c, "") for c in columns] for r in rows)
    return buffer.getvalue()
