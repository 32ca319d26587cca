#!/usr/bin/env bash
# The test command (README and CI): install Healer with its test extras and the MCP server
# packages the integration tests launch, then run the whole suite.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
python3 -m pip install -q --disable-pip-version-check -e '.[test]' 2> >(grep -v "is ignored" >&2)
bash scripts/install-mcp-servers.sh
exec python3 -m pytest -q "$@"
