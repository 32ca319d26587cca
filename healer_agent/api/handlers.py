"""The API's handlers: read and check the request, call one component, map the outcome.

Every refusal is an :class:`~healer_agent.api.schemas.ErrorAnswer` with a reason; a 202 is
given only after the event is stored.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

import sqlalchemy as sa
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from healer_agent import __version__
from healer_agent.api import body as bodies
from healer_agent.compose import Healer
from healer_agent.config import Settings
from healer_agent.intake.normalize import SECURITY_EVENTS, PayloadError, sniff_event
from healer_agent.intake.payloads import unwrap
from healer_agent.intake.signature import verify
from healer_agent.pipeline.intake import StoreUnavailable
from healer_agent.store import incidents
from healer_agent.tracking.insights import insights, parse_since


def error(status: int, reason: str, **extra: Any) -> JSONResponse:
    """A refusal with its reason (the ErrorAnswer shape)."""
    return JSONResponse({"status": "error", "reason": reason, **extra}, status_code=status)


def _healer(request: Request) -> Healer:
    healer: Healer = request.app.state.healer
    return healer


async def health(request: Request) -> Response:
    """Liveness: the process answers."""
    return JSONResponse({"status": "healthy", "version": __version__})


async def ready(request: Request) -> Response:
    """Readiness: the database answers."""
    try:
        async with _healer(request).engine.connect() as conn:
            await conn.execute(sa.text("SELECT 1"))
    except (SQLAlchemyError, OSError) as exc:
        return error(503, f"database unavailable: {type(exc).__name__}")
    return JSONResponse({"status": "ready"})


async def status(request: Request) -> Response:
    """Queues, incidents, dead rows, MCP servers."""
    try:
        return JSONResponse(await _healer(request).status())
    except (SQLAlchemyError, OSError) as exc:
        return error(503, f"database unavailable: {type(exc).__name__}")


async def metrics(request: Request) -> Response:
    """Prometheus exposition."""
    return Response(generate_latest(_healer(request).metrics.registry),
                    media_type=CONTENT_TYPE_LATEST)


async def get_incident(request: Request) -> Response:
    """One incident with its decision, evidence and CodeRun."""
    incident_id = request.path_params["incident_id"]
    try:
        async with _healer(request).engine.connect() as conn:
            row = await incidents.get(conn, incident_id)
    except (SQLAlchemyError, OSError) as exc:
        return error(503, f"database unavailable: {type(exc).__name__}")
    if row is None:
        return error(404, f"no incident {incident_id}")
    row.pop("prompt", None)
    if row["status"] == "routing":
        row["routing"] = "pending"
    else:
        row["routing"] = "final"
    return JSONResponse(row)


async def list_incidents(request: Request) -> Response:
    """Newest incidents (``?open=true`` for those still in flight)."""
    try:
        limit = max(1, min(int(request.query_params.get("limit", "20")), 200))
    except ValueError:
        return error(422, "limit must be an integer")
    open_only = request.query_params.get("open", "false").lower() in ("1", "true", "yes")
    try:
        async with _healer(request).engine.connect() as conn:
            rows = await incidents.recent(conn, limit=limit, open_only=open_only)
    except (SQLAlchemyError, OSError) as exc:
        return error(503, f"database unavailable: {type(exc).__name__}")
    for row in rows:
        row.pop("prompt", None)
        row.pop("incident", None)
    return JSONResponse({"incidents": rows})


async def get_insights(request: Request) -> Response:
    """The insights report (``?since=7d``)."""
    try:
        period = parse_since(request.query_params.get("since", "7d"))
    except ValueError as exc:
        return error(422, str(exc))
    try:
        async with _healer(request).engine.connect() as conn:
            return JSONResponse(await insights(conn, period))
    except (SQLAlchemyError, OSError) as exc:
        return error(503, f"database unavailable: {type(exc).__name__}")


def _fallback_delivery(event: str, raw: bytes) -> str:
    return "sha256:" + hashlib.sha256(event.encode() + b"\0" + raw).hexdigest()


async def _accept(request: Request, *, endpoint: str, event: str, payload: dict[str, Any],
                  delivery_id: str) -> Response:
    healer = _healer(request)
    started = time.perf_counter()
    try:
        result = await healer.intake.accept(endpoint=endpoint, event_type=event, payload=payload,
                                     delivery_id=delivery_id)
    except StoreUnavailable:
        response = error(503, "event store unavailable; retry later")
        response.headers["Retry-After"] = "5"
        return response
    except PayloadError as exc:
        return error(422, str(exc), missing=exc.fields)
    finally:
        healer.metrics.intake_seconds.labels(endpoint=endpoint).observe(
            time.perf_counter() - started)
    return JSONResponse(result.model_dump(), status_code=202)


def _sensor_authorized(request: Request, settings: Settings) -> bool:
    if settings.intake.sensor_token is None:
        return True
    expected = f"Bearer {settings.intake.sensor_token.get_secret_value()}"
    import hmac

    return hmac.compare_digest(request.headers.get("authorization", ""), expected)


async def _read(request: Request) -> tuple[bytes, dict[str, Any]]:
    settings: Settings = request.app.state.settings
    raw = await bodies.read_capped(request, settings.intake.max_body_bytes)
    return raw, bodies.parse_json_object(raw, bodies.media_type(request))


async def ci_failure(request: Request) -> Response:
    """The sensor's trigger: a workflow_run/workflow_job/check_run body in any envelope."""
    settings: Settings = request.app.state.settings
    if not _sensor_authorized(request, settings):
        return error(401, "missing or wrong bearer token")
    try:
        raw, payload = await _read(request)
        unwrapped = unwrap(payload)
    except bodies.BodyError as exc:
        return error(exc.status, exc.reason, missing=exc.fields)
    except PayloadError as exc:
        return error(422, str(exc), missing=exc.fields)
    if unwrapped.event in SECURITY_EVENTS:
        return error(422, "security alerts go to /api/remediate/security-alert")
    delivery = (unwrapped.delivery_id or request.headers.get("x-github-delivery")
                or _fallback_delivery(unwrapped.event, raw))
    return await _accept(request, endpoint="sensor", event=unwrapped.event, payload=payload,
                         delivery_id=delivery)


async def security_alert(request: Request) -> Response:
    """A raw Dependabot, code-scanning or secret-scanning alert (always cipher)."""
    settings: Settings = request.app.state.settings
    if not _sensor_authorized(request, settings):
        return error(401, "missing or wrong bearer token")
    try:
        raw, payload = await _read(request)
    except bodies.BodyError as exc:
        return error(exc.status, exc.reason, missing=exc.fields)
    header_event = request.headers.get("x-github-event")
    try:
        unwrapped = unwrap(payload)
        event = header_event or unwrapped.event
    except PayloadError:
        event = header_event or sniff_event(payload) or ""
        unwrapped = None
    if event not in SECURITY_EVENTS:
        return error(422, "not a security alert: expected a dependabot_alert, "
                           "code_scanning_alert or secret_scanning_alert body", missing=["alert"])
    delivery = ((unwrapped.delivery_id if unwrapped else None)
                or request.headers.get("x-github-delivery") or _fallback_delivery(event, raw))
    return await _accept(request, endpoint="sensor", event=event, payload=payload,
                         delivery_id=delivery)


async def github_webhook(request: Request) -> Response:
    """GitHub's webhook: signature on the raw body first, then parse and store."""
    settings: Settings = request.app.state.settings
    try:
        raw = await bodies.read_capped(request, settings.intake.max_body_bytes)
    except bodies.BodyError as exc:
        return error(exc.status, exc.reason)
    if settings.intake.webhook_secret is not None and not verify(
        settings.intake.webhook_secret.get_secret_value(), raw,
        request.headers.get("x-hub-signature-256"),
    ):
        return error(401, "missing or invalid X-Hub-Signature-256")
    event = request.headers.get("x-github-event")
    if not event:
        return error(400, "missing X-GitHub-Event header")
    try:
        payload = bodies.parse_json_object(raw, bodies.media_type(request))
    except bodies.BodyError as exc:
        return error(exc.status, exc.reason, missing=exc.fields)
    if event == "ping":
        return JSONResponse({"status": "pong", "zen": payload.get("zen")}, status_code=200)
    delivery = request.headers.get("x-github-delivery") or _fallback_delivery(event, raw)
    return await _accept(request, endpoint="github", event=event, payload=payload,
                         delivery_id=delivery)
