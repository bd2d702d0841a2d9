"""The timed messages of paying, refunds and payouts, rendered at send time for their reader.

Each looks at the record as it stands when the message goes out and sends
nothing when its reason is gone: an invoice for a booking since moved, paid
or cancelled; a question to a therapist already answered; a refund to carry
out that staff have carried out. «Оплата пройшла успішно» always goes out:
it says what happened.

A Stars refund is a "message" too (StarRefund): delivery gives the stars back
with its retries and record; what it learns is saved here (`after_sent`,
`on_failed`), and the staff hear what is theirs to do (core/usecases/refunds.py:
follow_up) once the client has been told.
"""
from __future__ import annotations

from dataclasses import dataclass

from aiogram.utils.i18n import gettext as _

from bot.keyboards.payments import force_majeure_offer, open_refund, therapist_answer
from bot.notices.kinds import NoticeContext, NoticeKind, Outgoing, SentMessage, StarRefund, Text
from bot.views.meetings import meeting_lines
from bot.views.payments import (
    amount,
    invoice,
    manual_instructions,
    paid_message,
    paid_message_for_therapist,
    reason_title,
)
from bot.views.presenting import local_moment, money
from bot.views.therapist_labels import therapist_name
from core.bookings import Booking
from core.conversations import Side
from core.payments import (
    ClawbackStatus,
    InvoiceReference,
    PaymentMethod,
    PayoutStatus,
    Refund,
    RefundReason,
    RefundStatus,
)
from core.usecases.booking import settled_booking
from core.usecases.checkout import CheckoutNotice, CheckoutRefusal, Payable, refusal_for
from core.usecases.payments import PaymentNotice
from core.usecases.payouts import PayoutNotice
from core.usecases.refunds import RefundNotice, follow_up, stars_refund_failed, stars_refunded


def notice_kinds() -> dict[str, NoticeKind]:
    return {
        CheckoutNotice.INVOICE: InvoiceNotice(),
        PaymentNotice.PAID: Paid(),
        PaymentNotice.STRAY: Stray(),
        RefundNotice.STARS_REFUND: StarsRefund(),
        RefundNotice.REFUND_OPENED: RefundOpened(),
        RefundNotice.REFUNDED: Refunded(),
        RefundNotice.REFUND_DESK: RefundDesk(),
        RefundNotice.FORCE_MAJEURE_OFFER: ForceMajeureOffer(),
        RefundNotice.FORCE_MAJEURE_ASKED: ForceMajeureAsked(),
        RefundNotice.REFUND_TO_DECIDE: RefundToDecide(),
        RefundNotice.REFUND_DECIDED: RefundDecided(),
        RefundNotice.CLAWBACK: ClawbackPrompt(),
        PayoutNotice.PAID: PayoutPaid(),
    }


@dataclass
class Scene:
    """A booking and its two people, as the reader sees them."""

    booking: Booking
    side: Side | None  # None: staff reading about it
    zone: str
    therapist: str
    client: str

    @property
    def moment(self) -> str:
        return local_moment(self.booking.starts_at, self.zone)


class PaymentKind(NoticeKind):
    async def after_sent(self, context: NoticeContext, sent: list[SentMessage]) -> None:
        """Nothing to remember."""


class InvoiceNotice(PaymentKind):
    """params: booking_id, version. The invoice, or how to pay in manual mode; dropped once it cannot be paid."""

    async def render(self, context: NoticeContext) -> list[Outgoing]:
        booking = await settled_booking(context.uow, context.clock, int(context.params["booking_id"]))
        client = context.recipient.telegram_id
        if refusal_for(booking, context.clock, payer_id=client, version=int(context.params["version"])) is not None:
            return []
        assert booking is not None
        scene = await _scene(context, booking)
        policy = context.settings.payment_policy()
        if policy.method is PaymentMethod.MANUAL:
            text = manual_instructions(booking, scene.therapist, scene.zone, context.settings.manual_payment_instructions)
            return [Text(text)]
        payable = Payable(booking, InvoiceReference(booking.id, booking.version), policy.charge_for(booking.price_minor), policy.currency)
        return [invoice(payable, scene.therapist, scene.zone, context.settings.payment_provider_token)]


class Paid(PaymentKind):
    """params: payment_id. «Оплата пройшла успішно» on both sides."""

    async def render(self, context: NoticeContext) -> list[Outgoing]:
        payment = await context.uow.payments.get(int(context.params["payment_id"]))
        if payment is None or payment.booking_id is None:
            return []
        booking = await context.uow.bookings.get(payment.booking_id)
        side = booking.side_of(context.recipient.telegram_id) if booking else None
        if booking is None or side is None:
            return []
        paid = paid_message_for_therapist() if side is Side.THERAPIST else paid_message()
        # Right after the fixed phrase, on its own, so the phrase stays exactly itself: which session (the
        # therapist has many clients) and where it happens.
        therapist = await context.uow.therapists.get(booking.therapist_id)
        where = meeting_lines(booking, side, therapist.meeting_url if therapist else None, context.settings.meeting_base_url)
        lines = [where] if where else []
        if side is Side.THERAPIST:
            scene = await _scene(context, booking)
            lines.insert(0, _("{client}: the session on {moment}.").format(
                client=scene.client, moment=local_moment(booking.starts_at, scene.zone)
            ))
        return [Text(paid), *([Text("\n".join(lines))] if lines else [])]


class Stray(PaymentKind):
    """params: payment_id, why. A payment that could not pay its session: kept, and refunded in full."""

    async def render(self, context: NoticeContext) -> list[Outgoing]:
        payment = await context.uow.payments.get(int(context.params["payment_id"]))
        if payment is None:
            return []
        why = CheckoutRefusal(context.params["why"])
        paid = amount(payment.amount_minor, payment.currency)
        booking = await context.uow.bookings.get(payment.booking_id) if payment.booking_id else None
        if booking is None or booking.side_of(context.recipient.telegram_id) is None:
            return [Text(_(
                "⚠️ Your payment of {amount} could not be matched to a session of yours. It is not lost: it is "
                "being refunded to you in full, and I will write when it is done."
            ).format(amount=paid))]
        scene = await _scene(context, booking)
        if scene.side is Side.THERAPIST:
            if why is CheckoutRefusal.ALREADY_PAID:
                text = _(
                    "ℹ️ {client} paid a second time for the session on {moment}; the extra payment is refunded to them. "
                    "The session stays paid."
                )
            else:
                text = _(
                    "ℹ️ A payment from {client} for the session on {moment} arrived after it could no longer be paid; "
                    "it is refunded to them. The session stays as it was: do not hold the time for it."
                )
            return [Text(text.format(client=scene.client, moment=scene.moment))]
        reason = {
            CheckoutRefusal.ALREADY_PAID: _("it was already paid"),
            CheckoutRefusal.WRONG_AMOUNT: _("the amount did not match its price"),
        }.get(why, _("it had been cancelled, or the time to pay had passed"))
        return [Text(_(
            "⚠️ Your payment of {amount} for the session with {therapist} on {moment} arrived when the session could "
            "not be paid: {reason}. It is not lost: it is being refunded to you in full, and I will write when it is done."
        ).format(amount=paid, therapist=scene.therapist, moment=scene.moment, reason=reason))]


class StarsRefund(PaymentKind):
    """params: refund_id. Not a message: the stars given back to the client through the Bot API."""

    async def render(self, context: NoticeContext) -> list[Outgoing]:
        refund = await context.uow.refunds.get(int(context.params["refund_id"]))
        if refund is None or refund.status is not RefundStatus.APPROVED or not refund.automatic:
            return []
        payment = await context.uow.payments.get(refund.payment_id)
        assert payment is not None
        return [StarRefund(user_id=payment.payer_id, telegram_payment_charge_id=payment.telegram_payment_charge_id)]

    async def after_sent(self, context: NoticeContext, sent: list[SentMessage]) -> None:
        refund_id = int(context.params["refund_id"])
        await stars_refunded(context.uow, context.clock, refund_id)
        await follow_up(context.uow, context.clock, refund_id, context.settings.admin_ids)

    async def on_failed(self, context: NoticeContext, reason: str) -> None:
        refund_id = int(context.params["refund_id"])
        await stars_refund_failed(context.uow, context.clock, refund_id, reason)
        await follow_up(context.uow, context.clock, refund_id, context.settings.admin_ids)


class RefundOpened(PaymentKind):
    """params: refund_id. The client hears a refund is on its way by hand; then staff hear it is theirs to do."""

    async def render(self, context: NoticeContext) -> list[Outgoing]:
        refund = await context.uow.refunds.get(int(context.params["refund_id"]))
        if refund is None or refund.status is not RefundStatus.APPROVED:
            return []
        what = await _what_for(context, refund)
        return [Text(_(
            "↩️ A refund of {amount}{what} is on its way. The platform returns it the way you paid; it usually "
            "takes a few business days. I will write when it is done."
        ).format(amount=amount(refund.amount_minor, refund.currency), what=what))]

    async def after_sent(self, context: NoticeContext, sent: list[SentMessage]) -> None:
        await follow_up(context.uow, context.clock, int(context.params["refund_id"]), context.settings.admin_ids)

    async def on_failed(self, context: NoticeContext, reason: str) -> None:
        await self.after_sent(context, [])


class Refunded(PaymentKind):
    """params: refund_id."""

    async def render(self, context: NoticeContext) -> list[Outgoing]:
        refund = await context.uow.refunds.get(int(context.params["refund_id"]))
        if refund is None or refund.status is not RefundStatus.CARRIED_OUT:
            return []
        what = await _what_for(context, refund)
        if refund.automatic:
            text = _("✅ {amount}{what} went back to your Telegram Stars balance.")
        else:
            text = _("✅ {amount}{what} has been refunded to you.")
        text = text.format(amount=amount(refund.amount_minor, refund.currency), what=what)
        if refund.carry_out_note:
            text += "\n" + _("The platform's note: {note}").format(note=refund.carry_out_note)
        return [Text(text)]


class RefundDesk(PaymentKind):
    """params: refund_id. To staff: a refund to carry out by hand, a Stars refund that failed, or a stray payment."""

    async def render(self, context: NoticeContext) -> list[Outgoing]:
        refund = await context.uow.refunds.get(int(context.params["refund_id"]))
        if refund is None:
            return []
        payment = await context.uow.payments.get(refund.payment_id)
        assert payment is not None
        client = await context.uow.users.get(payment.payer_id)
        names = {
            "amount": amount(refund.amount_minor, refund.currency),
            "client": client.staff_name if client else str(payment.payer_id),
            "number": refund.id,
            "reason": reason_title(refund.reason),
        }
        if refund.status is RefundStatus.APPROVED and not refund.automatic:
            text = _(
                "↩️ A refund to carry out by hand: {amount} to {client} ({reason}), refund #{number}. Return it in "
                "the payment provider's dashboard or by transfer, then mark it done here."
            )
        elif refund.status is RefundStatus.APPROVED and refund.failure:
            text = _(
                "⚠️ The automatic Stars refund #{number} of {amount} to {client} failed. Open it to send the stars "
                "back again."
            )
        elif refund.reason is RefundReason.STRAY_PAYMENT:
            text = _(
                "ℹ️ A payment of {amount} from {client} could not pay its session ({reason}); it was refunded "
                "automatically (refund #{number})."
            )
        else:
            return []
        return [Text(text.format(**names), reply_markup=open_refund(refund.id))]


class ForceMajeureOffer(PaymentKind):
    """params: booking_id. After a late cancellation of a paid session: force majeure may still be asked about."""

    async def render(self, context: NoticeContext) -> list[Outgoing]:
        booking_id = int(context.params["booking_id"])
        payment = await context.uow.payments.applied_to(booking_id)
        if payment is None or await context.uow.refunds.of_payment(payment.id) is not None:
            return []
        return [Text(
            _(
                "If you had to cancel because of something beyond your control (illness, an emergency), you can ask "
                "for a refund: your therapist is asked first, and the platform decides."
            ),
            reply_markup=force_majeure_offer(booking_id),
        )]


class ForceMajeureAsked(PaymentKind):
    """params: refund_id. The therapist is asked whether they agree to a force-majeure refund."""

    async def render(self, context: NoticeContext) -> list[Outgoing]:
        found = await _refund_scene(context)
        if found is None or found[0].status is not RefundStatus.AWAITING_THERAPIST:
            return []
        refund, scene = found
        return [Text(
            _(
                "🆘 {client} asks for a refund for the session on {moment} because of circumstances beyond their "
                "control:\n«{text}»\n\nThe platform leans on your comfort here: do you agree to the refund? Staff "
                "make the final decision and will tell you both."
            ).format(client=scene.client, moment=scene.moment, text=refund.request_text or "—"),
            reply_markup=therapist_answer(refund.id),
        )]


class RefundToDecide(PaymentKind):
    """params: refund_id. To support and the ethics commission."""

    async def render(self, context: NoticeContext) -> list[Outgoing]:
        found = await _refund_scene(context)
        if found is None or found[0].status is not RefundStatus.AWAITING_DECISION:
            return []
        refund, scene = found
        return [Text(
            _(
                "⚖️ A refund request to decide ({reason}): {client}, the session with {therapist} on {moment}, "
                "{amount}. Open it to see the booking, its messages and the reason:"
            ).format(
                reason=reason_title(refund.reason),
                client=scene.client,
                therapist=scene.therapist,
                moment=scene.moment,
                amount=amount(refund.amount_minor, refund.currency),
            ),
            reply_markup=open_refund(refund.id),
        )]


class RefundDecided(PaymentKind):
    """params: refund_id. The decision, to both sides."""

    async def render(self, context: NoticeContext) -> list[Outgoing]:
        found = await _refund_scene(context)
        if found is None or found[0].status not in (RefundStatus.APPROVED, RefundStatus.DECLINED, RefundStatus.CARRIED_OUT):
            return []
        refund, scene = found
        names = {
            "client": scene.client,
            "moment": scene.moment,
            "amount": amount(refund.amount_minor, refund.currency),
            "note": refund.decision_note or "—",
        }
        declined = refund.status is RefundStatus.DECLINED
        if scene.side is Side.THERAPIST:
            if declined:
                text = _("⚖️ The refund {client} asked for (the session on {moment}) is declined. The platform's reason: «{note}»")
            else:
                text = _(
                    "⚖️ The refund {client} asked for (the session on {moment}) is approved: {amount} goes back to them. "
                    "The platform's reason: «{note}»"
                )
        elif declined:
            text = _(
                "⚖️ Your refund request for the session on {moment} is declined. The platform's reason: «{note}»\n"
                "If you want to talk it over, write to /support."
            )
        else:
            text = _(
                "⚖️ Your refund request for the session on {moment} is approved: {amount} will be returned to you. "
                "The platform's reason: «{note}»"
            )
        return [Text(text.format(**names))]


class ClawbackPrompt(PaymentKind):
    """params: clawback_id. Support is asked to settle a refunded session's payout with the therapist."""

    async def render(self, context: NoticeContext) -> list[Outgoing]:
        clawback = await context.uow.payouts.get_clawback(int(context.params["clawback_id"]))
        if clawback is None or clawback.status is not ClawbackStatus.OPEN:
            return []
        refund = await context.uow.refunds.get(clawback.refund_id)
        booking = await context.uow.bookings.get(refund.booking_id) if refund and refund.booking_id else None
        therapist = await context.uow.therapists.get(clawback.therapist_id)
        name = therapist.full_name if therapist else str(clawback.therapist_id)
        moment = local_moment(booking.starts_at, context.recipient.timezone) if booking else "—"
        return [Text(_(
            "💸 {therapist} was already paid {amount} for the session on {moment}, which has now been refunded to the "
            "client. Please contact the therapist to settle it (clawback #{number}); finance closes it in /payouts."
        ).format(therapist=name, amount=money(clawback.amount_minor), moment=moment, number=clawback.id))]


class PayoutPaid(PaymentKind):
    """params: payout_id. The therapist hears their money was sent."""

    async def render(self, context: NoticeContext) -> list[Outgoing]:
        payout = await context.uow.payouts.get(int(context.params["payout_id"]))
        if payout is None or payout.status is not PayoutStatus.PAID:
            return []
        booking = await context.uow.bookings.get(payout.booking_id) if payout.booking_id else None
        if booking is None:
            what = ""
        else:
            scene = await _scene(context, booking)
            what = " " + _("for the session with {client} on {moment}").format(client=scene.client, moment=scene.moment)
        return [Text(_("💰 Payout sent: {amount}{what}. Reference: {reference}.").format(
            amount=money(payout.amount_minor), what=what, reference=payout.reference or "—"
        ))]


# -- inside ----------------------------------------------------------------------


async def _scene(context: NoticeContext, booking: Booking) -> Scene:
    therapist = await context.uow.therapists.get(booking.therapist_id)
    client = await context.uow.users.get(booking.client_id)
    return Scene(
        booking=booking,
        side=booking.side_of(context.recipient.telegram_id),
        zone=context.recipient.timezone,
        therapist=therapist_name(therapist),
        client=client.shown_name if client else "—",
    )


async def _refund_scene(context: NoticeContext) -> tuple[Refund, Scene] | None:
    refund = await context.uow.refunds.get(int(context.params["refund_id"]))
    if refund is None or refund.booking_id is None:
        return None
    booking = await context.uow.bookings.get(refund.booking_id)
    if booking is None:
        return None
    return refund, await _scene(context, booking)


async def _what_for(context: NoticeContext, refund: Refund) -> str:
    """" for the session with … on …", or nothing for a payment no session was found for."""
    booking = await context.uow.bookings.get(refund.booking_id) if refund.booking_id else None
    if booking is None:
        return ""
    scene = await _scene(context, booking)
    return " " + _("for the session with {therapist} on {moment}").format(therapist=scene.therapist, moment=scene.moment)

