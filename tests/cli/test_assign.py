"""`annotator assign`: counts per annotator and the overlap achieved, from the project's [team];
nothing written."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from annotator.cli.main import main
from annotator.corpus.load import load_corpus
from annotator.store.log import AnnotationLog
from tests.conftest import SEEDS
from tests.labelling import append_label

TEAM = '\n[team]\nannotators = ["ana", "ben", "chen"]\noverlap = 2\ncalibration_documents = ["000_d7efd9d5cc810911", "gone"]\n'


def make_project(folder: Path, team: str = TEAM) -> None:
    shutil.copytree(SEEDS, folder / "documents")
    (folder / "annotator.toml").write_text(f'corpus = ["documents"]\nschema = "s.json"\nstore = "annotations"\n{team}', encoding="utf-8")


def test_assign_prints_counts_and_overlap_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    make_project(tmp_path)
    monkeypatch.chdir(tmp_path)
    before = sorted(path.relative_to(tmp_path) for path in tmp_path.rglob("*"))
    assert main(["assign"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines()[:4] == [
        "team: 3 annotators, overlap 2; everyone labels 2 documents",
        "corpus: 2 documents, 35 sentences, 15 of them in the calibration set",
        "",
        "annotator  sentences   share",
    ]
    rows = {line.split()[0]: int(line.split()[1]) for line in out.splitlines()[4:7]}
    assert set(rows) == {"ana", "ben", "chen"} and sum(rows.values()) == 15 * 3 + 20 * 2
    assert "overlap 2: 20 sentences\noverlap 3: 15 sentences\n" in out
    assert "calibration document 'gone' is not in the corpus" in err
    assert sorted(path.relative_to(tmp_path) for path in tmp_path.rglob("*")) == before


def test_assign_without_a_team_says_how_to_add_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    make_project(tmp_path, team="")
    monkeypatch.chdir(tmp_path)
    assert main(["assign"]) == 2
    assert "has no [team] table" in capsys.readouterr().err


def test_status_counts_each_annotators_labels_and_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    make_project(tmp_path)
    monkeypatch.chdir(tmp_path)
    corpus = load_corpus([tmp_path / "documents"])
    with AnnotationLog.open(tmp_path / "annotations", "ana") as log:
        for unit in corpus.units()[:3]:
            append_label(log, corpus, unit, seconds=12.0)
    assert main(["status", "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    ana = next(row for row in found["annotators"] if row["annotator"] == "ana")
    assert (ana["done"], ana["active_seconds"], ana["median_seconds"]) == (3, 36.0, 12.0)
    assert ana["seconds_left"] == ana["left"] * 12.0 and ana["left"] == ana["assigned"] - 3
    assert [row["annotator"] for row in found["annotators"]] == ["ana", "ben", "chen"]
    assert sum(doc["sentences"] for doc in found["documents"]) == 35
    assert main(["status"]) == 0
    text = capsys.readouterr().out
    header = "annotator assigned done draft skip flag left active s/sent to go"
    assert text.splitlines()[0].split() == header.split()
    assert "0:00:36" in text and "12.0" in text


def test_status_counts_a_label_that_moved_with_its_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    make_project(tmp_path)
    monkeypatch.chdir(tmp_path)
    corpus = load_corpus([tmp_path / "documents"])
    with AnnotationLog.open(tmp_path / "annotations", "ben") as log:
        append_label(log, corpus, corpus.units()[5])  # in the calibration document: assigned to everyone
    document = tmp_path / "documents" / f"{corpus.units()[5].doc}.txt"
    document.write_text("A new first line.\n\n" + document.read_text(encoding="utf-8"), encoding="utf-8")  # every offset moves
    assert main(["status", "--json"]) == 0
    ben = next(row for row in json.loads(capsys.readouterr().out)["annotators"] if row["annotator"] == "ben")
    assert ben["done"] == 1
