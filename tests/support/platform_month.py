"""A known month on the platform, written through the repositories, whose figures are known exactly.

The events happen in the first seconds of the current month (in Kyiv) or just
before it, so the same data set works at the test clock's START and at the
wall clock of an end-to-end run. One paid session is still ahead, at the
month's last minute.

Therapists: Iryna and Maksym take clients; Oksana paused after a session this
month (still counted); Petro paused all month (not counted). 3 specialists.

| booking | therapist | client | made | state | paid | their share |
|---|---|---|---|---|---|---|
| 1 | Iryna | 1101 | this month | held | this month | 960.00 |
| 2 | Iryna | 1102 | last month | held (this month) | last month | 960.00 |
| 3 | Maksym | 1103 | this month | held | this month | 960.00 |
| 4 | Maksym | 1104 | this month | declined | — | — |
| 5 | Oksana | 1105 | this month | cancelled late | this month | 900.00 |
| 6 | Iryna | 1106 | this month | paid, ahead | this month | 800.02 |
| 7 | Maksym | 1101 | this month | expired | — | — |

New bookings: 1, 3, 5, 6, 7 = 5. Sessions held: 1, 2, 3, 5 = 4 (4/3 = 1.33).
New clients (first paid this month): 1101, 1103, 1105, 1106 = 4 (1.33).
Earnings: 4 580.02 ₴ over 3 = 1 526.67 ₴ (152 667.33 kopiyky, rounded).
Refunds granted this month: one, 1 200 ₴ (a declined one is not counted).
Applications: 2 sent and waiting for review, 1 interview scheduled, 1 declined.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from core.applications import Application, Step
from core.bookings import Booking, BookingStatus
from core.payments import (
    UAH,
    Payment,
    PaymentMethod,
    PaymentUse,
    Payout,
    PayoutStatus,
    Refund,
    RefundReason,
    RefundStatus,
)
from core.ports import UnitOfWork
from core.rules.platform_figures import month_of
from core.therapists import TherapistProfile
from core.users import Role, User

IRYNA, MAKSYM, OKSANA, PETRO = 2001, 2002, 2003, 2004
CLIENTS = (1101, 1102, 1103, 1104, 1105, 1106)
APPLICANTS = (1201, 1202, 1203, 1204)
PRICE = 120_000
SHARE = 96_000  # the platform keeps 20 %

NEW_BOOKINGS = 5
SPECIALISTS = 3


def per_day(now: datetime, zone: str = "Europe/Kyiv") -> str:
    """New bookings a day as a Ukrainian reads it: 5 over the days of the month so far, two decimals after a comma."""
    days = month_of(now, zone).days_so_far
    return str((Decimal(NEW_BOOKINGS) / Decimal(days)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)).replace(".", ",")


async def seed(uow: UnitOfWork, now: datetime, zone: str = "Europe/Kyiv") -> None:
    month = month_of(now, zone)
    start = month.start

    def at(seconds: int) -> datetime:
        return start + timedelta(seconds=seconds)

    for client in (*CLIENTS, *APPLICANTS):
        await uow.users.add(User(client, f"Client{client}", "uk", zone, at(0) - timedelta(days=40), roles={Role.CLIENT}))
    for therapist_id, name, accepting in (
        (IRYNA, "Iryna Kovalenko", True), (MAKSYM, "Maksym Bondar", True),
        (OKSANA, "Oksana Lysenko", False), (PETRO, "Petro Shevchuk", False),
    ):
        await uow.users.add(
            User(therapist_id, name.split()[0], "uk", zone, at(0) - timedelta(days=90), roles={Role.CLIENT, Role.THERAPIST})
        )
        await uow.therapists.add(
            TherapistProfile(
                telegram_id=therapist_id, full_name=name, about="", education="", experience_years=5,
                price_minor=PRICE, timezone=zone, share_code=name.split()[0].lower(), verified=True,
                accepting_clients=accepting, published_at=at(0) - timedelta(days=60),
            )
        )

    async def book(
        therapist: int, client: int, status: BookingStatus, made: datetime, starts: datetime,
        *, paid: datetime | None = None, share: int = SHARE,
    ) -> Booking:
        booking = Booking(
            client_id=client, therapist_id=therapist, starts_at=starts, ends_at=starts + timedelta(seconds=1),
            price_minor=PRICE, status=status, created_at=made, confirmed_at=made, paid_at=paid,
            paid_minor=PRICE if paid else None, closed_at=None,
        )
        await uow.bookings.add(booking)
        if paid is not None:
            payment = Payment(
                booking.id, client, PRICE, UAH, f"charge-{booking.id}", PaymentMethod.PROVIDER, paid, PaymentUse.APPLIED
            )
            await uow.payments.record(payment)
            await uow.payouts.add(
                Payout(therapist, booking.id, payment.id, share, paid.date(), PayoutStatus.DUE, paid)
            )
        return booking

    await book(IRYNA, 1101, BookingStatus.HELD, at(1), at(2), paid=at(1))
    await book(IRYNA, 1102, BookingStatus.HELD, at(-86_400), at(4), paid=at(-86_000))
    held = await book(MAKSYM, 1103, BookingStatus.HELD, at(5), at(6), paid=at(5))
    await book(MAKSYM, 1104, BookingStatus.DECLINED, at(7), at(30))
    await book(OKSANA, 1105, BookingStatus.CANCELLED_LATE, at(8), at(9), paid=at(8), share=90_000)
    await book(IRYNA, 1106, BookingStatus.PAID, at(10), month.end - timedelta(minutes=1), paid=at(10), share=80_002)
    expired = await book(MAKSYM, 1101, BookingStatus.EXPIRED, at(11), at(31))

    # A payment that came after its booking expired: refunded in full by the rules.
    stray = Payment(expired.id, 1101, PRICE, UAH, "charge-stray", PaymentMethod.PROVIDER, at(12), PaymentUse.STRAY)
    await uow.payments.record(stray)
    await uow.refunds.add(
        Refund(stray.id, expired.id, PRICE, UAH, PaymentMethod.PROVIDER, RefundReason.STRAY_PAYMENT,
               RefundStatus.APPROVED, at(12), decided_at=at(12))
    )
    # A refund asked for after a held session, declined by the commission: not a refund granted.
    held_payment = await uow.payments.applied_to(held.id)
    assert held_payment is not None
    await uow.refunds.add(
        Refund(held_payment.id, held.id, PRICE, UAH, PaymentMethod.PROVIDER, RefundReason.AFTER_SESSION,
               RefundStatus.DECLINED, at(13), requested_by=1103, decided_by=900, decided_at=at(14))
    )

    for applicant, step in zip(APPLICANTS, (Step.SUBMITTED, Step.SUBMITTED, Step.INTERVIEW_SCHEDULED, Step.DECLINED), strict=True):
        await uow.applications.add(
            Application(applicant, f"ref{applicant}", at(0) - timedelta(days=3), at(0) - timedelta(days=1), step=step)
        )
    await uow.commit()
