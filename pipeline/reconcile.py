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
import statistics
from dataclasses import dataclass, field
from datetime import date, timedelta

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
    members: list[int] = field(default_factory=list)


def _coarse(precision: str, geo: str) -> bool:
    return precision in ("month", "year") or geo == "country"


def _places_fit(inc: _Incident, geo: str, admin1: str | None, lat: float, lon: float) -> bool:
    """Same or nested places: near each other, or one is the admin1/country holding the other."""
    if inc.geo == "country" or geo == "country":
        return True
    if inc.geo in ("admin1", "admin2") or geo in ("admin1", "admin2"):
        return inc.admin1 is not None and inc.admin1 == admin1
    if any(math.isnan(v) for v in (inc.lat, inc.lon, lat, lon)):
        return inc.admin1 == admin1
    return _km(inc.lat, inc.lon, lat, lon) <= NEAR_KM


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
        coarse_=[_coarse(p, g) for p, g in zip(reports["date_precision"], reports["geo_precision"],
                                                strict=True)],
    )
    order = df.sort_values(["coarse_", "date_start", "published", "report_id"], kind="stable")
    incidents: list[_Incident] = []
    by_day: dict[tuple, list[_Incident]] = {}
    waiting = []
    for pos, r in zip(order.index, order.itertuples(index=False), strict=True):
        # Only the sides of actors we know decide between strikes; free text never splits them.
        side = sides.get(r.actor1) if isinstance(r.actor1, str) else None
        admin1 = r.admin1 if isinstance(r.admin1, str) else None
        troops = r.family_ == "troops"
        block = (r.iso3, r.family_) + ((side, r.date_start, r.date_end) if troops else ())
        fits = _fits(by_day, block, r, admin1, side)
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
        _join(chosen, pos, r, block, admin1, side, incidents, by_day)
    coarse_by_day: dict[tuple, list[_Incident]] = {}
    for pos, r, block, admin1, side, ambiguous in waiting:
        fits = [] if ambiguous else _fits(coarse_by_day, block, r, admin1, side)
        chosen = min(fits, key=lambda inc: inc.seq) if fits else None
        _join(chosen, pos, r, block, admin1, side, incidents, coarse_by_day)
    ids = pd.Series(index=reports.index, dtype=object)
    for inc in incidents:
        members = df.loc[inc.members].sort_values(["published", "report_id"], kind="stable")
        ids.loc[inc.members] = incident_id(members["report_id"].iloc[0])
    return ids


def _fits(by_day: dict, block: tuple, r, admin1: str | None,  # noqa: ANN001
          side: str | None) -> list[_Incident]:
    """Incidents of the same block whose dates overlap the report's and whose places nest."""
    seen: dict[int, _Incident] = {}
    day = r.date_start
    while day <= r.date_end:
        for inc in by_day.get(block + (day,), ()):
            seen.setdefault(inc.seq, inc)
        day += timedelta(days=1)
    return [inc for _, inc in sorted(seen.items())
            if inc.start <= r.date_end and r.date_start <= inc.end
            and _places_fit(inc, r.geo_precision, admin1, r.latitude, r.longitude)
            and (r.family_ != "strike" or not (inc.side and side and inc.side != side))]


def _join(chosen: _Incident | None, pos: int, r, block: tuple,  # noqa: ANN001
          admin1: str | None, side: str | None, incidents: list[_Incident],
          by_day: dict) -> None:
    """Add the report to `chosen`, or to a new incident when None."""
    if chosen is None:
        chosen = _Incident(block, r.date_start, r.date_end, r.geo_precision, admin1,
                           r.latitude, r.longitude, side, len(incidents))
        incidents.append(chosen)
        day = r.date_start
        while day <= r.date_end:
            by_day.setdefault(block + (day,), []).append(chosen)
            day += timedelta(days=1)
    else:
        # Narrow the incident to the more precise date and place as reports arrive.
        if (r.date_end - r.date_start) < (chosen.end - chosen.start):
            chosen.start, chosen.end = r.date_start, r.date_end
        if GEO_RANK[r.geo_precision] < GEO_RANK[chosen.geo]:
            chosen.geo, chosen.admin1 = r.geo_precision, admin1
            chosen.lat, chosen.lon = r.latitude, r.longitude
        chosen.side = chosen.side or side
    chosen.members.append(pos)


def _median_low(values: list[int]) -> int | None:
    return int(statistics.median_low(values)) if values else None


def _most_common(values: pd.Series) -> object:
    """The most frequent non-null value; ties go to the earliest report (values come ordered)."""
    values = values.dropna()
    if values.empty:
        return None
    counts = values.value_counts(sort=False)
    best = counts.max()
    return next(v for v in values if counts[v] == best)


def figure_bounds(lows: list, highs: list) -> tuple[int | None, int | None, int | None]:
    """(low, best, high) of one figure across sources.

    low = the lowest lower bound; high = the highest figure any source gave, when at least
    one source gave an upper bound (else open); best = the median (low half) of the sources'
    stated figures (exact values and lower bounds), kept inside [low, high].
    """
    lo = [int(v) for v in lows if v is not None and not pd.isna(v)]
    hi = [int(v) for v in highs if v is not None and not pd.isna(v)]
    low = min(lo) if lo else None
    high = max(hi + lo) if hi else None
    best = _median_low(lo)
    if best is not None:
        best = max(best, low) if low is not None else best
        best = min(best, high) if high is not None else best
    return low, best, high


def build_events(reports: pd.DataFrame) -> pd.DataFrame:
    """One row per incident from reports that carry `incident_id` (SPEC §7 events columns)."""
    vocab = vocabulary()
    rows = []
    ordered = reports.sort_values(["incident_id", "published", "report_id"], kind="stable")
    for iid, g in ordered.groupby("incident_id", sort=True):
        spans = (g["date_end"] - g["date_start"]).map(lambda d: d.days)
        when = g.loc[spans.sort_values(kind="stable").index[0]]
        where = g.loc[g["geo_precision"].map(GEO_RANK).sort_values(kind="stable").index[0]]
        kinds = g["event_type"].map(lambda t: -vocab[t].specificity)
        top = g[kinds == kinds.min()]["event_type"]
        event_type = _most_common(top)
        et = vocab[str(event_type)]
        killed = figure_bounds(g["killed_low"].tolist(), g["killed_high"].tolist())
        injured = figure_bounds(g["injured_low"].tolist(), g["injured_high"].tolist())
        troops = [int(v) for v in g["troops"] if not pd.isna(v)]
        rows.append({
            "incident_id": iid, "event_type": et.event_type,
            "acled_event_type": et.acled_event_type,
            "acled_sub_event_type": et.acled_sub_event_type,
            "date": when["date"], "date_start": when["date_start"], "date_end": when["date_end"],
            "date_precision": when["date_precision"],
            **{c: where[c] for c in ("place", "admin1", "admin2", "country", "iso3", "latitude",
                                     "longitude", "geonames_id", "geo_precision")},
            "actor1": _most_common(g["actor1"]), "actor2": _most_common(g["actor2"]),
            "killed_low": killed[0], "killed_best": killed[1], "killed_high": killed[2],
            "injured_low": injured[0], "injured_best": injured[1], "injured_high": injured[2],
            "troops": _median_low(troops),
            "source_count": int(g["source"].nunique()),
            "sources": sorted(set(g["source"])),
            "report_ids": g["report_id"].tolist(),
            "first_reported": g["published"].min(), "last_reported": g["published"].max(),
        })
    return pd.DataFrame(rows)
