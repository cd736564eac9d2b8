"""Trust signals: independent sources (a syndicated copy is not a second voice) and the grade
of every incident, each case written by hand."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.build import normalize, reconcile_reports
from pipeline.grade import agency_of, outlet_of
from pipeline.read import RawBatch

WIRE = ("BEIRUT (AP) — A drone struck a base hosting U.S. troops in western Iraq on Thursday, "
        "a U.S. defense official said, adding that no injuries were reported.")


def _events(*rows: dict) -> pd.DataFrame:
    """Raw rows of one strike (defaults: Al-Asad Air Base, 4 January 2024) → its events."""
    base = {"source": "wire", "source_url": None, "language": "en", "country": "Iraq",
            "actor1": None, "actor2": None, "killed": None, "injured": None, "troops": None,
            "quote": None, "extra": None, "input_file": "t.csv", "event_type": "drone attack",
            "date": "2024-01-04", "place": "Al-Asad Air Base", "published": "2024-01-05"}
    frame = pd.DataFrame([{**base, "report_id": f"r{i}", **r, "input_line": i + 2}
                          for i, r in enumerate(rows)])
    reports, quarantine = normalize(RawBatch(rows=frame))
    assert quarantine.empty, quarantine.to_dict("records")
    return reconcile_reports(reports)[0]


def _one(*rows: dict) -> dict:
    events = _events(*rows)
    assert len(events) == 1, events[["incident_id", "place", "date"]]
    row = events.iloc[0].to_dict()
    row["grade_reasons"] = list(row["grade_reasons"])
    return row


def test_one_source_is_single_source():
    e = _one({"source": "Reuters"})
    assert (e["grade"], e["independent_sources"], e["source_count"]) == ("single_source", 1, 1)
    assert e["grade_reasons"] == ["1 independent source of 1 report"]


def test_two_outlets_corroborate():
    e = _one({"source": "Reuters"}, {"source": "Al Mayadeen"})
    assert (e["grade"], e["independent_sources"]) == ("corroborated", 2)


def test_a_syndicated_copy_does_not_raise_the_grade():
    """A local station republishing AP's story (credited in its opening), and a site copying
    it word for word, are AP's voice: one source, whatever their names."""
    e = _one({"source": "AP", "quote": WIRE},
             {"source": "KMXS", "source_url": "https://www.kmxs.com/drone-attack", "quote": WIRE},
             {"source": "Daily Copy", "quote": WIRE.replace("BEIRUT (AP) — ", "")})
    assert (e["grade"], e["independent_sources"], e["source_count"]) == ("single_source", 1, 3)
    assert e["grade_reasons"] == ["1 independent source of 3 reports"]


def test_an_agency_credited_in_the_source_name_is_that_agency():
    e = _one({"source": "Security official (AFP)"},
             {"source": "AFP", "quote": "Baghdad (AFP) - Une frappe de drone a visé un QG..."})
    assert (e["grade"], e["independent_sources"]) == ("single_source", 1)


def test_one_outlet_twice_is_one_source():
    e = _one({"source": "Rudaw", "source_url": "https://www.rudaw.net/english/a"},
             {"source": "Rudaw English", "source_url": "https://rudaw.net/english/b"})
    assert (e["grade"], e["independent_sources"]) == ("single_source", 1)


def test_three_independent_sources_confirm():
    e = _one({"source": "Reuters"}, {"source": "Al Mayadeen"}, {"source": "Shafaq News"})
    assert e["grade"] == "confirmed"
    assert e["grade_reasons"] == ["3 independent sources of 3 reports",
                                  "3 independent sources agree on type, day and place"]


def test_an_official_party_confirms():
    """CENTCOM speaks for the US forces that were the target."""
    e = _one({"source": "U.S. Central Command", "actor2": "US forces"})
    assert e["grade"] == "confirmed"
    assert e["grade_reasons"][1] == ("an official party to the event reported it: "
                                     "U.S. Central Command")


def test_the_seed_toll_disagreement_is_documented_not_contested():
    """2 killed per a US official, 4 per Iraqi police: ×2, within the rule."""
    e = _one({"source": "US official", "killed": "2"}, {"source": "Iraqi police", "killed": "4"})
    assert e["grade"] == "corroborated"
    assert e["grade_reasons"][-1] == ("killed 2 to 4 across independent sources: a documented "
                                      "disagreement, within the contest rule")


@pytest.mark.parametrize(("low", "high", "grade"), [
    ("10", "20", "corroborated"),  # ×2 exactly: within the rule
    ("10", "21", "contested"),  # over ×2 and 3 or more apart
    ("1", "3", "corroborated"),  # over ×2 but only 2 apart
])
def test_the_toll_rule_at_its_bounds(low, high, grade):
    e = _one({"source": "Reuters", "killed": low}, {"source": "Al Mayadeen", "killed": high})
    assert e["grade"] == grade


def test_tolls_far_apart_contest():
    e = _one({"source": "Reuters", "killed": "0"}, {"source": "Al Mayadeen", "killed": "12"},
             {"source": "Shafaq News", "killed": "12"})
    assert e["grade"] == "contested"
    assert e["grade_reasons"][1] == ("toll disputed: killed 0 to 12 across independent sources "
                                     "(more than ×2 and 3 apart)")


def test_a_copy_cannot_contest_its_own_story():
    """Two figures inside one syndicated story are one voice: no contest."""
    e = _one({"source": "AP", "quote": WIRE, "killed": "0"},
             {"source": "KMXS", "quote": WIRE, "killed": "12"})
    assert e["grade"] == "single_source"


def test_an_umbrella_and_its_member_are_no_dispute():
    """The Islamic Resistance in Iraq claims for Kata'ib Hezbollah: one incident, no contest
    (two unrelated known attackers are two incidents, never one contested one)."""
    e = _one({"source": "Reuters", "actor1": "Islamic Resistance in Iraq"},
             {"source": "Shafaq News", "actor1": "Kataib Hezbollah"})
    assert e["grade"] == "corroborated"


@pytest.mark.parametrize(("url", "outlet"), [
    ("https://english.alarabiya.net/News/x", "alarabiya.net"),
    ("https://www.bbc.co.uk/news/x", "bbc.co.uk"),
    ("http://m.example.com", "example.com"),
    ("not a url", None),
    ("http://[::1", None),  # a broken link is no outlet, never an error
    ("https://english.news.cn/x", "news.cn"), ("http://www.news.cn/y", "news.cn"),  # one outlet
])
def test_outlet_of(url, outlet):
    assert outlet_of(url) == outlet


@pytest.mark.parametrize(("quote", "agency"), [
    ("BEIRUT (AP) — A drone ...", "AP"),
    ("BAGHDAD, Jan 4 (Reuters) - A drone strike ...", "Reuters"),
    ("Baghdad (AFP) – Une frappe ...", "AFP"),
    ("DAMASCUS, Jan. 20 (Xinhua) -- An Israeli missile ...", "Xinhua"),
    ("A drone struck a base, officials said.", None),
    ("REUTERS\u00a0- Beirut ...", "Reuters"),  # a no-break space is a space
    ("The Associated Press reported ...", "AP"), ("The associated pressure ...", None),
    ("— AFP", "AFP"), ("— AFPX", None), (None, None), ("", None),
])
def test_agency_of(quote, agency):
    assert agency_of(quote) == agency


def test_a_copy_is_keyed_by_its_ends_case_spacing_and_punctuation_aside():
    """Two copies of one wire story, one with other case, Unicode spaces and punctuation, key
    alike; a quote of punctuation only, or none, keys nothing."""
    from pipeline.grade import _text_keys, rules

    n = rules()["quote_chars"]
    story = "BEIRUT (AP) — An Israeli strike on a car near Tyre killed two people, " * 3
    copy = story.upper().replace(" ", "\u00a0").replace(",", " ,").replace("—", "-")
    keys = _text_keys(pd.Series([story, copy, "!!! ...", None], dtype="str"), False)
    assert keys[0] == keys[1] and len(keys[0]) == n
    assert keys[0].startswith("beirut ap an israeli strike")
    assert keys[2:].isna().all()
    tails = _text_keys(pd.Series([story, copy], dtype="str"), True)
    assert tails[0] == tails[1] and tails[0].endswith("killed two people")


def _runs_as_one_space(texts: list[str]) -> tuple[list[str], list[str]]:
    """Texts with each run of Python's whitespace rewritten to one space: by `_SPACES` (runs
    and single odd spaces only) and by the plain definition (`_SPACE` runs, every one)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from pipeline.grade import _SPACE, _SPACES

    text = pa.array(texts, type=pa.large_string())
    return (pc.replace_substring_regex(text, _SPACES, " ").to_pylist(),
            pc.replace_substring_regex(text, _SPACE + "+", " ").to_pylist())


def test_the_space_pattern_rewrites_what_a_rewrite_of_every_run_does():
    """Every character of the Basic Multilingual Plane, alone and doubled between letters:
    `_SPACES` leaves a plain space and rewrites the others as the plain pattern does; the
    characters it counts as space are Python's (`str.split()`)."""
    chars = [chr(c) for c in range(0x10000) if not 0xD800 <= c <= 0xDFFF]
    texts = [f"a{c}b" for c in chars] + [f"a{c}{c}b" for c in chars] + [f"a {c}b" for c in chars]
    fast, plain = _runs_as_one_space(texts)
    assert fast == plain
    assert {c for c, t in zip(chars, fast, strict=False) if t == "a b"} == {
        c for c in chars if f"a{c}b".split() == ["a", "b"]}


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(
    list("ab.,") + [" ", "\t", "\n", "\x0b", "\x1c", "\x85", "\u00a0", "\u2003", "\u2028",
                    "\u3000"]), max_size=40), max_size=20))
def test_spaces_in_any_text_are_rewritten_as_every_run_would_be(texts):
    fast, plain = _runs_as_one_space(texts)
    assert fast == plain


@settings(max_examples=300, deadline=None)
@given(st.lists(st.none() | st.text(alphabet=st.sampled_from(list("ab x.") + [
    "é", "ب", "漢", "😀", "\u0301"]), max_size=30), max_size=12), st.integers(1, 12))
def test_the_last_characters_of_any_text_are_its_python_tail(texts, m):
    """`_last_chars`, counting from the right only, gives each text's last `m` characters
    as Python counts them (one to four UTF-8 bytes each, a combining mark on its own), and
    a missing text stays missing."""
    import pyarrow as pa

    from pipeline.grade import _last_chars

    for kind in (pa.string(), pa.large_string()):
        last = _last_chars(pa.array(texts, type=kind), m)
        assert last.type == kind
        assert last.to_pylist() == [None if t is None else t[-m:] for t in texts]


def test_source_keys_do_not_depend_on_the_index_or_on_how_many_are_read_at_once(monkeypatch):
    """Quotes are keyed a batch of reports at a time (`KEY_ROWS`): the keys of reports
    labelled from 100 on, read two at a time, one batch or two at once (threads), are those
    of the same reports read at once."""
    from pipeline import grade

    story = "BEIRUT (AP) — An Israeli strike on a car near Tyre killed two people, " * 3
    quotes = [story, story.upper(), None, "short", story + " Later, a second strike.", story]
    reports = pd.DataFrame({
        "quote": pd.Series(quotes, dtype="str"),
        "source": ["AP", "Rudaw", "a resident", "NNA", "Security official (AFP)", "AP"],
        "source_url": [None, "https://www.rudaw.net/a", None, None, None, "https://x.com/b"]})
    whole = grade.source_keys(reports)
    monkeypatch.setattr(grade, "KEY_ROWS", 2)
    for threads in (1, 2):
        parts = grade.source_keys(reports.set_axis(range(100, 106)), threads)
        assert [k.tolist() for k in parts] == [k.tolist() for k in whole]
    # the copies share their opening's key, and the quote that ends otherwise, only that
    assert whole[3].tolist() == [0, 0, -1, -1, 0, 0] and whole[4].tolist() == [0, 0, -1, -1, 1, 0]
