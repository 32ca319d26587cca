"""Context given in the shapes tools print (tables, text, line lists) reaches the findings.

A labelled case or an MCP tool may hand over ``kubectl get`` output, Prometheus text or
events line by line instead of API objects; each must yield the same findings the rules
match, and a state that could not be read must never be reported as healthy.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml

from healer_agent.context.replay import bundle_from_case
from healer_agent.routing.facts import context_facts


def findings(context: dict[str, Any]) -> list[str]:
    return [f.text for f in context_facts(bundle_from_case(context))]


CRASHLOOP_TABLE = (
    "NAME                   READY   STATUS             RESTARTS      AGE\n"
    "api-7d9f8-abcde   0/1     CrashLoopBackOff   5 (30s ago)   4m\n"
)


@pytest.mark.parametrize(
    "context",
    [
        {"kubernetes": CRASHLOOP_TABLE},
        {"kubernetes": {"pods": CRASHLOOP_TABLE}},
        {"kubernetes": {"get_pods": CRASHLOOP_TABLE}},
        {
            "kubernetes": {
                "pods": "NAME READY STATUS RESTARTS AGE\napi-7d9f8-abcde 0/1 CrashLoopBackOff 5 4m"
            }
        },
    ],
    ids=["text", "pods-table-unaligned", "table-under-another-key", "single-spaced"],
)
def test_a_printed_pod_table_gives_the_crash_loop(context: dict[str, Any]) -> None:
    found = findings(context)
    assert "pod api-7d9f8-abcde: container api-7d9f8-abcde waiting CrashLoopBackOff" in found
    assert not any(text.startswith("pods: all") for text in found)


def test_a_printed_healthy_table_says_so() -> None:
    table = (
        "NAME      READY   STATUS    RESTARTS   AGE\napi-1     1/1     Running   0          4m\n"
    )
    assert findings({"kubernetes": table}) == ["pods: all 1 running and ready, no warning events"]


def test_pods_whose_state_was_not_given_are_not_called_healthy() -> None:
    assert findings({"kubernetes": {"pods": [{"name": "api-1"}, {"name": "api-2"}]}}) == []


def test_events_as_a_table_or_as_lines() -> None:
    table = (
        "LAST SEEN   TYPE      REASON             OBJECT      MESSAGE\n"
        "2m          Warning   FailedScheduling   pod/api-1   0/3 nodes are available: 3"
        " Insufficient memory.\n"
    )
    assert findings({"kubernetes": {"events": table}}) == [
        "event Warning FailedScheduling pod/api-1: 0/3 nodes are available: 3 Insufficient memory."
    ]
    lines = ["Warning  BackOff  pod/api-1  Back-off restarting failed container"]
    assert findings({"kubernetes": {"events": lines}}) == [
        "Warning BackOff pod/api-1 Back-off restarting failed container"
    ]


@pytest.mark.parametrize(
    "prometheus",
    [
        'ALERTS{alertname="KubePodCrashLooping",alertstate="firing",severity="warning"} 1',
        {"alerts": 'ALERTS{alertname="KubePodCrashLooping",alertstate="firing"} => 1 @[1]'},
    ],
    ids=["exposition", "promtool"],
)
def test_prometheus_text_gives_the_firing_alert(prometheus: Any) -> None:
    assert any(
        text.startswith("alert KubePodCrashLooping firing")
        for text in findings({"prometheus": prometheus})
    )


def test_prometheus_text_names_each_series_by_its_metric() -> None:
    text = (
        "# HELP kube_pod_container_status_restarts_total restarts\n"
        'kube_pod_container_status_restarts_total{pod="api-1"} 7\n'
        'up{job="api"} 0\n'
    )
    assert findings({"prometheus": text}) == [
        "metric kube_pod_container_status_restarts_total pod=api-1 = 7"
    ]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (  # pino: numbered level, the error nested with its stack
            '{"level":50,"time":1700000000000,"msg":"request failed","err":{"type":"TypeError",'
            '"message":"Cannot read properties of undefined (reading \'id\')","stack":"TypeError:'
            " Cannot read properties of undefined (reading 'id')\\n    at handler"
            ' (/app/dist/routes/users.js:42:17)"}}',
            "at handler (/app/dist/routes/users.js:42:17)",
        ),
        (  # tracing-subscriber's JSON: the message under fields
            '{"timestamp":"2026-11-28T10:00:00Z","level":"ERROR","fields":{"message":'
            '"panicked at src/queue.rs:88:14: index out of bounds"},"target":"api::queue"}',
            "panicked at src/queue.rs:88:14: index out of bounds",
        ),
        (  # python-json-logger
            '{"levelname":"ERROR","message":"Unhandled exception","exc_info":"Traceback (most'
            ' recent call last):\\n  File \\"/app/main.py\\", line 3"}',
            "Unhandled exception (exc_info=Traceback (most recent call last): | File",
        ),
        (  # ECS: dotted keys
            '{"log.level":"error","message":"render failed","error.message":"x is not a function"}',
            "render failed (error.message=x is not a function)",
        ),
    ],
    ids=["pino", "tracing", "python-json", "ecs"],
)
def test_structured_loki_entries_give_one_line_findings(line: str, expected: str) -> None:
    found = findings({"loki": [line, '{"level":30,"msg":"listening on :8080"}']})
    assert len(found) == 1
    assert expected in found[0]
    assert "\n" not in found[0]


APPLICATION_YAML = """\
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: api
status:
  sync:
    status: OutOfSync
  health:
    status: Degraded
  resources:
    - kind: Deployment
      namespace: prod
      name: api
      status: Synced
      health:
        status: Degraded
        message: Deployment "api" exceeded its progress deadline
"""


@pytest.mark.parametrize(
    "argocd",
    [
        APPLICATION_YAML,
        json.dumps(yaml.safe_load(APPLICATION_YAML)),
        [
            {
                "name": "api",
                "syncStatus": "OutOfSync",
                "health": {"status": "Degraded"},
                "resources": [
                    {
                        "kind": "Deployment",
                        "namespace": "prod",
                        "name": "api",
                        "health": "Degraded",
                        "message": 'Deployment "api" exceeded its progress deadline',
                    }
                ],
            }
        ],
    ],
    ids=["yaml-text", "json-text", "short-form-camel-case"],
)
def test_an_application_in_any_printed_shape_gives_its_state_and_resources(argocd: Any) -> None:
    found = findings({"argocd": argocd})
    assert found[0] == "argocd app api: sync OutOfSync, health Degraded"
    assert any(
        "resource Deployment/prod/api: Degraded" in text
        and "exceeded its progress deadline" in text
        for text in found
    )


@pytest.mark.parametrize("text", ["src/a.rs\nCargo.lock\n", "src/a.rs, Cargo.lock"])
def test_changed_files_given_as_text_are_each_a_path(text: str) -> None:
    assert bundle_from_case({"changed_files": text}).changed_files == ("src/a.rs", "Cargo.lock")
