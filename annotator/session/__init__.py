"""Labelling sessions, plain Python with no Textual: what the annotation screen shows and decides
(`annotate`), the reviewer's walk over disagreements (`review`), and opening either with every
check a user must pass first (`launch`)."""
