"""Settings get printed and logged: the secrets in them must not be."""
from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from bot.settings import Settings

TOKEN = "123456:SECRET-token-abcdefghijklmnopqrstuvwxyz"
PROVIDER_TOKEN = "410694247:TEST:provider-secret"
WEBHOOK_SECRET = "webhook-secret-words"
DB_PASSWORD = "db-pass-word"
REDIS_PASSWORD = "redis-pass-word"
DATA_KEY = "U0VDUkVULWRhdGEta2V5LW5vdC10by1iZS1wcmludGU="


def settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "bot_token": TOKEN,
        "data_keys": DATA_KEY,
        "payment_provider_token": PROVIDER_TOKEN,
        "webhook_secret": WEBHOOK_SECRET,
        "database_url": f"postgresql+asyncpg://bot:{DB_PASSWORD}@db.example.org:5432/platform",
        "redis_url": f"redis://:{REDIS_PASSWORD}@redis.example.org:6379/0",
        **overrides,
    }
    return Settings(_env_file=None, **values)


SECRETS = ("SECRET-token", "provider-secret", WEBHOOK_SECRET, DB_PASSWORD, REDIS_PASSWORD, DATA_KEY)


@pytest.mark.parametrize("show", [repr, str, lambda value: f"{value}", lambda value: f"{value!r}"])
def test_printing_settings_shows_no_secret(show):
    printed = show(settings())
    assert [secret for secret in SECRETS if secret in printed] == []
    # Still readable where it matters: which database and Redis, and that the secrets are set.
    assert "db.example.org:5432/platform" in printed and "redis.example.org" in printed
    assert "bot_token=SecretStr('**********')" in printed


def test_the_secrets_are_still_there_for_the_calls_that_need_them():
    loaded = settings()
    assert loaded.bot_token.get_secret_value() == TOKEN
    assert loaded.payment_provider_token is not None and loaded.payment_provider_token.get_secret_value() == PROVIDER_TOKEN
    assert loaded.webhook_secret is not None and loaded.webhook_secret.get_secret_value() == WEBHOOK_SECRET
    assert DB_PASSWORD in loaded.database_url


def test_a_refused_token_is_not_echoed_in_the_error():
    with pytest.raises(ValidationError) as refused:
        settings(bot_token="123456:SECRET-but-too-short")
    assert "malformed bot token" in str(refused.value)
    assert "SECRET" not in str(refused.value)


def test_empty_optional_secrets_are_unset():
    loaded = settings(payment_provider_token=" ", webhook_secret="")
    assert (loaded.payment_provider_token, loaded.webhook_secret) == (None, None)
