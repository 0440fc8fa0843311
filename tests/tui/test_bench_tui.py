"""The UI benchmark runs end to end on a tiny corpus (its figures are printed, never asserted)."""

from __future__ import annotations

import subprocess
import sys

from tests.tui.conftest import REPO


def test_bench_tui_runs_tiny() -> None:
    command = [sys.executable, str(REPO / "benchmarks" / "bench_tui.py"), "--sentences", "200", "--label", "5", "--runs", "1"]
    output = subprocess.run(command, check=True, capture_output=True, text=True, timeout=300).stdout
    assert "launch to first screen" in output
    assert "save + advance (enter)" in output
