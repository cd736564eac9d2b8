"""The one function that chains the steps: read → normalize → reconcile → validate → publish."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa

from . import dates as dates_module
from . import events as events_module
from . import places as places_module
from .dates import localize_dates, normalize_dates
from .engines import Run, open_engine
from .errors import ValidationFailed
from .events import normalize_events, vocabulary
from .grade import KEYS, source_keys
from .memory import release_arrow
from .places import (
    PLACE_OUTPUT,
    Resolved,
    gather_places,
    normalize_places,
    normalize_source_places,
    place_pairs,
    resolve_pairs,
)
from .read import RawBatch, iter_quarantine, quarantine_rows, raw_bytes, read_raw
from .reconcile import EVENT_COLUMNS, MATCH_COLUMNS, assign_incidents, build_events, group_codes
from .schema import GEOMETRY_FIELD, REPORTS, TABLES
from .shelf import POSITION, SHELVED, Shelf, open_shelf
from .validate import warm_validation

if TYPE_CHECKING:
    from .publish import ToWrite
    from .validate import Validation, ValidationReport

Progress = Callable[[str], None]
PART_ROWS = 250_000  # rows normalized at once: a part's intermediate columns, not all of them


@dataclass
class BuildResult:
    """What a build did: the version it published (or found unchanged) and its counts."""

    status: str  # "published" or "unchanged"
    version: str
    raw_rows: int
    reports: int
    quarantined: int
    incidents: int
    seconds: float
    validation: dict = field(default_factory=dict)
    # Seconds per stage: read, normalize, reconcile, validate, write (they add up to
    # `seconds`), and within normalize dates, places and types/counts, summed over its parts
    # (on an engine's workers that is their time together, not wall time), and keys: the
    # build's process keying the sources meanwhile (`grade.source_keys`).
    stages: dict[str, float] = field(default_factory=dict)
    # What the build repaired before publishing (an orphan version adopted, a damaged LATEST
    # recovered), one sentence each; the CLI prints them.
    notes: list[str] = field(default_factory=list)

    def line(self) -> str:
        if self.status == "unchanged":
            return f"unchanged: {self.version}"
        return (f"published {self.version}: {self.incidents} incidents from {self.reports} reports "
                f"({self.quarantined} quarantined of {self.raw_rows} raw rows) "
                f"in {self.seconds:.1f} s")


# A part's places resolved before it is normalized (`_resolve_places`): per row label of the
# rows geocoded from their text, the position of its (text, hint) pair in the values.
Known = tuple[pd.Series, Resolved]


def _from_text(rows: pd.DataFrame) -> pd.Series:
    """The rows geocoded from their text: all but those whose source gives a point."""
    if "latitude" not in rows or "longitude" not in rows:  # a frame made before SPEC §3 had them
        return pd.Series(True, index=rows.index)
    return ~(rows["latitude"].notna() | rows["longitude"].notna())


def _places(rows: pd.DataFrame, known: Known | None = None) -> pd.DataFrame:
    """Geocode the place text, except where the row gives a point: a source that located the
    event (ACLED, UCDP) is taken at its word, within its country (SPEC §3). `known`: the
    text's places, already resolved."""
    def geocode(part: pd.DataFrame) -> pd.DataFrame:
        if known is None:
            return normalize_places(part["place"], part["country"])
        codes, found = known
        return gather_places(found, codes.loc[part.index].to_numpy(), part.index)

    text = _from_text(rows)
    if text.all():
        return geocode(rows)
    parts = [normalize_source_places(rows[~text])]
    if text.any():
        parts.append(geocode(rows[text]))
    return pd.concat(parts).loc[rows.index]


# Raw columns no normalizer reads: they only travel with their report, so an engine's
# workers are not sent them (a ~2 KB quote per report was most of what a part weighed). A
# build keeps them on its shelf (`pipeline.shelf`); the rows hold their POSITION on it.
PASSENGERS = (*SHELVED, POSITION)


def _normalized(rows: pd.DataFrame, progress: Progress = lambda _: None,
                known: Known | None = None, dated: pd.DataFrame | None = None
                ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Raw rows → (the normalized columns of the rows that pass, by row label; the reason and
    message of each rejected row, by row label, in the order the steps rejected them). Reads
    no column of PASSENGERS. `known`: the rows' places, already resolved; `dated`: their
    `normalize_dates`, already made (as `_days_sent`)."""
    rejected = []

    def keep(frame: pd.DataFrame, found: pd.DataFrame) -> pd.DataFrame:
        bad = found["error_reason"].notna()
        rejected.append(found.loc[bad, ["error_reason", "error_message"]])
        return frame[~bad]

    progress(f"dates: {len(rows):,} reports")
    dates = normalize_dates(rows["date"], rows["published"], rows["language"]) if (
        dated is None) else _days_received(dated)
    rows = keep(rows, dates)
    progress("places:")
    places = _places(rows, known)
    rows = keep(rows, places)
    progress("types/counts: event types, counts, actors")
    events = normalize_events(rows, places["iso3"])
    rows = keep(rows, events)
    dates, places, events = (x.loc[rows.index].drop(columns=["error_reason", "error_message"])
                             for x in (dates, places, events))
    dates = localize_dates(dates, rows["date"], places["iso3"])  # clock times: the place's day
    return pd.concat([dates, places, events], axis=1), pd.concat(rejected)


def _reports(rows: pd.DataFrame, columns: pd.DataFrame, rejected: pd.DataFrame,
             quarantine: list[dict], consume: bool = False, shelf: Shelf | None = None
             ) -> tuple[pd.DataFrame, Callable[[], pd.DataFrame]]:
    """The raw rows and what `_normalized` made of them → (reports, what makes the quarantine
    when called): rejected rows become quarantine records (after `quarantine`, the
    reader's), the rest reports. The records are made when asked for, from the rejected rows
    kept aside, so that a build makes them while its workers reconcile: made here, before
    the blocks, they kept both workers of a million long-tail reports (162,619 rejected)
    waiting about 2.5 s (a throwaway sampler of the processes' CPU).
    `consume`: `rows` gives up each raw column as the reports take it, so that when rows were
    rejected the kept rows' text is copied a column at a time, not beside all of it (a million
    long-tail reports, a sixth rejected: 227 MiB at once, a throwaway measurement), and each
    raw column's pages go back to the system as soon as it is copied (`release_arrow`), not
    a second later (`memory.purge_after_a_second`): in that second the next columns were
    copied, and the same build's own peak was 1,465 MiB against 1,375-1,381 (a throwaway RSS
    sampler). Rows whose text is on `shelf` keep their POSITION on it instead."""
    aside = rows.loc[rejected.index] if len(rejected) else None  # before `consume` takes them

    def quarantined() -> pd.DataFrame:
        made = [] if aside is None else quarantine_rows(
            aside, rejected["error_reason"].tolist(), rejected["error_message"].tolist(), shelf)
        return iter_quarantine([*quarantine, *made])
    # copies of the raw text only when a row was rejected
    kept = rows.index.get_indexer(columns.index) if len(columns) < len(rows) else None

    def raw(name: str) -> pd.Series:
        column = rows.pop(name) if consume else rows[name]
        if kept is None:
            return column
        taken = column.take(kept)
        if consume:  # the raw column given back before the next is copied
            del column
            release_arrow()
        return taken

    reports = pd.DataFrame({
        "report_id": raw("report_id"), "source": raw("source"), "published": columns["published"],
        "language": raw("language").fillna("en").str.lower(),
        "raw_event_type": raw("event_type"), "raw_date": raw("date"), "raw_place": raw("place"),
        "raw_country": raw("country"), "raw_actor1": raw("actor1"), "raw_actor2": raw("actor2"),
        "raw_killed": raw("killed"), "raw_injured": raw("injured"), "raw_troops": raw("troops"),
    })
    reports = pd.concat([reports, columns.drop(columns=["published"])], axis=1)
    for name in ("extra", "input_file", "input_line"):
        reports[name] = raw(name)
    for name in PASSENGERS:
        if name in rows:  # the text, or its position on the shelf
            reports[name] = raw(name)
    return reports.reset_index(drop=True), quarantined


def normalize(batch: RawBatch, progress: Progress = lambda _: None) -> tuple[pd.DataFrame,
                                                                               pd.DataFrame]:
    """Raw rows → (normalized reports without incident ids, quarantine). Pure: no files written
    (`batch` read without a shelf)."""
    reports, quarantined = _reports(batch.rows, *_normalized(batch.rows, progress),
                                    batch.quarantine)
    return reports, quarantined()


# The modules whose per-input memos a build drops once every part is normalized.
NORMALIZING = (dates_module, events_module, places_module)


# normalize() announces each normalizer as "<name>: …"; a build times them by these names.
NORMALIZERS = ("dates", "places", "types/counts")


Part = tuple[pd.DataFrame, Known | None, pd.DataFrame | None]  # rows, places, dates


def _normalize_part(part: Part) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, float]]:
    """One part of the raw rows (without PASSENGERS), with its places and dates when they are
    made already → (`_normalized`'s two frames, seconds per normalizer); runs on any
    engine."""
    rows, known, dated = part
    marks: list[tuple[str, float]] = []
    columns, rejected = _normalized(
        rows, progress=lambda m: marks.append((m.split(":")[0], time.perf_counter())),
        known=known, dated=dated)
    marks.append(("", time.perf_counter()))
    seconds = {a[0]: b[1] - a[1] for a, b in zip(marks, marks[1:], strict=False)
               if a[0] in NORMALIZERS}
    return _days_sent(columns), rejected, seconds


def _resolve_places(rows: pd.DataFrame, run: Run) -> tuple[Known, float]:
    """Each distinct place text (with its country hint) of the rows resolved once for the
    whole build, the pairs dealt to the workers in turn; and the workers' seconds. Parts of
    rows would each resolve the pairs they hold: on a long tail of villages (97,000 pairs in
    a million reports) two workers resolved 146,000."""
    text = rows[_from_text(rows)]
    code, pairs = place_pairs(text["place"], text["country"])
    deal = max(1, min(run.split, len(pairs)))
    done = run.map(_resolve_timed, [pairs[i::deal] for i in range(deal)])
    found = {c: np.empty(len(pairs), dtype=object) for c in PLACE_OUTPUT}
    for i, (part, _) in enumerate(done):
        for c in PLACE_OUTPUT:
            found[c][i::deal] = part[c]
    return (pd.Series(code, index=text.index), found), sum(t for _, t in done)


def _resolve_timed(pairs: list[tuple[str, str]]) -> tuple[Resolved, float]:
    started = time.perf_counter()
    return resolve_pairs(pairs), time.perf_counter() - started


DATE_INPUTS = ["date", "published", "language"]


def _date_all(rows: pd.DataFrame, run: Run, parts: int
              ) -> Callable[[], tuple[pd.DataFrame, float]]:
    """The dates of every row, made on the workers (started now, collected by calling what
    this returns): the rows' date columns dealt into `parts` (as many as normalizing's, which
    bound a step's memory) by their date text, so that each text is read, and each of its
    days parsed, in one part only. In contiguous parts each worker read most texts: the dates
    of a million `today` reports took each of two workers 5.0 s so, 3.0 s dealt by text
    (throwaway timing). A row's dates depend on the row alone, so how the rows are dealt
    changes none of them. → (`normalize_dates` of every row, by label (each part of the rows
    takes its own by label), as `_days_sent`; the workers' seconds)."""
    code = pd.factorize(rows["date"])[0] % parts  # Arrow's text factorized by Arrow
    dealt = run.submit(_dates_timed, [rows[DATE_INPUTS].iloc[np.flatnonzero(code == i)]
                                      for i in range(parts)])

    def collect() -> tuple[pd.DataFrame, float]:
        done = dealt()
        return pd.concat([d for d, _ in done]), sum(t for _, t in done)
    return collect


def _dates_timed(rows: pd.DataFrame) -> tuple[pd.DataFrame, float]:
    started = time.perf_counter()
    dates = normalize_dates(rows["date"], rows["published"], rows["language"])
    return _days_sent(dates), time.perf_counter() - started


def _known_part(known: Known, index: pd.Index) -> Known:
    """The resolved places of the rows `index` labels: their pairs only, renumbered."""
    codes, found = known
    mine = codes[codes.index.isin(index)]
    used, position = np.unique(mine.to_numpy(), return_inverse=True)
    return pd.Series(position, index=mine.index), {c: v[used] for c, v in found.items()}


def _split(rows: pd.DataFrame, parts: int) -> list[pd.DataFrame]:
    """Contiguous parts in input order, so that concatenating results keeps that order."""
    if parts <= 1 or len(rows) < 2 * parts:
        return [rows]
    bounds = [len(rows) * i // parts for i in range(parts + 1)]
    return [rows.iloc[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]


# What a block of `_blocks` carries: every column matching and building the events read, and
# the reports' source keys (`grade.KEYS`, made from their text), none of the text itself.
BLOCK_COLUMNS = tuple(dict.fromkeys([*MATCH_COLUMNS, *EVENT_COLUMNS, *KEYS]))


def _blocks(reports: pd.DataFrame) -> Iterator[pd.DataFrame]:
    """Reports grouped by country and event family (incidents never cross these blocks), each
    in input order, with only the columns reconciling reads (`BLOCK_COLUMNS`). The largest
    first, so that the workers finish together, and each made when it is asked for: an
    engine's worker reconciles the largest while this process makes the others. Grouped by
    integer codes and one stable sort, not a pandas groupby on the two text keys (several
    times slower at a million reports); the family of each distinct event type, not of each
    report. A block's repeated text travels as categoricals, each holding only the values its
    block uses (`_decoded` decodes them)."""
    families = {k: v.family for k, v in vocabulary().items()}
    kind, kinds = pd.factorize(reports["event_type"], use_na_sentinel=False)
    family = pd.factorize(pd.Series([families.get(k) for k in kinds], dtype=object),
                          use_na_sentinel=False)[0][kind]
    code = group_codes(pd.DataFrame({"iso3": reports["iso3"], "family": family}),
                       ["iso3", "family"])
    order = np.argsort(code, kind="stable")
    bounds = np.searchsorted(code[order], np.arange(int(code.max(initial=-1)) + 2))
    spans = sorted(zip(bounds, bounds[1:], strict=False), key=lambda s: s[1] - s[0], reverse=True)
    match = pd.DataFrame({c: _coded(reports[c]) for c in BLOCK_COLUMNS if c in reports},
                         index=reports.index)
    coded = [c for c in match if isinstance(match[c].dtype, pd.CategoricalDtype)]
    for a, b in spans:
        block = match.take(order[a:b])
        yield block.assign(**{c: block[c].cat.remove_unused_categories() for c in coded})


# Days travel between processes as Arrow's date32, not as `datetime.date` objects, which
# pickle one by one: they were most of the pickling time of a normalized part (three columns,
# 0.1 s each for 250,000 reports) and of the blocks (two; throwaway timings).
DAYS = ("date", "date_start", "date_end")


def _as_days(column: pd.Series) -> pd.Series:
    """A column of `datetime.date` (None where missing) as it travels: Arrow's date32."""
    return pd.Series(pd.arrays.ArrowExtensionArray(pa.array(column, type=pa.date32())),
                     index=column.index, name=column.name)


def _days_sent(frame: pd.DataFrame) -> pd.DataFrame:
    """A frame of normalized columns as it travels: its `DAYS` as `_as_days`."""
    return frame.assign(**{c: _as_days(frame[c]) for c in DAYS})


def _days_received(frame: pd.DataFrame) -> pd.DataFrame:
    """`_days_sent` undone (`_as_dates`)."""
    return frame.assign(**{c: _as_dates(frame[c]) for c in DAYS})


def _as_dates(column: pd.Series) -> pd.Series:
    """`_as_days` undone: `datetime.date` objects, made by Arrow (pandas makes them from an
    Arrow column one at a time, in Python)."""
    return pd.Series(pa.array(column).to_pandas(date_as_object=True).to_numpy(),
                     index=column.index, name=column.name)


def _coded(column: pd.Series) -> pd.Series:
    """A column of `_blocks` as it travels. Text repeats (a million reports of the dense
    front had 28 places, 147,263 date texts and one country): a code per report and each
    value once. Taken into blocks and pickled as strings, the blocks of those reports were
    302 MiB and held beside the reports while the workers were sent them; coded, 95 MiB
    (a throwaway measurement). Report ids are unique and stay as they are. Days travel as
    days (`_as_days`)."""
    if column.name in DAYS:
        return _as_days(column)
    if column.name == "report_id" or not isinstance(column.dtype, pd.StringDtype):
        return column
    codes, values = column.array.factorize()
    return pd.Series(pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(values)),
                     index=column.index, name=column.name)


def _decoded(block: pd.DataFrame) -> pd.DataFrame:
    """A block of `_blocks` with its coded columns decoded to the values the reports have
    (the same dtype, missing where it was missing): text from its codes, days as
    `datetime.date` objects again (`_as_dates`). Matching reads each row's days as Python
    objects: the blocks of a million `today` reports took 7.7 s to match with pandas making
    them one by one, 6.8 s with the days decoded first (one process, throwaway timing)."""
    return block.assign(**{
        c: pd.Series(block[c].cat.categories.array.take(block[c].cat.codes.to_numpy(),
                                                        allow_fill=True), index=block.index)
        for c in block if isinstance(block[c].dtype, pd.CategoricalDtype)}, **{
        c: _as_dates(block[c])
        for c in DAYS if c in block and isinstance(block[c].dtype, pd.ArrowDtype)})


def _reconcile_block(block: pd.DataFrame) -> tuple[pd.Series, pd.DataFrame]:
    """A block of `_blocks` (or all the reports) reconciled whole, on a worker: its incidents
    (`assign_incidents`) and their events (`build_events`, graded with the source keys the
    block carries, else keyed here from the reports' text) → (incident ids by report label,
    events). Incidents never cross blocks and an event is made of its own reports alone, so
    the events of all blocks are those of all the reports at once. Built in the build's
    process after matching, the events of a million `today` reports took 4.9 s while the
    workers idled (a throwaway phase timer)."""
    reports = _decoded(block)
    ids = assign_incidents(reports)
    keys = [reports[k].to_numpy() for k in KEYS] if KEYS[0] in reports else None
    return ids, build_events(reports.assign(incident_id=ids), keys)


def reconcile_reports(reports: pd.DataFrame,
                      done: tuple[pd.Series, pd.DataFrame] | None = None
                      ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Give every report its incident_id; return (events by incident_id, reports in input
    order). `done`: the reports' incident ids and their events, when an engine made them
    block by block (`_reconcile_block`); else they are made here. Reports with a POSITION
    on a shelf keep it in place of the shelved columns."""
    if done is None:
        done = _reconcile_block(reports) if len(reports) else (
            pd.Series(dtype=object), pd.DataFrame())
    ids, events = done
    ids = ids.reindex(reports.index) if len(reports) else ids
    reports = reports.assign(incident_id=ids)
    order = _input_order(reports)
    if order is not None:
        reports = reports.take(order)
    reports = reports.reset_index(drop=True)
    if len(events):
        events = events.sort_values("incident_id", kind="stable").reset_index(drop=True)
    published = [f.name for f in REPORTS if f.name != GEOMETRY_FIELD[0]]
    if POSITION in reports:
        published = [c for c in published if c not in SHELVED] + [POSITION]
    return events, reports[published]


def _input_order(reports: pd.DataFrame) -> np.ndarray | None:
    """The positions that put reports in input order (file, then line; the reports one line
    gave, as an article's, in the order they came), or None when they are in it: as a build
    normalizes them. Published in that order, a report's text is never copied to reorder
    it: sorted by id, 200,000 reports with 2 KB quotes and ids not in input order (as real
    ones are not) peaked at 2,034 MiB reconciling, against 1,318 MiB in input order
    (`python -m benchmarks.stage_memory heavy 200000 --shuffled-ids`)."""
    if not len(reports):
        return None
    files = pd.factorize(reports["input_file"], sort=True)[0]
    order = np.lexsort((reports["input_line"].to_numpy(dtype=np.int64), files))  # stable
    return None if (order == np.arange(len(order))).all() else order


def build(raw: Path | str, out: Path | str, *, engine: str = "pandas",
          scheduler: str | None = None, workers: int | None = None,
          progress: Progress = lambda _: None) -> BuildResult:
    """Build, validate and publish a new version; unchanged inputs publish nothing new.

    `workers`: processes of the pandas engine (None or 1: this process only).
    Raises InputError (exit 2) for an unreadable file, ValidationFailed (exit 1) when a
    suite fails — in both cases nothing is published.
    """
    from .publish import check_writable, publish

    check_writable(out)  # a read-only folder or a full disk, before a minute of work
    started = time.perf_counter()
    with (open_engine(engine, scheduler, workers) as where,
          Run(where, progress, started) as run, open_shelf(out) as shelf):
        run.expect(raw_bytes(raw), shelf.folder if shelf else None)  # parts travel there
        with run.step("read", f"reading {raw}"):
            batch = read_raw(raw, run.reader, threads=run.threads, shelf=shelf)
        run.plan(len(batch.rows))
        tables, rows = _tables(batch, run, shelf)
        assert batch.raw_count == rows["reports"] + rows["quarantine"], \
            "accounting: raw rows must equal reports + quarantine"
        notes: list[str] = []
        progress("publishing")
        validation = _validation(rows["reports"], run)
        status, version, report = publish(  # the tables go as they are written
            out, tables, batch.files, lambda staged: _validate(staged, validation, out, run),
            notes, consume=True, written=validation.begin)
        run.lap("write")
    return BuildResult(status, version, batch.raw_count, rows["reports"], rows["quarantine"],
                       rows["events"], time.perf_counter() - started,
                       report.summary() if report else {},
                       {k: round(v, 2) for k, v in run.seconds.items()}, notes)


def _tables(batch: RawBatch, run: Run, shelf: Shelf) -> tuple[dict[str, ToWrite], dict[str, int]]:
    """Normalize and reconcile: the raw rows → (the published tables, each as what makes it
    when `publish` writes it (Arrow; the reports with their text on the `shelf` when they
    were read onto it); their rows). Each table is made as its turn to be written comes, so
    the workers check the events while this process converts the reports (0.5 s of a
    million `today` reports, a throwaway timer). The frames of these steps live only in
    here, in the functions it calls and in what it returns, each gone once its table is."""
    from .publish import arrow_table

    with run.step("normalize", f"normalizing {len(batch.rows):,} reports", forget=NORMALIZING):
        reports, quarantined, seconds = _normalize_all(batch, run, shelf)
        run.seconds.update(seconds)
    with run.step("reconcile", "reconciling"):
        reconciling = _incidents(reports, run)
        # queued behind the blocks: each worker imports GX once its blocks are done, while
        # this process collects the events and writes the tables
        run.prefetch(warm_validation)
        quarantine = quarantined()  # while the workers reconcile (`_reports`)
        del quarantined  # it held the rejected rows
        events, reports = reconcile_reports(reports, reconciling())
        frames = {"events": events, "reports": reports, "quarantine": quarantine}
        del events, reports, quarantine  # the frames' only references are in `frames` now
    rows = {name: len(frame) for name, frame in frames.items()}
    return {name: partial(arrow_table, name, frames.pop(name), True, shelf)
            for name in TABLES}, rows


def _normalize_all(batch: RawBatch, run: Run, shelf: Shelf
                   ) -> tuple[pd.DataFrame, Callable[[], pd.DataFrame], dict[str, float]]:
    """Every part of the rows normalized on the engine, in input order; what makes the
    quarantine when called (`_reports`); seconds per normalizer summed over the parts (on
    workers, their time together, not wall time). The parts carry only what the normalizers
    read; the reports are put together here."""
    rows = batch.take_rows()
    count = max(run.split, -(-len(rows) // PART_ROWS))  # parts bound a step's memory
    read = rows.drop(columns=[c for c in PASSENGERS if c in rows])
    items: list[Part] = [(p, None, None) for p in _split(read, count)]
    resolving = dating = 0.0
    if run.split > 1:  # the workers make the dates and the distinct places first, each once
        dates = _date_all(read, run, count)
        known, resolving = _resolve_places(read, run)
        dated, dating = dates()
        items = [(p, _known_part(known, p.index), dated.loc[p.index]) for p, _, _ in items]
        del known, dated
    del read
    normalizing = run.submit(_normalize_part, items)
    del items
    # while the workers normalize, this process keys the sources, reading the quotes back
    # from the shelf in their order, each batch once (keyed by block on the workers, each
    # block's rows scattered over the shelf, a million `heavy` reports' shelf was read about
    # once per block: 17.3 s of the workers' time against about 9 s in order, a throwaway
    # timer)
    started = time.perf_counter()
    keys = source_keys(rows, run.threads, shelf)
    keying = time.perf_counter() - started
    parts = normalizing()
    seconds = {name: sum(p[2].get(name, 0.0) for p in parts) for name in NORMALIZERS}
    seconds["places"] += resolving
    seconds["dates"] += dating
    seconds["keys"] = keying
    columns, rejected = (pd.concat([p[k] for p in parts]) for k in (0, 1))
    del parts  # the parts' frames, now copied into one
    # The days stay Arrow's date32, as they came: the blocks and the published table take
    # them so (`_coded`, `publish.arrow_table`), and a block's worker makes the date objects
    # matching reads (`_decoded`). Made objects here, then days again twice, they cost the
    # build's process 0.3-0.6 s more CPU for a million `today` reports (8.57-8.87 s against
    # 7.94-8.48, three interleaved pairs of builds, a throwaway script) and reconciling 20 MiB
    # more (`python -m benchmarks.stage_memory today 1000000 --workers 2`).
    kept = rows.index.get_indexer(columns.index)
    columns = columns.assign(**{name: key[kept] for name, key in zip(KEYS, keys, strict=True)})
    reports, quarantined = _reports(rows, columns, rejected, batch.quarantine, consume=True,
                                    shelf=shelf)
    return reports, quarantined, seconds


def _incidents(reports: pd.DataFrame, run: Run) -> Callable[[], tuple[pd.Series, pd.DataFrame] | None]:
    """The incident of every report and the events, block by block on the engine
    (`_reconcile_block`): started now, collected by calling what this returns."""
    if not len(reports):
        return lambda: None
    reconciled = run.submit(_reconcile_block, _blocks(reports) if run.split > 1 else [reports])

    def collect() -> tuple[pd.Series, pd.DataFrame]:
        done = reconciled()
        return (pd.concat([ids for ids, _ in done]),
                pd.concat([events for _, events in done], ignore_index=True))
    return collect


def _validation(reports: int, run: Run) -> Validation:
    """The staged tables' checks, each table's started on the engine as soon as it is
    written (`publish`'s `written`): the row checks part by part (a local worker reads its
    parts from the file; a cluster's are sent theirs), the whole-column checks there too. A
    part per worker slot, at most PART_ROWS rows each. With no workers, they run when the
    report is asked for."""
    from .validate import Validation

    if run.split <= 1:
        return Validation(run.submit)
    share = -(-reports // run.split)
    return Validation(run.submit, part_rows=max(1, min(PART_ROWS, share)), shared=run.local)


def _validate(staged: dict[str, Path], validation: Validation, out: Path | str, run: Run
              ) -> ValidationReport:
    """Every staged table checked (`_validation`); a failure is recorded beside the
    versions and stops the publication."""
    from .publish import record_failure, report_frames

    run.lap("write")
    with run.step("validate", "validating", collect=True):
        report = validation.report(staged)
        if not report.success:
            where = record_failure(out, report, report_frames(staged))
            lines = "\n".join(f.line() for f in report.failures)
            raise ValidationFailed(f"validation failed, nothing published (results in "
                                   f"{where}):\n{lines}", report)
    return report
