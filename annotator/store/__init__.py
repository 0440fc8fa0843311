"""The annotation store: one append-only, versioned JSONL file per annotator.

`records` is the record format, `folder` the files of a store folder, `read` reads them (the current
label of every unit), `log` is the single locked writer of one file and `writer` runs it on a
thread; `roles` keeps annotators' and reviewers' files apart.
"""
