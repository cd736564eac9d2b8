"""Places resolve offline to a point, admin1 and ISO3 with a stated precision (SPEC §4)."""

from __future__ import annotations

import pytest

from pipeline.places import PlaceError, resolve_place


@pytest.mark.parametrize(("text", "hint", "place", "admin1", "iso3", "precision", "method"), [
    ("eastern Baghdad", "", "Baghdad", "Baghdad", "IRQ", "near", "exact"),
    ("بغداد", "", "Baghdad", "Baghdad", "IRQ", "point", "exact"),
    ("Bagdad", "Irak", "Baghdad", "Baghdad", "IRQ", "point", "exact"),
    ("Al-Asad Airbase, western Iraq", "", "Al-Asad Air Base", "Anbar", "IRQ", "point", "curated"),
    ("Ain al-Asad", "", "Al-Asad Air Base", "Anbar", "IRQ", "point", "curated"),
    ("قاعدة عين الأسد، غرب العراق", "العراق", "Al-Asad Air Base", "Anbar", "IRQ", "point",
     "curated"),
    ("near Kirkuk", "", "Kirkuk", "Kirkuk", "IRQ", "near", "exact"),
    ("Tower 22, northeast Jordan", "", "Tower 22", "Mafraq", "JOR", "point", "curated"),
    ("Arbil", "Iraq", "Erbil", "Erbil", "IRQ", "point", "exact"),
    ("Hewler", "", "Erbil", "Erbil", "IRQ", "point", "exact"),
    ("Irbil", "", "Erbil", "Erbil", "IRQ", "point", "exact"),
    ("Al-Boukamal", "Syrie", "Ālbū Kamāl", "Deir ez-Zor", "SYR", "point", "fuzzy"),
    ("Dayr az Zawr", "", "Deir ez-Zor", "Deir ez-Zor", "SYR", "point", "exact"),
    ("Al Qa'im", "", "Al Qā’im", "Anbar", "IRQ", "point", "exact"),
    ("Deir ez-Zor province", "", "Deir ez-Zor", "Deir ez-Zor", "SYR", "admin1", "admin1"),
    ("Al Bukamal and Mayadin", "", "Deir ez-Zor", "Deir ez-Zor", "SYR", "admin1", "list_admin1"),
    ("nord-est de la Jordanie", "", "Jordan", None, "JOR", "country", "country"),
    ("Jordan", "", "Jordan", None, "JOR", "country", "country"),
    ("Mashtal neighborhood in eastern Baghdad", "Iraq", "Baghdad", "Baghdad", "IRQ", "near",
     "mention"),
    ("Jurf al-Sakhar sector, south of Baghdad", "Iraq", "Jurf al-Sakhar", "Babil", "IRQ", "point",
     "curated"),
    ("a training facility near Abu Kamal and a safe house near Mayadin", "Syria", "Deir ez-Zor",
     "Deir ez-Zor", "SYR", "admin1", "list_admin1"),
    # several targets, one of them placed, in the province that holds it (Palinfo, 31 May 2024)
    ("the radio and the port of Salif in Hodeidah Governorate", "Yemen", "Al Hudaydah",
     "Al Hudaydah", "YEM", "admin1", "list_admin1"),
    # one phrase of two nouns stays at the place
    ("a training camp and weapons depot near Abu Kamal in Deir ez-Zor province", "Syria",
     "Ālbū Kamāl", "Deir ez-Zor", "SYR", "near", "mention"),
    ("Al-Qa'im near the Syrian border and Jurf al-Sakhar south of Baghdad", "Iraq", "Iraq", None,
     "IRQ", "country", "list_country"),
    ("Rukban camp near Syria's borders with Iraq and Jordan", "Syria", "Syria", None, "SYR",
     "country", "country_hint"),
    ("محيط شارع بور سعيد شرق مدينة دير الزور", "سوريا", "Deir ez-Zor", "Deir ez-Zor", "SYR", "near",
     "mention"),
])
def test_resolves(text, hint, place, admin1, iso3, precision, method):
    p = resolve_place(text, hint)
    assert (p.place, p.admin1, p.iso3, p.geo_precision, p.place_method) == (
        place, admin1, iso3, precision, method)


def test_point_coordinates_and_geonames_id():
    p = resolve_place("Baghdad")
    assert (p.latitude, p.longitude, p.geonames_id) == (33.34058, 44.40088, 98182)
    base = resolve_place("Al-Asad Air Base")
    assert (base.latitude, base.longitude, base.geonames_id) == (33.78561, 42.4412, None)


@pytest.mark.parametrize(("text", "hint", "reason", "message"), [
    ("Erbil and Damascus", "", "place_ambiguous", "'Erbil and Damascus' names places in IRQ, SYR"),
    ("Iraq and Syria", "", "place_ambiguous", "'Iraq and Syria' names places in IRQ, SYR"),
    ("Xyzzy", "", "place_unresolved", "no place named 'Xyzzy'"),
    ("near Abu Kamal, Iraq", "Syria", "place_ambiguous",
     "'near Abu Kamal, Iraq' names Iraq but the country hint is Syria"),
])
def test_rejections(text, hint, reason, message):
    with pytest.raises(PlaceError) as err:
        resolve_place(text, hint)
    assert (err.value.reason, str(err.value)) == (reason, message)


def test_hint_keeps_fuzzy_matches_in_its_country():
    assert resolve_place("Erbil", "Iraq").iso3 == "IRQ"
    assert resolve_place("Erbil", "Syria").iso3 == "SYR"  # the hint decides, never another country


def test_gold_accuracy():
    """Issue #4's thresholds on 300 reported place strings with independently sourced truth."""
    from benchmarks.accuracy import places_accuracy

    result = places_accuracy()
    assert result["places"] >= 200
    assert result["iso3"] >= 0.99, result["misses"]
    assert result["admin1"] >= 0.95, result["misses"]
    assert result["points_25km"] >= 0.95, result["misses"]


@pytest.mark.parametrize(("text", "hint", "place", "admin1", "iso3"), [
    ("province d'Anbar", "Irak", "Anbar", "Anbar", "IRQ"),  # French elision
    ("près d'Ispahan", "Iran", "Isfahan", "Isfahan", "IRN"),
    ("استان سیستان و بلوچستان", "ایران", "Sistan and Baluchestan", "Sistan and Baluchestan",
     "IRN"),  # Persian letters and a name that holds "and"
    ("in Syria", "Syria", "Syria", None, "SYR"),  # a preposition is not a fuzzy town
    ("مدينة أربيل", "العراق", "Erbil", "Erbil", "IRQ"),  # "the city of", not Medina
    ("قاعدة عسكرية في منطقة الرميلان", "سوريا", "Rmeilan", "Hasakah", "SYR"),  # glued article
    ("the occupied West Bank", None, "West Bank", "West Bank", "PSE"),
    ("Deir al-Balah", "Gaza Strip", "Dayr al Balaḩ", "Gaza Strip", "PSE"),  # territory as hint
    ("Kamaran island", "Yemen", "Kamaran", "Al Hudaydah", "YEM"),  # "Island" is not Iceland
    ("Qaim, Iraq", None, "Al Qā’im", "Anbar", "IRQ"),  # the name without its article
    ("Damascus countryside", "Syria", "Rif Dimashq", "Rif Dimashq", "SYR"),
])
def test_variants_found_by_the_gold_set(text, hint, place, admin1, iso3):
    got = resolve_place(text, hint)
    assert (got.place, got.admin1, got.iso3) == (place, admin1, iso3)
