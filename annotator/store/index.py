"""The index of an annotator file, kept in the cache: where the heads of the file's first bytes are,
so that a store read before is parsed again only from where it grew.

An annotator file only grows by appends, so the heads of its first `size` bytes stay heads until a
later record supersedes them. The index is trusted only when the path names the same file (device
and inode) at least `size` bytes long, whose first `size` bytes have the digest the index holds: a
rewrite, a truncation, a git checkout, pull or union merge (which write the file anew and may put
lines anywhere) each fail one of these, and the file is then read whole, with the messages a whole
read gives. An index is made only of a clean prefix, every line a record and every record the first
of its unit or the next revision of its head, so the bytes it skips hold nothing to report. The
heads are parsed from the file's own bytes (the index holds only where they are); an index that
does not read back as written (its checksum) counts as missing. Deleting the cache is safe.

The digest is XXH3's 128 bits, not sha256: it is checked on every read of every file, and hashing
at memory speed is what lets a reopen cost a fraction of a first read. The cache guards against
accidents (a file changed under it), not against someone forging both a file and its index, for
which 128 bits of a non-cryptographic hash do as well as sha256.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path

import orjson
import xxhash

from annotator.files import read_bytes, replace_file
from annotator.paths import cache_dir
from annotator.store.folder import Identity
from annotator.store.records import LabelKey, Record, label_key
from annotator.text import bytes_sha256, sha256_hex

INDEX_FORMAT = 2
INDEX_FOLDER = f"store-index-v{INDEX_FORMAT}"


@dataclass(frozen=True)
class FileIndex:
    identity: Identity  # the file it was made from
    size: int  # the bytes it covers: whole lines, each a record
    digest: str  # of those bytes (`covered_digest`)
    lines: int  # how many lines they hold
    kinds: frozenset[str]  # the KINDS among their records
    heads: list[tuple[int, int]]  # where the line of each head starts and ends (before its newline)


@dataclass
class Prefix:
    """The heads of the bytes an index covers, read from the file."""

    heads: dict[LabelKey, Record]
    lines: list[tuple[int, int]]  # where the line of each head starts and ends, in the order of `heads`
    digest: xxhash.xxh3_128  # of the bytes covered, to go on with the bytes after them


def covered_digest(data: bytes | memoryview) -> xxhash.xxh3_128:
    """The digest an index holds of the bytes it covers; `update` it with the bytes that follow."""
    return xxhash.xxh3_128(data)


def index_path(path: Path) -> Path:
    """Where the index of the annotator file `path` is kept: one per absolute path."""
    return cache_dir() / INDEX_FOLDER / f"{sha256_hex(str(Path(path).resolve()))}.json"


def read_index(path: Path) -> FileIndex | None:
    """The index last made of the annotator file `path`; None if there is none, or it is damaged."""
    try:
        checksum, _, body = read_bytes(index_path(path)).partition(b"\n")
        if checksum != bytes_sha256(body).encode("ascii"):
            return None
        raw = orjson.loads(body)
        heads = list(zip(raw["starts"], raw["ends"], strict=True))
        return FileIndex((raw["device"], raw["inode"]), raw["size"], raw["digest"], raw["lines"], frozenset(raw["kinds"]), heads)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_index(path: Path, index: FileIndex) -> None:
    """Keep `index` for the annotator file `path`; a cache that cannot be written is only slower."""
    body = orjson.dumps({
        "device": index.identity[0], "inode": index.identity[1], "size": index.size, "digest": index.digest,
        "lines": index.lines, "kinds": sorted(index.kinds),
        "starts": [start for start, _ in index.heads], "ends": [end for _, end in index.heads],
    })  # fmt: skip
    with contextlib.suppress(OSError):
        replace_file(index_path(path), bytes_sha256(body).encode("ascii") + b"\n" + body)


def read_prefix(index: FileIndex, identity: Identity, data: bytes | memoryview) -> Prefix | None:
    """The heads `index` places in `data` (the bytes of the file now); None unless the file is the
    one indexed and the bytes it covers are unchanged."""
    if index.identity != identity or len(data) < index.size:
        return None
    covered = memoryview(data)[: index.size]
    digest = covered_digest(covered)
    if digest.hexdigest() != index.digest:
        return None
    heads = _heads_at(covered, index.heads)
    return None if heads is None else Prefix(heads, index.heads, digest)


def _heads_at(covered: memoryview, lines: list[tuple[int, int]]) -> dict[LabelKey, Record] | None:
    """The records on `lines` (start, end) of `covered`, by label; None if they are not records."""
    loads = orjson.loads
    try:
        records = [loads(covered[start:end]) for start, end in lines]
        heads = dict(zip(map(label_key, records), records, strict=True))
    except (ValueError, TypeError, KeyError):
        return None
    return heads if len(heads) == len(lines) else None


def line_spans(last_lines: dict[LabelKey, int], lines: list[bytes], at: int) -> dict[LabelKey, tuple[int, int]]:
    """Where the line of each key starts and ends in the file, given its number (from 0) among
    `lines`, the lines of the file from offset `at`."""
    before = list(accumulate(map(len, lines), initial=0))
    spans = {}
    for key, line in last_lines.items():
        start = at + before[line] + line
        spans[key] = (start, start + len(lines[line]))
    return spans
