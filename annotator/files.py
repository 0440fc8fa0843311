"""Reading whole input files with the system calls alone: `open(path, "rb").read()` builds a
buffered reader for every file, which is most of the cost of opening a corpus of many small files."""

from __future__ import annotations

import os
from pathlib import Path


def read_bytes(path: str | Path) -> bytes:
    """The whole file; OSError as `open` raises it (missing, a folder, no permission, ...)."""
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        wanted = os.fstat(fd).st_size + 1  # one more than the size: a short read is the end
        chunks = []
        while True:
            chunks.append(os.read(fd, wanted))
            if len(chunks[-1]) < wanted:
                return b"".join(chunks)
            wanted = 1 << 20  # a file that grew, or one that reports no size (/proc)
    finally:
        os.close(fd)
