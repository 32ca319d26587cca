"""Backends for the ``mcp`` integration tests: Debian's real Prometheus and Alertmanager,
and HTTP stubs of the APIs that cannot run here (GitHub, Argo CD, Loki, Kubernetes), each
answering in the shapes the real API documents. Everything binds 127.0.0.1."""
