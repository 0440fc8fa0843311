"""The Dawid-Skene model against crowd-kit's `DawidSkene` (test extra) on the same ratings, and by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from crowdkit.aggregation import DawidSkene as CrowdKitDawidSkene

from annotator.labels.dawid_skene import dawid_skene, field_estimates
from tests.unit.labels.test_counting import SCHEMA

# crowd-kit calls pandas with arguments pandas 3 deprecates; that is crowd-kit's business, not a finding here.
pytestmark = pytest.mark.filterwarnings("ignore:::crowdkit")


def random_ratings(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple[int, int, int]]:
    """Annotators of different skill on tasks with a true value; about 30% of ratings missing."""
    rng = np.random.default_rng(seed)
    tasks, annotators, values = int(rng.integers(5, 80)), int(rng.integers(2, 7)), int(rng.integers(2, 6))
    truth = rng.integers(0, values, tasks)
    skill = rng.uniform(0.3, 0.95, annotators)
    rows = [
        (task, annotator, int(truth[task] if rng.random() < skill[annotator] else rng.integers(0, values)))
        for task in range(tasks)
        for annotator in range(annotators)
        if rng.random() < 0.7
    ]
    task, annotator, value = (np.array(column) for column in zip(*rows))
    return task, annotator, value, (tasks, annotators, values)


@pytest.mark.parametrize("seed", range(6))
def test_posteriors_and_confusion_matrices_are_crowd_kits(seed: int) -> None:
    task, annotator, value, shape = random_ratings(seed)
    ours = dawid_skene(task, annotator, value, shape)
    reference = CrowdKitDawidSkene(n_iter=100).fit(pd.DataFrame({"task": task, "worker": annotator, "label": value}))
    probabilities = reference.probas_
    rows, columns = probabilities.index.to_numpy(), probabilities.columns.to_numpy()
    assert ours.posteriors[np.ix_(rows, columns)] == pytest.approx(probabilities.to_numpy(), abs=1e-8)
    for (worker, given), errors in reference.errors_.iterrows():
        for true in reference.errors_.columns:
            assert ours.confusion[worker, true, given] == pytest.approx(errors[true], abs=1e-8)
    assert ours.priors[columns] == pytest.approx(reference.priors_.to_numpy(), abs=1e-8)


def test_a_vote_from_an_annotator_who_always_flips_reads_the_other_way() -> None:
    """By hand: on 40 tasks (truth alternating 0, 1) annotators 0 and 1 give the truth and annotator 2
    the other value. The model learns annotator 2's matrix, [[0, 1], [1, 0]]: so on task 40, which only
    annotator 2 rated, as 1, the gold value is 0, as sure as the model is of the matrix."""
    truth = np.arange(40) % 2
    task = np.append(np.repeat(np.arange(40), 3), 40)
    annotator = np.append(np.tile(np.arange(3), 40), 2)
    value = np.append(np.stack([truth, truth, 1 - truth], axis=1).ravel(), 1)
    model = dawid_skene(task, annotator, value, (41, 3, 2))
    gold, probability = model.gold()
    assert list(gold) == [*truth, 0]
    assert probability.min() > 0.99
    assert model.accuracy() == pytest.approx([1, 1, 0], abs=1e-6)
    assert model.confusion[2] == pytest.approx(np.array([[0, 1], [1, 0]]), abs=1e-6)


def test_field_estimates_follow_the_counting_rule() -> None:
    flags = SCHEMA.field("flags")
    units = {
        "u1": {"ann": {"worth": "yes", "flags": ["a"]}, "bob": {"worth": "yes", "flags": ["a"]}},
        "u2": {"ann": {"worth": "yes"}, "bob": {"worth": "yes"}},  # both left flags empty: the value (none)
        "u3": {"ann": {"worth": "no"}, "bob": {"worth": "no"}},  # nobody asked
    }
    estimates = field_estimates(SCHEMA, flags, units)
    assert set(estimates) == {"u1", "u2"}
    assert estimates["u1"].value == ("a",) and estimates["u2"].value is None
    assert estimates["u1"].probability == pytest.approx(1)
