"""A stand-in for a model behind `annotator suggest --command`: reads units as JSON lines on stdin and
answers each with suggestions, as a real model command would. Its options make it misbehave the
ways the tests need:

  --log FILE           append each unit's text to FILE (what it was asked)
  --garbage N          write a line that is not JSON instead of the N-th answer
  --unknown-value      suggest hedging "maybe", a value the schema does not have
  --stop-after N       answer N units, then hang without a word (until it is stopped)
  --fail-after N       answer N units, then say why on stderr and exit with status 3
"""

import argparse
import json
import sys
import threading

parser = argparse.ArgumentParser()
parser.add_argument("--log")
parser.add_argument("--garbage", type=int, default=0)
parser.add_argument("--unknown-value", action="store_true")
parser.add_argument("--stop-after", type=int)
parser.add_argument("--fail-after", type=int)
args = parser.parse_args()

for number, line in enumerate(sys.stdin, 1):
    unit = json.loads(line)
    if args.stop_after is not None and number > args.stop_after:
        threading.Event().wait()  # hang: only a signal ends it
    if args.fail_after is not None and number > args.fail_after:
        print("fake model: out of memory", file=sys.stderr)
        sys.exit(3)
    if args.log:
        with open(args.log, "a", encoding="utf-8") as log:
            log.write(unit["text"] + "\n")
    if number == args.garbage:
        print("this is not JSON", flush=True)
        continue
    first_word = unit["text"].split()[0]
    suggestions = {
        "checkworthiness": {
            "value": "urgent",
            "cues": [{"start": unit["start"], "end": unit["start"] + len(first_word), "kind": "model"}],
            "by": "fake-model",
        },
        "verifiability": {"value": "public"},
    }
    if args.unknown_value:
        suggestions["hedging"] = {"value": "maybe"}
    answer = {"doc": unit["doc"], "start": unit["start"], "end": unit["end"], "suggestions": suggestions}
    print(json.dumps(answer), flush=True)
