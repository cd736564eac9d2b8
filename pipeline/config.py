"""Paths and settings in one place: CLI options win over environment variables, which win over defaults."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DATA = Path(__file__).parent / "data"
DEFAULT_RAW = Path(os.environ.get("CT_RAW", "data/raw/incidents"))
DEFAULT_OUT = Path(os.environ.get("CT_OUT", "data/processed/timeline"))
EXPECTATIONS = Path(os.environ.get("CT_EXPECTATIONS", Path(__file__).parent.parent / "expectations"))
# The gazetteer index is derived data: cache it per user, rebuild when its inputs change.
CACHE_DIR = Path(os.environ.get("CT_CACHE", Path.home() / ".cache" / "conflict-timeline"))
# One day of slack between the event and the publication's local date absorbs timezone skew.
PUBLICATION_SLACK_DAYS = 1
