"""Git and GitHub failures, most under names that point elsewhere: a private submodule in a
frontend job, a lockfile conflict in a lint job, shallow clones, git-lfs, an expired token,
workflow files (actionlint, check-jsonschema, yamllint, an invalid security.yml), and the
runner's own failures (deprecated actions, artifacts, caches, time limits, disk, OIDC,
package permissions, forks), and a PyPI upload that already exists."""

from __future__ import annotations

import base64
import hashlib
import http.server
import io
import json
import zipfile

import real
import shapes
from fcommon import at, ci, failing, node_setup, npm_ci_ok, pr_of, run, rust_setup, sha, uses
from gha import Step
from helpers import buildx_setup, buildx_step

REPO = "5dlabs/healer"


def git_cases() -> None:
    # a frontend job whose checkout cannot clone a private submodule
    at("5dlabs/console")
    root = real.scratch("fr-gh-submodule")
    with real.serve((404, "Repository not found.\n")) as port:
        url = f"http://127.0.0.1:{port}/5dlabs/design-tokens.git"
        repo = root / "console"
        real.new_repo(
            repo,
            {
                "package.json": '{"name":"console"}\n',
                ".gitmodules": f'[submodule "vendor/design-tokens"]\n\tpath = '
                f"vendor/design-tokens\n\turl = {url}\n",
            },
        )
        real.git(
            repo,
            "update-index",
            "--add",
            "--cacheinfo",
            f"160000,{sha('tokens')},vendor/design-tokens",
        )
        real.git(repo, "commit", "-qm", "vendor design tokens")
        lines, code = real.git(
            repo,
            "-c",
            "protocol.version=2",
            "submodule",
            "update",
            "--init",
            "--force",
            "--depth=1",
            "--recursive",
            hosts={f"http://127.0.0.1:{port}": "https://github.com"},
        )
    assert code != 0, lines
    body = [
        "##[group]Run actions/checkout@v4",
        "with:",
        "  submodules: recursive",
        "  repository: 5dlabs/console",
        "  token: ***",
        "  fetch-depth: 1",
        "##[endgroup]",
        "Syncing repository: 5dlabs/console",
        "##[group]Fetching submodules",
        "[command]/usr/bin/git submodule sync --recursive",
        "[command]/usr/bin/git -c protocol.version=2 submodule update --init --force --depth=1 "
        "--recursive",
        *[ln.replace(real.RUNNER, "/home/runner/work/console/console") for ln in lines],
        "##[endgroup]",
        f"##[error]The process '/usr/bin/git' failed with exit code {code}",
    ]
    ci(
        "fr-gh-frontend-private-submodule",
        "the frontend job dies in checkout: the design-tokens submodule is a private repository "
        "the workflow token cannot read",
        ["misleading-name", "platform"],
        "atlas",
        "permissions",
        workflow="frontend",
        job="build-web",
        repo="5dlabs/console",
        steps=[Step("Checkout with submodules", body, "failure", None, 12), *node_setup()[:0]],
        message="build: vendor design tokens as a submodule",
        files=[".gitmodules", "vendor/design-tokens"],
    )

    # a lint job that first merges main and conflicts in package-lock.json
    at("5dlabs/console")
    root = real.scratch("fr-gh-lock-conflict")
    lock = {
        "name": "console",
        "lockfileVersion": 3,
        "packages": {
            "": {"name": "console", "dependencies": {"zod": "^3.23.0"}},
            "node_modules/zod": {
                "version": "3.23.8",
                "resolved": "https://registry.npmjs.org/zod/-/zod-3.23.8.tgz",
            },
        },
    }
    base = json.dumps(lock, indent=2) + "\n"
    ours = base.replace("3.23.8", "3.24.1")
    theirs = base.replace("3.23.8", "3.23.9")
    real.new_repo(root, {"package-lock.json": base, "src/a.ts": "export {};\n"})
    real.git(root, "checkout", "-qb", "feature")
    real.commit_all(root, {"package-lock.json": ours}, "deps: zod 3.24")
    real.git(root, "checkout", "-q", "main")
    real.commit_all(root, {"package-lock.json": theirs}, "deps: zod 3.23.9")
    real.git(root, "checkout", "-q", "feature")
    lines, code = real.git(root, "merge", "--no-edit", "main")
    lines = [ln.replace("'main'", "'origin/main'") for ln in lines]
    out = real.Out("git merge --no-edit origin/main", lines, code)
    ci(
        "fr-gh-lint-job-lockfile-conflict",
        "a 'frontend-lint' job that merges main before linting stops on a package-lock.json "
        "conflict",
        ["misleading-name"],
        "atlas",
        "merge_conflict",
        workflow="frontend",
        job="frontend-lint",
        repo="5dlabs/console",
        steps=[
            run("git fetch origin main", [], name="Fetch main"),
            failing(out, name="Merge main"),
        ],
        message="deps: zod 3.24",
        files=["package-lock.json"],
        event="check_run",
        check=("frontend-lint", "Process completed with exit code 1."),
        pr=pr_of("fr-gh-lint-job-lockfile-conflict", "deps: zod 3.24"),
    )

    # git describe in a depth-1 clone
    at(REPO)
    root = real.scratch("fr-gh-describe")
    real.new_repo(root / "origin", {"Cargo.toml": real.cargo_toml("healer")})
    real.git(root / "origin", "tag", "-a", "v0.13.0", "-m", "v0.13.0")
    real.commit_all(root / "origin", {"CHANGELOG.md": "## next\n"}, "feat: next")
    real.git(root, "clone", "-q", "--depth=1", f"file://{root / 'origin'}", "work")
    lines, code = real.git(root / "work", "describe", "--tags", "--abbrev=0")
    out = real.Out("VERSION=$(git describe --tags --abbrev=0)", lines, code)
    ci(
        "fr-gh-describe-shallow-clone",
        "the release job's version step runs git describe in a depth-1 checkout: no tags",
        ["obvious"],
        "atlas",
        "git_error",
        workflow="release",
        job="version",
        repo=REPO,
        steps=[failing(out, name="Compute version")],
        message="feat: next",
        files=["CHANGELOG.md"],
    )

    # git-lfs missing on a self-hosted runner
    root = real.scratch("fr-gh-lfs")
    real.new_repo(root, {".gitattributes": "*.onnx filter=lfs diff=lfs merge=lfs -text\n"})
    lines, code = real.git(root, "lfs", "pull")
    out = real.Out("git lfs pull", lines, code)
    ci(
        "fr-gh-lfs-not-installed",
        "the model-tests job on a self-hosted runner cannot fetch LFS model files: git-lfs is "
        "not installed on the runner image",
        ["platform"],
        "atlas",
        "git_error",
        workflow="Rust CI",
        job="model-tests",
        repo=REPO,
        self_hosted=True,
        steps=[failing(out, name="Fetch model weights")],
        message="test(classifier): golden model outputs",
        files=["models/router.onnx"],
    )

    # push with an expired token
    root = real.scratch("fr-gh-expired-pat")
    real.new_repo(root, {"VERSION": "0.14.1\n"})

    def deny(req: http.server.BaseHTTPRequestHandler) -> tuple[int, str, str]:
        return (
            401,
            "Invalid username or token. Password authentication is not supported "
            "for Git operations.\n",
            "text/plain",
        )

    class H(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="GitHub"')
            body = (
                b"Invalid username or token. Password authentication is not "
                b"supported for Git operations.\n"
            )
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *a: object) -> None:
            pass

    import threading

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    try:
        lines, code = real.git(
            root,
            "push",
            f"http://x-access-token:expired@127.0.0.1:{port}/{REPO}.git",
            "HEAD:refs/heads/main",
            "--follow-tags",
            hosts={
                f"http://x-access-token:expired@127.0.0.1:{port}": "https://github.com",
                f"http://127.0.0.1:{port}": "https://github.com",
            },
        )
    finally:
        server.shutdown()
        server.server_close()
    out = real.Out("git push origin HEAD:main --follow-tags", lines, code)
    ci(
        "fr-gh-bump-version-expired-token",
        "the version-bump job cannot push: the RELEASE_PAT it uses has expired (401)",
        ["obvious"],
        "atlas",
        "permissions",
        workflow="release",
        job="bump-version",
        repo=REPO,
        steps=[
            run('git config user.name "healer-release[bot]"', [], name="Configure git"),
            run(
                'echo "0.14.1" > VERSION && git commit -am "chore: release 0.14.1" && '
                "git tag v0.14.1",
                [
                    "[main 4f1d2aa] chore: release 0.14.1",
                    " 1 file changed, 1 insertion(+), 1 deletion(-)",
                ],
                name="Bump",
            ),
            failing(out, name="Push", env={"GITHUB_TOKEN": "***"}),
        ],
        message="chore: release 0.14.1",
        files=["VERSION"],
        event="workflow_run",
    )


def workflow_files() -> None:
    at(REPO)
    out = real.actionlint(
        "fr-gh-actionlint-label",
        {
            "nightly.yml": """
        name: nightly
        on:
          schedule:
            - cron: "17 3 * * *"
        jobs:
          soak:
            runs-on: ubuntu-22.4
            steps:
              - uses: actions/checkout@v4
              - run: cargo test --release -- --ignored soak
    """
        },
    )
    ci(
        "fr-gh-actionlint-runner-label",
        "actionlint: nightly.yml asks for runner label ubuntu-22.4, which does not exist",
        ["obvious", "yaml-owner"],
        "atlas",
        "workflow_syntax",
        workflow="workflows",
        job="actionlint",
        repo=REPO,
        steps=[failing(out, name="actionlint")],
        message="ci: nightly soak test",
        files=[".github/workflows/nightly.yml"],
    )

    out = real.actionlint(
        "fr-gh-actionlint-event",
        {
            "docs.yml": """
        name: docs
        on:
          pull-request:
            paths: ["docs/**"]
        jobs:
          build:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - run: npx vitepress build docs
    """
        },
    )
    ci(
        "fr-gh-actionlint-unknown-event",
        "actionlint: the docs workflow triggers on pull-request (hyphen) instead of pull_request",
        ["yaml-owner", "misleading-name"],
        "atlas",
        "workflow_syntax",
        workflow="docs",
        job="lint-workflows",
        repo="5dlabs/console",
        steps=[failing(out, name="Lint workflows")],
        message="docs: build docs on PRs",
        files=[".github/workflows/docs.yml"],
        event="check_run",
        check=("lint-workflows", "1 error"),
    )

    path = real.scratch(
        "fr-gh-jsonschema-dependabot",
        {
            ".github/dependabot.yml": """
        version: 2
        updates:
          - package-ecosystem: cargo
            directory: /
            schedule:
              interval: fortnightly
          - package-ecosystem: npm
            directory: /web
            schedule:
              interval: weekly
    """
        },
    )
    lines, code = real.run(
        ["check-jsonschema", "--builtin-schema", "vendor.dependabot", ".github/dependabot.yml"],
        path,
    )
    out = real.Out(
        "check-jsonschema --builtin-schema vendor.dependabot .github/dependabot.yml", lines, code
    )
    ci(
        "fr-gh-dependabot-yml-schema",
        "check-jsonschema rejects .github/dependabot.yml: interval 'fortnightly' is not allowed",
        ["yaml-owner", "obvious"],
        "atlas",
        "workflow_syntax",
        workflow="config-lint",
        job="schemas",
        repo=REPO,
        steps=[
            run(
                "pipx install check-jsonschema==0.39.0",
                ["installed package check-jsonschema 0.39.0, installed using Python 3.12.3"],
                name="Install check-jsonschema",
            ),
            failing(out, name="Validate dependabot.yml"),
        ],
        message="chore(deps): cargo updates every two weeks",
        files=[".github/dependabot.yml"],
    )

    path = real.scratch(
        "fr-gh-jsonschema-workflow",
        {
            ".github/workflows/bench.yml": """
        name: bench
        on: [push]
        jobs:
          bench:
            runs-on: ubuntu-latest
            timeout-minutes: 45m
            steps:
              - uses: actions/checkout@v4
              - run: cargo bench --bench dispatch
    """
        },
    )
    lines, code = real.run(
        [
            "check-jsonschema",
            "--builtin-schema",
            "vendor.github-workflows",
            ".github/workflows/bench.yml",
        ],
        path,
    )
    out = real.Out(
        "check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml",
        lines,
        code,
    )
    ci(
        "fr-gh-workflow-schema-timeout",
        "the bench workflow's timeout-minutes is '45m' (a string); the workflow schema check "
        "fails in a job named rust-bench-config",
        ["yaml-owner", "misleading-name"],
        "atlas",
        "workflow_syntax",
        workflow="config-lint",
        job="rust-bench-config",
        repo=REPO,
        steps=[failing(out, name="Validate workflows")],
        message="ci: benchmark dispatch",
        files=[".github/workflows/bench.yml"],
    )

    out = real.yamllint(
        "fr-gh-yamllint-codeql",
        {
            ".github/workflows/codeql.yml": """
        name: codeql
        on:
          push:
            branches: [main]
        jobs:
          analyze:
            runs-on: ubuntu-latest
            permissions:
              security-events: write
            steps:
              - uses: actions/checkout@v4
              - uses: github/codeql-action/init@v3
                with:
                  languages: javascript-typescript, rust
              - uses: github/codeql-action/analyze@v3
                  with:
                  category: "/language:${{ matrix.language }}"
    """
        },
        [".github/workflows/"],
    )
    ci(
        "fr-gh-security-lint-codeql-yaml",
        "a 'security-lint' job fails: yamllint cannot parse .github/workflows/codeql.yml (a "
        "mis-indented with: key)",
        ["yaml-owner", "misleading-name"],
        "atlas",
        "workflow_syntax",
        workflow="security",
        job="security-lint",
        repo="5dlabs/console",
        steps=[failing(out, name="yamllint workflows")],
        message="ci(codeql): per-language category",
        files=[".github/workflows/codeql.yml"],
    )

    # the 'security' workflow itself is invalid: GitHub fails the run without a job
    from fcommon import common

    common.ci(
        "fr-gh-security-workflow-invalid",
        "the 'security' workflow run fails with no jobs: GitHub could not parse "
        ".github/workflows/security.yml after a merge (tab indentation on line 23)",
        ["misleading-name", "no-log", "yaml-owner"],
        "atlas",
        "workflow_syntax",
        workflow="security",
        job="security",
        repo=REPO,
        steps=[],
        logs=False,
        message="ci(security): weekly cargo-deny run",
        files=[".github/workflows/security.yml"],
        event="workflow_run",
    )


def runner_cases() -> None:
    at(REPO)
    cache_v2 = Step(
        "Run actions/cache@v2",
        [
            "##[error]This request has been automatically failed because it uses a deprecated "
            "version of `actions/cache: v2`. Please update your workflow to use v3/v4 of "
            "actions/cache to avoid interruptions. Learn more: https://github.blog/changelog/"
            "2024-12-05-notice-of-upcoming-releases-and-breaking-changes-for-github-actions/"
            "#actions-cache-v1-v2-and-actions-toolkit-cache-package-closing-down"
        ],
        "failure",
        None,
        0,
    )
    ci(
        "fr-gh-deprecated-cache-v2",
        "the rust-tests job fails at set-up: actions/cache@v2 has been shut down",
        ["platform", "misleading-name"],
        "atlas",
        "general",
        workflow="Rust CI",
        job="rust-tests",
        repo=REPO,
        steps=[cache_v2],
        message="ci: cache cargo registry",
        files=[".github/workflows/rust.yml"],
    )

    up = uses(
        "actions/upload-artifact@v4",
        {"name": "junit", "path": "target/nextest/ci/junit.xml"},
        [
            "With the provided path, there will be 1 file uploaded",
            "Artifact name is valid!",
            "Root directory input is valid!",
        ],
        error=[
            "##[error]Failed to CreateArtifact: Received non-retryable error: Failed "
            "request: (409) Conflict: an artifact with this name already exists on the "
            "workflow run"
        ],
    )
    ci(
        "fr-gh-matrix-artifact-409",
        "every matrix leg uploads an artifact named 'junit'; the second upload gets 409",
        ["platform"],
        "atlas",
        "general",
        workflow="Rust CI",
        job="test (macos-14, beta)",
        repo=REPO,
        steps=[
            *rust_setup(),
            run(
                "cargo nextest run --profile ci",
                [
                    "    Starting 412 tests across 9 binaries",
                    "     Summary [  38.412s] 412 tests run: 412 passed, 3 skipped",
                ],
                name="Tests",
            ),
            up,
        ],
        message="ci: test on macOS and beta",
        files=[".github/workflows/rust.yml"],
        event="workflow_run",
    )

    down = uses(
        "actions/download-artifact@v4",
        {"name": "web-dist", "path": "dist"},
        ["Downloading single artifact"],
        error=[
            "##[error]Unable to download artifact(s): Artifact not found for name: web-dist",
            "        Please ensure that your artifact is not expired and the artifact "
            "was uploaded using a compatible version of toolkit/upload-artifact.",
            "        For more information, visit the GitHub Artifacts FAQ: "
            "https://github.com/actions/toolkit/blob/main/packages/artifact/docs/"
            "faq.md",
        ],
    )
    ci(
        "fr-gh-download-artifact-missing",
        "deploy-frontend cannot download 'web-dist': the build job now uploads it as "
        "'console-dist'",
        ["platform", "misleading-name"],
        "atlas",
        "general",
        workflow="frontend",
        job="deploy-frontend",
        repo="5dlabs/console",
        steps=[down],
        message="ci: rename build artifact",
        files=[".github/workflows/frontend.yml"],
    )

    restore = uses(
        "actions/cache/restore@v4",
        {
            "path": "~/.cache/ms-playwright",
            "key": "playwright-Linux-1.49.1",
            "fail-on-cache-miss": "true",
        },
        ["Cache not found for input keys: playwright-Linux-1.49.1"],
        error=[
            "##[error]Failed to restore cache entry. Exiting as fail-on-cache-miss "
            "is set. Input key: playwright-Linux-1.49.1"
        ],
    )
    ci(
        "fr-gh-e2e-cache-miss",
        "the e2e job restores Playwright browsers with fail-on-cache-miss; the key was bumped "
        "and nothing saved it yet",
        ["platform", "misleading-name"],
        "atlas",
        "general",
        workflow="e2e",
        job="playwright",
        repo="5dlabs/console",
        steps=[*node_setup(), npm_ci_ok(), restore],
        message="test(e2e): playwright 1.49.1",
        files=["package.json"],
        event="check_run",
        check=("playwright", "Failed to restore cache entry."),
    )

    ci(
        "fr-gh-job-time-limit",
        "cargo test is still running when the job hits its 30-minute timeout-minutes; the "
        "runner cancels it (no test failed, the change only touches docs)",
        ["platform"],
        "atlas",
        "general",
        workflow="Rust CI",
        job="integration",
        repo=REPO,
        steps=[
            *rust_setup(),
            Step(
                "Integration tests",
                [
                    "##[group]Run cargo test --test integration -- --test-threads=2",
                    "cargo test --test integration -- --test-threads=2",
                    "shell: /usr/bin/bash -e {0}",
                    "##[endgroup]",
                    "   Compiling healer v0.14.0 (/home/runner/work/healer/healer)",
                    "    Finished `test` profile [unoptimized + debuginfo] target(s) in 3m 12s",
                    "     Running tests/integration.rs (target/debug/deps/integration-5b0e3c1f9d2a7e44)",
                    "",
                    "running 64 tests",
                    *[f"test dispatch::case_{i:02d} ... ok" for i in range(1, 23)],
                    "test dispatch::replay_full_day has been running for over 60 seconds",
                    "##[error]The job has exceeded the maximum execution time of 30m0s",
                    "##[error]The operation was canceled.",
                ],
                "cancelled",
                None,
                1500,
            ),
        ],
        message="docs(dispatch): document agent weights",
        files=["docs/dispatch.md"],
        conclusion="cancelled",
        cancelled=True,
    )

    ci(
        "fr-gh-runner-disk-full",
        "the hosted runner runs out of disk during a release build; the runner reports it and "
        "the step dies writing its log",
        ["platform"],
        "atlas",
        "general",
        workflow="release",
        job="build-linux-musl",
        repo=REPO,
        steps=[
            *rust_setup(),
            Step(
                "Build",
                [
                    "##[group]Run cargo build --release --target x86_64-unknown-linux-musl",
                    "cargo build --release --target x86_64-unknown-linux-musl",
                    "shell: /usr/bin/bash -e {0}",
                    "##[endgroup]",
                    "   Compiling proc-macro2 v1.0.92",
                    "   Compiling tokio v1.43.0",
                    "   Compiling healer v0.14.0 (/home/runner/work/healer/healer)",
                    "##[warning]You are running out of disk space. The runner will stop working when the "
                    "machine runs out of disk space. Free space left: 41 MB",
                    "##[error]System.IO.IOException: No space left on device : '/home/runner/runners/"
                    "2.328.0/_diag/pages/0f3a1b7c-5e24-4d8a-9b61-2c7d9e0a4f18_"
                    "1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9_1.log'",
                    "   at System.IO.RandomAccess.WriteAtOffset(SafeFileHandle handle, "
                    "ReadOnlySpan`1 buffer, Int64 fileOffset)",
                    "   at System.IO.Strategies.BufferedFileStreamStrategy.FlushWrite()",
                ],
                "failure",
                None,
                900,
            ),
        ],
        message="release: musl builds",
        files=[".github/workflows/release.yml"],
    )

    aws = uses(
        "aws-actions/configure-aws-credentials@v4",
        {
            "role-to-assume": "arn:aws:iam::123456789012:role/healer-deploy",
            "aws-region": "us-east-1",
        },
        [
            "It looks like you might be trying to authenticate with OIDC. Did you mean to "
            "set the `id-token` permission? If you are not trying to authenticate with OIDC "
            "and the action is working successfully, you can ignore this message."
        ],
        error=[
            "##[error]Credentials could not be loaded, please check your action "
            "inputs: Could not load credentials from any providers"
        ],
    )
    ci(
        "fr-gh-oidc-missing-id-token",
        "the terraform job cannot assume its AWS role: the workflow's permissions block no "
        "longer grants id-token: write",
        ["platform", "misleading-name"],
        "atlas",
        "permissions",
        workflow="infra",
        job="terraform-apply",
        repo="5dlabs/platform",
        steps=[aws],
        message="ci: least-privilege permissions",
        files=[".github/workflows/infra.yml"],
    )

    # push to ghcr denied: the token lacks packages: write
    dockerfile = (
        "FROM gcr.io/distroless/static-debian12:nonroot\n"
        "COPY dist/healer-relay /healer-relay\n"
        'ENTRYPOINT ["/healer-relay"]\n'
    )
    bk = shapes.BuildKit("fr-gh-ghcr-denied", dockerfile, context_kb=18042.3)
    bk.metadata()
    bk.run_until(None)
    ref = "ghcr.io/5dlabs/healer-relay:0.3.0"
    err = bk.push_denied(
        ref,
        "unexpected status from POST request to https://ghcr.io/v2/5dlabs/"
        "healer-relay/blobs/uploads/: 403 Forbidden",
    )
    j = ci(
        "fr-gh-docker-push-forbidden",
        "the 'docker' job builds fine and fails pushing to ghcr.io: 403, the job's "
        "GITHUB_TOKEN has no packages: write",
        ["misleading-name", "platform"],
        "atlas",
        "permissions",
        workflow="docker",
        job="docker",
        repo=REPO,
        steps=[*buildx_setup(), buildx_step(bk.finish(err), err, ref)],
        message="feat(relay): publish the relay image",
        files=["images/relay/Dockerfile"],
    )
    del j

    # fork PR: github-script cannot comment
    at("5dlabs/console")
    with real.serve(
        (
            403,
            json.dumps(
                {
                    "message": "Resource not accessible by integration",
                    "documentation_url": "https://docs.github.com/rest/issues/comments#create-an-issue-"
                    "comment",
                    "status": "403",
                }
            ),
            "application/json",
        )
    ) as port:
        out = real.node_run(
            "fr-gh-fork-comment",
            {
                "comment.mjs": f"""
            const res = await fetch("http://127.0.0.1:{port}/repos/5dlabs/console/issues/1873/comments", {{
              method: "POST",
              headers: {{ authorization: `token ${{process.env.GITHUB_TOKEN ?? ""}}` }},
              body: JSON.stringify({{ body: "Bundle size: +2.1 kB" }}),
            }});
            if (!res.ok) {{
              const data = await res.json();
              const err = new Error(`${{data.message}} - ${{data.documentation_url}}`);
              err.name = "HttpError";
              err.status = res.status;
              throw err;
            }}
        """
            },
            "comment.mjs",
            hosts={f"http://127.0.0.1:{port}": "https://api.github.com"},
        )
    lines = [
        ln.replace(
            "file:///home/runner/work/console/console/comment.mjs",
            "eval at callAsyncFunction (/home/runner/work/_actions/actions/"
            "github-script/v7/dist/index.js:36187:16)",
        )
        for ln in out.lines
    ]
    step = uses(
        "actions/github-script@v7",
        {"script": "await github.rest.issues.createComment(…)"},
        [],
        error=[
            *lines,
            "##[error]Unhandled error: HttpError: Resource not accessible "
            "by integration - https://docs.github.com/rest/issues/comments#"
            "create-an-issue-comment",
        ],
    )
    pr = pr_of("fr-gh-fork-comment", "feat(table): sticky header")
    pr["head"] = {"repo": {"full_name": "contributor-x/console", "fork": True}}
    ci(
        "fr-gh-fork-pr-comment-forbidden",
        "a bundle-size job on a pull request from a fork cannot post its comment: the fork's "
        "token is read-only (403 Resource not accessible by integration)",
        ["platform", "misleading-name"],
        "atlas",
        "permissions",
        workflow="bundle-size",
        job="report-size",
        repo="5dlabs/console",
        steps=[*node_setup(), npm_ci_ok(), step],
        message="feat(table): sticky header",
        files=["src/table/Header.tsx"],
        pr=pr,
    )


def wheel() -> bytes:
    meta = (
        "Metadata-Version: 2.1\nName: healer-client\nVersion: 0.9.0\n"
        "Summary: Python client for Healer\n"
    )
    files = {
        "healer_client/__init__.py": "__version__ = '0.9.0'\n",
        "healer_client-0.9.0.dist-info/METADATA": meta,
        "healer_client-0.9.0.dist-info/WHEEL": "Wheel-Version: 1.0\nGenerator: hatchling 1.25.0\n"
        "Root-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = []
    for name, text in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=")
        record.append(f"{name},sha256={digest.decode()},{len(text)}")
    record.append("healer_client-0.9.0.dist-info/RECORD,,")
    files["healer_client-0.9.0.dist-info/RECORD"] = "\n".join(record) + "\n"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, text in files.items():
            info = zipfile.ZipInfo(name, date_time=(2026, 11, 2, 9, 0, 0))
            z.writestr(info, text)
    return buf.getvalue()


def release() -> None:
    at("5dlabs/healer-py")
    path = real.scratch("fr-gh-twine")
    (path / "dist").mkdir()
    (path / "dist" / "healer_client-0.9.0-py3-none-any.whl").write_bytes(wheel())

    reason = (
        "File already exists ('healer_client-0.9.0-py3-none-any.whl', with blake2_256 "
        "hash '8f0c2d6b4a1e9f3c7b5d2e8a6c4f1b3d9e7a5c2f0b8d6e4a2c1f9b7d5e3a1c8f'). See "
        "https://pypi.org/help/#file-name-reuse for more information."
    )

    class Upload(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            body = f"<html><body><h1>400 {reason}</h1></body></html>".encode()
            self.send_response(400, reason)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *a: object) -> None:
            pass

    import threading

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Upload)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    try:
        lines, code = real.run(
            [
                "twine",
                "upload",
                "--non-interactive",
                "--disable-progress-bar",
                "--repository-url",
                f"http://127.0.0.1:{port}/legacy/",
                "dist/*",
            ],
            path,
            env={"TWINE_USERNAME": "__token__", "TWINE_PASSWORD": "pypi-fake", "COLUMNS": "100"},
            hosts={
                f"http://127.0.0.1:{port}/legacy/": "https://upload.pypi.org/legacy/",
                f"127.0.0.1:{port}": "upload.pypi.org",
            },
        )
    finally:
        server.shutdown()
        server.server_close()
    out = real.Out("twine upload --non-interactive dist/*", lines, code)
    ci(
        "fr-gh-pypi-version-exists",
        "publishing the Python client fails: 0.9.0 is already on PyPI (the tag was re-pushed "
        "without a version bump)",
        ["obvious"],
        "atlas",
        "release_publish",
        workflow="publish",
        job="pypi",
        repo="5dlabs/healer-py",
        steps=[
            uses(
                "actions/setup-python@v5",
                {"python-version": "3.12"},
                ["Successfully set up CPython (3.12.7)"],
            ),
            run(
                "python -m build",
                [
                    "Successfully built healer_client-0.9.0.tar.gz and "
                    "healer_client-0.9.0-py3-none-any.whl"
                ],
                name="Build",
            ),
            failing(
                out,
                name="Upload to PyPI",
                env={"TWINE_USERNAME": "__token__", "TWINE_PASSWORD": "***"},
            ),
        ],
        message="release: 0.9.0",
        files=["pyproject.toml"],
        event="workflow_run",
    )


def build() -> None:
    git_cases()
    workflow_files()
    runner_cases()
    release()
