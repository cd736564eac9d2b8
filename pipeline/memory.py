"""Keeping a build's peak memory to what a stage needs at once."""

from __future__ import annotations


def release() -> None:
    """Hand freed heap pages back to the system (glibc only), so that memory a finished step
    held is not counted again on top of the next step's."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to do
        pass
