"""The CLI through Typer's CliRunner: exact output lines and exit codes (SPEC §8)."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from tests.conftest import HEADER, SAMPLE, write

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli") / "timeline"
    result = invoke("build", "--raw", str(SAMPLE), "--out", str(out), "--quiet")
    assert result.exit_code == 0, result.output
    return out, result


def test_build_then_unchanged(built):
    out, first = built
    assert first.stdout.startswith("published v1: ")
    assert "quarantined of" in first.stdout and first.stderr == ""
    again = invoke("build", "--raw", str(SAMPLE), "--out", str(out))
    assert (again.exit_code, again.stdout) == (0, "unchanged: v1\n")


def test_validate_latest_and_named(built):
    out, _ = built
    for args in ((), ("v1",), ("latest",)):
        result = invoke("validate", *args, "--out", str(out))
        assert (result.exit_code, result.stdout) == (0, "v1: valid (76 expectations passed)\n")


def test_validate_detects_a_changed_file(built, tmp_path):
    import shutil

    out = tmp_path / "copy"
    shutil.copytree(built[0], out)
    path = out / "versions" / "v1" / "events.parquet"
    path.write_bytes(path.read_bytes() + b"\0")
    result = invoke("validate", "--out", str(out))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith("Error: events.events.parquet: sha256 matches datapackage.json "
                               "failed for 1 row(s) (e.g. expected ")
    assert lines[-1] == "Error: v1: 1 of 3 expectations failed"


def test_versions_table_and_json(built):
    out, _ = built
    table = invoke("versions", "--out", str(out))
    assert table.exit_code == 0
    header, row = table.stdout.splitlines()
    assert header.split() == ["version", "created", "parent", "events", "reports", "quarantine",
                              "validation", "added", "removed", "changed", "absorbed", "split",
                                  "latest"]
    assert row.split()[0] == "v1" and row.split()[-1] == "*"
    data = json.loads(invoke("versions", "--json", "--out", str(out)).stdout)
    assert [v["version"] for v in data] == ["v1"] and data[0]["validation"] == "passed"


def test_show_incident_with_its_reports(built):
    out, _ = built
    import pipeline

    reports = pipeline.load("reports", root=out).set_index("report_id")
    iid = reports.loc["freebeacon-2024-01-04-02", "incident_id"]
    result = invoke("show", iid, "--out", str(out))
    assert result.exit_code == 0
    assert f"    incident_id: {iid}" in result.stdout
    assert re.search(r"^\s*freebeacon-2024-01-04-02\s+Iraqi police and security sources\s+"
                     r"2024-01-04 00:00:00\+00:00\s+January 4, 2024\s+eastern Baghdad\s+four\s+six",
                     result.stdout, re.M)
    missing = invoke("show", "ct-000000000000", "--out", str(out))
    assert (missing.exit_code, missing.stderr) == (
        2, "Error: no incident 'ct-000000000000' in version latest\n")


def test_diff_same_version_is_empty(built):
    out, _ = built
    result = invoke("diff", "v1", "v1", "--out", str(out))
    assert (result.exit_code, result.stdout) == (0, "added 0, removed 0, changed 0, absorbed 0, split 0\n")


def test_unreadable_input_exits_2_with_one_line(raw, tmp_path):
    write(raw, "a.csv", HEADER + "r1,AP,2024-01-05,drone strike,Thursday,Baghd\xe9d,,,,\n",
          encoding="latin-1")
    result = invoke("build", "--raw", str(raw), "--out", str(tmp_path / "out"))
    assert (result.exit_code, result.stderr) == (2, "Error: a.csv:2: not UTF-8 (byte 0xe9)\n")
    assert result.stdout == ""


def test_every_unreadable_file_is_named(raw, tmp_path):
    """Two bad files and a good one: one build names both, each with its line, so that a
    user fixes them together; nothing is published."""
    write(raw, "a.csv", HEADER + "r1,AP,2024-01-05,drone strike,Thursday,Baghd\xe9d,,,,\n",
          encoding="latin-1")
    write(raw, "b.csv", "report_id,source,published\nr2,AP,2024-01-05\n")
    write(raw, "c.csv", HEADER + "r3,AP,2024-01-05,drone strike,Thursday,Baghdad,,,,\n")
    result = invoke("build", "--raw", str(raw), "--out", str(tmp_path / "out"))
    assert (result.exit_code, result.stderr) == (2, (
        "Error: 2 raw files cannot be read:\n"
        "Error: a.csv:2: not UTF-8 (byte 0xe9)\n"
        "Error: b.csv:1: missing required column(s) event_type, date, place\n"))
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_usage_errors_exit_2(tmp_path):
    result = invoke("validate", "--out", str(tmp_path))
    assert (result.exit_code, result.stderr) == (
        2, f"Error: no published version in {tmp_path}: run `conflict-timeline build` first\n")
    result = invoke("validate", "v9", "--out", str(tmp_path))
    assert (result.exit_code, result.stderr) == (
        2, f"Error: no version 'v9' in {tmp_path} (versions: none)\n")
    result = invoke("build", "--raw", str(SAMPLE), "--out", str(tmp_path), "--engine", "spark")
    assert (result.exit_code, result.stderr) == (
        2, "Error: unknown engine 'spark': use pandas or dask\n")


def test_every_command_has_help_with_an_example():
    for command in ("build", "validate", "versions", "diff", "show", "extract"):
        result = invoke(command, "--help")
        assert result.exit_code == 0 and "Example:" in result.stdout


def test_python_dash_m_entry_point():
    result = subprocess.run([sys.executable, "-m", "pipeline", "--help"], capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0 and "build" in result.stdout


def test_extract_names_each_bad_file_and_still_writes_the_others(tmp_path):
    from pathlib import Path

    good = tmp_path / "good.txt"
    good.write_text((Path(__file__).parent / "data" / "articles" / "a1-tower22-wire.txt")
                    .read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "bin.txt").write_bytes(b"\xff\xfe\x00bad")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["extract", str(good), str(tmp_path / "empty.txt"),
                                 str(tmp_path / "bin.txt"), "-o", str(out)])
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert errors == [f"Error: {tmp_path / 'empty.txt'}: empty file",
                      f"Error: {tmp_path / 'bin.txt'}: binary file, not article text"]
    assert len(out.read_text(encoding="utf-8").splitlines()) >= 1


def test_build_uses_every_core_unless_told(monkeypatch, tmp_path):
    """`--workers` defaults to the cores this process may run on; the dask engine gets none
    (its cluster has its own); `--workers 1` is this process alone."""
    import importlib

    from pipeline.build import BuildResult
    from pipeline.engines import cores

    asked: list = []

    def fake(raw, out, **kwargs):  # noqa: ANN001, ANN003, ANN202
        asked.append((kwargs["engine"], kwargs["workers"]))
        return BuildResult("unchanged", "v1", 0, 0, 0, 0, 0.0)

    monkeypatch.setattr(importlib.import_module("pipeline.build"), "build", fake)
    for args in ([], ["--workers", "1"], ["--engine", "dask"]):
        result = invoke("build", "--raw", str(tmp_path), "--out", str(tmp_path / "o"), *args)
        assert result.exit_code == 0, result.output
    assert asked == [("pandas", cores()), ("pandas", 1), ("dask", None)]


ROW = "r1,AP,2024-01-05,drone strike,Thursday,Baghdad,,,,\n"


@pytest.mark.parametrize(("files", "stderr"), [
    ({"x\nError: everything is fine.csv": (HEADER + ROW).replace("Baghdad", "Bagd\xe9d")},
     "Error: 'x\\nError: everything is fine.csv':2: not UTF-8 (byte 0xe9)\n"),
    ({"a.csv": HEADER + 'r1,"Reu"ters,2024-01-05,drone strike,Thursday,Baghdad,,,,\n'},
     "Error: a.csv:2: not valid CSV (',' expected after '\"')\n"),
    ({"a.csv": HEADER + ROW + 'r2,AP,2024-01-05,x,y,"Mosul'},
     "Error: a.csv:3: not valid CSV (unexpected end of data)\n"),
    ({"a.csv": "\ufeff\ufeff" + HEADER + ROW},
     "Error: a.csv:1: missing required column(s) report_id (column 1 is '\\ufeffreport_id', "
     "with the invisible U+FEFF (a byte order mark) in its name)\n"),
], ids=["newline in a file name", "quote closed early", "quote never closed", "second BOM"])
def test_hostile_files_exit_2_with_one_clear_line_each(raw, tmp_path, files, stderr):
    for name, text in files.items():
        write(raw, name, text, encoding="latin-1" if "\xe9" in text else "utf-8")
    result = invoke("build", "--raw", str(raw), "--out", str(tmp_path / "out"), "-q")
    assert (result.exit_code, result.stderr, result.stdout) == (2, stderr, "")


def test_links_that_lead_nowhere_and_unlisted_folders_exit_2(raw, tmp_path, monkeypatch):
    import os

    write(raw, "a.csv", HEADER + ROW)
    write(raw, "sub/b.csv", HEADER + ROW.replace("r1,", "r2,"))
    (raw / "gone.csv").symlink_to(tmp_path / "nonexistent.csv")
    (raw / "loop.csv").symlink_to(raw / "loop.csv")
    scandir = os.scandir

    def refuse(path):  # noqa: ANN001, ANN202 — a chmod 000 folder, as root cannot make one
        if not isinstance(path, int) and os.fspath(path).endswith("sub"):  # int: rmtree's fd
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", refuse)
    result = invoke("build", "--raw", str(raw), "--out", str(tmp_path / "out"), "-q")
    assert (result.exit_code, result.stderr) == (2, (
        "Error: 3 raw files cannot be read:\n"
        "Error: gone.csv: cannot be read (a symbolic link to a file that does not exist: "
        "No such file or directory)\n"
        "Error: loop.csv: cannot be read (Too many levels of symbolic links)\n"
        "Error: sub: folder cannot be read (Permission denied)\n"))


def test_raw_that_is_a_file_says_so(raw, tmp_path):
    path = write(raw, "a.csv", HEADER + ROW)
    result = invoke("build", "--raw", str(path), "--out", str(tmp_path / "out"), "-q")
    assert (result.exit_code, result.stderr) == (
        2, f"Error: {path}: is not a folder: give the folder that holds the raw *.csv and "
           "*.jsonl files\n")


def test_out_that_is_a_file_says_so(raw, tmp_path):
    write(raw, "a.csv", HEADER + ROW)
    out = tmp_path / "out"
    out.write_text("not a folder")
    result = invoke("build", "--raw", str(raw), "--out", str(out), "-q")
    assert (result.exit_code, result.stderr) == (
        2, f"Error: cannot write to {out}: it is a file, not a folder; choose another --out\n")


def test_a_file_name_that_is_not_utf8_is_built(raw, tmp_path):
    import os

    import pandas as pd

    with open(os.path.join(os.fsencode(raw), b"caf\xe9.csv"), "wb") as fh:
        fh.write((HEADER + ROW + ROW.replace("r1,", "r2,").replace(",,,,", ",Iraq,x,,")).encode())
    result = invoke("build", "--raw", str(raw), "--out", str(tmp_path / "out"), "-q")
    assert result.exit_code == 0, result.stderr
    version = tmp_path / "out" / "versions" / "v1"
    reports = pd.read_parquet(version / "reports.parquet")
    assert reports[["report_id", "input_file", "input_line"]].values.tolist() == [
        ["r1", "caf\\xe9.csv", 2], ["r2", "caf\\xe9.csv", 3]]
    inputs = json.loads((version / "datapackage.json").read_text())["inputs"]
    assert [(i["path"], i["rows"]) for i in inputs] == [("caf\\xe9.csv", 2)]
