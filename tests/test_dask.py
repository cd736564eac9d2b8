"""The dask engine publishes the same bytes as the pandas engine, locally and on a real cluster."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

import pipeline
from tests.conftest import ROOT, SAMPLE

BIN = Path(sys.executable).parent


def _bytes(out: Path) -> dict[str, bytes]:
    folder = out / "versions" / "v1"
    return {t: (folder / f"{t}.parquet").read_bytes() for t in ("events", "reports", "quarantine")}


def test_local_cluster_matches_pandas(sample_build, tmp_path):
    result = pipeline.build(SAMPLE, tmp_path / "dask", engine="dask")
    assert result.status == "published"
    assert _bytes(tmp_path / "dask") == _bytes(sample_build)


def test_a_worker_names_the_unreadable_file_and_line(raw, tmp_path):
    """Files are parsed on the workers; an unreadable one stops the build as with pandas."""
    from pipeline.errors import InputError
    from tests.conftest import HEADER, write

    write(raw, "a.csv", HEADER + "r1,AP,2024-01-05,drone strike,Thursday,Baghdad,Iraq,,,\n")
    write(raw, "b.csv", HEADER + "r2,AP,2024-01-05,drone strike,Thursday,Baghdad,Iraq,,,\n"
          + "r3,AP,2024-01-05,drone strike,Thursday,\"Erbil\n")
    with pytest.raises(InputError) as pandas_error:
        pipeline.build(raw, tmp_path / "pandas")
    with pytest.raises(InputError) as dask_error:
        pipeline.build(raw, tmp_path / "dask", engine="dask")
    assert str(dask_error.value) == str(pandas_error.value)
    assert (dask_error.value.path, dask_error.value.line) == ("b.csv", 3)
    assert not (tmp_path / "dask" / "LATEST").exists()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def cluster():
    """A real `dask scheduler` and two `dask worker` processes on 127.0.0.1."""
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    procs = [subprocess.Popen([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port",
                               str(port), "--no-dashboard"], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, cwd=ROOT)]
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "the scheduler did not start"
                time.sleep(0.2)
        for _ in range(2):
            procs.append(subprocess.Popen([str(BIN / "dask"), "worker", address, "--nthreads", "1",
                                           "--no-dashboard"], stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL, cwd=ROOT))
        from dask.distributed import Client

        with Client(address, timeout="30s") as client:
            client.wait_for_workers(2, timeout=60)
        yield address
    finally:
        for proc in reversed(procs):
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=30)


def test_real_cluster_through_the_cli(cluster, sample_build, tmp_path):
    out = tmp_path / "cluster"
    result = subprocess.run([str(BIN / "conflict-timeline"), "build", "--raw", str(SAMPLE),
                             "--out", str(out), "--engine", "dask", "--scheduler", cluster,
                             "--quiet"], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("published v1: ")
    assert _bytes(out) == _bytes(sample_build)


def test_unreachable_scheduler_is_a_usage_error(tmp_path):
    result = subprocess.run([str(BIN / "conflict-timeline"), "build", "--raw", str(SAMPLE),
                             "--out", str(tmp_path), "--engine", "dask", "--scheduler",
                             f"tcp://127.0.0.1:{_free_port()}"], capture_output=True, text=True,
                            check=False, timeout=120)
    assert result.returncode == 2
    assert result.stderr.startswith("Error: cannot reach the dask scheduler at tcp://127.0.0.1:")


def test_same_bytes_as_pandas_at_scale(tmp_path):
    """100,000 synthetic reports. Columns come back from the workers in other chunks; before
    tables were written one chunk per column, the bytes differed here (not at 20,000)."""
    from benchmarks.synth import write_raw

    raw = write_raw(100_000, tmp_path / "raw")
    pipeline.build(raw, tmp_path / "pandas")
    pipeline.build(raw, tmp_path / "dask", engine="dask")
    assert _bytes(tmp_path / "dask") == _bytes(tmp_path / "pandas")
