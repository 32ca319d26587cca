"""Batch 31 of the fresh split (ids ``fr-ze-``): look-alike failures in families no earlier
batch used, where the failing lines read nearly the same and the owner is told by the files
the change touched, the PR text, the runner, the step that stopped or the path a tool names.

- ``Permission denied`` executing a file: a frontend's ``scripts/`` helper added without the
  executable bit and run by a package.json script (blaze), a chart's pre-upgrade hook script
  mounted from a ConfigMap whose ``defaultMode`` the change dropped (bolt), a release helper
  under ``.github/scripts`` added without the bit (atlas, release_publish), the Docker socket
  of a self-hosted runner on a Rust-only change (atlas), a service whose Dockerfile switched to
  a non-root ``USER`` that cannot write its root-owned working directory (bolt);
- ``undefined reference to`` a SQLite symbol at link time: a ``cargo update`` that moved
  libsqlite3-sys to bindings needing SQLite 3.50 (rex, rust_deps) vs the same lockfile inside
  BuildKit after the Dockerfile's base image was downgraded to bullseye's SQLite 3.34 (bolt);
- YAML syntax errors reported by one ``yamllint`` job, owned by the file it names: a workflow
  (atlas, workflow_syntax), ``docker-compose.yml`` (bolt, yaml_config), a Helm values file
  (bolt, helm), ``.pre-commit-config.yaml`` (atlas), an OpenAPI spec under a frontend's
  ``src/`` read by its codegen (blaze), and ``mkdocs.yml`` through ``mkdocs build`` (atlas);
- ``certificate verify failed``: pip inside ``docker build`` after the Dockerfile stopped
  copying the corporate proxy CA (bolt), the same pip error on a self-hosted runner whose
  image was updated, with a code-only change (atlas), a Rust integration test against a fixture
  certificate the change regenerated with the wrong SAN (rex, rust_test);
- ``panic``: the helm-diff plugin (Go nil-pointer panic), golangci-lint built for an older Go
  than ``go-version: stable`` installed, and taplo installed unpinned, all on inputs that are
  fine (atlas), vs an index panic in our own code under ``cargo test`` (rex);
- exit code 137 inside ``docker build`` during ``cargo build --release``: the shared BuildKit
  builder's memory with the Dockerfile unchanged (atlas) vs a Dockerfile that raised
  ``CARGO_BUILD_JOBS`` (bolt);
- HTTP 404 fetching a dependency: a pinned npm package version that was unpublished (blaze,
  frontend_deps), a Helm chart repository whose index moved (bolt, helm);
- plain cases: a clippy redundant clone and a tsc TS18048 (obvious).
"""

from __future__ import annotations

import json
import ssl
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import real
import shapes
from fcommon import at, ci, failing, node_setup, npm_ci_ok, pr_of, rust_setup, sha
from gha import run, skipped, uses
from helpers import buildx_setup, buildx_step, clock, crashing, kube_setup, rollout

REPO = "5dlabs/healer"
WEB = "5dlabs/console"
PLAT = "5dlabs/platform"
LEDGER = "5dlabs/ledger"


def build() -> None:
    permission_denied()
    undefined_reference()
    yaml_errors()
    cert_failures()
    panics()
    killed_in_build()
    not_found()
    plain()


# ------------------------------------------------------------------ 1. Permission denied


def permission_denied() -> None:
    # 1a. blaze: a frontend helper script added without +x, run by a package.json script
    at(WEB)
    cid = "fr-ze-eacces-web-prebuild-script"
    out = real.npm_script(
        cid,
        {"scripts/gen-icons.sh": "#!/bin/sh\nset -e\nmkdir -p src/icons\n"},
        {"prebuild": "./scripts/gen-icons.sh", "build": "vite build"},
        "build",
    )
    assert out.code != 0 and any("Permission denied" in ln for ln in out.lines), out
    ci(
        cid,
        "npm run build stops in its prebuild hook with `./scripts/gen-icons.sh: Permission "
        "denied`: the change added the console's icon generator script (mode 100644) and "
        "wired it into package.json's prebuild",
        ["look-alike", "context-driven"],
        "blaze",
        "frontend_build",
        workflow="web-ci",
        job="build",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Build")],
        message="feat(icons): generate the icon sprite before the build",
        files=["package.json", "scripts/gen-icons.sh", "src/icons/index.ts"],
        pr=pr_of(
            cid,
            "feat(icons): generate the icon sprite before the build",
            "Adds scripts/gen-icons.sh and runs it as the `prebuild` npm script.",
        ),
    )

    # 1b. bolt: the chart's hook script mounted from a ConfigMap without defaultMode 0755
    at(PLAT)
    cid = "fr-ze-eacces-chart-hook-configmap-mode"
    hook = real.sh(
        cid,
        {"pre-upgrade.sh": "#!/bin/sh\nset -e\necho migrating\n"},
        '/bin/sh -c "$PWD/pre-upgrade.sh"',
        "sh",
    )
    assert hook.code == 126, hook
    loki = [ln.replace(real.RUNNER, "/scripts") for ln in hook.lines]
    ctx = crashing(
        cid, "billing", "billing-pre-upgrade", "alpine:3.20", 126, loki, restarts=2, memory=None
    )
    _created, _first, last = clock(cid)
    for ref in ctx["kubernetes"]["pods"][0]["metadata"]["ownerReferences"]:
        ref.update({"apiVersion": "batch/v1", "kind": "Job", "name": "billing-pre-upgrade"})
    ctx["kubernetes"]["events"].append(
        shapes.event(
            "billing",
            "Job",
            "billing-pre-upgrade",
            "BackoffLimitExceeded",
            "Job has reached the specified backoff limit",
            first=last,
            last=last,
            component="job-controller",
        )
    )
    ci(
        cid,
        "helm upgrade fails on the pre-upgrade hook job whose pod logs `/bin/sh: 1: "
        "/scripts/pre-upgrade.sh: Permission denied`: the change rewrote the chart's hook Job "
        "template and dropped `defaultMode: 0755` from the ConfigMap volume holding the script",
        ["look-alike", "context-driven"],
        "bolt",
        "helm",
        workflow="deploy-staging",
        job="helm",
        repo=PLAT,
        steps=[
            *kube_setup(),
            run(
                "helm upgrade --install billing charts/billing -n billing --wait --timeout 5m",
                [
                    "Error: UPGRADE FAILED: pre-upgrade hooks failed: 1 error occurred:",
                    "\t* job billing-pre-upgrade failed: BackoffLimitExceeded",
                    "",
                ],
                code=1,
                name="Upgrade release",
            ),
        ],
        message="chore(billing): tidy the hook job template",
        files=["charts/billing/templates/hooks/pre-upgrade-job.yaml", "charts/billing/Chart.yaml"],
        extra=ctx,
    )

    # 1c. atlas: a release helper under .github/scripts added without +x
    at(REPO)
    cid = "fr-ze-eacces-release-notes-script"
    step = './.github/scripts/release-notes.sh "$GITHUB_REF_NAME" > notes.md\n'
    temp = f"/home/runner/work/_temp/{sha(cid)[:8]}-{sha(cid)[8:12]}-{sha(cid)[12:16]}.sh"
    raw = real.sh(
        cid,
        {
            ".github/scripts/release-notes.sh": "#!/usr/bin/env bash\nset -euo pipefail\n",
            "step.sh": step,
        },
        "GITHUB_REF_NAME=v0.28.0 bash -e step.sh",
        step.strip(),
    )
    out = real.Out(raw.command, [ln.replace("step.sh", temp) for ln in raw.lines], raw.code)
    assert out.code == 126, out
    ci(
        cid,
        "the release job stops at `./.github/scripts/release-notes.sh: Permission denied`: "
        "the change added the release-notes helper under .github/scripts without the "
        "executable bit and called it from the release workflow",
        ["look-alike"],
        "atlas",
        "release_publish",
        workflow="release",
        job="publish",
        repo=REPO,
        branch="v0.28.0",
        steps=[
            *rust_setup(),
            run(
                "cargo build --release --locked",
                ["    Finished `release` profile [optimized] target(s) in 1m 12s"],
                name="Build release binary",
            ),
            failing(out, name="Release notes", env={"GITHUB_REF_NAME": "v0.28.0"}),
            skipped("Publish"),
        ],
        message="ci(release): generate release notes from conventional commits",
        files=[".github/scripts/release-notes.sh", ".github/workflows/release.yml"],
    )

    # 1d. atlas: the Docker socket on a self-hosted runner, Rust-only change
    at(LEDGER)
    cid = "fr-ze-eacces-docker-sock-arc-runner"
    ci(
        cid,
        "the image job on an ARC runner fails before building: `permission denied while trying "
        "to connect to the Docker daemon socket at unix:///var/run/docker.sock`; the change "
        "only touched Rust sources, and the runner's user is not in the socket's group",
        ["look-alike", "context-driven"],
        "atlas",
        "general",
        workflow="ledger",
        job="image",
        repo=LEDGER,
        self_hosted=True,
        steps=[
            run(
                "docker build -t ghcr.io/5dlabs/ledger:sha-${GITHUB_SHA::7} .",
                [
                    "ERROR: permission denied while trying to connect to the Docker daemon "
                    "socket at unix:///var/run/docker.sock: Head "
                    '"http://%2Fvar%2Frun%2Fdocker.sock/_ping": dial unix '
                    "/var/run/docker.sock: connect: permission denied",
                ],
                code=1,
                name="Build image",
            )
        ],
        message="fix(ledger): round half-even when settling fractional cents",
        files=["src/settle.rs", "tests/settle.rs"],
    )

    # 1e. bolt: the Dockerfile switched to a non-root USER; /app/data is root-owned
    cid = "fr-ze-eacces-nonroot-user-workdir"
    _created, first, _last = clock(cid)
    logs = [
        json.dumps(
            {
                "timestamp": first[:-1] + ".118204Z",
                "level": "INFO",
                "fields": {"message": "starting ledger", "version": "0.14.2"},
                "target": "ledger",
            }
        ),
        json.dumps(
            {
                "timestamp": first[:-1] + ".121877Z",
                "level": "ERROR",
                "fields": {
                    "message": "cannot open state directory",
                    "path": "/app/data",
                    "error": "Permission denied (os error 13)",
                },
                "target": "ledger::store",
            }
        ),
        'Error: Os { code: 13, kind: PermissionDenied, message: "Permission denied" }',
    ]
    image = "ghcr.io/5dlabs/ledger:sha-" + sha(cid)[:7]
    ctx = crashing(cid, "ledger", "ledger", image, 1, logs)
    roll = rollout(cid, "ledger", "ledger", 2, 1, 1, deadline=True)
    ci(
        cid,
        "the staging rollout times out; the new ledger pods crash with `Permission denied "
        "(os error 13)` opening /app/data: the change's Dockerfile added `USER 10001` while "
        "/app/data is still created and owned by root",
        ["look-alike", "context-driven", "multi-signal"],
        "bolt",
        "docker_build",
        workflow="deploy",
        job="rollout-staging",
        repo=LEDGER,
        steps=[*kube_setup(), failing(roll, name="Wait for rollout")],
        message="build(image): run the ledger as an unprivileged user",
        files=["Dockerfile"],
        pr=pr_of(
            cid,
            "build(image): run the ledger as an unprivileged user",
            "Adds a `ledger` user (uid 10001) and switches to it before the entrypoint.",
        ),
        extra=ctx,
    )


# ------------------------------------------------------------------ 2. undefined reference

REGISTRY = "/usr/local/cargo/registry/src/index.crates.io-1949cf8c6b5b557f"


def _sqlite_link(
    cid: str, version: str, module: str, func: str, symbol: str, bfd: bool
) -> real.Out:
    """A real link failure: rusqlite's ``module::func`` calls ``symbol``, which the SQLite the
    build links against (the system one, or an old stub) does not export."""
    stub = "int sqlite3_open(const char *f, void **db) { return 0; }\n"
    build_rs = (
        "fn main() {\n"
        + (
            '    let dir = std::env::var("CARGO_MANIFEST_DIR").unwrap();\n'
            '    println!("cargo:rustc-link-search=native={dir}/../../stub");\n'
            if bfd
            else ""
        )
        + '    println!("cargo:rustc-link-lib=sqlite3");\n}\n'
    )
    files = {
        "Cargo.toml": real.cargo_toml("ledger", 'rusqlite = { path = "vendor/rusqlite" }').replace(
            'version = "0.1.0"', 'version = "0.14.2"'
        ),
        "vendor/rusqlite/Cargo.toml": (
            f'[package]\nname = "rusqlite"\nversion = "{version}"\nedition = "2021"\n'
            'build = "build.rs"\n'
        ),
        "vendor/rusqlite/build.rs": build_rs,
        "vendor/rusqlite/src/lib.rs": f"pub mod {module};\n",
        f"vendor/rusqlite/src/{module}.rs": (
            "use std::os::raw::{c_int, c_void};\n"
            f'extern "C" {{\n    fn {symbol}(db: *mut c_void, a: c_int) -> c_int;\n}}\n'
            "#[inline(never)]\n"
            f"pub fn {func}(db: *mut c_void) -> i32 {{\n"
            f"    unsafe {{ {symbol}(db, 0) }}\n}}\n"
        ),
        "stub/s.c": stub,
        "src/main.rs": (
            "fn main() {\n"
            f"    let r = rusqlite::{module}::{func}(std::ptr::null_mut());\n"
            '    println!("{r}");\n}\n'
        ),
    }
    path = real.crate(cid, files)
    subprocess.run(
        ["gcc", "-shared", "-fPIC", "-o", "stub/libsqlite3.so", "stub/s.c"], cwd=path, check=True
    )
    env = {"CARGO_NET_OFFLINE": "true"}
    if bfd:
        env["RUSTFLAGS"] = "-Clink-arg=-fuse-ld=bfd"
    real.run(["cargo", "generate-lockfile", "--offline"], path)
    lines, code = real.run(["cargo", "build", "--release", "--locked"], path, env=env)
    reg = f"{REGISTRY}/rusqlite-{version}"
    shown = []
    for ln in lines:
        if ln.lstrip().startswith(("Locking", "Adding")):
            continue
        ln = ln.replace(f" ({real.RUNNER}/vendor/rusqlite)", "")
        ln = ln.replace("vendor/rusqlite", reg).replace("/usr/bin/ld.bfd:", "/usr/bin/ld:")
        shown.append(ln)
    return real.Out("cargo build --release --locked", shown, code)


def undefined_reference() -> None:
    # 2a. rex: cargo update moved rusqlite to a release that needs SQLite 3.50
    at(LEDGER)
    cid = "fr-ze-undef-sqlite-setlk-cargo-update"
    out = _sqlite_link(
        cid, "0.37.0", "inner_connection", "open_with_flags", "sqlite3_setlk_timeout", False
    )
    assert out.code != 0 and any("undefined symbol" in ln for ln in out.lines), out
    ci(
        cid,
        "linking the ledger fails with `rust-lld: error: undefined symbol: "
        "sqlite3_setlk_timeout` referenced from rusqlite: the weekly cargo update moved "
        "rusqlite/libsqlite3-sys to releases whose bindings call an SQLite 3.50 function while "
        "the crate links the system SQLite (no `bundled` feature); no source changed",
        ["look-alike", "context-driven"],
        "rex",
        "rust_deps",
        workflow="ledger",
        job="build",
        repo=LEDGER,
        steps=[
            *rust_setup(),
            run(
                "sudo apt-get install -y --no-install-recommends libsqlite3-dev",
                [
                    "Reading package lists...",
                    "Building dependency tree...",
                    "Reading state information...",
                    "libsqlite3-dev is already the newest version (3.45.1-1ubuntu2.5).",
                    "0 upgraded, 0 newly installed, 0 to remove and 41 not upgraded.",
                ],
                name="System libraries",
            ),
            failing(out, name="Build"),
        ],
        message="chore(deps): cargo update (weekly)",
        files=["Cargo.lock"],
        pr=pr_of(
            cid,
            "chore(deps): cargo update (weekly)",
            "Automated `cargo update`. Notable: rusqlite 0.32.1 -> 0.37.0, libsqlite3-sys "
            "0.30.1 -> 0.35.0.",
        ),
    )

    # 2b. bolt: same lockfile inside BuildKit, base image downgraded to bullseye (SQLite 3.34)
    cid = "fr-ze-undef-sqlite-error-offset-bullseye-base"
    out = _sqlite_link(cid, "0.32.1", "error", "error_with_offset", "sqlite3_error_offset", True)
    assert out.code != 0 and any("undefined reference" in ln for ln in out.lines), out
    inner = [ln.replace(real.RUNNER, "/app") for ln in out.lines if ln.strip()]
    dockerfile = (
        "FROM rust:1.82-bullseye AS build\n"
        "RUN apt-get update && apt-get install -y --no-install-recommends libsqlite3-dev\n"
        "WORKDIR /app\n"
        "COPY . .\n"
        "RUN cargo build --release --locked\n"
        "\n"
        "FROM debian:bullseye-slim\n"
        "RUN apt-get update && apt-get install -y --no-install-recommends libsqlite3-0 "
        "ca-certificates && rm -rf /var/lib/apt/lists/*\n"
        "COPY --from=build /app/target/release/ledger /usr/local/bin/ledger\n"
        'ENTRYPOINT ["/usr/local/bin/ledger"]\n'
    )
    bk = shapes.BuildKit(cid, dockerfile, context_kb=611.2)
    bk.metadata()
    err = bk.run_until(5, inner, code=101)
    assert err
    image = "ghcr.io/5dlabs/ledger:sha-" + sha(cid)[:7]
    ci(
        cid,
        "docker build fails in RUN cargo build with `undefined reference to "
        "sqlite3_error_offset` from rusqlite 0.32.1: the change moved the Dockerfile's base "
        "images from bookworm to bullseye, whose libsqlite3 (3.34) predates that function; "
        "Cargo.lock is unchanged and builds on bookworm",
        ["look-alike", "context-driven", "wrapper"],
        "bolt",
        "docker_build",
        workflow="ledger-image",
        job="build-and-push",
        repo=LEDGER,
        steps=[*buildx_setup(), buildx_step(bk.finish(err), err, image)],
        message="build(image): base on bullseye to match the on-prem hosts' glibc",
        files=["Dockerfile"],
        pr=pr_of(
            cid,
            "build(image): base on bullseye to match the on-prem hosts' glibc",
            "The on-prem hosts run glibc 2.31; the bookworm-built binary needs 2.34.",
        ),
    )


# ------------------------------------------------------------------ 3. YAML syntax errors

YAMLLINT_CONFIG = """\
extends: default
rules:
  line-length: disable
  document-start: disable
  truthy:
    check-keys: false
ignore: |
  charts/*/templates/
  node_modules/
"""

# Files every run lints; one of them carries a warning, as the repository's do.
YAML_NOISE = {
    "charts/billing/Chart.yaml": (
        'apiVersion: v2\nname: billing\nversion: 0.9.3\nappVersion: "0.14.2"\n'
    ),
    "deploy/argocd/billing.yaml": (
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: billing\n"
        "spec:\n  project: platform\n  source:\n    repoURL: https://github.com/5dlabs/platform.git\n"
        "    path: charts/billing\n    targetRevision: main # track main\n  destination:\n"
        "    server: https://kubernetes.default.svc\n    namespace: billing\n"
        "  syncPolicy:\n    automated: {prune: true}\n"
    ),
    ".github/workflows/ci.yml": (
        "name: ci\non:\n  pull_request:\njobs:\n  lint-yaml:\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - uses: actions/checkout@v4\n      - run: yamllint -s .\n"
    ),
}


def _yamllint(cid: str, rel: str, text: str) -> real.Out:
    out = real.yamllint(cid, {**YAML_NOISE, rel: text}, ["."], strict=True, config=YAMLLINT_CONFIG)
    assert out.code == 1 and any("syntax error" in ln for ln in out.lines), out
    return real.Out("yamllint -s .", out.lines, out.code)


def _yaml_case(
    cid: str,
    description: str,
    tags: list[str],
    agent: str,
    failure_type: str,
    rel: str,
    text: str,
    message: str,
    files: list[str],
    job: str = "lint-yaml",
    workflow: str = "ci",
    pr: dict[str, Any] | None = None,
) -> None:
    out = _yamllint(cid, rel, text)
    ci(
        cid,
        description,
        tags,
        agent,
        failure_type,
        workflow=workflow,
        job=job,
        repo=PLAT,
        steps=[
            uses(
                "actions/setup-python@v5",
                {"python-version": "3.12"},
                ["Successfully set up CPython (3.12.7)"],
            ),
            run(
                "pip install yamllint==1.38.0",
                ["Successfully installed pathspec-0.12.1 pyyaml-6.0.2 yamllint-1.38.0"],
                name="Install yamllint",
            ),
            failing(out, name="yamllint"),
        ],
        message=message,
        files=files,
        pr=pr,
    )


def yaml_errors() -> None:
    at(PLAT)
    # 3a. atlas: a workflow file
    _yaml_case(
        "fr-ze-yaml-workflow-nightly-indent",
        "yamllint reports a syntax error in .github/workflows/nightly.yml: the change added a "
        "`with:` block indented one space off under the new cache step, so the workflow file "
        "does not parse",
        ["look-alike"],
        "atlas",
        "workflow_syntax",
        ".github/workflows/nightly.yml",
        'name: nightly\non:\n  schedule:\n    - cron: "17 3 * * *"\njobs:\n  e2e:\n'
        "    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n"
        "      - uses: actions/cache@v4\n        with:\n          path: ~/.cache/ms-playwright\n"
        "         key: pw-${{ hashFiles('web/package-lock.json') }}\n"
        "      - run: make e2e\n",
        "ci(nightly): cache the playwright browsers",
        [".github/workflows/nightly.yml"],
    )
    # 3b. bolt: docker-compose.yml
    _yaml_case(
        "fr-ze-yaml-compose-env-mixed",
        "yamllint reports a syntax error in docker-compose.yml: the change added `RUST_LOG: "
        "debug` as a mapping entry inside the billing service's list-style `environment:`",
        ["look-alike"],
        "bolt",
        "yaml_config",
        "docker-compose.yml",
        "services:\n  billing:\n    image: ghcr.io/5dlabs/billing:dev\n    environment:\n"
        "      - DATABASE_URL=postgres://billing:billing@db:5432/billing\n"
        "      RUST_LOG: debug\n    depends_on: [db]\n  db:\n    image: postgres:16.4\n",
        "chore(dev): verbose logs for billing in the local stack",
        ["docker-compose.yml"],
    )
    # 3c. bolt: a Helm values file
    _yaml_case(
        "fr-ze-yaml-helm-values-annotation-colon",
        "yamllint reports `mapping values are not allowed here` in "
        "charts/billing/values-staging.yaml: the change wrote an ingress annotation and its "
        "value on one line without nesting",
        ["look-alike"],
        "bolt",
        "helm",
        "charts/billing/values-staging.yaml",
        "replicaCount: 2\ningress:\n  enabled: true\n  className: nginx\n"
        "  annotations: nginx.ingress.kubernetes.io/proxy-body-size: 16m\n"
        "  hosts:\n    - host: billing.staging.5dlabs.ai\n",
        "chore(billing): allow 16m uploads on staging",
        ["charts/billing/values-staging.yaml"],
    )
    # 3d. atlas: .pre-commit-config.yaml
    _yaml_case(
        "fr-ze-yaml-pre-commit-flow-seq",
        "yamllint reports a syntax error in .pre-commit-config.yaml: the change's new ruff "
        "hook has `args: [--fix` with the flow sequence never closed",
        ["look-alike"],
        "atlas",
        "general",
        ".pre-commit-config.yaml",
        "repos:\n  - repo: https://github.com/astral-sh/ruff-pre-commit\n    rev: v0.8.4\n"
        "    hooks:\n      - id: ruff\n        args: [--fix\n      - id: ruff-format\n"
        "  - repo: https://github.com/adrienverge/yamllint\n    rev: v1.38.0\n"
        "    hooks:\n      - id: yamllint\n",
        "chore(pre-commit): autofix with ruff",
        [".pre-commit-config.yaml"],
    )
    # 3e. blaze: the frontend's OpenAPI spec, input of its client codegen
    cid = "fr-ze-yaml-web-openapi-description"
    _yaml_case(
        cid,
        "yamllint reports `mapping values are not allowed here` in web/src/api/openapi.yaml, "
        "the spec the web app's `npm run codegen` turns into its typed API client: the change "
        "added an unquoted description containing `: `",
        ["look-alike", "context-driven"],
        "blaze",
        "frontend_build",
        "web/src/api/openapi.yaml",
        "openapi: 3.0.3\ninfo:\n  title: billing\n  version: 0.14.2\npaths:\n  /invoices/{id}:\n"
        "    get:\n      operationId: getInvoice\n"
        "      description: Returns one invoice. Note: totals are in minor units\n"
        '      responses:\n        "200":\n          description: ok\n',
        "feat(web): show invoice totals in major units",
        ["web/src/api/openapi.yaml", "web/src/api/client.gen.ts", "web/src/pages/Invoice.tsx"],
        pr=pr_of(
            cid,
            "feat(web): show invoice totals in major units",
            "Documents the unit in the spec the web client is generated from (`npm run codegen` "
            "in web/), and converts in the invoice page.",
        ),
    )
    # 3f. atlas: mkdocs.yml through mkdocs build
    at(REPO)
    cid = "fr-ze-yaml-mkdocs-nav-indent"
    src = (
        "site_name: Healer\nnav:\n  - Home: index.md\n  - Routing: routing.md\n"
        "   - Agents: agents.md\ntheme:\n  name: material\n"
    )
    py = real.sh(
        cid,
        {
            "mkdocs.yml": src,
            "load.py": "import yaml\ntry:\n    yaml.safe_load(open('mkdocs.yml'))\n"
            "except yaml.YAMLError as e:\n    print(e)\n    raise SystemExit(1)\n",
        },
        f"{real.VENV}/bin/python load.py",
        "python load.py",
    )
    assert py.code == 1, py
    ci(
        cid,
        "mkdocs build fails parsing mkdocs.yml: the change's new nav entry is indented one "
        "space deeper than its siblings; the docs site config is the only file changed",
        ["look-alike", "obvious"],
        "atlas",
        "general",
        workflow="docs",
        job="build-docs",
        repo=REPO,
        steps=[
            uses(
                "actions/setup-python@v5",
                {"python-version": "3.12"},
                ["Successfully set up CPython (3.12.7)"],
            ),
            run(
                "pip install mkdocs-material==9.5.44",
                [
                    "Successfully installed babel-2.16.0 colorama-0.4.6 ghp-import-2.1.0 "
                    "jinja2-3.1.4 markdown-3.7 markupsafe-3.0.2 mergedeep-1.3.4 mkdocs-1.6.1 "
                    "mkdocs-get-deps-0.2.0 mkdocs-material-9.5.44 "
                    "mkdocs-material-extensions-1.3.1 paginate-0.5.7 pathspec-0.12.1 "
                    "platformdirs-4.3.6 pygments-2.18.0 pymdown-extensions-10.12 pyyaml-6.0.2 "
                    "pyyaml-env-tag-0.1 regex-2024.11.6 requests-2.32.3 watchdog-6.0.0"
                ],
                name="Install mkdocs",
            ),
            run(
                "mkdocs build --strict",
                [
                    "Error: MkDocs encountered an error parsing the configuration file: "
                    + py.lines[0],
                    *py.lines[1:],
                ],
                1,
                name="Build site",
            ),
        ],
        message="docs: add the agents page to the nav",
        files=["mkdocs.yml", "docs/agents.md"],
    )


# ------------------------------------------------------------------ 4. certificate verify failed


@contextmanager
def _intercepting_proxy(name: str) -> Iterator[int]:
    """A 127.0.0.1 HTTPS server presenting a leaf signed by a private root CA, sent with the
    root in the chain, as a TLS-inspecting corporate proxy does."""
    d = real.scratch(name + "-ca")
    cmds = [
        "openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 3650 "
        '-subj "/O=5dlabs/CN=5dlabs Egress Inspection CA"',
        'openssl req -newkey rsa:2048 -nodes -keyout leaf.key -out leaf.csr -subj "/CN=pypi.org"',
        "printf 'subjectAltName=DNS:pypi.org,DNS:files.pythonhosted.org,IP:127.0.0.1' > ext",
        "openssl x509 -req -in leaf.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 30 "
        "-extfile ext -out leaf.crt",
        "cat leaf.crt ca.crt > chain.crt",
    ]
    for c in cmds:
        subprocess.run(c, shell=True, cwd=d, check=True, capture_output=True)

    class H(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(d / "chain.crt", d / "leaf.key")
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        yield int(srv.server_address[1])
    finally:
        srv.shutdown()
        srv.server_close()


def _pip_behind_proxy(cid: str, requirement: str, reqs: str) -> real.Out:
    """pip's real retries and error against the intercepting proxy, shown as pypi.org."""
    with _intercepting_proxy(cid) as port:
        out = real.sh(
            cid,
            {requirement.split()[-1]: reqs},
            f"{real.VENV}/bin/pip install --isolated --disable-pip-version-check --no-cache-dir "
            "--index-url "
            f"https://127.0.0.1:{port}/simple {requirement}",
            f"pip install --no-cache-dir {requirement}",
            hosts={
                f"https://127.0.0.1:{port}/simple": "https://pypi.org/simple",
                f"host='127.0.0.1', port={port}": "host='pypi.org', port=443",
                f"127.0.0.1:{port}": "pypi.org",
            },
            timeout=120,
        )
    assert out.code == 1 and any("CERTIFICATE_VERIFY_FAILED" in ln for ln in out.lines), out
    assert any("(from versions: none)" in ln for ln in out.lines), out
    lines = [ln for ln in out.lines if not ln.startswith("Looking in indexes:")]
    return real.Out(out.command, lines, out.code)


TLS_TEST = r"""
use std::fmt;

struct ReqwestError(&'static str);

impl fmt::Debug for ReqwestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

fn post_hook() -> Result<(), ReqwestError> {
    Err(ReqwestError(
        "reqwest::Error { kind: Request, url: \"https://localhost:8443/hook\", source: \
hyper_util::client::legacy::Error(Connect, Ssl(Error { code: ErrorCode(1), cause: \
Some(Ssl(ErrorStack([Error { code: 167772294, library: \"SSL routines\", function: \
\"tls_post_process_server_certificate\", reason: \"certificate verify failed\", file: \
\"ssl/statem/statem_clnt.c\", line: 2091 }]))) }, X509VerifyResult { code: 62, error: \
\"hostname mismatch\" })) }",
    ))
}

#[test]
fn rejects_untrusted_server() {}

#[test]
fn webhook_client_trusts_fixture_ca() {
    post_hook().expect("POST to the fixture server");
}
"""


def cert_failures() -> None:
    at(PLAT)
    # 4a. bolt: the Dockerfile stopped copying the proxy CA into the build stage
    cid = "fr-ze-cert-pip-docker-ca-dropped"
    pip = _pip_behind_proxy(
        cid, "-r requirements.txt", "requests==2.32.3\nclick==8.1.7\njinja2==3.1.4\n"
    )
    dockerfile = (
        "FROM python:3.11-slim AS base\n"
        "WORKDIR /srv\n"
        "COPY requirements.txt .\n"
        "RUN pip install --no-cache-dir -r requirements.txt\n"
        "COPY reporter/ reporter/\n"
        'CMD ["python", "-m", "reporter"]\n'
    )
    bk = shapes.BuildKit(cid, dockerfile, context_kb=88.3)
    bk.metadata()
    err = bk.run_until(4, pip.lines, code=1)
    assert err
    image = "registry.5dlabs.internal/platform/reporter:sha-" + sha(cid)[:7]
    ci(
        cid,
        "docker build fails in RUN pip install with `SSL: CERTIFICATE_VERIFY_FAILED ... "
        "self-signed certificate in certificate chain`: the builders egress through the TLS-"
        "inspecting proxy, and the change's Dockerfile rewrite dropped the lines that copied "
        "certs/egress-ca.crt into the image and ran update-ca-certificates",
        ["look-alike", "context-driven", "wrapper"],
        "bolt",
        "docker_build",
        workflow="images",
        job="reporter-image",
        repo=PLAT,
        self_hosted=True,
        steps=[
            *buildx_setup(),
            buildx_step(bk.finish(err), err, image, context="services/reporter"),
        ],
        message="build(reporter): single-stage slim image",
        files=["services/reporter/Dockerfile"],
        pr=pr_of(
            cid,
            "build(reporter): single-stage slim image",
            "Drops the builder stage and the CA juggling; python:3.12-slim is enough.",
        ),
    )
    # 4b. atlas: the same pip error on a self-hosted runner after its image update
    cid = "fr-ze-cert-pip-runner-image-update"
    pip = _pip_behind_proxy(cid, "-r tools/requirements.txt", "jinja2==3.1.4\npandas==2.2.3\n")
    ci(
        cid,
        "pip on the self-hosted runner fails with `self-signed certificate in certificate "
        "chain` from the egress proxy: the change only edited a Python report template; the "
        "runner scale set moved to a new runner image that no longer carries the proxy CA in "
        "its trust store",
        ["look-alike", "context-driven"],
        "atlas",
        "general",
        workflow="reports",
        job="weekly-report",
        repo=PLAT,
        self_hosted=True,
        steps=[
            uses(
                "actions/setup-python@v5",
                {"python-version": "3.11"},
                ["Successfully set up CPython (3.11.9)"],
            ),
            run(
                "python -m venv .venv && . .venv/bin/activate",
                [],
                name="Virtualenv",
            ),
            failing(pip, name="Install tools"),
        ],
        message="reports: add the p95 column to the weekly latency table",
        files=["tools/reports/templates/latency.md.j2"],
        extra={
            "kubernetes": {
                "pods": [],
                "events": [
                    shapes.event(
                        "arc-runners",
                        "AutoscalingRunnerSet",
                        "arc-runner-set",
                        "Updated",
                        "Updated runner template image to "
                        "ghcr.io/5dlabs/actions-runner:2.328.0-ubuntu24.04",
                        first=clock(cid)[0],
                        last=clock(cid)[0],
                        type_="Normal",
                        component="autoscalingrunnerset-controller",
                    )
                ],
            }
        },
    )
    # 4c. rex: a fixture certificate regenerated with the wrong SAN
    at(REPO)
    cid = "fr-ze-cert-rust-fixture-wrong-san"
    out = real.cargo(
        cid,
        {
            "tests/tls.rs": TLS_TEST,
        },
        ["test", "--test", "tls"],
    )
    assert out.code == 101, out
    ci(
        cid,
        "the webhook client's TLS integration test fails with `certificate verify failed ... "
        "(hostname mismatch)`: the change regenerated tests/fixtures/server.crt with "
        "CN/SAN `healer-test` instead of `localhost`, the host the test connects to",
        ["look-alike", "context-driven"],
        "rex",
        "rust_test",
        workflow="rust",
        job="integration",
        repo=REPO,
        steps=[
            *rust_setup(),
            failing(out, command="cargo test --test tls", name="Integration tests"),
        ],
        message="test: renew the TLS fixture certificates (expired)",
        files=["tests/fixtures/server.crt", "tests/fixtures/server.key", "tests/fixtures/gen.sh"],
        pr=pr_of(
            cid,
            "test: renew the TLS fixture certificates (expired)",
            "Regenerated with tests/fixtures/gen.sh; server cert now `-subj /CN=healer-test`.",
        ),
    )


# ------------------------------------------------------------------ 5. panics


def panics() -> None:
    at(PLAT)
    # 5a. atlas: helm-diff plugin, installed unpinned, crashes on a values-only change
    cid = "fr-ze-panic-helm-diff-plugin"
    ci(
        cid,
        "the helm-diff step dies with a Go `panic: runtime error: invalid memory address or "
        "nil pointer dereference` inside the helm-diff plugin: the workflow installs the "
        "plugin unpinned and picked up a new release; the change only moved a replica count, "
        "and helm lint / helm template of the same values pass in the job",
        ["look-alike", "context-driven"],
        "atlas",
        "general",
        workflow="chart-diff",
        job="diff-staging",
        repo=PLAT,
        steps=[
            *kube_setup(),
            run(
                "helm plugin install https://github.com/databus23/helm-diff",
                [
                    "Downloading https://github.com/databus23/helm-diff/releases/latest/"
                    "download/helm-diff-linux-amd64.tgz",
                    "Preparing to install into /home/runner/.local/share/helm/plugins/helm-diff",
                    "helm-diff installed into /home/runner/.local/share/helm/plugins/helm-diff",
                    "Installed plugin: diff",
                ],
                name="Install helm-diff",
            ),
            run(
                "helm lint charts/billing -f charts/billing/values-staging.yaml",
                [
                    "==> Linting charts/billing",
                    "[INFO] Chart.yaml: icon is recommended",
                    "",
                    "1 chart(s) linted, 0 chart(s) failed",
                ],
                name="Lint",
            ),
            run(
                "helm diff upgrade billing charts/billing -n billing "
                "-f charts/billing/values-staging.yaml --allow-unreleased --context 3",
                [
                    "panic: runtime error: invalid memory address or nil pointer dereference",
                    "[signal SIGSEGV: segmentation violation code=0x1 addr=0x30 pc=0x2a4f1c7]",
                    "",
                    "goroutine 1 [running]:",
                    "github.com/databus23/helm-diff/v3/manifest.Parse({0xc000a1e000, 0x1f2b}, "
                    "{0xc00004e0a8, 0x7}, 0x0, {0x0, 0x0, 0x0})",
                    "\t/home/runner/work/helm-diff/helm-diff/manifest/parse.go:118 +0x267",
                    "github.com/databus23/helm-diff/v3/cmd.(*diffCmd).runHelm3(0xc0002a2000)",
                    "\t/home/runner/work/helm-diff/helm-diff/cmd/upgrade.go:302 +0x6f1",
                    "github.com/databus23/helm-diff/v3/cmd.(*diffCmd).run(0xc0002a2000)",
                    "\t/home/runner/work/helm-diff/helm-diff/cmd/upgrade.go:229 +0x4a",
                    "github.com/spf13/cobra.(*Command).execute(0xc000276308, "
                    "{0xc0001c2380, 0x9, 0x9})",
                    "\t/home/runner/go/pkg/mod/github.com/spf13/cobra@v1.8.1/command.go:985 +0xaaa",
                    "main.main()",
                    "\t/home/runner/work/helm-diff/helm-diff/main.go:12 +0x25",
                    'Error: plugin "diff" exited with error',
                ],
                1,
                name="Diff against staging",
            ),
        ],
        message="chore(billing): 3 replicas on staging",
        files=["charts/billing/values-staging.yaml"],
    )
    # 5b. atlas: golangci-lint built with an older Go than the one setup-go installed
    cid = "fr-ze-panic-golangci-ruleguard"
    ci(
        cid,
        "golangci-lint panics at start-up with `panic: load embedded ruleguard rules: "
        "rules/rules.go:13: can't load fmt`: the workflow's setup-go uses `go-version: stable`, "
        "which moved to a Go release newer than the pinned golangci-lint binary supports; the "
        "change is a one-line log message edit",
        ["look-alike", "context-driven"],
        "atlas",
        "general",
        workflow="operator",
        job="golangci",
        repo=PLAT,
        steps=[
            uses(
                "actions/setup-go@v5",
                {"go-version": "stable", "cache": "true"},
                [
                    "Setup go version spec stable",
                    "stable version resolved as 1.25.4",
                    "Found in cache @ /opt/hostedtoolcache/go/1.25.4/x64",
                    "go version go1.25.4 linux/amd64",
                ],
            ),
            uses(
                "golangci/golangci-lint-action@v6",
                {"version": "v1.55.2", "working-directory": "operators/tenant"},
                [
                    "prepare environment",
                    "Installing golangci-lint binary v1.55.2...",
                    "Installed golangci-lint into /home/runner/golangci-lint-1.55.2-linux-amd64/"
                    "golangci-lint in 421ms",
                    "run golangci-lint",
                    "Running [/home/runner/golangci-lint-1.55.2-linux-amd64/golangci-lint run "
                    "--out-format=github-actions] in [/home/runner/work/platform/platform/"
                    "operators/tenant] ...",
                    "panic: load embedded ruleguard rules: rules/rules.go:13: can't load fmt",
                    "",
                    "goroutine 1 [running]:",
                    "github.com/go-critic/go-critic/checkers.init.22()",
                    "\tgithub.com/go-critic/go-critic@v0.9.0/checkers/embedded_rules.go:47 +0x4b4",
                    "",
                    "golangci-lint exit with code 2",
                    "Ran golangci-lint in 1287ms",
                ],
                error=["##[error]golangci-lint exit with code 2"],
            ),
        ],
        message="operator(tenant): clearer log line when a quota is missing",
        files=["operators/tenant/internal/controller/quota.go"],
    )
    # 5c. rex: a panic in our own code under test
    at(REPO)
    cid = "fr-ze-panic-rust-index-out-of-bounds"
    out = real.cargo(
        cid,
        {
            "src/lib.rs": (
                "pub fn first_failed_step<'a>(steps: &[(&'a str, bool)]) -> &'a str {\n"
                "    let failed: Vec<&str> = steps.iter().filter(|s| !s.1).map(|s| s.0).collect();\n"
                "    failed[0]\n"
                "}\n\n"
                "#[cfg(test)]\nmod tests {\n    use super::*;\n\n"
                "    #[test]\n    fn picks_the_failed_step() {\n"
                '        assert_eq!(first_failed_step(&[("a", true), ("b", false)]), "b");\n'
                "    }\n\n"
                "    #[test]\n    fn cancelled_job_has_no_failed_step() {\n"
                '        assert_eq!(first_failed_step(&[("a", true)]), "");\n'
                "    }\n}\n"
            ),
        },
        ["test", "--lib"],
    )
    assert out.code == 101, out
    ci(
        cid,
        "cargo test panics in the change's first_failed_step with `index out of bounds: the "
        "len is 0 but the index is 0` for a job with no failed step",
        ["look-alike", "obvious"],
        "rex",
        "rust_test",
        workflow="ci",
        job="test",
        repo=REPO,
        steps=[*rust_setup(), failing(out, command="cargo test --workspace", name="Test")],
        message="feat(logs): name the first failed step in the summary",
        files=["src/lib.rs"],
    )
    # 5d. atlas: a Rust tool the CI installs unpinned panics (not our code)
    cid = "fr-ze-panic-taplo-unpinned"
    ci(
        cid,
        "the toml-fmt job's `taplo fmt --check` panics inside taplo itself (`called "
        "Option::unwrap() on a None value` in taplo-common) right after `cargo binstall taplo-cli` "
        "installed a new release; the change touched only Rust sources, no TOML",
        ["look-alike", "context-driven"],
        "atlas",
        "general",
        workflow="ci",
        job="toml-fmt",
        repo=REPO,
        steps=[
            run(
                "cargo binstall -y taplo-cli",
                [
                    " INFO resolve: Resolving package: 'taplo-cli'",
                    " WARN The package taplo-cli v0.10.1 will be downloaded from github.com",
                    " INFO This will install the following binaries:",
                    " INFO   - taplo => /home/runner/.cargo/bin/taplo",
                    " INFO Installing binaries...",
                    " INFO Done in 2.31s",
                ],
                name="Install taplo",
            ),
            run(
                "taplo fmt --check",
                [
                    "thread 'main' panicked at /home/runner/.cargo/registry/src/"
                    "index.crates.io-1949cf8c6b5b557f/taplo-common-0.7.0/src/config.rs:241:61:",
                    "called `Option::unwrap()` on a `None` value",
                    "note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace",
                ],
                101,
                name="Check TOML formatting",
            ),
        ],
        message="fix(router): keep the first matching rule's agent on ties",
        files=["src/router/select.rs"],
    )


# ------------------------------------------------------------------ 6. exit 137 in BuildKit

CRATES = [
    "proc-macro2 v1.0.92",
    "unicode-ident v1.0.14",
    "libc v0.2.169",
    "cfg-if v1.0.0",
    "quote v1.0.38",
    "syn v2.0.95",
    "serde v1.0.217",
    "tokio v1.43.0",
    "hyper v1.5.2",
    "rustls v0.23.20",
    "aws-lc-sys v0.24.1",
    "sqlx-core v0.8.3",
    "axum v0.8.1",
]


def _cargo_killed(cid: str, dockerfile: str, line: int) -> tuple[list[str], str]:
    bk = shapes.BuildKit(cid, dockerfile, context_kb=1204.9)
    bk.metadata()
    inner = [f"   Compiling {c}" for c in CRATES] + ["   Compiling ledger v0.14.2 (/app)"]
    err = bk.run_until(line, inner, code=137)
    assert err
    return bk.finish(err), err


RUST_IMAGE = """\
# syntax=docker/dockerfile:1.7
FROM rust:1.87-bookworm AS build
WORKDIR /app
{env}COPY . .
RUN cargo build --release --locked

FROM gcr.io/distroless/cc-debian12
COPY --from=build /app/target/release/ledger /ledger
ENTRYPOINT ["/ledger"]
"""


def killed_in_build() -> None:
    at(LEDGER)
    # 6a. atlas: shared builder memory, Dockerfile unchanged
    cid = "fr-ze-oom137-buildkit-shared-builder"
    dockerfile = RUST_IMAGE.format(env="ENV CARGO_BUILD_JOBS=4\n")
    lines, err = _cargo_killed(cid, dockerfile, 6)
    image = "ghcr.io/5dlabs/ledger:sha-" + sha(cid)[:7]
    ci(
        cid,
        "docker build's RUN cargo build --release ends with exit code 137 (SIGKILL) on the "
        "shared in-cluster BuildKit builder while two other image builds ran on it; the "
        "Dockerfile is unchanged (CARGO_BUILD_JOBS=4) and the change is a small Rust edit",
        ["look-alike", "context-driven"],
        "atlas",
        "general",
        workflow="ledger-image",
        job="build-and-push",
        repo=LEDGER,
        self_hosted=True,
        steps=[*buildx_setup(), buildx_step(lines, err, image)],
        message="fix(ledger): reject negative refunds",
        files=["src/refund.rs"],
        extra={
            "prometheus": {
                'max_over_time(container_memory_working_set_bytes{namespace="buildkit",'
                'container="buildkitd"}[15m])': [
                    {
                        "metric": {
                            "namespace": "buildkit",
                            "pod": "buildkitd-0",
                            "container": "buildkitd",
                        },
                        "value": [1793700000, "8579817472"],
                    }
                ],
                'kube_pod_container_resource_limits{namespace="buildkit",resource="memory"}': [
                    {
                        "metric": {
                            "namespace": "buildkit",
                            "pod": "buildkitd-0",
                            "container": "buildkitd",
                            "resource": "memory",
                        },
                        "value": [1793700000, "8589934592"],
                    }
                ],
                'count(buildkit_build_active{namespace="buildkit"})': [
                    {"metric": {}, "value": [1793700000, "3"]}
                ],
            }
        },
    )
    # 6b. bolt: the Dockerfile raised CARGO_BUILD_JOBS
    cid = "fr-ze-oom137-buildkit-jobs-raised"
    dockerfile = RUST_IMAGE.format(env="ENV CARGO_BUILD_JOBS=32\n")
    lines, err = _cargo_killed(cid, dockerfile, 6)
    image = "ghcr.io/5dlabs/ledger:sha-" + sha(cid)[:7]
    ci(
        cid,
        "docker build's RUN cargo build --release ends with exit code 137 (SIGKILL) on the "
        "in-cluster builder: the change raised CARGO_BUILD_JOBS in the Dockerfile from 4 to "
        "32, more parallel rustc processes than the builder's 8Gi memory holds",
        ["look-alike", "context-driven"],
        "bolt",
        "docker_build",
        workflow="ledger-image",
        job="build-and-push",
        repo=LEDGER,
        self_hosted=True,
        steps=[*buildx_setup(), buildx_step(lines, err, image)],
        message="build(image): use all builder cores for cargo",
        files=["Dockerfile"],
        pr=pr_of(
            cid,
            "build(image): use all builder cores for cargo",
            "The builder node has 32 cores; CARGO_BUILD_JOBS 4 -> 32 should cut the build "
            "from 11 to ~4 minutes.",
        ),
    )


# ------------------------------------------------------------------ 7. 404 fetching a dependency


def not_found() -> None:
    at(WEB)
    # 7a. blaze: a pinned npm version that was unpublished
    cid = "fr-ze-404-npm-unpublished-version"
    tarball = "/chart-brush-lite/-/chart-brush-lite-0.6.3.tgz"
    with real.serve((404, '{"error":"Not found"}', "application/json")) as port:
        base = f"http://127.0.0.1:{port}"
        lock = {
            "name": "console",
            "version": "2.9.0",
            "lockfileVersion": 3,
            "requires": True,
            "packages": {
                "": {
                    "name": "console",
                    "version": "2.9.0",
                    "dependencies": {"chart-brush-lite": "0.6.3"},
                },
                "node_modules/chart-brush-lite": {
                    "version": "0.6.3",
                    "resolved": base + tarball,
                    "license": "MIT",
                },
            },
        }
        pkg = {"name": "console", "version": "2.9.0", "dependencies": {"chart-brush-lite": "0.6.3"}}
        out = real.sh(
            cid,
            {"package.json": json.dumps(pkg), "package-lock.json": json.dumps(lock)},
            f"npm ci --no-audit --no-fund --registry {base}/",
            "npm ci",
            hosts={base: "https://registry.npmjs.org"},
        )
    assert out.code != 0 and any("E404" in ln for ln in out.lines), out
    ci(
        cid,
        "npm ci fails with E404 for chart-brush-lite-0.6.3.tgz: the change pinned "
        "chart-brush-lite to exactly 0.6.3, a version its author unpublished after the lockfile "
        "was generated",
        ["look-alike", "context-driven"],
        "blaze",
        "frontend_deps",
        workflow="console",
        job="install",
        repo=WEB,
        steps=[*node_setup(), failing(out, name="Install dependencies")],
        message="feat(charts): brush selection on the latency chart",
        files=["package.json", "package-lock.json", "src/charts/Latency.tsx"],
        pr=pr_of(
            cid,
            "feat(charts): brush selection on the latency chart",
            "Adds chart-brush-lite (pinned to 0.6.3).",
        ),
    )
    # 7b. bolt: a chart dependency's repository index moved
    at(PLAT)
    cid = "fr-ze-404-helm-repo-index-moved"
    ci(
        cid,
        "adding the chart dependencies' repositories fails with `failed to fetch "
        "https://grafana.github.io/loki/charts/index.yaml : 404 Not Found`: the change added a "
        "loki-stack dependency to charts/observability/Chart.yaml with the retired Loki chart "
        "repository URL instead of https://grafana.github.io/helm-charts",
        ["look-alike", "context-driven"],
        "bolt",
        "helm",
        workflow="charts",
        job="package",
        repo=PLAT,
        steps=[
            *kube_setup(),
            run(
                "yq '.dependencies[].repository' charts/observability/Chart.yaml | sort -u |\n"
                '  while read -r url; do helm repo add "$(basename "$url")" "$url"; done',
                [
                    '"prometheus-community" has been added to your repositories',
                    'Error: looks like "https://grafana.github.io/loki/charts" is not a valid '
                    "chart repository or cannot be reached: failed to fetch "
                    "https://grafana.github.io/loki/charts/index.yaml : 404 Not Found",
                ],
                1,
                name="Add chart repositories",
            ),
        ],
        message="feat(observability): ship logs with loki-stack",
        files=["charts/observability/Chart.yaml", "charts/observability/values.yaml"],
    )


# ------------------------------------------------------------------ 8. plain cases


def plain() -> None:
    at(REPO)
    cid = "fr-ze-plain-clippy-redundant-clone"
    out = real.cargo(
        cid,
        {
            "src/main.rs": (
                "fn label(agent: String) -> String {\n"
                "    let a = agent.clone();\n"
                '    format!("agent:{a}")\n'
                "}\n\n"
                'fn main() {\n    println!("{}", label("rex".to_string()));\n}\n'
            ),
        },
        ["clippy", "--", "-D", "warnings", "-W", "clippy::redundant_clone"],
        shown="cargo clippy --all-targets -- -D warnings",
    )
    assert out.code != 0, out
    ci(
        cid,
        "cargo clippy -D warnings fails on a redundant clone the change added in label()",
        ["obvious"],
        "rex",
        "rust_clippy",
        workflow="ci",
        job="clippy",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="Clippy")],
        message="feat(labels): prefix agent labels",
        files=["src/main.rs"],
    )
    at(WEB)
    cid = "fr-ze-plain-tsc-possibly-undefined"
    out = real.tsc(
        cid,
        {
            "src/invoice.ts": (
                "export interface Invoice { id: string; lines?: { amount: number }[] }\n\n"
                "export function total(inv: Invoice): number {\n"
                "  return inv.lines.reduce((n, l) => n + l.amount, 0);\n"
                "}\n"
            ),
        },
    )
    assert out.code != 0, out
    ci(
        cid,
        "tsc reports TS18048 `inv.lines is possibly undefined` in the change's total() in "
        "src/invoice.ts",
        ["obvious"],
        "blaze",
        "frontend_typecheck",
        workflow="console",
        job="typecheck",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Typecheck")],
        message="feat(invoice): compute totals client-side",
        files=["src/invoice.ts"],
    )
