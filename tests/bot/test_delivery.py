"""Delivery of timed messages: once, on time, in the reader's language, within Telegram's limits.

The kinds here are made for these tests (the engine is what is tested): one
says "Main menu" in the reader's language with a number, so every message is
told apart; the platform's own kinds are tested with their topics.
"""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import CopyMessage, SendInvoice, SendMessage
from aiogram.types import LabeledPrice
from aiogram.utils.i18n import gettext as _
from sqlalchemy import select

from bot.app import App, build_app
from bot.notices.kinds import Copy, Invoice, NoticeContext, NoticeKind, Outgoing, SentMessage, Text
from core.clock import ManualClock
from core.notices import NoticeStatus
from core.usecases.notices import cancel, notify, schedule
from core.users import Role, User
from storage.tables import TimedMessageRow, UserRow
from tests.conftest import START, _isolated_redis_storage, isolated_send_budget
from tests.support.recording_session import RecordingSession
from tests.support.sleeper import ManualSleeper

OLENA = 1001
ANNA = 1002


class Say(NoticeKind):
    """Says "Main menu #<n>" in the reader's language; nothing once `gone` is set (its reason is gone)."""

    def __init__(self) -> None:
        self.sent: list[list[SentMessage]] = []
        self.failures: list[str] = []

    async def render(self, context: NoticeContext) -> list[Outgoing]:
        if context.params.get("gone"):
            return []
        return [Text(f"{_('Main menu')} #{context.params['n']}")]

    async def after_sent(self, context: NoticeContext, sent: list[SentMessage]) -> None:
        self.sent.append(sent)

    async def on_failed(self, context: NoticeContext, reason: str) -> None:
        self.failures.append(reason)


class SayThenShow(NoticeKind):
    """A relay-like message in three parts: a header, a copy and an invoice."""

    def __init__(self) -> None:
        self.sent: list[list[SentMessage]] = []

    async def render(self, context: NoticeContext) -> list[Outgoing]:
        return [
            Text(f"{_('Main menu')} #{context.params['n']}"),
            Copy(from_chat_id=ANNA, message_id=77),
            Invoice("Session", "50 minutes", "booking:1", "UAH", [LabeledPrice(label="Session", amount=150000)]),
        ]

    async def after_sent(self, context: NoticeContext, sent: list[SentMessage]) -> None:
        self.sent.append(sent)


class Punctual(Say):
    """Makes sense only within ten minutes of its time."""

    max_lateness = timedelta(minutes=10)


class Broken(NoticeKind):
    async def render(self, context: NoticeContext) -> list[Outgoing]:
        raise RuntimeError("a bug in a kind")

    async def after_sent(self, context: NoticeContext, sent: list[SentMessage]) -> None:
        """Never reached."""


class HeldUp:
    """Holds up the first message that waits for its turn (no database lock held then) until `go_on` is set."""

    def __init__(self, sleeper: ManualSleeper) -> None:
        self.sleeper = sleeper
        self.waiting, self.go_on = asyncio.Event(), asyncio.Event()

    def monotonic(self) -> float:
        return self.sleeper.monotonic()

    async def sleep(self, seconds: float) -> None:
        self.waiting.set()
        await self.go_on.wait()
        await self.sleeper.sleep(seconds)


@pytest.fixture
def sleeper(clock: ManualClock) -> ManualSleeper:
    return ManualSleeper(clock)


@pytest.fixture
async def app(settings, clock, session, sleeper) -> AsyncIterator[App]:
    app = build_app(
        settings, clock=clock, session=session, fsm_storage=_isolated_redis_storage(), sleeper=sleeper,
        send_budget=isolated_send_budget(sleeper.monotonic),
    )
    await app.prepare()
    app.delivery.kinds.update(say=Say(), parts=SayThenShow(), punctual=Punctual(), broken=Broken())
    async with app.unit_of_work() as uow:
        for person, locale in ((OLENA, "uk"), (ANNA, "en")):
            await uow.users.add(User(person, "Person", locale, "Europe/Kyiv", START, roles={Role.CLIENT}))
        await uow.commit()
    try:
        yield app
    finally:
        await app.close()


async def say(app: App, key: str, n: int, *, to: int = OLENA, at: timedelta = timedelta(0), kind: str = "say", **params: object) -> None:
    async with app.unit_of_work() as uow:
        await schedule(uow, app.clock, kind=kind, recipient_id=to, at=START + at, key=key, n=n, **params)  # type: ignore[arg-type]  # the test's own kinds
        await uow.commit()


def texts_to(session: RecordingSession, chat_id: int = OLENA) -> list[str]:
    return [call.text for call in session.calls if isinstance(call, SendMessage) and call.chat_id == chat_id]


async def stored(app: App, key: str) -> TimedMessageRow:
    async with app.sessions() as db:
        row = await db.scalar(select(TimedMessageRow).where(TimedMessageRow.dedup_key == key))
    assert row is not None
    return row


async def test_a_due_message_goes_out_once_and_a_later_one_at_its_time(app, session, clock):
    await say(app, "now", 1)
    await say(app, "in-an-hour", 2, at=timedelta(hours=1))

    await app.courier.drain()
    await app.courier.drain()
    assert texts_to(session) == ["Головне меню #1"]

    clock.advance(timedelta(minutes=59))
    await app.courier.drain()
    assert texts_to(session) == ["Головне меню #1"]
    clock.advance(timedelta(minutes=1))
    await app.courier.drain()
    assert texts_to(session) == ["Головне меню #1", "Головне меню #2"]
    row = await stored(app, "in-an-hour")
    assert (row.status, row.sent_at, row.claimed_by) == (NoticeStatus.SENT, START + timedelta(hours=1), None)


async def test_a_message_rescheduled_under_its_key_goes_out_once_at_the_new_time(app, session, clock):
    await say(app, "reminder", 1, at=timedelta(minutes=30))
    await say(app, "reminder", 2, at=timedelta(hours=2))

    clock.advance(timedelta(hours=1))
    await app.courier.drain()
    assert texts_to(session) == []
    clock.advance(timedelta(hours=1))
    await app.courier.drain()
    await app.courier.drain()
    assert texts_to(session) == ["Головне меню #2"]


async def test_a_cancelled_message_is_never_sent(app, session, clock):
    await say(app, "session:1:1h", 1, at=timedelta(hours=1))
    async with app.unit_of_work() as uow:
        await cancel(uow, "session:1:1h")
        await uow.commit()

    clock.advance(timedelta(days=1))
    await app.courier.drain()
    assert texts_to(session) == []
    assert (await stored(app, "session:1:1h")).status == NoticeStatus.DROPPED


async def test_a_message_whose_reason_is_gone_is_dropped_not_sent(app, session):
    await say(app, "pay:1", 1, gone=True)

    await app.courier.drain()

    assert texts_to(session) == []
    row = await stored(app, "pay:1")
    assert (row.status, row.last_error) == (NoticeStatus.DROPPED, "its reason is gone")


async def test_it_speaks_the_language_the_reader_has_when_it_is_sent(app, session, client, clock):
    await say(app, "later", 1, at=timedelta(hours=1))
    await client.send("/language")
    await client.click("English")

    clock.advance(timedelta(hours=1))
    await app.courier.drain()

    assert texts_to(session)[-1] == "Main menu #1"


async def test_429_waits_as_long_as_telegram_asks_then_sends_once(app, session, sleeper):
    session.fail_next(
        SendMessage, lambda method: TelegramRetryAfter(method=method, message="Too Many Requests", retry_after=7)
    )
    await say(app, "relay:1", 1)
    await say(app, "relay:2", 2, to=ANNA)

    await app.courier.drain()

    assert texts_to(session, OLENA) == ["Головне меню #1"]
    assert texts_to(session, ANNA) == ["Main menu #2"]
    # Nobody sent anything during the pause: both waited for it.
    assert sum(sleeper.slept) >= 7
    assert (await stored(app, "relay:1")).attempts == 0


async def test_a_server_error_is_retried_later_with_a_growing_delay(app, session, clock):
    for _attempt in range(2):
        session.fail_next(SendMessage, lambda method: TelegramServerError(method=method, message="Bad Gateway"))
    await say(app, "notice", 1)

    await app.courier.drain()
    first = await stored(app, "notice")
    clock.advance(timedelta(seconds=10))
    await app.courier.drain()
    second = await stored(app, "notice")
    clock.advance(timedelta(seconds=19))
    await app.courier.drain()
    assert texts_to(session) == []
    clock.advance(timedelta(seconds=1))
    await app.courier.drain()

    assert (first.status, first.attempts, first.due_at) == (NoticeStatus.PENDING, 1, START + timedelta(seconds=10))
    assert (second.attempts, second.due_at) == (2, START + timedelta(seconds=30))
    assert texts_to(session) == ["Головне меню #1"]
    assert (await stored(app, "notice")).status == NoticeStatus.SENT


async def test_a_network_timeout_is_retried_like_a_server_error(app, session, clock):
    session.fail_next(SendMessage, lambda method: TelegramNetworkError(method=method, message="Request timeout error"))
    await say(app, "notice", 1)

    await app.courier.drain()
    clock.advance(timedelta(seconds=10))
    await app.courier.drain()

    assert texts_to(session) == ["Головне меню #1"]


async def test_after_the_last_attempt_it_gives_up_and_the_kind_hears_of_it(app, session, clock):
    attempts = app.settings.delivery_max_attempts
    for _attempt in range(attempts):
        session.fail_next(SendMessage, lambda method: TelegramServerError(method=method, message="Bad Gateway"))
    await say(app, "notice", 1)

    for _attempt in range(attempts):
        await app.courier.drain()
        clock.advance(timedelta(minutes=10))
    await app.courier.drain()

    row = await stored(app, "notice")
    assert (row.status, row.attempts) == (NoticeStatus.FAILED, attempts)
    assert texts_to(session) == []
    assert app.delivery.kinds["say"].failures == [f"gave up: {row.last_error.removeprefix('gave up: ')}"]


async def test_a_blocked_reader_is_marked_unreachable_and_not_tried_again(app, session, clock, client):
    session.block(OLENA)
    await say(app, "first", 1)
    await app.courier.drain()
    session._blocked.discard(OLENA)  # from now on a send would succeed: none may be attempted
    await say(app, "second", 2)
    clock.advance(timedelta(days=1))
    await app.courier.drain()

    async with app.sessions() as db:
        person = await db.get(UserRow, OLENA)
    assert person.reachable is False
    assert texts_to(session) == []
    first, second = await stored(app, "first"), await stored(app, "second")
    assert (first.status, first.attempts) == (NoticeStatus.FAILED, 1)
    assert "blocked" in first.last_error
    assert second.status == NoticeStatus.FAILED
    assert len(app.delivery.kinds["say"].failures) == 2

    await client.send("/start")  # they are back: what is scheduled from now on reaches them
    await say(app, "third", 3)
    await app.courier.drain()
    assert texts_to(session)[-1] == "Головне меню #3"


async def test_a_message_telegram_refuses_fails_without_retry(app, session, clock):
    session.fail_next(SendMessage, lambda method: TelegramBadRequest(method=method, message="Bad Request: text is too long"))
    await say(app, "notice", 1)

    await app.courier.drain()
    clock.advance(timedelta(days=1))
    await app.courier.drain()

    row = await stored(app, "notice")
    assert (row.status, row.last_error) == (NoticeStatus.FAILED, "TelegramBadRequest: Bad Request: text is too long")
    assert texts_to(session) == []


async def test_a_message_missed_while_the_bot_was_down_goes_out_unless_its_kind_says_it_is_too_late(app, session, clock):
    await say(app, "any-time", 1, at=timedelta(minutes=1))
    await say(app, "punctual-early", 2, at=timedelta(minutes=5), kind="punctual")
    await say(app, "punctual-late", 3, at=timedelta(minutes=1), kind="punctual")

    clock.advance(timedelta(minutes=12))  # the bot was down until now
    await app.courier.drain()

    assert texts_to(session) == ["Головне меню #1", "Головне меню #2"]
    late = await stored(app, "punctual-late")
    assert (late.status, late.last_error) == (NoticeStatus.DROPPED, "its moment has passed")


async def test_copies_and_invoices_go_out_as_such_and_the_kind_learns_what_was_sent(app, session):
    await say(app, "relay", 1, kind="parts")

    await app.courier.drain()

    sent = [call for call in session.calls if getattr(call, "chat_id", None) == OLENA]
    assert [type(call) for call in sent] == [SendMessage, CopyMessage, SendInvoice]
    assert (sent[1].from_chat_id, sent[1].message_id) == (ANNA, 77)
    assert sent[2].prices[0].amount == 150000
    parts = [part for learnt in app.delivery.kinds["parts"].sent for part in learnt]
    assert [type(part.outgoing) for part in parts] == [Text, Copy, Invoice]
    assert all(part.message_id >= 1000 for part in parts)


async def test_after_a_part_failed_only_the_rest_is_sent_again(app, session, clock):
    session.fail_next(CopyMessage, lambda method: TelegramServerError(method=method, message="Internal Server Error"))
    await say(app, "relay", 1, kind="parts")

    await app.courier.drain()
    assert (await stored(app, "relay")).parts_sent == 1
    clock.advance(timedelta(seconds=10))
    await app.courier.drain()

    sent = [type(call) for call in session.calls if getattr(call, "chat_id", None) == OLENA]
    assert sent == [SendMessage, CopyMessage, SendInvoice]
    learnt = [type(part.outgoing) for parts in app.delivery.kinds["parts"].sent for part in parts]
    assert learnt == [Text, Copy, Invoice]


async def test_messages_to_one_chat_go_out_in_order_a_second_apart(app, session, sleeper):
    for n in range(1, 4):
        await say(app, f"n{n}", n)

    await app.courier.drain()

    assert texts_to(session) == ["Головне меню #1", "Головне меню #2", "Головне меню #3"]
    # A second from the answer to the previous one: Telegram counted it somewhere before that answer.
    assert [round(pause, 2) for pause in sleeper.slept] == [1.0, 1.0]


async def test_a_fault_in_a_kind_is_retried_later_and_harms_no_other_message(app, session):
    await say(app, "broken", 1, kind="broken")
    await say(app, "fine", 2)

    await app.courier.drain()

    assert texts_to(session) == ["Головне меню #2"]
    row = await stored(app, "broken")
    assert (row.status, row.attempts, row.last_error) == (NoticeStatus.PENDING, 1, "RuntimeError: a bug in a kind")


async def test_an_unknown_kind_fails_and_an_unknown_reader_is_dropped(app, session):
    await say(app, "mystery", 1, kind="no-such-kind")
    await say(app, "stranger", 2, to=424242)

    await app.courier.drain()

    assert texts_to(session, 424242) == []
    assert (await stored(app, "mystery")).status == NoticeStatus.FAILED
    assert (await stored(app, "stranger")).status == NoticeStatus.DROPPED


async def test_a_crashed_senders_claims_are_sent_once_after_its_lease_runs_out(app, session, clock):
    await say(app, "reminder", 1)
    async with app.unit_of_work() as uow:
        now = clock.now()
        await uow.timed_messages.claim_due(now, "a-process-that-died", now + timedelta(seconds=60), 10)
        await uow.commit()

    await app.courier.drain()
    assert texts_to(session) == []
    clock.advance(timedelta(seconds=60))
    await app.courier.drain()
    await app.courier.drain()

    assert texts_to(session) == ["Головне меню #1"]
    assert (await stored(app, "reminder")).attempts == 1


async def test_the_running_courier_sends_what_a_commit_just_scheduled_without_waiting_for_its_alarm(app, session):
    said = asyncio.Event()
    original = app.delivery.kinds["say"].after_sent

    async def after_sent(context: NoticeContext, sent: list[SentMessage]) -> None:
        await original(context, sent)
        said.set()

    app.delivery.kinds["say"].after_sent = after_sent
    await app.courier.start()
    async with app.unit_of_work() as uow:
        await notify(uow, app.clock, kind="say", recipient_id=OLENA, key="relay:9", n=9)
        await uow.commit()

    # Its safety interval is 15 s: only the commit's wake-up can bring it sooner.
    await asyncio.wait_for(said.wait(), timeout=5)
    await app.courier.stop()
    assert texts_to(session) == ["Головне меню #9"]


async def test_stopping_hands_back_what_was_not_started_and_the_lease_covers_the_one_in_flight(app, session, clock, sleeper):
    held_up = HeldUp(sleeper)
    app.delivery.limits.sleeper = held_up
    for n in range(1, 4):
        await say(app, f"n{n}", n)
    await app.courier.start()
    await asyncio.wait_for(held_up.waiting.wait(), timeout=5)

    clock.advance(timedelta(seconds=50))
    await app.courier.keep_leases()  # what its alarm does every lease/3 while it holds messages
    renewed = await stored(app, "n3")
    await app.courier.stop(grace=0.1)
    second, third = await stored(app, "n2"), await stored(app, "n3")

    assert texts_to(session) == ["Головне меню #1"]
    assert renewed.claimed_until == clock.now() + timedelta(seconds=60)
    # The one in flight may or may not have reached Telegram: its lease brings it back. The rest goes back at once.
    assert (second.status, third.status, third.claimed_by) == (NoticeStatus.SENDING, NoticeStatus.PENDING, None)
    app.delivery.limits.sleeper = sleeper
    await app.courier.drain()
    assert texts_to(session) == ["Головне меню #1", "Головне меню #3"]
    clock.advance(timedelta(seconds=60))
    await app.courier.drain()
    assert texts_to(session) == ["Головне меню #1", "Головне меню #3", "Головне меню #2"]


async def test_a_clock_leaping_a_day_ahead_keeps_the_couriers_claims_and_sends_what_fell_due_at_once(app, session, clock, sleeper):
    """The demo's clock leaps: the courier's own leases must not look abandoned, and tomorrow's message goes now."""
    held_up, all_sent = HeldUp(sleeper), asyncio.Event()
    say_kind = app.delivery.kinds["say"]
    original = say_kind.after_sent

    async def after_sent(context: NoticeContext, sent: list[SentMessage]) -> None:
        await original(context, sent)
        if len(say_kind.sent) == 4:
            all_sent.set()

    say_kind.after_sent = after_sent
    app.delivery.limits.sleeper = held_up
    for n in range(1, 4):
        await say(app, f"now-{n}", n)
    await say(app, "tomorrow", 4, at=timedelta(days=1))
    await app.courier.start()
    await asyncio.wait_for(held_up.waiting.wait(), timeout=5)  # #1 is out, #2 waits for its turn in the chat

    clock.advance(timedelta(days=1))
    app.courier.clock_jumped()
    held_up.go_on.set()
    await asyncio.wait_for(all_sent.wait(), timeout=10)
    await app.courier.stop()

    assert texts_to(session) == ["Головне меню #1", "Головне меню #2", "Головне меню #3", "Головне меню #4"]
    for key in ("now-1", "now-2", "now-3", "tomorrow"):
        row = await stored(app, key)
        assert (row.status, row.attempts) == (NoticeStatus.SENT, 0), key
