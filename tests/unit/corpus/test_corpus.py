"""Loading a corpus: ids, offsets, bad input, the segmentation cache; the corpus benchmark runs."""

from __future__ import annotations

import csv
import hashlib
import io
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import FrozenInstanceError
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.corpus import cache as cache_module
from annotator.corpus import load as corpus_module
from annotator.corpus import table as table_module
from annotator.corpus.document import Corpus, Unit
from annotator.corpus.load import load_corpus
from annotator.corpus.segment import Segmentation, check_segmentation, segment
from annotator.corpus.table import Columns
from tests.conftest import REPO, SEEDS


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def jsonl(*records: object) -> str:
    return "".join(orjson.dumps(record).decode() + "\n" for record in records)


def reasons(corpus: Corpus) -> list[str]:
    return [str(problem) for problem in corpus.problems]


def test_seed_documents_have_the_expected_units() -> None:
    corpus = load_corpus([SEEDS])
    assert corpus.problems == []
    assert [doc.id for doc in corpus.documents] == ["000_d7efd9d5cc810911", "004_5f7998d51eba2094"]
    texts = [unit.text for unit in corpus.units()]
    for expected in [
        "By Lee Minji",
        "Kim Jong Un Orders Major Boost in North Korean Missile Production for 2025",
        "Factory Inspections and Modernisation Plans",
        "This year's combined military exercise, scheduled for Aug. 21-31, will feature various "
        "contingency drills, such as the computer simulation-based command post exercise, concurrent "
        "field training and Ulchi civil defense drills.",
        '"He set forth an important goal to drastically boost the existing missile production '
        "capacity... so as to mass-produce missiles as required by the system of the expanded and "
        'strengthened frontline units and missile units and by the operational plans," the KCNA said.',
        "In response to Kim's first inspection of munitions factories earlier this month, South Korea's "
        'unification ministry said the visit appears to have had "multiple" purposes -- flaunting its '
        "military achievements, responding to the South Korea-U.S. military drills and seeking arms exports.",
        'He emphasised the need to "further expand the overall production capacity" to keep pace with '
        "military demands, ordering the construction of new munitions plants to achieve this goal.",
    ]:
        assert expected in texts
    assert any(text.startswith("SEOUL, Aug. 14 (Yonhap) -- North Korean leader") for text in texts)
    assert len(texts) == 35
    for doc in corpus.documents:
        assert check_segmentation(doc.text, segment(doc.text)) is None
        covered = "".join(unit.text for unit in doc.units)
        assert sorted(covered.replace(" ", "")) == sorted("".join(doc.text.split()))


def test_units_carry_offsets_hashes_and_paragraphs(tmp_path: Path) -> None:
    text = "\ufeffHeadline here\r\n\r\nFirst sentence. Second one.\r\n"
    write(tmp_path / "doc.txt", text)
    doc = load_corpus([tmp_path / "doc.txt"]).document("doc")
    assert doc.text == text[1:]
    assert doc.sha256 == hashlib.sha256(doc.text.encode("utf-8")).hexdigest()
    assert [u.text for u in doc.units] == ["Headline here", "First sentence.", "Second one."]
    for unit in doc.units:
        assert unit.text == doc.text[unit.start : unit.end]
        assert unit.text_sha256 == hashlib.sha256(unit.text.encode("utf-8")).hexdigest()
        assert unit.key == ("doc", unit.start, unit.end)
    assert [u.paragraph for u in doc.units] == [0, 1, 1]
    assert [doc.text[s:e] for s, e in doc.paragraphs] == ["Headline here", "First sentence. Second one."]
    assert doc.source == str(tmp_path / "doc.txt")
    assert doc.meta == {}


def test_a_unit_hashes_its_text_when_first_read_and_stays_the_same_unit() -> None:
    read, unread = Unit("doc", 0, 3, "Hi.", 0), Unit("doc", 0, 3, "Hi.", 0)
    assert read.text_sha256 == hashlib.sha256(b"Hi.").hexdigest()
    assert read.text_sha256 is read.text_sha256
    assert (read == unread, hash(read) == hash(unread), repr(read) == repr(unread)) == (True, True, True)
    with pytest.raises(FrozenInstanceError):
        read.text = "Bye."  # type: ignore[misc]


def test_segmenting_is_announced_with_the_number_of_documents_the_cache_lacks(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", "One. Two.")
    write(tmp_path / "b.txt", "Three.")
    told: list[int] = []
    load_corpus([tmp_path], on_segmenting=told.append)
    load_corpus([tmp_path], on_segmenting=told.append)
    write(tmp_path / "c.txt", "Four.")
    load_corpus([tmp_path], on_segmenting=told.append)
    assert told == [2, 1]


def test_folder_ids_are_relative_paths_sorted_and_hidden_files_skipped(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    write(root / "b.md", "B doc.")
    write(root / "a.txt", "A doc.")
    write(root / "sub" / "deep" / "c.TXT", "C doc.")
    write(root / "notes.pdf", "%PDF ignored in folders")
    write(root / ".hidden.txt", "Hidden.")
    write(root / ".git" / "x.txt", "Hidden folder.")
    corpus = load_corpus([root])
    assert corpus.problems == []
    assert [doc.id for doc in corpus.documents] == ["a", "b", "sub/deep/c"]
    assert corpus.documents[2].source == str(root / "sub" / "deep" / "c.TXT")
    assert [unit.doc for unit in corpus.units()] == ["a", "b", "sub/deep/c"]
    with pytest.raises(KeyError):
        corpus.document("c")


def test_jsonl_documents(tmp_path: Path) -> None:
    path = write(
        tmp_path / "docs.jsonl",
        jsonl({"id": "x1", "text": "One. Two.", "meta": {"lang": "en"}}, {"id": 7, "text": "Three."}) + "\n",
    )
    corpus = load_corpus([path])
    assert corpus.problems == []
    assert [(d.id, d.meta, d.source) for d in corpus.documents] == [
        ("x1", {"lang": "en"}, str(path)),
        ("7", {}, str(path)),
    ]
    assert [u.text for u in corpus.units()] == ["One.", "Two.", "Three."]


TRICKY = "aZ .!?\"'“”…()-,;:#\n\r\t\x0b\x1f\x85\u2028\u00a0\u3000가😀1."
texts = st.text(alphabet=st.sampled_from(TRICKY) | st.characters(codec="utf-8"), max_size=200)


@settings(max_examples=300, deadline=None)
@given(texts)
def test_units_of_any_text_cover_it_exactly_once(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = write(Path(tmp) / "doc.jsonl", jsonl({"id": "d", "text": text}))
        corpus = load_corpus([path], cache_dir=Path(tmp))
    if not text.strip():
        assert corpus.documents == [] and len(corpus.problems) == 1
        return
    doc = corpus.document("d")
    assert doc.text == text
    previous_end = 0
    for unit in doc.units:
        assert previous_end <= unit.start < unit.end <= len(text)
        assert unit.text == text[unit.start : unit.end] == unit.text.strip()
        assert text[previous_end : unit.start].strip() == ""
        previous_end = unit.end
    assert text[previous_end:].strip() == ""
    units = tuple(n for u in doc.units for n in (u.start, u.end, u.paragraph))
    assert check_segmentation(text, Segmentation(doc.paragraphs, units)) is None


def test_bad_files_are_reported_and_the_rest_still_loads(tmp_path: Path) -> None:
    write(tmp_path / "a_good.txt", "Good one.")
    write(tmp_path / "bad_utf8.txt", b"Line one.\nCaf\xe9 au lait.")
    write(tmp_path / "empty.txt", "")
    write(tmp_path / "blank.md", " \n\t\n")
    write(tmp_path / "empty.jsonl", "\n")
    corpus = load_corpus([tmp_path, tmp_path / "missing.txt", write(tmp_path / "x.pdf", "%PDF")])
    assert [doc.id for doc in corpus.documents] == ["a_good"]
    assert reasons(corpus) == [
        f"{tmp_path / 'bad_utf8.txt'}:2: invalid UTF-8 at byte 13",
        f"{tmp_path / 'blank.md'}: empty file (no text)",
        f"{tmp_path / 'empty.jsonl'}: empty file (no documents)",
        f"{tmp_path / 'empty.txt'}: empty file (no text)",
        f"{tmp_path / 'missing.txt'}: no such file or folder",
        f"{tmp_path / 'x.pdf'}: unsupported file type '.pdf' (use .txt, .md, .jsonl, .csv or .tsv)",
    ]


def test_bad_jsonl_lines_name_the_line(tmp_path: Path) -> None:
    lines = [
        jsonl({"id": "ok", "text": "Fine."}),
        "{not json\n",
        "[1, 2]\n",
        jsonl({"id": "no-text"}),
        jsonl({"text": "No id."}),
        jsonl({"id": "", "text": "Empty id."}),
        jsonl({"id": "n", "text": 5}),
        jsonl({"id": "blank", "text": "  \n"}),
        jsonl({"id": "m", "text": "Meta.", "meta": [1]}),
        "BAD-UTF8\n",
        jsonl({"id": "last", "text": "Still loaded."}),
    ]
    data = "".join(lines).encode("utf-8").replace(b"BAD-UTF8", b'{"id": "u", "text": "caf\xe9"}')
    path = write(tmp_path / "d.jsonl", data)
    corpus = load_corpus([path])
    assert [doc.id for doc in corpus.documents] == ["ok", "last"]
    got = reasons(corpus)
    assert got[0].startswith(f"{path}:2: not valid JSON: ")
    assert got[1:] == [
        f"{path}:3: not a JSON object",
        f"{path}:4: missing `text`",
        f"{path}:5: missing `id` (a non-empty string)",
        f"{path}:6: missing `id` (a non-empty string)",
        f"{path}:7: `text` is not a string",
        f"{path}:8: empty document (`text` has no text)",
        f"{path}:9: `meta` is not a JSON object",
        f"{path}:10: invalid UTF-8 at byte {data.index(b'caf') + 3}",
    ]


def test_duplicate_ids_keep_the_first_and_name_both_sources(tmp_path: Path) -> None:
    first = write(tmp_path / "one" / "doc.txt", "First.")
    second = write(tmp_path / "two" / "doc.md", "Second.")
    records = write(tmp_path / "r.jsonl", jsonl({"id": "doc", "text": "Third."}))
    corpus = load_corpus([tmp_path / "one", tmp_path / "two", records])
    assert [doc.text for doc in corpus.documents] == ["First."]
    assert reasons(corpus) == [
        f"{second}: duplicate document id 'doc' (kept the one from {first})",
        f"{records}:1: duplicate document id 'doc' (kept the one from {first})",
    ]


def test_the_same_file_named_twice_loads_once(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", "Once.")
    corpus = load_corpus([path, tmp_path])
    assert corpus.problems == []
    assert [doc.id for doc in corpus.documents] == ["a"]


def test_an_empty_folder_is_reported(tmp_path: Path) -> None:
    assert reasons(load_corpus([tmp_path])) == [f"{tmp_path}: no .txt, .md, .jsonl, .csv or .tsv files in this folder"]


def forbid_segmentation(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(texts: list[str], *args: object) -> None:
        raise AssertionError(f"segmented again: {texts}")

    monkeypatch.setattr(corpus_module, "segment_many", fail)


def test_reopening_uses_the_cache(isolated_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = load_corpus([SEEDS])
    assert list(isolated_cache.glob("segments-*/*.json"))
    forbid_segmentation(monkeypatch)
    assert list(load_corpus([SEEDS]).units()) == list(first.units())


def test_opening_a_corpus_from_the_cache_loads_neither_the_segmenter_nor_the_process_pool(isolated_cache: Path) -> None:
    load_corpus([SEEDS])
    script = (
        "import sys; from annotator.corpus.load import load_corpus; load_corpus([sys.argv[1]]);"
        " print(sorted({'pysbd', 'multiprocessing', 'concurrent.futures'} & set(sys.modules)))"
    )
    result = subprocess.run([sys.executable, "-c", script, str(SEEDS)], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_a_new_segmenter_version_does_not_reuse_the_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    load_corpus([SEEDS])
    monkeypatch.setattr(cache_module, "CACHE_KEY", "v-next")
    forbid_segmentation(monkeypatch)
    with pytest.raises(AssertionError, match="segmented again"):
        load_corpus([SEEDS])


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # torn write
        lambda data: b"\x00" * len(data),
        lambda data: data.replace(b"[", b"[1,", 1),  # valid JSON, wrong spans
    ],
)
def test_a_damaged_cache_is_rebuilt_not_trusted(tmp_path: Path, isolated_cache: Path, monkeypatch: pytest.MonkeyPatch, damage) -> None:
    doc = write(tmp_path / "a.txt", "One sentence. Another one.\nA third line.")
    expected = list(load_corpus([doc]).units())
    (shard,) = isolated_cache.glob("segments-*/*.json")
    shard.write_bytes(damage(shard.read_bytes()))
    assert list(load_corpus([doc]).units()) == expected
    forbid_segmentation(monkeypatch)
    assert list(load_corpus([doc]).units()) == expected  # the rebuilt entry is sound


def test_a_hand_edited_cache_entry_is_not_trusted(tmp_path: Path, isolated_cache: Path) -> None:
    doc = write(tmp_path / "a.txt", "One sentence. Another one.")
    expected = list(load_corpus([doc]).units())
    (shard,) = isolated_cache.glob("segments-*/*.json")
    checksum, _, body = shard.read_bytes().partition(b"\n")
    entries = orjson.loads(body)
    (sha,) = entries
    entries[sha] = [[0, 26], [0, 13, 0]]  # well-formed, but loses "Another one."
    shard.write_bytes(checksum + b"\n" + orjson.dumps(entries))
    assert list(load_corpus([doc]).units()) == expected


def test_a_split_that_fails_its_self_check_is_reported_and_not_cached(
    tmp_path: Path, isolated_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "a.txt", "One sentence. Another one.")
    write(tmp_path / "b.txt", "Fine.")
    lossy = Segmentation(((0, 26),), (0, 13, 0))  # loses "Another one."
    with monkeypatch.context() as patched:
        patched.setattr(corpus_module, "segment_many", lambda texts, *flags: [lossy if "Another" in t else segment(t) for t in texts])
        corpus = load_corpus([tmp_path])
    assert [doc.id for doc in corpus.documents] == ["b"]
    (problem,) = corpus.problems
    assert problem.path.endswith("a.txt") and "self-check" in problem.reason and "in no unit" in problem.reason
    assert [unit.text for unit in load_corpus([tmp_path]).units()] == ["One sentence.", "Another one.", "Fine."]


def test_an_unwritable_cache_only_costs_time(tmp_path: Path) -> None:
    blocker = write(tmp_path / "not-a-dir", "x")
    doc = write(tmp_path / "a.txt", "One. Two.")
    assert [u.text for u in load_corpus([doc], cache_dir=blocker).units()] == ["One.", "Two."]


def test_corpus_benchmark_runs_small(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "bench_corpus.py"), "--small"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    for label in ("cached/baseline", "cold/baseline", "cached/cold", "peak"):
        assert label in result.stdout


def test_csv_and_tsv_documents(tmp_path: Path) -> None:
    csv_file = write(tmp_path / "news.csv", 'id,text,url\r\n7,"One. Two, with a comma.",http://a\r\nx2,"Three ""quoted"".\nFour.",\r\n')
    tsv_file = write(tmp_path / "more.tsv", "text\tid\nFive.\tt1\n\n")
    corpus = load_corpus([csv_file, tsv_file])
    assert corpus.problems == []
    assert [(d.id, d.source, d.meta) for d in corpus.documents] == [
        ("7", str(csv_file), {"url": "http://a"}),
        ("x2", str(csv_file), {"url": ""}),
        ("t1", str(tsv_file), {}),
    ]
    assert [u.text for u in corpus.units()] == ["One.", "Two, with a comma.", 'Three "quoted".', "Four.", "Five."]


def test_the_text_and_id_columns_can_be_named(tmp_path: Path) -> None:
    path = write(tmp_path / "news.csv", "body,key\nOne.,a\n")
    assert reasons(load_corpus([path])) == [
        f"{path}:1: no column 'text' (its columns: 'body', 'key'); name the right one with --text-column"
    ]
    corpus = load_corpus([path], columns=Columns(text="body", id="key"))
    assert [(d.id, d.text) for d in corpus.documents] == [("a", "One.")]
    assert reasons(load_corpus([path], columns=Columns(text="body"))) == [
        f"{path}:1: no column 'id' (its columns: 'body', 'key'); name the right one with --id-column"
    ]


def test_bad_table_rows_name_their_line_and_the_rest_still_loads(tmp_path: Path) -> None:
    path = write(tmp_path / "news.csv", 'id,text\na,"Spans\ntwo lines."\nb,\n,No id.\nc\nd,Fine.\n')
    corpus = load_corpus([path, write(tmp_path / "header.tsv", "id\ttext\n"), write(tmp_path / "empty.csv", "\n")])
    assert [doc.id for doc in corpus.documents] == ["a", "d"]
    assert reasons(corpus) == [
        f"{path}:4: empty document (column 'text' has no text)",
        f"{path}:5: missing id (column 'id' is empty)",
        f"{path}:6: empty document (column 'text' has no text)",
        f"{tmp_path / 'header.tsv'}: no documents (a header row only)",
        f"{tmp_path / 'empty.csv'}: empty file (no documents)",
    ]


def test_a_table_the_csv_module_cannot_read_on_keeps_the_rows_before(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_reader = csv.reader

    class FailingReader:
        """csv.reader, failing on the third row as it fails on a field over its size limit."""

        def __init__(self, lines: io.StringIO, delimiter: str) -> None:
            self.real = real_reader(lines, delimiter=delimiter)
            self.rows = 0

        @property
        def line_num(self) -> int:
            return self.real.line_num

        def __iter__(self) -> Iterator[list[str]]:
            return self

        def __next__(self) -> list[str]:
            self.rows += 1
            if self.rows == 3:
                raise csv.Error("field larger than field limit (131072)")
            return next(self.real)

    monkeypatch.setattr(table_module.csv, "reader", FailingReader)
    path = write(tmp_path / "news.csv", "id,text\na,Fine.\nb,Too long.\n")
    corpus = load_corpus([path])
    assert [doc.id for doc in corpus.documents] == ["a"]
    assert reasons(corpus) == [f"{path}:3: not valid CSV from here on: field larger than field limit (131072)"]


def test_a_table_that_is_not_utf8_names_the_line_and_byte(tmp_path: Path) -> None:
    path = write(tmp_path / "news.csv", b"id,text\na,Caf\xe9.\n")
    assert reasons(load_corpus([path])) == [f"{path}:2: invalid UTF-8 at byte 13"]


def test_a_markdown_file_is_split_as_markdown_and_cached_apart_from_the_same_text(tmp_path: Path) -> None:
    text = "# Title\n\n- One item. Two.\n"
    corpus = load_corpus([write(tmp_path / "a.md", text), write(tmp_path / "b.txt", text)])
    assert [(u.doc, u.text) for u in corpus.units()] == [
        ("a", "Title"),
        ("a", "One item."),
        ("a", "Two."),
        ("b", "# Title"),
        ("b", "- One item."),
        ("b", "Two."),
    ]
    assert [(u.doc, u.text) for u in load_corpus([tmp_path]).units()] == [(u.doc, u.text) for u in corpus.units()]  # from the cache
