"""Cases for five failure classes the first dataset lacked: a wrapper around the real
error (BuildKit, make, npm run, Helm hooks, kubectl wait), symptoms whose cause is in the
cluster (the context says which), GitHub platform failures under other names, security
scanners with no log, YAML by owner, and compilers or test runners killed for memory.

``add_all(b)`` is called by ``build.py`` with itself, after its own cases, so the first 203
cases are unchanged. Labels are the root cause, written case by case.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

import cluster as k
import scenarios as sc
import scenarios_more as sm
from layout import BuildFailure, Step, buildkit, num, run_step, uses_step

import tools as t
from tools import Output

B: ModuleType  # the build module (ci, add, fail, ok, SETUP, ...)
NS = "cto"


# ------------------------------------------------------------------ step helpers


def step_of(
    key: str, name: str | None = None, command: str | None = None, env: dict[str, str] | None = None
) -> Step:
    """A failing ``run:`` step with a scenario's real output."""
    out = sc.get(key)
    return run_step(
        command or out.command,
        out.lines,
        "failure",
        out.code or 1,
        env,
        name,
        seconds=num(key, 3, 90),
    )


def out_step(
    out: Output, name: str | None = None, code: int | None = None, seconds: float = 20.0
) -> Step:
    return run_step(
        out.command,
        out.lines,
        "failure",
        code if code is not None else (out.code or 1),
        name=name,
        seconds=seconds,
    )


def action_fail(
    action: str,
    inputs: dict[str, str],
    lines: list[str],
    error: str,
    name: str | None = None,
    seconds: float = 5.0,
) -> Step:
    """A failing ``uses:`` step: the action logs ``lines`` and reports ``##[error]``."""
    given = [ln for a, v in inputs.items() for ln in f"  {a}: {v}".splitlines()]
    body = [f"##[group]Run {action}", "with:", *given, "##[endgroup]", *lines]
    return Step(name or f"Run {action}", body, "failure", None, seconds, [f"##[error]{error}"])


def logs_step(target: str, lines: list[str], name: str = "Show logs on failure") -> Step:
    """An ``if: failure()`` step that prints the crashed container's log."""
    cmd = f"kubectl logs {target} -n {NS} --tail=50 --all-containers"
    return run_step(cmd, lines, "success", None, name=name, seconds=2)


def docker_step(
    key: str,
    dockerfile: str,
    failure: BuildFailure,
    tag: str,
    *,
    path: str = "Dockerfile",
    action: bool = False,
    push: bool = False,
) -> Step:
    """A Docker build step: ``docker buildx build --progress=plain`` as a ``run:`` step, or
    docker/build-push-action (which ends with ``buildx failed with:``)."""
    lines = buildkit(key, dockerfile, failure, tag=tag, push=push, dockerfile_name=path)
    if not action:
        flag = "--push " if push else "--load "
        cmd = f"docker buildx build --progress=plain {flag}-t {tag} -f {path} ."
        return run_step(cmd, lines, "failure", 1, name=None, seconds=num(key, 30, 300))
    run_id = num(key + ":run", 11_000_000_000, 12_000_000_000)
    tmp = f"/home/runner/work/_temp/docker-actions-toolkit-{k.rs_hash(key)[:6]}"
    cmd = (
        f"/usr/bin/docker buildx build --file {path} --iidfile {tmp}/build-iidfile-"
        f"{k.rs_hash(key + 'i')[:10]}.txt --attest type=provenance,mode=min,inline-only=true,"
        f"builder-id=https://github.com/5dlabs/cto/actions/runs/{run_id} --tag {tag} "
        f"--metadata-file {tmp}/build-metadata-{k.rs_hash(key + 'm')[:10]}.json "
        + ("--push ." if push else ".")
    )
    return action_fail(
        "docker/build-push-action@v6",
        {
            "context": ".",
            "file": path,
            "push": str(push).lower(),
            "tags": tag,
            "load": "false",
            "no-cache": "false",
            "pull": "false",
        },
        [f"[command]{cmd}", *lines],
        "buildx failed with: " + lines[-1],
        name="Build and push image",
        seconds=num(key, 30, 300),
    )


def buildx_setup() -> list[Step]:
    return [
        uses_step(
            "docker/setup-buildx-action@v3",
            {"driver": "docker-container"},
            [
                "Docker info",
                "Buildx version",
                "github.com/docker/buildx v0.19.3 48d6a3994f9c6e1d3e9a6cb1b7f8f3e0d4b0f1b2",
            ],
        )
    ]


def helm_step(
    release: str, chart: str, error: str, values: str | None = None, timeout: str = "5m"
) -> Step:
    """``helm upgrade --install --wait``: Helm prints only its error line (Helm itself does
    not run here; the line is Helm 3's wording for the failure)."""
    cmd = f"helm upgrade --install {release} {chart} -n {NS} --wait --timeout {timeout}"
    if values:
        cmd += f" -f {values}"
    return run_step(cmd, [error], "failure", 1, seconds=300)


def kubectl_ctx(name: str) -> Step:
    return run_step(
        "aws eks update-kubeconfig --name staging --alias staging || true\n"
        "kubectl config use-context staging",
        ['Switched to context "staging".'],
        "success",
        None,
        name="Use staging cluster",
        seconds=2,
    )


def log_lines(out: Output) -> list[str]:
    """A container's log as Loki returns it: one entry per non-empty line."""
    return [ln for ln in out.lines if ln.strip()]


# ------------------------------------------------------------------ cluster contexts


def crashloop(
    key: str,
    app: str,
    image: str,
    crash: Output,
    *,
    restarts: int = 6,
    namespace: str = NS,
    limits: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Pods of ``app`` in CrashLoopBackOff after exiting with ``crash.code``."""
    pods = []
    events = []
    for n in range(2):
        pk = f"{key}:{n}"
        name = k.pod_name(pk, app)
        pods.append(
            k.pod(
                pk,
                app,
                image,
                namespace=namespace,
                restarts=restarts + n,
                waiting=(
                    "CrashLoopBackOff",
                    f"back-off 5m0s restarting failed "
                    f"container={app} pod={name}_{namespace}"
                    f"({k.uid(pk + name)})",
                ),
                last_terminated=("Error", crash.code),
                limits=limits,
            )
        )
        events.append(
            k.event(
                pk,
                f"Pod/{name}",
                "BackOff",
                f"Back-off restarting failed "
                f"container {app} in pod {name}_{namespace}({k.uid(pk + name)})",
                count=restarts * 3 + n,
                namespace=namespace,
            )
        )
    return {"pods": pods, "events": events}


def healthy(key: str, app: str, image: str, replicas: int = 2) -> dict[str, Any]:
    """Pods that are Running and Ready, with no warning events."""
    pods = [k.pod(f"{key}:{n}", app, image, ready=True) for n in range(replicas)]
    return {
        "pods": pods,
        "events": [
            k.event(
                f"{key}:{n}",
                f"Pod/{p['metadata']['name']}",
                "Started",
                f"Started container {app}",
                type_="Normal",
            )
            for n, p in enumerate(pods)
        ],
    }


def error_rate(key: str, svc: str, value: float) -> dict[str, Any]:
    q = (
        f'sum(rate(http_requests_total{{namespace="{NS}",service="{svc}",code=~"5.."}}[5m]))'
        f' / sum(rate(http_requests_total{{namespace="{NS}",service="{svc}"}}[5m]))'
    )
    return {q: k.prom_value(key, {}, value)}


def alerts(key: str, *names: tuple[str, dict[str, str]]) -> dict[str, Any]:
    return {
        'ALERTS{alertstate="firing"}': [
            {
                "metric": {
                    "__name__": "ALERTS",
                    "alertname": n,
                    "alertstate": "firing",
                    "namespace": NS,
                    "severity": "warning",
                    **labels,
                },
                "value": [int(k.when(key, 300).timestamp()), "1"],
            }
            for n, labels in names
        ]
    }


def restarts(key: str, app: str, value: int) -> dict[str, Any]:
    return {
        f'sum(kube_pod_container_status_restarts_total{{namespace="{NS}",'
        f'container="{app}"}})': k.prom_value(key, {}, value)
    }


def add_all(build: ModuleType) -> None:
    global B
    B = build
    wrapper_cases()
    context_cases()
    platform_cases()
    no_log_security_cases()
    yaml_owner_cases()
    resource_kill_cases()


# ------------------------------------------------------------------ 1. wrapper vs inner

RUST_DOCKERFILE = """\
FROM rust:1.95-slim-bookworm AS builder
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY crates ./crates
{run}
FROM gcr.io/distroless/cc-debian12
COPY --from=builder /src/target/release/{binary} /usr/local/bin/{binary}
USER nonroot
ENTRYPOINT ["/usr/local/bin/{binary}"]
"""

WEB_DOCKERFILE = """\
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
{run}
FROM nginx:1.27-alpine
COPY --from=build /app/dist /usr/share/nginx/html
EXPOSE 8080
"""


def rust_image(run: str, binary: str = "controller") -> str:
    return RUST_DOCKERFILE.format(run=run, binary=binary)


def web_image(run: str = "RUN npm run build") -> str:
    return WEB_DOCKERFILE.format(run=run)


def line_of(dockerfile: str, prefix: str) -> int:
    return next(n for n, ln in enumerate(dockerfile.splitlines(), 1) if ln.startswith(prefix))


IMAGE_HOMES = {
    "/home/runner/.npm/": "/root/.npm/",
    "/home/runner/.cargo/": "/usr/local/cargo/",
    "/home/runner/.rustup/toolchains/stable-x86_64-unknown-linux-gnu/": "/usr/local/rustup/toolchains/1.95.0-x86_64-unknown-linux-gnu/",
}


def inner(key: str, root: str) -> BuildFailure:
    """A RUN step's output: the inner tool's real run, seen from the image's WORKDIR and
    the image's home directories."""
    lines = t.relocate(sc.get(key), root).lines
    for runner_path, image_path in IMAGE_HOMES.items():
        lines = [ln.replace(runner_path, image_path) for ln in lines]
    return BuildFailure("run", output=lines, code=sc.get(key).code)


def wrapper_cases() -> None:
    """The wrapper's error line is not the cause: the inner tool's output is."""
    ci = B.ci
    # --- BuildKit RUN steps that ran the inner tool
    specs = [
        # key, inner scenario, dockerfile, RUN line, agent, type, workflow, job, files, msg,
        # action?, extra tags
        (
            "bk-cargo-build-e0308",
            "img-cargo-e0308",
            rust_image("RUN cargo build --release"),
            "RUN cargo build",
            "rex",
            "rust_build",
            "Infrastructure",
            "images",
            ["crates/controller/src/main.rs"],
            "feat(controller): PORT from the environment",
            True,
            ["misleading-name"],
        ),
        (
            "bk-cargo-locked",
            "cargo-locked",
            rust_image("RUN cargo build --release --locked"),
            "RUN cargo build",
            "rex",
            "rust_deps",
            "controller-image",
            "build",
            ["crates/proto/Cargo.toml"],
            "chore(proto): bump to 0.2.0",
            False,
            [],
        ),
        (
            "bk-cargo-test",
            "img-cargo-test",
            rust_image("RUN cargo test --release && cargo build --release", binary="healer"),
            "RUN cargo test",
            "rex",
            "rust_test",
            "docker-publish",
            "image",
            ["crates/healer/src/port.rs"],
            "feat: accept ports with a protocol suffix",
            True,
            ["misleading-name"],
        ),
        (
            "bk-clippy",
            "img-clippy",
            rust_image("RUN cargo clippy --release -- -D warnings && cargo build --release"),
            "RUN cargo clippy",
            "rex",
            "rust_clippy",
            "Build images",
            "controller",
            ["crates/controller/src/main.rs"],
            "feat(controller): double retries",
            False,
            ["misleading-name"],
        ),
        (
            "bk-npm-build-vite",
            "npm-run-build-vite",
            web_image(),
            "RUN npm run build",
            "blaze",
            "frontend_build",
            "web-image",
            "docker",
            ["web/src/main.js"],
            "feat(web): runs view",
            True,
            [],
        ),
        (
            "bk-npm-test",
            "npm-run-test",
            web_image("RUN npm test && npm run build"),
            "RUN npm test",
            "blaze",
            "frontend_test",
            "Infrastructure",
            "images",
            ["web/src/duration.js"],
            "fix(web): pad minutes",
            False,
            ["misleading-name"],
        ),
        (
            "bk-npm-ci",
            "npm-ci-out-of-sync",
            web_image(),
            "RUN npm ci",
            "blaze",
            "frontend_deps",
            "Deploy",
            "build-web",
            ["web/package.json"],
            "deps(web): is-number",
            True,
            ["misleading-name"],
        ),
        (
            "bk-npm-lint",
            "npm-run-lint-image",
            web_image("RUN npm run lint && npm run build"),
            "RUN npm run lint",
            "blaze",
            "frontend_lint",
            "container-images",
            "web",
            ["web/src/poll.js"],
            "feat(web): poll for runs",
            True,
            ["misleading-name"],
        ),
        (
            "bk-npm-build-tsc",
            "npm-run-build-tsc",
            web_image(),
            "RUN npm run build",
            "blaze",
            "frontend_typecheck",
            "helm-charts",
            "images",
            ["web/src/main.ts"],
            "feat(web): agent counts",
            False,
            ["misleading-name"],
        ),
    ]
    for cid, key, df, run_prefix, agent, ft, wf, job, files, msg, action, tags in specs:
        root = "/src" if "cargo" in run_prefix or "clippy" in run_prefix else "/app"
        failure = inner(key, root)
        failure.line = line_of(df, run_prefix)
        image = "controller" if root == "/src" else "web"
        path = f"infra/images/{image}/Dockerfile"
        step = docker_step(
            cid,
            df,
            failure,
            f"ghcr.io/5dlabs/{image}:pr-{num(cid, 100, 999)}",
            path=path,
            action=action,
            push=action,
        )
        ci(
            cid,
            f"a BuildKit step failed in '{run_prefix}'; the {key} output inside it is the "
            "cause, not Docker",
            ["wrapper", *tags],
            agent,
            ft,
            workflow=wf,
            job=job,
            steps=[*buildx_setup(), step],
            files=[*files, path] if num(cid, 0, 2) else files,
            message=msg,
            event="workflow_job" if num(cid, 0, 3) else "workflow_run",
        )

    # --- BuildKit around cargo that could not reach the index: the network, not Rust
    df = rust_image("RUN cargo build --release --locked")
    failure = inner("net-cargo", "/src")
    failure.line = line_of(df, "RUN cargo build")
    ci(
        "bk-cargo-index-refused",
        "a BuildKit RUN cargo build failed because cargo could not "
        "connect to the crates.io index: the builder's network, not the code",
        ["wrapper", "flaky-infra"],
        "atlas",
        "general",
        workflow="controller-image",
        job="build",
        steps=[
            *buildx_setup(),
            docker_step(
                "bk-cargo-index-refused",
                df,
                failure,
                "ghcr.io/5dlabs/controller:pr-604",
                path="infra/images/controller/Dockerfile",
                action=True,
                push=True,
            ),
        ],
        files=["crates/controller/src/main.rs"],
        message="feat(controller): metrics",
    )

    # --- BuildKit failures that are Docker's own (bolt)
    df_base = rust_image("RUN cargo build --release").replace(
        "rust:1.95-slim-bookworm", "rust:1.95-slim-bookwormx"
    )
    df_parse = web_image("RUNN npm run build")
    df_copy = """\
FROM nginx:1.27-alpine
WORKDIR /usr/share/nginx/html
COPY infra/images/web/nginx.conf /etc/nginx/conf.d/default.conf
COPY dist/ ./
EXPOSE 8080
"""
    df_stage = rust_image("RUN cargo build --release", binary="healer").replace(
        "/src/target/release/healer /usr", "/src/target/release/healer-agent /usr"
    )
    df_push = rust_image("RUN cargo build --release")
    contrast = [
        (
            "bk-base-not-found",
            df_base,
            BuildFailure("base", line=1, message="rust:1.95-slim-bookwormx"),
            "the base image tag does not exist (typo in FROM)",
            "Controller CI",
            "build",
            ["infra/images/controller/Dockerfile"],
            "build(controller): bookworm base",
            True,
            "ghcr.io/5dlabs/controller:pr-{n}",
        ),
        (
            "bk-parse-error",
            df_parse,
            BuildFailure(
                "parse",
                line=line_of(df_parse, "RUNN"),
                message="unknown instruction: RUNN (did you mean RUN?)",
            ),
            "the Dockerfile does not parse",
            "Frontend CI",
            "image",
            ["infra/images/web/Dockerfile"],
            "build(web): build inside the image",
            False,
            "ghcr.io/5dlabs/web:pr-{n}",
        ),
        (
            "bk-copy-missing",
            df_copy,
            BuildFailure("copy", line=line_of(df_copy, "COPY dist"), message="/dist"),
            "COPY of dist/, which the build context does not have (nothing builds it before the "
            "image)",
            "web-ci",
            "image",
            ["infra/images/web/Dockerfile", ".dockerignore"],
            "build(web): nginx image",
            True,
            "ghcr.io/5dlabs/web:pr-{n}",
        ),
        (
            "bk-copy-from-stage",
            df_stage,
            BuildFailure(
                "copy",
                line=line_of(df_stage, "COPY --from"),
                message="/src/target/release/healer-agent",
            ),
            "COPY --from=builder names a binary the builder stage never produced",
            "healer-ci",
            "image",
            ["infra/images/controller/Dockerfile"],
            "build: ship the healer-agent binary",
            False,
            "ghcr.io/5dlabs/healer:pr-{n}",
        ),
        (
            "bk-push-library",
            df_push,
            BuildFailure(
                "push",
                message="push access denied, repository does not exist or may require "
                "authorization: server message: insufficient_scope: authorization failed",
            ),
            "the image tag has no registry, so BuildKit pushes to docker.io/library/controller",
            "Rust CI",
            "publish",
            ["infra/images/controller/Dockerfile", "Makefile"],
            "build: shorter image names",
            True,
            "controller:pr-{n}",
        ),
    ]
    for cid, df, failure, why, wf, job, files, msg, action, tag in contrast:
        path = files[0]
        step = docker_step(
            cid,
            df,
            failure,
            tag.format(n=num(cid, 100, 999)),
            path=path,
            action=action,
            push=failure.kind == "push" or action,
        )
        tags = ["wrapper"] + (
            ["misleading-name"]
            if wf in ("Controller CI", "Frontend CI", "healer-ci", "Rust CI")
            else []
        )
        ci(
            cid,
            f"Docker itself failed: {why}",
            tags,
            "bolt",
            "docker_build",
            workflow=wf,
            job=job,
            steps=[*buildx_setup(), step],
            files=files,
            message=msg,
        )

    # --- make / npm run around rustc, clippy, cargo test, rustfmt, tsc, ESLint, Vitest
    wrapped = [
        (
            "make-wraps-cargo-build",
            "make-cargo-build",
            "rex",
            "rust_build",
            "Build",
            "make",
            ["crates/controller/src/main.rs"],
            "feat(controller): agent label",
            ["obvious"],
        ),
        (
            "make-wraps-clippy",
            "make-clippy",
            "rex",
            "rust_clippy",
            "Frontend CI",
            "lint",
            ["crates/healer/src/main.rs"],
            "feat: agent list",
            ["misleading-name"],
        ),
        (
            "make-wraps-cargo-test",
            "make-cargo-test",
            "rex",
            "rust_test",
            "ci",
            "make-test",
            ["crates/healer/src/signature.rs"],
            "feat: case-insensitive signatures",
            [],
        ),
        (
            "make-wraps-rustfmt",
            "make-fmt",
            "rex",
            "rust_fmt",
            "pre-commit",
            "checks",
            ["crates/healer/src/main.rs"],
            "wip: agents",
            [],
        ),
        (
            "make-wraps-npm-tsc",
            "make-web-build",
            "blaze",
            "frontend_typecheck",
            "Controller CI",
            "build",
            ["web/src/api.ts"],
            "feat(web): runs client",
            ["misleading-name"],
        ),
        (
            "npm-run-wraps-tsc",
            "npm-run-typecheck",
            "blaze",
            "frontend_typecheck",
            "ci",
            "checks",
            ["web/src/runs.ts"],
            "feat(web): latest run",
            [],
        ),
        (
            "npm-run-wraps-eslint",
            "npm-run-lint",
            "blaze",
            "frontend_lint",
            "Rust CI",
            "lint",
            ["web/src/table.js"],
            "feat(web): failed rows",
            ["misleading-name"],
        ),
        (
            "npm-run-wraps-cargo",
            "npm-run-wasm",
            "rex",
            "rust_build",
            "Frontend CI",
            "build",
            ["crates/matcher/src/lib.rs", "web/package.json"],
            "feat(web): wasm matcher scores",
            ["misleading-name"],
        ),
    ]
    for cid, key, agent, ft, wf, job, files, msg, tags in wrapped:
        setup = B.SETUP["frontend" if agent == "blaze" or "npm" in key else "rust"]()
        if key == "npm-run-wasm":
            setup = [*B.SETUP["frontend"](), *B.SETUP["rust"]()]
        out = sc.get(key)
        tool = "make" if key.startswith("make") else "npm run"
        ci(
            cid,
            f"`{out.command}` failed; {tool} only wraps it, the {agent} tool's error inside "
            "is the cause",
            ["wrapper", *tags],
            agent,
            ft,
            workflow=wf,
            job=job,
            steps=[*setup, step_of(key)],
            files=files,
            message=msg,
        )

    # contrast: make around kubectl kustomize: the inner tool is infrastructure
    B.ci(
        "make-wraps-kustomize",
        "make render fails because kubectl kustomize cannot find the "
        "overlay's hpa.yaml: the wrapped tool is infrastructure, so bolt",
        ["wrapper", "misleading-name"],
        "bolt",
        "k8s_manifest",
        workflow="Controller CI",
        job="render",
        steps=[step_of("make-kustomize")],
        files=["infra/gitops/overlays/staging/kustomization.yaml"],
        message="gitops(staging): autoscaling",
    )

    # make wrapping a docker build wrapping cargo: two wrappers, one cause
    df = rust_image("RUN cargo build --release")
    failure = inner("img-cargo-e0599", "/src")
    failure.line = line_of(df, "RUN cargo build")
    bk = buildkit(
        "make-docker-cargo",
        df,
        failure,
        tag="ghcr.io/5dlabs/controller:dev",
        dockerfile_name="infra/images/controller/Dockerfile",
    )
    lines = [
        "docker buildx build --progress=plain --load -t ghcr.io/5dlabs/controller:dev -f "
        "infra/images/controller/Dockerfile .",
        *bk,
        "make: *** [Makefile:12: image] Error 1",
    ]
    B.ci(
        "make-docker-cargo",
        "make image -> docker buildx -> cargo build: E0599 in the "
        "controller is the cause under two wrappers",
        ["wrapper", "misleading-name"],
        "rex",
        "rust_build",
        workflow="Infrastructure",
        job="images",
        steps=[*buildx_setup(), run_step("make image", lines, "failure", 2, seconds=140)],
        files=["crates/controller/src/coderun.rs"],
        message="feat: show coderun names",
    )


# ------------------------------------------------------------------ 2. cluster context


def context_cases() -> None:
    """Symptoms in CI (smoke, e2e, rollout, wait, Helm, Argo CD) whose cause the cluster
    context names."""
    rust_crash_cases()
    node_crash_cases()
    infra_cause_cases()
    sparse_context_cases()
    more_context_cases()
    no_cause_cases()


IMG = {
    "healer": "ghcr.io/5dlabs/healer:0.9.1",
    "controller": "ghcr.io/5dlabs/controller:0.9.1",
    "web": "ghcr.io/5dlabs/web:2.3.0",
    "healer-migrate": "ghcr.io/5dlabs/healer:0.9.1",
}


def live_rollout(
    cid: str,
    app: str,
    available: int = 0,
    replicas: int = 2,
    progressing: tuple[str, str] | None = None,
) -> Step:
    """``kubectl rollout status`` run against a local API holding ``app``'s Deployment."""
    dep = k.deployment(
        cid,
        app,
        IMG.get(app, IMG["healer"]),
        replicas=replicas,
        available=available,
        progressing=progressing,
    )
    out = sm.rollout(f"{cid}-rollout", dep)
    return out_step(out, name=f"Wait for {app} rollout", seconds=300)


def live_wait(cid: str, obj: dict[str, Any], condition: str) -> Step:
    out = sm.wait_for(f"{cid}-wait", obj, condition)
    return out_step(out, name="Wait for " + str(obj["metadata"]["name"]), seconds=300)


def deploy_steps(app: str, chart: bool = True) -> list[Step]:
    """What a deploy job does before it checks the result (all of it succeeded)."""
    if chart:
        cmd = (
            f"helm upgrade --install {app} infra/charts/{app} -n {NS} "
            f"-f infra/charts/{app}/values-staging.yaml"
        )
        lines = [
            f'Release "{app}" has been upgraded. Happy Helming!',
            f"NAME: {app}",
            "LAST DEPLOYED: Mon Oct  5 09:14:02 2026",
            f"NAMESPACE: {NS}",
            "STATUS: deployed",
            f"REVISION: {num(app, 20, 90)}",
            "TEST SUITE: None",
        ]
    else:
        cmd = f"kubectl apply -k infra/gitops/apps/{app}"
        lines = [f"service/{app} unchanged", f"deployment.apps/{app} configured"]
    return [
        kubectl_ctx(app),
        run_step(cmd, lines, "success", None, name=f"Deploy {app}", seconds=12),
    ]


def rust_crash_cases() -> None:
    ci = B.ci
    # R1: rollout timeout; the controller panics on an empty restored queue
    crash = sc.get("crash-rust-index")
    ci(
        "ctx-rust-index-rollout",
        "kubectl rollout status timed out; the controller pods "
        "crash-loop with an index-out-of-bounds panic in src/queue.rs (exit 101)",
        ["context-driven"],
        "rex",
        "rust_test",
        workflow="Deploy",
        job="rollout-staging",
        steps=[*deploy_steps("controller"), live_rollout("ctx-rust-index-rollout", "controller")],
        files=["crates/controller/src/queue.rs"],
        message="feat(controller): resume queued runs after restart",
        image="k8s",
        extra={
            "kubernetes": crashloop(
                "ctx-rust-index-rollout", "controller", IMG["controller"], crash
            ),
            "loki": log_lines(crash),
            "prometheus": {
                **restarts("ctx-rust-index-rollout", "controller", 14),
                **alerts(
                    "ctx-rust-index-rollout", ("KubePodCrashLooping", {"container": "controller"})
                ),
            },
        },
    )
    # R2: smoke test 503 behind the ingress; healer panics building its agent table
    crash = sc.get("crash-rust-unwrap-none")
    ci(
        "ctx-rust-unwrap-smoke-503",
        "the web e2e smoke check gets 503 from the ingress; the "
        "healer API behind it crash-loops on an Option::unwrap() panic in src/routing.rs",
        ["context-driven", "misleading-name"],
        "rex",
        "rust_test",
        workflow="web-e2e",
        job="smoke",
        steps=[*B.SETUP["frontend"](), step_of("smoke-503-staging", name="Smoke: API health")],
        files=["crates/healer/src/routing.rs"],
        message="refactor: agent table by domain",
        extra={
            "kubernetes": crashloop("ctx-rust-unwrap-smoke-503", "healer", IMG["healer"], crash),
            "loki": log_lines(crash),
            "argocd": [
                k.argo_short(
                    "healer",
                    "Synced",
                    "Degraded",
                    "successfully synced (all tasks run)",
                    ["Deployment/cto/healer"],
                )
            ],
            "prometheus": error_rate("ctx-rust-unwrap-smoke-503", "healer", 1.0),
        },
    )
    # R3: kubectl wait Available; underflow in the backoff schedule
    crash = sc.get("crash-rust-overflow")
    dep = k.deployment("ctx-rust-overflow-wait", "controller", IMG["controller"])
    ci(
        "ctx-rust-overflow-wait",
        "kubectl wait --for=condition=Available timed out; the "
        "controller panics with 'attempt to subtract with overflow' in src/backoff.rs",
        ["context-driven", "wrapper"],
        "rex",
        "rust_test",
        workflow="Infrastructure",
        job="deploy",
        steps=[
            *deploy_steps("controller", chart=False),
            live_wait("ctx-rust-overflow-wait", dep, "Available"),
        ],
        files=["crates/controller/src/backoff.rs"],
        message="feat(controller): cap backoff at two minutes",
        image="k8s",
        extra={
            "kubernetes": crashloop(
                "ctx-rust-overflow-wait", "controller", IMG["controller"], crash, restarts=4
            ),
            "loki": log_lines(crash),
        },
    )
    # R4: a frontend e2e suite cannot reach the API; the Rust API is the one crashing
    crash = sc.get("crash-rust-borrow")
    ci(
        "ctx-rust-borrow-e2e",
        "the frontend e2e test fails with fetch ECONNREFUSED; the healer "
        "API it calls crash-loops on a RefCell double borrow in src/cache.rs",
        ["context-driven", "misleading-name"],
        "rex",
        "rust_test",
        workflow="Frontend CI",
        job="e2e",
        steps=[*B.SETUP["frontend"](), step_of("e2e-refused")],
        files=["crates/healer/src/cache.rs"],
        message="perf: remember signatures per thread",
        image="k8s",
        extra={
            "kubernetes": crashloop("ctx-rust-borrow-e2e", "healer", IMG["healer"], crash),
            "loki": log_lines(crash),
            "prometheus": restarts("ctx-rust-borrow-e2e", "healer", 9),
        },
    )
    # R5: Argo CD wait-for-sync: Synced but Degraded; the Deployment never becomes available
    crash = sc.get("crash-rust-slice")
    app = k.argo_app(
        "ctx-rust-slice-argocd",
        "controller",
        "Synced",
        "Degraded",
        path="infra/gitops/apps/controller",
        resources=[
            k.argo_resource("Service", "controller"),
            k.argo_resource(
                "Deployment",
                "controller",
                health="Degraded",
                message='Deployment "controller" exceeded its progress deadline',
                image=IMG["controller"],
            ),
        ],
    )
    ci(
        "ctx-rust-slice-argocd",
        "Argo CD reports Synced/Degraded; the controller pods panic "
        "slicing a repo name (byte index out of bounds in src/naming.rs)",
        ["context-driven", "argocd"],
        "rex",
        "rust_test",
        workflow="gitops-sync",
        job="wait-for-sync",
        steps=[
            uses_step("actions/setup-python@v5", {"python-version": "3.12"}, []),
            step_of("argocd-degraded"),
        ],
        files=["crates/controller/src/naming.rs"],
        message="feat(controller): short CodeRun names",
        event="workflow_run",
        extra={
            "argocd": [app],
            "loki": log_lines(crash),
            "kubernetes": crashloop(
                "ctx-rust-slice-argocd", "controller", IMG["controller"], crash
            ),
        },
    )
    # R6: Helm pre-upgrade hook (the migration Job) failed; the migrator panicked
    crash = sc.get("crash-rust-migrate")
    jk = "ctx-rust-migrate-hook"
    pods = [
        k.pod(
            f"{jk}:{n}",
            "healer-migrate",
            IMG["healer"],
            phase="Failed",
            terminated=("Error", crash.code),
            owner="Job/healer-migrate",
            name=f"healer-migrate-{k.rs_hash(jk + str(n))[:5]}",
        )
        for n in range(3)
    ]
    ci(
        jk,
        "Helm's pre-upgrade hook failed (BackoffLimitExceeded); the migration Job's pods "
        "exit 101 with a panic in src/migrations.rs: a migration numbered out of order",
        ["context-driven", "wrapper"],
        "rex",
        "rust_test",
        workflow="helm-deploy",
        job="upgrade",
        steps=[
            kubectl_ctx("healer"),
            helm_step(
                "healer",
                "infra/charts/healer",
                "Error: UPGRADE FAILED: pre-upgrade hooks failed: job failed: BackoffLimitExceeded",
                "infra/charts/healer/values-staging.yaml",
            ),
        ],
        files=[
            "crates/healer-migrate/migrations/0007_dedup_window.sql",
            "crates/healer-migrate/src/migrations.rs",
        ],
        message="feat: dedup window table",
        image="k8s",
        extra={
            "kubernetes": {
                "pods": pods,
                "jobs": [k.job(jk, "healer-migrate", IMG["healer"], failed=3, hook="pre-upgrade")],
                "events": [
                    k.event(
                        jk,
                        "Job/healer-migrate",
                        "BackoffLimitExceeded",
                        "Job has reached the specified backoff limit",
                        component="job-controller",
                        node=None,
                    )
                ],
            },
            "loki": log_lines(crash),
        },
    )
    # R7: kubectl wait for a seeding Job; the log step shows the panic itself
    crash = sc.get("crash-rust-unwrap-none")
    jk = "ctx-rust-seed-job-wait"
    job = k.job(jk, "healer-seed", IMG["healer"], failed=3)
    ci(
        jk,
        "kubectl wait --for=condition=complete job/healer-seed timed out; the step that "
        "prints its logs shows an Option::unwrap() panic in src/routing.rs",
        ["context-driven", "wrapper", "misleading-name"],
        "rex",
        "rust_test",
        workflow="helm-charts",
        job="install-test",
        steps=[
            *deploy_steps("healer"),
            live_wait(jk, job, "complete"),
            logs_step("job/healer-seed", crash.lines),
        ],
        files=["crates/healer/src/routing.rs"],
        message="refactor: agent table by domain",
        image="k8s",
        extra={
            "kubernetes": {
                "jobs": [job],
                "pods": [
                    k.pod(
                        jk,
                        "healer-seed",
                        IMG["healer"],
                        phase="Failed",
                        terminated=("Error", 101),
                        owner="Job/healer-seed",
                    )
                ],
            }
        },
    )
    # R8: curl refused; the workflow's own log step carries the panic
    crash = sc.get("crash-rust-index")
    ci(
        "ctx-rust-panic-in-log-step",
        "the smoke curl is refused; the failure step's "
        "`kubectl logs` shows the controller's index-out-of-bounds panic",
        ["context-driven"],
        "rex",
        "rust_test",
        workflow="Controller CI",
        job="smoke",
        steps=[
            *deploy_steps("controller", chart=False),
            step_of("smoke-refused-controller", name="Smoke: readyz"),
            logs_step("deploy/controller", crash.lines),
        ],
        files=["crates/controller/src/queue.rs"],
        message="feat(controller): restore queue",
        image="k8s",
    )
    # contrasts: a Rust service that rejects bad configuration: the manifest is the cause
    crash = sc.get("crash-rust-env-port")
    ci(
        "ctx-rust-env-port-manifest",
        "the healer pods panic 'HEALER_PORT must be a port "
        "number' because the only change set HEALER_PORT to '8080/tcp' in the Deployment",
        ["context-driven", "misleading-name"],
        "bolt",
        "k8s_manifest",
        workflow="healer-ci",
        job="smoke",
        steps=[
            *deploy_steps("healer", chart=False),
            step_of("smoke-refused-healer", name="Smoke: healthz"),
        ],
        files=["infra/k8s/healer/deployment.yaml"],
        message="deploy(healer): name the port protocol in HEALER_PORT",
        image="k8s",
        extra={
            "kubernetes": crashloop("ctx-rust-env-port-manifest", "healer", IMG["healer"], crash),
            "loki": log_lines(crash),
        },
    )
    crash = sc.get("crash-rust-main-err")
    ci(
        "ctx-rust-queue-url-values",
        'healer exits 1 with Error: BadUrl("rediss//..."): the '
        "values change wrote the queue URL without '://'",
        ["context-driven", "misleading-name"],
        "bolt",
        "helm",
        workflow="Rust CI",
        job="deploy-staging",
        steps=[
            kubectl_ctx("healer"),
            helm_step(
                "healer",
                "infra/charts/healer",
                "Error: UPGRADE FAILED: context deadline exceeded",
                "infra/charts/healer/values-staging.yaml",
            ),
        ],
        files=["infra/charts/healer/values-staging.yaml"],
        message="chart(healer): TLS for the queue",
        image="k8s",
        extra={
            "kubernetes": crashloop(
                "ctx-rust-queue-url-values", "healer", IMG["healer"], crash, restarts=5
            ),
            "loki": log_lines(crash),
        },
    )


def node_crash_cases() -> None:
    ci = B.ci
    crash = sc.get("crash-node-undefined")
    ci(
        "ctx-node-undefined-smoke",
        "curl to the web service is refused; the web pods "
        "crash-loop with TypeError reading config.api.url at startup (exit 1)",
        ["context-driven"],
        "blaze",
        "frontend_test",
        workflow="web-deploy",
        job="smoke",
        steps=[*deploy_steps("web"), step_of("smoke-refused-web", name="Smoke: web")],
        files=["web/server/config.ts", "web/server/server.ts"],
        message="feat(web): optional API proxy",
        image="k8s",
        extra={
            "kubernetes": crashloop(
                "ctx-node-undefined-smoke", "web", IMG["web"], crash, namespace="web"
            ),
            "loki": log_lines(crash),
        },
    )
    crash = sc.get("crash-node-module")
    ci(
        "ctx-node-module-rollout",
        "web rollout timed out; the server cannot import "
        "dist/routes/health.js (ERR_MODULE_NOT_FOUND): the build no longer emits it",
        ["context-driven"],
        "blaze",
        "frontend_build",
        workflow="Deploy",
        job="web",
        steps=[*deploy_steps("web", chart=False), live_rollout("ctx-node-module-rollout", "web")],
        files=["web/tsconfig.build.json", "web/server/routes/health.ts"],
        message="build(web): narrower tsconfig for the server",
        image="k8s",
        extra={
            "kubernetes": crashloop("ctx-node-module-rollout", "web", IMG["web"], crash),
            "loki": log_lines(crash),
            "prometheus": alerts(
                "ctx-node-module-rollout", ("KubeDeploymentRolloutStuck", {"deployment": "web"})
            ),
        },
    )
    crash = sc.get("crash-node-rejection")
    ci(
        "ctx-node-rejection-503",
        "the smoke check gets 503; web crashes on an unhandled "
        "rejection from the new flag loader (flags.js), which now insists on a URL",
        ["context-driven", "misleading-name"],
        "blaze",
        "frontend_test",
        workflow="Infrastructure",
        job="smoke",
        steps=[*B.SETUP["infra"](), step_of("smoke-503-web", name="Smoke: web")],
        files=["web/server/flags.ts"],
        message="feat(web): remote feature flags",
        extra={
            "argocd": [
                k.argo_short(
                    "web",
                    "Synced",
                    "Degraded",
                    "successfully synced (all tasks run)",
                    ["Deployment/web/web"],
                )
            ],
            "loki": log_lines(crash),
            "kubernetes": crashloop(
                "ctx-node-rejection-503", "web", IMG["web"], crash, namespace="web"
            ),
            "prometheus": error_rate("ctx-node-rejection-503", "web", 1.0),
        },
    )
    crash = sc.get("crash-node-json")
    ci(
        "ctx-node-json-e2e",
        "the e2e suite gets 503 from every route; web crashes parsing "
        "its routes.json (SyntaxError in JSON)",
        ["context-driven"],
        "blaze",
        "frontend_test",
        workflow="web-e2e",
        job="e2e",
        steps=[*B.SETUP["frontend"](), step_of("e2e-503")],
        files=["web/server/routes.json"],
        message="feat(web): runs page route",
        extra={
            "loki": log_lines(crash),
            "kubernetes": crashloop("ctx-node-json-e2e", "web", IMG["web"], crash, namespace="web"),
        },
    )
    crash = sc.get("crash-node-reference")
    dep = k.deployment("ctx-node-reference-wait", "web", IMG["web"])
    ci(
        "ctx-node-reference-wait",
        "kubectl wait Available on web timed out; the server "
        "throws ReferenceError: logger is not defined once it listens",
        ["context-driven", "wrapper", "misleading-name"],
        "blaze",
        "frontend_test",
        workflow="Infrastructure",
        job="deploy-web",
        steps=[
            *deploy_steps("web", chart=False),
            live_wait("ctx-node-reference-wait", dep, "Available"),
        ],
        files=["web/server/server.ts"],
        message="refactor(web): structured logging",
        image="k8s",
        extra={
            "kubernetes": crashloop("ctx-node-reference-wait", "web", IMG["web"], crash),
            "loki": log_lines(crash),
        },
    )
    crash = sc.get("crash-node-handler")
    ci(
        "ctx-node-handler-502",
        "the smoke check gets 502; the failure step's logs show web "
        "crashing in its /healthz handler (null session)",
        ["context-driven"],
        "blaze",
        "frontend_test",
        workflow="web-deploy",
        job="smoke",
        steps=[
            *deploy_steps("web"),
            step_of("smoke-502-staging", name="Smoke: runs API"),
            logs_step("deploy/web", crash.lines),
        ],
        files=["web/server/health.ts"],
        message="feat(web): health shows the user",
        image="k8s",
        extra={
            "kubernetes": crashloop(
                "ctx-node-handler-502", "web", IMG["web"], crash, namespace="web", restarts=11
            )
        },
    )
    crash = sc.get("crash-node-json")
    jk = "ctx-node-presync-hook"
    app = k.argo_app(
        jk,
        "web",
        "OutOfSync",
        "Missing",
        path="infra/gitops/apps/web",
        phase="Failed",
        op_message="one or more synchronization tasks completed "
        "unsuccessfully, reason: Job has reached the specified backoff limit",
        resources=[
            k.argo_resource(
                "Job",
                "web-routes-check",
                sync="Synced",
                health="Degraded",
                message="Job has reached the specified backoff limit",
            ),
            k.argo_resource("Deployment", "web", sync="OutOfSync", health="Missing"),
        ],
        namespace="web",
    )
    ci(
        jk,
        "Argo CD's PreSync hook Job failed and the sync stopped; the hook runs the web "
        "server's route check, which throws SyntaxError on routes.json",
        ["context-driven", "argocd", "wrapper"],
        "blaze",
        "frontend_test",
        workflow="gitops-sync",
        job="promote",
        steps=[step_of("argocd-presync-web")],
        files=["web/server/routes.json"],
        message="feat(web): runs page route",
        extra={
            "argocd": [app],
            "loki": log_lines(crash),
            "kubernetes": {
                "pods": [
                    k.pod(
                        jk,
                        "web-routes-check",
                        IMG["web"],
                        phase="Failed",
                        terminated=("Error", 1),
                        namespace="web",
                        owner="Job/web-routes-check",
                    )
                ]
            },
        },
    )
    # a Helm post-install hook runs the server's self-check, which crashes
    crash = sc.get("crash-node-rejection")
    jk = "ctx-node-helm-hook"
    job = k.job(
        jk,
        "web-selfcheck",
        IMG["web"],
        failed=2,
        backoff_limit=1,
        namespace="web",
        hook="post-install",
    )
    ci(
        jk,
        "helm install failed in its post-install hook (BackoffLimitExceeded); the hook "
        "runs the web server's self-check, which dies on an unhandled rejection in flags.js",
        ["context-driven", "wrapper", "misleading-name"],
        "blaze",
        "frontend_test",
        workflow="helm-charts",
        job="install-preview",
        steps=[
            kubectl_ctx("web"),
            helm_step(
                "web-pr-517",
                "infra/charts/web",
                "Error: INSTALLATION FAILED: failed post-install: job failed: BackoffLimitExceeded",
            ),
        ],
        files=["web/server/flags.ts"],
        message="feat(web): remote feature flags",
        image="k8s",
        extra={
            "kubernetes": {
                "jobs": [job],
                "pods": [
                    k.pod(
                        f"{jk}:{n}",
                        "web-selfcheck",
                        IMG["web"],
                        phase="Failed",
                        namespace="web",
                        terminated=("Error", crash.code),
                        owner="Job/web-selfcheck",
                        name=f"web-selfcheck-{k.rs_hash(jk + str(n))[:5]}",
                    )
                    for n in range(2)
                ],
            },
            "loki": log_lines(crash),
        },
    )
    # contrast: same TypeError, but the only change removed API_URL from the ConfigMap
    crash = sc.get("crash-node-undefined")
    ci(
        "ctx-node-env-removed-configmap",
        "web crashes reading config.api.url because the only "
        "change deleted API_URL from its ConfigMap",
        ["context-driven", "misleading-name"],
        "bolt",
        "k8s_manifest",
        workflow="Frontend CI",
        job="deploy-preview",
        steps=[*deploy_steps("web", chart=False), live_rollout("ctx-node-env-removed", "web")],
        files=["infra/k8s/web/configmap.yaml"],
        message="k8s(web): drop unused env",
        image="k8s",
        extra={
            "kubernetes": crashloop("ctx-node-env-removed", "web", IMG["web"], crash),
            "loki": log_lines(crash),
        },
    )


def pull_events(key: str, pod: str, image: str, reason: str) -> list[dict[str, Any]]:
    """The kubelet's events for an image that cannot be pulled."""
    ref = image
    return [
        k.event(key, f"Pod/{pod}", "Pulling", f'Pulling image "{image}"', type_="Normal", count=5),
        k.event(
            key + ":f",
            f"Pod/{pod}",
            "Failed",
            f'Failed to pull image "{image}": {reason.format(ref=ref)}',
            count=5,
        ),
        k.event(key + ":e", f"Pod/{pod}", "Failed", "Error: ErrImagePull", count=5),
        k.event(
            key + ":b",
            f"Pod/{pod}",
            "BackOff",
            f'Back-off pulling image "{image}"',
            type_="Normal",
            count=21,
        ),
        k.event(key + ":i", f"Pod/{pod}", "Failed", "Error: ImagePullBackOff", count=21),
    ]


NOT_FOUND = (
    'rpc error: code = NotFound desc = failed to pull and unpack image "{ref}": '
    'failed to resolve reference "{ref}": {ref}: not found'
)
UNAUTHORIZED = (
    'rpc error: code = Unknown desc = failed to pull and unpack image "{ref}": '
    'failed to resolve reference "{ref}": failed to authorize: failed to fetch '
    "anonymous token: unexpected status from GET request to https://ghcr.io/token?"
    "scope=repository%3A5dlabs%2Fcontroller%3Apull&service=ghcr.io: 401 Unauthorized"
)


def infra_cause_cases() -> None:
    ci = B.ci
    # ImagePullBackOff: the chart points at a tag nobody pushed
    cid = "ctx-imagepull-tag-missing"
    image = "ghcr.io/5dlabs/healer:0.9.2"
    p = k.pod(
        cid,
        "healer",
        image,
        phase="Pending",
        waiting=("ImagePullBackOff", f'Back-off pulling image "{image}"'),
    )
    ci(
        cid,
        "healer rollout timed out: ImagePullBackOff, the values bump names tag 0.9.2, "
        "which was never pushed",
        ["context-driven", "misleading-name"],
        "bolt",
        "helm",
        workflow="healer-ci",
        job="deploy-staging",
        steps=[*deploy_steps("healer"), live_rollout(cid, "healer")],
        files=["infra/charts/healer/values.yaml"],
        message="chart(healer): 0.9.2",
        image="k8s",
        extra={
            "kubernetes": {
                "pods": [p],
                "events": pull_events(cid, p["metadata"]["name"], image, NOT_FOUND),
            }
        },
    )
    # ErrImagePull 401: imagePullSecrets dropped from the pod spec
    cid = "ctx-imagepull-unauthorized"
    image = IMG["controller"]
    p = k.pod(
        cid,
        "controller",
        image,
        phase="Pending",
        waiting=("ErrImagePull", f'failed to pull and unpack image "{image}": 401 Unauthorized'),
    )
    ci(
        cid,
        "the controller smoke check is refused; its pods cannot pull from ghcr.io (401) "
        "since the change dropped imagePullSecrets",
        ["context-driven"],
        "bolt",
        "k8s_manifest",
        workflow="Controller CI",
        job="smoke",
        steps=[
            *deploy_steps("controller", chart=False),
            step_of("smoke-refused-controller", name="Smoke: readyz"),
        ],
        files=["infra/k8s/controller/deployment.yaml"],
        message="k8s(controller): tidy pod spec",
        image="k8s",
        extra={
            "kubernetes": {
                "pods": [p],
                "events": pull_events(cid, p["metadata"]["name"], image, UNAUTHORIZED),
            }
        },
    )
    # a Secret the Deployment now needs does not exist
    cid = "ctx-missing-secret"
    p = k.pod(
        cid,
        "healer",
        IMG["healer"],
        phase="Pending",
        env_from_secret="healer-db",
        waiting=("CreateContainerConfigError", 'secret "healer-db" not found'),
    )
    ci(
        cid,
        "the smoke curl is refused; healer pods sit in CreateContainerConfigError: "
        'secret "healer-db" not found',
        ["context-driven", "misleading-name"],
        "bolt",
        "k8s_manifest",
        workflow="Rust CI",
        job="smoke",
        steps=[
            *deploy_steps("healer", chart=False),
            step_of("smoke-refused-healer", name="Smoke: healthz"),
        ],
        files=["infra/k8s/healer/deployment.yaml"],
        message="k8s(healer): database from a Secret",
        image="k8s",
        extra={
            "kubernetes": {
                "pods": [p],
                "events": [
                    k.event(
                        cid,
                        f"Pod/{p['metadata']['name']}",
                        "Failed",
                        'Error: secret "healer-db" not found',
                        count=12,
                    )
                ],
            },
            "prometheus": alerts(cid, ("KubeContainerWaiting", {"container": "healer"})),
        },
    )
    # a ConfigMap volume that does not exist
    cid = "ctx-missing-configmap"
    p = k.pod(cid, "web", IMG["web"], phase="Pending", waiting=("ContainerCreating", ""))
    ci(
        cid,
        "the web preview rollout timed out; pods stay ContainerCreating: configmap "
        '"web-runtime-config" not found for a volume',
        ["context-driven", "misleading-name"],
        "bolt",
        "k8s_manifest",
        workflow="Frontend CI",
        job="deploy-preview",
        steps=[*deploy_steps("web", chart=False), live_rollout(cid, "web")],
        files=["infra/gitops/apps/web/deployment.yaml"],
        message="feat(web): runtime config volume",
        image="k8s",
        extra={
            "kubernetes": {
                "pods": [p],
                "events": [
                    k.event(
                        cid,
                        f"Pod/{p['metadata']['name']}",
                        "FailedMount",
                        'MountVolume.SetUp failed for volume "runtime-config" : configmap '
                        '"web-runtime-config" not found',
                        count=9,
                    )
                ],
            }
        },
    )
    # Service selector matches no pod
    cid = "ctx-service-selector"
    ctx = healthy(cid, "healer", IMG["healer"])
    ctx["services"] = [k.service(cid, "healer", {"app": "healer-api"}, 80, "http")]
    ctx["endpoints"] = [k.endpoints(cid, "healer", [], 8080)]
    ci(
        cid,
        "the smoke check gets 503 from the ingress while every healer pod is Ready: the "
        "Service's new selector (app: healer-api) matches no pod, so it has no endpoints",
        ["context-driven"],
        "bolt",
        "k8s_manifest",
        workflow="Deploy",
        job="smoke",
        steps=[
            *deploy_steps("healer", chart=False),
            step_of("smoke-503-staging", name="Smoke: API health"),
        ],
        files=["infra/k8s/healer/service.yaml"],
        message="k8s(healer): shorter labels",
        extra={
            "kubernetes": ctx,
            "prometheus": error_rate(cid, "healer", 1.0),
            "argocd": [
                k.argo_short("healer", "Synced", "Healthy", "successfully synced (all tasks run)")
            ],
        },
    )
    # Service targetPort does not match the port the server listens on
    cid = "ctx-service-port"
    ctx = healthy(cid, "web", IMG["web"])
    ctx["services"] = [k.service(cid, "web", {"app.kubernetes.io/name": "web"}, 80, 8080)]
    ctx["endpoints"] = [k.endpoints(cid, "web", ["10.42.3.17", "10.42.5.9"], 8080)]
    ci(
        cid,
        "the smoke check gets 502; web listens on 3000 (its log says so) but the Service "
        "now targets 8080",
        ["context-driven", "misleading-name"],
        "bolt",
        "k8s_manifest",
        workflow="web-ci",
        job="smoke",
        steps=[*B.SETUP["frontend"](), step_of("smoke-502-staging", name="Smoke: web")],
        files=["infra/k8s/web/service.yaml"],
        message="k8s(web): one port for all services",
        extra={
            "kubernetes": ctx,
            "loki": log_lines(sc.get("ok-web-listening")),
            "prometheus": error_rate(cid, "web", 0.97),
        },
    )
    # OOMKilled after the memory limit was lowered
    cid = "ctx-oom-after-limit"
    limits = {"cpu": "500m", "memory": "64Mi"}
    pods = [
        k.pod(
            f"{cid}:{n}",
            "healer",
            IMG["healer"],
            restarts=7 + n,
            limits=limits,
            waiting=("CrashLoopBackOff", "back-off 5m0s restarting failed container=healer"),
            last_terminated=("OOMKilled", 137),
        )
        for n in range(2)
    ]
    mem = (
        f'max_over_time(container_memory_working_set_bytes{{namespace="{NS}",'
        f'container="healer"}}[15m])'
    )
    ci(
        cid,
        "helm --wait ran out of time; healer is OOMKilled (exit 137) right after the chart "
        "lowered its memory limit to 64Mi",
        ["context-driven", "wrapper"],
        "bolt",
        "helm",
        workflow="helm-deploy",
        job="upgrade",
        steps=[
            kubectl_ctx("healer"),
            helm_step(
                "healer",
                "infra/charts/healer",
                "Error: UPGRADE FAILED: context deadline exceeded",
                "infra/charts/healer/values-staging.yaml",
            ),
        ],
        files=["infra/charts/healer/values-staging.yaml"],
        message="chart(healer): right-size staging",
        image="k8s",
        extra={
            "kubernetes": {
                "pods": pods,
                "events": [
                    k.event(
                        cid,
                        f"Pod/{pods[0]['metadata']['name']}",
                        "BackOff",
                        "Back-off restarting failed container healer",
                        count=19,
                    )
                ],
            },
            "prometheus": {
                mem: k.prom_value(cid, {"pod": pods[0]["metadata"]["name"]}, 67108864),
                f'kube_pod_container_resource_limits{{namespace="{NS}",'
                'container="healer",resource="memory"}': k.prom_value(
                    cid, {"pod": pods[0]["metadata"]["name"]}, 67108864
                ),
            },
        },
    )
    # Argo CD cannot even render: kustomization with an unknown field
    cid = "ctx-argocd-kustomize-field"
    msg = (
        "ComparisonError: Failed to load target state: failed to generate manifest for "
        "source 1 of 1: rpc error: code = Unknown desc = `kustomize build <path to cached "
        "source>/infra/gitops/apps/controller` failed exit status 1: "
        + sc.kerr("kustomize-unknown")
    )
    ci(
        cid,
        "the staging smoke check gets 503; Argo CD cannot render the controller app "
        "(ComparisonError from kustomize: unknown field)",
        ["context-driven", "argocd"],
        "bolt",
        "argocd_sync",
        workflow="e2e",
        job="smoke",
        steps=[step_of("smoke-503-staging", name="Smoke: API health")],
        files=["infra/gitops/apps/controller/kustomization.yaml"],
        message="gitops(controller): resources",
        event="sensor",
        extra={"argocd": [k.argo_short("controller", "Unknown", "Healthy", msg)]},
    )
    # Synced/Degraded: readiness probe on a path the server does not serve
    cid = "ctx-argocd-readiness-path"
    pods = [k.pod(f"{cid}:{n}", "healer", IMG["healer"]) for n in range(2)]
    app = k.argo_app(
        cid,
        "healer",
        "Synced",
        "Degraded",
        path="infra/gitops/apps/healer",
        resources=[
            k.argo_resource("Service", "healer"),
            k.argo_resource(
                "Deployment",
                "healer",
                health="Degraded",
                message='Deployment "healer" exceeded its progress deadline',
                image=IMG["healer"],
            ),
        ],
    )
    ci(
        cid,
        "Argo CD reports Degraded; healer pods run but never become Ready: the readiness "
        "probe now asks for /health, which answers 404",
        ["context-driven", "argocd"],
        "bolt",
        "argocd_sync",
        workflow="gitops-sync",
        job="wait-for-sync",
        steps=[
            uses_step("actions/setup-python@v5", {"python-version": "3.12"}, []),
            step_of("argocd-degraded-healer"),
        ],
        files=["infra/gitops/apps/healer/deployment.yaml"],
        message="gitops(healer): probes",
        extra={
            "argocd": [app],
            "kubernetes": {
                "pods": pods,
                "events": [
                    k.event(
                        f"{cid}:{n}",
                        f"Pod/{p['metadata']['name']}",
                        "Unhealthy",
                        "Readiness probe failed: HTTP probe failed with statuscode: 404",
                        count=40,
                    )
                    for n, p in enumerate(pods)
                ],
            },
        },
    )
    # a kind whose CRD is not installed
    cid = "ctx-argocd-crd-missing"
    msg = "one or more objects failed to apply, reason: " + " ".join(
        sc.get("kubectl-crd-missing").lines
    ).removeprefix("error: ")
    app = k.argo_app(
        cid,
        "healer-monitoring",
        "OutOfSync",
        "Missing",
        path="infra/gitops/apps/healer-monitoring",
        phase="Failed",
        op_message=msg,
        resources=[
            k.argo_resource(
                "ServiceMonitor",
                "healer",
                sync="OutOfSync",
                health=None,
                group="monitoring.coreos.com",
            )
        ],
        conditions=[("SyncError", msg)],
    )
    ci(
        cid,
        "the sync wait fails; Argo CD could not apply a ServiceMonitor: the cluster has no "
        "monitoring.coreos.com CRDs",
        ["context-driven", "argocd", "misleading-name"],
        "bolt",
        "argocd_sync",
        workflow="healer-ci",
        job="deploy",
        steps=[
            uses_step("actions/setup-python@v5", {"python-version": "3.12"}, []),
            step_of("argocd-crd-missing"),
        ],
        files=["infra/gitops/apps/healer-monitoring/servicemonitor.yaml"],
        message="feat: scrape healer metrics",
        event="workflow_run",
        extra={"argocd": [app, k.argo_short("healer-monitoring", "OutOfSync", "Missing", msg)]},
    )
    # FailedScheduling: requests no node can satisfy
    cid = "ctx-failed-scheduling"
    p = k.pod(
        cid,
        "controller",
        IMG["controller"],
        phase="Pending",
        conditions=[("PodScheduled", "False", "Unschedulable")],
    )
    ci(
        cid,
        "controller rollout timed out; the pod is Pending: 0/3 nodes have 4 free CPUs "
        "for the new request",
        ["context-driven", "misleading-name"],
        "bolt",
        "helm",
        workflow="Controller CI",
        job="deploy",
        steps=[*deploy_steps("controller"), live_rollout(cid, "controller", available=1)],
        files=["infra/charts/controller/values.yaml"],
        message="chart(controller): 4 CPUs for the reconciler",
        image="k8s",
        extra={
            "kubernetes": {
                "pods": [p],
                "events": [
                    k.event(
                        cid,
                        f"Pod/{p['metadata']['name']}",
                        "FailedScheduling",
                        "0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: "
                        "3 No preemption victims found for incoming pod.",
                        count=8,
                        component="default-scheduler",
                        node=None,
                    )
                ],
            }
        },
    )
    # PVC pending: the StorageClass does not exist
    cid = "ctx-pvc-storageclass"
    p = k.pod(
        cid,
        "healer",
        IMG["healer"],
        phase="Pending",
        conditions=[("PodScheduled", "False", "Unschedulable")],
    )
    dep = k.deployment(cid, "healer", IMG["healer"], replicas=1)
    ci(
        cid,
        "kubectl wait Available timed out; the pod is unschedulable because its PVC is "
        'Pending: storageclass "fast-ssd" not found',
        ["context-driven", "wrapper"],
        "bolt",
        "k8s_manifest",
        workflow="Deploy",
        job="staging",
        steps=[*deploy_steps("healer", chart=False), live_wait(cid, dep, "Available")],
        files=["infra/k8s/healer/pvc.yaml"],
        message="k8s(healer): faster disk for the store",
        image="k8s",
        extra={
            "kubernetes": {
                "pods": [p],
                "events": [
                    k.event(
                        cid,
                        f"Pod/{p['metadata']['name']}",
                        "FailedScheduling",
                        "0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. "
                        "preemption: 0/3 nodes are available: 3 Preemption is not helpful for "
                        "scheduling.",
                        component="default-scheduler",
                        node=None,
                        count=6,
                    ),
                    k.event(
                        cid + ":pvc",
                        "PersistentVolumeClaim/healer-data",
                        "ProvisioningFailed",
                        'storageclass.storage.k8s.io "fast-ssd" not found',
                        component="persistentvolume-controller",
                        node=None,
                        count=11,
                    ),
                ],
            }
        },
    )
    # NetworkPolicy: default deny, pods healthy, the smoke runner times out
    cid = "ctx-networkpolicy-deny"
    ctx = healthy(cid, "healer", IMG["healer"])
    ctx["networkpolicies"] = [
        k.ser(
            k.k8s.V1NetworkPolicy(
                api_version="networking.k8s.io/v1",
                kind="NetworkPolicy",
                metadata=k.k8s.V1ObjectMeta(name="default-deny-ingress", namespace=NS),
                spec=k.k8s.V1NetworkPolicySpec(
                    pod_selector=k.k8s.V1LabelSelector(), policy_types=["Ingress"]
                ),
            )
        )
    ]
    ci(
        cid,
        "the smoke check times out (curl 28) while healer is healthy; the change added a "
        "default-deny ingress NetworkPolicy in its namespace",
        ["context-driven"],
        "bolt",
        "k8s_manifest",
        workflow="Deploy",
        job="smoke",
        steps=[
            *deploy_steps("healer", chart=False),
            step_of("smoke-timeout-staging", name="Smoke: API health"),
        ],
        files=["infra/k8s/healer/networkpolicy.yaml"],
        message="k8s(healer): default-deny ingress",
        image="k8s",
        extra={"kubernetes": ctx},
    )
    # liveness probe on the wrong port restarts healthy containers
    cid = "ctx-liveness-port"
    pods = [
        k.pod(
            f"{cid}:{n}",
            "healer",
            IMG["healer"],
            restarts=6 + n,
            waiting=("CrashLoopBackOff", "back-off 2m40s restarting failed container=healer"),
            last_terminated=("Error", 137),
        )
        for n in range(2)
    ]
    ip = pods[0]["status"]["podIP"]
    ci(
        cid,
        "healer rollout timed out; the kubelet kills the containers because the new "
        "liveness probe targets port 9090, where nothing listens",
        ["context-driven"],
        "bolt",
        "helm",
        workflow="helm-deploy",
        job="rollout",
        steps=[*deploy_steps("healer"), live_rollout(cid, "healer", available=0)],
        files=["infra/charts/healer/templates/deployment.yaml"],
        message="chart(healer): separate liveness endpoint",
        image="k8s",
        extra={
            "kubernetes": {
                "pods": pods,
                "events": [
                    k.event(
                        cid,
                        f"Pod/{pods[0]['metadata']['name']}",
                        "Unhealthy",
                        f'Liveness probe failed: Get "http://{ip}:9090/livez": dial tcp {ip}:9090: '
                        "connect: connection refused",
                        count=18,
                    ),
                    k.event(
                        cid + ":k",
                        f"Pod/{pods[0]['metadata']['name']}",
                        "Killing",
                        "Container healer failed liveness probe, will be restarted",
                        type_="Normal",
                        count=6,
                    ),
                ],
            }
        },
    )
    # a Helm pre-install hook whose Secret is missing
    cid = "ctx-helm-hook-secret"
    p = k.pod(
        cid,
        "web-migrate",
        IMG["web"],
        phase="Pending",
        env_from_secret="web-migrate-env",
        waiting=("CreateContainerConfigError", 'secret "web-migrate-env" not found'),
        owner="Job/web-migrate",
        namespace="web",
    )
    ci(
        cid,
        "helm install failed in its pre-install hook; the hook Job's pod cannot start: "
        'secret "web-migrate-env" not found',
        ["context-driven", "wrapper", "misleading-name"],
        "bolt",
        "helm",
        workflow="Frontend CI",
        job="preview",
        steps=[
            kubectl_ctx("web"),
            helm_step(
                "web-pr-482",
                "infra/charts/web",
                "Error: INSTALLATION FAILED: failed pre-install: "
                "timed out waiting for the condition",
            ),
        ],
        files=["infra/charts/web/templates/migrate-job.yaml"],
        message="chart(web): migrations as a hook",
        image="k8s",
        extra={
            "kubernetes": {
                "pods": [p],
                "jobs": [
                    k.job(cid, "web-migrate", IMG["web"], namespace="web", hook="pre-install")
                ],
                "events": [
                    k.event(
                        cid,
                        f"Pod/{p['metadata']['name']}",
                        "Failed",
                        'Error: secret "web-migrate-env" not found',
                        namespace="web",
                        count=30,
                    )
                ],
            }
        },
    )
    # a Job OOMKilled after its limit was lowered in the manifest
    cid = "ctx-job-oom-limit"
    job = k.job(cid, "healer-reindex", IMG["healer"], failed=3)
    pods = [
        k.pod(
            f"{cid}:{n}",
            "healer-reindex",
            IMG["healer"],
            phase="Failed",
            terminated=("OOMKilled", 137),
            owner="Job/healer-reindex",
            limits={"cpu": "1", "memory": "96Mi"},
        )
        for n in range(3)
    ]
    ci(
        cid,
        "kubectl wait for the reindex Job timed out; each pod was OOMKilled at the 96Mi "
        "limit the change set",
        ["context-driven", "wrapper"],
        "bolt",
        "k8s_manifest",
        workflow="Rust CI",
        job="reindex",
        steps=[*deploy_steps("healer", chart=False), live_wait(cid, job, "complete")],
        files=["infra/k8s/healer/reindex-job.yaml"],
        message="k8s(healer): smaller reindex job",
        image="k8s",
        extra={
            "kubernetes": {"pods": pods, "jobs": [job]},
            "prometheus": {
                f"max_over_time(container_memory_working_set_bytes{{namespace="
                f'"{NS}",container="healer-reindex"}}[30m])': k.prom_value(cid, {}, 100663296)
            },
        },
    )
    # Argo CD short form: a manifest that does not parse
    cid = "ctx-argocd-parse-indent"
    msg = "one or more objects failed to apply, reason: " + sc.kerr("kubectl-indent")
    ci(
        cid,
        "the e2e smoke gets 502; Argo CD failed to apply healer's deployment.yaml "
        "(YAML indentation)",
        ["context-driven", "argocd", "misleading-name"],
        "bolt",
        "argocd_sync",
        workflow="web-e2e",
        job="smoke",
        steps=[*B.SETUP["frontend"](), step_of("smoke-502-staging", name="Smoke: runs API")],
        files=["infra/k8s/healer/deployment.yaml"],
        message="k8s(healer): tier label",
        extra={"argocd": [k.argo_short("healer", "OutOfSync", "Healthy", msg)]},
    )
    # Argo CD full object: Degraded with ImagePullBackOff
    cid = "ctx-argocd-imagepull"
    image = "ghcr.io/5dlabs/controller:sha-4f1c2e9"
    p = k.pod(
        cid,
        "controller",
        image,
        phase="Pending",
        waiting=("ImagePullBackOff", f'Back-off pulling image "{image}"'),
    )
    app = k.argo_app(
        cid,
        "controller",
        "Synced",
        "Progressing",
        path="infra/gitops/apps/controller",
        resources=[
            k.argo_resource(
                "Deployment",
                "controller",
                health="Progressing",
                message="Waiting for rollout to finish: 1 old replicas are pending termination...",
                image=image,
            )
        ],
    )
    ci(
        cid,
        "the sync wait fails with Argo CD Synced/Progressing; the new controller image tag "
        "(sha-4f1c2e9) does not exist in the registry",
        ["context-driven", "argocd"],
        "bolt",
        "argocd_sync",
        workflow="gitops-sync",
        job="wait-for-sync",
        steps=[
            uses_step("actions/setup-python@v5", {"python-version": "3.12"}, []),
            step_of("argocd-progressing-controller"),
        ],
        files=["infra/gitops/apps/controller/kustomization.yaml"],
        message="gitops(controller): image sha-4f1c2e9",
        event="sensor",
        extra={
            "argocd": [app],
            "kubernetes": {
                "pods": [p],
                "events": pull_events(cid, p["metadata"]["name"], image, NOT_FOUND),
            },
        },
    )


def sparse_context_cases() -> None:
    """Only some sources answer: Loki and Prometheus without Kubernetes, or a slow leak."""
    ci = B.ci
    crash = sc.get("crash-rust-slice")
    cid = "ctx-rust-loki-only"
    ci(
        cid,
        "the smoke curl is refused; only Loki and Prometheus answer, and Loki holds the "
        "controller's panic (byte index out of bounds in src/naming.rs)",
        ["context-driven", "misleading-name"],
        "rex",
        "rust_test",
        workflow="Infrastructure",
        job="smoke",
        steps=[*B.SETUP["infra"](), step_of("smoke-refused-controller", name="Smoke: readyz")],
        files=["crates/controller/src/naming.rs"],
        message="feat(controller): short names",
        extra={
            "loki": log_lines(crash),
            "prometheus": {
                **alerts(cid, ("KubePodCrashLooping", {"container": "controller"})),
                **restarts(cid, "controller", 12),
            },
        },
    )
    crash = sc.get("crash-node-reference")
    cid = "ctx-node-loki-only"
    ci(
        cid,
        "the e2e suite gets 503; the only context is Loki, where the web server throws "
        "ReferenceError: logger is not defined",
        ["context-driven", "misleading-name"],
        "blaze",
        "frontend_test",
        workflow="Deploy",
        job="e2e",
        steps=[*B.SETUP["frontend"](), step_of("e2e-503")],
        files=["web/server/server.ts"],
        message="refactor(web): structured logging",
        extra={"loki": log_lines(crash)},
    )
    cid = "ctx-rust-leak-oom"
    limits = {"cpu": "500m", "memory": "512Mi"}
    pods = [
        k.pod(
            f"{cid}:{n}",
            "healer",
            IMG["healer"],
            restarts=3 + n,
            limits=limits,
            waiting=("CrashLoopBackOff", "back-off 1m20s restarting failed container=healer"),
            last_terminated=("OOMKilled", 137),
        )
        for n in range(2)
    ]
    growth = k.prom_series(
        cid,
        {"pod": pods[0]["metadata"]["name"]},
        [9.4e7, 1.6e8, 2.4e8, 3.1e8, 3.9e8, 4.6e8, 5.3e8, 9.1e7, 1.7e8],
        step=120,
    )
    ci(
        cid,
        "the smoke check gets 503 twenty minutes after a healthy rollout; healer is "
        "OOMKilled at an unchanged 512Mi limit, its memory climbs steadily and its own log "
        "shows the new signature cache growing without bound",
        ["context-driven"],
        "rex",
        "rust_test",
        workflow="nightly-smoke",
        job="smoke",
        steps=[step_of("smoke-503-staging", name="Smoke: API health")],
        files=["crates/healer/src/dedup.rs"],
        message="perf: remember every signature",
        event="workflow_run",
        extra={
            "kubernetes": {"pods": pods},
            "loki": log_lines(sc.get("ok-rust-cache-growth")),
            "prometheus": {
                f'container_memory_working_set_bytes{{namespace="{NS}",'
                'container="healer"}[20m]': growth,
                f'kube_pod_container_resource_limits{{namespace="{NS}",'
                'container="healer",resource="memory"}': k.prom_value(cid, {}, 536870912),
            },
        },
    )


def more_context_cases() -> None:
    """Other event types and red herrings for the same symptoms."""
    ci = B.ci
    cid = "ctx-none-old-restarts"
    pods = [
        k.pod(
            f"{cid}:{n}",
            "healer",
            IMG["healer"],
            ready=True,
            restarts=2,
            last_terminated=("Completed", 0),
        )
        for n in range(2)
    ]
    ci(
        cid,
        "the smoke curl was refused once; the pods show two old restarts (a node drain, "
        "exit 0) but are Ready, with no recent warning events and Argo CD healthy",
        ["context-driven", "flaky-infra"],
        "atlas",
        "general",
        workflow="healer-ci",
        job="smoke",
        steps=[
            *deploy_steps("healer", chart=False),
            step_of("smoke-refused-healer", name="Smoke: healthz"),
        ],
        files=["crates/healer/src/lib.rs"],
        message="test: more routing cases",
        image="k8s",
        extra={
            "kubernetes": {"pods": pods, "events": []},
            "argocd": [
                k.argo_short("healer", "Synced", "Healthy", "successfully synced (all tasks run)")
            ],
            "prometheus": error_rate(cid, "healer", 0.0),
        },
    )
    cid = "ctx-web-oom-limit"
    limits = {"cpu": "250m", "memory": "96Mi"}
    pods = [
        k.pod(
            f"{cid}:{n}",
            "web",
            IMG["web"],
            namespace="web",
            restarts=5 + n,
            limits=limits,
            waiting=("CrashLoopBackOff", "back-off 2m40s restarting failed container=web"),
            last_terminated=("OOMKilled", 137),
        )
        for n in range(2)
    ]
    ci(
        cid,
        "the web e2e suite gets 503; web is OOMKilled at the 96Mi limit the chart "
        "change set, right after it starts listening",
        ["context-driven", "misleading-name"],
        "bolt",
        "helm",
        workflow="web-e2e",
        job="e2e",
        steps=[*B.SETUP["frontend"](), step_of("e2e-503")],
        files=["infra/charts/web/values.yaml"],
        message="chart(web): smaller pods",
        extra={
            "kubernetes": {"pods": pods},
            "loki": log_lines(sc.get("ok-web-listening")) * 2,
            "prometheus": {
                'kube_pod_container_resource_limits{namespace="web",'
                'container="web",resource="memory"}': k.prom_value(cid, {}, 100663296)
            },
        },
    )
    crash = sc.get("crash-rust-overflow")
    cid = "ctx-check-run-smoke"
    ci(
        cid,
        "a smoke check_run reports 503; the controller behind it panics with 'attempt to "
        "subtract with overflow' in src/backoff.rs",
        ["context-driven"],
        "rex",
        "rust_test",
        workflow="smoke",
        job="smoke / staging",
        steps=[step_of("smoke-503-staging", name="Smoke: API health")],
        files=["crates/controller/src/backoff.rs"],
        message="feat(controller): cap backoff",
        event="check_run",
        check=("Smoke failed", B.first_error_lines("smoke-503-staging"), 0),
        extra={
            "kubernetes": crashloop(cid, "controller", IMG["controller"], crash),
            "loki": log_lines(crash),
        },
    )
    cid = "ctx-sensor-image-renamed"
    image = "ghcr.io/5dlabs/healer-agent:0.9.1"
    p = k.pod(
        cid,
        "healer",
        image,
        phase="Pending",
        waiting=("ImagePullBackOff", f'Back-off pulling image "{image}"'),
    )
    ci(
        cid,
        "the Argo Events sensor reports a failed rollout; the kustomization renamed the "
        "image to healer-agent, which the registry does not have",
        ["context-driven"],
        "bolt",
        "k8s_manifest",
        workflow="Deploy",
        job="rollout",
        steps=[*deploy_steps("healer", chart=False), live_rollout(cid, "healer")],
        files=["infra/gitops/apps/healer/kustomization.yaml"],
        message="gitops(healer): image name matches the binary",
        event="sensor",
        image="k8s",
        extra={
            "kubernetes": {
                "pods": [p],
                "events": pull_events(cid, p["metadata"]["name"], image, NOT_FOUND),
            }
        },
    )
    crash = sc.get("crash-node-module")
    cid = "ctx-node-job-wait"
    job = k.job(cid, "web-prerender", IMG["web"], failed=3, namespace="cto")
    ci(
        cid,
        "kubectl wait for the prerender Job timed out; its pods exit 1 because the "
        "server bundle lacks dist/routes/health.js",
        ["context-driven", "wrapper"],
        "blaze",
        "frontend_build",
        workflow="Deploy",
        job="prerender",
        steps=[*deploy_steps("web", chart=False), live_wait(cid, job, "complete")],
        files=["web/tsconfig.build.json"],
        message="build(web): exclude routes from the server build",
        image="k8s",
        extra={
            "kubernetes": {
                "jobs": [job],
                "pods": [
                    k.pod(
                        f"{cid}:{n}",
                        "web-prerender",
                        IMG["web"],
                        phase="Failed",
                        terminated=("Error", crash.code),
                        owner="Job/web-prerender",
                        name=f"web-prerender-{k.rs_hash(cid + str(n))[:5]}",
                    )
                    for n in range(3)
                ],
            },
            "loki": log_lines(crash),
        },
    )


def no_cause_cases() -> None:
    """Network symptoms that no context explains: the runner or the network (atlas)."""
    ci = B.ci
    cid = "ctx-none-refused-healthy"
    ci(
        cid,
        "the smoke curl was refused once, but every healer pod is Ready, Argo CD is "
        "Synced/Healthy and the error rate is zero: nothing in the cluster explains it",
        ["context-driven", "flaky-infra"],
        "atlas",
        "general",
        workflow="Deploy",
        job="smoke",
        steps=[
            *deploy_steps("healer", chart=False),
            step_of("smoke-refused-healer", name="Smoke: healthz"),
        ],
        files=["docs/runbook.md"],
        message="docs: runbook links",
        image="k8s",
        extra={
            "kubernetes": healthy(cid, "healer", IMG["healer"]),
            "argocd": [
                k.argo_short("healer", "Synced", "Healthy", "successfully synced (all tasks run)")
            ],
            "prometheus": error_rate(cid, "healer", 0.0),
        },
    )
    cid = "ctx-none-timeout-healthy"
    ci(
        cid,
        "the smoke curl timed out (28) from the runner; the cluster is healthy and the "
        "change is documentation",
        ["context-driven", "flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="Controller CI",
        job="smoke",
        steps=[step_of("smoke-timeout-staging", name="Smoke: API health")],
        files=["README.md"],
        message="docs: status badge",
        extra={
            "kubernetes": healthy(cid, "healer", IMG["healer"], replicas=3),
            "prometheus": {
                **error_rate(cid, "healer", 0.0),
                'up{job="healer"}': k.prom_value(cid, {"job": "healer"}, 1),
            },
        },
    )
    cid = "ctx-none-empty-reply"
    ci(
        cid,
        "curl got an empty reply (52); no pod restarted, no warning event, Argo CD "
        "healthy: a dropped connection",
        ["context-driven", "flaky-infra"],
        "atlas",
        "general",
        workflow="web-e2e",
        job="smoke",
        steps=[step_of("smoke-empty-reply", name="Smoke: API health")],
        files=["web/src/theme.css"],
        message="style(web): darker header",
        extra={
            "kubernetes": healthy(cid, "healer", IMG["healer"]),
            "argocd": [
                k.argo_app(
                    cid,
                    "healer",
                    "Synced",
                    "Healthy",
                    path="infra/gitops/apps/healer",
                    resources=[k.argo_resource("Deployment", "healer")],
                )
            ],
        },
    )
    cid = "ctx-none-api-unreachable"
    ci(
        cid,
        "kubectl on the runner cannot reach the API server (connection refused) while the "
        "cluster reports healthy workloads: the runner's network, not the deploy",
        ["context-driven", "flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="helm-charts",
        job="rollout",
        steps=[
            kubectl_ctx("healer"),
            step_of("kubectl-unreachable", name="Wait for healer rollout"),
        ],
        files=["infra/charts/healer/README.md"],
        message="docs(chart): values table",
        extra={"kubernetes": healthy(cid, "healer", IMG["healer"])},
    )
    cid = "ctx-none-e2e-no-context"
    ci(
        cid,
        "the e2e suite's fetch was refused; no cluster context is available and the "
        "change is a stylesheet: nothing points at code or manifests",
        ["context-driven", "flaky-infra"],
        "atlas",
        "general",
        workflow="web-e2e",
        job="e2e",
        steps=[*B.SETUP["frontend"](), step_of("e2e-refused")],
        files=["web/src/theme.css"],
        message="style(web): spacing",
    )


# ------------------------------------------------------------------ 3. GitHub platform

DEPRECATED_ARTIFACT = (
    "This request has been automatically failed because it uses a deprecated version of "
    "`actions/upload-artifact: v3`. Learn more: https://github.blog/changelog/"
    "2024-04-16-deprecation-notice-v3-of-the-artifact-actions/"
)
DEPRECATED_CACHE = (
    "This request has been automatically failed because it uses a deprecated version of "
    "`actions/cache: v2`. Please update your workflow to use v3/v4 of actions/cache to avoid "
    "interruptions. Learn more: https://github.blog/changelog/2024-12-05-notice-of-upcoming-"
    "releases-and-breaking-changes-for-github-actions/#actions-cache-v1-v2-and-actions-"
    "toolkit-cache-package-closing-down"
)
LOST_RUNNER = (
    "The self-hosted runner: {runner} lost communication with the server. Verify the machine "
    "is running and has a healthy network connection. Anything in your workflow that "
    "terminates the runner process, starves it for CPU/Memory, or blocks its network access "
    "can cause this error."
)


def setup_failure(
    cid: str,
    description: str,
    tags: list[str],
    ft: str,
    *,
    workflow: str,
    job: str,
    error: str,
    files: list[str],
    message: str,
    download: list[str],
) -> None:
    """A job that failed in 'Set up job' (the runner rejects an action before any step);
    the runner's log for it stops at the error."""
    from layout import Clock, Job, setup_lines, workflow_job

    j = Job(B.REPO, workflow, job, f"fix/{cid}"[:60], [], key=cid)
    lines = setup_lines(job, f"GitHub Actions {num(cid, 2, 900)}", "hosted")
    lines = lines[: lines.index("Getting action download info") + 1] + download
    clock = Clock(cid)
    log = "\n".join(f"{clock.stamp()} {ln}" for ln in [*lines, f"##[error]{error}"]) + "\n"
    payload = workflow_job(j)
    row = payload["workflow_job"]["steps"][0]
    row.update({"conclusion": "failure"})
    payload["workflow_job"]["steps"] = [row]
    B.add(
        cid,
        description,
        tags,
        "workflow_job",
        payload,
        {"logs": {job: log}, "changed_files": files, "commit_message": message},
        "atlas",
        ft,
    )


def platform_cases() -> None:
    ci = B.ci
    dl = "Download action repository '{a}' (SHA:{s})"
    setup_failure(
        "platform-deprecated-upload-artifact",
        "the job failed at set-up: "
        "actions/upload-artifact@v3 is deprecated and GitHub fails the request",
        ["platform", "misleading-name"],
        "workflow_syntax",
        workflow="Frontend CI",
        job="build",
        error=DEPRECATED_ARTIFACT,
        files=["web/src/main.js"],
        message="feat(web): charts",
        download=[
            dl.format(a="actions/checkout@v4", s="11bd71901bbe5b1630ceea73d27597364c9af683"),
            dl.format(a="actions/setup-node@v4", s="39370e3970a6d050c480ffad4ff0ed4d3fdee5af"),
        ],
    )
    setup_failure(
        "platform-deprecated-cache",
        "the job failed at set-up: actions/cache@v2 is closed down",
        ["platform", "misleading-name"],
        "workflow_syntax",
        workflow="Controller CI",
        job="lint-rust",
        error=DEPRECATED_CACHE,
        files=["crates/controller/src/main.rs"],
        message="feat(controller): metrics",
        download=[
            dl.format(a="actions/checkout@v4", s="11bd71901bbe5b1630ceea73d27597364c9af683"),
            dl.format(
                a="dtolnay/rust-toolchain@stable", s="315e265cd78dad1e1dcf3a5074f6d6c47029d5aa"
            ),
        ],
    )
    setup_failure(
        "platform-action-version-missing",
        "set-up failed: the workflow pins actions/setup-node to a version that does not exist",
        ["platform", "misleading-name"],
        "workflow_syntax",
        workflow="web-ci",
        job="lint",
        error="Unable to resolve action `actions/setup-node@v5.9.9`, "
        "unable to find version `v5.9.9`",
        files=[".github/workflows/web-ci.yml"],
        message="ci(web): newer setup-node",
        download=[dl.format(a="actions/checkout@v4", s="11bd71901bbe5b1630ceea73d27597364c9af683")],
    )
    # checkout of a private repository the token cannot see
    out = sc.get("checkout-private-404")
    body = [
        "Syncing repository: 5dlabs/proto-private",
        "##[group]Getting Git version info",
        "Working directory is '/home/runner/work/cto/cto/proto'",
        "[command]/usr/bin/git version",
        "git version 2.47.1",
        "##[endgroup]",
        "##[group]Fetching the repository",
    ]
    for n in range(3):
        body += [
            f"[command]/usr/bin/{out.command}",
            *out.lines,
            f"The process '/usr/bin/git' failed with exit code {out.code}",
        ]
        if n < 2:
            body.append(f"Waiting {num(f'ckpt{n}', 10, 20)} seconds before trying again")
    body.append("##[endgroup]")
    ci(
        "platform-checkout-private",
        "a second actions/checkout of 5dlabs/proto-private fails: "
        "the job's GITHUB_TOKEN cannot see another private repository (Repository not found)",
        ["platform", "misleading-name"],
        "atlas",
        "permissions",
        workflow="Rust CI",
        job="build",
        steps=[
            *B.SETUP["rust"](),
            action_fail(
                "actions/checkout@v4",
                {"repository": "5dlabs/proto-private", "path": "proto", "token": "***"},
                body,
                f"The process '/usr/bin/git' failed with exit code {out.code}",
                name="Checkout proto",
            ),
        ],
        files=[".github/workflows/rust-ci.yml"],
        message="ci: build against the proto repo",
    )
    out = sc.get("submodule-no-url")
    body = [
        "##[group]Fetching submodules",
        "[command]/usr/bin/git submodule sync --recursive",
        f"[command]/usr/bin/{out.command}",
        *out.lines,
        "##[endgroup]",
    ]
    ci(
        "platform-submodule-no-url",
        "checkout with submodules fails: .gitmodules names vendor/proto without a url",
        ["platform", "misleading-name"],
        "atlas",
        "git_error",
        workflow="Controller CI",
        job="build",
        steps=[
            action_fail(
                "actions/checkout@v4",
                {"submodules": "recursive", "fetch-depth": "1"},
                body,
                f"The process '/usr/bin/git' failed with exit code {out.code}",
                name="Checkout with submodules",
            )
        ],
        files=[".gitmodules"],
        message="chore: vendor proto",
    )
    ci(
        "platform-artifact-conflict",
        "upload-artifact@v4 rejects a second artifact named "
        "'dist' in the same run (409 Conflict): the matrix legs share one name",
        ["platform", "misleading-name"],
        "atlas",
        "general",
        workflow="Rust CI",
        job="build (beta)",
        steps=[
            *B.SETUP["rust"](),
            B.ok("ok-rust-build", name="Build release"),
            action_fail(
                "actions/upload-artifact@v4",
                {
                    "name": "dist",
                    "path": "target/release/controller",
                    "if-no-files-found": "warn",
                    "compression-level": "6",
                    "overwrite": "false",
                },
                [
                    "With the provided path, there will be 1 file uploaded",
                    "Artifact name is valid!",
                    "Root directory input is valid!",
                ],
                "Failed to CreateArtifact: Received non-retryable error: "
                "Failed request: (409) Conflict: an artifact with this "
                "name already exists on the workflow run",
                name="Upload dist",
            ),
        ],
        files=[".github/workflows/rust-ci.yml"],
        message="ci: beta toolchain leg",
    )
    key = "Linux-cargo-" + k.rs_hash("platform-cache-miss") * 3
    ci(
        "platform-cache-miss",
        "the cache restore step is set to fail on a miss and the key "
        "(a new Cargo.lock hash) has never been saved",
        ["platform", "misleading-name"],
        "atlas",
        "general",
        workflow="healer-ci",
        job="test",
        steps=[
            *B.SETUP["rust"](),
            action_fail(
                "actions/cache/restore@v4",
                {
                    "path": "~/.cargo/registry\ntarget",
                    "key": key,
                    "fail-on-cache-miss": "true",
                    "lookup-only": "false",
                },
                [f"Cache not found for input keys: {key}"],
                "Failed to restore cache entry. Exiting as fail-on-cache-miss is set. Input key: "
                + key,
                name="Restore cargo cache",
            ),
        ],
        files=["Cargo.lock"],
        message="deps: serde 1.0.215",
    )
    runner = "k8s-runner-" + k.rs_hash("platform-runner-lost")[:5] + "-x8k2p"
    ci(
        "platform-runner-lost",
        "the self-hosted runner lost communication with GitHub in the middle of vitest",
        ["platform", "flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="Frontend CI",
        job="test",
        steps=[
            *B.SETUP["frontend"](),
            Step(
                "Run npm test",
                [
                    "##[group]Run npm test",
                    "npm test",
                    "shell: /usr/bin/bash -e {0}",
                    "##[endgroup]",
                    *sc.get("npm-run-test").lines[:6],
                ],
                "cancelled",
                None,
                600,
            ),
        ],
        files=["web/src/duration.js"],
        message="fix(web): pad minutes",
        image="k8s",
        cancelled=True,
        log_tail=["##[error]" + LOST_RUNNER.format(runner=runner)],
    )
    # never acquired: the job has no log at all
    from layout import Job, workflow_job

    cid = "platform-runner-not-acquired"
    j = Job(B.REPO, "Controller CI", "build", f"fix/{cid}", [], key=cid)
    payload = workflow_job(j)
    payload["workflow_job"].update(
        {
            "steps": [],
            "runner_id": None,
            "runner_name": None,
            "runner_group_id": None,
            "runner_group_name": None,
            "labels": ["ubuntu-24.04-arm64-large"],
        }
    )
    B.add(
        cid,
        "the job was never acquired by a runner (no runner matches its labels); no step "
        "ran and there is no log",
        ["platform", "misleading-name"],
        "workflow_job",
        payload,
        {
            "changed_files": [".github/workflows/controller-ci.yml"],
            "commit_message": "ci(controller): build on arm64 large runners",
        },
        "atlas",
        "general",
    )
    ci(
        "platform-fork-no-secrets",
        "a pull request from a fork runs without secrets, so "
        "docker/login-action has no username or password",
        ["platform", "misleading-name"],
        "atlas",
        "permissions",
        workflow="Infrastructure",
        job="images",
        steps=[
            *buildx_setup(),
            action_fail(
                "docker/login-action@v3",
                {
                    "registry": "ghcr.io",
                    "username": "",
                    "password": "",
                    "ecr": "auto",
                    "logout": "true",
                },
                [],
                "Username and password required",
                name="Log in to GHCR",
            ),
        ],
        files=["infra/images/controller/Dockerfile"],
        message="build: smaller base image",
        pr={
            "number": 911,
            "title": "build: smaller base image",
            "body": "Opened from a fork (octo-contrib/cto).",
        },
        branch="octo-contrib:patch-1",
    )
    ci(
        "platform-fork-token-input",
        "a fork's pull request has no secrets: the comment action's token input is empty",
        ["platform", "misleading-name"],
        "atlas",
        "permissions",
        workflow="web-ci",
        job="preview-comment",
        steps=[
            *B.SETUP["frontend"](),
            B.ok("ok-vite-build", name="Build preview"),
            action_fail(
                "peter-evans/create-or-update-comment@v4",
                {"issue-number": "912", "body-path": "preview.md", "token": ""},
                [],
                "Input required and not supplied: token",
                name="Comment preview link",
            ),
        ],
        files=["web/src/main.js"],
        message="feat(web): footer links",
        pr={
            "number": 912,
            "title": "feat(web): footer links",
            "body": "From a fork (octo-contrib/cto).",
        },
        branch="octo-contrib:footer",
    )
    ci(
        "platform-ghcr-login-expired",
        "docker login to ghcr.io is denied: the registry token stored in secrets has expired",
        ["platform", "misleading-name"],
        "atlas",
        "permissions",
        workflow="Build images",
        job="controller",
        steps=[
            *buildx_setup(),
            action_fail(
                "docker/login-action@v3",
                {
                    "registry": "ghcr.io",
                    "username": "5dlabs-ci",
                    "password": "***",
                    "ecr": "auto",
                    "logout": "true",
                },
                ["Logging into ghcr.io..."],
                'Error response from daemon: Get "https://ghcr.io/v2/": denied: denied',
                name="Log in to GHCR",
            ),
        ],
        files=["crates/controller/src/main.rs"],
        message="feat(controller): metrics",
    )
    ci(
        "platform-npm-gpr-401",
        "npm ci cannot read @5dlabs/ui-kit from GitHub Packages: the token is rejected (E401)",
        ["platform", "misleading-name"],
        "atlas",
        "permissions",
        workflow="Frontend CI",
        job="build",
        steps=[*B.SETUP["frontend"](), step_of("npm-gpr-401")],
        files=["web/package.json"],
        message="deps(web): ui-kit 3.1",
    )
    ci(
        "platform-cargo-registry-401",
        "cargo cannot fetch from the private registry: token rejected (401, expired)",
        ["platform", "misleading-name"],
        "atlas",
        "permissions",
        workflow="Controller CI",
        job="build",
        steps=[*B.SETUP["rust"](), step_of("cargo-registry-401")],
        files=["Cargo.toml"],
        message="deps: healer-proto 0.4 from the internal registry",
    )
    ci(
        "platform-push-rule-pr",
        "a release job pushes to main and the ruleset rejects it "
        "(GH013: changes must go through a pull request)",
        ["platform", "misleading-name"],
        "atlas",
        "permissions",
        workflow="Rust CI",
        job="bump-version",
        steps=[*B.SETUP["rust"](), step_of("push-rule-pr-required")],
        files=["CHANGELOG.md"],
        message="chore(release): 0.9.2",
    )
    ci(
        "platform-push-protection-secret",
        "GitHub push protection blocks the push (GH013): "
        "the commit contains an AWS access key (fake, the documented example)",
        ["platform", "misleading-name"],
        "cipher",
        "secret_scanning_alert",
        workflow="Release",
        job="publish",
        steps=[step_of("push-protection-secret")],
        files=["deploy/env/staging.env"],
        message="deploy: staging env",
    )


# ------------------------------------------------------------------ 4. security, no log


def no_log_security_cases() -> None:
    from layout import Job, sensor_body

    specs = [
        (
            "no-log-cargo-deny",
            "cargo-deny",
            "main",
            "chore: weekly dependency check",
            "vulnerable_dependency",
            [],
        ),
        (
            "no-log-trivy",
            "Trivy image scan",
            "feat/web-nginx",
            "build(web): nginx 1.27 base",
            "vulnerable_dependency",
            [],
        ),
        (
            "no-log-codeql",
            "CodeQL",
            "feat/runs-api",
            "feat: runs API filters",
            "code_scanning_alert",
            [],
        ),
        (
            "no-log-bandit",
            "bandit",
            "feat/tools-sync",
            "tools: sync script uses subprocess",
            "code_scanning_alert",
            [],
        ),
        (
            "no-log-gitleaks",
            "gitleaks",
            "chore/env-files",
            "chore: example env files",
            "secret_scanning_alert",
            [],
        ),
        (
            "no-log-npm-audit",
            "npm audit",
            "main",
            "deps(web): refresh lockfile",
            "vulnerable_dependency",
            [],
        ),
        (
            "no-log-osv-scanner",
            "OSV-Scanner",
            "main",
            "ci: scheduled scan",
            "vulnerable_dependency",
            [],
        ),
        (
            "no-log-semgrep",
            "Semgrep",
            "feat/webhook-verify",
            "feat: verify webhook signatures",
            "code_scanning_alert",
            [],
        ),
        (
            "no-log-lockfile-rustsec",
            "Controller CI",
            "dependabot/cargo/rustls-0.23.18",
            "chore(deps): bump rustls from 0.23.12 to 0.23.18 (RUSTSEC-2024-0399)",
            "vulnerable_dependency",
            ["misleading-name"],
        ),
        (
            "no-log-lockfile-ghsa",
            "Frontend CI",
            "dependabot/npm_and_yarn/web/cross-spawn-7.0.5",
            "chore(deps): bump cross-spawn from 7.0.3 to 7.0.5 in /web (GHSA-3xgq-45jj-v275)",
            "vulnerable_dependency",
            ["misleading-name"],
        ),
    ]
    for cid, wf, branch, message, ft, tags in specs:
        j = Job(B.REPO, wf, "scan", branch, [], key=cid)
        files = {
            "no-log-lockfile-rustsec": ["Cargo.lock"],
            "no-log-lockfile-ghsa": ["web/package-lock.json"],
        }.get(cid)
        why = (
            "the only change is a lockfile bump that an advisory names"
            if files
            else f"the failing workflow is the {wf} scanner"
        )
        B.add(
            cid,
            f"sensor body only: '{wf}' failed on '{message}'; {why}",
            ["no-log", *tags, *(["audit"] if ft == "vulnerable_dependency" else [])],
            "sensor",
            sensor_body(j, message),
            {"changed_files": files} if files else {},
            "cipher",
            ft,
        )


# ------------------------------------------------------------------ 5. YAML by owner


def yaml_owner_cases() -> None:
    ci = B.ci
    specs = [
        (
            "yaml-workflow-indent",
            "yamllint-workflow-indent",
            "atlas",
            "workflow_syntax",
            "yaml-lint",
            "lint",
            [".github/workflows/deploy.yml"],
            "ci: apply rendered chart",
            [],
        ),
        (
            "yaml-workflow-dupe-job",
            "yamllint-workflow-dupe",
            "atlas",
            "workflow_syntax",
            "Controller CI",
            "yamllint",
            [".github/workflows/controller-ci.yml"],
            "ci: fmt check",
            ["misleading-name"],
        ),
        (
            "yaml-workflow-colon",
            "yamllint-workflow-colon",
            "atlas",
            "workflow_syntax",
            "helm-charts",
            "lint",
            [".github/workflows/helm-release.yml"],
            "ci: package the chart",
            ["misleading-name"],
        ),
        (
            "yaml-workflow-steps",
            "yamllint-workflow-steps",
            "atlas",
            "workflow_syntax",
            "Infrastructure",
            "validate",
            [".github/workflows/images.yml"],
            "ci: push the controller image",
            ["misleading-name"],
        ),
        (
            "yaml-repo-wide-workflow",
            "yamllint-mixed",
            "atlas",
            "workflow_syntax",
            "gitops-validate",
            "yamllint",
            [".github/workflows/release.yml", "infra/charts/healer/values.yaml"],
            "ci: release target",
            ["misleading-name"],
        ),
        (
            "yaml-alert-rules",
            "yamllint-alert-rules",
            "bolt",
            "yaml_config",
            "Controller CI",
            "lint",
            ["infra/monitoring/healer-rules.yaml"],
            "monitoring: dispatch error alert",
            ["misleading-name"],
        ),
        (
            "yaml-chart-values",
            "yamllint-chart-values-indent",
            "bolt",
            "helm",
            "web-ci",
            "lint",
            ["infra/charts/web/values.yaml"],
            "chart(web): target port",
            ["misleading-name"],
        ),
        (
            "yaml-manifest-dupe",
            "yamllint-manifest-dupe",
            "bolt",
            "k8s_manifest",
            "yaml-lint",
            "lint",
            ["infra/k8s/healer/configmap.yaml"],
            "k8s(healer): full router",
            [],
        ),
        (
            "yaml-kustomization-tab",
            "yamllint-kustomization-tabs",
            "bolt",
            "k8s_manifest",
            "Release",
            "validate",
            ["infra/gitops/overlays/prod/kustomization.yaml"],
            "release: healer 0.9.1 to prod",
            ["misleading-name"],
        ),
        (
            "yaml-argocd-app",
            "yamllint-argocd-app",
            "bolt",
            "k8s_manifest",
            "gitops-validate",
            "yamllint",
            ["infra/gitops/apps/web.yaml"],
            "gitops(web): prod values",
            [],
        ),
    ]
    for cid, key, agent, ft, wf, job, files, msg, tags in specs:
        where = (
            "a workflow file, so atlas"
            if agent == "atlas"
            else "a chart, manifest or rule file, so bolt"
        )
        ci(
            cid,
            f"yamllint reports an error in {files[0]}: {where}",
            ["yaml-owner", *tags],
            agent,
            ft,
            workflow=wf,
            job=job,
            steps=[
                uses_step("actions/setup-python@v5", {"python-version": "3.12"}, []),
                run_step(
                    "pip install yamllint==1.38.0",
                    ["Successfully installed pathspec-0.12.1 yamllint-1.38.0"],
                    name="Install yamllint",
                    seconds=4,
                ),
                step_of(key),
            ],
            files=files,
            message=msg,
            event="check_run" if not tags and num(cid, 0, 2) else "workflow_job",
            check=("yamllint", B.first_error_lines(key), 1),
        )


# ------------------------------------------------------------------ 6. resource kills


def resource_kill_cases() -> None:
    ci = B.ci
    runner = "k8s-runner-7c9d2-x8k2p"

    def runner_oom(cid: str, process: str, rss_kb: int) -> dict[str, Any]:
        """The runner pod OOMKilled at its 4Gi limit, and the kernel's event for it."""
        return {
            "pods": [
                k.pod(
                    f"{cid}:runner",
                    "runner",
                    "ghcr.io/actions/actions-runner:2.321.0",
                    namespace="arc-runners",
                    phase="Failed",
                    name=runner,
                    container="runner",
                    terminated=("OOMKilled", 137),
                    limits={"cpu": "4", "memory": "4Gi"},
                )
            ],
            "events": [
                k.event(
                    f"{cid}:oom",
                    f"Pod/{runner}",
                    "OOMKilling",
                    f"Memory cgroup out of memory: Killed process 2817 "
                    f"({process}) total-vm:5103212kB, anon-rss:{rss_kb}kB",
                    namespace="arc-runners",
                    component="kernel-monitor",
                )
            ],
        }

    flat = k.prom_series("rk-rustc-sigkill", {"pod": runner}, [1.1e9, 2.6e9, 3.9e9, 4.29e9])
    mem = 'container_memory_working_set_bytes{namespace="arc-runners",container="runner"}'
    ci(
        "rk-rustc-sigkill",
        "rustc was killed (SIGKILL) compiling the controller on a 4Gi "
        "runner during a release build; nothing in the change grows memory",
        ["resource-kill", "flaky-infra"],
        "atlas",
        "general",
        workflow="Controller CI",
        job="build",
        steps=[*B.SETUP["rust"](), step_of("rustc-sigkill")],
        files=["crates/controller/src/main.rs"],
        message="feat(controller): metrics",
        image="k8s",
        extra={
            "kubernetes": runner_oom("rk-rustc-sigkill", "rustc", 4171520),
            "prometheus": {mem: flat},
        },
    )
    ci(
        "rk-link-killed",
        "the shell reports `Killed` (137) while cargo links the workspace: runner memory",
        ["resource-kill", "flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="Build images",
        job="controller",
        steps=[*B.SETUP["rust"](), step_of("cargo-build-killed-link")],
        files=["Cargo.toml"],
        message="build: lto = fat for release",
        image="k8s",
    )
    ci(
        "rk-vitest-killed",
        "vitest with coverage was killed (137) on a small runner shared with a dind sidecar",
        ["resource-kill", "flaky-infra"],
        "atlas",
        "general",
        workflow="Frontend CI",
        job="test",
        steps=[*B.SETUP["frontend"](), step_of("vitest-killed")],
        files=["web/src/duration.js"],
        message="fix(web): pad minutes",
        image="k8s",
        extra={
            "kubernetes": {
                "events": [
                    k.event(
                        "rk-vitest-killed:oom",
                        "Pod/k8s-runner-3b1f0-q2m7z",
                        "OOMKilling",
                        "Memory cgroup out of "
                        "memory: Killed process 4410 (node) total-vm:11845120kB, anon-rss:2087936kB",
                        namespace="arc-runners",
                        component="kernel-monitor",
                    )
                ]
            }
        },
    )
    ci(
        "rk-tsc-killed",
        "tsc was killed (137) during the typecheck; the runner, not the types",
        ["resource-kill", "flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="ui-checks",
        job="typecheck",
        steps=[*B.SETUP["frontend"](), step_of("tsc-killed")],
        files=["web/src/runs.ts"],
        message="feat(web): latest run",
        image="k8s",
    )
    growth = k.prom_series(
        "rk-cargo-test-growth",
        {"pod": runner},
        [2.1e8, 6.0e8, 1.2e9, 1.9e9, 2.7e9, 3.4e9, 4.1e9],
        step=15,
    )
    ci(
        "rk-cargo-test-growth",
        "the test binary was SIGKILLed in keeps_a_large_window; the "
        "runner's memory climbed steadily during that one test after the change made the "
        "event window unbounded: the code's own growth",
        ["resource-kill"],
        "rex",
        "rust_test",
        workflow="healer-ci",
        job="test",
        steps=[*B.SETUP["rust"](), step_of("cargo-test-sigkill")],
        files=["crates/healer/src/window.rs"],
        message="perf: keep the full event history in memory",
        image="k8s",
        extra={
            "prometheus": {mem + "[10m]": growth},
            "kubernetes": runner_oom("rk-cargo-test-growth", "healer-de560d49", 4186112),
        },
    )
    ci(
        "rk-cargo-test-node-pressure",
        "the same SIGKILL of the test binary, but the runner's "
        "node was under memory pressure and evicting pods; memory of the job itself was flat",
        ["resource-kill", "flaky-infra"],
        "atlas",
        "general",
        workflow="healer-ci",
        job="test",
        steps=[*B.SETUP["rust"](), step_of("cargo-test-sigkill")],
        files=["crates/healer/src/lib.rs"],
        message="test: window sizes",
        image="k8s",
        extra={
            "prometheus": {
                mem + "[10m]": k.prom_series(
                    "rk-cargo-test-node-pressure",
                    {"pod": runner},
                    [4.0e8, 4.1e8, 4.1e8, 4.2e8],
                    step=15,
                )
            },
            "kubernetes": {
                "events": [
                    k.event(
                        "rk-cargo-test-node-pressure:ev",
                        f"Pod/{runner}",
                        "Evicted",
                        "The node was low on resource: "
                        "memory. Threshold quantity: 100Mi, available: 61232Ki. Container runner "
                        "was using 412340Ki, request is 1Gi, has larger consumption of memory.",
                        namespace="arc-runners",
                        component="kubelet",
                    )
                ]
            },
        },
    )
    ci(
        "rk-node-heap-growth",
        "the dedupe benchmark dies of V8 heap exhaustion; its own "
        "output shows the kept set growing and the change added a cache that never evicts",
        ["resource-kill", "misleading-name"],
        "blaze",
        "frontend_test",
        workflow="Controller CI",
        job="bench",
        steps=[*B.SETUP["frontend"](), step_of("node-heap-dedup")],
        files=["web/src/dedupe.mjs"],
        message="perf(web): memoize dedupe across runs",
    )
    # BuildKit RUN killed: the wrapper and the kill
    df = rust_image("RUN cargo build --release")
    failure = inner("rustc-sigkill", "/src")
    failure.line = line_of(df, "RUN cargo build")
    ci(
        "rk-buildkit-rustc-killed",
        "inside BuildKit, rustc was SIGKILLed building the "
        "controller; the builder ran out of memory",
        ["resource-kill", "wrapper", "flaky-infra"],
        "atlas",
        "general",
        workflow="Infrastructure",
        job="images",
        steps=[
            *buildx_setup(),
            docker_step(
                "rk-buildkit-rustc-killed",
                df,
                failure,
                "ghcr.io/5dlabs/controller:pr-388",
                path="infra/images/controller/Dockerfile",
                action=True,
                push=True,
            ),
        ],
        files=["crates/controller/src/main.rs"],
        message="feat(controller): metrics",
        image="k8s",
    )
