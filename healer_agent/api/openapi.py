"""The OpenAPI 3.1 document, generated from the route table and the pydantic models.

Each :class:`Endpoint` names its handler, its request bodies and its answers per status;
the Starlette routes and this document are both built from the same table, so a route
cannot exist undocumented or answer with a shape the document does not describe.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema
from starlette.requests import Request
from starlette.responses import Response

from healer_agent.api.schemas import ErrorAnswer

Handler = Callable[[Request], Awaitable[Response]]
REF = "#/components/schemas/{model}"

STATUS_TEXT = {
    200: "OK",
    202: "Accepted: stored durably; see status and dedup_status",
    400: "Malformed request (headers, JSON, field values)",
    401: "Missing or wrong credentials",
    404: "Not found",
    408: "Body not received in time",
    413: "Body over the size cap",
    415: "Unsupported media type",
    422: "Missing or invalid fields",
    429: "Too many bodies being read; retry after the Retry-After delay",
    503: "Store unavailable; retry later",
}


HEADERS: dict[int, dict[str, Any]] = {
    401: {
        "WWW-Authenticate": {
            "schema": {"type": "string"},
            "description": "Bearer, on the routes that take a token",
        }
    },
    429: {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait"}},
    503: {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait"}},
}
"""Response headers a status carries."""


@dataclass(frozen=True, slots=True)
class Param:
    """A query, path or header parameter."""

    name: str
    where: Literal["query", "path", "header"]
    schema: Mapping[str, Any] = field(default_factory=lambda: {"type": "string"})
    required: bool = False
    description: str = ""


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One operation: its route, its documentation, and the models it speaks."""

    method: Literal["GET", "POST"]
    path: str
    handler: Handler
    summary: str
    answers: Mapping[int, type[BaseModel] | None]
    """Status → answer model (None: not JSON, e.g. the Prometheus exposition)."""
    description: str = ""
    bodies: Sequence[type[BaseModel]] = ()
    """Accepted request bodies (any one of them)."""
    params: Sequence[Param] = ()
    security: Sequence[str] = ()


def _models(endpoints: Sequence[Endpoint]) -> list[type[BaseModel]]:
    seen: dict[str, type[BaseModel]] = {"ErrorAnswer": ErrorAnswer}
    for ep in endpoints:
        for model in (*ep.bodies, *ep.answers.values()):
            if model is not None:
                seen.setdefault(model.__name__, model)
    return list(seen.values())


def _ref(model: type[BaseModel]) -> dict[str, Any]:
    return {"$ref": REF.format(model=model.__name__)}


def _operation(ep: Endpoint) -> dict[str, Any]:
    responses: dict[str, Any] = {}
    for code, model in sorted(ep.answers.items()):
        if model is None:
            content = {"text/plain": {"schema": {"type": "string"}}}
        else:
            content = {"application/json": {"schema": _ref(model)}}
        responses[str(code)] = {"description": STATUS_TEXT.get(code, str(code)), "content": content}
        if code in HEADERS:
            responses[str(code)]["headers"] = HEADERS[code]
    op: dict[str, Any] = {
        "summary": ep.summary,
        "operationId": ep.handler.__name__,
        "responses": responses,
    }
    if ep.description:
        op["description"] = ep.description
    if ep.params:
        op["parameters"] = [
            {
                "name": p.name,
                "in": p.where,
                "required": p.required or p.where == "path",
                "schema": dict(p.schema),
                **({"description": p.description} if p.description else {}),
            }
            for p in ep.params
        ]
    if ep.bodies:
        schema = (
            _ref(ep.bodies[0]) if len(ep.bodies) == 1 else {"oneOf": [_ref(m) for m in ep.bodies]}
        )
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": schema}}}
    if ep.security:
        op["security"] = [{name: []} for name in ep.security]
    return op


def openapi_document(endpoints: Sequence[Endpoint], *, version: str) -> dict[str, Any]:
    """The OpenAPI 3.1 description of ``endpoints``."""
    _, definitions = models_json_schema(
        [(m, "serialization") for m in _models(endpoints)], ref_template=REF
    )
    paths: dict[str, dict[str, Any]] = {}
    for ep in endpoints:
        paths.setdefault(ep.path, {})[ep.method.lower()] = _operation(ep)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Healer",
            "version": version,
            "description": "CI-failure remediation dispatcher",
        },
        "paths": paths,
        "components": {
            "schemas": definitions.get("$defs", {}),
            "securitySchemes": {
                "sensor": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "HEALER_INTAKE__SENSOR_TOKEN",
                },
                "reader": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "HEALER_API__READ_TOKEN (separate from the "
                    "sensor's); without one, reads are open only "
                    "while the intake has no credential either",
                },
                "github": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "X-Hub-Signature-256",
                    "description": "HMAC-SHA256 of the raw body with the webhook secret",
                },
            },
        },
    }
