from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import SendMessage

from core.staff import StaffRole
from tests.bot.booking_support import add_therapist
from tests.bot.payment_support import add_staff
from tests.conftest import ADMIN_ID
from tests.support.bot_client import BotClient


async def test_help_puts_crisis_lines_first_with_one_tap_links(client):
    replies = await client.send("/help")
    assert "7333" in replies[0].text and "112" in replies[0].text
    markup = replies[0].method.reply_markup
    assert [row[0].url for row in markup.inline_keyboard] == ["https://lifelineukraine.com", "https://findahelpline.com"]


async def test_the_menu_help_button_shows_the_same(client):
    await client.send("/start")
    replies = await client.send("🆘 Допомога")
    assert "7333" in replies[0].text


async def test_faq_explains_the_rules_with_the_fixed_payment_phrase(client):
    text = (await client.send("/faq"))[0].text
    assert "«Оплата пройшла успішно»" in text
    assert "24 години" in text and "3 робочих днів" in text


async def test_requirements_in_english(make_client):
    text = (await make_client(1010, "Kate", "en").send("/requirements"))[0].text
    assert "400 hours" in text and "sole proprietor (FOP), group 3" in text and "7–10 business days" in text


async def test_a_failure_is_apologised_for_in_the_persons_language(client, session):
    # Refused outright (a passing 5xx would be sent again: tests/bot/test_replies.py).
    session.fail_next(SendMessage, lambda method: TelegramBadRequest(method=method, message="Bad Request: injected"))
    replies = await client.send("/faq")
    assert BotClient.texts_of(replies) == [
        "Вибачте, у нас щось пішло не так. Усе, що ви ввели, збережено — спробуйте ще раз."
    ]


async def test_stray_text_gets_a_pointer_to_the_menu(client):
    replies = await client.send("hello?")
    assert replies[0].text == "Не вдалося зрозуміти повідомлення. Скористайтеся меню нижче або /help."


async def test_help_lists_what_each_role_can_do(client, make_client, app):
    as_client = (await client.send("/help"))[-1].text
    assert as_client.startswith("Як користуватися ботом (ваша роль: клієнт):\n/start — Головне меню\n")
    assert "/find — Знайти терапевта" in as_client and "/sessions — Ваші сесії" in as_client
    assert "/hours" not in as_client and "/queue" not in as_client

    await add_therapist(app)  # Iryna, 2001
    as_therapist = (await make_client(2001, "Iryna").send("/help"))[-1].text
    assert as_therapist.startswith("Як користуватися ботом (ваша роль: терапевт):")
    assert "/hours — Робочі години на тиждень" in as_therapist and "/vacation" in as_therapist
    assert "/queue" not in as_therapist

    as_admin = (await make_client(ADMIN_ID, "Admin", language_code="en").send("/help"))[-1].text
    assert as_admin.startswith("How to use the bot (your role: administrator):")
    assert "/applications — Applications to join as a therapist" in as_admin and "/queue — " in as_admin

    await add_staff(app, 3100, StaffRole.SUPPORT, "Nina")  # a staff role lists only what it allows
    as_support = (await make_client(3100, "Nina").send("/help"))[-1].text
    assert "/refunds — " in as_support and "/staff — " not in as_support and "/queue — " not in as_support
