"""Support end to end: the real bot process, a person, and an admin answering in a forum support chat, over HTTP."""
from __future__ import annotations

from playground.bot_api import FakeTelegram

ADMIN, OLENA = 900, 1001
SUPPORT_CHAT = -1009876543210


async def test_a_question_a_topic_an_answer_and_the_ticket_closed(fake_telegram: FakeTelegram, bot_process_factory):
    fake_telegram.add_chat(SUPPORT_CHAT, title="Підтримка", is_forum=True)
    bot = bot_process_factory({"ADMIN_IDS": str(ADMIN), "SUPPORT_CHAT_ID": str(SUPPORT_CHAT)})
    await bot.start()
    olena = fake_telegram.user(OLENA, "Olena", username="olena_secret", language_code="uk")
    admin = fake_telegram.user(ADMIN, "Admin", language_code="uk")

    olena.send_command("support")
    await olena.wait_message("Напишіть у підтримку платформи")
    question = olena.send("Не можу оплатити сесію: картку відхиляє.")
    await olena.wait_message("✅ Надіслано в підтримку (звернення #1).")

    [topic] = await fake_telegram.wait_for("createForumTopic", chat_id=SUPPORT_CHAT)
    thread = topic.result["message_thread_id"]
    [copied] = await fake_telegram.wait_for("copyMessage", chat_id=SUPPORT_CHAT)
    assert copied.message is not None
    assert copied.message["message_thread_id"] == thread
    assert copied.message["text"] == question["text"]
    assert "forward_origin" not in copied.message and "olena_secret" not in str(copied.message)
    header = next(m for m in fake_telegram.bot_messages(SUPPORT_CHAT) if m.get("text", "").startswith("🆘 Звернення #1"))

    answer = admin.send("Спробуйте, будь ласка, іншу картку.", chat_id=SUPPORT_CHAT, message_thread_id=thread)
    await olena.wait_message("💬 Підтримка платформи відповіла вам (звернення #1).")
    [back] = await fake_telegram.wait_for("copyMessage", chat_id=OLENA)
    assert back.message is not None
    assert back.message["text"] == answer["text"]
    assert "Admin" not in str(back.message)

    admin.click(header, "Закрити звернення #1")
    await olena.wait_message("Підтримка закрила звернення #1.")
