"""Weekly hours: the week at a glance, a day's intervals, adding and changing one by typing it, the session format.

An interval is typed as "09:00-13:00" in the therapist's own zone. A typed
interval that can't be taken (the form, the order, too short for a session,
overlapping another) is explained and the step waits for another try.
An ordinary week takes one message: a line per group of days ("Пн–Пт 10:00–18:00",
"daily 9-17"), typed after "Several days in one line" or instead of a day's hours;
or a day's hours copied to the other weekdays with one button. Lines that can't be
read are sent back as typed, so nothing is lost, and the step waits for them.
"""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

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
    FormatSet,
    FormatView,
    HoursAdd,
    HoursChange,
    HoursCopy,
    HoursDay,
    HoursLines,
    HoursRemove,
    Preview,
    Section,
    back_to_week,
    clock_time,
    day_keyboard,
    format_keyboard,
    span,
    week_keyboard,
)
from bot.menus import BUTTON_HOURS
from bot.middlewares.callback_answer import alert, out_of_date
from bot.settings import Settings
from bot.views.presenting import day_label, local_time, weekday_name, weekday_on, weekday_short, zone_city, zone_label
from core.clock import Clock
from core.ports import UnitOfWork
from core.rules.working_hours import DaysLine, IntervalProblem, IntervalRefused, parse_days_line, parse_interval
from core.schedule import WorkingHours
from core.therapists import TherapistProfile
from core.usecases.working_hours import (
    DaysAdded,
    IntervalGone,
    NotAChoice,
    add_hours,
    add_lines,
    change_hours,
    copy_day,
    next_free_times,
    remove_hours,
    set_session_format,
)

PREVIEW_DAYS = 7
EXAMPLE = "09:00-13:00"


class CabinetHours(CabinetSteps):
    adding = State()
    changing = State()
    lines = State()  # several days at once, a line for each group of days


class HoursDraft(Draft):
    weekday: int = 0  # the day hours are added to, or changed on
    start: int = 0  # the interval being changed, in minutes of the day
    end: int = 0


def commands() -> Router:
    router = CabinetRouter(name="working-hours-commands")
    router.message.register(show_week, Command("hours"))
    router.message.register(show_week, F.text == BUTTON_HOURS)
    router.message.register(stop, StateFilter(CabinetHours), Command("cancel"))
    return router


def router() -> Router:
    router = CabinetRouter(name="working-hours")
    router.callback_query.register(week_again, Section.filter(F.name == "hours"))
    router.callback_query.register(open_day, HoursDay.filter())
    router.callback_query.register(start_adding, HoursAdd.filter())
    router.callback_query.register(start_changing, HoursChange.filter())
    router.callback_query.register(start_lines, HoursLines.filter())
    router.callback_query.register(copy_to_weekdays, HoursCopy.filter())
    router.callback_query.register(remove, HoursRemove.filter())
    router.callback_query.register(show_format, FormatView.filter())
    router.callback_query.register(choose_format, FormatSet.filter())
    router.callback_query.register(preview, Preview.filter())
    for step in (LINES, ADDING, CHANGING):
        step.register(router)
    return router


# -- the week and a day ---------------------------------------------------------------


async def show_week(message: Message, state: FSMContext, therapist: TherapistProfile) -> None:
    await leave_cabinet_steps(state)
    await message.answer(week_text(therapist), reply_markup=week_keyboard())


async def week_again(query: CallbackQuery, message: Message, state: FSMContext, therapist: TherapistProfile) -> None:
    await leave_cabinet_steps(state)
    await replace_message(message, week_text(therapist), week_keyboard())


def week_text(therapist: TherapistProfile) -> str:
    lines = [_("🗓 Your weekly hours, in your time zone ({zone}):").format(zone=zone_city(therapist.timezone))]
    for weekday in range(7):
        intervals = _of_day(therapist, weekday)
        lines.append(f"{weekday_short(weekday)}: " + (", ".join(span(i) for i in intervals) if intervals else "—"))
    lines.append("")
    lines.append(_format_line(therapist))
    if not therapist.hours:
        lines.append(_("No hours yet, so clients can't book you. Pick a day to add its hours."))
        lines.append(_("Or the whole week in one message: press ⌨️ and type, say, {example}.").format(example=_("Mon–Fri 10:00–18:00")))
    else:
        lines.append(_("Pick a day to add, change or remove its hours."))
    return "\n".join(lines)


async def open_day(query: CallbackQuery, message: Message, callback_data: HoursDay, state: FSMContext, therapist: TherapistProfile, callback_answer: CallbackAnswer) -> None:
    if not 0 <= callback_data.weekday <= 6:
        out_of_date(callback_answer)
        return
    await leave_cabinet_steps(state)
    text, markup = _day(therapist, callback_data.weekday)
    await replace_message(message, text, markup)


def _day(therapist: TherapistProfile, weekday: int, note: str | None = None) -> tuple[str, InlineKeyboardMarkup]:
    intervals = _of_day(therapist, weekday)
    name = weekday_name(weekday, label=True)
    if intervals:
        body = _("{day}: {intervals}").format(day=name, intervals=", ".join(span(i) for i in intervals))
        body += "\n" + _("✏️ changes an interval, 🗑 removes it. Sessions already booked stay either way.")
    else:
        body = _("{day}: no hours. Add some so clients can book this day.").format(day=name)
    text = f"{note}\n\n{body}" if note else body
    return text, day_keyboard(weekday, intervals)


# -- adding, changing, removing ----------------------------------------------------------


async def start_adding(query: CallbackQuery, message: Message, callback_data: HoursAdd, state: FSMContext, therapist: TherapistProfile, callback_answer: CallbackAnswer) -> None:
    if not 0 <= callback_data.weekday <= 6:
        out_of_date(callback_answer)
        return
    await ADDING.ask(Reply(message), state, HoursDraft(weekday=callback_data.weekday), _ask_new(callback_data.weekday, therapist))


async def start_changing(
    query: CallbackQuery, message: Message, callback_data: HoursChange, state: FSMContext, therapist: TherapistProfile, callback_answer: CallbackAnswer
) -> None:
    interval = _named(callback_data)
    if interval is None or interval not in therapist.hours:
        await _interval_gone(query, therapist, callback_data.weekday, callback_answer=callback_answer)
        return
    draft = HoursDraft(weekday=interval.weekday, start=callback_data.start, end=callback_data.end)
    await CHANGING.ask(Reply(message), state, draft, _ask_change(interval, therapist))


async def _typed_new(
    message: Message, text: str, draft: HoursDraft, state: FSMContext, uow: UnitOfWork, clock: Clock, therapist: TherapistProfile
) -> None:
    if _names_days(text):  # «Mon–Fri 10–18» while adding to one day: several days at once
        await _typed_lines(message, text, state, uow, clock, therapist)
        return
    weekday = draft.weekday
    try:
        opens, closes = parse_interval(text)
        interval = await add_hours(uow, clock, therapist_id=therapist.telegram_id, weekday=weekday, start=opens, end=closes)
    except IntervalRefused as refused:
        raise Stay(_refusal(refused, weekday, therapist) + "\n\n" + _ask_new(weekday, therapist)) from None
    await end(state)
    await _saved(message, uow, therapist, interval)


async def _typed_change(
    message: Message, text: str, draft: HoursDraft, state: FSMContext, uow: UnitOfWork, clock: Clock, therapist: TherapistProfile
) -> None:
    old = _changed(draft)
    try:
        opens, closes = parse_interval(text)
        interval = await change_hours(uow, clock, therapist_id=therapist.telegram_id, old=old, start=opens, end=closes)
    except IntervalRefused as refused:
        raise Stay(_refusal(refused, old.weekday, therapist) + "\n\n" + _ask_change(old, therapist)) from None
    except IntervalGone:
        raise Leave(*_day(therapist, old.weekday, _("These hours were changed meanwhile; nothing was saved."))) from None
    await end(state)
    await _saved(message, uow, therapist, interval)


def _changed(draft: HoursDraft) -> WorkingHours:
    old = _named(HoursChange(weekday=draft.weekday, start=draft.start, end=draft.end))
    if old is None:
        raise Leave(_("This was left unfinished. Please start again."))
    return old


async def remove(
    query: CallbackQuery, callback_data: HoursRemove, uow: UnitOfWork, clock: Clock, therapist: TherapistProfile, callback_answer: CallbackAnswer
) -> None:
    interval = _named(callback_data)
    try:
        if interval is None:
            raise IntervalGone(callback_data)
        await remove_hours(uow, clock, therapist_id=therapist.telegram_id, interval=interval)
    except IntervalGone:
        await _interval_gone(query, therapist, callback_data.weekday, callback_answer=callback_answer)
        return
    callback_answer.text = _("Removed: {span}.").format(span=span(interval))
    profile = await uow.therapists.get(therapist.telegram_id)
    assert profile is not None and isinstance(query.message, Message)
    text, markup = _day(profile, interval.weekday)
    await replace_message(query.message, text, markup)


# -- several days at once -------------------------------------------------------------------


async def start_lines(query: CallbackQuery, message: Message, state: FSMContext, therapist: TherapistProfile) -> None:
    await LINES.ask(Reply(message), state, HoursDraft(), _ask_lines(therapist))


async def _typed_lines(
    message: Message, text: str, state: FSMContext, uow: UnitOfWork, clock: Clock, therapist: TherapistProfile
) -> None:
    """Each readable line is saved; unreadable ones come back as typed, and the step waits for them."""
    read: list[DaysLine] = []
    unread: list[str] = []
    for line in (line.strip() for line in text.splitlines()):
        if not line:
            continue
        try:
            read.append(parse_days_line(line))
        except IntervalRefused:
            unread.append(line)
    outcome = await add_lines(uow, clock, therapist_id=therapist.telegram_id, lines=read) if read else DaysAdded()
    report = _days_report(outcome, therapist)
    if unread:
        report.append(_unread_lines(unread))
        await LINES.ask(Reply(message), state, HoursDraft(), "\n\n".join(report))
        return
    await end(state)
    profile = await uow.therapists.get(therapist.telegram_id)
    assert profile is not None
    await message.answer("\n\n".join([*report, week_text(profile)]), reply_markup=week_keyboard())


async def copy_to_weekdays(
    query: CallbackQuery, callback_data: HoursCopy, state: FSMContext, uow: UnitOfWork, clock: Clock, therapist: TherapistProfile, callback_answer: CallbackAnswer
) -> None:
    if not 0 <= callback_data.weekday <= 6:
        out_of_date(callback_answer)
        return
    await leave_cabinet_steps(state)
    outcome = await copy_day(uow, clock, therapist_id=therapist.telegram_id, weekday=callback_data.weekday)
    profile = await uow.therapists.get(therapist.telegram_id)
    assert profile is not None and isinstance(query.message, Message)
    report = _days_report(outcome, therapist) or [_("This day has no hours to copy.")]
    await replace_message(query.message, "\n\n".join([*report, week_text(profile)]), week_keyboard())


def _names_days(text: str) -> bool:
    """Typed for one day, a line that names days ("Пн–Пт 10–18") is taken for those days."""
    for line in text.splitlines():
        try:
            parse_days_line(line)
        except IntervalRefused:
            continue
        return True
    return False


def _days_report(outcome: DaysAdded, therapist: TherapistProfile) -> list[str]:
    """What was saved, what was there already and what was not, each interval with its days together."""
    lines = [
        _("✅ Saved: {days}, {span}.").format(days=days, span=hours) for days, hours in _grouped(outcome.added)
    ]
    lines += [
        _("Already in your week: {days}, {span}.").format(days=days, span=hours) for days, hours in _grouped(outcome.already)
    ]
    for interval, refused in outcome.refused:
        lines.append(
            _("✖️ Not saved: {days}, {span}. {why}").format(
                days=weekday_short(interval.weekday), span=span(interval), why=_refusal(refused, interval.weekday, therapist)
            )
        )
    return ["\n".join(lines)] if lines else []


def _grouped(intervals: list[WorkingHours]) -> list[tuple[str, str]]:
    """("Пн–Пт", "10:00–18:00") for the same hours on several days, in the order they first come."""
    days_of: dict[str, list[int]] = {}
    for interval in intervals:
        days_of.setdefault(span(interval), []).append(interval.weekday)
    return [(days_label(weekdays), hours) for hours, weekdays in days_of.items()]


def days_label(weekdays: list[int]) -> str:
    """Runs of days joined by a dash, the rest by commas: «Пн–Пт», «Пн, Ср, Пт–Нд»."""
    runs: list[list[int]] = []
    for weekday in sorted(set(weekdays)):
        if runs and weekday == runs[-1][-1] + 1:
            runs[-1].append(weekday)
        else:
            runs.append([weekday])
    return ", ".join(
        weekday_short(run[0]) if len(run) == 1 else
        (f"{weekday_short(run[0])}, {weekday_short(run[1])}" if len(run) == 2 else f"{weekday_short(run[0])}–{weekday_short(run[-1])}")
        for run in runs
    )


def _week_examples() -> str:
    return "\n".join([_("Mon–Fri 10:00–18:00"), _("Sat 10:00–14:00")])


def _ask_lines(therapist: TherapistProfile) -> str:
    return _(
        "Type the hours for several days at once, a line for each group of days, in your time zone ({zone}). "
        "For example:\n{examples}\nor: {daily}\n/cancel to stop."
    ).format(zone=zone_city(therapist.timezone), examples=_week_examples(), daily=_("daily 9–17"))


def _unread_lines(unread: list[str]) -> str:
    return _(
        "I couldn't read these lines, so nothing from them is saved yet:\n{lines}\n"
        "Each line takes the days, then the hours, like {example} or {daily}. Copy a line, fix it and send it again, "
        "or /cancel."
    ).format(lines="\n".join(f"«{line}»" for line in unread), example=_("Mon–Fri 10:00–18:00"), daily=_("daily 9–17"))


async def stop(message: Message, state: FSMContext) -> None:
    await end(state)
    await message.answer(_("Stopped; your hours are as they were. /hours shows them."))


async def _lines_expected(therapist: TherapistProfile) -> tuple[str, None]:
    return _("Please type the hours as text.") + "\n\n" + _ask_lines(therapist), None


async def _new_expected(draft: HoursDraft, therapist: TherapistProfile) -> tuple[str, None]:
    return _("Please type the hours as text.") + "\n\n" + _ask_new(draft.weekday, therapist), None


async def _change_expected(draft: HoursDraft, therapist: TherapistProfile) -> tuple[str, None]:
    return _("Please type the hours as text.") + "\n\n" + _ask_change(_changed(draft), therapist), None


LINES = Step(CabinetHours.lines, HoursDraft, take=_typed_lines, expected=_lines_expected)
ADDING = Step(CabinetHours.adding, HoursDraft, take=_typed_new, expected=_new_expected)
CHANGING = Step(CabinetHours.changing, HoursDraft, take=_typed_change, expected=_change_expected)


async def _saved(message: Message, uow: UnitOfWork, therapist: TherapistProfile, interval: WorkingHours) -> None:
    profile = await uow.therapists.get(therapist.telegram_id)
    assert profile is not None
    note = _("✅ Saved: {day}, {span}.").format(day=weekday_name(interval.weekday), span=span(interval))
    text, markup = _day(profile, interval.weekday, note)
    await message.answer(text, reply_markup=markup)


async def _interval_gone(query: CallbackQuery, therapist: TherapistProfile, weekday: int, callback_answer: CallbackAnswer) -> None:
    alert(callback_answer, _("These hours have changed since this button was made. Here is the day as it is now."))
    if 0 <= weekday <= 6 and isinstance(query.message, Message):
        text, markup = _day(therapist, weekday)
        await replace_message(query.message, text, markup)


# -- the session format and the preview ---------------------------------------------------


async def show_format(query: CallbackQuery, message: Message, therapist: TherapistProfile) -> None:
    await replace_message(message, _format_text(therapist), format_keyboard(therapist.session))


async def choose_format(
    query: CallbackQuery, callback_data: FormatSet, uow: UnitOfWork, clock: Clock, therapist: TherapistProfile, callback_answer: CallbackAnswer
) -> None:
    try:
        await set_session_format(
            uow, clock, therapist_id=therapist.telegram_id, length_minutes=callback_data.length, break_minutes=callback_data.gap
        )
    except NotAChoice:
        out_of_date(callback_answer)
        return
    profile = await uow.therapists.get(therapist.telegram_id)
    assert profile is not None and isinstance(query.message, Message)
    callback_answer.text = _("Saved.")
    await replace_message(query.message, _format_text(profile), format_keyboard(profile.session))


def _format_text(therapist: TherapistProfile) -> str:
    return "\n\n".join(
        [
            _format_line(therapist),
            _(
                "Free times follow each other by the session and the break: with 50 minutes and a 10-minute break, "
                "a 10:00–13:00 interval gives 10:00, 11:00 and 12:00. Sessions already booked keep their length."
            ),
        ]
    )


async def preview(
    query: CallbackQuery, message: Message, uow: UnitOfWork, clock: Clock, settings: Settings, therapist: TherapistProfile
) -> None:
    policy = settings.booking_policy()
    profile, free = await next_free_times(uow, clock, therapist_id=therapist.telegram_id, policy=policy)
    notice_hours = int(policy.notice_for(profile).total_seconds() // 3600)
    text = _preview_text(profile, free, clock.now(), notice_hours, policy.horizon.days)
    await replace_message(message, text, back_to_week())


def _preview_text(
    profile: TherapistProfile, free: list[datetime], now: datetime, notice_hours: int, horizon_days: int
) -> str:
    zone = profile.timezone
    head = _(
        "👀 Your next free times, as clients see them (here in your zone, {zone}; each client sees them in their own):"
    ).format(zone=zone_label(zone, now))
    by_day: dict[str, list[str]] = {}
    for start in free:
        day = day_label(start, zone)
        if day not in by_day and len(by_day) == PREVIEW_DAYS:
            break
        by_day.setdefault(day, []).append(local_time(start, zone))
    if not by_day:
        body = _("No free times in the next {days} days. Add weekly hours, or look at your vacations.").format(
            days=horizon_days
        )
    else:
        body = "\n".join(f"{day}: {', '.join(times)}" for day, times in by_day.items())
    parts = [head, body]
    if not profile.accepting_clients or profile.hidden:
        parts.append(_("While your profile is paused or hidden, clients can't see or book these times."))
    local_now = now.astimezone(ZoneInfo(zone))
    parts.append(
        _("Clients book from {hours} hours ahead; it is {time} for you now.").format(
            hours=notice_hours, time=f"{local_now:%H:%M}"
        )
    )
    return "\n\n".join(parts)


# -- inside ---------------------------------------------------------------------------------


def _of_day(therapist: TherapistProfile, weekday: int) -> list[WorkingHours]:
    return sorted((i for i in therapist.hours if i.weekday == weekday), key=lambda i: i.start)


def _named(button: HoursChange | HoursRemove) -> WorkingHours | None:
    start, end = clock_time(button.start), clock_time(button.end)
    if start is None or end is None or not 0 <= button.weekday <= 6 or not start < end:
        return None
    return WorkingHours(button.weekday, start, end)


def _format_line(therapist: TherapistProfile) -> str:
    return _("Sessions last {length} min, with a {gap}-minute break after each.").format(
        length=int(therapist.session.length.total_seconds() // 60), gap=int(therapist.session.gap.total_seconds() // 60)
    )


def _ask_new(weekday: int, therapist: TherapistProfile) -> str:
    return _(
        "Type the hours to add on {day}, like {example}, in your time zone ({zone}). /cancel to stop."
    ).format(day=weekday_on(weekday), example=EXAMPLE, zone=zone_city(therapist.timezone))


def _ask_change(interval: WorkingHours, therapist: TherapistProfile) -> str:
    return _(
        "Type the new hours instead of {span} on {day}, like {example}, in your time zone ({zone}). /cancel to stop."
    ).format(span=span(interval), day=weekday_on(interval.weekday), example=EXAMPLE, zone=zone_city(therapist.timezone))


def _refusal(refused: IntervalRefused, weekday: int, therapist: TherapistProfile) -> str:
    if refused.problem is IntervalProblem.FORMAT:
        return _("I can't read that as hours. Please type a start and an end on the 24-hour clock, like {example}.").format(
            example=EXAMPLE
        )
    if refused.problem is IntervalProblem.ORDER:
        return _("The start has to come before the end.")
    if refused.problem is IntervalProblem.TOO_SHORT:
        return _("That is shorter than one session ({minutes} min), so nobody could book it.").format(
            minutes=int(therapist.session.length.total_seconds() // 60)
        )
    assert refused.clash is not None
    return _("That overlaps your hours {span} on {day}. Change those instead, or type hours that don't overlap.").format(
        span=span(refused.clash), day=weekday_on(weekday)
    )
