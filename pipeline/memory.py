"""Keeping a build's peak memory to what a stage needs at once."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType

PURGE_DELAY_MS = 1000


def purge_after_a_second() -> None:
    """Have Arrow's allocator (mimalloc) keep the pages it frees for a second before it gives
    them back to the system, and a build give them back itself where a step frees much at
    once (`release` between steps, `release_arrow` within one).

    On this virtual machine a page given back and touched again costs a fault in the host,
    and mimalloc's own delay (10 ms) gives back the buffers that a loop frees and allocates
    again at every turn. A million heavy reports, whose build reads, keys and writes 2 GB of
    quotes a batch at a time, took 36.0 s with pages given back at once (0 ms, the setting
    before), 33.1 s at 10 ms, 31.5-33.1 at 100-300 and 29.8-30.1 at 1,000 (`make bench`'s
    child build, one run each; today's million 21.9 s at 0 ms, 20.3-21.2 at 1,000; a value
    given compares so: `MIMALLOC_PURGE_DELAY=0 BENCH_SHAPES=heavy make bench`). Never giving
    them back (-1) put the build's own peak at 1,392-1,575 MiB. mimalloc reads the setting
    when pyarrow is first imported, so `pipeline` sets it before importing anything that
    imports pyarrow; a value the user set wins, and the workers inherit it."""
    os.environ.setdefault("MIMALLOC_PURGE_DELAY", str(PURGE_DELAY_MS))


def release() -> None:
    """Hand freed memory back to the system, so that what a finished step held is not counted
    again on top of the next step's: Arrow's pool keeps freed pages for reuse, and so does
    glibc's heap."""
    release_arrow()
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to do
        pass


def release_arrow() -> None:
    """Give back the pages Arrow's pool has freed, now, not a second later (`release` without
    trimming glibc's heap): for a loop that frees a large column at each turn."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector: with millions of live row objects its full passes
    cost as much as the work itself (measured: reading 1M rows takes 12.5 s with it, 6.4 s
    without), and a build's data steps create no cycles worth collecting."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def forget_memos(*modules: ModuleType) -> None:
    """Drop the per-input memos of the modules' functions (their `lru_cache`s of more than one
    entry: hundreds of thousands of entries at scale); their rule tables, cached whole, stay
    loaded."""
    for module in modules:
        for obj in vars(module).values():
            info = getattr(obj, "cache_info", None)
            if callable(info) and (info().maxsize or 0) > 1:
                obj.cache_clear()
