"""The Kubernetes reader's fast path for healthy flattened rows says what the general path says."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from healer_agent.routing import kube_facts


def _rows() -> list[dict[str, Any]]:
    statuses = ["Running", " running ", "Succeeded", "Completed", "", "CrashLoopBackOff", "Error"]
    restarts: list[Any] = [None, 0, 1, "0", "3", True]
    readies: list[Any] = [None, True, False, "1/1", "0/1", "2/3", "yes"]
    extras: list[dict[str, Any]] = [
        {},
        {"namespace": "web", "age": "5m", "node": "n1"},
        {"reason": "OOMKilled"},
        {"message": "back-off"},
        {"exit_code": 137},
        {"phase": "Pending"},
        {"STATUS": "Error"},
        {"lastState": {"terminated": {"reason": "OOMKilled", "exitCode": 137}}},
        {"restartCount": 2},
    ]
    rows = []
    for status, count, ready, extra in itertools.product(statuses, restarts, readies, extras):
        row: dict[str, Any] = {"name": "web-1", "status": status, **extra}
        if count is not None:
            row["restarts"] = count
        if ready is not None:
            row["ready"] = ready
        rows.append(row)
    return rows


@pytest.mark.parametrize("row", _rows())
def test_fast_path_agrees(row: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    fast = kube_facts._pod_lines(row)
    monkeypatch.setattr(kube_facts, "_plainly_healthy_row", lambda _row, _status: False)
    assert fast == kube_facts._pod_lines(row)


def test_fast_path_taken_for_the_common_row() -> None:
    assert kube_facts._plainly_healthy_row(
        {"name": "w", "status": "Running", "restarts": 0}, "Running"
    )
