"""What the run's own machinery did, told from what the change did.

A git lock another job left, a Terraform state another run holds, a download that is not
what was pinned, a SARIF upload code scanning refused and a scanner that could not reach its
advisories are the run's, whatever the change touched; a connection to this very machine
that was refused is the change's when it touched the client or the peer's definition; a
cargo alias is the workspace's config; a test that fails after a change to documentation
alone is not obviously the code's.
"""

from __future__ import annotations

from healer_agent.models import Agent, FailureType, RoutingDecision
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
    assert "documentation only" in docs.reason
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
