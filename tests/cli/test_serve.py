"""`annotator serve`: the address it listens on, the command each browser tab runs, and what it says
before it serves (the server itself, in a real browser: tests/browser)."""

from __future__ import annotations

import shlex
import socket
import sys
from pathlib import Path
from typing import Any

import pytest

from annotator.cli.main import build_parser, main
from annotator.cli.options import with_project_defaults
from annotator.cli.serve import tab_command
from annotator.store.log import AnnotationLog
from tests.conftest import SCHEMA, SEEDS, write_project

SERVED = ["serve", str(SEEDS), "--as", "tester", "--schema", str(SCHEMA), "--store", "store"]


@pytest.fixture
def would_serve(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[dict[str, Any]]:
    """What the command would serve, instead of serving it: one dict of `serve`'s arguments a call."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr("annotator.tui.browser.serve", lambda command, **where: calls.append({"command": command, **where}))
    return calls


@pytest.fixture
def served(would_serve: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """As `would_serve`, on any address: none is tried (this machine has no other address to test with)."""
    monkeypatch.setattr("annotator.cli.serve.check_can_listen", lambda host, port: None)
    return would_serve


def test_it_serves_the_annotation_ui_on_the_loopback_address(served: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(SERVED) == 0
    [call] = served
    assert (call["host"], call["port"], call["url"]) == ("127.0.0.1", 8000, "http://127.0.0.1:8000")
    out, err = capsys.readouterr()
    assert "tester's annotation UI at http://127.0.0.1:8000" in out
    assert "anyone" not in err


@pytest.mark.parametrize("host", ["192.168.1.20", "annotation-host.example"])
def test_another_address_needs_allow_remote(host: str, served: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*SERVED, "--host", host]) == 2
    assert served == []
    err = capsys.readouterr().err
    assert f"--host {host} is not this machine's loopback address" in err
    assert "--allow-remote" in err
    assert "ssh -L 8000:localhost:8000" in err


def test_allow_remote_listens_there_and_warns(served: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*SERVED, "--host", "192.168.1.20", "--port", "8123", "--allow-remote"]) == 0
    [call] = served
    assert (call["host"], call["url"]) == ("192.168.1.20", "http://192.168.1.20:8123")
    assert "anyone who can reach port 8123 there can label as tester, with no password" in capsys.readouterr().err


@pytest.mark.parametrize("host", ["0.0.0.0", "::"])
def test_every_address_at_once_is_refused(host: str, served: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]) -> None:
    """The page's websocket URL is made of the address served: a wildcard is no address a browser can use."""
    assert main([*SERVED, "--host", host, "--allow-remote"]) == 2
    assert served == []
    assert f"--host {host} is every address" in capsys.readouterr().err


@pytest.mark.parametrize("host", ["::1", "localhost", "127.0.0.2"])
def test_any_loopback_address_needs_no_flag(host: str, served: list[dict[str, Any]]) -> None:
    assert main([*SERVED, "--host", host]) == 0
    [call] = served
    assert call["host"] == host
    assert call["url"] == ("http://[::1]:8000" if host == "::1" else f"http://{host}:8000")


@pytest.mark.parametrize(
    "extra",
    [
        [],
        ["--review"],
        ["--review", "--all", "--min-agreement", "0.75"],
        ["--keymap", "keys.json", "--text-column", "body"],
        ["--no-suggestions", "--lexicon", "desk.json"],
        ["--suggest-command", "python3 model.py --fast"],
    ],
    ids=["annotate", "review", "review-all", "keymap-columns", "no-suggestions", "model-command"],
)
def test_each_tab_runs_the_terminal_command_on_what_serve_resolved(
    extra: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_project(tmp_path)
    args = build_parser("serve").parse_args(["serve", "--as", "tester", "--", "-odd name.txt", *extra])
    with_project_defaults(args)
    python, dash_m, module, command, *rest = shlex.split(tab_command(args))
    assert (python, dash_m, module, command) == (sys.executable, "-m", "annotator", "review" if args.review else "annotate")
    tab = build_parser(command).parse_args([command, *rest])
    for name in ("paths", "annotator", "schema", "store", "text_column", "id_column", "keymap"):
        assert getattr(tab, name) == getattr(args, name), name
    if args.review:
        assert (tab.everything, tab.min_agreement) == (args.everything, args.min_agreement)
    else:
        with_project_defaults(tab)
        assert (tab.suggestions, tab.lexicon, tab.suggest_command) == (args.suggestions, args.lexicon, args.suggest_command)


def test_what_would_stop_every_tab_is_said_before_serving(served: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]) -> None:
    with AnnotationLog.open(Path("store"), "tester"):  # a terminal session of the same annotator
        assert main(SERVED) == 2
    assert served == []
    assert "store/tester.jsonl is open in another annotator process (lock held)" in capsys.readouterr().err


def test_serving_a_review_with_nothing_to_review_says_so(served: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]) -> None:
    Path("store").mkdir()
    assert main([*SERVED, "--review"]) == 0
    assert served == []
    assert "nothing to review" in capsys.readouterr().err


def test_without_textual_serve_it_says_how_to_install_it(
    served: list[dict[str, Any]], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "textual_serve", None)  # import textual_serve fails, as when it is not installed
    monkeypatch.delitem(sys.modules, "textual_serve.server", raising=False)
    monkeypatch.delitem(sys.modules, "annotator.tui.browser", raising=False)
    assert main(SERVED) == 2
    assert "annotator serve needs textual-serve: pip install 'annotator[serve]'" in capsys.readouterr().err


def test_a_port_is_a_port_number(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([*SERVED, "--port", "70000"])
    assert exit_info.value.code == 2
    assert "must be 1 to 65535, not 70000" in capsys.readouterr().err


def test_a_port_in_use_is_said_before_the_url(would_serve: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        assert main([*SERVED, "--port", str(port)]) == 2
    assert would_serve == []
    out, err = capsys.readouterr()
    assert out == ""
    assert f"cannot listen on 127.0.0.1 port {port}: Address already in use" in err
