"""Buttons of booking and of "My sessions".

A button about a booking names its version: once the booking moves, its old
buttons are recognised as stale instead of acting on the new time.
"""
from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.keyboards.data import ButtonData
from bot.keyboards.payments import payment_buttons
from bot.views.presenting import day_label, local_time, moment_label
from core.bookings import Action, BookingStatus
from core.conversations import Side
from core.usecases.booking import SessionView
from core.usecases.coming_back import bookable_again

DAYS_PER_PAGE = 12


class Days(ButtonData, prefix="bd"):
    """Choose a day with a therapist; with a booking id, to move that booking."""

    therapist_id: int
    booking_id: int = 0
    version: int = 0
    page: int = 0
    edit: bool = False  # turn this message into the picker, instead of sending a new one


class Day(ButtonData, prefix="bday"):
    therapist_id: int
    day: int  # the reader's local date as yyyymmdd
    booking_id: int = 0
    version: int = 0


class Time(ButtonData, prefix="bt"):
    therapist_id: int
    at: int  # the start, in Unix seconds
    booking_id: int = 0
    version: int = 0


class Confirm(ButtonData, prefix="bc"):
    therapist_id: int
    at: int
    booking_id: int = 0
    version: int = 0


class RequestTopic(ButtonData, prefix="brt"):
    """A topic switched on or off in a first request; the therapist and time say which request."""

    therapist_id: int
    at: int
    topic: str


class RequestTopicsDone(ButtonData, prefix="brd"):
    therapist_id: int
    at: int


class RequestNote(ButtonData, prefix="brn"):
    """The note step answered by a button: without a note, or with the one sent last time."""

    therapist_id: int
    at: int
    earlier: bool = False


class RequestName(ButtonData, prefix="brm"):
    """The client chose to show their Telegram first name."""

    therapist_id: int
    at: int


class SessionList(ButtonData, prefix="sl"):
    page: int = 0


class SessionOpen(ButtonData, prefix="so"):
    booking_id: int


class SessionCalendar(ButtonData, prefix="sc"):
    """The paid session's calendar file, sent again."""

    booking_id: int


class BookAgain(ButtonData, prefix="ra"):
    """After a past session: the same time a week on, or the nearest free times (bot/handlers/coming_back.py)."""

    booking_id: int


class SessionAsk(ButtonData, prefix="sq"):
    """Show what an action would mean and ask to confirm it."""

    booking_id: int
    version: int
    action: Action


class SessionDo(ButtonData, prefix="sd"):
    booking_id: int
    version: int
    action: Action
    free: bool = False  # for a cancellation: the terms the person agreed to


def day_code(day: date) -> int:
    return day.year * 10_000 + day.month * 100 + day.day


def day_from_code(code: int) -> date:
    return date(code // 10_000, code // 100 % 100, code % 100)


def unix(moment: datetime) -> int:
    return int(moment.timestamp())


def from_unix(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def packed(kind: type[ButtonData], *values: int) -> str:
    """`kind(...).pack()` for whole-number fields given in their order, without a model per button.

    A picker holds dozens of buttons: building, validating and dumping a pydantic model for each was a
    seventh of a booking step's time. `tests/unit/test_booking_buttons.py` holds it to `pack()`.
    """
    return kind.__separator__.join((kind.__prefix__, *map(str, values)))


def days_keyboard(base: Days, first_slots: list[datetime], zone: str) -> InlineKeyboardMarkup:
    """One button per day that has a free time; `first_slots` holds each day's first one."""
    pages = max((len(first_slots) + DAYS_PER_PAGE - 1) // DAYS_PER_PAGE, 1)
    page = min(max(base.page, 0), pages - 1)
    local = ZoneInfo(zone)
    buttons = [
        InlineKeyboardButton(
            text=day_label(slot, zone),
            callback_data=packed(Day, base.therapist_id, day_code(slot.astimezone(local).date()), base.booking_id, base.version),
        )
        for slot in first_slots[page * DAYS_PER_PAGE : (page + 1) * DAYS_PER_PAGE]
    ]
    rows = [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
    nav = []
    turn = {"therapist_id": base.therapist_id, "booking_id": base.booking_id, "version": base.version, "edit": True}
    if page > 0:
        nav.append(_button(_("‹ Earlier"), Days(**turn, page=page - 1)))
    if page < pages - 1:
        nav.append(_button(_("Later ›"), Days(**turn, page=page + 1)))
    if nav:
        rows.append(nav)
    return InlineKeyboardMarkup(inline_keyboard=rows)


def times_keyboard(base: Day, slots: list[datetime], zone: str) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(
            text=local_time(slot, zone), callback_data=packed(Time, base.therapist_id, unix(slot), base.booking_id, base.version)
        )
        for slot in slots
    ]
    rows = [buttons[i : i + 4] for i in range(0, len(buttons), 4)]
    rows.append([_button(_("‹ Other day"), _days(base.therapist_id, base.booking_id, base.version))])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def alternatives_keyboard(therapist_id: int, booking_id: int, version: int, slots: list[datetime], zone: str) -> InlineKeyboardMarkup:
    """The next free times, offered to someone whose time was just taken."""
    builder = InlineKeyboardBuilder()
    for slot in slots:
        builder.button(
            text=moment_label(slot, zone),
            callback_data=Time(therapist_id=therapist_id, at=unix(slot), booking_id=booking_id, version=version),
        )
    builder.adjust(1)
    builder.row(_button(_("📅 Other days"), _days(therapist_id, booking_id, version)))
    return builder.as_markup()


def confirm_keyboard(chosen: Time, zone: str, moving: bool) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("✅ Move here") if moving else _("✅ Book"),
        callback_data=Confirm(**chosen.model_dump()),
    )
    day = from_unix(chosen.at).astimezone(ZoneInfo(zone)).date()
    builder.button(
        text=_("‹ Other time"),
        callback_data=Day(
            therapist_id=chosen.therapist_id, day=day_code(day), booking_id=chosen.booking_id, version=chosen.version
        ),
    )
    builder.adjust(1)
    return builder.as_markup()


ACTION_LABELS = {
    Action.ACCEPT: __("✅ Accept"),
    Action.DECLINE: __("✖️ Decline"),
    Action.CANCEL: __("✖️ Cancel the session"),
    Action.MOVE: __("🔁 Move to another time"),
    Action.NO_SHOW: __("🚫 Client did not come"),
}


def request_topics_keyboard(
    therapist_id: int, at: int, offered: list[str], chosen: list[str], names: dict[str, str]
) -> InlineKeyboardMarkup:
    """The therapist's topics as toggles (a chosen one ticked), and Done."""
    builder = InlineKeyboardBuilder()
    for topic in offered:
        mark = "✅ " if topic in chosen else ""
        builder.button(
            text=mark + names.get(topic, topic), callback_data=RequestTopic(therapist_id=therapist_id, at=at, topic=topic)
        )
    builder.adjust(2)
    builder.row(_button(_("✔️ Done"), RequestTopicsDone(therapist_id=therapist_id, at=at)))
    return builder.as_markup()


def request_note_keyboard(therapist_id: int, at: int, *, earlier: bool) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    if earlier:
        builder.button(text=_("📝 Same note as last time"), callback_data=RequestNote(therapist_id=therapist_id, at=at, earlier=True))
    builder.button(text=_("Skip"), callback_data=RequestNote(therapist_id=therapist_id, at=at))
    builder.adjust(1)
    return builder.as_markup()


def request_name_keyboard(therapist_id: int, at: int, telegram_name: str | None) -> InlineKeyboardMarkup | None:
    """The Telegram first name, offered only as a choice the client makes."""
    if telegram_name is None:
        return None
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("Show my Telegram name: {name}").format(name=telegram_name),
        callback_data=RequestName(therapist_id=therapist_id, at=at),
    )
    return builder.as_markup()


def session_actions_keyboard(view: SessionView, *, back: bool = True) -> InlineKeyboardMarkup:
    booking = view.booking
    builder = InlineKeyboardBuilder()
    for action in view.actions:
        text = str(ACTION_LABELS[action])
        if action in (Action.ACCEPT, Action.DECLINE):
            data: CallbackData = SessionDo(booking_id=booking.id, version=booking.version, action=action)
        elif action is Action.MOVE:
            data = Days(therapist_id=booking.therapist_id, booking_id=booking.id, version=booking.version, edit=True)
        else:
            data = SessionAsk(booking_id=booking.id, version=booking.version, action=action)
        builder.row(_button(text, data))
    for button in payment_buttons(view):  # payments: pay now, or ask for a refund
        builder.row(button)
    if booking.status is BookingStatus.PAID:
        builder.row(_button(_("📅 Add to calendar"), SessionCalendar(booking_id=booking.id)))
    if view.side is Side.CLIENT and bookable_again(booking):
        builder.row(_button(_("🔁 Book again"), BookAgain(booking_id=booking.id)))
    if back:
        builder.row(_button(_("‹ All sessions"), SessionList()))
    return builder.as_markup()


def request_keyboard(booking_id: int, version: int) -> InlineKeyboardMarkup:
    """The therapist's one-tap answer to a new client's request."""
    builder = InlineKeyboardBuilder()
    for action in (Action.ACCEPT, Action.DECLINE):
        builder.button(
            text=str(ACTION_LABELS[action]),
            callback_data=SessionDo(booking_id=booking_id, version=version, action=action),
        )
    return builder.as_markup()


def confirm_action_keyboard(booking_id: int, version: int, action: Action, yes: str, *, free: bool = False) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=yes, callback_data=SessionDo(booking_id=booking_id, version=version, action=action, free=free))
    builder.button(text=_("‹ Back"), callback_data=SessionOpen(booking_id=booking_id))
    builder.adjust(1)
    return builder.as_markup()


def no_show_keyboard(booking_id: int, version: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=str(ACTION_LABELS[Action.NO_SHOW]),
        callback_data=SessionAsk(booking_id=booking_id, version=version, action=Action.NO_SHOW),
    )
    return builder.as_markup()


def sessions_keyboard(
    views: list[SessionView], zone: str, page: int, pages: int, *, everything: list[SessionView] | None = None
) -> InlineKeyboardMarkup:
    """The page's sessions; on the first page, "book again" with each therapist the client has met and booked no more."""
    builder = InlineKeyboardBuilder()
    for view in views:
        builder.row(
            _button(
                f"{moment_label(view.booking.starts_at, zone)} · {view.counterpart_name}",
                SessionOpen(booking_id=view.booking.id),
            )
        )
    if page == 0:
        for view in _met_and_not_booked(everything or views):
            builder.row(
                _button(_("🔁 Book again: {name}").format(name=view.counterpart_name), BookAgain(booking_id=view.booking.id))
            )
    nav = []
    if page > 0:
        nav.append(_button(_("‹ Earlier"), SessionList(page=page - 1)))
    if page < pages - 1:
        nav.append(_button(_("Later ›"), SessionList(page=page + 1)))
    if nav:
        builder.row(*nav)
    return builder.as_markup()


def _met_and_not_booked(views: list[SessionView]) -> list[SessionView]:
    """The client's latest past session with each therapist they hold no active booking with."""
    booked = {view.booking.therapist_id for view in views if view.side is Side.CLIENT and view.booking.active}
    latest: dict[int, SessionView] = {}
    for view in views:
        booking = view.booking
        if view.side is Side.CLIENT and bookable_again(booking) and booking.therapist_id not in booked:
            if booking.therapist_id not in latest or latest[booking.therapist_id].booking.starts_at < booking.starts_at:
                latest[booking.therapist_id] = view
    return sorted(latest.values(), key=lambda view: view.booking.starts_at, reverse=True)


def _days(therapist_id: int, booking_id: int, version: int) -> Days:
    return Days(therapist_id=therapist_id, booking_id=booking_id, version=version, edit=True)


def _button(text: str, data: CallbackData) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data.pack())
