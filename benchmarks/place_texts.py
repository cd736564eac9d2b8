"""Every place text the repo holds, resolved, to see what a change to the places rules moves.

    python -m benchmarks.place_texts snapshot before.json   # with the rules before
    python -m benchmarks.place_texts snapshot after.json    # with the rules after
    python -m benchmarks.place_texts diff before.json after.json
    python -m benchmarks.place_texts snapshot --bare-names names.json  # the gazetteer's names

The texts: those of 20,000 synthetic reports of each of the shapes `long_tail`, `today` and
`dense` (seed 0), of the sample in data/raw and of every gold file in tests/data, each with
its country as given. `diff` prints each (text, country) whose resolution (place, admin1,
precision, method, or the quarantine reason) differs, and the count; a text new in `after`
counts as changed. A rule written for some gold rows should move those rows and say why it
moves any other. With `--bare-names`, the texts are instead the names alone of the region's
districts and of its towns of 1,000 people or more, each with its country (4,011 texts):
what a rule about names that several places bear moves.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLD = ["reconcile_gold.csv", "reconcile_dense_gold.csv", "places_gold_region.csv",
        "places_gold.csv"]
SHAPES = ("long_tail", "today", "dense")


def texts(rows_per_shape: int = 20_000) -> set[tuple[str, str]]:
    """(place text, country) of the synthetic reports, the sample and the gold files."""
    from benchmarks.synth import synth_reports

    found: set[tuple[str, str]] = set()
    for shape in SHAPES:
        frame = synth_reports(rows_per_shape, 0, shape)
        found |= set(zip(frame["place"].fillna(""), frame["country"].fillna(""), strict=True))
    files = sorted((ROOT / "data" / "raw").rglob("*.csv")) + [ROOT / "tests" / "data" / name
                                                              for name in GOLD]
    for path in files:
        with path.open(encoding="utf-8", newline="") as fh:
            found |= {(row["place"] or "", row["country"] or "") for row in csv.DictReader(fh)}
    return found


# The region's countries, as bare names are given with them.
BARE_COUNTRIES = {"YE": "Yemen", "SY": "Syria", "LB": "Lebanon", "IQ": "Iraq", "PS": "Palestine",
                  "IR": "Iran", "JO": "Jordan", "IL": "Israel", "SA": "Saudi Arabia"}


def bare_names() -> set[tuple[str, str]]:
    """(name, country) of the region's districts and of its towns of 1,000 people or more."""
    from pipeline.places import gazetteer

    rows = gazetteer().rows
    return {(rows.name[i], BARE_COUNTRIES[rows.iso2[i]]) for i in range(len(rows))
            if rows.iso2[i] in BARE_COUNTRIES and (rows.kind[i] == "admin2" or (
                rows.kind[i] == "town" and rows.population[i] >= 1000))}


def snapshot(out: Path, bare: bool = False) -> int:
    """Resolve every text (or, `bare`, every bare name) and write {text + TAB + country:
    resolution} as JSON."""
    from pipeline.places import PlaceError, resolve_place

    result: dict[str, list[str | None]] = {}
    for text, country in sorted(bare_names() if bare else texts()):
        try:
            p = resolve_place(text, country or None)
            result[f"{text}\t{country}"] = [p.place, p.admin1, p.geo_precision, p.place_method]
        except PlaceError as exc:
            result[f"{text}\t{country}"] = [exc.reason]
    out.write_text(json.dumps(result, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    return len(result)


def diff(before: Path, after: Path) -> list[tuple[str, list | None, list]]:
    """The texts of `after` whose resolution differs from `before`'s (or that it lacks)."""
    old = json.loads(before.read_text(encoding="utf-8"))
    new = json.loads(after.read_text(encoding="utf-8"))
    return [(key, old.get(key), value) for key, value in new.items() if old.get(key) != value]


def main() -> None:
    match sys.argv[1:]:
        case ["snapshot", out]:
            print(f"{snapshot(Path(out)):,} place texts resolved into {out}")
        case ["snapshot", "--bare-names", out]:
            print(f"{snapshot(Path(out), bare=True):,} bare names resolved into {out}")
        case ["diff", before, after]:
            changed = diff(Path(before), Path(after))
            for key, old, new in changed:
                print(f"{key!r}: {old} -> {new}")
            print(f"{len(changed)} of {len(json.loads(Path(after).read_text()))} place texts "
                  "resolve differently")
        case _:
            sys.exit(__doc__)


if __name__ == "__main__":
    main()
