"""annotator: a terminal tool for fact-check annotation."""

__version__ = "0.1.0"
