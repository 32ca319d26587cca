"""Batch 28 of the fresh split (ids ``fr-zb-``): look-alike families no earlier batch used.
In each family the failing logs read nearly the same; the files the change touched, the PR,
the runner, the step that stopped or the path a tool names tells the owner.

- ``command not found``: a self-hosted runner image that lost helm under a docs-only change
  (atlas); a package.json script renamed by the change (blaze); a cargo alias the change
  dropped from .cargo/config.toml (rex); a Dockerfile RUN calling curl after the change
  stopped installing it (bolt);
- checksum/integrity mismatches: npm ``EINTEGRITY`` after a hand-edited package-lock.json
  (blaze); cargo ``checksum ... changed between lock files`` after a hand-edited Cargo.lock
  (rex); ``sha256sum -c`` of a protoc download that was a CDN 502 page (atlas flake); BuildKit
  ``ADD --checksum`` after the Dockerfile bumped the URL only (bolt);
- engine/toolchain requirements: ``rustc ... is not supported`` after a Cargo.lock bump (rex)
  and after the workflow pinned an older toolchain (atlas); npm ``EBADENGINE`` after a
  dependency bump (blaze) and after setup-node was lowered in the workflow (atlas);
- shell ``syntax error near unexpected token``: in a workflow ``run:`` block the change
  edited (atlas), in a Dockerfile RUN under ``SHELL ["/bin/bash"]`` (bolt), in a Helm hook
  script shipped in a ConfigMap (bolt);
- locks: ``database is locked`` in a Rust store test the change made concurrent (rex) and in
  the frontend e2e seed script the change reordered (blaze); git ``index.lock`` on a
  self-hosted runner after a cancelled job (atlas); a Terraform state lock held by the
  nightly drift apply (atlas);
- test-framework timeouts: vitest ``Test timed out in 5000ms`` on a promise the change never
  resolves (blaze); Playwright ``page.goto: Timeout 30000ms exceeded`` against a preview whose
  pod panics (rex), whose image cannot be pulled per Argo CD (bolt), and whose pods are healthy
  under a docs-only change (atlas flake);
- ``Connection reset by peer`` in a Rust integration test: the change's pooled client reusing
  a connection the server closed (rex), the test Postgres OOMKilled after the chart lowered
  its limit (bolt);
- plain obvious cases.
"""

from __future__ import annotations

import base64
import hashlib
import json

import real
import shapes
from fcommon import at, ci, failing, node_setup, pr_of, rust_setup, sha
from gha import run, uses
from helpers import buildx_setup, buildx_step, clock, crashing, pod_name, ready_pods

REPO = "5dlabs/healer"
WEB = "5dlabs/console"
PLAT = "5dlabs/platform"
GATE = "5dlabs/edge-gateway"
SEP = "\u203a"  # Playwright's title separator


def build() -> None:
    not_found()
    checksums()
    engines()
    shell_syntax()
    locks()
    timeouts()
    resets()
    obvious()


def _rust_panic_test(name: str, module: str, test: str, message: str, where: str) -> real.Out:
    """A real ``cargo test`` whose one test panics with ``message`` (libtest's own layout)."""
    body = message.replace("\\", "\\\\").replace('"', '\\"').replace("{", "{{").replace("}", "}}")
    src = f"""pub mod {module} {{
    #[cfg(test)]
    mod tests {{
        #[test]
        fn {test}() {{
            panic!("{body}");
        }}

        #[test]
        fn schema_is_current() {{}}
    }}
}}
"""
    out = real.cargo(name, {"src/lib.rs": src}, ["test", "--quiet"])
    assert out.code != 0, out
    return real.Out(out.command, [ln.replace("src/lib.rs:6:13", where) for ln in out.lines], 101)


def _runner_bash(name: str, files: dict[str, str], body: str, env: str = "") -> real.Out:
    """A ``run:`` block as the runner executes it: ``bash -e`` on a script in _temp."""
    temp = f"/home/runner/work/_temp/{sha(name)[:8]}-{sha(name)[8:12]}-{sha(name)[12:16]}.sh"
    out = real.sh(name, {**files, "step.sh": body}, f"{env}bash -e step.sh", body.rstrip())
    return real.Out(out.command, [ln.replace("step.sh", temp) for ln in out.lines], out.code)


# ------------------------------------------------------------------ 1. command not found


def not_found() -> None:
    # 1a. atlas: the ARC runner image was rebuilt without helm; the change is docs only
    at(PLAT)
    out = _runner_bash(
        "fr-zb-helm-missing",
        {"charts/edge-gateway/Chart.yaml": "apiVersion: v2\nname: edge-gateway\n"},
        "helm lint charts/edge-gateway --strict\n",
        env="PATH=/usr/bin:/bin ",
    )
    assert out.code == 127, out
    ci(
        "fr-zb-cnf-helm-missing-runner-image-docs-change",
        "helm: command not found on the self-hosted arc runner: the runner image was rebuilt "
        "(arc-runner-image 2026.11.4) without helm; the change only edits docs, and the same "
        "chart linted on the previous image",
        ["look-alike", "context-driven", "self-hosted"],
        "atlas",
        "general",
        workflow="charts",
        job="helm-lint",
        repo=PLAT,
        self_hosted=True,
        steps=[
            run(
                "cat /etc/arc-runner-image",
                ["arc-runner-image 2026.11.4 (built 2026-11-27, base ubuntu-24.04)"],
                name="Runner image",
            ),
            failing(out, name="Lint charts"),
        ],
        message="docs(charts): describe the edge-gateway values",
        files=["docs/charts/edge-gateway.md", "README.md"],
        pr=pr_of("fr-zb-helm-missing", "docs(charts): describe the edge-gateway values"),
    )

    # 1b. blaze: the change renamed a script the build still calls
    at(WEB)
    out = real.npm_script(
        "fr-zb-npm-script-renamed",
        {"scripts/gen-routes.mjs": "console.log('routes: 14');\n"},
        {"build": "gen-routes && vite build", "routes:gen": "node scripts/gen-routes.mjs"},
        "build",
    )
    assert out.code != 0 and any("not found" in ln for ln in out.lines), out
    ci(
        "fr-zb-cnf-npm-build-calls-renamed-script",
        "npm run build stops with `sh: 1: gen-routes: not found`: the change moved the route "
        "generator into the `routes:gen` script but left `build` calling the old bare "
        "gen-routes command in package.json",
        ["look-alike", "wrapper"],
        "blaze",
        "frontend_build",
        workflow="console-ci",
        job="build",
        repo=WEB,
        steps=[*node_setup(), failing(out, name="Build")],
        message="build: run the route generator through an npm script",
        files=["package.json", "scripts/gen-routes.mjs"],
        pr=pr_of("fr-zb-npm-script-renamed", "build: run the route generator through npm"),
    )

    # 1c. rex: the change renamed the cargo alias the release job calls
    at(REPO)
    out = real.cargo(
        "fr-zb-xtask-alias",
        {
            ".cargo/config.toml": '[alias]\nx = "run --package healer --"\n',
        },
        ["xtask", "dist"],
    )
    assert out.code != 0, out
    ci(
        "fr-zb-cnf-cargo-xtask-alias-renamed",
        "`cargo xtask dist` fails with `no such command: xtask`: the change renamed the alias "
        "in .cargo/config.toml to `x` and the dist step still calls `cargo xtask`",
        ["look-alike"],
        "rex",
        "rust_build",
        workflow="dist",
        job="package",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="Package")],
        message="chore(xtask): shorter alias for the task runner",
        files=[".cargo/config.toml", "xtask/src/main.rs"],
        pr=pr_of("fr-zb-xtask-alias", "chore(xtask): shorter alias for the task runner"),
    )

    # 1d. bolt: the Dockerfile stopped installing curl but a later RUN still uses it
    at(GATE)
    dockerfile = """FROM debian:12-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates \\
    && rm -rf /var/lib/apt/lists/*
RUN curl -fsSLo /usr/local/bin/grpc-health-probe https://github.com/grpc-ecosystem/grpc-health-probe/releases/download/v0.4.35/grpc_health_probe-linux-amd64
COPY target/release/edge-gateway /usr/local/bin/edge-gateway
USER 65532
ENTRYPOINT ["/usr/local/bin/edge-gateway"]
"""
    dash = real.sh("fr-zb-curl-missing", {}, "PATH=/nonexistent; curl -fsSL x", "sh")
    inner = [ln for ln in dash.lines if "not found" in ln] or ["/bin/sh: 1: curl: not found"]
    bk = shapes.BuildKit("fr-zb-curl-missing", dockerfile)
    bk.metadata()
    err = bk.run_until(4, inner[:1], code=127)
    assert err
    image = "ghcr.io/5dlabs/edge-gateway:sha-" + sha("fr-zb-curl-missing")[:7]
    ci(
        "fr-zb-cnf-dockerfile-curl-no-longer-installed",
        "the image build's RUN curl ... grpc-health-probe exits 127 (curl: not found): the "
        "change trimmed the apt-get install line to ca-certificates only, dropping curl",
        ["look-alike"],
        "bolt",
        "docker_build",
        workflow="container",
        job="image",
        repo=GATE,
        steps=[*buildx_setup(), buildx_step(bk.finish(err), err, image)],
        message="build(image): smaller runtime layer",
        files=["Dockerfile"],
        pr=pr_of("fr-zb-curl-missing", "build(image): smaller runtime layer"),
    )


# ------------------------------------------------------------------ 2. checksums


def checksums() -> None:
    # 2a. blaze: EINTEGRITY after a hand-edited package-lock.json (vendored tarball)
    at(WEB)
    path = real.scratch(
        "fr-zb-eintegrity",
        {
            "vendor/ui-kit/package.json": '{"name":"@5dlabs/ui-kit","version":"3.4.1"}\n',
            "package.json": json.dumps(
                {
                    "name": "console",
                    "version": "0.3.0",
                    "dependencies": {"@5dlabs/ui-kit": "file:vendor/5dlabs-ui-kit-3.4.1.tgz"},
                }
            ),
        },
    )
    real.run(["npm", "pack", "-q", "--pack-destination", ".."], path / "vendor" / "ui-kit")
    lines, code = real.run(["npm", "install", "--no-audit", "--no-fund"], path)
    assert code == 0, lines
    lock = (path / "package-lock.json").read_text()
    good = json.loads(lock)["packages"]["node_modules/@5dlabs/ui-kit"]["integrity"]
    bad = "sha512-" + base64.b64encode(hashlib.sha512(b"fr-zb-eintegrity").digest()).decode()
    (path / "package-lock.json").write_text(lock.replace(good, bad))
    real.run(["rm", "-rf", "node_modules"], path)
    lines, code = real.run(
        ["npm", "ci", "--no-audit", "--no-fund"],
        path,
        keep=lambda ln: ".npm/_logs" not in ln and "A complete log" not in ln,
    )
    assert code != 0 and any("EINTEGRITY" in ln for ln in lines), lines
    ci(
        "fr-zb-sum-npm-eintegrity-hand-edited-lock",
        "npm ci fails with EINTEGRITY for the vendored @5dlabs/ui-kit tarball: the change "
        "resolved a package-lock.json conflict by hand and pasted another version's integrity "
        "hash; the tarball itself is unchanged",
        ["look-alike"],
        "blaze",
        "frontend_deps",
        workflow="console-ci",
        job="install",
        repo=WEB,
        steps=[*node_setup(), failing(real.Out("npm ci", lines, code), name="Install")],
        message="Merge branch 'main' into feat/run-filters",
        files=["package-lock.json", "src/runs/Filters.tsx"],
        branch="feat/run-filters",
        pr=pr_of(
            "fr-zb-eintegrity",
            "feat(runs): filter runs by agent",
            "Rebased on main; fixed the package-lock.json conflict by hand.",
        ),
    )

    # 2b. rex: cargo's lock-file checksum guard after a hand-edited Cargo.lock
    at(REPO)
    crate, ver = "tokio-util", "0.7.13"
    out = real.Out(
        "cargo build --locked",
        [
            "    Updating crates.io index",
            " Downloading crates ...",
            f"  Downloaded {crate} v{ver}",
            f"error: checksum for `{crate} v{ver}` changed between lock files",
            "",
            "this could be indicative of a few possible errors:",
            "",
            "    * the lock file is corrupt",
            "    * a replacement source in use (e.g., a mirror) returned a different checksum",
            "    * the source itself may be corrupt in one way or another",
            "",
            f"unable to verify that `{crate} v{ver}` is the same as when the lockfile was "
            "generated",
            "",
        ],
        101,
    )
    ci(
        "fr-zb-sum-cargo-checksum-changed-hand-edited-lock",
        "cargo build --locked: checksum for tokio-util v0.7.13 changed between lock files; "
        "the change hand-merged Cargo.lock and kept 0.7.13 with the checksum line of 0.7.12",
        ["look-alike"],
        "rex",
        "rust_deps",
        workflow="rust",
        job="build",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="Build")],
        message="Merge remote-tracking branch 'origin/main' into feat/stream-logs",
        files=["Cargo.lock", "crates/healer/src/stream.rs"],
        branch="feat/stream-logs",
        pr=pr_of(
            "fr-zb-cargo-checksum",
            "feat(stream): stream job logs instead of buffering",
            "Merged main; Cargo.lock conflicted around tokio-util, resolved by hand.",
        ),
    )

    # 2c. atlas flake: the protoc download was a 502 page; sha256sum -c fails
    at(REPO)
    page = "<html><head><title>502 Bad Gateway</title></head><body>502 Bad Gateway</body></html>\n"
    want = "d0fcd6d3b3ef6f22f1c47cc30a80c06727e1eccdddcaf0f4a3be47c070ffd3fe"
    with real.serve((502, page, "text/html")) as port:
        out = real.sh(
            "fr-zb-protoc-502",
            {"protoc.sha256": f"{want}  protoc-28.3-linux-x86_64.zip\n"},
            f"curl -sSLo protoc-28.3-linux-x86_64.zip http://127.0.0.1:{port}/protoc.zip && "
            "sha256sum -c protoc.sha256",
            'curl -sSLo protoc-28.3-linux-x86_64.zip "$PROTOC_URL"\n'
            "sha256sum -c protoc.sha256\n"
            "unzip -q protoc-28.3-linux-x86_64.zip -d $HOME/.local",
        )
    assert out.code != 0 and any("FAILED" in ln for ln in out.lines), out
    ci(
        "fr-zb-sum-protoc-download-502-sha256sum",
        "sha256sum -c fails for protoc-28.3-linux-x86_64.zip: curl without --fail saved the "
        "release CDN's 502 Bad Gateway page as the zip; the pinned checksum is right and the "
        "change only touches Rust code; a rerun downloads the real archive",
        ["look-alike", "flake", "context-driven"],
        "atlas",
        "general",
        workflow="rust",
        job="test",
        repo=REPO,
        steps=[
            *rust_setup(),
            failing(
                out,
                name="Install protoc",
                env={
                    "PROTOC_URL": "https://github.com/protocolbuffers/protobuf/releases/"
                    "download/v28.3/protoc-28.3-linux-x86_64.zip"
                },
            ),
        ],
        message="feat(grpc): expose triage results over gRPC",
        files=["crates/healer/src/grpc.rs", "crates/healer/src/lib.rs"],
        pr=pr_of("fr-zb-protoc-502", "feat(grpc): expose triage results over gRPC"),
    )

    # 2d. bolt: ADD --checksum, the URL bumped to tini 0.19.0 but not the checksum
    at(GATE)
    old = "c5b0666b4cb676901f90dfcb37106783c5fe2077b04590973b885950611b30ee"
    got = "93dcc18adc78c65a028a84799ecf8ad40c936fdfc5f2a57b1acda5a8117fa82c"
    dockerfile = f"""FROM debian:12-slim
ADD --checksum=sha256:{old} https://github.com/krallin/tini/releases/download/v0.19.0/tini-amd64 /tini
RUN chmod +x /tini
COPY target/release/edge-gateway /usr/local/bin/edge-gateway
USER 65532
ENTRYPOINT ["/tini", "--", "/usr/local/bin/edge-gateway"]
"""
    bk = shapes.BuildKit("fr-zb-add-checksum", dockerfile)
    bk.metadata()
    n = bk._next()
    label = f"[2/4] ADD --checksum=sha256:{old} https://github.com/krallin/tini/releases/download/v0.19.0/tini-amd64 /tini"
    err = f"digest mismatch sha256:{got}: sha256:{old}"
    bk.lines += [
        f"#{n} {label}",
        f"#{n} ERROR: {err}",
        "",
        "------",
        f" > {label}:",
        "------",
        "Dockerfile:2",
        "--------------------",
        "   1 |     FROM debian:12-slim",
        f"   2 | >>> ADD --checksum=sha256:{old} https://github.com/krallin/tini/releases/download/v0.19.0/tini-amd64 /tini",
        "   3 |     RUN chmod +x /tini",
        "   4 |     COPY target/release/edge-gateway /usr/local/bin/edge-gateway",
        "--------------------",
    ]
    image = "ghcr.io/5dlabs/edge-gateway:sha-" + sha("fr-zb-add-checksum")[:7]
    ci(
        "fr-zb-sum-dockerfile-add-checksum-url-bumped",
        "BuildKit's ADD --checksum fails with a digest mismatch: the change bumped the tini "
        "URL from v0.18.0 to v0.19.0 in the Dockerfile and kept the v0.18.0 sha256",
        ["look-alike"],
        "bolt",
        "docker_build",
        workflow="container",
        job="build-image",
        repo=GATE,
        steps=[*buildx_setup(), buildx_step(bk.finish(err), err, image)],
        message="build(image): tini 0.19.0",
        files=["Dockerfile"],
        pr=pr_of("fr-zb-add-checksum", "build(image): tini 0.19.0"),
    )


# ------------------------------------------------------------------ 3. engines and toolchains


def _msrv(rustc: str, pkg: str, need: str) -> list[str]:
    return [
        "    Updating crates.io index",
        f"error: rustc {rustc} is not supported by the following package:",
        f"  {pkg} requires rustc {need}",
        "Either upgrade rustc or select compatible dependency versions with",
        "`cargo update <name>@<current-ver> --precise <compatible-ver>`",
        f"where `<compatible-ver>` is the latest version supporting rustc {rustc}",
        "",
    ]


def _ebadengine(cid: str, node: str, npm: str, required: str, shown: str = "") -> real.Out:
    """npm ci with engine-strict over a dependency whose engines exclude this node."""
    path = real.scratch(
        cid,
        {
            "vendor/ui-kit/package.json": json.dumps(
                {"name": "@5dlabs/ui-kit", "version": "4.0.0", "engines": {"node": required}}
            ),
            "package.json": json.dumps(
                {
                    "name": "console",
                    "version": "0.3.0",
                    "engines": {"node": ">=18.18"},
                    "dependencies": {"@5dlabs/ui-kit": "file:vendor/5dlabs-ui-kit-4.0.0.tgz"},
                }
            ),
        },
    )
    real.run(["npm", "pack", "-q", "--pack-destination", ".."], path / "vendor" / "ui-kit")
    lines, code = real.run(["npm", "install", "--no-audit", "--no-fund"], path)
    assert code == 0, lines
    real.run(["rm", "-rf", "node_modules"], path)
    (path / ".npmrc").write_text("engine-strict=true\n")
    lines, code = real.run(
        ["npm", "ci", "--no-audit", "--no-fund"],
        path,
        keep=lambda ln: ".npm/_logs" not in ln and "A complete log" not in ln,
    )
    assert code != 0 and any("EBADENGINE" in ln for ln in lines), lines
    actual = f'npm error notsup Actual:   {{"node":"{node}","npm":"{npm}"}}'
    lines = [
        actual if "notsup Actual" in ln else ln.replace(required, shown or required) for ln in lines
    ]
    return real.Out("npm ci", lines, code)


def _setup_node(version: str, full: str, npm: str) -> list:
    return [
        uses(
            "actions/setup-node@v4",
            {"node-version": version, "cache": "npm"},
            [
                f"Found in cache @ /opt/hostedtoolcache/node/{full}/x64",
                "##[group]Environment details",
                f"node: v{full}",
                f"npm: {npm}",
                "yarn: 1.22.22",
                "##[endgroup]",
            ],
        )
    ]


def engines() -> None:
    # 3a. rex: cargo update pulled a crate whose rust-version exceeds the pinned toolchain
    at(REPO)
    pinned = [
        uses(
            "dtolnay/rust-toolchain@master",
            {"toolchain": "1.85.0"},
            [
                "info: syncing channel updates for '1.85.0-x86_64-unknown-linux-gnu'",
                "  1.85.0-x86_64-unknown-linux-gnu installed - rustc 1.85.0 (4d91de4e4 2025-02-17)",
            ],
            name="Install MSRV toolchain",
        )
    ]
    ci(
        "fr-zb-ver-msrv-cargo-lock-bump",
        "the msrv job (rustc 1.85.0, unchanged for months) fails: the change's cargo update "
        "moved Cargo.lock to icu_normalizer 2.1.1, which requires rustc 1.86; the fix is the "
        "lock file (cargo update --precise) not the toolchain",
        ["look-alike"],
        "rex",
        "rust_deps",
        workflow="rust",
        job="msrv",
        repo=REPO,
        steps=[
            *pinned,
            failing(
                real.Out(
                    "cargo check --locked --all-targets",
                    _msrv("1.85.0", "icu_normalizer@2.1.1", "1.86"),
                    101,
                ),
                name="Check on MSRV",
            ),
        ],
        message="chore(deps): cargo update",
        files=["Cargo.lock"],
        pr=pr_of("fr-zb-msrv-lock", "chore(deps): cargo update", "Ran cargo update."),
    )

    # 3b. atlas: the workflow change pinned an older toolchain than the lock file allows
    ci(
        "fr-zb-ver-workflow-pins-old-toolchain",
        "cargo check fails: rustc 1.80.1 is not supported by clap_lex@0.7.5 (requires 1.81); "
        "the change pinned the workflow's toolchain to 1.80.1 while Cargo.lock is unchanged",
        ["look-alike", "context-driven"],
        "atlas",
        "general",
        workflow="ci",
        job="test",
        repo=REPO,
        steps=[
            uses(
                "dtolnay/rust-toolchain@master",
                {"toolchain": "1.80.1"},
                [
                    "info: syncing channel updates for '1.80.1-x86_64-unknown-linux-gnu'",
                    "  1.80.1-x86_64-unknown-linux-gnu installed - rustc 1.80.1 (3f5fd8dd4 2024-08-06)",
                ],
                name="Install toolchain",
            ),
            failing(
                real.Out(
                    "cargo check --locked --all-targets",
                    _msrv("1.80.1", "clap_lex@0.7.5", "1.81"),
                    101,
                ),
                name="Check",
            ),
        ],
        message="ci: pin the Rust toolchain for reproducible builds",
        files=[".github/workflows/ci.yml"],
        pr=pr_of(
            "fr-zb-old-toolchain",
            "ci: pin the Rust toolchain for reproducible builds",
            "Pins dtolnay/rust-toolchain to 1.80.1 instead of stable.",
        ),
    )

    # 3c. blaze: a dependency bump to a ui-kit major that needs node 22
    at(WEB)
    out = _ebadengine("fr-zb-ebadengine-bump", "v20.20.2", "11.19.1", ">=22.12.0")
    ci(
        "fr-zb-ver-ebadengine-ui-kit-major-bump",
        "npm ci (engine-strict) fails with EBADENGINE: the change bumped @5dlabs/ui-kit to "
        "4.0.0, which requires node >=22.12.0, while the console supports node 20",
        ["look-alike"],
        "blaze",
        "frontend_deps",
        workflow="console-ci",
        job="install",
        repo=WEB,
        steps=[*node_setup(), failing(out, name="Install")],
        message="chore(deps): @5dlabs/ui-kit 4.0.0",
        files=["package.json", "package-lock.json", "vendor/5dlabs-ui-kit-4.0.0.tgz"],
        pr=pr_of("fr-zb-ebadengine-bump", "chore(deps): @5dlabs/ui-kit 4.0.0"),
    )

    # 3d. atlas: the workflow lowered setup-node to 18; dependencies unchanged
    out = _ebadengine("fr-zb-ebadengine-node18", "v18.20.8", "10.8.2", ">=22.12.0", ">=20.19.0")
    ci(
        "fr-zb-ver-ebadengine-setup-node-lowered",
        "npm ci (engine-strict) fails with EBADENGINE for @5dlabs/ui-kit (node >=20.19.0): "
        "the change lowered setup-node's node-version to 18 in the workflow to test the "
        "oldest supported node; package.json and the lock file are untouched",
        ["look-alike", "context-driven"],
        "atlas",
        "general",
        workflow="console-ci",
        job="install-node18",
        repo=WEB,
        steps=[*_setup_node("18", "18.20.8", "10.8.2"), failing(out, name="Install")],
        message="ci: also test on node 18",
        files=[".github/workflows/console-ci.yml"],
        pr=pr_of("fr-zb-ebadengine-node18", "ci: also test on node 18"),
    )


# ------------------------------------------------------------------ 4. shell syntax errors


BAD_IF = """if [ -n "$TAG" ]
  echo "releasing $TAG"
fi
"""


def shell_syntax() -> None:
    # 4a. atlas: the workflow's run: block the change edited lacks `then`
    at(REPO)
    out = _runner_bash("fr-zb-wf-run", {}, 'TAG="${GITHUB_REF_NAME}"\n' + BAD_IF)
    assert out.code == 2, out
    ci(
        "fr-zb-sh-workflow-run-block-missing-then",
        "the release workflow's Announce step fails with `syntax error near unexpected token "
        "fi`: the change rewrote the step's run: block in release.yml and the if lacks then",
        ["look-alike"],
        "atlas",
        "workflow_syntax",
        workflow="release",
        job="announce",
        repo=REPO,
        steps=[failing(out, name="Announce")],
        message="ci(release): announce only tagged releases",
        files=[".github/workflows/release.yml"],
        branch="main",
    )

    # 4b. bolt: the same mistake in a Dockerfile RUN under SHELL ["/bin/bash", "-c"]
    at(GATE)
    cmd = 'if [ "$TARGETARCH" = "arm64" ]; echo aarch64 > /arch; fi'
    out = real.sh("fr-zb-docker-run", {}, f"bash -c '{cmd}'", "bash")
    assert out.code == 2, out
    dockerfile = f"""FROM debian:12-slim
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
ARG TARGETARCH
RUN {cmd}
COPY target/release/edge-gateway /usr/local/bin/edge-gateway
ENTRYPOINT ["/usr/local/bin/edge-gateway"]
"""
    bk = shapes.BuildKit("fr-zb-docker-run", dockerfile)
    bk.metadata()
    inner = [ln.replace("bash: -c:", "/bin/bash: -c:") for ln in out.lines]
    err = bk.run_until(4, inner, code=2, shell="/bin/bash -o pipefail -c")
    assert err
    image = "ghcr.io/5dlabs/edge-gateway:sha-" + sha("fr-zb-docker-run")[:7]
    ci(
        "fr-zb-sh-dockerfile-run-missing-then",
        "the image build's RUN fails with `syntax error near unexpected token fi`: the "
        "arch-detection if the change added to the Dockerfile lacks then",
        ["look-alike"],
        "bolt",
        "docker_build",
        workflow="release",
        job="multiarch-image",
        repo=GATE,
        steps=[*buildx_setup(), buildx_step(bk.finish(err), err, image)],
        message="build(image): record the target architecture",
        files=["Dockerfile"],
        pr=pr_of("fr-zb-docker-run", "build(image): record the target architecture"),
    )

    # 4c. bolt: a Helm pre-upgrade hook whose script (in a ConfigMap) has the same error
    at(PLAT)
    hook = 'set -e\nDB_URL="$DATABASE_URL"\n' + BAD_IF.replace("TAG", "MIGRATE")
    out = real.sh("fr-zb-helm-hook", {"migrate.sh": hook}, "bash migrate.sh", "bash")
    assert out.code == 2, out
    cid = "fr-zb-sh-helm-hook-configmap-script"
    _created, _first, last = clock(cid)
    loki = [ln.replace("migrate.sh", "/scripts/migrate.sh") for ln in out.lines]
    ctx = crashing(cid, "notifier", "notifier-migrate", "bitnami/postgresql:16.4.0", 2, loki)
    for ref in ctx["kubernetes"]["pods"][0]["metadata"]["ownerReferences"]:
        ref.update({"apiVersion": "batch/v1", "kind": "Job", "name": "notifier-migrate"})
    ctx["kubernetes"]["events"].append(
        shapes.event(
            "notifier",
            "Job",
            "notifier-migrate",
            "BackoffLimitExceeded",
            "Job has reached the specified backoff limit",
            first=last,
            last=last,
            component="job-controller",
        )
    )
    ci(
        cid,
        "helm upgrade fails on the pre-upgrade hook job notifier-migrate (BackoffLimitExceeded); "
        "its pod logs `/scripts/migrate.sh: line 5: syntax error near unexpected token fi`: "
        "the change edited the migrate script in the chart's hook ConfigMap",
        ["look-alike", "context-driven"],
        "bolt",
        "helm",
        workflow="deploy",
        job="helm-upgrade-staging",
        repo=PLAT,
        steps=[
            run(
                "helm upgrade --install notifier charts/notifier -n notifier --wait --timeout 5m",
                [
                    "Error: UPGRADE FAILED: pre-upgrade hooks failed: 1 error occurred:",
                    "\t* job notifier-migrate failed: BackoffLimitExceeded",
                    "",
                ],
                code=1,
                name="Deploy",
            )
        ],
        message="chore(notifier): migrations honour MIGRATE",
        files=["charts/notifier/templates/migrate-configmap.yaml"],
        pr=pr_of(cid, "chore(notifier): migrations honour MIGRATE"),
        extra=ctx,
    )


# ------------------------------------------------------------------ 5. locks


def locks() -> None:
    # 5a. rex: the change made claim() run concurrently on one SQLite file
    at(REPO)
    out = _rust_panic_test(
        "fr-zb-rusqlite-locked",
        "store",
        "concurrent_claims_never_double_dispatch",
        "called `Result::unwrap()` on an `Err` value: SqliteFailure(Error { code: DatabaseBusy, "
        'extended_code: 5 }, Some("database is locked"))',
        "crates/healer/src/store.rs:288:46",
    )
    ci(
        "fr-zb-lock-rusqlite-concurrent-claims",
        "cargo test: concurrent_claims_never_double_dispatch panics with SQLite 'database is "
        "locked': the change spawns claim() on eight threads, each opening its own "
        "rusqlite connection without a busy timeout",
        ["look-alike"],
        "rex",
        "rust_test",
        workflow="rust",
        job="test",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="Test")],
        message="perf(store): claim jobs from several workers at once",
        files=["crates/healer/src/store.rs"],
        pr=pr_of("fr-zb-rusqlite-locked", "perf(store): claim jobs from several workers"),
    )

    # 5b. blaze: the e2e script the change edited starts the mock API before seeding
    at(WEB)
    path = real.scratch(
        "fr-zb-e2e-sqlite",
        {"e2e/seed.sql": "DELETE FROM runs;\nINSERT INTO runs (id, agent) VALUES (1, 'rex');\n"},
    )
    (path / "e2e" / ".data").mkdir(parents=True)
    real.run(["sqlite3", "e2e/.data/console.db", "CREATE TABLE runs (id, agent);"], path)
    holder = real.run(
        [
            "python3",
            "-c",
            "import sqlite3,subprocess,sys;"
            "c=sqlite3.connect('e2e/.data/console.db',isolation_level=None);"
            "c.execute('BEGIN EXCLUSIVE');"
            "r=subprocess.run('sqlite3 e2e/.data/console.db < e2e/seed.sql',shell=True,"
            "stdout=sys.stdout,stderr=subprocess.STDOUT);sys.exit(r.returncode)",
        ],
        path,
    )
    lines, code = holder
    assert code != 0 and any("locked" in ln for ln in lines), lines
    npm_lines = [
        "",
        "> console@0.3.0 e2e",
        "> node e2e/mock-api.mjs & sqlite3 e2e/.data/console.db < e2e/seed.sql && playwright test",
        "",
        "mock-api listening on http://127.0.0.1:4010 (db e2e/.data/console.db, journal=delete)",
        *lines,
    ]
    ci(
        "fr-zb-lock-e2e-sqlite-seed-after-mock-api",
        "npm run e2e stops at the seed step with 'database is locked (5)': the change made the "
        "e2e script in package.json start the mock API (which holds a write transaction on "
        "the SQLite fixture while it migrates) before seeding the same file",
        ["look-alike", "wrapper"],
        "blaze",
        "frontend_test",
        workflow="console-e2e",
        job="e2e",
        repo=WEB,
        steps=[
            *node_setup(),
            run("npm run e2e", npm_lines, code=code, name="E2E"),
        ],
        message="test(e2e): serve the mock API while seeding",
        files=["package.json", "e2e/mock-api.mjs"],
        pr=pr_of("fr-zb-e2e-sqlite", "test(e2e): serve the mock API while seeding"),
    )

    # 5c. atlas: a stale index.lock left by a cancelled job on a self-hosted runner
    at(REPO)
    path = real.scratch("fr-zb-index-lock")
    real.new_repo(path, {"README.md": "healer\n"})
    (path / ".git" / "index.lock").write_text("")
    lines, code = real.git(path, "checkout", "--force", "-B", "ci", "HEAD")
    assert code != 0 and any("index.lock" in ln for ln in lines), lines
    cache = "/runner-cache/5dlabs/healer"
    sync = real.Out(
        f'git -C {cache} fetch --depth=1 origin "$GITHUB_SHA"\n'
        f'git -C {cache} checkout --force -B ci "$GITHUB_SHA"',
        [
            "From https://github.com/5dlabs/healer",
            f" * branch            {sha('fr-zb-lock-git-index-lock-cancelled-job-self-hosted')}"
            " -> FETCH_HEAD",
            *[ln.replace(real.RUNNER, cache) for ln in lines],
        ],
        code,
    )
    ci(
        "fr-zb-lock-git-index-lock-cancelled-job-self-hosted",
        "the self-hosted runner's persistent clone in /runner-cache cannot be checked out: "
        "`Unable to create .../index.lock: File exists`, left by the previous job on the same "
        "runner that was cancelled mid-checkout; the change is a Rust fix",
        ["look-alike", "self-hosted", "flake"],
        "atlas",
        "git_error",
        workflow="rust",
        job="clippy",
        repo=REPO,
        self_hosted=True,
        steps=[failing(sync, name="Sync cached workspace (keeps target/)")],
        message="fix(triage): keep the first failing step",
        files=["crates/healer/src/triage.rs"],
        branch="main",
    )

    # 5d. atlas: the Terraform state lock is held by the nightly drift workflow's apply
    at(PLAT)
    lock_id = f"{sha('fr-zb-tf')[:8]}-{sha('fr-zb-tf')[8:12]}-{sha('fr-zb-tf')[12:16]}-{sha('fr-zb-tf')[16:20]}-{sha('fr-zb-tf')[20:32]}"
    tf = [
        "Acquiring state lock. This may take a few moments...",
        "╷",
        "│ Error: Error acquiring the state lock",
        "│ ",
        "│ Error message: operation error DynamoDB: PutItem, https response error",
        "│ StatusCode: 400, RequestID:",
        f"│ {sha('fr-zb-tf-req')[:32].upper()}, ConditionalCheckFailedException: The",
        "│ conditional request failed",
        "│ Lock Info:",
        f"│   ID:        {lock_id}",
        "│   Path:      5dlabs-tfstate/platform/dns/terraform.tfstate",
        "│   Operation: OperationTypeApply",
        "│   Who:       runner@fv-az1187-402",
        "│   Version:   1.9.8",
        "│   Created:   2026-11-18 02:00:41.27118 +0000 UTC",
        "│   Info:      ",
        "│ ",
        "│ ",
        "│ Terraform acquires a state lock to protect the state from being written",
        "│ by multiple users at the same time. Please resolve the issue above and try",
        '│ again. For most commands, you can disable locking with the "-lock=false"',
        "│ flag, but this is not recommended.",
        "╵",
    ]
    ci(
        "fr-zb-lock-terraform-state-held-by-drift-apply",
        "terraform plan cannot acquire the state lock: the nightly drift-reconcile workflow's "
        "apply on the same state (Operation: OperationTypeApply, started 02:00) still holds "
        "it; the change only adds a DNS record and plans fine after the other run ends",
        ["look-alike", "flake", "context-driven"],
        "atlas",
        "general",
        workflow="terraform",
        job="plan-dns",
        repo=PLAT,
        steps=[
            run(
                "terraform init -input=false",
                [
                    "Initializing the backend...",
                    'Successfully configured the backend "s3"! Terraform will automatically',
                    "use this backend unless the backend configuration changes.",
                    "Terraform has been successfully initialized!",
                ],
                name="Init",
            ),
            run(
                "terraform plan -input=false -lock-timeout=60s -out=tfplan",
                tf,
                code=1,
                name="Plan",
            ),
        ],
        message="dns: add status.5dlabs.ai",
        files=["terraform/dns/records.tf"],
        pr=pr_of(
            "fr-zb-tf-lock",
            "dns: add status.5dlabs.ai",
            "Adds a CNAME for the status page. The nightly drift-reconcile run was applying "
            "when this was pushed.",
        ),
    )


# ------------------------------------------------------------------ 6. test-framework timeouts


def _playwright(spec: str, line: int, title: str, url: str, call: str) -> list[str]:
    head = f"[chromium] {SEP} {spec}:{line}:7 {SEP} {title}"
    return [
        "",
        "Running 8 tests using 2 workers",
        "",
        f"  ✘  3 {head} (30.0s)",
        f"  ✘  5 {head} (retry #1) (30.0s)",
        "",
        f"  1) {head} ──────────────────────────────────",
        "",
        "    Error: page.goto: Timeout 30000ms exceeded.",
        "    Call log:",
        f'      - navigating to "{url}", waiting until "load"',
        "",
        "",
        f'      {line - 1} | test.describe("runs", () => {{',
        f'      {line} |   test("{title.rsplit(SEP, 1)[-1].strip()}", async ({{ page }}) => {{',
        f'    > {line + 1} |     await page.goto("{call}");',
        "         |                ^",
        f'      {line + 2} |     await expect(page.getByRole("table")).toBeVisible();',
        f"      {line + 3} |   }});",
        "",
        f"        at /home/runner/work/console/console/{spec}:{line + 1}:16",
        "",
        "  1 failed",
        f"    {head} ───────────────────────",
        "  7 passed (1.4m)",
    ]


def _e2e(
    cid: str,
    desc: str,
    tags: list[str],
    agent: str,
    ft: str,
    message: str,
    files: list[str],
    extra: dict,
) -> None:
    pr = pr_of(cid, message)
    url = f"https://pr-{pr['number']}.preview.5dlabs.ai"
    lines = _playwright(
        "e2e/runs.spec.ts", 9, f"runs {SEP} lists recent runs", url + "/runs", "/runs"
    )
    ci(
        cid,
        desc,
        tags,
        agent,
        ft,
        workflow="preview",
        job="e2e-preview",
        repo=WEB,
        steps=[
            *node_setup(),
            run(
                "npx playwright install --with-deps chromium",
                ["chromium 131.0.6778.33 (playwright build v1148) downloaded"],
                name="Browsers",
            ),
            run("npx playwright test", lines, code=1, env={"BASE_URL": url}, name="E2E"),
        ],
        message=message,
        files=files,
        pr=pr,
        extra=extra,
    )


def timeouts() -> None:
    # 6a. blaze: vitest timeout, the change awaits a promise that never resolves
    at(WEB)
    out = real.vitest(
        "fr-zb-vitest-timeout",
        {
            "src/poll.js": """export function waitForRun(client, id) {
  return new Promise((resolve) => {
    client.on("run", (run) => {
      if (run.id === id && run.status === "completed") resolve(run);
    });
  });
}
""",
            "src/poll.test.js": """import { EventEmitter } from "node:events";
import { expect, it } from "vitest";
import { waitForRun } from "./poll.js";

it("resolves when the run completes", async () => {
  const client = new EventEmitter();
  setTimeout(() => client.emit("run", { id: 7, status: "success" }), 10);
  const run = await waitForRun(client, 7);
  expect(run.id).toBe(7);
});
""",
        },
    )
    assert out.code != 0 and any("timed out" in ln for ln in out.lines), out
    out = real.Out(
        out.command, [ln.replace("timed out in 9ms", "timed out in 5000ms") for ln in out.lines], 1
    )
    ci(
        "fr-zb-tmo-vitest-promise-never-resolves",
        "vitest: 'resolves when the run completes' times out in 5000ms: the change's "
        "waitForRun resolves only on status 'completed' while the client emits the "
        "conclusion ('success'), so the promise never settles",
        ["look-alike"],
        "blaze",
        "frontend_test",
        workflow="console-ci",
        job="unit",
        repo=WEB,
        steps=[*node_setup(), failing(out, name="Unit tests")],
        message="feat(runs): wait for a run to finish before refreshing",
        files=["src/poll.js"],
        pr=pr_of("fr-zb-vitest-timeout", "feat(runs): wait for a run to finish"),
    )

    # 6b. rex: the preview's API pod panics at start-up (Rust panic in Loki)
    cid = "fr-zb-tmo-playwright-preview-api-panics"
    panic = [
        "thread 'main' panicked at crates/console-api/src/config.rs:41:10:",
        "RUNS_PAGE_SIZE must be a number: ParseIntError { kind: InvalidDigit }",
        "note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace",
    ]
    ctx = crashing(
        cid,
        "preview-pr",
        "console-api",
        "ghcr.io/5dlabs/console-api:sha-" + sha(cid)[:7],
        101,
        panic,
    )
    _e2e(
        cid,
        "Playwright page.goto times out against the PR preview: the console-api pod is in "
        "CrashLoopBackOff and Loki shows the Rust panic in config.rs, where the change parses "
        "RUNS_PAGE_SIZE with .expect() and no default; the chart's values are unchanged",
        ["look-alike", "context-driven"],
        "rex",
        "rust_test",
        "feat(api): configurable runs page size",
        ["crates/console-api/src/config.rs"],
        ctx,
    )

    # 6c. bolt: the preview's image cannot be pulled; Argo CD reports it
    cid = "fr-zb-tmo-playwright-preview-image-pull"
    created, _first, _last = clock(cid)
    image = "ghcr.io/5dlabs/console-web:pr-" + sha(cid)[:7]
    pod = shapes.pod(
        pod_name(cid, "console-web"),
        "preview-pr",
        "console-web",
        image,
        created=created,
        waiting=("ImagePullBackOff", f'Back-off pulling image "{image}"'),
        port=3000,
    )
    app = shapes.argo_application(
        "console-preview",
        "preview-pr",
        WEB,
        "deploy/preview",
        sha(cid),
        "Synced",
        "Degraded",
        health_message='Deployment "console-web" exceeded its progress deadline',
    )
    _e2e(
        cid,
        "Playwright page.goto times out against the PR preview: Argo CD reports console-preview "
        "Degraded and the console-web pod is in ImagePullBackOff; the change set the preview "
        "overlay's image to the pr- tag the image workflow does not publish (it publishes sha-)",
        ["look-alike", "context-driven", "argocd"],
        "bolt",
        "argocd_sync",
        "deploy(preview): tag preview images by PR",
        ["deploy/preview/kustomization.yaml"],
        {"kubernetes": {"pods": [pod]}, "argocd": [app]},
    )

    # 6d. atlas flake: pods healthy, the change is docs only
    cid = "fr-zb-tmo-playwright-preview-healthy-docs"
    pods = ready_pods(
        cid,
        "preview-pr",
        "console-web",
        "ghcr.io/5dlabs/console-web:sha-" + sha(cid)[:7],
        port=3000,
    )
    app = shapes.argo_application(
        "console-preview", "preview-pr", WEB, "deploy/preview", sha(cid), "Synced", "Healthy"
    )
    _e2e(
        cid,
        "Playwright page.goto times out once against the PR preview while Argo CD reports it "
        "Synced/Healthy, the pods are Ready with no restarts, and the change only edits "
        "CONTRIBUTING.md; a rerun passes",
        ["look-alike", "context-driven", "flake"],
        "atlas",
        "general",
        "docs: how to run e2e tests locally",
        ["CONTRIBUTING.md"],
        {"kubernetes": {"pods": pods}, "argocd": [app]},
    )


# ------------------------------------------------------------------ 7. connection reset


def resets() -> None:
    at(REPO)
    # 7a. rex: the change's pooled client reuses a connection the test server closed
    out = _rust_panic_test(
        "fr-zb-reset-keepalive",
        "client",
        "retries_after_server_restart",
        'POST /v1/runs: reqwest::Error { kind: Request, url: "http://127.0.0.1:38121/v1/runs", '
        "source: hyper_util::client::legacy::Error(SendRequest, hyper::Error(Io, Os { code: 104, "
        'kind: ConnectionReset, message: "Connection reset by peer" })) }',
        "crates/healer/src/dispatch/client.rs:412:14",
    )
    ci(
        "fr-zb-reset-rust-client-stale-keepalive",
        "cargo test: retries_after_server_restart fails with Connection reset by peer (os "
        "error 104): the change made the dispatcher's client a shared pooled reqwest::Client "
        "with pool_idle_timeout(None), so after the test restarts its server the pooled "
        "connection is reused and the request is not retried",
        ["look-alike"],
        "rex",
        "rust_test",
        workflow="rust",
        job="integration",
        repo=REPO,
        steps=[
            *rust_setup(),
            failing(
                real.Out("cargo test --lib -p healer dispatch", out.lines, out.code),
                name="Integration tests",
            ),
        ],
        message="perf(dispatch): reuse one HTTP client across requests",
        files=["crates/healer/src/dispatch/client.rs"],
        pr=pr_of("fr-zb-reset-keepalive", "perf(dispatch): reuse one HTTP client"),
    )

    # 7b. bolt: the test Postgres is OOMKilled after the chart lowered its memory limit
    out = _rust_panic_test(
        "fr-zb-reset-pg-oom",
        "store_pg",
        "bulk_insert_ten_thousand_runs",
        "called `Result::unwrap()` on an `Err` value: Io(Os { code: 104, kind: ConnectionReset, "
        'message: "Connection reset by peer" })',
        "crates/healer/src/store_pg.rs:143:60",
    )
    cid = "fr-zb-reset-rust-test-postgres-oomkilled"
    created, first, _last = clock(cid)
    pg = shapes.pod(
        "healer-test-postgresql-0",
        "ci-healer",
        "postgresql",
        "docker.io/bitnami/postgresql:16.4.0",
        created=created,
        ready=True,
        restarts=1,
        port=5432,
        memory_limit="128Mi",
        terminated={"exit_code": 137, "reason": "OOMKilled", "started": created, "finished": first},
        owner=("StatefulSet", "healer-test-postgresql"),
    )
    ci(
        cid,
        "cargo test against the CI Postgres fails with Connection reset by peer: the "
        "postgresql-0 pod's last state is OOMKilled (exit 137) under the 128Mi limit the "
        "change set in the test database chart's values; the Rust code is unchanged",
        ["look-alike", "context-driven"],
        "bolt",
        "helm",
        workflow="rust",
        job="integration-postgres",
        repo=REPO,
        steps=[
            *rust_setup(),
            failing(
                real.Out("cargo test --lib -p healer store_pg -- --ignored", out.lines, out.code),
                name="Integration tests",
                env={
                    "DATABASE_URL": "postgres://healer:***@healer-test-postgresql.ci-healer:5432/healer"
                },
            ),
        ],
        message="ci(test-db): right-size the test Postgres",
        files=["deploy/ci/test-postgres/values.yaml"],
        pr=pr_of(cid, "ci(test-db): right-size the test Postgres"),
        extra={
            "kubernetes": {
                "pods": [pg],
                "events": [
                    shapes.event(
                        "ci-healer",
                        "Pod",
                        "healer-test-postgresql-0",
                        "BackOff",
                        "Back-off restarting failed container postgresql in pod "
                        "healer-test-postgresql-0_ci-healer",
                        first=first,
                        last=first,
                    )
                ],
            }
        },
    )


# ------------------------------------------------------------------ 8. obvious


def obvious() -> None:
    at(REPO)
    out = real.cargo(
        "fr-zb-e0308",
        {
            "src/main.rs": """fn retries(limit: u32) -> u32 {
    let configured: Option<u32> = Some(limit);
    configured
}

fn main() {
    println!("{}", retries(3));
}
""",
        },
        ["build"],
    )
    out = real.Out("cargo build", [ln for ln in out.lines if "Compiling" not in ln], out.code)
    assert out.code != 0 and any("E0308" in ln for ln in out.lines), out
    ci(
        "fr-zb-obvious-rustc-e0308-option-return",
        "cargo build fails with E0308: retries() returns an Option<u32> where u32 is declared",
        ["obvious"],
        "rex",
        "rust_build",
        workflow="rust",
        job="build",
        repo=REPO,
        steps=[*rust_setup(), failing(out, name="Build")],
        message="feat(retry): configurable retry limit",
        files=["src/main.rs"],
    )

    at(WEB)
    out = real.tsc(
        "fr-zb-ts2322",
        {
            "src/badge.ts": """export type Agent = "rex" | "blaze" | "bolt" | "cipher" | "atlas";

export function badge(agent: Agent): number {
  return `agent-${agent}`;
}
""",
        },
    )
    assert out.code != 0 and any("TS2322" in ln for ln in out.lines), out
    ci(
        "fr-zb-obvious-tsc-ts2322-string-to-number",
        "tsc fails with TS2322: badge() returns a string where number is declared",
        ["obvious"],
        "blaze",
        "frontend_typecheck",
        workflow="console-ci",
        job="typecheck",
        repo=WEB,
        steps=[*node_setup(), failing(out, name="Typecheck")],
        message="feat(ui): agent badges",
        files=["src/badge.ts"],
    )

    at(PLAT)
    out = real.yamllint(
        "fr-zb-dup-key",
        {
            "charts/notifier/values.yaml": """---
image:
  repository: ghcr.io/5dlabs/notifier
  tag: "0.9.2"
resources:
  limits:
    memory: 256Mi
  limits:
    cpu: 500m
""",
        },
        ["charts/notifier/values.yaml"],
    )
    assert out.code != 0 and any("key-duplicates" in ln for ln in out.lines), out
    ci(
        "fr-zb-obvious-yamllint-duplicate-key-values",
        "yamllint fails on charts/notifier/values.yaml: duplication of key 'limits'",
        ["obvious"],
        "bolt",
        "yaml_config",
        workflow="charts",
        job="yamllint",
        repo=PLAT,
        steps=[failing(out, name="yamllint")],
        message="chore(notifier): cpu limit",
        files=["charts/notifier/values.yaml"],
    )

    at(WEB)
    out = real.actionlint(
        "fr-zb-needs-unknown",
        {
            "ci.yml": """name: ci
on: [pull_request]
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: npm ci && npm run build
  deploy:
    needs: [biuld]
    runs-on: ubuntu-latest
    steps:
      - run: echo deploy
""",
        },
    )
    assert out.code != 0, out
    ci(
        "fr-zb-obvious-actionlint-needs-unknown-job",
        "actionlint fails on ci.yml: the deploy job needs 'biuld', a job that does not exist",
        ["obvious"],
        "atlas",
        "workflow_syntax",
        workflow="lint-workflows",
        job="actionlint",
        repo=WEB,
        steps=[failing(out, name="actionlint")],
        message="ci: deploy after build",
        files=[".github/workflows/ci.yml"],
    )
