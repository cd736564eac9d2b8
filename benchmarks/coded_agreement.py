"""`python -m benchmarks.coded_agreement acled|ucdp FILE.csv`: a coded export imported as is,
scored against itself (issue 15's measure).

The file is imported into a temporary raw folder and built like any other, then every row of
the export is looked up in what the build published:

- rows: how many came back as reports, how many went to quarantine (by reason), how many were
  lost (neither: there must be none);
- incidents: how many hold more than one row of the export (its coders already merged their
  sources, so there must be none);
- admin1: the rows whose published admin1 is the unit the export names. Names are compared as
  units, not strings: the export's admin1 is mapped to ours by `places.known_admin1`
  (`Al Anbar` is our `Anbar`); a name our table does not know cannot agree, and is counted
  apart;
- points: the rows whose published point lies within 1 km of the export's.

Nothing is written outside a temporary folder. No coded data ships with the repository: run
it on an export you hold; `tests/test_exchange.py` runs it on the format-only fixtures.
"""

from __future__ import annotations

import sys
import tempfile
from collections import Counter
from pathlib import Path

POINT_KM = 1.0
# Per dataset: its id, admin1, latitude and longitude columns, and the prefix of our report_id.
COLUMNS = {"acled": ("event_id_cnty", "admin1", "latitude", "longitude", "acled:"),
           "ucdp": ("id", "adm_1", "latitude", "longitude", "ucdp:")}


def agreement(dataset: str, path: Path | str) -> dict:
    """Import, build and compare (module docstring); the figures as a dict."""
    import pycountry

    import pipeline
    from pipeline.exchange import DATASETS, _read_table, import_file
    from pipeline.geo import km
    from pipeline.places import known_admin1

    key, admin1_col, lat_col, lon_col, prefix = COLUMNS[dataset]
    table = _read_table(Path(path), DATASETS[dataset], (key, admin1_col, lat_col, lon_col))
    at = table.header.index(key)  # a row of more or fewer fields than the header is
    rows = [dict(zip(table.header, fields, strict=True)) if len(fields) == len(table.header)
            else {key: fields[at] if at < len(fields) else ""}  # quarantined: its id alone
            for _, fields in table.rows]
    with tempfile.TemporaryDirectory() as tmp:
        import_file(dataset, path, Path(tmp) / "raw")
        pipeline.build(Path(tmp) / "raw", Path(tmp) / "out")
        reports = pipeline.load("reports", root=Path(tmp) / "out").set_index("report_id")
        quarantine = pipeline.load("quarantine", root=Path(tmp) / "out")
    reasons = Counter(quarantine["reason"])
    quarantined = set(quarantine["report_id"])
    lost = [r[key] for r in rows if prefix + r[key] not in reports.index
            and prefix + r[key] not in quarantined]
    shared = reports.groupby("incident_id").size()
    admin1 = agree = unknown = points = near = 0
    misses: list[dict] = []
    for r in rows:
        rid = prefix + r[key]
        if rid not in reports.index:
            continue
        got = reports.loc[rid]
        if r[admin1_col]:
            admin1 += 1
            want = known_admin1(pycountry.countries.get(alpha_3=got["iso3"]).alpha_2,
                                r[admin1_col])
            ours = None if got["admin1"] != got["admin1"] else got["admin1"]  # NaN → None
            unknown += want is None
            agree += want is not None and want == ours
            if want is None or want != ours:
                misses.append({"id": r[key], "admin1": r[admin1_col], "ours": ours})
        try:
            theirs = float(r[lat_col]), float(r[lon_col])
        except ValueError:
            continue
        if got["latitude"] == got["latitude"]:  # not NaN
            points += 1
            near += km(*theirs, got["latitude"], got["longitude"]) <= POINT_KM
    return {"file": Path(path).name, "dataset": dataset, "rows": len(rows),
            "reports": len(reports), "quarantined": len(quarantined),
            "quarantine_reasons": dict(sorted(reasons.items())), "lost": lost,
            "incidents": int(len(shared)), "incidents_of_several_rows": int((shared > 1).sum()),
            "admin1_rows": admin1, "admin1_agree": agree, "admin1_unknown_names": unknown,
            "admin1_share": round(agree / admin1, 4) if admin1 else None,
            "point_rows": points, "points_within_1km": near,
            "point_share": round(near / points, 4) if points else None,
            "admin1_misses": misses}


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in COLUMNS:
        print("usage: python -m benchmarks.coded_agreement acled|ucdp FILE.csv", file=sys.stderr)
        return 2
    result = agreement(argv[0], argv[1])
    print(f"{result['file']}: {result['rows']} rows → {result['reports']} reports, "
          f"{result['quarantined']} quarantined {result['quarantine_reasons']}, "
          f"{len(result['lost'])} lost; {result['incidents']} incidents, "
          f"{result['incidents_of_several_rows']} holding several rows; admin1 as the export's "
          f"{result['admin1_agree']} of {result['admin1_rows']} ({result['admin1_share']}), "
          f"{result['admin1_unknown_names']} names our table lacks; points within "
          f"{POINT_KM:.0f} km {result['points_within_1km']} of {result['point_rows']} "
          f"({result['point_share']})")
    for miss in result["admin1_misses"]:
        print(f"  admin1: {miss['id']} {miss['admin1']!r} → ours {miss['ours']!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
