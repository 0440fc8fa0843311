"""Reading whole files with little overhead per file, and where the tool keeps its caches.

`open(path, "rb").read()` builds a buffered reader for every file: opening a corpus of 1,000 files
cost 12-21 ms that way against 8 ms with the system calls alone.
"""

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


def default_cache_dir() -> Path:
    """$ANNOTATOR_CACHE_DIR, else $XDG_CACHE_HOME/annotator, else ~/.cache/annotator."""
    if os.environ.get("ANNOTATOR_CACHE_DIR"):
        return Path(os.environ["ANNOTATOR_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "annotator"
