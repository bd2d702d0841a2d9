"""Vacations: the list, adding one (first day, last day, a note), changing or removing one, and
deciding on the sessions already booked inside it.

Dates are typed (14.12, 14.12.2026 or 2026-12-14: core/rules/dates.py) and checked one step at a time, so a
wrong date is explained at its own step and nothing typed before is lost. Once a
vacation is saved, the sessions inside it are listed, each with its own buttons:
cancel it (free for the client, told and offered other times) or keep it. That
list carries its own state: a decided session's buttons leave it.
"""
from __future__ import annotations

from datetime import date

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from bot.cabinet_gate import CabinetRouter, CabinetSteps, leave_cabinet_steps
from bot.conversation import Draft, Leave, Reply, Stay, Step, end
from bot.editing import replace_message
from bot.keyboards.cabinet import (
    InsideVacation,
    NoteSkip,
    Section,
    VacationAdd,
    VacationDates,
    VacationNote,
    VacationOpen,
    VacationRemove,
    VacationVisibility,
    after_vacation_saved,
    confirm_removal_keyboard,
    inside_vacation_keyboard,
    skip_note_keyboard,
    vacation_card_keyboard,
    vacations_keyboard,
)
from bot.menus import BUTTON_VACATION
from bot.middlewares.callback_answer import alert
from bot.views.bookings import status_label
from bot.views.cabinet import vacation_dates
from bot.views.presenting import calendar_day, day_label, local_time
from core.bookings import Booking, BookingRefused
from core.clock import Clock
from core.ports import UnitOfWork
from core.rules.dates import example_day
from core.rules.vacation_dates import FARTHEST_START, MAX_DAYS, MAX_NOTE, DateProblem, VacationRefused, parse_day
from core.schedule import Vacation
from core.therapists import TherapistProfile
from core.usecases.booking import BookingChanged, BookingNotFound
from core.usecases.vacations import (
    Conflict,
    Removal,
    VacationGone,
    VacationOver,
    VacationSaved,
    add_vacation,
    cancel_for_vacation,
    change_dates,
    change_note,
    check_range,
    check_start,
    kept_booking,
    remove_vacation,
    set_hidden_during_vacations,
    today_of,
    vacation_of,
)
from core.users import User

PAST_SHOWN = 5
SESSIONS_PER_LIST = 20
class CabinetVacation(CabinetSteps):
    first_day = State()
    last_day = State()
    note = State()


class VacationDraft(Draft):
    vacation: int = 0  # the one being changed; 0 for a new one
    first: date | None = None
    last: date | None = None


def commands() -> Router:
    router = CabinetRouter(name="vacation-commands")
    router.message.register(show_vacations, Command("vacation"))
    router.message.register(show_vacations, F.text == BUTTON_VACATION)
    router.message.register(stop, StateFilter(CabinetVacation), Command("cancel"))
    return router


def router() -> Router:
    router = CabinetRouter(name="vacation")
    router.callback_query.register(vacations_again, Section.filter(F.name == "vacation"))
    router.callback_query.register(start_adding, VacationAdd.filter())
    router.callback_query.register(open_vacation, VacationOpen.filter())
    router.callback_query.register(start_changing_dates, VacationDates.filter())
    router.callback_query.register(start_changing_note, VacationNote.filter())
    router.callback_query.register(remove, VacationRemove.filter())
    router.callback_query.register(switch_visibility, VacationVisibility.filter())
    router.callback_query.register(skip_note, NoteSkip.filter(), CabinetVacation.note)
    router.callback_query.register(skip_note_too_late, NoteSkip.filter())
    router.callback_query.register(decide_session, InsideVacation.filter())
    for step in (FIRST_DAY, LAST_DAY, NOTE):
        step.register(router)
    return router


# -- the list and one vacation ---------------------------------------------------------------


async def show_vacations(message: Message, state: FSMContext, clock: Clock, therapist: TherapistProfile) -> None:
    await leave_cabinet_steps(state)
    text, markup = _overview(therapist, today_of(therapist, clock))
    await message.answer(text, reply_markup=markup)


async def vacations_again(query: CallbackQuery, message: Message, state: FSMContext, clock: Clock, therapist: TherapistProfile) -> None:
    await leave_cabinet_steps(state)
    text, markup = _overview(therapist, today_of(therapist, clock))
    await replace_message(message, text, markup)


def _overview(therapist: TherapistProfile, today: date) -> tuple[str, InlineKeyboardMarkup]:
    ahead = [v for v in therapist.vacations if v.last_day >= today]
    past = [v for v in therapist.vacations if v.last_day < today][-PAST_SHOWN:][::-1]
    parts = [_("🏖 Your vacations")]
    if ahead:
        parts.append(_("Now and ahead:") + "\n" + "\n".join(_line(v) for v in ahead))
    else:
        parts.append(_("No vacation planned. Add one, and nobody can book you on its days."))
    if past:
        parts.append(_("Past (kept as they were):") + "\n" + "\n".join(_line(v) for v in past))
    parts.append(_visibility(therapist.hide_during_vacation))
    return "\n\n".join(parts), vacations_keyboard([(v, vacation_dates(v)) for v in ahead], therapist.hide_during_vacation)


async def open_vacation(
    query: CallbackQuery, message: Message, callback_data: VacationOpen, state: FSMContext, uow: UnitOfWork, clock: Clock,
    therapist: TherapistProfile,
    callback_answer: CallbackAnswer,
) -> None:
    vacation = await _changeable(uow, clock, therapist, callback_data.id, callback_answer=callback_answer)
    if vacation is None:
        return
    await leave_cabinet_steps(state)
    await replace_message(message, _card(vacation), vacation_card_keyboard(vacation))


def _card(vacation: Vacation) -> str:
    lines = [_("🏖 Vacation: {dates}").format(dates=vacation_dates(vacation))]
    if vacation.note:
        lines.append(_("Note: {note}").format(note=vacation.note))
    return "\n".join(lines)


async def switch_visibility(
    query: CallbackQuery, message: Message, callback_data: VacationVisibility, uow: UnitOfWork, clock: Clock, therapist: TherapistProfile, callback_answer: CallbackAnswer
) -> None:
    profile = await set_hidden_during_vacations(uow, clock, therapist_id=therapist.telegram_id, hide=callback_data.hide)
    callback_answer.text = _("Saved.")
    text, markup = _overview(profile, today_of(profile, clock))
    await replace_message(message, text, markup)


# -- adding and changing ----------------------------------------------------------------------


async def start_adding(query: CallbackQuery, message: Message, state: FSMContext, clock: Clock, therapist: TherapistProfile) -> None:
    await FIRST_DAY.ask(Reply(message), state, VacationDraft(), _ask_first_day(today_of(therapist, clock)))


async def start_changing_dates(
    query: CallbackQuery, message: Message, callback_data: VacationDates, state: FSMContext, uow: UnitOfWork, clock: Clock,
    therapist: TherapistProfile,
    callback_answer: CallbackAnswer,
) -> None:
    vacation = await _changeable(uow, clock, therapist, callback_data.id, callback_answer=callback_answer)
    if vacation is None:
        return
    text = _("Now: {dates}.").format(dates=vacation_dates(vacation)) + "\n\n" + _ask_first_day(today_of(therapist, clock))
    await FIRST_DAY.ask(Reply(message), state, VacationDraft(vacation=vacation.id), text)


async def start_changing_note(
    query: CallbackQuery, message: Message, callback_data: VacationNote, state: FSMContext, uow: UnitOfWork, clock: Clock,
    therapist: TherapistProfile,
    callback_answer: CallbackAnswer,
) -> None:
    vacation = await _changeable(uow, clock, therapist, callback_data.id, callback_answer=callback_answer)
    if vacation is None:
        return
    await NOTE.ask(Reply(message), state, VacationDraft(vacation=vacation.id), _ask_note(), skip_note_keyboard())


async def _typed_first_day(
    message: Message, text: str, draft: VacationDraft, state: FSMContext, uow: UnitOfWork, clock: Clock, therapist: TherapistProfile
) -> None:
    try:
        first = parse_day(text, today_of(therapist, clock))
        await check_start(uow, clock, therapist_id=therapist.telegram_id, first_day=first, vacation_id=draft.vacation or None)
    except VacationRefused as refused:
        raise Stay(_date_refusal(refused, therapist, clock) + "\n\n" + _ask_first_day(today_of(therapist, clock))) from None
    except (VacationGone, VacationOver):
        raise _vacation_gone(clock, therapist) from None
    draft.first = first
    await LAST_DAY.ask(Reply(message), state, draft, _ask_last_day(first))


async def _typed_last_day(
    message: Message, text: str, draft: VacationDraft, state: FSMContext, uow: UnitOfWork, clock: Clock, user: User,
    therapist: TherapistProfile,
) -> None:
    first = _first(draft)
    try:
        last = parse_day(text, first)  # a day without its year is the next one from the first day on
        if draft.vacation:
            saved = await change_dates(
                uow, clock, therapist_id=therapist.telegram_id, vacation_id=draft.vacation, first_day=first, last_day=last
            )
        else:
            await check_range(uow, clock, therapist_id=therapist.telegram_id, first_day=first, last_day=last)
    except VacationRefused as refused:
        raise Stay(_date_refusal(refused, therapist, clock, first) + "\n\n" + _ask_last_day(first)) from None
    except (VacationGone, VacationOver):
        raise _vacation_gone(clock, therapist) from None
    if draft.vacation:
        await end(state)
        await _report(message, uow, saved, user, _("✅ The vacation is now {dates}."))
        return
    draft.last = last
    await NOTE.ask(Reply(message), state, draft, _ask_note(), skip_note_keyboard())


async def _typed_note(
    message: Message, text: str, draft: VacationDraft, state: FSMContext, uow: UnitOfWork, clock: Clock, user: User,
    therapist: TherapistProfile,
) -> None:
    await _with_note(message, draft, state, uow, clock, user, therapist, text)


async def skip_note(query: CallbackQuery, message: Message, state: FSMContext, uow: UnitOfWork, clock: Clock, user: User, therapist: TherapistProfile) -> None:
    draft = await VacationDraft.load(state)
    if draft is None:
        await end(state)
        await message.answer(_("This was left unfinished. Please start again."))
        return
    try:
        await _with_note(message, draft, state, uow, clock, user, therapist, None)
    except Leave as leave:
        await end(state)
        await message.answer(leave.text, reply_markup=leave.markup)


async def skip_note_too_late(query: CallbackQuery, callback_answer: CallbackAnswer) -> None:
    alert(callback_answer, _("This step is over already. /vacation shows your vacations."))


async def _with_note(
    message: Message, draft: VacationDraft, state: FSMContext, uow: UnitOfWork, clock: Clock, user: User, therapist: TherapistProfile,
    note: str | None,
) -> None:
    try:
        if draft.vacation:
            vacation = await change_note(uow, clock, therapist_id=therapist.telegram_id, vacation_id=draft.vacation, note=note)
        else:
            saved = await add_vacation(
                uow, clock, therapist_id=therapist.telegram_id, first_day=_first(draft), last_day=_last(draft), note=note,
            )
    except VacationRefused as refused:
        if refused.problem is DateProblem.NOTE_TOO_LONG:
            await message.answer(_date_refusal(refused, therapist, clock) + "\n\n" + _ask_note(), reply_markup=skip_note_keyboard())
            return
        # The dates were fine a moment ago; another vacation was saved meanwhile.
        await FIRST_DAY.ask(
            Reply(message), state, draft,
            _date_refusal(refused, therapist, clock) + "\n\n" + _ask_first_day(today_of(therapist, clock)),
        )
        return
    except (VacationGone, VacationOver):
        raise _vacation_gone(clock, therapist) from None
    await end(state)
    if draft.vacation:
        await message.answer(_("✅ Note saved.") + "\n\n" + _card(vacation), reply_markup=vacation_card_keyboard(vacation))
        return
    await _report(message, uow, saved, user, _("✅ Vacation saved: {dates}. Nobody can book you on these days."))


async def _report(message: Message, uow: UnitOfWork, saved: VacationSaved, user: User, headline: str) -> None:
    profile = await uow.therapists.get(user.telegram_id)
    assert profile is not None
    text = headline.format(dates=vacation_dates(saved.vacation)) + "\n\n" + _visibility(profile.hide_during_vacation)
    await message.answer(text, reply_markup=after_vacation_saved(profile.hide_during_vacation))
    # A list per message short enough for its outcomes to be added to it, and for Telegram's button limit.
    for start in range(0, len(saved.conflicts), SESSIONS_PER_LIST):
        some = saved.conflicts[start : start + SESSIONS_PER_LIST]
        await message.answer(
            _inside_text(saved.vacation, some, user.timezone),
            reply_markup=inside_vacation_keyboard(
                [(c.booking.id, c.booking.version, _session_label(c.booking, c.client_name, user.timezone)) for c in some]
            ),
        )


# -- removing -------------------------------------------------------------------------------


async def remove(
    query: CallbackQuery, message: Message, callback_data: VacationRemove, state: FSMContext, uow: UnitOfWork, clock: Clock,
    therapist: TherapistProfile,
    callback_answer: CallbackAnswer,
) -> None:
    vacation = await _changeable(uow, clock, therapist, callback_data.id, callback_answer=callback_answer)
    if vacation is None:
        return
    await leave_cabinet_steps(state)
    today = today_of(therapist, clock)
    if not callback_data.confirmed:
        question = (
            _("End this vacation now? Its days so far stay on record; from today clients can book you again.")
            if vacation.first_day < today
            else _("Remove the vacation {dates}? Clients will be able to book you on those days again.").format(
                dates=vacation_dates(vacation)
            )
        )
        await replace_message(message, question, confirm_removal_keyboard(vacation))
        return
    outcome = await remove_vacation(uow, clock, therapist_id=therapist.telegram_id, vacation_id=vacation.id)
    callback_answer.text = _("Vacation ended.") if outcome is Removal.ENDED else _("Vacation removed.")
    profile = await uow.therapists.get(therapist.telegram_id)
    assert profile is not None
    text, markup = _overview(profile, today)
    await replace_message(message, text, markup)


# -- sessions inside a vacation ----------------------------------------------------------------


def _inside_text(vacation: Vacation, conflicts: list[Conflict], zone: str) -> str:
    head = _(
        "These sessions were booked before and fall inside your vacation {dates}. For each, choose: keep it, "
        "or cancel it. Cancelling costs the client nothing: they are told and offered other times, and a paid "
        "session is refunded in full."
    ).format(dates=vacation_dates(vacation))
    lines = [
        "• " + _("{session} — {status}").format(
            session=_session_label(c.booking, c.client_name, zone), status=status_label(c.booking.status)
        )
        for c in conflicts
    ]
    return head + "\n\n" + "\n".join(lines)


async def decide_session(
    query: CallbackQuery, callback_data: InsideVacation, uow: UnitOfWork, clock: Clock, user: User,
    therapist: TherapistProfile,
    callback_answer: CallbackAnswer,
) -> None:
    me, booking_id = therapist.telegram_id, callback_data.booking_id
    try:
        if callback_data.keep:
            booking = await kept_booking(uow, therapist_id=me, booking_id=booking_id)
        else:
            booking = await cancel_for_vacation(uow, clock, therapist_id=me, booking_id=booking_id, version=callback_data.version)
    except BookingNotFound:
        alert(callback_answer, _("This session was not found among yours."))
        return
    except (BookingChanged, BookingRefused) as refused:
        now = refused.booking if isinstance(refused, BookingChanged) else await uow.bookings.get(booking_id)
        assert now is not None
        alert(callback_answer, _("This session has changed meanwhile (moved, cancelled or answered), so nothing was done. /sessions shows how it stands."))
        await _decided(query, booking_id, "• " + _("{session}: changed meanwhile, see /sessions").format(
            session=await _label(uow, now, user.timezone)
        ))
        return
    label = await _label(uow, booking, user.timezone)
    if callback_data.keep:
        callback_answer.text = _("Kept.")
        await _decided(query, booking_id, "✅ " + _("Kept: {session}").format(session=label))
    else:
        callback_answer.text = _("Cancelled. The client is told and offered other times.")
        await _decided(query, booking_id, "✖️ " + _("Cancelled: {session}").format(session=label))


async def _decided(query: CallbackQuery, booking_id: int, outcome: str) -> None:
    """The list loses the session's buttons and gains a line saying what became of it."""
    message = query.message
    if not isinstance(message, Message) or message.text is None:
        return
    rows = []
    for row in message.reply_markup.inline_keyboard if message.reply_markup else []:
        named = [InsideVacation.unpack(b.callback_data) for b in row if b.callback_data and b.callback_data.startswith("kvb:")]
        if any(button.booking_id == booking_id for button in named):
            continue
        rows.append(row)
    text = message.text + "\n" + outcome
    if not rows:
        text += "\n\n" + _("All decided.")
    await replace_message(message, text, InlineKeyboardMarkup(inline_keyboard=rows) if rows else None)


async def _label(uow: UnitOfWork, booking: Booking, zone: str) -> str:
    client = await uow.users.get(booking.client_id)
    return _session_label(booking, client.shown_name if client else "—", zone)


def _session_label(booking: Booking, client_name: str, zone: str) -> str:
    return _("{day}, {time} · {client}").format(
        day=day_label(booking.starts_at, zone), time=local_time(booking.starts_at, zone), client=client_name
    )


# -- leaving, and what is not a date --------------------------------------------------------------


async def stop(message: Message, state: FSMContext) -> None:
    await end(state)
    await message.answer(_("Stopped; your vacations are as they were. /vacation shows them."))


async def _date_expected(clock: Clock, therapist: TherapistProfile) -> tuple[str, None]:
    return _("Please type the date as text.") + "\n\n" + _ask_first_day(today_of(therapist, clock)), None


async def _last_day_expected(draft: VacationDraft) -> tuple[str, None]:
    return _("Please type the date as text.") + "\n\n" + _ask_last_day(_first(draft)), None


async def _note_expected() -> tuple[str, InlineKeyboardMarkup]:
    return _("Please type the note as text, or press Skip.") + "\n\n" + _ask_note(), skip_note_keyboard()


FIRST_DAY = Step(CabinetVacation.first_day, VacationDraft, take=_typed_first_day, expected=_date_expected)
LAST_DAY = Step(CabinetVacation.last_day, VacationDraft, take=_typed_last_day, expected=_last_day_expected)
NOTE = Step(CabinetVacation.note, VacationDraft, take=_typed_note, expected=_note_expected)


# -- inside ------------------------------------------------------------------------------------


async def _changeable(
    uow: UnitOfWork, clock: Clock, therapist: TherapistProfile, vacation_id: int, callback_answer: CallbackAnswer
) -> Vacation | None:
    """The therapist's own vacation, still ahead or ongoing; otherwise the button is answered and None returned."""
    try:
        return await vacation_of(uow, clock, therapist_id=therapist.telegram_id, vacation_id=vacation_id)
    except VacationGone:
        alert(callback_answer, _("This vacation is no longer there. /vacation shows your vacations."))
    except VacationOver:
        alert(callback_answer, _("This vacation is over; past vacations are kept as they were."))
    return None


def _vacation_gone(clock: Clock, therapist: TherapistProfile) -> Leave:
    text, markup = _overview(therapist, today_of(therapist, clock))
    return Leave(_("This vacation was removed or has ended meanwhile; nothing was saved.") + "\n\n" + text, markup)


def _first(draft: VacationDraft) -> date:
    if draft.first is None:  # a draft past the first day always holds it
        raise Leave(_("This was left unfinished. Please start again."))
    return draft.first


def _last(draft: VacationDraft) -> date:
    if draft.last is None:
        raise Leave(_("This was left unfinished. Please start again."))
    return draft.last


def _line(vacation: Vacation) -> str:
    if vacation.note:
        return "• " + _("{dates} · {note}").format(dates=vacation_dates(vacation), note=vacation.note)
    return "• " + vacation_dates(vacation)


def _visibility(hide: bool) -> str:
    if hide:
        return _("During a vacation nobody can book you, and your profile is hidden from the directory.")
    return _("During a vacation nobody can book you, but your profile stays in the directory.")


def _examples(day: date) -> str:
    """«14.12 / 14.12.2026»: the day and month are enough; the example is never a day gone by."""
    return f"{day:%d.%m} / {day:%d.%m.%Y}"


def _ask_first_day(today: date) -> str:
    return _("First day of the vacation? Type a date, like {examples}. /cancel to stop.").format(
        examples=_examples(example_day(today))
    )


def _ask_last_day(first: date) -> str:
    return _("Starting {first}. Last day of the vacation (it is included)? Type a date, like {examples}.").format(
        first=calendar_day(first), examples=_examples(example_day(first))
    )


def _ask_note() -> str:
    return _("A note for yourself, e.g. «Winter holidays» (clients don't see it), or press Skip.")


def _date_refusal(refused: VacationRefused, therapist: TherapistProfile, clock: Clock, first: date | None = None) -> str:
    problem = refused.problem
    if problem is DateProblem.FORMAT:
        example = example_day(first or today_of(therapist, clock))
        return _("I can't read that as a date. Please type it like {examples}.").format(examples=_examples(example))
    if problem is DateProblem.PAST:
        return _("That day has passed. A vacation can start today, {today}, or later.").format(
            today=calendar_day(today_of(therapist, clock))
        )
    if problem is DateProblem.TOO_FAR:
        return _("That is too far ahead. A vacation can start no later than {day}.").format(
            day=calendar_day(today_of(therapist, clock) + FARTHEST_START)
        )
    if problem is DateProblem.ORDER:
        assert first is not None
        return _("The last day can't come before the first, {first}.").format(first=calendar_day(first))
    if problem is DateProblem.TOO_LONG:
        return _(
            "That is longer than {days} days. For a longer break, pause new clients in your profile instead."
        ).format(days=MAX_DAYS)
    if problem is DateProblem.NOTE_TOO_LONG:
        return _("The note can be up to {limit} characters.").format(limit=MAX_NOTE)
    assert refused.clash is not None
    return _("That overlaps your vacation {dates}. Change that one instead, or choose other days.").format(
        dates=vacation_dates(refused.clash)
    )
