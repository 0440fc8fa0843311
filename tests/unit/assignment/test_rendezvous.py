"""Assignment by rendezvous hashing: the same answer everywhere, even loads, and a roster change that
moves only the share of the annotator who came or went."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from annotator.assignment.rendezvous import assign, unit_hashes, unit_id
from annotator.project.config import Team

KEYS = [(f"news/{doc:03d}", sentence * 80, sentence * 80 + 60) for doc in range(200) for sentence in range(50)]
ROSTER = tuple(f"annotator-{n}" for n in range(8))


def who(team: Team, keys: list = KEYS) -> list[frozenset[str]]:
    assignment = assign(team, keys)
    return [frozenset(np.array(assignment.annotators)[row]) for row in assignment.chosen]


def test_the_same_units_and_roster_give_the_same_assignment_in_any_order_of_the_roster() -> None:
    first = who(Team(ROSTER, 2))
    assert first == who(Team(ROSTER, 2))
    assert first == who(Team(tuple(reversed(ROSTER)), 2))


def test_the_hashes_are_fixed_bytes_not_python_hash() -> None:
    # Every machine must agree: the hash of a unit id is BLAKE2b, whatever PYTHONHASHSEED is.
    assert unit_id(("a/b", 3, 9)) == "3:9:a/b"
    assert unit_hashes([("a/b", 3, 9)]).tolist() == [int.from_bytes(hashlib.blake2b(b"3:9:a/b", digest_size=8).digest(), "little")]


@pytest.mark.parametrize("overlap", [1, 2, 3])
def test_every_unit_gets_overlap_annotators_and_loads_are_even(overlap: int) -> None:
    assignment = assign(Team(ROSTER, overlap), KEYS)
    assert set(assignment.overlaps().tolist()) == {overlap}
    counts = np.array(list(assignment.counts().values()))
    expected = len(KEYS) * overlap / len(ROSTER)
    # Each count is binomial: within 4 standard deviations of the even share.
    assert np.all(np.abs(counts - expected) < 4 * np.sqrt(expected))


def test_adding_an_annotator_moves_only_the_units_they_take() -> None:
    before = who(Team(ROSTER, 2))
    after = who(Team((*ROSTER, "newcomer"), 2))
    changed = [(old, new) for old, new in zip(before, after) if old != new]
    assert changed, "the newcomer takes a share"
    assert all("newcomer" in new and len(old - new) == 1 for old, new in changed)
    taken = sum("newcomer" in new for new in after)
    assert abs(taken - len(KEYS) * 2 / 9) < 4 * np.sqrt(len(KEYS) * 2 / 9)


def test_removing_an_annotator_moves_only_their_units() -> None:
    before = who(Team(ROSTER, 2))
    gone = ROSTER[3]
    after = who(Team(tuple(name for name in ROSTER if name != gone), 2))
    for old, new in zip(before, after):
        if gone in old:
            assert old - {gone} < new and len(new) == 2
        else:
            assert new == old


def test_the_calibration_set_goes_to_everyone() -> None:
    team = Team(ROSTER, 2, calibration_documents=frozenset({"news/007"}), calibration_share=0.1)
    assignment = assign(team, KEYS)
    in_document = np.array([key[0] == "news/007" for key in KEYS])
    assert assignment.calibration[in_document].all()
    share = (assignment.calibration & ~in_document).sum() / (~in_document).sum()
    assert 0.08 < share < 0.12
    assert (assignment.overlaps()[assignment.calibration] == len(ROSTER)).all()
    assert (assignment.overlaps()[~assignment.calibration] == 2).all()


def test_units_of_are_in_corpus_order_and_an_unknown_name_has_none() -> None:
    assignment = assign(Team(ROSTER, 2), KEYS)
    mine = assignment.units_of(ROSTER[0])
    assert mine.tolist() == sorted(mine.tolist()) and len(mine) == assignment.counts()[ROSTER[0]]
    assert assignment.units_of("stranger").tolist() == []
