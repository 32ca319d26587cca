"""Healer: routes CI failures and security alerts to the specialist agent that can fix them."""

__version__ = "0.1.0"
