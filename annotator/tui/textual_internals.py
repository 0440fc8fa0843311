"""The private parts of Textual that this UI relies on, in one place, each with why.

Textual is pinned to a minor version in the test extra and to major version 8 at run time; a Textual
upgrade checks these first.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.dom import DOMNode
from textual.widgets import Footer


def merged_bindings(cls: type[DOMNode]) -> list[Binding]:
    """The bindings a class has once Textual merged its own with its bases' (`inherit_bindings`
    honoured). Textual computes them when the class is created and has no public accessor; the
    keymap check needs them per class, before any app runs."""
    return [binding for _key, binding in cls._merged_bindings or ()]


def footer_ready(footer: Footer) -> bool:
    """Whether the Footer has its screen's bindings yet: `Footer.compose` draws nothing before, and
    `KeyFooter` must tell the keys it would draw from the keys it drew."""
    return footer._bindings_ready
