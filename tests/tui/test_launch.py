"""What `annotator annotate` says, without a traceback, when it cannot start."""

from __future__ import annotations

import argparse
import gc
import subprocess
import sys
from pathlib import Path

import pytest

from annotator import memory
from annotator.cli.annotate import open_app
from annotator.cli.main import build_parser, main
from annotator.corpus.load import load_corpus
from annotator.errors import UserError
from annotator.schema.load import load_schema
from annotator.store.log import AnnotationLog
from annotator.tui import app as app_module
from annotator.tui.app import AnnotatorApp
from annotator.tui.launch import prepare
from tests.tui.conftest import SCHEMA, MakeApp
from tests.tui.waiting import wait_for


def launch_error(**changes: object) -> str:
    arguments = {"paths": ["missing-folder"], "annotator": "tester", "schema_path": SCHEMA, "store_dir": Path("store")}
    arguments.update(changes)
    with pytest.raises(UserError) as caught:
        prepare(**arguments)  # type: ignore[arg-type]
    return "\n".join(caught.value.lines)


def test_bad_annotator_name(corpus_dir: Path) -> None:
    assert "invalid annotator name '../x'" in launch_error(paths=[str(corpus_dir)], annotator="../x")


def test_broken_schema_names_the_file(tmp_path: Path, corpus_dir: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    assert str(broken) in launch_error(paths=[str(corpus_dir)], schema_path=broken)


def test_missing_corpus_says_nothing_to_annotate(tmp_path: Path) -> None:
    message = launch_error(paths=[str(tmp_path / "absent")], store_dir=tmp_path / "store")
    assert "absent" in message and "nothing to annotate" in message


def test_store_locked_by_another_writer(corpus_dir: Path, store_dir: Path) -> None:
    with AnnotationLog.open(store_dir, "tester"):
        assert "tester" in launch_error(paths=[str(corpus_dir)], store_dir=store_dir)


def test_damaged_store_lists_file_and_line(corpus_dir: Path, store_dir: Path) -> None:
    store_dir.mkdir()
    (store_dir / "tester.jsonl").write_text("not json\n{}\n", encoding="utf-8")
    assert "tester.jsonl:1" in launch_error(paths=[str(corpus_dir)], store_dir=store_dir)


def test_a_reviewers_name_is_refused_and_its_file_left_unlocked(corpus_dir: Path, store_dir: Path) -> None:
    unit = load_corpus([corpus_dir]).units()[0]
    with AnnotationLog.open(store_dir, "lead") as log:
        log.append(unit, doc_sha256="0" * 64, schema="factcheck", schema_version=1, labels={}, status="retracted", kind="adjudication")
    assert "lead has adjudications in this store" in launch_error(paths=[str(corpus_dir)], annotator="lead", store_dir=store_dir)
    AnnotationLog.open(store_dir, "lead").close()


def test_a_file_with_a_superseded_adjudication_is_still_a_reviewers(corpus_dir: Path, store_dir: Path) -> None:
    unit = load_corpus([corpus_dir]).units()[0]
    with AnnotationLog.open(store_dir, "lead") as log:
        decision = log.append(
            unit, doc_sha256="0" * 64, schema="factcheck", schema_version=1, labels={}, status="retracted", kind="adjudication"
        )
        log.append(unit, doc_sha256="0" * 64, schema="factcheck", schema_version=1, labels={}, status="draft", prev=decision)
    assert "lead has adjudications in this store" in launch_error(paths=[str(corpus_dir)], annotator="lead", store_dir=store_dir)


def test_skipped_files_and_torn_line_become_notices(corpus_dir: Path, store_dir: Path) -> None:
    (corpus_dir / "bad.txt").write_bytes(b"\xff\xfe not utf-8 \xff")
    store_dir.mkdir()
    (store_dir / "tester.jsonl").write_bytes(b'{"format": 1, "id": "tor')
    app = prepare(paths=[str(corpus_dir)], annotator="tester", schema_path=SCHEMA, store_dir=store_dir)
    app.annotation_log.close()
    assert any("bad.txt" in notice for notice in app.notices)
    assert any("recovered" in notice for notice in app.notices)


def test_a_broken_revision_history_in_the_own_file_becomes_a_notice(corpus_dir: Path, store_dir: Path) -> None:
    unit = load_corpus([corpus_dir]).units()[0]
    with AnnotationLog.open(store_dir, "tester") as log:
        log.append(unit, doc_sha256="0" * 64, schema="factcheck", schema_version=1, labels={}, status="draft")
    first = (store_dir / "tester.jsonl").read_bytes()
    dangling = first.replace(b'"id":"', b'"id":"f').replace(b'"rev":1,"prev":null', b'"rev":2,"prev":"' + b"d" * 32 + b'"')
    fork = first.replace(b'"id":"', b'"id":"e')  # a second rev 1, as a union merge of two clones leaves it
    (store_dir / "tester.jsonl").write_bytes(first + dangling + fork)
    app = prepare(paths=[str(corpus_dir)], annotator="tester", schema_path=SCHEMA, store_dir=store_dir)
    app.annotation_log.close()
    assert any(
        "a revision history is broken at 1 line of" in notice and f"tester.jsonl:2: prev {'d' * 32} is not an earlier record" in notice
        for notice in app.notices
    )
    assert any(notice.startswith("1 label of") and "had two histories" in notice for notice in app.notices)


@pytest.mark.usefixtures("in_a_terminal")
def test_command_prints_the_problem_and_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["annotate", str(tmp_path / "absent"), "--as", "tester", "--schema", str(SCHEMA), "--store", str(tmp_path / "s")]) == 2
    assert capsys.readouterr().err.startswith("annotator: ")


def test_opening_the_annotation_ui_loads_only_what_it_shows(corpus_dir: Path, store_dir: Path) -> None:
    """No other command's module, no statistics (numpy) and, from warm caches, no segmenter (pySBD) and
    no schema validator (pydantic): each costs launch time."""
    load_corpus([corpus_dir])  # warms the segmentation cache
    load_schema(SCHEMA)  # remembers that the schema file is valid
    script = (
        "import sys; from pathlib import Path; from annotator.cli.main import build_parser;"
        " from annotator.tui.launch import prepare;"
        " args = build_parser('annotate').parse_args(['annotate', *sys.argv[1:]]);"
        " prepare(paths=args.paths, annotator=args.annotator, schema_path=Path(args.schema), store_dir=Path(args.store));"
        " print(sorted(m for m in sys.modules if m.startswith('annotator.cli.') or m in ('numpy', 'pysbd', 'pydantic')))"
    )
    command = [sys.executable, "-c", script, str(corpus_dir), "--as", "tester", "--schema", str(SCHEMA), "--store", str(store_dir)]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    assert result.stdout.split() == [  # the command's own module, and the one that runs its app (ui)
        "['annotator.cli.annotate',",
        "'annotator.cli.main',",
        "'annotator.cli.options',",
        "'annotator.cli.ui']",
    ]


def annotate_args(*words: str) -> argparse.Namespace:
    return build_parser("annotate").parse_args(["annotate", *words])


async def test_the_collector_is_off_during_launch_and_back_on_with_the_first_screen(
    corpus_dir: Path, store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gc, "freeze", lambda: None)  # the test process's own objects stay collectable
    app = open_app(annotate_args(str(corpus_dir), "--as", "tester", "--schema", str(SCHEMA), "--store", str(store_dir)))
    assert not gc.isenabled()
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, gc.isenabled, description="the collector back on")
    finally:
        gc.enable()


def test_a_launch_that_fails_turns_the_collector_back_on(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="nothing to annotate"):
        open_app(annotate_args(str(tmp_path / "absent"), "--as", "tester", "--schema", str(SCHEMA), "--store", str(tmp_path / "store")))
    assert gc.isenabled()


def test_any_failure_while_preparing_turns_the_collector_back_on() -> None:
    with pytest.raises(RuntimeError), memory.launching():
        raise RuntimeError("a bug, not a launch error")
    assert gc.isenabled()


async def test_an_app_started_with_the_collector_on_freezes_nothing(make_app: MakeApp, monkeypatch: pytest.MonkeyPatch) -> None:
    settled: list[None] = []
    settle = app_module.settle_after_launch
    monkeypatch.setattr(app_module, "settle_after_launch", lambda: (settle(), settled.append(None)))
    frozen = gc.get_freeze_count()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: bool(settled), description="the first screen drawn")
        assert gc.get_freeze_count() == frozen and gc.isenabled()


def test_the_commands_say_before_splitting_new_documents(corpus_dir: Path, store_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    app = open_app(annotate_args(str(corpus_dir), "--as", "tester", "--schema", str(SCHEMA), "--store", str(store_dir)))
    app.annotation_log.close()
    assert capsys.readouterr().err == "annotator: splitting 1 new document into sentences (once: the result is cached)\n"


def test_an_empty_name_is_refused_not_replaced_by_the_login_name(
    corpus_dir: Path, store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("annotator.cli.options.is_terminal", lambda: True)
    monkeypatch.setattr(AnnotatorApp, "run", lambda app: app.annotation_log.close())  # were it not refused
    assert main(["annotate", str(corpus_dir), "--as", "", "--schema", str(SCHEMA), "--store", str(store_dir)]) == 2
    assert not store_dir.exists()


def test_a_name_that_differs_from_an_annotators_only_by_case_is_refused(corpus_dir: Path, store_dir: Path) -> None:
    store_dir.mkdir()
    (store_dir / "alice.jsonl").touch()
    message = launch_error(paths=[str(corpus_dir)], annotator="Alice", store_dir=store_dir)
    assert "alice.jsonl holds the labels of alice; Alice differs from it only by case" in message
    assert sorted(path.name for path in store_dir.glob("*.jsonl")) == ["alice.jsonl"]


async def test_opening_the_ui_and_quitting_at_once_leaves_no_annotation_file(make_app: MakeApp, store_dir: Path) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("q")
    assert not (store_dir / "tester.jsonl").exists()
