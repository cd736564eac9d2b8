"""`python -m benchmarks.place_forms [FORM ...]`: the forms reports and coders write places in,
filled with the gazetteer's own names, and how each resolves.

The gold files hold the strings their writers thought of; a rule can be right on all of them
and wrong for most names written the same way (`the district of X` gave the seat town for 661
of the region's 1,020 districts). Here every district, province, capital and a sample of
villages of the region fills each form, and each answer is scored against the unit the form
names:

- right: the unit the form names (or, for a district, its seat town, or a point in it);
- coarser: a unit that holds it (its province, the country);
- ambiguous: quarantined as naming several places;
- wrong: another place or unit. These are the ones to read (`--show`).

The gazetteer is the truth here, so this measures the parser, not the gazetteer: a district
whose point GeoNames puts 50 km from its seat is no error of ours. `tests/test_places.py`
runs a sample of each form.
"""

from __future__ import annotations

import random
import sys
from collections import Counter
from collections.abc import Callable, Iterator

REGION = {"YE": "Yemen", "SY": "Syria", "LB": "Lebanon", "IQ": "Iraq", "PS": "Palestine",
          "IR": "Iran", "JO": "Jordan", "IL": "Israel", "SA": "Saudi Arabia"}
ARAB = {"YE": "اليمن", "SY": "سوريا", "LB": "لبنان", "IQ": "العراق", "PS": "فلسطين",
        "JO": "الأردن"}
NEAR_KM = 10.0  # a point this close to the named village is that village


def _districts(gaz) -> Iterator[int]:  # noqa: ANN001
    rows = gaz.rows
    return (i for i in range(len(rows)) if rows.kind[i] == "admin2" and rows.iso2[i] in REGION)


def _villages(gaz, count: int, seed: int) -> list[int]:  # noqa: ANN001
    """A sample of GeoNames places of the five Arab theatres that GeoNames files in a district."""
    rows = gaz.rows
    found = [i for i in range(len(rows)) if rows.iso2[i] in ("YE", "SY", "LB", "IQ", "PS")
             and rows.kind[i] != "admin2" and rows.admin2[i] and rows.geonames_id[i]]
    random.Random(seed).shuffle(found)
    return found[:count]


def _province(gaz, i: int) -> str:  # noqa: ANN001
    return gaz.admin1.get((gaz.rows.iso2[i], gaz.rows.code[i]), ("?",))[0]


def _score_unit(gaz, place, i: int, unit: str) -> str:  # noqa: ANN001
    """A district's form: right when the district, or its seat (a town of its province spelled
    as it is, as a district's name alone reads: `Baquba` is Baqubah, which GeoNames files
    under Muqdadiya), or a point GeoNames files in it; coarser when its province or country."""
    from pipeline.places import _spelled_close, fold

    rows = gaz.rows
    if place.geo_precision == "admin2":
        return "right" if fold(place.admin2 or place.place) == fold(rows.name[i]) else "wrong"
    if place.geo_precision in ("point", "near"):
        inside = fold(place.admin2 or "") == fold(rows.name[i]) or _spelled_close(
            fold(rows.name[i]), place.place)
        return "right" if inside and place.admin1 == unit else "wrong"
    return "coarser" if place.admin1 in (unit, None) else "wrong"


def _score_point(gaz, place, i: int) -> str:  # noqa: ANN001
    from pipeline.geo import km

    rows = gaz.rows
    if place.geo_precision in ("point", "near"):
        far = km(place.latitude, place.longitude, rows.lat[i], rows.lon[i])
        return "right" if far <= NEAR_KM else "wrong"
    return "coarser" if place.admin1 in (_province(gaz, i), None) else "wrong"


def _districts_form(template: str) -> Callable:
    def cases(gaz, count: int, seed: int):  # noqa: ANN001, ANN202
        for i in _districts(gaz):
            unit = _province(gaz, i)
            yield (template.format(name=gaz.rows.name[i], province=unit), REGION[gaz.rows.iso2[i]],
                   lambda p, i=i, unit=unit: _score_unit(gaz, p, i, unit))
    return cases


def _province_word(gaz, count: int, seed: int):  # noqa: ANN001, ANN202
    """Each name a province of the region bears (in Latin script), then `governorate`."""
    for key, codes in gaz.admin1_names.items():
        if not key.isascii():
            continue
        for code in codes:
            if code[0] in REGION:
                name = gaz.admin1[code][0]
                yield (f"{key.title()} governorate", REGION[code[0]],
                       lambda p, name=name: "right" if p.geo_precision == "admin1"
                       and p.admin1 == name else "coarser" if p.geo_precision == "country"
                       else "wrong")


def _capital_towns(gaz) -> dict[int, tuple[str, str]]:  # noqa: ANN001
    """The region's towns of 50,000 or more whose name is their province's, spelled alike
    (`places._capital_of`): row → the province's key."""
    from pipeline.places import _capital_of

    rows = gaz.rows
    return {i: key for i in range(len(rows))
            if rows.iso2[i] in REGION and rows.kind[i] == "town" and rows.population[i] >= 50_000
            and (key := _capital_of(gaz, i)) is not None}


def _capital_spellings(template: str) -> Callable:
    """A province's form (`the province of X`) for each Latin spelling the gazetteers give
    its capital (a town of 50,000 or more whose name is its province's, spelled alike)."""
    def cases(gaz, count: int, seed: int):  # noqa: ANN001, ANN202
        rows = gaz.rows
        capitals = _capital_towns(gaz)
        for key, code in gaz.names.first.items():
            for i in gaz.names.at(code):
                if i in capitals and key.isascii() and len(key) > 3:
                    name = gaz.admin1[capitals[i]][0]
                    yield (template.format(name=key.title()), REGION[rows.iso2[i]],
                           lambda p, name=name: "right" if p.geo_precision == "admin1"
                           and p.admin1 == name else "coarser" if p.geo_precision == "country"
                           else "wrong")
    return cases


def _villages_form(template: str) -> Callable:
    def cases(gaz, count: int, seed: int):  # noqa: ANN001, ANN202
        rows = gaz.rows
        for i in _villages(gaz, count, seed):
            text = template.format(name=rows.name[i], district=rows.admin2[i],
                                   province=_province(gaz, i))
            yield text, REGION[rows.iso2[i]], lambda p, i=i: _score_point(gaz, p, i)
    return cases


def _arabic_towns(gaz, count: int, seed: int):  # noqa: ANN001, ANN202
    """`مدينة X` (the city of X) for the Arabic names of the Arab theatres' towns of 5,000."""
    import re

    rows = gaz.rows
    arabic = re.compile(r"^[\u0600-\u06ff ]+$")
    for key, code in gaz.names.first.items():
        if not arabic.match(key):
            continue
        for i in gaz.names.at(code):
            if rows.iso2[i] in ARAB and rows.kind[i] == "town" and rows.population[i] >= 5000:
                yield f"مدينة {key}", ARAB[rows.iso2[i]], lambda p, i=i: _score_point(gaz, p, i)
                break


def _arabic_sample(gaz, count: int, seed: int) -> list[tuple[int, str, str]]:  # noqa: ANN001
    """A sample of the Arab theatres' villages and towns with an Arabic name: (row, its
    Arabic name, admin1.csv's Arabic name of its province)."""
    import csv
    import re
    from pathlib import Path

    import pipeline

    rows = gaz.rows
    data = Path(pipeline.__file__).parent / "data" / "admin1.csv"
    with data.open(encoding="utf-8") as fh:
        arabic_province = {(r["iso2"], r["admin1"]): r["admin1_ar"]
                           for r in csv.DictReader(fh) if r.get("admin1_ar")}
    arabic = re.compile(r"^[\u0600-\u06ff ]+$")
    found: dict[int, str] = {}
    for key, code in gaz.names.first.items():
        if arabic.match(key):
            for i in gaz.names.at(code):
                if rows.iso2[i] in ARAB and rows.kind[i] in ("village", "town"):
                    found.setdefault(i, key)
    items = sorted(found.items())
    random.Random(seed).shuffle(items)
    return [(i, key, province) for i, key in items[:count]
            if (province := arabic_province.get((rows.iso2[i], _province(gaz, i))))]


def _arabic_villages(template: str) -> Callable:
    """An Arabic form of a place and its province (`قرية X في محافظة Y`), filled with the Arabic
    names of villages and towns of the Arab theatres (a sample) and admin1.csv's Arabic
    province names."""
    def cases(gaz, count: int, seed: int):  # noqa: ANN001, ANN202
        for i, key, province in _arabic_sample(gaz, count, seed):
            yield (template.format(name=key, province=province), ARAB[gaz.rows.iso2[i]],
                   lambda p, i=i: _score_point(gaz, p, i))
    return cases


def _arabic_districts(template: str) -> Callable:
    """A form of a district's Arabic name (the gazetteers' Arabic names of the Arab theatres'
    districts), scored as the district forms are."""
    def cases(gaz, count: int, seed: int):  # noqa: ANN001, ANN202
        import re

        rows = gaz.rows
        arabic = re.compile(r"^[\u0600-\u06ff ]+$")
        for key, code in sorted(gaz.admin2_names.first.items()):
            if arabic.match(key):
                for i in gaz.admin2_names.at(code):
                    if rows.kind[i] == "admin2" and rows.iso2[i] in ARAB:
                        unit = _province(gaz, i)
                        yield (template.format(name=key), ARAB[rows.iso2[i]],
                               lambda p, i=i, unit=unit: _score_unit(gaz, p, i, unit))
    return cases


_COMPASS = ("north", "northeast", "east", "southeast", "south", "southwest", "west",
            "northwest")
_COMPASS_AR = ("شمال", "شمال شرق", "شرق", "جنوب شرق", "جنوب", "جنوب غرب", "غرب", "شمال غرب")


def _bearing(lat1: float, lon1: float, lat2: float, lon2: float) -> int:
    """The point of the 8-point compass (0 north, clockwise) from the first point to the
    second."""
    import math

    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    y = math.sin(dl) * math.cos(p2)
    x = math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl)
    return round(math.degrees(math.atan2(y, x)) % 360 / 45) % 8


def _capitals(gaz) -> dict[tuple[str, str], int]:  # noqa: ANN001
    """Each province's capital: its largest town of 50,000 or more spelled as the province
    (Idlib's Idlib, Al Hudaydah's Al Hudaydah), where it has one."""
    population = gaz.rows.population
    out: dict[tuple[str, str], int] = {}
    for i, key in _capital_towns(gaz).items():
        if key not in out or population[i] > population[out[key]]:
            out[key] = i
    return out


def _directed(gaz, i: int, capitals: dict) -> int | None:  # noqa: ANN001
    """The compass point from the capital of village i's province to it, or None when its
    province has no capital or it lies within 5 km of it (no direction to speak of)."""
    from pipeline.geo import km

    rows = gaz.rows
    capital = capitals.get((rows.iso2[i], rows.code[i]))
    if capital is None or km(rows.lat[i], rows.lon[i], rows.lat[capital],
                             rows.lon[capital]) < 5.0:
        return None
    return _bearing(rows.lat[capital], rows.lon[capital], rows.lat[i], rows.lon[i])


def _directed_villages(template: str) -> Callable:
    """A village by its direction from its province's capital (`the village of X northwest of
    Y`, with no comma), the direction the true one from the capital's point."""
    def cases(gaz, count: int, seed: int):  # noqa: ANN001, ANN202
        rows = gaz.rows
        capitals = _capitals(gaz)
        for i in _villages(gaz, count, seed):
            point = _directed(gaz, i, capitals)
            if point is not None:
                text = template.format(name=rows.name[i], direction=_COMPASS[point],
                                       capital=_province(gaz, i))
                yield text, REGION[rows.iso2[i]], lambda p, i=i: _score_point(gaz, p, i)
    return cases


def _arabic_directed(gaz, count: int, seed: int):  # noqa: ANN001, ANN202
    """`قرية X شمال غرب Y` (the village of X northwest of Y), filled as `_directed_villages`
    with the villages' Arabic names and admin1.csv's Arabic names of their provinces."""
    capitals = _capitals(gaz)
    for i, key, province in _arabic_sample(gaz, count, seed):
        point = _directed(gaz, i, capitals)
        if point is not None:
            yield (f"قرية {key} {_COMPASS_AR[point]} {province}", ARAB[gaz.rows.iso2[i]],
                   lambda p, i=i: _score_point(gaz, p, i))


FORMS: dict[str, Callable] = {
    "district": _districts_form("{name}"),
    "X district": _districts_form("{name} district"),
    "the district of X": _districts_form("the district of {name}"),
    "district, province": _districts_form("{name}, {province}"),
    "X governorate": _province_word,
    "the province of X": _capital_spellings("the province of {name}"),
    "X province": _capital_spellings("{name} province"),
    "village, district, province": _villages_form("{name}, {district}, {province}"),
    "village, district": _villages_form("{name}, {district}"),
    "the village of X in Y province": _villages_form("the village of {name} in {province} "
                                                     "province"),
    "the village of X in Y": _villages_form("the village of {name} in {province}"),
    "X in Y": _villages_form("{name} in {province}"),
    "X in the Y district of Z": _villages_form("{name} in the {district} district of "
                                               "{province}"),
    "near village, province": _villages_form("near {name}, {province}"),
    # not a form of the tests: a village 100 km from its capital is not "near" it
    "X, near Y": _villages_form("{name}, near {province}"),
    "le village de X, à Y": _villages_form("le village de {name}, à {province}"),
    "مدينة X": _arabic_towns,
    "X (a district's Arabic name)": _arabic_districts("{name}"),
    "مديرية X": _arabic_districts("مديرية {name}"),
    "قرية في قضاء X": _arabic_districts("قرية في قضاء {name}"),
    "قرية X في محافظة Y": _arabic_villages("قرية {name} في محافظة {province}"),
    "بلدة X بريف Y": _arabic_villages("بلدة {name} بريف {province}"),
    "قرية X في Y": _arabic_villages("قرية {name} في {province}"),
    "X في Y": _arabic_villages("{name} في {province}"),
    "بلدة X الحدودية": _arabic_villages("بلدة {name} الحدودية"),
    "the X front (a capital's spelling)": _capital_spellings("the {name} front"),
    "the X front (a district)": _districts_form("the {name} front"),
    "جبهة X": _arabic_districts("جبهة {name}"),
    "the village of X northwest of Y": _directed_villages("the village of {name} {direction} "
                                                          "of {capital}"),
    "قرية X شمال غرب Y": _arabic_directed,
}


def check(form: str, count: int = 3000, seed: int = 1, show: int = 0) -> Counter:
    """Resolve every text of one form; the counts of right, coarser, ambiguous and wrong (and,
    with `show`, print that many wrong ones)."""
    from pipeline.places import PlaceError, gazetteer, resolve_place

    gaz = gazetteer()
    counts: Counter = Counter()
    for text, country, score in FORMS[form](gaz, count, seed):
        try:
            place = resolve_place(text, country)
        except PlaceError as exc:
            counts["ambiguous" if exc.reason == "place_ambiguous" else "unresolved"] += 1
            continue
        verdict = score(place)
        counts[verdict] += 1
        if verdict == "wrong" and show > 0:
            show -= 1
            print(f"  wrong: {text!r} -> {place.place} ({place.admin1}, {place.geo_precision}, "
                  f"{place.place_method})")
    return counts


def main() -> None:
    show = 10 if "--show" in sys.argv else 0
    forms = [a for a in sys.argv[1:] if not a.startswith("--")] or list(FORMS)
    for form in forms:
        counts = check(form, show=show)
        total = sum(counts.values())
        print(f"{form}: {total:,} texts; " + ", ".join(
            f"{k} {counts[k]:,}" for k in ("right", "coarser", "ambiguous", "unresolved", "wrong")
            if counts[k]))


if __name__ == "__main__":
    main()
