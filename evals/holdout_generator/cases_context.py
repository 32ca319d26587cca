"""Context-driven cases (in progress)."""


def build() -> None:
    pass
