"""Security: push protection (GH013) for a secret next to the same rule for signatures
(atlas), bandit, zizmor, detect-secrets, npm audit against a local advisory endpoint, alerts
from the real fixtures, scanner runs known only from the sensor body, and two failures in
security-named workflows whose cause is ordinary code (CodeQL autobuild on a Rust error, a
Dependabot bump breaking tsc)."""

from __future__ import annotations

import http.server
import json

import real
from cases_github import gh013_push  # the holdout's local smart-HTTP push server
from fcommon import REPO, add, at, ci, failing, node_setup, npm_ci_ok, run, sha, uses
from gha import Job, alert, sensor


def pushes() -> None:
    at("5dlabs/cto")
    commit = sha("fr-sec-gh013")
    out = gh013_push(
        "fr-sec-gh013",
        [
            "error: GH013: Repository rule violations found for refs/heads/main.",
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
            "      —— Stripe API Key ————————————————————————————————————",
            "       locations:",
            f"         - commit: {commit}",
            "           path: docs/examples/billing.env:2",
            "",
            "       (?) To push, remove secret from commit(s) or follow this URL to allow the secret.",
            "       https://github.com/5dlabs/cto/security/secret-scanning/unblock-secret/"
            "2pQ7fKx9Lm3Nv8Rt1Ys4Wb6Zc0Da",
            "",
        ],
    )
    ci(
        "fr-sec-docs-publish-gh013-stripe-key",
        "the docs-publish job's push is blocked by push protection: a generated example env "
        "file contains a live-looking Stripe key",
        ["misleading-name"],
        "cipher",
        "secret_scanning_alert",
        workflow="docs",
        job="publish-docs",
        repo="5dlabs/cto",
        steps=[
            run(
                "npm run docs:build",
                ["> docs@1.0.0 docs:build", "> vitepress build docs", "build complete in 4.12s."],
                name="Build docs",
            ),
            failing(out, name="Push generated docs"),
        ],
        message="docs(billing): example configuration",
        files=["docs/examples/billing.env"],
    )

    out = gh013_push(
        "fr-sec-gh013-signed",
        [
            "error: GH013: Repository rule violations found for refs/heads/main.",
            "Review all repository rules at https://github.com/5dlabs/cto/rules?ref=refs%2Fheads%2Fmain",
            "",
            "- Commits must have verified signatures.",
            "  Found 1 violation:",
            "",
            f"  {sha('fr-sec-gh013-signed')}",
            "",
        ],
    )
    ci(
        "fr-sec-gh013-unsigned-commit-not-secret",
        "GH013 again, but the rule violated is 'commits must have verified signatures': the "
        "release bot's commit is unsigned",
        ["misleading-name"],
        "atlas",
        "permissions",
        workflow="release",
        job="changelog",
        repo="5dlabs/cto",
        steps=[failing(out, name="Push changelog")],
        message="chore: update CHANGELOG",
        files=["CHANGELOG.md"],
        event="workflow_run",
    )


def scanners() -> None:
    at("5dlabs/healer-py")
    out = real.bandit(
        "fr-sec-bandit",
        {
            "healer_client/cache.py": """
        import hashlib
        import pickle


        def cache_key(payload: bytes) -> str:
            return hashlib.md5(payload).hexdigest()


        def load(blob: bytes):
            return pickle.loads(blob)
    """
        },
        "healer_client",
    )
    ci(
        "fr-sec-bandit-pickle-md5",
        "bandit flags pickle.loads on untrusted cache blobs (B301) and MD5 for keys (B324)",
        ["obvious", "audit"],
        "cipher",
        "code_scanning_alert",
        workflow="security",
        job="bandit",
        repo="5dlabs/healer-py",
        steps=[
            uses(
                "actions/setup-python@v5",
                {"python-version": "3.12"},
                ["Successfully set up CPython (3.12.7)"],
            ),
            failing(out, name="bandit"),
        ],
        message="perf(client): cache responses on disk",
        files=["healer_client/cache.py"],
    )

    at("5dlabs/console")
    path = real.scratch(
        "fr-sec-zizmor",
        {
            ".github/workflows/triage.yml": """
        name: triage
        on:
          pull_request_target:
            types: [opened, edited]
        permissions:
          contents: read
          pull-requests: write
        jobs:
          label:
            runs-on: ubuntu-latest
            steps:
              - name: Label by title
                run: |
                  echo "Title: ${{ github.event.pull_request.title }}"
                  ./scripts/label.sh "${{ github.event.pull_request.title }}"
    """
        },
    )
    lines, code = real.run(
        ["zizmor", "--offline", "--no-progress", ".github/workflows/"],
        path,
        keep=lambda ln: " INFO " not in ln,
    )
    out = real.Out("zizmor --offline .github/workflows/", lines, code)
    ci(
        "fr-sec-zizmor-template-injection",
        "zizmor finds template injection of the PR title into a run: block under "
        "pull_request_target; the workflow parses fine, the finding is a security issue",
        ["audit", "misleading-name"],
        "cipher",
        "code_scanning_alert",
        workflow="workflow-lint",
        job="lint-workflows",
        repo="5dlabs/console",
        steps=[
            run(
                "pipx install zizmor==1.32.0",
                ["installed package zizmor 1.32.0"],
                name="Install zizmor",
            ),
            failing(out, name="zizmor"),
        ],
        message="ci: label PRs by title",
        files=[".github/workflows/triage.yml"],
    )

    at("5dlabs/platform")
    key = (
        "-----BEGIN OPENSSH PRIVATE KEY-----\n"
        "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
        "QyNTUxOQAAACBGQUtFRkFLRUZBS0VGQUtFRkFLRUZBS0VGQUtFRkFLRQAAAJgFAKEFAKE=\n"
        "-----END OPENSSH PRIVATE KEY-----\n"
    )
    out = real.detect_secrets(
        "fr-sec-detect-key",
        {
            "ansible/files/deploy_key": key,
            "ansible/inventory.ini": "[edge]\nedge-1 ansible_host=10.0.4.11\n",
        },
    )
    ci(
        "fr-sec-detect-secrets-ssh-key",
        "detect-secrets blocks a committed (fake) OpenSSH private key used as a deploy key",
        ["audit", "obvious"],
        "cipher",
        "secret_scanning_alert",
        workflow="secrets",
        job="detect-secrets",
        repo="5dlabs/platform",
        steps=[
            run(
                "pip install detect-secrets==1.5.0",
                ["Successfully installed detect-secrets-1.5.0"],
                name="Install",
            ),
            failing(out, name="Scan changed files"),
        ],
        message="feat(edge): deploy key for edge hosts",
        files=["ansible/files/deploy_key", "ansible/inventory.ini"],
    )

    # npm audit against a 127.0.0.1 registry serving one real advisory
    at("5dlabs/console")
    advisory = {
        "cross-spawn": [
            {
                "id": 1100563,
                "url": "https://github.com/advisories/GHSA-3xgq-45jj-v275",
                "title": "Regular Expression Denial of Service (ReDoS) in cross-spawn",
                "severity": "high",
                "vulnerable_versions": ">=7.0.0 <7.0.5",
                "cwe": ["CWE-1333"],
                "cvss": {
                    "score": 7.5,
                    "vectorString": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H",
                },
            }
        ]
    }
    packument = {
        "name": "cross-spawn",
        "dist-tags": {"latest": "7.0.6"},
        "versions": {
            v: {
                "name": "cross-spawn",
                "version": v,
                "dist": {
                    "tarball": f"https://registry.npmjs.org/cross-spawn/-/cross-spawn-{v}.tgz"
                },
            }
            for v in ("7.0.3", "7.0.5", "7.0.6")
        },
    }

    def registry(req: http.server.BaseHTTPRequestHandler) -> tuple[int, str, str]:
        if req.command == "POST":
            return 200, json.dumps(advisory), "application/json"
        return 200, json.dumps(packument), "application/json"

    pkg = {"name": "console", "version": "1.4.0", "dependencies": {"cross-spawn": "^7.0.3"}}
    lock = {
        "name": "console",
        "version": "1.4.0",
        "lockfileVersion": 3,
        "requires": True,
        "packages": {
            "": {"name": "console", "version": "1.4.0", "dependencies": {"cross-spawn": "^7.0.3"}},
            "node_modules/cross-spawn": {
                "version": "7.0.3",
                "resolved": "https://registry.npmjs.org/cross-spawn/-/cross-spawn-7.0.3.tgz",
                "license": "MIT",
            },
        },
    }
    with real.serve(registry) as port:
        out = real.sh(
            "fr-sec-npm-audit",
            {
                "package.json": json.dumps(pkg, indent=2),
                "package-lock.json": json.dumps(lock, indent=2),
            },
            f"npm audit --audit-level=high --registry=http://127.0.0.1:{port}/",
            "npm audit --audit-level=high",
        )
    ci(
        "fr-sec-npm-audit-cross-spawn",
        "the frontend workflow's audit step fails: npm audit reports a high-severity ReDoS in "
        "cross-spawn 7.0.3",
        ["audit", "misleading-name"],
        "cipher",
        "vulnerable_dependency",
        workflow="frontend",
        job="checks",
        repo="5dlabs/console",
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Audit dependencies")],
        message="chore(deps): add cross-spawn for the dev server",
        files=["package.json", "package-lock.json"],
        event="check_run",
        check=("checks", "1 high severity vulnerability"),
    )


def disguised() -> None:
    # CodeQL autobuild failing on a Rust compile error
    at(REPO)
    path = real.crate(
        "fr-sec-codeql-rust",
        {
            "Cargo.toml": real.cargo_toml("healer-policy"),
            "src/main.rs": """
            use std::collections::HashMap;

            fn weights() -> HashMap<&'static str, u8> {
                let mut w = HashMap::new();
                w.insert("rex", 3);
                w.insert("blaze", 2);
                w
            }

            fn main() {
                let total: u32 = weights().values().sum();
                println!("{total}");
            }
        """,
        },
        package="healer-policy",
    )
    lines, code = real.run(
        ["cargo", "build", "--workspace", "--all-features"], path, env={"CARGO_NET_OFFLINE": "true"}
    )
    assert code != 0
    autobuild = uses(
        "github/codeql-action/autobuild@v3",
        None,
        [
            "Attempting to automatically build rust code",
            "  [2026-11-24 10:12:03] [autobuild] [build-stdout] Running cargo build --workspace "
            "--all-features",
            *[f"  [2026-11-24 10:12:04] [autobuild] [build-stderr] {ln}" for ln in lines],
            "  [2026-11-24 10:12:05] [ERROR] Spawned process exited abnormally (code 101; tried to "
            "run: [/opt/hostedtoolcache/CodeQL/2.23.1/x64/codeql/rust/tools/autobuild.sh])",
        ],
        error=[
            "##[error]We were unable to automatically build your code. Please replace the call "
            "to the autobuild action with your custom build steps. Encountered a fatal error "
            'while running "/opt/hostedtoolcache/CodeQL/2.23.1/x64/codeql/rust/tools/'
            'autobuild.sh". Exit code was 101 and last log line was: error: could not compile '
            '`healer-policy` (bin "healer-policy") due to 1 previous error. See the logs '
            "for more details."
        ],
    )
    ci(
        "fr-sec-codeql-autobuild-rust-e0277",
        "the CodeQL workflow fails in autobuild, but only because cargo build fails: summing "
        "u8 weights into a u32 (E0277)",
        ["misleading-name", "wrapper"],
        "rex",
        "rust_build",
        workflow="CodeQL",
        job="analyze (rust)",
        repo=REPO,
        steps=[
            uses(
                "github/codeql-action/init@v3",
                {"languages": "rust"},
                ["Setting up CodeQL for rust"],
            ),
            autobuild,
        ],
        message="feat(policy): per-agent weights",
        files=["crates/policy/src/main.rs"],
    )

    # a Dependabot bump that breaks tsc
    at("5dlabs/console")
    out = real.tsc(
        "fr-sec-dependabot-tsc",
        {
            "src/agent.ts": """
        import { EventEmitter } from "node:events";

        type Handler = (name: string) => void;

        export function onAgent(bus: EventEmitter, handler: Handler) {
          bus.on("agent", handler);
          return bus.listenerCount("agent", 1);
        }
    """,
            "src/node-events.d.ts": """
        declare module "node:events" {
          export class EventEmitter {
            on(event: string, listener: (...args: any[]) => void): this;
            listenerCount(event: string): number;
          }
        }
    """,
        },
    )
    ci(
        "fr-sec-dependabot-types-bump-tsc",
        "a Dependabot PR bumping @types/node fails typecheck (TS2554): the code passes an "
        "argument the new typings no longer accept",
        ["misleading-name"],
        "blaze",
        "frontend_typecheck",
        workflow="frontend",
        job="typecheck",
        repo="5dlabs/console",
        branch="dependabot/npm_and_yarn/types/node-22.10.1",
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Type check")],
        message="chore(deps-dev): bump @types/node from 20.17.6 to 22.10.1",
        files=["package.json", "package-lock.json"],
    )


def alerts() -> None:
    repo = "5dlabs/console"
    p = alert(
        "dependabot_alert",
        "fr-sec-dep-vite",
        repo,
        {
            "alert.dependency": {
                "package": {"ecosystem": "npm", "name": "vite"},
                "manifest_path": "package-lock.json",
                "scope": "development",
            },
            "alert.security_advisory.ghsa_id": "GHSA-vg6x-rcgg-rjx6",
            "alert.security_advisory.cve_id": "CVE-2025-24010",
            "alert.security_advisory.summary": "Websites were able to send any requests to the "
            "development server and read the response in vite",
            "alert.security_advisory.severity": "medium",
            "alert.security_vulnerability.package": {"ecosystem": "npm", "name": "vite"},
            "alert.security_vulnerability.vulnerable_version_range": ">= 5.0.0, < 5.4.12",
            "alert.security_vulnerability.first_patched_version": {"identifier": "5.4.12"},
            "alert.security_vulnerability.severity": "medium",
        },
    )
    add(
        "fr-sec-alert-dependabot-vite",
        "Dependabot alert: vite dev server CORS exposure (< 5.4.12) in the console",
        ["security-alert"],
        "cipher",
        "dependabot_alert",
        "dependabot_alert",
        p,
        {"changed_files": ["package-lock.json"]},
    )

    p = alert(
        "code_scanning_alert",
        "fr-sec-cs-ssrf",
        REPO,
        {
            "alert.rule": {
                "id": "rust/request-forgery",
                "severity": "error",
                "description": "Server-side request forgery",
                "name": "rust/request-forgery",
                "full_description": "Making a network request with user-controlled data "
                "in the URL allows for request forgery attacks.",
                "tags": ["security", "external/cwe/cwe-918"],
                "help": None,
            },
            "alert.tool": {"name": "CodeQL", "guid": None, "version": "2.23.1"},
            "alert.most_recent_instance": {
                "ref": "refs/heads/main",
                "analysis_key": ".github/workflows/codeql.yml:analyze",
                "environment": '{"language":"rust"}',
                "state": "open",
                "commit_sha": sha("cs-ssrf"),
                "message": {"text": "The URL of this request depends on a user-provided value."},
                "location": {
                    "path": "crates/gateway/src/proxy.rs",
                    "start_line": 48,
                    "end_line": 48,
                    "start_column": 23,
                    "end_column": 61,
                },
            },
            "ref": "refs/heads/main",
            "commit_oid": sha("cs-ssrf"),
        },
    )
    add(
        "fr-sec-alert-codeql-rust-ssrf",
        "CodeQL code-scanning alert: server-side request forgery in the gateway proxy (Rust)",
        ["security-alert"],
        "cipher",
        "code_scanning_alert",
        "code_scanning_alert",
        p,
        {},
    )

    p = alert(
        "secret_scanning_alert",
        "fr-sec-ss-openai",
        "5dlabs/platform",
        {
            "alert.secret_type": "openai_api_key",
            "alert.secret_type_display_name": "OpenAI API Key",
            "action": "created",
            "alert.resolution": None,
            "alert.resolved_by": None,
            "alert.resolved_at": None,
            "alert.validity": "active",
        },
    )
    add(
        "fr-sec-alert-secret-openai",
        "secret-scanning alert: an active OpenAI API key in the platform repository",
        ["security-alert"],
        "cipher",
        "secret_scanning_alert",
        "secret_scanning_alert",
        p,
        {},
    )

    p = alert(
        "repository_vulnerability_alert",
        "fr-sec-rva-tokio",
        REPO,
        {
            "alert.affected_range": ">= 1.38.0, < 1.38.2",
            "alert.affected_package_name": "tokio",
            "alert.external_reference": "https://nvd.nist.gov/vuln/detail/CVE-2025-58160",
            "alert.external_identifier": "CVE-2025-58160",
            "alert.fixed_in": "1.38.2",
            "alert.ghsa_id": "GHSA-rr8g-9fpq-6wmg",
            "alert.severity": "low",
            "alert.created_at": "2026-11-26T07:41:00Z",
        },
    )
    add(
        "fr-sec-alert-vuln-tokio",
        "repository vulnerability alert for tokio in the Rust workspace",
        ["security-alert"],
        "cipher",
        "vulnerable_dependency",
        "repository_vulnerability_alert",
        p,
        {"changed_files": ["Cargo.lock"]},
    )


def more_alerts() -> None:
    p = alert(
        "code_scanning_alert",
        "fr-sec-cs-xss",
        "5dlabs/console",
        {
            "alert.rule": {
                "id": "js/xss-through-dom",
                "severity": "warning",
                "description": "DOM text reinterpreted as HTML",
                "name": "js/xss-through-dom",
                "full_description": "Reinterpreting text from the DOM as HTML can lead "
                "to a cross-site scripting vulnerability.",
                "tags": ["security", "external/cwe/cwe-079", "external/cwe/cwe-116"],
                "help": None,
            },
            "alert.tool": {"name": "CodeQL", "guid": None, "version": "2.23.1"},
            "alert.most_recent_instance": {
                "ref": "refs/pull/1911/merge",
                "analysis_key": ".github/workflows/codeql.yml:analyze",
                "environment": '{"language":"javascript-typescript"}',
                "state": "open",
                "commit_sha": sha("cs-xss"),
                "message": {
                    "text": "DOM text is reinterpreted as HTML without escaping meta-characters."
                },
                "location": {
                    "path": "src/runs/LogViewer.tsx",
                    "start_line": 57,
                    "end_line": 57,
                    "start_column": 9,
                    "end_column": 40,
                },
            },
            "ref": "refs/pull/1911/merge",
            "commit_oid": sha("cs-xss"),
        },
    )
    add(
        "fr-sec-alert-codeql-js-xss",
        "CodeQL code-scanning alert on a pull request: DOM text reinterpreted as HTML in the "
        "log viewer",
        ["security-alert"],
        "cipher",
        "code_scanning_alert",
        "code_scanning_alert",
        p,
        {"changed_files": ["src/runs/LogViewer.tsx"]},
    )

    p = alert(
        "dependabot_alert",
        "fr-sec-dep-openssl",
        REPO,
        {
            "alert.dependency": {
                "package": {"ecosystem": "rust", "name": "openssl"},
                "manifest_path": "Cargo.lock",
                "scope": "runtime",
            },
            "alert.security_advisory.ghsa_id": "GHSA-rpmj-rpgj-qmpm",
            "alert.security_advisory.cve_id": "CVE-2025-24898",
            "alert.security_advisory.summary": "rust-openssl ssl::select_next_proto use after free",
            "alert.security_advisory.severity": "medium",
            "alert.security_vulnerability.package": {"ecosystem": "rust", "name": "openssl"},
            "alert.security_vulnerability.vulnerable_version_range": ">= 0.10.0, < 0.10.70",
            "alert.security_vulnerability.first_patched_version": {"identifier": "0.10.70"},
            "alert.security_vulnerability.severity": "medium",
        },
    )
    add(
        "fr-sec-alert-dependabot-openssl-crate",
        "Dependabot alert for the openssl crate in Cargo.lock (use after free, < 0.10.70)",
        ["security-alert"],
        "cipher",
        "dependabot_alert",
        "dependabot_alert",
        p,
        {"changed_files": ["Cargo.lock"]},
    )

    p = alert(
        "secret_scanning_alert",
        "fr-sec-ss-ghpat",
        "5dlabs/console",
        {
            "alert.secret_type": "github_personal_access_token",
            "alert.secret_type_display_name": "GitHub Personal Access Token",
            "action": "created",
            "alert.resolution": None,
            "alert.resolved_by": None,
            "alert.resolved_at": None,
            "alert.push_protection_bypassed": True,
        },
    )
    add(
        "fr-sec-alert-secret-pat-bypassed",
        "secret-scanning alert: a GitHub personal access token pushed with push protection "
        "bypassed",
        ["security-alert"],
        "cipher",
        "secret_scanning_alert",
        "secret_scanning_alert",
        p,
        {},
    )


def sensors() -> None:
    rows = [
        (
            "fr-sec-sensor-cargo-deny",
            "cargo-deny",
            REPO,
            "chore(deps): cargo update",
            "vulnerable_dependency",
            ["Cargo.lock"],
        ),
        (
            "fr-sec-sensor-trivy-image",
            "trivy-image-scan",
            "5dlabs/platform",
            "chore(images): rebuild on debian 12.8",
            "vulnerable_dependency",
            ["images/agent/Dockerfile"],
        ),
        (
            "fr-sec-sensor-gitleaks",
            "gitleaks",
            "5dlabs/platform",
            "feat(edge): terraform for edge hosts",
            "secret_scanning_alert",
            ["terraform/edge/main.tf", "terraform/edge/terraform.tfvars"],
        ),
        (
            "fr-sec-sensor-osv-scanner",
            "osv-scanner",
            "5dlabs/console",
            "chore(deps): bump axios to 1.7.4",
            "vulnerable_dependency",
            ["package-lock.json"],
        ),
        (
            "fr-sec-sensor-semgrep",
            "semgrep-ci",
            "5dlabs/healer-py",
            "feat(client): run hooks from config",
            "code_scanning_alert",
            ["healer_client/hooks.py"],
        ),
        (
            "fr-sec-sensor-codeql-weekly",
            "CodeQL",
            "5dlabs/console",
            "feat(runs): render log lines as markdown",
            "code_scanning_alert",
            ["src/runs/LogViewer.tsx"],
        ),
        (
            "fr-sec-sensor-dependency-review",
            "dependency-review",
            "5dlabs/healer",
            "chore(deps): add reqwest 0.12 with native-tls",
            "vulnerable_dependency",
            ["Cargo.toml", "Cargo.lock"],
        ),
    ]
    for cid, workflow, repo, message, ftype, files in rows:
        j = Job(cid, repo, workflow, workflow, "main", [])
        add(
            cid,
            f"only the sensor body: the {workflow} scanner run failed on main",
            ["no-log"],
            "cipher",
            ftype,
            "sensor",
            sensor(j, message),
            {"changed_files": files, "commit_message": message},
        )


def build() -> None:
    pushes()
    scanners()
    disguised()
    alerts()
    more_alerts()
    sensors()
