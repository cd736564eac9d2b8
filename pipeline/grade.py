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

import re
from collections.abc import Callable
from functools import lru_cache
from urllib.parse import urlsplit

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .dates import STATED, day_numbers
from .engines import in_threads
from .events import _rows, canonical_actor, same_attacker, vocabulary
from .shelf import POSITION, Shelf


@lru_cache(maxsize=1)
def rules() -> dict[str, int]:
    """The thresholds of data/grade_rules.csv."""
    return {r["rule"]: int(r["value"]) for r in _rows("grade_rules.csv")}


@lru_cache(maxsize=1)
def _agencies() -> tuple[str, list[str], str]:
    """One pattern with a group per agency of data/wire_agencies.csv, the agencies, and a
    pattern of the literal tokens one of which any match contains (RE2's syntax, as Arrow
    reads them)."""
    rows = _rows("wire_agencies.csv")
    pattern = "|".join(f"(?P<a{i}>{r['pattern']})" for i, r in enumerate(rows))
    tokens = dict.fromkeys(t for r in rows for t in r["tokens"].split("|"))
    return pattern, [r["agency"] for r in rows], "|".join(map(re.escape, tokens))


def agencies(texts: pd.Series) -> np.ndarray:
    """The news agency each text credits, or None: `BEIRUT (AP) — ...` → AP (read the
    opening of a quote: agencies are credited there; a story may mention another agency
    further on). The column at once in Arrow's RE2: the texts that hold one of the
    agencies' tokens (any case), then the agencies' patterns over them lowercased, the
    leftmost match deciding. Per text in Python's `re`, it was 1.0 s of 200,000 heavy
    reports' grading; this is 0.05 s."""
    pattern, names, tokens = _agencies()
    text = pa.array(texts, type=pa.large_string(), from_pandas=True)
    out = np.full(len(text), None, dtype=object)
    has = np.flatnonzero(pc.fill_null(pc.match_substring_regex(text, tokens, ignore_case=True),
                                      False).to_numpy(zero_copy_only=False))
    if not len(has):
        return out
    found = pc.extract_regex(pc.utf8_lower(text.take(pa.array(has))), pattern)
    for i, name in enumerate(names):  # a match is one agency's: its group is the one not empty
        hit = pc.fill_null(pc.not_equal(pc.struct_field(found, [i]), ""),
                           False).to_numpy(zero_copy_only=False)
        out[has[hit]] = name
    return out


def agency_of(text: object) -> str | None:
    """The news agency one text credits, if any (`agencies`)."""
    if not isinstance(text, str) or not text:
        return None
    return agencies(pd.Series([text], dtype=object))[0]


def outlet_of(url: object) -> str | None:
    """The outlet a link belongs to: its host without `www.`/`m.`/`amp.`/language labels
    (english.alarabiya.net and alarabiya.net are one outlet)."""
    try:
        host = urlsplit(url.strip()).hostname if isinstance(url, str) else None
    except ValueError:  # "http://[::1": not a link
        return None
    if not host:
        return None
    labels = [x for x in host.split(".") if x]
    if len(labels) < 2:
        return None
    # a registered name is two labels, or three under a country's generic second level
    keep = 3 if len(labels) >= 3 and labels[-2] in {"co", "com", "org", "net", "gov", "ac",
                                                       "edu"} and len(labels[-1]) == 2 else 2
    return ".".join(labels[-keep:])


# A link up to the end of its host (`https://www.x.com` of `https://www.x.com/a?b`), which is
# all `outlet_of` reads of it; a link without `//` is kept whole.
_HOST_PART = r"^(?P<host>[^/?#]*//[^/?#]*)"
_PUNCTUATION = re.compile("[" + re.escape("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~«»“”‘’—–…،؛؟") + "]")


# Python's whitespace (`str.split()`), for Arrow's RE2: ASCII spaces, Unicode separators,
# and the control characters Python counts as space.
_SPACE = r"[\s\p{Z}\x{0B}\x{1C}-\x{1F}\x{85}]"
# Each run of it as one plain space, as RE2 rewrites it: a run of two or more, or a single
# one that is not a plain space (`_SPACE` but U+0020, \p{Z} being Zs, Zl and Zp); a single
# plain space, most of a text's, is left alone. RE2 pays for each rewrite: rewriting every
# run of 131,072 quotes' openings took 0.41 s, these 0.10 s (a throwaway timing).
_SPACES = (_SPACE + r"{2,}|[\t\n\f\r\x{0B}\x{1C}-\x{1F}\x{85}\x{A0}\x{1680}\x{2000}-\x{200A}"
           r"\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}]")


def _text_keys(pieces: pd.Series, end: bool) -> pd.Series:
    """The first (or last) `quote_chars` characters of each quote, case, spacing and
    punctuation aside (`pieces`: the end of each quote that holds them; null stays null, and
    so does a key with no character left). In Arrow, column at once: per distinct piece in
    Python it was a third of grading's time on quotes of kilobytes."""
    n = rules()["quote_chars"]
    text = pc.utf8_lower(pa.array(pieces, type=pa.large_string(), from_pandas=True))
    text = pc.replace_substring_regex(text, _PUNCTUATION.pattern + "+", "")  # a run at once
    text = pc.utf8_trim_whitespace(pc.replace_substring_regex(text, _SPACES, " "))
    text = _last_chars(text, n) if end else pc.utf8_slice_codeunits(text, 0, n)
    text = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.large_string()), text)
    return pd.Series(pd.arrays.ArrowExtensionArray(text), index=pieces.index)


def _hosts(links: pd.Series) -> pd.Series:
    """Each link up to the end of its host (a link without `//` whole), in Arrow: pandas'
    regex made a Python string of each of a million distinct links."""
    text = pa.array(links, type=pa.large_string(), from_pandas=True)
    host = pc.struct_field(pc.extract_regex(text, _HOST_PART), [0])
    return pd.Series(pd.arrays.ArrowStringArray(pc.if_else(pc.is_null(host), text, host)),
                     index=links.index)


KEY_ROWS = 131_072  # reports whose quotes are keyed at once
SHELF_KEY_ROWS = 16_384  # of them, when their text is read back from a shelf
CREDIT_CHARS = 120  # a quote's opening that may credit an agency ("BEIRUT (AP) —")


def _ends(quote: pd.Series | pa.Array) -> tuple[pa.Array, pa.Array]:
    """The two ends of each quote that the keys read: its opening and its last characters."""
    n, least = rules()["quote_chars"], rules()["quote_min_chars"]
    text = pa.array(quote, type=pa.large_string(), from_pandas=True) \
        if isinstance(quote, pd.Series) else quote
    return (pc.utf8_slice_codeunits(text, 0, max(CREDIT_CHARS, n + n // 2, least)),
            _last_chars(text, n + n // 2))


def _last_chars(text: pa.Array, m: int) -> pa.Array:
    """The last `m` characters of each text (`utf8_slice_codeunits(text, -m)`), without
    walking each text from its start. Arrow's slice with no stop counts characters from the
    left to the end of the text, and does so for a negative start too: the last 150
    characters of 250,000 quotes of 2 KB took 0.93-1.04 s, against 0.08 s for their first 150.
    Sliced between two negative bounds, it counts from the right only, so each text gets one
    character more that the stop then leaves out: 0.21-0.26 s with the copy (throwaway
    timings). A null text stays null."""
    marked = pc.binary_join_element_wise(text, pa.scalar("x", text.type), pa.scalar("", text.type))
    return pc.utf8_slice_codeunits(marked, -(m + 1), -1)


def _shelved_ends(shelf: Shelf, positions: np.ndarray) -> tuple[pa.Array, ...]:
    """`_ends` and the links of the reports at `positions`, read back from the shelf."""
    text = shelf.take(positions)
    return (*_ends(text["quote"].combine_chunks()), text["source_url"].combine_chunks())


def _hashed(keys: pd.Series) -> pd.arrays.IntegerArray:
    """Each key as its 64-bit hash (null stays null). A key is compared only with the keys
    of its own incident's reports, so two different keys of one incident would have to
    share a hash (for an incident of 300 reports, 44,850 pairs: about one chance in 4 ×
    10^14). Kept as text until every batch was keyed, then numbered, a million heavy
    reports' keys put this step's peak at 1,580 MiB, against 1,318 as hashes (two workers,
    a throwaway measurement)."""
    text = keys.to_numpy(dtype=object, na_value=None)
    missing = keys.isna().to_numpy()
    text[missing] = ""
    return pd.arrays.IntegerArray(pd.util.hash_array(text, categorize=False), missing)


def _quote_keys(batch: tuple[Callable[[], tuple], pd.Series]
                ) -> tuple[np.ndarray, pd.arrays.IntegerArray, pd.arrays.IntegerArray, pd.Series]:
    """Of a batch of (what reads its quotes' ends and links, its sources): the agency each
    credits, its opening's key, its end's key (`_hashed`) and its link's host
    (`source_keys`)."""
    read, source = batch
    head, tail, link = (pd.Series(pd.arrays.ArrowStringArray(c), index=source.index)
                        for c in read())
    n, least = rules()["quote_chars"], rules()["quote_min_chars"]
    # the agency credited by the source's name ("Security official (AFP)") or the quote's
    # opening
    credited = agencies(source.fillna("").astype(str) + " \n "
                        + head.str.slice(0, CREDIT_CHARS).fillna("").astype(str))
    # a copy is told by the quote's two ends: only they are keyed (quotes run to kilobytes);
    # counted on the opening alone: a quote's characters are counted one by one
    long_enough = head.str.slice(0, least).str.len().fillna(0).to_numpy() >= least
    return (credited, _hashed(_text_keys(head.str.slice(0, n + n // 2).where(long_enough), False)),
            _hashed(_text_keys(tail.where(long_enough), True)), _hosts(link))


# What `source_keys` gives, named as a build carries them beside the reports.
KEYS = ("source_key", "outlet_key", "agency_key", "opening_key", "end_key")


def source_keys(reports: pd.DataFrame, threads: int = 1, shelf: Shelf | None = None
                ) -> list[np.ndarray]:
    """Per link kind (`KEYS`), one integer per report (-1: none): reports of one incident
    that share a value are one source. The numbers mean nothing but equality and need no
    incident: a build computes them for every row read while its workers normalize the
    rows, and its reports carry them to the workers that grade them (`grade_events`'
    `keys`). Each distinct source and host is read once in Python; the agencies credited
    (`agencies`) and the quotes' ends (`_text_keys`) are read in Arrow. Reports whose
    quotes and links are on `shelf` (they hold their POSITION) have them read back a batch
    at a time."""
    def codes(values: pd.Series, key) -> np.ndarray:  # noqa: ANN001
        inverse, uniques = pd.factorize(values, use_na_sentinel=True)
        mapped = pd.Series([key(u) if isinstance(u, str) and u else None  # not Arrow's
                            for u in np.asarray(uniques, dtype=object).tolist()]  # iterator
                           + [None])
        codes_u = pd.factorize(mapped, use_na_sentinel=True)[0]
        return np.asarray(codes_u[inverse], dtype=np.int64)  # -1 (no text) reads the None

    source = codes(reports["source"], lambda s: " ".join(s.casefold().split()) or None)
    # The quotes' openings and ends, read `KEY_ROWS` reports at a time, not their pieces
    # and Arrow's copies of them for every report at once (a 1M heavy build, two workers:
    # this step's peak 4,526 MiB at once, 4,342 in batches); `threads` batches at once, as
    # Arrow's kernels, where the time goes, let go of the interpreter.
    # Read back from a shelf, `SHELF_KEY_ROWS` at a time: their whole text is read.
    on = shelf if POSITION in reports else None
    rows = KEY_ROWS if on is None else SHELF_KEY_ROWS

    def reader(start: int) -> Callable[[], tuple]:
        end = start + rows
        if on is not None:
            positions = reports[POSITION].to_numpy()[start:end]
            return lambda: _shelved_ends(on, positions)
        quote, link = reports["quote"].iloc[start:end], reports["source_url"].iloc[start:end]
        return lambda: (*_ends(quote), pa.array(link, type=pa.large_string(), from_pandas=True))

    batches = [(reader(start), reports["source"].iloc[start:start + rows])
               for start in range(0, len(reports), rows)]
    keyed = list(in_threads(_quote_keys, batches, threads))
    del batches
    credited, head, tail, host = (list(k) for k in zip(*keyed, strict=True)) if keyed else (
        [], [], [], [])
    agency = codes(pd.Series(np.concatenate(credited) if credited else [], dtype=object), str)
    # a link's outlet is its host's: keyed on the link up to the end of its host, so that a
    # million distinct links of a few hundred sites are parsed a few hundred times
    outlet = codes(pd.concat(host) if host else pd.Series([], dtype="str"), outlet_of)
    # the keys' hashes numbered (a missing or empty key is null: -1)
    head_code, tail_code = (
        pd.factorize(pd.concat([pd.Series(k) for k in keys]) if keys else
                     pd.Series([], dtype="UInt64"))[0].astype(np.int64) for keys in (head, tail))
    return [source, outlet, agency, head_code, tail_code]


def source_groups(incident: np.ndarray, keys: list[np.ndarray]) -> np.ndarray:
    """Per report, a label shared by the reports of one incident that are one source: the
    smallest row number reachable through shared keys (each key's groups take their smallest
    label, until nothing changes: connected components, in a few passes). A group's minimum
    is taken in place (`np.minimum.at`), not by a frame and a groupby per key and pass, which
    held a few hundred MiB at once at a million reports."""
    label = np.arange(len(incident))
    while True:
        before = label.copy()
        for key in keys:
            has = np.flatnonzero(key >= 0)
            if len(has):
                group = pd.factorize(incident[has].astype(np.int64) * (int(key.max()) + 1)
                                     + key[has])[0]
                low = np.full(int(group.max()) + 1, len(label), dtype=label.dtype)
                np.minimum.at(low, group, label[has])
                label[has] = low[group]
        if (label == before).all():
            return label


def _codes(frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
    from .reconcile import group_codes  # reconcile imports this module

    return group_codes(frame, columns)


def _per_incident(n: int, code: np.ndarray, values: np.ndarray, how: str) -> np.ndarray:
    """Per incident 0..n-1, `how` ("max" or "min") of the values of its rows, NaN where it
    has none (NaN values skipped); unbuffered in place, not a groupby per fact."""
    out = np.full(n, np.nan)
    {"max": np.fmax, "min": np.fmin}[how].at(out, code, values.astype(float))
    return out


def _pairs(code: np.ndarray, label: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each row's (incident, source label) pair, numbered in sorted order, and each pair's
    incident: one sort of integers, not a pandas groupby on two columns."""
    width = int(label.max(initial=0)) + 1
    pairs, pair = np.unique(code.astype(np.int64) * width + label, return_inverse=True)
    return pair.reshape(-1), pairs // width


def _sources_of(n: int, code: np.ndarray, label: np.ndarray) -> np.ndarray:
    """Per incident 0..n-1, how many distinct source labels its rows carry."""
    return np.bincount(_pairs(code, label)[1], minlength=n)


def _on_day(events: pd.DataFrame, reports: pd.DataFrame, code: np.ndarray
            ) -> tuple[np.ndarray, np.ndarray]:
    """Per report: whether its span meets its incident's, and whether it also is of the
    incident's family of event types."""
    families = {k: v.family for k, v in vocabulary().items()}
    start, end = day_numbers(reports["date_start"]), day_numbers(reports["date_end"])
    on_day = ((start <= day_numbers(events["date_end"])[code])
              & (day_numbers(events["date_start"])[code] <= end))
    family = reports["event_type"].map(families).to_numpy(dtype=object)
    inc_family = events["event_type"].map(families).to_numpy(dtype=object)
    return on_day, on_day & (family == inc_family[code])


def _day_disputed(n: int, code: np.ndarray, label: np.ndarray, on_day: np.ndarray,
                  methods: pd.Series) -> np.ndarray:
    """Per incident: a source wrote out a calendar day off the incident's, while another
    wrote out one on it (a weekday read against a publication's clock never disputes)."""
    stated = methods.fillna("").str.contains(STATED).to_numpy(dtype=bool)
    pair, inc_of = _pairs(code, label)
    off = np.bincount(pair, weights=stated & ~on_day, minlength=len(inc_of)) > 0
    on = np.bincount(pair, weights=stated & on_day, minlength=len(inc_of)) > 0
    return ((np.bincount(inc_of, weights=off & ~on, minlength=n) > 0)
            & (np.bincount(inc_of, weights=on, minlength=n) > 0))


def _tolls(n: int, code: np.ndarray, label: np.ndarray, reports: pd.DataFrame
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per incident: the lowest and highest of its independent sources' killed figures (each
    source's highest), and how many sources gave one."""
    killed = pd.to_numeric(reports[["killed_low", "killed_high"]].max(axis=1),
                           errors="coerce").to_numpy(dtype=float)
    given = np.flatnonzero(~np.isnan(killed))
    pair, fig_inc = _pairs(code[given], label[given])
    figures = np.full(len(fig_inc), -np.inf)
    np.maximum.at(figures, pair, killed[given])  # each source's highest
    return (_per_incident(n, fig_inc, figures, "min"), _per_incident(n, fig_inc, figures, "max"),
            np.bincount(fig_inc, minlength=n))


def grade_events(events: pd.DataFrame, reports: pd.DataFrame, code: np.ndarray,
                 keys: list[np.ndarray] | None = None) -> None:
    """Add `independent_sources`, `grade` and `grade_reasons` to `events` (in place).

    `code[i]` is the position in `events` of report i's incident; `keys`, the reports'
    `source_keys` when they are computed already. Every fact is computed for
    all incidents at once, each by a function whose per-report arrays are gone when it
    returns (held together until the end, they were grading's peak: a few hundred MiB at a
    million reports); only the reasons' text is written incident by incident.
    """
    r = rules()
    n_inc = len(events)
    label = source_groups(code, source_keys(reports) if keys is None else keys)
    independent = _sources_of(n_inc, code, label)
    size = np.bincount(code, minlength=n_inc)
    on_day, agrees = _on_day(events, reports, code)
    agreeing = _sources_of(n_inc, code[agrees], label[agrees])
    day_disputed = _day_disputed(n_inc, code, label, on_day, reports["date_method"])
    off_day = _per_incident(n_inc, code, ~on_day, "max") == 1
    lo, hi, counted = _tolls(n_inc, code, label, reports)
    toll_disputed = (counted > 1) & (hi - lo >= r["toll_difference"]) & (hi > r["toll_ratio"] * lo)
    contested = (independent > 1) & (day_disputed | toll_disputed)
    official = _official(events, reports, code)
    grade = np.where(contested, "contested", np.where(
        official.notna().to_numpy() | (agreeing >= r["confirmed_sources"]), "confirmed",
        np.where(independent >= r["corroborated_sources"], "corroborated", "single_source")))
    days_off = pd.Series(_days_off(code, day_numbers(reports["date_start"]).astype(
        "datetime64[D]"), on_day)).reindex(range(n_inc)).to_numpy()
    # Incidents alike in every fact share their reasons: each kind is written once.
    facts = pd.DataFrame({"n": independent, "size": size, "contested": contested,
                          "day": day_disputed, "toll": toll_disputed, "grade": grade,
                          "official": official.to_numpy(), "agreeing": agreeing, "lo": lo,
                          "hi": hi, "counted": counted > 1, "off": off_day, "days": days_off})
    _, first, kind = np.unique(_codes(facts, list(facts.columns)), return_index=True,
                               return_inverse=True)
    texts = [_reasons(row, r) for row in facts.take(first).to_dict("records")]
    reasons = [texts[k] for k in kind]
    events["independent_sources"] = independent
    events["grade"] = grade
    events["grade_reasons"] = reasons


def _reasons(f: dict, r: dict[str, int]) -> list[str]:
    """The reasons of one kind of incident, from its facts (see `grade_events`)."""
    n, size = int(f["n"]), int(f["size"])
    why = [f"{n} independent source{'s' if n != 1 else ''} of {size} report"
           f"{'s' if size != 1 else ''}"]
    if f["contested"]:
        if f["day"]:
            why.append(f"day disputed: {f['days']} written out against the incident's day")
        if f["toll"]:
            why.append(f"toll disputed: killed {f['lo']:g} to {f['hi']:g} across independent "
                       f"sources (more than ×{r['toll_ratio']} and {r['toll_difference']} apart)")
    elif f["grade"] == "confirmed":
        why.append("an official party to the event reported it: " + f["official"]
                   if isinstance(f["official"], str) else
                   f"{f['agreeing']} independent sources agree on type, day and place")
    if not f["contested"] and n > 1:
        if f["counted"] and f["lo"] != f["hi"]:
            why.append(f"killed {f['lo']:g} to {f['hi']:g} across independent sources: a "
                       "documented disagreement, within the contest rule")
        if f["off"]:
            why.append(f"a source puts it on {f['days']}, a day off read against a "
                       "publication's clock: noted, not a contest")
    return why


def _official(events: pd.DataFrame, reports: pd.DataFrame, code: np.ndarray) -> pd.Series:
    """Per incident (by position), the sources that are a party to it ("; "-joined), or NaN:
    a source naming the incident's attacker or target (`canonical_actor`, umbrellas too)."""
    sources = reports["source"]
    inverse, uniques = pd.factorize(sources)
    actor_of = np.array([canonical_actor(s) for s in uniques] + [None], dtype=object)[inverse]
    party = np.zeros(len(reports), dtype=bool)
    for column in ("actor1", "actor2"):
        actors = events[column].to_numpy(dtype=object)[code]
        known = pd.notna(actor_of) & pd.notna(actors)
        a, b = actor_of[known], actors[known]
        _, first, kind = np.unique(_codes(pd.DataFrame({"a": a, "b": b}), ["a", "b"]),
                                   return_index=True, return_inverse=True)
        fits = np.array([same_attacker(a[i], b[i]) for i in first], dtype=bool)
        party[known] |= fits[kind]
    names = pd.DataFrame({"inc": code[party], "s": sources.to_numpy(dtype=object)[party]})
    joined = names.drop_duplicates().sort_values(["inc", "s"]).groupby("inc")["s"].agg("; ".join)
    return joined.reindex(range(len(events)))


def _days_off(code: np.ndarray, start: np.ndarray, on_day: np.ndarray) -> dict[int, str]:
    """Per incident with a report off its day, those reports' first days (", "-joined)."""
    off = pd.DataFrame({"inc": code[~on_day], "d": pd.DatetimeIndex(start[~on_day]).strftime(
        "%Y-%m-%d")}).drop_duplicates().sort_values(["inc", "d"])
    return off.groupby("inc")["d"].agg(", ".join).to_dict()
