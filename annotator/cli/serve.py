"""`annotator serve [PATH...]`: the annotation UI (or with --review the review UI) in browser tabs.

textual-serve runs `annotator annotate` (or `annotator review`) for each tab, as a terminal runs it,
on the corpus, schema and store resolved here: the same app on the same store behind the same lock,
so a second tab of one annotator is told in the page that the file is open in another process.
The server listens on the loopback address unless --host names another and --allow-remote is given.
"""

from __future__ import annotations

import argparse
import ipaddress
import shlex
import socket
import sys
from collections.abc import Callable

from annotator.cli import annotate, review
from annotator.cli.options import add_suggestion_options, add_ui_options, annotator_name, say
from annotator.errors import EXIT_OK, UserError
from annotator.memory import gc_paused
from annotator.text import printable

LOOPBACK = "127.0.0.1"
DEFAULT_PORT = 8000
SERVE_INSTALL = "annotator serve needs textual-serve: pip install 'annotator[serve]'"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_ui_options(parser, "whose labels the tabs write (default: your login name)")
    add_suggestion_options(parser)
    parser.add_argument("--review", action="store_true", help="serve the review UI (annotator review), with --all and --min-agreement")
    review.add_review_options(
        parser, "with --review: every labelled unit, not only the disputed ones; else every sentence, not only your [team] queue"
    )
    parser.add_argument(
        "--host", default=LOOPBACK,
        help=f"the address to listen on (default: {LOOPBACK}, this machine alone); another needs --allow-remote",
    )  # fmt: skip
    parser.add_argument("--port", type=_port, default=DEFAULT_PORT, help=f"the port to listen on (default: {DEFAULT_PORT})")
    parser.add_argument(
        "--allow-remote", action="store_true",
        help="listen on a --host other machines reach: anyone who reaches the port labels as NAME, with no password",
    )  # fmt: skip


def _port(text: str) -> int:
    port = int(text)
    if not 0 < port < 65536:
        raise argparse.ArgumentTypeError(f"must be 1 to 65535, not {port}")
    return port


def run(args: argparse.Namespace) -> int:
    check_host(args.host, allow_remote=args.allow_remote)
    serve = _import_server()
    _check_a_tab_opens(args)
    check_can_listen(args.host, args.port)
    name, url = annotator_name(args), page_url(args.host, args.port)
    if not is_loopback(args.host):
        say(f"listening on {args.host}: anyone who can reach port {args.port} there can label as {name}, with no password")
    what = "review" if args.review else "annotation"
    print(printable(f"annotator: {name}'s {what} UI at {url} (each browser tab opens it; ctrl+c stops the server)"), flush=True)
    try:
        serve(tab_command(args), host=args.host, port=args.port, url=url, title=f"annotator {what}: {name}")
    except OSError as error:  # taken since it was checked
        raise _cannot_listen(args.host, args.port, error) from None
    say("stopped: the session of every open tab is closed, and what it saved is on disk")
    return EXIT_OK


def is_loopback(host: str) -> bool:
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name
        return False


def check_host(host: str, *, allow_remote: bool) -> None:
    """UserError for an address the server must not listen on: a wildcard (the page's websocket
    needs the address browsers use), or one other machines reach, unless `allow_remote`."""
    if is_loopback(host):
        return
    try:
        wildcard = ipaddress.ip_address(host).is_unspecified
    except ValueError:
        wildcard = False
    if wildcard:
        raise UserError(f"--host {host} is every address, and the page needs the one browsers reach: give that address")
    if not allow_remote:
        raise UserError(
            [
                f"--host {host} is not this machine's loopback address: anyone who reaches it could label with no password",
                "add --allow-remote to listen there all the same, or reach the default address through an SSH tunnel"
                " (ssh -L 8000:localhost:8000 HOST)",
            ]
        )


def page_url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host  # an IPv6 address
    return f"http://{shown}:{port}"


def tab_command(args: argparse.Namespace) -> str:
    """The shell command each tab runs: the terminal UI's command, on what this command resolved."""
    words = [sys.executable, "-m", "annotator", "review" if args.review else "annotate", "--as", annotator_name(args)]
    words += ["--schema", str(args.schema), "--store", str(args.store), "--text-column", args.text_column, "--id-column", args.id_column]
    if args.keymap is not None:
        words += ["--keymap", str(args.keymap)]
    if args.review:
        words += ["--min-agreement", str(args.min_agreement)]
    else:
        words += [*(["--lexicon", str(args.lexicon)] if args.lexicon else []), *(["--no-suggestions"] if args.suggestions is False else [])]
        words += ["--suggest-command", args.suggest_command] if args.suggest_command else []
    if args.everything:
        words.append("--all")
    return shlex.join([*words, "--", *map(str, args.paths)])


def _check_a_tab_opens(args: argparse.Namespace) -> None:
    """Open what every tab opens, then close it: what would stop every tab (the schema, a keymap, the
    name, a lock held by a terminal) is said here, once, before the server starts."""
    with gc_paused():  # the app is built as a launch builds it, then dropped
        app = (review if args.review else annotate).open_app(args)
    app.annotation_log.close()


def check_can_listen(host: str, port: int) -> None:
    """UserError if the port is taken or the address is not this machine's, before the URL is said."""
    try:
        socket.create_server((host, port)).close()
    except OSError as error:
        raise _cannot_listen(host, port, error) from None


def _cannot_listen(host: str, port: int, error: OSError) -> UserError:
    return UserError(f"cannot listen on {host} port {port}: {error.strerror or error}")


def _import_server() -> Callable[..., None]:
    """`annotator.tui.browser.serve`, or UserError saying how to install textual-serve."""
    try:
        from annotator.tui.browser import serve
    except ModuleNotFoundError as error:
        if (error.name or "").partition(".")[0] != "textual_serve":
            raise
        raise UserError(SERVE_INSTALL) from None
    return serve
