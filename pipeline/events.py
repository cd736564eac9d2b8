"""Event types, counts and actors: free text as reported → the vocabulary of SPEC §4.

Every rule here is data in `pipeline/data/` (phrase tables, number words, actor aliases);
this module only applies them. Each function is pure and each distinct text is resolved once.
"""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from .config import PACKAGE_DATA
from .errors import RowError
from .places import fold


class CountError(RowError):
    """A figure that contradicts itself (negative, or a range that ends below its start)."""

    def __init__(self, message: str) -> None:
        super().__init__("invalid_count", message)


class EventTypeError(RowError):
    """An event type text that no phrase of the table recognizes."""

    def __init__(self, message: str) -> None:
        super().__init__("event_type_unknown", message)


@dataclass(frozen=True)
class EventType:
    """One entry of the vocabulary with its ACLED equivalents and reconciliation family."""

    event_type: str
    family: str
    specificity: int
    acled_event_type: str
    acled_sub_event_type: str


@dataclass(frozen=True)
class Count:
    """Integer bounds of a reported figure; both None when the text gives no number."""

    low: int | None
    high: int | None
    method: str


def _rows(name: str) -> list[dict[str, str]]:
    with open(PACKAGE_DATA / name, encoding="utf-8") as fh:
        rows = csv.DictReader(fh)
        return [r for r in rows if not next(iter(r.values()), "").startswith("#")]


def _fold_pattern(pattern: str) -> str:
    """Fold a regex the way `fold` folds text, without touching its metacharacters."""
    pattern = unicodedata.normalize("NFKD", pattern)
    pattern = "".join(ch for ch in pattern if not unicodedata.combining(ch))
    return pattern.lower().translate(str.maketrans("أإآىة", "ااايه", "ء")).replace("-", " ")


# --- event types -----------------------------------------------------------------------------


@lru_cache(maxsize=1)
def vocabulary() -> dict[str, EventType]:
    """The event types of SPEC §4 with family, specificity and ACLED types."""
    return {r["event_type"]: EventType(r["event_type"], r["family"], int(r["specificity"]),
                                       r["acled_event_type"], r["acled_sub_event_type"])
            for r in _rows("event_types.csv")}


# The event type of phrases that name an event the vocabulary does not code (a suicide
# bombing): matched before the general phrases they would fall under ("bombing"), and rejected.
OUTSIDE = "outside"


@lru_cache(maxsize=1)
def _phrases() -> list[tuple[re.Pattern[str], str]]:
    vocab = vocabulary()
    table = []
    for r in _rows("event_type_phrases.csv"):
        if r["event_type"] not in vocab and r["event_type"] != OUTSIDE:
            raise ValueError(f"event_type_phrases.csv: unknown event type {r['event_type']!r}")
        table.append((re.compile(_fold_pattern(r["pattern"])), r["event_type"]))
    return table


@lru_cache(maxsize=100_000)
def classify_event(text: str) -> EventType:
    """`one-way attack drone` → drone_attack; raises EventTypeError when nothing matches."""
    key = fold(text or "").replace("_", " ")
    if key.replace(" ", "_") in vocabulary():
        return vocabulary()[key.replace(" ", "_")]
    for pattern, event_type in _phrases():
        if m := pattern.search(key):
            if event_type == OUTSIDE:
                raise EventTypeError(f"unknown event type {text!r}: {m[0]!r} is none of the "
                                     "vocabulary's types")
            return vocabulary()[event_type]
    raise EventTypeError(f"unknown event type {text!r}")


def first_event(text: str) -> EventType | None:
    """The event phrase that comes first in a sentence (ties: the table's more specific one).

    "A US airstrike killed five militants preparing to launch drones" → airstrike: the
    phrase a sentence opens with names its event; later ones are circumstances.
    """
    key = fold(text or "").replace("_", " ")
    best: tuple[bool, int, int, str] | None = None
    for rank, (pattern, event_type) in enumerate(_phrases()):
        m = pattern.search(key)
        # Troop words ("soldiers", "forces") name an event only when nothing else does.
        troops = event_type != OUTSIDE and vocabulary()[event_type].family == "troops"
        if m and (best is None or (troops, m.start(), rank) < best[:3]):
            best = (troops, m.start(), rank, event_type)
    return vocabulary()[best[3]] if best and best[3] != OUTSIDE else None


# --- counts ----------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _count_tables() -> tuple[dict[str, int], list[tuple[str, str, int | None]]]:
    words = {fold(r["word"]): int(r["value"]) for r in _rows("count_words.csv")}
    phrases = [(fold(r["phrase"]), r["kind"], int(r["value"]) if r["value"] else None)
               for r in _rows("count_phrases.csv")]
    phrases.sort(key=lambda p: -len(p[0]))
    return words, phrases


# Words that multiply the number before them: "two hundred", "10 million", "a dozen".
_SCALES = (100, 1000, 1_000_000, 1_000_000_000)


@lru_cache(maxsize=1)
def _after_a_number() -> frozenset[str]:
    """Plural scale words ("millions", "آلاف"; `multiplier_only` in count_words.csv): a
    number's multiplier, never a number alone (alone, "millions" is a vague quantity of
    count_phrases.csv)."""
    return frozenset(fold(r["word"]) for r in _rows("count_words.csv") if r["multiplier_only"])


def _number(tokens: list[str], words: dict[str, int]) -> tuple[int, int] | None:
    """The number at the start of `tokens` (digits or words) and how many tokens it used."""
    if not tokens:
        return None
    if re.fullmatch(r"\d+", tokens[0]):  # digits, times the scale words after them
        number, used = int(tokens[0]), 1
        while used < len(tokens) and (scale := words.get(tokens[used])) is not None and (
                scale in _SCALES or tokens[used] == "dozen"):
            number, used = number * scale, used + 1
        return number, used
    total, current, used = 0, 0, 0
    for tok in tokens:
        if tok == "and" and used and tokens[used - 1] in ("hundred", "thousand", "cent", "mille"):
            used += 1  # "one hundred and five", never "two and four"
            continue
        value = words.get(tok)
        if value is None or (value <= 1 and tok in ("a", "an", "no", "un", "une") and used) or (
                not used and tok in _after_a_number()):
            break
        if tok == "dozen":  # "a dozen", "two dozen"
            current = max(current, 1) * 12
        elif value in _SCALES:  # "two hundred thousand", "a million"
            current = max(current, 1) * value
            if value >= 1000:
                total, current = total + current, 0
        else:
            current += value
        used += 1
    if tokens and tokens[used - 1:used] == ["and"]:
        used -= 1
    return (total + current, used) if used else None


# An age is not a count: "a seven-year-old girl", "âgée de 7 ans", "تبلغ من العمر سبع سنوات".
_AGE = re.compile(r"\b[\w]+ years? old\b|\bagee? de \w+ ans\b|\b(?:تبلغ|يبلغ) من العمر \w+ (?:سنوات|عاما)")
# "Saleh al-Arouri and two commanders", "X ... along with two of his guards", "un autre
# combattant": people added to the lead (a named person counts one).
_ADDED = re.compile(r"\b(?:and|along with|as well as|plus|et|ainsi que|avec|الي جانب|بالاضافه الي)\s+"
                    r"(an unknown number|another|others|un autre|une autre|d autres|\w+ اخر|\w+)\b")
_OUTCOME = re.compile(r"\b(?:killed|dead|died|wounded|injured|hurt|tues?|morts?|blesses?|قتلي|قتلوا|"
                      r"جرحي|جريح|اصيب\w*|مصاب\w*)\b")


# "Five people, including a farmer and four workers", "cinq personnes, dont ...", "بينهم":
# what follows names some of the people counted, never more of them (five, not nine); folded.
_SUBSET = re.compile(r"\b(?:including|among them|among whom|of whom|of them|dont|parmi eux|"
                     r"parmi elles|parmi lesquels|parmi lesquelles|y compris)\b|"
                     r"(?<!\S)(?:بينهم|منهم)(?!\S)")


# "and a number of others", "et un certain nombre": more people, how many unknown.
_SOME = {"number", "few", "handful", "couple", "nombre", "certain", "dozen"}


def _added(key: str, words: dict[str, int]) -> tuple[int, bool] | None:
    """People joined to the lead by "and", "along with" or "another": (how many, whether
    more are unknown); None when nothing is added or the clause is another outcome. Only
    before an inclusion (`_SUBSET`): the people it lists are among those counted."""
    key = _SUBSET.split(key, maxsplit=1)[0]
    total, unknown, found = 0, False, False
    for m in _ADDED.finditer(key):
        if _OUTCOME.search(key[m.end():]):  # "three killed and four wounded"
            return None
        word = m[1]
        if word in ("another", "un autre", "une autre") and (  # "and another six": six
                more := _number(key[m.end(1):].split(), words)):
            total, found = total + more[0], True
        elif word in ("another", "un autre", "une autre") or word.endswith(" اخر"):
            total, found = total + 1, True
        elif word in ("an unknown number", "others", "d autres"):
            unknown = found = True
        elif word in ("his", "her", "their", "son", "sa"):  # "and his deputy"
            total, found = total + 1, True
        elif word in ("a", "an", "un", "une"):  # "and a child": one more person
            following = key[m.end():].split()[:1]
            if following and following[0] in _SOME:  # "and a number of others"
                unknown = found = True
            elif following and following[0] != "half":
                total, found = total + 1, True
        else:
            number = _number(key[m.start(1):].split(), words)
            if number:
                total, found = total + number[0], True
    loose = len(re.findall(r"(?<!and )(?<!et )\banother\b", key))  # "... Another operative"
    total, found = total + loose, found or bool(loose)
    return (total, unknown) if found else None


# Figures no single report can credibly give (README "Limits"): the deadliest single strikes
# and attacks of the conflicts covered killed hundreds, the largest deployments in the region
# numbered hundreds of thousands. A figure above the ceiling is an extraction or typing error
# (a date or an id in the count column), quarantined as invalid_count, never published.
CEILINGS = {"killed": 100_000, "injured": 100_000, "troops": 1_000_000}
# Text that looks like a number but is not a whole count: 1e9, 0x10, 2.5, NaN, ∞.
_NOT_A_COUNT = re.compile(r"\d[eE][+-]?\d|\b0[xX][0-9a-fA-F]+\b|(?<![\d.,])\d+\.\d+(?![\d.,])|"
                          r"\b(?:nan|inf|infinity)\b|∞", re.IGNORECASE)
# A figure's number is one whole token. Its digits may be grouped in thousands by one
# separator (2,500; 2.500; 2 500 with any space, as French writes it; 2'500; ٢٬٥٠٠); a point
# or comma before other than three digits starts a decimal part, as the Arabic decimal
# separator ٫ always does. `_digit_token` reads a run of digits and separators.
_DIGIT_RUN = re.compile(r"\d+(?:(?:[,.'’\u066b\u066c]|\s+)\d+)*")
_SEPARATOR = re.compile(r"([,.'’\u066b\u066c]|\s+)")
# A minus sign (or a dash used as one) before a number: a sign when the figure starts with it
# ("-3", "at least -3", "about −900") or a range's second number does ("2 to -4", "2--4").
_SIGN = re.compile(r"[-−‐‑‒–﹣－]\s*(?=\d)")
_SIGN_AFTER = re.compile(r"\d\s*(?:[-–]|\b(?:to|and|or|et|ou|à))\s*$", re.IGNORECASE)  # its end
# Two numbers joined by a symbol other than a range's dash ("3/4", "1:30", "3 − 5") are
# not one count; prose punctuation between them ("16 (3 children)", "10, 3 of them") is
# read as before, the first number being the figure.
_JOINED = re.compile(r"\d(\s*[^\w\s,;()\[\]\"'«»،؛]+\s*)(?=\d)")


def _short(text: object, limit: int = 40) -> str:
    """A raw value quoted for a message, cut short: messages are read, not archives."""
    text = str(text)
    return repr(text if len(text) <= limit else text[:limit] + "…")


def _ascii_digits(text: str, raw: object) -> str:
    """`text` with the decimal digits of every script as ASCII digits (٣, ๓, ０, 𝟑 → 3).

    Raises CountError for a character that stands for a number without being a decimal
    digit (½, ², ①): folding would turn it into digits ("2½" into 21, "½" into 1 2).
    """
    out = []
    for ch in text:
        if ch.isdecimal():
            out.append(str(unicodedata.decimal(ch)))
        elif ch.isascii() or not any(c.isdecimal() for c in unicodedata.normalize("NFKC", ch)):
            out.append(ch)
        else:
            raise CountError(f"{_short(raw)} is not a whole number: {ch!r} is not a digit")
    return "".join(out)


def _digit_token(run: str, raw: object) -> str:
    """A run of digits and separators (`_DIGIT_RUN`) as the whole number it writes, in
    plain digits: "2,500" → "2500", "1 000" → "1000", "2.0" → "2" (as JSON writers give a
    whole number). Raises CountError when it is not one: "2.5", "2,5", "١٫٥" (a decimal
    part), "1,0,0", "16 2" (groups other than thousands, or two numbers side by side)."""
    parts = _SEPARATOR.split(run)
    groups, seps = parts[0::2], ["space" if p.isspace() else p for p in parts[1::2]]
    if seps and (seps[-1] == "\u066b" or seps[-1] in ".," and len(groups[-1]) != 3):
        if set(groups[-1]) != {"0"}:
            raise CountError(f"{_short(raw)} is not a whole number")
        groups, seps = groups[:-1], seps[:-1]  # 2.0, 2,500.00
    if seps and (len(set(seps)) > 1 or "\u066b" in seps or not 1 <= len(groups[0]) <= 3
                 or any(len(g) != 3 for g in groups[1:])):
        raise CountError(f"{_short(raw)} is not a whole number: {_short(run, 20)} is not "
                         "one number grouped in thousands")
    return "".join(groups)


@lru_cache(maxsize=100_000)
def parse_count(text: str | None) -> Count:
    """`four` → 4/4, `at least 3` → 3/None, `2-4` → 2/4, `dozens` → 12/None, `several` → None/None.

    Raises CountError for a negative figure or a reversed range; text without a number
    (`minor injuries`) is recorded as unknown, never guessed.
    """
    if text is None or text != text or not str(text).strip():  # None, NaN or blank
        return Count(None, None, "empty")
    raw = _ascii_digits(str(text).strip(), text)
    first_digit = re.search(r"\d", raw)
    for sign in _SIGN.finditer(raw):
        if first_digit is None or sign.start() < first_digit.start() or _SIGN_AFTER.search(
                raw[max(sign.start() - 20, 0):sign.start()]):
            raise CountError(f"negative figure {text!r}")
    raw = _DIGIT_RUN.sub(lambda m: _digit_token(m[0], text), raw)
    for joined in _JOINED.finditer(raw):
        if joined[1].strip() not in ("-", "–"):  # 2-4 is a range
            raise CountError(f"{_short(text)} is not a whole number: {joined[1].strip()!r} "
                             "joins two numbers")
    if _NOT_A_COUNT.search(raw):
        raise CountError(f"{_short(text)} is not a whole number")
    if re.search(r"\d{16,}", raw):  # no count has that many digits, nor fits in 64 bits
        raise CountError(f"{_short(text)} is too large to be a count")
    key = _AGE.sub(" ", fold(raw)).strip()
    words, phrases = _count_tables()
    # "another six": six more people (a report of one event's second toll), not one other
    if (more := re.match(r"(?:another|un autre|une autre) (.+)", key)) and _number(
            more[1].split(), words) is not None:
        key = more[1]
    kind, fixed = "exact", None  # kind "span" only strips "between"
    for phrase, k, value in phrases:
        if k != "scale" and (key == phrase or key.startswith(phrase + " ")):
            kind, fixed = k, value
            key = key[len(phrase):].strip()
            break
    if fixed is not None:  # "tens of thousands" → 10,000; "une dizaine de milliers" → 10,000
        fixed *= next((value or 1 for phrase, k, value in phrases if k == "scale" and (
            key == phrase or key.startswith(phrase + " "))), 1)
    if kind == "vague":
        return Count(fixed, None, "vague")
    if kind == "unknown":
        return Count(None, None, "unknown")
    if kind == "approx" and fixed is not None:
        return Count(fixed, fixed, "approx")
    tokens = key.split()
    first = _number(tokens, words)
    added = _added(key, words) if kind in ("exact", "lower") else None
    if first is None:
        if key in ("dozen", "a dozen"):
            return Count(12, 12, "approx")
        if added is not None:  # a named person and the people with them
            # "another" alone ("one killed and another wounded") is one person, no lead
            lead = 0 if re.match(r"(?:another|un autre|une autre)\b", key) else 1
            total = lead + added[0]
            return Count(total, None if added[1] else total, "named_and_others")
        return Count(None, None, "unknown")
    value, used = first
    rest = tokens[used:]
    if added is not None and (added[0] or added[1]) and rest and (rest[0] not in (
            "to", "or", "and", "a", "ou", "et", "الى", "او")  # "2 and 4" stays a range
            or rest[1:2] in (["a"], ["an"], ["un"], ["une"])):  # "3 and a number of others"
        total = value + added[0]
        if kind == "lower":  # "at least six fighters and one child": at least seven
            return Count(total, None, "at_least")
        return Count(total, None if added[1] else total, "sum")
    if rest and rest[0] in ("to", "or", "and", "a", "ou", "et", "الى", "او") or (
            raw and re.search(r"\d\s*[-–]\s*\d", raw)):
        second: int | None = None
        m = re.search(r"(\d+)\s*[-–]\s*(\d+)", raw)
        if m:
            value, second = int(m[1]), int(m[2])
        else:
            nxt = _number(rest[1:], words)
            second = nxt[0] if nxt else None
        if second is not None:
            if second < value:
                raise CountError(f"range {text!r} ends below its start")
            return Count(value, second, "range")
    if kind == "lower":
        return Count(value, None, "at_least")
    if kind == "above":
        return Count(value + 1, None, "more_than")
    if kind == "upper":
        return Count(None, value, "up_to")
    if kind == "below":
        return Count(None, max(value - 1, 0), "fewer_than")
    return Count(value, value, "approx" if kind == "approx" else "exact")


# --- actors ----------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _actors() -> dict[str, str]:
    return {fold(r["alias"]): r["canonical"] for r in _rows("actor_aliases.csv")}


class _ActorRules(NamedTuple):
    names: list[tuple[re.Pattern[str], str]]  # named actors, in file order
    backers: list[tuple[re.Pattern[str], str]]  # "Iran-backed militias": when nothing is named
    states: list[tuple[re.Pattern[str], re.Pattern[str] | None, str]]  # names, nouns, canonical
    force_after: re.Pattern[str]  # "<name> ... forces"
    force_before: re.Pattern[str]  # "forces of the ... <name>"
    by: re.Pattern[str]  # "backed by <name>"
    then: re.Pattern[str]  # what may follow a state's noun at the start: "and", another state


_ARTICLE = r"(?:the |l |la |le |les |a |an |un |une )?"
_PRO = re.compile(r"\b(?:pro|anti) $")  # "pro-Hezbollah", "anti-Houthi": not the actor


@lru_cache(maxsize=1)
def _actor_rules() -> _ActorRules:
    """The compiled rules of actor_patterns.csv, actor_states.csv and actor_words.csv."""
    words: dict[str, list[str]] = {}
    for r in _rows("actor_words.csv"):
        words.setdefault(r["kind"], []).append(_fold_pattern(r["words"]))
    force, backer, by = ("|".join(words[k]) for k in ("force", "backer", "by"))
    named = [(r["kind"], re.compile(_fold_pattern(r["pattern"])), r["canonical"])
             for r in _rows("actor_patterns.csv")]
    for kind, pattern, _ in named:
        if kind not in ("name", "backer"):
            raise ValueError(f"actor_patterns.csv: unknown kind {kind!r} of {pattern.pattern!r}")
    states = []
    for r in _rows("actor_states.csv"):
        names = _fold_pattern(r["names"])
        nouns = _fold_pattern(r["nouns"]) if r["nouns"] else None
        states.append((re.compile(rf"\b(?:{names})\b(?! (?:{backer})\b)"),
                       re.compile(rf"(?:{nouns})") if nouns else None, r["canonical"]))
    every_name = "|".join(_fold_pattern(r["names"]) for r in _rows("actor_states.csv"))
    return _ActorRules(
        names=[(p, c) for kind, p, c in named if kind == "name"],
        backers=[(p, c) for kind, p, c in named if kind == "backer"],
        states=states,
        force_after=re.compile(rf"(?: \w+){{0,3}}? (?:{force})\b"),
        force_before=re.compile(rf"\b(?:{force})(?: \w+){{0,3}} $"),
        by=re.compile(rf"\b(?:{by}) $"),
        then=re.compile(rf" (?:and|et|or|ou|with|avec)\b| و| (?:{every_name})\b"))


def _named_actors(key: str) -> tuple[list[tuple[int, int, str]], list[tuple[int, int, str]]]:
    """The named groups and the states a folded text names, each as (start, end, canonical)
    (actor_states.csv says when a state's name is an actor)."""
    rules = _actor_rules()
    groups = [(m.start(), m.end(), canonical) for pattern, canonical in rules.names
              for m in pattern.finditer(key) if not _PRO.search(key[:m.start()])]
    states = []
    for names, nouns, canonical in rules.states:
        for m in names.finditer(key):
            start, end = m.span()
            before, after = key[:start], key[end:]
            if rules.by.search(before) or _PRO.search(before):
                continue
            lead = re.fullmatch(_ARTICLE, before) is not None
            reach = None  # where the words that make the name an actor end
            if lead and (not after or (nouns and nouns.fullmatch(m.group())
                                       and rules.then.match(after))):
                reach = (start, end)
            elif f := rules.force_after.match(after):
                reach = (start, end + f.end())
            elif f := rules.force_before.search(before):
                reach = (f.start(), end)
            # the armed forces of a group named between them ("Syrian Kurdish-led forces")
            if reach and not any(reach[0] <= s and e <= reach[1] and (s, e) != (start, end)
                                 and not (s <= start and end <= e) for s, e, _ in groups):
                states.append((start, end, canonical))
    return groups, states


@lru_cache(maxsize=1)
def same_attacker(a: str | None, b: str | None) -> bool:
    """Unknown attackers never differ; known ones must be one actor or one under the other's
    umbrella (Kata'ib Hezbollah under the Islamic Resistance in Iraq)."""
    if a is None or b is None or a == b:
        return True
    umbrellas = actor_umbrellas()
    return a in umbrellas.get(b, ()) or b in umbrellas.get(a, ())


def actor_sides() -> dict[str, str]:
    """Canonical actor → the side it fights on (data/actor_sides.csv), for reconciliation."""
    return {r["canonical"]: r["side"] for r in _rows("actor_sides.csv")}


@lru_cache(maxsize=1)
def actor_umbrellas() -> dict[str, frozenset[str]]:
    """Canonical actor → every umbrella above it (data/actor_umbrellas.csv, transitively):
    Kata'ib Hezbollah → {Islamic Resistance in Iraq, Iran-aligned militias}."""
    parents: dict[str, set[str]] = {}
    for r in _rows("actor_umbrellas.csv"):
        parents.setdefault(r["actor"], set()).add(r["umbrella"])
        parents.setdefault(r["umbrella"], set())
    out: dict[str, frozenset[str]] = {}
    for actor in parents:
        seen: set[str] = set()
        todo = list(parents[actor])
        while todo:
            up = todo.pop()
            if up not in seen:
                seen.add(up)
                todo.extend(parents.get(up, ()))
        out[actor] = frozenset(seen)
    return out


@lru_cache(maxsize=1)
def air_powers() -> frozenset[str]:
    """Canonical actors that strike from the air (data/actor_sides.csv `air_power`)."""
    return frozenset(r["canonical"] for r in _rows("actor_sides.csv") if r.get("air_power") == "yes")


# What an attack-family type means when an air power fired it: its drones are armed drones
# and its missiles are air-launched (ACLED: Air/drone strike).
BY_AIR = {"drone_attack": "drone_strike", "missile_attack": "airstrike", "rocket_attack": "airstrike"}


_POSSESSIVE = re.compile(r"(?<=\w)['’]s\b")
# An actor is named in its first characters; reading all of a 10,000-character field (a quote
# pasted into the actor column) cost 2.5 s, the matches compared pairwise.
ACTOR_CHARS = 200


def _actor_key(text: str) -> str:
    """The folded start of an actor name that the rules read (`Israel's` → `israel`)."""
    return fold(_POSSESSIVE.sub("", text[:ACTOR_CHARS * 2]))[:ACTOR_CHARS]


@lru_cache(maxsize=100_000)
def canonical_actor(text: str | None) -> str | None:
    """`Kataib Hezbollah` → `Kata'ib Hezbollah`; an unknown actor is kept as reported.

    A name in actor_aliases.csv decides. Otherwise the text's actor is the first it names
    (`The US and UK` → the US) among the named groups and states it holds, where a match
    inside a longer one is part of it (`Syrian Democratic Forces` is not Syria's) and an
    umbrella yields to an actor under it that the text also names (`Iran's Revolutionary
    Guards` → the IRGC; `PMF (Kataib Hezbollah)` → Kata'ib Hezbollah). A backer's description
    (`Iran-backed militias`) counts only when the text names no group: `Iran-backed Houthis`
    are the Houthis, `Iran and Iran-backed groups` the groups (Iran is their umbrella)."""
    if text is None or not isinstance(text, str) or not text.strip():
        return None
    key = _actor_key(text)
    table = _actors()
    stripped = re.sub(r"^(?:the|an?|al|le|la|les)\s+", "", key)
    for k in (key, stripped):
        if k in table:
            return table[k]
    groups, states = _named_actors(key)
    backers = [] if groups else [(m.start(), m.end(), canonical) for pattern, canonical
                                 in _actor_rules().backers if (m := pattern.search(key))]
    found = groups + states + backers
    found = [a for a in found if not any(  # inside a longer name
        b[0] <= a[0] and a[1] <= b[1] and (b[1] - b[0]) > (a[1] - a[0]) for b in found)]
    umbrellas = actor_umbrellas()
    named = {c for _, _, c in found}
    found = [a for a in found if not any(a[2] in umbrellas.get(c, ()) for c in named)]
    if found:
        return min(found, key=lambda a: (a[0], a[0] - a[1]))[2]
    return " ".join(text.split())


@lru_cache(maxsize=1)
def _theatre_names() -> list[tuple[re.Pattern[str], dict[str, str]]]:
    """actor_theatres.csv: per name, the actor it is in each country where it names one."""
    table: dict[str, dict[str, str]] = {}
    for r in _rows("actor_theatres.csv"):
        table.setdefault(r["pattern"], {}).update(dict.fromkeys(r["iso3"].split(), r["canonical"]))
    return [(re.compile(_fold_pattern(p)), by_country) for p, by_country in table.items()]


@lru_cache(maxsize=10_000)
def _theatre_name(text: str) -> dict[str, str] | None:
    """The countries where a name that names no known actor by itself names one."""
    if canonical_actor(text) != " ".join(text.split()):
        return None
    key = _actor_key(text)
    return next((by_country for pattern, by_country in _theatre_names()
                 if pattern.fullmatch(key)), None)


def theatre_actor(text: str | None, iso3: str | None) -> str | None:
    """`canonical_actor`, and a name whose actor depends on the theatre read by the event's
    country: a bare `Islamic Resistance` is Hezbollah in Lebanon and the Islamic Resistance in
    Iraq in Iraq and Syria; `hostile drone` is Israel's in Lebanon (actor_theatres.csv)."""
    actor = canonical_actor(text)
    if actor is None or not isinstance(iso3, str):
        return actor
    by_country = _theatre_name(text)
    return by_country.get(iso3, actor) if by_country else actor


# --- vectorized over a frame -------------------------------------------------------------------


@lru_cache(maxsize=100_000)
def _event_row(text: str) -> tuple[str, str, str, str] | EventTypeError:
    """The event columns of one distinct text (or its error), computed once."""
    try:
        et = classify_event(text)
    except EventTypeError as exc:  # kept without its traceback, which holds the callers'
        return exc.with_traceback(None)  # frames (and their rows) for as long as it is cached
    method = "vocabulary" if fold(text).replace(" ", "_") == et.event_type else "phrase"
    return et.event_type, et.acled_event_type, et.acled_sub_event_type, method


def _extracted(extra: object) -> bool:
    """Whether a raw row came from `extract` (it says so in its extra columns)."""
    if not isinstance(extra, str) or '"extracted_by"' not in extra:
        return False
    try:
        return json.loads(extra).get("extracted_by") == "extract"
    except (ValueError, AttributeError):
        return False


def distinct_results(values: pd.Series, fn: Callable[[Any], Any]) -> tuple[np.ndarray, list]:
    """(per value, the position of its result; `fn` of each distinct value, called once): a
    million reports hold a few thousand event phrases, figures or actors. A missing value is
    passed as None."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    done = [fn(value) for value in uniques]
    if (codes < 0).any():  # code -1: missing
        codes = np.where(codes < 0, len(done), codes)
        done.append(fn(None))
    return codes, done


def each_distinct(values: pd.Series, fn: Callable[[Any], Any]) -> np.ndarray:
    """`fn` of every value as an object array, called once per distinct value
    (`distinct_results`)."""
    codes, results = distinct_results(values, fn)
    done = np.empty(len(results), dtype=object)
    for k, result in enumerate(results):  # one by one: a result may be a tuple
        done[k] = result
    return done[codes]


def _event_columns(text: str | None) -> tuple:
    """(event_type, acled_event_type, acled_sub_event_type, method, error_reason, message)."""
    found = _event_row(text)  # type: ignore[arg-type]
    if isinstance(found, EventTypeError):
        return None, None, None, None, found.reason, str(found)
    return (*found, None, None)


def _count_columns(col: str) -> Callable[[Any], tuple]:
    """A raw figure of `col` → (low, high, error_reason, error_message)."""
    def columns(text: str | None) -> tuple:
        try:
            c = parse_count(text)
            if max(c.low or 0, c.high or 0) > CEILINGS[col]:
                raise CountError(f"{_short(text)} is above the ceiling of {CEILINGS[col]:,} "
                                 "per report")
        except CountError as exc:
            return None, None, exc.reason, f"{col}: {exc}"
        return c.low, c.high, None, None
    return columns


_COLUMNS = ("event_type", "acled_event_type", "acled_sub_event_type", "event_type_method",
            "actor1", "actor2", "killed_low", "killed_high", "injured_low", "injured_high",
            "troops", "error_reason", "error_message")


def normalize_events(frame: pd.DataFrame, iso3: pd.Series | None = None) -> pd.DataFrame:
    """Event type, counts and actors for every row; errors as (error_reason, error_message):
    the first of the event type's, then the killed, injured and troops figures'. Each
    distinct text is read once; rows only gather the results. With the rows' countries
    (`iso3`, matched by index), a name whose actor depends on the theatre is read by its
    row's country."""
    n = len(frame)
    names = (*_COLUMNS[:4], *_COLUMNS[-2:])  # what `_event_columns` gives
    types = each_distinct(frame["event_type"], _event_columns).tolist()
    out: dict[str, list] = {name: [t[k] for t in types] for k, name in enumerate(names)}
    countries = None if iso3 is None else iso3.reindex(frame.index).to_numpy(dtype=object)
    for col in ("actor1", "actor2"):
        out[col] = each_distinct(frame[col], canonical_actor).tolist()
        if countries is None:
            continue
        by_country = each_distinct(frame[col], lambda t: _theatre_name(t) if t else None)
        for row in np.flatnonzero(pd.notna(by_country)).tolist():  # few: each by its country
            out[col][row] = by_country[row].get(countries[row], out[col][row])
    vocab, air = vocabulary(), air_powers()
    extras = frame["extra"].tolist() if "extra" in frame else [None] * n
    for i, (event_type, actor) in enumerate(zip(out["event_type"], out["actor1"], strict=True)):
        # A person who wrote "drone attack" next to an air power meant its armed drone; an
        # extractor's guess of the actor never retypes the event phrase the text stated.
        if event_type in BY_AIR and actor in air and not _extracted(extras[i]):
            et = vocab[BY_AIR[event_type]]
            out["event_type"][i] = et.event_type
            out["acled_event_type"][i] = et.acled_event_type
            out["acled_sub_event_type"][i] = et.acled_sub_event_type
            out["event_type_method"][i] = "actor"
    reason, message = out["error_reason"], out["error_message"]
    for col in ("killed", "injured", "troops"):
        found = each_distinct(frame[col], _count_columns(col)).tolist()
        low, high = [f[0] for f in found], [f[1] for f in found]
        if col == "troops":
            out["troops"] = [lo if lo is not None else hi for lo, hi in zip(low, high, strict=True)]
        else:
            out[f"{col}_low"], out[f"{col}_high"] = low, high
        for i, f in enumerate(found):
            if f[2] is not None and reason[i] is None:
                reason[i], message[i] = f[2], f[3]
    family = {k: v.family for k, v in vocab.items()}
    for i, event_type in enumerate(out["event_type"]):  # a troop report is its figure
        if reason[i] is not None or event_type is None:
            continue
        is_troop = family[event_type] == "troops"
        if is_troop and out["troops"][i] is None:
            reason[i], message[i] = "missing_field", f"a {event_type} report needs a troops figure"
        elif not is_troop and out["troops"][i] is not None:
            reason[i], message[i] = "invalid_count", f"troops given for a {event_type} report"
    return pd.DataFrame({k: out[k] for k in _COLUMNS}, index=frame.index)
