"""The keymap file: every way it can be wrong, said with the file's name."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.tui.keymap import KeymapError, load_keymap

KNOWN = {"skip", "flag", "next-sentence", *(f"pick-{n}" for n in range(1, 11))}


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "keymap.json"
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(KeymapError) as caught:
        load_keymap(path, KNOWN)
    return [str(problem) for problem in caught.value.problems]


def test_keys_are_kept_per_binding_id_without_spaces(tmp_path: Path) -> None:
    path = write(tmp_path, '{"skip": "x", "next-sentence": " j , down,ctrl+n"}')
    assert load_keymap(path, KNOWN) == {"skip": "x", "next-sentence": "j,down,ctrl+n"}


def test_an_unknown_binding_id_is_named_with_the_known_ones(tmp_path: Path) -> None:
    path = write(tmp_path, '{"skip": "x", "sikp": "y"}')
    assert problems(path) == [
        f'{path}: unknown binding id "sikp"',
        f"{path}: the binding ids are: flag, next-sentence, pick-1 … pick-10, skip",
    ]


@pytest.mark.parametrize(
    ("keys", "shown"),
    [("3", "3"), ("null", "null"), ('["x"]', "a list"), ('{"key": "x"}', "an object")],
)
def test_keys_must_be_a_string(tmp_path: Path, keys: str, shown: str) -> None:
    path = write(tmp_path, f'{{"skip": {keys}}}')
    assert problems(path) == [f'{path}: the keys of "skip" must be a string such as "x" or "x,ctrl+s", not {shown}']


@pytest.mark.parametrize("keys", ["", " ", "x,", "x,,y"])
def test_an_empty_key_is_refused(tmp_path: Path, keys: str) -> None:
    path = write(tmp_path, f'{{"skip": "{keys}"}}')
    assert problems(path) == [f'{path}: the keys of "skip" have an empty key: "{keys}"']


@pytest.mark.parametrize(("keys", "shown"), [("\\u001b[2J", '"\\u001b[2J"'), ("x,\\u202e", '"x,\\u202e"')])
def test_a_key_with_a_control_or_bidi_character_is_refused(tmp_path: Path, keys: str, shown: str) -> None:
    path = write(tmp_path, f'{{"skip": "{keys}"}}')
    assert problems(path) == [f'{path}: the keys of "skip" hold a control, bidi or zero-width character: {shown}']


def test_invalid_json_names_file_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, '{\n  "skip": "x",\n  "flag": "y",\n}\n')
    assert problems(path) == [f"{path}:4:1: invalid JSON: Expecting property name enclosed in double quotes"]


@pytest.mark.parametrize("text", ['["skip", "x"]', '"x"', "3"])
def test_the_file_must_hold_an_object(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, text)
    assert problems(path) == [
        f'{path}: a keymap is a JSON object of binding ids to keys, such as {{"skip": "x", "next-sentence": "j,down"}}'
    ]


def test_a_binding_given_twice_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, '{"skip": "x", "skip": "y"}')
    assert problems(path) == [f'{path}: "skip" is given twice']


def test_every_problem_is_listed_at_once(tmp_path: Path) -> None:
    path = write(tmp_path, '{"skip": 1, "nope": "x", "flag": ""}')
    assert len(problems(path)) == 4  # three entries and the list of known ids


def test_unreadable_files_are_one_line(tmp_path: Path) -> None:
    assert problems(tmp_path / "absent.json") == [f"{tmp_path / 'absent.json'}: cannot read the keymap: No such file or directory"]
    latin = tmp_path / "latin.json"
    latin.write_bytes(b'{"skip": "\xe9"}')
    assert problems(latin) == [f"{latin}: not UTF-8 text (byte 10)"]
