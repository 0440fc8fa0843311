"""The UI benchmark runs end to end on a tiny corpus (its figures are printed, never asserted)."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.conftest import REPO

NUMBER = r"\d+\.\d+"


def test_bench_tui_runs_tiny() -> None:
    command = [
        sys.executable,
        str(REPO / "benchmarks" / "bench_tui.py"),
        "--sentences",
        "200",
        "--label",
        "5",
        "--runs",
        "1",
        "--own-records",
        "300",
    ]
    output = subprocess.run(command, check=True, capture_output=True, text=True, timeout=300).stdout
    assert "launch to first screen" in output
    for clock in ("wall", "cpu "):  # both apps timed on both clocks, each with its ratio
        line = rf"^  {clock} best: empty app {NUMBER} s, annotator {NUMBER} s, ratio {NUMBER};"
        assert re.search(line, output, re.MULTILINE), output
    assert (
        "key latency in a real terminal (until the screen settles; 5 presses each; the annotator's own file holds 300 records; baseline: minimal_app.py):"
        in output
    )
    for name in ("digit", "enter", "j (labelled)", "j (unlabelled)"):
        line = rf"^  {re.escape(name)} +median +{NUMBER} ms, p99 +{NUMBER} ms; minimal app: median +{NUMBER} ms, p99 +{NUMBER} ms; ratio p99 {NUMBER}$"
        assert re.search(line, output, re.MULTILINE), output
    assert re.search(rf"^j over labelled / unlabelled sentences \(p99\): {NUMBER} \(target <= 1.5\)$", output, re.MULTILINE), output
