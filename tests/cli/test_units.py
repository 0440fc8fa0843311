"""`annotator units`: the table, --jsonl, terminal safety, problems and the exit code."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import pytest

from annotator.cli.main import main
from annotator.cli.options import segmenting_progress
from tests.conftest import SEEDS


def run_units(*argv: str) -> int:
    return main(["units", *argv])


def test_table_lists_every_unit_of_the_seeds(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_units(str(SEEDS)) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert lines[0].split() == ["doc", "#", "start", "end", "text"]
    assert len(lines) == 1 + 35
    assert lines[1].split() == ["000_d7efd9d5cc810911", "0", "0", "12", "By", "Lee", "Minji"]
    assert "004_5f7998d51eba2094     3     350     393  Factory Inspections and Modernisation Plans" in lines
    assert err == "annotator: splitting 2 new documents into sentences (once: the result is cached)\nannotator: 2 documents, 35 units\n"
    assert run_units(str(SEEDS)) == 0
    assert capsys.readouterr().err == "annotator: 2 documents, 35 units\n"  # from the cache, without a word


def test_jsonl_gives_one_object_per_unit(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_units(str(SEEDS / "000_d7efd9d5cc810911.txt"), "--jsonl") == 0
    text = (SEEDS / "000_d7efd9d5cc810911.txt").read_text(encoding="utf-8")
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(records) == 15
    for record in records:
        assert set(record) == {"doc", "start", "end", "text", "text_sha256"}
        assert record["doc"] == "000_d7efd9d5cc810911"
        assert record["text"] == text[record["start"] : record["end"]]
        assert record["text_sha256"] == hashlib.sha256(record["text"].encode("utf-8")).hexdigest()


HOSTILE = "Clear \x1b[2J now.\u202eReversed\u200b here. Bell\x07 and C1 \x9b31m and DEL\x7f end."


def test_table_never_emits_raw_control_characters(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "evil\x1b[31m.txt").write_text(HOSTILE, encoding="utf-8")
    assert run_units(str(tmp_path)) == 0
    out = capsys.readouterr().out
    assert "\u241b[2J" in out and "<U+202E>" in out and "<U+200B>" in out
    assert "\u2407" in out and "\ufffd31m" in out and "\u2421" in out
    assert "evil\u241b[31m" in out
    assert not any(ch in out for ch in "\x1b\x07\x7f\x9b\u202e\u200b")


def test_jsonl_escapes_control_characters(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "evil.txt").write_text(HOSTILE, encoding="utf-8")
    assert run_units(str(tmp_path), "--jsonl") == 0
    out = capsys.readouterr().out
    assert not any(ch in out for ch in "\x1b\x07\x7f\x9b\u202e\u200b")
    shown = "".join(json.loads(line)["text"] for line in out.splitlines())
    assert shown.replace(" ", "") == HOSTILE.replace(" ", "")


def test_problems_go_to_stderr_and_the_exit_code_is_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "good.txt").write_text("Fine.", encoding="utf-8")
    (tmp_path / "bad.jsonl").write_text('{"id": "a", "text": "Ok."}\n{"id": "b"}\n', encoding="utf-8")
    (tmp_path / "worse\x1bname.txt").write_bytes(b"\xff")
    assert run_units(str(tmp_path), str(tmp_path / "missing.md"), "--jsonl") == 1
    out, err = capsys.readouterr()
    assert [json.loads(line)["doc"] for line in out.splitlines()] == ["a", "good"]
    assert err.splitlines() == [
        "annotator: splitting 2 new documents into sentences (once: the result is cached)",
        f"{tmp_path / 'bad.jsonl'}:2: missing `text`",
        f"{tmp_path / 'worse␛name.txt'}:1: invalid UTF-8 at byte 0",
        f"{tmp_path / 'missing.md'}: no such file or folder",
        "annotator: 2 documents, 2 units; skipped 3 inputs (listed above)",
    ]


def test_no_path_outside_a_project_says_what_to_give(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run_units() == 2
    assert capsys.readouterr().err == (
        f"annotator: not in an annotator project: no annotator.toml in {tmp_path} or any folder above it\n"
        "annotator: make one with `annotator init`, or give the documents (PATH...)\n"
    )


def test_a_terminal_is_shown_how_far_the_split_has_got() -> None:
    shown = io.StringIO()
    progress = segmenting_progress(300, shown)
    for done in range(1, 301):
        progress(done)
    lines = shown.getvalue().split("\r")[1:]
    assert len(lines) == 101  # once per whole percent, not once per document
    assert lines[1] == "annotator: 3 of 300 documents split (1%)"
    assert lines[-1] == "annotator: 300 of 300 documents split (100%)\n"
