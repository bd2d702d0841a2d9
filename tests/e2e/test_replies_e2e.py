"""The real process: a reply that meets Telegram's limits still reaches the person, once.

The process waits for real here (what Telegram asks for, then a second's backoff);
tests/bot/test_replies.py covers the bounds and the give-up on the injected clock.
"""
from __future__ import annotations

import pytest

from playground.bot_api import FakeTelegram

OLENA = 1001
FAQ_MARK = "«Оплата пройшла успішно»"


@pytest.mark.parametrize(("status", "retry_after"), [(429, 2), (502, 0)])
async def test_a_reply_answered_429_or_502_then_200_arrives_once(
    fake_telegram: FakeTelegram, bot_process_factory, status: int, retry_after: int
):
    bot = bot_process_factory()
    await bot.start()
    olena = fake_telegram.user(OLENA, "Olena", language_code="uk")
    olena.send_command("start")
    await olena.wait_message("Вітаємо")
    await olena.wait_message("Усе правильно?")  # /start's second message: the zone to confirm
    since = fake_telegram.call_count

    fake_telegram.fail_next("sendMessage", status, retry_after=retry_after)
    olena.send_command("faq")
    await olena.wait_message(FAQ_MARK, timeout=15)

    attempts = fake_telegram.calls("sendMessage", chat_id=OLENA, since=since)
    assert [(call.ok, call.error_code, FAQ_MARK in call.params["text"]) for call in attempts] == [
        (False, status, True), (True, None, True)
    ]
    (faq,) = fake_telegram.sent_texts(OLENA, since=since)
    assert FAQ_MARK in faq
