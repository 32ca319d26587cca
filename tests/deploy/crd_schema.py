"""Validate CodeRun manifests against the CRD's openAPIV3Schema (jsonschema)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

CRD = Path(__file__).resolve().parents[2] / "deploy" / "crds" / "coderun-crd.yaml"


def _to_jsonschema(node: Any) -> Any:
    """Drop Kubernetes' OpenAPI extensions; keep the JSON-Schema subset."""
    if isinstance(node, dict):
        return {
            k: _to_jsonschema(v)
            for k, v in node.items()
            if not k.startswith("x-kubernetes-") and k not in ("nullable", "format")
        }
    if isinstance(node, list):
        return [_to_jsonschema(v) for v in node]
    return node


@cache
def coderun_schema() -> dict[str, Any]:
    """The CRD's v1 schema as JSON Schema, with apiVersion/kind/metadata required."""
    crd = yaml.safe_load(CRD.read_text())
    version = next(v for v in crd["spec"]["versions"] if v["name"] == "v1")
    schema: dict[str, Any] = _to_jsonschema(version["schema"]["openAPIV3Schema"])
    schema = dict(schema)
    schema["required"] = ["apiVersion", "kind", "metadata", "spec"]
    schema["properties"] = {
        **schema["properties"],
        "apiVersion": {"const": "agents.platform/v1"},
        "kind": {"const": "CodeRun"},
        "metadata": {"type": "object", "required": ["name", "namespace"]},
    }
    return schema


def validate_coderun(manifest: dict[str, Any]) -> None:
    """Raise ``jsonschema.ValidationError`` when ``manifest`` breaks the CRD."""
    jsonschema.validate(manifest, coderun_schema())
    for key, value in manifest["metadata"].get("labels", {}).items():
        if len(value) > 63:
            raise jsonschema.ValidationError(f"label {key} is longer than 63 characters")
