"""Anchors: labels follow their sentence through edits of the document, or are reported stale."""

from __future__ import annotations

import hashlib
from pathlib import Path

import orjson
import pytest

from annotator.corpus.document import Corpus, Unit
from annotator.corpus.load import load_corpus
from annotator.labels.anchors import Anchoring, anchor
from tests.conftest import DATA, SEEDS

HEADLINE = "Missile talks stall"
FIRED = "SEOUL, Aug. 14 (Yonhap) -- North Korea fired two missiles on Monday, the military said."
LAUNCH = "The launch came a day before the talks."
NO_DAMAGE = "No damage was reported."
POSTPONED = "The talks were postponed to Aug. 21."
ORIGINAL = f"{HEADLINE}\n\n{FIRED} {LAUNCH} {NO_DAMAGE}\n\n{POSTPONED} {NO_DAMAGE}\n"


def corpus_of(folder: Path, text: str) -> Corpus:
    folder.mkdir(exist_ok=True)
    (folder / "news.txt").write_text(text, encoding="utf-8")
    return load_corpus([folder])


def record(annotator: str, unit: Unit, doc_sha256: str, ts: str = "2026-11-21T10:00:00.000Z") -> dict:
    return {
        "id": f"{annotator}-{unit.start}-{ts}",
        "annotator": annotator,
        "doc": unit.doc,
        "doc_sha256": doc_sha256,
        "start": unit.start,
        "end": unit.end,
        "text_sha256": unit.text_sha256,
        "labels": {"checkworthiness": "check"},
        "status": "done",
        "rev": 1,
        "ts": ts,
    }


def latest_of(records: list[dict]) -> dict[tuple[str, str, int, int], dict]:
    return {(r["annotator"], r["doc"], r["start"], r["end"]): r for r in records}


def label_all(corpus: Corpus, annotator: str = "ann") -> dict[tuple[str, str, int, int], dict]:
    sha = corpus.document("news").sha256
    return latest_of([record(annotator, unit, sha) for unit in corpus.units()])


def placed(anchoring: Anchoring) -> dict[str, tuple[int, int]]:
    """Text of the sentence each label was written for -> the span it lies on now."""
    return {f"{label.record['start']}:{label.unit.text}": (label.unit.start, label.unit.end) for label in anchoring.current.values()}


@pytest.fixture
def original(tmp_path: Path) -> Corpus:
    return corpus_of(tmp_path / "before", ORIGINAL)


def test_unchanged_document_keeps_every_label_in_place(original: Corpus) -> None:
    anchoring = anchor(label_all(original), original)
    assert anchoring.stale == []
    assert anchoring.moved == []
    assert sorted(key for _, key in anchoring.current) == sorted(u.key for u in original.units())
    assert all(label.unit.key == (label.record["doc"], label.record["start"], label.record["end"]) for label in anchoring.current.values())


def test_sentence_inserted_before_moves_every_later_label(original: Corpus, tmp_path: Path) -> None:
    inserted = "Editor's note: updated with the talks."
    edited = corpus_of(tmp_path / "after", f"{inserted}\n\n{ORIGINAL}")
    shift = len(inserted) + 2
    anchoring = anchor(label_all(original), edited)
    assert anchoring.stale == []
    assert len(anchoring.moved) == len(original.units())
    for label in anchoring.current.values():
        old_start, old_end = label.moved_from
        assert (label.unit.start, label.unit.end) == (old_start + shift, old_end + shift)
        assert label.unit.text_sha256 == label.record["text_sha256"]
    # The label on the second "No damage" sentence stays on the second one.
    second = original.units()[-1]
    assert ("ann", ("news", second.start + shift, second.end + shift)) in anchoring.current


def test_edited_sentence_goes_stale_and_the_rest_follow(original: Corpus, tmp_path: Path) -> None:
    edited = corpus_of(tmp_path / "after", ORIGINAL.replace("a day before", "two days before"))
    anchoring = anchor(label_all(original), edited)
    assert [(s.record["start"], s.reason) for s in anchoring.stale] == [(ORIGINAL.index(LAUNCH), "sentence text no longer in the document")]
    assert len(anchoring.current) == len(original.units()) - 1
    moved = {label.unit.text for label in anchoring.moved}
    assert moved == {NO_DAMAGE, POSTPONED}  # everything after the edit shifted by 4 characters
    assert not any(label.unit.text.startswith("The launch came two") for label in anchoring.current.values())


def test_deleted_sentence_goes_stale(original: Corpus, tmp_path: Path) -> None:
    edited = corpus_of(tmp_path / "after", ORIGINAL.replace(f"{LAUNCH} ", ""))
    anchoring = anchor(label_all(original), edited)
    assert [s.record["text_sha256"] for s in anchoring.stale] == [next(u.text_sha256 for u in original.units() if u.text == LAUNCH)]
    assert {label.unit.text for label in anchoring.current.values()} == {
        HEADLINE,
        FIRED,
        NO_DAMAGE,
        POSTPONED,
    }


def test_duplicate_text_lands_on_the_nearest_copy(original: Corpus, tmp_path: Path) -> None:
    edited = corpus_of(tmp_path / "after", ORIGINAL.replace(f"{POSTPONED} ", f"{POSTPONED} Talks resume. "))
    first, second = [u for u in original.units() if u.text == NO_DAMAGE]
    sha = original.document("news").sha256
    anchoring = anchor(latest_of([record("ann", first, sha), record("bob", second, sha)]), edited)
    new_first, new_second = [u for u in edited.units() if u.text == NO_DAMAGE]
    assert anchoring.current[("ann", new_first.key)].moved_from is None
    assert anchoring.current[("bob", new_second.key)].moved_from == (second.start, second.end)
    assert anchoring.stale == []


def test_two_labels_on_one_sentence_keep_the_newer(original: Corpus, tmp_path: Path) -> None:
    inserted = "Update: talks resume."
    edited = corpus_of(tmp_path / "after", f"{inserted}\n\n{ORIGINAL}")
    old_unit = next(u for u in original.units() if u.text == LAUNCH)
    new_unit = next(u for u in edited.units() if u.text == LAUNCH)
    old = record("ann", old_unit, original.document("news").sha256, ts="2026-11-21T10:00:00.000Z")
    new = record("ann", new_unit, edited.document("news").sha256, ts="2026-11-21T11:00:00.000Z")
    for records in ([old, new], [new, old]):
        anchoring = anchor(latest_of(records), edited)
        assert anchoring.current[("ann", new_unit.key)].record is new
        assert [s.record for s in anchoring.stale] == [old]
        assert f"as the newer label {new['id']}" in anchoring.stale[0].reason


def test_other_annotators_on_one_sentence_do_not_conflict(original: Corpus) -> None:
    unit = original.units()[1]
    sha = original.document("news").sha256
    anchoring = anchor(latest_of([record("ann", unit, sha), record("bob", unit, sha)]), original)
    assert set(anchoring.current) == {("ann", unit.key), ("bob", unit.key)}


def test_missing_document_is_stale(original: Corpus, tmp_path: Path) -> None:
    other = corpus_of(tmp_path / "other", ORIGINAL)
    (tmp_path / "other" / "news.txt").rename(tmp_path / "other" / "renamed.txt")
    anchoring = anchor(label_all(original), load_corpus([tmp_path / "other"]))
    assert anchoring.current == {}
    assert {s.reason for s in anchoring.stale} == {"document 'news' is not in the corpus"}
    assert other.documents  # the same text under another id does not adopt the labels


def test_unchanged_document_with_other_segmentation(original: Corpus) -> None:
    sha = original.document("news").sha256
    unit = next(u for u in original.units() if u.text == LAUNCH)
    # As an older segmenter might have cut it: same text, offsets including the space before it.
    shifted = dict(record("ann", unit, sha), start=unit.start - 1)
    joined = dict(record("bob", unit, sha), end=unit.end + 1 + len(NO_DAMAGE), text_sha256="0" * 64)
    anchoring = anchor(latest_of([shifted, joined]), original)
    assert anchoring.current[("ann", unit.key)].moved_from == (unit.start - 1, unit.end)
    assert [(s.record["annotator"], s.reason) for s in anchoring.stale] == [
        ("bob", "no sentence unit of the unchanged document has this text (segmentation changed)")
    ]


def test_retracted_heads_are_no_label(original: Corpus) -> None:
    sha = original.document("news").sha256
    gone = dict(record("ann", original.units()[0], sha), status="retracted", labels={})
    anchoring = anchor(latest_of([gone]), original)
    assert anchoring.current == {} and anchoring.stale == []


def test_duplicate_text_follows_its_neighbours(original: Corpus, tmp_path: Path) -> None:
    # Bob labelled only the second "No damage"; 40 characters inserted above would bring the first
    # copy nearer to its old offset, but Ann's labels show the whole text shifted.
    inserted = "Editor's note: updated with the talks."
    edited = corpus_of(tmp_path / "after", f"{inserted}\n\n{ORIGINAL}")
    second = [u for u in original.units() if u.text == NO_DAMAGE][1]
    latest = label_all(original, "ann") | latest_of([record("bob", second, original.document("news").sha256)])
    anchoring = anchor(latest, edited)
    new_second = [u for u in edited.units() if u.text == NO_DAMAGE][1]
    assert anchoring.current[("bob", new_second.key)].moved_from == (second.start, second.end)
    assert anchoring.stale == []


def test_malformed_record_is_stale_not_a_crash(original: Corpus) -> None:
    unit = original.units()[0]
    broken = dict(record("ann", unit, original.document("news").sha256), text_sha256=["not", "a", "hash"])
    anchoring = anchor(latest_of([broken]), original)
    assert [s.reason for s in anchoring.stale] == ["malformed record: doc_sha256, text_sha256, ts must be strings"]


def split_v3_record(doc: str, doc_sha256: str, start: int, end: int, text: str) -> dict:
    """A label as the annotation UI saved it on a unit of segmenter version 3 (each line split alone)."""
    return {
        "id": f"v3-{doc}-{start}", "annotator": "ann", "doc": doc, "doc_sha256": doc_sha256, "start": start, "end": end,
        "text_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(), "labels": {"checkworthiness": "check"},
        "status": "done", "rev": 1, "ts": "2026-11-21T10:00:00.000Z",
    }  # fmt: skip


def test_labels_on_the_seeds_made_with_segmenter_version_3_stay_on_their_sentences() -> None:
    corpus = load_corpus([SEEDS])
    labelled = [orjson.loads(line) for line in (DATA / "reference-labels.jsonl").read_bytes().splitlines()]
    records = [split_v3_record(r["doc"], corpus.document(r["doc"]).sha256, r["start"], r["end"], r["text"]) for r in labelled]
    anchoring = anchor(latest_of(records), corpus)
    assert (len(anchoring.current), anchoring.moved, anchoring.stale) == (35, [], [])


def test_labels_on_lines_of_hard_wrapped_prose_are_stale_after_the_split_changed(tmp_path: Path) -> None:
    lines = [
        "Missiles fired at dawn",
        "North Korea fired two missiles on Monday, the military said. The launch",
        "came a day before the talks.",
    ]
    corpus = corpus_of(tmp_path, "\n".join(lines) + "\n")
    sha = corpus.document("news").sha256
    # Version 3 split every line alone: the headline, then "... said.", "The launch", "came ... talks."
    starts = [0, 23, 84, 95]
    ends = [22, 83, 94, 123]
    old = [split_v3_record("news", sha, start, end, corpus.document("news").text[start:end]) for start, end in zip(starts, ends)]
    anchoring = anchor(latest_of(old), corpus)
    assert placed(anchoring) == {
        "0:Missiles fired at dawn": (0, 22),
        "23:North Korea fired two missiles on Monday, the military said.": (23, 83),
    }
    assert [(label.record["id"], label.reason) for label in anchoring.stale] == [
        ("v3-news-84", "no sentence unit of the unchanged document has this text (segmentation changed)"),
        ("v3-news-95", "no sentence unit of the unchanged document has this text (segmentation changed)"),
    ]
    assert [unit.text for unit in corpus.units()][-1] == "The launch\ncame a day before the talks."
