"""The agreement report: how far the annotators agree on each schema field, with the numbers behind it.

Which labels count: the current head of each annotator for each unit with status `done`, not an
adjudication, labelled with this schema (name and version) and valid for it. These are exactly the
labels the gold labels are built from (`gold.unusable_reason`); the others are listed in
`Report.left_out`. A unit is a (doc, start, end) with the same sentence text (`text_sha256`); when a
corpus is given, labels are placed on its current units first (`anchors.anchor`), as the export does.

Per field, the level of measurement follows its kind: single choice nominal, ordinal single choice
ordinal (in the schema's value order), multiple choice MASI (sets compared with partial credit), free
text nominal after normalising case and white space. An annotator for whom a field is not asked (its
`when` does not hold for their labels) has no rating for it on that unit: not applicable, not a
disagreement. An asked field left empty is a missing rating too.

Every figure comes with the units and pairable ratings behind it and a percentile bootstrap
interval over units (resampled with replacement, `bootstrap` times, reproducible from `seed`;
identical units are grouped, which draws the same distribution far faster). Resamples in which a
coefficient is undefined are left out of its interval.

Units with the most disagreement are ranked by a score: the sum over fields of the mean distance
between the unit's pairs of ratings, each in [0, 1] (nominal: differ or not; ordinal: steps apart /
(values - 1); MASI distance for sets).
"""

from __future__ import annotations

import json
import math
import re
import zlib
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from functools import partial
from itertools import combinations, compress, repeat
from operator import and_, eq, itemgetter, methodcaller, ne

import numpy as np
import orjson

from annotator.agreement import (
    Pairs,
    Units,
    agreement_batch,
    alpha_batch,
    bootstrap_intervals,
    distance_matrix,
    kappa_batch,
    mean_pair_distance,
    numbered,
    row_groups,
)
from annotator.anchors import anchor
from annotator.corpus import Corpus
from annotator.display import json_safe, printable
from annotator.gold import unusable_reason
from annotator.schema import Field, Schema
from annotator.store import ADJUDICATION, StoreView, describe_left_out, is_adjudication

CONFIDENCE = 0.95
DEFAULT_BOOTSTRAP = 1000
DEFAULT_TOP = 20

UnitKey = tuple[str, int, int, str]  # doc, start, end, text_sha256


@dataclass(frozen=True)
class Estimate:
    value: float  # NaN when undefined
    low: float  # bounds of the bootstrap interval (NaN without resamples)
    high: float
    units: int  # units behind the figure
    pairable: int  # their ratings (each in a unit with at least two)


@dataclass(frozen=True)
class PairAgreement:
    annotators: tuple[str, str]
    kappa: Estimate  # Cohen's kappa over the units both rated
    confusion: list[list[int]]  # rows: first annotator's value, columns: second's (FieldReport.values)


@dataclass(frozen=True)
class LabelAgreement:
    value: str
    alpha: Estimate  # nominal alpha of "this value" against "any other" (multi: the set has it or not)


@dataclass(frozen=True)
class FieldReport:
    id: str
    label: str
    kind: str
    level: str
    alpha: Estimate  # Krippendorff's alpha at `level`
    agreement: Estimate  # mean share of agreeing pairs of ratings (exact match)
    values: list[str]  # row and column names of the confusion tables (empty for text)
    pairs: list[PairAgreement]
    labels: list[LabelAgreement]


@dataclass(frozen=True)
class Disagreement:
    doc: str
    start: int
    end: int
    text: str | None  # with a corpus only
    score: float
    fields: list[str]  # fields on which the annotators' ratings differ


@dataclass(frozen=True)
class Report:
    schema: str
    schema_version: int
    annotators: list[str]
    units: int  # units with at least one counted label
    bootstrap: int
    seed: int
    confidence: float
    fields: list[FieldReport]
    disagreements: list[Disagreement]
    left_out: list[str] = field(default_factory=list)  # labels not counted, and why


ABSENT, INVALID = -1, -2  # codes of a field that is not set, and of a value the field cannot have
_NOT_SET = object()  # what a label without the field reads as
_UNHASHABLE = object()  # stands for a value that cannot even be looked up (a nested list)


@dataclass(frozen=True)
class _Column:
    """One field's value in every label: an index into `domain`, ABSENT or INVALID."""

    code: np.ndarray
    domain: list  # values as compared: value ids, frozensets of them, or normalised text


@dataclass
class _Labels:
    """The counted labels: label r is annotator `coder[r]`'s on unit `unit[r]`."""

    annotators: list[str]
    units: list[UnitKey]
    texts: list[str | None]
    unit: np.ndarray
    coder: np.ndarray
    columns: dict[str, _Column]
    asked: dict[str, np.ndarray]  # field id -> whether the field is asked, per label
    left_out: list[str]


@dataclass
class _Placed:
    """Every current `done` annotation, column by column: its unit (doc, start, end, text hash; the
    text with a corpus), labels and schema; `stale`: those no unit of the corpus has."""

    record: list[dict]
    annotator: list[str]
    doc: list[str]
    start: np.ndarray
    end: np.ndarray
    sha: list[str]
    text: list[str | None]
    labels: list[dict]
    schema: list[str]
    version: list[int]
    stale: list[str]

    def key(self, row: int) -> UnitKey:
        return self.doc[row], int(self.start[row]), int(self.end[row]), self.sha[row]


@dataclass(frozen=True)
class _Ratings:
    """One field's ratings over all units of the report, ordered by unit."""

    units: Units
    coder: np.ndarray
    domain: list
    level: str


def build_report(
    store: StoreView,
    schema: Schema,
    *,
    fields: Sequence[str] | None = None,
    bootstrap: int = DEFAULT_BOOTSTRAP,
    seed: int = 0,
    corpus: Corpus | None = None,
    top: int = DEFAULT_TOP,
) -> Report:
    """The agreement report on `fields` (default: every field of the schema, in schema order).
    KeyError names a field the schema does not have."""
    chosen = [schema.field(field_id) for field_id in fields] if fields else list(schema.fields)
    counted = _counted_labels(store, schema, corpus)
    scores = np.zeros(len(counted.units))
    disagreeing: list[list[str]] = [[] for _ in counted.units]
    reports = []
    for schema_field in chosen:
        ratings = _field_ratings(schema_field, counted)
        rng = np.random.default_rng([seed, zlib.crc32(schema_field.id.encode())])
        reports.append(_field_report(schema_field, ratings, counted.annotators, bootstrap, rng))
        distance = mean_pair_distance(ratings.units, _display_distances(ratings))
        scores += distance
        for unit in np.flatnonzero(distance > 0):
            disagreeing[unit].append(schema_field.id)
    return Report(
        schema=schema.name,
        schema_version=schema.version,
        annotators=counted.annotators,
        units=len(counted.units),
        bootstrap=bootstrap,
        seed=seed,
        confidence=CONFIDENCE,
        fields=reports,
        disagreements=_most_disagreement(counted, scores, disagreeing, top),
        left_out=counted.left_out,
    )


# --- which labels count ------------------------------------------------------------------------------


def _counted_labels(store: StoreView, schema: Schema, corpus: Corpus | None) -> _Labels:
    """The labels that count, each field's value in them and where each field is asked.

    The checks run column by column over the distinct label sets (annotators repeat the same labels
    a lot); the few labels that fail one go through `gold.unusable_reason`, which decides (and
    words) whether they are left out.
    """
    placed = _placed_labels(store, corpus)
    same, distinct = _distinct_labels(placed.labels)
    columns = {f.id: _column(f, distinct) for f in schema.fields}
    asked = {f.id: _asked(schema, f, columns) for f in schema.fields}
    suspect = _suspect_labels(schema, distinct, columns, asked)[same] | _other_schema(schema, placed)
    keep = np.ones(len(placed.labels), dtype=bool)
    left_out = list(placed.stale)
    for row in np.flatnonzero(suspect):
        reason = unusable_reason(schema, placed.record[row])
        if reason is not None:
            keep[row] = False
            left_out.append(describe_left_out(placed.record[row], reason))
    rows = same[keep]
    return _kept(
        placed,
        keep,
        columns={f: _Column(column.code[rows], column.domain) for f, column in columns.items()},
        asked={f: mask[rows] for f, mask in asked.items()},
        left_out=left_out,
    )


def _distinct_labels(labels: list[dict]) -> tuple[np.ndarray, list[dict]]:
    """The number of each label set among the distinct ones, and the distinct ones."""
    try:
        same, _ = numbered(map(orjson.dumps, labels))
    except TypeError:  # not JSON (labels built in memory): treat every label set as distinct
        return np.arange(len(labels)), labels
    first = np.ones(len(same), dtype=bool)  # numbered in order of first appearance
    first[1:] = same[1:] > np.maximum.accumulate(same)[:-1]
    return same, [labels[row] for row in np.flatnonzero(first)]


def _placed_labels(store: StoreView, corpus: Corpus | None) -> _Placed:
    if corpus is None:
        return _heads(store)
    anchoring = anchor(store.latest, corpus)
    placed = [label for label in anchoring.current.values() if _is_annotation(label.record)]
    stale = [
        describe_left_out(label.record, label.reason)
        for label in anchoring.stale
        if _is_annotation(label.record)
    ]
    records = [label.record for label in placed]
    units = [label.unit for label in placed]
    return _Placed(
        record=records,
        annotator=[record["annotator"] for record in records],
        doc=[unit.doc for unit in units],
        start=np.array([unit.start for unit in units], dtype=np.int64),
        end=np.array([unit.end for unit in units], dtype=np.int64),
        sha=[unit.text_sha256 for unit in units],
        text=[unit.text for unit in units],
        labels=[record["labels"] for record in records],
        schema=[record["schema"] for record in records],
        version=[record["schema_version"] for record in records],
        stale=stale,
    )


def _heads(store: StoreView) -> _Placed:
    """The current `done` annotations where the store has them.

    Read column by column: one pass per column over 10^5 records is far faster than a Python loop,
    and the keys of `store.latest` give annotator, doc, start and end cheaper than the records do.
    """
    records = list(store.latest.values())
    done = map(eq, map(itemgetter("status"), records), repeat("done"))
    annotation = map(ne, map(methodcaller("get", "kind"), records), repeat(ADJUDICATION))
    wanted = np.fromiter(map(and_, done, annotation), dtype=bool, count=len(records))
    records = list(compress(records, wanted))
    keys = list(compress(store.latest, wanted))

    def column(rows: list, key: object) -> list:
        return list(map(itemgetter(key), rows))

    return _Placed(
        record=records,
        annotator=column(keys, 0),
        doc=column(keys, 1),
        start=np.fromiter(map(itemgetter(2), keys), dtype=np.int64, count=len(keys)),
        end=np.fromiter(map(itemgetter(3), keys), dtype=np.int64, count=len(keys)),
        sha=column(records, "text_sha256"),
        text=[None] * len(records),
        labels=column(records, "labels"),
        schema=column(records, "schema"),
        version=column(records, "schema_version"),
        stale=[],
    )


def _kept(placed: _Placed, keep: np.ndarray, columns: dict[str, _Column], asked: dict[str, np.ndarray], left_out: list[str]) -> _Labels:
    """The kept rows: units in (doc, start, end) order, annotators alphabetically."""
    unit, first_rows = _unit_numbers(placed, np.flatnonzero(keep))
    all_coders, names = numbered(placed.annotator)
    kept_coders = all_coders[keep]
    annotators = sorted(names[number] for number in np.flatnonzero(np.bincount(kept_coders, minlength=len(names))))
    rank = {name: index for index, name in enumerate(annotators)}
    return _Labels(
        annotators=annotators,
        units=[placed.key(row) for row in first_rows],
        texts=[placed.text[row] for row in first_rows],
        unit=unit,
        coder=np.array([rank.get(name, -1) for name in names], dtype=np.intp)[kept_coders],
        columns=columns,
        asked=asked,
        left_out=left_out,
    )


def _unit_numbers(placed: _Placed, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The unit number of each of `rows`, units in (doc, start, end, text hash) order, and the
    first row of each unit."""
    doc_code, docs = numbered(placed.doc)
    doc_rank = np.argsort(np.argsort(np.array(docs, dtype=object)))
    sha_code, _ = numbered(placed.sha)
    keys = np.stack([doc_rank[doc_code], placed.start, placed.end, sha_code], axis=1)[rows]
    unit, first = row_groups(keys)
    return unit, rows[first]


def _is_annotation(record: Mapping) -> bool:
    return record["status"] == "done" and not is_adjudication(record)


def _other_schema(schema: Schema, placed: _Placed) -> np.ndarray:
    """Labels written with another schema or another version of it."""
    size = len(placed.labels)
    same_name = np.fromiter(map(eq, placed.schema, repeat(schema.name)), dtype=bool, count=size)
    return ~same_name | ~np.fromiter(map(eq, placed.version, repeat(schema.version)), dtype=bool, count=size)


def _suspect_labels(schema: Schema, labels: list[dict], columns: dict[str, _Column], asked: dict[str, np.ndarray]) -> np.ndarray:
    """Label sets that may break a rule of the schema: a key that is no field, a value the field
    cannot have, a value for a field not asked, an asked required field without one."""
    keys = np.fromiter(map(len, labels), dtype=np.intp, count=len(labels))
    suspect = keys != sum((column.code != ABSENT).astype(np.intp) for column in columns.values())
    for schema_field in schema.fields:
        code, is_asked = columns[schema_field.id].code, asked[schema_field.id]
        suspect |= (code == INVALID) | ((code != ABSENT) & ~is_asked)
        if schema_field.required:
            suspect |= is_asked & (code == ABSENT)
    return suspect


def _column(schema_field: Field, labels: list[dict]) -> _Column:
    """The field's value in every label as a code."""
    values = map(methodcaller("get", schema_field.id, _NOT_SET), labels)
    try:
        first_seen, distinct = numbered(map(_multi_key, values) if schema_field.kind == "multi" else values)
    except TypeError:  # a value that cannot be looked up (a nested list): invalid whatever the field
        values = map(methodcaller("get", schema_field.id, _NOT_SET), labels)
        first_seen, distinct = numbered(_hashable_or_marker(_multi_key(value)) for value in values)
    comparable = [_comparable(schema_field, key) for key in distinct]
    domain = _domain(schema_field, {value for value in comparable if value is not None})
    position = {value: code for code, value in enumerate(domain)}
    codes = [ABSENT if key is _NOT_SET else position.get(value, INVALID) for key, value in zip(distinct, comparable)]
    return _Column(np.array(codes, dtype=np.intp)[first_seen], domain)


def _multi_key(value: object) -> object:
    return tuple(value) if type(value) is list else value


def _hashable_or_marker(value: object) -> Hashable:
    try:
        hash(value)
    except TypeError:
        return _UNHASHABLE
    return value  # type: ignore[return-value]


def _comparable(schema_field: Field, key: Hashable) -> Hashable | None:
    """A valid value as compared (a set for multi, normalised case and white space for text); None if invalid."""
    if schema_field.kind == "single":
        return key if type(key) is str and key in schema_field.value_ids else None
    if schema_field.kind == "multi":
        ok = type(key) is tuple and key and len(set(key)) == len(key)
        return frozenset(key) if ok and all(type(v) is str and v in schema_field.value_ids for v in key) else None
    return " ".join(key.split()).casefold() if type(key) is str and key else None


def _asked(schema: Schema, schema_field: Field, columns: dict[str, _Column]) -> np.ndarray:
    """Per label, whether `schema_field` is asked: `schema.applies` once per distinct value of the
    fields its condition chain tests."""
    chain = _condition_chain(schema, schema_field)
    size = len(columns[schema_field.id].code)
    if not chain:
        return np.ones(size, dtype=bool)
    key = np.zeros(size, dtype=np.int64)
    for field_id in chain:
        key = key * (len(columns[field_id].domain) + 2) + columns[field_id].code + 2
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    answers = [schema.applies(schema_field, _chain_labels(chain, columns, row)) for row in first]
    return np.array(answers, dtype=bool)[inverse]


def _chain_labels(chain: list[str], columns: dict[str, _Column], row: int) -> dict[str, object]:
    """The labels of the condition fields in one row, as the store has them."""
    labels: dict[str, object] = {}
    for field_id in chain:
        code = columns[field_id].code[row]
        if code >= 0:
            value = columns[field_id].domain[code]
            labels[field_id] = list(value) if isinstance(value, frozenset) else value
    return labels


def _condition_chain(schema: Schema, schema_field: Field) -> list[str]:
    """The fields whose values decide whether `schema_field` is asked."""
    chain = []
    while schema_field.when is not None:
        chain.append(schema_field.when.field)
        schema_field = schema.field(schema_field.when.field)
    return chain


# --- one field's ratings ---------------------------------------------------------------------------


def _field_ratings(schema_field: Field, counted: _Labels) -> _Ratings:
    """The field's valid value in every counted label for which it is asked and set, ordered by unit."""
    column = counted.columns[schema_field.id]
    rated = counted.asked[schema_field.id] & (column.code >= 0)
    order = np.argsort(counted.unit[rated], kind="stable")
    units = Units(counted.unit[rated][order], column.code[rated][order], np.ones(len(counted.units)), max(len(column.domain), 1))
    return _Ratings(units, counted.coder[rated][order], column.domain, _level(schema_field))


def _level(schema_field: Field) -> str:
    if schema_field.kind == "multi":
        return "masi"
    return "ordinal" if schema_field.ordinal else "nominal"


def _domain(schema_field: Field, values: Iterable[Hashable]) -> list:
    """The field's values in code order: the schema's for single, observed sets or texts otherwise."""
    if schema_field.kind == "single":
        return schema_field.value_ids
    position = schema_field.positions
    if schema_field.kind == "multi":
        return sorted(set(values), key=lambda labels: (len(labels), sorted(position[v] for v in labels)))
    return sorted(set(values))


def _display_distances(ratings: _Ratings) -> np.ndarray | None:
    """Distances in [0, 1] for the disagreement score (None: nominal)."""
    if ratings.level == "masi":
        return distance_matrix("masi", ratings.domain)
    if ratings.level == "ordinal":
        steps = np.arange(len(ratings.domain))
        return np.abs(steps[:, None] - steps[None, :]) / max(len(steps) - 1, 1)
    return None


# --- statistics --------------------------------------------------------------------------------------


def _field_report(schema_field: Field, ratings: _Ratings, annotators: list[str], resamples: int, rng: np.random.Generator) -> FieldReport:
    units = ratings.units.pairable().grouped()
    per_value = _one_against_rest(schema_field, ratings.domain)
    statistics = [
        partial(alpha_batch, units, level=ratings.level, domain=ratings.domain),
        partial(agreement_batch, units),
        *(partial(alpha_batch, units.recoded(has_value.astype(np.intp), 2), level="nominal", domain=()) for _, has_value in per_value),
    ]
    pairable = int(units.weight @ units.sizes()) if units.n_units else 0
    alpha, agreement, *labels = _estimates(statistics, units.weight, int(units.weight.sum()), pairable, resamples, rng)
    return FieldReport(
        id=schema_field.id,
        label=schema_field.label,
        kind=schema_field.kind,
        level=ratings.level,
        alpha=alpha,
        agreement=agreement,
        values=_value_names(schema_field, ratings.domain) if schema_field.kind != "text" else [],
        pairs=_pair_agreements(schema_field, ratings, annotators, resamples, rng),
        labels=[LabelAgreement(value_id, estimate) for (value_id, _), estimate in zip(per_value, labels)],
    )


def _estimates(
    statistics: list[Callable[[np.ndarray], np.ndarray]], weight: np.ndarray, units: int, pairable: int, resamples: int, rng: np.random.Generator
) -> list[Estimate]:
    """Each statistic's value and bootstrap interval, all intervals from the same resamples."""
    intervals = bootstrap_intervals(statistics, weight, resamples, rng, CONFIDENCE)
    return [
        Estimate(float(statistic(weight[None])[0]), low, high, units, pairable)
        for statistic, (low, high) in zip(statistics, intervals)
    ]


def _pair_agreements(
    schema_field: Field, ratings: _Ratings, annotators: list[str], resamples: int, rng: np.random.Generator
) -> list[PairAgreement]:
    """Cohen's kappa and the confusion table of every pair of annotators, over the units both rated."""
    codes = np.full((len(annotators), ratings.units.n_units), ABSENT, dtype=np.intp)
    codes[ratings.coder, ratings.units.unit] = ratings.units.code
    rated = codes >= 0
    found = []
    for a, b in combinations(range(len(annotators)), 2):
        both = rated[a] & rated[b]
        pairs = Pairs.from_codes(codes[a][both], codes[b][both], ratings.units.n_codes)
        units = int(pairs.weight.sum())
        (kappa,) = _estimates([partial(kappa_batch, pairs)], pairs.weight, units, 2 * units, resamples, rng)
        confusion = pairs.confusion().tolist() if schema_field.kind != "text" else []
        found.append(PairAgreement((annotators[a], annotators[b]), kappa, confusion))
    return found


def _one_against_rest(schema_field: Field, domain: list) -> list[tuple[str, np.ndarray]]:
    """(value id, which codes count as that value) for each schema value; none for free text."""
    if schema_field.kind == "single":
        return [(value_id, np.array([v == value_id for v in domain])) for value_id in schema_field.value_ids]
    if schema_field.kind == "multi":
        return [(value_id, np.array([value_id in labels for labels in domain], dtype=bool)) for value_id in schema_field.value_ids]
    return []


def _value_names(schema_field: Field, domain: list) -> list[str]:
    if schema_field.kind != "multi":
        return [str(value) for value in domain]
    return ["+".join(sorted(labels, key=schema_field.positions.__getitem__)) for labels in domain]


def _most_disagreement(counted: _Labels, scores: np.ndarray, fields: list[list[str]], top: int) -> list[Disagreement]:
    """The `top` units with the highest score, ties in unit order (doc, start, end)."""
    if top <= 0 or not np.any(scores > 0):
        return []
    threshold = max(np.partition(scores, -top)[-top] if top < len(scores) else 0, np.finfo(float).tiny)
    candidates = sorted(np.flatnonzero(scores >= threshold), key=lambda unit: (-scores[unit], counted.units[unit]))
    return [
        Disagreement(*counted.units[unit][:3], counted.texts[unit], round(float(scores[unit]), 6), fields[unit])
        for unit in candidates[:top]
    ]


# --- rendering ---------------------------------------------------------------------------------------


def to_json(report: Report) -> str:
    """The report as JSON: keys sorted, NaN as null, floats to 6 decimals; the same report gives the same text."""
    return json_safe(json.dumps(_plain(asdict(report)), sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False)) + "\n"


def _plain(value: object) -> object:
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 6)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def render_markdown(report: Report) -> str:
    """The report as Markdown for a paper or a dataset card (headings from level 3 down)."""
    lines = [_summary_sentence(report, _md), "", *_markdown_table(_SUMMARY_HEADER, _summary_rows(report, _md), right=(2, 3))]
    for field_report in report.fields:
        lines += ["", f"### {_md(field_report.label)} (`{field_report.id}`)", ""]
        lines += _markdown_field(field_report)
    if report.disagreements:
        lines += ["", "### Units with the most disagreement", ""]
        lines += _markdown_table(_DISAGREEMENT_HEADER, _disagreement_rows(report, _md), right=(2,))
    return "\n".join(lines) + "\n"


def render_text(report: Report) -> str:
    """The report as plain text tables for a terminal (no markup, untrusted text made printable)."""
    blocks = [_summary_sentence(report, _plain_text), _text_table(_SUMMARY_HEADER, _summary_rows(report, _plain_text))]
    for field_report in report.fields:
        blocks.append(f"== {field_report.label} ({field_report.id}) ==")
        tables = _field_tables(field_report, _plain_text)
        blocks += [f"{title}\n{_text_table(header, rows)}" for title, header, rows in tables]
    if report.disagreements:
        rows = _disagreement_rows(report, _plain_text)
        blocks.append(f"Units with the most disagreement\n{_text_table(_DISAGREEMENT_HEADER, rows)}")
    return printable("\n\n".join(blocks)) + "\n"


Escape = Callable[[str], str]
_MARKDOWN_SPECIAL = re.compile(r"[\\`*\[\]<>|#~!]|(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")  # intraword _ is plain text
_SUMMARY_HEADER = ["Field", "Level", "Units", "Pairable ratings", "Krippendorff's alpha [95% CI]", "Agreement [95% CI]"]
_DISAGREEMENT_HEADER = ["Document", "Span", "Score", "Fields", "Text"]


def _summary_sentence(report: Report, text: Escape) -> str:
    names = text(", ".join(report.annotators) or "none")
    interval = (
        f"{report.confidence:.0%} intervals: percentile bootstrap over units, {report.bootstrap} resamples, seed {report.seed}."
        if report.bootstrap
        else "No bootstrap intervals (0 resamples)."
    )
    left_out = f" {_count(len(report.left_out), 'label')} left out (another schema, or not valid for this one)." if report.left_out else ""
    return (
        f"Agreement of {_count(len(report.annotators), 'annotator')} ({names}) on {_count(report.units, 'unit')},"
        f" schema {text(report.schema)} v{report.schema_version}: current done labels only.{left_out} {interval}"
        " A field not asked of an annotator (its condition does not hold) counts as not applicable, not as disagreement."
    )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _summary_rows(report: Report, text: Escape) -> list[list[str]]:
    return [
        [text(f.label), _level_name(f), str(f.alpha.units), str(f.alpha.pairable), _with_interval(f.alpha), _with_interval(f.agreement, percent=True)]
        for f in report.fields
    ]


def _level_name(report: FieldReport) -> str:
    if report.kind == "text":
        return "nominal (normalised text)"
    return "MASI (sets)" if report.level == "masi" else report.level


def _field_tables(report: FieldReport, text: Escape) -> list[tuple[str, list[str], list[list[str]]]]:
    """(title, header, rows) of each table of one field; `text` escapes what came from the user."""
    tables = []
    if report.pairs:
        rows = [[text(" / ".join(pair.annotators)), _with_interval(pair.kappa), str(pair.kappa.units)] for pair in report.pairs]
        tables.append(("Pairwise Cohen's kappa [95% CI], exact match, units both rated", ["Annotators", "Kappa [95% CI]", "Units"], rows))
    if report.labels:
        rows = [[text(label.value), _with_interval(label.alpha)] for label in report.labels]
        tables.append(("Per value, one against the rest: Krippendorff's alpha [95% CI]", ["Value", "Alpha [95% CI]"], rows))
    tables += [_confusion_table([text(v) for v in report.values], pair, text) for pair in report.pairs if np.any(pair.confusion)]
    return tables


def _confusion_table(values: list[str], pair: PairAgreement, text: Escape) -> tuple[str, list[str], list[list[str]]]:
    """The confusion table of one pair, only the values either annotator used."""
    table = np.array(pair.confusion)
    used = np.flatnonzero(table.sum(axis=0) + table.sum(axis=1))
    first, second = map(text, pair.annotators)
    rows = [[values[row], *(str(table[row, column]) for column in used)] for row in used]
    return f"Confusion table: rows {first}, columns {second}", ["", *(values[column] for column in used)], rows


def _markdown_field(report: FieldReport) -> list[str]:
    lines = [f"Level: {_level_name(report)}. Units: {report.alpha.units}; pairable ratings: {report.alpha.pairable}."]
    for title, header, rows in _field_tables(report, _md):
        lines += ["", f"{title}:", "", *_markdown_table(header, rows)]
    return lines


def _disagreement_rows(report: Report, text: Escape) -> list[list[str]]:
    return [
        [text(unit.doc), f"{unit.start}-{unit.end}", f"{unit.score:.3f}", ", ".join(unit.fields), text(_shortened(unit.text or ""))]
        for unit in report.disagreements
    ]


def _shortened(text: str, limit: int = 100) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _with_interval(estimate: Estimate, percent: bool = False) -> str:
    def shown(number: float) -> str:
        if math.isnan(number):
            return "n/a"
        return f"{number:.1%}" if percent else f"{number:.3f}"

    if math.isnan(estimate.low):
        return shown(estimate.value)
    return f"{shown(estimate.value)} [{shown(estimate.low)}, {shown(estimate.high)}]"


def _markdown_table(header: list[str], rows: list[list[str]], right: tuple[int, ...] = ()) -> list[str]:
    rule = ["---:" if index in right else "---" for index in range(len(header))]
    return [_markdown_row(header), _markdown_row(rule), *map(_markdown_row, rows)]


def _markdown_row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _plain_text(text: str) -> str:
    return " ".join(text.split())


def _md(text: str) -> str:
    """Untrusted text for Markdown: printable, one line, every character Markdown acts on escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\g<0>", printable(" ".join(text.split())))


def _text_table(header: list[str], rows: list[list[str]]) -> str:
    cells = [header, *([" ".join(cell.split()) for cell in row] for row in rows)]
    widths = [max(len(row[column]) for row in cells) for column in range(len(header))]
    return "\n".join("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in cells)
