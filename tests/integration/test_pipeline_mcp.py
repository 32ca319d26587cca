"""The whole pipeline with production context code: the MCP client gathers a case's
context from the replay MCP server over stdio, and the decision and prompt use it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from healer_agent.context import build_gatherer_from_config
from healer_agent.context.replay import load_case
from healer_agent.context.replay_server import replay_config

pytestmark = pytest.mark.mcp
CASE = Path(__file__).resolve().parents[1] / "fixtures" / "mcp" / "case-argocd-degraded.yaml"


async def test_mcp_context_reaches_the_prompt(make_settings: Any, healer_factory: Any,
                                              client_for: Any) -> None:
    settings = make_settings(routing={"router": "prerouter"})
    gatherer = build_gatherer_from_config(replay_config(CASE))
    healer = await healer_factory(settings, context=gatherer)
    case = load_case(CASE)
    async with client_for(healer) as client:
        response = await client.post(
            "/api/github/webhook", json=case["event"]["payload"],
            headers={"X-GitHub-Event": "workflow_job", "X-GitHub-Delivery": "mcp-1"})
        assert response.status_code == 202, response.text
        await healer.drain(limit_s=60)
        incident = (await client.get(f"/api/incidents/{response.json()['incident_id']}")).json()
    assert incident["status"] == "dispatched", incident
    sources = incident["context_status"]
    assert any(s["status"] == "ok" for s in sources.values()), sources
    files = [p for p in settings.sink.dir.glob("healer-ci-*.yaml")]
    assert len(files) == 1
    prompt = yaml.safe_load(files[0].read_text())["spec"]["promptModification"]
    assert "guestbook" in prompt  # the Argo CD app came through the MCP client
    assert incident["agent"] == "bolt"
