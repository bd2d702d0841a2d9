"""Buttons of the shared chat: whom to write to, and the name a client shows."""
from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.keyboards.data import ButtonData
from bot.views.presenting import day_label, local_time
from core.usecases.conversations import ConversationSummary

PAGE_SIZE = 8


class WriteTo(ButtonData, prefix="chat"):
    """From now on, plain messages go to this conversation."""

    conversation_id: int


class SendTo(ButtonData, prefix="chatsend"):
    """A client with several therapists says whom a waiting message is for."""

    conversation_id: int
    message_id: int


class ChatsPage(ButtonData, prefix="chats"):
    page: int


class StopWriting(ButtonData, prefix="chatstop"):
    pass


class ChangeName(ButtonData, prefix="chatname"):
    pass


class KeepName(ButtonData, prefix="chatnamekeep"):
    pass


def last_message(summary: ConversationSummary, zone: str) -> str:
    moment = summary.conversation.last_message_at
    if moment is None:
        return _("no messages yet")
    return _("{day}, {time}").format(day=day_label(moment, zone), time=local_time(moment, zone))


def chats_list(
    summaries: list[ConversationSummary], page: int, *, zone: str, writing_to: int | None, can_rename: bool
) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    shown = summaries[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    for summary in shown:
        mark = "✍️ " if summary.conversation.id == writing_to else ""
        builder.button(
            text=f"{mark}{summary.partner_name} · {last_message(summary, zone)}",
            callback_data=WriteTo(conversation_id=summary.conversation.id),
        )
    sizes = [1] * len(shown)
    paging = []
    if page > 0:
        paging.append(("◀️", ChatsPage(page=page - 1)))
    if (page + 1) * PAGE_SIZE < len(summaries):
        paging.append(("▶️", ChatsPage(page=page + 1)))
    for text, data in paging:
        builder.button(text=text, callback_data=data)
    if paging:
        sizes.append(len(paging))
    if writing_to is not None:
        builder.button(text=_("✖️ Stop writing to anyone"), callback_data=StopWriting())
        sizes.append(1)
    if can_rename:
        builder.button(text=_("✏️ Name shown to therapists"), callback_data=ChangeName())
        sizes.append(1)
    builder.adjust(*sizes)
    return builder.as_markup()


def whom_to_send(summaries: list[ConversationSummary], message_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for summary in summaries:
        builder.button(
            text=summary.partner_name,
            callback_data=SendTo(conversation_id=summary.conversation.id, message_id=message_id),
        )
    builder.adjust(1)
    return builder.as_markup()


def keep_name(name: str, *, chosen: bool) -> InlineKeyboardMarkup:
    """Keep the chosen name, or show the Telegram first name: offered, never assumed."""
    builder = InlineKeyboardBuilder()
    text = _("Keep “{name}”") if chosen else _("Show my Telegram name: {name}")
    builder.button(text=text.format(name=name), callback_data=KeepName())
    return builder.as_markup()


def stop_writing_button() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("✖️ Stop writing to anyone"), callback_data=StopWriting())
    return builder.as_markup()
