"""The support inbox: staff answer a ticket by replying (or by writing in the person's forum topic) and close it.

Also the person's side outside /support: replying to an answer from support
continues the conversation.
"""
from __future__ import annotations

from typing import Any

from aiogram import Bot, F, Router
from aiogram.enums import ChatType, ContentType
from aiogram.filters import Filter
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from bot.access import OpenRouter, StaffRouter
from bot.flows.support import RELAYABLE, acknowledge, pass_to_support
from bot.keyboards.support import SupportClose
from bot.middlewares.callback_answer import alert
from bot.routing import layer
from bot.settings import Settings
from bot.views.presenting import local_moment
from core.clock import Clock
from core.ports import UnitOfWork
from core.staff import Permission
from core.support import Relay, RelayKind, Ticket
from core.usecases.support import (
    AlreadyClosed,
    UnknownTicket,
    answer_person,
    close_ticket,
    replied_relay,
    ticket_in_topic,
)
from core.users import User

# Staff may answer with anything a person can be sent a copy of.
STAFF_RELAYABLE = RELAYABLE | {ContentType.STICKER}


class RepliesToRelay(Filter):
    """A reply to one of the bot's support copies of these kinds; hands on `relay` and `ticket`."""

    def __init__(self, *kinds: RelayKind) -> None:
        self.kinds = frozenset(kinds)

    async def __call__(self, message: Message, uow: UnitOfWork) -> bool | dict[str, Any]:
        if message.reply_to_message is None:
            return False
        found = await replied_relay(uow, message.chat.id, message.reply_to_message.message_id)
        if found is None or found[0].kind not in self.kinds:
            return False
        return {"relay": found[0], "ticket": found[1]}


class InSupportChat(Filter):
    async def __call__(self, message: Message, settings: Settings) -> bool:
        return settings.support_chat_id is not None and message.chat.id == settings.support_chat_id


class InPersonsTopic(Filter):
    """A message in a person's topic of the forum support chat; hands on their latest `ticket`."""

    async def __call__(self, message: Message, uow: UnitOfWork) -> bool | dict[str, Any]:
        if not message.is_topic_message or message.message_thread_id is None:
            return False
        ticket = await ticket_in_topic(uow, message.chat.id, message.message_thread_id)
        return {"ticket": ticket} if ticket is not None else False


def router() -> Router:
    staff = StaffRouter(name="support-inbox", permission=Permission.ANSWER_SUPPORT)
    staff_answer = F.content_type.in_(STAFF_RELAYABLE)
    staff.message.register(answer_by_reply, RepliesToRelay(RelayKind.HEADER, RelayKind.TO_STAFF), staff_answer)
    staff.message.register(answer_in_topic, InSupportChat(), InPersonsTopic(), staff_answer)
    staff.message.register(cannot_pass_on, RepliesToRelay(RelayKind.HEADER, RelayKind.TO_STAFF))
    staff.callback_query.register(close, SupportClose.filter())
    people = OpenRouter(name="support-replies")
    people.message.register(
        person_replies, F.chat.type == ChatType.PRIVATE, RepliesToRelay(RelayKind.TO_PERSON), F.content_type.in_(STAFF_RELAYABLE)
    )
    # The support chat is staff's workspace: their talk among themselves is not for the bot to answer.
    people.message.register(staff_talk, InSupportChat())
    return layer("support", staff, people)


async def answer_by_reply(
    message: Message, relay: Relay, ticket: Ticket, uow: UnitOfWork, clock: Clock, user: User, bot: Bot
) -> None:
    await answer_person(
        uow, clock, ticket=ticket, staff_id=user.telegram_id, chat_id=message.chat.id, message_id=message.message_id,
        thread_id=message.message_thread_id if message.is_topic_message else None,
        answers_message_id=relay.origin_message_id if relay.kind is RelayKind.TO_STAFF else None,
    )
    await acknowledge(bot, message)


async def answer_in_topic(message: Message, ticket: Ticket, uow: UnitOfWork, clock: Clock, user: User, bot: Bot) -> None:
    await answer_person(
        uow, clock, ticket=ticket, staff_id=user.telegram_id, chat_id=message.chat.id, message_id=message.message_id,
        thread_id=message.message_thread_id,
    )
    await acknowledge(bot, message)


async def cannot_pass_on(message: Message) -> None:
    await message.answer(_("This kind of message can't be passed on to the person. Send text, a photo, a document or a voice message."))


async def person_replies(
    message: Message, uow: UnitOfWork, clock: Clock, user: User, settings: Settings, bot: Bot
) -> None:
    written = await pass_to_support(message, uow, clock, user, settings, bot)
    if written is None:
        return
    if written.opened:
        await message.answer(
            _("✅ Sent to support (conversation #{number}). The answer will come to this chat.").format(
                number=written.ticket.id
            )
        )
        return
    await acknowledge(bot, message)


async def close(query: CallbackQuery, callback_data: SupportClose, uow: UnitOfWork, clock: Clock, user: User, callback_answer: CallbackAnswer) -> None:
    try:
        ticket = await close_ticket(uow, clock, ticket_id=callback_data.ticket, staff_id=user.telegram_id)
    except UnknownTicket:
        alert(callback_answer, _("This ticket no longer exists: the person had their data deleted."))
        return
    except AlreadyClosed as already:
        closer = await uow.users.get(already.ticket.closed_by) if already.ticket.closed_by else None
        assert already.ticket.closed_at is not None
        alert(
            callback_answer,
            _("Ticket #{number} was already closed by {name}, {moment}.").format(
                number=already.ticket.id,
                name=closer.staff_name if closer else f"#{already.ticket.closed_by}",
                moment=local_moment(already.ticket.closed_at, user.timezone),
            ),
        )
        return
    assert ticket.closed_at is not None
    callback_answer.text = _("Ticket #{number} is closed; the person has been told.").format(number=ticket.id)
    if isinstance(query.message, Message) and query.message.text:
        closed = _("✅ Closed by {name}, {moment}.").format(
            name=user.staff_name, moment=local_moment(ticket.closed_at, user.timezone)
        )
        await query.message.edit_text(f"{query.message.text}\n\n{closed}", reply_markup=None)


async def staff_talk(message: Message) -> None:
    """Nothing to do: only replies to the bot's copies, and messages in a person's topic, go to people."""
