"""`annotator init` and projects on the command line: found from below, overridden by options, and
clear messages outside any project."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.cli.main import main
from annotator.tui.app import AnnotatorApp

NEWS = "Missiles fired at dawn\n\nNorth Korea fired two missiles on Monday, the military said.\n"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project made by `annotator init`, one document in it, the current folder below it."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    assert main(["init", str(tmp_path / "news")]) == 0
    (tmp_path / "news" / "documents" / "dawn.txt").write_text(NEWS, encoding="utf-8")
    monkeypatch.chdir(tmp_path / "news" / "documents")
    return tmp_path / "news"


def opened_apps(monkeypatch: pytest.MonkeyPatch) -> list[AnnotatorApp]:
    apps: list[AnnotatorApp] = []
    monkeypatch.setattr(AnnotatorApp, "run", lambda app: apps.append(app))
    return apps


def test_init_says_what_it_made(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["init", "news"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"made a project in {tmp_path / 'news'}:",
        "  news/annotator.toml             the project's settings",
        "  news/documents                  put the documents to label here",
        "  news/schemas/factcheck.v1.json  the schema, yours to edit",
        "  news/annotations                one annotation file per annotator",
        "  news/.gitattributes             git keeps both sides' labels when it merges",
        "next: put documents in news/documents, then run `annotator` in news or a folder below it",
    ]
    assert main(["init", "news"]) == 2
    assert "news/annotator.toml exists already: news is a project" in capsys.readouterr().err


def test_every_command_finds_the_project_from_a_folder_below_it(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["units"]) == 0
    assert "dawn     1      24      84  North Korea fired two missiles on Monday, the military said." in capsys.readouterr().out
    assert main(["stats"]) == 0
    assert capsys.readouterr().err == "annotator: agreement of 0 annotators on 0 units\n"
    assert main(["validate"]) == 0
    out = capsys.readouterr().out
    assert "store:    ../annotations (0 annotators: no annotation files)" in out
    assert "schema:   factcheck v1 (../schemas/factcheck.v1.json)" in out


@pytest.mark.usefixtures("in_a_terminal")
def test_annotate_opens_the_projects_corpus_and_says_where_it_starts_a_new_file(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    apps = opened_apps(monkeypatch)
    assert main(["--as", "alice"]) == 0
    [app] = apps
    assert (len(app.session.units), app.store_dir) == (2, Path("../annotations"))
    assert app.notices == ("new annotation file ../annotations/alice.jsonl: nothing labelled yet",)
    app.annotation_log.close()
    assert not Path("../annotations/alice.jsonl").exists()  # nothing saved, nothing left
    assert main(["--as", "alice"]) == 0
    assert apps[1].notices == app.notices
    apps[1].annotation_log.close()


def test_options_override_the_project(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "other.md").write_text("# Another document\n", encoding="utf-8")
    assert main(["units", "../other.md"]) == 0
    assert capsys.readouterr().out.splitlines()[1:] == ["other     0       2      18  Another document"]
    assert main(["stats", "--store", "elsewhere"]) == 2
    assert capsys.readouterr().err == "annotator: elsewhere: no such annotation folder (give one with --store)\n"


def test_a_broken_project_file_is_named_with_its_key(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "annotator.toml").write_text('corpus = ["documents"]\nschema = "schemas/factcheck.v1.json"\n', encoding="utf-8")
    assert main(["stats"]) == 2
    assert capsys.readouterr().err == "annotator: ../annotator.toml: store: missing (a path)\n"


@pytest.mark.parametrize(
    ("argv", "wanted"),
    [
        ([], "the documents (PATH...), --schema FILE and --store DIR"),
        (["review", "news.txt"], "--schema FILE and --store DIR"),
        (["stats", "--schema", "s.json"], "the documents (PATH...) and --store DIR"),
        (["validate"], "the documents (PATH...), --schema FILE and --store DIR"),
        (["export", "--out", "dataset", "--store", "annotations"], "the documents (PATH...) and --schema FILE"),
    ],
)
def test_outside_a_project_a_command_says_what_it_looked_for_and_creates_nothing(
    argv: list[str], wanted: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "news.txt").write_text(NEWS, encoding="utf-8")
    assert main(argv) == 2
    assert capsys.readouterr().err == (
        f"annotator: not in an annotator project: no annotator.toml in {tmp_path} or any folder above it\n"
        f"annotator: make one with `annotator init`, or give {wanted}\n"
    )
    assert sorted(path.name for path in tmp_path.iterdir()) == ["news.txt"]
