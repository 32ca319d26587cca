"""The wheel carries every package and the prompt templates from the top-level prompts/."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_package_is_listed_in_pyproject() -> None:
    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    found = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for p in (ROOT / "healer_agent").rglob("*.py")
        if "__pycache__" not in p.parts
    }
    assert found | {"healer_agent.prompts", "healer_agent.prompts.partials"} == listed


def test_prompt_templates_ship_as_healer_agent_prompts() -> None:
    shipped = resources.files("healer_agent.prompts")
    names = {p.name for p in (ROOT / "prompts").glob("*.j2")}
    assert names and all(shipped.joinpath(n).is_file() for n in names)
