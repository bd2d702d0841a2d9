"""Booking a session (or moving one): a day, then a time, in the client's zone, then confirm.

Every button carries what it is about (therapist, start, booking and its
version), so the steps work from any message, after a restart too; the
conversation state only says "buttons expected here" to answer typed text.
"""
from __future__ import annotations

from datetime import datetime

from aiogram import Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.editing import replace_message
from bot.keyboards.booking import (
    Confirm,
    Day,
    Days,
    Time,
    alternatives_keyboard,
    confirm_keyboard,
    day_from_code,
    days_keyboard,
    from_unix,
    times_keyboard,
)
from bot.keyboards.directory import find_again_keyboard
from bot.menus import MENU_ROWS
from bot.settings import Settings
from bot.views.bookings import booking_moment
from bot.views.presenting import day_label, local_moment, local_time, moment_label, money, zone_label
from core.bookings import Booking, BookingRefused, BookingStatus
from core.clock import Clock
from core.ports import UnitOfWork
from core.rules.slots import group_by_local_day
from core.rules.windows import payment_deadline
from core.therapists import TherapistProfile
from core.usecases.booking import (
    AlreadyYours,
    BookingChanged,
    BookingNotFound,
    SlotUnavailable,
    free_times,
    move_booking,
    request_booking,
    session_view,
)
from core.usecases.directory import TherapistUnavailable, listed_therapist
from core.users import User


class BookingFlow(StatesGroup):
    choosing = State()


class _Stop(Exception):
    """The flow cannot go on from this button; the person has been told why."""


def router() -> Router:
    router = Router(name="booking")
    router.callback_query.register(show_days, Days.filter())
    router.callback_query.register(show_times, Day.filter())
    router.callback_query.register(show_confirmation, Time.filter())
    router.callback_query.register(book, Confirm.filter())
    router.message.register(buttons_expected, BookingFlow.choosing)
    return router


async def show_days(
    query: CallbackQuery, callback_data: Days, uow: UnitOfWork, clock: Clock, user: User, settings: Settings, state: FSMContext
) -> None:
    assert isinstance(query.message, Message)
    try:
        therapist, moving = await _subject(query, uow, clock, user, callback_data.therapist_id, callback_data.booking_id, callback_data.version)
    except _Stop:
        return
    free = await free_times(uow, clock, therapist, settings.booking_policy(), moving=moving)
    await query.answer()
    await state.set_state(BookingFlow.choosing)
    await state.update_data(therapist_id=therapist.telegram_id, booking_id=callback_data.booking_id, version=callback_data.version)
    text, markup = _days_view(therapist, moving, free, user, settings, callback_data)
    if callback_data.edit:
        await replace_message(query.message, text, markup)
    else:
        await query.message.answer(text, reply_markup=markup)


async def show_times(
    query: CallbackQuery, callback_data: Day, uow: UnitOfWork, clock: Clock, user: User, settings: Settings
) -> None:
    assert isinstance(query.message, Message)
    try:
        therapist, moving = await _subject(query, uow, clock, user, callback_data.therapist_id, callback_data.booking_id, callback_data.version)
        day = day_from_code(callback_data.day)
    except _Stop:
        return
    except ValueError:
        await query.answer(_("This button is out of date. Please pick again."), show_alert=True)
        return
    free = await free_times(uow, clock, therapist, settings.booking_policy(), moving=moving)
    that_day = group_by_local_day(free, user.timezone).get(day, [])
    await query.answer()
    if not that_day:
        back = Days(therapist_id=therapist.telegram_id, booking_id=callback_data.booking_id, version=callback_data.version, edit=True)
        text, markup = _days_view(therapist, moving, free, user, settings, back)
        await replace_message(query.message, _("No free time is left on that day.") + "\n\n" + text, markup)
        return
    text = _("{day}: choose a time. Times are in your zone, {zone}.").format(
        day=day_label(that_day[0], user.timezone), zone=zone_label(user.timezone, that_day[0])
    )
    await replace_message(query.message, text, times_keyboard(callback_data, that_day, user.timezone))


async def show_confirmation(
    query: CallbackQuery, callback_data: Time, uow: UnitOfWork, clock: Clock, user: User, settings: Settings
) -> None:
    assert isinstance(query.message, Message)
    try:
        therapist, moving = await _subject(query, uow, clock, user, callback_data.therapist_id, callback_data.booking_id, callback_data.version)
        start = from_unix(callback_data.at)
    except _Stop:
        return
    except (ValueError, OverflowError, OSError):
        await query.answer(_("This button is out of date. Please pick again."), show_alert=True)
        return
    policy = settings.booking_policy()
    free = await free_times(uow, clock, therapist, policy, moving=moving)
    await query.answer()
    if start not in free:
        await _offer_alternatives(query.message, therapist, callback_data, free, start, user, lost_race=False)
        return
    await replace_message(
        query.message,
        _confirmation_text(
            therapist, moving, start, user, clock, first=await _is_first(uow, user, therapist, moving), settings=settings
        ),
        confirm_keyboard(callback_data, user.timezone, moving is not None),
    )


async def book(
    query: CallbackQuery,
    callback_data: Confirm,
    uow: UnitOfWork,
    clock: Clock,
    user: User,
    settings: Settings,
    state: FSMContext,
) -> None:
    assert isinstance(query.message, Message)
    try:
        start = from_unix(callback_data.at)
    except (ValueError, OverflowError, OSError):
        await query.answer(_("This button is out of date. Please pick again."), show_alert=True)
        return
    policy = settings.booking_policy()
    try:
        if callback_data.booking_id:
            booking = await move_booking(
                uow,
                clock,
                client_id=user.telegram_id,
                booking_id=callback_data.booking_id,
                version=callback_data.version,
                new_start=start,
                policy=policy,
            )
        else:
            booking = await request_booking(
                uow, clock, client_id=user.telegram_id, therapist_id=callback_data.therapist_id, starts_at=start, policy=policy
            )
    except AlreadyYours as mine:
        await state.clear()
        await query.answer()
        therapist = await uow.therapists.get(mine.booking.therapist_id)
        await replace_message(query.message, already_yours_text(mine.booking, therapist, user))
        return
    except SlotUnavailable as taken:
        await query.answer()
        therapist = await uow.therapists.get(callback_data.therapist_id)
        assert therapist is not None
        chosen = Time(**callback_data.model_dump())
        await _offer_alternatives(query.message, therapist, chosen, taken.next_free, start, user, lost_race=taken.lost_race)
        return
    except (TherapistUnavailable, BookingNotFound, BookingChanged, BookingRefused) as refused:
        await _refuse(query, refused)
        await state.clear()
        return
    await state.clear()
    await query.answer()
    therapist = await uow.therapists.get(booking.therapist_id)
    name = therapist.full_name if therapist else "—"
    chosen = (
        _("🔁 You chose to move the session to {moment}.")
        if callback_data.booking_id
        else _("You chose {moment} with {name}.")
    ).format(moment=booking_moment(booking, user.timezone), name=name)
    await replace_message(query.message, chosen)


async def buttons_expected(message: Message, state: FSMContext, uow: UnitOfWork, clock: Clock, user: User, settings: Settings) -> None:
    """Typed text or a sticker mid-booking: say what is expected and show the days again.

    A command or a main-menu button is someone leaving the booking: it goes where it was meant to.
    """
    if message.text and (message.text.startswith("/") or message.text in menu_labels()):
        await state.clear()
        raise SkipHandler
    data = await state.get_data()
    try:
        therapist = await listed_therapist(uow, clock, therapist_id=int(data.get("therapist_id", 0)))
    except TherapistUnavailable:
        await state.clear()
        await message.answer(_("This therapist is not taking new clients right now."), reply_markup=find_again_keyboard())
        return
    moving = None
    if data.get("booking_id"):
        try:
            moving = (await session_view(uow, clock, person_id=user.telegram_id, booking_id=int(data["booking_id"]))).booking
        except BookingNotFound:
            await state.clear()
            return
    free = await free_times(uow, clock, therapist, settings.booking_policy(), moving=moving)
    base = Days(therapist_id=therapist.telegram_id, booking_id=int(data.get("booking_id", 0)), version=int(data.get("version", 0)))
    text, markup = _days_view(therapist, moving, free, user, settings, base)
    await message.answer(
        _("Please choose with the buttons: first a day, then a time. To stop booking, send /start.") + "\n\n" + text,
        reply_markup=markup,
    )


async def offer_time(
    message: Message,
    therapist: TherapistProfile,
    start: datetime,
    uow: UnitOfWork,
    clock: Clock,
    user: User,
    settings: Settings,
    state: FSMContext,
) -> bool:
    """A time picked on the therapist's web page: its confirmation, as if picked here; False if it is not free now."""
    free = await free_times(uow, clock, therapist, settings.booking_policy())
    if start not in free:
        return False
    await state.set_state(BookingFlow.choosing)
    await state.update_data(therapist_id=therapist.telegram_id, booking_id=0, version=0)
    chosen = Time(therapist_id=therapist.telegram_id, at=int(start.timestamp()))
    text = _confirmation_text(
        therapist, None, start, user, clock, first=await _is_first(uow, user, therapist, None), settings=settings
    )
    await message.answer(text, reply_markup=confirm_keyboard(chosen, user.timezone, False))
    return True


def already_yours_text(booking: Booking, therapist: TherapistProfile | None, user: User) -> str:
    """The client asked for a time they already hold: it is theirs, how it stands, and where to find it."""
    values = {"name": therapist.full_name if therapist else "—", "moment": booking_moment(booking, user.timezone)}
    if booking.status is BookingStatus.REQUESTED:
        return _(
            "This time is already yours — {name}, {moment}: your request waits for the therapist's answer. "
            "You will find it in 📅 My sessions."
        ).format(**values)
    if booking.status is BookingStatus.AWAITING_PAYMENT:
        return _(
            "This time is already yours — {name}, {moment}: the session waits for your payment. "
            "You will find it in 📅 My sessions."
        ).format(**values)
    return _(
        "This time is already yours — {name}, {moment}: the session is paid. You will find it in 📅 My sessions."
    ).format(**values)


# -- inside ------------------------------------------------------------------------


def menu_labels() -> set[str]:
    """The main-menu buttons of every role, in the reader's language."""
    return {str(label) for rows in MENU_ROWS.values() for row in rows for label in row}


async def _subject(
    query: CallbackQuery, uow: UnitOfWork, clock: Clock, user: User, therapist_id: int, booking_id: int, version: int
) -> tuple[TherapistProfile, Booking | None]:
    """The therapist to book, and the booking being moved if any: checked for this person, now."""
    if not booking_id:
        if therapist_id == user.telegram_id:
            await _refuse(query, BookingRefused("own_profile"))
            raise _Stop
        try:
            return await listed_therapist(uow, clock, therapist_id=therapist_id), None
        except TherapistUnavailable as refused:
            await _refuse(query, refused)
            raise _Stop from None
    try:
        view = await session_view(uow, clock, person_id=user.telegram_id, booking_id=booking_id)
    except BookingNotFound as refused:
        await _refuse(query, refused)
        raise _Stop from None
    booking = view.booking
    if booking.version != version:
        await _refuse(query, BookingChanged(booking))
        raise _Stop
    if booking.client_id != user.telegram_id or not booking.can_move(clock.now()):
        await _refuse(query, BookingRefused("move_not_allowed"))
        raise _Stop
    therapist = await uow.therapists.get(booking.therapist_id)
    assert therapist is not None
    return therapist, booking


async def _refuse(query: CallbackQuery, refused: Exception) -> None:
    if isinstance(refused, TherapistUnavailable):
        text = _("This therapist is not taking new clients right now.")
    elif isinstance(refused, BookingNotFound):
        text = _("This session was not found among yours.")
    elif isinstance(refused, BookingChanged):
        text = _("This session has changed since this button was made. Open 📅 My sessions for how it stands now.")
    elif isinstance(refused, BookingRefused) and refused.reason == "own_profile":
        text = _("This is your own profile: you cannot book a session with yourself.")
    else:
        text = _(
            "This session can no longer be moved: less than 24 hours are left, or it is no longer active. "
            "Open 📅 My sessions for what can be done now."
        )
    await query.answer(text, show_alert=True)


def _days_view(
    therapist: TherapistProfile, moving: Booking | None, free: list[datetime], user: User, settings: Settings, base: Days
) -> tuple[str, InlineKeyboardMarkup | None]:
    if not free:
        return (
            _("{name} has no free time in the next {days} days. Try another therapist.").format(
                name=therapist.full_name, days=settings.booking_horizon_days
            ),
            find_again_keyboard(),
        )
    firsts = [slots[0] for slots in group_by_local_day(free, user.timezone).values()]
    if moving is not None:
        head = _("Moving your session with {name} from {moment}.").format(
            name=therapist.full_name, moment=booking_moment(moving, user.timezone)
        )
    else:
        head = _("A session with {name}, {price}.").format(name=therapist.full_name, price=money(therapist.price_minor))
    text = head + "\n" + _("Choose a day. Times are shown in your time zone, {zone}.").format(zone=zone_label(user.timezone, free[0]))
    if not user.timezone_chosen:
        text += "\n" + _("Not your zone? Change it with /timezone first.")
    return text, days_keyboard(base, firsts, user.timezone)


async def _is_first(uow: UnitOfWork, user: User, therapist: TherapistProfile, moving: Booking | None) -> bool:
    return moving is None and not await uow.bookings.ever_confirmed(user.telegram_id, therapist.telegram_id)


def _confirmation_text(
    therapist: TherapistProfile,
    moving: Booking | None,
    start: datetime,
    user: User,
    clock: Clock,
    *,
    first: bool,
    settings: Settings,
) -> str:
    zone = user.timezone
    therapist_time = local_time(start, therapist.timezone)
    lines = [
        _("Session with {name}").format(name=therapist.full_name),
        _("🗓 {moment}").format(moment=moment_label(start, zone)),
        _("💰 {price} per 50-minute session").format(price=money(therapist.price_minor)),
    ]
    if therapist.timezone != zone:
        lines.append(_("For {name} it is {time} ({zone}).").format(name=therapist.full_name, time=therapist_time, zone=zone_label(therapist.timezone, start)))
    if moving is not None:
        lines.append(_("Instead of {moment}.").format(moment=booking_moment(moving, zone)))
        if moving.paid_at is None:
            lines.append(_pay_by(start, clock, zone))
    elif first:
        hours = settings.booking_request_ttl_hours
        lines.append(
            ngettext(
                "This is your first session with {name}, so it is a request: they answer within {count} hour. "
                "You pay once it is confirmed.",
                "This is your first session with {name}, so it is a request: they answer within {count} hours. "
                "You pay once it is confirmed.",
                hours,
            ).format(name=therapist.full_name, count=hours)
        )
    else:
        lines.append(_pay_by(start, clock, zone))
    return "\n".join(lines)


def _pay_by(start: datetime, clock: Clock, zone: str) -> str:
    deadline = payment_deadline(start, clock.now())
    return _("Pay by {moment}; an unpaid session is cancelled then.").format(moment=local_moment(deadline, zone))


async def _offer_alternatives(
    message: Message,
    therapist: TherapistProfile,
    chosen: Time,
    free: list[datetime],
    wanted: datetime,
    user: User,
    *,
    lost_race: bool,
) -> None:
    later = [start for start in free if start > wanted] or free
    head = (
        _("Sorry, someone has just booked this time.")
        if lost_race
        else _("This time is no longer free.")
    )
    if not later:
        await replace_message(message, head + " " + _("{name} has no other free time now.").format(name=therapist.full_name), find_again_keyboard())
        return
    await replace_message(
        message,
        head + " " + _("The next free times with {name}:").format(name=therapist.full_name),
        alternatives_keyboard(therapist.telegram_id, chosen.booking_id, chosen.version, later[:6], user.timezone),
    )
