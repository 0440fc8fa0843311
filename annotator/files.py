"""Files: reading whole input files with the system calls alone (`open(path, "rb").read()` builds a
buffered reader for every file, which is most of the cost of opening a corpus of many small files),
refusing what is not a regular file or is too large before reading it, replacing a file whole, and
swapping two folders atomically."""

from __future__ import annotations

import ctypes
import errno
import os
import stat
import sys
import tempfile
from functools import cache
from pathlib import Path
from typing import NoReturn

MAX_DOCUMENT_MB_VARIABLE = "ANNOTATOR_MAX_DOCUMENT_MB"
DEFAULT_MAX_DOCUMENT_MB = 20.0


def max_document_bytes() -> int:
    """The largest document read (a document file, or a line of a JSONL corpus): $ANNOTATOR_MAX_DOCUMENT_MB
    megabytes, 20 by default."""
    return _megabytes_to_bytes(os.environ.get(MAX_DOCUMENT_MB_VARIABLE))


@cache
def _megabytes_to_bytes(setting: str | None) -> int:
    try:
        megabytes = float(setting) if setting is not None else DEFAULT_MAX_DOCUMENT_MB
    except ValueError:
        megabytes = DEFAULT_MAX_DOCUMENT_MB
    return int((megabytes if megabytes > 0 else DEFAULT_MAX_DOCUMENT_MB) * 2**20)


class NotARegularFile(OSError):
    """A named pipe, a device or a socket (or a link to one): never opened, as reading it may block
    or never end."""


class TooLarge(OSError):
    """A file over the size limit it was read with: refused before it is read whole."""


def too_large(size: int, limit: int) -> str:
    """Why a file or line of `size` bytes is not read."""
    return f"{_size(size)}, over the limit of {_size(limit)} for a document (${MAX_DOCUMENT_MB_VARIABLE} sets it)"


def _size(size: int) -> str:
    return f"{size / 2**20:.1f} MB" if size >= 2**20 else f"{size:,} bytes"


_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _refuse(mode: int, path: str | Path) -> NoReturn:
    """The error for a path that is not a regular file."""
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
    raise NotARegularFile(errno.EINVAL, f"{kind}, not a regular file: not read", str(path))


def read_bytes(path: str | Path, max_bytes: int | None = None) -> bytes:
    """The whole file; OSError as `open` raises it (missing, no permission, ...), IsADirectoryError
    for a folder, NotARegularFile for a pipe, device or socket (or a link to one), and TooLarge for
    a file over `max_bytes`; neither of the last two is read."""
    return read_with_status(path, max_bytes)[0]


def read_with_status(path: str | Path, max_bytes: int | None = None) -> tuple[bytes, os.stat_result]:
    """`read_bytes`, with the status of the file read (which file it was: a path may name another
    file by the time it is looked at again)."""
    fd, status = _open_regular(path)
    try:
        limit = sys.maxsize if max_bytes is None else max_bytes
        if status.st_size > limit:
            raise TooLarge(errno.EFBIG, too_large(status.st_size, limit), str(path))
        wanted = status.st_size + 1  # one more than the size: a short read is the end
        chunks, size = [], 0
        while True:
            chunks.append(os.read(fd, wanted))
            size += len(chunks[-1])
            if size > limit:
                raise TooLarge(errno.EFBIG, too_large(size, limit), str(path))
            if len(chunks[-1]) < wanted:
                return b"".join(chunks), status
            wanted = 1 << 20  # a file that grew, or one that reports no size (/proc)
    finally:
        os.close(fd)


def _open_regular(path: str | Path) -> tuple[int, os.stat_result]:
    """The regular file `path` open for reading, and its status; see `read_bytes` for what is refused."""
    mode = os.stat(path).st_mode
    if not stat.S_ISREG(mode):
        _refuse(mode, path)
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK)  # a pipe put there since cannot block
    try:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            _refuse(status.st_mode, path)
    except BaseException:
        os.close(fd)
        raise
    return fd, status


class ReadBuffer:
    """One buffer that whole files are read into in turn: reading many large files one after the
    other then takes (and faults in) memory once, not once a file."""

    def __init__(self) -> None:
        self._data = bytearray()

    def read(self, path: str | Path) -> tuple[memoryview, os.stat_result]:
        """The bytes of the regular file `path`, valid until the next read, and its status."""
        fd, status = _open_regular(path)
        try:
            if len(self._data) <= status.st_size:  # a new buffer, never a resized one: a view of the old may live on
                self._data = bytearray(status.st_size + 1)  # one more than the size: a short read is the end
            size = 0
            while True:
                size += os.readv(fd, [memoryview(self._data)[size:]])
                if size < len(self._data):
                    return memoryview(self._data)[:size], status
                self._data = self._data + bytearray(1 << 20)  # a file that grew, or one that reports no size (/proc)
        finally:
            os.close(fd)


def replace_file(path: Path, data: bytes) -> None:
    """Make `path` hold `data`, written beside it first, so that a reader finds the old file or the
    new one whole, never part of one (no fsync: for caches, which may be lost)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def fsync_dir(directory: Path) -> None:
    """Make what was created, renamed or removed in `directory` survive a power cut (its entries
    are data too)."""
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
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
