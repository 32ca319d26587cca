"""Builds the pre-router's pure core with mypyc when ``HEALER_COMPILE=1`` (the image does).

Everything else is in pyproject.toml. Compiling needs mypy and a C compiler in the build
environment (``pip install --no-build-isolation`` after installing mypy); without the
variable the package is plain Python, as a checkout and an editable install are.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from setuptools import setup

ext_modules = []
if os.environ.get("HEALER_COMPILE") == "1":
    from mypyc.build import mypycify

    pyproject = tomllib.loads((Path(__file__).parent / "pyproject.toml").read_text())
    ext_modules = mypycify(pyproject["tool"]["healer"]["compiled"], opt_level="3")

setup(ext_modules=ext_modules)
