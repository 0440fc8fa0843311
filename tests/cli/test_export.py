"""`annotator export`: what a user sees on the command line, and what lands in --out."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from annotator.cli.main import main
from annotator.corpus.load import load_corpus
from annotator.store.log import AnnotationLog
from tests.conftest import SCHEMA, SEEDS, write_project

CHECK = {
    "checkworthiness": "check",
    "source_type": "state_media",
    "source": "KCNA",
    "claim_type": ["event"],
    "verifiability": "attribution_only",
    "hedging": "asserted",
}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory laid out like the repository, with two annotators' labels on the seeds."""
    shutil.copytree(SEEDS, tmp_path / "seeds")
    (tmp_path / "schemas").mkdir()
    write_project(tmp_path)
    shutil.copy(SCHEMA, tmp_path / "schemas" / SCHEMA.name)
    corpus = load_corpus([tmp_path / "seeds"])
    for annotator, labels in (("alice", CHECK), ("bob", {"checkworthiness": "no_claim"})):
        with AnnotationLog.open(tmp_path / "annotations", annotator) as log:
            for unit in corpus.units()[:6]:
                doc = corpus.document(unit.doc)
                log.append(unit, doc_sha256=doc.sha256, schema="factcheck", schema_version=1, labels=labels, status="done")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*argv: str) -> int:
    return main(["export", *argv])


def exit_code(*argv: str) -> int | str | None:
    """`run`'s exit code, whether it returns it or argparse exits with it (a usage error)."""
    try:
        return run(*argv)
    except SystemExit as exit_info:
        return exit_info.code


def test_export_with_the_defaults(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("--out", "dataset") == 0
    err = capsys.readouterr().err
    assert "annotator: exported 6 rows" in err and "6 units unresolved (exported with resolved false)" in err
    written = sorted(path.relative_to(project / "dataset").as_posix() for path in (project / "dataset").rglob("*.*"))
    assert written == ["README.md", "data/train.jsonl", "factcheck.v1.json", "manifest.json"]
    manifest = json.loads((project / "dataset" / "manifest.json").read_text())
    assert manifest["options"]["splits"] == "train=0.8,dev=0.1,test=0.1"
    assert sorted(manifest["inputs"]["annotations"]) == ["alice.jsonl", "bob.jsonl"]


def test_the_command_is_registered(project: Path) -> None:
    assert main(["export", "--out", "dataset", "--format", "csv"]) == 0
    assert (project / "dataset" / "data" / "train.csv").exists()


def test_min_agreement_and_resolved_only(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus = load_corpus(["seeds"])
    unit = corpus.units()[0]
    with AnnotationLog.open(project / "annotations", "carol") as log:
        log.append(
            unit,
            doc_sha256=corpus.document(unit.doc).sha256,
            schema="factcheck",
            schema_version=1,
            labels={"checkworthiness": "no_claim"},
            status="done",
        )
    assert run("--out", "plain", "--resolved-only") == 0
    rows = [json.loads(line) for line in (project / "plain" / "data" / "train.jsonl").read_text().splitlines()]
    assert [(row["text"], row["checkworthiness_resolution"]) for row in rows] == [(unit.text, "majority")]
    assert "5 units unresolved (left out)" in capsys.readouterr().err

    assert run("--out", "strict", "--resolved-only", "--min-agreement", "0.7") == 1
    assert "annotator: nothing to export: none of the 6 labelled units is resolved" in capsys.readouterr().err
    assert not (project / "strict").exists()


def test_user_files_in_out_are_never_overwritten(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "dataset").mkdir()
    (project / "dataset" / "README.md").write_text("my own notes")
    assert run("--out", "dataset") == 2
    assert "not an export of this tool" in capsys.readouterr().err
    assert (project / "dataset" / "README.md").read_text() == "my own notes"


def test_a_previous_export_is_replaced(project: Path) -> None:
    assert run("--out", "dataset", "--format", "csv") == 0
    assert run("--out", "dataset") == 0
    assert not list((project / "dataset" / "data").glob("*.csv"))
    assert (project / "dataset" / "data" / "train.jsonl").exists()


def test_parquet_rows_read_back(project: Path) -> None:
    assert run("--out", "dataset", "--format", "parquet", "--include-annotators") == 0
    table = pq.read_table(project / "dataset" / "data" / "train.parquet")
    rows = table.to_pylist()
    assert len(rows) == 6
    assert rows[0]["claim_type@alice"] == ["event"] and rows[0]["claim_type@bob"] is None
    assert rows[0]["checkworthiness_resolution"] == "unresolved"


def test_parquet_without_pyarrow_says_how_to_install(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    assert run("--out", "dataset", "--format", "parquet") == 2
    assert "pip install 'annotator[parquet]'" in capsys.readouterr().err
    assert not (project / "dataset").exists()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("--split", "train=0.7,test=0.2"), "--split: the shares add up to 0.9, not 1"),
        (("--min-agreement", "0.4"), "--min-agreement must be between 0.5 and 1"),
        (("--store", "nowhere"), "nowhere: no such annotation folder"),
        (("--schema", "missing.json"), "missing.json: no such schema file"),
    ],
)
def test_bad_options_name_the_problem(project: Path, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], message: str) -> None:
    assert exit_code("--out", "dataset", *argv) == 2
    assert f"annotator: {message}" in capsys.readouterr().err
    assert not (project / "dataset").exists()


def test_stale_labels_are_reported_on_stderr(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seed = sorted((project / "seeds").glob("*.txt"))[0]
    first_line = seed.read_text(encoding="utf-8").splitlines()[0]
    seed.write_text(seed.read_text(encoding="utf-8").replace(first_line, "A new headline", 1), encoding="utf-8")
    assert run("--out", "dataset") == 1  # exported, but labels were left out
    err = capsys.readouterr().err
    assert "annotations/alice.jsonl: label " in err and "left out: sentence text no longer in the document" in err
    assert "2 labels left out (listed above)" in err


def test_a_broken_revision_history_stops_the_export(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = project / "annotations" / "bob.jsonl"
    records = [json.loads(line) for line in log.read_text().splitlines()]
    moved = {**records[1], "id": "f" * 32, "rev": 2, "prev": records[0]["id"]}  # hides the label of unit 1
    log.write_text("".join(json.dumps(record) + "\n" for record in [*records, moved]))
    assert run("--out", "out") == 1
    err = capsys.readouterr().err
    assert "the store has 1 problem, 1 label with a broken revision history; fix them before exporting" in err
    assert "bob.jsonl:7: prev" in err
    assert not Path("out").exists()


def test_a_hidden_folder_left_by_an_interrupted_export_is_named(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    leftover = Path(f".out.export-{'0' * 32}")
    leftover.mkdir()
    assert run("--out", "out") == 0
    assert (
        f"annotator: {leftover}: a hidden folder left by an export that was interrupted; nothing uses it (delete it)"
        in capsys.readouterr().err
    )
    assert leftover.is_dir()


def test_gold_from_the_dawid_skene_model_has_a_confidence_column(project: Path) -> None:
    """A third annotator who sides with alice makes her value the model's gold on the six units."""
    corpus = load_corpus([project / "seeds"])
    with AnnotationLog.open(project / "annotations", "cy") as log:
        for unit in corpus.units()[:6]:
            doc = corpus.document(unit.doc)
            log.append(unit, doc_sha256=doc.sha256, schema="factcheck", schema_version=1, labels=CHECK, status="done")
    assert run("--out", "dataset", "--gold", "dawid-skene", "--split", "train=1", "--format", "parquet") == 0
    rows = pq.read_table(project / "dataset" / "data" / "train.parquet").to_pylist()
    assert [row["checkworthiness"] for row in rows] == ["check"] * 6
    assert {row["checkworthiness_resolution"] for row in rows} == {"dawid_skene"}
    assert all(0.5 < row["checkworthiness_confidence"] <= 1 for row in rows)
    assert "source_confidence" not in rows[0]  # free text is decided by the votes
    assert rows[0]["source_resolution"] == "unanimous"  # alice and cy; bob was not asked
    card = (project / "dataset" / "README.md").read_text()
    assert 'name: "checkworthiness_confidence"\n    dtype: float64' in card
    assert "`dawid_skene`" in card and "gold: dawid_skene" in card
