"""GeoParquet 1.0.0: the WKB `geometry` column and the `geo` file metadata of events and reports."""

from __future__ import annotations

import json
import struct

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import pipeline
from pipeline.geo import with_geometry, wkb_point
from pipeline.publish import _write_parquet, to_arrow
from pipeline.validate import validation_frame


def _decode(wkb: bytes) -> tuple[float, float]:
    """Read a WKB point with struct alone, as any reader would: (x, y)."""
    order, kind, x, y = struct.unpack("<BIdd", wkb)
    assert (order, kind, len(wkb)) == (1, 1, 21)  # little-endian, Point, 2D
    return x, y


@pytest.mark.parametrize("table", ["events", "reports"])
def test_geometry_is_the_row_point(sample_build, table):
    path = sample_build / "versions" / "v1" / f"{table}.parquet"
    data = pq.read_table(path)
    assert data.schema.names[-1] == "geometry" and data.schema.field("geometry").type == pa.binary()
    rows = data.select(["latitude", "longitude", "geometry"]).to_pylist()
    assert rows and all(_decode(r["geometry"]) == (r["longitude"], r["latitude"]) for r in rows)


@pytest.mark.parametrize("table", ["events", "reports"])
def test_geo_metadata_is_geoparquet_1_0(sample_build, table):
    path = sample_build / "versions" / "v1" / f"{table}.parquet"
    geo = json.loads(pq.read_metadata(path).metadata[b"geo"])
    assert geo["version"] == "1.0.0" and geo["primary_column"] == "geometry"
    column = geo["columns"]["geometry"]
    assert set(column) == {"encoding", "geometry_types", "bbox"}  # no crs: OGC:CRS84
    assert (column["encoding"], column["geometry_types"]) == ("WKB", ["Point"])
    frame = pd.read_parquet(path, columns=["latitude", "longitude"])
    assert column["bbox"] == [frame["longitude"].min(), frame["latitude"].min(),
                              frame["longitude"].max(), frame["latitude"].max()]
    assert column["bbox"] == [35.95398, 32.0268, 44.77443, 36.89778]  # Jordan to Iraq


def test_descriptor_declares_geometry_as_any(sample_build):
    descriptor = json.loads((sample_build / "versions" / "v1" / "datapackage.json").read_text())
    for resource in descriptor["resources"][:2]:
        field = resource["schema"]["fields"][-1]
        assert (field["name"], field["type"]) == ("geometry", "any")


def test_no_point_no_geometry():
    table = with_geometry(pa.table({"latitude": pa.array([33.3152, None, 15.5, float("nan")]),
                                    "longitude": pa.array([44.3661, 44.0, None, 40.0])}))
    values = table.column("geometry").to_pylist()
    assert values[1:] == [None, None, None]
    assert _decode(values[0]) == (44.3661, 33.3152)
    geo = json.loads(table.schema.metadata[b"geo"])
    assert geo["columns"]["geometry"]["bbox"] == [44.3661, 33.3152, 44.3661, 33.3152]
    empty = with_geometry(pa.table({"latitude": pa.array([], pa.float64()),
                                    "longitude": pa.array([], pa.float64())}))
    assert "bbox" not in json.loads(empty.schema.metadata[b"geo"])["columns"]["geometry"]


def test_to_arrow_derives_geometry_and_validation_checks_it(sample_build):
    reports = pipeline.load("reports", root=sample_build).drop(columns="geometry")
    events = pipeline.load("events", root=sample_build).drop(columns="geometry")
    quarantine = pipeline.load("quarantine", root=sample_build)
    reports.loc[0, ["latitude", "longitude"]] = None
    tables = to_arrow({"events": events, "reports": reports, "quarantine": quarantine})
    assert tables["reports"].column("geometry")[0].as_py() is None
    assert tables["reports"].column("geometry").null_count == 1
    frame = tables["reports"].to_pandas()
    assert validation_frame("reports", frame)["_geometry_ok"].all()
    frame.loc[1, "geometry"] = wkb_point(0.0, 0.0)  # a point elsewhere than latitude/longitude
    frame.loc[2, "geometry"] = b"\x00" * 21  # big-endian marker: not what we write
    assert validation_frame("reports", frame)["_geometry_ok"].tolist()[:4] == [True, False, False,
                                                                              True]


def test_a_build_converts_its_frames_column_by_column_to_the_same_tables(sample_build):
    """A build gives its frames up to `to_arrow` (`consume`), which empties each frame as it
    converts it, so that no report is held in pandas and Arrow at once: the tables are the
    ones a conversion of the whole frames gives, schema and metadata included."""
    frames = {name: pipeline.load(name, root=sample_build) for name in
              ("events", "reports", "quarantine")}
    whole = to_arrow(frames)
    given = {name: frame.copy() for name, frame in frames.items()}
    kept = dict(given)
    consumed = to_arrow(given, consume=True)
    assert given == {}
    assert all(kept[name].columns.empty for name in ("events", "reports"))
    for name, table in whole.items():
        assert consumed[name].equals(table, check_metadata=True)
        assert consumed[name].schema.equals(table.schema, check_metadata=True)
    assert whole["reports"].num_rows == 101


def test_geoparquet_bytes_are_reproducible(sample_build, tmp_path):
    """The same tables written twice give the same bytes, metadata included."""
    folder = sample_build / "versions" / "v1"
    table = pq.read_table(folder / "events.parquet")
    for name in ("a", "b"):
        _write_parquet(table, tmp_path / f"{name}.parquet")
    assert (tmp_path / "a.parquet").read_bytes() == (tmp_path / "b.parquet").read_bytes()
    assert pq.read_metadata(tmp_path / "a.parquet").metadata[b"geo"] == \
        pq.read_metadata(folder / "events.parquet").metadata[b"geo"]
