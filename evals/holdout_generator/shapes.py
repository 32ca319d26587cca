"""Output layouts of programs that cannot run here, wrapped around real inner output.

BuildKit (``docker/build-push-action``'s plain progress), ``helm upgrade``, the ``argocd`` CLI,
and the Kubernetes / Argo CD objects that context sources return. The inner tool's lines (a
``cargo build`` inside ``RUN``, the panic in a pod's log) always come from a real run in
``real.py``; only the wrapper's own frame is laid out here, as those programs print it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from gha import h, sha
from kubernetes import client as k8s

API = k8s.ApiClient()


def plain(obj: Any) -> Any:
    """A kubernetes-client model as the API serves it (camelCase keys, RFC 3339 times)."""
    return _utc(API.sanitize_for_serialization(obj))


def _utc(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _utc(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_utc(v) for v in value]
    if isinstance(value, str) and value.endswith("+00:00") and "T" in value:
        return value[:-6] + "Z"
    return value


# ------------------------------------------------------------------ BuildKit

STEP_KINDS = ("RUN", "COPY", "ADD", "WORKDIR")


def _stages(dockerfile: str) -> list[tuple[str, str, list[tuple[int, str]]]]:
    """(stage name, base image, [(line number, instruction)]) per stage."""
    stages: list[tuple[str, str, list[tuple[int, str]]]] = []
    for n, raw in enumerate(dockerfile.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        word = line.split()[0].upper()
        if word == "FROM":
            parts = line.split()
            name = (
                parts[3] if len(parts) > 3 and parts[2].upper() == "AS" else f"stage-{len(stages)}"
            )
            stages.append((name, parts[1], [(n, line)]))
        elif word in STEP_KINDS and stages:
            stages[-1][2].append((n, line))
    return stages


def _image(ref: str) -> str:
    if "/" not in ref.split(":")[0]:
        return f"docker.io/library/{ref}"
    if ref.count("/") == 1 and "." not in ref.split("/")[0]:
        return f"docker.io/{ref}"
    return ref


def _snippet(dockerfile: str, line: int) -> list[str]:
    rows = dockerfile.splitlines()
    out = [f"Dockerfile:{line}", "--------------------"]
    for n in range(max(1, line - 2), min(len(rows), line + 2) + 1):
        mark = ">>>" if n == line else "   "
        out.append(f"{n:>4} | {mark} {rows[n - 1]}".rstrip())
    out.append("--------------------")
    return out


class BuildKit:
    """The plain-progress log of one ``docker buildx build`` up to the failing vertex."""

    def __init__(self, key: str, dockerfile: str, context_kb: float = 412.6) -> None:
        self.key = key
        self.dockerfile = dockerfile
        self.stages = _stages(dockerfile)
        self.lines: list[str] = [
            f'#0 building with "builder-{sha(key)[:8]}-{sha(key)[8:12]}" instance using '
            "docker-container driver",
            "",
            "#1 [internal] load build definition from Dockerfile",
            f"#1 transferring dockerfile: {len(dockerfile.encode())}B done",
            "#1 DONE 0.0s",
            "",
        ]
        self.n = 1
        self.context_kb = context_kb

    def _next(self) -> int:
        self.n += 1
        return self.n

    def metadata(self, missing: str | None = None) -> str | None:
        """Resolve base images; returns the error text if ``missing`` is one of them."""
        for _, base, _ in self.stages:
            if base in {s[0] for s in self.stages}:
                continue
            n = self._next()
            self.lines.append(f"#{n} [internal] load metadata for {_image(base)}")
            if base == missing:
                err = f"{_image(base)}: not found"
                self.lines += [f"#{n} ERROR: {err}", ""]
                line = next(ln for ln, text in self.stages[0][2] if text.startswith("FROM"))
                for _name, b, instr in self.stages:
                    if b == missing:
                        line = instr[0][0]
                self.lines += [
                    "------",
                    f" > [internal] load metadata for {_image(base)}:",
                    "------",
                    *_snippet(self.dockerfile, line),
                ]
                return (
                    f"{base}: failed to resolve source metadata for {_image(base)}: "
                    f"{_image(base)}: not found"
                )
            self.lines += [f"#{n} DONE {h(self.key + base, 3, 19) / 10:.1f}s", ""]
        n = self._next()
        self.lines += [
            f"#{n} [internal] load .dockerignore",
            f"#{n} transferring context: 2B done",
            f"#{n} DONE 0.0s",
            "",
        ]
        return None

    def run_until(
        self,
        fail_line: int | None,
        inner: list[str] | None = None,
        code: int = 1,
        shell: str = "/bin/sh -c",
        copy_missing: str | None = None,
    ) -> str | None:
        """Walk the stages; the instruction on ``fail_line`` fails with ``inner`` output."""
        ctx = self._next()
        self.lines += [
            f"#{ctx} [internal] load build context",
            f"#{ctx} transferring context: {self.context_kb}kB done",
            f"#{ctx} DONE 0.{h(self.key, 1, 9)}s",
            "",
        ]
        for name, base, instr in self.stages:
            total = len(instr)
            for i, (line, text) in enumerate(instr, 1):
                n = self._next()
                shown = text
                if i == 1:
                    digest = sha(self.key + base) + sha(base)[:24]
                    shown = f"FROM {_image(base)}@sha256:{digest}"
                label = f"[{name} {i}/{total}] {shown}"
                if line != fail_line:
                    if i == 1:
                        self.lines += [f"#{n} {label}", f"#{n} DONE 0.0s", ""]
                    else:
                        self.lines += (
                            [f"#{n} {label}", f"#{n} CACHED", ""]
                            if text.split()[0].upper() != "RUN"
                            else [
                                f"#{n} {label}",
                                f"#{n} DONE {h(self.key + text, 5, 400) / 10:.1f}s",
                                "",
                            ]
                        )
                    continue
                self.lines.append(f"#{n} {label}")
                if copy_missing:
                    ref = f"{sha(self.key + 'ref')[:25]}::{sha(self.key + 'x')[:25]}"
                    err = f'failed to calculate checksum of ref {ref}: "{copy_missing}": not found'
                    self.lines += [f"#{n} ERROR: {err}", ""]
                    self.lines += [
                        "------",
                        f" > {label}:",
                        "------",
                        *_snippet(self.dockerfile, line),
                    ]
                    return f"failed to compute cache key: {err}"
                t = 0.2 + h(self.key + "t0", 1, 9) / 10
                stamped = []
                for k, out in enumerate(inner or []):
                    t += h(f"{self.key}:{k}", 1, 400) / 1000
                    stamped.append(f"{t:.3f} {out}".rstrip())
                self.lines += [f"#{n} {s}" for s in stamped]
                cmd = text.split(None, 1)[1]
                err = f'process "{shell} {cmd}" did not complete successfully: exit code: {code}'
                self.lines += [
                    f"#{n} ERROR: {err}",
                    "",
                    "------",
                    f" > {label}:",
                    *stamped[-10:],
                    "------",
                    *_snippet(self.dockerfile, line),
                ]
                return err
        return None

    def push_denied(self, ref: str, message: str) -> str:
        n = self._next()
        self.lines += [
            f"#{n} exporting to image",
            f"#{n} exporting layers 0.9s done",
            f"#{n} exporting manifest sha256:{sha(self.key + 'm')}{sha('m')[:24]} done",
            f"#{n} naming to {ref} done",
            f"#{n} pushing layers 1.1s done",
            f"#{n} ERROR: failed to push {ref}: {message}",
            "",
            "------",
            " > exporting to image:",
            "------",
        ]
        return f"failed to push {ref}: {message}"

    def finish(self, error: str) -> list[str]:
        return [*self.lines, f"ERROR: failed to build: failed to solve: {error}"]


def parse_error(key: str, dockerfile: str, line: int, message: str) -> tuple[list[str], str]:
    """BuildKit's frontend rejecting the Dockerfile before any step runs."""
    bk = BuildKit(key, dockerfile)
    err = f"dockerfile parse error on line {line}: {message}"
    return [
        *bk.lines,
        *_snippet(dockerfile, line),
        f"ERROR: failed to build: failed to solve: {err}",
    ], err


# ------------------------------------------------------------------ helm


def helm_upgrade(
    release: str, chart: str, namespace: str, error: str, installing: bool = False
) -> tuple[str, list[str]]:
    """``helm upgrade --install --wait`` failing: its command and what helm prints."""
    cmd = (
        f"helm upgrade --install {release} {chart} --namespace {namespace} "
        "--values values-staging.yaml --wait --timeout 5m"
    )
    out = [f'Release "{release}" does not exist. Installing it now.'] if installing else []
    verb = "INSTALLATION" if installing else "UPGRADE"
    return cmd, [*out, f"Error: {verb} FAILED: {error}"]


# ------------------------------------------------------------------ argocd CLI


def argocd_summary(
    app: str,
    project: str,
    namespace: str,
    repo: str,
    path: str,
    revision: str,
    sync: str,
    health: str,
    phase: str | None = None,
    message: str = "",
    resources: list[tuple[str, ...]] | None = None,
    started: datetime | None = None,
) -> list[str]:
    """``argocd app get`` / ``app wait`` summary block and resource table."""
    out = [
        f"Name:               argocd/{app}",
        f"Project:            {project}",
        "Server:             https://kubernetes.default.svc",
        f"Namespace:          {namespace}",
        f"URL:                https://argocd.5dlabs.ai/applications/{app}",
        "Source:",
        f"- Repo:             https://github.com/{repo}.git",
        "  Target:           main",
        f"  Path:             {path}",
        "SyncWindow:         Sync Allowed",
        "Sync Policy:        Automated (Prune)",
        f"Sync Status:        {sync} from main ({revision[:7]})",
        f"Health Status:      {health}",
    ]
    if phase:
        t0 = started or datetime(2026, 11, 2, 12, 0, 0)
        out += [
            "",
            "Operation:          Sync",
            f"Sync Revision:      {revision}",
            f"Phase:              {phase}",
            f"Start:              {t0:%Y-%m-%d %H:%M:%S} +0000 UTC",
            f"Finished:           {t0 + timedelta(seconds=4):%Y-%m-%d %H:%M:%S} +0000 UTC",
            "Duration:           4s",
            f"Message:            {message}",
        ]
    if resources:
        rows = [
            ("GROUP", "KIND", "NAMESPACE", "NAME", "STATUS", "HEALTH", "HOOK", "MESSAGE"),
            *resources,
        ]
        widths = [max(len(r[i]) for r in rows) for i in range(7)]
        out.append("")
        for r in rows:
            out.append(
                "  ".join(c.ljust(widths[i]) for i, c in enumerate(r[:7])) + "  " + r[7]
                if r[7]
                else "  ".join(c.ljust(widths[i]) for i, c in enumerate(r[:7])).rstrip()
            )
    return out


def logrus_fatal(when: str, msg: str) -> str:
    return f'time="{when}" level=fatal msg="{msg}"'


def argo_application(
    name: str,
    namespace: str,
    repo: str,
    path: str,
    revision: str,
    sync: str,
    health: str,
    health_message: str = "",
    phase: str = "Succeeded",
    op_message: str = "",
    resources: list[dict[str, Any]] | None = None,
    conditions: list[dict[str, Any]] | None = None,
    when: str = "2026-11-02T12:00:04Z",
) -> dict[str, Any]:
    """An ``argoproj.io/v1alpha1`` Application as the Argo CD API returns it."""
    health_obj: dict[str, Any] = {"status": health}
    if health_message:
        health_obj["message"] = health_message
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Application",
        "metadata": {
            "name": name,
            "namespace": "argocd",
            "uid": f"{sha(name)[:8]}-{sha(name)[8:12]}-4{sha(name)[12:15]}-"
            f"8{sha(name)[15:18]}-{sha(name)[18:30]}",
            "resourceVersion": str(h(name + revision, 10**6, 10**7)),
            "generation": h(name, 40, 900),
            "labels": {"app.kubernetes.io/part-of": "cto"},
        },
        "spec": {
            "project": "platform",
            "source": {
                "repoURL": f"https://github.com/{repo}.git",
                "path": path,
                "targetRevision": "main",
            },
            "destination": {"server": "https://kubernetes.default.svc", "namespace": namespace},
            "syncPolicy": {
                "automated": {"prune": True, "selfHeal": True},
                "syncOptions": ["CreateNamespace=true"],
            },
        },
        "status": {
            "sync": {
                "status": sync,
                "revision": revision,
                "comparedTo": {
                    "source": {
                        "repoURL": f"https://github.com/{repo}.git",
                        "path": path,
                        "targetRevision": "main",
                    },
                    "destination": {
                        "server": "https://kubernetes.default.svc",
                        "namespace": namespace,
                    },
                },
            },
            "health": health_obj,
            "operationState": {
                "operation": {
                    "sync": {"revision": revision, "prune": True},
                    "initiatedBy": {"automated": True},
                    "retry": {"limit": 5},
                },
                "phase": phase,
                "message": op_message,
                "startedAt": when,
                "finishedAt": when,
                "syncResult": {
                    "revision": revision,
                    "source": {
                        "repoURL": f"https://github.com/{repo}.git",
                        "path": path,
                        "targetRevision": "main",
                    },
                    "resources": [
                        {
                            k: v
                            for k, v in r.items()
                            if k
                            in (
                                "group",
                                "version",
                                "kind",
                                "namespace",
                                "name",
                                "status",
                                "message",
                                "hookPhase",
                                "syncPhase",
                            )
                        }
                        for r in (resources or [])
                        if "syncPhase" in r
                    ],
                },
            },
            "conditions": conditions or [],
            "resources": [
                {k: v for k, v in r.items() if k not in ("syncPhase", "message", "hookPhase")}
                for r in (resources or [])
            ],
            "reconciledAt": when,
            "sourceType": "Kustomize",
            "summary": {"images": []},
        },
    }


# ------------------------------------------------------------------ Kubernetes objects


def _meta(
    name: str,
    namespace: str,
    labels: dict[str, str],
    created: str,
    owner: tuple[str, str] | None = None,
) -> k8s.V1ObjectMeta:
    owners = None
    if owner:
        owners = [
            k8s.V1OwnerReference(
                api_version="apps/v1",
                kind=owner[0],
                name=owner[1],
                uid=f"{sha(owner[1])[:8]}-{sha(owner[1])[8:12]}-4a1c-9e2d-{sha(owner[1])[12:24]}",
                controller=True,
                block_owner_deletion=True,
            )
        ]
    return k8s.V1ObjectMeta(
        name=name,
        namespace=namespace,
        labels=labels,
        creation_timestamp=datetime.fromisoformat(created.replace("Z", "+00:00")),
        uid=f"{sha(name)[:8]}-{sha(name)[8:12]}-4{sha(name)[12:15]}-"
        f"a{sha(name)[15:18]}-{sha(name)[18:30]}",
        resource_version=str(h(name, 10**6, 10**7)),
        owner_references=owners,
    )


def ts(s: str) -> datetime:
    return datetime.fromisoformat(s.replace("Z", "+00:00"))


def pod(
    name: str,
    namespace: str,
    app: str,
    image: str,
    *,
    created: str,
    waiting: tuple[str, str] | None = None,
    terminated: dict[str, Any] | None = None,
    restarts: int = 0,
    ready: bool = False,
    phase: str = "Running",
    port: int | None = None,
    memory_limit: str | None = None,
    env_from_secret: str | None = None,
    container: str | None = None,
    node: str = "k3s-worker-2",
    probe_path: str | None = None,
    owner: tuple[str, str] | None = None,
    conditions_reason: str | None = None,
    scheduled: bool = True,
    pending_message: str | None = None,
) -> dict[str, Any]:
    """A core/v1 Pod built with the client's models and serialised as the API serves it."""
    cname = container or app
    resources = None
    if memory_limit:
        resources = k8s.V1ResourceRequirements(
            limits={"memory": memory_limit, "cpu": "500m"},
            requests={"memory": memory_limit, "cpu": "100m"},
        )
    env_from = (
        [k8s.V1EnvFromSource(secret_ref=k8s.V1SecretEnvSource(name=env_from_secret))]
        if env_from_secret
        else None
    )
    probe = None
    if probe_path and port:
        probe = k8s.V1Probe(
            http_get=k8s.V1HTTPGetAction(path=probe_path, port=port),
            period_seconds=10,
            failure_threshold=3,
        )
    spec = k8s.V1PodSpec(
        containers=[
            k8s.V1Container(
                name=cname,
                image=image,
                resources=resources,
                env_from=env_from,
                ports=[k8s.V1ContainerPort(container_port=port, protocol="TCP")] if port else None,
                readiness_probe=probe,
            )
        ],
        node_name=node if scheduled else None,
        restart_policy="Always",
        service_account_name=app,
    )
    state = None
    last = None
    if waiting:
        state = k8s.V1ContainerState(
            waiting=k8s.V1ContainerStateWaiting(reason=waiting[0], message=waiting[1] or None)
        )
    else:
        state = k8s.V1ContainerState(running=k8s.V1ContainerStateRunning(started_at=ts(created)))
    if terminated:
        last = k8s.V1ContainerState(
            terminated=k8s.V1ContainerStateTerminated(
                exit_code=terminated["exit_code"],
                reason=terminated["reason"],
                started_at=ts(terminated["started"]),
                finished_at=ts(terminated["finished"]),
                container_id=f"containerd://{sha(name + 'c')}{sha(name)[:24]}",
                message=terminated.get("message"),
            )
        )
    cstatus = k8s.V1ContainerStatus(
        name=cname,
        image=image,
        image_id=""
        if waiting and "Pull" in waiting[0]
        else f"{image.split(':')[0]}@sha256:{sha(image)}{sha(image + 'd')[:24]}",
        ready=ready,
        restart_count=restarts,
        started=ready,
        state=state,
        last_state=last,
        container_id=None
        if waiting and "Pull" in waiting[0]
        else f"containerd://{sha(name)}{sha(name + 'x')[:24]}",
    )
    conds = [
        k8s.V1PodCondition(
            type="PodScheduled",
            status="True" if scheduled else "False",
            last_transition_time=ts(created),
            reason=None if scheduled else "Unschedulable",
            message=None if scheduled else pending_message,
        )
    ]
    if scheduled:
        conds += [
            k8s.V1PodCondition(type="Initialized", status="True", last_transition_time=ts(created)),
            k8s.V1PodCondition(
                type="Ready",
                status="True" if ready else "False",
                last_transition_time=ts(created),
                reason=None if ready else conditions_reason or "ContainersNotReady",
                message=None if ready else f"containers with unready status: [{cname}]",
            ),
            k8s.V1PodCondition(
                type="ContainersReady",
                status="True" if ready else "False",
                last_transition_time=ts(created),
                reason=None if ready else "ContainersNotReady",
                message=None if ready else f"containers with unready status: [{cname}]",
            ),
        ]
    status = k8s.V1PodStatus(
        phase=phase,
        conditions=conds,
        host_ip="10.0.1.12" if scheduled else None,
        pod_ip=f"10.42.{h(name, 0, 4)}.{h(name, 2, 250)}" if scheduled else None,
        start_time=ts(created),
        qos_class="Guaranteed" if memory_limit else "BestEffort",
        container_statuses=[cstatus] if scheduled else None,
    )
    obj = k8s.V1Pod(
        api_version="v1",
        kind="Pod",
        metadata=_meta(
            name,
            namespace,
            {
                "app.kubernetes.io/name": app,
                "pod-template-hash": name.split("-")[-2] if name.count("-") >= 2 else "0",
            },
            created,
            owner or ("ReplicaSet", "-".join(name.split("-")[:-1])),
        ),
        spec=spec,
        status=status,
    )
    return dict(plain(obj))


def event(
    namespace: str,
    kind: str,
    name: str,
    reason: str,
    message: str,
    *,
    first: str,
    last: str,
    count: int = 1,
    type_: str = "Warning",
    component: str = "kubelet",
    host: str = "k3s-worker-2",
) -> dict[str, Any]:
    """A core/v1 Event."""
    ev = k8s.CoreV1Event(
        api_version="v1",
        kind="Event",
        metadata=k8s.V1ObjectMeta(
            name=f"{name}.{sha(name + reason + message)[:16]}",
            namespace=namespace,
            resource_version=str(h(name + reason, 10**6, 10**7)),
        ),
        involved_object=k8s.V1ObjectReference(
            api_version="apps/v1"
            if kind in ("Deployment", "ReplicaSet")
            else "batch/v1"
            if kind == "Job"
            else "v1",
            kind=kind,
            name=name,
            namespace=namespace,
            uid=f"{sha(name)[:8]}-{sha(name)[8:12]}-4{sha(name)[12:15]}-a{sha(name)[15:18]}-"
            f"{sha(name)[18:30]}",
            field_path=f"spec.containers{{{'-'.join(name.split('-')[:-2]) or name}}}"
            if kind == "Pod" and component == "kubelet"
            else None,
        ),
        reason=reason,
        message=message,
        type=type_,
        count=count,
        first_timestamp=ts(first),
        last_timestamp=ts(last),
        source=k8s.V1EventSource(
            component=component, host=host if component == "kubelet" else None
        ),
        reporting_component=component,
        reporting_instance=host if component == "kubelet" else "",
    )
    return dict(plain(ev))


def deployment(
    name: str,
    namespace: str,
    replicas: int,
    updated: int,
    available: int,
    generation: int,
    *,
    progressing: tuple[str, str, str] | None = None,
) -> dict[str, Any]:
    """apps/v1 Deployment (for the local API stand-in kubectl talks to)."""
    conds = [
        k8s.V1DeploymentCondition(
            type="Available",
            status="True" if available >= replicas else "False",
            reason="MinimumReplicasAvailable"
            if available >= replicas
            else "MinimumReplicasUnavailable",
            message="Deployment has minimum availability."
            if available >= replicas
            else "Deployment does not have minimum availability.",
        )
    ]
    p = progressing or (
        "True",
        "ReplicaSetUpdated",
        f'ReplicaSet "{name}-{sha(name)[:10]}" is progressing.',
    )
    conds.append(
        k8s.V1DeploymentCondition(type="Progressing", status=p[0], reason=p[1], message=p[2])
    )
    obj = k8s.V1Deployment(
        api_version="apps/v1",
        kind="Deployment",
        metadata=k8s.V1ObjectMeta(
            name=name,
            namespace=namespace,
            generation=generation,
            resource_version="4711",
            uid=sha(name)[:8],
        ),
        spec=k8s.V1DeploymentSpec(
            replicas=replicas,
            selector=k8s.V1LabelSelector(match_labels={"app.kubernetes.io/name": name}),
            template=k8s.V1PodTemplateSpec(
                metadata=k8s.V1ObjectMeta(labels={"app.kubernetes.io/name": name}),
                spec=k8s.V1PodSpec(containers=[k8s.V1Container(name=name, image=name)]),
            ),
        ),
        status=k8s.V1DeploymentStatus(
            observed_generation=generation,
            replicas=max(replicas, updated),
            updated_replicas=updated,
            ready_replicas=available,
            available_replicas=available,
            unavailable_replicas=max(replicas - available, 0) or None,
            conditions=conds,
        ),
    )
    return dict(plain(obj))
