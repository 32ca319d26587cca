"""Persistence: the inbox (durable queue), incidents, dedup claims; SQLite or PostgreSQL."""
