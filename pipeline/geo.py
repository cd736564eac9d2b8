"""Points: the distance between two (`km`), and GeoParquet 1.0.0 (a WKB `geometry` column and
the `geo` file metadata). Both `places` and `reconcile` measure distances; both use `km`.

GIS readers (`geopandas.read_parquet`, QGIS, DuckDB spatial) find a layer only through a
binary WKB column named in the file's `geo` key; latitude and longitude stay the columns
people filter on, and the geometry is derived from them, never the other way round. Written
with numpy and `struct`, not a geometry library: a point is 21 fixed bytes, and the bytes
must not depend on a library's version (published files are byte-reproducible).
"""

from __future__ import annotations

import json
import math
import struct

import numpy as np
import pyarrow as pa

EARTH_KM = 6371.0  # the mean radius: a sphere is exact enough for "the same village" or "60 km"


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return EARTH_KM * 2 * math.asin(math.sqrt(a))


GEOMETRY = "geometry"
# WKB Point, little-endian: byte order 1, geometry type 1 (Point, 2D), then x and y doubles.
POINT = struct.Struct("<BIdd")
_WKB = np.dtype([("order", "u1"), ("kind", "<u4"), ("x", "<f8"), ("y", "<f8")])  # 21 bytes


def wkb_point(longitude: float, latitude: float) -> bytes:
    """One point as little-endian WKB: x is the longitude, y the latitude (OGC:CRS84 order)."""
    return POINT.pack(1, 1, longitude, latitude)


def _floats(column: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """A coordinate column as float64 numpy, null → NaN."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    return np.asarray(column.cast(pa.float64()).to_numpy(zero_copy_only=False), dtype="f8")


def point_array(latitude: pa.ChunkedArray | pa.Array, longitude: pa.ChunkedArray | pa.Array
                ) -> pa.Array:
    """WKB points for whole columns at once (a million reports take milliseconds); null where
    either coordinate is null or NaN, so a row without a point has no geometry."""
    lat, lon = _floats(latitude), _floats(longitude)
    valid = ~(np.isnan(lat) | np.isnan(lon))
    points = np.zeros(int(valid.sum()), dtype=_WKB)
    points["order"], points["kind"] = 1, 1
    points["x"], points["y"] = lon[valid], lat[valid]
    offsets = np.zeros(len(lat) + 1, dtype="<i4")
    np.cumsum(valid * _WKB.itemsize, out=offsets[1:])
    bitmap = np.packbits(valid, bitorder="little")
    return pa.Array.from_buffers(
        pa.binary(), len(lat),
        [pa.py_buffer(bitmap.tobytes()), pa.py_buffer(offsets.tobytes()),
         pa.py_buffer(points.tobytes())],
        null_count=int((~valid).sum()))


def geo_metadata(latitude: pa.ChunkedArray | pa.Array, longitude: pa.ChunkedArray | pa.Array
                 ) -> bytes:
    """The `geo` file metadata of GeoParquet 1.0.0 for one point column.

    `crs` is omitted on purpose: omitted means OGC:CRS84 (WGS 84, longitude then latitude),
    which is what the coordinates are; `null` would mean "unknown". The bbox is
    [min lon, min lat, max lon, max lat] of the points, left out when there is none. Keys are
    sorted and floats written by repr, so equal tables give equal bytes."""
    column: dict = {"encoding": "WKB", "geometry_types": ["Point"]}
    lat, lon = _floats(latitude), _floats(longitude)
    valid = ~(np.isnan(lat) | np.isnan(lon))
    if valid.any():
        column["bbox"] = [float(lon[valid].min()), float(lat[valid].min()),
                          float(lon[valid].max()), float(lat[valid].max())]
    meta = {"version": "1.0.0", "primary_column": GEOMETRY, "columns": {GEOMETRY: column}}
    return json.dumps(meta, sort_keys=True, separators=(",", ":")).encode()


def with_geometry(table: pa.Table) -> pa.Table:
    """A table with latitude/longitude → the same table with its `geometry` column set from
    them (appended when absent) and the `geo` file metadata; any other metadata is dropped."""
    points = point_array(table.column("latitude"), table.column("longitude"))
    if GEOMETRY in table.column_names:
        i = table.column_names.index(GEOMETRY)
        table = table.set_column(i, pa.field(GEOMETRY, pa.binary()), points)
    else:
        table = table.append_column(pa.field(GEOMETRY, pa.binary()), points)
    meta = geo_metadata(table.column("latitude"), table.column("longitude"))
    return table.replace_schema_metadata({b"geo": meta})
