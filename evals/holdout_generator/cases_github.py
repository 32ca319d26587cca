"""stub."""


def build() -> None:
    pass
