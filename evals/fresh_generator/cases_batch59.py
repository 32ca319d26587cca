"""Batch 59 of the fresh split (ids ``fr-zzg-``): front-end failures, flaky vs
deterministic. Browser e2e runs (Cypress and Playwright), Vitest and Jest under fake timers,
``toLocaleDateString`` output that follows a runner's or an image's time zone, snapshot drift after a
Renovate bump, Node majors picked by setup-node, install caches and lockfile integrity, a
preview server that never answered ``wait-on``, port collisions and a test runner's heap.
The owner is the root cause's: the change's code or its dependency bump (blaze), the
runner, network or cache (atlas), the workflow the change edited (atlas), the e2e image's
Dockerfile (bolt).

Look-alike pairs share the log and differ in the changed files or the previous attempt's
log in the context: a Cypress selector never found (the change renamed it, blaze) vs the
same selector missing once on a docs-only change whose first attempt passed (atlas); the
Playwright image/package mismatch from a Dockerfile bump (bolt) vs from a Renovate bump of
``@playwright/test`` (blaze); a date grouped under the previous day because the change
formats in a fixed zone (blaze) vs because a self-hosted runner's host zone is not UTC
(atlas) vs because the CI image's Dockerfile set ``TZ`` (bolt); ``EBADENGINE`` under engines
``^18.18.0`` because setup-node's ``lts/*`` resolved Node 20 (atlas) vs because the CI image's
``FROM`` moved to Node 20 (bolt);
``fs.globSync`` missing on Node 20 in the change's script (blaze) vs after the
workflow pinned Node 20 (atlas); a heap OOM from the change's cache (blaze) vs from the
workflow's lowered ``--max-old-space-size`` (atlas); ``EADDRINUSE`` from a leftover process
on a self-hosted runner (atlas) vs from the change's global setup binding the mock API's
port twice (blaze).

Cases tagged ``obvious``: a tsc error and a Vitest assertion (blaze), actionlint on the e2e
workflow (atlas), hadolint on the e2e image's Dockerfile (bolt).
"""

from __future__ import annotations

import json
import re
from typing import Any

import common
import real
from fcommon import at, ci, failing, node_setup, npm_ci_ok, pr_of
from gha import Job, Step, run, uses
from helpers import v8_oom

WEB = "5dlabs/console"
SHOP = "5dlabs/storefront"
DOCS = "5dlabs/docs-site"
PFX = "fr-zzg-"
SEP = "\u203a"


def build() -> None:
    cypress_pair()
    playwright_cases()
    wait_on_cases()
    fake_timers_and_snapshots()
    locale_pair()
    node_versions()
    caches()
    ports()
    heaps()
    test_images()
    plain()


def _prev(cid: str, repo: str, workflow: str, job: str, steps: list[Step]) -> None:
    """The previous attempt's log of the same job, in the last case's context."""
    other = Job(cid + ":prev", repo, workflow, job, "main", steps)
    common.CASES[-1]["context"]["logs"][job + " (attempt 1)"] = other.log()


def _setup_node(version: str, resolved: str, npm: str = "10.8.2") -> Step:
    return uses(
        "actions/setup-node@v4",
        {"node-version": version, "cache": "npm"},
        [
            f"Attempting to download {version}...",
            f"Found in cache @ /opt/hostedtoolcache/node/{resolved}/x64",
            "##[group]Environment details",
            f"node: v{resolved}",
            f"npm: {npm}",
            "yarn: 1.22.22",
            "##[endgroup]",
        ],
    )


def _pkg(name: str, scripts: dict[str, str], extra: dict[str, Any] | None = None) -> str:
    return (
        json.dumps(
            {
                "name": name,
                "version": "1.4.0",
                "private": True,
                "scripts": scripts,
                **(extra or {}),
            },
            indent=2,
        )
        + "\n"
    )


# ------------------------------------------------------------------ 1. Cypress pair


def _cypress(failing_spec: bool) -> list[str]:
    spec = "cypress/e2e/checkout.cy.ts"
    lines = [
        "",
        "====================================================================================================",
        "",
        "  (Run Starting)",
        "",
        "  ┌────────────────────────────────────────────────────────────────────────────────────────────────┐",
        "  │ Cypress:        13.15.2                                                                        │",
        "  │ Browser:        Electron 118 (headless)                                                        │",
        "  │ Node Version:   v20.20.2 (/opt/hostedtoolcache/node/20.20.2/x64/bin/node)                      │",
        "  │ Specs:          3 found (cart.cy.ts, checkout.cy.ts, search.cy.ts)                             │",
        "  │ Searched:       cypress/e2e/**/*.cy.{js,jsx,ts,tsx}                                            │",
        "  └────────────────────────────────────────────────────────────────────────────────────────────────┘",
        "",
        "────────────────────────────────────────────────────────────────────────────────────────────────────",
        "",
        f"  Running:  {spec.split('/')[-1]}                                                       (2 of 3)",
        "",
        "",
        "  checkout",
        "    ✓ shows the order summary (912ms)",
    ]
    if failing_spec:
        lines += [
            "    1) places an order with a saved card",
            "",
            "",
            "  1 passing (9s)",
            "  1 failing",
            "",
            "  1) checkout",
            "       places an order with a saved card:",
            "     AssertionError: Timed out retrying after 4000ms: Expected to find element: "
            "`[data-cy=place-order]`, but never found it.",
            "      at Context.eval (webpack://storefront/./cypress/e2e/checkout.cy.ts:27:9)",
            "",
            "",
            "",
            "  (Attempt 2 of 3) places an order with a saved card",
            "  (Attempt 3 of 3) places an order with a saved card",
            "",
            "  (Screenshots)",
            "",
            "  -  /home/runner/work/storefront/storefront/cypress/screenshots/checkout.cy.ts/che"
            "ckout -- places an order with a saved card (failed) (attempt 3).png (1280x720)",
            "",
            "",
            "====================================================================================================",
            "",
            "  (Run Finished)",
            "",
            "",
            "       Spec                                              Tests  Passing  Failing  Pending  Skipped  ",
            "  ┌────────────────────────────────────────────────────────────────────────────────────────────────┐",
            "  │ ✔  cart.cy.ts                               00:06        4        4        -        -        - │",
            "  ├────────────────────────────────────────────────────────────────────────────────────────────────┤",
            "  │ ✖  checkout.cy.ts                           00:21        2        1        1        -        - │",
            "  ├────────────────────────────────────────────────────────────────────────────────────────────────┤",
            "  │ ✔  search.cy.ts                             00:05        3        3        -        -        - │",
            "  └────────────────────────────────────────────────────────────────────────────────────────────────┘",
            "    ✖  1 of 3 failed (33%)                      00:32        9        8        1        -        -  ",
            "",
        ]
    else:
        lines += [
            "    ✓ places an order with a saved card (2204ms)",
            "",
            "",
            "  2 passing (5s)",
            "",
            "====================================================================================================",
            "",
            "  (Run Finished)",
            "",
            "    ✔  All specs passed!                        00:16        9        9        -        -        -  ",
            "",
        ]
    return lines


def _cypress_steps(failed: bool) -> list[Step]:
    return [
        *node_setup(),
        npm_ci_ok(),
        uses(
            "cypress-io/github-action@v6",
            {"install": "false", "start": "npm run preview", "wait-on": "http://localhost:4173"},
            _cypress(failed),
            name="Cypress run",
            error=(["##[error]Command failed with exit code 1: npx cypress run"] if failed else []),
            seconds=60,
        ),
    ]


def cypress_pair() -> None:
    at(SHOP)
    cid = PFX + "001"
    ci(
        cid,
        "Cypress fails `places an order with a saved card` on all three attempts: "
        "`[data-cy=place-order]` is never found; the change renamed the button's `data-cy` "
        "to `submit-order` in CheckoutForm.tsx and left the spec: deterministic, the change",
        ["look-alike", "context-driven"],
        "blaze",
        "frontend_test",
        workflow="e2e",
        job="cypress",
        repo=SHOP,
        steps=_cypress_steps(True),
        message="refactor(checkout): consistent data-cy names on the order form",
        files=["src/checkout/CheckoutForm.tsx", "src/checkout/PaymentPicker.tsx"],
        pr=pr_of(cid, "refactor(checkout): consistent data-cy names"),
    )

    cid = PFX + "002"
    ci(
        cid,
        "the same Cypress failure, `[data-cy=place-order]` never found over three attempts, on "
        "a change that only edited docs; the first attempt of this job on the same commit "
        "passed the spec: the button is there, the failure is the run's environment (a slow "
        "shared sandbox API), not the code",
        ["look-alike", "context-driven", "flaky"],
        "atlas",
        "general",
        workflow="e2e",
        job="cypress",
        repo=SHOP,
        steps=_cypress_steps(True),
        message="docs: explain the saved-card sandbox accounts",
        files=["docs/testing.md", "README.md"],
    )
    _prev(cid, SHOP, "e2e", "cypress", _cypress_steps(False))


# ------------------------------------------------------------------ 2. Playwright


def _pw_install() -> Step:
    return run(
        "npx playwright install --with-deps chromium",
        [
            "Downloading Chromium 131.0.6778.33 (playwright build v1148) from "
            "https://playwright.azureedge.net/builds/chromium/1148/chromium-linux.zip",
            "Chromium 131.0.6778.33 (playwright build v1148) downloaded to "
            "/home/runner/.cache/ms-playwright/chromium-1148",
        ],
        name="Install browsers",
    )


def _pw_image_box(current: str, required: str, version: str, build: int) -> list[str]:
    return [
        "",
        "Running 42 tests using 2 workers",
        "",
        f"  ✘   1 [chromium] {SEP} e2e/login.spec.ts:9:7 {SEP} login {SEP} signs in (12ms)",
        f"  ✘   2 [chromium] {SEP} e2e/runs.spec.ts:14:7 {SEP} runs {SEP} lists runs (9ms)",
        "",
        f"  1) [chromium] {SEP} e2e/login.spec.ts:9:7 {SEP} login {SEP} signs in ",
        "",
        "    Error: browserType.launch: Executable doesn't exist at "
        f"/ms-playwright/chromium_headless_shell-{build}/chrome-linux/headless_shell",
        "    ╔══════════════════════════════════════════════════════════════════════╗",
        f"    ║ Looks like Playwright Test or Playwright was just updated to {version}. ║",
        "    ║ Please update docker image as well.                                  ║",
        f"    ║ -  current: mcr.microsoft.com/playwright:{current}               ║",
        f"    ║ - required: mcr.microsoft.com/playwright:{required}               ║",
        "    ║                                                                      ║",
        "    ║ <3 Playwright Team                                                   ║",
        "    ╚══════════════════════════════════════════════════════════════════════╝",
        "",
        "  42 failed",
        f"    [chromium] {SEP} e2e/login.spec.ts:9:7 {SEP} login {SEP} signs in ",
        f"    [chromium] {SEP} e2e/runs.spec.ts:14:7 {SEP} runs {SEP} lists runs ",
    ]


def playwright_cases() -> None:
    at(WEB)
    # 2a. workflow added --fail-on-flaky-tests: a long-flaky test now fails the job
    cid = PFX + "003"
    body = [
        "",
        "Running 42 tests using 2 workers",
        "",
        f"  ✘  17 [chromium] {SEP} e2e/agents.spec.ts:33:7 {SEP} agents {SEP} live log streams "
        "new lines (6.1s)",
        f"  ✓  18 [chromium] {SEP} e2e/agents.spec.ts:33:7 {SEP} agents {SEP} live log streams "
        "new lines (retry #1) (2.4s)",
        "",
        f"  1) [chromium] {SEP} e2e/agents.spec.ts:33:7 {SEP} agents {SEP} live log streams new "
        "lines ",
        "",
        "    Error: Timed out 5000ms waiting for expect(locator).toHaveCount(expected)",
        "",
        "    Locator: getByTestId('log-line')",
        "    Expected: 3",
        "    Received: 2",
        "",
        "  1 flaky",
        f"    [chromium] {SEP} e2e/agents.spec.ts:33:7 {SEP} agents {SEP} live log streams new "
        "lines ",
        "  41 passed (1.6m)",
    ]
    ci(
        cid,
        "Playwright's summary is `1 flaky` and `41 passed`, yet the step exits 1: the change "
        "added `--fail-on-flaky-tests` to the workflow's command, so a test that has passed on "
        "retry for months now fails the job; only the workflow changed",
        ["flaky", "context-driven"],
        "atlas",
        "general",
        workflow="e2e",
        job="playwright",
        repo=WEB,
        steps=[
            *node_setup(),
            npm_ci_ok(),
            _pw_install(),
            run(
                "npx playwright test --retries=1 --fail-on-flaky-tests",
                body,
                1,
                name="E2E",
                seconds=96,
            ),
        ],
        message="ci(e2e): stop tolerating flaky tests",
        files=[".github/workflows/e2e.yml"],
        pr=pr_of(cid, "ci(e2e): fail on flaky tests"),
    )

    # 2b/2c. the Playwright image and package out of step
    container = run(
        "npx playwright test",
        _pw_image_box("v1.50.0-noble", "v1.49.0-noble", "1.49.0", 1148),
        1,
        name="E2E (container)",
        seconds=14,
    )
    cid = PFX + "004"
    ci(
        cid,
        "every Playwright test fails at `browserType.launch`: `Executable doesn't exist` with "
        "the box asking for `playwright:v1.49.0-noble` while the container is `v1.50.0-noble`; "
        "the change bumped the base image in e2e/Dockerfile and left `@playwright/test` at "
        "1.49.0: the test image's Dockerfile",
        ["look-alike", "context-driven"],
        "bolt",
        "docker_build",
        workflow="e2e",
        job="playwright-container",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), container],
        message="chore(e2e): newer playwright base image",
        files=["e2e/Dockerfile"],
        pr=pr_of(cid, "chore(e2e): playwright image v1.50.0-noble"),
    )
    cid = PFX + "005"
    ci(
        cid,
        "every Playwright test fails at `browserType.launch` with the same `Executable doesn't "
        "exist` box (`current: v1.48.2-noble`, `required: v1.49.0-noble`); a Renovate PR bumped "
        "`@playwright/test` to 1.49.0 in package.json and the lockfile and left the e2e image: "
        "the front-end dependency bump",
        ["look-alike", "context-driven"],
        "blaze",
        "frontend_deps",
        workflow="e2e",
        job="playwright-container",
        repo=WEB,
        steps=[
            *node_setup(),
            npm_ci_ok(),
            run(
                "npx playwright test",
                _pw_image_box("v1.48.2-noble", "v1.49.0-noble", "1.49.0", 1148),
                1,
                name="E2E (container)",
                seconds=14,
            ),
        ],
        message="chore(deps): update dependency @playwright/test to v1.49.0",
        files=["package.json", "package-lock.json"],
        pr=pr_of(
            cid,
            "chore(deps): update dependency @playwright/test to v1.49.0",
            "This PR contains the following updates:\n\n| Package | Change |\n|---|---|\n"
            "| @playwright/test | `1.48.2` -> `1.49.0` |\n\n---\n\nThis PR was generated by "
            "Mend Renovate.",
        ),
    )

    # 2d. navigation timeout against a preview deployment that was down (atlas)
    cid = PFX + "006"
    nav = [
        "",
        "Running 42 tests using 2 workers",
        "",
        f"  ✘   1 [chromium] {SEP} e2e/login.spec.ts:9:7 {SEP} login {SEP} signs in (30.1s)",
        f"  ✘   2 [chromium] {SEP} e2e/login.spec.ts:9:7 {SEP} login {SEP} signs in (retry #1) "
        "(30.0s)",
        "",
        f"  1) [chromium] {SEP} e2e/login.spec.ts:9:7 {SEP} login {SEP} signs in ",
        "",
        "    Error: page.goto: Timeout 30000ms exceeded.",
        "    Call log:",
        '      - navigating to "https://preview-pr-2231.console.5dlabs.dev/login", waiting '
        'until "load"',
        "",
        "      10 |   test('signs in', async ({ page }) => {",
        "    > 11 |     await page.goto('/login');",
        "         |                ^",
        "",
        "        at /home/runner/work/console/console/e2e/login.spec.ts:11:16",
        "",
        "  42 failed",
        f"    [chromium] {SEP} e2e/login.spec.ts:9:7 {SEP} login {SEP} signs in ",
    ]
    ci(
        cid,
        "every Playwright test fails in `page.goto` with `Timeout 30000ms exceeded` while "
        "navigating to the PR's preview URL (a navigation timeout, no selector involved); the "
        "change only restyled a table, and the earlier attempt on the same commit passed: the "
        "preview environment did not answer",
        ["look-alike", "flaky", "context-driven"],
        "atlas",
        "general",
        workflow="e2e-preview",
        job="playwright-preview",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), _pw_install(), run("npx playwright test", nav, 1)],
        message="style(runs): tighter table rows",
        files=["src/components/RunsTable.module.css"],
    )
    ok = [
        "",
        "Running 42 tests using 2 workers",
        "",
        "  42 passed (1.4m)",
    ]
    _prev(
        cid,
        WEB,
        "e2e-preview",
        "playwright-preview",
        [*node_setup(), npm_ci_ok(), _pw_install(), run("npx playwright test", ok)],
    )


# ------------------------------------------------------------------ 3. wait-on


def wait_on_cases() -> None:
    at(DOCS)
    # 3a. blaze: preview server never started, its config fails to load
    cid = PFX + "007"
    out = real.npm_script(
        "b59-preview-config",
        {
            "index.html": '<script type="module" src="/src/main.js"></script>\n',
            "src/main.js": "document.body.textContent = 'docs';\n",
            "vite.config.js": (
                "import { defineConfig } from 'vite';\n"
                "import mdx from '@mdx-js/rollup';\n"
                "export default defineConfig({ plugins: [mdx()] });\n"
            ),
        },
        {"preview": "vite preview --port 4173 --strictPort"},
        "preview",
    )
    assert out.code != 0, out
    lines = [
        "[command]npm run preview &",
        *[
            re.sub(r"timestamp-\d+-[0-9a-f]+", "timestamp-1796000846765-22c5802c22a3c", ln)
            for ln in out.lines
        ],
        "[command]npx wait-on http://localhost:4173 --timeout 60000",
        "Error: Timed out waiting for: http://localhost:4173",
        "    at /home/runner/.npm/_npx/0b1e9d1b/node_modules/wait-on/lib/wait-on.js:132:31",
    ]
    ci(
        cid,
        "`wait-on http://localhost:4173` times out before the e2e tests; above it, the preview "
        "server (real Vite 5.4) died at once: `failed to load config`, `@mdx-js/rollup` "
        "cannot be found, imported by the change's vite.config.js without adding the package",
        ["look-alike"],
        "blaze",
        "frontend_build",
        workflow="e2e",
        job="e2e",
        repo=DOCS,
        steps=[
            *node_setup(),
            npm_ci_ok(),
            run(
                "npm run preview & npx wait-on http://localhost:4173 --timeout 60000",
                lines,
                1,
                name="Start preview and wait",
                seconds=62,
            ),
        ],
        message="feat(docs): render mdx pages",
        files=["vite.config.js", "src/pages/guide.mdx"],
        pr=pr_of(cid, "feat(docs): mdx pages"),
    )

    # 3b. atlas: the workflow now waits on another port
    cid = PFX + "008"
    lines = [
        "[command]npm run preview -- --port 4173 &",
        "",
        "> docs-site@1.4.0 preview",
        "> vite preview --port 4173",
        "",
        "  ➜  Local:   http://localhost:4173/",
        "  ➜  Network: use --host to expose",
        "[command]npx wait-on http://localhost:5173 --timeout 60000",
        "Error: Timed out waiting for: http://localhost:5173",
        "    at /home/runner/.npm/_npx/0b1e9d1b/node_modules/wait-on/lib/wait-on.js:132:31",
    ]
    ci(
        cid,
        "`wait-on http://localhost:5173` times out although the preview server printed "
        "`Local: http://localhost:4173/`: the change's workflow edit moved the wait to the dev "
        "server's port and kept `vite preview` on 4173; no application file changed",
        ["look-alike", "context-driven"],
        "atlas",
        "general",
        workflow="e2e",
        job="e2e",
        repo=DOCS,
        steps=[
            *node_setup(),
            npm_ci_ok(),
            run(
                "npm run preview -- --port 4173 & npx wait-on http://localhost:5173 --timeout 60000",
                lines,
                1,
                name="Start preview and wait",
                seconds=62,
            ),
        ],
        message="ci(e2e): share the wait step with the dev-server job",
        files=[".github/workflows/e2e.yml"],
        pr=pr_of(cid, "ci(e2e): share the wait step"),
    )


# ------------------------------------------------------------------ 4. fake timers, snapshots


def fake_timers_and_snapshots() -> None:
    at(WEB)
    cid = PFX + "009"
    out = real.vitest(
        "b59-fake-timers",
        {
            "src/retry.js": (
                "const sleep = (ms) => new Promise((r) => setTimeout(r, ms));\n"
                "export async function withRetry(fn, tries = 3) {\n"
                "  for (let i = 0; ; i++) {\n"
                "    try { return await fn(); } catch (e) {\n"
                "      if (i + 1 >= tries) throw e;\n"
                "      await sleep(250 * 2 ** i);\n"
                "    }\n"
                "  }\n"
                "}\n"
            ),
            "src/retry.test.js": (
                "import { test, expect, vi, beforeEach } from 'vitest';\n"
                "import { withRetry } from './retry.js';\n"
                "beforeEach(() => { vi.useFakeTimers(); });\n"
                "test('retries a failing call twice', async () => {\n"
                "  const fn = vi.fn().mockRejectedValueOnce(new Error('503'))\n"
                "    .mockRejectedValueOnce(new Error('503')).mockResolvedValue('ok');\n"
                "  await expect(withRetry(fn)).resolves.toBe('ok');\n"
                "  expect(fn).toHaveBeenCalledTimes(3);\n"
                "}, 1500);\n"
            ),
        },
    )
    assert out.code != 0 and any("timed out" in ln for ln in out.lines), out.lines
    out = real.Out(
        out.command, [ln.replace("timed out in 9ms", "timed out in 1500ms") for ln in out.lines], 1
    )
    ci(
        cid,
        "Vitest times out `retries a failing call twice` at 1500ms: the change added a "
        "backoff `setTimeout` to withRetry while the test runs under `vi.useFakeTimers()` "
        "and never advances them, so the promise never settles; it fails the same way every "
        "run (not a slow runner)",
        ["look-alike"],
        "blaze",
        "frontend_test",
        workflow="web",
        job="unit",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Unit tests")],
        message="feat(api-client): back off between retries",
        files=["src/retry.js"],
        pr=pr_of(cid, "feat(api-client): exponential backoff"),
    )

    # snapshot drift after a Renovate bump
    cid = PFX + "010"
    out = real.vitest(
        "b59-snapshot-bump",
        {
            "src/badge.js": (
                "export function badge(n) {\n"
                '  return `<span class="badge" aria-label="${n} unread">${n}</span>`;\n'
                "}\n"
            ),
            "src/badge.test.js": (
                "import { test, expect } from 'vitest';\n"
                "import { badge } from './badge.js';\n"
                "test('unread badge', () => { expect(badge(3)).toMatchSnapshot(); });\n"
            ),
            "src/__snapshots__/badge.test.js.snap": (
                "// Vitest Snapshot v1, https://vitest.dev/guide/snapshot.html\n\n"
                'exports[`unread badge 1`] = `"<span class=\\"badge\\">3</span>"`;\n'
            ),
        },
    )
    assert out.code != 0 and any("napshot" in ln for ln in out.lines), out.lines
    ci(
        cid,
        "Vitest's `unread badge` snapshot mismatches (the rendered badge gains an "
        "`aria-label`); the PR is Renovate's bump of `@5dlabs/ui-kit` in package.json and the "
        "lockfile, whose new badge markup changed the output: the dependency bump, the "
        "snapshot needs updating with it",
        ["context-driven"],
        "blaze",
        "frontend_test",
        workflow="web",
        job="unit",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Unit tests")],
        message="chore(deps): update dependency @5dlabs/ui-kit to v3.2.0",
        files=["package.json", "package-lock.json"],
        pr=pr_of(
            cid,
            "chore(deps): update dependency @5dlabs/ui-kit to v3.2.0",
            "| Package | Change |\n|---|---|\n| @5dlabs/ui-kit | `3.1.4` -> `3.2.0` |\n\n"
            "This PR was generated by Mend Renovate.",
        ),
    )


# ------------------------------------------------------------------ 5. locale


def _day_vitest(name: str, zone: str, tz: str | None) -> real.Out:
    opts = f"{{ timeZone: '{zone}' }}" if zone else "{}"
    path = real.node_project(
        name,
        {
            "src/day.js": (
                f"export const day = (iso) => new Date(iso).toLocaleDateString('en-US', {opts});\n"
            ),
            "src/day.test.js": (
                "import { test, expect } from 'vitest';\n"
                "import { day } from './day.js';\n"
                "test('groups a run under its start day', () => {\n"
                "  expect(day('2026-03-01T00:30:00Z')).toBe('3/1/2026');\n"
                "});\n"
            ),
        },
    )
    lines, code = real.run(["vitest", "run"], path, env={"TZ": tz} if tz else None)
    return real.Out("npx vitest run", lines, code)


def locale_pair() -> None:
    at(WEB)
    cid = PFX + "011"
    out = _day_vitest("b59-day-zone-code", "America/New_York", None)
    assert out.code != 0, out.lines
    ci(
        cid,
        "Vitest: `groups a run under its start day` expects `3/1/2026` and receives "
        "`2/28/2026`, the previous day; the change made `day()` format in a "
        "hard-coded `America/New_York` zone while the test's instant is 00:30 UTC: the "
        "change's code, failing on every runner",
        ["look-alike", "context-driven"],
        "blaze",
        "frontend_test",
        workflow="web",
        job="unit",
        repo=WEB,
        steps=[*_node20(), npm_ci_ok(), failing(out, name="Unit tests")],
        message="feat(runs): group runs by the office's calendar day",
        files=["src/day.js", "src/components/RunGroups.tsx"],
        pr=pr_of(cid, "feat(runs): group by office day"),
    )
    cid = PFX + "012"
    out = _day_vitest("b59-day-zone-runner", "", "America/Los_Angeles")
    assert out.code != 0, out.lines
    ci(
        cid,
        "the same Vitest failure (the previous day instead of `3/1/2026`) from a `day()` that "
        "formats in the process's local zone, unchanged for months; this attempt ran on a "
        "self-hosted runner whose host is set to `America/Los_Angeles`, the first attempt on a "
        "hosted (UTC) runner passed, and the change touched only CSS: the runner's environment",
        ["look-alike", "context-driven", "flaky"],
        "atlas",
        "general",
        workflow="web",
        job="unit",
        repo=WEB,
        self_hosted=True,
        steps=[*_node20(), npm_ci_ok(), failing(out, name="Unit tests")],
        message="style(runs): group headers stick to the top",
        files=["src/components/RunGroups.module.css"],
    )
    ok = _day_vitest("b59-day-zone-utc", "", "UTC")
    assert ok.code == 0, ok.lines
    _prev(
        cid,
        WEB,
        "web",
        "unit",
        [*_node20(), npm_ci_ok(), run(ok.command, ok.lines, name="Unit tests")],
    )


def _node20() -> list[Step]:
    return [_setup_node("20", "20.20.2")]


# ------------------------------------------------------------------ 6. Node versions


def node_versions() -> None:
    at(WEB)
    # 6a. atlas: lts/* now resolves a new major; engines refuse it
    cid = PFX + "013"
    lock = {
        "name": "console",
        "version": "1.4.0",
        "lockfileVersion": 3,
        "requires": True,
        "packages": {"": {"name": "console", "version": "1.4.0", "engines": {"node": "^18.18.0"}}},
    }
    out = real.sh(
        "b59-ebadengine",
        {
            "package.json": _pkg(
                "console", {"test": "vitest run"}, {"engines": {"node": "^18.18.0"}}
            ),
            "package-lock.json": json.dumps(lock, indent=2) + "\n",
            ".npmrc": "engine-strict=true\n",
        },
        "npm ci --no-fund",
        "npm ci",
    )
    assert out.code != 0 and any("EBADENGINE" in ln for ln in out.lines), out.lines
    ci(
        cid,
        "`npm ci` stops with `EBADENGINE` (engines `^18.18.0`, engine-strict): the workflow's "
        "unchanged `node-version: lts/*` resolved Node 20 on this run where the earlier run "
        "had Node 18; the change only touched a component: setup-node picked a new major",
        ["context-driven"],
        "atlas",
        "general",
        workflow="web",
        job="unit",
        repo=WEB,
        steps=[_setup_node("lts/*", "20.20.2"), failing(out, name="Install dependencies")],
        message="fix(runs): keep the filter when paging",
        files=["src/components/RunFilters.tsx"],
    )
    _prev(
        cid,
        WEB,
        "web",
        "unit",
        [
            _setup_node("lts/*", "18.20.8", "10.8.2"),
            npm_ci_ok(),
            run(
                "npx vitest run",
                ["", " Test Files  31 passed (31)", "      Tests  204 passed (204)"],
            ),
        ],
    )

    # 6b/6c. fs.globSync on Node 20
    out = real.node_run(
        "b59-builtin-module",
        {
            "scripts/gen-routes.mjs": (
                "import { globSync } from 'node:fs';\n"
                "const pages = globSync('src/pages/**/*.tsx');\n"
                "console.log(pages.length + ' routes');\n"
            ),
            "src/pages/index.tsx": "export default null;\n",
        },
        "scripts/gen-routes.mjs",
    )
    assert out.code != 0, out.lines
    step = failing(out, name="Generate routes")
    cid = PFX + "014"
    ci(
        cid,
        "`node scripts/gen-routes.mjs` fails with `SyntaxError: The requested module 'node:fs' "
        "does not provide an export named 'globSync'` on Node 20.20: the change's new script "
        "uses `fs.globSync`, added in Node 22, and "
        "the workflow (unchanged) pins Node 20: the change's code",
        ["look-alike", "context-driven"],
        "blaze",
        "frontend_build",
        workflow="web",
        job="build",
        repo=WEB,
        steps=[*_node20(), npm_ci_ok(), step],
        message="feat(build): generate the route table from src/pages",
        files=["scripts/gen-routes.mjs", "package.json"],
        pr=pr_of(cid, "feat(build): generated routes"),
    )
    cid = PFX + "015"
    ci(
        cid,
        "the same `does not provide an export named 'globSync'` from a script that has run on "
        "every build since spring: the change moved the workflow's node-version from `22` to "
        "`20` (to match the runner's default); nothing else changed: the workflow",
        ["look-alike", "context-driven"],
        "atlas",
        "general",
        workflow="web",
        job="build",
        repo=WEB,
        steps=[*_node20(), npm_ci_ok(), step],
        message="ci: use the runner image's Node 20",
        files=[".github/workflows/web.yml"],
        pr=pr_of(cid, "ci: Node 20 like the image"),
    )


# ------------------------------------------------------------------ 7. caches


def caches() -> None:
    at(SHOP)
    cid = PFX + "016"
    pnpm = [
        "Lockfile is up to date, resolution step is skipped",
        "Progress: resolved 1, reused 0, downloaded 0, added 0",
        "Packages: +812",
        "++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++",
        "Progress: resolved 812, reused 611, downloaded 140, added 498",
        " ERR_PNPM_TARBALL_INTEGRITY  Got unexpected checksum for "
        '"https://registry.npmjs.org/@swc/core-linux-x64-gnu/-/core-linux-x64-gnu-1.9.3.tgz". '
        'Wanted "sha512-cAWcCdE+4X0Fk5oHj4t6n9KqUQ0O1lJ2Qh9n5m7WmG8pCt2vrP3qTn4dXcJ6T0S3zW3d'
        'pGtG9VYJq1mZkCk2w==". Got "sha512-h3mKlH6iXk0q2rO2bTQwFzZ0vX9kGCmS8N7yD1cD2pJz0Q4t'
        'M2rK4nRt3QmP1K6zj2pX1W2nZfVxLdG1Y6B0b8Q==".',
        "",
        "This error may happen when a package is republished to the registry with the same "
        "version.",
        "In this case, the metadata in the local pnpm cache will contain the old integrity "
        "checksum.",
        "",
        'If you think that this is the case, then run "pnpm store prune" and rerun the command '
        "that failed.",
        '"pnpm store prune" will remove your local metadata cache.',
    ]
    restore = uses(
        "actions/cache@v4",
        {"path": "/home/runner/.local/share/pnpm/store/v3", "key": "pnpm-store-Linux-8b2e0f"},
        [
            "Cache hit for: pnpm-store-Linux-8b2e0f",
            "Received 268435456 of 701448192 (38.3%), 255.9 MBs/sec",
            "Received 570425344 of 701448192 (81.3%), 271.8 MBs/sec",
            "Received 701448192 of 701448192 (100.0%), 265.0 MBs/sec",
            "Cache Size: ~669 MB (701448192 B)",
            "[command]/usr/bin/tar -xf /home/runner/work/_temp/4f1b2c0e/cache.tzst -P -C "
            "/home/runner/work/storefront/storefront --use-compress-program unzstd",
            "/usr/bin/tar: Unexpected EOF in archive",
            "/usr/bin/tar: Error is not recoverable: exiting now",
            '##[warning]Failed to restore: "/usr/bin/tar" failed with error: The process '
            "'/usr/bin/tar' failed with exit code 2",
            "Cache restored successfully",
        ],
        name="Restore pnpm store",
    )
    ci(
        cid,
        "`pnpm install --frozen-lockfile` fails with `ERR_PNPM_TARBALL_INTEGRITY` for an "
        "`@swc/core` tarball whose lockfile entry is unchanged; the step before it restored "
        "the pnpm store from the Actions cache with `tar: Unexpected EOF in archive`: a "
        "truncated cache entry, and the change touched only a page",
        ["flaky", "look-alike"],
        "atlas",
        "general",
        workflow="ci",
        job="test",
        repo=SHOP,
        steps=[
            uses("pnpm/action-setup@v4", {"version": "9.14.2"}, ["Installing pnpm@9.14.2"]),
            *node_setup(),
            restore,
            run("pnpm install --frozen-lockfile", pnpm, 1, name="Install"),
        ],
        message="feat(search): highlight matches",
        files=["src/search/Results.tsx"],
    )

    cid = PFX + "017"
    npm = [
        "npm error code EINTEGRITY",
        "npm error sha512-9Qm3bC0kT2yS+oV4Lr1f8xG6dZp7uA3wNcH5jK0eR2tY8iM4sB1vE6nQ7lP9oX2zWfD"
        "3gU5hJ7kL0aS4dF6gH8j== integrity checksum failed when using sha512: wanted "
        "sha512-9Qm3bC0kT2yS+oV4Lr1f8xG6dZp7uA3wNcH5jK0eR2tY8iM4sB1vE6nQ7lP9oX2zWfD3gU5hJ7kL0aS"
        "4dF6gH8j== but got sha512-Jx7vK2nR5tQ8wL1mP4sY6bC9dF3gH0jA2eU7iO5kZ8xN1qV4rT6yW3uE9pB2"
        "sM7cD5fG8hJ0lK3aX6zQ1vR4== (18244 bytes)",
        "npm error A complete log of this run can be found in: "
        "/home/runner/.npm/_logs/2026-11-02T11_42_07_118Z-debug-0.log",
    ]
    ci(
        cid,
        "`npm ci` fails with `EINTEGRITY` for `tiny-invariant`: the change hand-merged "
        "package-lock.json after a conflict and kept the old version's `integrity` beside the "
        "new version's `resolved` URL; it fails on every attempt with an empty cache: the "
        "change's lockfile",
        ["look-alike"],
        "blaze",
        "frontend_deps",
        workflow="ci",
        job="test",
        repo=SHOP,
        steps=[*node_setup(), run("npm ci", npm, 1, name="Install dependencies", seconds=21)],
        message="Merge branch 'main' into feat/cart-drawer",
        files=["package-lock.json", "src/cart/CartDrawer.tsx"],
        pr=pr_of(cid, "feat(cart): slide-over drawer"),
    )


# ------------------------------------------------------------------ 8. ports


def ports() -> None:
    at(WEB)
    with real.serve((200, "stale vite from an earlier job\n")) as port:
        out = real.npm_script(
            "b59-port-taken",
            {
                "index.html": '<script type="module" src="/src/main.js"></script>\n',
                "src/main.js": "document.body.textContent = 'console';\n",
            },
            {"dev": f"vite --port {port} --strictPort"},
            "dev",
        )
    out = real.Out(out.command, [ln.replace(str(port), "5173") for ln in out.lines], out.code)
    assert out.code != 0 and any("already in use" in ln for ln in out.lines), out.lines
    cid = PFX + "018"
    ci(
        cid,
        "the dev server for the component tests fails to start: `Port 5173 is already in use` "
        "(real Vite 5.4 with `--strictPort`) on a self-hosted runner whose previous job left "
        "its dev server running; the change touched only a hook and the same job passed on a "
        "fresh runner: the runner",
        ["look-alike", "platform"],
        "atlas",
        "general",
        workflow="web",
        job="component-tests",
        repo=WEB,
        self_hosted=True,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Start dev server")],
        message="fix(hooks): debounce the search input",
        files=["src/hooks/useDebounced.ts"],
    )

    mock = real.free_port()
    out = real.node_run(
        "b59-mock-twice",
        {
            "e2e/global-setup.mjs": (
                "import http from 'node:http';\n"
                "const port = Number(process.env.MOCK_PORT);\n"
                "const api = http.createServer((q, s) => s.end('{}'));\n"
                "const events = http.createServer((q, s) => s.end(''));\n"
                "await new Promise((r) => api.listen(port, '127.0.0.1', r));\n"
                "console.log(`mock api on ${port}`);\n"
                "events.listen(port, '127.0.0.1');\n"
            ),
        },
        "e2e/global-setup.mjs",
        env={"MOCK_PORT": str(mock)},
        hosts={str(mock): "4010"},
    )
    assert out.code != 0 and any("EADDRINUSE" in ln for ln in out.lines), out.lines
    cid = PFX + "019"
    ci(
        cid,
        "Playwright's global setup crashes with `EADDRINUSE: address already in use "
        "127.0.0.1:4010`: the change added an event-stream mock that listens on the mock "
        "API's own port in the same process; every run fails the same way",
        ["look-alike"],
        "blaze",
        "frontend_test",
        workflow="e2e",
        job="playwright",
        repo=WEB,
        steps=[
            *node_setup(),
            npm_ci_ok(),
            failing(out, name="Global setup", command="node e2e/global-setup.mjs"),
        ],
        message="test(e2e): mock the agent event stream",
        files=["e2e/global-setup.mjs", "e2e/agents.spec.ts"],
        pr=pr_of(cid, "test(e2e): mock the event stream"),
    )


# ------------------------------------------------------------------ 9. heaps


LEAK = """
const seen = [];
for (let i = 0; ; i++) seen.push({ id: i, html: '<tr>' + 'x'.repeat(64) + i + '</tr>' });
"""


def heaps() -> None:
    at(WEB)
    oom = real.sh(
        "b59-jest-leak",
        {"leak.mjs": LEAK},
        "node --max-old-space-size=64 leak.mjs",
        "npx jest --ci --logHeapUsage",
    )
    assert oom.code != 0, oom.lines
    lines = [
        " PASS  src/components/RunsTable.test.tsx (61 MB heap size)",
        " PASS  src/components/RunHeader.test.tsx (118 MB heap size)",
        " PASS  src/components/AgentCard.test.tsx (176 MB heap size)",
        " PASS  src/components/Timeline.test.tsx (231 MB heap size)",
    ]
    for ln in v8_oom(oom.lines):
        if "Mark-Compact" in ln or "Scavenge" in ln or ln.startswith(" 5: "):
            continue  # the fifth native frame differs from run to run
        # V8 words its fatal line two ways, depending on which collection gave up
        ln = ln.replace("Ineffective mark-compacts near heap limit", "Reached heap limit")
        lines.append(ln)
        if ln.startswith("<--- Last few GCs"):
            # the run here used a 64 MB cap; the figures of the workflow's 256 MB one
            lines += [
                "",
                "[3141:0x7ffd4c2e9a10]    96412 ms: Mark-Compact 251.9 (258.6) -> 250.8 (259.1) "
                "MB, 212.40 / 0.00 ms  (average mu = 0.121, current mu = 0.036) allocation "
                "failure; scavenge might not succeed",
                "",
                "",
            ]
    assert any("heap out of memory" in ln for ln in lines), lines
    step = run(
        "npx jest --ci --logHeapUsage",
        lines,
        134,
        name="Unit tests",
        env={"NODE_OPTIONS": "--max-old-space-size=256"},
        seconds=140,
    )

    cid = PFX + "020"
    ci(
        cid,
        "Jest's heap grows with every test file (`--logHeapUsage` 61 MB to 231 MB) until V8's "
        "`JavaScript heap out of memory` under the workflow's long-standing 256 MB cap (the "
        "suite used to stay near 90 MB): the change memoises rendered rows in a module-level "
        "Map that is never cleared, so each file's renders stay alive; the workflow did not "
        "change: the change's leak",
        ["look-alike", "context-driven"],
        "blaze",
        "frontend_test",
        workflow="web",
        job="unit",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), step],
        message="perf(runs): memoise rendered rows",
        files=["src/components/rowCache.ts", "src/components/RunsTable.tsx"],
        pr=pr_of(cid, "perf(runs): row cache"),
    )
    cid = PFX + "021"
    ci(
        cid,
        "the same climbing `--logHeapUsage` and heap OOM, but the change only lowered the "
        "workflow's `NODE_OPTIONS: --max-old-space-size` from 4096 to 256 to 'catch leaks "
        "early'; no source changed, and the suite has always climbed to about 400 MB: the workflow",
        ["look-alike", "context-driven"],
        "atlas",
        "general",
        workflow="web",
        job="unit",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), step],
        message="ci(web): cap the test heap",
        files=[".github/workflows/web.yml"],
        pr=pr_of(cid, "ci(web): cap Jest's heap"),
    )


# ------------------------------------------------------------------ 10. the test image


def _image_build(dockerfile: str, tag: str, base: str) -> Step:
    return run(
        f"docker build -f {dockerfile} -t {tag} .",
        [
            '#0 building with "default" instance using docker driver',
            "",
            "#1 [internal] load build definition from Dockerfile",
            "#1 transferring dockerfile: 412B done",
            "#1 DONE 0.0s",
            "",
            f"#2 [internal] load metadata for docker.io/library/{base}",
            "#2 DONE 1.1s",
            "",
            "#9 exporting to image",
            "#9 exporting layers 2.1s done",
            f"#9 naming to docker.io/library/{tag} done",
            "#9 DONE 2.1s",
        ],
        name="Build test image",
        seconds=38,
    )


def test_images() -> None:
    at(WEB)
    tag = "console-ci:pr"
    # 10a. bolt: the CI image's Dockerfile now sets a host zone
    cid = PFX + "026"
    out = _day_vitest("b59-day-zone-image", "", "America/Los_Angeles")
    assert out.code != 0, out.lines
    step = run(
        f"docker run --rm {tag} npx vitest run",
        out.lines,
        1,
        name="Unit tests (in the CI image)",
        seconds=24,
    )
    ci(
        cid,
        "the unit tests run inside the repository's CI image fail `groups a run under its start "
        "day` with the previous day (`2/28/2026`); the change added `ENV "
        "TZ=America/Los_Angeles` to ci/Dockerfile (for screenshot clocks) and no source or "
        "test: the test image's Dockerfile",
        ["look-alike", "context-driven"],
        "bolt",
        "docker_build",
        workflow="web",
        job="unit-container",
        repo=WEB,
        steps=[_image_build("ci/Dockerfile", tag, "node:20.20.2-bookworm-slim"), step],
        message="chore(ci-image): local time for the screenshot clocks",
        files=["ci/Dockerfile"],
        pr=pr_of(cid, "chore(ci-image): TZ for screenshots"),
    )

    # 10b. bolt: the CI image's base moved to a Node major the engines refuse
    cid = PFX + "027"
    lock = {
        "name": "console",
        "version": "1.4.0",
        "lockfileVersion": 3,
        "requires": True,
        "packages": {"": {"name": "console", "version": "1.4.0", "engines": {"node": "^18.18.0"}}},
    }
    out = real.sh(
        "b59-ebadengine-image",
        {
            "package.json": _pkg(
                "console", {"test": "vitest run"}, {"engines": {"node": "^18.18.0"}}
            ),
            "package-lock.json": json.dumps(lock, indent=2) + "\n",
            ".npmrc": "engine-strict=true\n",
        },
        "npm ci --no-fund",
        "npm ci",
    )
    assert out.code != 0 and any("EBADENGINE" in ln for ln in out.lines), out.lines
    ci(
        cid,
        "`npm ci` inside the CI image stops with `EBADENGINE` (engines `^18.18.0`, "
        "engine-strict, actual node v20.20.2): the change moved ci/Dockerfile's `FROM` from "
        "`node:18-bookworm-slim` to `node:20-bookworm-slim`; the workflow and package.json are "
        "untouched: the test image",
        ["look-alike", "context-driven"],
        "bolt",
        "docker_build",
        workflow="web",
        job="unit-container",
        repo=WEB,
        steps=[
            _image_build("ci/Dockerfile", tag, "node:20-bookworm-slim"),
            run(
                f"docker run --rm {tag} npm ci",
                out.lines,
                out.code,
                name="Install (in the CI image)",
                seconds=9,
            ),
        ],
        message="chore(ci-image): node 20 base",
        files=["ci/Dockerfile"],
        pr=pr_of(cid, "chore(ci-image): node:20-bookworm-slim"),
    )


# ------------------------------------------------------------------ 11. plain


def plain() -> None:
    at(WEB)
    out = real.tsc(
        "b59-plain-tsc",
        {
            "src/format.ts": (
                "export function duration(ms: number): string {\n"
                "  return (ms / 1000).toFixed(1) + 's';\n"
                "}\n"
                "export const total: string = duration('1200');\n"
            )
        },
    )
    assert out.code != 0, out.lines
    cid = PFX + "022"
    ci(
        cid,
        "tsc: `Argument of type 'string' is not assignable to parameter of type 'number'` in "
        "the change's src/format.ts",
        ["obvious"],
        "blaze",
        "frontend_typecheck",
        workflow="web",
        job="typecheck",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Typecheck")],
        message="feat(runs): show total duration",
        files=["src/format.ts"],
    )

    out = real.vitest(
        "b59-plain-vitest",
        {
            "src/slug.js": "export const slug = (s) => s.toLowerCase().replace(/ /g, '_');\n",
            "src/slug.test.js": (
                "import { test, expect } from 'vitest';\n"
                "import { slug } from './slug.js';\n"
                "test('slugs use dashes', () => { expect(slug('Run Logs')).toBe('run-logs'); });\n"
            ),
        },
    )
    assert out.code != 0, out.lines
    cid = PFX + "023"
    ci(
        cid,
        "Vitest: `slugs use dashes` expects `run-logs` and gets `run_logs` from the change's "
        "slug helper",
        ["obvious"],
        "blaze",
        "frontend_test",
        workflow="web",
        job="unit",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Unit tests")],
        message="feat(nav): slug helper for tab ids",
        files=["src/slug.js", "src/slug.test.js"],
    )

    out = real.actionlint(
        "b59-plain-actionlint",
        {
            "e2e.yml": (
                "name: e2e\non: [pull_request]\njobs:\n  playwright:\n    runs-on: ubuntu-latest\n"
                "    steps:\n      - uses: actions/checkout@v4\n"
                "      - run: npx playwright test --retries=2\n"
                "        timeout-minutes: ${{ matrix.timeout }}\n"
                "        retry-on-failure: true\n"
            )
        },
    )
    assert out.code != 0, out.lines
    cid = PFX + "024"
    ci(
        cid,
        "actionlint rejects the e2e workflow the change edited: an unknown `retry-on-failure` "
        "key on a step and a `matrix` context in a job without a matrix",
        ["obvious"],
        "atlas",
        "workflow_syntax",
        workflow="lint",
        job="actionlint",
        repo=WEB,
        steps=[failing(out, name="actionlint")],
        message="ci(e2e): retry the browser tests on failure",
        files=[".github/workflows/e2e.yml"],
    )

    out = real.hadolint(
        "b59-plain-hadolint",
        "FROM mcr.microsoft.com/playwright:v1.49.0-noble\n"
        "WORKDIR /e2e\n"
        "RUN apt-get update && apt-get install -y fonts-noto-cjk\n"
        "COPY . .\n"
        'CMD ["npx", "playwright", "test"]\n',
        where="e2e/Dockerfile",
    )
    assert out.code != 0, out.lines
    cid = PFX + "025"
    ci(
        cid,
        "hadolint fails on the e2e image's Dockerfile the change edited: `apt-get install` "
        "without pinned versions and without `--no-install-recommends`, lists not removed",
        ["obvious"],
        "bolt",
        "docker_build",
        workflow="images",
        job="hadolint",
        repo=WEB,
        steps=[failing(out, name="hadolint")],
        message="chore(e2e): CJK fonts in the browser image",
        files=["e2e/Dockerfile"],
    )
