"""Fixtures shared by the whole suite."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
SCHEMA = REPO / "schemas" / "factcheck.v1.json"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(autouse=True)
def isolated_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keep the segmentation cache out of the user's home directory."""
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
