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


_CLUSTER_SCOPED = frozenset(
    {"Node", "PersistentVolume", "Namespace", "StorageClass", "ClusterRole", "ClusterIssuer"}
)
"""Kinds without a namespace (an event about one may still name ``default``)."""


def _placed(obj: Mapping[str, Any]) -> tuple[str, str]:
    """An object's name and namespace (empty when not given); an event's are its object's.

    An event about a cluster-scoped object (a Node) is stored in ``default``, its object
    sometimes said to be there too: a node is every workload's, never another one's.
    """
    meta = obj.get("metadata")
    meta = meta if is_map(meta) else {}
    involved = obj.get("involvedObject") or obj.get("regarding")
    if is_map(involved):
        name, namespace = involved.get("name"), involved.get("namespace")
        if involved.get("kind") in _CLUSTER_SCOPED:
            namespace = None
    else:
        name = meta.get("name") or obj.get("name")
        namespace = meta.get("namespace") or obj.get("namespace")
    return (str(name) if name else ""), (str(namespace) if namespace else "")


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
        name, namespace = _placed(obj)
        if name:
            out[name] = namespace or shared
    return out


def set_aside(
    incident: Incident,
    step: str | None,
    lines: Sequence[str],
    context: ContextBundle,
    facts: Sequence[Fact],
) -> tuple[list[Fact], list[Fact]]:
    """``facts`` split into those about the step's target (or not placeable) and the rest.

    Set aside, when the context shows the target's own objects (without them nothing says
    which workload the step exercised): a Kubernetes finding or a firing alert about an
    object that shares no word with the target, in a known namespace where none of the
    target's workloads run; an Argo CD application named for something else. The target
    is only worked out when some finding could be set aside.
    """
    placed = [f for f in facts if f.subject and _placeable(f)]
    if not placed:
        return list(facts), []
    target = step_target(incident, step, lines)
    others = [f for f in placed if not target.names(_about(f))]
    if not others:
        return list(facts), []
    aside_ids = _elsewhere(target, context, others)
    if not aside_ids:
        return list(facts), []
    return (
        [f for f in facts if id(f) not in aside_ids],
        [f for f in facts if id(f) in aside_ids],
    )


def _placeable(fact: Fact) -> bool:
    if fact.source in ("kubernetes", "argocd"):
        return True
    return fact.source == "prometheus" and " namespace=" in fact.text


def _about(fact: Fact) -> str:
    """What a finding names: its object (an event's ``Pod/name`` is the pod's).

    An alert's whole text: its labels name the workload.
    """
    return fact.text if fact.source == "prometheus" else fact.subject.rsplit("/", 1)[-1]


_NAMESPACE_LABEL = re.compile(r" namespace=([a-z0-9][a-z0-9-]*)")
_EVERYONES = frozenset({"kube-system"})
"""The cluster's own components (DNS, the autoscaler, the network plugin): every
workload's, as a node is, never another workload's to set aside."""


def _elsewhere(target: Target, context: ContextBundle, others: list[Fact]) -> set[int]:
    """Which of ``others`` (findings not naming the target) are about another workload."""
    where = _workloads(context.kubernetes) if context.kubernetes else {}
    ours = [name for name in where if target.names(name)]
    out: set[int] = set()
    if ours or any(target.names(app.name) for app in context.argocd):
        out |= {id(f) for f in others if f.source == "argocd"}
    spaces = set(target.namespaces) | {where[name] for name in ours if where[name]}
    if not spaces:
        return out
    for fact in others:
        if fact.source == "kubernetes":
            namespace = where.get(_about(fact), "")
        elif fact.source == "prometheus":
            label = _NAMESPACE_LABEL.search(fact.text)
            namespace = label.group(1) if label else ""
        else:
            continue
        if namespace and namespace not in spaces and namespace not in _EVERYONES:
            out.add(id(fact))
    return out
