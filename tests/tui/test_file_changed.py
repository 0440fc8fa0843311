"""The annotator's file changed under the open UI: git pull replaces it with one holding labels made
on another machine. The next save lands in the new file, the screen shows the pulled labels, and a
notice says what happened."""

from __future__ import annotations

import os
from pathlib import Path

import orjson
import pytest

from annotator.corpus.load import load_corpus
from tests.tui.conftest import MakeApp, records, status_text
from tests.tui.waiting import saved, wait_for

SIZE = (120, 40)


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "news.txt").write_text("".join(f"Sentence number {n} of the report.\n\n" for n in range(8)), encoding="utf-8")
    return folder


def pull(store_dir: Path, corpus_dir: Path, index: int, record_id: str) -> dict:
    """What `git pull` does to the file: a new file, with a label the same annotator made elsewhere
    on unit `index`, renamed over the old one."""
    corpus = load_corpus([corpus_dir])
    unit = corpus.units()[index]
    record = {
        "format": 1, "id": record_id, "annotator": "tester", "doc": unit.doc, "doc_sha256": corpus.document(unit.doc).sha256,
        "start": unit.start, "end": unit.end, "text_sha256": unit.text_sha256, "schema": "factcheck", "schema_version": 1,
        "labels": {"checkworthiness": "no_claim"}, "status": "done", "rev": 1, "prev": None, "ts": "2026-11-21T21:48:00.123Z",
    }  # fmt: skip
    path = store_dir / "tester.jsonl"
    new = path.with_name("tester.jsonl.pulled")
    new.write_bytes(path.read_bytes() + orjson.dumps(record) + b"\n")
    os.replace(new, path)
    return record


async def test_labels_saved_after_three_pulls_are_in_the_file_and_the_pulled_ones_show(
    make_app: MakeApp, store_dir: Path, corpus_dir: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pulled = []
        for round, (mine, theirs) in enumerate([(0, 4), (1, 5), (2, 6)]):
            app.annotate_screen.move_to(mine)
            await pilot.press("1")  # no_claim: a draft
            await saved(pilot, app, mine, "draft")
            pulled.append(pull(store_dir, corpus_dir, theirs, f"{round}" * 32))
        app.annotate_screen.move_to(0)
        await pilot.press("enter")
        await saved(pilot, app, 0, "done")
        await wait_for(pilot, lambda: app.session.status(6) == "done", description="the pulled labels shown")
        assert [app.session.mark(index) for index in range(8)] == ["done", "draft", "draft", None, "done", "done", "done", None]
        assert any("was replaced (by git pull, checkout or merge?)" in str(note.message) for note in app._notifications)
        assert status_text(app).startswith("saved")
    on_disk = records(store_dir)  # every line a record
    assert {r["id"] for r in pulled} <= {r["id"] for r in on_disk}
    mine = [r for r in on_disk if r["id"] not in {p["id"] for p in pulled}]
    assert [r["status"] for r in mine] == ["draft", "draft", "draft", "done"]


async def test_a_pull_that_forks_a_label_shows_the_later_edit(make_app: MakeApp, store_dir: Path, corpus_dir: Path) -> None:
    """The same annotator labelled unit 0 in another clone, later; git merged the two files by union
    (theirs first, as a union merge may put them): the screen shows the later label."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")  # minor, a draft, on this machine
        await saved(pilot, app, 0, "draft")
        mine = records(store_dir)[0]
        theirs = dict(mine, id="9" * 32, labels={"checkworthiness": "no_claim"}, status="done", ts="2999-01-01T00:00:00.000Z")
        path = store_dir / "tester.jsonl"
        merged = path.with_name("tester.jsonl.merged")
        merged.write_bytes(orjson.dumps(theirs) + b"\n" + path.read_bytes())
        os.replace(merged, path)
        await wait_for(pilot, lambda: app.session.status(0) == "done", description="the later label shown")
        assert app.session.labels(0) == {"checkworthiness": "no_claim"}
