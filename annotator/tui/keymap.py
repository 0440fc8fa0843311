"""The user's keymap file: other keys for the UI's bindings, by binding id.

The file is a JSON object of binding ids to keys, several keys separated by commas, each named as
Textual names it (`x`, `ctrl+s`, `f2`, `question_mark` or `?`):

    {"skip": "x", "flag": "F", "next-sentence": "j,down,ctrl+n"}

A binding in the file gets exactly those keys, instead of its own; the others keep theirs. Given
with `--keymap FILE`, else read from `$XDG_CONFIG_HOME/annotator/keymap.json` (or
`~/.config/annotator/keymap.json`) when that file exists. The binding ids are the UI's (the help
screen shows each one); this module checks the file against the ids it is given.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Mapping
from pathlib import Path

from annotator.errors import Problem, ProblemsError
from annotator.text import printable

EXAMPLE = '{"skip": "x", "next-sentence": "j,down"}'
_NUMBERED = re.compile(r"(.*-)(\d+)")


class _Object(list):
    """A JSON object as its (key, value) pairs, so that a repeated key is seen."""


class KeymapError(ProblemsError):
    """The keymap file cannot be used."""


def load_keymap(path: Path, binding_ids: Collection[str]) -> dict[str, str]:
    """Binding id -> keys (comma-separated, without spaces) from the keymap file at `path`, checked
    against the known `binding_ids`; KeymapError lists every problem found."""
    name = str(path)
    pairs = _read_pairs(path)
    problems: list[Problem] = []
    keymap: dict[str, str] = {}
    for binding_id, keys in pairs:
        reason = _entry_problem(binding_id, keys, binding_ids, keymap)
        if reason:
            problems.append(Problem(name, None, reason))
        else:
            keymap[binding_id] = ",".join(key.strip() for key in str(keys).split(","))
    if any(binding_id not in binding_ids for binding_id, _keys in pairs):
        problems.append(Problem(name, None, f"the binding ids are: {', '.join(_abridged(binding_ids))}"))
    if problems:
        raise KeymapError(problems)
    return keymap


def _read_pairs(path: Path) -> list[tuple[str, object]]:
    """The file's (binding id, keys) pairs in file order, repeated ids included."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise KeymapError([Problem(name, None, f"not UTF-8 text (byte {error.start})")]) from None
    except OSError as error:
        raise KeymapError([Problem(name, None, f"cannot read the keymap: {error.strerror or error}")]) from None
    try:
        data = json.loads(text, object_pairs_hook=_Object)
    except json.JSONDecodeError as error:
        raise KeymapError([Problem(f"{name}:{error.lineno}:{error.colno}", None, f"invalid JSON: {error.msg}")]) from None
    if not isinstance(data, _Object):
        raise KeymapError([Problem(name, None, f"a keymap is a JSON object of binding ids to keys, such as {EXAMPLE}")])
    return data


def _entry_problem(binding_id: str, keys: object, binding_ids: Collection[str], seen: Mapping[str, str]) -> str | None:
    if binding_id not in binding_ids:
        return f"unknown binding id {json.dumps(binding_id)}"
    if binding_id in seen:
        return f"{json.dumps(binding_id)} is given twice"
    if not isinstance(keys, str):
        return f'the keys of {json.dumps(binding_id)} must be a string such as "x" or "x,ctrl+s", not {_shown(keys)}'
    if any(not key.strip() for key in keys.split(",")):
        return f"the keys of {json.dumps(binding_id)} have an empty key: {json.dumps(keys)}"
    if printable(keys) != keys:  # key names reach the screen: the Footer, the help, the palette
        return f"the keys of {json.dumps(binding_id)} hold a control, bidi or zero-width character: {json.dumps(keys)}"
    return None


def _shown(value: object) -> str:
    if isinstance(value, _Object):
        return "an object"
    return "a list" if isinstance(value, list) else json.dumps(value)


def _abridged(binding_ids: Collection[str]) -> list[str]:
    """The ids sorted, a numbered series (pick-1 ... pick-10) shown as its first and last."""
    series: dict[str, list[int]] = {}
    plain: list[str] = []
    for binding_id in binding_ids:
        numbered = _NUMBERED.fullmatch(binding_id)
        if numbered:
            series.setdefault(numbered[1], []).append(int(numbered[2]))
        else:
            plain.append(binding_id)
    ranges = [
        f"{prefix}{min(numbers)} … {prefix}{max(numbers)}" if len(numbers) > 1 else f"{prefix}{numbers[0]}"
        for prefix, numbers in series.items()
    ]
    return sorted(plain + ranges)
