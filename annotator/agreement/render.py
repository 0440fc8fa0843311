"""The agreement report as text for a terminal, as Markdown for a paper or a dataset card, and as JSON.

Text and Markdown show the same tables, short enough to read at ten annotators: the summary of every
field, then per field the pairwise kappa matrix, Krippendorff's coincidence matrix pooled over all
pairs, per-value agreement, the annotators' table (and agreement per time window, when the report
has it), and at the end the units with the most disagreement. Pairwise kappas with their intervals
and confusion tables come with `pairs`; confusion against adjudicated gold and the Dawid-Skene
estimates with `annotators`. Free-text fields have no value tables. JSON keeps everything, at full
precision. Untrusted text (annotator names, labels, document ids, sentences) is made printable
everywhere and escaped for Markdown.
"""

from __future__ import annotations

import json
import math
import textwrap
from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np

from annotator.agreement.annotators import ModelGold
from annotator.agreement.estimate import Estimate
from annotator.agreement.report import FieldReport, Report
from annotator.labels.counting import EMPTY_AND_NOT_ASKED, MIGRATED_UNANSWERED
from annotator.text import json_safe, markdown_table, markdown_text, plural, printable

Escape = Callable[[str], str]

SHOWN_MODEL_UNITS = 20  # the least certain units of the Dawid-Skene model in text and Markdown
TEXT_WIDTH = 100  # prose in the text report is wrapped at this many columns, tables are not


@dataclass(frozen=True)
class Show:
    """What text and Markdown show beyond the default tables."""

    pairs: bool = False  # every pair's kappa with its interval, and its confusion table
    annotators: bool = False  # confusion against adjudicated gold, the Dawid-Skene estimates


@dataclass(frozen=True)
class _Table:
    title: str
    header: list[str]
    rows: list[list[str]]
    right: tuple[int, ...] = ()


def to_json(report: Report) -> str:
    """The report as JSON: keys sorted, NaN as null, full precision; the same report gives the same text."""
    return json_safe(json.dumps(_plain(asdict(report)), sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False)) + "\n"


def _plain(value: object) -> object:
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def render_markdown(report: Report, show: Show = Show()) -> str:
    """The report as Markdown for a paper or a dataset card (headings from level 3 down)."""
    lines = [_summary_sentence(report, markdown_text)]
    for part in _overview(report, markdown_text):
        lines += ["", *_markdown_part(part)]
    for field_report in report.fields:
        lines += ["", f"### {markdown_text(field_report.label)} (`{field_report.id}`)"]
        for part in _field_parts(report, field_report, markdown_text, show):
            lines += ["", *_markdown_part(part)]
    if report.disagreements:
        lines += ["", "### Units with the most disagreement", "", *_markdown_table(_disagreements(report, markdown_text))]
    return "\n".join(lines) + "\n"


def render_text(report: Report, show: Show = Show(), width: int = TEXT_WIDTH) -> str:
    """The report as plain text tables for a terminal (no markup, untrusted text made printable);
    prose wrapped at `width` columns, tables as wide as they are."""
    parts = [_summary_sentence(report, _plain_text), *_overview(report, _plain_text)]
    for field_report in report.fields:
        parts.append(f"== {_plain_text(field_report.label)} ({field_report.id}) ==")
        parts += _field_parts(report, field_report, _plain_text, show)
    if report.disagreements:
        parts.append(_disagreements(report, _plain_text))
    return printable("\n\n".join(_text_part(part, width) for part in parts)) + "\n"


# --- what is shown ----------------------------------------------------------------------------------


def _summary_sentence(report: Report, text: Escape) -> str:
    names = text(", ".join(report.annotators) or "none")
    interval = (
        f"{report.confidence:.0%} intervals: percentile bootstrap over units, {report.bootstrap} resamples, seed {report.seed}"
        " (free text: on agreement only)."
        if report.bootstrap
        else "No bootstrap intervals (0 resamples)."
    )
    left_out = f" {plural(len(report.left_out), 'label')} left out (another schema, or not valid for this one)." if report.left_out else ""
    migrated = (
        f" {plural(report.migrated, 'counted label')} came through a migration from an earlier schema version"
        f" ({sum(f.migrated for f in report.fields)} ratings, column Migrated). {MIGRATED_UNANSWERED}"
        if report.migrated
        else ""
    )
    return (
        f"Agreement of {plural(len(report.annotators), 'annotator')} ({names}) on {plural(report.units, 'unit')},"
        f" schema {text(report.schema)} v{report.schema_version}. Counted: each annotator's current label with status done;"
        f" reviewers' decisions are gold, not ratings.{left_out}{migrated} {text(EMPTY_AND_NOT_ASKED)} {interval}"
    )


def _overview(report: Report, text: Escape) -> list[_Table | str]:
    parts: list[_Table | str] = []
    if report.not_counted:
        rows = [[text(n.annotator), str(n.draft), str(n.skipped), str(n.flagged)] for n in report.not_counted]
        parts.append(_Table("Not counted: current labels not done", ["Annotator", "Drafts", "Skipped", "Flagged"], rows, (1, 2, 3)))
    interval = f" [{report.confidence:.0%} CI]" if report.bootstrap else ""
    header = ["Field", "Level", "Units", "Pairable ratings"] + [
        name + interval for name in ("Krippendorff's alpha", "Fleiss' kappa", "Gwet's AC1/AC2", "Agreement")
    ]
    rows = [
        [
            text(f.label),
            _level_name(f),
            str(f.alpha.units),
            str(f.alpha.pairable),
            _with_interval(f.alpha),
            _with_interval(f.fleiss) if f.fleiss else "-",
            _with_interval(f.ac1),
            _with_interval(f.agreement, percent=True),
        ]
        for f in report.fields
    ]
    if report.migrated:
        header.append("Migrated")
        rows = [[*row, str(f.migrated)] for row, f in zip(rows, report.fields)]
    parts.append(_Table("", header, rows, (2, 3, *((8,) if report.migrated else ()))))
    parts.append(
        "Fleiss' kappa: nominal fields only. Gwet's coefficient at each field's level: AC1 for nominal fields, AC2 with"
        " Gwet's ordinal weights for ordinal ones and with 1 - MASI distance for sets; unlike kappa and alpha it stays high"
        " when one value dominates. Agreement: the share of pairs of ratings that are equal."
    )
    anchoring = _anchoring(report, text)
    if anchoring:
        parts.append(anchoring)
    return parts


def _level_name(report: FieldReport) -> str:
    if report.kind == "text":
        return "text (exact match)"
    return "MASI (sets)" if report.level == "masi" else report.level


def _field_parts(report: Report, f: FieldReport, text: Escape, show: Show) -> list[_Table | str]:
    values = [text(value) for value in f.values]
    parts: list[_Table | str] = []
    if f.pairs:
        parts.append(_kappa_matrix(report, f, text))
    if f.kind != "text" and np.any(f.coincidence):
        parts.append(_coincidences(f, values))
    if f.labels:
        rows = [[text(label.value), _with_interval(label.alpha)] for label in f.labels]
        parts.append(_Table("Per value, one against the rest: Krippendorff's alpha", ["Value", _ci("Alpha", report)], rows))
    parts.append(_annotators(f, text))
    if f.suggestions:
        parts.append(_suggestion_use(f, text))
    if report.by and f.drift:
        rows = [[window.window, str(window.alpha.units), _with_interval(window.alpha)] for window in f.drift]
        parts.append(
            _Table(f"By {report.by} of each unit's last label", [report.by.capitalize(), "Units", _ci("Alpha", report)], rows, (1,))
        )
    if show.pairs:
        parts += _pairs(report, f, values, text)
    if show.annotators:
        parts += _gold_confusions(f, values, text)
        if f.model is not None:
            parts += _model(f.model, values, text)
    return parts


def _kappa_matrix(report: Report, f: FieldReport, text: Escape) -> _Table:
    kappa = {pair.annotators: pair.kappa.value for pair in f.pairs}
    kappa |= {(second, first): value for (first, second), value in kappa.items()}
    names = report.annotators
    rows = [[text(first), *("-" if first == second else _number(kappa[first, second]) for second in names)] for first in names]
    title = "Cohen's kappa of each pair of annotators (exact match, units both rated)"
    return _Table(title, ["", *map(text, names)], rows, tuple(range(1, len(names) + 1)))


def _coincidences(f: FieldReport, values: list[str]) -> _Table:
    table = np.array(f.coincidence)
    used = np.flatnonzero(table.sum(axis=1))
    rows = [[values[row], *(_count(table[row, column]) for column in used), _count(table[row].sum())] for row in used]
    rows.append(["Total", *(_count(table[:, column].sum()) for column in used), _count(table.sum())])
    title = "Coincidences of values, pooled over all pairs of annotators (Krippendorff): a unit with m ratings adds 1/(m-1) for each ordered pair of them"
    return _Table(title, ["", *(values[column] for column in used), "Total"], rows, tuple(range(1, len(used) + 2)))


def _annotators(f: FieldReport, text: Escape) -> _Table:
    rows = [
        [
            text(quality.annotator),
            str(quality.ratings),
            _number(quality.alpha_without),
            str(quality.adjudicated),
            _percent(quality.gold_agreement) if quality.adjudicated else "-",
        ]
        for quality in f.annotators
    ]
    title = f"Annotators: alpha without each (with all: {_number(f.alpha.value)}), agreement with adjudicated gold"
    return _Table(title, ["Annotator", "Ratings", "Alpha without", "Adjudicated", "Agreement with gold"], rows, (1, 2, 3, 4))


def _suggestion_use(f: FieldReport, text: Escape) -> _Table:
    rows = [
        [
            text(use.annotator) + (" (anchoring?)" if use.anchoring else ""),
            str(use.offered),
            f"{use.accepted} ({_percent(use.acceptance)})",
            _percent(use.agreement),
            f"{use.judged_right} of {use.judged}" if use.judged else "-",
        ]
        for use in f.suggestions
    ]
    title = (
        "Suggestions: offered in the UI, accepted unchanged, the annotator's agreement with them, and the accepted ones"
        " that adjudicated gold confirms (anchoring?: most accepted, few of them right)"
    )
    header = ["Annotator", "Offered", "Accepted", "Agreement with suggestions", "Accepted and right"]
    return _Table(title, header, rows, (1, 2, 3, 4))


def _anchoring(report: Report, text: Escape) -> str:
    """A warning naming each annotator who follows a field's suggestions more than they deserve."""
    flagged = [(f, use) for f in report.fields for use in f.suggestions if use.anchoring]
    said = "; ".join(
        f"{text(use.annotator)} accepted {_percent(use.acceptance)} of the {text(f.label)} suggestions unchanged,"
        f" and adjudicated gold confirms {use.judged_right} of {use.judged} of them"
        for f, use in flagged
    )
    return f"Anchoring: {said}. Their labels may follow the suggestions rather than the sentence." if flagged else ""


def _pairs(report: Report, f: FieldReport, values: list[str], text: Escape) -> list[_Table | str]:
    rows = [[text(" / ".join(pair.annotators)), _with_interval(pair.kappa), str(pair.kappa.units)] for pair in f.pairs]
    parts: list[_Table | str] = [
        _Table("Pairwise Cohen's kappa, exact match, units both rated", ["Annotators", _ci("Kappa", report), "Units"], rows, (2,))
    ]
    for pair in f.pairs:
        if np.any(pair.confusion):
            first, second = map(text, pair.annotators)
            parts.append(_confusion(f"Confusion table: rows {first}, columns {second}", values, np.array(pair.confusion), _count))
    return parts


def _gold_confusions(f: FieldReport, values: list[str], text: Escape) -> list[_Table | str]:
    return [
        _confusion(
            f"Against adjudicated gold: rows the reviewer's value, columns {text(quality.annotator)}'s",
            values,
            np.array(quality.gold_confusion),
            _count,
        )
        for quality in f.annotators
        if quality.adjudicated and np.any(quality.gold_confusion)
    ]


def _model(model: ModelGold, values: list[str], text: Escape) -> list[_Table | str]:
    rows = [[text(a.annotator), _number(a.accuracy)] for a in model.annotators]
    parts: list[_Table | str] = [
        _Table(f"Dawid-Skene model ({plural(model.iterations, 'iteration')}): estimated accuracy", ["Annotator", "Accuracy"], rows, (1,))
    ]
    used = np.array(model.priors) > 0
    for annotator in model.annotators:
        confusion = np.array(annotator.confusion)
        parts.append(
            _confusion(
                f"Dawid-Skene, {text(annotator.annotator)}: rows the true value, columns theirs (probabilities)",
                values,
                confusion,
                _number,
                used,
            )
        )
    units = [[text(u.doc), f"{u.start}-{u.end}", text(u.value), _number(u.probability)] for u in model.units[:SHOWN_MODEL_UNITS]]
    parts.append(_Table("Least certain gold values of the model", ["Document", "Span", "Value", "Probability"], units, (3,)))
    return parts


def _confusion(title: str, values: list[str], table: np.ndarray, cell: Callable[[float], str], used: np.ndarray | None = None) -> _Table:
    """A values x values table, only the values used (by either side, or as `used` says)."""
    shown = np.flatnonzero(used if used is not None else table.sum(axis=0) + table.sum(axis=1))
    rows = [[values[row], *(cell(table[row, column]) for column in shown)] for row in shown]
    return _Table(title, ["", *(values[column] for column in shown)], rows, tuple(range(1, len(shown) + 1)))


def _disagreements(report: Report, text: Escape) -> _Table:
    rows = [
        [text(unit.doc), f"{unit.start}-{unit.end}", f"{unit.score:.3f}", ", ".join(unit.fields), text(_shortened(unit.text or ""))]
        for unit in report.disagreements
    ]
    return _Table("Units with the most disagreement", ["Document", "Span", "Score", "Fields", "Text"], rows, (2,))


# --- formatting ----------------------------------------------------------------------------------------


def _ci(name: str, report: Report) -> str:
    return f"{name} [{report.confidence:.0%} CI]" if report.bootstrap else name


def _shortened(text: str, limit: int = 100) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _number(number: float) -> str:
    return "n/a" if math.isnan(number) else f"{number:.3f}"


def _percent(number: float) -> str:
    return "n/a" if math.isnan(number) else f"{number:.1%}"


def _count(number: float) -> str:
    """A count that may be fractional (coincidences): whole numbers without decimals."""
    return str(round(number)) if float(number).is_integer() else f"{number:.2f}"


def _with_interval(estimate: Estimate, percent: bool = False) -> str:
    shown = _percent if percent else _number
    if math.isnan(estimate.low):
        return shown(estimate.value)
    return f"{shown(estimate.value)} [{shown(estimate.low)}, {shown(estimate.high)}]"


def _plain_text(text: str) -> str:
    return " ".join(text.split())


def _text_part(part: _Table | str, width: int) -> str:
    if isinstance(part, str):
        return _wrapped(part, width)
    table = _text_table(part.header, part.rows, part.right)
    return f"{_wrapped(part.title, width)}\n{table}" if part.title else table


def _wrapped(text: str, width: int) -> str:
    return textwrap.fill(text, width=max(width, 20), break_on_hyphens=False)


def _text_table(header: list[str], rows: list[list[str]], right: tuple[int, ...]) -> str:
    cells = [header, *([" ".join(cell.split()) for cell in row] for row in rows)]
    widths = [max(len(row[column]) for row in cells) for column in range(len(header))]

    def line(row: list[str]) -> str:
        return "  ".join(
            cell.rjust(width) if index in right else cell.ljust(width) for index, (cell, width) in enumerate(zip(row, widths))
        ).rstrip()

    return "\n".join(map(line, cells))


def _markdown_part(part: _Table | str) -> list[str]:
    if isinstance(part, str):
        return [part]
    return _markdown_table(part)


def _markdown_table(part: _Table) -> list[str]:
    table = markdown_table(part.header, part.rows, right=part.right)
    return [f"{part.title}:", "", *table] if part.title else table
