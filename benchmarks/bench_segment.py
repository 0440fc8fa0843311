"""Segmentation of hostile text: no text takes much longer to split into sentences than news.

pySBD's run time grows with the length of its input times the sentence ends in it, so one line of
30,000 "a. " took minutes. The segmenter cuts long lines into bounded pieces and passes a line with
no sentence end inside it by; this measures the result. Each text is `--size` characters (1 MB by
default) of one shape; the baseline is wire-style news of the same size, measured in the same run.
The budget is 10x the baseline for any text: the ratios are printed, never asserted.

    python benchmarks/bench_segment.py [--size CHARS] [--small] [--only NAME]

`--small` (or BENCH_SMALL=1) uses 20,000 characters for a quick run.
"""

from __future__ import annotations

import argparse
import os
import random
import string
import time
from collections.abc import Callable

from bench_corpus import BYLINES, DATELINES, HEADLINES, SENTENCES  # benchmarks/, beside this script

from annotator.corpus.segment import check_segmentation, segment

BUDGET = 10.0


def news(size: int, rng: random.Random) -> str:
    """Wire-style articles: a headline, a byline, a dateline lead and paragraphs of 1-3 sentences."""
    lines: list[str] = []
    written = 0
    while written < size:
        article = [rng.choice(HEADLINES), rng.choice(BYLINES), f"{rng.choice(DATELINES)} {rng.choice(SENTENCES)}"]
        article += [" ".join(rng.choice(SENTENCES) for _ in range(rng.randint(1, 3))) for _ in range(rng.randint(4, 8))]
        lines += article
        written += sum(len(line) + 2 for line in article)
    return "\n\n".join(lines)[:size]


def repeated(piece: str) -> Callable[[int, random.Random], str]:
    return lambda size, rng: (piece * (size // len(piece) + 1))[:size]


def random_text(alphabet: str) -> Callable[[int, random.Random], str]:
    return lambda size, rng: "".join(rng.choices(alphabet, k=size))


def random_words(size: int, rng: random.Random) -> str:
    """Words of 1-8 letters, each followed by a space or punctuation, now and then a line break."""
    words = []
    written = 0
    while written < size:
        word = "".join(rng.choices(string.ascii_letters, k=rng.randint(1, 8)))
        words.append(word + rng.choice([" ", " ", " ", ". ", "? ", "! ", ", ", "... ", '." ', ".\n", " (", ") "]))
        written += len(words[-1])
    return "".join(words)[:size]


HOSTILE: dict[str, Callable[[int, random.Random], str]] = {
    "'a. ' on one line": repeated("a. "),
    "'a.' lines": repeated("a.\n"),
    "'a' lines": repeated("a\n"),
    "one word": repeated("x"),
    "words, no punctuation": repeated("word "),
    "'Mr. ' on one line": repeated("Mr. "),
    "full stops": repeated("."),
    "'. ' on one line": repeated(". "),
    "quoted '\"a.\" '": repeated('"a." '),
    "'1. ' list markers": repeated("1. "),
    "'(a) ' list markers": repeated("(a) "),
    "'a) b. ' items": repeated("a) b. "),
    "'a) b' lines": repeated("a) b\n"),
    "'?! ' on one line": repeated("?! "),
    "'A. B. ' initials": repeated("A. B. "),
    "'e.g. ' abbreviations": repeated("e.g. "),
    "URLs and e-mails": repeated("see http://a.b.example/c.html or mail a.b@c.d. "),
    "numbers '1.5 '": repeated("1.5 "),
    "CJK full stops": repeated("日本語。"),
    "'\"(\" quotes and brackets'": repeated('"( '),
    "random printable": random_text(string.printable),
    "random punctuation and spaces": random_text(".!? \"'()"),
    "random words and punctuation": random_words,
}


def timed(text: str) -> float:
    start = time.perf_counter()
    segmentation = segment(text)
    elapsed = time.perf_counter() - start
    problem = check_segmentation(text, segmentation)
    if problem:
        raise SystemExit(f"the segmentation fails its self-check: {problem}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, help="characters per text (default 1,000,000; 20,000 with --small)")
    parser.add_argument("--small", action="store_true", default=bool(os.environ.get("BENCH_SMALL")))
    parser.add_argument("--only", help="only the hostile texts whose name contains this")
    args = parser.parse_args()
    size = args.size or (20_000 if args.small else 1_000_000)
    rng = random.Random(0)
    segment("Warm up. The segmenter is loaded once.")
    baseline = timed(news(size, rng))
    print(f"news baseline: {size:,} characters in {baseline:.2f} s")
    print(f"{'text':<34} {'seconds':>8} {'ratio':>7}")
    worst = 0.0
    for name, make in HOSTILE.items():
        if args.only and args.only not in name:
            continue
        seconds = timed(make(size, rng))
        worst = max(worst, seconds / baseline)
        print(f"{name:<34} {seconds:>8.2f} {seconds / baseline:>7.2f}", flush=True)
    verdict = "within" if worst < BUDGET else "OVER"
    print(f"worst ratio: {worst:.2f} ({verdict} the budget of {BUDGET:g}x news)")


if __name__ == "__main__":
    main()
