"""Settled timed messages and handled inbox updates are purged after their retention periods, but never what a
refund card still needs, nor an update set aside or still to handle:
a booking's system messages stay while a refund can be asked (30 days after the session) plus the period,
and for good once a refund was asked. START is Tuesday 24 November 2026; the session is on Thursday 26th.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from core.notices import NoticeStatus
from core.usecases.booking import cancel_booking
from core.usecases.refunds import AFTER_SESSION_WINDOW, refund_case
from storage.tables import InboxUpdateRow, TimedMessageRow
from tests.bot import booking_support, payment_support
from tests.bot.booking_support import IRYNA, OLENA, deliver, scene
from tests.bot.payment_support import PROVIDER, confirmed_booking, pay_for, refunds
from tests.conftest import START

app, sleeper = booking_support.app, booking_support.sleeper
settings, payment_env = payment_support.settings, payment_support.payment_env

DAY = timedelta(days=1)
RETENTION = 90 * DAY  # the default RETENTION_TIMED_MESSAGES_DAYS


async def messages(app) -> list[tuple[str, str]]:
    async with app.sessions() as db:
        rows = await db.scalars(select(TimedMessageRow).order_by(TimedMessageRow.id))
        return [(row.dedup_key, row.status) for row in rows]


async def add_message(app, key: str, status: NoticeStatus, *, at) -> None:
    async with app.sessions() as db:
        db.add(TimedMessageRow(
            kind="relay", recipient_id=OLENA, due_at=at, dedup_key=key, params={}, status=status.value, attempts=0,
            created_at=at, sent_at=at if status is NoticeStatus.SENT else None, parts_sent=0,
        ))
        await db.commit()


def of_booking(keys: list[tuple[str, str]], booking_id: int) -> list[tuple[str, str]]:
    return [(key, status) for key, status in keys if key.startswith(f"booking:{booking_id}:")]


@pytest.mark.parametrize("payment_env", [PROVIDER])
async def test_settled_messages_go_after_the_period_a_bookings_only_once_no_refund_can_need_them(
    app, session, make_client, clock
):
    await scene(app)
    olena = make_client(OLENA, "Olena", language_code="en")
    booking = await confirmed_booking(app)
    await pay_for(app, session, olena, booking)
    clock.advance(booking.ends_at - clock.now() + timedelta(minutes=1))  # the session is held, reminders sent
    await deliver(app)
    await add_message(app, "chat:old-relay", NoticeStatus.SENT, at=START)
    await add_message(app, "chat:old-dropped", NoticeStatus.DROPPED, at=START)
    await add_message(app, "chat:stuck", NoticeStatus.PENDING, at=START)  # never sent: never purged
    before = await messages(app)
    sent = of_booking(before, booking.id)
    assert len(sent) >= 3 and {status for _, status in sent} <= {"sent", "dropped"}

    clock.advance(RETENTION)
    assert (await app.sweeper.run_once()).timed_messages == 2
    after = await messages(app)
    assert [key for key, _ in after if key.startswith("chat:")] == ["chat:stuck"]
    assert of_booking(after, booking.id) == sent  # a refund could still have been asked until 30 days ago

    clock.advance(AFTER_SESSION_WINDOW - timedelta(minutes=2))
    assert (await app.sweeper.run_once()).timed_messages == 0
    clock.advance(timedelta(minutes=2))
    assert (await app.sweeper.run_once()).timed_messages == len(sent)
    assert of_booking(await messages(app), booking.id) == []


@pytest.mark.parametrize("payment_env", [PROVIDER])
async def test_a_booking_with_a_refund_keeps_its_system_messages_for_the_card(app, session, make_client, clock):
    await scene(app)
    olena = make_client(OLENA, "Olena", language_code="en")
    booking = await confirmed_booking(app)
    await pay_for(app, session, olena, booking)
    async with app.unit_of_work() as uow:
        await cancel_booking(uow, app.clock, person_id=IRYNA, booking_id=booking.id, version=booking.version, expected_free=True)
    await deliver(app)
    (refund,) = await refunds(app)
    async with app.unit_of_work() as uow:
        card_then = (await refund_case(uow, refund.id)).system_messages
    assert card_then

    clock.advance(3 * 365 * DAY)
    await app.sweeper.run_once()

    async with app.unit_of_work() as uow:
        assert (await refund_case(uow, refund.id)).system_messages == card_then


async def test_handled_updates_go_after_a_week_set_aside_and_waiting_ones_stay(app, clock):
    async with app.sessions() as db:
        for update_id, handled, set_aside in [(1, START, None), (2, START + 2 * DAY, None), (3, None, START), (4, None, None)]:
            db.add(InboxUpdateRow(
                update_id=update_id, chat_key=OLENA, kind="message", payload={"update_id": update_id},
                received_at=START, handled_at=handled, attempts=0, set_aside_at=set_aside,
            ))
        await db.commit()

    clock.advance(7 * DAY)  # the default RETENTION_INBOX_DAYS
    assert (await app.sweeper.run_once()).inbox_updates == 0  # handled exactly a week ago: not older yet
    clock.advance(timedelta(seconds=1))
    assert (await app.sweeper.run_once()).inbox_updates == 1
    async with app.sessions() as db:
        left = list(await db.scalars(select(InboxUpdateRow.update_id).order_by(InboxUpdateRow.update_id)))
    assert left == [2, 3, 4]  # handled 2 days later; set aside (for /inbox); not handled yet


async def test_an_update_set_aside_keeps_what_it_holds_no_longer_than_the_period_then_its_id_goes_too(app, clock):
    async with app.sessions() as db:
        for update_id, set_aside in [(11, START), (12, START + 3 * DAY)]:
            db.add(InboxUpdateRow(
                update_id=update_id, chat_key=OLENA, kind="message", received_at=START, attempts=3,
                payload={"update_id": update_id, "message": {"text": "Мені страшно"}}, set_aside_at=set_aside,
            ))
        await db.commit()

    clock.advance(7 * DAY)  # the default RETENTION_INBOX_DAYS
    assert (await app.sweeper.run_once()).set_aside_dropped == 0  # set aside exactly a week ago: not older yet
    clock.advance(timedelta(seconds=1))
    dropped = await app.sweeper.run_once()

    assert (dropped.set_aside_dropped, dropped.inbox_updates) == (1, 0)
    async with app.sessions() as db:
        rows = {row.update_id: row for row in await db.scalars(select(InboxUpdateRow))}
    assert (rows[11].payload, rows[11].dropped_at) == (None, clock.now())
    assert rows[12].payload == {"update_id": 12, "message": {"text": "Мені страшно"}} and rows[12].dropped_at is None
    async with app.unit_of_work() as uow:
        assert [update.update_id for update in await uow.inbox.set_aside(limit=10)] == [12]  # /inbox lists it alone

    clock.advance(7 * DAY + timedelta(seconds=1))  # the dropped one's id has outlived any re-send
    assert (await app.sweeper.run_once()).inbox_updates == 1
    async with app.sessions() as db:
        assert list(await db.scalars(select(InboxUpdateRow.update_id))) == [12]
