"""/broadcast: choose a segment, send the message, see it exactly as they will, confirm.

Nothing is written until Confirm: cancelling at any step leaves no trace. The
author's message stays in their chat and every recipient gets a copy of it
(text, or a photo or document with its caption) through timed messages, so
delivery paces them within Telegram's limits.
"""
from __future__ import annotations

import secrets

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from bot import conversation
from bot.access import StaffRouter
from bot.conversation import Draft, Reply, end, settle
from bot.editing import replace_message
from bot.handlers.broadcasts import report_text, segment_name
from bot.keyboards.broadcast import (
    APPLICANTS_MENU,
    BroadcastCancel,
    BroadcastConfirm,
    BroadcastRedo,
    BroadcastSegment,
    preview_answer,
    report_buttons,
    segments,
)
from bot.middlewares.callback_answer import alert
from bot.views.applications import step_name
from core.applications import Step
from core.broadcasts import Audience, DuplicateBroadcast, Segment
from core.clock import Clock
from core.ports import UnitOfWork
from core.staff import Authority, Permission
from core.usecases.broadcasts import NobodyToTell, audience_size, broadcast_report, send_broadcast
from core.users import User


class BroadcastFlow(StatesGroup):
    composing = State()  # waiting for the message to broadcast
    confirming = State()  # its preview is shown


class BroadcastDraft(Draft):
    segment: str  # Segment.code
    from_chat_id: int = 0  # the message to send, once previewed
    message_id: int = 0
    token: str = ""  # the preview's: a button of an older preview sends nothing


def commands() -> Router:
    router = StaffRouter(name="broadcast-commands", permission=Permission.BROADCAST)
    router.message.register(begin, Command("broadcast"))
    router.message.register(stop, StateFilter(BroadcastFlow), Command("cancel"))
    return router


def router() -> Router:
    router = StaffRouter(name="broadcast", permission=Permission.BROADCAST)
    router.callback_query.register(choose_segment, BroadcastSegment.filter())
    router.callback_query.register(cancel, BroadcastCancel.filter())
    router.callback_query.register(another_message, BroadcastRedo.filter())
    router.callback_query.register(confirm, BroadcastConfirm.filter())
    # A new message while the preview is shown replaces the one to send.
    for step in (COMPOSING, CONFIRMING):
        step.register(router)
    return router


# -- the segment ---------------------------------------------------------------------------


async def begin(message: Message, state: FSMContext, uow: UnitOfWork, user: User) -> None:
    await end(state)
    everyone = [Segment(Audience.THERAPISTS), Segment(Audience.CLIENTS)]
    choices: list[tuple[str, Segment | None, int | None]] = [
        (segment_name(s), s, await audience_size(uow, s, author_id=user.telegram_id)) for s in everyone
    ]
    choices.append((_("Applicants at a step…"), None, None))
    await message.answer(_("📣 Broadcast. Who should receive it?"), reply_markup=segments(choices))


async def choose_segment(
    query: CallbackQuery, message: Message, callback_data: BroadcastSegment, state: FSMContext, uow: UnitOfWork, user: User, callback_answer: CallbackAnswer
) -> None:
    if callback_data.code == APPLICANTS_MENU:
        steps = [Segment(Audience.APPLICANTS, step) for step in Step]
        choices: list[tuple[str, Segment | None, int | None]] = [
            (step_name(s.step), s, await audience_size(uow, s, author_id=user.telegram_id))
            for s in steps
            if s.step is not None
        ]
        await replace_message(message, _("📣 Broadcast to applicants at which step?"), segments(choices))
        return
    try:
        segment = Segment.parse(callback_data.code)
    except ValueError:
        alert(callback_answer, _("This button is out of date. Start again with /broadcast."))
        return
    count = await audience_size(uow, segment, author_id=user.telegram_id)
    if count == 0:
        alert(callback_answer, _("Nobody is in this group right now. Choose another."))
        return
    await COMPOSING.ask(Reply(message, callback_answer), state, BroadcastDraft(segment=segment.code), _ask_for_message(segment, count))


def _ask_for_message(segment: Segment, count: int) -> str:
    return _(
        "To: {segment} ({count}).\n\nNow send the message to broadcast: text, or a photo or a document with a "
        "caption. You will see it exactly as they will before anything is sent. /cancel to stop."
    ).format(segment=segment_name(segment), count=count)


# -- the message and its preview ---------------------------------------------------------------


async def _message_to_send(message: Message, draft: BroadcastDraft, state: FSMContext, uow: UnitOfWork, user: User, bot: Bot) -> None:
    segment = Segment.parse(draft.segment)
    count = await audience_size(uow, segment, author_id=user.telegram_id)
    draft.from_chat_id, draft.message_id, draft.token = message.chat.id, message.message_id, secrets.token_hex(4)
    await settle(state, BroadcastFlow.confirming, draft)
    await bot.copy_message(message.chat.id, from_chat_id=message.chat.id, message_id=message.message_id)
    await message.answer(
        _(
            "⬆️ This is exactly what they will get: {segment}, {count} in all. Send it?\n\n"
            "Keep your original message until sending is over: they get copies of it."
        ).format(count=count, segment=segment_name(segment)),
        reply_markup=preview_answer(draft.token, count),
    )


async def _not_sendable() -> tuple[str, None]:
    return _("A broadcast can be text, or a photo or a document with a caption. Please send one of these, or /cancel."), None


def _step(state: State) -> conversation.Step[BroadcastDraft]:
    return conversation.Step(state, BroadcastDraft, take=_message_to_send, takes=F.text | F.photo | F.document, expected=_not_sendable)


COMPOSING, CONFIRMING = _step(BroadcastFlow.composing), _step(BroadcastFlow.confirming)


async def another_message(
    query: CallbackQuery, message: Message, state: FSMContext, uow: UnitOfWork, user: User, callback_answer: CallbackAnswer
) -> None:
    draft = await BroadcastDraft.load(state)
    if await state.get_state() != BroadcastFlow.confirming.state or draft is None:
        await _stale(callback_answer=callback_answer)
        return
    segment = Segment.parse(draft.segment)
    count = await audience_size(uow, segment, author_id=user.telegram_id)
    await COMPOSING.ask(Reply(message, callback_answer), state, BroadcastDraft(segment=segment.code), _ask_for_message(segment, count))


# -- confirming or not -----------------------------------------------------------------------------


async def confirm(
    query: CallbackQuery,
    callback_data: BroadcastConfirm,
    state: FSMContext,
    uow: UnitOfWork, authority: Authority,
    clock: Clock,
    user: User,
    callback_answer: CallbackAnswer,
) -> None:
    draft = await BroadcastDraft.load(state)
    if await state.get_state() != BroadcastFlow.confirming.state or draft is None or draft.token != callback_data.token:
        await _stale(callback_answer=callback_answer)
        return
    # Cleared with the broadcast's own transaction: a second tap finds nothing to confirm.
    await end(state)
    try:
        broadcast = await send_broadcast(
            uow, clock, actor=authority, segment=Segment.parse(draft.segment),
            from_chat_id=draft.from_chat_id, message_id=draft.message_id,
        )
    except DuplicateBroadcast:
        alert(callback_answer, _("This message has already been broadcast to this group."))
        return
    except NobodyToTell:
        alert(callback_answer, _("Nobody is in this group any more; nothing was sent. /broadcast starts again."))
        return
    callback_answer.text = _("Sent to the delivery queue.")
    if isinstance(query.message, Message):
        report = await broadcast_report(uow, broadcast.id)
        await replace_message(query.message, await report_text(uow, report, user.timezone), report_buttons(report))


async def cancel(query: CallbackQuery, state: FSMContext) -> None:
    await end(state)
    if isinstance(query.message, Message):
        await replace_message(query.message, _("Cancelled; nothing was sent."))


async def stop(message: Message, state: FSMContext) -> None:
    await end(state)
    await message.answer(_("Cancelled; nothing was sent."))


async def _stale(callback_answer: CallbackAnswer) -> None:
    alert(callback_answer, _("This preview is no longer current: it was sent, cancelled or replaced. /broadcast starts a new one."))

