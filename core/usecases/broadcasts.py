"""Broadcasting a message to a segment, and how it went."""
from __future__ import annotations

from core.broadcasts import BROADCAST_SENT, BROADCAST_STOPPED, Broadcast, BroadcastReport, Segment
from core.clock import Clock
from core.notices import Notice
from core.ports import UnitOfWork
from core.staff import Authority, Permission
from core.usecases.audit import record
from core.usecases.notices import cancel_all, notify


class BroadcastNotice(Notice):
    """The copy of the author's message one recipient gets: bot/notices/broadcast.py."""

    COPY = "broadcast"
RECENT = 5


class NotAllowed(PermissionError):
    pass


class UnknownBroadcast(LookupError):
    pass


class NobodyToTell(Exception):
    """The segment is empty: there is nothing to send."""


def key_prefix(broadcast_id: int) -> str:
    return f"broadcast:{broadcast_id}:"


async def audience_size(uow: UnitOfWork, segment: Segment, *, author_id: int) -> int:
    return len(await _recipients(uow, segment, author_id))


async def send_broadcast(
    uow: UnitOfWork, clock: Clock, *, actor: Authority, segment: Segment, from_chat_id: int, message_id: int
) -> Broadcast:
    """One timed message per recipient, the broadcast's record and its audit entry, in one transaction.

    DuplicateBroadcast when this message already went to this segment: a second tap sends nothing.
    """
    _require(actor)
    recipients = await _recipients(uow, segment, actor.telegram_id)
    if not recipients:
        raise NobodyToTell(segment.code)
    broadcast = Broadcast(actor.telegram_id, segment, from_chat_id, message_id, len(recipients), clock.now())
    await uow.broadcasts.add(broadcast)
    for recipient in recipients:
        await notify(
            uow, clock, kind=BroadcastNotice.COPY, recipient_id=recipient, key=f"{key_prefix(broadcast.id)}{recipient}",
            broadcast_id=broadcast.id, from_chat_id=from_chat_id, message_id=message_id,
        )
    await record(
        uow, clock, actor.telegram_id, BROADCAST_SENT, None,
        broadcast=broadcast.id, segment=segment.code, recipients=len(recipients),
    )
    await uow.commit()
    return broadcast


async def stop_broadcast(uow: UnitOfWork, clock: Clock, *, actor: Authority, broadcast_id: int) -> BroadcastReport:
    """Whatever has not gone out yet will not; what was delivered stays delivered."""
    _require(actor)
    report = await broadcast_report(uow, broadcast_id)
    await cancel_all(uow, key_prefix(broadcast_id))
    await record(uow, clock, actor.telegram_id, BROADCAST_STOPPED, None, broadcast=broadcast_id)
    await uow.commit()
    return await broadcast_report(uow, report.broadcast.id)


async def broadcast_report(uow: UnitOfWork, broadcast_id: int) -> BroadcastReport:
    broadcast = await uow.broadcasts.get(broadcast_id)
    if broadcast is None:
        raise UnknownBroadcast(broadcast_id)
    return BroadcastReport(broadcast, await uow.broadcasts.outcomes(broadcast_id))


async def recent_broadcasts(uow: UnitOfWork) -> list[BroadcastReport]:
    return [BroadcastReport(b, await uow.broadcasts.outcomes(b.id)) for b in await uow.broadcasts.latest(RECENT)]


async def _recipients(uow: UnitOfWork, segment: Segment, author_id: int) -> list[int]:
    # The author has just seen the preview; a copy of their own message would only be noise.
    return [person for person in await uow.broadcasts.recipients(segment) if person != author_id]


def _require(actor: Authority) -> None:
    if not actor.may(Permission.BROADCAST):
        raise NotAllowed(Permission.BROADCAST)
