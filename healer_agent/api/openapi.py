"""The OpenAPI 3.1 document for ``/openapi.json``.

Built from the pydantic models, so the answers it describes are the answers the code returns.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from healer_agent import __version__
from healer_agent.results import IntakeResult

_ERROR = {
    "type": "object",
    "required": ["status", "reason"],
    "properties": {
        "status": {"const": "error"},
        "reason": {"type": "string"},
        "missing": {"type": "array", "items": {"type": "string"}},
    },
}


def _json(ref: str) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}}


def _errors(*codes: int) -> dict[str, Any]:
    reasons = {400: "Malformed body", 401: "Bad or missing signature or token",
               404: "Not found", 413: "Body over the size cap", 415: "Unsupported media type",
               422: "Missing or invalid fields", 503: "Database unavailable; retry"}
    return {str(c): {"description": reasons[c], **_json("Error")} for c in codes}


def _post(summary: str, description: str, extra_params: list[dict[str, Any]],
          codes: tuple[int, ...]) -> dict[str, Any]:
    return {
        "summary": summary,
        "description": description,
        "parameters": extra_params,
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"type": "object",
                                                        "additionalProperties": True}}},
        },
        "responses": {
            "202": {"description": "Stored; see status and dedup_status", **_json("IntakeResult")},
            **_errors(*codes),
        },
    }


def _header(name: str, required: bool = False) -> dict[str, Any]:
    return {"name": name, "in": "header", "required": required, "schema": {"type": "string"}}


@cache
def openapi_document() -> dict[str, Any]:
    """The API description (cached: it never changes at run time)."""
    intake_codes = (400, 401, 413, 415, 422, 503)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Healer", "version": __version__,
                 "description": "CI-failure remediation dispatcher"},
        "paths": {
            "/health": {"get": {"summary": "Liveness", "responses": {
                "200": {"description": "Alive", "content": {"application/json": {"schema": {
                    "type": "object", "properties": {"status": {"type": "string"},
                                                     "version": {"type": "string"}}}}}}}}},
            "/ready": {"get": {"summary": "Readiness (database reachable)", "responses": {
                "200": {"description": "Ready", "content": {"application/json": {"schema": {
                    "type": "object"}}}}, **_errors(503)}}},
            "/metrics": {"get": {"summary": "Prometheus metrics", "responses": {
                "200": {"description": "Exposition format",
                        "content": {"text/plain": {"schema": {"type": "string"}}}}}}},
            "/api/status": {"get": {"summary": "Queues, incidents, dead rows, MCP servers",
                                    "responses": {"200": {"description": "Status",
                                                          **_json("Object")},
                                                  **_errors(503)}}},
            "/api/incidents": {"get": {
                "summary": "Recent incidents",
                "parameters": [
                    {"name": "limit", "in": "query", "required": False,
                     "schema": {"type": "integer", "minimum": 1, "maximum": 200}},
                    {"name": "open", "in": "query", "required": False,
                     "schema": {"type": "boolean"}}],
                "responses": {"200": {"description": "Incidents", **_json("Object")},
                              **_errors(422, 503)}}},
            "/api/insights": {"get": {
                "summary": "Outcomes per agent and failure type, dedup ratio, tiers, clusters",
                "parameters": [{"name": "since", "in": "query", "required": False,
                                "schema": {"type": "string", "pattern": "^[0-9]+[smhdw]$"}}],
                "responses": {"200": {"description": "Insights", **_json("Object")},
                              **_errors(422, 503)}}},
            "/api/incidents/{incident_id}": {"get": {
                "summary": "One incident with its decision and CodeRun",
                "parameters": [{"name": "incident_id", "in": "path", "required": True,
                                "schema": {"type": "string"}}],
                "responses": {"200": {"description": "Incident", **_json("Object")},
                              **_errors(404, 503)}}},
            "/api/remediate/ci-failure": {"post": _post(
                "CI failure from the Argo Events sensor",
                "A workflow_run, workflow_job or check_run body: raw, wrapped in {body: ...} "
                "(optionally with event and delivery_id), a CloudEvents envelope, or the "
                "design's {workflow_run, repository} form.",
                [_header("Authorization"), _header("X-GitHub-Delivery")], intake_codes)},
            "/api/remediate/security-alert": {"post": _post(
                "Security alert (always routed to cipher)",
                "A raw dependabot_alert, code_scanning_alert or secret_scanning_alert body.",
                [_header("Authorization"), _header("X-GitHub-Event"),
                 _header("X-GitHub-Delivery")], intake_codes)},
            "/api/github/webhook": {"post": {
                **_post("GitHub webhook", "Any GitHub event; ping answers 200. The signature "
                        "is checked on the raw body when a secret is configured.",
                        [_header("X-GitHub-Event"), _header("X-GitHub-Delivery"),
                         _header("X-Hub-Signature-256")], intake_codes),
                "responses": {
                    "200": {"description": "ping answered", **_json("Object")},
                    "202": {"description": "Stored", **_json("IntakeResult")},
                    **_errors(*intake_codes)},
            }},
        },
        "components": {"schemas": {
            "IntakeResult": IntakeResult.model_json_schema(ref_template="#/components/schemas/"
                                                                        "{model}"),
            "Error": _ERROR,
            "Object": {"type": "object", "additionalProperties": True},
        }},
    }
