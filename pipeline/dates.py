"""Reported date text → an inclusive span, a best day and a precision, resolved against publication.

Why not dateparser alone: it resolves against today's clock unless told otherwise, returns
dates after publication for "December 28" in a January article, returns None for "early
January" and loses the end of "3-4 January". Here exact rules decide the common forms, and
dateparser is the fallback for the rest, called once per distinct (text, language, day).
"""

from __future__ import annotations

import calendar
import csv
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from functools import cache, lru_cache
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa

from .config import PACKAGE_DATA, PUBLICATION_SLACK_DAYS
from .errors import RowError

MONTHS = {
    name: i
    for i, names in enumerate(
        [(), ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
         ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
         ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
         ("december", "dec")]
    )
    for name in names
}
WEEKDAYS = {d: i for i, d in enumerate(
    ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])}
NUMBER_WORDS = {w: i for i, w in enumerate(
    ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"])}
PART_OF_DAY = r"(?:morning|afternoon|evening|night|dawn|noon|midday|midnight|daybreak|hours)"
THIRDS = {"early": (1, 10), "mid": (11, 20), "late": (21, 31)}
YEAR_THIRDS = {"early": (1, 4), "mid": (5, 8), "late": (9, 12)}
_ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_ARABIC_MARKS = re.compile(r"[\u064b-\u0652\u0640]")  # harakat and tatweel
_SLACK = timedelta(days=PUBLICATION_SLACK_DAYS)  # how far after publication a day may be


# Date methods by which the source itself wrote the calendar day (not a weekday or "yesterday"
# read against the publication's clock): reconciliation and grading trust these.
STATED = r"exact|iso|numeric"


def day_numbers(dates: pd.Series) -> np.ndarray:
    """A column of `datetime.date` as days since 1970-01-01, through Arrow (no Python date
    arithmetic per row)."""
    return pa.array(dates, type=pa.date32()).to_numpy(zero_copy_only=False).astype(np.int64)


class DateError(RowError):
    """A date text that cannot become a span (date_unparseable, date_after_publication)."""


@dataclass(frozen=True)
class DateSpan:
    """An inclusive span of days, the best single day, its precision and how it was found."""

    start: date
    end: date
    best: date
    precision: str
    method: str


def precision_of(start: date, end: date) -> str:
    """SPEC §4: the precision is a function of the span's length, never a guess."""
    days = (end - start).days + 1
    if days == 1:
        return "day"
    if days <= 6:
        return "days"
    if days == 7:
        return "week"
    if days <= 31:
        return "month"
    return "year"


# --- text normalization ------------------------------------------------------------------


@lru_cache(maxsize=1)
def _word_table() -> dict[str, list[tuple[tuple[str, ...], str]]]:
    """Date words of Arabic, French, Persian, Turkish and Hebrew → English, longest phrase
    first (data, not code). Persian's Solar Hijri months become `sh1`..`sh12`, which
    `_solar_hijri` converts."""
    table: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    with open(PACKAGE_DATA / "date_words.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            phrase = tuple(_fold(row["phrase"]).split())
            table.setdefault(row["language"], []).append((phrase, row["english"].strip()))
    for entries in table.values():
        entries.sort(key=lambda e: -len(e[0]))
    return table


@cache
def _by_first_word(language: str) -> dict[str, list[tuple[tuple[str, ...], str]]]:
    """The language's date words grouped by their first word, each group in the table's
    order (longest phrase first): where a phrase may start, only its group is tried."""
    groups: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for phrase, english in _word_table().get(language, []):
        groups.setdefault(phrase[0], []).append((phrase, english))
    return groups


# Persian yeh and kaf as Arabic ones (outlets mix the two), a zero-width non-joiner
# ("سه‌شنبه", Tuesday) as the space it is often written as
_LETTER_VARIANTS = str.maketrans("أإآىـ،یک\u200c", "اااي ,يك ")


def _fold(text: str) -> str:
    """Lowercase, Western digits, Arabic letters without vowel marks and alef/ya variants.
    ASCII text is only lowercased: it has none of those to change. Those passes were a
    quarter of cleaning a long tail's date texts under cProfile; skipped for ASCII, the dates
    of 200,000 long-tail reports took 6-7% less CPU (three side-by-side pairs, a throwaway
    script)."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKC", text).lower().translate(_ARABIC_DIGITS)
    text = _ARABIC_MARKS.sub("", text)
    return text.translate(_LETTER_VARIANTS)


_ARABIC = re.compile(r"[\u0600-\u06ff]")


@cache
def _first_words(language: str) -> re.Pattern[str]:
    """Any of the language's phrases' first words, anywhere in a text (as a substring): one
    search, where a loop over the table's phrases cost a third of cleaning a new text."""
    words = {phrase[0] for phrase, _ in _word_table().get(language, [])}
    return re.compile("|".join(map(re.escape, sorted(words, key=len, reverse=True))) or "(?!)")


_FRENCH = re.compile(r"janvier|février|fevrier|avril|juillet|août|décembre|hier|lundi|mardi|"
                     r"mercredi|jeudi|vendredi|samedi|dimanche")
_MID = re.compile(r"\bmi-(?=\w)")
_PREMIER = re.compile(r"\b(\d+)er\b")
_GLUED_WA = re.compile(r"(?<!\S)و(?=ال|\d)")
_ARABIC_SEPARATOR = re.compile(r"(?<=[\u0600-\u06ff])\s*([-/])\s*(?=[\u0600-\u06ff])")
_TOKEN = re.compile(r"[\w'’.-]+|[^\w\s]")


def _translate(text: str, language: str) -> str:
    # the report's own language first when the table has it (Persian before Arabic, whose
    # script it shares; Turkish, Hebrew), then Arabic for any Arabic-script text
    langs = [language] if language in _word_table() and language not in ("en", "fr") else []
    if _ARABIC.search(text) and "ar" not in langs:
        langs.append("ar")
    if "en" in _word_table() and _first_words("en").search(text):
        langs.append("en")  # English phrases with a fixed meaning ("christmas day")
    if language == "fr" or (language not in ("en", "ar") and _FRENCH.search(text)):
        langs.append("fr")
    if not langs:
        return text
    if "fr" in langs:
        text = _MID.sub("mid ", text)
        text = _PREMIER.sub(r"\1", text)
    if "ar" in langs:  # the conjunction و and the article are glued to the next word
        text = _GLUED_WA.sub("و ", text)
        text = _ARABIC_SEPARATOR.sub(r" \1 ", text)
    tokens = _TOKEN.findall(text)
    out: list[str] = []
    i = 0
    while i < len(tokens):
        for lang in langs:
            hit = next(((p, e) for p, e in _by_first_word(lang).get(tokens[i], ())
                        if tuple(tokens[i:i + len(p)]) == p), None)
            if hit:
                if hit[1]:
                    out.append(hit[1])
                i += len(hit[0])
                break
        else:
            out.append(tokens[i])
            i += 1
    return " ".join(out)


def _starting(first: str, pattern: str, flags: int = 0) -> re.Pattern[str]:
    """`pattern` tried only where a match can begin: `first` is a character class's contents
    that holds the first character of every match. Python's engine otherwise tries each
    alternative at each position of the text. So the clock, zone and filler patterns of
    cleaning cost 30-50% less on a long tail's 81,173 date texts, and reading a clock time
    and its zone (`clock_of`) 27-29% less on 119,099 texts of the long tail and `today`
    (throwaway timings). Tests check that each pattern finds what it finds without its gate
    (`test_gated_patterns_find_what_the_whole_ones_do`)."""
    return re.compile(f"(?=[{first}])(?:{pattern})", flags)


# A clock time says nothing about the day once `localize_dates` has read it: "9:30 p.m.",
# "21:30", "2130 GMT", French "vers 14h30", Arabic "الساعة 9:30", with "shortly before" and
# the like (the exact rules then decide the day; dateparser is never needed for it).
_TIME_PATTERN = (
    r"(?:\b(?:shortly|just|soon|right)\s+(?:before|after)\s+|\bvers\s+|الساعة\s*|الساعه\s*)?"
    r"(?:\b\d{1,2}(?:\s?:\s?\d{2})?\s*(?:a\.?\s?m\b\.?|p\.?\s?m\b\.?)"
    r"|\b\d{1,2}\s?:\s?\d{2}\b|\b\d{3,4}\s*(?:hours|hrs|gmt|utc|z)\b|\b\d{1,2}h\d{2}\b)"
)
_TIME = _starting("sjrv\u0627\\d", _TIME_PATTERN)
_ZONE_PATTERN = (
    r"\((?:[a-z]{2,4}|[^)]*time)\)|\b(?:baghdad|local|damascus|amman|beirut|eastern|"
    r"washington|jerusalem|tehran|gaza|sanaa|arabia|gulf|iraq|syria|jordan|israel|iran|"
    r"lebanon|yemen)\s+(?:standard\s+)?time\b"
    r"|\b(?:est|edt|et|gmt|utc|ast|cet)\b"
)
_ZONE = _starting("(abcdegijlstuwy", _ZONE_PATTERN)
_FILLER_PATTERN = (
    r"\b(?:on\s+or\s+about|approximately|approx\.?|around|about|roughly|some\s?time|sometime|"
    r"as\s+of|on|at|the|of|in|during|by|reportedly|was|were|date|dated|starting|shortly|just|"
    r"early\s+hours|wee\s+hours|small\s+hours|hours|late\s+on|early\s+on)\b"
)
_FILLER = _starting("abdehijlorstw", _FILLER_PATTERN)


_ORDINAL = re.compile(r"(\d)(st|nd|rd|th)\b")
_ABBREVIATION = re.compile(r"(?<=[a-z])\.")
_DASH = re.compile(r"\s*-\s*")
_PUNCTUATION = re.compile(r"[,;()\"'’]|\.{2,}|…")


# A clock time written as its own words ("9:30 p.m.", "at 21:30 GMT", French "vers 18h35"):
# cleaning drops it (`_TIME`) whatever its digits are, so they are made zeros before the memo
# is asked. Its own words: no letter, digit, dot, colon, dash or apostrophe beside it, so that
# translating keeps its digits as tokens of their own (no date word is made of digits alone:
# `test_no_date_word_is_digits`), and no colon before it, so that `_TIME` drops it as before.
# Only digits change, and no pattern of cleaning tells one digit from another, so a text
# cleans as it did (tests compare both ways on the gold texts, word pairs and generated
# texts). A long tail's million reports have 304,516 date texts, 238,708 of them with such a
# clock time: 148,086 texts to clean then, and `normalize_dates` took 14% less CPU on
# 500,000 of them (two side-by-side pairs, a throwaway script).
_CLOCK_DIGITS = _starting("0-9", r"(?<![\w'’.:-])[0-9][0-9]?[:h][0-9][0-9](?![\w'’.:-])")
_ZEROS = str.maketrans("123456789", "0" * 9)


def _zeros(m: re.Match[str]) -> str:
    if m.string[:m.start()].rstrip().endswith(":"):
        return m[0]  # "1: 01:24": `_TIME` reads "1 : 01" as the clock time, and keeps "24"
    return m[0].translate(_ZEROS)


def _clean(text: str, language: str) -> str:
    """A date text as the rules read it: folded, translated to English words, without its
    clock time, zone, filler words and punctuation."""
    return _cleaned(_CLOCK_DIGITS.sub(_zeros, _fold(text)), language)


@lru_cache(maxsize=300_000)
def _cleaned(folded: str, language: str) -> str:
    text = _translate(folded, language)
    text = _TIME.sub(" ", text)
    text = _ZONE.sub(" ", text)
    text = _FILLER.sub(" ", text)
    text = _ORDINAL.sub(r"\1", text)
    text = _ABBREVIATION.sub("", text)  # Jan. → jan
    text = text.replace("–", "-").replace("—", "-").replace("−", "-").replace("/", "/")
    text = _DASH.sub("-", text)
    text = _PUNCTUATION.sub(" ", text)  # "Thursday ... at 11:37": an elision
    return " ".join(text.split())


# --- exact rules ---------------------------------------------------------------------------

_M = "(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + ")"
_D = r"(\d{1,2})"
_Y = r"(\d{4})"
_W = "(" + "|".join(WEEKDAYS) + ")"


class _BeforeCalendar(Exception):
    """A text's year or count reaches before the first day its calendar can hold (year 1 of a
    `date` or a `jdatetime.date`), where `date` and `timedelta` would raise ValueError or
    OverflowError and stop the build: surely before the supported window, which `_parse`
    reports with the text (date_out_of_range)."""


def _day(year: int, month: int, day: int) -> date:
    """The one way from a text's numbers to a day: a year before year 1 ("January 0000", "2025
    years ago") is out of range, a day the month lacks unparseable."""
    if year < date.min.year:
        raise _BeforeCalendar
    try:
        return date(year, month, day)
    except ValueError:
        raise DateError("date_unparseable",
                        f"no such day: {year:04d}-{month:02d}-{day:02d}") from None


def _days_before(ref: date, days: int) -> date:
    """`ref` less a count of days a text gave, counted in integers: `timedelta` overflows on a
    count reaching before year 1 ("999999 days ago")."""
    ordinal = ref.toordinal() - days
    if ordinal < 1:
        raise _BeforeCalendar
    return date.fromordinal(ordinal)


# A billion of any unit (hours, days, weeks, months, years) reaches back before year 1.
_MAX_COUNT = 10**9


def _count(digits: str) -> int:
    """A count of units back as written, or `_MAX_COUNT` for a longer one (as far out of range).
    Its length is read first: `int` refuses more than 4,300 digits, and a field holds 10,000."""
    digits = digits.lstrip("0")
    return int(digits or "0") if len(digits) < len(str(_MAX_COUNT)) else _MAX_COUNT


def _infer_year(month: int, day: int, ref: date) -> int:
    """A missing year is the publication's, unless that falls after publication."""
    limit = ref + _SLACK
    if (month, day) > (limit.month, limit.day) and not (month == 2 and day == 29):
        return ref.year - 1
    if month == 2 and day == 29:  # the most recent leap year whose 29 February is not after ref
        year = ref.year if (2, 29) <= (limit.month, limit.day) else ref.year - 1
        while not calendar.isleap(year):
            year -= 1
        return year
    return ref.year


def _month_year(month: int, ref: date) -> int:
    return ref.year if month <= ref.month else ref.year - 1


def _month_span(year: int, month: int, lo: int = 1, hi: int = 31) -> tuple[date, date]:
    first = _day(year, month, lo)  # the year is checked before `calendar` reads it
    return first, _day(year, month, min(hi, calendar.monthrange(year, month)[1]))


def _weekday_on_or_before(ref: date, weekday: int, strictly: bool = False) -> date:
    back = (ref.weekday() - weekday) % 7
    if strictly and back == 0:
        back = 7
    return ref - timedelta(days=back)


_RELATIVE_DAYS = {
    "today": 0, "tonight": 0, "now": 0, "currently": 0, "presently": 0, "this morning": 0,
    "this afternoon": 0, "this evening": 0, "earlier today": 0, "as of now": 0, "so far": 0,
    "right now": 0, "yesterday": 1, "last night": 1, "overnight": 1, "yesterday morning": 1,
    "yesterday afternoon": 1, "yesterday evening": 1, "late yesterday": 1, "early yesterday": 1,
    "yesterday night": 1, "last evening": 1, "day before yesterday": 2,
    "day before yesterday evening": 2, "a day earlier": 1, "day earlier": 1, "day before": 1,
    "previous day": 1, "a day before": 1, "midnight": 1,
}


_RELATIVE_WORDS = re.compile(
    r"today|tonight|yesterday|now|current|present|ago|last|past|previous|this|weekend|"
    r"overnight|midnight|earlier|day before|so far")


_SINCE_NOW = re.compile(r"^(?:as of|since|until|through)\s+(?=today|now)")
_LAST_HOURS = re.compile(r"(?:over )?(?:last|past|previous) (\d+)(?: hours)?")  # "hours": filler
_TODAY = re.compile(r"\b(?:today|yesterday|tonight)\b")
# A night before the publication day straddles two local days: the attack "last night" or
# "overnight" may have struck before or after midnight at the place.
_NIGHT = re.compile(r"\b(?:night|overnight|midnight)\b")
_A_WEEKDAY = re.compile(rf"\s*\b{_W}\b\s*")
_WORDS = re.compile(r"[\s-]+")  # a qualifier may be hyphened to its word ("after-midnight")
_LIGHT = re.compile(r"\b(?:early|late|before|after|overnight|earlier|later)\b")
_BARE = re.compile(rf"\b(?:{PART_OF_DAY}|early|late|before|after|overnight|earlier|later)\b")
_AGO = re.compile(r"([-+]?)(\d+|" + "|".join(NUMBER_WORDS) + r") (day|week|month|year)s? ago")
_WEEKEND = re.compile(r"(?:over )?(?:the )?weekend")
_THIS_LAST = re.compile(r"(early |mid |late |earlier |later )?(this|last|past|previous) "
                        r"(week|weekend|month|year)")


@lru_cache(maxsize=100_000)
def _relative_parts(t: str) -> tuple | None:
    """The publication-independent half of `_relative`: what the phrase counts back from the
    publication day, and in which unit: ("hours", n), ("day", days back), ("night", days
    back to its evening), ("ago", unit, n),
    ("weekend",) or ("this", third, which, unit)."""
    if not _RELATIVE_WORDS.search(t):
        return None
    t = _SINCE_NOW.sub("", t)
    m = _LAST_HOURS.fullmatch(t)
    if m:
        return "hours", _count(m[1])
    t = _A_WEEKDAY.sub(" ", t).strip() if _TODAY.search(t) else t  # "today friday" (ar/fr habit)
    # the words left without qualifiers ("after-midnight", "early this morning"), without
    # them and parts of day, or without parts of day ("evening day before yesterday", Arabic)
    light, bare, parts = (" ".join(_WORDS.split(p.sub(" ", t))).strip()
                          for p in (_LIGHT, _BARE, _PARTS_RE))
    for key in (t, light, bare, parts):  # "dawn today"
        if key in _RELATIVE_DAYS:
            back = _RELATIVE_DAYS[key]
            return ("night" if back and _NIGHT.search(t) else "day"), back
    m = _AGO.fullmatch(t)
    if m:
        if m[1] == "-":  # no day before publication; dateparser would guess "-1" meant 1
            raise DateError("date_unparseable",
                            f"{t!r}: a negative count of {m[3]}s ago is not a date in the past")
        return "ago", m[3], _count(m[2]) if m[2].isdigit() else NUMBER_WORDS[m[2]]
    if _WEEKEND.fullmatch(t):
        return ("weekend",)
    m = _THIS_LAST.fullmatch(t)
    if m:
        return "this", (m[1] or "").strip(), m[2], m[3]
    return None


def _relative(t: str, ref: date) -> tuple[date, date, str] | None:
    parts = _relative_parts(t)
    if parts is None:
        return None
    kind = parts[0]
    if kind == "hours":  # "in the last 24 hours": the publication day and the days they reach
        return _days_before(ref, max(1, -(-parts[1] // 24))), ref, "relative_hours"
    if kind == "day":
        d = ref - timedelta(days=parts[1])
        return d, d, "relative_day"
    if kind == "night":  # "last night": the evening before and the small hours after midnight
        d = ref - timedelta(days=parts[1])
        return d, d + timedelta(days=1), "relative_night"
    if kind == "ago":
        unit, n = parts[1], parts[2]
        if unit == "day":
            d = _days_before(ref, n)
            return d, d, "relative_ago"
        if unit == "week":
            start = _days_before(ref, 7 * n + ref.weekday())
            return start, start + timedelta(days=6), "relative_ago"
        if unit == "month":
            y, mo = divmod(ref.year * 12 + ref.month - 1 - n, 12)
            return (*_month_span(y, mo + 1), "relative_ago")
        return _day(ref.year - n, 1, 1), _day(ref.year - n, 12, 31), "relative_ago"
    if kind == "weekend":  # the latest Saturday-Sunday
        sat = _weekday_on_or_before(ref, 5)
        return sat, min(sat + timedelta(days=1), ref), "relative_week"
    third, which, unit = parts[1], parts[2], parts[3]
    if unit == "week":
        monday = ref - timedelta(days=ref.weekday())
        start = monday if which == "this" else monday - timedelta(days=7)
        return start, start + timedelta(days=6), "relative_week"
    if unit == "weekend":
        sat = _weekday_on_or_before(ref, 5, strictly=which != "this")
        return sat, sat + timedelta(days=1), "relative_week"
    if unit == "month":
        if which == "this":
            y, mo = ref.year, ref.month
        else:
            y, mo = divmod(ref.year * 12 + ref.month - 2, 12)
            mo += 1
        if third in THIRDS:
            return (*_month_span(y, mo, *THIRDS[third]), "relative_month_part")
        if third == "earlier":
            return date(y, mo, 1), ref, "relative_month"
        return (*_month_span(y, mo), "relative_month")
    year = ref.year if which == "this" else ref.year - 1
    if third in THIRDS:
        lo, hi = YEAR_THIRDS[third]
        return date(year, lo, 1), _month_span(year, hi)[1], "relative_year_part"
    if third == "earlier":
        return date(year, 1, 1), ref, "relative_year"
    return date(year, 1, 1), date(year, 12, 31), "relative_year"


_PARTS_RE = re.compile(rf"\b{PART_OF_DAY}\b")
_WEEKDAY_NOISE = re.compile(
    r"\b(?:early|late|this|past|overnight|before|after|earlier|later|night of)\b")
_WEEKDAY_RE = re.compile(rf"(last )?{_W}(?:(?:-| to | and | into | ){_W})?")  # " ": Arabic
# "Thursday night" (English order) runs into Friday's small hours, where a strike at 01:00 is
# Friday at the place and in local outlets. Not "night thursday": Arabic "ليلة الخميس" is
# the eve of Thursday, and French "nuit de jeudi" needs its "à vendredi" to say which way.
_WEEKDAY_NIGHT = re.compile(rf"\b{_W} night\b")
_EARLY = re.compile(r"\bearly\b")  # "early Sunday night" is the evening: one day


@lru_cache(maxsize=100_000)
def _weekday_parts(t: str) -> tuple[bool, int, int | None, bool] | None:
    """The publication-independent half of `_weekday_phrase`: (last?, weekday, end weekday,
    a night?)."""
    night = bool(_WEEKDAY_NIGHT.search(t)) and not _EARLY.search(t)
    t = _WEEKDAY_NOISE.sub(" ", _PARTS_RE.sub(" ", t))
    m = _WEEKDAY_RE.fullmatch(" ".join(t.split()))
    if not m:
        return None
    return bool(m[1]), WEEKDAYS[m[2]], WEEKDAYS[m[3]] if m[3] else None, night


def _weekday_phrase(t: str, ref: date) -> tuple[date, date, str] | None:
    parts = _weekday_parts(t)
    if parts is None:
        return None
    last, wd1, wd2, night = parts
    first = _weekday_on_or_before(ref, wd1, strictly=last)
    if wd2 is not None:  # "Saturday to Sunday night": the span ends on the second day
        # A night that began on the publication day may end the next, within the slack
        # (written late Monday: "after midnight Monday to Tuesday").
        second = _weekday_on_or_before(ref + _SLACK, wd2)
        first = second - timedelta(days=(wd2 - wd1) % 7)
        if first > ref:
            second -= timedelta(days=7)
            first -= timedelta(days=7)
        return first, second, "weekday_span"
    if night:
        return first, first + timedelta(days=1), "weekday_night"
    return first, first, "weekday"


_ISO_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_ISO_INTERVAL = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2}) ?/ ?(\d{4})-(\d{1,2})-(\d{1,2})")
_NUMERIC_DAY = re.compile(r"(\d{1,2})([./-])(\d{1,2})\2(\d{2}|\d{4})")


def _numeric(t: str, ref: date) -> tuple[date, date, str] | None:
    m = _ISO_DAY.fullmatch(t)
    if m:
        d = _day(int(m[1]), int(m[2]), int(m[3]))
        return d, d, "iso"
    # An ISO 8601 interval of days, as coded datasets give a span (UCDP's date_start and
    # date_end, an ACLED week): both ends are the text's own, never a guess.
    m = _ISO_INTERVAL.fullmatch(t)
    if m:
        start = _day(int(m[1]), int(m[2]), int(m[3]))
        end = _day(int(m[4]), int(m[5]), int(m[6]))
        if end < start:
            raise DateError("date_unparseable", f"the interval {t!r} ends before it starts")
        return start, end, "iso_interval"
    m = _NUMERIC_DAY.fullmatch(t)
    if not m:
        return None
    a, b, year = int(m[1]), int(m[3]), int(m[4])
    year += 2000 if len(m[4]) == 2 else 0  # "3/4/24"; four digits as written ("3/4/0001": year 1)
    if m[2] == "." or a > 12:
        d = _day(year, b, a)
        return d, d, "numeric_dmy"
    if b > 12:
        d = _day(year, a, b)
        return d, d, "numeric_mdy"
    if a == b:
        d = _day(year, a, b)
        return d, d, "numeric_dmy"
    # Ambiguous: the reading closest before publication (SPEC §4).
    limit = ref + _SLACK
    readings = [(_day(year, b, a), "numeric_ambiguous_dmy"), (_day(year, a, b),
                                                              "numeric_ambiguous_mdy")]
    past = [r for r in readings if r[0] <= limit]
    chosen = max(past) if past else min(readings)
    return chosen[0], chosen[0], chosen[1]


_DAY_MONTH = re.compile(rf"{_D} {_M}(?: {_Y})?")
_MONTH_DAY = re.compile(rf"{_M} {_D}(?: {_Y})?")


@lru_cache(maxsize=100_000)
def _absolute_parts(t: str) -> tuple[int, str, str | None] | None:
    """The publication-independent half of `_absolute`: (day, month name, year text)."""
    t = re.sub(rf"^{_W} ", "", t)
    t = _PARTS_RE.sub(" ", t)
    t = re.sub(r"^(?:early|late) ", "", t) if re.match(rf"^(?:early|late) {_W}", t) else t
    t = " ".join(re.sub(rf"^{_W} ", "", t.strip()).split())
    m = _DAY_MONTH.fullmatch(t)
    if m:
        return int(m[1]), m[2], m[3]
    m = _MONTH_DAY.fullmatch(t)
    if m:
        return int(m[2]), m[1], m[3]
    return None


def _absolute(t: str, ref: date) -> tuple[date, date, str] | None:
    parts = _absolute_parts(t)
    if parts is None:
        return None
    day, month_name, year = parts
    month = MONTHS[month_name]
    if year is None:
        if day > calendar.monthrange(2024, month)[1]:
            raise DateError("date_unparseable", f"no such day: {day} {month_name}")
        d = _day(_infer_year(month, day, ref), month, day)
        return d, d, "exact_no_year"
    d = _day(int(year), month, day)
    return d, d, "exact"


_RANGE_FORMS = tuple((re.compile(pattern), parts) for pattern, parts in (
    (rf"{_D}-{_D} {_M}(?: {_Y})?", lambda m: (int(m[1]), m[3], int(m[2]), m[3], m[4])),
    (rf"{_M} {_D}-{_D}(?: {_Y})?", lambda m: (int(m[2]), m[1], int(m[3]), m[1], m[4])),
    (rf"{_D} {_M}-{_D} {_M}(?: {_Y})?", lambda m: (int(m[1]), m[2], int(m[3]), m[4], m[5])),
    (rf"{_M} {_D}-{_M} {_D}(?: {_Y})?", lambda m: (int(m[2]), m[1], int(m[4]), m[3], m[5])),
    (rf"{_M} {_D} {_Y}-{_M} {_D} {_Y}", lambda m: (int(m[2]), m[1], int(m[5]), m[4], m[6])),
    (rf"{_D} {_M} {_Y}-{_D} {_M} {_Y}", lambda m: (int(m[1]), m[2], int(m[4]), m[5], m[6])),
))


@lru_cache(maxsize=100_000)
def _range_parts(t: str) -> tuple[int, str, int, str, str | None] | None:
    """The publication-independent half of `_range`: (day, month, day, month, year text)."""
    if "-" not in t and not re.search(r" (?:and|to|until|till|through|into) ", t):
        return None
    t = _PARTS_RE.sub(" ", t)
    t = re.sub(r"^(?:between|from) ", "", " ".join(t.split()))
    t = re.sub(r" (?:and|to|until|till|through|into) ", "-", t)
    t = re.sub(rf"\b{_W}\b ?", "", t).strip()
    for pattern, parts in _RANGE_FORMS:
        m = pattern.fullmatch(t)
        if m:
            return parts(m)
    return None


def _range(t: str, ref: date) -> tuple[date, date, str] | None:
    parts = _range_parts(t)
    if parts is None:
        return None
    d1, m1, d2, m2, year = parts
    mo1, mo2 = MONTHS[m1], MONTHS[m2]
    y2 = int(year) if year else _infer_year(mo2, min(d2, 28), ref)
    y1 = y2 - 1 if mo1 > mo2 else y2
    start, end = _day(y1, mo1, d1), _day(y2, mo2, d2)
    if start > end:
        raise DateError("date_unparseable", f"span ends before it starts: {t}")
    return start, end, "exact_span"


_PERIOD_LEAD = re.compile(r"^(?:as of|since|from|in|during|throughout|until|by) ")
_MONTH_PART = re.compile(rf"(early|mid|late)(?:-| ){_M}(?: {_Y})?")
_MONTH = re.compile(rf"{_M}(?: {_Y})?")
_YEAR_PART = re.compile(rf"(early|mid|late)(?:-| )?{_Y}")
_A_YEAR = re.compile(_Y)


def _period(t: str, ref: date) -> tuple[date, date, str] | None:
    t = _PERIOD_LEAD.sub("", t)
    m = _MONTH_PART.fullmatch(t)
    if m:
        month = MONTHS[m[2]]
        year = int(m[3]) if m[3] else _month_year(month, ref)
        return (*_month_span(year, month, *THIRDS[m[1]]), "fuzzy_month_part")
    m = _MONTH.fullmatch(t)
    if m:
        month = MONTHS[m[1]]
        year = int(m[2]) if m[2] else _month_year(month, ref)
        return (*_month_span(year, month), "month")
    m = _YEAR_PART.fullmatch(t)
    if m:
        lo, hi = YEAR_THIRDS[m[1]]
        year = int(m[2])
        return _day(year, lo, 1), _month_span(year, hi)[1], "fuzzy_year_part"
    m = _A_YEAR.fullmatch(t)
    if m:
        year = int(m[1])
        return _day(year, 1, 1), _day(year, 12, 31), "year"
    return None


_SINCE_MONTH = re.compile(rf"since {_M}(?: {_Y})?")
_SINCE_DAY = re.compile(rf"since (?:{_D} {_M}|{_M} {_D})(?: {_Y})?")


def _since(t: str, ref: date) -> tuple[date, date, str] | None:
    m = _SINCE_MONTH.fullmatch(t)
    if m:
        month = MONTHS[m[1]]
        year = int(m[2]) if m[2] else _month_year(month, ref)
        return _day(year, month, 1), ref, "since"
    m = _SINCE_DAY.fullmatch(t)
    if m:
        day, name = (int(m[1]), m[2]) if m[1] else (int(m[4]), m[3])
        month = MONTHS[name]
        year = int(m[5]) if m[5] else _infer_year(month, day, ref)
        return _day(year, month, day), ref, "since"
    return None


_SOLAR = re.compile(rf"(?:{_W} )?{_D} sh(\d{{1,2}})(?: (\d{{4}}))?")


def _solar_hijri(t: str, ref: date) -> tuple[date, date, str] | None:
    """`13 Dey 1402` (Iranian outlets date by the Solar Hijri calendar; the Persian words
    arrive here as `13 sh10 1402`): that Gregorian day; with no year, the year of the
    publication's Solar Hijri date, or the one before when that day would follow it."""
    import jdatetime

    m = _SOLAR.fullmatch(t)
    if m is None:
        return None
    day, month = int(m[2]), int(m[3])

    def gregorian(year: int) -> date:
        if year < jdatetime.MINYEAR:
            raise _BeforeCalendar
        try:
            return jdatetime.date(year, month, day).togregorian()
        except ValueError:
            raise DateError("date_unparseable", f"no such Solar Hijri day: {day}/{month}/{year}"
                            ) from None
    if m[4]:
        d = gregorian(int(m[4]))
        return d, d, "exact"
    year = jdatetime.date.fromgregorian(date=ref).year
    d = gregorian(year)
    if d > ref + _SLACK:
        d = gregorian(year - 1)
    return d, d, "exact_no_year"


RULES = (_solar_hijri, _relative, _numeric, _absolute, _range, _since, _period, _weekday_phrase)

# Inside a longer sentence ("around 6:30 pm local Baghdad time on January 20", "at 21:30 local
# time ... Wednesday night"): the most precise date phrase found in it, when the whole fails.
_IN_TEXT = (
    (re.compile(rf"(?:{_W} )?(?:{_D} {_M}|{_M} {_D})(?: {_Y})?"), _absolute),
    (re.compile(rf"(?:last )?{_W}(?:(?:-| to | and | into | / ){_W})?"), _weekday_phrase),
    (re.compile(r"\b(?:(?:last|this|past|previous) (?:night|evening|morning|week|weekend|month|"
                r"year)|today|tonight|yesterday|overnight)\b"), _relative),
)


def _in_text(t: str, ref: date) -> tuple[date, date, str] | None:
    for pattern, rule in _IN_TEXT:
        for m in pattern.finditer(t):
            found = rule(m[0].replace(" / ", "-"), ref)
            if found:
                return found[0], found[1], "in_text_" + found[2]
    return None


# --- fallback -----------------------------------------------------------------------------


def _dateparser(text: str, language: str, ref: date) -> tuple[date, date, str] | None:
    """dateparser for forms the rules do not know; its period tells the precision."""
    from dateparser.date import DateDataParser

    base = datetime(ref.year, ref.month, ref.day, 23, 59)
    settings = {"RELATIVE_BASE": base, "PREFER_DATES_FROM": "past",
                "RETURN_AS_TIMEZONE_AWARE": False, "STRICT_PARSING": False,
                "PREFER_DAY_OF_MONTH": "first"}
    languages = [language] if language in ("en", "ar", "fr") else ["en"]
    if language != "en":
        languages.append("en")
    try:
        data = DateDataParser(languages=languages, locales=None,
                              settings=settings).get_date_data(text)
    except Exception:  # dateparser raises assorted errors on odd input
        return None
    if data is None or data.date_obj is None:
        return None
    d = data.date_obj.date()
    if data.period == "month":
        return (*_month_span(d.year, d.month), "dateparser")
    if data.period == "year":
        return date(d.year, 1, 1), date(d.year, 12, 31), "dateparser"
    if data.period == "week":
        start = d - timedelta(days=d.weekday())
        return start, start + timedelta(days=6), "dateparser"
    return d, d, "dateparser"


# --- public API ---------------------------------------------------------------------------


# The supported window (README "Limits"): events from 1990 on, published by the end of 2100.
# Earlier rows are date_out_of_range, a row-level rule, so the suites' "no event before
# 1990" can never fail a whole build; the upper bound keeps date arithmetic in range.
DATE_MIN = date(1990, 1, 1)
PUBLISHED_MAX = date(2100, 12, 31)


def _check_window(day: date, what: str) -> None:
    if not DATE_MIN <= day <= PUBLISHED_MAX:
        raise _outside_window(f"{what} {day.isoformat()}")


def _outside_window(what: str) -> DateError:
    return DateError("date_out_of_range", f"{what} is outside the supported window "
                                          f"{DATE_MIN.isoformat()} to {PUBLISHED_MAX.isoformat()}")


def parse_date(text: str | None, published: date | datetime, language: str | None = "en"
               ) -> DateSpan:
    """Resolve one reported date text against its report's publication day.

    `published` is the publication's *local* date (or an aware datetime, whose own
    offset decides the day). Raises `DateError` with a SPEC §5 reason.
    """
    ref = published.date() if isinstance(published, datetime) else published
    _check_window(ref, "published")
    return _parse(text or "", ref, (language or "en").lower())


def check_supported(span: DateSpan, text: str) -> DateSpan:
    """`span` when it starts inside the supported window; a build quarantines the rest."""
    if span.start < DATE_MIN:
        raise _before_window(text or "", span.start)
    return span


def _before_window(text: str, day: date | None) -> DateError:
    """date_out_of_range for a text whose day is before the window: that day, when it has one."""
    shown = text if len(text) <= 40 else text[:40] + "…"
    when = f" {day.isoformat()}," if day else ""
    return DateError("date_out_of_range", f"{shown!r} is{when} before the supported window "
                                          f"(from {DATE_MIN.isoformat()})")


# Which rule reads a text is decided by the text alone: every rule tests the text's form
# before it looks at the publication day, and returns or raises once the form fits (a new
# rule must too: `test_which_rule_reads_a_text_does_not_depend_on_the_day`). So the
# rules are tried once per text, at a day after any publication, not once per (text, day)
# (the `today` bench shape's million reports hold 351,715 (text, day, language) triples of
# 59,237 texts).
# A text that names its year and nothing relative reads the same on any day: what it read
# there is its date. Numeric d/m forms and "since" are not.
_YEAR = re.compile(r"\b(?:1[89]|2[01])\d\d\b")
_REF_BOUND = re.compile(r"since|until|as of|through|\b\d{1,2}[./-]\d{1,2}[./-]|"
                        + _RELATIVE_WORDS.pattern)
_FAR = date(9000, 1, 1)


class _Rule(NamedTuple):
    """`_rule_of` a text: the rule that reads it (None: no rule does); whether the text reads
    the same on any publication day, and if so what it reads (a span, or the DateError or
    `_BeforeCalendar` the rule raised)."""

    rule: Callable[[str, date], tuple[date, date, str] | None] | None
    fixed: bool
    reading: tuple[date, date, str] | Exception | None


@lru_cache(maxsize=300_000)
def _rule_of(t: str) -> _Rule:
    """The `_Rule` of a cleaned date text (see above)."""
    fixed = bool(_YEAR.search(t)) and not _REF_BOUND.search(t)
    for rule in RULES:
        try:
            found: tuple[date, date, str] | Exception | None = rule(t, _FAR)
        except (DateError, _BeforeCalendar) as exc:
            found = exc.with_traceback(None)  # its traceback holds this frame
        if found is not None:
            return _Rule(rule, fixed, found)
    return _Rule(None, fixed, None)


# "Thursday (Friday local time)", "jeudi 26 octobre (vendredi au Moyen-Orient)": an aside
# that names the weekday at the place. A US outlet's day is often the day before the local
# one; the aside says which local day it is.
_LOCAL_WEEKDAY = re.compile(
    rf"\(\s*(?:early |late )?{_W}(?: {PART_OF_DAY})?\s+(?:local time|heure locale|"
    r"(?:to|in) (?:the )?(?:moyen-orient|moyen orient|middle east)|بالتوقيت المحلي)\s*\)")


@lru_cache(maxsize=100_000)
def _local_weekday(text: str, language: str) -> int | None:
    """The weekday (Monday 0) an aside says it was at the place, or None. Only a text with
    brackets is translated for it (`_clean` has already translated it, without them)."""
    if "(" not in text:
        return None
    m = _LOCAL_WEEKDAY.search(_translate(_fold(text), language))
    return WEEKDAYS[m[1]] if m else None


def _to_local_weekday(start: date, end: date, method: str, weekday: int | None
                      ) -> tuple[date, date, str]:
    """A single day moved to the adjacent day the local-weekday aside names (the aside
    decides: "jeudi 26 octobre (vendredi au Moyen-Orient)" is Friday 27 October); anything
    else as it was."""
    if weekday is None or start != end or start.weekday() == weekday:
        return start, end, method
    for day in (start + timedelta(days=1), start - timedelta(days=1)):
        if day.weekday() == weekday:
            return day, day, method + "+local_weekday"
    return start, end, method


@lru_cache(maxsize=200_000)
def _parse(text: str, ref: date, language: str, aside: bool = True) -> DateSpan:
    """`parse_date`'s work; with `aside` False, a local-weekday aside is not read (the day as
    the text wrote it, `written_days`)."""
    return _read(text, _clean(text, language), ref, language, aside)


def _read(text: str, t: str, ref: date, language: str, aside: bool = True) -> DateSpan:
    """`_parse` of a text whose cleaned form `t` is known."""
    if not t:
        raise DateError("date_unparseable", f"empty date text {text!r}")
    rule, fixed, reading = _rule_of(t)
    try:
        if not fixed:
            found = rule(t, ref) if rule else None
        elif isinstance(reading, Exception):
            raise reading
        else:
            found = reading
        if found is None:
            found = _dateparser(text, language, ref)
        if found is None:
            found = _in_text(t, ref)
    except _BeforeCalendar:
        raise _before_window(text, None) from None
    if found is None:
        raise DateError("date_unparseable", f"cannot read a date in {text!r}")
    start, end, method = _to_local_weekday(*found, _local_weekday(text, language) if aside
                                           else None)
    limit = ref + _SLACK
    if start > limit:
        raise DateError("date_after_publication",
                        f"{text!r} is {start.isoformat()}, after publication on {ref.isoformat()}")
    if end > ref:  # a period that contains the publication day ends there
        end = max(ref, start)
    if (end - start).days > 365:
        raise DateError("date_unparseable", f"{text!r} spans more than a year")
    return DateSpan(start, end, start, precision_of(start, end), method)


def parse_published(value: str | None) -> datetime:
    """A publication time in any common format → an aware datetime in its own offset.

    It must be absolute (a day, a month and a year): a relative or yearless time would be
    read against the build machine's clock, so two builds of one input would differ."""
    if not value:
        raise DateError("date_unparseable", "published is empty")
    dt = _parse_published(value.strip())
    _check_window(dt.date(), "published")
    return dt


# Words that make a publication time relative to the moment it is read.
_NOW_WORDS = re.compile(r"\b(?:ago|now|today|tonight|yesterday|tomorrow|last|next|this|hier|demain|"
                        r"aujourd|il y a|maintenant)\b|(?:اليوم|أمس|امس|غدا|منذ|الآن)", re.IGNORECASE)
_HAS_YEAR = re.compile(r"(?<!\d)\d{4}(?!\d)")
# A time written year first is year-month-day (ISO 8601's order; no convention writes the day
# second): dateparser swaps an impossible month for the day ("2024-13-01" as 13 January).
_YEAR_FIRST = re.compile(r"(\d{4,})([-/.])(\d{1,2})\2(\d{1,2})(?!\d)")  # "10000-01-01": out
_SOMEDAY = datetime(2000, 1, 1)  # dateparser's base for anything relative: never the clock


@lru_cache(maxsize=100_000)
def _parse_published(value: str) -> datetime:
    shown = value if len(value) <= 60 else value[:60] + "…"
    m = _YEAR_FIRST.match(value)
    if m:  # its numbers as written, the year before any parser makes a date of it ("0000")
        year, month, day = int(m[1][:5]), int(m[3]), int(m[4])  # five digits: surely out
        written = f"{m[1] if len(m[1]) <= 12 else m[1][:12] + '…'}-{month:02d}-{day:02d}"
        if not DATE_MIN.year <= year <= PUBLISHED_MAX.year:
            raise _outside_window(f"published {written}")
        if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(year, month)[1]:
            raise DateError("date_unparseable",
                            f"cannot read published time {shown!r}: no such day {written} "
                            "(year-month-day)")
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        dt = None
    if dt is None:
        import dateparser
        from dateparser.timezone_parser import pop_tz_offset_from_string

        relative = _NOW_WORDS.search(value)
        if relative:
            raise DateError("date_unparseable",
                            f"published time {shown!r} is relative ({relative[0]!r}); it must be "
                            "absolute: a day, a month and a year")
        words = set(re.findall(r"[a-z]+", value.lower()))
        if not _HAS_YEAR.search(value.translate(_ARABIC_DIGITS)) and (
                re.search(r"\d", value.translate(_ARABIC_DIGITS)) or words & (set(MONTHS) | set(WEEKDAYS))):
            raise DateError("date_unparseable",
                            f"published time {shown!r} has no year; it must be absolute: a day, "
                            "a month and a year")
        # Keep the publication's own offset: its local day anchors relative dates.
        rest, tz = pop_tz_offset_from_string(value)
        dt = dateparser.parse(rest, languages=["en", "fr", "ar"],
                              settings={"RETURN_AS_TIMEZONE_AWARE": False,
                                        "PREFER_DAY_OF_MONTH": "first",
                                        "RELATIVE_BASE": _SOMEDAY,
                                        "REQUIRE_PARTS": ["day", "month", "year"]})
        if dt is None:
            raise DateError("date_unparseable", f"cannot read published time {shown!r}")
        if tz is not None:
            dt = dt.replace(tzinfo=timezone(tz.utcoffset(None)))
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt


_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?$")


def _published(published: pd.Series) -> tuple[pd.Series, pd.Series, dict[int, DateError]]:
    """Publication times → (UTC instants, local days, errors by position). ISO 8601 text, the
    common case, is read for the whole column at once; its local day is its own date part."""
    text = published.astype(object).where(published.notna(), "").map(str.strip)
    iso = text.str.match(_ISO.pattern).to_numpy(dtype=bool, copy=True)
    utc = pd.Series(pd.NaT, index=published.index, dtype="datetime64[us, UTC]")
    day = pd.Series(None, index=published.index, dtype=object)
    if iso.any():
        instants = pd.to_datetime(text[iso], utc=True, format="ISO8601", errors="coerce")
        days = pd.to_datetime(text[iso].str.slice(0, 10), format="%Y-%m-%d", errors="coerce")
        inside = days.between(pd.Timestamp(DATE_MIN), pd.Timestamp(PUBLISHED_MAX))  # not NaT
        ok = (instants.notna() & inside).to_numpy()
        iso[np.flatnonzero(iso)[~ok]] = False  # "2024-02-30", "0000-01-01": the slow path says why
        utc[iso] = instants[ok].astype("datetime64[us, UTC]").array  # not to_numpy: Timestamp objects
        codes, distinct = pd.factorize(days[ok])  # a date object per distinct day, not per row
        day[iso] = np.asarray(distinct.date, dtype=object)[codes]
    errors: dict[int, DateError] = {}
    for i in np.flatnonzero(~iso):  # any other format, one by one
        try:
            pub = parse_published(text.iloc[i])
        except DateError as exc:
            errors[int(i)] = exc.with_traceback(None)  # its traceback holds this frame
            continue
        utc.iloc[i] = pd.Timestamp(pub.astimezone(UTC))
        day.iloc[i] = pub.date()
    return utc, day, errors


def normalize_dates(texts: pd.Series, published: pd.Series, languages: pd.Series
                    ) -> pd.DataFrame:
    """Vectorized `parse_date` + `parse_published` over a frame: each distinct input once.

    Returns columns published (UTC), date, date_start, date_end, date_precision, date_method,
    and error_reason / error_message (null where the row normalized).
    """
    utc, day, bad_published = _published(published)
    keys = pd.DataFrame({"t": texts.astype(object).to_numpy(), "d": day.to_numpy(),
                         "l": languages.fillna("en").str.lower().astype(object).to_numpy()})
    code = keys.groupby(["t", "d", "l"], sort=False, dropna=False).ngroup().to_numpy()
    first = np.flatnonzero(~pd.Series(code).duplicated().to_numpy())
    fields = ("date", "date_start", "date_end", "date_precision", "date_method",
              "error_reason", "error_message")
    found: dict[str, list] = {f: [None] * len(first) for f in fields}
    order = np.empty(len(first), dtype=np.int64)
    t_col, d_col, l_col = (keys[c].to_numpy() for c in ("t", "d", "l"))
    cleaned: dict[tuple[str, str], str] = {}  # a text comes on several days: cleaned once
    for j, i in enumerate(first.tolist()):
        order[code[i]] = j
        text, ref, lang = t_col[i], d_col[i], l_col[i]
        if ref is None or ref != ref:
            continue  # the publication time is unreadable: reported below
        pair = (text or "", lang or "en")
        if (t := cleaned.get(pair)) is None:
            t = cleaned[pair] = _clean(*pair)
        try:
            # `parse_date`'s work without its checks (the day is in the window: `_published`
            # read it so; the language is lowercased: `l` above), and without `_parse`'s
            # memo: each triple comes once here, and a worker's memo held up to 200,000 spans
            # it never read again (the process tree of a 1M `today` build peaked 180-190 MiB
            # higher with it, two runs each of `benchmarks.tree_memory`)
            res = check_supported(_read(pair[0], t, ref, pair[1]), text)
        except DateError as exc:
            found["error_reason"][j], found["error_message"][j] = exc.reason, str(exc)
            continue
        found["date"][j], found["date_start"][j], found["date_end"][j] = res.best, res.start, res.end
        found["date_precision"][j], found["date_method"][j] = res.precision, res.method
    rows = order[code]
    out = {f: np.asarray(found[f], dtype=object)[rows] for f in fields}
    for i, error in bad_published.items():
        out["error_reason"][i], out["error_message"][i] = error.reason, str(error)
    frame = pd.DataFrame({"published": utc.array, **out}, index=texts.index)
    for c in ("date_precision", "date_method", "error_reason", "error_message"):
        frame[c] = frame[c].astype("str")
    return frame


# --- clock times and time zones ----------------------------------------------------------------
#
# "about 5 p.m. Eastern on Friday 9 August" and "Saturday 10 August" in an Arabic outlet are one
# day at the place: the first names the day in Washington. A date phrase with a clock time and a
# zone resolves to the local calendar day at the place (SPEC §4), once the place is known.

_CLOCK_PATTERN = (r"(?<![\d:])(\d{1,2})(?::(\d{2}))?\s*(am|pm)\b"
                  r"|(?<![\d:])(\d{1,2}):(\d{2})(?![\d:])"
                  r"|(?<![\d:])(\d{2})(\d{2})\s*(?=hours\b|hrs\b|h\b|gmt\b|utc\b|z\b|local\b)")
_CLOCK = _starting(r"\d", _CLOCK_PATTERN)
_MAYBE_CLOCK_PATTERN = r"\d\s*[ap]\.?\s?m|\d:\d\d|\d{4}\s*(?:hours|hrs|h\b|gmt|utc|z\b|local)"
_MAYBE_CLOCK = _starting(r"\d", _MAYBE_CLOCK_PATTERN, re.IGNORECASE)


@lru_cache(maxsize=1)
def _zones() -> tuple[dict[str, str], dict[str, str], re.Pattern[str]]:
    """(country ISO3 → IANA zone, zone as written → IANA zone or "local", a pattern of the
    zones as written, longest first), from data/time_zones.csv."""
    countries: dict[str, str] = {}
    written: dict[str, str] = {}
    with open(PACKAGE_DATA / "time_zones.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["kind"] == "country":
                countries[row["name"]] = row["zone"]
            elif row["kind"] == "zone":
                written[row["name"]] = row["zone"]
    names = sorted(written, key=len, reverse=True)
    pattern = _starting("".join(sorted({re.escape(n[0]) for n in names})),
                        r"(?<!\w)(?:" + "|".join(re.escape(n) for n in names) + r")(?!\w)")
    return countries, written, pattern


def _clock_text(text: str) -> str:
    """Lowercase, no dots (p.m. → pm), brackets and commas as spaces."""
    text = unicodedata.normalize("NFKC", text).lower().replace(".", "")
    return re.sub(r"[(),;]", " ", text)


@lru_cache(maxsize=100_000)
def clock_of(text: str) -> tuple[int | None, str | None] | None:
    """The clock time a date text gives and the zone it is in: (minutes after midnight, IANA
    zone, "local" or None when none is written). None when the text gives no clock time; the
    minutes are None for an impossible time ("25:70"), which is then ignored."""
    if not isinstance(text, str) or not _MAYBE_CLOCK.search(text):
        return None
    t = _clock_text(text)
    m = _CLOCK.search(t)
    if m is None:
        return None
    if m.group(3):
        hour, minute = int(m.group(1)), int(m.group(2) or 0)
        hour = None if hour > 12 else hour % 12 + (12 if m.group(3) == "pm" else 0)  # type: ignore
    else:
        hour, minute = (int(m.group(4)), int(m.group(5))) if m.group(4) else (
            int(m.group(6)), int(m.group(7)))
    minutes = None if hour is None or hour > 23 or minute > 59 else hour * 60 + minute
    _, written, pattern = _zones()
    after = pattern.search(t, m.end(), m.end() + 30)
    zone = written[after.group(0)] if after and after.start() - m.end() <= 12 else None
    if zone in (None, "local"):  # "local Baghdad time", "Baghdad time" before the clock
        named = [written[z] for z in pattern.findall(t) if " " in z or not z.isascii()]
        zone = next((z for z in named if z != "local"), zone or (named[0] if named else None))
    return minutes, zone


def place_zone(iso3: str | None) -> str | None:
    """The IANA zone of a country's local day: data/time_zones.csv for the region, else the
    country's only zone in the tz database (tzdata's zone.tab), else None."""
    if not isinstance(iso3, str):
        return None
    countries, _, _ = _zones()
    if iso3 in countries:
        return countries[iso3]
    import pycountry

    country = pycountry.countries.get(alpha_3=iso3)
    zones = _country_zones().get(country.alpha_2, []) if country else []
    return zones[0] if len(zones) == 1 else None


@lru_cache(maxsize=1)
def _country_zones() -> dict[str, list[str]]:
    """ISO2 → the zones tzdata lists for the country (zone.tab: code, coordinates, zone)."""
    from importlib.resources import files

    out: dict[str, list[str]] = {}
    for line in (files("tzdata") / "zoneinfo" / "zone.tab").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            code, _, zone = line.split("\t")[:3]
            out.setdefault(code, []).append(zone)
    return out


def localize_dates(dates: pd.DataFrame, texts: pd.Series, iso3: pd.Series) -> pd.DataFrame:
    """Move each one-day date whose text gives a clock time and a zone to the local calendar
    day at its place (a night's two days are first narrowed to the one its clock time is on:
    the first from noon, the second before), and say how in `date_method`:
    `+tz:America/New_York>Asia/Damascus`
    (converted), `+local_time` (a clock time read as the place's own), `+time_ignored` (an
    impossible time), `+tz:America/New_York>?` (no zone known for the place: day as written).
    A day an aside already set to the local one (`+local_weekday`) is not moved again.
    `date_clock` (internal: matching reads it, no table publishes it) is the clock time at the
    place in minutes after its midnight, -1 for none: "At 12:15 a.m. (Iraq time)" is 15,
    "5 p.m. ET" on a summer day in Syria 0. `dates` is `normalize_dates`' frame for the same
    rows (index-aligned). Each distinct (text, country, day) is converted once."""
    text_list = texts.tolist()
    clocks = {t: clock_of(t) for t in set(text_list) if isinstance(t, str)}
    precision = dates["date_precision"].tolist()
    methods = dates["date_method"].fillna("")
    asides = methods.str.contains("+local_weekday", regex=False).tolist()
    nights = methods.str.endswith("_night").tolist()  # the two days a night joins
    rows = [i for i, t in enumerate(text_list)  # an aside that named the local day decided it
            if (precision[i] == "day" or nights[i])
            and clocks.get(t) is not None and not asides[i]]  # type: ignore[arg-type]
    clock_col = np.full(len(dates), -1, dtype=np.int64)
    if not rows:
        return dates.assign(date_clock=clock_col)
    dates = dates.copy()
    day_col = dates["date"].to_numpy(dtype=object).copy()
    method_col = dates["date_method"].to_numpy(dtype=object).copy()
    iso_list = iso3.tolist()
    memo: dict[tuple, tuple[int, str, int]] = {}
    night_ends = dates["date_end"].to_numpy(dtype=object)
    narrowed = np.zeros(len(dates), dtype=bool)
    for i in rows:
        minutes = clocks[text_list[i]][0]  # type: ignore[index]
        if nights[i] and minutes is not None:  # the clock says which side of midnight
            narrowed[i] = True
            if minutes < 12 * 60:
                day_col[i] = night_ends[i]
        key = (text_list[i], iso_list[i], day_col[i])
        if key not in memo:
            memo[key] = _localize(clocks[text_list[i]], iso_list[i], day_col[i])  # type: ignore
        shift, how, clock_col[i] = memo[key]
        method_col[i] = f"{method_col[i]}{how}"
        if shift:
            day_col[i] = day_col[i] + timedelta(days=shift)
    moved = (day_col != dates["date"].to_numpy(dtype=object)) | narrowed
    for c in ("date_start", "date_end"):  # one-day dates: start = end = date
        col = dates[c].to_numpy(dtype=object).copy()
        col[moved] = day_col[moved]
        dates[c] = col
    dates["date"] = day_col
    dates["date_method"] = pd.Series(method_col, index=dates.index).astype("str")
    dates["date_clock"] = clock_col
    if narrowed.any():
        dates.loc[narrowed, "date_precision"] = "day"
    return dates


def _localize(clock: tuple[int | None, str | None], iso3: str | None, day: date
              ) -> tuple[int, str, int]:
    """(days to move, what to add to date_method, the clock time at the place in minutes
    after its midnight or -1) for one clock time at one place."""
    from zoneinfo import ZoneInfo

    minutes, zone = clock
    if minutes is None:
        return 0, "+time_ignored", -1
    if zone in (None, "local"):
        return 0, "+local_time", minutes
    target = place_zone(iso3)
    if target is None:
        return 0, f"+tz:{zone}>?", -1
    at = datetime(day.year, day.month, day.day, minutes // 60, minutes % 60,
                  tzinfo=ZoneInfo(zone)).astimezone(ZoneInfo(target))  # type: ignore[arg-type]
    return (at.date() - day).days, f"+tz:{zone}>{target}", at.hour * 60 + at.minute


# The methods of a date whose local day may not be the one its text wrote.
_MOVED = re.compile(r"\+tz:[^>]+>[^?]|\+local_weekday")


def written_days(frame: pd.DataFrame, among: np.ndarray | None = None) -> np.ndarray:
    """Per report (columns raw_date, published, language, iso3, date_start, date_method), the
    calendar day its date text wrote when its date is another local day, else None: "On
    August 9 at about 5 p.m. ET" is 10 August in Syria (`+tz:`), "jeudi 26 octobre (vendredi
    au Moyen-Orient)" is 27 October (`+local_weekday`). Both days name one moment, so
    matching (`reconcile`) may take a report of either day as the same day's. Only the rows
    whose method says their day was moved (and that `among` marks, when given) are read
    again."""
    codes, distinct = pd.factorize(frame["date_method"])  # a few dozen distinct methods
    methods = distinct.tolist()
    moves = np.array([bool(_MOVED.search(m)) for m in methods] + [False])  # code -1: null
    moved = np.flatnonzero(moves[codes] if among is None else moves[codes] & among)
    out = np.full(len(frame), None, dtype=object)
    columns = [frame[c].take(moved).tolist()
               for c in ("raw_date", "published", "language", "iso3", "date_start")]
    for i, text, published, language, iso3, day in zip(moved, *columns, strict=True):
        out[i] = _written_day(text, published, language, iso3, day, methods[codes[i]])
    return out


def _written_day(text: str, published: object, language: object, iso3: object, day: object,
                 method: str) -> date | None:
    """The day before or after `day` that the text wrote, or None (`written_days`)."""
    if not isinstance(text, str) or not isinstance(day, date):
        return None
    if "+tz:" in method:  # the day whose clock time in the text's zone is `day` at the place
        clock = clock_of(text)
        if clock is None:
            return None
        for shift in (1, -1):  # the places' zones lie east of the usual writers' (ET, GMT)
            wrote = day - timedelta(days=shift)
            if _localize(clock, iso3, wrote)[0] == shift:  # type: ignore[arg-type]
                return wrote
        return None
    ref = pd.Timestamp(published).date() if published is not None else None
    if ref is None or ref != ref:
        return None
    try:
        wrote = _parse(text, ref, (language or "en").lower(), aside=False).start  # type: ignore
    except DateError:
        return None
    return wrote if abs((wrote - day).days) == 1 else None
