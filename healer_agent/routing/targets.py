"""Which context findings are about the workload the failing step targets.

A cluster runs more than the service a job deploys or probes: a log shipper crashlooping in
``monitoring`` or a Degraded Grafana app says nothing about why ``curl`` could not reach
the staging API. When the step names its target (the repository, a host it called, a
namespace or workload it waited on) and the context shows that target's own workloads,
findings about other workloads in other namespaces are set aside: they still reach the
summary, not the evidence. Without a recognisable target nothing is set aside. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from healer_agent.models import ContextBundle, Incident
from healer_agent.routing.facts import Fact
from healer_agent.routing.jsonish import is_map
from healer_agent.routing.kube_facts import items

_GENERIC_WORDS = """
staging stage prod production dev development preview canary sandbox com net org local
cluster default kube system internal svc service pod pods deploy deployment deployments
replicaset statefulset daemonset job cron cronjob node http https www healthz health ready
readyz livez status metrics argocd helm chart charts release
"""
_GENERIC = frozenset(_GENERIC_WORDS.split())
"""Words that name an environment, a kind or a probe, not a workload of its own."""

_WORD = re.compile(r"[a-z][a-z0-9]*")
_HOST = re.compile(r"(?:https?://|connect to |resolve host:? |resolve )([A-Za-z0-9][A-Za-z0-9.-]*)")
_NAMED = re.compile(
    r"(?:(?:-n|--namespace)[= ]|(?:deploy|deployment|statefulset|sts|daemonset|ds|svc|"
    r"service|app|apps)/|argocd app (?:sync|wait|get) |helm (?:upgrade (?:--install |-i )?|"
    r"install |test |rollback ))([A-Za-z0-9][A-Za-z0-9._-]*)"
)
_NAMESPACE_FLAG = re.compile(r"(?:-n|--namespace)[= ]([a-z0-9][a-z0-9-]*)")


def words(name: str, stop: frozenset[str] = _GENERIC) -> frozenset[str]:
    """The distinctive words of a name: letters first, no hash parts, no generic roles."""
    return frozenset(
        w for w in _WORD.findall(name.lower()) if len(w) >= 3 and w.isalpha() and w not in stop
    )


@dataclass(frozen=True, slots=True)
class Target:
    """What the failing step is about: the words naming it and the namespaces it ran in."""

    words: frozenset[str]
    namespaces: frozenset[str]

    def names(self, name: str) -> bool:
        """Whether ``name`` shares a distinctive word with the target."""
        return not self.words.isdisjoint(words(name))


def step_target(incident: Incident, step: str | None, lines: Sequence[str]) -> Target:
    """The target named by the repository, the failing step and its error lines."""
    owner, _, repo = incident.repository.partition("/")
    stop = _GENERIC | words(owner, frozenset())
    text = "\n".join([step or "", *lines])
    named = [repo, *_HOST.findall(text), *_NAMED.findall(text)]
    found: set[str] = set()
    for name in named:
        found |= words(name, stop)
    return Target(frozenset(found), frozenset(_NAMESPACE_FLAG.findall(text)))


def _namespace(obj: Mapping[str, Any]) -> str:
    meta = obj.get("metadata")
    if is_map(meta) and meta.get("namespace"):
        return str(meta["namespace"])
    involved = obj.get("involvedObject") or obj.get("regarding")
    if is_map(involved) and involved.get("namespace"):
        return str(involved["namespace"])
    value = obj.get("namespace")
    return str(value) if value else ""


def _object_name(obj: Mapping[str, Any]) -> str:
    meta = obj.get("metadata")
    involved = obj.get("involvedObject") or obj.get("regarding")
    if is_map(involved) and involved.get("name"):
        return str(involved["name"])
    if is_map(meta) and meta.get("name"):
        return str(meta["name"])
    return str(obj.get("name") or "")


def _objects(kubernetes: Any) -> list[Mapping[str, Any]]:
    """The pods and events of a Kubernetes context that can say their namespace.

    Objects as the API serves them carry it; a ``kubectl get`` table only with
    ``--all-namespaces`` (read only then: a table costs a parse).
    """
    sections = (
        [kubernetes.get(key) for key in ("pods", "events", "items")]
        if is_map(kubernetes)
        else [kubernetes]
    )
    found: list[Mapping[str, Any]] = []
    for section in sections:
        if isinstance(section, str) and "NAMESPACE" not in section[:400]:
            continue
        found += items(section)
    return found


def _workloads(kubernetes: Any) -> dict[str, str]:
    """Every named object of the context and its namespace (empty when not given)."""
    shared = str(kubernetes.get("namespace") or "") if is_map(kubernetes) else ""
    out: dict[str, str] = {}
    for obj in _objects(kubernetes):
        name = _object_name(obj)
        if name:
            out[name] = _namespace(obj) or shared
    return out


def set_aside(
    incident: Incident,
    step: str | None,
    lines: Sequence[str],
    context: ContextBundle,
    facts: Sequence[Fact],
) -> tuple[list[Fact], list[Fact]]:
    """``facts`` split into those about the step's target (or not placeable) and the rest.

    A Kubernetes finding is set aside when its object shares no word with the target and
    its namespace is known and is not one where the target's own workloads run; an Argo
    CD finding when the context holds an application that is the target's and this one
    is not. Both need the target's own objects in the context: without them nothing says
    which workload the step exercised. The target is only worked out when some finding
    could be set aside.
    """
    placed = [f for f in facts if f.subject and f.source in ("kubernetes", "argocd")]
    if not placed:
        return list(facts), []
    target = step_target(incident, step, lines)
    others = {id(f) for f in placed if not target.names(_object(f))}
    if not others:
        return list(facts), []
    aside_ids = _elsewhere(target, context, [f for f in placed if id(f) in others])
    if not aside_ids:
        return list(facts), []
    return (
        [f for f in facts if id(f) not in aside_ids],
        [f for f in facts if id(f) in aside_ids],
    )


def _object(fact: Fact) -> str:
    """The object a finding is about (an event's ``Pod/name`` is the pod's)."""
    return fact.subject.rsplit("/", 1)[-1]


def _elsewhere(target: Target, context: ContextBundle, others: list[Fact]) -> set[int]:
    """Which of ``others`` (findings not naming the target) are about another workload."""
    out: set[int] = set()
    if any(f.source == "argocd" for f in others) and any(
        target.names(app.name) for app in context.argocd
    ):
        out |= {id(f) for f in others if f.source == "argocd"}
    if not any(f.source == "kubernetes" for f in others) or not context.kubernetes:
        return out
    where = _workloads(context.kubernetes)
    spaces = set(target.namespaces)
    spaces.update(ns for name, ns in where.items() if ns and target.names(name))
    if spaces:
        out |= {
            id(f)
            for f in others
            if f.source == "kubernetes" and where.get(_object(f), "") not in ("", *spaces)
        }
    return out
