"""A compiled copy of this tree's package, for the benchmarks and the identity test.

    python scripts/compile_core.py DEST

Copies ``healer_agent`` and ``pyproject.toml`` into DEST and compiles the modules
pyproject's ``[tool.healer] compiled`` lists there with mypyc, as ``HEALER_COMPILE=1``
builds them for the image. The checkout itself is never touched: a compiled module left
beside its source would shadow every later edit of it. Put DEST first on ``sys.path`` (or
``PYTHONPATH``) to import the compiled package.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def compiled_modules() -> list[str]:
    """The source paths pyproject.toml lists for compiling."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    modules: list[str] = pyproject["tool"]["healer"]["compiled"]
    return modules


def compile_copy(dest: Path) -> Path:
    """Copy the package into ``dest``, compile the listed modules there; ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copytree(
        ROOT / "healer_agent",
        dest / "healer_agent",
        ignore=shutil.ignore_patterns("__pycache__", "*.so"),
        dirs_exist_ok=True,
    )
    for name in ("pyproject.toml", "README.md"):  # the build reads both
        shutil.copy2(ROOT / name, dest / name)
    subprocess.run(
        [sys.executable, "-m", "mypyc", *compiled_modules()],
        cwd=dest,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    shutil.rmtree(dest / "build", ignore_errors=True)
    return dest


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python scripts/compile_core.py DEST")
    print(compile_copy(Path(sys.argv[1]).resolve()))
