"""Headless Chromium on pages of `annotator serve`: Debian's chromium, driven by Selenium through
Debian's chromium-driver, each tab's terminal read back the way a terminal emulator reads it.

The page's terminal (xterm.js) draws on a canvas, so its text is not in the page: a script the page
runs first hands the test every byte the page's terminal is given (and its size), and pyte, the
emulator the pseudo-terminal tests read with, turns them into the screen the tab shows.
"""

from __future__ import annotations

import base64
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pyte
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

TIMEOUT = 30.0
"""Seconds any one wait may take before the test has failed (a browser and a server on a shared machine)."""

POLL = 0.05
"""Seconds between two reads of a page."""

FLAGS = [
    "--headless",
    "--no-sandbox",  # as root, and in containers
    "--disable-gpu",
    "--window-size=1280,800",
    # No connections of its own: a closed network refuses them, and a test needs none.
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

INSTALL = "they need Debian's chromium and chromium-driver: .ci/install-chromium installs them (apt-get, as root)"

# Before the page's own script: keep each tab's terminal bytes and size for the test to collect.
TERMINAL_TAP = r"""
window.annotatorTap = [];
const PageWebSocket = window.WebSocket;
window.WebSocket = class extends PageWebSocket {
  constructor(...args) {
    super(...args);
    const url = new URL(args[0]);
    window.annotatorTap.push({size: [Number(url.searchParams.get("width")), Number(url.searchParams.get("height"))]});
    this.addEventListener("message", (event) => {
      if (typeof event.data === "string") return;
      const bytes = new Uint8Array(event.data);
      let text = "";
      for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
      window.annotatorTap.push({bytes: btoa(text)});
    });
  }
  send(message) {
    if (typeof message === "string" && message.startsWith('["resize"')) {
      const size = JSON.parse(message)[1];
      window.annotatorTap.push({size: [size.width, size.height]});
    }
    super.send(message);
  }
};
"""

KEYS = {"tab": Keys.TAB, "enter": Keys.ENTER, "escape": Keys.ESCAPE, "backspace": Keys.BACKSPACE}


def missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    absent = [name for name in ("chromium", "chromedriver") if shutil.which(name) is None]
    return f"no {' or '.join(absent)} on PATH: {INSTALL}" if absent else None


class Browser:
    """One headless Chromium with a new, empty profile in `profile`."""

    def __init__(self, profile: Path) -> None:
        options = Options()
        options.binary_location = str(shutil.which("chromium"))
        for flag in [*FLAGS, f"--user-data-dir={profile}"]:
            options.add_argument(flag)
        self.driver = webdriver.Chrome(service=Service(str(shutil.which("chromedriver"))), options=options)
        self.blank = self.driver.current_window_handle  # the tab Chromium opened with: kept, so closing a page's tab closes no session

    def open(self, url: str) -> Tab:
        """A new tab on `url`."""
        self.driver.switch_to.new_window("tab")
        tab = Tab(self.driver, self.driver.current_window_handle, self.blank)
        self.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": TERMINAL_TAP})
        self.driver.get(url)
        return tab

    def close(self) -> None:
        self.driver.quit()


class Tab:
    """A browser tab on a page of `annotator serve`, and its terminal's screen."""

    def __init__(self, driver: webdriver.Chrome, handle: str, blank: str) -> None:
        self.driver = driver
        self.handle = handle
        self.blank = blank
        self.screen = pyte.Screen(80, 24)
        self.stream = pyte.ByteStream(self.screen)

    def _front(self) -> None:
        if self.driver.current_window_handle != self.handle:
            self.driver.switch_to.window(self.handle)

    def read(self) -> None:
        """Take in what the page's terminal was given since the last read."""
        self._front()
        for event in self.driver.execute_script("return window.annotatorTap ? window.annotatorTap.splice(0) : []"):
            if "size" in event:
                columns, rows = event["size"]
                self.screen.resize(rows, columns)
            else:
                self.stream.feed(base64.b64decode(event["bytes"]))

    def text(self) -> str:
        return "\n".join(self.screen.display)

    def wait_for(self, predicate: Callable[[str], bool], *, description: str, seconds: float = TIMEOUT) -> None:
        """Read until `predicate` holds for the tab's screen, or fail saying what never showed."""
        deadline = time.monotonic() + seconds
        self.read()
        while not predicate(self.text()):
            if time.monotonic() >= deadline:
                raise AssertionError(f"waited for {description}; the tab's screen:\n{self.text()}")
            time.sleep(POLL)
            self.read()

    def type(self, *keys: str) -> None:
        """Type into the page's terminal, as a person at the tab: characters, or names such as tab and enter."""
        self._front()
        terminal_input = self.driver.find_element(By.CSS_SELECTOR, ".xterm-helper-textarea")
        for key in keys:
            terminal_input.send_keys(KEYS.get(key, key))

    def close(self) -> None:
        """Close the tab, as a person closes it."""
        self._front()
        self.driver.close()
        self.driver.switch_to.window(self.blank)

    def screenshot(self, path: Path) -> None:
        self._front()
        path.parent.mkdir(parents=True, exist_ok=True)
        self.driver.save_screenshot(str(path))
