"""The Footer of the annotation screens: Textual's, rebuilt only when the keys it shows change."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import App
from textual.binding import ActiveBinding, Binding
from textual.widgets import Footer

from annotator.tui.textual_internals import footer_ready

ShownKey = tuple[str, Binding, bool, str]
"""A key the Footer shows: (key, binding, enabled, tooltip)."""


PALETTE_WIDTH = 12
"""Cells the command palette's key takes at the Footer's right ("▏^p palette" and a gap)."""


def keys_that_fit(active: dict[str, ActiveBinding], width: int, priority: Sequence[str], app: App) -> dict[str, ActiveBinding]:
    """`active` without the shown keys that would not fit in a compact Footer of `width` cells: the
    ones last in `priority` (binding ids, most needed first) go first, so that no key is cut."""
    # The Footer shows one key per action: the first of the keys bound to it.
    shown = {binding.action: binding for _node, binding, _enabled, _tooltip in reversed(active.values()) if binding.show}
    rank = {binding_id: position for position, binding_id in enumerate(priority)}
    room = width - PALETTE_WIDTH
    kept: set[str] = set()
    for binding in sorted(shown.values(), key=lambda binding: rank.get(binding.id or "", len(rank))):
        needed = len(app.get_key_display(binding)) + len(binding.description) + 2
        if needed <= room:
            kept.add(binding.action)
            room -= needed
    return {key: item for key, item in active.items() if not item.binding.show or item.binding.action in kept}


class KeyFooter(Footer):
    """Textual's Footer removes and mounts all its keys, and so lays out the whole screen, whenever
    the screen's bindings may have changed, which Textual signals at every focus move. This one
    does that only when the keys it shows differ: moving between two choice fields leaves the
    Footer alone; entering the text field (escape appears, the digits go) rebuilds it."""

    shown: tuple[ShownKey, ...] | None = None
    """The keys the last recompose drew (None: none yet)."""

    def shown_keys(self) -> tuple[ShownKey, ...]:
        """What `Footer.compose` would draw now: the bindings it shows, their state and order."""
        if not footer_ready(self):
            return ()
        palette = self.app.COMMAND_PALETTE_BINDING if self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE else None
        return tuple(
            (key, binding, enabled, tooltip)
            for key, (_, binding, enabled, tooltip) in self.screen.active_bindings.items()
            if binding.show or key == palette
        )

    async def recompose(self) -> None:
        # Overrides Widget.recompose, which Footer.bindings_changed schedules on every bindings
        # signal: skip it when the shown keys are the ones already on screen (or the Footer has
        # left its screen meanwhile, as Widget.recompose does).
        if not self.is_attached:
            return
        shown = self.shown_keys()
        if shown == self.shown:
            return
        self.shown = shown
        await super().recompose()
