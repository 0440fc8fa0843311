"""Fixtures shared by the whole suite."""

from __future__ import annotations

import gc
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
SCHEMA = REPO / "annotator" / "schema" / "factcheck.v1.json"
DATA = Path(__file__).resolve().parent / "data"


def write_project(folder: Path) -> None:
    """`annotator.toml` in `folder` for a working directory laid out like the repository: seeds/,
    schemas/factcheck.v1.json and annotations/."""
    config = 'corpus = ["seeds"]\nschema = "schemas/factcheck.v1.json"\nstore = "annotations"\n'
    (folder / "annotator.toml").write_text(config, encoding="utf-8")


_HOME_FOLDERS = {"ANNOTATOR_CACHE_DIR": "cache", "XDG_CACHE_HOME": "xdg-cache", "XDG_CONFIG_HOME": "config"}
_RUN_FOLDER = pytest.StashKey[Path]()


def pytest_configure(config: pytest.Config) -> None:
    """Keep the whole run out of the user's cache and configuration, from before any test module is
    imported (some load a schema at import time, which remembers it in the cache)."""
    folder = Path(tempfile.mkdtemp(prefix="annotator-tests-"))
    config.stash[_RUN_FOLDER] = folder
    for variable, name in _HOME_FOLDERS.items():
        os.environ[variable] = str(folder / name)


def pytest_unconfigure(config: pytest.Config) -> None:
    if _RUN_FOLDER in config.stash:
        shutil.rmtree(config.stash[_RUN_FOLDER], ignore_errors=True)


@pytest.fixture(autouse=True)
def isolated_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache of each test's own: what one test segmented or validated is new to the next."""
    cache = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("ANNOTATOR_CACHE_DIR", str(cache))
    return cache


@pytest.fixture(autouse=True)
def collector_as_found() -> Iterator[None]:
    """A launch turns the garbage collector off until its app draws a first screen, then freezes what
    it built: a test that launches with `App.run` patched out would leave the collector off, and one
    that runs such an app would leave its objects frozen, for every later test."""
    frozen = gc.get_freeze_count()
    yield
    gc.enable()
    if gc.get_freeze_count() > frozen:
        gc.unfreeze()


@pytest.fixture
def in_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """The commands that open the UI as if run in a terminal (pytest's input is not one)."""
    monkeypatch.setattr("annotator.cli.options.is_terminal", lambda: True)
