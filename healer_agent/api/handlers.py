"""The API's handlers: read and check the request, call one component, map the outcome.

Every refusal is an :class:`~healer_agent.api.schemas.ErrorAnswer` with a reason; a 202 is
given only after the event is stored. The write routes check, in this order and each before
any more of the request is read: the headers (400), the credentials (401), the declared
size (413), a place at the body gate (429); then the body is read (408 when too slow),
its signature checked (401), parsed (400/415) and every field Healer reads validated (422).
503 means only that the store is down.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Any

import sqlalchemy as sa
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from healer_agent import __version__
from healer_agent.api import auth
from healer_agent.api import body as bodies
from healer_agent.api.auth import Refused
from healer_agent.api.gate import BodyGate, GateBusy
from healer_agent.compose import Healer
from healer_agent.config import Settings
from healer_agent.intake import validate
from healer_agent.intake.delivery import BodyDigest
from healer_agent.intake.fields import SECURITY_EVENTS, PayloadError
from healer_agent.intake.normalize import sniff_event
from healer_agent.intake.payloads import Unwrapped, unwrap
from healer_agent.intake.signature import hasher, matches
from healer_agent.logs.redact import redact
from healer_agent.pipeline.intake import StoreUnavailable
from healer_agent.store import incidents
from healer_agent.tracking.insights import insights, parse_since

Handler = Callable[[Request], Awaitable[Response]]


def error(status: int, reason: str, **extra: Any) -> JSONResponse:
    """A refusal with its reason (the ErrorAnswer shape), redacted: it may echo the request."""
    return JSONResponse({"status": "error", "reason": redact(reason), **extra}, status_code=status)


def _healer(request: Request) -> Healer:
    healer: Healer = request.app.state.healer
    return healer


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _unavailable(exc: Exception) -> Response:
    response = error(503, f"database unavailable: {type(exc).__name__}")
    response.headers["Retry-After"] = "5"
    return response


def _answering(endpoint: str) -> Callable[[Handler], Handler]:
    """Turn every expected refusal of a route into its 4xx answer, and count it."""

    def decorate(handler: Handler) -> Handler:
        @wraps(handler)
        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except Refused as exc:
                refusal = exc
            except bodies.BodyError as exc:
                refusal = Refused(exc.status, exc.reason, exc.fields)
            except GateBusy as exc:
                refusal = Refused(429, str(exc), headers={"Retry-After": str(exc.retry_after)})
            except PayloadError as exc:
                refusal = Refused(422, str(exc), exc.fields)
            # The traceback holds the handler's frames, and with them the body; dropped now,
            # the body is freed on return instead of at the next garbage collection.
            refusal.__traceback__ = None
            healer: Healer | None = getattr(request.app.state, "healer", None)
            if healer is not None:
                healer.metrics.refused.labels(endpoint=endpoint, status=str(refusal.status)).inc()
            return refusal.answer()

        return route

    return decorate


# --------------------------------------------------------------------------- open routes


async def health(request: Request) -> Response:
    """Liveness: the process answers."""
    return JSONResponse({"status": "healthy", "version": __version__})


async def ready(request: Request) -> Response:
    """Readiness: the database answers."""
    try:
        async with _healer(request).engine.connect() as conn:
            await conn.execute(sa.text("SELECT 1"))
    except (SQLAlchemyError, OSError) as exc:
        return _unavailable(exc)
    return JSONResponse({"status": "ready"})


# --------------------------------------------------------------------------- read routes


def _reader(request: Request) -> None:
    settings = _settings(request)
    auth.require_reader(
        request.headers,
        settings.api.read_token,
        intake_protected=settings.intake.webhook_secret is not None
        or settings.intake.sensor_token is not None,
    )


@_answering("metrics")
async def metrics(request: Request) -> Response:
    """Prometheus exposition (behind the read token when ``api.protect_metrics``)."""
    if _settings(request).api.protect_metrics:
        _reader(request)
    return Response(
        generate_latest(_healer(request).metrics.registry), media_type=CONTENT_TYPE_LATEST
    )


@_answering("read")
async def status(request: Request) -> Response:
    """Queues, incidents, dead rows, MCP servers."""
    _reader(request)
    try:
        return JSONResponse(await _healer(request).status())
    except (SQLAlchemyError, OSError) as exc:
        return _unavailable(exc)


@_answering("read")
async def get_incident(request: Request) -> Response:
    """One incident with its decision, evidence and CodeRun."""
    _reader(request)
    incident_id = request.path_params["incident_id"]
    if not auth.is_incident_id(incident_id):
        raise Refused(
            422, "incident_id is not an incident id (letters, digits, _ and -)", ["incident_id"]
        )
    try:
        async with _healer(request).engine.connect() as conn:
            row = await incidents.get(conn, incident_id)
    except (SQLAlchemyError, OSError) as exc:
        return _unavailable(exc)
    if row is None:
        return error(404, f"no incident {incident_id}")
    row.pop("prompt", None)
    row["routing"] = "pending" if row["status"] == "routing" else "final"
    return JSONResponse(row)


@_answering("read")
async def list_incidents(request: Request) -> Response:
    """Newest incidents (``?open=true`` for those still in flight)."""
    _reader(request)
    text = request.query_params.get("limit", "20")
    if not (text.isascii() and text.isdigit() and len(text) <= 6):
        raise Refused(422, "limit must be an integer from 1 to 200", ["limit"])
    limit = max(1, min(int(text), 200))
    open_only = request.query_params.get("open", "false").lower() in ("1", "true", "yes")
    try:
        async with _healer(request).engine.connect() as conn:
            rows = await incidents.recent(conn, limit=limit, open_only=open_only)
    except (SQLAlchemyError, OSError) as exc:
        return _unavailable(exc)
    for row in rows:
        row.pop("prompt", None)
        row.pop("incident", None)
    return JSONResponse({"incidents": rows})


@_answering("read")
async def get_insights(request: Request) -> Response:
    """The insights report (``?since=7d``)."""
    _reader(request)
    since = request.query_params.get("since", "7d")
    try:
        if len(since) > 16:
            raise ValueError("since is at most 16 characters (e.g. 7d)")
        period = parse_since(since)
    except ValueError as exc:
        raise Refused(422, str(exc), ["since"]) from None
    try:
        async with _healer(request).engine.connect() as conn:
            return JSONResponse(await insights(conn, period))
    except (SQLAlchemyError, OSError) as exc:
        return _unavailable(exc)


# --------------------------------------------------------------------------- write routes


def _body_digest(event: str, raw: bytes) -> BodyDigest:
    return BodyDigest(hashlib.sha256(event.encode() + b"\0" + raw).hexdigest())


def _gate(request: Request) -> BodyGate:
    gate: BodyGate = request.app.state.body_gate
    return gate


async def _read_body(
    request: Request,
    settings: Settings,
    cap: int,
    *,
    on_chunk: Callable[[bytes], object] | None = None,
) -> list[bytes | bytearray]:
    """The raw body's chunks, read only while holding a place at the gate."""
    declared = bodies.declared_length(request, cap)
    gate = _gate(request)
    # acquire/release, not the gate's context manager: a generator fewer a request
    held = await gate.acquire(cap if declared is None else declared)
    try:
        return await bodies.read_chunks(
            request,
            cap,
            on_chunk=on_chunk,
            timeout_s=settings.intake.body_timeout_s,
            declared=declared,
        )
    finally:
        gate.release(held)


def _raise_problems(problems: list[validate.Problem]) -> None:
    if problems:
        shown = "; ".join(str(p) for p in problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        raise Refused(422, f"invalid fields: {shown}{more}", [p.field for p in problems[:50]])


def _where(payload: dict[str, Any], body: Any) -> str:
    """The path of the GitHub body inside a sensor envelope (``body.``, ``data.body.``...)."""
    stack: list[tuple[Any, str]] = [(payload, "")]
    while stack:
        item, path = stack.pop()
        if item is body:
            return path
        if isinstance(item, dict) and path.count(".") < 4:
            stack.extend(
                (item[k], f"{path}{k}.") for k in ("data", "body") if isinstance(item.get(k), dict)
            )
    return ""


def _check_sensor_body(payload: dict[str, Any], unwrapped: Unwrapped) -> None:
    problems = validate.check_envelope(payload)
    if (
        unwrapped.delivery_id is not None
        and (bad := validate.check_delivery(unwrapped.delivery_id)) is not None
    ):
        problems.append(validate.Problem("delivery_id", bad))
    problems += validate.check_payload(
        unwrapped.event, unwrapped.body, prefix=_where(payload, unwrapped.body)
    )
    _raise_problems(problems)


def _storable_delivery(delivery_id: str) -> str:
    """The delivery id as stored and answered.

    One that looks like a secret is replaced by its digest, which keeps it unique (a
    redelivery still matches) without keeping it.
    """
    if redact(delivery_id) == delivery_id:
        return delivery_id
    return "redacted:" + hashlib.sha256(delivery_id.encode()).hexdigest()[:40]


def _delivery(given: str | None, event: str, raw: bytes) -> str | BodyDigest:
    """The sender's delivery id made storable, or, without one, the body's digest.

    Intake derives the id from the digest and the run the body reports.
    """
    return _storable_delivery(given) if given else _body_digest(event, raw)


async def _accept(
    request: Request,
    *,
    endpoint: str,
    event: str,
    payload: dict[str, Any],
    delivery_id: str | BodyDigest,
    text: str | None = None,
) -> Response:
    try:  # the intake observes its own time
        result = await _healer(request).intake.accept(
            endpoint=endpoint,
            event_type=event,
            payload=payload,
            delivery_id=delivery_id,
            text=text,
        )
    except StoreUnavailable:
        response = error(503, "event store unavailable; retry later")
        response.headers["Retry-After"] = "5"
        return response
    # pydantic's serializer writes the same compact JSON that JSONResponse would
    return Response(result.json_bytes(), status_code=202, media_type="application/json")


def _sensor_headers(request: Request, settings: Settings) -> str | None:
    """Header checks of the sensor routes, then its token; the delivery header if any."""
    headers = request.headers
    auth.single_headers(headers)
    delivery = auth.delivery_header(headers)
    auth.require_bearer(headers, settings.intake.sensor_token, "sensor")
    return delivery


def _sensor_cap(settings: Settings) -> int:
    return min(settings.intake.sensor_max_body_bytes, settings.intake.max_body_bytes)


@_answering("sensor")
async def ci_failure(request: Request) -> Response:
    """The sensor's trigger: a workflow_run/workflow_job/check_run body in any envelope."""
    settings = _settings(request)
    header_delivery = _sensor_headers(request, settings)
    raw = b"".join(await _read_body(request, settings, _sensor_cap(settings)))
    payload, text = bodies.parse_json_text(raw, bodies.media_type(request))
    unwrapped = unwrap(payload)
    if unwrapped.event in SECURITY_EVENTS:
        raise Refused(422, "security alerts go to /api/remediate/security-alert", ["event"])
    _check_sensor_body(payload, unwrapped)
    delivery = _delivery(unwrapped.delivery_id or header_delivery, unwrapped.event, raw)
    return await _accept(
        request,
        endpoint="sensor",
        event=unwrapped.event,
        payload=payload,
        delivery_id=delivery,
        text=text,
    )


@_answering("security")
async def security_alert(request: Request) -> Response:
    """A raw Dependabot, code-scanning or secret-scanning alert (always cipher)."""
    settings = _settings(request)
    header_delivery = _sensor_headers(request, settings)
    header_event = auth.event_header(request.headers, required=False)
    raw = b"".join(await _read_body(request, settings, _sensor_cap(settings)))
    payload = bodies.parse_json_object(raw, bodies.media_type(request))
    unwrapped: Unwrapped | None
    try:
        unwrapped = unwrap(payload)
    except PayloadError:
        unwrapped = None
    event = header_event or (unwrapped.event if unwrapped else sniff_event(payload)) or ""
    if event not in SECURITY_EVENTS:
        raise Refused(
            422,
            "not a security alert: expected a dependabot_alert, "
            "code_scanning_alert or secret_scanning_alert body",
            ["alert"],
        )
    if unwrapped is None:
        unwrapped = Unwrapped(event=event, body=payload)
    _check_sensor_body(
        payload, Unwrapped(event=event, body=unwrapped.body, delivery_id=unwrapped.delivery_id)
    )
    delivery = _delivery(unwrapped.delivery_id or header_delivery, event, raw)
    return await _accept(
        request, endpoint="sensor", event=event, payload=payload, delivery_id=delivery
    )


@_answering("github")
async def github_webhook(request: Request) -> Response:
    """GitHub's webhook: headers, then the signature on the raw body, then parse and store."""
    settings = _settings(request)
    auth.single_headers(request.headers)
    event = auth.event_header(request.headers, required=True)
    assert event is not None
    header_delivery = auth.delivery_header(request.headers)
    secret = settings.intake.webhook_secret
    signature = auth.signature_header(request.headers, required=secret is not None)
    mac = hasher(secret.get_secret_value()) if secret is not None else None
    chunks = await _read_body(
        request,
        settings,
        settings.intake.max_body_bytes,
        on_chunk=mac.update if mac is not None else None,
    )
    if mac is not None and not matches(mac, signature):
        raise Refused(401, "X-Hub-Signature-256 does not match the body", ["X-Hub-Signature-256"])
    raw = b"".join(chunks)  # copied only once it is known to come from GitHub
    del chunks
    payload, text = bodies.parse_json_text(raw, bodies.media_type(request))
    if event == "ping":
        zen = payload.get("zen")
        return JSONResponse(
            {"status": "pong", "zen": zen if isinstance(zen, str) else None}, status_code=200
        )
    _raise_problems(validate.check_payload(event, payload))
    delivery = _delivery(header_delivery, event, raw)
    return await _accept(
        request, endpoint="github", event=event, payload=payload, delivery_id=delivery, text=text
    )
