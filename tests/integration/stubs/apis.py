"""Route tables for stubs of the GitHub, Argo CD, Loki and Kubernetes HTTP APIs.

Each body follows the shape the real API documents (field names, nesting, list wrappers),
trimmed to fields a reader of that API may rely on:

- GitHub REST v3 ("Get a pull request", "List pull request files", "List reviews for a
  pull request", "Get a commit", "Compare two commits", "List jobs for a workflow run",
  "Download job logs" answering 302 to the log, "List check run annotations"), served under GitHub Enterprise's ``/api/v3`` prefix
  because GitHub's own MCP server is pointed at it as a GHES host;
- Argo CD API v1 (``v1alpha1.Application``: ``spec.source.repoURL``, ``status.sync``,
  ``status.health``, ``status.operationState``, ``status.conditions``,
  ``status.resources``; an unknown app is Argo CD's gRPC-gateway error body);
- Loki HTTP API (``GET /loki/api/v1/query_range`` → ``{status, data: {resultType:
  "streams", result: [{stream, values: [[ns, line]]}], stats}}``, ``/labels``);
- Kubernetes API (legacy discovery ``/api``, ``/apis``, ``/api/v1`` APIResourceList; core/v1
  PodList and EventList).
"""

from __future__ import annotations

import time
from typing import Any

Route = dict[str, Any]
OWNER, REPO, SHA = "acme", "shop", "deadbeefcafe0000000000000000000000000000"
PARENT = "c0ffee" + "0" * 34
RUN_ID, JOB_ID, PR = 777, 9001, 42

JOB_LOG = """2026-11-24T10:00:00.0000000Z ##[group]Run helm upgrade --install web ./chart
2026-11-24T10:00:01.0000000Z Release "web" has been upgraded. Waiting for rollout.
2026-11-24T10:04:59.0000000Z Error: UPGRADE FAILED: timed out waiting for the condition
2026-11-24T10:05:00.0000000Z ##[error]Process completed with exit code 1.
"""


def _user(login: str) -> dict[str, Any]:
    return {
        "login": login,
        "id": 1,
        "type": "User",
        "site_admin": False,
        "html_url": f"https://github.com/{login}",
    }


def github_routes(prefix: str = "/api/v3") -> list[Route]:
    """A failed deploy job on a PR that changed the chart."""
    repo_path = f"{prefix}/repos/{OWNER}/{REPO}"
    repo = {
        "id": 10,
        "name": REPO,
        "full_name": f"{OWNER}/{REPO}",
        "private": False,
        "owner": _user(OWNER),
        "default_branch": "main",
    }
    pull = {
        "url": f"https://api.github.com/repos/{OWNER}/{REPO}/pulls/{PR}",
        "id": 4200,
        "number": PR,
        "state": "open",
        "locked": False,
        "title": "Bump web to 1.4.2",
        "user": _user("dev"),
        "body": "New image for web.",
        "draft": False,
        "merged": False,
        "labels": [
            {"id": 1, "name": "deploy", "color": "0e8a16", "default": False},
            {"id": 2, "name": "infra", "color": "1d76db", "default": False},
        ],
        "head": {
            "label": f"{OWNER}:bump-web",
            "ref": "bump-web",
            "sha": SHA,
            "user": _user(OWNER),
            "repo": repo,
        },
        "base": {
            "label": f"{OWNER}:main",
            "ref": "main",
            "sha": "0" * 40,
            "user": _user(OWNER),
            "repo": repo,
        },
        "html_url": f"https://github.com/{OWNER}/{REPO}/pull/{PR}",
        "created_at": "2026-11-24T09:00:00Z",
        "updated_at": "2026-11-24T10:00:00Z",
        "commits": 1,
        "additions": 11,
        "deletions": 3,
        "changed_files": 2,
    }
    files = [
        {
            "sha": "a" * 40,
            "filename": "chart/templates/deployment.yaml",
            "status": "modified",
            "additions": 9,
            "deletions": 1,
            "changes": 10,
            "patch": "@@ -1 +1 @@",
        },
        {
            "sha": "b" * 40,
            "filename": "chart/values.yaml",
            "status": "modified",
            "additions": 2,
            "deletions": 2,
            "changes": 4,
            "patch": "@@ -3 +3 @@",
        },
    ]
    reviews = [
        {
            "id": 1,
            "user": _user("alice"),
            "state": "COMMENTED",
            "body": "looks risky",
            "submitted_at": "2026-11-24T09:10:00Z",
            "commit_id": SHA,
        },
        {
            "id": 2,
            "user": _user("alice"),
            "state": "APPROVED",
            "body": "",
            "submitted_at": "2026-11-24T09:20:00Z",
            "commit_id": SHA,
        },
    ]
    commit = {
        "sha": SHA,
        "html_url": f"https://github.com/{OWNER}/{REPO}/commit/{SHA}",
        "commit": {
            "message": "chore: bump web to 1.4.2",
            "author": {"name": "dev", "date": "2026-11-24T09:00:00Z"},
        },
        "author": _user("dev"),
        "parents": [{"sha": PARENT}],
        "stats": {"total": 14, "additions": 11, "deletions": 3},
        "files": files,
    }
    job = {
        "id": JOB_ID,
        "run_id": RUN_ID,
        "name": "deploy",
        "head_sha": SHA,
        "status": "completed",
        "conclusion": "failure",
        "steps": [
            {"name": "Checkout", "status": "completed", "conclusion": "success", "number": 1},
            {"name": "Helm upgrade", "status": "completed", "conclusion": "failure", "number": 2},
        ],
    }
    return [
        {"path": f"{repo_path}/pulls/{PR}", "body": pull},
        {"path": f"{repo_path}/pulls/{PR}/files", "body": files},
        {"path": f"{repo_path}/pulls/{PR}/reviews", "body": reviews},
        {"path": f"{repo_path}/actions/jobs/{JOB_ID}", "body": job},
        {
            "path": f"{repo_path}/actions/runs/{RUN_ID}/jobs",
            "body": {"total_count": 1, "jobs": [job]},
        },
        {
            "path": f"{repo_path}/actions/jobs/{JOB_ID}/logs",
            "status": 302,
            "body": "",
            "headers": {"Location": f"{{STUB}}/job-logs/{JOB_ID}.txt"},
        },
        {
            "path": f"/job-logs/{JOB_ID}.txt",
            "body": JOB_LOG,
            "headers": {"Content-Type": "text/plain"},
        },
        {
            "path": f"{repo_path}/check-runs/{JOB_ID}/annotations",
            "body": [
                {
                    "path": ".github/workflows/deploy.yml",
                    "start_line": 30,
                    "end_line": 30,
                    "annotation_level": "failure",
                    "title": "",
                    "message": "Process completed with exit code 1.",
                }
            ],
        },
        {"path": f"{repo_path}/commits/{SHA}/pulls", "body": [pull]},
        {"path": f"{repo_path}/commits/{SHA}", "body": commit},
        {"path": f"{repo_path}/commits", "body": [commit]},
        {
            "path": f"re:{repo_path}/compare/.+",
            "body": {
                "status": "ahead",
                "ahead_by": 1,
                "behind_by": 0,
                "total_commits": 1,
                "base_commit": {"sha": PARENT},
                "merge_base_commit": {"sha": PARENT},
                "commits": [commit],
                "files": files,
            },
        },
        {"path": f"{repo_path}/pulls", "body": [pull]},
    ]


APP = {
    "apiVersion": "argoproj.io/v1alpha1",
    "kind": "Application",
    "metadata": {"name": "web", "namespace": "argocd"},
    "spec": {
        "project": "default",
        "source": {
            "repoURL": f"https://github.com/{OWNER}/{REPO}.git",
            "path": "chart",
            "targetRevision": "HEAD",
        },
        "destination": {"server": "https://kubernetes.default.svc", "namespace": "shop"},
    },
    "status": {
        "sync": {"status": "OutOfSync", "revision": SHA},
        "health": {
            "status": "Degraded",
            "message": "Deployment web exceeded its progress deadline",
        },
        "operationState": {"phase": "Failed", "message": "one or more objects failed to apply"},
        "conditions": [{"type": "SyncError", "message": f"Failed sync attempt to {SHA[:7]}"}],
        "resources": [
            {
                "group": "apps",
                "version": "v1",
                "kind": "Deployment",
                "namespace": "shop",
                "name": "web",
                "status": "OutOfSync",
                "health": {"status": "Degraded"},
            },
            {
                "version": "v1",
                "kind": "Service",
                "namespace": "shop",
                "name": "web",
                "status": "Synced",
                "health": {"status": "Healthy"},
            },
        ],
    },
}


def argocd_routes() -> list[Route]:
    """One degraded app deployed from the repository."""
    return [
        {"path": "/api/v1/applications", "body": {"metadata": {}, "items": [APP]}},
        {"path": "/api/v1/applications/web", "body": APP},
        {
            "path": "/api/v1/applications/gone",
            "status": 404,
            "body": {
                "error": 'applications.argoproj.io "gone" not found',
                "code": 5,
                "message": 'applications.argoproj.io "gone" not found',
            },
        },
    ]


def loki_routes(lines: list[str] | None = None) -> list[Route]:
    """Error lines of the ``shop`` namespace, newest first."""
    now = time.time_ns()
    lines = lines or [
        'level=error msg="upstream web unavailable" status=503',
        'level=error msg="readiness probe failed" pod=web-7d9f-abc',
    ]
    values = [[str(now - i * 1_000_000_000), line] for i, line in enumerate(lines)]
    body = {
        "status": "success",
        "data": {
            "resultType": "streams",
            "result": [
                {"stream": {"namespace": "shop", "app": "web", "level": "error"}, "values": values}
            ],
            "stats": {"summary": {"totalEntriesReturned": len(values)}},
        },
    }
    return [
        {"path": "/loki/api/v1/query_range", "body": body},
        {
            "path": "/loki/api/v1/labels",
            "body": {"status": "success", "data": ["app", "level", "namespace"]},
        },
    ]


def _resource(name: str, kind: str, namespaced: bool = True) -> dict[str, Any]:
    return {
        "name": name,
        "singularName": "",
        "namespaced": namespaced,
        "kind": kind,
        "verbs": ["get", "list", "watch"],
    }


def kubernetes_routes(namespace: str = "shop") -> list[Route]:
    """A pod that cannot pull its image, a healthy one, and the kubelet's warning."""
    pods = {
        "kind": "PodList",
        "apiVersion": "v1",
        "metadata": {"resourceVersion": "1"},
        "items": [
            {
                "metadata": {
                    "name": "web-7d9f-abc",
                    "namespace": namespace,
                    "labels": {"app": "web"},
                },
                "spec": {"containers": [{"name": "web", "image": "ghcr.io/acme/web:1.4.2"}]},
                "status": {
                    "phase": "Pending",
                    "containerStatuses": [
                        {
                            "name": "web",
                            "ready": False,
                            "restartCount": 0,
                            "image": "ghcr.io/acme/web:1.4.2",
                            "imageID": "",
                            "state": {
                                "waiting": {
                                    "reason": "ImagePullBackOff",
                                    "message": "Back-off pulling image ghcr.io/acme/web:1.4.2",
                                }
                            },
                        }
                    ],
                },
            },
            {
                "metadata": {"name": "db-0", "namespace": namespace},
                "spec": {"containers": [{"name": "db", "image": "postgres:16"}]},
                "status": {
                    "phase": "Running",
                    "containerStatuses": [
                        {
                            "name": "db",
                            "ready": True,
                            "restartCount": 0,
                            "image": "postgres:16",
                            "imageID": "",
                            "state": {"running": {"startedAt": "2026-11-20T00:00:00Z"}},
                        }
                    ],
                },
            },
        ],
    }
    events = {
        "kind": "EventList",
        "apiVersion": "v1",
        "metadata": {"resourceVersion": "1"},
        "items": [
            {
                "metadata": {"name": "web-7d9f-abc.17a", "namespace": namespace},
                "involvedObject": {
                    "kind": "Pod",
                    "name": "web-7d9f-abc",
                    "namespace": namespace,
                    "apiVersion": "v1",
                },
                "reason": "Failed",
                "type": "Warning",
                "count": 4,
                "message": 'Failed to pull image "ghcr.io/acme/web:1.4.2": not found',
                "source": {"component": "kubelet"},
                "firstTimestamp": "2026-11-24T10:01:00Z",
                "lastTimestamp": "2026-11-24T10:04:00Z",
            }
        ],
    }
    return [
        {
            "path": "/api",
            "body": {
                "kind": "APIVersions",
                "versions": ["v1"],
                "serverAddressByClientCIDRs": [
                    {"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1:6443"}
                ],
            },
        },
        {"path": "/apis", "body": {"kind": "APIGroupList", "apiVersion": "v1", "groups": []}},
        {
            "path": "/api/v1",
            "body": {
                "kind": "APIResourceList",
                "groupVersion": "v1",
                "resources": [
                    _resource("pods", "Pod"),
                    _resource("pods/log", "Pod"),
                    _resource("events", "Event"),
                    _resource("namespaces", "Namespace", False),
                ],
            },
        },
        {"path": f"/api/v1/namespaces/{namespace}/pods", "body": pods},
        {"path": f"/api/v1/namespaces/{namespace}/events", "body": events},
    ]


def kubeconfig(server: str) -> str:
    """A kubeconfig whose one cluster is ``server`` (plain HTTP, a bearer token)."""
    return (
        "apiVersion: v1\nkind: Config\n"
        f'clusters: [{{name: stub, cluster: {{server: "{server}"}}}}]\n'
        "users: [{name: healer, user: {token: stub-token}}]\n"
        "contexts: [{name: stub, context: {cluster: stub, user: healer, namespace: shop}}]\n"
        "current-context: stub\n"
    )
