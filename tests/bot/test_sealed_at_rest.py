"""What a client confides is nowhere in the database as it is stored: not in the file's bytes (SQLite: the database
and its write-ahead log), not in any row as a dump would print it (PostgreSQL); with the key, the bot shows it as before.

A client whose Telegram account says «Secretname» (@secret_handle) books Iryna with a note, writes to her through
the bot, and after the session asks for a refund; every update of theirs goes the production way, through the
inbox (stored, then handled).
"""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from aiogram.methods import CopyMessage
from sqlalchemy.engine import make_url

from bot.app import App
from core.staff import StaffRole
from core.usecases.booking import accept_request
from storage.db import is_sqlite
from storage.tables import Base
from tests.bot import booking_support, payment_support
from tests.bot.booking_support import IRYNA, add_therapist, bookings, deliver, stored
from tests.bot.payment_support import ETHICS, add_staff, pay_for
from tests.bot.test_client_request import NOTE, SECRET_FIRST_NAME, SECRET_ID, SECRET_USERNAME, open_thursday_noon
from tests.support.bot_client import BotClient, InboxBotClient

app, sleeper = booking_support.app, booking_support.sleeper
settings, payment_env = payment_support.settings, payment_support.payment_env

TO_THE_THERAPIST = "I had the nightmare about the accident again and could not go to work."
REFUND_REQUEST = "I was admitted to hospital the night before and could not attend."
CONFIDED = (NOTE, TO_THE_THERAPIST, REFUND_REQUEST, SECRET_USERNAME)


class TelegramAccount(InboxBotClient):
    """A client whose updates carry a username, as real ones do, and go through the inbox."""

    def _from(self) -> dict[str, Any]:
        return {**super()._from(), "username": SECRET_USERNAME}


async def stored_bytes(app: App) -> bytes:
    """Everything the database holds, as whoever copies it gets it."""
    url = app.settings.database_url
    if is_sqlite(url):
        path = Path(make_url(url).database or "")
        return b"".join(file.read_bytes() for file in sorted(path.parent.glob(f"{path.name}*")) if file.is_file())
    dumped: list[str] = []
    async with app.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            rows = await connection.execute(sa.text(f"SELECT row_to_json(t)::text FROM {table.name} t"))
            dumped.extend(row[0] for row in rows)
    return "\n".join(dumped).encode("utf-8")


async def test_a_stolen_database_shows_nothing_a_client_confided_and_the_bot_with_its_key_shows_it_all(
    app, session, clock, make_client
):
    await add_therapist(app)
    await add_staff(app, ETHICS, StaffRole.ETHICS, "Oksana", locale="en")
    client = TelegramAccount(app, session, SECRET_ID, SECRET_FIRST_NAME, language_code="en")
    await open_thursday_noon(client)
    await client.click("Grief and loss")
    await client.click("✔️ Done")
    await client.send(NOTE)
    await client.send("Sunny")
    (row,) = await bookings(app)
    async with app.unit_of_work() as uow:
        await accept_request(
            uow, app.clock, therapist_id=IRYNA, booking_id=row.id, version=row.version,
            policy=app.settings.booking_policy(),
        )
    booking = await stored(app, row.id)
    await pay_for(app, session, client, booking)
    await client.send(TO_THE_THERAPIST)
    written = client.last_update["message"]["message_id"]
    await deliver(app)
    clock.set(booking.ends_at + timedelta(hours=2))
    await deliver(app)
    await client.send("/sessions")
    await client.click(next(label for label in client.replies()[-1].buttons if "Iryna Kovalenko" in label))
    await client.click("↩️ Ask for a refund")
    await client.send(REFUND_REQUEST)
    await deliver(app)

    held = await stored_bytes(app)

    assert b"Iryna Kovalenko" in held and b"Sunny" in held  # what is not confided reads as it is: the reading works
    for text in CONFIDED:
        assert text.encode("utf-8") not in held, f"{text!r} is in the database as it is"

    iryna = BotClient(app, session, IRYNA, "Iryna")
    opened = BotClient.texts_of(await iryna.press(f"so:{row.id}"))[0]
    assert opened.endswith(f"📝 Нотатка клієнта, лише для вас:\n{NOTE}")
    relayed = [call for call in session.calls if isinstance(call, CopyMessage) and call.chat_id == IRYNA]
    assert [(call.from_chat_id, call.message_id) for call in relayed] == [(SECRET_ID, written)]
    oksana = make_client(ETHICS, "Oksana", language_code="en")
    await oksana.click("Open the refund")
    assert f"«{REFUND_REQUEST}»" in (oksana.replies()[-1].text or "")


