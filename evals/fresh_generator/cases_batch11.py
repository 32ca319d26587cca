"""Batch 11 of the fresh split (ids ``fr-k-``): what "obvious" really means.

- genuinely obvious failures: one clear error from one tool in the failing step, whose owner
  no competent engineer would doubt, across all five owners and tools and wordings not used
  before (rustc E0502 and E0384, clippy ``match_like_matches_macro``, a cargo test assertion, tsc
  TS7006, ESLint ``no-fallthrough``, a Vitest ``toContain``, Vite's import analysis on JSX in
  a ``.js`` file, hadolint DL3002, yamllint indentation in chart values, a kustomize JSON patch
  on a missing path, actionlint ``expression``, a rebase conflict, npm's EPRIVATE, an npm
  audit finding and GH013 push protection);
- look-obvious traps: the failing step shows one clear error line of a familiar kind, but the
  cause is another owner's and shows in the log's other lines, an earlier step, the changed
  files or the context (a timezone, a read-only directory, a port held by a service container,
  a removed service container, a low open-file limit, a missing rustup target, a file a
  workflow step wrote, a Dockerfile ARG, a kustomize overlay a Rust test reads, a Rust type
  exporter writing TypeScript, a release script's ``sed`` on Cargo.toml and Chart.yaml, an
  npm mirror without an audit endpoint, a Vite ``outDir`` a configMapGenerator reads, a CRD a
  Rust generator prints, a pre-commit hook running ESLint under ``git commit``).

Every tool runs for real (cargo/rustc/clippy, node, npm, tsc, eslint, vitest, prettier,
hadolint, yamllint, kubectl kustomize, actionlint, git, sed) against local files, local
repositories or 127.0.0.1 servers."""

from __future__ import annotations

import json
import re
import socket

import fcommon
import real
import shapes
from fcommon import at, ci, failing, node_setup, npm_ci_ok, passing, rust_setup, sha
from gha import run, uses
from helpers import buildx_setup, buildx_step

REPO = "5dlabs/healer"
WEB = "5dlabs/console"
PLAT = "5dlabs/platform"
MONO = "5dlabs/cto"


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


# ------------------------------------------------------------------ obvious


def obvious() -> None:
    # 1. rustc E0502 (rex)
    at(REPO)
    out = _cargo(
        "fr-k-e0502",
        {
            "src/lib.rs": """pub struct Queue {
    items: Vec<String>,
}

impl Queue {
    pub fn drain_done(&mut self) -> usize {
        let first = &self.items[0];
        self.items.retain(|i| i != "done");
        first.len()
    }
}
"""
        },
        ["build"],
    )
    assert out.code != 0 and any("E0502" in ln for ln in out.lines), out
    ci(
        "fr-k-obvious-rustc-e0502-retain-while-borrowed",
        "rustc E0502: Queue::drain_done calls self.items.retain while `first` still borrows "
        "self.items immutably",
        ["obvious"],
        "rex",
        "rust_build",
        workflow="rust",
        job="build",
        steps=[*rust_setup(), failing(out, name="cargo build")],
        message="feat(queue): drop finished items",
        files=["src/lib.rs"],
    )

    # 2. rustc E0384 (rex)
    out = _cargo(
        "fr-k-e0384",
        {
            "src/lib.rs": """pub fn backoff_ms(attempt: u32, cap_ms: u64) -> u64 {
    let delay = 250u64;
    for _ in 0..attempt.min(16) {
        delay *= 2;
    }
    delay.min(cap_ms)
}
"""
        },
        ["check"],
    )
    assert out.code != 0 and any("E0384" in ln for ln in out.lines), out
    ci(
        "fr-k-obvious-rustc-e0384-backoff-delay-not-mut",
        "rustc E0384: backoff_ms doubles `delay` in a loop but declares it without `mut` "
        "(cannot assign twice to immutable variable)",
        ["obvious"],
        "rex",
        "rust_build",
        workflow="pr-gate",
        job="check",
        steps=[*rust_setup(), failing(out, name="cargo check")],
        message="feat(retry): exponential backoff with a cap",
        files=["src/lib.rs"],
        event="workflow_run",
    )

    # 3. clippy match_like_matches_macro (rex)
    out = _cargo(
        "fr-k-clippy-matches",
        {
            "src/lib.rs": """/// Whether a job conclusion should page someone.
pub fn pages(conclusion: &str) -> bool {
    match conclusion {
        "failure" | "timed_out" => true,
        _ => false,
    }
}
"""
        },
        ["clippy", "--", "-D", "warnings"],
    )
    assert out.code != 0 and any("match_like_matches_macro" in ln for ln in out.lines), out
    ci(
        "fr-k-obvious-clippy-match-like-matches-macro",
        "cargo clippy -D warnings fails on clippy::match_like_matches_macro in pages(): a "
        'match returning true/false that should be `matches!(conclusion, "failure" | '
        '"timed_out")`',
        ["obvious"],
        "rex",
        "rust_clippy",
        workflow="rust",
        job="clippy",
        steps=[*rust_setup(), failing(out, name="Clippy")],
        message="feat(notify): page on timed-out jobs too",
        files=["src/lib.rs"],
    )

    # 4. cargo test assertion (rex)
    out = _cargo(
        "fr-k-cargo-test",
        {
            "src/lib.rs": """/// Splits `owner/name` into its parts.
pub fn split_repo(full: &str) -> Option<(&str, &str)> {
    let mut it = full.splitn(2, '/');
    Some((it.next()?, it.next().unwrap_or("")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_owner_and_name() {
        assert_eq!(split_repo("5dlabs/healer"), Some(("5dlabs", "healer")));
    }

    #[test]
    fn rejects_bare_names() {
        assert_eq!(split_repo("healer"), None);
    }
}
"""
        },
        ["test", "--lib"],
    )
    assert out.code != 0 and any("rejects_bare_names" in ln for ln in out.lines), out
    ci(
        "fr-k-obvious-cargo-test-split-repo-accepts-bare-name",
        'cargo test: rejects_bare_names fails, split_repo("healer") returns Some(("healer", '
        '"")) instead of None',
        ["obvious"],
        "rex",
        "rust_test",
        workflow="verify",
        job="unit",
        steps=[*rust_setup(), failing(out, name="Unit tests")],
        message="refactor(github): parse repository names in one place",
        files=["src/lib.rs"],
    )

    # 5. tsc TS7006 (blaze)
    at(WEB)
    out = real.tsc(
        "fr-k-ts7006",
        {
            "src/sort.ts": """export interface Run { id: string; startedAt: number }

export function newestFirst(runs: Run[]): Run[] {
  return [...runs].sort(byStart);
}

function byStart(a, b) {
  return b.startedAt - a.startedAt;
}
"""
        },
    )
    assert out.code != 0 and any("TS7006" in ln for ln in out.lines), out
    ci(
        "fr-k-obvious-tsc-ts7006-implicit-any-comparator",
        "tsc TS7006: the comparator byStart(a, b) in src/sort.ts has parameters that "
        "implicitly have an 'any' type under strict mode",
        ["obvious"],
        "blaze",
        "frontend_typecheck",
        workflow="console-ci",
        job="types",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Type check")],
        message="feat(runs): newest runs first",
        files=["src/sort.ts"],
    )

    # 6. ESLint no-fallthrough (blaze)
    out = real.eslint(
        "fr-k-fallthrough",
        {
            "src/badge.js": """export function badgeColor(state) {
  let color = "grey";
  switch (state) {
    case "success":
      color = "green";
    case "failure":
      color = "red";
      break;
    default:
      color = "grey";
  }
  return color;
}
"""
        },
    )
    assert out.code != 0 and any("no-fallthrough" in ln for ln in out.lines), out
    ci(
        "fr-k-obvious-eslint-no-fallthrough-badge-switch",
        'ESLint no-fallthrough: case "success" in src/badge.js falls through to "failure" '
        "without a break",
        ["obvious"],
        "blaze",
        "frontend_lint",
        workflow="console-ci",
        job="eslint",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="ESLint")],
        message="feat(ui): colour run badges",
        files=["src/badge.js"],
        event="workflow_run",
    )

    # 7. vitest toContain (blaze)
    out = real.vitest(
        "fr-k-vitest-contain",
        {
            "src/tags.js": """export function tagsFor(run) {
  const tags = [];
  if (run.attempt > 1) tags.push("retry");
  if (run.durationMs > 600000) tags.push("slow");
  return tags;
}
""",
            "src/tags.test.js": """import { describe, expect, it } from "vitest";
import { tagsFor } from "./tags.js";

describe("tagsFor", () => {
  it("marks a ten-minute run as slow", () => {
    expect(tagsFor({ attempt: 1, durationMs: 600000 })).toContain("slow");
  });
});
""",
        },
    )
    assert out.code != 0 and any("toContain" in ln or "to include" in ln for ln in out.lines), out
    ci(
        "fr-k-obvious-vitest-tocontain-slow-boundary",
        "vitest: tagsFor marks runs slow only above 600000 ms, so the ten-minute test's "
        'expect(...).toContain("slow") fails on an empty array',
        ["obvious"],
        "blaze",
        "frontend_test",
        workflow="console-ci",
        job="test",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Unit tests")],
        message="feat(runs): tag slow runs",
        files=["src/tags.js", "src/tags.test.js"],
    )

    # 8. Vite import analysis on JSX in a .js file (blaze)
    out = real.vite_build(
        "fr-k-vite-jsx",
        {
            "src/main.js": 'import { banner } from "./banner.js";\ndocument.body.append(banner());\n',
            "src/banner.js": 'export function banner() {\n  return <div className="banner">Healer</div>;\n}\n',
        },
    )
    assert out.code != 0, out
    ci(
        "fr-k-obvious-vite-build-jsx-in-js-file",
        "vite build fails in import analysis: src/banner.js contains JSX but has a .js "
        "extension, so Vite cannot parse it",
        ["obvious"],
        "blaze",
        "frontend_build",
        workflow="console-ci",
        job="bundle",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Build")],
        message="feat(ui): add a banner",
        files=["src/banner.js", "src/main.js"],
    )

    # 9. hadolint DL3002 (bolt)
    at(PLAT)
    out = real.hadolint(
        "fr-k-dl3002",
        "FROM debian:12.8-slim\nUSER 10001\nCOPY --chown=10001 healer /usr/local/bin/healer\n"
        "USER root\n"
        'ENTRYPOINT ["/usr/local/bin/healer"]\n',
        where="images/healer/Dockerfile",
    )
    assert out.code != 0 and any("DL3002" in ln for ln in out.lines), out
    ci(
        "fr-k-obvious-hadolint-dl3002-last-user-root",
        "hadolint DL3002: images/healer/Dockerfile switches back to USER root as its last user",
        ["obvious"],
        "bolt",
        "docker_build",
        workflow="images",
        job="dockerfile-lint",
        repo=PLAT,
        steps=[failing(out, name="hadolint")],
        message="chore(image): run healer as root to read host sockets",
        files=["images/healer/Dockerfile"],
    )

    # 10. yamllint indentation on chart values (bolt)
    out = real.yamllint(
        "fr-k-yamllint-indent",
        {
            "charts/healer/values.yaml": (
                "replicaCount: 2\n"
                "resources:\n"
                "  limits:\n"
                "    memory: 512Mi\n"
                "  requests:\n"
                "     cpu: 100m\n"
                "     memory: 256Mi\n"
            )
        },
        ["charts/healer/values.yaml"],
        config="extends: default\nrules:\n  document-start: disable\n",
    )
    assert out.code != 0 and any("indentation" in ln for ln in out.lines), out
    ci(
        "fr-k-obvious-yamllint-chart-values-indentation",
        "yamllint: charts/healer/values.yaml indents resources.requests with 5 spaces instead "
        "of 4 (wrong indentation)",
        ["obvious", "yaml-owner"],
        "bolt",
        "yaml_config",
        workflow="charts",
        job="lint-values",
        repo=PLAT,
        steps=[failing(out, name="yamllint")],
        message="chore(chart): set requests",
        files=["charts/healer/values.yaml"],
    )

    # 11. kustomize JSON patch on a missing path (bolt)
    out = real.kubectl(
        "fr-k-kustomize-json6902",
        {
            "deploy/base/kustomization.yaml": "resources:\n  - deployment.yaml\n",
            "deploy/base/deployment.yaml": (
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: healer\nspec:\n"
                "  selector:\n    matchLabels: {app: healer}\n  template:\n    metadata:\n"
                "      labels: {app: healer}\n    spec:\n      containers:\n        - name: healer\n"
                "          image: ghcr.io/5dlabs/healer:0.18.0\n"
            ),
            "deploy/overlays/prod/kustomization.yaml": (
                "resources:\n  - ../../base\npatches:\n  - target:\n      kind: Deployment\n"
                "      name: healer\n    patch: |-\n      - op: replace\n"
                "        path: /spec/template/spec/containers/1/image\n"
                "        value: ghcr.io/5dlabs/healer-sidecar:0.4.0\n"
            ),
        },
        ["kustomize", "deploy/overlays/prod"],
    )
    assert out.code != 0, out
    ci(
        "fr-k-obvious-kustomize-json-patch-missing-container-index",
        "kubectl kustomize fails: the prod overlay's JSON patch replaces "
        "/spec/template/spec/containers/1/image but the Deployment has one container",
        ["obvious"],
        "bolt",
        "k8s_manifest",
        workflow="manifests",
        job="render-prod",
        repo=PLAT,
        steps=[failing(out, name="Render prod overlay")],
        message="feat(prod): pin the sidecar image",
        files=["deploy/overlays/prod/kustomization.yaml"],
    )

    # 12. actionlint expression (atlas)
    at(REPO)
    out = real.actionlint(
        "fr-k-actionlint-expr",
        {
            "preview.yml": """name: preview
on:
  pull_request:
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - id: version
        run: echo "tag=pr-${{ github.event.number }}" >> "$GITHUB_OUTPUT"
      - run: ./scripts/preview.sh "${{ steps.versoin.outputs.tag }}"
""",
        },
    )
    assert out.code != 0 and any("expression" in ln for ln in out.lines), out
    ci(
        "fr-k-obvious-actionlint-expression-misspelt-step-id",
        "actionlint [expression]: .github/workflows/preview.yml reads "
        "steps.versoin.outputs.tag, but the step's id is 'version'",
        ["obvious"],
        "atlas",
        "workflow_syntax",
        workflow="workflow-lint",
        job="actionlint",
        steps=[failing(out, name="actionlint")],
        message="ci(preview): tag preview deployments by PR",
        files=[".github/workflows/preview.yml"],
    )

    # 13. rebase conflict on CHANGELOG.md (atlas)
    path = real.scratch("fr-k-rebase", {})
    origin = path / "origin"
    real.new_repo(origin, {"CHANGELOG.md": "# Changelog\n\n## Unreleased\n\n- first entry\n"})
    real.git(origin, "checkout", "-qb", "feat/retries")
    real.commit_all(
        origin,
        {"CHANGELOG.md": "# Changelog\n\n## Unreleased\n\n- retry failed pushes\n- first entry\n"},
        "docs: changelog for retries",
    )
    real.git(origin, "checkout", "-q", "main")
    real.commit_all(
        origin,
        {"CHANGELOG.md": "# Changelog\n\n## Unreleased\n\n- label slow runs\n- first entry\n"},
        "docs: changelog for slow runs",
    )
    work = path / "work"
    real.git(path, "clone", "-q", "-b", "feat/retries", str(origin), "work")
    lines, code = real.git(work, "rebase", "origin/main")
    lines = [ln for ln in lines if not ln.startswith("hint:")]
    assert code != 0 and any("CONFLICT" in ln for ln in lines), lines
    ci(
        "fr-k-obvious-git-rebase-conflict-changelog",
        "git rebase origin/main stops on a content conflict in CHANGELOG.md: both branches "
        "added an Unreleased entry at the same place",
        ["obvious"],
        "atlas",
        "merge_conflict",
        workflow="keep-rebased",
        job="rebase",
        steps=[
            run("git fetch origin main", [], name="Fetch main"),
            failing(real.Out("git rebase origin/main", lines, code), name="Rebase onto main"),
        ],
        message="docs: changelog for retries",
        files=["CHANGELOG.md"],
        branch="feat/retries",
    )

    # 14. npm publish EPRIVATE (atlas)
    at(WEB)
    out = real.sh(
        "fr-k-eprivate",
        {
            "package.json": json.dumps(
                {
                    "name": "@5dlabs/console-sdk",
                    "version": "2.1.0",
                    "private": True,
                    "main": "index.js",
                },
                indent=2,
            )
            + "\n",
            "index.js": "export const version = '2.1.0';\n",
            ".npmrc": "registry=http://127.0.0.1:9/\n//127.0.0.1:9/:_authToken=${NODE_AUTH_TOKEN}\n",
        },
        "npm publish --access public",
        "npm publish --access public",
        env={"NODE_AUTH_TOKEN": "npm_fake"},
        hosts={"http://127.0.0.1:9/": "https://registry.npmjs.org/"},
    )
    assert out.code != 0 and any("private" in ln.lower() for ln in out.lines), out
    ci(
        "fr-k-obvious-npm-publish-eprivate",
        'npm publish refuses: @5dlabs/console-sdk is marked "private": true in package.json',
        ["obvious"],
        "atlas",
        "release_publish",
        workflow="release",
        job="publish-sdk",
        repo=WEB,
        steps=[
            *node_setup(),
            npm_ci_ok(),
            failing(out, name="Publish", env={"NODE_AUTH_TOKEN": "***"}),
        ],
        message="chore(release): console-sdk 2.1.0",
        files=["package.json"],
        branch="main",
        event="workflow_run",
    )

    # 15. npm audit finding (cipher)
    lock = {
        "name": "console",
        "version": "2.0.0",
        "lockfileVersion": 3,
        "requires": True,
        "packages": {
            "": {"name": "console", "version": "2.0.0", "dependencies": {"braces": "3.0.2"}},
            "node_modules/braces": {
                "version": "3.0.2",
                "resolved": "https://registry.npmjs.org/braces/-/braces-3.0.2.tgz",
                "license": "MIT",
            },
        },
    }
    adv = {
        "braces": [
            {
                "id": 1098094,
                "url": "https://github.com/advisories/GHSA-grv7-fg5c-xmjg",
                "title": "Uncontrolled resource consumption in braces",
                "severity": "high",
                "vulnerable_versions": "<3.0.3",
                "cwe": ["CWE-400", "CWE-1050"],
                "cvss": {
                    "score": 7.5,
                    "vectorString": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H",
                },
            }
        ]
    }
    pack = {
        "name": "braces",
        "dist-tags": {"latest": "3.0.3"},
        "versions": {
            v: {
                "name": "braces",
                "version": v,
                "dist": {"tarball": f"https://registry.npmjs.org/braces/-/braces-{v}.tgz"},
            }
            for v in ("3.0.2", "3.0.3")
        },
    }

    def registry(req):  # type: ignore[no-untyped-def]
        if "advisories/bulk" in req.path:
            return 200, json.dumps(adv), "application/json"
        if req.path.rstrip("/").endswith("/braces"):
            return 200, json.dumps(pack), "application/json"
        return 404, "{}", "application/json"

    with real.serve(registry) as port:
        out = real.sh(
            "fr-k-npm-audit",
            {
                "package.json": _pkg(dependencies={"braces": "3.0.2"}),
                "package-lock.json": json.dumps(lock, indent=2) + "\n",
            },
            f"npm audit --omit=dev --audit-level=high --registry http://127.0.0.1:{port}/",
            "npm audit --omit=dev --audit-level=high",
            hosts={f"http://127.0.0.1:{port}/": "https://registry.npmjs.org/"},
        )
    assert out.code != 0 and any("GHSA-grv7-fg5c-xmjg" in ln for ln in out.lines), out
    ci(
        "fr-k-obvious-npm-audit-braces-resource-consumption",
        "npm audit --audit-level=high fails: braces 3.0.2 is affected by GHSA-grv7-fg5c-xmjg "
        "(uncontrolled resource consumption, fixed in 3.0.3)",
        ["obvious", "audit", "security"],
        "cipher",
        "vulnerable_dependency",
        workflow="supply-chain",
        job="audit",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="npm audit")],
        message="feat(search): expand brace patterns in run filters",
        files=["package.json", "package-lock.json"],
    )

    # 16. GH013 push protection: a SendGrid key (cipher)
    from cases_batch5 import _push_rejected

    at(MONO)
    commit = sha("fr-k-gh013-sendgrid")
    out = _push_rejected(
        "fr-k-gh013-sendgrid",
        MONO,
        [
            "error: GH013: Repository rule violations found for refs/heads/feat/sendgrid-digests.",
            "",
            "- GITHUB PUSH PROTECTION",
            "  —————————————————————————————————————————",
            "    Resolve the following violations before pushing again",
            "",
            "    - Push cannot contain secrets",
            "",
            "",
            "      —— SendGrid API Key ——————————————————————————————————",
            "       locations:",
            f"         - commit: {commit}",
            "           path: services/mailer/config/sendgrid.toml:4",
            "",
            "       (?) To push, remove secret from commit(s) or follow this URL to allow the secret.",
            "       https://github.com/5dlabs/cto/security/secret-scanning/unblock-secret/"
            "2xQ7mKd1Va9Tz3Jp6Wc4Rn8Lb0Fe",
            "",
        ],
        "push declined due to repository rule violations",
        ref="feat/sendgrid-digests",
    )
    assert out.code != 0, out
    ci(
        "fr-k-obvious-gh013-sendgrid-key-in-mailer-config",
        "push protection blocks the push (GH013): a SendGrid API key committed in "
        "services/mailer/config/sendgrid.toml",
        ["obvious", "security"],
        "cipher",
        "secret_scanning_alert",
        workflow="mirror-branch",
        job="push-mirror",
        repo=MONO,
        steps=[failing(out, name="Push branch")],
        message="feat(mailer): send digests through SendGrid",
        files=["services/mailer/config/sendgrid.toml", "services/mailer/src/send.rs"],
        branch="feat/sendgrid-digests",
    )


# ------------------------------------------------------------------ look-obvious traps


def _hold_port() -> tuple[socket.socket, int]:
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(4)
    return s, int(s.getsockname()[1])


def traps_env() -> None:
    # T1. vitest hour assertion fails under TZ the workflow set (atlas)
    at(WEB)
    files = {
        "src/hours.js": """export function hourBucket(iso) {
  return new Date(iso).getHours();
}
""",
        "src/hours.test.js": """import { expect, it } from "vitest";
import { hourBucket } from "./hours.js";

it("buckets a 09:30 UTC run into hour 9", () => {
  expect(hourBucket("2026-11-02T09:30:00Z")).toBe(9);
});
""",
    }
    path = real.node_project("fr-k-tz", files)
    lines, code = real.run(["vitest", "run"], path, env={"TZ": "Asia/Kolkata"})
    assert code != 0 and any("Expected" in ln for ln in lines), lines
    ci(
        "fr-k-trap-vitest-hour-bucket-under-workflow-tz",
        "vitest expects hour 9 and gets 15: the change set TZ: Asia/Kolkata in the workflow's "
        "test step, so getHours() runs in UTC+5:30; the code and test are unchanged, the "
        "workflow environment is the cause",
        ["context-driven", "misleading-name"],
        "atlas",
        "general",
        workflow="console-ci",
        job="unit-tests",
        repo=WEB,
        steps=[
            *node_setup(),
            npm_ci_ok(),
            failing(
                real.Out("npx vitest run", lines, code),
                name="Unit tests",
                env={"TZ": "Asia/Kolkata"},
            ),
        ],
        message="ci: run the test suite in the support team's timezone",
        files=[".github/workflows/console-ci.yml"],
        pr=fcommon.pr_of("fr-k-tz", "ci: run the test suite in the support team's timezone"),
    )

    # T2. a permission test passes for a normal user, fails as root in a container (atlas)
    at(REPO)
    out = _cargo(
        "fr-k-root",
        {
            "src/lib.rs": """use std::path::Path;

/// Writes the run report; fails if the output file is read-only.
pub fn write_report(path: &Path, body: &str) -> std::io::Result<()> {
    std::fs::write(path, body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn refuses_read_only_output() {
        let dir = std::env::temp_dir().join("healer-report-ro");
        let _ = std::fs::create_dir_all(&dir);
        let file = dir.join("report.txt");
        std::fs::write(&file, "old").unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o444)).unwrap();
        let res = write_report(&file, "new");
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(res.is_err(), "writing a read-only report should fail");
    }
}
"""
        },
        ["test", "--lib"],
    )
    assert out.code != 0 and any("refuses_read_only_output" in ln for ln in out.lines), out
    ci(
        "fr-k-trap-cargo-test-read-only-check-as-root-in-container",
        "cargo test: refuses_read_only_output expects writing a 0444 file to fail, but the "
        "change moved the job into container rust:1.95-bookworm, which runs as root and "
        "ignores file modes; the workflow's container, not the Rust code, broke the test",
        ["context-driven", "misleading-name"],
        "atlas",
        "general",
        workflow="rust",
        job="test",
        steps=[
            run(
                "id -u && rustc --version",
                ["0", "rustc 1.95.0 (59807616e 2026-04-14)"],
                name="Toolchain info",
            ),
            failing(out, name="cargo test"),
        ],
        message="ci: run Rust jobs in the rust:1.95-bookworm container",
        files=[".github/workflows/rust.yml"],
    )

    # T3. EADDRINUSE: a service container the workflow added holds port 8080 (atlas)
    at(WEB)
    held, port = _hold_port()
    try:
        out = real.sh(
            "fr-k-eaddrinuse",
            {
                "package.json": _pkg(),
                "server.js": """import http from "node:http";
export function start(port) {
  return new Promise((resolve, reject) => {
    const srv = http.createServer((req, res) => res.end("ok"));
    srv.once("error", reject);
    srv.listen(port, "127.0.0.1", () => resolve(srv));
  });
}
""",
                "test/server.test.js": f"""import {{ test }} from "node:test";
import assert from "node:assert/strict";
import {{ start }} from "../server.js";

test("serves /healthz", async () => {{
  const srv = await start(Number(process.env.PORT ?? {port}));
  const res = await fetch(`http://127.0.0.1:${{srv.address().port}}/healthz`);
  assert.equal(await res.text(), "ok");
  srv.close();
}});
""",
            },
            "node --test test/",
            "node --test test/",
            hosts={str(port): "8080"},
        )
    finally:
        held.close()
    out = real.Out(
        out.command,
        [re.sub(r"duration_ms: [\d.]+", "duration_ms: 4.182731", ln) for ln in out.lines],
        out.code,
    )
    assert out.code != 0 and any("EADDRINUSE" in ln for ln in out.lines), out
    cid = "fr-k-trap-node-test-eaddrinuse-service-container-on-8080"
    ci(
        cid,
        "node --test fails with EADDRINUSE 127.0.0.1:8080: the change added a wiremock "
        "service container to the job mapped to host port 8080, the port the test server "
        "binds; the workflow's service mapping, not the server code, is the cause",
        ["context-driven", "misleading-name"],
        "atlas",
        "general",
        workflow="console-ci",
        job="integration",
        repo=WEB,
        steps=[
            *node_setup(),
            npm_ci_ok(),
            run(
                "docker ps --format '{{.Image}} {{.Ports}}'",
                ["wiremock/wiremock:3.9.1 0.0.0.0:8080->8080/tcp, :::8080->8080/tcp"],
                name="Show service containers",
            ),
            failing(out, name="Integration tests"),
        ],
        message="ci: stub the billing API with wiremock in integration tests",
        files=[".github/workflows/console-ci.yml", "test/stubs/billing.json"],
    )

    # T4. the postgres service container was removed from the workflow (atlas)
    at(REPO)
    closed = real.free_port()
    out = _cargo(
        "fr-k-no-pg",
        {
            "src/lib.rs": 'pub fn dsn() -> String {\n    std::env::var("DATABASE_URL").unwrap()\n}\n',
            "tests/store.rs": f"""use std::net::TcpStream;

#[test]
fn store_round_trip() {{
    let conn = TcpStream::connect("127.0.0.1:{closed}").expect("connect to postgres");
    drop(conn);
}}
""",
        },
        ["test", "--test", "store"],
    )
    out = real.Out(out.command, [ln.replace(str(closed), "5432") for ln in out.lines], out.code)
    assert out.code != 0 and any("Connection refused" in ln for ln in out.lines), out
    ci(
        "fr-k-trap-cargo-test-postgres-refused-service-removed",
        "cargo test: store_round_trip panics 'connect to postgres: Connection refused' on "
        "127.0.0.1:5432; the change deleted the job's postgres service container as unused, "
        "so nothing listens there (workflow change, not Rust code)",
        ["context-driven", "misleading-name"],
        "atlas",
        "general",
        workflow="rust",
        job="integration",
        steps=[
            *rust_setup(),
            failing(
                out,
                name="Integration tests",
                env={"DATABASE_URL": "postgres://healer:***@127.0.0.1:5432/healer"},
            ),
        ],
        message="ci: drop service containers nobody uses",
        files=[".github/workflows/rust.yml"],
        pr=fcommon.pr_of(
            "fr-k-no-pg",
            "ci: drop service containers nobody uses",
            "The redis and postgres services look unused; removing them speeds "
            "up job start by ~20s.",
        ),
    )

    # T5. too many open files on a self-hosted runner with a low limit (atlas)
    src = """use std::fs::File;

pub fn open_all(dir: &std::path::Path, n: usize) -> std::io::Result<Vec<File>> {
    (0..n).map(|i| File::create(dir.join(format!("shard-{i}.idx")))).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn opens_every_shard() {
        let dir = std::env::temp_dir().join("healer-shards");
        std::fs::create_dir_all(&dir).unwrap();
        let files = super::open_all(&dir, 300).expect("open shards");
        assert_eq!(files.len(), 300);
    }
}
"""
    path = real.crate("fr-k-ulimit", {"src/lib.rs": src})
    built, code = real.run(
        ["cargo", "test", "--lib", "--no-run", "-q"], path, env={"CARGO_NET_OFFLINE": "true"}
    )
    assert code == 0, built
    lines, code = real.run(
        "ulimit -n 256 && cargo test --lib", path, env={"CARGO_NET_OFFLINE": "true"}
    )
    assert code != 0 and any("Too many open files" in ln for ln in lines), lines
    ci(
        "fr-k-trap-cargo-test-emfile-self-hosted-nofile-256",
        "cargo test: opens_every_shard fails with 'Too many open files (os error 24)'; the "
        "runner diagnostics show the self-hosted runner's open-file limit is 256 (hosted "
        "runners allow 65536) and the change touched only docs: runner configuration",
        ["context-driven", "platform", "misleading-name"],
        "atlas",
        "general",
        workflow="rust",
        job="test-arm64",
        steps=[
            run("ulimit -n && nproc", ["256", "4"], name="Runner diagnostics"),
            *rust_setup(),
            failing(real.Out("cargo test --lib", lines, code), name="cargo test"),
        ],
        message="docs: explain the shard layout",
        files=["docs/index-shards.md"],
        runner="arm64-builder-03",
        self_hosted=True,
    )

    # T6. missing rustup target: E0463 can't find crate for core (atlas)
    out = _cargo(
        "fr-k-wasm",
        {
            "src/lib.rs": "pub fn score(x: u32) -> u32 {\n    x * 2\n}\n",
            "Cargo.toml": real.cargo_toml(
                "healer-score", extra='\n[lib]\ncrate-type = ["cdylib", "rlib"]\n'
            ),
        },
        ["build", "--release", "--target", "wasm32-unknown-unknown"],
        package="healer-score",
    )
    assert out.code != 0 and any("E0463" in ln for ln in out.lines), out
    ci(
        "fr-k-trap-rustc-e0463-core-wasm-target-not-installed",
        "rustc E0463 can't find crate for `core`: the new wasm job builds for "
        "wasm32-unknown-unknown but its toolchain step installs no targets; the "
        "workflow's setup, not the crate, is missing something",
        ["context-driven", "misleading-name"],
        "atlas",
        "general",
        workflow="wasm",
        job="build-wasm",
        steps=[
            uses(
                "dtolnay/rust-toolchain@stable",
                {"toolchain": "stable"},
                [
                    "info: syncing channel updates for 'stable-x86_64-unknown-linux-gnu'",
                    "  stable-x86_64-unknown-linux-gnu unchanged - rustc 1.95.0 (59807616e 2026-04-14)",
                ],
            ),
            failing(out, name="Build wasm"),
        ],
        message="ci: build the scoring crate for the browser",
        files=[".github/workflows/wasm.yml"],
    )


def traps_files() -> None:
    # T7. prettier flags a file an earlier workflow step wrote (atlas)
    at(WEB)
    path = real.node_project(
        "fr-k-prettier-gen",
        {
            "src/app.js": 'export const title = "Console";\n',
            ".prettierrc.json": '{ "singleQuote": false }\n',
        },
    )
    gen_cmd = (
        "echo \"export const BUILD = {sha: '$GITHUB_SHA', ref: '$GITHUB_REF_NAME'}\" "
        "> src/build-info.js"
    )
    gsha = sha("fr-k-prettier-gen")
    glines, gcode = real.run(gen_cmd, path, env={"GITHUB_SHA": gsha, "GITHUB_REF_NAME": "main"})
    assert gcode == 0, glines
    lines, code = real.run(["prettier", "--check", "src"], path)
    assert code != 0 and any("build-info.js" in ln for ln in lines), lines
    ci(
        "fr-k-trap-prettier-check-on-build-info-written-by-workflow",
        "prettier --check fails on src/build-info.js only; that file is not in the repository, "
        "the workflow's new 'Stamp build info' step writes it with echo just before the format "
        "check (step order in the workflow)",
        ["context-driven", "misleading-name"],
        "atlas",
        "general",
        workflow="console-ci",
        job="format",
        repo=WEB,
        steps=[
            *node_setup(),
            npm_ci_ok(),
            run(gen_cmd, glines, name="Stamp build info"),
            failing(real.Out("npx prettier --check src", lines, code), name="Prettier"),
        ],
        message="ci: stamp the build sha into the bundle",
        files=[".github/workflows/console-ci.yml"],
    )

    # T8. vite config rejects the API URL a Dockerfile ARG default supplies (bolt)
    at(WEB)
    vite_cfg = """import { defineConfig } from "vite";

const api = process.env.VITE_API_URL ?? "";
if (!/^https?:\\/\\//.test(api)) {
  throw new Error(`VITE_API_URL must be an absolute http(s) URL, got "${api}"`);
}

export default defineConfig({ define: { __API__: JSON.stringify(api) } });
"""
    p = real.node_project(
        "fr-k-vite-arg",
        {
            "index.html": '<script type="module" src="/src/main.js"></script>\n',
            "src/main.js": "console.log(__API__);\n",
            "vite.config.js": vite_cfg,
        },
        {"build": "vite build"},
    )
    lines, code = real.run(
        ["npm", "run", "build"],
        p,
        env={"VITE_API_URL": "api.5dlabs.ai/v1"},
        keep=lambda ln: ".npm/_logs" not in ln and "A complete log" not in ln,
    )
    assert code != 0 and any("VITE_API_URL" in ln for ln in lines), lines
    lines = [
        re.sub(
            r"\.timestamp-\d+-[0-9a-f]+\.mjs",
            ".timestamp-1795938547918-78daf63702f3e.mjs",
            ln.replace(real.RUNNER, "/app"),
        )
        for ln in lines
    ]
    dockerfile = (
        "FROM node:20.20-bookworm-slim AS build\n"
        "WORKDIR /app\n"
        "ARG VITE_API_URL=api.5dlabs.ai/v1\n"
        "ENV VITE_API_URL=${VITE_API_URL}\n"
        "COPY package.json package-lock.json ./\n"
        "RUN npm ci\n"
        "COPY . .\n"
        "RUN npm run build\n"
        "FROM nginx:1.27-alpine\n"
        "COPY --from=build /app/dist /usr/share/nginx/html\n"
    )
    bk = shapes.BuildKit("fr-k-vite-arg", dockerfile)
    bk.metadata()
    err = bk.run_until(8, lines, code)
    assert err, err
    ci(
        "fr-k-trap-vite-config-throws-on-dockerfile-arg-default",
        "the image build's 'RUN npm run build' fails in vite.config.js: VITE_API_URL must be "
        'an absolute URL, got "api.5dlabs.ai/v1"; the change only edited the Dockerfile\'s '
        "ARG default and dropped the https:// scheme",
        ["context-driven", "wrapper"],
        "bolt",
        "docker_build",
        workflow="images",
        job="console-image",
        repo=WEB,
        steps=[
            *buildx_setup(),
            buildx_step(
                bk.finish(err), err, "ghcr.io/5dlabs/console:sha-" + sha("fr-k-vite-arg")[:7]
            ),
        ],
        message="chore(image): point the console at the v1 API",
        files=["Dockerfile"],
    )

    # T9. a Rust test reads a manifest kustomize rendered from an overlay the change edited (bolt)
    at(REPO)
    kfiles = {
        "deploy/base/kustomization.yaml": "resources:\n  - deployment.yaml\n",
        "deploy/base/deployment.yaml": (
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: healer-gate\nspec:\n"
            "  selector:\n    matchLabels: {app: healer-gate}\n  template:\n    metadata:\n"
            "      labels: {app: healer-gate}\n    spec:\n      containers:\n"
            "        - name: gate\n          image: ghcr.io/5dlabs/healer-gate:0.9.0\n"
            "          ports:\n            - containerPort: 8080\n"
        ),
        "deploy/overlays/ci/kustomization.yaml": (
            "resources:\n  - ../../base\npatches:\n  - path: port.yaml\n"
        ),
        "deploy/overlays/ci/port.yaml": (
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: healer-gate\nspec:\n"
            "  template:\n    spec:\n      containers:\n        - name: gate\n"
            "          ports:\n            - containerPort: 9090\n"
        ),
        "src/lib.rs": "pub const DEFAULT_PORT: u16 = 8080;\n",
        "tests/manifest.rs": """#[test]
fn rendered_manifest_exposes_default_port() {
    let text = std::fs::read_to_string("tests/fixtures/rendered.yaml").unwrap();
    let port = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("- containerPort: "))
        .expect("a containerPort");
    assert_eq!(port.parse::<u16>().unwrap(), healer::DEFAULT_PORT, "manifest port drifted from the binary's default");
}
""",
    }
    path = real.crate("fr-k-kustomize-rust", kfiles)
    klines, kcode = real.run(
        "mkdir -p tests/fixtures && kubectl kustomize deploy/overlays/ci > tests/fixtures/rendered.yaml",
        path,
        env={"KUBECONFIG": "/dev/null"},
    )
    assert kcode == 0, klines
    lines, code = real.run(
        ["cargo", "test", "--test", "manifest"], path, env={"CARGO_NET_OFFLINE": "true"}
    )
    assert code != 0 and any("drifted" in ln for ln in lines), lines
    ci(
        "fr-k-trap-cargo-test-manifest-port-from-kustomize-overlay",
        "cargo test: rendered_manifest_exposes_default_port sees 9090 != 8080; the manifest is "
        "rendered by the previous step from deploy/overlays/ci, whose port patch the change "
        "set to 9090 while the binary still listens on 8080 (the overlay is wrong)",
        ["context-driven", "misleading-name"],
        "bolt",
        "k8s_manifest",
        workflow="rust",
        job="test",
        steps=[
            *rust_setup(),
            run(
                "mkdir -p tests/fixtures && kubectl kustomize deploy/overlays/ci > tests/fixtures/rendered.yaml",
                klines,
                name="Render CI manifests",
            ),
            failing(real.Out("cargo test --test manifest", lines, code), name="Manifest tests"),
        ],
        message="chore(ci): expose the gate on the metrics port",
        files=["deploy/overlays/ci/port.yaml"],
    )

    # T10. tsc fails on TypeScript a Rust exporter generated (rex)
    at(MONO)
    exporter = """fn main() {
    let fields = [("id", "String"), ("durationMs", "u64"), ("attempt", "u32")];
    println!("// generated by `cargo run -p api-types --bin export-ts`; do not edit");
    println!("export interface Run {{");
    for (name, ty) in fields {
        let ts = match ty {
            "String" => "string",
            "u32" => "number",
            other => other,
        };
        println!("  {name}: {ts};");
    }
    println!("}}");
}
"""
    epath = real.crate("fr-k-export-ts", {"src/main.rs": exporter}, package="api-types")
    elines, ecode = real.run(["cargo", "run", "-q"], epath, env={"CARGO_NET_OFFLINE": "true"})
    assert ecode == 0, elines
    generated = "\n".join(elines) + "\n"
    out = real.tsc(
        "fr-k-export-ts-web",
        {
            "src/bindings.ts": generated,
            "src/runs.ts": """import type { Run } from "./bindings";

export function totalMs(runs: Run[]): number {
  return runs.reduce((sum, r) => sum + r.durationMs, 0);
}
""",
        },
    )
    out = real.Out(out.command, [ln.replace("src/", "web/src/") for ln in out.lines], out.code)
    assert out.code != 0 and any("u64" in ln for ln in out.lines), out
    ci(
        "fr-k-trap-tsc-ts2304-u64-in-bindings-from-rust-exporter",
        "tsc TS2304 Cannot find name 'u64' in web/src/bindings.ts, a file the previous step "
        "generates with the Rust export-ts binary; the change added a u64 field and the "
        "exporter's type mapping passes unknown Rust types through (bug in the Rust exporter)",
        ["context-driven", "misleading-name"],
        "rex",
        "rust_build",
        workflow="monorepo-ci",
        job="web-types",
        repo=MONO,
        steps=[
            *rust_setup(),
            *node_setup(),
            run(
                "cargo run -q -p api-types --bin export-ts > web/src/bindings.ts",
                [],
                name="Generate TypeScript bindings",
            ),
            npm_ci_ok(),
            failing(out, name="Type check", command="npx tsc -p web --noEmit"),
        ],
        message="feat(api-types): expose run duration",
        files=["crates/api-types/src/run.rs", "crates/api-types/src/bin/export-ts.rs"],
    )


def traps_release() -> None:
    # T11. the release job fails on a Cargo.toml version a person wrote (rex)
    at(REPO)
    out = _cargo(
        "fr-k-cargo-version",
        {"Cargo.toml": real.cargo_toml("healer").replace('version = "0.1.0"', 'version = "1.4"')},
        ["publish", "--dry-run", "--locked"],
    )
    assert out.code != 0 and any("version" in ln for ln in out.lines), out
    ci(
        "fr-k-trap-release-publish-fails-on-two-part-cargo-version",
        "the release job's cargo publish --dry-run fails parsing Cargo.toml: the version bump "
        'commit set version = "1.4", not a full semver version; the manifest edit, not the '
        "release machinery, is wrong",
        ["context-driven", "misleading-name"],
        "rex",
        "rust_build",
        workflow="release",
        job="publish-crates",
        steps=[
            *rust_setup(),
            failing(out, name="Publish (dry run)", env={"CARGO_REGISTRY_TOKEN": "***"}),
        ],
        message="chore(release): healer 1.4",
        files=["Cargo.toml", "CHANGELOG.md"],
        branch="main",
        event="workflow_run",
    )

    # T12. the release workflow's sed writes the tag's v into Cargo.toml (atlas)
    path = real.crate("fr-k-sed-version", {"src/lib.rs": "pub fn v() {}\n"})
    bump = 'sed -i "s/^version = .*/version = \\"${GITHUB_REF_NAME}\\"/" Cargo.toml'
    blines, bcode = real.run(bump, path, env={"GITHUB_REF_NAME": "v1.5.0"})
    assert bcode == 0, blines
    lines, code = real.run(["cargo", "build", "--release"], path, env={"CARGO_NET_OFFLINE": "true"})
    assert code != 0 and any("v1.5.0" in ln or "version" in ln for ln in lines), lines
    ci(
        "fr-k-trap-cargo-manifest-error-after-release-sed-writes-v-tag",
        'cargo build --release fails to parse Cargo.toml\'s version "v1.5.0": the release '
        "workflow's 'Set version from tag' step copies GITHUB_REF_NAME (with its v) into "
        "Cargo.toml; the release workflow, not the crate, is wrong",
        ["context-driven", "misleading-name"],
        "atlas",
        "release_publish",
        workflow="release",
        job="build-binaries",
        steps=[
            *rust_setup(),
            run(bump, blines, name="Set version from tag", env={"GITHUB_REF_NAME": "v1.5.0"}),
            failing(real.Out("cargo build --release", lines, code), name="Build release binaries"),
        ],
        message="ci(release): take the crate version from the tag",
        files=[".github/workflows/release.yml"],
        branch="v1.5.0",
    )

    # T13. the company npm mirror has no audit endpoint (atlas)
    at(WEB)
    lock = {
        "name": "console",
        "version": "2.0.0",
        "lockfileVersion": 3,
        "requires": True,
        "packages": {
            "": {"name": "console", "version": "2.0.0", "dependencies": {"zod": "3.24.1"}},
            "node_modules/zod": {
                "version": "3.24.1",
                "resolved": "https://npm.5dlabs.ai/zod/-/zod-3.24.1.tgz",
                "integrity": "sha512-muH7gBL9sI1nciMZV67X5fTKKBLtwpZ5VBp1vsOQzj1MhrBZ4wlVCm3gedKZWLp0Oyel8sIGfeiz54Su+OVT+A==",
                "license": "MIT",
            },
        },
    }

    def mirror(req):  # type: ignore[no-untyped-def]
        return 404, '{"error":"not found"}', "application/json"

    with real.serve(mirror) as port:
        out = real.sh(
            "fr-k-audit-mirror",
            {
                "package.json": _pkg(dependencies={"zod": "3.24.1"}),
                "package-lock.json": json.dumps(lock, indent=2) + "\n",
                ".npmrc": f"registry=http://127.0.0.1:{port}/\n",
            },
            "npm audit --audit-level=critical",
            "npm audit --audit-level=critical",
            hosts={f"http://127.0.0.1:{port}/": "https://npm.5dlabs.ai/"},
        )
    assert out.code != 0, out
    ci(
        "fr-k-trap-npm-audit-mirror-without-audit-endpoint",
        "npm audit fails with no finding at all: the change pointed .npmrc at the company "
        "npm mirror, which answers 404 for the advisory endpoints; the registry configuration, "
        "not a vulnerable dependency, failed the audit",
        ["context-driven", "misleading-name"],
        "atlas",
        "general",
        workflow="security",
        job="npm-audit",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="npm audit")],
        message="chore(npm): install through the company mirror",
        files=[".npmrc"],
    )

    # T14. a configMapGenerator misses dist/ after the Vite outDir moved (blaze)
    at(WEB)
    p = real.node_project(
        "fr-k-outdir",
        {
            "index.html": '<script type="module" src="/src/main.js"></script>\n',
            "src/main.js": 'document.title = "Console";\n',
            "vite.config.js": 'import { defineConfig } from "vite";\n\nexport default defineConfig({ build: { outDir: "build" } });\n',
            "kustomization.yaml": (
                "configMapGenerator:\n  - name: console-static\n    files:\n      - dist/index.html\n"
                "generatorOptions:\n  disableNameSuffixHash: true\n"
            ),
        },
        {"build": "vite build"},
    )
    blines, bcode = real.run(["npm", "run", "build"], p)
    assert bcode == 0, blines
    blines = [re.sub(r"built in \d+ms", "built in 412ms", ln) for ln in blines]
    klines, kcode = real.run(["kubectl", "kustomize", "."], p, env={"KUBECONFIG": "/dev/null"})
    assert kcode != 0, klines
    ci(
        "fr-k-trap-kustomize-missing-dist-after-vite-outdir-change",
        "kubectl kustomize fails: the configMapGenerator cannot find dist/index.html; the "
        "build step above wrote build/index.html because the change set Vite's outDir to "
        "'build' (frontend build config)",
        ["context-driven", "misleading-name"],
        "blaze",
        "frontend_build",
        workflow="console-deploy",
        job="render-manifests",
        repo=WEB,
        steps=[
            *node_setup(),
            npm_ci_ok(),
            passing(real.Out("npm run build", blines, bcode), name="Build"),
            failing(real.Out("kubectl kustomize .", klines, kcode), name="Render static ConfigMap"),
        ],
        message="build(vite): emit to build/ like the other apps",
        files=["vite.config.js"],
    )


def traps_more() -> None:
    # T15. kubectl cannot parse a CRD a Rust generator printed (rex)
    at(PLAT)
    crdgen = """fn main() {
    let columns = [("Phase", ".status.phase"), ("Age", ".metadata.creationTimestamp")];
    println!("apiVersion: apiextensions.k8s.io/v1");
    println!("kind: CustomResourceDefinition");
    println!("metadata:");
    println!("  name: healruns.healer.5dlabs.ai");
    println!("spec:");
    println!("  group: healer.5dlabs.ai");
    println!("  names: {{kind: HealRun, plural: healruns}}");
    println!("  scope: Namespaced");
    println!("  versions:");
    println!("    - name: v1alpha1");
    println!("      served: true");
    println!("      storage: true");
    println!("      additionalPrinterColumns:");
    for (name, path) in columns {
        // the description is printed unquoted: a colon inside it breaks the YAML
        println!("        - name: {name}");
        println!("          type: string");
        println!("          jsonPath: {path}");
        println!("          description: shown by kubectl get: {name}");
    }
}
"""
    gpath = real.crate("fr-k-crdgen", {"src/main.rs": crdgen}, package="crdgen")
    glines, gcode = real.run(["cargo", "run", "-q"], gpath, env={"CARGO_NET_OFFLINE": "true"})
    assert gcode == 0, glines
    out = real.kubectl(
        "fr-k-crdgen-apply",
        {"deploy/crds/healruns.yaml": "\n".join(glines) + "\n"},
        ["apply", "--dry-run=client", "--validate=false", "-f", "deploy/crds/healruns.yaml"],
        "kubectl apply --dry-run=client -f deploy/crds/healruns.yaml",
    )
    assert out.code != 0 and any("yaml" in ln.lower() for ln in out.lines), out
    ci(
        "fr-k-trap-kubectl-parse-error-in-crd-from-rust-crdgen",
        "kubectl cannot parse deploy/crds/healruns.yaml (mapping values not allowed); the "
        "file is not hand-written, the previous step prints it with the Rust crdgen binary, "
        "whose change added a printer-column description containing an unquoted colon",
        ["context-driven", "misleading-name"],
        "rex",
        "rust_build",
        workflow="operator",
        job="crd-validate",
        repo=PLAT,
        steps=[
            *rust_setup(),
            run("cargo run -q -p crdgen > deploy/crds/healruns.yaml", [], name="Generate CRDs"),
            failing(out, name="Validate CRDs"),
        ],
        message="feat(crdgen): describe the printer columns",
        files=["crates/crdgen/src/main.rs"],
    )

    # T16. git commit fails: the repository's pre-commit hook runs ESLint (blaze)
    at(WEB)
    path = real.node_project(
        "fr-k-hook",
        {
            "eslint.config.js": real.ESLINT_CONFIG.format(rules="{}"),
            "src/changelog.js": """export function entry(pr) {
  const title = pr.title.trim();
  return `- ${title} (#${pr.number})`;
}
""",
        },
    )
    real.git(path, "init", "-q")
    real.git(path, "add", "-A")
    real.git(path, "commit", "-qm", "initial", "--no-verify")
    hook = path / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'pre-commit: eslint src'\nnpx eslint src || exit 1\n")
    hook.chmod(0o755)
    real.put(
        path,
        {
            "src/changelog.js": """export function entry(pr) {
  const title = pr.title.trim();
  const author = pr.user.login;
  return `- ${title} (#${pr.number})`;
}
""",
            "CHANGELOG.md": "# Changelog\n\n- label slow runs (#1841)\n",
        },
    )
    real.git(path, "add", "-A")
    lines, code = real.git(path, "commit", "-m", "docs: update changelog")
    assert code != 0 and any("no-unused-vars" in ln for ln in lines), lines
    ci(
        "fr-k-trap-git-commit-refused-by-eslint-pre-commit-hook",
        "the changelog bot's git commit fails, but only because the repository's pre-commit "
        "hook runs ESLint and src/changelog.js has an unused 'author' variable "
        "(no-unused-vars) from the change; git and the token are fine",
        ["wrapper", "misleading-name"],
        "blaze",
        "frontend_lint",
        workflow="changelog",
        job="commit-changelog",
        repo=WEB,
        steps=[
            *node_setup(),
            npm_ci_ok(),
            run("node scripts/changelog.mjs >> CHANGELOG.md", [], name="Append changelog"),
            failing(
                real.Out('git commit -am "docs: update changelog"', lines, code),
                name="Commit changelog",
            ),
        ],
        message="feat(changelog): credit PR authors",
        files=["src/changelog.js"],
        branch="main",
        event="workflow_run",
    )


def build() -> None:
    obvious()
    traps_env()
    traps_files()
    traps_release()
    traps_more()
