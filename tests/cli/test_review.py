"""`annotator review`: the defaults, and the messages a user gets instead of the review screen."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from annotator.cli.main import build_parser, main
from annotator.corpus.load import load_corpus
from annotator.store.log import AnnotationLog
from annotator.tui.app import AnnotatorApp
from annotator.tui.review_app import ReviewApp
from tests.conftest import SCHEMA, SEEDS, write_project

pytestmark = pytest.mark.usefixtures("in_a_terminal")

NO_CLAIM = {"checkworthiness": "no_claim"}
MINOR = {"checkworthiness": "minor", "source_type": "expert", "claim_type": ["state"], "verifiability": "public", "hedging": "possible"}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project laid out like the repository: seeds/, schemas/, annotations/; no user keymap."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    shutil.copytree(SEEDS, tmp_path / "seeds")
    (tmp_path / "schemas").mkdir()
    write_project(tmp_path)
    shutil.copy(SCHEMA, tmp_path / "schemas" / SCHEMA.name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def annotate(name: str, labels: dict, units: int = 3, **optional: object) -> None:
    """`name` labels the first `units` sentences of seeds/ with `labels`, as the annotation UI writes
    (or the review UI, with `kind="adjudication"`)."""
    corpus = load_corpus(["seeds"])
    with AnnotationLog.open(Path("annotations"), name) as log:
        for unit in corpus.units()[:units]:
            log.append(
                unit,
                doc_sha256=corpus.document(unit.doc).sha256,
                schema="factcheck",
                schema_version=1,
                labels=labels,
                status="done",
                **optional,
            )


def test_defaults_open_the_review_of_the_disputed_units(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    annotate("alice", NO_CLAIM)
    annotate("bob", MINOR)
    opened: list[ReviewApp] = []
    monkeypatch.setattr(ReviewApp, "run", lambda app: opened.append(app))
    monkeypatch.setattr("getpass.getuser", lambda: "lead")
    assert main(["review"]) == 0
    [app] = opened
    assert (app.annotator, len(app.session.units), app.session.schema.name) == ("lead", 3, "factcheck")
    app.annotation_log.close()


def test_plain_annotator_opens_the_annotation_ui_with_the_same_defaults(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[AnnotatorApp] = []
    monkeypatch.setattr(AnnotatorApp, "run", lambda app: opened.append(app))
    monkeypatch.setattr("getpass.getuser", lambda: "alice")
    assert main([]) == 0
    [app] = opened
    assert (app.annotator, len(app.session.units), app.session.schema.name) == ("alice", 35, "factcheck")
    assert app.annotation_log.path == Path("annotations/alice.jsonl")
    app.annotation_log.close()


def test_annotate_and_review_spell_the_shared_options_the_same() -> None:
    parser = build_parser()
    shared = ["--as", "x", "--store", "s", "--schema", "f.json", "a", "b"]
    annotate_args, review_args = (vars(parser.parse_args([command, *shared])) for command in ("annotate", "review"))
    assert all(annotate_args[name] == review_args[name] for name in ("annotator", "store", "schema", "paths"))


def test_a_login_name_with_annotations_is_refused_with_a_name_to_use(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    annotate("alice", NO_CLAIM)
    annotate("bob", MINOR)
    monkeypatch.setattr("getpass.getuser", lambda: "bob")
    assert main(["review"]) == 2
    assert capsys.readouterr().err == "annotator: bob has annotations in this store; review under another name, e.g. --as bob-review\n"
    assert not Path("annotations/bob-review.jsonl").exists()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--as", "lead", "--min-agreement", "0.3"], "--min-agreement must be between 0.5 and 1"),
        (["--as", "lead", "--store", "elsewhere"], "elsewhere: no such annotation folder (give one with --store)"),
        (["--as", ".lead"], "invalid annotator name '.lead'"),
        (["--as", "lead", "--schema", "missing.json"], "cannot use schema missing.json"),
    ],
)
def test_bad_input_is_a_message(project: Path, capsys: pytest.CaptureFixture[str], arguments: list[str], message: str) -> None:
    annotate("alice", NO_CLAIM)
    assert exit_code(["review", *arguments]) == 2
    assert message in capsys.readouterr().err


def exit_code(argv: list[str]) -> int | str | None:
    """`main`'s exit code, whether it returns it or argparse exits with it (a usage error)."""
    try:
        return main(argv)
    except SystemExit as exit_info:
        return exit_info.code


def test_annotating_under_a_reviewers_name_is_refused(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(AnnotatorApp, "run", lambda app: app.annotation_log.close())  # were it not refused
    annotate("alice", NO_CLAIM)
    annotate("lead", NO_CLAIM, kind="adjudication")
    before = Path("annotations/lead.jsonl").read_bytes()
    assert main(["annotate", "--as", "lead"]) == 2
    assert (
        capsys.readouterr().err
        == "annotator: lead has adjudications in this store (a reviewer's file); annotate under another name with --as NAME\n"
    )
    assert Path("annotations/lead.jsonl").read_bytes() == before
    assert main(["review", "--as", "alice"]) == 2  # and the other way round
    assert "alice has annotations in this store" in capsys.readouterr().err


def test_agreement_everywhere_is_nothing_to_review(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    annotate("alice", NO_CLAIM)
    annotate("bob", NO_CLAIM)
    assert main(["review", "--as", "lead"]) == 0
    assert "nothing to review: the annotators agree on all 3 labelled units (--all shows them)" in capsys.readouterr().err


def test_an_empty_store_is_nothing_to_review(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Path("annotations").mkdir()
    assert main(["review", "--as", "lead", "--all"]) == 0
    assert "nothing to review: no done labels in annotations fit this corpus and schema" in capsys.readouterr().err


def test_review_says_before_splitting_new_documents(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Path("annotations").mkdir()
    assert main(["review", "--as", "lead", "--all"]) == 0
    assert capsys.readouterr().err.startswith("annotator: splitting 2 new documents into sentences (once: the result is cached)\n")


def test_the_review_says_the_store_has_problems_and_how_many_labels_they_affect(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    annotate("alice", NO_CLAIM)
    annotate("bob", MINOR)
    log = Path("annotations") / "bob.jsonl"
    first = log.read_text().splitlines()[0]
    with log.open("a") as handle:
        dangling = first.replace('"id":"', '"id":"f').replace('"rev":1,"prev":null', f'"rev":2,"prev":"{"d" * 32}"')
        assert dangling != first.replace('"id":"', '"id":"f')
        handle.write(dangling + "\n")  # an edit of a record the file does not hold
    opened: list[ReviewApp] = []
    monkeypatch.setattr(ReviewApp, "run", lambda app: opened.append(app))
    assert main(["review", "--as", "lead"]) == 0
    [app] = opened
    assert "the store has 1 problem, 1 label with a broken revision history (annotator validate lists them)" in app.notices
    app.annotation_log.close()
