"""The corpus: documents read from files (`sources`; tables in `table`; UTF-16 and UTF-32 named by
`encoding`), split into paragraphs (`paragraphs`; Markdown read by `markdown`) and sentence units
(`segment`, whose results are cached by text, `cache`), and opened as a `Corpus` of `Document`s and
`Unit`s (`document`, `load`)."""
