"""A store URL Healer cannot run on is refused at start-up, naming the setting and why."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from healer_agent.cli_common import CliError, settings_from_env
from healer_agent.config import StoreSettings


@pytest.mark.parametrize(
    ("url", "named"),
    [
        ("", "an empty value"),
        ("healer.db", "'healer.db'"),
        ("sqlite:///./healer.db", "sqlite://"),  # the synchronous driver
        ("postgresql://postgres@127.0.0.1/healer", "postgresql://"),
        ("mysql+aiomysql://root@127.0.0.1/healer", "mysql+aiomysql://"),
    ],
)
def test_a_url_without_an_async_driver_is_refused_with_what_was_given(url: str, named: str) -> None:
    with pytest.raises(ValidationError) as caught:
        StoreSettings(url=url)
    message = caught.value.errors()[0]["msg"]
    assert named in message
    assert "sqlite+aiosqlite://" in message and "postgresql+asyncpg://" in message


@pytest.mark.parametrize(
    "url",
    [
        "sqlite+aiosqlite:///./healer.db",
        "sqlite+aiosqlite://",
        "postgresql+asyncpg://healer:pw@db.internal:5432/healer",
    ],
)
def test_the_two_stores_pass(url: str) -> None:
    assert StoreSettings(url=url).url == url


def test_an_empty_variable_is_one_line_naming_it(monkeypatch: pytest.MonkeyPatch) -> None:
    # a chart that renders the variable with a blank default
    monkeypatch.setenv("HEALER_STORE__URL", "")
    with pytest.raises(CliError) as caught:
        settings_from_env()
    assert str(caught.value).startswith("invalid setting HEALER_STORE__URL: ")
    assert "an empty value" in str(caught.value)
