"""Synthetic incident reports for benchmarks: SYNTHETIC, generated, never real events.

Nothing here is ever written to data/raw/. Four shapes, each a function `shape(n, seed)` that
yields the raw contract's columns (all text) in chunks of at most CHUNK rows, deterministic
for a seed: a million reports are written without a million rows in memory.

- `today`: the distribution `make bench` always measured (1-4 reports per incident over ten
  years, 46 place variants, dates phrased as outlets do), unchanged so older figures compare.
- `dense`: a front line: one year of south Lebanon, 28 villages, ~110 incidents a day per
  100,000 reports, several per village per day.
- `long_tail`: 7,000 real villages in twelve descriptors (tens of thousands of place texts),
  date texts with clock times and zones: few inputs repeat, the caches and fallbacks work.
- `heavy`: incidents of 50-300 reports among ordinary ones, a ~2 KB quote on every report,
  ~1,540 sources with a distinct article URL per report, wire stories republished.

benchmarks/README.md says what each shape stresses and why.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
ABBR = ["Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.",
        "Dec."]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
AR_MONTHS = ["كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران", "تموز", "آب", "أيلول",
             "تشرين الأول", "تشرين الثاني", "كانون الأول"]
AR_DAYS = ["الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"]
FR_MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
             "septembre", "octobre", "novembre", "décembre"]
FR_DAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
PARTS = ["", "early ", "late ", "on ", "early on "]
SUFFIX = ["", " night", " morning", " evening", " afternoon"]
ZONES = ["Z", "+03:00", "-05:00", "+00:00", "-04:00"]
PLACES = [  # (text, country hint)
    ("eastern Baghdad", "Iraq"), ("Baghdad", ""), ("بغداد", "العراق"), ("Bagdad", "Irak"),
    ("Al-Asad Airbase, western Iraq", ""), ("Ain al-Asad", "Iraq"), ("near Kirkuk", "Iraq"),
    ("Erbil", "Iraq"), ("Arbil", ""), ("Hewler", ""), ("Erbil airport", "Iraq"),
    ("Harir base", "Iraq"), ("Tower 22, northeast Jordan", ""), ("northeast Jordan", "Jordan"),
    ("near Abu Kamal", "Syria"), ("Al Bukamal", "Syria"), ("Albu Kamal, Syria", ""),
    ("Deir ez-Zor province", ""), ("Deir al-Zour", "Syria"), ("دير الزور", "سوريا"),
    ("al-Tanf garrison in Syria", ""), ("Al-Omar oil field", "Syria"), ("Mayadin", "Syria"),
    ("Jurf al-Sakhar", "Iraq"), ("Al-Qaim", "Iraq"), ("Al Qa'im, Anbar", ""),
    ("Anbar province", "Iraq"), ("Green Zone", "Iraq"), ("US Embassy in Baghdad", ""),
    ("Mashtal neighborhood in eastern Baghdad", "Iraq"), ("near Mosul", "Iraq"),
    ("Hasakah", "Syria"), ("Rumalyn Landing Zone", "Syria"), ("Abu Ghraib", "Iraq"),
    ("Hilla", "Iraq"), ("l'est de Bagdad", "Irak"), ("nord-est de la Jordanie", ""),
    ("Sanaa", "Yemen"), ("Hodeidah", "Yemen"), ("Bint Jbeil", "Lebanon"), ("Tyre", "Lebanon"),
    ("Damascus", "Syria"), ("Homs", "Syria"), ("near Aleppo", "Syria"), ("Iraq", ""),
    ("Syria", ""),
]
EVENTS = ["drone strike", "airstrike", "one-way attack drone", "rocket attack", "drone attack",
          "ballistic missile attack", "strikes", "frappe de drone", "ضربة بطائرة مسيرة",
          "هجوم بطائرة مسيرة", "rockets", "self-defense strikes", "roadside bomb"]
COUNTS = ["", "", "", "2", "four", "at least 3", "more than 40", "2-4", "dozens", "several",
          "0", "one", "three", "at least 34", "up to 10", "five"]
SOURCES = [f"Outlet {i:02d}" for i in range(40)] + ["Reuters", "AP", "AFP", "CENTCOM"]


def _phrase(rng: np.random.Generator, d: date, pub: date, lang: str) -> str:
    """One way of writing day `d` in a report published on `pub`."""
    back = (pub - d).days
    if lang == "ar":
        k = rng.integers(4)
        if k == 0:
            return f"{AR_DAYS[d.weekday()]} {d.day} {AR_MONTHS[d.month - 1]} {d.year}"
        if k == 1 and back <= 6:
            return f"مساء {AR_DAYS[d.weekday()]}"
        if k == 2 and back == 1:
            return "أمس"
        return f"{d.day} {AR_MONTHS[d.month - 1]}"
    if lang == "fr":
        k = rng.integers(3)
        if k == 0:
            return f"{FR_DAYS[d.weekday()]} {d.day} {FR_MONTHS[d.month - 1]} {d.year}"
        if k == 1 and back <= 6:
            return FR_DAYS[d.weekday()]
        return f"{d.day} {FR_MONTHS[d.month - 1]}"
    k = rng.integers(10)
    if k == 0:
        return f"{MONTHS[d.month - 1]} {d.day}, {d.year}"
    if k == 1:
        return f"{d.day} {ABBR[d.month - 1].rstrip('.')} {d.year}"
    if k == 2:
        return f"{ABBR[d.month - 1]} {d.day}"
    if k == 3:
        return d.isoformat() if rng.integers(2) else f"{d.day:02d}.{d.month:02d}.{d.year}"
    if k in (4, 5) and 0 < back <= 6:
        return f"{PARTS[rng.integers(len(PARTS))]}{DAYS[d.weekday()]}" \
               f"{SUFFIX[rng.integers(len(SUFFIX))]}".strip()
    if k == 6:
        return {0: "today", 1: "yesterday", 2: "two days ago"}.get(back, f"{MONTHS[d.month - 1]} "
                                                                       f"{d.day}")
    if k == 7:
        hour, minute = int(rng.integers(1, 13)), int(rng.choice([0, 15, 30, 45]))
        ampm = "a.m." if rng.integers(2) else "p.m."
        return f"approximately {hour}:{minute:02d} {ampm} Baghdad time, {ABBR[d.month - 1]} {d.day}"
    if k == 8:
        return f"{d.month}/{d.day}/{d.year}" if rng.integers(2) else f"{d.day}/{d.month}/{d.year}"
    return f"{MONTHS[d.month - 1]} {d.day}"


COLUMNS = ["report_id", "source", "published", "language", "event_type", "date", "place",
           "country", "actor1", "actor2", "killed", "injured", "troops"]
CHUNK = 50_000  # rows per generated chunk: bounds the generator's memory, whatever `n`
LANGUAGES = np.array(["en", "en", "en", "en", "ar", "fr"])  # today's mix: 2/3 English


# --- today: the distribution of every earlier figure ------------------------------------------

def today(n: int, seed: int = 0, start: date = date(2015, 1, 1), days: int = 3650
          ) -> Iterator[pd.DataFrame]:
    """The shape `make bench` measured before there were shapes, row for row the same reports
    for a seed (a Python loop per row: changing it would change the data and the figures)."""
    rows = itertools.islice(_today_rows(np.random.default_rng(seed), start, days), n)
    while chunk := list(itertools.islice(rows, CHUNK)):
        yield pd.DataFrame(chunk, columns=COLUMNS)


def _today_rows(rng: np.random.Generator, start: date, days: int) -> Iterator[list[str]]:
    """Rows without end, drawn in the order the original generator drew them."""
    i = 0
    while True:
        d = start + timedelta(days=int(rng.integers(days)))
        place, hint = PLACES[rng.integers(len(PLACES))]
        event = EVENTS[rng.integers(len(EVENTS))]
        for _ in range(int(rng.integers(1, 5))):
            pub_day = d + timedelta(days=int(rng.integers(0, 4)))
            lang = ("en", "en", "en", "en", "ar", "fr")[rng.integers(6)]
            zone = ZONES[rng.integers(len(ZONES))]
            published = datetime(pub_day.year, pub_day.month, pub_day.day, int(rng.integers(24)),
                                 int(rng.integers(60)), tzinfo=UTC)
            pub_text = published.isoformat().replace("+00:00", zone)
            local = datetime.fromisoformat(pub_text).date()
            yield [
                f"syn-{i:07d}", SOURCES[rng.integers(len(SOURCES))], pub_text, lang,
                event, _phrase(rng, d, local, lang), place, hint, "",
                "", COUNTS[rng.integers(len(COUNTS))], COUNTS[rng.integers(len(COUNTS))], "",
            ]
            i += 1


# --- shared helpers of the vectorized shapes -------------------------------------------------

def _chunks(n: int, seed: int, make: Callable[[np.random.Generator, int, int], pd.DataFrame],
            size: int = CHUNK) -> Iterator[pd.DataFrame]:
    """`make(rng, rows, first_row)` called for successive chunks until `n` rows are made."""
    rng = np.random.default_rng(seed)
    for first in range(0, n, size):
        yield make(rng, min(size, n - first), first)


def _incidents(rng: np.random.Generator, rows: int, sizes: Callable[[int], np.ndarray]
               ) -> tuple[int, np.ndarray]:
    """Enough incidents for `rows` reports: (how many, the incident of each report). An
    incident cut by the end of a chunk keeps the reports it has."""
    counts = np.empty(0, dtype=np.int64)
    while counts.sum() < rows:
        counts = np.concatenate([counts, sizes(max(rows // 2, 16))])
    of_row = np.repeat(np.arange(len(counts)), counts)[:rows]
    return int(of_row[-1]) + 1, of_row


def _pick(rng: np.random.Generator, values: list | np.ndarray, size: int) -> np.ndarray:
    return np.asarray(values, dtype=object)[rng.integers(len(values), size=size)]


def _published(rng: np.random.Generator, day: np.ndarray, most_days_later: int
               ) -> tuple[list[str], np.ndarray]:
    """Publication texts (ISO, local clock and offset, as today's shape writes them) 0 to
    `most_days_later` days after each event day, and their local days."""
    size = len(day)
    pub = day + rng.integers(0, most_days_later + 1, size=size).astype("timedelta64[D]")
    hours, minutes = rng.integers(24, size=size).tolist(), rng.integers(60, size=size).tolist()
    zones = _pick(rng, ZONES, size).tolist()
    texts = [f"{d}T{h:02d}:{m:02d}:00{z}" for d, h, m, z
             in zip(pub.astype(str).tolist(), hours, minutes, zones, strict=True)]
    return texts, pub


# Clock times as reports write them, with the zones `data/time_zones.csv` knows.
CLOCK_ZONES = ["local time", "Beirut time", "Baghdad time", "Sanaa time", "GMT", "ET", "EST",
               "UTC", "Damascus time", "(local time)"]
FORMS = 10  # date forms without a clock time (`_say`); forms FORMS.. carry one
CLOCK_FORMS = 5


def _date_texts(rng: np.random.Generator, day: np.ndarray, pub: np.ndarray, lang: np.ndarray,
                clock_share: float) -> list[str]:
    """How each report writes its event's day: the forms of today's shape (absolute in several
    orders, weekdays with parts of day, relative words, numeric, Arabic and French) and, for
    `clock_share` of reports, a clock time with a zone, which makes most texts distinct."""
    size = len(day)
    form = rng.integers(FORMS, size=size)
    clock = rng.random(size) < clock_share
    form[clock] = FORMS + rng.integers(CLOCK_FORMS, size=int(clock.sum()))
    back = (pub - day).astype(np.int64).tolist()
    hours, minutes = rng.integers(24, size=size).tolist(), rng.integers(60, size=size).tolist()
    zones = _pick(rng, CLOCK_ZONES, size).tolist()
    days = day.astype(object).tolist()
    return [_say(*args) for args in zip(form.tolist(), days, back, lang.tolist(), hours, minutes,
                                        zones, strict=True)]


def _say(form: int, d: date, back: int, lang: str, hour: int, minute: int, zone: str) -> str:
    """Day `d`, `back` days before publication, written in form `form` of language `lang`."""
    month, weekday = d.month - 1, d.weekday()
    clock = form >= FORMS
    if lang == "ar":
        if clock:
            return f"{AR_DAYS[weekday]} {d.day} {AR_MONTHS[month]} {d.year} الساعة {hour:02d}:{minute:02d}"
        if form < 3:
            return f"{AR_DAYS[weekday]} {d.day} {AR_MONTHS[month]} {d.year}"
        if form < 5 and back <= 6:
            return f"مساء {AR_DAYS[weekday]}"
        if form == 5 and back == 1:
            return "أمس"
        return f"{d.day} {AR_MONTHS[month]}"
    if lang == "fr":
        if clock:
            return f"le {d.day} {FR_MONTHS[month]} {d.year} vers {hour}h{minute:02d}"
        if form < 4:
            return f"{FR_DAYS[weekday]} {d.day} {FR_MONTHS[month]} {d.year}"
        if form < 6 and back <= 6:
            return FR_DAYS[weekday]
        return f"{d.day} {FR_MONTHS[month]}"
    h12, ampm = (hour % 12 or 12), ("a.m." if hour < 12 else "p.m.")
    if form == 0:
        return f"{MONTHS[month]} {d.day}, {d.year}"
    if form == 1:
        return f"{d.day} {ABBR[month].rstrip('.')} {d.year}"
    if form == 2:
        return f"{ABBR[month]} {d.day}"
    if form == 3:
        return d.isoformat() if d.day % 2 else f"{d.day:02d}.{d.month:02d}.{d.year}"
    if form in (4, 5) and 0 < back <= 6:
        return f"{PARTS[hour % len(PARTS)]}{DAYS[weekday]}{SUFFIX[minute % len(SUFFIX)]}".strip()
    if form == 6:
        return {0: "today", 1: "yesterday", 2: "two days ago"}.get(back, f"{MONTHS[month]} {d.day}")
    if form == 7:
        return f"{d.month}/{d.day}/{d.year}" if minute % 2 else f"{d.day}/{d.month}/{d.year}"
    if form == 8 and d.day < 28 and back >= 1:
        return f"the night of {d.day}-{d.day + 1} {MONTHS[month]}"
    if form == FORMS:
        return f"{h12}:{minute:02d} {ampm} {zone} on {MONTHS[month]} {d.day}, {d.year}"
    if form == FORMS + 1:
        return f"around {hour:02d}{minute:02d} hours GMT on {d.day} {MONTHS[month]} {d.year}"
    if form == FORMS + 2:
        return f"{DAYS[weekday]}, {MONTHS[month]} {d.day}, {d.year}, at {hour:02d}:{minute:02d} {zone}"
    if form == FORMS + 3 and 0 < back <= 6:
        return f"shortly before {h12}:{minute:02d} {ampm} on {DAYS[weekday]}"
    if form >= FORMS + 3:
        return f"at about {h12}:{minute:02d} {ampm} {zone}, {ABBR[month]} {d.day}"
    return f"{MONTHS[month]} {d.day}"


def _frame(first: int, columns: dict[str, list | np.ndarray]) -> pd.DataFrame:
    """A chunk in the raw contract's columns; report ids continue across chunks."""
    rows = len(next(iter(columns.values())))
    ids = [f"syn-{i:07d}" for i in range(first, first + rows)]
    blank = [""] * rows
    return pd.DataFrame({"report_id": ids, **{c: columns.get(c, blank) for c in COLUMNS[1:]},
                         **{c: v for c, v in columns.items() if c not in COLUMNS}},
                        dtype=object)  # Python strings as made: no copy into Arrow


def _one_to_four(rng: np.random.Generator) -> Callable[[int], np.ndarray]:
    return lambda m: rng.integers(1, 5, size=m)


def _days(start: date, offsets: np.ndarray) -> np.ndarray:
    return np.datetime64(start, "D") + offsets.astype("timedelta64[D]")


# --- dense: a front line ---------------------------------------------------------------------

# South Lebanon, October 2023 to October 2024: villages our gazetteer resolves to distinct
# points, each in the spellings outlets use (checked with `pipeline.resolve_place`).
DENSE_COUNTRY = {"en": "Lebanon", "ar": "لبنان", "fr": "Liban"}
DENSE_VILLAGES = [
    ("Aita al-Shaab", "Ayta ash Shab", "Aita ech Chaab"), ("Kfar Kila",), ("Khiam",),
    ("Odaisseh", "Aadaisse"), ("Houla",), ("Meiss el-Jabal", "Mais al-Jabal"), ("Markaba",),
    ("Rmeish",), ("Naqoura",), ("Yaroun",), ("Maroun al-Ras",), ("Bint Jbeil",),
    ("Aitaroun",), ("Blida",), ("Kfarchouba", "Kfar Shouba"), ("Shebaa",), ("Hebbariyeh",),
    ("Kfar Hamam",), ("Tayr Harfa",), ("Yarine",), ("Marwahin",), ("Chihine",),
    ("Jebbayn",), ("Mansouri",), ("Wazzani",), ("Labbouneh",), ("Aita al-Jabal",),
    ("Khirbet Selm",),
]
DENSE_FORMS = ["{v}", "{v}", "near {v}", "the outskirts of {v}", "{v}, south Lebanon",
               "a house in {v}", "the town of {v}", "{v} in southern Lebanon",
               "a car on the road near {v}", "{v} village"]
DENSE_EVENTS = ["artillery shelling", "airstrike", "drone strike", "Israeli strike",
                "shelling", "قصف مدفعي", "غارة", "frappe de drone", "bombardement d'artillerie",
                "rocket attack", "anti-tank missile"]
DENSE_ACTORS = ["", "", "Israeli army", "Israeli military", "IDF"]


def dense(n: int, seed: int = 0, start: date = date(2023, 10, 8), days: int = 365
          ) -> Iterator[pd.DataFrame]:
    """28 villages of one country for one year: n / 2.5 incidents over 365 days (110 a day at
    100,000 reports, 1,100 at 1,000,000), so several per village per day, resolving to
    distinct points 2-60 km apart: matching's candidate windows at their fullest."""
    def make(rng: np.random.Generator, rows: int, first: int) -> pd.DataFrame:
        m, of = _incidents(rng, rows, _one_to_four(rng))
        village = rng.integers(len(DENSE_VILLAGES), size=m)[of]
        day = _days(start, rng.integers(days, size=m))[of]
        lang = np.array(["en", "en", "ar", "ar", "fr"])[rng.integers(5, size=rows)]
        published, pub = _published(rng, day, 2)
        spelling = rng.integers(3, size=rows).tolist()
        places = [DENSE_FORMS[f].format(v=DENSE_VILLAGES[v][s % len(DENSE_VILLAGES[v])])
                  for f, v, s in zip(rng.integers(len(DENSE_FORMS), size=rows).tolist(),
                                     village.tolist(), spelling, strict=True)]
        return _frame(first, {
            "source": _pick(rng, SOURCES, rows), "published": published, "language": lang,
            "event_type": _pick(rng, DENSE_EVENTS, m)[of],
            "date": _date_texts(rng, day, pub, lang, clock_share=0.15), "place": places,
            "country": [DENSE_COUNTRY[x] for x in lang.tolist()],
            "actor1": _pick(rng, DENSE_ACTORS, rows), "killed": _pick(rng, COUNTS, rows),
            "injured": _pick(rng, COUNTS, rows)})
    return _chunks(n, seed, make)


# --- long tail: few inputs repeat ------------------------------------------------------------

LONG_TAIL_COUNTRIES = {"IQ": "Iraq", "SY": "Syria", "LB": "Lebanon", "YE": "Yemen"}
LONG_TAIL_FORMS = ["{name}", "{name}", "near {name}", "a house in {name}",
                   "near {name}, {admin1} governorate", "{name}, {admin1}",
                   "the outskirts of {name}", "{name} village, {admin2} district",
                   "a farm east of {name}", "{name}, {country}", "the main road outside {name}",
                   "5 km north of {name}"]
# Villages a decade of reporting names, the i-th most reported drawn with weight 1 / i ** ZIPF
# (a head of often-hit towns, then a long tail); with 12 forms, ~67,000 strings at 1M reports.
LONG_TAIL_VILLAGES = 7_000
ZIPF = 1.0


@cache
def _villages() -> pd.DataFrame:
    """Localities of four countries from the Who's On First extract the gazetteer is built from
    (real names, so resolving them exercises the index, its fuzzy steps and ambiguity checks)."""
    from pipeline.config import PACKAGE_DATA

    wof = pd.read_csv(PACKAGE_DATA / "wof_places.csv.gz", dtype=str, keep_default_na=False,
                      usecols=["placetype", "name", "iso2", "admin1", "admin2"])
    wof = wof[(wof["placetype"] == "locality") & wof["iso2"].isin(list(LONG_TAIL_COUNTRIES))
              & (wof["admin1"] != "") & (wof["admin2"] != "")]
    return wof.reset_index(drop=True)


def long_tail(n: int, seed: int = 0, start: date = date(2015, 1, 1), days: int = 3650
              ) -> Iterator[pd.DataFrame]:
    """7,000 real villages of Iraq, Syria, Lebanon and Yemen drawn with Zipf weights, each
    report describing its incident's place its own way ("a house in X", "near X, Y governorate"),
    and three date texts in ten with a clock time and zone: ≥ 50,000 distinct places and
    ≥ 200,000 distinct date texts in 1,000,000 reports, past the normalizers' memo sizes."""
    villages = _villages()
    # which villages are reported at all, most often first
    order = np.random.default_rng(seed).permutation(len(villages))[:LONG_TAIL_VILLAGES]
    weights = 1.0 / np.arange(1, len(order) + 1) ** ZIPF
    cumulative = np.cumsum(weights) / weights.sum()
    names, iso2 = villages["name"].to_numpy(), villages["iso2"].to_numpy()
    admin1, admin2 = villages["admin1"].to_numpy(), villages["admin2"].to_numpy()

    def make(rng: np.random.Generator, rows: int, first: int) -> pd.DataFrame:
        m, of = _incidents(rng, rows, _one_to_four(rng))
        village = order[np.searchsorted(cumulative, rng.random(m))][of]
        day = _days(start, rng.integers(days, size=m))[of]
        lang = LANGUAGES[rng.integers(len(LANGUAGES), size=rows)]
        published, pub = _published(rng, day, 3)
        countries = [LONG_TAIL_COUNTRIES[c] for c in iso2[village].tolist()]
        places = [LONG_TAIL_FORMS[f].format(name=a, admin1=b, admin2=c, country=d)
                  for f, a, b, c, d in zip(rng.integers(len(LONG_TAIL_FORMS), size=rows).tolist(),
                                           names[village].tolist(), admin1[village].tolist(),
                                           admin2[village].tolist(), countries, strict=True)]
        hinted = rng.random(rows) < 0.85
        return _frame(first, {
            "source": _pick(rng, SOURCES, rows), "published": published, "language": lang,
            "event_type": _pick(rng, EVENTS, m)[of],
            "date": _date_texts(rng, day, pub, lang, clock_share=0.3), "place": places,
            "country": np.where(hinted, countries, ""), "killed": _pick(rng, COUNTS, rows),
            "injured": _pick(rng, COUNTS, rows)})
    return _chunks(n, seed, make)


# --- heavy: big incidents, wide rows, many sources --------------------------------------------

HEAVY_SHARE = 0.005  # of incidents, reported 50-300 times (a major attack every outlet covers)
OUTLET_CITIES = ["Beirut", "Baghdad", "Erbil", "Amman", "Damascus", "Aleppo", "Sanaa", "Aden",
                 "Riyadh", "Doha", "Dubai", "Kuwait", "Cairo", "Istanbul", "Ankara", "Tehran",
                 "Jerusalem", "Gaza", "Ramallah", "Basra", "Mosul", "Kirkuk", "Sulaymaniyah",
                 "Homs", "Latakia", "Tyre", "Sidon", "Tripoli", "Hodeidah", "Taiz", "Muscat",
                 "Manama", "London", "Paris", "Berlin", "Washington", "New York", "Geneva",
                 "Brussels", "Moscow", "Delhi", "Karachi", "Tokyo", "Sydney", "Toronto",
                 "Madrid", "Rome", "Vienna", "Stockholm", "Nairobi", "Johannesburg", "Lagos",
                 "Tunis", "Algiers", "Rabat", "Khartoum", "Baku", "Tbilisi", "Yerevan", "Kabul"]
OUTLET_KINDS = ["Times", "Post", "Herald", "News", "Observer", "Tribune", "Gazette", "Radio",
                "TV", "Online", "Monitor", "Chronicle", "Daily", "Weekly", "Review", "Express",
                "Journal", "Wire", "Report", "Independent", "Telegraph", "Echo", "Voice",
                "Mirror", "Star"]
HEAVY_SOURCES = [f"{c} {k}" for c in OUTLET_CITIES for k in OUTLET_KINDS] + SOURCES
WIRE = [("Reuters", "(Reuters) -"), ("AP", "(AP) -"), ("AFP", "(AFP) -")]
BODY = [  # sentences of a news story with no fact the benchmark checks
    "Witnesses described a series of loud explosions followed by thick black smoke rising over "
    "the area, and ambulances were seen heading towards the site within minutes.",
    "A spokesman for the local health authorities said hospitals in the area had declared a state"
    " of emergency and called on residents to donate blood.",
    "The claim could not be independently verified, and officials gave no further details about "
    "the type of munitions used or the exact target of the attack.",
    "Residents said electricity and mobile phone networks were cut for several hours afterwards, "
    "and that many families had left their homes for safer areas.",
    "The incident comes amid a sharp escalation in the region over recent weeks, with near-daily "
    "exchanges of fire reported along the front line.",
    "Security sources, speaking on condition of anonymity because they were not authorised to "
    "brief the media, said the death toll was likely to rise.",
    "Footage shared on social media, which could not be immediately authenticated, appeared to "
    "show damaged vehicles and a collapsed building near a main road.",
    "Diplomats said the attack would complicate efforts to negotiate a ceasefire, which have "
    "stalled over disagreements about the sequencing of a withdrawal.",
    "The United Nations called on all parties to exercise maximum restraint and to respect their "
    "obligations under international humanitarian law.",
    "A statement issued later in the day said the operation had targeted a weapons depot and a "
    "command position used by armed groups in the area.",
    "Local officials said rescue teams were still searching the rubble for survivors late into "
    "the night, hampered by the darkness and continuing drone activity overhead.",
    "Aid organisations warned that the repeated strikes were making it increasingly difficult to "
    "deliver food, water and medical supplies to displaced families.",
    "The ministry said in a statement that it held the attackers fully responsible and reserved "
    "the right to respond at a time and place of its choosing.",
    "Analysts said the choice of target suggested an effort to disrupt supply lines rather than "
    "to inflict casualties, although civilians were among those hurt.",
    "It was the third such incident in the district this month, according to a tally kept by a "
    "local monitoring group that documents attacks in the area.",
    "Schools in the surrounding villages were closed the following day as a precaution, and the "
    "authorities urged residents to stay away from the site.",
    "A military official said air defences had intercepted several projectiles, but that at least"
    " one had struck its target and caused a fire that burned for hours.",
    "Relatives of the victims gathered outside the hospital morgue, where medical staff said "
    "several of the bodies had not yet been identified.",
    "The foreign ministry summoned the ambassador to protest what it described as a flagrant "
    "violation of the country's sovereignty and of existing agreements.",
    "Satellite images taken two days later showed a large crater and several destroyed structures"
    " at the location, according to an independent research group.",
    "Journalists who reached the area were turned back at a checkpoint several kilometres away, "
    "and officials cited the risk of further strikes.",
    "The group that claimed the attack said in a message on its channel that it was retaliation "
    "for earlier strikes on its positions and on civilians.",
    "A resident who asked not to be named for fear of reprisals said the blast shattered windows "
    "across the neighbourhood and sent people running into the streets.",
    "Officials said an investigation had been opened into the circumstances of the attack and "
    "that its findings would be shared with international partners.",
    "Prices of fuel and basic goods rose in local markets in the days that followed, as traders "
    "feared that the main road to the city would be closed again.",
    "The health ministry later revised its figures, saying that some of those first reported "
    "missing had been found alive in a nearby village.",
    "Military observers noted that the attack used a route that had been considered secure since "
    "the last round of fighting ended earlier in the year.",
    "Condolences poured in from neighbouring countries, several of which called for an urgent "
    "meeting of the Security Council to discuss the escalation.",
]
HEAVY_BODY = (11, 15)  # body sentences per quote: with the lead and closing, ~1.8-2.4 KB
BODY_TEXT = "".join(f"{s} " for s in BODY * 2)  # twice, so a run from any sentence fits
BODY_STARTS = np.cumsum([0] + [len(s) + 1 for s in BODY * 2])


def heavy(n: int, seed: int = 0, start: date = date(2015, 1, 1), days: int = 3650,
          widen: int = 1) -> Iterator[pd.DataFrame]:
    """Today's places and events, but HEAVY_SHARE of incidents have 50-300 reports, every
    report carries a ~2 KB single-line quote (its own story, or for a third of reports the
    incident's wire story republished: same text, one source) and a distinct article URL at
    one of ~1,500 outlets: wide text through every stage, big groups for matching and grading.
    `widen`: each quote that many times over (the same reports with wider text, to see what a
    build's memory does with the text's width alone)."""
    def sizes(rng: np.random.Generator) -> Callable[[int], np.ndarray]:
        def draw(m: int) -> np.ndarray:
            big = rng.random(m) < HEAVY_SHARE
            return np.where(big, rng.integers(50, 301, size=m), rng.integers(1, 5, size=m))
        return draw

    def make(rng: np.random.Generator, rows: int, first: int) -> pd.DataFrame:
        m, of = _incidents(rng, rows, sizes(rng))
        place_idx = rng.integers(len(PLACES), size=m)
        place = np.array([p for p, _ in PLACES], dtype=object)[place_idx]
        hint = np.array([h for _, h in PLACES], dtype=object)[place_idx]
        event = _pick(rng, EVENTS, m)
        day = _days(start, rng.integers(days, size=m))
        lang = LANGUAGES[rng.integers(len(LANGUAGES), size=rows)]
        published, pub = _published(rng, day[of], 3)
        dates = _date_texts(rng, day[of], pub, lang, clock_share=0.1)
        source = _pick(rng, HEAVY_SOURCES, rows).tolist()
        agency, credit = zip(*[WIRE[i] for i in rng.integers(len(WIRE), size=m).tolist()],
                             strict=True)
        stories = _quotes(rng, [f"{p.upper()} {c} A {e} hit {p} ({d}), officials said."
                                for p, c, e, d in zip(place, credit, event, day.astype(str),
                                                      strict=True)],
                          [f"Reporting by {a}." for a in agency])
        own = _quotes(rng, [f"{p} - A {e} hit {p} {d}, {s} reported." for p, e, d, s
                            in zip(place[of], event[of], dates, source, strict=True)],
                      [f"Reporting by {s}; this story was last updated {t}." for s, t
                       in zip(source, published, strict=True)])
        copy = rng.random(rows) < 1 / 3
        quotes = [" ".join([stories[i] if c else q] * widen)
                  for i, c, q in zip(of.tolist(), copy.tolist(), own, strict=True)]
        urls = [f"https://www.{s.lower().replace(' ', '')}.com/{t[:10].replace('-', '/')}/"
                f"{e.replace(' ', '-')}-{first + i}" for i, (s, t, e)
                in enumerate(zip(source, published, event[of].tolist(), strict=True))]
        return _frame(first, {
            "source": source, "published": published, "language": lang,
            "event_type": event[of], "date": dates, "place": place[of], "country": hint[of],
            "killed": _pick(rng, COUNTS, rows), "injured": _pick(rng, COUNTS, rows),
            "source_url": urls, "quote": quotes})
    return _chunks(n, seed, make, size=CHUNK // 2)  # rows 20 times as wide


def _quotes(rng: np.random.Generator, leads: list[str], closings: list[str]) -> list[str]:
    """~2 KB one-line stories: a lead naming the event, a run of body sentences (a slice of
    BODY_TEXT from a random sentence: one copy per story, no join), and a closing line naming
    the outlet (two outlets' own stories never share their first or last words)."""
    size = len(leads)
    first = rng.integers(len(BODY), size=size)
    last = first + rng.integers(*HEAVY_BODY, size=size)
    bodies = [BODY_TEXT[a:b] for a, b in zip(BODY_STARTS[first].tolist(), BODY_STARTS[last].tolist(),
                                             strict=True)]
    return [f"{lead} {body}{closing}" for lead, body, closing in zip(leads, bodies, closings,
                                                                    strict=True)]


SHAPES: dict[str, Callable[..., Iterator[pd.DataFrame]]] = {
    "today": today, "dense": dense, "long_tail": long_tail, "heavy": heavy}


def synth_reports(n: int, seed: int = 0, shape: str = "today") -> pd.DataFrame:
    """`n` synthetic reports of `shape` in one frame (for benchmarks of single functions)."""
    return pd.concat(list(SHAPES[shape](n, seed)), ignore_index=True)


def write_raw(n: int, folder: Path, seed: int = 0, files: int = 4, shape: str = "today",
              **options: int) -> Path:
    """Write `n` synthetic reports of `shape` (with its `options`, such as heavy's `widen`) as
    `files` CSV files under `folder` (a raw folder for `build`), a chunk at a time."""
    folder.mkdir(parents=True, exist_ok=True)
    bounds = np.linspace(0, n, files + 1).astype(int)
    written = 0
    for chunk in SHAPES[shape](n, seed, **options):
        for i in range(files):  # the part of this chunk that belongs to file i
            lo, hi = max(bounds[i], written), min(bounds[i + 1], written + len(chunk))
            if lo < hi:
                _write_csv(chunk.iloc[lo - written:hi - written], folder / f"synthetic-{i}.csv",
                           header=lo == bounds[i])
        written += len(chunk)
    return folder


_NEEDS_QUOTES = re.compile(r'[,"\r\n]')


def _write_csv(frame: pd.DataFrame, path: Path, header: bool) -> None:
    """The bytes `frame.to_csv(path, index=False)` writes (minimal quoting), at twice its speed
    on 2 KB quotes: a million heavy reports are 2 GB of CSV."""
    def field(value: str) -> str:
        return '"' + value.replace('"', '""') + '"' if _NEEDS_QUOTES.search(value) else value

    columns = [[field(v) for v in frame[c].tolist()] for c in frame.columns]
    with open(path, "w" if header else "a", encoding="utf-8", newline="") as fh:
        if header:
            fh.write(",".join(frame.columns) + "\n")
        fh.writelines([",".join(row) + "\n" for row in zip(*columns, strict=True)])


def describe(n: int, shape: str, seed: int = 0) -> dict:
    """What benchmarks/README.md says of a shape: distinct place and date texts, and the
    seconds and MB `write_raw` takes."""
    import tempfile
    import time

    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        folder = write_raw(n, Path(tmp) / "raw", seed, shape=shape)
        seconds = time.perf_counter() - start
        mb = sum(f.stat().st_size for f in folder.iterdir()) / 2**20
    frame = synth_reports(n, seed, shape)
    return {"shape": shape, "reports": n, "place_texts": int(frame["place"].nunique()),
            "date_texts": int(frame["date"].nunique()),
            "write_raw_seconds": round(seconds, 1), "raw_mb": round(mb)}


if __name__ == "__main__":  # python -m benchmarks.synth SHAPE N
    import sys

    print(describe(int(sys.argv[2]), sys.argv[1]))
