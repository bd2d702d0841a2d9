"""/broadcasts: the latest broadcasts and how each went (delivered, pending, unreachable); stopping one.

Composing and sending one is a conversation: bot/flows/broadcast.py.
"""
from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from bot.access import StaffRouter
from bot.editing import replace_message
from bot.keyboards.broadcast import BroadcastReportOpen, BroadcastStop, confirm_stop, report_buttons, report_list
from bot.middlewares.callback_answer import alert
from bot.views.applications import step_name
from bot.views.presenting import local_moment
from core.broadcasts import Audience, BroadcastReport, Segment
from core.clock import Clock
from core.ports import UnitOfWork
from core.staff import Authority, Permission
from core.usecases.broadcasts import UnknownBroadcast, broadcast_report, recent_broadcasts, stop_broadcast
from core.users import User


def commands() -> Router:
    router = StaffRouter(name="broadcasts-commands", permission=Permission.BROADCAST)
    router.message.register(show_recent, Command("broadcasts"))
    return router


def router() -> Router:
    router = StaffRouter(name="broadcasts", permission=Permission.BROADCAST)
    router.callback_query.register(open_report, BroadcastReportOpen.filter())
    router.callback_query.register(stop, BroadcastStop.filter())
    return router


async def show_recent(message: Message, uow: UnitOfWork, user: User) -> None:
    reports = await recent_broadcasts(uow)
    if not reports:
        await message.answer(_("No broadcasts yet. /broadcast sends one."))
        return
    lines = [_("📣 The latest broadcasts, newest first:")]
    for report in reports:
        outcomes = report.outcomes
        lines.append(
            _("#{number} · {when} · {segment}: ✅ {delivered} · ⏳ {pending} · 🚫 {unreachable}").format(
                number=report.broadcast.id,
                when=local_moment(report.broadcast.created_at, user.timezone),
                segment=segment_name(report.broadcast.segment),
                delivered=outcomes.delivered,
                pending=outcomes.pending,
                unreachable=outcomes.unreachable,
            )
        )
    await message.answer("\n\n".join(lines), reply_markup=report_list(reports))


async def open_report(query: CallbackQuery, callback_data: BroadcastReportOpen, uow: UnitOfWork, user: User, callback_answer: CallbackAnswer) -> None:
    try:
        report = await broadcast_report(uow, callback_data.id)
    except UnknownBroadcast:
        alert(callback_answer, _("There is no such broadcast. /broadcasts lists them."))
        return
    if isinstance(query.message, Message):
        await replace_message(query.message, await report_text(uow, report, user.timezone), report_buttons(report))


async def stop(
    query: CallbackQuery, callback_data: BroadcastStop, uow: UnitOfWork, clock: Clock, user: User, authority: Authority,
    callback_answer: CallbackAnswer,
) -> None:
    if not isinstance(query.message, Message):
        return
    try:
        if not callback_data.sure:
            report = await broadcast_report(uow, callback_data.id)
            await replace_message(
                query.message,
                _("Stop broadcast #{number}? What has not gone out yet ({pending}) will not be sent; what was delivered stays.").format(
                    number=callback_data.id, pending=report.outcomes.pending
                ),
                confirm_stop(callback_data.id),
            )
            return
        report = await stop_broadcast(uow, clock, actor=authority, broadcast_id=callback_data.id)
    except UnknownBroadcast:
        alert(callback_answer, _("There is no such broadcast. /broadcasts lists them."))
        return
    callback_answer.text = _("Stopped.")
    await replace_message(query.message, await report_text(uow, report, user.timezone), report_buttons(report))


async def report_text(uow: UnitOfWork, report: BroadcastReport, zone: str) -> str:
    broadcast, outcomes = report.broadcast, report.outcomes
    author = await uow.users.get(broadcast.author_id)
    lines = [
        _("📣 Broadcast #{number} to {segment}").format(number=broadcast.id, segment=segment_name(broadcast.segment)),
        _("By {author}, {when}; addressed to {count}.").format(
            author=author.staff_name if author else f"#{broadcast.author_id}",
            when=local_moment(broadcast.created_at, zone),
            count=broadcast.recipients,
        ),
        "",
        _("✅ Delivered: {count}").format(count=outcomes.delivered),
        _("⏳ Pending: {count}").format(count=outcomes.pending),
        _("🚫 Unreachable (blocked the bot): {count}").format(count=outcomes.unreachable),
    ]
    if outcomes.not_delivered:
        lines.append(_("⚠️ Not delivered for another reason, or stopped: {count}").format(count=outcomes.not_delivered))
    if outcomes.pending:
        lines += ["", _("Messages go out at Telegram's pace; refresh to see how far it got.")]
    return "\n".join(lines)


def segment_name(segment: Segment) -> str:
    if segment.audience is Audience.THERAPISTS:
        return _("all therapists")
    if segment.audience is Audience.CLIENTS:
        return _("all clients")
    assert segment.step is not None
    return _("applicants: {step}").format(step=step_name(segment.step))
