"""The 24-hour rules: free cancellation, the payment deadline and its reminder.

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
PAYMENT_REMINDER_LEAD = timedelta(hours=24)


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


def payment_reminder_at(deadline: datetime, booked_at: datetime, lead: timedelta = PAYMENT_REMINDER_LEAD) -> datetime:
    """When the shared chat reminds the client to pay: `lead` before the deadline, or at once."""
    return max(_utc(deadline) - lead, _utc(booked_at))


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"an aware datetime is required, got naive {moment!r}")
    return moment.astimezone(UTC)
