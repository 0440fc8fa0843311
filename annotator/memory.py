"""The cyclic garbage collector, paused while large structures are built that all stay alive.

Collecting while such a structure is built finds nothing to free and only costs time: every
collection walks the objects built so far again. Three cases:

- `gc_paused()` around one build (a store read, a cache read).
- A command that runs and ends (`stats`, `export`, ...; `cli.main`) runs with the collector paused
  throughout: what it builds lives until it ends, and it leaves next to no cyclic garbage (at
  1,000,000 records its peak memory is the same either way, and `export` takes a fifth less CPU).
- A UI launch: `launching()` pauses the collector from before the UI's modules are imported until
  its first screen is drawn, when the UI calls `settle_after_launch()`: what was built to get there
  (modules, corpus, the store's heads, the screen) lives as long as the app, so it is moved out of
  the collector's reach (`gc.freeze`), and collecting resumes. A failed launch resumes it at once.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def launching() -> Iterator[None]:
    """Pause the collector for a launch; it stays paused when the block succeeds, until
    `settle_after_launch`."""
    gc.disable()
    try:
        yield
    except BaseException:
        gc.enable()
        raise


def settle_after_launch() -> None:
    """Once the first screen is drawn, if `launching` paused the collector: freeze what was built and
    collect again. A UI started with the collector on (a test's `run_test`) freezes nothing: the
    objects were not built for it alone."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()
