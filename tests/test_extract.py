"""`extract`: article text → reports that `build` reads; measured on written test articles."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.dates import parse_date, parse_published
from pipeline.events import classify_event, parse_count
from pipeline.extract import (
    MAX_ARTICLE_BYTES,
    extract_file,
    extract_files,
    extract_text,
    score_articles,
    sentences,
    write_jsonl,
)
from pipeline.places import resolve_place
from tests.conftest import ROOT

# The seed article is the project's shared example, kept beside the repository (its text is
# not ours to copy in); CT_SEED_ARTICLE points at it from elsewhere.
SEED = Path(os.environ.get("CT_SEED_ARTICLE",
                           ROOT.parent / "shared" / "seed" / "example-article.txt"))
ARTICLES = Path(__file__).parent / "data" / "articles"


def normalized(row: dict) -> dict:
    """The fields an expected report states, from an extracted raw row."""
    pub = parse_published(row["published"])
    span = parse_date(row["date"], pub, row.get("language", "en"))
    place = resolve_place(row["place"], row.get("country") or "")
    return {"event_type": classify_event(row["event_type"]).event_type,
            "date_start": span.start.isoformat(), "date_end": span.end.isoformat(),
            "iso3": place.iso3, "place": place.place.lower(),
            "killed": parse_count(row.get("killed")).low,
            "injured": parse_count(row.get("injured")).low,
            "troops": parse_count(row.get("troops")).low or parse_count(row.get("troops")).high}


def matches(got: dict, want: dict) -> bool:
    return all(got[k] == want[k] for k in ("event_type", "date_start", "date_end", "iso3",
                                          "killed", "injured", "troops")) \
        and want.get("place_contains", "") in got["place"]


@pytest.mark.skipif(not SEED.exists(), reason="the seed article is not in this checkout")
def test_seed_article():
    rows = extract_file(SEED, published="2024-01-04", source="The Free Beacon")
    got = {(r["source"], r["event_type"]): normalized(r) for r in rows}
    strike_us = got[("US official", "airstrike")]
    police = got[("Iraqi police and security sources", "drone strike")]
    assert (strike_us["date_start"], strike_us["place"], strike_us["killed"]) == (
        "2024-01-04", "baghdad", 2)
    assert (police["killed"], police["injured"], police["iso3"]) == (4, 6, "IRQ")
    troops = sorted((normalized(r)["iso3"], normalized(r)["troops"]) for r in rows
                    if r["event_type"] == "troop presence")
    assert troops == [("IRQ", 2500), ("SYR", 900)]
    drone = got[("The Free Beacon", "drone attack")]
    assert (drone["date_start"], drone["date_end"], drone["injured"], drone["iso3"]) == (
        "2023-12-01", "2023-12-31", 3, "IRQ")
    assert not any("2003" in r["quote"] or "invasion" in r["quote"] for r in rows)
    assert not any("over 100 attacks" in r["quote"] for r in rows)


def test_sentences_keep_abbreviations():
    assert sentences("U.S. forces struck at 4 p.m. on Jan. 4. Two were killed.") == [
        "U.S. forces struck at 4 p.m. on Jan. 4.", "Two were killed."]


def test_cli_writes_jsonl_that_build_reads(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("published: 2024-01-29T14:05:00Z\nsource: Test Wire\n\n"
                       "Three US soldiers were killed in a drone attack on Tower 22 in northeast "
                       "Jordan on Sunday, US officials said.\n", encoding="utf-8")
    out = tmp_path / "raw" / "a.jsonl"
    result = CliRunner().invoke(app, ["extract", str(article), "-o", str(out)])
    assert (result.exit_code, result.stdout) == (0, f"wrote 1 reports from 1 article(s) to {out}\n")
    row = json.loads(out.read_text().splitlines()[0])
    assert normalized(row) | {"source": row["source"]} == {
        "event_type": "drone_attack", "date_start": "2024-01-28", "date_end": "2024-01-28",
        "iso3": "JOR", "place": "tower 22", "killed": 3, "injured": None, "troops": None,
        "source": "US officials"}
    built = CliRunner().invoke(app, ["build", "--raw", str(out.parent), "--out",
                                     str(tmp_path / "out")])
    assert built.exit_code == 0 and built.stdout.startswith("published v1: 1 incidents")


def test_cli_needs_a_publication_time(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("Three soldiers were killed.\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["extract", str(article), "-o", str(tmp_path / "x.jsonl")])
    assert (result.exit_code, result.stderr) == (
        2, f"Error: {article}: no publication time: add a `published:` line or --published\n")


def test_old_articles_still_found():
    """The eight articles the first rules were written on (a*.txt)."""
    score = score_articles(ARTICLES, "a*.txt")
    print(f"\nold eight:\n{score.table()}")
    assert score.recall == 1.0 and score.precision >= 0.85, score.misses
    assert all(score.field_recall(f) >= 0.85 for f in ("type", "date", "place", "figures"))


def test_new_corpus_precision_and_recall():
    """The articles of many voices (b*.txt), written with their expected reports before the
    rules changed for them: incidents and each field."""
    score = score_articles(ARTICLES, "b*.txt")
    print(f"\nnew corpus ({score.articles} articles):\n{score.table()}")
    assert score.articles >= 30
    assert score.precision >= 0.9 and score.recall >= 0.9, (score.misses, score.extras)
    for name in ("type", "date", "place", "figures", "actor1", "actor2"):  # issue 20: >= 0.85
        assert score.field_precision(name) >= 0.85 and score.field_recall(name) >= 0.85, name
    assert score.bad_actor1 == []  # actor1 is never a speaker, a victim or a target


def test_held_out_articles():
    """Articles written after the rules were settled and never used to change them (h*.txt):
    the figure to expect on unseen text. A guard, not a target: do not tune rules on them."""
    score = score_articles(ARTICLES, "h*.txt")
    print(f"\nheld out ({score.articles} articles):\n{score.table()}")
    assert score.precision >= 0.8 and score.recall >= 0.8 and score.bad_actor1 == []


def _one(text: str, published: str = "2024-01-29T12:00:00Z", **kw) -> list[dict]:
    return extract_text(text, published=published, source="Test Wire", **kw)


@pytest.mark.parametrize("text, actor1, actor2", [
    # the seed article: the responder is not the attacker
    ("Last month, the United States responded to a drone attack by Iran-aligned militants in "
     "Iraq, which critically injured one US service member and wounded two others, with "
     "retaliatory airstrikes.", "Iran-aligned militias", "United States"),
    # victims named first, speakers last
    ("Three U.S. soldiers were killed on Sunday when a one-way attack drone struck Tower 22 in "
     "northeast Jordan, U.S. officials said.", None, "United States"),
    ("An Israeli strike killed three people in Aitaroun on Thursday, the Lebanese health "
     "ministry said.", "Israel", None),
    # a state's own territory hit by another: the state is the target
    ("Hezbollah said it had fired a salvo of rockets at Safed on Friday.", "Hezbollah", "Israel"),
    ("US strikes on the Houthi-held port of Ras Isa killed 58 people on Thursday, Al Masirah "
     "TV said.", "United States", "Houthis"),
    ("A drone strike killed four people in Deir Ezzor on Wednesday, a war monitor said.", None,
     None),
])
def test_roles(text, actor1, actor2):
    rows = _one(text)
    assert rows and (rows[0]["actor1"], rows[0]["actor2"]) == (actor1, actor2)


@pytest.mark.parametrize("text, actor1, actor2", [
    # the owner of what was hit is the target
    ("A drone strike hit a weapons depot belonging to Kataib Hezbollah near al-Qaim on Monday, "
     "killing two people.", None, "Kata'ib Hezbollah"),
    # the victims named by what they are of: "two members of X were killed"
    ("Two members of Hezbollah were killed in an Israeli strike on a car in Tyre on Monday, a "
     "security source said.", "Israel", "Hezbollah"),
    # what the strikes were meant to hurt, in a later clause
    ("US strikes hit the port of Hodeidah on Monday, killing six people; officials said the "
     "strikes were meant to cut off fuel for the Houthis.", "United States", "Houthis"),
    # the striker's account of its target, in a later sentence without an event of its own
    ("Une frappe israélienne a visé une voiture à Nabatieh samedi, tuant deux personnes. "
     "L'armée israélienne a affirmé avoir visé un commandant du Hezbollah.", "Israel", "Hezbollah"),
    # a toll named in parts is no one group's
    ("An Israeli strike killed three people in Aitaroun on Thursday, a child and a Hezbollah "
     "fighter among them.", "Israel", None),
    # "a statement on the Houthi-run channel" names no target; Eilat is Israel's own territory
    ("In a statement on the Houthi-run al-Masirah TV, the group said a drone hit a hotel in Eilat "
     "on Thursday.", None, "Israel"),
    # counted things hit ("13 Houthi targets"), not "X targets ...", and the speaker is no one
    ("US Central Command said the strikes hit 13 Houthi targets in Hodeidah on Thursday.", None,
     "Houthis"),
])
def test_targets(text, actor1, actor2):
    rows = _one(text)
    assert [(r["actor1"], r["actor2"]) for r in rows] == [(actor1, actor2)]


def test_build_keeps_the_stated_type_of_an_extracted_row(tmp_path):
    """An extracted "drone attack" whose actor1 is an air power stays a drone attack in the
    build: the air-power retyping is only for rows whose actor1 a person wrote."""
    from pipeline import load

    rows = _one("A US drone attack hit a car in Baghdad on Monday, killing three people.")
    assert [(r["actor1"], r["event_type"]) for r in rows] == [("United States", "drone attack")]
    types = []
    for name, row in (("extracted", rows[0]), ("by hand", {**rows[0], "extracted_by": None})):
        write_jsonl([row], tmp_path / name / "raw" / "a.jsonl")
        built = CliRunner().invoke(app, ["build", "--raw", str(tmp_path / name / "raw"), "--out",
                                         str(tmp_path / name / "out")])
        assert built.exit_code == 0, built.stdout
        types += load("events", root=tmp_path / name / "out")["event_type"].tolist()
    assert types == ["drone_attack", "drone_strike"]


def test_datelines_and_sentence_openers_are_not_places():
    rows = _one("DOHA/GAZA — Israeli air strikes hit a house in Deir al-Balah on Saturday, "
                "killing four people, medics said.", published="2024-02-03T14:00:00Z")
    assert [(r["place"], r["country"]) for r in rows] == [("Deir al-Balah", "Palestine, State of")]
    rows = _one("Une frappe de drone israélien a tué deux personnes samedi dans le sud du Liban, "
                "selon un bilan officiel.", published="2025-02-15T22:00:00Z", language="fr")
    assert [(r["place"], r["country"], r["killed"]) for r in rows] == [("Liban", "Lebanon", "deux")]


@pytest.mark.parametrize("text", [
    "A car bomb exploded in Manbij on Monday, killing four civilians.",
    "A suicide bomber blew himself up in a market in Baghdad on Monday, killing four people.",
    "Two suicide bombers detonated explosive vests at a house in Kirkuk on Monday, killing four.",
])
def test_bombings_in_plain_words(text):
    rows = _one(text)
    assert [classify_event(r["event_type"]).event_type for r in rows] == ["ied_attack"]


def test_a_later_claim_by_another_speaker_is_attached():
    rows = _one("A drone strike hit a car in Manbij on Monday. The Syrian Observatory for Human "
                "Rights, a war monitor, said four people were killed.")
    assert [(r["source"], r["killed"], r["place"]) for r in rows] == [
        ("Syrian Observatory for Human Rights", "four", "Manbij")]


def test_troops_in_other_words():
    rows = _one("About 350 U.S. Army and Air Force personnel are deployed at Tower 22.")
    assert [(normalized(r)["troops"], normalized(r)["iso3"], r["actor1"]) for r in rows] == [
        (350, "JOR", "United States")]


def test_an_undated_event_gets_an_honest_span():
    row = _one("An Israeli air strike on a clinic in Gaza City killed a senior official, the "
               "health ministry said.", published="2024-06-24T05:57:00+03:00")[0]
    assert (normalized(row)["date_start"], normalized(row)["date_end"]) == ("2024-06-23", "2024-06-24")
    assert row["date_basis"] == "undated: from the day before publication to publication"
    dated = _one("GAZA, Jun 23 — An Israeli air strike hit a clinic in Gaza City, killing one "
                 "person, the health ministry said.", published="2024-06-25T05:57:00+03:00")[0]
    assert (normalized(dated)["date_start"], normalized(dated)["date_end"]) == (
        "2024-06-23", "2024-06-25")
    assert dated["date_basis"] == "undated: from the article's latest dated evidence to publication"


def test_extracted_rows_are_marked():
    """The marker lets the build keep a stated event type (no retyping from an inferred actor)."""
    assert {r["extracted_by"] for r in _one("A US drone strike hit a car in Baghdad on Monday, "
                                            "killing three people.")} == {"extract"}


def test_bad_files_stop_only_themselves(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("published: 2024-01-29\nsource: Test Wire\n\nA drone attack hit Tower 22 "
                    "on Sunday, killing three soldiers.\n", encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(b"published: 2024-01-29\n\x00\x01\x02")
    (tmp_path / "big.txt").write_bytes(b"published: 2024-01-29\n" + b"a" * 5_000_000)
    (tmp_path / "latin1.txt").write_bytes("published: 2024-01-29\n\nFrappe à Tyr.".encode("latin-1"))
    paths = [tmp_path / n for n in ("empty.txt", "binary.txt", "good.txt", "big.txt", "latin1.txt")]
    rows, errors = extract_files(paths)
    assert len(rows) == 1 and rows[0]["place"] == "Tower 22"
    assert errors == [f"{tmp_path / 'empty.txt'}: empty file",
                      f"{tmp_path / 'binary.txt'}: binary file, not article text",
                      f"{tmp_path / 'big.txt'}: 5,000,022 bytes, more than an article "
                      f"({MAX_ARTICLE_BYTES:,} at most)",
                      f"{tmp_path / 'latin1.txt'}: not UTF-8 text (byte 0xe0 at offset 30)"]


def test_two_articles_with_the_same_file_name_get_different_ids(tmp_path):
    for folder, place in (("a", "Manbij"), ("b", "Baghdad")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "article.txt").write_text(
            f"published: 2024-01-29\nsource: Test Wire\n\nA car bomb exploded in {place} on "
            "Sunday, killing three people.\n", encoding="utf-8")
    rows, errors = extract_files([tmp_path / "a" / "article.txt", tmp_path / "b" / "article.txt"])
    assert not errors and len(rows) == 2 and len({r["report_id"] for r in rows}) == 2


@pytest.mark.parametrize("figure", ["1,20", "9" * 20])
def test_a_figure_the_count_parser_refuses_is_no_figure_of_the_sentence(figure):
    """Prose the build would quarantine ("1,20" is a decimal, twenty digits no count) stops
    neither the article nor the sentence's event: the event is kept without the figure."""
    rows = _one(f"A US drone strike hit a car in Baghdad on Monday, killing {figure} people.")
    assert [(r["event_type"], r["killed"]) for r in rows] == [("drone strike", None)]
