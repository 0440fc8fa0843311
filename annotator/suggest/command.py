"""Running a suggestion command: lines to its stdin, its stdout's lines back, and what went wrong.

The command runs in a shell (`sh -c` on POSIX), in a process group of its own so that a command that
stops answering is stopped with all its children. Its stdin is written and its stdout read at once
(a command may answer each line as it reads it, or all at the end); it is stopped when it gives no
line for `timeout` seconds. Its stderr is kept to quote its last lines when it fails.
"""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import subprocess
import threading
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import IO

STDERR_LINES = 3  # of a failed command, quoted in its problem


@dataclass
class CommandRun:
    """What a command gave: its output lines, and why it failed, if it did ("" when it did not)."""

    lines: list[bytes] = field(default_factory=list)
    failure: str = ""


def run_command(
    command: str,
    lines: Iterable[bytes],
    *,
    timeout: float,
    env: Mapping[str, str] | None = None,
    on_line: Callable[[bytes], None] | None = None,
) -> CommandRun:
    """Run `command` with `lines` (each ending in a newline) on its stdin; `on_line` is told of each
    output line as it comes."""
    run = CommandRun()
    try:
        process = subprocess.Popen(
            command, shell=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env={**os.environ, **(env or {})}, start_new_session=True,
        )  # fmt: skip
    except OSError as error:
        run.failure = f"cannot start: {error.strerror}"
        return run
    assert process.stdin and process.stdout and process.stderr
    stderr: deque[str] = deque(maxlen=STDERR_LINES)
    output: queue.Queue[bytes | None] = queue.Queue()
    threads = [
        threading.Thread(target=_write, args=(process.stdin, lines), daemon=True),
        threading.Thread(target=_read, args=(process.stdout, output), daemon=True),
        threading.Thread(target=_keep_tail, args=(process.stderr, stderr), daemon=True),
    ]
    for thread in threads:
        thread.start()
    while True:
        try:
            line = output.get(timeout=timeout)
        except queue.Empty:
            _stop(process)
            run.failure = f"gave no output line for {timeout:g} s: stopped"
            break
        if line is None:
            break
        run.lines.append(line)
        if on_line is not None:
            on_line(line)
    for thread in threads:
        thread.join(timeout)
    status = _wait(process, timeout)
    if not run.failure and status != 0:
        said = " | ".join(stderr)
        run.failure = f"exited with status {status}" + (f": {said}" if said else "")
    return run


def _write(stdin: IO[bytes], lines: Iterable[bytes]) -> None:
    try:
        for line in lines:
            stdin.write(line)
        stdin.close()
    except (BrokenPipeError, ValueError, OSError):
        pass  # the command stopped reading; what it answered is still read


def _read(stdout: IO[bytes], output: queue.Queue[bytes | None]) -> None:
    try:
        for line in stdout:
            output.put(line)
    finally:
        output.put(None)


def _keep_tail(stderr: IO[bytes], tail: deque[str]) -> None:
    for line in stderr:
        text = line.decode("utf-8", "replace").strip()
        if text:
            tail.append(text)


def _stop(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


def _wait(process: subprocess.Popen[bytes], timeout: float) -> int:
    try:
        return process.wait(timeout)
    except subprocess.TimeoutExpired:
        _stop(process)  # closed its output but lingers
        return process.wait()
