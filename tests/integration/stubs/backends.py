"""Debian's Prometheus and Alertmanager, started on free loopback ports for one test module.

Prometheus scrapes itself and a dead target, evaluates an always-firing rule for the
``shop`` namespace every second and sends it to Alertmanager, so a test sees real series,
a real ``ALERTS`` vector and a real Alertmanager ``/api/v2/alerts`` list. Waiting is
bounded by polling deadlines, never asserted on.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mcp_helpers import free_port, server_binary

STARTUP_DEADLINE_S = 90.0
"""How long a loaded machine may take to start a backend and see the rule fire."""


def _get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=3) as resp:
        return json.loads(resp.read())


def wait_for(
    what: str,
    probe: Callable[[], bool],
    proc: subprocess.Popen[bytes],
    log: Path,
    deadline_s: float = STARTUP_DEADLINE_S,
) -> None:
    """Poll ``probe`` until it is true; fail with the process log when it never is."""
    deadline = time.monotonic() + deadline_s
    while True:
        try:
            if probe():
                return
        except (OSError, ValueError, KeyError):
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{what} not reached: {log.read_text()[-800:]}")
        time.sleep(0.3)


@dataclass(frozen=True)
class Stack:
    prometheus_url: str
    alertmanager_url: str


def binaries() -> tuple[str | None, str | None, str]:
    """(prometheus, alertmanager, why-not) after running the installer once if needed."""
    prom, am = shutil.which("prometheus"), shutil.which("prometheus-alertmanager")
    if prom is None or am is None:
        server_binary("prometheus-mcp-server")  # runs the installer (apt) once
        prom, am = shutil.which("prometheus"), shutil.which("prometheus-alertmanager")
    why = "" if prom and am else "Debian's prometheus/prometheus-alertmanager not installable"
    return prom, am, why


@contextmanager
def prometheus_stack(tmp: Path) -> Iterator[Stack]:
    """Alertmanager, then Prometheus wired to it, both ready and the rule firing."""
    prom_bin, am_bin, why = binaries()
    if prom_bin is None or am_bin is None:
        raise RuntimeError(why)
    am_port, prom_port = free_port(), free_port()
    (tmp / "am.yml").write_text(
        "route: {receiver: devnull, group_wait: 1s}\nreceivers: [{name: devnull}]\n"
    )
    am_log = tmp / "am.log"
    am = subprocess.Popen(
        [
            am_bin,
            f"--config.file={tmp / 'am.yml'}",
            f"--storage.path={tmp / 'am-data'}",
            f"--web.listen-address=127.0.0.1:{am_port}",
            "--cluster.listen-address=",
        ],
        stdout=subprocess.DEVNULL,
        stderr=am_log.open("w"),
    )
    (tmp / "rules.yml").write_text(
        "groups:\n- name: shop\n  interval: 1s\n  rules:\n"
        "  - alert: ShopWebDown\n    expr: vector(1)\n    labels: {severity: critical,"
        " namespace: shop}\n    annotations: {summary: 'web in namespace shop serves 5xx'}\n"
    )
    (tmp / "prom.yml").write_text(
        "global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
        f"rule_files: ['{tmp / 'rules.yml'}']\n"
        "alerting:\n  alertmanagers:\n"
        f"  - static_configs: [{{targets: ['127.0.0.1:{am_port}']}}]\n"
        "scrape_configs:\n"
        f"  - job_name: prometheus\n    static_configs: [{{targets: ['127.0.0.1:{prom_port}']}}]\n"
        "  - job_name: broken\n    static_configs: [{targets: ['127.0.0.1:9']}]\n"
    )
    prom_log = tmp / "prom.log"
    prom = subprocess.Popen(
        [
            prom_bin,
            f"--config.file={tmp / 'prom.yml'}",
            f"--storage.tsdb.path={tmp / 'data'}",
            f"--web.listen-address=127.0.0.1:{prom_port}",
            "--rules.alert.resend-delay=1s",
        ],
        stdout=subprocess.DEVNULL,
        stderr=prom_log.open("w"),
    )
    stack = Stack(f"http://127.0.0.1:{prom_port}", f"http://127.0.0.1:{am_port}")
    try:
        wait_for(
            "alertmanager ready",
            lambda: _get_json(f"{stack.alertmanager_url}/api/v2/status") is not None,
            am,
            am_log,
        )

        def scraped() -> bool:
            body = _get_json(
                f"{stack.prometheus_url}/api/v1/query?query=count_over_time(up%5B1m%5D)"
            )
            series = body["data"]["result"]
            return len(series) == 2 and min(int(s["value"][1]) for s in series) >= 3

        wait_for("prometheus scraping both targets", scraped, prom, prom_log)
        wait_for(
            "the alert reaching alertmanager",
            lambda: any(
                a["labels"].get("alertname") == "ShopWebDown"
                for a in _get_json(f"{stack.alertmanager_url}/api/v2/alerts")
            ),
            prom,
            prom_log,
        )
        yield stack
    finally:
        for proc in (prom, am):
            proc.terminate()
        for proc in (prom, am):
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
