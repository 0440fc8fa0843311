"""A team across machines with real git: a bare repository, a lead, two annotators, one of them in
two clones (laptop and server). Each labels through the store's writer, commits, pulls and pushes
in interleaved order. Afterwards no merge conflicted, no record is lost, and `stats` and `export`
give the same bytes in every clone as on one machine holding the union of the records."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import orjson
import pytest

from annotator.cli.main import main
from annotator.corpus.load import load_corpus
from annotator.store.log import AnnotationLog
from tests.cli.test_validate import CHECKED, NO_CLAIM
from tests.conftest import REPO, SEEDS
from tests.labelling import append_label

GIT = ["git", "-c", "user.name=Annotator", "-c", "user.email=annotator@example.invalid", "-c", "init.defaultBranch=main"]
TEAM = '\n[team]\nannotators = ["ana", "ben"]\noverlap = 2\n'


def git(folder: Path, *argv: str) -> str:
    done = subprocess.run([*GIT, *argv], cwd=folder, capture_output=True, text=True)
    assert done.returncode == 0 and "CONFLICT" not in done.stdout, done.stdout + done.stderr
    return done.stdout


def label(clone: Path, annotator: str, edits: list[tuple[int, dict]]) -> list[dict]:
    """`annotator` labels units (by index) in `clone` through the store's writer, then commits."""
    corpus = load_corpus([clone / "documents"])
    with AnnotationLog.open(clone / "annotations", annotator) as log:
        written = [append_label(log, corpus, corpus.units()[index], labels) for index, labels in edits]
    git(clone, "add", "-A")
    git(clone, "commit", "-m", f"{annotator}: {len(edits)} labels")
    return written  # type: ignore[return-value]


def sync(clone: Path) -> None:
    git(clone, "pull", "--no-rebase", "--no-edit")
    git(clone, "push", "origin", "HEAD")


def outputs(folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> dict[str, bytes]:
    """What `stats` prints and what `export` writes, run in `folder`."""
    monkeypatch.chdir(folder)
    capsys.readouterr()
    assert main(["stats", "--bootstrap", "50"]) == 0
    found = {"stats": capsys.readouterr().out.encode()}
    assert main(["export", "--out", str(folder / "dataset")]) == 0
    found |= {
        str(path.relative_to(folder / "dataset")): path.read_bytes() for path in sorted((folder / "dataset").rglob("*")) if path.is_file()
    }
    shutil.rmtree(folder / "dataset")
    return found


def test_labels_travel_by_git_without_conflict_or_loss(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    remote, lead = tmp_path / "remote.git", tmp_path / "lead"
    git(tmp_path, "init", "--bare", str(remote))
    git(tmp_path, "clone", str(remote), str(lead))
    assert main(["init", str(lead)]) == 0
    shutil.copytree(SEEDS, lead / "documents", dirs_exist_ok=True)
    with (lead / "annotator.toml").open("a", encoding="utf-8") as config:
        config.write(TEAM)
    git(lead, "add", "-A")
    git(lead, "commit", "-m", "project")
    git(lead, "push", "origin", "HEAD")
    laptop, server, ben = (tmp_path / name for name in ("ana-laptop", "ana-server", "ben"))
    for clone in (laptop, server, ben):
        git(tmp_path, "clone", str(remote), str(clone))

    written = label(laptop, "ana", [(n, CHECKED if n % 2 else NO_CLAIM) for n in range(6)])
    sync(laptop)
    written += label(ben, "ben", [(n, CHECKED) for n in range(8)])
    sync(ben)
    # The same annotator on the server, not pulled since the clone: units 3 to 5 are labelled twice.
    written += label(server, "ana", [(n, CHECKED) for n in range(3, 10)] + [(9, NO_CLAIM)])
    sync(server)
    written += label(laptop, "ana", [(4, NO_CLAIM), (12, CHECKED)])  # edits its own, older history of unit 4
    sync(laptop)
    written += label(lead, "lead", [(n, NO_CLAIM) for n in range(0, 12, 3)])
    sync(lead)
    for clone in (laptop, server, ben, lead):
        git(clone, "pull", "--no-rebase", "--no-edit")
        assert git(clone, "status", "--porcelain") == ""

    files = {
        clone: {path.name: path.read_bytes() for path in sorted((clone / "annotations").glob("*.jsonl"))}
        for clone in (laptop, server, ben, lead)
    }
    assert all(found == files[lead] for found in files.values())
    ids = [orjson.loads(line)["id"] for data in files[lead].values() for line in data.splitlines()]
    assert sorted(ids) == sorted(record["id"] for record in written)  # every record, once

    # One machine holding the union of the records, each annotator's written in time order (two saves
    # in one millisecond in the order they were made: the sort is stable).
    alone = tmp_path / "one-machine"
    shutil.copytree(lead, alone, ignore=shutil.ignore_patterns(".git", "annotations"))
    (alone / "annotations").mkdir()
    for name in files[lead]:
        mine = sorted((r for r in written if f"{r['annotator']}.jsonl" == name), key=lambda r: r["ts"])
        (alone / "annotations" / name).write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in mine))
    expected = outputs(alone, monkeypatch, capsys)
    for clone in (laptop, server, ben, lead):
        found = outputs(clone, monkeypatch, capsys)
        # The manifest and the card name the annotation files' sha256: the merged files' lines are in
        # another order than one machine's, and only there may they differ.
        assert {name: data for name, data in found.items() if name not in ("manifest.json", "README.md")} == {
            name: data for name, data in expected.items() if name not in ("manifest.json", "README.md")
        }
        assert found == outputs(lead, monkeypatch, capsys)
    monkeypatch.chdir(laptop)
    assert main(["validate"]) == 0
    assert "forked history" in capsys.readouterr().out


def test_the_pre_commit_hook_runs_validate_on_the_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    hooks = (REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    entry = next(line.split(":", 1)[1].split() for line in hooks.splitlines() if line.strip().startswith("entry:"))
    assert entry[0] == "annotator" and "pass_filenames: false" in hooks  # validate reads the whole project
    assert main(["init", str(tmp_path)]) == 0
    shutil.copytree(SEEDS, tmp_path / "documents", dirs_exist_ok=True)
    monkeypatch.chdir(tmp_path)
    assert main(entry[1:]) == 0
    (tmp_path / "annotations" / "ana.jsonl").write_text("{}\n", encoding="utf-8")
    assert main(entry[1:]) == 1  # the commit stops
