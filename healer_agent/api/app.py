"""The HTTP application: the route table, its OpenAPI document, and the lifespan.

The table below is the single list of operations: Starlette's routes and
``/openapi.json`` are both derived from it. The lifespan starts the composed Healer (built
here unless one is given) and stops it after the server stops taking requests. The app
owns the body gate (how many bodies are read at once) and makes every log line pass
through redaction.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import AsyncIterator, Callable
from functools import cache
from typing import Any

from pydantic import BaseModel
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from healer_agent import __version__
from healer_agent.api import handlers as h
from healer_agent.api import schemas as s
from healer_agent.api.gate import BodyGate
from healer_agent.api.openapi import Endpoint, Param, openapi_document
from healer_agent.compose import Healer, build_healer
from healer_agent.config import Settings
from healer_agent.logs.redact import redact
from healer_agent.logsetup import redact_logs

GC_YOUNG_THRESHOLD = 5000
"""Objects allocated and not yet freed before the collector's youngest generation runs.

Python's 700 is exceeded by what concurrent requests hold alive at once (32 in flight under
load): the collector ran every ~40 requests and promoted their objects to older
generations, whose collections it then ran too, ~7 µs of a ~120 µs intake request. Nearly
all of a request's objects are freed by reference counting when it ends; at 5,000 the
youngest generation ran twice in 20,000 requests instead of 573 times."""
INTAKE_PATH = "/api/remediate/ci-failure"
"""The sensor's route, which most requests take."""
_ERR = s.ErrorAnswer
_INTAKE: dict[int, type[BaseModel] | None] = {
    202: s.IntakeResult,
    **dict.fromkeys((400, 401, 408, 413, 415, 422, 429, 503), _ERR),
}
_READ = dict.fromkeys((400, 401), _ERR)
"""What every read route may also answer: a duplicated header, missing or wrong token."""
_DELIVERY = Param(
    "X-GitHub-Delivery",
    "header",
    {"type": "string", "maxLength": 128},
    description="Makes a redelivery a no-op",
)
_EVENT = Param(
    "X-GitHub-Event",
    "header",
    {"type": "string", "pattern": "^[a-z_]{1,64}$"},
    description="The event type",
)
_AUTH = Param("Authorization", "header", description="Bearer <token> (any case of Bearer)")


async def openapi(request: Request) -> Response:
    """The OpenAPI 3.1 description of this API."""
    return JSONResponse(_document())


ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint("GET", "/health", h.health, "Liveness", {200: s.HealthAnswer}),
    Endpoint(
        "GET", "/ready", h.ready, "Readiness: the database answers", {200: s.ReadyAnswer, 503: _ERR}
    ),
    Endpoint(
        "GET",
        "/metrics",
        h.metrics,
        "Prometheus metrics (the read token when HEALER_API__PROTECT_METRICS)",
        {200: None, **_READ},
        params=(_AUTH,),
        security=("reader",),
    ),
    Endpoint("GET", "/openapi.json", openapi, "This document", {200: None}),
    Endpoint(
        "GET",
        "/api/status",
        h.status,
        "Queues, incidents, dead rows, context sources",
        {200: s.StatusAnswer, **_READ, 503: _ERR},
        params=(_AUTH,),
        security=("reader",),
    ),
    Endpoint(
        "GET",
        "/api/incidents",
        h.list_incidents,
        "Newest incidents",
        {200: s.IncidentList, **_READ, 422: _ERR, 503: _ERR},
        params=(
            Param("limit", "query", {"type": "integer", "minimum": 1, "maximum": 200}),
            Param("open", "query", {"type": "boolean"}),
            _AUTH,
        ),
        security=("reader",),
    ),
    Endpoint(
        "GET",
        "/api/incidents/{incident_id}",
        h.get_incident,
        "One incident with its decision, evidence and CodeRun",
        {200: s.IncidentAnswer, **_READ, 404: _ERR, 422: _ERR, 503: _ERR},
        params=(Param("incident_id", "path"), _AUTH),
        security=("reader",),
    ),
    Endpoint(
        "GET",
        "/api/insights",
        h.get_insights,
        "Outcomes per agent and failure type, dedup ratio, tiers, signatures",
        {200: s.InsightsAnswer, **_READ, 422: _ERR, 503: _ERR},
        params=(
            Param("since", "query", {"type": "string", "pattern": "^[0-9]{1,12}[smhdw]$"}),
            _AUTH,
        ),
        security=("reader",),
    ),
    Endpoint(
        "POST",
        INTAKE_PATH,
        h.ci_failure,
        "A CI failure from the Argo Events sensor",
        _INTAKE,
        description="A workflow_run, workflow_job or check_run body: raw, wrapped in "
        "{body: ...} (optionally with event and delivery_id), a CloudEvents "
        "envelope, or the design's {workflow_run, repository}. Every field "
        "Healer reads is checked before the 202 (422 names it).",
        bodies=(s.SensorTrigger, s.WrappedEvent, s.CloudEvent, s.GitHubEvent),
        params=(_AUTH, _DELIVERY),
        security=("sensor",),
    ),
    Endpoint(
        "POST",
        "/api/remediate/security-alert",
        h.security_alert,
        "A security alert (always routed to cipher)",
        _INTAKE,
        bodies=(s.SecurityAlertBody,),
        params=(_AUTH, _EVENT, _DELIVERY),
        security=("sensor",),
    ),
    Endpoint(
        "POST",
        "/api/github/webhook",
        h.github_webhook,
        "Every GitHub event; the signature is checked on the raw body first",
        {**_INTAKE, 200: s.PongAnswer},
        bodies=(s.GitHubEvent,),
        params=(_EVENT, _DELIVERY, Param("X-Hub-Signature-256", "header")),
        security=("github",),
    ),
)


_WRITE_HANDLERS = {ep.path: ep.handler for ep in ENDPOINTS if ep.method == "POST"}
"""The write routes (sensor, security alert, GitHub webhook): every event comes by one."""


def _by_traffic() -> list[Endpoint]:
    """The table with the write routes first: Starlette tries routes in order.

    The eight it tried before an intake route took ~5% of a request's CPU. No two paths
    overlap, so the order changes which route is tried first, never which one answers.
    """
    return sorted(ENDPOINTS, key=lambda ep: ep.method != "POST")


@cache
def _document() -> dict[str, Any]:
    return openapi_document(ENDPOINTS, version=__version__)


async def _not_found(request: Request, exc: Exception) -> Response:
    return h.error(404, f"no route {request.url.path[:200]}")


async def _method_not_allowed(request: Request, exc: Exception) -> Response:
    return h.error(405, f"method {request.method[:20]} not allowed on {request.url.path[:200]}")


async def _server_error(request: Request, exc: Exception) -> Response:
    return h.error(500, "internal error; the event was not lost if it was answered 202 before")


class HealerApp(Starlette):
    """Starlette, with the event intake answered before the middleware and router.

    Between uvicorn and the handler, Starlette's stack (its two middlewares, the router
    trying routes, the endpoint's wrapper) took ~8% of an intake request's CPU. A POST to
    one of the write routes (no root path, no middleware added) goes straight to its
    handler, with what that stack gives it: ``scope["app"]`` for ``request.app``, and an
    exception answered 500 by the same handler and raised on to the server, as Starlette's
    ``ServerErrorMiddleware`` does. Any other request, or such a path with another method,
    a trailing slash or a root path, takes the stack as before. ``fast_intake = False``
    sends it there too.
    """

    fast_intake = True

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A write route's request straight to its handler; any other to Starlette."""
        if (
            scope["type"] == "http"
            and scope["method"] == "POST"
            and (handler := _WRITE_HANDLERS.get(scope["path"])) is not None
            and not scope.get("root_path")
            and self.fast_intake
            and not self.user_middleware
        ):
            scope["app"] = self
            await self._intake(handler, scope, receive, send)
            return
        await super().__call__(scope, receive, send)

    async def _intake(
        self, handler: Callable[[Request], Any], scope: Scope, receive: Receive, send: Send
    ) -> None:
        request = Request(scope, receive, send)
        try:
            response = await handler(request)
        except Exception as exc:
            await (await _server_error(Request(scope), exc))(scope, receive, send)
            raise
        await response(scope, receive, send)


def create_app(
    settings: Settings,
    healer: Healer | None = None,
    *,
    announce: Callable[[Healer], None] | None = None,
) -> HealerApp:
    """The app; the Healer is built (or given) and started in the lifespan.

    ``announce`` is called once the Healer has started (``healer serve`` prints what runs).
    """

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        service = healer or build_healer(settings)
        app.state.healer = service
        if healer is None:  # a given one is bound when the app is made
            _gauge_bodies(service, app.state.body_gate)
        await service.start()
        # What start-up built (rule sets, compiled patterns, tables, models: about 110,000
        # objects) lives as long as the process; frozen, the collector stops scanning it,
        # and a full collection under load takes well under a millisecond instead of
        # 70 ms, which showed as intake's p99.
        gc.freeze()
        thresholds = gc.get_threshold()
        gc.set_threshold(GC_YOUNG_THRESHOLD, *thresholds[1:])
        if announce is not None:
            announce(service)
        try:
            yield
        finally:
            gc.set_threshold(*thresholds)
            gc.unfreeze()
            await service.stop()

    app = HealerApp(
        routes=[Route(ep.path, ep.handler, methods=[ep.method]) for ep in _by_traffic()],
        lifespan=lifespan,
        exception_handlers={
            404: _not_found,
            405: _method_not_allowed,
            500: _server_error,
            Exception: _server_error,
        },
    )
    app.state.settings = settings
    intake = settings.intake
    app.state.body_gate = BodyGate(
        slots=intake.max_concurrent_bodies,
        budget=max(intake.body_budget_bytes, intake.max_body_bytes),
        wait_s=intake.body_wait_s,
    )
    if healer is not None:
        _gauge_bodies(healer, app.state.body_gate)
    redact_logs(redact)
    return app


def _gauge_bodies(healer: Healer, gate: BodyGate) -> None:
    """The bodies-in-flight gauge reads the gate's count when scraped.

    The gate counts every body it admits and gives back; a gauge moved beside it took two
    locked updates a request for the same number.
    """
    healer.metrics.bodies_in_flight.set_function(lambda: gate.in_flight)
