"""«Book» pressed: what the booking needs before it goes out, then it goes out (or the session moves).

Booking's second conversation, over the draft of the first (`bot/flows/booking.py`). A first
session with a therapist is a request, and it carries what the client comes with: some of that
therapist's topics and an optional note only they read. Whoever has not chosen the name therapists
see chooses it before anything goes out (their Telegram name only by pressing it).
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

from bot.access import OpenRouter
from bot.conversation import Leave, Reply, Stay, Step, end, settle
from bot.editing import replace_message
from bot.flows.booking import (
    BookingDraft,
    FirstRequest,
    Stop,
    already_yours_text,
    left_unfinished,
    offer_alternatives,
    picking,
    refusal,
    subject,
)
from bot.keyboards.booking import (
    Confirm,
    RequestName,
    RequestNote,
    RequestTopic,
    RequestTopicsDone,
    Time,
    from_unix,
    request_name_keyboard,
    request_note_keyboard,
    request_topics_keyboard,
)
from bot.keyboards.directory import find_again_keyboard
from bot.middlewares.callback_answer import alert, out_of_date
from bot.settings import Settings
from bot.views.bookings import booking_moment
from bot.views.names import name_refusal, name_rules
from bot.views.therapist_labels import TOPICS, label, labels, therapist_name
from core.bookings import BookingRefused
from core.clock import Clock
from core.ports import UnitOfWork
from core.rules.client_request import NOTE_LIMIT, NoteTooLong, acceptable_note, chosen_topics, toggled
from core.rules.display_names import UnacceptableName, acceptable_name
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
)
from core.usecases.conversations import choose_display_name
from core.usecases.directory import TherapistUnavailable, listed_therapist
from core.usecases.matching import topics_for_request
from core.users import User


class Requesting(StatesGroup):
    topics = State()
    note = State()
    naming = State()


def router() -> Router:
    router = OpenRouter(name="booking-request")
    router.callback_query.register(book, Confirm.filter())
    router.callback_query.register(toggle_topic, RequestTopic.filter())
    router.callback_query.register(topics_done, RequestTopicsDone.filter())
    router.callback_query.register(note_button, RequestNote.filter())
    router.callback_query.register(telegram_name_chosen, RequestName.filter())
    for step in (TOPICS_STEP, NOTE, NAMING):
        step.register(router)
    return router


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
        out_of_date(callback_answer)
        return
    reply = Reply(message, callback_answer)
    if callback_data.booking_id:
        await _move(reply, callback_data, start, uow, clock, user, settings, state)
        return
    try:
        therapist, _moving = await subject(uow, clock, user, callback_data.therapist_id, 0, 0, callback_answer=callback_answer)
    except Stop:
        return
    free = await free_times(uow, clock, therapist, settings.booking_policy())
    if start not in free:
        mine = await own_booking_at(uow, client_id=user.telegram_id, therapist_id=therapist.telegram_id, starts_at=start)
        if mine is not None:
            await end(state)
            await reply.show(already_yours_text(mine, therapist, user))
            return
        await offer_alternatives(reply, therapist, Time(**callback_data.model_dump()), free, start, user, lost_race=False)
        return
    draft = await BookingDraft.load(state)
    request = draft.request_for(therapist.telegram_id) if draft else None
    if await needs_request(uow, client_id=user.telegram_id, therapist_id=therapist.telegram_id) and (
        request is None or not request.noted
    ):
        await _ask_topics(reply, state, uow, user, therapist, callback_data.at, request)
        return
    await _next_step(reply, state, uow, clock, user, settings, therapist.telegram_id, callback_data.at, request)


async def _move(
    reply: Reply, chosen: Confirm, start: datetime, uow: UnitOfWork, clock: Clock, user: User, settings: Settings,
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
        await offer_alternatives(reply, therapist, Time(**chosen.model_dump()), taken.next_free, start, user, lost_race=taken.lost_race)
        return
    except (TherapistUnavailable, BookingNotFound, BookingChanged, BookingRefused) as refused:
        await reply.refuse(refusal(refused))
        await end(state)
        return
    await end(state)
    await reply.show(_("🔁 You chose to move the session to {moment}.").format(moment=booking_moment(booking, user.timezone)))


# -- a first request: what the client comes with ----------------------------------------


def _holding(request: FirstRequest) -> BookingDraft:
    return BookingDraft(therapist_id=request.therapist_id, request=request)


async def _ask_topics(
    reply: Reply, state: FSMContext, uow: UnitOfWork, user: User, therapist: TherapistProfile, at: int, request: FirstRequest | None
) -> None:
    matched = False
    if request is None:
        # Asked again after an earlier request (declined, lapsed, withdrawn): what was chosen then is ticked.
        topics, note = await earlier_request(uow, client_id=user.telegram_id, therapist_id=therapist.telegram_id)
        request = FirstRequest(
            therapist_id=therapist.telegram_id, at=at, topics=list(chosen_topics(therapist.topics, topics)), earlier_note=note
        )
        again = bool(request.topics)
        if not again:  # the client let their answers to «Help me choose» fill in a first request
            request.topics = list(await topics_for_request(uow, client_id=user.telegram_id, therapist=therapist))
            matched = bool(request.topics)
    else:
        request.at, again = at, False
    if not therapist.topics:  # nothing to choose from: straight to the note
        await _ask_note(reply, state, request)
        return
    text = _topics_prompt(therapist)
    if again:
        text += "\n" + _("Ticked: what you chose last time.")
    elif matched:
        text += "\n" + _("Ticked: your topics from «Help me choose».")
    await TOPICS_STEP.ask(reply, state, _holding(request), text, _topics_markup(therapist, request))


async def toggle_topic(
    query: CallbackQuery, message: Message, callback_data: RequestTopic, uow: UnitOfWork, clock: Clock, user: User, state: FSMContext, callback_answer: CallbackAnswer
) -> None:
    found = await _request_in_hand(state, uow, clock, user, callback_data.therapist_id, callback_data.at, callback_answer=callback_answer)
    if found is None:
        return
    therapist, request = found
    if callback_data.topic not in therapist.topics:
        out_of_date(callback_answer)
        return
    request.topics = list(chosen_topics(therapist.topics, toggled(request.topics, callback_data.topic)))
    await settle(state, Requesting.topics, _holding(request))
    await replace_message(message, message.text or _topics_prompt(therapist), _topics_markup(therapist, request))


async def topics_done(
    query: CallbackQuery, message: Message, callback_data: RequestTopicsDone, uow: UnitOfWork, clock: Clock, user: User, state: FSMContext, callback_answer: CallbackAnswer
) -> None:
    found = await _request_in_hand(state, uow, clock, user, callback_data.therapist_id, callback_data.at, callback_answer=callback_answer)
    if found is None:
        return
    _therapist, request = found
    if not request.topics:
        alert(callback_answer, _("Please choose at least one topic: tap it, then «Done»."))
        return
    await _ask_note(Reply(message, callback_answer), state, request)


async def _topics_expected(draft: BookingDraft, uow: UnitOfWork, clock: Clock) -> tuple[str, InlineKeyboardMarkup | None]:
    """Text, a sticker or a photo where a topic is expected: the topics again, with what is ticked so far."""
    therapist, request = await _request_in_state(draft, uow, clock)
    return (
        _("Please choose with the buttons: tap the topics you would like to work on, then «Done».")
        + "\n\n" + _topics_prompt(therapist),
        _topics_markup(therapist, request),
    )


TOPICS_STEP = Step(Requesting.topics, BookingDraft, expected=_topics_expected, lost=left_unfinished)


async def _ask_note(reply: Reply, state: FSMContext, request: FirstRequest) -> None:
    lines = []
    if request.topics:
        lines.append(_("💬 You would like to work on: {topics}").format(topics=labels(TOPICS, request.topics)))
    lines.append(_note_prompt())
    if request.earlier_note:
        lines.append(_("Last time you wrote: «{note}»").format(note=request.earlier_note))
    await NOTE.ask(reply, state, _holding(request), "\n\n".join(lines), _note_markup(request))


async def _note_typed(
    message: Message, text: str, draft: BookingDraft, state: FSMContext, uow: UnitOfWork, clock: Clock, user: User, settings: Settings
) -> None:
    _therapist, request = await _request_in_state(draft, uow, clock)
    try:
        request.note = acceptable_note(text)
    except NoteTooLong as long:
        raise Stay(
            ngettext(
                "This note is {count} character long; please keep it to {limit} and send it again, or press «Skip».",
                "This note is {count} characters long; please keep it to {limit} and send it again, or press «Skip».",
                long.length,
            ).format(count=long.length, limit=NOTE_LIMIT)
        ) from None
    request.noted = True
    await _next_step(Reply(message), state, uow, clock, user, settings, request.therapist_id, request.at, request)


async def _note_expected(draft: BookingDraft, uow: UnitOfWork, clock: Clock) -> tuple[str, InlineKeyboardMarkup | None]:
    _therapist, request = await _request_in_state(draft, uow, clock)
    return (
        ngettext(
            "Please send the note as text, up to {count} character, or press «Skip».",
            "Please send the note as text, up to {count} characters, or press «Skip».",
            NOTE_LIMIT,
        ).format(count=NOTE_LIMIT),
        _note_markup(request),
    )


NOTE = Step(Requesting.note, BookingDraft, take=_note_typed, expected=_note_expected, lost=left_unfinished)


async def note_button(
    query: CallbackQuery, message: Message, callback_data: RequestNote, uow: UnitOfWork, clock: Clock, user: User, settings: Settings,
    state: FSMContext,
    callback_answer: CallbackAnswer,
) -> None:
    found = await _request_in_hand(state, uow, clock, user, callback_data.therapist_id, callback_data.at, callback_answer=callback_answer)
    if found is None:
        return
    _therapist, request = found
    request.note = request.earlier_note if callback_data.earlier else None
    request.noted = True
    await _next_step(Reply(message, callback_answer), state, uow, clock, user, settings, request.therapist_id, request.at, request)


# -- the name therapists see, chosen before anything goes out --------------------------------


async def _next_step(
    reply: Reply, state: FSMContext, uow: UnitOfWork, clock: Clock, user: User, settings: Settings, therapist_id: int, at: int,
    request: FirstRequest | None,
) -> None:
    if user.display_name is None:
        draft = BookingDraft(therapist_id=therapist_id, request=request, naming_at=at)
        await NAMING.ask(reply, state, draft, _name_prompt(), request_name_keyboard(therapist_id, at, _telegram_name(user)))
        return
    await _place(reply, state, uow, clock, user, settings, therapist_id, at, request)


async def _name_typed(
    message: Message, text: str, draft: BookingDraft, state: FSMContext, uow: UnitOfWork, clock: Clock, user: User, settings: Settings
) -> None:
    if not draft.naming_at:
        raise Leave(*left_unfinished())
    try:
        await choose_display_name(uow, user, text)
    except UnacceptableName as refused:
        raise Stay(name_refusal(refused.problem)) from None
    await _named(Reply(message), state, uow, clock, user, settings, draft)


async def _name_expected(draft: BookingDraft, user: User) -> tuple[str, InlineKeyboardMarkup | None]:
    if not draft.naming_at:
        raise Leave(*left_unfinished())
    return _("Please send the name as text."), request_name_keyboard(draft.therapist_id, draft.naming_at, _telegram_name(user))


NAMING = Step(Requesting.naming, BookingDraft, take=_name_typed, expected=_name_expected, lost=left_unfinished)


async def telegram_name_chosen(
    query: CallbackQuery, message: Message, callback_data: RequestName, uow: UnitOfWork, clock: Clock, user: User, settings: Settings,
    state: FSMContext,
    callback_answer: CallbackAnswer,
) -> None:
    draft = await BookingDraft.load(state)
    name = _telegram_name(user)
    if draft is None or (draft.therapist_id, draft.naming_at) != (callback_data.therapist_id, callback_data.at) or name is None:
        out_of_date(callback_answer)
        return
    await choose_display_name(uow, user, name)
    await _named(Reply(message, callback_answer), state, uow, clock, user, settings, draft)


async def _named(
    reply: Reply, state: FSMContext, uow: UnitOfWork, clock: Clock, user: User, settings: Settings, draft: BookingDraft
) -> None:
    reply.lead = _("Done: therapists will see you as “{name}”.").format(name=user.display_name)
    await _place(reply, state, uow, clock, user, settings, draft.therapist_id, draft.naming_at, draft.request_for(draft.therapist_id))


def _telegram_name(user: User) -> str | None:
    """The Telegram first name, if it could be shown at all; it is offered, never assumed."""
    try:
        return acceptable_name(user.first_name)
    except UnacceptableName:
        return None


# -- the booking goes out ------------------------------------------------------------


async def _place(
    reply: Reply,
    state: FSMContext,
    uow: UnitOfWork,
    clock: Clock,
    user: User,
    settings: Settings,
    therapist_id: int,
    at: int,
    request: FirstRequest | None,
) -> None:
    """The new booking goes out: a request with what the client comes with, or a booking with a familiar therapist."""
    start = from_unix(at)
    try:
        booking = await request_booking(
            uow,
            clock,
            client_id=user.telegram_id,
            therapist_id=therapist_id,
            starts_at=start,
            policy=settings.booking_policy(),
            topics=request.topics if request else (),
            note=request.note if request else None,
        )
    except AlreadyYours as mine:
        await end(state)
        therapist = await uow.therapists.get(mine.booking.therapist_id)
        await reply.show(already_yours_text(mine.booking, therapist, user))
        return
    except SlotUnavailable as taken:
        # The request stays as it is: pressing Book at another time sends it with no questions.
        await picking(state, therapist_id, 0, 0, request)
        therapist = await uow.therapists.get(therapist_id)
        assert therapist is not None
        await offer_alternatives(
            reply, therapist, Time(therapist_id=therapist_id, at=at), taken.next_free, start, user, lost_race=taken.lost_race
        )
        return
    except (TherapistUnavailable, BookingNotFound, BookingChanged, BookingRefused) as refused:
        await reply.refuse(refusal(refused))
        await end(state)
        return
    await end(state)
    therapist = await uow.therapists.get(booking.therapist_id)
    await reply.show(
        _("You chose {moment} with {name}.").format(
            moment=booking_moment(booking, user.timezone), name=therapist_name(therapist)
        )
    )


# -- inside ------------------------------------------------------------------------


async def _request_in_hand(
    state: FSMContext, uow: UnitOfWork, clock: Clock, user: User, therapist_id: int, at: int, callback_answer: CallbackAnswer
) -> tuple[TherapistProfile, FirstRequest] | None:
    """The request this button is about, if it is the one being made; the person is told when it is not."""
    draft = await BookingDraft.load(state)
    request = draft.request_for(therapist_id) if draft else None
    if request is None or not request.matches(therapist_id, at):
        out_of_date(callback_answer)
        return None
    try:
        therapist, _moving = await subject(uow, clock, user, therapist_id, 0, 0, callback_answer=callback_answer)
    except Stop:
        await end(state)
        return None
    return therapist, request


async def _request_in_state(draft: BookingDraft, uow: UnitOfWork, clock: Clock) -> tuple[TherapistProfile, FirstRequest]:
    """The request a typed step is about, and its therapist, still taking clients; or the conversation ends."""
    request = draft.request_for(draft.therapist_id)
    if request is None:
        raise Leave(*left_unfinished())
    try:
        therapist = await listed_therapist(uow, clock, therapist_id=request.therapist_id)
    except TherapistUnavailable:
        raise Leave(_("This therapist is not taking new clients right now."), find_again_keyboard()) from None
    return therapist, request


def _topics_prompt(therapist: TherapistProfile) -> str:
    return _(
        "📨 Your request. What would you like to work on? These are the topics {name} works with: "
        "choose one or more, then press «Done»."
    ).format(name=therapist_name(therapist))


def _topics_markup(therapist: TherapistProfile, request: FirstRequest) -> InlineKeyboardMarkup:
    names = {topic: label(TOPICS, topic) for topic in therapist.topics}
    return request_topics_keyboard(therapist.telegram_id, request.at, therapist.topics, request.topics, names)


def _note_prompt() -> str:
    return ngettext(
        "📝 If you like, add a short note: what brings you, what matters to you (up to {count} character). "
        "Only this therapist reads it. Send it as a message, or press «Skip».",
        "📝 If you like, add a short note: what brings you, what matters to you (up to {count} characters). "
        "Only this therapist reads it. Send it as a message, or press «Skip».",
        NOTE_LIMIT,
    ).format(count=NOTE_LIMIT)


def _note_markup(request: FirstRequest) -> InlineKeyboardMarkup:
    return request_note_keyboard(request.therapist_id, request.at, earlier=bool(request.earlier_note))


def _name_prompt() -> str:
    return "\n\n".join(
        (
            _("Before it goes out: which name should the therapist see?"),
            name_rules(),
        )
    )
