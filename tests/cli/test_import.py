"""`annotator import`: each tool's export, written by hand from its documentation (tests/data/import),
into a project's store; bad input is named and writes nothing; a second import is a no-op."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from annotator.cli.main import main
from annotator.store.read import load_store
from tests.conftest import DATA

FIXTURES = DATA / "import"
REPORT = "The ministry said 40 people were hurt. The weather was pleasant.\n"
NEW_SENTENCE = "Officials expect prices to rise next year."
LS_MAP = ["--map", "Claim=worth:claim", "--map", "No claim=worth:no_claim"]
PRODIGY_MAP = [
    "--map", "CLAIM=worth:claim", "--map", "NO_CLAIM=worth:no_claim", "--map", "NUMBER=kind:quantity", "--map", "QUOTE=kind:quote",
]  # fmt: skip


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "documents").mkdir()
    (tmp_path / "documents" / "report.txt").write_text(REPORT, encoding="utf-8")
    shutil.copy(FIXTURES / "claims.v1.json", tmp_path / "claims.v1.json")
    (tmp_path / "annotator.toml").write_text('corpus = ["documents"]\nschema = "claims.v1.json"\nstore = "annotations"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run_import(*args: str | Path) -> int:
    return main(["import", *map(str, args)])


def heads(project: Path) -> dict[tuple[str, str], dict]:
    """(annotator, sentence) -> the current record."""
    texts = {}
    for path in (project / "documents").glob("*"):
        if path.suffix == ".jsonl":
            texts |= {json.loads(line)["id"]: json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines()}
        else:
            texts[path.stem] = path.read_text(encoding="utf-8")
    store = load_store(project / "annotations")
    return {(name, texts[doc][start:end]): record for (name, doc, start, end), record in store.latest.items()}


def stored_files(project: Path) -> dict[str, bytes]:
    return {path.relative_to(project).as_posix(): path.read_bytes() for path in sorted(project.rglob("*")) if path.is_file()}


def test_prodigy_answers_become_records_of_origin_imported(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        run_import(
            FIXTURES / "prodigy-db-out.jsonl",
            "--format",
            "prodigy",
            *PRODIGY_MAP,
            "--name",
            "claims-alice=alice",
            "--name",
            "claims-bob=bob",
        )
        == 0
    )
    found = heads(project)
    first = found[("alice", "The ministry said 40 people were hurt.")]
    assert (first["labels"], first["status"]) == ({"worth": "claim", "kind": ["quantity", "quote"]}, "done")
    assert first["origin"] == {"worth": "imported", "kind": "imported"}
    assert first["imported"]["file"] == "prodigy-db-out.jsonl" and first["imported"]["entry"] == 1
    assert found[("bob", "The weather was pleasant.")]["status"] == "skipped"  # answer: ignore
    assert found[("bob", NEW_SENTENCE)]["labels"] == {"worth": "no_claim"}
    documents = (project / "documents" / "imported-prodigy-db-out.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["text"] for line in documents] == [NEW_SENTENCE]
    err = capsys.readouterr().err
    assert "imported 6 labels of 2 annotators" in err and "1 new document" in err


def test_doccano_labels_are_the_files_users(project: Path) -> None:
    assert run_import(FIXTURES / "doccano-alice.jsonl", "--format", "doccano", "--name", "doccano-alice=alice") == 0
    found = heads(project)
    assert found[("alice", "The ministry said 40 people were hurt.")]["labels"] == {"worth": "claim", "kind": ["quantity"]}
    assert found[("alice", NEW_SENTENCE)]["labels"] == {"worth": "claim", "kind": ["prediction"]}


def test_label_studio_full_export_reads_choices_text_cancelled_and_lead_time(project: Path) -> None:
    assert run_import(FIXTURES / "labelstudio-full.json", "--format", "labelstudio", "--name", "1=alice", "--name", "2=bob") == 0
    found = heads(project)
    bob = found[("bob", "The ministry said 40 people were hurt.")]
    assert bob["labels"] == {
        "worth": "claim",
        "kind": ["quantity"],
        "note": "casualty figure",
    }  # value labels read as the schema shows them
    assert bob["seconds"] == 8.0
    assert found[("bob", NEW_SENTENCE)]["status"] == "skipped"  # was_cancelled
    assert found[("alice", NEW_SENTENCE)]["labels"] == {"worth": "claim", "kind": ["prediction"]}


def test_label_studio_json_min(project: Path) -> None:
    names = ["--name", "alice@example.org=alice", "--name", "bob@example.org=bob"]
    assert run_import(FIXTURES / "labelstudio-min.json", "--format", "labelstudio", *names) == 0
    found = heads(project)
    assert found[("alice", "The ministry said 40 people were hurt.")]["labels"] == {"worth": "claim", "kind": ["quantity", "quote"]}
    assert found[("bob", "The ministry said 40 people were hurt.")]["labels"] == {
        "worth": "claim",
        "kind": ["quantity"],
        "note": "casualty figure",
    }
    assert found[("alice", "The weather was pleasant.")]["labels"] == {"worth": "no_claim"}


def test_a_long_table_with_named_columns(project: Path) -> None:
    assert run_import(FIXTURES / "votes-long.csv", "--format", "long", "--field", "worth=worth", "--field", "kind=kind") == 0
    found = heads(project)
    assert found[("ann1", "The ministry said 40 people were hurt.")]["labels"] == {"worth": "claim", "kind": ["quantity", "quote"]}
    assert found[("ann2", "The weather was pleasant.")]["labels"] == {"worth": "no_claim"}
    assert found[("ann2", NEW_SENTENCE)]["imported"]["entry"] == 7  # the CSV line


def test_a_second_import_of_the_same_file_does_nothing(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = (FIXTURES / "votes-long.csv", "--format", "long", "--field", "worth=worth", "--field", "kind=kind")
    assert run_import(*args) == 0
    before = stored_files(project)
    capsys.readouterr()
    assert run_import(*args) == 0
    assert stored_files(project) == before
    assert "is imported already (the records of ann1, ann2 come from it): nothing to do" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("name", "content", "args", "message"),
    [
        (
            "bad.jsonl", b'{"text": "x", "answer": "accept", "accept": []}\n{"text": "y", "answer": \n',
            ("--format", "prodigy", "--as", "alice"), "bad.jsonl:2: not valid JSON",
        ),
        ("bad.json", b'[\n  {"id": 1,\n   "data": {"text": "x"}\n  ,,\n]\n', ("--format", "labelstudio"), "bad.json:4: not valid JSON"),
        (
            "votes.csv", b"item,sentence,annotator,worth\r\nq1,The weather was pleasant.,ann1,no_claim\r\n",
            ("--format", "long", "--field", "worth=worth"),
            "votes.csv:2: no column 'text' (the columns: item, sentence, annotator, worth)",
        ),
        (
            "votes.csv", b"item,text,annotator,verdict\r\nq1,The weather was pleasant.,ann1,NO\r\nq1,The weather was pleasant.,ann2,NO\r\nq1,The weather was pleasant.,ann3,MAYBE\r\n",
            ("--format", "long", "--field", "worth=verdict"),
            "unmapped labels (map each with --map LABEL=FIELD:VALUE): 'verdict:NO' (2), 'verdict:MAYBE' (1)",
        ),
        (
            "prodigy.jsonl", (FIXTURES / "prodigy-db-out.jsonl").read_bytes(),
            ("--format", "prodigy", *PRODIGY_MAP, "--name", "claims-alice=alice"),
            "unknown annotator id 'claims-bob' (3 answers): name it with --name claims-bob=NAME",
        ),
        (
            "ls.json", (FIXTURES / "labelstudio-min.json").read_bytes(), ("--format", "labelstudio", *LS_MAP),
            "annotator id 'alice@example.org' is no annotator name",
        ),
        (
            "ls.json", (FIXTURES / "labelstudio-full.json").read_bytes(), ("--format", "labelstudio",),
            "annotator id '1' is a number (a user id), not a name: name it with --name 1=NAME",
        ),
    ],
)  # fmt: skip
def test_bad_input_is_named_and_nothing_is_written(
    project: Path, capsys: pytest.CaptureFixture[str], name: str, content: bytes, args: tuple[str, ...], message: str
) -> None:
    (project / name).write_bytes(content)
    before = stored_files(project)
    assert run_import(project / name, *args) == 2
    assert message in capsys.readouterr().err
    assert stored_files(project) == before


def test_a_name_clash_with_an_annotator_file_is_refused(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "annotations").mkdir()
    (project / "annotations" / "ANN1.jsonl").write_bytes(b"")  # the same file as ann1.jsonl on macOS and Windows
    before = stored_files(project)
    assert run_import(FIXTURES / "votes-long.csv", "--format", "long", "--field", "worth=worth", "--field", "kind=kind") == 2
    assert "ANN1.jsonl exists: an import never adds to an annotator's file (--prefix P, or --name ann1=NAME)" in capsys.readouterr().err
    assert stored_files(project) == before
    assert (
        run_import(FIXTURES / "votes-long.csv", "--format", "long", "--field", "worth=worth", "--field", "kind=kind", "--prefix", "r1-")
        == 0
    )
    assert {name for name, _ in heads(project)} == {"r1-ann1", "r1-ann2"}


def test_labels_that_leave_a_required_field_empty_are_refused(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_import(FIXTURES / "votes-long.csv", "--format", "long", "--field", "kind=kind") == 2
    assert (
        "votes-long.csv: required field 'worth' has no value in 6 answers (lines 2, 3, 4, 5, 6, 7): map a label to it"
        in capsys.readouterr().err
    )
    assert not (project / "annotations").exists()


def test_a_mapping_file(project: Path) -> None:
    mapping = {"labels": {"CLAIM": "worth:claim", "NO_CLAIM": "worth:no_claim", "NUMBER": "kind:quantity", "QUOTE": "kind:quote"},
               "annotators": {"claims-alice": "alice", "claims-bob": "bob"}}  # fmt: skip
    (project / "mapping.json").write_text(json.dumps(mapping), encoding="utf-8")
    assert run_import(FIXTURES / "prodigy-db-out.jsonl", "--format", "prodigy", "--mapping", project / "mapping.json") == 0
    assert {name for name, _ in heads(project)} == {"alice", "bob"}


def test_a_mapping_to_a_value_the_schema_lacks_is_refused(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_import(FIXTURES / "prodigy-db-out.jsonl", "--format", "prodigy", "--map", "CLAIM=worth:yes") == 2
    assert "--map CLAIM=worth:yes: 'worth' has no value 'yes' (values: no_claim, claim)" in capsys.readouterr().err


def test_validate_and_stats_read_an_import(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_import(FIXTURES / "votes-long.csv", "--format", "long", "--field", "worth=worth", "--field", "kind=kind") == 0
    assert main(["validate"]) == 0
    capsys.readouterr()
    assert main(["stats", "--json", "--bootstrap", "0"]) == 0
    report = json.loads(capsys.readouterr().out)
    worth = next(field for field in report["fields"] if field["id"] == "worth")
    assert worth["alpha"]["units"] == 3


VERDICTS = ("SUPPORTS", "REFUTES", "NOT_ENOUGH_INFO")  # CLIMATE-FEVER's evidence labels
VERDICT_MAP = ["--map", "SUPPORTS=verdict:supports", "--map", "REFUTES=verdict:refutes", "--map", "NOT_ENOUGH_INFO=verdict:not_enough_info"]
VOTES_SCHEMA = {
    "name": "evidence", "version": 1, "title": "Evidence", "description": "Does the sentence support the claim?",
    "fields": [
        {"id": "verdict", "label": "Verdict", "description": "The evidence's verdict.", "kind": "single", "required": True,
         "values": [{"id": v, "label": v, "description": v} for v in ("supports", "refutes", "not_enough_info")]},
        {"id": "certainty", "label": "Certainty", "description": "How sure.", "kind": "single", "ordinal": True, "required": True,
         "values": [{"id": v, "label": v, "description": v} for v in ("low", "mid", "high")]},
    ],
}  # fmt: skip


def real_shaped_votes(seed: int = 7) -> list[dict[str, str]]:
    """Votes shaped like CLIMATE-FEVER's: each evidence sentence judged by five annotators drawn from a
    pool of eight, mostly NOT_ENOUGH_INFO, each annotator right three times in four; and a certainty
    on three ordered levels."""
    import numpy as np

    rng = np.random.default_rng(seed)
    rows = []
    for item in range(80):
        truth, sure = rng.choice(3, p=[0.25, 0.1, 0.65]), rng.integers(3)
        voters = rng.choice(8, size=5, replace=False)
        for voter in sorted(voters):
            verdict = truth if rng.random() < 0.75 else rng.integers(3)
            certainty = min(2, max(0, sure + rng.choice([-1, 0, 0, 0, 1])))
            rows.append({
                "claim_id": f"c{item // 5}-e{item % 5}",
                "evidence": f"Evidence sentence number {item} says the sea level rose by {item % 7} millimetres.",
                "annotator_id": f"crowd{voter}",
                "evidence_label": VERDICTS[verdict],
                "certainty": ("low", "mid", "high")[certainty],
            })  # fmt: skip
    return rows


def test_stats_on_an_imported_long_table_of_real_shaped_votes_are_the_reference_packages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import csv

    import krippendorff
    import numpy as np
    from statsmodels.stats.inter_rater import fleiss_kappa

    (tmp_path / "documents").mkdir()
    (tmp_path / "evidence.v1.json").write_text(json.dumps(VOTES_SCHEMA), encoding="utf-8")
    (tmp_path / "annotator.toml").write_text(
        'corpus = ["documents"]\nschema = "evidence.v1.json"\nstore = "annotations"\n', encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    rows = real_shaped_votes()
    with open(tmp_path / "votes.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    columns = ["--item", "claim_id", "--text", "evidence", "--annotator", "annotator_id"]
    fields = ["--field", "verdict=evidence_label", "--field", "certainty=certainty"]
    assert run_import(tmp_path / "votes.csv", "--format", "long", *columns, *fields, *VERDICT_MAP) == 0
    capsys.readouterr()
    assert main(["stats", "--json", "--bootstrap", "0"]) == 0
    report = {field["id"]: field for field in json.loads(capsys.readouterr().out)["fields"]}

    items = sorted({row["claim_id"] for row in rows})
    coders = sorted({row["annotator_id"] for row in rows})
    for field_id, column, values, level in [
        ("verdict", "evidence_label", VERDICTS, "nominal"),
        ("certainty", "certainty", ("low", "mid", "high"), "ordinal"),
    ]:
        matrix = np.full((len(coders), len(items)), np.nan)
        for row in rows:
            matrix[coders.index(row["annotator_id"]), items.index(row["claim_id"])] = values.index(row[column])
        expected = krippendorff.alpha(reliability_data=matrix, level_of_measurement=level)
        assert report[field_id]["alpha"]["value"] == pytest.approx(expected, abs=1e-12)
        print(f"\n{field_id}: alpha {report[field_id]['alpha']['value']:.6f}, krippendorff {expected:.6f}")
    counts = np.array(
        [[sum(1 for row in rows if row["claim_id"] == item and row["evidence_label"] == v) for v in VERDICTS] for item in items]
    )
    assert report["verdict"]["fleiss"]["value"] == pytest.approx(fleiss_kappa(counts), abs=1e-12)
    print(f"verdict: Fleiss' kappa {report['verdict']['fleiss']['value']:.6f}, statsmodels {fleiss_kappa(counts):.6f}")


def test_a_binary_prodigy_task_maps_accept_and_reject(project: Path) -> None:
    lines = [
        {"text": "The weather was pleasant.", "label": "CLAIM", "answer": "reject", "_annotator_id": "ann"},
        {"text": "The ministry said 40 people were hurt.", "label": "CLAIM", "answer": "accept", "_annotator_id": "ann"},
    ]
    (project / "binary.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    assert (
        run_import(project / "binary.jsonl", "--format", "prodigy", "--map", "CLAIM=worth:claim", "--map", "reject:CLAIM=worth:no_claim")
        == 0
    )
    found = heads(project)
    assert found[("ann", "The weather was pleasant.")]["labels"] == {"worth": "no_claim"}
    assert found[("ann", "The ministry said 40 people were hurt.")]["labels"] == {"worth": "claim"}


@pytest.mark.parametrize(
    ("lines", "args", "message"),
    [
        ([{"text": "The weather was pleasant.", "label": [[0, 3, "X"]]}], ("--format", "doccano"), "x.jsonl:1: `label` holds spans"),
        ([{"text": "The weather was pleasant.", "answer": "maybe", "accept": []}], ("--format", "prodigy", "--as", "a"), "`answer` must be accept"),
        ([{"text": "The weather was pleasant.", "answer": "accept", "accept": ["claim"]}], ("--format", "prodigy"), "no `_annotator_id`"),
        (
            [{"text": "The weather was pleasant.", "label": ["claim", "no_claim"]}], ("--format", "doccano"),
            "x.jsonl:1: two values for the one-value field 'worth': 'claim' and 'no_claim'",
        ),
        (
            [{"text": "Two sentences here. And here is the second one.", "label": ["no_claim"]}], ("--format", "doccano"),
            "its text is 2 sentences",
        ),
    ],
)  # fmt: skip
def test_entries_a_format_does_not_allow_are_named(
    project: Path, capsys: pytest.CaptureFixture[str], lines: list[dict], args: tuple[str, ...], message: str
) -> None:
    (project / "x.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    assert run_import(project / "x.jsonl", *args) == 2
    assert message in capsys.readouterr().err
    assert not (project / "annotations").exists()


def votes_of(file: Path, fmt: str, names: dict[str, str], *maps: str) -> set[tuple[str, str, str]]:
    """(annotator, text, labels as JSON) of every `done` answer in a file, as the import reads it."""
    from annotator.importing.mapping import build_mapping, parse_pairs, translate
    from annotator.importing.read import read_labelstudio, read_prodigy
    from annotator.importing.table import Columns, read_table
    from annotator.schema.load import load_schema

    schema = load_schema(FIXTURES / "claims.v1.json")
    data = file.read_bytes()
    readers = {
        "prodigy": lambda: read_prodigy(file, data, None),
        "labelstudio": lambda: read_labelstudio(file, data, None, "text"),
        "long": lambda: read_table(file, data, Columns(fields={"worth": "worth", "kind": "kind"} if file.suffix == ".csv" else None)),
    }
    mapping = build_mapping(schema, parse_pairs(list(maps[1::2]), "--map"), {}, {})
    return {
        (names.get(item.answer.annotator, item.answer.annotator), item.answer.text, json.dumps(item.labels, sort_keys=True))
        for item in translate(schema, mapping, readers[fmt](), file, fmt == "labelstudio")
        if item.answer.status == "done"
    }


@pytest.mark.parametrize(
    ("fixture", "fmt", "args", "names"),
    [
        ("prodigy-db-out.jsonl", "prodigy", PRODIGY_MAP, {"claims-alice": "alice", "claims-bob": "bob"}),
        ("labelstudio-full.json", "labelstudio", [], {"1": "alice", "2": "bob"}),
        ("labelstudio-min.json", "labelstudio", [], {"alice@example.org": "alice", "bob@example.org": "bob"}),
        ("votes-long.csv", "long", ["--field", "worth=worth", "--field", "kind=kind"], {}),
    ],
)  # fmt: skip
def test_import_stats_and_export_in_the_same_tools_shape_give_back_the_votes(
    project: Path, capsys: pytest.CaptureFixture[str], fixture: str, fmt: str, args: list[str], names: dict[str, str]
) -> None:
    naming = [option for their, name in names.items() for option in ("--name", f"{their}={name}")]
    assert run_import(FIXTURES / fixture, "--format", fmt, *args, *naming) == 0
    assert main(["stats", "--bootstrap", "0"]) == 0
    assert main(["export", "--out", "out", "--format", fmt, "--split", "all=1"]) == 0
    exported = project / "out" / "data" / ("all.json" if fmt == "labelstudio" else "all.jsonl")
    maps = [arg for arg in args if arg != "--field" and "=" in arg and ":" in arg]
    imported = votes_of(FIXTURES / fixture, fmt, names, *[part for pair in zip(["--map"] * len(maps), maps) for part in pair])
    assert votes_of(exported, fmt, {}) == imported
    assert len(imported) >= 3
    first = {name: data for name, data in stored_files(project).items() if name.startswith("out/")}
    assert set(first) >= {"out/README.md", "out/manifest.json", "out/claims.v1.json"}
    assert main(["export", "--out", "out", "--format", fmt, "--split", "all=1"]) == 0
    assert {name: data for name, data in stored_files(project).items() if name.startswith("out/")} == first  # byte-identical
