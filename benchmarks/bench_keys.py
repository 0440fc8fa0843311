"""Keys per sentence: the reference labelling of the seeds replayed through the annotation UI with the
fewest keys it allows.

The reference (`tests/data/reference-labels.jsonl`, or `--reference FILE`) holds a careful
annotator's labels for every seed sentence. For each sentence, in order, the plan is the shortest
the UI's rules give: a digit picks a value of the focused field, a pick in a one-value field moves on
to the next choice field shown, tab and shift+tab move between fields (text fields are reached only
so), enter marks the sentence done and goes to the next. The keys are pressed in the real app under
Textual's Pilot, and each sentence's saved labels must equal the reference's (else the benchmark
stops with the difference).

Prints the command keys per sentence (median and max) for no-claim and for check-worthy sentences,
typed characters counted apart, against a baseline replayed in the same run: the same labelling with
the focus staying on a field after a pick (`advance_after_pick = false`, as before the pick moved
on). Target: a median of at most 8 command keys for a check-worthy sentence.

A third replay uses the rule suggestions: where `y` (accept every suggestion) then correcting the
fields it got wrong takes fewer keys than labelling without it, the plan does that. Target: a median
of at most 5 command keys for a check-worthy sentence.

    python benchmarks/bench_keys.py [--sentences N]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import orjson

from annotator.schema.load import load_schema
from annotator.schema.model import Field, Schema
from annotator.session.annotate import with_suggested
from annotator.store.records import Labels, Status
from annotator.tui.launch import prepare

REPO = Path(__file__).resolve().parent.parent
REFERENCE = REPO / "tests" / "data" / "reference-labels.jsonl"
SCHEMA = REPO / "schemas" / "factcheck.v1.json"
NO_CLAIM = "no_claim"
TARGET = 8
TARGET_WITH_SUGGESTIONS = 5
ACCEPT_ALL = "y"


@dataclass(frozen=True)
class Plan:
    keys: list[str]  # key names for Pilot.press, typed characters included
    commands: int  # keys that are not typed characters
    typed: int


def plan(schema: Schema, labels: Labels, advance: bool) -> Plan:
    """The fewest keys that leave a sentence with `labels`, done, starting with the focus on its first
    field; `advance`: a pick in a one-value field moves the focus on."""
    shown = schema.applicable_fields(labels)
    keys: list[str] = []
    typed = 0
    focus = 0
    for position, field in enumerate(shown):
        if field.id not in labels:
            continue
        keys += ["tab"] * (position - focus) + ["shift+tab"] * (focus - position)
        focus = position
        value = labels[field.id]
        if field.kind == "text":
            text = str(value)
            keys += [character if character != " " else "space" for character in text]
            typed += len(text)
        elif field.kind == "single":
            keys.append(_digit(field, str(value)))
            focus = _next_choice(shown, position) if advance else position
        else:
            keys += [_digit(field, value_id) for value_id in value]
    keys.append("enter")
    return Plan(keys, len(keys) - typed, typed)


def plan_with_suggestions(schema: Schema, labels: Labels, suggested: Labels) -> Plan:
    """The fewer keys of `plan` and of accepting every suggestion (`y`, which then focuses the first
    field left without a value) and correcting each field it left other than `labels` (a suggested
    text that is wrong is not corrected: it would need erasing, so that plan is not taken)."""
    without = plan(schema, labels, advance=True)
    accepted, _ = with_suggested(schema, {}, suggested)
    shown = schema.applicable_fields(labels)
    empty = [position for position, field in enumerate(schema.applicable_fields(accepted)) if field.id not in accepted]
    keys, typed, focus = [ACCEPT_ALL], 0, empty[0] if empty else 0  # `y` focuses the first field left without a value
    for position, field in enumerate(shown):
        want, have = labels.get(field.id), accepted.get(field.id)
        if want == have:
            continue
        keys += ["tab"] * (position - focus) + ["shift+tab"] * (focus - position)
        focus = position
        if want is None:
            keys.append("backspace")
        elif field.kind == "text":
            if have is not None:
                return without
            keys += [character if character != " " else "space" for character in str(want)]
            typed += len(str(want))
        elif field.kind == "single":
            keys.append(_digit(field, str(want)))
            focus = _next_choice(shown, position)
        else:
            keys += [_digit(field, value_id) for value_id in sorted(set(want) ^ set(have or []))]
    keys.append("enter")
    with_them = Plan(keys, len(keys) - typed, typed)
    return with_them if with_them.commands < without.commands else without


def _digit(field: Field, value_id: str) -> str:
    return str((field.positions[value_id] + 1) % 10)


def _next_choice(shown: list[Field], after: int) -> int:
    """Where the focus goes after a pick in a one-value field: the next choice field shown."""
    return next((position for position in range(after + 1, len(shown)) if shown[position].kind != "text"), after)


def reference_labels(path: Path) -> list[tuple[tuple[str, int, int], Labels]]:
    rows = [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]
    return [((row["doc"], row["start"], row["end"]), row["labels"]) for row in rows]


async def replay(
    reference: list[tuple[tuple[str, int, int], Labels]], schema: Schema, folder: Path, advance: bool, suggestions: bool = False
) -> list[tuple[str, Plan]]:
    """Label the seeds in the app as planned (with `suggestions`, accepting them where that takes
    fewer keys); (kind of sentence, plan) for each, once its labels are checked against the reference."""
    settings = folder / "settings.toml"
    settings.write_text(f"advance_after_pick = {str(advance).lower()}\n", encoding="utf-8")
    app = prepare(
        paths=[str(REPO / "seeds")],
        annotator="bench",
        schema_path=SCHEMA,
        store_dir=folder / "store",
        settings=settings,
        suggestions=suggestions,
    )
    session = app.session
    done: list[tuple[str, Plan]] = []
    async with app.run_test(size=(120, 40)) as pilot:
        for key, labels in reference:
            index = session.cursor
            if session.unit.key != key:
                raise SystemExit(f"the app is at {session.unit.key}, the reference at {key}: the seeds split differently")
            offered = session.suggestions(index)
            steps = plan_with_suggestions(schema, labels, offered.values()) if suggestions and offered else plan(schema, labels, advance)
            await pilot.press(*steps.keys)
            while session.status(index) != Status.DONE or session.is_saving(index):
                await pilot.pause(0.01)
            if session.labels(index) != labels:
                raise SystemExit(f"sentence {key}: saved {session.labels(index)}, the reference has {labels}; keys {steps.keys}")
            done.append(("no-claim" if labels.get("checkworthiness") == NO_CLAIM else "check-worthy", steps))
    return done


def report(done: list[tuple[str, Plan]], baseline: list[tuple[str, Plan]], what: str = "", target: int = TARGET) -> None:
    for kind in ("no-claim", "check-worthy"):
        commands = [steps.commands for found, steps in done if found == kind]
        before = [steps.commands for found, steps in baseline if found == kind]
        if not commands:
            continue
        typed = sum(steps.typed for found, steps in done if found == kind)
        median, before_median = statistics.median(commands), statistics.median(before)
        said_target = f" (target <= {target})" if kind == "check-worthy" else ""
        print(
            f"{kind}{what}: {len(commands)} sentences; command keys median {median:g}, max {max(commands)};"
            f" focus staying after a pick: median {before_median:g}, max {max(before)};"
            f" ratio {median / before_median:.2f}{said_target}; typed characters {typed}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reference", type=Path, default=REFERENCE, help="reference labels (JSONL: doc, start, end, labels)")
    parser.add_argument("--sentences", type=int, help="only the first N sentences (a quick run)")
    args = parser.parse_args()
    if not args.reference.is_file():
        sys.exit(f"{args.reference}: no reference labels (give them with --reference)")
    reference = reference_labels(args.reference)[: args.sentences]
    schema = load_schema(SCHEMA)
    with tempfile.TemporaryDirectory() as moving_on, tempfile.TemporaryDirectory() as staying, tempfile.TemporaryDirectory() as suggested:
        done = asyncio.run(replay(reference, schema, Path(moving_on), advance=True))
        baseline = asyncio.run(replay(reference, schema, Path(staying), advance=False))
        accepted = asyncio.run(replay(reference, schema, Path(suggested), advance=True, suggestions=True))
    print(f"{len(done)} sentences replayed three times, each saved with the reference's labels")
    report(done, baseline)
    report(accepted, baseline, " with suggestions", TARGET_WITH_SUGGESTIONS)
    took = sum(steps.keys[0] == ACCEPT_ALL for _kind, steps in accepted)
    print(f"suggestions accepted with {ACCEPT_ALL} on {took} of {len(accepted)} sentences")


if __name__ == "__main__":
    main()
