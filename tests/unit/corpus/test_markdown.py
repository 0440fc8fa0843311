"""Markdown documents: blocks from a CommonMark parser, markup outside the units' edges, offsets into
the file as it is."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.corpus.segment import check_segmentation, reading, segment

DOCUMENT = """\
# Kim orders a **missile** boost

By Lee Minji

- The missiles flew about 400 kilometres before landing in the sea, the
  JCS said. **Officials** are still analysing the data.
- See [the report](http://example.com/a.b "A. title"). It is *long*.
1. ![Kim at a factory. Smiling](kim.png) Kim smiled.

> North Korea has been ratcheting up tensions on the Korean Peninsula while
> bolstering its military cooperation with Russia and China.

**Pyongyang did not reply.** Seoul said so.

Factory Inspections and Modernisation Plans
-------------------------------------------

```
print("code is not prose.")
```

    Nor is an indented code block.

<div>Nor HTML.</div>

***

[kcna]: http://kcna.kp/en "Not text."

The visit came less than a week after the inspection.\\
A hard line break ends a paragraph.
"""


def units(text: str) -> list[str]:
    return [text[start:end] for start, end, _ in segment(text, markdown=True).units]


def test_blocks_become_units_without_their_markers() -> None:
    assert units(DOCUMENT) == [
        "Kim orders a **missile** boost",
        "By Lee Minji",
        "The missiles flew about 400 kilometres before landing in the sea, the\n  JCS said.",
        "Officials** are still analysing the data.",
        'See [the report](http://example.com/a.b "A. title").',
        "It is *long*.",
        "Kim at a factory.",
        "Smiling](kim.png) Kim smiled.",
        "North Korea has been ratcheting up tensions on the Korean Peninsula while\n> bolstering its military cooperation with Russia and China.",
        "Pyongyang did not reply.",
        "Seoul said so.",
        "Factory Inspections and Modernisation Plans",
        "The visit came less than a week after the inspection.",
        "A hard line break ends a paragraph.",
    ]


def test_the_split_is_checked_against_what_the_splitter_read() -> None:
    seg = segment(DOCUMENT, markdown=True)
    view = reading(DOCUMENT, markdown=True).view
    assert len(view) == len(DOCUMENT)
    assert check_segmentation(view, seg) is None
    assert check_segmentation(DOCUMENT, seg) is not None  # `# ` and `- ` are in no unit


def test_a_heading_is_one_unit() -> None:
    assert units("# U.S. and S. Korea. Talks resume\n\nThey met. It went well.") == [
        "U.S. and S. Korea. Talks resume",
        "They met.",
        "It went well.",
    ]


def test_escapes_entities_and_code_spans_stay_text() -> None:
    # the escape's backslash and the closing backtick are markup at a unit's edge
    assert units("\\*Note: AT&amp;T rose `2.5` pct. Then `fell.`\n") == ["*Note: AT&amp;T rose `2.5` pct.", "Then `fell."]


def test_a_link_target_is_not_taken_for_the_text_after_it() -> None:
    assert units('Read [this](http://x.org/a. "B. c.") now. Then go.\n') == ['Read [this](http://x.org/a. "B. c.") now.', "Then go."]
    assert units('An <abbr title="U. S.">US</abbr> team. It left.\n') == ['An <abbr title="U. S.">US</abbr> team.', "It left."]


def test_offsets_index_the_file_as_it_is() -> None:
    text = "# Title\r\n\r\n- One item.\r\n- Two\x00 items.\r\n"  # the parser reads NUL as U+FFFD
    seg = segment(text, markdown=True)
    assert [text[start:end] for start, end, _ in seg.units] == ["Title", "One item.", "Two\x00 items."]
    assert check_segmentation(reading(text, markdown=True).view, seg) is None


def test_text_nested_past_the_parsers_limit_is_read_as_plain_text() -> None:
    text = "> " * 30 + "Deep text. More of it.\n\nAfter.\n"
    assert units(text)[-1] == "After."
    assert any("Deep text." in unit for unit in units(text))


MARKDOWN = st.text(alphabet=st.sampled_from("ab .!?*_`[]()<>#-+>\\&;\n\r\t1.x:/\"'") | st.characters(codec="utf-8"), max_size=120)


@settings(max_examples=300, deadline=None)
@given(MARKDOWN)
def test_any_markdown_splits_soundly(text: str) -> None:
    seg = segment(text, markdown=True)
    view = reading(text, markdown=True).view
    assert len(view) == len(text)
    assert all(seen == original or seen == " " for seen, original in zip(view, text))
    assert check_segmentation(view, seg) is None
    for start, end, _ in seg.units:
        assert text[start:end] == text[start:end].strip() != ""
