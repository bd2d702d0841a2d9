"""The shared chat end to end: the real bot process relays a client and a therapist over HTTP."""
from __future__ import annotations

from datetime import UTC, datetime

from core.therapists import TherapistProfile
from core.usecases.conversations import open_conversation
from core.users import Role, User
from playground.bot_api import FakeTelegram
from storage.db import create_engine, session_factory
from storage.uow import SqlUnitOfWork
from tests.support.keys import TEST_RING

OLENA, IRYNA = 1001, 2001


async def a_client_and_her_therapist(database_url: str) -> None:
    """What a confirmed booking leaves behind: both people and their conversation."""
    engine = create_engine(database_url, keys=TEST_RING)
    try:
        async with SqlUnitOfWork(session_factory(engine)) as uow:
            now = datetime.now(UTC)
            await uow.users.add(User(OLENA, "Olena", "uk", "Europe/Kyiv", now, display_name="Оля", roles={Role.CLIENT}))
            await uow.users.add(User(IRYNA, "Ірина", "uk", "Europe/Kyiv", now, roles={Role.CLIENT, Role.THERAPIST}))
            await uow.therapists.add(
                TherapistProfile(
                    telegram_id=IRYNA, full_name="Ірина Коваль", about="", education="", experience_years=6,
                    price_minor=120_000, timezone="Europe/Kyiv", share_code="iryna", verified=True,
                )
            )
            await open_conversation(uow, OLENA, IRYNA)
            await uow.commit()
    finally:
        await engine.dispose()


async def test_a_client_and_a_therapist_talk_by_reply_without_either_account_shown(
    fake_telegram: FakeTelegram, bot_process_factory, e2e_database_url
):
    await a_client_and_her_therapist(e2e_database_url)
    bot = bot_process_factory()
    await bot.start()
    olena = fake_telegram.user(OLENA, "Olena", last_name="Ivanenko", username="olena_secret", language_code="uk")
    iryna = fake_telegram.user(IRYNA, "Ірина", language_code="uk")

    asked = olena.send("Добрий вечір! Чи можна перенести сесію?")
    await iryna.wait_message("💬 Оля:")
    [to_iryna] = await fake_telegram.wait_for("copyMessage", chat_id=IRYNA)
    assert to_iryna.message is not None
    assert to_iryna.message["text"] == "Добрий вечір! Чи можна перенести сесію?"

    answered = iryna.reply(to_iryna.message, "Так, оберіть інший час у «Мої сесії».")
    await olena.wait_message("💬 Ірина Коваль:")
    [to_olena] = await fake_telegram.wait_for("copyMessage", chat_id=OLENA)
    assert to_olena.message is not None
    assert to_olena.message["text"] == answered["text"]
    assert to_olena.message["reply_to_message"]["message_id"] == asked["message_id"]

    assert fake_telegram.calls("forwardMessage") == []
    seen_by_iryna = str(fake_telegram.bot_messages(IRYNA))
    assert "forward_origin" not in seen_by_iryna
    assert not any(secret in seen_by_iryna for secret in ("Olena", "Ivanenko", "olena_secret"))
