"""One context source per backend, each a small class behind ``ContextSource``."""

from healer_agent.context.sources.alerts import AlertsSource
from healer_agent.context.sources.argocd import ArgoCDSource
from healer_agent.context.sources.github import GitHubSource
from healer_agent.context.sources.grafana import GrafanaSource
from healer_agent.context.sources.kubernetes import KubernetesSource
from healer_agent.context.sources.loki import LokiSource
from healer_agent.context.sources.prometheus import PrometheusSource

__all__ = [
    "AlertsSource",
    "ArgoCDSource",
    "GitHubSource",
    "GrafanaSource",
    "KubernetesSource",
    "LokiSource",
    "PrometheusSource",
]
