"""git pull while the annotation UI is open, three times, with real git: the same annotator labels
on another machine and pushes, this one commits, pushes and pulls (a fast-forward that replaces
its file). Nothing is lost: every label the screen called saved and every label pulled is in the
file, and git sees only lines added."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from annotator.corpus.load import load_corpus
from annotator.store.log import AnnotationLog
from annotator.tui.launch import prepare
from tests.tui.conftest import SCHEMA, records
from tests.tui.waiting import saved, wait_for

PULLS = 3
GIT = [
    "git",
    "-c",
    "user.name=Annotator",
    "-c",
    "user.email=annotator@example.invalid",
    "-c",
    "pull.ff=only",
    "-c",
    "init.defaultBranch=main",
]


def git(folder: Path, *argv: str) -> str:
    return subprocess.run([*GIT, *argv], cwd=folder, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def machines(tmp_path: Path) -> tuple[Path, Path]:
    """Two clones of one project, here and on another machine, sharing a remote."""
    remote, here, there = tmp_path / "remote.git", tmp_path / "here", tmp_path / "there"
    git(tmp_path, "init", "--bare", str(remote))
    git(tmp_path, "clone", str(remote), str(here))
    (here / "corpus").mkdir()
    (here / "corpus" / "news.txt").write_text("".join(f"Sentence number {n} of the report.\n\n" for n in range(12)), encoding="utf-8")
    (here / "annotations").mkdir()
    (here / "annotations" / "tester.jsonl").write_bytes(b"")
    git(here, "add", "-A")
    git(here, "commit", "-m", "corpus")
    git(here, "push", "origin", "HEAD")
    git(tmp_path, "clone", str(remote), str(there))
    return here, there


def label_there(there: Path, index: int) -> str:
    """The same annotator labels sentence `index` on the other machine and pushes; the record's id."""
    git(there, "pull")
    corpus = load_corpus([there / "corpus"])
    unit = corpus.units()[index]
    with AnnotationLog.open(there / "annotations", "tester") as log:
        record = log.append(
            unit,
            doc_sha256=corpus.document(unit.doc).sha256,
            schema="factcheck",
            schema_version=1,
            labels={"checkworthiness": "no_claim"},
            status="done",
        )
    git(there, "commit", "-am", f"label {index}")
    git(there, "push")
    return record["id"]


async def test_three_pulls_while_the_ui_is_open_lose_nothing(machines: tuple[Path, Path]) -> None:
    here, there = machines
    app = prepare(paths=[str(here / "corpus")], annotator="tester", schema_path=SCHEMA, store_dir=here / "annotations")
    acknowledged: list[str] = []
    pulled: list[str] = []
    async with app.run_test(size=(120, 40)) as pilot:
        confirm = app.session.confirm
        app.session.confirm = lambda request, record: (confirm(request, record), acknowledged.append(record["id"]))  # type: ignore[method-assign]

        async def label_here(index: int) -> None:
            app.annotate_screen.move_to(index)
            await pilot.press("1")
            await saved(pilot, app, index, "draft")

        for pull in range(PULLS):
            await label_here(3 * pull)
            await label_here(3 * pull + 1)
            git(here, "commit", "-am", f"labels before pull {pull}")
            git(here, "push")
            pulled.append(label_there(there, 3 * pull + 2))
            git(here, "pull")  # a fast-forward: git writes a new tester.jsonl
            await label_here(9 + pull)  # the first save after the pull finds the new file
            theirs = 3 * pull + 2
            await wait_for(pilot, lambda index=theirs: app.session.status(index) == "done", description=f"the label of pull {pull} shown")
    on_disk = {record["id"] for record in records(here / "annotations")}
    assert len(acknowledged) == 3 * PULLS
    assert set(acknowledged) <= on_disk and set(pulled) <= on_disk
    diff = git(here, "diff", "--numstat", "annotations/tester.jsonl").split()
    assert diff[:2] == ["1", "0"]  # the label saved since the last pull, added; nothing removed
