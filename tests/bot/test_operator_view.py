"""What an operator sees: /metrics counts what this process stored, handled, failed and set aside, the takeovers it
made, Telegram's 429s and 5xx; it reads the shared backlog (waiting updates and the age of the oldest, timed messages
pending and how overdue) from the database; /healthz fails while the database cannot be reached."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from aiogram.exceptions import TelegramRetryAfter, TelegramServerError
from aiogram.methods import SendMessage
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from prometheus_client.parser import text_string_to_metric_families

from bot.app import App, build_app
from core.usecases.notices import notify
from storage.inbox import keep, kept
from storage.tables import ChatLeaseRow
from tests.bot import booking_support
from tests.bot.test_inbox import a_message
from tests.conftest import make_settings

app, sleeper = booking_support.app, booking_support.sleeper


@pytest.fixture
def settings(database_url: str):
    return make_settings(database_url, inbox_retry_seconds=0.01, inbox_lease_seconds=5)


async def scrape(app: App) -> dict[str, float]:
    pages = web.Application()
    app.operator_pages().install(pages)
    async with TestClient(TestServer(pages)) as http:
        response = await http.get("/metrics")
        assert response.status == 200 and response.content_type == "text/plain"
        text = await response.text()
    return {
        sample.name + (f"{{{','.join(f'{k}={v}' for k, v in sample.labels.items())}}}" if sample.labels else ""): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


async def test_the_counters_say_what_this_process_stored_handled_failed_and_set_aside(app, session):
    broken = a_message(501, "/faq")
    del broken["message"]["date"]  # the dispatcher cannot read it: three failed tries, then set aside
    session.fail_next(SendMessage, lambda method: TelegramRetryAfter(method=method, message="Too Many Requests", retry_after=1))
    session.fail_next(SendMessage, lambda method: TelegramServerError(method=method, message="Bad Gateway"))

    await app.inbox.keep([a_message(500, "/faq"), broken, a_message(502, "/faq", chat_id=1002)])
    assert await app.inbox.idle(timeout=10)

    seen = await scrape(app)
    assert seen["bot_updates_stored_total"] == 3
    assert seen["bot_updates_handled_total"] == 2
    assert seen["bot_updates_failed_total"] == 3
    assert seen["bot_updates_set_aside_total"] == 1
    assert seen["bot_update_handle_seconds_count"] == 5  # every try
    assert seen["bot_chats_held"] == 2
    assert seen["bot_telegram_errors_total{status=429}"] == 1
    assert seen["bot_telegram_errors_total{status=5xx}"] == 1
    assert (seen["bot_inbox_backlog"], seen["bot_inbox_oldest_waiting_seconds"]) == (0, 0)
    assert seen["bot_database_up"] == 1


async def test_the_backlog_shows_what_waits_and_since_when_and_a_takeover_is_counted(app, clock):
    async with app.unit_of_work() as uow:  # a process that died holding chat 1001, with two updates
        await keep(uow.session, [kept(a_message(n, "/faq")) for n in (601, 602)], clock.now())
        uow.session.add(ChatLeaseRow(chat_key=1001, holder="replica-a:7:dead", expires_at=clock.now() + timedelta(seconds=5)))
        await notify(uow, clock, kind="numbered", recipient_id=1001, key="m1", n=1)
        await uow.commit()
    clock.advance(timedelta(seconds=4))

    seen = await scrape(app)
    assert (seen["bot_inbox_backlog"], seen["bot_inbox_oldest_waiting_seconds"]) == (2, 4)
    assert (seen["bot_timed_messages_pending"], seen["bot_timed_messages_overdue_seconds"]) == (1, 4)
    assert (seen["bot_chats_held"], seen["bot_chat_takeovers_total"]) == (0, 0)

    clock.advance(timedelta(seconds=2))
    await app.inbox.tick()
    assert await app.inbox.idle(timeout=10)

    seen = await scrape(app)
    assert (seen["bot_inbox_backlog"], seen["bot_chat_takeovers_total"], seen["bot_updates_handled_total"]) == (0, 1, 2)


async def test_healthz_answers_while_the_database_does_and_fails_when_it_cannot_be_reached(app, tmp_path: Path):
    unreachable = build_app(make_settings(f"sqlite+aiosqlite:///{tmp_path / 'gone' / 'bot.db'}"))
    try:
        for checked, status in ((app, 200), (unreachable, 503)):
            pages = web.Application()
            checked.operator_pages().install(pages)
            async with TestClient(TestServer(pages)) as http:
                assert (await http.get("/healthz")).status == status
        assert (await scrape(unreachable))["bot_database_up"] == 0
    finally:
        await unreachable.close()
