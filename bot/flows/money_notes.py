"""Staff type one line about money: a refund decision's reason, a refund or payout reference, a settlement note.

One short step: a button starts it (approve, decline, mark refunded, mark a
payout paid, settle a clawback, confirm a transfer), the next text message is
the note, and the use case runs with it. Anything but text is answered and
the step stays; "Cancel" leaves everything as it was. The use case checks the
staff member's role again, so a step begun before a role was taken away does
nothing.
"""
from __future__ import annotations

from aiogram import Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from bot.access import StaffRouter
from bot.conversation import Draft, Leave, Reply, Stay, Step, end
from bot.keyboards.payments import NoteCancel, RefundAction, cancel_note
from bot.settings import Settings
from bot.views.payments import amount
from bot.views.presenting import money
from core.clock import Clock
from core.payments import MAX_NOTE, MAX_REFERENCE, PayoutRefused, RefundRefused, UnusableText
from core.ports import UnitOfWork
from core.staff import Authority
from core.usecases.payments import PaymentOutcome, UnknownBooking, confirm_manual_payment
from core.usecases.payouts import PayoutNotFound, mark_payout_paid, settle_clawback
from core.usecases.refunds import RefundNotFound, decide_refund, refund_carried_out
from core.usecases.staff import NotAllowed

PAYOUT, CLAWBACK, MANUAL = "payout", "clawback", "manual"
LIMITS = {RefundAction.APPROVE: MAX_NOTE, RefundAction.DECLINE: MAX_NOTE, RefundAction.DONE: MAX_NOTE, PAYOUT: MAX_REFERENCE, CLAWBACK: MAX_NOTE, MANUAL: MAX_REFERENCE}


class MoneyNote(StatesGroup):
    text = State()


class NoteDraft(Draft):
    """What the note is for: a refund action, a payout, a clawback or a transfer, and its id."""

    what: str
    target: int


def router() -> Router:
    router = StaffRouter(name="money-notes", permission=None)
    router.callback_query.register(cancel, NoteCancel.filter(), StateFilter(MoneyNote.text))
    NOTE.register(router)
    return router


async def ask_for_note(message: Message, state: FSMContext, what: str, target_id: int, prompt: str) -> None:
    await NOTE.ask(Reply(message), state, NoteDraft(what=what, target=target_id), prompt, cancel_note())


async def _note(
    message: Message, text: str, draft: NoteDraft, state: FSMContext, uow: UnitOfWork, authority: Authority, clock: Clock, settings: Settings
) -> None:
    what, target = draft.what, draft.target
    text = text.strip()
    if len(text) > LIMITS[what]:
        raise Stay(
            _("That is too long: {limit} characters at most, and this is {length}. Please shorten it.").format(
                limit=LIMITS[what], length=len(text)
            )
        )
    if what == MANUAL:
        await end(state)
        await confirm_manual(message, uow, authority, clock, settings, target, text)
        return
    try:
        if what in (RefundAction.APPROVE, RefundAction.DECLINE):
            await decide_refund(uow, clock, actor=authority, refund_id=target, approve=what == RefundAction.APPROVE, note=text)
            done = _("Decided. Both the client and the therapist are told, with your reason.")
        elif what == RefundAction.DONE:
            await refund_carried_out(uow, clock, actor=authority, refund_id=target, note=text)
            done = _("Marked as refunded. The client is told.")
        elif what == PAYOUT:
            payout = await mark_payout_paid(uow, clock, actor=authority, payout_id=target, reference=text)
            done = _("Payout #{number} of {amount} is marked paid. The therapist is told.").format(
                number=payout.id, amount=money(payout.amount_minor)
            )
        else:
            await settle_clawback(uow, clock, actor=authority, clawback_id=target, note=text)
            done = _("Clawback #{number} is settled.").format(number=target)
    except UnusableText:
        raise Stay(_("Please type a few words (not empty).")) from None
    except NotAllowed:
        raise Leave(_("Your role doesn't include this. A full administrator can give you the role if you need it.")) from None
    except (RefundNotFound, PayoutNotFound, RefundRefused, PayoutRefused):
        raise Leave(_("This has changed in the meantime (someone else may have done it). Nothing was changed now.")) from None
    await end(state)
    await message.answer(done)


async def confirm_manual(
    message: Message, uow: UnitOfWork, authority: Authority, clock: Clock, settings: Settings, booking_id: int, reference: str
) -> None:
    """Finance confirms a transfer: recorded once, whatever the booking's state; say what it meant."""
    try:
        recorded = await confirm_manual_payment(
            uow,
            clock,
            actor=authority,
            booking_id=booking_id,
            reference=reference,
            policy=settings.payment_policy(),
            booking_policy=settings.booking_policy(),
        )
    except UnknownBooking:
        await message.answer(_("There is no booking #{number}.").format(number=booking_id))
        return
    except UnusableText:
        await message.answer(_("The reference is 1 to {limit} characters.").format(limit=MAX_REFERENCE))
        return
    except NotAllowed:
        await message.answer(_("Your role doesn't include this. A full administrator can give you the role if you need it."))
        return
    if recorded.outcome is PaymentOutcome.DUPLICATE:
        text = _("The payment for booking #{number} was confirmed before; nothing changed.").format(number=booking_id)
    elif recorded.outcome is PaymentOutcome.APPLIED:
        text = _("Recorded: booking #{number} is paid. Both sides read «Оплата пройшла успішно».").format(
            number=booking_id
        )
    else:
        assert recorded.payment is not None
        text = _(
            "Recorded, but booking #{number} could no longer be paid (it was cancelled, expired or already paid). "
            "{amount} is queued to be returned to the client: see /refunds."
        ).format(number=booking_id, amount=amount(recorded.payment.amount_minor, recorded.payment.currency))
    await message.answer(text)


async def _expected() -> tuple[str, InlineKeyboardMarkup]:
    return _("Please type it as text, or press Cancel."), cancel_note()


NOTE = Step(MoneyNote.text, NoteDraft, take=_note, expected=_expected)


async def cancel(query: CallbackQuery, state: FSMContext, callback_answer: CallbackAnswer) -> None:
    await end(state)
    callback_answer.text = _("Cancelled: nothing was changed.")
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=None)
