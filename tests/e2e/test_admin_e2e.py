"""The admin console end to end: the real bot process, its database seeded beforehand, an admin over HTTP.

The process runs on the system clock, so the known month (tests/support/platform_month.py) is written
around today's month in Kyiv, and the one figure that depends on the day is worked out for today.
"""
from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy import func, select

from core.users import Role, User
from playground.bot_api import FakeTelegram
from storage.db import create_engine, session_factory
from storage.tables import TimedMessageRow
from storage.uow import SqlUnitOfWork
from tests.support import platform_month
from tests.support.keys import TEST_RING

ADMIN = 900
OLENA, PETRO, MARTA = 1001, 1002, 1003


async def seeded(database_url: str, write) -> None:
    engine = create_engine(database_url, keys=TEST_RING)
    try:
        async with SqlUnitOfWork(session_factory(engine)) as uow:
            await write(uow)
    finally:
        await engine.dispose()


async def pending_broadcast_messages(database_url: str) -> int:
    engine = create_engine(database_url, keys=TEST_RING)
    try:
        async with session_factory(engine)() as db:
            count = await db.scalar(
                select(func.count())
                .select_from(TimedMessageRow)
                .where(TimedMessageRow.kind == "broadcast", TimedMessageRow.status.in_(("pending", "sending")))
            )
            assert count is not None  # COUNT(*) always has its row
            return count
    finally:
        await engine.dispose()


async def test_stats_against_a_known_month_shows_the_exact_figures(
    fake_telegram: FakeTelegram, bot_process_factory, e2e_database_url
):
    now = datetime.now(UTC)
    await seeded(e2e_database_url, lambda uow: platform_month.seed(uow, now))
    bot = bot_process_factory({"ADMIN_IDS": str(ADMIN)})
    await bot.start()
    admin = fake_telegram.user(ADMIN, "Admin", language_code="uk")

    admin.send_command("stats")
    stats = await admin.wait_message("📊 Платформа цього місяця")

    lines = stats["text"].splitlines()
    assert lines[2:7] == [
        f"• Нових записів на день у середньому: {platform_month.per_day(now)} (5 за місяць)",
        "• Проведених сесій на фахівця: 1,33 (усього 4)",
        "• Нових клієнтів на фахівця: 1,33 (усього 4)",
        "• Очікуваний заробіток фахівця: 1 526,67 ₴ (усього 4 580,02 ₴)",
        "Враховано фахівців: 3 (перевірені, які зараз приймають клієнтів або мали оплачену сесію цього місяця).",
    ]
    assert "Повернень цього місяця: 1 на суму 1 200 ₴." in lines
    assert "Заявки за етапами:" in lines


async def test_a_broadcast_that_meets_a_blocked_user_reports_one_unreachable(
    fake_telegram: FakeTelegram, bot_process_factory, e2e_database_url
):
    async def clients(uow):
        for person, name in ((OLENA, "Olena"), (PETRO, "Petro"), (MARTA, "Marta")):
            await uow.users.add(User(person, name, "uk", "Europe/Kyiv", datetime.now(UTC), roles={Role.CLIENT}))
        await uow.commit()

    await seeded(e2e_database_url, clients)
    fake_telegram.block(PETRO)
    bot = bot_process_factory({"ADMIN_IDS": str(ADMIN)})
    await bot.start()
    admin = fake_telegram.user(ADMIN, "Admin", language_code="uk")

    admin.send_command("broadcast")
    await admin.wait_message("📣 Розсилка. Кому її надіслати?")
    admin.click("усі клієнти (3)")
    await admin.wait_message("Кому: усі клієнти (3).")
    announcement = admin.send("У суботу з 10:00 до 10:30 бот оновлюватиметься.")
    preview = await admin.wait_message("⬆️ Саме це вони й отримають: усі клієнти, усього 3.")
    [own_copy] = fake_telegram.calls("copyMessage", chat_id=ADMIN)
    assert own_copy.message is not None
    assert own_copy.message["text"] == announcement["text"]

    admin.click(preview, "✅ Надіслати (3)")
    report = await admin.wait_message("📣 Розсилка #1: усі клієнти")
    for reader in (OLENA, MARTA):
        [copy] = await fake_telegram.wait_for("copyMessage", chat_id=reader)
        assert copy.message is not None
        assert copy.message["text"] == announcement["text"]
        assert "forward_origin" not in copy.message and "Admin" not in str(copy.message)
    for _ in range(100):  # the real process delivers at its own pace
        if await pending_broadcast_messages(e2e_database_url) == 0:
            break
        await asyncio.sleep(0.1)

    # The report may have refreshed itself already; then Telegram answers the
    # button's edit with "not modified", and what the admin sees is what counts.
    admin.click(report, "🔄 Оновити")
    await fake_telegram.wait_for(
        lambda call: call.method == "editMessageText" and call.params.get("message_id") == report["message_id"],
        since=admin.since,
    )
    refreshed = fake_telegram.message(ADMIN, report["message_id"])
    assert refreshed is not None

    assert "✅ Доставлено: 2\n⏳ Очікують: 0\n🚫 Недосяжні (заблокували бота): 1" in refreshed["text"]
    assert fake_telegram.bot_messages(PETRO) == []
