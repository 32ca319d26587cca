"""Batch 13 of the fresh split (ids ``fr-m-``): what the ``obvious`` tag should mean.

- real obvious cases: one decisive root-cause error from one tool in the failing step, with
  nothing in the log or the context against it (rustc E0369 and E0004, clippy
  ``manual_range_contains``, a cargo test assertion, ``cargo fmt --check``, tsc TS2554,
  ESLint ``no-dupe-keys``, a Vitest ``toHaveLength``, a Jest ``toHaveBeenCalledWith``, a
  Dockerfile hadolint cannot parse, kustomize on a missing resource file, a tab in Helm
  values, actionlint on an unknown permission scope, a ``git cherry-pick`` conflict, ``npm
  audit`` on semver 7.5.1, GH013 for an Azure storage key);
- look-obvious traps, not tagged obvious: one familiar language error is visible, but the
  root cause belongs to another owner: a workflow that pinned Node below the package's
  engines, a node_modules cache restored from macOS, a Dependabot PR without the job's
  secrets, a service container that exited on start, a workflow that renamed the test's env
  var (atlas); a certificate fixture and a token fixture that expired with the calendar (the
  code's owner); a committed OpenAPI spec the Rust generator no longer matches (``git diff
  --exit-code``, rex); a Dockerfile base image below the package's engines (bolt); an npm
  audit without a lockfile (blaze); and cluster context deciding a test failure (an Argo CD
  sync failing on annotation size, CPU throttling after a values cut, a chart env var the
  console's runtime config no longer reads, a glibc binary on an Alpine runtime image, a
  ConfigMap mounted over the web root: bolt).

Every tool runs for real (cargo, rustc, clippy, rustfmt, node, node --test, npm, tsc, eslint,
vitest, jest, esbuild, hadolint, yamllint, kubectl kustomize, actionlint, git) against local
files, local repositories or 127.0.0.1 servers (a TLS server for the expired fixture)."""

from __future__ import annotations

import json
import re

import fcommon
import real
import shapes
from fcommon import at, ci, failing, node_setup, npm_ci_ok, rust_setup, sha
from gha import run, uses
from helpers import buildx_setup, buildx_step, clock, ready_pods

REPO = "5dlabs/healer"
WEB = "5dlabs/console"
PLAT = "5dlabs/platform"
MONO = "5dlabs/cto"
NS = "healer"


def _pkg(name: str = "console", **more: object) -> str:
    pkg: dict[str, object] = {"name": name, "version": "2.0.0", "private": True, "type": "module"}
    pkg.update(more)
    return json.dumps(pkg, indent=2) + "\n"


def _cargo(
    cid: str,
    files: dict[str, str],
    args: list[str],
    shown: str | None = None,
    env: dict[str, str] | None = None,
    package: str = "healer",
) -> real.Out:
    path = real.crate(cid, files, package=package)
    lines, code = real.run(["cargo", *args], path, env={"CARGO_NET_OFFLINE": "true", **(env or {})})
    return real.Out(shown or "cargo " + " ".join(args), lines, code)


def _in(lines: list[str], root: str) -> list[str]:
    return [ln.replace(real.RUNNER, root) for ln in lines]


# ------------------------------------------------------------------ obvious


def obvious_code() -> None:
    # O1. rustc E0369: == on a struct without PartialEq (rex)
    at(REPO)
    out = _cargo(
        "fr-m-e0369",
        {
            "src/lib.rs": """pub struct Route {
    pub agent: String,
    pub reason: String,
}

/// Whether the second routing decision changed anything.
pub fn changed(before: &Route, after: &Route) -> bool {
    before != after
}
"""
        },
        ["build"],
    )
    assert out.code != 0 and any("E0369" in ln for ln in out.lines), out
    ci(
        "fr-m-obvious-rustc-e0369-route-without-partialeq",
        "rustc E0369: changed() compares two Route values with != but Route does not derive "
        "PartialEq (binary operation `!=` cannot be applied to type `&Route`)",
        ["obvious"],
        "rex",
        "rust_build",
        workflow="rust",
        job="build",
        steps=[*rust_setup(), failing(out, name="cargo build")],
        message="feat(router): detect changed decisions",
        files=["src/lib.rs"],
    )

    # O2. rustc E0004: a new enum variant not covered by a match (rex)
    out = _cargo(
        "fr-m-e0004",
        {
            "src/lib.rs": """#[derive(Debug, Clone, Copy)]
pub enum Conclusion {
    Success,
    Failure,
    TimedOut,
    ActionRequired,
}

pub fn needs_healing(c: Conclusion) -> bool {
    match c {
        Conclusion::Success => false,
        Conclusion::Failure | Conclusion::TimedOut => true,
    }
}
"""
        },
        ["check"],
    )
    assert out.code != 0 and any("E0004" in ln for ln in out.lines), out
    ci(
        "fr-m-obvious-rustc-e0004-action-required-not-covered",
        "rustc E0004: the change adds Conclusion::ActionRequired but needs_healing's match "
        "does not cover it (non-exhaustive patterns)",
        ["obvious"],
        "rex",
        "rust_build",
        workflow="pr-gate",
        job="check",
        steps=[*rust_setup(), failing(out, name="cargo check")],
        message="feat(events): model action_required conclusions",
        files=["src/lib.rs"],
        event="workflow_run",
    )

    # O3. clippy manual_range_contains (rex)
    out = _cargo(
        "fr-m-clippy-range",
        {
            "src/lib.rs": """/// Whether an HTTP status is worth retrying.
pub fn retryable(status: u16) -> bool {
    status >= 500 && status < 600 || status == 429
}
"""
        },
        ["clippy", "--", "-D", "warnings"],
    )
    assert out.code != 0 and any("manual_range_contains" in ln for ln in out.lines), out
    ci(
        "fr-m-obvious-clippy-manual-range-contains",
        "cargo clippy -D warnings fails on clippy::manual_range_contains in retryable(): "
        "`status >= 500 && status < 600` should be `(500..600).contains(&status)`",
        ["obvious"],
        "rex",
        "rust_clippy",
        workflow="rust",
        job="clippy",
        steps=[*rust_setup(), failing(out, name="Clippy")],
        message="feat(http): retry 5xx and 429 answers",
        files=["src/lib.rs"],
    )

    # O4. cargo test assertion (rex)
    out = _cargo(
        "fr-m-cargo-test",
        {
            "src/lib.rs": """/// The short form of a commit SHA shown in check run titles.
pub fn short_sha(sha: &str) -> &str {
    &sha[..sha.len().min(8)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seven_characters_like_github() {
        assert_eq!(short_sha("4f9c2e1d0b7a6e5f4c3b2a1908f7e6d5c4b3a291"), "4f9c2e1");
    }

    #[test]
    fn short_input_unchanged() {
        assert_eq!(short_sha("abc"), "abc");
    }
}
"""
        },
        ["test", "--lib"],
    )
    assert out.code != 0 and any("seven_characters_like_github" in ln for ln in out.lines), out
    ci(
        "fr-m-obvious-cargo-test-short-sha-eight-characters",
        "cargo test: seven_characters_like_github fails, short_sha cuts to 8 characters "
        '("4f9c2e1d") where the test expects GitHub\'s 7 ("4f9c2e1")',
        ["obvious"],
        "rex",
        "rust_test",
        workflow="verify",
        job="unit",
        steps=[*rust_setup(), failing(out, name="Unit tests")],
        message="feat(checks): short SHAs in titles",
        files=["src/lib.rs"],
    )

    # O4b. cargo fmt --check (rex)
    out = _cargo(
        "fr-m-fmt",
        {
            "src/lib.rs": """pub fn label(agent: &str, attempt: u32) -> String {
    if attempt > 1 { format!("{agent} (retry {attempt})") } else { agent.to_string() }
}
"""
        },
        ["fmt", "--check"],
    )
    assert out.code != 0 and any(ln.startswith("Diff in") for ln in out.lines), out
    ci(
        "fr-m-obvious-cargo-fmt-check-one-line-if-else",
        "cargo fmt --check prints a diff for src/lib.rs: label() puts an if/else with blocks "
        "on one line, which rustfmt splits over five lines",
        ["obvious"],
        "rex",
        "rust_fmt",
        workflow="rust",
        job="fmt",
        steps=[*rust_setup(), failing(out, name="rustfmt")],
        message="feat(labels): mark retried runs",
        files=["src/lib.rs"],
    )

    # O5. tsc TS2554 (blaze)
    at(WEB)
    out = real.tsc(
        "fr-m-ts2554",
        {
            "src/api.ts": """export async function fetchRuns(repo: string, limit: number): Promise<string[]> {
  const res = await fetch(`/api/runs?repo=${encodeURIComponent(repo)}&limit=${limit}`);
  return (await res.json()) as string[];
}
""",
            "src/page.ts": """import { fetchRuns } from "./api";

export async function load(repo: string): Promise<number> {
  const runs = await fetchRuns(repo);
  return runs.length;
}
""",
        },
    )
    assert out.code != 0 and any("TS2554" in ln for ln in out.lines), out
    ci(
        "fr-m-obvious-tsc-ts2554-fetch-runs-missing-limit",
        "tsc TS2554: src/page.ts calls fetchRuns(repo) but the change made fetchRuns take a "
        "second `limit` argument (Expected 2 arguments, but got 1)",
        ["obvious"],
        "blaze",
        "frontend_typecheck",
        workflow="console-ci",
        job="typecheck",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Type check")],
        message="feat(api): page run lists",
        files=["src/api.ts"],
    )

    # O6. ESLint no-dupe-keys (blaze)
    out = real.eslint(
        "fr-m-dupe-keys",
        {
            "src/colors.js": """export const AGENT_COLORS = {
  rex: "#b7410e",
  blaze: "#ff7a00",
  bolt: "#f5c400",
  cipher: "#3a7d44",
  atlas: "#2f6fdb",
  blaze: "#ff5500",
};
"""
        },
    )
    assert out.code != 0 and any("no-dupe-keys" in ln for ln in out.lines), out
    ci(
        "fr-m-obvious-eslint-no-dupe-keys-agent-colors",
        "ESLint no-dupe-keys: AGENT_COLORS in src/colors.js declares the key 'blaze' twice",
        ["obvious"],
        "blaze",
        "frontend_lint",
        workflow="console-ci",
        job="lint",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="ESLint")],
        message="style(ui): a brighter blaze orange",
        files=["src/colors.js"],
        event="workflow_run",
    )

    # O7. vitest toHaveLength (blaze)
    out = real.vitest(
        "fr-m-vitest-length",
        {
            "src/page.js": """export function pageOf(items, page, size) {
  const start = page * size;
  return items.slice(start + 1, start + size);
}
""",
            "src/page.test.js": """import { expect, it } from "vitest";
import { pageOf } from "./page.js";

it("returns a full second page", () => {
  const items = Array.from({ length: 30 }, (_, i) => i);
  expect(pageOf(items, 1, 10)).toHaveLength(10);
});
""",
        },
    )
    assert out.code != 0 and any("length" in ln for ln in out.lines), out
    ci(
        "fr-m-obvious-vitest-tohavelength-page-off-by-one",
        "vitest: pageOf slices from start + 1, so the second page of 10 has 9 items and "
        "expect(...).toHaveLength(10) fails",
        ["obvious"],
        "blaze",
        "frontend_test",
        workflow="console-ci",
        job="test",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Unit tests")],
        message="feat(runs): paginate the run table",
        files=["src/page.js", "src/page.test.js"],
    )

    # O8. jest toHaveBeenCalledWith (blaze)
    out = real.jest(
        "fr-m-jest-called-with",
        {
            "src/notify.js": """function notifyFailure(run, send) {
  send("#ci-alerts", `run ${run.id} failed`);
}
module.exports = { notifyFailure };
""",
            "src/notify.test.js": """const { notifyFailure } = require("./notify");

test("posts failures to the team channel", () => {
  const send = jest.fn();
  notifyFailure({ id: 42, team: "console" }, send);
  expect(send).toHaveBeenCalledWith("#console-alerts", "run 42 failed");
});
""",
        },
    )
    assert out.code != 0 and any("toHaveBeenCalledWith" in ln for ln in out.lines), out
    ci(
        "fr-m-obvious-jest-tohavebeencalledwith-team-channel",
        "jest: notifyFailure posts to '#ci-alerts' while the test expects the run's team "
        "channel '#console-alerts' (toHaveBeenCalledWith)",
        ["obvious"],
        "blaze",
        "frontend_test",
        workflow="console-ci",
        job="jest",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Jest")],
        message="feat(notify): route failures to the team's channel",
        files=["src/notify.test.js"],
    )


def obvious_rest() -> None:
    # O9. hadolint cannot parse the Dockerfile (bolt)
    at(PLAT)
    out = real.hadolint(
        "fr-m-hadolint-parse",
        "FROM debian:12.8-slim\n"
        "RUN apt-get update \\\n"
        "    && apt-get install -y --no-install-recommends ca-certificates=20230311\n"
        "COPY healer /usr/local/bin/healer\n"
        "EXPOSE 8080/tcp\n"
        'ENTRYPONT ["/usr/local/bin/healer"]\n',
        where="images/healer/Dockerfile",
    )
    assert out.code != 0, out
    ci(
        "fr-m-obvious-hadolint-dockerfile-parse-entrypoint-typo",
        "hadolint cannot parse images/healer/Dockerfile: the last instruction is spelt "
        "ENTRYPONT (unexpected 'E', expecting a known instruction)",
        ["obvious"],
        "bolt",
        "docker_build",
        workflow="images",
        job="dockerfile-lint",
        repo=PLAT,
        steps=[failing(out, name="hadolint")],
        message="chore(image): expose the API port",
        files=["images/healer/Dockerfile"],
    )

    # O10. kustomize: a resource file that does not exist (bolt)
    out = real.kubectl(
        "fr-m-kustomize-missing",
        {
            "deploy/base/kustomization.yaml": (
                "resources:\n  - deployment.yaml\n  - service.yaml\n  - pdb.yaml\n"
            ),
            "deploy/base/deployment.yaml": (
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: healer\nspec:\n"
                "  selector:\n    matchLabels: {app: healer}\n  template:\n    metadata:\n"
                "      labels: {app: healer}\n    spec:\n      containers:\n        - name: healer\n"
                "          image: ghcr.io/5dlabs/healer:0.19.0\n"
            ),
            "deploy/base/service.yaml": (
                "apiVersion: v1\nkind: Service\nmetadata:\n  name: healer\nspec:\n"
                "  selector: {app: healer}\n  ports:\n    - port: 80\n      targetPort: 8080\n"
            ),
            "deploy/base/poddisruptionbudget.yaml": (
                "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: healer\n"
                "spec:\n  minAvailable: 1\n  selector:\n    matchLabels: {app: healer}\n"
            ),
        },
        ["kustomize", "deploy/base"],
    )
    assert out.code != 0 and any("pdb.yaml" in ln for ln in out.lines), out
    ci(
        "fr-m-obvious-kustomize-missing-pdb-resource",
        "kubectl kustomize fails: deploy/base/kustomization.yaml lists pdb.yaml, but the "
        "change added the PodDisruptionBudget as poddisruptionbudget.yaml",
        ["obvious"],
        "bolt",
        "k8s_manifest",
        workflow="manifests",
        job="render",
        repo=PLAT,
        steps=[failing(out, name="Render base")],
        message="feat(deploy): keep one healer pod during node drains",
        files=["deploy/base/kustomization.yaml", "deploy/base/poddisruptionbudget.yaml"],
    )

    # O11. yamllint: a tab in Helm chart values (bolt)
    out = real.yamllint(
        "fr-m-yamllint-tab",
        {
            "charts/console/values.yaml": (
                "replicaCount: 2\n"
                "image:\n"
                "  repository: ghcr.io/5dlabs/console\n"
                "  tag: 2.0.0\n"
                "ingress:\n"
                "  enabled: true\n"
                "  hosts:\n"
                "\t- console.5dlabs.ai\n"
            )
        },
        ["charts/console/values.yaml"],
        config="extends: default\nrules:\n  document-start: disable\n",
    )
    assert out.code != 0 and any("syntax" in ln for ln in out.lines), out
    ci(
        "fr-m-obvious-yamllint-tab-in-chart-values",
        "yamllint: a syntax error in charts/console/values.yaml, where the ingress host list "
        "item is indented with a tab (found character '\\t' that cannot start any token)",
        ["obvious", "yaml-owner"],
        "bolt",
        "yaml_config",
        workflow="charts",
        job="lint-values",
        repo=PLAT,
        steps=[failing(out, name="yamllint")],
        message="feat(chart): serve the console on its own host",
        files=["charts/console/values.yaml"],
    )

    # O12. actionlint: an unknown permission scope (atlas)
    at(REPO)
    out = real.actionlint(
        "fr-m-actionlint-permissions",
        {
            "release.yml": """name: release
on:
  push:
    tags: ["v*"]
permissions:
  content: write
jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: gh release create "$GITHUB_REF_NAME" --generate-notes
        env:
          GH_TOKEN: ${{ github.token }}
""",
        },
    )
    assert out.code != 0 and any("[permissions]" in ln for ln in out.lines), out
    ci(
        "fr-m-obvious-actionlint-unknown-permission-scope-content",
        "actionlint [permissions]: .github/workflows/release.yml grants 'content: write', an "
        "unknown permission scope (the scope is 'contents')",
        ["obvious"],
        "atlas",
        "workflow_syntax",
        workflow="workflow-lint",
        job="actionlint",
        steps=[failing(out, name="actionlint")],
        message="ci(release): create GitHub releases from tags",
        files=[".github/workflows/release.yml"],
    )

    # O13. git cherry-pick conflict in a backport job (atlas)
    path = real.scratch("fr-m-cherry", {})
    origin = path / "origin"
    base = "pub const DEFAULT_TIMEOUT_SECS: u64 = 30;\npub const MAX_RETRIES: u32 = 3;\n"
    real.new_repo(origin, {"src/limits.rs": base})
    real.git(origin, "branch", "release/0.18")
    real.commit_all(
        origin,
        {"src/limits.rs": base.replace("= 3;", "= 5;")},
        "fix(limits): retry five times",
    )
    pick, _ = real.git(origin, "rev-parse", "HEAD")
    real.git(origin, "checkout", "-q", "release/0.18")
    real.commit_all(
        origin,
        {"src/limits.rs": base.replace("= 3;", "= 4;")},
        "fix(limits): retry four times on 0.18",
    )
    real.git(origin, "checkout", "-q", "main")
    work = path / "work"
    real.git(path, "clone", "-q", "-b", "release/0.18", str(origin), "work")
    lines, code = real.git(work, "cherry-pick", "-x", pick[0])
    lines = [ln for ln in lines if not ln.startswith("hint:")]
    assert code != 0 and any("CONFLICT" in ln for ln in lines), lines
    ci(
        "fr-m-obvious-git-cherry-pick-conflict-backport",
        "the backport job's git cherry-pick onto release/0.18 stops on a content conflict in "
        "src/limits.rs: the release branch already changed MAX_RETRIES differently",
        ["obvious"],
        "atlas",
        "merge_conflict",
        workflow="backport",
        job="backport-release-0.18",
        steps=[
            run("git fetch origin release/0.18 && git switch release/0.18", [], name="Switch"),
            failing(
                real.Out(f"git cherry-pick -x {pick[0]}", lines, code),
                name="Cherry-pick",
            ),
        ],
        message="fix(limits): retry five times",
        files=["src/limits.rs"],
        branch="main",
        event="workflow_run",
    )


def obvious_security() -> None:
    # O14. npm audit: semver 7.5.1 ReDoS (cipher)
    at(WEB)
    lock = {
        "name": "console",
        "version": "2.0.0",
        "lockfileVersion": 3,
        "requires": True,
        "packages": {
            "": {"name": "console", "version": "2.0.0", "dependencies": {"semver": "7.5.1"}},
            "node_modules/semver": {
                "version": "7.5.1",
                "resolved": "https://registry.npmjs.org/semver/-/semver-7.5.1.tgz",
                "license": "ISC",
            },
        },
    }
    adv = {
        "semver": [
            {
                "id": 1101088,
                "url": "https://github.com/advisories/GHSA-c2qf-rxjj-qqgw",
                "title": "semver vulnerable to Regular Expression Denial of Service",
                "severity": "moderate",
                "vulnerable_versions": ">=7.0.0 <7.5.2",
                "cwe": ["CWE-1333"],
                "cvss": {
                    "score": 5.3,
                    "vectorString": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L",
                },
            }
        ]
    }
    pack = {
        "name": "semver",
        "dist-tags": {"latest": "7.5.2"},
        "versions": {
            v: {
                "name": "semver",
                "version": v,
                "dist": {"tarball": f"https://registry.npmjs.org/semver/-/semver-{v}.tgz"},
            }
            for v in ("7.5.1", "7.5.2")
        },
    }

    def registry(req):  # type: ignore[no-untyped-def]
        if "advisories/bulk" in req.path:
            return 200, json.dumps(adv), "application/json"
        if req.path.rstrip("/").endswith("/semver"):
            return 200, json.dumps(pack), "application/json"
        return 404, "{}", "application/json"

    with real.serve(registry) as port:
        out = real.sh(
            "fr-m-npm-audit",
            {
                "package.json": _pkg(dependencies={"semver": "7.5.1"}),
                "package-lock.json": json.dumps(lock, indent=2) + "\n",
            },
            f"npm audit --audit-level=moderate --registry http://127.0.0.1:{port}/",
            "npm audit --audit-level=moderate",
            hosts={f"http://127.0.0.1:{port}/": "https://registry.npmjs.org/"},
        )
    assert out.code != 0 and any("GHSA-c2qf-rxjj-qqgw" in ln for ln in out.lines), out
    ci(
        "fr-m-obvious-npm-audit-semver-redos",
        "npm audit --audit-level=moderate fails: semver 7.5.1 is affected by "
        "GHSA-c2qf-rxjj-qqgw (ReDoS, fixed in 7.5.2)",
        ["obvious", "audit", "security"],
        "cipher",
        "vulnerable_dependency",
        workflow="supply-chain",
        job="npm-audit",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="npm audit")],
        message="feat(releases): compare console versions",
        files=["package.json", "package-lock.json"],
    )

    # O15. GH013 push protection: an Azure storage account key (cipher)
    from cases_batch5 import _push_rejected

    at(MONO)
    commit = sha("fr-m-gh013-azure")
    out = _push_rejected(
        "fr-m-gh013-azure",
        MONO,
        [
            "error: GH013: Repository rule violations found for refs/heads/feat/artifact-archive.",
            "",
            "- GITHUB PUSH PROTECTION",
            "  —————————————————————————————————————————",
            "    Resolve the following violations before pushing again",
            "",
            "    - Push cannot contain secrets",
            "",
            "",
            "      —— Azure Storage Account Access Key ——————————————————",
            "       locations:",
            f"         - commit: {commit}",
            "           path: services/archiver/.env.staging:3",
            "",
            "       (?) To push, remove secret from commit(s) or follow this URL to allow the secret.",
            "       https://github.com/5dlabs/cto/security/secret-scanning/unblock-secret/"
            "2yR4nQe8Wb1Ku6Lm9Pc3Td7Fs0Ja",
            "",
        ],
        "push declined due to repository rule violations",
        ref="feat/artifact-archive",
    )
    assert out.code != 0, out
    ci(
        "fr-m-obvious-gh013-azure-storage-key-in-env-file",
        "push protection blocks the push (GH013): an Azure Storage account access key "
        "committed in services/archiver/.env.staging",
        ["obvious", "security"],
        "cipher",
        "secret_scanning_alert",
        workflow="mirror-branch",
        job="push-mirror",
        repo=MONO,
        steps=[failing(out, name="Push branch")],
        message="feat(archiver): archive artifacts to blob storage",
        files=["services/archiver/.env.staging", "services/archiver/src/main.rs"],
        branch="feat/artifact-archive",
    )


# ------------------------------------------------------------------ look-obvious traps


def _log_replace(job: str, old: str, new: str) -> None:
    """Edit one line of the last case's job log (a runner line the ``gha`` layout fixes)."""
    logs = fcommon.CASES[-1]["context"]["logs"]
    assert old in logs[job], old
    logs[job] = logs[job].replace(old, new)


def traps_workflow() -> None:
    # T1. the workflow pinned Node 20 below the package's engines (atlas)
    at(WEB)
    path = real.node_project(
        "fr-m-node-pin",
        {
            "package.json": _pkg(engines={"node": ">=22"}),
            "src/labels.js": """export function uniqueLabels(runs) {
  const seen = new Set(runs.flatMap((r) => r.labels));
  return seen.values().map((l) => l.toLowerCase()).toArray().sort();
}
""",
            "src/labels.test.js": """import { expect, it } from "vitest";
import { uniqueLabels } from "./labels.js";

it("lists each label once", () => {
  const runs = [{ labels: ["CI", "rust"] }, { labels: ["rust"] }];
  expect(uniqueLabels(runs)).toEqual(["ci", "rust"]);
});
""",
        },
    )
    lines, code = real.run(["vitest", "run"], path)
    assert code != 0 and any("is not a function" in ln for ln in lines), lines
    setup20 = uses(
        "actions/setup-node@v4",
        {"node-version": "20", "cache": "npm"},
        [
            "Found in cache @ /opt/hostedtoolcache/node/20.20.2/x64",
            "##[group]Environment details",
            "node: v20.20.2",
            "npm: 11.19.1",
            "yarn: 1.22.22",
            "##[endgroup]",
        ],
    )
    ci(
        "fr-m-trap-vitest-iterator-helpers-after-workflow-pins-node-20",
        "vitest: TypeError seen.values(...).map is not a function in src/labels.js; the code "
        "(iterator helpers, Node 22) and package.json engines >=22 are unchanged, the change "
        "pinned setup-node to node-version 20 in the workflow",
        ["context-driven", "look-obvious", "misleading-name"],
        "atlas",
        "general",
        workflow="console-ci",
        job="test",
        repo=WEB,
        steps=[
            setup20,
            npm_ci_ok(),
            failing(real.Out("npx vitest run", lines, code), name="Unit tests"),
        ],
        message="ci: use the LTS Node on every job",
        files=[".github/workflows/console-ci.yml"],
        pr=fcommon.pr_of("fr-m-node-pin", "ci: use the LTS Node on every job"),
    )

    # T2. a node_modules cache keyed without the OS restores macOS binaries (atlas)
    darwin = real.WORK / "b13-esbuild-darwin"
    marker = darwin / ".pinned"
    if not marker.exists():
        darwin.mkdir(parents=True, exist_ok=True)
        (darwin / "package.json").write_text('{"name":"darwin-cache","private":true}\n')
        lines, code = real.run(
            "npm install --no-audit --no-fund --ignore-scripts --os=darwin --cpu=arm64 "
            "esbuild@0.24.0",
            darwin,
        )
        assert code == 0, lines
        marker.write_text("esbuild@0.24.0 darwin arm64\n")
    path = real.scratch(
        "fr-m-esbuild-cache",
        {
            "package.json": _pkg(
                scripts={"build": "esbuild src/main.js --bundle --minify --outfile=dist/app.js"}
            ),
            "src/main.js": 'import { render } from "./view.js";\nrender(document.body);\n',
            "src/view.js": 'export function render(el) {\n  el.textContent = "Console";\n}\n',
        },
    )
    (path / "node_modules").symlink_to(darwin / "node_modules")
    lines, code = real.run(
        ["npm", "run", "build"],
        path,
        keep=lambda ln: ".npm/_logs" not in ln and "A complete log" not in ln,
    )
    lines = [
        ln.replace(str(darwin), real.RUNNER).replace(
            "/home/runner/work/b13-esbuild-darwin", real.RUNNER
        )
        for ln in lines
    ]
    assert code != 0 and any("another platform" in ln for ln in lines), lines
    key = "node-modules-" + sha("fr-m-esbuild-lock")
    cache = uses(
        "actions/cache@v4",
        {"path": "node_modules", "key": key},
        [
            f"Cache restored from key: {key}",
        ],
        name="Cache node_modules",
    )
    ci(
        "fr-m-trap-esbuild-wrong-platform-from-cache-without-os-key",
        "npm run build: esbuild reports '@esbuild/darwin-arm64 is present but this platform "
        "needs @esbuild/linux-x64'; the change added a macOS job to the matrix and the "
        "node_modules cache key has no runner.os, so the Linux job restored (and skipped npm "
        "ci on) the macOS job's node_modules",
        ["context-driven", "look-obvious", "misleading-name"],
        "atlas",
        "general",
        workflow="console-ci",
        job="build (ubuntu-latest)",
        repo=WEB,
        steps=[
            *node_setup(),
            cache,
            run(
                "npm ci --no-fund",
                [],
                name="Install dependencies",
                conclusion="skipped",
            ),
            failing(real.Out("npm run build", lines, code), name="Build"),
        ],
        message="ci: build the console on macOS too",
        files=[".github/workflows/console-ci.yml"],
    )

    # T3. a Dependabot PR runs without the Actions secrets (atlas)
    out = real.vitest(
        "fr-m-dependabot-secret",
        {
            "src/search.js": """export function searchClient(env = process.env) {
  const key = env.SEARCH_API_KEY;
  if (!key) throw new Error("SEARCH_API_KEY is not set");
  return { key, index: env.SEARCH_INDEX ?? "runs" };
}
""",
            "src/search.test.js": """import { expect, it } from "vitest";
import { searchClient } from "./search.js";

it("builds a client from the CI secrets", () => {
  expect(searchClient().index).toBe("runs");
});
""",
        },
    )
    assert out.code != 0 and any("SEARCH_API_KEY" in ln for ln in out.lines), out
    title = "build(deps-dev): bump vitest from 2.1.8 to 2.1.9"
    ci(
        "fr-m-trap-vitest-missing-secret-on-dependabot-pr",
        "vitest: 'SEARCH_API_KEY is not set' thrown by searchClient; the run is a Dependabot "
        "PR (Secret source: Dependabot), which does not receive the repository's Actions "
        "secrets, so the step's SEARCH_API_KEY is empty; the secret setup, not the code or the "
        "bump, is the cause",
        ["context-driven", "look-obvious", "misleading-name"],
        "atlas",
        "permissions",
        workflow="console-ci",
        job="test",
        repo=WEB,
        steps=[
            *node_setup(),
            npm_ci_ok(),
            failing(out, name="Unit tests", env={"SEARCH_API_KEY": ""}),
        ],
        message=title,
        files=["package.json", "package-lock.json"],
        branch="dependabot/npm_and_yarn/vitest-2.1.9",
        pr=fcommon.pr_of(
            "fr-m-dependabot-secret",
            title,
            "Bumps [vitest](https://github.com/vitest-dev/vitest/tree/HEAD/packages/vitest) "
            "from 2.1.8 to 2.1.9.\n\n---\n\nDependabot will resolve any conflicts with this PR "
            "as long as you don't alter it yourself.",
        ),
    )
    _log_replace("test", "Secret source: Actions", "Secret source: Dependabot")

    # T4. the postgres service container exited on start (atlas)
    at(REPO)
    port = real.free_port()
    out = _cargo(
        "fr-m-pg-service",
        {
            "src/lib.rs": """use std::io::Write;
use std::net::TcpStream;

/// Opens a connection to the job database (host:port from DATABASE_ADDR).
pub fn connect(addr: &str) -> std::io::Result<TcpStream> {
    let mut s = TcpStream::connect(addr)?;
    s.write_all(&[0, 0, 0, 8, 4, 210, 22, 47])?; // SSLRequest
    Ok(s)
}

#[cfg(test)]
mod tests {
    #[test]
    fn stores_routing_decisions() {
        let addr = std::env::var("DATABASE_ADDR").unwrap_or("127.0.0.1:5432".into());
        let conn = super::connect(&addr).expect("connect to the CI postgres");
        drop(conn);
    }
}
"""
        },
        ["test", "--lib"],
        env={"DATABASE_ADDR": f"127.0.0.1:{port}"},
    )
    out = real.Out(out.command, [ln.replace(str(port), "5432") for ln in out.lines], out.code)
    assert out.code != 0 and any("Connection refused" in ln for ln in out.lines), out
    cid = "fr-m-trap-cargo-test-refused-postgres-service-exited-on-start"
    container = sha(cid + "c")[:12]
    net = "github_network_" + sha(cid + "n")[:32]
    tail = [
        "Stop containers",
        f"##[group]Print service container logs: {sha(cid + 'svc')[:20]}_postgres16_{sha(cid)[:6]}",
        f"[command]/usr/bin/docker logs --details {container}",
        " Error: Database is uninitialized and superuser password is not specified.",
        "        You must specify POSTGRES_PASSWORD to a non-empty value for the",
        '        superuser. For example, "-e POSTGRES_PASSWORD=password" on "docker run".',
        "",
        '        You may also use "POSTGRES_HOST_AUTH_METHOD=trust" to allow all',
        "        connections without a password. This is *not* recommended.",
        "",
        '        See PostgreSQL documentation about "trust":',
        "        https://www.postgresql.org/docs/current/auth-trust.html",
        "##[endgroup]",
        f"Stop and remove container: {sha(cid + 'svc')[:20]}_postgres16_{sha(cid)[:6]}",
        f"[command]/usr/bin/docker rm --force {container}",
        container,
        f"Remove container network: {net}",
        f"[command]/usr/bin/docker network rm {net}",
        net,
    ]
    ci(
        cid,
        "cargo test: stores_routing_decisions cannot connect to 127.0.0.1:5432 (Connection "
        "refused); the job's postgres service container exited at start, its logs at the end "
        "of the job say POSTGRES_PASSWORD is empty: the change set it from a secret that does "
        "not exist; the workflow, not the Rust code, is the cause",
        ["look-obvious", "misleading-name"],
        "atlas",
        "general",
        workflow="rust",
        job="integration",
        steps=[
            *rust_setup(),
            failing(out, name="Integration tests", env={"DATABASE_ADDR": "127.0.0.1:5432"}),
        ],
        message="ci: take the CI database password from a secret",
        files=[".github/workflows/rust.yml"],
        tail=tail,
    )

    # T5. the workflow renamed the test's env var (atlas)
    out = _cargo(
        "fr-m-env-rename",
        {
            "src/lib.rs": """pub fn database_url() -> String {
    std::env::var("DATABASE_URL").expect("DATABASE_URL must be set")
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_database_url() {
        assert!(super::database_url().starts_with("postgres://"));
    }
}
"""
        },
        ["test", "--lib"],
    )
    assert out.code != 0 and any("NotPresent" in ln for ln in out.lines), out
    ci(
        "fr-m-trap-cargo-test-database-url-notpresent-after-workflow-rename",
        "cargo test panics 'DATABASE_URL must be set: NotPresent'; the Rust code still reads "
        "DATABASE_URL, but the change renamed the step's variable to PG_URL in the workflow",
        ["context-driven", "look-obvious", "misleading-name"],
        "atlas",
        "general",
        workflow="rust",
        job="test",
        steps=[
            *rust_setup(),
            failing(
                out,
                name="cargo test",
                env={"PG_URL": "postgres://healer:healer@localhost:5432/healer"},
            ),
        ],
        message="ci: name database settings like the chart does",
        files=[".github/workflows/rust.yml"],
    )


def traps_code() -> None:
    # T6. a certificate fixture expired (blaze: the Node client's own test fixture)
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    def name(cn: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(name("console test CA"))
        .issuer_name(name("console test CA"))
        .public_key(ca_key.public_key())
        .serial_number(1)
        .not_valid_before(dt.datetime(2024, 11, 1, tzinfo=dt.UTC))
        .not_valid_after(dt.datetime(2034, 11, 1, tzinfo=dt.UTC))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder()
        .subject_name(name("localhost"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(2)
        .not_valid_before(dt.datetime(2024, 11, 1, tzinfo=dt.UTC))
        .not_valid_after(dt.datetime(2026, 11, 1, tzinfo=dt.UTC))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    fixtures = {
        "test/fixtures/tls/ca.crt": ca.public_bytes(pem).decode(),
        "test/fixtures/tls/server.crt": leaf.public_bytes(pem).decode(),
        "test/fixtures/tls/server.key": key.private_bytes(
            pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode(),
    }
    at(WEB)
    path = real.scratch(
        "fr-m-cert-expired",
        {
            "package.json": _pkg(name="webhook-relay"),
            "src/deliver.js": """import https from "node:https";

export function deliver(url, body, { ca } = {}) {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: "POST", ca, headers: { "content-type": "application/json" } }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on("error", reject);
    req.end(JSON.stringify(body));
  });
}
""",
            "test/deliver.test.js": """import { test } from "node:test";
import assert from "node:assert/strict";
import https from "node:https";
import { readFileSync } from "node:fs";
import { deliver } from "../src/deliver.js";

const fixture = (f) => readFileSync(new URL(`./fixtures/tls/${f}`, import.meta.url));

test("delivers a webhook over TLS", async () => {
  const srv = https.createServer({ key: fixture("server.key"), cert: fixture("server.crt") }, (req, res) => {
    res.writeHead(202).end();
  });
  await new Promise((r) => srv.listen(0, "127.0.0.1", r));
  try {
    const status = await deliver(`https://localhost:${srv.address().port}/hook`, { ok: true }, { ca: fixture("ca.crt") });
    assert.equal(status, 202);
  } finally {
    srv.close();
  }
});
""",
        },
    )
    real.put(path, fixtures)
    lines, code = real.run(["node", "--test", "test/"], path)
    lines = [re.sub(r"duration_ms: [\d.]+", "duration_ms: 41.066894", ln) for ln in lines]
    assert code != 0 and any("CERT_HAS_EXPIRED" in ln for ln in lines), lines
    ci(
        "fr-m-trap-node-test-cert-has-expired-tls-fixture",
        "node --test: delivers a webhook over TLS fails with CERT_HAS_EXPIRED; the local "
        "test server uses the repository's own fixture test/fixtures/tls/server.crt, which "
        "expired on 2026-11-01; nothing in the network or the runner, the relay's test "
        "fixture needs regenerating",
        ["look-obvious", "misleading-name"],
        "blaze",
        "frontend_test",
        workflow="relay-ci",
        job="test",
        repo=WEB,
        steps=[
            *node_setup(),
            npm_ci_ok(),
            failing(real.Out("node --test test/", lines, code), name="Tests"),
        ],
        message="docs(relay): document the retry schedule",
        files=["docs/webhook-relay.md"],
    )

    # T7. a token fixture whose expiry was a fixed date in 2026 (rex)
    at(REPO)
    out = _cargo(
        "fr-m-token-expiry",
        {
            "src/lib.rs": """use std::time::{SystemTime, UNIX_EPOCH};

pub struct Token {
    pub subject: String,
    pub expires_at: u64,
}

pub fn is_expired(t: &Token, now: SystemTime) -> bool {
    now.duration_since(UNIX_EPOCH).unwrap().as_secs() >= t.expires_at
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture() -> Token {
        // issued for the installation tests; valid "for a long time"
        Token { subject: "installation:4711".into(), expires_at: 1_793_491_200 }
    }

    #[test]
    fn fixture_token_is_accepted() {
        assert!(!is_expired(&fixture(), SystemTime::now()), "fixture token rejected as expired");
    }
}
"""
        },
        ["test", "--lib"],
    )
    assert out.code != 0 and any("rejected as expired" in ln for ln in out.lines), out
    ci(
        "fr-m-trap-cargo-test-fixture-token-expired-by-date",
        "cargo test: fixture_token_is_accepted fails 'fixture token rejected as expired'; the "
        "test's fixture token has a hard-coded expires_at of 1793491200 (2026-11-01) checked "
        "against SystemTime::now(), so the test broke with the calendar on a docs-only change",
        ["look-obvious", "misleading-name"],
        "rex",
        "rust_test",
        workflow="rust",
        job="test",
        steps=[*rust_setup(), failing(out, name="cargo test")],
        message="docs: installation token rotation",
        files=["docs/installation-tokens.md"],
    )

    # T8. the committed OpenAPI spec drifted from the Rust server's generator (rex)
    gen = """fn main() {
    let fields = [("id", "string"), ("agent", "string"), ("decidedAt", "string")];
    println!("{{");
    println!("  \\"openapi\\": \\"3.1.0\\",");
    println!("  \\"info\\": {{ \\"title\\": \\"healer\\", \\"version\\": \\"0.19.0\\" }},");
    println!("  \\"components\\": {{ \\"schemas\\": {{ \\"Decision\\": {{");
    println!("    \\"type\\": \\"object\\",");
    println!("    \\"properties\\": {{");
    for (i, (name, ty)) in fields.iter().enumerate() {
        let comma = if i + 1 < fields.len() { "," } else { "" };
        println!("      \\"{name}\\": {{ \\"type\\": \\"{ty}\\" }}{comma}");
    }
    println!("    }}");
    println!("  }} }} }}");
    println!("}}");
}
"""
    old_spec = (
        "{\n"
        '  "openapi": "3.1.0",\n'
        '  "info": { "title": "healer", "version": "0.19.0" },\n'
        '  "components": { "schemas": { "Decision": {\n'
        '    "type": "object",\n'
        '    "properties": {\n'
        '      "id": { "type": "string" },\n'
        '      "agent": { "type": "string" },\n'
        '      "createdAt": { "type": "string" }\n'
        "    }\n"
        "  } } }\n"
        "}\n"
    )
    path = real.crate("fr-m-openapi", {"src/bin/openapi.rs": gen, "openapi.json": old_spec})
    real.git(path, "init", "-q")
    (path / ".gitignore").write_text("target/\n")
    real.git(path, "add", "-A")
    real.git(path, "commit", "-qm", "initial")
    step = "cargo run -q --bin openapi > openapi.json\ngit diff --exit-code -- openapi.json"
    lines, code = real.run(
        ["bash", "-e", "-c", step], path, env={"CARGO_NET_OFFLINE": "true", "GIT_PAGER": "cat"}
    )
    assert code == 1 and any("decidedAt" in ln for ln in lines), lines
    ci(
        "fr-m-trap-git-diff-exit-code-openapi-spec-drift",
        "the 'OpenAPI spec is up to date' step exits 1 from git diff --exit-code: the Rust "
        "change renamed Decision.createdAt to decidedAt in the server's openapi generator "
        "without regenerating the committed openapi.json; git is only the check",
        ["look-obvious", "misleading-name"],
        "rex",
        "rust_build",
        workflow="api",
        job="openapi-drift",
        steps=[
            *rust_setup(),
            failing(real.Out(step, lines, code), name="OpenAPI spec is up to date"),
        ],
        message="refactor(api): call it decidedAt",
        files=["crates/healer-api/src/bin/openapi.rs", "crates/healer-api/src/decision.rs"],
    )


def traps_image() -> None:
    # T9. the Dockerfile's base image is below the package's engines (bolt)
    at(WEB)
    out = real.sh(
        "fr-m-docker-engines",
        {
            "package.json": _pkg(engines={"node": ">=22"}),
            "package-lock.json": json.dumps(
                {
                    "name": "console",
                    "version": "2.0.0",
                    "lockfileVersion": 3,
                    "requires": True,
                    "packages": {
                        "": {"name": "console", "version": "2.0.0", "engines": {"node": ">=22"}}
                    },
                }
            ),
            ".npmrc": "engine-strict=true\n",
        },
        "npm ci",
        "npm ci",
    )
    assert out.code != 0 and any("EBADENGINE" in ln for ln in out.lines), out
    dockerfile = (
        "FROM node:20.20-alpine AS build\n"
        "WORKDIR /app\n"
        "COPY package.json package-lock.json .npmrc ./\n"
        "RUN npm ci\n"
        "COPY . .\n"
        "RUN npm run build\n"
        "\n"
        "FROM nginx:1.27-alpine\n"
        "COPY --from=build /app/dist /usr/share/nginx/html\n"
    )
    bk = shapes.BuildKit("fr-m-bk-engines", dockerfile)
    bk.metadata()
    err = bk.run_until(4, [ln for ln in out.lines if ln.strip()], 1)
    assert err
    ci(
        "fr-m-trap-buildkit-npm-ci-ebadengine-after-base-image-downgrade",
        "the image build fails at 'RUN npm ci' with npm EBADENGINE (Required node >=22, "
        "Actual v20.20.2); package.json and .npmrc are unchanged, the change moved the "
        "Dockerfile's build stage from node:22-alpine to node:20.20-alpine",
        ["look-obvious", "misleading-name", "wrapper"],
        "bolt",
        "docker_build",
        workflow="images",
        job="build-console-image",
        repo=WEB,
        steps=[
            *buildx_setup(),
            buildx_step(bk.finish(err), err, "ghcr.io/5dlabs/console:sha-" + sha("m-bk")[:7]),
        ],
        message="chore(image): build on the Node LTS image",
        files=["Dockerfile"],
    )

    # T10. npm audit without a lockfile after the lockfile was untracked (blaze)
    out = real.sh(
        "fr-m-enolock",
        {"package.json": _pkg(dependencies={"zod": "^3.24.1"})},
        "npm audit --audit-level=high",
        "npm audit --audit-level=high",
    )
    assert out.code != 0 and any("ENOLOCK" in ln for ln in out.lines), out
    ci(
        "fr-m-trap-npm-audit-enolock-after-lockfile-untracked",
        "the audit job fails with npm ENOLOCK ('This command requires an existing lockfile'), "
        "not on any advisory: the change deleted package-lock.json and added it to "
        ".gitignore, so the console's dependencies are no longer locked",
        ["context-driven", "look-obvious", "misleading-name"],
        "blaze",
        "frontend_deps",
        workflow="supply-chain",
        job="npm-audit",
        repo=WEB,
        steps=[*node_setup(), failing(out, name="npm audit")],
        message="chore: stop committing package-lock.json",
        files=[".gitignore", "package-lock.json"],
    )


RUST_HTTP = """use std::io::{Read, Write};
use std::net::TcpStream;

/// A plain HTTP/1.1 GET; returns (status, body).
pub fn get(addr: &str, host: &str, path: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).expect("connect");
    write!(s, "GET {path} HTTP/1.1\\r\\nHost: {host}\\r\\nConnection: close\\r\\n\\r\\n").unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).unwrap();
    let status = raw.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    let body = raw.split("\\r\\n\\r\\n").nth(1).unwrap_or("").to_string();
    (status, body)
}
"""


def _argo(cid: str, app: str, path: str, sync: str, health: str, msg: str, **kw: str) -> dict:
    rev = sha(cid)
    return {
        "name": app,
        "sync_status": sync,
        "health_status": health,
        "message": msg,
        "revision": rev,
        "application": shapes.argo_application(
            app, NS, PLAT, path, rev, sync, health, phase="Failed", op_message=msg, **kw
        ),
    }


def traps_cluster() -> None:
    # T11. the staging version test fails; Argo CD could not sync the new CRD (bolt)
    at(REPO)
    with real.serve((200, '{"version":"0.18.3"}', "application/json")) as port:
        out = _cargo(
            "fr-m-argo-annotations",
            {
                "src/lib.rs": RUST_HTTP,
                "tests/staging.rs": """use healer::get;

#[test]
fn staging_runs_the_release_under_test() {
    let addr = std::env::var("STAGING_ADDR").unwrap();
    let want = std::env::var("EXPECTED_VERSION").unwrap();
    let (status, body) = get(&addr, "healer-api.healer-staging.svc", "/version");
    assert_eq!(status, 200);
    let got = body.trim().trim_start_matches("{\\"version\\":\\"").trim_end_matches("\\"}");
    assert_eq!(got, want, "staging does not run the release under test");
}
""",
            },
            ["test", "--test", "staging"],
            env={"STAGING_ADDR": f"127.0.0.1:{port}", "EXPECTED_VERSION": "0.19.0"},
        )
    assert out.code != 0 and any("release under test" in ln for ln in out.lines), out
    msg = (
        "one or more objects failed to apply, reason: CustomResourceDefinition.apiextensions."
        'k8s.io "healruns.healer.5dlabs.ai" is invalid: metadata.annotations: Too long: must '
        "have at most 262144 bytes"
    )
    argo = _argo(
        "fr-m-argo-annotations",
        "healer-staging",
        "charts/healer",
        "OutOfSync",
        "Healthy",
        msg,
    )
    ci(
        "fr-m-ctx-cargo-test-staging-version-argocd-crd-annotation-too-long",
        "the post-deploy Rust test sees staging still on 0.18.3 (expected 0.19.0); Argo CD "
        "shows healer-staging's sync failed: the chart's enlarged HealRun CRD exceeds the "
        "262144-byte last-applied annotation of client-side apply (needs ServerSideApply)",
        ["context-driven", "argocd", "look-obvious", "misleading-name"],
        "bolt",
        "argocd_sync",
        workflow="post-deploy",
        job="staging-version",
        steps=[
            *rust_setup(),
            failing(
                out,
                name="Staging runs this release",
                env={
                    "STAGING_ADDR": "healer-api.healer-staging.svc:8080",
                    "EXPECTED_VERSION": "0.19.0",
                },
            ),
        ],
        message="feat(crd): full OpenAPI schema for HealRun",
        files=["charts/healer/crds/healruns.yaml", "charts/healer/Chart.yaml"],
        self_hosted=True,
        extra={"argocd": [argo]},
    )

    # T12. the e2e latency test fails; the chart cut the CPU limit, Prometheus shows
    # throttling (bolt)
    at(WEB)
    took = iter([784, 846, 812])

    def slow(req):  # type: ignore[no-untyped-def]
        # the API reports its own handling time, as the console's API does in `took_ms`
        return 200, json.dumps({"runs": [], "took_ms": next(took)}), "application/json"

    with real.serve(slow) as port:
        path = real.node_project(
            "fr-m-cpu-throttle",
            {
                "e2e/latency.test.js": """import { expect, it } from "vitest";

it("keeps /api/runs p95 under 500 ms", async () => {
  const samples = [];
  for (let i = 0; i < 3; i++) {
    const res = await fetch(`${process.env.CONSOLE_URL}/api/runs?limit=50`);
    const { took_ms } = await res.json();
    samples.push(took_ms);
  }
  const p95 = Math.max(...samples);
  expect(p95).toBeLessThan(500);
});
""",
            },
        )
        lines, code = real.run(
            ["vitest", "run", "e2e/"], path, env={"CONSOLE_URL": f"http://127.0.0.1:{port}"}
        )
    assert code != 0 and any("expected 846 to be less than 500" in ln for ln in lines), lines
    q_thr = (
        'sum(rate(container_cpu_cfs_throttled_periods_total{namespace="console",'
        'container="console"}[5m])) / sum(rate(container_cpu_cfs_periods_total{'
        'namespace="console",container="console"}[5m]))'
    )
    q_alert = 'ALERTS{alertstate="firing",namespace="console"}'
    ts = 1764320400
    pods = ready_pods("fr-m-cpu-throttle", "console", "console", "ghcr.io/5dlabs/console:2.1.0")
    for pod in pods:
        pod["spec"]["containers"][0]["resources"]["limits"]["cpu"] = "100m"
    ci(
        "fr-m-ctx-vitest-latency-p95-cpu-throttled-after-limit-cut",
        "the e2e vitest latency check fails (expected 846 to be less than 500); the change cut "
        "the console's CPU limit to 100m in the chart values, and Prometheus shows 93% of CFS "
        "periods throttled with CPUThrottlingHigh firing; the code is unchanged",
        ["context-driven", "look-obvious", "misleading-name"],
        "bolt",
        "helm",
        workflow="console-e2e",
        job="latency",
        repo=WEB,
        steps=[
            *node_setup(),
            npm_ci_ok(),
            failing(
                real.Out("npx vitest run e2e/", lines, code),
                name="Latency budget",
                env={"CONSOLE_URL": "https://console.staging.5dlabs.ai"},
            ),
        ],
        message="chore(chart): right-size console resources",
        files=["charts/console/values.yaml"],
        extra={
            "prometheus": {
                q_thr: [{"metric": {}, "value": [ts, "0.9312"]}],
                q_alert: [
                    {
                        "metric": {
                            "alertname": "CPUThrottlingHigh",
                            "alertstate": "firing",
                            "namespace": "console",
                            "pod": pods[0]["metadata"]["name"],
                            "container": "console",
                            "severity": "info",
                        },
                        "value": [ts, "1"],
                    }
                ],
            },
            "kubernetes": {"pods": pods, "events": []},
        },
    )

    # T13. e2e: the runtime config has no apiUrl; the chart renamed the env var (bolt)
    body = 'window.__CONFIG__ = {"apiUrl":"","environment":"staging"};\n'
    with real.serve((200, body, "application/javascript")) as port:
        path = real.scratch(
            "fr-m-runtime-config",
            {
                "package.json": _pkg(),
                "e2e/config.test.js": """import { test } from "node:test";
import assert from "node:assert/strict";

test("runtime config points at the API", async () => {
  const res = await fetch(`${process.env.BASE_URL}/config.js`);
  const text = await res.text();
  const cfg = JSON.parse(text.replace(/^window\\.__CONFIG__ = /, "").replace(/;\\s*$/, ""));
  assert.match(cfg.apiUrl, /^https:\\/\\//, "runtime config has no apiUrl");
});
""",
            },
        )
        lines, code = real.run(
            ["node", "--test", "e2e/"], path, env={"BASE_URL": f"http://127.0.0.1:{port}"}
        )
    lines = [re.sub(r"duration_ms: [\d.]+", "duration_ms: 38.201774", ln) for ln in lines]
    assert code != 0 and any("no apiUrl" in ln for ln in lines), lines
    _created, first, _ = clock("fr-m-runtime-config")
    pods = ready_pods("fr-m-runtime-config", "console", "console", "ghcr.io/5dlabs/console:2.1.0")
    for pod in pods:
        pod["spec"]["containers"][0]["env"] = [
            {"name": "API_URL", "value": "https://api.staging.5dlabs.ai"},
            {"name": "ENVIRONMENT", "value": "staging"},
        ]
    loki = [
        f"{first} /docker-entrypoint.sh: Launching /docker-entrypoint.d/40-runtime-config.sh",
        f"{first} 40-runtime-config.sh: CONSOLE_API_URL is not set; writing an empty apiUrl "
        "to /usr/share/nginx/html/config.js",
        f"{first} /docker-entrypoint.sh: Configuration complete; ready for start up",
    ]
    ci(
        "fr-m-ctx-node-test-runtime-config-empty-api-url-chart-env-rename",
        "the e2e node --test check finds an empty apiUrl in /config.js; the console image "
        "reads CONSOLE_API_URL (Loki: 'CONSOLE_API_URL is not set'), but the change renamed "
        "the chart's env entry to API_URL (the pods show API_URL); the chart, not the "
        "frontend, broke the runtime config",
        ["context-driven", "look-obvious", "misleading-name"],
        "bolt",
        "helm",
        workflow="console-e2e",
        job="smoke",
        repo=WEB,
        steps=[
            *node_setup(),
            failing(
                real.Out("node --test e2e/", lines, code),
                name="Smoke",
                env={"BASE_URL": "https://console.staging.5dlabs.ai"},
            ),
        ],
        message="refactor(chart): shorter env names",
        files=["charts/console/values.yaml", "charts/console/templates/deployment.yaml"],
        extra={"kubernetes": {"pods": pods, "events": []}, "loki": loki},
    )

    # T14. the e2e Rust test gets 503; pods cannot exec a glibc binary on Alpine (bolt)
    at(REPO)
    from helpers import crashing

    with real.serve((503, "no healthy upstream")) as port:
        out = _cargo(
            "fr-m-alpine-glibc",
            {
                "src/lib.rs": RUST_HTTP,
                "tests/e2e.rs": """use healer::get;

#[test]
fn healthz_answers() {
    let addr = std::env::var("STAGING_ADDR").unwrap();
    let (status, body) = get(&addr, "healer.staging.5dlabs.ai", "/healthz");
    assert_eq!(status, 200, "GET /healthz answered {status}: {body}");
}
""",
            },
            ["test", "--test", "e2e"],
            env={"STAGING_ADDR": f"127.0.0.1:{port}"},
        )
    assert out.code != 0 and any("no healthy upstream" in ln for ln in out.lines), out
    ctx = crashing(
        "fr-m-alpine-glibc",
        NS,
        "healer-api",
        "ghcr.io/5dlabs/healer-api:0.19.0",
        255,
        ["exec /usr/local/bin/healer-api: no such file or directory"],
    )
    ci(
        "fr-m-ctx-cargo-test-e2e-503-glibc-binary-on-alpine-image",
        "the Rust e2e test gets 503 'no healthy upstream'; healer-api crash-loops with exit "
        "255 and 'exec /usr/local/bin/healer-api: no such file or directory': the change "
        "moved the Dockerfile's runtime stage to alpine:3.20 while the binary is built "
        "against glibc in rust:1.95-bookworm",
        ["context-driven", "look-obvious", "misleading-name"],
        "bolt",
        "docker_build",
        workflow="post-deploy",
        job="e2e",
        steps=[
            *rust_setup(),
            failing(out, name="E2E", env={"STAGING_ADDR": "healer.staging.5dlabs.ai:80"}),
        ],
        message="chore(image): smaller runtime image",
        files=["Dockerfile"],
        extra=ctx,
    )

    # T15. e2e 404 on index.html; the chart mounts a ConfigMap over the web root (bolt)
    at(WEB)
    with real.serve((404, "<html><body><h1>404 Not Found</h1></body></html>", "text/html")) as port:
        path = real.scratch(
            "fr-m-mount-shadow",
            {
                "package.json": _pkg(),
                "e2e/pages.test.js": """import { test } from "node:test";
import assert from "node:assert/strict";

for (const page of ["/", "/runs", "/settings"]) {
  test(`serves ${page}`, async () => {
    const res = await fetch(`${process.env.BASE_URL}${page}`);
    assert.equal(res.status, 200, `GET ${page} answered ${res.status}`);
  });
}
""",
            },
        )
        lines, code = real.run(
            ["node", "--test", "e2e/"], path, env={"BASE_URL": f"http://127.0.0.1:{port}"}
        )
    lines = [re.sub(r"duration_ms: [\d.]+", "duration_ms: 12.55013", ln) for ln in lines]
    assert code != 0 and any("answered 404" in ln for ln in lines), lines
    pods = ready_pods("fr-m-mount-shadow", "console", "console", "ghcr.io/5dlabs/console:2.1.0")
    for pod in pods:
        pod["spec"]["containers"][0]["volumeMounts"] = [
            {"name": "runtime-config", "mountPath": "/usr/share/nginx/html", "readOnly": True}
        ]
        pod["spec"]["volumes"] = [
            {"name": "runtime-config", "configMap": {"name": "console-runtime-config"}}
        ]
    ci(
        "fr-m-ctx-node-test-404-configmap-mounted-over-web-root",
        "the e2e node --test page checks get 404 for /, /runs and /settings; the pods show the "
        "console-runtime-config ConfigMap mounted at /usr/share/nginx/html without subPath, "
        "hiding the built pages behind config.js; the change moved the mount in the chart",
        ["context-driven", "look-obvious", "misleading-name"],
        "bolt",
        "helm",
        workflow="console-e2e",
        job="pages",
        repo=WEB,
        steps=[
            *node_setup(),
            failing(
                real.Out("node --test e2e/", lines, code),
                name="Pages",
                env={"BASE_URL": "https://console.staging.5dlabs.ai"},
            ),
        ],
        message="refactor(chart): mount runtime config with the static files",
        files=["charts/console/templates/deployment.yaml"],
        extra={"kubernetes": {"pods": pods, "events": []}},
    )


def build() -> None:
    obvious_code()
    obvious_rest()
    obvious_security()
    traps_workflow()
    traps_code()
    traps_image()
    traps_cluster()
