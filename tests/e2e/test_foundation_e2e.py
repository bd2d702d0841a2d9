"""The real bot process, over HTTP, against the local Bot API server."""
from __future__ import annotations

import asyncio
import os
import subprocess
import sys

from tests.support.fake_telegram import FakeTelegram


async def test_a_newcomer_gets_the_ukrainian_greeting_and_menu(fake_telegram: FakeTelegram, bot_process_factory):
    bot = bot_process_factory()
    await bot.start()
    olena = fake_telegram.user(1001, "Olena", language_code="uk")

    olena.send_command("start")
    greeting = await olena.wait_message("Вітаємо, Olena!")

    assert "⚙️ Налаштування" in olena.reply_buttons()
    assert {"message", "callback_query"} <= set(fake_telegram.allowed_updates or [])
    assert fake_telegram.commands, "the command menus were published on start"
    assert greeting["chat"]["id"] == 1001


async def test_language_switch_and_an_unfinished_step_survive_a_restart(
    fake_telegram: FakeTelegram, bot_process_factory
):
    bot = bot_process_factory()
    await bot.start()
    olena = fake_telegram.user(1001, "Olena", language_code="uk")
    olena.send_command("language")
    await olena.wait_message("Оберіть мову")
    olena.click("English")
    await olena.wait_message("Done: I will speak English with you.")
    olena.send_command("timezone")
    await olena.wait_message("Your time zone is Europe/Kyiv")

    assert await bot.stop() == 0
    await bot.start()
    olena.send("Lisbon")

    done = await olena.wait_message("Done: times will be shown for Europe/Lisbon")
    assert done["text"].startswith("Done")


async def test_shutdown_waits_for_an_update_still_being_handled(fake_telegram: FakeTelegram, bot_process_factory):
    bot = bot_process_factory()
    await bot.start()
    olena = fake_telegram.user(1001, "Olena")
    olena.send_command("start")
    await olena.wait_message("Вітаємо")

    fake_telegram.delay_next("sendMessage", 1.5)
    olena.send_command("faq")
    await fake_telegram.wait_for(lambda call: call.method == "getUpdates" and call.params.get("offset"), timeout=10)
    await asyncio.sleep(0.3)  # real process, real wall clock: let the handler reach its slow call
    assert await bot.stop() == 0

    assert any("Як це працює" in text for text in fake_telegram.sent_texts(1001))


def test_without_a_token_the_bot_says_what_to_set_and_exits_2(tmp_path):
    env = {key: value for key, value in os.environ.items() if key != "BOT_TOKEN"}
    result = subprocess.run(
        [sys.executable, "-m", "bot"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("BOT_TOKEN is missing or malformed")
    assert "@BotFather" in lines[0] and "Traceback" not in result.stderr
