"""The agreement report: which labels count, the statistics per field, and how it is written out."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pytest

from annotator.agreement.coefficients import (
    cohen_kappa,
    krippendorff_alpha,
    percent_agreement,
)
from annotator.agreement.render import render_markdown, render_text, to_json
from annotator.agreement.report import NotCounted, build_report
from annotator.corpus.document import Corpus, Unit
from annotator.corpus.load import load_corpus
from annotator.labels.counting import unusable_reason
from annotator.schema.load import load_schema
from annotator.schema.model import Schema
from annotator.store.log import AnnotationLog
from annotator.store.read import StoreView, load_store
from tests.conftest import REPO, SCHEMA

CHECK = ["no_claim", "minor", "check", "urgent"]
SOURCES = ["state_media", "official_named", "expert", "document"]
CLAIMS = ["event", "quantity", "state", "causal"]
WORDS = ["KCNA", "the ministry", "Yonhap", "an official"]


@pytest.fixture(scope="module")
def schema() -> Schema:
    return load_schema(SCHEMA)


def record(annotator: str, unit: int, labels: dict, *, status: str = "done", **extra: object) -> dict:
    """A current record in the store's format, on unit number `unit` of document `doc`."""
    return {
        "format": 1, "id": f"{annotator}-{unit}", "annotator": annotator, "doc": "doc", "doc_sha256": "0" * 64,
        "start": 10 * unit, "end": 10 * unit + 9, "text_sha256": f"{unit:064x}", "schema": "factcheck",
        "schema_version": 1, "labels": labels, "status": status, "rev": 1, "prev": None,
        "ts": "2026-01-01T00:00:00.000Z", **extra,
    }  # fmt: skip


def view(records: list[dict]) -> StoreView:
    latest = {(r["annotator"], r["doc"], r["start"], r["end"]): r for r in records}
    by_annotator: dict[str, list[dict]] = {}
    for r in records:
        by_annotator.setdefault(r["annotator"], []).append(r)
    return StoreView(records=by_annotator, latest=latest, problems=[])


def random_labels(rng: np.random.Generator, truth: tuple) -> dict:
    """Valid labels of the default schema that often follow a per-unit truth."""

    def pick(true_value: str, choices: list[str]) -> str:
        return true_value if rng.random() < 0.7 else choices[rng.integers(len(choices))]

    labels: dict = {"checkworthiness": pick(truth[0], CHECK)}
    if labels["checkworthiness"] != "no_claim":
        claims = truth[2] if rng.random() < 0.6 else CLAIMS[: rng.integers(1, 4)]
        labels |= {
            "source_type": pick(truth[1], SOURCES),
            "claim_type": sorted(set(claims), key=CLAIMS.index),
            "verifiability": pick("public", ["public", "restricted"]),
            "hedging": pick("asserted", ["asserted", "probable", "possible"]),
        }
        if rng.random() < 0.8:
            word = pick(truth[3], WORDS)
            labels["source"] = word.upper() if rng.random() < 0.3 else f"  {word}\n"
    if rng.random() < 0.3:
        labels["flags"] = ["headline"]
    return labels


def random_records(seed: int, units: int = 120, annotators: tuple[str, ...] = ("ann", "bob", "cy")) -> list[dict]:
    rng = np.random.default_rng(seed)
    records = []
    for unit in range(units):
        truth = (CHECK[rng.integers(4)], SOURCES[rng.integers(4)], CLAIMS[: rng.integers(1, 3)], WORDS[rng.integers(4)])
        records += [record(name, unit, random_labels(rng, truth)) for name in annotators if rng.random() < 0.85]
    return records


def expected_ratings(schema: Schema, records: list[dict], field_id: str) -> dict:
    """The ratings of one field as the report's rules say, derived record by record: an annotator not
    asked the field has no rating, one who left it empty the rating (none)."""
    schema_field = schema.field(field_id)
    ratings: dict = {}
    for r in records:
        labels = r["labels"]
        if r["status"] != "done" or not schema.applies(schema_field, labels):
            continue
        value = labels.get(field_id)
        if schema_field.kind == "multi":
            value = frozenset(value or ())
        elif schema_field.kind == "text":
            value = " ".join((value or "").split()).casefold()
        ratings.setdefault(r["start"], {})[r["annotator"]] = value
    return ratings


@pytest.mark.parametrize("seed", range(4))
def test_each_field_gets_the_coefficient_of_its_level(schema: Schema, seed: int) -> None:
    records = random_records(seed)
    report = build_report(view(records), schema, bootstrap=0)
    for field_report in report.fields:
        ratings = expected_ratings(schema, records, field_report.id)
        schema_field = schema.field(field_report.id)
        level, order = {"multi": ("masi", None)}.get(schema_field.kind, ("nominal", None))
        if schema_field.ordinal:
            level, order = "ordinal", schema_field.value_ids
        assert field_report.level == level
        expected = krippendorff_alpha(ratings, level, order=order)
        assert field_report.alpha.value == pytest.approx(expected, abs=1e-12, nan_ok=True)
        exact = {item: dict(row.items()) for item, row in ratings.items()}
        assert field_report.agreement.value == pytest.approx(percent_agreement(exact), abs=1e-12, nan_ok=True)
        pairable = [row for row in ratings.values() if len(row) >= 2]
        assert field_report.alpha.units == len(pairable)
        assert field_report.alpha.pairable == sum(map(len, pairable))


def test_pairwise_kappa_confusion_and_per_value_alpha(schema: Schema) -> None:
    records = random_records(7)
    report = build_report(view(records), schema, fields=["checkworthiness", "claim_type"], bootstrap=0)
    worth, claims = report.fields
    ratings = expected_ratings(schema, records, "checkworthiness")
    for pair in worth.pairs:
        both = {item: {c: row[c] for c in pair.annotators} for item, row in ratings.items() if set(pair.annotators) <= set(row)}
        assert pair.kappa.value == pytest.approx(cohen_kappa(both))
        assert pair.kappa.units == len(both)
        first, second = pair.annotators
        i, j = CHECK.index("check"), CHECK.index("urgent")
        assert pair.confusion[i][j] == sum(1 for row in both.values() if (row[first], row[second]) == ("check", "urgent"))
    for label in worth.labels:
        binary = {item: {c: v == label.value for c, v in row.items()} for item, row in ratings.items()}
        assert label.alpha.value == pytest.approx(krippendorff_alpha(binary), nan_ok=True)
    claim_ratings = expected_ratings(schema, records, "claim_type")
    quantity = next(label for label in claims.labels if label.value == "quantity")
    binary = {item: {c: "quantity" in v for c, v in row.items()} for item, row in claim_ratings.items()}
    assert quantity.alpha.value == pytest.approx(krippendorff_alpha(binary))
    assert claims.values[0] in CLAIMS and "+" in claims.values[-1]


def test_a_field_not_asked_is_not_applicable_not_a_disagreement(schema: Schema) -> None:
    asked = {"checkworthiness": "check", "source_type": "expert", "claim_type": ["event"], "verifiability": "public", "hedging": "asserted"}
    records = [
        record("ann", 0, {"checkworthiness": "no_claim"}),
        record("bob", 0, asked),
        record("cy", 0, asked),
        record("ann", 1, asked),
        record("bob", 1, {**asked, "source_type": "document"}),
    ]
    report = build_report(view(records), schema, fields=["checkworthiness", "source_type"], bootstrap=0)
    _worth, source = report.fields
    assert source.alpha.units == 2 and source.alpha.pairable == 4  # ann is not asked on unit 0
    assert source.agreement.value == pytest.approx(0.5)  # unit 0 agrees (bob, cy), unit 1 does not
    by_unit = {d.start: d.fields for d in report.disagreements}
    assert by_unit == {0: ["checkworthiness"], 10: ["source_type"]}


def test_only_current_done_annotations_count(tmp_path: Path, schema: Schema) -> None:
    corpus = one_document(tmp_path, "First claim here. Second claim here. Third one.")
    first, second, third = corpus.documents[0].units
    store = tmp_path / "annotations"
    worth = {"checkworthiness": "no_claim"}
    with AnnotationLog.open(store, "ann") as log:
        append(log, corpus, first, {"checkworthiness": "urgent"})
        append(log, corpus, first, worth)  # an edit: the head wins
        append(log, corpus, second, worth)
        append(log, corpus, second, {}, status="retracted")  # undone
        append(log, corpus, third, worth, status="skipped")
    with AnnotationLog.open(store, "bob") as log:
        for unit in (first, second, third):
            append(log, corpus, unit, worth)
    with AnnotationLog.open(store, "rev") as log:
        append(log, corpus, first, {"checkworthiness": "urgent"}, kind="adjudication")
    report = build_report(load_store(store), schema, fields=["checkworthiness"], bootstrap=0)
    assert report.annotators == ["ann", "bob"]
    assert report.units == 3
    assert report.fields[0].agreement.units == 1  # only the first unit has two current done labels
    assert report.fields[0].agreement.value == 1.0


def test_labels_that_do_not_fit_the_schema_are_left_out_as_gold_leaves_them_out(schema: Schema) -> None:
    good = {"checkworthiness": "no_claim"}
    records = [
        record("ann", 0, good),
        record("bob", 0, {"checkworthiness": "maybe"}),
        record("cy", 0, {"checkworthiness": "check"}),  # required fields missing
        record("dee", 0, good, schema_version=2),
        record("eve", 0, {"checkworthiness": "no_claim", "source_type": "expert"}),  # not asked
        record("fay", 0, {"checkworthiness": ["no_claim"]}),
        record("gus", 0, {"checkworthiness": "no_claim", "flags": [["nested"]]}),
        record("hal", 0, {**good, "colour": "red"}),
        record("ian", 0, good),
        record("jo", 0, {"checkworthiness": {"no_claim"}}),  # not even JSON: a store view built in memory
    ]
    report = build_report(view(records), schema, bootstrap=0)
    unusable = {r["annotator"] for r in records if unusable_reason(schema, r)}
    assert unusable == {"bob", "cy", "dee", "eve", "fay", "gus", "hal", "jo"}
    assert {line.split(":")[0] for line in report.left_out} == unusable
    assert any("schema factcheck v2" in line for line in report.left_out)
    assert report.annotators == ["ann", "ian"]
    assert report.fields[0].agreement.value == 1.0


def test_free_text_is_compared_after_normalising_case_and_white_space(schema: Schema) -> None:
    asked = {"checkworthiness": "check", "source_type": "expert", "claim_type": ["event"], "verifiability": "public", "hedging": "asserted"}
    records = [
        record("ann", 0, {**asked, "source": "The  Ministry"}),
        record("bob", 0, {**asked, "source": "the ministry\n"}),
        record("ann", 1, {**asked, "source": "KCNA"}),
        record("bob", 1, {**asked, "source": "Yonhap"}),
    ]
    source = build_report(view(records), schema, fields=["source"], bootstrap=0).fields[0]
    assert source.agreement.value == 0.5
    assert source.values == [] and all(pair.confusion == [] for pair in source.pairs)


def test_intervals_are_reproducible_and_do_not_depend_on_the_other_fields(schema: Schema) -> None:
    store = view(random_records(3, units=200))
    full = build_report(store, schema, bootstrap=300, seed=5)
    again = build_report(store, schema, bootstrap=300, seed=5)
    other_seed = build_report(store, schema, bootstrap=300, seed=6)
    alone = build_report(store, schema, fields=["claim_type"], bootstrap=300, seed=5)
    assert to_json(full) == to_json(again)
    assert to_json(full) != to_json(other_seed)
    claims = next(f for f in full.fields if f.id == "claim_type")
    assert json.dumps(asdict(alone.fields[0])) == json.dumps(asdict(claims))  # NaN-safe equality
    for estimate in (claims.alpha, claims.agreement, claims.pairs[0].kappa, claims.labels[1].alpha):
        assert estimate.low <= estimate.value <= estimate.high


def test_without_pair_intervals_only_the_pairs_kappas_lose_their_interval(schema: Schema) -> None:
    store = view(random_records(3, units=200))
    full = build_report(store, schema, bootstrap=200, seed=5, by="week")
    lean = build_report(store, schema, bootstrap=200, seed=5, by="week", pair_intervals=False)
    for with_pairs, without in zip(full.fields, lean.fields):
        assert json.dumps([pair.kappa.value for pair in without.pairs]) == json.dumps([pair.kappa.value for pair in with_pairs.pairs])
        assert all(math.isnan(pair.kappa.low) and math.isnan(pair.kappa.high) for pair in without.pairs)
        plain = {name: asdict(with_pairs)[name] for name in asdict(with_pairs) if name != "pairs"}
        assert json.dumps({name: asdict(without)[name] for name in plain}) == json.dumps(plain)  # drift too: its own generator
    worth = full.fields[0]
    assert all(pair.kappa.low < pair.kappa.high for pair in worth.pairs)
    assert worth.drift and all(window.alpha.low <= window.alpha.high for window in worth.drift)


def test_units_with_the_most_disagreement_come_first_with_their_text(tmp_path: Path, schema: Schema) -> None:
    corpus = one_document(tmp_path, "Calm sentence. Disputed | [/] sentence. Slightly disputed one.")
    calm, disputed, slight = corpus.documents[0].units
    store = tmp_path / "annotations"
    labels = {
        "ann": ("no_claim", "urgent", "check"),
        "bob": ("no_claim", "no_claim", "urgent"),
    }
    for annotator, values in labels.items():
        with AnnotationLog.open(store, annotator) as log:
            for unit, value in zip((calm, disputed, slight), values):
                append(log, corpus, unit, full_labels(value))
    report = build_report(load_store(store), schema, bootstrap=0, corpus=corpus)
    assert [(d.start, d.text) for d in report.disagreements] == [(disputed.start, disputed.text), (slight.start, slight.text)]
    assert report.disagreements[0].score == pytest.approx(1.0)  # three steps of three on the ordinal scale
    assert report.disagreements[1].score == pytest.approx(1 / 3)
    markdown = render_markdown(report)
    assert "Disputed \\| \\[/\\] sentence." in markdown
    assert "Disputed | [/] sentence." in render_text(report)


def test_json_is_stable_sorted_and_has_no_nan(schema: Schema) -> None:
    report = build_report(view(random_records(1, units=40)), schema, bootstrap=50)
    text = to_json(report)
    data = json.loads(text)
    assert list(data) == sorted(data)
    note = next(f for f in data["fields"] if f["id"] == "note")
    assert note["alpha"]["value"] is None and note["agreement"]["value"] == 1  # nobody wrote notes: all agree on (none)
    assert "NaN" not in text
    assert to_json(report) == text


def test_markdown_and_text_name_every_field_with_its_figures(schema: Schema) -> None:
    report = build_report(view(random_records(2, units=60)), schema, bootstrap=100)
    markdown = render_markdown(report)
    text = render_text(report)
    assert markdown.startswith("Agreement of 3 annotators (ann, bob, cy)")
    header = "| Field | Level | Units | Pairable ratings | Krippendorff's alpha [95% CI] | Fleiss' kappa [95% CI] | Gwet's AC1/AC2 [95% CI] | Agreement [95% CI] |"
    assert header in markdown
    worth = report.fields[0]
    figure = f"{worth.alpha.value:.3f} [{worth.alpha.low:.3f}, {worth.alpha.high:.3f}]"
    for rendered in (markdown, text):
        assert figure in rendered
        for schema_field in schema.fields:
            assert schema_field.label in rendered
    assert "### Check-worthiness (`checkworthiness`)" in markdown
    assert not any(line.startswith(("# ", "## ")) for line in markdown.splitlines())  # it nests in a card


def test_an_empty_store_gives_an_empty_report(schema: Schema) -> None:
    report = build_report(view([]), schema)
    assert report.units == 0 and report.annotators == [] and report.disagreements == []
    assert all(math.isnan(f.alpha.value) and f.alpha.units == 0 for f in report.fields)
    assert "on 0 units" in render_markdown(report)


def test_the_summary_counts_in_the_singular_too(schema: Schema) -> None:
    report = build_report(view([record("ann", 0, {"checkworthiness": "no_claim"})]), schema, bootstrap=0)
    assert render_markdown(report).startswith("Agreement of 1 annotator (ann) on 1 unit,")


def test_an_unknown_field_is_a_key_error(schema: Schema) -> None:
    with pytest.raises(KeyError, match="no field 'colour'"):
        build_report(view([]), schema, fields=["colour"])


def test_the_benchmark_runs_small() -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "bench_agreement.py"), "--small", "--repeat", "1"],
        capture_output=True, text=True, check=True, timeout=300,
    )  # fmt: skip
    assert "ratio ours / baseline" in result.stdout
    assert "ratio report / one alpha" in result.stdout


def one_document(tmp_path: Path, text: str) -> Corpus:
    path = tmp_path / "docs" / "doc.txt"
    path.parent.mkdir()
    path.write_text(text + "\n", encoding="utf-8")
    corpus = load_corpus([path.parent])
    assert not corpus.problems
    return corpus


def append(log: AnnotationLog, corpus: Corpus, unit: Unit, labels: dict, status: str = "done", **optional: object) -> None:
    document = corpus.document(unit.doc)
    log.append(unit, doc_sha256=document.sha256, schema="factcheck", schema_version=1, labels=labels, status=status, **optional)


def full_labels(worth: str) -> dict:
    if worth == "no_claim":
        return {"checkworthiness": worth}
    return {"checkworthiness": worth, "source_type": "expert", "claim_type": ["event"], "verifiability": "public", "hedging": "asserted"}


def test_an_asked_field_left_empty_is_the_rating_none(schema: Schema) -> None:
    """By hand: ann ticks a flag on units 0 and 1, bob on unit 0; both leave it empty on 2 and 3. Ratings
    {h}{h}, {h}(none), (none)(none), (none)(none): agreement 3/4, not 1/1 on the unit both ticked.
    MASI alpha: o({h},{h}) = 2, o({h},none) = o(none,{h}) = 1, o(none,none) = 4; n = 8, n_{h} = 3,
    n_none = 5; alpha = 1 - 7 * 2 / (2 * 3 * 5) = 0.5333. Gwet's AC2 (1 - MASI weights, q = 2):
    pi_{h} = (1 + 1/2) / 4 = 0.375, p_e = 2 / 2 * 2 * 0.375 * 0.625 = 0.46875,
    AC2 = (0.75 - 0.46875) / (1 - 0.46875) = 0.5294."""
    worth = {"checkworthiness": "no_claim"}
    flagged = {**worth, "flags": ["headline"]}
    records = [
        record("ann", 0, flagged), record("bob", 0, flagged), record("ann", 1, flagged), record("bob", 1, worth),
        record("ann", 2, worth), record("bob", 2, worth), record("ann", 3, worth), record("bob", 3, worth),
    ]  # fmt: skip
    flags = build_report(view(records), schema, fields=["flags"], bootstrap=0).fields[0]
    assert flags.agreement.value == pytest.approx(3 / 4)
    assert (flags.alpha.units, flags.alpha.pairable) == (4, 8)
    assert flags.alpha.value == pytest.approx(1 - 7 * 2 / 30)
    assert flags.ac1.value == pytest.approx((0.75 - 0.46875) / (1 - 0.46875))
    assert flags.values == ["(none)", "headline"]
    assert flags.coincidence == [[4, 1], [1, 2]]


def test_an_empty_text_agrees_with_an_empty_text_and_not_with_words(schema: Schema) -> None:
    records = [
        record("ann", 0, {"checkworthiness": "no_claim", "note": "odd"}),
        record("bob", 0, {"checkworthiness": "no_claim"}),
        record("ann", 1, {"checkworthiness": "no_claim"}),
        record("bob", 1, {"checkworthiness": "no_claim"}),
    ]
    note = build_report(view(records), schema, fields=["note"], bootstrap=0).fields[0]
    assert note.agreement.value == 0.5 and note.agreement.units == 2


def test_drafts_skipped_and_flagged_sentences_are_counted_per_annotator(schema: Schema) -> None:
    worth = {"checkworthiness": "no_claim"}
    records = [
        record("ann", 0, worth), record("ann", 1, worth, status="draft"), record("ann", 2, {}, status="skipped"),
        record("ann", 3, {}, status="skipped"), record("bob", 0, worth), record("bob", 1, {}, status="flagged"),
        record("bob", 2, {}, status="retracted"), record("rev", 1, worth, status="draft", kind="adjudication"),
    ]  # fmt: skip
    report = build_report(view(records), schema, bootstrap=0)
    assert report.not_counted == [NotCounted("ann", 1, 2, 0), NotCounted("bob", 0, 0, 1)]
    text = render_text(report)
    assert "Not counted: current labels not done\nAnnotator  Drafts  Skipped  Flagged\nann             1        2        0" in text


def test_each_annotator_gets_alpha_without_them_and_agreement_with_adjudicated_gold(schema: Schema) -> None:
    records = random_records(5, units=80)
    decided = {
        "checkworthiness": "urgent",
        "source_type": "expert",
        "claim_type": ["event"],
        "verifiability": "public",
        "hedging": "asserted",
    }
    records += [record("rev", unit, decided, kind="adjudication") for unit in (0, 1, 2, 3)]
    worth = build_report(view(records), schema, fields=["checkworthiness"], bootstrap=0).fields[0]
    ratings = expected_ratings(schema, [r for r in records if "kind" not in r], "checkworthiness")
    for quality in worth.annotators:
        others = {unit: {name: v for name, v in row.items() if name != quality.annotator} for unit, row in ratings.items()}
        assert quality.alpha_without == pytest.approx(krippendorff_alpha(others, "ordinal", order=CHECK), nan_ok=True)
        theirs = [ratings[10 * unit][quality.annotator] for unit in range(4) if quality.annotator in ratings[10 * unit]]
        assert quality.adjudicated == len(theirs)
        assert quality.gold_agreement == pytest.approx(theirs.count("urgent") / len(theirs))
        assert sum(map(sum, quality.gold_confusion)) == len(theirs)
        assert sum(quality.gold_confusion[CHECK.index("urgent")]) == len(theirs)  # the reviewer's row
    assert [quality.annotator for quality in worth.annotators] == ["ann", "bob", "cy"]


def test_drift_gives_a_row_per_window_of_each_units_last_label(schema: Schema) -> None:
    worth = {"checkworthiness": "no_claim"}
    other = {**full_labels("urgent")}
    days = {0: "2026-01-05", 1: "2026-01-06", 2: "2026-01-12", 3: "2026-01-13"}  # Monday 5 January: ISO week 2
    records = []
    for unit, day in days.items():
        records.append(record("ann", unit, worth, ts=f"{day}T09:00:00.000Z"))
        records.append(record("bob", unit, worth if unit >= 2 else other, ts=f"{day}T10:00:00Z"))
    records.append(record("cy", 0, worth, ts="2026-01-13T11:00:00.5Z"))  # unit 0 is complete in week 3
    report = build_report(view(records), schema, fields=["checkworthiness"], bootstrap=50, by="week")
    drift = report.fields[0].drift
    assert [(w.window, w.alpha.units) for w in drift] == [("2026-W02", 1), ("2026-W03", 3)]
    by_day = build_report(view(records), schema, fields=["checkworthiness"], bootstrap=0, by="day").fields[0].drift
    assert [(w.window, w.alpha.units) for w in by_day] == [("2026-01-06", 1), ("2026-01-12", 1), ("2026-01-13", 2)]
    assert "By week of each unit's last label" in render_text(report)
