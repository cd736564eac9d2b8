"""Dates resolve against each report's publication time (SPEC §4), never against today."""

from __future__ import annotations

import csv
import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.dates import (
    RULES,
    DateError,
    _BeforeCalendar,
    _clean,
    _rule_of,
    normalize_dates,
    parse_date,
    parse_published,
)

GOLD = Path(__file__).parent / "data" / "dates_gold.csv"
FRI = date(2024, 1, 5)  # a Friday


@pytest.mark.parametrize(("text", "language", "start", "end", "precision"), [
    ("Thursday", "en", "2024-01-04", "2024-01-04", "day"),
    ("Friday", "en", "2024-01-05", "2024-01-05", "day"),
    # an elided quote names the publication's own weekday: that day, not a week before
    ("Friday ... at 11:37 a.m.", "en", "2024-01-05", "2024-01-05", "day"),
    ("on Tuesday night", "en", "2024-01-02", "2024-01-03", "days"),
    ("last month", "en", "2023-12-01", "2023-12-31", "month"),
    ("in December", "en", "2023-12-01", "2023-12-31", "month"),
    ("early January", "en", "2024-01-01", "2024-01-05", "days"),
    ("mid-December 2023", "en", "2023-12-11", "2023-12-20", "month"),
    ("the night of 3-4 January", "en", "2024-01-03", "2024-01-04", "days"),
    ("December 28", "en", "2023-12-28", "2023-12-28", "day"),
    ("January 4, 2024", "en", "2024-01-04", "2024-01-04", "day"),
    ("25.12.2023", "en", "2023-12-25", "2023-12-25", "day"),
    ("04/01/2024", "en", "2024-01-04", "2024-01-04", "day"),
    ("approximately 6:30 p.m. Baghdad time, Jan. 4", "en", "2024-01-04", "2024-01-04", "day"),
    ("currently", "en", "2024-01-05", "2024-01-05", "day"),
    ("last week", "en", "2023-12-25", "2023-12-31", "week"),
    ("In the last 24 hours", "en", "2024-01-04", "2024-01-05", "days"),
    ("Christmas Day", "en", "2023-12-25", "2023-12-25", "day"),
    ("الخميس 4 كانون الثاني 2024", "ar", "2024-01-04", "2024-01-04", "day"),
    ("مساء الأربعاء", "ar", "2024-01-03", "2024-01-03", "day"),
    ("مساء أمس الأول", "ar", "2024-01-03", "2024-01-03", "day"),  # the day before yesterday
    ("اليوم الجمعة", "ar", "2024-01-05", "2024-01-05", "day"),
    ("jeudi 4 janvier", "fr", "2024-01-04", "2024-01-04", "day"),
    ("ce jeudi", "fr", "2024-01-04", "2024-01-04", "day"),
    # Persian: the Solar Hijri calendar (13 Dey 1402), without a year the publication's, and
    # the last 29 Esfand before it; weekdays written with a zero-width non-joiner
    ("۱۳ دی ۱۴۰۲", "fa", "2024-01-03", "2024-01-03", "day"),
    ("پنجشنبه ۱۴ دی", "fa", "2024-01-04", "2024-01-04", "day"),
    ("۲۹ اسفند", "fa", "2023-03-20", "2023-03-20", "day"),
    ("سه‌شنبه", "fa", "2024-01-02", "2024-01-02", "day"),
    ("شب گذشته", "fa", "2024-01-04", "2024-01-05", "days"),
    # Turkish and Hebrew
    ("Perşembe günü", "tr", "2024-01-04", "2024-01-04", "day"),
    ("dün gece", "tr", "2024-01-04", "2024-01-05", "days"),
    ("4 בינואר 2024", "he", "2024-01-04", "2024-01-04", "day"),
    ("ביום חמישי", "he", "2024-01-04", "2024-01-04", "day"),
    # a day written as an ordinal word (data/date_words.csv), compounds included
    ("the third of January", "en", "2024-01-03", "2024-01-03", "day"),
    ("الثالث من كانون الثاني", "ar", "2024-01-03", "2024-01-03", "day"),
    ("الحادي والثلاثين من كانون الأول", "ar", "2023-12-31", "2023-12-31", "day"),
])
def test_phrases(text, language, start, end, precision):
    span = parse_date(text, FRI, language)
    assert (span.start.isoformat(), span.end.isoformat(), span.precision) == (start, end, precision)


@pytest.mark.parametrize(("text", "start", "end", "precision"), [
    ("2019-03-01/2019-03-04", "2019-03-01", "2019-03-04", "days"),  # UCDP date_start/date_end
    ("2019-03-01 / 2019-03-07", "2019-03-01", "2019-03-07", "week"),
    ("2019-03-01/2019-03-31", "2019-03-01", "2019-03-31", "month"),
    ("2019-03-04/2019-03-04", "2019-03-04", "2019-03-04", "day"),
])
def test_iso_interval_is_the_span(text, start, end, precision):
    span = parse_date(text, date(2020, 1, 1))
    assert (span.start.isoformat(), span.end.isoformat(), span.precision, span.method) == (
        start, end, precision, "iso_interval")


@pytest.mark.parametrize(("text", "message"), [
    ("2019-03-04/2019-03-01", "the interval '2019-03-04/2019-03-01' ends before it starts"),
    ("2019-02-30/2019-03-02", "no such day: 2019-02-30"),
])
def test_iso_interval_that_is_no_span(text, message):
    with pytest.raises(DateError) as err:
        parse_date(text, date(2020, 1, 1))
    assert (err.value.reason, str(err.value)) == ("date_unparseable", message)


def test_ambiguous_numeric_date_records_the_reading():
    span = parse_date("3/12/2023", date(2023, 12, 5), "en")
    assert (span.start, span.method) == (date(2023, 12, 3), "numeric_ambiguous_dmy")
    span = parse_date("3/12/2023", date(2023, 3, 14), "en")
    assert (span.start, span.method) == (date(2023, 3, 12), "numeric_ambiguous_mdy")


@pytest.mark.parametrize(("text", "reason", "message"), [
    ("31 February 2024", "date_unparseable", "no such day: 2024-02-31"),
    ("January 9, 2024", "date_after_publication",
     "'January 9, 2024' is 2024-01-09, after publication on 2024-01-05"),
    ("the day the music died", "date_unparseable",
     "cannot read a date in 'the day the music died'"),
])
def test_rejections(text, reason, message):
    with pytest.raises(DateError) as err:
        parse_date(text, FRI, "en")
    assert (err.value.reason, str(err.value)) == (reason, message)


BEFORE = "before the supported window (from 1990-01-01)"
OUTSIDE = "is outside the supported window 1990-01-01 to 2100-12-31"
NEGATIVE = "a negative count of days ago is not a date in the past"


@pytest.mark.parametrize(("text", "reason", "message"), [
    # counts back past year 1, where `date` and `timedelta` overflowed and stopped the build
    ("999999 days ago", "date_out_of_range", f"'999999 days ago' is {BEFORE}"),
    ("99999999999999999999 days ago", "date_out_of_range",
     f"'99999999999999999999 days ago' is {BEFORE}"),
    ("99999999999999 weeks ago", "date_out_of_range", f"'99999999999999 weeks ago' is {BEFORE}"),
    ("over the last 240000000 hours", "date_out_of_range",
     f"'over the last 240000000 hours' is {BEFORE}"),
    ("past 99999999999999999999", "date_out_of_range", f"'past 99999999999999999999' is {BEFORE}"),
    ("9" * 5000 + " days ago", "date_out_of_range", f"'{'9' * 40}…' is {BEFORE}"),  # > int's 4,300
    ("2025 years ago", "date_out_of_range", f"'2025 years ago' is {BEFORE}"),
    ("30000 months ago", "date_out_of_range", f"'30000 months ago' is {BEFORE}"),
    ("999999999999 months ago", "date_out_of_range", f"'999999999999 months ago' is {BEFORE}"),
    # year 0, which no `date` holds
    ("January 0000", "date_out_of_range", f"'January 0000' is {BEFORE}"),
    ("0000", "date_out_of_range", f"'0000' is {BEFORE}"),
    ("early 0000", "date_out_of_range", f"'early 0000' is {BEFORE}"),
    ("late 0000", "date_out_of_range", f"'late 0000' is {BEFORE}"),
    ("mid-0000", "date_out_of_range", f"'mid-0000' is {BEFORE}"),
    ("in 0000", "date_out_of_range", f"'in 0000' is {BEFORE}"),
    ("since January 0000", "date_out_of_range", f"'since January 0000' is {BEFORE}"),
    ("early January 0000", "date_out_of_range", f"'early January 0000' is {BEFORE}"),
    ("3/4/0000", "date_out_of_range", f"'3/4/0000' is {BEFORE}"),
    ("۱۳ دی ۰۰۰۰", "date_out_of_range", f"'۱۳ دی ۰۰۰۰' is {BEFORE}"),  # Solar Hijri year 0
    # four digits are the year as written, not 2001
    ("3/4/0001", "date_out_of_range", f"'3/4/0001' is 0001-04-03, {BEFORE}"),
    # a negative count back is no day before publication (dateparser read it as a day ago)
    ("-1 days ago", "date_unparseable", f"'-1 days ago': {NEGATIVE}"),
    ("\u22121 days ago", "date_unparseable", f"'-1 days ago': {NEGATIVE}"),  # a minus sign
    ("0/5/2024", "date_unparseable", "no such day: 2024-05-00"),  # was a ValueError
])
def test_numbers_no_calendar_day_holds_are_quarantined(text, reason, message):
    language = "fa" if "دی" in text else "en"
    out = normalize_dates(pd.Series([text]), pd.Series(["2024-01-05"]), pd.Series([language]))
    assert (out["error_reason"][0], out["error_message"][0]) == (reason, message)


@pytest.mark.parametrize(("text", "start", "precision"), [
    ("1 days ago", "2024-01-04", "day"),
    ("+1 days ago", "2024-01-04", "day"),  # dateparser read it as 6 January
    ("0000000001 days ago", "2024-01-04", "day"),  # leading zeros are not a large count
    ("1500 weeks ago", "1995-04-03", "week"),
    ("400 months ago", "1990-09-01", "month"),
    ("34 years ago", "1990-01-01", "year"),
    ("3/4/23", "2023-04-03", "day"),  # two digits are this century's year
])
def test_counts_and_years_inside_the_window_still_read(text, start, precision):
    span = parse_date(text, FRI, "en")
    assert (span.start.isoformat(), span.precision) == (start, precision)


@pytest.mark.parametrize(("published", "reason", "message"), [
    ("0000-01-01", "date_out_of_range", f"published 0000-01-01 {OUTSIDE}"),
    ("0000-01-01T10:00:00Z", "date_out_of_range", f"published 0000-01-01 {OUTSIDE}"),
    # five digits or more: a year past the window, not a time without a year
    ("10000-01-01", "date_out_of_range", f"published 10000-01-01 {OUTSIDE}"),
    ("99999999999999-01-01", "date_out_of_range", f"published 999999999999…-01-01 {OUTSIDE}"),
    ("0001-01-01", "date_out_of_range", f"published 0001-01-01 {OUTSIDE}"),
    # year first is year-month-day: dateparser read an impossible month as the day (13 January)
    ("2024-13-01", "date_unparseable",
     "cannot read published time '2024-13-01': no such day 2024-13-01 (year-month-day)"),
    ("2024/13/01", "date_unparseable",
     "cannot read published time '2024/13/01': no such day 2024-13-01 (year-month-day)"),
    ("2024-13-01 10:00 EST", "date_unparseable", "cannot read published time "
     "'2024-13-01 10:00 EST': no such day 2024-13-01 (year-month-day)"),
    ("2024-02-30", "date_unparseable",
     "cannot read published time '2024-02-30': no such day 2024-02-30 (year-month-day)"),
])
def test_a_publication_day_no_calendar_holds_is_quarantined(published, reason, message):
    with pytest.raises(DateError) as err:
        parse_published(published)
    assert (err.value.reason, str(err.value)) == (reason, message)
    out = normalize_dates(pd.Series(["Thursday"]), pd.Series([published]), pd.Series(["en"]))
    assert (out["error_reason"][0], out["error_message"][0]) == (reason, message)


@settings(max_examples=200, deadline=None)
@given(year=st.one_of(st.integers(min_value=1985, max_value=2105), st.integers(0, 9999)),
       month=st.one_of(st.integers(min_value=1, max_value=13), st.integers(0, 99)),
       day=st.one_of(st.integers(min_value=1, max_value=32), st.integers(0, 99)),
       separator=st.sampled_from("-/."))
def test_a_year_first_publication_day_is_read_as_written_or_rejected(year, month, day, separator):
    """Numbers near the window and real months and days half the time, any others else; the
    column's fast path and the scalar parser agree."""
    text = f"{year:04d}{separator}{month:02d}{separator}{day:02d}"
    out = normalize_dates(pd.Series(["today"]), pd.Series([text]), pd.Series(["en"]))
    try:
        when = parse_published(text)
    except DateError as exc:
        assert (out["error_reason"][0], out["error_message"][0]) == (exc.reason, str(exc))
        return
    assert when.date() == out["date"][0] == date(year, month, day)


def test_a_solar_hijri_day_that_does_not_exist_is_rejected():
    with pytest.raises(DateError) as err:
        parse_date("۳۱ مهر ۱۴۰۲", FRI, "fa")  # Mehr, the seventh month, has 30 days
    assert (err.value.reason, str(err.value)) == (
        "date_unparseable", "no such Solar Hijri day: 31/7/1402")


def test_publication_offset_decides_the_day():
    # 6:05 PM EST on 4 January is already 5 January in UTC: "yesterday" is still 3 January.
    pub = parse_published("Jan 4, 2024 6:05 PM EST")
    assert pub.utcoffset() == timedelta(hours=-5)
    assert parse_date("yesterday", pub).start == date(2024, 1, 3)
    assert parse_published("2024-01-04T23:30:00+0800").date() == date(2024, 1, 4)


def _gold() -> list[dict[str, str]]:
    with open(GOLD, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_gold_accuracy():
    rows = _gold()
    assert len(rows) >= 300
    right = 0
    misses = []
    for r in rows:
        try:
            span = parse_date(r["text"], parse_published(r["published"]), r["language"] or "en")
            got = (span.start.isoformat(), span.end.isoformat(), span.precision)
        except DateError as exc:
            got = (f"ERROR:{exc.reason}", "", "")
        want = (r["start"], r["end"], r["precision"]) if not r["start"].startswith("ERROR") \
            else (r["start"], "", "")
        right += got == want
        if got != want:
            misses.append((r["text"], want, got))
    assert right / len(rows) >= 0.98, misses


def test_vectorized_matches_scalar_and_reports_errors():
    texts = pd.Series(["Thursday", "Thursday", "31 February 2024", "yesterday"])
    pubs = pd.Series(["2024-01-05T10:00:00Z", "2024-01-12T10:00:00Z", "2024-01-05", "not a date"])
    out = normalize_dates(texts, pubs, pd.Series(["en"] * 4))
    assert out["date"].tolist()[:2] == [date(2024, 1, 4), date(2024, 1, 11)]
    assert out["error_reason"].fillna("").tolist() == ["", "", "date_unparseable", "date_unparseable"]
    assert out["error_message"][3] == "cannot read published time 'not a date'"


PHRASES = [r["text"] for r in _gold()] + ["", "  ", "32/13/2024", "Thursday 31 February", "ago"]
# Numbers of any size where a phrase takes a count or a year: every one a span or a DateError
NUMBERS = st.one_of(st.integers(min_value=-(10**30), max_value=10**30).map(str),
                    st.integers(min_value=0, max_value=9999).map("{:04d}".format),
                    st.integers(min_value=1, max_value=6000).map(lambda n: "9" * n))
COUNTED = st.builds(str.format, st.sampled_from([
    "{} days ago", "{} weeks ago", "{} months ago", "{} years ago", "over the last {} hours",
    "past {}", "January {}", "early {}", "mid-{}", "in {}", "since January {}", "3/4/{}",
    "{}-01-01", "1 January {}", "3-4 January {}", "early January {}"]), NUMBERS)


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(st.sampled_from(PHRASES), st.text(max_size=40), COUNTED),
       published=st.dates(min_value=date(1995, 1, 1), max_value=date(2030, 12, 31)),
       language=st.sampled_from(["en", "fr", "ar", "de"]))
def test_never_crashes_never_after_publication(text, published, language):
    try:
        span = parse_date(text, published, language)
    except DateError as exc:
        assert exc.reason in ("date_unparseable", "date_after_publication", "date_out_of_range")
        return
    assert span.start <= span.best <= span.end
    assert span.end <= published + timedelta(days=1)
    assert span.start <= published + timedelta(days=1)


def _first_rule(text: str, published: date):
    """The rule that reads `text` on `published`, tried in order as they are listed: the first
    that returns a span or raises."""
    for rule in RULES:
        try:
            if rule(text, published) is not None:
                return rule
        except (DateError, _BeforeCalendar):
            return rule
    return None


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(st.sampled_from(PHRASES), st.text(max_size=40), COUNTED),
       published=st.dates(min_value=date(1995, 1, 1), max_value=date(2030, 12, 31)),
       language=st.sampled_from(["en", "fr", "ar", "de"]))
def test_which_rule_reads_a_text_does_not_depend_on_the_day(text, published, language):
    """`_rule_of` finds a text's rule once, at a day after any publication, and the parser
    uses it on every publication day: a rule whose form test looked at the day would break
    that."""
    cleaned = _clean(text, language)
    assert _rule_of(cleaned).rule is _first_rule(cleaned, published)


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=st.characters(max_codepoint=127), max_size=40))
def test_ascii_text_folds_as_any_text_does(text):
    """`_fold` only lowercases ASCII text. An Arabic vowel mark, which folding drops, sends the
    same text the whole way (compatibility forms, Eastern digits, marks, letter variants):
    one text both ways."""
    from pipeline.dates import _fold

    assert _fold(text) == _fold(text + "\u064b") == _fold("\u064b" + text)


GATED = [("_TIME", "_TIME_PATTERN"), ("_ZONE", "_ZONE_PATTERN"), ("_FILLER", "_FILLER_PATTERN"),
         ("_CLOCK", "_CLOCK_PATTERN"), ("_MAYBE_CLOCK", "_MAYBE_CLOCK_PATTERN")]
TAILS = ["", " 9:30 pm", " 14h30", " 2130 gmt", " time", " hours"]


def _texts_of(pattern: str) -> list[str]:
    """Texts made of the words a pattern spells (and the letters of its escapes): each word
    alone, in brackets and before each other word, each with a clock time, a zone or nothing
    after it. A match of the pattern begins with one of these words, a bracket or a digit."""
    words = sorted(set(re.findall(r"[a-z\u0600-\u06ff]+", pattern)))
    return [*TAILS, *(f"{a}{tail}" for a in words for tail in TAILS),
            *(f"({a})" for a in words), *(f"({a} {b} time)" for a in words for b in words),
            *(f"{a} {b}{tail}" for a in words for b in words for tail in TAILS)]


@pytest.mark.parametrize(("gated_name", "whole_name"), GATED)
def test_gated_patterns_find_what_the_whole_ones_do(gated_name, whole_name):
    """The cleaning patterns are tried only where a match can begin (`dates._starting`): on
    texts made of each one's words, and on the gold texts as `_clean` gives them to it, a gate
    that left out a first letter would lose a match the whole pattern finds."""
    import pipeline.dates as dates_module

    gated = getattr(dates_module, gated_name)
    whole = re.compile(getattr(dates_module, whole_name), gated.flags)
    with open(GOLD, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    gold = [dates_module._translate(dates_module._fold(row["text"]), row["language"])
            for row in rows] + [dates_module._clock_text(row["text"]) for row in rows]
    texts = _texts_of(whole.pattern) + gold
    assert [gated.sub("|", t) for t in texts] == [whole.sub("|", t) for t in texts]


def test_the_gated_zone_names_find_what_the_whole_pattern_does():
    """The zones as written are tried where one begins (their first letters, read from
    data/time_zones.csv): the same matches as the whole pattern's."""
    from pipeline.dates import _zones

    _, written, gated = _zones()
    whole = re.compile(re.fullmatch(r"\(\?=\[[^]]+\]\)\(\?:(.+)\)", gated.pattern)[1])
    texts = [f"{a} {b}{tail}" for a in written for b in ["", *written] for tail in TAILS]
    texts += [f"x{a} {a}x ({a}) 9:30 pm {a}" for a in written]
    assert [gated.findall(t) for t in texts] == [whole.findall(t) for t in texts]


def test_no_date_word_is_digits():
    """Translating keeps a clock time's digits as they are only while no date word is made
    of digits alone (`dates._CLOCK_DIGITS`)."""
    from pipeline.dates import _word_table

    assert not [p for entries in _word_table().values() for p, _ in entries
                if any(w.isdigit() for w in p)]


# Words around clock times: punctuation that joins a token or not, a prefix `_TIME` drops
# with the clock, words that translating reads, Eastern digits that folding makes Western
CLOCK_WORDS = ["5:59", "18h35", "01:24", "12:00", "١٢:٣٠", "0930", "1:", "at", "p.m.", "a.m.",
               "pm", "GMT", "(", ")", "-", ".", ":", "'", "’", "_", "x", "h", ",", "/", "1",
               "16", "1er", "2024", "mi-", "الساعة", "و", "vers", "le", "mars", "Friday",
               "shortly", "before", "early", "hours", "local", "time", "جمعة", "hier",
               "aujourd'hui"]


def _cleaned_with_its_own_digits(text: str, language: str) -> str:
    """Cleaning as it was before `_clean` read a clock time's digits as zeros."""
    from pipeline.dates import _cleaned, _fold

    return _cleaned.__wrapped__(_fold(text), language)


@settings(max_examples=2000, deadline=None)
@given(words=st.lists(st.sampled_from(CLOCK_WORDS), max_size=8),
       gaps=st.lists(st.sampled_from(["", " ", "  "]), min_size=8, max_size=8),
       language=st.sampled_from(["en", "ar", "fr", "fa", "tr", "he"]))
def test_a_clock_times_digits_do_not_change_its_cleaning(words, gaps, language):
    """`_clean` reads a clock time's digits as zeros (one memo entry for a day's texts at all
    minutes): any text cleans as it does with its own digits."""
    text = "".join(w + g for w, g in zip(words, gaps, strict=False))
    assert _clean(text, language) == _cleaned_with_its_own_digits(text, language)


def test_the_gold_texts_and_word_pairs_clean_as_with_their_own_digits():
    """As above, on the gold texts and on every two of those words with each gap."""
    from pipeline.dates import _CLOCK_DIGITS, _fold, _zeros

    with open(GOLD, encoding="utf-8") as fh:
        texts = [row["text"] for row in csv.DictReader(fh)]
    assert sum(_CLOCK_DIGITS.sub(_zeros, _fold(t)) != _fold(t) for t in texts) >= 5
    texts += [f"{a}{gap}{b}" for a in CLOCK_WORDS for gap in ("", " ") for b in CLOCK_WORDS]
    for language in ("en", "ar", "fr", "fa"):
        assert [_clean(t, language) for t in texts] == [
            _cleaned_with_its_own_digits(t, language) for t in texts]


@settings(max_examples=100, deadline=None)
@given(when=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2030, 1, 1)),
       hours=st.integers(min_value=-12, max_value=14))
def test_published_iso_round_trip(when, hours):
    aware = when.replace(tzinfo=timezone(timedelta(hours=hours)))
    assert parse_published(aware.isoformat()) == aware


@pytest.mark.parametrize(("text", "language", "published", "start", "end", "method"), [
    ("around 6:30 pm local Baghdad time on January 20", "en", "2024-01-21", "2024-01-20",
     "2024-01-20", "in_text_exact_no_year"),
    ("At 12:15 a.m. (Iraq time) ... on Wednesday", "en", "2024-01-24", "2024-01-24",
     "2024-01-24", "weekday"),  # the elision and the clock time removed, a weekday is left
    ("Ce vendredi 2 février 2024", "fr", "2024-02-03", "2024-02-02", "2024-02-02",
     "in_text_exact"),
    ("صباح اليوم السبت 10 أوت 2024", "ar", "2024-08-10", "2024-08-10", "2024-08-10",
     "in_text_exact"),
    ("منتصف ليل الخميس-الجمعة", "ar", "2024-05-31", "2024-05-30", "2024-05-31",
     "in_text_weekday_span"),
    ("ليل الاثنين على الثلاثاء", "ar", "2024-01-16", "2024-01-15", "2024-01-16", "weekday_span"),
    ("Saturday's", "en", "2024-01-22", "2024-01-20", "2024-01-20", "in_text_weekday"),
    ("over last night", "en", "2024-05-31", "2024-05-30", "2024-05-31",
     "in_text_relative_night"),
])
def test_a_date_inside_a_longer_sentence(text, language, published, start, end, method):
    """Real phrasings from the reconciliation gold set that no whole-text rule reads."""
    got = parse_date(text, date.fromisoformat(published), language)
    assert (got.start.isoformat(), got.end.isoformat(), got.method) == (start, end, method)


@pytest.mark.parametrize(("text", "language", "published", "start", "method"), [
    ("le 12 juin 2019 vers 14h30", "fr", "2019-06-13", "2019-06-12", "exact"),
    ("shortly before 9:30 p.m. on Thursday", "en", "2024-01-13", "2024-01-11", "weekday"),
    ("just after 21:05 on 3 March", "en", "2024-03-04", "2024-03-03", "exact_no_year"),
    ("الأربعاء 9 كانون الأول 2020 الساعة 9:30", "ar", "2020-12-10", "2020-12-09", "exact"),
])
def test_a_clock_time_leaves_the_day_to_the_exact_rules(text, language, published, start,
                                                        method):
    """A clock time in any of its forms is removed before the exact rules read the day, so
    dateparser (a millisecond a call) is never asked; `localize_dates` reads the clock."""
    got = parse_date(text, date.fromisoformat(published), language)
    assert (got.start.isoformat(), got.end.isoformat(), got.method) == (start, start, method)


@pytest.mark.parametrize(("text", "language", "published", "start", "end", "method"), [
    ("last night", "en", "2024-01-05", "2024-01-04", "2024-01-05", "relative_night"),
    ("overnight", "en", "2024-01-29", "2024-01-28", "2024-01-29", "relative_night"),
    ("late yesterday night", "en", "2024-04-14", "2024-04-13", "2024-04-14", "relative_night"),
    ("around midnight", "en", "2024-02-05", "2024-02-04", "2024-02-05", "relative_night"),
    ("at midnight", "en", "2024-02-04", "2024-02-03", "2024-02-04", "relative_night"),
    ("after-midnight", "en", "2023-11-09", "2023-11-08", "2023-11-09", "relative_night"),
    ("cette nuit", "fr", "2024-01-05", "2024-01-04", "2024-01-05", "relative_night"),
    ("la nuit dernière", "fr", "2024-01-05", "2024-01-04", "2024-01-05", "relative_night"),
    ("dans la nuit", "fr", "2024-01-05", "2024-01-04", "2024-01-05", "relative_night"),
    ("peu après minuit", "fr", "2024-01-05", "2024-01-04", "2024-01-05", "relative_night"),
    ("الليلة الماضية", "ar", "2024-01-05", "2024-01-04", "2024-01-05", "relative_night"),
    ("أمس ليلا", "ar", "2024-01-05", "2024-01-04", "2024-01-05", "relative_night"),
    ("بعد منتصف الليل", "ar", "2024-01-05", "2024-01-04", "2024-01-05", "relative_night"),
    ("Thursday night", "en", "2024-01-12", "2024-01-11", "2024-01-12", "weekday_night"),
    ("late on Thursday night", "en", "2024-01-13", "2024-01-11", "2024-01-12", "weekday_night"),
    # a night that began on the publication day is cut there, as every span is
    ("Friday night", "en", "2024-01-12", "2024-01-12", "2024-01-12", "weekday_night"),
    # an evening is before midnight: one day, and so is the early night
    ("early Sunday night", "en", "2024-01-08", "2024-01-07", "2024-01-07", "weekday"),
    ("yesterday evening", "en", "2024-01-05", "2024-01-04", "2024-01-04", "relative_day"),
    ("Thursday evening", "en", "2024-01-12", "2024-01-11", "2024-01-11", "weekday"),
    ("tonight", "en", "2024-01-05", "2024-01-05", "2024-01-05", "relative_day"),
    # "ليلة الخميس" is the eve of Thursday in Arabic use; French "nuit de jeudi" may run either
    # way without its "à vendredi": neither is stretched into the next day
    ("dans la nuit de jeudi", "fr", "2024-01-12", "2024-01-11", "2024-01-11", "weekday"),
])
def test_a_night_straddles_the_two_days_it_joins(text, language, published, start, end,
                                                method):
    """A night before publication ("last night", "overnight", "Thursday night", "around
    midnight") is the evening before and the small hours after midnight: a strike at 01:00
    is the next day at the place and in its local outlets, the day before in a US outlet's
    frame. `date` stays the first day (SPEC §4: the start of the span)."""
    got = parse_date(text, date.fromisoformat(published), language)
    assert (got.start.isoformat(), got.end.isoformat(), got.method) == (start, end, method)
    assert got.best == got.start


def test_no_day_in_the_sentence_is_still_unparseable():
    with pytest.raises(DateError, match="cannot read a date"):
        parse_date("A few days earlier", date(2024, 1, 5), "en")


def test_iso_column_fast_path_agrees_with_the_scalar_parser():
    """ISO times are read for the whole column at once; any other text one by one."""
    pubs = ["2024-01-05T01:00:00+03:00", "2024-01-04T23:30:00-05:00", "2024-01-05",
            "2024-01-05 18:00", "Jan 4, 2024 6:05 PM EST", "2024-02-30", "5 janvier 2024"]
    texts = pd.Series(["Thursday"] * len(pubs))
    out = normalize_dates(texts, pd.Series(pubs), pd.Series(["en"] * len(pubs)))
    for i, pub in enumerate(pubs):
        try:
            when = parse_published(pub)
        except DateError as exc:
            assert out["error_message"][i] == str(exc)
            continue
        assert out["published"][i] == pd.Timestamp(when)
        assert out["date"][i] == parse_date("Thursday", when, "en").best


@pytest.mark.parametrize(("text", "language", "published", "start", "end"), [
    ("بعد منتصف ليل الاثنين/ الثلاثاء", "ar", "2024-01-15", "2024-01-15", "2024-01-15"),
    ("Saturday to Sunday night", "en", "2024-01-20", "2024-01-20", "2024-01-20"),
    ("Saturday to Sunday night", "en", "2024-01-22", "2024-01-20", "2024-01-21"),
])
def test_a_night_into_the_day_after_publication(text, language, published, start, end):
    """A night that began on the publication day is that night, not last week's; the span
    then ends at publication, as every period that reaches it does."""
    got = parse_date(text, date.fromisoformat(published), language)
    assert (got.start.isoformat(), got.end.isoformat()) == (start, end)


@pytest.mark.parametrize(("text", "clock"), [
    ("about 5 p.m. Eastern on Friday 9 August", (17 * 60, "America/New_York")),
    ("23:30 GMT on 3 January", (23 * 60 + 30, "UTC")),
    ("around 6:30 pm local Baghdad time on January 20", (18 * 60 + 30, "Asia/Baghdad")),
    ("0200 local time Thursday", (2 * 60, "local")),
    ("at 11 pm EST Jan 4", (23 * 60, "America/New_York")),
    ("Thursday, 1900 hours", (19 * 60, None)),  # no zone: the place's own time
    ("25:70 on Friday", (None, None)),  # impossible: ignored for the day
    ("le 3 et 4 janvier", None),  # French "et" is no time zone
    ("Friday", None),
])
def test_clock_times_and_zones(text, clock):
    from pipeline.dates import clock_of

    assert clock_of(text) == clock


@pytest.mark.parametrize(("text", "iso3", "day", "how"), [
    # the evening of the 9th in Washington is past midnight in Syria
    ("about 5 p.m. Eastern on Friday 9 August", "SYR", "2024-08-10",
     "+tz:America/New_York>Asia/Damascus"),
    ("9 August 2024 at 23:30 GMT", "IRQ", "2024-08-10", "+tz:UTC>Asia/Baghdad"),
    ("9 August 2024 at 10:00 GMT", "IRQ", "2024-08-09", "+tz:UTC>Asia/Baghdad"),
    ("9 August 2024, 0200 local time", "IRQ", "2024-08-09", "+local_time"),
    ("9 August 2024 at 25:70", "IRQ", "2024-08-09", "+time_ignored"),
    # a country of several zones: the day as written, and said so
    ("about 5 p.m. Eastern on Friday 9 August", "USA", "2024-08-09", "+tz:America/New_York>?"),
    # a night's clock time says which of its two days it is on, then the zone moves it
    ("Friday night at 11 p.m. ET", "SYR", "2024-08-10", "+tz:America/New_York>Asia/Damascus"),
    ("late Friday night, around 23:30 GMT", "IRQ", "2024-08-10", "+tz:UTC>Asia/Baghdad"),
    ("Friday night at 9 p.m. local time", "IRQ", "2024-08-09", "+local_time"),
    ("last night at 2 a.m. local time", "IRQ", "2024-08-11", "+local_time"),
])
def test_localize_moves_a_clock_time_to_the_local_day(text, iso3, day, how):
    from pipeline.dates import localize_dates

    dates = normalize_dates(pd.Series([text]), pd.Series(["2024-08-11"]), pd.Series(["en"]))
    out = localize_dates(dates, pd.Series([text]), pd.Series([iso3]))
    assert str(out["date"][0]) == day
    assert out["date_method"][0] == dates["date_method"][0] + how
    assert out["date_start"][0] == out["date"][0] == out["date_end"][0]
    assert out["date_precision"][0] == "day"


@pytest.mark.parametrize(("text", "iso3", "wrote"), [
    ("about 5 p.m. Eastern on Friday 9 August", "SYR", "2024-08-09"),  # 10 August there
    ("Friday night at 11 p.m. ET", "SYR", "2024-08-09"),
    ("9 August 2024 at 23:30 GMT", "IRQ", "2024-08-09"),
    ("9 August 2024 at 10:00 GMT", "IRQ", None),  # the same day there: nothing moved
    ("about 5 p.m. Eastern on Friday 9 August", "USA", None),  # no zone: the day as written
    ("9 August 2024, 0200 local time", "IRQ", None),
    ("jeudi 8 août 2024 (vendredi au Moyen-Orient)", "SYR", "2024-08-08"),  # 9 August there
    ("Thursday (Friday local time)", "IRQ", "2024-08-08"),
    ("on Friday", "IRQ", None),
])
def test_the_day_a_text_wrote_is_kept_when_its_local_day_is_another(text, iso3, wrote):
    """The day before the local one that a clock time in Washington or an aside gives: both
    name one moment (`reconcile` matches a report of either day)."""
    from pipeline.dates import localize_dates, written_days

    language = "fr" if "août" in text else "en"
    dates = normalize_dates(pd.Series([text]), pd.Series(["2024-08-11"]), pd.Series([language]))
    out = localize_dates(dates, pd.Series([text]), pd.Series([iso3]))
    frame = pd.DataFrame({"raw_date": [text], "published": out["published"],
                          "language": [language], "iso3": [iso3],
                          "date_start": out["date_start"], "date_method": out["date_method"]})
    found = written_days(frame)[0]
    assert (None if found is None else str(found)) == wrote
    if wrote:
        assert (out["date_start"][0] - found).days == 1


def test_a_night_with_an_impossible_time_keeps_its_two_days():
    from pipeline.dates import localize_dates

    text = "last night at 25:70 GMT"
    dates = normalize_dates(pd.Series([text]), pd.Series(["2024-08-11"]), pd.Series(["en"]))
    out = localize_dates(dates, pd.Series([text]), pd.Series(["IRQ"]))
    assert (str(out["date_start"][0]), str(out["date_end"][0]), out["date_precision"][0],
            out["date_method"][0]) == ("2024-08-10", "2024-08-11", "days",
                                       "relative_night+time_ignored")


@pytest.mark.parametrize(("text", "language", "published", "day", "method"), [
    # an aside naming the weekday at the place decides the day (a US outlet's Thursday)
    ("ce jeudi 26 octobre 2023 (vendredi au Moyen-Orient)", "fr", "2023-10-27", "2023-10-27",
     "in_text_exact+local_weekday"),
    ("late Thursday (early Friday local time)", "en", "2023-10-28", "2023-10-27",
     "weekday+local_weekday"),
    ("mercredi soir (jeudi matin heure locale)", "fr", "2023-10-28", "2023-10-26",
     "in_text_weekday+local_weekday"),
    ("Thursday (Friday in the Middle East)", "en", "2023-10-28", "2023-10-27",
     "in_text_weekday+local_weekday"),
    # an aside that names no adjacent day, or the same day, changes nothing
    ("Thursday (Monday local time)", "en", "2023-10-28", "2023-10-26", "weekday"),
    ("Thursday (Thursday local time)", "en", "2023-10-28", "2023-10-26", "weekday"),
])
def test_an_aside_naming_the_local_weekday_gives_the_local_day(text, language, published, day,
                                                                method):
    from pipeline.dates import localize_dates

    dates = normalize_dates(pd.Series([text]), pd.Series([published]), pd.Series([language]))
    out = localize_dates(dates, pd.Series([text]), pd.Series(["SYR"]))
    assert (str(out["date"][0]), out["date_method"][0]) == (day, method)


def test_a_clock_time_beside_a_local_weekday_aside_is_not_converted_again():
    from pipeline.dates import localize_dates

    text = "Thursday 11 p.m. ET (Friday local time)"
    dates = normalize_dates(pd.Series([text]), pd.Series(["2023-10-28"]), pd.Series(["en"]))
    out = localize_dates(dates, pd.Series([text]), pd.Series(["SYR"]))
    assert (str(out["date"][0]), out["date_method"][0]) == ("2023-10-27", "weekday+local_weekday")


def _english_first_words() -> list[str]:
    from pipeline.dates import _word_table

    return sorted({phrase[0] for phrase, _ in _word_table().get("en", [])})


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(st.text(max_size=40), st.builds(
    lambda a, w, b: a + w + b, st.text(max_size=8), st.sampled_from(_english_first_words()),
    st.text(max_size=8))))
def test_one_search_finds_a_phrase_start_where_the_table_has_one(text):
    """`_first_words` is a text holding one of the table's first words (as a substring), as
    the loop over the table's phrases it replaced said."""
    from pipeline.dates import _first_words, _word_table

    phrases = _word_table()["en"]
    assert bool(_first_words("en").search(text)) == any(p[0] in text for p, _ in phrases)
