"""Cluster context for cases whose cause is in the cluster: pods and events in the
Kubernetes API shape (built with the ``kubernetes`` client's models and serialised by its
``ApiClient``), Argo CD Applications (the case format's short form and the full
``argoproj.io/v1alpha1`` object), and Prometheus results.

Times and ids are derived from the case id, so a rebuild gives the same objects.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

from kubernetes import client as k8s
from layout import EPOCH, num

API = k8s.ApiClient()


def ser(obj: Any) -> Any:
    """An API object as the API server returns it (camelCase, RFC 3339 times)."""
    return API.sanitize_for_serialization(obj)


def when(key: str, offset_s: int = 0) -> datetime:
    """A time on the case's own timeline: ``key`` is the case id, optionally followed by
    ``:<part>``; the case's log starts at the same minute."""
    case = key.split(":", 1)[0]
    return (EPOCH + timedelta(minutes=num(case, 0, 60 * 24 * 40), seconds=offset_s)).replace(
        tzinfo=UTC
    )


def rs_hash(key: str) -> str:
    alphabet = "bcdfghjklmnpqrstvwxz2456789"
    h = int(hashlib.sha256(key.encode()).hexdigest(), 16)
    return "".join(alphabet[(h >> (5 * i)) % len(alphabet)] for i in range(10))


def uid(key: str) -> str:
    h = hashlib.sha256(f"uid:{key}".encode()).hexdigest()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def pod_name(key: str, app: str) -> str:
    h = rs_hash(key)
    return f"{app}-{h[:9].replace('b', '6')[:9]}-{h[5:10]}"


def pod(
    key: str,
    app: str,
    image: str,
    *,
    namespace: str = "cto",
    phase: str = "Running",
    ready: bool = False,
    restarts: int = 0,
    waiting: tuple[str, str] | None = None,
    terminated: tuple[str, int] | None = None,
    last_terminated: tuple[str, int] | None = None,
    limits: dict[str, str] | None = None,
    env_from_secret: str | None = None,
    env_from_configmap: str | None = None,
    port: int = 8080,
    node: str = "pool-a-7k2pq",
    owner: str | None = None,
    name: str | None = None,
    container: str | None = None,
    command: list[str] | None = None,
    conditions: list[tuple[str, str, str]] | None = None,
) -> dict[str, Any]:
    """A pod of ``app`` with one container in the given state."""
    name = name or pod_name(key, app)
    container = container or app
    started = when(key)
    env_from = []
    if env_from_secret:
        env_from.append(k8s.V1EnvFromSource(secret_ref=k8s.V1SecretEnvSource(name=env_from_secret)))
    if env_from_configmap:
        env_from.append(
            k8s.V1EnvFromSource(config_map_ref=k8s.V1ConfigMapEnvSource(name=env_from_configmap))
        )
    spec_container = k8s.V1Container(
        name=container,
        image=image,
        command=command,
        env_from=env_from or None,
        ports=[k8s.V1ContainerPort(container_port=port, name="http", protocol="TCP")],
        resources=k8s.V1ResourceRequirements(
            limits=limits or {"cpu": "500m", "memory": "512Mi"},
            requests={"cpu": "100m", "memory": (limits or {}).get("memory", "256Mi")},
        ),
        image_pull_policy="IfNotPresent",
    )
    state = k8s.V1ContainerState(running=k8s.V1ContainerStateRunning(started_at=when(key, 30)))
    if waiting:
        state = k8s.V1ContainerState(
            waiting=k8s.V1ContainerStateWaiting(reason=waiting[0], message=waiting[1] or None)
        )
    if terminated:
        state = k8s.V1ContainerState(
            terminated=k8s.V1ContainerStateTerminated(
                reason=terminated[0],
                exit_code=terminated[1],
                started_at=when(key, 20),
                finished_at=when(key, 22),
                container_id=f"containerd://{_h64(key + 'c')}",
            )
        )
    last = None
    if last_terminated:
        last = k8s.V1ContainerState(
            terminated=k8s.V1ContainerStateTerminated(
                reason=last_terminated[0],
                exit_code=last_terminated[1],
                started_at=when(key, 280),
                finished_at=when(key, 281),
                container_id=f"containerd://{_h64(key + 'l')}",
            )
        )
    image_id = (
        ""
        if waiting and "Pull" in waiting[0]
        else f"{image.split(':')[0]}@sha256:{hashlib.sha256(image.encode()).hexdigest()}"
    )
    status_conds = conditions or [
        ("PodReadyToStartContainers", "True", ""),
        ("Initialized", "True", ""),
        ("Ready", "True" if ready else "False", "" if ready else "ContainersNotReady"),
        ("ContainersReady", "True" if ready else "False", "" if ready else "ContainersNotReady"),
        ("PodScheduled", "True", ""),
    ]
    owner_refs = None
    if owner:
        kind, oname = owner.split("/")
        owner_refs = [
            k8s.V1OwnerReference(
                api_version="batch/v1" if kind == "Job" else "apps/v1",
                kind=kind,
                name=oname,
                uid=uid(key + oname),
                controller=True,
                block_owner_deletion=True,
            )
        ]
    obj = k8s.V1Pod(
        api_version="v1",
        kind="Pod",
        metadata=k8s.V1ObjectMeta(
            name=name,
            namespace=namespace,
            uid=uid(key + name),
            labels={"app.kubernetes.io/name": app, "pod-template-hash": rs_hash(key)[:9]},
            creation_timestamp=started,
            owner_references=owner_refs,
            resource_version=str(num(key, 100_000, 999_999)),
        ),
        spec=k8s.V1PodSpec(
            containers=[spec_container],
            node_name=node,
            service_account_name=app,
            restart_policy="Never" if owner and owner.startswith("Job") else "Always",
        ),
        status=k8s.V1PodStatus(
            phase=phase,
            host_ip="10.0.3.14",
            pod_ip=f"10.42.{num(key, 0, 8)}.{num(key, 2, 250)}"
            if phase != "Pending" or waiting
            else None,
            start_time=started,
            qos_class="Burstable",
            conditions=[
                k8s.V1PodCondition(
                    type=t, status=s, reason=r or None, last_transition_time=when(key, 5)
                )
                for t, s, r in status_conds
            ],
            container_statuses=[
                k8s.V1ContainerStatus(
                    name=container,
                    image=image,
                    image_id=image_id,
                    ready=ready,
                    restart_count=restarts,
                    started=ready,
                    state=state,
                    last_state=last or k8s.V1ContainerState(),
                )
            ]
            if conditions is None or waiting or terminated
            else None,
        ),
    )
    return ser(obj)


def event(
    key: str,
    obj: str,
    reason: str,
    message: str,
    *,
    type_: str = "Warning",
    count: int = 1,
    namespace: str = "cto",
    component: str = "kubelet",
    node: str | None = "pool-a-7k2pq",
) -> dict[str, Any]:
    """A core/v1 Event about ``obj`` (``Kind/name``)."""
    kind, name = obj.split("/", 1)
    api = {
        "Pod": "v1",
        "Deployment": "apps/v1",
        "ReplicaSet": "apps/v1",
        "Job": "batch/v1",
        "Service": "v1",
        "PersistentVolumeClaim": "v1",
        "StatefulSet": "apps/v1",
    }[kind]
    ev = k8s.CoreV1Event(
        api_version="v1",
        kind="Event",
        metadata=k8s.V1ObjectMeta(
            name=f"{name}.{_h16(key + reason)}",
            namespace=namespace,
            creation_timestamp=when(key, 40),
        ),
        involved_object=k8s.V1ObjectReference(
            api_version=api, kind=kind, name=name, namespace=namespace, uid=uid(key + name)
        ),
        reason=reason,
        message=message,
        type=type_,
        count=count,
        first_timestamp=when(key, 40),
        last_timestamp=when(key, 40 + 30 * (count - 1)),
        source=k8s.V1EventSource(
            component=component, host=node if component == "kubelet" else None
        ),
        reporting_component=component,
        reporting_instance=node or "",
    )
    return ser(ev)


def deployment(
    key: str,
    app: str,
    image: str,
    *,
    replicas: int = 2,
    available: int = 0,
    namespace: str = "cto",
    port: int = 8080,
    limits: dict[str, str] | None = None,
    progressing: tuple[str, str] | None = None,
) -> dict[str, Any]:
    """A Deployment whose rollout is (or is not) complete."""
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
            last_transition_time=when(key, 10),
            last_update_time=when(key, 10),
        )
    ]
    reason, msg = progressing or (
        "ReplicaSetUpdated",
        f'ReplicaSet "{app}-{rs_hash(key)[:9]}" is progressing.',
    )
    conds.append(
        k8s.V1DeploymentCondition(
            type="Progressing",
            status="False" if reason == "ProgressDeadlineExceeded" else "True",
            reason=reason,
            message=msg,
            last_transition_time=when(key, 12),
            last_update_time=when(key, 12),
        )
    )
    obj = k8s.V1Deployment(
        api_version="apps/v1",
        kind="Deployment",
        metadata=k8s.V1ObjectMeta(
            name=app,
            namespace=namespace,
            generation=7,
            uid=uid(key + app),
            resource_version="4711",
            labels={"app.kubernetes.io/name": app},
        ),
        spec=k8s.V1DeploymentSpec(
            replicas=replicas,
            progress_deadline_seconds=600,
            selector=k8s.V1LabelSelector(match_labels={"app.kubernetes.io/name": app}),
            template=k8s.V1PodTemplateSpec(
                metadata=k8s.V1ObjectMeta(labels={"app.kubernetes.io/name": app}),
                spec=k8s.V1PodSpec(
                    containers=[
                        k8s.V1Container(
                            name=app,
                            image=image,
                            ports=[k8s.V1ContainerPort(container_port=port, name="http")],
                            resources=k8s.V1ResourceRequirements(limits=limits),
                        )
                    ]
                ),
            ),
        ),
        status=k8s.V1DeploymentStatus(
            observed_generation=7,
            replicas=replicas,
            updated_replicas=replicas,
            ready_replicas=available or None,
            available_replicas=available or None,
            unavailable_replicas=(replicas - available) or None,
            conditions=conds,
        ),
    )
    return ser(obj)


def job(
    key: str,
    name: str,
    image: str,
    *,
    failed: int = 0,
    backoff_limit: int = 2,
    namespace: str = "cto",
    hook: str | None = None,
) -> dict[str, Any]:
    """A batch/v1 Job (a migration or a Helm hook) with its failure condition."""
    conds = []
    if failed > backoff_limit:
        conds = [
            k8s.V1JobCondition(
                type="Failed",
                status="True",
                reason="BackoffLimitExceeded",
                message="Job has reached the specified backoff limit",
                last_probe_time=when(key, 300),
                last_transition_time=when(key, 300),
            )
        ]
    annotations = (
        {
            "helm.sh/hook": hook,
            "helm.sh/hook-weight": "-5",
            "helm.sh/hook-delete-policy": "before-hook-creation",
        }
        if hook
        else None
    )
    obj = k8s.V1Job(
        api_version="batch/v1",
        kind="Job",
        metadata=k8s.V1ObjectMeta(
            name=name,
            namespace=namespace,
            uid=uid(key + name),
            annotations=annotations,
            resource_version="4711",
            labels={"app.kubernetes.io/managed-by": "Helm"} if hook else None,
        ),
        spec=k8s.V1JobSpec(
            backoff_limit=backoff_limit,
            template=k8s.V1PodTemplateSpec(
                spec=k8s.V1PodSpec(
                    restart_policy="Never",
                    containers=[k8s.V1Container(name=name.rsplit("-", 1)[-1], image=image)],
                )
            ),
        ),
        status=k8s.V1JobStatus(
            failed=failed or None,
            start_time=when(key),
            conditions=conds or None,
            ready=0,
            active=None if conds else 1,
        ),
    )
    return ser(obj)


def service(
    key: str,
    name: str,
    selector: dict[str, str],
    port: int,
    target: int | str,
    namespace: str = "cto",
) -> dict[str, Any]:
    obj = k8s.V1Service(
        api_version="v1",
        kind="Service",
        metadata=k8s.V1ObjectMeta(name=name, namespace=namespace, uid=uid(key + name)),
        spec=k8s.V1ServiceSpec(
            selector=selector,
            type="ClusterIP",
            cluster_ip=f"10.96.{num(key, 0, 250)}.{num(key + 's', 2, 250)}",
            ports=[k8s.V1ServicePort(name="http", port=port, target_port=target, protocol="TCP")],
        ),
    )
    return ser(obj)


def endpoints(
    key: str, name: str, ready_ips: list[str], port: int, namespace: str = "cto"
) -> dict[str, Any]:
    subsets = (
        [
            k8s.V1EndpointSubset(
                addresses=[k8s.V1EndpointAddress(ip=ip) for ip in ready_ips],
                ports=[k8s.CoreV1EndpointPort(port=port, name="http", protocol="TCP")],
            )
        ]
        if ready_ips
        else None
    )
    obj = k8s.V1Endpoints(
        api_version="v1",
        kind="Endpoints",
        metadata=k8s.V1ObjectMeta(name=name, namespace=namespace),
        subsets=subsets,
    )
    return ser(obj)


# ------------------------------------------------------------------ Argo CD


def argo_short(
    name: str, sync: str, health: str, message: str, unhealthy: list[str] | None = None
) -> dict[str, Any]:
    """The case format's short form of an Application."""
    out: dict[str, Any] = {
        "name": name,
        "sync_status": sync,
        "health_status": health,
        "message": message,
    }
    if unhealthy:
        out["unhealthy_resources"] = unhealthy
    return out


def argo_app(
    key: str,
    name: str,
    sync: str,
    health: str,
    *,
    path: str,
    phase: str = "Succeeded",
    op_message: str = "successfully synced (all tasks run)",
    health_message: str = "",
    resources: list[dict[str, Any]] | None = None,
    conditions: list[tuple[str, str]] | None = None,
    namespace: str = "cto",
    revision: str | None = None,
) -> dict[str, Any]:
    """An ``argoproj.io/v1alpha1`` Application as the Argo CD API serves it."""
    rev = revision or hashlib.sha1(f"commit:{key}".encode()).hexdigest()
    started = when(key, 60)
    status: dict[str, Any] = {
        "sync": {
            "status": sync,
            "revision": rev,
            "comparedTo": {
                "source": {
                    "repoURL": "https://github.com/5dlabs/cto",
                    "path": path,
                    "targetRevision": "main",
                },
                "destination": {"server": "https://kubernetes.default.svc", "namespace": namespace},
            },
        },
        "health": {
            "status": health,
            **({"message": health_message} if health_message else {}),
            "lastTransitionTime": _t(when(key, 200)),
        },
        "operationState": {
            "operation": {
                "sync": {"revision": rev, "syncStrategy": {"hook": {}}},
                "initiatedBy": {"automated": True},
                "retry": {"limit": 5},
            },
            "phase": phase,
            "message": op_message,
            "startedAt": _t(started),
            "finishedAt": _t(when(key, 95)),
            "syncResult": {
                "revision": rev,
                "source": {
                    "repoURL": "https://github.com/5dlabs/cto",
                    "path": path,
                    "targetRevision": "main",
                },
            },
        },
        "resources": resources or [],
        "reconciledAt": _t(when(key, 240)),
        "sourceType": "Kustomize" if "gitops" in path else "Helm",
        "summary": {"images": sorted({r["image"] for r in resources or [] if "image" in r})},
    }
    for r in status["resources"]:
        r.pop("image", None)
    if not status["summary"]["images"]:
        del status["summary"]
    if conditions:
        status["conditions"] = [
            {"type": t, "message": m, "lastTransitionTime": _t(when(key, 230))}
            for t, m in conditions
        ]
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Application",
        "metadata": {
            "name": name,
            "namespace": "argocd",
            "uid": uid(key + name),
            "resourceVersion": str(num(key, 1_000_000, 9_999_999)),
            "generation": num(key, 20, 400),
            "creationTimestamp": "2026-03-02T11:40:12Z",
        },
        "spec": {
            "project": "default",
            "source": {
                "repoURL": "https://github.com/5dlabs/cto",
                "path": path,
                "targetRevision": "main",
            },
            "destination": {"server": "https://kubernetes.default.svc", "namespace": namespace},
            "syncPolicy": {
                "automated": {"prune": True, "selfHeal": True},
                "syncOptions": ["CreateNamespace=true"],
            },
        },
        "status": status,
    }


def argo_resource(
    kind: str,
    name: str,
    sync: str = "Synced",
    health: str | None = "Healthy",
    message: str = "",
    namespace: str = "cto",
    group: str = "",
    image: str | None = None,
) -> dict[str, Any]:
    """One entry of ``status.resources``."""
    version = {
        "Deployment": "v1",
        "Service": "v1",
        "ConfigMap": "v1",
        "Job": "v1",
        "Ingress": "v1",
        "StatefulSet": "v1",
        "Secret": "v1",
    }.get(kind, "v1")
    group = group or {
        "Deployment": "apps",
        "StatefulSet": "apps",
        "Job": "batch",
        "Ingress": "networking.k8s.io",
    }.get(kind, "")
    out: dict[str, Any] = {
        "group": group,
        "version": version,
        "kind": kind,
        "namespace": namespace,
        "name": name,
        "status": sync,
    }
    if group == "":
        del out["group"]
    if health:
        out["health"] = {"status": health, **({"message": message} if message else {})}
    if image:
        out["image"] = image
    return out


def _h64(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _h16(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:16]


def _t(d: datetime) -> str:
    return d.strftime("%Y-%m-%dT%H:%M:%SZ")


# ------------------------------------------------------------------ Prometheus


def prom_value(key: str, labels: dict[str, str], value: float | str) -> list[dict[str, Any]]:
    """An instant-vector result."""
    ts = int(when(key, 300).timestamp())
    return [{"metric": labels, "value": [ts, str(value)]}]


def prom_series(
    key: str, labels: dict[str, str], values: list[float], step: int = 60
) -> list[dict[str, Any]]:
    """A range-vector result (one series)."""
    ts = int(when(key).timestamp())
    return [{"metric": labels, "values": [[ts + i * step, str(v)] for i, v in enumerate(values)]}]
