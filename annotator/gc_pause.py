"""Pausing the cyclic garbage collector while many objects are built that all stay alive."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Collecting while a large structure is built finds nothing to free and only costs time: every
    collection would walk the objects built so far again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
