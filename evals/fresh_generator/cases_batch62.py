"""Batch 62 of the fresh split (ids ``fr-zzj-``): infrastructure in depth. Multi-stage
Dockerfiles (a stage name typo, a ``COPY --from`` of a path the builder no longer writes, an
``ARG`` that does not reach the stage using it, a base tag that does not exist, a ``USER``
without write access), buildx cache exports, hadolint, Helm chart dependencies and
``values.schema.json``, Kustomize components and replacements, Argo CD PreSync hooks and sync
waves, Terraform fmt/validate/plan, ingress and certificate manifests; and the look-alikes
whose root cause is the code inside the image or hook (rex, blaze), the registry or network
(atlas), or a scanner gate (cipher).

Run here for real: hadolint, yamllint, check-jsonschema, ``kubectl kustomize``, terraform fmt
and validate, curl against a 127.0.0.1 server, cargo and tsc. Written in the tools' own
formats: BuildKit's frames, Helm, Argo CD, Trivy, cert-manager, terraform's registry errors.
"""

from __future__ import annotations

import real
import shapes
from fcommon import at, ci, failing, pr_of, rust_setup, sha
from gha import run, uses
from helpers import buildx_setup, buildx_step, clock, kube_setup, pod_name

PLAT = "5dlabs/platform"
WEB = "5dlabs/console"
MONO = "5dlabs/atrium"
PFX = "fr-zzj-"


def build() -> None:
    dockerfiles()
    image_lookalikes()
    helm_and_kustomize()
    argo_hooks()
    terraform()
    ingress_and_certs()


def sh(name: str, files: dict[str, str], script: str, shown: str, **kw: object) -> real.Out:
    return real.sh("b62-" + name, files, script, shown, **kw)  # type: ignore[arg-type]


def helm_setup() -> list:
    return [uses("azure/setup-helm@v4", {"version": "v3.16.3"}, ["Helm v3.16.3 installed"])]


def tf_setup() -> list:
    return [
        uses(
            "hashicorp/setup-terraform@v3",
            {"terraform_version": "1.11.4", "terraform_wrapper": "false"},
            ["Downloading Terraform 1.11.4", "Terraform 1.11.4 installed"],
        )
    ]


def stage_error(bk: shapes.BuildKit, label: str, err: str, dockerfile: str, line: int) -> str:
    """A vertex that fails before running (a stage resolved as an image)."""
    n = bk._next()
    bk.lines += [
        f"#{n} {label}",
        f"#{n} ERROR: {err}",
        "",
        "------",
        f" > {label}:",
        "------",
        *shapes._snippet(dockerfile, line),
    ]
    return err


# ------------------------------------------------------------------ 1. Dockerfiles (bolt)


def dockerfiles() -> None:
    at(MONO)
    # stage name typo: COPY --from=biulder is resolved as an image on Docker Hub
    cid = PFX + "copy-from-stage-name-typo"
    df = (
        "FROM rust:1.95-bookworm AS builder\nWORKDIR /src\nCOPY . .\n"
        "RUN cargo build --release -p atrium-relay\n\n"
        "FROM debian:bookworm-slim\n"
        "RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates "
        "&& rm -rf /var/lib/apt/lists/*\n"
        "COPY --from=biulder /src/target/release/atrium-relay /usr/local/bin/atrium-relay\n"
        'ENTRYPOINT ["/usr/local/bin/atrium-relay"]\n'
    )
    bk = shapes.BuildKit(cid, df)
    bk.metadata()
    n = bk._next()
    img = "docker.io/library/biulder:latest"
    err = (
        f"biulder: failed to resolve source metadata for {img}: pull access denied, repository "
        "does not exist or may require authorization: server message: insufficient_scope: "
        "authorization failed"
    )
    bk.lines += [
        f"#{n} [internal] load metadata for {img}",
        f"#{n} ERROR: pull access denied, repository does not exist or may require "
        "authorization: server message: insufficient_scope: authorization failed",
        "",
        "------",
        f" > [internal] load metadata for {img}:",
        "------",
        *shapes._snippet(df, 8),
    ]
    ci(
        cid,
        "the relay image build fails resolving `docker.io/library/biulder:latest` (`pull access "
        "denied ... insufficient_scope`): the change's Dockerfile says `COPY --from=biulder` "
        "while the stage is named `builder`, so BuildKit treats it as an image; a registry "
        "denial in form, a stage-name typo in the Dockerfile",
        ["look-alike"],
        "bolt",
        "docker_build",
        repo=MONO,
        workflow="images",
        job="relay-image",
        steps=[
            *buildx_setup(),
            buildx_step(bk.finish(err), err, "ghcr.io/5dlabs/atrium-relay:1.4.0"),
        ],
        message="build(relay): slim runtime stage",
        files=["Dockerfile"],
        pr=pr_of(cid, "build(relay): slim runtime stage"),
    )

    # COPY --from of a path the builder no longer writes (musl target dir)
    cid = PFX + "copy-from-path-moved-by-musl-target"
    df = (
        "FROM rust:1.95-alpine AS builder\nRUN apk add --no-cache musl-dev\nWORKDIR /src\n"
        "COPY . .\n"
        "RUN cargo build --release --target x86_64-unknown-linux-musl -p atrium-sync\n\n"
        "FROM scratch\n"
        "COPY --from=builder /src/target/release/atrium-sync /atrium-sync\n"
        'ENTRYPOINT ["/atrium-sync"]\n'
    )
    bk = shapes.BuildKit(cid, df)
    bk.metadata()
    err = bk.run_until(8, copy_missing="/src/target/release/atrium-sync")
    assert err
    ci(
        cid,
        "the sync image's final `COPY --from=builder /src/target/release/atrium-sync` fails "
        "(`not found`): the change switched the builder to `--target x86_64-unknown-linux-musl`, "
        "which writes target/x86_64-unknown-linux-musl/release/, and left the COPY path; the "
        "cargo build itself succeeded",
        ["look-alike"],
        "bolt",
        "docker_build",
        repo=MONO,
        workflow="images",
        job="sync-image",
        steps=[
            *buildx_setup(),
            buildx_step(bk.finish(err), err, "ghcr.io/5dlabs/atrium-sync:1.4.0"),
        ],
        message="build(sync): static musl binary on scratch",
        files=["crates/atrium-sync/Dockerfile"],
    )

    # ARG declared before FROM, used inside a stage without redeclaring: empty URL, 404
    cid = PFX + "arg-scope-empty-version-curl-404"
    with real.serve((404, "Not Found")) as port:
        out = sh(
            "argscope",
            {},
            f"sh -xc 'curl -fsSLO http://127.0.0.1:{port}/grpc-ecosystem/grpc-health-probe/releases/"
            "download/v/grpc_health_probe-linux-amd64'",
            "curl",
            hosts={f"http://127.0.0.1:{port}": "https://github.com"},
        )
    assert out.code != 0, out
    df = (
        "ARG PROBE_VERSION=0.4.35\n"
        "FROM golang:1.23-bookworm AS tools\n"
        "RUN set -x && curl -fsSLO https://github.com/grpc-ecosystem/grpc-health-probe/releases/download/"
        "v${PROBE_VERSION}/grpc_health_probe-linux-amd64\n\n"
        "FROM gcr.io/distroless/static-debian12\n"
        "COPY --from=tools /go/grpc_health_probe-linux-amd64 /bin/grpc_health_probe\n"
    )
    bk = shapes.BuildKit(cid, df)
    bk.metadata()
    err = bk.run_until(3, out.lines, code=22)
    assert err
    ci(
        cid,
        "the image build's `RUN set -x && curl -fsSLO .../releases/download/v${PROBE_VERSION}/...` ends "
        "with `curl: (22) ... 404`: the traced URL is `.../download/v/...` because the change "
        "moved `ARG PROBE_VERSION` above the first FROM and the stage never redeclares it, so "
        "it is empty inside the stage; not GitHub's downloads",
        ["look-alike"],
        "bolt",
        "docker_build",
        repo=PLAT,
        workflow="images",
        job="probe-image",
        steps=[
            *buildx_setup(),
            buildx_step(bk.finish(err), err, "ghcr.io/5dlabs/grpc-probe:0.4.35"),
        ],
        message="build(probe): one place for the probe version",
        files=["images/grpc-probe/Dockerfile"],
    )

    # obvious: a base image tag that does not exist
    cid = PFX + "base-tag-does-not-exist"
    df = (
        "FROM node:20-bookworm AS build\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\n"
        "COPY . .\nRUN npm run build\n\n"
        "FROM nginx:1.27-alpine-slimm\n"
        "COPY --from=build /app/dist /usr/share/nginx/html\n"
    )
    bk = shapes.BuildKit(cid, df)
    err = bk.metadata(missing="nginx:1.27-alpine-slimm")
    assert err
    ci(
        cid,
        "the console image build fails at once: `docker.io/library/nginx:1.27-alpine-slimm: "
        "not found` for the runtime stage's base, a tag the change mistyped in the Dockerfile",
        ["obvious"],
        "bolt",
        "docker_build",
        repo=WEB,
        workflow="images",
        job="console-image",
        steps=[
            *buildx_setup(),
            buildx_step(bk.finish(err), err, "ghcr.io/5dlabs/console:2.4.0"),
        ],
        message="build(console): slimmer nginx runtime",
        files=["Dockerfile"],
        pr=pr_of(cid, "build(console): slimmer nginx"),
    )

    # USER without permissions: mkdir after USER app
    cid = PFX + "user-before-mkdir-permission-denied"
    df = (
        "FROM python:3.12-slim\n"
        "RUN useradd --system --uid 10001 app\n"
        "USER app\n"
        "WORKDIR /srv\n"
        "COPY requirements.txt .\n"
        "RUN mkdir -p /var/cache/reports && pip install --user -r requirements.txt\n"
        "COPY reports/ ./reports/\n"
    )
    bk = shapes.BuildKit(cid, df)
    bk.metadata()
    err = bk.run_until(
        6, ["mkdir: cannot create directory '/var/cache/reports': Permission denied"]
    )
    assert err
    ci(
        cid,
        "the reports image's `RUN mkdir -p /var/cache/reports && pip install ...` fails with "
        "`Permission denied`: the change moved `USER app` above the step, so it runs as the "
        "unprivileged user; a file-system permission in the Dockerfile, not a token or a "
        "registry permission",
        ["look-alike"],
        "bolt",
        "docker_build",
        repo=PLAT,
        workflow="images",
        job="reports-image",
        steps=[
            *buildx_setup(),
            buildx_step(bk.finish(err), err, "ghcr.io/5dlabs/reports:3.2.1"),
        ],
        message="build(reports): drop root earlier",
        files=["images/reports/Dockerfile"],
    )

    # hadolint (real), obvious
    cid = PFX + "hadolint-dl3008-dl3059"
    df = (
        "FROM ubuntu:24.04\n"
        "RUN apt-get update\n"
        "RUN apt-get install -y curl jq\n"
        "COPY entrypoint.sh /entrypoint.sh\n"
        'ENTRYPOINT ["/entrypoint.sh"]\n'
    )
    out = real.hadolint("b62-hadolint", df, where="images/ops-toolbox/Dockerfile")
    assert out.code != 0, out
    ci(
        cid,
        "hadolint in a `dockerfile-lint` job flags the change's ops-toolbox Dockerfile: apt-get "
        "install without pinned versions, without `--no-install-recommends`, and consecutive "
        "RUN instructions",
        ["obvious"],
        "bolt",
        "docker_build",
        repo=PLAT,
        workflow="lint",
        job="dockerfile-lint",
        steps=[
            run(
                "wget -qO /usr/local/bin/hadolint https://github.com/hadolint/hadolint/releases/"
                "download/v2.12.0/hadolint-Linux-x86_64 && chmod +x /usr/local/bin/hadolint",
                [],
                name="Install hadolint",
            ),
            failing(out, name="hadolint"),
        ],
        message="feat(ops): toolbox image with curl and jq",
        files=["images/ops-toolbox/Dockerfile", "images/ops-toolbox/entrypoint.sh"],
    )

    # hadolint under pre-commit in a job named after Rust
    cid = PFX + "rust-lint-precommit-hadolint-dl3025"
    df = (
        "FROM rust:1.95-bookworm AS build\nWORKDIR /src\nCOPY . .\n"
        "RUN cargo build --release -p atrium-cli\n\n"
        "FROM debian:bookworm-slim\n"
        "COPY --from=build /src/target/release/atrium-cli /usr/local/bin/atrium\n"
        "ENTRYPOINT /usr/local/bin/atrium --config /etc/atrium/cli.toml\n"
    )
    hl = real.hadolint("b62-hadolint-pc", df, where="crates/atrium-cli/Dockerfile")
    assert hl.code != 0, hl
    lines = [
        "cargo fmt................................................................Passed",
        "cargo clippy.............................................................Passed",
        "hadolint.................................................................Failed",
        "- hook id: hadolint",
        f"- exit code: {hl.code}",
        "",
        *hl.lines,
        "",
        "check yaml...............................................................Passed",
    ]
    ci(
        cid,
        "a `rust-lint` job's `pre-commit run --all-files` passes cargo fmt and clippy, then "
        "its hadolint hook fails on the CLI crate's Dockerfile (a shell-form ENTRYPOINT); the "
        "Dockerfile the change added, not the Rust code",
        ["look-alike", "misleading-name", "wrapper", "multi-signal"],
        "bolt",
        "docker_build",
        repo=MONO,
        workflow="rust",
        job="rust-lint",
        steps=[
            *rust_setup(),
            run("pre-commit run --all-files --show-diff-on-failure", lines, 1, name="pre-commit"),
        ],
        message="build(cli): container image for the CLI",
        files=["crates/atrium-cli/Dockerfile"],
    )

    # buildx cache export with the docker driver (workflow dropped setup-buildx-action)
    cid = PFX + "buildx-cache-export-docker-driver"
    ci(
        cid,
        "`docker buildx build --cache-to type=gha,mode=max` fails before building: `Cache "
        "export is not supported for the docker driver`; the change removed the "
        "docker/setup-buildx-action step from the workflow, so the runner's default docker "
        "driver builds; the workflow's setup, not the Dockerfile",
        ["look-alike"],
        "atlas",
        "workflow_syntax",
        repo=MONO,
        workflow="images",
        job="api-image",
        steps=[
            uses(
                "docker/login-action@v3",
                {"registry": "ghcr.io", "username": "5dlabs-bot", "password": "***"},
                ["Logging into ghcr.io...", "Login Succeeded!"],
            ),
            run(
                "docker buildx build --cache-from type=gha --cache-to type=gha,mode=max "
                "-t ghcr.io/5dlabs/atrium-api:1.4.0 --push .",
                [
                    "ERROR: failed to build: Cache export is not supported for the docker driver.",
                    "Switch to a different driver, or turn on the containerd image store, and "
                    "try again.",
                    "Learn more at https://docs.docker.com/go/build-cache-backends/",
                ],
                1,
                name="Build image",
            ),
        ],
        message="ci(images): simplify the image job",
        files=[".github/workflows/images.yml"],
    )

    # buildx cache import from the GHA cache service: 502 mid-export
    cid = PFX + "buildx-cache-export-registry-502"
    df = (
        "FROM rust:1.95-bookworm AS build\nWORKDIR /src\nCOPY . .\n"
        "RUN cargo build --release -p atrium-api\n\n"
        "FROM gcr.io/distroless/cc-debian12\n"
        "COPY --from=build /src/target/release/atrium-api /atrium-api\n"
        'ENTRYPOINT ["/atrium-api"]\n'
    )
    bk = shapes.BuildKit(cid, df)
    bk.metadata()
    bk.run_until(None)
    n = bk._next()
    ref = "ghcr.io/5dlabs/atrium-api:1.4.1"
    err = (
        "failed to parse error response 502: <html><head><title>502 Bad Gateway</title></head>"
        "<body><center><h1>502 Bad Gateway</h1></center></body></html>: unexpected status "
        "code 502 Bad Gateway"
    )
    bk.lines += [
        f"#{n} exporting to image",
        f"#{n} exporting layers 2.4s done",
        f"#{n} pushing layers 3.1s done",
        f"#{n} DONE 6.2s",
        "",
        f"#{n + 1} exporting cache to registry",
        f"#{n + 1} preparing build cache for export",
        f"#{n + 1} writing layer sha256:{sha(cid + 'l')}{sha('l')[:24]}",
        f"#{n + 1} writing layer sha256:{sha(cid + 'l')}{sha('l')[:24]} 4.8s done",
        f"#{n + 1} ERROR: {err}",
        "------",
        " > exporting cache to registry:",
        "------",
    ]
    ci(
        cid,
        "the api image builds and pushes, then `exporting cache to registry` fails "
        "with a 502 Bad Gateway HTML body from ghcr.io while writing the `:buildcache` manifest; the Dockerfile and workflow "
        "are unchanged and the change only touched a handler",
        ["look-alike", "flaky"],
        "atlas",
        "general",
        repo=MONO,
        workflow="images",
        job="api-image",
        branch="main",
        steps=[*buildx_setup(), buildx_step(bk.finish(err), err, ref)],
        message="fix(api): trim whitespace in tenant names",
        files=["crates/atrium-api/src/tenants.rs"],
    )


# ------------------------------------------------------------------ 2. inside the image build


def image_lookalikes() -> None:
    at(MONO)
    # rustc error inside RUN cargo build (rex)
    cid = PFX + "docker-run-cargo-e0599-in-builder"
    cb = real.cargo(
        "b62-cargo-e0599",
        {
            "Cargo.toml": real.cargo_toml("atrium-relay"),
            "src/main.rs": """use std::time::Duration;

struct Backoff {
    base: Duration,
}

impl Backoff {
    fn delay(&self, attempt: u32) -> Duration {
        self.base.saturating_mul(2u32.pow(attempt)).clamp_max(Duration::from_secs(30))
    }
}

fn main() {
    let b = Backoff { base: Duration::from_millis(200) };
    println!("{:?}", b.delay(3));
}
""",
        },
        ["build", "--release"],
    )
    assert cb.code != 0 and any("E0599" in ln for ln in cb.lines), cb
    inner = [ln.replace(real.RUNNER, "/src") for ln in cb.lines]
    df = (
        "FROM rust:1.95-bookworm AS builder\nWORKDIR /src\nCOPY . .\n"
        "RUN cargo build --release -p atrium-relay\n\n"
        "FROM debian:bookworm-slim\n"
        "COPY --from=builder /src/target/release/atrium-relay /usr/local/bin/atrium-relay\n"
        'ENTRYPOINT ["/usr/local/bin/atrium-relay"]\n'
    )
    bk = shapes.BuildKit(cid, df)
    bk.metadata()
    err = bk.run_until(4, inner, code=101)
    assert err
    ci(
        cid,
        "the relay image's builder stage `RUN cargo build --release` fails with E0599 (no "
        "method `clamp_max` on `Duration`) in the change's backoff code; the Dockerfile is "
        "unchanged",
        ["look-alike", "wrapper"],
        "rex",
        "rust_build",
        repo=MONO,
        workflow="images",
        job="relay-image",
        steps=[
            *buildx_setup(),
            buildx_step(bk.finish(err), err, "ghcr.io/5dlabs/atrium-relay:1.4.1"),
        ],
        message="feat(relay): capped exponential backoff",
        files=["crates/atrium-relay/src/backoff.rs"],
    )

    # tsc error inside RUN npm run build (blaze)
    at(WEB)
    cid = PFX + "docker-run-npm-build-tsc-ts2345"
    ts = real.tsc(
        "b62-tsc",
        {
            "src/format.ts": """export function formatBytes(n: number): string {
  const units = ["B", "KB", "MB", "GB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n.toFixed(1)} ${units[i]}`;
}
""",
            "src/usage.ts": """import { formatBytes } from "./format";

export function usageLabel(raw: string | undefined): string {
  return formatBytes(raw ?? "0");
}
""",
        },
    )
    assert ts.code != 0, ts
    inner = [
        "",
        "> console@2.4.0 build",
        "> tsc -p tsconfig.json && vite build",
        "",
        *[ln.replace(real.RUNNER, "/app") for ln in ts.lines],
    ]
    df = (
        "FROM node:20-bookworm AS build\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\n"
        "COPY . .\nRUN npm run build\n\n"
        "FROM nginx:1.27-alpine\n"
        "COPY --from=build /app/dist /usr/share/nginx/html\n"
    )
    bk = shapes.BuildKit(cid, df)
    bk.metadata()
    err = bk.run_until(6, inner, code=2)
    assert err
    ci(
        cid,
        "the console image's `RUN npm run build` stage fails in tsc: TS2345, a `string` passed "
        "to `formatBytes(n: number)` in the change's src/usage.ts; a TypeScript error inside "
        "the Docker build",
        ["look-alike", "wrapper"],
        "blaze",
        "frontend_typecheck",
        repo=WEB,
        workflow="images",
        job="console-image",
        steps=[
            *buildx_setup(),
            buildx_step(bk.finish(err), err, "ghcr.io/5dlabs/console:2.4.1"),
        ],
        message="feat(usage): show storage usage in the header",
        files=["src/usage.ts", "src/Header.tsx"],
        pr=pr_of(cid, "feat(usage): storage usage label"),
    )

    # Trivy gate on the built image (cipher)
    at(PLAT)
    cid = PFX + "trivy-image-gate-critical-openssl"
    img = "ghcr.io/5dlabs/gateway:5.1.0"
    trivy = [
        "2026-11-02T11:42:07Z\tINFO\t[vuln] Vulnerability scanning is enabled",
        '2026-11-02T11:42:07Z\tINFO\tDetected OS\tfamily="debian" version="12.7"',
        '2026-11-02T11:42:07Z\tINFO\t[debian] Detecting vulnerabilities...\tos_version="12" '
        "pkg_num=97",
        "2026-11-02T11:42:08Z\tINFO\tNumber of language-specific files\tnum=0",
        "",
        f"{img} (debian 12.7)",
        "",
        "Total: 2 (CRITICAL: 2)",
        "",
        "┌────────────┬────────────────┬──────────┬────────┬───────────────────┬─────────────────┬──────────────────────────────────────────┐",
        "│  Library   │ Vulnerability  │ Severity │ Status │ Installed Version │  Fixed Version  │                  Title                   │",
        "├────────────┼────────────────┼──────────┼────────┼───────────────────┼─────────────────┼──────────────────────────────────────────┤",
        "│ libssl3    │ CVE-2024-5535  │ CRITICAL │ fixed  │ 3.0.14-1~deb12u1  │ 3.0.15-1~deb12u1│ openssl: SSL_select_next_proto buffer    │",
        "│            │                │          │        │                   │                 │ overread                                 │",
        "├────────────┤                │          │        │                   │                 │                                          │",
        "│ openssl    │                │          │        │                   │                 │                                          │",
        "└────────────┴────────────────┴──────────┴────────┴───────────────────┴─────────────────┴──────────────────────────────────────────┘",
    ]
    ci(
        cid,
        "the gateway image builds and pushes; the next step, `trivy image --severity CRITICAL "
        "--exit-code 1`, fails on CVE-2024-5535 in libssl3/openssl of the debian base; a "
        "scanner gate on the built image",
        ["look-alike"],
        "cipher",
        "vulnerable_dependency",
        repo=PLAT,
        workflow="images",
        job="gateway-image",
        branch="main",
        steps=[
            *buildx_setup(),
            uses(
                "docker/build-push-action@v6",
                {"context": "images/gateway", "push": "true", "tags": img},
                ["#14 exporting to image", "#14 pushing layers 2.2s done", "#14 DONE 3.9s"],
                name="Build and push",
            ),
            run(
                f"trivy image --severity CRITICAL --ignore-unfixed --exit-code 1 {img}",
                trivy,
                1,
                name="Scan image",
            ),
        ],
        message="chore(gateway): bump envoy to 1.32.2",
        files=["images/gateway/Dockerfile"],
    )

    # base image metadata: DNS timeout to Docker Hub (atlas), pairs the missing-tag case
    at(MONO)
    cid = PFX + "base-metadata-dns-timeout"
    df = (
        "FROM node:20-bookworm AS build\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\n\n"
        "FROM nginx:1.27-alpine\nCOPY --from=build /app/dist /usr/share/nginx/html\n"
    )
    bk = shapes.BuildKit(cid, df)
    n = bk._next()
    img = "docker.io/library/node:20-bookworm"
    inner = (
        'failed to do request: Head "https://registry-1.docker.io/v2/library/node/manifests/'
        '20-bookworm": dial tcp: lookup registry-1.docker.io on 127.0.0.53:53: read udp '
        "127.0.0.1:41377->127.0.0.53:53: i/o timeout"
    )
    err = f"node:20-bookworm: failed to resolve source metadata for {img}: {inner}"
    bk.lines += [
        f"#{n} [internal] load metadata for {img}",
        f"#{n} ERROR: {inner}",
        f"#{n + 1} [internal] load metadata for docker.io/library/nginx:1.27-alpine",
        f"#{n + 1} CANCELED",
        "------",
        f" > [internal] load metadata for {img}:",
        "------",
        *shapes._snippet(df, 1),
    ]
    ci(
        cid,
        "the docs image build fails resolving `node:20-bookworm`, a tag that exists: `dial tcp: "
        "lookup registry-1.docker.io on 127.0.0.53:53 ... i/o timeout`; the runner's DNS, with "
        "no Dockerfile change (the push changed docs pages)",
        ["look-alike", "flaky"],
        "atlas",
        "general",
        repo=MONO,
        workflow="docs",
        job="docs-image",
        branch="main",
        steps=[*buildx_setup(), buildx_step(bk.finish(err), err, "ghcr.io/5dlabs/atrium-docs:1.4")],
        message="docs: rate limit guide",
        files=["docs/guides/rate-limits.md"],
    )


# ------------------------------------------------------------------ 3. Helm and Kustomize


def helm_and_kustomize() -> None:
    at(PLAT)
    # helm dependency build: a dependency whose repository was never added
    cid = PFX + "helm-dependency-build-missing-repo"
    ci(
        cid,
        "`helm dependency build charts/ledger` fails: `no repository definition for "
        "https://charts.bitnami.com/bitnami`; the change added a postgresql dependency to "
        "Chart.yaml from a repository the chart's CI never adds (the other dependencies come "
        "from the OCI registry)",
        ["look-alike"],
        "bolt",
        "helm",
        repo=PLAT,
        workflow="charts",
        job="chart-package",
        steps=[
            *helm_setup(),
            run(
                "helm dependency build charts/ledger",
                [
                    "Error: no repository definition for https://charts.bitnami.com/bitnami. "
                    "Please add the missing repos via 'helm repo add'",
                ],
                1,
                name="Build chart dependencies",
            ),
        ],
        message="feat(ledger): bundle postgresql for preview environments",
        files=["charts/ledger/Chart.yaml", "charts/ledger/values.yaml"],
        pr=pr_of(cid, "feat(ledger): bundled postgresql"),
    )

    # the same step, the repository answers 503 (atlas)
    cid = PFX + "helm-dependency-build-repo-503"
    ci(
        cid,
        "`helm dependency update charts/ledger` fails fetching the index of a repository the "
        'job added a step earlier: `looks like "https://charts.bitnami.com/bitnami" is not a '
        "valid chart repository or cannot be reached: ... 503 Service Unavailable`; Chart.yaml "
        "is unchanged and the push changed a template",
        ["look-alike", "flaky"],
        "atlas",
        "general",
        repo=PLAT,
        workflow="charts",
        job="chart-package",
        branch="main",
        steps=[
            *helm_setup(),
            run(
                "helm repo add bitnami https://charts.bitnami.com/bitnami",
                ['"bitnami" has been added to your repositories'],
                name="Add chart repositories",
            ),
            run(
                "helm dependency update charts/ledger",
                [
                    "Hang tight while we grab the latest from your chart repositories...",
                    '...Unable to get an update from the "bitnami" chart repository '
                    "(https://charts.bitnami.com/bitnami):",
                    "\tfailed to fetch https://charts.bitnami.com/bitnami/index.yaml : 503 "
                    "Service Unavailable",
                    "Update Complete. ⎈Happy Helming!⎈",
                    'Error: can\'t get a valid version for 1 subchart(s): "postgresql" '
                    '(repository "https://charts.bitnami.com/bitnami", version "15.5.38"). '
                    "Make sure a matching chart version exists in the repo, or change the "
                    "version constraint in Chart.yaml",
                ],
                1,
                name="Update chart dependencies",
            ),
        ],
        message="fix(ledger): quote the DSN in the configmap",
        files=["charts/ledger/templates/configmap.yaml"],
    )

    # obvious: values.schema.json (real check-jsonschema against the chart's schema)
    cid = PFX + "values-schema-replicas-string"
    schema = """{
  "$schema": "https://json-schema.org/draft-07/schema#",
  "type": "object",
  "required": ["replicaCount", "image"],
  "properties": {
    "replicaCount": {"type": "integer", "minimum": 1},
    "image": {
      "type": "object",
      "required": ["repository", "tag"],
      "properties": {
        "repository": {"type": "string"},
        "tag": {"type": "string"}
      }
    }
  }
}
"""
    values = 'replicaCount: "3"\nimage:\n  repository: ghcr.io/5dlabs/ledger\n  tag: 2.8.0\n'
    out = sh(
        "values-schema",
        {
            "charts/ledger/values.schema.json": schema,
            "charts/ledger/values-production.yaml": values,
        },
        "check-jsonschema --schemafile charts/ledger/values.schema.json "
        "charts/ledger/values-production.yaml",
        "check-jsonschema --schemafile charts/ledger/values.schema.json "
        "charts/ledger/values-production.yaml",
    )
    assert out.code != 0, out
    ci(
        cid,
        'the chart\'s values check fails: values-production.yaml sets `replicaCount: "3"` '
        "(a string), and the chart's values.schema.json requires an "
        "integer replicaCount; the values file the change edited",
        ["obvious"],
        "bolt",
        "helm",
        repo=PLAT,
        workflow="charts",
        job="values-schema",
        steps=[
            run("pipx install check-jsonschema==0.39.0", ["installed package check-jsonschema"]),
            failing(out, name="Validate values"),
        ],
        message="chore(ledger): three replicas in production",
        files=["charts/ledger/values-production.yaml"],
    )

    # kustomize: a component declared as a Kustomization (real)
    cid = PFX + "kustomize-component-wrong-kind"
    deploy = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: ledger
spec:
  selector:
    matchLabels:
      app: ledger
  template:
    metadata:
      labels:
        app: ledger
    spec:
      containers:
        - name: ledger
          image: ghcr.io/5dlabs/ledger:2.8.0
"""
    files = {
        "deploy/base/kustomization.yaml": "resources:\n  - deployment.yaml\n",
        "deploy/base/deployment.yaml": deploy,
        "deploy/components/otel/kustomization.yaml": (
            "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
            "patches:\n  - path: sidecar.yaml\n    target:\n      kind: Deployment\n"
        ),
        "deploy/components/otel/sidecar.yaml": (
            "- op: add\n  path: /spec/template/spec/containers/-\n  value:\n"
            "    name: otel\n    image: otel/opentelemetry-collector:0.114.0\n"
        ),
        "deploy/overlays/staging/kustomization.yaml": (
            "resources:\n  - ../../base\ncomponents:\n  - ../../components/otel\n"
        ),
    }
    out = real.kubectl(
        "b62-kust-component",
        files,
        ["kustomize", "deploy/overlays/staging"],
    )
    assert out.code != 0, out
    ci(
        cid,
        "`kubectl kustomize deploy/overlays/staging` fails: `expected kind 'Component' for path "
        "'.../deploy/components/otel' but got 'Kustomization'`; the change added the otel "
        "component with `kind: Kustomization` instead of `kind: Component` (v1alpha1)",
        [],
        "bolt",
        "k8s_manifest",
        repo=PLAT,
        workflow="manifests",
        job="render-overlays",
        steps=[*kube_setup(), failing(out, name="Render staging")],
        message="feat(ledger): otel collector sidecar as a component",
        files=[
            "deploy/components/otel/kustomization.yaml",
            "deploy/components/otel/sidecar.yaml",
            "deploy/overlays/staging/kustomization.yaml",
        ],
    )

    # kustomize replacements: target field path names a container that does not exist (real)
    cid = PFX + "kustomize-replacement-target-missing"
    files = {
        "deploy/overlays/prod/kustomization.yaml": (
            "resources:\n  - ../../base\n  - release.yaml\n"
            "replacements:\n  - source:\n      kind: ConfigMap\n      name: release\n"
            "      fieldPath: data.image\n    targets:\n      - select:\n"
            "          kind: Deployment\n          name: ledger\n        fieldPaths:\n"
            "          - spec.template.spec.containers.[name=app].image\n"
        ),
        "deploy/overlays/prod/release.yaml": (
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: release\n"
            "data:\n  image: ghcr.io/5dlabs/ledger:2.8.1\n"
        ),
        "deploy/base/kustomization.yaml": "resources:\n  - deployment.yaml\n",
        "deploy/base/deployment.yaml": deploy,
    }
    out = real.kubectl("b62-kust-repl", files, ["kustomize", "deploy/overlays/prod"])
    assert out.code != 0, out
    ci(
        cid,
        "a `release-bump` job renders the prod overlay and fails: `unable to find field "
        '"spec.template.spec.containers.[name=app].image" in replacement target`; the '
        "change's replacement selects a container named `app`, and the Deployment's container "
        "is `ledger`",
        ["misleading-name"],
        "bolt",
        "k8s_manifest",
        repo=PLAT,
        workflow="release",
        job="release-bump",
        steps=[
            *kube_setup(),
            run(
                "yq -i '.data.image = \"ghcr.io/5dlabs/ledger:2.8.1\"' "
                "deploy/overlays/prod/release.yaml",
                [],
                name="Bump image",
            ),
            failing(out, name="Render prod"),
        ],
        message="ci(release): drive the prod image from a release ConfigMap",
        files=["deploy/overlays/prod/kustomization.yaml", "deploy/overlays/prod/release.yaml"],
    )


# ------------------------------------------------------------------ 4. Argo CD hooks and waves

OPS = "5dlabs/gitops"
NS = "ledger"
APP_PATH = "apps/ledger/overlays/staging"


def wait_step(
    cid: str, app: str, health: str, message: str, resources: list[tuple[str, ...]], fatal: str
) -> list:
    rev = sha(cid + "rev")
    lines = [
        *shapes.argocd_summary(
            app,
            "platform",
            NS,
            OPS,
            APP_PATH,
            rev,
            "OutOfSync",
            health,
            phase="Failed" if "Timed out" not in fatal else "Running",
            message=message,
            resources=resources,
        ),
        shapes.logrus_fatal("2026-11-02T12:05:04Z", fatal),
    ]
    return [
        run(
            "curl -sSL -o /usr/local/bin/argocd https://github.com/argoproj/argo-cd/releases/"
            "download/v2.13.2/argocd-linux-amd64 && chmod +x /usr/local/bin/argocd",
            [],
            name="Install argocd",
        ),
        run(
            f"argocd app sync {app} --grpc-web && argocd app wait {app} --health --timeout 300 "
            "--grpc-web",
            lines,
            20,
            name="Sync and wait",
        ),
    ]


def hook_res(
    kind: str, name: str, status: str, health: str, message: str, hook: str = "", group: str = ""
) -> dict:
    r = {
        "group": group,
        "version": "v1",
        "kind": kind,
        "namespace": NS,
        "name": name,
        "status": status,
        "health": {"status": health},
        "message": message,
        "syncPhase": hook or "Sync",
    }
    if hook:
        r["hookPhase"] = "Failed" if health == "Degraded" else "Running"
        r["hook"] = True
    return r


def argo_hooks() -> None:
    at(OPS)
    # PreSync migration Job fails: the Rust migrator panics on its SQL (rex)
    at("5dlabs/ledger")
    cid = PFX + "argocd-presync-migration-rust-panic"
    panic = real.cargo(
        "b62-migrate-panic",
        {
            "Cargo.toml": real.cargo_toml("ledger-migrate"),
            "src/main.rs": """#![allow(dead_code)]

#[derive(Debug)]
struct MigrateError {
    version: i64,
    message: String,
}

fn apply(version: i64, sql: &str) -> Result<(), MigrateError> {
    if sql.contains("ADD COLUMN region") && sql.matches("ADD COLUMN region").count() > 1 {
        return Err(MigrateError {
            version,
            message: "error returned from database: column \\"region\\" of relation \\"accounts\\" already exists".into(),
        });
    }
    Ok(())
}

fn main() {
    eprintln!("INFO ledger_migrate: applying 42 pending=1");
    let sql = "ALTER TABLE accounts ADD COLUMN region text;\\nALTER TABLE accounts ADD COLUMN region text NOT NULL DEFAULT 'eu';";
    apply(42, sql).expect("migration failed");
}
""",
        },
        ["run", "-q"],
    )
    assert panic.code == 101, panic
    rev = sha(cid + "rev")
    msg = "Job has reached the specified backoff limit"
    res = [
        ("batch", "Job", NS, "ledger-migrate", "Failed", "", "PreSync", msg),
        ("apps", "Deployment", NS, "ledger", "OutOfSync", "Healthy", "", ""),
    ]
    op = "one or more synchronization tasks completed unsuccessfully, reason: " + msg
    created, first, last = clock(cid)
    pname = pod_name(cid, "ledger-migrate")
    pod = shapes.pod(
        pname,
        NS,
        "ledger-migrate",
        "ghcr.io/5dlabs/ledger-migrate:2.9.0",
        created=created,
        phase="Failed",
        terminated={"exit_code": 101, "reason": "Error", "started": first, "finished": first},
        owner=("Job", "ledger-migrate"),
    )
    ci(
        cid,
        "`argocd app wait` fails: the PreSync hook Job ledger-migrate reached its backoff "
        "limit; its pod exited 101 and Loki shows the Rust migrator panicking (`migration "
        'failed: MigrateError { version: 42, ... column "region" ... already exists }`) on '
        "the change's migration, which adds the column twice",
        ["context-driven", "look-alike", "argocd"],
        "rex",
        "rust_build",
        repo="5dlabs/ledger",
        workflow="cd",
        job="deploy-staging",
        branch="main",
        steps=wait_step(
            cid,
            "ledger-staging",
            "Healthy",
            op,
            res,
            "Operation has completed with phase: Failed",
        ),
        message="feat(ledger): accounts.region (migration 0042)",
        files=["crates/ledger-migrate/migrations/0042_accounts_region.sql"],
        extra={
            "kubernetes": {
                "pods": [pod],
                "events": [
                    shapes.event(
                        NS,
                        "Job",
                        "ledger-migrate",
                        "BackoffLimitExceeded",
                        msg,
                        first=first,
                        last=last,
                        component="job-controller",
                    )
                ],
            },
            "loki": [
                ln.replace("at src/", "at crates/ledger-migrate/src/").replace("(3141)", "(1)")
                for ln in panic.lines
                if ln.strip() and "rust_backtrace" not in ln.lower()
            ],
            "argocd": [
                shapes.argo_application(
                    "ledger-staging",
                    NS,
                    OPS,
                    APP_PATH,
                    rev,
                    "OutOfSync",
                    "Healthy",
                    phase="Failed",
                    op_message=op,
                    resources=[
                        hook_res(
                            "Job", "ledger-migrate", "Failed", "Degraded", msg, "PreSync", "batch"
                        ),
                        hook_res("Deployment", "ledger", "OutOfSync", "Healthy", "", group="apps"),
                    ],
                )
            ],
        },
    )

    at(OPS)
    # PreSync hook waits on a ConfigMap that only the later Sync phase creates (bolt)
    cid = PFX + "argocd-presync-configmap-in-sync-wave"
    rev = sha(cid + "rev")
    hook_msg = "waiting for completion of hook batch/Job/ledger-migrate"
    res = [
        ("batch", "Job", NS, "ledger-migrate", "Running", "Progressing", "PreSync", ""),
        ("", "ConfigMap", NS, "ledger-db", "OutOfSync", "", "", ""),
        ("apps", "Deployment", NS, "ledger", "OutOfSync", "Healthy", "", ""),
    ]
    created, first, last = clock(cid)
    pname = pod_name(cid, "ledger-migrate")
    pod = shapes.pod(
        pname,
        NS,
        "ledger-migrate",
        "ghcr.io/5dlabs/ledger-migrate:2.9.1",
        created=created,
        phase="Pending",
        waiting=("CreateContainerConfigError", 'configmap "ledger-db" not found'),
        owner=("Job", "ledger-migrate"),
    )
    ci(
        cid,
        "`argocd app wait` times out with the PreSync hook Job still running; its pod is in "
        'CreateContainerConfigError (`configmap "ledger-db" not found`): the change moved the '
        "DSN into a ConfigMap synced in the Sync phase (sync-wave 1), after the PreSync hook "
        "that reads it",
        ["context-driven", "argocd"],
        "bolt",
        "argocd_sync",
        repo=OPS,
        workflow="cd",
        job="deploy-staging",
        branch="main",
        steps=wait_step(
            cid,
            "ledger-staging",
            "Healthy",
            hook_msg,
            res,
            'Timed out (300s) waiting for app "ledger-staging" match desired state',
        ),
        message="refactor(ledger): database settings in a ConfigMap",
        files=[
            "apps/ledger/base/configmap-db.yaml",
            "apps/ledger/base/job-migrate.yaml",
            "apps/ledger/base/kustomization.yaml",
        ],
        extra={
            "kubernetes": {
                "pods": [pod],
                "events": [
                    shapes.event(
                        NS,
                        "Pod",
                        pname,
                        "Failed",
                        'Error: configmap "ledger-db" not found',
                        first=first,
                        last=last,
                        count=14,
                    )
                ],
            },
            "argocd": [
                shapes.argo_application(
                    "ledger-staging",
                    NS,
                    OPS,
                    APP_PATH,
                    rev,
                    "OutOfSync",
                    "Healthy",
                    phase="Running",
                    op_message=hook_msg,
                    resources=[
                        hook_res(
                            "Job",
                            "ledger-migrate",
                            "Running",
                            "Progressing",
                            "",
                            "PreSync",
                            "batch",
                        ),
                        hook_res("ConfigMap", "ledger-db", "OutOfSync", "Healthy", ""),
                        hook_res("Deployment", "ledger", "OutOfSync", "Healthy", "", group="apps"),
                    ],
                )
            ],
        },
    )

    # a hook Job without a delete policy: immutable spec.template on the next sync (bolt)
    cid = PFX + "argocd-hook-job-immutable-template"
    rev = sha(cid + "rev")
    msg = (
        'Job.batch "ledger-seed" is invalid: spec.template: Invalid value: core.PodTemplateSpec'
        "{...}: field is immutable"
    )
    op = "one or more objects failed to apply, reason: " + msg
    res = [
        ("batch", "Job", NS, "ledger-seed", "SyncFailed", "", "PostSync", msg),
        ("apps", "Deployment", NS, "ledger", "Synced", "Healthy", "", ""),
    ]
    ci(
        cid,
        "`argocd app wait` fails: the PostSync hook Job ledger-seed cannot be applied "
        "(`spec.template: ... field is immutable`); the change bumped the seed image while the "
        "hook has a fixed name and no `hook-delete-policy: BeforeHookCreation`, so Argo CD "
        "patches the finished Job",
        ["argocd"],
        "bolt",
        "argocd_sync",
        repo=OPS,
        workflow="cd",
        job="deploy-staging",
        branch="main",
        steps=wait_step(
            cid, "ledger-staging", "Healthy", op, res, "Operation has completed with phase: Failed"
        ),
        message="chore(ledger): seed data 2.9.1",
        files=["apps/ledger/base/job-seed.yaml"],
    )


# ------------------------------------------------------------------ 5. Terraform

TF_ENV = {"TF_CLI_CONFIG_FILE": "/dev/null", "TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1"}


def terraform() -> None:
    at(PLAT)
    # obvious: terraform fmt -check (real)
    cid = PFX + "terraform-fmt-check-dns"
    main = (
        'variable "region" {\n  type = string\n}\n\n'
        'variable "zone_name" {\n  type = string\n}\n\n'
        'resource "terraform_data" "dns" {\n  input = {\n    zone = var.zone_name\n'
        "    region = var.region\n    ttl = 300\n  }\n}\n"
    )
    out = sh(
        "tf-fmt",
        {"infra/dns/main.tf": main},
        "terraform fmt -check -diff -no-color -recursive infra/",
        "terraform fmt -check -diff -no-color -recursive infra/",
        env=TF_ENV,
    )
    assert out.code != 0, out
    ci(
        cid,
        "`terraform fmt -check -diff -recursive infra/` fails on infra/dns/main.tf: the "
        "change's `input` block is not aligned (`zone   =`, `ttl    =`)",
        ["obvious"],
        "bolt",
        "yaml_config",
        repo=PLAT,
        workflow="terraform",
        job="fmt",
        steps=[*tf_setup(), failing(out, name="terraform fmt")],
        message="feat(dns): manage the staging zone's TTL",
        files=["infra/dns/main.tf"],
    )

    # terraform validate: an undeclared variable (real), in a job named after the app
    cid = PFX + "terraform-validate-undeclared-variable"
    main = (
        'variable "region" {\n  type = string\n}\n\n'
        'resource "terraform_data" "bucket" {\n  input = {\n'
        '    name   = "ledger-exports-${var.environment}"\n    region = var.region\n  }\n}\n'
    )
    out = sh(
        "tf-validate",
        {"infra/storage/main.tf": main},
        "cd infra/storage && terraform init -backend=false -input=false -no-color >/dev/null "
        "&& terraform validate -no-color",
        "terraform -chdir=infra/storage validate -no-color",
        env=TF_ENV,
    )
    assert out.code != 0, out
    ci(
        cid,
        "a `ledger-infra` job's `terraform validate` fails: `Reference to undeclared input "
        "variable` `var.environment` in infra/storage/main.tf, which the change edited without "
        "declaring the variable",
        ["misleading-name"],
        "bolt",
        "yaml_config",
        repo=PLAT,
        workflow="ledger",
        job="ledger-infra",
        steps=[
            *tf_setup(),
            run(
                "terraform -chdir=infra/storage init -backend=false -input=false",
                [
                    "Initializing provider plugins...",
                    "Terraform has been successfully initialized!",
                ],
                name="terraform init",
            ),
            failing(out, name="terraform validate"),
        ],
        message="feat(ledger): per-environment export bucket",
        files=["infra/storage/main.tf"],
    )

    # terraform init: the provider registry times out (atlas)
    cid = PFX + "terraform-init-registry-timeout"
    ci(
        cid,
        "`terraform init` in a `plan` job fails to query the registry: `could not connect to "
        "registry.terraform.io: failed to request discovery document: ... (Client.Timeout "
        "exceeded while awaiting headers)`; the providers and lock file are unchanged and the "
        "change only edited a variable's description",
        ["look-alike", "flaky"],
        "atlas",
        "general",
        repo=PLAT,
        workflow="terraform",
        job="plan",
        branch="main",
        steps=[
            *tf_setup(),
            run(
                "terraform -chdir=infra/network init -input=false -lockfile=readonly",
                [
                    "Initializing the backend...",
                    "",
                    'Successfully configured the backend "s3"! Terraform will automatically',
                    "use this backend unless the backend configuration changes.",
                    "Initializing provider plugins...",
                    '- Finding hashicorp/aws versions matching "~> 5.80"...',
                    "╷",
                    "│ Error: Failed to query available provider packages",
                    "│",
                    "│ Could not retrieve the list of available versions for provider",
                    "│ hashicorp/aws: could not connect to registry.terraform.io: failed to",
                    "│ request discovery document: Get",
                    '│ "https://registry.terraform.io/.well-known/terraform.json": net/http:',
                    "│ request canceled while waiting for connection (Client.Timeout exceeded",
                    "│ while awaiting headers)",
                    "╵",
                ],
                1,
                name="terraform init",
            ),
        ],
        message="docs(network): describe the nat_gateways variable",
        files=["infra/network/variables.tf"],
    )

    # trivy config gate on the Terraform change (cipher)
    cid = PFX + "trivy-config-terraform-public-bucket"
    lines = [
        "2026-11-02T11:42:07Z\tINFO\t[misconfig] Misconfiguration scanning is enabled",
        "2026-11-02T11:42:08Z\tINFO\tDetected config files\tnum=6",
        "",
        "main.tf (terraform)",
        "",
        "Tests: 14 (SUCCESSES: 12, FAILURES: 2)",
        "Failures: 2 (HIGH: 2, CRITICAL: 0)",
        "",
        "AVD-AWS-0086 (HIGH): No public access block so not blocking public acls",
        "════════════════════════════════════════",
        "S3 buckets should block public ACLs on buckets and any objects they contain. By "
        "blocking, PUTs with fail if the object has any public ACL a.",
        "",
        "See https://avd.aquasec.com/misconfig/avd-aws-0086",
        "────────────────────────────────────────",
        " main.tf:12-16",
        "────────────────────────────────────────",
        '  12 ┌ resource "aws_s3_bucket_public_access_block" "exports" {',
        "  13 │   bucket                  = aws_s3_bucket.exports.id",
        "  14 │   block_public_acls       = false",
        "  15 │   restrict_public_buckets = false",
        "  16 └ }",
        "────────────────────────────────────────",
        "",
        "AVD-AWS-0093 (HIGH): Public access block does not restrict public buckets",
        "════════════════════════════════════════",
        "See https://avd.aquasec.com/misconfig/avd-aws-0093",
        "────────────────────────────────────────",
        " main.tf:15",
        "────────────────────────────────────────",
    ]
    ci(
        cid,
        "`trivy config --severity HIGH,CRITICAL --exit-code 1 infra/exports` fails with "
        "AVD-AWS-0086 and AVD-AWS-0093: the change's export bucket turns off the public access "
        "block; terraform validate passed in the step before",
        ["look-alike"],
        "cipher",
        "code_scanning_alert",
        repo=PLAT,
        workflow="terraform",
        job="security",
        steps=[
            *tf_setup(),
            run(
                "terraform -chdir=infra/exports validate -no-color",
                ["Success! The configuration is valid."],
                name="terraform validate",
            ),
            run(
                "trivy config --severity HIGH,CRITICAL --exit-code 1 infra/exports",
                lines,
                1,
                name="trivy config",
            ),
        ],
        message="feat(exports): partner download bucket",
        files=["infra/exports/main.tf"],
    )


# ------------------------------------------------------------------ 6. ingress and certificates


def ingress_and_certs() -> None:
    at(PLAT)
    # yamllint: a duplicated key in the Ingress (real)
    cid = PFX + "yamllint-ingress-duplicate-annotations"
    ingress = """apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: console
  annotations:
    cert-manager.io/cluster-issuer: letsencrypt-prod
  annotations:
    nginx.ingress.kubernetes.io/proxy-body-size: 20m
spec:
  ingressClassName: nginx
  tls:
    - hosts: [console.5dlabs.ai]
      secretName: console-tls
  rules:
    - host: console.5dlabs.ai
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: console
                port:
                  number: 80
"""
    out = real.yamllint(
        "b62-yamllint-ingress",
        {"deploy/console/ingress.yaml": ingress},
        ["deploy/console/"],
        config="extends: default\nrules:\n  line-length: {max: 120}\n  document-start: disable\n",
    )
    assert out.code != 0, out
    ci(
        cid,
        'yamllint fails on deploy/console/ingress.yaml: `duplication of key "annotations" in '
        "mapping`; the change added the body-size annotation as a second `annotations:` block, "
        "which would silently drop the cert-manager issuer",
        ["obvious"],
        "bolt",
        "yaml_config",
        repo=PLAT,
        workflow="manifests",
        job="yamllint",
        steps=[failing(out, name="yamllint")],
        message="feat(console): allow 20m uploads",
        files=["deploy/console/ingress.yaml"],
    )

    # Certificate never Ready: issuerRef names a ClusterIssuer as an Issuer (context)
    cid = PFX + "certificate-wait-issuer-kind"
    _created, first, last = clock(cid)
    cert_msg = 'Referenced "Issuer" not found: issuer.cert-manager.io "letsencrypt-prod" not found'
    ci(
        cid,
        "`kubectl wait --for=condition=Ready certificate/console-tls` times out; the "
        'CertificateRequest\'s event says `Referenced "Issuer" not found: ... '
        '"letsencrypt-prod"`: the change\'s Certificate sets `issuerRef.kind: Issuer` for what '
        "is a ClusterIssuer",
        ["context-driven"],
        "bolt",
        "k8s_manifest",
        repo=PLAT,
        workflow="deploy",
        job="deploy-console",
        branch="main",
        steps=[
            *kube_setup(),
            run(
                "kubectl apply -k deploy/console/overlays/prod",
                [
                    "service/console unchanged",
                    "deployment.apps/console unchanged",
                    "certificate.cert-manager.io/console-tls created",
                    "ingress.networking.k8s.io/console configured",
                ],
                name="Apply",
            ),
            run(
                "kubectl -n console wait --for=condition=Ready certificate/console-tls "
                "--timeout=180s",
                ["error: timed out waiting for the condition on certificates/console-tls"],
                1,
                name="Wait for certificate",
            ),
        ],
        message="feat(console): explicit Certificate for console.5dlabs.ai",
        files=["deploy/console/overlays/prod/certificate.yaml"],
        extra={
            "kubernetes": {
                "pods": [],
                "events": [
                    shapes.event(
                        "console",
                        "CertificateRequest",
                        "console-tls-1",
                        "IssuerNotFound",
                        cert_msg,
                        first=first,
                        last=last,
                        count=6,
                        component="cert-manager-certificaterequests-issuer-acme",
                        host="",
                    ),
                    shapes.event(
                        "console",
                        "Certificate",
                        "console-tls",
                        "Issuing",
                        "Issuing certificate as Secret does not exist",
                        first=first,
                        last=first,
                        type_="Normal",
                        component="cert-manager-certificates-trigger",
                        host="",
                    ),
                ],
            }
        },
    )

    # the same wait, an ACME order that Let's Encrypt rate-limits (atlas: external service)
    cid = PFX + "certificate-wait-acme-rate-limited"
    _created, first, last = clock(cid)
    ci(
        cid,
        "`kubectl wait --for=condition=Ready certificate/docs-tls` times out; the Order's "
        "event is Let's Encrypt's `429 urn:ietf:params:acme:error:rateLimited: too many "
        "certificates (5) already issued for this exact set of identifiers in the last 168h0m0s`; "
        "the Certificate and issuer are unchanged (the push re-created the preview namespace)",
        ["context-driven", "look-alike"],
        "atlas",
        "general",
        repo=PLAT,
        workflow="preview",
        job="deploy-preview",
        steps=[
            *kube_setup(),
            run(
                "kubectl -n docs-preview wait --for=condition=Ready certificate/docs-tls "
                "--timeout=180s",
                ["error: timed out waiting for the condition on certificates/docs-tls"],
                1,
                name="Wait for certificate",
            ),
        ],
        message="docs: preview for the rate limit guide",
        files=["docs/guides/rate-limits.md"],
        extra={
            "kubernetes": {
                "pods": [],
                "events": [
                    shapes.event(
                        "docs-preview",
                        "Order",
                        "docs-tls-1-3387420191",
                        "Failed",
                        "Failed to create Order: 429 urn:ietf:params:acme:error:rateLimited: "
                        "too many certificates (5) already issued for this exact set of "
                        "identifiers in the last 168h0m0s, retry after 2026-11-03 08:14:09 "
                        "UTC: see https://letsencrypt.org/docs/rate-limits/"
                        "#new-certificates-per-exact-set-of-hostnames",
                        first=first,
                        last=last,
                        count=3,
                        component="cert-manager-orders",
                        host="",
                    )
                ],
            }
        },
    )
