"""The 202's body: the bytes sent are the JSON ``model_dump_json`` writes."""

from __future__ import annotations

import json

from healer_agent.results import IntakeResult


def test_json_bytes_are_the_compact_json_of_every_field() -> None:
    result = IntakeResult(
        status="skipped",
        incident_id="inc-1",
        coderun_name="healer-x",
        agent="rex",
        failure_type="build",
        dedup_status="existing",
        routing="final",
        reason='run "déjà" handled\n',
        delivery_id="d-1",
    )
    body = result.json_bytes()
    assert body == result.model_dump_json().encode()
    assert json.loads(body) == result.model_dump()
    assert IntakeResult(status="accepted", dedup_status="new", routing="pending").json_bytes() == (
        b'{"status":"accepted","incident_id":null,"coderun_name":null,"agent":null,'
        b'"failure_type":null,"dedup_status":"new","routing":"pending","reason":null,'
        b'"delivery_id":null}'
    )
