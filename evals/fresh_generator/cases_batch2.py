"""Batch 2 of the fresh split (ids ``fr-b-``): the classes routers get confidently wrong.

- genuine flakes inside different clients (pip DNS, curl DNS, npm socket timeout, git 503,
  Maven connection reset, apt 503 inside a BuildKit ``RUN``, cargo git dependency reset, a
  ``node --test`` integration test against a 502, kubectl timing out) with no context that
  explains them, next to look-alikes whose context does explain them;
- resource kills and a full disk under language-specific names;
- GitHub platform failures under misleading job names, and GH013 push protection;
- multi-signal logs (one real error among warnings, deprecations and retries);
- a handful of plain ``obvious`` cases.

Every network error is printed by the real client against a 127.0.0.1 server (reset, silence,
5xx) or an unresolvable ``.invalid`` host, rewritten to the host the workflow would have used.
Tools that cannot run here (Go, Gradle, the Docker daemon, Helm) are written in their own
message formats and listed in README.md."""

from __future__ import annotations

import json
import re

import real
import shapes
from fcommon import at, ci, failing, node_setup, passing, pr_of, rust_setup, sha, uses
from gha import Step, run
from helpers import (
    buildx_setup,
    buildx_step,
    clock,
    crashing,
    curl_fail,
    kube_setup,
    normal_events,
    pod_name,
    ready_pods,
    reset_server,
    rollout,
    silent_server,
    v8_oom,
    wait_available,
)

REPO = "5dlabs/healer"
WEB = "5dlabs/console"
PLAT = "5dlabs/platform"


def npm_ci_ok() -> Step:
    """``fcommon.npm_ci_ok`` with npm's duration pinned ('up to date in 9ms' or '... in 1s')."""
    import dataclasses

    import fcommon

    step = fcommon.npm_ci_ok()
    lines = [re.sub(r"up to date in \d+(\.\d+)?m?s$", "up to date in 9ms", ln) for ln in step.lines]
    return dataclasses.replace(step, lines=lines)


def _py_setup() -> Step:
    return uses(
        "actions/setup-python@v5",
        {"python-version": "3.12", "cache": "pip"},
        ["Successfully set up CPython (3.12.7)"],
    )


def _hand(name: str, command: str, lines: list[str], code: int = 1, seconds: float = 30) -> Step:
    """A failing ``run:`` step whose output is written in the tool's format (the tool does not
    run here)."""
    return run(command, lines, code, name=name, seconds=seconds)


# ------------------------------------------------------------------ genuine flakes


def flakes() -> None:
    # pip: the index host does not resolve (DNS), in a docs job
    at(REPO)
    lines, code = real.run(
        [
            str(real.VENV / "bin" / "pip"),
            "install",
            "--no-cache-dir",
            "--retries",
            "1",
            "--ignore-installed",
            "--no-deps",
            "--index-url",
            "https://pypi.fr-b-dns.invalid/simple/",
            "--disable-pip-version-check",
            "mkdocs-material==9.5.44",
        ],
        real.scratch("fr-b-pip-dns"),
        env={"PIP_FIND_LINKS": "", "PIP_CONFIG_FILE": "/dev/null", "PIP_NO_INDEX": ""},
        hosts={"pypi.fr-b-dns.invalid": "pypi.org"},
    )
    lines = [
        re.sub(r"object at 0x[0-9a-f]+", "object at 0x7f3a1c2e5d10", ln)
        for ln in lines
        if "Location" not in ln and "Looking in indexes" not in ln
    ]
    assert code != 0 and any("Name or service not known" in ln for ln in lines), lines
    ci(
        "fr-b-flaky-pip-dns-docs",
        "the docs build cannot install mkdocs-material: pypi.org does not resolve "
        "('Name or service not known') on both tries; only Markdown changed",
        ["flaky-infra"],
        "atlas",
        "general",
        workflow="docs",
        job="build-docs",
        repo=REPO,
        steps=[
            _py_setup(),
            failing(
                real.Out("pip install -r docs/requirements.txt", lines, code),
                name="Install mkdocs",
            ),
        ],
        message="docs: explain routing overrides",
        files=["docs/routing.md"],
    )

    # curl: the install script host does not resolve, in a Rust test job
    out = real.sh(
        "fr-b-curl-dns",
        {},
        "curl -LsSf https://get.nexte.st.fr-b.invalid/latest/linux | tar zxf - -C ${CARGO_HOME:-~/.cargo}/bin",
        "curl -LsSf https://get.nexte.st/latest/linux | tar zxf - -C ${CARGO_HOME:-~/.cargo}/bin",
        hosts={"get.nexte.st.fr-b.invalid": "get.nexte.st"},
    )
    assert out.code != 0, out
    ci(
        "fr-b-flaky-curl-dns-nextest",
        "the Rust test job fails before any test runs: installing cargo-nextest, curl cannot "
        "resolve get.nexte.st (exit 6) and tar sees no archive",
        ["flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="Rust CI",
        job="nextest (ubuntu-latest)",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="Install cargo-nextest")],
        message="test(router): table-driven cases for labels",
        files=["crates/router/tests/labels.rs"],
    )

    # npm: the registry accepts the connection and never answers (socket timeout)
    at(WEB)
    pkg = {"name": "console", "version": "1.5.0", "dependencies": {"dayjs": "^1.11.13"}}
    with silent_server() as port:
        reg = f"http://127.0.0.1:{port}/"
        lock = {
            "name": "console",
            "version": "1.5.0",
            "lockfileVersion": 3,
            "requires": True,
            "packages": {
                "": {"name": "console", "version": "1.5.0", "dependencies": {"dayjs": "^1.11.13"}},
                "node_modules/dayjs": {
                    "version": "1.11.13",
                    "resolved": f"{reg}dayjs/-/dayjs-1.11.13.tgz",
                    "integrity": "sha512-oaMBel6gjolK862uaPQOVTA7q3TZhuSvuMQAAglQDOWYO9A91IrAOUJEyKVlqJlHE0vq5p5UXxzdPfMH/x6xNg==",
                    "license": "MIT",
                },
            },
        }
        out = real.sh(
            "fr-b-npm-timeout",
            {
                "package.json": json.dumps(pkg, indent=2),
                "package-lock.json": json.dumps(lock, indent=2),
            },
            f"npm ci --no-audit --no-fund --fetch-retries=0 --fetch-timeout=1500 "
            f"--cache ./.npm-cache --registry={reg}",
            "npm ci --no-audit --no-fund",
            hosts={f"http://127.0.0.1:{port}": "https://registry.npmjs.org"},
            timeout=120,
        )
    assert out.code != 0, out
    ci(
        "fr-b-flaky-npm-socket-timeout",
        "npm ci times out fetching a tarball (the registry never answers); the change is a "
        "CSS tweak and the lockfile did not change",
        ["flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="frontend",
        job="unit-tests",
        repo=WEB,
        steps=[*node_setup(), failing(out, name="Install dependencies")],
        message="style(runs): tighten table padding",
        files=["src/runs/table.css"],
        event="workflow_run",
    )

    # git clone of the shared charts repo answers 503, in a Helm job
    at(PLAT)
    with real.serve(
        (503, "<html><body><h1>503 Service Unavailable</h1></body></html>", "text/html")
    ) as port:
        out = real.sh(
            "fr-b-git-503",
            {},
            f"git clone --depth 1 http://127.0.0.1:{port}/5dlabs/charts.git vendor/charts",
            "git clone --depth 1 https://github.com/5dlabs/charts.git vendor/charts",
            hosts={f"http://127.0.0.1:{port}": "https://github.com"},
        )
    assert out.code == 128, out
    ci(
        "fr-b-flaky-git-clone-503-helm-job",
        "the helm-lint job dies cloning the shared charts repository: github.com answers "
        "503; no chart or values file changed",
        ["flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="charts",
        job="helm-lint",
        repo=PLAT,
        steps=[*kube_setup(), failing(out, name="Vendor shared charts")],
        message="chore(renovate): group kube-prometheus updates",
        files=["renovate.json"],
    )

    # Maven: the repository resets every connection (a Java SDK job)
    at("5dlabs/healer-sdk-java")
    with reset_server() as port:
        path = real.scratch(
            "fr-b-mvn-reset",
            {
                "pom.xml": """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>ai.fivedlabs</groupId>
  <artifactId>healer-sdk</artifactId>
  <version>0.3.0</version>
  <properties><maven.compiler.release>17</maven.compiler.release></properties>
  <dependencies>
    <dependency>
      <groupId>com.squareup.okhttp3</groupId>
      <artifactId>okhttp</artifactId>
      <version>4.12.0</version>
    </dependency>
  </dependencies>
</project>
""",
                "settings.xml": f"""<settings><mirrors><mirror><id>central</id><mirrorOf>*</mirrorOf>
<url>http://127.0.0.1:{port}/maven2</url></mirror></mirrors></settings>
""",
            },
        )
        lines, code = real.run(
            [
                "mvn",
                "-B",
                "-ntp",
                "-s",
                "settings.xml",
                f"-Dmaven.repo.local={path / 'm2'}",
                "-Daether.connector.http.retryHandler.count=1",
                "compile",
            ],
            path,
            hosts={
                f"http://127.0.0.1:{port}/maven2": "https://repo.maven.apache.org/maven2",
                "from/to central": "from/to central",
            },
            timeout=180,
        )
    keep = []
    for ln in lines:
        ln = ln.replace(str(path / "m2"), "/home/runner/.m2/repository")
        ln = re.sub(r"Total time:\s+\S+ s", "Total time:  1.284 s", ln)
        ln = re.sub(r"Finished at: \S+", "Finished at: 2026-11-24T10:41:17Z", ln)
        keep.append(ln.replace("\x1b[0m", ""))
    assert code != 0, keep
    ci(
        "fr-b-flaky-maven-connection-reset",
        "the Java SDK build cannot resolve maven-resources-plugin: Maven Central resets the "
        "connection; the pom did not change",
        ["flaky-infra"],
        "atlas",
        "general",
        workflow="sdk-java",
        job="build",
        repo="5dlabs/healer-sdk-java",
        steps=[
            uses(
                "actions/setup-java@v4",
                {"distribution": "temurin", "java-version": "17", "cache": "maven"},
                ["Java configuration:", "  Distribution: temurin", "  Version: 17.0.15+6"],
            ),
            failing(real.Out("mvn -B -ntp compile", keep, code), name="Build"),
        ],
        message="feat(sdk): expose retry policy",
        files=["src/main/java/ai/fivedlabs/healer/RetryPolicy.java"],
    )

    # apt-get update gets 503 inside a BuildKit RUN, then install cannot find the package
    at(REPO)
    with real.serve(
        (503, "<html><body><h1>503 Service Unavailable</h1></body></html>", "text/html")
    ) as port:
        root = real.scratch(
            "fr-b-apt-503",
            {"etc/sources.list": f"deb http://127.0.0.1:{port}/debian bookworm main\n"},
        )
        for d in ("lists/partial", "archives/partial"):
            (root / d).mkdir(parents=True, exist_ok=True)
        opts = (
            f"-o Dir::Etc::sourcelist={root}/etc/sources.list -o Dir::Etc::sourceparts=/nonexistent "
            f"-o Dir::State::lists={root}/lists/ -o Dir::Cache::archives={root}/archives/ "
            f"-o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache= "
            f"-o Acquire::Retries=0 -o Debug::NoLocking=1"
        )
        lines, code = real.run(
            f"apt-get {opts} update && apt-get {opts} install -s -y --no-install-recommends "
            "ca-certificates tini",
            root,
            hosts={
                f"http://127.0.0.1:{port}/debian": "http://deb.debian.org/debian",
                f"[IP: 127.0.0.1 {port}]": "[IP: 151.101.2.132 80]",
            },
        )
    assert code != 0, lines
    dockerfile = (
        "FROM rust:1.95-slim-bookworm AS build\nWORKDIR /src\nCOPY . .\n"
        "RUN cargo build --release --locked\n\nFROM debian:bookworm-slim\n"
        "RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates tini "
        "&& rm -rf /var/lib/apt/lists/*\n"
        "COPY --from=build /src/target/release/healer /usr/local/bin/healer\n"
        'ENTRYPOINT ["/usr/local/bin/healer"]\n'
    )
    bk = shapes.BuildKit("fr-b-apt-503", dockerfile)
    err = bk.run_until(7, lines, 100)
    ci(
        "fr-b-flaky-apt-503-in-docker-build",
        "the runtime stage's apt-get update gets 503 from deb.debian.org (only a warning), so "
        "the install then reports 'Unable to locate package'; the Dockerfile did not change",
        ["flaky-infra", "misleading-name", "multi-signal"],
        "atlas",
        "general",
        workflow="images",
        job="build-image",
        repo=REPO,
        steps=[
            *buildx_setup(),
            buildx_step(bk.finish(err), err, "ghcr.io/5dlabs/healer:sha-" + sha("apt503")[:7]),
        ],
        message="fix(store): close idle connections",
        files=["crates/store/src/pool.rs"],
    )

    # cargo: a git dependency's host resets the connection
    with reset_server() as port:
        path = real.crate(
            "fr-b-cargo-git-reset",
            {
                "Cargo.toml": real.cargo_toml(
                    "healer",
                    f'healer-proto = {{ git = "http://127.0.0.1:{port}/5dlabs/healer-proto.git", tag = "v0.4.1" }}',
                ),
                ".cargo/config.toml": "[net]\nretry = 1\n",
            },
        )
        lines, code = real.run(
            ["cargo", "fetch"],
            path,
            env={"CARGO_HOME": str(path / ".cargo-home")},
            hosts={f"http://127.0.0.1:{port}": "https://github.com"},
        )
    lines = [
        re.sub(r"healer-proto-[0-9a-f]{16}", "healer-proto-5c1d2e3f4a6b7c8d", ln) for ln in lines
    ]
    assert code != 0, lines
    ci(
        "fr-b-flaky-cargo-git-dep-reset",
        "cargo cannot fetch the healer-proto git dependency: github.com resets the connection "
        "(spurious network error, then failure); Cargo.toml and Cargo.lock are unchanged",
        ["flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="Rust CI",
        job="check",
        repo=REPO,
        steps=[*rust_setup(), failing(real.Out("cargo fetch --locked", lines, code), name="Fetch")],
        message="refactor(intake): split payload parsing",
        files=["crates/intake/src/parse.rs"],
        event="check_run",
        check=("check", "Process completed with exit code 101."),
    )

    # node --test integration test against a sandbox API answering 502
    at(WEB)
    with real.serve(
        (
            502,
            "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>",
            "text/html",
        )
    ) as port:
        path = real.scratch(
            "fr-b-node-test-502",
            {
                "package.json": json.dumps({"name": "console", "type": "module"}),
                "test/billing.integration.test.js": f"""import {{ test }} from "node:test";
import assert from "node:assert/strict";

const SANDBOX = process.env.BILLING_SANDBOX_URL ?? "http://127.0.0.1:{port}";

test("creates a sandbox invoice", async () => {{
  const res = await fetch(`${{SANDBOX}}/v1/invoices`, {{
    method: "POST",
    headers: {{ "content-type": "application/json" }},
    body: JSON.stringify({{ customer: "cus_test_42", amount: 1200 }}),
  }});
  assert.equal(res.status, 201, `sandbox answered ${{res.status}}`);
}});
""",
            },
        )
        lines, code = real.run(["node", "--test", "--test-reporter=spec", "test/"], path)
    lines = [ln.replace(f"127.0.0.1:{port}", "sandbox.billing.example.com") for ln in lines]
    assert code != 0, lines
    ci(
        "fr-b-flaky-node-test-sandbox-502",
        "an integration test against the billing provider's sandbox gets 502 Bad Gateway; "
        "the change only touches a settings page",
        ["flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="frontend",
        job="integration",
        repo=WEB,
        steps=[
            *node_setup(),
            npm_ci_ok(),
            failing(real.Out("node --test test/", lines, code), name="Integration tests"),
        ],
        message="feat(settings): show plan name",
        files=["src/settings/Plan.tsx"],
    )

    # kubectl apply: the API server accepts the connection and never answers
    at(PLAT)
    with silent_server() as port:
        path = real.scratch(
            "fr-b-kubectl-timeout",
            {
                "deploy/worker.yaml": """apiVersion: apps/v1
kind: Deployment
metadata:
  name: healer-worker
  namespace: healer
spec:
  replicas: 2
  selector:
    matchLabels: {app: healer-worker}
  template:
    metadata:
      labels: {app: healer-worker}
    spec:
      containers:
        - name: healer-worker
          image: ghcr.io/5dlabs/healer-worker:0.23.0
"""
            },
        )
        lines, code = real.run(
            [
                "kubectl",
                f"--server=http://127.0.0.1:{port}",
                "--request-timeout=3s",
                "apply",
                "-f",
                "deploy/",
            ],
            path,
            env={"KUBECONFIG": "/dev/null"},
            hosts={
                f"http://127.0.0.1:{port}": "https://k8s.staging.5dlabs.ai:6443",
                f"127.0.0.1:{port}": "k8s.staging.5dlabs.ai:6443",
            },
            timeout=120,
        )
    # Go's client reports the same timeout as "context deadline exceeded" or as "request
    # canceled (Client.Timeout ...)" depending on which timer fires first; keep the second
    lines = [
        re.sub(
            r"(openapi/v2\?timeout=3s\"): context deadline exceeded",
            r"\1: net/http: request canceled (Client.Timeout exceeded while awaiting headers)",
            re.sub(r"^[EIW]\d{4} [\d:.]+\s+\d+ ", "E1124 10:41:17.118204    3141 ", ln),
        )
        for ln in lines
    ]
    assert code != 0, lines
    ci(
        "fr-b-flaky-kubectl-apply-timeout",
        "kubectl apply times out talking to the staging API server (TLS handshake never "
        "completes); the manifest is valid and unchanged apart from the image tag",
        ["flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="deploy",
        job="apply-manifests",
        repo=PLAT,
        steps=[
            *kube_setup(),
            failing(real.Out("kubectl apply -f deploy/", lines, code), name="Apply"),
        ],
        message="chore(worker): 0.23.0",
        files=["deploy/worker.yaml"],
    )

    # go install through the module proxy: i/o timeout (Go does not run here)
    ci(
        "fr-b-flaky-go-proxy-timeout-kind",
        "installing kind for the e2e cluster fails: the Go module proxy times out (dial tcp "
        "i/o timeout); nothing in the repository changed about the e2e setup",
        ["flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="e2e",
        job="kind-e2e",
        repo=PLAT,
        steps=[
            uses(
                "actions/setup-go@v5",
                {"go-version": "1.23"},
                [
                    "Setup go version spec 1.23",
                    "Found in cache @ /opt/hostedtoolcache/go/1.23.4/x64",
                    "go version go1.23.4 linux/amd64",
                ],
            ),
            _hand(
                "Install kind",
                "go install sigs.k8s.io/kind@v0.25.0",
                [
                    "go: downloading sigs.k8s.io/kind v0.25.0",
                    'go: sigs.k8s.io/kind@v0.25.0: Get "https://proxy.golang.org/sigs.k8s.io/kind/@v/v0.25.0.zip": '
                    "dial tcp 142.250.72.145:443: i/o timeout",
                ],
                seconds=31,
            ),
        ],
        message="test(e2e): cover Argo CD sync waves",
        files=["e2e/argocd_test.sh"],
    )

    # docker compose pulls postgres for integration tests: TLS handshake timeout
    at(REPO)
    ci(
        "fr-b-flaky-compose-pull-tls-timeout",
        "the Rust integration job cannot start its Postgres service: pulling postgres:16 from "
        "Docker Hub hits a TLS handshake timeout",
        ["flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="Rust CI",
        job="integration-tests",
        repo=REPO,
        steps=[
            *rust_setup(),
            _hand(
                "Start services",
                "docker compose -f ci/compose.yaml up -d --wait",
                [
                    " postgres Pulling ",
                    " redis Pulling ",
                    " redis Pulled ",
                    'Error response from daemon: Get "https://registry-1.docker.io/v2/library/postgres/manifests/sha256:'
                    + sha("pg16")
                    + sha("pg16b")[:24]
                    + '": net/http: TLS handshake timeout',
                ],
                seconds=25,
            ),
        ],
        message="feat(store): partial index on open incidents",
        files=["crates/store/migrations/0031_open_incidents.sql"],
    )


# ------------------------------------------------------------------ kills and disk


def kills() -> None:
    # ESLint under the workflow's heap cap: V8 heap OOM, no lint error
    at(WEB)
    path = real.node_project(
        "fr-b-eslint-heap",
        {
            "eslint.config.js": real.ESLINT_CONFIG.format(rules="{}"),
            **{
                f"src/gen/table{i}.js": "export const rows = [\n"
                + ",\n".join(
                    f'  {{ id: {j}, name: "row{j}", tags: ["a", "b"] }}' for j in range(1500)
                )
                + "\n];\n"
                for i in range(6)
            },
        },
        pkg_name="console",
    )
    lines, code = real.run(["eslint", "src"], path, env={"NODE_OPTIONS": "--max-old-space-size=20"})
    assert code != 0 and any("heap out of memory" in ln for ln in lines), lines[-20:]
    lines = v8_oom([re.sub(r"^.*?(\[3141:)", r"\1", ln).replace(" (reduce)", "") for ln in lines])
    ci(
        "fr-b-kill-eslint-heap-oom",
        "ESLint aborts with 'JavaScript heap out of memory' under the job's NODE_OPTIONS heap "
        "cap before reporting anything; no lint finding and nothing points at the code",
        ["resource-kill", "misleading-name"],
        "atlas",
        "general",
        workflow="frontend",
        job="lint",
        repo=WEB,
        steps=[
            *node_setup(),
            npm_ci_ok(),
            failing(
                real.Out("npx eslint src", lines, 134 if code < 0 else code),
                name="Lint",
                env={"NODE_OPTIONS": "--max-old-space-size=2048"},
            ),
        ],
        message="chore(lint): enable import/order",
        files=["eslint.config.js"],
        event="check_run",
        check=("lint", "Process completed with exit code 134."),
    )

    # BuildKit RUN cargo build killed (exit code 137)
    at(REPO)
    dockerfile = (
        "FROM rust:1.95-slim-bookworm AS build\nWORKDIR /src\nCOPY . .\n"
        "RUN cargo build --release --locked\n\nFROM gcr.io/distroless/cc-debian12\n"
        "COPY --from=build /src/target/release/healer /healer\n"
        'ENTRYPOINT ["/healer"]\n'
    )
    bk = shapes.BuildKit("fr-b-bk-137", dockerfile)
    crates = ["serde", "tokio", "hyper", "rustls", "aws-lc-sys", "sqlx-core", "tower", "axum"]
    lines = [f"   Compiling {c} v1.{i}.{i * 3}" for i, c in enumerate(crates)]
    err = bk.run_until(4, lines, 137)
    ci(
        "fr-b-kill-docker-cargo-137",
        "the image build's 'RUN cargo build --release' ends with exit code 137 while compiling "
        "dependencies (aws-lc-sys); no compiler error, no memory context",
        ["resource-kill", "misleading-name"],
        "atlas",
        "general",
        workflow="images",
        job="docker",
        repo=REPO,
        steps=[
            *buildx_setup(),
            buildx_step(bk.finish(err), err, "ghcr.io/5dlabs/healer:sha-" + sha("bk137")[:7]),
        ],
        message="chore(deps): bump aws-sdk-s3 to 1.66",
        files=["Cargo.lock"],
    )

    # pytest-like python job SIGKILLed by the step runner (real kill)
    out = real.killed(
        "fr-b-python-killed",
        {
            "run_eval.py": """import time
print("collecting fixtures: 184 cases", flush=True)
for i in (8, 16, 24):
    print(f"[{i:3d}/184] ok", flush=True)
time.sleep(120)
"""
        },
        "python3 run_eval.py --dataset evals/cases/holdout",
        after=1.3,
    )
    assert out.code == 137, out
    ci(
        "fr-b-kill-python-eval-sigkill",
        "the nightly evaluation script is killed (bash 'Killed', exit 137) partway through the "
        "cases; no traceback, no memory context",
        ["resource-kill"],
        "atlas",
        "general",
        workflow="nightly",
        job="evaluate",
        repo=REPO,
        steps=[_py_setup(), failing(out, name="Evaluate")],
        message="chore: nightly",
        files=[],
        event="workflow_run",
    )

    # cargo test: the runner's disk is full (os error 28)
    ci(
        "fr-b-disk-full-cargo-test",
        "cargo test fails writing a test binary: 'No space left on device (os error 28)'; "
        "the runner disk filled with build artefacts, the code compiles",
        ["resource-kill", "misleading-name", "platform"],
        "atlas",
        "general",
        workflow="Rust CI",
        job="test",
        repo=REPO,
        steps=[
            *rust_setup(),
            _hand(
                "Test",
                "cargo test --workspace --all-features",
                [
                    "   Compiling healer-router v0.14.0 (/home/runner/work/healer/healer/crates/router)",
                    "   Compiling healer-intake v0.14.0 (/home/runner/work/healer/healer/crates/intake)",
                    "   Compiling healer v0.14.0 (/home/runner/work/healer/healer)",
                    "error: failed to write /home/runner/work/healer/healer/target/debug/deps/"
                    "healer-" + sha("dfc")[:16] + ".healer.b1c2d3e4f5a6b7c8-cgu.07.rcgu.o: "
                    "No space left on device (os error 28)",
                    "",
                    'error: could not compile `healer` (bin "healer" test) due to 1 previous error',
                    "warning: build failed, waiting for other jobs to finish...",
                ],
                code=101,
                seconds=400,
            ),
        ],
        tail=[
            "##[warning]You are running out of disk space. The runner will stop working when the "
            "machine runs out of disk space. Free space left: 41 MB"
        ],
        message="feat(router): weight recent failures",
        files=["crates/router/src/weights.rs"],
    )

    # Gradle daemon disappeared (Gradle does not run here)
    ci(
        "fr-b-kill-gradle-daemon-disappeared",
        "the Android sample's Gradle build stops with 'The Gradle daemon disappeared "
        "unexpectedly (it may have been killed or may have crashed)'; no compile error",
        ["resource-kill"],
        "atlas",
        "general",
        workflow="samples",
        job="android-sample",
        repo="5dlabs/healer-sdk-java",
        steps=[
            uses(
                "actions/setup-java@v4",
                {"distribution": "temurin", "java-version": "17"},
                ["Java configuration:", "  Distribution: temurin", "  Version: 17.0.15+6"],
            ),
            _hand(
                "Assemble",
                "./gradlew :samples:android:assembleDebug --no-configuration-cache",
                [
                    "Starting a Gradle Daemon (subsequent builds will be faster)",
                    "> Task :samples:android:preBuild UP-TO-DATE",
                    "> Task :samples:android:mergeDebugResources",
                    "> Task :samples:android:compileDebugKotlin",
                    "",
                    "FAILURE: Build failed with an exception.",
                    "",
                    "* What went wrong:",
                    "Gradle build daemon disappeared unexpectedly (it may have been killed or may have crashed)",
                    "",
                    "* Try:",
                    "> Run with --stacktrace option to get the stack trace.",
                    "> Run with --info or --debug option to get more log output.",
                    "> Run with --scan to get full insights.",
                    "> Get more help at https://help.gradle.org.",
                ],
                seconds=380,
            ),
        ],
        message="docs(sample): README for the Android sample",
        files=["samples/android/README.md"],
    )


# ------------------------------------------------------------------ GitHub platform


def _setup_failure(
    cid: str,
    description: str,
    tags: list[str],
    failure_type: str,
    workflow: str,
    job: str,
    repo: str,
    error: str,
    message: str,
    files: list[str],
) -> None:
    """A job that failed in 'Set up job' (only the runner's preparation lines exist)."""
    from cases_github import setup_only_log
    from fcommon import add
    from gha import Job, workflow_job

    j = Job(cid, repo, workflow, job, "main", [], tail=[error], cancelled=True)
    payload = workflow_job(j)
    payload["workflow_job"]["steps"] = [
        {
            "name": "Set up job",
            "status": "completed",
            "conclusion": "failure",
            "number": 1,
            "started_at": payload["workflow_job"]["started_at"],
            "completed_at": payload["workflow_job"]["started_at"],
        }
    ]
    add(
        cid,
        description,
        tags,
        "atlas",
        failure_type,
        "workflow_job",
        payload,
        {
            "logs": {job: setup_only_log(j, "")},
            "changed_files": files,
            "commit_message": message,
        },
    )


def platform() -> None:
    at(REPO)
    _setup_failure(
        "fr-b-plat-action-version-missing-docker-job",
        "the docker job fails in 'Set up job': docker/setup-qemu-action@v4 does not exist "
        "(the workflow was bumped past the latest major)",
        ["platform", "misleading-name"],
        "workflow_syntax",
        "images",
        "docker (linux/arm64)",
        REPO,
        "##[error]Unable to resolve action `docker/setup-qemu-action@v4`, unable to find "
        "version `v4`",
        "ci: bump docker actions",
        [".github/workflows/images.yml"],
    )
    _setup_failure(
        "fr-b-plat-download-artifact-v3-deprecated",
        "the console's release job is failed automatically because it still uses the "
        "deprecated actions/download-artifact@v3",
        ["platform", "misleading-name"],
        "general",
        "release",
        "publish-web",
        WEB,
        "##[error]This request has been automatically failed because it uses a deprecated "
        "version of `actions/download-artifact: v3`. Learn more: "
        "https://github.blog/changelog/2024-04-16-deprecation-notice-v3-of-the-artifact-actions/",
        "chore(release): 1.5.0",
        ["package.json", "CHANGELOG.md"],
    )

    # concurrency: cancelled by a newer run in the same group
    at(PLAT)
    ci(
        "fr-b-plat-concurrency-cancelled-helm",
        "the Helm upgrade job is cancelled mid-wait because a newer push queued a run in the "
        "same concurrency group; nothing failed",
        ["platform", "misleading-name"],
        "atlas",
        "general",
        workflow="deploy",
        job="helm-upgrade",
        repo=PLAT,
        steps=[
            *kube_setup(),
            Step(
                "Upgrade",
                [
                    "##[group]Run helm upgrade --install healer charts/healer -n healer --wait --timeout 10m",
                    "helm upgrade --install healer charts/healer -n healer --wait --timeout 10m",
                    "shell: /usr/bin/bash -e {0}",
                    "##[endgroup]",
                    'Release "healer" has been upgraded. Happy Helming!',
                ],
                "cancelled",
                None,
                95,
            ),
        ],
        tail=[
            "##[error]Canceling since a higher priority waiting request for 'deploy-staging' exists",
            "##[error]The operation was canceled.",
        ],
        message="chore(healer): 0.23.1",
        files=["charts/healer/values-staging.yaml"],
        cancelled=True,
        conclusion="cancelled",
    )

    # artifact storage quota
    at(WEB)
    ci(
        "fr-b-plat-artifact-quota-playwright",
        "the e2e tests pass but uploading the Playwright report fails: the organisation's "
        "artifact storage quota has been hit",
        ["platform", "misleading-name"],
        "atlas",
        "general",
        workflow="e2e",
        job="playwright",
        repo=WEB,
        steps=[
            *node_setup(),
            npm_ci_ok(),
            run(
                "npx playwright test --reporter=line",
                ["Running 48 tests using 4 workers", "  48 passed (1.9m)"],
                name="E2E",
                seconds=120,
            ),
            uses(
                "actions/upload-artifact@v4",
                {"name": "playwright-report", "path": "playwright-report/", "retention-days": "30"},
                [
                    "With the provided path, there will be 214 files uploaded",
                    "Artifact name is valid!",
                    "Root directory input is valid!",
                ],
                name="Upload report",
                error=[
                    "##[error]Failed to CreateArtifact: Artifact storage quota has been hit. "
                    "Unable to upload any new artifacts. Usage is recalculated every 6-12 hours."
                ],
            ),
        ],
        message="test(e2e): cover agent filters",
        files=["e2e/filters.spec.ts"],
    )

    # gh run download: the build's artifact has expired
    at(PLAT)
    ci(
        "fr-b-plat-artifact-expired-promote",
        "the promote-to-production job cannot download the web bundle built by the staging "
        "run: the artifact expired (retention), 'no valid artifacts found to download'",
        ["platform", "misleading-name"],
        "atlas",
        "general",
        workflow="promote",
        job="argocd-promote",
        repo=PLAT,
        steps=[
            run(
                'gh run download "$STAGING_RUN_ID" -R 5dlabs/console -n web-dist -D dist',
                ["no valid artifacts found to download"],
                1,
                name="Fetch staging bundle",
                env={"GH_TOKEN": "***", "STAGING_RUN_ID": "17433190266"},
            ),
        ],
        message="chore(prod): promote console 1.4.2",
        files=["apps/production/console.yaml"],
        event="workflow_run",
    )

    # protoc setup rate-limited by the GitHub API
    at(REPO)
    ci(
        "fr-b-plat-rate-limit-setup-protoc",
        "the Rust build fails before compiling: arduino/setup-protoc hits the unauthenticated "
        "GitHub API rate limit listing protoc releases",
        ["platform", "misleading-name"],
        "atlas",
        "general",
        workflow="Rust CI",
        job="build",
        repo=REPO,
        steps=[
            *rust_setup(),
            uses(
                "arduino/setup-protoc@v3",
                {"version": "28.x"},
                ["Getting protoc version 28.x"],
                name="Install protoc",
                error=[
                    "##[error]Error: API rate limit exceeded for 20.57.9.14. (But here's the "
                    "good news: Authenticated requests get a higher rate limit. Check out the "
                    "documentation for more details.)"
                ],
            ),
        ],
        message="feat(proto): add incident.v2 messages",
        files=["proto/incident/v2/incident.proto"],
        event="check_run",
        check=("build", "Error: API rate limit exceeded"),
    )

    # a second checkout of a private repo the token cannot see
    at(PLAT)
    wd = "/home/runner/work/platform/platform/deploy-config"
    attempt = [
        "[command]/usr/bin/git -c protocol.version=2 fetch --no-tags --prune --no-recurse-submodules "
        "--depth=1 origin +refs/heads/main*:refs/remotes/origin/main* +refs/tags/main*:refs/tags/main*",
        "remote: Repository not found.",
        "##[error]fatal: repository 'https://github.com/5dlabs/deploy-config/' not found",
        "The process '/usr/bin/git' failed with exit code 128",
    ]
    ci(
        "fr-b-plat-checkout-private-config-repo",
        "the Argo CD image-bump job cannot check out 5dlabs/deploy-config: the default "
        "GITHUB_TOKEN has no access to the other private repository ('Repository not found')",
        ["platform", "misleading-name"],
        "atlas",
        "permissions",
        workflow="release",
        job="bump-argocd-image",
        repo=PLAT,
        steps=[
            uses(
                "actions/checkout@v4",
                {"repository": "5dlabs/deploy-config", "path": "deploy-config", "ref": "main"},
                [
                    "Syncing repository: 5dlabs/deploy-config",
                    f"Working directory is '{wd}'",
                    "##[group]Fetching the repository",
                    *attempt,
                    "Waiting 13 seconds before trying again",
                    *attempt,
                    "Waiting 19 seconds before trying again",
                    *attempt[:-1],
                    "##[endgroup]",
                ],
                name="Checkout deploy-config",
                error=["##[error]The process '/usr/bin/git' failed with exit code 128"],
            ),
        ],
        message="chore(release): healer 0.23.1",
        files=["Chart.yaml"],
    )

    # self-hosted runner received a shutdown signal (scale-down) during tsc
    at(WEB)
    ci(
        "fr-b-plat-runner-shutdown-signal-typecheck",
        "the self-hosted runner pod receives a shutdown signal during the type check (node "
        "scale-down); tsc printed nothing wrong",
        ["platform", "misleading-name"],
        "atlas",
        "general",
        workflow="frontend",
        job="typecheck",
        repo=WEB,
        steps=[
            *node_setup(),
            npm_ci_ok(),
            Step(
                "Type check",
                [
                    "##[group]Run npx tsc -p . --noEmit",
                    "npx tsc -p . --noEmit",
                    "shell: /usr/bin/bash -e {0}",
                    "##[endgroup]",
                ],
                "cancelled",
                None,
                40,
            ),
        ],
        tail=[
            "##[error]The runner has received a shutdown signal. This can happen when the runner "
            "service is stopped, or a manually started runner is canceled.",
            "##[error]The operation was canceled.",
        ],
        message="feat(agents): sortable columns",
        files=["src/agents/Table.tsx"],
        self_hosted=True,
        cancelled=True,
    )

    # release-please with an expired PAT
    at(REPO)
    ci(
        "fr-b-plat-release-please-bad-credentials",
        "release-please cannot open the release PR: the RELEASE_PAT secret has expired "
        "(401 Bad credentials)",
        ["platform", "misleading-name"],
        "atlas",
        "permissions",
        workflow="release-please",
        job="release-please",
        repo=REPO,
        steps=[
            uses(
                "googleapis/release-please-action@v4",
                {"token": "***", "release-type": "rust"},
                [
                    "Running release-please version: 16.15.0",
                    "\u276f Fetching release-please-config.json from branch main",
                ],
                name="release-please",
                error=[
                    "##[error]release-please failed: Bad credentials - https://docs.github.com/rest"
                ],
            ),
        ],
        message="fix(router): ignore draft PR events",
        files=["crates/router/src/events.rs"],
        event="workflow_run",
    )

    # helm push to ghcr with an expired PAT (Helm does not run here)
    at(PLAT)
    ci(
        "fr-b-plat-helm-registry-login-expired-pat",
        "publishing the chart fails at 'helm registry login ghcr.io': 401 with the CHARTS_PAT "
        "secret, which expired; the chart itself packaged fine",
        ["platform", "misleading-name"],
        "atlas",
        "permissions",
        workflow="charts",
        job="publish-chart",
        repo=PLAT,
        steps=[
            run(
                "helm package charts/healer -d dist",
                ["Successfully packaged chart and saved it to: dist/healer-0.23.1.tgz"],
                name="Package",
            ),
            run(
                'echo "$CHARTS_PAT" | helm registry login ghcr.io -u 5dlabs-bot --password-stdin',
                [
                    "Error: login attempt to https://ghcr.io/v2/ failed with status: 401 Unauthorized"
                ],
                1,
                name="Login to ghcr.io",
                env={"CHARTS_PAT": "***"},
            ),
        ],
        message="chore(chart): healer 0.23.1",
        files=["charts/healer/Chart.yaml"],
    )

    # fork PR: the npm token secret is empty
    at(WEB)
    out = real.sh(
        "fr-b-fork-npm",
        {
            ".npmrc": "//npm.pkg.github.com/:_authToken=${NODE_AUTH_TOKEN}\n@5dlabs:registry=https://npm.pkg.github.com\n"
        },
        "npm whoami --registry=https://npm.pkg.github.com",
        "npm whoami --registry=https://npm.pkg.github.com",
        env={"NODE_AUTH_TOKEN": ""},
    )
    assert out.code != 0, out
    pr = pr_of("fr-b-fork-npm", "fix(charts): axis label overlap", "Fixes #412.\n\nFrom a fork.")
    pr["head"] = {"repo": {"full_name": "kbrandt-dev/console", "fork": True}}
    ci(
        "fr-b-plat-fork-pr-npm-token-empty",
        "a pull request from a fork: the job's check that it can read the private @5dlabs "
        "packages fails with ENEEDAUTH because secrets are not passed to fork PRs",
        ["platform", "misleading-name"],
        "atlas",
        "permissions",
        workflow="frontend",
        job="install",
        repo=WEB,
        steps=[
            *node_setup(),
            failing(out, name="Check package access", env={"NODE_AUTH_TOKEN": ""}),
        ],
        message="fix(charts): axis label overlap",
        files=["src/charts/Axis.tsx"],
        pr=pr,
        branch="fix-axis-overlap",
    )

    # GH013 push protection: an AWS key in a regenerated snapshot
    from cases_github import gh013_push

    at(WEB)
    commit = sha("fr-b-gh013")
    out = gh013_push(
        "fr-b-gh013",
        [
            "error: GH013: Repository rule violations found for refs/heads/update-snapshots.",
            "",
            "- GITHUB PUSH PROTECTION",
            "  —————————————————————————————————————————",
            "    Resolve the following violations before pushing again",
            "",
            "    - Push cannot contain secrets",
            "",
            "",
            "     (?) Learn how to resolve a blocked push",
            "     https://docs.github.com/code-security/secret-scanning/working-with-secret-scanning-"
            "and-push-protection/working-with-push-protection-from-the-command-line#resolving-a-"
            "blocked-push",
            "",
            "",
            "      —— Amazon AWS Access Key ID ——————————————————————————",
            "       locations:",
            f"         - commit: {commit}",
            "           path: src/settings/__snapshots__/Storage.test.tsx.snap:41",
            "",
            "       (?) To push, remove secret from commit(s) or follow this URL to allow the secret.",
            "       https://github.com/5dlabs/console/security/secret-scanning/unblock-secret/"
            "2qW8eLy0Nm4Pw9Su2Zt5Xc7Ad1Eb",
            "",
        ],
    )
    # the holdout's push server is set up for 5dlabs/cto main; git prints the remote it was given
    out = real.Out(
        "git push origin HEAD:update-snapshots",
        [
            ln.replace("5dlabs/cto.git", "5dlabs/console.git").replace(
                "HEAD -> main", "HEAD -> update-snapshots"
            )
            for ln in out.lines
        ],
        out.code,
    )
    ci(
        "fr-b-plat-gh013-secret-in-snapshot",
        "the snapshot-update bot's push is rejected by GH013 push protection: a regenerated "
        "test snapshot contains an AWS access key id",
        ["misleading-name"],
        "cipher",
        "secret_scanning_alert",
        workflow="update-snapshots",
        job="update-snapshots",
        repo=WEB,
        steps=[
            *node_setup(),
            npm_ci_ok(),
            run(
                "npx vitest run -u",
                ["Snapshots  3 updated", "Test Files  41 passed (41)"],
                name="Update snapshots",
            ),
            failing(out, name="Push"),
        ],
        message="test: update snapshots",
        files=["src/settings/__snapshots__/Storage.test.tsx.snap"],
    )


# ------------------------------------------------------------------ context decides


def _argocd_wait(
    app: str, ns: str, repo: str, path: str, health: str, rows, when: str, phase=None, message=""
):
    rev = sha(app + when)
    lines = shapes.argocd_summary(
        app,
        "platform",
        ns,
        repo,
        path,
        rev,
        "Synced" if phase is None else "OutOfSync",
        health,
        phase=phase,
        message=message,
        resources=rows,
    )
    what = "health" if phase is None else "sync"
    lines.append(
        shapes.logrus_fatal(
            when,
            f'Timed out (300s) waiting for app \\"{app}\\" match desired state'
            if phase is None
            else f"Operation has completed with phase: {phase}",
        )
    )
    return real.Out(f"argocd app wait {app} --{what} --timeout 300", lines, 20)


def _mem_series(start: int, step: int, n: int = 12) -> list[list]:
    return [[1764300000 + 1800 * i, str(start + step * i)] for i in range(n)]


def context() -> None:
    NS = "healer"

    # a Rust notifier slicing a UTF-8 message mid-character: crash loop (rex)
    at(PLAT)
    msg = "Rollout de healer-api terminé : 3/3 réplicas prêtes"
    raw = msg.encode()
    cut = next(i for i in range(20, len(raw)) if (raw[i] & 0xC0) == 0x80)
    src = f"""
fn headline(msg: &str, max: usize) -> &str {{
    if msg.len() <= max {{ msg }} else {{ &msg[..max] }}
}}

fn main() {{
    eprintln!(r#"{{{{"level":"INFO","target":"healer_notifier","msg":"starting","version":"0.23.0"}}}}"#);
    let msg = "{msg}";
    let h = headline(msg, {cut});
    println!("{{h}}");
}}
"""
    path = real.crate(
        "fr-b-notifier",
        {"Cargo.toml": real.cargo_toml("healer-notifier"), "src/main.rs": src},
    )
    built, code = real.run(
        ["cargo", "build", "-q", "--release"], path, env={"CARGO_NET_OFFLINE": "true"}
    )
    assert code == 0, built
    lines, code = real.run([str(path / "target" / "release" / "healer-notifier")], path)
    out = real.Out("/usr/local/bin/healer-notifier", lines, code)
    assert out.code == 101, out
    ctx = crashing(
        "fr-b-ctx-rust-char-boundary",
        NS,
        "healer-notifier",
        "ghcr.io/5dlabs/healer-notifier:0.23.0",
        101,
        out.lines,
    )

    ro = rollout("fr-b-ctx-rust-char-boundary", NS, "healer-notifier", 2, 1, 0, deadline=True)
    assert ro.code != 0, ro
    ci(
        "fr-b-ctx-rust-notifier-char-boundary-crashloop",
        "the notifier rollout exceeds its progress deadline; the new pod crash-loops on a Rust "
        "panic ('byte index … is not a char boundary') from truncating a French message",
        ["context-driven", "misleading-name"],
        "rex",
        "rust_test",
        workflow="deploy",
        job="rollout",
        repo=PLAT,
        steps=[*kube_setup(), failing(ro, name="Wait for rollout")],
        message="feat(notifier): localized rollout messages",
        files=["crates/notifier/src/format.rs", "crates/notifier/locales/fr.ftl"],
        extra=ctx,
    )

    # a Node BFF building a URL from a relative default: crash loop (blaze)
    at(WEB)
    out = real.node_run(
        "fr-b-ctx-node-url",
        {
            "package.json": json.dumps({"name": "console-bff", "type": "module"}),
            "server/config.js": """export const API_BASE = new URL(process.env.API_BASE ?? "/api/v1");
export const PORT = Number(process.env.PORT ?? 3000);
""",
            "server/index.js": """import { API_BASE, PORT } from "./config.js";
console.log(JSON.stringify({ level: "info", msg: "console-bff starting", port: PORT }));
console.log(JSON.stringify({ level: "info", msg: "upstream", api: API_BASE.href }));
""",
        },
        "server/index.js",
    )
    assert out.code != 0, out
    ctx = crashing(
        "fr-b-ctx-node-url",
        "console",
        "console-bff",
        "ghcr.io/5dlabs/console-bff:1.5.0",
        1,
        [ln.replace(real.RUNNER, "/app") for ln in out.lines],
        port=3000,
    )

    w = wait_available("fr-b-ctx-node-url", "console", "console-bff")
    ci(
        "fr-b-ctx-node-bff-invalid-url-crashloop",
        "kubectl wait for the BFF times out; its pods crash at import with TypeError: Invalid "
        "URL because the new config builds a URL from the relative default '/api/v1'",
        ["context-driven", "misleading-name"],
        "blaze",
        "frontend_test",
        workflow="deploy",
        job="deploy-staging",
        repo=WEB,
        steps=[*kube_setup(), failing(w, name="Wait for BFF")],
        message="refactor(bff): typed config module",
        files=["server/config.js", "server/index.js"],
        extra=ctx,
    )

    # an arm64-only image on amd64 nodes: exec format error (bolt)
    at(REPO)
    ro = rollout("fr-b-ctx-exec-format", NS, "healer-api", 3, 1, 2, deadline=True)
    ctx = crashing(
        "fr-b-ctx-exec-format",
        NS,
        "healer-api",
        "ghcr.io/5dlabs/healer-api:0.23.0",
        255,
        ["exec /usr/local/bin/healer-api: exec format error"],
    )
    ci(
        "fr-b-ctx-exec-format-error-arm64-image",
        "the API rollout stalls; the new pod exits 255 with 'exec format error': the bake file "
        "now builds only linux/arm64 while the cluster's nodes are amd64",
        ["context-driven", "misleading-name"],
        "bolt",
        "docker_build",
        workflow="deploy",
        job="rollout",
        repo=REPO,
        steps=[*kube_setup(), failing(ro, name="Rollout status")],
        message="ci(images): build on the arm64 builders",
        files=["docker-bake.hcl"],
        extra=ctx,
    )

    # a Secret key renamed: CreateContainerConfigError (bolt)
    created, first, last = clock("fr-b-ctx-secret-key")
    name = pod_name("fr-b-ctx-secret-key", "healer-worker")
    ro = rollout("fr-b-ctx-secret-key", NS, "healer-worker", 2, 1, 1, deadline=True)
    ctx = {
        "kubernetes": {
            "pods": [
                shapes.pod(
                    name,
                    NS,
                    "healer-worker",
                    "ghcr.io/5dlabs/healer-worker:0.23.0",
                    created=created,
                    phase="Pending",
                    waiting=(
                        "CreateContainerConfigError",
                        "couldn't find key DATABASE_URL in Secret healer/healer-db",
                    ),
                    env_from_secret="healer-db",
                )
            ],
            "events": [
                shapes.event(
                    NS,
                    "Pod",
                    name,
                    "Failed",
                    "Error: couldn't find key DATABASE_URL in Secret healer/healer-db",
                    first=first,
                    last=last,
                    count=38,
                )
            ],
        }
    }
    ci(
        "fr-b-ctx-secret-key-renamed",
        "the worker rollout times out; the new pod never starts: 'couldn't find key "
        "DATABASE_URL in Secret healer/healer-db' after the ExternalSecret renamed its keys",
        ["context-driven", "misleading-name"],
        "bolt",
        "k8s_manifest",
        workflow="deploy",
        job="rollout",
        repo=PLAT,
        steps=[*kube_setup(), failing(ro, name="Rollout status")],
        message="chore(db): POSTGRES_* key names in the external secret",
        files=["deploy/base/healer-db-externalsecret.yaml"],
        extra=ctx,
    )

    # a startup probe cut to 3 failures kills a slow-booting search service (exit 137, bolt)
    created, first, last = clock("fr-b-ctx-startup")
    name = pod_name("fr-b-ctx-startup", "healer-search")
    p = shapes.pod(
        name,
        NS,
        "healer-search",
        "ghcr.io/5dlabs/healer-search:0.9.2",
        created=created,
        restarts=5,
        port=8080,
        memory_limit="2Gi",
        waiting=(
            "CrashLoopBackOff",
            f"back-off 2m40s restarting failed container=healer-search pod={name}_{NS}",
        ),
        terminated={"exit_code": 137, "reason": "Error", "started": first, "finished": first},
    )
    events = [
        shapes.event(
            NS,
            "Pod",
            name,
            "Unhealthy",
            'Startup probe failed: Get "http://10.42.2.31:8080/readyz": dial tcp 10.42.2.31:8080: '
            "connect: connection refused",
            first=first,
            last=last,
            count=18,
        ),
        shapes.event(
            NS,
            "Pod",
            name,
            "Killing",
            "Container healer-search failed startup probe, will be restarted",
            first=first,
            last=last,
            count=6,
            type_="Normal",
        ),
    ]
    loki = [
        '{"level":"info","msg":"opening index","path":"/data/index","shards":12}',
        '{"level":"info","msg":"loaded shard","shard":1,"docs":412003}',
        '{"level":"info","msg":"loaded shard","shard":2,"docs":409871}',
        '{"level":"info","msg":"loaded shard","shard":3,"docs":415220}',
    ]
    ci(
        "fr-b-ctx-startup-probe-threshold-cut",
        "helm --wait hits its deadline; the search pods exit 137 because the kubelet kills them "
        "after the startup probe's failureThreshold was cut from 30 to 3, mid index load",
        ["context-driven", "resource-kill", "misleading-name"],
        "bolt",
        "helm",
        workflow="deploy",
        job="helm",
        repo=PLAT,
        steps=[
            *kube_setup(),
            Step(
                "Upgrade search",
                [
                    "##[group]Run helm upgrade --install healer-search charts/healer-search -n healer --wait --timeout 8m",
                    "helm upgrade --install healer-search charts/healer-search -n healer --wait --timeout 8m",
                    "shell: /usr/bin/bash -e {0}",
                    "##[endgroup]",
                    "Error: UPGRADE FAILED: context deadline exceeded",
                ],
                "failure",
                1,
                480,
            ),
        ],
        message="chore(search): faster failure detection",
        files=["charts/healer-search/values.yaml"],
        event="check_run",
        check=("helm", "UPGRADE FAILED: context deadline exceeded"),
        extra={"kubernetes": {"pods": [p], "events": events}, "loki": loki},
    )

    # OOMKilled by the code's own growth: an unbounded dedupe cache (rex)
    created, first, last = clock("fr-b-ctx-dedupe")
    name = pod_name("fr-b-ctx-dedupe", "healer-intake")
    p = shapes.pod(
        name,
        NS,
        "healer-intake",
        "ghcr.io/5dlabs/healer-intake:0.23.0",
        created=created,
        restarts=4,
        port=8080,
        memory_limit="512Mi",
        waiting=(
            "CrashLoopBackOff",
            f"back-off 1m20s restarting failed container=healer-intake pod={name}_{NS}",
        ),
        terminated={"exit_code": 137, "reason": "OOMKilled", "started": first, "finished": last},
    )
    out = _argocd_wait(
        "healer-intake",
        NS,
        "5dlabs/platform",
        "apps/healer-intake",
        "Degraded",
        [
            (
                "apps",
                "Deployment",
                NS,
                "healer-intake",
                "Synced",
                "Degraded",
                "",
                'Deployment "healer-intake" exceeded its progress deadline',
            )
        ],
        "2026-11-27T16:02:41Z",
    )
    ci(
        "fr-b-ctx-oom-dedupe-cache-growth",
        "Argo CD reports healer-intake Degraded; the pod is OOMKilled, but the limit did not "
        "change: memory climbs steadily from boot and the logs show the new dedupe cache never "
        "evicting",
        ["context-driven", "resource-kill", "argocd", "misleading-name"],
        "rex",
        "rust_test",
        workflow="deploy",
        job="argocd-wait",
        repo=PLAT,
        steps=[failing(out, name="Wait for healthy")],
        message="feat(intake): drop redelivered webhooks",
        files=["crates/intake/src/dedupe.rs"],
        extra={
            "kubernetes": {
                "pods": [p],
                "events": [
                    shapes.event(
                        NS,
                        "Pod",
                        name,
                        "BackOff",
                        f"Back-off restarting failed container healer-intake in pod {name}_{NS}",
                        first=first,
                        last=last,
                        count=9,
                    )
                ],
            },
            "loki": [
                '{"level":"INFO","target":"healer_intake::dedupe","msg":"seen-set size","entries":120000,"approx_bytes":96000000}',
                '{"level":"INFO","target":"healer_intake::dedupe","msg":"seen-set size","entries":310000,"approx_bytes":248000000}',
                '{"level":"INFO","target":"healer_intake::dedupe","msg":"seen-set size","entries":590000,"approx_bytes":472000000}',
            ],
            "prometheus": {
                'container_memory_working_set_bytes{container="healer-intake"}': [
                    {
                        "metric": {"container": "healer-intake"},
                        "values": _mem_series(74_000_000, 38_000_000),
                    }
                ],
                'kube_pod_container_resource_limits{container="healer-intake",resource="memory"}': 536870912,
            },
            "argocd": [
                {
                    "name": "healer-intake",
                    "sync_status": "Synced",
                    "health_status": "Degraded",
                    "message": 'Deployment "healer-intake" exceeded its progress deadline',
                }
            ],
        },
    )

    # Argo CD sync fails: a ServiceMonitor whose CRD is not installed (bolt)
    msg = (
        "one or more synchronization tasks are not valid (retried 5 times). "
        "The Kubernetes API could not find monitoring.coreos.com/ServiceMonitor for requested resource healer/healer-api. "
        'Make sure the "ServiceMonitor" CRD is installed on the destination cluster.'
    )
    out = _argocd_wait(
        "healer-api",
        NS,
        "5dlabs/platform",
        "apps/healer-api",
        "Healthy",
        [
            ("", "Service", NS, "healer-api", "Synced", "Healthy", "", ""),
            ("apps", "Deployment", NS, "healer-api", "Synced", "Healthy", "", ""),
            (
                "monitoring.coreos.com",
                "ServiceMonitor",
                NS,
                "healer-api",
                "OutOfSync",
                "",
                "",
                "The Kubernetes API could not find monitoring.coreos.com/ServiceMonitor for requested resource healer/healer-api",
            ),
        ],
        "2026-11-26T09:14:03Z",
        phase="Failed",
        message=msg,
    )
    ci(
        "fr-b-ctx-argocd-servicemonitor-crd-missing",
        "argocd app wait --sync fails: the new ServiceMonitor cannot be applied because the "
        "staging cluster has no Prometheus Operator CRDs",
        ["argocd", "misleading-name"],
        "bolt",
        "argocd_sync",
        workflow="release",
        job="sync-staging",
        repo=PLAT,
        steps=[failing(out, name="Sync")],
        message="feat(api): scrape metrics via ServiceMonitor",
        files=["apps/healer-api/servicemonitor.yaml", "apps/healer-api/kustomization.yaml"],
        extra={
            "argocd": [
                {
                    "name": "healer-api",
                    "sync_status": "OutOfSync",
                    "health_status": "Healthy",
                    "message": msg,
                }
            ]
        },
    )

    # OOMKilled after a kustomize patch cut the SSR memory limit (bolt)
    at(WEB)

    out = curl_fail(
        "fr-b-ctx-ssr-limit",
        "console.staging.5dlabs.ai",
        "/runs",
        502,
        "<html><body><h1>502 Bad Gateway</h1></body></html>",
    )
    created, first, last = clock("fr-b-ctx-ssr-limit")
    pods = []
    for i in range(2):
        nm = pod_name("fr-b-ctx-ssr-limit", "console-ssr", str(i))
        pods.append(
            shapes.pod(
                nm,
                "console",
                "console-ssr",
                "ghcr.io/5dlabs/console-ssr:1.5.0",
                created=created,
                restarts=7 + i,
                port=3000,
                memory_limit="256Mi",
                waiting=(
                    "CrashLoopBackOff",
                    f"back-off 5m0s restarting failed container=console-ssr pod={nm}_console",
                ),
                terminated={
                    "exit_code": 137,
                    "reason": "OOMKilled",
                    "started": first,
                    "finished": first,
                },
            )
        )
    ci(
        "fr-b-ctx-ssr-oom-after-patch-limit",
        "the console smoke test gets 502; the SSR pods are OOMKilled since a kustomize patch set "
        "their limit to 256Mi, while they have used a flat ~350Mi for a week",
        ["context-driven", "resource-kill", "misleading-name"],
        "bolt",
        "k8s_manifest",
        workflow="deploy",
        job="smoke",
        repo=WEB,
        steps=[failing(out, name="Smoke")],
        message="chore(k8s): right-size staging",
        files=["deploy/overlays/staging/resources-patch.yaml"],
        extra={
            "kubernetes": {"pods": pods, "events": []},
            "prometheus": {
                'max_over_time(container_memory_working_set_bytes{container="console-ssr"}[7d])': [
                    {
                        "metric": {"container": "console-ssr"},
                        "values": [
                            [1764300000 + 3600 * i, str(362_000_000 + (i % 4) * 2_000_000)]
                            for i in range(8)
                        ],
                    }
                ]
            },
        },
    )

    # the rollout deadline passed during a very slow image pull; everything is fine now (atlas)
    at(PLAT)
    ro = rollout("fr-b-ctx-slow-pull", NS, "healer-api", 3, 3, 2, deadline=True)
    _, first, last = clock("fr-b-ctx-slow-pull")
    nm = pod_name("fr-b-ctx-slow-pull", "healer-api", "0")
    events = normal_events("fr-b-ctx-slow-pull", NS, "healer-api", 2) + [
        shapes.event(
            NS,
            "Pod",
            nm,
            "Pulling",
            'Pulling image "ghcr.io/5dlabs/healer-api:0.23.1"',
            first=first,
            last=first,
            type_="Normal",
        ),
        shapes.event(
            NS,
            "Pod",
            nm,
            "Pulled",
            'Successfully pulled image "ghcr.io/5dlabs/healer-api:0.23.1" in 11m4.212s '
            "(11m4.212s including waiting). Image size: 48213455 bytes.",
            first=last,
            last=last,
            type_="Normal",
        ),
    ]
    ci(
        "fr-b-ctx-rollout-deadline-slow-pull",
        "the rollout exceeds its progress deadline while one node takes 11 minutes to pull an "
        "unchanged-size image from ghcr.io; the pods are Ready now and no event is a warning",
        ["flaky-infra", "context-driven", "misleading-name"],
        "atlas",
        "general",
        workflow="deploy",
        job="rollout",
        repo=PLAT,
        steps=[*kube_setup(), failing(ro, name="Rollout status")],
        message="chore(api): 0.23.1",
        files=["apps/healer-api/kustomization.yaml"],
        extra={
            "kubernetes": {
                "pods": ready_pods(
                    "fr-b-ctx-slow-pull", NS, "healer-api", "ghcr.io/5dlabs/healer-api:0.23.1", 3
                ),
                "events": events,
            },
            "argocd": [
                {
                    "name": "healer-api",
                    "sync_status": "Synced",
                    "health_status": "Healthy",
                    "message": "",
                }
            ],
        },
    )


# ------------------------------------------------------------------ multi-signal


def multi() -> None:
    # npm deprecation warnings and an audit summary, then a real type error (blaze)
    at(WEB)
    install = run(
        "npm ci --no-fund",
        [
            "npm warn deprecated inflight@1.0.6: This module is not supported, and leaks memory. "
            "Do not use it. Check out lru-cache if you want a good and tested way to coalesce "
            "async requests by a key value, which is much more comprehensive and powerful.",
            "npm warn deprecated glob@7.2.3: Glob versions prior to v9 are no longer supported",
            "npm warn deprecated rimraf@3.0.2: Rimraf versions prior to v4 are no longer supported",
            "npm warn deprecated @humanwhocodes/config-array@0.13.0: Use @eslint/config-array instead",
            "",
            "added 812 packages, and audited 813 packages in 14s",
            "",
            "6 moderate severity vulnerabilities",
            "",
            "To address issues that do not require attention, run:",
            "  npm audit fix",
            "",
            "Run `npm audit` for details.",
        ],
        name="Install dependencies",
        seconds=16,
    )
    out = real.tsc(
        "fr-b-multi-tsc",
        {
            "src/runs/query.ts": """
            export interface RunQuery { agent: string; limit: number }

            export function fromSearch(params: URLSearchParams): RunQuery {
              return { agent: params.get("agent"), limit: Number(params.get("limit") ?? 50) };
            }
        """
        },
    )
    assert out.code != 0, out
    ci(
        "fr-b-multi-npm-warnings-then-tsc",
        "npm ci prints deprecations and '6 moderate severity vulnerabilities' but succeeds; "
        "the job fails on a real TS2322 (string | null into string) in the run query parser",
        ["multi-signal", "noisy"],
        "blaze",
        "frontend_typecheck",
        workflow="frontend",
        job="typecheck",
        repo=WEB,
        steps=[*node_setup(), install, failing(out, name="Type check")],
        message="feat(runs): filter runs from the URL",
        files=["src/runs/query.ts"],
    )

    # cargo fetch retries (and succeeds), then a real E0308 (rex)
    at(REPO)
    fetch = run(
        "cargo fetch --locked",
        [
            "    Updating crates.io index",
            "warning: spurious network error (3 tries remaining): [28] Timeout was reached "
            "(Operation timed out after 30000 milliseconds with 0 bytes received)",
            "warning: spurious network error (2 tries remaining): [35] SSL connect error "
            "(OpenSSL SSL_connect: SSL_ERROR_SYSCALL in connection to index.crates.io:443 )",
            "  Downloaded 214 crates (21.4 MB) in 9.62s",
        ],
        name="Fetch",
        seconds=48,
    )
    out = real.cargo(
        "fr-b-multi-e0308",
        {
            "src/main.rs": """
            use std::time::Duration;

            fn backoff(attempt: u32) -> Duration {
                let secs = 2u64.pow(attempt).min(300);
                secs
            }

            fn main() {
                println!("{:?}", backoff(3));
            }
        """
        },
        ["build"],
        "cargo build --locked",
    )
    assert out.code != 0, out
    ci(
        "fr-b-multi-cargo-retries-then-e0308",
        "the build log opens with spurious network errors while fetching (the retries "
        "succeed); the failure is E0308, a u64 returned where Duration is expected",
        ["multi-signal", "misleading-name"],
        "rex",
        "rust_build",
        workflow="Rust CI",
        job="build",
        repo=REPO,
        steps=[*rust_setup(), fetch, failing(out, name="Build")],
        message="feat(retry): exponential backoff for webhook redelivery",
        files=["crates/intake/src/retry.rs"],
    )

    # hadolint and yamllint warnings pass; kubectl cannot parse a manifest (bolt)
    at(PLAT)
    had = real.hadolint(
        "fr-b-multi-hadolint",
        "FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y curl\n"
        'ENTRYPOINT ["/usr/bin/curl"]\n',
        where="images/probe/Dockerfile",
        threshold="error",
    )
    assert had.code == 0 and had.lines, had
    yl = real.yamllint(
        "fr-b-multi-yamllint",
        {
            "deploy/base/config.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: healer\n"
            'data:\n  LOG_LEVEL: info\n  FEATURE_FLAGS: "dedupe,weights,notifier-localization,argocd-wave-aware-sync,intake-batching,search-v2"\n',
        },
        ["deploy/"],
        config="extends: default\nrules:\n  line-length: {max: 80, level: warning}\n  document-start: disable\n",
    )
    assert yl.code == 0 and yl.lines, yl
    kc = real.kubectl(
        "fr-b-multi-kubectl",
        {
            "deploy/base/worker.yaml": """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: healer-worker
            spec:
              replicas: 2
              selector:
                matchLabels:
                  app: healer-worker
              template:
                metadata:
                  labels:
                    app: healer-worker
                spec:
                  containers:
                    - name: healer-worker
                      image: ghcr.io/5dlabs/healer-worker:0.23.1
                      env:
                        - name: RUST_LOG
                          value: info
                         - name: WORKER_CONCURRENCY
                          value: "8"
        """
        },
        ["apply", "--dry-run=client", "--validate=false", "-f", "deploy/base/worker.yaml"],
        "kubectl apply --dry-run=client --validate=false -f deploy/base/",
    )
    assert kc.code != 0, kc
    ci(
        "fr-b-multi-lint-warnings-then-kubectl-parse",
        "a manifests job runs hadolint (warnings only), yamllint (a line-length warning) and "
        "then kubectl, which cannot parse the worker Deployment: one env entry is mis-indented",
        ["multi-signal", "yaml-owner"],
        "bolt",
        "k8s_manifest",
        workflow="manifests",
        job="validate",
        repo=PLAT,
        steps=[
            passing(had, name="hadolint"),
            passing(yl, name="yamllint"),
            *kube_setup(),
            failing(kc, name="kubectl dry run"),
        ],
        message="feat(worker): configurable concurrency",
        files=["deploy/base/worker.yaml", "deploy/base/config.yaml"],
    )

    # lint warnings and green tests, then the coverage upload gets 502 (atlas)
    at(WEB)
    lint = real.eslint(
        "fr-b-multi-eslint",
        {
            "src/format.js": "export function pct(a, b) {\n  const unused = 1;\n  return Math.round((a / b) * 100);\n}\n"
        },
        rules='{"no-unused-vars": "warn"}',
    )
    assert lint.code == 0 and lint.lines, lint
    tests = real.vitest(
        "fr-b-multi-vitest-ok",
        {
            "src/format.js": "export const pct = (a, b) => Math.round((a / b) * 100);\n",
            "src/format.test.js": 'import { expect, it } from "vitest";\nimport { pct } from "./format.js";\n'
            'it("rounds", () => expect(pct(1, 3)).toBe(33));\n',
        },
    )
    assert tests.code == 0, tests
    up = curl_fail(
        "fr-b-multi-codecov",
        "ingest.codecov.io",
        "/upload/v4?slug=5dlabs/console",
        502,
        "<html><body><h1>502 Bad Gateway</h1></body></html>",
    )
    ci(
        "fr-b-multi-green-tests-then-codecov-502",
        "lint passes with a warning and every test passes; the job fails uploading coverage "
        "because the coverage service answers 502",
        ["multi-signal", "flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="frontend",
        job="test",
        repo=WEB,
        steps=[
            *node_setup(),
            npm_ci_ok(),
            passing(lint, name="Lint"),
            passing(tests, name="Test"),
            failing(up, name="Upload coverage"),
        ],
        message="feat(runs): percentage column",
        files=["src/format.js"],
    )

    # clippy warnings (not denied), then cargo test is SIGKILLed (atlas)
    at(REPO)
    clippy = real.cargo(
        "fr-b-multi-clippy",
        {
            "src/main.rs": """
            fn label(n: usize) -> String {
                if n == 0 { return "none".to_string(); }
                return format!("{n} runs");
            }

            fn main() {
                let v: Vec<usize> = vec![1, 2, 3];
                if v.len() == 0 { println!("empty"); }
                println!("{}", label(v.len()));
            }
        """
        },
        ["clippy"],
        "cargo clippy --workspace",
    )
    assert clippy.code == 0 and any("warning" in ln for ln in clippy.lines), clippy
    src = "\n".join(
        f"pub fn case_{i}(x: u64) -> u64 {{ let v: Vec<u64> = (0..x).map(|n| n ^ {i}).collect(); "
        f"v.iter().copied().fold(0, u64::wrapping_add) }}"
        for i in range(9000)
    )
    killed = real.killed(
        "fr-b-multi-killed",
        {
            "Cargo.toml": real.cargo_toml("healer"),
            "src/main.rs": '#![allow(dead_code)]\nmod cases;\nfn main() { println!("{}", cases::case_1(3)); }\n',
            "src/cases.rs": src,
        },
        "cargo test --workspace",
        after=1.5,
    )
    assert killed.code == 137, killed
    killed = real.Out(
        killed.command,
        [ln for ln in killed.lines if "Compiling" in ln or "Killed" in ln],
        killed.code,
    )
    ci(
        "fr-b-multi-clippy-warnings-then-test-killed",
        "clippy prints style warnings (not denied, the step passes); the test step is then "
        "killed mid-compile (bash 'Killed', exit 137) with no memory context",
        ["multi-signal", "resource-kill", "misleading-name"],
        "atlas",
        "general",
        workflow="Rust CI",
        job="test",
        repo=REPO,
        steps=[*rust_setup(), passing(clippy, name="Clippy"), failing(killed, name="Test")],
        message="test(router): property tests for weights",
        files=["crates/router/tests/weights_prop.rs"],
    )

    # an install that retried ECONNRESET and succeeded, then a real test failure (blaze)
    at(WEB)
    install = run(
        "npm ci --no-fund",
        [
            "npm warn tarball tarball data for @tanstack/react-table@8.20.5 "
            "(sha512-PJG4nW0MwJ6C4mC0W0sQ3Ev1g2X0UdjsvvMbPfzS9d9hz8lPv2d39lr4YyfQ9/a8hzCUwMbu3eoR9pEh0kJ/Ag==) "
            "seems to be corrupted. Trying again.",
            "npm warn retry will retry, error on last attempt: Error: read ECONNRESET",
            "",
            "added 640 packages in 21s",
        ],
        name="Install dependencies",
        seconds=23,
    )
    out = real.vitest(
        "fr-b-multi-vitest-fail",
        {
            "src/runs/duration.js": """
            export function humanize(ms) {
              const s = Math.floor(ms / 1000);
              if (s < 60) return `${s}s`;
              const m = Math.floor(s / 60);
              return `${m}m ${s}s`;
            }
        """,
            "src/runs/duration.test.js": """
            import { describe, expect, it } from "vitest";
            import { humanize } from "./duration.js";

            describe("humanize", () => {
              it("seconds", () => expect(humanize(42_000)).toBe("42s"));
              it("minutes and seconds", () => expect(humanize(125_000)).toBe("2m 5s"));
            });
        """,
        },
    )
    assert out.code != 0, out
    ci(
        "fr-b-multi-npm-retry-then-vitest-fail",
        "npm ci warns about a corrupted tarball and an ECONNRESET retry but installs "
        "everything; the failure is a real assertion: humanize(125000) gives '2m 125s'",
        ["multi-signal", "misleading-name"],
        "blaze",
        "frontend_test",
        workflow="frontend",
        job="test",
        repo=WEB,
        steps=[*node_setup(), install, failing(out, name="Test")],
        message="feat(runs): human durations",
        files=["src/runs/duration.js"],
    )


# ------------------------------------------------------------------ obvious


def obvious() -> None:
    at(REPO)
    out = real.cargo(
        "fr-b-obv-e0063",
        {
            "src/main.rs": """
            pub struct Route { pub agent: &'static str, pub reason: String, pub confidence: f32 }

            fn main() {
                let r = Route { agent: "rex", reason: "E0382".into() };
                println!("{}", r.agent);
            }
        """
        },
        ["build"],
    )
    assert out.code != 0, out
    ci(
        "fr-b-obv-rust-e0063-missing-field",
        "cargo build fails with E0063: a Route literal lacks the new confidence field",
        ["obvious"],
        "rex",
        "rust_build",
        workflow="Rust CI",
        job="build",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="Build")],
        message="feat(router): route confidence",
        files=["crates/router/src/route.rs"],
    )

    out = real.cargo(
        "fr-b-obv-clippy",
        {
            "src/main.rs": """
            fn agent_for(ext: &str) -> &'static str {
                let agent = match ext { "rs" => "rex", "ts" | "tsx" => "blaze", _ => "atlas" };
                return agent;
            }

            fn main() {
                println!("{}", agent_for("rs"));
            }
        """
        },
        ["clippy", "--", "-D", "warnings"],
        "cargo clippy --all-targets -- -D warnings",
    )
    assert out.code != 0, out
    ci(
        "fr-b-obv-clippy-needless-return",
        "clippy with -D warnings fails on needless_return",
        ["obvious"],
        "rex",
        "rust_clippy",
        workflow="Rust CI",
        job="clippy",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="Clippy")],
        message="feat(router): extension table",
        files=["crates/router/src/ext.rs"],
    )

    out = real.cargo(
        "fr-b-obv-test",
        {
            "src/main.rs": "fn main() {}\n",
            "src/lib.rs": """
            pub fn parse_secs(s: &str) -> Option<u64> {
                let (n, unit) = s.split_at(s.len() - 1);
                let n: u64 = n.parse().ok()?;
                match unit { "s" => Some(n), "m" => Some(n * 6), _ => None }
            }

            #[cfg(test)]
            mod tests {
                use super::parse_secs;

                #[test]
                fn minutes() {
                    assert_eq!(parse_secs("5m"), Some(300));
                }
            }
        """,
        },
        ["test", "--lib"],
        "cargo test --workspace",
    )
    assert out.code != 0, out
    ci(
        "fr-b-obv-cargo-test-minutes",
        'cargo test fails: parse_secs("5m") returns 30 instead of 300',
        ["obvious"],
        "rex",
        "rust_test",
        workflow="Rust CI",
        job="test",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="Test")],
        message="feat(config): duration strings",
        files=["crates/config/src/duration.rs"],
    )

    at(WEB)
    out = real.tsc(
        "fr-b-obv-ts2304",
        {
            "src/agents/badge.ts": """
            export function badgeColor(agent: string): string {
              return AGENT_COLORS[agent] ?? "gray";
            }
        """
        },
    )
    assert out.code != 0, out
    ci(
        "fr-b-obv-tsc-ts2304",
        "tsc fails with TS2304: AGENT_COLORS is used but never imported",
        ["obvious"],
        "blaze",
        "frontend_typecheck",
        workflow="frontend",
        job="typecheck",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Type check")],
        message="feat(agents): coloured badges",
        files=["src/agents/badge.ts"],
    )

    out = real.eslint(
        "fr-b-obv-eqeqeq",
        {
            "src/runs/status.js": """
            export function isDone(run) {
              return run.status == "completed" || run.conclusion != null;
            }
        """
        },
        rules='{"eqeqeq": "error"}',
    )
    assert out.code != 0, out
    ci(
        "fr-b-obv-eslint-eqeqeq",
        "ESLint fails on two eqeqeq errors",
        ["obvious"],
        "blaze",
        "frontend_lint",
        workflow="frontend",
        job="lint",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Lint")],
        message="feat(runs): done state",
        files=["src/runs/status.js"],
    )

    out = real.vitest(
        "fr-b-obv-vitest",
        {
            "src/agents/sort.js": """
            export const byName = (agents) => [...agents].sort((a, b) => b.name.localeCompare(a.name));
        """,
            "src/agents/sort.test.js": """
            import { expect, it } from "vitest";
            import { byName } from "./sort.js";

            it("sorts agents alphabetically", () => {
              const names = byName([{ name: "rex" }, { name: "atlas" }, { name: "bolt" }]).map((a) => a.name);
              expect(names).toEqual(["atlas", "bolt", "rex"]);
            });
        """,
        },
    )
    assert out.code != 0, out
    ci(
        "fr-b-obv-vitest-sort-order",
        "a Vitest assertion fails: agents are sorted in reverse order",
        ["obvious"],
        "blaze",
        "frontend_test",
        workflow="frontend",
        job="test",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Test")],
        message="feat(agents): sort by name",
        files=["src/agents/sort.js"],
    )

    at(REPO)
    out = real.hadolint(
        "fr-b-obv-hadolint",
        "FROM rust AS build\nWORKDIR /src\nCOPY . .\nRUN cargo build --release\n\n"
        "FROM debian:bookworm-slim\nCOPY --from=build /src/target/release/healer /usr/local/bin/\n",
    )
    assert out.code != 0, out
    ci(
        "fr-b-obv-hadolint-untagged-base",
        "hadolint fails on DL3006: the build stage's base image has no tag",
        ["obvious"],
        "bolt",
        "docker_build",
        workflow="images",
        job="hadolint",
        repo=REPO,
        steps=[failing(out, name="hadolint")],
        message="chore(docker): simplify build stage",
        files=["Dockerfile"],
    )

    at(PLAT)
    out = real.kubectl(
        "fr-b-obv-kustomize",
        {
            "deploy/overlays/staging/kustomization.yaml": """
            apiVersion: kustomize.config.k8s.io/v1beta1
            kind: Kustomization
            namespace: healer
            resources:
              - ../../base
              - hpa.yaml
        """,
            "deploy/base/kustomization.yaml": "resources:\n  - service.yaml\n",
            "deploy/base/service.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: healer-api\n"
            "spec:\n  selector:\n    app: healer-api\n  ports:\n    - port: 80\n      targetPort: 8080\n",
        },
        ["kustomize", "deploy/overlays/staging"],
        "kubectl kustomize deploy/overlays/staging",
    )
    assert out.code != 0, out
    ci(
        "fr-b-obv-kustomize-missing-resource",
        "kustomize build fails: the staging overlay lists hpa.yaml, which was never added",
        ["obvious", "yaml-owner"],
        "bolt",
        "k8s_manifest",
        workflow="manifests",
        job="kustomize-build",
        repo=PLAT,
        steps=[*kube_setup(), failing(out, name="Build overlays")],
        message="feat(api): autoscale staging",
        files=["deploy/overlays/staging/kustomization.yaml"],
    )

    at(REPO)
    out = real.actionlint(
        "fr-b-obv-actionlint",
        {
            "ci.yml": """
            name: Rust CI
            on: [push]
            jobs:
              test:
                strategy:
                  matrix:
                    toolchain: [stable, beta]
                runs-on: ubuntu-latest
                steps:
                  - uses: actions/checkout@v4
                  - run: rustup default ${{ matrix.toolchian }}
                  - run: cargo test --workspace
        """
        },
    )
    assert out.code != 0, out
    ci(
        "fr-b-obv-actionlint-matrix-typo",
        "actionlint fails: the workflow reads matrix.toolchian, a typo for matrix.toolchain",
        ["obvious"],
        "atlas",
        "workflow_syntax",
        workflow="lint-workflows",
        job="actionlint",
        repo=REPO,
        steps=[failing(out, name="actionlint")],
        message="ci: test on beta too",
        files=[".github/workflows/ci.yml"],
    )

    from cases_github import conflict

    out = conflict(
        "fr-b-obv-conflict",
        "CHANGELOG.md",
        "# Changelog\n\n## Unreleased\n\n- Router: trim agent names\n",
        "# Changelog\n\n## Unreleased\n\n- Router: trim agent names\n- Intake: drop redelivered webhooks\n",
        "# Changelog\n\n## Unreleased\n\n- Router: trim agent names\n- Notifier: localized messages\n",
        "merge",
    )
    assert out.code != 0, out
    ci(
        "fr-b-obv-merge-conflict-changelog",
        "merging main into the branch conflicts in CHANGELOG.md",
        ["obvious"],
        "atlas",
        "merge_conflict",
        workflow="update-branch",
        job="merge-main",
        repo=REPO,
        steps=[failing(out, name="Merge main")],
        message="feat(notifier): localized messages",
        files=["CHANGELOG.md", "crates/notifier/src/format.rs"],
    )

    out = real.bandit(
        "fr-b-obv-bandit",
        {
            "tools/load_cases.py": """
            import yaml


            def load(path):
                with open(path) as f:
                    return yaml.load(f, Loader=yaml.Loader)
        """
        },
        "tools",
    )
    assert out.code != 0, out
    ci(
        "fr-b-obv-bandit-yaml-load",
        "bandit fails on B506: yaml.load with the full Loader in a tools script",
        ["obvious", "audit"],
        "cipher",
        "code_scanning_alert",
        workflow="security",
        job="bandit",
        repo=REPO,
        steps=[_py_setup(), failing(out, name="bandit")],
        message="chore(tools): case loader",
        files=["tools/load_cases.py"],
    )


def build() -> None:
    flakes()
    kills()
    platform()
    context()
    multi()
    obvious()
