"""Article text → reports in the raw contract (SPEC §3), offline and rule-based.

Sentences that name an incident (an event phrase of `data/event_type_phrases.csv`) become
reports; the date phrase, place and figures come from the sentence itself or, when it
has none, from the sentence that introduced the incident. Each source an article quotes
with its own figures ("according to a US official", "Iraqi police said") becomes its own
report, so conflicting figures stay separate claims. Background history (a year long
before publication), aggregates ("over 100 attacks since October") and general statements
are not incidents. The normalizers of the build decide nothing here: the output is raw
text that `build` normalizes like any other input.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .dates import DateError, parse_date, parse_published
from .errors import UsageError
from .events import canonical_actor, first_event
from .places import REGION, PlaceError, resolve_place

_ABBREV = re.compile(r"\b(U\.S|U\.K|U\.N|Jan|Feb|Mar|Apr|Aug|Sept?|Oct|Nov|Dec|Gen|Maj|Lt|Col|Sgt|"
                     r"Capt|Adm|Mr|Mrs|Ms|Dr|St|No|a\.m|p\.m)\.", re.I)
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|"
          r"December|Jan\.|Feb\.|Aug\.|Sept\.|Oct\.|Nov\.|Dec\.)")
_FR_MONTH = r"(?:janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre)"
_FR_DAY = r"(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)"
_DATE_PHRASES = re.compile("|".join([
    rf"(?:early |late |on |last |earlier on |late on |early on )?{_WEEKDAY}"
    r"(?: (?:morning|afternoon|evening|night))?",
    rf"{_MONTH} \d{{1,2}}(?:, \d{{4}})?", rf"\d{{1,2}} {_MONTH}(?: \d{{4}})?",
    r"(?:early |late |earlier |later )?(?:last|this|earlier this|late last) (?:month|week|year)",
    r"(?:late |early )?yesterday(?: (?:morning|afternoon|evening))?", r"last night",
    r"(?:early )?(?:today|tonight|this morning|this evening)", r"overnight",
    rf"(?:early |mid-|late )?{_MONTH} \d{{4}}", rf"in {_MONTH}",
    r"Christmas (?:Day|Eve)|New Year's (?:Day|Eve)",
    rf"{_FR_DAY}(?: \d{{1,2}}(?:er)? {_FR_MONTH}(?: \d{{4}})?)?", rf"\d{{1,2}}(?:er)? {_FR_MONTH}"
    r"(?: \d{4})?", r"\bhier\b", r"le mois dernier", r"la semaine dernière",
    r"أمس", r"اليوم", r"(?:مساء |فجر |صباح )?(?:الاثنين|الثلاثاء|الأربعاء|الخميس|الجمعة|السبت|الأحد)",
]), re.I)
_NUMBER = (r"(?:at least |more than |over |about |around |nearly |up to |some )?"
           r"(?:\d[\d,]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
           r"thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|"
           r"fifty|dozens|several|a dozen|deux|trois|quatre|cinq|six|sept|huit|neuf|dix)")
_KILLED = [re.compile(p, re.I) for p in (
    rf"(?:killed|killing|kills|kill|left|leaving)\s+(?P<n>{_NUMBER})\b",
    rf"(?P<n>{_NUMBER})\s+(?:[\w.'’-]+\s+){{0,4}}(?:were |was |have been |had been )?"
    r"(?:killed|dead|died)\b",
    rf"(?:death|deaths) of (?P<n>{_NUMBER})\b",
    rf"(?:tué|tuant|fait)\s+(?P<n>{_NUMBER})\b", rf"(?P<n>{_NUMBER})\s+(?:\w+\s+){{0,3}}tués",
)]
_INJURED = [re.compile(p, re.I) for p in (
    rf"(?:injured|injuring|wounded|wounding|injures|wounds)\s+(?P<n>{_NUMBER})\b",
    rf"(?P<n>{_NUMBER})\s+(?:[\w.'’-]+\s+){{0,4}}(?:were |was |have been )?(?:injured|wounded|hurt)\b",
    rf"(?P<n>{_NUMBER})\s+(?:\w+\s+){{0,3}}blessés",
)]
# "killed the militia leader and another individual": a person and one more, counted as two.
_PAIR = re.compile(r"(?:killed|death of|killing)\s+(?:the|a)\s+[\w\s-]{2,40}?\s+and\s+"
                   r"(?:another|one other|one of his|an? other)\b", re.I)
_ATTRIBUTION = [re.compile(p) for p in (
    r"[Aa]ccording to (?:an? |the )?(?P<s>[^,;.]{3,60}?)(?:,|;|\.| the | that )",
    r"(?P<s>(?:[\w'’.-]+\s){0,4}(?:police|security sources|sources|officials?|"
    r"[Oo]bservatory|[Mm]inistry|military|spokesman|spokesperson|CENTCOM|Pentagon|[Cc]ommand|"
    r"[Cc]ouncil)"
    r"(?:\s(?:and|or)\s(?:[\w-]+\s){0,2}(?:sources|officials?))?)\s+(?:have |has |had )?"
    r"(?:said|says|reported|told|confirmed|stated)",
    r"(?:said|says|reported|told reporters|confirmed)\s+(?P<s>(?:an? |the )?[A-Z][\w .'’-]{2,50}?)"
    r"(?:,|\.|$)",
)]
_AGGREGATE = re.compile(r"\b(?:\d[\d,]*|dozens|scores|hundreds)\s+(?:\w+\s+){0,2}"
                        r"(?:attacks|strikes|incidents)\b|\bsince (?:the start|mid-|early|late|"
                        r"October|November|December)|\bseries of attacks\b", re.I)
_GENERAL = re.compile(r"\b(?:typically|usually|often|frequently|regularly|routinely)\b", re.I)
_TROOPS = re.compile(rf"(?P<n>{_NUMBER})\s+(?:US |U\.S\. |American )?(?:troops|soldiers|"
                     r"service members|personnel)?(?:\s+(?:\w+\s+){0,2}?)?\s*in\s+"
                     r"(?P<place>[A-Z][\w-]+)")
_PLACE = re.compile(
    r"(?:(?:(?:near|outside|in|at|on|north of|south of|east of|west of|the outskirts of|"
    r"eastern|western|northern|southern|northeastern|northwestern|southeastern|southwestern|"
    r"central|northeast|northwest|southeast|southwest|l'est de|l'ouest de|le nord de|le sud de|"
    r"près de|dans)\s+)+)?(?:(?:[Aa]l[- ]|the )?[A-Z0-9][\w'’-]*(?:\s+(?:[Aa]l[- ]|de |d')?"
    r"[A-Z0-9][\w'’-]*)*)")
_DATELINE = re.compile(r"^[A-Z][A-Za-z .'-]{1,30}(?:\([^)]*\))?(?:,\s*[A-Z][a-z]{2,4}\.? \d{1,2})?"
                       r"\s+[—–-]{1,2}\s+")
_HEADER = re.compile(r"^(published|source|url|language)\s*:\s*(.*)$", re.I)
_SOCIAL = re.compile(r"pic\.twitter\.com|https?://t\.co/|\(@\w+\)")


@dataclass
class _Incident:
    event_type: str
    family: str
    date: str
    dated: bool
    place: str
    country: str
    actor1: str | None
    actor2: str | None
    quote: str
    reports: dict[str, dict] = field(default_factory=dict)


def read_article(path: Path) -> tuple[dict[str, str], str]:
    """A text file → (header fields, body). The header is leading `key: value` lines."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path}: not UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read ({exc.strerror})") from None
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


def sentences(body: str) -> list[str]:
    """Paragraphs, then sentences; abbreviations (U.S., Jan., a.m.) do not end a sentence."""
    out: list[str] = []
    for para in re.split(r"\n\s*\n|\n(?=[A-Z\u0600-\u06ff\"“])", body):
        para = _DATELINE.sub("", " ".join(para.split()))
        if not para or not re.search(r"[.!?؟\"”]$", para):
            continue  # a headline or a caption: no sentence of its own
        protected = _ABBREV.sub(lambda m: m.group(0).replace(".", "\0"), para)
        for sent in re.split(r"(?<=[.!?؟])[\"”’]?\s+(?=[\"“]?[A-Z0-9\u0600-\u06ff«])", protected):
            sent = sent.replace("\0", ".").strip()
            if sent:
                out.append(sent)
    return out


def _figures(sentence: str) -> tuple[str | None, str | None]:
    """The killed and injured figures a sentence states, as text ("four", "at least 34")."""
    killed = next((m["n"] for p in _KILLED for m in [p.search(sentence)] if m), None)
    if killed is None and _PAIR.search(sentence):
        killed = "two"
    injured_hits = [m["n"] for p in _INJURED for m in p.finditer(sentence)]
    injured = None
    if injured_hits:  # "critically injured one ... and wounded two others": one figure, summed
        from .events import parse_count

        values = [parse_count(h) for h in dict.fromkeys(injured_hits)]
        lows = [v.low for v in values if v.low is not None]
        injured = str(sum(lows)) if len(lows) > 1 and len(lows) == len(values) else injured_hits[0]
    return killed, injured


def _source(sentence: str) -> str | None:
    for pattern in _ATTRIBUTION:
        m = pattern.search(sentence)
        if m:
            source = re.sub(r"^(?:an?|the)\s+", "", m["s"].strip(), flags=re.I)
            if 2 < len(source) <= 60 and not re.match(r"(?:it|he|she|they|this)\b", source, re.I):
                return source[0].upper() + source[1:]
    return None


def _date_phrase(sentence: str, published: datetime, language: str) -> str | None:
    for m in _DATE_PHRASES.finditer(sentence):
        phrase = m.group(0).strip()
        try:
            parse_date(phrase, published, language)
        except DateError:
            continue
        return phrase
    return None


def _place(sentence: str, hint: str) -> tuple[str, str] | None:
    """The first place named in the sentence that resolves inside our region: (text, country)."""
    best: tuple[str, str] | None = None
    for m in _PLACE.finditer(sentence):
        text = m.group(0).strip().rstrip(".,")
        bare = re.sub(r"^(?:in|at|on|dans)\s+", "", text)
        if len(bare) < 3 or re.search(r"-(?:aligned|backed|led|based|supported)$", bare, re.I):
            continue  # "Iran-aligned", "US-led": adjectives, not places
        try:
            place = resolve_place(bare, hint)
        except PlaceError:
            continue
        if _iso2(place.iso3) not in REGION:
            continue
        if place.geo_precision != "country":
            return bare, place.country
        best = best or (bare, place.country)
    return best


def _iso2(iso3: str) -> str:
    import pycountry

    c = pycountry.countries.get(alpha_3=iso3)
    return c.alpha_2 if c else ""


def _actors(sentence: str) -> tuple[str | None, str | None]:
    """Actors named in the sentence, in order: the first acts, the second is the target."""
    found: list[tuple[int, str]] = []
    for m in re.finditer(r"(?:[A-Z][\w'’.-]*(?:[ -](?:al-|Al |[A-Z][\w'’.-]*))*)", sentence):
        name = m.group(0).strip(" .")
        for cut in range(len(name.split()), 0, -1):
            piece = " ".join(name.split()[:cut])
            canonical = canonical_actor(piece)
            if canonical and canonical != " ".join(piece.split()):
                found.append((m.start(), piece))
                break
    names = list(dict.fromkeys(n for _, n in sorted(found)))
    return (names[0] if names else None), (names[1] if len(names) > 1 else None)


def _is_background(sentence: str, published: datetime) -> bool:
    years = [int(y) for y in re.findall(r"\b(19\d\d|20\d\d)\b", sentence)]
    return any(y < published.year - 1 for y in years) or bool(re.search(
        r"\b(?:invasion|was authorized|Operation Iraqi Freedom|fell a mere)\b", sentence))


def extract_text(body: str, *, published: str, source: str, url: str | None = None,
                 language: str | None = None, id_prefix: str = "article") -> list[dict]:
    """Reports (raw contract rows) from one article's text."""
    pub = parse_published(published)
    lang = language or _language(body)
    reports: list[dict] = []
    current: _Incident | None = None
    incidents: list[_Incident] = []
    for sentence in sentences(body):
        if _SOCIAL.search(sentence) or _is_background(sentence, pub) or _GENERAL.search(sentence):
            continue
        troops = _troop_reports(sentence, pub, lang)
        if troops:
            reports.extend({"source": source, "quote": sentence, **t} for t in troops)
            continue
        if _AGGREGATE.search(sentence):
            continue
        event = first_event(sentence)
        if event is None:
            continue
        if event.family == "troops":
            continue
        date = _date_phrase(sentence, pub, lang)
        place = _place(sentence, "")
        killed, injured = _figures(sentence)
        own = _source(sentence)
        same = current is not None and current.family == event.family and (
            date is None or not current.dated or _same_day(date, current.date, pub, lang))
        if same and date is not None and current is not None and not current.dated:
            current.date, current.dated = date, True  # the first sentence said no date
        if not same:
            if date is None and current is not None:
                continue  # a passing mention with nothing of its own is not a new incident
            actor1, actor2 = _actors(sentence)
            current = _Incident(event.event_type, event.family, date or "today", date is not None,
                                place[0] if place else "", place[1] if place else "",
                                actor1, actor2, sentence)
            incidents.append(current)
        elif place and current is not None and not current.place:
            current.place, current.country = place
        assert current is not None
        if killed is None and injured is None:
            continue
        key = own or source
        report = current.reports.setdefault(key, {"source": key, "quote": sentence,
                                                  "event_type": _label(event.event_type),
                                                  "killed": None, "injured": None})
        report["killed"] = report["killed"] or killed
        report["injured"] = report["injured"] or injured
    for inc in incidents:
        claims = list(inc.reports.values()) or [{"source": source, "quote": inc.quote,
                                                  "event_type": _label(inc.event_type),
                                                  "killed": None, "injured": None}]
        if not inc.place:
            continue  # an incident we cannot place is not a report
        for claim in claims:
            reports.append({**claim, "date": inc.date, "place": inc.place,
                            "country": inc.country, "actor1": inc.actor1, "actor2": inc.actor2})
    rows = []
    for i, r in enumerate(reports, start=1):
        rows.append({
            "report_id": f"{id_prefix}-{i:02d}", "source": r["source"], "source_url": url or None,
            "published": published, "language": lang, "event_type": r["event_type"],
            "date": r["date"], "place": r["place"], "country": r.get("country") or None,
            "actor1": r.get("actor1"), "actor2": r.get("actor2"), "killed": r.get("killed"),
            "injured": r.get("injured"), "troops": r.get("troops"), "quote": r["quote"],
        })
    return rows


def _label(event_type: str) -> str:
    return event_type.replace("_", " ")


def _same_day(a: str, b: str, pub: datetime, lang: str) -> bool:
    try:
        x, y = parse_date(a, pub, lang), parse_date(b, pub, lang)
    except DateError:
        return False
    return x.start <= y.end and y.start <= x.end


def _troop_reports(sentence: str, pub: datetime, lang: str) -> list[dict]:
    """"900 troops deployed in Syria and 2,500 in Iraq" → one troop report per country."""
    if not re.search(r"\btroops|soldiers|service members|personnel\b", sentence):
        return []
    if re.search(r"\b(?:killed|wounded|injured|attack|strike)\w*", sentence, re.I):
        return []
    kind = "troop deployment" if re.search(r"\b(?:send|sending|additional|more troops)\b",
                                           sentence) else "troop presence"
    date = _date_phrase(sentence, pub, lang) or "currently"
    out = []
    for m in _TROOPS.finditer(sentence):
        try:
            place = resolve_place(m["place"])
        except PlaceError:
            continue
        if place.geo_precision != "country":
            continue
        out.append({"event_type": kind, "date": date, "place": m["place"],
                    "country": place.country, "troops": m["n"], "actor1": "United States"
                    if re.search(r"\b(?:US|U\.S\.|United States|American)\b", sentence) else None})
    return out


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
    prefix = re.sub(r"[^\w-]+", "-", path.stem).strip("-").lower() or "article"
    return extract_text(body, published=published, source=source,
                        url=header.get("url") or url, language=header.get("language"),
                        id_prefix=prefix)


def write_jsonl(rows: list[dict], out: Path) -> None:
    """Reports as JSON Lines, the format `build` reads."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps({k: v for k, v in row.items() if v is not None},
                                ensure_ascii=False) + "\n")

