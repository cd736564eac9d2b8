"""Where the work runs: in this process (pandas) or on a dask.distributed cluster.

An engine only maps a function over parts; the steps and their order are the same for
both, so both publish the same rows. Normalizing splits the rows into parts; reconciling
splits the reports by blocking key (country and event family), which no incident crosses.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from .errors import PipelineError, UsageError

ENGINES = ("pandas", "dask")


class PandasEngine:
    """Everything in this process, one part at a time."""

    parts = 1

    def map(self, fn: Callable[[Any], Any], items: list[Any]) -> list[Any]:
        return [fn(item) for item in items]


class _Expected:
    """An expected error (an unreadable file) carried back from a worker as a value: raised
    there, dask would log it with a worker traceback before the client's one-line message."""

    def __init__(self, error: PipelineError) -> None:
        self.error = error


class _Catching:
    """`fn` run on a worker, its expected errors returned rather than raised."""

    def __init__(self, fn: Callable[[Any], Any]) -> None:
        self.fn = fn

    def __call__(self, item: Any) -> Any:
        try:
            return self.fn(item)
        except PipelineError as exc:
            return _Expected(exc)


class DaskEngine:
    """Parts run on the workers of a dask.distributed cluster; results come back in order."""

    def __init__(self, client: Any) -> None:
        self.client = client
        workers = len(client.scheduler_info().get("workers", {})) or 1
        self.parts = 2 * workers

    def map(self, fn: Callable[[Any], Any], items: list[Any]) -> list[Any]:
        # Parts are data, not task arguments: scattered first, they go to the workers
        # directly instead of inside the task graph.
        futures = self.client.map(_Catching(fn), self.client.scatter(items, hash=False),
                                  pure=False)
        results = self.client.gather(futures)
        for result in results:
            if isinstance(result, _Expected):
                raise result.error
        return results


@contextmanager
def open_engine(name: str, scheduler: str | None = None) -> Iterator[PandasEngine | DaskEngine]:
    """The engine for `--engine`/`--scheduler`: a local cluster when dask has no scheduler."""
    if name not in ENGINES:
        raise UsageError(f"unknown engine {name!r}: use pandas or dask")
    if name == "pandas":
        if scheduler:
            raise UsageError("--scheduler needs --engine dask")
        yield PandasEngine()
        return
    from dask.distributed import Client, LocalCluster

    if scheduler:
        try:
            client = Client(scheduler, timeout="10s")
        except OSError as exc:
            raise UsageError(f"cannot reach the dask scheduler at {scheduler}: {exc}") from None
        with client:
            yield DaskEngine(client)
        return
    # Workers log only what is critical: an expected error comes back as a value (_Catching),
    # an unexpected one reaches the client as an exception, and a cluster shut down after an
    # error must not print heartbeat tracebacks before the one `Error:` line.
    # Its HTTP server on a free port: two local builds at once must not warn about port 8787.
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                      silence_logs=logging.CRITICAL) as cluster, Client(cluster) as client:
        yield DaskEngine(client)
