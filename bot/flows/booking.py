"""Booking a session (or moving one): a day, then a time, in the client's zone, then confirm.

A first session with a therapist is a request, and it carries what the client
comes with: some of that therapist's topics and an optional note only they
read. Whoever has not chosen the name therapists see chooses it before anything
goes out (their Telegram name only by pressing it).

Every button carries what it is about (therapist, start, booking and its
version), so the steps work from any message, after a restart too; the
conversation state says "buttons expected here" to answer typed text, and
holds the request as far as it is made, so bad input or a lost time loses none of it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.editing import replace_message
from bot.keyboards.booking import (
    Confirm,
    Day,
    Days,
    RequestName,
    RequestNote,
    RequestTopic,
    RequestTopicsDone,
    Time,
    alternatives_keyboard,
    confirm_keyboard,
    day_from_code,
    days_keyboard,
    from_unix,
    request_name_keyboard,
    request_note_keyboard,
    request_topics_keyboard,
    times_keyboard,
)
from bot.keyboards.directory import find_again_keyboard
from bot.middlewares.callback_answer import alert
from bot.settings import Settings
from bot.views.bookings import booking_moment
from bot.views.presenting import day_label, local_moment, local_time, moment_label, money, zone_label
from bot.views.therapist_labels import TOPICS, label, labels
from core.bookings import Booking, BookingRefused, BookingStatus
from core.clock import Clock
from core.ports import UnitOfWork
from core.rules.client_request import NOTE_LIMIT, NoteTooLong, acceptable_note, chosen_topics, toggled
from core.rules.display_names import NameProblem, UnacceptableName, acceptable_name
from core.rules.slots import group_by_local_day
from core.rules.windows import payment_deadline
from core.therapists import TherapistProfile
from core.usecases.booking import (
    AlreadyYours,
    BookingChanged,
    BookingNotFound,
    SlotUnavailable,
    earlier_request,
    free_times,
    move_booking,
    needs_request,
    own_booking_at,
    request_booking,
    session_view,
)
from core.usecases.conversations import choose_display_name
from core.usecases.directory import TherapistUnavailable, listed_therapist
from core.users import User


class BookingFlow(StatesGroup):
    choosing = State()
    # A new booking's last steps; data["request"] holds the request so far (see _Draft).
    topics = State()
    note = State()
    naming = State()


class _Stop(Exception):
    """The flow cannot go on from this button; the person has been told why."""


def router() -> Router:
    router = Router(name="booking")
    router.callback_query.register(show_days, Days.filter())
    router.callback_query.register(show_times, Day.filter())
    router.callback_query.register(show_confirmation, Time.filter())
    router.callback_query.register(book, Confirm.filter())
    router.callback_query.register(toggle_topic, RequestTopic.filter())
    router.callback_query.register(topics_done, RequestTopicsDone.filter())
    router.callback_query.register(note_button, RequestNote.filter())
    router.callback_query.register(telegram_name_chosen, RequestName.filter())
    router.message.register(buttons_expected, BookingFlow.choosing)
    router.message.register(topics_expected, BookingFlow.topics)
    router.message.register(note_typed, BookingFlow.note, F.text)
    router.message.register(note_expected, BookingFlow.note)
    router.message.register(name_typed, BookingFlow.naming, F.text)
    router.message.register(name_expected, BookingFlow.naming)
    return router


async def show_days(
    query: CallbackQuery, message: Message, callback_data: Days, uow: UnitOfWork, clock: Clock, user: User, settings: Settings, state: FSMContext, callback_answer: CallbackAnswer
) -> None:
    try:
        therapist, moving = await _subject(query, uow, clock, user, callback_data.therapist_id, callback_data.booking_id, callback_data.version, callback_answer=callback_answer)
    except _Stop:
        return
    free = await free_times(uow, clock, therapist, settings.booking_policy(), moving=moving)
    await state.set_state(BookingFlow.choosing)
    await state.update_data(therapist_id=therapist.telegram_id, booking_id=callback_data.booking_id, version=callback_data.version)
    text, markup = _days_view(therapist, moving, free, user, settings, callback_data)
    if callback_data.edit:
        await replace_message(message, text, markup)
    else:
        await message.answer(text, reply_markup=markup)


async def show_times(
    query: CallbackQuery, message: Message, callback_data: Day, uow: UnitOfWork, clock: Clock, user: User, settings: Settings, callback_answer: CallbackAnswer
) -> None:
    try:
        therapist, moving = await _subject(query, uow, clock, user, callback_data.therapist_id, callback_data.booking_id, callback_data.version, callback_answer=callback_answer)
        day = day_from_code(callback_data.day)
    except _Stop:
        return
    except ValueError:
        alert(callback_answer, _("This button is out of date. Please pick again."))
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
        therapist, moving = await _subject(query, uow, clock, user, callback_data.therapist_id, callback_data.booking_id, callback_data.version, callback_answer=callback_answer)
        start = from_unix(callback_data.at)
    except _Stop:
        return
    except (ValueError, OverflowError, OSError):
        alert(callback_answer, _("This button is out of date. Please pick again."))
        return
    policy = settings.booking_policy()
    free = await free_times(uow, clock, therapist, policy, moving=moving)
    if start not in free:
        await _offer_alternatives(_Screen(message, callback_answer), therapist, callback_data, free, start, user, lost_race=False)
        return
    await replace_message(
        message,
        _confirmation_text(
            therapist, moving, start, user, clock, first=await _is_first(uow, user, therapist, moving), settings=settings
        ),
        confirm_keyboard(callback_data, user.timezone, moving is not None),
    )


async def book(
    query: CallbackQuery,
    message: Message,
    callback_data: Confirm,
    uow: UnitOfWork,
    clock: Clock,
    user: User,
    settings: Settings,
    state: FSMContext,
    callback_answer: CallbackAnswer,
) -> None:
    try:
        start = from_unix(callback_data.at)
    except (ValueError, OverflowError, OSError):
        alert(callback_answer, _("This button is out of date. Please pick again."))
        return
    screen = _Screen(message, callback_answer)
    if callback_data.booking_id:
        await _move(screen, callback_data, start, uow, clock, user, settings, state)
        return
    try:
        therapist, _moving = await _subject(query, uow, clock, user, callback_data.therapist_id, 0, 0, callback_answer=callback_answer)
    except _Stop:
        return
    free = await free_times(uow, clock, therapist, settings.booking_policy())
    if start not in free:
        mine = await own_booking_at(uow, client_id=user.telegram_id, therapist_id=therapist.telegram_id, starts_at=start)
        if mine is not None:
            await state.clear()
            await screen.show(already_yours_text(mine, therapist, user))
            return
        await _offer_alternatives(screen, therapist, Time(**callback_data.model_dump()), free, start, user, lost_race=False)
        return
    draft = await _draft(state, therapist.telegram_id)
    if await needs_request(uow, client_id=user.telegram_id, therapist_id=therapist.telegram_id) and (
        draft is None or not draft.noted
    ):
        await _ask_topics(screen, state, uow, user, therapist, callback_data.at, draft)
        return
    await _next_step(screen, state, uow, clock, user, settings, therapist.telegram_id, callback_data.at)


async def _move(
    screen: _Screen, chosen: Confirm, start: datetime, uow: UnitOfWork, clock: Clock, user: User, settings: Settings,
    state: FSMContext,
) -> None:
    try:
        booking = await move_booking(
            uow,
            clock,
            client_id=user.telegram_id,
            booking_id=chosen.booking_id,
            version=chosen.version,
            new_start=start,
            policy=settings.booking_policy(),
        )
    except SlotUnavailable as taken:
        therapist = await uow.therapists.get(chosen.therapist_id)
        assert therapist is not None
        await _offer_alternatives(screen, therapist, Time(**chosen.model_dump()), taken.next_free, start, user, lost_race=taken.lost_race)
        return
    except (TherapistUnavailable, BookingNotFound, BookingChanged, BookingRefused) as refused:
        await screen.refuse(_refusal(refused))
        await state.clear()
        return
    await state.clear()
    await screen.show(_("🔁 You chose to move the session to {moment}.").format(moment=booking_moment(booking, user.timezone)))


async def _place(
    screen: _Screen,
    state: FSMContext,
    uow: UnitOfWork,
    clock: Clock,
    user: User,
    settings: Settings,
    therapist_id: int,
    at: int,
) -> None:
    """The new booking goes out: a request with what the client comes with, or a booking with a familiar therapist."""
    draft = await _draft(state, therapist_id)
    start = from_unix(at)
    try:
        booking = await request_booking(
            uow,
            clock,
            client_id=user.telegram_id,
            therapist_id=therapist_id,
            starts_at=start,
            policy=settings.booking_policy(),
            topics=draft.topics if draft else (),
            note=draft.note if draft else None,
        )
    except AlreadyYours as mine:
        await state.clear()
        therapist = await uow.therapists.get(mine.booking.therapist_id)
        await screen.show(already_yours_text(mine.booking, therapist, user))
        return
    except SlotUnavailable as taken:
        # The request stays as it is: pressing Book at another time sends it with no questions.
        await state.set_state(BookingFlow.choosing)
        therapist = await uow.therapists.get(therapist_id)
        assert therapist is not None
        await _offer_alternatives(
            screen, therapist, Time(therapist_id=therapist_id, at=at), taken.next_free, start, user, lost_race=taken.lost_race
        )
        return
    except (TherapistUnavailable, BookingNotFound, BookingChanged, BookingRefused) as refused:
        await screen.refuse(_refusal(refused))
        await state.clear()
        return
    await state.clear()
    therapist = await uow.therapists.get(booking.therapist_id)
    await screen.show(
        _("You chose {moment} with {name}.").format(
            moment=booking_moment(booking, user.timezone), name=therapist.full_name if therapist else "—"
        )
    )


# -- a first request: what the client comes with ----------------------------------------


@dataclass
class _Draft:
    """A new booking's request as far as the client has made it, kept in the conversation state."""

    therapist_id: int
    at: int
    topics: list[str]
    note: str | None = None
    noted: bool = False  # the note step is answered (a note, or none)
    earlier_note: str | None = None  # the note of the client's last request to this therapist, to offer again

    def matches(self, therapist_id: int, at: int) -> bool:
        return (self.therapist_id, self.at) == (therapist_id, at)


async def _draft(state: FSMContext, therapist_id: int) -> _Draft | None:
    kept: dict[str, Any] | None = (await state.get_data()).get("request")
    if not kept or kept.get("therapist_id") != therapist_id:
        return None
    return _Draft(**kept)


async def _keep(state: FSMContext, draft: _Draft) -> None:
    await state.update_data(request=draft.__dict__.copy(), therapist_id=draft.therapist_id, booking_id=0, version=0)


async def _ask_topics(
    screen: _Screen, state: FSMContext, uow: UnitOfWork, user: User, therapist: TherapistProfile, at: int, draft: _Draft | None
) -> None:
    if draft is None:
        # Asked again after an earlier request (declined, lapsed, withdrawn): what was chosen then is ticked.
        topics, note = await earlier_request(uow, client_id=user.telegram_id, therapist_id=therapist.telegram_id)
        draft = _Draft(therapist.telegram_id, at, list(chosen_topics(therapist.topics, topics)), earlier_note=note)
        again = bool(draft.topics)
    else:
        draft.at, again = at, False
    await _keep(state, draft)
    if not therapist.topics:  # nothing to choose from: straight to the note
        await _ask_note(screen, state, therapist, draft)
        return
    await state.set_state(BookingFlow.topics)
    text = _topics_prompt(therapist)
    if again:
        text += "\n" + _("Ticked: what you chose last time.")
    await screen.show(text, _topics_markup(therapist, draft))


async def toggle_topic(
    query: CallbackQuery, message: Message, callback_data: RequestTopic, uow: UnitOfWork, clock: Clock, user: User, state: FSMContext, callback_answer: CallbackAnswer
) -> None:
    found = await _request_in_hand(query, state, uow, clock, user, callback_data.therapist_id, callback_data.at, callback_answer=callback_answer)
    if found is None:
        return
    therapist, draft = found
    if callback_data.topic not in therapist.topics:
        alert(callback_answer, _("This button is out of date. Please pick again."))
        return
    draft.topics = list(chosen_topics(therapist.topics, toggled(draft.topics, callback_data.topic)))
    await _keep(state, draft)
    await state.set_state(BookingFlow.topics)
    await replace_message(message, message.text or _topics_prompt(therapist), _topics_markup(therapist, draft))


async def topics_done(
    query: CallbackQuery, message: Message, callback_data: RequestTopicsDone, uow: UnitOfWork, clock: Clock, user: User, state: FSMContext, callback_answer: CallbackAnswer
) -> None:
    found = await _request_in_hand(query, state, uow, clock, user, callback_data.therapist_id, callback_data.at, callback_answer=callback_answer)
    if found is None:
        return
    therapist, draft = found
    if not draft.topics:
        alert(callback_answer, _("Please choose at least one topic: tap it, then «Done»."))
        return
    await _ask_note(_Screen(message, callback_answer), state, therapist, draft)


async def topics_expected(message: Message, state: FSMContext, uow: UnitOfWork, clock: Clock, user: User) -> None:
    """Text, a sticker or a photo where a topic is expected: the topics again, with what is ticked so far."""
    found = await _request_in_state(message, state, uow, clock)
    if found is None:
        return
    therapist, draft = found
    await message.answer(
        _("Please choose with the buttons: tap the topics you would like to work on, then «Done».")
        + "\n\n" + _topics_prompt(therapist),
        reply_markup=_topics_markup(therapist, draft),
    )


async def _ask_note(screen: _Screen, state: FSMContext, therapist: TherapistProfile, draft: _Draft) -> None:
    await state.set_state(BookingFlow.note)
    lines = []
    if draft.topics:
        lines.append(_("💬 You would like to work on: {topics}").format(topics=labels(TOPICS, draft.topics)))
    lines.append(_note_prompt())
    if draft.earlier_note:
        lines.append(_("Last time you wrote: «{note}»").format(note=draft.earlier_note))
    await screen.show("\n\n".join(lines), _note_markup(draft))


async def note_typed(
    message: Message, state: FSMContext, uow: UnitOfWork, clock: Clock, user: User, settings: Settings
) -> None:
    assert message.text is not None
    found = await _request_in_state(message, state, uow, clock)
    if found is None:
        return
    _therapist, draft = found
    try:
        draft.note = acceptable_note(message.text)
    except NoteTooLong as long:
        await message.answer(
            ngettext(
                "This note is {count} character long; please keep it to {limit} and send it again, or press «Skip».",
                "This note is {count} characters long; please keep it to {limit} and send it again, or press «Skip».",
                long.length,
            ).format(count=long.length, limit=NOTE_LIMIT),
            reply_markup=_note_markup(draft),
        )
        return
    draft.noted = True
    await _keep(state, draft)
    await _next_step(_Screen(message), state, uow, clock, user, settings, draft.therapist_id, draft.at)


async def note_expected(message: Message, state: FSMContext, uow: UnitOfWork, clock: Clock) -> None:
    found = await _request_in_state(message, state, uow, clock)
    if found is None:
        return
    _therapist, draft = found
    await message.answer(
        ngettext(
            "Please send the note as text, up to {count} character, or press «Skip».",
            "Please send the note as text, up to {count} characters, or press «Skip».",
            NOTE_LIMIT,
        ).format(count=NOTE_LIMIT),
        reply_markup=_note_markup(draft),
    )


async def note_button(
    query: CallbackQuery, message: Message, callback_data: RequestNote, uow: UnitOfWork, clock: Clock, user: User, settings: Settings,
    state: FSMContext,
    callback_answer: CallbackAnswer,
) -> None:
    found = await _request_in_hand(query, state, uow, clock, user, callback_data.therapist_id, callback_data.at, callback_answer=callback_answer)
    if found is None:
        return
    _therapist, draft = found
    draft.note = draft.earlier_note if callback_data.earlier else None
    draft.noted = True
    await _keep(state, draft)
    await _next_step(_Screen(message, callback_answer), state, uow, clock, user, settings, draft.therapist_id, draft.at)


# -- the name therapists see, chosen before anything goes out --------------------------------


async def _next_step(
    screen: _Screen, state: FSMContext, uow: UnitOfWork, clock: Clock, user: User, settings: Settings, therapist_id: int, at: int
) -> None:
    if user.display_name is None:
        await state.set_state(BookingFlow.naming)
        await state.update_data(naming={"therapist_id": therapist_id, "at": at}, therapist_id=therapist_id)
        await screen.show(_name_prompt(), request_name_keyboard(therapist_id, at, _telegram_name(user)))
        return
    await _place(screen, state, uow, clock, user, settings, therapist_id, at)


async def name_typed(
    message: Message, state: FSMContext, uow: UnitOfWork, clock: Clock, user: User, settings: Settings
) -> None:
    assert message.text is not None
    naming = (await state.get_data()).get("naming") or {}
    if not naming:
        await _left_unfinished(message, state)
        return
    try:
        await choose_display_name(uow, user, message.text)
    except UnacceptableName as refused:
        await message.answer(
            _name_refusal(refused.problem),
            reply_markup=request_name_keyboard(naming["therapist_id"], naming["at"], _telegram_name(user)),
        )
        return
    await _named(_Screen(message), state, uow, clock, user, settings, naming["therapist_id"], naming["at"])


async def name_expected(message: Message, state: FSMContext, user: User) -> None:
    naming = (await state.get_data()).get("naming") or {}
    if not naming:
        await _left_unfinished(message, state)
        return
    await message.answer(
        _("Please send the name as text."),
        reply_markup=request_name_keyboard(naming["therapist_id"], naming["at"], _telegram_name(user)),
    )


async def telegram_name_chosen(
    query: CallbackQuery, message: Message, callback_data: RequestName, uow: UnitOfWork, clock: Clock, user: User, settings: Settings,
    state: FSMContext,
    callback_answer: CallbackAnswer,
) -> None:
    naming = (await state.get_data()).get("naming") or {}
    name = _telegram_name(user)
    if naming != {"therapist_id": callback_data.therapist_id, "at": callback_data.at} or name is None:
        alert(callback_answer, _("This button is out of date. Please pick again."))
        return
    await choose_display_name(uow, user, name)
    await _named(_Screen(message, callback_answer), state, uow, clock, user, settings, callback_data.therapist_id, callback_data.at)


async def _named(
    screen: _Screen, state: FSMContext, uow: UnitOfWork, clock: Clock, user: User, settings: Settings, therapist_id: int, at: int
) -> None:
    screen.lead = _("Done: therapists will see you as “{name}”.").format(name=user.display_name)
    await _place(screen, state, uow, clock, user, settings, therapist_id, at)


def _telegram_name(user: User) -> str | None:
    """The Telegram first name, if it could be shown at all; it is offered, never assumed."""
    try:
        return acceptable_name(user.first_name)
    except UnacceptableName:
        return None


def _name_refusal(problem: NameProblem) -> str:
    if problem is NameProblem.TOO_LONG:
        return _("That name is too long: up to 40 characters, please.")
    if problem is NameProblem.LINK:
        return _("A name can't contain links or @usernames. Please send just a name.")
    return _("That name is empty. Please send a name.")


async def buttons_expected(message: Message, state: FSMContext, uow: UnitOfWork, clock: Clock, user: User, settings: Settings) -> None:
    """Typed text or a sticker mid-booking: say what is expected and show the days again."""
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


@dataclass
class _Screen:
    """Where the next view goes: the pressed message, edited in place, or a new message after typed text."""

    message: Message
    answer: CallbackAnswer | None = None  # the press that asked for it; None after typed text
    lead: str = ""  # a line that goes above the next view (what the step before did)

    async def show(self, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
        if self.lead:
            text, self.lead = f"{self.lead}\n{text}", ""
        if self.answer is None:
            await self.message.answer(text, reply_markup=markup)
            return
        await replace_message(self.message, text, markup)

    async def refuse(self, text: str) -> None:
        if self.answer is None:
            await self.message.answer(text)
        else:
            alert(self.answer, text)


async def _request_in_hand(
    query: CallbackQuery, state: FSMContext, uow: UnitOfWork, clock: Clock, user: User, therapist_id: int, at: int, callback_answer: CallbackAnswer
) -> tuple[TherapistProfile, _Draft] | None:
    """The request this button is about, if it is the one being made; the person is told when it is not."""
    draft = await _draft(state, therapist_id)
    if draft is None or not draft.matches(therapist_id, at):
        alert(callback_answer, _("This button is out of date. Please pick again."))
        return None
    try:
        therapist, _moving = await _subject(query, uow, clock, user, therapist_id, 0, 0, callback_answer=callback_answer)
    except _Stop:
        await state.clear()
        return None
    return therapist, draft


async def _request_in_state(
    message: Message, state: FSMContext, uow: UnitOfWork, clock: Clock
) -> tuple[TherapistProfile, _Draft] | None:
    data = await state.get_data()
    draft = await _draft(state, int(data.get("therapist_id", 0)))
    if draft is None:
        await _left_unfinished(message, state)
        return None
    try:
        therapist = await listed_therapist(uow, clock, therapist_id=draft.therapist_id)
    except TherapistUnavailable:
        await state.clear()
        await message.answer(_("This therapist is not taking new clients right now."), reply_markup=find_again_keyboard())
        return None
    return therapist, draft


async def _left_unfinished(message: Message, state: FSMContext) -> None:
    await state.clear()
    await message.answer(_("This booking was left unfinished. Please choose a time again."), reply_markup=find_again_keyboard())


def _topics_prompt(therapist: TherapistProfile) -> str:
    return _(
        "📨 Your request. What would you like to work on? These are the topics {name} works with: "
        "choose one or more, then press «Done»."
    ).format(name=therapist.full_name)


def _topics_markup(therapist: TherapistProfile, draft: _Draft) -> InlineKeyboardMarkup:
    names = {topic: label(TOPICS, topic) for topic in therapist.topics}
    return request_topics_keyboard(therapist.telegram_id, draft.at, therapist.topics, draft.topics, names)


def _note_prompt() -> str:
    return ngettext(
        "📝 If you like, add a short note: what brings you, what matters to you (up to {count} character). "
        "Only this therapist reads it. Send it as a message, or press «Skip».",
        "📝 If you like, add a short note: what brings you, what matters to you (up to {count} characters). "
        "Only this therapist reads it. Send it as a message, or press «Skip».",
        NOTE_LIMIT,
    ).format(count=NOTE_LIMIT)


def _note_markup(draft: _Draft) -> InlineKeyboardMarkup:
    return request_note_keyboard(draft.therapist_id, draft.at, earlier=bool(draft.earlier_note))


def _name_prompt() -> str:
    return "\n\n".join(
        (
            _("Before it goes out: which name should the therapist see?"),
            _("Send it (up to 40 characters, no links). Your Telegram account and username are never shown."),
        )
    )


async def _subject(
    query: CallbackQuery, uow: UnitOfWork, clock: Clock, user: User, therapist_id: int, booking_id: int, version: int, callback_answer: CallbackAnswer
) -> tuple[TherapistProfile, Booking | None]:
    """The therapist to book, and the booking being moved if any: checked for this person, now."""
    if not booking_id:
        if therapist_id == user.telegram_id:
            await _refuse(BookingRefused("own_profile"), callback_answer=callback_answer)
            raise _Stop
        try:
            return await listed_therapist(uow, clock, therapist_id=therapist_id), None
        except TherapistUnavailable as refused:
            await _refuse(refused, callback_answer=callback_answer)
            raise _Stop from None
    try:
        view = await session_view(uow, clock, person_id=user.telegram_id, booking_id=booking_id)
    except BookingNotFound as refused:
        await _refuse(refused, callback_answer=callback_answer)
        raise _Stop from None
    booking = view.booking
    if booking.version != version:
        await _refuse(BookingChanged(booking), callback_answer=callback_answer)
        raise _Stop
    if booking.client_id != user.telegram_id or not booking.can_move(clock.now()):
        await _refuse(BookingRefused("move_not_allowed"), callback_answer=callback_answer)
        raise _Stop
    therapist = await uow.therapists.get(booking.therapist_id)
    assert therapist is not None
    return therapist, booking


async def _refuse(refused: Exception, callback_answer: CallbackAnswer) -> None:
    alert(callback_answer, _refusal(refused))


def _refusal(refused: Exception) -> str:
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
    return text


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
        lines.append(_("Next, in a few taps: what you would like to work on."))
    else:
        lines.append(_pay_by(start, clock, zone))
    return "\n".join(lines)


def _pay_by(start: datetime, clock: Clock, zone: str) -> str:
    deadline = payment_deadline(start, clock.now())
    return _("Pay by {moment}; an unpaid session is cancelled then.").format(moment=local_moment(deadline, zone))


async def _offer_alternatives(
    screen: _Screen,
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
        await screen.show(head + " " + _("{name} has no other free time now.").format(name=therapist.full_name), find_again_keyboard())
        return
    await screen.show(
        head + " " + _("The next free times with {name}:").format(name=therapist.full_name),
        alternatives_keyboard(therapist.telegram_id, chosen.booking_id, chosen.version, later[:6], user.timezone),
    )
