"""The contract of SPEC §3, §5 and §7 in one place: raw columns, vocabularies, reason codes, Arrow schemas."""

from __future__ import annotations

import pyarrow as pa

RAW_REQUIRED = ("report_id", "source", "published", "event_type", "date", "place")
RAW_OPTIONAL = (
    "source_url", "language", "country", "actor1", "actor2",
    "killed", "injured", "troops", "quote",
    # Where a source already located the event (ACLED, UCDP): used instead of geocoding.
    "latitude", "longitude", "admin1", "admin2", "geo_precision",
)
RAW_COLUMNS = RAW_REQUIRED + RAW_OPTIONAL
# Sources that are coded datasets (`conflict-timeline import`): their coders already merged
# the reports of an event, so two rows of one dataset are never one incident.
CODED_SOURCES = ("ACLED", "UCDP GED")

REASONS = (
    "missing_field", "malformed_row", "date_unparseable", "date_after_publication",
    "date_out_of_range", "place_unresolved", "place_ambiguous", "event_type_unknown", "invalid_count",
    "duplicate_report_id",
)
DATE_PRECISIONS = ("day", "days", "week", "month", "year")
GEO_PRECISIONS = ("point", "near", "admin2", "admin1", "country")
EVENT_TYPES = (
    "airstrike", "drone_strike", "drone_attack", "rocket_attack", "missile_attack",
    "artillery_shelling", "ied_attack", "armed_clash", "troop_presence",
    "troop_deployment", "troop_withdrawal",
)
TROOP_TYPES = ("troop_presence", "troop_deployment", "troop_withdrawal")

_s, _i, _f, _d = pa.string(), pa.int64(), pa.float64(), pa.date32()
_ts = pa.timestamp("us", tz="UTC")
# The point as WKB (GeoParquet 1.0.0, see geo.py), derived from latitude/longitude when the
# tables are written; last in both tables, so the columns before it keep their positions.
GEOMETRY_FIELD = ("geometry", pa.binary())

PLACE_FIELDS = [
    ("place", _s), ("admin1", _s), ("admin2", _s), ("country", _s), ("iso3", _s),
    ("latitude", _f), ("longitude", _f), ("geonames_id", _i), ("geo_precision", _s),
]
DATE_FIELDS = [("date", _d), ("date_start", _d), ("date_end", _d), ("date_precision", _s)]
EVENT_FIELDS = [("event_type", _s), ("acled_event_type", _s), ("acled_sub_event_type", _s)]

EVENTS = pa.schema(
    [("incident_id", _s)] + EVENT_FIELDS + DATE_FIELDS + PLACE_FIELDS
    + [("actor1", _s), ("actor2", _s)]
    + [(f"{c}_{b}", _i) for c in ("killed", "injured") for b in ("low", "best", "high")]
    + [("troops", _i), ("source_count", _i), ("sources", pa.list_(_s)),
       ("report_ids", pa.list_(_s)), ("first_reported", _ts), ("last_reported", _ts),
       ("independent_sources", _i), ("grade", _s), ("grade_reasons", pa.list_(_s)),
       GEOMETRY_FIELD]
)
GRADES = ("confirmed", "corroborated", "single_source", "contested")

REPORTS = pa.schema(
    [("report_id", _s), ("incident_id", _s), ("source", _s), ("source_url", _s),
     ("published", _ts), ("language", _s)]
    + [("raw_event_type", _s), ("raw_date", _s), ("raw_place", _s), ("raw_country", _s),
       ("raw_actor1", _s), ("raw_actor2", _s), ("raw_killed", _s), ("raw_injured", _s),
       ("raw_troops", _s)]
    + EVENT_FIELDS + DATE_FIELDS + PLACE_FIELDS
    + [("actor1", _s), ("actor2", _s)]
    + [(f"{c}_{b}", _i) for c in ("killed", "injured") for b in ("low", "high")]
    + [("troops", _i), ("quote", _s), ("extra", _s), ("input_file", _s), ("input_line", _i),
       ("date_method", _s), ("place_method", _s), ("event_type_method", _s), GEOMETRY_FIELD]
)

QUARANTINE = pa.schema(
    [("input_file", _s), ("input_line", _i), ("report_id", _s), ("reason", _s),
     ("message", _s), ("raw", _s)]
)

TABLES = {"events": EVENTS, "reports": REPORTS, "quarantine": QUARANTINE}
# Each version after the first: where every incident of its parent went (SPEC §7).
LINEAGE = pa.schema([("old_id", _s), ("new_id", _s), ("relation", _s)])
RELATIONS = ("kept", "absorbed", "split", "removed", "added")
PRIMARY_KEYS = {"events": ["incident_id"], "reports": ["report_id"],
                "quarantine": ["input_file", "input_line"]}
