"""Batch 30 of the fresh split (ids ``fr-zd-``): security scanner jobs that fail, grouped by
why they fail, under varied job and workflow names.

- real findings (cipher): cargo audit on a ring downgrade (RUSTSEC-2025-0009) and on an
  unmaintained crate under ``--deny warnings``, Trivy on libexpat in a base image and on a
  private key copied into an image, npm audit on cross-spawn, osv-scanner on idna, gitleaks on
  an AWS key in a committed ``.env``, trufflehog ``--only-verified`` on a GitHub token, the
  matching Dependabot / code-scanning / secret-scanning alert bodies, and two sensor bodies
  whose context settles them (a scheduled RustSec run on an unchanged main, a secret scan of a
  commit that adds a ``.env``);
- the scanner's own infrastructure (atlas, general): the advisory-db clone answering 502,
  Trivy's DB download failing on both mirrors with 503 / connection reset, the OSV API timing
  out, gitleaks on a ``fetch-depth: 1`` checkout (git's real ``ambiguous argument``);
- platform and invocation (atlas): SARIF upload without ``security-events: write``
  (permissions), a merged SARIF with more runs than allowed (general), a scanner action pinned
  to a tag its repository does not have (general);
- the code under scan does not build: a Rust compile error in the build step of a CodeQL job
  (rex, rust_build), a TypeScript error in the build step of the JavaScript CodeQL job (blaze,
  frontend_typecheck), ``cargo deny check`` on a Cargo.lock left stale by a workspace version
  bump (rex, rust_deps);
- scanner configuration and policy: a ``deny.toml`` edited with a misspelt key (rex,
  rust_deps), cargo-deny's ``licenses`` rejecting a new MPL-2.0 dependency (rex, rust_deps),
  a ``trivy.yaml`` for chart misconfiguration scanning with a YAML syntax error (bolt,
  yaml_config).
"""

from __future__ import annotations

from typing import Any

import fcommon
import real
from fcommon import at, ci, failing, node_setup, npm_ci_ok, pr_of, rust_setup, sha
from gha import alert, run, uses

REPO = "5dlabs/healer"
WEB = "5dlabs/console"
PLAT = "5dlabs/platform"
GATE = "5dlabs/edge-gateway"

GITLEAKS_BANNER = [
    "",
    "    \u25cb",
    "    \u2502\u2572",
    "    \u2502 \u25cb",
    "    \u25cb \u2591",
    "    \u2591    gitleaks",
    "",
]


def build() -> None:
    findings()
    alerts()
    scanner_infra()
    platform()
    does_not_build()
    config_and_policy()


def _ts(cid: str, n: int) -> str:
    """A scanner's own RFC 3339 timestamp, derived from the case id."""
    from gha import start_of

    t = start_of(cid)
    return f"{t.strftime('%Y-%m-%dT%H:%M')}:{(t.second + n) % 60:02d}Z"


def _clock(cid: str) -> str:
    """zerolog's console time (gitleaks), derived from the case id."""
    from gha import start_of

    return start_of(cid).strftime("%-I:%M%p")


def _box(
    header: list[str], rows: list[list[str]], rounded: bool = False, center: bool = False
) -> list[str]:
    """A box-drawn table as Trivy and osv-scanner print them; a cell may hold several lines."""
    cols = len(header)
    width = [
        max(len(x) for r in [header, *rows] for x in r[i].split("\n")) + 2 for i in range(cols)
    ]
    tl, tr, bl, br = (
        ("\u256d", "\u256e", "\u2570", "\u256f")
        if rounded
        else ("\u250c", "\u2510", "\u2514", "\u2518")
    )

    def rule(left: str, mid: str, right: str) -> str:
        return left + mid.join("\u2500" * w for w in width) + right

    def line(cells: list[str], mid: bool = False) -> list[str]:
        parts = [c.split("\n") for c in cells]
        depth = max(len(p) for p in parts)
        out = []
        for k in range(depth):
            text = [(p[k] if k < len(p) else "") for p in parts]
            out.append(
                "\u2502"
                + "\u2502".join(
                    (f"{t:^{w}}" if mid else f" {t:<{w - 2}} ")
                    for t, w in zip(text, width, strict=True)
                )
                + "\u2502"
            )
        return out

    out = [rule(tl, "\u252c", tr), *line(header, center), rule("\u251c", "\u253c", "\u2524")]
    for i, r in enumerate(rows):
        if i:
            out.append(rule("\u251c", "\u253c", "\u2524"))
        out += line(r)
    out.append(rule(bl, "\u2534", br))
    return out


# ------------------------------------------------------------------ 1. findings (cipher)


def _cargo_audit_head(count: int, crates: int) -> list[str]:
    return [
        "    Fetching advisory database from `https://github.com/RustSec/advisory-db.git`",
        f"      Loaded {count} security advisories (from /home/runner/.cargo/advisory-db)",
        "    Updating crates.io index",
        f"    Scanning Cargo.lock for vulnerabilities ({crates} crate dependencies)",
    ]


def _trivy_head(cid: str, target: str) -> list[str]:
    return [
        f"Running Trivy with options: trivy image {target}",
        f"{_ts(cid, 0)}\tINFO\t[vulndb] Need to update DB",
        f"{_ts(cid, 0)}\tINFO\t[vulndb] Downloading vulnerability DB...",
        f'{_ts(cid, 0)}\tINFO\t[vulndb] Downloading artifact...\trepo="mirror.gcr.io/aquasec/trivy-db:2"',
    ]


def findings() -> None:
    # 1a. cargo audit: a ring downgrade pinned to work around a build problem
    at(REPO)
    cid = "fr-zd-cargo-audit-ring-downgrade-rustsec"
    ci(
        cid,
        "the advisories job runs cargo audit after a change pinned ring back to 0.17.8 in "
        "Cargo.lock: RUSTSEC-2025-0009 (some AES functions may panic when overflow checking "
        "is enabled), fixed in >=0.17.12",
        ["security", "obvious"],
        "cipher",
        "vulnerable_dependency",
        workflow="supply-chain",
        job="advisories",
        steps=[
            *rust_setup(),
            run(
                "cargo install cargo-audit --locked --version 0.21.2",
                [
                    "     Ignored package `cargo-audit v0.21.2` is already installed, use --force "
                    "to override"
                ],
                name="Install cargo-audit",
            ),
            run(
                "cargo audit",
                [
                    *_cargo_audit_head(912, 318),
                    "Crate:     ring",
                    "Version:   0.17.8",
                    "Title:     Some AES functions may panic when overflow checking is enabled.",
                    "Date:      2025-03-06",
                    "ID:        RUSTSEC-2025-0009",
                    "URL:       https://rustsec.org/advisories/RUSTSEC-2025-0009",
                    "Solution:  Upgrade to >=0.17.12",
                    "Dependency tree:",
                    "ring 0.17.8",
                    "\u251c\u2500\u2500 rustls-webpki 0.102.8",
                    "\u2502   \u2514\u2500\u2500 rustls 0.23.15",
                    "\u2502       \u251c\u2500\u2500 tokio-rustls 0.26.0",
                    "\u2502       \u2502   \u2514\u2500\u2500 hyper-rustls 0.27.3",
                    "\u2502       \u2502       \u2514\u2500\u2500 reqwest 0.12.8",
                    "\u2502       \u2502           \u2514\u2500\u2500 healer 0.27.3",
                    "\u2502       \u2514\u2500\u2500 reqwest 0.12.8",
                    "\u2514\u2500\u2500 rustls 0.23.15",
                    "",
                    "error: 1 vulnerability found!",
                ],
                1,
                name="cargo audit",
            ),
        ],
        message="build: pin ring 0.17.8 (0.17.9 fails on the musl cross image)",
        files=["Cargo.lock"],
        pr=pr_of(
            cid,
            "build: pin ring 0.17.8",
            "0.17.9 fails to build on the musl cross image; pinning until the image is rebuilt.",
        ),
    )

    # 1b. cargo audit --deny warnings: an unmaintained crate pulled in by a new dependency
    cid = "fr-zd-cargo-audit-deny-warnings-unmaintained-instant"
    ci(
        cid,
        "the nightly-rustsec job runs cargo audit --deny warnings: a new backoff dependency "
        "pulls in instant, flagged unmaintained (RUSTSEC-2024-0384), which --deny warnings "
        "turns into a failure",
        ["security", "multi-signal"],
        "cipher",
        "vulnerable_dependency",
        workflow="rustsec",
        job="nightly-rustsec",
        steps=[
            *rust_setup(),
            run(
                "cargo audit --deny warnings",
                [
                    *_cargo_audit_head(912, 324),
                    "Crate:     instant",
                    "Version:   0.1.13",
                    "Warning:   unmaintained",
                    "Title:     `instant` is unmaintained",
                    "Date:      2024-09-01",
                    "ID:        RUSTSEC-2024-0384",
                    "URL:       https://rustsec.org/advisories/RUSTSEC-2024-0384",
                    "Dependency tree:",
                    "instant 0.1.13",
                    "\u2514\u2500\u2500 backoff 0.4.0",
                    "    \u2514\u2500\u2500 healer 0.27.3",
                    "",
                    "error: 1 denied warning found!",
                ],
                1,
                name="Audit (deny warnings)",
            ),
        ],
        message="feat(github): retry GitHub API calls with exponential backoff",
        files=["Cargo.toml", "Cargo.lock", "src/github/client.rs"],
    )

    # 1c. trivy image: libexpat in the runtime base image
    at(PLAT)
    cid = "fr-zd-trivy-image-libexpat-critical"
    image = "ghcr.io/5dlabs/notifier:sha-" + sha(cid)[:7]
    head = _trivy_head(cid, image)
    ci(
        cid,
        "the image-scan job's Trivy scan of the freshly built notifier image finds "
        "CVE-2024-45491 (CRITICAL) in libexpat1 2.5.0-1 from the debian 12.6 base image, which "
        "the change did not touch; the build passed",
        ["security", "misleading-name"],
        "cipher",
        "vulnerable_dependency",
        workflow="release-images",
        job="image-scan",
        repo=PLAT,
        steps=[
            run(
                f"docker build -t {image} services/notifier",
                [
                    '#0 building with "default" instance using docker driver',
                    "#14 exporting to image",
                    f"#14 naming to {image} done",
                    "#14 DONE 0.6s",
                ],
                name="Build image",
            ),
            uses(
                "aquasecurity/trivy-action@0.28.0",
                {
                    "image-ref": image,
                    "exit-code": "1",
                    "severity": "HIGH,CRITICAL",
                    "ignore-unfixed": "true",
                },
                [
                    *head,
                    f"{_ts(cid, 2)}\tINFO\t[vulndb] Artifact successfully downloaded\t"
                    'repo="mirror.gcr.io/aquasec/trivy-db:2"',
                    f"{_ts(cid, 2)}\tINFO\t[vuln] Vulnerability scanning is enabled",
                    f"{_ts(cid, 2)}\tINFO\t[secret] Secret scanning is enabled",
                    f"{_ts(cid, 2)}\tINFO\t[secret] If your scanning is slow, please try "
                    "'--scanners vuln' to disable secret scanning",
                    f'{_ts(cid, 5)}\tINFO\tDetected OS\tfamily="debian" version="12.6"',
                    f"{_ts(cid, 5)}\tINFO\t[debian] Detecting vulnerabilities...\t"
                    'os_version="12" pkg_num=92',
                    f"{_ts(cid, 5)}\tINFO\tNumber of language-specific files\tnum=0",
                    "",
                    f"{image} (debian 12.6)",
                    "=" * (len(image) + 15),
                    "Total: 1 (HIGH: 0, CRITICAL: 1)",
                    "",
                    *_box(
                        [
                            "Library",
                            "Vulnerability",
                            "Severity",
                            "Status",
                            "Installed Version",
                            "Fixed Version",
                            "Title",
                        ],
                        [
                            [
                                "libexpat1",
                                "CVE-2024-45491",
                                "CRITICAL",
                                "fixed",
                                "2.5.0-1",
                                "2.5.0-1+deb12u1",
                                "libexpat: Integer Overflow or Wraparound\n"
                                "https://avd.aquasec.com/nvd/cve-2024-45491",
                            ]
                        ],
                        center=True,
                    ),
                ],
                name="Trivy scan",
                error=["##[error]Process completed with exit code 1."],
            ),
        ],
        message="feat(notifier): send digest e-mails on a schedule",
        files=["services/notifier/src/digest.rs", "services/notifier/Cargo.toml"],
    )

    # 1d. trivy image: a private key copied into the image (secret scanner)
    cid = "fr-zd-trivy-image-secret-private-key-copied"
    image = "ghcr.io/5dlabs/edge-gateway:pr-" + str(pr_of(cid, "x")["number"])
    rule = "\u2550" * 40
    thin = "\u2500" * 40
    ci(
        cid,
        "the container-vulns job's Trivy scan finds no CVE but its secret scanner finds an "
        "RSA private key at /app/config/dev-tls.key: the change's COPY config/ picked up a "
        "development TLS key committed alongside the gateway config",
        ["security", "misleading-name", "look-alike"],
        "cipher",
        "secret_scanning_alert",
        workflow="gateway-ci",
        job="container-vulns",
        repo=GATE,
        steps=[
            uses(
                "aquasecurity/trivy-action@0.28.0",
                {"image-ref": image, "exit-code": "1", "scanners": "vuln,secret"},
                [
                    *_trivy_head(cid, image),
                    f"{_ts(cid, 1)}\tINFO\t[vulndb] Artifact successfully downloaded\t"
                    'repo="mirror.gcr.io/aquasec/trivy-db:2"',
                    f"{_ts(cid, 1)}\tINFO\t[vuln] Vulnerability scanning is enabled",
                    f"{_ts(cid, 1)}\tINFO\t[secret] Secret scanning is enabled",
                    f'{_ts(cid, 4)}\tINFO\tDetected OS\tfamily="alpine" version="3.20.3"',
                    f"{_ts(cid, 4)}\tINFO\t[alpine] Detecting vulnerabilities...\t"
                    'os_version="3.20" repository="3.20" pkg_num=17',
                    f"{_ts(cid, 4)}\tINFO\tNumber of language-specific files\tnum=0",
                    "",
                    f"{image} (alpine 3.20.3)",
                    "=" * (len(image) + 16),
                    "Total: 0 (UNKNOWN: 0, LOW: 0, MEDIUM: 0, HIGH: 0, CRITICAL: 0)",
                    "",
                    "",
                    "/app/config/dev-tls.key (secrets)",
                    "=================================",
                    "Total: 1 (UNKNOWN: 0, LOW: 0, MEDIUM: 0, HIGH: 1, CRITICAL: 0)",
                    "",
                    "HIGH: AsymmetricPrivateKey (private-key)",
                    rule,
                    "Asymmetric Private Key",
                    thin,
                    " /app/config/dev-tls.key:1",
                    thin,
                    "   1 [ -----BEGIN RSA PRIVATE KEY-----*****-----END RSA PRIVATE KEY",
                    "   2   ",
                    thin,
                    "",
                    "",
                ],
                name="Scan image",
                error=["##[error]Process completed with exit code 1."],
            ),
        ],
        message="feat(gateway): serve TLS locally with the dev certificate",
        files=["Dockerfile", "config/dev-tls.crt", "config/dev-tls.key", "config/gateway.yaml"],
        pr=pr_of(cid, "feat(gateway): serve TLS locally with the dev certificate"),
    )

    # 1e. npm audit: cross-spawn ReDoS
    at(WEB)
    cid = "fr-zd-npm-audit-cross-spawn-high"
    ci(
        cid,
        "npm audit --audit-level=high in the deps-gate job reports cross-spawn 7.0.3 "
        "(GHSA-3xgq-45jj-v275, ReDoS, high), brought back by a lockfile regeneration",
        ["security", "obvious"],
        "cipher",
        "vulnerable_dependency",
        workflow="web",
        job="deps-gate",
        repo=WEB,
        steps=[
            *node_setup(),
            npm_ci_ok(),
            run(
                "npm audit --audit-level=high --omit=dev",
                [
                    "# npm audit report",
                    "",
                    "cross-spawn  7.0.0 - 7.0.4",
                    "Severity: high",
                    "Regular Expression Denial of Service (ReDoS) in cross-spawn - "
                    "https://github.com/advisories/GHSA-3xgq-45jj-v275",
                    "fix available via `npm audit fix`",
                    "node_modules/cross-spawn",
                    "",
                    "1 high severity vulnerability",
                    "",
                    "To address all issues, run:",
                    "  npm audit fix",
                ],
                1,
                name="npm audit",
            ),
        ],
        message="chore: regenerate package-lock.json",
        files=["package-lock.json"],
    )

    # 1f. osv-scanner: idna in Cargo.lock
    at(REPO)
    cid = "fr-zd-osv-scanner-idna-punycode"
    ci(
        cid,
        "osv-scanner in the osv job reports idna 0.5.0 in Cargo.lock (RUSTSEC-2024-0421 / "
        "GHSA-h97m-ww89-6jmq, punycode labels that decode to ASCII), reintroduced through url "
        "2.5.2 pinned by the change",
        ["security"],
        "cipher",
        "vulnerable_dependency",
        workflow="scorecards-and-osv",
        job="osv",
        steps=[
            run(
                "osv-scanner --lockfile=Cargo.lock",
                [
                    "Scanning dir ./",
                    "Scanned /home/runner/work/healer/healer/Cargo.lock file and found 318 "
                    "packages",
                    *_box(
                        ["OSV URL", "CVSS", "ECOSYSTEM", "PACKAGE", "VERSION", "SOURCE"],
                        [
                            [
                                "https://osv.dev/GHSA-h97m-ww89-6jmq\n"
                                "https://osv.dev/RUSTSEC-2024-0421",
                                "5.3",
                                "crates.io",
                                "idna",
                                "0.5.0",
                                "Cargo.lock",
                            ]
                        ],
                        rounded=True,
                    ),
                ],
                1,
                name="Run osv-scanner",
            ),
        ],
        message="fix(links): pin url 2.5.2 to keep the old trailing-slash behaviour",
        files=["Cargo.toml", "Cargo.lock", "src/links.rs"],
    )

    # 1g. gitleaks: a real AWS key in a committed .env
    cid = "fr-zd-gitleaks-aws-key-committed-env"
    commit = sha(cid + ":c")
    clock = _clock(cid)
    ci(
        cid,
        "gitleaks in the pre-merge job finds an AWS access key (aws-access-token) in "
        "services/billing/.env added by the change",
        ["security", "obvious"],
        "cipher",
        "secret_scanning_alert",
        workflow="pre-merge",
        job="secrets",
        steps=[
            uses(
                "gitleaks/gitleaks-action@v2",
                None,
                [
                    "gitleaks version: 8.24.2",
                    "Version to install: 8.24.2 (target directory: /tmp/gitleaks-8.24.2)",
                    "Cache restored from key: gitleaks-cache-8.24.2-linux-x64",
                    "event type: pull_request",
                    "[command]/tmp/gitleaks-8.24.2/gitleaks detect --redact -v --exit-code=2 "
                    "--report-format=sarif --report-path=results.sarif --log-level=debug "
                    f"--log-opts=--no-merges --first-parent {sha(cid + ':base')}^..{commit}",
                    *GITLEAKS_BANNER,
                    "Finding:     AWS_ACCESS_KEY_ID=REDACTED",
                    "Secret:      REDACTED",
                    "RuleID:      aws-access-token",
                    "Entropy:     3.684184",
                    "File:        services/billing/.env",
                    "Line:        4",
                    f"Commit:      {commit}",
                    "Author:      Priya Raman",
                    "Email:       priya@5dlabs.ai",
                    "Date:        2026-11-20T14:02:11Z",
                    f"Fingerprint: {commit}:services/billing/.env:aws-access-token:4",
                    "",
                    f"{clock} INF 1 commits scanned.",
                    f"{clock} INF scan completed in 61.4ms",
                    f"{clock} WRN leaks found: 1",
                    "Artifact name is valid!",
                    "Root directory input is valid!",
                    "Beginning upload of artifact content to blob storage",
                    "Uploaded bytes 2264",
                    "Finished uploading artifact content to blob storage!",
                ],
                name="gitleaks",
                error=["##[error]\U0001f6d1 Leaks detected, see job summary for details"],
            ),
        ],
        message="feat(billing): local compose setup for the invoice worker",
        files=[
            "services/billing/.env",
            "services/billing/docker-compose.yml",
            "services/billing/README.md",
        ],
        pr=pr_of(cid, "feat(billing): local compose setup for the invoice worker"),
    )

    # 1h. trufflehog --only-verified: a live GitHub token in a release script
    at(PLAT)
    cid = "fr-zd-trufflehog-verified-github-token-release-script"
    commit = sha(cid + ":c")
    ci(
        cid,
        "trufflehog --only-verified in the leak-check job finds a verified GitHub personal "
        "access token hard-coded in scripts/release/publish-charts.sh",
        ["security"],
        "cipher",
        "secret_scanning_alert",
        workflow="charts",
        job="leak-check",
        repo=PLAT,
        steps=[
            run(
                "trufflehog git file://. --since-commit main --branch HEAD --only-verified "
                "--fail --no-update",
                [
                    "\U0001f437\U0001f511\U0001f437  TruffleHog. Unearth your secrets. "
                    "\U0001f437\U0001f511\U0001f437",
                    "",
                    f"{_ts(cid, 0)}\tinfo-0\ttrufflehog\trunning source\t"
                    '{"source_manager_worker_id": "Q8k2a", "with_units": true}',
                    f"{_ts(cid, 0)}\tinfo-0\ttrufflehog\tscanning repo\t"
                    '{"source_manager_worker_id": "Q8k2a", "unit_kind": "dir", "unit": '
                    '"/home/runner/work/platform/platform", "repo": '
                    '"https://github.com/5dlabs/platform.git"}',
                    "\u2705 Found verified result \U0001f437\U0001f511",
                    "Detector Type: Github",
                    "Decoder Type: PLAIN",
                    f"Raw result: {fcommon.common.FAKE_GHP}",
                    "Rotation_guide: https://howtorotate.com/docs/tutorials/github/",
                    "Scopes: repo, write:packages",
                    "Username: 5dlabs-release-bot",
                    "Url: https://github.com/5dlabs-release-bot",
                    "Version: 1",
                    f"Commit: {commit}",
                    "Email: ops@5dlabs.ai",
                    "File: scripts/release/publish-charts.sh",
                    "Line: 12",
                    "Repository: https://github.com/5dlabs/platform.git",
                    "Timestamp: 2026-11-21 09:14:27 +0000",
                    "",
                    f"{_ts(cid, 3)}\tinfo-0\ttrufflehog\tfinished scanning\t"
                    '{"chunks": 214, "bytes": 918274, "verified_secrets": 1, '
                    '"unverified_secrets": 0, "scan_duration": "2.31s", '
                    '"trufflehog_version": "3.88.0"}',
                ],
                183,
                name="TruffleHog",
            ),
        ],
        message="ci(charts): publish charts from a script",
        files=["scripts/release/publish-charts.sh", ".github/workflows/charts.yml"],
    )

    # 1i. sensor only: a scheduled RustSec run on main with no dependency change
    at(REPO)
    ci(
        "fr-zd-sensor-scheduled-rustsec-unchanged-main",
        "the Argo Events sensor reports the scheduled rustsec-daily workflow (cargo audit) "
        "failed on main, whose last commit only edits the README: a new advisory against the "
        "existing lockfile",
        ["security", "no-log", "context-driven"],
        "cipher",
        "vulnerable_dependency",
        workflow="rustsec-daily",
        job="audit",
        event="sensor",
        steps=[],
        logs=False,
        message="docs: clarify the routing table in the README",
        files=["README.md"],
        branch="main",
    )

    # 1j. sensor only: a secret scan of a commit that adds a .env file
    at(WEB)
    ci(
        "fr-zd-sensor-secret-scan-env-file-added",
        "the Argo Events sensor reports the secret-scan workflow failed on a push whose only "
        "change adds .env.production with the Stripe and Sentry keys for the console",
        ["security", "no-log", "context-driven"],
        "cipher",
        "secret_scanning_alert",
        workflow="secret-scan",
        job="scan",
        repo=WEB,
        event="sensor",
        steps=[],
        logs=False,
        message="chore: add production env for the console deploy",
        files=[".env.production"],
    )


# ------------------------------------------------------------------ 2. alert bodies (cipher)


def alerts() -> None:
    p = alert(
        "dependabot_alert",
        "fr-zd-dependabot-ring",
        REPO,
        {
            "alert.dependency": {
                "package": {"ecosystem": "rust", "name": "ring"},
                "manifest_path": "Cargo.lock",
                "scope": "runtime",
            },
            "alert.security_advisory.ghsa_id": "GHSA-4p46-pwfr-66x6",
            "alert.security_advisory.cve_id": None,
            "alert.security_advisory.summary": "Some AES functions may panic when overflow "
            "checking is enabled in ring",
            "alert.security_advisory.severity": "medium",
            "alert.security_advisory.vulnerabilities": [
                {
                    "package": {"ecosystem": "rust", "name": "ring"},
                    "severity": "medium",
                    "vulnerable_version_range": "< 0.17.12",
                    "first_patched_version": {"identifier": "0.17.12"},
                }
            ],
            "alert.security_vulnerability": {
                "package": {"ecosystem": "rust", "name": "ring"},
                "severity": "medium",
                "vulnerable_version_range": "< 0.17.12",
                "first_patched_version": {"identifier": "0.17.12"},
            },
        },
    )
    fcommon.add(
        "fr-zd-alert-dependabot-ring-aes-panic",
        "Dependabot alert: ring < 0.17.12 in Cargo.lock (GHSA-4p46-pwfr-66x6, AES functions "
        "may panic with overflow checks)",
        ["security-alert", "security", "obvious"],
        "cipher",
        "dependabot_alert",
        "dependabot_alert",
        p,
        {},
    )

    p = alert(
        "code_scanning_alert",
        "fr-zd-codeql-ssrf",
        WEB,
        {
            "alert.rule": {
                "id": "js/request-forgery",
                "severity": "error",
                "security_severity_level": "critical",
                "description": "Server-side request forgery",
                "name": "js/request-forgery",
                "tags": ["external/cwe/cwe-918", "security"],
            },
            "alert.tool": {"name": "CodeQL", "guid": None, "version": "2.19.3"},
            "alert.most_recent_instance.message": {
                "text": "The URL of this request depends on a user-provided value."
            },
            "alert.most_recent_instance.location": {
                "path": "src/server/proxy/avatar.ts",
                "start_line": 18,
                "end_line": 18,
                "start_column": 26,
                "end_column": 47,
            },
        },
    )
    fcommon.add(
        "fr-zd-alert-codeql-request-forgery-avatar-proxy",
        "code scanning alert from CodeQL: js/request-forgery (critical) in the console's avatar "
        "proxy, which fetches a URL taken from the query string",
        ["security-alert", "security"],
        "cipher",
        "code_scanning_alert",
        "code_scanning_alert",
        p,
        {"changed_files": ["src/server/proxy/avatar.ts"]},
    )

    p = alert(
        "secret_scanning_alert",
        "fr-zd-aws-secret",
        REPO,
        {
            "alert.secret_type": "aws_access_key_id",
            "alert.secret_type_display_name": "Amazon AWS Access Key ID",
        },
    )
    fcommon.add(
        "fr-zd-alert-secret-scanning-aws-key-billing-env",
        "secret scanning alert: an Amazon AWS access key ID in a committed .env of the billing "
        "service",
        ["security-alert", "security"],
        "cipher",
        "secret_scanning_alert",
        "secret_scanning_alert",
        p,
        {"changed_files": ["services/billing/.env"]},
    )


# ------------------------------------------------------------------ 3. scanner infra (atlas)


def scanner_infra() -> None:
    # 3a. cargo audit: the advisory-db clone answers 502
    at(REPO)
    ci(
        "fr-zd-cargo-audit-advisory-db-fetch-502",
        "cargo audit in the security-audit job never scans: cloning the RustSec advisory "
        "database from GitHub fails with HTTP 502; the change only touches a handler",
        ["flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="security",
        job="security-audit",
        steps=[
            *rust_setup(),
            run(
                "cargo audit --json > audit.json || (cat audit.json; exit 1)",
                [
                    "    Fetching advisory database from "
                    "`https://github.com/RustSec/advisory-db.git`",
                    "error: couldn't fetch advisory database: git operation failed: An IO error "
                    "occurred when talking to the server: Received HTTP status 502",
                ],
                1,
                name="cargo audit",
            ),
        ],
        message="fix(webhook): return 202 for ignored events",
        files=["src/webhook/handler.rs"],
    )

    # 3b. trivy: both DB mirrors fail (503, connection reset); the chart change is unrelated
    at(PLAT)
    cid = "fr-zd-trivy-db-download-503-connection-reset"
    ref = "ghcr.io/5dlabs/healer:sha-" + sha(cid)[:7]
    ci(
        cid,
        "the vuln-gate job's Trivy run fails before scanning: the vulnerability DB download "
        "gets 503 from mirror.gcr.io and a connection reset from ghcr.io; no finding",
        ["flaky-infra", "misleading-name"],
        "atlas",
        "general",
        workflow="deploy-staging",
        job="vuln-gate",
        repo=PLAT,
        steps=[
            uses(
                "aquasecurity/trivy-action@0.28.0",
                {"image-ref": ref, "exit-code": "1", "severity": "CRITICAL"},
                [
                    *_trivy_head(cid, ref),
                    f"{_ts(cid, 1)}\tERROR\t[vulndb] Failed to download artifact\t"
                    'repo="mirror.gcr.io/aquasec/trivy-db:2" err="OCI repository error: '
                    "GET https://mirror.gcr.io/v2/aquasec/trivy-db/manifests/2: unexpected "
                    "status code 503 Service Unavailable (HEAD responses have no body, use GET "
                    'for details)"',
                    f"{_ts(cid, 1)}\tINFO\t[vulndb] Downloading artifact...\t"
                    'repo="ghcr.io/aquasecurity/trivy-db:2"',
                    f"{_ts(cid, 32)}\tERROR\t[vulndb] Failed to download artifact\t"
                    'repo="ghcr.io/aquasecurity/trivy-db:2" err="OCI artifact error: failed to '
                    "download vulnerability DB: failed to fetch the layer: Get "
                    '\\"https://pkg-containers.githubusercontent.com/ghcr1/blobs/sha256:'
                    + sha(cid + ":blob")[:40]
                    + '\\": read tcp 10.1.0.42:43118->140.82.113.33:443: read: connection '
                    'reset by peer"',
                    f"{_ts(cid, 32)}\tFATAL\tFatal error\trun error: init error: DB error: "
                    "failed to download vulnerability DB: failed to download artifact from any "
                    "source",
                ],
                name="Trivy (image)",
                error=["##[error]Process completed with exit code 1."],
            ),
        ],
        message="chore(healer): bump chart to 0.27.3",
        files=["charts/healer/Chart.yaml", "charts/healer/values.yaml"],
    )

    # 3c. osv-scanner: the OSV API times out
    at(WEB)
    ci(
        "fr-zd-osv-scanner-api-timeout",
        "osv-scanner in the lockfile-scan job scans package-lock.json but its query to "
        "api.osv.dev times out (Client.Timeout exceeded); exit 127, no result",
        ["flaky-infra"],
        "atlas",
        "general",
        workflow="supply-chain",
        job="lockfile-scan",
        repo=WEB,
        steps=[
            run(
                "osv-scanner scan --lockfile=package-lock.json --format table",
                [
                    "Scanning dir ./",
                    "Scanned /home/runner/work/console/console/package-lock.json file and "
                    "found 1127 packages",
                    'api query failed: Post "https://api.osv.dev/v1/querybatch": '
                    "context deadline exceeded (Client.Timeout exceeded while awaiting headers)",
                ],
                127,
                name="osv-scanner",
            ),
        ],
        message="feat(runs): filter the run list by repository",
        files=["src/routes/runs/+page.svelte", "src/lib/filters.ts", "package-lock.json"],
    )

    # 3d. gitleaks on a fetch-depth 1 checkout: the PR base commit is not there (real git)
    at(REPO)
    cid = "fr-zd-gitleaks-shallow-checkout-ambiguous-range"
    root = real.scratch(cid)
    origin = root / "origin"
    real.new_repo(origin, {"src/lib.rs": "pub fn a() {}\n"})
    base_lines, _ = real.git(origin, "rev-parse", "HEAD")
    base = base_lines[0]
    real.commit_all(origin, {"src/lib.rs": "pub fn a() {}\npub fn b() {}\n"}, "feat: b")
    real.git(root, "clone", "-q", "--depth=1", f"file://{origin}", "shallow")
    head_lines, _ = real.git(root / "shallow", "rev-parse", "HEAD")
    head = head_lines[0]
    lines, code = real.git(
        root / "shallow", "log", "-p", "-U0", "--no-merges", "--first-parent", f"{base}^..{head}"
    )
    assert code != 0 and any("ambiguous argument" in ln for ln in lines), lines
    clock = _clock(cid)
    cmd = f"/usr/bin/git -C . log -p -U0 --no-merges --first-parent {base}^..{head}"
    ci(
        cid,
        "gitleaks-action in the secret-scan job asks git for the PR's commit range, but the "
        "checkout has fetch-depth: 1, so the base commit is missing (git: ambiguous argument, "
        "unknown revision); gitleaks exits 1 without scanning; no finding",
        ["platform", "look-alike"],
        "atlas",
        "general",
        workflow="security",
        job="secret-scan",
        steps=[
            uses(
                "gitleaks/gitleaks-action@v2",
                None,
                [
                    "gitleaks version: 8.24.2",
                    "Cache restored from key: gitleaks-cache-8.24.2-linux-x64",
                    "event type: pull_request",
                    "[command]/tmp/gitleaks-8.24.2/gitleaks detect --redact -v --exit-code=2 "
                    "--report-format=sarif --report-path=results.sarif --log-level=debug "
                    f"--log-opts=--no-merges --first-parent {base}^..{head}",
                    *GITLEAKS_BANNER,
                    f"{clock} DBG executing: {cmd}",
                    *[f"{clock} ERR [git] {ln}" for ln in lines if ln.strip()],
                    f"{clock} INF 0 commits scanned.",
                    f'{clock} ERR failed to scan Git repository error="stderr is not empty"',
                ],
                name="Run gitleaks",
                error=["##[error]ERROR: Unexpected exit code [1]"],
            ),
        ],
        message="feat(triage): keep the last 50 decisions in memory",
        files=["src/triage/history.rs"],
        pr=pr_of(cid, "feat(triage): keep the last 50 decisions in memory"),
    )


# ------------------------------------------------------------------ 4. platform (atlas)


def platform() -> None:
    # 4a. SARIF upload refused: the hardening change dropped security-events: write
    at(GATE)
    cid = "fr-zd-sarif-upload-missing-security-events-write"
    ci(
        cid,
        "the semgrep job produces its SARIF, but upload-sarif is refused (Resource not "
        "accessible by integration): the change set top-level permissions to contents: read "
        "and the job has no security-events: write",
        ["platform", "misleading-name"],
        "atlas",
        "permissions",
        workflow="sast",
        job="semgrep",
        repo=GATE,
        steps=[
            run(
                "semgrep scan --config p/default --sarif --output semgrep.sarif",
                [
                    "",
                    "\u250c\u2500\u2500\u2500\u2500 \u25cb\u25cb\u25cb \u2500\u2500\u2500\u2500"
                    "\u2510",
                    "\u2502 Semgrep CLI \u2502",
                    "\u2514\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500"
                    "\u2500\u2500\u2518",
                    "",
                    "Scanning 212 files (only git-tracked) with 1062 Code rules:",
                    "",
                    "\u250c\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500"
                    "\u2500\u2500\u2500\u2510",
                    "\u2502 Scan Summary \u2502",
                    "\u2514\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500"
                    "\u2500\u2500\u2500\u2518",
                    "Ran 1062 rules on 212 files: 0 findings.",
                ],
                name="semgrep",
            ),
            uses(
                "github/codeql-action/upload-sarif@v3",
                {"sarif_file": "semgrep.sarif", "category": "semgrep"},
                [
                    "Uploading results",
                    '  Processing sarif files: ["semgrep.sarif"]',
                    "  Validating semgrep.sarif",
                    "  Combining SARIF files using the CodeQL CLI",
                    "##[warning]This run of the CodeQL Action does not have permission to access "
                    "Code Scanning API endpoints. As a result, it will not be opted into any "
                    "experimental features. This could be because the Action is running on a "
                    "pull request from a fork. If not, please ensure the Action has the "
                    "'security-events: write' permission. Details: Resource not accessible by "
                    "integration",
                ],
                name="Upload SARIF",
                error=[
                    "##[error]Resource not accessible by integration - "
                    "https://docs.github.com/rest/code-scanning/code-scanning"
                    "#upload-an-analysis-as-sarif-data"
                ],
            ),
        ],
        message="ci: least-privilege permissions for every workflow",
        files=[
            ".github/workflows/sast.yml",
            ".github/workflows/ci.yml",
            ".github/workflows/release.yml",
        ],
        pr=pr_of(cid, "ci: least-privilege permissions for every workflow"),
    )

    # 4b. a merged SARIF with more runs than Code Scanning accepts in one upload
    at(PLAT)
    ci(
        "fr-zd-sarif-too-many-runs-merged-upload",
        "the publish-sarif job merges the per-chart kube-linter, checkov and trivy SARIF files "
        "into one and uploads it; Code Scanning rejects it for having more runs than allowed "
        "(23 > 20) after the change added three charts; no finding involved",
        ["platform", "misleading-name"],
        "atlas",
        "general",
        workflow="policy-scan",
        job="publish-sarif",
        repo=PLAT,
        steps=[
            run(
                "jq -s '{version: \"2.1.0\", runs: map(.runs) | add}' sarif/*.sarif > merged.sarif",
                [],
                name="Merge SARIF",
            ),
            uses(
                "github/codeql-action/upload-sarif@v3",
                {"sarif_file": "merged.sarif", "category": "policy"},
                [
                    "Uploading results",
                    '  Processing sarif files: ["merged.sarif"]',
                    "  Validating merged.sarif",
                    "  Adding fingerprints to SARIF file. See https://docs.github.com/en/"
                    "enterprise-cloud@latest/code-security/code-scanning/"
                    "integrating-with-code-scanning/sarif-support-for-code-scanning"
                    "#providing-data-to-track-code-scanning-alerts-across-runs for more "
                    "information.",
                    "  Uploading results",
                    "  Successfully uploaded results",
                    "Waiting for processing to finish",
                    "Analysis upload status is pending.",
                    "Analysis upload status is failed.",
                ],
                name="Upload merged SARIF",
                error=[
                    "##[error]Code Scanning could not process the submitted SARIF file:",
                    "rejecting SARIF, as there are more runs than allowed (23 > 20)",
                ],
            ),
        ],
        message="feat(charts): add notifier, digest and audit-log charts",
        files=[
            "charts/notifier/Chart.yaml",
            "charts/digest/Chart.yaml",
            "charts/audit-log/Chart.yaml",
        ],
    )

    # 4c. a scanner action pinned to a tag its repository does not have
    from cases_batch2 import _setup_failure

    _setup_failure(
        "fr-zd-trivy-action-pinned-to-missing-tag",
        "the container-scan job fails in 'Set up job': the workflow edit pins "
        "aquasecurity/trivy-action to v0.28.0, a tag that does not exist (the action's tags "
        "carry no v prefix)",
        ["platform"],
        "general",
        "images",
        "container-scan",
        PLAT,
        "##[error]Unable to resolve action `aquasecurity/trivy-action@v0.28.0`, unable to "
        "find version `v0.28.0`",
        "ci(images): bump trivy-action",
        [".github/workflows/images.yml"],
    )


# ------------------------------------------------------------------ 5. the code does not build


def does_not_build() -> None:
    # 5a. a Rust compile error in the build step of a CodeQL job (rex)
    at(REPO)
    cid = "fr-zd-codeql-rust-build-step-compile-error"
    out = real.cargo(
        cid,
        {
            "src/main.rs": """use std::collections::HashMap;

struct Route {
    agent: &'static str,
    weight: u32,
}

fn best(routes: &HashMap<String, Route>) -> Option<&str> {
    routes.values().max_by_key(|r| r.weight).map(|r| r.agent.to_owned())
}

fn main() {
    let mut routes = HashMap::new();
    routes.insert("rust".to_string(), Route { agent: "rex", weight: 3 });
    println!("{:?}", best(&routes));
}
"""
        },
        ["build", "--all-targets"],
        shown="cargo build --locked --all-targets",
    )
    assert out.code != 0, out
    ci(
        cid,
        "the Analyze (rust) job of the CodeQL workflow builds the workspace before analysis; "
        "the build fails with E0308 (String returned where &str is expected) in the change's "
        "new best() helper; CodeQL itself never ran",
        ["misleading-name", "look-alike"],
        "rex",
        "rust_build",
        workflow="CodeQL",
        job="Analyze (rust)",
        steps=[
            uses(
                "github/codeql-action/init@v3",
                {"languages": "rust", "build-mode": "none"},
                ["Setting up CodeQL tools", "Using CodeQL CLI version 2.19.3"],
            ),
            *rust_setup(),
            failing(out, name="Build"),
        ],
        message="feat(routing): pick the heaviest route",
        files=["src/main.rs"],
        pr=pr_of(cid, "feat(routing): pick the heaviest route"),
    )

    # 5b. a TypeScript error in the build step of the JavaScript CodeQL job (blaze)
    at(WEB)
    cid = "fr-zd-codeql-js-build-step-tsc-error"
    out = real.tsc(
        cid,
        {
            "src/runs.ts": """export interface Run {
  id: number;
  repository: string;
  conclusion: "success" | "failure" | "cancelled";
}

export function failed(runs: Run[]): number[] {
  return runs.filter((r) => r.conclusion === "failed").map((r) => r.id);
}
"""
        },
    )
    assert out.code != 0, out
    ci(
        cid,
        "the codeql-js job type-checks the console with tsc before analysis; "
        'tsc fails with TS2367 (comparison with "failed", which the conclusion '
        "union does not contain) in src/runs.ts",
        ["misleading-name", "look-alike"],
        "blaze",
        "frontend_typecheck",
        workflow="code-scanning",
        job="codeql-js",
        repo=WEB,
        steps=[
            uses(
                "github/codeql-action/init@v3",
                {"languages": "javascript-typescript", "build-mode": "none"},
                ["Setting up CodeQL tools", "Using CodeQL CLI version 2.19.3"],
            ),
            *node_setup(),
            npm_ci_ok(),
            failing(out, name="Build"),
        ],
        message="feat(runs): list failed runs",
        files=["src/runs.ts"],
    )

    # 5c. cargo deny check: Cargo.lock stale after a workspace version bump (rex)
    at(REPO)
    cid = "fr-zd-cargo-deny-locked-stale-after-version-bump"
    path = real.scratch(
        cid,
        {
            "Cargo.toml": '[workspace]\nmembers = ["crates/core", "crates/cli"]\nresolver = "2"\n',
            "crates/core/Cargo.toml": real.cargo_toml("healer-core"),
            "crates/core/src/lib.rs": "pub fn id() -> u32 { 1 }\n",
            "crates/cli/Cargo.toml": real.cargo_toml(
                "healer-cli", 'healer-core = { path = "../core", version = "0.1" }'
            ),
            "crates/cli/src/main.rs": 'fn main() { println!("{}", healer_core::id()); }\n',
        },
    )
    lines, code = real.run(
        ["cargo", "generate-lockfile", "--offline"], path, env={"CARGO_NET_OFFLINE": "true"}
    )
    assert code == 0, lines
    real.put(
        path,
        {
            "crates/core/Cargo.toml": real.cargo_toml("healer-core").replace(
                'version = "0.1.0"', 'version = "0.2.0"'
            ),
            "crates/cli/Cargo.toml": real.cargo_toml(
                "healer-cli", 'healer-core = { path = "../core", version = "0.2" }'
            ),
        },
    )
    lines, code = real.run(
        ["cargo", "metadata", "--locked", "--format-version", "1"],
        path,
        env={"CARGO_NET_OFFLINE": "true"},
        keep=lambda ln: not ln.startswith("{"),
    )
    assert code != 0 and any("--locked" in ln for ln in lines), lines
    deny = real.Out(
        "cargo deny --locked check",
        [
            "[ERROR] failed to fetch metadata: `cargo metadata` exited with an error: "
            + lines[0].removeprefix("error: "),
            *lines[1:],
        ],
        1,
    )
    ci(
        cid,
        "cargo deny --locked check in the deny job cannot read the workspace metadata: the "
        "change bumped healer-core to 0.2.0 and the requirement in healer-cli without "
        "updating Cargo.lock; no advisory or license involved",
        ["misleading-name", "look-alike"],
        "rex",
        "rust_deps",
        workflow="supply-chain",
        job="deny",
        steps=[*rust_setup(), failing(deny, name="cargo deny")],
        message="chore(core): release healer-core 0.2.0",
        files=["crates/core/Cargo.toml", "crates/cli/Cargo.toml", "CHANGELOG.md"],
        pr=pr_of(cid, "chore(core): release healer-core 0.2.0"),
    )


# ------------------------------------------------------------------ 6. configuration and policy


def _deny_step(lines: list[str], name: str, command: str = "cargo deny check") -> Any:
    return run(command, lines, 1, name=name)


def config_and_policy() -> None:
    # 6a. deny.toml: a misspelt key in [licenses] (rex)
    at(REPO)
    cid = "fr-zd-deny-toml-misspelt-exceptions-key"
    ci(
        cid,
        "cargo deny check rejects deny.toml itself: the change adds a license exception for "
        "webpki-roots under a misspelt 'exeptions' key in [licenses]; the Rust workspace's "
        "dependency policy file, fixed by the workspace owner",
        ["look-alike"],
        "rex",
        "rust_deps",
        workflow="ci",
        job="licenses-and-advisories",
        steps=[
            *rust_setup(),
            _deny_step(
                [
                    "error[unexpected-keys]: found 1 unexpected keys",
                    "   \u250c\u2500 /home/runner/work/healer/healer/deny.toml:31:1",
                    "   \u2502",
                    "31 \u2502 exeptions = [",
                    "   \u2502 \u2501\u2501\u2501\u2501\u2501\u2501\u2501\u2501\u2501 "
                    "unexpected key",
                    "",
                ],
                "cargo deny",
            ),
        ],
        message="chore(deny): allow MPL-2.0 for webpki-roots",
        files=["deny.toml"],
        pr=pr_of(
            cid,
            "chore(deny): allow MPL-2.0 for webpki-roots",
            "webpki-roots is MPL-2.0; add a per-crate exception rather than allowing "
            "MPL-2.0 globally.",
        ),
    )

    # 6b. cargo-deny licenses: a new dependency's license is not on the allow list (rex)
    cid = "fr-zd-cargo-deny-license-rejected-new-dependency"
    ci(
        cid,
        "cargo deny check licenses fails on a new dependency: the change adds the "
        "option-ext-based dirs crate chain, and option-ext is MPL-2.0, which deny.toml does "
        "not allow; the policy was not changed",
        ["look-alike"],
        "rex",
        "rust_deps",
        workflow="security",
        job="cargo-deny",
        steps=[
            *rust_setup(),
            _deny_step(
                [
                    "error[rejected]: failed to satisfy license requirements",
                    "  \u250c\u2500 registry+https://github.com/rust-lang/crates.io-index"
                    "#option-ext@0.2.0:4:12",
                    "  \u2502",
                    '4 \u2502 license = "MPL-2.0"',
                    "  \u2502            \u2501\u2501\u2501\u2501\u2501\u2501\u2501",
                    "  \u2502            \u2502",
                    "  \u2502            license expression retrieved via Cargo.toml `license`",
                    "  \u2502            rejected: license is not explicitly allowed",
                    "  \u2502",
                    "  \u251c MPL-2.0 - Mozilla Public License 2.0:",
                    "  \u251c   - OSI approved",
                    "  \u251c   - FSF Free/Libre",
                    "  \u251c   - Copyleft",
                    "  \u251c option-ext v0.2.0",
                    "    \u2514\u2500\u2500 dirs-sys v0.4.1",
                    "        \u2514\u2500\u2500 dirs v5.0.1",
                    "            \u2514\u2500\u2500 healer v0.27.3",
                    "",
                    "advisories ok, bans ok, licenses FAILED, sources ok",
                ],
                "cargo deny check licenses",
                "cargo deny check",
            ),
        ],
        message="feat(config): read the config from the XDG config directory",
        files=["Cargo.toml", "Cargo.lock", "src/config.rs"],
        pr=pr_of(cid, "feat(config): read the config from the XDG config directory"),
    )

    # 6c. trivy.yaml for chart misconfiguration scanning: a YAML syntax error (bolt)
    at(PLAT)
    cid = "fr-zd-trivy-config-yaml-syntax-error-charts"
    ci(
        cid,
        "trivy config in the chart-misconfig job cannot load trivy.yaml: the change added "
        "helm value overrides for the notifier chart with a mis-indented list, a YAML syntax "
        "error (did not find expected key); no misconfiguration was evaluated",
        ["look-alike", "misleading-name"],
        "bolt",
        "yaml_config",
        workflow="charts",
        job="chart-misconfig",
        repo=PLAT,
        steps=[
            run(
                "trivy config --config trivy.yaml --exit-code 1 charts/",
                [
                    f"{_ts(cid, 0)}\tFATAL\tFatal error\tflag error: config file "
                    '"trivy.yaml" loading error: yaml: line 14: did not find expected key',
                ],
                1,
                name="Chart misconfiguration scan",
            ),
        ],
        message="chore(charts): scan notifier with its production values",
        files=["trivy.yaml"],
        pr=pr_of(cid, "chore(charts): scan notifier with its production values"),
    )
