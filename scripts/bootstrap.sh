#!/usr/bin/env bash
# Create .venv (an isolated environment: nothing touches the system's Python packages) and
# install Healer into it, with the extras named as arguments (e.g. `test`).
# On Debian/Ubuntu without the venv module, python3-venv is installed first (root or sudo).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PY="${PYTHON:-python3}"
extras="${1:-}"

say() { printf '[bootstrap] %s\n' "$*" >&2; }

if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  say "Healer needs Python 3.11 or newer ($PY is $("$PY" -V 2>&1)); set PYTHON=/path/to/python3.11"
  exit 2
fi
if [[ ! -x .venv/bin/python ]]; then
  if ! "$PY" -m venv .venv 2>/dev/null; then
    rm -rf .venv
    SUDO=""; [[ "$(id -u)" != "0" ]] && SUDO="sudo"
    if command -v apt-get >/dev/null 2>&1; then
      say "installing python3-venv (Debian's Python ships without venv)"
      $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends \
        "python3-venv" "python$("$PY" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')-venv" >/dev/null || \
        $SUDO apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
    fi
    "$PY" -m venv .venv
  fi
fi
spec="."
[[ -n "$extras" ]] && spec=".[$extras]"
stamp=".venv/.installed-$(cat pyproject.toml | cksum | cut -d' ' -f1)-${extras:-base}"
if [[ ! -f "$stamp" ]]; then
  say "installing Healer${extras:+ with [$extras]} into .venv"
  .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip \
    2> >(grep -v "is ignored" >&2) || true
  .venv/bin/python -m pip install -q --disable-pip-version-check -e "$spec" \
    2> >(grep -v "is ignored" >&2)
  touch "$stamp"
fi
