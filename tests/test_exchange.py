"""ACLED and UCDP in and out (issue 15): the crosswalk, exports, imports and the round trip.

The ACLED- and UCDP-shaped inputs are the synthetic, format-only fixtures of tests/data/
(`acled_format_sample.csv`, `ucdp_format_sample.csv`): invented rows in the datasets' column
layouts, no row of either dataset.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import pipeline
from pipeline.cli import app
from pipeline.exchange import (
    ACLED_COLUMNS,
    EXTENSION_COLUMNS,
    UCDP_COLUMNS,
    UCDP_REQUIRED,
    acled_to_raw,
    crosswalk,
)
from pipeline.schema import DATE_PRECISIONS, EVENT_TYPES, GEO_PRECISIONS
from tests.conftest import SAMPLE

DATA = Path(__file__).parent / "data"
ACLED_FIXTURE = DATA / "acled_format_sample.csv"
UCDP_FIXTURE = DATA / "ucdp_format_sample.csv"
runner = CliRunner()
BAGHDAD = "ct-39a80ac21399"  # the 4 January 2024 Baghdad strike of the embedded sample


def invoke(*args: str):
    return runner.invoke(app, [str(a) for a in args])


def _csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


# --- the crosswalk ---------------------------------------------------------------------------


@pytest.mark.parametrize(("dataset", "field", "codes"), [
    ("ACLED", "time_precision", ["1", "2", "3"]),
    ("ACLED", "geo_precision", ["1", "2", "3"]),
    ("UCDP GED", "date_prec", ["1", "2", "3", "4", "5"]),
    ("UCDP GED", "where_prec", ["1", "2", "3", "4", "5", "6", "7"]),
    ("UCDP GED", "type_of_violence", ["1", "2", "3"]),
])
def test_crosswalk_reads_every_code_of_the_codebooks(dataset, field, codes):
    known = sorted(k[2] for k in crosswalk().to_ours if k[:2] == (dataset, field))
    assert known == codes


@pytest.mark.parametrize(("dataset", "field", "ours"), [
    ("ACLED", "time_precision", DATE_PRECISIONS), ("ACLED", "geo_precision", GEO_PRECISIONS),
    ("UCDP GED", "date_prec", DATE_PRECISIONS), ("UCDP GED", "where_prec", GEO_PRECISIONS),
])
def test_crosswalk_writes_every_value_of_ours(dataset, field, ours):
    assert all(crosswalk().to_theirs.get((dataset, field, v)) for v in ours)


def test_crosswalk_precision_meanings():
    w = crosswalk()
    assert [w.to_ours[("ACLED", "time_precision", c)] for c in "123"] == ["day", "week", "month"]
    assert [w.to_ours[("ACLED", "geo_precision", c)] for c in "123"] == ["point", "near", "admin1"]
    assert [w.to_ours[("UCDP GED", "date_prec", c)] for c in "12345"] == list(DATE_PRECISIONS)
    assert [w.to_ours[("UCDP GED", "where_prec", c)] for c in "1234567"] == [
        "point", "near", "admin2", "admin1", "country", "country", "country"]
    assert w.to_ours[("UCDP GED", "type_of_violence", "3")] == ""  # no event type of ours


def test_crosswalk_agrees_with_the_event_type_table():
    """Our types → ACLED sub-event types is also in event_types.csv (events carry it)."""
    table = pd.read_csv(Path(pipeline.__file__).parent / "data" / "event_types.csv")
    mapped = dict(zip(table["event_type"], table["acled_sub_event_type"], strict=True))
    assert {t: crosswalk().to_theirs[("ACLED", "sub_event_type", t)] for t in EVENT_TYPES} == \
        mapped


# --- export ----------------------------------------------------------------------------------


def test_export_acled(sample_build, tmp_path):
    out = tmp_path / "acled.csv"
    result = invoke("export", "--format", "acled", "--out", sample_build, "-o", out)
    assert (result.exit_code, result.stdout) == (0, f"wrote 53 incidents as acled to {out}\n")
    rows = _csv(out)
    assert list(rows[0]) == ACLED_COLUMNS + EXTENSION_COLUMNS and len(rows) == 53
    row = next(r for r in rows if r["event_id_cnty"] == BAGHDAD)
    assert {k: row[k] for k in ("event_date", "year", "time_precision", "event_type",
                                "sub_event_type", "iso", "country", "admin1", "location",
                                "latitude", "longitude", "geo_precision", "fatalities",
                                "timestamp")} == {
        "event_date": "2024-01-04", "year": "2024", "time_precision": "1",
        "event_type": "Explosions/Remote violence", "sub_event_type": "Air/drone strike",
        "iso": "368", "country": "Iraq", "admin1": "Baghdad", "location": "Baghdad",
        "latitude": "33.34058", "longitude": "44.40088", "geo_precision": "1",
        "fatalities": "2", "timestamp": "1704362280"}
    assert row["notes"].startswith(f"Conflict Timeline incident {BAGHDAD}: Baghdad, drone "
                                   "strike. Sources: Iraqi police and security sources; ")
    week = next(r for r in rows if r["event_id_cnty"] == "ct-a56ff68fb2c2")  # 13-19 November
    assert (week["event_date"], week["time_precision"]) == ("2023-11-16", "2")


def test_export_ucdp(sample_build, tmp_path):
    out = tmp_path / "ucdp.csv"
    assert invoke("export", "--format", "ucdp", "--out", sample_build, "-o", out).exit_code == 0
    rows = _csv(out)
    assert list(rows[0]) == UCDP_COLUMNS + EXTENSION_COLUMNS
    row = next(r for r in rows if r["id"] == BAGHDAD)
    assert {k: row[k] for k in ("date_start", "date_end", "date_prec", "where_prec", "adm_1",
                                "best", "low", "high", "type_of_violence")} == {
        "date_start": "2024-01-04", "date_end": "2024-01-04", "date_prec": "1",
        "where_prec": "1", "adm_1": "Baghdad", "best": "2", "low": "2", "high": "4",
        "type_of_violence": ""}


def test_export_geojson(sample_build, tmp_path):
    out = tmp_path / "events.geojson"
    assert invoke("export", "--format", "geojson", "--version", "v1", "--out", sample_build,
                  "-o", out).exit_code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection" and len(data["features"]) == 53
    feature = next(f for f in data["features"] if f["id"] == BAGHDAD)
    assert feature["geometry"] == {"type": "Point", "coordinates": [44.40088, 33.34058]}
    props = feature["properties"]
    assert (props["date"], props["first_reported"], props["killed_high"], props["troops"]) == (
        "2024-01-04", "2024-01-04T00:00:00Z", 4, None)
    assert props["sources"][:2] == ["Iraqi police and security sources", "Iraqi police source"]
    assert "geometry" not in props


def test_export_flat_csv(sample_build, tmp_path):
    out = tmp_path / "events.csv"
    assert invoke("export", "--format", "csv", "--out", sample_build, "-o", out).exit_code == 0
    rows = _csv(out)
    row = next(r for r in rows if r["incident_id"] == BAGHDAD)
    assert row["report_ids"].startswith("alarabiya-ar-2024-01-04-01; dailysabah-2024-01-04-01; ")
    assert (row["killed_best"], row["troops"], row["date"]) == ("2", "", "2024-01-04")
    assert "geometry" not in row


@pytest.mark.parametrize(("args", "message"), [
    (["--format", "shp"], "Error: unknown export format 'shp': choose one of acled, ucdp, "
                          "geojson, csv\n"),
    (["--format", "csv", "--version", "v9"], "Error: no version 'v9' in {out} (versions: v1)\n"),
])
def test_export_bad_usage(sample_build, tmp_path, args, message):
    result = invoke("export", *args, "--out", sample_build, "-o", tmp_path / "x.csv")
    assert (result.exit_code, result.stderr) == (2, message.format(out=sample_build))
    assert not (tmp_path / "x.csv").exists()


def test_export_to_an_unwritable_path(sample_build, tmp_path):
    target = tmp_path / "missing" / "x.csv"
    result = invoke("export", "--format", "csv", "--out", sample_build, "-o", target)
    assert (result.exit_code, result.stderr) == (
        2, f"Error: cannot write {target}: No such file or directory\n")


# --- import ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """Both fixtures imported into one raw folder and built."""
    root = tmp_path_factory.mktemp("imported")
    for dataset, path in (("acled", ACLED_FIXTURE), ("ucdp", UCDP_FIXTURE)):
        result = invoke("import", dataset, path, "--raw", root / "raw")
        assert result.exit_code == 0, result.output
    pipeline.build(root / "raw", root / "out")
    return root


def test_import_writes_the_raw_contract(imported):
    rows = _csv(imported / "raw" / "acled-acled_format_sample.csv")
    first = rows[0]
    assert {k: first[k] for k in ("report_id", "source", "published", "event_type", "date",
                                  "place", "country", "killed", "latitude", "longitude",
                                  "admin1", "admin2", "geo_precision")} == {
        "report_id": "acled:IRQ90001", "source": "ACLED", "published": "2024-01-05T00:00:00Z",
        "event_type": "armed_clash", "date": "2024-01-04", "place": "Hawija",
        "country": "Iraq", "killed": "3", "latitude": "35.3200", "longitude": "43.7700",
        "admin1": "Kirkuk", "admin2": "Hawija", "geo_precision": "point"}
    assert first["quote"].startswith("Synthetic test row: on 4 January 2024")
    ucdp = _csv(imported / "raw" / "ucdp-ucdp_format_sample.csv")
    assert (ucdp[1]["report_id"], ucdp[1]["source"], ucdp[1]["date"]) == (
        "ucdp:990002", "UCDP GED", "2019-03-01/2019-03-04")


def test_imported_rows_keep_their_coded_dates_and_places(imported):
    reports = pipeline.load("reports", root=imported / "out").set_index("report_id")
    got = {rid: (str(r.date_start), str(r.date_end), r.date_precision,
                 None if pd.isna(r.admin1) else r.admin1, r.geo_precision, r.place_method)
           for rid, r in reports.iterrows()}
    assert got == {
        "acled:IRQ90001": ("2024-01-04", "2024-01-04", "day", "Kirkuk", "point", "source"),
        "acled:YEM90002": ("2024-02-10", "2024-02-10", "day", "Al Hudaydah", "point", "source"),
        # time_precision 2: the 7 days around event_date; 3: its calendar month
        "acled:IRQ90003": ("2024-01-14", "2024-01-20", "week", "Anbar", "near", "source"),
        "acled:SYR90004": ("2024-03-01", "2024-03-31", "month", "Deir ez-Zor", "admin1", "source"),
        # an admin1 no gazetteer knows: the one of the point
        "acled:YEM90010": ("2024-02-20", "2024-02-20", "day", "Amanat al Asimah", "point",
                           "source"),
        "ucdp:990001": ("2024-01-04", "2024-01-04", "day", "Kirkuk", "point", "source"),
        "ucdp:990002": ("2019-03-01", "2019-03-04", "days", "Deir ez-Zor", "near", "source"),
        "ucdp:990003": ("2019-05-06", "2019-05-12", "week", "Nineveh", "admin2", "source"),
        "ucdp:990004": ("2019-07-01", "2019-07-20", "month", "Diyala", "admin1", "source"),
        "ucdp:990005": ("2019-01-01", "2019-06-30", "year", None, "country", "source"),
        "ucdp:990006": ("2019-08-02", "2019-08-02", "day", None, "country", "source"),
    }
    hawija = reports.loc["acled:IRQ90001"]
    assert (hawija["latitude"], hawija["longitude"], hawija["iso3"]) == (35.32, 43.77, "IRQ")


def test_an_event_both_datasets_coded_is_one_incident(imported):
    events = pipeline.load("events", root=imported / "out")
    assert len(events) == 10  # 11 reports: one ACLED and one UCDP row of one clash
    both = events[events["source_count"] == 2].iloc[0]
    assert list(both["sources"]) == ["ACLED", "UCDP GED"]
    assert list(both["report_ids"]) == ["ucdp:990001", "acled:IRQ90001"]  # by publication
    assert (both["killed_low"], both["killed_best"], both["killed_high"]) == (3, 3, 4)


def test_bad_coded_rows_go_to_quarantine_with_a_reason(imported):
    q = pipeline.load("quarantine", root=imported / "out").set_index("report_id")
    assert {rid: (r.reason, r.message) for rid, r in q.iterrows()} == {
        "acled:YEM90005": ("place_unresolved",
                           "the point 33.3406, 44.4009 given for 'Sanaa' lies outside Yemen"),
        "acled:IRQ90006": ("place_unresolved", "latitude 'abc' is not a number from -90 to 90"),
        "acled:IRQ90007": ("place_unresolved", "latitude '123' is not a number from -90 to 90"),
        "acled:IRQ90008": ("place_unresolved", "geo_precision 'ACLED geo_precision 4 (not one "
                           "of 1, 2, 3)' is not one of point, near, admin2, admin1, country"),
        "acled:IRQ90009": ("date_unparseable",
                           "cannot read a date in 'ACLED time_precision 5 (not one of 1, 2, 3)'"),
        "ucdp:990007": ("place_unresolved",
                        "the point 14.5, 41.5 given for 'Red Sea' lies outside Yemen"),
        "ucdp:990008": ("event_type_unknown",
                        "unknown event type 'one-sided violence (UCDP type_of_violence 3)'"),
        "ucdp:990009": ("date_unparseable", "cannot read a date in 'UCDP GED date_prec 7 (not "
                        "one of 1, 2, 3, 4, 5)'"),
    }


@pytest.mark.parametrize(("dataset", "fixture", "expected"), [
    ("acled", ACLED_FIXTURE, {"rows": 10, "reports": 5, "quarantined": 5, "lost": [],
                              "incidents_of_several_rows": 0, "admin1_rows": 5,
                              "admin1_agree": 4, "admin1_unknown_names": 1,
                              "point_rows": 5, "points_within_1km": 5}),
    ("ucdp", UCDP_FIXTURE, {"rows": 9, "reports": 6, "quarantined": 3, "lost": [],
                            "incidents_of_several_rows": 0, "admin1_rows": 4,
                            "admin1_agree": 4, "admin1_unknown_names": 0,
                            "point_rows": 6, "points_within_1km": 6}),
])
def test_a_coded_export_scored_against_itself(dataset, fixture, expected):
    """`benchmarks.coded_agreement`, the measure to run on a real export: nothing lost, one
    incident per coded event, admin1 compared as units (the fixture's one unknown admin1,
    `Nowhere`, cannot agree: its point gives Amanat al Asimah), points within 1 km."""
    from benchmarks.coded_agreement import agreement

    result = agreement(dataset, fixture)
    assert {k: result[k] for k in expected} == expected
    if dataset == "acled":
        assert result["admin1_misses"] == [
            {"id": "YEM90010", "admin1": "Nowhere", "ours": "Amanat al Asimah"}]


def test_ucdp_as_its_csv_writes_it(tmp_path):
    """What the real GED CSV does (found running `benchmarks.coded_agreement` on a GED 23.1
    sample and the GED Syria release): days written as midnight timestamps, `Yemen (North
    Yemen)` and `Turkey` as country names, the Gaza Strip coded under Israel, a road
    (where_prec 5) inside the province it names. The rows are synthetic, in that layout."""
    header = ("id,type_of_violence,side_a,side_b,source_article,where_prec,where_coordinates,"
              "adm_1,adm_2,latitude,longitude,country,date_prec,date_start,date_end,best,low,"
              "high\n")
    rows = [
        "1,1,Government of Yemen (North Yemen),AQAP,Synthetic,1,Zinjibar town,Abyan governorate,"
        ",13.1281,45.3806,Yemen (North Yemen),1,2017-09-11 00:00:00.000,2017-09-12 00:00:00.000,"
        "2,2,2",
        "2,1,Government of Turkey,PKK,Synthetic,1,Cizre town,Şırnak province,,37.3272,42.1903,"
        "Turkey,1,2016-02-01 00:00:00.000,2016-02-01 00:00:00.000,1,1,1",
        "3,1,Government of Israel,Hamas,Synthetic,1,Khan Yunis town,Gaza Strip,,31.3462,34.3063,"
        "Israel,1,2014-07-20 00:00:00.000,2014-07-20 00:00:00.000,3,3,3",
        "4,1,Government of Syria,IS,Synthetic,5,Ithriya-Tabqa road,Ar Raqqah governorate,,"
        "35.5626,38.4259,Syria,1,2017-06-01 00:00:00.000,2017-06-01 00:00:00.000,4,4,4",
    ]
    export = tmp_path / "ged.csv"
    export.write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    assert invoke("import", "ucdp", export, "--raw", tmp_path / "raw").exit_code == 0
    pipeline.build(tmp_path / "raw", tmp_path / "out")
    assert pipeline.load("quarantine", root=tmp_path / "out").empty
    reports = pipeline.load("reports", root=tmp_path / "out").set_index("report_id")
    got = {rid: (r.iso3, r.admin1, r.geo_precision, str(r.date_start), str(r.date_end))
           for rid, r in reports.iterrows()}
    assert got == {
        "ucdp:1": ("YEM", "Abyan", "point", "2017-09-11", "2017-09-12"),
        "ucdp:2": ("TUR", "Sirnak", "point", "2016-02-01", "2016-02-01"),
        "ucdp:3": ("PSE", "Gaza Strip", "point", "2014-07-20", "2014-07-20"),
        "ucdp:4": ("SYR", "Raqqa", "admin1", "2017-06-01", "2017-06-01"),
    }


def test_import_missing_column_names_it_and_the_file(tmp_path):
    bad = tmp_path / "acled-export.csv"
    lines = ACLED_FIXTURE.read_text(encoding="utf-8").splitlines()
    bad.write_text("\n".join([lines[0].replace(",notes,", ",remarks,"), *lines[1:]]) + "\n",
                   encoding="utf-8")
    result = invoke("import", "acled", bad, "--raw", tmp_path / "raw")
    assert (result.exit_code, result.stderr) == (
        2, "Error: acled-export.csv:1: missing ACLED column(s) notes\n")
    assert not (tmp_path / "raw").exists()


def test_import_bad_usage(tmp_path):
    result = invoke("import", "gtd", ACLED_FIXTURE, "--raw", tmp_path)
    assert (result.exit_code, result.stderr) == (
        2, "Error: unknown dataset 'gtd': choose one of acled, ucdp\n")


def test_import_never_overwrites_other_rows(tmp_path):
    raw = tmp_path / "raw"
    assert invoke("import", "ucdp", UCDP_FIXTURE, "--raw", raw).exit_code == 0
    again = invoke("import", "ucdp", UCDP_FIXTURE, "--raw", raw)  # the same rows: a no-op
    assert (again.exit_code, again.stdout) == (
        0, f"wrote 9 reports to {raw / 'ucdp-ucdp_format_sample.csv'}\n")
    other = tmp_path / "ucdp_format_sample.csv"
    other.write_text("\n".join(UCDP_FIXTURE.read_text(encoding="utf-8").splitlines()[:3]) + "\n",
                     encoding="utf-8")
    result = invoke("import", "ucdp", other, "--raw", raw)
    assert (result.exit_code, result.stderr) == (
        2, f"Error: {raw / 'ucdp-ucdp_format_sample.csv'} exists with other rows; remove it or "
           "import into another --raw folder (raw files are never overwritten)\n")


# --- hostile input: an error naming the file and line, or the row kept for the build ------


def _fixture_rows(path: Path = ACLED_FIXTURE) -> tuple[list[str], list[list[str]]]:
    with open(path, encoding="utf-8", newline="") as fh:
        header, *rows = list(csv.reader(fh))
    return header, rows


def _acled_row(header: list[str], base: list[str], **values: str) -> list[str]:
    """A fixture row (invented) with some of its values replaced."""
    row = list(base)
    for column, value in values.items():
        row[header.index(column)] = value
    return row


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows([header, *rows])
    return path


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """One ACLED-shaped file of a good row and rows the import cannot convert as they stand,
    imported with the CLI and built."""
    root = tmp_path_factory.mktemp("hostile")
    header, rows = _fixture_rows()
    good = rows[0]  # IRQ90001, 4 January 2024, coded 1704412800 (5 January)
    notes = header.index("notes")
    long = _acled_row(header, good, event_id_cnty="IRQ90012")
    long[notes:notes + 1] = ["Synthetic test row: on 4 January 2024", " soldiers clashed"]
    _write_csv(root / "hostile.csv", header, [
        good,
        ["IRQ90011", "2024-01-04", "2024"],  # line 3: cut short
        long,  # line 4: an unquoted comma in notes, one field too many
        _acled_row(header, good, event_id_cnty="IRQ90013", event_date="0001-01-01",
                   time_precision="2"),  # its week runs off the calendar
        _acled_row(header, good, event_id_cnty="IRQ90014", event_date="9999-12-31",
                   time_precision="3", timestamp="99999999999999999"),
        _acled_row(header, good, event_id_cnty="IRQ90015", timestamp="²"),
    ])
    result = runner.invoke(app, ["import", "acled", str(root / "hostile.csv"),
                                 "--raw", str(root / "raw")])
    pipeline.build(root / "raw", root / "out")
    return root, result


def test_a_row_of_more_or_fewer_fields_is_written_for_the_build_to_quarantine(hostile):
    """A short or long row cannot be read as columns (which field is missing or surplus?):
    it is written as it was read, for the build to quarantine as malformed_row, as the build
    quarantines such a row of a raw file; the import says so and goes on."""
    root, result = hostile
    assert result.exit_code == 0
    assert result.stdout == f"wrote 6 reports to {root / 'raw' / 'acled-hostile.csv'}\n"
    assert result.stderr == (
        "Note: hostile.csv:3: 3 fields, header has 31; written for the build to quarantine "
        "(malformed_row)\n"
        "Note: hostile.csv:4: 32 fields, header has 31; written for the build to quarantine "
        "(malformed_row)\n")
    with open(root / "raw" / "acled-hostile.csv", encoding="utf-8", newline="") as fh:
        header, *rows = list(csv.reader(fh))
    assert header[:3] == ["report_id", "source", "coded_row"]
    assert [len(r) for r in rows] == [len(header), 3, 3, len(header), len(header), len(header)]
    assert rows[1][:2] == ["acled:IRQ90011", "ACLED"]
    assert json.loads(rows[1][2]) == {"file": "hostile.csv", "line": 3,
                                      "problem": "3 fields, header has 31",
                                      "fields": ["IRQ90011", "2024-01-04", "2024"]}
    long = json.loads(rows[2][2])
    assert (long["line"], long["problem"], len(long["fields"])) == (
        4, "32 fields, header has 31", 32)
    q = pipeline.load("quarantine", root=root / "out").set_index("report_id")
    assert {rid: (r.reason, r.message, r.input_line) for rid, r in q.iterrows()} == {
        "acled:IRQ90011": ("malformed_row", f"expected {len(header)} fields, found 3", 3),
        "acled:IRQ90012": ("malformed_row", f"expected {len(header)} fields, found 3", 4),
        "acled:IRQ90013": ("date_out_of_range",
                           "'0001-01-01' is 0001-01-01, before the supported window "
                           "(from 1990-01-01)", 5),
        "acled:IRQ90014": ("date_out_of_range",
                           "published 9999-12-31 is outside the supported window 1990-01-01 to "
                           "2100-12-31", 6),  # its month, and its timestamp read as absent
    }
    assert json.loads(q.loc["acled:IRQ90011", "raw"]) == {
        "report_id": "acled:IRQ90011", "source": "ACLED", "coded_row": rows[1][2]}
    reports = pipeline.load("reports", root=root / "out")
    assert sorted(reports["report_id"]) == ["acled:IRQ90001", "acled:IRQ90015"]
    assert len(reports) + len(q) == 6  # raw rows = reports + quarantine: none lost


@pytest.mark.parametrize(("event_date", "precision", "date"), [
    ("2024-01-17", "2", "2024-01-14/2024-01-20"),
    ("0001-01-04", "2", "0001-01-01/0001-01-07"),  # the first week Python's calendar holds
    ("0001-01-03", "2", "0001-01-03"),  # a week off the calendar: as coded, as garbage is
    ("9999-12-29", "2", "9999-12-29"),
    ("garbage", "2", "garbage"),
    ("0001-01-01", "3", "0001-01-01/0001-01-31"),
    ("9999-12-31", "3", "9999-12-01/9999-12-31"),
    ("2024-02-10", "3", "2024-02-01/2024-02-29"),
])
def test_an_acled_date_at_the_ends_of_the_calendar_is_written_not_raised(event_date, precision,
                                                                        date):
    """Week and month arithmetic never overflows: a day whose week cannot be written is
    written as coded, and the build quarantines it (date_out_of_range)."""
    header, rows = _fixture_rows()
    row = dict(zip(header, _acled_row(header, rows[0], event_date=event_date,
                                      time_precision=precision), strict=True))
    assert acled_to_raw(row)["date"] == date


@pytest.mark.parametrize(("timestamp", "published"), [
    ("1704412800", "2024-01-05T00:00:00Z"),
    ("253402300799", "9999-12-31T23:59:59Z"),  # the last second Python holds
    # no time at all: the event's last day, as for a blank or non-numeric timestamp
    ("", "2024-01-04"),
    ("abc", "2024-01-04"),
    ("253402300800", "2024-01-04"),
    ("99999999999999999", "2024-01-04"),
    ("9" * 5000, "2024-01-04"),  # past int()'s limit on digits
    ("²", "2024-01-04"),  # str.isdigit: True; int(): ValueError
    ("١٧٠٤٤١٢٨٠٠", "2024-01-04"),  # Arabic-Indic digits: not how ACLED writes a number
    ("-1", "2024-01-04"),
])
def test_an_acled_timestamp_that_is_no_time_is_read_as_absent(timestamp, published):
    header, rows = _fixture_rows()
    row = dict(zip(header, _acled_row(header, rows[0], timestamp=timestamp), strict=True))
    assert acled_to_raw(row)["published"] == published


def test_an_unterminated_quote_stops_the_import_naming_its_line(tmp_path):
    """The quote would swallow the rows after it into one field (3 rows read as 1): strict
    CSV, as `build` reads, stops the import at the row where it opens."""
    header, rows = _fixture_rows()
    path = tmp_path / "swallow.csv"
    lines = [",".join(header), ",".join(rows[1]), ",".join(rows[2]), ",".join(rows[3])]
    lines[1] = lines[1].replace(",1707782400", ',"1707782400')  # YEM90002 has no quoted notes
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = invoke("import", "acled", path, "--raw", tmp_path / "raw")
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", (
        "Error: swallow.csv:2: not valid CSV (unexpected end of data): the row that begins "
        "here runs to line 4 (a quote never closed?)\n"))
    assert not (tmp_path / "raw").exists()


def test_a_quote_followed_by_text_stops_the_import_naming_its_line(tmp_path):
    header, rows = _fixture_rows()
    path = tmp_path / "quote.csv"
    text = "\n".join([",".join(header), ",".join(rows[1]).replace(",Al Hawak,", ',"Al" Hawak,')])
    path.write_text(text + "\n", encoding="utf-8")
    result = invoke("import", "acled", path, "--raw", tmp_path / "raw")
    assert (result.exit_code, result.stderr) == (
        2, "Error: quote.csv:2: not valid CSV (',' expected after '\"')\n")
    assert not (tmp_path / "raw").exists()


@pytest.mark.parametrize(("dataset", "edit", "message"), [
    ("acled", lambda h: h.replace(",tags,", ",notes,"),
     "export.csv:1: duplicate column(s) notes"),
    ("acled", lambda h: h.replace(",tags,", ", Notes ,"),
     "export.csv:1: duplicate column(s) notes"),
    ("acled", lambda h: "", "export.csv:1: empty file: no header row"),
    ("ucdp", lambda h: h.replace(",date_prec,", ",precision,"),
     "export.csv:1: missing UCDP GED column(s) date_prec"),
])
def test_a_header_the_import_cannot_read_stops_it(tmp_path, dataset, edit, message):
    """As `build` refuses a raw file with two columns of one name: which would be meant?"""
    fixture = ACLED_FIXTURE if dataset == "acled" else UCDP_FIXTURE
    header, *rows = fixture.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "export.csv"
    path.write_text("\n".join([edit(header), *rows]) if edit(header) else "", encoding="utf-8")
    result = invoke("import", dataset, path, "--raw", tmp_path / "raw")
    assert (result.exit_code, result.stderr) == (2, f"Error: {message}\n")
    assert not (tmp_path / "raw").exists()


def test_the_columns_an_import_does_not_read_are_kept_in_extra(imported):
    """Every column of the export the import does not require is carried under the dataset's
    name for it, which the build keeps in the report's `extra` (blank values left out)."""
    reports = pipeline.load("reports", root=imported / "out").set_index("report_id")
    assert json.loads(reports.loc["acled:IRQ90001", "extra"]) == {
        "acled_disorder_type": "Political violence", "acled_event_type": "Battles",
        "acled_inter1": "1", "acled_inter2": "2", "acled_interaction": "12", "acled_iso": "368",
        "acled_region": "Middle East", "acled_source_scale": "National",
        "acled_timestamp": "1704412800", "acled_year": "2024", "coded_date_precision": "1",
        "coded_event_type": "Armed clash", "coded_geo_precision": "1",
        "coded_sources": "Synthetic Wire"}
    extra = json.loads(reports.loc["ucdp:990001", "extra"])
    assert {k: extra[k] for k in ("ucdp_relid", "ucdp_conflict_name", "ucdp_where_description",
                                  "coded_low", "coded_high")} == {
        "ucdp_relid": "SYN-2024-1-990001-1", "ucdp_conflict_name": "Iraq: Government",
        "ucdp_where_description": "Hawija town (Kirkuk)", "coded_low": "3", "coded_high": "4"}
    header, rows = _fixture_rows(UCDP_FIXTURE)
    values = dict(zip(header, rows[0], strict=True))
    assert {k for k in extra if k.startswith("ucdp_")} == {
        f"ucdp_{c}" for c, v in values.items() if c not in UCDP_REQUIRED and v}


# --- the round trip --------------------------------------------------------------------------


def _same(a: object, b: object) -> bool:
    return (pd.isna(a) and pd.isna(b)) if (pd.isna(a) or pd.isna(b)) else a == b


@pytest.mark.parametrize("dataset", ["acled", "ucdp"])
def test_an_export_imported_rebuilds_the_same_incidents(sample_build, tmp_path, dataset):
    """Export → import → build: one incident per exported row, with the same event types,
    dates, places, best figures and troop counts; the extension columns carry what the
    datasets' shapes cannot (our event type, troops). Low and high come back as the best
    figure: ACLED has one figure, and UCDP's low and high are kept in `extra`."""
    exported = tmp_path / f"{dataset}.csv"
    assert invoke("export", "--format", dataset, "--out", sample_build, "-o", exported).exit_code == 0
    assert invoke("import", dataset, exported, "--raw", tmp_path / "raw").exit_code == 0
    pipeline.build(tmp_path / "raw", tmp_path / "out")
    before = pipeline.load("events", root=sample_build)
    after = pipeline.load("events", root=tmp_path / "out")
    assert pipeline.load("quarantine", root=tmp_path / "out").empty
    assert len(after) == len(before) == 53  # one incident per coded event
    assert (after["source_count"] == 1).all()
    after = after.assign(incident_id=[ids[0].split(":", 1)[1] for ids in after["report_ids"]])
    merged = before.merge(after, on="incident_id", suffixes=("", "_again"))
    assert len(merged) == len(after)
    # ACLED has no code for a span of a few days (a night that ran into the next day): it
    # leaves as time_precision 2 on the span's middle day and comes back as the week around
    # it (crosswalk.csv), cut at publication: a wider span that holds the first
    few = (merged["date_precision"] == "days") & (dataset == "acled")
    assert few.sum() == (dataset == "acled")  # the sample's "Friday night" strikes in Syria
    assert (merged.loc[few, "date_start_again"] <= merged.loc[few, "date_start"]).all()
    assert (merged.loc[few, "date_end_again"] >= merged.loc[few, "date_end"]).all()
    # ACLED's code 2 is "near a town or a small part of a region": a district leaves as 2 and
    # comes back as `near` at the district's point (crosswalk.csv), the sample's two districts
    if dataset == "acled":
        district = merged["geo_precision"] == "admin2"
        assert district.sum() == 2
        assert (merged.loc[district, "geo_precision_again"] == "near").all()
        merged.loc[district, "geo_precision_again"] = "admin2"
    for column in ("event_type", "date", "date_start", "date_end", "date_precision", "place",
                   "admin1", "admin2", "iso3", "latitude", "longitude", "geo_precision",
                   "killed_best", "troops", "acled_sub_event_type"):
        exact = merged[~few] if column.startswith("date") else merged
        differ = [iid for iid, a, b in zip(exact["incident_id"], exact[column],
                                           exact[f"{column}_again"], strict=True)
                  if not _same(a, b)]
        assert differ == [], column


def test_an_export_without_our_columns_reads_by_their_codes(sample_build, tmp_path):
    """A file of their shape alone (our columns removed): ACLED's sub-event types read back
    through the crosswalk, troop counts (which ACLED does not code) are quarantined."""
    exported = tmp_path / "acled.csv"
    assert invoke("export", "--format", "acled", "--out", sample_build, "-o", exported).exit_code == 0
    pd.read_csv(exported, dtype=str, keep_default_na=False).drop(columns=EXTENSION_COLUMNS).to_csv(
        exported, index=False)
    assert invoke("import", "acled", exported, "--raw", tmp_path / "raw").exit_code == 0
    pipeline.build(tmp_path / "raw", tmp_path / "out")
    quarantine = pipeline.load("quarantine", root=tmp_path / "out")
    assert len(quarantine) == 3 and set(quarantine["reason"]) == {"event_type_unknown"}
    after = pipeline.load("events", root=tmp_path / "out")
    assert len(after) == 50 and "drone_strike" not in set(after["event_type"])


def test_readme_shows_the_crosswalk():
    """The README's table is the data file, row for row."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    with open(Path(pipeline.__file__).parent / "data" / "crosswalk.csv", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            ours = f"{r['our_field']} `{r['our_value']}`" if r["our_value"] else "none: quarantined"
            line = (f"| {r['dataset']} | `{r['field']}` | {r['code']} | {ours} | "
                    f"{r['direction']} | {r['meaning']} |")
            assert line in readme


@pytest.mark.slow  # starts two worker processes
def test_located_and_text_rows_publish_the_same_bytes_on_workers(imported, tmp_path,
                                                                 monkeypatch):
    """Rows a coded dataset located and rows geocoded from their text, in one raw folder:
    with workers (each distinct place text resolved once, before the parts) the build
    publishes the bytes one process publishes."""
    import shutil

    from pipeline.engines import PoolEngine

    raw = tmp_path / "raw"
    shutil.copytree(imported / "raw", raw)
    for path in SAMPLE.glob("*"):
        shutil.copy(path, raw / path.name)
    monkeypatch.setattr(PoolEngine, "min_rows", 0)
    one = pipeline.build(raw, tmp_path / "one", workers=1)
    two = pipeline.build(raw, tmp_path / "two", workers=2)
    assert (one.status, two.status) == ("published", "published")
    assert one.incidents == two.incidents and one.quarantined == two.quarantined
    for table in ("events", "reports", "quarantine"):
        a = (tmp_path / "one" / "versions" / "v1" / f"{table}.parquet").read_bytes()
        b = (tmp_path / "two" / "versions" / "v1" / f"{table}.parquet").read_bytes()
        assert a == b, table
