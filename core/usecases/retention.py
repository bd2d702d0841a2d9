"""Rows that would grow forever are purged once nobody can need them: settled timed messages,
handled inbox updates, and the records of matches and waitlists once the figures they count are past.
An update set aside is dropped (what it held erased) once it has waited for an admin longer than the
inbox's period: what a person wrote is not kept for ever because nobody looked.

A timed message that is settled (sent, dropped or failed) goes `timed_messages` after it
settled. A booking's own messages (keyed "booking:<id>:…") are more than a log: they are the
record its refund card shows the ethics commission (the system messages both sides read), so
they stay while a refund can still be asked (AFTER_SESSION_WINDOW after the session) plus the
same period, and for good once a refund was asked for that booking.

A purged message's key is free again: a reason scheduled anew under it would send again. Keys
name the event that caused them (a payment, a version, a message), and Telegram re-sends an
update for a day at most, so a retention of weeks leaves no such repeat to fear.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from core.clock import Clock
from core.matching import MATCH_RECORDS_KEPT
from core.ports import UnitOfWork
from core.usecases.refunds import AFTER_SESSION_WINDOW
from core.waitlist import ENTRIES_KEPT

BOOKING_KEYS = "booking:"
# Read, decided and deleted a batch per transaction: SQLite's write lock is held one batch at a time.
BATCH = 500


@dataclass(frozen=True)
class RetentionPolicy:
    timed_messages: timedelta
    inbox: timedelta


@dataclass(frozen=True)
class Purged:
    timed_messages: int
    inbox_updates: int
    matches: int = 0
    waitlist_entries: int = 0
    set_aside_dropped: int = 0


async def purge_expired(uow: UnitOfWork, clock: Clock, policy: RetentionPolicy) -> Purged:
    """Everything that has outlived its retention, a batch per transaction."""
    return Purged(
        await purge_settled_messages(uow, clock, policy),
        await purge_handled_updates(uow, clock, policy),
        *await purge_match_records(uow, clock),
        set_aside_dropped=await drop_forgotten_updates(uow, clock, policy),
    )


async def drop_forgotten_updates(uow: UnitOfWork, clock: Clock, policy: RetentionPolicy, *, batch: int = BATCH) -> int:
    """Updates set aside longer than the inbox's period are dropped, as an admin's «Drop» would."""
    now = clock.now()
    dropped = 0
    while True:
        gone = await uow.inbox.drop_set_aside(now - policy.inbox, now, limit=batch)
        await uow.commit()
        dropped += gone
        if gone < batch:
            return dropped


async def purge_match_records(uow: UnitOfWork, clock: Clock) -> tuple[int, int]:
    """Matches and waitlist entries whose month's figures are long past (a waitlist entry has lapsed by then)."""
    now = clock.now()
    matches = await uow.matching.purge(now - MATCH_RECORDS_KEPT)
    entries = await uow.waitlist.purge(now - ENTRIES_KEPT)
    await uow.commit()
    return matches, entries


async def purge_handled_updates(uow: UnitOfWork, clock: Clock, policy: RetentionPolicy, *, batch: int = BATCH) -> int:
    """Handled and dropped updates older than the period (set-aside and unhandled ones stay).

    A handled update is the inbox's guard against Telegram sending it again; Telegram keeps an
    unconfirmed update for 24 hours at most, so a guard older than the period guards nothing.
    """
    before = clock.now() - policy.inbox
    purged = 0
    while True:
        gone = await uow.inbox.purge_handled(before, limit=batch)
        await uow.commit()
        purged += gone
        if gone < batch:
            return purged


async def purge_settled_messages(uow: UnitOfWork, clock: Clock, policy: RetentionPolicy, *, batch: int = BATCH) -> int:
    """Delete what nobody can need any more; returns how many messages went."""
    before = clock.now() - policy.timed_messages
    purged = after_id = 0
    while True:
        settled = await uow.timed_messages.settled(before, after_id=after_id, limit=batch)
        if not settled:
            return purged
        after_id = settled[-1][0]
        of_bookings: dict[int, list[int]] = {}
        going = []
        for message_id, key in settled:
            if not key.startswith(BOOKING_KEYS):
                going.append(message_id)
            elif (booking_id := _booking_of(key)) is not None:
                of_bookings.setdefault(booking_id, []).append(message_id)
        if of_bookings:
            done = await uow.bookings.settled_for_good(list(of_bookings), ended_before=before - AFTER_SESSION_WINDOW)
            going += [message_id for booking_id in done for message_id in of_bookings[booking_id]]
        await uow.timed_messages.delete(going)
        await uow.commit()
        purged += len(going)


def _booking_of(key: str) -> int | None:
    """The booking a "booking:<id>:…" key names; None (kept, to be safe) for one that names none."""
    number = key.removeprefix(BOOKING_KEYS).partition(":")[0]
    return int(number) if number.isdecimal() and len(number) <= 18 else None
