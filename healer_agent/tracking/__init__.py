"""Closing the loop: outcomes, the retry cap, escalation, ChatOps, insights, route memory."""
