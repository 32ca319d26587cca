"""Batch 44 of the fresh split (ids ``fr-zr-``): front-end errors whose cause lies outside
the front-end code, beside genuine front-end failures with the same first line.

- npm ci: a lockfile out of sync with package.json because the change added a dependency
  without installing (blaze, run here) vs the same refusal from npm 8 after the workflow
  moved the job to Node 16 while the lockfile was written by npm 10 (atlas);
- caches: a vite build that cannot resolve ``dayjs`` because actions/cache restored a stale
  node_modules under a key that ignores the lockfile and ``npm ci`` was skipped (atlas) vs the
  same Rollup error for an import the change added without the dependency (blaze), both run
  here;
- environment: a vite config that refuses to build without ``VITE_API_URL`` because the
  workflow stopped passing it (atlas) vs the change mistyping the name as ``VITE_API_URI``
  (blaze), both run here;
- vitest ``document is not defined``: the workflow forcing ``--environment node`` (atlas) vs
  the change dropping ``environment: "jsdom"`` from vitest.config (blaze), both run here;
- Playwright: browsers missing because the workflow dropped ``npx playwright install``
  (atlas) vs a locator the change broke by renaming a button (blaze);
- types: a ``@types/node`` drift under a ``^`` range with no lockfile in the job (blaze,
  frontend_deps) vs the change's own type error (blaze, frontend_typecheck), tsc run here;
- memory: a Storybook build killed for heap on the runner with only docs changed (atlas) vs
  a prerender loop the change wrote that never advances (blaze), the V8 report run here;
- pnpm: a workflow ``--filter @healer/console`` left behind when the change renamed the
  package (atlas: the fix is the workflow's filter);
- private registry: ``npm ci`` answered 404 for ``@5dlabs/ui`` because the workflow lost
  ``registry-url`` and ``NODE_AUTH_TOKEN`` (atlas) vs a misspelt package the change added
  (blaze);
- ESLint: Renovate's ESLint 8 to 9 bump turning on ``caughtErrors: "all"`` for
  ``no-unused-vars`` (blaze, run here) vs the change's own unused import (blaze);
- plain cases: a vitest assertion, a vite syntax error, a prettier check, a tsc error and an
  eslint ``no-undef``.

Cases tagged ``obvious``: the five plain cases.
"""

from __future__ import annotations

import json
import re

import real
from fcommon import at, ci, failing, node_setup, npm_ci_ok, pr_of
from gha import run, skipped, uses

REPO = "5dlabs/healer"

# vite bundles its config to a timestamped file next to it; pin the stamp.
real.PINS.append(
    (re.compile(r"\.timestamp-\d+-[0-9a-f]+\.mjs"), ".timestamp-1795989562359-0ef774e39220b.mjs")
)


def build() -> None:
    at(REPO)
    npm_ci()
    caches()
    env_vars()
    vitest_env()
    playwright()
    types()
    memory()
    registry()
    lint()
    plain()


def checkout() -> list:
    return [uses("actions/checkout@v4", {"fetch-depth": "1"}, [])]


def web_setup() -> list:
    return [*checkout(), *node_setup()]


# ------------------------------------------------------------------ 1. npm ci


def npm_ci() -> None:
    pkg = {
        "name": "web",
        "version": "0.3.0",
        "dependencies": {"zod": "^3.23.8"},
    }
    lock = {
        "name": "web",
        "version": "0.3.0",
        "lockfileVersion": 3,
        "requires": True,
        "packages": {"": {"name": "web", "version": "0.3.0"}},
    }
    out = real.sh(
        "b44-npm-ci-sync",
        {"package.json": json.dumps(pkg, indent=2), "package-lock.json": json.dumps(lock)},
        "npm ci --no-fund --no-audit",
        "npm ci --no-fund --no-audit",
    )
    cid = "fr-zr-npm-ci-lock-out-of-sync"
    ci(
        cid,
        "`npm ci` refuses: package.json and package-lock.json are not in sync, `Missing: "
        "zod@3.23.8 from lock file`; the change added zod to package.json by hand and "
        "committed no lockfile update",
        ["look-alike"],
        "blaze",
        "frontend_deps",
        workflow="web",
        job="build",
        steps=[*web_setup(), failing(out, name="Install dependencies")],
        message="feat(console): validate the run filter form with zod",
        files=["web/package.json", "web/src/runs/FilterForm.tsx"],
    )

    cid = "fr-zr-npm-ci-lock-newer-npm"
    ci(
        cid,
        "`npm ci` refuses the lockfile as out of sync, but under npm 8.19.4: the change moved "
        "the job's setup-node to Node 16 and npm 8 resolves the peer dependencies of a "
        "lockfile written by npm 10 differently; package.json and the lockfile are untouched",
        ["look-alike"],
        "atlas",
        "general",
        workflow="web",
        job="build",
        steps=[
            *checkout(),
            uses(
                "actions/setup-node@v4",
                {"node-version": "16", "cache": "npm"},
                [
                    "Attempting to download 16...",
                    "Found in cache @ /opt/hostedtoolcache/node/16.20.2/x64",
                    "##[group]Environment details",
                    "node: v16.20.2",
                    "npm: 8.19.4",
                    "yarn: 1.22.22",
                    "##[endgroup]",
                ],
            ),
            run(
                "npm ci --no-fund --no-audit",
                [
                    "npm ERR! code EUSAGE",
                    "npm ERR! ",
                    "npm ERR! `npm ci` can only install packages when your package.json and "
                    "package-lock.json or npm-shrinkwrap.json are in sync. Please update your "
                    "lock file with `npm install` before continuing.",
                    "npm ERR! ",
                    "npm ERR! Missing: @types/react@18.3.12 from lock file",
                    "npm ERR! ",
                    "npm ERR! Clean install a project",
                    "npm ERR! ",
                    "npm ERR! Usage:",
                    "npm ERR! npm ci",
                    "npm ERR! ",
                    "npm ERR! Options:",
                    "npm ERR! [--no-audit] [--foreground-scripts] [--ignore-scripts]",
                    "npm ERR! ",
                    "npm ERR! aliases: clean-install, ic, install-clean, isntall-clean",
                    "npm ERR! ",
                    'npm ERR! Run "npm help ci" for more info',
                ],
                1,
                name="Install dependencies",
            ),
        ],
        message="ci(web): run the console build on the Node 16 image the e2e box uses",
        files=[".github/workflows/web.yml"],
    )


# ------------------------------------------------------------------ 2. caches


MAIN_DAYJS = (
    'import dayjs from "dayjs";\n'
    'document.querySelector("#ago").textContent = dayjs().format("HH:mm");\n'
)


def caches() -> None:
    out = real.vite_build("b44-vite-dayjs", {"src/main.js": MAIN_DAYJS})

    cid = "fr-zr-cache-stale-node-modules"
    ci(
        cid,
        "vite cannot resolve `dayjs` from src/main.js, yet the change added dayjs to "
        "package.json and package-lock.json: the workflow's actions/cache keys node_modules on "
        "`runner.os` only, restored an old node_modules and skipped `npm ci`",
        ["look-alike"],
        "atlas",
        "general",
        workflow="web",
        job="build",
        steps=[
            *web_setup(),
            uses(
                "actions/cache@v4",
                {"path": "web/node_modules", "key": "Linux-node-modules"},
                [
                    "Cache hit for: Linux-node-modules",
                    "Received 48234112 of 48234112 (100.0%), 46.0 MBs/sec",
                    "Cache Size: ~46 MB (48234112 B)",
                    "Cache restored successfully",
                    "Cache restored from key: Linux-node-modules",
                ],
                name="Cache node_modules",
            ),
            skipped("Install dependencies"),
            failing(out, name="Build"),
        ],
        message="feat(console): relative run timestamps with dayjs",
        files=["web/package.json", "web/package-lock.json", "web/src/main.js"],
    )

    cid = "fr-zr-missing-dep-import"
    ci(
        cid,
        "vite cannot resolve `dayjs` from src/main.js: the change imported dayjs but did not "
        "add it to package.json; `npm ci` ran clean from the lockfile",
        ["look-alike"],
        "blaze",
        "frontend_build",
        workflow="web",
        job="build",
        steps=[*web_setup(), npm_ci_ok(), failing(out, name="Build")],
        message="feat(console): relative run timestamps",
        files=["web/src/main.js"],
    )


# ------------------------------------------------------------------ 3. env vars


def vite_env(cid: str, name: str) -> real.Out:
    config = (
        'import { defineConfig, loadEnv } from "vite";\n'
        "export default defineConfig(({ mode }) => {\n"
        '  const env = loadEnv(mode, process.cwd(), "VITE_");\n'
        f'  if (!env.{name}) throw new Error("{name} is required for production builds");\n'
        "  return {};\n"
        "});\n"
    )
    return real.vite_build(
        cid, {"vite.config.js": config, "src/main.js": 'console.log("console");\n'}
    )


def env_vars() -> None:
    cid = "fr-zr-vite-env-dropped"
    ci(
        cid,
        "vite's config throws `VITE_API_URL is required for production builds`: the change "
        "rewrote the workflow's build step and dropped its `env: VITE_API_URL: "
        "${{ vars.API_URL }}`; vite.config.js is untouched",
        ["look-alike"],
        "atlas",
        "general",
        workflow="web",
        job="build",
        steps=[
            *web_setup(),
            npm_ci_ok(),
            failing(vite_env("b44-env-url", "VITE_API_URL"), name="Build"),
        ],
        message="ci(web): build once and reuse the artifact in the deploy job",
        files=[".github/workflows/web.yml"],
    )

    cid = "fr-zr-vite-env-typo"
    ci(
        cid,
        "vite's config throws `VITE_API_URI is required for production builds`: the change "
        "made vite.config.js check `VITE_API_URI` while the workflow passes `VITE_API_URL`",
        ["look-alike"],
        "blaze",
        "frontend_build",
        workflow="web",
        job="build",
        steps=[
            *web_setup(),
            npm_ci_ok(),
            failing(
                vite_env("b44-env-uri", "VITE_API_URI"),
                name="Build",
                env={"VITE_API_URL": "https://api.5dlabs.ai"},
            ),
        ],
        message="build(console): fail fast when the API URL is missing",
        files=["web/vite.config.js"],
    )


# ------------------------------------------------------------------ 4. vitest environment


TEST_DOM = (
    'import { test, expect } from "vitest";\n'
    'test("renders the badge", () => {\n'
    '  const el = document.createElement("span");\n'
    '  el.textContent = "failed";\n'
    '  expect(el.textContent).toBe("failed");\n'
    "});\n"
)


def vitest_env() -> None:
    out = real.vitest("b44-vitest-dom", {"src/badge.test.js": TEST_DOM})
    shown = real.Out("npx vitest run --environment node", out.lines, out.code)

    cid = "fr-zr-vitest-env-forced-node"
    ci(
        cid,
        "vitest fails `ReferenceError: document is not defined`: the change added "
        "`--environment node` to the workflow's test command (meant for the server package), "
        "overriding the console's jsdom config",
        ["look-alike"],
        "atlas",
        "general",
        workflow="web",
        job="unit",
        steps=[*web_setup(), npm_ci_ok(), failing(shown, name="Unit tests")],
        message="ci: one vitest invocation for the server and the console",
        files=[".github/workflows/web.yml"],
    )

    cid = "fr-zr-vitest-env-removed"
    ci(
        cid,
        "vitest fails `ReferenceError: document is not defined`: the change rewrote "
        'vitest.config.js and left out `environment: "jsdom"`',
        ["look-alike"],
        "blaze",
        "frontend_test",
        workflow="web",
        job="unit",
        steps=[*web_setup(), npm_ci_ok(), failing(out, name="Unit tests")],
        message="test(console): share one vitest config with coverage thresholds",
        files=["web/vitest.config.js"],
    )


# ------------------------------------------------------------------ 5. Playwright


def playwright() -> None:
    head = [
        "",
        "Running 14 tests using 2 workers",
        "",
    ]
    cid = "fr-zr-playwright-browsers-missing"
    ci(
        cid,
        "every Playwright test fails at `browserType.launch: Executable doesn't exist`: the "
        "change removed the workflow's `npx playwright install --with-deps chromium` step",
        ["look-alike"],
        "atlas",
        "general",
        workflow="console-e2e",
        job="e2e",
        steps=[
            *web_setup(),
            npm_ci_ok(),
            run(
                "npx playwright test --project=chromium",
                [
                    *head,
                    "  1) [chromium] \u203a runs.spec.ts:12:5 \u203a runs list \u203a retries a failed run ──────────",
                    "",
                    "    Error: browserType.launch: Executable doesn't exist at "
                    "/home/runner/.cache/ms-playwright/chromium_headless_shell-1148/chrome-linux/headless_shell",
                    "    ╔═════════════════════════════════════════════════════════════════════════╗",
                    "    ║ Looks like Playwright Test or Playwright was just installed or updated. ║",
                    "    ║ Please run the following command to download new browsers:              ║",
                    "    ║                                                                         ║",
                    "    ║     npx playwright install                                              ║",
                    "    ║                                                                         ║",
                    "    ║ <3 Playwright Team                                                      ║",
                    "    ╚═════════════════════════════════════════════════════════════════════════╝",
                    "",
                    "  14 failed",
                    "    [chromium] \u203a runs.spec.ts:12:5 \u203a runs list \u203a retries a failed run ───────────",
                    "    [chromium] \u203a runs.spec.ts:31:5 \u203a runs list \u203a filters by repository ──────────",
                ],
                1,
                name="Playwright",
            ),
        ],
        message="ci(e2e): drop the separate browser install, setup-node caches it",
        files=[".github/workflows/console-e2e.yml"],
    )

    cid = "fr-zr-playwright-locator-renamed"
    ci(
        cid,
        "a Playwright test times out waiting for `getByRole('button', { name: 'Retry run' })`: "
        "the change renamed the button to `Re-run`; the other 13 tests pass",
        ["look-alike"],
        "blaze",
        "frontend_test",
        workflow="console-e2e",
        job="e2e",
        steps=[
            *web_setup(),
            npm_ci_ok(),
            run(
                "npx playwright install --with-deps chromium",
                ["Downloading Chromium Headless Shell 131.0.6778.33 (playwright build v1148)"],
                name="Install browsers",
            ),
            run(
                "npx playwright test --project=chromium",
                [
                    *head,
                    "  1) [chromium] \u203a runs.spec.ts:12:5 \u203a runs list \u203a retries a failed run ──────────",
                    "",
                    "    Error: Timed out 5000ms waiting for expect(locator).toBeVisible()",
                    "",
                    "    Locator: getByRole('button', { name: 'Retry run' })",
                    "    Expected: visible",
                    "    Received: <element(s) not found>",
                    "    Call log:",
                    "      - expect.toBeVisible with timeout 5000ms",
                    "      - waiting for getByRole('button', { name: 'Retry run' })",
                    "",
                    "      14 |     await page.goto('/runs');",
                    "      15 |     const retry = page.getByRole('button', { name: 'Retry run' });",
                    "    > 16 |     await expect(retry).toBeVisible();",
                    "         |                         ^",
                    "",
                    "  1 failed",
                    "    [chromium] \u203a runs.spec.ts:12:5 \u203a runs list \u203a retries a failed run ───────────",
                    "  13 passed (41.2s)",
                ],
                1,
                name="Playwright",
            ),
        ],
        message="feat(console): shorter action labels on the runs table",
        files=["web/src/runs/RunActions.tsx"],
    )


# ------------------------------------------------------------------ 6. types


TYPES_TS = (
    "export function schedule(cb: () => void): number {\n"
    "  const handle: number = setTimeout(cb, 500);\n"
    "  return handle;\n"
    "}\n"
)
TYPES_DTS = (
    "declare function setTimeout(cb: () => void, ms: number): NodeJS.Timeout;\n"
    "declare namespace NodeJS { interface Timeout { ref(): Timeout; unref(): Timeout } }\n"
)


def types() -> None:
    out = real.tsc("b44-tsc-timeout", {"src/poll.ts": TYPES_TS, "src/node-globals.d.ts": TYPES_DTS})
    cid = "fr-zr-types-node-drift"
    ci(
        cid,
        "tsc: `Type 'Timeout' is not assignable to type 'number'` in src/poll.ts, untouched by "
        "the change (a README edit): the job runs `npm install` with no lockfile committed, "
        "and `@types/node@^22` drifted to a release whose global setTimeout returns "
        "NodeJS.Timeout",
        ["look-alike"],
        "blaze",
        "frontend_deps",
        workflow="web",
        job="typecheck",
        steps=[
            *web_setup(),
            run(
                "npm install --no-fund --no-audit",
                ["", "added 212 packages in 9s"],
                name="Install dependencies",
            ),
            failing(out, name="Typecheck"),
        ],
        message="docs(console): how to run the console against staging",
        files=["web/README.md"],
    )

    own = real.tsc(
        "b44-tsc-own",
        {
            "src/poll.ts": (
                "export function interval(ms: string): number {\n"
                "  const n: number = ms;\n"
                "  return n;\n"
                "}\n"
            )
        },
    )
    cid = "fr-zr-types-own-error"
    ci(
        cid,
        "tsc: `Type 'string' is not assignable to type 'number'` in src/poll.ts, which the "
        "change rewrote to take the interval as a string",
        ["look-alike"],
        "blaze",
        "frontend_typecheck",
        workflow="web",
        job="typecheck",
        steps=[*web_setup(), npm_ci_ok(), failing(own, name="Typecheck")],
        message="refactor(console): poll interval from the query string",
        files=["web/src/poll.ts"],
    )


# ------------------------------------------------------------------ 7. memory


GROW = "const keep = [];\nfor (;;) keep.push(new Array(1e5).fill({ page: keep.length }));\n"


def memory() -> None:
    from helpers import v8_oom

    path = real.scratch("b44-oom", {"grow.js": GROW})
    lines, code = real.run(["node", "--max-old-space-size=64", "grow.js"], path, timeout=120)
    if code == 0:
        raise RuntimeError("expected the heap to run out:\n" + "\n".join(lines))
    lines = v8_oom(lines)

    cid = "fr-zr-storybook-oom-runner"
    ci(
        cid,
        "the Storybook build dies with `FATAL ERROR: Reached heap limit Allocation failed - "
        "JavaScript heap out of memory` on the standard runner; the change only edited MDX "
        "text and the same build passed on main before the library grew past 300 stories",
        ["look-alike"],
        "atlas",
        "general",
        workflow="storybook",
        job="build",
        steps=[
            *web_setup(),
            npm_ci_ok(),
            run(
                "npm run build-storybook",
                [
                    "",
                    "> web@0.3.0 build-storybook",
                    "> storybook build --quiet",
                    "",
                    "@storybook/cli v8.4.5",
                    "",
                    "info => Cleaning outputDir: storybook-static",
                    "info => Building preview..",
                    *lines,
                ],
                134,
                name="Build Storybook",
            ),
        ],
        message="docs(storybook): explain the status badge colours",
        files=["web/src/stories/StatusBadge.mdx"],
    )

    cid = "fr-zr-prerender-loop"
    ci(
        cid,
        "the prerender step dies with `JavaScript heap out of memory`: the change's "
        "scripts/prerender.js pages through runs with a cursor it never advances, pushing the "
        "same page forever",
        ["look-alike"],
        "blaze",
        "frontend_build",
        workflow="web",
        job="build",
        steps=[
            *web_setup(),
            npm_ci_ok(),
            run(
                "node scripts/prerender.js",
                lines,
                134,
                name="Prerender",
            ),
        ],
        message="feat(console): prerender the public runs pages",
        files=["web/scripts/prerender.js"],
    )

    cid = "fr-zr-pnpm-filter-renamed"
    ci(
        cid,
        "`pnpm --filter @healer/console --fail-if-no-match build` matches no project: the "
        "change renamed the package to `@healer/web` and left the workflow's filter; the "
        "fix is the filter in the workflow file",
        ["look-alike"],
        "atlas",
        "general",
        workflow="web",
        job="build",
        steps=[
            *checkout(),
            uses("pnpm/action-setup@v4", {"version": "9.14.2"}, ["Installation Completed!"]),
            run(
                "pnpm install --frozen-lockfile",
                ["Scope: all 4 workspace projects", "Done in 6.1s"],
                name="Install dependencies",
            ),
            run(
                "pnpm --filter @healer/console --fail-if-no-match build",
                [
                    "\u2009ERR_PNPM_NO_MATCHED_PROJECTS\u2009 No projects matched the filters in "
                    '"/home/runner/work/healer/healer"',
                ],
                1,
                name="Build console",
            ),
        ],
        message="chore(web): rename the console package to @healer/web",
        files=["web/package.json", "pnpm-lock.yaml"],
    )


# ------------------------------------------------------------------ 8. private registry


def e404(pkg: str) -> list[str]:
    return [
        "npm error code E404",
        f"npm error 404 Not Found - GET https://registry.npmjs.org/{pkg.replace('/', '%2f')} "
        "- Not found",
        "npm error 404",
        f"npm error 404  '{pkg}@*' is not in this registry.",
        "npm error 404",
        "npm error 404 Note that you can also install from a",
        "npm error 404 tarball, folder, http url, or git url.",
    ]


def registry() -> None:
    cid = "fr-zr-npm-private-scope-lost"
    ci(
        cid,
        "`npm ci` gets 404 for `@5dlabs/ui` from registry.npmjs.org: the change removed "
        "setup-node's `registry-url`/`scope` inputs and the `NODE_AUTH_TOKEN` env, so the "
        "private scope is asked of the public registry",
        ["look-alike"],
        "atlas",
        "permissions",
        workflow="web",
        job="build",
        steps=[
            *web_setup(),
            run("npm ci --no-fund --no-audit", e404("@5dlabs/ui"), 1, name="Install dependencies"),
        ],
        message="ci(web): simplify setup-node inputs",
        files=[".github/workflows/web.yml"],
    )

    cid = "fr-zr-npm-typo-package"
    ci(
        cid,
        "`npm install` gets 404 for `react-query-devtool`: the change added a misspelt "
        "dependency (the package is `@tanstack/react-query-devtools`)",
        ["look-alike"],
        "blaze",
        "frontend_deps",
        workflow="web",
        job="build",
        steps=[
            *web_setup(),
            run(
                "npm install --no-fund --no-audit",
                e404("react-query-devtool"),
                1,
                name="Install dependencies",
            ),
        ],
        message="chore(console): query devtools in development",
        files=["web/package.json", "web/src/main.tsx"],
    )


# ------------------------------------------------------------------ 9. ESLint


CATCH = (
    "export async function load(url) {\n"
    "  try {\n"
    "    return await fetch(url);\n"
    "  } catch (err) {\n"
    "    return null;\n"
    "  }\n"
    "}\n"
)


def lint() -> None:
    out = real.eslint("b44-eslint-caught", {"src/load.js": CATCH})
    cid = "fr-zr-eslint9-caught-errors"
    ci(
        cid,
        "eslint reports `'err' is defined but never used` in a catch clause nobody touched: "
        "Renovate's ESLint 8 to 9 bump changed `no-unused-vars`' `caughtErrors` default from "
        "`none` to `all`",
        ["look-alike"],
        "blaze",
        "frontend_lint",
        workflow="web",
        job="lint",
        steps=[*web_setup(), npm_ci_ok(), failing(out, name="Lint")],
        message="chore(deps): update dependency eslint to v9",
        files=["web/package.json", "web/package-lock.json"],
        pr=pr_of(
            cid,
            "chore(deps): update dependency eslint to v9",
            "This PR contains the following updates:\n\n| Package | Change |\n|---|---|\n| eslint | `^8.57.1` -> `^9.14.0` |\n\n---\nThis PR was generated by Mend Renovate.",
        ),
    )

    own = real.eslint(
        "b44-eslint-own",
        {
            "src/load.js": "import { api } from './api.js';\nexport const x = 1;\n",
            "src/api.js": "export const api = 1;\n",
        },
    )
    cid = "fr-zr-eslint-own-unused"
    ci(
        cid,
        "eslint reports `'api' is defined but never used` in src/load.js: the change left an "
        "import behind when it inlined the call",
        ["look-alike"],
        "blaze",
        "frontend_lint",
        workflow="web",
        job="lint",
        steps=[*web_setup(), npm_ci_ok(), failing(own, name="Lint")],
        message="refactor(console): inline the loader",
        files=["web/src/load.js"],
    )


# ------------------------------------------------------------------ 10. plain


def plain() -> None:
    out = real.vitest(
        "b44-plain-vitest",
        {
            "src/duration.js": "export const fmt = (s) => `${Math.floor(s / 60)}m`;\n",
            "src/duration.test.js": (
                'import { test, expect } from "vitest";\n'
                'import { fmt } from "./duration.js";\n'
                'test("formats seconds", () => { expect(fmt(90)).toBe("1m 30s"); });\n'
            ),
        },
    )
    ci(
        "fr-zr-plain-vitest-assert",
        "vitest: `formats seconds` expects `1m 30s` and gets `1m` from the change's duration "
        "formatter",
        ["obvious"],
        "blaze",
        "frontend_test",
        workflow="web",
        job="unit",
        steps=[*web_setup(), npm_ci_ok(), failing(out, name="Unit tests")],
        message="feat(console): compact run durations",
        files=["web/src/duration.js"],
    )

    out = real.vite_build(
        "b44-plain-vite-syntax", {"src/main.js": "const runs = [1, 2;\nconsole.log(runs);\n"}
    )
    ci(
        "fr-zr-plain-vite-syntax",
        "vite build fails on a syntax error in src/main.js the change edited",
        ["obvious"],
        "blaze",
        "frontend_build",
        workflow="web",
        job="build",
        steps=[*web_setup(), npm_ci_ok(), failing(out, name="Build")],
        message="feat(console): seed the runs list",
        files=["web/src/main.js"],
    )

    path = real.scratch(
        "b44-plain-prettier",
        {"src/App.js": "export const App = ( ) => {return   1}\n", ".prettierrc": "{}\n"},
    )
    lines, code = real.run(["prettier", "--check", "src"], path)
    ci(
        "fr-zr-plain-prettier",
        "prettier --check flags src/App.js, which the change reformatted by hand",
        ["obvious"],
        "blaze",
        "frontend_lint",
        workflow="web",
        job="lint",
        steps=[
            *web_setup(),
            npm_ci_ok(),
            failing(real.Out("npx prettier --check src", lines, code), name="Format"),
        ],
        message="feat(console): app shell",
        files=["web/src/App.js"],
    )

    out = real.eslint("b44-plain-undef", {"src/a.js": "export const f = () => runz.length;\n"})
    ci(
        "fr-zr-plain-eslint-undef",
        "eslint `'runz' is not defined` in src/a.js from the change",
        ["obvious"],
        "blaze",
        "frontend_lint",
        workflow="web",
        job="lint",
        steps=[*web_setup(), npm_ci_ok(), failing(out, name="Lint")],
        message="feat(console): count runs",
        files=["web/src/a.js"],
    )

    out = real.tsc(
        "b44-plain-tsc",
        {"src/run.ts": "type Run = { id: number };\nexport const r: Run = { id: 1, name: 'x' };\n"},
    )
    ci(
        "fr-zr-plain-tsc-excess",
        "tsc: `Object literal may only specify known properties, and 'name' does not exist "
        "in type 'Run'` in the change's src/run.ts",
        ["obvious"],
        "blaze",
        "frontend_typecheck",
        workflow="web",
        job="typecheck",
        steps=[*web_setup(), npm_ci_ok(), failing(out, name="Typecheck")],
        message="feat(console): run names",
        files=["web/src/run.ts"],
    )
