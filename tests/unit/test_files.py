"""Reading whole files: the bytes as written, and the errors `open` would raise."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from annotator.files import read_bytes


@pytest.mark.parametrize("size", [0, 1, 4096, 3_000_001])
def test_the_bytes_as_written(tmp_path: Path, size: int) -> None:
    data = os.urandom(size)
    (tmp_path / "f").write_bytes(data)
    assert read_bytes(tmp_path / "f") == data


def test_a_file_that_reports_no_size_is_read_to_its_end() -> None:
    assert read_bytes("/proc/self/status").startswith(b"Name:")


def test_errors_are_those_of_open(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_bytes(tmp_path / "missing")
    with pytest.raises(IsADirectoryError):
        read_bytes(tmp_path)
