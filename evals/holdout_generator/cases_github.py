"""Git and GitHub failures (conflicts, pushes, releases, permissions, workflow files, the
platform under misleading names) and security events (alerts from the real fixtures, scanner
steps, scanner runs known only from the sensor body)."""

from __future__ import annotations

import http.server
import json
import threading
from typing import Any

import real
from common import FAKE_GHP, FAKE_SLACK, add, ci, failing, node_setup, npm_ci_ok, pr_of, rust_setup
from gha import Job, Step, alert, check_run, h, run, sensor, sha, uses, workflow_job

REPO = "5dlabs/cto"
GITHUB = "https://github.com"


# ------------------------------------------------------------------ git, for real


def conflict(name: str, path: str, base: str, ours: str, theirs: str, mode: str) -> real.Out:
    root = real.scratch(name)
    real.new_repo(root, {path: base})
    real.git(root, "checkout", "-qb", "feature")
    real.commit_all(root, {path: theirs}, "feature change")
    real.git(root, "checkout", "-q", "main")
    real.commit_all(root, {path: ours}, "main change")
    if mode == "merge":
        real.git(root, "checkout", "-q", "feature")
        lines, code = real.git(root, "merge", "--no-edit", "main")
        return real.Out("git merge --no-edit origin/main", lines, code)
    if mode == "rebase":
        real.git(root, "checkout", "-q", "feature")
        lines, code = real.git(root, "rebase", "main")
        lines = [ln for ln in lines if not ln.startswith("hint:")] + [
            ln for ln in lines if ln.startswith("hint:")
        ]
        return real.Out("git rebase origin/main", lines, code)
    real.git(root, "checkout", "-qb", "release/1.8", "main")
    lines, code = real.git(root, "cherry-pick", "-x", "feature")
    return real.Out("git cherry-pick -x $BACKPORT_SHA", lines, code)


def two_clones(name: str) -> tuple[Any, Any, Any]:
    root = real.scratch(name)
    remote = root / "remote.git"
    real.run(["git", "init", "-q", "--bare", "-b", "main", str(remote)], root)
    a, b = root / "a", root / "b"
    for clone in (a, b):
        real.run(["git", "clone", "-q", str(remote), str(clone)], root)
    real.commit_all(a, {"CHANGELOG.md": "# Changelog\n"}, "init")
    real.git(a, "push", "-q", "origin", "HEAD:main")
    real.git(b, "pull", "-q", "origin", "main")
    return remote, a, b


def push_rejected(name: str) -> real.Out:
    remote, a, b = two_clones(name)
    real.commit_all(a, {"CHANGELOG.md": "# Changelog\n\n## 0.9.3\n"}, "chore(release): 0.9.3")
    real.git(a, "push", "-q", "origin", "HEAD:main")
    real.commit_all(b, {"docs/agents.md": "rex, blaze\n"}, "docs: agents")
    lines, code = real.git(
        b, "push", "origin", "HEAD:main", hosts={str(remote): f"{GITHUB}/{REPO}.git"}
    )
    return real.Out("git push origin HEAD:main", lines, code)


def tag_exists(name: str, tag: str) -> real.Out:
    remote, a, b = two_clones(name)
    real.commit_all(a, {"VERSION": "0.9.3\n"}, "release 0.9.3")
    real.git(a, "tag", tag)
    real.git(a, "push", "-q", "origin", "HEAD:main", tag)
    real.commit_all(b, {"VERSION": "0.9.3\n", "NOTES.md": "notes\n"}, "release 0.9.3 again")
    real.git(b, "tag", tag)
    lines, code = real.git(
        b, "push", "origin", f"refs/tags/{tag}", hosts={str(remote): f"{GITHUB}/{REPO}.git"}
    )
    return real.Out(f"git push origin {tag}", lines, code)


def http_push(name: str, status: int, body: str) -> real.Out:
    root = real.scratch(name)
    real.new_repo(root, {"CHANGELOG.md": "## 0.9.3\n"})
    with real.serve((status, body)) as port:
        lines, code = real.git(
            root,
            "push",
            f"http://127.0.0.1:{port}/{REPO}.git",
            "HEAD:refs/heads/main",
            hosts={f"http://127.0.0.1:{port}": GITHUB},
        )
    return real.Out("git push origin HEAD:main", lines, code)


def unrelated(name: str) -> real.Out:
    root = real.scratch(name)
    other = root / "other"
    real.new_repo(other, {"README.md": "docs site\n"})
    app = root / "app"
    real.new_repo(app, {"README.md": "healer\n"})
    real.git(app, "fetch", "-q", str(other), "main:docs-site")
    lines, code = real.git(app, "merge", "docs-site")
    return real.Out("git merge docs-site", lines, code)


def shallow_merge_base(name: str) -> real.Out:
    root = real.scratch(name)
    src = root / "src"
    real.new_repo(src, {"a.txt": "1\n"})
    real.git(src, "checkout", "-qb", "feature")
    real.commit_all(src, {"a.txt": "2\n"}, "feature")
    real.git(src, "checkout", "-q", "main")
    real.commit_all(src, {"b.txt": "1\n"}, "main moves on")
    real.git(root, "clone", "-q", "--depth=1", "--branch", "feature", f"file://{src}", "app")
    app = root / "app"
    real.git(app, "fetch", "-q", "--depth=1", "origin", "main:refs/remotes/origin/main")
    lines, code = real.git(app, "diff", "--name-only", "origin/main...HEAD")
    return real.Out("git diff --name-only origin/main...HEAD", lines, code)


def checkout_missing(name: str) -> real.Out:
    root = real.scratch(name)
    real.git(root, "init", "-q")
    with real.serve((404, "Repository not found.\n")) as port:
        lines, code = real.git(
            root,
            "-c",
            "protocol.version=2",
            "fetch",
            "--no-tags",
            "--prune",
            "--no-recurse-submodules",
            "--depth=1",
            f"http://127.0.0.1:{port}/5dlabs/platform-charts",
            "+refs/heads/main:refs/remotes/origin/main",
            hosts={f"http://127.0.0.1:{port}": GITHUB},
        )
    return real.Out("git fetch", lines, code)


def submodule_without_url(name: str) -> real.Out:
    root = real.scratch(name)
    real.new_repo(
        root,
        {
            "README.md": "healer\n",
            ".gitmodules": '[submodule "proto"]\n\tpath = vendor/proto\n'
            "\turl = https://github.com/5dlabs/proto.git\n",
        },
    )
    real.git(
        root, "update-index", "--add", "--cacheinfo", f"160000,{sha('proto')},vendor/healer-proto"
    )
    real.git(root, "commit", "-qm", "vendor healer-proto")
    lines, code = real.git(root, "submodule", "sync", "--recursive")
    lines2, code2 = real.git(
        root,
        "-c",
        "protocol.version=2",
        "submodule",
        "update",
        "--init",
        "--force",
        "--depth=1",
        "--recursive",
    )
    return real.Out(
        "git submodule update --init --force --depth=1 --recursive", lines + lines2, code2 or code
    )


def gh013_push(
    name: str, message: list[str], reason: str = "push declined due to repository rule violations"
) -> real.Out:
    """``git push`` to a local smart-HTTP server that declines the ref the way GitHub's push
    protection does (side-band messages, then ``ng`` in report-status)."""
    root = real.scratch(name)
    real.new_repo(root, {"scripts/release.sh": "#!/bin/sh\nexport GH_TOKEN=" + FAKE_GHP + "\n"})

    def pkt(data: bytes) -> bytes:
        return f"{len(data) + 4:04x}".encode() + data

    class H(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = (
                pkt(b"# service=git-receive-pack\n")
                + b"0000"
                + pkt(
                    b"0" * 40 + b" capabilities^{}\0report-status side-band-64k "
                    b"agent=github/spokes-receive-pack-7f2c1d\n"
                )
                + b"0000"
            )
            self.send_response(200)
            self.send_header("Content-Type", "application/x-git-receive-pack-advertisement")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            if self.headers.get("Transfer-Encoding") == "chunked":
                while True:
                    size = int(self.rfile.readline().strip(), 16)
                    self.rfile.read(size + 2)
                    if size == 0:
                        break
            else:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
            out = b"".join(pkt(b"\x02" + (ln + "\n").encode()) for ln in message)
            report = pkt(b"unpack ok\n") + pkt(f"ng refs/heads/main {reason}\n".encode()) + b"0000"
            out += pkt(b"\x01" + report) + b"0000"
            self.send_response(200)
            self.send_header("Content-Type", "application/x-git-receive-pack-result")
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
    server.block_on_close = False
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    try:
        lines, code = real.git(
            root,
            "push",
            f"http://127.0.0.1:{port}/{REPO}.git",
            "HEAD:refs/heads/main",
            hosts={f"http://127.0.0.1:{port}": GITHUB},
        )
    finally:
        server.shutdown()
        server.server_close()
    return real.Out("git push origin HEAD:main", lines, code)


def curl_json(
    name: str, status: int, body: dict[str, Any], method: str, path: str, data: str = ""
) -> real.Out:
    with real.serve((status, json.dumps(body, indent=2), "application/json")) as port:
        payload = f" -d '{data}'" if data else ""
        return real.sh(
            name,
            {},
            f"curl -sS --fail-with-body -X {method} -H 'Accept: "
            f"application/vnd.github+json' http://127.0.0.1:{port}{path}{payload}",
            f'curl -sS --fail-with-body -X {method} -H "Authorization: Bearer '
            f'$GITHUB_TOKEN" https://api.github.com{path}{payload}',
            hosts={f"http://127.0.0.1:{port}": "https://api.github.com"},
        )


def npm_registry_401(name: str) -> real.Out:
    pkg = {"name": "web", "version": "0.3.0", "dependencies": {"@5dlabs/ui": "^0.4.0"}}
    body = json.dumps({"error": "authentication token not provided"})
    with real.serve((401, body, "application/json")) as port:
        return real.sh(
            name,
            {
                "package.json": json.dumps(pkg, indent=2),
                ".npmrc": f"@5dlabs:registry=http://127.0.0.1:{port}/\n"
                f"//127.0.0.1:{port}/:_authToken=${{NODE_AUTH_TOKEN}}\n",
            },
            "npm install --no-audit --no-fund --cache .npm-cache",
            "npm install",
            env={"NODE_AUTH_TOKEN": "expired"},
            hosts={
                f"http://127.0.0.1:{port}/": "https://npm.pkg.github.com/",
                f"127.0.0.1:{port}": "npm.pkg.github.com",
            },
        )


def cargo_registry_401(name: str) -> real.Out:
    def answer(req: http.server.BaseHTTPRequestHandler) -> tuple[int, str, str]:
        if req.path.endswith("config.json"):
            host = req.headers["Host"]
            return (
                200,
                json.dumps(
                    {
                        "dl": f"http://{host}/api/v1/crates",
                        "api": f"http://{host}",
                        "auth-required": True,
                    }
                ),
                "application/json",
            )
        return 401, json.dumps({"errors": [{"detail": "token expired"}]}), "application/json"

    with real.serve(answer) as port:
        local = f"127.0.0.1:{port}"
        files = {
            "Cargo.toml": real.cargo_toml(
                "healer", 'healer-proto = { version = "0.3", registry = "internal" }'
            ),
            "src/main.rs": "fn main() {}\n",
            ".cargo/config.toml": f'[registries.internal]\nindex = "sparse+http://{local}/"\n'
            'credential-provider = "cargo:token"\n',
        }
        return real.sh(
            name,
            files,
            "cargo fetch",
            "cargo fetch --locked",
            env={
                "CARGO_HOME": str(real.RUNS / name / ".cargo-home"),
                "CARGO_REGISTRIES_INTERNAL_TOKEN": "Bearer expired",
                "CARGO_NET_RETRY": "0",
            },
            hosts={
                f"http://{local}/": "https://crates.5dlabs.ai/index/",
                f"http://{local}": "https://crates.5dlabs.ai",
                local: "crates.5dlabs.ai",
            },
        )


# ------------------------------------------------------------------ atlas, plain


def atlas_obvious() -> None:
    out = conflict(
        "ho-conflict-merge",
        "Cargo.toml",
        '[workspace]\nmembers = ["crates/healer"]\n',
        '[workspace]\nmembers = ["crates/healer", "crates/notify"]\n',
        '[workspace]\nmembers = ["crates/healer", "crates/router"]\n',
        "merge",
    )
    ci(
        "ho-git-merge-conflict-workspace",
        "merging main into the branch conflicts in the workspace's Cargo.toml",
        ["obvious"],
        "atlas",
        "merge_conflict",
        workflow="sync-branches",
        job="merge-main",
        steps=[failing(out, name="Merge main")],
        message="Merge branch 'main' into feat/router",
        files=["Cargo.toml"],
    )

    out = conflict(
        "ho-conflict-rebase",
        "web/package.json",
        '{\n  "name": "web",\n  "version": "0.3.0"\n}\n',
        '{\n  "name": "web",\n  "version": "0.3.1"\n}\n',
        '{\n  "name": "web",\n  "version": "0.4.0-beta.1"\n}\n',
        "rebase",
    )
    ci(
        "ho-git-rebase-conflict-package",
        "the auto-rebase job stops on a conflict in web/package.json",
        ["obvious", "misleading-name"],
        "atlas",
        "merge_conflict",
        workflow="web-ci",
        job="auto-rebase",
        steps=[failing(out, name="Rebase on main")],
        message="chore(web): 0.4.0-beta.1",
        files=["web/package.json"],
    )

    out = conflict(
        "ho-conflict-pick",
        "charts/healer/values.yaml",
        "image:\n  tag: 1.7.0\n",
        "image:\n  tag: 1.7.4\n",
        "image:\n  tag: 1.8.0\nreplicas: 3\n",
        "cherry-pick",
    )
    ci(
        "ho-git-cherry-pick-conflict",
        "the backport bot's cherry-pick onto release/1.8 conflicts in a Helm values file",
        ["obvious", "misleading-name"],
        "atlas",
        "merge_conflict",
        workflow="Backport",
        job="backport",
        steps=[failing(out, name="Cherry-pick onto release/1.8")],
        message="chore(chart): scale to three replicas",
        files=["charts/healer/values.yaml"],
    )

    out = push_rejected("ho-push-nonff")
    ci(
        "ho-git-push-non-fast-forward",
        "the docs bot's push is rejected: main moved (fetch first)",
        ["obvious"],
        "atlas",
        "git_error",
        workflow="docs",
        job="publish",
        steps=[failing(out, name="Push docs")],
        message="docs: agents",
        files=["docs/agents.md"],
    )

    out = http_push(
        "ho-push-403", 403, "Permission to 5dlabs/cto.git denied to github-actions[bot]."
    )
    ci(
        "ho-git-push-403-bot",
        "the changelog job's push gets 403: the workflow token is read-only",
        ["obvious"],
        "atlas",
        "permissions",
        workflow="Changelog",
        job="update",
        steps=[failing(out, name="Commit changelog")],
        message="chore: changelog",
        files=["CHANGELOG.md"],
    )

    out = tag_exists("ho-tag-exists", "v0.9.3")
    ci(
        "ho-release-tag-exists",
        "the release tag already exists on the remote at another commit",
        ["obvious"],
        "atlas",
        "release_publish",
        workflow="Release",
        job="tag",
        steps=[failing(out, name="Push tag")],
        message="chore(release): v0.9.3",
        files=["VERSION"],
    )

    out = curl_json(
        "ho-gh-release-422",
        422,
        {
            "message": "Validation Failed",
            "errors": [{"resource": "Release", "code": "already_exists", "field": "tag_name"}],
            "documentation_url": "https://docs.github.com/rest/releases/releases#create-a-release",
            "status": "422",
        },
        "POST",
        f"/repos/{REPO}/releases",
        '{"tag_name":"v0.9.3","name":"v0.9.3","generate_release_notes":true}',
    )
    ci(
        "ho-gh-release-already-exists",
        "creating the GitHub release fails with 422 already_exists for tag v0.9.3",
        ["obvious"],
        "atlas",
        "release_publish",
        workflow="Release",
        job="github-release",
        steps=[failing(out, name="Create release")],
        message="chore(release): v0.9.3",
        files=[".github/workflows/release.yml"],
        event="workflow_run",
    )

    body = json.dumps(
        {"error": "You cannot publish over the previously published versions: 0.4.1."}
    )
    with real.serve((403, body, "application/json")) as port:
        out = real.sh(
            "ho-npm-publish",
            {
                "package.json": json.dumps({"name": "@5dlabs/ui", "version": "0.4.1"}),
                "index.js": "export const version = '0.4.1';\n",
                ".npmrc": f"//127.0.0.1:{port}/:_authToken=${{NODE_AUTH_TOKEN}}\n",
            },
            f"npm publish --access public --cache {real.RUNS / 'ho-npm-publish-cache'} "
            f"--registry http://127.0.0.1:{port}/",
            "npm publish --access public",
            env={"NODE_AUTH_TOKEN": "***"},
            hosts={
                f"http://127.0.0.1:{port}/": "https://registry.npmjs.org/",
                f"127.0.0.1:{port}": "registry.npmjs.org",
            },
        )
    ci(
        "ho-npm-publish-version-exists",
        "npm publish is refused: version 0.4.1 is already on "
        "the registry (the release forgot to bump)",
        ["obvious", "misleading-name"],
        "atlas",
        "release_publish",
        workflow="Frontend CI",
        job="publish-ui",
        steps=[*node_setup(), failing(out, name="Publish @5dlabs/ui")],
        message="feat(ui): button variants",
        files=["packages/ui/src/button.ts"],
    )

    out = unrelated("ho-unrelated")
    ci(
        "ho-git-unrelated-histories",
        "merging the imported docs site refuses unrelated histories",
        ["obvious"],
        "atlas",
        "git_error",
        workflow="sync-docs",
        job="merge",
        steps=[failing(out, name="Merge docs-site")],
        message="chore: import docs site",
        files=["docs/"],
    )

    out = shallow_merge_base("ho-shallow-base")
    ci(
        "ho-git-shallow-no-merge-base",
        "the changed-files step diffs against origin/main in a depth-1 clone: no merge base",
        ["obvious", "misleading-name"],
        "atlas",
        "git_error",
        workflow="Rust CI",
        job="changes",
        steps=[failing(out, name="List changed files")],
        message="ci: only test what changed",
        files=[".github/workflows/rust-ci.yml"],
    )


def workflow_files() -> None:
    out = real.actionlint(
        "ho-actionlint-input",
        {
            "ci.yml": """
        name: CI
        on: [push]
        jobs:
          web:
            runs-on: ubuntu-latest
            timeout-minutes: ten
            steps:
              - uses: actions/checkout@v4
              - uses: actions/setup-node@v4
                with:
                  node-version: ${{ matrix.node }}
              - run: npm ci && npm test
    """
        },
    )
    ci(
        "ho-actionlint-timeout-matrix",
        "actionlint: timeout-minutes is not a number and matrix.node is used without a matrix",
        ["obvious", "yaml-owner"],
        "atlas",
        "workflow_syntax",
        workflow="lint-workflows",
        job="actionlint",
        steps=[failing(out, name="actionlint")],
        message="ci: node for the web job",
        files=[".github/workflows/ci.yml"],
    )

    out = real.actionlint(
        "ho-actionlint-needs",
        {
            "deploy.yml": """
        name: Deploy
        on:
          push:
            branches: [main]
        jobs:
          image:
            runs-on: ubuntu-latest
            steps:
              - run: echo build
          rollout:
            needs: [images]
            runs-on: ubuntu-latest
            if: ${{ github.event.head_commit.mesage != 'skip' }}
            steps:
              - run: kubectl rollout status deployment/healer -n cto
    """
        },
    )
    ci(
        "ho-actionlint-deploy-needs",
        "actionlint on a deploy workflow: needs: names a job "
        "that does not exist and a context property is misspelt; the file, not Kubernetes",
        ["yaml-owner", "misleading-name"],
        "atlas",
        "workflow_syntax",
        workflow="infra-lint",
        job="workflows",
        steps=[failing(out, name="actionlint")],
        message="ci: gate rollout on the image",
        files=[".github/workflows/deploy.yml"],
    )

    out = real.yamllint(
        "ho-yl-workflow",
        {
            ".github/workflows/release.yml": """
        name: Release
        on:
          push:
            tags: ["v*"]
        jobs:
          publish:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - name: Publish
              run: cargo publish --locked
    """
        },
        [".github/workflows"],
        config="extends: default\nrules:\n  truthy: disable\n  document-start: disable\n",
    )
    ci(
        "ho-yamllint-workflow-syntax",
        "yamllint: a workflow step's run: is outdented, the file is not valid YAML",
        ["obvious", "yaml-owner"],
        "atlas",
        "workflow_syntax",
        workflow="lint",
        job="yaml",
        steps=[failing(out, name="yamllint")],
        message="ci: publish crates on tags",
        files=[".github/workflows/release.yml"],
    )

    out = real.yamllint(
        "ho-yl-dependabot",
        {
            ".github/dependabot.yml": """
        version: 2
        updates:
          - package-ecosystem: cargo
            directory: "/"
            schedule:
              interval: weekly
          - package-ecosystem: npm
            directory: "/web"
            schedule:
              interval: weekly
              interval: daily
    """
        },
        [".github/"],
        config="extends: default\nrules:\n  document-start: disable\n",
    )
    ci(
        "ho-yamllint-dependabot-config",
        "yamllint on .github/dependabot.yml: a duplicated key; "
        "a GitHub config file, not a security finding",
        ["yaml-owner", "misleading-name"],
        "atlas",
        "workflow_syntax",
        workflow="Dependabot config",
        job="validate",
        steps=[failing(out, name="yamllint")],
        message="chore: daily npm updates",
        files=[".github/dependabot.yml"],
    )

    out = real.yamllint(
        "ho-yl-helm-named",
        {
            ".github/workflows/helm-lint.yml": """
        name: helm-lint
        on: [pull_request]
        jobs:
          lint:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - run: |
                  helm lint charts/*
    """
            + "            \t  helm template charts/healer > /dev/null\n",
            "charts/healer/Chart.yaml": "apiVersion: v2\nname: healer\nversion: 1.8.0\n",
        },
        [".github/workflows", "charts"],
        config="extends: relaxed\n",
    )
    ci(
        "ho-yamllint-helm-named-workflow",
        "a job named helm-lint fails, but the only error is a tab in the workflow file itself",
        ["yaml-owner", "misleading-name"],
        "atlas",
        "workflow_syntax",
        workflow="helm-lint",
        job="lint",
        steps=[failing(out, name="yamllint")],
        message="ci: template the chart too",
        files=[".github/workflows/helm-lint.yml"],
    )

    j = Job("ho-invalid-workflow-file", REPO, "Deploy", "deploy", "main", [])
    from gha import workflow_run as wr

    payload = wr(j, "ci: deploy on tags")
    payload["workflow_run"]["name"] = ".github/workflows/deploy.yml"
    add(
        "ho-invalid-workflow-file",
        "the run failed at start-up: GitHub rejected the "
        "workflow file (no jobs ran, so there is no job log)",
        ["yaml-owner", "platform"],
        "atlas",
        "workflow_syntax",
        "workflow_run",
        payload,
        {
            "changed_files": [".github/workflows/deploy.yml"],
            "commit_message": "ci: deploy on tags",
            "pull_request": None,
        },
    )


def yaml_infra() -> None:
    out = real.yamllint(
        "ho-yl-manifest",
        {
            "infra/k8s/healer/deployment.yaml": """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: healer
          namespace: cto
        spec:
          replicas: 2
          template:
            spec:
              containers:
                - name: healer
                  image: ghcr.io/5dlabs/healer:1.8.4
                  ports:
                    - containerPort: 8080
                  env:
                    - name: RUST_LOG
                      value: info
                    - name: RUST_LOG
                        value: debug
    """
        },
        ["infra/k8s"],
        config="extends: default\nrules:\n  document-start: disable\n",
    )
    ci(
        "ho-yamllint-k8s-manifest",
        "yamllint on a Deployment manifest: bad indentation under env",
        ["yaml-owner", "misleading-name"],
        "bolt",
        "k8s_manifest",
        workflow="Rust CI",
        job="manifests",
        steps=[failing(out, name="Lint manifests")],
        message="k8s(healer): debug logging",
        files=["infra/k8s/healer/deployment.yaml"],
    )

    out = real.yamllint(
        "ho-yl-argo-app",
        {
            "infra/gitops/apps/healer.yaml": """
        apiVersion: argoproj.io/v1alpha1
        kind: Application
        metadata:
          name: healer
          namespace: argocd
        spec:
          project: platform
          source:
            repoURL: https://github.com/5dlabs/cto.git
            path: infra/gitops/apps/healer
            targetRevision: main
          destination:
            server: https://kubernetes.default.svc
            namespace: cto
          syncPolicy:
            automated: {prune: true, selfHeal: true
            syncOptions:
              - CreateNamespace=true
    """
        },
        ["infra/gitops"],
        config="extends: relaxed\n",
    )
    ci(
        "ho-yamllint-argocd-application",
        "yamllint on an Argo CD Application: an unclosed flow mapping",
        ["yaml-owner", "obvious"],
        "bolt",
        "k8s_manifest",
        workflow="gitops-validate",
        job="yaml",
        steps=[failing(out, name="yamllint")],
        message="gitops(healer): self-heal",
        files=["infra/gitops/apps/healer.yaml"],
    )


# ------------------------------------------------------------------ platform


def checkout_step(repo: str, lines: list[str], code: int) -> Step:
    """actions/checkout of another repository failing in its fetch, with its retries."""
    body = [
        "##[group]Run actions/checkout@v4",
        "with:",
        f"  repository: {repo}",
        "  path: charts",
        "  token: ***",
        "  ssh-strict: true",
        "  persist-credentials: true",
        "  clean: true",
        "  fetch-depth: 1",
        "##[endgroup]",
        f"Syncing repository: {repo}",
        "##[group]Fetching the repository",
    ]
    fetch = (
        "[command]/usr/bin/git -c protocol.version=2 fetch --no-tags --prune "
        "--no-recurse-submodules --depth=1 origin +refs/heads/main*:refs/remotes/origin/"
        "main* +refs/tags/main*:refs/tags/main*"
    )
    for wait in (13, 19):
        body += [
            fetch,
            *lines,
            f"The process '/usr/bin/git' failed with exit code {code}",
            f"Waiting {wait} seconds before trying again",
        ]
    body += [
        fetch,
        *lines,
        "##[endgroup]",
        f"##[error]The process '/usr/bin/git' failed with exit code {code}",
    ]
    return Step("Run actions/checkout@v4", body, "failure", None, 40)


def platform() -> None:
    out = checkout_missing("ho-checkout-404")
    ci(
        "ho-plat-checkout-private-repo",
        "checking out 5dlabs/platform-charts fails: the "
        "repository is private and the job token cannot see it",
        ["platform", "misleading-name"],
        "atlas",
        "permissions",
        workflow="helm-charts",
        job="package",
        steps=[checkout_step("5dlabs/platform-charts", out.lines, out.code)],
        message="chart: vendor shared templates",
        files=[".github/workflows/helm-charts.yml"],
    )

    out = submodule_without_url("ho-submodule")
    ci(
        "ho-plat-submodule-no-url",
        "the submodule path in the index has no entry in "
        ".gitmodules (it was renamed), so checkout cannot fetch it",
        ["platform", "misleading-name"],
        "atlas",
        "git_error",
        workflow="Controller CI",
        job="build",
        steps=[
            Step(
                "Run actions/checkout@v4 (submodules)",
                [
                    "##[group]Run actions/checkout@v4",
                    "with:",
                    "  submodules: recursive",
                    "  token: ***",
                    "##[endgroup]",
                    "##[group]Fetching submodules",
                    "[command]/usr/bin/git submodule sync --recursive",
                    "[command]/usr/bin/git -c protocol.version=2 submodule update --init --force "
                    "--depth=1 --recursive",
                    *out.lines,
                    "##[endgroup]",
                    f"##[error]The process '/usr/bin/git' failed with exit code {out.code}",
                ],
                "failure",
                None,
                6,
            )
        ],
        message="chore: rename proto submodule",
        files=[".gitmodules"],
    )

    j = Job(
        "ho-plat-upload-artifact-v3",
        REPO,
        "Rust CI",
        "coverage",
        "feat/coverage",
        [],
        tail=[
            "##[error]This request has been automatically failed because it uses a "
            "deprecated version of `actions/upload-artifact: v3`. Learn more: "
            "https://github.blog/changelog/2024-04-16-deprecation-notice-v3-of-the-"
            "artifact-actions/"
        ],
        cancelled=True,
    )
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
        "ho-plat-upload-artifact-v3",
        "the job fails in 'Set up job' because the workflow still uses actions/upload-artifact@v3",
        ["platform", "misleading-name"],
        "atlas",
        "workflow_syntax",
        "workflow_job",
        payload,
        {
            "logs": {"coverage": setup_only_log(j, "actions/upload-artifact@v3")},
            "changed_files": ["crates/healer/src/lib.rs"],
            "commit_message": "test: coverage for routing",
        },
    )

    conflict_err = (
        "##[error]Failed to CreateArtifact: Received non-retryable error: Failed "
        "request: (409) Conflict: an artifact with this name already exists on "
        "the workflow run"
    )
    ci(
        "ho-plat-artifact-409",
        "two matrix legs upload an artifact with the same name; the second upload gets 409",
        ["platform", "misleading-name"],
        "atlas",
        "general",
        workflow="Frontend CI",
        job="test (20)",
        steps=[
            *node_setup(),
            npm_ci_ok(),
            uses(
                "actions/upload-artifact@v4",
                {"name": "coverage", "path": "coverage/"},
                [
                    "With the provided path, there will be 14 files uploaded",
                    "Artifact name is valid!",
                    "Root directory input is valid!",
                ],
                error=[conflict_err],
            ),
        ],
        message="ci: node 20 and 22 matrix",
        files=[".github/workflows/frontend-ci.yml"],
    )

    ci(
        "ho-plat-cache-miss",
        "actions/cache/restore with fail-on-cache-miss finds no entry for the new lockfile hash",
        ["platform", "misleading-name"],
        "atlas",
        "general",
        workflow="Rust CI",
        job="test",
        steps=[
            *rust_setup(),
            uses(
                "actions/cache/restore@v4",
                {
                    "path": "target\n~/.cargo/registry",
                    "key": "Linux-cargo-3f9c1e0d4b7a",
                    "fail-on-cache-miss": "true",
                },
                ["Cache not found for input keys: Linux-cargo-3f9c1e0d4b7a"],
                error=[
                    "##[error]Failed to restore cache entry. Exiting as fail-on-cache-miss is "
                    "set. Input key: Linux-cargo-3f9c1e0d4b7a"
                ],
            ),
        ],
        message="deps: bump serde",
        files=["Cargo.lock"],
    )

    lost = (
        "The self-hosted runner: arc-runner-5w2xz-runner-8rqkd lost communication with "
        "the server. Verify the machine is running and has a healthy network connection. "
        "Anything in your workflow that terminates the runner process, starves it for "
        "CPU/Memory, or blocks its network access can cause this error."
    )
    j = ci(
        "ho-plat-runner-lost",
        "the self-hosted runner lost contact with GitHub mid-build "
        "(a check_run whose summary is the runner message)",
        ["platform", "flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="Controller CI",
        job="build",
        steps=[
            *rust_setup(),
            Step(
                "Run cargo build --release --workspace",
                [
                    "##[group]Run cargo build --release --workspace",
                    "cargo build --release --workspace",
                    "shell: /usr/bin/bash -e {0}",
                    "##[endgroup]",
                ],
                "cancelled",
                None,
                300,
            ),
        ],
        message="feat(controller): metrics",
        files=["crates/controller/src/metrics.rs"],
        event="check_run",
        check=("build", lost),
        self_hosted=True,
        runner="arc-runner-5w2xz-runner-8rqkd",
        cancelled=True,
    )
    del j

    not_acquired = "The job was not acquired by Runner of type hosted even after multiple attempts"
    j = Job("ho-plat-not-acquired", REPO, "Frontend CI", "build", "feat/landing", [])
    payload = check_run(j, "build", not_acquired, annotations=1)
    add(
        "ho-plat-not-acquired",
        "no hosted runner ever picked up the job; no log exists",
        ["platform", "flaky-infra"],
        "atlas",
        "general",
        "check_run",
        payload,
        {"changed_files": ["web/src/landing.tsx"], "commit_message": "feat(web): landing"},
    )

    fork_pr = {
        "number": 1931,
        "title": "fix(web): typo in footer",
        "body": "Small typo fix from a fork.",
        "head_ref": "contributor:patch-1",
        "base_ref": "main",
    }
    ci(
        "ho-plat-fork-no-secrets-docker",
        "a pull request from a fork gets no secrets, so docker/login-action has an empty password",
        ["platform", "misleading-name"],
        "atlas",
        "permissions",
        workflow="Images",
        job="build-web",
        steps=[
            uses("docker/setup-buildx-action@v3", {}, ["Docker info", "Buildx version"]),
            uses(
                "docker/login-action@v3",
                {"registry": "ghcr.io", "username": "5dlabs-bot", "password": ""},
                [],
                error=["##[error]Username and password required"],
            ),
        ],
        message="fix(web): typo in footer",
        files=["web/src/footer.tsx"],
        pr=fork_pr,
        branch="patch-1",
    )

    ci(
        "ho-plat-fork-no-secrets-aws",
        "configure-aws-credentials finds no credentials in a fork's pull_request run",
        ["platform", "misleading-name"],
        "atlas",
        "permissions",
        workflow="infra-plan",
        job="plan",
        steps=[
            uses(
                "aws-actions/configure-aws-credentials@v4",
                {"aws-region": "us-east-1", "role-to-assume": ""},
                [],
                error=[
                    "##[error]Credentials could not be loaded, please check your action inputs: "
                    "Could not load credentials from any providers"
                ],
            )
        ],
        message="docs(infra): fix link",
        files=["infra/README.md"],
        pr={**fork_pr, "number": 1944, "title": "docs(infra): fix link"},
        branch="patch-2",
    )

    out = npm_registry_401("ho-npm-401")
    ci(
        "ho-plat-npm-401-packages",
        "npm install of a private @5dlabs package gets 401 from "
        "GitHub Packages: the token has expired",
        ["platform", "misleading-name"],
        "atlas",
        "permissions",
        workflow="Frontend CI",
        job="build",
        steps=[
            *node_setup(),
            failing(out, name="Install dependencies", env={"NODE_AUTH_TOKEN": "***"}),
        ],
        message="deps(web): ui 0.4",
        files=["web/package.json"],
    )

    out = cargo_registry_401("ho-cargo-401")
    ci(
        "ho-plat-cargo-registry-401",
        "cargo cannot read the private registry index: 401, the registry token expired",
        ["platform", "misleading-name"],
        "atlas",
        "permissions",
        workflow="Rust CI",
        job="build",
        steps=[
            *rust_setup(),
            failing(out, name="Fetch crates", env={"CARGO_REGISTRIES_INTERNAL_TOKEN": "***"}),
        ],
        message="deps: healer-proto 0.3",
        files=["Cargo.toml"],
    )

    ci(
        "ho-plat-ghcr-login-denied",
        "docker login to ghcr.io is denied with the expired registry PAT",
        ["platform", "misleading-name"],
        "atlas",
        "permissions",
        workflow="Infrastructure",
        job="images",
        steps=[
            uses("docker/setup-buildx-action@v3", {}, ["Docker info", "Buildx version"]),
            uses(
                "docker/login-action@v3",
                {"registry": "ghcr.io", "username": "5dlabs-bot", "password": "***"},
                ["Logging into ghcr.io..."],
                error=[
                    '##[error]Error response from daemon: Get "https://ghcr.io/v2/": denied: denied'
                ],
            ),
        ],
        message="build: multi-arch images",
        files=["infra/images/healer/Dockerfile"],
    )

    out = curl_json(
        "ho-gh-403-integration",
        403,
        {
            "message": "Resource not accessible by integration",
            "documentation_url": "https://docs.github.com/rest/issues/comments#create-an-issue-"
            "comment",
            "status": "403",
        },
        "POST",
        f"/repos/{REPO}/issues/1877/comments",
        '{"body":"Preview ready"}',
    )
    ci(
        "ho-plat-token-not-accessible",
        "posting the preview comment fails: the workflow token lacks pull-requests: write",
        ["platform", "misleading-name"],
        "atlas",
        "permissions",
        workflow="Frontend CI",
        job="preview",
        steps=[*node_setup(), failing(out, name="Comment preview URL")],
        message="ci: comment preview links",
        files=[".github/workflows/frontend-ci.yml"],
        pr=pr_of("ho-plat-token-not-accessible", "ci: comment preview links"),
    )

    message = [
        "error: GH013: Repository rule violations found for refs/heads/main.",
        "",
        "- GITHUB PUSH PROTECTION",
        "  \u2014" * 1 + "\u2014" * 40,
        "    Resolve the following violations before pushing again",
        "",
        "    - Push cannot contain secrets",
        "",
        "",
        "     (?) Learn how to resolve a blocked push",
        "     https://docs.github.com/code-security/secret-scanning/working-with-secret-"
        "scanning-and-push-protection/working-with-push-protection-from-the-command-line"
        "#resolving-a-blocked-push",
        "",
        "",
        "      \u2014\u2014 GitHub Personal Access Token " + "\u2014" * 22,
        "       locations:",
        f"         - commit: {sha('gh013')}",
        "           path: scripts/release.sh:2",
        "",
        "       (?) To push, remove secret from commit(s) or follow this URL to allow the secret.",
        f"       https://github.com/{REPO}/security/secret-scanning/unblock-secret/"
        f"2pQ{sha('unblock')[:25]}",
        "",
    ]
    out = gh013_push("ho-gh013", message)
    ci(
        "ho-plat-push-protection-gh013",
        "the release bot's push is blocked by push "
        "protection: the commit contains a (fake) personal access token",
        ["platform", "has-secret", "misleading-name"],
        "cipher",
        "secret_scanning_alert",
        workflow="Release",
        job="bump-version",
        steps=[failing(out, name="Push version bump")],
        message="chore(release): script token",
        files=["scripts/release.sh"],
    )


def setup_only_log(j: Job, action: str) -> str:
    """A job that failed while preparing its actions: only the set-up lines exist."""
    from datetime import timedelta

    from gha import start_of

    t = start_of(j.key)
    lines = [
        "Current runner version: '2.328.0'",
        "##[group]Operating System",
        "Ubuntu",
        "24.04.3",
        "LTS",
        "##[endgroup]",
        "##[group]GITHUB_TOKEN Permissions",
        "Contents: read",
        "Metadata: read",
        "##[endgroup]",
        "Secret source: Actions",
        "Prepare workflow directory",
        "Prepare all required actions",
        "Getting action download info",
        *j.tail,
    ]
    out = []
    for n, line in enumerate(lines):
        t += timedelta(microseconds=h(f"{j.key}:{n}", 300, 60_000))
        out.append(t.strftime("%Y-%m-%dT%H:%M:%S.%f") + "0Z " + line)
    del action
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------ security


def security() -> None:
    deps = [
        (
            "ws",
            "npm",
            "web/package-lock.json",
            "GHSA-3h5v-q93c-6h6q",
            "CVE-2024-37890",
            "ws affected by a DoS when handling a request with many HTTP headers",
            "high",
            ">= 8.0.0, < 8.17.1",
            "8.17.1",
            "runtime",
        ),
        (
            "idna",
            "rust",
            "Cargo.lock",
            "GHSA-h97m-ww89-6jmq",
            "CVE-2024-12224",
            "idna accepts Punycode labels that do not produce any non-ASCII when decoded",
            "medium",
            "< 1.0.0",
            "1.0.0",
            "runtime",
        ),
        (
            "jinja2",
            "pip",
            "tools/requirements.txt",
            "GHSA-h5c8-rqwp-cp95",
            "CVE-2024-22195",
            "Jinja vulnerable to HTML attribute injection when passing user input as keys to "
            "xmlattr filter",
            "medium",
            "< 3.1.3",
            "3.1.3",
            "development",
        ),
    ]
    for name, eco, manifest, ghsa, cve, summary, sev, rng, fixed, scope in deps:
        cid = f"ho-dependabot-{name}"
        payload = alert(
            "dependabot_alert",
            cid,
            REPO,
            {
                "alert.dependency.package": {"ecosystem": eco, "name": name},
                "alert.dependency.manifest_path": manifest,
                "alert.dependency.scope": scope,
                "alert.security_advisory.ghsa_id": ghsa,
                "alert.security_advisory.cve_id": cve,
                "alert.security_advisory.summary": summary,
                "alert.security_advisory.description": summary + ".",
                "alert.security_advisory.severity": sev,
                "alert.security_advisory.identifiers": [
                    {"value": ghsa, "type": "GHSA"},
                    {"value": cve, "type": "CVE"},
                ],
                "alert.security_advisory.references": [
                    {"url": f"https://github.com/advisories/{ghsa}"}
                ],
                "alert.security_vulnerability.package": {"ecosystem": eco, "name": name},
                "alert.security_vulnerability.severity": sev,
                "alert.security_vulnerability.vulnerable_version_range": rng,
                "alert.security_vulnerability.first_patched_version": {"identifier": fixed},
            },
        )
        add(
            cid,
            f"Dependabot alert: {name} ({eco}) {rng} in {manifest}",
            ["obvious", "security-alert"],
            "cipher",
            "dependabot_alert",
            "dependabot_alert",
            payload,
            {"changed_files": [manifest]},
        )

    for rule, desc, sev, path, tool in [
        (
            "js/path-injection",
            "Uncontrolled data used in path expression",
            "error",
            "web/server/files.js",
            "CodeQL",
        ),
        (
            "rust/hard-coded-cryptographic-value",
            "Hard-coded cryptographic value",
            "warning",
            "crates/healer/src/signing.rs",
            "CodeQL",
        ),
        (
            "actions/missing-workflow-permissions",
            "Workflow does not contain permissions",
            "warning",
            ".github/workflows/frontend-ci.yml",
            "CodeQL",
        ),
    ]:
        cid = f"ho-code-scanning-{rule.split('/')[1]}"
        payload = alert(
            "code_scanning_alert",
            cid,
            REPO,
            {
                "alert.rule.id": rule,
                "alert.rule.description": desc,
                "alert.rule.severity": sev,
                "alert.tool.name": tool,
                "ref": "refs/heads/main",
                "commit_oid": sha(cid),
            },
        )
        inst = payload["alert"].get("most_recent_instance")
        if isinstance(inst, dict):
            inst["location"] = {
                "path": path,
                "start_line": h(cid, 5, 90),
                "end_line": h(cid, 5, 90),
                "start_column": 3,
                "end_column": 40,
            }
        tags = ["obvious", "security-alert"]
        if path.startswith(".github"):
            tags = ["security-alert", "misleading-name"]
        add(
            cid,
            f"code scanning alert {rule} in {path}",
            tags,
            "cipher",
            "code_scanning_alert",
            "code_scanning_alert",
            payload,
            {"changed_files": [path]},
        )

    for kind, display in [
        ("stripe_api_key", "Stripe API Key"),
        ("google_api_key", "Google API Key"),
    ]:
        cid = f"ho-secret-scanning-{kind.replace('_', '-')}"
        payload = alert(
            "secret_scanning_alert",
            cid,
            REPO,
            {
                "alert.secret_type": kind,
                "alert.secret_type_display_name": display,
                "action": "created",
            },
        )
        add(
            cid,
            f"secret scanning alert: {display}",
            ["obvious", "security-alert"],
            "cipher",
            "secret_scanning_alert",
            "secret_scanning_alert",
            payload,
            {},
        )

    cid = "ho-vulnerability-alert-legacy"
    payload = alert("repository_vulnerability_alert", cid, REPO, {})
    add(
        cid,
        "legacy repository_vulnerability_alert for a dependency in the repo",
        ["security-alert"],
        "cipher",
        "vulnerable_dependency",
        "repository_vulnerability_alert",
        payload,
        {},
    )

    out = real.detect_secrets(
        "ho-detect-secrets",
        {
            "deploy/notify/values.yaml": f"slack:\n  webhook: {FAKE_SLACK}\n",
            "deploy/notify/README.md": "Notification settings.\n",
        },
    )
    ci(
        "ho-detect-secrets-slack-webhook",
        "detect-secrets finds a (fake) Slack webhook URL committed in Helm values",
        ["has-secret", "misleading-name"],
        "cipher",
        "secret_scanning_alert",
        workflow="helm-charts",
        job="lint",
        steps=[
            uses("actions/setup-python@v5", {"python-version": "3.11"}, []),
            run(
                "pip install detect-secrets==1.5.0",
                ["Successfully installed detect-secrets-1.5.0"],
                name="Install detect-secrets",
            ),
            failing(out, name="Scan for secrets"),
        ],
        message="chart(notify): slack alerts",
        files=["deploy/notify/values.yaml"],
    )

    out = real.bandit(
        "ho-bandit",
        {
            "tools/release/notes.py": """
        import subprocess

        import yaml


        def render(tag: str, config_path: str) -> str:
            with open(config_path) as fh:
                cfg = yaml.load(fh)
            return subprocess.check_output(f"git log --oneline {tag}..HEAD", shell=True,
                                           text=True) + cfg["footer"]
    """
        },
        "tools",
    )
    ci(
        "ho-bandit-shell-true",
        "bandit flags shell=True with an interpolated tag and an "
        "unsafe yaml.load in the release tooling",
        ["obvious"],
        "cipher",
        "code_scanning_alert",
        workflow="Security",
        job="bandit",
        steps=[
            uses("actions/setup-python@v5", {"python-version": "3.11"}, []),
            failing(out, name="bandit"),
        ],
        message="tools: release notes script",
        files=["tools/release/notes.py"],
    )


def no_log() -> None:
    """Scanner workflows known only from the sensor body or a payload without logs."""
    specs = [
        (
            "ho-nolog-cargo-deny",
            "cargo-deny",
            "main",
            "chore(deps): bump tokio from 1.40.0 to 1.41.1",
            "vulnerable_dependency",
        ),
        (
            "ho-nolog-cargo-audit",
            "Cargo Audit",
            "main",
            "chore: nightly advisory scan",
            "vulnerable_dependency",
        ),
        (
            "ho-nolog-npm-audit",
            "npm audit",
            "dependabot/npm_and_yarn/web/axios-1.7.4",
            "chore(deps): bump axios from 1.6.8 to 1.7.4 in /web",
            "vulnerable_dependency",
        ),
        (
            "ho-nolog-trivy",
            "Trivy image scan",
            "main",
            "build(healer): base image debian:12.7",
            "vulnerable_dependency",
        ),
        (
            "ho-nolog-codeql",
            "CodeQL",
            "feat/upload-handler",
            "feat(web): file upload handler",
            "code_scanning_alert",
        ),
        (
            "ho-nolog-bandit",
            "bandit",
            "tools/release-notes",
            "tools: release notes generator",
            "code_scanning_alert",
        ),
        (
            "ho-nolog-gitleaks",
            "gitleaks",
            "fix/deploy-script",
            "fix: deploy script credentials",
            "secret_scanning_alert",
        ),
    ]
    for cid, wf, branch, message, ft in specs:
        j = Job(cid, REPO, wf, "scan", branch, [])
        add(
            cid,
            f"sensor body only: the '{wf}' workflow failed on '{message}'",
            ["no-log", "audit"] if ft == "vulnerable_dependency" else ["no-log"],
            "cipher",
            ft,
            "sensor",
            sensor(j, message),
            {},
        )

    j = Job(
        "ho-nolog-deny-step",
        REPO,
        "Rust CI",
        "supply-chain",
        "dependabot/cargo/h2-0.4.7",
        [
            *rust_setup(),
            Step("Run cargo deny check advisories", [], "failure", 101, 12),
            Step("Run cargo deny check licenses", [], "skipped", None, 0),
        ],
    )
    payload = workflow_job(j)
    add(
        "ho-nolog-deny-step",
        "workflow_job whose failing step is 'cargo deny check "
        "advisories'; the log has expired, the only change is Cargo.lock",
        ["no-log", "audit", "misleading-name"],
        "cipher",
        "vulnerable_dependency",
        "workflow_job",
        payload,
        {
            "changed_files": ["Cargo.lock"],
            "commit_message": "chore(deps): bump h2 from 0.4.5 to 0.4.7",
        },
    )

    j = Job(
        "ho-nolog-lockfile-review",
        REPO,
        "Dependency Review",
        "dependency-review",
        "dependabot/npm_and_yarn/web/cross-spawn-7.0.5",
        [],
    )
    from gha import workflow_run as wr

    payload = wr(j, "chore(deps): bump cross-spawn from 7.0.3 to 7.0.5 in /web", pr=1990)
    add(
        "ho-nolog-lockfile-review",
        "dependency review fails on a pull request that only "
        "touches the lockfile; no log was fetched",
        ["no-log", "audit"],
        "cipher",
        "vulnerable_dependency",
        "workflow_run",
        payload,
        {
            "changed_files": ["web/package-lock.json"],
            "commit_message": "chore(deps): bump cross-spawn from 7.0.3 to 7.0.5 in /web",
            "pull_request": {
                "number": 1990,
                "title": "chore(deps): bump cross-spawn from 7.0.3 to 7.0.5 in /web",
                "body": "Bumps cross-spawn from 7.0.3 to 7.0.5.\n\nDependabot will "
                "resolve any conflicts with this PR as long as you don't "
                "alter it yourself.",
            },
        },
    )


def build() -> None:
    more_releases()
    atlas_obvious()
    workflow_files()
    yaml_infra()
    platform()
    security()
    no_log()


def cargo_publish_exists(name: str) -> real.Out:
    """``cargo publish`` to a local sparse registry whose API refuses an existing version."""

    def answer(req: http.server.BaseHTTPRequestHandler) -> tuple[int, str, str]:
        host = req.headers["Host"]
        if req.path.endswith("config.json"):
            return (
                200,
                json.dumps({"dl": f"http://{host}/api/v1/crates", "api": f"http://{host}"}),
                "application/json",
            )
        if "/api/v1/crates/new" in req.path:
            return (
                400,
                json.dumps({"errors": [{"detail": "crate version `0.9.3` is already uploaded"}]}),
                "application/json",
            )
        return 404, "{}", "application/json"

    home = real.RUNS / (name + "-cargo-home")
    with real.serve(answer) as port:
        local = f"127.0.0.1:{port}"
        files = {
            "Cargo.toml": '[package]\nname = "healer-proto"\nversion = "0.9.3"\n'
            'edition = "2021"\nlicense = "Apache-2.0"\n'
            'description = "Healer wire types"\npublish = ["internal"]\n\n'
            "[dependencies]\n",
            "src/lib.rs": "pub struct Incident;\n",
            ".cargo/config.toml": f'[registries.internal]\nindex = "sparse+http://{local}/"\n',
        }
        path = real.scratch(name, files)
        real.new_repo(path, {})
        lines, code = real.run(
            ["cargo", "publish", "--registry", "internal"],
            path,
            env={"CARGO_HOME": str(home), "CARGO_REGISTRIES_INTERNAL_TOKEN": "dummy"},
            hosts={f"http://{local}": "https://crates.5dlabs.ai", local: "crates.5dlabs.ai"},
        )
    lines = [ln for ln in lines if "Uploading" not in ln or "healer-proto" in ln]
    return real.Out("cargo publish --registry internal", lines, code)


def more_releases() -> None:
    out = gh013_push(
        "ho-gh006",
        [
            "error: GH006: Protected branch update failed for refs/heads/main.",
            "error: Changes must be made through a pull request.",
        ],
        reason="protected branch hook declined",
    )
    ci(
        "ho-git-push-protected-branch",
        "the version-bump job pushes straight to a protected main and GitHub refuses (GH006)",
        ["obvious"],
        "atlas",
        "permissions",
        workflow="Release",
        job="bump",
        steps=[failing(out, name="Push version bump")],
        message="chore(release): 0.9.4",
        files=["VERSION"],
    )

    out = cargo_publish_exists("ho-cargo-publish")
    ci(
        "ho-cargo-publish-version-exists",
        "cargo publish is refused: healer-proto 0.9.3 is already in the registry",
        ["obvious"],
        "atlas",
        "release_publish",
        workflow="Release",
        job="publish-crates",
        steps=[
            *rust_setup(),
            failing(
                out, name="Publish healer-proto", env={"CARGO_REGISTRIES_INTERNAL_TOKEN": "***"}
            ),
        ],
        message="chore(release): healer-proto 0.9.3",
        files=["crates/proto/src/lib.rs"],
    )
