"""Fixtures shared by the whole suite."""

from __future__ import annotations

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
