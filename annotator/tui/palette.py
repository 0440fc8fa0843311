"""The command palette (`ctrl+p`): the annotation actions by name, made from the same bindings as the keys."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.actions import parse
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from annotator.tui.keys import shown_keys

PALETTE_BINDING_IDS = (
    "save-done",
    "skip",
    "flag",
    "undo",
    "next-unlabelled",
    "search",
    "search-next",
    "next-sentence",
    "previous-sentence",
    "stats",
    "help",
    "quit",
)


def palette_bindings(bindings: list[Binding]) -> list[Binding]:
    """The bindings worth a palette entry, in palette order."""
    by_id = {binding.id: binding for binding in bindings}
    return [by_id[binding_id] for binding_id in PALETTE_BINDING_IDS if binding_id in by_id]


class AnnotatorCommands(Provider):
    """One command per annotation action; running it is the same as pressing its key."""

    def _commands(self) -> list[tuple[str, Binding]]:
        screen = self.app.annotate_screen  # type: ignore[attr-defined]
        bindings = palette_bindings([*screen.BINDINGS, *self.app.BINDINGS])
        return [(binding.tooltip or binding.description, binding) for binding in bindings]

    def _run(self, binding: Binding) -> Callable[[], object]:
        """The binding's action method itself: `run_action` would ask `check_action`, which turns
        the keys off while a text field has the focus (they type there), but a command is chosen."""
        screen = self.app.annotate_screen  # type: ignore[attr-defined]
        node = screen if binding in screen.BINDINGS else self.app
        _namespace, name, parameters = parse(binding.action)
        return partial(getattr(node, f"action_{name}"), *parameters)

    def _key_hint(self, binding: Binding) -> str:
        """The binding's keys as the user has them, as markup (the palette parses its help text)."""
        return Content(f"key: {shown_keys(binding, self.app.keymap)}").markup  # type: ignore[attr-defined]

    async def discover(self) -> Hits:
        for name, binding in self._commands():
            yield DiscoveryHit(name, self._run(binding), help=self._key_hint(binding))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, binding in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), self._run(binding), help=self._key_hint(binding))
