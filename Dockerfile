# syntax=docker/dockerfile:1
# Healer: CI-failure remediation dispatcher. Build: docker build -t healer .
# The MCP servers Healer launches over stdio are installed at pinned versions, each in its
# own virtualenv or node_modules (they need different `mcp` versions).

FROM python:3.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY healer_agent ./healer_agent
COPY prompts ./prompts
RUN python -m venv /opt/healer \
    && /opt/healer/bin/pip install . \
    && python -m venv /opt/mcp/venv-prometheus \
    && /opt/mcp/venv-prometheus/bin/pip install prometheus-mcp-server==1.6.2 \
    && python -m venv /opt/mcp/venv-grafana \
    && /opt/mcp/venv-grafana/bin/pip install mcp-grafana==2.1.1

FROM node:20-bookworm-slim AS node-mcp
WORKDIR /opt/mcp/node
RUN npm install --omit=dev --no-audit --no-fund \
        argocd-mcp@0.9.0 @modelcontextprotocol/server-github@2025.4.8 \
    && npm cache clean --force

FROM python:3.11-slim-bookworm
ENV PATH="/opt/healer/bin:/opt/mcp/venv-prometheus/bin:/opt/mcp/venv-grafana/bin:/opt/mcp/node/node_modules/.bin:/usr/local/bin:/usr/bin:/bin" \
    PYTHONUNBUFFERED=1 \
    HEALER_SINK__KIND=kubernetes \
    HEALER_CONTEXT__MODE=mcp \
    HEALER_CONTEXT__MCP_CONFIG=/etc/healer/mcp_servers.yaml
COPY --from=node-mcp /usr/local/bin/node /usr/local/bin/node
COPY --from=node-mcp /opt/mcp/node /opt/mcp/node
COPY --from=build /opt/healer /opt/healer
COPY --from=build /opt/mcp /opt/mcp
COPY mcp_servers.yaml /etc/healer/mcp_servers.yaml
RUN groupadd --system --gid 10001 healer \
    && useradd --system --uid 10001 --gid healer --home-dir /var/lib/healer --create-home healer
USER 10001:10001
WORKDIR /var/lib/healer
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8080/health', timeout=4).status == 200 else 1)"]
ENTRYPOINT ["healer"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8080"]
