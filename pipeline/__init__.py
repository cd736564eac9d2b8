"""Conflict Timeline: news incident reports → a validated, versioned conflict-event dataset.

In a notebook::

    import pipeline
    events = pipeline.load("events")          # the latest published version
    pipeline.versions()                       # every version with its change summary
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("conflict-timeline")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0+unknown"

from .memory import purge_after_a_second  # noqa: E402

purge_after_a_second()  # before pyarrow is first imported (below)

from .build import build, normalize, reconcile_reports  # noqa: E402
from .dates import normalize_dates, parse_date  # noqa: E402
from .events import canonical_actor, classify_event, parse_count  # noqa: E402
from .exchange import export, import_file  # noqa: E402
from .places import normalize_places, resolve_place  # noqa: E402
from .publish import diff, history, load, resolve_id, validate_version, versions  # noqa: E402
from .read import read_raw  # noqa: E402

__all__ = [
    "__version__", "build", "canonical_actor", "classify_event", "diff", "export", "history",
    "import_file", "load", "normalize", "normalize_dates", "normalize_places", "parse_count",
    "parse_date", "read_raw", "reconcile_reports", "resolve_id", "resolve_place",
    "validate_version", "versions",
]
