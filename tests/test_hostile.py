"""Hostile input: no single row stops a build, nothing leaks outside the raw folder, nothing
changes silently. Each case of issue 17 is a test with its exact reason, exit code and message."""

from __future__ import annotations

import csv
import datetime as dt
import errno
import hashlib
import io
import json
import math
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import pipeline
from pipeline.build import normalize, reconcile_reports
from pipeline.cli import app
from pipeline.errors import InputError, IntegrityError, UsageError
from pipeline.publish import to_arrow
from pipeline.read import RawBatch, read_raw
from pipeline.schema import RAW_COLUMNS
from tests.conftest import HEADER, ROOT, write

ROW = "r1,Reuters,2024-01-05,drone strike,Thursday,Baghdad,Iraq,2,,\n"


def invoke(*args: str):
    return CliRunner().invoke(app, list(args))

# --- the property: any value in any raw field --------------------------------------------------

# Values that broke builds before issue 17, mixed with ordinary ones so that rows also get far.
INTERESTING = {
    "published": ["2024-01-05", "2024-01-05T10:00:00Z", "0001-01-01", "9999-12-31", "tomorrow",
                  "now", "2 hours ago", "Thursday", "Jan 4", "1 January 10000", "1850-03-01",
                  "0000-01-01", "2024-13-01"],
    "date": ["Thursday", "yesterday", "last month", "1 January 1950", "1800-01-01",
             "1 January 10000", "January 4, 2024", "0001-01-01", "9999-12-31", "999999 days ago",
             "2025 years ago", "January 0000", "-1 days ago"],
    "place": ["Baghdad", "eastern Baghdad", "", "🙂", "north", "Erbil, Iraq"],
    "event_type": ["drone strike", "airstrike", "troop presence", "attack"],
    "killed": ["2", "99999999999999999999", "1e9", "NaN", "∞", "0x10", "half a dozen",
               "1000000000000", "-3", "4-2", "9" * 5000],
    "country": ["Iraq", "France", "Syrie"],
}
TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=30)
NUMBER = st.one_of(st.integers(min_value=-(2**70), max_value=2**70),
                   st.floats(allow_nan=True, allow_infinity=True))


def _field(name: str) -> st.SearchStrategy:
    pool = INTERESTING.get(name, INTERESTING["killed"] if name in ("injured", "troops") else [])
    options = [TEXT, NUMBER.map(str)]
    if pool:  # three times as likely as arbitrary text: rows must also get past reading
        options = [st.sampled_from(pool)] * 3 + options
    return st.one_of(*options)


def _json_value(name: str) -> st.SearchStrategy:
    nested = st.recursive(st.one_of(st.none(), st.booleans(), NUMBER, TEXT),
                          lambda inner: st.lists(inner, max_size=2)
                          | st.dictionaries(TEXT, inner, max_size=2), max_leaves=4)
    surrogate = st.sampled_from(["\ud800", "a\udfffb"])
    return st.one_of(_field(name), NUMBER, nested, surrogate)


ROWS = st.lists(st.fixed_dictionaries({c: _field(c) for c in RAW_COLUMNS}), min_size=1,
                max_size=4)
JSON_ROWS = st.lists(st.fixed_dictionaries({c: _json_value(c) for c in RAW_COLUMNS}), min_size=1,
                     max_size=4)


def _csv(rows: list[dict]) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(RAW_COLUMNS)
    for i, row in enumerate(rows):
        writer.writerow([f"c{i}-{row['report_id']}" if c == "report_id" else row[c]
                         for c in RAW_COLUMNS])
    return buffer.getvalue()


def _jsonl(rows: list[dict]) -> str:
    lines = []
    for i, row in enumerate(rows):
        row = dict(row, report_id=f"j{i}-{row['report_id']}")
        lines.append(json.dumps(row, allow_nan=True))  # NaN and Infinity as Python writes them
    return "\n".join(lines) + "\n"


def _tables(raw: Path) -> tuple[int, dict]:
    """Everything a build does before validation and publishing, on one raw folder."""
    batch = read_raw(raw)
    reports, quarantine = normalize(RawBatch(rows=batch.rows, quarantine=batch.quarantine))
    events, reports = reconcile_reports(reports)
    return batch.raw_count, to_arrow({"events": events, "reports": reports,
                                      "quarantine": quarantine})


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(csv_rows=ROWS, json_rows=JSON_ROWS)
def test_any_field_value_never_breaks_a_build(tmp_path_factory, csv_rows, json_rows):
    raw = tmp_path_factory.mktemp("raw")
    (raw / "a.csv").write_text(_csv(csv_rows), encoding="utf-8")
    (raw / "b.jsonl").write_text(_jsonl(json_rows), encoding="utf-8")
    raw_rows, tables = _tables(raw)
    assert raw_rows == len(csv_rows) + len(json_rows)
    assert raw_rows == tables["reports"].num_rows + tables["quarantine"].num_rows
    reports = tables["reports"].to_pylist()
    for r in reports:  # what the row-level expectations would check: never reached by a bad row
        assert r["date_start"] <= r["date"] <= r["date_end"]
        assert r["date_start"].year >= 1990
        for c in ("killed_low", "killed_high", "injured_low", "injured_high", "troops"):
            assert r[c] is None or 0 <= r[c] <= 1_000_000
    messages = tables["quarantine"].column("message").to_pylist()
    assert not any("internal error" in m for m in messages)
    assert not any(isinstance(v, float) and math.isnan(v) for r in reports for v in r.values())


# --- one build over every hostile row: each quarantined with its exact reason ----------------

CSV_ROWS = {  # report_id → (event_type, date, place, published, killed, troops, quote)
    "ok-1": ("drone strike", "Thursday", "Baghdad", "2024-01-05", "2", "", ""),
    "half-dozen": ("airstrike", "Wednesday", "Erbil", "2024-01-05", "half a dozen", "", ""),
    "big-killed": ("drone strike", "Thursday", "Baghdad", "2024-01-05", "9" * 20, "", ""),
    "big-troops": ("troop presence", "currently", "Syria", "2024-01-05", "", "9" * 20, ""),
    "sci": ("drone strike", "Thursday", "Baghdad", "2024-01-05", "1e9", "", ""),
    "nan": ("drone strike", "Thursday", "Baghdad", "2024-01-05", "NaN", "", ""),
    "inf": ("drone strike", "Thursday", "Baghdad", "2024-01-05", "∞", "", ""),
    "hex": ("drone strike", "Thursday", "Baghdad", "2024-01-05", "0x10", "", ""),
    "trillion": ("drone strike", "Thursday", "Baghdad", "2024-01-05", "1000000000000", "", ""),
    "old-pub": ("drone strike", "Thursday", "Baghdad", "0001-01-01", "", "", ""),
    "old-pub-yesterday": ("drone strike", "yesterday", "Baghdad", "0001-01-01", "", "", ""),
    "old-pub-last-month": ("drone strike", "last month", "Baghdad", "0001-01-01", "", "", ""),
    "far-pub": ("drone strike", "Thursday", "Baghdad", "9999-12-31", "", "", ""),
    "pub-tomorrow": ("drone strike", "Thursday", "Baghdad", "tomorrow", "", "", ""),
    "pub-now": ("drone strike", "Thursday", "Baghdad", "now", "", "", ""),
    "pub-ago": ("drone strike", "Thursday", "Baghdad", "2 hours ago", "", "", ""),
    "pub-thursday": ("drone strike", "Thursday", "Baghdad", "Thursday", "", "", ""),
    "pub-jan4": ("drone strike", "Thursday", "Baghdad", "Jan 4", "", "", ""),
    "d1950": ("drone strike", "1 January 1950", "Baghdad", "2024-01-05", "", "", ""),
    "d1800": ("drone strike", "1800-01-01", "Baghdad", "2024-01-05", "", "", ""),
    "d10000": ("drone strike", "1 January 10000", "Baghdad", "2024-01-05", "", "", ""),
    # numbers no calendar day holds: each stopped the whole build ("internal error", exit 2)
    "d-days": ("drone strike", "999999 days ago", "Baghdad", "2024-01-05", "", "", ""),
    "d-days-20": ("drone strike", "9" * 20 + " days ago", "Baghdad", "2024-01-05", "", "", ""),
    "d-hours": ("drone strike", "over the last 240000000 hours", "Baghdad", "2024-01-05", "", "",
                ""),
    "d-years": ("drone strike", "2025 years ago", "Baghdad", "2024-01-05", "", "", ""),
    "d-months": ("drone strike", "30000 months ago", "Baghdad", "2024-01-05", "", "", ""),
    "d-year-0": ("drone strike", "January 0000", "Baghdad", "2024-01-05", "", "", ""),
    "pub-year-0": ("drone strike", "Thursday", "Baghdad", "0000-01-01", "", "", ""),
    # and values that were published wrong
    "pub-month-13": ("drone strike", "Thursday", "Baghdad", "2024-13-01", "", "", ""),
    "d-year-0001": ("drone strike", "3/4/0001", "Baghdad", "2024-01-05", "", "", ""),
    "d-negative": ("drone strike", "-1 days ago", "Baghdad", "2024-01-05", "", "", ""),
    "long-place": ("drone strike", "Thursday", "x" * 10_001, "2024-01-05", "", "", ""),
    "long-quote": ("drone strike", "Thursday", "Baghdad", "2024-01-05", "", "", "q" * 100_001),
}
NOT_ABSOLUTE = "; it must be absolute: a day, a month and a year"
OUT_OF_WINDOW = "is outside the supported window 1990-01-01 to 2100-12-31"
BEFORE_WINDOW = "before the supported window (from 1990-01-01)"
EXPECTED = {  # report_id → (reason, message)
    "big-killed": ("invalid_count", f"killed: '{'9' * 20}' is too large to be a count"),
    "big-troops": ("invalid_count", f"troops: '{'9' * 20}' is too large to be a count"),
    "sci": ("invalid_count", "killed: '1e9' is not a whole number"),
    "nan": ("invalid_count", "killed: 'NaN' is not a whole number"),
    "inf": ("invalid_count", "killed: '∞' is not a whole number"),
    "hex": ("invalid_count", "killed: '0x10' is not a whole number"),
    "trillion": ("invalid_count",
                 "killed: '1000000000000' is above the ceiling of 100,000 per report"),
    "old-pub": ("date_out_of_range", f"published 0001-01-01 {OUT_OF_WINDOW}"),
    "old-pub-yesterday": ("date_out_of_range", f"published 0001-01-01 {OUT_OF_WINDOW}"),
    "old-pub-last-month": ("date_out_of_range", f"published 0001-01-01 {OUT_OF_WINDOW}"),
    "far-pub": ("date_out_of_range", f"published 9999-12-31 {OUT_OF_WINDOW}"),
    "pub-tomorrow": ("date_unparseable",
                     f"published time 'tomorrow' is relative ('tomorrow'){NOT_ABSOLUTE}"),
    "pub-now": ("date_unparseable", f"published time 'now' is relative ('now'){NOT_ABSOLUTE}"),
    "pub-ago": ("date_unparseable",
                f"published time '2 hours ago' is relative ('ago'){NOT_ABSOLUTE}"),
    "pub-thursday": ("date_unparseable", f"published time 'Thursday' has no year{NOT_ABSOLUTE}"),
    "pub-jan4": ("date_unparseable", f"published time 'Jan 4' has no year{NOT_ABSOLUTE}"),
    "d1950": ("date_out_of_range",
              "'1 January 1950' is 1950-01-01, before the supported window (from 1990-01-01)"),
    "d1800": ("date_out_of_range",
              "'1800-01-01' is 1800-01-01, before the supported window (from 1990-01-01)"),
    "d10000": ("date_out_of_range",
               "'1 January 10000' is 1000-01-01, before the supported window (from 1990-01-01)"),
    "d-days": ("date_out_of_range", f"'999999 days ago' is {BEFORE_WINDOW}"),
    "d-days-20": ("date_out_of_range", f"'{'9' * 20} days ago' is {BEFORE_WINDOW}"),
    "d-hours": ("date_out_of_range", f"'over the last 240000000 hours' is {BEFORE_WINDOW}"),
    "d-years": ("date_out_of_range", f"'2025 years ago' is {BEFORE_WINDOW}"),
    "d-months": ("date_out_of_range", f"'30000 months ago' is {BEFORE_WINDOW}"),
    "d-year-0": ("date_out_of_range", f"'January 0000' is {BEFORE_WINDOW}"),
    "pub-year-0": ("date_out_of_range", f"published 0000-01-01 {OUT_OF_WINDOW}"),
    "pub-month-13": ("date_unparseable", "cannot read published time '2024-13-01': no such day "
                                         "2024-13-01 (year-month-day)"),
    "d-year-0001": ("date_out_of_range", f"'3/4/0001' is 0001-04-03, {BEFORE_WINDOW}"),
    "d-negative": ("date_unparseable",
                   "'-1 days ago': a negative count of days ago is not a date in the past"),
    "long-place": ("malformed_row", "place is 10,001 characters long (limit 10,000)"),
    "long-quote": ("malformed_row", "quote is 100,001 characters long (limit 100,000)"),
    "j-big": ("invalid_count", f"killed: '{'9' * 20}' is too large to be a count"),
    "j-nan": ("invalid_count", "killed: 'NaN' is not a whole number"),
    "j-inf": ("invalid_count", "killed: 'Infinity' is not a whole number"),
    "j-sci": ("invalid_count", "killed: '1e9' is not a whole number"),
    "j-trillion": ("invalid_count",
                   "killed: '1000000000000' is above the ceiling of 100,000 per report"),
    "j-surrogate": ("malformed_row",
                    "place holds a lone surrogate (\\ud800-\\udfff), which is not Unicode"),
    "j-nested": ("malformed_row", "place is an object, not text or a number"),
    "j-array": ("malformed_row", "place is an array, not text or a number"),
    "j-bool": ("malformed_row", "event_type is a boolean, not text or a number"),
}
BASE = {"source": "AP", "published": "2024-01-05", "event_type": "drone strike",
        "date": "Thursday", "place": "Baghdad", "country": "Iraq"}
JSON_LINES = [
    json.dumps(dict(BASE, report_id="j-ok", killed=3)),
    json.dumps(dict(BASE, report_id="j-big")).replace("}", f', "killed": {"9" * 20}}}'),
    json.dumps(dict(BASE, report_id="j-nan")).replace("}", ', "killed": NaN}'),
    json.dumps(dict(BASE, report_id="j-inf")).replace("}", ', "killed": Infinity}'),
    json.dumps(dict(BASE, report_id="j-sci")).replace("}", ', "killed": 1e9}'),
    json.dumps(dict(BASE, report_id="j-trillion", killed=10**12)),
    json.dumps(dict(BASE, report_id="j-surrogate", place="\ud800")),
    json.dumps(dict(BASE, report_id="j-nested", place={"name": "Baghdad"})),
    json.dumps(dict(BASE, report_id="j-array", place=["Baghdad"])),
    json.dumps(dict(BASE, report_id="j-bool", event_type=True)),
]


def _hostile_folder(raw: Path) -> Path:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["report_id", "source", "published", "event_type", "date", "place", "country",
                     "killed", "troops", "quote"])
    for rid, (etype, when, place, published, killed, troops, quote) in CSV_ROWS.items():
        writer.writerow([rid, "AP", published, etype, when, place, "Syria" if rid == "big-troops"
                         else "Iraq", killed, troops, quote])
    (raw / "a.csv").write_text(buffer.getvalue(), encoding="utf-8")
    (raw / "b.jsonl").write_text("\n".join(JSON_LINES) + "\n", encoding="utf-8")
    return raw


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory) -> tuple[Path, object]:
    raw = _hostile_folder(tmp_path_factory.mktemp("hostile"))
    out = tmp_path_factory.mktemp("hostile-out") / "timeline"
    result = invoke("build", "--raw", str(raw), "--out", str(out), "--quiet")
    return out, result


def test_no_hostile_row_stops_the_build(hostile_build):
    out, result = hostile_build
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    raw_rows = len(CSV_ROWS) + len(JSON_LINES)
    assert result.stdout.startswith(f"published v1: 2 incidents from 3 reports ({len(EXPECTED)} "
                                    f"quarantined of {raw_rows} raw rows)")
    quarantine = pipeline.load("quarantine", root=out)
    got = {r.report_id: (r.reason, r.message) for r in quarantine.itertuples()}
    assert got == EXPECTED
    reports = pipeline.load("reports", root=out).set_index("report_id")
    assert sorted(reports.index) == ["half-dozen", "j-ok", "ok-1"]
    assert (reports.at["half-dozen", "killed_low"], reports.at["half-dozen", "killed_high"]) == (6, 6)


def test_a_quarantined_row_keeps_its_raw_text(hostile_build):
    out, _ = hostile_build
    quarantine = pipeline.load("quarantine", root=out).set_index("report_id")
    assert json.loads(quarantine.at["long-place", "raw"])["place"] == "x" * 10_001
    assert quarantine.at["j-surrogate", "raw"] == JSON_LINES[6]  # the line, escapes intact


def test_all_rows_quarantined_publishes_an_empty_version(raw, tmp_path):
    write(raw, "a.csv", "report_id,source,published,event_type,date,place\n"
                        "r1,AP,2024-01-05,attack,Thursday,Baghdad\n"
                        "r2,AP,tomorrow,airstrike,Thursday,Baghdad\n")
    out = tmp_path / "out"
    result = invoke("build", "--raw", str(raw), "--out", str(out), "--quiet")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("published v1: 0 incidents from 0 reports "
                                    "(2 quarantined of 2 raw rows)")
    assert pipeline.load("events", root=out).empty
    assert pipeline.load("quarantine", root=out)["reason"].tolist() == ["event_type_unknown",
                                                                         "date_unparseable"]


def test_no_row_past_the_reader_publishes_an_empty_version(raw, tmp_path):
    """A file of a header alone, and one whose one row the reader quarantines (too few
    fields): no row is left to normalize, key or reconcile, and an empty version is
    published."""
    write(raw, "a.csv", "report_id,source,published,event_type,date,place\n")
    write(raw, "b.csv", "report_id,source,published,event_type,date,place\nr1,AP,2024-01-05\n")
    out = tmp_path / "out"
    result = invoke("build", "--raw", str(raw), "--out", str(out), "--quiet")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("published v1: 0 incidents from 0 reports "
                                    "(1 quarantined of 1 raw rows)")
    assert pipeline.load("reports", root=out).empty and pipeline.load("events", root=out).empty
    assert pipeline.load("quarantine", root=out)["reason"].tolist() == ["malformed_row"]


# --- unreadable input stops the build with exit 2 and one line --------------------------------


def test_empty_raw_folder(raw, tmp_path):
    result = invoke("build", "--raw", str(raw), "--out", str(tmp_path / "out"))
    assert (result.exit_code, result.stderr) == (
        2, f"Error: no input files in {raw} (looked for *.csv and *.jsonl)\n")
    assert not (tmp_path / "out" / "LATEST").exists()


def test_symlink_out_of_the_raw_folder_is_refused(raw, tmp_path):
    outside = write(tmp_path / "elsewhere", "secret.csv", HEADER + ROW)
    write(raw, "a.csv", HEADER + ROW.replace("r1,", "r2,"))
    (raw / "sub").mkdir()
    (raw / "sub" / "link.csv").symlink_to(outside)
    result = invoke("build", "--raw", str(raw), "--out", str(tmp_path / "out"))
    assert (result.exit_code, result.stderr) == (
        2, "Error: sub/link.csv: is a symbolic link to a file outside the raw folder; "
           "copy the file into the raw folder instead\n")


def test_symlink_inside_the_raw_folder_is_read(raw):
    target = write(raw, "data/a.csv", HEADER + ROW)
    (raw / "b.txt").symlink_to(target)  # not an input name: ignored
    (raw / "link.csv").symlink_to(target)
    write(raw, "c.csv", HEADER + ROW.replace("r1,", "r3,"))
    batch = read_raw(raw)
    assert [f.path for f in batch.files] == ["c.csv", "data/a.csv", "link.csv"]
    assert [q["reason"] for q in batch.quarantine] == ["duplicate_report_id"]


def test_a_json_array_file_is_not_json_lines(raw, tmp_path):
    write(raw, "a.jsonl", "[\n" + json.dumps(dict(BASE, report_id="r1")) + ",\n"
          + json.dumps(dict(BASE, report_id="r2")) + "\n]\n")
    result = invoke("build", "--raw", str(raw), "--out", str(tmp_path / "out"))
    assert (result.exit_code, result.stderr) == (
        2, "Error: a.jsonl:1: not JSON Lines: the file is a JSON array; "
           "write one JSON object a line\n")


@pytest.mark.parametrize("second", ["DATE", " Date ", "date"])
def test_jsonl_keys_differing_only_in_case_are_rejected(raw, tmp_path, second):
    good = json.dumps(dict(BASE, report_id="r1"))
    bad = json.dumps(dict(BASE, report_id="r2"))[:-1] + f', "{second}": "Friday"}}'
    write(raw, "a.jsonl", good + "\n" + bad + "\n")
    with pytest.raises(InputError) as err:
        read_raw(raw)
    assert str(err.value) == ("a.jsonl:2: duplicate key(s) date "
                              "(keys match case-insensitively after trimming)")


def test_jsonl_line_breaks_inside_strings_do_not_split_rows(raw):
    write(raw, "a.jsonl", json.dumps(dict(BASE, report_id="r1", quote="one\u2028two\x85three"),
                                     ensure_ascii=False) + "\n"
          + json.dumps(dict(BASE, report_id="r2")) + "\r\n")
    batch = read_raw(raw)
    assert batch.rows["report_id"].tolist() == ["r1", "r2"]
    assert batch.rows["input_line"].tolist() == [1, 2]


def test_over_long_fields_never_reach_the_normalizers(raw, monkeypatch):
    build_module = sys.modules["pipeline.build"]
    write(raw, "a.csv", HEADER + ROW + ROW.replace("r1,", "r2,").replace("Baghdad", "y" * 5_000_000))
    seen = []
    real = build_module.normalize_places
    monkeypatch.setattr(build_module, "normalize_places",
                        lambda places, countries: seen.extend(places) or real(places, countries))
    batch = read_raw(raw)
    reports, quarantine = normalize(RawBatch(rows=batch.rows, quarantine=batch.quarantine))
    assert seen == ["Baghdad"]
    assert quarantine[["report_id", "reason", "message"]].values.tolist() == [
        ["r2", "malformed_row", "place is 5,000,000 characters long (limit 10,000)"]]


# --- nothing reads the wall clock ---------------------------------------------------------------


class _Clock:
    """The `datetime` class dateparser's modules and ours imported by name, replaced by one
    whose now() is `shift` away; and time.time() likewise."""

    @staticmethod
    def shifted(monkeypatch: pytest.MonkeyPatch, shift: dt.timedelta) -> None:
        real = dt.datetime

        class Shifted(real):
            @classmethod
            def now(cls, tz=None):  # noqa: ANN001, ANN206
                return real.now(tz) + shift

            @classmethod
            def today(cls):  # noqa: ANN206
                return real.today() + shift

            @classmethod
            def utcnow(cls):  # noqa: ANN206
                return real.now(dt.UTC).replace(tzinfo=None) + shift

        for name, module in list(sys.modules.items()):
            if name.split(".")[0] in ("dateparser", "pipeline") and name != "dateparser.conf" and getattr(
                    module, "datetime", None) is real:
                monkeypatch.setattr(module, "datetime", Shifted, raising=False)
        monkeypatch.setattr(time, "time", lambda t=time.time: t() + shift.total_seconds())


def test_two_builds_under_different_clocks_give_the_same_bytes(raw, tmp_path, monkeypatch):
    lines = [f"r{i},AP,{pub},drone strike,{when},Baghdad,Iraq,2,,\n" for i, (pub, when) in enumerate([
        ("2024-01-05", "Thursday"), ('"Jan 5, 2024 6:05 PM EST"', "yesterday"),
        ("tomorrow", "Thursday"), ("now", "today"), ("2 hours ago", "Thursday"),
        ("Thursday", "last month"), ("Jan 4", "Thursday")])]
    write(raw, "a.csv", HEADER + "".join(lines))
    digests = []
    for n, shift in enumerate([dt.timedelta(0), dt.timedelta(days=400, hours=7)]):
        with monkeypatch.context() as patched:
            _Clock.shifted(patched, shift)
            pipeline.build(raw, tmp_path / f"out{n}")
        folder = tmp_path / f"out{n}" / "versions" / "v1"
        digests.append({t: hashlib.sha256((folder / f"{t}.parquet").read_bytes()).hexdigest()
                        for t in ("events", "reports", "quarantine")})
    assert digests[0] == digests[1]
    quarantine = pipeline.load("quarantine", root=tmp_path / "out0")
    assert quarantine["report_id"].tolist() == ["r2", "r3", "r4", "r5", "r6"]
    assert set(quarantine["reason"]) == {"date_unparseable"}


# --- published files are checked, never trusted blindly -----------------------------------------

SMALL = HEADER + ROW + "r2,AP,2024-01-05,airstrike,Wednesday,Erbil,Iraq,1,,\n"


@pytest.fixture(scope="module")
def two_versions(tmp_path_factory) -> Path:
    """v1 from one file, v2 after a second file: an output folder tests copy and damage."""
    base = tmp_path_factory.mktemp("two")
    raw, out = base / "raw", base / "out"
    write(raw, "a.csv", SMALL)
    assert pipeline.build(raw, out).version == "v1"
    write(raw, "b.csv", HEADER + "r3,AP,2024-01-12,drone strike,Thursday,Kirkuk,Iraq,,,\n")
    assert pipeline.build(raw, out).version == "v2"
    return base


@pytest.fixture
def copy(two_versions, tmp_path) -> tuple[Path, Path]:
    shutil.copytree(two_versions, tmp_path / "c")
    return tmp_path / "c" / "raw", tmp_path / "c" / "out"


def _flip(path: Path, at: int = -100) -> None:
    data = bytearray(path.read_bytes())
    data[at] ^= 0x01
    path.write_bytes(bytes(data))


def test_load_and_show_refuse_a_changed_file(copy):
    _, out = copy
    _flip(out / "versions" / "v2" / "events.parquet")
    with pytest.raises(IntegrityError) as err:
        pipeline.load("events", root=out)
    assert str(err.value) == (
        "v2/events.parquet: sha256 does not match datapackage.json; the published file was "
        "changed or damaged (`conflict-timeline validate v2` checks every file; rebuild or "
        "restore it)")
    assert len(pipeline.load("reports", root=out)) == 3  # the other files are intact
    result = invoke("show", "ct-000000000000", "--out", str(out))
    assert (result.exit_code, result.stderr) == (2, f"Error: {err.value}\n")


def test_validate_notices_a_removed_resource_and_wrong_row_counts(copy):
    _, out = copy
    path = out / "versions" / "v2" / "datapackage.json"
    d = json.loads(path.read_text())
    d["resources"] = [r for r in d["resources"] if r["name"] != "quarantine"]
    next(r for r in d["resources"] if r["name"] == "events")["rows"] += 1
    path.write_text(json.dumps(d))
    result = invoke("validate", "v2", "--out", str(out))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "Error: quarantine: resource listed in datapackage.json failed for 1 row(s) "
        "(e.g. quarantine.parquet)",
        "Error: events.events.parquet: row count matches datapackage.json failed for 1 row(s) "
        "(e.g. recorded 4, found 3)",
        "Error: v2: 2 of 4 expectations failed"]


# --- recovery from a stopped build or a damaged LATEST ------------------------------------------


def test_an_orphan_version_is_adopted(copy):
    raw, out = copy
    (out / "LATEST").write_text("v1\n")  # killed after moving v2 into place, before LATEST
    assert pipeline.versions(out)["version"].tolist() == ["v1"]  # never lists an unpublished one
    result = invoke("build", "--raw", str(raw), "--out", str(out), "--quiet")
    assert (result.exit_code, result.stdout) == (0, "unchanged: v2\n")
    assert result.stderr == ("Note: adopted v2: a build wrote it completely but was stopped "
                             "before naming it in LATEST\n")
    assert (out / "LATEST").read_text() == "v2\n"
    assert pipeline.versions(out)["version"].tolist() == ["v1", "v2"]


def test_an_orphan_version_that_is_not_complete_is_removed(copy):
    raw, out = copy
    (out / "LATEST").write_text("v1\n")
    _flip(out / "versions" / "v2" / "reports.parquet")
    result = pipeline.build(raw, out)
    assert result.notes == ["removed v2: an unpublished version a stopped build left behind"]
    assert (result.status, result.version) == ("published", "v2")
    assert json.loads((out / "versions" / "v2" / "datapackage.json").read_text())["parent"] == "v1"


@pytest.mark.parametrize(("latest", "what"), [
    ("v9\n", "names 'v9', which is not a complete version"), ("", "was empty"),
    ("garbage", "names 'garbage', which is not a complete version")])
def test_a_bad_latest_is_recovered_from_the_newest_complete_version(copy, latest, what):
    raw, out = copy
    (out / "LATEST").write_text(latest)
    with pytest.raises(UsageError) as err:
        pipeline.load("events", root=out)
    assert str(err.value) == (f"{out / 'LATEST'} names {latest.strip()!r}, which is not a "
                              "published version; run `conflict-timeline build` to recover the "
                              "newest complete version")
    result = pipeline.build(raw, out)
    assert result.notes == [f"LATEST {what}; recovered v2, the newest complete version"]
    assert (result.status, result.version) == ("unchanged", "v2")
    assert len(pipeline.load("events", root=out)) == 3


# --- the output folder is probed before any work -------------------------------------------------


@pytest.mark.parametrize(("code", "strerror", "advice"), [
    (errno.EROFS, "Read-only file system", "choose a writable --out"),
    (errno.EACCES, "Permission denied", "choose a writable --out"),
    (errno.ENOSPC, "No space left on device", "free some space or choose another --out")])
def test_an_unwritable_output_is_reported_before_the_build(raw, tmp_path, monkeypatch, code,
                                                          strerror, advice):
    import builtins

    write(raw, "a.csv", SMALL)
    real_open = builtins.open

    def failing_open(path, *args, **kwargs):  # noqa: ANN001, ANN202
        if ".probe-" in str(path):
            raise OSError(code, strerror)
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(sys.modules["pipeline.publish"], "open", failing_open, raising=False)
    monkeypatch.setattr(sys.modules["pipeline.build"], "read_raw",
                        lambda *a, **k: pytest.fail("the build ran before the probe"))
    out = tmp_path / "out"
    result = invoke("build", "--raw", str(raw), "--out", str(out))
    assert (result.exit_code, result.stderr) == (
        2, f"Error: cannot write to {out}: {strerror}; {advice}\n")
    assert not list(out.glob(".probe-*"))


@pytest.mark.slow
def test_dask_workers_stay_silent_on_an_unreadable_file(raw, tmp_path):
    write(raw, "a.csv", HEADER.encode() + b"r1,Agence,2024-01-05,frappe,jeudi,Bagdad,Irak,\xe9,,\n")
    done = subprocess.run([sys.executable, "-m", "pipeline", "build", "--raw", str(raw), "--out",
                           str(tmp_path / "out"), "--engine", "dask", "--quiet"],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == "Error: a.csv:2: not UTF-8 (byte 0xe9)\n"
