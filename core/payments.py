"""Money on the platform: what a client paid, what was given back, what a therapist is owed.

Amounts are integers in the smallest unit of their currency: kopiyky for UAH,
whole stars for Telegram Stars (XTR). A booking's price is in kopiyky; paying
with Stars, the client pays its equivalent in stars (core/rules/stars.py),
while the therapist's payout is always the price less the platform's fee, in
kopiyky. A payment or refund keeps the currency it moved in.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Protocol

from core.rules.payouts import therapist_share
from core.rules.stars import stars_for

UAH = "UAH"
STARS = "XTR"

# The audit log's actions of this topic (core/audit.py): staff acting on money.
MANUAL_PAYMENT_CONFIRMED = "payments.manual_confirmed"
REFUND_DECIDED = "payments.refund_decided"
REFUND_CARRIED_OUT = "payments.refund_carried_out"
PAYOUT_MARKED_PAID = "payments.payout_paid"
CLAWBACK_SETTLED = "payments.clawback_settled"


MAX_NOTE = 1000  # a reason, a decision or a note, in characters
MAX_REFERENCE = 100  # a bank transfer's reference


class UnusableText(ValueError):
    """A reason, note or reference that is empty or too long."""


def usable(text: str, limit: int) -> str:
    text = text.strip()
    if not text or len(text) > limit:
        raise UnusableText(text)
    return text


class PaymentMethod(StrEnum):
    PROVIDER = "provider"  # a payment provider's card form inside Telegram, in UAH
    STARS = "stars"  # Telegram Stars
    MANUAL = "manual"  # a transfer outside Telegram, confirmed by finance


class PaymentUse(StrEnum):
    APPLIED = "applied"  # it paid its booking
    # It arrived for a booking no longer payable (expired, cancelled, already
    # paid, someone else's): kept on record and refunded in full.
    STRAY = "stray"


@dataclass(frozen=True)
class PaymentPolicy:
    """How this platform takes money (bot/settings.py fills it from the environment)."""

    method: PaymentMethod = PaymentMethod.MANUAL
    fee_basis_points: int = 0  # the platform's fee, in hundredths of a percent
    stars_per_100_uah: int = 150

    @property
    def currency(self) -> str:
        return STARS if self.method is PaymentMethod.STARS else UAH

    def charge_for(self, price_minor: int) -> int:
        """What the client pays for a session of this price, in the payment currency's units."""
        if self.method is PaymentMethod.STARS:
            return stars_for(price_minor, self.stars_per_100_uah)
        return price_minor

    def share_of(self, price_minor: int) -> int:
        return therapist_share(price_minor, self.fee_basis_points)


_PAYLOAD = re.compile(r"b(\d{1,18})v(\d{1,9})")


@dataclass(frozen=True)
class InvoiceReference:
    """What an invoice is for: a booking at one version (time) of it. Its payload is `b<id>v<version>`."""

    booking_id: int
    version: int

    @property
    def payload(self) -> str:
        return f"b{self.booking_id}v{self.version}"

    @classmethod
    def parse(cls, payload: str) -> InvoiceReference | None:
        match = _PAYLOAD.fullmatch(payload)
        return cls(int(match.group(1)), int(match.group(2))) if match else None


@dataclass
class Payment:
    booking_id: int | None  # None only when an unknown payload was paid (kept, and refunded)
    payer_id: int
    amount_minor: int
    currency: str
    # Telegram's charge id, unique: however often an update repeats, the payment is recorded once.
    # A manual payment gets `manual-b<booking id>`, so confirming it twice records it once.
    telegram_payment_charge_id: str
    method: PaymentMethod
    recorded_at: datetime
    use: PaymentUse = PaymentUse.APPLIED
    provider_payment_charge_id: str | None = None
    reference: str | None = None  # a manual payment's bank reference, as finance typed it
    recorded_by: int | None = None  # who confirmed a manual payment
    id: int = 0


class RefundReason(StrEnum):
    CANCELLED_IN_TIME = "cancelled_in_time"  # 24 hours or more ahead, or the therapist cancelled
    STRAY_PAYMENT = "stray_payment"  # a payment that could not pay its booking
    FORCE_MAJEURE = "force_majeure"  # the client asks; the therapist is heard; staff decide
    AFTER_SESSION = "after_session"  # the client asks; support and the ethics commission decide


class RefundStatus(StrEnum):
    AWAITING_THERAPIST = "awaiting_therapist"
    AWAITING_DECISION = "awaiting_decision"
    # Decided (by the rules or by staff); the money is on its way back: Stars
    # through the Bot API, a card or transfer by staff in the provider's dashboard.
    APPROVED = "approved"
    DECLINED = "declined"
    CARRIED_OUT = "carried_out"


class RefundRefused(Exception):
    """A change the refund's state does not allow; `reason` says which."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class Refund:
    payment_id: int
    booking_id: int | None
    amount_minor: int
    currency: str
    method: PaymentMethod  # how the money goes back: as it came
    reason: RefundReason
    status: RefundStatus
    created_at: datetime
    requested_by: int | None = None  # the client, when they asked; None when the rules decided
    request_text: str | None = None  # the client's own words
    therapist_agrees: bool | None = None
    decided_by: int | None = None
    decision_note: str | None = None
    decided_at: datetime | None = None
    carried_out_by: int | None = None  # None when Telegram gave the stars back
    carry_out_note: str | None = None
    carried_out_at: datetime | None = None
    failure: str | None = None  # why an automatic Stars refund did not go through
    id: int = 0

    @property
    def automatic(self) -> bool:
        """Stars go back through the Bot API; everything else by hand."""
        return self.method is PaymentMethod.STARS

    def therapist_answered(self, agrees: bool) -> None:
        if self.status is not RefundStatus.AWAITING_THERAPIST:
            raise RefundRefused("not_awaiting_therapist")
        self.therapist_agrees = agrees
        self.status = RefundStatus.AWAITING_DECISION

    def decide(self, *, approve: bool, by: int, note: str, now: datetime) -> None:
        if self.status is not RefundStatus.AWAITING_DECISION:
            raise RefundRefused("not_awaiting_decision")
        self.status = RefundStatus.APPROVED if approve else RefundStatus.DECLINED
        self.decided_by, self.decision_note, self.decided_at = by, note, now

    def carried_out(self, *, by: int | None, note: str | None, now: datetime) -> None:
        if self.status is not RefundStatus.APPROVED:
            raise RefundRefused("not_approved")
        self.status = RefundStatus.CARRIED_OUT
        self.carried_out_by, self.carry_out_note, self.carried_out_at = by, note, now
        self.failure = None


class PayoutStatus(StrEnum):
    DUE = "due"
    PAID = "paid"
    WITHDRAWN = "withdrawn"  # the session was refunded before the payout was made: nothing is owed


@dataclass
class Payout:
    therapist_id: int
    booking_id: int | None
    payment_id: int
    amount_minor: int  # kopiyky: the price less the platform's fee
    due_on: date  # 3 Ukrainian business days after the platform was paid
    status: PayoutStatus
    created_at: datetime
    reference: str | None = None
    paid_at: datetime | None = None
    paid_by: int | None = None
    id: int = 0

    def mark_paid(self, *, by: int, reference: str, now: datetime) -> None:
        if self.status is not PayoutStatus.DUE:
            raise PayoutRefused(self.status.value)
        self.status, self.paid_by, self.reference, self.paid_at = PayoutStatus.PAID, by, reference, now

    def overdue(self, today: date) -> bool:
        return self.status is PayoutStatus.DUE and today > self.due_on


class PayoutRefused(Exception):
    """The payout is not due any more (paid already, or withdrawn)."""


class ClawbackStatus(StrEnum):
    OPEN = "open"  # support is to contact the therapist
    SETTLED = "settled"


@dataclass
class Clawback:
    """A session refunded after its payout was made: the therapist owes it back."""

    therapist_id: int
    payout_id: int
    refund_id: int
    amount_minor: int
    status: ClawbackStatus
    created_at: datetime
    settled_at: datetime | None = None
    settled_by: int | None = None
    note: str | None = None
    id: int = 0


@dataclass(frozen=True)
class SystemMessage:
    """One of the booking's messages the platform sent to either side, as staff review it."""

    kind: str
    recipient_id: int
    sent_at: datetime


class PaymentRepository(Protocol):
    async def record(self, payment: Payment) -> bool:
        """Insert unless its charge id is known; gives it its id. False: recorded before, nothing changed."""

    async def save(self, payment: Payment) -> None: ...

    async def get(self, payment_id: int) -> Payment | None: ...

    async def applied_to(self, booking_id: int) -> Payment | None:
        """The payment that paid this booking, if any."""

    async def awaiting_payment(self) -> list[int]:
        """Ids of bookings waiting for payment, by payment deadline (finance's manual-payment list)."""


class RefundRepository(Protocol):
    async def add(self, refund: Refund) -> None: ...

    async def save(self, refund: Refund) -> None: ...

    async def get(self, refund_id: int, *, for_update: bool = False) -> Refund | None: ...

    async def of_payment(self, payment_id: int) -> Refund | None: ...

    async def open(self) -> list[Refund]:
        """Awaiting the therapist, a decision, or carrying out; oldest first."""

    async def system_messages(self, booking_id: int) -> list[SystemMessage]:
        """The booking's own messages (not relayed chat) that were sent, in order."""


class PayoutRepository(Protocol):
    async def add(self, payout: Payout) -> None: ...

    async def save(self, payout: Payout) -> None: ...

    async def get(self, payout_id: int, *, for_update: bool = False) -> Payout | None: ...

    async def of_payment(self, payment_id: int) -> Payout | None: ...

    async def due(self) -> list[Payout]:
        """Every payout not yet made, by due date."""

    async def of_therapist(self, therapist_id: int, *, since: datetime) -> list[Payout]:
        """A therapist's payouts created or paid since then, or still due."""

    async def add_clawback(self, clawback: Clawback) -> None: ...

    async def save_clawback(self, clawback: Clawback) -> None: ...

    async def get_clawback(self, clawback_id: int, *, for_update: bool = False) -> Clawback | None: ...

    async def clawbacks_of_refund(self, refund_id: int) -> list[Clawback]: ...

    async def open_clawbacks(self) -> list[Clawback]: ...
