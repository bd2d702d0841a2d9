"""The platform's figures for the month: exact on a known data set, at the month's edges and across DST."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from core.applications import Step
from core.bookings import BookingStatus as S
from core.rules.platform_figures import (
    MIN_PUBLIC_COUNT,
    MIN_PUBLIC_SPECIALISTS,
    BookingRecord,
    EarningRecord,
    FirstPayment,
    RefundRecord,
    RefundTotal,
    TherapistRecord,
    for_the_public,
    funnel,
    month_of,
    platform_figures,
    refund_totals,
)

KYIV = ZoneInfo("Europe/Kyiv")
NOW = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)  # Tuesday 24 Nov, 10:00 in Kyiv: day 24 of the month
A, B, C, D, E, F = 1, 2, 3, 4, 5, 6


def kyiv(month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=KYIV).astimezone(UTC)


THERAPISTS = [
    TherapistRecord(A, verified=True, accepting_clients=True, hidden=False),
    TherapistRecord(B, verified=True, accepting_clients=True, hidden=False),
    TherapistRecord(C, verified=True, accepting_clients=False, hidden=False),  # paused, but held a session: active
    TherapistRecord(D, verified=True, accepting_clients=False, hidden=False),  # paused all month: not active
    TherapistRecord(E, verified=False, accepting_clients=True, hidden=False),  # not verified: never counted
    TherapistRecord(F, verified=True, accepting_clients=True, hidden=True),  # hidden, a paid session ahead: active
]


def booking(therapist: int, client: int, status: S, created: datetime, starts: datetime, *, paid: bool) -> BookingRecord:
    return BookingRecord(
        therapist, client, status, created, starts, starts + timedelta(minutes=50), created if paid else None
    )


BOOKINGS = [
    # Made at 00:30 on the 1st in Kyiv, still 31 October in UTC: this month's.
    booking(A, 11, S.HELD, kyiv(11, 1, 0, 30), kyiv(11, 3), paid=True),
    # Made at 23:30 on 31 October in Kyiv: last month's booking, though held this month.
    booking(A, 12, S.HELD, kyiv(10, 31, 23, 30), kyiv(11, 2), paid=True),
    # Paid, its end passed, nobody has marked it held yet: held.
    booking(A, 11, S.PAID, kyiv(11, 5), kyiv(11, 10), paid=True),
    booking(B, 13, S.DECLINED, kyiv(11, 6), kyiv(11, 9), paid=False),  # never made
    booking(B, 14, S.LAPSED, kyiv(11, 7), kyiv(11, 9), paid=False),  # never made
    booking(B, 15, S.CANCELLED_LATE, kyiv(11, 8), kyiv(11, 12), paid=True),  # counts as held
    booking(B, 16, S.NO_SHOW, kyiv(11, 9), kyiv(11, 13), paid=True),  # counts as held
    booking(C, 17, S.HELD, kyiv(11, 10), kyiv(11, 14), paid=True),
    booking(B, 18, S.EXPIRED, kyiv(11, 11), kyiv(11, 16), paid=False),  # made, never paid: not held
    booking(B, 19, S.CANCELLED_LATE, kyiv(11, 12), kyiv(11, 17), paid=False),  # unpaid: not held
    booking(F, 20, S.PAID, kyiv(11, 20), kyiv(11, 27), paid=True),  # paid, still ahead
    booking(A, 21, S.AWAITING_PAYMENT, kyiv(11, 23), kyiv(11, 26), paid=False),
    booking(D, 22, S.HELD, kyiv(10, 20), kyiv(10, 25), paid=True),  # last month altogether
    booking(E, 23, S.HELD, kyiv(11, 3), kyiv(11, 4), paid=True),  # made this month; E is not verified
    booking(B, 25, S.CANCELLED_IN_TIME, kyiv(11, 2), kyiv(11, 20), paid=False),  # a withdrawn request
]
NEW_BOOKINGS = 11  # all but the declined, the lapsed, and the two made in October

FIRST_PAYMENTS = [
    FirstPayment(A, 11, kyiv(11, 1, 0, 30)),
    FirstPayment(A, 12, kyiv(10, 31, 23, 45)),  # paid A again this month, but first paid in October: not new
    FirstPayment(B, 15, kyiv(11, 8)),
    FirstPayment(B, 16, kyiv(11, 9)),
    FirstPayment(C, 17, kyiv(11, 10)),
    FirstPayment(F, 20, kyiv(11, 20)),
    FirstPayment(E, 23, kyiv(11, 3)),  # E is not active
]

EARNINGS = [
    EarningRecord(A, 96_000), EarningRecord(A, 96_000), EarningRecord(A, 96_000),
    EarningRecord(B, 96_000), EarningRecord(B, 96_000),
    EarningRecord(C, 90_000),
    EarningRecord(F, 80_002),
    EarningRecord(E, 96_000),  # E is not active
]


def test_the_four_figures_of_a_known_month_are_exact():
    figures = platform_figures(month_of(NOW, "Europe/Kyiv"), NOW, THERAPISTS, BOOKINGS, FIRST_PAYMENTS, EARNINGS)

    assert figures.active_therapists == 4  # A, B, C (paused after a session), F (hidden, a paid session ahead)
    assert (figures.new_bookings, figures.new_bookings_per_day) == (11, Decimal("0.46"))  # 11 / 24 days
    assert (figures.sessions_held, figures.sessions_per_therapist) == (6, Decimal("1.50"))  # A 3, B 2, C 1
    assert (figures.new_clients, figures.new_clients_per_therapist) == (5, Decimal("1.25"))
    # 650 002 kopiyky over 4 therapists is 162 500.5: rounded half up to a whole kopiyka.
    assert (figures.earnings_minor, figures.earnings_per_therapist_minor) == (650_002, 162_501)
    assert figures.worth_showing


def test_the_public_reads_no_figure_of_a_month_that_rests_on_a_few_specialists():
    figures = platform_figures(month_of(NOW, "Europe/Kyiv"), NOW, THERAPISTS, BOOKINGS, FIRST_PAYMENTS, EARNINGS)

    assert figures.paid_sessions == 7  # the active therapists' shares: all but E's
    public = for_the_public(figures)
    assert not public.any  # 4 active specialists: too few for any average to speak for the platform


def test_the_public_reads_each_figure_that_rests_on_enough_and_only_those():
    """At the thresholds a figure shows; one short of its count, that figure alone is left out."""
    month = month_of(NOW, "Europe/Kyiv")
    specialists = [TherapistRecord(100 + n, verified=True, accepting_clients=True, hidden=False) for n in range(MIN_PUBLIC_SPECIALISTS)]
    enough = MIN_PUBLIC_COUNT
    bookings = [
        booking(100 + n % MIN_PUBLIC_SPECIALISTS, 500 + n, S.HELD, kyiv(11, 2), kyiv(11, 3), paid=True) for n in range(enough)
    ]
    firsts = [FirstPayment(100 + n % MIN_PUBLIC_SPECIALISTS, 500 + n, kyiv(11, 2)) for n in range(enough - 1)]
    shares = [EarningRecord(100 + n % MIN_PUBLIC_SPECIALISTS, 96_000) for n in range(enough)]

    public = for_the_public(platform_figures(month, NOW, specialists, bookings, firsts, shares))

    assert public.new_bookings_per_day == (Decimal(enough) / 24).quantize(Decimal("0.01"))
    assert public.sessions_per_therapist == Decimal(enough) / MIN_PUBLIC_SPECIALISTS
    assert public.new_clients_per_therapist is None  # one client short
    assert public.earnings_per_therapist_minor == 96_000 * enough // MIN_PUBLIC_SPECIALISTS

    unverified = [TherapistRecord(100, verified=False, accepting_clients=True, hidden=False), *specialists[1:]]
    one_specialist_fewer = platform_figures(month, NOW, unverified, bookings, firsts, shares)
    assert one_specialist_fewer.active_therapists == MIN_PUBLIC_SPECIALISTS - 1
    assert not for_the_public(one_specialist_fewer).any


def test_a_booking_made_after_now_is_not_counted_yet():
    later = booking(A, 30, S.REQUESTED, NOW + timedelta(minutes=1), kyiv(11, 27), paid=False)
    figures = platform_figures(month_of(NOW, "Europe/Kyiv"), NOW, THERAPISTS, [*BOOKINGS, later], [], [])
    assert figures.new_bookings == NEW_BOOKINGS


def test_with_nobody_active_there_is_no_average_to_show():
    paused = [TherapistRecord(D, verified=True, accepting_clients=False, hidden=False)]
    figures = platform_figures(month_of(NOW, "Europe/Kyiv"), NOW, paused, [], [], [])

    assert figures.active_therapists == 0
    assert (figures.sessions_per_therapist, figures.new_clients_per_therapist, figures.earnings_per_therapist_minor) == (
        None, None, None,
    )
    assert figures.new_bookings_per_day == Decimal("0.00")
    assert not figures.worth_showing


def test_the_month_begins_at_midnight_in_kyiv_not_in_utc():
    just_after = month_of(datetime(2026, 10, 31, 22, 30, tzinfo=UTC), "Europe/Kyiv")  # 00:30 on 1 Nov in Kyiv
    just_before = month_of(datetime(2026, 10, 31, 21, 30, tzinfo=UTC), "Europe/Kyiv")  # 23:30 on 31 Oct in Kyiv

    assert (just_after.start, just_after.days_so_far) == (datetime(2026, 10, 31, 22, 0, tzinfo=UTC), 1)
    assert (just_before.start, just_before.days_so_far) == (datetime(2026, 9, 30, 21, 0, tzinfo=UTC), 31)
    assert just_before.end == just_after.start


def test_a_month_with_the_spring_clock_change_ends_an_hour_earlier_in_utc():
    march = month_of(datetime(2027, 3, 15, 12, 0, tzinfo=UTC), "Europe/Kyiv")
    assert march.start == datetime(2027, 2, 28, 22, 0, tzinfo=UTC)  # +02:00
    assert march.end == datetime(2027, 3, 31, 21, 0, tzinfo=UTC)  # +03:00 since 28 March


def test_the_funnel_lists_every_step_in_order():
    steps = funnel({"submitted": 3, "published": 2, "declined": 1})
    assert [step for step, _ in steps] == list(Step)
    assert dict(steps) == {step: {"submitted": 3, "published": 2, "declined": 1}.get(step.value, 0) for step in Step}


def test_refunds_add_up_per_currency_hryvnias_first():
    totals = refund_totals([RefundRecord(780, "XTR"), RefundRecord(120_000, "UAH"), RefundRecord(50_000, "UAH")])
    assert totals == [RefundTotal("UAH", 2, 170_000), RefundTotal("XTR", 1, 780)]
