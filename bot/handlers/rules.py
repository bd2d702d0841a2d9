"""/faq and /requirements: the platform's rules in plain words."""
from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.access import OpenRouter
from bot.menus import BUTTON_FAQ, BUTTON_REQUIREMENTS
from core.platform_rules import (
    FREE_CANCELLATION_HOURS,
    LIVE_FEWEST_DAYS,
    LIVE_MOST_DAYS,
    MIN_CERTIFIED_HOURS,
    MIN_PRACTICE_YEARS,
    PAYMENT_DUE_HOURS,
    PAYOUT_DAYS,
)


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
    return "\n".join([
        _("How it works\n\n• Choose a therapist and a free time. Times are shown in your own time zone."),
        ngettext(
            "• Pay no later than {hours} hour before the session. A day before that deadline you get a reminder "
            "in the chat with your therapist.",
            "• Pay no later than {hours} hours before the session. A day before that deadline you get a reminder "
            "in the chat with your therapist.",
            PAYMENT_DUE_HOURS,
        ).format(hours=PAYMENT_DUE_HOURS),
        _(
            "• Once the payment goes through, you both see «Оплата пройшла успішно»: from that moment the "
            "time is held for you. An unpaid session is cancelled at the deadline and the time is released."
        ),
        ngettext(
            "• Cancel or move a session {hours} hour or more before it starts and you lose nothing: a paid session "
            "is refunded in full.",
            "• Cancel or move a session {hours} hours or more before it starts and you lose nothing: a paid session "
            "is refunded in full.",
            FREE_CANCELLATION_HOURS,
        ).format(hours=FREE_CANCELLATION_HOURS),
        _(
            "• Cancelling later, or not coming without a word, counts as a session held.\n"
            "• Something beyond your control? Write to us: we look for a fair way out together with your therapist.\n"
            "• Want your money back after a session? Tell us why: support and the ethics commission look into it "
            "and decide.\n"
            "• You talk with your therapist through this bot; they see the name you chose, not your Telegram "
            "account."
        ),
        ngettext(
            "• Therapists receive their pay within {days} business day after the platform receives it.",
            "• Therapists receive their pay within {days} business days after the platform receives it.",
            PAYOUT_DAYS,
        ).format(days=PAYOUT_DAYS),
    ])


def requirements() -> str:
    who = "\n".join([
        _(
            "Who can join as a therapist\n\n• Higher education: psychological, pedagogical, medical or sociological "
            "(psychology is among the social and behavioural sciences)."
        ),
        ngettext(
            "• At least {years} year of practice.", "• At least {years} years of practice.", MIN_PRACTICE_YEARS
        ).format(years=MIN_PRACTICE_YEARS),
        _("• A private practice, and regular supervision."),
        ngettext(
            "• Certification in a therapeutic approach: at least {hours} hour.",
            "• Certification in a therapeutic approach: at least {hours} hours.",
            MIN_CERTIFIED_HOURS,
        ).format(hours=MIN_CERTIFIED_HOURS),
        _(
            "• A way to receive payouts in your country of residence.\n"
            "• Registered as a Ukrainian sole proprietor (FOP), group 3."
        ),
    ])
    joining = ngettext(
        "How joining goes: a short questionnaire → an online conversation with our community manager → "
        "a second questionnaire with your documents → your profile goes live within {fewest}–{most} business "
        "day → an invitation to your cabinet, right here in the chat.",
        "How joining goes: a short questionnaire → an online conversation with our community manager → "
        "a second questionnaire with your documents → your profile goes live within {fewest}–{most} business "
        "days → an invitation to your cabinet, right here in the chat.",
        LIVE_MOST_DAYS,
    ).format(fewest=LIVE_FEWEST_DAYS, most=LIVE_MOST_DAYS)
    return who + "\n\n" + joining
