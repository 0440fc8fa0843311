"""The widgets of the terminal UI."""
