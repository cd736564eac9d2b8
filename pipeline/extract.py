"""Article text → reports in the raw contract (SPEC §3), offline and rule-based.

A sentence that names an incident (an event phrase of `data/extract_event_phrases.csv` or
`data/event_type_phrases.csv`) opens one, or continues the one before it when it names no
other day, place or kind; a later sentence with figures and no event of its own adds a claim
to the open incident. Each source an article quotes with its own figures ("according to a US
official", "Iraqi police said") becomes its own report, so conflicting figures stay separate
claims. Roles come from the sentence's structure (`data/extract_actors.csv`,
`data/extract_roles.csv`): the one who struck, fired or claimed is actor1, the one attacked or
killed actor2 (and a state, when the attack hit its own territory); a speaker, a victim or the
target of an earlier attack is never actor1, and when nothing says who struck, actor1 is left
empty. An event with no date phrase gets an honest span, from the most recent dated
evidence in the article (or the day before publication) to publication, with `date_basis`
saying which. Background history, aggregates and general statements (`data/extract_traps.csv`)
are not incidents. The normalizers of the build decide nothing here: the output is raw text
that `build` normalizes like any other input; every row carries `extracted_by = extract`, so
that no rule of the build retypes a stated event from an actor the extractor inferred.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from .config import PACKAGE_DATA
from .dates import DateError, parse_date, parse_published
from .errors import UsageError
from .events import CountError, EventType, classify_event, first_event, parse_count
from .places import REGION, PlaceError, resolve_place

MAX_ARTICLE_BYTES = 2_000_000  # a news article is a few kilobytes; more is not an article
_ABBREV = re.compile(r"\b(U\.S|U\.K|U\.N|Jan|Feb|Mar|Apr|Aug|Sept?|Oct|Nov|Dec|Gen|Maj|Lt|Col|Sgt|"
                     r"Capt|Adm|Mr|Mrs|Ms|Dr|St|No|Brig|Spc|a\.m|p\.m)\.", re.I)
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|"
          r"December|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\b\.?)")
_FR_MONTH = r"(?:janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre)"
_FR_DAY = r"(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)"
_DATE_PHRASES = re.compile(r"(?<![\w-])(?:" + "|".join([
    rf"{_WEEKDAY},? \d{{1,2}} {_MONTH}(?: \d{{4}})?",
    rf"\d{{1,2}} {_MONTH} \d{{4}}", rf"{_MONTH} \d{{1,2}}, \d{{4}}",
    rf"(?:early |late |on |last |earlier on |late on |early on )?{_WEEKDAY}"
    r"(?: (?:morning|afternoon|evening|night))?",
    rf"{_MONTH} \d{{1,2}}(?:, \d{{4}})?", rf"\d{{1,2}} {_MONTH}(?: \d{{4}})?",
    r"(?:early |late |earlier |later )?(?:last|this|earlier this|late last) (?:month|week|year)",
    r"(?:late |early )?yesterday(?: (?:morning|afternoon|evening))?", r"last night",
    r"(?:early )?(?:today|tonight|this morning|this evening)", r"overnight",
    rf"(?:early |mid-|late )?{_MONTH} \d{{4}}", rf"in {_MONTH}",
    r"Christmas (?:Day|Eve)|New Year's (?:Day|Eve)",
    rf"{_FR_DAY}(?: \d{{1,2}}(?:er)? {_FR_MONTH}(?: \d{{4}})?)?", rf"\d{{1,2}}(?:er)? {_FR_MONTH}"
    r"(?: \d{4})?", r"\bhier\b", r"le mois dernier", r"la semaine dernière", r"aujourd'hui",
    r"أمس", r"اليوم", r"(?:مساء |فجر |صباح )?(?:الاثنين|الثلاثاء|الأربعاء|الخميس|الجمعة|السبت|الأحد)",
]) + ")", re.I)
# Words without which a sentence names no figure: most sentences skip the figure patterns.
_OUTCOME_WORDS = re.compile(r"kill|dead|died|death|wound|injur|hurt|toll|tué|tuant|mort|bless|péri|"
                            r"fait|injuring|casualt", re.I)
_NUMBER = (r"\b(?:at least |more than |over |about |around |nearly |up to |some |au moins |plus de |"
           r"environ )?"
           r"(?:\d[\d,]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
           r"thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|"
           r"fifty|dozens|several|a dozen|both|un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|"
           r"dix|onze|douze|treize|quatorze|quinze|seize|vingt|trente)")
# "14 women and one man": the people of one figure, summed by the build's count parser.
_AND_MORE = rf"(?:\s+(?:[a-z]+\s+){{0,1}}and\s+{_NUMBER}\s+(?:man|men|woman|women|child|children|others?))?"
# Words between a number and its verb: not "of" ("one of three people killed"), not another
# outcome ("four killed and wounded nine").
_BETWEEN = (r"(?:(?!of\b(?!\s+(?:its|their|his|her|them)\b)|and\b|et\b|killed\b|killing\b|"
            r"wounded\b|injured\b|d'entre\b)"
            r"[\w.'’-]+,?\s+){0,6}")
_PEOPLE = r"(?:\s+(?:other\s+|more\s+)?(?:people|persons|civilians|Palestinians|others))?"
_KILLED = [re.compile(p, re.I) for p in (
    rf"(?:killed|killing|kills|kill|left|leaving)\s+(?P<n>{_NUMBER}{_AND_MORE})\b",
    rf"(?P<n>{_NUMBER}{_AND_MORE})\s+{_BETWEEN}(?:were |was |have been |had been )?"
    r"(?:killed|dead|died)\b",
    rf"(?:death|deaths) of (?P<n>{_NUMBER})\b",
    rf"\b(?:toll|bilan)\b[^.;]{{0,40}}?\b(?:at|to|of|à|de)\s+(?P<n>{_NUMBER}{_AND_MORE})",
    rf"(?:tué|tuant|tue|fait|faisant)\s+(?P<n>{_NUMBER})\b",
    rf"la mort de (?P<n>{_NUMBER})\b",
    rf"(?P<n>{_NUMBER})\s+(?:(?!et\b)[\w'’-]+,?\s+){{0,5}}(?:(?:ont|avaient|a) (?:aussi |également )?été )?"
    r"(?:tués?|tuées?|morts?|péri)\b",
)]
_INJURED = [re.compile(p, re.I) for p in (
    rf"(?:injured|injuring|wounded|wounding|injures|wounds)\s+(?P<n>{_NUMBER})\b",
    rf"(?P<n>{_NUMBER})\s+{_BETWEEN}(?:were |was |have been )?(?:injured|wounded|hurt)\b",
    rf"(?P<n>{_NUMBER})\s+(?:[\w'’-]+\s+){{0,3}}blessé(?:e)?s\b",
    rf"(?:blessé|blessant)\s+(?P<n>{_NUMBER})\b", rf"en a blessé (?P<n>{_NUMBER})\b",
)]
# One person named by role: "killing a Kata'ib Hezbollah commander", "injuring a civilian".
_ONE = re.compile(r"\b(?:killed|killing|injuring|wounding|injured|wounded)\s+(?:a|an|the)\s+"
                  r"(?:[\w'’-]+\s+){0,3}?(?:commander|leader|director|official|civilian|man|woman|"
                  r"child|boy|girl|fighter|member|soldier|officer|journalist|person)\b", re.I)
# "killed the militia leader and another individual": a person and one more, counted as two.
_PAIR = re.compile(r"(?:killed|death of|killing)\s+(?:the|a)\s+[\w\s-]{2,40}?\s+and\s+"
                   r"(?:another|one other|one of his|an? other)\b", re.I)
_ATTRIBUTION = [re.compile(p) for p in (
    r"[Aa]ccording to (?:an? |the )?(?P<s>[^,;.]{3,60}?)(?:,|;|\.| the | that |$)",
    r"(?P<s>(?:[\w'’.-]+\s){0,4}(?:police|security sources|sources?|officials?|medics|"
    r"[Oo]bservatory|[Mm]inistry|military|army|spokesman|spokesperson|CENTCOM|Pentagon|"
    r"[Cc]ommand|[Cc]ouncil|[Dd]efen[cs]e|authorities|monitor|TV|agency|[Ww]itnesses)"
    r"(?:\s(?:and|or)\s(?:[\w-]+\s){0,3}(?:sources|officials?|monitor))?)\s+(?:have |has |had )?"
    r"(?:said|says|reported|told|confirmed|stated|put)",
    r"(?:said|says|reported|told reporters|confirmed)\s+(?P<s>(?:an? |the )?[A-Z][\w .'’-]{2,50}?)"
    r"(?:,|\.|$)",
    r"(?P<s>[A-Z][\w'’.-]*(?:\s+(?:for|of|de|du|des|[A-Z][\w'’.-]*)){0,6}),\s+(?:(?:an?|the|un|une|le|la)\s)?"
    r"[^,]{3,60},\s+(?:said|says|put|reported|told|a indiqué|a déclaré|a annoncé)",
    r"[Ss]elon (?:le |la |l['’]|les )?(?P<s>[^,;.«]{3,60}?)(?:,|;|\.|$)",
    r"(?:a|ont) (?:indiqué|annoncé|déclaré|précisé|rapporté|affirmé)(?: à l['’]AFP)?\s+"
    r"(?P<s>(?:le |la |l['’])[\w .'’-]{3,50}?|[A-Z][\w .'’-]{2,50}?)(?:,|\.|$)",
    r"(?P<s>(?:[Ll]e |[Ll]a |[Ll]['’])(?:[\w'’-]+\s){0,4}?(?:ministère|agence|Défense civile|armée)"
    r"(?: [\w'’-]+){0,3}?)\s+(?:a |avait )?(?:indiqué|annoncé|déclaré|précisé|rapporté|fait état)",
)]
_TROOP_WORDS = r"(?:troops|forces|personnel|service members|soldiers|advisers|advisors|marines|airmen)"
_TROOPS = re.compile(
    rf"(?P<n>{_NUMBER})\s+(?:(?:US|U\.S\.|American|[A-Z][a-z]+|and|Army|Air Force|Navy)\s+){{0,6}}"
    rf"{_TROOP_WORDS}?\s*(?:(?:are|were|remain|have been|had been)\s+)?"
    r"(?:(?:deployed|stationed|based|present)\s+)?(?:in|at)\s+"
    r"(?P<place>(?:the\s+)?[A-Z][\w-]+(?:\s+\d+)?|the (?:base|outpost|garrison))")
_DATELINE = re.compile(
    r"^(?P<where>(?:[A-Z][\w.'’-]*(?:[ /][A-Z][\w.'’-]*){0,3})(?:,\s*[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,2})?"
    r"(?:\s*\([^)]{1,40}\))?)(?:,\s*(?P<when>[A-Z][a-z]{2,4}\.? \d{1,2}))?\s+[—–-]{1,2}\s+"
    r"|^[A-Z][\w ]{1,30}/\s+")
_HEADER = re.compile(r"^(published|source|url|language)\s*:\s*(.*)$", re.I)
_SOCIAL = re.compile(r"pic\.twitter\.com|https?://t\.co/|\(@\w+\)")
_NOT_PLACE = {"the", "a", "an", "its", "it", "on", "in", "at", "une", "un", "le", "la", "les", "des",
              "selon", "depuis", "since", "after", "before", "when", "while", "there", "this", "that",
              "these", "those", "his", "her", "their", "our", "we", "they", "he", "she", "no", "l'",
              "d'après", "par", "pour", "mais", "neither", "both", "some", "early", "late", "about"}
# Countries a sentence names, by name or adjective: a place it names lies in one of them.
_COUNTRY_WORDS = {"Syria": "SYR", "Syrian": "SYR", "Syrie": "SYR", "Iraq": "IRQ", "Irak": "IRQ",
                  "Lebanon": "LBN", "Lebanese": "LBN", "Liban": "LBN", "Yemen": "YEM",
                  "Gaza": "PSE", "Palestinian": "PSE", "West Bank": "PSE",
                  "Jordan": "JOR", "Jordanian": "JOR", "Kurdistan": "IRQ"}
_COUNTRY_RE = re.compile(r"\b(?:" + "|".join(sorted(_COUNTRY_WORDS, key=len, reverse=True)) + ")")
_DEMONYMS = {"Sunni", "Shiite", "Shia", "Kurdish", "Syrian", "Iraqi", "Lebanese", "Yemeni", "Arab",
             "Palestinian", "Palestinians", "Israeli", "Israelis", "American", "Americans",
             "Iranian", "Turkish", "Russian",
             "Jordanian", "Saudi", "British", "Telegram", "Twitter", "Facebook", "Reuters", "AFP",
             "AP", "TV", "X", "Ani", "ANI", "NNA", "SANA", "WAFA", "Amaq", "Xinhua"}
# Names that look like places and are not: a clock ("Baghdad time"), a number plate, a channel.
_NOT_A_PLACE = re.compile(r"\b[A-Z][\w-]+ time\b|\b[A-Z][\w-]+ licen[cs]e plate\b|"
                          r"\b(?:Al[- ])?Masirah(?: TV)?\b|\b(?:the )?(?:Red Sea|Gulf of Aden|"
                          r"Arabian Sea|Mediterranean|Bab al-Mandeb|mer Rouge|golfe d'Aden)\b|"
                          r"\bAl[- ]Manar\b|\b(?:on|sur) (?:Telegram|X)\b")
_PLACE = re.compile(
    r"(?:(?:(?:near|outside|in|at|on|north of|south of|east of|west of|the outskirts of|"
    r"eastern|western|northern|southern|northeastern|northwestern|southeastern|southwestern|"
    r"central|northeast|northwest|southeast|southwest|l'est de|l'ouest de|le nord de|le sud de|"
    r"près de|dans|à|de|sur)\s+)+)?(?:(?:[Aa]l[- ]|the )?[A-Z0-9][\w'’-]*(?:\s+(?:[Aa]l[- ]|de |d'|el-)?"
    r"[A-Z0-9][\w'’-]*)*)")
_LOCATIVE = re.compile(r"(?:\b(?:near|outside|in|at|on|of|à|dans|près de|sur|de)\s+(?:the\s+)?)$", re.I)
# Another incident: "another strike", "Four other people were killed in ...", "une autre frappe",
# "Trois autres ont été tuées" (not "another individual", not "wounding three others").
_ANOTHER = re.compile(
    r"\b(?:another|other|separate|second|une autre|un autre|d'autres|autres)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:strikes?|attacks?|drones?|raids?|bombings?|explosions?|blasts?|car bombs?|frappes?|"
    r"attaques?|people|persons|civilians|personnes)\b|"
    r"\b(?:deux|trois|quatre|cinq|six|sept|huit|neuf|dix)\s+autres\s+(?:ont|avaient|sont)\b", re.I)
_ACT_VERB = (r"(?:struck|strikes|launched|launches|carried out|conducted|fired|fires|targeted|"
             r"targets|attacked|attacks|hit|bombed|shelled|used|destroyed|killed|kills|"
             r"a frappé|a ciblé|a visé|ont frappé|ont visé|a mené|ont mené|a tiré|ont tiré)")
_CLAIM = re.compile(
    r"^[^.;]{0,80}?\b(?:(?:has |have |had )?(?:claimed|claims|a revendiqué|revendique)\b|"
    r"(?:said|says|announced|stated|a affirmé|a annoncé)\b[^.;]{0,60}?\b(?:it|they|its fighters|"
    r"its forces|its members|the group|its mujahideen)\s+(?:had\s+|has\s+|have\s+)?(?:fired|"
    r"launched|attacked|targeted|struck|carried out|shot|hit)\b)", re.I)


@dataclass
class _Incident:
    event: EventType
    label: str
    date: str | None
    basis: str
    place: str
    country: str
    specific: bool
    actor1: str | None
    actor2: str | None
    quote: str
    reports: dict[str, dict] = field(default_factory=dict)


def _data(name: str) -> list[dict[str, str]]:
    with open(PACKAGE_DATA / name, encoding="utf-8") as fh:
        return [r for r in csv.DictReader(fh) if not next(iter(r.values()), "").startswith("#")]


@lru_cache(maxsize=1)
def _own_phrases() -> list[tuple[re.Pattern[str], str, str]]:
    return [(re.compile(r["pattern"], re.I), r["label"], r["strength"])
            for r in _data("extract_event_phrases.csv")]


@lru_cache(maxsize=1)
def _actor_table() -> list[tuple[re.Pattern[str], str]]:
    return [(re.compile(r["pattern"]), r["actor"]) for r in _data("extract_actors.csv")]


@lru_cache(maxsize=1)
def _territories() -> dict[str, str]:
    """ISO3 → the state actor whose own territory it is (`territory` in extract_actors.csv)."""
    return {r["territory"]: r["actor"] for r in _data("extract_actors.csv") if r.get("territory")}


def _state_hit(incident: _Incident) -> str | None:
    """The state whose own territory the incident is on, unless it is the incident's actor1.
    An attack there by anyone else targets that state, though the text names only a town
    ("the drones hit Eilat", "rockets at Safed"), and whoever it says sent them."""
    where = _where(incident.place)
    state = _territories().get(where.iso3) if where is not None else None
    return state if state != incident.actor1 else None


class _TargetRules(NamedTuple):
    """Text around an actor's name that makes it the target (`data/extract_roles.csv`)."""

    before: re.Pattern[str]  # "killing three", "an attack on the", "visé un responsable du"
    after: re.Pattern[str]  # "X base", "X fighters"
    of: re.Pattern[str]  # "two members of X were killed", "une position du X": before the name
    held: re.Pattern[str]  # "strikes on the X-held port": before an "X-held" name
    owner: re.Pattern[str]  # "a factory belonging to X"
    purpose: re.Pattern[str]  # "meant to cut off fuel for X"
    mixed: re.Pattern[str]  # "a child and an X fighter among them": after the name
    counted: re.Pattern[str]  # "hit 13 X targets": a count of what an attack hit, before


@lru_cache(maxsize=1)
def _target_rules() -> _TargetRules:
    kinds: dict[str, list[str]] = {}
    for r in _data("extract_roles.csv"):
        kinds.setdefault(r["kind"], []).append(f"(?:{r['pattern']})")
    w = {k: "|".join(v) for k, v in kinds.items()}
    # The object phrase stops at a place, a time, an agent or a speaker: "killed three people
    # in Gaza", "struck on Monday", "attacked by X", "hit, officials said".
    stop = r"(?!(?:in|on|at|by|from|when|as|after|near|outside|while|said|dans|à|près|selon)\b)"
    article = r"(?:an?\s+|the\s+|\d+\s+|le\s+|la\s+|les\s+|des\s+|un\s+|une\s+|l['’])"
    return _TargetRules(
        before=re.compile(rf"\b(?:{w['harm']}|{w['aim']})\s+{article}?(?:{stop}[\w'’-]+\s+){{0,5}}$"),
        after=re.compile(rf"[\w'’-]*\s+(?:[\w-]+\s+){{0,1}}(?:{w['target_noun']})\b"),
        of=re.compile(rf"\b(?:{w['target_noun']})\s+(?:of|de|du|des|d['’])\s+(?:the\s+|le\s+|la\s+|l['’])?$"),
        held=re.compile(rf"\b(?:{w['aim']})\s+(?:the\s+)?$"),
        owner=re.compile(rf"\b(?:{w['owner']})\s+{article}?$"),
        purpose=re.compile(rf"\b(?:{w['purpose']})\b[^.;:,]{{0,60}}$"),
        mixed=re.compile(rf"[^,.;]{{0,40}}?\b(?:{w['mixed']})\b"),
        counted=re.compile(rf"\b(?:{w['harm']}|{w['aim']})\s+{_NUMBER}(?<!,)\s+$"),
    )


@lru_cache(maxsize=1)
def _traps() -> dict[str, re.Pattern[str]]:
    kinds: dict[str, list[str]] = {}
    for r in _data("extract_traps.csv"):
        kinds.setdefault(r["kind"], []).append(f"(?:{r['pattern']})")
    return {k: re.compile("|".join(v), re.I) for k, v in kinds.items()}


# --- reading --------------------------------------------------------------------------------


def read_article(path: Path) -> tuple[dict[str, str], str]:
    """A text file → (header fields, body). The header is leading `key: value` lines.

    Raises UsageError for what is not an article: an empty, binary, oversized or
    non-UTF-8 file.
    """
    try:
        size = path.stat().st_size
        if size > MAX_ARTICLE_BYTES:
            raise UsageError(f"{path}: {size:,} bytes, more than an article "
                             f"({MAX_ARTICLE_BYTES:,} at most)")
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read ({exc.strerror})") from None
    if not data.strip():
        raise UsageError(f"{path}: empty file")
    if b"\x00" in data:
        raise UsageError(f"{path}: binary file, not article text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset "
                         f"{exc.start})") from None
    header: dict[str, str] = {}
    lines = text.splitlines()
    i = 0
    while i < len(lines) and (m := _HEADER.match(lines[i].strip())):
        header[m[1].lower()] = m[2].strip()
        i += 1
    return header, "\n".join(lines[i:])


def _language(text: str) -> str:
    if len(re.findall(r"[\u0600-\u06ff]", text)) > len(text) / 4:
        return "ar"
    words = re.findall(r"\b(?:le|la|les|des|une|dans|selon|été|a été|qui)\b", text.lower())
    return "fr" if len(words) > 10 else "en"


def _paragraphs(body: str) -> list[str]:
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n|\n(?=[A-Z\u0600-\u06ff\"“—])", body)]


def sentences(body: str) -> list[str]:
    """Paragraphs, then sentences; abbreviations (U.S., Jan., a.m.) do not end a sentence."""
    out: list[str] = []
    for para in _paragraphs(body):
        para = _DATELINE.sub("", para)
        if not para or not re.search(r"[.!?؟\"”»]$", para):
            continue  # a headline or a caption: no sentence of its own
        protected = _ABBREV.sub(lambda m: m.group(0).replace(".", "\0"), para)
        for sent in re.split(r"(?<=[.!?؟])[\"”’»]?\s+(?=[\"“«]?\s?[A-Z0-9\u0600-\u06ffÀ-Ý«])", protected):
            sent = sent.replace("\0", ".").strip()
            if sent:
                out.append(sent)
    return out


# --- what a sentence says -------------------------------------------------------------------


def _event(sentence: str) -> tuple[EventType | None, str, int] | None:
    """The event a sentence names first: (type, text to write, position); the type is None
    for a verb that names an attack of the open incident's kind ("struck", "targeted")."""
    hits = []
    for pattern, label, strength in _own_phrases():
        m = pattern.search(sentence)
        if m:
            hits.append((strength == "weak", m.start(), label))
    table = first_event(sentence)
    if table is not None and table.family != "troops":
        hits.append((False, _position(sentence, table), table.event_type.replace("_", " ")))
    if not hits:
        return None
    strong = [h for h in hits if not h[0]] or [h for h in hits if h[2] != "="] or hits
    _, pos, label = min(strong, key=lambda h: h[1])
    return (None if label == "=" else classify_event(label)), label, pos


def _position(sentence: str, event: EventType) -> int:
    from .events import _phrases
    from .places import fold

    key = fold(sentence)
    for pattern, event_type in _phrases():
        if event_type == event.event_type and (m := pattern.search(key)):
            words = [re.escape(w) for w in m.group(0).split()]
            found = re.search(r"[\s'’-]*".join(words), sentence, re.I) if words else None
            return found.start() if found else int(m.start() * len(sentence) / max(len(key), 1))
    return 0


def _figures(sentence: str) -> tuple[str | None, str | None]:
    """The killed and injured figures a sentence states, as text ("four", "at least 34")."""
    if not _OUTCOME_WORDS.search(sentence):
        return None, None
    sentence = _DATE_PHRASES.sub(lambda m: " " * len(m.group(0)), sentence)
    sentence = re.sub(r"\b[Nn]o one\b", "nobody", sentence)
    sentence = re.sub(r"\b(wounded|wounding|injured|injuring|killed|killing) another\b", r"\1 one",
                      sentence)
    sentence = re.sub(r"\b\d{1,2}[:h]\d{2}\b|\b\d+\s*(?:km|kilomet\w+|miles)\b", " ", sentence)
    killed = next((m["n"] for p in _KILLED for m in [p.search(sentence)] if m), None)
    if killed is None and _PAIR.search(sentence):
        killed = "two"
    injured_hits = [m["n"] for p in _INJURED for m in p.finditer(sentence)]
    injured = None
    if injured_hits:  # "critically injured one ... and wounded two others": one figure, summed
        values = [parse_count(_figure_text(h)) for h in dict.fromkeys(injured_hits)]
        lows = [v.low for v in values if v.low is not None]
        injured = str(sum(lows)) if len(lows) > 1 and len(lows) == len(values) else injured_hits[0]
    if killed is None or injured is None:
        for m in _ONE.finditer(sentence):
            if re.match(r"kill", m.group(0), re.I):
                killed = killed or "one"
            else:
                injured = injured or "one"
    return _figure_text(killed), _figure_text(injured)


def _figure_text(text: str | None) -> str | None:
    """A figure the sentence states, or None when the count parser reads no number in it or
    refuses it ("killed 1,20 people", twenty digits): prose the build would quarantine states
    no figure the extractor can give."""
    if text is None:
        return None
    text = re.sub(r"\bboth\b", "two", text, flags=re.I)
    try:
        count = parse_count(text)
    except CountError:
        return None
    return text if count.low is not None or count.high is not None else None


@lru_cache(maxsize=2048)  # a sentence is read for its speakers several times in one pass
def _speakers(sentence: str) -> list[tuple[int, int, str]]:
    """Who the sentence quotes: (start, end, name)."""
    out = []
    for pattern in _ATTRIBUTION:
        for m in pattern.finditer(sentence):
            source = re.sub(r"^(?:(?:an?|the|le|la|les)\s+|l['’])", "", m["s"].strip(), flags=re.I)
            if 2 < len(source) <= 60 and not re.match(r"(?:it|he|she|they|this|il|elle)\b",
                                                      source, re.I):
                out.append((m.start(), m.end(), source[0].upper() + source[1:]))
    return out


def _source(sentence: str) -> str | None:
    found = _speakers(sentence)
    return found[0][2] if found else None


def _date_phrases(sentence: str, published: datetime, language: str) -> list[tuple[str, date]]:
    out = []
    for m in _DATE_PHRASES.finditer(sentence):
        phrase = m.group(0).strip()
        try:
            span = parse_date(phrase, published, language)
        except DateError:
            continue
        out.append((phrase, span.start))
    return out


@lru_cache(maxsize=2048)
def _mentions(sentence: str) -> list[tuple[int, int, str]]:
    """Actor names in the sentence: (start, end, actor), longest first at a position."""
    found: list[tuple[int, int, str]] = []
    for pattern, actor in _actor_table():
        for m in pattern.finditer(sentence):
            if not any(s <= m.start() < e or m.start() <= s < m.end() for s, e, _ in found):
                found.append((m.start(), m.end(), actor))
    return sorted(found)


def _roles(sentence: str, event_at: int) -> tuple[str | None, str | None]:
    """(actor1, actor2) of the event a sentence names, from its structure.

    actor1 is the one that claimed, struck or fired (a claim, "by X", "X struck", an "Israeli
    strike"); a speaker, a victim or the target ("an attack on X", "X base") is never actor1.
    actor2 is the first name the attack is aimed at or hurts (`_TargetRules`): the object of an
    attack word or of a toll, a thing hit named after its owner, an owner ("belonging to X"),
    what the attack was meant to hurt. A speaker is not a target (a state hit on its own
    territory is added per incident, `_state_hit`); nor is one group among a toll named in
    parts ("a child and a fighter among them"), which names victims of several kinds.
    """
    target = _target_rules()
    response = _traps()["response"].search(sentence)
    answered = (response.start(), response.end()) if response and response.start() else (0, 0)
    said = [(s, e) for s, e, _ in _speakers(sentence)]
    actor1: tuple[int, str] | None = None
    actor2: str | None = None
    for start, end, actor in _mentions(sentence):
        if answered[0] <= start < answered[1]:
            continue  # "in response to an attack by X": X did not do this one
        before, after = sentence[max(0, start - 45):start], sentence[end:end + 70]
        if re.match(r"-(?:run|held|controlled|led|backed|aligned|affiliated|linked|based)\b", after):
            if start > event_at and target.held.search(before):
                actor2 = actor2 or actor  # "strikes on the Houthi-held port", not "a statement on"
            continue  # "Houthi-run media", "US-led coalition": whose, not who
        if target.mixed.match(after):
            continue  # "three people, a child and a Hezbollah fighter among them": no one group
        if _CLAIM.match(sentence[end:end + 160]):
            rank = 0  # "X claimed the attack", "Hezbollah said it had fired"
        elif any(s <= start < e for s, e in said):
            continue  # a speaker
        elif target.owner.search(before) or target.purpose.search(sentence[max(0, start - 90):start]):
            actor2 = actor2 or actor  # "a factory belonging to X", "meant to cut off fuel for X"
            continue
        elif target.counted.search(before) and target.after.match(after):
            actor2 = actor2 or actor  # "hit 13 Houthi targets": counted things, not "X targets"
            continue
        elif re.search(r"\b(?:by|par|from)\s+(?:an?\s+|the\s+|des\s+|les\s+|l['’])?"
                       r"(?:[\w-]+\s+){0,2}$", before) and not re.search(
                           r"\b(?:backed|supported|run|held|controlled|used|owned|operated|occupied|"
                           r"led|founded|funded)\s+by\s+\S*\s*$", before):
            rank = 1  # "a drone attack by an Iran-backed group", "killed by Israeli fire"
        elif 0 <= event_at - end <= 45 and re.fullmatch(
                r"(?:[\s-]+|\s(?:and|et|&)\s(?:the\s)?[A-Z][\w.]*\s|\s(?:air|drone|missile|"
                r"rocket|aerial|precision|armed|suspected|enemy|warplanes?|jets?|fighter)\s*)*"
                r"(?:'s|s)?[\s-]*", sentence[end:event_at] or " "):
            rank = 2  # "an Israeli air strike", "US and UK strikes"
        elif 0 <= start - event_at <= 40 and re.fullmatch(
                r"[\w\s'’-]*?\s", sentence[event_at:start]) and re.match(r"[a-zé]", sentence[start]):
            rank = 2  # "frappe de drone israélienne"
        elif re.match(rf"\s*(?:[A-Z][\w-]*\s+|forces\s+|military\s+|army\s+|warplanes\s+|jets\s+|"
                      rf"aircraft\s+|drones?\s+|navy\s+|air force\s+|militants\s+|"
                      rf"Command\s+|l'armée\s+)*(?:has\s+|have\s+|had\s+|then\s+|also\s+)?"
                      rf"{_ACT_VERB}\b", after) and not re.search(
                          r"\b(?:killing|killed|wounding|injuring)\s+(?:\S+\s+){0,2}$", before):
            rank = 3  # "US Central Command forces conducted a strike", "regime forces launched"
        elif target.before.search(before) or target.after.match(after) or target.of.search(before):
            actor2 = actor2 or actor  # a target or a victim
            continue
        else:
            continue
        if actor1 is None or rank < actor1[0]:
            actor1 = (rank, actor)
    first = actor1[1] if actor1 else None
    return first, (actor2 if actor2 != first else None)


def _place(sentence: str, hints: tuple[str, ...] = ()) -> tuple[str, str, bool] | None:
    """The place of the sentence's incident in our region: (text, country, below country).

    A name the gazetteer finds in several countries ("Rafah") is read in the countries the
    sentence names, then those the article does (`hints`, ISO3 codes)."""
    best: tuple[str, str, bool] | None = None
    text = _traps()["response"].sub(lambda m: " " * len(m.group(0)) if m.start() else m.group(0),
                                    sentence)
    masked = [(s, e) for s, e, _ in _speakers(text)] + [
        (s, e) for s, e, a in _mentions(text) if a not in ("Israel", "Turkey", "Iran", "Russia")]
    text = _NOT_A_PLACE.sub(lambda m: " " * len(m.group(0)), text)
    text = re.sub(r"\bla ville de Gaza\b", "Gaza City  ", text)
    unnamed = text
    for s, e in masked:
        unnamed = unnamed[:s] + " " * (e - s) + unnamed[e:]
    named = {_COUNTRY_WORDS[m.group(0)] for m in _COUNTRY_RE.finditer(unnamed)}
    for m in _PLACE.finditer(text):
        if any(s < m.end() and m.start() < e for s, e in masked):
            continue
        raw = m.group(0).strip().rstrip(".,")
        if re.search(r"['’]s$", raw) or raw.split()[-1] in _DEMONYMS:
            continue  # "Yemen's Houthi movement", "Iraqi Shiite": whose, not where
        bare = re.sub(r"^(?:(?:in|at|on|dans|à|de|sur|near|the)\s+)+", "", raw)
        bare = re.sub(r"['’]s$", "", bare)
        words = bare.split()
        while words and words[0].lower().strip("'’") in _NOT_PLACE:
            words = words[1:]
        bare = " ".join(words)
        if re.search(r"(?:\b(?:family|famille|clan|tribe)|\d+\s*(?:km|kilomet\w+|miles)\s+(?:\w+\s+)?"
                     r"(?:north|south|east|west|au nord|au sud|à l'est|à l'ouest)\w*(?:\s+of|\s+de)?)\s*$",
                     text[:m.start()] + raw[:max(raw.find(bare), 0)]):
            continue  # "the Boustane family", "100 km north of Baghdad": not where it happened
        if len(bare) < 3 or re.search(r"-(?:aligned|backed|led|based|supported|run|held)$", bare, re.I) \
                or _DATE_PHRASES.fullmatch(bare) or re.match(rf"{_WEEKDAY}|{_MONTH}", bare):
            continue
        if m.start() == 0 and not _LOCATIVE.search(raw.split(bare)[0] + " ") and not re.match(
                r"(?:in|at|near|dans|à)\b", raw, re.I):
            if len(words) == 1 and not best:
                continue  # a capital at the start of a sentence is not yet a place
        if _traps()["person"].match(bare):
            continue  # "Sheikh Adnan al-Bazi", "Mohammad Salah"
        place = _resolve_in(bare, (*sorted(named), *hints))
        locative = re.match(r"(?:in|at|near|outside|dans|à|près de|sur)\b", raw, re.I)
        if place is None or (named and place.iso3 not in named and not locative):
            continue  # "the Syrian city of Hasakah" is not in Lebanon
        specific = place.geo_precision != "country"
        if specific:
            return bare, place.country, True
        best = best or (bare, place.country, False)
    return best


_READ_IN: dict[str, str] = {}  # place text → the country it was read in, when it needed one


def _resolve_in(text: str, hints: tuple[str, ...]):  # noqa: ANN202
    """`text` resolved alone, else in the first of `hints` (ISO3) where it resolves."""
    place = _resolve(text, "")
    if place is None:
        for hint in hints:
            if (place := _resolve(text, hint)) is not None:
                _READ_IN[text] = hint
                break
    return place


def _where(text: str):  # noqa: ANN202
    """A place text as `_place` read it."""
    return _resolve(text, "") or (_resolve(text, _READ_IN[text]) if text in _READ_IN else None)


@lru_cache(maxsize=50_000)
def _resolve(text: str, hint: str):  # noqa: ANN202
    try:
        place = resolve_place(text, hint)
    except PlaceError:
        return None
    return place if _iso2(place.iso3) in REGION else None


def _countries(text: str) -> tuple[str, ...]:
    """ISO3 codes of the countries a text names, most named first."""
    counts: dict[str, int] = {}
    for m in _COUNTRY_RE.finditer(text):
        iso = _COUNTRY_WORDS[m.group(0)]
        counts[iso] = counts.get(iso, 0) + 1
    return tuple(iso for iso, n in sorted(counts.items(), key=lambda kv: -kv[1]) if n)


def _iso2(iso3: str) -> str:
    import pycountry

    c = pycountry.countries.get(alpha_3=iso3)
    return c.alpha_2 if c else ""


def _is_background(sentence: str, published: datetime) -> bool:
    years = [int(y) for y in re.findall(r"\b(19\d\d|20\d\d)\b", sentence)]
    return any(y < published.year - 1 for y in years) or bool(_traps()["background"].search(sentence))


def _trap(sentence: str, published: datetime) -> bool:
    traps = _traps()
    return bool(_SOCIAL.search(sentence) or _is_background(sentence, published)
                or traps["general"].search(sentence) or traps["aggregate"].search(sentence)
                or traps["not_event"].search(sentence))



# --- an article → reports -------------------------------------------------------------------


def _evidence(body: str, published: datetime, language: str,
              dated: dict[str, list[tuple[str, date]]]) -> date | None:
    """The most recent day the article's text dates (a dateline, a sentence, a headline, an
    embedded post) in the week before publication; history and aggregates are no evidence."""
    days = [d for found in dated.values() for _, d in found]
    for para in _paragraphs(body):
        m = _DATELINE.match(para)
        if m and m["when"]:
            days += [d for _, d in _date_phrases(m["when"], published, language)]
        if not re.search(r"[.!?؟\"”»]$", para) and (_SOCIAL.search(para) or not _trap(para, published)):
            days += [d for _, d in _date_phrases(para, published, language)]  # headline, post
    pub = published.date()
    days = [d for d in days if pub - timedelta(days=EVIDENCE_DAYS) <= d <= pub]
    return max(days) if days else None


def _undated(published: datetime, evidence: date | None) -> tuple[str, str]:
    """An honest span for an event the text does not date: (date text, basis)."""
    pub = published.date()
    if evidence is None:
        return (f"between {_day_text(pub - timedelta(days=1))} and {_day_text(pub)}",
                "undated: from the day before publication to publication")
    if evidence >= pub:
        return _day_text(pub), "undated: the article's latest dated evidence is the publication day"
    return (f"between {_day_text(evidence)} and {_day_text(pub)}",
            "undated: from the article's latest dated evidence to publication")


def _day_text(d: date) -> str:
    return f"{d.day} {d.strftime('%B')} {d.year}"


_GENERIC_SPEAKER = re.compile(r"^(?:(?:an?|the|local|war|security|medical)\s+)*(?:monitor|officials?|"
                              r"sources?|medics|authorities|autorités(?: locales)?|source)$", re.I)
_SAME_PLACE = re.compile(r"\b(?:the (?:same )?(?:city|town|village|area|camp)|the base|la même "
                         r"(?:ville|localité)|the same (?:city|town|village|area))\b", re.I)
_DAY_BEFORE = re.compile(r"\b(?:a|one) day (?:after|before)\b|\bthe (?:previous|day before)\b|"
                         r"\bla veille\b", re.I)
_SPEECH_BEFORE = re.compile(r"(?:said|says|announced|reported|told \w+|stated|annoncé|indiqué|"
                            r"déclaré|précisé)\s*(?:on\s+)?$", re.I)
EVIDENCE_DAYS = 7  # a date more than a week before publication dates something else
_NAME = r"[A-Z][\w'’-]*(?:\s+(?:[Aa]l-|el-)?[A-Z][\w'’-]*|\s+al-[\w'’-]+)*"
_LISTED = re.compile(rf"\b(?:in|at)\s+(?P<a>{_NAME})\s+(?:and|et)\s+(?:in\s+)?(?P<b>{_NAME})")
_SAME_DAY = re.compile(r"\b(?:the same day|that day|le même jour|ce jour-là)\b", re.I)


def _same_speaker(key: str, reports: dict[str, dict]) -> str:
    """"the ministry" after "the Lebanese health ministry": the same speaker ("local sources"
    after "Iraqi police and security sources" is another)."""
    words = set(key.lower().split())
    for known in reports:
        if known.lower() == key.lower() or (len(words) <= 3 and words <= set(known.lower().split())):
            return known
    return key


def _clauses(body: str) -> list[str]:
    """Sentences, the clauses of a sentence that joins incidents with a semicolon, and the
    clause an attack answers ("in response to US strikes on Hodeidah"), read first: it names
    the earlier incident."""
    out = []
    for s in sentences(body):
        for clause in re.split(r";\s+", s):
            m = _traps()["response"].search(clause)
            if m and _event(m.group(0)) is not None:
                out.append(m.group(0).strip())
            if clause.strip():
                out.append(clause.strip())
    return out


# Kinds of attack that can be one incident told twice ("an air strike", then "the drone").
_KIND = {"drone_strike": "air", "airstrike": "air", "drone_attack": "air", "missile_attack": "missile",
         "rocket_attack": "rocket", "artillery_shelling": "shelling", "ied_attack": "ied",
         "armed_clash": "clash"}


def _compatible(a: EventType, b: EventType) -> bool:
    return _KIND.get(a.event_type, a.event_type) == _KIND.get(b.event_type, b.event_type)


def _pick_date(sentence: str, dates: list[tuple[str, date]]) -> str | None:
    """The sentence's date of the event, not of a statement ("announced on Friday that ...
    hit on Thursday") unless it has no other."""
    if not dates:
        return None
    for phrase, _ in dates:
        at = sentence.find(phrase)
        if not _SPEECH_BEFORE.search(sentence[max(0, at - 25):at]):
            return phrase
    return dates[0][0]


def _summary(sentence: str) -> bool:
    """"Israeli air strikes killed 18 in Rafah and Deir al-Balah": one toll of two places."""
    m = _LISTED.search(sentence)
    if not m:
        return False
    hints = _countries(sentence)
    a, b = _resolve_in(m["a"], hints), _resolve_in(m["b"], hints)
    return bool(a and b and a.geo_precision != "country" and b.geo_precision != "country"
                and a.place != b.place)


def extract_text(body: str, *, published: str, source: str, url: str | None = None,
                 language: str | None = None, id_prefix: str = "article") -> list[dict]:
    """Reports (raw contract rows) from one article's text."""
    pub = parse_published(published)
    lang = language or _language(body)
    _speakers.cache_clear()  # the memo of one article's sentences, read several times each
    _mentions.cache_clear()
    clauses = [s for s in _clauses(body) if not _trap(s, pub)]
    dated = {s: _date_phrases(s, pub, lang) for s in clauses}
    evidence = _evidence(body, pub, lang, dated)
    reports: list[dict] = []
    incidents: list[_Incident] = []
    current: _Incident | None = None
    article_countries = _countries(body)
    hint = ""
    for sentence in clauses:
        speakers = _speakers(sentence)
        own = speakers[0][2] if speakers else None
        troops = _troop_reports(sentence, pub, lang, current, evidence)
        if troops:
            reports.extend({"source": own or source, "quote": sentence, **t} for t in troops)
            continue
        named_event = _event(sentence)
        found: tuple[EventType, str, int] | None = None
        if named_event is not None and named_event[0] is not None:
            found = (named_event[0], named_event[1], named_event[2])
        elif named_event is not None and current is not None:  # "struck": the open kind
            found = (current.event, current.label, named_event[2])
        date_text = _pick_date(sentence, dated[sentence])
        place = _place(sentence, tuple(dict.fromkeys(h for h in (hint, *article_countries) if h)))
        if place is None and current is not None and current.place and _SAME_PLACE.search(sentence):
            place = (current.place, current.country, current.specific)
        killed, injured = _figures(sentence)
        if _summary(sentence):
            killed = injured = None
        same_place = place is None or current is None or not current.place or (
            current.place.lower() in sentence.lower()) or _same_where(place, current)
        other_at = _ANOTHER.search(sentence)
        other = other_at is not None
        if found is None:
            if current is None:
                continue
            claimant = next((a for s, e, a in _mentions(sentence) if _CLAIM.match(sentence[e:e + 90])),
                            None)
            if claimant and current.actor1 is None:  # "X claimed the attack"
                current.actor1 = claimant
            differs = (date_text and not _same_day(
                date_text, current.date or _undated(pub, evidence)[0], pub, lang)) \
                or (not same_place and (other or current.specific))
            if differs and other and (killed or injured) and place:  # "Four other people ... in X"
                current = _open(current.event, current.label, date_text, place, None, None, sentence)
                incidents.append(current)
            elif differs:
                continue  # figures of something else
            elif place and (not current.place or (place[2] and not current.specific)):
                current.place, current.country, current.specific = place
            if killed is None and injured is None:
                continue
        else:
            event, label, at = found
            if other and re.search(r"\b(?:the|this|that|la|le|cette|ce)\s+(?:\w+\s+)?$",
                                   sentence[:at], re.I):  # "The strike came after another attack"
                offset = other_at.start() if other_at else 0
                later = _event(sentence[offset:])
                if later is not None and later[0] is not None:
                    event, label, at = later[0], later[1], offset + later[2]
                    found = (event, label, at)
            if not same_place and current is not None and place is not None and \
                    current.event.family != event.family and _same_province(place, current):
                same_place = True  # a claim or a second look at the same incident
            definite = bool(re.search(r"\b(?:the|this|that|la|le|cette|ce)\s+(?:[\w-]+\s+){0,3}$",
                                      sentence[:at], re.I))
            new = current is None or bool(
                (date_text and not _same_day(date_text, current.date or _undated(pub, evidence)[0],
                                             pub, lang))
                or not same_place
                or (other and (place or date_text or killed or injured))
                or (not _compatible(event, current.event) and not definite))
            if not new and current is not None and (killed or injured):
                key = _same_speaker(own or _last_key(current) or source, current.reports)
                known = current.reports.get(key)
                if known and known["killed"] and killed and parse_count(known["killed"]).low != \
                        parse_count(killed).low:
                    new = True  # the same speaker with another toll: another incident
            if new:
                if date_text is None and place is None and killed is None and injured is None:
                    continue  # a passing mention with nothing of its own
                if date_text is None and current is not None and current.date and \
                        _DAY_BEFORE.search(sentence):
                    date_text = _shift(current.date, pub, lang, -1)
                elif date_text is None and current is not None and _SAME_DAY.search(sentence):
                    date_text = current.date
                if place is None and current is not None and other:
                    place = (current.place, current.country, current.specific)
                a1, a2 = _roles(sentence, at)
                earlier = None if other or not definite else _earlier(
                    incidents, event, date_text, place, pub, lang)
                if earlier is not None:  # "the US and UK strikes on Hodeidah", told again
                    current = earlier
                    current.date = current.date or date_text
                    current.actor1, current.actor2 = current.actor1 or a1, current.actor2 or a2
                else:
                    current = _open(event, label, date_text, place, a1, a2, sentence)
                    incidents.append(current)
                resolved = _where(place[0]) if place else None
                hint = resolved.iso3 if resolved else hint
            else:
                assert current is not None
                if date_text and current.date is None:
                    current.date = date_text
                if event.family == current.event.family and \
                        event.specificity > current.event.specificity:
                    current.event, current.label = event, label  # "strikes", then "a drone strike"
                if place and (not current.place or (place[2] and not current.specific)):
                    current.place, current.country, current.specific = place
                a1, a2 = _roles(sentence, at)
                current.actor1 = current.actor1 or a1
                current.actor2 = current.actor2 or a2
        assert current is not None
        if killed is None and injured is None:
            continue
        key = _same_speaker(own or _last_key(current) or source, current.reports)
        report = current.reports.setdefault(key, {"source": key, "quote": sentence,
                                                  "killed": None, "injured": None,
                                                  "event_type": found[1] if found and found[0]
                                                  and found[0].family == current.event.family
                                                  and found[0].specificity
                                                  >= current.event.specificity else None})
        report["killed"] = report["killed"] or killed
        report["injured"] = report["injured"] or injured
    for inc in incidents:
        if not inc.place:
            continue  # an incident we cannot place is not a report
        if inc.date is None:
            inc.date, inc.basis = _undated(pub, evidence)
        inc.actor2 = inc.actor2 or _state_hit(inc)
        claims = _merge(list(inc.reports.values()), source) or [
            {"source": source, "quote": inc.quote, "killed": None, "injured": None}]
        for claim in claims:
            reports.append({**claim, "event_type": claim.get("event_type") or inc.label,
                            "date": inc.date,
                            "date_basis": inc.basis or None, "place": inc.place,
                            "country": inc.country, "actor1": inc.actor1, "actor2": inc.actor2})
    rows = []
    for i, r in enumerate(reports, start=1):
        rows.append({
            "report_id": f"{id_prefix}-{i:02d}", "source": r["source"], "source_url": url or None,
            "published": published, "language": lang, "event_type": r["event_type"],
            "date": r["date"], "place": r["place"], "country": r.get("country") or None,
            "actor1": r.get("actor1"), "actor2": r.get("actor2"), "killed": r.get("killed"),
            "injured": r.get("injured"), "troops": r.get("troops"), "quote": r["quote"],
            "date_basis": r.get("date_basis"), "extracted_by": "extract",
        })
    return rows


def _open(event: EventType, label: str, date_text: str | None, place: tuple[str, str, bool] | None,
          actor1: str | None, actor2: str | None, quote: str) -> _Incident:
    return _Incident(event, label, date_text, "", place[0] if place else "",
                     place[1] if place else "", bool(place and place[2]), actor1, actor2, quote)


def _earlier(incidents: list[_Incident], event: EventType, date_text: str | None,
             place: tuple[str, str, bool] | None, pub: datetime, lang: str) -> _Incident | None:
    """An incident of the article that a sentence tells again: the same kind, place and day."""
    if place is None:
        return None
    for inc in incidents:
        if inc.place and _compatible(inc.event, event) and _where(inc.place) is not None and \
                _where(inc.place) == _where(place[0]) and (
                date_text is None or inc.date is None or _same_day(date_text, inc.date, pub, lang)):
            return inc
    return None


def _last_key(incident: _Incident) -> str | None:
    """The speaker a sentence without one continues: the incident's last."""
    return next(reversed(incident.reports), None) if incident.reports else None


def _same_where(place: tuple[str, str, bool], incident: _Incident) -> bool:
    """Whether a sentence's place can be the incident's: the same country and, when both name
    a place below the country, the same province."""
    if place[1] != incident.country:
        return False
    if not (place[2] and incident.specific):
        return True
    a, b = _where(place[0]), _where(incident.place)
    return a is None or b is None or (a.admin1 == b.admin1 and (
        a.place == b.place or a.geo_precision != "point" or b.geo_precision != "point"))


def _same_province(place: tuple[str, str, bool], incident: _Incident) -> bool:
    a, b = _where(place[0]), _where(incident.place)
    return bool(a and b and a.iso3 == b.iso3 and a.admin1 and a.admin1 == b.admin1)


def _shift(text: str, pub: datetime, lang: str, days: int) -> str | None:
    try:
        span = parse_date(text, pub, lang)
    except DateError:
        return None
    return _day_text(span.start + timedelta(days=days))


def _generic(speaker: str, source: str) -> bool:
    """A speaker that names no one ("a war monitor", the outlet itself, "X and a monitor")."""
    return bool(_GENERIC_SPEAKER.match(speaker)) or speaker == source or " and " in speaker


def _merge(claims: list[dict], source: str) -> list[dict]:
    """Claims of one incident whose figures agree, when one speaker is generic ("a war
    monitor", the outlet itself), are one claim: the named speaker's."""
    out: list[dict] = []
    for claim in sorted(claims, key=lambda c: _generic(c["source"], source)):
        generic = _generic(claim["source"], source)
        twin = next((o for o in out if generic and all(
            claim[k] is None or o[k] is None or parse_count(claim[k]).low == parse_count(o[k]).low
            or "vague" in (parse_count(claim[k]).method, parse_count(o[k]).method)
            for k in ("killed", "injured"))), None)
        if twin is None:
            out.append(claim)
        else:
            for k in ("killed", "injured"):
                twin[k] = twin[k] or claim[k]
    return out


def _same_day(a: str, b: str, pub: datetime, lang: str) -> bool:
    try:
        x, y = parse_date(a, pub, lang), parse_date(b, pub, lang)
    except DateError:
        return False
    return x.start <= y.end and y.start <= x.end


def _troop_reports(sentence: str, pub: datetime, lang: str, current: _Incident | None,
                   evidence: date | None) -> list[dict]:
    """"900 troops deployed in Syria and 2,500 in Iraq", "about 350 US Army and Air Force
    personnel were stationed at the base" → one troop report per place."""
    if not re.search(rf"\b{_TROOP_WORDS}\b", sentence):
        return []
    if re.search(r"\b(?:killed|wounded|injured|attack|strike|dead|died)\w*", sentence, re.I):
        return []
    kind = "troop deployment" if re.search(r"\b(?:send|sending|additional|more troops)\b",
                                           sentence) else "troop presence"
    dates = _date_phrases(sentence, pub, lang)
    if dates:
        date_text, basis = dates[0][0], None
    elif re.search(r"\b(?:currently|now|today|actuellement)\b", sentence, re.I):
        date_text, basis = "currently", None
    else:
        date_text, basis = _undated(pub, evidence)
    out = []
    for m in _TROOPS.finditer(sentence):
        if m["n"].strip().lower() in ("un", "une") or parse_count(_figure_text(m["n"])).low is None:
            continue
        text = m["place"]
        if re.match(r"the (?:base|outpost|garrison)", text) and current is not None:
            text, place_country = current.place, current.country
        else:
            place = _resolve(re.sub(r"^the\s+", "", text), "")
            if place is None:
                continue
            place_country = place.country
        out.append({"event_type": kind, "date": date_text, "date_basis": basis, "place": text,
                    "country": place_country, "troops": _figure_text(m["n"]),
                    "actor1": "United States" if re.search(
                        r"\bUS\b|\bU\.S\.|\bUnited States\b|\bAmerican\b", sentence) else None})
    return out


def _prefix(path: Path, published: str, source: str, body: str) -> str:
    """A report id prefix unique to the article: its file name and a digest of what it says,
    so two articles with the same file name never share ids."""
    stem = re.sub(r"[^\w-]+", "-", path.stem).strip("-").lower() or "article"
    digest = hashlib.sha1("\n".join([published, source, body]).encode("utf-8")).hexdigest()[:8]
    return f"{stem}-{digest}"


def extract_file(path: Path, *, published: str | None = None, source: str | None = None,
                 url: str | None = None) -> list[dict]:
    """One article file → reports; options fill what its header block does not say."""
    header, body = read_article(path)
    published = header.get("published") or published
    source = header.get("source") or source
    if not published:
        raise UsageError(f"{path}: no publication time: add a `published:` line or --published")
    if not source:
        raise UsageError(f"{path}: no source: add a `source:` line or --source")
    try:
        parse_published(published)
    except DateError as exc:
        raise UsageError(f"{path}: {exc}") from None
    return extract_text(body, published=published, source=source,
                        url=header.get("url") or url, language=header.get("language"),
                        id_prefix=_prefix(path, published, source, body))


def extract_files(paths: list[Path], *, published: str | None = None,
                  source: str | None = None) -> tuple[list[dict], list[str]]:
    """Many articles → (reports, one error message per file that is not an article).

    A bad file (empty, binary, oversized, not UTF-8, undated) stops only itself.
    """
    rows: list[dict] = []
    errors: list[str] = []
    for path in paths:
        try:
            rows.extend(extract_file(path, published=published, source=source))
        except UsageError as exc:
            errors.append(str(exc))
    return rows, errors


def write_jsonl(rows: list[dict], out: Path) -> None:
    """Reports as JSON Lines, the format `build` reads."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps({k: v for k, v in row.items() if v is not None},
                                ensure_ascii=False) + "\n")


# --- scoring against hand-written expectations ----------------------------------------------

FIELDS = ("type", "date", "place", "figures", "actor1", "actor2")


@dataclass
class ExtractScore:
    """Incident precision/recall of `extract` on a folder of articles, and per-field figures.

    A field's precision is right / stated among matched reports (a field left empty is not
    wrong); its recall is right / expected where the expected report states the field.
    """

    articles: int = 0
    expected: int = 0
    extracted: int = 0
    matched: int = 0
    stated: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    wanted: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    right: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    bad_actor1: list[tuple[str, str, str]] = field(default_factory=list)
    misses: list[tuple[str, dict]] = field(default_factory=list)
    extras: list[tuple[str, dict]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.matched / self.extracted if self.extracted else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else 1.0

    def field_precision(self, name: str) -> float:
        return self.right[name] / self.stated[name] if self.stated[name] else 1.0

    def field_recall(self, name: str) -> float:
        return self.right[name] / self.wanted[name] if self.wanted[name] else 1.0

    def table(self) -> str:
        """A Markdown table: incidents, then one row per field."""
        lines = ["| | precision | recall |", "|---|---|---|",
                 f"| incidents ({self.matched} of {self.expected} expected, {self.extracted} "
                 f"extracted) | {self.precision:.2f} | {self.recall:.2f} |"]
        names = {"type": "event type", "date": "date (start and end day)",
                 "place": "place (country, admin1)", "figures": "figures (killed, injured, troops)",
                 "actor1": "actor1 (perpetrator)", "actor2": "actor2 (target)"}
        for f in FIELDS:
            if self.wanted[f] or self.stated[f]:
                lines.append(f"| {names[f]} | {self.field_precision(f):.2f} | "
                             f"{self.field_recall(f):.2f} |")
        return "\n".join(lines)


def normalized_report(row: dict) -> dict:
    """The fields an expected report states, read from an extracted raw row by the build's own
    normalizers (the event type as stated, without the air-power rule)."""
    from .events import canonical_actor, classify_event, parse_count

    pub = parse_published(row["published"])
    span = parse_date(row["date"], pub, row.get("language", "en"))
    place = resolve_place(row["place"], row.get("country") or "")
    troops = parse_count(row.get("troops"))
    return {"event_type": classify_event(row["event_type"]).event_type,
            "date_start": span.start.isoformat(), "date_end": span.end.isoformat(),
            "iso3": place.iso3, "admin1": place.admin1, "place": place.place.lower(),
            "killed": parse_count(row.get("killed")).low,
            "injured": parse_count(row.get("injured")).low,
            "troops": troops.low if troops.low is not None else troops.high,
            "actor1": canonical_actor(row.get("actor1")), "actor2": canonical_actor(row.get("actor2")),
            "source": row.get("source")}


def _same_actor(got: str | None, want: str | None) -> bool:
    from .events import canonical_actor
    from .places import fold

    if got is None or want is None:
        return got is None and want is None
    g, w = fold(canonical_actor(got) or ""), fold(canonical_actor(want) or "")
    stem = re.sub(r"(?:s|i|is)$", "", w)  # "Houthis" ~ "Houthi group", "Israel" ~ "Israeli army"
    return g == w or (len(stem) >= 4 and stem in g) or (len(g) >= 4 and g in w)


def _checks(got: dict, want: dict) -> dict[str, bool | None]:
    """Per field: True right, False wrong, None when neither side states it."""
    def figure(a: int | None, b: int | None) -> bool:
        return (a or 0) == (b or 0)

    from .places import fold

    place_ok = got["iso3"] == want["iso3"] and (got["admin1"] == want["admin1"] if want.get("admin1")
                                                else fold(want.get("place_contains", ""))
                                                in fold(got["place"]))
    out: dict[str, bool | None] = {
        "type": got["event_type"] == want["event_type"],
        "date": (got["date_start"], got["date_end"]) == (want["date_start"], want["date_end"]),
        "place": place_ok,
        "figures": all(figure(got[k], want.get(k)) for k in ("killed", "injured", "troops")),
    }
    for role in ("actor1", "actor2"):
        if role in want:
            out[role] = _same_actor(got[role], want[role]) if (got[role] or want[role]) else None
    return out


def _candidate(got: dict, want: dict) -> bool:
    """Whether an extracted report can be the expected incident at all: same country and
    overlapping days (a day either side), or same country and province and event family."""
    from datetime import date as _date

    from .events import vocabulary

    if got["iso3"] != want["iso3"]:
        return False
    gs, ge = _date.fromisoformat(got["date_start"]), _date.fromisoformat(got["date_end"])
    ws, we = _date.fromisoformat(want["date_start"]), _date.fromisoformat(want["date_end"])
    near = (gs - we).days <= 1 and (ws - ge).days <= 1
    vocab = vocabulary()
    family = vocab[got["event_type"]].family == vocab[want["event_type"]].family
    return near and (family or want.get("place_contains", "") in got["place"])


def score_articles(folder: Path, pattern: str = "*.txt") -> ExtractScore:
    """Extract every article of `folder` and compare with its `.expected.jsonl`."""
    score = ExtractScore()
    for path in sorted(folder.glob(pattern)):
        want = [json.loads(line) for line in path.with_suffix(".expected.jsonl").read_text(
            encoding="utf-8").splitlines() if line.strip()]
        got = [normalized_report(r) for r in extract_file(path)]
        score.articles += 1
        score.expected += len(want)
        score.extracted += len(got)
        left = list(got)
        for w in want:
            options = [g for g in left if _candidate(g, w)]
            if not options:
                score.misses.append((path.name, w))
                continue
            best = max(options, key=lambda g: sum(1 for v in _checks(g, w).values() if v))
            left.remove(best)
            score.matched += 1
            for name, ok in _checks(best, w).items():
                stated = name not in ("actor1", "actor2") or best[name] is not None
                wanted = name not in ("actor1", "actor2") or w.get(name) is not None
                score.stated[name] += stated
                score.wanted[name] += wanted
                score.right[name] += bool(ok) and stated and wanted
                if name in ("actor1", "actor2") and ok is None:  # both empty: right, unstated
                    score.stated[name] -= stated
            if best["actor1"] and "actor1" in w and not _same_actor(best["actor1"], w["actor1"]):
                score.bad_actor1.append((path.name, best["actor1"], str(w["actor1"])))
        score.extras.extend((path.name, g) for g in left)
    return score
