"""A button press is answered once, whatever happens: done, refused by a gate, failed, or handled again.

Telegram takes one answer a press, so a second one is lost, and with it whatever it said."""
from __future__ import annotations

from aiogram import Bot, Dispatcher, Router
from aiogram.methods import AnswerCallbackQuery
from aiogram.types import CallbackQuery

import bot.flows.timezone as timezone_flow
from bot.keyboards import cabinet as cabinet_buttons
from bot.keyboards.preferences import TimezoneChoice, TimezoneOther
from bot.keyboards.stats import StatsRefresh
from bot.middlewares.callback_answer import AnswerAfterSuccess
from storage.repositories.users import SqlUserRepository
from tests.bot import test_update_transaction
from tests.bot.staff_support import REFUSED_TO_OUTSIDERS
from tests.bot.test_cabinet_access import NOT_A_THERAPIST
from tests.bot.test_inbox import handled, inbox_rows
from tests.bot.test_update_transaction import someone_else_writes
from tests.conftest import TEST_TOKEN
from tests.support.bot_client import Reply

sqlite_only = test_update_transaction.sqlite_only

OLENA = 1001
NEW_YORK = TimezoneChoice(zone="America/New_York").pack()


def answers(replies: list[Reply]) -> list[AnswerCallbackQuery]:
    return [reply.method for reply in replies if isinstance(reply.method, AnswerCallbackQuery)]


async def test_a_press_is_answered_once_with_what_the_handler_says(make_client):
    olena = make_client(OLENA, "Olena")
    await olena.send("/timezone")

    [answer] = answers(await olena.click("Нью-Йорк"))

    assert (answer.text, answer.show_alert) == ("Часовий пояс збережено.", None)


async def test_a_press_its_handler_says_nothing_about_is_answered_once_all_the_same(make_client):
    olena = make_client(OLENA, "Olena")
    await olena.send("/start")

    [answer] = answers(await olena.press(TimezoneOther().pack()))  # "🕒 Time zone" in the settings

    assert answer.text is None  # the spinner stops; nothing pops up


async def test_a_failed_press_gets_one_answer_the_apology_in_the_persons_language(make_client, monkeypatch):
    olena = make_client(OLENA, "Olena", language_code="en")
    await olena.send("/timezone")

    async def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(timezone_flow, "choose_timezone", broken)
    [answer] = answers(await olena.click("New York"))

    assert answer.text == "Sorry, something went wrong on our side. Nothing you entered is lost; please try again."
    assert answer.show_alert is True


async def test_a_cabinet_refusal_is_the_one_answer_of_the_press(make_client):
    olena = make_client(OLENA, "Olena")
    await olena.send("/start")

    [answer] = answers(await olena.press(cabinet_buttons.Section(name="overview").pack()))

    assert (answer.text, answer.show_alert) == (NOT_A_THERAPIST, True)


async def test_a_staff_refusal_is_the_one_answer_of_the_press(make_client):
    olena = make_client(OLENA, "Olena")
    await olena.send("/start")

    [answer] = answers(await olena.press(StatsRefresh().pack()))

    assert (answer.text, answer.show_alert) == (REFUSED_TO_OUTSIDERS, True)


async def test_a_press_handled_again_after_a_refused_write_is_answered_once(
    app, session, make_client, monkeypatch, sqlite_only
):
    olena = make_client(OLENA, "Olena")
    [picker] = [reply for reply in await olena.send("/timezone") if "Нью-Йорк" in reply.buttons]
    read = SqlUserRepository.get
    tries: list[int] = []

    async def read_then_someone_writes(self, telegram_id):
        found = await read(self, telegram_id)
        tries.append(telegram_id)
        if len(tries) == 1:  # after the press read, before its first write (the zone)
            await someone_else_writes(app, 4545)
        return found

    monkeypatch.setattr(SqlUserRepository, "get", read_then_someone_writes)
    before = len(session.calls)
    press = {
        "update_id": 9101,
        "callback_query": {
            "id": "press-9101", "from": olena._from(), "chat_instance": f"ci-{OLENA}", "data": NEW_YORK,
            "message": olena._bot_message_dict(picker),
        },
    }
    await handled(app, press)

    assert tries == [OLENA, OLENA]  # refused at its first write, then handled again
    pressed = [call for call in session.calls[before:] if isinstance(call, AnswerCallbackQuery)]
    assert [(call.callback_query_id, call.text) for call in pressed] == [("press-9101", "Часовий пояс збережено.")]
    assert (await inbox_rows(app))[9101].handled_at is not None
    async with app.unit_of_work() as uow:
        assert (await uow.users.get(OLENA)).timezone == "America/New_York"


async def test_a_handler_flagged_pre_is_answered_before_its_work_and_once(session):
    # No handler of ours needs it yet; aiogram's flag keeps its meaning under AnswerAfterSuccess.
    router = Router()

    @router.callback_query(flags={"callback_answer": {"pre": True, "text": "Working on it…"}})
    async def slow(query: CallbackQuery, bot: Bot) -> None:
        await bot.send_message(query.from_user.id, "Done.")

    dispatcher = Dispatcher()
    dispatcher.callback_query.middleware(AnswerAfterSuccess())
    dispatcher.include_router(router)
    bot = Bot(TEST_TOKEN, session=session)
    press = {
        "update_id": 9201,
        "callback_query": {
            "id": "press-9201", "from": {"id": OLENA, "is_bot": False, "first_name": "Olena"}, "chat_instance": "ci",
            "data": "slow",
        },
    }
    await dispatcher.feed_raw_update(bot, press)

    assert [(type(call).__name__, call.text) for call in session.calls] == [
        ("AnswerCallbackQuery", "Working on it…"), ("SendMessage", "Done.")
    ]
