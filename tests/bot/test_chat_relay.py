"""The shared chat end to end inside the bot: relays both ways, routing, names, failures.

What a person writes becomes a timed message; the courier delivers it (driven
by hand here), so these tests see exactly what Telegram would be asked to do.
"""
from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import CopyMessage, EditMessageText, ForwardMessage, SendMessage, TelegramMethod
from sqlalchemy import func, select

from bot.app import App, build_app
from core.conversations import Conversation
from core.therapists import TherapistProfile
from core.usecases.conversations import open_conversation
from core.users import Role, User
from storage.tables import RelayedMessageRow, TimedMessageRow
from tests.conftest import START, _isolated_redis_storage
from tests.support.bot_client import BotClient, Reply
from tests.support.present import present
from tests.support.recording_session import BOT_USER
from tests.support.sleeper import ManualSleeper

OLENA, PETRO = 1001, 1002  # clients
IRYNA, MAKSYM = 2001, 2002  # therapists


# -- setting the scene --------------------------------------------------------


@pytest.fixture
async def app(settings, clock, session) -> AsyncIterator[App]:
    """The production app, whose delivery waits out Telegram's per-chat limit on the ManualClock."""
    app = build_app(
        settings, clock=clock, session=session, fsm_storage=_isolated_redis_storage(), sleeper=ManualSleeper(clock)
    )
    await app.prepare()
    try:
        yield app
    finally:
        await app.close()


async def add_client(app, telegram_id: int, first_name: str, *, display_name: str | None, locale: str = "uk") -> None:
    async with app.unit_of_work() as uow:
        await uow.users.add(
            User(telegram_id, first_name, locale, "Europe/Kyiv", START, display_name=display_name, roles={Role.CLIENT})
        )
        await uow.commit()


async def add_therapist(app, telegram_id: int, full_name: str, *, locale: str = "uk") -> None:
    async with app.unit_of_work() as uow:
        first_name = full_name.split()[0]
        await uow.users.add(
            User(telegram_id, first_name, locale, "Europe/Kyiv", START, roles={Role.CLIENT, Role.THERAPIST})
        )
        await uow.therapists.add(
            TherapistProfile(
                telegram_id=telegram_id,
                full_name=full_name,
                about="",
                education="",
                experience_years=6,
                price_minor=120_000,
                timezone="Europe/Kyiv",
                share_code=f"t{telegram_id}",
                verified=True,
            )
        )
        await uow.commit()


async def open_chat(app, client_id: int, therapist_id: int) -> Conversation:
    async with app.unit_of_work() as uow:
        conversation = await open_conversation(uow, client_id, therapist_id)
        await uow.commit()
        return conversation


@pytest.fixture
async def olena(app, make_client) -> BotClient:
    await add_client(app, OLENA, "Olena", display_name="Оля")
    return make_client(OLENA, "Olena", "uk")


@pytest.fixture
async def iryna(app, make_client) -> BotClient:
    await add_therapist(app, IRYNA, "Ірина Коваль")
    return make_client(IRYNA, "Ірина", "uk")


# -- reading what happened ----------------------------------------------------


def calls_to(session, chat_id: int) -> list[tuple[TelegramMethod[Any], Any]]:
    return [
        (method, result)
        for method, result in zip(session.calls, session.results, strict=True)
        if getattr(method, "chat_id", None) == chat_id
    ]


def copies_to(session, chat_id: int) -> list[tuple[CopyMessage, int]]:
    """Each copy and the id it got in the reader's chat."""
    return [(m, r.message_id) for m, r in calls_to(session, chat_id) if isinstance(m, CopyMessage)]


def texts_to(session, chat_id: int) -> list[str]:
    return [present(m.text) for m, _ in calls_to(session, chat_id) if isinstance(m, (SendMessage, EditMessageText))]


def replying_to(message_id: int, chat_id: int) -> dict[str, Any]:
    """A message in `chat_id` as Telegram nests it in a reply to it."""
    return {
        "message_id": message_id,
        "date": int(START.timestamp()),
        "chat": {"id": chat_id, "type": "private"},
        "from": BOT_USER.model_dump(exclude_none=True),
        "text": "…",
    }


async def reply(client: BotClient, message_id: int, text: str) -> list[Reply]:
    return await client.send(text, reply_to_message=replying_to(message_id, client.user_id))


async def send_content(client: BotClient, **content: Any) -> int:
    """Send a non-text message; returns its id in the sender's chat."""
    message = client._message(**content)
    await client.feed({"message": message})
    return message["message_id"]


async def timed_messages(app, kind: str) -> list[tuple[int, str]]:
    """(recipient, dedup key) of each timed message of this kind."""
    async with app.unit_of_work() as uow:
        rows = await uow.session.execute(
            select(TimedMessageRow.recipient_id, TimedMessageRow.dedup_key).where(TimedMessageRow.kind == kind)
        )
        return [tuple(row) for row in rows]


def last_message_id(client: BotClient) -> int:
    return client.last_update["message"]["message_id"]


def button_data(reply: Reply, starting_with: str) -> str:
    for row in reply.markup.inline_keyboard:
        for button in row:
            if button.text.startswith(starting_with):
                return present(button.callback_data)
    raise AssertionError(f"no button starting with {starting_with!r} in {reply.buttons}")


# -- relaying ---------------------------------------------------------------------


async def test_a_message_goes_to_the_therapist_and_a_reply_comes_back_to_the_client(app, session, olena, iryna):
    chat = await open_chat(app, OLENA, IRYNA)

    echo = await olena.send("Добрий вечір! Можна про тривогу?")
    asked = last_message_id(olena)
    await app.courier.drain()

    assert echo == []  # no chatty echo for the sender
    assert texts_to(session, IRYNA) == ["💬 Оля:"]
    [(copy, delivered)] = copies_to(session, IRYNA)
    assert (copy.from_chat_id, copy.message_id) == (OLENA, asked)

    await reply(iryna, delivered, "Звісно, розкажіть.")
    answered = last_message_id(iryna)
    await app.courier.drain()

    assert texts_to(session, OLENA) == ["💬 Ірина Коваль:"]
    [(back, back_id)] = copies_to(session, OLENA)
    assert (back.from_chat_id, back.message_id) == (IRYNA, answered)
    assert back.reply_parameters.message_id == asked  # the client sees which message was answered

    await reply(olena, back_id, "Дякую!")
    await app.courier.drain()
    [_, (again, _)] = copies_to(session, IRYNA)
    assert again.reply_parameters.message_id == answered

    async with app.unit_of_work() as uow:
        rows = await uow.session.execute(
            select(
                RelayedMessageRow.recipient_chat_id,
                RelayedMessageRow.origin_chat_id,
                RelayedMessageRow.header,
                RelayedMessageRow.conversation_id,
            ).order_by(RelayedMessageRow.id)
        )
    assert [tuple(row) for row in rows] == [
        (IRYNA, OLENA, True, chat.id),
        (IRYNA, OLENA, False, chat.id),
        (OLENA, IRYNA, True, chat.id),
        (OLENA, IRYNA, False, chat.id),
        (IRYNA, OLENA, True, chat.id),
        (IRYNA, OLENA, False, chat.id),
    ]
    assert not any(isinstance(call, ForwardMessage) for call in session.calls)


async def test_a_therapist_with_two_clients_answers_the_one_replied_to(app, session, olena, iryna, make_client):
    await add_client(app, PETRO, "Petro", display_name="Петро")
    petro = make_client(PETRO, "Petro")
    await open_chat(app, OLENA, IRYNA)
    await open_chat(app, PETRO, IRYNA)

    await olena.send("Я від Олі")
    await petro.send("Я від Петра")
    await app.courier.drain()
    [(_, from_olena), (_, from_petro)] = copies_to(session, IRYNA)
    assert texts_to(session, IRYNA) == ["💬 Оля:", "💬 Петро:"]

    await reply(iryna, from_petro, "Петре, до зустрічі в четвер")
    for_petro = last_message_id(iryna)
    await reply(iryna, from_olena, "Олю, так, можна")
    for_olena = last_message_id(iryna)
    await app.courier.drain()

    assert [c.message_id for c, _ in copies_to(session, PETRO)] == [for_petro]
    assert [c.message_id for c, _ in copies_to(session, OLENA)] == [for_olena]


async def test_a_reply_to_the_name_header_routes_like_a_reply_to_the_message(app, session, olena, iryna):
    await open_chat(app, OLENA, IRYNA)
    await olena.send("Питання")
    await app.courier.drain()
    [header] = [result for method, result in calls_to(session, IRYNA) if isinstance(method, SendMessage)]

    await reply(iryna, header.message_id, "Слухаю")
    await app.courier.drain()

    assert [c.from_chat_id for c, _ in copies_to(session, OLENA)] == [IRYNA]


@pytest.mark.parametrize(
    ("locale", "no_choice", "not_relayed"),
    [
        ("uk", "Нікому не надіслано. Щоб відповісти клієнтові", "Не надіслано. Повідомлення, на яке ви відповіли"),
        ("en", "Not sent to anyone. To answer a client", "Not sent. The message you replied to did not come"),
    ],
)
async def test_a_therapist_message_that_cannot_be_routed_goes_nowhere_and_is_explained(
    app, session, make_client, olena, locale, no_choice, not_relayed
):
    await add_therapist(app, MAKSYM, "Maksym Shevchuk", locale=locale)
    maksym = make_client(MAKSYM, "Maksym", locale)
    await open_chat(app, OLENA, MAKSYM)
    await maksym.send("/start")
    menu_message = calls_to(session, MAKSYM)[-1][1].message_id

    plain = await maksym.send("Нагадую про сесію")
    to_menu = await reply(maksym, menu_message, "А це кому?")
    await app.courier.drain()

    assert BotClient.texts_of(plain)[0].startswith(no_choice)
    assert BotClient.texts_of(to_menu)[0].startswith(not_relayed)
    assert calls_to(session, OLENA) == []
    assert await timed_messages(app, "relay") == []


async def test_a_therapist_chooses_a_client_from_the_list_and_writes_until_stopping(
    app, session, olena, iryna, make_client
):
    await add_client(app, PETRO, "Petro", display_name="Петро")
    await open_chat(app, OLENA, IRYNA)
    await open_chat(app, PETRO, IRYNA)
    await make_client(PETRO, "Petro").send("Добрий день")
    await app.courier.drain()

    listing = await iryna.send("/clients")
    assert listing[0].text.startswith("Ваші клієнти.")
    # Most recent first, with the last message in the therapist's zone (10:00 in Kyiv).
    assert listing[0].buttons[:2] == ["Петро · Вт, 24 лист., 10:00", "Оля · ще без повідомлень"]

    petro = await iryna.press(button_data(listing[0], "Петро"), listing[0])
    assert BotClient.texts_of(petro)[0].startswith("✍️ Тепер ви пишете в чат: Петро (останнє повідомлення: Вт, 24 лист., 10:00).")
    chosen = await iryna.press(button_data(listing[0], "Оля"), listing[0])
    assert BotClient.texts_of(chosen)[0].startswith("✍️ Тепер ви пишете в чат: Оля. У цьому чаті ще немає повідомлень.")
    await iryna.send("Олю, нагадую про домашнє завдання")
    sent = last_message_id(iryna)
    await app.courier.drain()
    assert [c.message_id for c, _ in copies_to(session, OLENA)] == [sent]

    again = await iryna.click("✖️ Нікому не писати")
    assert BotClient.texts_of(again)[0].startswith("Зараз ви не пишете в жоден чат")
    stray = await iryna.send("А це вже нікому")
    await app.courier.drain()
    assert BotClient.texts_of(stray)[0].startswith("Нікому не надіслано")
    assert len(copies_to(session, OLENA)) == 1


async def test_a_long_client_list_is_paged(app, iryna):
    for n in range(9):
        await add_client(app, 3000 + n, f"Client{n}", display_name=f"Клієнт {n}")
        await open_chat(app, 3000 + n, IRYNA)

    first = await iryna.send("💬 Чати")
    second = await iryna.click("▶️", in_reply=first[0])

    assert len([b for b in first[0].buttons if b.startswith("Клієнт")]) == 8
    assert "◀️" not in first[0].buttons
    [edited] = [r for r in second if isinstance(r.method, EditMessageText)]
    assert [b for b in edited.buttons if b.startswith("Клієнт")] == ["Клієнт 0 · ще без повідомлень"]
    assert "◀️" in edited.buttons and "▶️" not in edited.buttons


async def test_a_forged_conversation_button_is_refused(app, session, olena, iryna, make_client):
    await add_client(app, PETRO, "Petro", display_name="Петро")
    petros = await open_chat(app, PETRO, IRYNA)
    await open_chat(app, OLENA, IRYNA)

    replies = await olena.press(f"chat:{petros.id}")
    sent = await olena.press(f"chatsend:{petros.id}:1")

    assert BotClient.alerts(replies) == ["Цей чат недоступний. Відкрийте 💬 Чати ще раз."]
    assert BotClient.alerts(sent) == ["Цей чат недоступний. Відкрийте 💬 Чати ще раз."]
    assert await timed_messages(app, "relay") == []


async def test_a_client_with_two_therapists_picks_and_the_choice_is_remembered(app, session, olena, iryna):
    await add_therapist(app, MAKSYM, "Maksym Shevchuk")
    await open_chat(app, OLENA, IRYNA)
    await open_chat(app, OLENA, MAKSYM)

    asked = await olena.send("Кому це піде?")
    waiting = last_message_id(olena)
    assert asked[0].text == "Кому це повідомлення?"
    assert sorted(asked[0].buttons) == ["Maksym Shevchuk", "Ірина Коваль"]
    assert await timed_messages(app, "relay") == []

    picked = await olena.click("Maksym Shevchuk", in_reply=asked[0])
    await olena.send("І це теж")
    then = last_message_id(olena)
    await app.courier.drain()

    assert BotClient.texts_of(picked)[0].startswith("Надіслано. Кому: Maksym Shevchuk.")
    assert [c.message_id for c, _ in copies_to(session, MAKSYM)] == [waiting, then]
    assert copies_to(session, IRYNA) == []

    # A double tap: Telegram refuses to edit the message to what it already says.
    session.fail_next(
        EditMessageText,
        lambda method: TelegramBadRequest(method=method, message="Bad Request: message is not modified"),
    )
    pressed_twice = await olena.click("Maksym Shevchuk", in_reply=asked[0])
    await app.courier.drain()
    assert BotClient.alerts(pressed_twice) == [] and BotClient.texts_of(pressed_twice) == []
    assert len(copies_to(session, MAKSYM)) == 2  # the waiting message went once


# -- what is carried, and how -------------------------------------------------------


async def test_media_are_copied_never_forwarded(app, session, olena, iryna):
    await open_chat(app, OLENA, IRYNA)
    file = {"file_id": "f", "file_unique_id": "u"}
    sent = [
        await send_content(olena, photo=[{**file, "width": 90, "height": 90}], caption="Мій малюнок"),
        await send_content(olena, voice={**file, "duration": 4}),
        await send_content(olena, video={**file, "width": 9, "height": 9, "duration": 3}),
        await send_content(olena, video_note={**file, "length": 9, "duration": 3}),
        await send_content(olena, audio={**file, "duration": 60}),
        await send_content(olena, document={**file, "file_name": "щоденник.pdf"}),
        await send_content(olena, animation={**file, "width": 9, "height": 9, "duration": 1}),
    ]
    await olena.send_sticker()
    sent.append(last_message_id(olena))
    await app.courier.drain()

    copies = copies_to(session, IRYNA)
    assert [(c.from_chat_id, c.message_id, c.caption) for c, _ in copies] == [(OLENA, m, None) for m in sent]
    assert texts_to(session, IRYNA) == ["💬 Оля:"] * len(sent)
    assert not any(isinstance(call, ForwardMessage) for call in session.calls)
    assert texts_to(session, OLENA) == []


@pytest.mark.parametrize(
    ("locale", "explained"),
    [("uk", "Такі повідомлення я не можу передати."), ("en", "This kind of message can't be passed on.")],
)
async def test_a_location_or_contact_is_explained_not_relayed(app, session, iryna, make_client, locale, explained):
    await add_client(app, PETRO, "Petro", display_name="Петро", locale=locale)
    petro = make_client(PETRO, "Petro", locale)
    await open_chat(app, PETRO, IRYNA)

    await send_content(petro, location={"latitude": 50.45, "longitude": 30.52})
    await send_content(petro, contact={"phone_number": "+380501234567", "first_name": "Petro"})
    await app.courier.drain()

    assert [text.split("\n")[0][: len(explained)] for text in texts_to(session, PETRO)] == [explained, explained]
    assert calls_to(session, IRYNA) == []


async def test_the_therapist_sees_the_chosen_name_never_the_telegram_identity(app, session, iryna, make_client):
    await add_client(app, PETRO, "Petro", display_name=None)
    petro = make_client(PETRO, "Petro")
    await open_chat(app, PETRO, IRYNA)
    identity = {"id": PETRO, "is_bot": False, "first_name": "Petro", "last_name": "Ivanenko", "username": "petro_iv"}

    asked = await petro.send("Привіт, це мій перший лист", **{"from": identity})
    first = last_message_id(petro)
    assert asked[0].text.startswith("Перш ніж надіслати повідомлення: яке ім'я бачитимуть ваші терапевти?")
    assert asked[0].buttons == ["Показувати моє ім'я з Telegram: Petro"]  # offered, not pre-filled
    assert await timed_messages(app, "relay") == []

    refused = await petro.send("t.me/petro_iv")
    named = await petro.send("Kate")
    await app.courier.drain()

    assert refused[0].text.startswith("Ім'я не може містити посилань")
    assert BotClient.texts_of(named) == ["Готово: терапевти бачитимуть вас як «Kate».\nВаше повідомлення вже надсилається. Кому: Ірина Коваль."]
    assert texts_to(session, IRYNA) == ["💬 Kate:"]
    assert [c.message_id for c, _ in copies_to(session, IRYNA)] == [first]
    everything_iryna_got = " ".join(str(call.model_dump()) for call, _ in calls_to(session, IRYNA))
    for secret in ("Petro", "Ivanenko", "petro_iv"):
        assert secret not in everything_iryna_got

    await petro.send("Друге повідомлення")  # asked once, never again
    await app.courier.drain()
    assert texts_to(session, IRYNA) == ["💬 Kate:", "💬 Kate:"]


async def test_keeping_the_first_name_sends_the_waiting_message_in_english(app, session, iryna, make_client):
    await add_client(app, PETRO, "Petro", display_name=None, locale="en")
    petro = make_client(PETRO, "Petro", "en")
    await open_chat(app, PETRO, IRYNA)

    asked = await petro.send("Hello")
    sticker = await petro.send_sticker()
    kept = await petro.click("Show my Telegram name: Petro", in_reply=asked[0])
    await app.courier.drain()

    assert asked[0].text.startswith("Before your message goes out: which name should your therapists see?")
    assert sticker[0].text == "Please send the name as text."
    assert BotClient.texts_of(kept) == ["Done: therapists will see you as “Petro”.\nYour message is on its way to Ірина Коваль."]
    assert texts_to(session, IRYNA) == ["💬 Petro:"]
    assert len(copies_to(session, IRYNA)) == 1  # the sticker sent while naming was not relayed


async def test_the_name_can_be_changed_from_settings(app, session, olena, iryna):
    await open_chat(app, OLENA, IRYNA)
    settings = await olena.send("⚙️ Налаштування")
    asked = await olena.click("✏️ Ім'я для терапевтів", in_reply=settings[0])
    too_long = await olena.send("О" * 41)
    done = await olena.send("Оля К.")

    assert BotClient.texts_of(asked)[0].startswith("Яке ім'я бачитимуть ваші терапевти?")
    assert too_long[0].text == "Задовге ім'я: будь ласка, до 40 символів."
    assert BotClient.texts_of(done) == ["Готово: терапевти бачитимуть вас як «Оля К.»."]
    await olena.send("Тепер з новим ім'ям")
    await app.courier.drain()
    assert texts_to(session, IRYNA) == ["💬 Оля К.:"]


async def test_a_resent_update_relays_once(app, session, olena, iryna):
    await open_chat(app, OLENA, IRYNA)
    await olena.send("Одне повідомлення")
    update = olena.last_update
    await olena.feed({"message": update["message"]}, update_id=update["update_id"])  # the very same update
    await olena.feed({"message": update["message"]})  # the same message under a new update id
    await app.courier.drain()
    await olena.feed({"message": update["message"]})  # even after it was delivered
    await app.courier.drain()

    assert len(copies_to(session, IRYNA)) == 1
    assert len(await timed_messages(app, "relay")) == 1


@pytest.mark.parametrize(
    ("locale", "told"),
    [
        ("uk", "⚠️ Це повідомлення не доставлено: Ірина Коваль зараз не отримує повідомлень від бота"),
        ("en", "⚠️ This message did not reach Ірина Коваль: they cannot receive messages from the bot"),
    ],
)
async def test_the_sender_is_told_when_the_recipient_blocked_the_bot(app, session, iryna, make_client, locale, told):
    await add_client(app, PETRO, "Petro", display_name="Петро", locale=locale)
    petro = make_client(PETRO, "Petro", locale)
    await open_chat(app, PETRO, IRYNA)
    session.block(IRYNA)

    await petro.send("Ви тут?")
    first = last_message_id(petro)
    await app.courier.drain()
    await petro.send("Алло?")  # she is already known to be unreachable now
    second = last_message_id(petro)
    await app.courier.drain()

    warnings = [(m.text, m.reply_parameters.message_id) for m, _ in calls_to(session, PETRO)]
    assert [(text[: len(told)], replied) for text, replied in warnings] == [(told, first), (told, second)]
    async with app.unit_of_work() as uow:
        assert (await uow.users.get(IRYNA)).reachable is False
        relays = await uow.session.scalar(select(func.count()).select_from(RelayedMessageRow))
    assert relays == 0


async def test_the_sender_is_told_when_telegram_refuses_the_copy(app, session, olena, iryna):
    await open_chat(app, OLENA, IRYNA)
    session.fail_next(
        CopyMessage, lambda method: TelegramBadRequest(method=method, message="Bad Request: message to copy not found")
    )

    await olena.send("Я видалила це одразу")
    deleted = last_message_id(olena)
    await app.courier.drain()

    [warning] = [m for m, _ in calls_to(session, OLENA)]
    assert warning.text == "⚠️ Не вдалося доставити це повідомлення. Кому: Ірина Коваль. Будь ласка, надішліть його ще раз."
    assert warning.reply_parameters.message_id == deleted
    async with app.unit_of_work() as uow:
        assert (await uow.users.get(IRYNA)).reachable is True


# -- menus and lists ------------------------------------------------------------------


async def test_menu_buttons_and_commands_are_never_relayed(app, session, olena, iryna):
    await open_chat(app, OLENA, IRYNA)
    chats = await olena.send("💬 Чати")
    other_language = await olena.send("⚙️ Settings")  # a keyboard left from before switching language
    command = await olena.send("/nonsense")
    await app.courier.drain()

    assert chats[0].text.startswith("Ваші терапевти. Натисніть на ім'я")
    assert chats[0].buttons == ["Ірина Коваль · ще без повідомлень", "✏️ Ім'я для терапевтів"]
    assert "Терапевти бачать вас як «Оля»." in chats[0].text
    assert other_language[0].text == command[0].text == "Не вдалося зрозуміти повідомлення. Скористайтеся меню нижче або /help."
    assert calls_to(session, IRYNA) == []


async def test_no_conversations_yet_says_so_in_english(app, make_client):
    await add_therapist(app, MAKSYM, "Maksym Shevchuk", locale="en")
    replies = await make_client(MAKSYM, "Maksym", "en").send("💬 Chats")
    assert replies[0].text.startswith("No clients yet.")


async def test_an_edit_of_a_relayed_message_is_not_passed_on_and_says_so(app, session, olena, iryna):
    await open_chat(app, OLENA, IRYNA)
    await olena.send("Завтра о 18:00")
    message = dict(olena.last_update["message"], text="Завтра о 19:00", edit_date=int(START.timestamp()) + 60)
    await app.courier.drain()

    replies = await olena.feed({"edited_message": message})

    assert BotClient.texts_of(replies) == [
        "Зміни не передаються: співрозмовник бачить першу версію. Надішліть виправлення новим повідомленням."
    ]
    assert len(copies_to(session, IRYNA)) == 1
