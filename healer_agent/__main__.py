"""``python -m healer_agent`` runs the CLI."""

from healer_agent.cli import main

main()
