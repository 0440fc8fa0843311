"""Keys handled one at a time, in the order they were typed, each by the widget focused when its turn
comes.

Textual forwards a key to the focused widget's own queue and goes on with the next key at once; the
key's bindings (tab, a pick that moves on to the next field) run only when it has bubbled back up to
the app. Typed fast, the next key then reaches the widget that was focused before: `3 tab 7` put the
7 into the text field that tab was leaving. Here the app holds each key until the previous one has
been through every widget from the focused one up to the screen, and through the app's bindings.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence

from textual import events
from textual.app import App
from textual.dom import DOMNode
from textual.message import Message


class KeyDone(Message):
    """The previous key has been through the widgets and, when it bubbled up, the app's bindings."""


class KeysInOrder(App):
    """An app whose keys wait for one another (see the module docstring)."""

    def __init__(self) -> None:
        super().__init__()
        self._key_in_flight = False
        self._waiting_keys: deque[events.Key] = deque()

    async def on_event(self, event: events.Event) -> None:
        if not isinstance(event, events.Key) or event.is_forwarded:
            await super().on_event(event)
        elif self._key_in_flight:
            self._waiting_keys.append(event)
        else:
            await self._handle_key(event)

    async def _handle_key(self, key: events.Key) -> None:
        self._key_in_flight = True
        target = self.focused or self.screen
        await super().on_event(key)  # priority bindings, else forwarded to `target`
        self._follow([node for node in target.ancestors_with_self if node is not self])

    def _follow(self, nodes: Sequence[DOMNode]) -> None:
        """Wait in each node's queue in turn, behind the key: once the last (the screen) has passed it
        on, the key's own bubbling is in the app's queue ahead of `KeyDone`."""
        while nodes:
            first, nodes = nodes[0], nodes[1:]
            if first.call_later(self._follow, nodes):
                return
        self.post_message(KeyDone())

    async def on_key_done(self, _message: KeyDone) -> None:
        self._key_in_flight = False
        if self._waiting_keys:
            await self._handle_key(self._waiting_keys.popleft())
