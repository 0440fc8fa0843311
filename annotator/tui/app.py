"""The annotation app: wires the session, the background writer and the screens together."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from textual.app import App
from textual.binding import Binding
from textual.message import Message

from annotator.corpus import Corpus
from annotator.session import SaveRequest, Session
from annotator.tui.commands import AnnotatorCommands
from annotator.tui.safe_text import notify_safe
from annotator.tui.screens.annotate import AnnotateScreen
from annotator.tui.screens.help import HelpScreen


class Saver(Protocol):
    """Appends records off the event loop; reports each outcome through the callbacks it was built with."""

    def submit(self, request: SaveRequest) -> None: ...
    def close(self) -> None: ...


@dataclass
class Saved(Message):
    request: SaveRequest
    record: dict


@dataclass
class SaveFailed(Message):
    request: SaveRequest
    reason: str


class AnnotatorApp(App):
    CSS_PATH = "annotator.tcss"
    TITLE = "annotator"
    COMMANDS = App.COMMANDS | {AnnotatorCommands}
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (70, "-wide")]  # below 70 columns the form goes under the list
    BINDINGS = [
        Binding("q", "quit", "Quit", show=False, tooltip="Quit (every label shown as saved is on disk)", id="quit"),
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True, tooltip="Quit, even from a text field", id="quit-now"),
        Binding("question_mark,f1", "help", "Help", tooltip="This help: keys and the schema's definitions", id="help"),
    ]

    def __init__(self, *, corpus: Corpus, session: Session, annotator: str, store_dir: Path, notices: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.corpus = corpus
        self.session = session
        self.annotator = annotator
        self.store_dir = store_dir
        self.notices = notices
        self.saver: Saver | None = None
        self.keymap: dict[str, str] = {}  # binding id -> keys; none remapped by default

    def get_default_screen(self) -> AnnotateScreen:
        return AnnotateScreen(self.session)

    def on_mount(self) -> None:
        self.set_keymap(self.keymap)
        for notice in self.notices:
            notify_safe(self, notice, severity="warning", timeout=15)

    def attach_saver(self, saver: Saver) -> None:
        self.saver = saver

    @property
    def annotate_screen(self) -> AnnotateScreen:
        return self.screen_stack[0]  # type: ignore[return-value]

    # Saving: the writer thread posts Saved / SaveFailed back onto the event loop.

    def submit(self, request: SaveRequest) -> None:
        assert self.saver is not None, "attach_saver before the first change"
        self.saver.submit(request)

    def report_saved(self, request: SaveRequest, record: dict) -> None:
        """Writer callback (any thread)."""
        self.post_message(Saved(request, record))

    def report_failed(self, request: SaveRequest, reason: str) -> None:
        """Writer callback (any thread)."""
        self.post_message(SaveFailed(request, reason))

    def on_saved(self, message: Saved) -> None:
        self.session.confirm(message.request, message.record)
        self.annotate_screen.saved(message.request)

    def on_save_failed(self, message: SaveFailed) -> None:
        self.session.fail(message.request)
        self.annotate_screen.save_failed(message.request, message.reason)

    def on_unmount(self) -> None:
        if self.saver is not None:
            self.saver.close()

    # Actions shared by keys and the command palette

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            bindings = [*self.annotate_screen.BINDINGS, *self.BINDINGS]
            self.push_screen(HelpScreen(self.session.schema, bindings, self.keymap))
