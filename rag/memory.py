"""Handing freed memory back to the system, for the processes that stay up (the server)."""

import contextlib
import ctypes
import sys


def release_freed_memory() -> None:
    """glibc keeps what large loads freed (the ONNX model's protobuf, word lists: 40-50 MB) in the process's
    heap, counted in its resident memory for good; malloc_trim returns it. Does nothing without glibc."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):  # another C library (musl): nothing to trim
        ctypes.CDLL("libc.so.6").malloc_trim(0)
