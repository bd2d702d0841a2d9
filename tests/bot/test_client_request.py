"""Who a session is for: a first request carries the client's topics and note, under a name they chose.

Iryna (Kyiv, Ukrainian) works with anxiety and grief. A new client whose Telegram
account says «Secretname» (@secret_handle) books her through the bot; until they
choose a name, nothing of their Telegram account may reach her.
"""
from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from aiogram.types import BufferedInputFile
from pydantic import BaseModel

from tests.bot import booking_support, payment_support
from tests.bot.booking_support import (
    IRYNA,
    MAKSYM,
    PETRO,
    add_person,
    add_therapist,
    booked,
    bookings,
    deliver,
    sent_to,
    stored,
    utc,
)
from tests.bot.payment_support import pay_for
from tests.support.bot_client import BotClient

app = booking_support.app
sleeper = booking_support.sleeper
payment_env = payment_support.payment_env
settings = payment_support.settings

SECRET_ID = 5550123987
SECRET_FIRST_NAME = "Secretname"
SECRET_USERNAME = "secret_handle"
THURSDAY_NOON_KYIV = utc(2026, 11, 26, 10)
FRIDAY_NOON_KYIV = utc(2026, 11, 27, 10)
NOTE = "Since spring I barely sleep; my mother died in March."


class TelegramAccount(BotClient):
    """A client whose updates carry a username too, as real ones do."""

    def _from(self) -> dict[str, Any]:
        return {**super()._from(), "username": SECRET_USERNAME}


@pytest.fixture
def newcomer(app, session) -> TelegramAccount:
    return TelegramAccount(app, session, user_id=SECRET_ID, first_name=SECRET_FIRST_NAME, language_code="en")


async def open_thursday_noon(client: BotClient) -> list[Any]:
    """/find → Iryna → Thursday → 12:00 (the client's zone is Kyiv) → Book."""
    await client.send("/find")
    await client.click("Iryna Kovalenko · ₴1,200")
    await client.click("📅 Choose a time")
    await client.click("Thu 26 Nov")
    await client.click("12:00")
    return await client.click("✅ Book")


def everything_sent_to(session: Any, chat_id: int) -> str:
    """Every call the bot made to a chat, whole: texts, captions, buttons and their data, files' contents.

    Left out: where a relayed copy is copied from (`from_chat_id`), the request's address that
    Telegram never shows the reader.
    """
    parts = []
    for call in session.calls:
        if getattr(call, "chat_id", None) != chat_id:
            continue
        for name, value in vars(call).items():
            if name == "from_chat_id":
                continue
            if isinstance(value, BufferedInputFile):
                parts.append(value.data.decode("utf-8", "replace"))
            elif isinstance(value, BaseModel):
                parts.append(value.model_dump_json(exclude_none=True))
            else:
                parts.append(json.dumps(value, ensure_ascii=False, default=str))
    return "\n".join(parts)


async def test_a_first_request_asks_the_therapists_topics_and_a_note_and_keeps_them_through_bad_input(
    app, session, newcomer
):
    await add_therapist(app)
    asked = await open_thursday_noon(newcomer)
    assert BotClient.texts_of(asked)[0].startswith("📨 Your request. What would you like to work on?")
    assert newcomer.last_with_button("Anxiety").buttons == ["Anxiety", "Grief and loss", "✔️ Done"]

    # Done with nothing ticked, then a sticker: told what is expected, nothing lost
    assert BotClient.alerts(await newcomer.click("✔️ Done")) == ["Please choose at least one topic: tap it, then «Done»."]
    await newcomer.click("Grief and loss")
    stuck = await newcomer.send_sticker()
    assert BotClient.texts_of(stuck)[0].startswith(
        "Please choose with the buttons: tap the topics you would like to work on, then «Done»."
    )
    assert stuck[-1].buttons == ["Anxiety", "✅ Grief and loss", "✔️ Done"]
    await newcomer.click("Anxiety", in_reply=stuck[-1])
    note_step = await newcomer.click("✔️ Done")
    note_text = BotClient.texts_of(note_step)[0]
    assert note_text.startswith("💬 You would like to work on: Anxiety, Grief and loss")
    assert "(up to 500 characters). Only this therapist reads it." in note_text

    # a sticker and a note too long: the step stays, the topics stay
    assert BotClient.texts_of(await newcomer.send_sticker()) == [
        "Please send the note as text, up to 500 characters, or press «Skip»."
    ]
    too_long = await newcomer.send("x" * 501)
    assert BotClient.texts_of(too_long) == [
        "This note is 501 characters long; please keep it to 500 and send it again, or press «Skip»."
    ]
    assert too_long[-1].buttons == ["Skip"]
    naming = await newcomer.send(NOTE)
    assert await bookings(app) == []  # nothing has left yet: the name comes first

    # the name: nothing pre-filled, the Telegram name only as a button; a sticker is answered
    assert BotClient.texts_of(naming)[0] == (
        "Before it goes out: which name should the therapist see?\n\n"
        "Send it (up to 40 characters, no links). Your Telegram account and username are never shown."
    )
    assert naming[-1].buttons == [f"Show my Telegram name: {SECRET_FIRST_NAME}"]
    assert BotClient.texts_of(await newcomer.send_sticker()) == ["Please send the name as text."]
    assert BotClient.texts_of(await newcomer.send("@sunny_girl")) == [
        "A name can't contain links or @usernames. Please send just a name."
    ]
    sent = await newcomer.send("Sunny")
    assert BotClient.texts_of(sent)[0].startswith("Done: therapists will see you as “Sunny”.\nYou chose ")
    (row,) = await bookings(app)
    assert (row.status, row.request_topics, row.request_note) == ("requested", ["anxiety", "grief"], NOTE)

    # the therapist's card: the name, the topics, the note; the same in My sessions
    await deliver(app)
    (card,) = sent_to(session, IRYNA)
    assert card == (
        "📨 Новий запит на сесію чт, 26 листопада, 12:00 (Київ, UTC+2): Sunny. Візьмете? Якщо не відповісти, запит "
        "скасується вт, 24 листопада, 22:00 (Київ, UTC+2).\n\n💬 Теми запиту: Тривога, Горе і втрата\n\n"
        f"📝 Нотатка клієнта, лише для вас:\n{NOTE}"
    )
    iryna = BotClient(app, session, IRYNA, "Iryna")
    opened = BotClient.texts_of(await iryna.press(f"so:{row.id}"))[0]
    assert "👤 Клієнт: Sunny" in opened
    assert opened.endswith(f"💬 Теми запиту: Тривога, Горе і втрата\n📝 Нотатка клієнта, лише для вас:\n{NOTE}")
    own = BotClient.texts_of(await newcomer.press(f"so:{row.id}"))[0]
    assert own.endswith(
        f"💬 You would like to work on: Anxiety, Grief and loss\n📝 Your note, only this therapist reads it:\n{NOTE}"
    )


async def test_a_declined_client_is_offered_therapists_with_those_topics_and_asking_again_reuses_the_request(
    app, session, newcomer, clock
):
    await add_therapist(app)
    await add_therapist(app, MAKSYM, "Maksym Bondar", topics=["grief", "burnout"])
    await open_thursday_noon(newcomer)
    await newcomer.click("Grief and loss")
    await newcomer.click("✔️ Done")
    await newcomer.send(NOTE)
    await newcomer.send("Sunny")
    await deliver(app)
    iryna = BotClient(app, session, IRYNA, "Iryna")
    mark = len(session.calls)
    await iryna.click("✖️ Відхилити")
    await deliver(app)

    (declined,) = sent_to(session, SECRET_ID, mark)
    assert declined.startswith("😔 Iryna Kovalenko cannot take the session on Thu 26 November, 12:00 (Kyiv, UTC+2).")
    offer = newcomer.last_with_button("🔎 Therapists: Grief and loss")
    assert offer.buttons == ["🔎 Therapists: Grief and loss", "📅 Other times"]
    found = BotClient.texts_of(await newcomer.click("🔎 Therapists: Grief and loss"))[0]
    assert "Found: 1" in found and "Maksym Bondar" in found
    assert "Iryna" not in found  # she works with grief too, but has just declined
    assert newcomer.last_with_button("Maksym Bondar · ₴1,200")
    # widening the search still leaves her out, until the client clears it
    await newcomer.click("Topic: Grief and loss")
    widened = BotClient.texts_of(await newcomer.click("Any topic"))[0]
    assert "Found: 1" in widened and "Iryna" not in widened

    # asking Iryna again for another time: what was chosen is ticked, the note offered again
    await newcomer.click("📅 Other times", in_reply=offer)
    await newcomer.click("Fri 27 Nov")
    await newcomer.click("12:00")
    again = await newcomer.click("✅ Book")
    assert "Ticked: what you chose last time." in BotClient.texts_of(again)[0]
    assert again[-2].buttons == ["Anxiety", "✅ Grief and loss", "✔️ Done"]
    note_step = await newcomer.click("✔️ Done")
    assert f"Last time you wrote: «{NOTE}»" in BotClient.texts_of(note_step)[0]
    await newcomer.click("📝 Same note as last time")
    # the name was chosen the first time: the request goes out at once
    rows = await bookings(app)
    assert (rows[-1].starts_at, rows[-1].request_topics, rows[-1].request_note) == (FRIDAY_NOON_KYIV, ["grief"], NOTE)


async def test_nothing_the_therapist_receives_names_the_clients_telegram_account(app, session, newcomer, clock):
    """Booking, accepting, paying, cancelling, booking again unpaid: every call to Iryna, whole."""
    await add_therapist(app)
    await open_thursday_noon(newcomer)
    await newcomer.click("Anxiety")
    await newcomer.click("✔️ Done")
    await newcomer.click("Skip")
    await newcomer.send("Sunny")
    await deliver(app)
    iryna = BotClient(app, session, IRYNA, "Iryna")
    await iryna.click("✅ Прийняти")
    (row,) = await bookings(app)
    await pay_for(app, session, newcomer, await stored(app, row.id))
    await iryna.press(f"so:{row.id}")
    await newcomer.send("Hello, see you on Thursday")  # through the shared chat
    await deliver(app)
    paid = await stored(app, row.id)
    await newcomer.press(f"sd:{row.id}:{paid.version}:cancel:1")
    await deliver(app)

    # a returning client books directly: no questions, and the payment reminder and expiry reach Iryna too
    await newcomer.send("/find")
    await newcomer.click("Iryna Kovalenko · ₴1,200")
    await newcomer.click("📅 Choose a time")
    await newcomer.click("Fri 27 Nov")
    await newcomer.click("12:00")
    booked_again = await newcomer.click("✅ Book")
    assert BotClient.texts_of(booked_again)[0].startswith("You chose Fri 27 November, 12:00 (Kyiv, UTC+2)")
    await deliver(app)
    for _ in range(5):  # past the payment deadline, Thursday noon
        clock.advance(timedelta(hours=12))
        await deliver(app)
    second = (await bookings(app))[-1]
    assert (second.status, second.request_topics) == ("expired", None)

    received = sent_to(session, IRYNA)
    assert any(text.startswith("ℹ️ Sunny: нагадування про оплату") for text in received), received
    assert any("Оплата пройшла успішно" in text for text in received)
    assert any(text.startswith("✖️ Sunny: сесію") and "скасовано" in text for text in received), received
    everything = everything_sent_to(session, IRYNA)
    for secret in (SECRET_FIRST_NAME, SECRET_USERNAME, str(SECRET_ID)):
        assert secret not in everything


async def test_the_telegram_first_name_reaches_the_therapist_only_when_the_client_chose_it(app, session, newcomer):
    await add_therapist(app)
    await open_thursday_noon(newcomer)
    await newcomer.click("Anxiety")
    await newcomer.click("✔️ Done")
    await newcomer.click("Skip")
    chosen = await newcomer.click(f"Show my Telegram name: {SECRET_FIRST_NAME}")
    assert BotClient.texts_of(chosen)[0].startswith(f"Done: therapists will see you as “{SECRET_FIRST_NAME}”.")
    await deliver(app)
    (card,) = sent_to(session, IRYNA)
    assert f": {SECRET_FIRST_NAME}." in card
    assert card.endswith("💬 Теми запиту: Тривога")  # no note: no note line
    assert SECRET_USERNAME not in everything_sent_to(session, IRYNA)


async def test_a_time_taken_while_the_request_is_written_keeps_the_request_for_the_next_time(
    app, session, newcomer
):
    await add_therapist(app)
    await add_person(app, PETRO, "Petro", locale="uk", zone="Europe/Kyiv")
    await open_thursday_noon(newcomer)
    await newcomer.click("Anxiety")
    await newcomer.click("✔️ Done")
    await newcomer.send(NOTE)
    await booked(app, PETRO, THURSDAY_NOON_KYIV, accepted=False)  # meanwhile

    taken = await newcomer.send("Sunny")
    assert BotClient.texts_of(taken)[0] == (
        "Done: therapists will see you as “Sunny”.\nThis time is no longer free. The next free times with Iryna Kovalenko:"
    )
    await newcomer.click("Thu 26 Nov, 13:00 (Kyiv, UTC+2)")
    sent = await newcomer.click("✅ Book")  # nothing asked again

    assert BotClient.texts_of(sent)[0].startswith("You chose Thu 26 November, 13:00 (Kyiv, UTC+2)")
    mine = [row for row in await bookings(app) if row.client_id == SECRET_ID]
    assert [(row.starts_at, row.request_topics, row.request_note) for row in mine] == [
        (utc(2026, 11, 26, 11), ["anxiety"], NOTE)
    ]


async def test_a_menu_button_from_another_language_mid_request_is_not_taken_for_the_note(app, newcomer):
    """Commands and menu buttons come before any step, in every language: the request ends, nothing is sent."""
    await add_therapist(app)
    await open_thursday_noon(newcomer)
    await newcomer.click("Anxiety")
    await newcomer.click("✔️ Done")
    assert BotClient.texts_of(await newcomer.send("⚙️ Налаштування")) == [
        "I didn't understand that. Please use the menu below, or /help."
    ]
    after = " ".join(BotClient.texts_of(await newcomer.send(NOTE)))
    assert "which name should the therapist see?" not in after
    assert await bookings(app) == []
