"""`annotator annotate [PATH...]`: label a corpus sentence by sentence in the terminal UI."""

from __future__ import annotations

import argparse

from annotator.commands.options import add_ui_options, annotator_name, corpus_paths, keymap_file, say


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_ui_options(parser, "annotator name (default: your login name)")


def run(args: argparse.Namespace) -> int:
    from annotator.tui.launch import LaunchError, prepare

    try:
        app = prepare(
            paths=corpus_paths(args), annotator=annotator_name(args), schema_path=args.schema, store_dir=args.store, keymap=keymap_file(args)
        )
    except LaunchError as error:
        for line in error.lines:
            say(line)
        return 2
    app.run()
    return app.return_code or 0
