"""Errors that are another owner's cause showing through: the pre-router routes the cause.

A compiler error on a conflict marker is an unfinished merge; a test reading a Git LFS
pointer is a checkout without LFS; a test whose request ran out of time is the network or
the service; a build in an image that cannot find a file the change hid from the build
context is the image's. Each test also checks the plain case still goes to the code.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from healer_agent.logs import excerpt_text
from healer_agent.logs.setup import withheld
from healer_agent.models import Agent, ContextBundle, FailureType, FiringAlert, Incident, JobLog
from healer_agent.routing.prerouter import PreRouter
from healer_agent.routing.rules import RulesError, parse_rules
from tests.unit.test_logs import gh_log
from tests.unit.test_prerouter import ctx, incident

ROUTER = PreRouter()

RUST_DIFF_MARKER = [
    "    Checking healer v0.1.0 (/home/runner/work/healer/healer)",
    "error: encountered diff marker",
    " --> src/main.rs:2:1",
    "  |",
    "2 | <<<<<<< HEAD",
    "  | ^^^^^^^ between this marker and `=======` is the code that you are merging into",
    "",
    'error: could not compile `healer` (bin "healer") due to 1 previous error',
]
TSC_MARKER = [
    "src/filters.ts(3,1): error TS1185: Merge conflict marker encountered.",
    "src/filters.ts(5,1): error TS1185: Merge conflict marker encountered.",
]


def test_conflict_markers_in_source_are_the_merges() -> None:
    for command, lines, job in (
        ("cargo clippy --all-targets -- -D warnings", RUST_DIFF_MARKER, "clippy"),
        ("npx tsc -p . --noEmit", TSC_MARKER, "typecheck"),
    ):
        decision = ROUTER.decide(
            incident("ci", job), ctx(gh_log((command, lines)), job, ("src/main.rs",))
        )
        assert (decision.agent, decision.failure_type) == (Agent.ATLAS, FailureType.MERGE_CONFLICT)


def test_a_git_lfs_pointer_read_by_a_test_is_the_checkouts() -> None:
    lines = [
        "running 1 test",
        "test tests::badge_fixture_is_a_png ... FAILED",
        "",
        "failures:",
        "",
        "---- tests::badge_fixture_is_a_png stdout ----",
        "",
        "thread 'tests::badge_fixture_is_a_png' (3141) panicked at src/lib.rs:10:9:",
        'fixture is not a PNG; first bytes: "version https://git-lfs.github.com/spec/v1\\noid sha256:4d7a"',
        "",
        "test result: FAILED. 0 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out",
    ]
    decision = ROUTER.decide(
        incident("Rust CI", "test"),
        ctx(gh_log(("cargo test --lib", lines), exit_code=101), "test", (".gitattributes",)),
    )
    assert (decision.agent, decision.failure_type) == (Agent.ATLAS, FailureType.GIT_ERROR)
    # the same failure with an ordinary message is the code's
    plain = [line.replace("version https://git-lfs.github.com/spec/v1", "GIF89a") for line in lines]
    decision = ROUTER.decide(
        incident("Rust CI", "test"),
        ctx(gh_log(("cargo test --lib", plain), exit_code=101), "test", ("src/lib.rs",)),
    )
    assert decision.agent is Agent.REX


TAP_TIMEOUT = [
    "TAP version 13",
    "# Subtest: lists the latest runs",
    "not ok 1 - lists the latest runs",
    "  ---",
    "  duration_ms: 3004.18",
    "  failureType: 'testCodeFailure'",
    "  error: 'The operation was aborted due to timeout'",
    "  code: 'ERR_TEST_FAILURE'",
    "  ...",
    "# fail 1",
]


def test_a_test_whose_request_ran_out_of_time_is_not_the_codes() -> None:
    decision = ROUTER.decide(
        incident("frontend", "e2e"),
        ctx(gh_log(("node --test e2e/", TAP_TIMEOUT)), "e2e", ("e2e/README.md",)),
    )
    assert decision.agent is Agent.ATLAS
    assert not decision.obvious
    # a failed assertion in the same layout stays the test's
    failed = [
        line.replace("The operation was aborted due to timeout", "Expected values to be equal")
        for line in TAP_TIMEOUT
    ]
    decision = ROUTER.decide(
        incident("frontend", "e2e"), ctx(gh_log(("node --test e2e/", failed)), "e2e")
    )
    assert decision.agent is Agent.BLAZE


def test_a_firing_alert_after_a_chart_change_is_the_deployments() -> None:
    bundle = ContextBundle(
        logs=(JobLog(job_name="e2e", text=gh_log(("node --test e2e/", TAP_TIMEOUT))),),
        changed_files=("charts/healer/values-staging.yaml",),
        prometheus={
            'ALERTS{alertname="HealerApiLatencyHigh",alertstate="firing"}': [
                {
                    "metric": {"alertname": "HealerApiLatencyHigh", "alertstate": "firing"},
                    "value": [1764320400, "1"],
                }
            ]
        },
    )
    decision = ROUTER.decide(incident("frontend", "e2e"), bundle)
    assert decision.agent is Agent.BOLT
    assert any(e.rule == "alert-firing" for e in decision.evidence)


ESBUILD_IN_IMAGE = [
    "#11 [build 6/6] RUN npm run build",
    "#11 1.033 > esbuild src/main.js --bundle --outfile=dist/main.js",
    '#11 1.242 \u2718 [ERROR] Could not resolve "./locales/en.json"',
    "#11 2.734 1 error",
    '#11 ERROR: process "/bin/sh -c npm run build" did not complete successfully: exit code: 1',
    'ERROR: failed to solve: process "/bin/sh -c npm run build" did not complete successfully: exit code: 1',
]


def test_a_file_the_build_context_lost_is_the_images() -> None:
    log = gh_log(("docker/build-push-action@v6", ESBUILD_IN_IMAGE))
    decision = ROUTER.decide(
        incident("images", "console-image"), ctx(log, "console-image", (".dockerignore",))
    )
    assert (decision.agent, decision.failure_type) == (Agent.BOLT, FailureType.DOCKER_BUILD)
    # the same error after a change to the code is the code's
    decision = ROUTER.decide(
        incident("images", "console-image"), ctx(log, "console-image", ("src/main.js",))
    )
    assert decision.agent is Agent.BLAZE


def test_a_type_check_inside_an_image_build_missing_a_file_the_context_lost_is_the_images() -> None:
    lines = [
        "#9 [build 5/5] RUN npm run build",
        "#9 3.12 src/runTable.ts(1,33): error TS2307: Cannot find module './bindings/Run' or "
        "its corresponding type declarations.",
        '#9 ERROR: process "/bin/sh -c npm run build" did not complete successfully: exit code: 2',
    ]
    log = gh_log(("docker/build-push-action@v6", lines))
    decision = ROUTER.decide(
        incident("images", "console-image"), ctx(log, "console-image", (".dockerignore",))
    )
    assert decision.agent is Agent.BOLT


def test_a_python_syntax_error_inside_an_image_build_is_no_specialists() -> None:
    lines = [
        "#10 [stage-0 6/6] RUN python3 -m compileall -q worker",
        "#10 1.157 *** Error compiling 'worker/reindex.py'...",
        '#10 1.160   File "worker/reindex.py", line 13',
        "#10 2.121 SyntaxError: '(' was never closed",
        '#10 ERROR: process "/bin/sh -c python3 -m compileall -q worker" did not complete successfully: exit code: 1',
    ]
    decision = ROUTER.decide(
        incident("images", "docker-worker"),
        ctx(
            gh_log(("docker/build-push-action@v6", lines)), "docker-worker", ("worker/reindex.py",)
        ),
    )
    assert decision.agent is Agent.ATLAS


def test_rule_files_promtool_cannot_load_are_bolts_behind_make() -> None:
    lines = [
        "promtool check rules deploy/alerts/*.yaml",
        "Checking deploy/alerts/dispatch.yaml",
        "  FAILED:",
        'deploy/alerts/dispatch.yaml: 5:15: group "dispatch", rule 1, "ErrorRatio": '
        "could not parse expression: 1:95: parse error: unexpected <by> in aggregation",
        "",
        "make: *** [Makefile:7: lint-alerts] Error 1",
    ]
    decision = ROUTER.decide(
        incident("ci", "lint"), ctx(gh_log(("make lint", lines), exit_code=2), "lint")
    )
    assert (decision.agent, decision.failure_type) == (Agent.BOLT, FailureType.YAML_CONFIG)


def test_a_schema_or_parse_error_in_a_workflow_or_action_is_atlas() -> None:
    schema = [
        "Schema validation errors were encountered.",
        "  .github/actions/chart-version/action.yml::$.runs: {'using': 'node18'} is not valid "
        "under any of the given schemas",
    ]
    unparsable = [
        ' WARN collect_inputs{path=".github/workflows/"}: zizmor::registry::input: failed to parse '
        "input: did not find expected '-' indicator at line 15 column 8",
        "fatal: no audit was performed",
        "error: no inputs collected",
    ]
    for command, lines in (
        (
            "check-jsonschema --builtin-schema vendor.github-actions .github/actions/*/action.yml",
            schema,
        ),
        ("zizmor --offline --no-progress .github/workflows/", unparsable),
    ):
        decision = ROUTER.decide(
            incident("charts", "chart-lint"), ctx(gh_log((command, lines)), "chart-lint")
        )
        assert (decision.agent, decision.failure_type) == (
            Agent.ATLAS,
            FailureType.WORKFLOW_SYNTAX,
        ), command
    # the same schema error in a chart's values is bolt's
    values = [
        line.replace(".github/actions/chart-version/action.yml", "charts/api/values.yaml")
        for line in schema
    ]
    decision = ROUTER.decide(
        incident("charts", "chart-lint"),
        ctx(
            gh_log(("check-jsonschema --schemafile schema.json charts/api/values.yaml", values)),
            "chart-lint",
        ),
    )
    assert decision.agent is Agent.BOLT


def test_a_test_pool_worker_that_died_is_the_runners() -> None:
    lines = [
        " RUN  v2.1.9 /home/runner/work/console/console",
        "\u23af\u23af\u23af Unhandled Error \u23af\u23af\u23af",
        "Error: Worker exited unexpectedly",
        " \u276f ChildProcess.onUnexpectedExit node_modules/tinypool/dist/index.js:118:30",
        "     Errors  1 error",
    ]
    decision = ROUTER.decide(
        incident("frontend", "unit-tests"),
        ctx(gh_log(("npx vitest run", lines)), "unit-tests", ("src/columns.js",)),
    )
    assert (decision.agent, decision.failure_type) == (Agent.ATLAS, FailureType.GENERAL)


def test_a_missing_generated_module_is_not_obvious() -> None:
    lines = [
        "src/runs.ts(1,28): error TS2307: Cannot find module './generated/client' or its "
        "corresponding type declarations."
    ]
    decision = ROUTER.decide(
        incident("frontend", "typecheck"),
        ctx(gh_log(("npx tsc -p . --noEmit", lines), exit_code=2), "typecheck"),
    )
    assert not decision.obvious
    assert any(e.rule == "generated-missing" for c in decision.candidates for e in c.evidence)
    # a module of the code's own that is missing is the code's, and plain
    own = [lines[0].replace("./generated/client", "./client")]
    decision = ROUTER.decide(
        incident("frontend", "typecheck"),
        ctx(gh_log(("npx tsc -p . --noEmit", own), exit_code=2), "typecheck"),
    )
    assert decision.agent is Agent.BLAZE
    assert decision.obvious


@pytest.mark.parametrize(
    ("command", "lines"),
    [
        (
            "cargo test --test api",
            [
                "---- lists_runs stdout ----",
                "thread 'lists_runs' panicked at tests/api.rs:12:5:",
                "called `Result::unwrap()` on an `Err` value: reqwest::Error { kind: Request, "
                'url: "https://api.example.com/v1/runs", source: hyper_util::client::legacy::Error('
                'Connect, ConnectError("dns error", Custom { kind: Uncategorized, error: '
                '"failed to lookup address information: Temporary failure in name resolution" })) }',
                "test result: FAILED. 0 passed; 1 failed; 0 ignored",
            ],
        ),
        (
            "npx vitest run",
            [
                " FAIL  e2e/runs.test.ts > lists runs",
                "TypeError: fetch failed",
                " \u276f e2e/runs.test.ts:4:15",
                "Caused by: ConnectTimeoutError: Connect Timeout Error (attempted address: "
                "api.example.com:443, timeout: 10000ms)",
                "Serialized Error: { code: 'UND_ERR_CONNECT_TIMEOUT' }",
                " Test Files  1 failed (1)",
            ],
        ),
        (
            "sudo apt-get update && sudo apt-get install -y libssl-dev",
            [
                "E: Failed to fetch http://azure.archive.ubuntu.com/ubuntu/dists/jammy-updates/"
                "main/binary-amd64/by-hash/SHA256/3d1f  Hash Sum mismatch",
                "E: Some index files failed to download. They have been ignored, or old ones used instead.",
            ],
        ),
        (
            "docker compose run --rm tests",
            ["tests-1 exited with code 137", "Aborting on container exit..."],
        ),
    ],
)
def test_transport_failures_and_kills_in_more_words_are_the_runners(
    command: str, lines: list[str]
) -> None:
    decision = ROUTER.decide(
        incident("ci", "test"), ctx(gh_log((command, lines)), "test", ("src/lib.rs",))
    )
    assert decision.agent is Agent.ATLAS, [e.rule for e in decision.evidence]
    assert not decision.obvious


ROLLOUT_TIMEOUT = [
    'Waiting for deployment "billing-sync" rollout to finish: 0 of 1 updated replicas are available...',
    'error: deployment "billing-sync" exceeded its progress deadline',
]


def _crash_context(loki: tuple[str, ...], files: tuple[str, ...]) -> ContextBundle:
    return ContextBundle(
        logs=(
            JobLog(
                job_name="deploy",
                text=gh_log(("kubectl rollout status deploy/billing-sync", ROLLOUT_TIMEOUT)),
            ),
        ),
        changed_files=files,
        kubernetes={
            "pods": [
                {
                    "metadata": {"name": "billing-sync-7c09-99242"},
                    "status": {
                        "phase": "Running",
                        "containerStatuses": [
                            {
                                "name": "billing-sync",
                                "ready": False,
                                "restartCount": 5,
                                "state": {"waiting": {"reason": "CrashLoopBackOff"}},
                            }
                        ],
                    },
                }
            ]
        },
        loki=loki,
    )


def test_a_jvm_service_crash_in_loki_is_no_specialists() -> None:
    loki = (
        'Exception in thread "main" java.lang.NumberFormatException: For input string: "8080/tcp"',
        "\tat java.base/java.lang.Integer.parseInt(Integer.java:668)",
        "\tat ai.example.billing.Main.port(Main.java:6)",
    )
    decision = ROUTER.decide(
        incident("deploy", "deploy"), _crash_context(loki, ("billing/src/main/java/Main.java",))
    )
    assert decision.agent is Agent.ATLAS
    assert any(e.rule == "app-other-crash" for e in decision.evidence)


def test_fetch_failing_in_a_services_log_is_the_network_not_its_code() -> None:
    loki = (
        "TypeError: fetch failed",
        "    at node:internal/deps/undici/undici:14976:13",
        "    at async file:///app/cron/digest.mjs:2:13 {",
    )
    decision = ROUTER.decide(incident("deploy", "deploy"), _crash_context(loki, ()))
    assert decision.agent is not Agent.BLAZE
    # a TypeError of the code's own is the code's
    own = ("TypeError: Cannot read properties of undefined (reading 'id')", *loki[1:])
    decision = ROUTER.decide(incident("deploy", "deploy"), _crash_context(own, ()))
    assert decision.agent is Agent.BLAZE


def test_a_kustomize_patch_file_missing_behind_make_is_bolts() -> None:
    lines = [
        "kubectl kustomize deploy/overlays/staging > /dev/null",
        'E1102 11:42:07.118204    3141 run.go:72] "command failed" err=<',
        "\ttrouble configuring builtin PatchTransformer with config: `",
        "\tpath: replicas.yaml",
        "\t`: failed to get the patch file from path(replicas.yaml): evalsymlink failure on "
        "'/w/deploy/overlays/staging/replicas.yaml' : lstat /w/deploy/overlays/staging/replicas.yaml: "
        "no such file or directory",
        " >",
        "make: *** [Makefile:11: manifests] Error 1",
    ]
    decision = ROUTER.decide(
        incident("ci", "ci"), ctx(gh_log(("make ci", lines), exit_code=2), "ci")
    )
    assert (decision.agent, decision.failure_type) == (Agent.BOLT, FailureType.K8S_MANIFEST)


def test_a_wrappers_line_alone_yields_to_the_files_its_output_names() -> None:
    lines = [
        "cargo clippy -q -- -D warnings",
        "yamllint --strict charts/",
        "charts/healer/values.yaml",
        "  7:14      warning  truthy value should be one of [false, true]  (truthy)",
        "",
        "make: *** [Makefile:4: check] Error 2",
    ]
    decision = ROUTER.decide(
        incident("rust", "rust-lint"),
        ctx(
            gh_log(("make check", lines), exit_code=2), "rust-lint", ("charts/healer/values.yaml",)
        ),
    )
    assert decision.agent is Agent.BOLT
    assert not decision.obvious


def test_a_truncated_archive_is_the_downloads_and_never_obvious() -> None:
    lines = [
        "",
        "gzip: stdin: unexpected end of file",
        "tar: Unexpected EOF in archive",
        "tar: Error is not recoverable: exiting now",
    ]
    decision = ROUTER.decide(
        incident("Rust CI", "clippy"),
        ctx(
            gh_log(("tar -xzf sccache.tgz -C ~/.cache", lines), exit_code=2),
            "clippy",
            ("src/router.rs",),
        ),
    )
    assert decision.agent is Agent.ATLAS
    assert not decision.obvious


LIBPQ = [
    "   Compiling healer-store v0.1.0 (/w/crates/healer-store)",
    "error: failed to run custom build command for `healer-store v0.1.0 (/w/crates/healer-store)`",
    "",
    "Caused by:",
    "  process didn't exit successfully: `/w/target/debug/build/healer-store-5c03/build-script-build`"
    " (exit status: 101)",
    "  --- stderr",
    "  thread 'main' (3141) panicked at crates/healer-store/build.rs:9:9:",
    "  could not find libpq with pkg-config:",
    "  Package libpq was not found in the pkg-config search path.",
]


def test_a_missing_system_library_is_the_set_ups_unless_the_change_brought_it() -> None:
    log = gh_log(("cargo build --workspace", LIBPQ), exit_code=101)
    decision = ROUTER.decide(
        incident("ci", "build"), ctx(log, "build", (".github/workflows/ci.yml",))
    )
    assert decision.agent is Agent.ATLAS
    decision = ROUTER.decide(
        incident("ci", "build"),
        ctx(log, "build", ("crates/healer-store/Cargo.toml", "crates/healer-store/build.rs")),
    )
    assert decision.agent is Agent.REX
    assert not decision.obvious


def test_a_package_the_change_added_to_the_lockfile_but_missing_is_not_obvious() -> None:
    lines = [
        "Error [ERR_MODULE_NOT_FOUND]: Cannot find package 'zod' imported from /w/scripts/build-icons.mjs",
        "    at packageResolve (node:internal/modules/esm/resolve:873:9)",
    ]
    log = gh_log(("npm run build", lines))
    decision = ROUTER.decide(
        incident("web", "build"),
        ctx(log, "build", ("scripts/build-icons.mjs", "package.json", "package-lock.json")),
    )
    assert not decision.obvious
    # the import alone, with no lockfile change, is the code's missing dependency, plainly
    decision = ROUTER.decide(
        incident("web", "build"), ctx(log, "build", ("scripts/build-icons.mjs",))
    )
    assert decision.agent is Agent.BLAZE
    assert decision.obvious


TSC_TS2322 = ["src/app.ts(4,7): error TS2322: Type 'string' is not assignable to type 'number'."]


def test_an_error_after_a_change_only_to_another_owners_files_goes_to_the_change() -> None:
    log = gh_log(("npx tsc --noEmit", TSC_TS2322), exit_code=2)
    for files, owner in (
        ((".github/workflows/ci.yml",), Agent.ATLAS),
        (("deploy/overlays/staging/kustomization.yaml",), Agent.BOLT),
    ):
        decision = ROUTER.decide(incident("web", "typecheck"), ctx(log, "typecheck", files))
        assert decision.agent is owner, files
        assert not decision.obvious
        assert f"the change touched only files of {owner.value}" in decision.reason
        assert decision.runner_up is not None and decision.runner_up.agent is Agent.BLAZE
    # two other owners touched: the error's owner stays, not obvious
    files = (".github/workflows/ci.yml", "charts/web/values.yaml")
    decision = ROUTER.decide(incident("web", "typecheck"), ctx(log, "typecheck", files))
    assert decision.agent is Agent.BLAZE and not decision.obvious
    # Rust alone changed: the type check broke on what it reads from the Rust side (bindings
    # an exporter writes), never obviously
    files = ("crates/exporter/src/bindings.rs",)
    decision = ROUTER.decide(incident("web", "typecheck"), ctx(log, "typecheck", files))
    assert decision.agent is Agent.REX and not decision.obvious
    for files in (("src/app.ts",), ("README.md",), ()):
        decision = ROUTER.decide(incident("web", "typecheck"), ctx(log, "typecheck", files))
        assert decision.agent is Agent.BLAZE and decision.obvious, files


def test_a_failure_after_an_earlier_failed_step_is_not_obvious() -> None:
    token = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
    earlier = gh_log(
        (
            f"curl -fsSL -H 'Authorization: token {token}' -o api.json https://api.example.com/openapi.json",
            ["curl: (22) The requested URL returned error: 503"],
        ),
        exit_code=22,
    )
    # the runner goes on after a continue-on-error step: its exit mark, then the next step
    log = (
        earlier.replace("Post job cleanup.", "")
        + "\n"
        + gh_log(("npx tsc --noEmit", TSC_TS2322), exit_code=2)
    )
    found = excerpt_text(log)
    assert found.failing_step == "Run npx tsc --noEmit"
    assert len(found.earlier_failures) == 1
    assert (
        found.earlier_failures[0].startswith("Run curl") and token not in found.earlier_failures[0]
    )
    decision = ROUTER.decide(incident("web", "typecheck"), ctx(log, "typecheck", ("src/app.ts",)))
    assert decision.agent is Agent.BLAZE
    assert not decision.obvious
    assert "an earlier step failed too" in decision.reason
    assert "**Failed earlier in the job**" in decision.summary and "Run curl" in decision.summary
    alone = gh_log(("npx tsc --noEmit", TSC_TS2322), exit_code=2)
    assert excerpt_text(alone).earlier_failures == ()
    assert ROUTER.decide(
        incident("web", "typecheck"), ctx(alone, "typecheck", ("src/app.ts",))
    ).obvious


def test_limits_of_the_machine_and_a_missing_target_are_the_set_ups() -> None:
    emfile = [
        "---- tests::opens_every_shard stdout ----",
        "thread 'tests::opens_every_shard' (3141) panicked at src/lib.rs:13:48:",
        'open shards: Os { code: 24, kind: Uncategorized, message: "Too many open files" }',
        "test result: FAILED. 0 passed; 1 failed; 0 ignored",
    ]
    log = gh_log(("cargo test --lib", emfile), exit_code=101)
    decision = ROUTER.decide(incident("Rust CI", "test"), ctx(log, "test", ("docs/shards.md",)))
    assert decision.agent is Agent.ATLAS
    assert not decision.obvious
    # the same limit after a change to the code may be its leak: the code's, not obvious
    decision = ROUTER.decide(incident("Rust CI", "test"), ctx(log, "test", ("src/lib.rs",)))
    assert decision.agent is Agent.REX
    assert not decision.obvious
    target = [
        "error[E0463]: can't find crate for `std`",
        "  |",
        "  = note: the `wasm32-unknown-unknown` target may not be installed",
        "error: could not compile `score` (lib) due to 1 previous error",
    ]
    decision = ROUTER.decide(
        incident("wasm", "build-wasm"),
        ctx(
            gh_log(("cargo build --target wasm32-unknown-unknown", target), exit_code=101),
            "build-wasm",
        ),
    )
    assert (decision.agent, decision.failure_type) == (Agent.ATLAS, FailureType.GENERAL)


def test_the_change_owner_setting_is_validated() -> None:
    base = {
        "signals": [
            {
                "id": "a",
                "agent": "rex",
                "type": "rust_build",
                "where": "error_line",
                "weight": 1.0,
                "pattern": "x",
            }
        ]
    }
    spec = {"from": ["rex"], "to": ["bolt"], "unless": ["a"]}
    rules = parse_rules({**base, "precedence": {"change_owner": spec}})
    assert rules.change_owners == {Agent.BOLT} and rules.change_owner_unless == {"a"}
    assert rules.file_owners == {Agent.REX}
    assert parse_rules(base).change_owners == parse_rules(base).file_owners == frozenset()
    with pytest.raises(RulesError, match=r"change_owner\.to"):
        parse_rules({**base, "precedence": {"change_owner": {"to": ["nobody"]}}})
    with pytest.raises(RulesError, match=r"change_owner\.from"):
        parse_rules({**base, "precedence": {"change_owner": {"from": ["nobody"]}}})
    with pytest.raises(RulesError, match="unknown"):
        parse_rules({**base, "precedence": {"change_owner": {"to": ["bolt"], "unless": ["b"]}}})
    # the inert files' key under its earlier name still reads
    old = parse_rules({**base, "precedence": {"docs_files": r"\.md$"}}).inert_files
    assert old is not None and old.search("README.md")


def test_a_fetch_of_a_commit_the_server_no_longer_has_is_gits() -> None:
    lines = [
        "fatal: remote error: upload-pack: not our ref 8a6f27e8b1fa002a7f8660108a1f777d9d0bd707",
        "The process '/usr/bin/git' failed with exit code 128",
    ]
    decision = ROUTER.decide(
        incident("Rust CI", "clippy"),
        ctx(gh_log(("actions/checkout@v4", lines), exit_code=128), "clippy", ("src/lib.rs",)),
    )
    assert (decision.agent, decision.failure_type) == (Agent.ATLAS, FailureType.GIT_ERROR)


def test_promtool_is_read_by_its_command_and_its_duration_errors() -> None:
    lines = [
        "Checking monitoring/rules/healer.yaml",
        "  FAILED:",
        'monitoring/rules/healer.yaml: not a valid duration string: "10 min"',
    ]
    decision = ROUTER.decide(
        incident("alerts", "promtool"),
        ctx(gh_log(("promtool check rules monitoring/rules/healer.yaml", lines)), "promtool"),
    )
    assert (decision.agent, decision.failure_type) == (Agent.BOLT, FailureType.YAML_CONFIG)


def test_a_job_github_would_not_start_for_billing_is_atlas_from_its_check_output() -> None:
    failed = incident("cargo-test", "cargo-test").model_copy(
        update={
            "check_output": "cargo-test\nThe job was not started because recent account payments"
            " have failed or your spending limit needs to be increased."
        }
    )
    decision = ROUTER.decide(failed, ContextBundle(changed_files=("src/router/matcher.rs",)))
    assert (decision.agent, decision.failure_type) == (Agent.ATLAS, FailureType.GENERAL)


VITEST_UNSET = [
    " \u276f src/search.test.js (1 test | 1 failed) 9ms",
    " FAIL  src/search.test.js > builds a client from the CI secrets",
    "Error: SEARCH_API_KEY is not set",
    " \u276f src/search.test.js:5:10",
    " Test Files  1 failed (1)",
    "      Tests  1 failed (1)",
]


def _with_secret_source(log: str, source: str) -> str:
    first, rest = log.split("\n", 1)
    return f"{first}\n2026-01-01T00:00:00.0000000Z Secret source: {source}\n{rest}"


@pytest.mark.parametrize("source", ["Dependabot", "None"])
def test_a_setting_unset_in_a_run_without_secrets_is_the_workflows(source: str) -> None:
    log = _with_secret_source(gh_log(("npx vitest run", VITEST_UNSET)), source)
    decision = ROUTER.decide(incident("ci", "test"), ctx(log, "test", ("package.json",)))
    assert (decision.agent, decision.failure_type) == (Agent.ATLAS, FailureType.PERMISSIONS)
    assert not decision.obvious
    assert f"Secret source: {source}" in decision.summary
    # the same failure in a run that had the repository's secrets is the test's
    log = _with_secret_source(gh_log(("npx vitest run", VITEST_UNSET)), "Actions")
    decision = ROUTER.decide(incident("ci", "test"), ctx(log, "test", ("package.json",)))
    assert decision.agent is Agent.BLAZE


def _withheld_secrets(log: str) -> str | None:
    """What the pre-router reads: the source the excerpt's scan found, if it withholds."""
    return withheld(excerpt_text(log).secret_source)


def test_only_a_source_other_than_the_repositorys_withholds_secrets() -> None:
    assert _withheld_secrets("x\n2026Z Secret source: Dependabot\r\ny") == "Dependabot"
    assert _withheld_secrets("Secret source: None") == "None"
    assert _withheld_secrets("x\nSecret source: Actions\ny") is None
    assert _withheld_secrets("no set-up section") is None


def _withheld_by_find(log: str) -> str | None:
    """The plain search the RE2 gate in front of it must agree with."""
    at = log.find("Secret source: ")
    if at == -1:
        return None
    end = log.find("\n", at)
    source = log[at + len("Secret source: ") : end if end != -1 else len(log)].strip()
    return source if source in ("Dependabot", "None") else None


@given(
    st.lists(
        st.sampled_from(
            [
                "Secret source: ",
                "Secret source:",
                "secret source: ",
                "Secret  source: ",
                "Dependabot",
                "None",
                "Actions",
                "\n",
                "\r\n",
                " ",
                "é",
                "\u212a",
                "\ud800",
                "Secret sourcé: ",
                "x" * 40,
            ]
        ),
        max_size=12,
    )
)
def test_the_secret_source_gate_agrees_with_a_plain_search(parts: list[str]) -> None:
    log = "".join(parts)
    # the excerpt's scan finds the line the pre-router reads the source from
    assert _withheld_secrets(log) == _withheld_by_find(log)


def test_the_excerpt_keeps_only_a_source_the_runner_names() -> None:
    log = _with_secret_source(gh_log(("npx vitest run", VITEST_UNSET)), "Dependabot")
    assert excerpt_text(log).secret_source == "Dependabot"
    log = _with_secret_source(gh_log(("npx vitest run", VITEST_UNSET)), "ghp_" + "x" * 36)
    assert excerpt_text(log).secret_source is None
    assert excerpt_text(gh_log(("npx vitest run", VITEST_UNSET))).secret_source is None


BUILDKIT_ENGINE = [
    "#9 [build 4/6] RUN npm ci",
    "#9 0.807 npm error code EBADENGINE",
    "#9 1.091 npm error engine Unsupported engine",
    '#9 1.492 npm error notsup Required: {"node":">=22"}',
    '#9 1.567 npm error notsup Actual:   {"node":"v20.20.2","npm":"11.19.1"}',
    '#9 ERROR: process "/bin/sh -c npm ci" did not complete successfully: exit code: 1',
    'ERROR: failed to solve: process "/bin/sh -c npm ci" did not complete successfully: exit code: 1',
]


def test_an_unsupported_runtime_in_an_image_after_a_dockerfile_change_is_the_images() -> None:
    log = gh_log(("docker buildx build -t web .", BUILDKIT_ENGINE))
    decision = ROUTER.decide(incident("images", "image"), ctx(log, "image", ("Dockerfile",)))
    assert (decision.agent, decision.failure_type) == (Agent.BOLT, FailureType.DOCKER_BUILD)
    # when the change raised the project's own requirement, the project is the cause
    decision = ROUTER.decide(incident("images", "image"), ctx(log, "image", ("package.json",)))
    assert decision.agent is Agent.BLAZE


def test_an_audit_that_found_no_lockfile_is_the_projects() -> None:
    lines = [
        "npm error code ENOLOCK",
        "npm error audit This command requires an existing lockfile.",
        "npm error audit Try creating one first with: npm i --package-lock-only",
    ]
    log = gh_log(("npm audit --audit-level=high", lines))
    decision = ROUTER.decide(incident("supply-chain", "npm-audit"), ctx(log, "npm-audit"))
    assert (decision.agent, decision.failure_type) == (Agent.BLAZE, FailureType.FRONTEND_DEPS)
    report = [
        "# npm audit report",
        "",
        "lodash  <4.17.21",
        "Severity: high",
        "found 1 vulnerability",
    ]
    log = gh_log(("npm audit --audit-level=high", report))
    decision = ROUTER.decide(incident("supply-chain", "npm-audit"), ctx(log, "npm-audit"))
    assert decision.agent is Agent.CIPHER


def _vitest_timeout(path: str) -> list[str]:
    return [
        f" \u276f {path} (1 test | 1 failed) 5002ms",
        "     \u2192 Test timed out in 5000ms.",
        f" FAIL  {path} > runs API lists the latest runs",
        "Error: Test timed out in 5000ms.",
        " Test Files  1 failed (1)",
    ]


def test_an_end_to_end_test_that_ran_out_of_time_is_a_symptom() -> None:
    healthy = {"pods": [_ready_pod("api-1"), _ready_pod("api-2")]}
    job_failed = FiringAlert(name="KubeJobFailed", labels={"namespace": "backup"})
    context = ContextBundle(
        logs=(
            JobLog(
                job_name="e2e", text=gh_log(("npx vitest run", _vitest_timeout("e2e/runs.test.js")))
            ),
        ),
        changed_files=("src/components/Footer.jsx",),
        kubernetes=healthy,
        firing_alerts=(job_failed,),
    )
    decision = ROUTER.decide(incident("ci", "e2e"), context)
    # a healthy cluster and a failed Job elsewhere explain nothing: the network
    assert (decision.agent, decision.obvious) == (Agent.ATLAS, False)
    # a crash-looping service explains it
    crashing = context.model_copy(update={"kubernetes": _crash_context((), ()).kubernetes})
    assert ROUTER.decide(incident("ci", "e2e"), crashing).agent is not Agent.ATLAS
    # a unit test that ran out of time is the code's (a promise never settled)
    unit = context.model_copy(
        update={
            "logs": (
                JobLog(
                    job_name="e2e",
                    text=gh_log(("npx vitest run", _vitest_timeout("src/api.test.js"))),
                ),
            )
        }
    )
    assert ROUTER.decide(incident("ci", "e2e"), unit).agent is Agent.BLAZE


def _ready_pod(name: str) -> dict[str, object]:
    return {
        "metadata": {"name": name},
        "status": {
            "phase": "Running",
            "conditions": [{"type": "Ready", "status": "True"}],
            "containerStatuses": [
                {"name": "api", "ready": True, "restartCount": 0, "state": {"running": {}}}
            ],
        },
    }


def test_a_policy_that_refused_an_image_for_a_cve_is_the_vulnerable_dependency() -> None:
    denial = (
        'admission webhook "mutate.kyverno.svc-fail" denied the request: \n\nresource Pod/ns/api-1'
        " was blocked due to the following policies \n\ncheck-image-vulnerabilities:\n"
        "  deny-critical-cves: 'image ghcr.io/acme/api:1.2.0: vulnerability attestation lists"
        " CRITICAL findings: CVE-2025-24898 (crate openssl 0.10.68, fixed in 0.10.70)'"
    )
    event = {
        "type": "Warning",
        "reason": "FailedCreate",
        "involvedObject": {"kind": "ReplicaSet", "name": "api-7c0"},
        "message": f"Error creating: {denial}",
    }
    lines = ['error: deployment "api" exceeded its progress deadline']
    context = ContextBundle(
        logs=(
            JobLog(job_name="deploy", text=gh_log(("kubectl rollout status deploy/api", lines))),
        ),
        changed_files=("Cargo.lock",),
        kubernetes={"events": [event]},
    )
    decision = ROUTER.decide(incident("deploy", "deploy"), context)
    assert (decision.agent, decision.failure_type) == (
        Agent.CIPHER,
        FailureType.VULNERABLE_DEPENDENCY,
    )
    # the same denial for a missing label is the manifest's
    plain = {
        **event,
        "message": 'Error creating: admission webhook "validate.kyverno.svc" denied the request: label "team" is required',
    }
    context = context.model_copy(update={"kubernetes": {"events": [plain]}})
    assert ROUTER.decide(incident("deploy", "deploy"), context).agent is Agent.BOLT


RUST_FIXTURE_PULL = [
    "running 1 test",
    "test enqueues_a_run ... FAILED",
    "failures:",
    "---- enqueues_a_run stdout ----",
    "thread 'enqueues_a_run' (3141) panicked at tests/redis.rs:9:9:",
    "redis fixture did not start:",
    "Unable to find image 'redis:7.4-alpine' locally",
    "docker: Error response from daemon: toomanyrequests: You have reached your unauthenticated"
    " pull rate limit. https://www.docker.com/increase-rate-limit",
    "test result: FAILED. 0 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out",
]


def test_a_registry_that_refused_for_the_rate_is_not_the_code() -> None:
    log = gh_log(("cargo test --test redis", RUST_FIXTURE_PULL), exit_code=101)
    decision = ROUTER.decide(
        incident("Rust CI", "test"), ctx(log, "test", ("crates/q/src/lib.rs",))
    )
    assert decision.agent is Agent.ATLAS
    npm = [
        "npm error code E429",
        "npm error 429 Too Many Requests - GET https://registry.npmjs.org/zod/-/zod-3.23.8.tgz",
    ]
    decision = ROUTER.decide(
        incident("lint", "eslint"), ctx(gh_log(("npm ci", npm)), "eslint", ("src/a.tsx",))
    )
    assert (decision.agent, decision.failure_type) == (Agent.ATLAS, FailureType.GENERAL)


def test_a_linker_or_a_bundlers_service_killed_is_the_runners() -> None:
    linker = [
        "   Compiling healer-webhook v0.1.0 (/home/runner/work/healer/healer)",
        "error: linking with `cc` failed: signal: 9 (SIGKILL)",
        "error: could not compile `healer-webhook` (lib test) due to 1 previous error",
    ]
    decision = ROUTER.decide(
        incident("Rust CI", "test"),
        ctx(gh_log(("cargo test", linker)), "test", ("crates/w/src/lib.rs",)),
    )
    assert decision.agent is Agent.ATLAS
    esbuild = ["> console@2.0.0 bundle", "> node build.mjs", "", "Error: The service was stopped"]
    decision = ROUTER.decide(
        incident("web", "bundle"),
        ctx(gh_log(("npm run bundle", esbuild)), "bundle", ("src/render.js",)),
    )
    assert decision.agent is Agent.ATLAS


def test_a_killed_test_worker_after_its_own_figures_climbed_is_the_codes() -> None:
    memo = [f"diff memo: {n * 20000} entries, ~{n * 21} MiB" for n in range(1, 7)]
    lines = [
        *memo,
        "Vitest caught 1 unhandled error during the test run.",
        "Error: Worker exited unexpectedly",
    ]
    log = gh_log(("npx vitest run", lines))
    decision = ROUTER.decide(incident("ci", "test"), ctx(log, "test", ("src/diff.js",)))
    assert decision.agent is Agent.BLAZE
    flat = gh_log(("npx vitest run", lines[6:]))
    assert (
        ROUTER.decide(incident("ci", "test"), ctx(flat, "test", ("src/diff.js",))).agent
        is Agent.ATLAS
    )


def test_a_check_run_of_osv_scanner_is_a_vulnerable_dependency() -> None:
    output = (
        "1 vulnerability found\n"
        "Scanned /home/runner/work/console/console/package-lock.json file and found 412 packages\n"
        "| https://osv.dev/GHSA-3h5v-q93c-6h6q | 7.5 | npm | ws | 8.17.0 | package-lock.json |\n"
    )
    check = Incident(
        kind="ci_failure",
        event_type="check_run",
        repository="o/r",
        run_key="o/r#check:1",
        workflow_name="osv-scan",
        job_names=("osv-scan",),
        check_output=output,
    )
    decision = ROUTER.decide(check, ContextBundle(changed_files=("package-lock.json",)))
    assert (decision.agent, decision.failure_type) == (
        Agent.CIPHER,
        FailureType.VULNERABLE_DEPENDENCY,
    )


def _check_run(name: str, output: str) -> Incident:
    return Incident(
        kind="ci_failure",
        event_type="check_run",
        repository="o/r",
        run_key=f"o/r#check:{name}",
        workflow_name=name,
        job_names=(name,),
        check_output=output,
    )


def test_cargo_denys_policies_are_the_rust_owners_and_its_advisories_ciphers() -> None:
    files = ContextBundle(changed_files=("Cargo.toml", "Cargo.lock"))
    for output, agent in (
        (
            "licenses FAILED\nerror[rejected]: failed to satisfy license requirements\n"
            "advisories ok, bans ok, licenses FAILED, sources ok\n",
            Agent.REX,
        ),
        (
            "bans FAILED\nerror[banned]: crate 'openssl-sys = 0.9.104' is explicitly banned\n",
            Agent.REX,
        ),
        (
            "advisories FAILED\nerror[vulnerability]: Some AES functions may panic\n"
            "ID: RUSTSEC-2025-0009\n",
            Agent.CIPHER,
        ),
    ):
        assert ROUTER.decide(_check_run("cargo-deny", output), files).agent is agent, output


def test_a_task_runner_without_the_task_asked_for_is_the_workflows() -> None:
    for command, lines in (
        ("just lint-charts", ["error: justfile does not contain recipe `lint-charts`."]),
        ("make lint-charts", ["make: *** No rule to make target 'lint-charts'.  Stop."]),
    ):
        decision = ROUTER.decide(
            incident("charts", "helm-lint"), ctx(gh_log((command, lines)), "helm-lint")
        )
        assert decision.agent is Agent.ATLAS, command
    # a rule whose prerequisite is missing is the build's, not the task's
    lines = ["make: *** No rule to make target 'src/main.o', needed by 'app'.  Stop."]
    decision = ROUTER.decide(
        incident("charts", "helm-lint"), ctx(gh_log(("make app", lines)), "helm-lint")
    )
    assert not any(e.rule == "task-missing" for e in decision.evidence)


def test_kustomizes_generator_merge_is_the_manifests_not_gits() -> None:
    lines = [
        'E1102 11:42:07.118204    3141 run.go:72] "command failed" err="merging from generator'
        ' &{0x7ffd4c2e9a10 <nil>}: id resid.ResId{Name:\\"app-config\\"} does not exist; cannot'
        ' merge or replace"',
        "Error: kustomize failed for deploy/overlays/prod: exit status: 1",
    ]
    log = gh_log(("cargo xtask render deploy/overlays/prod", lines))
    decision = ROUTER.decide(
        incident("deploy", "render"),
        ctx(log, "render", ("deploy/overlays/prod/kustomization.yaml",)),
    )
    assert (decision.agent, decision.failure_type) == (Agent.BOLT, FailureType.K8S_MANIFEST)


def test_a_scanner_that_could_not_fetch_its_database_found_nothing() -> None:
    lines = [
        '2026-11-18T09:14:03Z\tERROR\t[vulndb] Failed to download artifact\terr="GET'
        ' https://ghcr.io/v2/aquasecurity/trivy-db/manifests/2: TOOMANYREQUESTS: retry-after: 1ms"',
        "2026-11-18T09:14:04Z\tFATAL\tFatal error\trun error: init error: DB error: failed to"
        " download vulnerability DB: failed to download artifact from any source",
    ]
    log = gh_log(("aquasecurity/trivy-action@0.28.0", lines))
    decision = ROUTER.decide(
        incident("images", "trivy-image"), ctx(log, "trivy-image", ("Dockerfile",))
    )
    assert (decision.agent, decision.failure_type) == (Agent.ATLAS, FailureType.GENERAL)


def test_githubs_refusals_of_a_push_or_a_merge_are_permissions() -> None:
    push = [
        "#12 ERROR: failed to push ghcr.io/acme/app:sha-1: denied: installation not allowed to"
        " Write organization package",
        "ERROR: failed to build: failed to solve: failed to push ghcr.io/acme/app:sha-1: denied:"
        " installation not allowed to Write organization package",
    ]
    decision = ROUTER.decide(
        incident("images", "docker"),
        ctx(
            gh_log(("docker/build-push-action@v6", push)),
            "docker",
            (".github/workflows/images.yml",),
        ),
    )
    assert (decision.agent, decision.failure_type) == (Agent.ATLAS, FailureType.PERMISSIONS)
    merge = [
        "curl: (22) The requested URL returned error: 405",
        '{"message": "At least 1 approving review is required by reviewers with write access.",'
        ' "documentation_url": "https://docs.github.com/articles/about-protected-branches",'
        ' "status": "405"}',
    ]
    log = gh_log(
        ("curl -sS --fail-with-body -X PUT https://api.github.com/repos/o/r/pulls/1/merge", merge)
    )
    decision = ROUTER.decide(
        incident("automerge", "cargo-bump-automerge"),
        ctx(log, "cargo-bump-automerge", ("Cargo.lock",)),
    )
    assert (decision.agent, decision.failure_type) == (Agent.ATLAS, FailureType.PERMISSIONS)


def _oomkilled_pod(name: str) -> dict[str, object]:
    return {
        "metadata": {"name": name},
        "status": {
            "phase": "Running",
            "containerStatuses": [
                {
                    "name": "api",
                    "ready": False,
                    "restartCount": 4,
                    "state": {"waiting": {"reason": "CrashLoopBackOff"}},
                    "lastState": {"terminated": {"reason": "OOMKilled", "exitCode": 137}},
                }
            ],
        },
    }


ROLLOUT_TIMEOUT_LINES = [
    'Waiting for deployment "api" rollout to finish: 2 of 3 updated replicas are available...',
    "error: timed out waiting for the condition",
]


def test_a_workload_killed_for_memory_after_its_own_figures_climbed_is_its_codes() -> None:
    log = gh_log(
        ("kubectl -n app rollout status deployment/api --timeout=5m", ROLLOUT_TIMEOUT_LINES)
    )
    base = ContextBundle(
        logs=(JobLog(job_name="rollout", text=log),),
        changed_files=("apps/api/values.yaml",),
        kubernetes={"pods": [_oomkilled_pod("api-1")]},
    )
    grows = tuple(
        f"WARN api::webhooks: delivery dedup set holds {n * 150000} entries (~{n * 61} MiB)"
        for n in range(1, 8)
    )
    rust = ROUTER.decide(incident("deploy", "rollout"), base.model_copy(update={"loki": grows}))
    assert rust.agent is Agent.REX and not rust.obvious
    assert "memory grew before the kill" in rust.summary
    heap = {
        'nodejs_heap_size_used_bytes{app="ssr"}': [
            {
                "metric": {"pod": "ssr-1"},
                "values": [
                    [1764300000 + 300 * i, str(48_000_000 + 71_000_000 * i)] for i in range(10)
                ],
            }
        ]
    }
    node = ROUTER.decide(
        incident("deploy", "rollout"), base.model_copy(update={"prometheus": heap})
    )
    assert node.agent is Agent.BLAZE
    # flat figures: the limit the change set is the question
    flat = tuple(
        "WARN api::webhooks: delivery dedup set holds 150000 entries (~61 MiB)" for _ in range(7)
    )
    assert (
        ROUTER.decide(incident("deploy", "rollout"), base.model_copy(update={"loki": flat})).agent
        is Agent.BOLT
    )


def test_a_heap_too_small_inside_an_image_build_after_a_dockerfile_change_is_the_images() -> None:
    lines = [
        "#8 [build 5/6] RUN npm run build",
        "#8 2.448 FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory",
        '#8 ERROR: process "/bin/sh -c npm run build" did not complete successfully: exit code: 134',
    ]
    log = gh_log(("docker buildx build -t web .", lines))
    decision = ROUTER.decide(incident("images", "image"), ctx(log, "image", ("Dockerfile",)))
    assert (decision.agent, decision.failure_type) == (Agent.BOLT, FailureType.DOCKER_BUILD)


def test_threads_the_machine_would_not_start_keep_a_test_failure_from_being_obvious() -> None:
    lines = [
        "thread 'starts_the_pool' (3141) panicked at src/workers.rs:10:18:",
        'failed to spawn triage worker: Os { code: 11, kind: WouldBlock, message: "Resource'
        ' temporarily unavailable" }',
        "test result: FAILED. 0 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out",
    ]
    log = gh_log(("cargo test --test pool", lines), exit_code=101)
    decision = ROUTER.decide(
        incident("Rust CI", "test"), ctx(log, "test", ("crates/t/src/log.rs",))
    )
    assert not decision.obvious
    assert any(e.rule == "resource-limit" for c in decision.candidates for e in c.evidence)


def test_a_write_cut_short_is_the_runners_disk() -> None:
    lines = [
        "tar: target.tar: Wrote only 4096 of 10240 bytes",
        "tar: Error is not recoverable: exiting now",
    ]
    log = gh_log(("tar -cf /cache/target.tar target", lines), exit_code=2)
    decision = ROUTER.decide(incident("Rust CI", "test"), ctx(log, "test", ("src/lib.rs",)))
    assert decision.agent is Agent.ATLAS


E2E_FAILED = [
    "TAP version 13",
    "# Subtest: checkout answers with the cart",
    "not ok 1 - checkout answers with the cart",
    "  ---",
    "  duration_ms: 212.4",
    "  error: |-",
    "    Expected values to be strictly equal:",
    "",
    "    502 !== 200",
    "  ...",
    "# tests 1",
    "# pass 0",
    "# fail 1",
]
RUST_PANIC = (
    "thread 'reload' (3141) panicked at src/main.rs:18:40:",
    "index out of bounds: the len is 0 but the index is 0",
)


def test_an_e2e_suite_failing_while_its_service_crashes_is_the_crash() -> None:
    context = _crash_context(RUST_PANIC, ("crates/api/src/weights.rs",)).model_copy(
        update={"logs": (JobLog(job_name="e2e", text=gh_log(("node --test e2e/", E2E_FAILED))),)}
    )
    decision = ROUTER.decide(incident("staging", "e2e"), context)
    assert decision.agent is Agent.REX
    assert "e2e-step" not in decision.summary  # a marker yields nothing worth saying
    # the same suite with the service up is the test's (or the frontend's) to explain
    healthy = context.model_copy(update={"kubernetes": {}, "loki": ()})
    assert ROUTER.decide(incident("staging", "e2e"), healthy).agent is Agent.BLAZE
    # and a unit suite is never an e2e step, whatever the cluster shows
    unit = context.model_copy(
        update={"logs": (JobLog(job_name="e2e", text=gh_log(("node --test test/", E2E_FAILED))),)}
    )
    assert ROUTER.decide(incident("staging", "e2e"), unit).agent is Agent.BLAZE


@pytest.mark.parametrize(
    "line",
    [
        "##[error]google-github-actions/auth failed with: failed to generate Google Cloud"
        " federated token"
        ' for //iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/gh: {"error":'
        '"unauthorized_client","error_description":"The given credential is rejected by the'
        ' attribute condition."}',
        "Error: AADSTS70021: No matching federated identity record found for presented assertion.",
        "Error: Failed to create deployment (status: 404) with build version abc. Ensure GitHub"
        " Pages has been enabled: https://github.com/o/r/settings/pages",
    ],
)
def test_the_platform_refusing_the_runs_identity_or_a_setting_is_atlas(line: str) -> None:
    decision = ROUTER.decide(
        incident("deploy", "helm-diff"),
        ctx(gh_log(("./scripts/auth.sh", [line])), "helm-diff", ("charts/api/values.yaml",)),
    )
    assert (decision.agent, decision.failure_type) == (Agent.ATLAS, FailureType.PERMISSIONS)


def _icon_build(*, growing: bool) -> list[str]:
    """A BuildKit RUN whose script is killed; its frame cache climbs, or holds steady."""
    frames = [
        f"#8 {1.5 + n / 10:.3f} [icons] frame cache {n * 400} entries, 0 released"
        if growing
        else f"#8 {1.5 + n / 10:.3f} [icons] frame cache full, oldest frames released"
        for n in range(1, 7)
    ]
    return [
        "#8 [build 6/7] RUN npm run build:icons",
        "#8 1.025 > node scripts/icons/rasterise.mjs",
        *frames,
        "#8 2.661 Killed",
        '#8 ERROR: process "/bin/sh -c npm run build:icons" did not complete successfully:'
        " exit code: 137",
        "Dockerfile:6",
        'ERROR: failed to solve: process "/bin/sh -c npm run build:icons" did not complete'
        " successfully: exit code: 137",
    ]


def test_a_program_killed_inside_an_image_build_after_its_own_growth_is_its_codes() -> None:
    for growing in (True, False):
        log = gh_log(("docker buildx build -t console .", _icon_build(growing=growing)))
        decision = ROUTER.decide(
            incident("image", "docker"), ctx(log, "docker", ("scripts/icons/rasterise.mjs",))
        )
        # with flat figures the kill is the runner's memory, not the script's
        assert (decision.agent is Agent.BLAZE) is growing


def test_lfs_objects_the_server_would_not_hand_out_are_the_hostings() -> None:
    lines = [
        "batch response: This repository is over its data quota. Account responsible for LFS"
        " bandwidth should purchase more data packs to restore access.",
        "error: failed to fetch some objects from 'https://github.com/o/r.git/info/lfs'",
    ]
    decision = ROUTER.decide(
        incident("wasm", "wasm-pack-test"),
        ctx(gh_log(("git lfs pull", lines)), "wasm-pack-test", ("crates/render/src/lib.rs",)),
    )
    assert decision.agent is Agent.ATLAS


ZIZMOR = [
    "error[dangerous-triggers]: use of fundamentally insecure workflow trigger",
    " --> .github/workflows/preview.yml:3:3",
    "  |",
    "3 |   pull_request_target:",
    "  |   ^^^^^^^^^^^^^^^^^^^ pull_request_target is almost always used insecurely",
    "  = help: audit documentation → https://docs.zizmor.sh/audits/#dangerous-triggers",
    "",
    "3 findings (1 suppressed): 0 informational, 0 low, 1 medium, 1 high",
]


def test_a_workflow_audits_findings_are_cipher_not_the_workflow_files_owner() -> None:
    decision = ROUTER.decide(
        incident("lint", "actions-audit"),
        ctx(
            gh_log(("zizmor .github/workflows", ZIZMOR)),
            "actions-audit",
            (".github/workflows/preview.yml",),
        ),
    )
    assert decision.agent is Agent.CIPHER
    assert any("findings" in line for line in decision.key_error_lines)


CURL_403 = ["curl: (22) The requested URL returned error: 403"]


@pytest.mark.parametrize(
    ("files", "owner"),
    [
        (("deploy/web/templates/ingress.yaml", "deploy/web/values-staging.yaml"), Agent.BOLT),
        (("src/middleware.ts", "src/lib/session.ts"), Agent.BLAZE),
    ],
)
def test_a_probed_service_refusing_after_a_change_is_the_changes(
    files: tuple[str, ...], owner: Agent
) -> None:
    log = gh_log(("curl -fsS https://console.staging.example.dev/api/health", CURL_403))
    decision = ROUTER.decide(incident("deploy", "smoke"), ctx(log, "smoke", files))
    assert decision.agent is owner
    assert not decision.obvious  # the refusal names no cause of its own


def test_a_refusal_that_names_the_platform_is_the_credentials() -> None:
    denied = "permission_denied: The token provided does not match expected scopes."
    registry = [*CURL_403, '{"errors": [{"code": "DENIED", "message": "' + denied + '"}]}']
    git = [
        "fatal: unable to access 'https://github.com/o/r.git/': The requested URL returned error: 403"
    ]
    for command, lines in (
        ("curl -u ci:$TOKEN https://ghcr.io/token", registry),
        ("git fetch", git),
    ):
        decision = ROUTER.decide(
            incident("images", "push"), ctx(gh_log((command, lines)), "push", ("src/main.rs",))
        )
        assert (decision.agent, decision.failure_type) == (Agent.ATLAS, FailureType.PERMISSIONS)
        assert decision.obvious


VITEST_TIMEOUT = [
    " \u276f src/poll.test.js (1 test | 1 failed) 5004ms",
    "   \u00d7 waitForRun resolves once the run finishes 5004ms",
    "     → Test timed out in 5000ms.",
    " FAIL  src/poll.test.js > waitForRun resolves once the run finishes",
    "Error: Test timed out in 5000ms.",
    " Test Files  1 failed (1)",
    "      Tests  1 failed (1)",
]


def test_a_time_out_after_a_change_to_no_owners_files_is_the_runs() -> None:
    log = gh_log(("npx vitest run", VITEST_TIMEOUT))
    docs = ROUTER.decide(incident("web", "test"), ctx(log, "test", ("README.md",)))
    assert docs.agent is Agent.ATLAS
    assert not docs.obvious and "touched none of its owner's files" in docs.reason
    # the same time-out after a change to the code, or with no change known, is the code's
    assert ROUTER.decide(incident("web", "test"), ctx(log, "test", ("src/poll.js",))).agent is (
        Agent.BLAZE
    )
    assert ROUTER.decide(incident("web", "test"), ctx(log, "test")).agent is Agent.BLAZE


def test_a_package_json_npm_cannot_parse_inside_an_image_build_is_the_packages() -> None:
    lines = [
        "#9 [build 4/6] RUN npm ci --no-audit --no-fund",
        "#9 0.945 npm error code EJSONPARSE",
        "#9 0.955 npm error JSON.parse Invalid package.json: JSONParseError: Expected "
        "double-quoted property name in JSON at position 139",
        '#9 ERROR: process "/bin/sh -c npm ci --no-audit --no-fund" did not complete '
        "successfully: exit code: 1",
    ]
    log = gh_log(("docker/build-push-action@v6", lines))
    decision = ROUTER.decide(
        incident("images", "docker-build"), ctx(log, "docker-build", ("package.json",))
    )
    assert (decision.agent, decision.failure_type) == (Agent.BLAZE, FailureType.FRONTEND_DEPS)


def test_a_tool_that_failed_to_compile_its_own_regex_is_no_front_end_build() -> None:
    line = (
        '11:42AM FTL Failed to load config error="failed to compile allowlist regex '
        "'(?i)fixtures/(.*\\.har': error parsing regexp: missing closing ): `(?i)fixtures/`\""
    )
    log = gh_log(("gitleaks git --config .gitleaks.toml --exit-code 1 .", [line]))
    decision = ROUTER.decide(
        incident("security", "secret-scan"), ctx(log, "secret-scan", (".gitleaks.toml",))
    )
    assert decision.agent is Agent.CIPHER


def test_an_alias_import_the_build_context_lost_the_config_for_is_the_images() -> None:
    lines = [
        "#10 [build 5/6] RUN npm run build",
        "#10 0.872 error during build:",
        '#10 0.942 [vite]: Rollup failed to resolve import "@/lib/api" from "/app/src/main.js".',
        '#10 ERROR: process "/bin/sh -c npm run build" did not complete successfully: exit code: 1',
    ]
    log = gh_log(("docker/build-push-action@v6", lines))

    def agent(files: tuple[str, ...]) -> Agent:
        return ROUTER.decide(
            incident("images", "build-image"), ctx(log, "build-image", files)
        ).agent

    assert agent((".dockerignore",)) is Agent.BOLT
    assert agent(("src/main.js",)) is Agent.BLAZE
