"""The HTML quality report renders offline, in a real headless browser."""

from __future__ import annotations

import re
import shutil
import subprocess

import numpy as np
import pytest

from pipeline.report import COLORS


def _page(sample_build):
    return sample_build / "versions" / "v1" / "validation" / "index.html"


def test_report_is_self_contained(sample_build):
    page = _page(sample_build).read_text(encoding="utf-8")
    assert "<script" not in page and not re.search(r"(src|href)=['\"]?https?:", page)
    assert "<svg id='timeline'" in page and "<svg id='map'" in page
    assert "Validation <b class='passed'>passed</b>: 76 expectations, 0 failed." in page
    assert "<h3>event_type_unknown (3)</h3>" in page  # quarantine by reason, with examples
    assert "unknown event type &#x27;attacked&#x27;" in page


def test_report_renders_its_chart_in_chromium(sample_build, tmp_path):
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("chromium is not installed (.ci/run installs Debian's chromium): "
                    "browser rendering not checked")
    shot = tmp_path / "report.png"
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    "--window-size=1100,700", f"--screenshot={shot}",
                    _page(sample_build).as_uri()], check=True, capture_output=True, timeout=120)
    import matplotlib.image

    pixels = (matplotlib.image.imread(shot)[:, :, :3] * 255).round().astype(int)
    for event_type in ("airstrike", "drone_attack"):  # bars of the weekly chart, in its colors
        rgb = np.array([int(COLORS[event_type][i:i + 2], 16) for i in (1, 3, 5)])
        assert (np.abs(pixels - rgb).sum(axis=2) <= 6).sum() > 500, event_type


def test_report_reads_only_the_columns_it_draws(sample_build):
    """The page drawn from `report_frames` (the drawn columns, the reports counted) is the
    page drawn from the whole tables."""
    import pyarrow.parquet as pq

    from pipeline.publish import report_frames
    from pipeline.report import DRAWN, render
    from pipeline.validate import ValidationReport

    folder = sample_build / "versions" / "v1"
    files = {t: folder / f"{t}.parquet" for t in ("events", "reports", "quarantine")}
    frames = report_frames(files)
    assert [list(frames[t].columns) for t in ("events", "quarantine")] == [
        DRAWN["events"], DRAWN["quarantine"]]
    whole = {t: pq.read_table(path).to_pandas() for t, path in files.items()}
    assert len(frames["reports"]) == len(whole["reports"]) > 0
    report = ValidationReport(True, 76, 0)
    assert render("v1", report, frames, {"added": 1}) == render("v1", report, whole, {"added": 1})


def test_map_titles_each_spot_with_its_incidents_and_days():
    """A spot's incidents of one type are one circle, titled with their first and last days."""
    from datetime import date

    import pandas as pd

    from pipeline.report import map_svg

    events = pd.DataFrame({
        "latitude": [33.3, 33.3, 33.3, 36.19], "longitude": [44.4, 44.4, 44.4, 44.01],
        "event_type": ["airstrike", "airstrike", "drone_attack", "airstrike"],
        "place": ["Baghdad", "Baghdad", "Baghdad", "Erbil"], "source_count": [1, 2, 1, 1],
        "date": [date(2024, 1, 6), date(2024, 1, 4), date(2024, 1, 5), date(2024, 1, 5)]})
    svg = map_svg(events)
    assert re.findall(r"<title>([^<]*)</title>", svg) == [
        "Baghdad: 2 airstrike, 2024-01-04 to 2024-01-06", "Baghdad: 1 drone_attack, 2024-01-05",
        "Erbil: 1 airstrike, 2024-01-05"]
