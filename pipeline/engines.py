"""Where the work runs: in this process, in a pool of local processes (the pandas engine
with `--workers N`), or on a dask.distributed cluster.

`conflict-timeline build` runs one worker per core; `pipeline.build()` runs in this process
unless given `workers` (a script that passes it needs the `if __name__ == "__main__":` guard
that `spawn` asks of every script starting processes; a notebook does not). A build uses the
workers only from `min_rows` rows on. What makes them pay on two cores: they start before
reading (`expect`), so that their imports and gazetteer load overlap it; they are sent only
the columns the normalizers read (not the quotes) and send back only the normalized
columns, both as files on the output's disk rather than through the pool's pipe
(`_Through`); each reconciles a block of reports whole (its incidents and their events);
they load GX while this process writes the tables (`prefetch`), and check each table's
parts, its suite's count and its whole-column checks as soon as it is written, so that this
process never imports GX. The README's speed figures give the gain and its memory cost on
each benchmark shape.

An engine only maps a function over parts; the steps and their order are the same for
all, so all publish the same rows, byte for byte. Normalizing splits the rows into parts,
validation splits each table into parts, and reconciling splits the reports by blocking key
(country and event family), which no incident crosses. How many parts and when to use the
workers is the engine's business (`parts`, `min_rows`, `reads`, `local`, `expect`,
`prefetch`); how one build uses it, and its memory between steps, is its `Run`'s; `build`
only names the steps.
"""

from __future__ import annotations

import atexit
import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

from .errors import OutputError, PipelineError, UsageError
from .memory import forget_memos, gc_paused, release

ENGINES = ("pandas", "dask")


def cores(cgroup: Path = Path("/sys/fs/cgroup")) -> int:
    """The cores this process may run on (the CLI's default `--workers`): its CPU affinity,
    capped by a container's CPU quota, which affinity does not show (a container given two
    CPUs on a 64-core host sees 64 there, and 64 workers would each load a gazetteer)."""
    try:
        count = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        count = os.cpu_count() or 1
    quota = _cpu_quota(cgroup)
    return max(1, min(count, quota)) if quota is not None else count


def _cpu_quota(cgroup: Path) -> int | None:
    """Whole CPUs of the cgroup's quota (v2 `cpu.max`, v1 `cpu.cfs_quota_us` over
    `cpu.cfs_period_us`), or None when there is none or it cannot be read."""
    try:
        if (cgroup / "cpu.max").exists():
            quota, period = (cgroup / "cpu.max").read_text().split()[:2]
        else:
            quota = (cgroup / "cpu" / "cpu.cfs_quota_us").read_text().strip()
            period = (cgroup / "cpu" / "cpu.cfs_period_us").read_text().strip()
        if quota in ("max", "-1"):
            return None
        return int(quota) // int(period)
    except (OSError, ValueError, ZeroDivisionError):
        return None


def in_threads(fn: Callable[[Any], Any], items: list[Any], threads: int) -> Iterable[Any]:
    """`fn` over the items in up to `threads` threads of this process, results in order: for
    work where Arrow's kernels let go of the interpreter (`Run.threads` says how many). With
    one thread or one item, lazily, one at a time as they are asked for."""
    if threads <= 1 or len(items) <= 1:
        return map(fn, items)
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(min(threads, len(items))) as pool:
        return list(pool.map(fn, items))


class PandasEngine:
    """Everything in this process, one part at a time."""

    parts = 1
    min_rows = 0  # below this many rows a build does not split its work
    reads = False  # whether files are read on the engine (a remote cluster's workers)
    local = True  # whether its workers see this machine's files (a cluster's may not)

    def map(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> list[Any]:
        return [fn(item) for item in items]

    def submit(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> Callable[[], list[Any]]:
        """`map`, to be collected later: here, the work is done when it is collected."""
        return lambda: self.map(fn, items)

    def expect(self, raw_bytes: int, folder: Path | None = None) -> None:
        """Told how much raw input a build reads, before it reads it: nothing to prepare."""

    def prefetch(self, fn: Callable[[], Any]) -> None:
        """Told what the workers will need next: there are none."""


def _warm() -> None:
    """A pool worker's start: the cyclic garbage collector paused, as the build's own process
    pauses it (`Run`: with millions of live row objects its passes cost as much
    as the work; running, it made a worker's dates of 1,000,000 reports take 18.8 s against
    10.9 s in one process), and the gazetteer index loaded once (0.9 s from its cache), not
    in the middle of the first part: a large build starts its workers before reading
    (`expect`), so this overlaps the reading. A worker lives as long as its build, and
    leaves without the interpreter's teardown (`_exit_at_once`)."""
    import gc

    from .places import gazetteer

    gc.disable()
    gazetteer()
    atexit.register(_exit_at_once)


def _exit_at_once() -> None:
    """A pool worker's last act, once multiprocessing has run its own exit (queues closed,
    streams flushed) and the interpreter begins its teardown: leave without it. Freeing the
    gazetteer, Great Expectations and a build's memos object by object kept a million-report
    build waiting 1.9 s for its workers to end after the tables were published (a
    throwaway measurement); the system takes a process's memory back at once."""
    os._exit(0)


class PoolEngine:
    """Parts on a pool of local worker processes, one per core; results in order.

    Starting workers costs about two seconds (each imports pandas and loads the gazetteer),
    and parts travel to them and back pickled, so a build uses them only from `min_rows`
    rows on: smaller builds run in this process, as with one worker. Workers are started
    with `spawn`, never `fork`: Arrow's and dateparser's threads and locks do not survive a
    fork."""

    min_rows = 100_000
    # Raw input from which a build will use the workers (news reports run 100-200 bytes a
    # row, so about `min_rows`): they are started before reading, and start while it reads.
    min_bytes = 10 * 2**20
    reads = False
    local = True

    def __init__(self, workers: int) -> None:
        self.parts = workers
        self._pool: Any = None
        self.folder: Path | None = None  # where parts travel as files, when given

    def _start(self) -> Any:
        if self._pool is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            self._pool = ProcessPoolExecutor(self.parts, initializer=_warm,
                                             mp_context=multiprocessing.get_context("spawn"))
            for _ in range(self.parts):  # each submission starts a worker while none is idle
                self._pool.submit(int)
        return self._pool

    def expect(self, raw_bytes: int, folder: Path | None = None) -> None:
        """Start the workers now when the build will need them: their start (two seconds of
        imports and the gazetteer) then overlaps this process's reading. `folder`: where
        the parts travel from now on (`_Through`)."""
        self.folder = folder
        if raw_bytes >= self.min_bytes:
            self._start()

    def prefetch(self, fn: Callable[[], Any]) -> None:
        """Run `fn` (a load the next step's work needs, such as importing Great Expectations)
        on each worker now, without waiting: call it when the workers are idle and this
        process is busy. A worker that gets two runs the second at no cost."""
        if self._pool is not None:
            for _ in range(self.parts):
                self._pool.submit(fn)

    def map(self, fn: Callable[[Any], Any], items: list[Any]) -> list[Any]:
        return self.submit(fn, items)()

    def submit(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> Callable[[], list[Any]]:
        """`map` started now, its results collected by calling what this returns: this
        process may work meanwhile. Every item goes to the pool as soon as it is made: from
        an iterator, a worker starts on the first while this process makes the next. Given a
        `folder` (`expect`), items and results travel as files there (`_Through`)."""
        if isinstance(items, list) and not items:
            return list
        if self.folder is None:
            results = self._start().map(fn, items)
            return lambda: list(results)
        through = _Through(fn, self.folder)
        paths = self._start().map(through, (through.put(item) for item in items))
        return lambda: [through.take(path) for path in paths]

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None


class _Through:
    """`fn` on a pool's worker, its item and its result passing as pickle files of `folder`
    rather than through the pool's pipe. On this machine a pipe carried a part of 250,000
    `today` rows (72 MB pickled) in about 0.45 s, and carried the parts one after another:
    four parts there and back, doing nothing, took 2.4 s; as files they took 0.05 s
    (throwaway timings). A file is removed once read."""

    def __init__(self, fn: Callable[[Any], Any], folder: Path) -> None:
        self.fn = fn
        self.folder = folder

    def __call__(self, path: Path) -> Path:
        return self.put(self.fn(self.take(path)))

    def put(self, value: Any) -> Path:
        """`value` pickled into a new file of the folder: its path."""
        import pickle
        import tempfile

        try:
            fd, name = tempfile.mkstemp(suffix=".pickle", dir=self.folder)
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        except OSError as exc:  # a full disk stops the build as the shelf's does
            raise OutputError.writing(self.folder.parent, exc) from None
        return Path(name)

    @staticmethod
    def take(path: Path) -> Any:
        """What `put` wrote to `path`; the file is removed."""
        import pickle

        with open(path, "rb") as fh:
            value = pickle.load(fh)
        path.unlink()
        return value


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

    min_rows = 0
    reads = True
    local = False

    def __init__(self, client: Any) -> None:
        self.client = client
        workers = len(client.scheduler_info().get("workers", {})) or 1
        self.parts = 2 * workers

    def expect(self, raw_bytes: int, folder: Path | None = None) -> None:
        """Told how much raw input a build reads: a cluster is already running."""

    def prefetch(self, fn: Callable[[], Any]) -> None:
        """Told what the workers will need next: a cluster's load their own."""

    def map(self, fn: Callable[[Any], Any], items: list[Any]) -> list[Any]:
        return self.submit(fn, items)()

    def submit(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> Callable[[], list[Any]]:
        """`map` started now on the cluster, its results gathered by calling what this
        returns."""
        items = list(items)
        if not items:  # nothing to scatter (dask refuses an empty list)
            return list
        # Parts are data, not task arguments: scattered first, they go to the workers
        # directly instead of inside the task graph.
        futures = self.client.map(_Catching(fn), self.client.scatter(items, hash=False),
                                  pure=False)

        def gather() -> list[Any]:
            results = self.client.gather(futures)
            for result in results:
                if isinstance(result, _Expected):
                    raise result.error
            return results
        return gather


class Run:
    """One build on an engine: whether it splits its work, the seconds of each step, and the
    memory between steps, in one place, so that `build` reads as its steps.

    - Work: the build splits its work into the engine's `parts` only from its `min_rows` rows
      on (`plan`); below that `map` runs here and no worker is started (two seconds of
      imports that a small build never wins back).
    - Time: each step's wall seconds (`step`, `lap`); they add up to the build's.
    - Memory: the cyclic collector is paused from the first step to the last data step (with
      millions of live row objects its passes cost as much as the work: reading 1M rows took
      12.5 s with it, 6.4 s without; paused and resumed between steps, each resumption would
      walk every row object once more) and runs again for validation (`collect=True`: Great
      Expectations makes cycles, and by then the rows are Arrow tables). Freed memory goes
      back to the system before and after each step (`memory.release`: Arrow's pool and
      glibc's heap keep freed pages), so that each step's peak is its own, and the modules a
      step names in `forget` lose their per-input memos when it ends.
    """

    def __init__(self, engine: Any, progress: Callable[[str], None] = lambda _: None,
                 started: float | None = None) -> None:
        """`started`: the `time.perf_counter()` the first step's seconds count from (the
        build's start, so that opening the engine counts too)."""
        self.engine = engine
        self.progress = progress
        self.split = 1
        self.seconds: dict[str, float] = {}
        self._clock = time.perf_counter() if started is None else started
        self._paused = ExitStack()

    def __enter__(self) -> Run:
        self._paused.enter_context(gc_paused())
        return self

    def __exit__(self, *exc: object) -> None:
        self._paused.close()

    def expect(self, raw_bytes: int, folder: Path | None = None) -> None:
        """Told the raw input's size before reading: the engine may start its workers; and a
        folder of the output's disk, through which a pool's parts may travel."""
        self.engine.expect(raw_bytes, folder)

    @property
    def reader(self) -> Callable[[Callable, list], list] | None:
        """The map to read files with: a cluster's, whose workers may read them; else none."""
        return self.engine.map if self.engine.reads and self.engine.parts > 1 else None

    @property
    def threads(self) -> int:
        """Threads of this process that work at once where Arrow's kernels let go of the
        interpreter: one per worker of a local engine, whose cores they share (reading
        files: a file's digest and clean-up run while another is parsed, the workers idle
        then; keying quotes, while the workers normalize: `in_threads`), one beside a
        cluster, whose workers read the files."""
        return 1 if self.engine.reads else max(1, self.engine.parts)

    def plan(self, rows: int) -> int:
        """Decide, once the rows are counted, into how many parts the work is split."""
        self.split = self.engine.parts if rows >= self.engine.min_rows else 1
        return self.split

    @property
    def local(self) -> bool:
        return bool(self.engine.local)

    def map(self, fn: Callable[[Any], Any], items: list[Any]) -> list[Any]:
        """`fn` over the items: on the engine when the work is split (the items' memory
        handed back once the results are in, as for `submit`), else here."""
        if self.split <= 1:
            return [fn(item) for item in items]
        results = self.engine.map(fn, items)
        release()
        return results

    def submit(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> Callable[[], list[Any]]:
        """`map` started on the engine's workers (when the work is split), so that this
        process may do other work before it calls what this returns for the results; with
        no workers, the work is done when they are asked for.

        Once the workers' results are in, the items they were sent (held whole, and
        pickled, until then) are freed, and their memory goes back to the system
        (`memory.release`): else what this process does next is counted on top of it (a
        million reports' blocks for reconciling, beside the tables made next)."""
        if self.split <= 1:
            return lambda: self.map(fn, list(items))
        started = self.engine.submit(fn, items)

        def collect() -> list[Any]:
            results = started()
            release()
            return results
        return collect

    def prefetch(self, fn: Callable[[], Any]) -> None:
        """Load what the workers' next step needs while they idle (when there are workers)."""
        if self.split > 1:
            self.engine.prefetch(fn)

    def lap(self, name: str) -> None:
        """The seconds since the last lap, counted to step `name`."""
        now = time.perf_counter()
        self.seconds[name] = self.seconds.get(name, 0.0) + now - self._clock
        self._clock = now

    @contextmanager
    def step(self, name: str, message: str, *, forget: tuple[ModuleType, ...] = (),
             collect: bool = False) -> Iterator[None]:
        """One step: announced, timed, between two releases of freed memory."""
        self.progress(message)
        if collect:
            self._paused.close()  # the collector runs from here to the build's end
        release()  # what the work before it held (writing Parquet, the last step's frames)
        yield
        forget_memos(*forget)
        release()
        self.lap(name)


@contextmanager
def open_engine(name: str, scheduler: str | None = None, workers: int | None = None
                ) -> Iterator[PandasEngine | PoolEngine | DaskEngine]:
    """The engine for `--engine`/`--scheduler`/`--workers`: a local cluster when dask has no
    scheduler; for pandas, this process, or a pool of `workers` processes when more than
    one."""
    if name not in ENGINES:
        raise UsageError(f"unknown engine {name!r}: use pandas or dask")
    if workers is not None and workers < 1:
        raise UsageError(f"--workers must be at least 1, not {workers}")
    if name == "pandas":
        if scheduler:
            raise UsageError("--scheduler needs --engine dask")
        count = 1 if workers is None else workers
        if count == 1:
            yield PandasEngine()
            return
        engine = PoolEngine(count)
        try:
            yield engine
        finally:
            engine.close()
        return
    if workers is not None:
        raise UsageError("--workers is for the pandas engine; a dask cluster has its own")
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
