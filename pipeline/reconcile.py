"""Reports → incidents: one row per real-world event, keeping every source's figures.

Matching (SPEC §6): reports are blocked by country and event family, then joined when
their date spans overlap and their places nest or lie within `NEAR_KM`. Precise reports
(a day or a few days, a town or closer) are placed first; a coarse one (a month, a whole
country) joins an incident only when exactly one fits, otherwise it stands alone.

`incident_id` is derived from the incident's earliest report (by publication time, then
report_id), never from merged values, so it survives rebuilds and later reports.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import NamedTuple

import pandas as pd

from .events import actor_sides, vocabulary
from .places import NEAR_KM, _km

GEO_RANK = {"point": 0, "near": 1, "admin2": 2, "admin1": 3, "country": 4}


def incident_id(report_id: str) -> str:
    """The stable id of the incident whose earliest report is `report_id`."""
    return "ct-" + hashlib.sha256(report_id.encode("utf-8")).hexdigest()[:12]


@dataclass
class _Incident:
    block: tuple
    start: date
    end: date
    geo: str
    admin1: str | None
    lat: float
    lon: float
    side: str | None
    seq: int
    event_type: str
    members: list[int] = field(default_factory=list)
    other_days: set[date] = field(default_factory=set)  # of reports that joined a day off


def _coarse(precision: str, geo: str) -> bool:
    return precision in ("month", "year") or geo == "country"


_NEAR_DEGREES = NEAR_KM / 111.0


def _places_fit(inc: _Incident, geo: str, admin1: str | None, lat: float, lon: float) -> bool:
    """Same or nested places: near each other, or one is the admin1/country holding the other."""
    if inc.geo == "country" or geo == "country":
        return True
    if inc.geo in ("admin1", "admin2") or geo in ("admin1", "admin2"):
        return inc.admin1 is not None and inc.admin1 == admin1
    if inc.lat != inc.lat or lat != lat:  # NaN: no point to measure
        return inc.admin1 == admin1
    if abs(inc.lat - lat) > _NEAR_DEGREES:  # farther north-south alone than NEAR_KM
        return False
    return _km(inc.lat, inc.lon, lat, lon) <= NEAR_KM


class _Row(NamedTuple):
    family_: str
    event_type: str
    coarse_: bool
    iso3: str
    actor1: object
    admin1: object
    geo_precision: str
    date_start: date
    date_end: date
    latitude: float
    longitude: float


_FIELDS = _Row._fields


def _rows(frame: pd.DataFrame) -> Iterator[_Row]:
    """Rows as light tuples: whole columns are converted once (iterating Arrow-backed
    columns value by value is slow)."""
    return map(_Row._make, zip(*(frame[c].tolist() for c in _FIELDS), strict=True))


def assign_incidents(reports: pd.DataFrame) -> pd.Series:
    """The incident_id of every report (index-aligned). Deterministic for a given set of reports.

    Three passes: precise reports form incidents; each coarse report joins the one precise
    incident that fits (none or several: it waits); the coarse reports left then group
    among themselves.
    """
    families = {k: v.family for k, v in vocabulary().items()}
    sides = actor_sides()
    df = reports.assign(
        family_=reports["event_type"].map(families),
        coarse_=[_coarse(p, g) for p, g in zip(reports["date_precision"].tolist(),
                                                reports["geo_precision"].tolist(), strict=True)],
    )
    order = df.sort_values(["coarse_", "date_start", "published", "report_id"], kind="stable")
    incidents: list[_Incident] = []
    by_day: dict[tuple, list[_Incident]] = {}
    waiting = []
    for pos, r in zip(order.index, _rows(order), strict=True):
        # Only the sides of actors we know decide between strikes; free text never splits them.
        side = sides.get(r.actor1) if isinstance(r.actor1, str) else None
        admin1 = r.admin1 if isinstance(r.admin1, str) else None
        troops = r.family_ == "troops"
        block = (r.iso3, r.family_) + ((side, r.date_start, r.date_end) if troops else ())
        fits = _fits(by_day, block, r, admin1, side)
        off_day = not fits
        fits = fits or _adjacent(by_day, block, r, admin1, side)
        if not r.coarse_:
            chosen = min(fits, key=lambda inc: (
                abs((inc.start - r.date_start).days), GEO_RANK[inc.geo],
                0.0 if math.isnan(inc.lat) or math.isnan(r.latitude)
                else _km(inc.lat, inc.lon, r.latitude, r.longitude), inc.seq)) if fits else None
        elif len(fits) == 1:
            chosen = fits[0]
        else:
            waiting.append((pos, r, block, admin1, side, len(fits) > 1))
            continue
        _join(chosen, pos, r, block, admin1, side, incidents, by_day, off_day)
    coarse_by_day: dict[tuple, list[_Incident]] = {}
    for pos, r, block, admin1, side, ambiguous in waiting:
        fits = [] if ambiguous else _fits(coarse_by_day, block, r, admin1, side)
        off_day = not fits
        fits = fits or ([] if ambiguous else _adjacent(coarse_by_day, block, r, admin1, side))
        chosen = min(fits, key=lambda inc: inc.seq) if fits else None
        _join(chosen, pos, r, block, admin1, side, incidents, coarse_by_day, off_day)
    seq = pd.Series([inc.seq for inc in incidents for _ in inc.members],
                    index=[pos for inc in incidents for pos in inc.members])
    firsts = (df[["published", "report_id"]].assign(seq=seq)
              .sort_values(["seq", "published", "report_id"], kind="stable")
              .drop_duplicates("seq"))
    names = dict(zip(firsts["seq"], map(incident_id, firsts["report_id"]), strict=True))
    return seq.reindex(reports.index).map(names).astype(object)


def _fits(by_day: dict, block: tuple, r, admin1: str | None,  # noqa: ANN001
          side: str | None, slack: int = 0) -> list[_Incident]:
    """Incidents of the same block whose dates overlap the report's (widened by `slack`
    days) and whose places nest."""
    seen: dict[int, _Incident] = {}
    start, end = r.date_start - timedelta(days=slack), r.date_end + timedelta(days=slack)
    day = start
    while day <= end:
        for inc in by_day.get(block + (day,), ()):
            seen.setdefault(inc.seq, inc)
        day += timedelta(days=1)
    return [inc for _, inc in sorted(seen.items())
            if (inc.start <= end and start <= inc.end)
            or any(start <= d <= end for d in inc.other_days)
            and _places_fit(inc, r.geo_precision, admin1, r.latitude, r.longitude)
            and (r.family_ != "strike" or not (inc.side and side and inc.side != side))]


def _adjacent(by_day: dict, block: tuple, r, admin1: str | None,  # noqa: ANN001
              side: str | None) -> list[_Incident]:
    """The one incident a day before or after a report dated to a day or a few.

    Outlets disagree by a day about late-night events and across time zones ("Friday" in
    Washington is Saturday in Baghdad): a single adjacent-day incident that fits is that
    event when it has the same event type (and, for a country-level report, the same side);
    two are look-alikes, and the report stands alone. Troop counts never move.
    """
    if r.family_ == "troops" or (r.date_end - r.date_start).days > 6:
        return []
    one = timedelta(days=1)
    fits = [inc for inc in _fits(by_day, block, r, admin1, side, slack=1)
            if inc.event_type == r.event_type and (not r.coarse_ or (side and inc.side == side))
            and inc.start - one <= r.date_end and r.date_start <= inc.end + one]  # no chains
    return fits if len(fits) == 1 else []


def _join(chosen: _Incident | None, pos: int, r, block: tuple,  # noqa: ANN001
          admin1: str | None, side: str | None, incidents: list[_Incident],
          by_day: dict, off_day: bool = False) -> None:
    """Add the report to `chosen`, or to a new incident when None. A report that joined a
    day off (`_adjacent`) makes its day one the incident can be found by."""
    if chosen is None:
        chosen = _Incident(block, r.date_start, r.date_end, r.geo_precision, admin1,
                           r.latitude, r.longitude, side, len(incidents), r.event_type)
        incidents.append(chosen)
        day = r.date_start
        while day <= r.date_end:
            by_day.setdefault(block + (day,), []).append(chosen)
            day += timedelta(days=1)
    else:
        if off_day:
            day = r.date_start
            while day <= r.date_end:
                if day not in chosen.other_days and not chosen.start <= day <= chosen.end:
                    chosen.other_days.add(day)
                    by_day.setdefault(block + (day,), []).append(chosen)
                day += timedelta(days=1)
        # Narrow the incident to the more precise date and place as reports arrive.
        if (r.date_end - r.date_start) < (chosen.end - chosen.start):
            chosen.start, chosen.end = r.date_start, r.date_end
        if GEO_RANK[r.geo_precision] < GEO_RANK[chosen.geo]:
            chosen.geo, chosen.admin1 = r.geo_precision, admin1
            chosen.lat, chosen.lon = r.latitude, r.longitude
        chosen.side = chosen.side or side
    chosen.members.append(pos)


def _first_by(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Per incident, the first row after sorting by `keys` (ties: earliest report)."""
    ordered = df.sort_values(["incident_id", *keys, "_order"], kind="stable")
    return ordered.drop_duplicates("incident_id").set_index("incident_id")


def _median_low(df: pd.DataFrame, column: str) -> pd.Series:
    """Per incident, the lower median of a column's non-null values (statistics.median_low)."""
    vals = df.loc[df[column].notna(), ["incident_id", column]].sort_values(
        ["incident_id", column], kind="stable")
    size = vals.groupby("incident_id")[column].transform("size")
    rank = vals.groupby("incident_id").cumcount()
    return vals[rank == (size - 1) // 2].set_index("incident_id")[column]


def _most_common(df: pd.DataFrame, column: str, rank: pd.Series | None = None) -> pd.Series:
    """Per incident, the most frequent non-null value; ties go to the earliest report."""
    vals = df.loc[df[column].notna(), ["incident_id", column, "_order"]]
    if rank is not None:
        vals = vals.assign(_rank=rank.loc[vals.index])
    stats = vals.groupby(["incident_id", column], sort=False).agg(
        n=("_order", "size"), first=("_order", "min")).reset_index()
    keys, asc = ["incident_id", "n", "first"], [True, False, True]
    if rank is not None:
        stats["_rank"] = stats[column].map(dict(zip(vals[column], vals["_rank"], strict=False)))
        keys, asc = ["incident_id", "_rank", "n", "first"], [True, True, False, True]
    best = stats.sort_values(keys, ascending=asc, kind="stable").drop_duplicates("incident_id")
    return best.set_index("incident_id")[column]


def _lists(df: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Per incident, its sorted distinct sources and its report ids in report order.

    One pass over sorted columns: much faster than a groupby with a Python function per group.
    """
    ordered = df.sort_values(["incident_id", "_order"], kind="stable")
    keys, sources, reports = (ordered[c].tolist() for c in ("incident_id", "source", "report_id"))
    index, src, rep = [], [], []
    start = 0
    for end in range(1, len(keys) + 1):
        if end == len(keys) or keys[end] != keys[start]:
            index.append(keys[start])
            src.append(sorted(set(sources[start:end])))
            rep.append(reports[start:end])
            start = end
    return (pd.Series(src, index=index, dtype=object), pd.Series(rep, index=index, dtype=object))


def build_events(reports: pd.DataFrame) -> pd.DataFrame:
    """One row per incident from reports that carry `incident_id` (SPEC §7 events columns).

    Date from the narrowest span, place from the most precise report, event type the most
    specific (then most frequent), actors the most frequent; figures:
    low = lowest lower bound, high = highest figure given when any source gave an upper
    bound, best = lower median of the stated figures (exact values and lower bounds).
    """
    vocab = vocabulary()
    df = reports.sort_values(["published", "report_id"], kind="stable").reset_index(drop=True)
    df["_order"] = range(len(df))
    df["_span"] = [(e - s).days for s, e in zip(df["date_start"], df["date_end"], strict=True)]
    df["_geo"] = df["geo_precision"].map(GEO_RANK)
    when = _first_by(df, ["_span"])
    where = _first_by(df, ["_geo"])
    event_type = _most_common(df, "event_type",
                              rank=-df["event_type"].map(lambda t: vocab[t].specificity))
    events = pd.DataFrame(index=when.index)
    events["event_type"] = event_type
    events["acled_event_type"] = events["event_type"].map(lambda t: vocab[t].acled_event_type)
    events["acled_sub_event_type"] = events["event_type"].map(
        lambda t: vocab[t].acled_sub_event_type)
    for c in ("date", "date_start", "date_end", "date_precision"):
        events[c] = when[c]
    for c in ("place", "admin1", "admin2", "country", "iso3", "latitude", "longitude",
              "geonames_id", "geo_precision"):
        events[c] = where[c]
    events["actor1"] = _most_common(df, "actor1")
    events["actor2"] = _most_common(df, "actor2")
    groups = df.groupby("incident_id", sort=True)
    for figure in ("killed", "injured"):
        low, high = f"{figure}_low", f"{figure}_high"
        events[low] = groups[low].min()
        stated = df[[low, high]].max(axis=1)
        any_high = groups[high].count() > 0
        events[high] = stated.groupby(df["incident_id"]).max().where(any_high)
        best = _median_low(df, low).reindex(events.index)
        best = best.where(best.isna() | events[low].isna(), best.clip(lower=events[low]))
        events[f"{figure}_best"] = best.where(best.isna() | events[high].isna(),
                                              best.clip(upper=events[high]))
    events["troops"] = _median_low(df, "troops")
    sources, report_ids = _lists(df)
    events["sources"] = sources
    events["source_count"] = events["sources"].map(len)
    events["report_ids"] = report_ids
    events["first_reported"] = groups["published"].min()
    events["last_reported"] = groups["published"].max()
    return events.reset_index()
