"""/faq and /requirements: the platform's rules in plain words."""
from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from bot.access import OpenRouter
from bot.menus import BUTTON_FAQ, BUTTON_REQUIREMENTS


def commands() -> Router:
    router = OpenRouter(name="rules-commands")
    router.message.register(show_faq, Command("faq"))
    router.message.register(show_faq, F.text == BUTTON_FAQ)
    router.message.register(show_requirements, Command("requirements"))
    router.message.register(show_requirements, F.text == BUTTON_REQUIREMENTS)
    return router


async def show_faq(message: Message) -> None:
    await message.answer(faq())


async def show_requirements(message: Message) -> None:
    await message.answer(requirements())


def faq() -> str:
    return _(
        "How it works\n\n"
        "• Choose a therapist and a free time. Times are shown in your own time zone.\n"
        "• Pay no later than 24 hours before the session. A day before that deadline you get a reminder "
        "in the chat with your therapist.\n"
        "• Once the payment goes through, you both see «Оплата пройшла успішно»: from that moment the "
        "time is held for you. An unpaid session is cancelled at the deadline and the time is released.\n"
        "• Cancel or move a session 24 hours or more before it starts and you lose nothing: a paid session "
        "is refunded in full.\n"
        "• Cancelling later, or not coming without a word, counts as a session held.\n"
        "• Something beyond your control? Write to us: we look for a fair way out together with your therapist.\n"
        "• Want your money back after a session? Tell us why: support and the ethics commission look into it "
        "and decide.\n"
        "• You talk with your therapist through this bot; they see the name you chose, not your Telegram "
        "account.\n"
        "• Therapists receive their pay within 3 business days after the platform receives it."
    )


def requirements() -> str:
    return _(
        "Who can join as a therapist\n\n"
        "• Higher education: pedagogical, medical or sociological.\n"
        "• At least 2 years of practice.\n"
        "• A private practice, and regular supervision.\n"
        "• Certification in a therapeutic approach: at least 400 hours.\n"
        "• A way to receive payouts in your country of residence.\n"
        "• Registered as a Ukrainian sole proprietor (FOP), group 3.\n\n"
        "How joining goes: a short questionnaire → an online conversation with our community manager → "
        "a second questionnaire with your documents → your profile goes live within 7–10 business days → "
        "an invitation to your cabinet, right here in the chat."
    )
