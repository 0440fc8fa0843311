"""A project labelled under factcheck v1, moved to a v2 that renames one value, merges two, splits
one and adds a field: validate, stats, review and export read its labels through the migration,
and nothing in the annotation files changes."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from annotator.cli.main import main
from annotator.corpus.load import load_corpus
from annotator.schema.load import load_schema
from annotator.session.review import ReviewSession, load_review, side_by_side
from annotator.store.read import load_store
from tests.migrations import V1_NAME, V2_NAME, use_schema, write_v1_project


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_v1_project(tmp_path)
    use_schema(tmp_path, V2_NAME)  # the move: annotator.toml names v2
    monkeypatch.chdir(tmp_path)
    return tmp_path


def hashes(project: Path) -> dict[str, str]:
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in sorted((project / "annotations").glob("*.jsonl"))}


def stats_json(capsys: pytest.CaptureFixture[str], *options: str) -> dict:
    assert main(["stats", "--json", "--bootstrap", "0", *options]) == 0
    return json.loads(capsys.readouterr().out)


def test_every_command_reads_the_labels_through_the_migration_and_changes_no_file(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = hashes(project)

    assert main(["validate"]) == 0
    out = capsys.readouterr().out
    assert "schemas/factcheck.v2.json), reads the labels of v1 through its migrations" in out
    assert "migrated: alice: 5 labels of earlier versions, 1 to look at" in out
    assert "          bob: 5 labels of earlier versions, 0 to look at" in out

    now = stats_json(capsys)
    then = stats_json(capsys, "--schema-version", "1")
    fields_now, fields_then = ({f["id"]: f for f in report["fields"]} for report in (now, then))
    assert (now["schema_version"], then["schema_version"]) == (2, 1)
    assert now["migrated"] == 10 and then["migrated"] == 0
    assert fields_now["hedging"]["migrated"] == 8
    assert fields_then["hedging"]["alpha"]["value"] < fields_now["hedging"]["alpha"]["value"] == 1  # the merge ends a disagreement
    assert fields_now["verifiability"]["migrated"] == 7  # alice's split value is no rating
    assert fields_now["stance"]["alpha"]["pairable"] == 0 and "stance" not in fields_then

    assert main(["export", "--out", "dataset", "--include-annotators"]) == 0
    capsys.readouterr()
    folder = project / "dataset"
    assert (folder / V2_NAME).read_bytes() == (project / "schemas" / V2_NAME).read_bytes()
    assert (folder / V1_NAME).read_bytes() == (project / "schemas" / V1_NAME).read_bytes()
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["schema"]["version"] == 2 and [entry["file"] for entry in manifest["schema"]["history"]] == [V1_NAME]
    card = (folder / "README.md").read_text(encoding="utf-8")
    assert "Sentences labelled on the schema `factcheck` version 2" in card
    assert "| v2 | source_type: official_anonymous renamed anonymous_official | 2 |" in card
    assert "| v2 | hedging: possible, uncommitted merged into uncertain | 4 |" in card
    assert (
        "| v2 | verifiability: restricted split into restricted_official / restricted_private (each label needs a decision) | 1 |" in card
    )
    assert "| v2 | stance: added (earlier labels leave it unanswered) | 10 |" in card
    rows = [json.loads(line) for line in (folder / "data" / "train.jsonl").read_text(encoding="utf-8").splitlines()]
    first, second = sorted(rows, key=lambda row: row["start"])[:2]
    assert first["hedging"] == "uncertain" and first["source_type"] == "anonymous_official"
    assert second["verifiability"] == "public" and second["verifiability_resolution"] == "single"
    assert second["verifiability@alice"] is None and second["verifiability@bob"] == "public"
    assert load_schema(folder / V2_NAME).versions == [1, 2]  # the copy loads with its history

    assert hashes(project) == before


def test_review_shows_the_value_to_decide_and_will_not_accept_it_as_it_is(project: Path) -> None:
    schema = load_schema(project / "schemas" / V2_NAME)
    corpus = load_corpus([project / "seeds"])
    review = load_review(schema, corpus, load_store(project / "annotations").latest, "rev")
    second = corpus.units()[1].key
    rows = {row.field.id: row for row in side_by_side(schema, review.golds[second])}
    assert rows["verifiability"].cells == ("? was Restricted (v1)", "Public")
    assert rows["stance"].cells == ("?", "?")
    session = ReviewSession(review, everything=True)
    index = [unit.key for unit in session.units].index(second)
    assert (
        session.accept(index, "alice") == "alice's label, of schema v1, leaves Verifiability to decide: accept another's or pick the values"
    )
    assert not isinstance(session.accept(index, "bob"), str)


def test_a_version_the_schema_does_not_know_is_refused(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", "--schema-version", "3"]) == 2
    assert "has no version 3 in its history; its versions: 1, 2" in capsys.readouterr().err
