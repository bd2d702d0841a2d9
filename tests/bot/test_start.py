"""/start greets by role, in the person's language, with that role's menu."""
from aiogram.methods import SetMyCommands
from sqlalchemy import select

from storage.tables import UserRow
from tests.conftest import ADMIN_ID


async def test_a_newcomer_is_greeted_in_ukrainian_with_the_client_menu(client, app):
    replies = await client.send("/start")

    # a Latin-script name is not declined by guesswork: the greeting goes without it
    assert replies[0].text.startswith("Вітаємо! Тут можна знайти психотерапевта")
    assert replies[0].buttons == [
        "🧭 Допоможіть обрати", "🔎 Знайти терапевта", "📅 Мої сесії", "💬 Чати", "❓ Як це працює", "🧑‍⚕️ Долучитися як терапевт", "⚙️ Налаштування",
        "🆘 Допомога",
    ]
    assert replies[1].text == "Час показується у вашому часовому поясі — зараз це Київ, UTC+2. Усе правильно?"
    assert replies[1].buttons == ["Так, залишити", "Обрати інший"]
    async with app.sessions() as session:
        row = await session.scalar(select(UserRow).where(UserRow.telegram_id == client.user_id))
    assert (row.locale, row.timezone, row.reachable) == ("uk", "Europe/Kyiv", True)


async def test_an_english_speaking_newcomer_is_answered_in_english(make_client):
    anna = make_client(1002, "Anna", language_code="en-GB")
    replies = await anna.send("/start")
    assert replies[0].text.startswith("Hello, Anna! Here you can find a psychotherapist")
    assert "⚙️ Settings" in replies[0].buttons


async def test_a_ukrainian_greeting_calls_a_person_by_the_vocative(make_client):
    for number, (name, called) in enumerate(
        (("Олена", "Олено"), ("Марія", "Маріє"), ("Ірина", "Ірино"), ("Олег", "Олегу"), ("Мар'яна", "Мар'яно"))
    ):
        replies = await make_client(1100 + number, name).send("/start")
        assert replies[0].text.startswith(f"Вітаємо, {called}! Тут можна знайти психотерапевта"), name
    english = await make_client(1200, "Олена", language_code="en").send("/start")
    assert english[0].text.startswith("Hello, Олена! Here you can find")  # English has no vocative
    latin = await make_client(1201, "Olena").send("/start")
    assert latin[0].text.startswith("Вітаємо! Тут можна знайти психотерапевта")


async def test_an_unsupported_telegram_language_falls_back_to_ukrainian(make_client):
    replies = await make_client(1003, "Ivan", language_code="de").send("/start")
    assert replies[0].text.startswith("Вітаємо! Тут можна")


async def test_an_admin_from_settings_gets_the_console(make_client):
    replies = await make_client(ADMIN_ID, "Admin").send("/start")
    assert replies[0].text.startswith("Вітаємо! Це консоль платформи")


async def test_start_sets_the_persons_own_command_menu_by_their_role(make_client, session):
    """An admin of ADMIN_IDS who never had a role granted finds the console's commands in Telegram's "/" menu."""
    await make_client(ADMIN_ID, "Admin").send("/start")
    await make_client(1004, "Olha").send("/start")

    menus = {
        call.scope.chat_id: [command.command for command in call.commands]
        for call in session.calls
        if isinstance(call, SetMyCommands) and call.scope.type == "chat"
    }
    assert {"applications", "stats", "queue", "broadcast"} <= set(menus[ADMIN_ID])
    assert 1004 not in menus  # a client reads the default menu in their language


async def test_the_same_update_delivered_twice_is_answered_once(client, app, session):
    await client.send("/faq")
    update = {**client.last_update, "update_id": 777}
    before = len(session.calls)

    for _ in range(2):  # Telegram re-sends an update it thinks the bot missed
        await app.inbox.keep([update])
        assert await app.inbox.idle(timeout=10)

    answers = [call.text for call in session.calls[before:]]
    assert len(answers) == 1 and answers[0].startswith("Як це працює")


async def test_startup_publishes_command_menus_in_both_languages(app, session):
    await app.dispatcher.emit_startup(bot=app.bot, **app.dispatcher.workflow_data)
    published = [call for call in session.calls if isinstance(call, SetMyCommands)]
    by_language = {call.language_code: [c.description for c in call.commands] for call in published}
    assert by_language[None][0] == "Головне меню"
    assert by_language["en"][0] == "Main menu"
