"""Every benchmark runs end to end at a tiny size and prints its ratios (the figures are never asserted:
these machines are shared and noisy)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.conftest import REPO

RATIO = r"\d+\.\d+"


def run_benchmark(name: str, *arguments: str) -> str:
    command = [sys.executable, str(REPO / "benchmarks" / name), *arguments]
    return subprocess.run(command, check=True, capture_output=True, text=True, timeout=300).stdout


def test_bench_agreement_prints_its_ratios() -> None:
    output = run_benchmark("bench_agreement.py", "--small", "--repeat", "1")
    assert re.search(rf"^ratio ours / baseline: +{RATIO}", output, re.MULTILINE), output
    assert re.search(rf"^ratio report / one alpha: +{RATIO}", output, re.MULTILINE), output
    assert re.search(rf"^ratio text report / one alpha: +{RATIO}", output, re.MULTILINE), output
    assert re.search(rf"^ratio real-shape report / one alpha: +{RATIO}", output, re.MULTILINE), output


def test_bench_corpus_prints_the_cached_and_cold_ratios() -> None:
    output = run_benchmark("bench_corpus.py", "--small", "--repeat", "1")
    assert re.search(rf"^speed-up of a cold load over pySBD alone \(same text\): {RATIO}x$", output, re.MULTILINE), output
    assert re.search(rf"^cached/baseline: {RATIO}x +cold/baseline: \d+x", output, re.MULTILINE), output


@pytest.mark.parametrize("measure", ["kept", "load_store"])
def test_bench_store_prints_each_measure_against_the_orjson_loop(measure: str) -> None:
    output = run_benchmark("bench_store.py", "--records", "2000", "--repeat", "1")
    assert re.search(rf"^{measure} +{RATIO} +{RATIO} +{RATIO} +{RATIO} +\d+$", output, re.MULTILINE), output


def test_bench_segment_prints_the_worst_ratio_against_news() -> None:
    output = run_benchmark("bench_segment.py", "--size", "5000")
    assert re.search(rf"^'a\. ' on one line +{RATIO} +{RATIO}$", output, re.MULTILINE), output
    assert re.search(rf"^worst ratio: {RATIO} \((within|OVER) the budget of 10x news\)$", output, re.MULTILINE), output


def test_the_kill_campaign_runs_one_trial_of_each() -> None:
    output = run_benchmark("kill_campaign.py", "--store", "1", "--pull", "1", "--ui", "1", "--export", "1")
    assert [line.split(":")[0] for line in output.splitlines()] == ["store", "pull", "ui", "export"], output


def test_bench_keys_replays_the_reference_and_prints_keys_per_sentence() -> None:
    output = run_benchmark("bench_keys.py", "--sentences", "3")
    assert "3 sentences replayed three times, each saved with the reference's labels" in output
    for replay in ("", " with suggestions"):
        keys = rf"^check-worthy{replay}: 2 sentences; command keys median \d+(\.\d)?, max \d+; .* ratio {RATIO}"
        assert re.search(keys, output, re.MULTILINE), output
    assert re.search(r"^suggestions accepted with y on \d+ of 3 sentences$", output, re.MULTILINE), output


def test_bench_suggest_prints_accuracy_per_field_and_the_ratio_to_pysbd() -> None:
    output = run_benchmark("bench_suggest.py", "--sentences", "300")
    for field in ("checkworthiness", "source_type", "source", "claim_type", "hedging", "flags"):
        assert re.search(rf"^  {field} +\d+ +\d+ +\d+ +\d+ +{RATIO} +{RATIO}$", output, re.MULTILINE), output
    assert re.search(rf"^ratio suggestions / pySBD: {RATIO}$", output, re.MULTILINE), output


def test_bench_versions_prints_schema_loading_and_reading_ratios() -> None:
    output = run_benchmark("bench_versions.py", "--heads", "200", "--repeat", "1")
    assert re.search(rf"^ratio no migration / json.loads: {RATIO}$", output, re.MULTILINE), output
    assert re.search(rf"^ratio v2 with history / no migration: {RATIO}$", output, re.MULTILINE), output
    assert re.search(rf"^ratio read_heads / anchor: {RATIO}$", output, re.MULTILINE), output


def test_bench_reopen_prints_the_reopen_ratio_against_a_full_load() -> None:
    output = run_benchmark("bench_reopen.py", "--records", "2000", "--appended", "20", "--repeat", "1")
    for measure in ("full load", "reopen"):
        assert re.search(rf"^{measure} +{RATIO} +{RATIO} +{RATIO} +{RATIO} +\d+$", output, re.MULTILINE), output
    assert re.search(rf"^reopen / full load \(wall\): {RATIO} \((within|OVER) the target of 0\.2\)$", output, re.MULTILINE), output


def test_bench_scale_prints_every_command_against_the_orjson_loop() -> None:
    output = run_benchmark("bench_scale.py", "--sizes", "3000", "--sentences", "1000", "--bootstrap", "20")
    first, _, again = output.partition("read before (the store indexes of an earlier read):")
    assert "first read (no store index):" in first, output
    for table in (first, again):
        for command in ("load_store", "validate", r"stats --bootstrap 0", "stats", "export"):
            assert re.search(rf"^{command} +{RATIO} +{RATIO} +\d+ +{RATIO}$", table, re.MULTILINE), output


def test_bench_stats_screen_prints_the_stop_and_the_memory_after_closing() -> None:
    output = run_benchmark("bench_stats_screen.py", "--records", "3000", "--sentences", "1000")
    assert re.search(
        rf"^closed while computing: stopped {RATIO} s after escape \({RATIO}x the full computation\)$", output, re.MULTILINE
    ), output
    assert re.search(rf"^  resident memory once stopped: \d+ MB \({RATIO}x after the first report was closed\)$", output, re.MULTILINE), (
        output
    )


def test_bench_assign_prints_the_ratio_to_hashing_the_ids() -> None:
    output = run_benchmark("bench_assign.py", "--units", "2000", "--repeat", "1")
    assert re.search(rf"^ratio assign / baseline: {RATIO}$", output, re.MULTILINE), output


def test_bench_import_prints_the_ratio_against_plain_appends() -> None:
    output = run_benchmark("bench_import.py", "--votes", "40", "--annotators", "2")
    assert re.search(rf"^ratio import / appends: {RATIO}$", output, re.MULTILINE), output
