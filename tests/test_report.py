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
