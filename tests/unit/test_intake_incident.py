"""incident_of reads a sensor's workflow_run as the sensor's at once: the same incident as
normalising it as GitHub's and then marking its source, as it did before."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from healer_agent.intake.fields import PayloadError
from healer_agent.intake.normalize import normalize
from healer_agent.intake.payloads import unwrap
from healer_agent.models import Incident
from healer_agent.pipeline.stage import incident_of
from tests.conftest import FIXTURES, load_fixture

SENSOR = {
    "workflow_run": {
        "id": 7,
        "name": "Controller CI",
        "conclusion": "failure",
        "html_url": "https://github.com/acme/shop/actions/runs/7",
        "head_branch": "feat/x",
        "head_sha": "abc123def456",
        "head_commit": {"message": "feat: x"},
    },
    "repository": {"full_name": "acme/shop"},
}


def _as_before(endpoint: str, event: str, payload: dict[str, Any]) -> Incident:
    """incident_of as it was: normalised as GitHub's, then copied to say the sensor's."""
    if endpoint == "github":
        return normalize(event, payload)
    unwrapped = unwrap(payload)
    incident = normalize(unwrapped.event, unwrapped.body)
    if incident.kind == "security_alert" or incident.source == "sensor":
        return incident
    return incident.model_copy(update={"source": "sensor"})


def _bodies() -> list[tuple[str, str, dict[str, Any]]]:
    cases: list[tuple[str, str, dict[str, Any]]] = [
        ("sensor", "workflow_run", SENSOR),
        ("sensor", "workflow_run", {"body": SENSOR, "event": "workflow_run"}),
        (
            "sensor",
            "workflow_run",
            {
                "workflow_run": {**SENSOR["workflow_run"], "conclusion": "success"},
                "repository": SENSOR["repository"],
            },
        ),
        ("github", "workflow_run", SENSOR),
    ]
    for path in sorted(Path(FIXTURES).glob("*/*.json")):
        event = path.parent.name
        body = load_fixture(f"{event}/{path.name}")
        cases.append(("sensor", event, body))
        cases.append(("sensor", event, {"body": body, "event": event}))
    return cases


@pytest.mark.parametrize(("endpoint", "event", "payload"), _bodies())
def test_the_incident_is_incident_ofs(endpoint: str, event: str, payload: dict[str, Any]) -> None:
    try:
        expected = _as_before(endpoint, event, payload)
    except PayloadError:  # a body intake refuses (422): refused alike
        with pytest.raises(PayloadError):
            incident_of(endpoint, event, payload)
        return
    derived = incident_of(endpoint, event, payload)
    assert derived == expected
    assert derived.model_dump() == expected.model_dump()
