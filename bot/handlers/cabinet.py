"""The therapist's cabinet: its overview, the profile as clients see it, pausing, the personal brand, the month.

Hours, vacations and profile edits are conversations of their own
(bot/flows/working_hours.py, vacation.py, profile_edit.py). Every handler
here is behind the cabinet gate: verified therapists only, their own profile only.
"""
from __future__ import annotations

import re
from datetime import datetime

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.cabinet_gate import CabinetRouter, leave_cabinet_steps
from bot.editing import replace_message
from bot.handlers.applying import REFERRAL_PAYLOAD
from bot.handlers.directory import share_link
from bot.keyboards.cabinet import (
    Accepting,
    MediaOptIn,
    Section,
    brand_keyboard,
    cabinet_keyboard,
    profile_keyboard,
)
from bot.menus import BUTTON_MONTH, BUTTON_PROFILE
from bot.settings import Settings
from bot.views.bookings import profile_text
from bot.views.cabinet import field_name, profile_state, shown_value, vacation_dates, waiting_line
from bot.views.lengths import CAPTION_LIMIT, clip
from bot.views.meetings import place_line
from bot.views.presenting import calendar_day, money, zone_label
from core.clock import Clock
from core.platform_rules import FREE_CANCELLATION_HOURS
from core.ports import UnitOfWork
from core.therapists import TherapistProfile
from core.usecases.booking import free_times
from core.usecases.cabinet import MonthFigures, month_figures, set_accepting_clients, set_media_opt_in
from core.usecases.profile_changes import waiting_of
from core.usecases.vacations import today_of
from core.usecases.waitlist import how_many_wait
from core.users import User
from web.links import landing_path


def commands() -> Router:
    router = CabinetRouter(name="cabinet-commands")
    router.message.register(show_overview, Command("cabinet"))
    router.message.register(show_profile, Command("profile"))
    router.message.register(show_profile, F.text == BUTTON_PROFILE)
    router.message.register(show_month, F.text == BUTTON_MONTH)
    return router


def router() -> Router:
    router = CabinetRouter(name="cabinet")
    router.callback_query.register(overview_again, Section.filter(F.name == "overview"))
    router.callback_query.register(profile_again, Section.filter(F.name == "profile"))
    router.callback_query.register(switch_accepting, Accepting.filter())
    router.callback_query.register(show_brand, Section.filter(F.name == "brand"))
    router.callback_query.register(switch_media, MediaOptIn.filter())
    router.callback_query.register(month_again, Section.filter(F.name == "month"))
    return router


# -- the overview -------------------------------------------------------------------


async def show_overview(
    message: Message, state: FSMContext, uow: UnitOfWork, clock: Clock, therapist: TherapistProfile, settings: Settings
) -> None:
    await leave_cabinet_steps(state)
    await message.answer(await _overview(uow, clock, therapist, settings), reply_markup=cabinet_keyboard())


async def overview_again(
    query: CallbackQuery, message: Message, state: FSMContext, uow: UnitOfWork, clock: Clock, therapist: TherapistProfile, settings: Settings
) -> None:
    await leave_cabinet_steps(state)
    await replace_message(message, await _overview(uow, clock, therapist, settings), cabinet_keyboard())


async def _overview(uow: UnitOfWork, clock: Clock, therapist: TherapistProfile, settings: Settings) -> str:
    today = today_of(therapist, clock)
    days = len({interval.weekday for interval in therapist.hours})
    hours = (
        _("🗓 Weekly hours: set on {days} of 7 days.").format(days=days)
        if days
        else _("🗓 Weekly hours: not set yet. Clients can book you once you add them.")
    )
    ahead = [vacation for vacation in therapist.vacations if vacation.last_day >= today]
    vacation = (
        _("🏖 Next vacation: {dates}.").format(dates=vacation_dates(ahead[0]))
        if ahead
        else _("🏖 No vacation planned.")
    )
    waiting = await waiting_of(uow, therapist_id=therapist.telegram_id)
    changes = (
        _("✏️ Profile changes waiting for approval: {count}.").format(count=len(waiting)) if waiting else ""
    )
    lines = [
        _("🧑‍⚕️ Your cabinet, {name}").format(name=therapist.full_name),
        profile_state(therapist, clock.now()),
        waiting_line(await how_many_wait(uow, clock, therapist.telegram_id)),
        hours,
        vacation,
        place_line(therapist, settings.meeting_base_url),
        changes,
    ]
    return "\n\n".join(line for line in lines if line)


# -- the profile --------------------------------------------------------------------


async def show_profile(
    message: Message,
    state: FSMContext,
    uow: UnitOfWork,
    clock: Clock,
    user: User,
    settings: Settings,
    bot: Bot,
    therapist: TherapistProfile,
) -> None:
    await leave_cabinet_steps(state)
    await send_profile(message, uow, clock, user, settings, bot, therapist)


async def profile_again(
    query: CallbackQuery,
    message: Message,
    state: FSMContext,
    uow: UnitOfWork,
    clock: Clock,
    user: User,
    settings: Settings,
    bot: Bot,
    therapist: TherapistProfile,
) -> None:
    await leave_cabinet_steps(state)
    await send_profile(message, uow, clock, user, settings, bot, therapist)


async def send_profile(
    message: Message, uow: UnitOfWork, clock: Clock, user: User, settings: Settings, bot: Bot, therapist: TherapistProfile
) -> None:
    """The profile exactly as a client opens it, then what the therapist can do with it."""
    free = await free_times(uow, clock, therapist, settings.booking_policy())
    if therapist.photo_file_id:
        await message.answer_photo(therapist.photo_file_id, caption=clip(therapist.full_name, CAPTION_LIMIT))
    await message.answer(profile_text(therapist, free[0] if free else None, user.timezone, await share_link(bot, therapist)))
    await message.answer(await _control(uow, clock, therapist), reply_markup=profile_keyboard(therapist.accepting_clients))


async def _control(uow: UnitOfWork, clock: Clock, therapist: TherapistProfile) -> str:
    parts = [
        _("👤 Above is your profile as clients see it."),
        profile_state(therapist, clock.now()),
        waiting_line(await how_many_wait(uow, clock, therapist.telegram_id)),
    ]
    parts = [part for part in parts if part]
    waiting = await waiting_of(uow, therapist_id=therapist.telegram_id)
    if waiting:
        lines = [
            "• " + _("{field}: {value}").format(field=field_name(change.field), value=shown_value(change.field, change.value))
            for change in waiting
        ]
        parts.append(_("Waiting for approval:") + "\n" + clip("\n".join(lines), 2500))
    # Only the profile's contents wait for the team; the pause button works at once, and the note says so
    # right under it, so a therapist who just paused does not read that the pause waits too.
    parts.append(
        _(
            "Changes to your text, price, topics, approaches and photo go to the platform's team first and show once "
            "they approve them. Pausing and resuming take effect at once."
        )
    )
    return "\n\n".join(parts)


async def switch_accepting(
    query: CallbackQuery, message: Message, callback_data: Accepting, uow: UnitOfWork, clock: Clock, therapist: TherapistProfile, callback_answer: CallbackAnswer
) -> None:
    profile = await set_accepting_clients(uow, clock, therapist_id=therapist.telegram_id, accepting=callback_data.on)
    callback_answer.text = (
        _("Paused right away: you are out of the directory. Your booked sessions stay.")
        if not profile.accepting_clients
        else _("You take new clients again, from now on.")
    )
    await replace_message(message, await _control(uow, clock, profile), profile_keyboard(profile.accepting_clients))


# -- the personal brand ----------------------------------------------------------------


async def show_brand(query: CallbackQuery, message: Message, bot: Bot, therapist: TherapistProfile, settings: Settings) -> None:
    await replace_message(message, await _brand(bot, therapist, settings), brand_keyboard(therapist.media_opt_in))


async def switch_media(
    query: CallbackQuery, message: Message, callback_data: MediaOptIn, uow: UnitOfWork, bot: Bot, therapist: TherapistProfile, settings: Settings, callback_answer: CallbackAnswer
) -> None:
    profile = await set_media_opt_in(uow, therapist_id=therapist.telegram_id, taking_part=callback_data.on)
    callback_answer.text = _("Noted: we will invite you when there is a project for you.") if profile.media_opt_in else _("Noted: no invitations.")
    await replace_message(message, await _brand(bot, profile, settings), brand_keyboard(profile.media_opt_in))


async def _brand(bot: Bot, therapist: TherapistProfile, settings: Settings) -> str:
    link = await share_link(bot, therapist)
    parts = [
        _("🔗 Your own page on the platform: {page}\nIn Telegram: {link}").format(
            page=settings.public_url() + landing_path(therapist.share_code), link=link
        ),
        _(
            "Share it on your site, in social networks or in your e-mail signature: whoever opens it lands on "
            "your profile and can book a time with you."
        ),
    ]
    invite = f"ref_{therapist.share_code}"
    if re.match(REFERRAL_PAYLOAD, invite):
        me = await bot.me()
        parts.append(
            _("Know a colleague who would fit the platform? This link starts their application: {link}").format(
                link=f"https://t.me/{me.username}?start={invite}"
            )
        )
    parts.append(
        _("🎬 Videos, podcasts and articles: you take part. We will invite you when there is a project for you.")
        if therapist.media_opt_in
        else _("🎬 Videos, podcasts and articles: you don't take part now. Taking part is optional and free.")
    )
    return "\n\n".join(parts)


# -- the month ----------------------------------------------------------------------


async def show_month(message: Message, state: FSMContext, uow: UnitOfWork, clock: Clock, therapist: TherapistProfile) -> None:
    await leave_cabinet_steps(state)
    figures = await month_figures(uow, clock, therapist_id=therapist.telegram_id)
    await message.answer(month_text(figures, clock.now()))


async def month_again(query: CallbackQuery, message: Message, state: FSMContext, uow: UnitOfWork, clock: Clock, therapist: TherapistProfile) -> None:
    await leave_cabinet_steps(state)
    figures = await month_figures(uow, clock, therapist_id=therapist.telegram_id)
    await message.answer(month_text(figures, clock.now()))


def month_text(figures: MonthFigures, now: datetime) -> str:
    money_now = figures.money
    sessions = "\n".join(
        [
            _("📊 Your month since {day} ({zone})").format(day=calendar_day(figures.month), zone=zone_label(figures.zone, now)),
            _("Sessions held: {count}").format(count=figures.held),
            _("Still booked this month: {count}").format(count=figures.ahead),
            _("New clients: {count}").format(count=figures.new_clients),
            ngettext(
                "Cancelled by clients: {count}, of them less than {hours} hour ahead (counted as held): {late}",
                "Cancelled by clients: {count}, of them less than {hours} hours ahead (counted as held): {late}",
                FREE_CANCELLATION_HOURS,
            ).format(count=figures.cancelled_by_clients, late=figures.cancelled_late, hours=FREE_CANCELLATION_HOURS),
            _("Cancelled by you: {count}").format(count=figures.cancelled_by_therapist),
        ]
    )
    earned = "\n".join(
        [
            _("💰 Your share of the sessions held: {amount}").format(amount=money(money_now.held_minor)),
            _("Expected from paid sessions ahead: {amount}").format(amount=money(money_now.expected_minor)),
            _("Paid out to you this month: {amount}").format(amount=money(money_now.paid_out_minor)),
        ]
    )
    if money_now.due:
        due = _("Due to you:") + "\n" + "\n".join(
            "• " + _("{amount} by {day}").format(amount=money(payout.amount_minor), day=calendar_day(payout.due_on))
            for payout in money_now.due[:20]
        )
    else:
        due = _("Nothing is waiting to be paid out to you.")
    return "\n\n".join([sessions, earned, due, _("Every payout in detail: /earnings")])
