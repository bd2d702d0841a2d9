"""/stats: the platform's figures computed live, and the same four figures as applicants read them."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.access import StaffRouter
from bot.editing import replace_message
from bot.keyboards.stats import StatsRefresh, refresh_button
from bot.settings import Settings
from bot.views.applications import step_name
from bot.views.presenting import local_day, money, number, zone_label
from core.clock import Clock
from core.ports import UnitOfWork
from core.rules import platform_figures
from core.rules.platform_figures import PlatformFigures
from core.staff import Permission
from core.usecases.stats import StaffStats, figures_now, staff_stats


def commands() -> Router:
    router = StaffRouter(name="stats-commands", permission=Permission.SEE_STATS)
    router.message.register(show_stats, Command("stats"))
    return router


def router() -> Router:
    router = StaffRouter(name="stats", permission=Permission.SEE_STATS)
    router.callback_query.register(refresh_stats, StatsRefresh.filter())
    return router


async def show_stats(message: Message, uow: UnitOfWork, clock: Clock, settings: Settings) -> None:
    stats = await staff_stats(uow, clock, settings.default_timezone)
    await message.answer(staff_text(stats, settings.default_timezone, clock.now()), reply_markup=refresh_button())


async def refresh_stats(query: CallbackQuery, uow: UnitOfWork, clock: Clock, settings: Settings, callback_answer: CallbackAnswer) -> None:
    stats = await staff_stats(uow, clock, settings.default_timezone)
    callback_answer.text = _("Updated.")
    if isinstance(query.message, Message):
        await replace_message(query.message, staff_text(stats, settings.default_timezone, clock.now()), refresh_button())


async def public_figures_text(uow: UnitOfWork, clock: Clock, settings: Settings) -> str:
    """The figures an applicant reads in «why join»: each that rests on enough, as on the page for specialists
    (core/rules/platform_figures.py: `for_the_public`); "" while none does."""
    public = platform_figures.for_the_public(await figures_now(uow, clock, settings.default_timezone))
    lines = [
        line.format(value=average(value))
        for line, value in (
            (_("• New bookings a day, on average: {value}"), public.new_bookings_per_day),
            (_("• Sessions per specialist, on average: {value}"), public.sessions_per_therapist),
            (_("• New clients per specialist, on average: {value}"), public.new_clients_per_therapist),
        )
        if value is not None
    ]
    if public.earnings_per_therapist_minor is not None:
        lines.append(
            _("• Expected earnings per specialist, on average: {value}").format(value=earnings(public.earnings_per_therapist_minor))
        )
    return "\n".join([_("The platform this month, so far:"), *lines]) if lines else ""


def staff_text(stats: StaffStats, zone: str, now: datetime) -> str:
    figures = stats.figures
    lines = [
        _("📊 The platform this month: {first} – {today} ({zone}).").format(
            first=local_day(figures.month.start, zone), today=local_day(now, zone), zone=zone_label(zone, now)
        ),
        "",
        *_four_figures(figures),
        _("Specialists counted: {count} (verified, and taking clients now or with a paid session this month).").format(
            count=figures.active_therapists
        ),
        "",
        _("Applications by step:"),
        *(f"• {step_name(step)}: {count}" for step, count in stats.funnel),
        "",
        _refunds_line(stats),
        *_matching_lines(stats),
        "",
        _(
            "How they are counted: bookings made this month, except requests declined or left unanswered; sessions "
            "paid and held (late cancellations and no-shows count as held); a new client first paid that specialist "
            "this month; earnings are the specialists' share of paid sessions this month, refunded ones excluded."
        ),
    ]
    return "\n".join(lines)


def _four_figures(figures: PlatformFigures) -> list[str]:
    return [
        _("• New bookings a day, on average: {value} ({count} this month)").format(
            value=average(figures.new_bookings_per_day), count=figures.new_bookings
        ),
        _("• Sessions held per specialist: {value} ({count} in all)").format(
            value=average(figures.sessions_per_therapist), count=figures.sessions_held
        ),
        _("• New clients per specialist: {value} ({count} in all)").format(
            value=average(figures.new_clients_per_therapist), count=figures.new_clients
        ),
        _("• Expected earnings per specialist: {value} ({total} in all)").format(
            value=earnings(figures.earnings_per_therapist_minor), total=earnings(figures.earnings_minor)
        ),
    ]


def _refunds_line(stats: StaffStats) -> str:
    if not stats.refunds:
        return _("Refunds granted this month: none.")
    parts = [
        _("{count} for {amount}").format(count=total.count, amount=money(total.amount_minor, total.currency))
        for total in stats.refunds
    ]
    return _("Refunds granted this month: {parts}.").format(parts="; ".join(parts))


def _matching_lines(stats: StaffStats) -> list[str]:
    matches, waitlists = stats.matches, stats.waitlists
    return [
        ngettext(
            "🧭 «Help me choose»: {count} match made this month, {paid} of them ended in a paid session.",
            "🧭 «Help me choose»: {count} matches made this month, {paid} of them ended in a paid session.",
            matches.made,
        ).format(count=matches.made, paid=matches.paid),
        ngettext(
            "🔔 Waitlists: joined {count} time this month, {paid} of those ended in a paid session.",
            "🔔 Waitlists: joined {count} times this month, {paid} of those ended in a paid session.",
            waitlists.joined,
        ).format(count=waitlists.joined, paid=waitlists.paid),
    ]


def average(value: Decimal | None) -> str:
    """An average, to two decimals in the reader's notation («0,50»); a dash when there is nothing to average."""
    return "—" if value is None else number(value, places=2)


def earnings(minor: int | None) -> str:
    """Kopiyky as money in the reader's notation: 162501 → «1 625,01 ₴»."""
    return "—" if minor is None else money(minor)
