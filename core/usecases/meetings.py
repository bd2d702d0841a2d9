"""A therapist's meeting place: set in the cabinet, and carried to the sessions already paid."""
from __future__ import annotations

from hashlib import sha256

from core.bookings import Booking, BookingStatus
from core.clock import Clock
from core.notices import Notice
from core.ports import UnitOfWork
from core.therapists import TherapistProfile
from core.usecases.notices import notify


class MeetingNotice(Notice):
    """Where a session happens: bot/notices/meetings.py."""

    CHANGED = "meetings.changed"  # to a client with a paid session ahead: its new link
    # To a therapist with no room of their own on a platform with no video service of its own: please add a link.
    ROOM_WANTED = "meetings.room_wanted"


async def set_meeting_place(uow: UnitOfWork, clock: Clock, therapist_id: int, link: str | None) -> TherapistProfile:
    """A standing room (an https link already checked by core.meetings.valid_link), or None: a fresh room per session.

    Every client with a paid session still ahead is told the link that session now has.
    """
    therapist = await uow.therapists.get(therapist_id, for_update=True)
    if therapist is None:
        raise LookupError(f"no therapist {therapist_id}")
    if therapist.meeting_url == link:
        await uow.rollback()
        return therapist
    therapist.meeting_url = link
    await uow.therapists.save(therapist)
    now = clock.now()
    # One message per change: the moment and the new place tell two changes apart, a repeat of one is one.
    change = f"{int(now.timestamp())}:{sha256((link or '').encode()).hexdigest()[:16]}"
    for booking in await uow.bookings.active_of_therapist(therapist_id):
        if booking.status is BookingStatus.PAID and booking.starts_at > now:
            await notify(
                uow, clock, kind=MeetingNotice.CHANGED, recipient_id=booking.client_id,
                key=f"meeting:{booking.id}:{change}", booking_id=booking.id,
            )
    await uow.commit()
    return therapist


async def ask_for_room(uow: UnitOfWork, clock: Clock, booking: Booking, *, platform_rooms: bool) -> None:
    """A session of a therapist with no room is confirmed, and the platform gives none: ask for their link.

    Asked at the first confirmed session, the earliest moment before one is paid; the key is the
    therapist's, so they are asked once (again only once retention has cleared the old message).
    Joins the caller's transaction.
    """
    if platform_rooms:
        return
    therapist = await uow.therapists.get(booking.therapist_id)
    if therapist is None or therapist.meeting_url:
        return
    await notify(
        uow, clock, kind=MeetingNotice.ROOM_WANTED, recipient_id=therapist.telegram_id,
        key=f"meeting:room-wanted:{therapist.telegram_id}", booking_id=booking.id,
    )
