"""Properties of the store: any cut of the last line is survived; what is written reads back exactly,
through every reader."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.corpus.document import Unit
from annotator.store.log import AnnotationLog
from annotator.store.read import load_store, read_log

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**64 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
label_dicts = st.dictionaries(st.text(max_size=12), json_values, max_size=6)


def save(log: AnnotationLog, index: int, labels: dict) -> dict:
    unit = Unit(doc="news/ü", start=index, end=index + 1, text="x", paragraph=0)
    return log.append(unit, doc_sha256="1" * 64, schema="factcheck", schema_version=1, labels=labels, status="done")


@settings(max_examples=100, deadline=None)
@given(labels=st.lists(label_dicts, min_size=1, max_size=4), data=st.data())
def test_any_cut_inside_the_last_record_keeps_every_earlier_record(labels: list[dict], data: st.DataObject) -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = Path(folder)
        with AnnotationLog.open(store, "alice") as log:
            written = [save(log, i % 2, item) for i, item in enumerate(labels)]
        full = log.path.read_bytes()
        last_start = full.rstrip(b"\n").rfind(b"\n") + 1
        cut = data.draw(st.integers(min_value=last_start, max_value=len(full) - 1), label="cut")
        log.path.write_bytes(full[:cut])

        with AnnotationLog.open(store, "alice") as log:
            sidecars = list(store.glob("alice.jsonl.torn-*"))
            if cut == last_start:
                assert log.recovered is None and sidecars == []
            else:
                assert [p.read_bytes() for p in sidecars] == [full[last_start:cut]]
                assert log.recovered is not None and log.recovered.line == len(written)
            assert log.path.read_bytes() == full[:last_start]
            new = save(log, 0, {"after": "crash"})
        assert read_log(log.path).records == [*written[:-1], new]
        assert new["prev"] == next((r["id"] for r in reversed(written[:-1]) if r["start"] == 0), None)


@settings(max_examples=100, deadline=None)
@given(labels=st.lists(label_dicts, min_size=1, max_size=5))
def test_what_is_written_reads_back_exactly(labels: list[dict]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        with AnnotationLog.open(Path(folder), "alice") as log:
            written = [save(log, i, item) for i, item in enumerate(labels)]
            assert log.records() == written
        assert [record["labels"] for record in written] == labels
        contents = read_log(log.path)
        assert (contents.records, contents.problems, contents.torn) == (written, [], None)
        assert log.path.read_bytes().count(b"\n") == len(labels)
        view = load_store(Path(folder), keep_records=True)
        assert (view.records, view.problems, view.torn) == ({"alice": written}, [], [])
        assert view.latest == load_store(Path(folder)).latest == {("alice", *key): record for key, record in log.latest().items()}
