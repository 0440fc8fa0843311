"""Projects: a folder holding `annotator.toml`, which names the project's corpus, schema and store.

`config` is the file's format, `find` finds the project a command runs in by walking up from the
current folder as git does, and `init` makes a new project.
"""
