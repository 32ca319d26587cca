"""A killed program's own output showing its memory (or disk use) grow (pure).

A compiler or test runner killed for memory, or stopped by a full disk, is the runner's
trouble, unless the program's own figures show it holding more and more: a progress line
with a figure that climbs several lines in a row (``24000 kept in memory (~1419 MB)``,
``48000 fingerprints retained``, ``spill: 24 MiB written``) just before the kill is the
code's growth, as a rising memory series in Prometheus is for a deployed workload.
"""

from __future__ import annotations

import itertools
import re

from healer_agent.logs.clean import clean_line

# a kill in the killed program's words, or in its supervisor's: a test pool's worker, a
# bundler's service process
_KILL = re.compile(
    r"\bKilled\b|signal: 9\b|\bSIGKILL\b|exit code:? 137\b|exited with code 137\b|"
    r"Worker exited unexpectedly|worker \S+ (?:exited|terminated) unexpectedly|"
    r"child process exceptions|The service (?:was stopped|is no longer running)"
)
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
# what the figure counts: memory, or things a program keeps (made and none let go: ``72000
# nodes built, 0 dropped``)
_HOLDING = re.compile(
    r"(?i)\b(?:memory|heap|rss|cache[ds]?|retain(?:ed|s)?|kept|keep(?:s|ing)?|held|"
    r"buffer(?:ed|s)?|entries|[kmg]i?b|0 (?:dropped|freed|released|evicted|reclaimed))\b"
)
_MIN_ROWS = 4
_MIN_GROWTH = 1.5
_LOOK_BACK = 40


# figures that count progress, not holdings: ``400/2400 frames``, ``batch 3``, ``epoch 12``
_PROGRESS = re.compile(
    r"\d[\d,]*\s*/\s*\d[\d,]*|(?i:\b(?:batch|step|epoch|iteration|iter|round|pass|attempt|"
    r"chunk|page|part|shard|phase|stage|wave|tick)\s*#?\d+)"
)


def _figures(line: str) -> list[float]:
    """The line's figures, less those that count progress (they climb in every run)."""
    return [float(n.replace(",", "")) for n in _NUMBER.findall(_PROGRESS.sub(" ", line))]


def is_kill(line: str) -> bool:
    """Whether an error line says the program was killed.

    Each alternative of the pattern holds one of these words; the pattern begins with a
    word boundary, so ``re`` would try it at every position of a line without them.
    """
    return (
        "Killed" in line
        or "SIGKILL" in line
        or "signal: 9" in line
        or "137" in line
        or "xited unexpectedly" in line
        or "terminated unexpectedly" in line
        or "child process" in line
        or "The service" in line
    ) and _KILL.search(line) is not None


_DISK_FULL = re.compile(r"No space left on device|\bENOSPC\b|\bStorageFull\b")


def is_disk_full(line: str) -> bool:
    """Whether an error line says the program's disk filled up."""
    return ("No space" in line or "ENOSPC" in line or "StorageFull" in line) and _DISK_FULL.search(
        line
    ) is not None


def growth_before_kill(log: str, kill_line: str) -> str | None:
    """The last line of a climbing series of holding figures around a kill, else None.

    ``kill_line`` is the excerpt's error line; the 40 lines before it in the raw ``log``,
    and up to 40 after it until the step ends, are read without their timestamps (which
    climb too).
    """
    at = log.find(kill_line)
    if at == -1:
        return None
    start = at
    for _ in range(_LOOK_BACK):
        start = log.rfind("\n", 0, max(0, start - 1))
        if start == -1:
            start = 0
            break
    lines = [clean_line(line) for line in log[start:at].splitlines()]
    # what the killed program printed, when its parent reports it after the kill (cargo's
    # ``--- stdout`` of a build script), up to the step's end
    for line in log[at:].splitlines()[1 : _LOOK_BACK + 1]:
        line = clean_line(line)
        if line.startswith("##["):
            break
        lines.append(line)
    return climbing_holding(lines)


def climbing_holding(lines: list[str]) -> str | None:
    """The last line of a series of holding figures that climbs row after row, else None.

    Lines are one series when they differ only in their figures (a workload's periodic
    ``cache holds 150000 entries (~61 MiB)``); the series climbs when some figure rises in
    every row, at least four rows and by half again.
    """
    series: dict[str, list[tuple[list[float], str]]] = {}
    for line in lines:
        if _HOLDING.search(line):
            figures = _figures(line)
            if figures:
                series.setdefault(_NUMBER.sub("#", line), []).append((figures, line))
    for rows in series.values():
        if len(rows) < _MIN_ROWS:
            continue
        for column in range(len(rows[0][0])):
            values = [figures[column] for figures, _ in rows]
            climbing = all(b > a for a, b in itertools.pairwise(values))
            if climbing and values[0] > 0 and values[-1] >= _MIN_GROWTH * values[0]:
                return rows[-1][1].strip()
    return None
