"""Buttons of paying, refunds and payouts.

Callback data carries ids only; every handler checks them against the person
pressing (a client's own booking, a therapist's own client, staff's role), so
a forged or replayed button is answered, never acted on.
"""
from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.keyboards.data import ButtonData
from core.bookings import BookingStatus
from core.conversations import Side
from core.usecases.booking import SessionView


class PayNow(ButtonData, prefix="pay"):
    booking_id: int


class RefundAsk(ButtonData, prefix="rfa"):
    """A client asks for their money back (force majeure, or after a session)."""

    booking_id: int


class TherapistAnswer(ButtonData, prefix="rft"):
    refund_id: int
    agrees: bool


class RefundList(ButtonData, prefix="rfl"):
    pass


class RefundOpen(ButtonData, prefix="rfo"):
    refund_id: int


class RefundAction(StrEnum):
    APPROVE = "approve"
    DECLINE = "decline"
    DONE = "done"  # the money is returned by hand
    RETRY = "retry"  # the stars again, after Telegram refused them


class RefundAct(ButtonData, prefix="rfx"):
    refund_id: int
    act: RefundAction


class PayoutMark(ButtonData, prefix="pom"):
    payout_id: int


class ClawbackSettle(ButtonData, prefix="cbs"):
    clawback_id: int


class PendingConfirm(ButtonData, prefix="ppc"):
    booking_id: int


class NoteCancel(ButtonData, prefix="ntc"):
    pass




def payment_buttons(view: SessionView) -> list[InlineKeyboardButton]:
    """What a client may do about money from a session's card."""
    booking = view.booking
    if view.side is not Side.CLIENT:
        return []
    if booking.status is BookingStatus.AWAITING_PAYMENT:
        return [_button(_("💳 Pay"), PayNow(booking_id=booking.id))]
    if booking.paid_minor and booking.status in (BookingStatus.CANCELLED_LATE, BookingStatus.NO_SHOW):
        return [_button(_("🆘 Force majeure: ask for a refund"), RefundAsk(booking_id=booking.id))]
    if booking.paid_minor and booking.status is BookingStatus.HELD:
        return [_button(_("↩️ Ask for a refund"), RefundAsk(booking_id=booking.id))]
    return []


def force_majeure_offer(booking_id: int) -> InlineKeyboardMarkup:
    return _one(_("🆘 Ask for a refund"), RefundAsk(booking_id=booking_id))


def therapist_answer(refund_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("✅ I agree"), callback_data=TherapistAnswer(refund_id=refund_id, agrees=True))
    builder.button(text=_("✖️ I don't agree"), callback_data=TherapistAnswer(refund_id=refund_id, agrees=False))
    builder.adjust(2)
    return builder.as_markup()


def open_refund(refund_id: int) -> InlineKeyboardMarkup:
    return _one(_("Open the refund"), RefundOpen(refund_id=refund_id))


def refund_list(refund_ids: list[int], turns: list[InlineKeyboardButton]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for refund_id in refund_ids:
        builder.button(text=_("Refund #{number}").format(number=refund_id), callback_data=RefundOpen(refund_id=refund_id))
    builder.adjust(3)
    if turns:
        builder.row(*turns)
    return builder.as_markup()


def refund_actions(refund_id: int, acts: list[RefundAction]) -> InlineKeyboardMarkup:
    labels = {
        RefundAction.APPROVE: _("✅ Approve"),
        RefundAction.DECLINE: _("✖️ Decline"),
        RefundAction.DONE: _("✅ Mark as refunded"),
        RefundAction.RETRY: _("↩️ Send the Stars back now"),
    }
    builder = InlineKeyboardBuilder()
    for act in acts:
        builder.row(_button(labels[act], RefundAct(refund_id=refund_id, act=act)))
    builder.row(_button(_("‹ All refunds"), RefundList()))
    return builder.as_markup()


def payout_buttons(
    payouts: list[tuple[int, str]], clawbacks: list[tuple[int, str]], turns: list[InlineKeyboardButton]
) -> InlineKeyboardMarkup | None:
    """A button per payout to mark paid and per clawback to mark settled: (id, label); then the page turns."""
    builder = InlineKeyboardBuilder()
    for payout_id, label in payouts:
        builder.row(_button(label, PayoutMark(payout_id=payout_id)))
    for clawback_id, label in clawbacks:
        builder.row(_button(label, ClawbackSettle(clawback_id=clawback_id)))
    if turns:
        builder.row(*turns)
    return builder.as_markup() if payouts or clawbacks else None


def pending_list(bookings: list[tuple[int, str]], turns: list[InlineKeyboardButton]) -> InlineKeyboardMarkup | None:
    builder = InlineKeyboardBuilder()
    for booking_id, label in bookings:
        builder.row(_button(label, PendingConfirm(booking_id=booking_id)))
    if turns:
        builder.row(*turns)
    return builder.as_markup() if bookings else None


def cancel_note() -> InlineKeyboardMarkup:
    return _one(_("‹ Cancel"), NoteCancel())


def _one(text: str, data: CallbackData) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[_button(text, data)]])


def _button(text: str, data: CallbackData) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data.pack())
