"""A client asks for their money back, in their own words.

Force majeure (a session cancelled late or missed): the therapist is asked
first, then staff decide. After a session: support and the ethics commission
decide. Either way the client writes the reason in one message; anything but
text is answered and the step stays.
"""
from __future__ import annotations

from aiogram import Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from bot.access import OpenRouter
from bot.conversation import Draft, Leave, Reply, Stay, Step, end
from bot.keyboards.payments import NoteCancel, RefundAsk, cancel_note
from bot.middlewares.callback_answer import alert
from bot.settings import Settings
from core.clock import Clock
from core.payments import MAX_NOTE, RefundReason, UnusableText
from core.ports import UnitOfWork
from core.usecases.refunds import AFTER_SESSION_WINDOW, RequestRefused, ask_refund, refund_request_kind
from core.users import User


class RefundRequest(StatesGroup):
    reason = State()


class RefundDraft(Draft):
    booking_id: int


def router() -> Router:
    router = OpenRouter(name="refund-request")
    router.callback_query.register(begin, RefundAsk.filter())
    router.callback_query.register(cancel, NoteCancel.filter(), StateFilter(RefundRequest.reason))
    REASON.register(router)
    return router


async def begin(
    query: CallbackQuery, message: Message, callback_data: RefundAsk, state: FSMContext, uow: UnitOfWork, clock: Clock, user: User, callback_answer: CallbackAnswer
) -> None:
    try:
        kind = await refund_request_kind(uow, clock, client_id=user.telegram_id, booking_id=callback_data.booking_id)
    except RequestRefused as refused:
        alert(callback_answer, refused_text(refused.reason))
        return
    if kind is RefundReason.FORCE_MAJEURE:
        prompt = _(
            "Tell in a few words what happened. Your therapist reads it first and says whether they agree; then the "
            "platform decides and tells you both."
        )
    else:
        prompt = _(
            "Tell why you are asking for the money back. Support and the ethics commission will read it together "
            "with the session's record, decide, and tell you both."
        )
    await REASON.ask(Reply(message), state, RefundDraft(booking_id=callback_data.booking_id), prompt, cancel_note())


async def _reason(
    message: Message, text: str, draft: RefundDraft, state: FSMContext, uow: UnitOfWork, clock: Clock, user: User, settings: Settings
) -> None:
    try:
        refund = await ask_refund(
            uow, clock, client_id=user.telegram_id, booking_id=draft.booking_id, text=text, full_admins=settings.admin_ids
        )
    except UnusableText:
        raise Stay(_("Please write the reason in up to {limit} characters.").format(limit=MAX_NOTE)) from None
    except RequestRefused as refused:
        raise Leave(refused_text(refused.reason)) from None
    await end(state)
    if refund.reason is RefundReason.FORCE_MAJEURE:
        await message.answer(_("Sent. Your therapist is asked first; then the platform decides and tells you both."))
    else:
        await message.answer(_("Sent to support and the ethics commission. They will decide and tell you both."))


async def _expected() -> tuple[str, InlineKeyboardMarkup]:
    return _("Please write the reason as text, or press Cancel."), cancel_note()


REASON = Step(RefundRequest.reason, RefundDraft, take=_reason, expected=_expected)


async def cancel(query: CallbackQuery, state: FSMContext, callback_answer: CallbackAnswer) -> None:
    await end(state)
    callback_answer.text = _("Cancelled: nothing was sent.")
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=None)


def refused_text(reason: str) -> str:
    return {
        "not_found": _("This session was not found among yours."),
        "not_paid": _("This session was not paid, so there is nothing to refund."),
        "already_asked": _("A refund for this session has already been asked for or made. You will hear the outcome here."),
        "declined": _("A refund for this session was already decided. If you want to talk it over, write to /support."),
        "too_long_ago": _("This session was more than {days} days ago. Please write to /support about it.").format(
            days=AFTER_SESSION_WINDOW.days
        ),
        "refunded_by_the_rules": _("This session was cancelled in time, so its payment is refunded in full on its own."),
        "not_yet": _(
            "A refund can be asked for after the session, or if it was cancelled late or missed. To cancel, open the "
            "session in 📅 My sessions."
        ),
    }.get(reason, _("This can no longer be done with this session."))
