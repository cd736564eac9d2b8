"""Reading raw files: unreadable files stop the build; bad rows go to quarantine with a reason."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.errors import InputError
from pipeline.read import read_raw
from tests.conftest import HEADER, write

ROW = "r1,Reuters,2024-01-05,drone strike,Thursday,Baghdad,Iraq,2,,\n"


def test_csv_with_bom_and_mixed_case_header(raw):
    write(raw, "a.csv", "\ufeff Report_ID ,SOURCE,published,event_type,date,place\n"
                        "r1,Reuters,2024-01-05,drone strike,Thursday,Baghdad\n")
    batch = read_raw(raw)
    assert batch.rows["report_id"].tolist() == ["r1"]
    assert batch.rows["country"].isna().tolist() == [True]  # blank is missing
    assert batch.files[0].rows == 1


def test_unknown_columns_are_kept_in_extra(raw):
    write(raw, "a.csv", "report_id,source,published,event_type,date,place,Reporter,tone\n"
                        "r1,Reuters,2024-01-05,drone strike,Thursday,Baghdad,J. Doe,\n")
    extra = read_raw(raw).rows["extra"].tolist()
    assert [json.loads(e) for e in extra] == [{"reporter": "J. Doe"}]


def test_recursive_and_jsonl(raw):
    write(raw, "a/b/c.csv", HEADER + ROW)
    write(raw, "z.jsonl", json.dumps({"report_id": "r2", "source": "AP", "published": "2024-01-05",
                                      "event_type": "airstrike", "date": "Friday",
                                      "place": "Erbil", "killed": 3}) + "\n\n")
    batch = read_raw(raw)
    assert batch.rows["report_id"].tolist() == ["r1", "r2"]
    assert batch.rows["killed"].tolist() == ["2", "3"]
    assert [f.path for f in batch.files] == ["a/b/c.csv", "z.jsonl"]


def test_not_utf8_names_file_and_line(raw):
    write(raw, "bad.csv", (HEADER + ROW + "r2,Al Jazeera,2024-01-05,raid,hier,Bagdad,Irak,,,\n")
          .encode("utf-8").replace(b"Bagdad", b"Bagd\xe9d"))
    with pytest.raises(InputError) as err:
        read_raw(raw)
    assert str(err.value) == "bad.csv:3: not UTF-8 (byte 0xe9)"


def test_missing_required_column(raw):
    write(raw, "a.csv", "report_id,source,published,event_type,date\nr1,AP,2024-01-05,x,y\n")
    with pytest.raises(InputError) as err:
        read_raw(raw)
    assert str(err.value) == "a.csv:1: missing required column(s) place"


def test_unterminated_quote_is_unreadable(raw):
    write(raw, "a.csv", HEADER + ROW + 'r2,"AP,2024-01-05,x,y,z,,,,\n')
    with pytest.raises(InputError) as err:
        read_raw(raw)
    assert str(err.value).startswith("a.csv:3: not valid CSV")


def test_jsonl_that_is_not_json_at_all(raw):
    write(raw, "a.jsonl", HEADER + ROW)
    with pytest.raises(InputError) as err:
        read_raw(raw)
    assert str(err.value).startswith("a.jsonl:1: not JSON Lines")


def test_missing_folder(tmp_path):
    with pytest.raises(InputError, match="raw folder does not exist"):
        read_raw(tmp_path / "nope")


def test_row_level_problems_go_to_quarantine(raw):
    write(raw, "a.csv", HEADER + ROW
          + "r2,AP,2024-01-05,airstrike,Friday\n"          # too few fields
          + "r3,AP,,airstrike,Friday,Erbil,,,,\n"           # published empty
          + ROW.replace("Reuters", "Reuters again"))        # duplicate id
    write(raw, "c.jsonl", '{"report_id": "j2", "source": "AP", "published": "2024-01-05", '
                          '"event_type": "airstrike", "date": "Friday", "place": "Erbil"}\n'
                          '[1, 2]\n{"report_id": "j3", \n')
    batch = read_raw(raw)
    got = sorted((q["input_file"], q["input_line"], q["reason"], q["message"])
                 for q in batch.quarantine)
    assert got == [
        ("a.csv", 3, "malformed_row", "expected 10 fields, found 5"),
        ("a.csv", 4, "missing_field", "required field(s) empty: published"),
        ("a.csv", 5, "duplicate_report_id", "report_id r1 already read at a.csv:2"),
        ("c.jsonl", 2, "malformed_row", "line is JSON but not an object"),
        ("c.jsonl", 3, "malformed_row",
         "not a JSON object (Expecting property name enclosed in double quotes)"),
    ]
    assert batch.rows["report_id"].tolist() == ["r1", "j2"]
    assert batch.raw_count == len(batch.rows) + len(batch.quarantine)
    dup = next(q for q in batch.quarantine if q["reason"] == "duplicate_report_id")
    assert json.loads(dup["raw"])["source"] == "Reuters again"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=6),
                min_size=1, max_size=8))
def test_cleaned_is_trimmed_and_blank_is_null(values):
    """A raw column copied only when it must be still reads as trimming every value and
    nulling the blank ones would (every character Arrow trims is one the check sees)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from pipeline.read import _cleaned

    column = pa.chunked_array([values], pa.string())
    expected = [v or None for v in pc.utf8_trim_whitespace(column).to_pylist()]
    assert _cleaned(column).to_pylist() == expected


def test_a_column_with_nothing_to_clean_is_not_copied():
    import pyarrow as pa

    from pipeline.read import _cleaned

    column = pa.chunked_array([["BEIRUT (AP) — a strike", "Two killed"]])
    assert _cleaned(column) is column


def test_a_file_read_from_its_path_reads_as_its_bytes_sent_to_a_worker(raw, monkeypatch):
    """Read here, a well-formed CSV goes from its path to Arrow in blocks (its text is never
    held twice, as bytes and as columns); an engine's workers get the bytes. Both give the
    same rows, quarantine, digests and line counts, on the fast path and off it."""
    from pathlib import Path

    write(raw, "bom.csv", "\ufeff" + HEADER + ROW + ROW.replace("r1,", "r1b,"))
    write(raw, "crlf.csv", (HEADER + ROW.replace("r1,", "r2,")).replace("\n", "\r\n"))
    write(raw, "no-final-newline.csv", HEADER + ROW.replace("r1,", "r3,").rstrip("\n"))
    write(raw, "blank-and-short.csv", HEADER + ROW.replace("r1,", "r4,") + "\n" + "r5,AP\n")
    write(raw, "z.jsonl", json.dumps({"report_id": "r6", "source": "AP", "published":
                                      "2024-01-05", "event_type": "airstrike", "date": "Friday",
                                      "place": "Erbil"}) + "\n")
    sent = read_raw(raw, mapper=lambda f, items: [f(item) for item in items])
    bytes_read: list[str] = []
    original = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes",
                        lambda self: bytes_read.append(self.name) or original(self))
    here = read_raw(raw)
    assert here.rows.equals(sent.rows)
    assert here.quarantine == sent.quarantine
    assert [(q["input_file"], q["input_line"], q["reason"]) for q in here.quarantine] == [
        ("blank-and-short.csv", 4, "malformed_row")]
    assert here.files == sent.files
    assert [f.rows for f in here.files] == [2, 2, 1, 1, 1]
    assert here.rows["report_id"].tolist() == ["r4", "r1", "r1b", "r2", "r3", "r6"]
    assert sorted(bytes_read) == ["blank-and-short.csv", "z.jsonl"]  # the csv module's, JSON


def test_a_file_written_to_while_it_is_read_is_read_again_whole(raw, monkeypatch):
    """The digest a version records is of the rows it used: a file that changed between
    being hashed and being parsed (an extractor still appending) is read again, as bytes."""
    import hashlib

    from pipeline import read

    path = write(raw, "a.csv", HEADER + ROW)
    parse = read._read_csv_fast

    def parse_then_append(source, name, lines, part=None):  # noqa: ANN001, ANN202
        parsed = parse(source, name, lines, part)
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(ROW.replace("r1,", "r2,"))
        return parsed

    monkeypatch.setattr(read, "_read_csv_fast", parse_then_append)
    batch = read_raw(raw)
    assert batch.rows["report_id"].tolist() == ["r1", "r2"]
    assert batch.files[0].rows == 2
    assert batch.files[0].sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_file_gone_since_it_was_listed_is_named(raw, monkeypatch):
    """A raw file removed (or made unreadable) between listing and reading stops the build
    with its name, as an unreadable file does, not with an internal error."""
    from pipeline import read

    write(raw, "a.csv", HEADER + ROW)
    monkeypatch.setattr(read, "discover", lambda folder: [folder / "a.csv", folder / "gone.csv"])
    for mapper in (None, lambda f, items: [f(item) for item in items]):  # here, or on workers
        with pytest.raises(InputError) as err:
            read_raw(raw, mapper)
        assert str(err.value) == "gone.csv: cannot be read (No such file or directory)"


def test_a_field_is_capped_in_characters_not_bytes():
    """10,000 Arabic letters are 20,000 bytes and within the place's cap; one more is not
    (`_too_long` clears a column by its byte lengths first, then counts characters)."""
    import pandas as pd

    from pipeline.read import FIELD_CAPS, _too_long

    cap = FIELD_CAPS["place"]
    frame = pd.DataFrame({c: pd.Series(["x", "y"], dtype="str") for c in FIELD_CAPS})
    frame["place"] = pd.Series(["ب" * cap, "ب" * (cap + 1)], dtype="str")
    frame["extra"] = pd.Series([None, None], dtype="str")
    frame["input_file"], frame["input_line"], frame["report_id"] = "t.csv", [2, 3], ["a", "b"]
    quarantine: list[dict] = []
    kept = _too_long(frame, quarantine)
    assert kept["report_id"].tolist() == ["a"]
    assert [(q["input_line"], q["message"]) for q in quarantine] == [
        (3, f"place is {cap + 1:,} characters long (limit {cap:,})")]


# --- hostile input: the same verdict on either path, every row and file accounted for ------

QUOTED = 'r1,"Reu"ters,2024-01-05,drone strike,Thursday,Baghdad,,,,\n'


@pytest.mark.parametrize("header", [HEADER, '"report_id"' + HEADER.removeprefix("report_id")],
                         ids=["fast path", "csv module"])
def test_a_quote_closed_before_its_field_ends_is_unreadable_on_either_path(raw, header):
    """`"Reu"ters` was published by Arrow's parser and stopped the build on the csv module's:
    the verdict must not depend on which parser read the file (a quoted header takes it off
    the fast path)."""
    write(raw, "a.csv", header + QUOTED + ROW.replace("r1,", "r2,"))
    with pytest.raises(InputError) as err:
        read_raw(raw)
    assert str(err.value) == "a.csv:2: not valid CSV (',' expected after '\"')"


@pytest.mark.parametrize("header", [HEADER, '"report_id"' + HEADER.removeprefix("report_id")],
                         ids=["fast path", "csv module"])
@pytest.mark.parametrize("end", ["\n", ""], ids=["newline", "no newline"])
def test_a_quote_never_closed_is_unreadable_on_either_path(raw, header, end):
    write(raw, "a.csv", header + ROW + 'r2,AP,2024-01-05,x,y,z,,,,"never closed' + end)
    with pytest.raises(InputError) as err:
        read_raw(raw)
    assert str(err.value) == "a.csv:3: not valid CSV (unexpected end of data)"


def test_a_lone_cr_and_a_quoted_newline_do_not_shift_line_numbers(raw):
    """A quoted newline (one record, two lines) and a lone CR (two records, one LF line) made
    Arrow's row count equal the file's LF count less one: r2 was recorded on line 3. A row's
    line is where it starts, a lone CR ending a line as the csv module counts it."""
    write(raw, "a.csv", "report_id,source,published,event_type,date,place\n"
                        'r1,Reuters,2024-01-05,drone strike,"Jan\n4 2024",Baghdad\n'
                        "r2,Reuters,2024-01-05,drone strike,Jan 4 2024,Baghdad\r"
                        "r3,Reuters,2024-01-05,drone strike,Jan 4 2024,Mosul\n"
                        "r4,Reuters,2024-01-05,drone strike,31 February 2024,Basra\n")
    batch = read_raw(raw)
    assert batch.rows["report_id"].tolist() == ["r1", "r2", "r3", "r4"]
    assert batch.rows["input_line"].tolist() == [2, 4, 5, 6]
    assert batch.rows["date"].tolist()[0] == "Jan\n4 2024"


def test_a_clean_file_still_takes_the_fast_path(raw, monkeypatch):
    """Quotes where CSV has them (doubled, around commas, at a line's end, CRLF line ends)
    keep a file on Arrow's path: the check costs the clean file nothing but its scan."""
    from pipeline import read

    write(raw, "a.csv", (HEADER + ROW + 'r2,"AP, Baghdad",2024-01-05,"said ""two""",x,y,,,,""\n'
                         + 'r3,AP,2024-01-05,x,y,"z",,,,\n'
                         ).replace("\n", "\r\n"))
    monkeypatch.setattr(read, "_read_csv", lambda *a: pytest.fail("left the fast path"))
    batch = read_raw(raw)
    assert batch.rows["source"].tolist() == ["Reuters", "AP, Baghdad", "AP"]
    assert batch.rows["event_type"].tolist()[1] == 'said "two"'
    assert batch.rows["input_line"].tolist() == [2, 3, 4]


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet='ab,"\r\n', max_size=40), st.integers(min_value=1, max_value=7))
def test_a_file_the_scan_passes_reads_as_the_csv_module_reads_it(body, block):
    """Whatever `_Scan` lets through to Arrow, the strict csv module reads without an error,
    and with Arrow's rows; read a block at a time (a quote at a block's edge), the scan says
    what it says of the whole."""
    import csv
    import io

    import pyarrow as pa
    from pyarrow import csv as pacsv

    from pipeline.read import _Scan

    data = ("h1,h2\n" + body).encode()
    whole, blocks = _Scan(), _Scan()
    whole.feed(data)
    for i in range(0, len(data), block):
        blocks.feed(data[i:i + block])
    assert (blocks.plain, blocks.lines, blocks.sha256) == (whole.plain, whole.lines, whole.sha256)
    assert whole.lines == data.count(b"\n") + (not data.endswith(b"\n"))
    if not whole.plain:
        return
    rows = list(csv.reader(io.StringIO(data.decode(), newline=""), strict=True))[1:]
    try:
        table = pacsv.read_csv(io.BytesIO(data), parse_options=pacsv.ParseOptions(
            ignore_empty_lines=False), convert_options=pacsv.ConvertOptions(
                column_types={"h1": pa.string(), "h2": pa.string()},
                strings_can_be_null=False, quoted_strings_can_be_null=False))
    except pa.ArrowInvalid:
        return  # a short or long row: the csv-module reader quarantines it
    assert [list(r.values()) for r in table.to_pylist()] == [r or ["", ""] for r in rows]


def test_columns_without_a_name_are_kept_in_extra_by_position(raw):
    """A header ending `,,` has columns with no name: their values are kept in `extra` under
    the column's position (SPEC §3: unknown columns are never dropped silently), on the
    fast path and the csv module's alike."""
    header = HEADER.rstrip("\n") + ",, \n"
    write(raw, "fast.csv", header + ROW.rstrip("\n") + ",kept,also\n")
    write(raw, "slow.csv", '"report_id"' + header.removeprefix("report_id")
          + ROW.replace("r1,", "r2,").rstrip("\n") + ",kept,\n")
    batch = read_raw(raw)
    assert [json.loads(e) for e in batch.rows["extra"]] == [
        {"column_11": "kept", "column_12": "also"}, {"column_11": "kept"}]


def test_a_json_key_that_is_empty_is_kept_in_extra(raw):
    write(raw, "a.jsonl", json.dumps({"report_id": "j1", "source": "AP", "published":
                                      "2024-01-05", "event_type": "airstrike", "date": "Friday",
                                      "place": "Erbil", "": "kept"}) + "\n")
    assert [json.loads(e) for e in read_raw(raw).rows["extra"]] == [{"": "kept"}]


def test_a_second_byte_order_mark_is_named(raw):
    write(raw, "a.csv", "\ufeff\ufeff" + HEADER + ROW)
    with pytest.raises(InputError) as err:
        read_raw(raw)
    assert str(err.value) == (
        "a.csv:1: missing required column(s) report_id (column 1 is '\\ufeffreport_id', "
        "with the invisible U+FEFF (a byte order mark) in its name)")


def test_a_file_name_that_is_not_utf8_is_read(raw):
    """`caf\\xe9.csv` (Latin-1) is read, here and on workers; its name is recorded with the
    stray byte written out, as text can hold it."""
    import os

    path = os.path.join(os.fsencode(raw), b"caf\xe9.csv")
    with open(path, "wb") as fh:
        fh.write((HEADER + ROW).encode())
    for mapper in (None, lambda f, items: [f(item) for item in items]):
        batch = read_raw(raw, mapper)
        assert batch.rows[["report_id", "input_file", "input_line"]].values.tolist() == [
            ["r1", "caf\\xe9.csv", 2]]
        assert [f.path for f in batch.files] == ["caf\\xe9.csv"]


def test_a_file_name_with_a_newline_is_shown_escaped(raw):
    write(raw, "x\nError: fine.csv", (HEADER + ROW).replace("Baghdad", "Bagd\xe9d"),
          encoding="latin-1")
    with pytest.raises(InputError) as err:
        read_raw(raw)
    assert str(err.value) == "'x\\nError: fine.csv':2: not UTF-8 (byte 0xe9)"


def test_broken_links_are_named_not_skipped(raw):
    write(raw, "a.csv", HEADER + ROW)
    (raw / "gone.csv").symlink_to(raw / "nowhere" / "x.csv")
    (raw / "loop1.csv").symlink_to(raw / "loop2.csv")
    (raw / "loop2.csv").symlink_to(raw / "loop1.csv")
    (raw / "notes.txt").symlink_to(raw / "nowhere.txt")  # not an input name: ignored
    with pytest.raises(InputError) as err:
        read_raw(raw)
    assert str(err.value).splitlines() == [
        "3 raw files cannot be read:",
        "gone.csv: cannot be read (a symbolic link to a file that does not exist: "
        "No such file or directory)",
        "loop1.csv: cannot be read (Too many levels of symbolic links)",
        "loop2.csv: cannot be read (Too many levels of symbolic links)"]


def test_a_folder_that_cannot_be_listed_is_named(raw, monkeypatch):
    """`Path.rglob` passed over a folder it could not list (chmod 000) and its rows were lost
    without a word. Root reads any folder, so the refusal is made here by os.scandir."""
    import os

    write(raw, "a.csv", HEADER + ROW)
    write(raw, "sub/b.csv", HEADER + ROW.replace("r1,", "r2,"))
    scandir = os.scandir

    def refuse(path):  # noqa: ANN001, ANN202
        if os.fspath(path).endswith("sub"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", refuse)
    with pytest.raises(InputError) as err:
        read_raw(raw)
    assert str(err.value) == "sub: folder cannot be read (Permission denied)"


@pytest.mark.skipif(not hasattr(__import__("os"), "geteuid") or __import__("os").geteuid() == 0,
                    reason="root reads a folder whatever its permissions")
def test_a_folder_without_permissions_is_named(raw):
    write(raw, "a.csv", HEADER + ROW)
    write(raw, "sub/b.csv", HEADER + ROW.replace("r1,", "r2,"))
    (raw / "sub").chmod(0)
    try:
        with pytest.raises(InputError) as err:
            read_raw(raw)
    finally:
        (raw / "sub").chmod(0o755)
    assert str(err.value) == "sub: folder cannot be read (Permission denied)"


def test_a_raw_path_that_is_a_file_is_not_a_folder(raw):
    path = write(raw, "a.csv", HEADER + ROW)
    with pytest.raises(InputError) as err:
        read_raw(path)
    assert str(err.value) == (f"{path}: is not a folder: give the folder that holds the raw "
                              "*.csv and *.jsonl files")


def test_files_read_by_threads_are_the_files_read_one_by_one(raw):
    """Several files read two at a time (a build with workers) give the rows, quarantine and
    file records that reading them one after another gives, and the same unreadable files,
    named in the same order."""
    import shutil

    from pipeline.errors import InputErrors
    from tests.conftest import SAMPLE

    for path in SAMPLE.glob("*"):
        shutil.copy(path, raw / path.name)
    write(raw, "zz-bad-rows.csv", HEADER + ROW.replace("r1,", "x1,") + "x2,AP,,airstrike\n")
    one, two = read_raw(raw), read_raw(raw, threads=2)
    assert two.rows.equals(one.rows) and len(one.rows) > 100
    assert two.quarantine == one.quarantine and len(one.quarantine) == 1
    assert two.files == one.files and len(one.files) == 7
    (raw / "a-bad.csv").write_bytes(b"report_id,source\n\xe9\n")
    (raw / "b-bad.csv").write_text("no,header,here\n1,2,3\n", encoding="utf-8")
    messages = []
    for threads in (1, 2):
        with pytest.raises(InputErrors) as caught:
            read_raw(raw, threads=threads)
        messages.append(str(caught.value))
    assert messages[0] == messages[1] and messages[0].startswith("2 raw files cannot be read")
