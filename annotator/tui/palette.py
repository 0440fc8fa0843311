"""The command palette (`ctrl+p`): the annotation actions by name, made from the same bindings as the
keys, offered through `App.get_system_commands`."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import partial

from textual.actions import parse
from textual.app import SystemCommand
from textual.binding import Binding
from textual.content import Content
from textual.dom import DOMNode

from annotator.tui.keys import KeyNames, declared

PALETTE_BINDING_IDS = (
    "save-done", "skip", "flag", "undo", "next-unlabelled", "search", "search-next",
    "next-sentence", "previous-sentence", "stats", "help", "quit",
)  # fmt: skip


def palette_commands(
    nodes: Sequence[DOMNode], key_names: KeyNames, binding_ids: Sequence[str] = PALETTE_BINDING_IDS
) -> Iterator[SystemCommand]:
    """One command per binding of `nodes` (a screen, then its app) whose id is in `binding_ids`, in
    that order; its help names the binding's keys as the user has them."""
    found: dict[str, tuple[DOMNode, Binding]] = {}
    for node in nodes:
        for binding in declared(node.BINDINGS):
            if binding.id is not None:
                found.setdefault(binding.id, (node, binding))
    for binding_id in binding_ids:
        if binding_id in found:
            node, binding = found[binding_id]
            help_text = Content(f"key: {key_names.of(binding)}").markup  # the palette parses help as markup
            yield SystemCommand(binding.tooltip or binding.description, help_text, _action(node, binding))


def _action(node: DOMNode, binding: Binding) -> partial[object]:
    """The binding's action method itself: `run_action` would ask `check_action`, which turns the keys
    off while a text field has the focus (they type there), but a command is chosen."""
    _namespace, name, parameters = parse(binding.action)
    return partial(getattr(node, f"action_{name}"), *parameters)
