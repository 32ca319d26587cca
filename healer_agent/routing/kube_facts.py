"""Kubernetes context as findings rules can match: unhealthy pods, warning events, nodes.

Sources return pods and events in several shapes: API objects (``metadata``/``status``,
core/v1 or events.k8s.io/v1 events), flattened kubectl-like rows (``{name, status,
reason, restarts, exit_code, message}``), a ``{"items": [...]}`` list, or the text an MCP
tool printed (YAML or a ``kubectl get`` table). Each reader accepts all of them and keeps
only what is wrong: a healthy running pod or a ``Normal`` event says nothing about a
failure. Pure: parsing only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

import yaml

from healer_agent.routing.jsonish import as_list, is_map

_FINE_PHASES = {"running", "succeeded", "completed", ""}
_FINE_WAITING = {"", "containercreating", "podinitializing"}
_MAX_FACTS = 40


def _get(obj: Mapping[str, Any], *keys: str) -> Any:
    """The first key present (and not None) among spellings of one field."""
    for key in keys:
        value = obj.get(key)
        if value is not None:
            return value
    return None


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


_HEADER = re.compile(r"\S+(?: \S+)*")


def _table(text: str) -> list[Mapping[str, Any]]:
    """Rows of a ``kubectl get`` table, cut at the header's column starts.

    A header is words in capitals (``LAST SEEN   TYPE   REASON   OBJECT   MESSAGE``); the
    last column takes the rest of the row, so a message keeps its spaces. A row with as
    many cells (two spaces apart) as the header has columns is read by its cells, so a
    table typed by hand need not be aligned.
    """
    lines = [line for line in text.splitlines() if line.strip()]
    if (
        not lines
        or not lines[0].isupper()
        or not ({"NAME", "REASON", "TYPE"} & set(lines[0].split()))
    ):
        return []
    spans = [(m.start(), m.group(0).lower().replace(" ", "_")) for m in _HEADER.finditer(lines[0])]
    if len(spans) == 1 and " " in lines[0].strip():  # columns one space apart: split on words
        keys = lines[0].lower().split()
        width = len(keys) - 1
        return [dict(zip(keys, line.split(None, width), strict=False)) for line in lines[1:]]
    keys = [key for _, key in spans]
    rows: list[Mapping[str, Any]] = []
    for line in lines[1:]:
        cells = re.split(r"\s{2,}", line.strip(), maxsplit=len(keys) - 1)
        if len(cells) == len(keys):  # as many cells as columns: alignment does not matter
            rows.append(dict(zip(keys, cells, strict=True)))
            continue
        row: dict[str, Any] = {}
        for n, (start, key) in enumerate(spans):
            end = spans[n + 1][0] if n + 1 < len(spans) else len(line)
            row[key] = line[start:end].strip()
        rows.append(row)
    return rows


def items(value: Any) -> list[Mapping[str, Any]]:
    """The objects in a list, an ``{"items": [...]}`` wrapper, or text (YAML or a table)."""
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return []
        table = _table(text)
        if table:
            return table
        try:
            docs = list(yaml.safe_load_all(text))
        except (yaml.YAMLError, RecursionError, ValueError):  # not YAML, or hostile YAML
            return []
        out: list[Mapping[str, Any]] = []
        for doc in docs:
            out += items(doc)
        return out
    if is_map(value):
        inner = value.get("items")
        if isinstance(inner, list):
            return [x for x in inner if type(x) is dict or is_map(x)]
        return [value] if value else []
    if isinstance(value, list):
        return [x for x in value if type(x) is dict or is_map(x)]
    return []


def _name(obj: Mapping[str, Any]) -> str:
    meta = obj.get("metadata")
    if is_map(meta) and meta.get("name"):
        return _text(meta["name"])
    return _text(_get(obj, "name", "pod", "NAME"))


def _state(state: Any) -> Iterator[tuple[str, Mapping[str, Any]]]:
    if is_map(state):
        for kind in ("waiting", "terminated"):
            detail = state.get(kind)
            if is_map(detail):
                yield kind, detail


def _container_issues(container: Mapping[str, Any]) -> Iterator[str]:
    """One line per thing wrong with a container (API status or a flattened row)."""
    name = _text(container.get("name"))
    label = f"container {name}" if name else "container"
    found = False
    for when, key in (("", "state"), ("last ", "lastState"), ("last ", "last_state")):
        for kind, detail in _state(container.get(key)):
            reason = _text(detail.get("reason"))
            code = _get(detail, "exitCode", "exit_code")
            if kind == "waiting" and reason.lower() in _FINE_WAITING:
                continue
            if kind == "terminated" and reason == "Completed" and code in (0, None):
                continue
            parts = [f"{label} {when}{kind} {reason}".rstrip()]
            if code is not None:
                parts.append(f"exit code {code}")
            message = _text(detail.get("message"))
            found = True
            yield " ".join(parts) + (f": {message}" if message else "")
    if container.get("ready") is False and not found and "status" not in container:
        yield f"{label} not ready"
    restarts = _get(container, "restartCount", "restarts")
    # restarts of a container that is ready now and last exited cleanly (a node drain, a
    # rollout) are history, not a crash
    settled = container.get("ready") is True and not found
    if (
        isinstance(restarts, (int, str))
        and str(restarts).isdigit()
        and int(restarts) > 0
        and not settled
    ):
        yield f"{label} restarted {restarts} times"


def _plainly_healthy(status: Mapping[str, Any]) -> bool:
    """An API pod status that is running, ready and never restarted (the common case).

    Most pods take this path, so plain ``dict`` is tested inline before ``is_map``.
    """
    phase = status.get("phase")
    if phase not in ("Running", "Succeeded") or status.get("reason"):
        return False
    for cond in as_list(status.get("conditions")):
        if not (type(cond) is dict or is_map(cond)) or cond.get("status") == "False":
            return False
    for container in as_list(status.get("containerStatuses")):
        if (
            not (type(container) is dict or is_map(container))
            or container.get("restartCount")
            or container.get("ready") is False
            or container.get("lastState")
        ):
            return False
        state = container.get("state")
        if not (type(state) is dict or is_map(state)) or (
            "running" not in state and phase == "Running"
        ):
            return False
    return True


# keys of a flattened row that say nothing about its health (the row's own fields are
# copied into the container the slow path reads; these add no line there)
_QUIET_ROW_KEYS = frozenset(
    {
        "name",
        "pod",
        "NAME",
        "namespace",
        "NAMESPACE",
        "kind",
        "status",
        "restarts",
        "RESTARTS",
        "restartCount",
        "ready",
        "age",
        "AGE",
        "node",
        "NODE",
        "ip",
        "IP",
    }
)


def _plainly_healthy_row(row: Mapping[str, Any], status: str) -> bool:
    """A flattened row (``{name, status, restarts}``) that is running and never restarted.

    The common row says nothing, but the general path builds a container from it to find
    that out. Only rows whose every key is known to add no line there take this path:
    a fine status (no ``phase``, ``reason`` or exit code), no restarts, not unready.
    """
    if not _QUIET_ROW_KEYS.issuperset(row) or status.strip().lower() not in _FINE_PHASES:
        return False
    for key in ("restartCount", "restarts"):
        restarts = row.get(key)
        if restarts is not None and not (type(restarts) is int and restarts == 0):
            return False
    ready = row.get("ready", row.get("READY"))
    if isinstance(ready, str):
        return not ("/" in ready and ready.split("/")[0] != ready.split("/")[-1])
    return ready is None or ready is True


def _pod_lines(pod: Mapping[str, Any]) -> list[str]:
    status: Any = pod.get("status")
    flat = not (type(status) is dict or is_map(status))
    if flat:
        if type(status) is str and _plainly_healthy_row(pod, status):
            return []
    elif _plainly_healthy(status):
        return []
    st: Mapping[str, Any] = pod if flat else status
    phase = _text(_get(st, "phase", "STATUS") or (status if flat else ""))
    lines: list[str] = []
    if phase.lower() not in _FINE_PHASES:
        reason = _text(st.get("reason"))
        lines.append(f"phase {phase}" + (f" {reason}" if reason and reason != phase else ""))
    elif _text(st.get("reason")):
        lines.append(f"reason {_text(st.get('reason'))}")
    message = _text(st.get("message"))
    if message:
        lines.append(f"message: {message}")
    conditions = [
        cond
        for cond in as_list(st.get("conditions"))
        if is_map(cond)
        and _text(cond.get("status")) == "False"
        and (cond.get("reason") or cond.get("message"))
    ]
    containers = [
        c
        for key in ("initContainerStatuses", "containerStatuses", "containers")
        for c in as_list(st.get(key))
        if is_map(c)
    ]
    if flat:
        containers.append(
            {k: v for k, v in pod.items() if k != "containers"} | {"state": _flat_state(pod)}
        )
    issues = [line for container in containers for line in _container_issues(container)]
    for cond in conditions:
        if issues and cond.get("reason") == "ContainersNotReady":
            continue  # the containers' own lines say why
        lines.append(
            f"condition {_text(cond.get('type'))} False {_text(cond.get('reason'))}"
            f": {_text(cond.get('message'))}".rstrip(": ")
        )
    lines += issues
    ready = st.get("ready", st.get("READY"))
    if ready is False or (
        isinstance(ready, str) and "/" in ready and ready.split("/")[0] != ready.split("/")[-1]
    ):
        lines.append("not ready")
    return lines


def _flat_state(row: Mapping[str, Any]) -> dict[str, Any]:
    """A flattened row's status/reason/exit code as an API-like container state."""
    status = _text(_get(row, "status", "STATUS", "phase"))
    reason = _text(row.get("reason")) or status
    code = _get(row, "exit_code", "exitCode")
    if code is not None or reason in ("OOMKilled", "Error", "Completed", "ContainerCannotRun"):
        return {"terminated": {"reason": reason, "exitCode": code}}
    if reason and reason.lower() not in _FINE_PHASES:
        return {"waiting": {"reason": reason}}
    return {}


def _state_read(pod: Mapping[str, Any]) -> bool:
    """Whether the pod's state was given at all (an API status, or a row's status/ready)."""
    status = pod.get("status")
    if type(status) is dict or (type(status) is str and status.strip()):
        return True  # the common shapes, without a generator over the spellings
    return is_map(status) or any(
        _text(pod.get(k)) for k in ("status", "STATUS", "phase", "ready", "READY")
    )


def pod_facts(pods: Any) -> list[tuple[str, str]]:
    """(pod name, finding) for every unhealthy pod."""
    return _pod_facts(items(pods))


def _pod_facts(pods: list[Mapping[str, Any]]) -> list[tuple[str, str]]:
    """:func:`pod_facts` of pods :func:`items` already read (not read twice)."""
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for pod in pods:
        lines = _pod_lines(pod)
        name = _name(pod) if lines else ""
        for line in lines:
            text = f"pod {name}: {line}" if name else f"pod: {line}"
            if text not in seen:
                seen.add(text)
                out.append((name, text))
    return out[:_MAX_FACTS]


def event_facts(events: Any) -> list[tuple[str, str]]:
    """(object, finding) for every event that is not ``Normal`` (newest wins ties)."""
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for event in items(events):
        if event.get("type") == "Normal":
            continue
        kind = _text(_get(event, "type", "TYPE"))
        if kind.lower() == "normal":
            continue
        reason = _text(_get(event, "reason", "REASON"))
        message = _text(_get(event, "message", "note", "MESSAGE"))
        obj = _get(event, "involvedObject", "regarding", "object", "OBJECT")
        if is_map(obj):
            obj = "/".join(_text(obj.get(k)) for k in ("kind", "name") if obj.get(k))
        subject = _text(obj)
        text = f"event {kind} {reason}".replace("  ", " ").strip()
        text += f" {subject}" if subject else ""
        text += f": {message}" if message else ""
        if text not in seen and (reason or message):
            seen.add(text)
            out.append((subject, text))
    return out[:_MAX_FACTS]


def node_facts(nodes: Any) -> list[tuple[str, str]]:
    """(node, finding) for nodes not Ready or under pressure."""
    out: list[tuple[str, str]] = []
    for node in items(nodes):
        name = _name(node)
        status = node.get("status")
        conditions = status.get("conditions") if is_map(status) else None
        for cond in as_list(conditions):
            if not is_map(cond):
                continue
            kind, value = _text(cond.get("type")), _text(cond.get("status"))
            if (kind == "Ready") != (value == "True"):
                state = "NotReady" if kind == "Ready" else kind
                out.append((name, f"node {name}: {state} {_text(cond.get('message'))}".strip()))
        if isinstance(status, str) and status != "Ready":
            out.append((name, f"node {name}: {status}"))
    return out[:_MAX_FACTS]


_BAD_WHEN_TRUE = {"Failed", "ReplicaFailure", "Stalled"}


def workload_facts(kind: str, objects: Any) -> list[tuple[str, str]]:
    """Deployments, jobs and other workloads: the conditions that say they are not fine."""
    out: list[tuple[str, str]] = []
    for obj in items(objects):
        status = obj.get("status")
        name = _name(obj)
        label = _text(obj.get("kind")).lower() or kind.rstrip("s")
        for cond in as_list(status.get("conditions") if is_map(status) else None):
            if not is_map(cond):
                continue
            ctype, value = _text(cond.get("type")), _text(cond.get("status"))
            if (value == "False" and ctype not in _BAD_WHEN_TRUE) or (
                value == "True" and ctype in _BAD_WHEN_TRUE
            ):
                out.append(
                    (
                        name,
                        f"{label} {name}: condition {ctype} {value} "
                        f"{_text(cond.get('reason'))}: {_text(cond.get('message'))}".rstrip(": "),
                    )
                )
    return out[:_MAX_FACTS]


_KEYWORD = re.compile(
    r"(?i)BackOff|Err|Fail|Kill|OOM|Evict|Unhealthy|probe|NotReady|Pressure|"
    r"Insufficient|Unschedulable|not found|forbidden|invalid|quota|timeout|"
    r"Terminated|Reason:|Exit Code|Warning"
)


def text_facts(text: str) -> list[tuple[str, str]]:
    """Lines of output no reader understands (``kubectl describe``) that name a problem."""
    out: list[tuple[str, str]] = []
    for line in text.splitlines():
        line = " ".join(line.split())
        if line and _KEYWORD.search(line) and ("", line) not in out:
            out.append(("", line))
        if len(out) >= _MAX_FACTS:
            break
    return out


def kubernetes_facts(data: Any) -> list[tuple[str, str]]:
    """Every finding in a Kubernetes context (pods, events, nodes; mixed ``items`` too).

    Text that is neither YAML nor a table (``kubectl describe`` output) is read line by
    line, keeping the lines that name a problem.
    """
    if is_map(data):
        data = {str(k).lower(): _lines_as_text(v) for k, v in data.items()}
    texts = (
        [v for k, v in data.items() if isinstance(v, str) and k != "namespace"]
        if is_map(data)
        else [data]
        if isinstance(data, str)
        else []
    )
    if not is_map(data) or ("items" in data and not {"pods", "events", "nodes"} & set(data)):
        mixed = items(data)
        data = {
            "pods": [x for x in mixed if _text(x.get("kind")) in ("Pod", "")],
            "events": [x for x in mixed if _text(x.get("kind")) == "Event"],
            "nodes": [x for x in mixed if _text(x.get("kind")) == "Node"],
        }
    pods = items(data.get("pods"))
    found = [
        *_pod_facts(pods),
        *event_facts(data.get("events")),
        *node_facts(data.get("nodes")),
    ]
    for key, value in data.items():  # deployments, statefulsets, jobs, ...
        if key not in ("pods", "events", "nodes", "namespace") and not isinstance(value, str):
            found += workload_facts(key, value)
    for key, value in data.items():  # a table printed under another name (`kubectl get`)
        if key not in ("pods", "events", "nodes", "namespace") and isinstance(value, str):
            rows = _table(value)
            if rows and {"reason", "type"} & set(rows[0]):
                found += event_facts(rows)
            elif rows:
                pods += rows
                found += pod_facts(rows)
    if not found and pods and all(_state_read(pod) for pod in pods):
        # said, not left unsaid: a healthy workload is evidence against a cluster cause
        found.append(("", f"pods: all {len(pods)} running and ready, no warning events"))
    if not found:  # text no reader understood
        for text in texts:
            found += text_facts(text)
    return found


def _lines_as_text(value: Any) -> Any:
    """A list of printed lines as one text (events or pods given line by line)."""
    # the first item settles the common case (a list of objects) without a generator
    if (
        isinstance(value, list)
        and value
        and isinstance(value[0], str)
        and all(isinstance(x, str) for x in value)
    ):
        return "\n".join(value)
    return value
