"""Real argocd-mcp (npm) and mcp-grafana (PyPI) against stubs of the Argo CD and Grafana
HTTP APIs on 127.0.0.1, through Healer's ArgoCDSource and LokiSource (Loki through
Grafana's datasource proxy, the alternative to loki-query-mcp's direct API).

The stubs answer in the documented shapes: Argo CD's ``v1alpha1.Application`` and its
gRPC-gateway error body; Grafana's ``/api/datasources`` list and ``/api/datasources/uid/{uid}``
DataSource, and the proxied Loki ``query_range`` streams body."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures" / "mcp"))
from mcp_helpers import run_stub, server_binary

from healer_agent.context.config import parse_config
from healer_agent.context.pool import McpPool
from healer_agent.context.sources import ArgoCDSource, LokiSource
from healer_agent.models import Incident

pytestmark = pytest.mark.mcp

INCIDENT = Incident(
    kind="ci_failure",
    event_type="workflow_job",
    repository="acme/shop",
    run_key="k",
    occurred_at=datetime(2026, 11, 24, 10, 0, tzinfo=UTC),
)

APP = {
    "metadata": {"name": "shop-web", "namespace": "argocd"},
    "spec": {
        "project": "default",
        "source": {"repoURL": "https://github.com/acme/shop.git", "path": "deploy"},
        "destination": {"server": "https://kubernetes.default.svc", "namespace": "shop"},
    },
    "status": {
        "sync": {"status": "OutOfSync", "revision": "abc123"},
        "health": {"status": "Degraded", "message": "Deployment shop-web exceeded its deadline"},
        "operationState": {"phase": "Failed", "message": "one or more objects failed to apply"},
        "conditions": [{"type": "SyncError", "message": "Failed sync attempt to abc123"}],
        "resources": [
            {
                "group": "apps",
                "version": "v1",
                "kind": "Deployment",
                "namespace": "shop",
                "name": "shop-web",
                "status": "OutOfSync",
                "health": {"status": "Degraded"},
            },
            {
                "version": "v1",
                "kind": "Service",
                "namespace": "shop",
                "name": "shop-web",
                "status": "Synced",
                "health": {"status": "Healthy"},
            },
        ],
    },
}
OTHER = {
    "metadata": {"name": "unrelated"},
    "spec": {"source": {"repoURL": "https://github.com/acme/shopfront.git"}},
    "status": {"sync": {"status": "Synced"}, "health": {"status": "Healthy"}},
}
ARGO_ROUTES: list[dict[str, Any]] = [
    {"path": "/api/v1/applications", "body": {"metadata": {}, "items": [APP, OTHER]}},
    {"path": "/api/v1/applications/shop-web", "body": APP},
    {
        "path": "/api/v1/applications/gone",
        "status": 404,
        "body": {
            "error": 'applications.argoproj.io "gone" not found',
            "code": 5,
            "message": 'applications.argoproj.io "gone" not found',
        },
    },
]


async def test_argocd_apps_for_repository(tmp_path: Path) -> None:
    binary, why = server_binary("argocd-mcp")
    if binary is None:
        pytest.skip(why)
    with run_stub(ARGO_ROUTES) as stub:
        cfg = parse_config(
            {
                "servers": {
                    "argocd": {
                        "command": str(binary),
                        "args": ["stdio"],
                        "env": {
                            "ARGOCD_BASE_URL": stub.url,
                            "ARGOCD_API_TOKEN": "argo-tok",
                            "MCP_READ_ONLY": "true",
                        },
                        "tools": ["list_applications", "get_application", "sync_application"],
                        "strip_params": ["argocdBaseUrl"],
                        "error_json_keys": ["error", "code"],
                        "timeout_s": 15,
                    }
                },
                "repositories": {"acme/shop": {"argocd_apps": ["gone"]}},
            },
            env={},
        )
        async with McpPool(cfg, log_dir=tmp_path) as pool:
            result = await ArgoCDSource(pool, cfg.sources.argocd, cfg).gather(INCIDENT)
            # read-only mode: the mutating tool is not even offered, so never sent
            offered = {t.name for t in await pool.list_tools("argocd")}
            assert "sync_application" not in offered
            # a model-supplied argocdBaseUrl is stripped: the call still hits the stub
            res = await pool.call(
                "argocd",
                "get_application",
                {"applicationName": "shop-web", "argocdBaseUrl": "http://127.0.0.1:1"},
            )
            assert res.data["metadata"]["name"] == "shop-web"
    (app,) = result.fields["argocd"]
    assert (app.name, app.sync_status, app.health_status) == ("shop-web", "OutOfSync", "Degraded")
    assert "SyncError: Failed sync attempt" in app.message and "sync Failed:" in app.message
    assert app.unhealthy_resources == ("Deployment/shop/shop-web: Degraded (OutOfSync)",)
    assert len(result.errors) == 1 and "error_json" in result.errors[0]
    assert "gone" in result.errors[0]
    assert sorted(stub.paths()) == [
        "/api/v1/applications",
        "/api/v1/applications/gone",
        "/api/v1/applications/shop-web",
        "/api/v1/applications/shop-web",
    ]
    assert {e["auth"] for e in stub.log} == {"Bearer argo-tok"}


LOKI_DS = {
    "id": 7,
    "uid": "loki-uid",
    "orgId": 1,
    "name": "Loki",
    "type": "loki",
    "access": "proxy",
    "url": "http://loki:3100",
    "jsonData": {},
}
GRAFANA_ROUTES: list[dict[str, Any]] = [
    {"path": "/api/frontend/settings", "body": {"buildInfo": {"version": "11.0.0"}}},
    {"path": "/api/health", "body": {"database": "ok", "version": "11.0.0"}},
    {"path": "/api/datasources", "body": [LOKI_DS | {"isDefault": False}]},
    {"path": "/api/datasources/uid/loki-uid", "body": LOKI_DS},
    {
        "path": "re:/api/datasources/proxy/uid/loki-uid/loki/api/v1/query_range",
        "body": {
            "status": "success",
            "data": {
                "resultType": "streams",
                "result": [
                    {
                        "stream": {"namespace": "shop", "app": "shop-web", "level": "error"},
                        "values": [
                            ["1795544475089158656", "ERROR payment: connection refused to db:5432"],
                            ["1795544474089158656", "ERROR retry 3/3 failed " + "x" * 900],
                        ],
                    }
                ],
                "stats": {"summary": {"totalEntriesReturned": 2}},
            },
        },
    },
]


async def test_loki_lines_via_grafana(tmp_path: Path) -> None:
    binary, why = server_binary("mcp-grafana")
    if binary is None:
        pytest.skip(why)
    with run_stub(GRAFANA_ROUTES) as stub:
        cfg = parse_config(
            {
                "servers": {
                    "grafana": {
                        "command": str(binary),
                        "args": ["-t", "stdio", "--disable-write", "--usage-stats", "disabled"],
                        "env": {
                            "GRAFANA_URL": stub.url,
                            "GRAFANA_SERVICE_ACCOUNT_TOKEN": "glsa-tok",
                            "DO_NOT_TRACK": "1",
                        },
                        "tools": ["query_loki_logs", "list_datasources"],
                        "require_read_only_hint": True,
                        "timeout_s": 15,
                    }
                },
                "sources": {
                    "loki": {
                        "server": "grafana",
                        "datasource_uid": "",
                        "limit": 50,
                        "max_line_chars": 200,
                    }
                },
                "repositories": {
                    "acme/shop": {
                        "namespace": "shop",
                        "loki": '{namespace="{{namespace}}"} |= "ERROR"',
                    }
                },
            },
            env={},
        )
        async with McpPool(cfg, log_dir=tmp_path) as pool:
            result = await LokiSource(pool, cfg.sources.loki, cfg).gather(INCIDENT)
    lines = result.fields["loki"]
    assert len(lines) == 2 and not result.errors
    assert "connection refused to db:5432" in lines[0]
    assert lines[0].startswith("2026-11-24T")  # ns timestamps rendered
    assert all(len(line) <= 200 for line in lines)
    proxied = [e for e in stub.log if e["path"].endswith("/loki/api/v1/query_range")]
    assert len(proxied) == 1
    assert proxied[0]["query"]["query"] == ['{namespace="shop"} |= "ERROR"']
    assert proxied[0]["query"]["direction"] == ["backward"]
    assert "/api/datasources" in stub.paths()  # the uid was discovered, not configured
    assert {e["auth"] for e in stub.log} == {"Bearer glsa-tok"}
