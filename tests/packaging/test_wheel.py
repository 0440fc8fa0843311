"""The wheel, installed in a new virtual environment, works from any folder: the default schema is
package data, and a project made by `annotator init` is found from a folder below it."""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.wheel

NEWS = "# Kim orders a missile boost\n\nNorth Korean leader Kim Jong Un ordered a boost in missile production,\nstate media said.\n\n- The order came on Friday.\n"


def build_wheel(out: Path) -> Path:
    """The wheel of a copy of the package's files (a build leaves files behind in the tree it builds)."""
    source = out / "source"
    shutil.copytree(REPO / "annotator", source / "annotator", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet"]
    subprocess.run([*pip, "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", str(out), str(source)], check=True)
    (wheel,) = out.glob("annotator-*.whl")
    return wheel


def fresh_environment(folder: Path, wheel: Path) -> Path:
    """A new virtual environment with the wheel installed; its dependencies are borrowed from this
    one (a .pth file), so the test installs nothing from the network. Returns its bin folder."""
    venv.EnvBuilder(with_pip=False).create(folder)
    bin_folder = folder / "bin"
    python = bin_folder / "python"
    target = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], capture_output=True, text=True, check=True
    )
    # A path read from a .pth file joins sys.path after the environment's own site-packages, and
    # the .pth files in it are not run: the editable install of this checkout is not seen.
    Path(target.stdout.strip(), "borrowed.pth").write_text("\n".join(site.getsitepackages()) + "\n", encoding="utf-8")
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet", "--python", str(python)]
    subprocess.run([*pip, "install", "--no-deps", "--no-index", str(wheel)], check=True)
    return bin_folder


def test_the_wheel_inits_a_project_and_runs_from_a_folder_below_it(tmp_path: Path) -> None:
    bin_folder = fresh_environment(tmp_path / "venv", build_wheel(tmp_path / "build"))
    work = tmp_path / "work"
    work.mkdir()
    environment = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}  # the wheel's package, no other

    def run(*words: str, cwd: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(bin_folder / "annotator"), *words], cwd=cwd, capture_output=True, text=True, env=environment)

    where = subprocess.run(
        [bin_folder / "python", "-c", "import annotator; print(annotator.__file__)"],
        capture_output=True,
        text=True,
        cwd=work,
        env=environment,
    )
    assert where.stdout.startswith(str(tmp_path / "venv"))
    made = run("init", "news-project", cwd=work)
    assert made.returncode == 0, made.stderr
    project = work / "news-project"
    assert (project / "schemas" / "factcheck.v1.json").read_bytes() == (REPO / "annotator" / "schema" / "factcheck.v1.json").read_bytes()
    (project / "documents" / "news.md").write_text(NEWS, encoding="utf-8")
    below = project / "documents"
    units = run("units", cwd=below)
    assert units.returncode == 0, units.stderr
    assert [line.split(None, 4)[-1] for line in units.stdout.splitlines()[1:]] == [
        "Kim orders a missile boost",
        "North Korean leader Kim Jong Un ordered a boost in missile production, state media said.",
        "The order came on Friday.",
    ]
    stats = run("stats", cwd=below)
    assert (stats.returncode, stats.stderr) == (0, "annotator: agreement of 0 annotators on 0 units\n")
