"""The agreement report as text for a terminal, as Markdown for a paper or a dataset card, and as JSON.

Untrusted text (annotator names, labels, document ids, sentences) is made printable everywhere and
escaped for Markdown; JSON keeps full precision.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import asdict

import numpy as np

from annotator.agreement.report import Estimate, FieldReport, PairAgreement, Report
from annotator.text import json_safe, markdown_table, markdown_text, plural, printable


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
    lines = [
        _summary_sentence(report, markdown_text),
        "",
        *markdown_table(_SUMMARY_HEADER, _summary_rows(report, markdown_text), right=(2, 3)),
    ]
    for field_report in report.fields:
        lines += ["", f"### {markdown_text(field_report.label)} (`{field_report.id}`)", ""]
        lines += _markdown_field(field_report)
    if report.disagreements:
        lines += ["", "### Units with the most disagreement", ""]
        lines += markdown_table(_DISAGREEMENT_HEADER, _disagreement_rows(report, markdown_text), right=(2,))
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


_SUMMARY_HEADER = ["Field", "Level", "Units", "Pairable ratings", "Krippendorff's alpha [95% CI]", "Agreement [95% CI]"]


_DISAGREEMENT_HEADER = ["Document", "Span", "Score", "Fields", "Text"]


def _summary_sentence(report: Report, text: Escape) -> str:
    names = text(", ".join(report.annotators) or "none")
    interval = (
        f"{report.confidence:.0%} intervals: percentile bootstrap over units, {report.bootstrap} resamples, seed {report.seed}."
        if report.bootstrap
        else "No bootstrap intervals (0 resamples)."
    )
    left_out = f" {plural(len(report.left_out), 'label')} left out (another schema, or not valid for this one)." if report.left_out else ""
    return (
        f"Agreement of {plural(len(report.annotators), 'annotator')} ({names}) on {plural(report.units, 'unit')},"
        f" schema {text(report.schema)} v{report.schema_version}: current done labels only.{left_out} {interval}"
        " A field not asked of an annotator (its condition does not hold) counts as not applicable, not as disagreement."
    )


def _summary_rows(report: Report, text: Escape) -> list[list[str]]:
    return [
        [
            text(f.label),
            _level_name(f),
            str(f.alpha.units),
            str(f.alpha.pairable),
            _with_interval(f.alpha),
            _with_interval(f.agreement, percent=True),
        ]
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
    for title, header, rows in _field_tables(report, markdown_text):
        lines += ["", f"{title}:", "", *markdown_table(header, rows)]
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


def _plain_text(text: str) -> str:
    return " ".join(text.split())


def _text_table(header: list[str], rows: list[list[str]]) -> str:
    cells = [header, *([" ".join(cell.split()) for cell in row] for row in rows)]
    widths = [max(len(row[column]) for row in cells) for column in range(len(header))]
    return "\n".join("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in cells)
