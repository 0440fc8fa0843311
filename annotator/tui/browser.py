"""The UI in browser tabs: textual-serve runs a UI command for each tab, as a terminal runs it, and
relays the tab's keys and the app's screen over a websocket."""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web
from textual_serve.server import Server


class TabServer(Server):
    """textual-serve's server, which closes every tab's app as quitting does when it stops."""

    def __init__(self, command: str, *, host: str, port: int, url: str, title: str) -> None:
        super().__init__(command, host=host, port=port, title=title, public_url=url)
        self.tabs: set[asyncio.Task[object]] = set()  # the websocket handler of every open tab

    def initialize_logging(self) -> None:
        super().initialize_logging()
        logging.getLogger("aiohttp.access").setLevel(logging.WARNING)  # not a line for every file a page loads

    async def on_startup(self, app: web.Application) -> None:
        """Textual's banner and the tabs' command line are not for the user: the command says what it serves."""

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """A tab: its app runs until the tab closes or the server stops."""
        tab = asyncio.current_task()
        assert tab is not None, "aiohttp runs each request in a task"
        self.tabs.add(tab)
        try:
            return await super().handle_websocket(request)
        finally:
            self.tabs.discard(tab)

    async def on_shutdown(self, app: web.Application) -> None:
        """Stopping (ctrl+c, SIGTERM) cancels each tab's handler: textual-serve then tells its app to
        quit (the app saves typed text and waits for its writer) and waits for the app to end."""
        tabs = list(self.tabs)
        for tab in tabs:
            tab.cancel()
        await asyncio.gather(*tabs, return_exceptions=True)


def serve(command: str, *, host: str, port: int, url: str, title: str) -> None:
    """Serve `command` to browser tabs at `url` until ctrl+c or SIGTERM; OSError if the server
    cannot listen on `host`:`port`."""
    TabServer(command, host=host, port=port, url=url, title=title).serve()
