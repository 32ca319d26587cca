"""Batch 51 of the fresh split (ids ``fr-zy-``): security signals and their look-alikes. The
label is the owner of the root cause: a finding (a vulnerable dependency, a leaked secret, an
unsafe pattern in code or a workflow) is cipher's, whoever's file it sits in; a scanner that
fails for the network, the token's permissions or the workflow's own shape is atlas; a
scanner's config file that is broken YAML outside the workflows is bolt; a dependency policy
(duplicate versions, licences, sources) that the change's own dependency edit broke is the
language's owner.

- scanner runs known only from the Argo Events sensor body (no log): osv-scanner and
  cargo-deny ``advisories`` on lockfile-only bumps, Trivy ``image`` after a base-image bump and
  ``config`` after a chart gave a container ``privileged``, grype on the release SBOM,
  semgrep, gitleaks and trufflehog on pushes that add credentials, CodeQL (all cipher);
- alert payloads in the real webhook shapes: a Dependabot alert (ring), a code-scanning alert
  (CodeQL ``js/xss-through-dom``), a secret-scanning alert (an npm access token) (cipher);
- push protection (GH013, real ``git push`` against a local smart-HTTP server) for a Slack
  bot token, an AWS access key in a Terraform variables file pushed by a chart-release job, and
  a GitHub SSH deploy key in a Rust test fixture (cipher);
- findings with a log: Trivy fs on a critical form-data advisory (cipher), zizmor's template
  injection in a workflow (real zizmor, cipher), dependency-review on a PR that only bumps
  Cargo.lock into rustls 0.23.17 (cipher);
- look-alikes: Trivy unable to download its DB (atlas), osv-scanner unable to resolve
  api.osv.dev (atlas), a semgrep rules file that is broken YAML (real yamllint, bolt), a
  Trivy step whose ``exit-code`` sits outside ``with:`` in the workflow (real actionlint,
  atlas), a SARIF upload
  refused with ``Resource not accessible by integration`` (atlas), scorecard's publish
  refused by its workflow restrictions (atlas), ``cargo deny check bans`` on a duplicate
  version the change's dependency edit added (rex), ``cargo deny check sources`` on a git
  fork the change pointed a dependency at (rex), ``npm audit`` on the registry's 500 (real
  npm, atlas), a licence gate on a GPL package the change added (blaze).

Obvious: the Slack-token GH013, the Dependabot alert, the secret-scanning alert and Trivy's
critical form-data finding.
"""

from __future__ import annotations

import fcommon
import real
from cases_batch5 import _push_rejected
from cases_batch39 import _lock, _pkg, _ts
from fcommon import at, ci, failing, node_setup, npm_ci_ok, pr_of, rust_setup, sha
from gha import alert, run, uses

REPO = "5dlabs/healer"
WEB = "5dlabs/console"
PLAT = "5dlabs/platform"
GATE = "5dlabs/gatekeeper"


def build() -> None:
    sensors()
    alerts()
    pushes()
    findings_with_logs()
    lookalikes()


# ------------------------------------------------------------------ 1. sensor bodies


def _sensor(
    cid: str,
    description: str,
    agent: str,
    failure_type: str,
    workflow: str,
    message: str,
    files: list[str],
    repo: str = REPO,
    branch: str = "main",
    tags: list[str] | None = None,
) -> None:
    at(repo)
    ci(
        cid,
        description,
        ["security", "no-log", *(tags or [])],
        agent,
        failure_type,
        workflow=workflow,
        job="scan",
        event="sensor",
        steps=[],
        logs=False,
        message=message,
        files=files,
        repo=repo,
        branch=branch,
    )


def sensors() -> None:
    _sensor(
        "fr-zy-sensor-osv-scanner-lockfile-only-bump",
        "the sensor reports the osv-scanner workflow failed on a push whose only change is a "
        "package-lock.json refresh (a Renovate lock-file maintenance commit); the lockfile now "
        "resolves a version with a known advisory",
        "cipher",
        "vulnerable_dependency",
        "osv-scanner",
        "chore(deps): lock file maintenance",
        ["package-lock.json"],
        repo=WEB,
        tags=["lockfile", "context-driven"],
    )
    _sensor(
        "fr-zy-sensor-cargo-deny-advisories-lock-bump",
        "the sensor reports the `cargo-deny advisories` workflow failed on a push whose only "
        "change is Cargo.lock (`cargo update -p hickory-resolver`), which moved hickory-proto "
        "into an advisory's range; nothing else changed",
        "cipher",
        "vulnerable_dependency",
        "cargo-deny advisories",
        "chore(deps): cargo update -p hickory-resolver",
        ["Cargo.lock"],
        tags=["lockfile", "context-driven"],
    )
    _sensor(
        "fr-zy-sensor-trivy-image-base-bump",
        "the sensor reports `trivy-image` failed on a push that moves the runtime image from "
        "distroless to debian:bookworm-slim; the image build passed, the scan of the new base "
        "failed",
        "cipher",
        "vulnerable_dependency",
        "trivy-image",
        "build(docker): use debian bookworm-slim so we get a shell for debugging",
        ["Dockerfile"],
        tags=["look-alike", "context-driven"],
    )
    _sensor(
        "fr-zy-sensor-trivy-config-privileged-chart",
        "the sensor reports `trivy config` failed on a push that sets `privileged: true` and "
        "`hostPID: true` on the node-agent DaemonSet in the chart: a misconfiguration finding "
        "the scanner exists to raise, not a broken chart",
        "cipher",
        "code_scanning_alert",
        "trivy-config",
        "feat(node-agent): read host process stats",
        ["charts/node-agent/templates/daemonset.yaml", "charts/node-agent/values.yaml"],
        repo=PLAT,
        tags=["look-alike", "context-driven"],
    )
    _sensor(
        "fr-zy-sensor-grype-release-sbom",
        "the sensor reports the release's `grype sbom` workflow failed on the v0.31.0 tag; the "
        "tag commit only bumps versions, so the SBOM's packages carry a finding at the gate's "
        "severity",
        "cipher",
        "vulnerable_dependency",
        "release-sbom-scan",
        "chore(release): v0.31.0",
        ["Cargo.toml", "Cargo.lock", "CHANGELOG.md"],
        branch="v0.31.0",
    )
    _sensor(
        "fr-zy-sensor-semgrep-subprocess-shell",
        "the sensor reports the semgrep workflow failed on a push that builds a shell command "
        "from a webhook's branch name in the gatekeeper's hook runner",
        "cipher",
        "code_scanning_alert",
        "semgrep",
        "feat(hooks): run the repository's pre-merge hook by branch",
        ["gatekeeper/hooks/runner.py"],
        repo=GATE,
    )
    _sensor(
        "fr-zy-sensor-gitleaks-sendgrid-env",
        "the sensor reports the gitleaks workflow failed on a push that adds `.env.staging` with "
        "a SENDGRID_API_KEY value",
        "cipher",
        "secret_scanning_alert",
        "gitleaks",
        "chore: staging env for the mailer",
        [".env.staging", "services/mailer/README.md"],
        repo=PLAT,
        tags=["context-driven"],
    )
    _sensor(
        "fr-zy-sensor-trufflehog-verified-kubeconfig",
        "the sensor reports the trufflehog workflow failed on a push that commits a kubeconfig "
        "for the staging cluster under `hack/`",
        "cipher",
        "secret_scanning_alert",
        "trufflehog",
        "chore(hack): kubeconfig for the staging debug script",
        ["hack/staging.kubeconfig", "hack/debug-staging.sh"],
        repo=PLAT,
        tags=["look-alike", "context-driven"],
    )
    _sensor(
        "fr-zy-sensor-codeql-path-injection",
        "the sensor reports the CodeQL workflow failed on a push that serves artefact files "
        "from a path taken from the request's query string",
        "cipher",
        "code_scanning_alert",
        "CodeQL",
        "feat(api): download run artefacts by path",
        ["crates/healer-api/src/routes/artefacts.rs"],
    )


# ------------------------------------------------------------------ 2. alert payloads


def alerts() -> None:
    at(REPO)
    p = alert(
        "dependabot_alert",
        "fr-zy-dep-ring",
        REPO,
        {
            "alert.state": "open",
            "alert.dependency": {
                "package": {"ecosystem": "rust", "name": "ring"},
                "manifest_path": "Cargo.lock",
                "scope": "runtime",
            },
            "alert.security_advisory.ghsa_id": "GHSA-4p46-pwfr-66x6",
            "alert.security_advisory.cve_id": None,
            "alert.security_advisory.summary": "Some AES functions may panic when overflow "
            "checking is enabled in ring",
            "alert.security_advisory.severity": "medium",
            "alert.security_vulnerability.package": {"ecosystem": "rust", "name": "ring"},
            "alert.security_vulnerability.severity": "medium",
            "alert.security_vulnerability.vulnerable_version_range": "< 0.17.12",
            "alert.security_vulnerability.first_patched_version": {"identifier": "0.17.12"},
        },
    )
    fcommon.add(
        "fr-zy-alert-dependabot-ring-aes-panic",
        "a Dependabot alert for ring 0.17.8 in Cargo.lock (GHSA-4p46-pwfr-66x6, AES functions "
        "may panic with overflow checks), pulled in by rustls",
        ["obvious", "security", "security-alert", "no-log"],
        "cipher",
        "dependabot_alert",
        "dependabot_alert",
        p,
        {"changed_files": ["Cargo.lock"]},
    )

    at(WEB)
    instance = {
        "ref": "refs/heads/main",
        "analysis_key": ".github/workflows/codeql.yml:analyze",
        "environment": '{"language":"javascript-typescript"}',
        "category": "/language:javascript-typescript",
        "state": "open",
        "commit_sha": sha("fr-zy-cs-xss"),
        "message": {"text": "DOM text is reinterpreted as HTML without escaping meta-characters."},
        "location": {
            "path": "src/components/RunSummary.tsx",
            "start_line": 58,
            "end_line": 58,
            "start_column": 31,
            "end_column": 52,
        },
        "classifications": [],
    }
    p = alert(
        "code_scanning_alert",
        "fr-zy-cs-xss",
        WEB,
        {
            "alert.rule": {
                "id": "js/xss-through-dom",
                "severity": "warning",
                "security_severity_level": "medium",
                "description": "DOM text reinterpreted as HTML",
                "name": "js/xss-through-dom",
                "full_description": "Reinterpreting text from the DOM as HTML can lead to a "
                "cross-site scripting vulnerability.",
                "tags": ["security", "external/cwe/cwe-079", "external/cwe/cwe-116"],
            },
            "alert.number": 41,
            "alert.tool": {"name": "CodeQL", "guid": None, "version": "2.20.1"},
            "alert.instances": [instance],
            "alert.most_recent_instance": instance,
            "alert.url": f"https://api.github.com/repos/{WEB}/code-scanning/alerts/41",
            "alert.html_url": f"https://github.com/{WEB}/security/code-scanning/41",
        },
    )
    fcommon.add(
        "fr-zy-alert-codeql-xss-through-dom",
        "a code-scanning alert from CodeQL: js/xss-through-dom in RunSummary.tsx, where the "
        "run's title read from the DOM is written back with innerHTML",
        ["security", "security-alert", "no-log", "look-alike"],
        "cipher",
        "code_scanning_alert",
        "code_scanning_alert",
        p,
        {"changed_files": ["src/components/RunSummary.tsx"]},
    )

    p = alert(
        "secret_scanning_alert",
        "fr-zy-ss-npm",
        WEB,
        {
            "alert.number": 17,
            "alert.secret_type": "npm_access_token",
            "alert.secret_type_display_name": "npm Access Token",
            "alert.validity": "active",
            "alert.url": f"https://api.github.com/repos/{WEB}/secret-scanning/alerts/17",
            "alert.html_url": f"https://github.com/{WEB}/security/secret-scanning/17",
            "alert.push_protection_bypassed": False,
        },
    )
    p["action"] = "created"
    fcommon.add(
        "fr-zy-alert-secret-scanning-npm-token",
        "a secret-scanning alert (created): an active npm access token found in the console "
        "repository's history",
        ["obvious", "security", "security-alert", "no-log"],
        "cipher",
        "secret_scanning_alert",
        "secret_scanning_alert",
        p,
        {},
    )


# ------------------------------------------------------------------ 3. push protection


def _gh013(cid: str, repo: str, ref: str, kind: str, path: str, token: str) -> real.Out:
    commit = sha(cid)
    out = _push_rejected(
        cid,
        repo,
        [
            f"error: GH013: Repository rule violations found for refs/heads/{ref}.",
            "",
            "- GITHUB PUSH PROTECTION",
            "  —————————————————————————————————————————",
            "    Resolve the following violations before pushing again",
            "",
            "    - Push cannot contain secrets",
            "",
            "",
            f"      —— {kind} ——————————————————",
            "       locations:",
            f"         - commit: {commit}",
            f"           path: {path}",
            "",
            "       (?) To push, remove secret from commit(s) or follow this URL to allow the secret.",
            f"       https://github.com/{repo}/security/secret-scanning/unblock-secret/{token}",
            "",
        ],
        "push declined due to repository rule violations",
        ref=ref,
    )
    assert out.code != 0 and any("GH013" in ln for ln in out.lines), out
    return out


def pushes() -> None:
    at(PLAT)
    cid = "fr-zy-gh013-slack-bot-token-runbook"
    out = _gh013(
        cid,
        PLAT,
        "docs/oncall-bot",
        "Slack API Token",
        "docs/runbooks/oncall-bot.md:42",
        "2zQ7mPd4Rk8Xv1Ns6Tb3Hc9Lw0Yj",
    )
    ci(
        cid,
        "push protection blocks the docs job's push (GH013): a Slack API bot token pasted into "
        "the on-call bot runbook",
        ["obvious", "security"],
        "cipher",
        "secret_scanning_alert",
        workflow="docs",
        job="publish-runbooks",
        repo=PLAT,
        steps=[failing(out, name="Push runbooks branch")],
        message="docs(oncall): how to restart the paging bot",
        files=["docs/runbooks/oncall-bot.md"],
        branch="docs/oncall-bot",
    )

    cid = "fr-zy-gh013-aws-keys-tfvars-chart-release"
    out = _gh013(
        cid,
        PLAT,
        "release/charts",
        "Amazon AWS Access Key ID",
        "infra/terraform/envs/staging/backup.auto.tfvars:7",
        "2zR1kLs8Vb5Qn3Wd7Yh2Mf6Tc0Gp",
    )
    ci(
        cid,
        "the chart-release job packages the charts and pushes the index branch; the push is "
        "declined by push protection (GH013) for an AWS access key in a Terraform tfvars "
        "file the same commit carries, not anything in the charts",
        ["look-alike", "security", "misleading-name"],
        "cipher",
        "secret_scanning_alert",
        workflow="release-charts",
        job="helm-release",
        repo=PLAT,
        steps=[
            run(
                "helm package charts/* -d .cr-release-packages",
                [
                    "Successfully packaged chart and saved it to: "
                    ".cr-release-packages/node-agent-0.9.2.tgz",
                    "Successfully packaged chart and saved it to: "
                    ".cr-release-packages/backup-0.4.0.tgz",
                ],
                name="Package charts",
            ),
            failing(out, name="Push chart index"),
        ],
        message="feat(backup): S3 backups for staging",
        files=[
            "charts/backup/Chart.yaml",
            "charts/backup/values.yaml",
            "infra/terraform/envs/staging/backup.auto.tfvars",
        ],
        branch="release/charts",
    )

    at(REPO)
    cid = "fr-zy-gh013-ssh-key-rust-test-fixture"
    out = _gh013(
        cid,
        REPO,
        "feat/git-deploy-keys",
        "GitHub SSH Private Key",
        "crates/healer-git/tests/fixtures/deploy_key:1",
        "2zS5nWe2Hq9Bt4Kd8Xr1Lv7Pm3Cj",
    )
    ci(
        cid,
        "a Rust crate's git-fetch tests pass, then the job's push of its fixes is declined by "
        "push protection (GH013): the test fixture the change added is a live GitHub SSH "
        "deploy key",
        ["look-alike", "security"],
        "cipher",
        "secret_scanning_alert",
        workflow="rust",
        job="test-and-push-fixes",
        repo=REPO,
        steps=[
            *rust_setup(),
            run(
                "cargo test -p healer-git",
                [
                    "   Compiling healer-git v0.30.0 "
                    "(/home/runner/work/healer/healer/crates/healer-git)",
                    "    Finished `test` profile [unoptimized + debuginfo] target(s) in 22.08s",
                    "     Running tests/fetch.rs (target/debug/deps/fetch-5f0c2a9e1b7d3c44)",
                    "",
                    "running 3 tests",
                    "test loads_deploy_key ... ok",
                    "test rejects_unknown_host_key ... ok",
                    "test fetches_with_fixture_key ... ok",
                    "",
                    "test result: ok. 3 passed; 0 failed; 0 ignored; 0 measured; "
                    "0 filtered out; finished in 0.41s",
                ],
                name="cargo test",
            ),
            failing(out, name="Push formatting fixes"),
        ],
        message="feat(git): fetch private repositories with deploy keys",
        files=[
            "crates/healer-git/src/fetch.rs",
            "crates/healer-git/tests/fetch.rs",
            "crates/healer-git/tests/fixtures/deploy_key",
            "crates/healer-git/tests/fixtures/deploy_key.pub",
        ],
        branch="feat/git-deploy-keys",
    )


# ------------------------------------------------------------------ 4. findings with a log


PR_TITLE_WORKFLOW = """\
name: pr-title
on:
  pull_request:
    types: [opened, edited, synchronize]
permissions:
  contents: read
jobs:
  check:
    runs-on: ubuntu-latest
    steps:
      - name: Check conventional title
        run: |
          title="${{ github.event.pull_request.title }}"
          echo "$title" | grep -Eq '^(feat|fix|chore|docs|ci|build|refactor|test)(\\(.+\\))?!?: '
"""


def findings_with_logs() -> None:
    # 4a. zizmor: template injection in a workflow the change added (cipher)
    at(WEB)
    cid = "fr-zy-zizmor-template-injection-pr-title"
    path = real.scratch(cid, {".github/workflows/pr-title.yml": PR_TITLE_WORKFLOW})
    lines, code = real.run(
        ["zizmor", "--offline", "--no-progress", "--format", "plain", ".github/workflows/"],
        path,
    )
    assert code != 0 and any("template-injection" in ln for ln in lines), lines
    out = real.Out("zizmor --offline --format plain .github/workflows/", lines, code)
    ci(
        cid,
        "zizmor fails the workflow-audit job on the new pr-title workflow: the PR title is "
        "expanded with ${{ }} straight into a run script (template-injection, high); a "
        "security finding in a workflow file, not a broken workflow",
        ["look-alike", "security"],
        "cipher",
        "code_scanning_alert",
        workflow="workflow-audit",
        job="zizmor",
        repo=WEB,
        steps=[
            uses("astral-sh/setup-uv@v5", None, ["Successfully installed uv version 0.5.11"]),
            run("uv tool install zizmor==1.32.0", ["Installed 1 executable: zizmor"]),
            failing(out, name="zizmor"),
        ],
        message="ci: enforce conventional PR titles",
        files=[".github/workflows/pr-title.yml"],
        pr=pr_of(cid, "ci: enforce conventional PR titles"),
    )

    # 4b. Trivy fs: a critical advisory in the lockfile (cipher, obvious)
    cid = "fr-zy-trivy-fs-form-data-critical"
    ci(
        cid,
        "Trivy's filesystem scan fails on package-lock.json: form-data 4.0.0 has CVE-2025-7783 "
        "(CRITICAL, unsafe random boundary), fixed in 4.0.4",
        ["obvious", "security"],
        "cipher",
        "vulnerable_dependency",
        workflow="scan",
        job="trivy-fs",
        repo=WEB,
        steps=[
            uses(
                "aquasecurity/trivy-action@0.29.0",
                {"scan-type": "fs", "severity": "HIGH,CRITICAL", "exit-code": "1"},
                [
                    "Running Trivy with options: trivy fs .",
                    f"{_ts(cid, 0)}\tINFO\t[vuln] Vulnerability scanning is enabled",
                    f"{_ts(cid, 2)}\tINFO\tNumber of language-specific files\tnum=1",
                    f"{_ts(cid, 2)}\tINFO\t[npm] Detecting vulnerabilities...",
                    "",
                    "package-lock.json (npm)",
                    "========================",
                    "Total: 1 (HIGH: 0, CRITICAL: 1)",
                    "",
                    "┌───────────┬────────────────┬──────────┬────────┬───────────────────┬"
                    "──────────────────────┬──────────────────────────────────────────────┐",
                    "│  Library  │ Vulnerability  │ Severity │ Status │ Installed Version │"
                    "    Fixed Version     │                    Title                     │",
                    "├───────────┼────────────────┼──────────┼────────┼───────────────────┼"
                    "──────────────────────┼──────────────────────────────────────────────┤",
                    "│ form-data │ CVE-2025-7783  │ CRITICAL │ fixed  │ 4.0.0             │"
                    " 2.5.4, 3.0.4, 4.0.4  │ form-data: Unsafe random function in         │",
                    "│           │                │          │        │                   │"
                    "                      │ form-data                                    │",
                    "│           │                │          │        │                   │"
                    "                      │ https://avd.aquasec.com/nvd/cve-2025-7783    │",
                    "└───────────┴────────────────┴──────────┴────────┴───────────────────┴"
                    "──────────────────────┴──────────────────────────────────────────────┘",
                ],
                name="Trivy fs",
                error=["##[error]Process completed with exit code 1."],
            ),
        ],
        message="feat(upload): attach logs to bug reports",
        files=["package.json", "package-lock.json", "src/api/upload.ts"],
        pr=pr_of(cid, "feat(upload): attach logs to bug reports"),
    )

    # 4c. dependency-review: a PR that only bumps Cargo.lock into a vulnerable rustls (cipher)
    at(REPO)
    cid = "fr-zy-dependency-review-lockfile-only-rustls"
    ci(
        cid,
        "dependency-review fails on a PR whose only change is Cargo.lock (`cargo update`): the "
        "lockfile moved rustls from 0.23.12 to 0.23.17, inside the range of GHSA-qg5g-gv98-5ffh "
        "(a network-reachable panic in Acceptor::accept); the build and tests pass",
        ["security", "lockfile", "look-alike"],
        "cipher",
        "vulnerable_dependency",
        workflow="pr-checks",
        job="dependency-review",
        steps=[
            uses(
                "actions/checkout@v4",
                None,
                [f"HEAD is now at {sha(cid + ':h')[:7]} chore(deps): cargo update"],
            ),
            uses(
                "actions/dependency-review-action@v4",
                {"fail-on-severity": "moderate", "comment-summary-in-pr": "on-failure"},
                [
                    "Dependency review for changes between "
                    f"{sha(cid + ':b')} and {sha(cid + ':h')}",
                    "",
                    "Vulnerabilities",
                    "  Cargo.lock » rustls@0.23.17 \u2013 rustls network-reachable panic in "
                    "`Acceptor::accept` (high severity)",
                    "    ↪ https://github.com/advisories/GHSA-qg5g-gv98-5ffh",
                    "",
                    "Dependency review did not detect any denied licenses",
                ],
                name="Dependency review",
                error=["##[error]Dependency review detected vulnerable packages."],
            ),
        ],
        message="chore(deps): cargo update",
        files=["Cargo.lock"],
        pr=pr_of(cid, "chore(deps): cargo update", "Weekly `cargo update`. No manifest changes."),
    )


# ------------------------------------------------------------------ 5. look-alikes


SEMGREP_RULES = """\
rules:
  - id: no-shell-true
    languages: [python]
    severity: ERROR
    message: subprocess with shell=True
    pattern: subprocess.$F(..., shell=True, ...)
  - id: no-yaml-load
    languages: [python]
    severity: WARNING
    message: yaml.load without a safe loader
     pattern: yaml.load($X)
"""

SCAN_WORKFLOW = """\
name: scan
on:
  push:
    branches: [main]
  pull_request:
permissions:
  contents: read
jobs:
  trivy-fs:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: aquasecurity/trivy-action@0.29.0
        with:
          scan-type: fs
          scan-ref: .
          severity: HIGH,CRITICAL
        exit-code: "1"
"""


def lookalikes() -> None:
    # 5a. Trivy cannot download its vulnerability DB (atlas)
    at(REPO)
    cid = "fr-zy-lookalike-trivy-db-download-503"
    digest = sha(cid + ":blob") + sha(cid + ":blob2")[:24]
    ci(
        cid,
        "the Trivy image scan fails before scanning: downloading trivy-db from mirror.gcr.io and "
        "ghcr.io both answered 503 (`failed to download artifact from any source`); the change "
        "is a Rust refactor, no finding was produced",
        ["look-alike", "flaky-infra", "security"],
        "atlas",
        "general",
        workflow="container",
        job="trivy-image",
        steps=[
            uses(
                "aquasecurity/trivy-action@0.29.0",
                {
                    "image-ref": "ghcr.io/5dlabs/healer:" + sha(cid + ":h")[:7],
                    "severity": "HIGH,CRITICAL",
                    "exit-code": "1",
                },
                [
                    "Running Trivy with options: trivy image ghcr.io/5dlabs/healer:"
                    + sha(cid + ":h")[:7],
                    f"{_ts(cid, 0)}\tINFO\t[vulndb] Need to update DB",
                    f"{_ts(cid, 0)}\tINFO\t[vulndb] Downloading vulnerability DB...",
                    f"{_ts(cid, 0)}\tINFO\t[vulndb] Downloading artifact...\t"
                    'repo="mirror.gcr.io/aquasec/trivy-db:2"',
                    f"{_ts(cid, 31)}\tWARN\t[vulndb] Failed to download artifact\t"
                    'repo="mirror.gcr.io/aquasec/trivy-db:2" err="OCI repository error: '
                    f"1 error occurred:\\n\\t* GET https://mirror.gcr.io/v2/aquasec/trivy-db/"
                    f"blobs/sha256:{digest}: unexpected status code 503 Service Unavailable "
                    '(HEAD responses have no body, use GET for details)\\n\\n"',
                    f"{_ts(cid, 31)}\tINFO\t[vulndb] Downloading artifact...\t"
                    'repo="ghcr.io/aquasecurity/trivy-db:2"',
                    f"{_ts(cid, 62)}\tWARN\t[vulndb] Failed to download artifact\t"
                    'repo="ghcr.io/aquasecurity/trivy-db:2" err="OCI repository error: '
                    "1 error occurred:\\n\\t* GET https://ghcr.io/v2/aquasecurity/trivy-db/"
                    'manifests/2: unexpected status code 503 Service Unavailable\\n\\n"',
                    f"{_ts(cid, 62)}\tFATAL\tFatal error\trun error: init error: DB error: "
                    "failed to download vulnerability DB: OCI artifact error: failed to "
                    "download vulnerability DB: failed to download artifact from any source",
                ],
                name="Scan image",
                error=["##[error]Process completed with exit code 1."],
            ),
        ],
        message="refactor(router): split scoring into its own module",
        files=["crates/healer-router/src/lib.rs", "crates/healer-router/src/score.rs"],
        pr=pr_of(cid, "refactor(router): split scoring into its own module"),
    )

    # 5b. osv-scanner cannot resolve api.osv.dev (atlas)
    at(WEB)
    cid = "fr-zy-lookalike-osv-scanner-dns"
    ci(
        cid,
        "osv-scanner fails without a result: its query batch to api.osv.dev cannot resolve the "
        "host on a self-hosted runner (`server misbehaving`); the change edits a component",
        ["look-alike", "flaky-infra", "security"],
        "atlas",
        "general",
        workflow="osv",
        job="osv-scan",
        repo=WEB,
        self_hosted=True,
        steps=[
            run(
                "osv-scanner scan source --recursive --lockfile package-lock.json .",
                [
                    "Scanning dir .",
                    "Scanned /home/runner/work/console/console/package-lock.json file and "
                    "found 912 packages",
                    "Error: failed to query batch: Post "
                    '"https://api.osv.dev/v1/querybatch": dial tcp: lookup api.osv.dev on '
                    "127.0.0.53:53: server misbehaving",
                ],
                127,
                name="osv-scanner",
            ),
        ],
        message="feat(runs): show the queue position",
        files=["src/components/RunRow.tsx"],
        pr=pr_of(cid, "feat(runs): show the queue position"),
    )

    # 5c. a semgrep rules file that is broken YAML (bolt) -- real yamllint
    at(GATE)
    cid = "fr-zy-lookalike-semgrep-rules-yaml-syntax"
    out = real.yamllint(cid, {".semgrep/python.yml": SEMGREP_RULES}, [".semgrep/"])
    assert out.code != 0 and any("syntax" in ln for ln in out.lines), out
    ci(
        cid,
        "the semgrep job's rule-validation step fails: yamllint reports a syntax error in "
        ".semgrep/python.yml, where the change's new rule indents `pattern:` one space too far; "
        "no scan ran, the rule file is broken YAML",
        ["look-alike"],
        "bolt",
        "yaml_config",
        workflow="semgrep",
        job="semgrep",
        repo=GATE,
        steps=[failing(out, name="Validate rule files")],
        message="chore(semgrep): flag yaml.load without a safe loader",
        files=[".semgrep/python.yml"],
        pr=pr_of(cid, "chore(semgrep): flag yaml.load without a safe loader"),
    )

    # 5d. a Trivy step inlined in a workflow that is broken YAML (atlas) -- real actionlint
    at(PLAT)
    cid = "fr-zy-lookalike-trivy-workflow-exit-code-key"
    out = real.actionlint(cid, {"scan.yml": SCAN_WORKFLOW})
    assert out.code != 0, out
    ci(
        cid,
        "the workflow-lint job fails on the scan workflow the change edited: the Trivy step's "
        "`exit-code` sits beside `with:` instead of under it, which actionlint rejects as an "
        "unexpected key; the scanner's configuration is in the workflow file",
        ["look-alike"],
        "atlas",
        "workflow_syntax",
        workflow="lint",
        job="actionlint",
        repo=PLAT,
        steps=[failing(out, name="actionlint")],
        message="ci(scan): fail the build on HIGH findings",
        files=[".github/workflows/scan.yml"],
        pr=pr_of(cid, "ci(scan): fail the build on HIGH findings"),
    )

    # 5e. SARIF upload refused: Resource not accessible by integration (atlas)
    at(REPO)
    cid = "fr-zy-lookalike-sarif-upload-not-accessible"
    ci(
        cid,
        "the Trivy fs scan writes its SARIF and exits 0; the upload step fails with `Resource "
        "not accessible by integration` because the change's workflow-wide `permissions: "
        "contents: read` dropped `security-events: write`",
        ["look-alike", "security"],
        "atlas",
        "permissions",
        workflow="scan",
        job="trivy-fs",
        steps=[
            uses(
                "aquasecurity/trivy-action@0.29.0",
                {"scan-type": "fs", "format": "sarif", "output": "trivy-results.sarif"},
                [
                    "Running Trivy with options: trivy fs .",
                    f"{_ts(cid, 0)}\tINFO\t[vuln] Vulnerability scanning is enabled",
                    f"{_ts(cid, 0)}\tINFO\t[secret] Secret scanning is enabled",
                    f"{_ts(cid, 3)}\tINFO\tNumber of language-specific files\tnum=1",
                    f"{_ts(cid, 3)}\tINFO\t[cargo] Detecting vulnerabilities...",
                ],
                name="Trivy fs",
            ),
            uses(
                "github/codeql-action/upload-sarif@v3",
                {"sarif_file": "trivy-results.sarif", "category": "trivy-fs"},
                [
                    "Uploading code scanning results",
                    '  Processing sarif files: ["trivy-results.sarif"]',
                    "  Validating trivy-results.sarif",
                    "  Combining SARIF files using the CodeQL CLI",
                    "  Uploading results",
                    "##[warning]Resource not accessible by integration - "
                    "https://docs.github.com/rest/code-scanning/code-scanning"
                    "#upload-an-analysis-as-sarif-data",
                ],
                name="Upload SARIF",
                error=[
                    "##[error]Resource not accessible by integration - "
                    "https://docs.github.com/rest/code-scanning/code-scanning"
                    "#upload-an-analysis-as-sarif-data"
                ],
            ),
        ],
        message="ci: least-privilege token for all workflows",
        files=[".github/workflows/scan.yml", ".github/workflows/ci.yml"],
        pr=pr_of(
            cid,
            "ci: least-privilege token for all workflows",
            "Adds `permissions: contents: read` at the top of every workflow.",
        ),
    )

    # 5f. scorecard's publish refused by its workflow restrictions (atlas)
    at(GATE)
    cid = "fr-zy-lookalike-scorecard-workflow-restrictions"
    ci(
        cid,
        "the OpenSSF scorecard job computes its checks, then publishing is refused: the "
        "scorecard workflow now has a workflow-level `env:` the change added, which "
        "scorecard-action's publish_results does not allow; no finding failed the job",
        ["look-alike", "security"],
        "atlas",
        "general",
        workflow="Scorecard supply-chain security",
        job="Scorecard analysis",
        repo=GATE,
        steps=[
            uses(
                "ossf/scorecard-action@v2.4.0",
                {
                    "results_file": "results.sarif",
                    "results_format": "sarif",
                    "publish_results": "true",
                },
                [
                    "Event file: /home/runner/work/_temp/_github_workflow/event.json",
                    "Event name: push",
                    "Ref: refs/heads/main",
                    "Repository: 5dlabs/gatekeeper",
                    "Fork repository: false",
                    "Private repository: false",
                    "Publication enabled: true",
                    "Format: sarif",
                    "Policy file: /policy.yml",
                    "Default branch: refs/heads/main",
                    "2026/11/24 10:12:51 error signing scorecard json results: "
                    "error sending scorecard results to webapp: http response 400, status: "
                    '400 Bad Request, error: {"code":400,"message":"workflow verification '
                    "failed: workflow contains global env vars or defaults, see "
                    "https://github.com/ossf/scorecard-action#workflow-restrictions for "
                    'details."}',
                ],
                name="Run analysis",
                error=["##[error]Process completed with exit code 1."],
            ),
        ],
        message="ci(scorecard): pin the Go toolchain for the analysis",
        files=[".github/workflows/scorecard.yml"],
        branch="main",
    )

    # 5g. cargo deny bans: a duplicate version the change's dependency edit added (rex)
    at(REPO)
    cid = "fr-zy-lookalike-cargo-deny-bans-duplicate-hashbrown"
    lock = "/home/runner/work/healer/healer/Cargo.lock"
    ci(
        cid,
        "the supply-chain job's `cargo deny check bans` fails: the change added dashmap 6, "
        "which brings hashbrown 0.14 next to the workspace's 0.15, and deny.toml sets "
        '`multiple-versions = "deny"`; a dependency-policy failure the Rust change must fix, '
        "not an advisory",
        ["look-alike", "security"],
        "rex",
        "rust_deps",
        workflow="supply-chain",
        job="cargo-deny (bans)",
        steps=[
            *rust_setup(),
            uses(
                "EmbarkStudios/cargo-deny-action@v2",
                {"command": "check bans", "arguments": "--all-features"},
                [
                    "error[duplicate]: found 2 duplicate entries for crate 'hashbrown'",
                    f"   ┌─ {lock}:88:1",
                    "   │",
                    "88 │ ╭ hashbrown 0.14.5 registry+https://github.com/rust-lang/crates.io-index",
                    "89 │ │ hashbrown 0.15.2 registry+https://github.com/rust-lang/crates.io-index",
                    "   │ ╰─────────────────────────────────────────────────────────────────────┘"
                    " lock entries",
                    "   │",
                    "   ├ hashbrown v0.14.5",
                    "     └── dashmap v6.1.0",
                    "         └── healer-cache v0.30.0",
                    "             └── healer v0.30.0",
                    "   ├ hashbrown v0.15.2",
                    "     └── indexmap v2.7.0",
                    "         ├── serde_yaml v0.9.34+deprecated",
                    "         │   └── healer-config v0.30.0",
                    "         └── toml_edit v0.22.22",
                    "             └── toml v0.8.19",
                    "                 └── healer-config v0.30.0 (*)",
                    "",
                    "bans FAILED",
                ],
                name="cargo deny",
                error=["##[error]Process completed with exit code 1."],
            ),
        ],
        message="perf(cache): concurrent map for the run cache",
        files=["crates/healer-cache/Cargo.toml", "crates/healer-cache/src/lib.rs", "Cargo.lock"],
        pr=pr_of(cid, "perf(cache): concurrent map for the run cache"),
    )

    # 5h. cargo deny sources: a git fork the change pointed a dependency at (rex)
    cid = "fr-zy-lookalike-cargo-deny-sources-git-fork"
    ci(
        cid,
        "`cargo deny check sources` fails: the change replaced the crates.io `tower-http` "
        "with a git dependency on a contributor's fork to get an unreleased fix, and deny.toml "
        "allows no git sources; the Rust change's dependency edit, not a vulnerability",
        ["look-alike", "security"],
        "rex",
        "rust_deps",
        workflow="supply-chain",
        job="cargo-deny (sources)",
        steps=[
            *rust_setup(),
            uses(
                "EmbarkStudios/cargo-deny-action@v2",
                {"command": "check sources"},
                [
                    "error[source-not-allowed]: detected 'git' source not specifically allowed",
                    f"    ┌─ {lock}:301:1",
                    "    │",
                    "301 │ tower-http 0.6.2 git+https://github.com/mkowalczyk/tower-http?branch="
                    "fix-compression-trailers#5c1e0d4a",
                    "    │ ------------------------------------------------------------------"
                    "------------------ source",
                    "    │",
                    "    ├ tower-http v0.6.2",
                    "      └── healer-api v0.30.0",
                    "          └── healer v0.30.0",
                    "",
                    "sources FAILED",
                ],
                name="cargo deny",
                error=["##[error]Process completed with exit code 1."],
            ),
        ],
        message="fix(api): compress streamed responses with trailers",
        files=["crates/healer-api/Cargo.toml", "Cargo.lock"],
        pr=pr_of(
            cid,
            "fix(api): compress streamed responses with trailers",
            "Uses the fork until tower-rs/tower-http#512 is released.",
        ),
    )

    # 5i. npm audit on the registry's 500 (atlas) -- real npm against a local server
    at(WEB)
    cid = "fr-zy-lookalike-npm-audit-bulk-500"
    lock_text = _lock(
        "console",
        {"date-fns": "4.1.0"},
        {
            "date-fns": {
                "version": "4.1.0",
                "resolved": "https://registry.npmjs.org/date-fns/-/date-fns-4.1.0.tgz",
                "license": "MIT",
            }
        },
    )

    def registry(req):  # type: ignore[no-untyped-def]
        return (500, '{"error":"Internal Server Error"}', "application/json")

    with real.serve(registry) as port:
        out = real.sh(
            cid,
            {
                "package.json": _pkg(dependencies={"date-fns": "4.1.0"}),
                "package-lock.json": lock_text,
            },
            f"npm audit --audit-level=moderate --registry http://127.0.0.1:{port}/",
            "npm audit --audit-level=moderate",
            hosts={f"http://127.0.0.1:{port}/": "https://registry.npmjs.org/"},
        )
    assert out.code != 0, out
    ci(
        cid,
        "the PR's npm audit step fails with no advisory listed: the registry's bulk advisory "
        "endpoint answered 500; the change only reformats dates in a table",
        ["look-alike", "flaky-infra", "audit"],
        "atlas",
        "general",
        workflow="ci",
        job="audit",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="npm audit")],
        message="fix(runs): show started-at in the viewer's time zone",
        files=["src/components/RunTable.tsx"],
        pr=pr_of(cid, "fix(runs): show started-at in the viewer's time zone"),
    )

    # 5j. a licence gate on a GPL package the change added (blaze)
    cid = "fr-zy-lookalike-license-checker-gpl-chart-lib"
    ci(
        cid,
        "the compliance job's licence check fails: the change added `@antv/g2-gpl-charts`, "
        "licensed GPL-3.0, and the gate allows only permissive licences; the front-end "
        "dependency choice, not a vulnerability",
        ["look-alike", "security"],
        "blaze",
        "frontend_deps",
        workflow="compliance",
        job="licenses",
        repo=WEB,
        steps=[
            *node_setup(),
            npm_ci_ok(),
            run(
                "npx license-checker-rseidelsohn --production --excludePrivatePackages "
                "--onlyAllow 'MIT;ISC;Apache-2.0;BSD-2-Clause;BSD-3-Clause;0BSD'",
                [
                    'Package "@antv/g2-gpl-charts@2.3.1" is licensed under "GPL-3.0" which is '
                    "not permitted by the --onlyAllow flag. Exiting.",
                ],
                1,
                name="Check licences",
            ),
        ],
        message="feat(dashboard): throughput chart",
        files=["package.json", "package-lock.json", "src/pages/Dashboard.tsx"],
        pr=pr_of(cid, "feat(dashboard): throughput chart"),
    )
