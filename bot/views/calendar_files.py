"""A paid session as a calendar file (.ics, RFC 5545), for either of its two people.

One event per booking: its UID never changes, so a move is an update of the same
event (SEQUENCE grows with the booking's version) and a cancellation removes it
(METHOD:CANCEL). Times carry the reader's zone (with its VTIMEZONE), so a calendar
shows them right across daylight saving. The title is neutral: the word "session"
and the other person's name as the bot shows it, nothing of what the session is about.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import gettext as _
from icalendar import Calendar, Event

from bot.notices.kinds import Document
from bot.views.therapist_labels import therapist_name
from core.bookings import Booking
from core.conversations import Side
from core.meetings import meeting_link
from core.ports import UnitOfWork

PRODUCT = "-//therapy-bot//sessions//EN"


def event_uid(booking: Booking, public_base_url: str | None) -> str:
    host = urlsplit(public_base_url).hostname if public_base_url else None
    return f"booking-{booking.id}@{host or 'therapy-bot'}"


def file_name(booking: Booking) -> str:
    return f"session-{booking.id}.ics"


def calendar_file(
    booking: Booking,
    *,
    counterpart: str,
    zone: str,
    link: str | None,
    now: datetime,
    public_base_url: str | None,
    cancelled: bool = False,
) -> bytes:
    """The event of this version of the booking, or its cancellation, in the reader's zone and language."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    event = Event()
    event.add("uid", event_uid(booking, public_base_url))
    # A cancellation outranks the last update it cancels; every move raised the version by one.
    event.add("sequence", booking.version if cancelled else booking.version - 1)
    event.add("dtstamp", now)
    local = ZoneInfo(zone)
    event.add("dtstart", booking.starts_at.astimezone(local))
    event.add("dtend", booking.ends_at.astimezone(local))
    event.add("summary", _("Session · {name}").format(name=counterpart))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if link:
        event.add("location", link)
        event.add("url", link)
        event.add("description", _("Video room: {link}").format(link=link))
    calendar.add_component(event)
    # The zone's rules around the session only: enough for any calendar, and a file of a few lines.
    day = booking.starts_at.date()
    calendar.add_missing_timezones(first_date=day - timedelta(days=366), last_date=day + timedelta(days=366))
    return calendar.to_ical()


async def session_file(
    uow: UnitOfWork, booking: Booking, reader_id: int, zone: str, *, now: datetime, base_url: str,
    public_base_url: str | None, cancelled: bool = False,
) -> Document:
    """The session's calendar file for one of its people, in their zone; the caption says what to do with it."""
    therapist = await uow.therapists.get(booking.therapist_id)
    if booking.side_of(reader_id) is Side.CLIENT:
        counterpart = therapist_name(therapist)
    else:
        client = await uow.users.get(booking.client_id)
        counterpart = client.shown_name if client else "—"
    link = None if cancelled else meeting_link(booking, therapist.meeting_url if therapist else None, base_url)
    content = calendar_file(
        booking, counterpart=counterpart, zone=zone, link=link, now=now, public_base_url=public_base_url, cancelled=cancelled
    )
    if cancelled:
        caption = _("📅 The session is cancelled: open the file to take it out of your calendar.")
    elif booking.version > 1:
        caption = _("📅 The session's new time: open the file to update it in your calendar.")
    else:
        caption = _("📅 The session for your calendar: open the file to add it.")
    return Document(file_name(booking), content, caption)
