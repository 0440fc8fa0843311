"""`annotator validate`: every problem of a store reported as file:line, and nothing modified."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import orjson
import pytest

from annotator.cli.main import main
from annotator.corpus.load import load_corpus
from annotator.store import read as store_read
from annotator.store.chains import FORK_RULE
from annotator.store.log import AnnotationLog
from annotator.store.records import NAME_RULE
from tests.conftest import SCHEMA

TEXT = (
    "Missile talks stall\n\n"
    "SEOUL, Aug. 14 (Yonhap) -- North Korea fired two missiles on Monday, the military said. "
    "The launch came a day before the talks. No damage was reported.\n\n"
    "The talks were postponed to Aug. 21.\n"
)
CHECKED = {
    "checkworthiness": "check",
    "source_type": "official_body",
    "source": "the military",
    "claim_type": ["event"],
    "verifiability": "public",
    "hedging": "asserted",
}
NO_CLAIM = {"checkworthiness": "no_claim"}


class Store:
    """A corpus folder and a store folder written by the real store, plus line surgery."""

    def __init__(self, root: Path) -> None:
        self.corpus = root / "corpus"
        self.dir = root / "annotations"
        self.corpus.mkdir()
        (self.corpus / "news.txt").write_text(TEXT, encoding="utf-8")
        self.units = load_corpus([self.corpus]).units()
        self.sha = load_corpus([self.corpus]).document("news").sha256

    def label(self, annotator: str, labels: list[dict], status: str = "done") -> None:
        """Label the first len(labels) units, one record each."""
        with AnnotationLog.open(self.dir, annotator) as log:
            for unit, unit_labels in zip(self.units, labels):
                log.append(unit, doc_sha256=self.sha, schema="factcheck", schema_version=1, labels=unit_labels, status=status)

    def path(self, annotator: str) -> Path:
        return self.dir / f"{annotator}.jsonl"

    def records(self, annotator: str) -> list[dict]:
        return [orjson.loads(line) for line in self.path(annotator).read_bytes().splitlines()]

    def rewrite(self, annotator: str, records: list[dict | bytes], tail: bytes = b"") -> None:
        lines = [r if isinstance(r, bytes) else orjson.dumps(r) for r in records]
        self.path(annotator).write_bytes(b"\n".join(lines) + b"\n" + tail)

    def edit(self, annotator: str, line: int, **changes: object) -> None:
        records = self.records(annotator)
        records[line - 1].update(changes)
        self.rewrite(annotator, records)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store(tmp_path)
    store.label("ann", [CHECKED, NO_CLAIM, NO_CLAIM, NO_CLAIM])
    return store


def validate(store: Store, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    code = main(["validate", "--store", str(store.dir), "--schema", str(SCHEMA), *extra, str(store.corpus)])
    return code, capsys.readouterr().out


def problems(output: str) -> list[str]:
    first = output.split("\n\n")[0].splitlines() if "\n\n" in output else []
    return [line for line in first if not line.startswith("note: ")]


def notes(output: str) -> list[str]:
    return [line.removeprefix("note: ") for line in output.splitlines() if line.startswith("note: ")]


def test_clean_store(store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    store.label("bob", [NO_CLAIM, CHECKED])
    code, out = validate(store, capsys)
    assert code == 0
    assert problems(out) == []
    assert f"store:    {store.dir} (2 annotators: ann, bob)" in out
    assert "corpus:   1 document, 5 units" in out
    assert "records:  6" in out
    assert "labels:   6 current (6 done) on 4 units" in out
    assert "anchors:  0 re-anchored, 0 stale" in out
    assert out.rstrip().endswith("result:   clean")


def test_empty_store_is_clean(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = Store(tmp_path)
    store.dir.mkdir()
    code, out = validate(store, capsys)
    assert code == 0
    assert "(0 annotators: no annotation files)" in out


def line_problem(store: Store, line: int, reason: str) -> str:
    return f"{store.path('ann')}:{line}: {reason}"


LINE_CASES = {
    "unknown field": ({"labels": {**NO_CLAIM, "checkworthy": "check"}}, "labels: unknown field 'checkworthy'"),
    "unknown value": ({"labels": {"checkworthiness": "high"}}, "labels: field 'checkworthiness' has no value 'high'"),
    "list for a single field": (
        {"labels": {"checkworthiness": ["no_claim"]}},
        "labels: field 'checkworthiness' takes one value, not a list",
    ),
    "field not asked": (
        {"labels": {"checkworthiness": "no_claim", "hedging": "asserted"}},
        "labels: field 'hedging' has a value but is only asked when checkworthiness is at least 'minor'",
    ),
    "missing required when done": (
        {"labels": {"checkworthiness": "minor", "source_type": "expert", "claim_type": ["event"], "hedging": "possible"}},
        "status done but required field 'verifiability' has no value",
    ),
    "other schema version": ({"schema_version": 2}, "labelled with schema factcheck v2, not factcheck v1"),
    "other schema": ({"schema": "claims"}, "labelled with schema claims v1, not factcheck v1"),
    "bad timestamp": ({"ts": "yesterday"}, 'ts must be a UTC time like 2026-11-21T21:48:00.123Z, got "yesterday"'),
    "bad hash": ({"text_sha256": "abc"}, 'text_sha256 must be 64 lowercase hex digits, got "abc"'),
    "unknown key": ({"colour": "red"}, "unknown key 'colour'"),
    "rev out of step": ({"rev": 2}, "rev 2 does not fit prev null"),
}


@pytest.mark.parametrize("case", LINE_CASES)
def test_record_problem_names_file_and_line(store: Store, capsys: pytest.CaptureFixture[str], case: str) -> None:
    changes, reason = LINE_CASES[case]
    store.edit("ann", 3, **changes)
    code, out = validate(store, capsys)
    assert code == 1
    assert len(problems(out)) == 1 and problems(out)[0].startswith(line_problem(store, 3, reason))
    assert "result:   1 problem (listed above)" in out


def test_missing_required_is_fine_for_skipped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = Store(tmp_path)
    store.label("ann", [{"checkworthiness": "check"}], status="skipped")
    assert validate(store, capsys)[0] == 0


def test_malformed_lines_keep_later_line_numbers_right(store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    records: list[dict | bytes] = list(store.records("ann"))
    records[3]["labels"] = {"checkworthiness": "high"}
    records.insert(1, b"{not json")
    records.insert(2, b"")
    missing_ts = dict(records[0], id="f" * 32)
    del missing_ts["ts"]
    records.insert(3, orjson.dumps(missing_ts))
    store.rewrite("ann", records)
    code, out = validate(store, capsys)
    assert code == 1
    found = problems(out)
    assert found[0].startswith(line_problem(store, 2, "not valid JSON"))
    assert found[1] == line_problem(store, 3, "empty line")
    assert found[2] == line_problem(store, 4, "missing key 'ts'")
    assert found[3].startswith(line_problem(store, 7, "labels: field 'checkworthiness' has no value 'high'"))
    assert len(found) == 4


def test_duplicate_record_id(store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    records = store.records("ann")
    store.rewrite("ann", [*records, records[1]])
    _code, out = validate(store, capsys)
    assert problems(out) == [line_problem(store, 5, f"duplicate record id {records[1]['id']} (first at line 2)")]


def test_a_record_id_used_again_for_another_unit_is_reported(store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    """The second record is the first of its unit, as a plain history goes: only its id is wrong."""
    records = store.records("ann")
    store.rewrite("ann", [*records[:3], dict(records[3], id=records[0]["id"])])
    _code, out = validate(store, capsys)
    assert problems(out) == [line_problem(store, 4, f"duplicate record id {records[0]['id']} (first at line 1)")]


@pytest.mark.parametrize("record_id", ["f" * 32, "note-1"])
def test_a_record_id_of_another_file_is_reported_with_its_place(store: Store, capsys: pytest.CaptureFixture[str], record_id: str) -> None:
    store.label("bob", [NO_CLAIM, NO_CLAIM])
    store.edit("ann", 3, id=record_id)
    store.edit("bob", 2, id=record_id)
    _code, out = validate(store, capsys)
    assert problems(out) == [f"{store.path('bob')}:2: duplicate record id {record_id} (first at {store.path('ann')}:3)"]


def test_broken_revision_chains(store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    unit = store.units[0]
    with AnnotationLog.open(store.dir, "ann") as log:
        log.append(unit, doc_sha256=store.sha, schema="factcheck", schema_version=1, labels=NO_CLAIM, status="done")
    records = store.records("ann")  # line 5 supersedes line 1
    fork = dict(records[4], id="b" * 32)  # a second edit of line 1, as a union merge of two clones leaves it
    dangling = dict(records[4], id="c" * 32, prev="d" * 32)
    jump = dict(records[4], id="e" * 32, prev=records[4]["id"], rev=5)
    store.rewrite("ann", [*records, fork, dangling, jump])
    _code, out = validate(store, capsys)
    assert problems(out) == [
        line_problem(store, 7, f"prev {'d' * 32} is not an earlier record of this file"),
        line_problem(store, 8, "rev 5 does not follow rev 2 of prev (line 5)"),
    ]
    assert notes(out) == [line_problem(store, 6, f"forked history: prev {records[0]['id']} was already superseded at line 5{FORK_RULE}")]


def test_a_prev_at_another_sentence_is_a_broken_chain_and_a_second_rev_1_a_fork(store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    """The first silently hides unit 1's label under unit 2's edit; the second is what a union
    merge of one annotator's two clones leaves, resolved by the later record."""
    records = store.records("ann")
    elsewhere = dict(records[1], id="b" * 32, rev=2, prev=records[0]["id"])  # unit 2, superseding unit 1's head
    second_root = dict(records[2], id="c" * 32)  # rev 1 again at unit 3
    store.rewrite("ann", [*records, elsewhere, second_root])
    code, out = validate(store, capsys)
    assert code == 1
    assert problems(out)[:1] == [
        line_problem(
            store,
            5,
            f"prev {records[0]['id']} (line 1) labels another sentence: a label moves only to a sentence of its document with the same text",
        ),
    ]
    assert notes(out) == [line_problem(store, 6, f"forked history: a second rev 1 of this unit (line 3 holds another){FORK_RULE}")]


def test_a_prev_cycle_a_rev_gap_and_duplicate_ids_are_reported(store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    records = store.records("ann")
    first, second = dict(records[0], id="a" * 32, rev=2, prev="b" * 32), dict(records[0], id="b" * 32, rev=2, prev="a" * 32)
    gap = dict(records[1], id="d" * 32, rev=3, prev=records[1]["id"])
    store.rewrite("ann", [*records, first, second, gap, gap])
    _code, out = validate(store, capsys)
    assert problems(out) == [
        line_problem(store, 5, f"prev {'b' * 32} is not an earlier record of this file"),
        line_problem(store, 6, "rev 2 does not follow rev 2 of prev (line 5)"),
        line_problem(store, 7, "rev 3 does not follow rev 1 of prev (line 2)"),
        line_problem(store, 8, f"duplicate record id {'d' * 32} (first at line 7)"),
    ]


def test_an_edit_of_a_label_that_moved_with_its_sentence_is_clean(store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    """The edit lies at the sentence's new offsets and names the record at the old ones; a new label
    at the old offsets (another sentence now) starts a history of its own."""
    (store.corpus / "news.txt").write_text("Update: talks resume.\n\n" + TEXT, encoding="utf-8")
    corpus = load_corpus([store.corpus])
    moved_to, first_unit = corpus.units()[1], corpus.units()[0]
    document = corpus.document("news")
    with AnnotationLog.open(store.dir, "ann") as log:
        moved = log.head(store.units[0].key)
        log.append(moved_to, doc_sha256=document.sha256, schema="factcheck", schema_version=1, labels=NO_CLAIM, status="done", prev=moved)
        log.append(first_unit, doc_sha256=document.sha256, schema="factcheck", schema_version=1, labels=NO_CLAIM, status="done")
    code, out = validate(store, capsys)
    assert problems(out) == [] and code == 0


def test_edited_document_reports_stale_and_counts_moved(store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    edited = "Update: talks resume.\n\n" + TEXT.replace("a day before", "two days before")
    (store.corpus / "news.txt").write_text(edited, encoding="utf-8")
    code, out = validate(store, capsys)
    assert code == 1
    assert problems(out) == [line_problem(store, 3, "stale label: sentence text no longer in the document")]
    assert "anchors:  3 re-anchored, 1 stale" in out
    assert "labels:   3 current (3 done) on 3 units" in out


def test_a_file_changed_while_validating_is_reported_as_it_was_read(
    store: Store, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each file is read once: records, heads and line numbers all come from that one read, however
    the file changes afterwards (a git pull, an editor)."""
    edited = "Update: talks resume.\n\n" + TEXT.replace("a day before", "two days before")
    (store.corpus / "news.txt").write_text(edited, encoding="utf-8")
    records = store.records("ann")
    records[2]["labels"] = {"checkworthiness": "high"}
    changed = [b"{junk", *records]
    reads: list[Path] = []
    read_with_status = store_read.read_with_status

    def read_then_change(path: Path) -> tuple[bytes, os.stat_result]:
        read = read_with_status(path)
        if path == store.path("ann"):
            reads.append(path)
            store.rewrite("ann", changed)
        return read

    monkeypatch.setattr(store_read, "read_with_status", read_then_change)
    _code, out = validate(store, capsys)
    assert reads == [store.path("ann")]
    assert problems(out) == [line_problem(store, 3, "stale label: sentence text no longer in the document")]
    assert "records:  4" in out


def test_moved_labels_alone_are_clean(store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    (store.corpus / "news.txt").write_text("Update: talks resume.\n\n" + TEXT, encoding="utf-8")
    code, out = validate(store, capsys)
    assert code == 0
    assert "anchors:  4 re-anchored, 0 stale" in out


def test_missing_document_is_stale(store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    (store.corpus / "news.txt").rename(store.corpus / "other.txt")
    _code, out = validate(store, capsys)
    assert problems(out) == [line_problem(store, line, "stale label: document 'news' is not in the corpus") for line in (1, 2, 3, 4)]


def test_torn_last_line(store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    store.rewrite("ann", store.records("ann"), tail=b'{"format": 1, "id": "ab')
    code, out = validate(store, capsys)
    assert code == 1
    assert problems(out) == [
        line_problem(store, 5, "incomplete last line (23 bytes); it is set aside when this annotator next opens the file")
    ]
    assert "torn:     1 file ending in an incomplete line" in out
    assert "records:  4" in out


def crash(store: Store, annotator: str, tail: bytes) -> Path:
    """A kill mid-write leaves `tail` as the torn last line; the next open sets it aside: the sidecar made."""
    store.rewrite(annotator, store.records(annotator), tail=tail)
    before = set(store.dir.iterdir())
    AnnotationLog.open(store.dir, annotator).close()
    (sidecar,) = set(store.dir.iterdir()) - before
    return sidecar


def blocks(output: str) -> list[list[str]]:
    return [block.splitlines() for block in output.rstrip("\n").split("\n\n")]


SIDECAR_ADVICE = (
    "A crash left these bytes half-written; they were never shown as saved and no command reads them."
    " Look at them, then move or delete each file yourself."
)


def test_sidecars_alone_are_listed_with_exit_status_0(store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    first = crash(store, "ann", b'{"format": 1, "id": "ab')
    second = crash(store, "ann", b"{")
    code, out = validate(store, capsys)
    assert code == 0
    assert blocks(out)[0] == [
        f"{first}: 23 bytes set aside from ann.jsonl",
        f"{second}: 1 byte set aside from ann.jsonl",
        SIDECAR_ADVICE,
    ]
    assert "torn:     0 files ending in an incomplete line, 2 set aside earlier (listed above)" in out
    assert out.rstrip().endswith("result:   clean; 2 set-aside files to look at (listed above)")


def test_sidecars_are_listed_after_the_problems(store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    sidecar = crash(store, "ann", b'{"format": 1, "id": "ab')
    store.rewrite("ann", store.records("ann"), tail=b'{"form')
    code, out = validate(store, capsys)
    assert code == 1
    assert blocks(out)[:2] == [
        [line_problem(store, 5, "incomplete last line (6 bytes); it is set aside when this annotator next opens the file")],
        [f"{sidecar}: 23 bytes set aside from ann.jsonl", SIDECAR_ADVICE],
    ]
    assert "torn:     1 file ending in an incomplete line, 1 set aside earlier (listed above)" in out
    assert "result:   1 problem (listed above)" in out


def test_files_that_only_look_like_sidecars_are_left_alone(store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    before = validate(store, capsys)
    for name in (
        "ann.jsonl.torn-notes.txt",
        "ann.jsonl.torn-20261121T214800.000000Z.bak",
        "ann.jsonl.torn-2026112T214800.000000Z",  # a time the store would write as 20261102
        "a b.jsonl.torn-20261121T214800.000000Z",
        "notes.txt.torn-20261121T214800.000000Z",
    ):
        (store.dir / name).write_bytes(b'{"par')
    (store.dir / "ann.jsonl.torn-20261121T214800.000000Z").mkdir()
    assert validate(store, capsys) == before


def test_sidecar_paths_are_printed_safely(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "x\x1b[2Jy"
    root.mkdir()
    store = Store(root)
    store.label("ann", [NO_CLAIM])
    sidecar = crash(store, "ann", b"{")
    _code, out = validate(store, capsys)
    assert "\x1b" not in out
    assert blocks(out)[0][0] == f"{sidecar}: 1 byte set aside from ann.jsonl".replace("\x1b", "\u241b")


def test_bad_file_name_and_corpus_problem(store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    (store.dir / "a b.jsonl").write_bytes(b"")
    code, out = validate(store, capsys, str(store.corpus / "gone.txt"))
    assert code == 1
    assert problems(out) == [
        f"{store.dir / 'a b.jsonl'}: not an annotator file: a name is {NAME_RULE}",
        f"{store.corpus / 'gone.txt'}: no such file or folder",
    ]


def test_an_unreadable_annotation_file_is_a_problem_not_a_crash(store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    (store.dir / "folder.jsonl").mkdir()
    code, output = validate(store, capsys)
    assert code == 1
    assert problems(output) == [f"{store.dir / 'folder.jsonl'}: cannot read: Is a directory"]


def digests(*folders: Path) -> dict[Path, str]:
    return {
        path: hashlib.sha256(path.read_bytes()).hexdigest() for folder in folders for path in sorted(folder.rglob("*")) if path.is_file()
    }


def test_validate_modifies_nothing(store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    store.label("bob", [CHECKED])
    crash(store, "bob", b'{"format": 1')
    records = store.records("ann")
    records[1]["labels"] = {"checkworthiness": "high"}
    store.rewrite("ann", [*records, b"{oops"], tail=b'{"format": 1')
    (store.corpus / "news.txt").write_text(TEXT.replace("two missiles", "three missiles"), encoding="utf-8")
    before = digests(store.dir, store.corpus)
    names = sorted(path.name for path in before)
    assert validate(store, capsys)[0] == 1
    assert digests(store.dir, store.corpus) == before
    assert sorted(path.name for path in digests(store.dir, store.corpus)) == names


def test_missing_store_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["validate", "--store", str(tmp_path / "none"), "--schema", str(SCHEMA)])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.err == f"annotator: {tmp_path / 'none'}: no such annotation folder (give one with --store)\n"
    assert captured.out == ""


def test_broken_schema_is_a_usage_error(store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    schema = tmp_path / "schema.json"
    schema.write_text(SCHEMA.read_text(encoding="utf-8").replace('"required"', '"requried"', 1), encoding="utf-8")
    code = main(["validate", "--store", str(store.dir), "--schema", str(schema), str(store.corpus)])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.err.startswith(f"annotator: {schema}: fields[0].requried: unknown key (did you mean 'required'?")
