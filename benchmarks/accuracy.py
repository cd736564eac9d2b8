"""`make accuracy`: the normalizers scored against the hand-checked gold files in tests/data.

- places_gold.csv: reported place strings from the first theatre (US forces in Iraq, Syria,
  Jordan) and places_gold_region.csv: 904 strings from other theatres (Yemen's front lines,
  Gaza and the West Bank, south Lebanon, north Syria, Iran, ...), with the truth's ISO3,
  admin1 and coordinates (never from GeoNames), or the quarantine the truth expects.
- reconcile_gold.csv (sparse 2023-24 events) and reconcile_dense_gold.csv (dense front-line
  days): real reports from several outlets, each labelled with the real-world incident it
  describes (`gold_incident`, at SPEC §6's grain); *_incidents.csv: each incident's
  killed/injured low and high, read off the reports by hand.
- actors_gold.csv: actor names as reports and coded datasets write them (English, Arabic,
  French; every theatre), with the canonical actor each names, or none where the text names
  no actor we can tell (`civilians`, `Yemeni Armed Forces`, which both sides call themselves).

Figures: ISO3/admin1 agreement, the share of points within 25 km and the confidently wrong
answers; pairwise merge precision and recall (a pair is two reports put in one incident) and
the incidents whose low/high figures are exactly right; the actor names read right, missed
(kept as written though they name a known actor) and wrong (read as another actor, or as one
where none is named). tests/test_places.py, tests/test_reconcile.py and tests/test_events.py
assert them.
"""

from __future__ import annotations

import csv
import json
import math
from itertools import combinations
from pathlib import Path

import pandas as pd

GOLD = Path(__file__).resolve().parent.parent / "tests" / "data"
POINT_KM = 25.0
PLACE_GOLD = ["places_gold.csv", "places_gold_region.csv"]
RECONCILE_GOLD = ["reconcile_gold", "reconcile_dense_gold"]
FIGURES = ["killed_low", "killed_high", "injured_low", "injured_high"]


WRONG_KM = 50.0
# A truth at these precisions names no single point (a district, a province, several places):
# a point or `near` published for it claims a place the text does not give.
COARSE = ("admin2", "admin1", "country")
EXPECT_ERROR = {"ambiguous": "place_ambiguous", "unresolved": "place_unresolved"}


def places_accuracy(path: Path = GOLD / "places_gold.csv") -> dict:
    """Resolve every gold place string; count ISO3, admin1 and point agreement, and the
    confidently wrong answers: published as `point`/`near` but more than `WRONG_KM` from the
    truth, in another country or (when it names one) another province than the truth, or for
    a text the truth says is ambiguous or names no place; and the over-precise ones: published
    as `point`/`near` where the truth is a district, a province, a country or a list."""
    from pipeline.geo import km as distance
    from pipeline.places import PlaceError, resolve_place

    with open(path, encoding="utf-8", newline="") as fh:
        gold = list(csv.DictReader(fh))
    iso3 = iso3_n = admin1 = admin1_n = points = points_n = errors = errors_n = wrong = 0
    precise = 0
    misses: list[dict] = []
    over: list[dict] = []
    for row in gold:
        want_error = EXPECT_ERROR.get(row.get("precision", ""))
        has_point = bool(row["latitude"]) and row["precision"] in ("point", "near")
        try:
            got = resolve_place(row["place"], row["country"] or None)
        except PlaceError as exc:
            if want_error:
                errors_n += 1
                errors += exc.reason == want_error
            iso3_n += bool(row["iso3"])
            admin1_n += bool(row["admin1"])
            points_n += has_point
            if exc.reason != want_error:
                misses.append({"place": row["place"], "expected": want_error or row["iso3"],
                               "got": exc.reason})
            continue
        ok = True
        if want_error:
            errors_n += 1
            ok = False
        if row["iso3"]:
            iso3_n += 1
            iso3 += got.iso3 == row["iso3"]
            ok &= got.iso3 == row["iso3"]
        if row["admin1"]:
            admin1_n += 1
            ok &= got.admin1 == row["admin1"]
            admin1 += got.admin1 == row["admin1"]
        km = math.inf
        if has_point:
            points_n += 1
            km = (distance(float(row["latitude"]), float(row["longitude"]), got.latitude, got.longitude)
                  if got.latitude is not None and not math.isnan(got.latitude) else math.inf)
            ok &= km <= POINT_KM
            points += km <= POINT_KM
        if got.geo_precision in ("point", "near"):
            precise += 1
            off = ((has_point and km > WRONG_KM) or bool(want_error)
                   or (row["iso3"] and got.iso3 != row["iso3"])
                   or (row["admin1"] and got.admin1 and got.admin1 != row["admin1"]))
            wrong += bool(off)
            if row["precision"] in COARSE:
                over.append({"place": row["place"], "expected": row["precision"],
                             "got": f"{got.place} ({got.geo_precision}, {got.place_method})"})
        else:
            off = False
        if not ok:
            misses.append({"place": row["place"], "expected": f"{row['iso3']}/{row['admin1']}"
                           + (f" {row['precision']}" if want_error else ""),
                           "got": f"{got.iso3}/{got.admin1} {got.place} ({got.geo_precision}, "
                                  f"{got.place_method})", "confidently_wrong": bool(off)})
    return {"file": path.name, "places": len(gold), "iso3": round(iso3 / max(iso3_n, 1), 4),
            "admin1": round(admin1 / max(admin1_n, 1), 4), "admin1_n": admin1_n,
            "points_25km": round(points / max(points_n, 1), 4), "points_n": points_n,
            "errors_expected": errors_n, "errors_right": errors,
            "precise": precise, "confidently_wrong": wrong, "over_precise": len(over),
            "over": over,
            "confidently_wrong_share": round(wrong / max(precise, 1), 4), "misses": misses}


def actors_accuracy(path: Path = GOLD / "actors_gold.csv") -> dict:
    """Each gold name read as a build reads it (`theatre_actor`, in the country its `iso3`
    gives, if any): right, missed (kept as written where it names a known actor) or wrong
    (another actor, or an actor where the gold names none)."""
    from pipeline.events import theatre_actor

    right, missed, wrong = 0, [], []
    rows = _gold_rows(path)
    for row in rows:
        got = theatre_actor(row["text"], row.get("iso3") or None)
        kept = got == " ".join(row["text"].split())
        if (kept and not row["canonical"]) or got == row["canonical"]:
            right += 1
        elif kept:
            missed.append({"text": row["text"], "iso3": row.get("iso3"),
                           "expected": row["canonical"]})
        else:
            wrong.append({"text": row["text"], "iso3": row.get("iso3"),
                          "expected": row["canonical"] or None, "got": got})
    return {"file": path.name, "names": len(rows), "right": right, "missed": missed,
            "wrong": wrong}


def _pairs(groups: pd.Series) -> set[tuple[str, str]]:
    """Every unordered pair of report ids that share a group label."""
    out: set[tuple[str, str]] = set()
    for ids in groups.groupby(groups).groups.values():
        out.update(combinations(sorted(ids), 2))
    return out


def reconcile_accuracy(path: Path = GOLD / "reconcile_gold.csv",
                       figures: Path = GOLD / "reconcile_gold_incidents.csv") -> dict:
    """Normalize and reconcile the gold reports as a build does; score the grouping."""
    from pipeline.build import normalize, reconcile_reports

    batch = _read_one(path)
    reports, quarantine = normalize(batch)
    events, reports = reconcile_reports(reports)
    label = {r["report_id"]: r["gold_incident"] for r in _gold_rows(path)}
    reports = reports.set_index("report_id")
    gold = pd.Series({rid: label[rid] for rid in reports.index})
    predicted = reports["incident_id"]
    gold_pairs, got_pairs = _pairs(gold), _pairs(predicted)
    both = len(gold_pairs & got_pairs)
    precision = both / len(got_pairs) if got_pairs else 1.0
    recall = both / len(gold_pairs) if gold_pairs else 1.0
    # incidents whose reports were grouped exactly as the gold says, then their figures
    expected = pd.read_csv(figures, dtype={c: "Int64" for c in FIGURES}).set_index("gold_incident")
    events = events.set_index("incident_id")
    exact = wrong = 0
    figure_misses: list[dict] = []
    for incident, ids in gold.groupby(gold).groups.items():
        found = set(predicted.loc[list(ids)])
        if len(found) != 1 or (predicted == next(iter(found))).sum() != len(ids):
            continue
        row = events.loc[next(iter(found))]
        want = expected.loc[incident, FIGURES]
        got = [None if pd.isna(row[c]) else int(row[c]) for c in FIGURES]
        if got == [None if pd.isna(v) else int(v) for v in want]:
            exact += 1
        else:
            wrong += 1
            figure_misses.append({"incident": incident, "expected": [None if pd.isna(v) else int(v)
                                                                     for v in want], "got": got})
    return {"reports": len(label), "normalized": len(reports), "quarantined": len(quarantine),
            "split_causes": _split_causes(gold_pairs - got_pairs, reports),
            "quarantine": quarantine[["report_id", "reason"]].to_dict("records"),
            "incidents": int(gold.nunique()), "predicted_incidents": int(predicted.nunique()),
            "pairs": len(gold_pairs), "precision": round(precision, 4), "recall": round(recall, 4),
            "split": sorted(gold_pairs - got_pairs), "merged": sorted(got_pairs - gold_pairs),
            "figures_exact": exact, "figures_checked": exact + wrong,
            "figure_misses": figure_misses}


def _split_causes(pairs: set[tuple[str, str]], reports: pd.DataFrame) -> dict[str, int]:
    """Why each gold pair the build kept apart was kept apart, by the first rule that tells
    them apart (reports indexed by report_id)."""
    from pipeline.events import vocabulary
    from pipeline.reconcile import LISTS, UNLOCATED

    family = {k: v.family for k, v in vocabulary().items()}
    causes: dict[str, int] = {}
    for a, b in sorted(pairs):
        x, y = reports.loc[a], reports.loc[b]
        methods = {x["place_method"], y["place_method"]}
        if family[x["event_type"]] != family[y["event_type"]]:
            cause = "two event families"
        elif x["date_end"] < y["date_start"] or y["date_end"] < x["date_start"]:
            cause = "different days"
        elif methods & (set(UNLOCATED) - set(LISTS)):
            cause = "a place the gazetteer cannot locate"
        elif methods & set(LISTS):
            cause = "a wave report and another"
        elif {x["geo_precision"], y["geo_precision"]} <= {"point", "near"}:
            cause = "two precise places"
        else:
            cause = "a coarse report several incidents fit, or another attacker"
        causes[cause] = causes.get(cause, 0) + 1
    return dict(sorted(causes.items(), key=lambda kv: -kv[1]))


def _gold_rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _read_one(path: Path):  # noqa: ANN202
    """The gold file read exactly as a raw folder holding only it would be."""
    import shutil
    import tempfile

    from pipeline.read import read_raw

    with tempfile.TemporaryDirectory() as tmp:
        shutil.copy(path, Path(tmp) / path.name)
        return read_raw(tmp)


def main() -> None:
    all_places = [places_accuracy(GOLD / name) for name in PLACE_GOLD]
    for places in all_places:
        print(f"places ({places['file']}): {places['places']} gold strings; ISO3 "
              f"{places['iso3']:.1%}, admin1 {places['admin1']:.1%} of {places['admin1_n']}, "
              f"points within {POINT_KM:.0f} km {places['points_25km']:.1%} of "
              f"{places['points_n']}, quarantined as the truth says {places['errors_right']} of "
              f"{places['errors_expected']}; confidently wrong {places['confidently_wrong']} of "
              f"{places['precise']} published as point/near "
              f"({places['confidently_wrong_share']:.1%}); over-precise {places['over_precise']}")
        for miss in places["misses"]:
            print(f"  miss: {miss['place']!r}: expected {miss['expected']}, got {miss['got']}")
        for miss in places["over"]:
            print(f"  over-precise: {miss['place']!r}: expected {miss['expected']}, "
                  f"got {miss['got']}")
    recs = {name: reconcile_accuracy(GOLD / f"{name}.csv", GOLD / f"{name}_incidents.csv")
            for name in RECONCILE_GOLD}
    for name, rec in recs.items():
        print(f"reconcile ({name}.csv): {rec['reports']} gold reports ({rec['quarantined']} "
              f"quarantined) in {rec['incidents']} incidents → {rec['predicted_incidents']} "
              f"predicted; pairwise precision {rec['precision']:.3f}, recall {rec['recall']:.3f} "
              f"over {rec['pairs']} pairs; low/high exact for {rec['figures_exact']} of "
              f"{rec['figures_checked']} incidents grouped exactly")
        print(f"  pairs split, by cause: {rec['split_causes']}")
        for a, b in rec["split"]:
            print(f"  split: {a} / {b}")
        for a, b in rec["merged"]:
            print(f"  merged: {a} / {b}")
        for miss in rec["figure_misses"]:
            print(f"  figures {miss['incident']}: expected {miss['expected']}, got {miss['got']}")
    actors = actors_accuracy()
    print(f"actors ({actors['file']}): {actors['names']} names; right {actors['right']}, "
          f"missed {len(actors['missed'])}, wrong {len(actors['wrong'])}")
    for miss in actors["missed"] + actors["wrong"]:
        where = f" in {miss['iso3']}" if miss["iso3"] else ""
        got = f", got {miss['got']}" if "got" in miss else ""
        print(f"  {'wrong' if got else 'missed'}: {miss['text']!r}{where}: expected "
              f"{miss['expected']}{got}")
    out = Path(__file__).parent / "accuracy.json"
    out.write_text(json.dumps({"places": all_places, "reconcile": recs, "actors": actors},
                              indent=2, ensure_ascii=False, default=str) + "\n")


if __name__ == "__main__":
    main()
