"""Demo mode: the movable clock is the demo's alone, and it moves the bot's time when the page moves it.

The settings refuse DEMO_CLOCK_FILE beside a real token, a Bot API beyond this
computer or a live payment provider; the composition root wires the shifted
clock only when it is set; the clock follows the file the playground writes,
forward only, and tells the courier at once.
"""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.app import build_app
from bot.demo_clock import DemoClockSource
from bot.settings import Settings
from core.clock import ShiftedClock, SystemClock
from playground.clock import DemoClock
from playground.demo import DEMO_TOKEN, TEST_PROVIDER_TOKEN
from tests.conftest import TEST_TOKEN, make_settings
from tests.support.keys import TEST_DATA_KEYS

LOCAL = "http://127.0.0.1:8081"


def demo_settings(database_url: str, clock_file: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "bot_token": DEMO_TOKEN, "telegram_api_base": LOCAL, "demo_clock_file": clock_file,
        "payment_provider_token": TEST_PROVIDER_TOKEN, **overrides,
    }
    return make_settings(database_url, **values)


@pytest.mark.parametrize(
    ("overrides", "refusal"),
    [
        ({"bot_token": TEST_TOKEN}, "demo token"),
        ({"telegram_api_base": "https://api.telegram.org"}, "TELEGRAM_API_BASE must be on this computer"),
        ({"telegram_api_base": "http://10.0.0.5:8081"}, "TELEGRAM_API_BASE must be on this computer"),
        ({"payment_provider_token": "410694247:LIVE:abcdef"}, "PAYMENT_PROVIDER_TOKEN must be a test token"),
    ],
)
def test_the_demo_clock_is_refused_beside_anything_real(database_url, tmp_path, overrides, refusal):
    with pytest.raises(ValidationError, match=refusal):
        demo_settings(database_url, tmp_path / "clock.json", **overrides)


def test_the_demo_pages_address_is_refused_outside_the_demo(database_url, tmp_path):
    """Links into the bot lead to the demo page only in the demo: a real bot's pages keep t.me."""
    with pytest.raises(ValidationError, match="DEMO_PAGE_URL is for the demo only"):
        make_settings(database_url, demo_page_url="http://127.0.0.1:8090")
    assert demo_settings(database_url, tmp_path / "clock.json", demo_page_url="http://127.0.0.1:8090").demo_page_url
    assert make_settings(database_url, demo_page_url="").demo_page_url is None  # an empty line in .env is unset


def test_the_demo_token_and_the_local_bot_api_are_accepted_on_localhost_too(database_url, tmp_path):
    for base in (LOCAL, "http://localhost:8081", "http://[::1]:8081"):
        assert demo_settings(database_url, tmp_path / "clock.json", telegram_api_base=base).demo_clock_file


async def test_only_demo_mode_gets_the_movable_clock(database_url, tmp_path):
    ordinary = build_app(make_settings(database_url))
    demo = build_app(demo_settings(database_url, tmp_path / "clock.json"))
    try:
        assert isinstance(ordinary.clock, SystemClock) and ordinary.demo_clock is None
        assert isinstance(demo.clock, ShiftedClock) and demo.demo_clock is not None
    finally:
        await ordinary.engine.dispose()
        await demo.engine.dispose()
        await ordinary.bot.session.close()
        await demo.bot.session.close()


def test_the_clock_follows_the_playgrounds_file_forward_only_and_wakes_the_courier_each_jump(tmp_path):
    path = tmp_path / "demo-clock.json"
    page_clock = DemoClock(path)
    bot_clock = ShiftedClock()
    jumps: list[datetime] = []
    source = DemoClockSource(path, bot_clock, lambda: jumps.append(bot_clock.now()))

    assert source.look() is False  # offset 0: nothing moved
    page_clock.advance(timedelta(days=1))
    assert source.look() is True and source.look() is False
    assert bot_clock.offset == timedelta(days=1)
    assert abs(bot_clock.now() - (datetime.now(UTC) + timedelta(days=1))) < timedelta(seconds=5)
    page_clock.advance(timedelta(hours=1))
    assert source.look() is True
    assert bot_clock.offset == timedelta(days=1, hours=1) and len(jumps) == 2

    # Back in time or garbled: the clock stays where it is.
    path.write_text('{"offset_seconds": 60}', encoding="utf-8")
    assert source.look() is False
    path.write_text("a sticker", encoding="utf-8")
    assert source.look() is False
    assert bot_clock.offset == timedelta(days=1, hours=1) and len(jumps) == 2


def test_the_page_clock_moves_to_a_moment_ahead_but_never_back(tmp_path):
    clock = DemoClock(tmp_path / "demo-clock.json")
    ahead = clock.now() + timedelta(days=3)
    assert clock.move_to(ahead)
    assert abs(clock.now() - ahead) < timedelta(seconds=5)
    assert not clock.move_to(ahead - timedelta(days=1))
    assert clock.offset >= timedelta(days=3) - timedelta(seconds=5)


def test_the_bot_process_refuses_to_start_with_the_demo_clock_and_a_real_token(tmp_path):
    env = {
        **os.environ, "BOT_TOKEN": TEST_TOKEN, "DATA_KEYS": TEST_DATA_KEYS, "TELEGRAM_API_BASE": LOCAL,
        "DEMO_CLOCK_FILE": str(tmp_path / "clock.json"), "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
    }
    result = subprocess.run([sys.executable, "-m", "bot"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "DEMO_CLOCK_FILE is for the demo only" in result.stderr and "Traceback" not in result.stderr
