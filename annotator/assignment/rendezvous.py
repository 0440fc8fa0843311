"""Assignment by rendezvous (highest-random-weight) hashing: a pure function of the unit ids and the
roster, so every machine computes the same answer and nothing has to be shared.

Each (annotator, unit) pair gets a pseudo-random 64-bit weight, mixed from a hash of the unit id and
a hash of the annotator's name; a unit goes to the `overlap` annotators with the highest weights.
Loads are even, and adding or removing one annotator moves only the units it gains or loses: every
other pair keeps its weight, so every other unit keeps its annotators. Units of the calibration set
(documents by id, and a share of units chosen by another weight of the same kind) go to everyone.

The hashes are BLAKE2b (the same bytes on every platform and Python version) and the mixing is the
finaliser of splitmix64, computed with numpy over all units at once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from annotator.project.config import Team
from annotator.store.records import UnitKey

CHUNK = 1 << 16  # units weighed at a time: (CHUNK, annotators) arrays stay a few MB
_CALIBRATION_SALT = "\0calibration"  # weighed as if an annotator of this name, which no annotator can have (NUL)


def unit_id(key: UnitKey) -> str:
    """The id of unit (doc, start, end) that assignment hashes; the numbers first, so no document id
    can make two units' ids the same."""
    doc, start, end = key
    return f"{start}:{end}:{doc}"


def hash64(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")


def unit_hashes(keys: Sequence[UnitKey]) -> np.ndarray:
    """The 64-bit hash of each unit's id, as a uint64 array."""
    blake2b = hashlib.blake2b
    digests = b"".join([blake2b(f"{start}:{end}:{doc}".encode(), digest_size=8).digest() for doc, start, end in keys])  # unit_id, inline
    return np.frombuffer(digests, dtype="<u8").astype(np.uint64)


def mix(values: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: every bit of the result depends on every bit of the input."""
    values = (values ^ (values >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    values = (values ^ (values >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return values ^ (values >> np.uint64(31))


def weights(hashes: np.ndarray, name: str) -> np.ndarray:
    """The weight of each unit (by the hash of its id) for `name`."""
    return mix(hashes ^ np.uint64(hash64(name)))


@dataclass(frozen=True)
class Assignment:
    """Who labels each unit: `chosen[i, j]` when annotator `annotators[j]` labels unit `i` (units in
    the order given); `calibration[i]` when unit `i` is in the calibration set (everyone labels it)."""

    annotators: tuple[str, ...]
    chosen: np.ndarray  # (units, annotators) bool
    calibration: np.ndarray  # (units,) bool

    def units_of(self, annotator: str) -> np.ndarray:
        """The indexes of the units assigned to `annotator` (none for a name not on the roster), in order."""
        if annotator not in self.annotators:
            return np.zeros(0, dtype=np.intp)
        return np.flatnonzero(self.chosen[:, self.annotators.index(annotator)])

    def counts(self) -> dict[str, int]:
        """How many units each annotator is assigned."""
        return dict(zip(self.annotators, self.chosen.sum(axis=0).tolist()))

    def overlaps(self) -> np.ndarray:
        """How many annotators each unit is assigned to."""
        return self.chosen.sum(axis=1)


def assign(team: Team, keys: Sequence[UnitKey]) -> Assignment:
    """Each unit of `keys` assigned to `team.overlap` annotators of the roster (all of them for the
    calibration set)."""
    hashes = unit_hashes(keys)
    chosen = np.zeros((len(keys), len(team.annotators)), dtype=bool)
    for first in range(0, len(keys), CHUNK):
        part = hashes[first : first + CHUNK]
        rows = np.arange(first, first + len(part))
        for best in _highest(part, team.annotators, team.overlap):
            chosen[rows, best] = True
    calibration = _calibration(team, keys, hashes)
    chosen[calibration] = True
    return Assignment(team.annotators, chosen, calibration)


def _highest(hashes: np.ndarray, names: Sequence[str], count: int) -> np.ndarray:
    """Per unit, the indexes of the `count` names of highest weight: a (count, units) array, highest
    first. Kept as a running list over the names, one array operation per name and place (a sort of
    every unit's row of weights costs several times more)."""
    top_weights = np.zeros((count, len(hashes)), dtype=np.uint64)
    top_names = np.full((count, len(hashes)), -1, dtype=np.intp)
    for index, name in enumerate(names):
        weight, who = weights(hashes, name), np.full(len(hashes), index, dtype=np.intp)
        for place in range(count):
            higher = weight > top_weights[place]
            weight, top_weights[place] = np.where(higher, top_weights[place], weight), np.where(higher, weight, top_weights[place])
            who, top_names[place] = np.where(higher, top_names[place], who), np.where(higher, who, top_names[place])
    return top_names


def _calibration(team: Team, keys: Sequence[UnitKey], hashes: np.ndarray) -> np.ndarray:
    """The units that everyone labels: those of the calibration documents, and a share of all units."""
    chosen = np.zeros(len(keys), dtype=bool)
    if team.calibration_documents:
        chosen |= np.fromiter((key[0] in team.calibration_documents for key in keys), dtype=bool, count=len(keys))
    if team.calibration_share > 0:
        threshold = team.calibration_share * 2.0**64
        chosen |= weights(hashes, _CALIBRATION_SALT).astype(np.float64) < threshold
    return chosen
