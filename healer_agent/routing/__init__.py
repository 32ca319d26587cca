"""Routing: the pre-router (rules as data), the design's matrix, LLM triage."""
