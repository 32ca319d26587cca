"""Broken inputs for the wrapper, cluster, platform, YAML-owner and resource-kill cases.

Registered into ``scenarios.MAKERS`` like the others: each entry runs a real program once
(a service that panics or throws, ``make``/``npm run`` around rustc/tsc/ESLint/Vitest,
kubectl against a local API server, git against a hook that answers like GitHub, yamllint,
actionlint, a compiler or test runner receiving SIGKILL).
"""

from __future__ import annotations

import json
import re

from scenarios import scenario

import tools as t
from tools import Output

# ============================================================== services that crash

RUST_APP_MAIN = """
    mod {module};

    fn log(level: &str, target: &str, message: &str) {{
        println!(
            "{{{{\\"level\\":\\"{{level}}\\",\\"target\\":\\"{{target}}\\",\\"fields\\":{{{{\\"message\\":\\"{{message}}\\"}}}}}}}}"
        );
    }}

    fn main() {{
        log("INFO", "{crate}", "starting {crate} v0.9.1");
        log("INFO", "{crate}::{module}", "{step}");
        {module}::run();
        log("INFO", "{crate}", "listening on 0.0.0.0:8080");
    }}
"""


def rust_service(
    name: str, crate: str, module: str, step: str, body: str, env: dict[str, str] | None = None
) -> Output:
    """A small Rust service (``src/main.rs`` + ``src/<module>.rs``) built and started; its
    container log is what it prints before it panics (exit 101)."""
    main = RUST_APP_MAIN.format(module=module, crate=crate, step=step)
    return t.crash(
        name,
        {"Cargo.toml": t.cargo_toml(crate), "src/main.rs": main, f"src/{module}.rs": body},
        ["cargo", "build", "--release", "-q"],
        [f"target/release/{crate}"],
        env=env,
    )


@scenario("crash-rust-env-port")
def _() -> Output:
    return rust_service(
        "crash-rust-env-port",
        "healer",
        "config",
        "loading configuration",
        """
        pub struct Config { pub port: u16 }

        pub fn run() {
            let raw = std::env::var("HEALER_PORT").unwrap_or_default();
            let cfg = Config { port: raw.parse().expect("HEALER_PORT must be a port number") };
            println!("port {}", cfg.port);
        }
    """,
        env={"HEALER_PORT": "8080/tcp"},
    )


@scenario("crash-rust-index")
def _() -> Output:
    return rust_service(
        "crash-rust-index",
        "controller",
        "queue",
        "restoring work queue",
        """
        pub fn run() {
            let restored = std::env::var("RESTORED").unwrap_or_default();
            let pending: Vec<&str> = restored
                .split(',')
                .filter(|s| !s.is_empty())
                .collect();
            let head = pending[0];
            println!("resuming at {head}");
        }
    """,
    )


@scenario("crash-rust-unwrap-none")
def _() -> Output:
    return rust_service(
        "crash-rust-unwrap-none",
        "healer",
        "routing",
        "building agent table",
        """
        use std::collections::HashMap;

        pub fn run() {
            let mut agents = HashMap::new();
            for (name, domain) in [("rex", "rust"), ("blaze", "frontend"), ("bolt", "infra")] {
                agents.insert(domain, name);
            }
            let fallback = agents.get("github").copied().unwrap();
            println!("fallback agent {fallback}");
        }
    """,
    )


@scenario("crash-rust-migrate")
def _() -> Output:
    return rust_service(
        "crash-rust-migrate",
        "healer-migrate",
        "migrations",
        "applying migrations",
        """
        pub fn run() {
            let applied = [1u32, 2, 3, 4, 5, 6, 8];
            let files = ["0001_init", "0002_runs", "0003_jobs", "0004_agents", "0005_idx",
                         "0006_escalations", "0007_dedup_window"];
            for (n, file) in files.iter().enumerate() {
                let version: u32 = file[..4].parse().unwrap();
                if applied[n] != version {
                    panic!("migration {file} is missing from the database but {} is applied; \\
                            refusing to run out of order", applied[n]);
                }
            }
        }
    """,
    )


@scenario("crash-rust-overflow")
def _() -> Output:
    return t.crash(
        "crash-rust-overflow",
        {
            "Cargo.toml": t.cargo_toml("controller"),
            "src/main.rs": RUST_APP_MAIN.format(
                module="backoff", crate="controller", step="computing retry schedule"
            ),
            "src/backoff.rs": """
        pub fn delay(attempt: u32, cap: u32) -> u32 {
            let remaining = cap - attempt * 30;
            remaining.min(300)
        }

        pub fn run() {
            let attempts: u32 = std::env::var("MAX_ATTEMPTS").ok()
                .and_then(|v| v.parse().ok()).unwrap_or(3);
            for a in 0..=attempts {
                println!("attempt {a}: wait {}s", delay(a, 120));
            }
        }
    """,
        },
        ["cargo", "build", "-q"],
        ["target/debug/controller"],
        env={"MAX_ATTEMPTS": "6"},
    )


@scenario("crash-rust-borrow")
def _() -> Output:
    return rust_service(
        "crash-rust-borrow",
        "healer",
        "cache",
        "warming signature cache",
        """
        use std::cell::RefCell;

        thread_local! { static SEEN: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) }; }

        fn remember(sig: &str) {
            SEEN.with(|s| s.borrow_mut().push(sig.to_string()));
        }

        pub fn run() {
            SEEN.with(|s| {
                let seen = s.borrow();
                for sig in ["E0308", "TS2322"] {
                    if !seen.iter().any(|x| x == sig) { remember(sig); }
                }
            });
        }
    """,
    )


@scenario("crash-rust-slice")
def _() -> Output:
    return rust_service(
        "crash-rust-slice",
        "controller",
        "naming",
        "deriving CodeRun names",
        """
        pub fn short(name: &str) -> &str { &name[..16] }

        pub fn run() {
            for repo in ["5dlabs/cto-platform", "5dlabs/web"] {
                println!("coderun {}", short(repo));
            }
        }
    """,
    )


@scenario("crash-rust-main-err")
def _() -> Output:
    return t.crash(
        "crash-rust-main-err",
        {
            "Cargo.toml": t.cargo_toml("healer"),
            "src/main.rs": """
        use std::fmt;

        #[derive(Debug)]
        enum ConfigError { MissingField(&'static str), BadUrl(String) }

        impl fmt::Display for ConfigError {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { write!(f, "{self:?}") }
        }

        fn queue_url() -> Result<String, ConfigError> {
            let url = std::env::var("QUEUE_URL").map_err(|_| ConfigError::MissingField("QUEUE_URL"))?;
            if !url.starts_with("redis://") { return Err(ConfigError::BadUrl(url)); }
            Ok(url)
        }

        fn main() -> Result<(), ConfigError> {
            println!("level=info msg=\\"starting healer\\" version=0.9.1");
            let url = queue_url()?;
            println!("level=info msg=\\"queue\\" url={url}");
            Ok(())
        }
    """,
        },
        ["cargo", "build", "--release", "-q"],
        ["target/release/healer"],
        env={"QUEUE_URL": "rediss//queue.cto.svc:6379"},
    )


NODE_TIME = re.compile(r'"time":\d{13}')


def node_service(
    name: str,
    files: dict[str, str],
    entry: str = "dist/server.js",
    env: dict[str, str] | None = None,
) -> Output:
    """A small Node service started with ``node``; what its container logs."""
    out = t.crash(
        name,
        {"package.json": '{"name":"web","version":"2.3.0","type":"module"}', **files},
        None,
        ["node", entry],
        env=env,
    )
    return Output(
        f"node {entry}", [NODE_TIME.sub('"time":1791216000000', ln) for ln in out.lines], out.code
    )


PINO = (
    "const log = (msg) => console.log(JSON.stringify({level: 30, time: Date.now(), "
    'pid: 1, hostname: "web", msg}));\n'
)


@scenario("crash-node-undefined")
def _() -> Output:
    return node_service(
        "crash-node-undefined",
        {
            "dist/config.js": """
        export const config = { port: Number(process.env.PORT ?? 3000),
          api: process.env.API_URL ? { url: process.env.API_URL } : undefined };
    """,
            "dist/server.js": PINO
            + """
        import { config } from "./config.js";
        log("starting web 2.3.0");
        const upstream = new URL(config.api.url);
        log(`proxying to ${upstream.host}`);
    """,
        },
    )


@scenario("crash-node-module")
def _() -> Output:
    return node_service(
        "crash-node-module",
        {
            "dist/server.js": PINO
            + """
        import { health } from "./routes/health.js";
        log("starting web 2.3.0");
        health();
    """
        },
    )


@scenario("crash-node-rejection")
def _() -> Output:
    return node_service(
        "crash-node-rejection",
        {
            "dist/flags.js": """
        export async function loadFlags(source) {
          if (!source.startsWith("http")) {
            throw new Error(`flag source must be a URL, got "${source}"`);
          }
          return {};
        }
    """,
            "dist/server.js": PINO
            + """
        import { loadFlags } from "./flags.js";
        log("starting web 2.3.0");
        const flags = await loadFlags(process.env.FLAGS_SOURCE ?? "");
        log(`flags: ${Object.keys(flags).length}`);
    """,
        },
        env={"FLAGS_SOURCE": "flags.json"},
    )


@scenario("crash-node-json")
def _() -> Output:
    return node_service(
        "crash-node-json",
        {
            "dist/server.js": PINO
            + """
        import { readFileSync } from "node:fs";
        log("starting web 2.3.0");
        const routes = JSON.parse(readFileSync(new URL("./routes.json", import.meta.url), "utf8"));
        log(`routes: ${routes.length}`);
    """,
            "dist/routes.json": '[{"path": "/", "page": "home"}, {"path": "/runs", page: "runs"}]\n',
        },
    )


@scenario("crash-node-reference")
def _() -> Output:
    return node_service(
        "crash-node-reference",
        {
            "dist/server.js": """
        import http from "node:http";
        const server = http.createServer((req, res) => { res.end("ok"); });
        server.listen(0, "127.0.0.1", () => {
          logger.info({ port: server.address().port }, "listening");
        });
    """
        },
    )


@scenario("crash-node-handler")
def _() -> Output:
    return node_service(
        "crash-node-handler",
        {
            "dist/server.js": PINO
            + """
        import http from "node:http";
        const sessions = new Map();
        const server = http.createServer((req, res) => {
          if (req.url === "/healthz") {
            const current = sessions.get(req.headers["x-session"]) ?? null;
            res.end(JSON.stringify({ ok: true, user: current.id }));
          }
        });
        server.listen(0, "127.0.0.1", () => {
          log("listening");
          http.get({ port: server.address().port, host: "127.0.0.1", path: "/healthz" });
        });
    """
        },
    )


# ============================================================== wrappers (make, npm run)

BROKEN_RS = """
    struct Run { id: u64, agent: String }

    fn main() {
        let run = Run { id: 7, agent: "rex".into() };
        let label: &str = run.agent;
        println!("{} {}", run.id, label);
    }
"""

MAKEFILE_RUST = """
    .PHONY: build lint test fmt-check
    build:
    \tcargo build --release
    lint:
    \tcargo clippy -- -D warnings
    test:
    \tcargo test --workspace
    fmt-check:
    \tcargo fmt --all -- --check
"""


@scenario("make-cargo-build")
def _() -> Output:
    return t.make(
        "make-cargo-build",
        {
            "Makefile": MAKEFILE_RUST,
            "Cargo.toml": t.cargo_toml("controller"),
            "src/main.rs": BROKEN_RS,
        },
        "build",
    )


@scenario("make-clippy")
def _() -> Output:
    return t.make(
        "make-clippy",
        {
            "Makefile": MAKEFILE_RUST,
            "Cargo.toml": t.cargo_toml("healer"),
            "src/main.rs": """
        fn main() {
            let agents = vec!["rex", "blaze"];
            if agents.len() == 0 { println!("none"); }
            let names: Vec<String> = agents.iter().map(|a| a.to_string()).collect();
            println!("{}", names.clone().join(","));
        }
    """,
        },
        "lint",
    )


@scenario("make-cargo-test")
def _() -> Output:
    return t.make(
        "make-cargo-test",
        {
            "Makefile": MAKEFILE_RUST,
            "Cargo.toml": t.cargo_toml("healer"),
            "src/lib.rs": """
        pub fn signature(log: &str) -> String {
            log.lines().find(|l| l.contains("error")).unwrap_or("").trim().to_lowercase()
        }

        #[cfg(test)]
        mod tests {
            use super::*;
            #[test]
            fn keeps_the_error_code() {
                assert_eq!(signature("x\\nerror[E0308]: mismatched types"),
                           "error[E0308]: mismatched types");
            }
            #[test]
            fn empty_log_has_no_signature() { assert_eq!(signature(""), ""); }
        }
    """.replace('"error[E0308]: mismatched types");', '"error[E0308]: Mismatched types");'),
        },
        "test",
    )


@scenario("make-fmt")
def _() -> Output:
    return t.make(
        "make-fmt",
        {
            "Makefile": MAKEFILE_RUST,
            "Cargo.toml": t.cargo_toml("healer"),
            "src/main.rs": 'fn main(){let agents=["rex","blaze"];println!("{:?}",agents);}\n',
        },
        "fmt-check",
    )


WEB_PKG = {"name": "web", "version": "2.3.0", "private": True, "type": "module"}


def web_pkg(**scripts: str) -> str:
    return json.dumps({**WEB_PKG, "scripts": scripts}, indent=2) + "\n"


ESLINT_CFG = """
    import js from "@eslint/js";
    import globals from "globals";
    export default [js.configs.recommended,
      {languageOptions: {globals: {...globals.browser, ...globals.node}}}];
"""


@scenario("npm-run-typecheck")
def _() -> Output:
    return t.npm_run(
        "npm-run-typecheck",
        {
            "package.json": web_pkg(typecheck="tsc -p . --noEmit"),
            "tsconfig.json": t.TSCONFIG,
            "src/runs.ts": """
            export interface Run { id: number; agent: "rex" | "blaze" | "bolt"; }
            export function latest(runs: Run[]): Run { return runs.at(-1); }
            export const first: Run = { id: "1", agent: "rex" };
        """,
        },
        "typecheck",
    )


@scenario("npm-run-lint")
def _() -> Output:
    return t.npm_run(
        "npm-run-lint",
        {
            "package.json": web_pkg(lint="eslint src --max-warnings 0"),
            "eslint.config.js": ESLINT_CFG,
            "src/table.js": """
            export function rows(runs) {
              const out = [];
              for (const run of runs) {
                if (run.status = "failed") out.push(run);
              }
              return ouput;
            }
        """,
        },
        "lint",
    )


@scenario("npm-run-test")
def _() -> Output:
    return t.npm_run(
        "npm-run-test",
        {
            "package.json": web_pkg(test="vitest run"),
            "src/duration.js": """
            export function duration(ms) {
              const s = Math.round(ms / 1000);
              return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${s % 60}s`;
            }
        """,
            "test/duration.test.js": """
            import { expect, test } from "vitest";
            import { duration } from "../src/duration.js";
            test("seconds", () => expect(duration(4200)).toBe("4s"));
            test("minutes", () => expect(duration(61000)).toBe("1m 01s"));
        """,
        },
        "test",
    )


@scenario("npm-run-build-tsc")
def _() -> Output:
    return t.npm_run(
        "npm-run-build-tsc",
        {
            "package.json": web_pkg(build="tsc -p . --noEmit && vite build"),
            "tsconfig.json": t.TSCONFIG,
            "index.html": '<script type="module" src="/src/main.ts"></script>\n',
            "src/main.ts": """
            type Agent = "rex" | "blaze" | "bolt" | "cipher" | "atlas";
            const counts: Record<Agent, number> = { rex: 1, blaze: 2, bolt: 0 };
            document.body.textContent = String(counts.rex);
        """,
        },
        "build",
    )


@scenario("npm-run-build-vite")
def _() -> Output:
    return t.npm_run(
        "npm-run-build-vite",
        {
            "package.json": web_pkg(build="vite build"),
            "index.html": '<script type="module" src="/src/main.js"></script>\n',
            "src/main.js": """
            import { renderRuns } from "./views/runs.js";
            renderRuns(document.body);
        """,
        },
        "build",
    )


@scenario("npm-run-wasm")
def _() -> Output:
    return t.npm_run(
        "npm-run-wasm",
        {
            "package.json": web_pkg(
                **{
                    "build:wasm": "cargo build --release --offline "
                    "--manifest-path crates/matcher/Cargo.toml"
                }
            ),
            "crates/matcher/Cargo.toml": t.cargo_toml("matcher"),
            "crates/matcher/src/lib.rs": """
            pub fn score(pattern: &str, line: &str) -> usize {
                let hits = line.matches(pattern).count();
                hits * pattern.len() as u32
            }
        """,
        },
        "build:wasm",
    )


@scenario("make-web-build")
def _() -> Output:
    return t.make(
        "make-web-build",
        {
            "Makefile": """
        .PHONY: web
        web:
        \tnpm run build
    """.replace("\\t", "\t"),
            "package.json": web_pkg(build="tsc -p . --noEmit"),
            "tsconfig.json": t.TSCONFIG,
            "src/api.ts": """
            export async function runs(base: string): Promise<string[]> {
              const res = await fetch(`${base}/runs`);
              const body: { runs: string[] } = await res.json();
              return body.run;
            }
        """,
        },
        "web",
        node=True,
    )


# ============================================================== kubectl against a cluster


def rollout(name: str, deploy: dict[str, object], shown_timeout: str = "300s") -> Output:
    out = t.kubectl_live(
        name,
        [
            "rollout",
            "status",
            "deployment/" + str(deploy["metadata"]["name"]),
            "-n",
            "cto",
            "--timeout=4s",
        ],
        [deploy],
    )  # type: ignore[index]
    cmd = (
        f"kubectl rollout status deployment/{deploy['metadata']['name']} -n cto "
        f"--timeout={shown_timeout}"
    )  # type: ignore[index]
    return Output(cmd, out.lines, out.code)


def wait_for(
    name: str, obj: dict[str, object], condition: str, shown_timeout: str = "300s"
) -> Output:
    kind = str(obj["kind"]).lower()
    ref = f"{kind}/{obj['metadata']['name']}"  # type: ignore[index]
    out = t.kubectl_live(
        name, ["wait", f"--for=condition={condition}", ref, "-n", "cto", "--timeout=4s"], [obj]
    )
    return Output(
        f"kubectl wait --for=condition={condition} {ref} -n cto --timeout={shown_timeout}",
        out.lines,
        out.code,
    )


# ============================================================== YAML by owner


@scenario("yamllint-workflow-indent")
def _() -> Output:
    return t.yamllint(
        "yamllint-workflow-indent",
        {
            ".github/workflows/deploy.yml": """
        name: Deploy
        on:
          push:
            branches: [main]
        jobs:
          deploy:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - name: Render chart
                run: helm template infra/charts/healer
               - name: Apply
                run: kubectl apply -f rendered.yaml
    """
        },
        ".github/workflows/",
    )


@scenario("yamllint-workflow-dupe")
def _() -> Output:
    return t.yamllint(
        "yamllint-workflow-dupe",
        {
            ".github/workflows/controller-ci.yml": """
        ---
        name: Controller CI
        on: [pull_request]
        jobs:
          lint-rust:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - run: cargo clippy -- -D warnings
          lint-rust:
            runs-on: ubuntu-latest
            steps:
              - run: cargo fmt --check
    """
        },
        ".",
    )


@scenario("yamllint-workflow-colon")
def _() -> Output:
    return t.yamllint(
        "yamllint-workflow-colon",
        {
            ".github/workflows/helm-release.yml": """
        ---
        name: helm-release
        on:
          workflow_dispatch:
        jobs:
          publish:
            runs-on: ubuntu-latest
            steps:
              - name: Package chart: healer
                run: helm package infra/charts/healer
    """
        },
        ".",
    )


@scenario("yamllint-workflow-steps")
def _() -> Output:
    return t.yamllint(
        "yamllint-workflow-steps",
        {
            ".github/workflows/images.yml": """
        name: Infrastructure
        on: [push]
        jobs:
          images:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - run: docker build -t ghcr.io/5dlabs/controller:${{ github.sha }} .
            - run: docker push ghcr.io/5dlabs/controller:${{ github.sha }}
    """
        },
        ".github/workflows/",
    )


@scenario("yamllint-dependabot")
def _() -> Output:
    return t.yamllint(
        "yamllint-dependabot",
        {
            ".github/dependabot.yml": """
        version: 2
        updates:
          - package-ecosystem: cargo
            directory: /
            schedule:
              interval: weekly
          - package-ecosystem: npm
            directory: /web
            schedule:
            interval: weekly
            schedule:
              interval: daily
    """
        },
        ".github/",
    )


@scenario("yamllint-alert-rules")
def _() -> Output:
    return t.yamllint(
        "yamllint-alert-rules",
        {
            "infra/monitoring/healer-rules.yaml": """
        apiVersion: monitoring.coreos.com/v1
        kind: PrometheusRule
        metadata:
          name: healer
        spec:
          groups:
            - name: healer
              rules:
                - alert: HealerDispatchErrors
                  expr: sum(rate(healer_dispatch_errors_total[5m])) > 0.1
                  for: 10m
                  labels:
                    severity: page
                  annotations:
                    summary: Dispatch errors: {{ $value }} per second
    """
        },
        "infra/monitoring/",
    )


@scenario("yamllint-chart-values-indent")
def _() -> Output:
    return t.yamllint(
        "yamllint-chart-values-indent",
        {
            "infra/charts/web/values.yaml": """
        ---
        replicaCount: 2
        image:
          repository: ghcr.io/5dlabs/web
          tag: 2.3.0
        service:
          port: 80
         targetPort: 3000
    """
        },
        "infra/charts/web/",
    )


@scenario("yamllint-manifest-dupe")
def _() -> Output:
    return t.yamllint(
        "yamllint-manifest-dupe",
        {
            "infra/k8s/healer/configmap.yaml": """
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: healer-config
        data:
          ROUTER: prerouter
          MAX_RETRIES: "3"
          ROUTER: full
    """
        },
        "infra/k8s/",
    )


@scenario("yamllint-kustomization-tabs")
def _() -> Output:
    return t.yamllint(
        "yamllint-kustomization-tabs",
        {
            "infra/gitops/overlays/prod/kustomization.yaml": "---\nresources:\n  - ../../base\nimages:\n  - name: ghcr.io/5dlabs/healer\n"
            "\tnewTag: 0.9.1\n"
        },
        "infra/gitops/",
    )


@scenario("yamllint-argocd-app")
def _() -> Output:
    return t.yamllint(
        "yamllint-argocd-app",
        {
            "infra/gitops/apps/web.yaml": """
        ---
        apiVersion: argoproj.io/v1alpha1
        kind: Application
        metadata:
          name: web
          namespace: argocd
        spec:
          source:
            repoURL: https://github.com/5dlabs/cto
            path: infra/charts/web
            helm:
              valueFiles: [values.yaml, values-prod.yaml
          destination:
            namespace: web
    """
        },
        "infra/gitops/",
    )


# ============================================================== resource kills


@scenario("rustc-sigkill")
def _() -> Output:
    return t.rustc_killed(
        "rustc-sigkill",
        {
            "Cargo.toml": t.cargo_toml("controller"),
            "src/main.rs": 'fn main() { println!("ok"); }\n',
        },
        "controller",
        ["build", "--release"],
        "cargo build --release --locked",
    )


@scenario("cargo-test-sigkill")
def _() -> Output:
    return t.cargo(
        "cargo-test-sigkill",
        {
            "Cargo.toml": t.cargo_toml("healer"),
            "src/lib.rs": """
        pub fn window(events: &[u64], size: usize) -> Vec<u64> {
            events.iter().rev().take(size).copied().collect()
        }

        #[cfg(test)]
        mod tests {
            use super::*;
            #[test]
            fn takes_the_last_events() { assert_eq!(window(&[1, 2, 3], 2), vec![3, 2]); }
            #[test]
            fn keeps_a_large_window() {
                let events: Vec<u64> = (0..1_000).collect();
                assert_eq!(window(&events, 10).len(), 10);
                // the kernel's OOM killer ends the test binary here
                let _ = std::process::Command::new("kill")
                    .args(["-9", &std::process::id().to_string()]).status();
            }
        }
    """,
        },
        ["test", "--lib", "--", "--test-threads=1"],
        "cargo test --workspace",
    )


@scenario("node-heap-dedup")
def _() -> Output:
    return t.node_heap_oom(
        "node-heap-dedup",
        {
            "test/dedup.bench.mjs": """
        import { dedupe } from "../src/dedupe.mjs";
        const seen = [];
        for (let i = 0; ; i++) {
          seen.push(...dedupe([{ id: i, log: "x".repeat(1024) }]));
          if (i % 4000 === 0) console.log(`processed ${i} runs, kept ${seen.length}`);
        }
    """,
            "src/dedupe.mjs": """
        const cache = new Map();
        export function dedupe(runs) {
          for (const run of runs) cache.set(`${run.id}:${run.log}`, structuredClone(run));
          return [...cache.values()].slice(-1);
        }
    """,
        },
        "node --max-old-space-size=48 test/dedup.bench.mjs",
        "node --max-old-space-size=48 test/dedup.bench.mjs",
    )


# ============================================================== symptoms (smoke and e2e steps)


def curl_smoke(name: str, status: int | None, url: str, body: str = "", extra: str = "") -> Output:
    """``curl -sSf`` against a local server answering ``status`` (None: nothing listens);
    the local address becomes ``url``'s host."""
    host = url.split("/")[2]
    scheme = url.split(":")[0]
    path = "/" + url.split("/", 3)[3] if url.count("/") > 2 else "/"
    if status is None:
        port = t.closed_port()
        local = f"http://127.0.0.1:{port}"
        port_shown = 443 if scheme == "https" else int(host.split(":")[1]) if ":" in host else 80
        hosts = {
            local: f"{scheme}://{host}",
            f"127.0.0.1 port {port}": f"{host.split(':')[0]} port {port_shown}",
        }
        return t.shell(
            name, {}, f"curl -sSf {extra}{local}{path}", f"curl -sSf {extra}{url}", hosts=hosts
        )
    with t.http_server(status, body, "text/html") as port:
        local = f"http://127.0.0.1:{port}"
        return t.shell(
            name,
            {},
            f"curl -sSf {extra}{local}{path}",
            f"curl -sSf {extra}{url}",
            hosts={local: f"{scheme}://{host}"},
        )


NGINX_503 = (
    "<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n"
    "<body>\r\n<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n"
    "<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)
NGINX_502 = NGINX_503.replace("503 Service Temporarily Unavailable", "502 Bad Gateway")


@scenario("smoke-refused-healer")
def _() -> Output:
    return curl_smoke(
        "smoke-refused-healer",
        None,
        "http://healer.cto.svc.cluster.local:8080/healthz",
        extra="--retry 3 --retry-delay 0 --retry-connrefused ",
    )


@scenario("smoke-refused-web")
def _() -> Output:
    return curl_smoke(
        "smoke-refused-web",
        None,
        "http://web.web.svc.cluster.local:3000/",
        extra="--retry 3 --retry-delay 0 --retry-connrefused ",
    )


@scenario("smoke-refused-controller")
def _() -> Output:
    return curl_smoke(
        "smoke-refused-controller", None, "http://controller.cto.svc.cluster.local:8081/readyz"
    )


@scenario("smoke-503-staging")
def _() -> Output:
    return curl_smoke("smoke-503-staging", 503, "https://staging.5dlabs.dev/api/healthz", NGINX_503)


@scenario("smoke-503-web")
def _() -> Output:
    return curl_smoke("smoke-503-web", 503, "https://web.staging.5dlabs.dev/", NGINX_503)


@scenario("smoke-502-staging")
def _() -> Output:
    return curl_smoke("smoke-502-staging", 502, "https://staging.5dlabs.dev/api/runs", NGINX_502)


def _silent_server(mode: str) -> tuple[int, object]:
    """A socket that accepts and then never answers (``hang``) or closes (``close``)."""
    import socket
    import threading

    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    held: list[socket.socket] = []

    def loop() -> None:
        while True:
            try:
                conn, _ = srv.accept()
            except OSError:
                return
            if mode == "close":
                conn.recv(4096)
                conn.close()
            else:
                held.append(conn)

    threading.Thread(target=loop, daemon=True).start()
    return int(srv.getsockname()[1]), srv


@scenario("smoke-timeout-staging")
def _() -> Output:
    port, srv = _silent_server("hang")
    try:
        local = f"http://127.0.0.1:{port}"
        out = t.shell(
            "smoke-timeout-staging",
            {},
            f"curl -sSf --max-time 2 {local}/api/healthz",
            "curl -sSf --max-time 10 https://staging.5dlabs.dev/api/healthz",
            hosts={local: "https://staging.5dlabs.dev"},
        )
    finally:
        srv.close()  # type: ignore[attr-defined]
    return Output(
        out.command,
        [re.sub(r"after \d+ milliseconds", "after 10002 milliseconds", ln) for ln in out.lines],
        out.code,
    )


@scenario("smoke-empty-reply")
def _() -> Output:
    port, srv = _silent_server("close")
    try:
        local = f"http://127.0.0.1:{port}"
        out = t.shell(
            "smoke-empty-reply",
            {},
            f"curl -sSf {local}/api/healthz",
            "curl -sSf https://staging.5dlabs.dev/api/healthz",
            hosts={local: "https://staging.5dlabs.dev"},
        )
    finally:
        srv.close()  # type: ignore[attr-defined]
    return out


E2E_TEST = """
    import { test } from "node:test";
    import assert from "node:assert/strict";

    const BASE = process.env.E2E_BASE_URL;

    test("dashboard lists recent runs", async () => {
      const res = await fetch(`${BASE}/api/runs?limit=5`);
      assert.equal(res.status, 200);
      const body = await res.json();
      assert.ok(Array.isArray(body.runs));
    });
"""


@scenario("e2e-refused")
def _() -> Output:
    port = t.closed_port()
    out = t.shell(
        "e2e-refused",
        {"e2e/runs.test.mjs": E2E_TEST},
        "node --test --test-reporter=spec e2e/",
        "npm run test:e2e",
        env={"E2E_BASE_URL": f"http://127.0.0.1:{port}"},
        hosts={
            f"127.0.0.1:{port}": "10.96.41.7:80",
            "'127.0.0.1'": "'10.96.41.7'",
            f"port: {port}": "port: 80",
        },
    )
    return Output(
        out.command,
        ["", "> web@2.3.0 test:e2e", "> node --test --test-reporter=spec e2e/", "", *out.lines],
        out.code,
    )


@scenario("e2e-503")
def _() -> Output:
    with t.http_server(503, NGINX_503, "text/html") as port:
        out = t.shell(
            "e2e-503",
            {"e2e/runs.test.mjs": E2E_TEST},
            "node --test --test-reporter=spec e2e/",
            "npm run test:e2e",
            env={"E2E_BASE_URL": f"http://127.0.0.1:{port}"},
            hosts={f"127.0.0.1:{port}": "web.staging.5dlabs.dev"},
        )
    return Output(
        out.command,
        ["", "> web@2.3.0 test:e2e", "> node --test --test-reporter=spec e2e/", "", *out.lines],
        out.code,
    )


@scenario("kubectl-unreachable")
def _() -> Output:
    path = t.fresh("kubectl-unreachable")
    port = t.closed_port()
    (path / "kubeconfig").write_text(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: staging\n  cluster:\n"
        f"    server: http://127.0.0.1:{port}\n"
        "contexts:\n- name: staging\n  context:\n    cluster: staging\n    namespace: cto\n"
        "current-context: staging\nusers:\n- name: ci\n  user: {}\n"
    )
    lines, code = t.run(
        ["kubectl", "rollout", "status", "deployment/healer", "-n", "cto", "--timeout=300s"],
        path,
        env={"KUBECONFIG": str(path / "kubeconfig")},
        hosts={
            f"http://127.0.0.1:{port}": "https://10.0.0.1:443",
            f"127.0.0.1:{port}": "10.0.0.1:443",
        },
    )
    return Output("kubectl rollout status deployment/healer -n cto --timeout=300s", lines, code)


@scenario("ok-web-listening")
def _() -> Output:
    return node_service(
        "ok-web-listening",
        {
            "dist/server.js": PINO
            + """
        const port = Number(process.env.PORT ?? 3000);
        log("starting web 2.3.0");
        log(`listening on 0.0.0.0:${port}`);
    """
        },
    )


@scenario("kubectl-crd-missing")
def _() -> Output:
    path = t.project(
        "kubectl-crd-missing",
        {
            "servicemonitor.yaml": """
        apiVersion: monitoring.coreos.com/v1
        kind: ServiceMonitor
        metadata:
          name: healer
          namespace: cto
        spec:
          selector:
            matchLabels: {app.kubernetes.io/name: healer}
          endpoints: [{port: http, path: /metrics}]
    """
        },
    )
    with t.kube_api([]) as port:
        (path / "kubeconfig").write_text(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: staging\n  cluster:\n"
            f"    server: http://127.0.0.1:{port}\ncontexts:\n- name: staging\n  context:\n"
            "    cluster: staging\n    namespace: cto\ncurrent-context: staging\n"
            "users:\n- name: ci\n  user: {}\n"
        )
        lines, code = t.run(
            ["kubectl", "apply", "--validate=false", "-f", "servicemonitor.yaml"],
            path,
            env={"KUBECONFIG": str(path / "kubeconfig")},
            hosts={f"127.0.0.1:{port}": "10.0.0.1:443"},
        )
    return Output("kubectl apply -f servicemonitor.yaml", lines, code)


@scenario("argocd-presync-web")
def _() -> Output:
    from scenarios import argo_wait

    return argo_wait(
        "argocd-presync-web",
        "web",
        "OutOfSync",
        "Missing",
        "one or more synchronization tasks completed unsuccessfully, reason: "
        "Job has reached the specified backoff limit",
        "Failed",
    )


@scenario("argocd-degraded-healer")
def _() -> Output:
    from scenarios import argo_wait

    return argo_wait(
        "argocd-degraded-healer",
        "healer",
        "Synced",
        "Degraded",
        "successfully synced (all tasks run)",
        "Succeeded",
    )


@scenario("argocd-progressing-controller")
def _() -> Output:
    from scenarios import argo_wait

    return argo_wait(
        "argocd-progressing-controller",
        "controller",
        "Synced",
        "Progressing",
        "successfully synced (all tasks run)",
        "Succeeded",
    )


@scenario("argocd-crd-missing")
def _() -> Output:
    from scenarios import argo_wait, get

    msg = "one or more objects failed to apply, reason: " + " ".join(
        get("kubectl-crd-missing").lines
    ).removeprefix("error: ")
    return argo_wait(
        "argocd-crd-missing", "healer-monitoring", "OutOfSync", "Missing", msg, "Failed"
    )


# ============================================================== GitHub platform


def git_against(
    name: str,
    status: int,
    body: str,
    repo: str,
    args: list[str],
    shown_host: str = "https://github.com",
) -> Output:
    """git in an empty repository against a local server answering like GitHub."""
    path = t.fresh(name)
    t.git(path, "init", "-q")
    with t.http_server(status, body + "\n") as port:
        local = f"http://127.0.0.1:{port}"
        t.git(path, "remote", "add", "origin", f"{local}/{repo}")
        lines, code = t.git(path, *args, hosts={local: shown_host})
    return Output("git " + " ".join(args), lines, code)


@scenario("checkout-private-404")
def _() -> Output:
    return git_against(
        "checkout-private-404",
        404,
        "Repository not found.",
        "5dlabs/proto-private",
        [
            "-c",
            "protocol.version=2",
            "fetch",
            "--no-tags",
            "--prune",
            "--no-recurse-submodules",
            "--depth=1",
            "origin",
            "+refs/heads/main*:refs/remotes/origin/main*",
            "+refs/tags/main*:refs/tags/main*",
        ],
    )


@scenario("submodule-no-url")
def _() -> Output:
    path = t.fresh("submodule-no-url")
    t.repo_with(
        path,
        {
            "README.md": "cto\n",
            ".gitmodules": '[submodule "vendor/proto"]\n\tpath = vendor/proto\n',
        },
    )
    t.git(
        path,
        "update-index",
        "--add",
        "--cacheinfo",
        "160000,1234567890abcdef1234567890abcdef12345678,vendor/proto",
    )
    t.git(path, "commit", "-qm", "vendor proto")
    lines, code = t.git(
        path,
        "-c",
        "protocol.version=2",
        "submodule",
        "update",
        "--init",
        "--force",
        "--depth=1",
        "--recursive",
    )
    return Output(
        "git -c protocol.version=2 submodule update --init --force --depth=1 --recursive",
        lines,
        code,
    )


@scenario("npm-gpr-401")
def _() -> Output:
    body = json.dumps(
        {"error": "unauthenticated: User cannot be authenticated with the token provided."}
    )
    with t.http_server(401, body, "application/json") as port:
        local = f"http://127.0.0.1:{port}/"
        out = t.npm(
            "npm-gpr-401",
            {
                "package.json": '{"name":"web","version":"2.3.0","dependencies":'
                '{"@5dlabs/ui-kit":"^3.1.0"}}',
                ".npmrc": f"@5dlabs:registry={local}\n//127.0.0.1:{port}/:_authToken=${{NODE_AUTH_TOKEN}}\n",
            },
            "install --no-audit --no-fund",
            "npm ci",
            env={"NODE_AUTH_TOKEN": "ghp_expiredTokenForTestsOnly000000000000"},
            hosts={local: "https://npm.pkg.github.com/", f"127.0.0.1:{port}": "npm.pkg.github.com"},
        )
    return Output(out.command, [ln for ln in out.lines if "A complete log" not in ln], out.code)


@scenario("cargo-registry-401")
def _() -> Output:
    with t.http_server(401, '{"errors":[{"detail":"token expired"}]}', "application/json") as port:
        local = f"http://127.0.0.1:{port}/"
        name = "cargo-registry-401"
        path = t.project(
            name,
            {
                "Cargo.toml": t.cargo_toml(
                    "controller", 'healer-proto = { version = "0.4", registry = "internal" }'
                ),
                "src/main.rs": "fn main() {}\n",
                ".cargo/config.toml": f'[registries.internal]\nindex = "sparse+{local}"\n'
                'credential-provider = ["cargo:token"]\n',
            },
        )
        lines, code = t.run(
            ["cargo", "fetch"],
            path,
            hosts={
                local: "https://cargo.5dlabs.dev/index/",
                f"127.0.0.1:{port}": "cargo.5dlabs.dev",
            },
            env={
                "CARGO_REGISTRIES_INTERNAL_TOKEN": "cio_fakeExpiredToken0000000000",
                "CARGO_HOME": str(path / ".cargo-home"),
                "CARGO_NET_RETRY": "0",
            },
        )
    return Output("cargo fetch --locked", lines, code)


GH013_SECRET = """remote: error: GH013: Repository rule violations found for refs/heads/main.
remote:
remote: - GITHUB PUSH PROTECTION
remote:   —————————————————————————————————————————
remote:     Resolve the following violations before pushing again
remote:
remote:     - Push cannot contain secrets
remote:
remote:
remote:      (?) Learn how to resolve a blocked push
remote:      https://docs.github.com/code-security/secret-scanning/working-with-secret-scanning-and-push-protection/working-with-push-protection-from-the-command-line#resolving-a-blocked-push
remote:
remote:
remote:       —— Amazon AWS Access Key ID ——————————————————————————
remote:        locations:
remote:          - commit: {sha}
remote:            path: deploy/env/staging.env:2
remote:
remote:        (?) To push, remove secret from commit(s) or follow this URL to allow the secret.
remote:        https://github.com/5dlabs/cto/security/secret-scanning/unblock-secret/2pQ7Yc1kXrT0fakeEXAMPLEid
remote:
remote: """

GH013_PR = """remote: error: GH013: Repository rule violations found for refs/heads/main.
remote: Review all repository rules at https://github.com/5dlabs/cto/rules?ref=refs%2Fheads%2Fmain
remote:
remote: - Changes must be made through a pull request.
remote:
remote: - Required status check "lint-rust" is expected.
remote: """


def _hook_text(text: str) -> str:
    return "\n".join(re.sub(r"^remote: ?", "", ln) for ln in text.splitlines())


@scenario("push-protection-secret")
def _() -> Output:
    files = {
        "deploy/env/staging.env": "AWS_REGION=us-east-1\nAWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n"
    }
    out = t.push_rejected_by_hook(
        "push-protection-secret", files, _hook_text(GH013_SECRET.format(sha="{sha}"))
    )
    return out


@scenario("push-rule-pr-required")
def _() -> Output:
    return t.push_rejected_by_hook(
        "push-rule-pr-required", {"CHANGELOG.md": "## 0.9.2\n"}, _hook_text(GH013_PR)
    )


@scenario("yamllint-mixed")
def _() -> Output:
    return t.yamllint(
        "yamllint-mixed",
        {
            "infra/charts/healer/values.yaml": "replicaCount: 2\nimage:\n  repository: "
            "ghcr.io/5dlabs/healer\n  tag: 0.9.1\n",
            ".github/workflows/release.yml": """
            ---
            name: Release
            on:
              push:
                tags: ["v*"]
            jobs:
              publish:
                runs-on: ubuntu-latest
                steps:
                  - uses: actions/checkout@v4
                  - run: make dist
                    env:
                      VERSION: ${{ github.ref_name }}
                     TARGET: x86_64-unknown-linux-gnu
        """,
        },
        ".",
    )


@scenario("vitest-killed")
def _() -> Output:
    before = [ln for ln in sc_get("npm-run-test").lines[:6] if not ln.startswith(" \u276f")]
    return t.killed("vitest-killed", "npm run test", before)


@scenario("tsc-killed")
def _() -> Output:
    before = ["", "> web@2.3.0 typecheck", "> tsc -p . --noEmit", ""]
    return t.killed("tsc-killed", "npm run typecheck", before)


@scenario("cargo-build-killed-link")
def _() -> Output:
    before = [ln for ln in sc_get("ok-controller-build").lines if "Compiling" in ln][:2]
    return t.killed("cargo-build-killed-link", "cargo build --release --workspace --locked", before)


def sc_get(key: str) -> Output:
    from scenarios import get

    return get(key)


# ============================================================== inner runs for image builds


@scenario("img-cargo-e0308")
def _() -> Output:
    return t.cargo(
        "img-cargo-e0308",
        {
            "Cargo.toml": t.cargo_toml("controller"),
            "src/main.rs": """
        fn listen_port() -> u16 {
            std::env::var("PORT").unwrap_or("8080".into())
        }
        fn main() { println!("listening on {}", listen_port()); }
    """,
        },
        ["build", "--release"],
    )


@scenario("img-cargo-e0599")
def _() -> Output:
    return t.cargo(
        "img-cargo-e0599",
        {
            "Cargo.toml": t.cargo_toml("controller"),
            "src/main.rs": """
        struct CodeRun { name: String }
        fn main() {
            let run = CodeRun { name: "healer-ci-rex".into() };
            println!("{}", run.display_name());
        }
    """,
        },
        ["build", "--release"],
    )


@scenario("img-cargo-test")
def _() -> Output:
    return t.cargo(
        "img-cargo-test",
        {
            "Cargo.toml": t.cargo_toml("healer"),
            "src/lib.rs": """
        pub fn parse_port(s: &str) -> u16 { s.trim_end_matches("/tcp").parse().unwrap() }
        #[cfg(test)]
        mod tests {
            #[test]
            fn parses_plain_port() { assert_eq!(super::parse_port("8080"), 8080); }
            #[test]
            fn parses_port_with_protocol() { assert_eq!(super::parse_port("8080/udp"), 8080); }
        }
    """,
        },
        ["test", "--release"],
    )


@scenario("img-clippy")
def _() -> Output:
    return t.cargo(
        "img-clippy",
        {
            "Cargo.toml": t.cargo_toml("controller"),
            "src/main.rs": """
        fn retries(attempts: u32) -> u32 {
            return attempts * 2;
        }
        fn main() { println!("{}", retries(3)); }
    """,
        },
        ["clippy", "--release", "--", "-D", "warnings"],
    )


@scenario("ok-controller-build")
def _() -> Output:
    return t.cargo(
        "ok-controller-build",
        {"Cargo.toml": t.cargo_toml("controller"), "src/main.rs": "fn main() {}\n"},
        ["build", "--release"],
    )


@scenario("make-kustomize")
def _() -> Output:
    return t.make(
        "make-kustomize",
        {
            "Makefile": "\n.PHONY: render\nrender:\n\tkubectl kustomize infra/gitops/overlays/staging "
            "> rendered.yaml\n",
            "infra/gitops/overlays/staging/kustomization.yaml": "resources:\n- ../../base\n"
            "- hpa.yaml\n",
            "infra/gitops/base/kustomization.yaml": "resources:\n- deployment.yaml\n",
            "infra/gitops/base/deployment.yaml": "apiVersion: apps/v1\nkind: Deployment\n"
            "metadata:\n  name: healer\n",
        },
        "render",
    )


@scenario("ok-rust-cache-growth")
def _() -> Output:
    return t.crash(
        "ok-rust-cache-growth",
        {
            "Cargo.toml": t.cargo_toml("healer"),
            "src/main.rs": """
        use std::collections::HashMap;

        fn main() {
            let mut seen: HashMap<String, Vec<u8>> = HashMap::new();
            for batch in 1..=6u64 {
                for n in 0..50_000u64 {
                    let sig = format!("run-{batch}-{n}");
                    seen.insert(sig, vec![0u8; 1024]);
                }
                let bytes: usize = seen.values().map(|v| v.capacity()).sum();
                println!(
                    "{{\\"level\\":\\"INFO\\",\\"target\\":\\"healer::dedup\\",\\"fields\\":{{\\"message\\":\\"signature cache\\",\\"entries\\":{},\\"bytes\\":{}}}}}",
                    seen.len(), bytes
                );
            }
        }
    """,
        },
        ["cargo", "build", "--release", "-q"],
        ["target/release/healer"],
    )


@scenario("npm-run-lint-image")
def _() -> Output:
    return t.npm_run(
        "npm-run-lint-image",
        {
            "package.json": web_pkg(lint="eslint src --max-warnings 0"),
            "eslint.config.js": ESLINT_CFG,
            "src/poll.js": """
            export async function poll(fetchRuns, ms) {
              while (true) {
                const runs = await fetchRuns();
                if (runs.length) return runs;
                await new Promise((r) => setTimeout(r, ms));
              }
              return [];
            }
            export const interval = delay;
        """,
        },
        "lint",
    )
