"""The platform's figures for the month so far, as the page for specialists promises them.

Pure functions over plain records that storage gathers (core/usecases/stats.py).
"This month" is the calendar month in the platform's zone, from its first
midnight up to now. Every average is exact (integer and Decimal arithmetic)
and rounded half up only when it is shown: counts to 0.01, money to a whole
kopiyka.

Who a specialist is, for the averages: a verified therapist who is **active this
month** — taking clients now (not paused, not hidden by staff), or with at
least one paid session this month (held, or paid and still ahead). A therapist
who paused after a busy fortnight still counts; one paused all month does not.
The per-specialist averages divide what active therapists did by their number.

What the public reads (the page for specialists, an applicant's «why join») is only what rests on enough:
an average over a handful of specialists or sessions is one person's month, and would put an applicant off
or promise too much. `for_the_public` keeps a figure once at least `MIN_PUBLIC_SPECIALISTS` specialists are
active and it counts at least `MIN_PUBLIC_COUNT` of what it averages (bookings, sessions held, new clients,
paid sessions); staff's /stats shows every figure as it is.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from core.applications import Step
from core.bookings import COUNTS_AS_HELD, BookingStatus

HUNDREDTHS = Decimal("0.01")
WHOLE = Decimal("1")
# Requests a therapist turned down or left unanswered were never bookings the platform made.
NOT_MADE = frozenset({BookingStatus.DECLINED, BookingStatus.LAPSED})
# What a public figure needs beneath it (README, «The web pages»).
MIN_PUBLIC_SPECIALISTS = 5
MIN_PUBLIC_COUNT = 20


@dataclass(frozen=True)
class Month:
    """A calendar month in the platform's zone, as aware UTC bounds."""

    start: datetime  # its first day, 00:00 local
    end: datetime  # the next month's first day, 00:00 local
    days_so_far: int  # from the 1st to today, both counted

    def holds(self, moment: datetime) -> bool:
        return self.start <= moment < self.end


@dataclass(frozen=True)
class TherapistRecord:
    telegram_id: int
    verified: bool
    accepting_clients: bool
    hidden: bool


@dataclass(frozen=True)
class BookingRecord:
    therapist_id: int
    client_id: int
    status: BookingStatus
    created_at: datetime
    starts_at: datetime
    ends_at: datetime
    paid_at: datetime | None


@dataclass(frozen=True)
class FirstPayment:
    """A client and therapist with a session paid this month, and when the client first paid this therapist."""

    therapist_id: int
    client_id: int
    first_paid_at: datetime


@dataclass(frozen=True)
class EarningRecord:
    """A therapist's share (price less the platform's fee, in kopiyky) of a paid session starting this month."""

    therapist_id: int
    amount_minor: int


@dataclass(frozen=True)
class RefundRecord:
    amount_minor: int  # in the currency's smallest unit
    currency: str


@dataclass(frozen=True)
class PlatformFigures:
    month: Month
    active_therapists: int
    new_bookings: int
    new_bookings_per_day: Decimal
    sessions_held: int
    sessions_per_therapist: Decimal | None  # None: nobody was active, there is nothing to average
    new_clients: int
    new_clients_per_therapist: Decimal | None
    earnings_minor: int
    earnings_per_therapist_minor: int | None
    paid_sessions: int = 0  # active therapists' paid sessions starting this month: what the earnings average

    @property
    def worth_showing(self) -> bool:
        """Applicants see the figures once there is an active therapist to speak for."""
        return self.active_therapists > 0


@dataclass(frozen=True)
class PublicFigures:
    """The figures the public may read; None where too little is beneath one to speak for the platform."""

    new_bookings_per_day: Decimal | None
    sessions_per_therapist: Decimal | None
    new_clients_per_therapist: Decimal | None
    earnings_per_therapist_minor: int | None

    @property
    def any(self) -> bool:
        return any(
            value is not None
            for value in (
                self.new_bookings_per_day, self.sessions_per_therapist, self.new_clients_per_therapist,
                self.earnings_per_therapist_minor,
            )
        )


def for_the_public(figures: PlatformFigures) -> PublicFigures:
    """Each figure that rests on enough (the module's docstring), the others left out."""
    if figures.active_therapists < MIN_PUBLIC_SPECIALISTS:
        return PublicFigures(None, None, None, None)

    def enough(count: int) -> bool:
        return count >= MIN_PUBLIC_COUNT

    return PublicFigures(
        new_bookings_per_day=figures.new_bookings_per_day if enough(figures.new_bookings) else None,
        sessions_per_therapist=figures.sessions_per_therapist if enough(figures.sessions_held) else None,
        new_clients_per_therapist=figures.new_clients_per_therapist if enough(figures.new_clients) else None,
        earnings_per_therapist_minor=figures.earnings_per_therapist_minor if enough(figures.paid_sessions) else None,
    )


@dataclass(frozen=True)
class RefundTotal:
    currency: str
    count: int
    amount_minor: int


def month_of(now: datetime, zone: str) -> Month:
    local_zone = ZoneInfo(zone)
    today = now.astimezone(local_zone).date()
    first = today.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return Month(
        start=_midnight(first, local_zone),
        end=_midnight(following, local_zone),
        days_so_far=(today - first).days + 1,
    )


def is_new_booking(booking: BookingRecord, month: Month, now: datetime) -> bool:
    """Made this month, up to now, whatever became of it later, unless the therapist declined or never answered."""
    return month.holds(booking.created_at) and booking.created_at <= now and booking.status not in NOT_MADE


def is_held(booking: BookingRecord, month: Month, now: datetime) -> bool:
    """Paid, started this month, and held by the rules: it took place, or was cancelled late or missed.

    A paid session whose end has passed is held even if nothing has recorded it yet.
    """
    if booking.paid_at is None or not month.holds(booking.starts_at) or booking.starts_at > now:
        return False
    return booking.status in COUNTS_AS_HELD or (booking.status is BookingStatus.PAID and booking.ends_at <= now)


def active_therapists(
    therapists: Iterable[TherapistRecord], bookings: Iterable[BookingRecord], earnings: Iterable[EarningRecord],
    month: Month, now: datetime,
) -> frozenset[int]:
    """Verified therapists taking clients now, or with a paid session this month (see the module's docstring)."""
    with_sessions = {b.therapist_id for b in bookings if is_held(b, month, now)} | {e.therapist_id for e in earnings}
    return frozenset(
        t.telegram_id
        for t in therapists
        if t.verified and ((t.accepting_clients and not t.hidden) or t.telegram_id in with_sessions)
    )


def platform_figures(
    month: Month,
    now: datetime,
    therapists: Iterable[TherapistRecord],
    bookings: Iterable[BookingRecord],
    first_payments: Iterable[FirstPayment],
    earnings: Iterable[EarningRecord],
) -> PlatformFigures:
    """The page's four figures, and what they are made of.

    - new bookings per day: bookings made this month (`is_new_booking`) over the days of the month so far;
    - sessions per specialist: sessions held this month (`is_held`) by active therapists, over their number;
    - new clients per specialist: clients who paid an active therapist for the first time this month (for a
      session held, ahead, or cancelled since), over the number of active therapists;
    - expected earnings per specialist: active therapists' shares of paid sessions starting this month (held
      or still ahead, refunded ones excluded), over their number.
    """
    bookings, earnings = list(bookings), list(earnings)
    active = active_therapists(therapists, bookings, earnings, month, now)
    new_bookings = sum(1 for b in bookings if is_new_booking(b, month, now))
    held = sum(1 for b in bookings if b.therapist_id in active and is_held(b, month, now))
    new_clients = len(
        {
            (first.therapist_id, first.client_id)
            for first in first_payments
            if first.therapist_id in active and month.holds(first.first_paid_at) and first.first_paid_at <= now
        }
    )
    paid = [e for e in earnings if e.therapist_id in active]
    earned = sum(e.amount_minor for e in paid)
    return PlatformFigures(
        month=month,
        active_therapists=len(active),
        new_bookings=new_bookings,
        new_bookings_per_day=_average(new_bookings, month.days_so_far, HUNDREDTHS),
        sessions_held=held,
        sessions_per_therapist=_average(held, len(active), HUNDREDTHS) if active else None,
        new_clients=new_clients,
        new_clients_per_therapist=_average(new_clients, len(active), HUNDREDTHS) if active else None,
        earnings_minor=earned,
        earnings_per_therapist_minor=int(_average(earned, len(active), WHOLE)) if active else None,
        paid_sessions=len(paid),
    )


def funnel(counts: Mapping[str, int]) -> list[tuple[Step, int]]:
    """Applications at each step, in the order of vetting; steps nobody is at show 0."""
    return [(step, counts.get(step.value, 0)) for step in Step]


def refund_totals(refunds: Iterable[RefundRecord]) -> list[RefundTotal]:
    """Count and sum per currency (hryvnias and Stars never add up), hryvnias first."""
    totals: dict[str, tuple[int, int]] = {}
    for refund in refunds:
        count, amount = totals.get(refund.currency, (0, 0))
        totals[refund.currency] = (count + 1, amount + refund.amount_minor)
    return [RefundTotal(currency, *totals[currency]) for currency in sorted(totals, key=lambda c: (c != "UAH", c))]


def _average(total: int, over: int, places: Decimal) -> Decimal:
    return (Decimal(total) / Decimal(over)).quantize(places, rounding=ROUND_HALF_UP)


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
