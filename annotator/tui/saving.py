"""The bridge from the screen to the store: save requests go to a writer thread, outcomes come back.

`AnnotationLog.append` writes, flushes and fsyncs before it returns, so it runs on one thread fed
by a queue (in order, never on the event loop). Each outcome is reported through a callback the app
turns into a message. `close` drains the queue, so quitting loses nothing already submitted.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable

from annotator.corpus import Corpus
from annotator.schema import Schema
from annotator.session import SaveRequest
from annotator.store import AnnotationLog

_STOP = None


class StoreSaver:
    def __init__(
        self,
        log: AnnotationLog,
        schema: Schema,
        corpus: Corpus,
        *,
        on_saved: Callable[[SaveRequest, dict], None],
        on_failed: Callable[[SaveRequest, str], None],
    ) -> None:
        self.log = log
        self.schema = schema
        self.corpus = corpus
        self.on_saved = on_saved
        self.on_failed = on_failed
        self._queue: queue.Queue[SaveRequest | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="annotation-writer", daemon=True)
        self._thread.start()

    def submit(self, request: SaveRequest) -> None:
        self._queue.put(request)

    def close(self) -> None:
        """Write everything submitted so far, then release the store."""
        if self._thread.is_alive():
            self._queue.put(_STOP)
            self._thread.join()
        self.log.close()

    def _run(self) -> None:
        while (request := self._queue.get()) is not _STOP:
            try:
                record = self._append(request)
            except Exception as error:  # any failure must reach the screen, not kill the writer
                self.on_failed(request, _reason(error))
            else:
                self.on_saved(request, record)

    def _append(self, request: SaveRequest) -> dict:
        unit = request.unit
        return self.log.append(
            unit,
            doc_sha256=self.corpus.document(unit.doc).sha256,
            schema=self.schema.name,
            schema_version=self.schema.version,
            labels=request.labels,
            status=request.status,
            prev=request.prev,
        )


def _reason(error: Exception) -> str:
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error) or type(error).__name__
