"""Keys as the user has them: the UI's binding ids, keys a keymap would give to two bindings at once,
and a binding's keys named after the user's keymap.

`App.set_keymap` moves the bindings themselves (the Footer reads them from there); the help screen,
the command palette, the value chips and the annotator numbers name the keys with `KeyNames`.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from textual.app import App
from textual.binding import Binding, BindingType
from textual.dom import DOMNode
from textual.keys import format_key
from textual.screen import ModalScreen, Screen

from annotator.tui.textual_internals import merged_bindings

UI_PACKAGE = "annotator.tui"
DIGITS = tuple(str(n % 10) for n in range(1, 11))
"""The default keys of the n-th value of a field, or of the n-th annotator: 1-9, then 0."""


def binding_ids() -> frozenset[str]:
    """Every binding id of the annotation and review UI, read from the bindings of its classes."""
    return frozenset(
        binding.id for cls in ui_classes() for binding in Binding.make_bindings(cls.__dict__.get("BINDINGS", [])) if binding.id
    )


def ui_classes() -> set[type[DOMNode]]:
    """Every app, screen and widget class of the annotation and review UI."""
    importlib.import_module("annotator.tui.review_app")  # imports every class of both apps

    return set(_subclasses(DOMNode))


def _subclasses(base: type[DOMNode]) -> Iterator[type[DOMNode]]:
    for cls in base.__subclasses__():
        if cls.__module__.startswith(f"{UI_PACKAGE}."):
            yield cls
        yield from _subclasses(cls)


def binding_scopes() -> list[list[Binding]]:
    """The bindings that are active together: each screen's with the app's, each modal screen's and
    each widget's on their own (the bindings Textual merges from a class and its bases)."""
    classes = ui_classes()
    merged = {cls: merged_bindings(cls) for cls in classes}
    app = [binding for cls in classes if issubclass(cls, App) for binding in merged[cls]]
    return [merged[cls] + (app if issubclass(cls, Screen) and not issubclass(cls, ModalScreen) else []) for cls in classes]


def declared(bindings: Iterable[BindingType]) -> list[Binding]:
    """The Binding objects of a BINDINGS list, as declared (this UI declares every binding as one;
    `Binding.make_bindings` would split one with several keys into one per key)."""
    return [binding for binding in bindings if isinstance(binding, Binding)]


def key_clashes(keymap: Mapping[str, str], scopes: Iterable[Sequence[Binding]]) -> list[str]:
    """Keys the keymap gives to a binding while another one active with it has them too. A key the
    default bindings already share on purpose (q quits, and closes the statistics) is no clash."""
    clashes: set[str] = set()
    for bindings in scopes:
        owners, default_owners = key_owners(bindings, keymap), key_owners(bindings, {})
        for key, names in owners.items():
            if len(names) > 1 and not names <= default_owners.get(key, set()):
                clashes.add(f"{key} would be the key of {' and '.join(sorted(names))}; give one of them another key")
    return sorted(clashes)


def key_owners(bindings: Iterable[Binding], keymap: Mapping[str, str]) -> dict[str, set[str]]:
    """Each key (as displayed) -> the bindings (by id, else action) it triggers with `keymap`."""
    owners: dict[str, set[str]] = {}
    for binding in bindings:
        for key in keys_of(binding, keymap):
            owners.setdefault(format_key(key), set()).add(binding.id or binding.action)
    return owners


def keys_of(binding: Binding, keymap: Mapping[str, str]) -> list[str]:
    """The binding's keys as the user has them, as Textual names them."""
    keys = keymap.get(binding.id, binding.key) if binding.id else binding.key
    return [key.strip() for key in keys.split(",")]


@dataclass(frozen=True)
class KeyNames:
    """A binding's keys as the user has them (after their keymap), named as the Footer names them
    (`App.get_key_display`)."""

    app: App
    keymap: Mapping[str, str]

    def of(self, binding: Binding) -> str:
        """Every key of the binding, for reading ("j, ↓")."""
        return ", ".join(map(self.name, keys_of(binding, self.keymap)))

    def first(self, bindings: Sequence[Binding]) -> tuple[str, ...]:
        """The first key of each binding: the keys that pick the n-th value or annotator."""
        return tuple(self.name(keys_of(binding, self.keymap)[0]) for binding in bindings)

    def name(self, key: str) -> str:
        """One key as Textual names it ("ctrl+p" -> "^p")."""
        return self.app.get_key_display(Binding(key, ""))


def number_key(keys: Sequence[str], position: int) -> str:
    """The key of the value or annotator at 0-based `position` among `keys`; "·" past them."""
    return keys[position] if position < len(keys) else "·"
