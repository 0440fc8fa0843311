"""Time on a unit: each change of the unit on screen carries the seconds since it was shown or last
changed, so a unit's records sum to the time it was on screen while labelled."""

from __future__ import annotations

from pathlib import Path

from annotator.corpus.load import load_corpus
from annotator.schema.load import load_schema
from annotator.session.annotate import SaveRequest, Session
from tests.conftest import SCHEMA


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_each_change_counts_from_the_show_or_the_last_change(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("First claim here. Second one.\n", encoding="utf-8")
    clock = Clock()
    session = Session(load_schema(SCHEMA), load_corpus([tmp_path]).units(), clock=clock)
    clock.now += 4.25
    first = session.pick(0, "checkworthiness", 1)
    clock.now += 2
    done = session.mark_done(0)
    assert isinstance(first, SaveRequest) and isinstance(done, SaveRequest)
    assert (first.seconds, done.seconds) == (4.25, 2.0)
    assert done.record_keys["seconds"] == 2.0
    clock.now += 30
    session.show(1)
    clock.now += 5
    undone = session.undo()  # a change of unit 0, which is no longer on screen: no time
    assert undone is not None and undone.index == 0 and undone.seconds is None and "seconds" not in undone.record_keys
    skipped = session.status_request(1, "skipped")
    assert skipped.seconds == 5.0
