"""The shared chat: whatever a client or therapist writes outside a flow is relayed.

Registered after every other topic router, so menu buttons, commands and
flows are taken first; what reaches here is a message for the other side.
The sender hears back only when something went wrong, never an echo.
"""
from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.enums import ContentType
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _
from pydantic import BaseModel

from bot.access import OpenRouter
from bot.conversation import Draft, Reply, Stay, Step, end
from bot.handlers.errors import not_understood
from bot.keyboards.chat import (
    ChangeName,
    ChatsPage,
    KeepName,
    SendTo,
    StopWriting,
    WriteTo,
    chats_list,
    keep_name,
    last_message,
    stop_writing_button,
    whom_to_send,
)
from bot.menus import BUTTON_CHATS
from bot.middlewares.callback_answer import alert, out_of_date
from bot.views.names import name_refusal, name_rules
from core.clock import Clock
from core.conversations import Side
from core.ports import UnitOfWork
from core.rules.display_names import UnacceptableName, acceptable_name
from core.usecases.conversations import (
    AskWhichConversation,
    ChatOverview,
    Deliver,
    NoRoute,
    NotYourConversation,
    chat_overview,
    choose_conversation,
    choose_display_name,
    needs_display_name,
    relay,
    relay_held,
    route_message,
    stop_writing,
    was_relayed,
)
from core.users import User

RELAYED = {
    ContentType.TEXT,
    ContentType.PHOTO,
    ContentType.VOICE,
    ContentType.VIDEO,
    ContentType.VIDEO_NOTE,
    ContentType.AUDIO,
    ContentType.DOCUMENT,
    ContentType.STICKER,
    ContentType.ANIMATION,
}
# Things a person sends on purpose that the chat does not carry; service messages are not among them.
NOT_RELAYED = {
    ContentType.LOCATION,
    ContentType.VENUE,
    ContentType.CONTACT,
    ContentType.POLL,
    ContentType.DICE,
    ContentType.GAME,
    ContentType.STORY,
    ContentType.PAID_MEDIA,
    ContentType.CHECKLIST,
}


class ChatFlow(StatesGroup):
    naming = State()


class Held(BaseModel):
    """A client's message held back until they choose the name therapists see."""

    conversation_id: int
    message_id: int
    reply_to: int | None


class Naming(Draft):
    """Choosing the name therapists see; `waiting`: the message sent right after, if one is held."""

    waiting: Held | None = None


def commands() -> Router:
    router = OpenRouter(name="chat-commands")
    router.message.register(show_chats, F.text == BUTTON_CHATS)
    router.message.register(show_chats, Command("chats", "clients"))
    return router


def router() -> Router:
    router = OpenRouter(name="chat")
    router.callback_query.register(turn_page, ChatsPage.filter())
    router.callback_query.register(write_to, WriteTo.filter())
    router.callback_query.register(stop, StopWriting.filter())
    router.callback_query.register(send_waiting, SendTo.filter())
    router.callback_query.register(ask_name_from_button, ChangeName.filter())
    router.callback_query.register(keep_first_name, KeepName.filter())
    NAMING.register(router)
    return router


def relaying() -> Router:
    """Free text and media outside any flow go to the person's therapist or client."""
    router = OpenRouter(name="chat-relay")
    router.message.register(relay_message, StateFilter(None), F.content_type.in_(RELAYED))
    router.message.register(cannot_relay, StateFilter(None), F.content_type.in_(NOT_RELAYED))
    router.edited_message.register(edit_not_passed_on)
    return router


# -- relaying ------------------------------------------------------------


async def relay_message(message: Message, uow: UnitOfWork, clock: Clock, user: User, state: FSMContext) -> None:
    replied = message.reply_to_message.message_id if message.reply_to_message else None
    route = await route_message(uow, user, replied)
    if isinstance(route, Deliver):
        if route.sender_side is Side.CLIENT and needs_display_name(user):
            held = Held(conversation_id=route.conversation.id, message_id=message.message_id, reply_to=route.reply_to)
            await ask_name(message, state, user, waiting=held)
            return
        await relay(uow, clock, route, sender_id=user.telegram_id, message_id=message.message_id)
    elif isinstance(route, AskWhichConversation):
        await message.reply(
            _("Whom is this message for?"), reply_markup=whom_to_send(route.conversations, message.message_id)
        )
    elif route is NoRoute.NOT_RELAYED:
        await message.reply(
            _(
                "Not sent. The message you replied to did not come from a client, so I can't tell whom "
                "this is for. Reply to a client's message, or choose the client in 💬 Chats (/clients)."
            )
        )
    elif route is NoRoute.NO_CLIENT_CHOSEN:
        await message.reply(
            _(
                "Not sent to anyone. To answer a client, reply to their message (swipe it left or tap "
                "Reply), or choose the client in 💬 Chats (/clients): then your messages go to them."
            )
        )
    else:  # nobody to write to yet: this is just stray text
        await not_understood(message)


async def cannot_relay(message: Message) -> None:
    await message.reply(
        _(
            "This kind of message can't be passed on. You can send text, photos, voice messages, "
            "videos, video notes, audio, files and stickers."
        )
    )


async def edit_not_passed_on(edited_message: Message, uow: UnitOfWork) -> None:
    if await was_relayed(uow, edited_message.chat.id, edited_message.message_id):
        await edited_message.reply(
            _("Edits are not passed on: the other side keeps the first version. Send the correction as a new message.")
        )


# -- choosing whom to write to ------------------------------------------------


async def show_chats(message: Message, uow: UnitOfWork, user: User) -> None:
    overview = await chat_overview(uow, user)
    await message.answer(_overview_text(overview, user), reply_markup=_overview_keyboard(overview, user, 0))


async def turn_page(query: CallbackQuery, message: Message, callback_data: ChatsPage, uow: UnitOfWork, user: User) -> None:
    overview = await chat_overview(uow, user)
    page = max(0, callback_data.page)
    await _edit(message, _overview_text(overview, user), reply_markup=_overview_keyboard(overview, user, page))


def _overview_text(overview: ChatOverview, user: User) -> str:
    if not overview.conversations:
        if overview.therapist:
            return _("No clients yet. When a client books a session with you, your chat with them appears here.")
        return _("No conversations yet. When you book a session, your chat with the therapist appears here.")
    if overview.therapist:
        lines = [_("Your clients. Tap a name to write to them, or simply reply to any of their messages.")]
    else:
        lines = [_("Your therapists. Tap a name to write to them, or simply reply to any of their messages.")]
    if overview.writing_to is not None:
        lines.append(_("✍️ Now writing to: {name}").format(name=overview.writing_to.partner_name))
    if not overview.therapist and user.display_name:
        lines.append(_("Therapists see you as “{name}”.").format(name=user.display_name))
    return "\n\n".join(lines)


def _overview_keyboard(overview: ChatOverview, user: User, page: int) -> Any:
    writing_to = overview.writing_to.conversation.id if overview.writing_to else None
    return chats_list(
        overview.conversations, page, zone=user.timezone, writing_to=writing_to, can_rename=not overview.therapist
    )


async def write_to(query: CallbackQuery, message: Message, callback_data: WriteTo, uow: UnitOfWork, user: User, callback_answer: CallbackAnswer) -> None:
    try:
        chosen = await choose_conversation(uow, user, callback_data.conversation_id)
    except NotYourConversation:
        alert(callback_answer, _("This chat is not available. Open 💬 Chats again."))
        return
    if chosen.conversation.last_message_at is None:
        head = _("✍️ Now writing to {name}; there are no messages in this chat yet.").format(name=chosen.partner_name)
    else:
        head = _("✍️ Now writing to {name} (last message: {when}).").format(
            name=chosen.partner_name, when=last_message(chosen, user.timezone)
        )
    await message.answer(
        head + " " + _(
            "Everything you send goes to them until you choose someone else; a reply to a message always goes to its sender."
        ),
        reply_markup=stop_writing_button(),
    )


async def stop(query: CallbackQuery, message: Message, uow: UnitOfWork, user: User) -> None:
    await stop_writing(uow, user)
    await message.answer(
        _("You are not writing to anyone now. Reply to a message, or choose whom to write to in 💬 Chats.")
    )


async def send_waiting(
    query: CallbackQuery, message: Message, callback_data: SendTo, uow: UnitOfWork, clock: Clock, user: User, state: FSMContext, callback_answer: CallbackAnswer
) -> None:
    try:
        chosen = await choose_conversation(uow, user, callback_data.conversation_id)
    except NotYourConversation:
        alert(callback_answer, _("This chat is not available. Open 💬 Chats again."))
        return
    waiting = Held(conversation_id=chosen.conversation.id, message_id=callback_data.message_id, reply_to=None)
    if chosen.my_side is Side.CLIENT and needs_display_name(user):
        await ask_name(message, state, user, waiting=waiting)
        return
    await relay_held(uow, clock, user, chosen.conversation.id, message_id=callback_data.message_id, reply_to=None)
    await _edit(
        message,
        _("Sent to {name}. Your next messages go to them too, until you choose someone else in 💬 Chats.").format(
            name=chosen.partner_name
        )
    )


async def _edit(message: Message, text: str, reply_markup: Any = None) -> None:
    """A double tap edits the message to what it already says; Telegram refuses that, and it is fine."""
    try:
        await message.edit_text(text, reply_markup=reply_markup)
    except TelegramBadRequest as error:
        if "message is not modified" not in error.message:
            raise


# -- the name a client shows ---------------------------------------------------


async def ask_name_from_button(query: CallbackQuery, message: Message, state: FSMContext, user: User) -> None:
    await ask_name(message, state, user, waiting=None)


async def ask_name(message: Message, state: FSMContext, user: User, *, waiting: Held | None) -> None:
    """Ask which name therapists see; a message that waits for it is sent right after."""
    if waiting is not None:
        intro = _("Before your message goes out: which name should your therapists see?")
    else:
        intro = _("Which name should your therapists see?")
    rules = name_rules()
    await NAMING.ask(Reply(message), state, Naming(waiting=waiting), f"{intro}\n\n{rules}", _keep_markup(user))


def _keepable(user: User) -> str | None:
    try:
        return acceptable_name(user.display_name or user.first_name)
    except UnacceptableName:
        return None


async def _name_typed(message: Message, text: str, draft: Naming, state: FSMContext, uow: UnitOfWork, clock: Clock, user: User) -> None:
    try:
        await choose_display_name(uow, user, text)
    except UnacceptableName as refused:
        raise Stay(name_refusal(refused.problem)) from None
    await _named(message, state, uow, clock, user, draft)


async def _name_expected(user: User) -> tuple[str, Any]:
    return _("Please send the name as text."), _keep_markup(user)


NAMING = Step(ChatFlow.naming, Naming, take=_name_typed, expected=_name_expected)


async def keep_first_name(query: CallbackQuery, message: Message, state: FSMContext, uow: UnitOfWork, clock: Clock, user: User, callback_answer: CallbackAnswer) -> None:
    """The name offered on the button; only while the name is being chosen (the draft says so)."""
    draft = await Naming.load(state) if await state.get_state() == ChatFlow.naming.state else None
    if draft is None:
        out_of_date(callback_answer)
        return
    keep = _keepable(user)
    if keep is None:
        alert(callback_answer, _("Please type a name instead."))
        return
    await choose_display_name(uow, user, keep)
    await _named(message, state, uow, clock, user, draft)


async def _named(message: Message, state: FSMContext, uow: UnitOfWork, clock: Clock, user: User, draft: Naming) -> None:
    await end(state)
    done = _("Done: therapists will see you as “{name}”.").format(name=user.display_name)
    held = draft.waiting
    if held is None:
        await message.answer(done)
        return
    try:
        sent_to = await relay_held(uow, clock, user, held.conversation_id, message_id=held.message_id, reply_to=held.reply_to)
    except NotYourConversation:
        await message.answer(done)
        return
    await message.answer(done + "\n" + _("Your message is on its way to {name}.").format(name=sent_to.partner_name))


def _keep_markup(user: User) -> Any:
    keep = _keepable(user)
    return keep_name(keep, chosen=user.display_name is not None) if keep else None
