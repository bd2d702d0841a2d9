"""Webhook mode refuses to start without what it needs, in one line that says what to set."""
from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from bot.__main__ import explain
from bot.settings import RunMode, Settings
from tests.support.keys import TEST_DATA_KEYS

TOKEN = "123456:TEST-token-abcdefghijklmnopqrstuvwxyz012345"


def webhook_settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "bot_token": TOKEN,
        "data_keys": TEST_DATA_KEYS,
        "run_mode": "webhook",
        "webhook_base_url": "https://bot.example.org",
        "webhook_secret": "s3cret-token",
        **overrides,
    }
    return Settings(_env_file=None, **values)


def refusal(**overrides: Any) -> str:
    with pytest.raises(ValidationError) as refused:
        webhook_settings(**overrides)
    return explain(refused.value)


def test_webhook_mode_with_its_address_and_secret_is_accepted():
    settings = webhook_settings()
    assert settings.run_mode is RunMode.WEBHOOK


@pytest.mark.parametrize("secret", ["", "has spaces in it", "x" * 257])
def test_webhook_mode_without_a_secret_telegram_accepts_says_what_to_set(secret):
    line = refusal(webhook_secret=secret)
    assert line.startswith("RUN_MODE=webhook needs WEBHOOK_SECRET: set it to a random string of 1-256 characters")
    assert "\n" not in line and "has spaces" not in line


def test_webhook_mode_without_its_public_address_says_what_to_set():
    line = refusal(webhook_base_url="")
    assert line == "RUN_MODE=webhook needs WEBHOOK_BASE_URL (the public https address of this server)."


def test_polling_needs_neither():
    settings = webhook_settings(run_mode="polling", webhook_base_url="", webhook_secret="")
    assert (settings.webhook_base_url, settings.webhook_secret) == (None, None)
