"""The cache of a command's suggestions, so that asking again for the same sentences costs nothing.

A command's answer depends on the sentence, the schema it answers for and the command itself, so
the cache is one file per (command string, schema name, schema version), in the tool's cache folder
(`suggestions-v1/<sha256 of the three>.jsonl`), holding one line per sentence answered:
`{"text_sha256": ..., "suggestions": {...}}` with cue offsets relative to the sentence's start (the
same sentence may stand elsewhere in another document). Lines are appended as answers come; a line
that cannot be read (a crash while appending) is skipped, and what is read back is checked against
the schema again like any other suggestion. Deleting the folder is safe.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import orjson

from annotator.files import read_bytes
from annotator.schema.model import Schema
from annotator.suggest.model import Suggestion, suggestion_json
from annotator.text import sha256_hex

CACHE_FOLDER = "suggestions-v1"


class SuggestionCache:
    def __init__(self, cache_dir: Path, command: str, schema: Schema) -> None:
        key = sha256_hex("\0".join([command, schema.name, str(schema.version)]))
        self.path = cache_dir / CACHE_FOLDER / f"{key}.jsonl"

    def read(self) -> dict[str, dict]:
        """text sha256 -> the `suggestions` object kept for it (offsets relative to the sentence)."""
        try:
            raw = read_bytes(self.path)
        except OSError:
            return {}
        found: dict[str, dict] = {}
        for line in raw.splitlines():
            try:
                entry = orjson.loads(line)
            except orjson.JSONDecodeError:
                continue
            if isinstance(entry, dict) and isinstance(entry.get("text_sha256"), str) and isinstance(entry.get("suggestions"), dict):
                found[entry["text_sha256"]] = entry["suggestions"]
        return found

    def add(self, text_sha256: str, fields: Mapping[str, Suggestion], unit_start: int) -> None:
        """Keep one sentence's answer; a cache that cannot be written is only slower, never an error."""
        entry = {"text_sha256": text_sha256, "suggestions": {f: suggestion_json(s, -unit_start) for f, s in fields.items()}}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.path, "ab") as file:
                file.write(orjson.dumps(entry) + b"\n")
        except OSError:
            pass
