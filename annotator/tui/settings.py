"""The user's settings for the UI: `$XDG_CONFIG_HOME/annotator/settings.toml` (or
`~/.config/annotator/settings.toml`) when that file exists.

    advance_after_pick = false   # stay on a one-value field after picking (default: move on)

An unknown setting or a value of the wrong type is refused before the UI starts, with the file's name.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

from annotator.errors import Problem, ProblemsError


@dataclass(frozen=True)
class Settings:
    advance_after_pick: bool = True
    """After a pick in a one-value field, focus moves to the next field asked (text fields apart)."""


class SettingsError(ProblemsError):
    """The settings file cannot be used."""


def load_settings(path: Path | None) -> Settings:
    """The settings of the file at `path`; the defaults when there is none."""
    if path is None:
        return Settings()
    name = str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise SettingsError([Problem(name, None, f"cannot read the settings: {error}")]) from None
    except tomllib.TOMLDecodeError as error:
        raise SettingsError([Problem(name, None, f"invalid TOML: {error}")]) from None
    problems = [Problem(name, None, reason) for key, value in data.items() if (reason := _problem(key, value))]
    if problems:
        raise SettingsError(problems)
    return Settings(**data)


def _problem(key: str, value: object) -> str | None:
    defaults = Settings()
    if not hasattr(defaults, key):
        return f"unknown setting {key!r} (settings: {', '.join(setting.name for setting in fields(Settings))})"
    expected = type(getattr(defaults, key))
    if type(value) is not expected:
        return f"{key} must be a {expected.__name__}, not {value!r}"
    return None
