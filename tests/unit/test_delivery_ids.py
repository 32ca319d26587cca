"""A body sent without a delivery id is keyed by its digest after the run it reports."""

from __future__ import annotations

import hashlib

from healer_agent.intake.delivery import BodyDigest, derived_delivery_id
from healer_agent.models import Incident


def _incident(**fields: object) -> Incident:
    base: dict[str, object] = {
        "kind": "ci_failure",
        "event_type": "workflow_run",
        "repository": "acme/shop",
        "run_key": "acme/shop#run:1:1",
    }
    return Incident.model_validate(base | fields)


def _digest(text: str) -> BodyDigest:
    return BodyDigest(hashlib.sha256(text.encode()).hexdigest())


def test_keys_of_later_runs_sort_after_earlier_ones_whatever_their_bodies() -> None:
    keys = [
        derived_delivery_id(_incident(run_id=run_id), _digest(f"body {n}"))
        for n, run_id in enumerate(range(9_000_000_000, 9_000_000_050))
    ]
    assert keys == sorted(keys)
    assert all(k.startswith("run:9000000") for k in keys)


def test_the_same_body_derives_the_same_key_and_another_body_another() -> None:
    incident = _incident(run_id=42, run_attempt=2)
    assert derived_delivery_id(incident, _digest("a")) == derived_delivery_id(
        incident, _digest("a")
    )
    assert derived_delivery_id(incident, _digest("a")) != derived_delivery_id(
        incident, _digest("b")
    )
    assert derived_delivery_id(incident, _digest("a")).startswith("run:42:2:sha256:")


def test_a_body_naming_no_run_is_keyed_by_its_check_or_its_digest_alone() -> None:
    digest = _digest("alert")
    assert derived_delivery_id(_incident(check_run_id=7), digest) == f"check:7:sha256:{digest.hex}"
    assert derived_delivery_id(_incident(), digest) == f"sha256:{digest.hex}"
