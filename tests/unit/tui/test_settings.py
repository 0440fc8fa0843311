"""The user's settings file: its one setting, and every way it can be wrong, said with the file's name."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.tui.settings import Settings, SettingsError, load_settings


def test_no_file_means_the_defaults() -> None:
    assert load_settings(None) == Settings(advance_after_pick=True)


def test_a_setting_is_read(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text("advance_after_pick = false\n", encoding="utf-8")
    assert load_settings(path) == Settings(advance_after_pick=False)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("advance = false\n", "unknown setting 'advance' (settings: advance_after_pick)"),
        ('advance_after_pick = "no"\n', "advance_after_pick must be a bool, not 'no'"),
        ("advance_after_pick = \n", "invalid TOML: "),
    ],
)
def test_a_bad_file_is_refused_with_its_name(tmp_path: Path, text: str, reason: str) -> None:
    path = tmp_path / "settings.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SettingsError) as caught:
        load_settings(path)
    assert str(caught.value).startswith(f"{path}: {reason}")
