"""The store folder: which file holds whose records, and the sidecars that hold torn last lines.

`<store_dir>/<annotator>.jsonl` holds one annotator's records. What a crash can leave behind is an
incomplete last line; the writer moves it aside to a `<annotator>.jsonl.torn-<UTC time>` sidecar,
which stays until the user moves or deletes it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from annotator.errors import UserError
from annotator.store.records import is_annotator_name


def annotator_file(store_dir: Path, annotator: str) -> Path:
    """The file of `annotator`'s records in `store_dir`."""
    return Path(store_dir) / f"{annotator}.jsonl"


Identity = tuple[int, int]  # (device, inode): which file a path names


def file_identity(status: os.stat_result) -> Identity:
    return status.st_dev, status.st_ino


class NameCaseClash(UserError):
    """The name differs from an annotator file's only by case: one file on macOS and Windows."""


def check_name_case(store_dir: Path, annotator: str) -> None:
    """NameCaseClash if `store_dir` holds the file of a name that differs from `annotator` only by
    case: on a file system that ignores case (macOS, Windows) the two names are one file."""
    ours = annotator_file(store_dir, annotator).name
    folder = Path(store_dir)
    others = (
        sorted(path.name for path in folder.glob("*.jsonl") if path.name != ours and path.name.casefold() == ours.casefold())
        if folder.is_dir()
        else []
    )
    if others:
        other = others[0].removesuffix(".jsonl")
        raise NameCaseClash(
            f"{folder / others[0]} holds the labels of {other}; {annotator} differs from it only by case,"
            f" and where case is ignored (macOS, Windows) the two are one file: use --as {other}, or another name"
        )


@dataclass(frozen=True)
class TornSidecar:
    """A file made by `AnnotationLog.open` to hold the torn last line it cut from an annotator file."""

    path: Path
    owner: Path  # the annotator file the line was cut from (it may be gone since)
    size: int  # bytes


def torn_sidecars(store_dir: Path) -> list[TornSidecar]:
    """Every torn-line sidecar in `store_dir` (which must exist), by name; reads only.

    Only the user moves or deletes a sidecar. A file that merely looks like one (a name the store
    would not make, such as `alice.jsonl.torn-notes.txt`) is not listed.
    """
    sidecars = []
    for path in sorted(Path(store_dir).iterdir()):
        owner = _sidecar_owner(path.name)
        if owner is not None and path.is_file():
            sidecars.append(TornSidecar(path, path.with_name(owner), path.stat().st_size))
    return sidecars


_TORN = ".torn-"


_TORN_TIME = "%Y%m%dT%H%M%S.%fZ"  # UTC


def sidecar_name(file_name: str, when: datetime) -> str:
    return f"{file_name}{_TORN}{when.strftime(_TORN_TIME)}"


def _sidecar_owner(name: str) -> str | None:
    """The annotator file name in sidecar name `name`, or None if the store would not make `name`."""
    owner, _, stamp = name.rpartition(_TORN)
    try:
        when = datetime.strptime(stamp, _TORN_TIME)
    except ValueError:
        return None
    # The round trip refuses what strptime forgives (one-digit months and the like).
    if sidecar_name(owner, when) != name or not owner.endswith(".jsonl"):
        return None
    return owner if is_annotator_name(owner.removesuffix(".jsonl")) else None
