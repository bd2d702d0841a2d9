"""The local Bot API server, checked with aiogram's real client (no bot process)."""
from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods.base import TelegramMethod
from aiogram.types import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    LabeledPrice,
    MenuButtonCommands,
    Message,
    MessageEntity,
    MessageOriginUser,
    ReplyKeyboardMarkup,
)

from playground.bot_api import FakeTelegram, WaitTimeout, update_type
from tests.support.bot_process import DEFAULT_BOT_TOKEN, BotProcess
from tests.support.present import present

TOKEN = DEFAULT_BOT_TOKEN


class _QuickSession(AiohttpSession):
    async def close(self) -> None:
        # aiogram waits 250 ms here for TLS connections; there are none locally.
        if self._session is not None and not self._session.closed:
            await self._session.close()


@pytest.fixture
async def bot(fake_telegram: FakeTelegram) -> AsyncIterator[Bot]:
    session = _QuickSession(api=TelegramAPIServer.from_base(fake_telegram.base_url))
    bot = Bot(TOKEN, session=session)
    yield bot
    await session.close()


def keyboard(*texts: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[
        [InlineKeyboardButton(text=text, callback_data=f"pick:{i}")] for i, text in enumerate(texts)
    ])


class NoSuchMethod(TelegramMethod[bool]):
    __returning__ = bool
    __api_method__ = "noSuchMethod"


async def test_get_me_describes_the_bot_from_its_token(bot: Bot) -> None:
    me = await bot.get_me()
    assert me.id == 123456
    assert me.is_bot and me.username == "therapy_test_bot"


async def test_send_message_is_recorded_with_decoded_params(bot: Bot, fake_telegram: FakeTelegram) -> None:
    bold = MessageEntity(type="bold", offset=0, length=6)
    first = await bot.send_message(42, "Привіт, 1 < 2", entities=[bold], reply_markup=keyboard("Так"))
    second = await bot.send_message(42, "123")
    other_chat = await bot.send_message(43, "hello")

    assert (first.message_id, second.message_id, other_chat.message_id) == (1, 2, 1)
    assert first.text == "Привіт, 1 < 2"
    assert first.entities is not None and first.from_user is not None
    assert first.entities[0].type == "bold" and first.entities[0].length == 6
    assert first.from_user.id == 123456 and abs(first.date.timestamp() - time.time()) < 5
    call = fake_telegram.calls("sendMessage", chat_id=42)[0]
    assert call.params["chat_id"] == 42
    assert call.reply_markup == {"inline_keyboard": [[{"text": "Так", "callback_data": "pick:0"}]]}
    assert fake_telegram.calls("sendMessage", chat_id=42)[1].params["text"] == "123"
    assert fake_telegram.sent_texts(42) == ["Привіт, 1 < 2", "123"]


async def test_long_poll_returns_as_soon_as_an_update_arrives(bot: Bot, fake_telegram: FakeTelegram) -> None:
    user = fake_telegram.user(1001)
    started = time.monotonic()
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.05)
    user.send("hi")
    updates = await poll

    assert time.monotonic() - started < 1
    assert [present(u.message).text for u in updates] == ["hi"]
    sender = present(updates[0].message).from_user
    assert sender is not None and sender.language_code == "uk"


async def test_long_poll_waits_for_its_timeout_when_nothing_comes(fake_telegram: FakeTelegram) -> None:
    # Raw HTTP: aiogram only sends whole seconds, the server accepts fractions.
    async with aiohttp.ClientSession() as http:
        started = time.monotonic()
        async with http.get(f"{fake_telegram.base_url}/bot{TOKEN}/getUpdates?timeout=0.3") as response:
            body = await response.json()
    assert body == {"ok": True, "result": []}
    assert 0.25 < time.monotonic() - started < 2


async def test_updates_stay_until_an_offset_confirms_them(bot: Bot, fake_telegram: FakeTelegram) -> None:
    user = fake_telegram.user(1001)
    for text in ("one", "two", "three"):
        user.send(text)

    first = await bot.get_updates(limit=2)
    assert [present(u.message).text for u in first] == ["one", "two"]
    again = await bot.get_updates()
    assert [u.update_id for u in again[:2]] == [u.update_id for u in first]
    assert [present(u.message).text for u in await bot.get_updates(offset=first[-1].update_id + 1)] == ["three"]
    assert [present(u.message).text for u in await bot.get_updates(offset=-1)] == ["three"]
    assert await bot.get_updates(offset=again[-1].update_id + 1) == []


async def test_redelivery_keeps_the_update_id(bot: Bot, fake_telegram: FakeTelegram) -> None:
    user = fake_telegram.user(1001)
    pushed = user.send("/start")
    delivered = await bot.get_updates()
    await bot.get_updates(offset=delivered[-1].update_id + 1)

    fake_telegram.duplicate_last()
    again = await bot.get_updates(offset=delivered[-1].update_id + 1)
    assert [u.update_id for u in again] == [delivered[-1].update_id]
    assert present(again[0].message).message_id == pushed["message_id"]

    fresh = fake_telegram.duplicate_last(same_update_id=False)
    third = await bot.get_updates(offset=delivered[-1].update_id + 1)
    assert [u.update_id for u in third] == [fresh["update_id"]]
    assert present(third[0].message).message_id == pushed["message_id"]


async def test_allowed_updates_filter_and_are_remembered(bot: Bot, fake_telegram: FakeTelegram) -> None:
    user = fake_telegram.user(1001)
    message = await bot.send_message(1001, "Pick", reply_markup=keyboard("A"))
    await bot.get_updates(allowed_updates=["message", "pre_checkout_query"])
    assert fake_telegram.allowed_updates == ["message", "pre_checkout_query"]

    user.click(message.model_dump(by_alias=True, exclude_none=True, mode="json"), "A")
    user.send("typed")
    updates = await bot.get_updates()  # allowed_updates omitted: the previous list stays in force

    assert [present(u.message).text for u in updates] == ["typed"]
    assert [update_type(u) for u in fake_telegram.dropped_updates] == ["callback_query"]
    assert "pre_checkout_query" in fake_telegram.allowed_updates_history[-1]


async def test_unknown_method_is_404(bot: Bot, fake_telegram: FakeTelegram) -> None:
    with pytest.raises(TelegramNotFound):
        await bot(NoSuchMethod())
    call = fake_telegram.last_call("noSuchMethod")
    assert call.error_code == 404 and call.description == "Not Found: method not found"


async def test_injected_failures(bot: Bot, fake_telegram: FakeTelegram) -> None:
    fake_telegram.fail_next("sendMessage", status=429, retry_after=3)
    with pytest.raises(TelegramRetryAfter) as retry:
        await bot.send_message(1, "x")
    assert retry.value.retry_after == 3

    fake_telegram.fail_next("sendmessage", status=500, times=2)
    for _ in range(2):
        with pytest.raises(TelegramServerError):
            await bot.send_message(1, "x")
    assert (await bot.send_message(1, "finally")).text == "finally"
    assert fake_telegram.too_many_requests_count == 1
    assert [c.ok for c in fake_telegram.calls("sendMessage")] == [False, False, False, True]
    assert fake_telegram.sent_texts(1) == ["finally"]


async def test_blocked_user_gets_403_until_unblocked(bot: Bot, fake_telegram: FakeTelegram) -> None:
    user = fake_telegram.user(1001)
    user.block_bot()
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(1001, "reminder")
    updates = await bot.get_updates()
    membership = updates[0].my_chat_member
    assert membership is not None and membership.new_chat_member.status == "kicked"

    user.unblock_bot()
    assert (await bot.send_message(1001, "welcome back")).message_id == 1


async def test_invoice_pre_checkout_and_payment(bot: Bot, fake_telegram: FakeTelegram) -> None:
    user = fake_telegram.user(1001)
    await bot.send_invoice(
        1001, title="Сесія 50 хв", description="Онлайн-сесія з психотерапевтом",
        payload="booking:77", currency="XTR", prices=[LabeledPrice(label="Сесія", amount=250)],
    )
    invoice_call = fake_telegram.last_call("sendInvoice")
    assert invoice_call.message is not None and invoice_call.message["invoice"]["total_amount"] == 250

    async def bot_answers_pre_checkout() -> None:
        updates = await bot.get_updates(timeout=5)
        query = updates[0].pre_checkout_query
        assert query is not None
        assert (query.invoice_payload, query.total_amount, query.currency) == ("booking:77", 250, "XTR")
        await bot.answer_pre_checkout_query(query.id, ok=True)
        await bot.get_updates(offset=updates[-1].update_id + 1)

    answering = asyncio.create_task(bot_answers_pre_checkout())
    payment = await user.pay(invoice_call, timeout=5)
    await answering

    assert payment.ok and payment.answered
    updates = await bot.get_updates()
    paid = present(updates[-1].message).successful_payment
    assert paid is not None
    assert paid.invoice_payload == "booking:77" and paid.total_amount == 250
    assert paid.telegram_payment_charge_id == payment.telegram_payment_charge_id

    assert await bot.refund_star_payment(1001, paid.telegram_payment_charge_id) is True
    with pytest.raises(TelegramBadRequest, match="CHARGE_ALREADY_REFUNDED"):
        await bot.refund_star_payment(1001, paid.telegram_payment_charge_id)


async def test_declined_or_unanswered_pre_checkout_pushes_no_payment(bot: Bot, fake_telegram: FakeTelegram) -> None:
    user = fake_telegram.user(1001)
    await bot.send_invoice(1001, title="T", description="D", payload="p", currency="XTR",
                           prices=[LabeledPrice(label="x", amount=1)])

    async def decline() -> None:
        updates = await bot.get_updates(timeout=5)
        query = updates[0].pre_checkout_query
        assert query is not None
        await bot.answer_pre_checkout_query(query.id, ok=False, error_message="Slot taken")
        await bot.get_updates(offset=updates[-1].update_id + 1)

    declining = asyncio.create_task(decline())
    declined = await user.pay(timeout=5)
    await declining
    assert declined.answered and not declined.ok and declined.error_message == "Slot taken"
    assert declined.message is None

    ignored = await user.pay(timeout=0.05)
    assert not ignored.answered and not ignored.ok
    assert [update_type(u) for u in fake_telegram.pending_updates] == ["pre_checkout_query"]


async def test_copy_and_forward(bot: Bot, fake_telegram: FakeTelegram) -> None:
    user = fake_telegram.user(1001)
    original = user.send("Мені тривожно")
    copied = await bot.copy_message(chat_id=-1001, from_chat_id=1001, message_id=original["message_id"])
    forwarded = await bot.forward_message(chat_id=-1001, from_chat_id=1001, message_id=original["message_id"])

    assert copied.message_id == 1 and forwarded.message_id == 2
    assert isinstance(forwarded.forward_origin, MessageOriginUser)
    assert forwarded.forward_origin.sender_user.id == 1001
    assert fake_telegram.sent_texts(-1001) == ["Мені тривожно", "Мені тривожно"]
    with pytest.raises(TelegramBadRequest, match="message to copy not found"):
        await bot.copy_message(chat_id=-1001, from_chat_id=1001, message_id=999)


async def test_rate_limits_answer_429(bot: Bot, fake_telegram: FakeTelegram) -> None:
    fake_telegram.enforce_limits(global_per_second=3, per_chat_per_second=1)
    await bot.send_message(1, "a")
    with pytest.raises(TelegramRetryAfter) as retry:
        await bot.send_message(1, "b")
    assert retry.value.retry_after == 1
    await bot.send_message(2, "c")
    await bot.send_message(3, "d")
    with pytest.raises(TelegramRetryAfter):
        await bot.send_message(4, "e")
    await bot.get_me()  # not a message: never limited
    assert fake_telegram.too_many_requests_count == 2


async def test_click_edit_and_answer_callback(bot: Bot, fake_telegram: FakeTelegram) -> None:
    user = fake_telegram.user(1001)
    await bot.send_message(1001, "Обрати час?", reply_markup=keyboard("🕐 10:00", "🕑 11:00"))
    assert user.buttons() == ["🕐 10:00", "🕑 11:00"]

    query = user.click("11:00")
    update = (await bot.get_updates())[-1]
    assert update.callback_query is not None and update.callback_query.message is not None
    assert update.callback_query.data == "pick:1"
    assert update.callback_query.message.message_id == 1
    assert await bot.answer_callback_query(query["id"], text="OK") is True
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query(query["id"])

    await bot.edit_message_reply_markup(chat_id=1001, message_id=1, reply_markup=keyboard("🕑 11:00"))
    assert user.buttons() == ["🕑 11:00"]
    edited = await bot.edit_message_text("Записано на 11:00", chat_id=1001, message_id=1)
    assert isinstance(edited, Message)  # True is for inline messages only
    assert edited.text == "Записано на 11:00" and edited.reply_markup is None
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text("Записано на 11:00", chat_id=1001, message_id=1)
    with pytest.raises(LookupError):
        user.click("11:00")  # the edit removed the keyboard
    assert fake_telegram.sent_texts(1001) == ["Обрати час?", "Записано на 11:00"]


async def test_reply_keyboard_press(bot: Bot, fake_telegram: FakeTelegram) -> None:
    user = fake_telegram.user(1001)
    markup = ReplyKeyboardMarkup(keyboard=[[KeyboardButton(text="📱 Номер", request_contact=True)]],
                                 resize_keyboard=True)
    await bot.send_message(1001, "Поділіться номером", reply_markup=markup)
    assert user.reply_buttons() == ["📱 Номер"]
    user.press("Номер")
    update = (await bot.get_updates())[-1]
    contact = present(update.message).contact
    assert contact is not None and contact.user_id == 1001


async def test_user_waits_for_the_bots_reaction(bot: Bot, fake_telegram: FakeTelegram) -> None:
    user = fake_telegram.user(1001)
    await bot.send_message(1001, "old")
    user.send("hi")

    async def reply_later() -> None:
        await asyncio.sleep(0.05)
        await bot.send_message(1001, "Вітаю!")

    task = asyncio.create_task(reply_later())
    message = await user.wait_message("Вітаю", timeout=2)
    await task
    assert message["text"] == "Вітаю!"
    with pytest.raises(WaitTimeout, match="sendPhoto"):
        await fake_telegram.wait_for("sendPhoto", chat_id=1001, timeout=0.05)


async def test_files_round_trip(bot: Bot, fake_telegram: FakeTelegram) -> None:
    user = fake_telegram.user(1001)
    sent = await bot.send_photo(1001, BufferedInputFile(b"\x89PNG-bytes", filename="chart.png"), caption="Графік")
    assert sent.caption == "Графік"
    assert sent.photo is not None
    file = await bot.get_file(sent.photo[-1].file_id)
    assert file.file_path is not None
    downloaded = await bot.download_file(file.file_path)
    assert downloaded is not None and downloaded.read() == b"\x89PNG-bytes"
    assert fake_telegram.last_call("sendPhoto").params["photo"].filename == "chart.png"

    document = user.send_document("DOC-1", file_size=2048, mime_type="application/pdf", file_name="consent.pdf")
    assert (await bot.get_file(document["document"]["file_id"])).file_size == 2048
    user.send_document("BIG", file_size=25 * 1024 * 1024)
    with pytest.raises(TelegramBadRequest, match="file is too big"):
        await bot.get_file("BIG")
    again = await bot.send_document(1001, "DOC-1")
    assert again.document is not None and again.document.file_name == "consent.pdf"


async def test_a_persons_command_menu_is_chosen_by_scope_then_language(bot: Bot, fake_telegram: FakeTelegram) -> None:
    """Telegram's order: the chat's own scope, all private chats, the default; each in the person's language first."""
    def menu(chat_id: int, language: str | None) -> list[str]:
        return [command["command"] for command in fake_telegram.command_menu(chat_id, language)]

    assert menu(1001, "uk") == []
    await bot.set_my_commands([BotCommand(command="start", description="Головне меню")])
    await bot.set_my_commands([BotCommand(command="help", description="Help")], language_code="en")
    await bot.set_my_commands(
        [BotCommand(command="applications", description="Заявки")], scope=BotCommandScopeChat(chat_id=1009)
    )
    assert menu(1001, "uk") == ["start"] and menu(1001, None) == ["start"]
    assert menu(1002, "en") == ["help"]
    assert menu(1009, "en") == ["applications"]
    await bot.set_my_commands([BotCommand(command="find", description="Find")], scope=BotCommandScopeAllPrivateChats())
    assert menu(1001, "uk") == ["find"] and menu(1009, "uk") == ["applications"]
    await bot.delete_my_commands(scope=BotCommandScopeChat(chat_id=1009))
    assert menu(1009, "uk") == ["find"]


async def test_bot_configuration_methods_parse(bot: Bot, fake_telegram: FakeTelegram) -> None:
    await bot.delete_webhook(drop_pending_updates=True)
    assert (await bot.get_webhook_info()).url == ""
    await bot.set_my_commands([BotCommand(command="start", description="Почати")], language_code="uk")
    assert [c.command for c in await bot.get_my_commands(language_code="uk")] == ["start"]
    assert await bot.get_my_commands() == []
    await bot.set_chat_menu_button(menu_button=MenuButtonCommands())
    assert (await bot.get_chat_menu_button()).type == "commands"
    await bot.set_my_description("Запис до психотерапевта", language_code="uk")
    assert (await bot.get_my_description(language_code="uk")).description == "Запис до психотерапевта"
    assert (await bot.get_my_name()).name == "Therapy Test Bot"
    fake_telegram.add_chat(-1002, title="Терапевти", is_forum=True)
    assert (await bot.get_chat(-1002)).is_forum
    topic = await bot.create_forum_topic(-1002, "Клієнт #7")
    sent = await bot.send_message(-1002, "Нова заявка", message_thread_id=topic.message_thread_id)
    assert sent.message_thread_id == topic.message_thread_id
    assert await bot.send_chat_action(1001, "typing") is True
    assert await bot.delete_message(-1002, sent.message_id) is True
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(-1002, sent.message_id)
    assert await bot.close() is True and await bot.log_out() is True
    assert fake_telegram.internal_errors == []


async def test_malformed_markup_and_requests_answer_400(bot: Bot, fake_telegram: FakeTelegram) -> None:
    with pytest.raises(TelegramBadRequest, match="parse_mode 'HTML' is not emulated"):
        await bot.send_message(1, "<b>Олена</b>", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(1, "я" * 4097)
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(1, "x", reply_markup=InlineKeyboardMarkup(inline_keyboard=[
            [InlineKeyboardButton(text="x", callback_data="d" * 65)]]))

    async with aiohttp.ClientSession() as http:
        url = f"{fake_telegram.base_url}/bot{TOKEN}/sendMessage"
        async with http.post(url, data=b"{not json", headers={"Content-Type": "application/json"}) as response:
            assert response.status == 400
        async with http.post(url, json={"text": "no chat"}) as response:
            assert (await response.json())["description"] == "Bad Request: chat_id is empty"
        async with http.post(url, json={"chat_id": "5", "text": "json body"}) as response:
            assert (await response.json())["result"]["chat"]["id"] == 5
        async with http.get(f"{url}?chat_id=6&text=query") as response:
            assert (await response.json())["result"]["text"] == "query"
        async with http.post(url, data={"chat_id": "7", "text": "form"}) as response:
            assert response.status == 200
    assert fake_telegram.internal_errors == []


async def test_a_second_poller_terminates_the_first(bot: Bot, fake_telegram: FakeTelegram) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.05)
    second = asyncio.create_task(bot.get_updates(timeout=1))
    with pytest.raises(TelegramConflictError):
        await first
    fake_telegram.user(1).send("x")
    assert len(await second) == 1


async def test_concurrent_sends_get_distinct_ids(bot: Bot, fake_telegram: FakeTelegram) -> None:
    sent = await asyncio.gather(*(bot.send_message(7, f"m{i}") for i in range(50)))
    assert sorted(m.message_id for m in sent) == list(range(1, 51))
    await fake_telegram.wait_for("sendMessage", chat_id=7, count=50, timeout=0.1)


async def test_stopping_the_server_ends_waiting_long_polls() -> None:
    async with FakeTelegram() as fake:
        async with aiohttp.ClientSession() as http:
            poll = asyncio.create_task(http.get(f"{fake.base_url}/bot{TOKEN}/getUpdates?timeout=30"))
            await fake.wait_polling(timeout=2)
            started = time.monotonic()
            await fake.stop()
            response = await poll
            assert (await response.json())["result"] == []
            assert time.monotonic() - started < 1


BOT_SCRIPT = """
import asyncio, logging, os
from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import Message

logging.basicConfig(level=logging.INFO)
dp = Dispatcher()

@dp.message()
async def echo(message: Message) -> None:
    await message.answer("echo: " + message.text + " " + os.environ["DATABASE_URL"][:6])

session = AiohttpSession(api=TelegramAPIServer.from_base(os.environ["TELEGRAM_API_BASE"]))
asyncio.run(dp.start_polling(Bot(os.environ["BOT_TOKEN"], session=session), polling_timeout=1))
"""


async def test_bot_process_runs_a_polling_bot_against_the_fake(
    bot_process_factory, fake_telegram: FakeTelegram,
) -> None:
    process: BotProcess = bot_process_factory({"EXTRA": "1"}, command=[sys.executable, "-c", BOT_SCRIPT])
    await process.start(timeout=30)
    user = fake_telegram.user(1001)
    user.send("ping")
    reply = await user.wait_message(timeout=10)
    assert reply["text"].startswith("echo: ping ")
    assert await process.stop() == 0
    assert "Start polling" in process.output()


async def test_bot_process_reports_an_early_exit(bot_process_factory, tmp_path: Path) -> None:
    process: BotProcess = bot_process_factory(command=[sys.executable, "-c", "import sys; print('boom'); sys.exit(3)"])
    with pytest.raises(AssertionError, match="exited with code 3"):
        await process.start(timeout=10)
    assert "boom" in process.output() and process.returncode == 3
