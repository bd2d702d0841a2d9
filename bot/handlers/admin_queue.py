"""/queue: the admins' view of timed messages: what is due, late, sent, dropped or failed, per kind.
/inbox: updates from Telegram that kept failing and were set aside (they no longer hold up their chat).

Full admins hold the permission (core/staff.py); anyone else is answered by the staff gate.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.access import StaffRouter
from bot.views.presenting import local_moment
from bot.views.queue_labels import kind_label
from core.clock import Clock
from core.inbox import SetAsideUpdate
from core.notices import KindFigures
from core.ports import UnitOfWork
from core.staff import Permission
from core.usecases.inbox import set_aside_updates
from core.usecases.queue import queue_figures
from core.users import User


def commands() -> Router:
    router = StaffRouter(name="admin_queue-commands", permission=Permission.WATCH_DELIVERY)
    router.message.register(show_queue, Command("queue"))
    router.message.register(show_set_aside, Command("inbox"))
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


async def show_set_aside(message: Message, uow: UnitOfWork, user: User) -> None:
    count, shown = await set_aside_updates(uow)
    if not count:
        await message.answer(_("📥 No update from Telegram has been set aside: every one was handled."))
        return
    lines = [
        ngettext(
            "📥 {count} update from Telegram kept failing and was set aside.",
            "📥 {count} updates from Telegram kept failing and were set aside.",
            count,
        ).format(count=count)
    ]
    if count > len(shown):
        lines.append(_("The newest {shown}:").format(shown=len(shown)))
    lines.extend(set_aside_block(update, user.timezone) for update in shown)
    await message.answer("\n\n".join(lines))


def set_aside_block(update: SetAsideUpdate, zone: str) -> str:
    tries = ngettext("{count} try", "{count} tries", update.attempts).format(count=update.attempts)
    return _("Update {update_id} ({kind}) from chat {chat}: set aside {moment}, after {tries}\n{error}").format(
        update_id=update.update_id, kind=update.kind, chat=update.chat_id,
        moment=local_moment(update.set_aside_at, zone), tries=tries, error=update.error,
    )


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
    return f"{kind_label(kind.kind)}\n{waiting}\n{done}"


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
