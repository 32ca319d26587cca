"""Prometheus metrics, on one registry per app so tests and replicas don't share state."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


class Metrics:
    """Every metric Healer exports on ``/metrics``."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.events = Counter(
            "healer_events_total", "Events received", ["event_type", "outcome"], registry=r
        )
        self.incidents = Counter(
            "healer_incidents_total", "Incidents created", ["kind"], registry=r
        )
        self.dedup = Counter("healer_dedup_total", "Dedup outcomes", ["status"], registry=r)
        self.decisions = Counter(
            "healer_decisions_total", "Routing decisions", ["tier", "agent"], registry=r
        )
        self.dispatched = Counter(
            "healer_coderuns_total", "CodeRuns created", ["agent", "sink"], registry=r
        )
        self.stage_errors = Counter(
            "healer_stage_errors_total", "Failed stage attempts", ["stage"], registry=r
        )
        self.mcp_seconds = Histogram(
            "healer_mcp_call_seconds", "MCP tool call latency", ["server", "tool"], registry=r
        )
        self.mcp_errors = Counter(
            "healer_mcp_errors_total", "MCP call errors", ["server", "tool", "kind"], registry=r
        )
        self.mcp_calls = Counter(
            "healer_mcp_calls_total", "MCP tool calls", ["server", "tool", "outcome"], registry=r
        )
        self.mcp_up = Gauge(
            "healer_mcp_server_up",
            "MCP server session ready (1) or not (0)",
            ["server"],
            registry=r,
        )
        self.llm_tokens = Counter(
            "healer_llm_tokens_total", "LLM tokens", ["model", "direction"], registry=r
        )
        self.llm_cost = Counter("healer_llm_cost_usd_total", "Estimated LLM cost", registry=r)
        self.queue_depth = Gauge("healer_queue_depth", "Incidents awaiting routing", registry=r)
        self.queue_age = Gauge(
            "healer_queue_oldest_age_seconds", "Age of the oldest waiting incident", registry=r
        )
        self.inbox_pending = Gauge(
            "healer_inbox_pending", "Accepted events whose intake stage has not run yet", registry=r
        )
        self.inbox_lag = Gauge(
            "healer_inbox_lag_seconds",
            "Age of the oldest accepted event "
            "waiting for its intake stage (the back-pressure signal)",
            registry=r,
        )
        self.dead_rows = Gauge("healer_dead_rows", "Inbox rows parked as dead", registry=r)
        self.outcomes = Counter(
            "healer_remediation_outcomes_total",
            "Remediation outcomes",
            ["agent", "outcome"],
            registry=r,
        )
        self.time_to_fix = Histogram(
            "healer_time_to_fix_seconds",
            "Dispatch to fixed",
            buckets=(60, 300, 600, 900, 1800, 3600, 7200, 21600, 86400),
            registry=r,
        )
        self.escalations = Counter(
            "healer_escalations_total", "Escalations", ["reason"], registry=r
        )
        self.transitions = Counter(
            "healer_incident_transitions_total",
            "Incidents entering a state (routing, held, dispatched, "
            "verifying, fixed, failed, timed_out, handoff, ...)",
            ["state"],
            registry=r,
        )
        self.held_back = Counter(
            "healer_held_back_total",
            "Dispatches held back by admission control",
            ["reason"],
            registry=r,
        )
        self.handoffs = Counter(
            "healer_handoffs_total",
            "Failed fixes handed to another specialist",
            ["from_agent", "to_agent"],
            registry=r,
        )
        self.timeouts = Counter(
            "healer_coderun_timeouts_total",
            "CodeRuns past their agent's timeout",
            ["agent"],
            registry=r,
        )
        self.in_flight = Gauge("healer_coderuns_in_flight", "CodeRuns running now", registry=r)
        self.held_now = Gauge("healer_held_back_now", "Incidents waiting for admission", registry=r)
        self.breakers_open = Gauge(
            "healer_breakers_open", "Open circuit breakers (repository/agent)", registry=r
        )
        self.commands = Counter(
            "healer_chatops_commands_total",
            "ChatOps commands and buttons",
            ["verb", "outcome"],
            registry=r,
        )
        self.intake_seconds = Histogram(
            "healer_intake_seconds", "Time to answer an event", ["endpoint"], registry=r
        )
        self.refused = Counter(
            "healer_requests_refused_total",
            "Requests answered 4xx, by route and status",
            ["endpoint", "status"],
            registry=r,
        )
        self.bodies_in_flight = Gauge(
            "healer_request_bodies_in_flight",
            "Request bodies being read now (bounded by the body gate)",
            registry=r,
        )

    def observe_mcp(self, server: str, tool: str, outcome: str, seconds: float) -> None:
        """One MCP tool call: counted, timed, and (unless ``ok``) an error of its kind."""
        self.mcp_calls.labels(server=server, tool=tool, outcome=outcome).inc()
        self.mcp_seconds.labels(server=server, tool=tool).observe(seconds)
        if outcome != "ok":
            self.mcp_errors.labels(server=server, tool=tool, kind=outcome).inc()
