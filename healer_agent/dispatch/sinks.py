"""Where CodeRuns go.

Each sink's create is idempotent by name: a second create of the same name reports
``created=False`` (a file that exists, a Kubernetes 409).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from pathlib import Path
from typing import Any

import yaml

from healer_agent.config import SinkSettings
from healer_agent.dispatch.coderun import GROUP, PLURAL, VERSION
from healer_agent.dispatch.yamltext import dump_manifest
from healer_agent.ports import CodeRunSink, SinkResult


class SinkError(Exception):
    """The sink could not store the CodeRun (retried by the worker)."""


class FileSink:
    """One YAML file per CodeRun in a folder (the embedded default).

    The file is created with ``O_EXCL`` so two workers cannot both write it; an operator or
    test records the outcome in ``<name>.status.yaml`` (``phase: Succeeded|Failed``).
    """

    name = "file"

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    async def create(self, manifest: dict[str, Any]) -> SinkResult:
        """Write ``<name>.yaml`` unless it exists.

        On the loop's thread: a create is a few system calls on a local folder (tens to a
        few hundred microseconds of the kernel's time). Handed to a thread, the GIL went
        back and forth around each of them while the loop ran, and an event cost ~0.6 ms
        more of the server's CPU end to end (with the files on disk as in memory).
        """
        name = str(manifest["metadata"]["name"])
        path = self.directory / f"{name}.yaml"
        data = dump_manifest(manifest).encode()
        try:
            created = self._write(name, data)
        except OSError as exc:
            raise SinkError(f"cannot write {path}: {exc}") from exc
        return SinkResult(name=name, created=created, location=str(path))

    def _write(self, name: str, data: bytes) -> bool:
        """Create ``<name>.yaml`` with ``data`` unless it exists; the folder when missing."""
        try:
            return self._link(name, data)
        except FileNotFoundError:  # made on the first CodeRun, and again if removed
            self.directory.mkdir(parents=True, exist_ok=True)
            return self._link(name, data)

    def _link(self, name: str, data: bytes) -> bool:
        folder = os.fspath(self.directory)
        tmp = os.path.join(folder, f".{name}.{os.getpid()}.tmp")
        with open(tmp, "wb") as file:
            file.write(data)
        try:
            os.link(tmp, os.path.join(folder, f"{name}.yaml"))  # atomic create-if-absent
        except FileExistsError:
            return False
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        return True

    async def phase(self, name: str) -> str | None:
        """The phase an operator or test wrote beside the CodeRun."""
        path = self.directory / f"{name}.status.yaml"
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError):
            return None
        return str(data.get("phase")) if isinstance(data, dict) and data.get("phase") else None


class StdoutSink:
    """Prints each CodeRun as a YAML document (dry runs, piping to kubectl)."""

    name = "stdout"

    def __init__(self) -> None:
        self._seen: set[str] = set()

    async def create(self, manifest: dict[str, Any]) -> SinkResult:
        """Print the manifest once per name."""
        name = str(manifest["metadata"]["name"])
        if name in self._seen:
            return SinkResult(name=name, created=False, location="stdout")
        self._seen.add(name)
        sys.stdout.write("---\n" + dump_manifest(manifest))
        sys.stdout.flush()
        return SinkResult(name=name, created=True, location="stdout")

    async def phase(self, name: str) -> str | None:
        """Stdout keeps no state."""
        return None


class KubernetesSink:
    """Creates CodeRuns through the API server (in-cluster config or a kubeconfig)."""

    name = "kubernetes"

    def __init__(self, namespace: str, api: Any) -> None:
        self.namespace = namespace
        self._api = api

    @classmethod
    def from_settings(cls, settings: SinkSettings) -> KubernetesSink:
        """Load in-cluster credentials, else the kubeconfig."""
        from kubernetes import client, config

        try:
            config.load_incluster_config()  # type: ignore[no-untyped-call]
        except config.ConfigException:
            config.load_kube_config(  # type: ignore[no-untyped-call]
                config_file=str(settings.kubeconfig) if settings.kubeconfig else None
            )
        return cls(settings.namespace, client.CustomObjectsApi())

    async def create(self, manifest: dict[str, Any]) -> SinkResult:
        """POST the CodeRun; a 409 means it exists already."""
        from kubernetes.client.exceptions import ApiException
        from urllib3.exceptions import HTTPError

        name = str(manifest["metadata"]["name"])
        namespace = str(manifest["metadata"].get("namespace") or self.namespace)
        try:
            await asyncio.to_thread(
                self._api.create_namespaced_custom_object,
                GROUP,
                VERSION,
                namespace,
                PLURAL,
                manifest,
                _request_timeout=30,
            )
        except ApiException as exc:
            if exc.status == 409:
                return SinkResult(name=name, created=False, location=f"{namespace}/{name}")
            raise SinkError(f"kubernetes create {name}: {exc.status} {exc.reason}") from exc
        except (OSError, HTTPError) as exc:  # connection refused, DNS, TLS, retries exhausted
            raise SinkError(f"kubernetes unreachable: {exc}") from exc
        return SinkResult(name=name, created=True, location=f"{namespace}/{name}")

    async def phase(self, name: str) -> str | None:
        """Read ``status.phase`` of a CodeRun."""
        from kubernetes.client.exceptions import ApiException
        from urllib3.exceptions import HTTPError

        try:
            obj = await asyncio.to_thread(
                self._api.get_namespaced_custom_object,
                GROUP,
                VERSION,
                self.namespace,
                PLURAL,
                name,
                _request_timeout=30,
            )
        except (ApiException, OSError, HTTPError):
            return None
        status = obj.get("status") if isinstance(obj, dict) else None
        phase = status.get("phase") if isinstance(status, dict) else None
        return str(phase) if phase else None


def build_sink(settings: SinkSettings) -> CodeRunSink:
    """The sink ``HEALER_SINK__KIND`` names."""
    if settings.kind == "stdout":
        return StdoutSink()
    if settings.kind == "kubernetes":
        return KubernetesSink.from_settings(settings)
    return FileSink(settings.dir)
