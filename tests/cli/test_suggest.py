"""`annotator suggest`: JSON lines with cues at document offsets, the table, untrusted text, the
project's lexicon, and a failing model command (exit 1, the rule suggestions still printed)."""

from __future__ import annotations

import json
import shlex
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from annotator.cli.main import main
from tests.cli.test_units import HOSTILE
from tests.conftest import DATA, REPO, SCHEMA, SEEDS

FAKE = f"{shlex.quote(sys.executable)} {shlex.quote(str(DATA / 'fake_suggester.py'))}"


def run_suggest(*argv: str) -> int:
    return main(["suggest", *argv])


def test_jsonl_gives_every_seed_unit_its_suggestions_with_cues_at_document_offsets(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_suggest(str(SEEDS), "--schema", str(SCHEMA), "--jsonl") == 0
    out, err = capsys.readouterr()
    lines = [json.loads(line) for line in out.splitlines()]
    assert len(lines) == 35
    texts = {path.stem: path.read_text(encoding="utf-8") for path in SEEDS.glob("*.txt")}
    for line in lines:
        assert set(line) == {"doc", "start", "end", "text", "suggestions"}
        document = texts[line["doc"]]
        assert line["text"] == document[line["start"] : line["end"]]
        assert "checkworthiness" in line["suggestions"]
        for suggestion in line["suggestions"].values():
            assert set(suggestion) == {"value", "cues", "by"} and suggestion["by"] == "rules:news-cues@1"
            for cue in suggestion["cues"]:
                assert line["start"] <= cue["start"] < cue["end"] <= line["end"]
                assert cue["text"] == document[cue["start"] : cue["end"]]
    lead = next(line for line in lines if line["text"].startswith("SEOUL"))
    assert lead["suggestions"]["source"]["value"] == "the North's state media"
    assert lead["suggestions"]["source_type"]["value"] == "state_media"
    assert err.endswith("annotator: 2 documents, 35 units, 126 suggestions (rules:news-cues@1)\n")


def test_the_table_shows_each_field_its_value_and_cues(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_suggest(str(SEEDS / "000_d7efd9d5cc810911.txt"), "--schema", str(SCHEMA)) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "000_d7efd9d5cc810911 [0, 12)  By Lee Minji"
    assert lines[1] == "    checkworthiness  no_claim"
    assert '    source           the North\'s state media  <- "said" attribution.neutral' in lines


def test_untrusted_text_is_printed_safely(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "evil.txt").write_text(HOSTILE + " Officials\x1b[2J said 600 were fired.", encoding="utf-8")
    assert run_suggest(str(tmp_path), "--schema", str(SCHEMA)) == 0
    table = capsys.readouterr().out
    assert "\u241b[2J" in table and not any(ch in table for ch in "\x1b\x07\x7f\x9b\u202e\u200b")
    assert run_suggest(str(tmp_path), "--schema", str(SCHEMA), "--jsonl") == 0
    jsonl = capsys.readouterr().out
    assert not any(ch in jsonl for ch in "\x1b\x07\x7f\x9b\u202e\u200b")


def test_the_projects_lexicon_adds_its_cues(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.txt").write_text("Kim said the drills would go ahead next week.\n", encoding="utf-8")
    (tmp_path / "desk.json").write_text('{"name": "desk", "version": 2, "cues": {"source.official_named": ["Kim"]}}', encoding="utf-8")
    config = f'corpus = ["docs"]\nschema = "{SCHEMA.as_posix()}"\nstore = "a"\n[suggestions]\nlexicon = "desk.json"\n'
    (tmp_path / "annotator.toml").write_text(config, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert run_suggest("--jsonl") == 0
    suggestions = json.loads(capsys.readouterr().out)["suggestions"]
    assert suggestions["source_type"] == {
        "value": "official_named",
        "cues": [{"start": 0, "end": 3, "text": "Kim", "kind": "source.official_named"}],
        "by": "rules:news-cues@1+desk@2",
    }
    (tmp_path / "desk.json").write_text('{"name": "desk"}', encoding="utf-8")
    assert run_suggest() == 2
    assert capsys.readouterr().err.splitlines()[:2] == [
        "annotator: desk.json: version: must be an integer >= 1",
        "annotator: desk.json: cues: must be an object of kind -> list of phrases",
    ]


def test_a_failing_command_exits_1_and_the_rule_suggestions_are_still_printed(capsys: pytest.CaptureFixture[str]) -> None:
    command = f"{FAKE} --fail-after 0"
    assert run_suggest(str(SEEDS / "004_5f7998d51eba2094.txt"), "--schema", str(SCHEMA), "--jsonl", "--command", command) == 1
    out, err = capsys.readouterr()
    assert len(out.splitlines()) == 20
    assert {s["by"] for line in out.splitlines() for s in json.loads(line)["suggestions"].values()} == {"rules:news-cues@1"}
    assert err.splitlines()[1:3] == [
        f"`{command}`: exited with status 3: fake model: out of memory; the units it did not answer keep the rule suggestions",
        f"`{command}`: no answer for 20 sentences (the first: 004_5f7998d51eba2094 [0, 74)); asked again next time",
    ]
    assert err.splitlines()[-1].endswith("the command was asked about 20 sentences, 0 units came from its cache; 2 problems (listed above)")


def test_a_command_answer_shows_who_gave_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_suggest(str(SEEDS / "004_5f7998d51eba2094.txt"), "--schema", str(SCHEMA), "--command", FAKE) == 0
    table = capsys.readouterr().out
    assert '    checkworthiness  urgent  <- "Kim" model  (by fake-model)' in table
    assert f"    verifiability    public  (by {FAKE})" in table


def test_the_help_names_the_command_protocol(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["suggest", "--help"])
    assert "reading units as JSON lines on stdin" in " ".join(capsys.readouterr().out.split())
    assert (REPO / "annotator" / "suggest" / "cues.json").is_file()


class FakeLLM(BaseHTTPRequestHandler):
    """A local chat-completions server that calls a sentence with a digit urgent."""

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        sentence = body["messages"][-1]["content"]
        answer = {"checkworthiness": "urgent" if any(ch.isdigit() for ch in sentence) else "minor", "hedging": "perhaps"}
        data = json.dumps({"choices": [{"message": {"content": json.dumps(answer)}}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


def test_the_readme_example_asks_a_local_llm_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    script = tmp_path / "suggest_llm.py"
    script.write_text("# suggest_llm.py" + readme.split("# suggest_llm.py", 1)[1].split("```", 1)[0], encoding="utf-8")
    assert len(script.read_text(encoding="utf-8").splitlines()) <= 20
    (tmp_path / "a.txt").write_text("Officials said 600 missiles were fired.\n\nNothing else happened here today.\n", encoding="utf-8")
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeLLM)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("LLM_URL", f"http://127.0.0.1:{server.server_port}/v1/chat/completions")
    try:
        status = run_suggest(
            str(tmp_path / "a.txt"), "--schema", str(SCHEMA), "--jsonl", "--command", f"{shlex.quote(sys.executable)} {script}"
        )
    finally:
        server.shutdown()
    out, err = capsys.readouterr()
    assert [json.loads(line)["suggestions"]["checkworthiness"] for line in out.splitlines()] == [
        {"value": "urgent", "cues": [], "by": "local-llm"},
        {"value": "minor", "cues": [], "by": "local-llm"},
    ]
    assert status == 1 and "field 'hedging' has no value 'perhaps'" in err  # checked against the schema, the rules' kept
