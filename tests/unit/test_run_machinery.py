"""What the run's own machinery did, told from what the change did.

A git lock another job left, a Terraform state another run holds, a download that is not
what was pinned, a SARIF upload code scanning refused and a scanner that could not reach its
advisories are the run's, whatever the change touched; a connection to this very machine
that was refused is the change's when it touched the client or the peer's definition; a
cargo alias is the workspace's config; a test that fails after a change to documentation
alone is not obviously the code's. A tool that crashed (a Go panic, a panic inside a crate
from the registry) is the run's; a kill, a link failure or an untrusted certificate inside an
image build after a Dockerfile change is the image's; a cancellation says why only when
nothing else failed; a grouped report's error belongs to the file named above it.
"""

from __future__ import annotations

from healer_agent.models import Agent, ContextBundle, FailureType, JobLog, RoutingDecision
from healer_agent.routing.prerouter import PreRouter
from tests.unit.test_logs import gh_log
from tests.unit.test_prerouter import ctx, incident

ROUTER = PreRouter()


def _decide(log: str, files: tuple[str, ...], workflow: str = "ci") -> RoutingDecision:
    return ROUTER.decide(incident(workflow, "test"), ctx(log, "test", files))


def test_a_git_lock_another_job_left_is_the_runners() -> None:
    lines = [
        "fatal: Unable to create '/runner-cache/acme/api/.git/index.lock': File exists.",
        "Another git process seems to be running in this repository",
    ]
    decision = _decide(
        gh_log(("git -C /runner-cache/acme/api checkout -f main", lines)), ("src/lib.rs",)
    )
    assert (decision.agent, decision.failure_type) == (Agent.ATLAS, FailureType.GIT_ERROR)


def test_a_terraform_state_another_run_holds_is_the_runs_not_the_change() -> None:
    locked = ["\u2502 Error: Error acquiring the state lock", "\u2502 Lock Info:"]
    decision = _decide(gh_log(("terraform plan -input=false", locked)), ("terraform/dns.tf",))
    assert (decision.agent, decision.failure_type) == (Agent.ATLAS, FailureType.GENERAL)
    invalid = [
        "\u2502 Error: Unsupported argument",
        '\u2502 An argument named "ttl2" is not expected here.',
    ]
    decision = _decide(gh_log(("terraform plan -input=false", invalid)), ("terraform/dns.tf",))
    assert decision.agent is Agent.BOLT


def test_a_download_that_does_not_match_its_checksum_is_the_runs() -> None:
    lines = [
        "protoc-28.3-linux-x86_64.zip: FAILED",
        "sha256sum: WARNING: 1 computed checksum did NOT match",
    ]
    log = gh_log(('curl -sSLo protoc.zip "$URL"\nsha256sum -c protoc.sha256', lines))
    decision = _decide(log, ("crates/api/src/grpc.rs",), workflow="rust")
    assert (decision.agent, decision.failure_type) == (Agent.ATLAS, FailureType.GENERAL)


REFUSED = [
    "---- settles_open_orders stdout ----",
    "thread 'settles_open_orders' panicked at tests/settle.rs:21:10:",
    "connect to postgres at localhost:5432: Os { code: 111, kind: ConnectionRefused, "
    'message: "Connection refused" }',
    "failures:",
    "    settles_open_orders",
    "test result: FAILED. 3 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out",
    "error: test failed, to rerun pass `--test settle`",
]


def test_a_refused_connection_to_this_machine_is_the_changes_that_moved_client_or_peer() -> None:
    log = gh_log(("cargo test --test settle", REFUSED), exit_code=101)

    def agent(files: tuple[str, ...]) -> Agent:
        return _decide(log, files, workflow="rust").agent

    assert agent(("tests/settle.rs", "src/db/config.rs")) is Agent.REX
    assert agent(("docker-compose.ci.yml",)) is Agent.BOLT
    # the workflow's services, or nothing the run uses: the run's
    assert agent((".github/workflows/ci.yml",)) is Agent.ATLAS
    assert agent(("docs/settlement.md",)) is Agent.ATLAS
    # a peer across the network is still the network's, whatever the change touched
    remote = [line.replace("localhost", "db.staging.internal") for line in REFUSED]
    log = gh_log(("cargo test --test settle", remote), exit_code=101)
    assert _decide(log, ("tests/settle.rs",), workflow="rust").agent is Agent.ATLAS


def test_rusts_refused_connection_without_an_address_is_a_local_peers_too() -> None:
    lines = [
        "---- reserves_stock stdout ----",
        "thread 'reserves_stock' panicked at tests/reserve.rs:17:50:",
        "called `Result::unwrap()` on an `Err` value: Os { code: 111, kind: ConnectionRefused, "
        'message: "Connection refused" }',
        "test result: FAILED. 1 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out",
    ]
    log = gh_log(("cargo test --test reserve", lines), exit_code=101)
    assert _decide(log, ("tests/support/db.rs",), workflow="rust").agent is Agent.REX
    assert _decide(log, (".github/workflows/rust.yml",), workflow="rust").agent is Agent.ATLAS


def test_a_scheduled_advisory_run_known_only_by_name_is_an_audit() -> None:
    decision = ROUTER.decide(incident("rustsec-daily", "daily"), ctx("", "daily", ("README.md",)))
    assert decision.agent is Agent.CIPHER


def test_a_sarif_upload_code_scanning_refused_is_no_finding() -> None:
    rejected = [
        "##[error]Code Scanning could not process the submitted SARIF file:",
        "rejecting SARIF, as there are more runs than allowed (23 > 20)",
    ]
    log = gh_log(("github/codeql-action/upload-sarif@v3", rejected))
    decision = _decide(log, ("charts/api/Chart.yaml",), workflow="security")
    assert (decision.agent, decision.failure_type) == (Agent.ATLAS, FailureType.GENERAL)
    finding = ["Ran 412 rules on 88 files: 3 findings.", "Code scanning found 3 blocking findings"]
    decision = _decide(gh_log(("semgrep ci", finding)), ("src/api.ts",), workflow="security")
    assert decision.agent is Agent.CIPHER


def test_a_cargo_alias_the_change_renamed_is_the_workspaces() -> None:
    missing = [
        "error: no such command: `xtask`",
        "",
        "help: view all installed commands with `cargo --list`",
    ]
    log = gh_log(("cargo xtask dist", missing), exit_code=101)
    renamed = _decide(log, (".cargo/config.toml", "xtask/src/main.rs"), workflow="release")
    assert (renamed.agent, renamed.obvious) == (Agent.REX, False)
    # a subcommand no one defined here: a plugin the runner lacks, the workflow's to install
    assert _decide(log, ("src/lib.rs",), workflow="release").agent is Agent.ATLAS


def test_a_test_failing_after_a_change_to_documentation_alone_is_not_obvious() -> None:
    jest = [
        "FAIL ./price.test.js",
        "  \u25cf formats a price",
        "    expect(received).toMatchSnapshot()",
        "Tests:       1 failed, 1 total",
    ]
    log = gh_log(("npx jest --ci", jest))
    docs = _decide(log, ("docs/storybook.md", "README.md"), workflow="web-ci")
    assert (docs.agent, docs.obvious) == (Agent.BLAZE, False)
    assert "files no test runs" in docs.reason
    styles = _decide(log, ("src/styles/price.css",), workflow="web-ci")
    assert (styles.agent, styles.obvious) == (Agent.BLAZE, False)
    code = _decide(log, ("src/price.js",), workflow="web-ci")
    assert (code.agent, code.obvious) == (Agent.BLAZE, True)


def test_scanners_that_could_not_reach_their_advisories_scanned_nothing() -> None:
    audit = [
        "error: couldn't fetch advisory database: git operation failed: An IO error occurred "
        "when talking to the server: Received HTTP status 502"
    ]
    decision = _decide(gh_log(("cargo audit", audit)), ("src/main.rs",), workflow="security")
    assert (decision.agent, decision.failure_type) == (Agent.ATLAS, FailureType.GENERAL)
    osv = [
        'api query failed: Post "https://api.osv.dev/v1/querybatch": context deadline exceeded '
        "(Client.Timeout exceeded while awaiting headers)"
    ]
    decision = _decide(
        gh_log(("osv-scanner scan --lockfile=package-lock.json", osv)), ("src/a.ts",)
    )
    assert decision.agent is Agent.ATLAS


def test_a_secret_scan_on_a_checkout_without_the_base_commit_is_a_git_error() -> None:
    lines = [
        "11:31AM ERR [git] fatal: ambiguous argument 'a1b2c3^..d4e5f6': unknown revision or "
        "path not in the working tree.",
        "11:31AM INF 0 commits scanned.",
        '11:31AM ERR failed to scan Git repository error="stderr is not empty"',
    ]
    log = gh_log(("gitleaks/gitleaks-action@v2", lines))
    decision = _decide(log, ("src/history.rs",), workflow="security")
    assert (decision.agent, decision.failure_type) == (Agent.ATLAS, FailureType.GIT_ERROR)


def test_cargo_denys_complaint_about_its_own_config_is_the_workspaces_dependency_policy() -> None:
    lines = [
        "error[unexpected-keys]: found 1 unexpected keys",
        "   \u250c\u2500 /home/runner/work/api/api/deny.toml:31:1",
    ]
    decision = _decide(gh_log(("cargo deny check", lines)), ("deny.toml",), workflow="ci")
    assert (decision.agent, decision.failure_type) == (Agent.REX, FailureType.RUST_DEPS)


def test_a_go_tools_panic_in_a_step_is_the_tools_crash() -> None:
    lines = [
        "panic: runtime error: invalid memory address or nil pointer dereference",
        "[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x1a2b3c]",
        'Error: plugin "diff" exited with error',
    ]
    log = gh_log(("helm diff upgrade api charts/api -f charts/api/values.yaml", lines))
    decision = _decide(log, ("charts/api/values.yaml",), workflow="chart-diff")
    assert (decision.agent, decision.failure_type) == (Agent.ATLAS, FailureType.GENERAL)


def test_a_panic_inside_a_registry_crate_is_a_tools_unless_our_cargo_ran_it() -> None:
    panic = [
        "thread 'main' panicked at /home/runner/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/"
        "taplo-common-0.7.0/src/config.rs:241:61:",
        "called `Option::unwrap()` on a `None` value",
    ]
    decision = _decide(gh_log(("taplo fmt --check", panic)), ("src/router.rs",), workflow="toml")
    assert decision.agent is Agent.ATLAS
    decision = _decide(gh_log(("cargo test", panic)), ("src/router.rs",), workflow="rust")
    assert decision.agent is Agent.REX


def _buildkit(inner: list[str], code: int) -> str:
    run = 'process "/bin/sh -c cargo build --release --locked"'
    lines = [*inner, f"#9 ERROR: {run} did not complete successfully: exit code: {code}"]
    return gh_log(("docker/build-push-action@v6", lines))


def test_an_image_builds_kill_link_or_trust_failure_after_a_dockerfile_change_is_the_images() -> (
    None
):
    killed = _buildkit(["#9 41.07    Compiling ledger v0.4.0 (/src)"], 137)
    assert _decide(killed, ("Dockerfile",), workflow="image").agent is Agent.BOLT
    assert _decide(killed, ("src/settle.rs",), workflow="image").agent is Agent.ATLAS
    link = [
        "#9 1.611 error: linking with `cc` failed: exit status: 1",
        "#9 1.611   = note: /usr/bin/ld: undefined reference to `sqlite3_error_offset'",
    ]
    assert _decide(_buildkit(link, 101), ("Dockerfile",), workflow="image").agent is Agent.BOLT
    assert _decide(_buildkit(link, 101), ("Cargo.lock",), workflow="image").agent is Agent.REX
    tls = [
        "#9 1.846 Could not fetch URL https://pypi.org/simple/requests/: There was a problem "
        "confirming the ssl certificate: HTTPSConnectionPool(host='pypi.org', port=443): Max "
        "retries exceeded with url: /simple/requests/ (Caused by SSLError(SSLCertVerificationError"
        "(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate "
        "in certificate chain (_ssl.c:1006)')))",
    ]
    assert _decide(_buildkit(tls, 1), ("Dockerfile",), workflow="image").agent is Agent.BOLT


def test_a_package_flagged_as_malware_is_a_vulnerable_dependency() -> None:
    report = [
        "| Known malware | npm/chalk-colors@1.4.2 | Install script runs a remote payload |",
        "| Possible typosquat attack | npm/chalk-colors@1.4.2 | Did you mean: chalk? |",
    ]
    decision = _decide(gh_log(("npx socket ci", report)), ("package.json",), workflow="web")
    assert (decision.agent, decision.failure_type) == (
        Agent.CIPHER,
        FailureType.VULNERABLE_DEPENDENCY,
    )


def test_a_matrix_leg_cancelled_by_another_legs_failure_is_that_failures() -> None:
    # fail-fast: the windows leg failed, the ubuntu leg (this event's job) was cancelled
    cancelled = gh_log(("npx vitest run", ["##[error]The operation was canceled."]))
    failed = gh_log(
        (
            "npx vitest run",
            [
                " FAIL  src/routes.test.ts > routeFile > maps a segment",
                "AssertionError: expected 'src\\routes\\a.tsx' to be 'src/routes/a.tsx'",
                " \u276f src/routes.test.ts:5:35",
                " Test Files  1 failed (1)",
            ],
        )
    )
    legs = (
        JobLog(job_name="test (ubuntu-latest)", text=cancelled),
        JobLog(job_name="test (windows-latest)", text=failed),
    )
    context = ContextBundle(logs=legs, changed_files=("src/routes.ts",))
    decision = ROUTER.decide(incident("web", "test (ubuntu-latest)"), context)
    assert decision.agent is Agent.BLAZE
    # a cancellation with nothing else failed: the platform's, plainly
    alone = gh_log(("cargo test", ["running 14 tests", "##[error]The operation was canceled."]))
    decision = _decide(alone, ("src/lib.rs",), workflow="rust")
    assert (decision.agent, decision.obvious) == (Agent.ATLAS, True)


def test_a_docker_socket_the_runners_user_may_not_use_is_the_runners() -> None:
    lines = [
        "ERROR: permission denied while trying to connect to the Docker daemon socket at "
        "unix:///var/run/docker.sock: dial unix /var/run/docker.sock: connect: permission denied"
    ]
    decision = _decide(gh_log(("docker build -t ledger .", lines)), ("src/settle.rs",))
    assert (decision.agent, decision.failure_type) == (Agent.ATLAS, FailureType.GENERAL)


def test_a_grouped_yamllint_report_names_the_erroring_file_above_its_lines() -> None:
    def report(path: str) -> str:
        lines = [
            "./deploy/argocd/billing.yaml",
            "  10:26     warning  too few spaces before comment: expected 2  (comments)",
            "",
            f"./{path}",
            "  7:11      error    syntax error: expected ',' or ']', but got ':' (syntax)",
        ]
        return gh_log(("yamllint -s .", lines))

    def agent(path: str) -> Agent:
        return _decide(report(path), (path,), workflow="ci").agent

    # the manifest with only a warning does not take the error over
    assert agent(".pre-commit-config.yaml") is Agent.ATLAS
    assert agent("web/src/api/openapi.yaml") is Agent.BLAZE
    assert agent("deploy/apps/api.yaml") is Agent.BOLT


def test_a_build_context_the_dockerignore_change_left_without_git_is_the_images() -> None:
    lines = [
        "#11 2.111 fatal: not a git repository (or any of the parent directories): .git",
        "#11 2.417 error during build:",
        "#11 2.431 Error: Command failed: git rev-parse --short HEAD",
        "#11 3.596     at checkExecSyncError (node:child_process:891:11)",
        '#11 ERROR: process "/bin/sh -c npm run build" did not complete successfully: exit code: 1',
    ]
    log = gh_log(("docker/build-push-action@v6", lines))
    decision = _decide(log, (".dockerignore",), workflow="web")
    assert (decision.agent, decision.failure_type) == (Agent.BOLT, FailureType.DOCKER_BUILD)
    # Node's checkExecSyncError is no Argo CD SyncError
    assert not any(e.rule == "argocd-error" for c in decision.candidates for e in c.evidence)


def test_a_job_out_of_time_after_a_code_change_asks_the_codes_owner_first() -> None:
    lines = [
        "running 3 tests",
        "test init_prompts_for_name has been running for over 60 seconds",
        "##[error]The job running on runner GitHub Actions 12 has exceeded the maximum "
        "execution time of 30 minutes.",
    ]
    log = gh_log(("cargo test --workspace", lines))
    hung = _decide(log, ("tests/cli_init.rs",), workflow="rust")
    assert (hung.agent, hung.obvious) == (Agent.REX, False)
    assert _decide(log, ("docs/cli.md",), workflow="rust").agent is Agent.ATLAS


def test_a_dependency_compose_found_unhealthy_is_the_compose_files() -> None:
    lines = [
        "docker compose -f docker-compose.ci.yml run --rm web npm test",
        " Container ci-db-1  Waiting",
        " Container ci-db-1  Error",
        "dependency failed to start: container ci-db-1 is unhealthy",
        "make: *** [Makefile:5: test] Error 1",
    ]
    log = gh_log(("make test", lines), exit_code=2)
    decision = _decide(log, ("docker-compose.ci.yml",))
    assert decision.agent is Agent.BOLT and not decision.obvious
