"""Batch 61 of the fresh split (ids ``fr-zzi-``): front-end in depth. ESM/CJS interop
(``ERR_REQUIRE_ESM``, ``ERR_REQUIRE_ASYNC_MODULE``, default-import shapes), TypeScript
project references, ``paths`` aliases, ``moduleResolution: bundler`` and
``verbatimModuleSyntax``, Vite builds (unresolved aliases and packages, a ``.vue`` file
without its plugin, a PostCSS config naming a missing plugin), CSS modules without a type
declaration, ESLint flat-config migration errors, build-time environment variables
(``import.meta.env``, ``NEXT_PUBLIC_``), pnpm workspaces, Next.js and SvelteKit builds.

The owner is the root cause's: the change's front-end code, config or dependency bump
(blaze); the workflow's env or Node version, the npm registry or a font CDN (atlas); the
web image's Dockerfile or ``.dockerignore`` (bolt); an advisory in a lockfile bump (cipher).
Look-alikes share the failing tool's output and differ in the changed files.
"""

from __future__ import annotations

import json

import real
from fcommon import at, ci, failing, node_setup, npm_ci_ok, pr_of, run, uses
from gha import Step
from helpers import buildx_setup, buildx_step

WEB = "5dlabs/console"
SHOP = "5dlabs/storefront"
DOCS = "5dlabs/docs-site"
MONO = "5dlabs/studio"
PFX = "fr-zzi-"
_N = [0]


def _id() -> str:
    _N[0] += 1
    return f"{PFX}{_N[0]:03d}"


def build() -> None:
    esm_interop()
    typescript()
    vite_builds()
    eslint_flat()
    env_inlining()
    next_and_svelte()
    pnpm_workspaces()
    platform_lookalikes()
    advisories()
    plain()


def _steps(*steps: Step) -> list[Step]:
    return [*node_setup(), npm_ci_ok(), *steps]


def _bk(step: int, title: str, lines: list[str], start: float) -> list[str]:
    """A BuildKit ``RUN`` vertex: monotonic timestamps, paths inside the image's /app."""
    out = [f"#{step} {title}"]
    for i, ln in enumerate(lines):
        out.append(f"#{step} {start + 0.07 * i:.3f} {ln.replace(real.RUNNER, '/app')}".rstrip())
    out.append(
        f'#{step} ERROR: process "/bin/sh -c npm run build" did not complete successfully: '
        "exit code: 1"
    )
    return out


def _tsconfig(**opts: object) -> str:
    base: dict[str, object] = {
        "strict": True,
        "noEmit": True,
        "target": "ES2022",
        "module": "ESNext",
        "moduleResolution": "bundler",
        "skipLibCheck": True,
    }
    base.update(opts)
    return json.dumps({"compilerOptions": base, "include": ["src"]}, indent=2) + "\n"


# ------------------------------------------------------------------ 1. ESM / CJS interop


def esm_interop() -> None:
    at(WEB)
    # 1a. tailwind.config.cjs requires an ESM-only plugin the change added (blaze)
    files = {
        "tailwind.config.cjs": """
            const typography = require("./node_modules/@acme/tw-typography/index.js");
            module.exports = { content: ["./src/**/*.tsx"], plugins: [typography] };
        """,
        "node_modules/@acme/tw-typography/package.json": (
            '{"name":"@acme/tw-typography","version":"2.0.0","type":"module",'
            '"exports":"./index.js"}\n'
        ),
        "node_modules/@acme/tw-typography/index.js": "export default function plugin() {}\n",
        "scripts/check-tailwind.cjs": "require('../tailwind.config.cjs');\n"
        "console.log('tailwind config ok');\n",
    }
    out = real.sh(
        "b61-require-esm",
        files,
        "node --no-experimental-require-module scripts/check-tailwind.cjs",
        "node scripts/check-tailwind.cjs",
    )
    out = real.Out(out.command, [ln.replace("v20.20.2", "v20.18.1") for ln in out.lines], out.code)
    cid = _id()
    ci(
        cid,
        "`Error [ERR_REQUIRE_ESM]: require() of ES Module` from tailwind.config.cjs: the change "
        "bumped the typography plugin to 2.0.0, which is ESM-only (`type: module`), and kept "
        "the CommonJS `require()` in the config; the setup step shows Node 20.18 as before: the "
        "change's dependency bump against its CJS config",
        ["look-alike", "context-driven"],
        "blaze",
        "frontend_deps",
        workflow="web",
        job="build",
        repo=WEB,
        steps=[
            uses(
                "actions/setup-node@v4",
                {"node-version-file": ".nvmrc", "cache": "npm"},
                ["Resolved .nvmrc as 20.18.1", "node: v20.18.1", "npm: 10.8.2"],
            ),
            npm_ci_ok(),
            failing(out, name="Check Tailwind config"),
        ],
        message="chore(deps): @acme/tw-typography 2.0.0",
        files=["package.json", "package-lock.json"],
        pr=pr_of(cid, "chore(deps): bump @acme/tw-typography from 1.4.2 to 2.0.0"),
    )
    # 1b. the same error after the workflow pinned an older Node (atlas)
    cid = _id()
    ci(
        cid,
        "the same `ERR_REQUIRE_ESM` from tailwind.config.cjs, with no dependency change: the "
        "change replaced `node-version-file: .nvmrc` (22) with `node-version: 20.18` in the "
        "workflow, and Node before 20.19 cannot `require()` an ES module: the workflow's Node "
        "version",
        ["look-alike", "context-driven"],
        "atlas",
        "general",
        workflow="web",
        job="build",
        repo=WEB,
        steps=[
            uses(
                "actions/setup-node@v4",
                {"node-version": "20.18", "cache": "npm"},
                ["Found in cache @ /opt/hostedtoolcache/node/20.18.1/x64", "node: v20.18.1"],
            ),
            npm_ci_ok(),
            failing(out, name="Check Tailwind config"),
        ],
        message="ci(web): pin node 20.18 to match the old runners",
        files=[".github/workflows/web.yml"],
        pr=pr_of(cid, "ci(web): pin node 20.18"),
    )
    at(DOCS)
    # 1c. default-import shape of a CJS package (a `.default` that is not a function)
    out = real.sh(
        "b61-default-shape",
        {
            "package.json": '{"name":"web","type":"module"}\n',
            "node_modules/slugger/package.json": '{"name":"slugger","version":"3.0.0",'
            '"main":"index.js"}\n',
            "node_modules/slugger/index.js": 'Object.defineProperty(exports, "__esModule", '
            "{ value: true });\nexports.default = function slug(s) { return s.toLowerCase(); };\n",
            "scripts/build-routes.mjs": "import slugger from 'slugger';\n"
            "console.log(slugger('Release Notes'));\n",
        },
        "node scripts/build-routes.mjs",
        "node scripts/build-routes.mjs",
    )
    cid = _id()
    ci(
        cid,
        "`TypeError: slugger is not a function` in an ESM route script: the change moved the "
        "script to `.mjs` and kept `import slugger from 'slugger'`, but the package is CJS "
        "transpiled with `exports.default`, so Node's default import is the whole exports "
        "object: the change's import shape",
        [],
        "blaze",
        "frontend_build",
        workflow="docs",
        job="routes",
        repo=DOCS,
        steps=_steps(failing(out, name="Build route table")),
        message="refactor(scripts): move the route script to ESM",
        files=["scripts/build-routes.mjs", "scripts/build-routes.js"],
        pr=pr_of(cid, "refactor(scripts): ESM route script"),
    )


# ------------------------------------------------------------------ 2. TypeScript


def typescript() -> None:
    at(MONO)
    # 2a. paths alias without the alias in tsconfig
    out = real.sh(
        "b61-paths",
        {
            "tsconfig.json": _tsconfig(baseUrl=".", paths={"@ui/*": ["src/ui/*"]}),
            "src/ui/button.ts": "export const Button = (label: string) => label;\n",
            "src/lib/format.ts": "export const fmt = (n: number) => n.toFixed(2);\n",
            "src/app.ts": "import { Button } from '@ui/button';\nimport { fmt } from "
            "'@lib/format';\nexport const view = Button(fmt(2));\n",
        },
        "tsc -p .",
        "npx tsc -p . --noEmit",
        node_modules=True,
    )
    cid = _id()
    ci(
        cid,
        "tsc TS2307 `Cannot find module '@lib/format'`: the change imports through a new "
        "`@lib/*` alias it never added to tsconfig.json's `paths` (only `@ui/*` exists): the "
        "change's TypeScript config",
        [],
        "blaze",
        "frontend_typecheck",
        workflow="ci",
        job="typecheck",
        repo=MONO,
        steps=_steps(failing(out, name="Typecheck")),
        message="refactor(app): import helpers through @lib",
        files=["src/app.ts", "src/lib/format.ts"],
        pr=pr_of(cid, "refactor: @lib alias for helpers"),
    )
    # 2b. project references: referenced project not built / not composite
    out = real.sh(
        "b61-refs",
        {
            "packages/core/tsconfig.json": json.dumps(
                {
                    "compilerOptions": {"outDir": "dist", "declaration": True, "strict": True},
                    "include": ["src"],
                }
            ),
            "packages/core/src/index.ts": "export const version = '1.0.0';\n",
            "packages/app/tsconfig.json": json.dumps(
                {
                    "compilerOptions": {"outDir": "dist", "strict": True},
                    "references": [{"path": "../core"}],
                    "include": ["src"],
                }
            ),
            "packages/app/src/main.ts": "import { version } from '../../core/src/index';\n"
            "console.log(version);\n",
        },
        "tsc -b packages/app",
        "npx tsc -b packages/app",
        node_modules=True,
    )
    cid = _id()
    ci(
        cid,
        '`tsc -b` fails with TS6306 (`Referenced project ... must have setting "composite": true`): the change split `core` '
        "into its own project and referenced it from `app` without `composite: true` in "
        "packages/core/tsconfig.json: the change's project references",
        [],
        "blaze",
        "frontend_typecheck",
        workflow="ci",
        job="typecheck",
        repo=MONO,
        steps=_steps(failing(out, name="Build TypeScript projects")),
        message="build(ts): split core into a referenced project",
        files=["packages/core/tsconfig.json", "packages/app/tsconfig.json"],
        pr=pr_of(cid, "build(ts): project references for core"),
    )
    # 2c. moduleResolution bundler with module commonjs
    out = real.sh(
        "b61-bundler",
        {
            "tsconfig.json": _tsconfig(module="CommonJS"),
            "src/index.ts": "export const ok = true;\n",
        },
        "tsc -p .",
        "npx tsc -p . --noEmit",
        node_modules=True,
    )
    cid = _id()
    ci(
        cid,
        "tsc TS5095 `Option 'bundler' can only be used when 'module' is set to 'preserve' or "
        "'es2015' or later`: the change set `module: CommonJS` for a server build and kept "
        "`moduleResolution: bundler`: the change's tsconfig",
        [],
        "blaze",
        "frontend_typecheck",
        workflow="ci",
        job="typecheck",
        repo=MONO,
        steps=_steps(failing(out, name="Typecheck")),
        message="build(server): emit CommonJS for the SSR entry",
        files=["tsconfig.json"],
        pr=pr_of(cid, "build(server): CommonJS output"),
    )
    # 2d. CSS module without a declaration
    out = real.sh(
        "b61-cssmod",
        {
            "tsconfig.json": _tsconfig(jsx="react-jsx"),
            "src/Card.ts": "import styles from './Card.module.css';\n"
            "export const cls: string = styles.card;\n",
            "src/Card.module.css": ".card { padding: 1rem; }\n",
        },
        "tsc -p .",
        "npx tsc -p . --noEmit",
        node_modules=True,
    )
    cid = _id()
    ci(
        cid,
        "tsc TS2307 `Cannot find module './Card.module.css'`: the change deleted "
        "src/vite-env.d.ts (which pulled in `vite/client`'s CSS module types) while tidying "
        "the tree: the change's code",
        [],
        "blaze",
        "frontend_typecheck",
        workflow="ci",
        job="typecheck",
        repo=SHOP,
        steps=_steps(failing(out, name="Typecheck")),
        message="chore: remove unused files",
        files=["src/vite-env.d.ts", "src/legacy/Carousel.tsx"],
        pr=pr_of(cid, "chore: remove unused files"),
    )


# ------------------------------------------------------------------ 3. Vite builds


def _vite(name: str, files: dict[str, str]) -> real.Out:
    return real.npm_script(
        name,
        {"index.html": '<script type="module" src="/src/main.js"></script>\n', **files},
        {"build": "vite build"},
        "build",
    )


def vite_builds() -> None:
    at(SHOP)
    alias = _vite(
        "b61-vite-alias",
        {
            "vite.config.js": "export default { resolve: { alias: {} } };\n",
            "src/main.js": "import { api } from '@/lib/api';\napi();\n",
            "src/lib/api.js": "export const api = () => 1;\n",
        },
    )
    cid = _id()
    ci(
        cid,
        "`vite build` fails: Rollup failed to resolve import `@/lib/api`; the change rewrote "
        "vite.config.js for the new plugin list and dropped the `@` alias: the change's Vite "
        "config",
        ["look-alike", "context-driven"],
        "blaze",
        "frontend_build",
        workflow="web",
        job="build",
        repo=SHOP,
        steps=_steps(failing(alias, name="Build")),
        message="build(vite): simplify the config",
        files=["vite.config.js"],
        pr=pr_of(cid, "build(vite): simplify the config"),
    )
    cid = _id()
    bk = [
        "#1 [internal] load build definition from Dockerfile",
        "#1 transferring dockerfile: 612B done",
        "#1 DONE 0.0s",
        "#5 [internal] load .dockerignore",
        "#5 transferring context: 118B done",
        "#5 DONE 0.0s",
        "#9 [build 4/6] COPY . .",
        "#9 DONE 0.4s",
        *_bk(10, "[build 5/6] RUN npm run build", alias.lines, 0.312),
    ]
    ci(
        cid,
        'the same Rollup `failed to resolve import "@/lib/api"`, inside the image build\'s '
        "`RUN npm run build`: the change added `vite.config.*` to .dockerignore, so the image "
        "builds without the config that defines the alias; CI's own `npm run build` passes: "
        "the image's build context",
        ["look-alike", "context-driven"],
        "bolt",
        "docker_build",
        workflow="image",
        job="build-image",
        repo=SHOP,
        steps=[
            *buildx_setup(),
            buildx_step(
                bk,
                'process "/bin/sh -c npm run build" did not complete successfully: exit code: 1',
                "ghcr.io/5dlabs/storefront:sha-" + cid[-3:],
            ),
        ],
        message="chore(docker): slimmer build context",
        files=[".dockerignore"],
        pr=pr_of(cid, "chore(docker): ignore more files in the build context"),
    )
    # 3b. a .vue file without @vitejs/plugin-vue
    at(DOCS)
    vue = _vite(
        "b61-vite-vue",
        {
            "vite.config.js": "export default {};\n",
            "src/main.js": "import App from './App.vue';\nconsole.log(App);\n",
            "src/App.vue": "<template>\n  <h1>{{ title }}</h1>\n</template>\n\n<script setup>\n"
            "const title = 'Orders';\n</script>\n",
        },
    )
    cid = _id()
    ci(
        cid,
        "`vite build` cannot parse App.vue (`Install @vitejs/plugin-vue to handle .vue "
        "files`): the change migrated vite.config.js to a shared preset that does not register "
        "the Vue plugin: the change's build config",
        [],
        "blaze",
        "frontend_build",
        workflow="web",
        job="build",
        repo=DOCS,
        steps=_steps(failing(vue, name="Build")),
        message="build: use the shared vite preset",
        files=["vite.config.js", "package.json"],
        pr=pr_of(cid, "build: shared vite preset"),
    )
    at(SHOP)
    # 3c. a bare import of a package not in package.json (hoisted before)
    bare = _vite(
        "b61-vite-bare",
        {
            "vite.config.js": "export default {};\n",
            "src/main.js": "import clsx from 'clsx-lite';\nconsole.log(clsx('a'));\n",
        },
    )
    cid = _id()
    ci(
        cid,
        "`vite build` fails to resolve `clsx-lite` from src/main.js: the package was only ever "
        "a transitive dependency reachable through npm's hoisting, and the change moved the app "
        "to pnpm, whose strict layout hides undeclared packages; package.json never listed it: "
        "the change's dependencies",
        [],
        "blaze",
        "frontend_deps",
        workflow="web",
        job="build",
        repo=SHOP,
        steps=_steps(failing(bare, name="Build")),
        message="build: switch to pnpm",
        files=["pnpm-lock.yaml", "package-lock.json", "package.json", ".npmrc"],
        pr=pr_of(cid, "build: switch to pnpm"),
    )
    # 3d. postcss config naming a plugin not installed
    css = _vite(
        "b61-vite-postcss",
        {
            "vite.config.js": "export default {};\n",
            "postcss.config.js": "export default { plugins: { '@tailwindcss/postcss': {} } };\n",
            "src/main.js": "import './app.css';\n",
            "src/app.css": "body { margin: 0; }\n",
        },
    )
    cid = _id()
    ci(
        cid,
        "`vite build` fails to load the PostCSS config: `@tailwindcss/postcss` cannot be "
        "found; the change switched postcss.config.js to Tailwind 4's plugin without adding "
        "the package: the change's CSS tooling",
        [],
        "blaze",
        "frontend_build",
        workflow="web",
        job="build",
        repo=SHOP,
        steps=_steps(failing(css, name="Build")),
        message="build(css): tailwind 4 postcss plugin",
        files=["postcss.config.js", "src/app.css"],
        pr=pr_of(cid, "build(css): move to Tailwind 4"),
    )


# ------------------------------------------------------------------ 4. ESLint flat config


ESLINT_FLAT_EXTENDS = """
import js from "@eslint/js";
export default [
  js.configs.recommended,
  { extends: ["plugin:react/recommended"], rules: { "no-console": "warn" } },
];
"""


def eslint_flat() -> None:
    at(WEB)
    out = real.sh(
        "b61-eslint-extends",
        {"eslint.config.js": ESLINT_FLAT_EXTENDS, "src/a.js": "export const a = 1;\n"},
        "eslint src",
        "npx eslint src",
        node_modules=True,
    )
    cid = _id()
    ci(
        cid,
        "ESLint 9 stops before linting: a config object in eslint.config.js uses the "
        "`extends` key, which the flat config system does not support; the change ported "
        ".eslintrc.json by copying its `extends` line: the change's lint config",
        [],
        "blaze",
        "frontend_lint",
        workflow="ci",
        job="lint",
        repo=WEB,
        steps=_steps(failing(out, name="Lint")),
        message="chore(lint): migrate to eslint.config.js",
        files=["eslint.config.js", ".eslintrc.json"],
        pr=pr_of(cid, "chore(lint): flat config"),
    )
    out = real.sh(
        "b61-eslint-noconfig",
        {
            ".eslintrc.json": '{"extends": "eslint:recommended"}\n',
            "src/a.js": "export const a = 1;\n",
        },
        "eslint src",
        "npx eslint src",
        node_modules=True,
    )
    cid = _id()
    ci(
        cid,
        "ESLint 9 `couldn't find an eslint.config.(js|mjs|cjs) file`: a Renovate PR bumped "
        "eslint from 8.57 to 9 in package.json and the lockfile while the repository still "
        "has only .eslintrc.json: the front-end dependency bump needs the config migrated",
        ["context-driven"],
        "blaze",
        "frontend_lint",
        workflow="ci",
        job="lint",
        repo=DOCS,
        steps=_steps(failing(out, name="Lint")),
        message="chore(deps): update dependency eslint to v9",
        files=["package.json", "package-lock.json"],
        pr=pr_of(
            cid,
            "chore(deps): update dependency eslint to v9",
            "| Package | Change |\n|---|---|\n| eslint | `8.57.1` -> `9.14.0` |\n\nThis PR "
            "was generated by Mend Renovate.",
        ),
    )


# ------------------------------------------------------------------ 5. build-time env


CHECK_ENV = """
const required = ["VITE_API_URL", "VITE_SENTRY_DSN"];
const missing = required.filter((k) => !process.env[k]);
if (missing.length) {
  console.error(`[check-env] missing build-time variables: ${missing.join(", ")}`);
  console.error("[check-env] import.meta.env values are inlined at build time; a missing one");
  console.error("[check-env] would ship as undefined. Refusing to build.");
  process.exit(1);
}
console.log("[check-env] ok");
"""


def env_inlining() -> None:
    at(WEB)
    out = real.sh(
        "b61-check-env",
        {"scripts/check-env.mjs": CHECK_ENV},
        "node scripts/check-env.mjs",
        "node scripts/check-env.mjs && vite build",
        env={"VITE_API_URL": "", "VITE_SENTRY_DSN": "https://sentry.example/4"},
    )
    cid = _id()
    ci(
        cid,
        "the build's env check reports `VITE_API_URL` missing: the change dropped the "
        "`VITE_API_URL: ${{ vars.API_URL }}` line from the build step's `env:` in the "
        "workflow; no code changed: the workflow's env",
        ["look-alike", "context-driven"],
        "atlas",
        "general",
        workflow="web",
        job="build",
        repo=WEB,
        steps=_steps(
            failing(
                out,
                name="Build",
                env={"VITE_SENTRY_DSN": "https://4f1c@o4507.ingest.sentry.io/4507711"},
            )
        ),
        message="ci(web): tidy the build step's env",
        files=[".github/workflows/web.yml"],
        pr=pr_of(cid, "ci(web): tidy env"),
    )
    cid = _id()
    bk = [
        "#1 [internal] load build definition from Dockerfile",
        "#1 DONE 0.0s",
        "#8 [build 3/5] COPY . .",
        "#8 DONE 0.3s",
        *_bk(
            9,
            "[build 4/5] RUN npm run build",
            [
                "",
                "> console@4.1.0 build",
                "> node scripts/check-env.mjs && vite build",
                "",
                *out.lines,
            ],
            0.268,
        ),
    ]
    ci(
        cid,
        "the same `missing build-time variables: VITE_API_URL` inside the image build's `RUN "
        "npm run build`: the change renamed the Dockerfile's `ARG API_URL` / `ENV "
        "VITE_API_URL=$API_URL` pair to `ARG PUBLIC_API_URL` while the workflow still passes "
        "`build-args: API_URL=...`: the Dockerfile's build args",
        ["look-alike", "context-driven"],
        "bolt",
        "docker_build",
        workflow="image",
        job="build-image",
        repo=WEB,
        steps=[
            *buildx_setup(),
            buildx_step(
                bk,
                'process "/bin/sh -c npm run build" did not complete successfully: exit code: 1',
                "ghcr.io/5dlabs/console:sha-" + cid[-3:],
            ),
        ],
        message="chore(docker): rename the API url build arg",
        files=["Dockerfile"],
        pr=pr_of(cid, "chore(docker): PUBLIC_API_URL build arg"),
    )
    cid = _id()
    ci(
        cid,
        "the same env check failure in the plain CI build: the change renamed the variable to "
        "`VITE_API_BASE` in src/config.ts and .env.example but added the old name to "
        "scripts/check-env.mjs's required list by mistake; workflow and Dockerfile untouched: "
        "the change's code",
        ["look-alike", "context-driven"],
        "blaze",
        "frontend_build",
        workflow="web",
        job="build",
        repo=WEB,
        steps=_steps(failing(out, name="Build")),
        message="refactor(config): VITE_API_BASE",
        files=["src/config.ts", ".env.example", "scripts/check-env.mjs"],
        pr=pr_of(cid, "refactor(config): rename the API base variable"),
    )


# ------------------------------------------------------------------ 6. Next.js, SvelteKit


def _next_build(error: list[str]) -> list[str]:
    return [
        "",
        "> storefront@2.3.0 build",
        "> next build",
        "",
        "  ▲ Next.js 15.0.3",
        "",
        "   Creating an optimized production build ...",
        " ✓ Compiled successfully",
        "   Linting and checking validity of types ...",
        "   Collecting page data ...",
        "   Generating static pages (0/14) ...",
        *error,
    ]


NEXT_PRERENDER = [
    "TypeError: Invalid URL",
    "    at new URL (node:internal/url:816:29)",
    "    at apiClient (/app/.next/server/chunks/611.js:1:2290)",
    "    at /app/.next/server/app/page.js:1:8830 {",
    "  code: 'ERR_INVALID_URL',",
    "  input: 'undefined/v1/products'",
    "}",
    "",
    'Error occurred prerendering page "/". Read more: '
    "https://nextjs.org/docs/messages/prerender-error",
    "",
    "> Export encountered errors on following paths:",
    "\t/page: /",
]


def next_and_svelte() -> None:
    at(SHOP)
    cid = _id()
    bk = [
        "#1 [internal] load build definition from Dockerfile",
        "#1 DONE 0.0s",
        *_bk(11, "[builder 4/5] RUN npm run build", _next_build(NEXT_PRERENDER), 0.402),
    ]
    ci(
        cid,
        "`next build` in the image fails prerendering `/` with `Invalid URL` for input "
        "`undefined/v1/products`: `NEXT_PUBLIC_API_URL` is inlined at build time, and the "
        "change moved the Dockerfile's `ARG NEXT_PUBLIC_API_URL` below the builder stage's "
        "`RUN npm run build` (it was set only in the runtime stage): the Dockerfile",
        ["look-alike", "context-driven"],
        "bolt",
        "docker_build",
        workflow="image",
        job="build-image",
        repo=SHOP,
        steps=[
            *buildx_setup(),
            buildx_step(
                bk,
                'process "/bin/sh -c npm run build" did not complete successfully: exit code: 1',
                "ghcr.io/5dlabs/storefront:sha-" + cid[-3:],
            ),
        ],
        message="chore(docker): multi-stage Next.js image",
        files=["Dockerfile"],
        pr=pr_of(cid, "chore(docker): multi-stage image"),
    )
    cid = _id()
    ci(
        cid,
        "the same prerender `Invalid URL` (`undefined/v1/products`) in CI's `next build`: the "
        "change read the URL as `process.env.API_URL` in lib/api.ts on a page that is "
        "prerendered, where only `NEXT_PUBLIC_` variables are inlined: the change's code",
        ["look-alike", "context-driven"],
        "blaze",
        "frontend_build",
        workflow="web",
        job="build",
        repo=SHOP,
        steps=_steps(
            run("npm run build", _next_build(NEXT_PRERENDER), 1, name="Build", seconds=71)
        ),
        message="feat(home): featured products on the landing page",
        files=["app/page.tsx", "lib/api.ts"],
        pr=pr_of(cid, "feat(home): featured products"),
    )
    at(DOCS)
    cid = _id()
    svelte = [
        "",
        "> docs-site@0.9.0 check",
        "> svelte-kit sync && svelte-check --tsconfig ./tsconfig.json",
        "",
        "",
        "====================================",
        "Loading svelte-check in workspace: /home/runner/work/docs-site/docs-site",
        "Getting Svelte diagnostics...",
        "",
        "/home/runner/work/docs-site/docs-site/src/routes/+layout.ts:2:10",
        "Error: Module '\"$env/static/public\"' has no exported member 'PUBLIC_SEARCH_KEY'. (ts)",
        "",
        "import { PUBLIC_SEARCH_KEY } from '$env/static/public';",
        "",
        "====================================",
        "svelte-check found 1 error and 0 warnings in 1 file",
    ]
    ci(
        cid,
        "svelte-check: `$env/static/public` has no exported member `PUBLIC_SEARCH_KEY`; "
        "SvelteKit generates that module from the variables present when `svelte-kit sync` "
        "runs, and the change added the import plus a `PUBLIC_SEARCH_KEY` line to its local "
        ".env only (gitignored), not .env.example or the workflow: the change's code",
        [],
        "blaze",
        "frontend_typecheck",
        workflow="ci",
        job="check",
        repo=DOCS,
        steps=_steps(run("npm run check", svelte, 1, name="svelte-check", seconds=19)),
        message="feat(search): client-side search key",
        files=["src/routes/+layout.ts", "src/lib/search.ts"],
        pr=pr_of(cid, "feat(search): Algolia search"),
    )


# ------------------------------------------------------------------ 7. pnpm workspaces


def pnpm_workspaces() -> None:
    at(MONO)
    cid = _id()
    out = [
        "Scope: all 6 workspace projects",
        ' ERR_PNPM_WORKSPACE_PKG_NOT_FOUND  In apps/web: "@studio/ui-kit@workspace:*" is in '
        'the dependencies but no package named "@studio/ui-kit" is present in the workspace',
        "",
        "This error happened while installing a direct dependency of "
        "/home/runner/work/studio/studio/apps/web",
        "",
        "Packages found in the workspace: @studio/web, @studio/ui, @studio/icons, "
        "@studio/config, @studio/api-client, @studio/docs",
    ]
    ci(
        cid,
        "`pnpm install` ERR_PNPM_WORKSPACE_PKG_NOT_FOUND: apps/web depends on "
        "`@studio/ui-kit@workspace:*`, but the change renamed packages/ui's package to "
        "`@studio/ui` and did not update the dependant: the change's workspace manifests",
        [],
        "blaze",
        "frontend_deps",
        workflow="ci",
        job="install",
        repo=MONO,
        steps=[
            uses("pnpm/action-setup@v4", {"version": "9.12.3"}, ["Installing pnpm 9.12.3"]),
            *node_setup(),
            run("pnpm install --frozen-lockfile", out, 1, name="Install", seconds=4),
        ],
        message="refactor(ui): rename ui-kit to ui",
        files=["packages/ui/package.json", "pnpm-lock.yaml"],
        pr=pr_of(cid, "refactor(ui): @studio/ui"),
    )


# ------------------------------------------------------------------ 8. platform look-alikes


def platform_lookalikes() -> None:
    at(SHOP)
    # npm registry 503 during npm ci in a build job (real npm against a local server)
    with real.serve((503, "Service Unavailable\n")) as port:
        local = f"http://127.0.0.1:{port}"
        out = real.sh(
            "b61-npm-503",
            {
                "package.json": '{"name":"storefront","version":"2.3.0","dependencies":'
                '{"next":"15.0.3"}}\n',
                ".npmrc": f"registry={local}/\nfetch-retries=1\nfetch-retry-mintimeout=10\n"
                "fetch-retry-maxtimeout=20\n",
            },
            "npm install --no-audit --no-fund",
            "npm ci --no-audit --no-fund",
            hosts={local: "https://registry.npmjs.org"},
        )
    cid = _id()
    ci(
        cid,
        "npm fails with E503 `Service Unavailable` fetching `next` from registry.npmjs.org in "
        "a Next.js build job, on a change that only touched a page component: the registry "
        "was unavailable, nothing in the repository asks for a missing version",
        ["look-alike", "flaky"],
        "atlas",
        "general",
        workflow="web",
        job="build-next",
        repo=SHOP,
        steps=[*node_setup(), failing(out, name="Install dependencies")],
        message="feat(pdp): show stock per store",
        files=["app/products/[slug]/page.tsx"],
        pr=pr_of(cid, "feat(pdp): stock per store"),
    )
    # next/font fetching Google Fonts fails (CDN)
    cid = _id()
    font = [
        "",
        "> storefront@2.3.0 build",
        "> next build",
        "",
        "  ▲ Next.js 15.0.3",
        "",
        "   Creating an optimized production build ...",
        "request to https://fonts.googleapis.com/css2?family=Inter:wght@400;600&display=swap "
        "failed, reason: getaddrinfo EAI_AGAIN fonts.googleapis.com",
        "",
        "Retrying 1/3...",
        "request to https://fonts.googleapis.com/css2?family=Inter:wght@400;600&display=swap "
        "failed, reason: getaddrinfo EAI_AGAIN fonts.googleapis.com",
        "",
        "Retrying 2/3...",
        "request to https://fonts.googleapis.com/css2?family=Inter:wght@400;600&display=swap "
        "failed, reason: getaddrinfo EAI_AGAIN fonts.googleapis.com",
        "",
        "Retrying 3/3...",
        "Failed to compile.",
        "",
        "app/layout.tsx",
        "`next/font` error:",
        "Failed to fetch `Inter` from Google Fonts.",
        "",
        "",
        "> Build failed because of webpack errors",
    ]
    ci(
        cid,
        "`next build` fails to compile with a `next/font` error: `Failed to fetch \\`Inter\\` "
        "from Google Fonts` after three `getaddrinfo EAI_AGAIN fonts.googleapis.com` retries; "
        "the layout's font import is unchanged for months and the change edited a copy file: "
        "DNS to the font CDN from the runner",
        ["look-alike", "flaky"],
        "atlas",
        "general",
        workflow="web",
        job="build",
        repo=SHOP,
        steps=_steps(run("npm run build", font, 1, name="Build", seconds=38)),
        message="copy: new returns policy wording",
        files=["content/returns.md"],
        pr=pr_of(cid, "copy: returns policy"),
    )


# ------------------------------------------------------------------ 9. advisories


def advisories() -> None:
    at(WEB)
    cid = _id()
    audit = [
        "# npm audit report",
        "",
        "nanoid  <3.3.8",
        "Severity: moderate",
        "Predictable results in nanoid generation when given non-integer values - "
        "https://github.com/advisories/GHSA-mwcw-c2x4-8c55",
        "fix available via `npm audit fix`",
        "node_modules/postcss/node_modules/nanoid",
        "",
        "vite  5.0.0 - 5.4.17",
        "Severity: moderate",
        "Vite bypasses server.fs.deny when using ?raw?? - "
        "https://github.com/advisories/GHSA-x574-m823-4x7w",
        "Vite allows server.fs.deny to be bypassed with .svg or relative paths - "
        "https://github.com/advisories/GHSA-xcj6-pq6g-qj4x",
        "fix available via `npm audit fix`",
        "node_modules/vite",
        "",
        "2 moderate severity vulnerabilities",
        "",
        "To address all issues, run:",
        "  npm audit fix",
    ]
    ci(
        cid,
        "`npm audit --audit-level=moderate` fails on the lockfile bump: the change downgraded "
        "vite to 5.4.11 in package-lock.json while rebasing, and the audit reports the "
        "`server.fs.deny` bypass advisories for that range: a security advisory in the "
        "lockfile",
        ["look-alike", "context-driven"],
        "cipher",
        "vulnerable_dependency",
        workflow="ci",
        job="audit",
        repo=WEB,
        steps=_steps(run("npm audit --audit-level=moderate", audit, 1, name="Audit", seconds=3)),
        message="chore: rebase lockfile on main",
        files=["package-lock.json"],
        pr=pr_of(cid, "chore: regenerate lockfile"),
    )


# ------------------------------------------------------------------ 10. plain


def plain() -> None:
    at(WEB)
    out = real.sh(
        "b61-verbatim",
        {
            "tsconfig.json": _tsconfig(verbatimModuleSyntax=True),
            "src/types.ts": "export interface Run { id: string; status: string }\n",
            "src/list.ts": "import { Run } from './types';\n"
            "export const ids = (runs: Run[]) => runs.map((r) => r.id);\n",
        },
        "tsc -p .",
        "npx tsc -p . --noEmit",
        node_modules=True,
    )
    cid = _id()
    ci(
        cid,
        "tsc TS1484: `Run` is a type and must be imported with a type-only import when "
        "`verbatimModuleSyntax` is enabled; the change's new src/list.ts imports it as a value",
        ["obvious"],
        "blaze",
        "frontend_typecheck",
        workflow="ci",
        job="typecheck",
        repo=WEB,
        steps=_steps(failing(out, name="Typecheck")),
        message="feat(runs): list helpers",
        files=["src/list.ts"],
        pr=pr_of(cid, "feat(runs): list helpers"),
    )
    out = real.vitest(
        "b61-vitest",
        {
            "src/price.js": "export const price = (c) => `$${(c / 10).toFixed(2)}`;\n",
            "src/price.test.js": "import { expect, test } from 'vitest';\n"
            "import { price } from './price.js';\n"
            "test('formats cents', () => { expect(price(1999)).toBe('$19.99'); });\n",
        },
    )
    cid = _id()
    ci(
        cid,
        "Vitest: `formats cents` expects `$19.99` and gets `$199.90`; the change's price "
        "helper divides by 10",
        ["obvious"],
        "blaze",
        "frontend_test",
        workflow="ci",
        job="test",
        repo=SHOP,
        steps=_steps(failing(out, name="Unit tests")),
        message="refactor(price): simpler formatter",
        files=["src/price.js"],
        pr=pr_of(cid, "refactor(price): simpler formatter"),
    )
    out = real.eslint(
        "b61-eslint-plain",
        {
            "src/cart.js": "export function total(items) {\n  const tax = 0.2;\n"
            "  return items.reduce((s, i) => s + i.price, 0);\n}\n"
        },
        rules='{"no-unused-vars": "error"}',
    )
    cid = _id()
    ci(
        cid,
        "ESLint `no-unused-vars`: `tax` is assigned a value but never used in the change's "
        "src/cart.js",
        ["obvious"],
        "blaze",
        "frontend_lint",
        workflow="ci",
        job="lint",
        repo=SHOP,
        steps=_steps(failing(out, name="Lint")),
        message="feat(cart): totals",
        files=["src/cart.js"],
        pr=pr_of(cid, "feat(cart): totals"),
    )
    out = real.actionlint(
        "b61-actionlint",
        {
            "web.yml": """
                name: web
                on: [push]
                jobs:
                  build:
                    runs-on: ubuntu-latest
                    steps:
                      - uses: actions/checkout@v4
                      - uses: actions/setup-node@v4
                        with:
                          node-version: ${{ matrix.node }}
                      - run: npm ci && npm run build
            """
        },
    )
    cid = _id()
    ci(
        cid,
        "actionlint on the web workflow: `matrix.node` is referenced in a job with no "
        "`strategy.matrix`; the change edited only .github/workflows/web.yml",
        ["obvious"],
        "atlas",
        "workflow_syntax",
        workflow="lint-workflows",
        job="actionlint",
        repo=WEB,
        steps=[failing(out, name="actionlint")],
        message="ci(web): node version from the matrix",
        files=[".github/workflows/web.yml"],
        pr=pr_of(cid, "ci(web): node from matrix"),
    )
