"""Keeping a build's peak memory to what a stage needs at once."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType


def purge_promptly() -> None:
    """Have Arrow's allocator (mimalloc) give freed pages back to the system when they are
    freed, not after its default delay: in a build's long stretches of Python work the
    delayed purge seldom came, so a step's freed Arrow columns stayed counted in its peak
    until the next `release` (a million long-tail reports, two workers: the build's own
    peak 1,613-1,633 MiB in `make bench`, 1,361-1,413 with this). mimalloc reads the setting
    when pyarrow is first imported, so `pipeline` sets it before importing anything that
    imports pyarrow; a value the user set wins, and the workers inherit it."""
    os.environ.setdefault("MIMALLOC_PURGE_DELAY", "0")


def release() -> None:
    """Hand freed memory back to the system, so that what a finished step held is not counted
    again on top of the next step's: Arrow's pool keeps freed pages for reuse, and so does
    glibc's heap."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to do
        pass


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
