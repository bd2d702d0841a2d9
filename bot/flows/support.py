"""/support: a person writes to the platform's support until they press Done.

Each message is copied to support (bot/notices/support.py) in the person's
open ticket, or a new one. Support's answers come back in this chat; the
person can reply to them at any time, in this conversation or later.
"""
from __future__ import annotations

import logging

from aiogram import Bot, F, Router
from aiogram.enums import ChatType, ContentType
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message, ReactionTypeEmoji
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from bot.access import OpenRouter
from bot.conversation import Nothing, Reply, Step, end
from bot.keyboards.support import SupportDone, writing
from bot.middlewares.callback_answer import alert
from bot.settings import Settings
from bot.views.lengths import TOPIC_NAME_LIMIT, clip, units
from core.clock import Clock
from core.ports import UnitOfWork
from core.support import Desk
from core.usecases.support import NobodyOnDuty, Written, desk_for, remember_topic, write_to_support
from core.users import User

log = logging.getLogger(__name__)

# What copyMessage can carry and a support team can read.
RELAYABLE = {
    ContentType.TEXT,
    ContentType.PHOTO,
    ContentType.DOCUMENT,
    ContentType.VIDEO,
    ContentType.VOICE,
    ContentType.AUDIO,
    ContentType.VIDEO_NOTE,
    ContentType.ANIMATION,
}


class WritingToSupport(StatesGroup):
    writing = State()


def commands() -> Router:
    router = OpenRouter(name="support-conversation-commands")
    router.message.filter(F.chat.type == ChatType.PRIVATE)
    router.message.register(start, Command("support"))
    router.message.register(finish_by_command, WritingToSupport.writing, Command("cancel", "done"))
    return router


def router() -> Router:
    router = OpenRouter(name="support-conversation")
    router.message.filter(F.chat.type == ChatType.PRIVATE)
    router.callback_query.register(finish, SupportDone.filter())
    # Other commands pass through to their own handlers; the conversation stays open meanwhile.
    WRITING.register(router)
    return router


async def start(message: Message, state: FSMContext) -> None:
    text = _(
        "Write to the platform's support: a question about the bot, a booking, a payment, your profile — "
        "anything. You can send text, photos, documents or voice messages. A person from our team will "
        "answer here, usually within a working day.\n\n"
        "When you have said everything, press Done."
    )
    await WRITING.ask(Reply(message), state, Nothing(), text, writing())


async def _relay(message: Message, uow: UnitOfWork, clock: Clock, user: User, settings: Settings, bot: Bot) -> None:
    written = await pass_to_support(message, uow, clock, user, settings, bot)
    if written is None:
        return
    if written.opened:
        await message.answer(
            _(
                "✅ Sent to support (conversation #{number}). Add anything you like, or press Done. "
                "The answer will come to this chat."
            ).format(number=written.ticket.id),
            reply_markup=writing(),
        )
        return
    await acknowledge(bot, message)


async def pass_to_support(
    message: Message, uow: UnitOfWork, clock: Clock, user: User, settings: Settings, bot: Bot
) -> Written | None:
    """Shared with the person's reply to an answer (bot/handlers/support.py); None when nobody can take it."""
    desk = await support_desk(bot, uow, settings, user)
    try:
        return await write_to_support(uow, clock, person_id=user.telegram_id, message_id=message.message_id, desk=desk)
    except NobodyOnDuty:
        log.error("a message to support reached nobody: set SUPPORT_CHAT_ID or ADMIN_IDS, or give someone the support role")
        await message.answer(
            _(
                "Sorry, support can't be reached through the bot right now; please try again later. "
                "If you are in danger, /help lists crisis lines that answer at once."
            )
        )
        return None


async def acknowledge(bot: Bot, message: Message) -> None:
    """A quiet 👍 on the message: taken, without a reply to every line."""
    try:
        await bot.set_message_reaction(message.chat.id, message.message_id, reaction=[ReactionTypeEmoji(emoji="👍")])
    except TelegramAPIError:
        log.debug("could not react to %s in %s", message.message_id, message.chat.id, exc_info=True)


async def support_desk(bot: Bot, uow: UnitOfWork, settings: Settings, person: User) -> Desk:
    """Where this person's messages go; in a forum support chat, their own topic, opened with their first ticket."""
    desk = await desk_for(uow, person.telegram_id, support_chat_id=settings.support_chat_id, full_admins=settings.admin_ids)
    chat_id = settings.support_chat_id
    if chat_id is None or desk.thread_id is not None or await uow.support.open_ticket_of(person.telegram_id):
        return desk
    thread_id = await _open_topic(bot, chat_id, person)
    if thread_id is None:
        return desk
    await remember_topic(uow, person.telegram_id, chat_id, thread_id)
    return Desk(desk.chats, thread_id)


async def _open_topic(bot: Bot, chat_id: int, person: User) -> int | None:
    """None when the chat is not a forum, or the bot may not create topics there: then the group gets headings."""
    try:
        chat = await bot.get_chat(chat_id)
        if not chat.is_forum:
            return None
        # The id stays whole: staff tell two people of one name apart by it.
        suffix = f" · {person.telegram_id}"
        name = clip(person.staff_name, TOPIC_NAME_LIMIT - units(suffix)) + suffix
        topic = await bot.create_forum_topic(chat_id, name=name)
    except TelegramAPIError:
        log.warning("could not open a forum topic in the support chat %s", chat_id, exc_info=True)
        return None
    return topic.message_thread_id


async def _not_relayable() -> tuple[str, InlineKeyboardMarkup]:
    return (
        _("Support can read text, photos, documents, videos and voice messages; this one I can't pass on. Please send one of those."),
        writing(),
    )


WRITING = Step(WritingToSupport.writing, Nothing, take=_relay, takes=F.content_type.in_(RELAYABLE), expected=_not_relayable)


async def finish_by_command(message: Message, state: FSMContext) -> None:
    await end(state)
    await message.answer(_finished())


async def finish(query: CallbackQuery, state: FSMContext, callback_answer: CallbackAnswer) -> None:
    await end(state)
    if isinstance(query.message, Message):
        await query.message.answer(_finished())
    else:
        alert(callback_answer, _finished())


def _finished() -> str:
    return _(
        "Thank you. Support will answer in this chat. To add something later, reply to their answer or send /support."
    )
