"""The operator's triage REPL and the sources it (and ``healer triage``) accept."""
