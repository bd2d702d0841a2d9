"""Choosing the language and the time zone; bad input keeps the step."""
from aiogram.methods import SetMyCommands
from aiogram.types import BotCommandScopeChat

from bot.app import build_app
from tests.conftest import ADMIN_ID
from tests.support.bot_client import BotClient


async def test_switching_to_english_answers_in_english_and_is_remembered(client, app, session):
    await client.send("/language")
    replies = await client.click("English")

    assert BotClient.texts_of(replies) == ["Done: I will speak English with you."]
    menus = [call for call in session.calls if isinstance(call, SetMyCommands)]
    assert isinstance(menus[-1].scope, BotCommandScopeChat) and menus[-1].scope.chat_id == client.user_id
    assert menus[-1].commands[0].description == "Main menu"
    later = await client.send("/start")
    assert later[0].text.startswith("Hello, Olena!")


async def test_a_typed_city_sets_the_time_zone(client, app):
    await client.send("/start")
    await client.click("Обрати інший")
    replies = await client.send("warsaw")

    assert replies[0].text.startswith("Готово, ваш часовий пояс — Варшава, UTC+1. Зараз там 09:00")
    async with app.unit_of_work() as uow:
        user = await uow.users.get(client.user_id)
    assert (user.timezone, user.timezone_chosen) == ("Europe/Warsaw", True)


async def test_a_sticker_or_unknown_zone_is_explained_and_the_step_stays(client, app):
    await client.send("/timezone")
    sticker = await client.send_sticker()
    nonsense = await client.send("Atlantis")
    picked = await client.click("Нью-Йорк")

    assert sticker[0].text.startswith("Не знаю такого часового поясу")
    assert nonsense[0].text.startswith("Не знаю такого часового поясу")
    assert "Нью-Йорк, UTC-5" in BotClient.texts_of(picked)[0]


async def test_a_forged_zone_button_is_refused(client):
    await client.send("/start")
    replies = await client.press("tz:Mars/Olympus")
    assert BotClient.alerts(replies) == ["Ця кнопка вже застаріла. Будь ласка, оберіть ще раз."]


async def test_an_unknown_button_is_answered_not_ignored(client):
    replies = await client.press("booking:cancel:999")
    assert BotClient.alerts(replies) == ["Ця кнопка більше не діє. Актуальне меню — /start."]


async def test_an_unfinished_step_and_the_language_survive_a_restart(client, app, settings, clock, session):
    await client.send("/language")
    await client.click("English")
    await client.send("/timezone")

    restarted = build_app(settings, clock=clock, session=session, fsm_storage=app.dispatcher.storage)
    again = BotClient(restarted, session, client.user_id, client.first_name)
    replies = await again.send("Lisbon")
    assert replies[0].text.startswith("Done: times will be shown for Lisbon, UTC+0")
    await restarted.engine.dispose()


async def test_a_staff_member_keeps_their_console_commands_in_the_new_language(app, make_client, session):
    admin = make_client(ADMIN_ID, "Admin")
    await admin.send("/language")
    await admin.click("English")

    menus = [call for call in session.calls if isinstance(call, SetMyCommands)]
    listed = {command.command: command.description for command in menus[-1].commands}
    assert listed["audit"] == "Audit log" and listed["staff"] == "Staff and their roles"
