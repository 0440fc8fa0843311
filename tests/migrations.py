"""The schema move the migration tests share: the default schema, factcheck v1, and a v2 of it that
renames one value, merges two, splits one and adds a field."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

from tests.conftest import SCHEMA

V1_NAME = "factcheck.v1.json"
V2_NAME = "factcheck.v2.json"

MIGRATION = {
    "from": V1_NAME,
    "values": [
        {"field": "source_type", "from": "official_anonymous", "to": "anonymous_official"},
        {"field": "hedging", "from": ["possible", "uncommitted"], "to": "uncertain"},
        {"field": "verifiability", "from": "restricted", "to": ["restricted_official", "restricted_private"]},
    ],
    "fields": [{"add": "stance"}],
}

STANCE = {
    "id": "stance",
    "label": "Stance",
    "kind": "single",
    "description": "How the sentence stands to the claim it reports",
    "values": [
        {"id": "endorses", "label": "Endorses", "description": "Reports the claim as true"},
        {"id": "disputes", "label": "Disputes", "description": "Reports the claim as doubtful or false"},
        {"id": "neutral", "label": "Neutral", "description": "Reports the claim without taking a side"},
    ],
}


def v1_data() -> dict:
    return json.loads(SCHEMA.read_text(encoding="utf-8"))


def v2_data() -> dict:
    """factcheck v2: v1 with the changes of MIGRATION."""
    data = copy.deepcopy(v1_data())
    data["version"] = 2
    fields = {field["id"]: field for field in data["fields"]}
    _replace(fields["source_type"], "official_anonymous", [("anonymous_official", "Anonymous official")])
    _replace(fields["hedging"], "possible", [("uncertain", "Uncertain")])
    _replace(fields["hedging"], "uncommitted", [])
    _replace(
        fields["verifiability"], "restricted", [("restricted_official", "Official records"), ("restricted_private", "Private records")]
    )
    data["fields"].insert([field["id"] for field in data["fields"]].index("flags"), copy.deepcopy(STANCE))
    data["migration"] = copy.deepcopy(MIGRATION)
    return data


def _replace(field: dict, value_id: str, new: list[tuple[str, str]]) -> None:
    at = [value["id"] for value in field["values"]].index(value_id)
    field["values"][at : at + 1] = [{"id": new_id, "label": label, "description": label} for new_id, label in new]


def write_schemas(folder: Path, v2: dict | None = None) -> Path:
    """factcheck v1 and v2 (or another `v2`) in `folder`; the path of v2."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / V1_NAME).write_bytes(SCHEMA.read_bytes())
    path = folder / V2_NAME
    path.write_text(json.dumps(v2 if v2 is not None else v2_data(), indent=2), encoding="utf-8")
    return path


CHECK = {"checkworthiness": "check", "source_type": "expert", "claim_type": ["event"], "verifiability": "public", "hedging": "asserted"}
V1_LABELS = {
    "alice": [
        {**CHECK, "source_type": "official_anonymous", "hedging": "possible"},
        {**CHECK, "verifiability": "restricted"},
        {"checkworthiness": "no_claim"},
        CHECK,
        {**CHECK, "hedging": "uncommitted", "flags": ["quoted_wording"]},
    ],
    "bob": [
        {**CHECK, "source_type": "official_anonymous", "hedging": "uncommitted"},
        {**CHECK, "verifiability": "public"},
        {"checkworthiness": "no_claim"},
        CHECK,
        {**CHECK, "hedging": "possible"},
    ],
}
"""Two annotators' labels of the first five seed sentences under v1: they disagree on hedging where v2
merges the values they chose, and alice's second label holds the value v2 splits."""


def write_v1_project(folder: Path) -> Path:
    """A project labelled under factcheck v1 (`V1_LABELS`, all done) on a copy of the seeds, with
    factcheck v2 next to v1 in schemas/; annotator.toml names v1. The store folder."""
    from annotator.corpus.load import load_corpus
    from annotator.store.log import AnnotationLog
    from tests.conftest import SEEDS

    shutil.copytree(SEEDS, folder / "seeds")
    write_schemas(folder / "schemas")
    use_schema(folder, V1_NAME)
    corpus = load_corpus([folder / "seeds"])
    for annotator, labels in V1_LABELS.items():
        with AnnotationLog.open(folder / "annotations", annotator) as log:
            for unit, unit_labels in zip(corpus.units(), labels):
                doc = corpus.document(unit.doc)
                log.append(unit, doc_sha256=doc.sha256, schema="factcheck", schema_version=1, labels=unit_labels, status="done")
    return folder / "annotations"


def use_schema(folder: Path, name: str) -> None:
    """annotator.toml in `folder` naming schemas/`name`."""
    config = f'corpus = ["seeds"]\nschema = "schemas/{name}"\nstore = "annotations"\n'
    (folder / "annotator.toml").write_text(config, encoding="utf-8")
