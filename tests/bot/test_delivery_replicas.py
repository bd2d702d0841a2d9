"""Two bot processes on one database: every due message is sent by exactly one of them.

Each "process" here is a whole app with its own engine (its own connections),
its own Bot API session and its own courier, so claims really race in the
database: FOR UPDATE SKIP LOCKED on PostgreSQL, the BEGIN IMMEDIATE write lock
on SQLite.
"""
from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

from aiogram.methods import SendMessage
from aiogram.utils.i18n import gettext as _
from sqlalchemy import func, select

from bot.app import build_app
from bot.notices.kinds import NoticeContext, NoticeKind, Outgoing, SentMessage, Text
from core.notices import NoticeStatus
from core.usecases.notices import notify
from core.users import Role, User
from scheduler import Courier, RetryPolicy
from storage.tables import TimedMessageRow
from tests.conftest import START, make_settings
from tests.support.recording_session import RecordingSession

PEOPLE = 100
EACH = 5


class Numbered(NoticeKind):
    """A kind made for this test: the message's number, so doubles are easy to spot."""

    async def render(self, context: NoticeContext) -> list[Outgoing]:
        return [Text(f"{_('Main menu')} #{context.params['n']}")]

    async def after_sent(self, context: NoticeContext, sent: list[SentMessage]) -> None:
        """Nothing to remember."""


async def test_two_processes_draining_the_same_500_due_messages_send_each_exactly_once(database_url, clock):
    # Limits that never make anyone wait: what is tested is who sends, not how fast.
    settings = make_settings(database_url, delivery_rate_per_second=1_000_000, delivery_rate_per_chat_seconds=0)
    sessions = [RecordingSession(), RecordingSession()]
    apps = [build_app(settings, clock=clock, session=session) for session in sessions]
    await apps[0].prepare()
    try:
        async with apps[0].unit_of_work() as uow:
            for person in range(PEOPLE):
                await uow.users.add(User(5000 + person, "Person", "uk", "Europe/Kyiv", START, roles={Role.CLIENT}))
                for n in range(EACH):
                    await notify(uow, clock, kind="numbered", recipient_id=5000 + person, key=f"m{person}-{n}", n=person * EACH + n)
            await uow.commit()
        couriers = []
        for app in apps:
            app.delivery.kinds["numbered"] = Numbered()
            # A small window, so that the two take turns many times.
            couriers.append(
                Courier(
                    app.unit_of_work, clock, app.delivery,
                    lease=timedelta(minutes=5), window=20, policy=RetryPolicy(), safety_interval=timedelta(seconds=15),
                )
            )

        await asyncio.gather(*(courier.drain() for courier in couriers))

        texts = [[call.text for call in session.calls if isinstance(call, SendMessage)] for session in sessions]
        counts = Counter(texts[0] + texts[1])
        assert len(counts) == PEOPLE * EACH
        assert set(counts.values()) == {1}
        assert texts[0] and texts[1], "both processes took part"
        async with apps[0].sessions() as db:
            statuses = dict((await db.execute(select(TimedMessageRow.status, func.count()).group_by(TimedMessageRow.status))).all())
        assert statuses == {NoticeStatus.SENT: PEOPLE * EACH}
    finally:
        for app in apps:
            await app.close()
