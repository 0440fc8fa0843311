"""Subcommands of the `annotator` command line, one module each.

Each module defines `add_arguments(parser)` and `run(args) -> int` (the exit code); `COMMANDS` holds
their one-line help. The command line imports only the module of the command that runs, and
modules import heavy dependencies (Textual) inside `run`, so that every command starts fast.
"""

COMMANDS: dict[str, str] = {
    "annotate": "label the sentences of a corpus in the terminal (the default command)",
    "units": "segment documents (.txt, .md, .jsonl files or folders) into sentence units and print them",
    "validate": "check every annotation file against the record format, the schema and the corpus (reads only)",
    "export": "export the gold labels as a dataset folder: data files per split, dataset card, manifest",
    "stats": "agreement between annotators on each schema field: Krippendorff's alpha, kappa, bootstrap intervals",
    "review": "adjudicate: walk the units the annotators disagree on and decide their labels",
}
DEFAULT_COMMAND = "annotate"
