"""Context gathering: Healer as an MCP client of GitHub, Argo CD, Prometheus, Loki, Grafana,
Kubernetes; and the replayed context of labelled cases.

Import the submodules (``runtime``, ``gatherer``, ``pool``, ``replay``): the package itself
loads nothing, so a Healer that replays context never imports the MCP client.
"""
