"""Frontend failures: tsc, ESLint, Prettier, Mocha, Vitest, Jest, node:test, esbuild, npm's
engine check, ESM/CJS at run time; wrapped by npm scripts, pre-commit and a BuildKit RUN;
crash loops and a leaking Node service whose heap growth is visible in the context."""

from __future__ import annotations

import json

import real
import shapes
from fcommon import at, ci, failing, node_setup, npm_ci_ok, passing, pr_of, sha
from helpers import (
    buildx_setup,
    buildx_step,
    clock,
    crashing,
    kube_setup,
    pod_name,
    rollout,
    v8_oom,
)

REPO = "5dlabs/console"
NPM_LOCK = json.dumps(
    {
        "name": "console",
        "version": "1.4.0",
        "lockfileVersion": 3,
        "requires": True,
        "packages": {"": {"name": "console", "version": "1.4.0"}},
    }
)


def web() -> list:
    return [*node_setup(), npm_ci_ok()]


def plain() -> None:
    at(REPO)
    out = real.tsc(
        "fr-web-ts2345",
        {
            "src/format.ts": """
        export function formatDuration(ms: number): string {
          const s = Math.round(ms / 1000);
          return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${s % 60}s`;
        }
    """,
            "src/RunRow.ts": """
        import { formatDuration } from "./format";

        export interface Run { id: string; durationMs: string | null }

        export function label(run: Run): string {
          return `${run.id} took ${formatDuration(run.durationMs)}`;
        }
    """,
        },
    )
    ci(
        "fr-web-tsc-ts2345-nullable",
        "tsc: a string | null duration is passed where formatDuration expects a number (TS2345)",
        ["obvious"],
        "blaze",
        "frontend_typecheck",
        workflow="frontend",
        job="typecheck",
        repo=REPO,
        steps=[*web(), failing(out, name="Type check")],
        message="feat(runs): show run duration",
        files=["src/RunRow.ts"],
    )

    out = real.npm_script(
        "fr-web-ts2741",
        {
            "tsconfig.json": real.TSCONFIG,
            "src/alerts.ts": """
        export interface AlertRule {
          name: string;
          severity: "page" | "ticket";
          forMinutes: number;
        }

        export const defaults: AlertRule[] = [
          { name: "HighErrorRate", severity: "page", forMinutes: 5 },
          { name: "SlowQueue", severity: "ticket" },
        ];
    """,
        },
        {"typecheck": "tsc -p . --noEmit"},
        "typecheck",
    )
    ci(
        "fr-web-npm-typecheck-ts2741",
        "npm run typecheck: an AlertRule literal lacks the required forMinutes (TS2741)",
        ["obvious"],
        "blaze",
        "frontend_typecheck",
        workflow="frontend",
        job="typecheck",
        repo=REPO,
        steps=[*web(), failing(out, name="npm run typecheck")],
        message="feat(alerts): default alert rules",
        files=["src/alerts.ts"],
        event="check_run",
        check=("typecheck", "1 error"),
    )

    out = real.eslint(
        "fr-web-eslint-dupe",
        {
            "src/theme.js": """
        export const palette = {
          primary: "#2563eb",
          danger: "#dc2626",
          primary: "#1d4ed8",
        };

        export function contrast(hex) {
          return hex.length === 7 ? "#fff" : "#000";
          console.log("unreachable");
        }
    """
        },
    )
    ci(
        "fr-web-eslint-dupe-keys-unreachable",
        "ESLint: no-dupe-keys and no-unreachable in the theme module",
        ["obvious"],
        "blaze",
        "frontend_lint",
        workflow="frontend",
        job="lint",
        repo=REPO,
        steps=[*web(), failing(out, name="Lint")],
        message="style(theme): darker primary",
        files=["src/theme.js"],
    )

    path = real.node_project(
        "fr-web-prettier",
        {
            ".prettierrc.json": '{"singleQuote": true, "semi": true, "printWidth": 90}\n',
            "src/api/client.ts": """
            export async function getRuns(base: string, limit = 20) {
              const res = await fetch(`${base}/api/runs?limit=${limit}`, { headers: { "accept": "application/json" } })
              if (!res.ok) throw new Error("GET /api/runs failed: " + res.status)
              return res.json()
            }
        """,
            "src/api/index.ts": "export { getRuns } from './client';\n",
        },
        pkg_name="console",
    )
    lines, code = real.run(["prettier", "--check", "src"], path)
    out = real.Out("npx prettier --check src", lines, code)
    ci(
        "fr-web-prettier-check",
        "prettier --check flags an unformatted API client",
        ["obvious"],
        "blaze",
        "frontend_lint",
        workflow="frontend",
        job="format",
        repo=REPO,
        steps=[*web(), failing(out, name="Check formatting")],
        message="feat(api): runs client",
        files=["src/api/client.ts"],
    )

    path = real.node_project(
        "fr-web-mocha",
        {
            "src/slug.js": """
            export function slugify(title) {
              return title.toLowerCase().replace(/ /g, "-");
            }
        """,
            "test/slug.test.js": """
            import assert from "node:assert/strict";
            import { slugify } from "../src/slug.js";

            describe("slugify", () => {
              it("lowercases and joins words", () => {
                assert.equal(slugify("Deploy Preview"), "deploy-preview");
              });
              it("drops punctuation", () => {
                assert.equal(slugify("Fix: flaky e2e!"), "fix-flaky-e2e");
              });
            });
        """,
        },
        {"test": "mocha"},
        pkg_name="console",
    )
    lines, code = real.run(["mocha", "--reporter", "spec"], path)
    out = real.Out("npx mocha --reporter spec", lines, code)
    ci(
        "fr-web-mocha-slugify",
        "a Mocha test fails: slugify keeps punctuation",
        ["obvious"],
        "blaze",
        "frontend_test",
        workflow="frontend",
        job="unit",
        repo=REPO,
        steps=[*web(), failing(out, name="Unit tests")],
        message="feat(docs): slugs for headings",
        files=["src/slug.js"],
        event="workflow_run",
    )

    out = real.vitest(
        "fr-web-vitest-pager",
        {
            "src/pager.js": """
        export function pages(total, size) {
          return Math.floor(total / size);
        }
    """,
            "src/pager.test.js": """
        import { describe, expect, it } from "vitest";
        import { pages } from "./pager.js";

        describe("pages", () => {
          it("counts a partial last page", () => {
            expect(pages(41, 20)).toBe(3);
          });
          it("handles exact multiples", () => {
            expect(pages(40, 20)).toBe(2);
          });
        });
    """,
        },
    )
    ci(
        "fr-web-vitest-pager-partial",
        "Vitest: the pager floors instead of ceiling and loses the last partial page",
        ["obvious"],
        "blaze",
        "frontend_test",
        workflow="frontend",
        job="test",
        repo=REPO,
        steps=[*web(), failing(out, name="Test")],
        message="feat(table): pagination",
        files=["src/pager.js"],
        pr=pr_of("fr-web-vitest-pager-partial", "feat(table): pagination"),
    )

    path = real.node_project(
        "fr-web-esbuild",
        {
            "src/index.ts": """
            import { renderChart } from "./charts/render";
            import { palette } from "./theme/palette";

            renderChart(document.getElementById("chart")!, palette);
        """,
            "src/charts/render.ts": """
            export function renderChart(el: HTMLElement, colors: string[]) {
              el.dataset.colors = colors.join(",");
            }
        """,
            "src/theme/colors.ts": "export const palette = ['#2563eb', '#16a34a'];\n",
        },
        pkg_name="console",
    )
    lines, code = real.run(
        [
            "esbuild",
            "src/index.ts",
            "--bundle",
            "--minify",
            "--outfile=dist/app.js",
            "--log-level=warning",
        ],
        path,
    )
    out = real.Out("npx esbuild src/index.ts --bundle --minify --outfile=dist/app.js", lines, code)
    ci(
        "fr-web-esbuild-unresolved",
        "esbuild cannot resolve ./theme/palette after the file was renamed to colors.ts",
        ["obvious"],
        "blaze",
        "frontend_build",
        workflow="frontend",
        job="bundle",
        repo=REPO,
        steps=[*web(), failing(out, name="Bundle")],
        message="refactor(theme): rename palette module",
        files=["src/theme/colors.ts", "src/theme/palette.ts"],
    )

    path = real.node_project(
        "fr-web-node-test",
        {
            "src/retry.js": """
            export function backoff(attempt, base = 200) {
              return base * 2 ** attempt + (attempt > 3 ? 1000 : 0);
            }
        """,
            "test/retry.test.js": """
            import { test } from "node:test";
            import assert from "node:assert/strict";
            import { backoff } from "../src/retry.js";

            test("backoff doubles", () => {
              assert.deepEqual([0, 1, 2, 3].map((n) => backoff(n)), [200, 400, 800, 1600]);
            });

            test("backoff is capped at 5s", () => {
              assert.ok(backoff(6) <= 5000, `backoff(6) = ${backoff(6)}`);
            });
        """,
        },
        {"test": "node --test test/"},
        pkg_name="console",
    )
    lines, code = real.run(["node", "--test", "--test-reporter=spec", "test/"], path)
    out = real.Out("node --test --test-reporter=spec test/", lines, code)
    ci(
        "fr-web-node-test-backoff-cap",
        "node:test fails: the retry backoff has no 5 s cap",
        ["obvious"],
        "blaze",
        "frontend_test",
        workflow="sdk-js",
        job="test",
        repo="5dlabs/healer-sdk-js",
        steps=[*web(), failing(out, name="node --test")],
        message="feat(sdk): exponential backoff",
        files=["src/retry.js"],
        event="check_run",
        check=("test", "1 test failed"),
    )

    out = real.sh(
        "fr-web-engines",
        {
            "package.json": json.dumps(
                {"name": "console", "version": "1.4.0", "engines": {"node": ">=22.12.0"}}, indent=2
            ),
            "package-lock.json": NPM_LOCK.replace(
                '"version":"1.4.0"}', '"version":"1.4.0","engines":{"node":">=22.12.0"}}'
            ),
            ".npmrc": "engine-strict=true\n",
        },
        "npm ci --no-fund --no-audit",
        "npm ci",
    )
    ci(
        "fr-web-npm-engine-strict",
        "npm ci refuses to install: package.json now requires node >=22.12 with engine-strict, "
        "the workflow still sets up node 20",
        ["obvious"],
        "blaze",
        "frontend_deps",
        workflow="frontend",
        job="install",
        repo=REPO,
        steps=[*node_setup(), failing(out, name="Install dependencies")],
        message="chore: require node 22",
        files=["package.json", ".npmrc"],
    )


def wrapped() -> None:
    at(REPO)
    # multi-signal: ESLint warnings (exit 0), then a failing Vitest test
    lint = real.eslint(
        "fr-web-multi-lint",
        {
            "src/filters.js": """
        export function activeOnly(items, includeDrafts) {
          const debug = false;
          return items.filter((i) => i.active);
        }
    """
        },
        rules='{"no-unused-vars": "warn"}',
    )
    test = real.vitest(
        "fr-web-multi-test",
        {
            "src/filters.js": """
        export function activeOnly(items, includeDrafts) {
          const debug = false;
          return items.filter((i) => i.active);
        }
    """,
            "src/filters.test.js": """
        import { expect, it } from "vitest";
        import { activeOnly } from "./filters.js";

        it("keeps drafts when asked", () => {
          const items = [{ id: 1, active: true }, { id: 2, active: false, draft: true }];
          expect(activeOnly(items, true).map((i) => i.id)).toEqual([1, 2]);
        });
    """,
        },
    )
    ci(
        "fr-web-lint-warnings-then-test-failure",
        "ESLint passes with two no-unused-vars warnings; the job fails in Vitest because "
        "activeOnly ignores includeDrafts",
        ["multi-signal"],
        "blaze",
        "frontend_test",
        workflow="frontend",
        job="checks",
        repo=REPO,
        steps=[*web(), passing(lint, name="Lint"), failing(test, name="Unit tests")],
        message="feat(list): include drafts toggle",
        files=["src/filters.js"],
    )

    # pre-commit running tsc
    path = real.node_project(
        "fr-web-precommit-tsc",
        {
            "tsconfig.json": real.TSCONFIG,
            "src/store.ts": """
            type Filter = { status: "open" | "closed"; owner?: string };

            export function describe(f: Filter): string {
              return f.owner.toUpperCase() + " " + f.status;
            }
        """,
            ".pre-commit-config.yaml": """
            repos:
              - repo: local
                hooks:
                  - id: tsc
                    name: tsc --noEmit
                    entry: npx tsc -p . --noEmit
                    language: system
                    types_or: [ts, tsx]
                    pass_filenames: false
                  - id: no-console
                    name: forbid console.log
                    entry: 'console\\.log\\('
                    language: pygrep
                    types_or: [ts, tsx]
        """,
        },
        pkg_name="console",
    )
    real.git(path, "init", "-q")
    real.git(path, "add", "-A")
    lines, code = real.run(
        ["pre-commit", "run", "--all-files", "--show-diff-on-failure"],
        path,
        env={"PRE_COMMIT_HOME": str(real.WORK / "pre-commit-cache")},
    )
    out = real.Out("pre-commit run --all-files --show-diff-on-failure", lines, code)
    ci(
        "fr-web-precommit-tsc-ts18048",
        "pre-commit's local tsc hook fails: an optional owner is dereferenced (TS18048)",
        ["wrapper"],
        "blaze",
        "frontend_typecheck",
        workflow="pre-commit",
        job="pre-commit",
        repo=REPO,
        steps=[*web(), failing(out, name="Run pre-commit")],
        message="feat(store): describe filters",
        files=["src/store.ts"],
    )

    # SyntaxError: Cannot use import statement outside a module
    out = real.node_run(
        "fr-web-cjs-import",
        {
            "package.json": json.dumps({"name": "console", "version": "1.4.0"}),
            "scripts/build-icons.js": """
            import { readdirSync, writeFileSync } from "node:fs";
            const path = require("node:path");

            const icons = readdirSync("assets/icons").filter((f) => f.endsWith(".svg"));
            writeFileSync("src/icons.json", JSON.stringify(icons));
        """,
            "assets/icons/run.svg": "<svg/>\n",
        },
        "scripts/build-icons.js",
        shown="node scripts/build-icons.js",
    )
    ci(
        "fr-web-script-esm-in-cjs",
        "the prebuild icon script mixes import and require(); node runs it as an ES module "
        "and require is not defined",
        [],
        "blaze",
        "frontend_build",
        workflow="frontend",
        job="build",
        repo=REPO,
        steps=[*web(), failing(out, name="Generate icon index")],
        message="build: generate icon index at build time",
        files=["scripts/build-icons.js", "package.json"],
    )

    # jest: a callback test that never calls done because the code swallows the event
    out = real.jest(
        "fr-web-jest-timeout",
        {
            "src/emitter.js": """
            const { EventEmitter } = require("node:events");

            class Uploads extends EventEmitter {
              finish(id) {
                if (this.listenerCount("done") > 1) this.emit("done", id);
              }
            }

            module.exports = { Uploads };
        """,
            "src/emitter.test.js": """
            const { Uploads } = require("./emitter");

            test("emits done when an upload finishes", (done) => {
              const u = new Uploads();
              u.on("done", (id) => {
                expect(id).toBe("u-1");
                done();
              });
              u.finish("u-1");
            });
        """,
        },
    )
    ci(
        "fr-web-jest-done-never-called",
        "a Jest test times out after 5 s: Uploads.finish only emits when more than one "
        "listener is attached, so done() is never called",
        [],
        "blaze",
        "frontend_test",
        workflow="frontend",
        job="jest",
        repo="5dlabs/uploader-web",
        steps=[*web(), failing(out, name="Jest")],
        message="refactor(uploads): skip emit without listeners",
        files=["src/emitter.js"],
    )

    # jest cannot resolve a path alias
    out = real.jest(
        "fr-web-jest-alias",
        {
            "jest.config.js": "module.exports = { testEnvironment: 'node' };\n",
            "src/lib/api.js": "exports.get = (p) => Promise.resolve({ path: p });\n",
            "src/runs.js": """
            const { get } = require("@/lib/api");

            exports.loadRuns = () => get("/runs");
        """,
            "src/runs.test.js": """
            const { loadRuns } = require("./runs");

            test("loads runs", async () => {
              await expect(loadRuns()).resolves.toEqual({ path: "/runs" });
            });
        """,
        },
    )
    ci(
        "fr-web-jest-path-alias",
        "Jest cannot resolve the new '@/lib/api' alias: no moduleNameMapper in jest.config.js",
        ["obvious"],
        "blaze",
        "frontend_test",
        workflow="frontend",
        job="jest",
        repo="5dlabs/uploader-web",
        steps=[*web(), failing(out, name="Jest")],
        message="refactor: use @/ path aliases",
        files=["src/runs.js"],
    )

    # a 'release' workflow, publish-sdk job: prepublishOnly runs tsc
    out = real.npm_script(
        "fr-web-prepublish",
        {
            "tsconfig.json": real.TSCONFIG,
            "src/index.ts": """
        export interface ClientOptions { baseUrl: string; token?: string }

        export function createClient(opts: ClientOptions) {
          return {
            headers: { authorization: `Bearer ${opts.token}` },
            url: (p: string) => new URL(p, opts.baseUrl).toString(),
            retries: opts.retries ?? 3,
          };
        }
    """,
        },
        {"prepublishOnly": "npm run build", "build": "tsc -p ."},
        "prepublishOnly",
    )
    ci(
        "fr-web-release-prepublish-ts2339",
        "the release workflow's publish job fails before npm publish: prepublishOnly runs tsc, "
        "which rejects opts.retries (TS2339)",
        ["misleading-name", "wrapper"],
        "blaze",
        "frontend_typecheck",
        workflow="release",
        job="publish-sdk",
        repo="5dlabs/healer-sdk-js",
        steps=[*web(), failing(out, name="Build before publish")],
        message="feat(sdk): configurable retries",
        files=["src/index.ts"],
        event="workflow_run",
    )

    # a 'docker' job failing in RUN npm run build on a tsc error
    inner = real.npm_script(
        "fr-web-docker-tsc",
        {
            "tsconfig.json": real.TSCONFIG,
            "src/main.ts": """
        const port = process.env.PORT;
        export function listenOn(p: number) { return `listening on ${p}`; }
        console.log(listenOn(port));
    """,
        },
        {"build": "tsc -p ."},
        "build",
    )
    lines = [ln.replace(real.RUNNER, "/app") for ln in inner.lines]
    dockerfile = (
        "FROM node:20.20-alpine AS build\n"
        "WORKDIR /app\n"
        "COPY package.json package-lock.json ./\n"
        "RUN npm ci\n"
        "COPY . .\n"
        "RUN npm run build\n"
        "\n"
        "FROM gcr.io/distroless/nodejs20-debian12:nonroot\n"
        "WORKDIR /app\n"
        "COPY --from=build /app/dist ./dist\n"
        'CMD ["dist/main.js"]\n'
    )
    bk = shapes.BuildKit("fr-web-docker-tsc", dockerfile, context_kb=1210.4)
    bk.metadata()
    err = bk.run_until(6, lines, code=2)
    ci(
        "fr-web-docker-job-tsc-error",
        "the 'container' job fails in BuildKit's RUN npm run build: tsc TS2345, PORT is "
        "string | undefined",
        ["misleading-name", "wrapper"],
        "blaze",
        "frontend_typecheck",
        workflow="container",
        job="build-image",
        repo="5dlabs/console-api",
        steps=[
            *buildx_setup(),
            buildx_step(bk.finish(err), err, "ghcr.io/5dlabs/console-api:pr-" + sha("w")[:4]),
        ],
        message="feat(api): read port from env",
        files=["src/main.ts"],
    )

    # tsc -b with a reference to a project that is not composite
    path = real.node_project(
        "fr-web-tsc-build",
        {
            "tsconfig.json": json.dumps(
                {"files": [], "references": [{"path": "./packages/ui"}, {"path": "./packages/app"}]}
            ),
            "packages/ui/tsconfig.json": json.dumps(
                {
                    "compilerOptions": {"strict": True, "declaration": True, "outDir": "dist"},
                    "include": ["src"],
                }
            ),
            "packages/ui/src/index.ts": "export const Button = (label: string) => `<b>${label}</b>`;\n",
            "packages/app/tsconfig.json": json.dumps(
                {
                    "compilerOptions": {"strict": True, "composite": True, "outDir": "dist"},
                    "references": [{"path": "../ui"}],
                    "include": ["src"],
                }
            ),
            "packages/app/src/main.ts": "export const title = 'app';\n",
        },
        pkg_name="console",
    )
    lines, code = real.run(["tsc", "-b"], path)
    out = real.Out("npx tsc -b", lines, code)
    ci(
        "fr-web-tsc-build-not-composite",
        "tsc -b on the monorepo: the new ui package is referenced but not composite (TS6306)",
        ["obvious"],
        "blaze",
        "frontend_typecheck",
        workflow="frontend",
        job="typecheck",
        repo="5dlabs/console",
        steps=[*web(), failing(out, name="Type check (project references)")],
        message="feat(ui): extract ui package",
        files=["packages/ui/tsconfig.json"],
    )


def context() -> None:
    at(REPO)
    ns = "console"
    # crash loop: JSON.parse of the code's own feature-flag default
    crash = real.node_run(
        "fr-web-ctx-json",
        {
            "package.json": json.dumps({"name": "console-api", "type": "module"}),
            "src/flags.js": """
            const DEFAULT_FLAGS = "{'newNav': true, 'betaRuns': false}";

            export function loadFlags() {
              return JSON.parse(process.env.FEATURE_FLAGS ?? DEFAULT_FLAGS);
            }
        """,
            "src/server.js": """
            import { createServer } from "node:http";
            import { loadFlags } from "./flags.js";

            console.log(JSON.stringify({ level: "info", msg: "console-api 3.2.0 booting" }));
            const flags = loadFlags();
            createServer((req, res) => res.end(JSON.stringify(flags))).listen(3000);
        """,
        },
        "src/server.js",
    )
    assert crash.code != 0
    logs = [ln.replace(real.RUNNER, "/app") for ln in crash.lines]
    port = real.free_port()
    e2e = real.node_run(
        "fr-web-ctx-e2e",
        {
            "e2e/health.mjs": f"""
        const res = await fetch("http://127.0.0.1:{port}/api/health");
        console.log(res.status);
    """
        },
        "e2e/health.mjs",
        shown="node e2e/health.mjs",
        hosts={
            f"127.0.0.1:{port}": "console-api.console.svc.cluster.local:3000",
            "address: '127.0.0.1'": "address: '10.43.18.7'",
            f"ECONNREFUSED 127.0.0.1:{port}": "ECONNREFUSED 10.43.18.7:3000",
            f"port: {port}": "port: 3000",
        },
    )
    ctx = crashing(
        "fr-web-ctx-json",
        ns,
        "console-api",
        "ghcr.io/5dlabs/console-api:3.2.0",
        1,
        logs,
        memory="384Mi",
        port=3000,
    )
    ci(
        "fr-web-ctx-json-flags-crashloop",
        "an in-cluster e2e check gets 'fetch failed'; console-api crash-loops because its "
        "default FEATURE_FLAGS string is not valid JSON (single quotes)",
        ["context-driven", "misleading-name"],
        "blaze",
        "frontend_test",
        workflow="deploy",
        job="e2e-in-cluster",
        repo="5dlabs/console-api",
        steps=[*kube_setup(), failing(e2e, name="Health check")],
        message="feat(flags): default feature flags",
        files=["src/flags.js"],
        extra=ctx,
    )

    # heap growth of the code itself: an unbounded render cache
    leak = real.node_run(
        "fr-web-ctx-leak",
        {
            "package.json": json.dumps({"name": "console-ssr", "type": "module"}),
            "src/cache.js": """
            const rendered = new Map();

            export function render(path, n) {
              const key = `${path}?v=${n}`;
              if (!rendered.has(key)) rendered.set(key, "<html>" + "x".repeat(4096) + key);
              return rendered.get(key);
            }
        """,
            "src/server.js": """
            import { render } from "./cache.js";

            console.log("console-ssr 5.0.1 listening on :3000");
            for (let n = 0; ; n++) render("/runs", n);
        """,
        },
        "src/server.js",
        env={"NODE_OPTIONS": "--max-old-space-size=24"},
        timeout=120,
    )
    assert leak.code != 0, leak
    loki = v8_oom([ln.replace(real.RUNNER, "/app") for ln in leak.lines if ln.strip()])
    out = rollout("fr-web-ctx-leak-rollout", ns, "console-ssr", 3, 3, 1)
    created, first, last = clock("fr-web-ctx-leak")
    name = pod_name("fr-web-ctx-leak", "console-ssr")
    pods = [
        shapes.pod(
            name,
            ns,
            "console-ssr",
            "ghcr.io/5dlabs/console-ssr:5.0.1",
            created=created,
            restarts=4,
            memory_limit="4Gi",
            port=3000,
            waiting=(
                "CrashLoopBackOff",
                f"back-off 2m40s restarting failed container=console-ssr pod={name}_{ns}",
            ),
            terminated={"exit_code": 134, "reason": "Error", "started": first, "finished": last},
        )
    ]
    series = [[1764400000 + 900 * i, str(90_000_000 + 335_000_000 * i)] for i in range(10)]
    ci(
        "fr-web-ctx-ssr-render-cache-leak",
        "rollout status times out; the SSR pods abort with a V8 heap OOM and Prometheus shows "
        "the heap climbing steadily from boot: the new render cache keys on a version counter "
        "and never evicts",
        ["context-driven", "resource-kill", "misleading-name"],
        "blaze",
        "frontend_test",
        workflow="deploy",
        job="rollout",
        repo="5dlabs/console",
        steps=[*kube_setup(), failing(out, name="Wait for rollout")],
        message="perf(ssr): cache rendered pages",
        files=["ssr/src/cache.js"],
        event="check_run",
        check=("rollout", "error: timed out waiting for the condition"),
        extra={
            "kubernetes": {
                "pods": pods,
                "events": [
                    shapes.event(
                        ns,
                        "Pod",
                        name,
                        "BackOff",
                        f"Back-off restarting failed container console-ssr in pod {name}_{ns}",
                        first=first,
                        last=last,
                        count=9,
                    )
                ],
            },
            "loki": loki,
            "prometheus": {
                'nodejs_heap_size_used_bytes{app="console-ssr"}': [
                    {"metric": {"app": "console-ssr", "pod": name}, "values": series}
                ],
                'kube_pod_container_resource_limits{resource="memory",container="console-ssr"}': [
                    {"metric": {"container": "console-ssr"}, "value": [1764409000, "4294967296"]}
                ],
            },
        },
    )


def build() -> None:
    plain()
    wrapped()
    context()
