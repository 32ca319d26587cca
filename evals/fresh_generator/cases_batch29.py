"""Batch 29 of the fresh split (ids ``fr-zc-``): traps that look obvious. In each family the
first and loudest error line names one specialist's tool; in the traps the root cause belongs
to another specialist and only the context (pods, events, Loki, Argo CD, Prometheus, changed
files, PR text, commit message) shows it; each trap has a genuine counterpart with the same
loud line where the loud tool's owner is at fault.

- Rust integration tests against the CI namespace's Postgres: ``Connection refused`` while the
  Postgres StatefulSet's new args crash it (bolt) vs the test's connection-string builder
  dropping the port (rex); ``PoolTimedOut`` while the test Redis is OOMKilled under the
  manifest's new memory limit (bolt) vs a test-support pool cut to one connection (rex);
- Vitest ``fetch failed`` / ``ECONNREFUSED 127.0.0.1:8080`` against a Docker Compose API: the
  compose change gave the API container a command that exits (bolt) vs the change moved the
  frontend's API base constant to the wrong port (blaze);
- image builds: ``npm ci`` ERESOLVE inside ``docker build`` after a React bump (blaze,
  wrapper), ``npm run build`` failing on tsc TS2339 inside the image (blaze, wrapper),
  ``COPY package-lock.json`` excluded by a new ``.dockerignore`` (bolt),
  ``cargo build --release`` E0599 inside the image (rex, wrapper), and openssl-sys failing
  after the base image moved to ``-slim`` (bolt);
- Helm: a template nil pointer (bolt) vs ``--wait`` timing out on a Rust service panicking on
  its config after a renamed struct field (rex) vs the same panic after the chart's
  ConfigMap template renamed the key (bolt);
- Argo CD Degraded with a progress deadline: a Node SSR TypeError (blaze), a Rust startup
  panic (rex), a missing ConfigMap key behind ``configMapKeyRef`` (bolt);
- snapshots: an insta receipt snapshot in another timezone after the workflow set ``TZ``
  (atlas) vs after the formatter changed (rex); a Jest snapshot in German number format on a
  re-imaged runner with a docs-only diff (atlas) vs a component change (blaze);
- a canary gate failing on ``HighErrorRate``: a Rust panic in the new release (rex), the
  Postgres chart's ``max_connections`` halved (bolt), the payment provider's 503s with no
  change of ours (atlas).
"""

from __future__ import annotations

import json
import re
from typing import Any

import real
import shapes
from fcommon import at, ci, failing, node_setup, npm_ci_ok, pr_of, rust_setup, sha
from gha import h, run, uses
from helpers import buildx_setup, buildx_step, clock, crashing, kube_setup, pod_name, rollout

ORDERS = "5dlabs/orders"
WEB = "5dlabs/storefront-web"
CHECKOUT = "5dlabs/checkout"
OPS = "5dlabs/gitops"


def build() -> None:
    rust_db()
    compose_api()
    image_builds()
    helm()
    argo_deadline()
    snapshots()
    canary()


def _cargo_pkg(cid: str, package: str, files: dict[str, str], args: list[str]) -> real.Out:
    path = real.crate(cid, files, package=package)
    lines, code = real.run(["cargo", *args], path, env={"CARGO_NET_OFFLINE": "true"})
    return real.Out("cargo " + " ".join(args), lines, code)


def _sts_pod(ctx: dict[str, Any], name: str) -> dict[str, Any]:
    """``crashing``'s Deployment pod renamed as the StatefulSet's ordinal pod ``name``."""
    old = ctx["kubernetes"]["pods"][0]["metadata"]["name"]
    out: dict[str, Any] = json.loads(json.dumps(ctx).replace(old, name))
    out["kubernetes"]["pods"][0]["metadata"]["ownerReferences"][0]["kind"] = "StatefulSet"
    out["kubernetes"]["pods"][0]["metadata"]["ownerReferences"][0]["name"] = name.rsplit("-", 1)[0]
    return out


def _rust_run(cid: str, package: str, source: str) -> real.Out:
    """Build and run a small Rust program; its stderr is what the pod logs."""
    path = real.crate(cid, {"src/main.rs": source}, package=package)
    lines, code = real.run(
        ["cargo", "build", "-q", "--release"], path, env={"CARGO_NET_OFFLINE": "true"}
    )
    assert code == 0, lines
    lines, code = real.run([str(path / "target" / "release" / package)], path)
    return real.Out(f"/usr/local/bin/{package}", lines, code)


def _tracing(when: str, level: str, target: str, message: str, **fields: Any) -> str:
    return json.dumps(
        {
            "timestamp": when,
            "level": level,
            "fields": {"message": message, **fields},
            "target": target,
        },
        separators=(",", ":"),
    )


# ------------------------------------------------------------------ 1. Rust tests vs CI db

ORDERS_TEST = """use std::net::TcpStream;

mod support {
    pub fn db_addr() -> String {
        let url = std::env::var("DATABASE_URL").unwrap();
        let rest = url.rsplit('@').next().unwrap();
        %s
    }
}

#[test]
fn reserves_stock_for_open_orders() {
    let addr = support::db_addr();
    let conn = TcpStream::connect(addr.as_str()).unwrap();
    drop(conn);
}

#[test]
fn totals_are_computed_in_cents() {
    assert_eq!(orders::cents(12.5), 1250);
}
"""

ORDERS_LIB = "pub fn cents(v: f64) -> u64 { (v * 100.0).round() as u64 }\n"


def _orders_test(cid: str, body: str, shown: str) -> real.Out:
    """cargo test --test reserve against a closed port shown as ``shown`` (host:port)."""
    port = real.free_port()
    path = real.crate(
        cid,
        {"src/lib.rs": ORDERS_LIB, "tests/reserve.rs": ORDERS_TEST % body},
        package="orders",
    )
    lines, code = real.run(
        ["cargo", "test", "--test", "reserve"],
        path,
        env={
            "CARGO_NET_OFFLINE": "true",
            "DATABASE_URL": f"postgres://orders:orders@127.0.0.1:{port}/orders",
            "PORT_FOR_TEST": str(port),
        },
    )
    lines = [ln.replace(f"127.0.0.1:{port}", shown) for ln in lines]
    out = real.Out("cargo test --test reserve", lines, code)
    assert code != 0 and any("ConnectionRefused" in ln for ln in lines), out
    return out


POOL_TEST = """use std::cell::Cell;
use std::net::TcpStream;
use std::time::{Duration, Instant};

#[derive(Debug)]
pub enum Error {
    PoolTimedOut,
}

pub struct Pool {
    max: usize,
    open: Cell<usize>,
    addr: String,
}

impl Pool {
    pub fn new(max: usize) -> Self {
        let url = std::env::var("REDIS_URL").unwrap();
        let addr = url.trim_start_matches("redis://").to_string();
        Pool { max, open: Cell::new(0), addr }
    }
    pub fn acquire(&self) -> Result<TcpStream, Error> {
        let deadline = Instant::now() + Duration::from_millis(500);
        loop {
            if self.open.get() < self.max {
                if let Ok(conn) = TcpStream::connect(self.addr.as_str()) {
                    self.open.set(self.open.get() + 1);
                    return Ok(conn);
                }
            }
            if Instant::now() >= deadline {
                return Err(Error::PoolTimedOut);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

#[test]
fn session_cache_survives_checkout() {
    let pool = Pool::new(%d);
    let _session = pool.acquire().unwrap();
    let _cart = pool.acquire().unwrap();
}
"""


def _pool_test(cid: str, max_conns: int, port: int) -> real.Out:
    path = real.crate(
        cid,
        {"src/lib.rs": ORDERS_LIB, "tests/session_cache.rs": POOL_TEST % max_conns},
        package="orders",
    )
    lines, code = real.run(
        ["cargo", "test", "--test", "session_cache"],
        path,
        env={"CARGO_NET_OFFLINE": "true", "REDIS_URL": f"redis://127.0.0.1:{port}"},
    )
    out = real.Out("cargo test --test session_cache", lines, code)
    assert code != 0 and any("PoolTimedOut" in ln for ln in lines), out
    return out


def _redis_start(cid: str) -> list[str]:
    when = shapes.ts(clock(cid)[1]).strftime("%d %b %Y %H:%M:%S")
    return [
        f"1:C {when}.118 * oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo",
        f"1:C {when}.118 * Redis version=7.4.1, bits=64, commit=00000000, modified=0, pid=1, "
        "just started",
        f"1:M {when}.120 * Server initialized",
        f"1:M {when}.120 * Ready to accept connections tcp",
    ]


def _arc_ns_steps(ns: str, test: real.Out, env: dict[str, str]) -> list[Any]:
    return [
        *rust_setup(),
        run(
            f"kubectl -n {ns} apply -k deploy/ci",
            [
                "service/postgres unchanged",
                "service/redis unchanged",
                "statefulset.apps/postgres configured",
                "statefulset.apps/redis configured",
            ],
            name="Apply CI dependencies",
        ),
        failing(test, name="Integration tests", env=env),
    ]


def rust_db() -> None:
    at(ORDERS)
    ns = "ci-orders"
    url = f"postgres://orders:***@postgres.{ns}.svc.cluster.local:5432/orders"
    # 1a. trap: the change edits the postgres StatefulSet args; postgres never starts (bolt)
    cid = "fr-zc-pg-statefulset-args-typo-crashloop"
    out = _orders_test(
        cid, "rest.split('/').next().unwrap().to_string()", f"postgres.{ns}.svc:5432"
    )
    _, first, _ = clock(cid)
    pg = f"{first[:10]} {first[11:19]}.118 UTC [1]"
    ctx = crashing(
        cid,
        ns,
        "postgres",
        "docker.io/library/postgres:16.4",
        1,
        [
            f'{pg} FATAL:  unrecognized configuration parameter "max_conections"',
            f"{pg} LOG:  database system is shut down",
        ],
        restarts=5,
        memory="1Gi",
        port=5432,
    )
    ctx = _sts_pod(ctx, "postgres-0")
    ci(
        cid,
        "the orders integration test panics with called Result::unwrap() on an Err value: "
        "ConnectionRefused; the change raised max_connections in deploy/ci/postgres-"
        "statefulset.yaml with a typo (-c max_conections=200) and postgres-0 in the CI "
        "namespace is CrashLoopBackOff logging 'unrecognized configuration parameter'",
        ["look-alike", "context-driven"],
        "bolt",
        "k8s_manifest",
        workflow="ci",
        job="integration",
        repo=ORDERS,
        steps=_arc_ns_steps(ns, out, {"DATABASE_URL": url}),
        message="chore(ci): allow more connections for the parallel integration tests",
        files=["deploy/ci/postgres-statefulset.yaml"],
        pr=pr_of(
            cid,
            "chore(ci): allow more connections for the parallel integration tests",
            "Bumps max connections on the CI postgres so nextest can run 16 test threads.",
        ),
        self_hosted=True,
        extra=ctx,
    )
    # 1b. genuine: the test's connection-string builder drops the port (rex)
    cid = "fr-zc-pg-test-url-builder-drops-port"
    body = (
        "let hostport = rest.split('/').next().unwrap();\n"
        "        let host = hostport.split(':').next().unwrap();\n"
        '        let port = std::env::var("PORT_FOR_TEST").unwrap();\n'
        '        format!("{host}:{port}")'
    )
    out = _orders_test(cid, body, f"postgres.{ns}.svc:5432")
    ready = shapes.pod(
        "postgres-0",
        ns,
        "postgres",
        "docker.io/library/postgres:16.4",
        created=clock(cid)[0],
        ready=True,
        port=5433,
        memory_limit="1Gi",
        owner=("StatefulSet", "postgres"),
    )
    ci(
        cid,
        "the same ConnectionRefused unwrap panic in the orders integration test; postgres-0 "
        "is Ready and listens on 5433 as DATABASE_URL says, but the change rewrote "
        "tests/support/db.rs to rebuild the address from the host alone and always dials "
        "5432",
        ["context-driven"],
        "rex",
        "rust_test",
        workflow="ci",
        job="integration",
        repo=ORDERS,
        steps=_arc_ns_steps(ns, out, {"DATABASE_URL": url.replace(":5432/", ":5433/")}),
        message="test: parse DATABASE_URL without the url crate",
        files=["tests/support/db.rs", "Cargo.toml", "Cargo.lock"],
        pr=pr_of(cid, "test: parse DATABASE_URL without the url crate", "Drops a dev-dependency."),
        self_hosted=True,
        extra={"kubernetes": {"pods": [ready]}},
    )
    # 1c. trap: PoolTimedOut while the test redis is OOMKilled under a new memory limit (bolt)
    cid = "fr-zc-redis-oomkilled-pool-timed-out"
    out = _pool_test(cid, 8, real.free_port())
    ctx = crashing(
        cid,
        ns,
        "redis",
        "docker.io/library/redis:7.4-alpine",
        137,
        _redis_start(cid),
        reason="OOMKilled",
        memory="32Mi",
        port=6379,
    )
    ctx = _sts_pod(ctx, "redis-0")
    ci(
        cid,
        "the session-cache integration test panics with unwrap() on PoolTimedOut; the change "
        "cut the CI redis StatefulSet's memory limit from 256Mi to 32Mi and redis-0 is "
        "OOMKilled (exit 137) in CrashLoopBackOff each time the fixtures load",
        ["look-alike", "context-driven"],
        "bolt",
        "k8s_manifest",
        workflow="ci",
        job="integration",
        repo=ORDERS,
        steps=_arc_ns_steps(ns, out, {"REDIS_URL": f"redis://redis.{ns}.svc:6379"}),
        message="chore(ci): right-size the CI dependencies",
        files=["deploy/ci/redis-statefulset.yaml", "deploy/ci/postgres-statefulset.yaml"],
        self_hosted=True,
        extra=ctx,
    )
    # 1d. genuine: the test-support pool now allows one connection and the test takes two (rex)
    cid = "fr-zc-test-pool-max-one-connection"
    with real.serve((200, "")) as port:
        out = _pool_test(cid, 1, port)
    redis = shapes.pod(
        "redis-0",
        ns,
        "redis",
        "docker.io/library/redis:7.4-alpine",
        created=clock(cid)[0],
        ready=True,
        port=6379,
        memory_limit="256Mi",
        owner=("StatefulSet", "redis"),
    )
    ci(
        cid,
        "the same PoolTimedOut unwrap panic in the session-cache test; redis-0 is Ready with "
        "no restarts and the change set the test-support pool's max size to 1 while the test "
        "holds a session connection and acquires a second for the cart",
        ["context-driven"],
        "rex",
        "rust_test",
        workflow="ci",
        job="integration",
        repo=ORDERS,
        steps=_arc_ns_steps(ns, out, {"REDIS_URL": f"redis://redis.{ns}.svc:6379"}),
        message="test: one pooled connection per test to catch leaks",
        files=["tests/session_cache.rs", "tests/support/pool.rs"],
        self_hosted=True,
        extra={"kubernetes": {"pods": [redis]}},
    )


# ------------------------------------------------------------------ 2. vitest vs compose API

API_TEST = """import { describe, expect, it } from "vitest";
import { API_BASE } from "../src/lib/api.js";

describe("catalog api", () => {
  it("lists products", async () => {
    const res = await fetch(`${API_BASE}/v1/products`);
    expect(res.status).toBe(200);
  });
});
"""


def _vitest_refused(cid: str, shown_port: int) -> real.Out:
    port = real.free_port()
    path = real.node_project(
        cid,
        {
            "src/lib/api.js": f'export const API_BASE = "http://127.0.0.1:{port}";\n',
            "test/catalog.test.js": API_TEST,
        },
    )
    lines, code = real.run(["vitest", "run"], path)
    lines = [ln.replace(str(port), str(shown_port)) for ln in lines]
    out = real.Out("npx vitest run", lines, code)
    assert code != 0 and any("ECONNREFUSED" in ln for ln in lines), out
    return out


def _compose_up() -> Any:
    return run(
        "docker compose -f compose.ci.yml up -d",
        [
            " Network storefront-web_default  Creating",
            " Network storefront-web_default  Created",
            " Container storefront-web-db-1  Creating",
            " Container storefront-web-db-1  Created",
            " Container storefront-web-api-1  Creating",
            " Container storefront-web-api-1  Created",
            " Container storefront-web-db-1  Starting",
            " Container storefront-web-db-1  Started",
            " Container storefront-web-api-1  Starting",
            " Container storefront-web-api-1  Started",
        ],
        name="Start API",
    )


def _compose_ps() -> Any:
    head = (
        "NAME                   IMAGE                              COMMAND                  "
        "SERVICE   CREATED          STATUS                    PORTS"
    )
    return run(
        "docker compose -f compose.ci.yml ps",
        [
            head,
            'storefront-web-api-1   ghcr.io/5dlabs/catalog-api:1.8.2   "/usr/local/bin/cata…"   '
            "api       14 seconds ago   Up 12 seconds (healthy)   0.0.0.0:3001->8080/tcp",
            'storefront-web-db-1    postgres:16.4                      "docker-entrypoint.s…"   '
            "db        14 seconds ago   Up 13 seconds (healthy)   5432/tcp",
        ],
        name="Compose status",
    )


def compose_api() -> None:
    at(WEB)
    # 2a. trap: the compose change gives the API a command it rejects; nothing on 8080 (bolt)
    cid = "fr-zc-compose-api-command-exits"
    out = _vitest_refused(cid, 8080)
    ci(
        cid,
        "vitest fails with TypeError: fetch failed, connect ECONNREFUSED 127.0.0.1:8080; the "
        "change rewrote compose.ci.yml and gave the api service command: ['serve', '--listen', "
        "':8080'], a flag the catalog-api image does not have, so the container exits right "
        "after 'Started'; src/ is untouched",
        ["look-alike", "context-driven"],
        "bolt",
        "yaml_config",
        workflow="web-ci",
        job="unit",
        repo=WEB,
        steps=[
            _compose_up(),
            *node_setup(),
            npm_ci_ok(),
            failing(out, name="Unit tests"),
        ],
        message="chore(compose): one compose file for CI and local dev",
        files=["compose.ci.yml", "compose.yml", "README.md"],
        pr=pr_of(
            cid,
            "chore(compose): one compose file for CI and local dev",
            "Merges docker-compose.dev.yml into compose.yml and points CI at compose.ci.yml.\n\n"
            "Also switches the api service to the explicit `serve --listen :8080` command.",
        ),
    )
    # 2b. genuine: the change moved API_BASE and hard-coded 8080; compose publishes 3001 (blaze)
    cid = "fr-zc-api-base-constant-wrong-port"
    out = _vitest_refused(cid, 8080)
    ci(
        cid,
        "the same fetch failed / ECONNREFUSED 127.0.0.1:8080; the compose api is up and "
        "published on 3001 as before, and the change moved API_BASE from src/config.ts to "
        "src/lib/api.ts with a hard-coded http://127.0.0.1:8080 instead of reading "
        "VITE_API_URL",
        ["context-driven"],
        "blaze",
        "frontend_test",
        workflow="web-ci",
        job="unit",
        repo=WEB,
        steps=[
            _compose_up(),
            _compose_ps(),
            *node_setup(),
            npm_ci_ok(),
            failing(out, name="Unit tests", env={"VITE_API_URL": "http://127.0.0.1:3001"}),
        ],
        message="refactor(api): one module for the API client",
        files=["src/lib/api.ts", "src/config.ts", "src/pages/catalog.tsx"],
    )


# ------------------------------------------------------------------ 3. image builds

WEB_DOCKERFILE = """FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-fund
COPY . .
RUN npm run build

FROM nginx:1.27-alpine
COPY --from=build /app/dist /usr/share/nginx/html
"""

RUST_DOCKERFILE = """FROM rust:1.82%s AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked

FROM gcr.io/distroless/cc-debian12
COPY --from=build /src/target/release/orders-api /usr/local/bin/orders-api
ENTRYPOINT ["/usr/local/bin/orders-api"]
"""

ERESOLVE = """npm error code ERESOLVE
npm error ERESOLVE could not resolve
npm error
npm error While resolving: react-day-picker@8.10.1
npm error Found: react@19.0.0
npm error node_modules/react
npm error   react@"^19.0.0" from the root project
npm error   peer react@"^16.8.0 || ^17.0.0 || ^18.0.0 || ^19.0.0" from @radix-ui/react-popover@1.1.2
npm error
npm error Could not resolve dependency:
npm error peer react@"^16.8.0 || ^17.0.0 || ^18.0.0" from react-day-picker@8.10.1
npm error node_modules/react-day-picker
npm error   react-day-picker@"^8.10.1" from the root project
npm error
npm error Fix the upstream dependency conflict, or retry
npm error this command with --force or --legacy-peer-deps
npm error to accept an incorrect (and potentially broken) dependency resolution.
npm error
npm error
npm error For a full report see:
npm error /root/.npm/_logs/2026-11-02T11_42_07_118Z-eresolve-report.txt"""

OPENSSL_SYS = """   Compiling openssl-sys v0.9.103
error: failed to run custom build command for `openssl-sys v0.9.103`

Caused by:
  process didn't exit successfully: `/src/target/release/build/openssl-sys-2f4e0b8c1a9d7e63/build-script-main` (exit status: 101)
  --- stdout
  cargo:rerun-if-env-changed=X86_64_UNKNOWN_LINUX_GNU_OPENSSL_LIB_DIR
  X86_64_UNKNOWN_LINUX_GNU_OPENSSL_LIB_DIR unset
  cargo:rerun-if-env-changed=OPENSSL_LIB_DIR
  OPENSSL_LIB_DIR unset
  cargo:rerun-if-env-changed=OPENSSL_DIR
  OPENSSL_DIR unset
  cargo:rerun-if-env-changed=PKG_CONFIG_PATH
  cargo:rerun-if-env-changed=PKG_CONFIG
  cargo:warning=Could not find directory of OpenSSL installation, and this `-sys` crate cannot proceed without this knowledge. If OpenSSL is installed and this crate had trouble finding it,  you can set the `OPENSSL_DIR` environment variable for the compilation process. See stderr section below for further information.

  --- stderr


  Could not find directory of OpenSSL installation, and this `-sys` crate cannot
  proceed without this knowledge. If OpenSSL is installed and this crate had
  trouble finding it,  you can set the `OPENSSL_DIR` environment variable for the
  compilation process.

  Make sure you also have the development packages of openssl installed.
  For example, `libssl-dev` on Ubuntu or `openssl-devel` on Fedora.

  If you're in a situation where you think the directory *should* be found
  automatically, please open a bug at https://github.com/sfackler/rust-openssl
  and include information about your system as well as this message.

  $HOST = x86_64-unknown-linux-gnu
  $TARGET = x86_64-unknown-linux-gnu
  openssl-sys = 0.9.103

warning: build failed, waiting for other jobs to finish..."""


def _rust_image(cid: str, variant: str, inner: list[str], code: int = 101) -> tuple[Any, str]:
    dockerfile = RUST_DOCKERFILE % variant
    bk = shapes.BuildKit(cid, dockerfile, context_kb=918.4)
    bk.metadata()
    line = dockerfile.splitlines().index("RUN cargo build --release --locked") + 1
    err = bk.run_until(line, inner, code=code)
    assert err
    image = "ghcr.io/5dlabs/orders-api:sha-" + sha(cid)[:7]
    return buildx_step(bk.finish(err), err, image), image


def image_builds() -> None:
    at(WEB)
    # 3a. wrapper: npm ci ERESOLVE inside docker build after a React 19 bump (blaze)
    cid = "fr-zc-docker-npm-ci-eresolve-react19"
    bk = shapes.BuildKit(cid, WEB_DOCKERFILE)
    bk.metadata()
    err = bk.run_until(4, ERESOLVE.splitlines(), code=1)
    assert err
    image = "ghcr.io/5dlabs/storefront-web:sha-" + sha(cid)[:7]
    ci(
        cid,
        "docker build fails in RUN npm ci with npm ERESOLVE: the change bumped react to "
        "^19.0.0 in package.json while react-day-picker@8 only accepts react up to 18; the "
        "Dockerfile is unchanged",
        ["wrapper", "obvious"],
        "blaze",
        "frontend_deps",
        workflow="image",
        job="build-image",
        repo=WEB,
        steps=[*buildx_setup(), buildx_step(bk.finish(err), err, image)],
        message="deps: react 19",
        files=["package.json", "package-lock.json"],
    )
    # 3b. trap: COPY package-lock.json fails; the new .dockerignore excludes *.json but
    # package.json (bolt)
    cid = "fr-zc-dockerignore-drops-lockfile"
    bk = shapes.BuildKit(cid, WEB_DOCKERFILE, context_kb=233.7)
    bk.metadata()
    err = bk.run_until(3, copy_missing="/package-lock.json")
    assert err
    ci(
        cid,
        "docker build fails at COPY package.json package-lock.json ./ with "
        "'\"/package-lock.json\": not found'; the lockfile is committed and unchanged, and "
        "the change's new .dockerignore has '*.json' followed by '!package.json', which "
        "leaves the lockfile out of the build context",
        ["context-driven"],
        "bolt",
        "docker_build",
        workflow="image",
        job="build-image",
        repo=WEB,
        steps=[*buildx_setup(), buildx_step(bk.finish(err), err, image)],
        message="build: slim the docker build context",
        files=[".dockerignore"],
        pr=pr_of(
            cid,
            "build: slim the docker build context",
            "Keeps fixtures and coverage JSON out of the context (412kB -> 233kB).",
        ),
    )
    # 3e. wrapper: RUN npm run build fails on tsc TS2339 after a component change (blaze)
    cid = "fr-zc-docker-npm-build-ts2339"
    tsc = real.npm_script(
        cid,
        {
            "tsconfig.json": real.TSCONFIG,
            "src/cart.ts": """export interface Cart {
  lines: { sku: string; qty: number }[];
}

export function itemCount(cart: Cart): number {
  return cart.items.reduce((n, l) => n + l.qty, 0);
}
""",
        },
        {"build": "tsc -p . && vite build"},
        "build",
    )
    assert tsc.code != 0 and any("TS2339" in ln for ln in tsc.lines), tsc
    bk = shapes.BuildKit(cid, WEB_DOCKERFILE)
    bk.metadata()
    inner = [ln.replace(real.RUNNER, "/app") for ln in tsc.lines if ln.strip()]
    err = bk.run_until(6, inner, code=2)
    assert err
    ci(
        cid,
        "docker build fails in RUN npm run build with tsc TS2339 'Property items does not "
        "exist on type Cart': the change's itemCount in src/cart.ts reads cart.items while the "
        "Cart interface has lines; the Dockerfile is unchanged",
        ["wrapper", "obvious"],
        "blaze",
        "frontend_typecheck",
        workflow="image",
        job="build-image",
        repo=WEB,
        steps=[
            *buildx_setup(),
            buildx_step(bk.finish(err), err, "ghcr.io/5dlabs/storefront-web:sha-" + sha(cid)[:7]),
        ],
        message="feat(cart): item count badge",
        files=["src/cart.ts", "src/components/CartBadge.tsx"],
    )
    # 3c. wrapper: cargo build --release inside the image fails with E0599 (rex)
    at(ORDERS)
    cid = "fr-zc-docker-cargo-e0599"
    rustc = _cargo_pkg(
        cid,
        "orders-api",
        {
            "src/main.rs": """struct Order { lines: Vec<u32> }

impl Order {
    fn total(&self) -> u32 { self.lines.iter().sum() }
}

fn main() {
    let o = Order { lines: vec![1200, 350] };
    println!("{}", o.total_cents());
}
"""
        },
        ["build", "--release"],
    )
    assert rustc.code != 0 and any("E0599" in ln for ln in rustc.lines), rustc
    inner = [ln.replace(real.RUNNER, "/src") for ln in rustc.lines if ln.strip()]
    step, _ = _rust_image(cid, "", inner)
    ci(
        cid,
        "docker build fails in RUN cargo build --release with error[E0599]: no method named "
        "total_cents found for struct Order; the change renamed the call site in "
        "src/main.rs but never added the method",
        ["wrapper", "obvious"],
        "rex",
        "rust_build",
        workflow="release-image",
        job="docker",
        repo=ORDERS,
        steps=[*buildx_setup(), step],
        message="feat: print order totals in cents",
        files=["src/main.rs"],
    )
    # 3d. trap: openssl-sys build script fails after the base moved to rust:1.82-slim (bolt)
    cid = "fr-zc-docker-slim-base-openssl-sys"
    inner = [
        "    Updating crates.io index",
        "  Downloaded openssl-sys v0.9.103",
        "  Downloaded 212 crates (21.4 MB) in 2.31s",
        "   Compiling libc v0.2.161",
        "   Compiling proc-macro2 v1.0.89",
        "   Compiling cc v1.1.31",
        "   Compiling pkg-config v0.3.31",
        "   Compiling vcpkg v0.2.15",
        *OPENSSL_SYS.splitlines(),
    ]
    step, _ = _rust_image(cid, "-slim", inner)
    ci(
        cid,
        "docker build fails in RUN cargo build --release with cargo's 'failed to run custom "
        "build command for openssl-sys'; the change moved the build stage from rust:1.82 to "
        "rust:1.82-slim, which has neither pkg-config nor libssl-dev; Cargo.toml and "
        "Cargo.lock are untouched",
        ["look-alike", "context-driven"],
        "bolt",
        "docker_build",
        workflow="release-image",
        job="docker",
        repo=ORDERS,
        steps=[*buildx_setup(), step],
        message="build: smaller builder image",
        files=["Dockerfile"],
        pr=pr_of(cid, "build: smaller builder image", "rust:1.82 is 1.4GB; -slim is 700MB."),
    )


# ------------------------------------------------------------------ 4. helm

CONFIG_MAIN = """use std::fmt;

struct JsonError {
    msg: String,
    line: usize,
    column: usize,
}

impl fmt::Debug for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Error({:?}, line: {}, column: {})", self.msg, self.line, self.column)
    }
}

fn load(raw: &str) -> Result<(), JsonError> {
    if !raw.contains("\\"listen_addr\\"") {
        return Err(JsonError { msg: "missing field `listen_addr`".into(), line: 7, column: 1 });
    }
    Ok(())
}

fn main() {
    let raw = r#"{"bind_addr":"0.0.0.0:8080"}"#;
    load(raw).expect("parse /etc/orders/config.json");
}
"""


def _config_panic(cid: str) -> list[str]:
    out = _rust_run(cid, "orders-api", CONFIG_MAIN)
    assert out.code != 0 and any("missing field" in ln for ln in out.lines), out
    _, first, _ = clock(cid)
    start = _tracing(
        first.replace("Z", ".104211Z"),
        "INFO",
        "orders_api",
        "loading config",
        path="/etc/orders/config.json",
    )
    return [start, *[ln.replace("src/main.rs:24:15", "src/config.rs:58:10") for ln in out.lines]]


def _helm_steps(cmd: str, out: list[str], code: int) -> list[Any]:
    return [
        *kube_setup(),
        uses("azure/setup-helm@v4", {"version": "v3.16.3"}, ["Helm v3.16.3 installed"]),
        run(
            "helm dependency build charts/orders-api",
            ["Saving 1 charts", "Deleting outdated charts"],
        ),
        run(cmd, out, code, name="Deploy"),
    ]


def helm() -> None:
    at(ORDERS)
    # 4a. genuine: a template reads .Values.service.http.port after values moved it (bolt)
    cid = "fr-zc-helm-nil-pointer-service-port"
    cmd, out = shapes.helm_upgrade(
        "orders-api",
        "charts/orders-api",
        "orders",
        'template: orders-api/templates/deployment.yaml:41:32: executing "orders-api/templates/'
        'deployment.yaml" at <.Values.service.http.port>: nil pointer evaluating interface '
        "{}.port",
    )
    ci(
        cid,
        "helm upgrade fails rendering templates/deployment.yaml: nil pointer evaluating "
        "interface {}.port at .Values.service.http.port; the change flattened service.http.port "
        "to service.port in values.yaml and left the template reading the old path",
        ["obvious"],
        "bolt",
        "helm",
        workflow="deploy-staging",
        job="helm-upgrade",
        repo=ORDERS,
        steps=_helm_steps(cmd, out, 1),
        message="chore(chart): flatten service values",
        files=["charts/orders-api/values.yaml", "charts/orders-api/values-staging.yaml"],
    )
    # 4b. trap: --wait times out; the service panics on config after a struct rename (rex)
    deadline = "context deadline exceeded"
    for cid, agent, ftype, files, message, desc, tags in (
        (
            "fr-zc-helm-wait-config-field-renamed-rust",
            "rex",
            "rust_test",
            ["src/config.rs", "src/main.rs"],
            "refactor(config): bind_addr -> listen_addr",
            "helm upgrade --wait fails with 'context deadline exceeded'; the new orders-api "
            "pods are CrashLoopBackOff and Loki shows the Rust panic 'parse "
            '/etc/orders/config.json: Error("missing field `listen_addr`")\': the change '
            "renamed the Config struct's bind_addr to listen_addr and the chart's ConfigMap, "
            "untouched, still renders bind_addr",
            ["look-alike", "context-driven"],
        ),
        (
            "fr-zc-helm-wait-configmap-key-renamed-chart",
            "bolt",
            "helm",
            ["charts/orders-api/templates/configmap.yaml", "charts/orders-api/values.yaml"],
            "chore(chart): camelCase keys in the rendered config",
            "the same 'context deadline exceeded' and the same Rust panic 'missing field "
            "`listen_addr`' in Loki; the Rust code is untouched and the change rewrote the "
            "chart's ConfigMap template to render listenAddr instead of listen_addr",
            ["context-driven"],
        ),
    ):
        cmd, out = shapes.helm_upgrade("orders-api", "charts/orders-api", "orders", deadline)
        ctx = crashing(
            cid,
            "orders",
            "orders-api",
            "ghcr.io/5dlabs/orders-api:sha-" + sha(cid)[:7],
            101,
            _config_panic(cid),
        )
        ci(
            cid,
            desc,
            tags,
            agent,
            ftype,
            workflow="deploy-staging",
            job="helm-upgrade",
            repo=ORDERS,
            steps=_helm_steps(cmd, out, 1),
            message=message,
            files=files,
            extra=ctx,
        )


# ------------------------------------------------------------------ 5. Argo CD progress deadline

SSR_SERVER = """const locales = undefined;

function negotiate(header) {
  return header.split(",")[0];
}

console.log(JSON.stringify({ level: 30, time: %d, pid: 1, hostname: "storefront-web", msg: "starting next server on :3000" }));
const fallback = negotiate(locales?.default);
console.log(fallback);
"""

RUST_START = """fn main() {
    let workers: usize = std::env::var("ORDERS_WORKERS")
        .unwrap_or_else(|_| "auto".into())
        .parse()
        .expect("ORDERS_WORKERS must be a number");
    println!("{workers}");
}
"""


def _argo_steps(ns: str, deploy: str, cid: str) -> list[Any]:
    out = rollout(cid, ns, deploy, 3, 1, 0, deadline=True)
    assert out.code != 0 and any("progress deadline" in ln for ln in out.lines), out
    return [
        *kube_setup(),
        run(
            f"argocd app sync {deploy} --grpc-web && argocd app wait {deploy} --sync --grpc-web",
            [f"Name:               argocd/{deploy}", "Sync Status:        Synced to main"],
            name="Sync",
        ),
        failing(out, name="Wait for rollout"),
    ]


def _argo(app: str, deploy: str) -> list[dict[str, Any]]:
    return [
        {
            "name": app,
            "sync_status": "Synced",
            "health_status": "Degraded",
            "message": f'Deployment "{deploy}" exceeded its progress deadline',
        }
    ]


def argo_deadline() -> None:
    # 5a. Node SSR TypeError at startup (blaze)
    at(WEB)
    cid = "fr-zc-argo-deadline-ssr-typeerror"
    started = int(shapes.ts(clock(cid)[1]).timestamp() * 1000) + 118
    node = real.node_run(cid, {"server.js": SSR_SERVER % started}, "server.js")
    assert node.code != 0 and any("TypeError" in ln for ln in node.lines), node
    logs = [ln.replace(real.RUNNER, "/app") for ln in node.lines]
    ctx = crashing(
        cid,
        "storefront",
        "storefront-web",
        "ghcr.io/5dlabs/storefront-web:sha-" + sha(cid)[:7],
        1,
        logs,
        port=3000,
    )
    ci(
        cid,
        "kubectl rollout status: deployment exceeded its progress deadline, Argo CD Degraded; "
        "the new storefront-web pods are CrashLoopBackOff and Loki shows the Node server "
        "dying on TypeError: Cannot read properties of undefined (reading 'split') in the "
        "locale negotiation the change added to the SSR server; the manifests are untouched",
        ["look-alike", "context-driven"],
        "blaze",
        "frontend_test",
        workflow="deploy-prod",
        job="rollout",
        repo=WEB,
        steps=_argo_steps("storefront", "storefront-web", cid),
        message="feat(ssr): negotiate the locale on the server",
        files=["server.js", "src/lib/locale.ts", "src/app/layout.tsx"],
        extra={**ctx, "argocd": _argo("storefront-web", "storefront-web")},
    )
    # 5b. Rust startup panic (rex)
    at(ORDERS)
    cid = "fr-zc-argo-deadline-rust-workers-parse"
    out = _rust_run(cid, "orders-api", RUST_START)
    assert out.code != 0 and any("panicked" in ln for ln in out.lines), out
    ctx = crashing(
        cid, "orders", "orders-api", "ghcr.io/5dlabs/orders-api:sha-" + sha(cid)[:7], 101, out.lines
    )
    ci(
        cid,
        "the same progress deadline and Degraded app; the orders-api pods crash on 'ORDERS_"
        "WORKERS must be a number: ParseIntError { kind: InvalidDigit }': the change made "
        "main.rs parse ORDERS_WORKERS with a default of 'auto' and the deployment never sets it",
        ["look-alike", "context-driven"],
        "rex",
        "rust_test",
        workflow="deploy-prod",
        job="rollout",
        repo=ORDERS,
        steps=_argo_steps("orders", "orders-api", cid),
        message="feat: configurable worker count",
        files=["src/main.rs", "README.md"],
        extra={**ctx, "argocd": _argo("orders-api", "orders-api")},
    )
    # 5c. configMapKeyRef to a key the change removed (bolt)
    at(OPS)
    cid = "fr-zc-argo-deadline-configmapkeyref-missing"
    created, first, last = clock(cid)
    msg = "couldn't find key database_url in ConfigMap orders/orders-env"
    pods, events = [], []
    for i in range(2):
        name = pod_name(cid, "orders-api", str(i))
        pods.append(
            shapes.pod(
                name,
                "orders",
                "orders-api",
                "ghcr.io/5dlabs/orders-api:1.42.0",
                created=created,
                waiting=("CreateContainerConfigError", msg),
                port=8080,
                memory_limit="256Mi",
            )
        )
        events.append(
            shapes.event(
                "orders",
                "Pod",
                name,
                "Failed",
                f"Error: {msg}",
                first=first,
                last=last,
                count=h(cid + str(i), 20, 60),
            )
        )
    ci(
        cid,
        "the same progress deadline and Degraded app; the new pods are "
        "CreateContainerConfigError, 'couldn't find key database_url in ConfigMap "
        "orders/orders-env': the change renamed the key to DATABASE_URL in the overlay's "
        "configMapGenerator while the Deployment's configMapKeyRef still reads database_url",
        ["context-driven"],
        "bolt",
        "k8s_manifest",
        workflow="deploy-prod",
        job="rollout",
        repo=OPS,
        steps=_argo_steps("orders", "orders-api", cid),
        message="chore(orders): upper-case env keys",
        files=["apps/orders/overlays/prod/kustomization.yaml", "apps/orders/base/env.properties"],
        extra={
            "kubernetes": {"pods": pods, "events": events},
            "argocd": _argo("orders-api", "orders-api"),
        },
    )


# ------------------------------------------------------------------ 6. snapshots

BAR = "─" * 12
RULE = "━" * 80
LINE = "─" * 80


def _insta_block(old: str, new: str) -> list[str]:
    return [
        RULE,
        "Snapshot Summary",
        RULE,
        "Snapshot file: tests/snapshots/receipt__order_receipt.snap",
        "Snapshot: order_receipt",
        "Source: tests/receipt.rs:21",
        LINE,
        "Expression: render_receipt(&order)",
        LINE,
        "-old snapshot",
        "+new results",
        BAR + "┬" + "─" * 67,
        "    0     0 │ order #4411",
        f"    1       │-placed: {old}",
        f"          1 │+placed: {new}",
        "    2     2 │ total: 13.50 EUR",
        BAR + "┴" + "─" * 67,
        "To update snapshots run `cargo insta review`",
        "Stopped on the first failure. Run `cargo insta test` to run all snapshots.",
    ]


INSTA_TEST = """#[test]
fn order_receipt() {
    for line in SUMMARY.lines() {
        eprintln!("{line}");
    }
    panic!("snapshot assertion for 'order_receipt' failed in line 21");
}

#[test]
fn refund_receipt() {}

const SUMMARY: &str = r#"%s"#;
"""


def _insta(cid: str, old: str, new: str) -> real.Out:
    path = real.crate(
        cid,
        {
            "src/lib.rs": ORDERS_LIB,
            "tests/receipt.rs": INSTA_TEST % "\n".join(_insta_block(old, new)),
        },
        package="orders",
    )
    lines, code = real.run(
        ["cargo", "test", "--test", "receipt"], path, env={"CARGO_NET_OFFLINE": "true"}
    )
    lines = [
        re.sub(
            r"panicked at tests/receipt.rs:\d+:\d+:",
            "panicked at /home/runner/.cargo/registry/src/index.crates.io-6f17d22bba15001f/"
            "insta-1.41.1/src/runtime.rs:679:13:",
            ln,
        )
        for ln in lines
    ]
    out = real.Out("cargo test --test receipt", lines, code)
    assert code != 0 and any("snapshot assertion" in ln for ln in lines), out
    return out


PRICE = """export function formatPrice(cents) {
  return (cents / 100).toLocaleString(%s, { minimumFractionDigits: 2 });
}
"""

PRICE_TEST = """const { formatPrice } = require("./price");

test("cart total", () => {
  expect(`Total: ${formatPrice(123450)}`).toMatchSnapshot();
});
"""

PRICE_SNAP = """// Jest Snapshot v1, https://goo.gl/fbAQLP

exports[`cart total 1`] = `"Total: 1,234.50"`;
"""


def _jest_price(cid: str, locale: str, lang: str) -> real.Out:
    path = real.scratch(
        cid,
        {
            "package.json": '{"name":"web","version":"0.3.0","private":true}\n',
            "price.js": (PRICE % locale).replace("export function", "function")
            + "module.exports = { formatPrice };\n",
            "price.test.js": PRICE_TEST,
            "__snapshots__/price.test.js.snap": PRICE_SNAP,
        },
    )
    real.link_node_modules(path)
    lines, code = real.run(["jest", "--ci"], path, env={"LANG": lang, "LC_ALL": lang})
    out = real.Out("npx jest --ci", lines, code)
    assert code != 0 and any("1.234,50" in ln for ln in lines), out
    return out


def snapshots() -> None:
    at(ORDERS)
    # 6a. trap: the workflow set TZ for another job; the receipt renders in CET (atlas)
    cid = "fr-zc-insta-tz-workflow-env"
    out = _insta(cid, "2026-11-02 09:15 UTC", "2026-11-02 10:15 CET")
    ci(
        cid,
        "cargo test fails on the insta snapshot order_receipt: 'placed: 2026-11-02 09:15 UTC' "
        "became '10:15 CET'; the change only edited .github/workflows/ci.yml, adding a "
        "workflow-level env TZ: Europe/Berlin for the new report job, and the receipt formats "
        "with the process's local zone",
        ["look-alike", "context-driven"],
        "atlas",
        "general",
        workflow="ci",
        job="test",
        repo=ORDERS,
        steps=[*rust_setup(), failing(out, name="cargo test", env={"TZ": "Europe/Berlin"})],
        message="ci: nightly sales report in Berlin time",
        files=[".github/workflows/ci.yml", "scripts/sales_report.sh"],
        pr=pr_of(
            cid,
            "ci: nightly sales report in Berlin time",
            "The finance team reads the report in CET, so the workflow sets TZ.",
        ),
    )
    # 6b. genuine: the change made the formatter convert to the shop's zone (rex)
    cid = "fr-zc-insta-formatter-shop-timezone"
    out = _insta(cid, "2026-11-02 09:15 UTC", "2026-11-02 10:15 CET")
    ci(
        cid,
        "the same insta diff, 'placed: 2026-11-02 09:15 UTC' -> '10:15 CET', on a runner in "
        "UTC; the change edited render_receipt in src/receipt.rs to convert to the shop's "
        "Europe/Berlin zone without updating the accepted snapshot",
        ["context-driven"],
        "rex",
        "rust_test",
        workflow="ci",
        job="test",
        repo=ORDERS,
        steps=[*rust_setup(), failing(out, name="cargo test")],
        message="feat(receipt): show times in the shop's timezone",
        files=["src/receipt.rs", "Cargo.toml", "Cargo.lock"],
    )
    at(WEB)
    # 6c. trap: the re-imaged self-hosted runner runs in de_DE; docs-only diff (atlas)
    cid = "fr-zc-jest-locale-runner-image"
    out = _jest_price(cid, "undefined", "de_DE.UTF-8")
    ci(
        cid,
        "a Jest snapshot fails: 'Total: 1,234.50' became 'Total: 1.234,50'; the PR only "
        "touches docs, formatPrice uses the default locale, and the self-hosted runner pool "
        "was re-imaged with LANG=de_DE.UTF-8 (the locale step prints it)",
        ["look-alike", "context-driven"],
        "atlas",
        "general",
        workflow="web-ci",
        job="unit",
        repo=WEB,
        steps=[
            run("locale | head -2", ["LANG=de_DE.UTF-8", "LANGUAGE="], name="Runner locale"),
            *node_setup(),
            npm_ci_ok(),
            failing(out, name="Unit tests"),
        ],
        message="docs: how to run the storybook locally",
        files=["docs/storybook.md", "README.md"],
        self_hosted=True,
    )
    # 6d. genuine: the component change hard-codes de-DE (blaze)
    cid = "fr-zc-jest-locale-component-change"
    out = _jest_price(cid, '"de-DE"', "C.UTF-8")
    ci(
        cid,
        "the same Jest snapshot diff, 'Total: 1,234.50' -> 'Total: 1.234,50'; the change "
        "made formatPrice call toLocaleString('de-DE') for the German storefront instead of "
        "taking the locale from the request",
        ["context-driven"],
        "blaze",
        "frontend_test",
        workflow="web-ci",
        job="unit",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Unit tests")],
        message="feat(de): German price format",
        files=["src/lib/price.ts", "src/components/CartTotal.tsx"],
        pr=pr_of(cid, "feat(de): German price format", "Prices in the German shop use 1.234,50."),
    )


# ------------------------------------------------------------------ 8. canary HighErrorRate

PANIC_HANDLER = """fn main() {
    let h = std::thread::Builder::new()
        .name("tokio-runtime-worker".into())
        .spawn(|| {
            let lines: Vec<u32> = Vec::new();
            let first = lines[0];
            println!("{first}");
        })
        .unwrap();
    let _ = h.join();
    std::process::exit(0);
}
"""


def _canary_steps(ratio: str) -> list[Any]:
    gate = run(
        "./scripts/canary-gate.sh checkout-api",
        [
            "canary checkout-api: 10% traffic for 5m",
            'query: sum(rate(http_requests_total{service="checkout-api",code=~"5.."}[5m])) / '
            'sum(rate(http_requests_total{service="checkout-api"}[5m]))',
            f"error ratio {ratio} > threshold 0.05",
            'ALERTS{alertname="HighErrorRate",service="checkout-api"} firing',
            "canary failed: rolling back checkout-api",
        ],
        1,
        name="Canary gate",
    )
    return [
        *kube_setup(),
        run(
            "kubectl -n checkout apply -k deploy/canary",
            ["deployment.apps/checkout-api-canary configured"],
        ),
        gate,
    ]


def _epoch(cid: str) -> int:
    return int(shapes.ts(clock(cid)[2]).timestamp())


def _alert(cid: str, ratio: str) -> dict[str, Any]:
    return {
        'ALERTS{alertname="HighErrorRate",alertstate="firing"}': [
            {
                "metric": {
                    "__name__": "ALERTS",
                    "alertname": "HighErrorRate",
                    "alertstate": "firing",
                    "service": "checkout-api",
                    "namespace": "checkout",
                    "severity": "critical",
                },
                "value": [_epoch(cid), "1"],
            }
        ],
        'sum(rate(http_requests_total{service="checkout-api",code=~"5.."}[5m])) / '
        'sum(rate(http_requests_total{service="checkout-api"}[5m]))': [
            {"metric": {}, "value": [_epoch(cid), ratio]}
        ],
    }


def canary() -> None:
    at(CHECKOUT)
    # 8a. Rust panic in the new release (rex)
    cid = "fr-zc-canary-rust-panic-empty-cart"
    out = _rust_run(cid, "checkout-api", PANIC_HANDLER)
    panic = [ln for ln in out.lines if ln.strip()]
    assert any("index out of bounds" in ln for ln in panic), out
    _, first, _ = clock(cid)
    loki = [
        _tracing(
            first.replace("Z", f".{100 + i:03d}Z"),
            "ERROR",
            "tower_http::trace",
            "response failed",
            classification="Status code: 500 Internal Server Error",
            latency="3 ms",
        )
        for i in range(3)
    ] + [ln.replace("src/main.rs", "src/handlers/quote.rs") for ln in panic]
    ctx = {
        "kubernetes": {
            "pods": [
                shapes.pod(
                    pod_name(cid, "checkout-api-canary"),
                    "checkout",
                    "checkout-api-canary",
                    "ghcr.io/5dlabs/checkout-api:sha-" + sha(cid)[:7],
                    created=clock(cid)[0],
                    ready=True,
                    port=8080,
                    memory_limit="512Mi",
                )
            ]
        },
        "loki": loki,
        "prometheus": _alert(cid, "0.184"),
    }
    ci(
        cid,
        "the canary gate fails on HighErrorRate firing for checkout-api; Loki shows the new "
        "release panicking 'index out of bounds: the len is 0 but the index is 0' in the "
        "quote handler the change rewrote, for empty carts",
        ["context-driven"],
        "rex",
        "rust_test",
        workflow="deploy",
        job="canary",
        repo=CHECKOUT,
        steps=_canary_steps("0.184"),
        message="perf(quote): skip the cart clone",
        files=["src/handlers/quote.rs"],
        event="sensor",
        extra=ctx,
    )
    # 8b. pool exhausted; postgres max_connections halved in the chart values (bolt)
    cid = "fr-zc-canary-pg-max-connections-halved"
    _, first, _ = clock(cid)
    loki = [
        _tracing(
            first.replace("Z", f".{200 + i:03d}Z"),
            "ERROR",
            "checkout_api::db",
            "connection pool exhausted",
            error="pool timed out while waiting for an open connection",
            pool_size=20,
        )
        for i in range(3)
    ] + [
        f"{first[:10]} {first[11:19]}.31{i} UTC [{4100 + i}] FATAL:  sorry, too many clients "
        "already"
        for i in range(2)
    ]
    ctx = {
        "loki": loki,
        "prometheus": {
            **_alert(cid, "0.212"),
            'sum(pg_stat_activity_count{datname="checkout"})': [
                {"metric": {}, "value": [_epoch(cid), "50"]}
            ],
            "pg_settings_max_connections": [
                {
                    "metric": {"instance": "checkout-pg-0", "server": "checkout-pg"},
                    "value": [_epoch(cid), "50"],
                }
            ],
        },
    }
    ci(
        cid,
        "the canary gate fails on HighErrorRate; Loki shows 'connection pool exhausted' and "
        "postgres 'sorry, too many clients already', Prometheus shows the database at "
        "max_connections 50: the change halved max_connections in the postgres chart's "
        "values while 3 replicas + the canary each keep 20-connection pools",
        ["look-alike", "context-driven", "multi-signal"],
        "bolt",
        "helm",
        workflow="deploy",
        job="canary",
        repo=CHECKOUT,
        steps=_canary_steps("0.212"),
        message="chore(pg): trim postgres memory",
        files=["deploy/charts/checkout-pg/values.yaml"],
        event="sensor",
        extra=ctx,
    )
    # 8c. payment provider 503, nothing of ours changed (atlas)
    cid = "fr-zc-canary-payment-provider-503"
    _, first, _ = clock(cid)
    loki = [
        _tracing(
            first.replace("Z", f".{300 + i:03d}Z"),
            "WARN",
            "checkout_api::payments",
            "payment provider call failed",
            status=503,
            url="https://api.paylane.example/v2/intents",
            attempt=i % 3 + 1,
        )
        for i in range(5)
    ]
    ctx = {
        "loki": loki,
        "prometheus": {
            **_alert(cid, "0.097"),
            "sum by (status) (rate(payment_provider_requests_total[5m]))": [
                {"metric": {"status": "503"}, "value": [_epoch(cid), "4.1"]},
                {"metric": {"status": "200"}, "value": [_epoch(cid), "0.3"]},
            ],
        },
    }
    ci(
        cid,
        "the canary gate fails on HighErrorRate; Loki shows the payment provider answering "
        "503 to every intent call from the canary and the stable pods alike, and the change "
        "only edits a log message; nothing of ours broke, the provider is down",
        ["look-alike", "context-driven"],
        "atlas",
        "general",
        workflow="deploy",
        job="canary",
        repo=CHECKOUT,
        steps=_canary_steps("0.097"),
        message="chore(log): clearer refund log line",
        files=["src/handlers/refund.rs"],
        event="sensor",
        extra=ctx,
    )
