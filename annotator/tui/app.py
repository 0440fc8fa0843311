"""The annotation app: wires the session, the background writer and the screens together."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from textual.app import SystemCommand
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from annotator.memory import settle_after_launch
from annotator.session.annotate import SaveRequest
from annotator.session.launch import Opened, PlacedHeads, place_heads
from annotator.store.records import Record
from annotator.store.writer import AppendRequest, BackgroundWriter
from annotator.text import plural
from annotator.tui.key_order import KeysInOrder
from annotator.tui.keys import KeyNames, declared
from annotator.tui.palette import PALETTE_BINDING_IDS, palette_commands
from annotator.tui.safe_text import notify_safe
from annotator.tui.screens.annotate import AnnotateContext, AnnotateScreen
from annotator.tui.screens.help import HelpScreen
from annotator.tui.screens.quit import QuitScreen
from annotator.tui.settings import Settings
from annotator.tui.widgets.context import cue_legend

if TYPE_CHECKING:
    from annotator.suggest.collect import Suggested


@dataclass
class ModelSuggestions(Message):
    """The model command has answered (or failed: its problems say how) for every unit."""

    suggested: Suggested


@dataclass(frozen=True, kw_only=True)
class SessionAppend(AppendRequest):
    """The append of a session's request; the writer hands it back with the outcome."""

    request: SaveRequest
    handled: asyncio.Future[None]  # done once the writer has finished with the request


@dataclass
class FileChanged(Message):
    """Others changed the annotator's file (`AnnotationLog.take_news`: a git pull replaced it, another
    program appended to it): what they did, and the heads of the file as read now, placed on the
    corpus."""

    news: list[str]
    placed: PlacedHeads


@dataclass
class Written(Message):
    """The writer's outcome for one request: the record now on disk, or the error that stopped it."""

    request: SaveRequest
    record: Record | None
    error: Exception | None


CLOSING_SIGNALS = (signal.SIGHUP, signal.SIGTERM)


class AnnotatorApp(KeysInOrder):
    CSS_PATH = "annotator.tcss"
    TITLE = "annotator"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (70, "-wide")]  # below 70 columns the form goes under the list
    BINDINGS = [
        Binding("q", "quit", "Quit", show=False, tooltip="Quit (every label shown as saved is on disk)", id="quit"),
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True, tooltip="Quit, even from a text field", id="quit-now"),
        Binding("question_mark,f1", "help", "Help", tooltip="This help: keys and the schema's definitions", id="help"),
    ]

    RECORD_KEYS: Mapping[str, object] = {}
    """Optional record keys every saved record carries (a review app sets `kind`)."""
    PALETTE_BINDING_IDS: Sequence[str] = PALETTE_BINDING_IDS
    """The bindings of the annotation screen and the app offered in the command palette."""

    def __init__(self, opened: Opened, *, keymap: Mapping[str, str] | None = None, settings: Settings | None = None) -> None:
        super().__init__()
        self.corpus = opened.corpus
        self.session = opened.session
        self.annotation_log = opened.log
        self.annotator = opened.log.annotator
        self.store_dir = opened.store_dir
        self.notices = opened.notices
        self.more_suggestions = opened.more_suggestions
        self.writer: BackgroundWriter | None = None  # started on mount, closed (drained) on unmount
        self.save_failure = ""  # why the last save failed
        self.quitting = False  # quit asked: waiting for the changes on their way to disk
        self.keymap = dict(keymap or {})  # binding id -> keys, the user's (annotator.tui.keymap)
        self.key_names = KeyNames(self, self.keymap)
        self.settings = settings or Settings()
        self.screen_context = AnnotateContext(
            self.corpus, self.annotator, self.store_dir, self.key_names, self.settings, self.submit, self.can_retry
        )
        self.annotate_screen = self.labelling_screen()

    def labelling_screen(self) -> AnnotateScreen:
        """The screen the session is labelled on."""
        return AnnotateScreen(self.session, self.screen_context)

    def get_default_screen(self) -> Screen:
        return self.annotate_screen

    def on_mount(self) -> None:
        self.writer = BackgroundWriter(self.annotation_log, self._written, self._file_changed)
        loop = asyncio.get_running_loop()
        for signum in CLOSING_SIGNALS:
            loop.add_signal_handler(signum, self.close_now)
        self.set_keymap(self.keymap)
        for notice in self.notices:
            notify_safe(self, notice, severity="warning", timeout=15)
        self.call_after_refresh(settle_after_launch)
        if self.more_suggestions is not None:
            self.run_worker(self._ask_the_model, thread=True, exit_on_error=False, group="suggestions")

    def _ask_the_model(self) -> None:
        """On a worker thread: the model command's suggestions for every unit, handed to the screen."""
        assert self.more_suggestions is not None
        self.post_message(ModelSuggestions(self.more_suggestions()))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "suggestions" and event.state == WorkerState.ERROR:
            notify_safe(self, f"the model command could not be used: {event.worker.error}; the rule suggestions stay", severity="warning")

    def on_model_suggestions(self, message: ModelSuggestions) -> None:
        found = message.suggested
        self.session.take_suggestions(found.units)
        self.annotate_screen.show_suggestions()
        for problem in found.problems:
            notify_safe(self, str(problem), severity="warning", timeout=30)
        notify_safe(self, f"model suggestions: {plural(found.asked, 'sentence')} asked, {found.cached} units from its cache")

    # Saving: the writer thread appends and fsyncs; its outcomes come back as Written messages.

    def can_retry(self) -> bool:
        return self.annotation_log.unusable is None

    def submit(self, request: SaveRequest) -> asyncio.Future[None]:
        """Hand the request to the writer; the returned future is done once the writer has finished
        with it, its outcome then queued as a Written message (the screen's `save` waits for it)."""
        assert self.writer is not None, "the writer starts when the app is mounted"
        unit, schema = request.unit, self.session.schema
        handled = asyncio.get_running_loop().create_future()
        self.writer.submit(
            SessionAppend(
                unit=unit,
                doc_sha256=self.corpus.document(unit.doc).sha256,
                schema=schema.name,
                schema_version=schema.version,
                labels=request.labels,
                status=request.status,
                prev=request.prev,
                optional={**self.RECORD_KEYS, **request.record_keys},
                request=request,
                handled=handled,
            )
        )
        return handled

    def _written(self, append: AppendRequest, record: Record | None, error: Exception | None) -> None:
        """The writer's on_done, on the writer thread: it only posts a message, as `close` waits
        for this thread. The message is queued before the future is done: both go through the loop's
        thread-safe callback queue, in order."""
        append = cast(SessionAppend, append)
        self.post_message(Written(append.request, record, error))
        append.handled.get_loop().call_soon_threadsafe(_set_done, append.handled)

    def _file_changed(self, news: list[str]) -> None:
        """The writer's on_news, on the writer thread, before the outcome of the append that found
        the change: the heads are placed on the corpus here, off the event loop."""
        self.post_message(FileChanged(news, place_heads(self.corpus, self.session.schema, self.annotation_log.latest(), self.annotator)))

    def on_file_changed(self, message: FileChanged) -> None:
        screen = self.annotate_screen
        for index in self.session.take_heads(message.placed.heads, message.placed.moved):
            screen.sentences.refresh_row(index)
        screen.show_header()
        for news in message.news:
            notify_safe(self, news, severity="warning", timeout=30)

    def on_written(self, message: Written) -> None:
        if message.record is not None:
            self.session.confirm(message.request, message.record)
            self.annotate_screen.saved(message.request)
        else:
            self.session.fail(message.request)
            self.save_failure = failure_reason(message.error)
            self.annotate_screen.save_failed(message.request, self.save_failure)
        if self.quitting:
            self._quit_once_written()

    def on_unmount(self) -> None:
        loop = asyncio.get_running_loop()
        for signum in CLOSING_SIGNALS:
            loop.remove_signal_handler(signum)
        if self.writer is not None:
            self.writer.close()

    def close_now(self) -> None:
        """The terminal closed (SIGHUP) or the process is asked to end (SIGTERM): nobody is left to
        answer a question, so exit (`on_exit_app` saves typed text); unmounting waits for the writer."""
        self.exit()

    def on_exit_app(self) -> None:
        """However the app is made to exit (quitting, a signal, or textual-serve's quit when a browser
        tab closes or its server stops), typed text is saved first."""
        if self.annotate_screen.is_mounted:
            self.annotate_screen.commit_text()

    # Actions shared by keys and the command palette

    async def action_quit(self) -> None:
        """Quit once every change is on disk, saving typed text first; if a change could not be
        saved, ask first.

        ctrl+q is a priority binding: it can overtake keys still queued for the focused text field,
        so the text is read in that field's own queue, after them.
        """
        if isinstance(self.screen, QuitScreen):
            return
        screen = self.annotate_screen
        (screen.focused or screen).call_later(self._save_text_and_quit)

    def _save_text_and_quit(self) -> None:
        self.annotate_screen.commit_text()
        self.quitting = True
        self._quit_once_written()

    def _quit_once_written(self) -> None:
        """Quit if nothing is on its way to disk any more (else say so: the writer's outcome calls
        again)."""
        writing = self.session.writing()
        if writing:
            self.annotate_screen.say(Content(f"quitting once {plural(writing, 'change')} {'is' if writing == 1 else 'are'} on disk"))
            return
        self.quitting = False
        unsaved = self.session.unsaved()
        if unsaved:
            self.clear_notifications()  # the failures' toasts would cover the question, which says why
            self.push_screen(QuitScreen(len(unsaved), self.save_failure, self.key_names), self._quit_anyway)
        else:
            self.exit()

    def _quit_anyway(self, anyway: bool | None) -> None:
        unsaved = self.session.unsaved()
        if anyway:
            self.exit()
        elif unsaved:
            self.annotate_screen.show_unsaved(unsaved[0], self.save_failure)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            bindings = declared([*self.annotate_screen.BINDINGS, *self.BINDINGS])
            legend = cue_legend() if self.session.suggester is not None else []
            self.push_screen(HelpScreen(self.session.schema, bindings, self.key_names, legend))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Textual's commands but its Quit (the app's own says what quitting waits for), then the
        annotation actions when the palette opens on the annotation screen."""
        yield from (command for command in super().get_system_commands(screen) if command.title != "Quit")
        if screen is self.annotate_screen:
            yield from palette_commands([screen, self], self.key_names, self.PALETTE_BINDING_IDS)


def _set_done(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


def failure_reason(error: Exception | None) -> str:
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error) or type(error).__name__
