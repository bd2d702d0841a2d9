"""/queue shows admins where timed messages stand, per kind; nobody else sees it."""
from __future__ import annotations

from datetime import timedelta

from aiogram.methods import SetMyCommands

from bot.app import notice_kinds
from bot.views.queue_labels import KIND_LABELS
from core.usecases.conversations import ChatNotice
from core.usecases.notices import cancel, schedule
from tests.conftest import ADMIN_ID, START


async def fill_queue(app) -> None:
    clock = app.clock
    async with app.unit_of_work() as uow:
        await schedule(uow, clock, kind=ChatNotice.RELAY, recipient_id=5, at=START - timedelta(minutes=12), key="r1")
        await schedule(uow, clock, kind=ChatNotice.RELAY, recipient_id=5, at=START - timedelta(minutes=2), key="r2")
        await schedule(uow, clock, kind="session-reminder", recipient_id=5, at=START + timedelta(hours=1), key="s1")  # type: ignore[arg-type]  # an undeclared kind
        await schedule(uow, clock, kind="session-reminder", recipient_id=6, at=START + timedelta(days=1), key="s2")  # type: ignore[arg-type]  # an undeclared kind
        await schedule(uow, clock, kind="session-reminder", recipient_id=6, at=START + timedelta(days=2), key="s3")  # type: ignore[arg-type]  # an undeclared kind
        await cancel(uow, "s3")
        await uow.commit()


async def test_an_admin_sees_each_kind_with_how_late_the_oldest_due_message_is(make_client, app):
    await fill_queue(app)

    replies = await make_client(ADMIN_ID, "Admin").send("/queue")

    assert replies[0].text == (
        "📬 Заплановані повідомлення, вт, 24 листопада, 10:00 (Київ, UTC+2)\n\n"
        "Усього: чекають зараз 2 · пізніше 2 · надсилаються 0 · надіслано 0 · відкинуто 1 · не доставлено 0\n\n"
        "повідомлення в чатах клієнтів і терапевтів\nчекають зараз 2 · пізніше 0 · надсилаються 0 (найдовше чекає вже 12 хв)\n"
        "надіслано 0 · відкинуто 0 · не доставлено 0\n\n"
        "session-reminder\nчекають зараз 0 · пізніше 2 · надсилаються 0\n"
        "надіслано 0 · відкинуто 1 · не доставлено 0"
    )


async def test_in_english_and_with_nothing_scheduled(make_client):
    replies = await make_client(ADMIN_ID, "Admin", language_code="en").send("/queue")

    assert replies[0].text == "📬 Timed messages, Tue 24 November, 10:00 (Kyiv, UTC+2)\n\nNothing has been scheduled yet."


async def test_the_queue_counts_what_delivery_did(make_client, app):
    await fill_queue(app)
    await app.courier.drain()  # nobody 5 or 6 is on the platform: both relays are dropped

    replies = await make_client(ADMIN_ID, "Admin", language_code="en").send("/queue")

    assert "chat messages between clients and therapists\ndue now 0 · later 0 · sending 0\nsent 0 · dropped 2 · failed 0" in replies[0].text


async def test_someone_who_is_not_an_admin_is_told_it_is_for_staff(client, app):
    await fill_queue(app)

    replies = await client.send("/queue")

    assert [reply.text for reply in replies] == ["Це лише для команди платформи."]


async def test_the_queue_is_among_an_admins_commands(make_client, app, session):
    await make_client(ADMIN_ID, "Admin").send("/start")
    await app.dispatcher.emit_startup(bot=app.bot, **app.dispatcher.workflow_data)

    mine = [call for call in session.calls if isinstance(call, SetMyCommands) and call.scope.type == "chat"]
    assert ("queue", "Черга запланованих повідомлень") in [(c.command, c.description) for c in mine[-1].commands]


def test_every_kind_of_timed_message_has_words_for_the_queue():
    # internal keys (booking.come_back, payments.invoice) are not what an admin reads
    assert sorted(set(notice_kinds()) - set(KIND_LABELS)) == []
