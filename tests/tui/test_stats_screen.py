"""The statistics screen: the report computed off the event loop, shown literally, closed with escape or q."""

from __future__ import annotations

import gc
import threading
import weakref
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.app import App
from textual.widgets import Static

from annotator.agreement import report
from annotator.corpus.document import Corpus, Unit
from annotator.corpus.load import load_corpus
from annotator.labels import anchors
from annotator.schema.load import load_schema
from annotator.schema.model import Schema
from annotator.store.log import AnnotationLog
from annotator.tui.keys import KeyNames
from annotator.tui.screens import stats
from annotator.tui.screens.stats import StatsScreen
from tests.tui.conftest import SCHEMA
from tests.tui.waiting import wait_for

SIZE = (120, 40)
HOSTILE_DOC = "[/]news[@click=app.quit]\x1b[2J"
CHECK = {"checkworthiness": "check", "source_type": "expert", "claim_type": ["event"], "verifiability": "public", "hedging": "asserted"}


class StatsApp(App[None]):
    def __init__(self, store_dir: Path, schema: Schema, keymap: dict[str, str] | None = None, corpus: Corpus | None = None) -> None:
        super().__init__()
        self.store_dir = store_dir
        self.schema = schema
        self.keymap = keymap or {}
        self.corpus = corpus

    def on_mount(self) -> None:
        self.set_keymap(self.keymap)
        self.push_screen(StatsScreen(self.store_dir, self.schema, KeyNames(self, self.keymap), corpus=self.corpus, bootstrap=50))


def unit(number: int, doc: str = HOSTILE_DOC) -> Unit:
    text = f"Sentence {number}."
    return Unit(doc, 20 * number, 20 * number + len(text), text, 0)


def label(store_dir: Path, annotator: str, number: int, labels: dict) -> None:
    with AnnotationLog.open(store_dir, annotator) as log:
        log.append(unit(number), doc_sha256="0" * 64, schema="factcheck", schema_version=1, labels=labels, status="done")


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    store = tmp_path / "annotations"
    for number in range(4):
        label(store, "ann", number, CHECK)
        label(store, "bob", number, CHECK if number % 2 else {"checkworthiness": "no_claim"})
    return store


def shown(app: App) -> str:
    return str(app.screen.query_one("#stats-report", Static).content)


def outcomes_of_build_report(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """How each report computation ends, as it ends: "report", or the name of what it raised."""
    outcomes: list[str] = []
    build_report = report.build_report

    def recording(*arguments, **options):
        try:
            built = build_report(*arguments, **options)
        except Exception as error:
            outcomes.append(type(error).__name__)
            raise
        outcomes.append("report")
        return built

    monkeypatch.setattr(report, "build_report", recording)
    return outcomes


async def close_while_computing(
    pilot, app: App, begun: Callable[[], bool], what: str, closed: threading.Event, outcomes: list[str]
) -> None:
    """Once the computation has `begun`, close the screen, let the computation go on (`closed`) and
    wait until it has ended."""
    await wait_for(pilot, begun, description=what)
    await pilot.press("escape")
    await wait_for(pilot, lambda: not isinstance(app.screen, StatsScreen), description="the screen closed")
    closed.set()
    await wait_for(pilot, lambda: bool(outcomes), description="the computation ended")


async def computed(pilot, app: App) -> StatsScreen:
    await wait_for(pilot, lambda: isinstance(app.screen, StatsScreen) and app.screen.report is not None, description="the report")
    return app.screen


async def test_the_report_is_shown_with_hostile_text_literally(store_dir: Path) -> None:
    app = StatsApp(store_dir, load_schema(SCHEMA))
    async with app.run_test(size=SIZE) as pilot:
        screen = await computed(pilot, app)
        assert screen.report.units == 4
        text = shown(app)
        assert "Agreement of 2 annotators (ann, bob) on 4 units" in text
        assert "Check-worthiness" in text and "Units with the most disagreement" in text
        assert "[/]news[@click=app.quit]" in text  # a document id with markup, shown as typed
        assert "\x1b" not in text and "\u241b[2J" in text  # the escape made visible
        await pilot.click("#stats-report")
        assert app.is_running


@pytest.mark.parametrize("key", ["escape", "q"])
async def test_escape_and_q_close_the_screen(store_dir: Path, key: str) -> None:
    app = StatsApp(store_dir, load_schema(SCHEMA))
    async with app.run_test(size=SIZE) as pilot:
        await computed(pilot, app)
        await pilot.press(key)
        await wait_for(pilot, lambda: not isinstance(app.screen, StatsScreen), description="the screen closed")


async def test_the_title_names_the_keys_as_the_users_keymap_has_them(store_dir: Path) -> None:
    app = StatsApp(store_dir, load_schema(SCHEMA), {"stats-close": "x", "stats-recompute": "ctrl+r"})
    async with app.run_test(size=SIZE) as pilot:
        await computed(pilot, app)
        assert "Agreement between annotators (x closes, ^r recomputes)" in shown(app)
        await pilot.press("x")
        await wait_for(pilot, lambda: not isinstance(app.screen, StatsScreen), description="the screen closed by x")


async def test_the_key_hint_is_read_on_the_event_loop_not_the_worker_thread(store_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    readers: list[threading.Thread] = []
    key_hint = StatsScreen.key_hint
    monkeypatch.setattr(StatsScreen, "key_hint", lambda screen: (readers.append(threading.current_thread()), key_hint(screen))[1])
    app = StatsApp(store_dir, load_schema(SCHEMA))
    async with app.run_test(size=SIZE) as pilot:
        await computed(pilot, app)
        assert "(esc, q closes, r recomputes)" in shown(app)
    assert readers == [threading.current_thread()]


async def test_r_recomputes_from_the_files_as_they_are_now(store_dir: Path) -> None:
    app = StatsApp(store_dir, load_schema(SCHEMA))
    async with app.run_test(size=SIZE) as pilot:
        await computed(pilot, app)
        label(store_dir, "ann", 9, CHECK)
        label(store_dir, "cy", 9, CHECK)
        await pilot.press("r")
        await wait_for(pilot, lambda: app.screen.report is not None and app.screen.report.units == 5, description="the new unit counted")
        assert "Agreement of 3 annotators (ann, bob, cy) on 5 units" in shown(app)


async def test_damaged_lines_are_listed_as_not_counted(store_dir: Path) -> None:
    with (store_dir / "bob.jsonl").open("a", encoding="utf-8") as damaged:
        damaged.write("{oops\n")
    app = StatsApp(store_dir, load_schema(SCHEMA))
    async with app.run_test(size=SIZE) as pilot:
        await computed(pilot, app)
        assert "Not counted (1):" in shown(app)
        assert f"{store_dir / 'bob.jsonl'}:5:" in shown(app)


async def test_a_failure_is_a_message_not_a_crash(store_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk on fire [/]")

    monkeypatch.setattr(report, "build_report", broken)
    app = StatsApp(store_dir, load_schema(SCHEMA))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: "Could not compute" in shown(app), description="the error message")
        assert "disk on fire [/]" in shown(app)
        assert app.is_running


async def test_disputed_sentences_are_shown_and_the_report_fits_80_columns(tmp_path: Path) -> None:
    """Prose wraps to the screen; a table wider than it scrolls sideways; a disputed unit shows its sentence."""
    documents = tmp_path / "docs"
    documents.mkdir()
    (documents / "wire.txt").write_text("Calm sentence here. Disputed sentence here.\n", encoding="utf-8")
    corpus = load_corpus([documents])
    calm, disputed = corpus.documents[0].units
    store = tmp_path / "annotations"
    for name, worth in (("ann", "no_claim"), ("bob", "check"), ("cy", "no_claim")):
        with AnnotationLog.open(store, name) as log:
            log.append(
                calm,
                doc_sha256=corpus.documents[0].sha256,
                schema="factcheck",
                schema_version=1,
                labels={"checkworthiness": "no_claim"},
                status="done",
            )
            labels = CHECK if worth == "check" else {"checkworthiness": worth}
            log.append(disputed, doc_sha256=corpus.documents[0].sha256, schema="factcheck", schema_version=1, labels=labels, status="done")
    app = StatsApp(store, load_schema(SCHEMA), corpus=corpus)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await computed(pilot, app)
        text = shown(app)
        assert "Disputed sentence here." in text and "Calm sentence here." not in text.split("Units with the most disagreement")[1]
        prose = text.split("\n\n")[0]
        assert max(map(len, prose.splitlines())) <= 80 - 2 - 2  # the padding and the vertical scroll bar
        scroll = screen.query_one("#stats-scroll")
        assert scroll.max_scroll_x > 0  # the summary table is wider than 80 columns
        await pilot.press("right", "right")
        assert scroll.scroll_x == 2


async def test_closing_the_screen_stops_the_computation_and_lets_go_of_what_it_read(
    store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fields_begun: list[str] = []
    closed = threading.Event()
    field_ratings = report.field_ratings

    def first_field_waits_for_the_close(schema_field, counted):
        fields_begun.append(schema_field.id)
        closed.wait(timeout=5)  # returns at once when the test sets it
        return field_ratings(schema_field, counted)

    outcomes = outcomes_of_build_report(monkeypatch)

    stores_read: list[weakref.ref] = []
    load_store = stats.load_store
    monkeypatch.setattr(report, "field_ratings", first_field_waits_for_the_close)
    monkeypatch.setattr(stats, "load_store", lambda folder: (view := load_store(folder), stores_read.append(weakref.ref(view)))[0])
    app = StatsApp(store_dir, load_schema(SCHEMA))
    async with app.run_test(size=SIZE) as pilot:
        await close_while_computing(pilot, app, lambda: bool(fields_begun), "the first field begun", closed, outcomes)
        assert outcomes == ["ReportCancelled"]
        assert fields_begun == ["checkworthiness"]  # no field begun after the close
        gc.collect()
        assert stores_read[0]() is None


async def test_closing_the_screen_while_labels_are_placed_stops_at_the_next_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    documents = tmp_path / "docs"
    documents.mkdir()
    for number in range(3):
        (documents / f"wire-{number}.txt").write_text(f"Story {number} begins here. It ends here.\n", encoding="utf-8")
    corpus = load_corpus([documents])
    store = tmp_path / "annotations"
    with AnnotationLog.open(store, "ann") as log:
        for document in corpus.documents:
            labels = {"checkworthiness": "no_claim"}
            log.append(document.units[0], doc_sha256=document.sha256, schema="factcheck", schema_version=1, labels=labels, status="done")
    closed = threading.Event()
    placed: list[str] = []
    index = anchors._index

    def first_document_waits_for_the_close(corpus: Corpus, doc: str):
        placed.append(doc)
        closed.wait(timeout=5)  # returns at once when the test sets it
        return index(corpus, doc)

    monkeypatch.setattr(anchors, "_index", first_document_waits_for_the_close)
    outcomes = outcomes_of_build_report(monkeypatch)

    app = StatsApp(store, load_schema(SCHEMA), corpus=corpus)
    async with app.run_test(size=SIZE) as pilot:
        await close_while_computing(pilot, app, lambda: bool(placed), "the first document's labels being placed", closed, outcomes)
        assert outcomes == ["ReportCancelled"]
        assert len(placed) == 1  # no document placed after the close


async def test_closing_the_screen_lets_go_of_the_report_it_showed(store_dir: Path) -> None:
    app = StatsApp(store_dir, load_schema(SCHEMA))
    async with app.run_test(size=SIZE) as pilot:
        shown_report = weakref.ref((await computed(pilot, app)).report)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, StatsScreen), description="the screen closed")
        gc.collect()
        assert shown_report() is None


async def test_closing_the_screen_while_the_store_is_read_computes_nothing(store_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reading = threading.Event()
    closed = threading.Event()
    load_store = stats.load_store

    def slow_read(folder: Path):
        reading.set()
        closed.wait(timeout=5)  # returns at once when the test sets it
        return load_store(folder)

    counted: list[object] = []
    monkeypatch.setattr(stats, "load_store", slow_read)
    monkeypatch.setattr(report, "counted_labels", lambda *arguments: counted.append(arguments))
    outcomes = outcomes_of_build_report(monkeypatch)

    app = StatsApp(store_dir, load_schema(SCHEMA))
    async with app.run_test(size=SIZE) as pilot:
        await close_while_computing(pilot, app, reading.is_set, "the store being read", closed, outcomes)
        assert outcomes == ["ReportCancelled"] and counted == []
