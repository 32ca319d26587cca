"""Log analysis: cleaning, steps, error detection, excerpt budget, signatures, redaction."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from healer_agent.logs import (
    classify,
    clean_line,
    excerpt,
    excerpt_text,
    redact,
    signature,
    split_steps,
)
from healer_agent.logs.clean import clean_lines
from healer_agent.logs.excerpt import excerpt_text_with, excerpt_with
from healer_agent.logs.redact import redact_lines
from healer_agent.logs.scan import TRIGGER_SOURCE, candidate_lines
from healer_agent.models import FailedStep, JobLog

TS = "2025-01-15T10:30:02.1234567Z "


def gh_log(*sections: tuple[str, list[str]], exit_code: int = 1) -> str:
    lines = [
        f"{TS}Current runner version: '2.321.0'",
        f"{TS}##[group]Operating System",
        f"{TS}Ubuntu",
        f"{TS}22.04.5",
        f"{TS}LTS",
        f"{TS}##[endgroup]",
    ]
    for command, output in sections:
        lines += [
            f"{TS}##[group]Run {command}",
            f"{TS}{command}",
            f"{TS}shell: /usr/bin/bash -e",
            f"{TS}##[endgroup]",
        ]
        lines += [f"{TS}{line}" for line in output]
    lines.append(f"{TS}##[error]Process completed with exit code {exit_code}.")
    lines.append(f"{TS}Post job cleanup.")
    return "\n".join(lines)


RUSTC = [
    "   Compiling healer v0.1.0 (/home/runner/work/cto/cto/crates/healer)",
    "error[E0425]: cannot find value `undefined_var` in this scope",
    " --> crates/healer/src/main.rs:4:13",
    "  |",
    "4 |     let y = undefined_var + 1;",
    "  |             ^^^^^^^^^^^^^ not found",
    "For more information about this error, try `rustc --explain E0425`.",
    'error: could not compile `healer` (bin "healer") due to 1 previous error',
]


def test_clean_strips_timestamps_and_ansi() -> None:
    assert clean_line(f"{TS}\x1b[1m\x1b[31merror\x1b[0m: boom\r") == "error: boom"
    assert clean_line("\ufeff2025-01-15T10:30:02Z hi") == "hi"


def test_steps_and_failing_step() -> None:
    log = gh_log(("actions/checkout@v4", ["Syncing repository"]), ("cargo build --locked", RUSTC))
    steps = split_steps(clean_lines(log))
    assert [s.command for s in steps if s.command] == [
        "actions/checkout@v4",
        "cargo build --locked",
    ]
    found = excerpt_text(log, ["Run cargo build --locked"])
    assert found.command == "cargo build --locked"
    assert found.error_lines[0].startswith("error[E0425]")
    assert "rustc" in found.tools


def test_failing_step_found_by_first_error_without_step_names() -> None:
    log = gh_log(
        ("npm ci", ["added 200 packages"]),
        (
            "npx tsc --noEmit",
            ["src/app.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'."],
        ),
    )
    found = excerpt_text(log)
    assert found.command == "npx tsc --noEmit"
    assert found.tools[0] == "tsc"


@pytest.mark.parametrize(
    "line,tool",
    [
        ("error[E0308]: mismatched types", "rustc"),
        ("test result: FAILED. 3 passed; 1 failed; 0 ignored", "cargo-test"),
        ("Diff in /home/runner/work/x/src/lib.rs at line 3:", "rustfmt"),
        ("src/a.ts(1,5): error TS2304: Cannot find name 'foo'.", "tsc"),
        ("  12:5  error  'x' is assigned a value but never used  no-unused-vars", "eslint"),
        ("npm error code ERESOLVE", "npm"),
        (" ERR_PNPM_OUTDATED_LOCKFILE  Cannot install with frozen-lockfile", "npm"),
        ('ERROR: failed to solve: process "/bin/sh -c npm ci" did not complete', "docker"),
        ("Dockerfile:3 DL3008 warning: Pin versions in apt get install", "hadolint"),
        ("Error: INSTALLATION FAILED: template: chart/templates/d.yaml:4: error", "helm"),
        ('The Deployment "web" is invalid: spec.replicas: Invalid value', "kubectl"),
        ("CONFLICT (content): Merge conflict in src/lib.rs", "git"),
        (" ! [rejected]        main -> main (fetch first)", "git"),
        ('.github/workflows/ci.yml:12:9: unexpected key "run-on" for "job" section', "actionlint"),
        ("error: 2 vulnerabilities found!", "cargo-audit"),
        ("##[error]The runner has received a shutdown signal.", "runner"),
        ("##[error]Process completed with exit code 1.", "exit"),
        ("   Compiling serde v1.0.0", None),
    ],
)
def test_detectors(line: str, tool: str | None) -> None:
    assert classify(line) == tool
    # the fast scan must see every line a detector flags
    assert bool(candidate_lines(line.encode())) or tool is None


def test_excerpt_keeps_first_error_within_budget() -> None:
    noise = [f"warning: unused import number {n}" for n in range(3000)]
    log = gh_log(
        (
            "cargo build",
            noise[:1500] + RUSTC + noise[1500:] + [f"error: other failure {n}" for n in range(200)],
        )
    )
    found = excerpt_text(log, budget_tokens=400)
    assert "cannot find value `undefined_var`" in found.text
    assert found.tokens <= 450
    assert len(found.text) < len(log) / 50


def test_excerpt_drops_consecutive_duplicates() -> None:
    log = gh_log(("make", ["error: same thing"] * 50))
    assert excerpt_text(log).text.count("error: same thing") == 1


def test_excerpt_over_several_jobs() -> None:
    jobs = (
        JobLog(job_name="lint", text=gh_log(("echo ok", ["fine"]))),
        JobLog(job_name="build", text=gh_log(("cargo build", RUSTC))),
    )
    found = excerpt(
        jobs,
        failed_steps=(FailedStep(job_name="build", name="Run cargo build", conclusion="failure"),),
    )
    assert found.error_lines[0].startswith("error[E0425]")
    assert "### job build" in found.text


def test_signature_is_stable_across_reruns() -> None:
    first = [
        "error[E0425]: cannot find value `x` --> /home/runner/work/a/src/main.rs:4:13",
        "2025-01-15T10:30:02.1234567Z build abc1234def failed after 12.5s",
    ]
    rerun = [
        "error[E0425]: cannot find value `x` --> /home/runner/_work/b/src/main.rs:9:1",
        "2026-03-01T08:00:00.0000001Z build 99ffee00aa failed after 3.1s",
    ]
    other = ["error[E0308]: mismatched types --> src/main.rs:4:13"]
    assert signature(first) == signature(rerun)
    assert signature(first) != signature(other)
    assert len(signature(first)) == 16


SECRETS = {
    "github classic": "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8",
    "github oauth": "gho_" + "Z9y8X7w6V5u4T3s2R1q0P9o8N7m6L5k4J3i2",
    "github user-to-server": "ghu_" + "16C7e42F292c6912E7710c838347Ae178B4a",
    "github server-to-server": "ghs_" + "16C7e42F292c6912E7710c838347Ae178B4a",
    "github refresh": "ghr_"
    + "1B4a2e77838347a7E420ce178F2E7c6912E169246c34E1ccbF66C46812d16D5B1A9Dc86A1498",
    "github fine-grained": "github_pat_"
    + "11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUV",
    "aws access key": "AKIA" + "IOSFODNN7EXAMPLE",
    "aws sts key": "ASIA" + "Y34FZKBOKMUTVV7A",
    "aws secret": "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "gcp api key": "AIza" + "SyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI",
    "gcp oauth": "ya29." + "a0AfH6SMBx4z9Kp1dQ8Gm2Yv7cX3nR5tW0eL9uJ",
    "azure storage": "AccountKey="
    + "lJzRc1YdHaAA2KCNJJ1tkYwF/+mKK6Ygw0NGe170Xu592euJv2wYUtBlV8z+qnlcNQSnIYVTkLWntUO1F8j8rQ==",
    "slack bot": "xoxb-" + "123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
    "slack user": "xoxp-"
    + "123456789012-123456789012-123456789012-abcdef0123456789abcdef0123456789",
    "slack webhook": "https://hooks.slack.com/services/"
    + "T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
    "stripe live": "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc",
    "stripe restricted": "rk_live_" + "51H8aBcDeFgHiJkLmNoPqRsTu",
    "twilio": "SK" + "0123456789abcdef0123456789abcdef",
    "sendgrid": "SG." + "ngeVfQFYQlKU0ufo8x5d1A.TwL2iGABf9DHoTf-09kqeF8tAmbihYzrnopKc-1s5cr",
    "npm": "npm_" + "1234567890abcdefghijABCDEFGHIJ123456",
    "pypi": "pypi-"
    + "AgEIcHlwaS5vcmcCJGE0ZjA1ZjM4LWFkZmEtNDA5Ny1hYzQxLTMxZTJiNzA3YmM5OAACKlszLCJiZmE",
    "docker hub": "dckr_pat_" + "2YotnFZFEjr1zCsicMWpAA-abcdEFGH",
    "gitlab": "glpat-" + "xxxxxxxxxxxxxxxxxxxxABCD",
    "jwt": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
    + ".eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ"
    + ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    "bearer": "Authorization: Bearer " + "abcdef0123456789ABCDEF0123456789xyz",
    "basic auth url": "https://deploy:" + "s3cr3tP4ssw0rd" + "@registry.example.com/v2/",
    "postgres url": "postgres://app:" + "Sup3rS3cret!" + "@db.internal:5432/app",
    "password assignment": "DB_PASSWORD=" + "correct-horse-battery-staple",
    "api key json": '"api_key": "' + "d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5" + '"',
    "anthropic": "sk-ant-api03-" + "Abcdefghijklmnopqrstuvwxyz0123456789-ABCDEFGHIJKLMNOPQRSTUVWX",
    "openai": "sk-proj-" + "Abcdefghijklmnopqrstuvwxyz0123456789ABCD",
    "mailgun": "key-" + "3ax6xnjp29jd6fds4gc373sgvjxteol0",
    "shopify": "shpat_" + "0123456789abcdef0123456789abcdef",
    "telegram": "123456789:" + "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw7",
    "discord bot": "MTk4NjIyNDgzNDcxOTI1MjQ4" + ".Cl2FMQ.ZnCjm1XVW7vRze4b7Cq4se7kKWs",
    "datadog": "DD_API_KEY=" + "0123456789abcdef0123456789abcdef",
}
PEM = (
    "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7bq98aGnIc3JFHbQ0vXrBv9FUFrUvK8Jb3ZgN2U9p8\n"
    "fake+key+material/for+tests==\n-----END RSA PRIVATE KEY-----"
)


def _secret_part(value: str) -> str:
    for sep in ("Bearer ", "=", ': "', "://deploy:", "://app:", '": "'):
        if sep in value and not value.startswith(("ghp_", "eyJ", "https://hooks")):
            value = value.split(sep, 1)[1]
    return value.split("@", 1)[0].strip('"')


@pytest.mark.parametrize("name", sorted(SECRETS))
def test_secret_corpus_is_redacted(name: str) -> None:
    value = SECRETS[name]
    text = f"step output: {value} (end)"
    redacted = redact(text)
    assert _secret_part(value) not in redacted, redacted
    assert "[REDACTED:" in redacted


def test_private_key_block_is_redacted_whole() -> None:
    redacted = redact(f"key:\n{PEM}\nafter")
    assert "MIIEowIBAAKCAQEA" not in redacted and "fake+key+material" not in redacted
    assert redacted.endswith("after")


@pytest.mark.parametrize(
    ("output", "also"),
    [
        (["error: build failed", "- name: DB_PASSWORD"], ["value: hunter2hunter2", "plain"]),
        (["error: key leaked", *PEM.split("\n")], [f"token: {SECRETS['github classic']}"]),
        (["error: build failed", "password: |"], [PEM, "  indented"]),
        (["error: x"], []),
    ],
)
def test_lines_redacted_with_the_excerpt_are_redacted_as_alone(
    output: list[str], also: list[str]
) -> None:
    """The pre-router's findings share the excerpt's redaction call; neither part reads
    into the other, and a multi-line secret that changes a part's lines is redacted apart."""
    log = gh_log(("make", output))
    found, more = excerpt_text_with(log, also)
    assert found == excerpt_text(log)
    assert more == tuple(redact_lines(also))
    jobs = [JobLog(job_name="a", text=log), JobLog(job_name="b", text=gh_log(("x", output)))]
    assert excerpt_with(jobs, also=also) == (excerpt(jobs), tuple(redact_lines(also)))
    unsigned = excerpt(jobs).model_copy(update={"signature": ""})
    assert excerpt_with(jobs, also=also, signed=False)[0] == unsigned


def test_masked_values_and_plain_text_survive() -> None:
    text = "token: ***\nerror[E0425]: cannot find value `x` in this scope --> src/main.rs:4:5"
    assert redact(text) == text


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_cleaning_and_excerpt_never_crash(text: str) -> None:
    found = excerpt_text(text, budget_tokens=200)
    assert found.tokens <= 260
    assert "\x1b[" not in found.text


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=80), min_size=1, max_size=10))
def test_signature_is_deterministic(lines: list[str]) -> None:
    assert signature(lines) == signature(list(lines))
    assert len(signature(lines)) == 16


# --------------------------------------------------------------------------- wrappers, scan, sets


@pytest.mark.parametrize(
    ("line", "inner"),
    [
        ("#9 0.242 npm error code EUSAGE", "npm error code EUSAGE"),
        (
            "##[error]  3:1  error  'x' is not defined  no-undef",
            "3:1  error  'x' is not defined  no-undef",
        ),
        ("web-1  | Error: listen EADDRINUSE", "Error: listen EADDRINUSE"),
        ("web:build: src/a.ts(1,2): error TS2304: x", "src/a.ts(1,2): error TS2304: x"),
        ("packages/web build: error TS2304: x", "error TS2304: x"),
        ("error: could not compile `a`", "error: could not compile `a`"),
        ("src/main.rs:4: warning", "src/main.rs:4: warning"),
    ],
)
def test_inner_line_drops_only_a_wrappers_prefix(line: str, inner: str) -> None:
    from healer_agent.logs.clean import inner_line

    assert inner_line(line) == inner


def test_relayed_errors_are_classified_by_their_own_tool() -> None:
    log = gh_log(
        (
            "docker build .",
            [
                "#8 1.2 error[E0308]: mismatched types",
                '#8 ERROR: process "/bin/sh -c cargo build" did not '
                "complete successfully: exit code: 101",
            ],
        )
    )
    found = excerpt_text(log, ["Run docker build ."])
    assert found.tools[0] == "rustc"
    assert found.error_lines[0] == "#8 1.2 error[E0308]: mismatched types"


def test_steps_after_the_failing_one_are_diagnostics() -> None:
    log = gh_log(
        (
            "kubectl wait --for=condition=complete job/seed",
            ["error: timed out waiting for the condition on jobs/seed"],
        ),
        (
            "kubectl logs job/seed --tail=50",
            ["thread 'main' panicked at src/a.rs:1:1:", "called `Option::unwrap()` on a `None`"],
        ),
    )
    found = excerpt_text(log, ["Run kubectl wait --for=condition=complete job/seed"])
    assert found.failing_step == "Run kubectl wait --for=condition=complete job/seed"
    assert "thread 'main' panicked at src/a.rs:1:1:" in found.diagnostics
    assert not any("panicked" in line for line in found.error_lines)
    both = excerpt_text(
        log,
        [
            "Run kubectl wait --for=condition=complete job/seed",
            "Run kubectl logs job/seed --tail=50",
        ],
    )
    assert both.diagnostics == ()  # a step that failed itself is no diagnostic


def test_one_scan_finds_markers_and_candidates() -> None:
    from healer_agent.logs.scan import scan

    data = gh_log(("cargo build", RUSTC)).encode()
    markers, candidates, _, cleanups, _ = scan(data)
    assert [m.title for m in markers] == ["Operating System", "Run cargo build"]
    assert len(cleanups) == data.count(b"Post job cleanup.")
    lines = [data[a:b].decode()[len(TS) :] for a, b in candidates]
    assert RUSTC[1] in lines and RUSTC[-1] in lines
    assert "   Compiling healer v0.1.0 (/home/runner/work/cto/cto/crates/healer)" not in lines
    assert candidates == candidate_lines(data)


def test_pattern_sets_agree_with_re() -> None:
    import re

    from healer_agent.logs.patternset import LineFilter, Matcher, to_re2

    patterns = [
        re.compile(r"^error\[E\d{4}\]"),
        re.compile(r"\u2716 \d+ problems?"),
        re.compile(r"panicked at", re.IGNORECASE),
        re.compile(r"(?<=x)y"),
    ]
    matcher = Matcher([(p, i) for i, p in enumerate(patterns)])
    lines = [
        *RUSTC,
        "\u2716 2 problems (2 errors, 0 warnings)",
        "thread 'main' PANICKED AT a",
        "xy",
        "nothing",
    ]
    for line in lines:
        assert matcher.indices(line) == [i for i, p in enumerate(patterns) if p.search(line)]
    assert to_re2(re.compile("a\\u00e9", re.IGNORECASE | re.MULTILINE)) == "(?im)a\\x{00e9}"
    keep = LineFilter(re.compile("error|panicked", re.IGNORECASE))
    assert keep(lines) == [
        i for i, line in enumerate(lines) if re.search("error|panicked", line, re.IGNORECASE)
    ]
    assert keep([]) == []


def test_the_step_name_and_command_are_redacted_too() -> None:
    token = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
    found = excerpt_text(
        gh_log(
            (
                f'curl -H "Authorization: token {token}" https://api.github.com',
                ["curl: (22) The requested URL returned error: 401"],
            )
        )
    )
    assert found.command is not None and found.failing_step is not None
    assert token not in found.command and token not in found.failing_step
    assert found.command.startswith("curl -H")


def test_a_later_build_step_is_no_diagnostic() -> None:
    log = gh_log(
        (
            "cargo fetch",
            [
                "error: failed to download from `https://index.crates.io/`",
                "Caused by:",
                "  [6] Couldn't resolve host name",
            ],
        ),
        ("cargo build", RUSTC),
    )
    found = excerpt_text(log, ["Run cargo fetch"])
    assert found.failing_step == "Run cargo fetch"
    assert found.diagnostics == ()  # the build step after it is no diagnostic


def _case_logs() -> list[bytes]:
    import yaml

    root = Path(__file__).resolve().parents[2] / "evals" / "cases"
    out: list[bytes] = []
    for path in sorted(root.glob("*/*.yaml")):
        logs = (yaml.safe_load(path.read_text()).get("context") or {}).get("logs")
        if isinstance(logs, dict):
            out += [str(text).encode() for text in logs.values()]
        elif isinstance(logs, str):
            out.append(logs.encode())
    return out


def test_hyperscan_and_re2_scans_file_the_same_lines() -> None:
    from healer_agent.logs import scan as engine

    if not engine.HYPERSCAN:
        pytest.skip("no Hyperscan wheel for this platform: RE2 is the only engine")
    edges = [
        b"",
        b"error",
        b"no trigger here\n",
        b"ERROR at the end without a newline",
        b"\n\n##[group]Run make\nerror: first\nerror: second error ERROR\n##[endgroup]\n",
        b"fatal: before ##[group]Run x\n",  # a trigger first: a candidate, not a marker
        b"2026-01-01T00:00:00.0000000Z ##[group]Run cargo test\nok\n",
        b"x" * 10_000 + b" Killed\n" + b"y" * 10_000,
    ]
    logs = _case_logs()
    assert len(logs) > 300  # the dataset is there: the comparison is not vacuous
    for data in [*edges, *logs]:
        assert engine.scan_hyperscan(data) == engine.scan_re2(data), data[:200]


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "error",
                "ERROR",
                "\n",
                " ",
                "##[group]",
                "Run x",
                "abc",
                "problems",
                "401",
                "---- ",
                "\xe2\x9c\x96",
                "\u2716",
                "Killed",
                "rr",
                "or",
                "#",
                "[",
                "]",
                "# fail ",
                "FATA[",
                "*** ",
                "stdout | ",
                "console.",
                "console",
                "Post job cleanup.",
                "Post job",
            ]
        ),
        max_size=60,
    )
)
def test_hyperscan_and_re2_agree_on_any_mix_of_triggers(parts: list[str]) -> None:
    from healer_agent.logs import scan as engine

    if not engine.HYPERSCAN:
        pytest.skip("no Hyperscan wheel for this platform")
    data = "".join(parts).encode()
    assert engine.scan_hyperscan(data) == engine.scan_re2(data)


def test_the_scan_says_where_each_cleanup_line_starts() -> None:
    from healer_agent.logs.scan import scan

    data = f"{TS}error: x\n{TS}Post job cleanup.\n{TS}x Post job cleanup.".encode()
    cleanups = scan(data).cleanups
    assert cleanups == [data.find(b"Post job"), data.rfind(b"Post job")] != [-1, -1]
    assert {data[at : at + 17] for at in cleanups} == {b"Post job cleanup."}


@settings(max_examples=500, deadline=None)
@given(
    st.binary(max_size=40).map(lambda raw: raw.replace(b"\x00", b"\n")),
    st.integers(0, 45),
    st.integers(0, 12),
    st.integers(0, 45),
)
def test_lines_after_counts_lines_as_one_search_per_line_did(
    data: bytes, offset: int, count: int, ceiling: int
) -> None:
    from healer_agent.logs.scan import lines_after

    pos, expected = offset, None
    for _ in range(count):
        nxt = data.find(b"\n", pos)
        if nxt == -1 or nxt >= ceiling:
            expected = ceiling
            break
        pos = nxt + 1
    assert lines_after(data, offset, count, ceiling) == (
        min(pos, ceiling) if expected is None else expected
    )


def test_of_two_steps_a_short_name_matches_the_one_that_failed() -> None:
    log = gh_log(
        ("pipx install zizmor==1.32.0", ["installed package zizmor 1.32.0"]),
        (
            "zizmor --format plain .",
            ["error[template-injection]: code injection via template expansion"],
        ),
    )
    found = excerpt_text(log, ["zizmor"])
    assert found.failing_step == "Run zizmor --format plain ."


def test_a_warnings_only_lint_summary_is_no_error_and_the_runners_mark_picks_the_step() -> None:
    log = gh_log(
        (
            "npx eslint src",
            [
                "  2:9  warning  'x' is assigned a value but never used",
                "",
                "\u2716 1 problem (0 errors, 1 warning)",
            ],
        ),
        (
            "curl -fsS https://ingest.example.io/upload",
            ["curl: (22) The requested URL returned error: 502"],
        ),
        exit_code=22,
    )
    found = excerpt_text(log, ["Upload coverage"])  # a name no ##[group] title carries
    assert found.failing_step == "Run curl -fsS https://ingest.example.io/upload"
    assert not any("problem" in line for line in found.error_lines)
    strict = gh_log(
        (
            "npx eslint src --max-warnings 0",
            [
                "\u2716 1 problem (0 errors, 1 warning)",
                "ESLint found too many warnings (maximum: 0).",
            ],
        )
    )
    assert any("too many warnings" in line for line in excerpt_text(strict).error_lines)


def _case_log_lines() -> list[str]:
    """Every line of every labelled case's job logs (the vocabulary real tools print)."""
    root = Path(__file__).resolve().parents[2] / "evals" / "cases"
    lines: list[str] = []
    for path in sorted(root.glob("*/*.yaml")):
        case = yaml.safe_load(path.read_text(encoding="utf-8"))
        for text in ((case.get("context") or {}).get("logs") or {}).values():
            lines.extend(str(text).splitlines())
    return lines


def test_every_line_a_detector_files_holds_the_scans_trigger_vocabulary() -> None:
    # the scan decodes and classifies only lines holding a trigger word: a detector whose
    # lines lack one would never see them in a real log
    trigger = re.compile(TRIGGER_SOURCE.encode())
    extra = [
        "[gw1] node down: Not properly terminated",
        "net/http: TLS handshake timeout",
        "dial tcp: lookup index.crates.io on 127.0.0.53:53: no such host",
        "connect: Network is unreachable",
        "502 Bad Gateway",
        "x86_64-linux-gnu-gcc: fatal error: Killed signal terminated program cc1",
    ]
    missed = [
        line
        for line in _case_log_lines() + extra
        if classify(line[29:] if line[:4].isdigit() else line) is not None
        and not trigger.search((line[29:] if line[:4].isdigit() else line).encode())
    ]
    assert missed == []


def test_inlined_set_calls_and_span_search_agree_with_re() -> None:
    import re

    from healer_agent.logs.patternset import Matcher, compiled_bytes, span_search

    patterns = [
        re.compile(r"^error\[E\d{4}\]"),
        re.compile(r"error"),
        re.compile(r"panicked at", re.IGNORECASE),
        re.compile(r"(?<=x)y"),
    ]
    matcher = Matcher([(p, i) for i, p in enumerate(patterns)])
    plain = Matcher([(p, i) for i, p in enumerate(patterns[:3])])  # no `re` fallback
    for line in [*RUSTC, "thread 'main' PANICKED AT a", "xy", "nothing", "caf\u00e9 error"]:
        expected = [i for i, p in enumerate(patterns) if p.search(line)]
        assert matcher.find(line) == expected
        assert matcher.first(line) == (expected[0] if expected else None)
        assert plain.find(line) == [i for i in expected if i < 3]
        assert plain.first(line) == next((i for i in expected if i < 3), None)
    pattern = re.compile(r"(\w+)\.rs\b|(Makefile)")
    search = span_search(compiled_bytes(pattern))
    data = "a.rs: caf\u00e9/b.rs Makefile".encode()
    assert search(data, 0, len(data)) == [(0, 4), (0, 1), (-1, -1)]
    assert search(data, 4, len(data)) == [(12, 16), (12, 13), (-1, -1)]
    assert search(b"nothing", 0, 7) is None


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("0123456789abcdefABCDEF-:T ./x_\u0663\x07\x1b\u212a")),
        max_size=60,
    )
)
def test_signature_masks_and_cleaning_are_the_regex_passes(line: str) -> None:
    """The gates and the deletion table skip work only: the same output as the plain passes."""
    import re

    from healer_agent.logs.clean import clean_text
    from healer_agent.logs.signature import normalize_line

    masks = [
        (r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:\.\d+)?Z?", "<ts>", re.NOFLAG),
        (r"\[REDACTED:[a-z0-9-]+\]", "<secret>", re.NOFLAG),
        (r"\b[0-9a-f]{7,64}\b", "<hex>", re.IGNORECASE),
        (
            r"(?:(?<![\w.@+-])|(?=[A-Za-z]:))(?:[A-Za-z]:)?(?:[\w.@+-]++/)+([\w.@+-]+)",
            r"\1",
            re.NOFLAG,
        ),
        (r"\d+(?:\.\d+)*", "<n>", re.NOFLAG),
    ]
    expected = line
    for source, replacement, flags in masks:
        expected = re.sub(source, replacement, expected, flags=flags)
    assert normalize_line(line) == " ".join(expected.split()).lower()
    stamped = "2025-01-15T10:30:02.1234567Z " + line
    assert clean_text(stamped) == re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", line)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.text(
            alphabet=st.sampled_from(list("0123456789abcdefABCDEF-:T ./x_@+[]\u0663\u212a")),
            max_size=40,
        ),
        max_size=10,
    )
)
def test_signature_masks_a_block_as_it_masks_each_line(lines: list[str]) -> None:
    """The lines masked in one pass per mask: the same signature as line by line."""
    import hashlib

    from healer_agent.logs.signature import normalize_line

    seen: list[str] = []
    for norm in (normalize_line(line) for line in lines):
        if norm and norm not in seen:
            seen.append(norm)
    expected = hashlib.sha256("\n".join(seen[:8]).encode()).hexdigest()[:16]
    assert signature(lines) == expected
    assert signature([*lines, "a\nb 12"]) == signature([*lines, "a b 12"])


def test_the_runners_post_job_cleanup_is_not_the_failing_steps_output() -> None:
    log = (
        gh_log(("cargo build", RUSTC))
        + "\n"
        + "\n".join(
            f"{TS}{line}" for line in ("[command]/usr/bin/git version", "git version 2.51.0")
        )
    )
    found = excerpt_text(log)
    assert "E0425" in found.text
    assert "git version" not in found.text and "Post job cleanup" not in found.text
    # a step's own line that mentions it is output, not the runner's mark
    quoted = gh_log(("echo", ["we print Post job cleanup. ourselves", *RUSTC]))
    assert "we print Post job cleanup." in excerpt_text(quoted).text


def test_an_excerpt_is_built_as_validation_builds_it() -> None:
    """The excerpt is built unvalidated: the same fields, types, fields set, JSON and repr."""
    from healer_agent.logs import Excerpt

    with_errors = excerpt_text(gh_log(("cargo build", RUSTC)), ["Run cargo build"], job_name="b")
    without = excerpt_text(f"{TS}##[group]Run make\n{TS}make\n{TS}##[endgroup]\n{TS}all good")
    assert with_errors.error_lines and not without.error_lines
    for built in (with_errors, without):
        given = {name: getattr(built, name) for name in built.model_fields_set}
        validated = Excerpt(**given)
        assert validated == built
        assert validated.model_fields_set == built.model_fields_set
        assert validated.model_dump_json() == built.model_dump_json()
        assert repr(validated) == repr(built)
        for name in Excerpt.model_fields:
            assert type(getattr(validated, name)) is type(getattr(built, name)), name


@given(
    st.lists(
        st.sampled_from(
            [
                "#",
                "##[error]",
                "#12 3.4 ",
                "web",
                "-1",
                "  ",
                " ",
                "| ",
                ":",
                ": ",
                "build",
                "/",
                "./",
                "packages",
                "$ ",
                "\t",
                "é",
                "@scope",
                ".",
                "x",
                "1",
                "error[E0308]",
                "\n",
            ]
        ),
        max_size=10,
    )
)
def test_the_prefix_precheck_never_hides_a_prefix(parts: list[str]) -> None:
    from healer_agent.logs.clean import _PREFIX, inner_line

    line = "".join(parts)
    match = _PREFIX.match(line)
    assert inner_line(line) == (line[match.end() :] if match else line)


def _json_hits_by_finditer(strings: list[str]) -> set[int]:
    """The strings the JSON gate's ``finditer`` touches: what the bytes search must find."""
    import bisect

    from healer_agent.logs.redact import _JSON_GATE, _SEP

    offsets, pos = [], 0
    for s in strings:
        offsets.append(pos)
        pos += len(s) + 1
    hits: set[int] = set()
    for m in _JSON_GATE.finditer(_SEP.join(strings)):
        first = bisect.bisect_right(offsets, m.start()) - 1
        last = bisect.bisect_right(offsets, max(m.start(), m.end() - 1)) - 1
        hits.update(range(first, last + 1))
    return hits


@pytest.mark.parametrize(
    "strings",
    [
        ["https://api.github.com/repos/o/r/keys{/key_id}", "web_commit_signoff_required"],
        ["a -u", "-u b", "plain", "x", "token=" + "Z9y8X7w6V5u4T3s2R1q0P9o8N7m6L5k4J3i2"],
        [*SECRETS.values(), "nothing here", "-----BEGIN", "é key"],
        ["", "", "key", ""],
    ],
)
def test_redact_json_gates_the_strings_finditer_gates(strings: list[str]) -> None:
    from healer_agent.logs.redact import _SEP, _json_hits

    assert _json_hits(_SEP.join(strings), strings) == _json_hits_by_finditer(strings)


def test_redact_json_remembers_only_strings_it_left_unchanged() -> None:
    import importlib

    module = importlib.import_module(
        "healer_agent.logs.redact"
    )  # the package's `redact` is the function
    module._clean.clear()
    template = "https://api.github.com/repos/o/r/keys{/key_id}"
    body = {"keys_url": template, "note": "token " + SECRETS["github classic"]}
    first = module.redact_json(body)
    assert module.redact_json(body) == first
    assert first["keys_url"] == template
    assert SECRETS["github classic"] not in first["note"]
    assert template in module._clean
    assert not any(SECRETS["github classic"] in s for s in module._clean)


def test_redact_json_keeps_its_memory_of_unchanged_strings_bounded() -> None:
    import importlib

    module = importlib.import_module("healer_agent.logs.redact")
    module._clean.clear()
    body = {f"key_{i}": f"https://api.github.com/repos/o/r{i}/keys{{/key_id}}" for i in range(64)}
    bound = module.CLEAN_BOUND
    try:
        module.CLEAN_BOUND = 8
        assert module.redact_json(body) == body
        assert len(module._clean) <= 8
    finally:
        module.CLEAN_BOUND = bound
        module._clean.clear()


def test_redact_model_counts_an_empty_string_beside_a_secret_as_its_walk_does() -> None:
    """The gated strings are counted by the same walk that redacts them: an empty string
    in a tuple of models must not shift the secret after it out of the gate's hits."""
    from pydantic import BaseModel

    from healer_agent.logs.redact import redact_model

    class Step(BaseModel):
        name: str

    class Run(BaseModel):
        parts: tuple[Step | str, ...]

    token = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"
    out = redact_model(Run(parts=("", f"token={token}", Step(name="build"))))
    assert token not in out.model_dump_json()
    assert out.parts[0] == "" and out.parts[2] == Step(name="build")
