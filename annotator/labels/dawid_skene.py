"""A model-based gold label: Dawid and Skene (1979), "Maximum likelihood estimation of observer
error-rates using the EM algorithm", Applied Statistics 28(1).

Each annotator has a confusion matrix, the probability of giving each value when the true value is
another; each unit's true value is unknown. EM alternates between the posterior of every unit's true
value given the matrices (E step) and the matrices and value shares given those posteriors (M step).

It follows crowd-kit's `DawidSkene` step for step, so that both give the same numbers (a test checks
it): the first posteriors are the shares of each unit's votes; probabilities are clipped at 1e-10
before their logarithm; iteration stops after 100 rounds or when the evidence lower bound per rating
gains less than 1e-5. Only the values someone gave take part; a value nobody gave has probability 0.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from annotator.labels.counting import Rating, field_ratings
from annotator.schema.model import Field, Schema

MAX_ITERATIONS = 100
TOLERANCE = 1e-5
_EPS = 1e-10

UnitT = TypeVar("UnitT")


@dataclass(frozen=True)
class DawidSkene:
    """The fitted model over tasks 0..T-1, annotators 0..A-1 and values 0..V-1."""

    posteriors: np.ndarray  # (T, V): P(true value | the task's ratings); NaN rows for tasks nobody rated
    priors: np.ndarray  # (V,): the share of each true value
    confusion: np.ndarray  # (A, V, V): [a, true, given] = P(annotator a gives `given` | the value is `true`)
    iterations: int

    def gold(self) -> tuple[np.ndarray, np.ndarray]:
        """Per task, the most probable value (-1 when nobody rated it) and its posterior probability."""
        rated = ~np.isnan(self.posteriors[:, 0]) if len(self.posteriors) else np.zeros(0, dtype=bool)
        value = np.full(len(self.posteriors), -1, dtype=np.intp)
        value[rated] = self.posteriors[rated].argmax(axis=1)
        probability = np.full(len(self.posteriors), np.nan)
        probability[rated] = self.posteriors[rated].max(axis=1)
        return value, probability

    def accuracy(self) -> np.ndarray:
        """(A,): each annotator's estimated share of ratings that give the true value."""
        return np.einsum("v,avv->a", self.priors, self.confusion)


def dawid_skene(task: np.ndarray, annotator: np.ndarray, value: np.ndarray, shape: tuple[int, int, int]) -> DawidSkene:
    """Fit the model to ratings: rating r is annotator `annotator[r]`'s `value[r]` on task `task[r]`;
    `shape` is (tasks, annotators, values)."""
    n_tasks, n_annotators, n_values = shape
    rated_tasks, task = np.unique(task, return_inverse=True)
    used_values, value = np.unique(value, return_inverse=True)
    fit = _Fit(task, annotator, value, (len(rated_tasks), n_annotators, len(used_values)))
    posteriors, priors, confusion, iterations = fit.run()
    full_posteriors = np.full((n_tasks, n_values), np.nan)
    full_posteriors[rated_tasks] = 0
    full_posteriors[np.ix_(rated_tasks, used_values)] = posteriors
    full_priors = np.zeros(n_values)
    full_priors[used_values] = priors
    full_confusion = np.zeros((n_annotators, n_values, n_values))
    full_confusion[np.ix_(np.arange(n_annotators), used_values, used_values)] = confusion
    return DawidSkene(full_posteriors, full_priors, full_confusion, iterations)


@dataclass
class _Fit:
    task: np.ndarray
    annotator: np.ndarray
    value: np.ndarray
    shape: tuple[int, int, int]

    def run(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
        n_tasks, _, n_values = self.shape
        votes = np.bincount(self.task * n_values + self.value, minlength=n_tasks * n_values).reshape(n_tasks, n_values)
        posteriors = votes / votes.sum(axis=1, keepdims=True)
        priors = posteriors.mean(axis=0)
        confusion = self._m_step(posteriors)
        bound, iterations = -np.inf, 0
        while iterations < MAX_ITERATIONS:
            iterations += 1
            posteriors = self._e_step(priors, confusion)
            priors = posteriors.mean(axis=0)
            confusion = self._m_step(posteriors)
            new_bound = self._lower_bound(posteriors, priors, confusion) / len(self.task)
            if new_bound - bound < TOLERANCE:
                break
            bound = new_bound
        return posteriors, priors, confusion, iterations

    def _m_step(self, posteriors: np.ndarray) -> np.ndarray:
        """(A, true, given): the expected counts of each annotator's ratings, normalised per true value."""
        _, n_annotators, n_values = self.shape
        cell = self.annotator * n_values + self.value
        counts = np.stack(
            [np.bincount(cell, weights=posteriors[self.task, true], minlength=n_annotators * n_values) for true in range(n_values)]
        )
        counts = counts.reshape(n_values, n_annotators, n_values).transpose(1, 0, 2)
        given = np.bincount(cell, minlength=n_annotators * n_values).reshape(n_annotators, 1, n_values) > 0
        counts = np.where(given, np.maximum(counts, _EPS), 0)
        return counts / counts.sum(axis=2, keepdims=True)

    def _given_log(self, confusion: np.ndarray, log: np.ufunc) -> np.ndarray:
        """(R, true): the log-probability of each rating under each true value."""
        return log(confusion[self.annotator, :, self.value])

    def _e_step(self, priors: np.ndarray, confusion: np.ndarray) -> np.ndarray:
        n_tasks, _, n_values = self.shape
        per_rating = self._given_log(confusion, np.log2)
        log_likelihood = np.stack(
            [np.bincount(self.task, weights=per_rating[:, true], minlength=n_tasks) for true in range(n_values)], axis=1
        )
        log_likelihood += np.log2(np.maximum(priors, _EPS))
        scaled = np.exp2(log_likelihood - log_likelihood.max(axis=1, keepdims=True))
        return scaled / scaled.sum(axis=1, keepdims=True)

    def _lower_bound(self, posteriors: np.ndarray, priors: np.ndarray, confusion: np.ndarray) -> float:
        joint = self._given_log(confusion, np.log) + np.log(np.maximum(priors, _EPS))
        expectation = float((posteriors[self.task] * joint).sum())
        clipped = np.maximum(posteriors, _EPS)
        return expectation - float((clipped * np.log(clipped)).sum())


@dataclass(frozen=True)
class FieldEstimate:
    """The model's gold value of one field on one unit, and its posterior probability."""

    value: Rating
    probability: float


def field_estimates(
    schema: Schema,
    field: Field,
    labels_by_unit: Mapping[UnitT, Mapping[str, Mapping[str, object]]],
    unanswered: Mapping[UnitT, Mapping[str, AbstractSet[str]]] | None = None,
) -> dict[UnitT, FieldEstimate]:
    """unit -> FieldEstimate of `field`, from the ratings of the annotators asked it (`counting.field_ratings`;
    `unanswered`: per unit, the fields a label read through a migration leaves unanswered); units where
    nobody was asked are left out."""
    units: list[UnitT] = []
    rows: list[tuple[int, str, Rating]] = []
    for unit, labels_by_coder in labels_by_unit.items():
        ratings = field_ratings(schema, field, labels_by_coder, (unanswered or {}).get(unit))
        if ratings:
            rows += [(len(units), coder, rated) for coder, rated in ratings.items()]
            units.append(unit)
    if not rows:
        return {}
    coders, values = _numbering([coder for _, coder, _ in rows]), _numbering([rated for _, _, rated in rows])
    model = dawid_skene(
        np.array([task for task, _, _ in rows], dtype=np.intp),
        np.array([coders[coder] for _, coder, _ in rows], dtype=np.intp),
        np.array([values[rated] for _, _, rated in rows], dtype=np.intp),
        (len(units), len(coders), len(values)),
    )
    best, probability = model.gold()
    domain = list(values)
    return {unit: FieldEstimate(domain[best[task]], float(probability[task])) for task, unit in enumerate(units)}


def _numbering(keys: Sequence) -> dict:
    """Each distinct key's number, in order of first appearance."""
    return {key: number for number, key in enumerate(dict.fromkeys(keys))}
