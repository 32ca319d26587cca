"""A pool of MCP client sessions: one per configured server, opened lazily and kept.

Why a background task per session: the SDK's transports are anyio context managers whose
cancel scopes must be exited by the task that entered them, while tool calls arrive from
many tasks (one per context source). So each session lives inside its own "owner" task,
which enters the transport and ``ClientSession``, publishes the session, and waits for a
stop signal; any task may then send requests through the session.

Failure policy: a timeout, a dead transport or a failed start retires the session (its
owner task closes the transport, killing a hung stdio server) and puts the server into an
exponential backoff; the next call after the backoff opens a fresh session. Tool-level
errors (``is_error``, JSON-RPC errors, backend error bodies) leave the session alone.

Warm pool: :meth:`McpPool.start` opens every server at once (a server that cannot start
costs only itself) and starts a supervisor that pings each live session and reopens dead
ones when their backoff expires, so the first incident after ``healer serve`` (and every
triage run) finds the processes already running. Every call is counted per server and
tool, and reported to an optional observer (the Prometheus metrics). Error texts kept for
``/api/status`` are redacted: a backend's error can quote a URL with its credentials.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
from mcp import ClientSession
from mcp.shared.exceptions import MCPError
from mcp_types import CONNECTION_CLOSED, REQUEST_TIMEOUT, CallToolResult, PaginatedRequestParams

from healer_agent.context.config import McpConfig, ServerConfig
from healer_agent.context.errors import ToolError
from healer_agent.context.protocols import ServerPhase, ServerState, ToolInfo, ToolStats
from healer_agent.context.results import ToolResult, normalise
from healer_agent.context.transports import TransportFactory, make_transport
from healer_agent.logs.redact import redact

log = logging.getLogger(__name__)

_CLOSE_GRACE_S = 5.0
_PING_TIMEOUT_S = 5.0

CallObserver = Callable[[str, str, str, float], None]
"""``(server, tool, outcome, seconds)``; outcome is ``ok`` or a ``ToolError`` kind."""


@dataclass
class _ToolCounter:
    calls: int = 0
    errors: int = 0
    total_ms: float = 0.0
    last_error: str = ""


@dataclass
class _Stats:
    calls: int = 0
    errors: int = 0
    consecutive_failures: int = 0
    last_error: str = ""
    total_ms: float = 0.0
    next_attempt_at: float = 0.0
    connecting: bool = False
    starts: int = 0
    last_ok_at: float = 0.0
    """Monotonic time of the last successful call or ping."""
    tools: dict[str, _ToolCounter] = field(default_factory=dict)


class _Connection:
    """One live session inside its owner task."""

    def __init__(self, name: str, factory: TransportFactory) -> None:
        self.name = name
        self._factory = factory
        self.session: ClientSession | None = None
        self.tools: tuple[ToolInfo, ...] = ()
        self.server_info = ""
        self.error: BaseException | None = None
        self._ready = asyncio.Event()
        self._stop = asyncio.Event()
        self.task: asyncio.Task[None] | None = None

    @property
    def alive(self) -> bool:
        return self.session is not None and not self._stop.is_set()

    async def start(self, timeout_s: float) -> None:
        self.task = asyncio.create_task(self._run(), name=f"mcp-session-{self.name}")
        try:
            async with asyncio.timeout(timeout_s):
                await self._ready.wait()
        except TimeoutError:
            self.stop()
            raise ToolError(
                self.name, "*", "unavailable", f"start exceeded {timeout_s:g}s"
            ) from None
        if self.session is None:
            self.stop()
            raise ToolError(self.name, "*", "unavailable", _describe(self.error))

    async def _run(self) -> None:
        try:
            async with self._factory() as (read, write), ClientSession(read, write) as session:
                init = await session.initialize()
                self.server_info = f"{init.server_info.name} {init.server_info.version}".strip()
                self.tools = await _list_all_tools(session)
                self.session = session
                self._ready.set()
                await self._stop.wait()
        except Exception as exc:  # transport/handshake failures of any server: reported, not raised
            self.error = exc
            log.debug("mcp server %s session ended: %s", self.name, _describe(exc))
        finally:
            self.session = None
            self._ready.set()

    def stop(self) -> None:
        self._stop.set()

    async def wait_closed(self, timeout_s: float) -> None:
        if self.task is None:
            return
        try:
            async with asyncio.timeout(timeout_s):
                await asyncio.shield(self.task)
        except TimeoutError:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.task


async def _list_all_tools(session: ClientSession) -> tuple[ToolInfo, ...]:
    tools: list[ToolInfo] = []
    cursor: str | None = None
    while True:
        page = await session.list_tools(
            params=PaginatedRequestParams(cursor=cursor) if cursor else None
        )
        for tool in page.tools:
            hint = tool.annotations.read_only_hint if tool.annotations else None
            tools.append(
                ToolInfo(tool.name, tool.description or "", dict(tool.input_schema or {}), hint)
            )
        cursor = page.next_cursor
        if not cursor:
            return tuple(tools)


def _describe(exc: BaseException | None) -> str:
    """A one-line reason, unwrapping the exception groups anyio task groups raise."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    if exc is None:
        return "session closed"
    return f"{type(exc).__name__}: {exc}"[:300]


class McpPool:
    """Sessions to every enabled server in the config; implements ``ToolCaller``."""

    def __init__(
        self,
        config: McpConfig,
        *,
        log_dir: Path | None = None,
        transports: Mapping[str, TransportFactory] | None = None,
        backoff_base_s: float = 0.5,
        backoff_max_s: float = 30.0,
        health_interval_s: float = 15.0,
        observer: CallObserver | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config
        self._servers = config.enabled_servers()
        logs = log_dir or Path(config.log_dir or Path(tempfile.gettempdir()) / "healer-mcp")
        self._factories: dict[str, TransportFactory] = {
            name: make_transport(name, cfg, logs) for name, cfg in self._servers.items()
        }
        self._factories.update({k: v for k, v in (transports or {}).items() if k in self._servers})
        self._limits = {n: asyncio.Semaphore(c.max_concurrency) for n, c in self._servers.items()}
        self._opening = {name: asyncio.Semaphore(1) for name in self._servers}
        self._stats = {name: _Stats() for name in self._servers}
        self._conns: dict[str, _Connection] = {}
        self._retired: set[_Connection] = set()
        self._backoff = (backoff_base_s, backoff_max_s)
        self._closed = False
        self._health_interval_s = health_interval_s
        self._clock = clock
        """Backoff and health time (latency is always measured on the monotonic clock)."""
        self._supervisor: asyncio.Task[None] | None = None
        self.observer = observer
        self.on_health: Callable[[dict[str, ServerState]], None] | None = None
        """Called with every server's state after each supervision round (gauges)."""

    # ------------------------------------------------------------------ public API

    def has_server(self, server: str) -> bool:
        """Whether ``server`` is configured and enabled."""
        return server in self._servers

    def server_config(self, server: str) -> ServerConfig:
        """The config of ``server`` (raises ``ToolError(unknown_server)``)."""
        try:
            return self._servers[server]
        except KeyError:
            raise ToolError(server, "*", "unknown_server", "not configured") from None

    async def list_tools(
        self, server: str, *, include_disallowed: bool = False
    ) -> tuple[ToolInfo, ...]:
        """Tools the server offers (cached per session), allowlisted ones unless asked."""
        cfg = self.server_config(server)
        conn = await self._connection(server)
        if include_disallowed:
            return conn.tools
        allowed = set(cfg.tools)
        return tuple(_strip_schema(t, cfg.strip_params) for t in conn.tools if t.name in allowed)

    async def call(
        self, server: str, tool: str, args: Mapping[str, Any], *, timeout_s: float | None = None
    ) -> ToolResult:
        """Call an allowlisted tool with a deadline; raise ``ToolError`` on any failure."""
        cfg = self.server_config(server)
        if tool not in cfg.tools:
            raise ToolError(server, tool, "refused", "not in this server's allowlist")
        conn = await self._guarded(server, tool, self._connection(server, tool))
        info = next((t for t in conn.tools if t.name == tool), None)
        refusal = None
        if info is None:
            refusal = ToolError(server, tool, "not_offered", "the server does not offer this tool")
        elif cfg.require_read_only_hint and info.read_only_hint is not True:
            refusal = ToolError(server, tool, "refused", "not annotated readOnlyHint=true")
        if refusal is not None:  # configuration drift: an error of this call, never sent
            self._count(server, tool, refusal.kind, time.monotonic(), str(refusal))
            raise refusal
        clean = {k: v for k, v in args.items() if k not in cfg.strip_params}
        deadline = timeout_s or cfg.timeout_s
        async with self._limits[server]:
            started = time.monotonic()
            try:
                raw = await self._send(conn, server, tool, clean, deadline)
                elapsed = (time.monotonic() - started) * 1000
                result = normalise(
                    server,
                    tool,
                    raw,
                    max_output_tokens=cfg.max_output_tokens,
                    error_json_keys=cfg.error_json_keys,
                    elapsed_ms=elapsed,
                )
            except ToolError as exc:
                self._count(server, tool, exc.kind, started, str(exc))
                raise
            self._count(server, tool, "ok", started)
            return result

    async def _guarded(self, server: str, tool: str, coro: Any) -> Any:
        """Run the connect step of a call, counting its failure as the call's."""
        started = time.monotonic()
        try:
            return await coro
        except ToolError as exc:
            self._count(server, tool, exc.kind, started, str(exc))
            raise

    def _count(self, server: str, tool: str, outcome: str, started: float, error: str = "") -> None:
        elapsed = time.monotonic() - started
        stats = self._stats[server]
        per_tool = stats.tools.setdefault(tool, _ToolCounter())
        stats.calls += 1
        per_tool.calls += 1
        per_tool.total_ms += elapsed * 1000
        if outcome == "ok":
            stats.total_ms += elapsed * 1000
            stats.last_ok_at = self._clock()
        else:
            stats.errors += 1
            per_tool.errors += 1
            stats.last_error = per_tool.last_error = redact(error[:300])
        if self.observer is not None:
            try:
                self.observer(server, tool, outcome, elapsed)
            except Exception:  # metrics must never fail a call
                log.exception("mcp call observer failed")

    async def probe(self, server: str) -> tuple[float, tuple[ToolInfo, ...]]:
        """Connect (if needed) and return (connect ms, all offered tools), for ``mcp check``."""
        started = time.monotonic()
        conn = await self._connection(server)
        return (time.monotonic() - started) * 1000, conn.tools

    def status(self) -> dict[str, ServerState]:
        """State of every configured server, for ``GET /api/status`` and ``mcp check``."""
        now = self._clock()
        out: dict[str, ServerState] = {}
        for name, cfg in self._servers.items():
            st = self._stats[name]
            conn = self._conns.get(name)
            phase: ServerPhase
            if self._closed:
                phase = "closed"
            elif conn is not None and conn.alive:
                phase = "ready"
            elif st.connecting:
                phase = "connecting"
            elif st.next_attempt_at > now:
                phase = "backoff"
            else:
                phase = "idle"
            offered = {t.name for t in conn.tools} if conn else set()
            ok_calls = st.calls - st.errors
            out[name] = ServerState(
                name=name,
                phase=phase,
                transport=cfg.transport,
                tools_offered=len(offered),
                tools_allowed=len(set(cfg.tools) & offered),
                missing_tools=tuple(t for t in cfg.tools if conn and t not in offered),
                calls=st.calls,
                errors=st.errors,
                consecutive_failures=st.consecutive_failures,
                last_error=st.last_error,
                retry_in_s=max(st.next_attempt_at - now, 0.0),
                avg_latency_ms=st.total_ms / ok_calls if ok_calls > 0 else 0.0,
                server_info=conn.server_info if conn else "",
                starts=st.starts,
                seconds_since_ok=(now - st.last_ok_at) if st.last_ok_at else None,
                tools={
                    tool: ToolStats(
                        c.calls, c.errors, c.total_ms / c.calls if c.calls else 0.0, c.last_error
                    )
                    for tool, c in sorted(st.tools.items())
                },
            )
        return out

    async def start(self, *, supervise: bool = True) -> dict[str, str]:
        """Open every enabled server now, in parallel; a failure costs only that server.

        Returns ``{server: "ready" | reason}``. With ``supervise`` a background task keeps
        the sessions warm (ping, reopen after backoff) until :meth:`aclose`.
        """
        names = list(self._servers)
        outcomes = await asyncio.gather(
            *(self._connection(n) for n in names), return_exceptions=True
        )
        report = {
            name: "ready" if not isinstance(out, BaseException) else _describe(out)
            for name, out in zip(names, outcomes, strict=True)
        }
        if supervise and self._supervisor is None and not self._closed:
            self._supervisor = asyncio.create_task(self._supervise(), name="mcp-supervisor")
        return report

    async def check_health(self) -> None:
        """One supervision round: ping live sessions, reopen dead ones past their backoff."""
        await asyncio.gather(*(self._check_one(n) for n in self._servers))

    async def _check_one(self, server: str) -> None:
        conn = self._conns.get(server)
        if conn is not None and conn.alive and conn.session is not None:
            try:
                async with asyncio.timeout(_PING_TIMEOUT_S):
                    await conn.session.send_ping()
                self._stats[server].consecutive_failures = 0
                self._stats[server].last_ok_at = self._clock()
            except Exception as exc:  # any failure of a ping means the session is gone
                self._break(server, conn, f"ping failed: {_describe(exc)}")
            return
        if self._stats[server].next_attempt_at <= self._clock():
            with contextlib.suppress(ToolError):
                await self._connection(server)

    async def _supervise(self) -> None:
        while not self._closed:
            if self.on_health is not None:
                self.on_health(self.status())
            await asyncio.sleep(self._health_interval_s)
            try:
                await self.check_health()
            except Exception:  # the supervisor must outlive any one round
                log.exception("mcp supervision round failed")

    async def aclose(self) -> None:
        """Close every session and wait (bounded) for the servers to exit."""
        self._closed = True
        if self._supervisor is not None:
            self._supervisor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._supervisor
            self._supervisor = None
        conns = [*self._conns.values(), *self._retired]
        self._conns.clear()
        for conn in conns:
            conn.stop()
        await asyncio.gather(*(c.wait_closed(_CLOSE_GRACE_S) for c in conns))
        self._retired.clear()

    async def __aenter__(self) -> McpPool:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    # ------------------------------------------------------------------ internals

    async def _connection(self, server: str, tool: str = "*") -> _Connection:
        conn = self._conns.get(server)
        if conn is not None and conn.alive:
            return conn
        if self._closed:
            raise ToolError(server, tool, "unavailable", "pool is closed")
        cfg = self.server_config(server)
        stats = self._stats[server]
        async with self._opening[server]:
            conn = self._conns.get(server)
            if conn is not None and conn.alive:
                return conn
            if conn is not None:
                self._retire(server, conn)
            wait = stats.next_attempt_at - self._clock()
            if wait > 0:
                raise ToolError(
                    server,
                    tool,
                    "unavailable",
                    f"backing off {wait:.1f}s after: {stats.last_error or 'failure'}",
                )
            conn = _Connection(server, self._factories[server])
            stats.connecting = True
            stats.starts += 1
            try:
                await conn.start(cfg.startup_timeout_s)
            except ToolError as exc:
                self._retired.add(conn)
                self._fail(server, exc.message)
                raise ToolError(server, tool, "unavailable", exc.message) from None
            except BaseException:  # cancelled mid-start (shutdown): reap the process too
                conn.stop()
                self._retired.add(conn)
                raise
            finally:
                stats.connecting = False
            self._conns[server] = conn
            return conn

    async def _send(
        self, conn: _Connection, server: str, tool: str, args: dict[str, Any], deadline: float
    ) -> CallToolResult:
        session = conn.session
        if session is None:
            raise ToolError(server, tool, "connection_lost", _describe(conn.error))
        try:
            async with asyncio.timeout(deadline):
                result = await session.call_tool(tool, args, read_timeout_seconds=deadline)
        except TimeoutError:
            self._break(server, conn, f"{tool} timed out after {deadline:g}s")
            raise ToolError(server, tool, "timeout", f"no answer within {deadline:g}s") from None
        except MCPError as exc:
            if exc.code == CONNECTION_CLOSED:
                self._break(server, conn, f"connection lost during {tool}")
                raise ToolError(server, tool, "connection_lost", exc.message) from None
            if exc.code == REQUEST_TIMEOUT:
                self._break(server, conn, f"{tool} timed out after {deadline:g}s")
                raise ToolError(server, tool, "timeout", exc.message) from None
            raise ToolError(server, tool, "mcp_error", str(exc.message)[:500]) from None
        except (anyio.ClosedResourceError, anyio.BrokenResourceError, OSError) as exc:
            self._break(server, conn, _describe(exc))
            raise ToolError(server, tool, "connection_lost", _describe(exc)) from None
        self._stats[server].consecutive_failures = 0
        if not isinstance(result, CallToolResult):  # a task-augmented result; not used here
            raise ToolError(server, tool, "mcp_error", f"unexpected result {type(result).__name__}")
        return result

    def _break(self, server: str, conn: _Connection, reason: str) -> None:
        self._fail(server, reason)
        self._retire(server, conn)

    def _retire(self, server: str, conn: _Connection) -> None:
        conn.stop()
        if self._conns.get(server) is conn:
            del self._conns[server]
        self._retired.add(conn)
        if conn.task is not None:
            conn.task.add_done_callback(lambda _t: self._retired.discard(conn))

    def _fail(self, server: str, reason: str) -> None:
        stats = self._stats[server]
        stats.consecutive_failures += 1
        stats.last_error = redact(reason[:300])
        base, cap = self._backoff
        delay = min(base * 2 ** (stats.consecutive_failures - 1), cap)
        stats.next_attempt_at = self._clock() + delay
        log.warning("mcp server %s failed (%s); retry in %.1fs", server, reason, delay)


def _strip_schema(tool: ToolInfo, strip: tuple[str, ...]) -> ToolInfo:
    """Hide stripped parameters from the schema a model sees."""
    if not strip or "properties" not in tool.input_schema:
        return tool
    schema = dict(tool.input_schema)
    schema["properties"] = {k: v for k, v in schema["properties"].items() if k not in strip}
    if "required" in schema:
        schema["required"] = [r for r in schema["required"] if r not in strip]
    return ToolInfo(tool.name, tool.description, schema, tool.read_only_hint)


__all__ = ["CallObserver", "McpPool"]
