"""The command line: one module per command, each with `add_arguments(parser)` and `run(args) -> int`
(the exit code), and `annotator.cli.main`, which dispatches to them and turns every `UserError` into
its message and exit code. Only the module of the command that runs is imported, and the commands
that open the terminal UI import it inside `run`, so every other command starts without Textual."""
