"""Picking a time (or a new time for a session being moved): a day, then a time, in the client's zone, then «Book».

The first of booking's two conversations; the second, what a booking needs before it goes out (a
first session's topics and note, the name therapists see), is `bot/flows/request.py`. Both hold
one typed draft (`BookingDraft`). Every button carries what it is about (therapist, start, booking
and its version), so the steps work from any message, after a restart too; the conversation state
says "buttons expected here" to answer typed text, and holds the request as far as it is made, so
bad input or a lost time loses none of it.
"""
from __future__ import annotations

from datetime import datetime

from aiogram import Router
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from pydantic import BaseModel

from bot.access import OpenRouter
from bot.conversation import Draft, Leave, Reply, Step, settle
from bot.editing import replace_message
from bot.keyboards.booking import (
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
from bot.middlewares.callback_answer import alert, out_of_date
from bot.settings import Settings
from bot.views.bookings import booking_moment
from bot.views.presenting import day_label, local_moment, local_time, moment_label, money, zone_label
from bot.views.therapist_labels import therapist_name
from core.bookings import Booking, BookingRefused, BookingStatus
from core.clock import Clock
from core.platform_rules import FREE_CANCELLATION_HOURS
from core.ports import UnitOfWork
from core.rules.slots import group_by_local_day
from core.rules.windows import answer_deadline, payment_deadline
from core.therapists import TherapistProfile
from core.usecases.booking import BookingChanged, BookingNotFound, free_times, session_view
from core.usecases.directory import TherapistUnavailable, listed_therapist
from core.users import User


class PickingTime(StatesGroup):
    choosing = State()  # buttons expected: typed text shows the days again


class FirstRequest(BaseModel):
    """A new booking's request as far as the client has made it."""

    therapist_id: int
    at: int
    topics: list[str]
    note: str | None = None
    noted: bool = False  # the note step is answered (a note, or none)
    earlier_note: str | None = None  # the note of the client's last request to this therapist, to offer again

    def matches(self, therapist_id: int, at: int) -> bool:
        return (self.therapist_id, self.at) == (therapist_id, at)


class BookingDraft(Draft):
    """Both booking conversations' draft: whose time is picked, and what the booking holds so far."""

    therapist_id: int
    booking_id: int = 0  # the session being moved, with its version
    version: int = 0
    request: FirstRequest | None = None  # kept while other times are picked: «Book» elsewhere sends it as it is
    naming_at: int = 0  # the time the name is asked for (the request's last step)

    def request_for(self, therapist_id: int) -> FirstRequest | None:
        request = self.request
        return request if request is not None and request.therapist_id == therapist_id else None


class Stop(Exception):
    """The flow cannot go on from this button; the person has been told why."""


def router() -> Router:
    router = OpenRouter(name="booking")
    router.callback_query.register(show_days, Days.filter())
    router.callback_query.register(show_times, Day.filter())
    router.callback_query.register(show_confirmation, Time.filter())
    CHOOSING.register(router)
    return router


async def picking(state: FSMContext, therapist_id: int, booking_id: int, version: int, request: FirstRequest | None) -> None:
    """Choosing a time now: a request made so far stays in the draft."""
    draft = BookingDraft(therapist_id=therapist_id, booking_id=booking_id, version=version, request=request)
    await settle(state, PickingTime.choosing, draft)


async def show_days(
    query: CallbackQuery, message: Message, callback_data: Days, uow: UnitOfWork, clock: Clock, user: User, settings: Settings, state: FSMContext, callback_answer: CallbackAnswer
) -> None:
    try:
        therapist, moving = await subject(uow, clock, user, callback_data.therapist_id, callback_data.booking_id, callback_data.version, callback_answer=callback_answer)
    except Stop:
        return
    free = await free_times(uow, clock, therapist, settings.booking_policy(), moving=moving)
    kept = await BookingDraft.load(state)
    await picking(state, therapist.telegram_id, callback_data.booking_id, callback_data.version, kept.request if kept else None)
    text, markup = _days_view(therapist, moving, free, user, settings, callback_data)
    if callback_data.edit:
        await replace_message(message, text, markup)
    else:
        await message.answer(text, reply_markup=markup)


async def show_times(
    query: CallbackQuery, message: Message, callback_data: Day, uow: UnitOfWork, clock: Clock, user: User, settings: Settings, callback_answer: CallbackAnswer
) -> None:
    try:
        therapist, moving = await subject(uow, clock, user, callback_data.therapist_id, callback_data.booking_id, callback_data.version, callback_answer=callback_answer)
        day = day_from_code(callback_data.day)
    except Stop:
        return
    except ValueError:
        out_of_date(callback_answer)
        return
    free = await free_times(uow, clock, therapist, settings.booking_policy(), moving=moving)
    that_day = group_by_local_day(free, user.timezone).get(day, [])
    if not that_day:
        back = Days(therapist_id=therapist.telegram_id, booking_id=callback_data.booking_id, version=callback_data.version, edit=True)
        text, markup = _days_view(therapist, moving, free, user, settings, back)
        await replace_message(message, _("No free time is left on that day.") + "\n\n" + text, markup)
        return
    text = _("{day}: choose a time. Times are in your zone, {zone}.").format(
        day=day_label(that_day[0], user.timezone), zone=zone_label(user.timezone, that_day[0])
    )
    await replace_message(message, text, times_keyboard(callback_data, that_day, user.timezone))


async def show_confirmation(
    query: CallbackQuery, message: Message, callback_data: Time, uow: UnitOfWork, clock: Clock, user: User, settings: Settings, callback_answer: CallbackAnswer
) -> None:
    try:
        therapist, moving = await subject(uow, clock, user, callback_data.therapist_id, callback_data.booking_id, callback_data.version, callback_answer=callback_answer)
        start = from_unix(callback_data.at)
    except Stop:
        return
    except (ValueError, OverflowError, OSError):
        out_of_date(callback_answer)
        return
    free = await free_times(uow, clock, therapist, settings.booking_policy(), moving=moving)
    if start not in free:
        await offer_alternatives(Reply(message, callback_answer), therapist, callback_data, free, start, user, lost_race=False)
        return
    await replace_message(
        message,
        _confirmation_text(
            therapist, moving, start, user, clock, first=await _is_first(uow, user, therapist, moving), settings=settings
        ),
        confirm_keyboard(callback_data, user.timezone, moving is not None),
    )


async def _buttons_expected(draft: BookingDraft, uow: UnitOfWork, clock: Clock, user: User, settings: Settings) -> tuple[str, InlineKeyboardMarkup | None]:
    """Typed text or a sticker mid-booking: say what is expected and show the days again."""
    try:
        therapist = await listed_therapist(uow, clock, therapist_id=draft.therapist_id)
    except TherapistUnavailable:
        raise Leave(_("This therapist is not taking new clients right now."), find_again_keyboard()) from None
    moving = None
    if draft.booking_id:
        try:
            moving = (await session_view(uow, clock, person_id=user.telegram_id, booking_id=draft.booking_id, language=user.locale)).booking
        except BookingNotFound:
            raise Leave(_("This session was not found among yours.")) from None
    free = await free_times(uow, clock, therapist, settings.booking_policy(), moving=moving)
    base = Days(therapist_id=therapist.telegram_id, booking_id=draft.booking_id, version=draft.version)
    text, markup = _days_view(therapist, moving, free, user, settings, base)
    return _("Please choose with the buttons: first a day, then a time. To stop booking, send /start.") + "\n\n" + text, markup


def left_unfinished() -> tuple[str, InlineKeyboardMarkup | None]:
    return _("This booking was left unfinished. Please choose a time again."), find_again_keyboard()


CHOOSING = Step(PickingTime.choosing, BookingDraft, expected=_buttons_expected, lost=left_unfinished)


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
    kept = await BookingDraft.load(state)
    await picking(state, therapist.telegram_id, 0, 0, kept.request if kept else None)
    chosen = Time(therapist_id=therapist.telegram_id, at=int(start.timestamp()))
    text = _confirmation_text(
        therapist, None, start, user, clock, first=await _is_first(uow, user, therapist, None), settings=settings
    )
    await message.answer(text, reply_markup=confirm_keyboard(chosen, user.timezone, False))
    return True


def already_yours_text(booking: Booking, therapist: TherapistProfile | None, user: User) -> str:
    """The client asked for a time they already hold: it is theirs, how it stands, and where to find it."""
    values = {"name": therapist_name(therapist), "moment": booking_moment(booking, user.timezone)}
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


async def subject(
    uow: UnitOfWork, clock: Clock, user: User, therapist_id: int, booking_id: int, version: int, callback_answer: CallbackAnswer
) -> tuple[TherapistProfile, Booking | None]:
    """The therapist to book, and the booking being moved if any: checked for this person, now."""
    if not booking_id:
        if therapist_id == user.telegram_id:
            alert(callback_answer, refusal(BookingRefused("own_profile")))
            raise Stop
        try:
            return await listed_therapist(uow, clock, therapist_id=therapist_id), None
        except TherapistUnavailable as refused:
            alert(callback_answer, refusal(refused))
            raise Stop from None
    try:
        view = await session_view(uow, clock, person_id=user.telegram_id, booking_id=booking_id, language=user.locale)
    except BookingNotFound as refused:
        alert(callback_answer, refusal(refused))
        raise Stop from None
    booking = view.booking
    if booking.version != version:
        alert(callback_answer, refusal(BookingChanged(booking)))
        raise Stop
    if booking.client_id != user.telegram_id or not booking.can_move(clock.now()):
        alert(callback_answer, refusal(BookingRefused("move_not_allowed")))
        raise Stop
    therapist = await uow.therapists.get(booking.therapist_id)
    assert therapist is not None
    return therapist, booking


def refusal(refused: Exception) -> str:
    if isinstance(refused, TherapistUnavailable):
        text = _("This therapist is not taking new clients right now.")
    elif isinstance(refused, BookingNotFound):
        text = _("This session was not found among yours.")
    elif isinstance(refused, BookingChanged):
        text = _("This session has changed since this button was made. Open 📅 My sessions for how it stands now.")
    elif isinstance(refused, BookingRefused) and refused.reason == "own_profile":
        text = _("This is your own profile: you cannot book a session with yourself.")
    else:
        text = ngettext(
            "This session can no longer be moved: less than {hours} hour is left, or it is no longer active. "
            "Open 📅 My sessions for what can be done now.",
            "This session can no longer be moved: less than {hours} hours are left, or it is no longer active. "
            "Open 📅 My sessions for what can be done now.",
            FREE_CANCELLATION_HOURS,
        ).format(hours=FREE_CANCELLATION_HOURS)
    return text


def _days_view(
    therapist: TherapistProfile, moving: Booking | None, free: list[datetime], user: User, settings: Settings, base: Days
) -> tuple[str, InlineKeyboardMarkup | None]:
    if not free:
        return (
            _("{name} has no free time in the next {days} days. Try another therapist.").format(
                name=therapist_name(therapist), days=settings.booking_horizon_days
            ),
            find_again_keyboard(),
        )
    firsts = [slots[0] for slots in group_by_local_day(free, user.timezone).values()]
    if moving is not None:
        head = _("Moving your session with {name} from {moment}.").format(
            name=therapist_name(therapist), moment=booking_moment(moving, user.timezone)
        )
    else:
        head = _("A session with {name}, {price}.").format(name=therapist_name(therapist), price=money(therapist.price_minor))
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
        _("Session with {name}").format(name=therapist_name(therapist)),
        _("🗓 {moment}").format(moment=moment_label(start, zone)),
        _("💰 {price} per 50-minute session").format(price=money(therapist.price_minor)),
    ]
    if therapist.timezone != zone:
        lines.append(_("For {name} it is {time} ({zone}).").format(name=therapist_name(therapist), time=therapist_time, zone=zone_label(therapist.timezone, start)))
    if moving is not None:
        lines.append(_("Instead of {moment}.").format(moment=booking_moment(moving, zone)))
        if moving.paid_at is None:
            lines.append(_pay_by(start, clock, zone))
    elif first:
        answer_by = answer_deadline(start, clock.now(), settings.booking_policy().request_ttl)
        lines.append(
            _(
                "This is your first session with {name}, so it is a request: they answer by {deadline}. "
                "You pay once it is confirmed."
            ).format(name=therapist_name(therapist), deadline=local_moment(answer_by, zone))
        )
        lines.append(_("Next, in a few taps: what you would like to work on."))
    else:
        lines.append(_pay_by(start, clock, zone))
    return "\n".join(lines)


def _pay_by(start: datetime, clock: Clock, zone: str) -> str:
    deadline = payment_deadline(start, clock.now())
    return _("Pay by {moment}; an unpaid session is cancelled then.").format(moment=local_moment(deadline, zone))


async def offer_alternatives(
    reply: Reply,
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
        await reply.show(head + " " + _("{name} has no other free time now.").format(name=therapist_name(therapist)), find_again_keyboard())
        return
    await reply.show(
        head + " " + _("The next free times with {name}:").format(name=therapist_name(therapist)),
        alternatives_keyboard(therapist.telegram_id, chosen.booking_id, chosen.version, later[:6], user.timezone),
    )
