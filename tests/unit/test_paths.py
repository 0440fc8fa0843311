"""Where the tool keeps its cache and reads the user's keymap: XDG folders, else the usual ones under HOME."""

from __future__ import annotations

from pathlib import Path

from annotator.paths import cache_dir, default_keymap_path, keymap_path


def test_the_cache_is_annotator_cache_dir_else_under_xdg_cache_home_else_dot_cache() -> None:
    assert cache_dir({"ANNOTATOR_CACHE_DIR": "/c", "XDG_CACHE_HOME": "/x", "HOME": "/home/a"}) == Path("/c")
    assert cache_dir({"XDG_CACHE_HOME": "/x", "HOME": "/home/a"}) == Path("/x/annotator")
    assert cache_dir({"ANNOTATOR_CACHE_DIR": "", "XDG_CACHE_HOME": "", "HOME": "/home/a"}) == Path("/home/a/.cache/annotator")


def test_the_default_file_is_under_xdg_config_home_else_dot_config() -> None:
    assert default_keymap_path({"XDG_CONFIG_HOME": "/cfg", "HOME": "/home/a"}) == Path("/cfg/annotator/keymap.json")
    assert default_keymap_path({"XDG_CONFIG_HOME": "", "HOME": "/home/a"}) == Path("/home/a/.config/annotator/keymap.json")


def test_the_file_given_is_read_else_the_default_one_only_if_it_exists(tmp_path: Path) -> None:
    environ = {"XDG_CONFIG_HOME": str(tmp_path)}
    assert keymap_path(None, environ) is None
    default = tmp_path / "annotator" / "keymap.json"
    default.parent.mkdir()
    default.write_text("{}", encoding="utf-8")
    assert keymap_path(None, environ) == default
    assert keymap_path(tmp_path / "absent.json", environ) == tmp_path / "absent.json"
