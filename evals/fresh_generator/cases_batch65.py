"""Batch 65 of the fresh split (ids ``fr-zzm-``): tests that need infrastructure.
Integration tests on testcontainers (Rust and Node), docker-in-docker sidecars, a local kind
cluster, LocalStack, WireMock and MSW mocks, fixtures downloaded at test time and GitHub
Actions service containers. The same failing test is the code's bug (a wrong query, a changed
API contract, a race, a wait strategy) or the environment's (no Docker socket on the runner,
a pull rate limit, a leftover kind cluster, a fixture host down, a port clash, a broken dind
daemon); some decided only by the previous attempt's log, the pods or the Loki lines.

Run here for real: cargo test, rustc, vitest, curl against a 127.0.0.1 server, ``kubectl
kustomize``. Written in the tools' own formats: testcontainers' and Docker's errors, kind,
the runner's service-container steps, dockerd's log.
"""

from __future__ import annotations

import real
import shapes
from fcommon import at, ci, failing, node_setup, npm_ci_ok, pr_of, run, rust_setup, uses
from gha import Job
from helpers import clock, pod_name

API = "5dlabs/ledger"
WEB = "5dlabs/portal"
OPS = "5dlabs/fleet"
PFX = "fr-zzm-"


def build() -> None:
    obvious()
    testcontainers_rust()
    testcontainers_node()
    mocks_and_fixtures()
    kind_clusters()
    dind_and_services()


# ------------------------------------------------------------------ real runs


def cargo_it(name: str, test: str, body: str, shown: str) -> real.Out:
    """A real ``cargo test`` of one integration test; ``body`` is the test function's body."""
    src = (
        "use std::fmt;\n"
        "pub struct E(pub &'static str);\n"
        "impl fmt::Debug for E {\n"
        "    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.0) }\n"
        "}\n"
    )
    package = shown.split("-p ")[1].split()[0]
    files = {
        "Cargo.toml": real.cargo_toml(package),
        "src/lib.rs": src,
        f"tests/{test}.rs": body.replace("ledger_store::", package.replace("-", "_") + "::"),
    }
    out = real.cargo("b65-" + name, files, ["test", "--test", test], shown)
    assert any("panicked at" in ln for ln in out.lines), out.lines
    return out


def unwrap_test(fn: str, prints: list[str], err: str) -> str:
    lines = "".join(f'    println!("{{}}", r#"{p}"#);\n' for p in prints)
    return (
        "use ledger_store::E;\n\n#[test]\n"
        f"fn {fn}() {{\n{lines}"
        f'    let r: Result<(), E> = Err(E(r#"{err}"#));\n'
        "    r.unwrap();\n}\n"
    )


def rust_bin(package: str, source: str, env: dict[str, str]) -> real.Out:
    """Compile and run a small binary named like the product's; its stderr is the pod's log."""
    path = real.crate("b65-bin-" + package, {"src/main.rs": source}, package=package)
    build, code = real.run(
        ["cargo", "build", "-q", "--release"], path, env={"CARGO_NET_OFFLINE": "true"}
    )
    if code:
        raise RuntimeError("\n".join(build))
    exe = path / "target" / "release" / package
    lines, code = real.run([str(exe)], path, env=env)
    return real.Out(f"/usr/local/bin/{package}", lines, code)


def vitest(name: str, files: dict[str, str]) -> real.Out:
    return real.vitest("b65-" + name, files)


def sh(name: str, files: dict[str, str], script: str, shown: str, **kw: object) -> real.Out:
    return real.sh("b65-" + name, files, script, shown, **kw)  # type: ignore[arg-type]


def _prev(cid: str, repo: str, workflow: str, job: str, steps: list, label: str) -> None:
    """An earlier attempt of the same job, in the last case's context."""
    import common

    other = Job(cid + ":prev", repo, workflow, job, "main", steps)
    common.CASES[-1]["context"]["logs"][f"{job} ({label})"] = other.log()


def init_containers(lines: list[str], error: str | None = None) -> object:
    """The runner's 'Initialize containers' step for service containers."""
    from gha import Step

    return Step(
        "Initialize containers",
        lines + ([f"##[error]{error}"] if error else []),
        "failure" if error else "success",
        None,
        12.0,
    )


def docker_preamble(image: str, net: str) -> list[str]:
    return [
        "##[group]Checking docker version",
        "##[command]/usr/bin/docker version --format '{{.Server.APIVersion}}'",
        "'1.47'",
        "Docker daemon API version: '1.47'",
        "##[command]/usr/bin/docker version --format '{{.Client.APIVersion}}'",
        "'1.47'",
        "Docker client API version: '1.47'",
        "##[endgroup]",
        "##[group]Clean up resources from previous jobs",
        '##[command]/usr/bin/docker ps --all --quiet --no-trunc --filter "label=7f3c1a"',
        '##[command]/usr/bin/docker network prune --force --filter "label=7f3c1a"',
        "##[endgroup]",
        "##[group]Create local container network",
        f"##[command]/usr/bin/docker network create --label 7f3c1a {net}",
        "4c0e9b1d2a7f6e5c8b3a9d0f1e2c3b4a5d6e7f8091a2b3c4d5e6f708192a3b4c",
        "##[endgroup]",
        "##[group]Starting postgres service container",
        f"##[command]/usr/bin/docker pull {image}",
    ]


# ------------------------------------------------------------------ 0. obvious


def obvious() -> None:
    at(API)
    cid = PFX + "integration-test-mismatched-types"
    out = real.cargo(
        "b65-obv-e0308",
        {
            "Cargo.toml": real.cargo_toml("ledger-store"),
            "src/lib.rs": "pub fn insert_entry(amount_cents: i64) -> u64 { amount_cents as u64 }\n",
            "tests/pg_entries.rs": (
                "#[test]\nfn inserts_entry() {\n"
                '    let id: u64 = ledger_store::insert_entry("1250");\n'
                "    assert!(id > 0);\n}\n"
            ),
        },
        ["test", "--test", "pg_entries"],
        "cargo test --test pg_entries",
    )
    ci(
        cid,
        'the Postgres integration test does not compile: `insert_entry("1250")` passes a &str '
        "where the changed signature takes i64 (E0308); rustc, before any container starts",
        ["obvious"],
        "rex",
        "rust_build",
        repo=API,
        workflow="integration",
        job="pg-integration",
        steps=[*rust_setup(), failing(out)],
        message="refactor(store): amounts in cents as i64",
        files=["crates/ledger-store/src/lib.rs", "crates/ledger-store/tests/pg_entries.rs"],
    )

    at(WEB)
    cid = PFX + "msw-test-renamed-field"
    out = vitest(
        "obv-msw",
        {
            "src/users.js": (
                "export async function loadUser(fetchJson, id) {\n"
                "  const body = await fetchJson(`/api/users/${id}`);\n"
                "  return { id: body.id, name: body.fullName };\n}\n"
            ),
            "src/users.test.js": (
                "import { expect, test } from 'vitest';\nimport { loadUser } from './users.js';\n\n"
                "// the MSW handler for GET /api/users/:id answers { id, name }\n"
                "const fetchJson = async () => ({ id: 7, name: 'Ada Lovelace' });\n\n"
                "test('loads a user through the mocked API', async () => {\n"
                "  const user = await loadUser(fetchJson, 7);\n"
                "  expect(user.name).toBe('Ada Lovelace');\n});\n"
            ),
        },
    )
    ci(
        cid,
        "vitest: `expected undefined to be 'Ada Lovelace'` against the MSW handler that answers "
        "`{ id, name }`; the change made loadUser read `body.fullName`",
        ["obvious"],
        "blaze",
        "frontend_test",
        repo=WEB,
        workflow="ci",
        job="test",
        steps=[*node_setup(), npm_ci_ok(), failing(out)],
        message="feat(users): show full name",
        files=["src/users.js"],
    )

    at(API)
    cid = PFX + "service-container-pull-rate-limit"
    msg = (
        "Error response from daemon: toomanyrequests: You have reached your unauthenticated "
        "pull rate limit. https://www.docker.com/increase-rate-limit"
    )
    ci(
        cid,
        "the runner's Initialize containers step cannot pull the `postgres:16-alpine` service "
        "image: Docker Hub's `toomanyrequests` pull rate limit; no test ran",
        ["obvious"],
        "atlas",
        "general",
        repo=API,
        workflow="integration",
        job="pg-integration",
        steps=[
            init_containers(
                [
                    *docker_preamble("postgres:16-alpine", "github_network_5e1d0c"),
                    msg,
                    "Warning: Docker pull failed with exit code 1, back off 6.338 seconds before retry.",
                    "##[command]/usr/bin/docker pull postgres:16-alpine",
                    msg,
                    "Warning: Docker pull failed with exit code 1, back off 8.113 seconds before retry.",
                    "##[command]/usr/bin/docker pull postgres:16-alpine",
                    msg,
                ],
                "Docker pull failed with exit code 1",
            )
        ],
        message="docs: note the ledger retention policy",
        files=["docs/retention.md"],
    )

    at(OPS)
    cid = PFX + "kind-e2e-kustomize-missing-resource"
    out = sh(
        "obv-kustomize",
        {
            "deploy/e2e/kustomization.yaml": (
                "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
                "namespace: fleet-e2e\nresources:\n  - ../base\n  - fleet-api-service.yaml\n"
            ),
            "deploy/base/kustomization.yaml": (
                "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
                "resources:\n  - deployment.yaml\n"
            ),
            "deploy/base/deployment.yaml": (
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: fleet-api\nspec:\n"
                "  selector:\n    matchLabels: {app: fleet-api}\n  template:\n    metadata:\n"
                "      labels: {app: fleet-api}\n    spec:\n      containers:\n"
                "        - name: fleet-api\n          image: fleet-api:e2e\n"
            ),
        },
        "kubectl kustomize deploy/e2e > /dev/null",
        "kubectl kustomize deploy/e2e | kubectl apply -f -",
    )
    ci(
        cid,
        "the kind e2e job's `kubectl kustomize deploy/e2e` fails: the overlay lists "
        "`fleet-api-service.yaml`, which the change renamed; kustomize, before the cluster is used",
        ["obvious"],
        "bolt",
        "k8s_manifest",
        repo=OPS,
        workflow="e2e",
        job="kind-e2e",
        steps=[
            uses("helm/kind-action@v1", {"cluster_name": "e2e"}, KIND_OK),
            failing(out),
        ],
        message="chore(deploy): rename e2e service manifest",
        files=["deploy/e2e/fleet-api-svc.yaml", "deploy/e2e/kustomization.yaml"],
    )


KIND_OK = [
    'Creating cluster "e2e" ...',
    " ✓ Ensuring node image (kindest/node:v1.32.2) 🖼",
    " ✓ Preparing nodes 📦",
    " ✓ Writing configuration 📜",
    " ✓ Starting control-plane 🕹️",
    " ✓ Installing CNI 🔌",
    " ✓ Installing StorageClass 💾",
    'Set kubectl context to "kind-e2e"',
]


# ------------------------------------------------------------------ 1. testcontainers, Rust

TC_UP = [
    "Pulling image: postgres:16-alpine",
    "Creating container for image: postgres:16-alpine",
    "Container started: 9c1e4f2a7b3d",
    "Waiting for log message: database system is ready to accept connections",
    "Container ready: 9c1e4f2a7b3d (mapped 5432/tcp -> 127.0.0.1:32771)",
]


def testcontainers_rust() -> None:
    at(API)
    # a. the query is wrong: the container is up, Postgres rejects the column
    cid = PFX + "testcontainers-rs-query-unknown-column"
    out = cargo_it(
        "tc-column",
        "pg_balances",
        unwrap_test(
            "balance_sums_entries_per_tenant",
            TC_UP,
            'Database(PgDatabaseError { severity: Error, code: "42703", message: "column '
            'e.tenant_id does not exist", detail: None, hint: Some("Perhaps you meant to '
            'reference the column \\"e.tenant\\"."), position: Some(Original(48)) })',
        ),
        "cargo test -p ledger-store --test pg_balances",
    )
    ci(
        cid,
        "the testcontainers Postgres came up (`Container ready`), then the balance query fails "
        "with Postgres 42703 `column e.tenant_id does not exist`; the change rewrote the query "
        "in src/balances.rs while the migration names the column `tenant`",
        ["look-alike"],
        "rex",
        "rust_test",
        repo=API,
        workflow="integration",
        job="pg-integration",
        steps=[*rust_setup(), failing(out)],
        message="perf(balances): single query per tenant",
        files=["crates/ledger-store/src/balances.rs"],
        pr=pr_of(cid, "perf(balances): single query per tenant"),
    )

    # b. same test, the container never starts: Docker Hub rate limit
    cid = PFX + "testcontainers-rs-pull-rate-limit"
    out = cargo_it(
        "tc-ratelimit",
        "pg_balances",
        unwrap_test(
            "balance_sums_entries_per_tenant",
            ["Pulling image: postgres:16-alpine"],
            'Client(PullImage { descriptor: "postgres:16-alpine", err: '
            'DockerResponseServerError { status_code: 500, message: "toomanyrequests: You '
            "have reached your unauthenticated pull rate limit. "
            'https://www.docker.com/increase-rate-limit" } })',
        ),
        "cargo test -p ledger-store --test pg_balances",
    )
    ci(
        cid,
        "the same Postgres integration test panics before any query: testcontainers' "
        "`PullImage` of postgres:16-alpine got Docker Hub's `toomanyrequests`; the change "
        "touched only a README",
        ["look-alike"],
        "atlas",
        "general",
        repo=API,
        workflow="integration",
        job="pg-integration",
        steps=[*rust_setup(), failing(out)],
        message="docs(store): describe the balance query",
        files=["crates/ledger-store/README.md"],
    )

    # c. a race in the code: the outbox worker is not awaited before the assertion
    cid = PFX + "testcontainers-rs-outbox-race"
    body = (
        "use std::sync::{Arc, atomic::{AtomicUsize, Ordering}};\n\n#[test]\n"
        "fn outbox_relays_every_row() {\n"
        + "".join(f'    println!("{{}}", r#"{s}"#);\n' for s in TC_UP)
        + "    let sent = Arc::new(AtomicUsize::new(0));\n"
        "    let s = sent.clone();\n"
        "    let _worker = std::thread::spawn(move || {\n"
        "        std::thread::sleep(std::time::Duration::from_millis(300));\n"
        "        for _ in 0..3 { s.fetch_add(1, Ordering::SeqCst); }\n"
        "    });\n"
        "    // relay() now returns once the worker is spawned, not when it has drained\n"
        '    assert_eq!(sent.load(Ordering::SeqCst), 3, "outbox rows relayed");\n}\n'
    )
    out = cargo_it("tc-race", "pg_outbox", body, "cargo test -p ledger-store --test pg_outbox")
    ci(
        cid,
        "the outbox integration test on a testcontainers Postgres asserts 3 relayed rows and "
        "sees 0: the change made `relay()` return after spawning the worker instead of after "
        "draining; the container was ready, a race in the code",
        ["look-alike"],
        "rex",
        "rust_test",
        repo=API,
        workflow="integration",
        job="pg-integration",
        steps=[*rust_setup(), failing(out)],
        message="feat(outbox): relay in the background",
        files=["crates/ledger-store/src/outbox.rs"],
    )

    # d. no Docker socket on the runner the workflow moved to
    cid = PFX + "testcontainers-rs-no-docker-socket"
    out = cargo_it(
        "tc-socket",
        "pg_outbox",
        unwrap_test(
            "outbox_relays_every_row",
            [],
            'Client(Init(SocketNotFoundError("/var/run/docker.sock")))',
        ),
        "cargo test -p ledger-store --test pg_outbox",
    )
    ci(
        cid,
        "the outbox test panics in testcontainers' client init: "
        '`SocketNotFoundError("/var/run/docker.sock")`; the change moved the job to the '
        "`arc-small` self-hosted scale set, whose runner pods have no Docker daemon",
        ["look-alike"],
        "atlas",
        "general",
        repo=API,
        workflow="integration",
        job="pg-integration",
        steps=[*rust_setup(), failing(out)],
        message="ci: run integration tests on arc-small",
        files=[".github/workflows/integration.yml"],
        self_hosted=True,
        runner="arc-small-7k2xq-runner-9wz4d",
    )

    # e. the test image is built at test time from the repository's Dockerfile: bolt
    cid = PFX + "testcontainers-rs-test-image-build-copy"
    out = cargo_it(
        "tc-build",
        "pg_migrations",
        unwrap_test(
            "migrations_apply_cleanly",
            ["Building image: ledger-test-db:local (context docker/test-db)"],
            'Client(BuildImage { descriptor: "ledger-test-db:local", err: '
            'DockerStreamError { error: "COPY failed: file not found in build context or '
            'excluded by .dockerignore: stat seed/001_tenants.sql: file does not exist" } })',
        ),
        "cargo test -p ledger-store --test pg_migrations",
    )
    ci(
        cid,
        "the migrations test panics while testcontainers builds `ledger-test-db:local` from "
        "docker/test-db: `COPY failed ... seed/001_tenants.sql: file does not exist`; the change "
        "moved the seed files and edited that Dockerfile, the Rust code is untouched",
        ["look-alike"],
        "bolt",
        "docker_build",
        repo=API,
        workflow="integration",
        job="pg-integration",
        steps=[*rust_setup(), failing(out)],
        message="chore(test-db): move seeds under fixtures/",
        files=["docker/test-db/Dockerfile", "fixtures/seed/001_tenants.sql"],
    )


# ------------------------------------------------------------------ 2. testcontainers, Node


def testcontainers_node() -> None:
    at(WEB)
    # a. LocalStack up, the code writes to a bucket name it no longer gets from env
    cid = PFX + "localstack-s3-no-such-bucket-env-rename"
    out = vitest(
        "ls-bucket",
        {
            "src/uploads.js": (
                "export function bucketName(env) {\n"
                "  return env.UPLOADS_BUCKET_NAME ?? 'portal-uploads-dev';\n}\n"
            ),
            "src/uploads.int.test.js": (
                "import { expect, test } from 'vitest';\nimport { bucketName } from './uploads.js';\n\n"
                "// globalSetup started localstack/localstack:3.8 and created UPLOADS_BUCKET\n"
                "const created = new Set(['portal-uploads-test']);\n"
                "async function putObject(Bucket) {\n"
                "  if (!created.has(Bucket)) {\n"
                "    const e = new Error('The specified bucket does not exist');\n"
                "    e.name = 'NoSuchBucket';\n    throw e;\n  }\n}\n\n"
                "test('stores an avatar in S3 (LocalStack)', async () => {\n"
                "  await putObject(bucketName({ UPLOADS_BUCKET: 'portal-uploads-test' }));\n"
                "  expect(true).toBe(true);\n});\n"
            ),
        },
    )
    ci(
        cid,
        "the LocalStack S3 test fails with `NoSuchBucket`: globalSetup created the bucket from "
        "UPLOADS_BUCKET, and the change made the uploader read UPLOADS_BUCKET_NAME, falling back "
        "to a dev bucket; LocalStack itself was up",
        ["look-alike"],
        "blaze",
        "frontend_test",
        repo=WEB,
        workflow="ci",
        job="integration",
        steps=[*node_setup(), npm_ci_ok(), failing(out)],
        message="refactor(uploads): consistent env names",
        files=["src/uploads.js"],
    )

    # b. node testcontainers: no container runtime on the runner
    cid = PFX + "node-testcontainers-no-runtime-strategy"
    out = vitest(
        "ls-runtime",
        {
            "test/localstack.js": (
                "const NO_RUNTIME = 'Could not find a working container runtime strategy';\n"
                "export async function startLocalStack() {\n"
                "  // new LocalstackContainer('localstack/localstack:3.8').start()\n"
                "  throw new Error(NO_RUNTIME);\n}\n"
            ),
            "src/uploads.int.test.js": (
                "import { beforeAll, expect, test } from 'vitest';\n\n"
                "import { startLocalStack } from '../test/localstack.js';\n\n"
                "let s3;\nbeforeAll(async () => {\n  s3 = await startLocalStack();\n});\n\n"
                "test('stores an avatar in S3 (LocalStack)', () => {\n  expect(true).toBe(true);\n});\n"
            ),
        },
    )
    ci(
        cid,
        "the LocalStack suite fails in beforeAll with testcontainers' `Could not find a working "
        "container runtime strategy`: no Docker socket or DOCKER_HOST on the runner; the change "
        "switched the job's runs-on to a macOS runner image without Docker",
        ["look-alike"],
        "atlas",
        "general",
        repo=WEB,
        workflow="ci",
        job="integration",
        steps=[*node_setup(), npm_ci_ok(), failing(out)],
        message="ci: run integration on macos-14 for the Safari job",
        files=[".github/workflows/ci.yml"],
        runner="GitHub Actions 1000012345",
    )

    # c/d. beforeAll timeout; the previous attempt's log decides
    hook_files = {
        "src/cache.int.test.js": (
            "import { beforeAll, expect, test } from 'vitest';\n\n"
            "beforeAll(async () => {\n  await new Promise(() => {});\n}, 400);\n\n"
            "test('caches the session in Redis', () => {\n  expect(1).toBe(1);\n});\n"
        ),
    }
    out = vitest("redis-hook", hook_files)
    out = real.Out(
        out.command, [ln.replace("timed out in 9ms", "timed out in 60000ms") for ln in out.lines], 1
    )
    assert any("timed out in 60000ms" in ln for ln in out.lines), out.lines
    cid = PFX + "node-testcontainers-hook-timeout-prev-pull-tls"
    ci(
        cid,
        "the Redis suite's beforeAll times out (testcontainers starting redis:7.4-alpine); the "
        "job log says nothing more, and the previous attempt's log shows the pull failing with "
        "`TLS handshake timeout` against registry-1.docker.io; the change is a copy edit",
        ["context-driven"],
        "atlas",
        "general",
        repo=WEB,
        workflow="ci",
        job="integration",
        steps=[*node_setup(), npm_ci_ok(), failing(out)],
        message="copy(settings): clarify session timeout",
        files=["src/settings/strings.js"],
    )
    prev_err = [
        " FAIL  src/cache.int.test.js [ src/cache.int.test.js ]",
        'Error: (HTTP code 500) server error - Head "https://registry-1.docker.io/v2/library/'
        'redis/manifests/7.4-alpine": net/http: TLS handshake timeout',
        " ❯ node_modules/docker-modem/lib/modem.js:383:17",  # noqa: RUF001
        " ❯ Pull.pullImage node_modules/"  # noqa: RUF001
        "testcontainers/build/container-runtime/clients/image/"
        "docker-image-client.js:92:19",
    ]
    _prev(
        cid,
        WEB,
        "ci",
        "integration",
        [*node_setup(), npm_ci_ok(), run("npx vitest run", prev_err, 1)],
        "attempt 1",
    )

    cid = PFX + "node-testcontainers-hook-timeout-prev-wait-strategy"
    ci(
        cid,
        "the same beforeAll timeout on the Redis suite; the previous attempt's debug log shows "
        "the container started and testcontainers waiting for the log line `Ready to accept "
        "connections tcp on port 6380`, the string the change wrote into the wait strategy; "
        "Redis logs `Ready to accept connections tcp`",
        ["context-driven"],
        "blaze",
        "frontend_test",
        repo=WEB,
        workflow="ci",
        job="integration",
        steps=[*node_setup(), npm_ci_ok(), failing(out)],
        message="test(cache): stricter Redis readiness",
        files=["test/global-setup.js"],
    )
    _prev(
        cid,
        WEB,
        "ci",
        "integration",
        [
            *node_setup(),
            npm_ci_ok(),
            run(
                "DEBUG=testcontainers* npx vitest run",
                [
                    "testcontainers [DEBUG] [3f9a1c2e7b4d] Starting container for image "
                    '"redis:7.4-alpine"...',
                    "testcontainers [INFO] [3f9a1c2e7b4d] Started container for image "
                    '"redis:7.4-alpine"',
                    "testcontainers [DEBUG] [3f9a1c2e7b4d] Waiting for log message "
                    '"Ready to accept connections tcp on port 6380"...',
                    "testcontainers [TRACE] [3f9a1c2e7b4d] 1:M * Ready to accept connections tcp",
                    " FAIL  src/cache.int.test.js > caches the session in Redis",
                    "Error: Hook timed out in 60000ms.",
                ],
                1,
            ),
        ],
        "attempt 1",
    )


# ------------------------------------------------------------------ 3. mocks and fixtures


def mocks_and_fixtures() -> None:
    at(API)
    # a. WireMock stub: the client's path changed (the contract), rex
    cid = PFX + "wiremock-client-path-changed"
    out = cargo_it(
        "wm-path",
        "payments_client",
        unwrap_test(
            "captures_a_charge",
            [
                "WireMock stub: POST /v1/charges/ch_123/capture -> 200",
                "",
                "                                               Request was not matched",
                "                                               =======================",
                "-----------------------------------------------------------------------------"
                "------------------------------",
                "| Closest stub                                             | Request        "
                "                                |",
                "-----------------------------------------------------------------------------"
                "------------------------------",
                "POST                                                       | POST",
                "/v1/charges/ch_123/capture                                 | /v2/charges/"
                "ch_123/capture                <<<<< URL does not match",
            ],
            'Status(404, "POST http://127.0.0.1:32812/v2/charges/ch_123/capture")',
        ),
        "cargo test -p ledger-payments --test payments_client",
    )
    ci(
        cid,
        "the payments client test against a WireMock container gets 404 and WireMock's "
        "`Request was not matched ... URL does not match`: the client now calls /v2/charges "
        "while the stub (the provider's contract) is /v1; the change bumped the client's base path",
        ["look-alike"],
        "rex",
        "rust_test",
        repo=API,
        workflow="integration",
        job="contract-tests",
        steps=[*rust_setup(), failing(out)],
        message="feat(payments): move to the v2 charges API",
        files=["crates/ledger-payments/src/client.rs"],
    )

    # b. same 404s, the WireMock mappings volume path changed in the compose file: bolt
    cid = PFX + "wiremock-compose-mappings-volume"
    out = cargo_it(
        "wm-volume",
        "payments_client",
        unwrap_test(
            "captures_a_charge",
            [
                "",
                "                                               Request was not matched",
                "                                               =======================",
                "",
                "No stub mappings exist in this WireMock instance.",
            ],
            'Status(404, "POST http://127.0.0.1:8089/v1/charges/ch_123/capture")',
        ),
        "cargo test -p ledger-payments --test payments_client",
    )
    compose_up = run(
        "docker compose -f docker-compose.ci.yml up -d --wait wiremock",
        [
            " Network ledger_default  Creating",
            " Network ledger_default  Created",
            " Container ledger-wiremock-1  Creating",
            " Container ledger-wiremock-1  Created",
            " Container ledger-wiremock-1  Starting",
            " Container ledger-wiremock-1  Started",
            " Container ledger-wiremock-1  Waiting",
            " Container ledger-wiremock-1  Healthy",
        ],
    )
    ci(
        cid,
        "the same payments test gets 404 with `No stub mappings exist in this WireMock "
        "instance`: the change moved the stubs to test/wiremock/ and left "
        "docker-compose.ci.yml mounting ./wiremock/mappings; the client is unchanged",
        ["look-alike"],
        "bolt",
        "yaml_config",
        repo=API,
        workflow="integration",
        job="contract-tests",
        steps=[*rust_setup(), compose_up, failing(out)],
        message="test: keep WireMock stubs under test/",
        files=[
            "docker-compose.ci.yml",
            "test/wiremock/mappings/capture.json",
            "wiremock/mappings/capture.json",
        ],
    )

    # c. fixture downloaded at test time: host answers 503
    at(OPS)
    cid = PFX + "fixture-download-503"
    with real.serve((503, "Service Unavailable")) as port:
        out = sh(
            "fixture-503",
            {},
            f"curl -fsSL --retry 2 --retry-delay 1 -o fixtures/regions.geojson "
            f"http://127.0.0.1:{port}/fleet-fixtures/v3/regions.geojson --create-dirs",
            "curl -fsSL --retry 2 --retry-delay 1 -o fixtures/regions.geojson "
            "https://fixtures.5dlabs.dev/fleet-fixtures/v3/regions.geojson --create-dirs",
            hosts={f"http://127.0.0.1:{port}": "https://fixtures.5dlabs.dev"},
        )
    ci(
        cid,
        "the geo tests' fixture download fails: `curl: (22) The requested URL returned error: "
        "503` from fixtures.5dlabs.dev after retries; the change is a test name, no test ran",
        ["look-alike"],
        "atlas",
        "general",
        repo=OPS,
        workflow="ci",
        job="geo-tests",
        steps=[*rust_setup(), failing(out, name="Download fixtures")],
        message="test(geo): clearer test names",
        files=["crates/fleet-geo/tests/regions.rs"],
    )

    # d. fixture downloaded fine, the parser changed: rex
    cid = PFX + "fixture-downloaded-parser-regression"
    with real.serve((200, '{"type":"FeatureCollection","features":[]}\n')) as port:
        dl = sh(
            "fixture-200",
            {},
            f"curl -fsSL -o fixtures/regions.geojson http://127.0.0.1:{port}/fleet-fixtures/v3/"
            "regions.geojson --create-dirs && wc -c fixtures/regions.geojson",
            "curl -fsSL -o fixtures/regions.geojson "
            "https://fixtures.5dlabs.dev/fleet-fixtures/v3/regions.geojson --create-dirs && wc -c "
            "fixtures/regions.geojson",
            hosts={f"http://127.0.0.1:{port}": "https://fixtures.5dlabs.dev"},
        )
    assert dl.code == 0, dl
    out = cargo_it(
        "fixture-parse",
        "regions",
        unwrap_test(
            "loads_region_fixture",
            [],
            'Parse { line: 1, column: 1, msg: "expected `Feature`, found `FeatureCollection`" }',
        ),
        "cargo test -p fleet-geo --test regions",
    )
    ci(
        cid,
        "the fixture download succeeds (43 bytes written), then the regions test panics with "
        "`expected Feature, found FeatureCollection`: the change made the loader parse a single "
        "Feature; the fixture is unchanged",
        ["look-alike"],
        "rex",
        "rust_test",
        repo=OPS,
        workflow="ci",
        job="geo-tests",
        steps=[*rust_setup(), run(dl.command, dl.lines, name="Download fixtures"), failing(out)],
        message="refactor(geo): stream features one by one",
        files=["crates/fleet-geo/src/load.rs"],
    )


# ------------------------------------------------------------------ 4. kind clusters

WAIT = "kubectl -n fleet-e2e wait --for=condition=available deployment/fleet-api --timeout=120s"
WAIT_ERR = ["error: timed out waiting for the condition on deployments/fleet-api"]
KIND_NODE = "e2e-control-plane"


def kind_steps() -> list:
    return [
        uses("helm/kind-action@v1", {"cluster_name": "e2e"}, KIND_OK),
        run(
            "kind load docker-image fleet-api:e2e --name e2e",
            [
                f'Image: "fleet-api:e2e" with ID "sha256:4be1c0d2e9a3" not yet present on node '
                f'"{KIND_NODE}", loading...'
            ],
        ),
        run(
            "kubectl apply -k deploy/e2e",
            [
                "namespace/fleet-e2e created",
                "service/fleet-api created",
                "deployment.apps/fleet-api created",
            ],
        ),
        run(WAIT, WAIT_ERR, 1, name="Wait for fleet-api"),
    ]


def kind_clusters() -> None:
    at(OPS)
    both = ["deploy/base/deployment.yaml", "crates/fleet-api/src/main.rs"]

    # a. the readiness probe points at a port nothing listens on: bolt (pods decide)
    cid = PFX + "kind-e2e-wait-timeout-probe-port"
    created, first, last = clock(cid)
    name = pod_name(cid, "fleet-api")
    pod = shapes.pod(
        name,
        "fleet-e2e",
        "fleet-api",
        "fleet-api:e2e",
        created=created,
        port=8080,
        probe_path="/healthz",
        node=KIND_NODE,
    )
    events = [
        shapes.event(
            "fleet-e2e",
            "Pod",
            name,
            "Unhealthy",
            'Readiness probe failed: Get "http://10.244.0.7:9090/healthz": dial tcp '
            "10.244.0.7:9090: connect: connection refused",
            first=first,
            last=last,
            count=24,
            host=KIND_NODE,
        )
    ]
    ci(
        cid,
        "the kind e2e job times out waiting for fleet-api to be available; the pods are Running "
        "and not Ready, the kubelet's readiness probe hits :9090 (connection refused) and the "
        "Loki lines show the server listening on :8080: the change's manifest moved the probe "
        "to the metrics port",
        ["context-driven"],
        "bolt",
        "k8s_manifest",
        repo=OPS,
        workflow="e2e",
        job="kind-e2e",
        steps=kind_steps(),
        message="feat(api): expose metrics on :9090",
        files=both,
        extra={
            "kubernetes": {"pods": [pod], "events": events},
            "loki": [
                '{"level":"INFO","target":"fleet_api","message":"listening","addr":"0.0.0.0:8080"}',
                '{"level":"INFO","target":"fleet_api::metrics","message":"metrics exporter '
                'disabled (FLEET_METRICS_ADDR unset)"}',
            ],
        },
    )

    # b. the same timeout, the binary panics at start-up: rex (Loki decides)
    cid = PFX + "kind-e2e-wait-timeout-startup-panic"
    panic = rust_bin(
        "fleet-api",
        'fn main() {\n    let region = std::env::var("FLEET_REGION").unwrap_or_default();\n'
        '    let code: u16 = region.parse().expect("FLEET_REGION must be a numeric region id");\n'
        '    println!("{code}");\n}\n',
        env={"FLEET_REGION": "eu-west"},
    )
    assert panic.code != 0, panic
    created, first, last = clock(cid)
    name = pod_name(cid, "fleet-api")
    pod = shapes.pod(
        name,
        "fleet-e2e",
        "fleet-api",
        "fleet-api:e2e",
        created=created,
        restarts=4,
        port=8080,
        node=KIND_NODE,
        waiting=(
            "CrashLoopBackOff",
            f"back-off 1m20s restarting failed container=fleet-api pod={name}_fleet-e2e",
        ),
        terminated={"exit_code": 101, "reason": "Error", "started": first, "finished": first},
    )
    events = [
        shapes.event(
            "fleet-e2e",
            "Pod",
            name,
            "BackOff",
            f"Back-off restarting failed container fleet-api in pod {name}_fleet-e2e",
            first=first,
            last=last,
            count=11,
            host=KIND_NODE,
        )
    ]
    ci(
        cid,
        "the same kind e2e wait times out; the pod is in CrashLoopBackOff with exit 101 and "
        "Loki holds the Rust panic `FLEET_REGION must be a numeric region id ... "
        "InvalidDigit`: the change parses the region as a number while the e2e overlay sets "
        "`eu-west`, as every environment does",
        ["context-driven"],
        "rex",
        "rust_test",
        repo=OPS,
        workflow="e2e",
        job="kind-e2e",
        steps=kind_steps(),
        message="refactor(api): numeric region ids",
        files=both,
        extra={
            "kubernetes": {"pods": [pod], "events": events},
            "loki": [ln for ln in panic.lines if ln.strip()],
        },
    )

    # c. a leftover cluster on a reused self-hosted runner: atlas
    cid = PFX + "kind-create-leftover-cluster"
    ci(
        cid,
        "kind cannot create the e2e cluster: `node(s) already exist for a cluster with the "
        'name "e2e"`, left behind by an earlier job on the same persistent self-hosted '
        "runner; nothing in the repository changed the cluster setup",
        [],
        "atlas",
        "general",
        repo=OPS,
        workflow="e2e",
        job="kind-e2e",
        steps=[
            uses(
                "helm/kind-action@v1",
                {"cluster_name": "e2e"},
                ['Creating cluster "e2e" ...'],
                error=[
                    "ERROR: failed to create cluster: node(s) already exist for a cluster with "
                    'the name "e2e"',
                    "##[error]The process '/usr/local/bin/kind' failed with exit code 1",
                ],
            )
        ],
        message="fix(api): trim trailing slash in routes",
        files=["crates/fleet-api/src/routes.rs"],
        self_hosted=True,
        runner="fleet-e2e-01",
    )


# ------------------------------------------------------------------ 5. dind and service containers


def dind_and_services() -> None:
    at(API)
    # a. the dind sidecar's daemon died: the job log shows a refused connection only
    cid = PFX + "dind-sidecar-daemon-down-loki"
    out = cargo_it(
        "dind-refused",
        "pg_balances",
        unwrap_test(
            "balance_sums_entries_per_tenant",
            ["Pulling image: postgres:16-alpine"],
            'Client(PullImage { descriptor: "postgres:16-alpine", err: HyperLegacyError { err: '
            "hyper_util::client::legacy::Error(Connect, Os { code: 111, kind: ConnectionRefused, "
            'message: "Connection refused" }) } })',
        ),
        "cargo test -p ledger-store --test pg_balances",
    )
    ci(
        cid,
        "the Postgres integration test panics with a refused connection while pulling its "
        "image (DOCKER_HOST=tcp://localhost:2375); the runner pod's dind sidecar log in Loki "
        "shows dockerd exiting on `driver not supported: overlay2`: the runner's sidecar, "
        "not the test",
        ["context-driven"],
        "atlas",
        "general",
        repo=API,
        workflow="integration",
        job="pg-integration",
        steps=[*rust_setup(), failing(out, env={"DOCKER_HOST": "tcp://localhost:2375"})],
        message="feat(balances): per-currency totals",
        files=["crates/ledger-store/src/balances.rs", "crates/ledger-store/tests/pg_balances.rs"],
        self_hosted=True,
        runner="arc-dind-x8f2m-runner-q4l7c",
        extra={
            "loki": [
                'time="2026-11-14T09:12:03.118204Z" level=info msg="Starting up"',
                'time="2026-11-14T09:12:03.402117Z" level=error msg="failed to mount overlay: '
                'invalid argument" storage-driver=overlay2',
                'time="2026-11-14T09:12:03.402871Z" level=error msg="exec: \\"fuse-overlayfs\\": '
                'executable file not found in $PATH" storage-driver=fuse-overlayfs',
                "failed to start daemon: error initializing graphdriver: driver not supported: "
                "overlay2",
            ]
        },
    )

    # b. port clash for a service container on a persistent runner
    cid = PFX + "service-container-port-already-allocated"
    ci(
        cid,
        "the postgres service container cannot start: `Bind for 0.0.0.0:5432 failed: port is "
        "already allocated` on a persistent self-hosted runner where another job's Postgres "
        "still holds the port; the change is in the query code",
        [],
        "atlas",
        "general",
        repo=API,
        workflow="integration",
        job="pg-integration",
        steps=[
            init_containers(
                [
                    *docker_preamble("postgres:16-alpine", "github_network_b81c2e"),
                    "16-alpine: Pulling from library/postgres",
                    "Digest: sha256:5e2e1b3a4c6d7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7a8",
                    "Status: Image is up to date for postgres:16-alpine",
                    "docker.io/library/postgres:16-alpine",
                    "##[command]/usr/bin/docker create --name 6f1a9e_postgres16alpine_4d2c "
                    "--label 7f3c1a --network github_network_b81c2e --network-alias postgres "
                    '-p 5432:5432 --health-cmd "pg_isready -U ledger" -e "POSTGRES_USER=ledger" '
                    '-e "POSTGRES_PASSWORD=***" -e GITHUB_ACTIONS=true -e CI=true '
                    "postgres:16-alpine",
                    "b2c4e6f8a0b1c3d5e7f9a1b3c5d7e9f1a3b5c7d9e1f3a5b7c9d1e3f5a7b9c1d3",
                    "##[command]/usr/bin/docker start b2c4e6f8a0b1c3d5e7f9a1b3c5d7e9f1a3b5c7d9e1f3a5b7c9d1e3f5a7b9c1d3",
                    "Error response from daemon: driver failed programming external connectivity on "
                    "endpoint 6f1a9e_postgres16alpine_4d2c (9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b"
                    "9c8d7e6f5a4b3c2d1e0f9a8b): Bind for 0.0.0.0:5432 failed: port is already allocated",
                    "Error: failed to start containers: b2c4e6f8a0b1",
                ],
                "Docker start fail with exit code 1",
            )
        ],
        message="fix(store): index the tenant lookup",
        files=["crates/ledger-store/src/balances.rs", "migrations/0042_tenant_idx.sql"],
        self_hosted=True,
        runner="ledger-ci-03",
    )
