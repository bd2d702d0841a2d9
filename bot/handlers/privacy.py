"""/mydata: a person sees what the platform holds about them, or has it deleted.

The export is a JSON document rather than a message: it is complete however
much there is (a message stops at 4,096 characters), a person can keep it or
hand it to someone, and any text editor opens it. A short caption says what
is inside.

Deletion asks for confirmation, and is refused while something must be
settled first (sessions still ahead: cancelling them has money rules the
person should see and choose, not have applied silently). Afterwards the
person is told exactly what was kept and why.
"""
from __future__ import annotations

import json
from datetime import timedelta

from aiogram import Bot, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import BotCommandScopeChat, BufferedInputFile, CallbackQuery, Message, ReplyKeyboardRemove
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __
from aiogram.utils.i18n import ngettext

from bot.access import OpenRouter
from bot.conversation import end, unfinished
from bot.keyboards.privacy import (
    DataErasure,
    DataErasureConfirmed,
    DataErasureDropped,
    DataExport,
    confirm_erasure,
    my_data,
)
from bot.middlewares.callback_answer import alert
from bot.views.lengths import CAPTION_LIMIT, clip
from bot.views.presenting import local_day
from core.clock import Clock
from core.platform_rules import FREE_CANCELLATION_HOURS
from core.ports import UnitOfWork
from core.privacy import (
    FOR_ACCOUNTABILITY,
    FOR_ACCOUNTING,
    IN_SUPPORT_CHATS,
    MONEY_UNSETTLED,
    UPCOMING_SESSIONS,
    Kept,
    Obstacle,
)
from core.usecases.privacy import erase_personal_data, erasure_obstacles, export_personal_data
from core.users import User

# A confirmation pressed after this long is from another moment; ask again.
CONFIRMATION_LIFETIME = timedelta(minutes=10)

TOPICS = {
    "account": __("your account: name, language, time zone, roles"),
    "staff_roles": __("staff roles"),
    "support_tickets": __("your conversations with support"),
    "therapist_profile": __("your therapist profile, weekly hours and vacations"),
    "bookings": __("your bookings"),
    "payments": __("your payments, refunds and payouts"),
    "applications": __("your application to join as a therapist"),
    "conversations": __("whom you talk with in the shared chat"),
    "matching": __("your answers to «Help me choose», the matches shown to you and your waitlists"),
    "audit_log": __("actions the platform's staff took on your account"),
    "broadcasts": __("messages you broadcast as the platform's staff"),
    "unfinished_step": __("a step in the bot you have not finished"),
    "updates_from_telegram": __("what you sent the bot that it still holds: messages (to support too) and button presses"),
}


def commands() -> Router:
    router = OpenRouter(name="privacy-commands")
    router.message.register(show_options, Command("mydata"))
    return router


def router() -> Router:
    router = OpenRouter(name="privacy")
    router.callback_query.register(send_export, DataExport.filter())
    router.callback_query.register(ask_to_confirm, DataErasure.filter())
    router.callback_query.register(erase, DataErasureConfirmed.filter())
    router.callback_query.register(keep, DataErasureDropped.filter())
    return router


async def show_options(message: Message) -> None:
    await message.answer(
        _(
            "Your data on the platform.\n\n"
            "📄 See it: I will send you a file with everything the platform holds about you.\n"
            "🗑 Delete it: your account and everything linked to it is removed. Only what the law makes us keep "
            "stays (payment records, for accounting), and it no longer points to you.\n\n"
            "The messages in your chats are kept by Telegram, not by us: you can delete them in Telegram."
        ),
        reply_markup=my_data(),
    )


async def send_export(
    query: CallbackQuery, uow: UnitOfWork, clock: Clock, user: User, state: FSMContext, bot: Bot
) -> None:
    exported = await export_personal_data(uow, clock, user.telegram_id)
    kept = await unfinished(state)
    if kept is not None:
        exported["unfinished_step"] = kept
    document = json.dumps(
        {"exported_at": clock.now().isoformat(), **exported}, ensure_ascii=False, indent=2, default=str
    ).encode()
    day = clock.now().date().isoformat()
    topics = "\n".join(f"• {TOPICS[topic]}" if topic in TOPICS else f"• {topic}" for topic in exported)
    caption = _("Everything the platform holds about you on {day}:\n{topics}").format(
        day=local_day(clock.now(), user.timezone), topics=topics
    )
    await bot.send_document(
        user.telegram_id,
        BufferedInputFile(document, filename=f"my-data-{day}.json"),
        caption=clip(caption, CAPTION_LIMIT),
    )


async def ask_to_confirm(query: CallbackQuery, uow: UnitOfWork, clock: Clock, user: User) -> None:
    obstacles = await erasure_obstacles(uow, clock, user.telegram_id)
    if not isinstance(query.message, Message):
        return
    if obstacles:
        await query.message.answer(_settle_first(obstacles))
        return
    await query.message.answer(
        _(
            "Delete your data? This cannot be undone.\n\n"
            "Your account, settings, roles, support conversations and everything else linked to you will be "
            "deleted. Payment records stay for accounting, no longer linked to you, and the audit log keeps "
            "a note of what was done, with no contents. If you write to the bot afterwards, it starts afresh."
        ),
        reply_markup=confirm_erasure(int(clock.now().timestamp())),
    )


async def erase(
    query: CallbackQuery,
    callback_data: DataErasureConfirmed,
    uow: UnitOfWork,
    clock: Clock,
    user: User,
    state: FSMContext,
    bot: Bot,
    callback_answer: CallbackAnswer,
) -> None:
    age = clock.now().timestamp() - callback_data.asked_at
    if not 0 <= age <= CONFIRMATION_LIFETIME.total_seconds():
        alert(callback_answer, _("This confirmation has expired. Open /mydata to start again."))
        return
    outcome = await erase_personal_data(uow, clock, user.telegram_id)
    if not outcome.done:
        await bot.send_message(user.telegram_id, _settle_first(outcome.obstacles))
        return
    await end(state)
    try:
        await bot.delete_my_commands(scope=BotCommandScopeChat(chat_id=user.telegram_id))
    except TelegramAPIError:
        pass  # the general menu shows anyway once the person's own is gone or not
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=None)
    await bot.send_message(user.telegram_id, _erased(outcome.kept), reply_markup=ReplyKeyboardRemove())


async def keep(query: CallbackQuery, callback_answer: CallbackAnswer) -> None:
    callback_answer.text = _("Nothing was deleted.")
    if isinstance(query.message, Message):
        await query.message.edit_text(_("Nothing was deleted. /mydata is always here."))


def _free_ahead() -> str:
    return ngettext(
        "{hours} hour or more before the start", "{hours} hours or more before the start", FREE_CANCELLATION_HOURS
    ).format(hours=FREE_CANCELLATION_HOURS)


def _settle_first(obstacles: list[Obstacle]) -> str:
    lines = [_("Your data can't be deleted just yet:")]
    for obstacle in obstacles:
        if obstacle.reason == UPCOMING_SESSIONS:
            lines.append(
                "• "
                + ngettext(
                    "{count} session is still ahead. Cancel it first ({ahead} it is free, and a paid session is "
                    "refunded).",
                    "{count} sessions are still ahead. Cancel them first ({ahead} it is free, and a paid session is "
                    "refunded).",
                    obstacle.count,
                ).format(count=obstacle.count, ahead=_free_ahead())
            )
        elif obstacle.reason == MONEY_UNSETTLED:
            lines.append(
                "• "
                + ngettext(
                    "{count} money matter is still under way (a refund to you, a payout to you, or a sum you owe "
                    "back). Once it is settled, your data can be deleted.",
                    "{count} money matters are still under way (refunds to you, payouts to you, or sums you owe "
                    "back). Once they are settled, your data can be deleted.",
                    obstacle.count,
                ).format(count=obstacle.count)
            )
        else:
            lines.append(f"• {TOPICS.get(obstacle.topic, obstacle.topic)}: {obstacle.reason} ({obstacle.count})")
    lines.append(_("Then open /mydata again. If something is unclear, /support will help."))
    return "\n".join(lines)


def _erased(kept: list[Kept]) -> str:
    lines = [_("Your data has been deleted.")]
    kept_lines = [_kept_line(item) for item in kept]
    if kept_lines:
        lines += ["", _("What was kept, and why:"), *kept_lines]
    lines += [
        "",
        _(
            "The audit log also notes that you asked for deletion and when: that is how the platform shows it "
            "did what you asked. If you write to the bot again, it will start afresh with a new, empty account."
        ),
    ]
    return "\n".join(lines)


def _kept_line(item: Kept) -> str:
    if item.reason == FOR_ACCOUNTING:
        return "• " + ngettext(
            "{count} payment record ({topic}): the law requires us to keep it for accounting. It now points to an "
            "anonymous number instead of you.",
            "{count} payment records ({topic}): the law requires us to keep them for accounting. They now point to "
            "an anonymous number instead of you.",
            item.count,
        ).format(count=item.count, topic=TOPICS.get(item.topic, item.topic))
    if item.reason == FOR_ACCOUNTABILITY:
        return "• " + ngettext(
            "{count} audit log entry: which action the platform took on your account and when, without contents. It "
            "now points to an anonymous number instead of you.",
            "{count} audit log entries: which actions the platform took on your account and when, without contents. "
            "They now point to an anonymous number instead of you.",
            item.count,
        ).format(count=item.count)
    if item.reason == IN_SUPPORT_CHATS:
        return "• " + ngettext(
            "{count} message you sent to support stays in the support team's Telegram chat; the bot can no longer "
            "tell it was yours.",
            "{count} messages you sent to support stay in the support team's Telegram chat; the bot can no longer "
            "tell they were yours.",
            item.count,
        ).format(count=item.count)
    return f"• {TOPICS.get(item.topic, item.topic)}: {item.count} ({item.reason})"
