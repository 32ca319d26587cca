"""A killed program's own figures: climbing holdings say the code grew, counters do not."""

from __future__ import annotations

from healer_agent.logs.growth import growth_before_kill, is_kill

KILL = "/home/runner/work/_temp/a.sh: line 1:  3141 Killed                  npm run prerender"


def _log(lines: list[str]) -> str:
    stamp = "2026-11-28T10:00:{:02d}.0000000Z "
    return "\n".join(stamp.format(n + 10) + line for n, line in enumerate([*lines, KILL]))


def test_a_climbing_holding_before_the_kill_is_found() -> None:
    lines = [
        f"[prerender] {n} pages rendered, {n} kept in memory" for n in range(4000, 28000, 4000)
    ]
    assert is_kill(KILL)
    assert growth_before_kill(_log(lines), KILL) == lines[-1]


def test_things_made_and_none_let_go_are_holdings() -> None:
    kept = [f"replay: batch {n}: {n * 18000} run nodes built, 0 dropped" for n in range(1, 5)]
    assert growth_before_kill(_log(kept), KILL) == kept[-1]
    # the same counts while the program lets them go are progress, not holdings
    freed = [f"replay: batch {n}: {n * 18000} run nodes built, all dropped" for n in range(1, 5)]
    assert growth_before_kill(_log(freed), KILL) is None


def test_a_progress_counter_without_holdings_is_not_growth() -> None:
    lines = [f"[build] {n}/600 modules transformed" for n in range(100, 700, 100)]
    assert growth_before_kill(_log(lines), KILL) is None


def test_progress_beside_a_steady_holding_is_not_growth() -> None:
    fractions = [
        f"[icons] {n}/2400 frames rasterised, frame cache 400 entries"
        for n in range(400, 2800, 400)
    ]
    batches = [f"replay: batch {n}: cache holds 900 entries" for n in range(1, 7)]
    assert growth_before_kill(_log(fractions), KILL) is None
    assert growth_before_kill(_log(batches), KILL) is None
    # the holding itself climbing beside the same progress still is
    climbing = [
        f"[icons] {n}/2400 frames rasterised, frame cache {n} entries"
        for n in range(400, 2800, 400)
    ]
    assert growth_before_kill(_log(climbing), KILL) == climbing[-1]


def test_a_flat_or_short_series_is_not_growth() -> None:
    flat = [f"cache holds {n} entries" for n in (900, 1000, 950, 1000, 980)]
    short = [f"cache holds {n} entries" for n in (1000, 4000, 9000)]
    assert growth_before_kill(_log(flat), KILL) is None
    assert growth_before_kill(_log(short), KILL) is None


def test_the_runners_timestamps_do_not_count_as_figures() -> None:
    lines = ["still working on it, nothing kept"] * 6
    assert growth_before_kill(_log(lines), KILL) is None


def test_figures_a_parent_prints_after_the_kill_count_until_the_step_ends() -> None:
    kill = (
        "  process didn't exit successfully: `/w/target/release/build/labels-1/build-script-build`"
        " (signal: 9, SIGKILL: kill)"
    )
    climbing = [
        f"  labels: {n} of 32768 buffered ({n // 4} MiB reserved)" for n in range(4096, 32769, 4096)
    ]
    stamp = "2026-11-28T10:00:{:02d}.0000000Z "
    after = [kill, "  --- stdout", *climbing, "##[error]Process completed with exit code 101."]
    log = "\n".join(stamp.format(n) + line for n, line in enumerate(after))
    assert is_kill(kill)
    assert growth_before_kill(log, kill) == climbing[-1].strip()
    # a later step's figures are not the killed program's
    later = [
        kill,
        "##[error]Process completed with exit code 101.",
        "##[group]Run report",
        *climbing,
    ]
    log = "\n".join(stamp.format(n) + line for n, line in enumerate(later))
    assert growth_before_kill(log, kill) is None


def test_a_supervisor_reporting_its_worker_gone_is_a_kill() -> None:
    for line in (
        "Error: Worker exited unexpectedly",
        "Jest worker encountered 4 child process exceptions, exceeding retry limit",
        "Error: The service was stopped",
        "error: linking with `cc` failed: signal: 9 (SIGKILL)",
    ):
        assert is_kill(line), line
    assert not is_kill("Error: The request was stopped by the user")
