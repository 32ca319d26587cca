#!/usr/bin/env bash
# The test command (README and CI): install Healer with its test extras into .venv, the
# backends and MCP server packages the integration tests run against, then lint
# (ruff, mypy --strict, the import-layer contract) and run the whole suite.
# Extra arguments go to pytest, e.g. ./scripts/test.sh -m "not mcp".
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/bootstrap.sh test
PYTHON=.venv/bin/python bash scripts/install-mcp-servers.sh
export PATH="$PWD/.venv/bin:$PATH"
ruff check .
ruff format --check .
mypy
lint-imports --no-cache >/dev/null || lint-imports --no-cache
exec python -m pytest -q "$@"
