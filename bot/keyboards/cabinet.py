"""Buttons of the therapist's cabinet and of the profile-change review.

No button names a therapist: each acts on the presser's own profile, so a
forged one can reach nobody else's. Intervals are named by their weekday and
minutes since midnight, vacations by their stable id, bookings by id and version.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import time

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.keyboards.data import ButtonData, SmallId
from bot.views.presenting import weekday_short
from core.profile_changes import ProfileField
from core.schedule import SessionFormat, Vacation, WorkingHours
from core.usecases.working_hours import BREAKS, SESSION_LENGTHS


class Section(ButtonData, prefix="ko"):
    """Open a part of the cabinet: overview, hours, vacation, profile, month, brand, meeting."""

    name: str


# -- weekly hours -------------------------------------------------------------------


class HoursDay(ButtonData, prefix="khd"):
    weekday: int


class HoursAdd(ButtonData, prefix="kha"):
    weekday: int


class HoursLines(ButtonData, prefix="khl"):
    """Type hours for several days at once."""


class HoursCopy(ButtonData, prefix="khy"):
    """A day's hours onto the other days from Monday to Friday."""

    weekday: int


class HoursChange(ButtonData, prefix="khc"):
    weekday: int
    start: int  # minutes since midnight
    end: int


class HoursRemove(ButtonData, prefix="khr"):
    weekday: int
    start: int
    end: int


class FormatView(ButtonData, prefix="khf"):
    pass


class FormatSet(ButtonData, prefix="khs"):
    length: int
    gap: int


class Preview(ButtonData, prefix="khp"):
    pass


def minutes(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def clock_time(value: int) -> time | None:
    """A button's minutes back to a time; None when no time of day has them."""
    return time(value // 60, value % 60) if 0 <= value < 24 * 60 else None


def span(interval: WorkingHours) -> str:
    return f"{interval.start:%H:%M}–{interval.end:%H:%M}"


def week_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for weekday in range(7):
        builder.button(text=weekday_short(weekday), callback_data=HoursDay(weekday=weekday))
    builder.button(text=_("⌨️ Several days in one line"), callback_data=HoursLines())
    builder.button(text=_("⏱ Session length and break"), callback_data=FormatView())
    builder.button(text=_("👀 Free times as clients see them"), callback_data=Preview())
    builder.adjust(4, 3, 1, 1, 1)
    return builder.as_markup()


def day_keyboard(weekday: int, intervals: list[WorkingHours]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for interval in intervals:
        named = {"weekday": weekday, "start": minutes(interval.start), "end": minutes(interval.end)}
        builder.row(
            InlineKeyboardButton(text=_("✏️ {span}").format(span=span(interval)), callback_data=HoursChange(**named).pack()),
            InlineKeyboardButton(text=_("🗑 {span}").format(span=span(interval)), callback_data=HoursRemove(**named).pack()),
        )
    builder.row(InlineKeyboardButton(text=_("➕ Add hours"), callback_data=HoursAdd(weekday=weekday).pack()))
    if intervals:
        builder.row(
            InlineKeyboardButton(text=_("📋 Copy to the other weekdays"), callback_data=HoursCopy(weekday=weekday).pack())
        )
    builder.row(InlineKeyboardButton(text=_("« The week"), callback_data=Section(name="hours").pack()))
    return builder.as_markup()


def format_keyboard(session: SessionFormat) -> InlineKeyboardMarkup:
    length = int(session.length.total_seconds() // 60)
    gap = int(session.gap.total_seconds() // 60)
    builder = InlineKeyboardBuilder()
    builder.row(
        *(
            InlineKeyboardButton(
                text=(_("✓ {minutes} min") if choice == length else _("{minutes} min")).format(minutes=choice),
                callback_data=FormatSet(length=choice, gap=gap).pack(),
            )
            for choice in SESSION_LENGTHS
        )
    )
    builder.row(
        *(
            InlineKeyboardButton(
                text=(_("✓ break {minutes}") if choice == gap else _("break {minutes}")).format(minutes=choice),
                callback_data=FormatSet(length=length, gap=choice).pack(),
            )
            for choice in BREAKS
        )
    )
    builder.row(InlineKeyboardButton(text=_("« The week"), callback_data=Section(name="hours").pack()))
    return builder.as_markup()


def back_to_week() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("« The week"), callback_data=Section(name="hours"))
    return builder.as_markup()


# -- vacations ----------------------------------------------------------------------


class VacationAdd(ButtonData, prefix="kva"):
    pass


class VacationOpen(ButtonData, prefix="kvo"):
    id: SmallId


class VacationDates(ButtonData, prefix="kvd"):
    id: SmallId


class VacationNote(ButtonData, prefix="kvn"):
    id: SmallId


class VacationRemove(ButtonData, prefix="kvr"):
    id: SmallId
    confirmed: bool = False


class VacationVisibility(ButtonData, prefix="kvv"):
    hide: bool


class NoteSkip(ButtonData, prefix="kvs"):
    pass


class InsideVacation(ButtonData, prefix="kvb"):
    """A session booked inside a vacation: keep it, or cancel it for the client, free."""

    booking_id: int
    version: int
    keep: bool


def vacations_keyboard(ahead: list[tuple[Vacation, str]], hide: bool) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for vacation, label in ahead:
        builder.button(text=_("✏️ {dates}").format(dates=label), callback_data=VacationOpen(id=vacation.id))
    builder.button(text=_("➕ Add a vacation"), callback_data=VacationAdd())
    builder.button(
        text=_("👁 Keep my profile visible during vacations") if hide else _("🙈 Hide my profile during vacations"),
        callback_data=VacationVisibility(hide=not hide),
    )
    builder.adjust(1)
    return builder.as_markup()


def vacation_card_keyboard(vacation: Vacation) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("📅 Change the dates"), callback_data=VacationDates(id=vacation.id))
    builder.button(text=_("📝 Change the note"), callback_data=VacationNote(id=vacation.id))
    builder.button(text=_("🗑 Remove"), callback_data=VacationRemove(id=vacation.id))
    builder.button(text=_("« Vacations"), callback_data=Section(name="vacation"))
    builder.adjust(2, 1, 1)
    return builder.as_markup()


def confirm_removal_keyboard(vacation: Vacation) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Yes, remove it"), callback_data=VacationRemove(id=vacation.id, confirmed=True))
    builder.button(text=_("No, keep it"), callback_data=VacationOpen(id=vacation.id))
    builder.adjust(1)
    return builder.as_markup()


def skip_note_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Skip"), callback_data=NoteSkip())
    return builder.as_markup()


def after_vacation_saved(hide: bool) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("👁 Keep my profile visible during vacations") if hide else _("🙈 Hide my profile during vacations"),
        callback_data=VacationVisibility(hide=not hide),
    )
    builder.button(text=_("« Vacations"), callback_data=Section(name="vacation"))
    builder.adjust(1)
    return builder.as_markup()


def inside_vacation_keyboard(sessions: list[tuple[int, int, str]]) -> InlineKeyboardMarkup:
    """A row per undecided session: (booking id, version, its moment and client)."""
    builder = InlineKeyboardBuilder()
    for booking_id, version, label in sessions:
        builder.row(
            InlineKeyboardButton(
                text=_("✖️ Cancel {session}").format(session=label),
                callback_data=InsideVacation(booking_id=booking_id, version=version, keep=False).pack(),
            ),
            InlineKeyboardButton(
                text=_("✅ Keep {session}").format(session=label),
                callback_data=InsideVacation(booking_id=booking_id, version=version, keep=True).pack(),
            ),
        )
    return builder.as_markup()


# -- profile ----------------------------------------------------------------------------


class ProfileEdit(ButtonData, prefix="kpe"):
    field: str


class PickToggle(ButtonData, prefix="kpt"):
    code: str


class PickDone(ButtonData, prefix="kpd"):
    pass


class Accepting(ButtonData, prefix="kpa"):
    on: bool


class MediaOptIn(ButtonData, prefix="kpm"):
    on: bool


def profile_keyboard(accepting: bool) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("✏️ About me"), callback_data=ProfileEdit(field=ProfileField.ABOUT))
    builder.button(text=_("💰 Price"), callback_data=ProfileEdit(field=ProfileField.PRICE))
    builder.button(text=_("💬 Topics"), callback_data=ProfileEdit(field=ProfileField.TOPICS))
    builder.button(text=_("🧭 Approaches"), callback_data=ProfileEdit(field=ProfileField.APPROACHES))
    builder.button(text=_("🖼 Photo"), callback_data=ProfileEdit(field=ProfileField.PHOTO))
    builder.button(text=_("🇬🇧 Name"), callback_data=ProfileEdit(field=ProfileField.NAME_EN))
    builder.button(text=_("🇬🇧 Education"), callback_data=ProfileEdit(field=ProfileField.EDUCATION_EN))
    builder.button(text=_("🇬🇧 About me"), callback_data=ProfileEdit(field=ProfileField.ABOUT_EN))
    if accepting:
        builder.button(text=_("⏸ Pause new clients"), callback_data=Accepting(on=False))
    else:
        builder.button(text=_("▶️ Take new clients again"), callback_data=Accepting(on=True))
    builder.button(text=_("🔗 My link, videos and podcasts"), callback_data=Section(name="brand"))
    builder.adjust(2, 2, 1, 3, 1, 1)
    return builder.as_markup()


def picker_keyboard(options: Mapping[str, object], picked: list[str]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for code, label in options.items():
        mark = "✓ " if code in picked else ""
        builder.button(text=f"{mark}{label}", callback_data=PickToggle(code=code))
    builder.adjust(2)
    builder.row(InlineKeyboardButton(text=_("✅ Done: send for approval"), callback_data=PickDone().pack()))
    return builder.as_markup()


def brand_keyboard(media_opt_in: bool) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    if media_opt_in:
        builder.button(text=_("🚫 Stop taking part in media"), callback_data=MediaOptIn(on=False))
    else:
        builder.button(text=_("🎬 Take part in videos, podcasts and articles"), callback_data=MediaOptIn(on=True))
    builder.button(text=_("« Profile"), callback_data=Section(name="profile"))
    builder.adjust(1)
    return builder.as_markup()


def my_profile_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("« Profile"), callback_data=Section(name="profile"))
    return builder.as_markup()


def cabinet_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("🗓 Hours"), callback_data=Section(name="hours"))
    builder.button(text=_("🏖 Vacation"), callback_data=Section(name="vacation"))
    builder.button(text=_("👤 Profile"), callback_data=Section(name="profile"))
    builder.button(text=_("📊 This month"), callback_data=Section(name="month"))
    builder.button(text=_("🎥 Meeting place"), callback_data=Section(name="meeting"))
    builder.adjust(2)
    return builder.as_markup()


# -- the review of profile changes (staff) ------------------------------------------------


class ChangeList(ButtonData, prefix="pcl"):
    pass


class ChangeOpen(ButtonData, prefix="pco"):
    id: SmallId


class ChangeApprove(ButtonData, prefix="pca"):
    id: SmallId


class ChangeReject(ButtonData, prefix="pcr"):
    id: SmallId
    plain: bool = False  # without a note


def change_list_keyboard(changes: list[tuple[int, str]], turns: list[InlineKeyboardButton]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for change_id, label in changes:
        builder.button(text=label, callback_data=ChangeOpen(id=change_id))
    builder.adjust(1)
    if turns:
        builder.row(*turns)
    return builder.as_markup()


def change_card_keyboard(change_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("✅ Approve"), callback_data=ChangeApprove(id=change_id))
    builder.button(text=_("✖️ Reject"), callback_data=ChangeReject(id=change_id))
    builder.button(text=_("« All changes"), callback_data=ChangeList())
    builder.adjust(2, 1)
    return builder.as_markup()


def reject_plainly_keyboard(change_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Reject without a note"), callback_data=ChangeReject(id=change_id, plain=True))
    builder.button(text=_("« Back to the change"), callback_data=ChangeOpen(id=change_id))
    builder.adjust(1)
    return builder.as_markup()


def open_change_keyboard(change_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Review the change"), callback_data=ChangeOpen(id=change_id))
    return builder.as_markup()
