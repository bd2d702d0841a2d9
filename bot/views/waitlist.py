"""How waitlists read: joining, the notice of an opened time, and "My waitlists"."""
from __future__ import annotations

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.views.matching import windows_text
from bot.views.presenting import local_day, local_moment
from bot.views.therapist_labels import therapist_name
from core.therapists import TherapistProfile
from core.waitlist import WaitlistEntry


def joined_text(entry: WaitlistEntry, therapist: TherapistProfile, zone: str) -> str:
    return "\n".join(
        (
            _("🔔 Done: as soon as a time opens with {name} that suits you ({windows}), I will write.").format(
                name=therapist_name(therapist), windows=windows_text(entry.windows)
            ),
            _waiting_until(entry, zone),
        )
    )


def joined_several_text(entries: list[tuple[WaitlistEntry, TherapistProfile]], zone: str) -> str:
    names = ", ".join(therapist_name(therapist) for _entry, therapist in entries)
    first = entries[0][0]
    return "\n".join(
        (
            _("🔔 Done: as soon as a time opens that suits you ({windows}) with any of them — {names} — I will write.").format(
                windows=windows_text(first.windows), names=names
            ),
            _waiting_until(first, zone),
            _("Booking one of them ends the waiting for the others."),
        )
    )


def time_free_text(therapist: TherapistProfile, nearest_moment: str) -> str:
    return _("No need to wait: {name} has a free time that suits you, {moment}.").format(
        name=therapist_name(therapist), moment=nearest_moment
    )


def opened_text(therapist: TherapistProfile, entry: WaitlistEntry, count: int, *, returned: bool) -> str:
    """The notice: what opened, that nothing is held, and until when the client waits."""
    if returned:
        head = _("🔔 {name} is back from vacation. Free times that suit you:").format(name=therapist_name(therapist))
    else:
        head = ngettext(
            "🔔 {name}: {count} time has opened that suits you.",
            "🔔 {name}: {count} times have opened that suit you.",
            count,
        ).format(name=therapist_name(therapist), count=count)
    return "\n".join(
        (head, _("Nothing is held for anyone: whoever books first takes the time. One tap on it books it."))
    )


def waitlists_text(entries: list[tuple[WaitlistEntry, TherapistProfile]], zone: str) -> str:
    if not entries:
        return _(
            "🔔 You are not waiting for anyone. Where a therapist has no free time that suits you, "
            "«Tell me when a time opens» puts you on their waitlist."
        )
    lines = [
        ngettext("🔔 You wait for a time with {count} therapist:", "🔔 You wait for a time with {count} therapists:", len(entries)).format(
            count=len(entries)
        )
    ]
    for entry, therapist in entries:
        lines.append(
            _("• {name}: {windows}, until {day}").format(
                name=therapist_name(therapist), windows=windows_text(entry.windows), day=local_day(entry.lapses_at, zone)
            )
        )
    return "\n".join(lines)


def _waiting_until(entry: WaitlistEntry, zone: str) -> str:
    return _("You stay on the waitlist until {moment}; join again to wait longer.").format(
        moment=local_moment(entry.lapses_at, zone)
    )
