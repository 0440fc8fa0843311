"""Reading whole files: the bytes as written, and the errors `open` would raise."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from annotator.files import ReadBuffer, read_bytes


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


def test_a_read_buffer_reads_files_of_any_size_in_turn(tmp_path: Path) -> None:
    buffer = ReadBuffer()
    for number, size in enumerate([10, 3_000_001, 0, 5, 4_000_000]):
        data = os.urandom(size)
        (tmp_path / f"f{number}").write_bytes(data)
        view, status = buffer.read(tmp_path / f"f{number}")
        assert (bytes(view), status.st_size) == (data, size)


def test_a_read_buffer_grows_while_a_view_of_it_is_held(tmp_path: Path) -> None:
    (tmp_path / "small").write_bytes(b"small")
    (tmp_path / "large").write_bytes(b"large" * 1_000_000)
    buffer = ReadBuffer()
    small, _ = buffer.read(tmp_path / "small")
    large, _ = buffer.read(tmp_path / "large")  # a new buffer: resizing one with a view would raise BufferError
    assert (bytes(small), len(large)) == (b"small", 5_000_000)


def test_a_read_buffer_reads_a_file_that_reports_no_size_and_refuses_what_read_bytes_refuses(tmp_path: Path) -> None:
    buffer = ReadBuffer()
    assert bytes(buffer.read("/proc/self/status")[0]).startswith(b"Name:")
    with pytest.raises(IsADirectoryError):
        buffer.read(tmp_path)
