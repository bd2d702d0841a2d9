"""/queue: the admins' view of timed messages: what is due, late, sent, dropped or failed, per kind.

Full admins hold the permission (core/staff.py); anyone else is answered by the staff gate.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from bot.access import HasPermission
from bot.presenting import local_moment
from core.clock import Clock
from core.notices import KindFigures
from core.ports import UnitOfWork
from core.staff import Permission
from core.usecases.queue import queue_figures
from core.users import User


def router() -> Router:
    router = Router(name="admin_queue")
    router.message.register(show_queue, Command("queue"), HasPermission(Permission.WATCH_DELIVERY))
    return router


async def show_queue(message: Message, uow: UnitOfWork, clock: Clock, user: User) -> None:
    figures = await queue_figures(uow, clock)
    now = clock.now()
    lines = [_("📬 Timed messages, {moment}").format(moment=local_moment(now, user.timezone))]
    if not figures:
        lines.append(_("Nothing has been scheduled yet."))
    else:
        lines.append(total_line(figures))
        lines.extend(kind_block(kind, now) for kind in figures)
    await message.answer("\n\n".join(lines))


def total_line(figures: list[KindFigures]) -> str:
    return _(
        "All kinds: due now {due} · later {later} · sending {sending} · sent {sent} · dropped {dropped} · failed {failed}"
    ).format(
        due=sum(kind.due for kind in figures),
        later=sum(kind.later for kind in figures),
        sending=sum(kind.sending for kind in figures),
        sent=sum(kind.sent for kind in figures),
        dropped=sum(kind.dropped for kind in figures),
        failed=sum(kind.failed for kind in figures),
    )


def kind_block(kind: KindFigures, now: datetime) -> str:
    overdue = kind.overdue_by(now)
    waiting = _("due now {due} · later {later} · sending {sending}").format(
        due=kind.due, later=kind.later, sending=kind.sending
    )
    if overdue is not None:
        waiting += _(" (the oldest is {age} late)").format(age=duration(overdue))
    done = _("sent {sent} · dropped {dropped} · failed {failed}").format(
        sent=kind.sent, dropped=kind.dropped, failed=kind.failed
    )
    return f"{kind.kind}\n{waiting}\n{done}"


def duration(span: timedelta) -> str:
    seconds = int(span.total_seconds())
    if seconds < 60:
        return _("{seconds} s").format(seconds=seconds)
    minutes = seconds // 60
    if minutes < 60:
        return _("{minutes} min").format(minutes=minutes)
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return _("{hours} h {minutes} min").format(hours=hours, minutes=minutes)
    days, hours = divmod(hours, 24)
    return _("{days} d {hours} h").format(days=days, hours=hours)
