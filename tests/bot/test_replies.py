"""A handler's own answer that meets Telegram's limits (429, 5xx, a timeout) is sent anyway, once;
what keeps failing is logged with its chat, and the bot carries on. The courier's sends are not
retried here: delivery has its own limits and retries (tests/bot/test_delivery.py expects a 5xx
there to count as a failed attempt, put back in the queue, not absorbed on the spot)."""
from __future__ import annotations

import logging

from aiogram.exceptions import TelegramBadRequest, TelegramNetworkError, TelegramRetryAfter, TelegramServerError
from aiogram.methods import AnswerCallbackQuery, SendMessage

from tests.bot import booking_support
from tests.support.bot_client import BotClient

app, sleeper = booking_support.app, booking_support.sleeper

OLENA = 1001


def too_many(retry_after: int):
    return lambda method: TelegramRetryAfter(method=method, message="Too Many Requests", retry_after=retry_after)


def bad_gateway(method):
    return TelegramServerError(method=method, message="Bad Gateway")


def timed_out(method):
    return TelegramNetworkError(method=method, message="Request timeout error")


def sent_to(session, chat_id: int) -> list[str]:
    return [call.text for call in session.calls if isinstance(call, SendMessage) and call.chat_id == chat_id]


async def test_a_reply_answered_429_waits_retry_after_and_arrives_once(client, session, sleeper):
    faq = (await client.send("/faq"))[0].text
    session.fail_next(SendMessage, too_many(2))

    replies = await client.send("/faq")

    assert BotClient.texts_of(replies) == [faq]
    assert sent_to(session, OLENA) == [faq, faq]  # the first /faq's and this one's: once each
    assert sleeper.slept == [2.0]  # as long as Telegram asked, on the injected clock


async def test_a_reply_answered_502_is_sent_again_after_a_pause(client, session, sleeper):
    session.fail_next(SendMessage, bad_gateway)

    replies = await client.send("/faq")

    assert len(replies) == 1 and "«Оплата пройшла успішно»" in replies[0].text
    assert sleeper.slept == [1.0]


async def test_timeouts_are_retried_with_a_growing_pause(client, session, sleeper):
    for _ in range(3):
        session.fail_next(AnswerCallbackQuery, timed_out)

    replies = await client.press("no-such-button")

    assert BotClient.alerts(replies) == ["Ця кнопка більше не діє. Актуальне меню — /start."]
    assert sleeper.slept == [1.0, 2.0, 4.0]


async def test_a_reply_that_keeps_failing_is_logged_with_its_chat_and_nothing_crashes(client, session, sleeper, caplog):
    for _ in range(8):  # the reply's four attempts, then the apology's four
        session.fail_next(SendMessage, bad_gateway)

    with caplog.at_level(logging.WARNING, logger="bot.replies"):
        lost = await client.send("/faq")
    after = await client.send("/faq")

    assert lost == []
    gave_up = [r.getMessage() for r in caplog.records if r.name == "bot.replies" and r.levelno == logging.ERROR]
    assert gave_up == ["sendMessage to chat 1001 failed after 4 attempt(s): Telegram server says - Bad Gateway"] * 2
    assert sleeper.slept == [1.0, 2.0, 4.0] * 2  # bounded: four attempts each, then given up
    assert len(after) == 1 and "«Оплата пройшла успішно»" in after[0].text


async def test_a_long_retry_after_is_not_waited_for_inside_the_update(client, session, sleeper, caplog):
    session.fail_next(SendMessage, too_many(60))

    with caplog.at_level(logging.ERROR, logger="bot.replies"):
        replies = await client.send("/faq")

    assert sleeper.slept == []
    assert "sendMessage to chat 1001 failed after 1 attempt(s)" in caplog.text
    assert BotClient.texts_of(replies) == [
        "Вибачте, у нас щось пішло не так. Усе, що ви ввели, збережено — спробуйте ще раз."
    ]



def answered_already(method):
    return TelegramBadRequest(
        method=method, message="Bad Request: query is too old and response timeout expired or query ID is invalid"
    )


async def test_a_press_telegram_has_closed_already_is_still_carried_out_without_an_apology(client, app, session, sleeper):
    # As when an update is handled again after its first try had answered the press.
    await client.send("/timezone")
    session.fail_next(AnswerCallbackQuery, answered_already)

    picked = await client.click("Нью-Йорк")

    assert "Нью-Йорк, UTC-5" in BotClient.texts_of(picked)[0]
    assert len(BotClient.texts_of(picked)) == 1  # no apology after it
    assert sleeper.slept == []  # nothing to wait for: Telegram will not take that answer
    async with app.unit_of_work() as uow:
        assert (await uow.users.get(OLENA)).timezone == "America/New_York"
