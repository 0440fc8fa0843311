"""The app in a real pseudo-terminal: what a closed terminal, a kill and a missing terminal do."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from tests.conftest import SCHEMA
from tests.terminal import Terminal
from tests.tui.conftest import SMALL_TEXT


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "news.txt").write_text(SMALL_TEXT, encoding="utf-8")
    return tmp_path


@pytest.fixture
def terminal(project: Path) -> Iterator[Terminal]:
    opened = Terminal.annotator("corpus", "--as", "tester", "--schema", str(SCHEMA), "--store", "store", cwd=project)
    opened.wait_for(lambda screen: "not labelled yet" in screen, description="the first screen")
    yield opened
    opened.close()


def notes(project: Path) -> list[str]:
    path = project / "store" / "tester.jsonl"
    lines = path.read_bytes().splitlines() if path.exists() else []
    return [orjson.loads(line)["labels"].get("note", "") for line in lines]


@pytest.mark.parametrize("signum", [signal.SIGHUP, signal.SIGTERM])
def test_closing_the_terminal_right_after_typing_keeps_the_typed_text(terminal: Terminal, project: Path, signum: signal.Signals) -> None:
    terminal.type("tab", "tab", *"typed just now")  # the note field: not on disk before a second passes
    terminal.wait_for(lambda screen: "typed just now" in screen, description="the typed text")
    terminal.send_signal(signum)
    assert terminal.wait_exit() == 0
    assert notes(project)[-1:] == ["typed just now"]


@pytest.mark.parametrize("command", ["annotate", "review"])
def test_without_a_terminal_the_ui_refuses_to_start(project: Path, command: str) -> None:
    argv = [sys.executable, "-m", "annotator", command, "corpus", "--as", "tester", "--schema", str(SCHEMA), "--store", "store"]
    done = subprocess.run(argv, cwd=project, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "needs a terminal" in done.stderr
