"""Files: reading whole input files with the system calls alone (`open(path, "rb").read()` builds a
buffered reader for every file, which is most of the cost of opening a corpus of many small files),
and swapping two folders atomically."""

from __future__ import annotations

import ctypes
import errno
import os
import sys
from functools import cache
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


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_UNSUPPORTED = {errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP}


def exchange(first: Path, second: Path) -> bool:
    """Swap two existing paths in one step (Linux `renameat2` with RENAME_EXCHANGE): afterwards each
    names what the other did, and at no moment does either name nothing. False, with nothing done,
    where the system or the file system cannot; OSError for any other failure."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in _UNSUPPORTED:
        return False
    raise OSError(code, os.strerror(code), str(first), None, str(second))


@cache
def _renameat2():  # the C function, or None where the C library has none
    if not sys.platform.startswith("linux"):
        return None
    function = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if function is not None:
        function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
        function.restype = ctypes.c_int
    return function
