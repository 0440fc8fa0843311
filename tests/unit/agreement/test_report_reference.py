"""The report's Fleiss' kappa, Gwet's AC1/AC2 and Dawid-Skene model against reference implementations
on the same ratings.

irrCAC (Gwet's own coefficients, as his R package) cannot be in the test extra: every release pins
scipy==1.12.0, which holds numpy below 2, and pyarrow (export tests, `datasets`) then fails to
import. Its figures on the ratings below were computed once with irrCAC 0.4.4 (`CAC(...).fleiss()`,
`.gwet()` with `weights="ordinal"` and with 1 - MASI distance as a custom weight matrix) on the units
with two ratings or more, the units the report counts; they are written here to 12 digits.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from crowdkit.aggregation import DawidSkene as CrowdKitDawidSkene
from statsmodels.stats.inter_rater import fleiss_kappa as statsmodels_fleiss_kappa

from annotator.agreement.report import build_report
from annotator.schema.load import parse_schema
from tests.unit.agreement.test_report import record, view

# crowd-kit calls pandas with arguments pandas 3 deprecates; that is crowd-kit's business, not a finding here.
pytestmark = pytest.mark.filterwarnings("ignore:::crowdkit")

SCHEMA = parse_schema(
    json.dumps(
        {
            "name": "factcheck",  # the name and version test_report.record writes
            "version": 1,
            "fields": [
                {"id": "kind", "label": "Kind", "kind": "single", "required": True,
                 "values": [{"id": v, "label": v} for v in ("red", "green", "blue")]},
                {"id": "level", "label": "Level", "kind": "single", "ordinal": True, "required": True,
                 "values": [{"id": v, "label": v} for v in ("low", "mid", "high", "top")]},
                {"id": "tags", "label": "Tags", "kind": "multi", "values": [{"id": v, "label": v} for v in "xyz"]},
            ],
        }
    )
)  # fmt: skip

# One line per unit, one cell per annotator: kind, level and tags ("." no tag, "-" no label).
UNITS = [
    "red top y+z | - | red top y",
    "green low z | green high . | -",
    "green high . | red high . | red high y+z",
    "red top x+z | - | red top y",
    "- | green high . | green high .",
    "green low y | green low y | green low .",
    "- | red mid . | red mid .",
    "- | - | green mid x+z",
    "- | blue top z | blue high z",
    "green mid . | - | green mid .",
    "green low z | - | green low z",
    "red mid x+y | red mid . | -",
    "blue low x+y | blue mid x | green mid x+y",
    "green top . | red top . | green top .",
]
IRRCAC = {"kind fleiss": 0.742857142857, "kind ac1": 0.780487804878, "level ac2 ordinal": 0.810103469264, "tags ac2 masi": 0.47662954172}


def records(units: list[str]) -> list[dict]:
    found = []
    for number, line in enumerate(units):
        for annotator, cell in zip(("ann", "bob", "cy"), line.split("|")):
            if cell.strip() != "-":
                kind, level, tags = cell.split()
                labels = {"kind": kind, "level": level, **({"tags": tags.split("+")} if tags != "." else {})}
                found.append(record(annotator, number, labels))
    return found


def test_fleiss_and_gwet_coefficients_are_irrcacs() -> None:
    report = build_report(view(records(UNITS)), SCHEMA, bootstrap=0)
    kind, level, tags = report.fields
    assert kind.fleiss is not None and kind.fleiss.value == pytest.approx(IRRCAC["kind fleiss"], abs=1e-11)
    assert kind.ac1.value == pytest.approx(IRRCAC["kind ac1"], abs=1e-11)
    assert level.ac1.value == pytest.approx(IRRCAC["level ac2 ordinal"], abs=1e-11)
    assert tags.ac1.value == pytest.approx(IRRCAC["tags ac2 masi"], abs=1e-11)
    assert (kind.ac1.units, kind.ac1.pairable) == (13, 30)  # the unit with one label is not counted
    assert level.fleiss is None and tags.fleiss is None  # nominal fields only


@pytest.mark.parametrize("seed", range(10))
def test_fleiss_kappa_is_statsmodels_when_every_annotator_rates_every_unit(seed: int) -> None:
    rng = np.random.default_rng(seed)
    values = ["red", "green", "blue"]
    truth = rng.integers(0, 3, 40)
    chosen = np.where(rng.random((40, 3)) < 0.6, truth[:, None], rng.integers(0, 3, (40, 3)))
    units = [" | ".join(f"{values[v]} low ." for v in row) for row in chosen]
    report = build_report(view(records(units)), SCHEMA, fields=["kind"], bootstrap=0)
    table = np.stack([np.bincount(row, minlength=3) for row in chosen])
    assert report.fields[0].fleiss is not None
    assert report.fields[0].fleiss.value == pytest.approx(statsmodels_fleiss_kappa(table, method="fleiss"), abs=1e-12)


def test_the_dawid_skene_estimates_of_the_report_are_crowd_kits() -> None:
    report = build_report(view(records(UNITS)), SCHEMA, fields=["kind"], bootstrap=0, model=True)
    kind = report.fields[0]
    assert kind.model is not None
    rows = [
        (number, annotator, cell.split()[0])
        for number, line in enumerate(UNITS)
        for annotator, cell in zip(("ann", "bob", "cy"), line.split("|"))
        if cell.strip() != "-"
    ]
    reference = CrowdKitDawidSkene(n_iter=100).fit(pd.DataFrame(rows, columns=["task", "worker", "label"]))
    for unit in kind.model.units:
        number = unit.start // 10  # test_report.record puts unit n at 10 n
        assert unit.value == reference.labels_[number]
        assert unit.probability == pytest.approx(reference.probas_.loc[number].max(), abs=1e-8)
    for annotator in kind.model.annotators:
        errors = reference.errors_.loc[annotator.annotator]
        for true in errors.columns:
            for given in errors.index:
                cell = annotator.confusion[kind.values.index(true)][kind.values.index(given)]
                assert cell == pytest.approx(errors.loc[given, true], abs=1e-8)
