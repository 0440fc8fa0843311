"""Export building blocks: split parsing and assignment, CSV neutralising, encodings, the output folder."""

from __future__ import annotations

import csv
import errno
import hashlib
import io
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest

from annotator import __version__
from annotator.corpus.document import Corpus, Unit
from annotator.corpus.load import load_corpus
from annotator.dataset.build import (
    Dataset,
    ExportError,
    ExportOptions,
    build_dataset,
    column_kinds,
    columns,
)
from annotator.dataset.folder import check_out_dir, export, interrupted_exports, write_folder
from annotator.dataset.formats import (
    FORMATS,
    ROW_FORMATS,
    encode_csv,
    encode_jsonl,
    encode_parquet,
    import_pyarrow,
    neutralise,
)
from annotator.dataset.splits import DEFAULT_SPLITS, assign_splits, parse_splits
from annotator.errors import DataProblems, UserError
from annotator.schema.load import load_schema, read_schema_file
from annotator.store.log import AnnotationLog
from annotator.text import printable
from tests.conftest import REPO, SCHEMA


def test_parse_splits_keeps_the_order_given() -> None:
    assert parse_splits("train=0.8,dev=0.1,test=0.1") == [("train", 0.8), ("dev", 0.1), ("test", 0.1)]
    assert parse_splits(" all = 1 ") == [("all", 1.0)]


def test_the_default_split_spec_is_the_default_options_splits() -> None:
    assert DEFAULT_SPLITS == "train=0.8,dev=0.1,test=0.1"
    assert tuple(parse_splits(DEFAULT_SPLITS)) == ExportOptions().splits


def test_column_kinds_type_the_unit_columns_and_every_multi_column_as_a_list() -> None:
    schema = load_schema(SCHEMA)
    kinds = column_kinds(schema, columns(schema, ["alice"], include_annotators=True))
    assert {name: kind for name, kind in kinds.items() if kind != "string"} == {
        "start": "int64", "end": "int64", "annotators": "int64", "resolved": "bool",
        "claim_type": "list", "claim_type@alice": "list", "flags": "list", "flags@alice": "list",
    }  # fmt: skip
    assert kinds["doc"] == kinds["claim_type_resolution"] == kinds["checkworthiness@alice"] == "string"


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("train=0.8,test=0.1", "add up to 0.9"),
        ("train=0.5,train=0.5", "given twice"),
        ("train", "not NAME=SHARE"),
        ("tr ain=1", "not NAME=SHARE"),
        ("train=lots", "not a number"),
        ("train=1,test=0", "above 0"),
        ("train=1.5,test=-0.5", "above 0"),
    ],
)
def test_parse_splits_refuses_bad_specs(spec: str, message: str) -> None:
    with pytest.raises(UserError, match=message):
        parse_splits(spec)


def test_split_assignment_is_by_document_and_follows_the_shares() -> None:
    docs = {f"doc{index:03d}": 1 for index in range(100)}
    assigned = assign_splits(docs, parse_splits("train=0.8,dev=0.1,test=0.1"), seed=0)
    assert set(assigned) == set(docs)
    counts = {name: sum(1 for split in assigned.values() if split == name) for name in ("train", "dev", "test")}
    assert counts == {"train": 80, "dev": 10, "test": 10}


def test_split_assignment_depends_on_the_seed_only() -> None:
    docs = {f"doc{index}": index % 7 + 1 for index in range(40)}
    splits = parse_splits("train=0.5,test=0.5")
    first = assign_splits(docs, splits, seed=3)
    assert assign_splits(dict(reversed(list(docs.items()))), splits, seed=3) == first
    assert assign_splits(docs, splits, seed=4) != first


def test_a_large_document_is_never_cut() -> None:
    docs = {"big": 90, "small": 10}
    assigned = assign_splits(docs, parse_splits("train=0.5,test=0.5"), seed=0)
    assert assigned["big"] in ("train", "test") and assigned["small"] in ("train", "test")


@pytest.mark.parametrize(
    "cell",
    [
        "=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\r=1", '=HYPERLINK("http://x")',
        # a spreadsheet reads these as formulas too: fullwidth signs, and what it skips before one
        "\uff1d1+1", "\uff0b1", "\uff0d1", "\uff20SUM(A1)", " =1", "\x00=1", "\u00a0=1", "\u200b=1", "\ufeff=1", "\u2060@x", " \u3000\u200d-1",
    ],
)  # fmt: skip
def test_formula_cells_are_neutralised(cell: str) -> None:
    assert neutralise(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["plain", "a=b", "", "'quoted", "1-2", " x=1", "\u200b", "\x00a"])
def test_other_cells_are_left_alone(cell: str) -> None:
    assert neutralise(cell) == cell


def test_csv_neutralises_text_and_list_cells_and_reads_back() -> None:
    names = ["doc", "start", "text", "resolved", "flags", "note"]
    rows = [
        {"doc": "=cmd|' /C calc'!A0", "start": 0, "text": "-5 dead", "resolved": True, "flags": ["a", "b"], "note": None},
        {"doc": "d", "start": 7, "text": "fine", "resolved": False, "flags": None, "note": "@mention"},
    ]
    read = list(csv.reader(io.StringIO(encode_csv(rows, names).decode("utf-8-sig"), newline="")))
    assert read[0] == names
    assert read[1] == ["'=cmd|' /C calc'!A0", "0", "'-5 dead", "true", "a;b", ""]
    assert read[2] == ["d", "7", "fine", "false", "", "'@mention"]


def test_parquet_round_trips() -> None:
    pa, pq = import_pyarrow()
    schema = load_schema(SCHEMA)
    names = ["doc", "start", "end", "resolved", "annotators", "claim_type", "checkworthiness", "claim_type@ann"]
    rows = [
        {
            "doc": "d",
            "start": 0,
            "end": 5,
            "resolved": True,
            "annotators": 2,
            "claim_type": ["event", "quantity"],
            "checkworthiness": "check",
            "claim_type@ann": ["event"],
        },
        {
            "doc": "d",
            "start": 6,
            "end": 9,
            "resolved": False,
            "annotators": 1,
            "claim_type": None,
            "checkworthiness": None,
            "claim_type@ann": None,
        },
    ]
    table = pq.read_table(pa.BufferReader(encode_parquet(rows, schema, names)))
    assert table.column_names == names
    assert table.to_pylist() == rows
    assert table.schema.field("claim_type").type == pa.list_(pa.string())
    assert encode_parquet(rows, schema, names) == encode_parquet(rows, schema, names)


def test_parquet_without_pyarrow_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    with pytest.raises(ExportError, match=r"pip install 'annotator\[parquet\]'"):
        import_pyarrow()


def _previous_export(out: Path, extra: dict[str, bytes] | None = None, listed: dict[str, str] | None = None) -> dict[str, bytes]:
    """A folder as an export leaves it: its files, and a manifest listing each with its sha256."""
    files = {"README.md": b"card", "factcheck.v1.json": b"{}", "data/train.jsonl": b"{}\n", "data/test.jsonl": b"{}\n"}
    outputs = {name: hashlib.sha256(data).hexdigest() for name, data in files.items()} | (listed or {})
    manifest = {"tool": "annotator", "schema": {"file": "factcheck.v1.json"}, "outputs": outputs}
    files = {**files, "manifest.json": orjson.dumps(manifest), **(extra or {})}
    write_folder(out, files)
    return files


def test_out_may_be_new_empty_or_a_previous_export(tmp_path: Path) -> None:
    check_out_dir(tmp_path / "new")
    (tmp_path / "empty").mkdir()
    check_out_dir(tmp_path / "empty")
    _previous_export(tmp_path / "previous")
    check_out_dir(tmp_path / "previous")


def test_out_with_user_files_is_refused(tmp_path: Path) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.tex").write_text("precious")
    with pytest.raises(ExportError, match="not an export of this tool"):
        check_out_dir(tmp_path / "mine")
    _previous_export(tmp_path / "previous", {"notes.txt": b"mine", "data/mine.csv": b"mine"})
    with pytest.raises(ExportError, match=r"not part of the previous export \(notes.txt, data/mine.csv\)"):
        check_out_dir(tmp_path / "previous")
    (tmp_path / "file").write_text("x")
    with pytest.raises(ExportError, match="not a folder"):
        check_out_dir(tmp_path / "file")


def test_a_folder_of_empty_folders_is_no_export(tmp_path: Path) -> None:
    for name in ("a", "b/c", "data"):
        (tmp_path / "out" / name).mkdir(parents=True)
    with pytest.raises(ExportError, match="is not an export of this tool"):
        check_out_dir(tmp_path / "out")


def test_a_manifest_that_lists_other_files_is_refused(tmp_path: Path) -> None:
    """A manifest listing the user's files would let the export replace them."""
    thesis = b"my thesis"
    _previous_export(tmp_path / "out", {"thesis.tex": thesis}, {"thesis.tex": hashlib.sha256(thesis).hexdigest()})
    with pytest.raises(ExportError, match=r"lists files an export does not make \(thesis\.tex\)"):
        check_out_dir(tmp_path / "out")
    for name in ("../x", "data/../../x", "/etc/passwd", "data/sub/x.jsonl", ".hidden"):
        _previous_export(tmp_path / name.replace("/", "_"), listed={name: "0" * 64})
        with pytest.raises(ExportError, match="lists files an export does not make"):
            check_out_dir(tmp_path / name.replace("/", "_"))


@pytest.mark.parametrize("edited", ["README.md", "data/train.jsonl", "factcheck.v1.json"])
def test_hand_edited_or_missing_export_files_are_refused(tmp_path: Path, edited: str) -> None:
    _previous_export(tmp_path / "out")
    (tmp_path / "out" / edited).write_bytes(b"edited by hand")
    with pytest.raises(ExportError, match=re.escape(f"{edited}: changed or missing since it was exported")):
        check_out_dir(tmp_path / "out")
    (tmp_path / "out" / edited).unlink()
    with pytest.raises(ExportError, match="changed or missing"):
        check_out_dir(tmp_path / "out")


def test_a_symlink_in_place_of_out_or_of_an_export_file_is_refused(tmp_path: Path) -> None:
    _previous_export(tmp_path / "real")
    (tmp_path / "link").symlink_to(tmp_path / "real")
    with pytest.raises(ExportError, match="is a symbolic link"):
        check_out_dir(tmp_path / "link")
    card = tmp_path / "real" / "README.md"
    (tmp_path / "card").write_bytes(card.read_bytes())
    card.unlink()
    card.symlink_to(tmp_path / "card")
    with pytest.raises(ExportError, match=r"README\.md: changed or missing"):
        check_out_dir(tmp_path / "real")


def test_the_root_and_the_home_folder_are_refused_without_reading_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    listed: list[object] = []
    monkeypatch.setattr(os, "listdir", lambda path=".": listed.append(path) or [])
    with pytest.raises(ExportError, match="is the root folder"):
        check_out_dir(Path("/"))
    with pytest.raises(ExportError, match="is your home folder"):
        check_out_dir(tmp_path / "sub" / "..")
    assert listed == []


def test_a_new_export_replaces_the_previous_one_whole(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_folder(out, {"a.txt": b"old", "data/old.jsonl": b"old"})
    write_folder(out, {"a.txt": b"new"})
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == ["a.txt"]
    assert (out / "a.txt").read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    (tmp_path / "usual").mkdir()
    assert out.stat().st_mode == (tmp_path / "usual").stat().st_mode  # not a private temp folder's 0700


def test_a_failed_write_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import annotator.dataset.folder as export_module

    real = export_module._write_synced

    def fail_on_second(path: Path, data: bytes) -> None:
        if path.name == "second":
            raise OSError(28, "No space left on device")
        real(path, data)

    monkeypatch.setattr(export_module, "_write_synced", fail_on_second)
    write_folder_args = {"first": b"1", "second": b"2"}
    with pytest.raises(OSError):
        write_folder(tmp_path / "out", write_folder_args)
    assert list(tmp_path.iterdir()) == []


def folder_files(out: Path) -> dict[str, bytes]:
    return {path.relative_to(out).as_posix(): path.read_bytes() for path in sorted(out.rglob("*")) if path.is_file()}


def fail_with(code: int) -> object:
    def failing(*args: object) -> None:
        raise OSError(code, os.strerror(code), str(args[0]))

    return failing


@pytest.mark.parametrize("where", ["exchange", "rename"])
def test_a_failed_swap_leaves_the_previous_export_whole_and_no_hidden_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    """The swap fails (EIO); or, where the system cannot swap, the rename into place fails."""
    import annotator.dataset.folder as export_module

    out = tmp_path / "out"
    previous = _previous_export(out)
    if where == "exchange":
        monkeypatch.setattr(export_module, "exchange", fail_with(errno.EIO))
    else:
        monkeypatch.setattr(export_module, "exchange", lambda first, second: False)
        real_rename = os.rename
        monkeypatch.setattr(
            os, "rename", lambda a, b: fail_with(errno.EIO)(a) if Path(a).name.startswith(".out.export-") else real_rename(a, b)
        )
    dataset_files = {"README.md": b"new card", "manifest.json": b"{}"}
    with pytest.raises(OSError, match="Input/output error"):
        write_folder(out, dataset_files)
    assert folder_files(out) == previous
    assert [path.name for path in tmp_path.iterdir()] == ["out"]


def test_an_os_error_is_a_message_naming_the_path_and_exit_2(
    tmp_path: Path, corpus_dir: Path, store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import annotator.dataset.folder as export_module

    export_to(tmp_path / "out", corpus_dir, store)
    before = folder_files(tmp_path / "out")
    monkeypatch.setattr(export_module, "exchange", fail_with(errno.ENOSPC))
    with pytest.raises(ExportError) as raised:
        export_to(tmp_path / "out", corpus_dir, store, seed=3)
    assert f"cannot write the export to {tmp_path / 'out'}" in str(raised.value) and "No space left on device" in str(raised.value)
    assert raised.value.exit_code == 2
    assert folder_files(tmp_path / "out") == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["annotations", "corpus", "out"]


KILLED_EXPORT = """
import sys
from pathlib import Path
from annotator.dataset.folder import write_folder
from tests.unit.dataset.test_export import export_files

out = Path(sys.argv[1])
for round in range(10**6):
    write_folder(out, export_files(round % 2))
    print(round, flush=True)
"""


def export_files(version: int) -> dict[str, bytes]:
    """A previous export's files, large enough for a kill to land in the middle of writing them."""
    files = {
        "README.md": b"card %d" % version,
        "s.json": b"{}",
        **{f"data/{split}.jsonl": bytes([97 + version]) * 2**18 for split in ("train", "dev", "test")},
    }
    manifest = {
        "tool": "annotator",
        "schema": {"file": "s.json"},
        "outputs": {name: hashlib.sha256(data).hexdigest() for name, data in files.items()},
    }
    return {**files, "manifest.json": orjson.dumps(manifest)}


def export_kills(tmp_path: Path, rng: random.Random, count: int) -> str:
    """`count` kills of a child exporting in a loop, each checked: --out holds a whole export. What
    was found."""
    out = tmp_path / "out"
    write_folder(out, export_files(1))
    found_versions = [0, 0]
    for _kill in range(count):
        child = subprocess.Popen([sys.executable, "-c", KILLED_EXPORT, str(out)], cwd=REPO, stdout=subprocess.PIPE)
        assert child.stdout is not None
        for _round in range(rng.choice((1, 2))):  # the export in place is then version 0 or 1
            child.stdout.readline()
        time.sleep(rng.uniform(0, 0.05))
        child.send_signal(signal.SIGKILL)
        child.communicate()
        check_out_dir(out)  # a whole export, as its manifest lists it
        found = folder_files(out)
        assert found in (export_files(0), export_files(1))
        found_versions[found == export_files(1)] += 1
        for leftover in tmp_path.iterdir():
            if leftover != out:
                shutil.rmtree(leftover)  # what a kill in the middle leaves, hidden; the command names it
    return f"{count} kills of an export: --out whole every time (version 0 {found_versions[0]} times, version 1 {found_versions[1]})"


def test_a_kill_at_any_moment_leaves_the_whole_previous_or_the_whole_new_export(tmp_path: Path) -> None:
    print("\n" + export_kills(tmp_path, random.Random(11), 6))


def test_a_killed_export_leaves_a_hidden_folder_the_next_one_names(tmp_path: Path) -> None:
    out = tmp_path / "out"
    leftover = tmp_path / f".out.export-{'a' * 32}"
    leftover.mkdir()
    (tmp_path / ".other.export-x").mkdir()
    assert interrupted_exports(out) == [leftover]


# -- round trips through a real store ----------------------------------------------------------

CHECK = {
    "checkworthiness": "check",
    "source_type": "official_named",
    "source": "the ministry",
    "claim_type": ["event", "quantity"],
    "verifiability": "public",
    "hedging": "asserted",
}
NO_CLAIM = {"checkworthiness": "no_claim"}
DOCS = {
    f"doc{index}": f"Report {index} opens here.\n\nThe first claim of report {index}. The second claim of report {index}.\n"
    for index in range(6)
}
DOCS["formulas"] = '=HYPERLINK("http://example.invalid")\n\n-5 degrees were measured. @all read this.\n'


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for doc, text in DOCS.items():
        (folder / f"{doc}.txt").write_text(text, encoding="utf-8")
    return folder


def label(store: Path, annotator: str, corpus: Corpus, unit: Unit, labels: dict, **extra: object) -> None:
    with AnnotationLog.open(store, annotator) as log:
        log.append(
            unit,
            doc_sha256=corpus.document(unit.doc).sha256,
            schema="factcheck",
            schema_version=1,
            labels=labels,
            status=str(extra.pop("status", "done")),
            **extra,
        )


@pytest.fixture
def store(tmp_path: Path, corpus_dir: Path) -> Path:
    """alice and bob label every unit no_claim; five units tell the resolution paths apart."""
    folder = tmp_path / "annotations"
    corpus = load_corpus([corpus_dir])
    for unit in corpus.units():
        for annotator in ("alice", "bob"):
            label(folder, annotator, corpus, unit, NO_CLAIM)
    majority, split, adjudicated, single, skipped = corpus.document("doc0").units[:3] + corpus.document("doc1").units[:2]
    label(folder, "alice", corpus, majority, CHECK)
    label(folder, "bob", corpus, majority, CHECK)
    label(folder, "carol", corpus, majority, NO_CLAIM)
    label(folder, "alice", corpus, split, CHECK)
    label(folder, "rev", corpus, adjudicated, {**CHECK, "note": "wire confirms"}, kind="adjudication")
    label(folder, "bob", corpus, single, {}, status="retracted")
    label(folder, "alice", corpus, skipped, {}, status="skipped")
    label(folder, "bob", corpus, skipped, NO_CLAIM, status="flagged")
    return folder


def export_to(out: Path, corpus_dir: Path, store: Path, **options: object) -> Dataset:
    corpus = load_corpus([corpus_dir])
    dataset = build_dataset(read_schema_file(SCHEMA), corpus, store, ExportOptions(**options))
    export(out, dataset)
    return dataset


def read_jsonl(out: Path) -> dict[str, list[dict]]:
    return {
        path.stem: [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        for path in sorted((out / "data").glob("*.jsonl"))
    }


def by_text(rows: list[dict]) -> dict[str, dict]:
    return {row["text"]: row for row in rows}


def test_jsonl_round_trip_gives_every_unit_its_gold_label(tmp_path: Path, corpus_dir: Path, store: Path) -> None:
    export_to(tmp_path / "out", corpus_dir, store, include_annotators=True)
    rows = by_text([row for rows in read_jsonl(tmp_path / "out").values() for row in rows])
    corpus = load_corpus([corpus_dir])
    assert len(rows) == len(corpus.units()) - 1  # but the one only skipped and flagged
    assert "The first claim of report 1." not in rows
    majority = rows["Report 0 opens here."]
    assert (majority["checkworthiness"], majority["checkworthiness_resolution"]) == ("check", "majority")
    assert majority["claim_type"] == ["event", "quantity"]
    assert majority["annotators"] == 3 and majority["resolved"] is True
    assert majority["checkworthiness@carol"] == "no_claim"
    assert majority["claim_type@carol"] is None
    split = rows["The first claim of report 0."]
    assert (split["checkworthiness"], split["checkworthiness_resolution"], split["resolved"]) == (None, "unresolved", False)
    assert split["claim_type_resolution"] == "unresolved"
    adjudicated = rows["The second claim of report 0."]
    assert (adjudicated["checkworthiness"], adjudicated["checkworthiness_resolution"]) == ("check", "adjudicated")
    assert adjudicated["hedging_resolution"] == "adjudicated"
    assert (adjudicated["note"], adjudicated["note_resolution"]) == ("wire confirms", "adjudicated")
    single = rows["Report 1 opens here."]
    assert (single["checkworthiness"], single["checkworthiness_resolution"], single["annotators"]) == ("no_claim", "single", 1)
    assert single["claim_type_resolution"] == "not_applicable"
    calm = rows["Report 2 opens here."]
    assert (calm["checkworthiness"], calm["checkworthiness_resolution"]) == ("no_claim", "unanimous")
    assert calm["doc"] == "doc2" and DOCS["doc2"][calm["start"] : calm["end"]] == calm["text"]


def test_rows_hold_the_columns_in_order(tmp_path: Path, corpus_dir: Path, store: Path) -> None:
    dataset = export_to(tmp_path / "out", corpus_dir, store)
    row = next(iter(read_jsonl(tmp_path / "out").values()))[0]
    assert list(row) == dataset.columns
    assert dataset.columns[:8] == ["doc", "start", "end", "text", "resolved", "annotators", "checkworthiness", "checkworthiness_resolution"]


def test_no_document_is_in_two_splits(tmp_path: Path, corpus_dir: Path, store: Path) -> None:
    export_to(tmp_path / "out", corpus_dir, store, splits=(("train", 0.5), ("dev", 0.25), ("test", 0.25)))
    docs = {split: {row["doc"] for row in rows} for split, rows in read_jsonl(tmp_path / "out").items()}
    assert len(docs) >= 2
    for split, names in docs.items():
        for other, other_names in docs.items():
            assert split == other or not names & other_names


def test_the_same_inputs_give_the_same_bytes(tmp_path: Path, corpus_dir: Path, store: Path) -> None:
    for fmt in FORMATS:
        first, second = tmp_path / f"{fmt}-1", tmp_path / f"{fmt}-2"
        export_to(first, corpus_dir, store, format=fmt, include_annotators=True)
        export_to(second, corpus_dir, store, format=fmt, include_annotators=True)
        export_to(second, corpus_dir, store, format=fmt, include_annotators=True)  # over the previous export
        assert _files(first) == _files(second)
        assert len(_files(first)) >= 4


def _files(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def test_manifest_hashes_every_input_and_output(tmp_path: Path, corpus_dir: Path, store: Path) -> None:
    dataset = export_to(tmp_path / "out", corpus_dir, store)
    files = _files(tmp_path / "out")
    manifest = json.loads(files.pop("manifest.json"))
    assert manifest["outputs"] == {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
    assert "factcheck.v1.json" in files and files["factcheck.v1.json"] == SCHEMA.read_bytes()
    annotations = {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in store.glob("*.jsonl")}
    assert manifest["inputs"]["annotations"] == annotations
    assert manifest["schema"] == {
        "name": "factcheck",
        "version": 1,
        "file": "factcheck.v1.json",
        "sha256": hashlib.sha256(SCHEMA.read_bytes()).hexdigest(),
    }
    assert manifest["tool_version"] == __version__
    assert {split: counts["rows"] for split, counts in manifest["splits"].items()} == {
        split: len(rows) for split, rows in dataset.splits.items()
    }
    assert manifest["counts"]["unresolved_units"] == 1


def test_csv_round_trip_neutralises_formula_text(tmp_path: Path, corpus_dir: Path, store: Path) -> None:
    export_to(tmp_path / "out", corpus_dir, store, format="csv")
    rows = []
    for path in sorted((tmp_path / "out" / "data").glob("*.csv")):
        with open(path, encoding="utf-8-sig", newline="") as handle:
            rows += list(csv.DictReader(handle))
    texts = {row["text"] for row in rows}
    assert '\'=HYPERLINK("http://example.invalid")' in texts
    assert "'-5 degrees were measured." in texts
    assert "'@all read this." in texts
    majority = next(row for row in rows if row["text"] == "Report 0 opens here.")
    assert (majority["claim_type"], majority["resolved"], majority["hedging"]) == ("event;quantity", "true", "asserted")
    assert majority["note"] == ""


def test_resolved_only_leaves_unresolved_units_out_and_the_card_counts_them(tmp_path: Path, corpus_dir: Path, store: Path) -> None:
    everything = export_to(tmp_path / "all", corpus_dir, store)
    resolved = export_to(tmp_path / "resolved", corpus_dir, store, resolved_only=True)
    assert len(everything.rows) - len(resolved.rows) == 1
    assert all(row["resolved"] for rows in read_jsonl(tmp_path / "resolved").values() for row in rows)
    card = (tmp_path / "resolved" / "README.md").read_text(encoding="utf-8")
    assert "| unresolved units, left out (--resolved-only) | 1 |" in card
    assert f"| rows exported | {len(resolved.rows)} |" in card


def test_the_card_header_declares_each_non_empty_split(tmp_path: Path, corpus_dir: Path, store: Path) -> None:
    dataset = export_to(tmp_path / "out", corpus_dir, store, splits=(("train", 0.9), ("test", 0.1)))
    card = (tmp_path / "out" / "README.md").read_text(encoding="utf-8")
    header = card.split("\n---\n", 1)[0] + "\n---"
    entries = "".join(f"  - split: {split}\n    path: data/{split}.jsonl\n" for split, rows in dataset.splits.items() if rows)
    assert header.startswith(
        "---\n"
        'pretty_name: "Fact-check annotation of news sentences"\n'
        "task_categories:\n- text-classification\n"
        "size_categories:\n- n<1K\n"
        "configs:\n- config_name: default\n  data_files:\n" + entries + "dataset_info:\n  features:\n"
    )
    for field in load_schema(SCHEMA).fields:
        assert f"(`{field.id}`)" in card
    assert "## Agreement" in card and "Krippendorff's alpha" in card
    assert "## How the data was made" in card


@pytest.mark.parametrize(("fmt", "claim_type"), [("jsonl", "sequence: string"), ("csv", "dtype: string")])
def test_the_card_header_types_every_column(tmp_path: Path, corpus_dir: Path, store: Path, fmt: str, claim_type: str) -> None:
    dataset = export_to(tmp_path / "out", corpus_dir, store, format=fmt, include_annotators=True)
    header = (tmp_path / "out" / "README.md").read_text(encoding="utf-8").split("\n---\n", 1)[0]
    features = header.split("  features:\n", 1)[1]
    assert features.count("  - name: ") == len(dataset.columns)
    assert '  - name: "start"\n    dtype: int64\n' in features
    assert '  - name: "resolved"\n    dtype: bool\n' in features
    assert f'  - name: "claim_type"\n    {claim_type}\n' in features
    assert f'  - name: "claim_type@alice"\n    {claim_type}\n' in features
    assert '  - name: "claim_type_resolution"\n    dtype: string\n' in features


def test_stale_labels_are_reported_and_counted(tmp_path: Path, corpus_dir: Path, store: Path) -> None:
    (corpus_dir / "doc3.txt").write_text("Report 3 opens here.\n\nAll new text.\n", encoding="utf-8")
    dataset = export_to(tmp_path / "out", corpus_dir, store)
    reasons = [problem.reason for problem in dataset.left_out]
    assert len(reasons) == 4  # two sentences, two annotators
    assert all("left out: sentence text no longer in the document" in reason for reason in reasons)
    assert {Path(problem.path).name for problem in dataset.left_out} == {"alice.jsonl", "bob.jsonl"}
    card = (tmp_path / "out" / "README.md").read_text(encoding="utf-8")
    assert "| labels left out (stale or not fitting the schema, listed below) | 4 |" in card


def test_a_damaged_store_stops_the_export(tmp_path: Path, corpus_dir: Path, store: Path) -> None:
    with open(store / "alice.jsonl", "ab") as handle:
        handle.write(b"{not json}\n")
    with pytest.raises(DataProblems, match=r"alice.jsonl:\d+: not valid JSON"):
        export_to(tmp_path / "out", corpus_dir, store)
    assert not (tmp_path / "out").exists()


def test_nothing_to_export_is_an_error(tmp_path: Path, corpus_dir: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataProblems, match="nothing to export"):
        export_to(tmp_path / "out", corpus_dir, tmp_path / "empty")


def test_datasets_loads_the_export(tmp_path: Path, corpus_dir: Path, store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import datasets  # in the test extra: a broken install fails here instead of skipping
    import tqdm

    # datasets' progress bars would start tqdm's monitor thread, which outlives the test and keeps
    # segment_many (and its test) from forking a process pool for the rest of the suite.
    monkeypatch.setattr(tqdm.tqdm, "monitor_interval", 0)
    for fmt in ROW_FORMATS:
        out = tmp_path / fmt
        dataset = export_to(out, corpus_dir, store, format=fmt, splits=(("train", 0.5), ("test", 0.5)), seed=2)
        assert dataset.split_documents["test"][0] == "doc0"  # the only note is in the split read second
        loaded = datasets.load_dataset(str(out), cache_dir=str(tmp_path / "hf-cache"))
        assert {split: loaded[split].num_rows for split in loaded} == {split: len(rows) for split, rows in dataset.splits.items() if rows}
        rows = by_text([row for split in loaded for row in loaded[split]])
        assert loaded["train"].column_names == dataset.columns
        majority = rows["Report 0 opens here."]
        assert majority["claim_type"] == ("event;quantity" if fmt == "csv" else ["event", "quantity"])
        assert (majority["start"], majority["resolved"], majority["note"]) == (0, True, None)
        assert rows["The second claim of report 0."]["note"] == "wire confirms"


def test_jsonl_rows_stay_one_line_each_for_readers_that_split_on_unicode_line_breaks() -> None:
    rows = [{"text": "NEL\x85 LS\u2028 PS\u2029 end", "note": "\u2028"}, {"text": "plain"}]
    lines = encode_jsonl(rows).decode("utf-8").splitlines()
    assert [json.loads(line) for line in lines] == rows


def raw_controls(text: str) -> set[str]:
    """The characters of `text` that a terminal would act on (escapes, bidi, zero width), as
    `text.printable` knows them; line ends and tabs are layout."""
    return {char for char in set(text) - set("\r\n\t") if printable(char) != char}


HOSTILE = "\x1b[31mred\x1b[0m \x1b]0;title\x07 \u202egnp.exe \u200b\x9b2J"


def hostile_schema(folder: Path, name: str) -> Path:
    """The default schema with terminal escapes and Markdown in every text a person wrote."""
    data = json.loads(SCHEMA.read_text(encoding="utf-8"))
    data["title"] = f"Fact | check {HOSTILE} <b>"
    data["description"] = f"# Not a heading\n\n{HOSTILE} [link](javascript:x) `code`"
    for field in data["fields"]:
        field["label"] = f"{field['label']} {HOSTILE}"
        field["description"] = f"{field['description']} {HOSTILE} |"
        for value in field.get("values", []):
            value["label"] = f"{value['label']} {HOSTILE}"
            value["description"] = f"{value['description']} {HOSTILE}"
    path = folder / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_the_card_and_the_csv_carry_no_raw_terminal_escapes(tmp_path: Path, fmt: str) -> None:
    import yaml

    corpus_dir = tmp_path / "corpus"
    corpus_dir.mkdir()
    (corpus_dir / "doc.txt").write_text(f"A report {HOSTILE} ends here.\n\nThe second claim.\n", encoding="utf-8")
    corpus = load_corpus([corpus_dir])
    for unit in corpus.units():
        label(tmp_path / "annotations", "alice", corpus, unit, {**CHECK, "note": f"=cmd {HOSTILE}"})
    schema_path = hostile_schema(tmp_path, "fact`\x1b[2Jcheck.json")
    dataset = build_dataset(
        read_schema_file(schema_path), corpus, tmp_path / "annotations", ExportOptions(format=fmt, include_annotators=True)
    )
    files = export(tmp_path / "out", dataset)
    card = files["README.md"].decode("utf-8")
    assert raw_controls(card) == set()
    assert yaml.safe_load(card.split("---\n")[1])["pretty_name"] == f"Fact | check {HOSTILE} <b>"
    body = card.split("---\n", 2)[2]
    assert "\n# Not a heading" not in body and "<b>" not in body and "\\<b\\>" in body
    if fmt == "csv":
        data = files["data/train.csv"].decode("utf-8-sig")
        assert raw_controls(data) == set()
        assert "'=cmd" in data and "\u241b[31mred" in data


@pytest.mark.parametrize("name", ["README.md", "manifest.json", "readme.MD", "data"])
def test_a_schema_file_named_like_an_export_file_does_not_overwrite_it(tmp_path: Path, corpus_dir: Path, store: Path, name: str) -> None:
    folder = tmp_path / "schemas"
    folder.mkdir()
    schema_path = folder / name
    schema_path.write_bytes(SCHEMA.read_bytes())
    dataset = build_dataset(read_schema_file(schema_path), load_corpus([corpus_dir]), store, ExportOptions())
    export(tmp_path / "out", dataset)
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_bytes())
    assert manifest["schema"]["file"] == f"schema-{name}"
    assert (tmp_path / "out" / f"schema-{name}").read_bytes() == SCHEMA.read_bytes()
    assert (tmp_path / "out" / "README.md").read_text(encoding="utf-8").startswith("---\npretty_name:")
    check_out_dir(tmp_path / "out")


def test_the_manifest_hashes_the_bytes_the_export_read(
    tmp_path: Path, corpus_dir: Path, store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file changed while the export runs (an editor, a git pull): the manifest hashes what the
    labels and the schema copy come from, not a second read."""
    import annotator.files
    import annotator.schema.load

    schema_path = tmp_path / "factcheck.v1.json"
    schema_path.write_bytes(SCHEMA.read_bytes())
    originals = {path.name: path.read_bytes() for path in [schema_path, *sorted(store.glob("*.jsonl"))]}
    real_path_read, real_read = Path.read_bytes, annotator.files.read_bytes

    def then_change(data: bytes, path: Path) -> bytes:
        if path.name in originals and path.exists():
            path.write_bytes(data + b"\n" if path.suffix == ".json" else data + line_of_record(data))
        return data

    monkeypatch.setattr(Path, "read_bytes", lambda path: then_change(real_path_read(path), path))
    monkeypatch.setattr(annotator.schema.load, "read_bytes", lambda path: then_change(real_read(path), Path(path)))
    dataset = build_dataset(read_schema_file(schema_path), load_corpus([corpus_dir]), store, ExportOptions())
    monkeypatch.undo()
    files = export(tmp_path / "out", dataset)
    manifest = json.loads(files["manifest.json"])
    assert manifest["inputs"]["annotations"] == {
        name: hashlib.sha256(data).hexdigest() for name, data in originals.items() if name.endswith(".jsonl")
    }
    assert manifest["schema"]["sha256"] == hashlib.sha256(originals["factcheck.v1.json"]).hexdigest()
    assert files["factcheck.v1.json"] == originals["factcheck.v1.json"]


def line_of_record(data: bytes) -> bytes:
    """Another copy of the file's last record, as a second read would find it."""
    return data.splitlines()[-1] + b"\n"


# -- what a new user found -----------------------------------------------------------------------


def all_rows(out: Path) -> dict[str, dict]:
    return by_text([row for rows in read_jsonl(out).values() for row in rows])


def test_an_agreed_empty_multi_choice_is_an_empty_list_and_the_card_counts_it_apart(tmp_path: Path, corpus_dir: Path, store: Path) -> None:
    """`flags` asked of both and left empty by both: agreed on no flag, which is `[]`; an unresolved
    `flags` stays null, and the card's distribution does not lump the two together."""
    export_to(tmp_path / "out", corpus_dir, store)
    rows = all_rows(tmp_path / "out")
    calm = rows["Report 2 opens here."]
    assert (calm["flags"], calm["flags_resolution"]) == ([], "unanimous")
    split = rows["The first claim of report 0."]
    assert (split["claim_type"], split["claim_type_resolution"]) == (None, "unresolved")
    card = (tmp_path / "out" / "README.md").read_text(encoding="utf-8")
    for field_id in ("flags", "claim_type"):
        counts = card.split(f"### `{field_id}`", 1)[1].split("###", 1)[0]
        agreed_empty = sum(1 for row in rows.values() if row[field_id] == [])
        no_gold = sum(1 for row in rows.values() if row[field_id] is None)
        assert f"| (none) | agreed: none of the values | {agreed_empty} |" in counts
        assert f"| (no gold) | no gold value (unresolved or not asked) | {no_gold} |" in counts
    assert all(row["flags"] == [] for row in rows.values())  # nobody ticked one, the reviewer neither
    assert sum(1 for row in rows.values() if row["claim_type"] is None) == len(rows) - 2  # not asked, or unresolved


def test_with_annotators_each_annotators_status_is_in_the_row(tmp_path: Path, corpus_dir: Path, store: Path) -> None:
    """bob retracted `Report 1 opens here.` (no label), alice skipped and bob flagged the unit after it."""
    corpus = load_corpus([corpus_dir])
    unit = corpus.document("doc1").units[1]
    label(store, "carol", corpus, unit, NO_CLAIM)  # a row for the unit the other two skipped and flagged
    export_to(tmp_path / "out", corpus_dir, store, include_annotators=True)
    rows = all_rows(tmp_path / "out")
    skipped = rows[unit.text]
    assert (skipped["status@alice"], skipped["status@bob"], skipped["status@carol"]) == ("skipped", "flagged", "done")
    assert skipped["checkworthiness@alice"] is None and skipped["checkworthiness@bob"] is None
    retracted = rows["Report 1 opens here."]
    assert (retracted["status@alice"], retracted["status@bob"], retracted["status@carol"]) == ("done", None, None)
    card = (tmp_path / "out" / "README.md").read_text(encoding="utf-8")
    assert "`status@<annotator>`" in card


def test_the_reviewer_who_decided_a_field_is_named(tmp_path: Path, corpus_dir: Path, store: Path) -> None:
    export_to(tmp_path / "out", corpus_dir, store)
    rows = all_rows(tmp_path / "out")
    adjudicated = rows["The second claim of report 0."]
    assert (adjudicated["checkworthiness_resolution"], adjudicated["checkworthiness_reviewer"]) == ("adjudicated", "rev")
    assert adjudicated["note_reviewer"] == "rev"
    majority = rows["Report 0 opens here."]
    assert majority["checkworthiness_reviewer"] is None
    card = (tmp_path / "out" / "README.md").read_text(encoding="utf-8")
    assert "`<field>_reviewer`" in card


def test_csv_is_for_spreadsheets_and_its_card_says_how_it_differs_from_the_text(tmp_path: Path, corpus_dir: Path, store: Path) -> None:
    """Excel reads UTF-8 without a byte order mark as Windows-1252; a neutralised cell is no longer
    `document[start:end]`, and the card says so and where the exact text is."""
    (corpus_dir / "quote.txt").write_text("The country\u2019s figures were revised.\n", encoding="utf-8")
    corpus = load_corpus([corpus_dir])
    label(store, "alice", corpus, corpus.document("quote").units[0], NO_CLAIM)
    export_to(tmp_path / "out", corpus_dir, store, format="csv", splits=(("train", 1.0),))
    data = (tmp_path / "out" / "data" / "train.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    with open(tmp_path / "out" / "data" / "train.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0])[:3] == ["doc", "start", "end"]
    assert "The country\u2019s figures were revised." in {row["text"] for row in rows}
    card = (tmp_path / "out" / "README.md").read_text(encoding="utf-8")
    assert "byte order mark" in card
    assert "`text` is then not `document[start:end]`" in card
    assert "JSONL and Parquet hold the text exactly" in card


def test_the_csv_reads_back_in_datasets_without_the_byte_order_mark_in_a_column_name(
    tmp_path: Path, corpus_dir: Path, store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import datasets
    import tqdm

    monkeypatch.setattr(tqdm.tqdm, "monitor_interval", 0)
    dataset = export_to(tmp_path / "out", corpus_dir, store, format="csv", splits=(("train", 1.0),))
    loaded = datasets.load_dataset(str(tmp_path / "out"), cache_dir=str(tmp_path / "hf-cache"))
    assert loaded["train"].column_names == dataset.columns


def test_the_vote_formats_hold_every_vote_and_datasets_loads_them(
    tmp_path: Path, corpus_dir: Path, store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Prodigy: a line per vote; Label Studio: a task per row with its votes and the gold as the
    prediction; long: a row per vote and field answered. Skipped, flagged and retracted give no vote."""
    import datasets
    import tqdm

    monkeypatch.setattr(tqdm.tqdm, "monitor_interval", 0)
    splits = (("train", 1.0),)
    gold = export_to(tmp_path / "gold", corpus_dir, store, splits=splits)
    votes = [(unit.key, name, labels) for unit in gold.units for name, labels in unit.annotations.items()]
    prodigy = export_to(tmp_path / "prodigy", corpus_dir, store, format="prodigy", splits=splits)
    lines = [json.loads(line) for line in (tmp_path / "prodigy" / "data" / "train.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(lines) == len(votes) == sum(row["annotators"] for row in prodigy.rows)
    majority = next(line for line in lines if line["text"] == "Report 0 opens here." and line["_annotator_id"] == "alice")
    assert majority["accept"] == [
        "checkworthiness:check", "source_type:official_named", "claim_type:event", "claim_type:quantity", "verifiability:public", "hedging:asserted",
    ]  # fmt: skip
    assert majority["source"] == "the ministry" and majority["meta"] == {"doc": "doc0", "start": 0, "end": 20}
    export_to(tmp_path / "labelstudio", corpus_dir, store, format="labelstudio", splits=splits)
    tasks = json.loads((tmp_path / "labelstudio" / "data" / "train.json").read_text(encoding="utf-8"))
    assert len(tasks) == len(gold.rows)
    adjudicated = next(task for task in tasks if task["data"]["text"] == "The second claim of report 0.")
    prediction = {result["from_name"]: result["value"] for result in adjudicated["predictions"][0]["result"]}
    assert prediction["checkworthiness"] == {"choices": ["check"]} and prediction["note"] == {"text": ["wire confirms"]}
    export_to(tmp_path / "long", corpus_dir, store, format="long", splits=splits)
    rows = [json.loads(line) for line in (tmp_path / "long" / "data" / "train.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {(row["doc"], row["start"], row["end"], row["annotator"]) for row in rows} == {(*key, name) for key, name, _ in votes}
    assert sum(len(labels) for _, _, labels in votes) == len(rows)
    for fmt, count in (("prodigy", len(lines)), ("labelstudio", len(tasks)), ("long", len(rows))):
        loaded = datasets.load_dataset(str(tmp_path / fmt), cache_dir=str(tmp_path / "hf-cache"))
        assert loaded["train"].num_rows == count
        check_out_dir(tmp_path / fmt)  # a previous export: the next one may replace it
