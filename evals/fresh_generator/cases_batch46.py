"""Batch 46 of the fresh split (ids ``fr-zt-``): jobs that depend on other jobs and on service
containers. The failing job's error is a consequence of another job's or container's failure;
the label is the owner of that first failure.

- artifacts and outputs between jobs: a deploy job's ``download-artifact`` finding nothing
  because the build job's upload name now carries the matrix target (atlas); the same miss
  because the change moved Vite's ``build.outDir`` and the build job uploaded nothing (blaze);
  a blank ``needs.build.outputs.tag`` after the workflow renamed the step id the job output
  reads (atlas) vs the runner skipping an output that contains a secret (atlas); the deploy
  job's download failing because the build job failed on the change's TypeScript (blaze) or
  Rust (rex), shown only in the build job's log in the context;
- ``services: postgres``: an image tag that does not exist (atlas), ``POSTGRES_PASSWORD``
  dropped from the service's env (atlas) vs a migration the change added that postgres
  rejects (rex); a Rust test refused on 5432 after the workflow mapped the service to 5433
  (atlas);
- ``services: redis``: the workflow moved the service port (atlas) vs the change's new default
  port in Rust (rex) and in the Node worker (blaze);
- ``docker compose up --wait``: a healthcheck the change's compose edit broke (bolt) vs the
  api's own Rust panic (rex) and the web server's own Node crash (blaze) in ``docker compose
  logs``; a port held by a leftover container on a self-hosted runner (atlas);
- skipped producers and matrix legs: ``download-artifact`` after the producer was skipped by a
  path filter (atlas); a Linux leg running the macOS leg's binary (atlas); two matrix legs
  uploading the same artifact name (atlas);
- images and compose dependencies: a ``services:`` image the image job of the same run never
  pushed because the change's Dockerfile broke its ``COPY --from`` (bolt); ``depends_on:
  condition: service_healthy`` on a redis the change gave no healthcheck (bolt);
- plain cases: a cargo test assertion with a healthy postgres service, tsc TS2322 in the build
  job, actionlint on a ``needs`` output that is not defined, yamllint on the CI compose file and
  a service image tag that does not exist.

Cases tagged ``obvious``: the five plain cases.
"""

from __future__ import annotations

import common
import real
import shapes
from fcommon import at, ci, failing, node_setup, npm_ci_ok, pr_of, rust_setup
from gha import Job, Step, run, sha, uses
from helpers import buildx_setup, buildx_step

REPO = "5dlabs/healer"
WEB = "5dlabs/console"


def build() -> None:
    artifacts()
    postgres()
    redis()
    compose()
    producers()
    images()
    plain()


def _checkout() -> Step:
    return uses(
        "actions/checkout@v4",
        None,
        ["Syncing repository: 5dlabs/healer", "Getting Git version info"],
    )


def _other_log(
    cid: str, repo: str, workflow: str, job: str, steps: list[Step], tail: list[str] | None = None
) -> None:
    """Add another job's log of the same run to the last case's context."""
    other = Job(cid + ":" + job, repo, workflow, job, "main", steps, tail=tail or [])
    common.CASES[-1]["context"]["logs"][job] = other.log()


def _download_missing(name: str, path: str = "dist") -> Step:
    return uses(
        "actions/download-artifact@v4",
        {"name": name, "path": path},
        ["Downloading single artifact"],
        name=f"Download {name}",
        error=[
            f"##[error]Unable to download artifact(s): Artifact not found for name: {name}",
            "        Please ensure that your artifact is not expired and the artifact was "
            "uploaded using a compatible version of toolkit/upload-artifact.",
            "        For more information, visit the GitHub Artifacts FAQ: "
            "https://github.com/actions/toolkit/blob/main/packages/artifact/docs/faq.md",
        ],
    )


def _services(cid: str, image: str, body: list[str], code: int = 1) -> Step:
    """The runner's ``Initialize containers`` step."""
    net = sha(cid + ":net")[:32]
    cont = sha(cid + ":c") + sha(cid + ":c2")[:24]
    lines = [
        "##[group]Checking docker version",
        "/usr/bin/docker version --format '{{.Server.APIVersion}}'",
        "'1.48'",
        "Docker daemon API version: '1.48'",
        "/usr/bin/docker version --format '{{.Client.APIVersion}}'",
        "'1.48'",
        "Docker client API version: '1.48'",
        "##[endgroup]",
        "##[group]Create local container network",
        f"/usr/bin/docker network create --label {net[:6]} github_network_{net}",
        sha(cid + ":netid") + sha(cid + ":netid2")[:24],
        "##[endgroup]",
        f"##[group]Starting {image.split(':')[0]} service container",
        *[ln.replace("{cont}", cont) for ln in body],
    ]
    return Step("Initialize containers", lines, "failure" if code else "success", None, 24.0)


def _pull_ok(image: str) -> list[str]:
    repo, tag = image.split(":")
    return [
        f"/usr/bin/docker pull {image}",
        f"{tag}: Pulling from library/{repo}",
        "Digest: sha256:" + sha(image) + sha(image + ":2")[:24],
        f"Status: Downloaded newer image for {image}",
        f"docker.io/library/{image}",
    ]


def _healthy(name: str, image: str, cid: str, env: list[str], ports: str) -> Step:
    return _services(
        cid,
        image,
        [
            *_pull_ok(image),
            f"/usr/bin/docker create --name {sha(cid)[:32]}_{name} --label {sha(cid)[:6]} "
            f"--network github_network_{sha(cid + ':net')[:32]} --network-alias {name} "
            f"-p {ports} {' '.join(env)} {image}",
            "{cont}",
            "/usr/bin/docker start {cont}",
            "{cont}",
            "/usr/bin/docker ps --all --filter id={cont} --filter status=running "
            '--no-trunc --format "{{.ID}} {{.Status}}"',
            "{cont} Up Less than a second (health: starting)",
            "/usr/bin/docker port {cont}",
            f"{ports.split(':')[1]}/tcp -> 0.0.0.0:{ports.split(':')[0]}",
            f"{ports.split(':')[1]}/tcp -> [::]:{ports.split(':')[0]}",
            "##[endgroup]",
            "##[group]Waiting for all services to be ready",
            '/usr/bin/docker inspect --format="{{if .Config.Healthcheck}}'
            '{{print .State.Health.Status}}{{end}}" {cont}',
            "starting",
            f"{name} service is starting, waiting 2 seconds before checking again.",
            '/usr/bin/docker inspect --format="{{if .Config.Healthcheck}}'
            '{{print .State.Health.Status}}{{end}}" {cont}',
            "healthy",
            f"{name} service is healthy.",
            "##[endgroup]",
        ],
        code=0,
    )


def _compose_up(project: str, services: list[str], last: list[str]) -> list[str]:
    lines = [f" Network {project}_default  Creating", f" Network {project}_default  Created"]
    for s in services:
        lines += [f" Container {project}-{s}-1  Creating", f" Container {project}-{s}-1  Created"]
    for s in services:
        lines += [f" Container {project}-{s}-1  Starting", f" Container {project}-{s}-1  Started"]
    for s in services:
        lines.append(f" Container {project}-{s}-1  Waiting")
    return lines + last


# ------------------------------------------------------------------ 1. artifacts and outputs


def artifacts() -> None:
    at(WEB)
    # 1a. atlas: the upload name now carries the matrix target
    cid = "fr-zt-artifact-name-matrix-suffix"
    ci(
        cid,
        "deploy-preview cannot download `web-dist`: the change gave the build job a matrix "
        "over `target: [app, embed]` and made its upload `web-dist-${{ matrix.target }}`, "
        "while the deploy job still asks for `web-dist`; the workflow's own names disagree",
        ["platform", "misleading-name"],
        "atlas",
        "general",
        workflow="console",
        job="deploy-preview",
        repo=WEB,
        steps=[_download_missing("web-dist")],
        message="ci(console): build the embed bundle in a matrix",
        files=[".github/workflows/console.yml"],
        pr=pr_of(cid, "ci(console): build the embed bundle in a matrix"),
    )

    # 1b. blaze: the change moved Vite's outDir; the upload found no files
    cid = "fr-zt-artifact-empty-vite-outdir"
    ci(
        cid,
        "deploy-preview cannot download `web-dist`; the build job passed but its upload warned "
        "`No files were found with the provided path: dist/`: the change set Vite's "
        "`build.outDir` to `build/` in vite.config.ts for the CDN layout, the workflow "
        "untouched, so the front-end's build output moved away from what CI ships",
        ["look-alike", "context-driven"],
        "blaze",
        "frontend_build",
        workflow="console",
        job="deploy-preview",
        repo=WEB,
        steps=[_download_missing("web-dist")],
        message="build(console): emit to build/ for the CDN layout",
        files=["vite.config.ts"],
        pr=pr_of(
            cid,
            "build(console): emit to build/ for the CDN layout",
            "The CDN sync expects `build/`; moves Vite's outDir.",
        ),
    )
    _other_log(
        cid,
        WEB,
        "console",
        "build",
        [
            *node_setup(),
            npm_ci_ok(),
            run(
                "npm run build",
                [
                    "",
                    "> console@0.9.0 build",
                    "> vite build",
                    "",
                    "vite v5.4.11 building for production...",
                    "transforming...",
                    "✓ 412 modules transformed.",
                    "rendering chunks...",
                    "computing gzip size...",
                    "build/index.html                   0.61 kB │ gzip:  0.37 kB",
                    "build/assets/index-BQ3kdnX1.css   18.20 kB │ gzip:  4.41 kB",
                    "build/assets/index-C6m2xkPp.js   231.77 kB │ gzip: 74.02 kB",
                    "✓ built in 3.92s",
                ],
            ),
            uses(
                "actions/upload-artifact@v4",
                {"name": "web-dist", "path": "dist/"},
                [
                    "##[warning]No files were found with the provided path: dist/. "
                    "No artifacts will be uploaded."
                ],
            ),
        ],
    )

    at(REPO)
    # 1c. atlas: the build job's output reads a step id the change renamed
    out = real.sh(
        "b46-docker-blank-tag",
        {},
        "docker pull ghcr.io/5dlabs/healer:",
        "docker pull ghcr.io/5dlabs/healer:",
    )
    assert out.code and "invalid reference format" in "\n".join(out.lines), out.lines
    cid = "fr-zt-needs-output-tag-step-renamed"
    ci(
        cid,
        "`docker pull ghcr.io/5dlabs/healer:` fails `invalid reference format`: "
        "`needs.build.outputs.tag` is blank because the change renamed the build job's "
        "step id `meta` to `version` while `outputs.tag` still reads `steps.meta.outputs.tag`",
        ["look-alike", "context-driven"],
        "atlas",
        "general",
        workflow="release",
        job="deploy-staging",
        steps=[
            _checkout(),
            failing(
                out,
                name="Pull image",
            ),
        ],
        message="ci(release): compute the version in one step",
        files=[".github/workflows/release.yml"],
        pr=pr_of(cid, "ci(release): compute the version in one step"),
    )

    # 1d. atlas: the runner drops an output that contains a secret
    out = real.sh(
        "b46-docker-blank-image",
        {},
        "docker pull :4c1d9e2",
        "docker pull :4c1d9e2",
    )
    assert out.code, out.lines
    cid = "fr-zt-needs-output-skipped-secret"
    ci(
        cid,
        "`docker pull :4c1d9e2` fails `invalid reference format`: the build job's `image` "
        "output was built from `${{ secrets.REGISTRY_HOST }}` and the runner printed "
        "`Skip output 'image' since it may contain secret.`, so the deploy job got only the "
        "tag; the workflow must not pass secrets through job outputs",
        ["look-alike", "context-driven", "platform"],
        "atlas",
        "general",
        workflow="release",
        job="deploy-staging",
        steps=[
            _checkout(),
            failing(
                out,
                name="Pull image",
            ),
        ],
        message="ci(release): push to the private registry",
        files=[".github/workflows/release.yml"],
    )
    _other_log(
        cid,
        REPO,
        "release",
        "build",
        [
            _checkout(),
            run(
                'echo "image=***/5dlabs/healer" >> "$GITHUB_OUTPUT"\n'
                'echo "tag=${GITHUB_SHA::7}" >> "$GITHUB_OUTPUT"',
                [],
                name="Outputs",
            ),
        ],
        tail=[
            "##[group]Evaluate and set job outputs",
            "##[warning]Skip output 'image' since it may contain secret.",
            "Set output 'tag'",
            "##[endgroup]",
        ],
    )

    # 1e. blaze: the build job failed on the change's TypeScript; deploy runs on always()
    at(WEB)
    ts = real.tsc(
        "b46-tsc-upstream",
        {
            "src/preview.ts": (
                "export interface Preview {\n  url: string;\n  ttlHours: number;\n}\n\n"
                "export const DEFAULT: Preview = {\n"
                '  url: "https://preview.5dlabs.dev",\n'
                '  ttlHours: "48",\n'
                "};\n"
            )
        },
    )
    assert ts.code and "TS2322" in "\n".join(ts.lines), ts.lines
    cid = "fr-zt-download-after-build-tsc-failed"
    ci(
        cid,
        "deploy-preview (`if: always()`) cannot download `web-dist`; the build job in the same "
        'run failed on tsc TS2322 (`ttlHours: "48"`) in the change\'s src/preview.ts and '
        "never uploaded: the front-end's type error",
        ["look-alike", "context-driven", "misleading-name"],
        "blaze",
        "frontend_typecheck",
        workflow="console",
        job="deploy-preview",
        repo=WEB,
        steps=[_download_missing("web-dist")],
        message="feat(console): preview lifetime",
        files=["src/preview.ts"],
        pr=pr_of(cid, "feat(console): preview lifetime"),
    )
    _other_log(
        cid, WEB, "console", "build", [*node_setup(), npm_ci_ok(), failing(ts, name="Typecheck")]
    )

    # 1f. rex: the build job failed on the change's Rust; e2e runs on always()
    at(REPO)
    rs = real.cargo(
        "b46-cargo-upstream",
        {
            "src/main.rs": (
                "fn retries(s: &str) -> u32 {\n    s.len()\n}\n\n"
                'fn main() {\n    println!("{}", retries("abc"));\n}\n'
            )
        },
        ["build", "--release"],
        shown="cargo build --release --locked",
    )
    assert rs.code and "E0308" in "\n".join(rs.lines), rs.lines
    cid = "fr-zt-download-after-cargo-build-failed"
    ci(
        cid,
        "e2e cannot download `healer-linux-x86_64`; build-cli in the same run failed on E0308 "
        "(`s.len()` returned as u32) in the change's code and uploaded nothing: the Rust error",
        ["look-alike", "context-driven", "misleading-name"],
        "rex",
        "rust_build",
        workflow="ci",
        job="e2e",
        steps=[_checkout(), _download_missing("healer-linux-x86_64", "bin")],
        message="feat(cli): retries from the flag",
        files=["crates/healer-cli/src/main.rs"],
    )
    _other_log(cid, REPO, "ci", "build-cli", [*rust_setup(), failing(rs, name="cargo build")])


# ------------------------------------------------------------------ 2. postgres service

PG_RS = """#[cfg(test)]
mod tests {
    use std::net::TcpStream;

    #[test]
    fn store_roundtrip() {
        let addr = std::env::var("DATABASE_ADDR").unwrap_or_else(|_| "127.0.0.1:5432".into());
        let _conn = TcpStream::connect(&addr).expect("connect to postgres");
    }
}
"""


def postgres() -> None:
    at(REPO)
    # 2a. atlas: POSTGRES_PASSWORD dropped from the service env
    cid = "fr-zt-postgres-service-no-password"
    init = _services(
        cid,
        "postgres:16.4",
        [
            *_pull_ok("postgres:16.4"),
            "/usr/bin/docker create --name pg_" + sha(cid)[:28] + " --network-alias postgres "
            "-p 5432:5432 --health-cmd pg_isready --health-interval 5s --health-timeout 5s "
            '--health-retries 5 -e "POSTGRES_USER=healer" -e "POSTGRES_DB=healer" '
            "-e GITHUB_ACTIONS=true -e CI=true postgres:16.4",
            "{cont}",
            "/usr/bin/docker start {cont}",
            "{cont}",
            "##[endgroup]",
            "##[group]Waiting for all services to be ready",
            '/usr/bin/docker inspect --format="{{if .Config.Healthcheck}}'
            '{{print .State.Health.Status}}{{end}}" {cont}',
            "unhealthy",
            "##[endgroup]",
            "##[group]Service container postgres failed.",
            "/usr/bin/docker logs --details {cont}",
            " Error: Database is uninitialized and superuser password is not specified.",
            "        You must specify POSTGRES_PASSWORD to a non-empty value for the",
            '        superuser. For example, "-e POSTGRES_PASSWORD=password" on "docker run".',
            "",
            '        You may also use "POSTGRES_HOST_AUTH_METHOD=trust" to allow all',
            "        connections without a password. This is *not* recommended.",
            "",
            '        See PostgreSQL documentation about "trust":',
            "        https://www.postgresql.org/docs/current/auth-trust.html",
            "##[error]Failed to initialize container postgres:16.4",
            "##[endgroup]",
            "##[error]One or more containers failed to start.",
        ],
    )
    ci(
        cid,
        "the job never reaches its tests: the postgres service container is unhealthy and its "
        "logs say `Database is uninitialized and superuser password is not specified`; the "
        "change moved the service's env to repository variables and dropped "
        "POSTGRES_PASSWORD: the workflow",
        ["platform", "misleading-name"],
        "atlas",
        "general",
        workflow="rust",
        job="integration-tests",
        steps=[init],
        message="ci: service credentials from vars",
        files=[".github/workflows/rust.yml"],
    )

    # 2b. rex: the change's migration is rejected by postgres
    cid = "fr-zt-postgres-migration-rejected"
    mig = run(
        "for f in crates/healer-store/migrations/*.sql; do\n"
        '  psql -v ON_ERROR_STOP=1 -f "$f"\ndone',
        [
            "CREATE TABLE",
            "CREATE INDEX",
            "ALTER TABLE",
            "CREATE TABLE",
            "ALTER TABLE",
            "psql:crates/healer-store/migrations/0007_run_agent.sql:4: ERROR:  "
            'column "agent" of relation "runs" already exists',
        ],
        3,
        name="Migrate",
        env={
            "PGHOST": "localhost",
            "PGUSER": "healer",
            "PGPASSWORD": "***",
            "PGDATABASE": "healer",
        },
    )
    ci(
        cid,
        'the postgres service is healthy; psql stops at `ERROR:  column "agent" of relation '
        '"runs" already exists` in migration 0007_run_agent.sql, which the change added '
        "though 0005 already created the column: the store crate's migration",
        ["look-alike", "migration"],
        "rex",
        "rust_test",
        workflow="rust",
        job="integration-tests",
        steps=[
            _healthy(
                "postgres",
                "postgres:16.4",
                cid,
                ['-e "POSTGRES_USER=healer"', '-e "POSTGRES_PASSWORD=healer"'],
                "5432:5432",
            ),
            _checkout(),
            mig,
        ],
        message="feat(store): record the agent on each run",
        files=[
            "crates/healer-store/migrations/0007_run_agent.sql",
            "crates/healer-store/src/runs.rs",
        ],
        pr=pr_of(cid, "feat(store): record the agent on each run"),
    )

    # 2c. atlas: the workflow maps the service to 5433, the tests use 5432
    out = real.cargo(
        "b46-pg-port",
        {"src/lib.rs": PG_RS},
        ["test"],
        shown="cargo test --locked",
        # 5432 may be taken on the generating machine; any closed port prints the same
        env={"DATABASE_ADDR": f"127.0.0.1:{real.free_port()}"},
    )
    assert out.code and "Connection refused" in "\n".join(out.lines), out.lines
    cid = "fr-zt-postgres-service-port-moved"
    ci(
        cid,
        "`store_roundtrip` panics `connect to postgres: ... ConnectionRefused` on 5432 with the "
        "service healthy: the change mapped the postgres service to `5433:5432` (to dodge a "
        "self-hosted runner's local postgres) but left `DATABASE_ADDR` at 5432 in the same "
        "workflow; the test code is unchanged",
        ["look-alike", "context-driven"],
        "atlas",
        "general",
        workflow="rust",
        job="integration-tests",
        steps=[
            _healthy(
                "postgres",
                "postgres:16.4",
                cid,
                ['-e "POSTGRES_USER=healer"', '-e "POSTGRES_PASSWORD=healer"'],
                "5433:5432",
            ),
            *rust_setup(),
            failing(out, name="cargo test", env={"DATABASE_ADDR": "127.0.0.1:5432"}),
        ],
        message="ci: move the postgres service to 5433",
        files=[".github/workflows/rust.yml"],
        self_hosted=True,
    )


# ------------------------------------------------------------------ 3. redis service

REDIS_RS = """pub fn redis_addr() -> String {
    std::env::var("HEALER_REDIS_ADDR").unwrap_or_else(|_| "127.0.0.1:6380".into())
}

#[cfg(test)]
mod tests {
    use std::net::TcpStream;

    #[test]
    fn enqueue_roundtrip() {
        let _conn = TcpStream::connect(super::redis_addr()).expect("connect to redis");
    }
}
"""

REDIS_JS = """import net from "node:net";

const port = Number(process.env.REDIS_PORT ?? 6380);
const sock = net.createConnection({ host: "127.0.0.1", port });
sock.on("connect", () => {
  console.log("queue: connected");
  sock.end();
});
"""


def redis() -> None:
    at(REPO)
    # 3a. atlas: redis-cli against the port the workflow no longer maps
    out = real.sh(
        "b46-redis-cli",
        {},
        "redis-cli -h 127.0.0.1 -p 6380 ping",
        "redis-cli -h 127.0.0.1 -p 6380 ping",
    )
    assert out.code and "Connection refused" in "\n".join(out.lines), out.lines
    cid = "fr-zt-redis-service-port-workflow"
    ci(
        cid,
        "`Could not connect to Redis at 127.0.0.1:6380: Connection refused` in the wait step: "
        "the code's default has been 6380 for a year and the change rewrote the workflow's "
        "redis service mapping to `6379:6379`: the workflow",
        ["look-alike", "context-driven"],
        "atlas",
        "general",
        workflow="rust",
        job="queue-tests",
        steps=[
            _healthy("redis", "redis:7.4", cid, [], "6379:6379"),
            *rust_setup(),
            failing(out, name="Wait for redis"),
        ],
        message="ci: tidy the service blocks",
        files=[".github/workflows/rust.yml"],
    )

    # 3b. rex: the change's new default port
    out = real.cargo(
        "b46-redis-rs", {"src/lib.rs": REDIS_RS}, ["test"], shown="cargo test --locked"
    )
    assert out.code and "Connection refused" in "\n".join(out.lines), out.lines
    cid = "fr-zt-redis-code-default-port"
    ci(
        cid,
        "`enqueue_roundtrip` panics `connect to redis: ... ConnectionRefused` with the redis "
        "service healthy on 6379 as always: the change moved `redis_addr()`'s default to 6380 "
        "in crates/healer-queue/src/lib.rs; the workflow is untouched",
        ["look-alike", "context-driven"],
        "rex",
        "rust_test",
        workflow="rust",
        job="queue-tests",
        steps=[
            _healthy("redis", "redis:7.4", cid, [], "6379:6379"),
            *rust_setup(),
            failing(out, name="cargo test"),
        ],
        message="feat(queue): default to the sidecar redis port",
        files=["crates/healer-queue/src/lib.rs"],
        pr=pr_of(cid, "feat(queue): default to the sidecar redis port"),
    )

    # 3c. blaze: the Node worker's new default port
    at(WEB)
    out = real.node_run(
        "b46-redis-js", {"worker.mjs": REDIS_JS}, "worker.mjs", shown="node scripts/queue-smoke.mjs"
    )
    assert out.code and "ECONNREFUSED" in "\n".join(out.lines), out.lines
    cid = "fr-zt-redis-node-default-port"
    ci(
        cid,
        "the queue smoke script dies on `connect ECONNREFUSED 127.0.0.1:6380` with the redis "
        "service healthy on 6379: the change made the console worker default to 6380 (no "
        "`REDIS_PORT` is set in CI); the workflow is untouched",
        ["look-alike", "context-driven"],
        "blaze",
        "frontend_test",
        workflow="console",
        job="worker-smoke",
        repo=WEB,
        steps=[
            _healthy("redis", "redis:7.4", cid, [], "6379:6379"),
            *node_setup(),
            npm_ci_ok(),
            failing(out, name="Queue smoke"),
        ],
        message="feat(worker): default redis port 6380",
        files=["src/worker/queue.ts", "scripts/queue-smoke.mjs"],
    )


# ------------------------------------------------------------------ 4. docker compose --wait

API_RS = """fn main() {
    let listen: std::net::SocketAddr = std::env::var("HEALER_LISTEN")
        .unwrap_or_else(|_| "0.0.0.0:8080".into())
        .parse()
        .expect("HEALER_LISTEN must be host:port");
    println!("listening on {listen}");
}
"""

WEB_JS = """const cfg = JSON.parse(process.env.CONSOLE_FLAGS ?? "{}");
const origins = cfg.cors.origins.map((o) => o.toLowerCase());
console.log("console listening on :3000", origins);
"""


def _compose_step(lines: list[str], code: int = 1) -> Step:
    return run(
        "docker compose -f docker-compose.ci.yml up --wait --wait-timeout 120",
        lines,
        code,
        name="Start stack",
    )


def compose() -> None:
    at(REPO)
    # 4a. bolt: the change's healthcheck uses curl, absent from the image
    cid = "fr-zt-compose-healthcheck-no-curl"
    up = _compose_step(
        _compose_up(
            "healer-ci",
            ["postgres", "api"],
            [
                " Container healer-ci-postgres-1  Healthy",
                " Container healer-ci-api-1  Error",
                "container healer-ci-api-1 is unhealthy",
            ],
        )
    )
    inspect = run(
        "docker inspect --format '{{json .State.Health.Log}}' healer-ci-api-1 | jq -r '.[-1].Output'",
        [
            "OCI runtime exec failed: exec failed: unable to start container process: exec: "
            '"curl": executable file not found in $PATH: unknown'
        ],
        name="Health log",
    )
    ci(
        cid,
        "`container healer-ci-api-1 is unhealthy` from `docker compose up --wait`; the "
        'health log shows `exec: "curl": executable file not found`: the change\'s '
        "docker-compose.ci.yml healthcheck calls curl in the distroless api image; the api "
        "itself is up",
        ["look-alike", "yaml-owner"],
        "bolt",
        "yaml_config",
        workflow="e2e",
        job="e2e",
        steps=[_checkout(), up, inspect],
        message="ci(compose): healthcheck the api over HTTP",
        files=["docker-compose.ci.yml"],
    )

    # 4b. rex: the api panics at start-up
    crash = real.sh(
        "b46-api-panic",
        {"Cargo.toml": real.cargo_toml("healer-api"), "src/main.rs": API_RS},
        "cargo build -q --release --offline >/dev/null 2>&1 && ./target/release/healer-api",
        "/usr/local/bin/healer-api",
        env={"HEALER_LISTEN": "0.0.0.0:80800"},
    )
    assert crash.code, crash.lines
    cid = "fr-zt-compose-api-rust-panic"
    up = _compose_step(
        _compose_up(
            "healer-ci",
            ["postgres", "api"],
            [
                " Container healer-ci-postgres-1  Healthy",
                "container healer-ci-api-1 exited (101)",
            ],
        )
    )
    logs = run(
        "docker compose -f docker-compose.ci.yml logs api",
        [f"api-1  | {ln}" for ln in crash.lines],
        name="Compose logs",
    )
    ci(
        cid,
        "`container healer-ci-api-1 exited (101)` under `docker compose up --wait`; the "
        "compose logs show the api's own panic `HEALER_LISTEN must be host:port` on "
        "`0.0.0.0:80800`, the default the change wrote into the api's config: the Rust code",
        ["look-alike"],
        "rex",
        "rust_test",
        workflow="e2e",
        job="e2e",
        steps=[_checkout(), up, logs],
        message="feat(api): listen address from config",
        files=["crates/healer-api/src/config.rs"],
    )

    # 4c. blaze: the console server crashes at start-up
    at(WEB)
    crash = real.node_run("b46-web-crash", {"server.js": WEB_JS}, "server.js")
    assert crash.code and "TypeError" in "\n".join(crash.lines), crash.lines
    cid = "fr-zt-compose-web-node-crash"
    up = _compose_step(
        _compose_up(
            "console-ci",
            ["api", "web"],
            [
                " Container console-ci-api-1  Healthy",
                "container console-ci-web-1 exited (1)",
            ],
        )
    )
    logs = run(
        "docker compose -f docker-compose.ci.yml logs web",
        [f"web-1  | {ln}" for ln in crash.lines],
        name="Compose logs",
    )
    ci(
        cid,
        "`container console-ci-web-1 exited (1)`; the compose logs show the console server's "
        "`TypeError: Cannot read properties of undefined (reading 'origins')`: the change "
        "reads `cfg.cors.origins` with no default: the front-end server's code",
        ["look-alike"],
        "blaze",
        "frontend_test",
        workflow="e2e",
        job="e2e",
        repo=WEB,
        steps=[_checkout(), up, logs],
        message="feat(server): CORS origins from flags",
        files=["server/index.js"],
    )

    # 4d. atlas: a leftover container holds the port on a self-hosted runner
    at(REPO)
    cid = "fr-zt-compose-port-allocated"
    up = _compose_step(
        [
            " Network healer-ci_default  Creating",
            " Network healer-ci_default  Created",
            " Container healer-ci-postgres-1  Creating",
            " Container healer-ci-postgres-1  Created",
            " Container healer-ci-postgres-1  Starting",
            "Error response from daemon: driver failed programming external connectivity on "
            f"endpoint healer-ci-postgres-1 ({sha(cid)}{sha(cid + ':e')[:24]}): Bind for "
            "0.0.0.0:5432 failed: port is already allocated",
        ]
    )
    ps = run(
        "docker ps --format '{{.Names}}\\t{{.Ports}}\\t{{.Status}}'",
        [
            "healer-ci-2-postgres-1\t0.0.0.0:5432->5432/tcp, [::]:5432->5432/tcp\tUp 3 days (healthy)",
        ],
        name="Runner containers",
    )
    ci(
        cid,
        "`Bind for 0.0.0.0:5432 failed: port is already allocated`: the self-hosted runner "
        "still runs `healer-ci-2-postgres-1`, up 3 days from an earlier cancelled run that "
        "never ran `compose down`; the change is Rust code only",
        ["platform", "self-hosted", "misleading-name"],
        "atlas",
        "general",
        workflow="e2e",
        job="e2e",
        steps=[_checkout(), up, ps],
        message="feat(dispatch): per-agent queues",
        files=["crates/healer-dispatch/src/queue.rs"],
        self_hosted=True,
    )


# ------------------------------------------------------------------ 5. producers and matrix legs


def producers() -> None:
    at(WEB)
    # 5a. atlas: the producer job was skipped by the path filter
    cid = "fr-zt-download-producer-path-skipped"
    ci(
        cid,
        "deploy-docs (`needs: [changes, build-docs]`, `if: always()`) cannot download "
        "`docs-site`: build-docs was skipped because the paths filter saw no change under "
        "docs/ (the change is src/ only), so nothing was uploaded: the workflow's conditions",
        ["look-alike", "context-driven", "platform"],
        "atlas",
        "general",
        workflow="console",
        job="deploy-docs",
        repo=WEB,
        steps=[_download_missing("docs-site", "site")],
        message="fix(console): retry button spacing",
        files=["src/components/RetryButton.tsx"],
    )

    # 5b. atlas: a Linux leg runs the macOS leg's binary
    at(REPO)
    out = real.sh(
        "b46-exec-format",
        {},
        "mkdir -p bin && printf '\\317\\372\\355\\376\\014\\000\\000\\001\\000' > bin/healer"
        " && chmod +x bin/healer && bash -c './bin/healer --version'",
        "./bin/healer --version",
    )
    assert out.code == 126, (out.code, out.lines)
    out = real.Out(out.command, [ln for ln in out.lines if ln], out.code)
    cid = "fr-zt-matrix-artifact-other-os"
    ci(
        cid,
        "the ubuntu-24.04 leg of smoke cannot execute `./bin/healer` (`cannot execute binary "
        "file: Exec format error`): the change made the download name "
        "`healer-${{ matrix.os == 'ubuntu-24.04' && 'macos' || 'linux' }}` inverted, so the "
        "Linux leg got the macOS leg's Mach-O build",
        ["look-alike", "matrix"],
        "atlas",
        "general",
        workflow="ci",
        job="smoke (ubuntu-24.04)",
        steps=[
            _checkout(),
            uses(
                "actions/download-artifact@v4",
                {"name": "healer-macos", "path": "bin"},
                [
                    "Downloading single artifact",
                    "Preparing to download the following artifacts:",
                    f"- healer-macos (ID: {int(sha(cid)[:7], 16)}, Size: 4821337, Expected "
                    f"Digest: sha256:{sha(cid + ':d')}{sha(cid + ':d2')[:24]})",
                    "Total of 1 artifact(s) downloaded",
                    "Download artifact has finished successfully",
                ],
            ),
            failing(out, name="Smoke"),
        ],
        message="ci: smoke both platforms",
        files=[".github/workflows/ci.yml"],
    )

    # 5c. atlas: two matrix legs upload one name
    cid = "fr-zt-matrix-upload-name-conflict"
    up = uses(
        "actions/upload-artifact@v4",
        {"name": "coverage", "path": "target/llvm-cov/lcov.info"},
        [
            "With the provided path, there will be 1 file uploaded",
            "Artifact name is valid!",
            "Root directory input is valid!",
        ],
        error=[
            "##[error]Failed to CreateArtifact: Received non-retryable error: Failed request: "
            "(409) Conflict: an artifact with this name already exists on the workflow run",
        ],
    )
    ci(
        cid,
        "upload-artifact@v4 409 `an artifact with this name already exists on the workflow "
        "run`: the change added `toolchain: [stable, beta]` to the coverage job's matrix and "
        "both legs upload `coverage`",
        ["platform", "matrix", "misleading-name"],
        "atlas",
        "general",
        workflow="rust",
        job="coverage (beta)",
        steps=[
            *rust_setup(),
            run(
                "cargo llvm-cov --lcov --output-path target/llvm-cov/lcov.info",
                ["Finished report saved to target/llvm-cov/lcov.info"],
            ),
            up,
        ],
        message="ci: coverage on beta too",
        files=[".github/workflows/rust.yml"],
    )


# ------------------------------------------------------------------ 6. images and compose deps

API_DF = """FROM rust:1.95-bookworm AS builder
WORKDIR /src
ENV CARGO_TARGET_DIR=/cargo-target
COPY . .
RUN cargo build --release --locked -p healer-api

FROM gcr.io/distroless/cc-debian12
COPY --from=builder /src/target/release/healer-api /usr/local/bin/healer-api
USER nonroot
ENTRYPOINT ["/usr/local/bin/healer-api"]
"""


def images() -> None:
    at(REPO)
    # 6a. bolt: the service image was never pushed because the change's Dockerfile fails
    cid = "fr-zt-service-image-from-failed-image-job"
    image = "ghcr.io/5dlabs/healer-api:pr-" + str(int(sha(cid)[:4], 16) % 900 + 1500)
    pull = [
        f"/usr/bin/docker pull {image}",
        "Error response from daemon: manifest unknown",
        "Warning: Docker pull failed with exit code 1, back off 5.371 seconds before retry.",
        f"/usr/bin/docker pull {image}",
        "Error response from daemon: manifest unknown",
        "Warning: Docker pull failed with exit code 1, back off 8.814 seconds before retry.",
        f"/usr/bin/docker pull {image}",
        "Error response from daemon: manifest unknown",
        "##[error]Docker pull failed with exit code 1",
    ]
    ci(
        cid,
        f"the contract-tests job cannot pull its `api` service image `{image}` (`manifest "
        "unknown`); the image job of the same run failed: BuildKit's `COPY --from=builder "
        "/src/target/release/healer-api` not found, because the change's Dockerfile set "
        "`CARGO_TARGET_DIR=/cargo-target` in the builder stage (that log is in the context): "
        "the api image's Dockerfile",
        ["look-alike", "context-driven"],
        "bolt",
        "docker_build",
        workflow="ci",
        job="contract-tests",
        steps=[_services(cid, image, pull)],
        message="build(api): distroless runtime image",
        files=["crates/healer-api/Dockerfile"],
    )
    bk = shapes.BuildKit(cid, API_DF)
    bk.metadata()
    err = bk.run_until(8, copy_missing="/src/target/release/healer-api")
    assert err
    _other_log(
        cid,
        REPO,
        "ci",
        "image",
        [
            _checkout(),
            *buildx_setup(),
            buildx_step(bk.lines, err, image, file="crates/healer-api/Dockerfile"),
        ],
    )

    # 6b. bolt: compose waits on a service the change left without a healthcheck
    cid = "fr-zt-compose-depends-no-healthcheck"
    up = _compose_step(
        [
            " Network healer-ci_default  Creating",
            " Network healer-ci_default  Created",
            " Container healer-ci-redis-1  Creating",
            " Container healer-ci-redis-1  Created",
            " Container healer-ci-api-1  Creating",
            " Container healer-ci-api-1  Created",
            " Container healer-ci-redis-1  Starting",
            " Container healer-ci-redis-1  Started",
            " Container healer-ci-redis-1  Waiting",
            " Container healer-ci-redis-1  Error",
            "dependency failed to start: container healer-ci-redis-1 has no healthcheck configured",
        ]
    )
    ci(
        cid,
        "`docker compose up --wait` stops on `dependency failed to start: container "
        "healer-ci-redis-1 has no healthcheck configured`: the change added the redis service "
        "to docker-compose.ci.yml and made the api `depends_on` it with `condition: "
        "service_healthy` without giving redis a healthcheck: the compose file",
        ["look-alike", "yaml-owner"],
        "bolt",
        "yaml_config",
        workflow="e2e",
        job="e2e",
        steps=[_checkout(), up],
        message="ci(compose): run redis for the queue tests",
        files=["docker-compose.ci.yml", "crates/healer-queue/tests/roundtrip.rs"],
    )


# ------------------------------------------------------------------ 7. plain cases

ASSERT_RS = """pub fn next_backoff(attempt: u32) -> u64 {
    250 * 2u64.pow(attempt)
}

#[cfg(test)]
mod tests {
    #[test]
    fn backoff_caps_at_thirty_seconds() {
        assert_eq!(super::next_backoff(10), 30_000);
    }
}
"""

NEEDS_WF = """name: release
on:
  push:
    tags: ["v*"]
jobs:
  build:
    runs-on: ubuntu-24.04
    outputs:
      version: ${{ steps.meta.outputs.version }}
    steps:
      - id: meta
        run: echo "version=${GITHUB_REF_NAME#v}" >> "$GITHUB_OUTPUT"
  deploy:
    needs: build
    runs-on: ubuntu-24.04
    steps:
      - run: ./scripts/deploy.sh "${{ needs.build.outputs.tag }}"
"""

COMPOSE_BAD = """services:
  postgres:
    image: postgres:16.4
    environment:
      POSTGRES_PASSWORD: healer
    healthcheck:
      test: ["CMD", "pg_isready", "-U", "postgres"]
     interval: 5s
  api:
    image: ghcr.io/5dlabs/healer:ci
    depends_on:
      postgres:
        condition: service_healthy
"""


def plain() -> None:
    at(REPO)
    out = real.cargo(
        "b46-plain-assert", {"src/lib.rs": ASSERT_RS}, ["test"], shown="cargo test --locked"
    )
    assert out.code and "assertion" in "\n".join(out.lines), out.lines
    cid = "fr-zt-plain-cargo-test-assert"
    ci(
        cid,
        "with the postgres service healthy, `backoff_caps_at_thirty_seconds` fails "
        "`assertion left == right` (256000 vs 30000): the change removed the cap",
        ["obvious"],
        "rex",
        "rust_test",
        workflow="rust",
        job="integration-tests",
        steps=[
            _healthy(
                "postgres",
                "postgres:16.4",
                cid,
                ['-e "POSTGRES_USER=healer"', '-e "POSTGRES_PASSWORD=healer"'],
                "5432:5432",
            ),
            *rust_setup(),
            failing(out, name="cargo test"),
        ],
        message="refactor(dispatch): simpler backoff",
        files=["crates/healer-dispatch/src/backoff.rs"],
    )

    at(WEB)
    ts = real.tsc(
        "b46-plain-tsc",
        {
            "src/runs.ts": (
                "export interface Run {\n  id: number;\n  agent: string;\n}\n\n"
                "export function latest(runs: Run[]): Run {\n"
                "  return runs.at(-1);\n"
                "}\n"
            )
        },
    )
    assert ts.code, ts.lines
    cid = "fr-zt-plain-tsc-build-job"
    ci(
        cid,
        "the console's build job (deploy-preview needs it) fails tsc: `Type 'Run | undefined' "
        "is not assignable to type 'Run'` in the change's src/runs.ts",
        ["obvious"],
        "blaze",
        "frontend_typecheck",
        workflow="console",
        job="build",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(ts, name="Typecheck")],
        message="feat(console): latest run card",
        files=["src/runs.ts"],
    )

    at(REPO)
    lint = real.actionlint("b46-plain-actionlint", {"release.yml": NEEDS_WF})
    assert lint.code and "tag" in "\n".join(lint.lines), lint.lines
    cid = "fr-zt-plain-actionlint-needs-output"
    ci(
        cid,
        'actionlint: `property "tag" is not defined` for `needs.build.outputs.tag`; the build '
        "job's only output is `version`",
        ["obvious"],
        "atlas",
        "workflow_syntax",
        workflow="lint",
        job="actionlint",
        steps=[_checkout(), failing(lint, name="actionlint")],
        message="ci(release): deploy the tagged build",
        files=[".github/workflows/release.yml"],
    )

    yl = real.yamllint(
        "b46-plain-yamllint", {"docker-compose.ci.yml": COMPOSE_BAD}, ["docker-compose.ci.yml"]
    )
    assert yl.code, yl.lines
    cid = "fr-zt-plain-yamllint-compose"
    ci(
        cid,
        "yamllint: a syntax error in docker-compose.ci.yml, where the change's `interval:` "
        "under the postgres healthcheck is indented one space short",
        ["obvious", "yaml-owner"],
        "bolt",
        "yaml_config",
        workflow="lint",
        job="yamllint",
        steps=[_checkout(), failing(yl, name="yamllint")],
        message="ci(compose): faster postgres healthcheck",
        files=["docker-compose.ci.yml"],
    )

    cid = "fr-zt-plain-service-image-missing"
    image = "postgres:17.2-alpine3.22"
    pull = [
        f"/usr/bin/docker pull {image}",
        f"Error response from daemon: manifest for {image} not found: manifest unknown: "
        "manifest unknown",
        "Warning: Docker pull failed with exit code 1, back off 4.916 seconds before retry.",
        f"/usr/bin/docker pull {image}",
        f"Error response from daemon: manifest for {image} not found: manifest unknown: "
        "manifest unknown",
        "Warning: Docker pull failed with exit code 1, back off 7.203 seconds before retry.",
        f"/usr/bin/docker pull {image}",
        f"Error response from daemon: manifest for {image} not found: manifest unknown: "
        "manifest unknown",
        "##[error]Docker pull failed with exit code 1",
    ]
    ci(
        cid,
        f"the runner cannot pull the postgres service image `{image}` (`manifest unknown`): "
        "the change bumped the workflow's service image to a tag Docker Hub does not have",
        ["obvious", "platform"],
        "atlas",
        "general",
        workflow="rust",
        job="integration-tests",
        steps=[_services(cid, image, pull)],
        message="ci: postgres 17 for the integration tests",
        files=[".github/workflows/rust.yml"],
    )
