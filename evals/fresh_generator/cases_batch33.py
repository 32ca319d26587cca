"""Batch 33 of the fresh split (ids ``fr-zg-``): release and publish pipelines and their
look-alikes, where the same loud release line has different owners.

- ``npm publish``: ``prepublishOnly`` running ``tsc`` on a TS2322 the change introduced (blaze,
  wrapper), E401 on an expired ``NODE_AUTH_TOKEN`` (atlas, permissions), ENEEDAUTH after the
  workflow dropped ``registry-url`` from setup-node (atlas, permissions), E402 on the first
  publish of a new scoped package whose package.json has no ``publishConfig.access`` (blaze),
  provenance refused without ``id-token: write`` (atlas, permissions);
- ``cargo publish``: ``cargo package`` verification failing because ``include`` leaves out a
  template the crate ``include_str!``s (rex), a path dependency without a version (rex),
  ``already exists on crates.io index`` on a re-run release (atlas), crates.io refusing missing
  ``description``/``license`` (rex), an expired crates.io token (atlas);
- Helm chart releases: chart-releaser's 422 ``already_exists`` because the chart's templates
  changed without a ``version`` bump (bolt), ``cr index --push`` denied to gh-pages under
  ``contents: read`` (atlas), ``helm push`` to GHCR refused for want of ``packages: write``
  (atlas), ``helm dependency build`` on a Chart.lock version the repository's index no longer
  lists (bolt);
- Docker image publishing: a push denied after the workflow renamed the image to an
  organisation package the repository cannot write (atlas), ``imagetools create`` missing the
  arm64 image whose build failed on a real rustc error in the aarch64-only module (rex), build
  provenance attestation refused without ``attestations: write`` (atlas);
- semantic-release: ENOGHTOKEN after the token moved to another step's env (atlas),
  EINVALIDNEXTVERSION for a breaking-change commit on the maintenance branch (atlas), the
  exec plugin's ``prepareCmd`` build failing on a real tsc error (blaze, wrapper);
- promotion after release: ``argocd app wait`` Degraded with ImagePullBackOff when the release
  job's push had failed and been ignored (atlas), the same symptom when the prod overlay's
  Kustomize ``newTag`` carries a ``v`` prefix the registry never had (bolt);
- GitHub release assets: action-gh-release's 422 ``already_exists`` against the draft that
  release-drafter created in another job (atlas), an asset pattern matching nothing because
  the change moved Cargo's ``target-dir`` (rex), a packaging step finding no ``dist/`` because
  the change moved Vite's ``outDir`` (blaze), a 403 under ``contents: read`` (atlas).

Four cases are tagged ``obvious``: the prepublishOnly TS2322, the provenance EUSAGE, the path
dependency without a version and crates.io's missing metadata.
"""

from __future__ import annotations

import http.server
import json
from typing import Any

import fcommon
import real
import shapes
from fcommon import at, ci, failing, node_setup, npm_ci_ok, pr_of, rust_setup, sha
from gha import Job, h, run, start_of, uses
from helpers import buildx_setup, buildx_step, clock, pod_name

REPO = "5dlabs/healer"
WEB = "5dlabs/console"
SDK = "5dlabs/healer-sdk-js"
CHARTS = "5dlabs/charts"
OPS = "5dlabs/gitops"


def build() -> None:
    npm_publish()
    cargo_publish()
    helm_release()
    image_publish()
    semantic_release()
    promotion()
    release_assets()


def _npm(
    cid: str,
    pkg: dict[str, Any],
    files: dict[str, str],
    answer: tuple[int, str] | None = None,
    npmrc: bool = True,
    env: dict[str, str] | None = None,
    args: str = "",
    shown: str = "npm publish",
    node_modules: bool = False,
) -> real.Out:
    """Real ``npm publish`` against a 127.0.0.1 registry answering ``answer``."""
    with real.serve((*(answer or (500, "{}")), "application/json")) as port:
        rc = f"//127.0.0.1:{port}/:_authToken=npm_fake_token_for_local_registry\n"
        out = real.sh(
            cid,
            {
                "package.json": json.dumps(pkg, indent=2) + "\n",
                **files,
                **({".npmrc": rc} if npmrc else {}),
            },
            f"npm publish --registry http://127.0.0.1:{port}/ {args}".strip(),
            shown,
            env=env,
            hosts={
                f"http://127.0.0.1:{port}/": "https://registry.npmjs.org/",
                f"127.0.0.1:{port}": "registry.npmjs.org",
            },
            node_modules=node_modules,
        )
    lines = [ln for ln in out.lines if "_authToken" not in ln]
    assert out.code != 0, lines
    return real.Out(shown, lines, out.code)


def _setup_node_registry() -> list:
    return [
        uses(
            "actions/setup-node@v4",
            {"node-version": "20", "registry-url": "https://registry.npmjs.org", "cache": "npm"},
            [
                "Found in cache @ /opt/hostedtoolcache/node/20.20.2/x64",
                "##[group]Environment details",
                "node: v20.20.2",
                "npm: 11.19.1",
                "yarn: 1.22.22",
                "##[endgroup]",
            ],
        )
    ]


SDK_PKG = {
    "name": "@5dlabs/healer-sdk",
    "version": "2.4.0",
    "license": "Apache-2.0",
    "main": "dist/index.js",
    "types": "dist/index.d.ts",
    "files": ["dist"],
    "publishConfig": {"access": "public"},
}
SDK_DIST = {"dist/index.js": "export const VERSION = '2.4.0';\n", "dist/index.d.ts": ""}

TSCONFIG_BUILD = json.dumps(
    {
        "compilerOptions": {
            "strict": True,
            "outDir": "dist",
            "declaration": True,
            "target": "ES2022",
            "module": "ES2022",
            "moduleResolution": "bundler",
            "skipLibCheck": True,
        },
        "include": ["src"],
    }
)

RUNS_TS = """export interface Run {
  id: number;
  status: "queued" | "running" | "failed" | "healed";
  agent?: string;
}

export function latestAgent(runs: Run[]): string {
  const last = runs.at(-1);
  return last?.agent;
}
"""


# ------------------------------------------------------------------ 1. npm publish


def npm_publish() -> None:
    at(SDK)
    # 1a. prepublishOnly runs tsc: the change's TS2322 (blaze, wrapper)
    cid = "fr-zg-npm-prepublish-tsc-optional-agent"
    pkg = {**SDK_PKG, "scripts": {"prepublishOnly": "tsc -p tsconfig.build.json"}}
    out = _npm(
        cid,
        pkg,
        {"tsconfig.build.json": TSCONFIG_BUILD, "src/runs.ts": RUNS_TS},
        node_modules=True,
    )
    assert any("TS2322" in ln for ln in out.lines), out.lines
    ci(
        cid,
        "npm publish runs the package's prepublishOnly (tsc -p tsconfig.build.json), which "
        "fails on TS2322 in src/runs.ts: the change made Run.agent optional and latestAgent "
        "still returns it as string",
        ["wrapper", "obvious", "release"],
        "blaze",
        "frontend_typecheck",
        workflow="publish",
        job="npm-publish",
        repo=SDK,
        steps=[
            *_setup_node_registry(),
            npm_ci_ok(),
            failing(out, name="Publish", env={"NODE_AUTH_TOKEN": "***"}),
        ],
        message="feat(runs): agent is optional until triage finishes",
        files=["src/runs.ts"],
        branch="main",
    )

    # 1b. E401: the NODE_AUTH_TOKEN secret expired (atlas)
    cid = "fr-zg-npm-publish-e401-token-expired"
    out = _npm(
        cid,
        SDK_PKG,
        SDK_DIST,
        (
            401,
            json.dumps(
                {"error": "Unable to authenticate, your authentication token seems to be invalid."}
            ),
        ),
    )
    assert any("E401" in ln for ln in out.lines), out.lines
    ci(
        cid,
        "the release workflow's npm publish gets E401 'your authentication token seems to be "
        "invalid': the NPM_TOKEN secret behind NODE_AUTH_TOKEN is a granular token that expired; "
        "the change is only a version bump",
        ["release", "permissions"],
        "atlas",
        "permissions",
        workflow="release",
        job="publish",
        repo=SDK,
        steps=[
            *_setup_node_registry(),
            npm_ci_ok(),
            run(
                "npm run build",
                ["", "> @5dlabs/healer-sdk@2.4.0 build", "> tsc -p tsconfig.build.json", ""],
                name="Build",
            ),
            failing(out, name="Publish", env={"NODE_AUTH_TOKEN": "***"}),
        ],
        message="chore(release): 2.4.0",
        files=["package.json", "package-lock.json", "CHANGELOG.md"],
        branch="v2.4.0",
        event="workflow_run",
    )

    # 1c. ENEEDAUTH: the workflow dropped registry-url so no .npmrc carries the token (atlas)
    cid = "fr-zg-npm-publish-eneedauth-registry-url-dropped"
    out = _npm(cid, SDK_PKG, SDK_DIST, npmrc=False)
    assert any("ENEEDAUTH" in ln for ln in out.lines), out.lines
    ci(
        cid,
        "npm publish fails with ENEEDAUTH: the change to the workflow removed registry-url from "
        "actions/setup-node, so no .npmrc maps NODE_AUTH_TOKEN to the registry",
        ["release", "permissions", "look-alike"],
        "atlas",
        "permissions",
        workflow="release",
        job="publish",
        repo=SDK,
        steps=[
            *node_setup(),
            npm_ci_ok(),
            failing(out, name="Publish", env={"NODE_AUTH_TOKEN": "***"}),
        ],
        message="ci: share the setup-node step with the test workflow",
        files=[".github/workflows/release.yml", ".github/actions/setup/action.yml"],
        branch="v2.4.1",
        event="workflow_run",
    )

    # 1d. E402: a new scoped package published without publishConfig.access (blaze)
    at(WEB)
    cid = "fr-zg-npm-publish-e402-new-scoped-package-restricted"
    pkg = {
        "name": "@5dlabs/console-charts",
        "version": "0.1.0",
        "license": "Apache-2.0",
        "main": "dist/index.js",
        "files": ["dist"],
    }
    out = _npm(
        cid,
        pkg,
        {"dist/index.js": "export const Sparkline = () => null;\n"},
        (402, json.dumps({"error": "You must sign up for private packages"})),
        shown="npm publish --workspace packages/console-charts",
    )
    assert any("E402" in ln for ln in out.lines), out.lines
    ci(
        cid,
        "the first npm publish of the new @5dlabs/console-charts workspace package gets E402 "
        "'You must sign up for private packages': its package.json, split out in this change, "
        "has no publishConfig.access public (its sibling packages do), so npm publishes it "
        "restricted",
        ["release", "context-driven", "look-alike"],
        "blaze",
        "frontend_build",
        workflow="packages",
        job="publish-packages",
        repo=WEB,
        steps=[
            *_setup_node_registry(),
            npm_ci_ok(),
            run(
                "npm publish --workspace packages/console-ui",
                [
                    "npm notice Publishing to https://registry.npmjs.org/ with tag latest and public access",
                    "+ @5dlabs/console-ui@3.2.0",
                ],
                name="Publish console-ui",
            ),
            failing(out, name="Publish console-charts", env={"NODE_AUTH_TOKEN": "***"}),
        ],
        message="feat(charts): split the chart components into @5dlabs/console-charts",
        files=[
            "packages/console-charts/package.json",
            "packages/console-charts/src/Sparkline.tsx",
            "packages/console-ui/src/index.ts",
            "package-lock.json",
        ],
        pr=pr_of(cid, "feat(charts): split chart components into their own package"),
    )

    # 1e. provenance without id-token: write (atlas, obvious)
    at(SDK)
    cid = "fr-zg-npm-provenance-id-token-missing"
    pkg = {**SDK_PKG, "version": "2.5.0", "publishConfig": {"access": "public", "provenance": True}}
    out = _npm(cid, pkg, SDK_DIST, env={"GITHUB_ACTIONS": "true"}, shown="npm publish --provenance")
    assert any("id-token" in ln for ln in out.lines), out.lines
    ci(
        cid,
        "npm publish with provenance stops with EUSAGE: provenance generation needs the "
        "id-token: write permission, which the release job's permissions block does not grant",
        ["release", "permissions", "obvious"],
        "atlas",
        "permissions",
        workflow="release",
        job="publish",
        repo=SDK,
        steps=[
            *_setup_node_registry(),
            npm_ci_ok(),
            failing(out, name="Publish", env={"NODE_AUTH_TOKEN": "***"}),
        ],
        message="ci: publish with npm provenance",
        files=[".github/workflows/release.yml", "package.json"],
        branch="v2.5.0",
    )


# ------------------------------------------------------------------ 2. cargo publish


def _cargo_registry(mode: str, name: str, version: str) -> real.Handler:
    """A sparse-index registry stub: ``exists`` lists ``name@version``; ``meta`` and ``auth``
    refuse the upload as crates.io does."""

    def answer(req: http.server.BaseHTTPRequestHandler) -> tuple[int, str, str]:
        path = req.path
        ctype = "application/json"
        host = req.headers.get("Host", "")
        if path.endswith("/config.json"):
            return 200, json.dumps({"dl": f"http://{host}/dl", "api": f"http://{host}"}), ctype
        if path.startswith("/index/"):
            if mode == "exists" and path.endswith("/" + name):
                entry = {
                    "name": name,
                    "vers": version,
                    "deps": [],
                    "cksum": sha(name + version) + sha(version)[:24],
                    "features": {},
                    "yanked": False,
                }
                return 200, json.dumps(entry) + "\n", "text/plain"
            return 404, "not found", "text/plain"
        if path.startswith("/api/v1/crates/new"):
            if mode == "meta":
                detail = (
                    "missing or empty metadata fields: description, license. Please see "
                    "https://doc.rust-lang.org/cargo/reference/manifest.html for more "
                    "information on configuring these fields"
                )
                return 400, json.dumps({"errors": [{"detail": detail}]}), ctype
            return 403, json.dumps({"errors": [{"detail": "authentication failed"}]}), ctype
        return 404, "", ctype

    return answer


def _cargo_publish(
    cid: str,
    files: dict[str, str],
    mode: str,
    name: str,
    version: str,
    args: str = "",
    warn_metadata: bool = False,
) -> real.Out:
    """Real ``cargo publish`` against the stub, shown as crates.io."""
    path = real.scratch(cid, files)
    with real.serve(_cargo_registry(mode, name, version)) as port:
        lines, code = real.run(
            f"cargo publish -p {name} --registry stub --allow-dirty {args}".strip(),
            path,
            env={
                "CARGO_REGISTRIES_STUB_INDEX": f"sparse+http://127.0.0.1:{port}/index/",
                "CARGO_REGISTRIES_STUB_TOKEN": "cio_fake_token_for_local_registry",
            },
            hosts={
                "`stub` index": "crates.io index",
                f"http://127.0.0.1:{port}": "https://crates.io",
                "on `stub` index": "on crates.io index",
            },
        )
    if warn_metadata:
        lines[1:1] = [
            "warning: manifest has no description, license, license-file, documentation, "
            "homepage or repository.",
            "See https://doc.rust-lang.org/cargo/reference/manifest.html#package-metadata for "
            "more info.",
        ]
    assert code != 0, lines
    return real.Out(f"cargo publish -p {name} {args}".replace("  ", " ").strip(), lines, code)


def _cargo_toml(name: str, version: str, extra: str = "", deps: str = "") -> str:
    return (
        f'[package]\nname = "{name}"\nversion = "{version}"\nedition = "2021"\n{extra}\n'
        f"[dependencies]\n{deps}\n"
    )


META = (
    'description = "Healer CLI: route CI failures to specialist agents"\n'
    'license = "Apache-2.0"\nrepository = "https://github.com/5dlabs/healer"\n'
)

TEMPLATE_RS = """const SUMMARY: &str = include_str!("../templates/summary.md");

pub fn render(run: u64, agent: &str) -> String {
    SUMMARY.replace("{run}", &run.to_string()).replace("{agent}", agent)
}

fn main() {
    println!("{}", render(1, "rex"));
}
"""


def _release_crate_steps(
    out: real.Out, name: str, version: str, where: str = "/home/runner/work/healer/healer"
) -> list:
    return [
        *rust_setup(),
        run(
            f"cargo test -p {name} --locked",
            [
                f"   Compiling {name} v{version} ({where})",
                "    Finished `test` profile [unoptimized + debuginfo] target(s) in 38.07s",
                "     Running unittests src/main.rs (target/debug/deps/"
                f"{name.replace('-', '_')}-{sha(name)[:16]})",
                "",
                "running 14 tests",
                "test result: ok. 14 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; "
                "finished in 0.03s",
            ],
            name="Test",
        ),
        failing(out, name="Publish crate", env={"CARGO_REGISTRY_TOKEN": "***"}),
    ]


def cargo_publish() -> None:
    at(REPO)
    # 2a. cargo package verification: include leaves out the template (rex)
    cid = "fr-zg-cargo-package-include-drops-template"
    out = _cargo_publish(
        cid,
        {
            "Cargo.toml": _cargo_toml(
                "healer-cli", "0.4.0", META + 'include = ["src/**/*.rs", "Cargo.toml"]\n'
            ),
            "src/main.rs": TEMPLATE_RS,
            "templates/summary.md": "Run {run} was routed to {agent}.\n",
        },
        "auth",
        "healer-cli",
        "0.4.0",
    )
    assert any("couldn't read" in ln for ln in out.lines), out.lines
    ci(
        cid,
        "cargo publish's verification build of the packaged crate fails: src/main.rs "
        "include_str!s templates/summary.md, which the change's new include = "
        '["src/**/*.rs", "Cargo.toml"] in Cargo.toml leaves out of the package',
        ["release", "wrapper", "look-alike"],
        "rex",
        "rust_build",
        workflow="release",
        job="publish-crates",
        steps=_release_crate_steps(out, "healer-cli", "0.4.0"),
        message="build(cli): keep fixtures and docs out of the published crate",
        files=["crates/healer-cli/Cargo.toml"],
        branch="v0.4.0",
        event="workflow_run",
    )

    # 2b. a path dependency without a version (rex)
    cid = "fr-zg-cargo-publish-path-dep-without-version"
    files = {
        "Cargo.toml": '[workspace]\nmembers = ["crates/*"]\nresolver = "2"\n',
        "crates/healer-cli/Cargo.toml": _cargo_toml(
            "healer-cli", "0.4.1", META, 'healer-route = { path = "../healer-route" }\n'
        ),
        "crates/healer-cli/src/main.rs": "fn main() { healer_route::hello(); }\n",
        "crates/healer-route/Cargo.toml": _cargo_toml("healer-route", "0.1.0", META),
        "crates/healer-route/src/lib.rs": "pub fn hello() {}\n",
    }
    out = _cargo_publish(cid, files, "auth", "healer-cli", "0.4.1")
    assert any("does not specify a version" in ln for ln in out.lines), out.lines
    ci(
        cid,
        "cargo publish -p healer-cli refuses to package: the change added the workspace crate "
        "healer-route as a path dependency with no version, which a published crate cannot have",
        ["release", "obvious"],
        "rex",
        "rust_deps",
        workflow="release",
        job="publish-crates",
        steps=_release_crate_steps(
            out, "healer-cli", "0.4.1", "/home/runner/work/healer/healer/crates/healer-cli"
        ),
        message="refactor(cli): use the routing crate instead of the copied module",
        files=["crates/healer-cli/Cargo.toml", "crates/healer-cli/src/main.rs", "Cargo.lock"],
        branch="v0.4.1",
        event="workflow_run",
    )

    # 2c. already on the index: a re-run of the release after a later job failed (atlas)
    cid = "fr-zg-cargo-publish-already-exists-rerun"
    out = _cargo_publish(
        cid,
        {
            "Cargo.toml": _cargo_toml("healer-cli", "0.4.2", META),
            "src/main.rs": "fn main() {}\n",
        },
        "exists",
        "healer-cli",
        "0.4.2",
    )
    assert any("already exists" in ln for ln in out.lines), out.lines
    ci(
        cid,
        "the release workflow was re-run in full after its GitHub-release job failed; cargo "
        "publish now stops because healer-cli@0.4.2 already exists on the crates.io index (the "
        "first attempt published it); the workflow has no skip for published versions",
        ["release", "look-alike"],
        "atlas",
        "release_publish",
        workflow="release",
        job="publish-crates",
        steps=_release_crate_steps(out, "healer-cli", "0.4.2"),
        message="chore(release): healer-cli 0.4.2",
        files=["crates/healer-cli/Cargo.toml", "Cargo.lock", "CHANGELOG.md"],
        branch="v0.4.2",
        event="workflow_run",
    )

    # 2d. crates.io refuses an upload without description/license (rex, obvious)
    cid = "fr-zg-cargo-publish-missing-metadata-new-crate"
    out = _cargo_publish(
        cid,
        {
            "Cargo.toml": _cargo_toml("healer-route", "0.1.0"),
            "src/lib.rs": 'pub fn route() -> &\'static str { "atlas" }\n',
        },
        "meta",
        "healer-route",
        "0.1.0",
        warn_metadata=True,
    )
    ci(
        cid,
        "crates.io answers 400 'missing or empty metadata fields: description, license' to the "
        "first publish of the new healer-route crate, whose Cargo.toml the change created "
        "without them (cargo warned while packaging)",
        ["release", "obvious"],
        "rex",
        "rust_build",
        workflow="release",
        job="publish-crates",
        steps=_release_crate_steps(out, "healer-route", "0.1.0"),
        message="feat(route): publish the routing core as its own crate",
        files=["crates/healer-route/Cargo.toml", "crates/healer-route/src/lib.rs", "Cargo.toml"],
        branch="v0.5.0",
        event="workflow_run",
    )

    # 2e. token expired (atlas)
    cid = "fr-zg-cargo-publish-token-expired"
    out = _cargo_publish(
        cid,
        {
            "Cargo.toml": _cargo_toml("healer-cli", "0.5.1", META),
            "src/main.rs": "fn main() {}\n",
        },
        "auth",
        "healer-cli",
        "0.5.1",
    )
    ci(
        cid,
        "crates.io answers 403 'authentication failed' to cargo publish: the CARGO_REGISTRY_TOKEN "
        "secret holds a crates.io token that reached its expiry date; the change is the release "
        "version bump",
        ["release", "permissions"],
        "atlas",
        "permissions",
        workflow="release",
        job="publish-crates",
        steps=_release_crate_steps(out, "healer-cli", "0.5.1"),
        message="chore(release): healer-cli 0.5.1",
        files=["crates/healer-cli/Cargo.toml", "Cargo.lock", "CHANGELOG.md"],
        branch="v0.5.1",
        event="workflow_run",
    )


# ------------------------------------------------------------------ 3. Helm chart releases


def _cr_action(lines: list[str]) -> Any:
    return uses(
        "helm/chart-releaser-action@v1.7.0",
        {"charts_dir": "charts", "config": "cr.yaml"},
        [
            "Looking up latest tag...",
            *lines,
        ],
        name="Run chart-releaser",
        error=["##[error]Process completed with exit code 1."],
        seconds=24,
    )


def _helm_setup() -> list:
    return [
        uses(
            "azure/setup-helm@v4",
            {"version": "v3.17.3"},
            [
                "Downloading Helm v3.17.3",
                "Helm tool version 'v3.17.3' has been cached at "
                "/opt/hostedtoolcache/helm/3.17.3/x64/linux-amd64/helm",
            ],
        ),
        run(
            'git config user.name "$GITHUB_ACTOR"\n'
            'git config user.email "$GITHUB_ACTOR@users.noreply.github.com"',
            [],
            name="Configure Git",
        ),
    ]


def helm_release() -> None:
    at(CHARTS)
    # 3a. chart-releaser: templates changed, Chart.yaml version not bumped (bolt)
    cid = "fr-zg-chart-releaser-version-not-bumped"
    ci(
        cid,
        "chart-releaser packages charts/healer (changed since its last release) as "
        "healer-0.9.2 and GitHub answers 422 already_exists for the tag: the change edited the "
        "chart's templates without bumping version in Chart.yaml",
        ["release", "helm", "look-alike", "context-driven"],
        "bolt",
        "helm",
        workflow="Release Charts",
        job="release",
        repo=CHARTS,
        steps=[
            *_helm_setup(),
            _cr_action(
                [
                    "Discovering changed charts since 'healer-0.9.2'...",
                    "Installing chart-releaser on /opt/hostedtoolcache/cr/v1.7.0/x86_64...",
                    "Adding cr directory to PATH...",
                    "Packaging chart 'charts/healer'...",
                    "Successfully packaged chart in /home/runner/work/charts/charts/charts/healer "
                    "and saved it to: .cr-release-packages/healer-0.9.2.tgz",
                    "Releasing charts...",
                    "Error: error creating GitHub release healer-0.9.2: POST "
                    "https://api.github.com/repos/5dlabs/charts/releases: 422 Validation Failed "
                    "[{Resource:Release Field:tag_name Code:already_exists Message:}]",
                ]
            ),
        ],
        message="feat(healer): expose the metrics port through the Service",
        files=["charts/healer/templates/service.yaml", "charts/healer/values.yaml"],
        branch="main",
    )

    # 3b. cr index --push: the job cannot push gh-pages (atlas)
    cid = "fr-zg-chart-releaser-index-push-denied"
    ci(
        cid,
        "chart-releaser creates the healer-0.9.3 release and then cannot push index.yaml to "
        "gh-pages: 'Permission to 5dlabs/charts.git denied to github-actions[bot]' (403) since "
        "the change set the workflow's permissions to contents: read",
        ["release", "permissions", "look-alike"],
        "atlas",
        "permissions",
        workflow="Release Charts",
        job="release",
        repo=CHARTS,
        steps=[
            *_helm_setup(),
            _cr_action(
                [
                    "Discovering changed charts since 'healer-0.9.2'...",
                    "Installing chart-releaser on /opt/hostedtoolcache/cr/v1.7.0/x86_64...",
                    "Adding cr directory to PATH...",
                    "Packaging chart 'charts/healer'...",
                    "Successfully packaged chart in /home/runner/work/charts/charts/charts/healer "
                    "and saved it to: .cr-release-packages/healer-0.9.3.tgz",
                    "Releasing charts...",
                    "Updating charts repo index...",
                    "Loading existing index.yaml file",
                    "Retrieving chart 'healer-0.9.3.tgz' from GitHub Release",
                    "Found healer-0.9.3.tgz",
                    "Extracting chart metadata from .cr-release-packages/healer-0.9.3.tgz",
                    "Calculating Hash for .cr-release-packages/healer-0.9.3.tgz",
                    "Updating index .cr-index/index.yaml",
                    "Switched to a new branch 'gh-pages'",
                    "branch 'gh-pages' set up to track 'origin/gh-pages'.",
                    'Pushing to branch "gh-pages"',
                    "remote: Permission to 5dlabs/charts.git denied to github-actions[bot].",
                    "fatal: unable to access 'https://github.com/5dlabs/charts/': The requested "
                    "URL returned error: 403",
                    "Error: exit status 128",
                ]
            ),
        ],
        message="ci: least-privilege permissions for every workflow",
        files=[".github/workflows/release.yaml", ".github/workflows/lint-test.yaml"],
        branch="main",
    )

    # 3c. helm push to GHCR from a new job without packages: write (atlas)
    cid = "fr-zg-helm-push-oci-write-package-denied"
    ci(
        cid,
        "helm push of the packaged chart to oci://ghcr.io/5dlabs/charts is refused with 403 "
        "'denied: permission_denied: write_package': the change moved the push into a new "
        "push-oci job whose permissions omit packages: write",
        ["release", "permissions", "helm"],
        "atlas",
        "permissions",
        workflow="Release Charts",
        job="push-oci",
        repo=CHARTS,
        steps=[
            *_helm_setup()[:1],
            run(
                'echo "$GITHUB_TOKEN" | helm registry login ghcr.io -u "$GITHUB_ACTOR" '
                "--password-stdin",
                ["Login Succeeded"],
                env={"GITHUB_TOKEN": "***"},
                name="Log in to GHCR",
            ),
            run(
                "helm package charts/healer -d dist",
                [
                    "Successfully packaged chart and saved it to: "
                    "/home/runner/work/charts/charts/dist/healer-0.9.3.tgz"
                ],
                name="Package",
            ),
            run(
                "helm push dist/healer-0.9.3.tgz oci://ghcr.io/5dlabs/charts",
                [
                    'Error: POST "https://ghcr.io/v2/5dlabs/charts/healer/blobs/uploads/": '
                    "response status code 403: denied: permission_denied: write_package"
                ],
                1,
                name="Push chart",
            ),
        ],
        message="ci(charts): publish charts to GHCR as OCI artifacts too",
        files=[".github/workflows/release.yaml"],
        branch="main",
    )

    # 3d. helm dependency build: the locked subchart version left the repository index (bolt)
    cid = "fr-zg-helm-dep-build-locked-version-gone"
    ci(
        cid,
        "helm dependency build for the release fails 'could not find : no matching version': "
        "Chart.lock pins bitnami redis 17.3.14, which the Bitnami index no longer lists; the "
        "chart's dependency pin must move to a published version",
        ["release", "helm", "context-driven"],
        "bolt",
        "helm",
        workflow="Release Charts",
        job="release",
        repo=CHARTS,
        steps=[
            *_helm_setup()[:1],
            run(
                "helm repo add bitnami https://charts.bitnami.com/bitnami",
                ['"bitnami" has been added to your repositories'],
                name="Add repositories",
            ),
            run(
                "helm dependency build charts/agent-queue",
                [
                    "Hang tight while we grab the latest from your chart repositories...",
                    '...Successfully got an update from the "bitnami" chart repository',
                    "Update Complete. \u2388Happy Helming!\u2388",
                    "Saving 2 charts",
                    "Downloading common from repo https://charts.bitnami.com/bitnami",
                    "Save error occurred:  could not find : no matching version",
                    "Deleting newly downloaded charts, restoring pre-update state",
                    "Error: could not find : no matching version",
                ],
                1,
                name="Build dependencies",
            ),
        ],
        message="feat(agent-queue): configurable visibility timeout",
        files=[
            "charts/agent-queue/Chart.yaml",
            "charts/agent-queue/values.yaml",
            "charts/agent-queue/templates/configmap.yaml",
        ],
        pr=pr_of(
            cid,
            "feat(agent-queue): configurable visibility timeout",
            "Bumps the chart to 1.3.0 and adds `queue.visibilityTimeout`.\n\nChart.lock is "
            "unchanged: `redis` 17.3.14 and `common` 2.2.1 from https://charts.bitnami.com/bitnami "
            "(locked in March 2023).",
        ),
    )


# ------------------------------------------------------------------ 4. image publishing

NEON_RS = """/// CRC-32 on aarch64; the x86 module uses the SSE4.2 instruction.
pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = (crc >> 1) ^ (0xEDB8_8320 & (!(crc & 1)).wrapping_add(1));
        }
    }
    !crc
}
"""

CHECKSUM_RS = """use crate::simd;

pub fn frame_checksum(seed: u32, frame: &[u8]) -> u32 {
    simd::crc32(seed, frame)
}
"""

MAIN_RS = """#[path = "simd/neon.rs"]
mod simd;
mod checksum;

fn main() {
    println!("{}", checksum::frame_checksum(0, b"healer"));
}
"""


def image_publish() -> None:
    at(REPO)
    # 4a. push denied: the workflow renamed the image to a package this repo cannot write (atlas)
    cid = "fr-zg-image-push-denied-renamed-package"
    image = "ghcr.io/5dlabs/healer-server:1.6.0"
    ci(
        cid,
        "the image build succeeds and the push is denied 'installation not allowed to Write "
        "organization package': the change renamed the image to ghcr.io/5dlabs/healer-server, "
        "an existing organisation package linked to another repository that this repository's "
        "GITHUB_TOKEN has no access to",
        ["release", "permissions", "misleading-name"],
        "atlas",
        "permissions",
        workflow="release-image",
        job="docker",
        steps=[
            *buildx_setup(),
            buildx_step(
                [
                    "#12 [runtime 3/3] COPY --from=build /src/target/release/healer /usr/local/bin/",
                    "#12 DONE 0.2s",
                    "",
                    "#13 exporting to image",
                    "#13 exporting layers",
                    "#13 exporting layers 1.9s done",
                    f"#13 exporting manifest sha256:{sha(cid + 'm')}{sha(cid + 'n')[:24]} done",
                    f"#13 exporting config sha256:{sha(cid + 'c')}{sha(cid + 'd')[:24]} done",
                    f"#13 naming to {image} done",
                    "#13 pushing layers",
                    "#13 pushing layers 1.1s done",
                    f"#13 ERROR: failed to push {image}: denied: installation not allowed to "
                    "Write organization package",
                    "------",
                    " > exporting to image:",
                    "------",
                ],
                f"failed to push {image}: denied: installation not allowed to Write "
                "organization package",
                image,
            ),
        ],
        message="ci(image): publish as healer-server to match the Helm chart's image name",
        files=[".github/workflows/release-image.yml", "charts/healer/values.yaml"],
        branch="v1.6.0",
        event="workflow_run",
        pr=None,
    )

    # 4b. imagetools create: the arm64 image is missing because its build failed (rex)
    cid = "fr-zg-imagetools-arm64-missing-rustc-error"
    path = real.crate(
        cid,
        {
            "Cargo.toml": _cargo_toml("healer", "1.6.0"),
            "src/main.rs": MAIN_RS,
            "src/simd/neon.rs": NEON_RS,
            "src/checksum.rs": CHECKSUM_RS,
        },
        package="healer",
    )
    lines, code = real.run(["cargo", "build", "--release"], path, env={"CARGO_NET_OFFLINE": "true"})
    lines = [ln for ln in lines if "Cargo.lock" not in ln and "generating" not in ln.lower()]
    assert code != 0 and any("E0061" in ln for ln in lines), lines
    arm = real.Out("cargo build --release --locked --target aarch64-unknown-linux-gnu", lines, code)
    base = "ghcr.io/5dlabs/healer:1.6.0"
    arm_job = Job(
        cid + ":arm64",
        REPO,
        "release-image",
        "build (linux/arm64)",
        "v1.6.0",
        [*rust_setup(), failing(arm, name="Build")],
        runner=f"GitHub Actions {h(cid + ':armrunner', 1000, 99999)}",
    )
    ci(
        cid,
        "the manifest job's docker buildx imagetools create fails because "
        f"{base}-arm64 does not exist: the build (linux/arm64) job failed on E0061 in "
        "src/checksum.rs, where the change passes a seed to simd::crc32 but only the x86 module "
        "was updated, not the aarch64 one (src/simd/neon.rs)",
        ["release", "context-driven", "multi-signal", "look-alike"],
        "rex",
        "rust_build",
        workflow="release-image",
        job="manifest",
        steps=[
            *buildx_setup(),
            run(
                f"docker buildx imagetools create -t {base} -t ghcr.io/5dlabs/healer:latest \\\n"
                f"  {base}-amd64 \\\n  {base}-arm64",
                [f"ERROR: {base}-arm64: not found"],
                1,
                name="Create multi-arch manifest",
            ),
        ],
        message="perf(checksum): seedable CRC-32 for chained frames",
        files=["src/checksum.rs", "src/simd/x86.rs", "src/simd/mod.rs"],
        branch="v1.6.0",
        event="workflow_run",
    )
    fcommon.CASES[-1]["context"]["logs"]["build (linux/arm64)"] = arm_job.log()

    # 4c. build provenance attestation without attestations: write (atlas)
    cid = "fr-zg-attest-build-provenance-not-accessible"
    digest = "sha256:" + sha(cid + "dg") + sha(cid + "dh")[:24]
    ci(
        cid,
        "actions/attest-build-provenance signs the image's provenance and then cannot store it: "
        "'Resource not accessible by integration' from the attestations API, because the "
        "change granted id-token: write but not attestations: write",
        ["release", "permissions"],
        "atlas",
        "permissions",
        workflow="release-image",
        job="docker",
        steps=[
            *buildx_setup(),
            uses(
                "docker/build-push-action@v6",
                {"context": ".", "push": "true", "tags": "ghcr.io/5dlabs/healer:1.6.1"},
                [
                    "#14 exporting to image",
                    "#14 pushing layers 1.3s done",
                    f"#14 pushing manifest for ghcr.io/5dlabs/healer:1.6.1@{digest} 0.4s done",
                    "#14 DONE 6.2s",
                ],
                name="Build and push",
            ),
            uses(
                "actions/attest-build-provenance@v2",
                {
                    "subject-name": "ghcr.io/5dlabs/healer",
                    "subject-digest": digest,
                    "push-to-registry": "true",
                },
                [
                    "##[group]Run actions/attest@v2",
                    "Attestation signed using certificate from Sigstore Public Good instance",
                    "Attestation signature uploaded to Rekor transparency log",
                    f"https://search.sigstore.dev/?logIndex={h(cid, 150_000_000, 190_000_000)}",
                    "##[endgroup]",
                ],
                name="Attest",
                error=[
                    "##[error]Failed to persist attestation: Resource not accessible by "
                    "integration - https://docs.github.com/rest/repos/repos#create-an-attestation"
                ],
            ),
        ],
        message="ci(image): attest build provenance for release images",
        files=[".github/workflows/release-image.yml"],
        branch="v1.6.1",
        event="workflow_run",
    )


# ------------------------------------------------------------------ 5. semantic-release


def _sr(cid: str) -> Any:
    """semantic-release's signale prefix with the case's clock."""
    t = start_of(cid)

    def line(text: str, plugin: str = "") -> str:
        scope = f" [{plugin}]" if plugin else ""
        return f"[{t.strftime('%-I:%M:%S %p')}] [semantic-release]{scope} \u203a {text}"

    return line


def _sr_head(sr: Any, repo: str, branch: str = "main", exec_: bool = False) -> list[str]:
    plugins = [
        "@semantic-release/commit-analyzer",
        "@semantic-release/npm",
        "@semantic-release/github",
    ]
    out = [sr("\u2139  Running semantic-release version 24.2.3")]
    for step, names in (
        ("verifyConditions", plugins[1:]),
        ("analyzeCommits", plugins[:1]),
        ("prepare", [*plugins[1:2], *(["@semantic-release/exec"] if exec_ else [])]),
        ("publish", plugins[1:]),
    ):
        out += [sr(f'\u2714  Loaded plugin "{step}" from "{n}"') for n in names]
    out += [
        sr(
            f"\u2714  Run automated release from branch {branch} on repository "
            f"https://github.com/{repo}"
        ),
        sr("\u2714  Allowed to push to the Git repository"),
    ]
    return out


def semantic_release() -> None:
    at(SDK)
    # 5a. ENOGHTOKEN: GITHUB_TOKEN moved to another step's env (atlas)
    cid = "fr-zg-semantic-release-enoghtoken"
    sr = _sr(cid)
    ci(
        cid,
        "semantic-release fails verifyConditions of @semantic-release/github with ENOGHTOKEN: "
        "the change moved GITHUB_TOKEN from the job's env to the build step's env, so the "
        "release step runs without it",
        ["release", "permissions"],
        "atlas",
        "permissions",
        workflow="release",
        job="release",
        repo=SDK,
        steps=[
            *_setup_node_registry(),
            npm_ci_ok(),
            run(
                "npx semantic-release",
                [
                    *_sr_head(sr, SDK),
                    sr('\u2139  Start step "verifyConditions" of plugin "@semantic-release/npm"'),
                    sr(
                        "\u2139  Verify authentication for registry https://registry.npmjs.org/",
                        "@semantic-release/npm",
                    ),
                    sr(
                        '\u2714  Completed step "verifyConditions" of plugin "@semantic-release/npm"'
                    ),
                    sr(
                        '\u2139  Start step "verifyConditions" of plugin "@semantic-release/github"'
                    ),
                    sr(
                        '\u2718  Failed step "verifyConditions" of plugin "@semantic-release/github"'
                    ),
                    sr("\u2718  ENOGHTOKEN No GitHub token specified."),
                    "A GitHub personal token (https://github.com/semantic-release/github/blob/"
                    "master/README.md#github-authentication) must be created and set in the "
                    "GH_TOKEN or GITHUB_TOKEN environment variable on your CI environment.",
                    "",
                    "Please make sure to create a GitHub personal token (https://help.github.com/"
                    "articles/creating-a-personal-access-token-for-the-command-line) and to set "
                    "it in the GH_TOKEN or GITHUB_TOKEN environment variable on your CI "
                    "environment. The token must allow to push to the repository 5dlabs/"
                    "healer-sdk-js.",
                    "",
                    "AggregateError: ",
                    "    SemanticReleaseError: No GitHub token specified.",
                    "        at default (file:///home/runner/work/healer-sdk-js/healer-sdk-js/"
                    "node_modules/@semantic-release/github/lib/get-error.js:11:10)",
                ],
                1,
                env={"NPM_TOKEN": "***"},
                name="Release",
            ),
        ],
        message="ci(release): scope secrets to the steps that use them",
        files=[".github/workflows/release.yml"],
        branch="main",
    )

    # 5b. EINVALIDNEXTVERSION: a breaking-change commit on the maintenance branch (atlas)
    cid = "fr-zg-semantic-release-invalid-next-version-1x"
    sr = _sr(cid)
    short = sha(cid)[:7]
    ci(
        cid,
        "semantic-release on the 1.x maintenance branch computes 2.0.0 and stops with "
        "EINVALIDNEXTVERSION: the backported commit carries a feat(api)! breaking-change "
        "marker, which 1.x (range >=1.8.0 <2.0.0) cannot release",
        ["release", "look-alike"],
        "atlas",
        "release_publish",
        workflow="release",
        job="release",
        repo=SDK,
        steps=[
            *_setup_node_registry(),
            npm_ci_ok(),
            run(
                "npx semantic-release",
                [
                    *_sr_head(sr, SDK, "1.x"),
                    sr('\u2139  Start step "verifyConditions" of plugin "@semantic-release/npm"'),
                    sr(
                        '\u2714  Completed step "verifyConditions" of plugin "@semantic-release/npm"'
                    ),
                    sr(
                        '\u2139  Start step "verifyConditions" of plugin "@semantic-release/github"'
                    ),
                    sr(
                        "\u2139  Verify GitHub authentication (https://api.github.com)",
                        "@semantic-release/github",
                    ),
                    sr(
                        '\u2714  Completed step "verifyConditions" of plugin "@semantic-release/github"'
                    ),
                    sr("\u2139  Found git tag v1.8.3 associated with version 1.8.3 on branch 1.x"),
                    sr("\u2139  Found 1 commits since last release"),
                    sr(
                        '\u2139  Start step "analyzeCommits" of plugin "@semantic-release/commit-analyzer"'
                    ),
                    sr(
                        "\u2139  Analyzing commit: feat(api)!: accept the v2 webhook envelope",
                        "@semantic-release/commit-analyzer",
                    ),
                    sr(
                        "\u2139  The release type for the commit is major",
                        "@semantic-release/commit-analyzer",
                    ),
                    sr(
                        "\u2139  Analysis of 1 commits complete: major release",
                        "@semantic-release/commit-analyzer",
                    ),
                    sr(
                        '\u2714  Completed step "analyzeCommits" of plugin "@semantic-release/commit-analyzer"'
                    ),
                    sr(
                        "\u2718  EINVALIDNEXTVERSION The release `2.0.0` on branch `1.x` cannot be "
                        "published as it is out of range."
                    ),
                    "Based on the releases published on other branches, only versions within the "
                    "range `>=1.8.0 <2.0.0` can be published from branch `1.x`.",
                    "",
                    "The following commits are responsible for the invalid release:",
                    f"- feat(api)!: accept the v2 webhook envelope ({short})",
                    "",
                    "Those commits should be moved to a valid branch with [git merge]"
                    "(https://git-scm.com/docs/git-merge) or [git cherry-pick]"
                    "(https://git-scm.com/docs/git-cherry-pick) and removed from branch `1.x` "
                    "with [git revert](https://git-scm.com/docs/git-revert) or [git reset]"
                    "(https://git-scm.com/docs/git-reset).",
                    "",
                    "A valid branch could be `main`.",
                    "",
                    "See the [workflow configuration documentation](https://github.com/"
                    "semantic-release/semantic-release/blob/master/docs/usage/workflow-"
                    "configuration.md) for more details.",
                ],
                1,
                env={"GITHUB_TOKEN": "***", "NPM_TOKEN": "***"},
                name="Release",
            ),
        ],
        message="feat(api)!: accept the v2 webhook envelope\n\n(cherry picked from commit "
        f"{sha(cid + 'pick')})",
        files=["src/webhooks.ts", "src/webhooks.test.ts"],
        branch="1.x",
    )

    # 5c. the exec plugin's prepareCmd build fails on a real tsc error (blaze, wrapper)
    cid = "fr-zg-semantic-release-exec-prepare-tsc"
    sr = _sr(cid)
    pkg = {
        **SDK_PKG,
        "version": "0.0.0-development",
        "scripts": {"build": "tsc -p tsconfig.build.json"},
    }
    files = {
        "package.json": json.dumps(pkg, indent=2) + "\n",
        "tsconfig.build.json": TSCONFIG_BUILD,
        "src/client.ts": (
            "export interface ClientOptions {\n  baseUrl: string;\n  timeoutMs: number;\n}\n\n"
            "export function createClient(opts: ClientOptions) {\n"
            "  return { get: (path: string) => fetch(opts.baseUrl + path) };\n}\n"
        ),
        "src/index.ts": (
            'import { createClient } from "./client";\n\n'
            'export const defaultClient = createClient({ baseUrl: "https://healer.5dlabs.ai", '
            "retries: 3 });\n"
        ),
    }
    out = real.sh(cid, files, "npm run build", "npm run build", node_modules=True)
    assert out.code != 0 and any("TS2353" in ln or "TS2345" in ln for ln in out.lines), out.lines
    ci(
        cid,
        "semantic-release's @semantic-release/exec prepareCmd (npm run build) fails: tsc "
        "rejects src/index.ts, which the change makes pass retries to createClient while "
        "ClientOptions has no such field and still requires timeoutMs",
        ["release", "wrapper", "look-alike"],
        "blaze",
        "frontend_typecheck",
        workflow="release",
        job="release",
        repo=SDK,
        steps=[
            *_setup_node_registry(),
            npm_ci_ok(),
            run(
                "npx semantic-release",
                [
                    *_sr_head(sr, SDK, exec_=True),
                    sr("\u2139  Found 3 commits since last release"),
                    sr(
                        "\u2139  Analysis of 3 commits complete: minor release",
                        "@semantic-release/commit-analyzer",
                    ),
                    sr("\u2139  The next release version is 2.6.0"),
                    sr('\u2139  Start step "prepare" of plugin "@semantic-release/exec"'),
                    sr("\u2139  Call script npm run build", "@semantic-release/exec"),
                    *out.lines,
                    sr('\u2718  Failed step "prepare" of plugin "@semantic-release/exec"'),
                    sr(
                        "\u2718  An error occurred while running semantic-release: Error: Command "
                        "failed with exit code 2: npm run build"
                    ),
                ],
                1,
                env={"GITHUB_TOKEN": "***", "NPM_TOKEN": "***"},
                name="Release",
            ),
        ],
        message="feat(client): retry idempotent requests",
        files=["src/index.ts", "src/retry.ts"],
        branch="main",
    )


# ------------------------------------------------------------------ 6. promotion after release


def _pull_failure(cid: str, image: str, ns: str) -> dict[str, Any]:
    """An ImagePullBackOff pod, its pull events and the Degraded Argo CD app."""
    created, first, last = clock(cid)
    name = pod_name(cid, "healer")
    pod = shapes.pod(
        name,
        ns,
        "healer",
        image,
        created=created,
        waiting=("ImagePullBackOff", f'Back-off pulling image "{image}"'),
        port=8080,
        owner=("ReplicaSet", name.rsplit("-", 1)[0]),
    )
    events = [
        shapes.event(
            ns,
            "Pod",
            name,
            "Failed",
            f'Failed to pull image "{image}": rpc error: code = NotFound desc = failed to pull '
            f'and unpack image "{image}": failed to resolve reference "{image}": {image}: not '
            "found",
            first=first,
            last=last,
            count=4,
        ),
        shapes.event(
            ns,
            "Pod",
            name,
            "Failed",
            "Error: ErrImagePull",
            first=first,
            last=last,
            count=4,
        ),
        shapes.event(
            ns,
            "Pod",
            name,
            "BackOff",
            f'Back-off pulling image "{image}"',
            first=first,
            last=last,
            count=9,
            type_="Normal",
        ),
    ]
    app = shapes.argo_application(
        "healer-prod",
        ns,
        OPS,
        "apps/healer/overlays/prod",
        sha(cid + ":ops"),
        "Synced",
        "Degraded",
        health_message='Deployment "healer" exceeded its progress deadline',
    )
    return {"kubernetes": {"pods": [pod], "events": events}, "argocd": [app]}


def _argocd_wait(cid: str, image_tag: str) -> Any:
    t0 = start_of(cid)
    return run(
        "argocd app wait healer-prod --sync --health --timeout 300",
        [
            *shapes.argocd_summary(
                "healer-prod",
                "platform",
                "healer",
                OPS,
                "apps/healer/overlays/prod",
                sha(cid + ":ops"),
                "Synced",
                "Progressing",
                resources=[
                    ("", "Service", "healer", "healer", "Synced", "Healthy", "", ""),
                    (
                        "apps",
                        "Deployment",
                        "healer",
                        "healer",
                        "Synced",
                        "Progressing",
                        "",
                        "Waiting for rollout to finish: 1 old replicas are pending termination...",
                    ),
                ],
            ),
            shapes.logrus_fatal(
                (t0.replace(microsecond=0)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                'Timed out (300s) waiting for app \\"healer-prod\\" match desired state',
            ),
        ],
        1,
        name=f"Wait for prod ({image_tag})",
        seconds=300,
    )


def promotion() -> None:
    at(REPO)
    # 6a. the release job's push had failed and was ignored (atlas)
    cid = "fr-zg-promote-argocd-image-missing-push-ignored"
    image = "ghcr.io/5dlabs/healer:1.6.2"
    ci(
        cid,
        "argocd app wait times out on healer-prod with the new pod in ImagePullBackOff "
        "('ghcr.io/5dlabs/healer:1.6.2: not found'); earlier in the same release job docker push "
        "got 502 Bad Gateway from ghcr.io and the step is continue-on-error, so the tag was "
        "promoted without an image",
        ["release", "context-driven", "multi-signal", "look-alike"],
        "atlas",
        "release_publish",
        workflow="release",
        job="release-and-promote",
        steps=[
            *buildx_setup()[1:],
            run(
                f"docker build -t {image} .",
                [
                    '#0 building with "default" instance using docker driver',
                    "#15 exporting to image",
                    f"#15 naming to {image} done",
                    "#15 DONE 1.4s",
                ],
                name="Build image",
            ),
            run(
                f"docker push {image}",
                [
                    "The push refers to repository [ghcr.io/5dlabs/healer]",
                    f"{sha(cid + 'l1')[:12]}: Preparing",
                    f"{sha(cid + 'l2')[:12]}: Preparing",
                    f"{sha(cid + 'l3')[:12]}: Preparing",
                    f"{sha(cid + 'l3')[:12]}: Layer already exists",
                    f"{sha(cid + 'l2')[:12]}: Pushed",
                    f"{sha(cid + 'l1')[:12]}: Retrying in 5 seconds",
                    f"{sha(cid + 'l1')[:12]}: Retrying in 4 seconds",
                    f"{sha(cid + 'l1')[:12]}: Retrying in 3 seconds",
                    f"{sha(cid + 'l1')[:12]}: Retrying in 2 seconds",
                    f"{sha(cid + 'l1')[:12]}: Retrying in 1 second",
                    "received unexpected HTTP status: 502 Bad Gateway",
                ],
                1,
                name="Push image",
                conclusion="success",
                after=[],
            ),
            run(
                "yq -i '.images[0].newTag = \"1.6.2\"' gitops/apps/healer/overlays/prod/kustomization.yaml\n"
                'git -C gitops commit -am "healer: promote 1.6.2 to prod" && git -C gitops push',
                [
                    f"[main {sha(cid + ':ops')[:7]}] healer: promote 1.6.2 to prod",
                    " 1 file changed, 1 insertion(+), 1 deletion(-)",
                    "To https://github.com/5dlabs/gitops",
                    f"   {sha(cid + ':opsprev')[:7]}..{sha(cid + ':ops')[:7]}  main -> main",
                ],
                name="Promote in gitops",
            ),
            _argocd_wait(cid, "1.6.2"),
        ],
        message="chore(release): 1.6.2",
        files=["Cargo.toml", "Cargo.lock", "CHANGELOG.md"],
        branch="v1.6.2",
        event="workflow_run",
        extra=_pull_failure(cid, image, "healer"),
    )

    # 6b. the prod overlay's newTag has a v prefix the registry never had (bolt)
    at(OPS)
    cid = "fr-zg-promote-kustomize-newtag-v-prefix"
    image = "ghcr.io/5dlabs/healer:v1.6.2"
    ci(
        cid,
        "the gitops promotion check times out on healer-prod with ImagePullBackOff for "
        "ghcr.io/5dlabs/healer:v1.6.2: the change set the prod overlay's Kustomize images "
        "newTag to v1.6.2, while the release workflow publishes tags without the v (1.6.2 is "
        "in the registry)",
        ["release", "context-driven", "look-alike", "argocd"],
        "bolt",
        "k8s_manifest",
        workflow="promote",
        job="wait-healthy",
        repo=OPS,
        steps=[
            uses(
                "clowdhaus/argo-cd-action@v2.3.0",
                {"command": "login", "options": "argocd.5dlabs.ai --grpc-web --auth-token ***"},
                ["'admin:login' logged in successfully", "Context 'argocd.5dlabs.ai' updated"],
                name="Log in to Argo CD",
            ),
            _argocd_wait(cid, "v1.6.2"),
        ],
        message="healer: promote v1.6.2 to prod",
        files=["apps/healer/overlays/prod/kustomization.yaml"],
        pr=pr_of(
            cid,
            "healer: promote v1.6.2 to prod",
            "Release https://github.com/5dlabs/healer/releases/tag/v1.6.2\n\n```diff\n images:\n"
            "   - name: ghcr.io/5dlabs/healer\n-    newTag: 1.6.1\n+    newTag: v1.6.2\n```\n\n"
            "Staging runs `newTag: 1.6.2` since yesterday.",
        ),
        extra=_pull_failure(cid, image, "healer"),
    )


# ------------------------------------------------------------------ 7. GitHub release assets


def _gh_release(inputs: dict[str, str], output: list[str], error: str) -> Any:
    return uses(
        "softprops/action-gh-release@v2",
        {"token": "***", **inputs},
        output,
        name="Publish GitHub release",
        error=[f"##[error]{error}"],
    )


def _retries(status: int, errors: str) -> list[str]:
    out = []
    for left in (2, 1, 0):
        out += [
            f"\u26a0\ufe0f GitHub release failed with status: {status}",
            errors,
            f"retrying... ({left} retries remaining)",
        ]
    return out + ["\u274c Too many retries. Aborting..."]


def release_assets() -> None:
    at(REPO)
    # 7a. release-drafter already drafted the release; action-gh-release collides (atlas)
    cid = "fr-zg-gh-release-draft-already-exists"
    ci(
        cid,
        "action-gh-release cannot create the v1.7.0 release: GitHub answers 422 already_exists "
        "for the tag because the release-drafter job in the same workflow had created the "
        "release as a draft; the action retries and gives up",
        ["release"],
        "atlas",
        "release_publish",
        workflow="release",
        job="github-release",
        steps=[
            uses(
                "actions/download-artifact@v4",
                {"path": "artifacts", "merge-multiple": "true"},
                [
                    "Downloading single artifact",
                    "Artifact download completed successfully.",
                    "Total of 3 artifact(s) downloaded",
                ],
            ),
            _gh_release(
                {"tag_name": "v1.7.0", "files": "artifacts/*", "draft": "false"},
                [
                    "\U0001f469\u200d\U0001f3ed Creating new GitHub release for tag v1.7.0...",
                    *_retries(
                        422, '[{"resource":"Release","code":"already_exists","field":"tag_name"}]'
                    ),
                ],
                "Too many retries.",
            ),
        ],
        message="chore(release): 1.7.0",
        files=["Cargo.toml", "Cargo.lock", "CHANGELOG.md", ".github/workflows/release.yml"],
        branch="v1.7.0",
        event="workflow_run",
    )

    # 7b. the asset pattern matches nothing: the change moved Cargo's target-dir (rex)
    cid = "fr-zg-gh-release-asset-glob-cargo-target-dir"
    pattern = "target/x86_64-unknown-linux-musl/release/healer"
    ci(
        cid,
        f"action-gh-release fails 'Pattern {pattern} does not match any files': the build "
        "passed, but the change's .cargo/config.toml sets [build] target-dir = "
        '"build/cargo", so the binary is no longer under target/',
        ["release", "context-driven", "look-alike"],
        "rex",
        "rust_build",
        workflow="release",
        job="github-release",
        steps=[
            *rust_setup(),
            run(
                "cargo build --release --locked --target x86_64-unknown-linux-musl",
                [
                    "   Compiling healer v1.7.1 (/home/runner/work/healer/healer)",
                    "    Finished `release` profile [optimized] target(s) in 2m 41s",
                ],
                name="Build",
                seconds=161,
            ),
            _gh_release(
                {"files": pattern, "fail_on_unmatched_files": "true"},
                [],
                f"\u26a0\ufe0f Pattern '{pattern}' does not match any files.",
            ),
        ],
        message="build: keep cargo output out of the repository root",
        files=[".cargo/config.toml", ".gitignore"],
        branch="v1.7.1",
        event="workflow_run",
        pr=pr_of(
            cid,
            "build: keep cargo output out of the repository root",
            'Sets `target-dir = "build/cargo"` in `.cargo/config.toml` so the devcontainer\'s '
            "bind mount stays small.",
        ),
    )

    # 7c. the zip step finds no dist/: the change moved Vite's outDir (blaze)
    at(WEB)
    cid = "fr-zg-gh-release-vite-outdir-moved"
    vite = real.vite_build(
        cid,
        {
            "vite.config.js": "export default { build: { outDir: 'build', emptyOutDir: true } };\n",
            "src/main.js": "document.body.textContent = 'console';\n",
        },
    )
    assert vite.code == 0, vite.lines
    ci(
        cid,
        "the release's packaging step fails 'cd: dist: No such file or directory' after a "
        "passing build: the change set build.outDir to 'build' in vite.config.js, so Vite now "
        "writes build/ (its own output says so)",
        ["release", "look-alike"],
        "blaze",
        "frontend_build",
        workflow="release",
        job="bundle",
        repo=WEB,
        steps=[
            *node_setup(),
            npm_ci_ok(),
            run(vite.command, vite.lines, name="Build"),
            run(
                "cd dist && zip -qr ../console-web-${GITHUB_REF_NAME}.zip .",
                [
                    "/home/runner/work/_temp/"
                    f"{sha(cid + 'sh')[:8]}-{sha(cid + 'sh')[8:12]}-4{sha(cid + 'sh')[12:15]}-"
                    f"a{sha(cid + 'sh')[15:18]}-{sha(cid + 'sh')[18:30]}.sh: line 1: cd: dist: No "
                    "such file or directory"
                ],
                1,
                name="Package",
            ),
        ],
        message="build(web): emit to build/ like the other apps",
        files=["vite.config.js", "Dockerfile"],
        branch="v4.2.0",
        event="workflow_run",
    )

    # 7d. 403 creating the release: contents: read (atlas)
    at(REPO)
    cid = "fr-zg-gh-release-403-contents-read"
    ci(
        cid,
        "action-gh-release gets 403 on every attempt to create the v1.7.2 release: the "
        "change set the workflow's permissions to contents: read",
        ["release", "permissions"],
        "atlas",
        "permissions",
        workflow="release",
        job="github-release",
        steps=[
            _gh_release(
                {"tag_name": "v1.7.2", "files": "dist/*", "generate_release_notes": "true"},
                [
                    "\U0001f469\u200d\U0001f3ed Creating new GitHub release for tag v1.7.2...",
                    *_retries(403, "undefined"),
                ],
                "Too many retries.",
            ),
        ],
        message="ci: default every workflow to read-only permissions",
        files=[".github/workflows/release.yml", ".github/workflows/ci.yml"],
        branch="v1.7.2",
        event="workflow_run",
    )
