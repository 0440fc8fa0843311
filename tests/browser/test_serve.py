"""`annotator serve` in a real browser: headless Chromium opens the page, waits for the terminal in
it, types as a person at the tab types, and the store file holds what was labelled.

A screenshot of each page is saved under tests/artefacts/ (git-ignored) for a person to look at.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from annotator.corpus.load import load_corpus
from annotator.store.log import AnnotationLog, StoreLocked
from tests.browser.chromium import TIMEOUT, Browser, Tab, missing
from tests.conftest import REPO, SCHEMA, SEEDS

pytestmark = [pytest.mark.browser, pytest.mark.skipif(missing() is not None, reason=f"the browser tests cannot run: {missing()}")]

ARTEFACTS = REPO / "tests" / "artefacts"
FIRST_SCREEN = "not labelled yet"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """`annotator serve` on a free loopback port, in a process group of its own (as a shell's job),
    so ctrl+c can be sent to the group as a terminal sends it."""

    def __init__(self, *arguments: str, cwd: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = cwd / "serve.log"
        argv = [sys.executable, "-m", "annotator", "serve", *arguments, "--port", str(self.port)]
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True)
        self._wait_listening()

    def _wait_listening(self) -> None:
        deadline = time.monotonic() + TIMEOUT
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() >= deadline:
                    raise AssertionError(f"annotator serve is not listening; its output:\n{self.output()}") from None
                time.sleep(0.05)

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self, signum: signal.Signals, *, whole_group: bool) -> int:
        """The server's exit code once it stopped on `signum`, sent to it alone or, as ctrl+c in its
        terminal, to its whole group (its tabs' apps too)."""
        if whole_group:
            os.killpg(self.process.pid, signum)
        else:
            self.process.send_signal(signum)
        try:
            return self.process.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"annotator serve did not stop; its output:\n{self.output()}") from None

    def kill(self) -> None:
        """The server and every tab's app it started, whatever state a failed test left them in."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    """One browser for the module (each test opens tabs of its own)."""
    opened = Browser(tmp_path_factory.mktemp("chromium-profile"))
    yield opened
    opened.close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    started = Server(str(SEEDS), "--as", "tester", "--schema", str(SCHEMA), "--store", "store", cwd=tmp_path)
    yield started
    started.kill()


def records(tmp_path: Path, annotator: str = "tester") -> list[dict[str, Any]]:
    path = tmp_path / "store" / f"{annotator}.jsonl"
    return [orjson.loads(line) for line in path.read_bytes().splitlines()] if path.exists() else []


def wait_for_record(
    tmp_path: Path, predicate: Callable[[dict[str, Any]], bool], *, description: str, annotator: str = "tester"
) -> dict[str, Any]:
    """The last record of the annotator's file once `predicate` holds for it."""
    deadline = time.monotonic() + TIMEOUT
    while not (records(tmp_path, annotator) and predicate(records(tmp_path, annotator)[-1])):
        if time.monotonic() >= deadline:
            raise AssertionError(f"waited for {description}; the file holds {records(tmp_path, annotator)}")
        time.sleep(0.05)
    return records(tmp_path, annotator)[-1]


def wait_until_free(store: Path, annotator: str) -> None:
    """Until no process holds the annotator's file (a tab's app closes it last, after its writer)."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        try:
            AnnotationLog.open(store, annotator).close()
            return
        except StoreLocked:
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.05)


def open_first_screen(browser: Browser, server: Server) -> Tab:
    tab = browser.open(server.url)
    tab.wait_for(lambda screen: FIRST_SCREEN in screen, description="the annotation screen in the page")
    return tab


def test_a_sentence_labelled_in_the_page_is_in_the_store(browser: Browser, server: Server, tmp_path: Path) -> None:
    tab = open_first_screen(browser, server)
    # check-worthy, state media, an event (a multi-choice field: tab moves on), public, asserted; enter: done
    tab.type("3", "1", "1", "tab", "1", "1", "enter")
    record = wait_for_record(tmp_path, lambda record: record["status"] == "done", description="the sentence saved as done")
    assert record["annotator"] == "tester"
    assert record["labels"] == {
        "checkworthiness": "check",
        "source_type": "state_media",
        "claim_type": ["event"],
        "verifiability": "public",
        "hedging": "asserted",
    }
    assert (record["doc"], record["start"], record["end"]) == ("000_d7efd9d5cc810911", 0, len("By Lee Minji"))  # the first sentence
    tab.wait_for(lambda screen: "1 of 15 labelled in this document" in screen, description="the header counting the done sentence")
    tab.screenshot(ARTEFACTS / "serve-annotate.png")


def test_a_second_tab_of_the_same_annotator_is_told_in_the_page(browser: Browser, server: Server, tmp_path: Path) -> None:
    open_first_screen(browser, server)
    second = browser.open(server.url)
    second.wait_for(
        lambda screen: "store/tester.jsonl is open in another annotator process" in screen,
        description="the lock's message in the second tab",
    )
    second.screenshot(ARTEFACTS / "serve-second-tab.png")


@pytest.mark.parametrize(("signum", "whole_group"), [(signal.SIGINT, True), (signal.SIGTERM, False)], ids=["ctrl+c", "SIGTERM"])
def test_stopping_the_server_keeps_what_was_typed(
    browser: Browser, server: Server, tmp_path: Path, signum: signal.Signals, whole_group: bool
) -> None:
    tab = open_first_screen(browser, server)
    tab.type("tab", "tab", *"typed just now")  # the note field: not on disk before a second passes
    tab.wait_for(lambda screen: "typed just now" in screen, description="the typed text in the page")
    assert server.stop(signum, whole_group=whole_group) == 0
    assert [record["labels"].get("note") for record in records(tmp_path)][-1:] == ["typed just now"]
    assert "stopped: the session of every open tab is closed" in server.output()


def test_closing_the_tab_keeps_what_was_typed_and_frees_the_file(browser: Browser, server: Server, tmp_path: Path) -> None:
    tab = open_first_screen(browser, server)
    tab.type("tab", "tab", *"typed just now")
    tab.wait_for(lambda screen: "typed just now" in screen, description="the typed text in the page")
    tab.close()
    wait_for_record(tmp_path, lambda record: record["labels"].get("note") == "typed just now", description="the typed text saved")
    wait_until_free(tmp_path / "store", "tester")
    reopened = browser.open(server.url)
    reopened.wait_for(lambda screen: "▸✎ By Lee Minji" in screen and "typed just now" in screen, description="the draft in a new tab")


CLAIM = {
    "checkworthiness": "check",
    "source_type": "state_media",
    "claim_type": ["event"],
    "verifiability": "public",
    "hedging": "asserted",
}


def test_the_review_ui_in_the_page_accepts_the_gold_labels(browser: Browser, tmp_path: Path) -> None:
    corpus = load_corpus([SEEDS])
    unit = corpus.units()[1]
    for name, labels in [("alice", CLAIM), ("bob", CLAIM | {"source_type": "expert"}), ("carol", CLAIM)]:
        with AnnotationLog.open(tmp_path / "store", name) as log:
            log.append(
                unit, doc_sha256=corpus.document(unit.doc).sha256, schema="factcheck", schema_version=1, labels=labels, status="done"
            )
    server = Server(str(SEEDS), "--review", "--as", "lead", "--schema", str(SCHEMA), "--store", "store", cwd=tmp_path)
    try:
        tab = browser.open(server.url)
        tab.wait_for(lambda screen: "disputed unit 1/1" in screen and "majority 2/3" in screen, description="the review screen in the page")
        tab.type("m")
        record = wait_for_record(tmp_path, lambda record: record["status"] == "done", description="the gold accepted", annotator="lead")
        assert (record["kind"], record["labels"], record["start"]) == ("adjudication", CLAIM, unit.start)
        tab.screenshot(ARTEFACTS / "serve-review.png")
    finally:
        server.kill()
