"""Dispatch: render the agent's prompt, build the CodeRun, hand it to a sink."""
