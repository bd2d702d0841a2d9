from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import SendMessage

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
