"""Labels of earlier schema versions read as the current version: the heads every reader gets, the
counting rule, gold labels and the store as it stood under an earlier version."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.corpus.document import Corpus
from annotator.corpus.load import load_corpus
from annotator.labels.counting import field_ratings, label_problems, unusable_reason
from annotator.labels.gold import DAWID_SKENE, SINGLE, UNANIMOUS, gold_units
from annotator.labels.versions import MIGRATED, as_it_stood, current_labels, migrated, read_heads, reading
from annotator.schema.load import load_schema
from annotator.schema.model import Schema
from annotator.store.log import AnnotationLog
from annotator.store.read import StoreView, load_store
from tests.migrations import CHECK, V1_NAME, V2_NAME, write_v1_project


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write_v1_project(tmp_path)
    return tmp_path


@pytest.fixture
def v2(project: Path) -> Schema:
    return load_schema(project / "schemas" / V2_NAME)


@pytest.fixture
def corpus(project: Path) -> Corpus:
    return load_corpus([project / "seeds"])


def store(project: Path, keep_records: bool = False) -> StoreView:
    return load_store(project / "annotations", keep_records=keep_records)


def heads_by_unit(schema: Schema, project: Path, annotator: str) -> list[dict]:
    """The annotator's heads read under `schema`, in unit order."""
    latest = read_heads(schema, store(project).latest)
    return [record for key, record in sorted(latest.items()) if key[0] == annotator]


def test_heads_of_an_earlier_version_are_read_as_copies_and_the_records_stay_as_written(project: Path, v2: Schema) -> None:
    view = store(project)
    written = {key: dict(record) for key, record in view.latest.items()}
    latest = read_heads(v2, view.latest)
    assert all(record["schema_version"] == 2 and MIGRATED in record for record in latest.values())
    assert {key: dict(record) for key, record in view.latest.items()} == written  # nothing changed in place
    v1 = load_schema(project / "schemas" / V1_NAME)
    assert all(read is view.latest[key] for key, read in read_heads(v1, view.latest).items())  # the current version: as it is


def test_a_record_of_an_earlier_version_fits_its_own_version_and_counts_once_read(project: Path, v2: Schema) -> None:
    raw = next(iter(store(project).latest.values()))
    assert label_problems(v2, raw) == []  # validation checks it against v1, the version it names
    assert unusable_reason(v2, raw) == "labelled with schema factcheck v1, not read as v2"  # a reader must read it first
    read = read_heads(v2, {"key": raw})["key"]
    assert unusable_reason(v2, read) is None
    newer = {**raw, "schema_version": 3}
    assert label_problems(v2, newer) == ["labelled with schema factcheck v3, not factcheck v2 (or the versions it reads: v1)"]


def test_a_field_left_to_decide_is_no_rating_and_a_required_one_does_not_make_the_label_unusable(project: Path, v2: Schema) -> None:
    alice = heads_by_unit(v2, project, "alice")[1]  # her label holds the split value
    assert reading(alice).look == ("verifiability",)
    assert unusable_reason(v2, alice) is None  # verifiability is required, but left to decide: the label counts
    bob = heads_by_unit(v2, project, "bob")[1]
    unanswered = {"alice": reading(alice).unanswered}
    verifiability = v2.field("verifiability")
    assert field_ratings(v2, verifiability, {"alice": alice["labels"], "bob": bob["labels"]}, unanswered) == {"bob": "public"}
    assert field_ratings(v2, verifiability, {"alice": alice["labels"]}) == {"alice": None}  # without it: "(none)", wrong


def test_gold_labels_vote_with_the_current_values_only(project: Path, v2: Schema, corpus: Corpus) -> None:
    units = gold_units(v2, current_labels(v2, store(project).latest, corpus).current).units
    first, second = units[:2]
    assert first.fields["hedging"].value == "uncertain" and first.fields["hedging"].resolution == UNANIMOUS  # possible + uncommitted
    assert first.fields["source_type"].value == "anonymous_official"
    assert (
        second.fields["verifiability"].value == "public" and second.fields["verifiability"].resolution == SINGLE
    )  # alice decides nothing yet
    assert second.readings["alice"].was["verifiability"].value == "restricted"
    assert first.fields["stance"].votes == 0  # added since: nobody was asked
    model = gold_units(v2, current_labels(v2, store(project).latest, corpus).current, method=DAWID_SKENE).units[1]
    assert model.fields["verifiability"].votes == 1


def test_how_many_labels_came_through_migrations_and_what_each_change_touched(project: Path, v2: Schema) -> None:
    found = migrated(read_heads(v2, store(project).latest).values())
    assert dict(found.labels) == {"alice": 5, "bob": 5} and dict(found.look) == {"alice": 1, "bob": 0}
    assert {change.text.split(":")[0]: count for change, count in found.touched.items()} == {
        "source_type": 2,
        "hedging": 4,
        "verifiability": 1,
        "stance": 10,
    }


def test_the_store_as_it_stood_under_an_earlier_version(project: Path, v2: Schema, corpus: Corpus) -> None:
    unit = corpus.units()[1]
    with AnnotationLog.open(project / "annotations", "alice") as log:
        decided = {**CHECK, "verifiability": "restricted_private"}
        log.append(unit, doc_sha256=corpus.document(unit.doc).sha256, schema="factcheck", schema_version=2, labels=decided, status="done")
    view = store(project, keep_records=True)
    key = ("alice", unit.doc, unit.start, unit.end)
    assert view.latest[key]["schema_version"] == 2
    then = as_it_stood(view, v2.previous)
    assert then.latest[key]["labels"]["verifiability"] == "restricted" and then.latest[key]["rev"] == 1
    assert as_it_stood(view, v2).latest == view.latest
