"""Every wait the UI tests do, bounded and in one place.

A wait on a duration asserts that the machine is fast enough; these poll a condition instead, so a
loaded machine makes a test slower, never red.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from textual.pilot import Pilot

from annotator.tui.app import AnnotatorApp

TIMEOUT = 10.0
"""Seconds any one wait may take before the test has failed."""

POLL = 0.01
"""Seconds between polls of state that another thread sets."""


async def wait_for(pilot: Pilot, predicate: Callable[[], bool], *, description: str, seconds: float = TIMEOUT) -> None:
    """Pump the app until `predicate` holds, or fail saying what never happened."""
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {seconds}s waiting for {description}")
        await pilot.pause(POLL)


async def wait_beside_the_screen(predicate: Callable[[], bool], *, description: str, seconds: float = TIMEOUT) -> None:
    """As `wait_for`, while a handler holds the screen's queue (enter waiting for the disk):
    `Pilot.pause` would first wait for the screen to finish with its queue."""
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {seconds}s waiting for {description}")
        await asyncio.sleep(POLL)


async def saved(pilot: Pilot, app: AnnotatorApp, index: int, status: str) -> None:
    """Wait until unit `index` is on disk with `status` and nothing more of it is being saved."""
    session = app.session
    await wait_for(
        pilot, lambda: session.status(index) == status and not session.is_saving(index), description=f"unit {index} saved as {status}"
    )


async def run_from_palette(pilot: Pilot, app: AnnotatorApp, query: str, title: str) -> None:
    """Open the command palette, type `query` and choose the command titled `title` once the search
    has listed it first (the search runs apart from the keys: enter pressed before it ends runs the
    first command listed before)."""
    from textual.command import CommandPalette
    from textual.widgets import OptionList

    await pilot.press("ctrl+p", *query)

    def found() -> bool:
        if not isinstance(app.screen, CommandPalette):
            return False
        results = app.screen.query_one(OptionList)
        return results.option_count > 0 and title in str(results.get_option_at_index(0).prompt)

    await wait_for(pilot, found, description=f"the palette listing {title!r} first")
    await pilot.press("enter")
