"""The dataset card: README.md of an export, with the YAML header the Hugging Face `datasets` library reads.

The header declares one config, `default`, with one `data_files` entry per non-empty split
(`- split: train` / `path: data/train.jsonl`). The body says what a row holds, how gold labels were
decided, the schema with its definitions, label distributions, the agreement report and how the data
was made. Everything comes from the export's inputs, never from the clock, so the same inputs give
the same card.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import orjson

from annotator import __version__
from annotator.dataset.votes import LONG_COLUMNS, SHAPES, VOTE_FORMATS
from annotator.labels.gold import (
    ADJUDICATED,
    DAWID_SKENE,
    MAJORITY,
    NOT_APPLICABLE,
    RESOLUTIONS,
    SINGLE,
    UNANIMOUS,
    UNRESOLVED,
)
from annotator.schema.model import Field
from annotator.text import json_safe, markdown_code, markdown_table, markdown_text

if TYPE_CHECKING:
    from annotator.dataset.build import Dataset

RESOLUTION_MEANINGS = {
    ADJUDICATED: "a reviewer decided it",
    UNANIMOUS: "two or more annotators, all agreeing",
    SINGLE: "only one annotator labelled it",
    MAJORITY: "a strict majority of the annotators agreed, at least the minimum agreement",
    DAWID_SKENE: "the value the Dawid-Skene model finds most probable (its probability in `<field>_confidence`)",
    NOT_APPLICABLE: "not asked, given the gold labels of the fields it depends on",
    UNRESOLVED: "no gold label: annotators disagree (or a reviewer must decide)",
}
_SIZE_CATEGORIES = ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M"))


def render_card(dataset: Dataset) -> str:
    parts = [
        _header(dataset),
        _intro(dataset),
        _summary(dataset),
        _loading(dataset),
        _splits(dataset),
        _columns(dataset),
        _gold_rule(dataset),
        _distributions(dataset),
        _schema(dataset),
        _migrations(dataset),
        _agreement(dataset),
        _provenance(dataset),
    ]
    return "\n\n".join(part.rstrip("\n") for part in parts if part) + "\n"


def _header(dataset: Dataset) -> str:
    lines = [
        "---",
        f"pretty_name: {_yaml_string(dataset.schema.title or dataset.schema.name)}",
        "task_categories:",
        "- text-classification",
        "size_categories:",
        f"- {_size_category(len(dataset.rows))}",
        "configs:",
        "- config_name: default",
        "  data_files:",
    ]
    for split in dataset.splits:
        path = dataset.data_file(split)
        if path is not None:
            lines += [f"  - split: {split}", f"    path: {path}"]
    features = column_types(dataset)
    if features:
        lines += ["dataset_info:", "  features:"]
    for name, kind in features.items():
        lines += [f"  - name: {_yaml_string(name)}", f"    {kind}"]
    return "\n".join([*lines, "---"])


def column_types(dataset: Dataset) -> dict[str, str]:
    """column -> its `datasets` feature in YAML (`dtype: string`, `sequence: string`, ...).

    Declared so that `datasets` need not guess: a column that is null throughout one split would
    otherwise be typed `null` there and clash with the other splits. Prodigy's and Label Studio's
    nested shapes are left to `datasets` (none declared).
    """
    if dataset.options.format == "long":
        return {name: "dtype: int64" if name in ("start", "end") else "dtype: string" for name in LONG_COLUMNS}
    if dataset.options.format in VOTE_FORMATS:
        return {}
    lists = dataset.options.format != "csv"  # CSV joins lists into one string
    features = {
        "int64": "dtype: int64",
        "float64": "dtype: float64",
        "bool": "dtype: bool",
        "list": "sequence: string" if lists else "dtype: string",
    }
    return {name: features.get(kind, "dtype: string") for name, kind in dataset.column_kinds().items()}


def _yaml_string(text: str) -> str:
    """A YAML double-quoted scalar (JSON string syntax is valid YAML), controls escaped."""
    return json_safe(orjson.dumps(text).decode("utf-8"))


def _size_category(rows: int) -> str:
    return next((name for limit, name in _SIZE_CATEGORIES if rows < limit), "n>1M")


def _intro(dataset: Dataset) -> str:
    schema = dataset.schema
    title = markdown_text(schema.title or schema.name)
    return (
        f"# {title}\n\n{markdown_text(schema.description)}\n\n"
        f"Sentences labelled on the schema `{schema.name}` version {schema.version}"
        f" ({len(schema.fields)} fields), exported by annotator {__version__}: {len(dataset.rows)} rows"
        f" from {len(dataset.documents)} documents, labelled by {len(dataset.annotators)} annotators."
        + (
            " The data files hold the annotators' votes on each sentence (see Loading); the gold labels are what they made."
            if dataset.options.format in VOTE_FORMATS
            else " Each row is one sentence with its gold label per field and how that label was decided."
        )
    )


def _summary(dataset: Dataset) -> str:
    adjudicated = sum(1 for unit in dataset.units if unit.adjudications)
    unresolved_note = "left out (--resolved-only)" if dataset.options.resolved_only else "exported, marked `resolved: false`"
    rows = [
        ("labelled units (a current `done` label or an adjudication)", len(dataset.units)),
        ("resolved units (every required field has a gold label)", dataset.resolved_units),
        (f"unresolved units, {unresolved_note}", dataset.unresolved_units),
        ("units with an adjudication", adjudicated),
        ("rows exported", len(dataset.rows)),
        ("annotators", len(dataset.annotators)),
        ("labels left out (stale or not fitting the schema, listed below)", len(dataset.left_out)),
    ]
    return "## Summary\n\n" + _table(("", "count"), rows)


def _loading(dataset: Dataset) -> str:
    return (
        "## Loading\n\n"
        "```python\nfrom datasets import load_dataset\n\n"
        'dataset = load_dataset("path/to/this/folder")  # or the dataset\'s name on the Hub\n```\n\n' + _data_files(dataset)
    )


def _data_files(dataset: Dataset) -> str:
    shape = SHAPES.get(dataset.options.format)
    if shape is None:
        return f"The files in `data/` are plain {dataset.options.format.upper()} as well: one row per sentence."
    return (
        f"The files in `data/` hold the annotators' votes on the exported sentences, not the gold labels: {shape}"
        " A vote is an annotator's current `done` label; the gold labels that the sections below describe are"
        " what the votes made (export with `--format jsonl` for them as rows)."
    )


def _splits(dataset: Dataset) -> str:
    rows = [
        (split, len(dataset.split_documents[split]), len(rows), f"`{dataset.data_file(split)}`" if rows else "none (empty)")
        for split, rows in dataset.splits.items()
    ]
    shares = dataset.options.split_spec
    text = (
        "## Splits\n\n"
        f"Split by document with seed {dataset.options.seed} and shares `{shares}` of the rows: documents are"
        " ordered by the sha256 of `<seed>:<document id>` and each goes whole to the split whose share holds"
        " the middle of its rows. No document has rows in two splits. An empty split has no file.\n\n"
    )
    return text + _table(("split", "documents", "rows", "file"), rows)


def _columns(dataset: Dataset) -> str:
    if dataset.options.format in VOTE_FORMATS:
        return ""  # the votes' shape is said under Loading
    rows = [
        ("`doc`", "string", "document id"),
        ("`start`, `end`", "integer", "half-open character offsets (Python `str` indices) of the sentence in the document"),
        ("`text`", "string", "the sentence"),
        ("`resolved`", "boolean", "every required field has a gold label"),
        ("`annotators`", "integer", "annotators whose current `done` label of the sentence counts"),
        (
            "`<field>`",
            "string, list of strings (multi) or null",
            "the gold label; null when there is none (a multiple choice agreed empty is `[]`)",
        ),
        ("`<field>_resolution`", "string", "how the gold label was decided (see Gold labels)"),
        ("`<field>_reviewer`", "string or null", "`adjudicated`: the reviewer who decided it (several: comma-separated); else null"),
    ]
    if dataset.options.confidence:
        rows.append(
            (
                "`<field>_confidence`",
                "float or null",
                "choice fields: the Dawid-Skene posterior probability of the gold label; null when another rule decided it",
            )
        )
    if dataset.options.include_annotators:
        rows += [
            (
                "`status@<annotator>`",
                "string or null",
                "the status of that annotator's current label: `done`, `draft`, `skipped` or `flagged`; null if they have none",
            ),
            ("`<field>@<annotator>`", "as `<field>`", "that annotator's current `done` label; null if not given"),
        ]
    text = "## Columns\n\n" + _table(("column", "type", "meaning"), rows)
    if dataset.options.format == "csv":
        text += (
            "\n\nCSV is written for spreadsheets: UTF-8 with a byte order mark (without one, Excel reads the file as"
            " Windows-1252), lists joined with `;`, null as an empty cell (so an empty list is one too), booleans as"
            " `true` / `false`. A cell that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@` or"
            " their fullwidth forms, after any spaces, zero-width characters or NUL; or with tab or carriage return)"
            " is prefixed with `'`, and control, bidi and zero-width characters are shown as visible symbols: such a"
            " `text` is then not `document[start:end]`. JSONL and Parquet hold the text exactly."
        )
    return text


def _resolutions(dataset: Dataset) -> list[str]:
    """The resolutions the export's gold method can give."""
    return [name for name in RESOLUTIONS if name != DAWID_SKENE or dataset.options.confidence]


def _gold_rule(dataset: Dataset) -> str:
    minimum = f"{dataset.options.min_agreement:g}"
    meanings = _table(("resolution", "meaning"), [(f"`{name}`", RESOLUTION_MEANINGS[name]) for name in _resolutions(dataset)])
    model = (
        " With `--gold dawid-skene`, the votes on a choice field decide through the Dawid-Skene (1979) model instead:"
        " it estimates each annotator's confusion matrix from all the votes and gives every unit with a vote the most"
        " probable value, `dawid_skene`, with its posterior probability in `<field>_confidence`; free text is decided by"
        " the votes."
        if dataset.options.confidence
        else ""
    )
    return (
        "## Gold labels\n\n"
        "Only each annotator's current label counts, and only if its status is `done` (skipped, flagged and"
        " retracted sentences give no vote). Per field, in schema order: a reviewer's adjudication; else,"
        " if the field is not asked given the gold labels of the fields its condition tests, no value; else"
        " the annotators who were asked the field vote (leaving it empty is a vote for no value; multi"
        " values are compared as whole sets): one vote gives `single`, equal votes `unanimous`, a value"
        f" with more than half of the votes and a share of at least {minimum} `majority`; anything else is"
        f" `unresolved`.{model} A unit is resolved when none of its required fields is unresolved.\n\n" + meanings
    )


def _distributions(dataset: Dataset) -> str:
    rows = dataset.rows
    sections = ["## Label distributions\n\nOver the exported rows: how often each gold value occurs, and how each field was resolved."]
    resolution_rows = []
    for field in dataset.schema.fields:
        counts = Counter(str(row[f"{field.id}_resolution"]) for row in rows)
        resolution_rows.append((f"`{field.id}`", *(counts[name] for name in _resolutions(dataset))))
        if field.kind != "text":
            sections.append(_value_counts(field, [row[field.id] for row in rows]))
    sections.append("### Resolutions\n\n" + _table(("field", *_resolutions(dataset)), resolution_rows))
    return "\n\n".join(sections)


def _value_counts(field: Field, values: list[object]) -> str:
    counts: Counter[str] = Counter()
    for value in values:
        counts.update(value if isinstance(value, list) else [] if value is None else [str(value)])
    table = [(f"`{value.id}`", markdown_text(value.label), counts[value.id]) for value in field.values]
    if field.kind == "multi":
        table.append(("(none)", "agreed: none of the values", sum(1 for value in values if value == [])))
        table.append(("(no gold)", "no gold value (unresolved or not asked)", sum(1 for value in values if value is None)))
    else:
        table.append(("(none)", "no gold value", sum(1 for value in values if value is None)))
    unit = "rows containing it" if field.kind == "multi" else "rows"
    return f"### `{field.id}`\n\n" + _table(("value", "label", unit), table)


def _schema(dataset: Dataset) -> str:
    schema = dataset.schema
    sections = [f"## Schema\n\n{markdown_code(dataset.schema_file)} in this folder: `{schema.name}` version {schema.version}."]
    for field in schema.fields:
        facts = [field.kind + (", ordinal" if field.ordinal else ""), "required" if field.required else "optional"]
        if field.when is not None:
            facts.append(f"asked when {field.when}")
        text = f"### {markdown_text(field.label)} (`{field.id}`)\n\n{'; '.join(facts)}. {markdown_text(field.description)}"
        if field.values:
            text += "\n\n" + _table(
                ("value", "label", "definition"),
                [(f"`{value.id}`", markdown_text(value.label), markdown_text(value.description)) for value in field.values],
            )
        sections.append(text)
    return "\n\n".join(sections)


def _migrations(dataset: Dataset) -> str:
    """The schema's earlier versions and the migrations that read their labels; nothing without them."""
    if not dataset.history:
        return ""
    files = ", ".join(f"`{name}`" for name in dataset.history)
    rows = [(f"v{change.version}", markdown_text(change.text), count) for change, count in dataset.migrations]
    return (
        "## Schema versions\n\n"
        f"Labels written with earlier versions of `{dataset.schema.name}` are read as version {dataset.schema.version}"
        " through the migrations below; the annotation files keep them as written. A field a migration leaves"
        " unanswered (a split value not yet decided, a field added since) gives no vote. The earlier versions'"
        f" files are in this folder: {files}.\n\n" + _table(("to version", "change", "done labels it changed"), rows)
    )


def _provenance(dataset: Dataset) -> str:
    options = dataset.options
    facts = [
        f"- tool: annotator {__version__}",
        f"- schema: {markdown_code(dataset.schema_file)} (`{dataset.schema.name}` version {dataset.schema.version})",
        f"- format: {options.format}; seed: {options.seed}; minimum agreement: {options.min_agreement:g}; gold: {options.gold}",
        f"- unresolved units: {'left out' if options.resolved_only else 'exported'}",
        f"- annotators' own labels: {'included' if options.include_annotators else 'not included'}",
        f"- annotators: {_names(dataset.annotators)}",
        f"- reviewers (adjudications): {_names(sorted({name for unit in dataset.units for name in unit.adjudications}))}",
    ]
    inputs = _table(("annotation file", "sha256"), [(f"`{name}`", f"`{sha}`") for name, sha in dataset.inputs.items()])
    text = "## How the data was made\n\n" + "\n".join(facts) + "\n\n" + inputs
    text += "\n\n`manifest.json` holds the sha256 of every input and output file."
    if dataset.left_out:
        listed = "\n".join(f"- `{Path(problem.path).name}`: {markdown_text(problem.reason)}" for problem in dataset.left_out)
        text += f"\n\n### Labels left out\n\nThese current labels are not in the data:\n\n{listed}"
    return text


def _agreement(dataset: Dataset) -> str:
    return (
        "## Agreement\n\nReviewers' adjudications are not counted here. Where one value dominates a field (as `no_claim`"
        " does in news text), kappa-type coefficients and Krippendorff's alpha fall even when annotators nearly always"
        " agree (the kappa paradox); Gwet's AC1 does not, so read it beside them.\n\n" + dataset.agreement.strip()
    )


def _names(names: list[str]) -> str:
    return ", ".join(f"`{name}`" for name in names) or "none"


def _table(header: tuple[str, ...], rows: Sequence[Sequence[object]]) -> str:
    return "\n".join(markdown_table(header, rows))
