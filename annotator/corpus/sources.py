"""Reading documents: .txt and .md files one document each, .jsonl files one document per line,
.csv and .tsv files one per row (`table`); folders walked for them. Whatever cannot be read becomes
a `Problem`, never an exception."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import orjson

from annotator.corpus.encoding import wide_encoding
from annotator.corpus.table import DEFAULT_COLUMNS, DELIMITERS, Columns, table_rows
from annotator.errors import Problem
from annotator.files import max_document_bytes, read_bytes, too_large

SUFFIXES = (".txt", ".md", ".jsonl", *DELIMITERS)
_NAMES = ".txt, .md, .jsonl, .csv or .tsv"


@dataclass(frozen=True, slots=True)
class Source:
    """A document read from disk, before segmentation."""

    id: str
    path: str
    line: int | None  # where in the file: the line of a .jsonl document, the first line of a table row
    text: str
    meta: dict
    markdown: bool = False  # a .md file: split into sentences as Markdown


def read_sources(paths: Sequence[str | Path], problems: list[Problem], columns: Columns = DEFAULT_COLUMNS) -> list[Source]:
    """The documents of files and folders, first of each id kept; what cannot be read is added to
    `problems`. `columns` names the text and id columns of .csv and .tsv files."""
    return _unique(_read_all(paths, problems, columns), problems)


def _unique(sources: Iterator[Source], problems: list[Problem]) -> list[Source]:
    """Keep the first document with each id; report the others."""
    first: dict[str, Source] = {}
    for source in sources:
        if source.id in first:
            kept = first[source.id]
            where = kept.path if kept.line is None else f"{kept.path}:{kept.line}"
            reason = f"duplicate document id {source.id!r} (kept the one from {where})"
            problems.append(Problem(source.path, source.line, reason))
        else:
            first[source.id] = source
    return list(first.values())


def _read_all(paths: Sequence[str | Path], problems: list[Problem], columns: Columns) -> Iterator[Source]:
    seen: set[str] = set()
    for given in paths:
        for path, doc_id in _files(Path(given), problems):
            real = os.path.abspath(path)
            if real not in seen:
                seen.add(real)
                yield from _read_file(path, doc_id, problems, columns)


def _files(given: Path, problems: list[Problem]) -> Iterator[tuple[str, str]]:
    """(file, document id) for a path from the command line: a file or a folder."""
    if given.is_dir():
        found = False
        for path, doc_id in _walk(given, problems):
            found = True
            yield path, doc_id
        if not found:
            problems.append(Problem(str(given), None, f"no {_NAMES} files in this folder"))
    elif not given.exists():
        problems.append(Problem(str(given), None, "no such file or folder"))
    elif given.suffix.lower() not in SUFFIXES:
        reason = f"unsupported file type {given.suffix!r} (use {_NAMES})"
        problems.append(Problem(str(given), None, reason))
    else:
        yield str(given), given.stem


def _walk(folder: Path, problems: list[Problem]) -> Iterator[tuple[str, str]]:
    """(file, id) of the supported files under a folder: recursive, sorted, hidden ones skipped."""

    def unreadable(error: OSError) -> None:
        problems.append(Problem(str(error.filename), None, f"cannot read folder: {error.strerror}"))

    for root, dirs, files in os.walk(folder, onerror=unreadable):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        prefix = Path(root).relative_to(folder).as_posix()
        for name in sorted(files):
            stem, suffix = os.path.splitext(name)
            if not name.startswith(".") and suffix.lower() in SUFFIXES:
                yield os.path.join(root, name), stem if prefix == "." else f"{prefix}/{stem}"


def _read_file(path: str, doc_id: str, problems: list[Problem], columns: Columns) -> Iterator[Source]:
    suffix = os.path.splitext(path)[1].lower()
    documents = suffix == ".jsonl" or suffix in DELIMITERS  # a file of documents: each one is limited, not the file
    try:
        data = read_bytes(path, max_bytes=None if documents else max_document_bytes())
    except OSError as error:
        problems.append(Problem(path, None, f"cannot read: {error.strerror}"))
        return
    encoding = wide_encoding(data)
    if encoding is not None:
        problems.append(Problem(path, None, encoding))
        return
    if suffix == ".jsonl":
        yield from _jsonl_sources(path, data, problems)
        return
    text = _decode(path, data, problems)
    if text is None:
        return
    if not text.strip():
        problems.append(Problem(path, None, "empty file (no documents)" if suffix in DELIMITERS else "empty file (no text)"))
    elif suffix in DELIMITERS:
        limit = max_document_bytes()
        for row in table_rows(path, text, DELIMITERS[suffix], columns, problems):
            if len(row.text) > limit // 4 and (size := len(row.text.encode("utf-8"))) > limit:  # 4 bytes a character at most
                problems.append(Problem(path, row.line, too_large(size, limit)))
            else:
                yield Source(row.id, path, row.line, row.text, row.meta)
    else:
        yield Source(doc_id, path, None, text, {}, markdown=suffix == ".md")


def _decode(path: str, data: bytes, problems: list[Problem], *, offset: int = 0, line: int | None = None) -> str | None:
    """UTF-8 text without a leading BOM; None (and a problem) if the bytes are not UTF-8, or hold a
    NUL byte (binary data)."""
    nul = data.find(b"\x00")
    if nul >= 0:
        where = line if line is not None else data.count(b"\n", 0, nul) + 1
        problems.append(Problem(path, where, f"a NUL byte at byte {offset + nul}: binary data, not text"))
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        if line is None:
            line = data.count(b"\n", 0, error.start) + 1
        problems.append(Problem(path, line, f"invalid UTF-8 at byte {offset + error.start}"))
        return None
    return text.removeprefix("\ufeff")


def _jsonl_sources(path: str, data: bytes, problems: list[Problem]) -> Iterator[Source]:
    if not data.strip():
        problems.append(Problem(path, None, "empty file (no documents)"))
        return
    offset, limit = 0, max_document_bytes()
    for number, raw in enumerate(data.split(b"\n"), start=1):
        line_offset, offset = offset, offset + len(raw) + 1
        if not raw.strip():
            continue
        if len(raw) > limit:
            problems.append(Problem(path, number, too_large(len(raw), limit)))
            continue
        line = _decode(path, raw, problems, offset=line_offset, line=number)
        if line is None:
            continue
        try:
            yield _jsonl_source(path, number, line)
        except _BadLine as error:
            problems.append(Problem(path, number, str(error)))


class _BadLine(Exception):
    """A JSONL line that is not a document; the message says why."""


def _jsonl_source(path: str, number: int, line: str) -> Source:
    try:
        record = orjson.loads(line)
    except orjson.JSONDecodeError as error:
        raise _BadLine(f"not valid JSON: {error}") from None
    if not isinstance(record, dict):
        raise _BadLine("not a JSON object")
    if "text" not in record:
        raise _BadLine("missing `text`")
    text = record["text"]
    if not isinstance(text, str):
        raise _BadLine("`text` is not a string")
    if not text.strip():
        raise _BadLine("empty document (`text` has no text)")
    doc_id = record.get("id")
    # Integer ids are common in datasets; they name the same document as their decimal string.
    if isinstance(doc_id, bool) or not isinstance(doc_id, (str, int)) or doc_id == "":
        raise _BadLine("missing `id` (a non-empty string)")
    meta = record.get("meta")
    if meta is not None and not isinstance(meta, dict):
        raise _BadLine("`meta` is not a JSON object")
    return Source(str(doc_id), path, number, text, meta or {})
