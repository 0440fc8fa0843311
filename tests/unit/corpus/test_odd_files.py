"""One odd file never blocks a corpus: pipes and devices are refused by their type, unread; files
and JSONL lines over the size limit by their size; UTF-16, UTF-32 and NUL bytes are said as what
they are. The rest of the corpus loads."""

from __future__ import annotations

import codecs
import os
import threading
from pathlib import Path

import orjson
import pytest

from annotator.corpus.document import Corpus
from annotator.corpus.load import load_corpus
from annotator.files import NotARegularFile, TooLarge, read_bytes

GOOD = "A good document. It loads.\n"


def reasons(corpus: Corpus) -> list[str]:
    return [str(problem) for problem in corpus.problems]


def corpus_with(folder: Path, name: str, content: bytes | None = None) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    if content is not None:
        (folder / name).write_bytes(content)
    return folder / name


def test_a_named_pipe_is_refused_by_its_type_and_never_opened(tmp_path: Path) -> None:
    """A writer stands ready at the pipe, so that a loader that opens it reads a document instead of
    blocking; this one does not open it."""
    fifo = corpus_with(tmp_path / "corpus", "pipe.txt")
    os.mkfifo(fifo)
    (tmp_path / "corpus" / "link.txt").symlink_to(fifo)

    def writer() -> None:
        with open(fifo, "wb") as pipe:  # blocks until a reader opens the pipe
            pipe.write(b"Read from a pipe.\n")

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    try:
        corpus = load_corpus([tmp_path / "corpus"])
    finally:
        reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # lets the writer open, write and go
        thread.join()
        os.close(reader)
    assert [doc.id for doc in corpus.documents] == ["good"]
    assert reasons(corpus) == [
        f"{fifo.with_name('link.txt')}: cannot read: a named pipe (FIFO), not a regular file: not read",
        f"{fifo}: cannot read: a named pipe (FIFO), not a regular file: not read",
    ]


def test_a_link_to_a_device_is_refused_by_its_type(tmp_path: Path) -> None:
    link = corpus_with(tmp_path / "corpus", "null.txt")
    link.symlink_to("/dev/null")
    corpus = load_corpus([tmp_path / "corpus"])
    assert reasons(corpus) == [f"{link}: cannot read: a character device, not a regular file: not read"]


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null", "/dev/urandom"])
def test_devices_are_never_read(device: str) -> None:
    with pytest.raises(NotARegularFile, match="a character device, not a regular file"):
        read_bytes(device, max_bytes=100)


def test_a_document_over_the_size_limit_is_refused_with_its_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANNOTATOR_MAX_DOCUMENT_MB", "0.01")  # 10,485 bytes
    big = corpus_with(tmp_path / "corpus", "big.txt", b"A long sentence. " * 1000)
    corpus = load_corpus([tmp_path / "corpus"])
    assert [doc.id for doc in corpus.documents] == ["good"]
    assert reasons(corpus) == [
        f"{big}: cannot read: 17,000 bytes, over the limit of 10,485 bytes for a document ($ANNOTATOR_MAX_DOCUMENT_MB sets it)"
    ]
    monkeypatch.delenv("ANNOTATOR_MAX_DOCUMENT_MB")
    assert load_corpus([big]).problems == []  # 20 MB by default


def test_a_file_that_grows_past_the_limit_while_read_is_refused(tmp_path: Path) -> None:
    with pytest.raises(TooLarge, match="over the limit of 100 bytes"):
        read_bytes("/proc/self/maps", max_bytes=100)  # reports no size, and has more


def test_a_jsonl_line_over_the_size_limit_is_refused_and_the_other_lines_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANNOTATOR_MAX_DOCUMENT_MB", "0.01")
    lines = [{"id": "small", "text": "Short."}, {"id": "huge", "text": "Long. " * 3000}, {"id": "after", "text": "Also short."}]
    path = corpus_with(tmp_path / "corpus", "docs.jsonl", b"".join(orjson.dumps(line) + b"\n" for line in lines))
    corpus = load_corpus([path])
    assert [doc.id for doc in corpus.documents] == ["small", "after"]
    size = len(orjson.dumps(lines[1]))
    assert reasons(corpus) == [
        f"{path}:2: {size:,} bytes, over the limit of 10,485 bytes for a document ($ANNOTATOR_MAX_DOCUMENT_MB sets it)"
    ]


@pytest.mark.parametrize(
    ("codec", "mark", "said"),
    [
        ("utf-16-le", codecs.BOM_UTF16_LE, "UTF-16 (little-endian byte order mark) text: save it as UTF-8"),
        ("utf-16-be", codecs.BOM_UTF16_BE, "UTF-16 (big-endian byte order mark) text: save it as UTF-8"),
        ("utf-16-le", b"", "UTF-16 (little-endian, without a byte order mark) text: save it as UTF-8"),
        ("utf-16-be", b"", "UTF-16 (big-endian, without a byte order mark) text: save it as UTF-8"),
        ("utf-32-le", codecs.BOM_UTF32_LE, "UTF-32 (little-endian byte order mark) text: save it as UTF-8"),
    ],
    ids=["utf-16-le-bom", "utf-16-be-bom", "utf-16-le", "utf-16-be", "utf-32-bom"],
)
@pytest.mark.parametrize("suffix", [".txt", ".jsonl"])
def test_utf16_and_utf32_are_said_as_what_they_are(tmp_path: Path, codec: str, mark: bytes, said: str, suffix: str) -> None:
    content = GOOD if suffix == ".txt" else orjson.dumps({"id": "x", "text": GOOD}).decode() + "\n"
    path = corpus_with(tmp_path / "corpus", f"wide{suffix}", mark + content.encode(codec))
    corpus = load_corpus([tmp_path / "corpus"])
    assert [doc.id for doc in corpus.documents] == ["good"]
    assert reasons(corpus) == [f"{path}: {said}"]


def test_nul_bytes_are_binary_data_not_text(tmp_path: Path) -> None:
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "short.txt").write_bytes(b"A\x00B.\n")  # too short to be taken for UTF-16
    text = corpus_with(tmp_path / "corpus", "binary.txt", b"First line.\nSecond\x00line.\n")
    lines = orjson.dumps({"id": "ok", "text": "Fine."}) + b"\n" + b'{"id": "nul", "text": "a\x00b"}\n'
    jsonl = corpus_with(tmp_path / "corpus", "docs.jsonl", lines)
    corpus = load_corpus([tmp_path / "corpus"])
    nul_at = lines.index(b"\x00")
    assert [doc.id for doc in corpus.documents] == ["ok", "good"]
    assert reasons(corpus) == [
        f"{text}:2: a NUL byte at byte 18: binary data, not text",
        f"{jsonl}:2: a NUL byte at byte {nul_at}: binary data, not text",
        f"{tmp_path / 'corpus' / 'short.txt'}:1: a NUL byte at byte 1: binary data, not text",
    ]


def test_accented_text_is_not_taken_for_utf16(tmp_path: Path) -> None:
    path = corpus_with(tmp_path / "corpus", "accents.txt", "Café, naïve, Zürich. Ελληνικά. 日本語の文。\n".encode())
    assert load_corpus([path]).problems == []


def test_a_table_row_over_the_size_limit_is_refused_and_the_other_rows_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANNOTATOR_MAX_DOCUMENT_MB", "0.01")
    rows = ["id,text", "small,Short.", f"huge,{'Long. ' * 3000}", "after,Also short."]
    path = corpus_with(tmp_path / "corpus", "docs.csv", ("\n".join(rows) + "\n").encode())
    corpus = load_corpus([path])
    assert [doc.id for doc in corpus.documents] == ["small", "after"]
    assert reasons(corpus) == [
        f"{path}:3: 18,000 bytes, over the limit of 10,485 bytes for a document ($ANNOTATOR_MAX_DOCUMENT_MB sets it)"
    ]
