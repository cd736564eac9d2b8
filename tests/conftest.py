"""Shared fixtures: small raw folders written per test, and one build of the embedded sample."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "raw" / "incidents"
HEADER = "report_id,source,published,event_type,date,place,country,killed,injured,troops\n"


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    """Write one raw file (creating folders) and return its path."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    """An empty raw folder."""
    folder = tmp_path / "raw"
    folder.mkdir()
    return folder


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The embedded sample built once into a temporary output folder."""
    from pipeline import build

    out = tmp_path_factory.mktemp("timeline")
    build(SAMPLE, out)
    return out


@pytest.fixture
def sample_copy(tmp_path: Path) -> Path:
    """A writable copy of the embedded sample's raw folder."""
    dest = tmp_path / "raw"
    shutil.copytree(SAMPLE, dest)
    return dest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="Rewrite tests/golden/ from the current build instead of comparing.")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


# Whole files of slow tests (dask clusters and builds at scale): `make test` skips them with
# `-m "not slow"`; `make test-all` and `.ci/run` run them. Single slow tests carry the marker.
SLOW_FILES = {"test_dask.py"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.name in SLOW_FILES:
            item.add_marker(pytest.mark.slow)
