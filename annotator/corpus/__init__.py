"""The corpus: documents read from files (`sources`, which names UTF-16 and UTF-32 with `encoding`),
split into sentence units (`segment`, whose
results are cached by text, `cache`), and opened as a `Corpus` of `Document`s and `Unit`s
(`document`, `load`)."""
