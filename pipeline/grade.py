"""How well each incident is corroborated: independent sources and a grade, with reasons.

Part of the reconcile step (`reconcile.build_events` calls `grade_events`). Analysts ask how
many independent voices stand behind a row before they cite it; a count of reports does not
say, because one wire story republished by ten outlets is one voice.

- **Independent sources.** Two reports of an incident are one source when they share a
  `source` (the same outlet or speaker: "U.S. Central Command" quoted by Rudaw and by CNN is
  one statement), the same outlet (the host of `source_url`), the same news agency credited in
  the source's name or the opening of the quote (`data/wire_agencies.csv`: "BEIRUT (AP) —"
  republished by a local station is AP's story), or the same opening or closing text of the
  quote (a syndicated copy: `quote_chars` characters compared, case, spacing and punctuation
  aside). Linked reports form one source transitively; `independent_sources` counts the groups.
- **Grade** (`data/grade_rules.csv` holds every threshold, with why):
  `contested` when independent sources disagree on the day (two sources write out different calendar days; a
  weekday a day off, read against a publication's clock, is noted, not a contest), or on the
  toll (the highest killed figure more than `toll_ratio` times the lowest and `toll_difference`
  people apart); otherwise `confirmed` when an official party to the event (a source that is
  the incident's attacker or target, as `data/actor_aliases.csv` names them: CENTCOM for US
  forces) reported it, or `confirmed_sources` independent sources agree on its type family, day
  and place; `corroborated` with two independent sources; else `single_source`.
  `grade_reasons` says which facts gave the grade, so every grade can be checked by hand.
  Sources that name different known attackers never reach one incident (SPEC §6 keeps them
  apart), so a dispute over who attacked shows as two incidents, not as a grade.

Cost: a few vectorized passes over the reports and one short loop over incidents.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from functools import lru_cache
from urllib.parse import urlsplit

import numpy as np
import pandas as pd

from .config import PACKAGE_DATA
from .dates import STATED
from .events import actor_umbrellas, canonical_actor, vocabulary


@lru_cache(maxsize=1)
def rules() -> dict[str, int]:
    """The thresholds of data/grade_rules.csv."""
    with open(PACKAGE_DATA / "grade_rules.csv", encoding="utf-8") as fh:
        return {r["rule"]: int(r["value"]) for r in csv.DictReader(fh)}


@lru_cache(maxsize=1)
def _agencies() -> tuple[re.Pattern[str], list[str]]:
    """One pattern with a group per agency of data/wire_agencies.csv, and the agencies."""
    with open(PACKAGE_DATA / "wire_agencies.csv", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if not r["agency"].startswith("#")]
    pattern = re.compile("|".join(f"(?P<a{i}>{r['pattern']})" for i, r in enumerate(rows)))
    return pattern, [r["agency"] for r in rows]


def _folded(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch)).lower()


def agency_of(text: object) -> str | None:
    """The news agency a text credits, if any: `BEIRUT (AP) — ...` → AP. Read the opening of
    a quote (agencies are credited there; a story may mention another agency further on)."""
    if not isinstance(text, str) or not text:
        return None
    pattern, names = _agencies()
    m = pattern.search(_folded(text))
    return names[int(m.lastgroup[1:])] if m and m.lastgroup else None


def outlet_of(url: object) -> str | None:
    """The outlet a link belongs to: its host without `www.`/`m.`/`amp.`/language labels
    (english.alarabiya.net and alarabiya.net are one outlet)."""
    if not isinstance(url, str) or "//" not in url:
        return None
    host = (urlsplit(url.strip()).hostname or "").lower()
    labels = [x for x in host.split(".") if x]
    if len(labels) < 2:
        return None
    # a registered name is two labels, or three under a country's generic second level
    keep = 3 if len(labels) >= 3 and labels[-2] in {"co", "com", "org", "net", "gov", "ac",
                                                       "edu", "news"} and len(labels[-1]) == 2 else 2
    return ".".join(labels[-keep:])


def _text_key(quote: object, end: bool) -> str | None:
    n, least = rules()["quote_chars"], rules()["quote_min_chars"]
    if not isinstance(quote, str):
        return None
    text = re.sub(r"[\W_]+", " ", _folded(quote)).strip()
    if len(text) < least:
        return None
    return text[-n:] if end else text[:n]


def _keys(reports: pd.DataFrame) -> list[np.ndarray]:
    """Per link kind, one integer per report (-1: none): reports of one incident that share
    a value are one source."""
    def codes(values: pd.Series, key) -> np.ndarray:  # noqa: ANN001
        uniques, inverse = np.unique(values.fillna("").astype(str).to_numpy(), return_inverse=True)
        mapped = pd.Series([key(u) if u else None for u in uniques])
        codes_u = pd.factorize(mapped, use_na_sentinel=True)[0]
        return np.array(codes_u[inverse], dtype=np.int64)

    source = codes(reports["source"], lambda s: " ".join(s.casefold().split()) or None)
    outlet = codes(reports["source_url"], outlet_of)
    # the agency credited by the source's name ("Security official (AFP)") or the quote's opening
    credited = reports["source"].fillna("").astype(str) + " \n " + reports["quote"].fillna(
        "").astype(str).str.slice(0, 200)
    agency = codes(credited, agency_of)
    head = codes(reports["quote"], lambda q: _text_key(q, False))
    tail = codes(reports["quote"], lambda q: _text_key(q, True))
    return [source, outlet, agency, head, tail]


def source_groups(incident: np.ndarray, keys: list[np.ndarray]) -> np.ndarray:
    """Per report, a label shared by the reports of one incident that are one source: the
    smallest row number reachable through shared keys (label propagation until stable)."""
    label = np.arange(len(incident))
    frame = pd.DataFrame({"inc": incident})
    while True:
        before = label.copy()
        for key in keys:
            has = key >= 0
            label = label.copy()
            if not has.any():
                continue
            sub = pd.DataFrame({"inc": incident[has], "key": key[has], "label": label[has]})
            label[has] = sub.groupby(["inc", "key"], sort=False)["label"].transform("min").to_numpy()
        # every member takes the smallest label of any group it shares
        frame["label"] = label
        label = frame.groupby(["inc", "label"], sort=False)["label"].transform("min").to_numpy()
        if (label == before).all():
            return label


def _compatible(a: str, b: str) -> bool:
    umbrellas = actor_umbrellas()
    return a == b or a in umbrellas.get(b, ()) or b in umbrellas.get(a, ())


def grade_events(events: pd.DataFrame, reports: pd.DataFrame, code: np.ndarray) -> None:
    """Add `independent_sources`, `grade` and `grade_reasons` to `events` (in place).

    `code[i]` is the position in `events` of report i's incident.
    """
    r = rules()
    label = source_groups(code, _keys(reports))
    per_inc = pd.DataFrame({"inc": code, "label": label})
    independent = per_inc.drop_duplicates().groupby("inc").size().reindex(
        range(len(events)), fill_value=0).to_numpy()
    families = {k: v.family for k, v in vocabulary().items()}
    family = reports["event_type"].map(families).to_numpy(dtype=object)
    inc_family = events["event_type"].map(families).to_numpy(dtype=object)
    start = pd.to_datetime(reports["date_start"]).to_numpy()
    end = pd.to_datetime(reports["date_end"]).to_numpy()
    inc_start = pd.to_datetime(events["date_start"]).to_numpy()[code]
    inc_end = pd.to_datetime(events["date_end"]).to_numpy()[code]
    on_day = (start <= inc_end) & (inc_start <= end)
    # the calendar day written out by the source (not a weekday read against its clock)
    stated = reports["date_method"].fillna("").str.contains(STATED).to_numpy(dtype=bool)
    agrees = on_day & (family == inc_family[code])
    agreeing = pd.DataFrame({"inc": code[agrees], "label": label[agrees]}).drop_duplicates(
        ).groupby("inc").size().reindex(range(len(events)), fill_value=0).to_numpy()
    # an official party: a source that is the incident's attacker or target
    sources = reports["source"].astype(object)
    uniq = sources.dropna().unique()
    party = dict(zip(uniq, (canonical_actor(s) for s in uniq), strict=True))
    source_actor = sources.map(party).to_numpy(dtype=object)
    actors1 = events["actor1"].to_numpy(dtype=object)
    actors2 = events["actor2"].to_numpy(dtype=object)
    killed = pd.to_numeric(reports[["killed_low", "killed_high"]].max(axis=1),
                           errors="coerce").to_numpy(dtype=float)
    source_names = reports["source"].to_numpy(dtype=object)

    grades: list[str] = []
    reasons: list[list[str]] = []
    order = np.argsort(code, kind="stable")
    bounds = np.flatnonzero(np.r_[True, np.diff(code[order]) != 0, True])
    for k in range(len(bounds) - 1):
        rows = order[bounds[k]:bounds[k + 1]]
        i = int(code[rows[0]])
        why: list[str] = []
        n = int(independent[i])
        contested = []
        if n > 1:
            contested = _contests(rows, label, on_day, stated, start, killed, r)
        official = sorted({str(source_names[j]) for j in rows if source_actor[j] is not None and (
            (isinstance(actors1[i], str) and _compatible(source_actor[j], actors1[i]))
            or (isinstance(actors2[i], str) and _compatible(source_actor[j], actors2[i])))})
        why.append(f"{n} independent source{'s' if n != 1 else ''} of {len(rows)} report"
                   f"{'s' if len(rows) != 1 else ''}")
        if contested:
            grade = "contested"
            why.extend(contested)
        elif official:
            grade = "confirmed"
            why.append("an official party to the event reported it: " + "; ".join(official))
        elif agreeing[i] >= r["confirmed_sources"]:
            grade = "confirmed"
            why.append(f"{agreeing[i]} independent sources agree on type, day and place")
        elif n >= r["corroborated_sources"]:
            grade = "corroborated"
        else:
            grade = "single_source"
        if not contested and n > 1:
            why.extend(_toll_note(rows, label, killed))
            days = sorted({str(start[j])[:10] for j in rows if not on_day[j]})
            if days:
                why.append(f"a source puts it on {', '.join(days)}, a day off read against a "
                           "publication's clock: noted, not a contest")
        grades.append(grade)
        reasons.append(why)
    events["independent_sources"] = independent
    events["grade"] = grades
    events["grade_reasons"] = reasons


def _contests(rows: np.ndarray, label: np.ndarray, on_day: np.ndarray, stated: np.ndarray,
              start: np.ndarray, killed: np.ndarray, r: dict[str, int]) -> list[str]:
    """What independent sources of one incident disagree on, as reasons (empty: nothing)."""
    out = []
    off = {label[j] for j in rows if not on_day[j] and stated[j]}
    on = {label[j] for j in rows if on_day[j] and stated[j]}
    if off and on and off - on:
        days = sorted({str(start[j])[:10] for j in rows if not on_day[j]})
        out.append(f"day disputed: {', '.join(days)} written out against the incident's day")
    figures = _figures(rows, label, killed)
    if len(figures) > 1:
        lo, hi = min(figures.values()), max(figures.values())
        if hi - lo >= r["toll_difference"] and hi > r["toll_ratio"] * lo:
            out.append(f"toll disputed: killed {lo:g} to {hi:g} across independent sources "
                       f"(more than ×{r['toll_ratio']} and {r['toll_difference']} apart)")
    return out


def _figures(rows: np.ndarray, label: np.ndarray, killed: np.ndarray) -> dict[int, float]:
    """Per independent source of an incident, the highest killed figure it gave."""
    out: dict[int, float] = {}
    for j in rows:
        if not np.isnan(killed[j]):
            out[int(label[j])] = max(out.get(int(label[j]), 0.0), float(killed[j]))
    return out


def _toll_note(rows: np.ndarray, label: np.ndarray, killed: np.ndarray) -> list[str]:
    figures = _figures(rows, label, killed)
    if len(figures) > 1 and min(figures.values()) != max(figures.values()):
        return [f"killed {min(figures.values()):g} to {max(figures.values()):g} across "
                "independent sources: a documented disagreement, within the contest rule"]
    return []
