"""Lineage: what became of every incident across versions (kept, absorbed, split, removed,
added), `diff` and `show --history` telling it, and `resolve_id` following an old id."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline import build, diff, load, resolve_id
from pipeline.cli import app
from pipeline.errors import UsageError
from pipeline.reconcile import incident_id
from tests.conftest import HEADER, write

A1 = "a1,Reuters,2024-01-05,drone attack,2024-01-04,Al-Asad Air Base,Iraq,,,\n"
A2 = "a2,AP,2024-01-06,drone attack,2024-01-04,Al-Asad Air Base,Iraq,,,\n"
A2_MOVED = "a2,AP,2024-01-06,drone attack,2024-01-04,Erbil Air Base,Iraq,,,\n"  # a correction
B1 = "b1,Rudaw,2024-01-05,drone attack,2024-01-04,Erbil Air Base,Iraq,,,\n"
A0 = "a0,Shafaq News,2024-01-04T20:00:00+03:00,drone attack,2024-01-04,Al-Asad Air Base,Iraq,,,\n"
A, B, A0_ID = incident_id("a1"), incident_id("b1"), incident_id("a0")


def _version(raw: Path, out: Path, *rows: str) -> None:
    write(raw, "reports.csv", HEADER + "".join(rows))
    build(raw, out)


@pytest.fixture
def versions(raw: Path, tmp_path: Path) -> Path:
    """v1: A = {a1, a2}, B = {b1}. v2: a correction moves a2 to Erbil: A split into A and B.
    v3: an earlier report a0 at Al-Asad: the incident is now named after it, A absorbed.
    v4: Erbil's reports withdrawn: B removed."""
    out = tmp_path / "out"
    _version(raw, out, A1, A2, B1)
    _version(raw, out, A1, A2_MOVED, B1)
    _version(raw, out, A0, A1, A2_MOVED, B1)
    _version(raw, out, A0, A1)
    return out


def test_lineage_rows_of_each_version(versions):
    rows = lambda v: sorted(map(tuple, load("lineage", v, versions)[  # noqa: E731
        ["old_id", "new_id", "relation"]].astype(object).where(lambda d: d.notna(), None)
        .to_numpy().tolist()))
    assert rows("v2") == sorted([(A, A, "split"), (A, B, "split"), (B, B, "kept")])
    assert rows("v3") == sorted([(A, A0_ID, "absorbed"), (B, B, "kept")])
    assert rows("v4") == sorted([(A0_ID, A0_ID, "kept"), (B, None, "removed")])
    with pytest.raises(UsageError, match="first version: it has no lineage"):
        load("lineage", "v1", versions)


def test_diff_names_splits_and_absorptions(versions):
    assert diff("v1", "v2", versions)["split"] == {A: sorted([A, B])}
    d = diff("v2", "v3", versions)
    assert (d["absorbed"], d["removed"], d["added"]) == ({A: A0_ID}, {A: {}}, {A0_ID: {}})
    out = CliRunner().invoke(app, ["diff", "v2", "v3", "--out", str(versions)]).output
    assert f"> {A0_ID} absorbed {A} (its reports joined {A0_ID})" in out.splitlines()
    out = CliRunner().invoke(app, ["diff", "v1", "v2", "--out", str(versions)]).output
    assert f"< {A} split into {' and '.join(sorted([A, B]))}" in out.splitlines()


def test_resolve_id_follows_an_old_id(versions):
    assert resolve_id(A, "v1", versions) == [A]
    assert resolve_id(A, "v2", versions) == sorted([A, B])
    assert resolve_id(A, "latest", versions) == [A0_ID]  # B, where a2 went, was removed
    assert resolve_id(B, "latest", versions) == []
    with pytest.raises(UsageError, match=f"{A0_ID} first appears in v3, after v1"):
        resolve_id(A0_ID, "v1", versions)


def test_show_history(versions):
    result = CliRunner().invoke(app, ["show", B, "--history", "--out", str(versions)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"v1: published as {B}"
    assert "v2: ~ source_count: 1 → 2" in lines
    assert lines[-1] == "v4: removed → nothing (its reports are gone)"


def test_versions_count_moves(versions):
    from pipeline import publish

    d = publish.descriptor("v2", versions)
    assert {k: d["changes"][k] for k in ("absorbed", "split")} == {"absorbed": 0, "split": 1}


def test_a_moved_incident_shows_its_place_not_its_geometry(raw, tmp_path):
    """A correction moves a report's place: `history` (as `diff`) lists place and latitude, not
    the WKB `geometry` bytes they already say."""
    from pipeline import history

    out = tmp_path / "out"
    _version(raw, out, A1)
    _version(raw, out, A1.replace("Al-Asad Air Base", "Erbil Air Base"))
    changes = history(A, out)[1]["changes"]
    assert {"place", "latitude", "longitude"} <= set(changes) and "geometry" not in changes
    assert set(diff("v1", "v2", out)["changed"][A]) == set(changes)


def test_a_later_version_validates(versions):
    """Versions after the first also publish lineage.parquet: its schema is checked, and the
    expectation suites run on the SPEC §7 tables (there is no suite for lineage)."""
    result = CliRunner().invoke(app, ["validate", "v2", "--out", str(versions)])
    assert (result.exit_code, result.output.strip()) == (0, "v2: valid (76 expectations passed)")
