"""Splits by document: which split each document goes to, the same for the same seed.

Documents are ordered by the sha256 of "<seed>:<doc id>"; each goes whole to the split whose share of
the rows holds the middle of that document's rows. No document has rows in two splits; a split may
come out empty on a small corpus.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from annotator.errors import UserError
from annotator.text import sha256_hex

Shares = tuple[tuple[str, float], ...]
DEFAULT_SHARES: Shares = (("train", 0.8), ("dev", 0.1), ("test", 0.1))


def split_spec(shares: Shares) -> str:
    """The shares as `--split` takes them: "train=0.8,dev=0.1,test=0.1"."""
    return ",".join(f"{name}={share:g}" for name, share in shares)


DEFAULT_SPLITS = split_spec(DEFAULT_SHARES)  # the --split default


_SPLIT_NAME = re.compile(r"[A-Za-z0-9_]+")


def parse_splits(spec: str) -> list[tuple[str, float]]:
    """`train=0.8,dev=0.1,test=0.1` -> [(name, share)], shares positive and adding up to 1."""
    splits: list[tuple[str, float]] = []
    for part in spec.split(","):
        name, equals, share_text = (piece.strip() for piece in part.partition("="))
        if not equals or not _SPLIT_NAME.fullmatch(name):
            raise UserError(f"--split: {part.strip()!r} is not NAME=SHARE (NAME of letters, digits, _)")
        try:
            share = float(share_text)
        except ValueError:
            raise UserError(f"--split: {share_text!r} is not a number (in {part.strip()!r})") from None
        if not 0 < share <= 1:
            raise UserError(f"--split: the share of {name!r} must be above 0 and at most 1, not {share_text}")
        if name in (known for known, _ in splits):
            raise UserError(f"--split: {name!r} is given twice")
        splits.append((name, share))
    total = sum(share for _, share in splits)
    if abs(total - 1) > 1e-9:
        raise UserError(f"--split: the shares add up to {total:g}, not 1")
    return splits


def assign_splits(rows_per_doc: Mapping[str, int], splits: Sequence[tuple[str, float]], seed: int) -> dict[str, str]:
    """document id -> split name; deterministic for a seed, whole documents only."""
    order = sorted(rows_per_doc, key=lambda doc: (_doc_hash(seed, doc), doc))
    total = sum(rows_per_doc.values())
    bounds: list[tuple[float, str]] = []
    upper = 0.0
    for name, share in splits:
        upper += share
        bounds.append((upper, name))
    assigned: dict[str, str] = {}
    before = 0
    for doc in order:
        middle = (before + rows_per_doc[doc] / 2) / total
        assigned[doc] = next((name for upper, name in bounds if middle < upper), bounds[-1][1])
        before += rows_per_doc[doc]
    return assigned


def _doc_hash(seed: int, doc: str) -> str:
    return sha256_hex(f"{seed}:{doc}")
