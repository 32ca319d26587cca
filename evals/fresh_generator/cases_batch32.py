"""Batch 32 of the fresh split (ids ``fr-zf-``): event shapes and multi-job runs. The same
kinds of root causes arrive in every event shape Healer receives (``workflow_job``,
``workflow_run``, ``check_run`` from Actions and from third-party apps, ``check_suite``, the
Argo Events sensor body, and the security alert events), and several runs have more than one
failed or cancelled job that one cause explains.

- multi-job runs (``workflow_run``): a release build failing on E0308 with the packaging job
  failing only because the build artifact is missing (rex); a console build failing on tsc
  with the e2e job missing ``dist`` (blaze); lint and unit jobs failing for two independent
  frontend causes (blaze); an image job failing on an ``apk add`` of a package that does not
  exist with the smoke job unable to pull the image (bolt);
- matrix legs: a Windows leg failing on path separators in a test the change added (blaze),
  a Windows leg failing on CRLF in a Rust fixture the change added (rex), a macOS leg the
  change added to the workflow without GNU ``timeout`` (atlas), a Node 20 leg failing on
  ``Object.groupBy`` the change used (blaze), and a Linux leg cancelled by ``fail-fast``
  after the Windows leg failed (blaze);
- re-runs (``run_attempt`` 2): a first attempt that flaked on the crates.io index and a
  second that failed on a real test (rex); both attempts refused by ghcr.io with 503 (atlas);
  both attempts failing ``npm ci`` on registry 503s (atlas);
- third-party ``check_run`` apps: a Vercel deployment failing on a Next.js type error (blaze),
  Codecov's patch gate failing because the change deleted the module's tests (rex), Socket
  flagging a known-malware typosquat (cipher), the org's chart-testing app failing ``helm
  lint`` on a nil pointer in a template (bolt);
- sensor bodies for misleadingly named workflows: ``docs`` failing in its image build (bolt),
  ``deploy-prod`` failing in ``cargo test`` (rex), ``release`` failing in ``argocd app wait``
  with a pod unable to start on a ConfigMap key the chart change dropped (bolt), ``security``
  failing on ESLint (blaze);
- jobs that never started or were stopped: a runner label no runner has (atlas), a job
  cancelled by its concurrency group (atlas), and a test step hitting ``timeout-minutes`` in
  a deadlock the change introduced in the pool's locking (rex);
- security alert events: secret scanning ``reopened`` (cipher), Dependabot ``created``
  (cipher), ``repository_vulnerability_alert`` ``create`` (cipher), code scanning
  ``reopened`` (cipher);
- plain, obvious ones in the remaining shapes: rustfmt through an Actions ``check_run`` (rex),
  Prettier through a ``check_suite`` (blaze).
"""

from __future__ import annotations

import copy
import json
import re
from datetime import datetime, timedelta
from typing import Any

import fcommon
import gha
import real
import shapes
from fcommon import at, ci, failing, node_setup, npm_ci_ok, pr_of, rust_setup, sha
from gha import h, run, uses
from helpers import buildx_setup, buildx_step, kube_setup, pod_name

REPO = "5dlabs/healer"
WEB = "5dlabs/console"
PLAT = "5dlabs/platform"
OPS = "5dlabs/gitops"
DOCS = "5dlabs/handbook"


def build() -> None:
    multi_job()
    matrix()
    reruns()
    app_checks()
    sensors()
    never_started()
    alerts()
    plain()


# ------------------------------------------------------------------ helpers


def _last() -> dict[str, Any]:
    return fcommon.CASES[-1]


def _add_log(job: gha.Job, key: str | None = None) -> None:
    """Put another job's log (of the same run, or an earlier attempt) beside the case's own."""
    _last()["context"]["logs"][key or job.name] = job.log()


class _Sibling(gha.Job):
    """Another job of the same run (or an earlier attempt): the same commit as ``parent``,
    started ``offset`` seconds after it."""

    def __init__(self, key: str, parent: str, offset: int, *args: Any) -> None:
        super().__init__(key, *args)
        self.parent = parent
        self.offset = offset

    @property
    def sha(self) -> str:
        return sha(self.parent)

    def log(self) -> str:
        orig = gha.start_of

        def start(key: str) -> datetime:
            if key == self.key:
                return orig(self.parent) + timedelta(seconds=self.offset)
            return orig(key)

        gha.start_of = start
        try:
            return super().log()
        finally:
            gha.start_of = orig


def _job(
    cid: str, repo: str, workflow: str, name: str, branch: str, steps: list[Any], offset: int = 0
) -> gha.Job:
    """A sibling job of case ``cid`` (same commit), keyed apart so its ids differ."""
    return _Sibling(f"{cid}:{name}:{offset}", cid, offset, repo, workflow, name, branch, steps)


def _retime(job_name: str, first: str, last: str, seconds: int) -> None:
    """Shift the log lines from the one containing ``first`` up to (not including) the one
    containing ``last`` by ``seconds`` (a step that sat silent before the runner stopped it)."""
    logs = _last()["context"]["logs"]
    out, moving = [], False
    for line in logs[job_name].splitlines():
        if first in line:
            moving = True
        if last in line:
            moving = False
        if moving:
            stamp, rest = line.split(" ", 1)
            t = datetime.strptime(stamp[:26], "%Y-%m-%dT%H:%M:%S.%f") + timedelta(seconds=seconds)
            line = t.strftime("%Y-%m-%dT%H:%M:%S.%f") + "0Z " + rest
        out.append(line)
    logs[job_name] = "\n".join(out) + "\n"


def _attempt(n: int) -> None:
    """Make the last case's event a re-run: ``run_attempt`` n."""
    p = _last()["event"]["payload"]
    if "workflow_job" in p:
        p["workflow_job"]["run_attempt"] = n
    else:
        w = p["workflow_run"]
        w["run_attempt"] = n
        w["previous_attempt_url"] = f"{w['url']}/attempts/{n - 1}"


def _os_log(text: str, repo: str, kind: str) -> str:
    """A rendered job log as a Windows or macOS hosted runner prints it."""
    short = repo.split("/")[1]
    if kind == "windows":
        wd = f"D:\\a\\{short}\\{short}"
        swaps = [
            (" Ubuntu\n", " Microsoft Windows Server 2022\n"),
            (" 24.04.3\n", " 10.0.20348\n"),
            (" LTS\n", " Datacenter\n"),
            ("Image: ubuntu-24.04", "Image: windows-2022"),
            ("Version: 20250929.60.1", "Version: 20250928.104.1"),
            (
                "ubuntu24/20250929.60/images/ubuntu/Ubuntu2404-Readme.md",
                "win22/20250928.104/images/windows/Windows2022-Readme.md",
            ),
            ("ubuntu24%2F20250929.60", "win22%2F20250928.104"),
            (f"/home/runner/work/{short}/{short}", wd),
            ("/home/runner/work/_temp/", "D:\\a\\_temp\\"),
            ("/usr/bin/git", '"C:\\Program Files\\Git\\bin\\git.exe"'),
            (
                "shell: /usr/bin/bash -e {0}",
                "shell: C:\\Program Files\\Git\\bin\\bash.EXE --noprofile --norc -e -o pipefail {0}",
            ),
            ("Copying '/home/runner/.gitconfig'", "Copying 'C:\\Users\\runneradmin\\.gitconfig'"),
            (
                "/opt/hostedtoolcache/node/20.20.2/x64",
                "C:\\hostedtoolcache\\windows\\node\\20.20.2\\x64",
            ),
            ("stable-x86_64-unknown-linux-gnu", "stable-x86_64-pc-windows-msvc"),
        ]
    else:
        swaps = [
            (" Ubuntu\n", " macOS\n"),
            (" 24.04.3\n", " 14.7.6\n"),
            (" LTS\n", " 23H626\n"),
            ("Image: ubuntu-24.04", "Image: macos-14-arm64"),
            ("Version: 20250929.60.1", "Version: 20250929.1848"),
            (
                "ubuntu24/20250929.60/images/ubuntu/Ubuntu2404-Readme.md",
                "macos-14-arm64/20250929.1848/images/macos/macos-14-arm64-Readme.md",
            ),
            ("ubuntu24%2F20250929.60", "macos-14-arm64%2F20250929.1848"),
            ("/home/runner/", "/Users/runner/"),
            ("/usr/bin/git", "/opt/homebrew/bin/git"),
            ("shell: /usr/bin/bash -e {0}", "shell: /bin/bash -e {0}"),
            ("Azure Region: eastus2", "Azure Region: westus"),
            ("/opt/hostedtoolcache/", "/Users/runner/hostedtoolcache/"),
            ("stable-x86_64-unknown-linux-gnu", "stable-aarch64-apple-darwin"),
        ]
    for old, new in swaps:
        text = text.replace(old, new)
    if kind == "windows":  # vitest prints its root with forward slashes
        text = text.replace(
            f"RUN  v2.1.9 D:\\a\\{short}\\{short}", f"RUN  v2.1.9 D:/a/{short}/{short}"
        )
    return text


def _on(kind: str, repo: str, labels: list[str]) -> None:
    """Move the last case's own log and payload to a Windows or macOS hosted runner."""
    case = _last()
    logs = case["context"]["logs"]
    for k in logs:
        logs[k] = _os_log(logs[k], repo, kind)
    p = case["event"]["payload"]
    if "workflow_job" in p:
        p["workflow_job"]["labels"] = labels


def _never_ran(conclusion: str, labels: list[str]) -> None:
    """The last case's ``workflow_job``: a job no runner ever picked up (no steps, no runner)."""
    j = _last()["event"]["payload"]["workflow_job"]
    j.update(
        {
            "conclusion": conclusion,
            "steps": [],
            "labels": labels,
            "runner_id": None,
            "runner_name": None,
            "runner_group_id": None,
            "runner_group_name": None,
            "started_at": j["created_at"],
        }
    )


def _download_missing(name: str) -> Any:
    return uses(
        "actions/download-artifact@v4",
        {"name": name, "path": name},
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


def _skipped_after(steps: list[Any], names: list[str]) -> list[Any]:
    return [*steps, *(gha.skipped(n) for n in names)]


def _cargo(cid: str, files: dict[str, str], args: list[str], package: str = "healer") -> real.Out:
    files = {"Cargo.toml": real.cargo_toml(package), **files}
    return real.cargo(cid, files, args)


def _pkg(name: str = "console", **more: Any) -> str:
    return json.dumps(
        {"name": name, "version": "2.14.0", "private": True, "type": "module", **more}, indent=2
    )


# ------------------------------------------------------------------ 1. multi-job runs


RETRY_RS = """
use std::time::Duration;

pub struct Backoff {
    pub base: Duration,
    pub max: Duration,
}

impl Backoff {
    pub fn delay(&self, attempt: u32) -> Duration {
        let factor = 2u64.saturating_pow(attempt);
        let millis: u32 = self.base.as_millis() as u64 * factor;
        Duration::from_millis(millis.into()).min(self.max)
    }
}
"""


def multi_job() -> None:
    # 1a. release: the build fails on E0308; package finds no artifact; publish skipped
    at(REPO)
    cid = "fr-zf-run-release-e0308-package-no-artifact"
    out = _cargo(
        cid,
        {"src/main.rs": "mod retry;\nfn main() {}\n", "src/retry.rs": RETRY_RS},
        ["build", "--release", "--target", "x86_64-unknown-linux-gnu"],
    )
    assert "E0308" in "\n".join(out.lines), out
    msg = "feat(retry): cap the backoff delay at a configurable maximum"
    job = ci(
        cid,
        "a release workflow_run with two failed jobs: the build job fails on E0308 (a u64 "
        "product bound to a u32) in the backoff code the change touched, and the package job "
        "fails only because the binary artifact was never uploaded; publish-image was skipped",
        ["multi-signal", "workflow-run"],
        "rex",
        "rust_build",
        workflow="release",
        job="build (x86_64-unknown-linux-gnu)",
        event="workflow_run",
        steps=_skipped_after(
            [*rust_setup(), failing(out, name="Build release binary")],
            ["Upload binary"],
        ),
        message=msg,
        files=["src/retry.rs", "src/config.rs"],
    )
    _add_log(
        _job(
            cid,
            REPO,
            "release",
            "package",
            job.branch,
            _skipped_after(
                [_download_missing("healer-x86_64-unknown-linux-gnu")], ["Build tarball"]
            ),
            offset=412,
        )
    )

    # 1b. console-ci: tsc fails in build; e2e cannot download dist
    at(WEB)
    cid = "fr-zf-run-console-tsc-e2e-dist-missing"
    out = real.npm_script(
        cid,
        {
            "tsconfig.json": real.TSCONFIG,
            "src/api/invoices.ts": """
                export interface Invoice { id: string; total: number; currency: string }
                export async function listInvoices(): Promise<Invoice[]> { return []; }
            """,
            "src/pages/billing.ts": """
                import { listInvoices } from "../api/invoices";
                export async function totals(): Promise<string[]> {
                  const items = await listInvoices();
                  return items.map((i) => `${i.amountDue.toFixed(2)} ${i.currency}`);
                }
            """,
        },
        {"build": "tsc -p . && vite build"},
        "build",
    )
    assert "TS2339" in "\n".join(out.lines), out
    pr = pr_of(cid, "feat(billing): show amount due per invoice")
    job = ci(
        cid,
        "a console-ci workflow_run with build and e2e failed: tsc fails with TS2339 (amountDue "
        "does not exist on Invoice) in the billing page the PR changed, and e2e fails only "
        "because the dist artifact from build does not exist",
        ["multi-signal", "workflow-run"],
        "blaze",
        "frontend_typecheck",
        workflow="console-ci",
        job="build",
        event="workflow_run",
        repo=WEB,
        steps=_skipped_after(
            [*node_setup(), npm_ci_ok(), failing(out, name="Build")], ["Upload dist"]
        ),
        message=pr["title"],
        files=["src/pages/billing.ts"],
        pr=pr,
    )
    _add_log(
        _job(
            cid,
            WEB,
            "console-ci",
            "e2e (chromium)",
            job.branch,
            _skipped_after(
                [*node_setup(), npm_ci_ok(), _download_missing("dist")],
                ["Install Playwright browsers", "Run Playwright"],
            ),
            offset=97,
        )
    )

    # 1c. web: two independent frontend failures, lint and unit
    cid = "fr-zf-run-web-lint-and-unit-two-causes"
    lint = real.eslint(
        cid + "-lint",
        {
            "src/hooks/usePolling.js": """
                import { useEffect, useRef } from "react";
                export function usePolling(fn, ms) {
                  const timer = useRef(null);
                  const started = Date.now();
                  useEffect(() => {
                    timer.current = setInterval(fn, ms);
                    return () => clearInterval(timer.current);
                  }, [fn, ms]);
                }
            """
        },
        rules='{"no-unused-vars": "error"}',
    )
    assert lint.code, lint
    unit = real.vitest(
        cid + "-unit",
        {
            "src/format/bytes.js": """
                export function formatBytes(n) {
                  const units = ["B", "KB", "MB", "GB"];
                  let i = 0;
                  while (n > 1024 && i < units.length - 1) { n /= 1024; i++; }
                  return `${n.toFixed(1)} ${units[i]}`;
                }
            """,
            "src/format/bytes.test.js": """
                import { describe, expect, it } from "vitest";
                import { formatBytes } from "./bytes.js";
                describe("formatBytes", () => {
                  it("switches unit at exactly 1024", () => {
                    expect(formatBytes(1024)).toBe("1.0 KB");
                  });
                });
            """,
        },
    )
    assert unit.code, unit
    msg = "feat(web): poll job status and show artifact sizes"
    job = ci(
        cid,
        "a web workflow_run where lint and unit both failed for two independent frontend "
        "causes of the change: ESLint no-unused-vars in the new polling hook, and a Vitest "
        "assertion in formatBytes at exactly 1024 bytes (> instead of >=)",
        ["multi-signal", "workflow-run"],
        "blaze",
        "frontend_test",
        workflow="web",
        job="unit",
        event="workflow_run",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(unit, name="Unit tests")],
        message=msg,
        files=["src/hooks/usePolling.js", "src/format/bytes.js", "src/format/bytes.test.js"],
    )
    _add_log(
        _job(
            cid,
            WEB,
            "web",
            "lint",
            job.branch,
            [*node_setup(), npm_ci_ok(), failing(lint, name="ESLint")],
            offset=2,
        )
    )

    # 1d. images: apk add of a package that does not exist; smoke cannot pull the image
    at(PLAT)
    cid = "fr-zf-run-images-apk-missing-smoke-pull"
    image = "ghcr.io/5dlabs/notifier:sha-" + sha(cid)[:7]
    bk = [
        '#0 building with "builder-' + sha(cid)[:8] + '" instance using docker-container driver',
        "",
        "#1 [internal] load build definition from Dockerfile",
        "#1 transferring dockerfile: 912B done",
        "#1 DONE 0.0s",
        "",
        "#2 [internal] load metadata for docker.io/library/alpine:3.20",
        "#2 DONE 0.6s",
        "",
        "#3 [internal] load .dockerignore",
        "#3 transferring context: 2B done",
        "#3 DONE 0.0s",
        "",
        "#4 [runtime 1/4] FROM docker.io/library/alpine:3.20@sha256:"
        + sha(cid + "a")
        + sha(cid + "b")[:24],
        "#4 DONE 1.1s",
        "",
        "#5 [runtime 2/4] RUN apk add --no-cache ca-certificates tzdata libssl3 "
        "libgcc curl-minimal",
        "#5 0.214 fetch https://dl-cdn.alpinelinux.org/alpine/v3.20/main/x86_64/APKINDEX.tar.gz",
        "#5 0.611 fetch https://dl-cdn.alpinelinux.org/alpine/v3.20/community/x86_64/"
        "APKINDEX.tar.gz",
        "#5 1.322 ERROR: unable to select packages:",
        "#5 1.323   curl-minimal (no such package):",
        "#5 1.323     required by: world[curl-minimal]",
        '#5 ERROR: process "/bin/sh -c apk add --no-cache ca-certificates tzdata libssl3 '
        'libgcc curl-minimal" did not complete successfully: exit code: 1',
        "------",
        " > [runtime 2/4] RUN apk add --no-cache ca-certificates tzdata libssl3 libgcc "
        "curl-minimal:",
        "0.214 fetch https://dl-cdn.alpinelinux.org/alpine/v3.20/main/x86_64/APKINDEX.tar.gz",
        "0.611 fetch https://dl-cdn.alpinelinux.org/alpine/v3.20/community/x86_64/APKINDEX.tar.gz",
        "1.322 ERROR: unable to select packages:",
        "1.323   curl-minimal (no such package):",
        "1.323     required by: world[curl-minimal]",
        "------",
        "Dockerfile:14",
        "--------------------",
        "  12 |     FROM alpine:3.20 AS runtime",
        "  13 |     # curl for the readiness probe script",
        "  14 | >>> RUN apk add --no-cache ca-certificates tzdata libssl3 libgcc curl-minimal",
        "  15 |     COPY --from=build /src/target/release/notifier /usr/local/bin/notifier",
        "  16 |     USER 65532:65532",
        "--------------------",
        'ERROR: failed to build: failed to solve: process "/bin/sh -c apk add --no-cache '
        'ca-certificates tzdata libssl3 libgcc curl-minimal" did not complete successfully: '
        "exit code: 1",
    ]
    msg = "build(notifier): add curl to the runtime image for the readiness script"
    job = ci(
        cid,
        "an images workflow_run with image and smoke failed: the notifier Dockerfile's apk add "
        "asks for curl-minimal, which Alpine 3.20 does not have (a Fedora package name); smoke "
        "fails only because the image was never pushed",
        ["multi-signal", "workflow-run", "misleading-name"],
        "bolt",
        "docker_build",
        workflow="images",
        job="image (notifier)",
        event="workflow_run",
        repo=PLAT,
        steps=[
            *buildx_setup(),
            buildx_step(
                bk,
                'process "/bin/sh -c apk add --no-cache ca-certificates tzdata libssl3 '
                'libgcc curl-minimal" did not complete successfully: exit code: 1',
                image,
                file="services/notifier/Dockerfile",
                context="services/notifier",
            ),
        ],
        message=msg,
        files=["services/notifier/Dockerfile", "services/notifier/probe.sh"],
    )
    pull = [
        f"Unable to find image '{image}' locally",
        "docker: Error response from daemon: manifest unknown.",
        "See 'docker run --help'.",
    ]
    _add_log(
        _job(
            cid,
            PLAT,
            "images",
            "smoke (notifier)",
            job.branch,
            [
                run(
                    f"docker run --rm -d --name notifier -p 8080:8080 {image}",
                    pull,
                    125,
                    name="Start container",
                )
            ],
            offset=131,
        )
    )


# ------------------------------------------------------------------ 2. matrix legs

ROUTES_TS = """
    import { join } from "node:path";
    export function routeFile(segment: string): string {
      return join("src", "routes", `${segment}.tsx`);
    }
"""
ROUTES_TEST = """
    import { describe, expect, it } from "vitest";
    import { routeFile } from "./routes";
    describe("routeFile", () => {
      it("maps a segment to its route module", () => {
        expect(routeFile("settings")).toBe("src/routes/settings.tsx");
      });
    });
"""


def _windows_vitest(cid: str) -> real.Out:
    """Vitest on the Windows leg: node:path resolves to path.win32 there."""
    path = real.node_project(
        cid,
        {
            "vitest.config.js": """
                import { fileURLToPath } from "node:url";
                export default {
                  resolve: { alias: { "node:path": fileURLToPath(new URL("./win.js", import.meta.url)) } },
                };
            """,
            "win.js": 'import p from "path";\nexport const join = p.win32.join;\n'
            "export default p.win32;\n",
            "src/build/routes.ts": ROUTES_TS,
            "src/build/routes.test.ts": ROUTES_TEST,
        },
    )
    lines, code = real.run(["vitest", "run"], path)
    return real.Out("npx vitest run", lines, code)


HEADERS_RS = """
pub fn parse_headers(raw: &str) -> Vec<(String, String)> {
    raw.split('\\n')
        .filter(|l| !l.is_empty())
        .filter_map(|l| {
            let (k, v) = l.split_once(": ")?;
            Some((k.to_string(), v.to_string()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_recorded_webhook_headers() {
        let h = parse_headers(include_str!("../tests/fixtures/delivery-headers.txt"));
        assert_eq!(h[0], ("X-GitHub-Event".to_string(), "workflow_job".to_string()));
    }
}
"""


def matrix() -> None:
    # 2a. Windows leg: path separators in a test the change added (blaze)
    at(WEB)
    cid = "fr-zf-matrix-windows-path-separator-routes"
    out = _windows_vitest(cid)
    assert out.code and "src\\routes" in "\n".join(out.lines), out
    msg = "feat(build): generate the route manifest from src/routes"
    win_steps = [*node_setup(), npm_ci_ok(), failing(out, name="Test")]
    ci(
        cid,
        "only the windows-latest leg of the test matrix fails: the route-manifest helper the "
        "change added builds paths with path.join and its new test expects forward slashes, "
        "which Windows' path.join does not produce",
        ["matrix", "look-alike"],
        "blaze",
        "frontend_test",
        workflow="ci",
        job="test (windows-latest, 20)",
        repo=WEB,
        steps=win_steps,
        message=msg,
        files=["src/build/routes.ts", "src/build/routes.test.ts", "vite.config.ts"],
    )
    _on("windows", WEB, ["windows-latest"])
    # the Linux leg, cancelled by fail-fast, as its own event (2e)
    cid2 = "fr-zf-matrix-failfast-cancelled-linux-leg"
    cancelled = run(
        "npx vitest run",
        [" RUN  v2.1.9 /home/runner/work/console/console", ""],
        name="Test",
        conclusion="cancelled",
        after=["##[error]The operation was canceled."],
    )
    job = ci(
        cid2,
        "the workflow_job is the ubuntu leg, cancelled by fail-fast mid-test; the run's only "
        "real failure is the windows leg, where the new route-manifest test expects forward "
        "slashes that path.join does not produce on Windows",
        ["matrix", "context-driven", "multi-signal"],
        "blaze",
        "frontend_test",
        workflow="ci",
        job="test (ubuntu-latest, 20)",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), cancelled],
        message=msg,
        files=["src/build/routes.ts", "src/build/routes.test.ts", "vite.config.ts"],
        cancelled=True,
        conclusion="cancelled",
    )
    win = _job(cid2, WEB, "ci", "test (windows-latest, 20)", job.branch, win_steps, offset=-60)
    _last()["context"]["logs"][win.name] = _os_log(win.log(), WEB, "windows")

    # 2b. Windows leg: CRLF in a Rust fixture the change added (rex)
    at(REPO)
    cid = "fr-zf-matrix-windows-crlf-rust-fixture"
    fixture = "X-GitHub-Event: workflow_job\r\nX-GitHub-Delivery: 72d3162e\r\n"
    path = real.crate(
        cid,
        {
            "src/lib.rs": HEADERS_RS,
            "src/main.rs": "fn main() {}\n",
        },
    )
    (path / "tests" / "fixtures").mkdir(parents=True)
    (path / "tests" / "fixtures" / "delivery-headers.txt").write_bytes(fixture.encode())
    lines, code = real.run(["cargo", "test", "--lib"], path, env={"CARGO_NET_OFFLINE": "true"})
    assert code and "\\r" in "\n".join(lines), lines
    win = [
        re.sub(r"\(target/debug/deps/(\S+)\)", r"(target\\debug\\deps\\\1.exe)", ln).replace(
            "src/lib.rs", "src\\lib.rs"
        )
        for ln in lines
    ]
    ci(
        cid,
        "only the windows-2022 leg fails: the webhook-header parser the change added splits on "
        "'\\n' and its new test reads a fixture that Windows' autocrlf checkout gives CRLF line "
        "endings, so the value keeps a trailing \\r",
        ["matrix", "look-alike"],
        "rex",
        "rust_test",
        workflow="rust",
        job="test (windows-2022)",
        steps=[*rust_setup(), failing(real.Out("cargo test --lib", win, code), name="cargo test")],
        message="feat(webhook): parse recorded delivery headers for replay",
        files=["src/lib.rs", "src/webhook/replay.rs", "tests/fixtures/delivery-headers.txt"],
    )
    _on("windows", REPO, ["windows-2022"])

    # 2c. macOS leg the change added to the workflow: no GNU timeout (atlas)
    cid = "fr-zf-matrix-macos-leg-no-gnu-timeout"
    step = run(
        "timeout 20m cargo test --workspace --locked",
        [
            "/home/runner/work/_temp/"
            + sha(cid)[:8]
            + "-"
            + sha(cid)[8:12]
            + "-4"
            + sha(cid)[12:15]
            + "-a"
            + sha(cid)[15:18]
            + "-"
            + sha(cid)[18:30]
            + ".sh: line 1: timeout: command not found"
        ],
        127,
        name="Test",
    )
    ci(
        cid,
        "the macos-14 leg the change added to the workflow's matrix fails at once: the test "
        "step wraps cargo test in GNU timeout, which macOS runners do not have (exit 127); "
        "the ubuntu leg passed and no Rust code changed",
        ["matrix", "misleading-name"],
        "atlas",
        "general",
        workflow="rust",
        job="test (macos-14)",
        steps=[*rust_setup(), step],
        message="ci: run the test suite on macOS too",
        files=[".github/workflows/rust.yml"],
    )
    _on("macos", REPO, ["macos-14"])

    # 2d. Node 20 leg: Object.groupBy (Node 21+) used by the change (blaze)
    at(WEB)
    cid = "fr-zf-matrix-node20-object-groupby"
    out = real.vitest(
        cid,
        {
            "package.json": _pkg(engines={"node": ">=20"}),
            "src/runs/group.js": """
                export function byStatus(runs) {
                  return Object.groupBy(runs, (r) => r.status);
                }
            """,
            "src/runs/group.test.js": """
                import { expect, it } from "vitest";
                import { byStatus } from "./group.js";
                it("groups runs by status", () => {
                  const g = byStatus([{ id: 1, status: "failed" }, { id: 2, status: "ok" }]);
                  expect(Object.keys(g)).toEqual(["failed", "ok"]);
                });
            """,
        },
    )
    assert out.code and "groupBy is not a function" in "\n".join(out.lines), out
    ci(
        cid,
        "only the Node 20 leg of the matrix fails: the change groups runs with "
        "Object.groupBy, which Node 20 lacks (TypeError: Object.groupBy is not a function); "
        "package.json still declares engines >=20 and the Node 22 leg passed",
        ["matrix"],
        "blaze",
        "frontend_test",
        workflow="console",
        job="unit (20.x)",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Unit tests")],
        message="feat(runs): group the run list by status",
        files=["src/runs/group.js", "src/runs/group.test.js", "src/runs/RunList.jsx"],
        pr=pr_of(cid, "feat(runs): group the run list by status"),
    )


# ------------------------------------------------------------------ 3. re-runs


QUEUE_RS = """
pub fn drain(queue: &mut Vec<u32>, max: usize) -> Vec<u32> {
    let n = queue.len().min(max);
    queue.drain(queue.len() - n..).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drains_oldest_first() {
        let mut q = vec![1, 2, 3, 4];
        assert_eq!(drain(&mut q, 2), vec![1, 2]);
        assert_eq!(q, vec![3, 4]);
    }
}
"""


def _index_flake(cid: str) -> list[str]:
    return [
        "    Updating crates.io index",
        "warning: spurious network error (3 tries remaining): [28] Timeout was reached "
        "(failed to download from `https://index.crates.io/config.json`)",
        "warning: spurious network error (2 tries remaining): [28] Timeout was reached "
        "(failed to download from `https://index.crates.io/config.json`)",
        "warning: spurious network error (1 tries remaining): [28] Timeout was reached "
        "(failed to download from `https://index.crates.io/config.json`)",
        "error: failed to get `tokio` as a dependency of package `healer v0.27.3 "
        "(/home/runner/work/healer/healer)`",
        "",
        "Caused by:",
        "  download of config.json failed",
        "",
        "Caused by:",
        "  failed to download from `https://index.crates.io/config.json`",
        "",
        "Caused by:",
        "  [28] Timeout was reached (Operation timed out after 30000 milliseconds with 0 bytes "
        "received)",
    ]


def _ghcr_503(image: str) -> list[str]:
    return [
        "#12 exporting to image",
        "#12 exporting layers 3.2s done",
        "#12 exporting manifest sha256:" + sha(image + "m") + sha(image + "n")[:24] + " done",
        "#12 naming to " + image + " done",
        "#12 pushing layers",
        "#12 pushing layers 31.4s done",
        "#12 ERROR: failed to push " + image + ": unexpected status from PUT request to "
        "https://ghcr.io/v2/5dlabs/notifier/manifests/"
        + image.rsplit(":", 1)[1]
        + ": 503 Service Unavailable",
    ]


def _npm_503() -> list[str]:
    return [
        "npm warn deprecated inflight@1.0.6: This module is not supported, and leaks memory. "
        "Do not use it.",
        "npm error code E503",
        "npm error 503 Service Unavailable - GET https://registry.npmjs.org/@vitejs%2fplugin-react"
        " - Service Unavailable",
        "npm error A complete log of this run can be found in: "
        "/home/runner/.npm/_logs/2026-11-02T11_42_07_118Z-debug-0.log",
    ]


def reruns() -> None:
    # 3a. attempt 1 flaked on the index, attempt 2 failed on a real test (rex)
    at(REPO)
    cid = "fr-zf-rerun-attempt2-real-cargo-test"
    out = _cargo(cid, {"src/lib.rs": QUEUE_RS}, ["test", "--lib"])
    assert out.code and "drains_oldest_first" in "\n".join(out.lines), out
    msg = "perf(queue): drain the dispatch queue in batches"
    job = ci(
        cid,
        "run_attempt 2 of the test job: attempt 1 timed out fetching the crates.io index, the "
        "re-run got past it and failed on a real assertion in the queue drain the change "
        "rewrote (it drains the newest entries, not the oldest)",
        ["rerun", "look-alike"],
        "rex",
        "rust_test",
        workflow="ci",
        job="test",
        steps=[*rust_setup(), failing(out, name="cargo test")],
        message=msg,
        files=["src/queue.rs"],
    )
    _attempt(2)
    _add_log(
        _job(
            cid,
            REPO,
            "ci",
            "test",
            job.branch,
            [*rust_setup(), run("cargo test --lib", _index_flake(cid), 101, name="cargo test")],
            offset=-1460,
        ),
        "test (attempt 1)",
    )

    # 3b. both attempts: ghcr.io 503 on manifest PUT (atlas)
    at(PLAT)
    cid = "fr-zf-rerun-attempt2-ghcr-503-both"
    image = "ghcr.io/5dlabs/notifier:sha-" + sha(cid)[:7]
    error = (
        f"failed to push {image}: unexpected status from PUT request to "
        f"https://ghcr.io/v2/5dlabs/notifier/manifests/sha-{sha(cid)[:7]}: 503 Service "
        "Unavailable"
    )
    msg = "fix(notifier): trim whitespace in digest subjects"
    job = ci(
        cid,
        "run_attempt 2 of the publish workflow: the image builds, but pushing the manifest to "
        "ghcr.io fails with 503 Service Unavailable on both attempts; the change is a one-line "
        "Rust fix",
        ["rerun", "flaky-infra", "workflow-run"],
        "atlas",
        "general",
        workflow="publish",
        job="push-image",
        event="workflow_run",
        repo=PLAT,
        steps=[*buildx_setup(), buildx_step(_ghcr_503(image), error, image)],
        message=msg,
        files=["services/notifier/src/digest.rs"],
    )
    _attempt(2)
    _add_log(
        _job(
            cid,
            PLAT,
            "publish",
            "push-image",
            job.branch,
            [*buildx_setup(), buildx_step(_ghcr_503(image), error, image)],
            offset=-2210,
        ),
        "push-image (attempt 1)",
    )

    # 3c. both attempts: npm registry 503 (atlas)
    at(WEB)
    cid = "fr-zf-rerun-attempt2-npm-registry-503"
    msg = "chore(deps): bump @vitejs/plugin-react to 4.3.4"
    step = run("npm ci --no-fund", _npm_503(), 1, name="Install dependencies")
    job = ci(
        cid,
        "run_attempt 2 of the install job: npm ci fails with E503 Service Unavailable from "
        "registry.npmjs.org on both attempts, on a different package each time",
        ["rerun", "flaky-infra"],
        "atlas",
        "general",
        workflow="console",
        job="install",
        repo=WEB,
        steps=[*node_setup(), step],
        message=msg,
        files=["package.json", "package-lock.json"],
        pr=pr_of(cid, msg, "Dependabot-style bump, done by hand."),
    )
    _attempt(2)
    first = [ln.replace("@vitejs%2fplugin-react", "@babel%2fcore") for ln in _npm_503()]
    _add_log(
        _job(
            cid,
            WEB,
            "console",
            "install",
            job.branch,
            [*node_setup(), run("npm ci --no-fund", first, 1, name="Install dependencies")],
            offset=-980,
        ),
        "install (attempt 1)",
    )


# ------------------------------------------------------------------ 4. third-party check_run apps


def _app_check(
    cid: str,
    repo: str,
    *,
    app: tuple[str, str, int],
    name: str,
    title: str,
    summary: str,
    text: str | None,
    details_url: str,
    message: str,
    pr: dict[str, Any] | None,
) -> dict[str, Any]:
    """A ``check_run`` completed by a third-party GitHub App (not Actions)."""
    job = gha.Job(cid, repo, "", name, fcommon.common.branch_for(message), [])
    p = gha.check_run(job, title, summary, annotations=0, pr=pr["number"] if pr else None)
    slug, app_name, app_id = app
    owner = slug.split("-")[0]
    app_obj = {
        **p["check_run"]["app"],
        "id": app_id,
        "slug": slug,
        "node_id": "A_kwDO" + sha(slug)[:12],
        "name": app_name,
        "description": "",
        "external_url": f"https://{owner}.com",
        "html_url": f"https://github.com/apps/{slug}",
        "owner": {
            **p["check_run"]["app"]["owner"],
            "login": owner,
            "id": h(owner, 10_000_000, 90_000_000),
            "html_url": f"https://github.com/{owner}",
        },
    }
    c = p["check_run"]
    c.update(
        {
            "external_id": sha(cid + ":ext")[:24],
            "details_url": details_url,
            "html_url": f"https://github.com/{repo}/runs/{job.job_id}",
            "app": app_obj,
        }
    )
    c["output"]["text"] = text
    if isinstance(c.get("check_suite"), dict):
        c["check_suite"]["app"] = app_obj
    _fix_prs(c["pull_requests"], repo)
    return p


def _fix_prs(prs: list[dict[str, Any]], repo: str) -> None:
    """The fixture's minimal PR objects point at its own repository; point them at ours."""
    for item in prs:
        for side in ("head", "base"):
            ref = item.get(side)
            if isinstance(ref, dict):
                ref["repo"] = {
                    "id": h(repo, 300_000_000, 900_000_000),
                    "url": f"https://api.github.com/repos/{repo}",
                    "name": repo.split("/")[1],
                }
        if isinstance(item.get("base"), dict):
            item["base"]["ref"] = "main"
            item["base"]["sha"] = sha(item["head"]["sha"] + ":base")


def app_checks() -> None:
    # 4a. Vercel: next build fails on a type error (blaze)
    at(WEB)
    cid = "fr-zf-check-vercel-next-type-error"
    pr = pr_of(cid, "feat(settings): show the token's expiry date")
    dep = "console-" + sha(cid)[:9] + "-5dlabs.vercel.app"
    log = "\n".join(
        [
            'Running "npm run build"',
            "",
            "> console@2.14.0 build",
            "> next build",
            "",
            "   \u25b2 Next.js 14.2.18",
            "",
            "   Creating an optimized production build ...",
            " \u2713 Compiled successfully",
            "   Linting and checking validity of types ...",
            "Failed to compile.",
            "",
            "./src/app/settings/tokens/page.tsx:41:34",
            "Type error: Argument of type 'string | null' is not assignable to parameter of type "
            "'string | number | Date'.",
            "  Type 'null' is not assignable to type 'string | number | Date'.",
            "",
            "  39 |           <td>{t.name}</td>",
            "  40 |           <td>",
            "> 41 |             {formatDate(new Date(t.expiresAt))}",
            "     |                                  ^",
            "  42 |           </td>",
            "  43 |         </tr>",
            "  44 |       ))}",
            'Error: Command "npm run build" exited with 1',
        ]
    )
    p = _app_check(
        cid,
        WEB,
        app=("vercel", "Vercel", 8329),
        name="Vercel \u2013 console",
        title="Deployment has failed",
        summary=f"Build failed for [{dep}](https://vercel.com/5dlabs/console/"
        f"{sha(cid)[:12]}). Check the build logs.",
        text="```\n" + log + "\n```",
        details_url=f"https://vercel.com/5dlabs/console/{sha(cid)[:12]}",
        message=pr["title"],
        pr=pr,
    )
    fcommon.add(
        cid,
        "a Vercel check_run (not Actions) reports the preview deployment failed: next build "
        "stops on a type error (string | null passed to new Date) in the tokens page the PR "
        "changed",
        ["check-run", "third-party-app"],
        "blaze",
        "frontend_build",
        "check_run",
        p,
        {
            "changed_files": ["src/app/settings/tokens/page.tsx", "src/lib/api/tokens.ts"],
            "commit_message": pr["title"],
            "pull_request": pr,
        },
    )

    # 4b. Codecov patch gate: the change deleted the module's tests (rex)
    at(REPO)
    cid = "fr-zf-check-codecov-patch-tests-deleted"
    pr = pr_of(
        cid,
        "refactor(dedupe): move the dedupe window into its own module",
        "Moves the dedupe window out of dispatch.rs. The old tests were coupled to the "
        "dispatcher internals so I removed them; will add new ones later.",
    )
    p = _app_check(
        cid,
        REPO,
        app=("codecov", "Codecov", 254),
        name="codecov/patch",
        title="24.13% of diff hit (target 80.00%)",
        summary="## [Codecov](https://app.codecov.io/gh/5dlabs/healer/pull/"
        f"{pr['number']}) Report\n"
        "Attention: Patch coverage is `24.13793%` with `44 lines` in your changes missing "
        "coverage. Please review.\n"
        "> Project coverage is 71.82%. Comparing base (`" + sha(cid + "base")[:7] + "`) to "
        "head (`" + sha(cid)[:7] + "`).\n\n"
        "| [Files with missing lines](https://app.codecov.io/gh/5dlabs/healer/pull/"
        f"{pr['number']}?dropdown=coverage&src=pr&el=tree) | Patch % | Lines |\n"
        "|---|---|---|\n"
        "| src/dedupe/window.rs | 18.51% | [44 Missing :warning: ] |\n"
        "| src/dispatch.rs | 100.00% | |\n",
        text=None,
        details_url=f"https://app.codecov.io/gh/5dlabs/healer/pull/{pr['number']}",
        message=pr["title"],
        pr=pr,
    )
    fcommon.add(
        cid,
        "Codecov's codecov/patch check_run fails (24% of diff hit, target 80%): the PR moved "
        "the dedupe window into a new Rust module and deleted its unit tests; the fix is "
        "tests for src/dedupe/window.rs",
        ["check-run", "third-party-app", "context-driven"],
        "rex",
        "rust_test",
        "check_run",
        p,
        {
            "changed_files": ["src/dedupe/mod.rs", "src/dedupe/window.rs", "src/dispatch.rs"],
            "commit_message": pr["title"],
            "pull_request": pr,
        },
    )

    # 4c. Socket: a typosquatted package with known malware (cipher)
    at(WEB)
    cid = "fr-zf-check-socket-known-malware-typosquat"
    pr = pr_of(cid, "feat(charts): colour scales for the run heatmap")
    p = _app_check(
        cid,
        WEB,
        app=("socket-security", "Socket Security", 156372),
        name="Socket Security: Pull Request Alerts",
        title="1 critical alert",
        summary="## Report too large to display inline\n\n| Alert | Package | Note | Source |\n"
        "|---|---|---|---|\n"
        "| Known malware | npm/chalk-colors@1.4.2 | Install script downloads and runs a "
        "remote payload | package-lock.json via chalk-colors@1.4.2 |\n"
        "| Possible typosquat attack | npm/chalk-colors@1.4.2 | Did you mean: chalk? | "
        "package.json |\n\n"
        "To accept the risk, merge this PR and you will not be notified again.",
        text="Next steps: Take a moment to review the security alert above. Known malware: "
        "this package contains code that attempts to steal credentials or execute a remote "
        "payload. It should be removed immediately.",
        details_url=f"https://socket.dev/dashboard/org/gh/5dlabs/diff/{sha(cid)[:16]}",
        message=pr["title"],
        pr=pr,
    )
    fcommon.add(
        cid,
        "Socket's check_run fails with a critical alert: the PR adds chalk-colors@1.4.2, a "
        "typosquat of chalk flagged as known malware (install script runs a remote payload)",
        ["check-run", "third-party-app", "security"],
        "cipher",
        "vulnerable_dependency",
        "check_run",
        p,
        {
            "changed_files": ["package.json", "package-lock.json", "src/charts/heatmap.ts"],
            "commit_message": pr["title"],
            "pull_request": pr,
        },
    )

    # 4d. the org's chart-testing app: helm lint nil pointer (bolt)
    at(OPS)
    cid = "fr-zf-check-chart-testing-app-nil-pointer"
    pr = pr_of(cid, "feat(notifier): make memory limits optional")
    text = "\n".join(
        [
            "Linting charts...",
            "",
            "-" * 78,
            " Charts to be processed:",
            "-" * 78,
            ' notifier => (version: "0.9.0", path: "charts/notifier")',
            "-" * 78,
            "",
            'Linting chart "notifier => (version: \\"0.9.0\\", path: \\"charts/notifier\\")"',
            'Checking chart "notifier => (version: \\"0.9.0\\", path: \\"charts/notifier\\")"'
            " for a version bump...",
            "Old chart version: 0.8.4",
            "New chart version: 0.9.0",
            "Chart version ok.",
            "Validating /charts/notifier/Chart.yaml...",
            "Validation success! \U0001f44d",
            "Validating maintainers...",
            "==> Linting charts/notifier",
            "[INFO] Chart.yaml: icon is recommended",
            "[ERROR] templates/: template: notifier/templates/deployment.yaml:47:36: executing "
            '"notifier/templates/deployment.yaml" at <.Values.resources.limits.memory>: nil '
            "pointer evaluating interface {}.memory",
            "",
            "Error: 1 chart(s) linted, 1 chart(s) failed",
            "-" * 78,
            ' \u2716\ufe0e notifier => (version: "0.9.0", path: "charts/notifier") > failed '
            "waiting for process: exit status 1",
            "-" * 78,
            "Error: failed linting charts: failed processing charts",
        ]
    )
    p = _app_check(
        cid,
        OPS,
        app=("5dlabs-chart-ci", "5dlabs chart-ci", 911204),
        name="chart-testing / lint",
        title="ct lint: 1 chart(s) failed",
        summary="charts/notifier failed `helm lint` (see details).",
        text="```\n" + text + "\n```",
        details_url=f"https://chart-ci.5dlabs.ai/runs/{sha(cid)[:12]}",
        message=pr["title"],
        pr=pr,
    )
    fcommon.add(
        cid,
        "a check_run from the org's chart-testing GitHub App: ct lint fails on a nil pointer "
        "at .Values.resources.limits.memory in the notifier chart's deployment template after "
        "the PR removed the limits block from values.yaml",
        ["check-run", "third-party-app"],
        "bolt",
        "helm",
        "check_run",
        p,
        {
            "changed_files": ["charts/notifier/values.yaml", "charts/notifier/Chart.yaml"],
            "commit_message": pr["title"],
            "pull_request": pr,
        },
    )


# ------------------------------------------------------------------ 5. sensor bodies


def sensors() -> None:
    # 5a. "docs" workflow failing in its image build (bolt)
    at(DOCS)
    cid = "fr-zf-sensor-docs-image-base-tag"
    image = "ghcr.io/5dlabs/handbook:sha-" + sha(cid)[:7]
    bk = [
        '#0 building with "builder-' + sha(cid)[:8] + '" instance using docker-container driver',
        "",
        "#1 [internal] load build definition from Dockerfile",
        "#1 transferring dockerfile: 641B done",
        "#1 DONE 0.0s",
        "",
        "#2 [internal] load metadata for docker.io/library/nginx:1.27-alpine",
        "#2 DONE 0.5s",
        "",
        "#3 [internal] load metadata for docker.io/hugomods/hugo:exts-0.139",
        "#3 ERROR: docker.io/hugomods/hugo:exts-0.139: not found",
        "------",
        " > [internal] load metadata for docker.io/hugomods/hugo:exts-0.139:",
        "------",
        "Dockerfile:1",
        "--------------------",
        "   1 | >>> FROM hugomods/hugo:exts-0.139 AS build",
        "   2 |     WORKDIR /src",
        "   3 |     COPY . .",
        "--------------------",
        "ERROR: failed to build: failed to solve: hugomods/hugo:exts-0.139: failed to resolve "
        "source metadata for docker.io/hugomods/hugo:exts-0.139: docker.io/hugomods/hugo:"
        "exts-0.139: not found",
    ]
    ci(
        cid,
        "sensor body for the docs workflow: its log shows the site image build failing because "
        "the Dockerfile's builder stage names hugomods/hugo:exts-0.139, a tag that does not "
        "exist (the image publishes exts-0.139.0); the change only edited the Dockerfile",
        ["sensor", "misleading-name", "context-driven"],
        "bolt",
        "docker_build",
        workflow="docs",
        job="publish-site",
        event="sensor",
        repo=DOCS,
        steps=[
            *buildx_setup(),
            buildx_step(
                bk,
                "hugomods/hugo:exts-0.139: failed to resolve source metadata for "
                "docker.io/hugomods/hugo:exts-0.139: docker.io/hugomods/hugo:exts-0.139: "
                "not found",
                image,
            ),
        ],
        message="build(docs): bump hugo to 0.139",
        files=["Dockerfile"],
    )

    # 5b. "deploy-prod" failing in its verify job's cargo test (rex)
    at(REPO)
    cid = "fr-zf-sensor-deploy-prod-cargo-test"
    src = """
        pub fn redact(s: &str) -> String {
            if let Some(i) = s.find("ghp_") {
                return format!("{}ghp_***", &s[..i]);
            }
            s.to_string()
        }

        #[cfg(test)]
        mod tests {
            use super::*;

            #[test]
            fn keeps_text_after_the_token() {
                assert_eq!(
                    redact("token ghp_abc123 rejected"),
                    "token ghp_*** rejected"
                );
            }
        }
    """
    out = _cargo(cid, {"src/lib.rs": src}, ["test", "--lib"])
    assert out.code, out
    ci(
        cid,
        "sensor body for the deploy-prod workflow: the verify job's cargo test fails on the "
        "redaction helper the change rewrote (it drops everything after the token); nothing "
        "was deployed",
        ["sensor", "misleading-name"],
        "rex",
        "rust_test",
        workflow="deploy-prod",
        job="verify",
        event="sensor",
        steps=[*rust_setup(), failing(out, name="cargo test")],
        message="fix(logs): redact GitHub tokens in forwarded log lines",
        files=["src/lib.rs", "src/logs/forward.rs"],
    )

    # 5c. "release" failing in argocd app wait: a ConfigMap key the chart change dropped (bolt)
    at(OPS)
    cid = "fr-zf-sensor-release-argocd-configmap-key"
    t0 = gha.start_of(cid)
    created, first, last = (gha.iso(t0 + timedelta(seconds=n)) for n in (24, 27, 331))
    ns, app = "notifier", "notifier"
    image = "ghcr.io/5dlabs/notifier:v0.9.0"
    name = pod_name(cid, app)
    pod = shapes.pod(
        name,
        ns,
        app,
        image,
        created=created,
        waiting=(
            "CreateContainerConfigError",
            "couldn't find key LOG_FORMAT in ConfigMap notifier/notifier-config",
        ),
        port=8080,
    )
    ev = shapes.event(
        ns,
        "Pod",
        name,
        "Failed",
        "Error: couldn't find key LOG_FORMAT in ConfigMap notifier/notifier-config",
        first=first,
        last=last,
        count=34,
    )
    wait = run(
        "argocd app wait notifier --health --timeout 300 --grpc-web",
        [
            *shapes.argocd_summary(
                "notifier",
                "platform",
                ns,
                OPS,
                "charts/notifier",
                sha(cid),
                "Synced",
                "Progressing",
                resources=[
                    (
                        "",
                        "ConfigMap",
                        ns,
                        "notifier-config",
                        "Synced",
                        "",
                        "",
                        "configmap/notifier-config configured",
                    ),
                    ("", "Service", ns, "notifier", "Synced", "Healthy", "", ""),
                    (
                        "apps",
                        "Deployment",
                        ns,
                        "notifier",
                        "Synced",
                        "Progressing",
                        "",
                        "deployment.apps/notifier configured",
                    ),
                ],
            ),
            shapes.logrus_fatal(
                last, 'Timed out (300s) waiting for app \\"notifier\\" match desired state'
            ),
        ],
        20,
        name="Wait for healthy",
        seconds=300,
    )
    ci(
        cid,
        "sensor body for the release workflow: argocd app wait times out; Argo CD shows the "
        "notifier app Progressing and the new pod in CreateContainerConfigError because the "
        "chart change renamed the ConfigMap key LOG_FORMAT that the deployment's env still "
        "references",
        ["sensor", "misleading-name", "context-driven"],
        "bolt",
        "helm",
        workflow="release",
        job="promote",
        event="sensor",
        repo=OPS,
        steps=[*kube_setup(), wait],
        message="chore(notifier): release v0.9.0 (log settings grouped under logging.*)",
        files=[
            "charts/notifier/templates/configmap.yaml",
            "charts/notifier/values.yaml",
            "charts/notifier/Chart.yaml",
        ],
        extra={
            "argocd": [
                {
                    "name": "notifier",
                    "sync_status": "Synced",
                    "health_status": "Progressing",
                    "message": "Waiting for rollout to finish: 1 old replicas are pending "
                    "termination...",
                }
            ],
            "kubernetes": {"pods": [pod], "events": [ev]},
        },
    )

    # 5d. "security" workflow failing on ESLint (blaze)
    at(WEB)
    cid = "fr-zf-sensor-security-workflow-eslint"
    out = real.eslint(
        cid,
        {
            "src/auth/session.js": """
                export function readSession(storage) {
                  const raw = storage.getItem("session");
                  if (raw == null) return null;
                  try {
                    return JSON.parse(raw);
                  } catch (e) {
                  }
                }
            """
        },
        rules='{"no-empty": "error", "no-unused-vars": "error", "consistent-return": "error"}',
    )
    assert out.code, out
    ci(
        cid,
        "sensor body for the security workflow: its sast-lint job runs ESLint, which fails on "
        "no-empty, no-unused-vars and consistent-return in the session reader the change "
        "added; no finding, no advisory",
        ["sensor", "misleading-name"],
        "blaze",
        "frontend_lint",
        workflow="security",
        job="sast-lint",
        event="sensor",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="ESLint (security rules)")],
        message="feat(auth): restore the session from localStorage",
        files=["src/auth/session.js", "src/main.js"],
    )


# ------------------------------------------------------------------ 6. never started / stopped


def never_started() -> None:
    # 6a. runner label no runner has (atlas)
    at(REPO)
    cid = "fr-zf-job-runner-label-none-matches"
    msg = "ci: build release binaries on arm runners"
    ci(
        cid,
        "a workflow_job that never started: the change moved the build job to runs-on "
        "ubuntu-24.04-arm64, a label no hosted or self-hosted runner carries (the hosted "
        "label is ubuntu-24.04-arm); no steps, no runner, no log",
        ["never-started", "context-driven"],
        "atlas",
        "general",
        workflow="release",
        job="build (aarch64-unknown-linux-gnu)",
        steps=[],
        message=msg,
        files=[".github/workflows/release.yml"],
        pr=pr_of(cid, msg, "Switches the aarch64 build from cross to native arm runners."),
        logs=False,
    )
    _never_ran("failure", ["ubuntu-24.04-arm64"])

    # 6b. concurrency group cancelled by a newer run (atlas)
    cid = "fr-zf-job-concurrency-cancelled-queued"
    ci(
        cid,
        "a workflow_job cancelled while queued: the deploy workflow's concurrency group "
        "(deploy-main, cancel-in-progress) cancelled it when a newer push started the same "
        "workflow; nothing failed",
        ["never-started"],
        "atlas",
        "general",
        workflow="deploy",
        job="deploy-staging",
        steps=[],
        message="docs: fix the runbook link in the README",
        files=["README.md"],
        logs=False,
        conclusion="cancelled",
        branch="main",
    )
    _never_ran("cancelled", ["ubuntu-latest"])

    # 6c. step timeout-minutes: a deadlock the change introduced (rex)
    cid = "fr-zf-job-step-timeout-pool-deadlock"
    lines = [
        "   Compiling healer v0.27.3 (/home/runner/work/healer/healer)",
        "    Finished `test` profile [unoptimized + debuginfo] target(s) in 4.62s",
        "     Running unittests src/lib.rs (target/debug/deps/healer-" + sha(cid)[:16] + ")",
        "",
        "running 6 tests",
        "test pool::tests::checkout_returns_idle_connection ... ok",
        "test pool::tests::drop_returns_connection_to_pool ... ok",
        "test pool::tests::max_size_is_respected ... ok",
        "test pool::tests::resize_while_checked_out has been running for over 60 seconds",
    ]
    step = gha.Step(
        "cargo test",
        [
            "##[group]Run cargo test --lib -- --test-threads=1",
            "cargo test --lib -- --test-threads=1",
            "shell: /usr/bin/bash -e {0}",
            "##[endgroup]",
            *lines,
        ],
        "failure",
        None,
        900,
        ["##[error]The action 'cargo test' has timed out after 15 minutes."],
    )
    ci(
        cid,
        "the test step hits its timeout-minutes: resize_while_checked_out never finishes "
        "because the change made resize() take the pool's state lock and then wait on the "
        "idle-slot condvar that only a release (which needs the same lock) can signal",
        ["timeout", "context-driven"],
        "rex",
        "rust_test",
        workflow="ci",
        job="test",
        steps=[*rust_setup(), step],
        message="feat(pool): resize the connection pool at runtime",
        files=["src/pool.rs", "src/pool/tests.rs"],
        pr=pr_of(
            cid,
            "feat(pool): resize the connection pool at runtime",
            "resize() now holds the state lock while it waits for surplus connections to be "
            "returned, so the size never goes below the number checked out.",
        ),
    )
    # the step began 15 minutes before the runner stopped it; the stuck test was reported
    # a minute after it started
    _retime("test", "Run cargo test --lib", "resize_while_checked_out has been", -895)
    _retime("test", "resize_while_checked_out has been", "has timed out", -835)


# ------------------------------------------------------------------ 7. security alert events


def alerts() -> None:
    p = gha.alert(
        "secret_scanning_alert",
        "fr-zf-alert-secret-reopened-slack",
        PLAT,
        {
            "action": "reopened",
            "alert.secret_type": "slack_incoming_webhook_url",
            "alert.secret_type_display_name": "Slack Incoming Webhook URL",
            "alert.resolution": None,
            "alert.resolved_by": None,
            "alert.resolved_at": None,
        },
    )
    fcommon.add(
        "fr-zf-alert-secret-reopened-slack-webhook",
        "secret scanning alert reopened: a Slack incoming webhook URL earlier closed as "
        "revoked is still live in the alertmanager values of the platform repository",
        ["security-alert", "security", "obvious"],
        "cipher",
        "secret_scanning_alert",
        "secret_scanning_alert",
        p,
        {"changed_files": ["deploy/alertmanager/values.yaml"]},
    )

    vuln = {
        "package": {"ecosystem": "npm", "name": "undici"},
        "severity": "medium",
        "vulnerable_version_range": ">= 6.0.0, < 6.21.1",
        "first_patched_version": {"identifier": "6.21.1"},
    }
    p = gha.alert(
        "dependabot_alert",
        "fr-zf-alert-dependabot-undici",
        WEB,
        {
            "alert.dependency": {
                "package": {"ecosystem": "npm", "name": "undici"},
                "manifest_path": "package-lock.json",
                "scope": "runtime",
            },
            "alert.security_advisory.ghsa_id": "GHSA-c76h-2ccp-4975",
            "alert.security_advisory.cve_id": "CVE-2025-22150",
            "alert.security_advisory.summary": "Use of Insufficiently Random Values in undici",
            "alert.security_advisory.severity": "medium",
            "alert.security_advisory.vulnerabilities": [vuln],
            "alert.security_vulnerability": vuln,
        },
    )
    fcommon.add(
        "fr-zf-alert-dependabot-created-undici",
        "Dependabot alert created: undici 6.19.8 in the console's package-lock.json "
        "(GHSA-c76h-2ccp-4975, insufficiently random multipart boundaries), fixed in 6.21.1",
        ["security-alert", "security", "obvious"],
        "cipher",
        "dependabot_alert",
        "dependabot_alert",
        p,
        {},
    )

    p = gha.alert(
        "repository_vulnerability_alert",
        "fr-zf-alert-repo-vuln-openssl",
        REPO,
        {
            "alert.affected_range": ">= 0.10.0, < 0.10.70",
            "alert.affected_package_name": "openssl",
            "alert.external_reference": "https://nvd.nist.gov/vuln/detail/CVE-2025-24898",
            "alert.external_identifier": "CVE-2025-24898",
            "alert.fixed_in": "0.10.70",
            "alert.ghsa_id": "GHSA-rpmj-rpgj-qmpm",
            "alert.severity": "moderate",
            "alert.created_at": "2026-11-09T08:14:51Z",
        },
    )
    fcommon.add(
        "fr-zf-alert-repo-vuln-create-openssl",
        "repository_vulnerability_alert (create): the openssl crate < 0.10.70 "
        "(CVE-2025-24898, use-after-free in ssl::select_next_proto) in Cargo.lock",
        ["security-alert", "security", "obvious"],
        "cipher",
        "vulnerable_dependency",
        "repository_vulnerability_alert",
        p,
        {},
    )

    p = gha.alert(
        "code_scanning_alert",
        "fr-zf-alert-codeql-reopened",
        REPO,
        {
            "action": "reopened",
            "alert.state": "open",
            "alert.dismissed_by": None,
            "alert.dismissed_at": None,
            "alert.dismissed_reason": None,
            "alert.rule": {
                "id": "rust/sql-injection",
                "severity": "error",
                "security_severity_level": "high",
                "description": "Database query built from user-controlled sources",
                "name": "rust/sql-injection",
                "tags": ["external/cwe/cwe-089", "security"],
            },
            "alert.tool": {"name": "CodeQL", "guid": None, "version": "2.21.4"},
            "alert.most_recent_instance.message": {
                "text": "This query depends on a user-provided value."
            },
            "alert.most_recent_instance.location": {
                "path": "src/store/runs.rs",
                "start_line": 88,
                "end_line": 88,
                "start_column": 22,
                "end_column": 61,
            },
        },
    )
    fcommon.add(
        "fr-zf-alert-codeql-reopened-rust-sql-injection",
        "code scanning alert reopened: CodeQL rust/sql-injection (high) in the run store, "
        "where a filter from the API query string is formatted into the SQL text; the "
        "earlier fix was reverted",
        ["security-alert", "security"],
        "cipher",
        "code_scanning_alert",
        "code_scanning_alert",
        p,
        {
            "changed_files": ["src/store/runs.rs"],
            "commit_message": 'Revert "fix(store): bind the run filter as a parameter"',
        },
    )


# ------------------------------------------------------------------ 8. plain, obvious


def _check_suite(job: gha.Job, message: str) -> dict[str, Any]:
    """``check_suite`` completed for the github-actions app (from ``completed-2.json``)."""
    p = copy.deepcopy(gha.fixture("check_suite/completed-2.json"))
    s = p["check_suite"]
    rows = job.rows()
    suite = h(job.key + ":suite", 30_000_000_000, 31_000_000_000)
    s.update(
        {
            "id": suite,
            "node_id": "CS_kwDO" + sha(job.key + ":cs")[:20],
            "head_branch": job.branch,
            "head_sha": job.sha,
            "status": "completed",
            "conclusion": "failure",
            "url": f"https://api.github.com/repos/{job.repo}/check-suites/{suite}",
            "before": sha(job.key + ":before"),
            "after": job.sha,
            "pull_requests": [],
            "created_at": rows[0]["started_at"],
            "updated_at": rows[-1]["completed_at"],
            "latest_check_runs_count": 3,
            "check_runs_url": f"https://api.github.com/repos/{job.repo}/check-suites/{suite}"
            "/check-runs",
        }
    )
    s["head_commit"] = {
        **s["head_commit"],
        "id": job.sha,
        "tree_id": sha(job.key + ":tree"),
        "message": message,
    }
    s["app"] = {
        **s["app"],
        "id": 15368,
        "slug": "github-actions",
        "node_id": "MDM6QXBwMTUzNjg=",
        "name": "GitHub Actions",
        "description": "Automate your workflow from idea to production",
        "external_url": "https://help.github.com/en/actions",
        "html_url": "https://github.com/apps/github-actions",
        "owner": {
            **s["app"]["owner"],
            "login": "github",
            "id": 9919,
            "html_url": "https://github.com/github",
        },
    }
    gha._repository(p, job.repo)
    return p


def plain() -> None:
    # 8a. rustfmt through an Actions check_run (rex)
    at(REPO)
    cid = "fr-zf-check-actions-rustfmt"
    out = _cargo(
        cid,
        {
            "src/main.rs": "mod labels;\nfn main() {}\n",
            "src/labels.rs": 'pub fn is_healer(l:&str)->bool{ l.starts_with("healer/") }\n',
        },
        ["fmt", "--check"],
    )
    assert out.code, out
    msg = "feat(labels): recognise healer/ labels"
    ci(
        cid,
        "a check_run from GitHub Actions for the fmt job: cargo fmt --check prints the diff of "
        "the new labels module",
        ["obvious", "check-run"],
        "rex",
        "rust_fmt",
        workflow="ci",
        job="fmt",
        event="check_run",
        check=("Process completed with exit code 1.", ""),
        steps=[*rust_setup(), failing(out, name="cargo fmt")],
        message=msg,
        files=["src/labels.rs", "src/main.rs"],
        pr=pr_of(cid, msg),
    )
    _fix_prs(_last()["event"]["payload"]["check_run"]["pull_requests"], REPO)

    # 8b. Prettier through a check_suite (blaze)
    at(WEB)
    cid = "fr-zf-check-suite-prettier"
    out = real.sh(
        cid,
        {
            "src/theme/tokens.ts": "export const spacing = {xs: 4, sm: 8,\n  md: 16 }\n",
            "src/theme/index.ts": 'export { spacing } from "./tokens";\n',
        },
        "prettier --check src",
        "npx prettier --check src",
        node_modules=True,
    )
    assert out.code, out
    msg = "feat(theme): spacing tokens"
    job = gha.Job(
        cid,
        WEB,
        "format",
        "prettier",
        fcommon.common.branch_for(msg),
        [*node_setup(), npm_ci_ok(), failing(out, name="Check formatting")],
    )
    fcommon.add(
        cid,
        "a check_suite completed with failure for the github-actions app; its failed job runs "
        "prettier --check, which flags the new spacing tokens file",
        ["obvious", "check-suite"],
        "blaze",
        "frontend_lint",
        "check_suite",
        _check_suite(job, msg),
        {
            "logs": {job.name: job.log()},
            "changed_files": ["src/theme/tokens.ts", "src/theme/index.ts"],
            "commit_message": msg,
        },
    )
