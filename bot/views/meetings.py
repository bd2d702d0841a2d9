"""Where a session happens, as its two people read it: in the card, after payment, in reminders."""
from __future__ import annotations

from aiogram.utils.i18n import gettext as _

from core.bookings import Booking
from core.conversations import Side
from core.meetings import SHOWS_LINK, meeting_link
from core.therapists import TherapistProfile


def meeting_lines(booking: Booking, side: Side, own_room: str | None, base_url: str) -> str:
    """The session's link for a paid session; for a therapist without one, what to do. Empty before payment."""
    if booking.status not in SHOWS_LINK:
        return ""
    link = meeting_link(booking, own_room, base_url)
    if link:
        return _("🎥 The session's video room: {link}").format(link=link)
    if side is Side.CLIENT:
        return _("🎥 The therapist will send the link to the video room here before the session.")
    return _(
        "🎥 The client has no link to a video room yet: add yours in /cabinet → 🎥 Meeting place, "
        "and every paid session gets it."
    )


def place_line(therapist: TherapistProfile, base_url: str) -> str:
    """The cabinet's one line on where sessions happen."""
    if therapist.meeting_url:
        return _("🎥 Meeting place: your own room, {link}").format(link=therapist.meeting_url)
    if base_url:
        return _("🎥 Meeting place: a fresh private room for every session on {service}.").format(service=base_url)
    return _("🎥 Meeting place: not set. Clients get no link to the session until you add one.")
