"""Reports → incidents: one row per real-world event, keeping every source's figures.

The grain (SPEC §6, as ACLED codes): one incident is one event: one place, one local day
(or the span the sources allow), one attacker. Matching:

- Reports are blocked by country and event family; two reports join only when their date
  spans overlap (two reports that both write out the calendar day and name different days
  never join) and their places nest. A report of one place a day off joins the one incident
  at its place only from another frame (`_adjacent`, `_Frames`): two time zones name one
  moment a day apart, but one language's reports of one publication day that name two days
  name two days ("for the second consecutive day"), unless a clock time puts the moment by
  midnight at the place.
- Two *precise* places (`point`/`near`) nest only when they are the same place: the same
  GeoNames id, or, where one has none (a curated site, a Who's On First village), points
  within `SAME_PLACE_KM`, or two ids whose names are spelled alike (`SAME_NAME_SCORE`) at
  points within `SAME_PLACE_KM` (GeoNames holds some villages twice), but never a camp and
  the town it is named after (Jenin Camp, Jenin); or when one is a part of the other (a city
  quarter written `City-Quarter`, `Quarter, City` inside that city; a municipality of
  Beirut's southern suburbs inside them, `data/place_parts.csv`).
  Two quarters of one city, or two villages 30 km apart, are two incidents.
- A *coarse* report (a district, a province, a country, a month) or a report that names a
  whole town where several of its parts were hit joins an incident only when exactly one
  fits (a located one; when none is, the one at a place we could not locate); otherwise it
  stands alone. A coarse report whose text wrote another day than its
  local one ("jeudi 26 octobre (vendredi au Moyen-Orient)": `dates.written_days`) that no
  incident of its local day fits may be of the one incident of the day it wrote: the two
  are one moment, and other reports may have written that day too.
- A report of several places at once (`list_admin1`, `list_country`: a strike wave, "8
  targets in Yemen") is no single place's incident: reports of one wave (one unit at one
  precision, or the same two places named at any precision; one day, or one a day off as
  `_adjacent` allows; one attacker) are one incident, which a coarse report of a scope one
  of its reports gave may join. A report of a place the gazetteer cannot locate joins the
  one incident of its day, unit and attacker whose reports write that place's name, or
  failing that write it as one word of a longer name ("Aita" of "Aita al-Jabal"), or the
  name of the family whose home it was (`_named_incident`: the name is the place, located or
  not), and otherwise stands alone.
- Reports whose attackers are both known and differ (neither an umbrella of the other, as
  `data/actor_umbrellas.csv` says) are two incidents.

Precise reports are placed first. Each report is compared only with the incidents of its
own block and days (`by_day`), and a precise one only with those in the one to four grid
cells around its town's point (`_register`, `_fits`): the work is O(reports × days of the
report's span × incidents at its spot), so a dense front line's day costs a few dictionary
look-ups per report, not a scan of the day's incidents. A coarse report scans its day's
incidents of its block (there are few coarse reports, and they must see them all).

`incident_id` is derived from the incident's earliest report (by publication time, then
report_id), never from merged values, so it survives rebuilds and later reports.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .dates import STATED, day_numbers, written_days
from .events import actor_sides, actor_umbrellas, distinct_results, same_attacker, vocabulary
from .geo import km
from .grade import grade_events
from .places import (
    area_of,
    fold,
    parent_town,
    place_name_words,
    place_names,
    translit,
    unlocated_name,
)
from .schema import CODED_SOURCES

# Incidents cluster on a few towns and bases, so the same pairs of points are measured
# again and again (913,000 distances among 1M synthetic reports).
_distance = lru_cache(maxsize=1 << 16)(km)

GEO_RANK = {"point": 0, "near": 1, "admin2": 2, "admin1": 3, "country": 4}
# Two geocodings of one place where one source has no GeoNames id (a Who's On First village, a
# curated site) lie this close; neighbouring villages of a dense front lie farther apart (the
# villages of south Lebanon's border strip are 2-4 km apart).
SAME_PLACE_KM = 1.5
# GeoNames holds some villages twice under two spellings (Khirbit Silim 7869887 and Khirbet Selm
# 272376, 170 m apart): two ids are one place when their names' transliteration keys score this
# much (rapidfuzz ratio) and their points lie within SAME_PLACE_KM. A town and the camp named
# after it (Jabalya / Jabalya Camp: 78; Jenin / Jenin Camp, whichever has no GeoNames id) or
# twin villages (Nabatiye el Faouqa / et Tahta: 80, 1.8 km apart) stay two places.
SAME_NAME_SCORE = 90.0
# Place methods whose record names a part of a town (the town's point, the part in `place`).
PART_METHODS = ("city_district", "part_of")
# Place methods that publish the unit holding a place the gazetteer could not locate (or one
# of several): such a report names a particular place, so it is not a coarse report of any
# incident in that unit, and it stands alone.
UNLOCATED = ("context", "unlocated", "homonym_admin1", "list_admin1", "list_country",
             "distance_admin1", "distance_country", "road_admin1", "road_country")
# Of those, the methods of a place the text names but we could not locate (not of a distance
# from a town, nor of a road between two): its name may be the name another report of the
# incident writes (`_named_incident`).
NAMED = ("context", "unlocated", "homonym_admin1")
# Of those, the reports of several places at once (a strike wave: "8 targets in Yemen", "Abu
# Kamal and Mayadin"): no single place's incident, but two reports of one wave (the same unit,
# day and attacker) are one incident, at the unit's precision.
LISTS = ("list_admin1", "list_country")


def _bases(frame: pd.DataFrame) -> pd.DataFrame:
    """Per report, the town or site its place is (`base_gid_`, `base_lat_`, `base_lon_`), the
    part of it (`part_`, "" for the whole) and a whole place's name key (`name_`, for the
    duplicates of `SAME_NAME_SCORE`): a City-District record is its city's point
    with the part in its text; a quarter, base or airport of the gazetteer lies in its town
    (`places.parent_town`), and a part of a quarter in that quarter (`places.area_of`:
    `Dahiyeh›Haret Hreik`). Each distinct place is looked up once."""
    columns = ["place", "latitude", "longitude", "geonames_id", "place_method", "geo_precision"]
    codes = group_codes(frame, columns)
    first = np.unique(codes, return_index=True)[1]  # a row of each distinct place, by code
    out = []
    for place, lat, lon, gid, method, precision in zip(
            *(frame[c].take(first).tolist() for c in columns), strict=True):
        gid = None if gid is None or gid != gid else int(gid)
        if precision not in ("point", "near") or not isinstance(place, str):
            out.append((gid, lat, lon, "", ""))
        elif method in PART_METHODS:  # the city written before the part, or the part's own town
            town = parent_town(place.split(", ")[0], lat, lon)
            out.append((town[0], town[1], town[2], place, "") if town
                       else (gid, lat, lon, place, ""))
        elif (area := area_of(place, lat, lon)) is not None and (
                town := parent_town(*area)) is not None:  # Haret Hreik: Beirut's, in Dahiyeh
            out.append((town[0], town[1], town[2], f"{area[0]}{PART_OF}{place}", ""))
        else:
            town = parent_town(place, lat, lon)
            out.append((town[0], town[1], town[2], place, "") if town
                       else (gid, lat, lon, "", translit(fold(place))))
    table = pd.DataFrame(out, columns=["base_gid_", "base_lat_", "base_lon_", "part_", "name_"])
    return table.iloc[codes].set_index(frame.index)


def group_codes(frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """One integer per distinct combination of the columns' values (nulls included), numbered
    0..n-1: each column factorized alone, the codes combined pairwise (faster than pandas'
    groupby over many object columns)."""
    code = np.zeros(len(frame), dtype=np.int64)
    for c in columns:
        codes, uniques = pd.factorize(frame[c], use_na_sentinel=False)
        code = pd.factorize(code * (len(uniques) + 1) + codes, sort=False)[0]
    return code


_NONE: frozenset = frozenset()


def incident_id(report_id: str) -> str:
    """The stable id of the incident whose earliest report is `report_id`."""
    return "ct-" + hashlib.sha256(report_id.encode("utf-8")).hexdigest()[:12]


@dataclass(slots=True)
class _Incident:
    """An incident as matching builds it. Slotted, and its two sets are shared empty ones
    until a report adds to them: a million reports make 170,000 to 300,000 incidents, each
    of which held an attribute dict and two empty sets. With `_rows` in slices, the long
    tail's million reports peaked at 2,204 MiB reconciling against 2,448 before
    (`python -m benchmarks.stage_memory long_tail 1000000`)."""

    block: tuple
    start: date
    end: date
    geo: str
    admin1: str | None
    admin2: str | None
    lat: float
    lon: float
    gid: int | None  # GeoNames id of its town (or site)
    base_lat: float  # the point of its town (or site)
    base_lon: float
    part: str  # the part of the town it is in ("" for the town itself)
    name: str  # the name key of a whole place ("" for a part or a coarse place)
    side: str | None
    actor: str | None  # its attacker, when a known actor
    seq: int
    event_type: str
    stated: bool  # a member's source wrote the calendar day itself
    members: list[int] = field(default_factory=list)
    other_days: frozenset[date] | set[date] = _NONE  # of reports that joined a day off
    datasets: frozenset[str] | set[str] = _NONE  # coded datasets among its reports


def _coarse(precision: str, geo: str) -> bool:
    return precision in ("month", "year") or geo in ("country", "admin1", "admin2")


_SAME_DEGREES = SAME_PLACE_KM / 111.0


def _places_fit(inc: _Incident, r) -> bool:  # noqa: ANN001
    """Same or nested places (module docstring): one holds the other, or both are precise and
    the same place, or one is a part of the other."""
    if inc.geo == "country" or r.geo_precision == "country":
        return True
    admin1 = r.admin1 if isinstance(r.admin1, str) else None
    if inc.geo in ("admin1", "admin2") or r.geo_precision in ("admin1", "admin2"):
        if inc.admin1 is None or inc.admin1 != admin1:
            return False
        admin2 = r.admin2 if isinstance(r.admin2, str) else None
        both = inc.geo == "admin2" and r.geo_precision in ("admin2", "point", "near") or (
            r.geo_precision == "admin2" and inc.geo in ("point", "near"))
        return not (both and inc.admin2 and admin2 and inc.admin2 != admin2)
    return _same_base(inc, r) and (inc.part == r.part_ or not inc.part or not r.part_
                                   or _within(inc.part, r.part_) or _within(r.part_, inc.part))


PART_OF = "›"  # a part's path in its town: `Dahiyeh›Haret Hreik`


def _within(part: str, whole: str) -> bool:
    """The part of a town is the whole's or inside it ("" is the whole town)."""
    return not whole or part == whole or part.startswith(whole + PART_OF)


def _depth(part: str) -> int:
    return part.count(PART_OF) + 1 if part else 0


def _same_base(inc: _Incident, r) -> bool:  # noqa: ANN001
    """The same town or site: one GeoNames id, or (where one has none, or the two names are
    one spelled twice) one spot."""
    gid = r.base_gid_ if r.base_gid_ == r.base_gid_ else None  # NaN → None
    if inc.gid is not None and gid is not None:
        if inc.gid == gid:
            return True
        if not (inc.name and r.name_ and _alike(inc.name, r.name_)):
            return False
    if inc.name and r.name_ and inc.name.endswith("camp") != r.name_.endswith("camp"):
        return False  # a town and the camp named after it: Jabalya and Jabalya Camp, 430 m apart
    if inc.base_lat != inc.base_lat or r.base_lat_ != r.base_lat_:  # NaN: no point to measure
        return False
    if abs(inc.base_lat - r.base_lat_) > _SAME_DEGREES:
        return False
    return _distance(inc.base_lat, inc.base_lon, r.base_lat_, r.base_lon_) <= SAME_PLACE_KM


@lru_cache(maxsize=1 << 14)
def _alike(a: str, b: str) -> bool:
    from rapidfuzz import fuzz

    return fuzz.ratio(a, b) >= SAME_NAME_SCORE


class _Row(NamedTuple):
    family_: str
    event_type: str
    side_: object
    actor_: object
    coarse_: bool
    stated_: bool
    iso3: str
    admin1: object
    admin2: object
    geo_precision: str
    base_gid_: object
    base_lat_: float
    base_lon_: float
    part_: str
    name_: str
    date_start: date
    date_end: date
    latitude: float
    longitude: float
    alone_: str
    named_: bool
    list_: bool
    coded_: str  # the coded dataset the report comes from, or ""
    written_: date | None  # the day its text wrote, when its date is another local day


_FIELDS = _Row._fields


ROWS_AT_ONCE = 65_536


def _rows(frame: pd.DataFrame, positions: np.ndarray) -> Iterator[_Row]:
    """The rows at `positions` as light tuples, their columns converted `ROWS_AT_ONCE` rows
    at a time (iterating Arrow-backed columns value by value is slow; converting all of them
    at once held 22 lists of Python objects, one per distinct row, through matching)."""
    frame = frame[list(_FIELDS)]
    for start in range(0, len(positions), ROWS_AT_ONCE):
        part = frame.take(positions[start:start + ROWS_AT_ONCE])
        yield from map(_Row._make, zip(*(part[c].tolist() for c in _FIELDS), strict=True))


def _lookup(values: pd.Series, table: dict) -> pd.Series:
    """`values.map(table)` for a column of few distinct values: each is looked up once, and
    the type of the result is inferred from the values found, not from an object per row
    (pandas infers a million objects' type one by one: four lookups were 0.23 s of building
    a million reports' events, under cProfile)."""
    codes, found = distinct_results(values, table.get)
    return pd.Series(pd.Series(found, dtype=object).infer_objects().array.take(codes),
                     index=values.index)


_USED = ("event_type", "iso3", "admin1", "admin2", "geo_precision", "latitude", "longitude",
         "date_start", "date_end", "date_precision", "date_method", "published", "report_id")
# Every column `assign_incidents` reads (it reads them from these alone, so the list cannot
# fall behind): an engine sends a block only these, not the reports' text.
MATCH_COLUMNS = (*_USED, "actor1", "raw_place", "place_method", "source", "place",
                 "geonames_id", "raw_date", "language", "date_clock")


def assign_incidents(reports: pd.DataFrame) -> pd.Series:
    """The incident_id of every report (index-aligned). Deterministic for a given set of reports.

    Reports alike in everything matching looks at (type, dates, place, side) are one
    incident; one of each kind goes through three passes: precise reports form incidents;
    each coarse report joins the one precise incident that fits (none or several: it waits);
    the coarse reports left then group among themselves.
    """
    reports = reports[list(MATCH_COLUMNS)]
    families = {k: v.family for k, v in vocabulary().items()}
    # Only actors we know decide (their sides between strikes, themselves between any two
    # attacks); free text never splits reports.
    sides = actor_sides()
    known = {a: a for a in [*sides, *actor_umbrellas()]}
    is_coarse = np.array([_coarse(p, g) for p, g in zip(reports["date_precision"].tolist(),
                                                         reports["geo_precision"].tolist(),
                                                         strict=True)], dtype=bool)
    df = reports[list(_USED)].assign(  # only what matching reads
        family_=_lookup(reports["event_type"], families),
        coarse_=is_coarse,
        side_=_lookup(reports["actor1"], sides),
        actor_=_lookup(reports["actor1"], known),
        stated_=reports["date_method"].fillna("").str.contains(STATED).to_numpy(dtype=bool),
        alone_=reports["raw_place"].where(reports["place_method"].isin(UNLOCATED), "").fillna(""),
        named_=reports["place_method"].isin(NAMED).to_numpy(dtype=bool),
        list_=reports["place_method"].isin(LISTS).to_numpy(dtype=bool),
        coded_=reports["source"].where(reports["source"].isin(CODED_SOURCES), "").fillna(""),
        written_=written_days(reports, among=is_coarse),  # only a coarse report reads it
    )
    # A coded dataset's row is an event of its own: never one kind with its look-alikes.
    df["coded_id_"] = df["report_id"].where(df["coded_"] != "", "")
    df = df.join(_bases(reports))
    keys = pa.table({c: pa.array(df[c], from_pandas=True)
                     for c in ("coarse_", "date_start", "published", "report_id")})
    order = pc.sort_indices(keys, [(c, "ascending") for c in keys.column_names]).to_numpy()
    kind = group_codes(df, ["family_", "event_type", "iso3", "side_", "actor_", "admin1",
                            "admin2", "geo_precision", "base_gid_", "base_lat_", "base_lon_",
                            "part_", "name_", "latitude", "longitude", "date_start", "date_end",
                            "coarse_", "stated_", "alone_", "named_", "list_", "coded_",
                            "coded_id_", "written_"])
    first = order[~pd.Series(kind[order]).duplicated().to_numpy()]  # in matching order
    # Quarters of towns first, and the parts of a quarter before it, so that a report of a
    # whole town (or quarter) sees every part hit that day.
    parts = df["part_"].to_numpy(dtype=object)[first]
    depth = (parts != "").astype(np.int64)
    parted = np.flatnonzero(depth)  # few: only they are read one by one
    depth[parted] = [_depth(p) for p in parts[parted]]
    first = first[np.argsort(-depth, kind="stable")]
    frames = _Frames(kind, reports)
    incidents: list[_Incident] = []
    by_day: dict[tuple, list[_Incident]] = {}
    alone: list[tuple] = []
    lists: list[tuple] = []
    coarse: list[tuple] = []
    for pos, r in zip(kind[first].tolist(), _rows(df, first), strict=True):
        side = r.side_ if isinstance(r.side_, str) else None
        admin1 = r.admin1 if isinstance(r.admin1, str) else None
        troops = r.family_ == "troops"
        block = (r.iso3, r.family_) + ((side, r.date_start, r.date_end) if troops else ())
        row = (pos, r, block, admin1, side)
        if r.alone_:
            (lists if r.list_ else alone).append(row)
            continue
        if r.coarse_:
            coarse.append(row)
            continue
        fits = _fits(by_day, block, r, admin1, side)
        off_day = not fits
        fits = fits or _adjacent(by_day, block, r, admin1, side, pos, frames)
        if len(fits) > 1 and len({inc.part for inc in fits if _within(inc.part, r.part_)}) > 1:
            alone.append(row)  # a whole town where several of its quarters were hit: which?
            continue
        chosen = min(fits, key=lambda inc: (
            abs((inc.start - r.date_start).days), GEO_RANK[inc.geo],
            0.0 if math.isnan(inc.lat) or math.isnan(r.latitude)
            else _distance(inc.lat, inc.lon, r.latitude, r.longitude), inc.seq)) if fits else None
        _join(chosen, pos, r, block, admin1, side, incidents, by_day, off_day)
    # A report that names a place we could not locate joins the one incident of its day,
    # unit and attacker whose reports write that place's name (`_named_incident`). Else it
    # (or a town where several quarters were hit) stands alone, but it shows that its day had
    # another event there: it keeps coarse reports of that day from taking the one located
    # incident as theirs.
    others: dict[tuple, list[_Incident]] = {}
    written = (_Names(kind, reports["raw_place"].to_numpy(dtype=object)) if alone or lists
               else None)
    for pos, r, block, admin1, side in alone:
        chosen = None
        if r.named_ and written is not None and (
                name := unlocated_name(r.alone_, r.iso3)) is not None:
            chosen = _named_incident(name, _fits(by_day, block, r, admin1, side)
                                     + _fits(others, block, r, admin1, side), written)
        _join(chosen, pos, r, block, admin1, side, incidents, others)
    waves: dict[tuple, list[_Incident]] = {}
    first_wave = len(incidents)
    scopes: dict[int, set[str]] = {}  # each wave's precisions, as its reports give them
    for pos, r, block, admin1, side in lists:  # reports of one wave join each other only,
        # at one precision ("various sites in south Lebanon" is not "Yohmor and Arnoun"), or
        # when they name the same places ("the Akashat and Al-Qaim regions" of Iraq, "the
        # Akashat and Qa'im areas in the western Anbar province")
        named = place_names(r.alone_)
        found = [inc for inc in _fits(waves, block, r, admin1, side)
                 if _same_wave(r.geo_precision, named, inc, scopes, written)]
        # a day off, as for a place (`_adjacent`): Washington's Friday is Baghdad's Saturday
        off_day = not found and bool(found := [
            inc for inc in _adjacent(waves, block, r, admin1, side)
            if _same_wave(r.geo_precision, named, inc, scopes, written)])
        chosen = min(found, key=lambda inc: inc.seq) if found else None
        _join(chosen, pos, r, block, admin1, side, incidents, waves, off_day)
        scopes.setdefault((chosen or incidents[-1]).seq, set()).add(r.geo_precision)
    # A wave shows that its day had other events (as above), and a coarse report of its very
    # scope (a country's for a wave a report gives as a country's) that no located incident
    # takes may be of it.
    coarse_by_day: dict[tuple, list[_Incident]] = {}
    for inc in incidents[first_wave:]:
        for day in pd.date_range(inc.start, inc.end).date:
            _register(others, inc.block, day, inc)
            _register(coarse_by_day, inc.block, day, inc)
    for pos, r, block, admin1, side in coarse:
        fits = _fits_moment(by_day, block, r, admin1, side)
        held = _fits_moment(others, block, r, admin1, side)
        if len(fits) == 1 and not held:
            _join(fits[0], pos, r, block, admin1, side, incidents, by_day)
        elif not fits and len(held) == 1 and held[0].seq < first_wave:
            # the one event of its day, unit and attacker is at a place we could not locate
            # ("the Ras Issa area in the Salif district"): a coarse report of where it lies
            # ("the Al Hudaydah province") is of it, as it would be of a located one
            _join(held[0], pos, r, block, admin1, side, incidents, others)
        else:  # none or several fit: the coarse reports of that scope group among themselves
            found = [inc for inc in _fits(coarse_by_day, block, r, admin1, side)
                     if inc.seq not in scopes or r.geo_precision in scopes[inc.seq]]
            chosen = min(found, key=lambda inc: inc.seq) if found else None
            _join(chosen, pos, r, block, admin1, side, incidents, coarse_by_day)
    seq_of_kind = np.empty(len(first), dtype=np.int64)
    for inc in incidents:
        seq_of_kind[inc.members] = inc.seq
    seq = seq_of_kind[kind]
    # Each incident is named after its earliest report (by publication, then report_id).
    earliest = pc.sort_indices(pa.table({"seq": seq, "published": keys["published"],
                                         "report_id": keys["report_id"]}),
                               [("seq", "ascending"), ("published", "ascending"),
                                ("report_id", "ascending")]).to_numpy()
    heads = earliest[np.r_[True, np.diff(seq[earliest]) != 0]]
    names = pd.array([incident_id(rid) for rid in
                      keys["report_id"].take(pa.array(heads)).to_pylist()], dtype="str")
    # Arrow-backed text, not a Python string per report: an engine's workers send the ids
    # back pickled, and `build_events` factorizes them (a million object strings: 0.5-0.7 s;
    # Arrow's: 0.14 s, a throwaway measurement)
    return pd.Series(names.take(seq), index=reports.index)


class _Names:
    """The proper names (`places.place_names` keys) the place texts of an incident's reports
    write, read only for the incidents a report of an unlocated place may join."""

    def __init__(self, kind: np.ndarray, raw_place: np.ndarray) -> None:
        self.order = np.argsort(kind, kind="stable")
        self.bounds = np.searchsorted(kind[self.order], np.arange(int(kind.max()) + 2))
        self.raw_place = raw_place

    def of(self, inc: _Incident,
           names: Callable[[str], frozenset[str]] = place_names) -> set[str]:
        """The keys `names` reads in the place texts of the incident's reports."""
        out: set[str] = set()
        for k in inc.members:
            for row in self.order[self.bounds[k]:self.bounds[k + 1]]:
                text = self.raw_place[row]
                if isinstance(text, str):
                    out |= names(text)
        return out


# A clock time this close to midnight at the place may be the day before or after in another
# writer's zone (Washington is 7-8 hours behind the region, South Asia 2-3 ahead).
EARLY_MINUTES, LATE_MINUTES = 8 * 60, 21 * 60


class _Frames:
    """The frames in which each kind's reports read their day: a language and a publication
    day (UTC). Two reports of one frame that name days a day apart name two days (a weekday or
    "yesterday" read against the same day means the same calendar in both); reports of two
    frames may name one moment a day apart (Washington's Friday evening is Baghdad's Saturday
    night), which `_adjacent` allows; so may one frame's, when a report's clock time puts the
    moment by midnight at the place (`date_clock`: "At 12:15 a.m. (Iraq time) ... on
    Wednesday" and another outlet's "on Tuesday", from Washington's statement). Built once,
    on the first day-off candidate."""

    def __init__(self, kind: np.ndarray, reports: pd.DataFrame) -> None:
        self._data = (kind, reports)
        self._built: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    def _arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if self._built is None:
            kind, reports = self._data
            lang = pd.factorize(reports["language"].fillna("").astype(str))[0].astype(np.int64)
            day = pd.DatetimeIndex(reports["published"]).as_unit("s").asi8 // 86_400
            code = lang * 10**7 + (day - day.min())
            order = np.argsort(kind, kind="stable")
            bounds = np.searchsorted(kind[order], np.arange(int(kind.max()) + 2))
            clock = reports["date_clock"].to_numpy(dtype=np.int64)
            self._built = (code[order], bounds, clock[order])
        return self._built

    def _of(self, kinds: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """The frames of the kinds' reports, and their clock times at the place (-1: none)."""
        code, bounds, clock = self._arrays()
        spans = [np.arange(bounds[k], bounds[k + 1]) for k in kinds]
        at = np.concatenate(spans) if spans else np.empty(0, dtype=np.int64)
        return code[at], clock[at]

    def shared(self, pos: int, r_day: date, inc: _Incident) -> bool:
        """Whether a report of kind `pos` (on `r_day`) and one of the incident share a frame,
        and no clock time of theirs lies by the midnight between their two days."""
        mine, my_clock = self._of([pos])
        theirs, their_clock = self._of(inc.members)
        if set(mine.tolist()).isdisjoint(theirs.tolist()):
            return False
        later_is_mine = r_day > inc.start
        early = my_clock if later_is_mine else their_clock
        late = their_clock if later_is_mine else my_clock
        return not (((early >= 0) & (early < EARLY_MINUTES)).any()
                    or (late >= LATE_MINUTES).any())


def _same_wave(precision: str, names: frozenset[str], inc: _Incident,
               scopes: dict[int, set[str]], written: _Names | None) -> bool:
    """A wave's report is of the wave `inc` when one of its reports gave it the same scope, or
    when it names at least two of the places the wave's reports name."""
    if precision in scopes[inc.seq]:
        return True
    if written is None or len(names) < 2:
        return False
    theirs = written.of(inc)
    return sum(any(_alike(n, m) for m in theirs) for n in names) >= 2


def _named_incident(name: str, fits: list[_Incident], written: _Names) -> _Incident | None:
    """The one incident among `fits` (of the report's day, unit and attacker) whose reports
    write `name`, the name a report gives to a place no gazetteer has (`places.unlocated_name`;
    spelled alike: `SAME_NAME_SCORE`, as `Wadi al-Kfour` and `Wadi Al-Kafour`), or when none
    does, that writes it as a word of a longer name (`places.place_name_words`: "Aita" of
    "Aita al-Jabal"); None when none or several do. One place, one day, one attacker: one
    incident, located or not."""
    named = [inc for inc in fits if any(_alike(name, other) for other in written.of(inc))] or [
        inc for inc in fits if name in written.of(inc, place_name_words)]
    return named[0] if len(named) == 1 else None


_CELL = 0.05  # degrees (about 5 km): a town and its spot's neighbours in one or two cells
_EDGE = SAME_PLACE_KM / 111.0 / math.cos(math.radians(45)) / _CELL  # as a share of a cell


def _cell(lat: float, lon: float) -> tuple[int, int]:
    return int(math.floor(lat / _CELL)), int(math.floor(lon / _CELL))


@lru_cache(maxsize=1 << 16)
def _cells(lat: float, lon: float) -> tuple[tuple[int, int], ...]:
    """The cell of a point and those of its neighbours that lie within SAME_PLACE_KM of it."""
    y, x = lat / _CELL, lon / _CELL
    cy, cx = math.floor(y), math.floor(x)
    ys = [cy] + ([cy - 1] if y - cy < _EDGE else []) + ([cy + 1] if cy + 1 - y < _EDGE else [])
    xs = [cx] + ([cx - 1] if x - cx < _EDGE else []) + ([cx + 1] if cx + 1 - x < _EDGE else [])
    return tuple((a, b) for a in ys for b in xs)


_ALL = ((),)  # the key of all of a day's incidents in `by_day[(block, day)]`


def _register(by_day: dict, block: tuple, day: date, inc: _Incident) -> None:
    """Index an incident under (block, day): with all of that day's (key `()`) and by the cell
    of its town's point when it has one, so that a precise report looks only at its spot."""
    cells = by_day.setdefault((block, day), {})
    cells.setdefault((), []).append(inc)
    if inc.base_lat == inc.base_lat:  # not NaN
        cells.setdefault(_cell(inc.base_lat, inc.base_lon), []).append(inc)


def _fits(by_day: dict, block: tuple, r, admin1: str | None,  # noqa: ANN001
          side: str | None, slack: int = 0) -> list[_Incident]:
    """Incidents of the same block whose dates overlap the report's (widened by `slack`
    days) and whose places nest. A precise report with a point reads only the cells around
    its town's point (`_register`), so a dense front's day costs it a few look-ups."""
    start, end = r.date_start, r.date_end
    if slack:
        start, end = start - timedelta(days=slack), end + timedelta(days=slack)
    cells: tuple = _ALL
    if r.geo_precision in ("point", "near") and r.base_lat_ == r.base_lat_:
        cells = _cells(r.base_lat_, r.base_lon_)
    days = [start] if start == end else [start + timedelta(days=i)
                                         for i in range((end - start).days + 1)]
    found: list[_Incident] = []
    for day in days:
        index = by_day.get((block, day))
        if index is not None:
            for cell in cells:
                found.extend(index.get(cell, ()))
    if not found:  # most reports of a long tail: the rest would check nothing
        return found
    if len(found) > 1:  # in incident order, once each
        found = sorted({inc.seq: inc for inc in found}.values(), key=lambda inc: inc.seq)
    actor = r.actor_ if isinstance(r.actor_, str) else None
    return [inc for inc in found
            if ((inc.start <= end and start <= inc.end)
                or any(start <= d <= end for d in inc.other_days))
            and _places_fit(inc, r)
            and not (r.coded_ and r.coded_ in inc.datasets)  # its coders kept them apart
            and (r.family_ != "strike" or not (inc.side and side and inc.side != side))
            and same_attacker(inc.actor, actor)]


def _fits_moment(by_day: dict, block: tuple, r, admin1: str | None,  # noqa: ANN001
                 side: str | None) -> list[_Incident]:
    """`_fits` for a coarse report on its local day, or when none fits there and its text
    wrote another day (`dates.written_days`: a clock time in Washington, a local-weekday
    aside), on that day: the two name one moment, and other reports may have written the
    day as the report's own text did ("Thursday" from Washington for Friday in Syria). The
    local day comes first: the conversion is exact, and an incident there is the report's.
    Only a coarse report reads the day it wrote: a precise one that did would join the
    incident of the day before at its place, which on a front line is another event."""
    fits = _fits(by_day, block, r, admin1, side)
    if fits or r.written_ is None:
        return fits
    return _fits(by_day, block, r._replace(date_start=r.written_, date_end=r.written_),
                 admin1, side)


def _adjacent(by_day: dict, block: tuple, r, admin1: str | None,  # noqa: ANN001
              side: str | None, pos: int = -1, frames: _Frames | None = None
              ) -> list[_Incident]:
    """The one incident a day before or after a report dated to a day or a few.

    Outlets disagree by a day about late-night events and across time zones ("Friday" in
    Washington is Saturday in Baghdad): a weekday or a relative word is read against the
    publication's clock, which may not be the place's. So a single adjacent-day incident that
    fits is that event when it has the same event type (and, for a country-level report, the
    same side), unless both sides wrote out the calendar day: then they name different days,
    as the SPEC says; or, for a report of one place (given `frames`), a report of the
    incident read its day in the report's own frame (the same language, published the same
    day: `_Frames`): "on Friday" and "on Saturday", or "yesterday" and "today", in one day's
    reports of a village are two days, as on a front line hit on consecutive days. (A wave
    across a country is read as before: Washington's "Tuesday" and the place's "Wednesday"
    for the US strikes in Iraq of 24 January 2024 come in one language on one day.) Two
    candidates are look-alikes, and the report stands alone. (Troop blocks carry their
    dates, so a troop count never finds a day-off incident.)
    """
    if (r.date_end - r.date_start).days > 6:
        return []
    fits = [inc for inc in _fits(by_day, block, r, admin1, side, slack=1)
            if inc.event_type == r.event_type and (not r.coarse_ or (side and inc.side == side))
            and not (r.stated_ and inc.stated)
            and _within_a_day(inc, r.date_start, r.date_end)
            and not (frames and frames.shared(pos, r.date_start, inc))]
    return fits if len(fits) == 1 else []


def _within_a_day(inc: _Incident, start: date, end: date) -> bool:
    """No chains: with the report, the days the incident was put on (its span and the days
    off it already took in) stretch at most one day beyond the longer of the two spans."""
    first = min(inc.start, start, *inc.other_days)
    last = max(inc.end, end, *inc.other_days)
    longer = max((inc.end - inc.start).days, (end - start).days)
    return (last - first).days <= longer + 1


def _join(chosen: _Incident | None, pos: int, r, block: tuple,  # noqa: ANN001
          admin1: str | None, side: str | None, incidents: list[_Incident],
          by_day: dict, off_day: bool = False) -> None:
    """Add the report to `chosen`, or to a new incident when None. A report that joined a
    day off (`_adjacent`) makes its day one the incident can be found by."""
    actor = r.actor_ if isinstance(r.actor_, str) else None
    gid = r.base_gid_ if r.base_gid_ == r.base_gid_ else None  # NaN → None
    admin2 = r.admin2 if isinstance(r.admin2, str) else None
    if chosen is None:
        chosen = _Incident(block, r.date_start, r.date_end, r.geo_precision, admin1, admin2,
                           r.latitude, r.longitude, gid, r.base_lat_, r.base_lon_, r.part_,
                           r.name_, side,
                           actor, len(incidents), r.event_type, r.stated_)
        incidents.append(chosen)
        day = r.date_start
        while day <= r.date_end:
            _register(by_day, block, day, chosen)
            day += timedelta(days=1)
    else:
        if off_day:
            day = r.date_start
            while day <= r.date_end:
                if day not in chosen.other_days and not chosen.start <= day <= chosen.end:
                    chosen.other_days = {*chosen.other_days, day}
                    _register(by_day, block, day, chosen)
                day += timedelta(days=1)
        # Narrow the incident to the more precise date and place as reports arrive.
        if (r.date_end - r.date_start) < (chosen.end - chosen.start):
            chosen.start, chosen.end = r.date_start, r.date_end
        if GEO_RANK[r.geo_precision] < GEO_RANK[chosen.geo]:
            chosen.geo, chosen.admin1, chosen.admin2 = r.geo_precision, admin1, admin2
            chosen.lat, chosen.lon = r.latitude, r.longitude
        if chosen.gid is None and chosen.base_lat != chosen.base_lat:
            chosen.gid, chosen.base_lat, chosen.base_lon = gid, r.base_lat_, r.base_lon_
            chosen.name = r.name_
        if r.part_ and _depth(r.part_) > _depth(chosen.part):
            chosen.part = r.part_
        if actor and (chosen.actor is None or chosen.actor in actor_umbrellas().get(actor, ())):
            chosen.actor = actor  # the most specific attacker named
        chosen.side = chosen.side or side
        chosen.stated = chosen.stated or r.stated_
    if r.coded_:
        chosen.datasets = {*chosen.datasets, r.coded_}
    chosen.members.append(pos)


class _Groups:
    """Reports grouped by incident with integer codes, so that every per-incident choice is a
    numpy sort of a few arrays instead of a sort of the whole frame (SPEC §6 fields)."""

    def __init__(self, reports: pd.DataFrame) -> None:
        self.frame = reports
        self.code, self.names = pd.factorize(reports["incident_id"], sort=True)
        # earliest report first, ties to the first report id: sorted by Arrow, not through
        # a sorted factorization of a million distinct ids (a hash table of them all)
        published = pd.DatetimeIndex(reports["published"]).asi8  # not via Python objects
        order = pc.sort_indices(pa.table({
            "published": published,
            "report_id": pa.array(reports["report_id"], type=pa.string(), from_pandas=True)}),
            [("published", "ascending"), ("report_id", "ascending")]).to_numpy()
        self.order = np.empty(len(reports), dtype=np.int64)
        self.order[order] = np.arange(len(reports))

    def first_by(self, key: np.ndarray) -> np.ndarray:
        """Per incident, the row with the smallest `key` (ties: the earliest report)."""
        rows = np.lexsort((self.order, key, self.code))
        starts = np.flatnonzero(np.r_[True, np.diff(self.code[rows]) != 0])
        return rows[starts]

    def median_low(self, column: str) -> pd.Series:
        """Per incident, the lower median of a column's non-null values (statistics.median_low)."""
        values = pd.to_numeric(self.frame[column], errors="coerce").to_numpy(dtype=float)
        keep = np.flatnonzero(~np.isnan(values))
        if not len(keep):
            return pd.Series(dtype=float)
        rows = keep[np.lexsort((values[keep], self.code[keep]))]
        codes = self.code[rows]
        starts = np.flatnonzero(np.r_[True, np.diff(codes) != 0])
        sizes = np.diff(np.r_[starts, len(rows)])
        picked = rows[starts + (sizes - 1) // 2]
        return pd.Series(values[picked], index=self.names[self.code[picked]])

    def most_common(self, column: str, rank: np.ndarray | None = None) -> pd.Series:
        """Per incident, the most frequent non-null value (first by `rank` when given); ties go
        to the value of the earliest report."""
        values = self.frame[column]
        keep = np.flatnonzero(values.notna().to_numpy())
        if not len(keep):
            return pd.Series(dtype=object)
        vcode, uniques = pd.factorize(values.iloc[keep])
        stats = pd.DataFrame({"inc": self.code[keep], "v": vcode, "o": self.order[keep]})
        stats = stats.groupby(["inc", "v"], sort=False)["o"].agg(["size", "min"]).reset_index()
        keys = [stats["min"].to_numpy(), -stats["size"].to_numpy()]
        if rank is not None:
            by_value = np.empty(len(uniques), dtype=float)
            by_value[vcode] = rank[keep]
            keys.append(by_value[stats["v"].to_numpy()])
        best = np.lexsort((*keys, stats["inc"].to_numpy()))
        inc = stats["inc"].to_numpy()[best]
        first = best[np.r_[True, np.diff(inc) != 0]]
        return pd.Series(np.asarray(uniques, dtype=object)[stats["v"].to_numpy()[first]],
                         index=self.names[stats["inc"].to_numpy()[first]], dtype=object)

    def lists(self) -> tuple[pd.arrays.ArrowExtensionArray, pd.arrays.ArrowExtensionArray]:
        """Per incident (in name order), its sorted distinct sources and its report ids in
        report order: Arrow lists, offsets into one array of values, as they are published
        (a Python list per incident was 1.8 s of the 6.7 s a million reports' events took,
        under cProfile)."""
        rows = np.lexsort((self.order, self.code))
        reports = pa.array(self.frame["report_id"], type=pa.string(), from_pandas=True)
        # distinct sources: one sorted pass over (incident, source code), the codes numbered
        # in the sources' sorted order (a missing one, which a build quarantines, last), not
        # a set and a sort per incident
        scode, names = pd.factorize(self.frame["source"], sort=True, use_na_sentinel=False)
        # sorted, then the first of each run: numpy 2's `np.unique` of many distinct
        # integers hashes them (0.8 s for a million reports' pairs, sorted 0.05 s: a
        # throwaway timing)
        pairs = np.sort(self.code.astype(np.int64) * len(names) + scode)
        pairs = pairs[np.r_[True, np.diff(pairs) != 0]]
        sources = pa.array(np.asarray(names, dtype=object), type=pa.string(), from_pandas=True)
        return (_lists(pairs // len(names), sources.take(pairs % len(names))),
                _lists(self.code[rows], reports.take(rows)))


def _lists(codes: np.ndarray, values: pa.Array | pa.ChunkedArray
           ) -> pd.arrays.ArrowExtensionArray:
    """One list per run of equal values in the sorted `codes`, of the `values` at its rows."""
    offsets = np.flatnonzero(np.r_[True, np.diff(codes) != 0, True]).astype(np.int32)
    if isinstance(values, pa.ChunkedArray):  # a pandas column's, as pa.array gives it
        values = values.combine_chunks()
    return pd.arrays.ArrowExtensionArray(pa.ListArray.from_arrays(offsets, values))


WHEN = ["date", "date_start", "date_end", "date_precision"]
WHERE = ["place", "admin1", "admin2", "country", "iso3", "latitude", "longitude", "geonames_id",
         "geo_precision"]
# Every column `build_events` reads but `incident_id` (and, when it is not given the source
# keys, the text `grade.source_keys` reads): what a block carries to the worker that builds
# its events.
EVENT_COLUMNS = tuple(dict.fromkeys([
    "published", "report_id", *WHEN, *WHERE, "event_type", "actor1", "actor2", "killed_low",
    "killed_high", "injured_low", "injured_high", "troops", "source", "date_method"]))


def build_events(reports: pd.DataFrame, keys: list[np.ndarray] | None = None) -> pd.DataFrame:
    """One row per incident from reports that carry `incident_id` (SPEC §7 events columns);
    `keys`: the reports' `grade.source_keys`, when they are computed already.

    Date from the narrowest span, place from the most precise report, event type the most
    specific (then most frequent), actors the most frequent; figures:
    low = lowest lower bound, high = highest figure given when any source gave an upper
    bound, best = lower median of the stated figures (exact values and lower bounds).
    """
    vocab = vocabulary()
    g = _Groups(reports)
    span = day_numbers(reports["date_end"]) - day_numbers(reports["date_start"])
    when = reports[WHEN].iloc[g.first_by(span)]
    where = reports[WHERE].iloc[g.first_by(_lookup(reports["geo_precision"], GEO_RANK).to_numpy())]
    events = pd.DataFrame(index=pd.Index(g.names, name="incident_id"))
    specificity = _lookup(reports["event_type"], {t: -v.specificity for t, v in vocab.items()}
                          ).to_numpy(dtype=float)
    events["event_type"] = g.most_common("event_type", rank=specificity)
    for c in ("acled_event_type", "acled_sub_event_type"):
        events[c] = _lookup(events["event_type"], {t: getattr(v, c) for t, v in vocab.items()})
    for c in (*WHEN, *WHERE):  # the reports' types, whatever values these incidents hold
        events[c] = (when if c in WHEN else where)[c].array
    events["actor1"] = g.most_common("actor1")
    events["actor2"] = g.most_common("actor2")
    groups = pd.DataFrame({c: reports[c].to_numpy() for c in
                           ("killed_low", "killed_high", "injured_low", "injured_high")}
                          ).groupby(g.code, sort=True)
    for figure in ("killed", "injured"):
        low, high = f"{figure}_low", f"{figure}_high"
        lows, highs = groups[low], groups[high]
        events[low] = lows.min().to_numpy()
        stated = reports[[low, high]].max(axis=1).to_numpy()
        any_high = highs.count().to_numpy() > 0
        most = pd.Series(stated).groupby(g.code, sort=True).max().to_numpy()
        events[high] = np.where(any_high, most, np.nan)
        best = g.median_low(low).reindex(events.index)
        best = best.where(best.isna() | events[low].isna(), best.clip(lower=events[low]))
        events[f"{figure}_best"] = best.where(best.isna() | events[high].isna(),
                                              best.clip(upper=events[high]))
    events["troops"] = g.median_low("troops")
    sources, report_ids = g.lists()
    events["sources"] = sources
    events["source_count"] = events["sources"].list.len().to_numpy(dtype=np.int64)
    events["report_ids"] = report_ids
    published = reports["published"].groupby(g.code, sort=True)
    # as datetime arrays: `to_numpy` of a zoned column makes a Timestamp object per incident
    events["first_reported"] = published.min().array
    events["last_reported"] = published.max().array
    grade_events(events, reports, g.code, keys)
    return events.reset_index()
