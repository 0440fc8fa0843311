"""The annotator's queue: the sentences the project's [team] assigns them, in corpus order; the
header's progress counts the queue; --all, or a name not on the roster, shows every sentence."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from annotator.assignment.rendezvous import assign
from annotator.cli.annotate import open_app
from annotator.cli.main import build_parser
from annotator.corpus.load import load_corpus
from annotator.errors import NothingToDo
from annotator.project.config import Team
from annotator.store.log import AnnotationLog
from annotator.tui.launch import prepare
from tests.conftest import SEEDS
from tests.labelling import append_label
from tests.tui.conftest import SCHEMA

TEAM = Team(("ana", "ben", "chen"), 2)


def open_as(name: str, store: Path, team: Team | None = TEAM):  # type: ignore[no-untyped-def]
    app = prepare(paths=[str(SEEDS)], annotator=name, schema_path=SCHEMA, store_dir=store, team=team)
    app.annotation_log.close()
    return app


def test_the_queue_is_the_assigned_sentences_in_corpus_order_and_the_header_counts_it(tmp_path: Path) -> None:
    corpus = load_corpus([SEEDS])
    units = corpus.units()
    mine = assign(TEAM, corpus.unit_keys()).units_of("ana").tolist()
    other = next(index for index in range(len(units)) if index not in mine)
    with AnnotationLog.open(tmp_path, "ana") as log:  # a label outside the queue (made with --all) does not count
        for index in (mine[0], other):
            append_label(log, corpus, units[index])
    app = open_as("ana", tmp_path)
    assert [unit.key for unit in app.session.units] == [units[index].key for index in mine]
    header = app.annotate_screen.header().plain
    assert f"1 of {len(mine)} in your queue" in header
    assert app.session.cursor == 1  # the first unlabelled sentence of the queue


def test_a_name_not_on_the_roster_or_no_team_shows_every_sentence(tmp_path: Path) -> None:
    stranger = open_as("dana", tmp_path)
    assert len(stranger.session.units) == 35 and not stranger.session.is_queue
    assert any("dana is not on the team's roster" in notice for notice in stranger.notices)
    assert "0 of 35 in all" in open_as("ana", tmp_path, team=None).annotate_screen.header().plain


def test_nothing_assigned_is_said(tmp_path: Path) -> None:
    with pytest.raises(NothingToDo, match="no sentence of this corpus is assigned to ana"):
        open_as("ana", tmp_path, team=Team(("ana", *(f"a{n}" for n in range(300))), 1))


def test_all_on_the_command_line_opens_every_sentence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(SEEDS, tmp_path / "seeds")
    shutil.copytree(SCHEMA.parent, tmp_path / "schemas", ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    (tmp_path / "annotator.toml").write_text(
        f'corpus = ["seeds"]\nschema = "schemas/{SCHEMA.name}"\nstore = "annotations"\n[team]\nannotators = ["ana", "ben", "chen"]\noverlap = 2\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    for argv, count in (
        (["annotate", "--as", "ana"], len(assign(TEAM, load_corpus([SEEDS]).unit_keys()).units_of("ana"))),
        (["annotate", "--as", "ana", "--all"], 35),
    ):
        app = open_app(build_parser("annotate").parse_args(argv))
        app.annotation_log.close()
        assert len(app.session.units) == count
