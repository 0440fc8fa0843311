"""The terminal UI (Textual): the annotation and review apps, their screens and widgets, the
command palette, the keys and the user's keymap. It holds no business logic: it shows a session and
hands its keys to it."""
