"""``healer repl``: prompt_toolkit input over the command registry, rich output.

History, completion and multi-line input; a failing command prints one line and the
session goes on.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prompt_toolkit import PromptSession
from prompt_toolkit.completion import Completer, Completion, PathCompleter
from prompt_toolkit.document import Document
from prompt_toolkit.history import FileHistory, InMemoryHistory
from prompt_toolkit.key_binding import KeyBindings
from rich.console import Console

from healer_agent.compose import Healer
from healer_agent.models import Agent
from healer_agent.repl.commands import COMMANDS, run_line
from healer_agent.repl.session import CommandError, Session


class ReplCompleter(Completer):
    """Commands, then agents, files or incident ids depending on the command."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.paths = PathCompleter(expanduser=True)

    def get_completions(self, document: Document, complete_event: Any) -> Any:
        """Completions for the text before the cursor."""
        text = document.text_before_cursor
        if " " not in text:
            for name in COMMANDS:
                if f"/{name}".startswith(text):
                    yield Completion(f"/{name}", start_position=-len(text))
            return
        command, _, rest = text.partition(" ")
        if command == "/override":
            for agent in Agent:
                if agent.value.startswith(rest):
                    yield Completion(agent.value, start_position=-len(rest))
        elif command == "/show":
            for incident_id in dict.fromkeys(self.session.seen_ids):
                if incident_id.startswith(rest):
                    yield Completion(incident_id, start_position=-len(rest))
        elif command in ("/triage",):
            yield from self.paths.get_completions(Document(rest), complete_event)


def key_bindings() -> KeyBindings:
    """Enter runs the line; Esc-Enter adds a newline (multi-line questions)."""
    kb = KeyBindings()

    @kb.add("enter")
    def _submit(event: Any) -> None:
        event.current_buffer.validate_and_handle()

    @kb.add("escape", "enter")
    def _newline(event: Any) -> None:
        event.current_buffer.insert_text("\n")

    return kb


def history_path(state_dir: Path) -> Path:
    """Where the REPL keeps its history."""
    return state_dir.expanduser() / "repl_history"


async def run_repl(
    healer: Healer,
    *,
    console: Console | None = None,
    prompt_session: PromptSession[str] | None = None,
) -> None:
    """The interactive loop (ends on /exit or end of input)."""
    out = console or Console()
    if prompt_session is None:
        path = history_path(healer.settings.state_dir)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            history: Any = FileHistory(str(path))
        except OSError:
            history = InMemoryHistory()
        prompt_session = PromptSession(history=history, key_bindings=key_bindings(), multiline=True)
    ps = prompt_session

    async def confirm(question: str) -> bool:
        answer = await ps.prompt_async(question)
        return answer.strip().lower() in ("y", "yes")

    session = Session(healer=healer, console=out, confirm=confirm)
    completer = ReplCompleter(session)
    out.print("Healer triage REPL — /help for commands, /exit to leave (Esc-Enter for a new line)")
    while True:
        try:
            line = await ps.prompt_async("healer> ", completer=completer)
        except (EOFError, KeyboardInterrupt):
            break
        try:
            if not await run_line(session, line):
                break
        except CommandError as exc:
            out.print(f"[red]error:[/red] {exc}", highlight=False)
