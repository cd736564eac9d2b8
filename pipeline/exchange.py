"""ACLED and UCDP in and out: exports of a version in other shapes, imports of coded datasets.

Analysts hold ACLED and UCDP GED files for the conflicts we cover and hand timelines to tools
that expect those shapes, GIS layers or a flat table. Export writes a published version's
events as an ACLED- or UCDP-shaped CSV, GeoJSON or flat CSV; import turns an ACLED or UCDP GED
export into a raw-contract file (SPEC §3) that `build` reads unchanged, its coordinates and
admin names used as given. How their precision codes and event types meet ours is data
(`pipeline/data/crosswalk.csv`), so the README's table and the code never disagree.
"""

from __future__ import annotations

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

import pandas as pd

from .config import DEFAULT_RAW, PACKAGE_DATA
from .errors import InputError, OutputError, UsageError

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
# What an import needs of each dataset's export (the rest of their columns go to `extra`).
ACLED_REQUIRED = ("event_id_cnty", "event_date", "time_precision", "sub_event_type", "actor1",
                  "actor2", "country", "admin1", "admin2", "location", "latitude", "longitude",
                  "geo_precision", "source", "notes", "fatalities")
UCDP_REQUIRED = ("id", "date_start", "date_end", "where_prec", "where_coordinates", "adm_1",
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


def _read_table(path: Path, dataset: str, required: tuple[str, ...]) -> list[dict[str, str]]:
    """The rows of a dataset's CSV export with trimmed lower-case keys; InputError (exit 2)
    for a file that cannot be read or lacks a column the import needs, naming both."""
    name = path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(str(path), None, f"cannot read the file ({exc.strerror})") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(name, line, f"not UTF-8 (byte 0x{data[exc.start]:02x})") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip().lower() for h in next(reader, [])]
    missing = [c for c in required if c not in header]
    if missing:
        raise InputError(name, 1, f"missing {dataset} column(s) {', '.join(missing)}")
    return [{k: v.strip() for k, v in zip(header, row, strict=False)}
            for row in reader if any(v.strip() for v in row)]


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
    if precision == "week":
        start, end = day - dt.timedelta(days=3), day + dt.timedelta(days=3)
    else:  # month
        start = day.replace(day=1)
        end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return f"{start.isoformat()}/{end.isoformat()}"


def _published(timestamp: str, date_text: str) -> str:
    """A coded row's publication time: ACLED's `timestamp` (when the row was last coded)
    when given, else the last day of the event's span (neither dataset says when a source
    published)."""
    if timestamp.isdigit():
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


def import_file(dataset: str, path: Path | str, raw: Path | str = DEFAULT_RAW) -> tuple[Path, int]:
    """Turn an ACLED or UCDP GED CSV export into `<raw>/<dataset>-<name>.csv` in the raw
    contract; return (the file written, its rows). Rows are written as coded: a bad value
    (a latitude of 123, an unknown precision code) is the build's to quarantine, with a
    message naming it. The raw folder is immutable input, so an existing different file of
    the same name is an error, not overwritten."""
    if dataset not in DATASETS:
        raise UsageError(f"unknown dataset {dataset!r}: choose one of {', '.join(DATASETS)}")
    source = Path(path)
    required, convert = ((ACLED_REQUIRED, acled_to_raw) if dataset == "acled"
                         else (UCDP_REQUIRED, ucdp_to_raw))
    rows = [convert(r) for r in _read_table(source, DATASETS[dataset], required)]
    columns = list(dict.fromkeys(c for r in rows for c in r)) or RAW_HEADER
    text = _csv_text(rows, columns)
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
    return target, len(rows)
