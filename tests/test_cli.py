"""The command line: which command a user's words reach."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.cli.main import main, with_default_command


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
