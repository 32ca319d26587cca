"""Batch 21 of the fresh split (ids ``fr-u-``): look-alikes. Groups of two or three cases
whose failing logs read nearly the same but whose root cause, and so owner, differs; what
tells them apart is what a careful engineer reads: the cluster context, the files the change
touched, the make target that actually stopped, or the path of the file a linter names.

- one staging smoke test's HTTP 503, explained by a Node SSR crash, by an image tag that does
  not exist, and by nothing (healthy pods, a docs-only change);
- one vitest run ``Killed``, after a module-level cache that never evicts, after the workflow
  moved the job to a smaller runner, and after nothing;
- one yamllint ``duplication of key`` in a workflow file, a Helm values file and a
  PrometheusRule file;
- one curl 403, from the GitHub API (token scope), from an ingress allow-list the change
  added, and from a Next middleware the change added;
- one ``make test`` running cargo test and vitest, stopped by the Rust target or by the web
  target, with the same expectation failing in both.
"""

from __future__ import annotations

import json
import re

import real
import shapes
from cases_batch14 import _argo, _pkg, _rust
from common import FAKE_GHP
from fcommon import at, ci, failing, node_setup, pr_of, rust_setup, sha
from gha import run, uses
from helpers import clock, crashing, curl_fail, normal_events, pod_name, ready_pods, silent_server

REPO = "5dlabs/healer"
WEB = "5dlabs/console"
PLAT = "5dlabs/platform"
NS = "console"


def build() -> None:
    http_503()
    killed()
    yaml_dupes()
    forbidden()
    make_test()
    token_in_test()
    lockfiles()
    argo_degraded()
    cargo_and_hadolint()
    unresolved_host()
    yaml_parse()
    vitest_timeout()


def _pid_pin(lines: list[str]) -> list[str]:
    return [re.sub(r"line (\d+): +\d+ Killed", r"line \1:  4127 Killed", ln) for ln in lines]


# ------------------------------------------------------------------ 1. smoke test 503


def _smoke(name: str) -> real.Out:
    out = curl_fail(
        name,
        "console.staging.5dlabs.ai",
        "/healthz",
        503,
        "<html><head><title>503 Service Temporarily Unavailable</title></head></html>\n",
    )
    assert out.code != 0 and any("503" in ln for ln in out.lines), out
    return out


def _smoke_steps(out: real.Out) -> list:
    return [
        run(
            "kubectl -n console apply -k deploy/overlays/staging",
            [
                "service/console-ssr unchanged",
                "deployment.apps/console-ssr configured",
                "ingress.networking.k8s.io/console unchanged",
            ],
            name="Deploy",
        ),
        run("sleep 60", [], name="Let the pods start", seconds=60.0),
        failing(out, name="Smoke test"),
    ]


def http_503() -> None:
    img = "ghcr.io/5dlabs/console-ssr:3.2.0"
    # 1a. Node SSR server crashes on a nav config the change reads from a missing key (blaze)
    at(WEB)
    cid = "fr-u-503-ssr-crash-nav-sections-undefined"
    out = _smoke("fr-u-503-a")
    crash = real.node_run(
        "fr-u-ssr-crash",
        {
            "package.json": _pkg("console-ssr"),
            "server/nav.js": """const config = { nav: { primary: ["runs", "agents", "alerts"] } };

// sections are now grouped; the config file still has the flat `primary` list
export const sections = config.nav.sections.map((s) => ({ id: s.id, items: s.items }));
""",
            "server/index.js": """import { createServer } from "node:http";
import { sections } from "./nav.js";

createServer((req, res) => res.end(JSON.stringify(sections))).listen(3000, () =>
  console.log("console-ssr listening on :3000"),
);
""",
        },
        "server/index.js",
    )
    assert crash.code != 0 and any("TypeError" in ln for ln in crash.lines), crash
    logs = [ln.replace(real.RUNNER, "/app") for ln in crash.lines if ln.strip()]
    ctx = crashing(cid, NS, "console-ssr", img, 1, logs, port=3000)
    ci(
        cid,
        "the staging smoke test's curl gets 503 a minute after kubectl apply; the new "
        "console-ssr pod crash-loops and Loki shows Node's TypeError reading 'map' of undefined "
        "in server/nav.js: the change reads nav.sections while the config has nav.primary",
        ["context-driven", "look-obvious"],
        "blaze",
        "frontend_test",
        workflow="deploy-staging",
        job="smoke",
        repo=WEB,
        steps=_smoke_steps(out),
        message="feat(nav): group navigation into sections",
        files=["server/nav.js", "src/components/NavSections.tsx"],
        pr=pr_of(cid, "feat(nav): group navigation into sections"),
        extra=ctx,
    )

    # 1b. same 503; the pods cannot pull: the values file names a tag that was never pushed (bolt)
    cid = "fr-u-503-image-tag-never-pushed"
    out = _smoke("fr-u-503-b")
    created, first, last = clock(cid)
    bad = "ghcr.io/5dlabs/console-ssr:3.2.0-rc"
    name = pod_name(cid, "console-ssr")
    p = shapes.pod(
        name,
        NS,
        "console-ssr",
        bad,
        created=created,
        waiting=("ImagePullBackOff", f'Back-off pulling image "{bad}"'),
        port=3000,
        memory_limit="512Mi",
    )
    events = [
        shapes.event(
            NS,
            "Pod",
            name,
            "Failed",
            f'Failed to pull image "{bad}": rpc error: code = NotFound desc = failed to pull '
            f'and unpack image "{bad}": failed to resolve reference "{bad}": {bad}: not found',
            first=first,
            last=last,
            count=5,
        ),
        shapes.event(
            NS,
            "Pod",
            name,
            "BackOff",
            f'Back-off pulling image "{bad}"',
            first=first,
            last=last,
            count=21,
            type_="Normal",
        ),
    ]
    ci(
        cid,
        "the same staging smoke-test 503; the console-ssr pod (Recreate strategy) sits in "
        "ImagePullBackOff: the change set the image tag 3.2.0-rc in the staging overlay and "
        "no such tag was ever pushed",
        ["context-driven", "look-obvious"],
        "bolt",
        "k8s_manifest",
        workflow="deploy-staging",
        job="smoke",
        repo=WEB,
        steps=_smoke_steps(out),
        message="chore(deploy): stage the 3.2.0 release candidate",
        files=["deploy/overlays/staging/kustomization.yaml"],
        pr=pr_of(cid, "chore(deploy): stage the 3.2.0 release candidate"),
        extra={
            "kubernetes": {
                "pods": [p],
                "events": events,
            }
        },
    )

    # 1c. same 503; pods ready, normal events, a docs-only change: a transient (atlas)
    cid = "fr-u-503-healthy-cluster-docs-change"
    out = _smoke("fr-u-503-c")
    ci(
        cid,
        "the same staging smoke-test 503 a minute after the apply; every console-ssr pod is "
        "ready, the events are normal scheduling and starts and the change only touched docs: "
        "a transient during the ingress endpoint switch, fixed by a rerun",
        ["flaky-infra", "context-driven", "look-obvious"],
        "atlas",
        "general",
        workflow="deploy-staging",
        job="smoke",
        repo=WEB,
        steps=_smoke_steps(out),
        message="docs: explain the staging smoke test",
        files=["docs/staging.md", "README.md"],
        pr=pr_of(cid, "docs: explain the staging smoke test"),
        extra={
            "kubernetes": {
                "pods": ready_pods(cid, NS, "console-ssr", img, 3, port=3000),
                "events": normal_events(cid, NS, "console-ssr", 3),
            }
        },
    )


# ------------------------------------------------------------------ 2. vitest Killed


def _vitest_killed(name: str) -> real.Out:
    files = {
        "package.json": _pkg("console", {"test": "vitest run"}),
        "src/runs.test.js": """import { test, expect } from "vitest";

test("summarises a long run history", async () => {
  await new Promise((r) => setTimeout(r, 60000));
  expect(true).toBe(true);
});
""",
    }
    out = real.killed(name, files, "npx vitest run --reporter=dot", 6, node_modules=True)
    out = real.Out(out.command, _pid_pin(out.lines), out.code)
    assert out.code == 137 and any("Killed" in ln for ln in out.lines), out
    return out


def killed() -> None:
    at(WEB)
    # 2a. module-level memo cache without eviction (blaze)
    cid = "fr-u-killed-vitest-memo-cache-never-evicts"
    out = _vitest_killed("fr-u-kill-a")
    ci(
        cid,
        "vitest is Killed (exit 137) with no test output; the change adds a module-level Map "
        "memoising every run summary by id and never evicting, and the history tests build "
        "200k synthetic runs: the frontend code grows until the runner's memory is gone",
        ["resource-kill", "context-driven"],
        "blaze",
        "frontend_test",
        workflow="web",
        job="unit",
        repo=WEB,
        steps=[*node_setup(), failing(out, name="Unit tests")],
        message="perf(runs): memoise run summaries",
        files=["src/lib/runSummary.ts", "src/lib/runSummary.test.ts"],
        pr=pr_of(
            cid,
            "perf(runs): memoise run summaries",
            "Summaries are cached in a module-level Map keyed by run id so the history page "
            "does not recompute them.\n\nThe history tests now cover 200k runs.",
        ),
    )

    # 2b. the workflow moved the job to the default (smaller) runner (atlas)
    cid = "fr-u-killed-vitest-job-moved-to-small-runner"
    out = _vitest_killed("fr-u-kill-b")
    ci(
        cid,
        "the same vitest Killed with exit 137; the change only edits .github/workflows/web.yml "
        "to move the unit job from the 16 GB larger runner to ubuntu-latest to save minutes: "
        "the runner is now too small for the suite, a workflow/runner choice",
        ["resource-kill", "context-driven", "look-obvious"],
        "atlas",
        "general",
        workflow="web",
        job="unit",
        repo=WEB,
        steps=[*node_setup(), failing(out, name="Unit tests")],
        message="ci(web): run unit tests on the standard runner",
        files=[".github/workflows/web.yml"],
        pr=pr_of(
            cid,
            "ci(web): run unit tests on the standard runner",
            "`runs-on: ubuntu-latest-4-cores` -> `runs-on: ubuntu-latest`; the larger runner "
            "costs 4x and the unit job should not need it.",
        ),
    )

    # 2c. nothing changed that could explain it (atlas, flake)
    cid = "fr-u-killed-vitest-nothing-changed"
    out = _vitest_killed("fr-u-kill-c")
    ci(
        cid,
        "the same vitest Killed with exit 137 on main after a merge that only bumped a "
        "copyright year; no code, config or runner change: a runner-side kill, rerun it",
        ["resource-kill", "flaky-infra", "platform"],
        "atlas",
        "general",
        workflow="web",
        job="unit",
        repo=WEB,
        branch="main",
        steps=[*node_setup(), failing(out, name="Unit tests")],
        message="chore: update copyright year",
        files=["LICENSE"],
    )


# ------------------------------------------------------------------ 3. yamllint key dupes


def _yamllint(name: str, path: str, text: str) -> real.Out:
    out = real.yamllint(name, {path: text}, [path.split("/")[0] + "/"])
    assert out.code != 0 and any("duplication of key" in ln for ln in out.lines), out
    return out


def _py_setup() -> list:
    return [
        uses(
            "actions/setup-python@v5",
            {"python-version": "3.12"},
            ["Successfully set up CPython (3.12.7)"],
        ),
        run("pip install yamllint==1.38.0", ["Successfully installed yamllint-1.38.0"]),
    ]


def yaml_dupes() -> None:
    at(PLAT)
    # 3a. a workflow file (atlas)
    out = _yamllint(
        "fr-u-dup-wf",
        ".github/workflows/release.yml",
        """---
name: release
"on":
  push:
    tags: ["v*"]
permissions:
  contents: write
jobs:
  publish:
    runs-on: ubuntu-latest
    permissions:
      contents: write
    permissions:
      packages: write
    steps:
      - uses: actions/checkout@v4
      - run: ./scripts/publish.sh
""",
    )
    ci(
        "fr-u-yamldup-workflow-permissions-twice",
        'yamllint reports duplication of key "permissions" in .github/workflows/release.yml: '
        "the job declares permissions twice; a workflow file",
        ["obvious", "yaml-owner"],
        "atlas",
        "workflow_syntax",
        workflow="lint",
        job="yamllint",
        repo=PLAT,
        steps=[*_py_setup(), failing(out, name="Lint YAML")],
        message="ci(release): let the release job push packages",
        files=[".github/workflows/release.yml"],
    )

    # 3b. a Helm values file (bolt)
    out = _yamllint(
        "fr-u-dup-values",
        "charts/healer/values-prod.yaml",
        """---
replicaCount: 3
image:
  repository: ghcr.io/5dlabs/healer-api
  tag: 0.26.0
resources:
  limits:
    memory: 512Mi
podDisruptionBudget:
  minAvailable: 2
resources:
  limits:
    memory: 1Gi
    cpu: "1"
""",
    )
    ci(
        "fr-u-yamldup-helm-values-resources-twice",
        'the same yamllint duplication of key, "resources" in charts/healer/values-prod.yaml: '
        "a Helm values file with a second resources block appended",
        ["obvious", "yaml-owner"],
        "bolt",
        "helm",
        workflow="lint",
        job="yamllint",
        repo=PLAT,
        steps=[*_py_setup(), failing(out, name="Lint YAML")],
        message="chore(healer): give prod pods 1Gi",
        files=["charts/healer/values-prod.yaml"],
    )

    # 3c. a PrometheusRule file (bolt)
    out = _yamllint(
        "fr-u-dup-rule",
        "monitoring/rules/healer-alerts.yaml",
        """---
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: healer-alerts
  namespace: monitoring
spec:
  groups:
    - name: healer
      rules:
        - alert: HealerDispatchBacklog
          expr: sum(healer_dispatch_queue_depth) > 50
          for: 10m
          labels:
            severity: warning
          for: 15m
          annotations:
            summary: Healer dispatch queue is backing up
""",
    )
    ci(
        "fr-u-yamldup-prometheusrule-for-twice",
        'the same yamllint duplication of key, "for" in monitoring/rules/healer-alerts.yaml: '
        "a PrometheusRule alert with two for: durations",
        ["obvious", "yaml-owner"],
        "bolt",
        "yaml_config",
        workflow="lint",
        job="yamllint",
        repo=PLAT,
        steps=[*_py_setup(), failing(out, name="Lint YAML")],
        message="feat(alerts): slower dispatch backlog alert",
        files=["monitoring/rules/healer-alerts.yaml"],
    )


# ------------------------------------------------------------------ 4. curl 403


def forbidden() -> None:
    # 4a. GitHub API: the workflow token cannot write issues (atlas)
    at(REPO)
    body = (
        '{"message":"Resource not accessible by integration","documentation_url":'
        '"https://docs.github.com/rest/issues/labels#add-labels-to-an-issue","status":"403"}'
    )
    with real.serve((403, body, "application/json")) as port:
        out = real.sh(
            "fr-u-403-gh",
            {},
            f"curl -sS --fail-with-body -X POST -H 'Authorization: Bearer ***' "
            f"http://127.0.0.1:{port}/repos/5dlabs/healer/issues/1873/labels "
            f'-d \'{{"labels":["needs-triage"]}}\'',
            'curl -sS --fail-with-body -X POST -H "Authorization: Bearer $GITHUB_TOKEN" \\\n'
            '  "https://api.github.com/repos/$GITHUB_REPOSITORY/issues/$PR/labels" \\\n'
            '  -d \'{"labels":["needs-triage"]}\'',
            hosts={f"http://127.0.0.1:{port}": "https://api.github.com"},
        )
    assert out.code != 0 and any("403" in ln for ln in out.lines), out
    cid = "fr-u-403-github-api-labels-token"
    ci(
        cid,
        "curl to the GitHub REST API for issue labels returns 403 'Resource not accessible by "
        "integration': the workflow's GITHUB_TOKEN lacks issues/pull-requests write",
        ["obvious"],
        "atlas",
        "permissions",
        workflow="triage",
        job="label",
        repo=REPO,
        steps=[
            failing(
                out,
                name="Label the pull request",
                env={"GITHUB_TOKEN": "***", "PR": "1873"},
            )
        ],
        message="ci: label new pull requests for triage",
        files=[".github/workflows/triage.yml"],
    )

    # 4b/4c. the staging smoke test gets 403; the change decides (bolt / blaze)
    at(WEB)
    smoke = []
    for key in ("fr-u-403-ing", "fr-u-403-mw"):
        o = curl_fail(key, "console.staging.5dlabs.ai", "/api/health", 403, "Forbidden\n")
        assert o.code != 0 and any("403" in ln for ln in o.lines), o
        smoke.append(o)
    steps = [
        run(
            "kubectl -n console rollout status deployment/console-web --timeout=5m",
            ['deployment "console-web" successfully rolled out'],
            name="Wait for rollout",
        )
    ]
    cid = "fr-u-403-smoke-ingress-allowlist-added"
    ci(
        cid,
        "the staging smoke test's curl to /api/health gets 403; the change only adds an "
        "nginx.ingress.kubernetes.io/whitelist-source-range annotation to the console ingress "
        "with the office range, which excludes the GitHub runner",
        ["context-driven", "look-obvious"],
        "bolt",
        "k8s_manifest",
        workflow="deploy-staging",
        job="smoke",
        repo=WEB,
        steps=[*steps, failing(smoke[0], name="Smoke test")],
        message="chore(deploy): restrict staging console to the office network",
        files=[
            "deploy/console-web/templates/ingress.yaml",
            "deploy/console-web/values-staging.yaml",
        ],
        pr=pr_of(cid, "chore(deploy): restrict staging console to the office network"),
    )
    cid = "fr-u-403-smoke-next-middleware-auth-gate"
    ci(
        cid,
        "the same staging smoke-test 403 on /api/health; the change adds a Next.js middleware "
        "that answers 403 to every /api request without a session cookie, health check "
        "included: a frontend code change",
        ["context-driven", "look-obvious"],
        "blaze",
        "frontend_test",
        workflow="deploy-staging",
        job="smoke",
        repo=WEB,
        steps=[*steps, failing(smoke[1], name="Smoke test")],
        message="feat(auth): require a session for API routes",
        files=["src/middleware.ts", "src/lib/session.ts"],
        pr=pr_of(cid, "feat(auth): require a session for API routes"),
    )


# ------------------------------------------------------------------ 5. make test


_MAKEFILE = """.PHONY: test test-rust test-web
test: test-rust test-web

test-rust:
\tcargo test --quiet --offline

test-web:
\tvitest run
"""

_RUST_OK = """pub fn retry_label(secs: u64) -> String {
    format!("retry in {secs}s")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_has_no_space() {
        assert_eq!(retry_label(30), "retry in 30s");
    }
}
"""

_JS_TEST = """import { test, expect } from "vitest";
import { retryLabel } from "./retry.js";

test("label has no space", () => {
  expect(retryLabel(30)).toBe("retry in 30s");
});
"""


def _make(name: str, rust: str, js: str) -> real.Out:
    files = {
        "Makefile": _MAKEFILE,
        "Cargo.toml": real.cargo_toml("healer"),
        "src/lib.rs": rust,
        "package.json": _pkg("console", {"test": "vitest run"}),
        "web/retry.js": js,
        "web/retry.test.js": _JS_TEST,
    }
    out = real.sh(name, files, "make test", "make test", node_modules=True)
    out = real.Out(
        "make test",
        [
            re.sub(r"finished in [\d.]+s", "finished in 0.00s", ln)
            for ln in out.lines
            if not ln.startswith(("   Compiling", "    Finished"))
        ],
        out.code,
    )
    assert out.code != 0, out
    return out


def make_test() -> None:
    at(REPO)
    js_ok = "export const retryLabel = (secs) => `retry in ${secs}s`;\n"
    # 5a. the Rust target stops make (rex)
    out = _make(
        "fr-u-make-rust", _RUST_OK.replace('"retry in {secs}s"', '"retry in {secs} s"'), js_ok
    )
    assert any("test-rust" in ln for ln in out.lines), out
    cid = "fr-u-make-test-rust-target-stops"
    ci(
        cid,
        "make test stops in its test-rust target: cargo test's label_has_no_space assert_eq "
        "fails ('retry in 30 s' vs 'retry in 30s'); the web target never ran",
        ["obvious", "wrapper"],
        "rex",
        "rust_test",
        workflow="ci",
        job="test",
        repo=REPO,
        steps=[*rust_setup(), *node_setup(), failing(out, name="Test")],
        message="fix(notify): spell out retry delays",
        files=["crates/notify/src/lib.rs"],
    )
    # 5b. cargo test passes; the web target stops make (blaze)
    out = _make(
        "fr-u-make-web",
        _RUST_OK,
        "export const retryLabel = (secs) => `retry in ${secs} s`;\n",
    )
    assert any("test-web" in ln for ln in out.lines), out
    cid = "fr-u-make-test-web-target-stops"
    ci(
        cid,
        "the same make test with the same expectation failing, but cargo test passes and "
        "make stops in test-web: vitest's retryLabel test fails ('retry in 30 s'); the frontend "
        "half of the wrapper",
        ["wrapper", "multi-signal", "look-obvious"],
        "blaze",
        "frontend_test",
        workflow="ci",
        job="test",
        repo=REPO,
        steps=[*rust_setup(), *node_setup(), failing(out, name="Test")],
        message="fix(console): spell out retry delays",
        files=["web/retry.js"],
    )


# ------------------------------------------------------------------ 6. a token in a test file


def token_in_test() -> None:
    at(WEB)
    test = f"""import {{ test, expect }} from "vitest";
import {{ redact }} from "./redact.js";

test("redacts GitHub tokens in git output", () => {{
  const line = "git fetch: token {FAKE_GHP} rejected";
  expect(redact(line)).toBe("git fetch: token ghp_*** rejected");
}});
"""
    # 6a. detect-secrets flags the token literal the change put in a test (cipher)
    out = real.detect_secrets(
        "fr-u-secret-in-test",
        {
            "src/redact.test.js": test,
            "src/redact.js": "export const redact = (s) => s.replace(/ghp_[A-Za-z0-9]{36}/g, "
            '"ghp_***");\n',
        },
    )
    assert out.code != 0, out
    ci(
        "fr-u-token-detect-secrets-flags-redaction-fixture",
        "detect-secrets-hook flags a (fake) GitHub personal access token literal in src/redact.test.js, "
        "added as a fixture by a change to the log redaction; the secrets job, not the tests, "
        "failed",
        ["security", "misleading-name", "obvious"],
        "cipher",
        "secret_scanning_alert",
        workflow="web",
        job="redaction",
        repo=WEB,
        steps=[
            run(
                "pip install detect-secrets==1.5.0",
                ["Successfully installed detect-secrets-1.5.0"],
                name="Install",
            ),
            failing(out, name="Scan changed files"),
        ],
        message="test(redact): cover GitHub tokens",
        files=["src/redact.test.js", "src/redact.js"],
    )
    # 6b. the same test runs and fails: the new regex misses the token (blaze)
    out = real.vitest(
        "fr-u-redact-vitest",
        {
            "src/redact.test.js": test,
            "src/redact.js": "export const redact = (s) => s.replace(/ghp_[a-z0-9]{36}/g, "
            '"ghp_***");\n',
        },
    )
    assert out.code != 0, out
    ci(
        "fr-u-token-redaction-test-regex-misses",
        "vitest's 'redacts GitHub tokens in git output' fails and prints a (fake) GitHub token: "
        "the change narrowed the redaction regex to lowercase, so the fixture token is not "
        "masked; a frontend test, not a leak",
        ["look-obvious", "security"],
        "blaze",
        "frontend_test",
        workflow="web",
        job="redaction",
        repo=WEB,
        steps=[*node_setup(), failing(out, name="Redaction tests")],
        message="fix(redact): only match real GitHub token characters",
        files=["src/redact.js"],
    )


# ------------------------------------------------------------------ 7. make deps lockfiles


def _deps(name: str, lock: str, pkg: str, npm_lock: str) -> real.Out:
    files = {
        "Makefile": ".PHONY: deps\ndeps:\n\tcargo fetch --locked\n\tnpm ci --offline\n",
        "Cargo.toml": real.cargo_toml("healer"),
        "Cargo.lock": lock,
        "src/lib.rs": "pub fn ok() {}\n",
        "package.json": pkg,
        "package-lock.json": npm_lock,
    }
    out = real.sh(name, files, "make deps", "make deps", env={"CARGO_NET_OFFLINE": "true"})
    assert out.code != 0, out
    return out


def lockfiles() -> None:
    at(REPO)
    good_lock = (
        "# This file is automatically @generated by Cargo.\n# It is not intended for manual "
        'editing.\nversion = 4\n\n[[package]]\nname = "healer"\nversion = "0.1.0"\n'
    )
    pkg = _pkg("healer-web")
    npm_lock = json.dumps(
        {
            "name": "healer-web",
            "version": "2.4.0",
            "lockfileVersion": 3,
            "requires": True,
            "packages": {"": {"name": "healer-web", "version": "2.4.0"}},
        },
        indent=2,
    )
    # 7a. the Cargo.lock is stale (rex)
    out = _deps(
        "fr-u-deps-cargo",
        good_lock.replace('version = "0.1.0"', 'version = "0.0.9"'),
        pkg,
        npm_lock,
    )
    cid = "fr-u-make-deps-cargo-lock-stale"
    ci(
        cid,
        "make deps stops at its first line: cargo fetch --locked says Cargo.lock needs to be "
        "updated, the change bumped a crate version without committing the lock file",
        ["obvious", "wrapper"],
        "rex",
        "rust_deps",
        workflow="ci",
        job="deps",
        repo=REPO,
        steps=[*rust_setup(), *node_setup(), failing(out, name="Install dependencies")],
        message="chore(release): healer 0.1.0",
        files=["Cargo.toml"],
    )
    # 7b. cargo is fine; npm ci finds package.json and the lock out of sync (blaze)
    out = _deps(
        "fr-u-deps-npm",
        good_lock,
        _pkg("healer-web", dependencies={"zod": "^3.23.8"}),
        npm_lock,
    )
    cid = "fr-u-make-deps-npm-lock-out-of-sync"
    ci(
        cid,
        "the same make deps; cargo fetch --locked passes and npm ci refuses: package.json "
        "gained zod without a regenerated package-lock.json",
        ["wrapper", "look-obvious"],
        "blaze",
        "frontend_deps",
        workflow="ci",
        job="deps",
        repo=REPO,
        steps=[*rust_setup(), *node_setup(), failing(out, name="Install dependencies")],
        message="feat(web): validate run payloads with zod",
        files=["package.json", "web/src/schema.ts"],
    )


# ------------------------------------------------------------------ 8. Argo CD Degraded


def _argo_wait(app: str, when: str) -> object:
    return run(
        f"argocd app wait {app} --health --timeout 600",
        [
            shapes.logrus_fatal(
                when, f'Timed out (600s) waiting for app \\"{app}\\" match desired state'
            )
        ],
        20,
        name="Wait for Argo CD",
        seconds=600.0,
    )


def argo_degraded() -> None:
    at(PLAT)
    app = "healer-agent-staging"
    img = "ghcr.io/5dlabs/healer-agent:0.9.0"
    # 8a. the agent panics parsing its listen address (rex)
    cid = "fr-u-argo-degraded-agent-listen-addr-panic"
    logs = _rust(
        "fr-u-agent-listen",
        "healer-agent",
        """use std::net::SocketAddr;

fn main() {
    // LISTEN_ADDR now carries host and port; the deployment still sets a bare port
    let raw = std::env::var("LISTEN_ADDR").unwrap_or_else(|_| "0.0.0.0:8080".into());
    eprintln!("healer-agent 0.9.0 starting");
    let addr: SocketAddr = raw.parse().expect("LISTEN_ADDR must be host:port");
    eprintln!("listening on {addr}");
}
""",
        env={"LISTEN_ADDR": "8080"},
    )
    ctx = crashing(cid, "healer", "healer-agent", img, 101, logs)
    ctx["kubernetes"]["pods"][0]["spec"]["containers"][0]["env"] = [
        {"name": "LISTEN_ADDR", "value": "8080"}
    ]
    _, _, last = clock(cid)
    ctx["argocd"] = [
        _argo(
            app,
            "healer",
            "apps/healer-agent/overlays/staging",
            sha(cid),
            "Synced",
            "Degraded",
            health_message='Deployment "healer-agent" exceeded its progress deadline',
        )
    ]
    ci(
        cid,
        "argocd app wait times out with the application Synced but Degraded; the healer-agent "
        "pod crash-loops and Loki shows a Rust panic 'LISTEN_ADDR must be host:port: "
        "AddrParseError': the new code parses a socket address the deployment sets as a bare "
        "port",
        ["context-driven", "look-obvious"],
        "rex",
        "rust_test",
        workflow="deploy",
        job="staging",
        repo=PLAT,
        steps=[_argo_wait(app, last)],
        message="feat(agent): bind to a configurable address",
        files=["crates/agent/src/main.rs"],
        extra=ctx,
    )
    # 8b. the pod cannot start: the manifest references a ConfigMap that was renamed (bolt)
    cid = "fr-u-argo-degraded-configmap-ref-renamed"
    created, first, last = clock(cid)
    name = pod_name(cid, "healer-agent")
    p = shapes.pod(
        name,
        "healer",
        "healer-agent",
        img,
        created=created,
        waiting=("CreateContainerConfigError", 'configmap "healer-agent-env" not found'),
        port=8080,
        memory_limit="256Mi",
    )
    events = [
        shapes.event(
            "healer",
            "Pod",
            name,
            "Failed",
            'Error: configmap "healer-agent-env" not found',
            first=first,
            last=last,
            count=14,
        )
    ]
    ci(
        cid,
        "the same argocd app wait timeout with the application Synced but Degraded; the pod "
        'never starts (CreateContainerConfigError: configmap "healer-agent-env" not found): '
        "the change renamed the ConfigMap to healer-agent-config but not the envFrom reference",
        ["context-driven", "look-obvious"],
        "bolt",
        "k8s_manifest",
        workflow="deploy",
        job="staging",
        repo=PLAT,
        steps=[_argo_wait(app, last)],
        message="chore(agent): rename the agent ConfigMap",
        files=["apps/healer-agent/base/configmap.yaml"],
        extra={
            "kubernetes": {"pods": [p], "events": events},
            "argocd": [
                _argo(
                    app,
                    "healer",
                    "apps/healer-agent/overlays/staging",
                    sha(cid),
                    "Synced",
                    "Degraded",
                    health_message='Deployment "healer-agent" exceeded its progress deadline',
                )
            ],
        },
    )


# ------------------------------------------------------------------ 9. cargo + hadolint


_DOCKERFILE = """FROM rust:1.83-slim AS build
WORKDIR /src
COPY . .
RUN cargo build --release

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y ca-certificates
COPY --from=build /src/target/release/healer /usr/local/bin/healer
ENTRYPOINT ["/usr/local/bin/healer"]
"""

_MAIN_WARN = """fn main() {
    let retries = 3;
    println!("healer starting");
}
"""


def cargo_and_hadolint() -> None:
    at(REPO)
    # 9a. cargo builds with a warning; hadolint then fails the job (bolt)
    build = real.cargo("fr-u-ch-build-ok", {"src/main.rs": _MAIN_WARN}, ["build", "--release"])
    assert build.code == 0, build
    build = real.Out(
        "cargo build --release",
        [ln for ln in build.lines if not ln.lstrip().startswith("Finished")],
        0,
    )
    lint = real.hadolint("fr-u-ch-lint-fail", _DOCKERFILE)
    assert lint.code != 0, lint
    ci(
        "fr-u-cargo-warns-hadolint-fails",
        "the image job prints a rustc unused-variable warning from a passing cargo build, then "
        "fails in hadolint: DL3008/DL3015 on the runtime stage's apt-get install",
        ["multi-signal", "look-obvious"],
        "bolt",
        "docker_build",
        workflow="image",
        job="build-image",
        repo=REPO,
        steps=[
            *rust_setup(),
            run(build.command, build.lines, name="Build"),
            failing(lint, name="Lint Dockerfile"),
        ],
        message="build(image): slim runtime stage",
        files=["Dockerfile", "crates/healer/src/main.rs"],
    )
    # 9b. hadolint warns below the threshold; cargo then fails the job (rex)
    lint = real.hadolint("fr-u-ch-lint-ok", _DOCKERFILE, threshold="error")
    assert lint.code == 0, lint
    build = real.cargo(
        "fr-u-ch-build-fail",
        {
            "src/main.rs": _MAIN_WARN.replace(
                'println!("healer starting");', 'let delay: u64 = retries * "2";'
            )
        },
        ["build", "--release"],
    )
    assert build.code != 0, build
    ci(
        "fr-u-hadolint-warns-cargo-fails",
        "the same image job: hadolint prints DL3008/DL3015 warnings but passes under "
        "--failure-threshold error, then cargo build fails with E0277 (cannot multiply "
        "`{integer}` by `&str`) in main.rs",
        ["multi-signal", "look-obvious"],
        "rex",
        "rust_build",
        workflow="image",
        job="build-image",
        repo=REPO,
        steps=[
            *rust_setup(),
            run(lint.command, lint.lines, name="Lint Dockerfile"),
            failing(build, name="Build"),
        ],
        message="feat(healer): configurable retry delay",
        files=["crates/healer/src/main.rs"],
    )


# ------------------------------------------------------------------ 10. host not resolved


def _resolve(name: str, host: str, script: str, shown: str) -> real.Out:
    bad = host.replace(".5dlabs.ai", ".invalid")
    out = real.sh(
        name,
        {},
        script.replace(host, bad),
        shown,
        hosts={bad: host},
    )
    assert out.code == 6 and any("Could not resolve host" in ln for ln in out.lines), out
    return out


def unresolved_host() -> None:
    at(WEB)
    deploy = run(
        "kubectl -n console apply -k deploy/overlays/staging",
        ["deployment.apps/console-web configured", "ingress.networking.k8s.io/console configured"],
        name="Deploy",
    )
    # 10a. correct host, docs-only change: a resolver flake on the runner (atlas)
    good = "console.staging.5dlabs.ai"
    out = _resolve(
        "fr-u-dns-a",
        good,
        f"curl -fsS --retry 3 https://{good}/healthz",
        'curl -fsS --retry 3 "https://$SMOKE_HOST/healthz"',
    )
    ci(
        "fr-u-dns-smoke-host-correct-resolver-flake",
        "the staging smoke test's curl fails with (6) Could not resolve host: "
        "console.staging.5dlabs.ai, the right name, which resolved on the previous and next "
        "runs; the change touched docs only: a runner DNS flake",
        ["flaky-infra", "platform", "look-obvious"],
        "atlas",
        "general",
        workflow="deploy-staging",
        job="smoke",
        repo=WEB,
        steps=[deploy, failing(out, name="Smoke test", env={"SMOKE_HOST": good})],
        message="docs(console): staging URLs",
        files=["docs/environments.md"],
    )
    bad = "console.stagng.5dlabs.ai"
    # 10b. the ingress host in the values file is misspelt; the smoke test reads it (bolt)
    out = _resolve(
        "fr-u-dns-b",
        bad,
        f"curl -fsS --retry 3 https://{bad}/healthz",
        "SMOKE_HOST=$(yq '.ingress.hosts[0].host' deploy/console-web/values-staging.yaml)\n"
        'curl -fsS --retry 3 "https://$SMOKE_HOST/healthz"',
    )
    ci(
        "fr-u-dns-ingress-host-typo-in-values",
        "the same curl (6) Could not resolve host, for console.stagng.5dlabs.ai; the smoke test "
        "reads the host from the Helm values and the change misspelt ingress.hosts[0].host in "
        "values-staging.yaml, so the ingress itself now serves the wrong name",
        ["context-driven", "look-obvious"],
        "bolt",
        "helm",
        workflow="deploy-staging",
        job="smoke",
        repo=WEB,
        steps=[deploy, failing(out, name="Smoke test")],
        message="chore(deploy): move console to the new staging ingress class",
        files=["deploy/console-web/values-staging.yaml"],
    )
    # 10c. the same misspelt host, hard-coded in the workflow's env by the change (atlas)
    out = _resolve(
        "fr-u-dns-c",
        bad,
        f"curl -fsS --retry 3 https://{bad}/healthz",
        'curl -fsS --retry 3 "https://$SMOKE_HOST/healthz"',
    )
    ci(
        "fr-u-dns-smoke-host-typo-in-workflow-env",
        "the same curl (6) Could not resolve host: console.stagng.5dlabs.ai; the name comes "
        "from the job's env SMOKE_HOST, which the change hard-coded with the typo in "
        ".github/workflows/deploy-staging.yml; the ingress is untouched",
        ["context-driven"],
        "atlas",
        "general",
        workflow="deploy-staging",
        job="smoke",
        repo=WEB,
        steps=[deploy, failing(out, name="Smoke test", env={"SMOKE_HOST": bad})],
        message="ci(deploy): smoke-test the staging host directly",
        files=[".github/workflows/deploy-staging.yml"],
    )


# ------------------------------------------------------------------ 11. PyYAML in a repo script


_CHECK = """import sys

import yaml

bad = 0
for path in sys.argv[1:]:
    try:
        with open(path) as f:
            list(yaml.safe_load_all(f))
    except yaml.YAMLError as err:
        print(f"{path}: {err}")
        bad += 1
sys.exit(1 if bad else 0)
"""


def _check(name: str, path: str, text: str) -> real.Out:
    out = real.sh(
        name,
        {"scripts/check_yaml.py": _CHECK, path: text},
        f"{real.VENV / 'bin' / 'python'} scripts/check_yaml.py {path}",
        'python scripts/check_yaml.py $(git diff --name-only origin/main...HEAD -- "*.yml" '
        '"*.yaml")',
    )
    assert out.code != 0, out
    return out


def yaml_parse() -> None:
    at(PLAT)
    # 11a. .github/dependabot.yml (atlas)
    out = _check(
        "fr-u-pyyaml-dependabot",
        ".github/dependabot.yml",
        """version: 2
updates:
  - package-ecosystem: cargo
    directory: /
    schedule:
      interval: weekly
  - package-ecosystem: npm
    directory: /web
   schedule:
      interval: weekly
""",
    )
    ci(
        "fr-u-pyyaml-dependabot-config-indent",
        "the repo's check_yaml.py (PyYAML) fails on .github/dependabot.yml: the npm entry's "
        "schedule key is indented one space short; GitHub's Dependabot configuration",
        ["yaml-owner", "obvious"],
        "atlas",
        "workflow_syntax",
        workflow="validate",
        job="yaml",
        repo=PLAT,
        steps=[failing(out, name="Parse changed YAML")],
        message="chore(deps): weekly npm updates for web",
        files=[".github/dependabot.yml"],
    )
    # 11b. an Argo CD Application manifest (bolt)
    out = _check(
        "fr-u-pyyaml-argo-app",
        "argocd/apps/healer-agent.yaml",
        """apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: healer-agent
  namespace: argocd
spec:
  project: default
  source:
    repoURL: https://github.com/5dlabs/platform
    path: apps/healer-agent/overlays/prod
   targetRevision: main
  destination:
    server: https://kubernetes.default.svc
    namespace: healer
""",
    )
    ci(
        "fr-u-pyyaml-argocd-application-indent",
        "the same check_yaml.py PyYAML failure, on argocd/apps/healer-agent.yaml: the Argo CD "
        "Application's source.targetRevision is indented one space short",
        ["yaml-owner", "obvious"],
        "bolt",
        "argocd_sync",
        workflow="validate",
        job="yaml",
        repo=PLAT,
        steps=[failing(out, name="Parse changed YAML")],
        message="feat(argocd): pin healer-agent prod to main",
        files=["argocd/apps/healer-agent.yaml"],
    )


# ------------------------------------------------------------------ 12. vitest timeout


def _timed_out(out: real.Out) -> real.Out:
    """Undo the split's generic millisecond pins where they hide vitest's 5000 ms timeout."""
    fixed = []
    for ln in out.lines:
        ln = ln.replace("timed out in 9ms", "timed out in 5000ms")
        ln = re.sub(r"(1 failed\)|finishes) 9ms$", r"\1 5004ms", ln)
        ln = re.sub(r"Duration  [\d.]+s", "Duration  5.62s", ln)
        ln = re.sub(r"tests [\d.]+m?s,", "tests 5.01s,", ln)
        fixed.append(ln)
    assert any("5000ms" in ln for ln in fixed), fixed
    return real.Out(out.command, fixed, out.code)


def vitest_timeout() -> None:
    at(WEB)
    test = """import { test, expect } from "vitest";
import { waitForRun } from "./poll.js";

test("waitForRun resolves once the run finishes", async () => {
  const run = await waitForRun(process.env.RUNS_API, "run-4471");
  expect(run.status).toBe("succeeded");
});
"""
    # 12a. the refactored poller never settles (blaze)
    poll = """export async function waitForRun(api, id) {
  // refactor: poll through a promise that resolves from the interval callback
  return new Promise((resolve) => {
    const timer = setInterval(async () => {
      const run = { id, status: "succeeded" };
      if (run.status === "done") {
        clearInterval(timer);
        resolve(run);
      }
    }, 50);
  });
}
"""
    out = _timed_out(
        real.vitest("fr-u-timeout-code", {"src/poll.js": poll, "src/poll.test.js": test})
    )
    assert out.code != 0 and any("timed out" in ln for ln in out.lines), out
    ci(
        "fr-u-vitest-timeout-poller-never-resolves",
        "vitest: 'waitForRun resolves once the run finishes' times out in 5000ms; the change "
        "rewrote the poller to resolve only on status 'done' while runs finish as "
        "'succeeded', so the promise never settles",
        ["context-driven"],
        "blaze",
        "frontend_test",
        workflow="web",
        job="unit",
        repo=WEB,
        steps=[*node_setup(), failing(out, name="Unit tests")],
        message="refactor(runs): simpler run polling",
        files=["src/poll.js"],
        pr=pr_of(
            "fr-u-vitest-timeout-poller-never-resolves", "refactor(runs): simpler run polling"
        ),
    )
    # 12b. the same test against a staging API that stopped answering; nothing changed (atlas)
    poll = """export async function waitForRun(api, id) {
  for (;;) {
    const res = await fetch(`${api}/runs/${id}`);
    const run = await res.json();
    if (run.status === "succeeded" || run.status === "failed") return run;
    await new Promise((r) => setTimeout(r, 50));
  }
}
"""
    with silent_server() as port:
        out = real.vitest(
            "fr-u-timeout-net",
            {
                "src/poll.js": poll,
                "src/poll.test.js": test,
                "vitest.config.js": "export default { test: { env: { RUNS_API: "
                f'"http://127.0.0.1:{port}/api" }} }} }};\n',
            },
        )
    out = _timed_out(out)
    ci(
        "fr-u-vitest-timeout-staging-api-silent",
        "the same vitest 'waitForRun resolves once the run finishes' timeout in 5000ms on a "
        "nightly run; the test polls the shared staging runs API, which accepted the "
        "connection and never answered, and nothing changed in the repo since the last pass",
        ["flaky-infra", "look-obvious"],
        "atlas",
        "general",
        workflow="web-nightly",
        job="unit",
        repo=WEB,
        branch="main",
        steps=[*node_setup(), failing(out, name="Unit tests")],
        message="Merge pull request #1904 from 5dlabs/docs/readme-badges",
        files=["README.md"],
    )


__all__ = ["build", "sha"]
