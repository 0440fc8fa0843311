"""Projects: annotator.toml read and checked, found from a folder below it, made by `init`."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.corpus.table import Columns
from annotator.errors import UserError
from annotator.project.config import ConfigError, Team, read_config
from annotator.project.find import find_project_folder, open_project
from annotator.project.init import init_project
from annotator.store.records import NAME_RULE
from tests.conftest import REPO, SCHEMA


def write_config(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "annotator.toml").write_text(text, encoding="utf-8")
    return folder


def config_problems(folder: Path) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        read_config(folder)
    return caught.value.lines


def test_a_new_project_reads_back_as_written(tmp_path: Path) -> None:
    made = init_project(tmp_path / "news")
    assert [(item.path.relative_to(tmp_path).as_posix(), item.made) for item in made] == [
        ("news/annotator.toml", True),
        ("news/documents", True),
        ("news/schemas/factcheck.v1.json", True),
        ("news/annotations", True),
        ("news/.gitattributes", True),
    ]
    assert (tmp_path / "news" / ".gitattributes").read_text(encoding="utf-8").endswith("\nannotations/*.jsonl merge=union\n")
    config = read_config(tmp_path / "news")
    assert config.corpus == (tmp_path / "news" / "documents",)
    assert config.schema == tmp_path / "news" / "schemas" / "factcheck.v1.json"
    assert config.store == tmp_path / "news" / "annotations"
    assert config.columns == Columns("text", "id")
    assert config.schema.read_bytes() == SCHEMA.read_bytes()


def test_init_keeps_what_is_there_and_refuses_a_second_time(tmp_path: Path) -> None:
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "factcheck.v1.json").write_text("my own edits", encoding="utf-8")
    (tmp_path / "annotations").mkdir()
    (tmp_path / "annotations" / "alice.jsonl").write_text("{}\n", encoding="utf-8")
    made = init_project(tmp_path)
    assert [item.made for item in made] == [True, True, False, False, True]
    assert (tmp_path / "schemas" / "factcheck.v1.json").read_text(encoding="utf-8") == "my own edits"
    assert (tmp_path / "annotations" / "alice.jsonl").read_text(encoding="utf-8") == "{}\n"
    with pytest.raises(UserError, match=r"annotator\.toml exists already"):
        init_project(tmp_path)


def test_the_project_is_found_from_a_folder_below_it_with_paths_relative_to_where_one_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    init_project(tmp_path / "news")
    below = tmp_path / "news" / "documents" / "2025"
    below.mkdir()
    assert find_project_folder(below) == tmp_path / "news"
    monkeypatch.chdir(below)
    config = open_project()
    assert config is not None
    assert (config.folder, config.store) == (Path("../.."), Path("../../annotations"))
    monkeypatch.chdir(tmp_path)
    assert open_project() is None
    nested = write_config(below / "inner", 'corpus = ["."]\nschema = "s.json"\nstore = "a"\n')
    assert find_project_folder(nested / "deeper") == nested  # the nearest project, as git finds the nearest repository


@pytest.mark.parametrize(
    ("text", "problems"),
    [
        ("corpus = [", ["not valid TOML: "]),
        ('corpus = ["d"]\nschema = "s"\n', ["store: missing (a path)"]),
        (
            'corpus = "d"\nschema = 3\nstore = ""\ncolour = "red"\n[columns]\ntext = 1\nkey = "k"\n',
            [
                "colour: unknown key (known: corpus, schema, store, columns, suggestions, team)",
                'corpus: must be a list of one or more paths, such as ["documents"]',
                "schema: must be a path (a non-empty string)",
                "store: must be a path (a non-empty string)",
                "columns.key: unknown key (known: text, id)",
                "columns.text: must be a column name (a non-empty string)",
            ],
        ),
    ],
)
def test_a_config_that_cannot_be_used_names_the_file_and_every_key(tmp_path: Path, text: str, problems: list[str]) -> None:
    write_config(tmp_path, text)
    got = config_problems(tmp_path)
    assert len(got) == len(problems)
    for line, problem in zip(got, problems):
        assert line.startswith(f"{tmp_path / 'annotator.toml'}: {problem}")


def test_columns_are_read_from_the_config(tmp_path: Path) -> None:
    write_config(tmp_path, 'corpus = ["news.csv"]\nschema = "s.json"\nstore = "a"\n[columns]\ntext = "body"\n')
    assert read_config(tmp_path).columns == Columns("body", "id")


def test_the_repository_is_a_project_whose_schema_is_the_one_init_copies() -> None:
    config = read_config(REPO)
    assert config.corpus == (REPO / "seeds",) and config.store == REPO / "annotations"
    assert config.schema.read_bytes() == SCHEMA.read_bytes()  # schemas/ holds the packaged default


def test_a_project_may_name_its_own_lexicon_of_suggestion_cues(tmp_path: Path) -> None:
    base = 'corpus = ["d"]\nschema = "s.json"\nstore = "a"\n'
    write_config(tmp_path, base)
    assert read_config(tmp_path).lexicon is None
    write_config(tmp_path, base + '[suggestions]\nlexicon = "cues/desk.json"\n')
    assert read_config(tmp_path).lexicon == tmp_path / "cues" / "desk.json"
    write_config(tmp_path, base + '[suggestions]\nlexicon = ""\nshown = true\n')
    assert [line.removeprefix(f"{tmp_path / 'annotator.toml'}: ") for line in config_problems(tmp_path)] == [
        "suggestions.shown: unknown key (known: lexicon, show, command)",
        "suggestions.lexicon: must be a path (a non-empty string)",
    ]


def test_a_project_may_name_its_team_and_every_problem_with_it_is_listed(tmp_path: Path) -> None:
    base = 'corpus = ["d"]\nschema = "s.json"\nstore = "a"\n'
    write_config(tmp_path, base)
    assert read_config(tmp_path).team is None
    write_config(tmp_path, base + '[team]\nannotators = ["ana", "ben", "chen"]\noverlap = 2\ncalibration_documents = ["x/1"]\n')
    assert read_config(tmp_path).team == Team(("ana", "ben", "chen"), 2, frozenset({"x/1"}), 0.0)
    write_config(tmp_path, base + '[team]\nannotators = ["ana", "Ana", ".hidden"]\noverlap = 4\ncalibration_share = 1.5\nleader = "x"\n')
    assert [line.removeprefix(f"{tmp_path / 'annotator.toml'}: ") for line in config_problems(tmp_path)] == [
        "team.leader: unknown key (known: annotators, overlap, calibration_documents, calibration_share)",
        "team.annotators: '.hidden' is not an annotator name: a name is " + NAME_RULE,
        "team.annotators: named twice (case aside, as file names on macOS and Windows): Ana, ana",
        "team.overlap: must be a whole number of annotators per sentence, 1 to 3, the number of annotators",
        "team.calibration_share: must be a number from 0 to 1 (0.05: one sentence in twenty)",
    ]
    write_config(tmp_path, base + "[team]\noverlap = true\ncalibration_documents = [1]\n")
    assert [line.removeprefix(f"{tmp_path / 'annotator.toml'}: ") for line in config_problems(tmp_path)] == [
        'team.annotators: must be a list of one or more annotator names, such as ["ana", "ben"]',
        "team.overlap: must be a whole number of annotators per sentence, 1 or more",
        'team.calibration_documents: must be a list of document ids, such as ["2025/ap-0412"]',
    ]


def test_a_project_may_hide_suggestions_for_a_calibration_round(tmp_path: Path) -> None:
    base = 'corpus = ["d"]\nschema = "s.json"\nstore = "a"\n'
    write_config(tmp_path, base)
    assert read_config(tmp_path).show_suggestions is True
    write_config(tmp_path, base + "[suggestions]\nshow = false\n")
    config = read_config(tmp_path)
    assert config.show_suggestions is False and config.lexicon is None
    write_config(tmp_path, base + '[suggestions]\nshow = "no"\n')
    assert [line.removeprefix(f"{tmp_path / 'annotator.toml'}: ") for line in config_problems(tmp_path)] == [
        "suggestions.show: must be true or false"
    ]


def test_a_project_may_name_a_model_command_for_the_annotation_ui(tmp_path: Path) -> None:
    base = 'corpus = ["d"]\nschema = "s.json"\nstore = "a"\n'
    write_config(tmp_path, base)
    assert read_config(tmp_path).suggest_command is None
    write_config(tmp_path, base + '[suggestions]\ncommand = "python3 model.py --fast"\n')
    assert read_config(tmp_path).suggest_command == "python3 model.py --fast"
    write_config(tmp_path, base + '[suggestions]\ncommand = " "\n')
    assert [line.removeprefix(f"{tmp_path / 'annotator.toml'}: ") for line in config_problems(tmp_path)] == [
        "suggestions.command: must be a shell command (a non-empty string)"
    ]
