"""The annotation screen: sentence list, context, schema form, header, status line and Footer.

Every key is a Binding with an id (remappable through `App.set_keymap`). The screen turns keys into
session calls and shows the result; what a key means for the labels is decided by the session.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, Static

from annotator.corpus.document import Corpus
from annotator.session.annotate import Missing, SaveRequest, Session
from annotator.store.records import Labels, Status
from annotator.text import flowed
from annotator.tui.keys import KeyNames, declared
from annotator.tui.safe_text import PrintableHighlighter, notify_safe, safe_line
from annotator.tui.screens.stats import StatsScreen
from annotator.tui.settings import Settings
from annotator.tui.widgets.context import ContextPane
from annotator.tui.widgets.footer import KeyFooter, keys_that_fit
from annotator.tui.widgets.schema_form import ChoiceField, DefinitionBox, SchemaForm, TextField
from annotator.tui.widgets.sentence_list import SentenceList

PICK_BINDINGS = [Binding(str(n % 10), f"pick({n})", "Pick", show=n == 1, key_display="1-9", id=f"pick-{n}") for n in range(1, 11)]


def rebind(bindings: Iterable[BindingType], keys: Mapping[str, str]) -> list[Binding]:
    """`bindings` with those whose id is in `keys` moved to those keys, in place (a screen that
    builds on another one frees a key by binding id)."""
    return [binding.with_key(keys[binding.id]) if binding.id and binding.id in keys else binding for binding in declared(bindings)]


# The header, definition and status lines have a fixed height (annotator.tcss): updating their text
# repaints them without a new layout of the whole screen.
STATUS_TEXT: dict[str, str] = {Status.DRAFT: "draft ✎", Status.DONE: "done ✓", Status.SKIPPED: "skipped »", Status.FLAGGED: "flagged ⚑"}
DRAFT_HINT = " (enter marks it done)"  # shown when no message needs the room
ALL_LABELLED = "every sentence is done, skipped or flagged"

TEXT_SAVE_SECONDS = 1.0
"""Typed text is on disk at most this long after it was typed, while typing goes on too (and
whenever the field is left)."""

SAVE_WAIT_SECONDS = 0.05
"""How long a key that changes labels waits for the record to reach the disk before the screen is
repainted (`AnnotateScreen.save`). A usual disk confirms well within it, and the change and "saved"
then appear in one repaint (Textual paces repaints: a second one for "saved" would come a frame or
two later). On a slower disk the screen shows "saving…" first. Keys pressed meanwhile are not lost:
their bindings wait (at most this long); only text typed into a focused field goes in at once."""


TYPED_IN_A_FIELD = frozenset(
    (
        "pick",
        "skip",
        "flag",
        "undo",
        "next_unlabelled",
        "next_with_status",
        "next_needing_look",
        "search",
        "search_next",
        "highlight",
        "pick_highlighted",
        "clear_field",
        "accept_suggestions",
    )
)
"""Actions whose keys a focused text input types instead."""


@dataclass(frozen=True)
class AnnotateContext:
    """What the annotation screen works with besides its session, handed down by the app."""

    corpus: Corpus
    annotator: str
    store_dir: Path  # read by the statistics screen
    key_names: KeyNames
    settings: Settings
    submit: Callable[[SaveRequest], asyncio.Future[None]]
    """Hands a request to the writer; the future is done once the writer has finished with it."""
    can_retry: Callable[[], bool]
    """Whether a failed save can be retried, or the file takes no more writes until the next start."""


class SearchBar(Input):
    """The `/` prompt: enter jumps to the next sentence containing the text, escape closes."""

    BINDINGS = [Binding("escape", "close", "Close search", id="search-close")]

    class Closed(Message):
        """The search bar closed without a search."""

    def action_close(self) -> None:
        self.display = False
        self.post_message(self.Closed())


class AnnotateScreen(Screen):
    BINDINGS = [
        Binding("j,down", "move(1)", "Move", key_display="j/k", tooltip="Next sentence", id="next-sentence"),
        Binding("k,up", "move(-1)", "Prev", show=False, tooltip="Previous sentence", id="previous-sentence"),
        Binding("pagedown", "page(1)", "Page down", show=False, tooltip="A page of sentences down", id="page-down"),
        Binding("pageup", "page(-1)", "Page up", show=False, tooltip="A page of sentences up", id="page-up"),
        Binding("enter", "done", "Done", tooltip="Save the sentence as done and go to the next unlabelled one", id="save-done"),
        Binding("s", "skip", "Skip", tooltip="Save the sentence as skipped and go to the next unlabelled one", id="skip"),
        Binding("f", "flag", "Flag", tooltip="Save the sentence as flagged (for review) and go to the next unlabelled one", id="flag"),
        Binding("u", "undo", "Undo", tooltip="Undo the last change (appends a revision restoring the earlier labels)", id="undo"),
        Binding(
            "y",
            "accept_suggestions",
            "Accept",
            tooltip="Accept the sentence's suggested values (marked ◇) in every field without a value",
            id="accept-suggestions",
        ),
        Binding(
            "Y",
            "accept_suggestions(True)",
            "Accept field",
            show=False,
            tooltip="Accept the focused field's suggested value (marked ◇)",
            id="accept-suggestion",
        ),
        Binding("D", "next_with_status('draft')", "Next draft", show=False, tooltip="Go to the next draft sentence", id="next-draft"),
        Binding(
            "F", "next_with_status('flagged')", "Next flagged", show=False, tooltip="Go to the next flagged sentence", id="next-flagged"
        ),
        Binding(
            "S", "next_with_status('skipped')", "Next skipped", show=False, tooltip="Go to the next skipped sentence", id="next-skipped"
        ),
        Binding(
            "L",
            "next_needing_look",
            "Next to look at",
            show=False,
            tooltip="Go to the next sentence whose label, of an earlier schema version, has a field to decide (marked ?)",
            id="next-look",
        ),
        Binding(
            "g",
            "next_unlabelled",
            "Unlabelled",
            show=False,
            tooltip="Go to the next sentence not yet done, skipped or flagged (drafts included)",
            id="next-unlabelled",
        ),
        Binding("slash", "search", "Search", tooltip="Search sentences", id="search"),
        Binding("n", "search_next", "Next match", show=False, tooltip="Go to the next sentence matching the search", id="search-next"),
        Binding("a", "stats", "Agreement", show=False, tooltip="Agreement statistics", id="stats"),
        Binding(
            "left",
            "highlight(-1)",
            "Value left",
            show=False,
            tooltip="Highlight the previous value of the field (its definition is shown)",
            id="value-left",
        ),
        Binding("right", "highlight(1)", "Value right", show=False, tooltip="Highlight the next value of the field", id="value-right"),
        Binding(
            "space", "pick_highlighted", "Pick value", show=False, tooltip="Pick (or toggle) the highlighted value", id="pick-highlighted"
        ),
        Binding("escape", "leave_field", "Leave field", tooltip="Leave the text field (what you typed is saved)", id="leave-field"),
        Binding("backspace,delete", "clear_field", "Clear", show=False, tooltip="Clear the focused field's value", id="clear-field"),
        *PICK_BINDINGS,
        Binding("tab", "app.focus_next", "Next field", tooltip="Go to the next field", id="next-field"),
        Binding("shift+tab", "app.focus_previous", "Previous field", show=False, tooltip="Go to the previous field", id="previous-field"),
    ]

    FOOTER_PRIORITY: tuple[str, ...] = (
        "help", "pick-1", "next-field", "leave-field", "save-done", "accept-suggestions", "next-sentence", "skip", "flag", "undo", "search",
    )  # fmt: skip
    """The keys the Footer keeps when it cannot show them all, most needed first."""

    def __init__(self, session: Session, context: AnnotateContext) -> None:
        super().__init__()
        self.session = session
        self.context = context
        self.query_text = ""
        self.message: Content | None = None
        self.missing_said = False  # the message says which required fields enter found missing
        self.text_save: Timer | None = None  # the save of typed text that is not on disk yet

    def compose(self) -> ComposeResult:
        session = self.session
        yield Static(id="header")
        with Horizontal(id="body"):
            with Vertical(id="left"):
                yield SentenceList(
                    len(session.units), lambda i: flowed(session.units[i].text), session.mark, session.documents(), id="sentences"
                )
                yield ContextPane(id="context")
            with Vertical(id="right"):
                yield SchemaForm(session.schema, self.context.key_names.first(PICK_BINDINGS), id="form")
                yield DefinitionBox(session.schema, id="definition")
        yield from self.compose_below_body()
        yield Static(id="status")
        yield SearchBar(id="search", placeholder="search sentences: enter jumps, escape closes", highlighter=PrintableHighlighter())
        yield KeyFooter(compact=True)

    def compose_below_body(self) -> ComposeResult:
        """What a screen built on this one shows between the body and the status line."""
        yield from ()

    def on_mount(self) -> None:
        self.query_one("#search", SearchBar).display = False
        self.sentences.cursor = self.session.cursor
        self.show_unit()
        self.focus_form()

    @property
    def sentences(self) -> SentenceList:
        return self.query_one("#sentences", SentenceList)

    @property
    def form(self) -> SchemaForm:
        return self.query_one("#form", SchemaForm)

    # Showing

    def show_unit(self) -> None:
        """Refresh everything that depends on the current unit."""
        session = self.session
        index = session.cursor
        self.show_labels()
        unit, suggestions = session.unit, session.suggestions(index)
        cues = suggestions.cues() if suggestions is not None else []
        self.query_one("#context", ContextPane).show(self.context.corpus.document(unit.doc), unit, cues)
        self.show_header()
        self.show_definition()
        self.show_status()

    def show_header(self) -> None:
        self.query_one("#header", Static).update(self.header(), layout=False)

    def header(self) -> Content:
        """The header line: who annotates, how far labelling is, where the cursor is, the schema
        (what matters most first: a narrow terminal cuts the end)."""
        session = self.session
        progress = session.progress(session.cursor)
        schema = session.schema
        return Content.assemble(
            (safe_line(self.context.annotator), "bold"),
            "  ",
            f"{progress.doc_done} of {progress.doc_total}",
            (" labelled in this document, ", "$text-muted"),
            f"{progress.corpus_done} of {progress.corpus_total}",
            (" in your queue" if session.is_queue else " in all", "$text-muted"),
            ("  sentence ", "$text-muted"),
            f"{session.cursor + 1}",
            ("  schema ", "$text-muted"),
            f"{safe_line(schema.name)} v{schema.version}",
        )

    def show_definition(self) -> None:
        focused = self.focused
        text = focused.highlighted_description() if isinstance(focused, ChoiceField | TextField) else Content("")
        self.query_one("#definition", Static).update(text, layout=False)

    def show_status(self) -> None:
        """The save state of the current unit, then the last message (missing fields, a failure)."""
        index = self.session.cursor
        status = self.query_one("#status", Static)
        unsaved = self.session.is_unsaved(index)
        status.set_class(unsaved, "-error")
        if self.session.is_saving(index):
            state = Content("saving…")
        elif unsaved:
            state = Content("not saved: enter retries" if self.context.can_retry() else "not saved: quit and start again to save")
        elif self.typed_not_saved():
            state = Content("typed text not on disk yet")
        elif (current := self.session.status(index)) is not None:
            hint = DRAFT_HINT if current == Status.DRAFT and self.message is None else ""
            if self.message is None and self.session.all_labelled():
                hint = f" · {ALL_LABELLED}"
            state = Content.styled(f"saved · {STATUS_TEXT[current]}{hint}", "$text-success")
        else:
            state = Content.styled("not labelled yet", "$text-muted")
        status.update(Content.assemble(state, "   ", self.message) if self.message else state, layout=False)

    def say(self, message: Content | None, *, error: bool = False) -> None:
        self.message = message
        self.show_status()
        if error:
            self.query_one("#status", Static).add_class("-error")

    # Moving

    def move_to(self, index: int) -> None:
        self.commit_text()
        self.message = None
        self.missing_said = False
        self.session.show(index)
        self.sentences.cursor = index
        self.show_unit()
        if not isinstance(self.focused, SearchBar):
            self.focus_form()

    @on(SentenceList.Clicked)
    def _clicked(self, event: SentenceList.Clicked) -> None:
        self.move_to(event.index)

    def action_move(self, step: int) -> None:
        self.move_to(max(0, min(self.session.cursor + step, len(self.session.units) - 1)))

    def action_page(self, step: int) -> None:
        self.action_move(step * self.sentences.page_rows())

    def action_next_unlabelled(self) -> None:
        index = self.session.next_unlabelled(self.session.cursor)
        if self.session.is_labelled(index):
            self.say(Content(ALL_LABELLED))
            return
        self.move_to(index)

    def action_next_needing_look(self) -> None:
        index = self.session.next_needing_look(self.session.cursor)
        if index is None:
            self.say(Content("no other sentence has a field to decide after a schema change"))
            return
        self.move_to(index)
        field = self.query_one(f"#field-{self.session.to_decide(index)[0]}")
        assert isinstance(field, ChoiceField | TextField)
        self.focus_in_view(field)

    def action_next_with_status(self, status: str) -> None:
        index = self.session.next_with_status(self.session.cursor, status)
        if index is None:
            self.say(Content(f"no other sentence is {status}"))
            return
        self.move_to(index)

    # Labelling

    def focused_field(self) -> ChoiceField | TextField | None:
        focused = self.focused
        return focused if isinstance(focused, ChoiceField | TextField) else None

    def focus_form(self) -> None:
        fields = [field for field in self.form.fields if field.display]
        if fields:
            fields[0].focus()

    async def action_pick(self, number: int) -> None:
        field = self.focused_field()
        if not isinstance(field, ChoiceField):
            self.say(Content("move to a choice field with tab first"))
            return
        request = self.session.pick(self.session.cursor, field.field.id, number)

        def show() -> None:
            field.highlight = number - 1
            self.show_change()
            if field.field.kind == "single" and self.context.settings.advance_after_pick:
                self.focus_next_choice(field)

        if request is None:
            show()  # the value was chosen already: picking it again moves on all the same
        else:
            await self.save(request, show)

    def focus_next_choice(self, after: ChoiceField) -> None:
        """Focus the first choice field shown after `after` (text fields are reached with tab)."""
        fields = [field for field in self.form.fields if field.display]
        later = fields[fields.index(after) + 1 :] if after in fields else []
        following = next((field for field in later if isinstance(field, ChoiceField)), None)
        if following is not None:
            following.focus()

    async def action_clear_field(self) -> None:
        field = self.focused_field()
        if isinstance(field, ChoiceField):
            request = self.session.clear(self.session.cursor, field.field.id)
            if request is not None:
                await self.save(request, self.show_change)

    def action_highlight(self, step: int) -> None:
        field = self.focused_field()
        if isinstance(field, ChoiceField):
            field.move_highlight(step)
            self.show_definition()

    async def action_pick_highlighted(self) -> None:
        field = self.focused_field()
        if isinstance(field, ChoiceField):
            await self.action_pick(field.highlight + 1)

    def commit_text(self) -> None:
        """Save the typed text of every text field that differs from the unit's labels."""
        if self.text_save is not None:
            self.text_save.stop()
            self.text_save = None
        typed = [(widget.field.id, widget.value) for widget in self.form.fields if isinstance(widget, TextField) and widget.display]
        changed = False
        for field_id, text in typed:
            request = self.session.set_text(self.session.cursor, field_id, text)
            if request is not None:
                self.submit(request)
                changed = True
        if changed:
            self.show_change(refocus=False)

    def show_change(self, *, refocus: bool = True) -> None:
        """Redraw what a change of the current unit's labels affects."""
        labels = self.show_labels()
        if self.missing_said and not self.session.schema.missing_required(labels):
            self.missing_said = False
            self.message = None
        if refocus and self.focused is not None and not self.focused.display:
            self.focus_form()
        self.sentences.refresh_row(self.session.cursor)
        self.show_definition()
        self.show_status()

    def show_suggestions(self) -> None:
        """Show the current unit's suggestions anew (they changed: a model answered). Typed text is
        saved first, so that redrawing the form keeps it."""
        self.commit_text()
        self.show_unit()

    def show_labels(self) -> Labels:
        """Show the current unit's labels, and its suggested values, in the form; the labels."""
        session, index = self.session, self.session.cursor
        labels = session.labels(index)
        self.form.show(labels, {field.id for field in session.applicable_fields(index)}, session.was(index), session.suggested(index))
        return labels

    async def action_accept_suggestions(self, focused_only: bool = False) -> None:
        field = self.focused_field()
        if focused_only and field is None:
            self.say(Content("move to a field with tab first"))
            return
        request = self.session.accept_suggestions(self.session.cursor, field.field.id if focused_only and field else None)
        if request is None:
            self.say(Content("no suggestion to accept here" if not focused_only else "no suggestion for this field"))
            return
        await self.save(request, self.show_change)
        if not focused_only:  # after the save's held repaints, so that the form is laid out anew before it scrolls
            self.focus_first_empty(self.session.labels(self.session.cursor))

    def focus_first_empty(self, labels: Labels) -> None:
        """Focus the first field shown without a value (what is left to decide), if there is one."""
        empty = next((field for field in self.form.fields if field.display and field.field.id not in labels), None)
        if empty is not None:
            self.focus_in_view(empty)

    def focus_in_view(self, field: ChoiceField | TextField) -> None:
        """Focus a field that a change just showed, and scroll the form to it."""
        field.focus()
        self.call_after_refresh(field.scroll_visible, animate=False)  # the form's new layout is known only then

    def action_leave_field(self) -> None:
        if isinstance(self.focused, TextField):
            self.commit_text()
            self.focus_next()

    @on(Input.Blurred, ".field")
    def _text_left(self) -> None:
        self.commit_text()

    @on(Input.Changed, ".field")
    def _text_typed(self) -> None:
        """Save typed text within TEXT_SAVE_SECONDS of the first key not saved yet, so a killed
        process loses at most that much, however long the typing goes on."""
        if self.text_save is None:
            self.text_save = self.set_timer(TEXT_SAVE_SECONDS, self.commit_text)
        self.show_status()

    def typed_not_saved(self) -> bool:
        """Whether a text field shows text that is not the unit's label yet."""
        labels = self.session.labels(self.session.cursor)
        return any(
            isinstance(widget, TextField) and widget.display and widget.value.strip() != labels.get(widget.field.id, "")
            for widget in self.form.fields
        )

    # Saving

    async def action_done(self) -> None:
        self.commit_text()
        result = self.session.mark_done(self.session.cursor)
        if isinstance(result, Missing):
            if result.retry is not None:
                self.submit(result.retry)
            labels = [self.session.schema.field(field_id).label for field_id in result.fields]
            self.say(Content.assemble("missing ", (", ".join(map(safe_line, labels)), "bold")), error=True)
            self.missing_said = True
            self.query_one(f"#field-{result.fields[0]}").focus()
            return
        await self.save_and_advance(result)

    async def action_skip(self) -> None:
        self.commit_text()
        await self.save_and_advance(self.session.status_request(self.session.cursor, Status.SKIPPED))

    async def action_flag(self) -> None:
        self.commit_text()
        await self.save_and_advance(self.session.status_request(self.session.cursor, Status.FLAGGED))

    async def save_and_advance(self, request: SaveRequest) -> None:
        def advance() -> None:
            self.sentences.refresh_row(request.index)
            self.move_to(self.session.next_unlabelled(request.index))

        await self.save(request, advance)

    async def action_undo(self) -> None:
        self.commit_text()
        request = self.session.undo()
        if request is None:
            self.say(Content("nothing to undo in this session"))
            return

        def show() -> None:
            self.move_to(request.index)
            self.say(Content("undone: restoring the earlier labels"))

        await self.save(request, show)

    def submit(self, request: SaveRequest) -> asyncio.Future[None]:
        """Hand the request to the writer; what it shows comes with the writer's outcome."""
        return self.context.submit(request)

    async def save(self, request: SaveRequest, show: Callable[[], None]) -> None:
        """Hand the request to the writer, `show` the change, then wait up to SAVE_WAIT_SECONDS for
        the disk with repaints held, so that the change and "saved" usually appear in one repaint.

        Showing comes first: enter in a text field waits in the screen's queue while the app goes on
        passing keys to the focused widget, and what is typed then must go to the field `show`
        focused, not into the sentence just marked done. Repaints are held because a binding waits
        in the app's queue instead, which leaves the screen free to paint "saving…" meanwhile."""
        handled = self.submit(request)
        with self.app.batch_update():
            show()
            await asyncio.wait([handled], timeout=SAVE_WAIT_SECONDS)

    def saved(self, request: SaveRequest) -> None:
        """A record is on disk (called by the app when the writer confirms it)."""
        self.sentences.refresh_row(request.index)
        self.show_header()
        if request.index == self.session.cursor:
            self.show_status()

    def save_failed(self, request: SaveRequest, reason: str) -> None:
        """Show the unit whose labels were not saved (they stay on screen) and why."""
        self.sentences.refresh_row(request.index)
        message = self.show_unsaved(request.index, reason)
        notify_safe(self.app, message, severity="error", timeout=10)

    def show_unsaved(self, index: int, reason: str) -> str:
        """Go to a unit whose labels are not saved and say why and how to retry; the message."""
        if index != self.session.cursor:
            self.move_to(index)
        if self.context.can_retry():
            message = f"save failed, labels kept on screen (press enter to retry): {reason}"
        else:
            message = f"save failed: {reason} Quit and start annotator again to go on; the labels not saved are only on screen"
        self.say(Content(safe_line(message)), error=True)
        return message

    def action_stats(self) -> None:
        self.app.push_screen(StatsScreen(self.context.store_dir, self.session.schema, self.context.key_names, corpus=self.context.corpus))

    # Searching

    def action_search(self) -> None:
        bar = self.query_one("#search", SearchBar)
        bar.display = True
        bar.value = self.query_text
        bar.focus()

    @on(SearchBar.Closed)
    def _search_closed(self) -> None:
        self.focus_form()

    @on(Input.Submitted, "#search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_text = event.value
        bar = self.query_one("#search", SearchBar)
        bar.display = False
        self.focus_form()
        self.action_search_next()

    def action_search_next(self) -> None:
        if not self.query_text:
            self.action_search()
            return
        found = self.session.search(self.query_text, self.session.cursor)
        if found is None:
            self.say(Content.assemble("no sentence contains ", (safe_line(self.query_text), "bold")))
            return
        self.move_to(found.index)
        again = ", from the top again" if found.wrapped else ""
        self.say(Content.assemble(f"match {found.number} of {found.of}{again}: ", (safe_line(self.query_text), "bold")))

    # Focus and the Footer

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """Textual's, with this screen's bindings in the order they are declared (a keymap moves the
        bindings it remaps to the end, and the Footer would show them last), and only the shown
        keys that fit the Footer's width (it cut the last one off mid-word)."""
        bindings = declared(self.BINDINGS)
        order = {binding.id: position for position, binding in enumerate(bindings) if binding.id}
        active = dict(sorted(super().active_bindings.items(), key=lambda item: order.get(item[1].binding.id or "", len(bindings))))
        return keys_that_fit(active, self.size.width, self.FOOTER_PRIORITY, self.app)

    def on_resize(self) -> None:
        self.refresh_bindings()  # the keys that fit the Footer

    def on_descendant_focus(self) -> None:
        # No refresh_bindings here: Screen.set_focus already signals a bindings change after
        # every focus move, and the Footer redraws only when the keys it shows differ.
        self.show_definition()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide (and disable) what a focused text input would type anyway; show escape only there."""
        typing = isinstance(self.focused, Input)
        if action == "leave_field":
            return typing and isinstance(self.focused, TextField)
        if typing and action in TYPED_IN_A_FIELD:
            return False
        if action == "accept_suggestions":
            return self.session.suggester is not None
        return action not in ("pick", "clear_field") or isinstance(self.focused, ChoiceField)
