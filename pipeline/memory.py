"""Keeping a build's peak memory to what a stage needs at once."""

from __future__ import annotations


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
