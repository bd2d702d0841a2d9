"""/queue: the admins' view of timed messages: what is due, late, sent, dropped or failed, per kind.
/inbox: updates from Telegram that kept failing and were set aside (they no longer hold up their chat), each with
«Retry» (back in line for its chat, with all its tries) and «Drop» (never handled; what it held is erased).

Full admins hold the permission (core/staff.py); anyone else is answered by the staff gate.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.access import StaffRouter
from bot.editing import replace_message
from bot.keyboards.inbox import InboxAct, InboxAction, InboxList, confirm_drop, set_aside_buttons
from bot.middlewares.callback_answer import out_of_date
from bot.views.presenting import local_moment
from bot.views.queue_labels import kind_label
from core.clock import Clock
from core.inbox import SetAsideUpdate
from core.notices import KindFigures
from core.ports import UnitOfWork
from core.staff import Permission
from core.usecases.inbox import drop_update, retry_update, set_aside_update, set_aside_updates
from core.usecases.queue import queue_figures
from core.users import User


def commands() -> Router:
    router = StaffRouter(name="admin_queue-commands", permission=Permission.WATCH_DELIVERY)
    router.message.register(show_queue, Command("queue"))
    router.message.register(show_set_aside, Command("inbox"))
    return router


def router() -> Router:
    router = StaffRouter(name="admin_queue", permission=Permission.WATCH_DELIVERY)
    router.callback_query.register(retry, InboxAct.filter(F.action == InboxAction.RETRY))
    router.callback_query.register(ask_to_drop, InboxAct.filter((F.action == InboxAction.DROP) & ~F.sure))
    router.callback_query.register(drop, InboxAct.filter((F.action == InboxAction.DROP) & F.sure))
    router.callback_query.register(back_to_list, InboxList.filter())
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
    text, markup = await set_aside_list(uow, user, _("📥 No update from Telegram has been set aside: every one was handled."))
    await message.answer(text, reply_markup=markup)


async def retry(
    query: CallbackQuery, message: Message, callback_data: InboxAct, uow: UnitOfWork, clock: Clock, user: User,
    callback_answer: CallbackAnswer,
) -> None:
    if not await retry_update(uow, clock, user, callback_data.update):
        out_of_date(callback_answer)
        return
    callback_answer.text = _("Update {update_id} is back in line: it is handled in a moment.").format(
        update_id=callback_data.update
    )
    await replace_message(message, *await set_aside_list(uow, user, nothing_else()))


async def ask_to_drop(
    query: CallbackQuery, message: Message, callback_data: InboxAct, uow: UnitOfWork, user: User,
    callback_answer: CallbackAnswer,
) -> None:
    chosen = await set_aside_update(uow, callback_data.update)
    if chosen is None:
        out_of_date(callback_answer)
        return
    question = _("Drop this update? It will never be handled, and what it holds is erased.")
    await replace_message(message, f"{set_aside_block(chosen, user.timezone)}\n\n{question}", confirm_drop(chosen.update_id))


async def drop(
    query: CallbackQuery, message: Message, callback_data: InboxAct, uow: UnitOfWork, clock: Clock, user: User,
    callback_answer: CallbackAnswer,
) -> None:
    if not await drop_update(uow, clock, user, callback_data.update):
        out_of_date(callback_answer)
        return
    callback_answer.text = _("Update {update_id} dropped: what it held is erased.").format(update_id=callback_data.update)
    await replace_message(message, *await set_aside_list(uow, user, nothing_else()))


async def back_to_list(query: CallbackQuery, message: Message, uow: UnitOfWork, user: User) -> None:
    await replace_message(message, *await set_aside_list(uow, user, nothing_else()))


def nothing_else() -> str:
    return _("📥 Nothing else is set aside.")


async def set_aside_list(uow: UnitOfWork, user: User, empty: str) -> tuple[str, InlineKeyboardMarkup | None]:
    """The list with a retry and a drop button for each update shown; `empty` when nothing is set aside."""
    count, shown = await set_aside_updates(uow)
    if not count:
        return empty, None
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
    return "\n\n".join(lines), set_aside_buttons(shown)


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
