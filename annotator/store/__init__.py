"""The annotation store: one append-only, versioned JSONL file per annotator.

`records` is the record format, `folder` the files of a store folder, `chains` the revision chains
(the head of each unit, and where a chain is broken), `read` reads the files (the current label of
every unit), `log` is the single locked writer of one file, which follows the file when others
replace or append to it, and `writer` runs it on a thread; `roles` keeps annotators' and
reviewers' files apart.
"""
