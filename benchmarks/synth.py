"""Synthetic incident reports for benchmarks: SYNTHETIC, generated, never real events.

Each synthetic incident has a day, a place and an event type; each of its 1-4 reports is
published 0-3 days later and phrases the date the way outlets do (absolute in several
orders, weekdays with parts of day, relative words, times with zones, Arabic and French),
so the mix of distinct (text, publication day) pairs resembles real input.
"""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime, timedelta
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


def synth_reports(n: int, seed: int = 0, start: date = date(2015, 1, 1), days: int = 3650
                  ) -> pd.DataFrame:
    """`n` synthetic reports in the raw contract's columns (all text)."""
    rng = np.random.default_rng(seed)
    rows: list[list[str]] = []
    incident = 0
    while len(rows) < n:
        incident += 1
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
            rows.append([
                f"syn-{len(rows):07d}", SOURCES[rng.integers(len(SOURCES))], pub_text, lang,
                event, _phrase(rng, d, local, lang), place, hint, "",
                "", COUNTS[rng.integers(len(COUNTS))], COUNTS[rng.integers(len(COUNTS))], "",
            ])
            if len(rows) >= n:
                break
    return pd.DataFrame(rows, columns=["report_id", "source", "published", "language",
                                       "event_type", "date", "place", "country", "actor1",
                                       "actor2", "killed", "injured", "troops"])


def write_raw(n: int, folder: Path, seed: int = 0, files: int = 4) -> Path:
    """Write `n` synthetic reports as CSV files under `folder` (a raw folder for `build`)."""
    folder.mkdir(parents=True, exist_ok=True)
    frame = synth_reports(n, seed)
    bounds = np.linspace(0, len(frame), files + 1).astype(int)
    for i in range(files):
        part = frame.iloc[bounds[i]:bounds[i + 1]]
        part.to_csv(folder / f"synthetic-{i}.csv", index=False, quoting=csv.QUOTE_MINIMAL)
    return folder
