"""A background writer: appends to an `AnnotationLog` on one thread, so fsync stays off the UI's loop.

The UI thread calls `submit`; the writer thread appends requests one at a time, in submission order,
and reports each outcome with `on_done(request, record, error)` from the writer thread. What the log
found changed in its file by others (`AnnotationLog.take_news`) goes to `on_news(messages)` first,
before that append's `on_done`. Neither callback may wait for the UI thread (post a message; do not
call back into the UI and wait for it): `close`, called from the UI thread, waits for the writer.
While no request comes, the writer follows the log's file every `FOLLOW_SECONDS`
(`AnnotationLog.follow`), so that a git pull is seen, and a record it dropped written again, without
waiting for the next save.
"""

from __future__ import annotations

import atexit
import queue
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import TracebackType

from annotator.store.log import AnnotationLog, StoreError
from annotator.store.records import Labels, Record, UnitLike


@dataclass(frozen=True)
class AppendRequest:
    """The arguments of one `AnnotationLog.append`."""

    unit: UnitLike
    doc_sha256: str
    schema: str
    schema_version: int
    labels: Labels
    status: str
    prev: Record | None = None
    optional: Mapping[str, object] = field(default_factory=dict)  # kind, origin, seconds, suggested

    def append_to(self, log: AnnotationLog) -> Record:
        """`log.append` with this request's arguments (a subclass's extra fields are not passed)."""
        return log.append(
            self.unit, doc_sha256=self.doc_sha256, schema=self.schema, schema_version=self.schema_version,
            labels=self.labels, status=self.status, prev=self.prev, **self.optional,
        )  # fmt: skip


FOLLOW_SECONDS = 1.0

OnDone = Callable[[AppendRequest, Record | None, Exception | None], None]
OnNews = Callable[[list[str]], None]


class BackgroundWriter:
    """Owns `log` and appends to it on a writer thread. Each request ends in exactly one `on_done`
    call: the saved record and None, or None and the error (a StoreError for a failed write)."""

    def __init__(self, log: AnnotationLog, on_done: OnDone, on_news: OnNews | None = None) -> None:
        self.log = log
        self._on_done = on_done
        self._on_news = on_news
        self._queue: queue.Queue[AppendRequest | None] = queue.Queue()
        self._closed = False
        self._closing = threading.Lock()
        self._callback_error: Exception | None = None
        self._follow_error = ""  # the last error following the file while idle, said once
        self._thread = threading.Thread(target=self._run, name=f"annotator-writer-{log.annotator}", daemon=True)
        self._thread.start()
        atexit.register(self.close)  # a forgotten close still writes every request before exit

    def submit(self, request: AppendRequest) -> None:
        with self._closing:
            if self._closed:
                raise StoreError(f"the writer of {self.log.path} is closed")
            self._queue.put(request)

    def close(self) -> None:
        """Write everything submitted, stop the thread and close the log. Raises the first error an
        `on_done` call raised, once all is written."""
        with self._closing:
            if not self._closed:
                self._closed = True
                self._queue.put(None)
        self._thread.join()
        self.log.close()
        atexit.unregister(self.close)
        error, self._callback_error = self._callback_error, None
        if error is not None:
            raise error

    def __enter__(self) -> BackgroundWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        self.close()

    def _run(self) -> None:
        while True:
            try:
                request = self._queue.get(timeout=FOLLOW_SECONDS)
            except queue.Empty:
                self._follow()
                continue
            if request is None:
                return
            record, failure = None, None
            try:
                record = request.append_to(self.log)
            except Exception as error:  # reported to on_done: the thread must outlive any one request
                failure = error
            self._report(request, record, failure)

    def _follow(self) -> None:
        try:
            self.log.follow()
            self._follow_error = ""
        except StoreError as error:
            if str(error) != self._follow_error:
                self._follow_error = str(error)
                self._tell([str(error)])
        self._tell(self.log.take_news())

    def _tell(self, news: list[str]) -> None:
        if news and self._on_news is not None:
            try:
                self._on_news(news)
            except Exception as error:  # kept for close(), as on_done's
                self._callback_error = self._callback_error or error

    def _report(self, request: AppendRequest, record: Record | None, failure: Exception | None) -> None:
        self._tell(self.log.take_news())
        try:
            self._on_done(request, record, failure)
        except Exception as error:  # kept for close(): the next requests must still be written
            self._callback_error = self._callback_error or error
