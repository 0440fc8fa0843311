"""A command run in a real pseudo-terminal, its screen read the way a terminal emulator reads it
(pyte): for what Pilot cannot show, such as signals, stdin that is not a terminal, or the bytes the
app really sends."""

from __future__ import annotations

import fcntl
import os
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import pyte

TIMEOUT = 20.0
"""Seconds any one wait may take before the test has failed (a real process on a shared machine)."""


class Terminal:
    """`argv` running in a pseudo-terminal of `size` (columns, rows)."""

    def __init__(self, argv: Sequence[str], *, size: tuple[int, int] = (80, 24), cwd: Path | None = None) -> None:
        columns, rows = size
        self.screen = pyte.Screen(columns, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(columns), "LINES": str(rows)}
        self.process = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, cwd=cwd, env=env, start_new_session=True)
        os.close(slave)

    @classmethod
    def annotator(cls, *arguments: str, size: tuple[int, int] = (80, 24), cwd: Path | None = None) -> Terminal:
        return cls([sys.executable, "-m", "annotator", *arguments], size=size, cwd=cwd)

    def text(self) -> str:
        return "\n".join(self.screen.display)

    def read(self, seconds: float = 0.05) -> None:
        """Take in what the program wrote within `seconds`."""
        ready, _, _ = select.select([self.master], [], [], seconds)
        while ready:
            try:
                data = os.read(self.master, 65536)
            except OSError:  # the program closed the terminal
                return
            if not data:
                return
            self.stream.feed(data)
            ready, _, _ = select.select([self.master], [], [], 0)

    def wait_for(self, predicate: Callable[[str], bool], *, description: str, seconds: float = TIMEOUT) -> None:
        """Read until `predicate` holds for the screen's text, or fail saying what never showed."""
        deadline = time.monotonic() + seconds
        while not predicate(self.text()):
            if time.monotonic() >= deadline or self.process.poll() is not None:
                raise AssertionError(f"waited for {description}; the screen:\n{self.text()}")
            self.read()

    def type(self, *keys: str) -> None:
        """Send keys as a terminal sends them: characters, or names such as tab and enter."""
        names = {"tab": "\t", "enter": "\r", "escape": "\x1b", "backspace": "\x7f", "shift+tab": "\x1b[Z"}
        os.write(self.master, "".join(names.get(key, key) for key in keys).encode())

    def send_signal(self, signum: signal.Signals) -> None:
        self.process.send_signal(signum)

    def wait_exit(self, seconds: float = TIMEOUT) -> int:
        """The program's exit code, once it has stopped (reading what it writes meanwhile)."""
        deadline = time.monotonic() + seconds
        while self.process.poll() is None:
            if time.monotonic() >= deadline:
                self.process.kill()
                raise AssertionError(f"the program did not stop; the screen:\n{self.text()}")
            self.read()
        return self.process.returncode

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        os.close(self.master)
