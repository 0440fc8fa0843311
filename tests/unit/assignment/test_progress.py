"""Progress: statuses of the assigned units, time from the records (pauses not counted), the time
left, and the sentences that reached the overlap."""

from __future__ import annotations

from annotator.assignment.progress import PAUSE, record_times, team_progress
from annotator.assignment.rendezvous import assign
from annotator.project.config import Team
from annotator.store.read import StoreView
from tests.unit.store.test_store import valid_record

KEYS = [("news/a", n * 10, n * 10 + 8) for n in range(6)] + [("news/b", 0, 8)]


def at(minute: float, **changes: object) -> dict:
    seconds = round(minute * 60, 3)
    return valid_record(ts=f"2026-12-01T10:{int(seconds // 60):02d}:{seconds % 60:06.3f}Z", **changes)


def test_a_record_counts_its_seconds_or_the_time_since_the_previous_save_up_to_a_pause() -> None:
    records = [at(0), at(0.5), at(1, seconds=12.5), at(9), at(9.25, seconds=PAUSE + 1)]
    assert record_times(records) == [0.0, 30.0, 12.5, 0.0, 0.0]
    assert record_times(list(reversed(records))) == [0.0, 0.0, 12.5, 30.0, 0.0]  # by time, not by line


def test_team_progress_counts_the_assigned_units_and_the_overlap_reached() -> None:
    team = Team(("alice", "bob"), 2)  # two annotators, overlap 2: both label everything
    assignment = assign(team, KEYS)
    records = {
        "alice": [
            at(0, id="a1", doc="news/a", start=0, end=8, seconds=20),
            at(1, id="a2", doc="news/a", start=10, end=18, seconds=40),
            at(2, id="a3", doc="news/a", start=20, end=28, status="draft", seconds=5),
            at(3, id="a4", doc="news/b", start=0, end=8, status="skipped", seconds=1),
        ],
        "bob": [at(0, id="b1", annotator="bob", doc="news/a", start=0, end=8, seconds=60)],
    }
    latest = {(r["annotator"], r["doc"], r["start"], r["end"]): r for rs in records.values() for r in rs}
    view = StoreView(
        records=records, latest=latest, problems=[], kinds={"alice": frozenset({"annotation"}), "bob": frozenset({"annotation"})}
    )  # type: ignore[arg-type]
    progress = team_progress(assignment, KEYS, latest, view)
    alice, bob = progress.annotators
    assert (alice.assigned, alice.statuses, alice.left) == (7, {"done": 2, "draft": 1, "skipped": 1, "flagged": 0}, 4)
    assert (alice.active_seconds, alice.median_seconds, alice.seconds_left) == (66.0, 30.0, 120.0)
    assert (bob.left, bob.median_seconds) == (6, 60.0)
    assert [(d.doc, d.sentences, d.at_overlap) for d in progress.documents] == [("news/a", 6, 1), ("news/b", 1, 0)]
