"""The file sink: one complete file per CodeRun name, created once, its folder made when
missing (first CodeRun, or removed since), nothing left beside it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from healer_agent.dispatch.sinks import FileSink, SinkError
from healer_agent.dispatch.yamltext import dump

MANIFEST = {
    "apiVersion": "agents.platform/v1",
    "kind": "CodeRun",
    "metadata": {"name": "healer-ci-rex-0123abcd", "namespace": "cto"},
    "spec": {"promptModification": "# Fix\n\nthe build ⏎ `cargo test`\n"},
}


async def test_a_coderun_is_written_once_and_whole(tmp_path: Path) -> None:
    folder = tmp_path / "coderuns"
    sink = FileSink(folder)
    first = await sink.create(MANIFEST)
    again = await sink.create(MANIFEST)
    path = folder / "healer-ci-rex-0123abcd.yaml"
    assert (first.created, again.created) == (True, False)
    assert first.location == str(path)
    assert path.read_text(encoding="utf-8") == dump(MANIFEST)
    assert yaml.safe_load(path.read_text(encoding="utf-8")) == MANIFEST
    assert [p.name for p in folder.iterdir()] == [path.name]  # no temporary file left


async def test_a_removed_folder_is_made_again(tmp_path: Path) -> None:
    folder = tmp_path / "coderuns"
    sink = FileSink(folder)
    await sink.create(MANIFEST)
    shutil.rmtree(folder)
    assert (await sink.create(MANIFEST)).created
    assert (folder / "healer-ci-rex-0123abcd.yaml").exists()


async def test_a_folder_that_cannot_be_made_is_a_sink_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    with pytest.raises(SinkError):
        await FileSink(tmp_path / "file" / "coderuns").create(MANIFEST)
