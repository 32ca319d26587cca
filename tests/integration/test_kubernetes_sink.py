"""The Kubernetes sink with the real `kubernetes` client against a small local API server
that implements the custom-objects endpoints it calls (create → 201 / 409, get)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from kubernetes import client

from healer_agent.dispatch.coderun import build_coderun
from healer_agent.dispatch.sinks import KubernetesSink, SinkError
from healer_agent.models import Agent, FailureType, Incident, RoutingDecision

PREFIX = "/apis/agents.platform/v1/namespaces/"


class FakeApiServer(BaseHTTPRequestHandler):
    objects: dict[str, dict[str, Any]] = {}
    requests: list[tuple[str, str, dict[str, Any] | None]] = []

    def log_message(self, *args: Any) -> None:
        pass

    def _send(self, code: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.requests.append(("POST", self.path, body))
        if not (self.path.startswith(PREFIX) and self.path.endswith("/coderuns")):
            self._send(404, {"kind": "Status", "code": 404})
            return
        name = body["metadata"]["name"]
        if name in self.objects:
            self._send(
                409,
                {
                    "kind": "Status",
                    "apiVersion": "v1",
                    "status": "Failure",
                    "reason": "AlreadyExists",
                    "code": 409,
                    "message": f'coderuns.agents.platform "{name}" already exists',
                },
            )
            return
        self.objects[name] = {**body, "status": {"phase": "Pending"}}
        self._send(201, self.objects[name])

    def do_GET(self) -> None:
        self.requests.append(("GET", self.path, None))
        name = self.path.rsplit("/", 1)[-1]
        if name in self.objects:
            self._send(200, self.objects[name])
        else:
            self._send(404, {"kind": "Status", "code": 404, "reason": "NotFound"})


@pytest.fixture
def api_server() -> Iterator[str]:
    FakeApiServer.objects = {}
    FakeApiServer.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeApiServer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _sink(host: str) -> KubernetesSink:
    config = client.Configuration()
    config.host = host
    return KubernetesSink("cto", client.CustomObjectsApi(client.ApiClient(config)))


def _manifest(make_settings: Any) -> dict[str, Any]:
    incident = Incident(
        kind="ci_failure",
        event_type="workflow_run",
        repository="5dlabs/cto",
        run_key="5dlabs/cto#run:9:1",
        run_id=9,
        branch="feat/x",
    )
    decision = RoutingDecision(
        agent=Agent.REX,
        failure_type=FailureType.RUST_CLIPPY,
        confidence=0.9,
        decided_by="prerouter",
    )
    settings = make_settings()
    return build_coderun(incident, decision, "fix it", settings.coderun, settings.sink.namespace)


async def test_create_then_409_means_existing(api_server: str, make_settings: Any) -> None:
    sink = _sink(api_server)
    manifest = _manifest(make_settings)
    first = await sink.create(manifest)
    second = await sink.create(manifest)
    assert (first.created, second.created) == (True, False)
    assert first.name == manifest["metadata"]["name"]
    method, path, body = FakeApiServer.requests[0]
    assert (method, path) == ("POST", "/apis/agents.platform/v1/namespaces/cto/coderuns")
    assert body is not None and body["kind"] == "CodeRun"
    assert await sink.phase(first.name) == "Pending"
    assert await sink.phase("missing") is None


async def test_unreachable_api_is_a_sink_error(make_settings: Any) -> None:
    sink = _sink("http://127.0.0.1:9")
    with pytest.raises(SinkError):
        await sink.create(_manifest(make_settings))
