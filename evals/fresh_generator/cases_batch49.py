"""Batch 49 of the fresh split (ids ``fr-zw-``): release and publishing pipelines.

A failure inside a release job is labelled by its root cause: the code's own build (rex, blaze),
a crate's or an npm package's packaging metadata (rex, blaze), the chart's or image's packaging
(bolt), a leaked token (cipher), and the release workflow's plumbing, permissions, re-runs and
the registry's or GitHub's refusals (atlas).

- ``cargo publish`` against a local sparse registry standing in for the private one: a version
  already in the index on a re-run (atlas); a new crate without ``description``/``license``
  (rex); a path dependency without a version (rex); a dirty tree from a stale Cargo.lock the
  change left (rex) vs a CHANGELOG.md the workflow's git-cliff step wrote (atlas); the
  verify build failing on an ``include_str!`` outside the package (rex);
- ``npm publish`` against a local registry: E403 over a published version (atlas), E402 for a
  new scoped package without ``publishConfig.access`` (blaze) vs a workflow that dropped
  ``--access public`` (atlas), provenance without ``id-token: write`` (atlas),
  ``prepublishOnly`` tsc (blaze), a packed tarball whose ``main`` is not in ``files`` (blaze);
- semantic-release's exec plugin around rustc (rex) and its git push refused by a protected
  branch (atlas); release-please refused by a tag ruleset (atlas); a release asset upload 422
  (atlas); cargo-dist around a cfg-gated rustc error (rex); a version/tag mismatch (atlas);
- chart-releaser: a release that exists because the chart's version was not bumped (bolt) vs an
  index push that lost a race (atlas); ``helm package`` with dependencies not built (bolt);
  yamllint on Chart.yaml (bolt);
- buildx multi-arch: an amd64-only binary in an arm64 stage (bolt) vs a workflow without QEMU
  (atlas); cosign keyless signing without the OIDC token (atlas);
- security: GH013 push protection on the release notes (cipher), ``npm audit signatures``
  (cipher).

Cases tagged ``obvious``: the path dependency, provenance without ``id-token``, GH013, yamllint
on Chart.yaml.
"""

from __future__ import annotations

import http.server
import json
from typing import Any

import common
import real
from fcommon import at, ci, failing, node_setup, npm_ci_ok, pr_of, rust_setup
from gha import Job, Step, run, sha, uses
from helpers import buildx_setup

REPO = "5dlabs/healer"
WEB = "5dlabs/console"
CHARTS = "5dlabs/charts"
CRATES = "https://crates.5dlabs.ai"
NPM = "https://registry.npmjs.org/"


def build() -> None:
    cargo_publish()
    npm_publish()
    release_tools()
    charts()
    images()
    security()


def _prev_log(cid: str, repo: str, workflow: str, job: str, steps: list[Step], key: str) -> None:
    """Add another log (an earlier attempt, another job) to the last case's context."""
    other = Job(cid + ":" + key, repo, workflow, job, "main", steps)
    common.CASES[-1]["context"]["logs"][key] = other.log()


# ------------------------------------------------------------------ cargo publish


def _crate_registry(index: dict[str, list[dict[str, Any]]], reject: str = "") -> Any:
    """A sparse registry answering config.json, index files and the publish endpoint."""

    def answer(req: http.server.BaseHTTPRequestHandler) -> tuple[int, str, str]:
        host = req.headers.get("Host", "")
        path = req.path.split("?", 1)[0]
        if path == "/config.json":
            return (
                200,
                json.dumps({"dl": f"http://{host}/api/v1/crates", "api": f"http://{host}"}),
                "application/json",
            )
        if path == "/api/v1/crates/new":
            if reject:
                return 400, json.dumps({"errors": [{"detail": reject}]}), "application/json"
            return 200, json.dumps({"warnings": {}}), "application/json"
        name = path.rsplit("/", 1)[-1]
        if name in index:
            body = "".join(json.dumps(v) + "\n" for v in index[name])
            return 200, body, "text/plain"
        return 404, "not found", "text/plain"

    return answer


def _ver(name: str, vers: str) -> dict[str, Any]:
    return {
        "name": name,
        "vers": vers,
        "deps": [],
        "cksum": sha(name + vers) + sha(name + vers + "2")[:24],
        "features": {},
        "yanked": False,
    }


def _cargo_publish(
    name: str,
    files: dict[str, str],
    prepare: str,
    shown: str,
    index: dict[str, list[dict[str, Any]]] | None = None,
    reject: str = "",
    args: str = "",
) -> real.Out:
    """``cargo publish --registry kellnr`` in a committed git checkout; ``prepare`` runs after
    the commit (the workflow's earlier steps)."""
    with real.serve(_crate_registry(index or {}, reject)) as port:
        script = (
            "git init -q && git add -A && "
            "git -c user.email=ci@5dlabs.ai -c user.name=ci-bot commit -qm release && "
            f"{prepare}cargo publish --registry kellnr {args}"
        )
        return real.sh(
            name,
            files,
            script,
            shown,
            env={
                "CARGO_REGISTRIES_KELLNR_INDEX": f"sparse+http://127.0.0.1:{port}/",
                "CARGO_REGISTRIES_KELLNR_TOKEN": "kellnr-token-for-tests",
                "CARGO_TERM_COLOR": "never",
            },
            hosts={
                f"http://127.0.0.1:{port}": CRATES,
                f"127.0.0.1:{port}": CRATES.removeprefix("https://"),
            },
        )


def _toml(name: str, version: str, extra: str = "", deps: str = "") -> str:
    return (
        f'[package]\nname = "{name}"\nversion = "{version}"\nedition = "2021"\n{extra}'
        f'publish = ["kellnr"]\n\n[dependencies]\n{deps}'
    )


META = 'description = "Healer core types"\nlicense = "Apache-2.0"\n'


def _publish_env() -> dict[str, str]:
    return {"CARGO_REGISTRIES_KELLNR_TOKEN": "***"}


def cargo_publish() -> None:
    at(REPO)
    # 1. atlas: a re-run of a release whose crate had already been published
    out = _cargo_publish(
        "b49-cargo-exists",
        {
            "Cargo.toml": _toml("healer-core", "0.8.3", META),
            "src/lib.rs": 'pub fn version() -> &\'static str {\n    env!("CARGO_PKG_VERSION")\n}\n',
        },
        "",
        "cargo publish --registry kellnr",
        index={"healer-core": [_ver("healer-core", "0.8.2"), _ver("healer-core", "0.8.3")]},
    )
    assert out.code and "already exists" in "\n".join(out.lines), out.lines
    cid = "fr-zw-cargo-publish-rerun-already-exists"
    ci(
        cid,
        "`cargo publish` stops at `crate healer-core@0.8.3 already exists on kellnr index`: "
        "this is attempt 2 of the tag's release run; attempt 1 (its log in the context) "
        "published 0.8.3 and then failed at the GitHub release step, so re-running the whole "
        "job republishes; the release workflow is not idempotent",
        ["platform", "context-driven"],
        "atlas",
        "release_publish",
        workflow="release",
        job="publish-crates",
        branch="v0.8.3",
        steps=[*rust_setup(), failing(out, name="Publish healer-core", env=_publish_env())],
        message="chore(release): 0.8.3",
        files=["Cargo.toml", "CHANGELOG.md"],
    )
    ok = _cargo_publish(
        "b49-cargo-exists-prev",
        {
            "Cargo.toml": _toml("healer-core", "0.8.3", META),
            "src/lib.rs": 'pub fn version() -> &\'static str {\n    env!("CARGO_PKG_VERSION")\n}\n',
        },
        "",
        "cargo publish --registry kellnr",
        index={"healer-core": [_ver("healer-core", "0.8.2")]},
    )
    assert ok.code == 0, ok.lines
    _prev_log(
        cid,
        REPO,
        "release",
        "publish-crates",
        [
            *rust_setup(),
            run(ok.command, ok.lines, 0, name="Publish healer-core", env=_publish_env()),
            run(
                "gh release create v0.8.3 --notes-file RELEASE_NOTES.md --verify-tag",
                ["open RELEASE_NOTES.md: no such file or directory"],
                1,
                name="GitHub release",
                env={"GH_TOKEN": "***"},
            ),
        ],
        "publish-crates (attempt 1)",
    )

    # 2. rex: a new crate without description/license, rejected by the registry
    out = _cargo_publish(
        "b49-cargo-metadata",
        {
            "Cargo.toml": _toml("healer-proto", "0.1.0"),
            "src/lib.rs": "pub const SCHEMA: u32 = 3;\n",
        },
        "",
        "cargo publish --registry kellnr -p healer-proto",
        reject=(
            "missing or empty metadata fields: description, license. Please see "
            "https://doc.rust-lang.org/cargo/reference/manifest.html for more information on "
            "configuring these fields"
        ),
    )
    assert out.code and "400 Bad Request" in "\n".join(out.lines), out.lines
    cid = "fr-zw-cargo-publish-missing-metadata"
    ci(
        cid,
        "the registry answers 400 `missing or empty metadata fields: description, license` to "
        "`cargo publish` of healer-proto, the crate the change split out: its Cargo.toml has "
        "no description or license; the crate's manifest, not the registry or the token",
        ["look-alike"],
        "rex",
        "rust_deps",
        workflow="release",
        job="publish-crates",
        branch="v0.9.0",
        steps=[*rust_setup(), failing(out, name="Publish healer-proto", env=_publish_env())],
        message="chore(release): 0.9.0",
        files=["crates/healer-proto/Cargo.toml", "crates/healer-proto/src/lib.rs", "Cargo.toml"],
    )

    # 3. rex (obvious): a path dependency without a version
    files = {
        "Cargo.toml": _toml("healer-cli", "0.4.0", META, 'healer-wire = { path = "wire" }\n'),
        "src/main.rs": 'fn main() {\n    println!("{}", healer_wire::MAGIC);\n}\n',
        "wire/Cargo.toml": _toml("healer-wire", "0.1.0", META),
        "wire/src/lib.rs": "pub const MAGIC: u32 = 0x4845;\n",
    }
    out = _cargo_publish("b49-cargo-pathdep", files, "", "cargo publish --registry kellnr")
    assert out.code and "does not specify a version" in "\n".join(out.lines), out.lines
    cid = "fr-zw-cargo-publish-path-dep-no-version"
    ci(
        cid,
        "`cargo publish` of healer-cli fails `all dependencies must have a version requirement "
        "specified when packaging. dependency `healer-wire` does not specify a version`: the "
        "change added a path-only dependency to the crate's Cargo.toml",
        ["obvious"],
        "rex",
        "rust_deps",
        workflow="release",
        job="publish-crates",
        branch="v0.4.0",
        steps=[*rust_setup(), failing(out, name="Publish healer-cli", env=_publish_env())],
        message="chore(release): healer-cli 0.4.0",
        files=["Cargo.toml", "src/main.rs", "wire/Cargo.toml", "wire/src/lib.rs"],
    )

    # 4. rex: dirty tree: the change left Cargo.lock stale, the build step rewrote it
    files = {
        "Cargo.toml": _toml("healer-core", "0.9.1", META),
        "Cargo.lock": (
            "# This file is automatically @generated by Cargo.\n"
            "# It is not intended for manual editing.\nversion = 4\n\n"
            '[[package]]\nname = "healer-core"\nversion = "0.9.0"\n'
        ),
        "src/lib.rs": "pub fn retries() -> u32 {\n    3\n}\n",
    }
    out = _cargo_publish(
        "b49-cargo-dirty-lock",
        files,
        "cargo build -q --offline 2>/dev/null && ",
        "cargo publish --registry kellnr",
    )
    assert out.code and "Cargo.lock" in "\n".join(out.lines), out.lines
    cid = "fr-zw-cargo-publish-dirty-stale-lockfile"
    ci(
        cid,
        "`cargo publish` refuses: `1 files in the working directory contain changes that were "
        "not yet committed into git: Cargo.lock`; the change bumped the crate to 0.9.1 in "
        "Cargo.toml without the lockfile, so the job's `cargo build` rewrote Cargo.lock; "
        "the crate's own files are out of step",
        ["look-alike", "context-driven"],
        "rex",
        "rust_deps",
        workflow="release",
        job="publish-crates",
        branch="v0.9.1",
        steps=[
            *rust_setup(),
            run(
                "cargo build --release",
                ["    Finished `release` profile [optimized] target(s) in 4.62s"],
            ),
            failing(out, name="Publish", env=_publish_env()),
        ],
        message="chore(release): 0.9.1",
        files=["Cargo.toml"],
    )

    # 5. atlas: dirty tree: the workflow's git-cliff step wrote CHANGELOG.md before publishing
    files = {
        "Cargo.toml": _toml("healer-core", "0.9.2", META),
        "src/lib.rs": "pub fn retries() -> u32 {\n    3\n}\n",
        "CHANGELOG.md": "# Changelog\n\n## 0.9.1\n\n- retries\n",
    }
    out = _cargo_publish(
        "b49-cargo-dirty-changelog",
        files,
        "printf '## 0.9.2\\n\\n- release notes\\n' >> CHANGELOG.md && ",
        "cargo publish --registry kellnr",
    )
    assert out.code and "CHANGELOG.md" in "\n".join(out.lines), out.lines
    cid = "fr-zw-cargo-publish-dirty-changelog-step"
    ci(
        cid,
        "`cargo publish` refuses: `1 files ... not yet committed into git: CHANGELOG.md`; the "
        "change added a `git cliff --tag ... -o CHANGELOG.md` step before publishing in "
        "release.yml and never commits it; the release workflow dirties its own checkout",
        ["look-alike", "context-driven"],
        "atlas",
        "release_publish",
        workflow="release",
        job="publish-crates",
        branch="v0.9.2",
        steps=[
            *rust_setup(),
            run(
                'git cliff --tag "$GITHUB_REF_NAME" -o CHANGELOG.md',
                [" INFO  git_cliff > Generating changelog...", " INFO  git_cliff > Done."],
                name="Changelog",
            ),
            failing(out, name="Publish", env=_publish_env()),
        ],
        message="ci(release): generate the changelog in the release job",
        files=[".github/workflows/release.yml"],
        pr=pr_of(cid, "ci(release): generate the changelog in the release job"),
    )

    # 6. rex: the verify build cannot find a file outside the package
    files = {
        "Cargo.toml": '[workspace]\nmembers = ["crates/healer-api"]\nresolver = "2"\n',
        "schema/openapi.json": '{"openapi": "3.1.0"}\n',
        "crates/healer-api/Cargo.toml": _toml("healer-api", "0.3.0", META),
        "crates/healer-api/src/lib.rs": (
            'pub const OPENAPI: &str = include_str!("../../../schema/openapi.json");\n'
        ),
    }
    out = _cargo_publish(
        "b49-cargo-include-outside",
        files,
        "",
        "cargo publish --registry kellnr -p healer-api",
        args="-p healer-api",
    )
    assert out.code and "failed to verify" in "\n".join(out.lines), out.lines
    cid = "fr-zw-cargo-publish-verify-include-str"
    ci(
        cid,
        "`cargo publish` of healer-api fails verifying the packaged tarball: the change's "
        '`include_str!("../../../schema/openapi.json")` reaches outside the crate, so the file '
        "is not in the package; the crate's own code and packaging",
        ["look-alike"],
        "rex",
        "rust_build",
        workflow="release",
        job="publish-crates",
        branch="v0.3.0",
        steps=[*rust_setup(), failing(out, name="Publish healer-api", env=_publish_env())],
        message="chore(release): healer-api 0.3.0",
        files=["crates/healer-api/src/lib.rs", "crates/healer-api/Cargo.toml"],
    )


# ------------------------------------------------------------------ npm publish


def _npm_registry(status: int, error: str) -> Any:
    def answer(req: http.server.BaseHTTPRequestHandler) -> tuple[int, str, str]:
        return status, json.dumps({"error": error}), "application/json"

    return answer


def _npm_publish(
    name: str,
    files: dict[str, str],
    status: int,
    error: str,
    args: str = "",
    env: dict[str, str] | None = None,
    node_modules: bool = False,
) -> real.Out:
    with real.serve(_npm_registry(status, error)) as port:
        reg = f"http://127.0.0.1:{port}/"
        return real.sh(
            name,
            files,
            f"npm publish {args} --registry {reg} --//127.0.0.1:{port}/:_authToken=test".replace(
                "  ", " "
            ),
            f"npm publish {args}".strip(),
            env=env,
            hosts={reg: NPM},
            node_modules=node_modules,
        )


def _pkg(name: str, version: str, **extra: Any) -> str:
    return json.dumps({"name": name, "version": version, **extra}, indent=2) + "\n"


def _npm_env() -> dict[str, str]:
    return {"NODE_AUTH_TOKEN": "***"}


def npm_publish() -> None:
    at(WEB)
    # 7. atlas: E403 over a version published by an earlier manual dispatch
    out = _npm_publish(
        "b49-npm-e403",
        {
            "package.json": _pkg("@5dlabs/console-sdk", "2.3.1", main="index.js"),
            "index.js": "module.exports = {};\n",
        },
        403,
        "You cannot publish over the previously published versions: 2.3.1.",
    )
    assert out.code and "E403" in "\n".join(out.lines), out.lines
    cid = "fr-zw-npm-e403-dispatch-republish"
    ci(
        cid,
        "`npm publish` E403 `You cannot publish over the previously published versions: "
        "2.3.1`: the release workflow's publish job also runs on `workflow_dispatch` from "
        "main, and a dispatch after the tagged run published 2.3.1 tried the same version; "
        "the release plumbing, not the package",
        ["platform"],
        "atlas",
        "release_publish",
        workflow="publish-sdk",
        job="publish",
        repo=WEB,
        branch="main",
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Publish", env=_npm_env())],
        message="docs(sdk): usage of the retry option",
        files=["packages/sdk/README.md"],
    )

    # 8. blaze: E402 for a new scoped package without publishConfig.access
    pkg = {
        "package.json": _pkg("@5dlabs/ui-tokens", "0.1.0", main="index.js"),
        "index.js": "module.exports = { spacing: 4 };\n",
    }
    out = _npm_publish("b49-npm-e402-pkg", pkg, 402, "You must sign up for private packages")
    assert out.code and "E402" in "\n".join(out.lines), out.lines
    cid = "fr-zw-npm-e402-new-package-no-access"
    ci(
        cid,
        "`npm publish` E402 `You must sign up for private packages` for @5dlabs/ui-tokens: the "
        "change added this new scoped package whose package.json has no `publishConfig: "
        '{"access": "public"}` (every other package under packages/ has one); the '
        "package's own manifest, the workflow untouched",
        ["look-alike", "context-driven"],
        "blaze",
        "frontend_deps",
        workflow="publish-packages",
        job="publish (ui-tokens)",
        repo=WEB,
        branch="main",
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Publish", env=_npm_env())],
        message="feat(ui-tokens): extract design tokens into a package (#1841)",
        files=[
            "packages/ui-tokens/package.json",
            "packages/ui-tokens/index.js",
            "packages/ui-tokens/README.md",
        ],
        pr={
            "number": 1841,
            "title": "feat(ui-tokens): extract design tokens into a package",
            "body": "New package @5dlabs/ui-tokens, published by the existing matrix.",
            "labels": ["frontend", "new-package"],
        },
    )

    # 9. atlas: the same E402 after the workflow dropped --access public
    pkg = {
        "package.json": _pkg("@5dlabs/console-sdk", "2.4.0", main="index.js"),
        "index.js": "module.exports = {};\n",
    }
    out = _npm_publish("b49-npm-e402-wf", pkg, 402, "You must sign up for private packages")
    assert out.code and "E402" in "\n".join(out.lines), out.lines
    cid = "fr-zw-npm-e402-workflow-dropped-access"
    ci(
        cid,
        "`npm publish` E402 `You must sign up for private packages` for @5dlabs/console-sdk, "
        "published publicly for two years: the change rewrote publish-sdk.yml's step from "
        "`npm publish --access public` to `npm publish` while moving to a shared release "
        "action; the package.json is untouched",
        ["look-alike", "context-driven"],
        "atlas",
        "release_publish",
        workflow="publish-sdk",
        job="publish",
        repo=WEB,
        branch="main",
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Publish", env=_npm_env())],
        message="ci(sdk): publish through the shared release workflow (#1863)",
        files=[".github/workflows/publish-sdk.yml"],
        pr={
            "number": 1863,
            "title": "ci(sdk): publish through the shared release workflow",
            "body": "Drops the hand-rolled publish flags.",
            "labels": ["ci", "release"],
        },
    )

    # 10. atlas (obvious): provenance without id-token: write
    out = _npm_publish(
        "b49-npm-provenance",
        {
            "package.json": _pkg("@5dlabs/console-sdk", "2.4.1", main="index.js"),
            "index.js": "module.exports = {};\n",
        },
        200,
        "",
        args="--provenance --access public",
        env={"GITHUB_ACTIONS": "true"},
    )
    assert out.code and "id-token" in "\n".join(out.lines), out.lines
    cid = "fr-zw-npm-provenance-no-id-token"
    ci(
        cid,
        "`npm publish --provenance` fails EUSAGE `Provenance generation in GitHub Actions "
        'requires "write" access to the "id-token" permission`: the job\'s permissions lack '
        "`id-token: write`",
        ["obvious", "platform"],
        "atlas",
        "permissions",
        workflow="publish-sdk",
        job="publish",
        repo=WEB,
        branch="v2.4.1",
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Publish", env=_npm_env())],
        message="chore(sdk): release 2.4.1",
        files=["packages/sdk/package.json", "packages/sdk/CHANGELOG.md"],
    )

    # 11. blaze: prepublishOnly runs tsc, which fails on the change's types
    files = {
        "package.json": json.dumps(
            {
                "name": "@5dlabs/console-sdk",
                "version": "2.5.0",
                "type": "module",
                "scripts": {"prepublishOnly": "tsc -p ."},
            },
            indent=2,
        )
        + "\n",
        "tsconfig.json": real.TSCONFIG,
        "src/client.ts": (
            "export interface RetryOptions {\n  attempts: number;\n  backoffMs: number;\n}\n\n"
            "export const defaults: RetryOptions = {\n  attempts: 3,\n"
            '  backoffMs: "250",\n};\n'
        ),
    }
    out = _npm_publish("b49-npm-prepublish-tsc", files, 200, "", node_modules=True)
    assert out.code and "TS2322" in "\n".join(out.lines), out.lines
    cid = "fr-zw-npm-publish-prepublish-tsc"
    ci(
        cid,
        "`npm publish` stops in its `prepublishOnly` script: tsc TS2322 on `backoffMs: "
        '"250"` in src/client.ts from the change; nothing reached the registry; the SDK\'s '
        "TypeScript",
        ["look-alike", "misleading-name"],
        "blaze",
        "frontend_typecheck",
        workflow="publish-sdk",
        job="publish",
        repo=WEB,
        branch="v2.5.0",
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Publish", env=_npm_env())],
        message="chore(sdk): release 2.5.0",
        files=["packages/sdk/src/client.ts", "packages/sdk/package.json"],
    )

    # 12. blaze: the packed tarball's main is not in files
    files = {
        "package.json": json.dumps(
            {
                "name": "@5dlabs/console-sdk",
                "version": "2.6.0",
                "exports": {".": "./dist/index.cjs"},
                "files": ["lib"],
            },
            indent=2,
        )
        + "\n",
        "dist/index.cjs": "module.exports = { ok: true };\n",
        "lib/README.md": "compat shim\n",
    }
    out = real.sh(
        "b49-npm-pack-smoke",
        files,
        "npm pack && "
        "tar xzf 5dlabs-console-sdk-2.6.0.tgz && cd package && "
        "node -e \"require('./')\"",
        "npm pack && tar xzf 5dlabs-console-sdk-*.tgz && cd package && node -e \"require('./')\"",
    )
    assert out.code and "Cannot find module" in "\n".join(out.lines), out.lines
    cid = "fr-zw-npm-pack-smoke-files-excludes-main"
    ci(
        cid,
        "the pre-publish tarball smoke test fails `Cannot find module` for the packed SDK: the "
        'change set `"files": ["lib"]` in package.json while `exports` points at '
        "`./dist/index.cjs`, so the tarball ships without its entry point; the npm package's "
        "manifest",
        ["look-alike"],
        "blaze",
        "frontend_build",
        workflow="publish-sdk",
        job="verify-tarball",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Smoke-test the tarball")],
        message="build(sdk): ship the compat shim",
        files=["packages/sdk/package.json", "packages/sdk/lib/README.md"],
        pr=pr_of(cid, "build(sdk): ship the compat shim"),
    )


# ------------------------------------------------------------------ release tools


def _sr(lines: list[str], start: int = 2) -> list[str]:
    """semantic-release's log prefix (a fixed clock)."""
    return [
        f"[9:14:{(i + start) % 60:02d} AM] [semantic-release] {ln}" for i, ln in enumerate(lines)
    ]


def release_tools() -> None:
    at(REPO)
    # 13. rex: semantic-release's exec plugin runs cargo build, which fails on the change's code
    rs = real.cargo(
        "b49-sr-cargo",
        {
            "src/main.rs": (
                "struct Release {\n    notes: String,\n}\n\n"
                "fn summary(r: &Release) -> &str {\n    r.notes.lines().next()\n}\n\n"
                'fn main() {\n    let r = Release { notes: "fix: retry".into() };\n'
                '    println!("{}", summary(&r));\n}\n'
            )
        },
        ["build", "--release"],
    )
    assert rs.code and "E0308" in "\n".join(rs.lines), rs.lines
    cmd = "cargo set-version 1.7.0 && cargo build --release --locked"
    lines = [
        *_sr(
            [
                "\u203a \u2139  Running semantic-release version 24.2.0",
                '\u203a ✔  Loaded plugin "verifyConditions" from "@semantic-release/github"',
                '\u203a ✔  Loaded plugin "prepare" from "@semantic-release/exec"',
                "\u203a \u2139  Found git tag v1.6.4 associated with version 1.6.4 on branch main",
                "\u203a \u2139  Found 3 commits since last release",
                "\u203a \u2139  The next release version is 1.7.0",
                '\u203a \u2139  Start step "prepare" of plugin "@semantic-release/exec"',
                f"[@semantic-release/exec] \u203a \u2139  Call script {cmd}",
            ]
        ),
        "    Updating healer from 1.6.4 to 1.7.0",
        *[ln.replace("healer v0.1.0", "healer v1.7.0") for ln in rs.lines],
        *_sr(
            [
                '\u203a ✘  Failed step "prepare" of plugin "@semantic-release/exec"',
                "\u203a ✘  An error occurred while running semantic-release: Error: Command failed "
                f"with exit code 101: /bin/sh -c {cmd}",
            ],
            start=31,
        ),
    ]
    cid = "fr-zw-semantic-release-exec-rustc"
    ci(
        cid,
        "semantic-release fails in its `prepare` step: the exec plugin's `cargo build "
        "--release` stops on E0308 (`lines().next()` is an `Option<&str>`, the function "
        "returns `&str`) in code the merged change added; the release tooling only wraps "
        "the Rust error",
        ["look-alike", "misleading-name"],
        "rex",
        "rust_build",
        workflow="release",
        job="semantic-release",
        branch="main",
        steps=[
            *rust_setup(),
            *node_setup(),
            run("npx semantic-release", lines, 1, name="Release", env={"GITHUB_TOKEN": "***"}),
        ],
        message="feat(release): one-line summaries in notifications (#2214)",
        files=["src/main.rs"],
    )

    # 14. atlas: semantic-release cannot push the tag's commit to a protected main
    at(WEB)
    url = "https://x-access-token:[secure]@github.com/5dlabs/console.git"
    lines = _sr(
        [
            "\u203a \u2139  Running semantic-release version 24.2.0",
            '\u203a ✔  Loaded plugin "verifyConditions" from "@semantic-release/npm"',
            '\u203a ✔  Loaded plugin "verifyConditions" from "@semantic-release/git"',
            '\u203a ✔  Loaded plugin "verifyConditions" from "@semantic-release/github"',
            f'\u203a ✘  The command "git push --dry-run --no-verify {url} HEAD:main" failed with '
            "the error message remote: error: GH006: Protected branch update failed for "
            "refs/heads/main.        ",
            "remote: ",
            "remote: - Changes must be made through a pull request.        ",
            "To https://github.com/5dlabs/console.git",
            " ! [remote rejected] HEAD -> main (protected branch hook declined)",
            "error: failed to push some refs to 'https://github.com/5dlabs/console.git'",
            "\u203a ✘  ENOGITPERMISSION Cannot push to the Git repository.",
        ]
    ) + [
        f"semantic-release cannot push the version tag to the branch main on the remote Git "
        f"repository with URL {url}.",
        "",
        "This can be caused by:",
        " - a misconfiguration of the repository_url (https://github.com/semantic-release/"
        "semantic-release/blob/master/docs/usage/configuration.md#repositoryurl) option",
        " - the repository being unavailable",
        " - or missing push permission for the user configured via the Git credentials on your "
        "CI environment (https://github.com/semantic-release/semantic-release/blob/master/docs/"
        "usage/ci-configuration.md#authentication)",
    ]
    lines = [ln.replace("ENOGITPERMISSION", "EGITNOPERMISSION") for ln in lines]
    cid = "fr-zw-semantic-release-protected-main"
    ci(
        cid,
        "semantic-release's `verifyConditions` fails EGITNOPERMISSION: its dry-run push of "
        "the release commit to main is refused by GH006 (`Changes must be made through a pull "
        "request`); @semantic-release/git pushes to a branch the repository protects; the "
        "release workflow's credentials and the branch rules",
        ["platform"],
        "atlas",
        "permissions",
        workflow="release",
        job="release",
        repo=WEB,
        branch="main",
        steps=[
            *node_setup(),
            npm_ci_ok(),
            run(
                "npx semantic-release",
                lines,
                1,
                name="Release",
                env={"GITHUB_TOKEN": "***", "NPM_TOKEN": "***"},
            ),
        ],
        message="fix(table): keep the sort on refresh (#1877)",
        files=["src/components/RunTable.tsx"],
    )

    # 15. atlas: release-please refused by a tag ruleset
    at(REPO)
    cid = "fr-zw-release-please-tag-ruleset"
    ci(
        cid,
        "release-please merges the release PR's outcome into a GitHub release and fails "
        "`Repository rule violations found ... Cannot create ref due to creations being "
        "restricted`: a tag ruleset on `v*` lets only the release team create tags and the "
        "workflow's GITHUB_TOKEN is not a bypass actor; the PR carries `autorelease: pending`",
        ["platform"],
        "atlas",
        "permissions",
        workflow="release-please",
        job="release-please",
        branch="main",
        steps=[
            uses(
                "googleapis/release-please-action@v4",
                {"token": "***", "config-file": "release-please-config.json"},
                [
                    "✔ Building releases",
                    "✔ Building strategies by path",
                    "\u276f .: rust",
                    "✔ Found pull request #2231: 'chore(main): release 1.8.0'",
                    "✔ Creating 1 releases for pull #2231",
                    "\u276f Creating release for v1.8.0",
                ],
                name="release-please",
                error=[
                    "##[error]release-please failed: Repository rule violations found",
                    "",
                    "Cannot create ref due to creations being restricted.",
                    "",
                    " - https://docs.github.com/rest/releases/releases#create-a-release",
                ],
            )
        ],
        message="chore(main): release 1.8.0 (#2231)",
        files=["CHANGELOG.md", "Cargo.toml", "Cargo.lock", ".release-please-manifest.json"],
        pr={
            "number": 2231,
            "title": "chore(main): release 1.8.0",
            "body": ":robot: I have created a release *beep* *boop*\n\n## 1.8.0\n\n"
            "### Features\n\n* **triage:** route by failure class",
            "labels": ["autorelease: pending"],
        },
    )

    # 16. atlas: two matrix legs upload the same asset name
    name = "healer-linux.tar.xz"
    cid = "fr-zw-release-asset-already-exists"
    rel = 191_700_000 + int(sha(cid)[:4], 16)
    ci(
        cid,
        f"`gh release upload v1.8.0 {name}` fails `HTTP 422: Validation Failed ... "
        "ReleaseAsset.name already exists`: the workflow names the archive after the OS only, "
        "so the musl leg uploads the name the gnu leg (its log in the context) already "
        "uploaded; the release workflow's matrix naming",
        ["platform", "context-driven"],
        "atlas",
        "release_publish",
        workflow="release",
        job="upload (x86_64-unknown-linux-musl)",
        branch="v1.8.0",
        steps=[
            run(
                f"tar -C target/x86_64-unknown-linux-musl/release -cJf {name} healer",
                [],
                name="Archive",
            ),
            run(
                f'gh release upload "$GITHUB_REF_NAME" {name}',
                [
                    "HTTP 422: Validation Failed (https://uploads.github.com/repos/5dlabs/healer/"
                    f"releases/{rel}/assets?label=&name={name})",
                    "ReleaseAsset.name already exists",
                ],
                1,
                name="Upload",
                env={"GH_TOKEN": "***"},
            ),
        ],
        message="chore(main): release 1.8.0 (#2231)",
        files=[".github/workflows/release.yml"],
    )
    _prev_log(
        cid,
        REPO,
        "release",
        "upload (x86_64-unknown-linux-gnu)",
        [
            run(
                f"tar -C target/x86_64-unknown-linux-gnu/release -cJf {name} healer",
                [],
                name="Archive",
            ),
            run(
                f'gh release upload "$GITHUB_REF_NAME" {name}',
                [],
                name="Upload",
                env={"GH_TOKEN": "***"},
            ),
        ],
        "upload (x86_64-unknown-linux-gnu)",
    )

    # 17. rex: cargo-dist builds with a feature the PR CI never enables
    rs = real.cargo(
        "b49-dist-journald",
        {
            "Cargo.toml": real.cargo_toml(
                "healer", extra="\n[features]\ndefault = []\njournald = []\n"
            ),
            "src/main.rs": (
                '#[cfg(feature = "journald")]\nmod journal {\n'
                "    pub fn open(ident: &str) -> std::io::Result<()> {\n"
                "        let fields = ident.split_once('=');\n"
                "        let (_k, v) = fields;\n"
                "        let _ = v;\n        Ok(())\n    }\n}\n\n"
                'fn main() {\n    #[cfg(feature = "journald")]\n'
                '    journal::open("SYSLOG_IDENTIFIER=healer").unwrap();\n}\n'
            ),
        },
        ["build", "--release", "--features", "journald"],
        shown="cargo build --release --features journald",
    )
    assert rs.code and "error[E" in "\n".join(rs.lines), rs.lines
    lines = [
        "building cargo target (x86_64-unknown-linux-gnu/healer)",
        "    cargo build --profile dist --target x86_64-unknown-linux-gnu --features journald",
        *[ln.replace("healer v0.1.0", "healer v1.9.0") for ln in rs.lines],
        "Error:   \u00d7 failed to compile cargo target x86_64-unknown-linux-gnu",
        "  ╰─▶ cargo build failed (exit status: 101)",
    ]
    cid = "fr-zw-cargo-dist-feature-gated-error"
    ci(
        cid,
        "`dist build` fails compiling healer for the release: dist builds with `features = "
        '["journald"]`, and the change\'s code under `#[cfg(feature = "journald")]` '
        "destructures the `Option` from `split_once` as a tuple (E0308); PR CI builds default "
        "features only, so the Rust error first shows in the release",
        ["look-alike", "misleading-name"],
        "rex",
        "rust_build",
        workflow="release",
        job="build-local-artifacts (x86_64-unknown-linux-gnu)",
        branch="v1.9.0",
        steps=[
            *rust_setup(),
            run(
                "dist build ${{ needs.plan.outputs.tag-flag }} --print=linkage "
                "--output-format=json --artifacts=local --target=x86_64-unknown-linux-gnu",
                lines,
                101,
                name="Build artifacts",
            ),
        ],
        message="chore(release): 1.9.0",
        files=["Cargo.toml", "CHANGELOG.md"],
    )

    # 18. atlas: a tag pushed on a commit before the version bump
    out = real.sh(
        "b49-tag-version",
        {
            "Cargo.toml": _toml("healer", "1.9.0", META),
            "src/main.rs": "fn main() {}\n",
            "check.sh": (
                'tag="${GITHUB_REF_NAME#v}"\n'
                "ver=$(cargo metadata --no-deps --offline --format-version 1 "
                "| jq -r '.packages[0].version')\n"
                'if [ "$tag" != "$ver" ]; then\n'
                '  echo "::error::tag v$tag does not match the Cargo.toml version $ver"\n'
                "  exit 1\nfi\n"
            ),
        },
        "bash check.sh",
        "./scripts/check-tag-version.sh",
        env={"GITHUB_REF_NAME": "v1.9.1"},
    )
    assert out.code, out.lines
    out = real.Out(
        out.command, [ln.replace("::error::", "##[error]") for ln in out.lines], out.code
    )
    cid = "fr-zw-tag-before-version-bump"
    ci(
        cid,
        "the release's tag check fails `tag v1.9.1 does not match the Cargo.toml version "
        "1.9.0`: v1.9.1 was pushed by hand on a fix commit before the release PR that bumps "
        "Cargo.toml merged; the tag is on the wrong commit",
        ["platform"],
        "atlas",
        "release_publish",
        workflow="release",
        job="plan",
        branch="v1.9.1",
        steps=[*rust_setup(), failing(out, name="Tag matches version")],
        message="fix(ingest): skip empty check suites",
        files=["src/ingest.rs"],
    )


# ------------------------------------------------------------------ charts


def _cr_setup() -> list[Step]:
    return [
        uses(
            "azure/setup-helm@v4",
            {"version": "v3.16.3"},
            ["Downloading 'v3.16.3'", "Helm tool version 'v3.16.3' has been cached"],
        ),
        run(
            'git config user.name "$GITHUB_ACTOR"\n'
            'git config user.email "$GITHUB_ACTOR@users.noreply.github.com"',
            [],
            name="Configure Git",
        ),
    ]


def _cr_action(output: list[str], error: list[str]) -> Step:
    return uses(
        "helm/chart-releaser-action@v1.6.0",
        {"charts_dir": "charts", "skip_existing": "false"},
        [
            "Installing chart-releaser on /opt/hostedtoolcache/cr/v1.6.1/x86_64...",
            "Adding cr directory to PATH...",
            *output,
        ],
        name="Run chart-releaser",
        error=error,
    )


def charts() -> None:
    at(CHARTS)
    # 19. bolt: the chart changed without a version bump; the release for it exists
    cid = "fr-zw-cr-release-exists-no-chart-bump"
    ci(
        cid,
        "chart-releaser fails `error creating GitHub release healer-1.6.2: ... 422 Validation "
        "Failed [{Resource:Release Field:tag_name Code:already_exists ...}]`: the change edited "
        "the healer chart's templates and values but left Chart.yaml at version 1.6.2, so cr "
        "packaged a chart version that is already released; the chart's packaging",
        ["look-alike", "context-driven"],
        "bolt",
        "helm",
        workflow="release-charts",
        job="release",
        repo=CHARTS,
        branch="main",
        steps=[
            *_cr_setup(),
            _cr_action(
                [
                    "Looking up latest tag...",
                    "Discovering changed charts since 'healer-1.6.2'...",
                    "Packaging chart 'charts/healer'...",
                    "Successfully packaged chart in /home/runner/work/charts/charts/charts/healer "
                    "and saved it to: .cr-release-packages/healer-1.6.2.tgz",
                    "Releasing charts...",
                    "Error: error creating GitHub release healer-1.6.2: POST https://api.github."
                    "com/repos/5dlabs/charts/releases: 422 Validation Failed "
                    "[{Resource:Release Field:tag_name Code:already_exists Message:}]",
                    "Usage:",
                    "  cr upload [flags]",
                ],
                ["##[error]Process completed with exit code 1."],
            ),
        ],
        message="feat(healer): add topologySpreadConstraints (#388)",
        files=[
            "charts/healer/templates/deployment.yaml",
            "charts/healer/values.yaml",
            "charts/healer/values.schema.json",
        ],
        pr={
            "number": 388,
            "title": "feat(healer): add topologySpreadConstraints",
            "body": "Spreads the controller across zones.",
            "labels": ["chart/healer"],
        },
    )

    # 20. atlas: the index push lost a race with another release run
    cid = "fr-zw-cr-index-push-rejected"
    ci(
        cid,
        "chart-releaser released healer-1.7.0 but `cr index --push` is rejected `gh-pages -> "
        "gh-pages (fetch first)`: the release workflow has no concurrency group, and the run "
        "for the docs-site chart (its log in the context) pushed gh-pages seconds earlier; "
        "the release workflow's plumbing",
        ["platform", "look-alike", "context-driven"],
        "atlas",
        "git_error",
        workflow="release-charts",
        job="release",
        repo=CHARTS,
        branch="main",
        steps=[
            *_cr_setup(),
            _cr_action(
                [
                    "Looking up latest tag...",
                    "Discovering changed charts since 'healer-1.6.2'...",
                    "Packaging chart 'charts/healer'...",
                    "Successfully packaged chart in /home/runner/work/charts/charts/charts/healer "
                    "and saved it to: .cr-release-packages/healer-1.7.0.tgz",
                    "Releasing charts...",
                    "Updating charts repo index...",
                    "Loading index file from git repository .cr-index/index.yaml",
                    "Retrieving release healer-1.7.0",
                    "Extracting chart metadata from .cr-release-packages/healer-1.7.0.tgz",
                    "Calculating Hash for .cr-release-packages/healer-1.7.0.tgz",
                    "Updating index .cr-index/index.yaml",
                    'Pushing to branch "gh-pages"',
                    "To https://github.com/5dlabs/charts",
                    " ! [rejected]        gh-pages -> gh-pages (fetch first)",
                    "error: failed to push some refs to 'https://github.com/5dlabs/charts'",
                    "hint: Updates were rejected because the remote contains work that you do not",
                    "hint: have locally. This is usually caused by another repository pushing to",
                    "hint: the same ref. If you want to integrate the remote changes, use",
                    "hint: 'git pull' before pushing again.",
                    "hint: See the 'Note about fast-forwards' in 'git push --help' for details.",
                    "Error: error pushing to remote: exit status 1",
                ],
                ["##[error]Process completed with exit code 1."],
            ),
        ],
        message="chore(healer): release 1.7.0 (#391)",
        files=["charts/healer/Chart.yaml", "charts/healer/templates/deployment.yaml"],
    )
    _prev_log(
        cid,
        CHARTS,
        "release-charts",
        "release",
        [
            *_cr_setup(),
            _cr_action(
                [
                    "Looking up latest tag...",
                    "Discovering changed charts since 'docs-site-0.4.1'...",
                    "Packaging chart 'charts/docs-site'...",
                    "Releasing charts...",
                    "Updating charts repo index...",
                    "Updating index .cr-index/index.yaml",
                    'Pushing to branch "gh-pages"',
                    "To https://github.com/5dlabs/charts",
                    "   5b1e2c7..a9d04f3  gh-pages -> gh-pages",
                ],
                [],
            ),
        ],
        "release (docs-site run, same minute)",
    )

    # 21. bolt: helm package with a vendored dependency the change did not add
    cid = "fr-zw-helm-package-dependency-not-vendored"
    ci(
        cid,
        "`helm package charts/healer` fails `found in Chart.yaml, but missing in charts/ "
        "directory: redis`: the change added a redis dependency to the chart's Chart.yaml in a "
        "repository that vendors dependency archives under charts/healer/charts/ and did not "
        "commit redis-20.3.0.tgz; the chart's packaging",
        ["look-alike"],
        "bolt",
        "helm",
        workflow="release-charts",
        job="package",
        repo=CHARTS,
        branch="main",
        steps=[
            *_cr_setup(),
            run(
                "helm package charts/healer --destination .cr-release-packages",
                ["Error: found in Chart.yaml, but missing in charts/ directory: redis"],
                1,
                name="Package",
            ),
        ],
        message="feat(healer): optional redis for the dedup cache (#395)",
        files=["charts/healer/Chart.yaml", "charts/healer/values.yaml"],
    )

    # 22. bolt (obvious): yamllint on Chart.yaml
    out = real.yamllint(
        "b49-chart-yaml",
        {
            "charts/healer/Chart.yaml": (
                'apiVersion: v2\nname: healer\nversion: 1.7.1\nappVersion: "1.9.0"\n'
                "description: Healer controller\nversion: 1.7.2\n"
            )
        },
        ["charts/healer/Chart.yaml"],
    )
    assert out.code, out.lines
    cid = "fr-zw-chart-yaml-duplicate-version"
    ci(
        cid,
        'yamllint fails the chart release on `duplication of key "version"` in '
        "charts/healer/Chart.yaml: the bump added a second `version:` instead of editing the "
        "first",
        ["obvious"],
        "bolt",
        "yaml_config",
        workflow="release-charts",
        job="lint",
        repo=CHARTS,
        branch="chore/healer-1-7-2",
        steps=[failing(out, name="yamllint")],
        message="chore(healer): bump chart to 1.7.2",
        files=["charts/healer/Chart.yaml"],
    )


# ------------------------------------------------------------------ images


def _buildx_multi(bk: list[str], error: str, image: str, platforms: str) -> Step:
    tid = sha(image)[:4]
    return uses(
        "docker/build-push-action@v6",
        {"context": ".", "platforms": platforms, "push": "true", "tags": image},
        [
            "GitHub Actions runtime token ACs",
            "Docker info",
            "Buildx version",
            "Builder info",
            f"[command]/usr/bin/docker buildx build --iidfile /home/runner/work/_temp/"
            f"docker-actions-toolkit-{tid}/build-iidfile-{sha(image + 'i')[:10]}.txt "
            f"--platform {platforms} --tag {image} --metadata-file /home/runner/work/_temp/"
            f"docker-actions-toolkit-{tid}/build-metadata-{sha(image + 'm')[:10]}.json "
            "--push .",
            *bk,
        ],
        name="Build and push",
        error=[f"##[error]buildx failed with: ERROR: failed to build: failed to solve: {error}"],
        seconds=60,
    )


def images() -> None:
    at(REPO)
    image = "ghcr.io/5dlabs/healer:1.9.0"
    # 23. bolt: the change pinned the runtime base to an amd64-only tag
    base = "gcr.io/distroless/cc-debian12:nonroot-amd64"
    cid = "fr-zw-buildx-base-no-arm64"
    ci(
        cid,
        "the multi-arch release image fails `no match for platform in manifest` resolving "
        f"`{base}` for linux/arm64: the change pinned the Dockerfile's runtime stage to an "
        "amd64-only tag; the image's packaging",
        ["look-alike"],
        "bolt",
        "docker_build",
        workflow="release",
        job="image",
        branch="v1.9.0",
        steps=[
            uses("docker/setup-qemu-action@v3", None, ["Installing QEMU static binaries..."]),
            *buildx_setup(),
            _buildx_multi(
                [
                    '#0 building with "builder-3f1c" instance using docker-container driver',
                    "",
                    "#1 [internal] load build definition from Dockerfile",
                    "#1 transferring dockerfile: 712B done",
                    "#1 DONE 0.0s",
                    "",
                    "#2 [linux/arm64 internal] load metadata for docker.io/library/rust:1.95",
                    "#2 DONE 0.9s",
                    "",
                    f"#3 [linux/arm64 internal] load metadata for {base}",
                    "#3 ERROR: no match for platform in manifest: not found",
                    "",
                    f"#4 [linux/amd64 internal] load metadata for {base}",
                    "#4 DONE 0.6s",
                    "------",
                    f" > [linux/arm64 internal] load metadata for {base}:",
                    "------",
                    "Dockerfile:9",
                    "--------------------",
                    "   7 |     RUN cargo build --release --locked",
                    "   8 |     ",
                    f"   9 | >>> FROM {base}",
                    "  10 |     COPY --from=build /src/target/release/healer /usr/local/bin/",
                    '  11 |     ENTRYPOINT ["/usr/local/bin/healer"]',
                    "--------------------",
                ],
                f"{base}: failed to resolve source metadata for {base}: no match for platform "
                "in manifest: not found",
                image,
                "linux/amd64,linux/arm64",
            ),
        ],
        message="build(image): pin the distroless runtime",
        files=["Dockerfile"],
    )

    # 24. atlas: the workflow added arm64 without QEMU
    cid = "fr-zw-buildx-arm64-no-qemu"
    ci(
        cid,
        "the multi-arch release image fails `exec /bin/sh: exec format error` in the arm64 "
        "leg's first RUN: the change added `linux/arm64` to the workflow's `platforms` but no "
        "docker/setup-qemu-action step, so the amd64 runner cannot execute arm64 binaries; "
        "the Dockerfile is untouched; the release workflow",
        ["look-alike", "context-driven"],
        "atlas",
        "release_publish",
        workflow="release",
        job="image",
        branch="v1.9.0",
        steps=[
            *buildx_setup(),
            _buildx_multi(
                [
                    '#0 building with "builder-7a02" instance using docker-container driver',
                    "",
                    "#1 [internal] load build definition from Dockerfile",
                    "#1 transferring dockerfile: 698B done",
                    "#1 DONE 0.0s",
                    "",
                    "#5 [linux/arm64 build 2/5] WORKDIR /src",
                    "#5 DONE 0.1s",
                    "",
                    "#6 [linux/arm64 build 3/5] RUN apt-get update && apt-get install -y "
                    "--no-install-recommends protobuf-compiler",
                    "#6 0.104 exec /bin/sh: exec format error",
                    '#6 ERROR: process "/bin/sh -c apt-get update && apt-get install -y '
                    '--no-install-recommends protobuf-compiler" did not complete successfully: '
                    "exit code: 255",
                    "",
                    "#7 [linux/amd64 build 3/5] RUN apt-get update && apt-get install -y "
                    "--no-install-recommends protobuf-compiler",
                    "#7 CANCELED",
                    "------",
                    " > [linux/arm64 build 3/5] RUN apt-get update && apt-get install -y "
                    "--no-install-recommends protobuf-compiler:",
                    "0.104 exec /bin/sh: exec format error",
                    "------",
                ],
                'process "/bin/sh -c apt-get update && apt-get install -y '
                '--no-install-recommends protobuf-compiler" did not complete successfully: '
                "exit code: 255",
                image,
                "linux/amd64,linux/arm64",
            ),
        ],
        message="ci(release): publish arm64 images",
        files=[".github/workflows/release.yml"],
        pr=pr_of(cid, "ci(release): publish arm64 images", "Adds linux/arm64 to the image."),
    )

    # 25. atlas: cosign keyless without the OIDC token
    cid = "fr-zw-cosign-keyless-no-id-token"
    digest = "sha256:" + sha(cid + "d") + sha(cid + "e")[:24]
    ci(
        cid,
        "`cosign sign --yes` of the pushed image falls back to the device flow and fails "
        "`error obtaining token: expired_token`: the job has no `id-token: write`, so cosign "
        "finds no GitHub OIDC token for Fulcio; the workflow's permissions",
        ["platform"],
        "atlas",
        "permissions",
        workflow="release",
        job="sign",
        branch="v1.9.0",
        steps=[
            uses(
                "sigstore/cosign-installer@v3",
                None,
                ["INFO: Downloading bootstrap version 'v2.4.1' of cosign to verify version"],
            ),
            run(
                f"cosign sign --yes ghcr.io/5dlabs/healer@{digest}",
                [
                    "Generating ephemeral keys...",
                    "Retrieving signed certificate...",
                    "Non-interactive mode detected, using device flow.",
                    "Enter the verification code QJXM-PKRD in your browser at: "
                    "https://oauth2.sigstore.dev/auth/device?user_code=QJXM-PKRD",
                    "Code will be valid for 300 seconds",
                    f"Error: signing [ghcr.io/5dlabs/healer@{digest}]: getting signer: getting "
                    "key from Fulcio: retrieving cert: error obtaining token: expired_token",
                    "main.go:74: error during command execution: signing "
                    f"[ghcr.io/5dlabs/healer@{digest}]: getting signer: getting key from "
                    "Fulcio: retrieving cert: error obtaining token: expired_token",
                ],
                1,
                name="Sign image",
            ),
        ],
        message="chore(release): 1.9.0",
        files=["Cargo.toml", "CHANGELOG.md"],
    )


# ------------------------------------------------------------------ security


def security() -> None:
    from cases_github import gh013_push

    at(WEB)
    # 26. cipher (obvious): push protection on the release notes
    cid = "fr-zw-release-notes-gh013-npm-token"
    commit = sha(cid)
    out = gh013_push(
        "b49-gh013",
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
            "      —— npm Access Token ——————————————————————————————————",
            "       locations:",
            f"         - commit: {commit}",
            "           path: RELEASE_NOTES.md:23",
            "",
            "       (?) To push, remove secret from commit(s) or follow this URL to allow the secret.",
            "       https://github.com/5dlabs/console/security/secret-scanning/unblock-secret/"
            "2qA8gLy0Mn4Ow9Su2Zt5Xc7Ad1Eb",
            "",
        ],
    )
    assert out.code, out.lines
    out = real.Out(
        out.command, [ln.replace("5dlabs/cto", "5dlabs/console") for ln in out.lines], out.code
    )
    ci(
        cid,
        "the release job's push of the version commit is blocked by push protection: "
        "RELEASE_NOTES.md line 23 holds an npm access token pasted into the notes",
        ["obvious"],
        "cipher",
        "secret_scanning_alert",
        workflow="release",
        job="version",
        repo=WEB,
        branch="main",
        steps=[
            *node_setup(),
            run(
                "npx changeset version",
                ["🦋  All files have been updated. Review them and commit at your leisure"],
            ),
            run(
                'git commit -am "chore: version packages"',
                ["[main 4c1d9e2] chore: version packages", " 5 files changed, 48 insertions(+)"],
                name="Commit",
            ),
            failing(out, name="Push"),
        ],
        message="docs(release): notes for 2.7.0",
        files=["RELEASE_NOTES.md", ".changeset/bright-owls-sing.md"],
    )

    # 27. cipher: npm audit signatures finds a tampered package before publishing
    cid = "fr-zw-npm-audit-signatures-invalid"
    ci(
        cid,
        "the publish job's `npm audit signatures` gate fails: `1 package has an invalid "
        "registry signature: @5dlabs/retry-ts@1.0.3` (`Someone might have tampered with this "
        "package since it was published on the registry!`); a supply-chain finding, not a "
        "build or registry outage",
        ["look-alike"],
        "cipher",
        "vulnerable_dependency",
        workflow="publish-sdk",
        job="publish",
        repo=WEB,
        branch="v2.7.0",
        steps=[
            *node_setup(),
            npm_ci_ok(),
            run(
                "npm audit signatures",
                [
                    "audited 412 packages in 2s",
                    "",
                    "411 packages have verified registry signatures",
                    "",
                    "1 package has an invalid registry signature:",
                    "",
                    "@5dlabs/retry-ts@1.0.3 (https://registry.npmjs.org/)",
                    "",
                    "Someone might have tampered with this package since it was published on "
                    "the registry!",
                    "",
                ],
                1,
                name="Verify registry signatures",
            ),
        ],
        message="chore(sdk): release 2.7.0",
        files=["packages/sdk/package.json", "package-lock.json"],
    )
