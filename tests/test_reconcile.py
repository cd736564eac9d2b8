"""Reconciliation: the gold sets of real multi-source reports, the incident grain (one place,
one local day, one attacker) and the adjacent-day rule."""

from __future__ import annotations

import pandas as pd
import pytest

from benchmarks.accuracy import reconcile_accuracy
from pipeline.build import normalize, reconcile_reports
from pipeline.read import RawBatch


def _reports(*rows: dict) -> pd.DataFrame:
    """Raw rows (only the fields a test cares about) → normalized, reconciled reports."""
    base = {"source": "wire", "source_url": None, "language": "en", "country": None,
            "actor1": None, "actor2": None, "killed": None, "injured": None, "troops": None,
            "quote": None, "extra": None, "input_file": "t.csv"}
    frame = pd.DataFrame([{**base, **r, "input_line": i + 2} for i, r in enumerate(rows)])
    reports, quarantine = normalize(RawBatch(rows=frame))
    assert quarantine.empty, quarantine.to_dict("records")
    return reconcile_reports(reports)[1].set_index("report_id")["incident_id"]


def test_gold_pairwise_precision_recall_and_figures():
    result = reconcile_accuracy()
    assert result["reports"] >= 150 and result["incidents"] >= 40
    assert result["precision"] == 1.0, result["merged"]
    # At the grain of SPEC §6 (one place, one local day, one attacker) this sparse gold set
    # keeps 0.816 of its pairs: reports that name another town of a strike wave, a place the
    # gazetteer lacks, or a country a day off stay apart (README, Accuracy). A night is the two
    # days it joins: without that, 0.686 (when it was 0.716); with the place rules before
    # heads that name no place and waves' second targets, 0.727; before a coarse report read
    # the day it wrote in another zone (`dates.written_days`), 0.791, before a unit word
    # ended a name ("Hodeidah Governorate"), 0.798, and before "the X region of" stopped
    # making the town after it a province, 0.801, and before a trailing distance stopped
    # hiding the village before it (Taltita), 0.805, and before a part of a quarter was in
    # that quarter (Haret Hreik in Dahiyeh), 0.808.
    assert result["recall"] >= 0.815, result["split"]
    assert result["figures_checked"] >= 20
    assert result["figures_exact"] == result["figures_checked"], result["figure_misses"]


def test_dense_front_gold():
    """Real reporting of dense days (south Lebanon, Gaza, Yemen), labelled before the grain
    rules were written: distinct events must not be fused."""
    from benchmarks.accuracy import GOLD

    result = reconcile_accuracy(GOLD / "reconcile_dense_gold.csv",
                                GOLD / "reconcile_dense_gold_incidents.csv")
    assert result["reports"] >= 60
    assert result["precision"] == 1.0, result["merged"]
    # 0.719 before a name's word ("the village of Aita" of Aita al-Jabal) and a family's home
    # ("the Al-Fara family home") were read as the place another report names
    assert result["recall"] >= 0.96, result["split"]
    # an inclusion ("15 members of a family, including nine children and three women") names
    # some of those counted, and "at least six fighters and one child" is at least seven:
    # misread, they made three tolls wrong. The one miss: two homes hit in Khan Younis, whose
    # reports give 14 for one, "another six" for the other and "at least 20" for both; the
    # gold adds the parts (20), a build keeps the lowest figure a report gives (6)
    assert [m["incident"] for m in result["figure_misses"]] == [
        "2024-10-25-khan-younis-homes-strikes"], result["figure_misses"]
    assert result["figures_exact"] == result["figures_checked"] - 1


def _strike(rid: str, day: str, place: str = "Al-Asad Air Base", event: str = "drone attack",
            published: str | None = None) -> dict:
    return {"report_id": rid, "published": published or day, "event_type": event,
            "date": day, "place": place, "country": "Iraq"}


# 2024-01-19 is a Friday; a weekday is read against the publication day, an ISO date is not.
SAT_READ_MONDAY = {"date": "Saturday", "published": "2024-01-22"}  # → 2024-01-20
SUN_READ_MONDAY = {"date": "Sunday", "published": "2024-01-22"}  # → 2024-01-21


def test_a_weekday_a_day_off_at_one_place_is_one_incident():
    ids = _reports(_strike("a", "2024-01-20"), {**_strike("b", ""), **SUN_READ_MONDAY})
    assert ids["a"] == ids["b"]


def test_two_written_out_days_never_merge():
    """SPEC §6: incidents with different dates never merge, however close."""
    ids = _reports(_strike("a", "2024-01-20"), _strike("b", "2024-01-21"))
    assert ids["a"] != ids["b"]


def test_consecutive_days_in_one_frame_are_two_events():
    """A front line hit two days running: "on Friday" and "on Saturday" (or "yesterday" and
    "today", or "for the second consecutive day") in reports of one language published the
    same day read their days against one calendar, so they name two days, not one event a
    day off (they were one incident, as reports from two time zones are)."""
    def shelling(rid: str, date: str, published: str) -> dict:
        return {"report_id": rid, "published": published, "event_type": "shelling",
                "date": date, "place": "Kfar Kila", "country": "Lebanon",
                "actor1": "Israel Defense Forces"}

    for friday, saturday, published in (
            ("on Friday", "on Saturday", "2024-01-21"),
            ("on Friday", "Saturday, for the second consecutive day", "2024-01-21"),
            ("yesterday", "today", "2024-01-20")):
        ids = _reports(shelling("fri", friday, published), shelling("sat", saturday, published))
        assert ids["fri"] != ids["sat"], (friday, saturday)


def test_a_clock_time_by_midnight_lets_one_frame_name_the_day_before():
    """US strikes in Iraq, 24 January 2024: CENTCOM's "At 12:15 a.m. (Iraq time) ... on
    Wednesday" and another English outlet's "on Tuesday" (Washington's evening), both
    published on the 24th, are one moment; with a clock time at midday the two are two
    days."""
    def strike(rid: str, date: str) -> dict:
        return {"report_id": rid, "published": "2024-01-24", "event_type": "airstrike",
                "date": date, "place": "Jurf al-Sakhar", "country": "Iraq",
                "actor1": "US military"}

    ids = _reports(strike("centcom", "At 12:15 a.m. (Iraq time) on Wednesday"),
                   strike("outlet", "on Tuesday"))
    assert ids["centcom"] == ids["outlet"]
    ids = _reports(strike("centcom", "At 3:15 p.m. (Iraq time) on Wednesday"),
                   strike("outlet", "on Tuesday"))
    assert ids["centcom"] != ids["outlet"]


def test_two_look_alikes_a_day_either_side_keep_a_country_level_report_apart():
    kh = {"actor1": "Kataib Hezbollah"}
    ids = _reports({**_strike("a", "2024-01-19"), **kh}, {**_strike("b", "2024-01-21"), **kh},
                   {**_strike("c", "", place="Iraq"), **SAT_READ_MONDAY, **kh})
    assert len(set(ids)) == 3


def test_a_country_level_report_a_day_off_stands_alone():
    """A coarse place and another day are too little evidence: time zones are read from
    clock times (below), not guessed from a day off."""
    kh = {"actor1": "Kataib Hezbollah"}
    for actor in ({}, kh):
        ids = _reports({**_strike("a", "2024-01-19"), **actor},
                       {**_strike("c", "", place="Iraq"), **SAT_READ_MONDAY, **actor})
        assert ids["a"] != ids["c"]


def test_adjacent_days_need_the_same_event_type():
    ids = _reports(_strike("a", "2024-01-20"),
                   {**_strike("b", "", event="rocket attack"), **SUN_READ_MONDAY})
    assert ids["a"] != ids["b"]


def test_adjacent_days_do_not_chain():
    ids = _reports(_strike("a", "2024-01-20"), {**_strike("b", ""), **SUN_READ_MONDAY},
                   {**_strike("c", ""), "date": "Monday", "published": "2024-01-23"})
    assert ids["a"] == ids["b"] != ids["c"]


def test_adjacent_days_do_not_chain_either_side():
    """A day off before the incident, then one after it: three days are no longer one event
    (real case: US-UK strikes in Yemen on the night of 11-12 January 2024, a radar site on the 13th)."""
    kh = {"actor1": "Kataib Hezbollah"}
    ids = _reports({**_strike("a", ""), **SAT_READ_MONDAY, **kh},
                   {**_strike("b", ""), **kh, "date": "Friday", "published": "2024-01-21"},
                   {**_strike("c", "2024-01-21"), **kh})
    assert ids["a"] == ids["b"] != ids["c"]


def test_same_day_in_two_countries_never_merges():
    ids = _reports(_strike("a", "2024-02-02", place="Al Qaim", event="airstrike"),
                   {**_strike("b", "2024-02-02", place="Albu Kamal", event="airstrike"),
                    "country": "Syria"})
    assert ids["a"] != ids["b"]


@pytest.mark.parametrize("troops", ["2,500", "2500"])
def test_troop_counts_never_move_a_day(troops):
    row = {"event_type": "troops", "place": "Iraq", "country": "Iraq", "troops": troops,
           "actor1": "US troops"}
    # a weekday a day off would join a strike (see above); a troop count never
    ids = _reports({**row, "report_id": "a", "published": "2024-01-05", "date": "2024-01-04"},
                   {**row, "report_id": "b", "published": "2024-01-06", "date": "Friday"})
    assert ids["a"] != ids["b"]


# --- the grain: one place, one local day, one attacker (issue: dense front lines) -----------

def _shelling(rid: str, place: str, actor: str = "Houthis", day: str = "2019-04-10") -> dict:
    return {"report_id": rid, "published": day, "event_type": "artillery shelling",
            "date": day, "place": place, "country": "Yemen", "actor1": actor}


HODEIDAH_DAY = ["Al Hudaydah-Al Hali", "Al Hudaydah-Al Hawak", "Al Hudaydah-7 July",
                "Al Hudaydah-Al Mina", "Al Hudaydah-Al Rabsah", "Al Hudaydah-Street 50",
                "Ad Durayhimi", "Bajil", "Bayt al Faqih", "As Sukhnah", "Ras Isa", "Al Munirah",
                "Al Mighlaf"]  # 13 places of Al Hudaydah governorate within 60 km of the city


def test_a_dense_front_day_keeps_each_place_its_own_event():
    rows = [_shelling(f"r{i}", place) for i, place in enumerate(HODEIDAH_DAY)]
    rows += [_shelling("again-durayhimi", "ad-Durayhimi district town of Ad Durayhimi"),
             _shelling("again-bajil", "Bajil, Hodeidah governorate")]  # two more sources
    ids = _reports(*rows)
    assert ids.nunique() == 13
    assert ids["again-durayhimi"] == ids["r6"] and ids["again-bajil"] == ids["r7"]


def test_a_province_report_joins_the_one_event_at_a_place_we_could_not_locate():
    """`the Ras Issa area in the Salif district of Al Hudaydah` is a place of Salif district
    no gazetteer locates: a report of the province that day is of it when it is the day's one
    event there, and of neither when there are two."""
    one = _reports(_shelling("unlocated", "the Ras Issa area in the Salif district of Al "
                                          "Hudaydah"),
                   _shelling("province", "the Al Hudaydah province in western Yemen"))
    assert one["unlocated"] == one["province"]
    two = _reports(_shelling("unlocated", "the Ras Issa area in the Salif district of Al "
                                          "Hudaydah"),
                   _shelling("other", "Zabid"),
                   _shelling("province", "the Al Hudaydah province in western Yemen"))
    assert two.nunique() == 3


def test_villages_of_one_district_written_as_acled_does_are_each_their_own_event():
    """ACLED writes Lebanon's South governorate `South`: read as an unknown part of the city
    of Tyre, four border villages of one day were one incident near Tyre."""
    rows = [{**_shelling(f"r{i}", f"{village}, Tyre, South", "Israeli forces", "2024-03-10"),
             "country": "Lebanon"}
            for i, village in enumerate(["Alma Ash Shaab", "Dhayra", "Labbouneh", "Jebbayn",
                                         "Dhayra"])]
    ids = _reports(*rows)
    assert ids.nunique() == 4 and ids["r1"] == ids["r4"]


def test_quarters_of_one_city_written_as_acled_does_are_each_their_own_event():
    """`Gaza City - Tal al Hawa, Gaza City, Gaza Strip`: the quarter before the units, not the
    city with the quarter dropped (which made every quarter of a day one incident)."""
    rows = [{**_shelling(f"r{i}", f"Gaza City - {quarter}, Gaza City, Gaza Strip",
                         "Israeli forces", "2024-01-10"), "country": "Palestine"}
            for i, quarter in enumerate(["Tal al Hawa", "Ash Shujaiyeh", "Az Zaitoun",
                                         "Tal al Hawa"])]
    ids = _reports(*rows)
    assert ids.nunique() == 3 and ids["r0"] == ids["r3"]


def test_a_camp_is_not_the_town_it_is_named_after():
    """Jenin Camp (Who's On First, no GeoNames id) lies 1.2 km from Jenin's point: within the
    distance that makes one village of two gazetteers, but a camp and its town are two places
    (ACLED codes them apart); the camp however written is one."""
    def raid(rid: str, place: str) -> dict:
        return {"report_id": rid, "published": "2024-01-10", "event_type": "drone strike",
                "date": "2024-01-10", "place": place, "country": "Palestine",
                "actor1": "Israeli forces"}

    ids = _reports(raid("camp", "Jenin camp"), raid("camp-ar", "مخيم جنين"),
                   raid("camp-full", "the Jenin refugee camp"), raid("city", "Jenin"))
    assert ids["camp"] == ids["camp-ar"] == ids["camp-full"] != ids["city"]


def test_matching_does_not_depend_on_how_many_rows_are_converted_at_once(monkeypatch):
    """Rows are converted a slice at a time (`ROWS_AT_ONCE`): slices of 2 rows give the
    dense day's incidents exactly as one slice does."""
    import pipeline.reconcile as reconcile

    rows = [_shelling(f"r{i}", place) for i, place in enumerate(HODEIDAH_DAY)]
    rows += [_shelling("again-durayhimi", "ad-Durayhimi district town of Ad Durayhimi"),
             _shelling("again-bajil", "Bajil, Hodeidah governorate"),
             _shelling("coarse", "Hodeidah governorate")]
    whole = _reports(*rows)
    monkeypatch.setattr(reconcile, "ROWS_AT_ONCE", 2)
    sliced = _reports(*rows)
    assert sliced.to_dict() == whole.to_dict()
    assert sliced.nunique() == 14  # the 13 places, and the province's report alone


def test_two_strikes_30_km_apart_the_same_night_are_two_events():
    ids = _reports(_shelling("a", "Ad Durayhimi"), _shelling("b", "Bayt al Faqih"))
    assert ids["a"] != ids["b"]


def test_a_whole_city_joins_its_one_quarter_hit_never_one_of_several():
    one = _reports(_shelling("q1", "Al Hudaydah-Al Hali"), _shelling("city", "near Hodeidah"))
    assert one["q1"] == one["city"]
    three = _reports(_shelling("q1", "Al Hudaydah-Al Hali"), _shelling("q2", "Al Hudaydah-Al Hawak"),
                     _shelling("q3", "Al Hudaydah-7 July"), _shelling("city", "near Hodeidah"))
    assert three.nunique() == 4


@pytest.mark.parametrize(("country", "one", "other", "other_again"), [
    # Jadriya has no point of its own: it is curated at Karrada's, the peninsula they share
    ("Iraq", "Karrada", "Jadriya", "al-Jadriyah, Baghdad"),
    # two hospitals of Gaza City, both curated at the city's point
    ("Palestine", "al-Shifa hospital", "al-Ahli Arab hospital", "the Ahli Baptist hospital"),
])
def test_two_places_at_one_curated_point_are_two_places(country, one, other, other_again):
    """One point, two named places of a town: two incidents, each joined by its own name."""
    ids = _reports({**_strike("a", "2024-01-20", place=one), "country": country},
                   {**_strike("b", "2024-01-20", place=other), "country": country},
                   {**_strike("b2", "2024-01-20", place=other_again), "country": country})
    assert ids["a"] != ids["b"] and ids["b"] == ids["b2"]


@pytest.mark.parametrize(("day", "place_a", "place_b"), [
    ("2024-04-18", "Kfar Kila", "the town of Kfarkela"),  # one strike in two spellings
    # GeoNames lists Khirbet Selm twice (272376 and 7869887, 170 m apart): two ids, one village
    ("2024-01-08", "Khirbet Selm", "Khirbit Silim"),
])
def test_one_strike_at_one_village_however_spelled_is_one_event(day, place_a, place_b):
    ids = _reports({**_strike("a", day, place=place_a, event="drone strike"),
                    "country": "Lebanon", "actor1": "Israeli army"},
                   {**_strike("b", day, place=place_b, event="drone strike"),
                    "country": "Lebanon", "actor1": "IDF"})
    assert ids["a"] == ids["b"]


def test_reports_of_one_wave_are_one_incident_and_never_a_place_of_it():
    """Two reports of a wave ("8 targets in Yemen", "eight locations in Yemen") are one
    incident at the country's precision; neither joins the one located strike of that day, and
    a list of two villages is not the wave."""
    ids = _reports(*({**_strike(rid, "2024-01-22", place=place, event="airstrike"),
                      "country": "Yemen", "actor1": "US forces"} for rid, place in (
        ("wave-a", "8 Houthi targets in Yemen"),
        ("wave-b", "eight locations ... in Yemen; Yemen's capital, Sanaa"),
        ("sanaa", "al-Dailami air base, north of Sanaa"),
        ("pair", "Bajil and Zabid"))))
    assert ids["wave-a"] == ids["wave-b"]
    assert ids.nunique() == 3 and ids["sanaa"] != ids["wave-a"] != ids["pair"]


def _us_strike_in_iraq(rid: str, place: str, date: str, published: str) -> dict:
    return {"report_id": rid, "published": published, "event_type": "airstrike", "date": date,
            "place": place, "country": "Iraq", "actor1": "US forces"}


def test_a_wave_is_one_incident_whatever_scope_its_reports_give_it():
    """The US strikes of 2 February 2024 in Iraq (the sparse gold's reports): one outlet names
    the province, another only the country, a third writes Washington's Friday for Baghdad's
    Saturday. Naming the same places makes two reports one wave at either precision; a wave a
    day off is that wave (as for a place, `_adjacent`), unless both wrote out their days; and
    a country's report joins a wave a report gave as the country's."""
    ids = _reports(
        _us_strike_in_iraq("province", "the Akashat and Qa'im areas in the western Anbar "
                           "province", "Friday", "2024-02-04"),
        _us_strike_in_iraq("country", "locations in the Akashat and Al-Qaim regions ... in the "
                           "west of Iraq", "on Friday", "2024-02-03T19:21"),
        _us_strike_in_iraq("saturday", "منطقتي العكاشات والقائم", "Saturday", "2024-02-03"),
        _us_strike_in_iraq("iraq", "en Irak", "Friday", "2024-02-03"),
    )
    assert ids["province"] == ids["country"] == ids["saturday"] == ids["iraq"]
    written = _reports(
        _us_strike_in_iraq("fri", "Akashat and Al-Qaim", "2 February 2024", "2024-02-03"),
        _us_strike_in_iraq("sat", "Al-Qaim and Akashat", "3 February 2024", "2024-02-04"))
    assert written["fri"] != written["sat"]


def test_a_unit_word_is_no_part_of_the_name_two_wave_reports_share():
    """The US-UK strikes of 30 May 2024 on Hodeidah: "the radio and the port of Salif in
    Hodeidah Governorate" and "un bâtiment de radio dans le district d'al-Hawk à Hodeidah et
    le port de Saleef" name the same two places, Hodeidah and Salif (`places.place_names`
    leaves "Governorate" aside: it was one name, "Hodeidah Governorate"), so they are one
    wave, at the province's precision and the country's; a wave of another province is
    another."""
    def wave(rid: str, place: str, day: str = "2024-05-30") -> dict:
        return {**_strike(rid, day, place=place, event="airstrike"), "country": "Yemen",
                "actor1": "US forces", "published": "2024-05-31"}

    ids = _reports(
        wave("en", "the radio and the port of Salif in Hodeidah Governorate"),
        wave("fr", "un bâtiment de radio dans le district d'al-Hawk à Hodeidah et le port de "
             "Saleef") | {"language": "fr"},
        wave("another", "Marib and Harib in Marib Governorate"))
    assert ids["en"] == ids["fr"] != ids["another"]


def test_two_reports_of_roads_between_towns_stay_apart():
    """A road named after the towns it joins is a particular place somewhere on it
    (`road_admin1`), not a wave: two such reports of one day and attacker stay two incidents,
    and neither is a part of the town it is named after."""
    ids = _reports(*({**_strike(rid, "2024-03-02", place=place, event="drone strike"),
                      "country": "Syria", "actor1": "US forces"} for rid, place in (
        ("road-a", "the Mayadin-Albu Kamal highway"),
        ("road-b", "the Deir ez-Zor-Mayadin road"),
        ("town", "Mayadin"))))
    assert ids.nunique() == 3


@pytest.mark.parametrize(("a", "b", "alike"), [
    ("kharbatsalam", "kharbatsalm", True),  # Khirbit Silim / Khirbet Selm
    ("jabalya", "jabalyacamp", False),  # a town and the camp named after it
    ("nabatayafaka", "nabatayatahta", False),  # twin villages
])
def test_two_gazetteer_ids_are_one_place_only_when_spelled_alike(a, b, alike):
    from pipeline.reconcile import _alike

    assert _alike(a, b) is alike


def test_different_attackers_are_different_events_unless_one_is_the_umbrella():
    kh, nujaba, iri = ({"actor1": a} for a in ("Kataib Hezbollah", "Harakat al-Nujaba",
                                                "Islamic Resistance in Iraq"))
    ids = _reports({**_strike("kh", "2024-01-20"), **kh}, {**_strike("nj", "2024-01-20"), **nujaba})
    assert ids["kh"] != ids["nj"]
    ids = _reports({**_strike("kh", "2024-01-20"), **kh}, {**_strike("iri", "2024-01-20"), **iri})
    assert ids["kh"] == ids["iri"]


@pytest.mark.parametrize(("a", "b", "one"), [
    ("Russian warplanes", "Syrian regime warplanes", False),  # Idlib: two air forces
    ("Turkish drone", "PKK", False),
    ("Saudi warplanes", "Saudi-led coalition", True),  # the coalition's lead member
    ("Military Forces of Syria (2000-2024)", "Syrian army", True),  # a coder's name, a reporter's
])
def test_the_other_theatres_attackers_keep_their_events_apart(a, b, one):
    """Before the states of Syria, Russia, Turkey and the Gulf were known actors, a Russian and a
    Syrian strike on one village the same day were one event (unknown actors never differ)."""
    rows = [{"report_id": rid, "published": "2019-05-06", "event_type": "airstrike",
             "date": "2019-05-06", "place": "Kafr Nabl", "country": "Syria", "actor1": actor}
            for rid, actor in (("a", a), ("b", b))]
    ids = _reports(*rows)
    assert (ids["a"] == ids["b"]) is one


@pytest.mark.parametrize(("a", "b", "one"), [
    ("coalition warplanes", "Saudi-led coalition warplanes", True),  # Yemen's coalition
    ("Operation Restoring Hope", "Saudi-led coalition", True),  # ACLED's name for it
    ("US-led coalition warplanes", "US forces", True),  # the US's strikes on the Houthis
    ("coalition warplanes", "US-led coalition warplanes", False),  # two air campaigns
])
def test_a_coalition_in_yemen_is_the_coalition_there(a, b, one):
    """Read as the coalition against Daesh, Yemen's "coalition warplanes" was another attacker
    than the "Saudi-led coalition warplanes" of the same strike: two events."""
    rows = [{"report_id": rid, "published": "2019-08-12", "event_type": "airstrike",
             "date": "2019-08-12", "place": "Saada", "country": "Yemen", "actor1": actor}
            for rid, actor in (("a", a), ("b", b))]
    ids = _reports(*rows)
    assert (ids["a"] == ids["b"]) is one


def test_a_clock_time_in_another_zone_is_the_local_day_at_the_place():
    """Rumalyn, August 2024: "about 5 p.m. Eastern on Friday 9 August" (a US outlet) and
    "Saturday 10 August" (an Arabic outlet) are one day in Syria."""
    base = {"event_type": "drone attack", "place": "Rumeilan Landing Zone", "country": "Syria"}
    frame = pd.DataFrame([
        {**base, "report_id": "us", "published": "2024-08-10T01:00:00Z",
         "date": "about 5 p.m. Eastern on Friday 9 August"},
        {**base, "report_id": "ar", "published": "2024-08-11", "date": "Saturday 10 August"},
    ])
    base_row = {"source": "wire", "source_url": None, "language": "en", "actor1": None,
                "actor2": None, "killed": None, "injured": None, "troops": None, "quote": None,
                "extra": None, "input_file": "t.csv"}
    frame = pd.DataFrame([{**base_row, **r, "input_line": i + 2}
                          for i, r in enumerate(frame.to_dict("records"))])
    reports, _ = normalize(RawBatch(rows=frame))
    reports = reconcile_reports(reports)[1].set_index("report_id")
    assert str(reports.loc["us", "date"]) == "2024-08-10"
    assert reports.loc["us", "date_method"].endswith("+tz:America/New_York>Asia/Damascus")
    assert reports.loc["us", "incident_id"] == reports.loc["ar", "incident_id"]


def test_a_coarse_report_that_wrote_the_day_in_another_zone_fits_either_day():
    """Abu Kamal, October 2023: "jeudi 26 octobre 2023 (vendredi au Moyen-Orient)", of Syria
    at large, is the one strike reported on the Thursday: both days name its moment. A
    precise report does not read the day it wrote: "Friday, March 25, 2016, at 19:11 ET" is
    Saturday at the place, and the place's own "25 March 2016" is another event there (a
    front line is hit on consecutive days), so the two stay apart."""
    def strike(rid: str, published: str, date: str, place: str, **more: str) -> dict:
        return {"report_id": rid, "published": published, "event_type": "airstrike",
                "date": date, "place": place, "country": "Syria", "actor1": "US military",
                **more}

    aside = "ce jeudi 26 octobre 2023 (vendredi au Moyen-Orient)"
    ids = _reports(strike("thursday", "2023-10-28", "Thursday", "Abu Kamal"),
                   strike("aside", "2023-10-27", aside, "l'Est de la Syrie", language="fr"))
    assert ids["thursday"] == ids["aside"]
    ids = _reports(strike("local", "2016-03-26", "25 March 2016", "Abu Kamal"),
                   strike("zone", "2016-03-26", "Friday, March 25, 2016, at 19:11 ET",
                          "Abu Kamal"))
    assert ids["local"] != ids["zone"]


def test_a_base_is_a_part_of_the_town_it_lies_by():
    """Rumalyn, August 2024: "a military base ... in the Rumeilan area" (the curated town,
    11,500 people) and the Rumeilan Landing Zone, 12.5 km from its point, the same day are one
    incident; a strike on the town written out as the day before is not."""
    def report(rid: str, day: str, place: str) -> dict:
        return {"report_id": rid, "published": day, "event_type": "drone attack", "date": day,
                "place": place, "country": "Syria"}

    ids = _reports(report("lz", "2024-08-10", "Rumalyn Landing Zone"),
                   report("town", "2024-08-10", "قاعدة عسكرية في منطقة الرميلان"),
                   report("before", "2024-08-09", "Rmeilan"))
    assert ids["lz"] == ids["town"] != ids["before"]


def test_reports_are_published_in_input_order_and_their_text_is_never_copied():
    """Reports come back in input order (file, then line), as a build normalizes them: their
    text, a 2 KB quote each in the heavy benchmark, is not copied to sort them (README: 2,034
    against 1,318 MiB reconciling, `stage_memory heavy 200000 --shuffled-ids`). Any other
    order is put back in input order."""
    base = {"source": "wire", "source_url": None, "language": "en", "country": "Iraq",
            "actor1": None, "actor2": None, "killed": None, "injured": None, "troops": None,
            "extra": None, "input_file": "t.csv"}
    frame = pd.DataFrame([{**base, **_strike(f"r{9 - i}", "2024-01-20"), "input_line": i + 2,
                           "quote": f"quote {i} " + "x" * 2000} for i in range(10)])
    reports, _ = normalize(RawBatch(rows=frame))

    def text_buffers(frame: pd.DataFrame) -> list[int]:
        return [c.buffers()[2].address for c in frame["quote"].array.__arrow_array__().chunks]

    published = reconcile_reports(reports)[1]
    assert published["input_line"].tolist() == list(range(2, 12))
    assert published["report_id"].tolist() == [f"r{9 - i}" for i in range(10)]
    assert text_buffers(published) == text_buffers(reports)
    shuffled = reconcile_reports(reports.sample(frac=1, random_state=1))[1]
    assert shuffled["input_line"].tolist() == list(range(2, 12))


def test_a_night_joins_the_local_day_after_it_and_never_fuses_two_days():
    """Yemen, 11-12 January 2024: `Thursday night` from Washington and `فجر اليوم` (dawn
    today) from Cairo the next day are one wave. A night touches two days, so at a village
    struck on both, written out as 11 and 12 January, it joins the first and the two days stay
    two incidents."""
    wave = {"event_type": "airstrike", "country": "Yemen", "actor1": "US forces",
            "place": "8 Houthi targets in Yemen"}
    ids = _reports({**wave, "report_id": "us", "published": "2024-01-12", "date": "Thursday night"},
                   {**wave, "report_id": "ar", "published": "2024-01-12", "date": "فجر اليوم",
                    "language": "ar"})
    assert ids["us"] == ids["ar"]
    khiam = {"event_type": "artillery shelling", "country": "Lebanon", "place": "Khiam",
             "actor1": "Israeli army", "published": "2024-01-13"}
    ids = _reports({**khiam, "report_id": "night", "date": "Thursday night"},
                   {**khiam, "report_id": "thu", "date": "11 January 2024"},
                   {**khiam, "report_id": "fri", "date": "12 January 2024"})
    assert ids["night"] == ids["thu"] != ids["fri"]


def _airstrike(rid: str, place: str, day: str = "2024-08-17") -> dict:
    return {"report_id": rid, "published": day, "event_type": "airstrike", "date": day,
            "place": place, "country": "Lebanon", "actor1": "Israeli army"}


def test_a_place_the_gazetteer_lacks_is_the_place_another_report_names_so():
    """Wadi al-Kfour (17 August 2024, south Lebanon; the dense gold's reports): no gazetteer
    has it, so one report of it is the province's, unlocated; another located it by the town
    beside it. The name is the same place, however spelled: the unlocated report joins the
    one incident of its day, province and attacker whose reports name it, and no other."""
    ids = _reports(
        _airstrike("located", "a building in the Wadi al-Kafur area of Nabatieh"),
        _airstrike("other-village", "Kfar Tebnit"),
        _airstrike("unlocated", "the Wadi al-Kfour area in Nabatieh province"),
        _airstrike("another-wadi", "the Wadi Jilo area in Nabatieh province"),
        _airstrike("next-day", "the Wadi al-Kfour area in Nabatieh province", day="2024-08-18"),
        {**_airstrike("other-attacker", "the Wadi al-Kfour area in Nabatieh province"),
         "actor1": "Hezbollah", "event_type": "rocket attack"},
    )
    assert ids["unlocated"] == ids["located"]
    assert ids.nunique() == 5
    # a place named in a province that does not hold it is no report of the province's one
    # located incident (it was taken for one, and fused with Kfar Tebnit)
    ids = _reports(_airstrike("kfar-tebnit", "Kfar Tebnit"),
                   _airstrike("wadi-jilo", "the Wadi Jilo area in Nabatieh province"),
                   _airstrike("wadi-jilo-again", "Wadi Jilo area, Nabatieh province"))
    assert ids["wadi-jilo"] != ids["kfar-tebnit"]
    assert ids["wadi-jilo"] == ids["wadi-jilo-again"]


def test_a_word_of_a_name_or_a_family_home_is_the_place_another_report_names():
    """The dense gold's 23 August 2024 in south Lebanon and 25 October 2024 in Khan Younis:
    "the village of Aita" (three villages bear the name) is Aita al-Jabal when that is the
    one Aita the day's reports of that attacker name, and no village when two are; a
    family's home is the place another report of the day names by that family."""
    ids = _reports(_airstrike("aita-jabal", "Aita al-Jabal", day="2024-08-23"),
                   _airstrike("aita", "the village of Aita, about 14 km (nine miles) north of "
                              "the border", day="2024-08-23"),
                   _airstrike("khiam", "Khiam", day="2024-08-23"))
    assert ids["aita"] == ids["aita-jabal"] != ids["khiam"]
    two = _reports(_airstrike("aita-jabal", "Aita al-Jabal", day="2024-08-23"),
                   _airstrike("aita-shaab", "Aita al-Shaab", day="2024-08-23"),
                   _airstrike("aita", "the village of Aita", day="2024-08-23"))
    assert two.nunique() == 3
    gaza = {"country": "Palestine", "published": "2024-10-25", "date": "2024-10-25"}
    ids = _reports({**_airstrike("home", "the home of the Al-Fara family ... Khan Younis"), **gaza},
                   {**_airstrike("family", "the Al-Fara family home"), **gaza},
                   {**_airstrike("other-family", "the Abu Jarad family home"), **gaza})
    assert ids["family"] == ids["home"] != ids["other-family"]


def test_a_part_of_a_quarter_is_of_that_quarter():
    """Beirut's southern suburbs (Dahiyeh, a quarter of Beirut) are several municipalities
    (`data/place_parts.csv`): a report of the suburbs joins the one municipality hit that day
    (the strike of 30 July 2024: `Dahieh` and `the Haret Hreik neighbourhood`), never one of
    several, and two municipalities hit the same day are two events."""
    def strike(rid: str, place: str) -> dict:
        return {"report_id": rid, "published": "2024-07-30", "event_type": "airstrike",
                "date": "2024-07-30", "place": place, "country": "Lebanon",
                "actor1": "Israeli army"}

    one = _reports(strike("suburbs", "Beirut's southern suburbs"), strike("hh", "Haret Hreik"),
                   strike("hh-ar", "حارة حريك"))
    assert one.nunique() == 1
    two = _reports(strike("suburbs", "Dahiyeh"), strike("hh", "Haret Hreik"),
                   strike("chiyah", "Chiyah"), strike("beirut", "Beirut"))
    assert two["hh"] != two["chiyah"]
    assert two.nunique() == 4  # the suburbs and the city: which of the two?
