"""The shelf: a build's quotes and links kept on disk, read back as steps need them, and a
build that uses it publishing the same files as one that holds the text in memory."""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import pipeline
from pipeline.shelf import POSITION, PREFIX, Shelf, stale
from tests.conftest import write

build_module = importlib.import_module("pipeline.build")

QUOTES = ["BEIRUT (AP) — A strike hit Tyre.", None, "ب" * 5, "", "x" * 300, "last one"]
LINKS = ["https://a.example/1", "https://b.example/2", None, None, "https://c.example/5", None]


def _shelf(tmp_path: Path) -> Shelf:
    """QUOTES and LINKS on a shelf of two parts (two raw files): batches of 2 and 1 rows,
    then one of 3, the second part made first, as threads may make them."""
    shelf = Shelf(tmp_path)
    second, first = shelf.part(), shelf.part()
    for part, rows in ((first, [slice(0, 2), slice(2, 3)]), (second, [slice(3, 6)])):
        for cut in rows:
            part.put({"quote": pa.array(QUOTES[cut], pa.string()),
                      "source_url": pa.array(LINKS[cut], pa.string())}, cut.stop - cut.start)
        part.close()
    assert (shelf.add(first), shelf.add(second)) == (0, 3)
    return shelf


def test_the_shelf_gives_back_any_rows_in_the_order_asked(tmp_path):
    """In any order, repeats, runs and gaps included, within a batch and across batches and
    parts."""
    shelf = _shelf(tmp_path)
    for positions in ([0, 1, 2, 3, 4, 5], [5, 0, 3, 3, 1], [4], [2, 2, 0], [3, 4, 5],
                      [0, 1, 3, 5], [0, 0, 1], [1, 2, 3, 4], [3, 5]):
        got = shelf.take(np.array(positions))
        assert got["quote"].to_pylist() == [QUOTES[p] for p in positions]
        assert got["source_url"].to_pylist() == [LINKS[p] for p in positions]
    assert shelf.take(np.array([], dtype=np.int64)).num_rows == 0
    assert shelf.take(np.array([4, 0]), ("quote",)).column_names == ["quote"]
    # bytes, not characters; a null is 0
    assert shelf.lengths("quote", np.array([2, 1, 4])).tolist() == [10, 0, 300]


def test_source_keys_read_from_the_shelf_are_those_of_the_text(tmp_path, monkeypatch):
    """Grading reads a shelf's quotes back a few rows at a time and cuts them to their ends:
    the keys are those of the whole text in memory, in batches or not, in threads or not."""
    from pipeline import grade

    shelf = _shelf(tmp_path)
    sources = ["AP", "Rudaw", "a resident", "NNA", "Security official (AFP)", "AP"]
    held = pd.DataFrame({"quote": pd.Series(QUOTES, dtype="str"), "source": sources,
                         "source_url": pd.Series(LINKS, dtype="str")})
    shelved = pd.DataFrame({"source": sources, POSITION: np.arange(6)})
    whole = [k.tolist() for k in grade.source_keys(held)]
    monkeypatch.setattr(grade, "SHELF_KEY_ROWS", 2)
    for rows, threads in ((131_072, 1), (4, 2)):
        monkeypatch.setattr(grade, "KEY_ROWS", rows)
        assert [k.tolist() for k in grade.source_keys(shelved, threads, shelf)] == whole
    assert whole[2][0] == 0 and whole[1] == [0, 1, -1, -1, 2, -1]  # an agency, the hosts


def _hostile_and_plain(raw: Path, plain_rows: int = 40, pad: int = 0) -> None:
    """Raw files that take every reading path with quotes and links: Arrow's (plain CSV,
    `plain_rows` of them, their quotes `pad` characters longer), the csv module's (a quoted
    line break), JSON Lines; rows rejected on reading (a quote over its cap, a missing
    field, a repeated id) and when normalized (an unknown type)."""
    head = "report_id,source,source_url,published,event_type,date,place,country,quote\n"
    plain = [f"p{i},Reuters,https://r.example/{i},2024-01-0{i % 9 + 1},drone strike,"
             f"{i % 9 + 1} January 2024,Baghdad,Iraq,BAGHDAD (Reuters) - Story {i} of a strike."
             + "z" * pad for i in range(plain_rows)]
    plain += ["p-long,AP,https://ap.example/x,2024-01-05,drone strike,4 January 2024,Erbil,"
              "Iraq," + "y" * 100_001,
              "p-none,AP,https://ap.example/y,2024-01-05,drone strike,4 January 2024,,Iraq,"
              "no place given",
              "p3,AP,https://ap.example/z,2024-01-05,drone strike,4 January 2024,Mosul,Iraq,"
              "a copy of an id",
              "p-odd,AP,https://ap.example/w,2024-01-05,sighting,4 January 2024,Mosul,Iraq,"
              "an event of no known type"]
    write(raw, "a.csv", head + "\n".join(plain) + "\n")
    write(raw, "b.csv", head + 'q1,NNA,https://nna.example/1,2024-01-06,airstrike,'
          '5 January 2024,Tyre,Lebanon,"two lines\nof quote"\n'
          "q2,NNA,,2024-01-06,airstrike,5 January 2024,Tyre,Lebanon,\n")
    write(raw, "c.jsonl", json.dumps({
        "report_id": "j1", "source": "AFP", "source_url": "https://afp.example/1",
        "published": "2024-01-07", "event_type": "rocket attack", "date": "6 January 2024",
        "place": "Sanaa", "country": "Yemen", "quote": "SANAA (AFP) - Rockets."}) + "\n")


def _digests(out: Path) -> dict[str, str]:
    folder = out / "versions" / "v1"
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.glob("*.parquet"))}


def test_a_build_with_its_text_on_the_shelf_publishes_the_same_files(raw, tmp_path, monkeypatch):
    _hostile_and_plain(raw)
    shelved = pipeline.build(raw, tmp_path / "shelved")
    monkeypatch.setattr(build_module, "open_shelf", lambda out: contextlib.nullcontext(None))
    held = pipeline.build(raw, tmp_path / "held")
    assert (shelved.reports, shelved.quarantined) == (held.reports, held.quarantined) == (43, 4)
    assert _digests(tmp_path / "shelved") == _digests(tmp_path / "held")
    reports = pipeline.load("reports", root=tmp_path / "shelved").set_index("report_id")
    assert reports.loc["q1", "quote"] == "two lines\nof quote"
    assert reports.loc["j1", "source_url"] == "https://afp.example/1"
    assert pd.isna(reports.loc["q2", "source_url"])
    quarantine = pipeline.load("quarantine", root=tmp_path / "shelved")
    raws = {r: json.loads(t) for r, t in zip(quarantine["reason"], quarantine["raw"], strict=True)}
    assert len(raws["malformed_row"]["quote"]) == 100_001
    assert raws["missing_field"]["quote"] == "no place given"
    assert raws["duplicate_report_id"]["source_url"] == "https://ap.example/z"
    assert raws["event_type_unknown"]["quote"] == "an event of no known type"


def test_the_shelf_lives_for_its_build_and_a_killed_builds_is_removed(raw, tmp_path):
    _hostile_and_plain(raw)
    out = tmp_path / "out"
    out.mkdir()
    dead, alive = out / f"{PREFIX}999999999-abc", out / f"{PREFIX}{os.getpid()}-def"
    dead.mkdir()
    alive.mkdir()
    assert stale(out) == [dead]
    pipeline.build(raw, out)
    assert sorted(p.name for p in out.glob(f"{PREFIX}*")) == [alive.name]
    write(raw, "d.csv", "report_id,source\nx,y\n")  # unreadable: the build stops on reading
    with pytest.raises(pipeline.errors.InputError):
        pipeline.build(raw, out)
    assert sorted(p.name for p in out.glob(f"{PREFIX}*")) == [alive.name]


def test_a_file_read_again_another_way_puts_its_text_on_the_shelf_once(raw, tmp_path, monkeypatch):
    """A CSV that Arrow's reader had begun to shelve and that is then read by the csv module
    (it changed while read) leaves only the second reading's text on the shelf."""
    from pipeline import read

    path = write(raw, "a.csv", "report_id,source,published,event_type,date,place,quote\n"
                 "r1,AP,2024-01-05,airstrike,4 January 2024,Tyre,first\n")
    parse = read._read_csv_fast

    def parse_then_append(source, name, lines, part=None):  # noqa: ANN001, ANN202
        parsed = parse(source, name, lines, part)
        with open(path, "a", encoding="utf-8") as fh:
            fh.write("r2,AP,2024-01-05,airstrike,4 January 2024,Tyre,second\n")
        return parsed

    monkeypatch.setattr(read, "_read_csv_fast", parse_then_append)
    shelf = Shelf(tmp_path / "shelf")
    shelf.folder.mkdir()
    batch = read.read_raw(raw, shelf=shelf)
    assert shelf.rows == 2 and "quote" not in batch.rows
    assert shelf.take(batch.rows[POSITION])["quote"].to_pylist() == ["first", "second"]
    assert len(list(shelf.folder.iterdir())) == 1


def test_published_reports_read_their_text_back_a_row_group_at_a_time(raw, tmp_path, monkeypatch):
    """Row groups of a shelved table are sized by all its text, the shelved too, as a held
    one's are: with 2 KB quotes and groups of at most 5 MB of values, 2,500 reports are cut
    into the same two groups either way (counted without the quotes, they would be one)."""
    from pipeline import publish

    _hostile_and_plain(raw, plain_rows=2_500, pad=2_000)
    monkeypatch.setattr(publish, "ROW_GROUP_BYTES", 5_000_000)
    pipeline.build(raw, tmp_path / "shelved")
    monkeypatch.setattr(build_module, "open_shelf", lambda out: contextlib.nullcontext(None))
    pipeline.build(raw, tmp_path / "held")
    groups = [pq.ParquetFile(tmp_path / w / "versions" / "v1" / "reports.parquet").metadata
              .num_row_groups for w in ("shelved", "held")]
    assert groups == [2, 2]
    assert _digests(tmp_path / "shelved") == _digests(tmp_path / "held")


def test_a_shelf_that_cannot_be_written_stops_the_build_as_an_output_problem(raw, tmp_path,
                                                                             monkeypatch):
    """A disk that fills while the quotes are shelved is the output folder's problem, named
    as such (exit 2), not a raw file that cannot be read; the shelf is removed."""
    import errno

    from typer.testing import CliRunner

    from pipeline.cli import app

    _hostile_and_plain(raw)

    def full(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pa.ipc, "new_file", full)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["build", "--raw", str(raw), "--out", str(out), "-q"])
    assert (result.exit_code, result.stderr) == (2, (
        f"Error: cannot write to {out}: No space left on device; free some space or choose "
        "another --out\n"))
    assert not list(out.glob(f"{PREFIX}*"))


def test_a_raw_column_named_as_the_shelf_position_is_the_reports_own(raw, tmp_path):
    """An input column called `shelf_row` is an unknown column like any other: kept in
    `extra`, never taken for (or overwritten by) a position on the shelf."""
    write(raw, "a.csv", "report_id,source,published,event_type,date,place,quote,shelf_row\n"
          "r1,AP,2024-01-05,airstrike,4 January 2024,Tyre,the quote,seven\n")
    pipeline.build(raw, tmp_path / "out")
    reports = pipeline.load("reports", root=tmp_path / "out")
    assert reports[["quote", "extra"]].values.tolist() == [["the quote", '{"shelf_row": "seven"}']]
