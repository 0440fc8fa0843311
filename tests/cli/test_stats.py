"""`annotator stats`: what a user sees on the command line."""

from __future__ import annotations

import json
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from annotator.cli.main import main
from annotator.corpus.load import load_corpus
from annotator.store.log import AnnotationLog
from tests.conftest import SCHEMA, SEEDS, write_project

CHECK = {"checkworthiness": "check", "source_type": "expert", "claim_type": ["event"], "verifiability": "public", "hedging": "asserted"}
LABELS = {
    "alice": [CHECK, CHECK, {"checkworthiness": "no_claim"}, CHECK, {**CHECK, "checkworthiness": "minor"}, CHECK],
    "bob": [CHECK, {"checkworthiness": "no_claim"}, {"checkworthiness": "no_claim"}, CHECK, CHECK, {**CHECK, "hedging": "possible"}],
}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory laid out like the repository, with two annotators' labels on the seeds."""
    shutil.copytree(SEEDS, tmp_path / "seeds")
    (tmp_path / "schemas").mkdir()
    write_project(tmp_path)
    shutil.copy(SCHEMA, tmp_path / "schemas" / SCHEMA.name)
    corpus = load_corpus([tmp_path / "seeds"])
    for annotator, labels in LABELS.items():
        with AnnotationLog.open(tmp_path / "annotations", annotator) as log:
            for unit, unit_labels in zip(corpus.units(), labels):
                doc = corpus.document(unit.doc)
                log.append(unit, doc_sha256=doc.sha256, schema="factcheck", schema_version=1, labels=unit_labels, status="done")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_stats_with_the_defaults_prints_a_table(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("Agreement of 2 annotators (alice, bob) on 6 units")
    assert "Check-worthiness  ordinal" in out
    assert "1000 resamples, seed 0" in out
    assert err == "annotator: agreement of 2 annotators on 6 units\n"
    assert "Cohen's kappa of each pair of annotators" in out and "Confusion table" not in out  # that takes --pairs


def test_json_is_reproducible_and_follows_field_bootstrap_and_seed(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["stats", "--json", "--field", "hedging", "--field", "checkworthiness", "--bootstrap", "200", "--seed", "3"]
    assert main(argv) == 0
    first = capsys.readouterr().out
    assert main(argv) == 0
    assert capsys.readouterr().out == first
    report = json.loads(first)
    assert [f["id"] for f in report["fields"]] == ["hedging", "checkworthiness"]
    assert (report["bootstrap"], report["seed"]) == (200, 3)
    worth = report["fields"][1]
    assert worth["alpha"]["units"] == 6 and worth["agreement"]["value"] == pytest.approx(4 / 6)
    assert main([*argv[:-1], "4"]) == 0
    assert capsys.readouterr().out != first


def test_markdown_is_ready_for_a_dataset_card(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", "--markdown", "--bootstrap", "0"]) == 0
    out = capsys.readouterr().out
    assert "| Field | Level | Units | Pairable ratings | Krippendorff's alpha | Fleiss' kappa | Gwet's AC1/AC2 | Agreement |" in out
    assert "### Check-worthiness (`checkworthiness`)" in out
    assert "No bootstrap intervals" in out and "CI]" not in out


def test_json_and_markdown_exclude_each_other(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["stats", "--json", "--markdown"])
    assert exit_info.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--store", "nowhere"], "annotator: nowhere: no such annotation folder (give one with --store)\n"),
        (["--field", "colour"], "has no field 'colour'; its fields: checkworthiness, source_type"),
        (["--schema", "missing.json"], "annotator: missing.json: no such schema file\n"),
    ],
)
def test_user_errors_are_one_clear_line(project: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    assert main(["stats", *argv]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert message in err and "Traceback" not in err


def test_a_broken_schema_names_the_file_and_key(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = json.loads(SCHEMA.read_text())
    broken["fields"][0]["kind"] = "slider"
    Path("broken.json").write_text(json.dumps(broken))
    assert main(["stats", "--schema", "broken.json"]) == 2
    assert "annotator: broken.json: fields[0].kind:" in capsys.readouterr().err


def test_damaged_lines_are_listed_and_the_rest_is_reported(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = project / "annotations" / "bob.jsonl"
    lines = log.read_text().splitlines()
    lines.insert(1, "{not json")
    log.write_text("\n".join(lines) + "\n")
    assert main(["stats", "--json", "--bootstrap", "0"]) == 1  # the report is written, the data has problems
    out, err = capsys.readouterr()
    assert f"annotator: {Path('annotations') / 'bob.jsonl'}:2:" in err
    assert "the store has 1 problem (listed above)" in err
    assert json.loads(out)["units"] == 6


def test_labels_of_another_schema_version_are_listed_as_left_out(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = project / "annotations" / "alice.jsonl"
    records = [json.loads(line) for line in log.read_text().splitlines()]
    records[0]["schema_version"] = 2
    log.write_text("".join(json.dumps(record) + "\n" for record in records))
    assert main(["stats", "--bootstrap", "0"]) == 1
    err = capsys.readouterr().err
    assert "annotator: left out: alice: label" in err and "labelled with schema factcheck v2, not factcheck v1" in err


def test_a_broken_revision_history_is_said_with_the_labels_it_affects(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An edit of a record the file does not hold (a file cut or edited by hand): the report still
    comes, with the exit status and a word about it."""
    log = project / "annotations" / "alice.jsonl"
    first = json.loads(log.read_text().splitlines()[0])
    with log.open("a") as handle:
        handle.write(json.dumps({**first, "id": "f" * 32, "rev": 2, "prev": "d" * 32, "labels": {"checkworthiness": "no_claim"}}) + "\n")
    assert main(["stats", "--bootstrap", "0"]) == 1
    err = capsys.readouterr().err
    assert f"{Path('annotations') / 'alice.jsonl'}:7: prev {'d' * 32} is not an earlier record of this file" in err
    assert "the store has 1 problem, 1 label with a broken revision history (listed above)" in err


def test_a_forked_history_is_no_problem(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A second rev 1 of a unit, as a union merge of one annotator's two clones leaves it: the later
    label counts, and the report has nothing to say about it."""
    log = project / "annotations" / "alice.jsonl"
    first = json.loads(log.read_text().splitlines()[0])
    with log.open("a") as handle:
        handle.write(json.dumps({**first, "id": "f" * 32, "labels": {"checkworthiness": "no_claim"}}) + "\n")
    assert main(["stats", "--bootstrap", "0"]) == 0
    assert "problem" not in capsys.readouterr().err


def test_the_most_disputed_units_show_their_sentence(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", "--bootstrap", "0"]) == 0
    out = capsys.readouterr().out
    disputed = out[out.index("Units with the most disagreement") :]
    second = load_corpus([project / "seeds"]).units()[1]
    assert second.text[:60] in disputed  # alice: check, bob: no_claim
    assert main(["stats", "--json", "--bootstrap", "0"]) == 0
    assert all(unit["text"] for unit in json.loads(capsys.readouterr().out)["disagreements"])


def test_pairs_by_week_and_annotators_add_their_tables(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", "--bootstrap", "0", "--pairs", "--by", "week", "--annotators", "--field", "checkworthiness"]) == 0
    out = capsys.readouterr().out
    assert "Confusion table: rows alice, columns bob" in out
    week = datetime.now(UTC).date().isocalendar()  # the labels were written just now
    assert f"By week of each unit's last label\nWeek      Units  Alpha\n{week.year}-W{week.week:02d}      6" in out
    assert "Dawid-Skene model" in out and "Dawid-Skene, alice: rows the true value" in out


def test_pairs_intervals_come_with_pairs_and_json(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", "--bootstrap", "50", "--pairs", "--field", "checkworthiness"]) == 0
    assert re.search(r"alice / bob +\S+ \[\S+, \S+\]", capsys.readouterr().out)
    assert main(["stats", "--json", "--bootstrap", "50", "--field", "checkworthiness"]) == 0
    kappa = json.loads(capsys.readouterr().out)["fields"][0]["pairs"][0]["kappa"]
    assert kappa["low"] is not None and kappa["high"] is not None


def test_json_keeps_full_precision(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", "--json", "--bootstrap", "0", "--field", "checkworthiness"]) == 0
    worth = json.loads(capsys.readouterr().out)["fields"][0]
    assert worth["agreement"]["value"] == 4 / 6  # 0.6666666666666666, not 0.666667
