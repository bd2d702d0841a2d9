"""How the cabinet reads: days, vacations, profile fields and their values, the profile's state."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __
from aiogram.utils.i18n import ngettext

from bot.views.lengths import clip
from bot.views.presenting import calendar_day, money
from bot.views.therapist_labels import APPROACHES, TOPICS, labels
from core.profile_changes import ProfileField
from core.schedule import Vacation
from core.therapists import TherapistProfile
from core.usecases.cabinet import vacation_today

FIELD_NAMES = {
    ProfileField.ABOUT: __("About me"),
    ProfileField.PRICE: __("Price"),
    ProfileField.TOPICS: __("Topics"),
    ProfileField.APPROACHES: __("Approaches"),
    ProfileField.PHOTO: __("Photo"),
    ProfileField.NAME_EN: __("Name in English"),
    ProfileField.EDUCATION_EN: __("Education in English"),
    ProfileField.ABOUT_EN: __("About me in English"),
}
VALUE_PREVIEW = 1500  # the longest text about oneself the questionnaire allows: an admin reads it whole


def vacation_dates(vacation: Vacation) -> str:
    if vacation.first_day == vacation.last_day:
        return calendar_day(vacation.first_day)
    return _("{first} – {last}").format(first=calendar_day(vacation.first_day), last=calendar_day(vacation.last_day))


def field_name(field: ProfileField) -> str:
    return str(FIELD_NAMES[field])


def shown_value(field: ProfileField, value: Any) -> str:
    """A field's value as an admin or the therapist reads it in a message (a photo is sent on its own)."""
    if field is ProfileField.PRICE:
        return money(int(value))
    if field is ProfileField.TOPICS:
        return labels(TOPICS, value)
    if field is ProfileField.APPROACHES:
        return labels(APPROACHES, value)
    if field is ProfileField.PHOTO:
        return _("a photo") if value else _("no photo")
    if value is None:  # an English text not given yet
        return "—"
    return clip(str(value), VALUE_PREVIEW)


def waiting_line(count: int) -> str:
    """How many clients wait for a time to open with the therapist (never who); "" when nobody does."""
    if not count:
        return ""
    return ngettext(
        "🔔 {count} client waits for a free time with you: each hears at once when one opens.",
        "🔔 {count} clients wait for a free time with you: each hears at once when one opens.",
        count,
    ).format(count=count)


def profile_state(profile: TherapistProfile, now: datetime) -> str:
    """One line on whether clients find the therapist now, and why not."""
    if profile.hidden:
        return _("🙈 Hidden by the platform's team: clients don't see your profile now. Questions: /support")
    if not profile.accepting_clients:
        return _(
            "⏸ Paused: you are not listed and nobody can book a new session. Sessions already booked stay."
        )
    away_until = vacation_today(profile, now)
    if away_until is not None:
        if profile.hide_during_vacation:
            return _("🏖 On vacation until {day}: your profile is hidden meanwhile.").format(day=calendar_day(away_until))
        return _("🏖 On vacation until {day}: your profile stays visible, but nobody can book these days.").format(
            day=calendar_day(away_until)
        )
    return _("🟢 Live: clients find you in the directory and can book a session.")
