"""The 24-hour rules: free cancellation, the answer to a request, the payment deadline and its reminder.

They agree with each other: a therapist who confirms a request within its answer window leaves the
client the payment deadline the client was told, and a payment reminder never comes before the
invoice nor right on its heels.

Every result is in UTC. Arithmetic is done on UTC instants because Python
subtracts two datetimes sharing one tzinfo by wall clock, which is off by an
hour across a DST change in Kyiv.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

FREE_CANCELLATION = timedelta(hours=24)
PAYMENT_DUE_BEFORE_START = timedelta(hours=24)
SHORT_NOTICE_GRACE = timedelta(hours=1)
SHORT_NOTICE = PAYMENT_DUE_BEFORE_START + SHORT_NOTICE_GRACE
# The reminder comes the day before the deadline; when the invoice itself came later than that, some hours
# before the deadline; and never sooner than REMINDER_AFTER_INVOICE after the invoice, which is the ask itself.
PAYMENT_REMINDER_LEAD = timedelta(hours=24)
PAYMENT_LAST_CALL = timedelta(hours=3)
REMINDER_AFTER_INVOICE = timedelta(hours=6)
# A request made early enough to be answered in time for the regular deadline leaves the therapist at least this.
MIN_ANSWER_TIME = timedelta(hours=1)


def is_free_cancellation(start: datetime, now: datetime, *, window: timedelta = FREE_CANCELLATION) -> bool:
    """Cancelling or moving costs nothing when at least `window` is left before the start."""
    return _utc(start) - _utc(now) >= window


def payment_deadline(
    start: datetime,
    booked_at: datetime,
    *,
    before_start: timedelta = PAYMENT_DUE_BEFORE_START,
    short_notice: timedelta = SHORT_NOTICE,
    grace: timedelta = SHORT_NOTICE_GRACE,
) -> datetime:
    """The last moment to pay for a session before its slot is freed.

    A booking made at short notice (a therapist may allow it) still gets `grace`
    to pay, but never beyond the start.
    """
    start, booked_at = _utc(start), _utc(booked_at)
    if booked_at > start:
        raise ValueError("a session cannot be booked after it starts")
    if start - booked_at >= short_notice:
        return start - before_start
    return min(booked_at + grace, start)


def payment_reminder_at(
    deadline: datetime, invoiced_at: datetime, lead: timedelta = PAYMENT_REMINDER_LEAD
) -> datetime | None:
    """When the shared chat reminds the client to pay, or None when the invoice is reminder enough.

    `lead` before the deadline (the day before); when that is too soon after the invoice, PAYMENT_LAST_CALL
    before it; never sooner than REMINDER_AFTER_INVOICE after the invoice.
    """
    deadline, invoiced_at = _utc(deadline), _utc(invoiced_at)
    for moment in (deadline - lead, deadline - min(lead, PAYMENT_LAST_CALL)):
        if moment - invoiced_at >= REMINDER_AFTER_INVOICE:
            return moment
    return None


def answer_deadline(
    start: datetime,
    requested_at: datetime,
    ttl: timedelta,
    *,
    short_notice: timedelta = SHORT_NOTICE,
    min_answer: timedelta = MIN_ANSWER_TIME,
) -> datetime:
    """When a request the therapist has not answered lapses: within `ttl`, and in time for the client to pay.

    A request made early enough lapses by `short_notice` before the start, so a confirmation within it always
    gives the regular deadline (24 hours before) and the client at least the grace hour to pay. One made at
    shorter notice lapses halfway to the start: confirmed, it is paid within the grace, never after the start.
    """
    start, requested_at = _utc(start), _utc(requested_at)
    if requested_at > start:
        raise ValueError("a session cannot be requested after it starts")
    regular = start - short_notice
    latest = regular if regular - requested_at >= min_answer else requested_at + (start - requested_at) / 2
    return min(requested_at + ttl, latest)


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"an aware datetime is required, got naive {moment!r}")
    return moment.astimezone(UTC)
