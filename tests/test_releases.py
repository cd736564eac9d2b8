"""Releases: atomic under kill -9, locked against concurrent builds, readable by every reader."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

import pipeline
from pipeline.errors import BuildLocked
from tests.conftest import HEADER, ROOT, SAMPLE, write


def _intact(out: Path, version: str) -> bool:
    folder = out / "versions" / version
    d = json.loads((folder / "datapackage.json").read_text())
    return all("sha256:" + hashlib.sha256((folder / r["path"]).read_bytes()).hexdigest() == r["hash"]
               for r in d["resources"])


def test_kill_during_publish_leaves_latest_intact(sample_copy, tmp_path):
    out = tmp_path / "out"
    pipeline.build(sample_copy, out)
    write(sample_copy, "late.csv", HEADER + "late-1,AP,2024-02-08,drone strike,Wednesday,"
          "eastern Baghdad,Iraq,3,,\n")
    child = subprocess.Popen([sys.executable, "-m", "pipeline", "build", "--raw", str(sample_copy),
                              "--out", str(out), "--quiet"], cwd=ROOT)
    deadline = time.monotonic() + 60
    while not list((out / "versions").glob(".tmp-*")):  # the new version is being written
        assert child.poll() is None and time.monotonic() < deadline, "build ended before the kill"
        time.sleep(0.005)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert (out / "LATEST").read_text() == "v1\n"
    assert _intact(out, "v1") and not (out / "versions" / "v2").exists()
    assert pipeline.load("events", root=out).shape[0] > 0
    result = pipeline.build(sample_copy, out)  # the next build cleans up and publishes
    assert (result.status, result.version) == ("published", "v2")
    assert not list((out / "versions").glob(".tmp-*"))
    assert _intact(out, "v1") and _intact(out, "v2")


def test_second_build_waits_then_fails_clearly(tmp_path, monkeypatch):
    from filelock import FileLock

    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.setattr("pipeline.publish.LOCK_TIMEOUT_S", 0.2)
    with FileLock(str(out / ".lock")):
        with pytest.raises(BuildLocked) as err:
            pipeline.build(SAMPLE, out)
    assert str(err.value) == (f"another build is writing to {out} (waited 0.2 s for its lock); "
                              "run again when it has finished")
    assert not (out / "LATEST").exists()


def test_datapackage_is_valid_frictionless_v2(sample_build):
    from frictionless import Package

    descriptor = json.loads((sample_build / "versions" / "v1" / "datapackage.json").read_text())
    assert descriptor["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json"
    assert list(Package.metadata_validate(descriptor)) == []
    broken = dict(descriptor, resources=[{"name": "events"}])  # no path: the profile must object
    assert list(Package.metadata_validate(broken))
    fields = {f["name"]: f for f in descriptor["resources"][0]["schema"]["fields"]}
    assert fields["event_type"]["constraints"]["enum"][0] == "airstrike"
    assert fields["date"]["type"] == "date" and fields["sources"]["type"] == "any"
    assert descriptor["resources"][0]["schema"]["primaryKey"] == ["incident_id"]


def _frictionless(folder: Path) -> subprocess.CompletedProcess:
    """The command a Frictionless user runs first, on a published version."""
    return subprocess.run([sys.executable, "-m", "frictionless", "validate", "datapackage.json"],
                          cwd=folder, capture_output=True, text=True, check=False)


def test_frictionless_validate_passes_on_the_data(sample_build):
    result = _frictionless(sample_build / "versions" / "v1")
    assert result.returncode == 0, result.stdout[-3000:]
    assert result.stdout.count("VALID") == 3 and "INVALID" not in result.stdout


def test_frictionless_validate_passes_with_nulls_everywhere(raw, tmp_path):
    """Nulls in every nullable column Frictionless reads (no figures, actors, admin names,
    GeoNames id, URL, language; a quarantined row with no report id; a second version with a
    lineage of added and removed incidents): the real CLI still passes."""
    out = tmp_path / "out"
    write(raw, "a.csv", HEADER + "r1,wire,2024-01-05,drone attack,2024-01-04,Iraq,,,,\n"
          ",wire,2024-01-05,drone attack,2024-01-04,Iraq,,,,\n")
    pipeline.build(raw, out)
    assert pipeline.load("quarantine", root=out)["report_id"].isna().all()
    assert _frictionless(out / "versions" / "v1").returncode == 0
    write(raw, "a.csv", HEADER + "r2,wire,2024-01-06,airstrike,2024-01-05,Syria,,,,\n")
    pipeline.build(raw, out)
    events = pipeline.load("events", root=out)
    assert events[["admin1", "killed_low", "troops", "geonames_id"]].isna().all().all()
    assert set(pipeline.load("lineage", root=out)["relation"]) == {"added", "removed"}
    result = _frictionless(out / "versions" / "v2")
    assert result.returncode == 0, result.stdout[-3000:]
    assert result.stdout.count("VALID") == 4 and "INVALID" not in result.stdout


def test_pandas_polars_duckdb_read_the_same_rows(sample_build):
    import duckdb
    import polars as pl

    path = sample_build / "versions" / "v1" / "events.parquet"
    ids = sorted(pipeline.load("events", root=sample_build)["incident_id"])
    assert sorted(pd.read_parquet(path)["incident_id"]) == ids
    assert sorted(pl.read_parquet(path)["incident_id"].to_list()) == ids
    rows = duckdb.sql(f"SELECT incident_id, date FROM '{path}' ORDER BY incident_id").fetchall()
    assert [r[0] for r in rows] == ids and type(rows[0][1]).__name__ == "date"


def test_notebook_runs(sample_build, tmp_path, monkeypatch):
    """Opened from notebooks/ (as `make notebook` and Jupyter's file browser do) in a checkout
    whose timeline is in data/processed/timeline: the notebook finds it from the repo root."""
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(ROOT / "notebooks" / "explore.ipynb", as_version=4)
    checkout = tmp_path / "checkout"
    shutil.copytree(sample_build, checkout / "data" / "processed" / "timeline")
    (checkout / "pyproject.toml").write_text("")
    (checkout / "notebooks").mkdir()
    monkeypatch.delenv("CT_OUT", raising=False)
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    NotebookClient(notebook, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(checkout / "notebooks")}}).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert sum("image/png" in o.get("data", {}) for o in outputs) == 2  # both charts drawn
    assert any("incidents from" in o.get("text", "") for o in outputs)


@pytest.mark.slow  # whole-sample builds: `make test-all` and CI run it
def test_versions_and_diff_json(sample_copy, tmp_path):
    out = tmp_path / "out"
    pipeline.build(sample_copy, out)
    shutil.rmtree(sample_copy / "2023-10.csv", ignore_errors=True)
    (sample_copy / "2023-10.csv").unlink()
    pipeline.build(sample_copy, out)
    from typer.testing import CliRunner

    from pipeline.cli import app

    result = CliRunner().invoke(app, ["diff", "v1", "v2", "--json", "--out", str(out)])
    data = json.loads(result.stdout)
    assert result.exit_code == 0 and data["removed"] and not data["added"]
    summary = pipeline.versions(out).set_index("version").loc["v2"]
    assert summary["removed"] == len(data["removed"]) and summary["changed"] == len(data["changed"])


def test_parquet_bytes_do_not_depend_on_how_the_rows_are_chunked(tmp_path, monkeypatch):
    """A table over one row group is written group by group, each made contiguous first: the
    same rows give the same bytes however an engine's parts chunked them, and no copy of the
    whole table is needed."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from pipeline import publish

    monkeypatch.setattr(publish, "ROW_GROUP_ROWS", 4096)
    n = 10_000
    table = pa.table({"report_id": [f"r-{i:05d}" for i in range(n)],
                      "quote": [f"{i} " + "word " * (100 + i % 37) for i in range(n)],
                      "killed": pa.array([i % 7 or None for i in range(n)], pa.int64())})
    chunked = pa.Table.from_batches(table.to_batches(max_chunksize=333))
    publish._write_parquet(table, tmp_path / "one.parquet")
    publish._write_parquet(chunked, tmp_path / "many.parquet")
    assert (tmp_path / "one.parquet").read_bytes() == (tmp_path / "many.parquet").read_bytes()
    written = pq.ParquetFile(tmp_path / "many.parquet")
    assert written.metadata.num_row_groups == 3
    assert written.read().equals(table)


def test_wide_rows_are_written_in_smaller_row_groups(tmp_path, monkeypatch):
    """A row group is bounded by its text as well as its rows: the writer holds a whole group
    encoded before it writes it, so groups of 65,536 rows of kilobyte quotes would make
    publishing's memory grow with the quotes' width. Narrow rows keep the full groups; the
    bytes still do not depend on how the rows are chunked."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from pipeline import publish

    monkeypatch.setattr(publish, "ROW_GROUP_ROWS", 8192)
    monkeypatch.setattr(publish, "ROW_GROUP_BYTES", 4 << 20)  # 4 MiB
    n = 20_000
    narrow = pa.table({"report_id": [f"r-{i:05d}" for i in range(n)],
                       "killed": pa.array([i % 7 or None for i in range(n)], pa.int64())})
    wide = narrow.append_column("quote", pa.array(["word " * 200 + str(i) for i in range(n)]))
    # narrow: ~15 bytes a row, groups of 8,192 rows; wide: ~1 KB a row, 4 MiB is 4,096 rows
    assert publish._group_rows(narrow) == 8192
    assert publish._group_rows(wide) == 4096
    publish._write_parquet(wide, tmp_path / "one.parquet")
    publish._write_parquet(pa.Table.from_batches(wide.to_batches(max_chunksize=777)),
                           tmp_path / "many.parquet")
    assert (tmp_path / "one.parquet").read_bytes() == (tmp_path / "many.parquet").read_bytes()
    written = pq.ParquetFile(tmp_path / "one.parquet")
    assert written.metadata.num_row_groups == 5  # 4 × 4,096 + 3,616
    assert written.read().equals(wide)
    publish._write_parquet(narrow, tmp_path / "narrow.parquet")
    assert pq.ParquetFile(tmp_path / "narrow.parquet").metadata.num_row_groups == 3
