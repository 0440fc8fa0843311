"""The command line: which command a user's words reach."""

from __future__ import annotations

import gc
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.cli.main import main, with_default_command
from tests.conftest import SCHEMA


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        ([], ["annotate"]),
        (["--as", "alice"], ["annotate", "--as", "alice"]),
        (["seeds"], ["annotate", "seeds"]),
        (["units", "seeds"], ["units", "seeds"]),
        (["--help"], ["--help"]),
        (["--version"], ["--version"]),
        (["no-such-command"], ["no-such-command"]),
    ],
)
def test_words_without_a_command_open_the_annotation_ui(
    argv: list[str], expected: list[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "seeds").mkdir()
    monkeypatch.chdir(tmp_path)
    assert with_default_command(argv) == expected


def test_an_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["no-such-command"])
    assert exit_info.value.code == 2
    assert "invalid choice: 'no-such-command'" in capsys.readouterr().err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.startswith("annotator ")


def test_every_command_starts_without_the_terminal_ui() -> None:
    """The commands that open the UI import it inside `run`: loading any command, or the core, loads
    no Textual (it costs every other command its start-up time)."""
    modules = "annotator.cli.main, annotator.cli.annotate, annotator.cli.review, annotator.cli.units, annotator.cli.validate"
    modules += ", annotator.cli.stats, annotator.cli.export, annotator.cli.serve, annotator.store, annotator.agreement, annotator.dataset"
    modules += ", annotator.labels"
    script = f"import sys, {modules}; print(sorted(name for name in ('textual', 'rich') if name in sys.modules))"
    assert subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout == "[]\n"


@pytest.mark.parametrize(
    ("argv", "code"),
    [
        (["units", "seeds"], 0),  # success
        (["validate", "--store", "damaged", "seeds"], 1),  # it ran: the data has problems
        (["stats", "--store", "nowhere"], 2),  # it could not run
        (["units", "nowhere"], 2),
    ],
)
def test_exit_codes_are_the_same_in_every_command(argv: list[str], code: int, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "news.txt").write_text("A sentence.", encoding="utf-8")
    (tmp_path / "damaged").mkdir()
    (tmp_path / "damaged" / "alice.jsonl").write_text("{not json\n", encoding="utf-8")
    assert main([*argv, "--schema", str(SCHEMA)] if argv[0] != "units" else argv) == code


@pytest.mark.parametrize(
    ("command", "damaged", "code"), [("validate", True, 1), ("validate", False, 0), ("units", False, 0)], ids=["damaged", "clean", "units"]
)
def test_output_piped_into_a_reader_that_stops_keeps_the_exit_status(tmp_path: Path, command: str, damaged: bool, code: int) -> None:
    """`annotator validate | head` on a damaged store fails the pipeline (with pipefail) as the whole
    output would: a reader that stops early changes nothing about the data."""
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "news.txt").write_text("A sentence. " * 5000, encoding="utf-8")
    (tmp_path / "annotations").mkdir()
    (tmp_path / "annotations" / "alice.jsonl").write_bytes(b"{not json\n" * 3000 if damaged else b"")
    argv = ["units", "seeds"] if command == "units" else ["validate", "--schema", str(SCHEMA), "--store", "annotations", "seeds"]
    child = subprocess.Popen([sys.executable, "-m", "annotator", *argv], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert child.stdout is not None and child.stderr is not None
    child.stdout.readline()
    child.stdout.close()  # the reader stops, as head does
    err = child.stderr.read().decode()
    assert child.wait() == code
    assert "Traceback" not in err and "Exception ignored" not in err


@pytest.mark.parametrize(("command", "collecting"), [("validate", False), ("stats", False), ("annotate", True), ("review", True)])
def test_a_command_that_ends_runs_with_the_garbage_collector_paused_and_a_ui_with_it_on(
    command: str, collecting: bool, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """What a batch command builds lives until it ends: collecting would only walk it again and again."""
    seen: list[bool] = []
    module = importlib.import_module(f"annotator.cli.{command}")
    monkeypatch.setattr(module, "run", lambda args: seen.append(gc.isenabled()) or 0)
    monkeypatch.chdir(tmp_path)
    assert main([command, "--store", str(tmp_path), "--schema", str(SCHEMA), str(tmp_path)]) == 0
    assert seen == [collecting]
    assert gc.isenabled()
