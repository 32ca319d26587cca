"""Context gathering: Healer as an MCP client, and the replayed context of labelled cases.

The MCP servers are GitHub's, Argo CD's, Prometheus', Alertmanager's, Loki's, Kubernetes'
and Grafana's.

Import the submodules (``runtime``, ``gatherer``, ``pool``, ``replay``): the package itself
loads nothing, so a Healer that replays context never imports the MCP client.
"""
