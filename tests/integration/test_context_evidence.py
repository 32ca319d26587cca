"""What a source found is kept with the incident, not only told to the agent: the
incident's ``context_status`` carries each source's status, note and findings, redacted."""

from __future__ import annotations

from typing import Any

from healer_agent.models import ArgoApp, ContextBundle, Incident, SourceStatus

SENSOR = {
    "workflow_run": {
        "id": 4242,
        "name": "Deploy",
        "conclusion": "failure",
        "html_url": "https://github.com/acme/shop/actions/runs/4242",
        "head_branch": "main",
        "head_sha": "abc123def456",
        "head_commit": {"message": "bump chart"},
    },
    "repository": {"full_name": "acme/shop"},
}


class ClusterContext:
    async def gather(self, incident: Incident) -> ContextBundle:
        return ContextBundle(
            argocd=(
                ArgoApp(
                    name="shop",
                    sync_status="OutOfSync",
                    health_status="Degraded",
                    message="ComparisonError: failed to load target state",
                ),
            ),
            loki=(
                "thread 'main' panicked at src/main.rs:12:5: DATABASE_URL "
                "postgres://app:hunter2-Secret@db:5432/shop is unreachable",
            ),
            sources={
                "argocd": SourceStatus(status="ok"),
                "loki": SourceStatus(status="ok"),
                "prometheus": SourceStatus(status="timeout", note="no answer in 20s"),
            },
        )

    async def aclose(self) -> None:
        return None


async def test_each_source_is_in_the_incident_and_redacted(
    make_settings: Any, healer_factory: Any, client_for: Any, database_url: str
) -> None:
    healer = await healer_factory(
        make_settings(store={"url": database_url}), context=ClusterContext()
    )
    async with client_for(healer) as client:
        answer = (await client.post("/api/remediate/ci-failure", json=SENSOR)).json()
        await healer.drain()
        incident = (await client.get(f"/api/incidents/{answer['incident_id']}")).json()
    found = incident["context_status"]
    assert found["argocd"]["status"] == "ok"
    assert any(
        "OutOfSync" in line and "ComparisonError" in line for line in found["argocd"]["findings"]
    )
    assert any("panicked" in line for line in found["loki"]["findings"])
    assert found["prometheus"] == {"status": "timeout", "note": "no answer in 20s", "findings": []}
    assert "hunter2-Secret" not in str(incident)
