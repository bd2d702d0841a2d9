"""How money reads: invoices, payment refusals, refunds for staff, payouts and earnings.

Used by the payments handlers and by their timed messages, always in the
reader's language and time zone (the caller has set the language).
"""
from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from aiogram.types import LabeledPrice
from aiogram.utils.i18n import get_i18n, ngettext
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __
from pydantic import SecretStr

from bot.notices.kinds import Invoice
from bot.views.bookings import status_label
from bot.views.lengths import INVOICE_DESCRIPTION_LIMIT, INVOICE_TITLE_LIMIT, MESSAGE_LIMIT, clip
from bot.views.presenting import local_day, local_moment, moment_label, money
from core.bookings import Booking
from core.payments import STARS, PaymentMethod, Payout, RefundReason, RefundStatus
from core.platform_rules import PAYOUT_DAYS
from core.usecases.booking import BookingNotice
from core.usecases.checkout import CheckoutNotice, CheckoutRefusal, Payable
from core.usecases.payments import PaymentNotice
from core.usecases.payouts import Earnings, PayoutBoard
from core.usecases.refunds import RefundCase, RefundNotice

# Shown exactly so, in every language: the platform's rules promise these words.
PAYMENT_SUCCESSFUL = "Оплата пройшла успішно"

KYIV = ZoneInfo("Europe/Kyiv")

# What staff see of a booking's messages when they review a refund.
MESSAGE_LABELS: dict[str, object] = {  # by kind: a stored row reads its kind back as text
    BookingNotice.REQUESTED: __("request sent"),
    BookingNotice.CONFIRMED: __("confirmed"),
    BookingNotice.DECLINED: __("declined"),
    BookingNotice.LAPSED: __("request lapsed"),
    BookingNotice.CANCELLED: __("cancelled"),
    BookingNotice.MOVED: __("moved"),
    BookingNotice.NO_SHOW: __("marked: client did not come"),
    BookingNotice.PAYMENT_REMINDER: __("payment reminder"),
    BookingNotice.EXPIRED: __("expired unpaid"),
    BookingNotice.SESSION_REMINDER: __("session reminder"),
    BookingNotice.ENDED: __("session ended"),
    CheckoutNotice.INVOICE: __("invoice"),
    PaymentNotice.PAID: __("«Оплата пройшла успішно»"),
    PaymentNotice.STRAY: __("payment that could not pay the session"),
    RefundNotice.REFUND_OPENED: __("refund on its way"),
    RefundNotice.REFUNDED: __("refunded"),
    RefundNotice.FORCE_MAJEURE_OFFER: __("offered a force-majeure request"),
    RefundNotice.FORCE_MAJEURE_ASKED: __("therapist asked about force majeure"),
    RefundNotice.REFUND_DECIDED: __("refund decision"),
}


def amount(minor: int, currency: str) -> str:
    return money(minor, currency)


def paid_message() -> str:
    """«Оплата пройшла успішно», and beneath it a line in the reader's language when that is not Ukrainian."""
    if get_i18n().current_locale == "uk":
        return PAYMENT_SUCCESSFUL
    return PAYMENT_SUCCESSFUL + "\n" + _("Payment successful — the time is held for you.")


def paid_message_for_therapist() -> str:
    if get_i18n().current_locale == "uk":
        return PAYMENT_SUCCESSFUL
    return PAYMENT_SUCCESSFUL + "\n" + _("Payment received — please hold the time for your client.")


def refusal_text(refusal: CheckoutRefusal) -> str:
    """Why a payment cannot go through, for the payer."""
    return {
        CheckoutRefusal.UNKNOWN: _("This invoice is not one of ours. Open the session in 📅 My sessions to pay."),
        CheckoutRefusal.NOT_YOURS: _("This invoice is for someone else's session, so it cannot be paid from your account."),
        CheckoutRefusal.CHANGED: _(
            "This session has been moved since this invoice was made. Please pay the newest invoice in the chat."
        ),
        CheckoutRefusal.ALREADY_PAID: _("This session is already paid. Nothing more is needed."),
        CheckoutRefusal.NOT_PAYABLE: _("This session can no longer be paid: it was cancelled or has expired."),
        CheckoutRefusal.TOO_LATE: _("The time to pay for this session has passed, so it cannot be paid any more."),
        CheckoutRefusal.WRONG_AMOUNT: _(
            "The amount does not match the session's price. Please pay the newest invoice in the chat."
        ),
    }[refusal]


def invoice(payable: Payable, therapist: str, zone: str, provider_token: SecretStr | None) -> Invoice:
    booking = payable.booking
    assert booking.payment_due_at is not None
    title = _("Session with {therapist}").format(therapist=therapist)
    description = _(
        "Session on {moment}. Please pay by {deadline}: unpaid, the session is cancelled then and the time released."
    ).format(moment=local_moment(booking.starts_at, zone), deadline=local_moment(booking.payment_due_at, zone))
    return Invoice(
        title=clip(title, INVOICE_TITLE_LIMIT),
        description=clip(description, INVOICE_DESCRIPTION_LIMIT),
        payload=payable.reference.payload,
        currency=payable.currency,
        prices=[LabeledPrice(label=_("Session"), amount=payable.amount)],
        provider_token=None if payable.currency == STARS else provider_token,
    )


def manual_instructions(booking: Booking, therapist: str, zone: str, instructions: str) -> str:
    assert booking.payment_due_at is not None
    how = instructions.strip() or _("Write to the platform's support (/support) for the payment details.")
    return _(
        "💳 How to pay for your session with {therapist} on {moment}: {price}, by {deadline}.\n\n{how}\n\n"
        "Please mention booking number {number} with the payment. As soon as the platform sees it, this chat "
        "shows «Оплата пройшла успішно»."
    ).format(
        therapist=therapist,
        moment=local_moment(booking.starts_at, zone),
        price=money(booking.price_minor),
        deadline=local_moment(booking.payment_due_at, zone),
        how=how,
        number=booking.id,
    )


def reason_title(reason: RefundReason) -> str:
    return {
        RefundReason.CANCELLED_IN_TIME: _("cancelled in time"),
        RefundReason.STRAY_PAYMENT: _("payment that could not pay its session"),
        RefundReason.FORCE_MAJEURE: _("force majeure"),
        RefundReason.AFTER_SESSION: _("asked after the session"),
    }[reason]


def method_title(method: PaymentMethod) -> str:
    return {
        PaymentMethod.PROVIDER: _("card, through the payment provider"),
        PaymentMethod.STARS: _("Telegram Stars"),
        PaymentMethod.MANUAL: _("transfer, confirmed by finance"),
    }[method]


def status_title(status: RefundStatus) -> str:
    return {
        RefundStatus.AWAITING_THERAPIST: _("waiting for the therapist"),
        RefundStatus.AWAITING_DECISION: _("waiting for a decision"),
        RefundStatus.APPROVED: _("approved, to be carried out"),
        RefundStatus.DECLINED: _("declined"),
        RefundStatus.CARRIED_OUT: _("refunded"),
    }[status]


def refund_line(case: RefundCase, zone: str) -> str:
    refund = case.refund
    when = local_moment(case.booking.starts_at, zone) if case.booking else "—"
    return _("#{number} · {reason} · {status}\n{amount} · {client} → {therapist} · {moment}").format(
        number=refund.id,
        reason=reason_title(refund.reason),
        status=status_title(refund.status),
        amount=amount(refund.amount_minor, refund.currency),
        client=case.client_name,
        therapist=case.therapist_name,
        moment=when,
    )


def refund_card(case: RefundCase, zone: str) -> str:
    refund, payment, booking = case.refund, case.payment, case.booking
    parts = [_("↩️ Refund #{number}").format(number=refund.id), refund_line(case, zone)]
    if booking is not None:
        parts.append(
            _("Booking #{number}: {status}, price {price}.").format(
                number=booking.id, status=status_label(booking.status), price=money(booking.price_minor)
            )
        )
    charge = payment.provider_payment_charge_id or payment.reference or payment.telegram_payment_charge_id
    parts.append(
        _("Paid {amount} on {moment} ({method}); charge: {charge}").format(
            amount=amount(payment.amount_minor, payment.currency),
            moment=local_moment(payment.recorded_at, zone),
            method=method_title(payment.method),
            charge=charge,
        )
    )
    if refund.request_text:
        parts.append(_("The client's reason:\n«{text}»").format(text=refund.request_text))
    if refund.therapist_agrees is not None:
        parts.append(
            _("The therapist agrees to the refund.") if refund.therapist_agrees else _("The therapist does not agree.")
        )
    if refund.decision_note:
        parts.append(_("Decision: «{note}»").format(note=refund.decision_note))
    if refund.failure:
        parts.append(_("The automatic Stars refund failed: {failure}").format(failure=refund.failure))
    if booking is not None and case.system_messages:
        lines = []
        for message in case.system_messages:
            side = _("client") if message.recipient_id == booking.client_id else _("therapist")
            label = MESSAGE_LABELS.get(message.kind)
            lines.append(f"• {moment_label(message.sent_at, zone)} — {label if label else message.kind} → {side}")
        parts.append(_("The booking's system messages:") + "\n" + "\n".join(lines))
    return clip("\n\n".join(parts), MESSAGE_LIMIT)


def payout_board_text(board: PayoutBoard) -> str:
    if not board.therapists:
        return _("💰 Payouts: nothing is due. All therapists are paid.")
    parts = [_("💰 Payouts due (today is {today} in Kyiv)").format(today=_date(board.today))]
    for therapist in board.therapists:
        lines = [
            _("{name}: {total} due, {overdue} of it overdue").format(
                name=therapist.name, total=money(therapist.total), overdue=money(therapist.overdue(board.today))
            )
        ]
        for item in therapist.payouts:
            payout = item.payout
            mark = "⚠️ " if payout.overdue(board.today) else "• "
            lines.append(
                mark
                + _("{amount} by {due} · payout #{number} · {client}").format(
                    amount=money(payout.amount_minor), due=_date(payout.due_on), number=payout.id, client=item.client_name
                )
            )
        for clawback in therapist.clawbacks:
            lines.append(
                "↩️ "
                + _("to get back: {amount} (clawback #{number}, a refunded session)").format(
                    amount=money(clawback.amount_minor), number=clawback.id
                )
            )
        parts.append("\n".join(lines))
    parts.append(_("Press a payout once the money is sent, and type the transfer's reference."))
    return clip("\n\n".join(parts), MESSAGE_LIMIT)


def payout_button(therapist: str, payout: Payout) -> str:
    return _("✅ Paid: {therapist} · {amount} · #{number}").format(
        therapist=therapist, amount=money(payout.amount_minor), number=payout.id
    )


def clawback_button(therapist: str, clawback_id: int) -> str:
    return _("✅ Settled: clawback #{number} · {therapist}").format(number=clawback_id, therapist=therapist)


def earnings_text(earnings: Earnings, fee_percent: str) -> str:
    parts = [
        _("💰 Your earnings this month (since {day})").format(day=_date(earnings.month)),
        _("Amounts are your share: the session's price less the platform's fee of {fee}%.").format(fee=fee_percent),
        _("Sessions held this month: {count}, {amount}.").format(
            count=earnings.held_count, amount=money(earnings.held_minor)
        ),
        _("Expected: {count} paid sessions ahead, {amount}.").format(
            count=earnings.expected_count, amount=money(earnings.expected_minor)
        ),
        _("Paid out to you this month: {amount}.").format(amount=money(earnings.paid_out_minor)),
    ]
    if earnings.due:
        lines = [
            "• " + _("{amount} by {due}").format(amount=money(payout.amount_minor), due=_date(payout.due_on))
            for payout in earnings.due
        ]
        due_within = ngettext(
            "Due to you (within {days} business day of each payment):",
            "Due to you (within {days} business days of each payment):",
            PAYOUT_DAYS,
        ).format(days=PAYOUT_DAYS)
        parts.append(due_within + "\n" + "\n".join(lines))
    else:
        parts.append(_("Nothing is waiting to be paid out to you."))
    return clip("\n\n".join(parts), MESSAGE_LIMIT)


def pending_line(booking: Booking, client: str, therapist: str, zone: str) -> str:
    assert booking.payment_due_at is not None
    return _("#{number} · {client} → {therapist} · {price} · pay by {deadline}").format(
        number=booking.id,
        client=client,
        therapist=therapist,
        price=money(booking.price_minor),
        deadline=local_moment(booking.payment_due_at, zone),
    )


def _date(day: date) -> str:
    """A calendar date as "Tue, 1 Dec" (the moment read back in the same zone is that very date)."""
    return local_day(datetime.combine(day, time(12), tzinfo=KYIV), KYIV.key)
